"""music_visualizer.render.models with a tiny random Stable Diffusion model (CPU, offline)."""

from __future__ import annotations

import shutil

import pytest
import torch

from music_visualizer.errors import ModelError
from music_visualizer.render.models import SCHEDULERS, Pipelines, load_pipelines, pick_device
from tests.tiny_models import make_tiny_sd


@pytest.fixture(autouse=True)
def _offline(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def tiny_sd(tmp_path_factory):
    return make_tiny_sd(tmp_path_factory.mktemp("models") / "tiny-sd", seed=0)


@pytest.fixture(scope="module")
def pipes(tiny_sd) -> Pipelines:
    return load_pipelines(str(tiny_sd), device="cpu")


def _txt2img(pipes: Pipelines, seed: int) -> torch.Tensor:
    return pipes.txt2img(
        "a cat",
        num_inference_steps=2,
        height=64,
        width=64,
        generator=torch.Generator().manual_seed(seed),
        output_type="pt",
    ).images


def test_tiny_tokenizer_round_trip(tiny_sd):
    from transformers import CLIPTokenizer

    tok = CLIPTokenizer.from_pretrained(tiny_sd / "tokenizer")
    assert len(tok) == 514
    assert tok.model_max_length == 77
    ids = tok("a cat").input_ids
    special = {tok.bos_token_id, tok.eos_token_id}
    assert ids[0] == tok.bos_token_id and ids[-1] == tok.eos_token_id
    assert len([i for i in ids if i not in special]) >= 3


def test_load_cpu_float32_shared_modules(pipes, tiny_sd):
    assert pipes.device == torch.device("cpu")
    assert pipes.dtype == torch.float32
    assert pipes.model_id == str(tiny_sd)
    assert pipes.txt2img.unet is pipes.img2img.unet
    assert pipes.txt2img.vae is pipes.img2img.vae
    assert pipes.txt2img.text_encoder is pipes.img2img.text_encoder
    assert pipes.img2img.unet.dtype == torch.float32
    assert pipes.img2img.safety_checker is None
    assert type(pipes.img2img).__name__ == "StableDiffusionImg2ImgPipeline"
    assert type(pipes.txt2img).__name__ == "StableDiffusionPipeline"


def test_txt2img_deterministic(pipes):
    a = _txt2img(pipes, 1)
    assert a.shape == (1, 3, 64, 64)
    assert a.min() >= 0 and a.max() <= 1
    assert torch.equal(a, _txt2img(pipes, 1))
    assert not torch.equal(a, _txt2img(pipes, 2))


def test_img2img_tensor(pipes):
    image = torch.rand(1, 3, 64, 64, generator=torch.Generator().manual_seed(0))
    out = pipes.img2img(
        "a dog",
        image=image,
        strength=0.5,
        num_inference_steps=2,
        generator=torch.Generator().manual_seed(1),
        output_type="pt",
    ).images
    assert isinstance(out, torch.Tensor)
    assert out.shape == (1, 3, 64, 64)
    assert out.min() >= 0 and out.max() <= 1


@pytest.mark.parametrize("name", sorted(SCHEDULERS))
def test_scheduler_names(tiny_sd, name):
    p = load_pipelines(tiny_sd, scheduler=name, device="cpu")
    assert p.txt2img.scheduler is p.img2img.scheduler
    expected = SCHEDULERS[name].class_name or "EulerAncestralDiscreteScheduler"
    assert type(p.img2img.scheduler).__name__ == expected
    assert p.img2img.scheduler.config.timestep_spacing == "trailing"


def test_unknown_scheduler(tiny_sd):
    with pytest.raises(ModelError) as err:
        load_pipelines(tiny_sd, scheduler="warp_drive", device="cpu")
    msg = str(err.value)
    assert "warp_drive" in msg
    assert all(name in msg for name in SCHEDULERS)


def test_dtype_override(tiny_sd):
    p = load_pipelines(tiny_sd, device="cpu", dtype="bfloat16")
    assert p.dtype == torch.bfloat16
    assert p.txt2img.unet.dtype == torch.bfloat16
    with pytest.raises(ModelError, match="float16, bfloat16 or float32"):
        load_pipelines(tiny_sd, device="cpu", dtype="int8")


def test_pick_device():
    assert pick_device("cpu") == torch.device("cpu")
    if not torch.cuda.is_available():
        assert pick_device(None) in (torch.device("cpu"), torch.device("mps"))
        with pytest.raises(ModelError, match="CUDA"):
            pick_device("cuda")
    with pytest.raises(ModelError, match="gpu9"):
        pick_device("gpu9")


@pytest.mark.parametrize(
    "name",
    ["./no/such/model", "/no/such/folder", "~/no-such-model", "nope/x/y", "nope.safetensors"],
)
def test_missing_path(name):
    with pytest.raises(ModelError) as err:
        load_pipelines(name, device="cpu")
    msg = str(err.value)
    assert name in msg and "does not exist" in msg
    assert err.value.__cause__ is None


def test_folder_without_model_index(tmp_path):
    (tmp_path / "unet").mkdir()
    (tmp_path / "model.safetensors").write_bytes(b"")
    with pytest.raises(ModelError) as err:
        load_pipelines(tmp_path, device="cpu")
    msg = str(err.value)
    assert str(tmp_path) in msg and "model_index.json" in msg
    assert "model.safetensors" in msg  # the hint


def test_broken_single_file(tmp_path):
    bad = tmp_path / "broken.safetensors"
    bad.write_bytes(b"not a checkpoint")
    with pytest.raises(ModelError) as err:
        load_pipelines(bad, device="cpu")
    assert str(bad) in str(err.value)
    assert err.value.__cause__ is not None


def test_unknown_hub_id_offline():
    name = "nobody-here/no-such-model-xyz"
    with pytest.raises(ModelError) as err:
        load_pipelines(name, device="cpu")
    msg = str(err.value)
    assert name in msg
    assert "could not be downloaded" in msg
    assert "local diffusers folder" in msg and ".safetensors" in msg
    assert err.value.__cause__ is not None


def test_hub_id_from_cache_offline(tiny_sd, tmp_path):
    """A Hub id that is in the cache loads offline (the cache layout of huggingface_hub)."""
    commit = "0123456789abcdef0123456789abcdef01234567"
    repo = tmp_path / "models--tiny--sd"
    shutil.copytree(tiny_sd, repo / "snapshots" / commit)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(commit)
    p = load_pipelines("tiny/sd", device="cpu", cache_dir=tmp_path)
    assert p.model_id == "tiny/sd"
    assert p.txt2img.unet is p.img2img.unet


def test_invalid_hub_id():
    with pytest.raises(ModelError, match="neither an existing local path nor a valid"):
        load_pipelines("not a model id", device="cpu")


def test_import_is_cheap():
    import subprocess
    import sys

    code = (
        "import sys, music_visualizer.render.models; "
        "print('diffusers' in sys.modules or 'transformers' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
