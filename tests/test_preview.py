"""The preview renderer: a zoom leaves no cross at the centre, the seed chooses frame 0, and a
stopped zoomed run resumes to the same pixels."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from music_visualizer.render import cpu_kernels
from music_visualizer.render.loop import MotionOptions
from music_visualizer.render.preview import even_out, evening_weights, sample_fractions
from music_visualizer.runs.job import RenderRequest, render
from music_visualizer.settings import Settings
from tests.resume_check import stop_resume_compare


def _settings(**changes) -> Settings:
    # The defaults a user gets (gaussian noise 0.02, LAB colour coherence, strength 0.65), with
    # a steady zoom into the middle of the picture.
    base = dict(renderer="preview", width=128, height=128, fps=12, duration=5.0, seed=4,
                zoom="0:(1.02)")
    base.update(changes)
    return Settings(**base)


def _frames(folder: Path, ts: str) -> list[np.ndarray]:
    return [np.asarray(Image.open(p)) for p in
            sorted(folder.glob(f"{ts}_[0-9][0-9][0-9][0-9][0-9].png"))]


def _render(song: Path, out: Path, settings: Settings, **kw):
    result = render(RenderRequest(audio=song, settings=settings, output_dir=out,
                                  make_video=False), **kw)
    return _frames(result.folder, result.timestring), result


def _row_detail(image: np.ndarray) -> np.ndarray:
    """Per row: the mean square of the vertical second difference (how much each row stands
    out from the rows above and below it); index i is row i + 1."""
    g = image.astype(float).mean(axis=2)
    return ((2 * g[1:-1] - g[:-2] - g[2:]) ** 2).mean(axis=1)


def test_a_zoom_leaves_no_cross_at_the_centre(song, tmp_path):
    frames, _ = _render(song, tmp_path / "zoom", _settings())
    assert len(frames) == 60
    h = 128  # and the width
    centre = [h // 2 - 1, h // 2]  # the two rows (columns) either side of the zoom's centre
    near = [h // 2 - 6, h // 2 + 5]  # 5 px further out
    ratios = []
    for frame in frames[-10:]:  # a few seconds into the zoom
        rows = _row_detail(frame)
        cols = _row_detail(frame.transpose(1, 0, 2))
        for detail in (rows, cols):
            at_centre = np.mean([detail[i - 1] for i in centre])
            nearby = np.mean([detail[i - 1] for i in near])
            ratios.append(at_centre / nearby)
    # The noise there is smoothed as much as anywhere: the centre rows and columns look like
    # their neighbours (before, they kept every frame's noise: 2.5 to 4 times the detail).
    assert np.mean(ratios) < 1.4, ratios
    assert max(ratios) < 2.0, ratios


def test_frame_0_depends_on_the_seed(song, tmp_path):
    short = dict(fps=4, duration=0.5, zoom="0:(1)")
    one, _ = _render(song, tmp_path / "a", _settings(seed=1, **short))
    two, _ = _render(song, tmp_path / "b", _settings(seed=2, **short))
    one_again, _ = _render(song, tmp_path / "c", _settings(seed=1, **short))
    assert np.array_equal(one[0], one_again[0])
    assert np.abs(one[0].astype(float) - two[0]).mean() > 10  # another picture, not a tweak


@pytest.mark.parametrize("stop_at", [7, 31])
def test_a_stopped_zoomed_run_resumes_to_the_same_pixels(song, tmp_path, stop_at):
    settings = _settings(duration=3.0, angle="0:(0.7)", seed_behavior="iter")
    check = stop_resume_compare(song, settings, tmp_path, stop_after=stop_at)
    assert check.first.rendered == stop_at and len(check.expected) == 36


def _row(**changes):
    from music_visualizer.modes.plan import FrameParams

    base = dict(index=1, time=0.0, prompt="p", negative_prompt="", angle=0.0, zoom=1.0,
                translation_x=0.0, translation_y=0.0, transform_center_x=0.5,
                transform_center_y=0.5, strength=0.65, noise=0.02, contrast=1.0, cfg_scale=7.0,
                steps=10, seed=1)
    base.update(changes)
    return FrameParams(**base)


def test_sample_fractions_of_a_zoom_and_of_a_still_camera():
    options = MotionOptions()
    assert sample_fractions(_row(), options, width=64, height=64) is None
    fx, fy = sample_fractions(_row(zoom=1.02), options, width=64, height=64)
    assert fx.shape == fy.shape == (64, 64)
    # next to the centre (31.5) the samples fall almost on pixels ...
    assert float(torch.minimum(fy[31], 1 - fy[31]).max()) < 0.02
    assert float(torch.minimum(fx[:, 32], 1 - fx[:, 32]).max()) < 0.02
    # ... further out anywhere between them
    assert float(fy[5].mean()) == pytest.approx(0.5, abs=0.2)
    # a perspective flip is measured by moving coordinate ramps: the same numbers for no flip
    flip = MotionOptions(perspective_flip=True)
    gx, gy = sample_fractions(_row(zoom=1.02), flip, width=64, height=64)
    inner = (slice(2, -2), slice(2, -2))
    for a, b in ((gx, fx), (gy, fy)):
        dist = torch.minimum((a - b).abs(), 1 - (a - b).abs())[inner]
        assert float(dist.max()) < 1e-3


@pytest.mark.parametrize("numba", [True, False])
def test_even_out_gives_noise_sampled_on_pixels_the_variance_of_an_average_sample(monkeypatch,
                                                                                   numba):
    if not numba:  # the torch path, as on a GPU
        monkeypatch.setattr(cpu_kernels, "available", lambda: False)
    g = torch.Generator().manual_seed(0)
    noise = 0.5 + 0.05 * torch.randn((1, 3, 256, 256), generator=g)
    on_pixels = torch.zeros(256, 256)
    # per axis a bilinear sample keeps 2/3 of the variance on average over where it falls
    f = torch.linspace(0, 1, 100_001)
    assert float(((1 - f) ** 2 + f**2).mean()) == pytest.approx(2 / 3, abs=1e-4)
    smoothed = even_out(noise, evening_weights((on_pixels, on_pixels)))
    assert float(smoothed.var() / noise.var()) == pytest.approx((2 / 3) ** 2, rel=0.05)
    for between in (0.3, 0.5, 0.7):  # smoothed more than average by the move already
        frac = torch.full((256, 256), between)
        assert torch.equal(even_out(noise, evening_weights((frac, frac))), noise)


def test_the_numba_weights_and_smoothing_match_torch():
    from music_visualizer.render.image_ops import affine_matrix_2d

    if not cpu_kernels.available():
        pytest.skip("numba is not installed")
    for border in ("replicate", "wrap"):
        row = _row(zoom=0.97, angle=3.0, translation_x=2.5)
        options = MotionOptions(border=border)
        matrix = affine_matrix_2d(width=80, height=64, angle=3.0, zoom=0.97, translation_x=2.5,
                                  translation_y=0.0)
        wx, wy = cpu_kernels.affine_evening_weights(np.linalg.inv(matrix), 64, 80,
                                                    wrap=border == "wrap", kept=2 / 3)
        tx, ty = evening_weights(sample_fractions(row, options, width=80, height=64))
        assert np.abs(wx - tx.numpy()).max() < 1e-3 and np.abs(wy - ty.numpy()).max() < 1e-3
        image = torch.rand((1, 3, 64, 80), generator=torch.Generator().manual_seed(1))
        fast = torch.from_numpy(cpu_kernels.smooth_by(image[0].numpy(), wx, wy))[None]
        from music_visualizer.render.preview import _smooth_along

        slow = _smooth_along(_smooth_along(image, tx, 3), ty, 2).clamp(0, 1)
        assert torch.allclose(fast, slow, atol=1e-4)
