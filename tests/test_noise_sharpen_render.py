"""Perlin noise and the anti-blur unsharp mask in whole renders: what they do to the frames, and
that a stopped run resumes to the same pixels (preview renderer and the tiny SD pipeline)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from music_visualizer.runs.job import RenderRequest, render
from music_visualizer.settings import Settings
from tests.resume_check import stop_resume_compare


def _settings(**changes) -> Settings:
    base = dict(renderer="preview", width=96, height=96, fps=8, duration=1.5, seed=4,
                zoom="0:(1)", color_coherence="none", noise_schedule="0:(0.08)")
    base.update(changes)
    return Settings(**base)


def _frames(folder: Path, ts: str) -> list[np.ndarray]:
    return [np.asarray(Image.open(p)) for p in
            sorted(folder.glob(f"{ts}_[0-9][0-9][0-9][0-9][0-9].png"))]


def _render(song: Path, out: Path, settings: Settings, **kw) -> tuple[list[np.ndarray], object]:
    result = render(RenderRequest(audio=song, settings=settings, output_dir=out,
                                  make_video=False), **kw)
    return _frames(result.folder, result.timestring), result


def _neighbour_correlation(image: np.ndarray) -> float:
    """Mean over the channels of the correlation of horizontally adjacent pixels."""
    return float(np.mean([np.corrcoef(image[:, :-1, c].ravel(), image[:, 1:, c].ravel())[0, 1]
                          for c in range(image.shape[2])]))


def _laplacian_energy(image: np.ndarray) -> float:
    g = image.astype(float).mean(axis=2)
    lap = 4 * g[1:-1, 1:-1] - g[:-2, 1:-1] - g[2:, 1:-1] - g[1:-1, :-2] - g[1:-1, 2:]
    return float((lap**2).mean())


def test_perlin_noise_in_a_render_is_smooth_where_gaussian_is_not(song, tmp_path):
    # No motion and no colour matching: what changes from one frame to the next is the noise
    # (and the preview's small pull toward its pattern, the same in both runs).
    gaussian, _ = _render(song, tmp_path / "g", _settings())
    perlin, _ = _render(song, tmp_path / "p", _settings(noise_type="perlin"))
    assert len(gaussian) == len(perlin) == 12
    assert np.array_equal(gaussian[0], perlin[0])  # frame 0 has no noise
    g_corr, p_corr, g_std, p_std = [], [], [], []
    for k in range(1, 12):
        dg = gaussian[k].astype(float) - gaussian[k - 1]
        dp = perlin[k].astype(float) - perlin[k - 1]
        g_corr.append(_neighbour_correlation(dg))
        p_corr.append(_neighbour_correlation(dp))
        g_std.append(dg.std())
        p_std.append(dp.std())
    assert max(abs(c) for c in g_corr) < 0.1  # gaussian: neighbours independent
    assert min(p_corr) > 0.8  # perlin: a smooth field
    # the same noise amount means the same strength (0.08 -> std 0.04 of 255 levels, ~10)
    assert np.mean(p_std) == pytest.approx(np.mean(g_std), rel=0.1)
    assert np.mean(g_std) == pytest.approx(0.04 * 255, rel=0.15)


def test_the_unsharp_mask_in_a_render_restores_the_detail_warping_blurs(song, tmp_path):
    motion = dict(noise_schedule="0:(0)", zoom="0:(1.03)", angle="0:(2)")
    plain, _ = _render(song, tmp_path / "a0", _settings(**motion))
    sharp, _ = _render(song, tmp_path / "a1", _settings(**motion, amount_schedule="0:(0.5)"))
    assert np.array_equal(plain[0], sharp[0])
    plain_hf = [_laplacian_energy(f) for f in plain]
    sharp_hf = [_laplacian_energy(f) for f in sharp]
    # each warp blurs the plain run (high frequencies fall); the sharpened run gains them
    # (the preview smooths every moved pixel at least as much as an average one, so the gain
    # grows steadily rather than running away)
    assert plain_hf[-1] < plain_hf[0]
    assert all(s > p for s, p in zip(sharp_hf[1:], plain_hf[1:], strict=True))
    assert sharp_hf[-1] > 1.6 * plain_hf[-1] and sharp_hf[-1] > sharp_hf[0]
    # amount 0 is exactly the run without the unsharp mask, whatever its other settings
    zero, _ = _render(song, tmp_path / "z", _settings(**motion, amount_schedule="0:(0)",
                                                      kernel_schedule="0:(9)",
                                                      sigma_schedule="0:(3)"))
    assert all(np.array_equal(a, b) for a, b in zip(plain, zero, strict=True))


@pytest.mark.parametrize("cadence,stop_at", [(1, 5), (3, 7)])
def test_perlin_and_unsharp_runs_resume_to_the_same_pixels(song, tmp_path, cadence, stop_at):
    settings = _settings(noise_type="perlin", amount_schedule="0:(0.3)",
                         threshold_schedule="0:(0.01)", zoom="0:(1.02)", angle="0:(1)",
                         color_coherence="LAB", diffusion_cadence=cadence)
    check = stop_resume_compare(song, settings, tmp_path, stop_after=stop_at)
    assert check.first.rendered == stop_at and len(check.expected) == 12


def test_tiny_sd_with_perlin_noise_and_unsharp_mask(song, tiny_model, tmp_path):
    common = dict(renderer="diffusion", model=str(tiny_model), steps=2, width=64, height=64,
                  duration=0.5, zoom="0:(1.02)", noise_schedule="0:(0.1)")
    base = _settings(**common)
    both = _settings(**common, noise_type="perlin", amount_schedule="0:(0.4)")
    plain, _ = _render(song, tmp_path / "plain", base)
    whole = render(RenderRequest(audio=song, settings=both, output_dir=tmp_path / "whole",
                                 make_video=False))
    check = stop_resume_compare(song, both, tmp_path, stop_after=2, whole=whole)
    assert len(plain) == len(check.expected) == 4
    # frame 0 is txt2img: no noise, no sharpening; after it every frame is different
    assert np.array_equal(plain[0], check.expected[0])
    assert all(not np.array_equal(a, b)
               for a, b in zip(plain[1:], check.expected[1:], strict=True))
