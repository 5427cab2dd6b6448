"""Image operations of one frame: camera geometry, colour, noise, rounding."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from music_visualizer.render.image_ops import (
    ColorReference,
    add_noise,
    affine_matrix_2d,
    apply_contrast,
    gaussian_kernel,
    lab_to_rgb,
    quantize,
    rgb_to_lab,
    unsharp_mask,
    warp_2d,
)


def _random_image(h: int = 48, w: int = 64, seed: int = 0) -> torch.Tensor:
    return torch.rand(1, 3, h, w, generator=torch.Generator().manual_seed(seed))


def _dot(h: int, w: int, x: int, y: int) -> torch.Tensor:
    image = torch.zeros(1, 3, h, w)
    image[..., y, x] = 1.0
    return image


def _centroid(image: torch.Tensor) -> tuple[float, float]:
    m = image[0, 0]
    ys, xs = torch.meshgrid(torch.arange(m.shape[0]), torch.arange(m.shape[1]), indexing="ij")
    total = m.sum()
    return float((xs * m).sum() / total), float((ys * m).sum() / total)


def _move(image, **kw):
    _, _, h, w = image.shape
    params = {"angle": 0.0, "zoom": 1.0, "translation_x": 0.0, "translation_y": 0.0} | kw
    return warp_2d(image, affine_matrix_2d(width=w, height=h, **params))


def test_identity_warp_returns_the_image():
    image = _random_image()
    assert torch.allclose(_move(image), image, atol=1e-5)


def test_positive_translation_moves_the_picture_right_and_down():
    image = _random_image()
    out = _move(image, translation_x=3, translation_y=2)
    assert torch.allclose(out[..., 2:, 3:], image[..., :-2, :-3], atol=1e-5)


def test_replicate_border_repeats_edge_pixels():
    image = _random_image()
    out = _move(image, translation_x=4)
    for column in range(4):
        assert torch.allclose(out[..., :, column], image[..., :, 0], atol=1e-5)


def test_wrap_border_tiles_the_image():
    image = _random_image()
    _, _, h, w = image.shape
    m = affine_matrix_2d(width=w, height=h, angle=0, zoom=1, translation_x=5, translation_y=0)
    out = warp_2d(image, m, border="wrap")
    assert torch.allclose(out[..., 1:-1], torch.roll(image, 5, dims=-1)[..., 1:-1], atol=1e-5)


def test_positive_angle_turns_counter_clockwise_on_screen():
    # A dot right of the centre moves above the centre (y grows downwards).
    out = _move(_dot(65, 65, x=52, y=32), angle=90)
    x, y = _centroid(out)
    assert x == pytest.approx(32, abs=0.6) and y == pytest.approx(12, abs=0.6)


def test_zoom_above_one_pushes_points_away_from_the_centre():
    out = _move(_dot(65, 65, x=40, y=32), zoom=2.0)
    x, y = _centroid(out)
    # centre of a 65-pixel image in pixel-centre coordinates is 32.5 - 0.5 = 32
    assert x == pytest.approx(32 + 2 * 8, abs=0.8) and y == pytest.approx(32, abs=0.8)


def test_transform_centre_is_the_fixed_point_of_zoom():
    image = _dot(64, 64, x=16, y=16)  # pixel (16,16) has its centre at 16.5 = 0.2578 * 64
    out = _move(image, zoom=1.5, center_x=16.5 / 64, center_y=16.5 / 64)
    x, y = _centroid(out)
    assert x == pytest.approx(16, abs=0.3) and y == pytest.approx(16, abs=0.3)


def test_lab_of_known_colours():
    colours = torch.tensor([[1.0, 1.0, 1.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    lab = rgb_to_lab(colours.T.reshape(1, 3, 1, 3))[0, :, 0].T
    assert torch.allclose(lab[0], torch.tensor([100.0, 0.0, 0.0]), atol=0.05)
    assert torch.allclose(lab[1], torch.tensor([53.24, 80.09, 67.20]), atol=0.1)
    assert torch.allclose(lab[2], torch.zeros(3), atol=1e-3)


def test_lab_round_trip():
    image = _random_image()
    assert torch.allclose(lab_to_rgb(rgb_to_lab(image)), image, atol=1e-4)


def test_matching_an_image_to_itself_changes_little():
    image = _random_image(seed=3)
    ref = ColorReference(image)
    assert (ref.match(image) - image).abs().mean() < 0.01


def test_matching_undoes_a_colour_drift():
    # A smooth colourful picture, then the same picture washed out and tinted (the typical
    # drift of a long Deforum run): matching to the original brings its colours back.
    from music_visualizer.render.preview import prompt_pattern

    reference = torch.from_numpy(prompt_pattern("sunset", width=64, height=64)).permute(
        2, 0, 1)[None].float() / 255
    drifted = reference * 0.5 + torch.tensor([0.35, 0.3, 0.2])[:, None, None]
    matched = ColorReference(reference).match(drifted)
    ref_lab, out_lab, in_lab = rgb_to_lab(reference), rgb_to_lab(matched), rgb_to_lab(drifted)
    for c in range(3):
        assert abs(out_lab[0, c].mean() - ref_lab[0, c].mean()) < 1.5
        assert abs(out_lab[0, c].std() - ref_lab[0, c].std()) < 1.5
    assert (in_lab - ref_lab).abs().mean() > 8 * (out_lab - ref_lab).abs().mean()


def test_matching_is_a_monotone_map_per_channel():
    image = _random_image(seed=5)
    ref = ColorReference(_random_image(seed=6) ** 2, space="RGB")
    out = ref.match(image)
    for c in range(3):
        order = torch.argsort(image[0, c].flatten())
        assert (torch.diff(out[0, c].flatten()[order]) >= -1e-5).all()
    # and the matched values follow the reference's distribution (squared: mean 1/3)
    assert float(out.mean()) == pytest.approx(1 / 3, abs=0.02)


def test_contrast_is_clipped_not_wrapped():
    image = torch.full((1, 3, 4, 4), 0.8)
    assert torch.equal(apply_contrast(image.clone(), 1.5), torch.ones_like(image))
    assert torch.allclose(apply_contrast(image.clone(), 0.5), torch.full_like(image, 0.4))


def test_noise_is_seeded_and_has_the_requested_strength():
    image = torch.full((1, 3, 128, 128), 0.5)
    a = add_noise(image, 0.1, seed=7)
    b = add_noise(image, 0.1, seed=7)
    c = add_noise(image, 0.1, seed=8)
    assert torch.equal(a, b) and not torch.equal(a, c)
    assert float((a - image).std()) == pytest.approx(0.05, rel=0.05)  # 0.1 in [-1, 1] units
    assert torch.equal(add_noise(image, 0.0, seed=1), image)


def test_quantize_matches_png_rounding():
    image = torch.tensor([0.0, 0.5, 1.0, 0.2 / 255, 0.6 / 255]).reshape(1, 1, 1, 5).repeat(
        1, 3, 1, 1)
    as_uint8, as_float = quantize(image)
    assert as_uint8[0, 0, 0].tolist() == [0, 128, 255, 0, 1]
    assert torch.equal(as_float, as_uint8.float() / 255)
    expected = np.round(image.numpy() * 255).astype(np.uint8)
    assert np.array_equal(as_uint8.numpy(), expected)


def test_cpu_quantize_is_bit_identical_to_torch_and_laid_out_for_the_png_writer(monkeypatch):
    from music_visualizer.render import cpu_kernels

    assert cpu_kernels.available()
    rng = torch.Generator().manual_seed(5)
    image = torch.rand(1, 3, 37, 53, generator=rng) * 1.2 - 0.1  # out of range too
    image[0, 0, 0, :6] = torch.tensor([k + 0.5 for k in range(6)]) / 255  # ties: half to even
    as_uint8, as_float = quantize(image)
    torch_uint8, torch_float = _with_torch_path(monkeypatch, lambda: quantize(image))
    assert torch.equal(as_uint8, torch_uint8) and torch.equal(as_float, torch_float)
    assert as_uint8[0, 0, 0, :6].tolist() == [0, 2, 2, 4, 4, 6]
    # HWC in memory: the writer encodes it without a copy
    assert as_uint8.permute(0, 2, 3, 1).is_contiguous()


def test_numpy_bin_values_equal_torchs():
    reference = ColorReference(_random_image(40, 50, seed=7))
    counts = np.random.default_rng(1).integers(0, 400, size=(3, reference.BINS))
    torch_values = reference._bin_values(torch.from_numpy(counts)).numpy()
    assert np.array_equal(reference._bin_values_np(counts), torch_values)


@pytest.mark.parametrize("border", ["replicate", "wrap"])
@pytest.mark.parametrize("mode", ["LAB", "HSV"])
def test_fused_warp_and_match_equals_warp_then_match(border, mode, monkeypatch):
    from music_visualizer.render.preview import prompt_pattern

    h, w = 300, 260  # subsampled histograms
    ref = torch.from_numpy(prompt_pattern("ref", width=w, height=h)).permute(2, 0, 1)[None] / 255
    image = (ref.flip(-1) * 0.7 + 0.2).float()
    reference = ColorReference(ref.float(), mode)
    m = affine_matrix_2d(width=w, height=h, angle=3, zoom=1.04, translation_x=5.5,
                         translation_y=-1.25)
    fused = reference.warp_and_match(image, m, border=border)
    warped = warp_2d(image, m, border=border)
    apart = reference.match(warped)
    assert (fused - apart).abs().max() < 1e-4
    on_torch = _with_torch_path(monkeypatch, lambda: reference.warp_and_match(image, m,
                                                                               border=border))
    inner = (slice(None), slice(None), slice(2, -2), slice(2, -2))
    assert (fused - on_torch)[inner].abs().max() < 2e-3
    # it is a colour match: the warped image moved toward the reference's colours
    drift = (warped.mean((2, 3)) - ref.mean((2, 3))).abs().max()
    assert (fused.mean((2, 3)) - ref.mean((2, 3))).abs().max() < drift / 4


# The CPU fast paths (numba) must agree with the torch paths used on a GPU.

def _with_torch_path(monkeypatch, fn):
    from music_visualizer.render import cpu_kernels

    monkeypatch.setattr(cpu_kernels, "available", lambda: False)
    try:
        return fn()
    finally:
        monkeypatch.undo()


@pytest.mark.parametrize("size", [(48, 64), (300, 260)])  # small, and subsampled histograms
def test_cpu_colour_match_equals_the_torch_path(size, monkeypatch):
    from music_visualizer.render import cpu_kernels
    from music_visualizer.render.preview import prompt_pattern

    assert cpu_kernels.available()
    h, w = size
    ref = torch.from_numpy(prompt_pattern("ref", width=w, height=h)).permute(2, 0, 1)[None] / 255
    image = (ref * 0.6 + 0.3).clamp(0, 1).float()
    reference = ColorReference(ref.float())
    fast = reference.match(image)
    slow = _with_torch_path(monkeypatch, lambda: reference.match(image))
    assert (fast - slow).abs().max() < 1e-3


@pytest.mark.parametrize("border", ["replicate", "wrap"])
def test_cpu_warp_equals_the_torch_path(border, monkeypatch):
    image = _random_image(60, 80, seed=2)
    m = affine_matrix_2d(width=80, height=60, angle=7, zoom=1.1, translation_x=3.5,
                         translation_y=-2.25, center_x=0.4, center_y=0.6)
    fast = warp_2d(image, m, border=border)
    slow = _with_torch_path(monkeypatch, lambda: warp_2d(image, m, border=border))
    inner = (slice(None), slice(None), slice(2, -2), slice(2, -2))  # wrap seams may differ
    assert (fast - slow)[inner].abs().max() < 1e-4


def test_cpu_noise_is_seeded_thread_independent_and_unit_variance():
    import numba

    from music_visualizer.render.image_ops import contrast_and_noise

    image = torch.full((1, 3, 256, 256), 0.5)
    a = contrast_and_noise(image, 1.0, 0.1, seed=3)
    assert torch.equal(a, contrast_and_noise(image, 1.0, 0.1, seed=3))
    assert not torch.equal(a, contrast_and_noise(image, 1.0, 0.1, seed=4))
    threads = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        assert torch.equal(a, contrast_and_noise(image, 1.0, 0.1, seed=3))
    finally:
        numba.set_num_threads(threads)
    noise = (a - 0.5).flatten().numpy()
    assert noise.std() == pytest.approx(0.05, rel=0.02)  # 0.1 in [-1, 1] units
    assert abs(noise.mean()) < 1e-3
    assert abs(np.corrcoef(noise[:-1], noise[1:])[0, 1]) < 0.01  # neighbours independent
    # contrast is applied and clipped in the same pass
    assert torch.equal(contrast_and_noise(torch.full((1, 3, 8, 8), 0.8), 1.5, 0.0, seed=1),
                       torch.ones(1, 3, 8, 8))
    # ... and clipped before the noise, as on a GPU: bright pixels keep noise below 1
    bright = contrast_and_noise(torch.full((1, 3, 128, 128), 0.9), 1.5, 0.4, seed=2)
    assert float(bright.mean()) == pytest.approx(0.92, abs=0.01)


# Anti-blur: Deforum's unsharp mask (cv2.GaussianBlur, reflect-101 borders).

def _unsharp_reference(image: torch.Tensor, kernel: int, sigma: float, amount: float,
                       threshold: float) -> torch.Tensor:
    from scipy.ndimage import correlate1d

    weights = gaussian_kernel(kernel, sigma).astype(np.float64)
    x = image[0].double().numpy()
    # scipy's "mirror" is cv2's BORDER_REFLECT_101 (d c b | a b c d | c b a)
    blurred = correlate1d(correlate1d(x, weights, axis=2, mode="mirror"), weights, axis=1,
                          mode="mirror")
    sharpened = np.clip(x * (1 + amount) - blurred * amount, 0, 1)
    if threshold > 0:
        sharpened = np.where(np.abs(x - blurred) < threshold, x, sharpened)
    return torch.from_numpy(sharpened)[None].float()


def _soft_edge(h: int = 32, w: int = 48) -> torch.Tensor:
    x = torch.arange(w, dtype=torch.float32)
    ramp = 0.2 + 0.6 * torch.sigmoid((x - w / 2) / 0.7)  # a blurred step from 0.2 to 0.8
    return ramp.expand(1, 3, h, w).clone()


def test_gaussian_kernel_is_cv2s():
    # cv2.getGaussianKernel(5, 1.0) and (3, 0) (cv2's fixed small kernel)
    assert gaussian_kernel(5, 1.0) == pytest.approx(
        [0.05448868, 0.24420134, 0.40261995, 0.24420134, 0.05448868], abs=1e-6)
    assert gaussian_kernel(3, 0.0) == pytest.approx([0.25, 0.5, 0.25])
    assert len(gaussian_kernel(4, 1.0)) == 5  # even sizes are rounded up to odd
    assert float(gaussian_kernel(9, 2.5).sum()) == pytest.approx(1.0, abs=1e-6)


def test_unsharp_amount_zero_is_the_image_itself():
    image = _random_image()
    assert unsharp_mask(image, kernel=5, sigma=1.0, amount=0.0, threshold=0.0) is image
    assert unsharp_mask(image, kernel=1, sigma=1.0, amount=2.0, threshold=0.0) is image


def test_unsharp_makes_a_blurred_edge_steeper_and_stays_in_range():
    image = _soft_edge()
    out = unsharp_mask(image, kernel=5, sigma=1.0, amount=1.0, threshold=0.0)
    slope_before = float(image[0, 0, 10].diff().max())
    slope_after = float(out[0, 0, 10].diff().max())
    assert slope_after > 1.2 * slope_before
    # flat areas stay as they are, the two sides of the edge are pushed apart (overshoot)
    assert torch.allclose(out[..., :3], image[..., :3], atol=1e-4)
    assert float(out[0, 0, 10, 20]) < float(image[0, 0, 10, 20])
    assert float(out[0, 0, 10, 28]) > float(image[0, 0, 10, 28])
    hard = unsharp_mask((_soft_edge() > 0.5).float(), kernel=7, sigma=2.0, amount=5.0,
                        threshold=0.0)
    assert float(hard.min()) == 0.0 and float(hard.max()) == 1.0  # clipped, not wrapped


def test_unsharp_threshold_protects_low_contrast_areas():
    image = _soft_edge()
    texture = 0.01 * torch.sin(torch.arange(32.0))[:, None]  # faint texture on the left half
    image[..., :, :16] += texture
    plain = unsharp_mask(image, kernel=5, sigma=1.0, amount=1.5, threshold=0.0)
    kept = unsharp_mask(image, kernel=5, sigma=1.0, amount=1.5, threshold=0.02)
    assert not torch.equal(plain[..., :, 2:14], image[..., :, 2:14])
    assert torch.equal(kept[..., :, 2:14], image[..., :, 2:14])  # untouched
    # the edge is still sharpened where it differs from its blur by more than the threshold
    strong = (plain - image).abs() > 1.5 * 0.02 + 1e-4
    assert int(strong[..., 16:].sum()) > 0
    assert torch.equal(kept[strong], plain[strong])


@pytest.mark.parametrize(("kernel", "sigma", "threshold", "size"),
                         [(5, 1.0, 0.0, (40, 56)), (8, 2.0, 0.03, (33, 47)),
                          (3, 0.0, 0.0, (20, 20)), (11, 3.0, 0.01, (4, 6))])
def test_unsharp_equals_the_reference_on_cpu_and_torch_paths(kernel, sigma, threshold, size,
                                                             monkeypatch):
    h, w = size
    image = _random_image(h, w, seed=8) * 0.5 + _soft_edge(h, w) * 0.5
    k = kernel + 1 if kernel % 2 == 0 else kernel
    expected = _unsharp_reference(image, k, sigma, 0.8, threshold)
    fast = unsharp_mask(image, kernel=kernel, sigma=sigma, amount=0.8, threshold=threshold)
    slow = _with_torch_path(monkeypatch, lambda: unsharp_mask(
        image, kernel=kernel, sigma=sigma, amount=0.8, threshold=threshold))
    # a pixel right at the threshold may go either way; all others agree closely
    for out in (fast, slow):
        close = (out - expected).abs() < 1e-5
        assert float(close.float().mean()) > 0.995
    assert float(((fast - slow).abs() < 1e-5).float().mean()) > 0.995
    if threshold == 0:
        assert (fast - slow).abs().max() < 1e-3


def test_no_cpu_kernel_is_compiled_with_fastmath():
    """Frames must be the same bits in every process: with ``fastmath`` a kernel compiled in
    one process and the same kernel loaded from numba's cache in another rounded differently
    (AMD EPYC), so a resumed run or a Ray worker's frames differed from the run they continue."""
    from numba.core.registry import CPUDispatcher

    from music_visualizer.render import cpu_kernels

    kernels = {name: obj for name, obj in vars(cpu_kernels).items()
               if isinstance(obj, CPUDispatcher)}
    assert len(kernels) >= 20
    assert not [name for name, k in kernels.items() if k.targetoptions.get("fastmath")]
