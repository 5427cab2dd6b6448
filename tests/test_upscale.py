"""Upscaling (music_visualizer/finishing/upscale.py, tiles.py): Lanczos against PIL, tiles that
leave no seams and bound memory, every bad input's sentence, and real spandrel models (random
weights, built with spandrel's classes) in the spandrel venv (tests/upscale_models_check.py)."""

from __future__ import annotations

import dataclasses
import itertools
import json
import os
import subprocess
import sys

import numpy as np
import pytest
import torch
from PIL import Image

from music_visualizer.errors import ModelError, SettingsError, UserError
from music_visualizer.finishing.tiles import feather, run_tiled, tile_spans
from music_visualizer.finishing.upscale import Upscaler, lanczos_resize, load_upscaler
from tests.conftest import ROOT
from tests.upscale_models_check import HOW_TO, spandrel_python

# its module-scoped fixtures are built once: every test of this module on one xdist worker
pytestmark = pytest.mark.xdist_group("upscale")


def _frames(b: int, h: int, w: int, seed: int = 0) -> torch.Tensor:
    return torch.rand(b, 3, h, w, generator=torch.Generator().manual_seed(seed))


def _pil_lanczos(channel: torch.Tensor, height: int, width: int) -> np.ndarray:
    image = Image.fromarray(channel.numpy().astype(np.float32), mode="F")
    return np.asarray(image.resize((width, height), Image.LANCZOS))


# ----------------------------------------------------------------------------------------------
# Lanczos
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("scale", [2, 3, 4])
@pytest.mark.parametrize("size", [(8, 8), (37, 53), (64, 48)])
def test_lanczos_upscaler_gives_exact_sizes_and_pil_lanczos(scale, size):
    h, w = size
    frames = _frames(2, h, w)
    upscaler = load_upscaler(scale, None, device="cpu")
    out = upscaler(frames)
    assert upscaler.scale == scale and upscaler.name == f"Lanczos {scale}x"
    assert out.shape == (2, 3, h * scale, w * scale) and out.dtype == torch.float32
    assert float(out.min()) >= 0 and float(out.max()) <= 1
    reference = np.stack([_pil_lanczos(frames[1, c], h * scale, w * scale) for c in range(3)])
    assert np.abs(out[1].numpy() - np.clip(reference, 0, 1)).max() < 1e-5


def test_lanczos_resize_shrinks_like_pil_and_keeps_flat_colour():
    frames = _frames(1, 96, 80)
    out = lanczos_resize(frames, 48, 20)
    reference = _pil_lanczos(frames[0, 0], 48, 20)
    assert np.abs(out[0, 0].numpy() - reference).max() < 1e-5
    flat = torch.full((1, 3, 10, 12), 0.25)
    assert torch.allclose(load_upscaler(4, "  ")(flat), torch.full((1, 3, 40, 48), 0.25))


# ----------------------------------------------------------------------------------------------
# Tiles
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("size,tile,overlap", [(100, 32, 8), (33, 32, 8), (32, 32, 0),
                                               (500, 384, 32), (97, 20, 10), (5, 32, 8),
                                               (540, 512, 32), (3840, 512, 32)])
def test_tiles_cover_the_frame_overlapping_and_their_weights_sum_to_one(size, tile, overlap):
    spans = tile_spans(size, tile, overlap)
    assert spans[0][0] == 0 and spans[-1][1] == size
    lengths = {end - start for start, end in spans}
    assert len(lengths) == 1 and lengths.pop() <= tile
    assert all(b[0] <= a[1] - overlap for a, b in itertools.pairwise(spans))
    total = torch.zeros(size * 2)
    for i, (start, end) in enumerate(spans):
        total[start * 2:end * 2] += feather(spans, i, 2)
    assert torch.allclose(total, torch.ones(size * 2), atol=1e-5)


def test_tiles_repeat_little_work():
    assert tile_spans(540, 512, 32) == [(0, 286), (254, 540)]
    assert tile_spans(512, 512, 32) == [(0, 512)]
    for size in (540, 960, 1080, 1920, 3840):
        spans = tile_spans(size, 512, 32)
        assert sum(end - start for start, end in spans) <= size + len(spans) * 32


def test_tile_sizes_out_of_range_are_refused():
    with pytest.raises(ValueError, match="overlap=20"):
        tile_spans(100, 32, 20)


class _ConvSR(torch.nn.Module):
    """A model-like upscaler: 3 convs (receptive field 3 px each side), then pixel shuffle."""

    def __init__(self, scale: int) -> None:
        super().__init__()
        torch.manual_seed(3)
        self.body = torch.nn.Sequential(
            torch.nn.Conv2d(3, 8, 3, padding=1), torch.nn.ReLU(),
            torch.nn.Conv2d(8, 8, 3, padding=1), torch.nn.ReLU(),
            torch.nn.Conv2d(8, 3 * scale * scale, 3, padding=1), torch.nn.PixelShuffle(scale))
        self.calls: list[tuple[int, ...]] = []
        self.largest = 0

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.calls.append(tuple(x.shape))
        for layer in self.body:
            x = layer(x)
            self.largest = max(self.largest, x.numel())
        return torch.sigmoid(x)


def _model_upscaler(scale: int, native: int, **tiles) -> Upscaler:
    net = _ConvSR(native)
    return Upscaler(scale=scale, name="test", device=torch.device("cpu"), net=net,
                    native_scale=native, passes=1 if native >= scale else 2, **tiles)


def _seams(a: torch.Tensor, b: torch.Tensor, spans: list[tuple[int, int]], scale: int) -> float:
    """Largest difference of ``a`` and ``b`` on the output rows where tiles meet or overlap."""
    rows = sorted({r for prev, nxt in itertools.pairwise(spans)
                   for r in range(nxt[0] * scale - 1, prev[1] * scale + 1)})
    return float((a[:, :, rows] - b[:, :, rows]).abs().max())


@pytest.mark.parametrize("scale,native", [(2, 2), (4, 4), (2, 4), (4, 2)])
def test_tiled_equals_untiled_and_leaves_no_seams(scale, native):
    frames = _frames(2, 70, 90, seed=1)
    whole = _model_upscaler(scale, native, tile=1000, overlap=0)
    tiled = dataclasses.replace(whole, tile=40, overlap=20)
    y_whole, y_tiled = whole(frames), tiled(frames)
    assert y_tiled.shape == (2, 3, 70 * scale, 90 * scale)
    spans = tile_spans(70, 40, 20)
    assert len(spans) > 2
    # the receptive field (3 px; 4.5 px with a second pass of a 2x model) lies inside the 5 px
    # that each tile's outer quarter of the overlap leaves out
    assert float((y_tiled - y_whole).abs().max()) < 1e-5
    assert _seams(y_tiled, y_whole, spans, scale) < 1e-5


def test_tiles_without_overlap_would_leave_seams():
    """The seam measure of the test above sees the borders of tiles that do not overlap."""
    frames = _frames(1, 64, 96, seed=1)
    whole = _model_upscaler(2, 2, tile=1000, overlap=0)
    butted = dataclasses.replace(whole, tile=32, overlap=0)
    assert tile_spans(64, 32, 0) == [(0, 32), (32, 64)]
    assert _seams(butted(frames), whole(frames), tile_spans(64, 32, 0), 2) > 1e-3


def test_tiles_bound_the_model_input_and_activations():
    small, large = _frames(1, 64, 64), _frames(1, 256, 256)
    counts, largest = [], []
    for frames in (small, large):
        upscaler = _model_upscaler(4, 4, tile=32, overlap=8)
        upscaler(frames)
        assert all(max(shape[-2:]) <= 32 for shape in upscaler.net.calls)
        counts.append(len(upscaler.net.calls))
        largest.append(upscaler.net.largest)
    assert counts == [len(tile_spans(64, 32, 8)) ** 2, len(tile_spans(256, 32, 8)) ** 2]
    assert counts[1] > 10 * counts[0]  # 16 times the area
    # the model's widest activation is at most one full tile's, whatever the frame size
    assert max(largest) <= 48 * 32 * 32


def test_a_larger_model_scale_is_resized_down_with_lanczos():
    frames = _frames(1, 20, 24)
    up = _model_upscaler(2, 4, tile=1000, overlap=0)
    native = up.net(frames)
    expected = lanczos_resize(native, 40, 48).clamp(0, 1)
    assert torch.allclose(up(frames), expected, atol=1e-6)


def test_run_tiled_batches_frames_and_keeps_them_apart():
    frames = _frames(3, 40, 40, seed=4)
    net = _ConvSR(2)
    together = run_tiled(net, frames, 2, tile=16, overlap=8)
    alone = torch.cat([run_tiled(net, f[None], 2, tile=16, overlap=8) for f in frames])
    assert torch.allclose(together, alone, atol=1e-6)


def test_an_empty_batch_gives_an_empty_batch():
    for upscaler in (load_upscaler(2, None), _model_upscaler(2, 2)):
        assert upscaler(torch.zeros(0, 3, 8, 10)).shape == (0, 3, 16, 20)


def test_frames_of_the_wrong_shape_are_refused():
    with pytest.raises(ValueError, match="frames must be"):
        load_upscaler(2, None)(torch.zeros(3, 8, 8))


def test_importing_the_module_loads_no_model_library():
    code = ("import sys, music_visualizer.finishing.upscale; "
            "print(sorted(m for m in ('spandrel', 'torchvision', 'huggingface_hub') "
            "if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, check=True)
    assert proc.stdout.strip() == "[]"


# ----------------------------------------------------------------------------------------------
# Bad inputs: one sentence each
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("scale", [0, 1, 5, 2.0, True, "2"])
def test_a_bad_scale_is_one_sentence(scale):
    with pytest.raises(SettingsError, match=r"upscale=.* must be 2, 3 or 4"):
        load_upscaler(scale, None)


def _one_sentence(e: pytest.ExceptionInfo) -> str:
    text = str(e.value)
    assert isinstance(e.value, UserError) and "\n" not in text and text.endswith(".")
    return text


def test_missing_folder_and_wrong_suffix_are_one_sentence(tmp_path):
    with pytest.raises(ModelError) as e:
        load_upscaler(4, str(tmp_path / "4x-UltraSharp.pth"))
    assert "does not exist" in _one_sentence(e) and "Lanczos" in str(e.value)
    with pytest.raises(ModelError) as e:
        load_upscaler(4, str(tmp_path))
    assert "is a folder, not a model file" in _one_sentence(e)
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(ModelError) as e:
        load_upscaler(4, str(tmp_path / "notes.txt"))
    assert "is a .txt file, not a model file" in _one_sentence(e)


def test_a_hub_file_not_in_the_cache_while_offline_is_one_sentence(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelError) as e:
        load_upscaler(4, "nobody-here/no-such-upscalers/4x.pth")
    text = _one_sentence(e)
    assert "could not be fetched from the Hugging Face Hub" in text
    assert "HF_HUB_OFFLINE" in text


def test_spandrel_that_cannot_be_imported_is_one_sentence(tmp_path, monkeypatch):
    model = tmp_path / "RealESRGAN_x4plus.pth"
    torch.save({"conv_first.weight": torch.zeros(1)}, model)
    monkeypatch.setitem(sys.modules, "spandrel", None)  # import spandrel -> ImportError
    with pytest.raises(ModelError) as e:
        load_upscaler(4, str(model))
    text = _one_sentence(e)
    assert "need the spandrel package" in text and "pip install spandrel" in text
    assert "leave upscale_model empty" in text


# ----------------------------------------------------------------------------------------------
# Real spandrel models, in the spandrel venv
# ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def spandrel_report(tmp_path_factory):
    python = spandrel_python()
    if python is None:
        if os.environ.get("MUSIC_VISUALIZER_REQUIRE_SPANDREL"):
            pytest.fail(HOW_TO)
        pytest.skip(HOW_TO)
    out = tmp_path_factory.mktemp("spandrel") / "report.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([python, str(ROOT / "tests" / "upscale_models_check.py"), str(out)],
                          capture_output=True, text=True, timeout=600, cwd=ROOT, env=env)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return json.loads(out.read_text())


@pytest.mark.slow
def test_spandrel_models_give_the_asked_size_named_by_architecture(spandrel_report):
    sizes = spandrel_report["sizes"]
    assert len(sizes) == 6
    for key, entry in sizes.items():
        assert entry["shape"] == entry["expected"], key
        assert entry["min"] >= 0 and entry["max"] <= 1 and entry["std"] > 0.05, key
    assert sizes["esrgan4.pth@4"]["name"] == "esrgan4.pth (ESRGAN 4x)"
    assert sizes["esrgan4.pth@2"]["name"].endswith("(ESRGAN 4x, resized to 2x with Lanczos)")
    assert sizes["esrgan2.pth@4"]["name"].endswith("(ESRGAN 2x, applied 2 times)")
    assert "RealESRGAN Compact 2x" in sizes["compact2.safetensors@2"]["name"]


@pytest.mark.slow
def test_spandrel_models_run_as_spandrel_runs_them_from_every_file_format(spandrel_report):
    for key, diff in spandrel_report["faithful"].items():
        assert diff < 1e-5, key


@pytest.mark.slow
def test_spandrel_models_tiled_match_untiled_and_are_deterministic(spandrel_report):
    for key, entry in spandrel_report["tiling"].items():
        assert entry["tiled_vs_whole"] < 1e-3, key
        assert entry["same_call_twice"] == 0 and entry["same_after_reload"] == 0, key


@pytest.mark.slow
def test_spandrel_model_memory_is_bounded_by_the_tile(spandrel_report):
    small, large = spandrel_report["bounded"]["48x64"], spandrel_report["bounded"]["96x128"]
    assert small["largest_input"] <= 32 and large["largest_input"] <= 32
    assert large["calls"] > 2 * small["calls"]
    # 8 features at 4x of a 32 px tile, whatever the frame size
    assert max(small["largest_activation"], large["largest_activation"]) <= 8 * 128 * 128


@pytest.mark.slow
def test_spandrel_bad_model_files_are_one_sentence_each(spandrel_report):
    errors = spandrel_report["errors"]
    assert "not a super-resolution (upscaling) model" in errors["restore1.pth"]
    assert "not an architecture spandrel knows" in errors["unknown.pth"]
    assert "could not be read" in errors["garbage.pth"]
    for text in errors.values():
        assert "\n" not in text and text.endswith("Lanczos.")


@pytest.mark.slow
def test_spandrel_hub_file_loads_from_the_cache_offline(spandrel_report):
    hub = spandrel_report["hub"]
    assert hub["name"] == "esrgan4.pth (ESRGAN 4x)" and hub["vs_local"] == 0
