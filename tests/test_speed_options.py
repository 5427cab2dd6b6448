"""The speed options of a diffusion render: a tiny autoencoder (TAESD) and torch.compile."""

from __future__ import annotations

import json

import pytest
import torch

from music_visualizer.errors import ModelError
from music_visualizer.render.models import compile_failure, load_pipelines, run_pipeline
from tests.conftest import run_clis
from tests.tiny_models import make_tiny_taesd


@pytest.fixture(autouse=True)
def _offline(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


def _txt2img(pipes, seed: int = 1) -> torch.Tensor:
    return pipes.txt2img("a cat", num_inference_steps=2, height=64, width=64,
                         generator=torch.Generator().manual_seed(seed), output_type="pt").images


def test_the_tiny_vae_decodes_and_encodes_for_both_pipelines(tiny_model, tiny_taesd):
    from diffusers import AutoencoderKL, AutoencoderTiny

    plain = load_pipelines(str(tiny_model), device="cpu")
    tiny = load_pipelines(str(tiny_model), device="cpu", tiny_vae=str(tiny_taesd))
    assert isinstance(plain.img2img.vae, AutoencoderKL)
    assert isinstance(tiny.img2img.vae, AutoencoderTiny)
    assert tiny.txt2img.vae is tiny.img2img.vae  # still one set of modules
    assert tiny.txt2img.unet is tiny.img2img.unet
    with torch.inference_mode():
        frame = _txt2img(tiny)
        assert frame.shape == (1, 3, 64, 64) and 0 <= float(frame.min()) <= float(frame.max()) <= 1
        # the same latents decoded by another autoencoder: another picture
        assert float((frame - _txt2img(plain)).abs().mean()) > 0.01
        assert torch.equal(frame, _txt2img(tiny))  # and deterministic
        out = tiny.img2img("a cat", image=frame, strength=0.5, num_inference_steps=2,
                           generator=torch.Generator().manual_seed(2), output_type="pt").images
    assert out.shape == (1, 3, 64, 64)


def test_a_tiny_vae_for_another_scale_is_refused_in_one_sentence(tiny_model, tmp_path):
    other = make_tiny_taesd(tmp_path / "taesd-3", blocks=3)  # 1/4 scale; the model is 1/2
    with pytest.raises(ModelError, match=r"does not fit model .* 1/4 scale.* 1/2"):
        load_pipelines(str(tiny_model), device="cpu", tiny_vae=str(other))


def test_a_missing_or_unknown_tiny_vae_is_a_model_error(tiny_model, tmp_path):
    with pytest.raises(ModelError, match="does not exist"):
        load_pipelines(str(tiny_model), device="cpu", tiny_vae=str(tmp_path / "nowhere"))
    with pytest.raises(ModelError, match=r"could not be loaded.*AutoencoderTiny"):
        load_pipelines(str(tiny_model), device="cpu", tiny_vae="someone/not-a-cached-taesd")


def test_render_with_a_tiny_vae_from_the_cli(song, tiny_model, tiny_taesd, tmp_path):
    args = ("render", "--audio", song, "--model", tiny_model, "--fps", 4, "--duration", 1.0,
            "--width", 64, "--height", 64, "--steps", 2, "--seed", 5, "--no-video")
    # the good and the bad VAE side by side (two processes): their start-ups overlap
    done, bad = run_clis([*args, "--tiny-vae", tiny_taesd, "--out", tmp_path / "a"],
                         [*args, "--tiny-vae", tmp_path / "missing", "--out", tmp_path / "b"])
    assert done.returncode == 0, done.stderr
    records = list((tmp_path / "a").glob("*/*/*_settings.json"))
    folder, ts = records[0].parent, records[0].name[:14]
    assert json.loads(records[0].read_text())["settings"]["tiny_vae"] == str(tiny_taesd)
    assert len(list(folder.glob(f"{ts}_0*.png"))) == 4
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr and "does not exist" in bad.stderr


def test_a_compile_failure_becomes_one_clear_message():
    from torch._dynamo.exc import BackendCompilerFailed, TorchDynamoException

    err = compile_failure(BackendCompilerFailed("inductor", RuntimeError("no C compiler"), None))
    assert isinstance(err, ModelError) and "without compile" in str(err)
    assert isinstance(compile_failure(TorchDynamoException("x")), ModelError)
    assert compile_failure(RuntimeError("out of memory")) is None

    def failing(error):  # a pipeline whose (compiled) UNet raises on the first call
        def pipe(**_):
            raise error
        return pipe

    with pytest.raises(ModelError, match="without compile"):  # what both renderers call
        run_pipeline(failing(TorchDynamoException("no Triton")), prompt="x")
    with pytest.raises(RuntimeError, match="out of memory"):  # anything else unchanged
        run_pipeline(failing(RuntimeError("out of memory")), prompt="x")


@pytest.mark.slow
def test_a_compiled_unet_gives_the_same_frames(tiny_model):
    compiled = load_pipelines(str(tiny_model), device="cpu", compile=True)
    plain = load_pipelines(str(tiny_model), device="cpu")
    unet = compiled.img2img.unet
    assert type(unet).__name__ == "UNet2DConditionModel"  # compiled in place, config kept
    assert unet._compiled_call_impl is not None and plain.img2img.unet._compiled_call_impl is None
    with torch.inference_mode():
        fast, slow = _txt2img(compiled), _txt2img(plain)
    assert float((fast - slow).abs().max()) < 1e-4
