"""DepthEstimator with a tiny random Depth Anything model (CPU, offline)."""

from __future__ import annotations

import json
import shutil
from types import SimpleNamespace

import numpy as np
import pytest
import torch

from music_visualizer.errors import ModelError, UserError
from music_visualizer.render.depth import DISPARITY_FLOOR, DepthEstimator
from music_visualizer.render.warp3d import depth_to_png, warp_3d


@pytest.fixture(autouse=True)
def _offline(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="module")
def estimator(tiny_depth) -> DepthEstimator:
    return DepthEstimator(tiny_depth, device="cpu")


def _image(h: int = 64, w: int = 64, seed: int = 0) -> torch.Tensor:
    return torch.rand(1, 3, h, w, generator=torch.Generator().manual_seed(seed))


def test_loads_from_a_folder_as_float32_on_cpu(estimator, tiny_depth):
    assert estimator.model_id == str(tiny_depth)
    assert estimator.model_type == "depth_anything" and estimator.disparity
    assert estimator.device == torch.device("cpu") and estimator.dtype == torch.float32
    assert not estimator.model.training


@pytest.mark.parametrize(("h", "w"), [(64, 64), (40, 72), (90, 50)])
def test_estimate_shape_device_and_orientation(estimator, h, w):
    depth = estimator.estimate(_image(h, w))
    assert depth.shape == (1, 1, h, w) and depth.dtype == torch.float32
    assert depth.device == torch.device("cpu")
    assert torch.isfinite(depth).all() and depth.min() > 0
    # disparity normalised per frame: the nearest pixel at 1/(1+floor), the farthest at 1/floor
    assert float(depth.min()) == pytest.approx(1 / (1 + DISPARITY_FLOOR), rel=1e-5)
    assert float(depth.max()) == pytest.approx(1 / DISPARITY_FLOOR, rel=1e-5)


def test_estimate_is_deterministic_and_depends_on_the_picture(estimator, tiny_depth):
    image = _image()
    first = estimator.estimate(image)
    assert torch.equal(first, estimator.estimate(image.clone()))
    assert torch.equal(first, DepthEstimator(tiny_depth, device="cpu").estimate(image))
    assert not torch.allclose(first, estimator.estimate(_image(seed=1)))


def test_input_size_and_preprocessing_match_the_image_processor(estimator, tiny_depth):
    from PIL import Image
    from transformers import AutoImageProcessor

    from music_visualizer.render.image_ops import to_tensor

    processor = AutoImageProcessor.from_pretrained(tiny_depth)
    rng = np.random.default_rng(0)
    seen = []
    estimator_model = estimator.model

    class Spy(torch.nn.Module):
        def forward(self, pixel_values):
            seen.append(pixel_values)
            return estimator_model(pixel_values=pixel_values)

    estimator.model = Spy()
    try:
        for h, w in [(64, 64), (40, 72), (120, 90)]:
            small = (rng.random((h // 8, w // 8, 3)) * 255).astype(np.uint8)
            array = np.asarray(Image.fromarray(small).resize((w, h), Image.Resampling.BICUBIC))
            expected = processor(images=Image.fromarray(array), return_tensors="pt")
            expected = expected["pixel_values"]
            estimator.estimate(to_tensor(array))
            assert seen[-1].shape == expected.shape
            assert estimator.input_size(h, w) == tuple(expected.shape[-2:])
            assert (seen[-1] - expected).abs().mean() < 0.02  # torch vs PIL bicubic
    finally:
        estimator.model = estimator_model


def test_disparity_becomes_depth_larger_is_farther(estimator):
    """A model whose disparity grows to the left: the left is near, white in the PNG, and a
    sideways move shifts it more than the far right."""
    ramp = torch.linspace(1.0, 0.0, 56).expand(1, 56, 56)  # disparity, high = near
    real = estimator.model
    estimator.model = lambda pixel_values: SimpleNamespace(predicted_depth=ramp)
    try:
        depth = estimator.estimate(_image(48, 64))
    finally:
        estimator.model = real
    row = depth[0, 0, 24]
    assert (row[1:] >= row[:-1]).all() and row[0] < row[-1]  # farther to the right
    png = depth_to_png(depth)
    assert png[24, 0] == 255 and png[24, -1] == 0
    dots = torch.zeros(1, 3, 48, 64)
    dots[..., 24, 4] = 1.0
    dots[..., 24, 56] = 1.0
    out = warp_3d(dots, depth, translation=(4.0, 0.0, 0.0), rotation=(0.0, 0.0, 0.0), fov=70,
                  near=200, far=10000, sampling_mode="bilinear")
    left = int(out[0, 0, 24, :32].argmax())
    right = 32 + int(out[0, 0, 24, 32:].argmax())
    assert left - 4 > right - 56


def test_metric_models_pass_depth_through(tiny_depth, tmp_path):
    folder = tmp_path / "metric"
    shutil.copytree(tiny_depth, folder)
    config = json.loads((folder / "config.json").read_text())
    config.update(depth_estimation_type="metric", max_depth=20)
    (folder / "config.json").write_text(json.dumps(config))
    est = DepthEstimator(folder, device="cpu")
    assert not est.disparity
    depth = est.estimate(_image())
    assert depth.shape == (1, 1, 64, 64) and (depth > 0).all() and depth.max() <= 20


def test_hub_id_from_the_cache_offline(tiny_depth, tmp_path):
    commit = "0123456789abcdef0123456789abcdef01234567"
    repo = tmp_path / "models--tiny--depth"
    shutil.copytree(tiny_depth, repo / "snapshots" / commit)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(commit)
    est = DepthEstimator("tiny/depth", device="cpu", cache_dir=tmp_path)
    assert est.model_id == "tiny/depth" and est.estimate(_image()).shape == (1, 1, 64, 64)


def _error(model, **kw) -> str:
    with pytest.raises(ModelError) as err:
        DepthEstimator(model, device="cpu", **kw)
    assert isinstance(err.value, UserError)
    message = str(err.value)
    assert "\n" not in message and "--depth-model" in message
    return message


def test_missing_folder(tmp_path):
    missing = tmp_path / "no-such-folder"
    message = _error(missing)
    assert str(missing) in message and "does not exist" in message
    assert "does not exist" in _error("./not-here")


def test_folder_that_is_not_a_depth_model(tmp_path, tiny_depth):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "no config.json" in _error(empty)
    other = tmp_path / "bert"
    other.mkdir()
    (other / "config.json").write_text(json.dumps({"model_type": "bert"}))
    assert "not a depth-estimation model" in _error(other)
    assert "not a folder" in _error(tiny_depth / "config.json")
    no_processor = tmp_path / "no-processor"
    shutil.copytree(tiny_depth, no_processor)
    (no_processor / "preprocessor_config.json").unlink()
    assert "preprocessor_config.json" in _error(no_processor)


def test_hub_id_offline_and_not_cached(tmp_path):
    message = _error("nobody-here/no-such-depth-model", local_files_only=True, cache_dir=tmp_path)
    assert "nobody-here/no-such-depth-model" in message and "not in the local cache" in message

