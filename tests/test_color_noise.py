"""Colour coherence modes (LAB, HSV, RGB) and noise types (gaussian, perlin)."""

from __future__ import annotations

import colorsys
import io
import itertools

import numpy as np
import pytest
import torch
from PIL import Image

from music_visualizer.render import cpu_kernels
from music_visualizer.render.image_ops import (
    COLOR_MODES,
    ColorReference,
    add_noise,
    contrast_and_noise,
    hsv_to_rgb,
    perlin_noise,
    quantize,
    rgb_to_hsv,
    rgb_to_lab,
    to_tensor,
)
from music_visualizer.render.preview import prompt_pattern

CONVERT = {"LAB": rgb_to_lab, "HSV": rgb_to_hsv, "RGB": lambda image: image}


def _pattern(name: str, w: int = 96, h: int = 64) -> torch.Tensor:
    return torch.from_numpy(prompt_pattern(name, width=w, height=h)).permute(2, 0, 1)[None] / 255


def _with_torch_path(monkeypatch, fn):
    monkeypatch.setattr(cpu_kernels, "available", lambda: False)
    try:
        return fn()
    finally:
        monkeypatch.undo()


def _channels(image: torch.Tensor, mode: str) -> torch.Tensor:
    return CONVERT[mode](image.double())[0].flatten(1)


def _wasserstein(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Per-channel 1-Wasserstein distance of two (3, N) samples of the same size."""
    return (torch.sort(a, dim=1).values - torch.sort(b, dim=1).values).abs().mean(dim=1)


def _skimage_match(source: np.ndarray, template: np.ndarray) -> np.ndarray:
    """``skimage.exposure.match_histograms`` on one channel (its algorithm, exact quantiles)."""
    _, inverse, counts = np.unique(source.ravel(), return_inverse=True, return_counts=True)
    t_values, t_counts = np.unique(template.ravel(), return_counts=True)
    quantiles = np.cumsum(counts) / source.size
    t_quantiles = np.cumsum(t_counts) / template.size
    return np.interp(quantiles, t_quantiles, t_values)[inverse].reshape(source.shape)


# --- colour spaces

def test_hsv_agrees_with_colorsys_and_round_trips():
    image = torch.rand(1, 3, 16, 16, generator=torch.Generator().manual_seed(0))
    image[..., 0, :4] = torch.tensor([[1.0, 0, 0], [0, 1.0, 0], [0, 0, 1.0], [0.5, 0.5, 0.5]]).T
    hsv = rgb_to_hsv(image)
    pixels = image[0].flatten(1).T.tolist()
    expected = torch.tensor([colorsys.rgb_to_hsv(*p) for p in pixels]).T.reshape(3, 16, 16)
    assert torch.allclose(hsv[0], expected.float(), atol=1e-6)
    known = torch.tensor([[0, 1, 1], [1 / 3, 1, 1], [2 / 3, 1, 1], [0, 0, 0.5]])
    assert torch.allclose(hsv[0, :, 0, :4].T, known, atol=1e-6)
    assert torch.allclose(hsv_to_rgb(hsv), image, atol=1e-6)


def test_mode_names_and_the_former_keyword():
    image = _pattern("mode")
    assert ColorReference(image).mode == "LAB"
    assert ColorReference(image, "hsv").mode == "HSV"
    assert ColorReference(image, mode="RGB").space == "RGB"
    assert ColorReference(image, space="RGB").mode == "RGB"  # the loop's current call
    assert ColorReference.from_image(image, mode="HSV").mode == "HSV"
    with pytest.raises(ValueError, match="HSV"):
        ColorReference(image, "XYZ")
    with pytest.raises(ValueError):
        ColorReference(image, "LAB", space="RGB")


# --- histogram matching in each mode

@pytest.mark.parametrize("mode", COLOR_MODES)
@pytest.mark.parametrize("source", ["washed", "other"])
def test_matching_brings_the_channel_distributions_to_the_reference(mode, source):
    reference = _pattern("sunset")
    if source == "washed":  # the typical drift of a long run: washed out and tinted
        image = (reference * 0.5 + torch.tensor([0.35, 0.3, 0.2])[:, None, None]).clamp(0, 1)
    else:
        image = _pattern("a forest at night")
    matched = ColorReference(reference, mode).match(image)
    assert matched.shape == image.shape and matched.dtype == torch.float32
    assert float(matched.min()) >= 0.0 and float(matched.max()) <= 1.0
    ref, out, before = (_channels(x, mode) for x in (reference, matched, image))
    # units of each channel: L*a*b* in ~[0, 100], the others in [0, 1]
    unit = 100.0 if mode == "LAB" else 1.0
    assert ((out.mean(dim=1) - ref.mean(dim=1)).abs() < 0.006 * unit).all()
    assert ((out.std(dim=1) - ref.std(dim=1)).abs() < 0.006 * unit).all()
    distance, distance_before = _wasserstein(out, ref), _wasserstein(before, ref)
    assert (distance < 0.01 * unit).all()
    assert (distance * 20 < distance_before).all()


@pytest.mark.parametrize("mode", ["HSV", "RGB"])
def test_matching_is_what_deforum_computes(mode):
    # Deforum: match_histograms(prev, reference, channel_axis=-1) on RGB, or on the cv2 HSV
    # arrays (hue matched as a plain channel), then back to RGB. Our binned version is close.
    reference, image = _pattern("ocean at dawn"), _pattern("red desert", w=80, h=72)
    ref, src = CONVERT[mode](reference)[0].numpy(), CONVERT[mode](image)[0].numpy()
    exact = torch.from_numpy(np.stack([_skimage_match(src[c], ref[c]) for c in range(3)]))[None]
    expected = (hsv_to_rgb(exact.float()) if mode == "HSV" else exact.float()).clamp(0, 1)
    matched = ColorReference(reference, mode).match(image)
    assert float((matched - expected).abs().mean()) < 0.004


def test_the_modes_give_different_pictures():
    reference, image = _pattern("sunset"), _pattern("a forest at night")
    out = {mode: ColorReference(reference, mode).match(image) for mode in COLOR_MODES}
    assert float((out["RGB"] - out["LAB"]).abs().mean()) > 0.01
    assert float((out["HSV"] - out["LAB"]).abs().mean()) > 0.01
    assert float((out["HSV"] - out["RGB"]).abs().mean()) > 0.01
    # and each mode fits its own space best: RGB matching has the closest RGB histograms, ...
    ref = {mode: _channels(reference, mode) for mode in COLOR_MODES}
    for space in COLOR_MODES:
        distances = {mode: float(_wasserstein(_channels(out[mode], space), ref[space]).sum())
                     for mode in COLOR_MODES}
        assert min(distances, key=distances.get) == space


@pytest.mark.parametrize("mode", COLOR_MODES)
@pytest.mark.parametrize("size", [(48, 64), (300, 260)])  # small, and subsampled histograms
def test_cpu_colour_match_equals_the_torch_path_in_every_mode(mode, size, monkeypatch):
    assert cpu_kernels.available()
    h, w = size
    reference = ColorReference(_pattern("ref", w=w, h=h), mode)
    image = (_pattern("other", w=w, h=h) * 0.6 + 0.3).clamp(0, 1)
    fast = reference.match(image)
    slow = _with_torch_path(monkeypatch, lambda: reference.match(image))
    assert (fast - slow).abs().max() < 1e-3


@pytest.mark.parametrize("mode", COLOR_MODES)
def test_the_reference_rebuilt_from_the_png_of_frame_0_is_identical(mode, tmp_path):
    # The running loop builds the reference from frame 0 rounded to 8 bits; a resumed run
    # rebuilds it from frame 0's PNG (or from color_coherence_image): the same reference.
    frame0 = (_pattern("frame zero", w=80, h=64) * 0.9 + 0.03).clamp(0, 1)
    as_uint8, rounded = quantize(frame0)
    in_run = ColorReference(rounded, mode)
    path = tmp_path / "frame0.png"
    Image.fromarray(as_uint8[0].permute(1, 2, 0).numpy()).save(path)
    with Image.open(path) as img:
        pixels = np.asarray(img.convert("RGB"))
    resumed = ColorReference(to_tensor(pixels), mode)
    from_array = ColorReference.from_image(pixels, mode)
    assert torch.equal(in_run.quantiles, resumed.quantiles)
    assert torch.equal(in_run.quantiles, from_array.quantiles)
    later = _pattern("a later frame", w=80, h=64)
    assert torch.equal(in_run.match(later), resumed.match(later))


def test_reference_does_not_depend_on_the_tensor_dtype_or_layout():
    image = quantize(_pattern("layout"))[1]
    a = ColorReference(image, "HSV")
    b = ColorReference(image.double().contiguous(memory_format=torch.channels_last), "HSV")
    assert torch.equal(a.quantiles, b.quantiles)


# --- perlin noise

def _high_frequency_share(noise: torch.Tensor, cutoff: float = 1 / 16) -> float:
    field = noise[0, 0].double().numpy()
    power = np.abs(np.fft.fft2(field)) ** 2
    radius = np.hypot(np.fft.fftfreq(field.shape[0])[:, None], np.fft.fftfreq(field.shape[1]))
    return float(power[radius > cutoff].sum() / power.sum())


def _neighbour_correlation(field: np.ndarray) -> float:
    return float(np.corrcoef(field[:, :-1].ravel(), field[:, 1:].ravel())[0, 1])


@pytest.mark.parametrize("channels", [1, 3])
def test_perlin_noise_is_normalised_and_spatially_correlated(channels):
    noise = perlin_noise(192, 256, seed=11, channels=channels)
    assert noise.shape == (1, channels, 192, 256) and noise.dtype == torch.float32
    for c in range(channels):
        field = noise[0, c].double()
        assert abs(float(field.mean())) < 1e-4
        assert float(field.std(unbiased=False)) == pytest.approx(1.0, abs=1e-4)
        assert _neighbour_correlation(field.numpy()) > 0.95
    white = add_noise(torch.full((1, 1, 192, 256), 0.5), 0.2, seed=11)[0, 0].numpy()
    assert abs(_neighbour_correlation(white)) < 0.05  # gaussian noise: neighbours independent
    if channels == 3:  # the channels are independent fields
        assert not torch.equal(noise[0, 0], noise[0, 1])
        assert abs(np.corrcoef(noise[0, 0].ravel(), noise[0, 1].ravel())[0, 1]) < 0.3


def test_perlin_noise_is_seeded_and_thread_independent():
    import numba

    a = perlin_noise(128, 160, seed=5, channels=3)
    assert torch.equal(a, perlin_noise(128, 160, seed=5, channels=3))
    assert not torch.allclose(a, perlin_noise(128, 160, seed=6, channels=3), atol=0.1)
    threads = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        assert torch.equal(a, perlin_noise(128, 160, seed=5, channels=3))
    finally:
        numba.set_num_threads(threads)
    # seeds as the plan has them: large and negative ones work and differ
    assert not torch.equal(perlin_noise(32, 32, seed=2**40), perlin_noise(32, 32, seed=-1))


def test_more_octaves_and_more_persistence_mean_finer_detail():
    shares = [_high_frequency_share(perlin_noise(256, 256, seed=3, octaves=o))
              for o in (1, 2, 3, 4)]
    assert all(b > a for a, b in itertools.pairwise(shares))
    assert shares[-1] > 3 * shares[0]
    by_persistence = [_high_frequency_share(perlin_noise(256, 256, seed=3, persistence=p))
                      for p in (0.25, 0.5, 0.75, 1.0)]
    assert all(b > a for a, b in itertools.pairwise(by_persistence))
    assert by_persistence[-1] > 5 * by_persistence[0]


def test_perlin_cpu_kernel_equals_the_torch_path(monkeypatch):
    for kwargs in ({"octaves": 4, "persistence": 0.5}, {"octaves": 7, "persistence": 0.8},
                   {"octaves": 1, "persistence": 0.5, "cells": 3}):
        fast = perlin_noise(70, 90, seed=9, channels=3, **kwargs)
        slow = _with_torch_path(monkeypatch, lambda kw=kwargs: perlin_noise(
            70, 90, seed=9, channels=3, **kw))
        assert slow.device.type == "cpu" and slow.shape == fast.shape
        assert (fast - slow).abs().max() < 1e-3


def test_perlin_noise_lands_on_the_requested_device():
    noise = perlin_noise(16, 24, seed=1, device=torch.device("cpu"))
    assert noise.device.type == "cpu"
    with pytest.raises(ValueError):
        perlin_noise(16, 24, seed=1, octaves=0)


@pytest.mark.parametrize("noise_type", ["gaussian", "perlin"])
def test_noise_amount_means_the_same_strength_for_both_types(noise_type, monkeypatch):
    image = torch.full((1, 3, 128, 128), 0.5)
    out = contrast_and_noise(image, 1.0, 0.1, seed=4, noise_type=noise_type)
    noise = (out - 0.5).flatten().numpy()
    assert noise.std() == pytest.approx(0.05, rel=0.03)  # 0.1 in [-1, 1] units
    assert abs(noise.mean()) < 2e-3
    assert torch.equal(out, contrast_and_noise(image, 1.0, 0.1, seed=4, noise_type=noise_type))
    assert not torch.equal(out, contrast_and_noise(image, 1.0, 0.1, seed=5,
                                                   noise_type=noise_type))
    # perlin: add_noise and the torch path (used on a GPU) give the same field (gaussian noise
    # comes from the counter-based generator on a CPU and torch.randn elsewhere)
    if noise_type == "perlin":
        assert torch.allclose(add_noise(image, 0.1, seed=4, noise_type="perlin"), out, atol=1e-5)
        slow = _with_torch_path(monkeypatch, lambda: contrast_and_noise(
            image, 1.0, 0.1, seed=4, noise_type="perlin"))
        assert (slow - out).abs().max() < 1e-3


def test_perlin_noise_options_and_contrast():
    image = torch.full((1, 3, 96, 96), 0.6)
    smooth = contrast_and_noise(image, 1.0, 0.2, seed=1, noise_type="perlin", octaves=1)
    fine = contrast_and_noise(image, 1.0, 0.2, seed=1, noise_type="perlin", octaves=6,
                              persistence=0.9)
    assert _high_frequency_share(fine - 0.6) > 2 * _high_frequency_share(smooth - 0.6)
    # contrast first (clipped), then noise; no noise: contrast only
    bright = contrast_and_noise(torch.full((1, 3, 8, 8), 0.8), 1.5, 0.0, seed=1,
                                noise_type="perlin")
    assert torch.equal(bright, torch.ones(1, 3, 8, 8))
    half = contrast_and_noise(image, 0.5, 0.1, seed=1, noise_type="perlin")
    assert float(half.mean()) == pytest.approx(0.3, abs=2e-3)
    with pytest.raises(ValueError, match="perlin"):
        contrast_and_noise(image, 1.0, 0.1, seed=1, noise_type="pink")


def test_perlin_matches_in_a_saved_frame_on_resume():
    # The noise is a function of (seed, size, options) only: what a resumed run adds to a frame
    # is what the uninterrupted run added.
    frame = quantize(_pattern("resume", w=64, h=48))[1]
    first = contrast_and_noise(frame, 1.02, 0.08, seed=77, noise_type="perlin")
    buffer = io.BytesIO()
    Image.fromarray(quantize(frame)[0][0].permute(1, 2, 0).numpy()).save(buffer, "PNG")
    buffer.seek(0)
    with Image.open(buffer) as img:
        again = to_tensor(np.asarray(img.convert("RGB")))
    assert torch.equal(first, contrast_and_noise(again, 1.02, 0.08, seed=77,
                                                 noise_type="perlin"))
