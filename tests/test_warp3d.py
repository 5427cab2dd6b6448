"""The 3D camera (warp_3d) and the 2D perspective flip against known pixel motions."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from music_visualizer.render.flip import flip_matrix, perspective_flip, solve_homography
from music_visualizer.render.image_ops import affine_matrix_2d, warp_2d
from music_visualizer.render.warp3d import (
    PADDING_MODES,
    SAMPLING_MODES,
    depth_to_png,
    scene_depth,
    warp_3d,
)

H, W = 48, 64
FOV = 70.0
FOCAL = (W / 2) / math.tan(math.radians(FOV / 2))  # pixels


def _smooth_image(seed: int = 0) -> torch.Tensor:
    noise = torch.rand(1, 3, H, W, generator=torch.Generator().manual_seed(seed))
    return F.avg_pool2d(noise, 3, 1, 1, count_include_pad=False)


def _dots(*points: tuple[int, int]) -> torch.Tensor:
    image = torch.zeros(1, 3, H, W)
    for x, y in points:
        image[..., y, x] = 1.0
    return image


def _centroid(image: torch.Tensor, columns: slice = slice(None)) -> tuple[float, float]:
    m = image[0, 0, :, columns].clamp(min=0)
    ys, xs = torch.meshgrid(torch.arange(m.shape[0]), torch.arange(m.shape[1]), indexing="ij")
    total = m.sum()
    offset = columns.start or 0
    return float((xs * m).sum() / total) + offset, float((ys * m).sum() / total)


def _flat() -> torch.Tensor:
    return torch.full((1, 1, H, W), 3.0)


def _step(near_value: float = 1.0, far_value: float = 50.0) -> torch.Tensor:
    """Left half near, right half far (larger = farther)."""
    depth = torch.full((1, 1, H, W), near_value)
    depth[..., W // 2:] = far_value
    return depth


def _w3(image, depth, *, t=(0.0, 0.0, 0.0), r=(0.0, 0.0, 0.0), near=200.0, far=10000.0,
        fov=FOV, padding="border", sampling="bilinear"):
    return warp_3d(image, depth, translation=t, rotation=r, fov=fov, near=near, far=far,
                   padding_mode=padding, sampling_mode=sampling)


def _w2(image, **kw):
    params = {"angle": 0.0, "zoom": 1.0, "translation_x": 0.0, "translation_y": 0.0} | kw
    return warp_2d(image, affine_matrix_2d(width=W, height=H, **params))


# --------------------------------------------------------------------------- identity


@pytest.mark.parametrize("sampling", SAMPLING_MODES)
def test_identity_move_returns_the_image(sampling):
    image = _smooth_image()
    depth = torch.rand(1, 1, H, W) + 0.5
    out = _w3(image, depth, sampling=sampling)
    assert out.shape == image.shape and out.dtype == image.dtype
    assert torch.allclose(out, image, atol=1e-5)
    assert out.data_ptr() != image.data_ptr()  # a new tensor, safe to modify


# --------------------------------------------------------------------------- agreement with 2D


@pytest.mark.parametrize(("tx", "ty"), [(10.0, 0.0), (0.0, 7.0), (-4.5, -2.25)])
def test_flat_translation_agrees_with_2d(tx, ty):
    image = _smooth_image()
    out = _w3(image, _flat(), t=(tx, ty, 0.0))
    assert (out - _w2(image, translation_x=tx, translation_y=ty)).abs().max() < 1e-4


def test_positive_translation_moves_the_picture_right_and_down():
    out = _w3(_dots((20, 20)), _flat(), t=(10.0, 5.0, 0.0))
    x, y = _centroid(out)
    assert x == pytest.approx(30.0, abs=1e-3) and y == pytest.approx(25.0, abs=1e-3)


def test_rotation_z_equals_2d_angle_on_a_flat_plane():
    image = _smooth_image()
    for angle in (3.0, -12.0):
        out = _w3(image, _flat(), r=(0.0, 0.0, angle))
        assert (out - _w2(image, angle=angle)).abs().max() < 1e-4


def test_translation_z_equals_2d_zoom_about_the_centre_on_a_flat_plane():
    image = _smooth_image()
    near, tz = 200.0, 10.0
    out = _w3(image, _flat(), t=(0.0, 0.0, tz), near=near)
    zoom = near / (near - tz)  # the plane at `near` comes closer by tz
    assert (out - _w2(image, zoom=zoom)).abs().max() < 1e-4


def test_translation_z_grows_content_from_the_centre():
    # a dot up-left of the centre moves further up-left; the centre stays
    cx, cy = (W - 1) / 2, (H - 1) / 2
    noise = torch.rand(1, 1, H, W, generator=torch.Generator().manual_seed(1))
    depth = F.avg_pool2d(noise, 9, 1, 4, count_include_pad=False) + 1.0  # smooth, not flat
    out = _w3(_dots((20, 14)), depth, t=(0.0, 0.0, 40.0), far=600.0)
    x, y = _centroid(out)
    assert x < 20 - 0.5 and y < 14 - 0.3
    assert (y - cy) / (x - cx) == pytest.approx((14 - cy) / (20 - cx), rel=0.02)  # radial
    centre = _w3(_smooth_image(), depth, t=(0.0, 0.0, 1.75), sampling="nearest")
    assert torch.equal(centre[..., H // 2, W // 2], _smooth_image()[..., H // 2, W // 2])


def test_default_fly_in_is_gentle():
    """translation_z 1.75 at near 200 grows the nearest content by 0.88 % (Deforum's feel)."""
    out = _w3(_dots((10, 24)), _flat(), t=(0.0, 0.0, 1.75))
    x, _ = _centroid(out)
    cx = (W - 1) / 2
    assert (x - cx) / (10 - cx) == pytest.approx(200 / 198.25, rel=1e-3)


# --------------------------------------------------------------------------- parallax, near/far


def test_parallax_near_plane_moves_more_than_far_plane():
    image = _dots((12, 24), (48, 24))  # left dot on the near plane, right dot on the far one
    out = _w3(image, _step(), t=(6.0, 0.0, 0.0), near=200.0, far=10000.0)
    near_x, _ = _centroid(out, slice(0, W // 2))
    far_x, _ = _centroid(out, slice(W // 2, W))
    assert near_x == pytest.approx(12 + 6.0, abs=0.05)  # the nearest content: 2D pixels
    assert far_x == pytest.approx(48 + 6.0 * 200 / 10000, abs=0.05)  # 50x farther: 1/50


def test_parallax_under_translation_z_is_larger_for_the_near_plane():
    image = _dots((4, 10), (60, 10))
    out = _w3(image, _step(), t=(0.0, 0.0, 10.0))
    cx = (W - 1) / 2
    near_x, _ = _centroid(out, slice(0, W // 2))
    far_x, _ = _centroid(out, slice(W // 2, W))
    assert (near_x - cx) / (4 - cx) == pytest.approx(200 / 190, rel=2e-3)
    assert (far_x - cx) / (60 - cx) == pytest.approx(10000 / 9990, rel=2e-3)


def test_sloped_depth_moves_each_point_by_its_own_depth():
    """The depth is looked up where the ray lands (not at the output pixel): on a steep slope
    every point moves by its own parallax. The picture is a ramp, so each output pixel tells
    which source column it shows."""
    t = 1.0 - torch.arange(W, dtype=torch.float32) / (W - 1)  # near on the left, far on the right
    depth = (1.0 / (t + 0.02)).expand(1, 1, H, W).contiguous()
    ramp = (torch.arange(W, dtype=torch.float32) / (W - 1)).expand(1, 3, H, W).contiguous()
    near, far, tx = 200.0, 10000.0, 12.0
    out = _w3(ramp, depth, t=(tx, 0.0, 0.0), near=near, far=far)
    source = out[0, 0, H // 2] * (W - 1)
    t_source = 1.0 - source / (W - 1)
    parallax = tx * near * (t_source / near + (1 - t_source) / far)  # pixels, at its own depth
    moved = torch.arange(W, dtype=torch.float32) - source
    assert (moved - parallax)[16:].abs().max() < 0.1


def test_near_and_far_have_an_effect():
    image, depth = _smooth_image(), _step()
    base = _w3(image, depth, t=(6.0, 0.0, 5.0))
    assert not torch.allclose(base, _w3(image, depth, t=(6.0, 0.0, 5.0), far=400.0), atol=1e-3)
    assert not torch.allclose(base, _w3(image, depth, t=(6.0, 0.0, 5.0), near=400.0), atol=1e-3)
    # far = near: no parallax, the whole picture moves as the 2D camera
    same = _w3(image, depth, t=(6.0, 0.0, 0.0), near=200.0, far=200.0)
    assert (same - _w2(image, translation_x=6.0)).abs().max() < 1e-4


def test_scene_depth_spans_near_to_far_linearly_in_inverse_depth():
    depth = torch.tensor([1.0, 2.0, 4.0])[None, None, None]  # inverse 1, 0.5, 0.25
    z = scene_depth(depth, near=100.0, far=1000.0)[0, 0, 0]
    assert z[0] == pytest.approx(100.0) and z[2] == pytest.approx(1000.0)
    t = (0.5 - 0.25) / (1 - 0.25)
    assert z[1] == pytest.approx(1 / (t / 100 + (1 - t) / 1000), rel=1e-5)
    assert torch.allclose(scene_depth(torch.full((1, 1, 2, 2), 7.0), near=50, far=900),
                          torch.full((1, 1, 2, 2), 50.0))


# --------------------------------------------------------------------------- rotations


def test_rotation_y_pans_the_picture_right_like_translation_x():
    angle = 5.0
    out = _w3(_dots((W // 2, H // 2)), _flat(), r=(0, angle, 0))
    x, y = _centroid(out)
    assert x - W // 2 == pytest.approx(FOCAL * math.tan(math.radians(angle)), abs=0.15)
    assert y == pytest.approx(H // 2, abs=0.1)


def test_rotation_x_tilts_the_picture_down_like_translation_y():
    angle = 4.0
    out = _w3(_dots((W // 2, H // 2)), _flat(), r=(angle, 0, 0))
    x, y = _centroid(out)
    assert y - H // 2 == pytest.approx(FOCAL * math.tan(math.radians(angle)), abs=0.15)
    assert x == pytest.approx(W // 2, abs=0.1)


def test_pure_rotation_does_not_depend_on_depth():
    image = _smooth_image()
    rotation = (2.0, -3.0, 4.0)
    flat = _w3(image, _flat(), r=rotation)
    assert torch.allclose(_w3(image, _step(), r=rotation), flat, atol=1e-5)


def test_wider_fov_pans_further_across_the_frame():
    narrow = _centroid(_w3(_dots((W // 2, H // 2)), _flat(), r=(0, 3, 0), fov=40))[0]
    wide = _centroid(_w3(_dots((W // 2, H // 2)), _flat(), r=(0, 3, 0), fov=100))[0]
    assert narrow > wide > W // 2  # a narrow fov is a long lens: the same turn moves more


# --------------------------------------------------------------------------- sampling, padding


def test_padding_modes_differ_at_the_border_as_expected():
    image = _smooth_image()
    t = (10.0, 0.0, 0.0)  # columns 0..9 look left of the picture
    zeros = _w3(image, _flat(), t=t, padding="zeros")
    border = _w3(image, _flat(), t=t, padding="border")
    reflection = _w3(image, _flat(), t=t, padding="reflection")
    assert zeros[..., :9].abs().max() < 1e-6
    for column in range(10):
        assert torch.allclose(border[..., column], image[..., 0], atol=1e-5)
        assert torch.allclose(reflection[..., column], image[..., 9 - column], atol=1e-5)
    for out in (zeros, border, reflection):  # the inside is the same
        assert torch.allclose(out[..., 11:], image[..., 1:-10], atol=1e-5)


def test_sampling_modes_run_and_differ_bicubic_is_clamped():
    checker = ((torch.arange(W)[None, :] // 2 + torch.arange(H)[:, None] // 2) % 2).float()
    image = checker.expand(1, 3, H, W).contiguous()
    outs = {}
    for mode in SAMPLING_MODES:
        outs[mode] = _w3(image, _step(), t=(2.3, 1.7, 3.0), r=(0.5, 0.5, 2.0), sampling=mode)
        assert outs[mode].shape == image.shape and torch.isfinite(outs[mode]).all()
    assert set(outs["nearest"].unique().tolist()) <= {0.0, 1.0}
    assert outs["bicubic"].min() >= 0.0 and outs["bicubic"].max() <= 1.0
    assert not torch.allclose(outs["bilinear"], outs["bicubic"], atol=1e-3)


def test_bad_modes_are_rejected():
    with pytest.raises(ValueError, match="padding_mode"):
        _w3(_smooth_image(), _flat(), padding="wrap")
    with pytest.raises(ValueError, match="sampling_mode"):
        _w3(_smooth_image(), _flat(), sampling="lanczos")
    assert set(PADDING_MODES) == {"border", "reflection", "zeros"}


def test_flying_through_the_nearest_content_stays_finite():
    out = _w3(_smooth_image(), _step(), t=(0.0, 0.0, 300.0), padding="zeros")
    assert torch.isfinite(out).all() and out.min() >= 0


def test_depth_none_and_other_sizes():
    image = _smooth_image()
    assert torch.allclose(_w3(image, None, t=(5.0, 0.0, 0.0)), _w3(image, _flat(), t=(5.0, 0, 0)))
    small = F.interpolate(_step(), size=(H // 2, W // 2), mode="nearest")[0, 0]  # (H/2, W/2)
    resized = _w3(image, small, t=(3.0, 0.0, 0.0))
    full = _w3(image, _step(), t=(3.0, 0.0, 0.0))
    away = [*range(W // 2 - 4), *range(W // 2 + 6, W)]  # away from the blurred step
    assert torch.allclose(resized[..., away], full[..., away], atol=1e-5)


# --------------------------------------------------------------------------- depth maps


def test_depth_to_png_near_is_white():
    png = depth_to_png(_step(near_value=1.0, far_value=50.0))
    assert png.dtype == np.uint8 and png.shape == (H, W)
    assert (png[:, : W // 2] == 255).all() and (png[:, W // 2:] == 0).all()
    ramp = torch.linspace(1.0, 10.0, W).expand(H, W)  # farther to the right
    grey = depth_to_png(ramp)
    assert (np.diff(grey[0].astype(int)) <= 0).all() and grey[0, 0] == 255 and grey[0, -1] == 0
    assert (depth_to_png(_flat()) == 255).all()


# --------------------------------------------------------------------------- perspective flip


def _corners(matrix: np.ndarray) -> np.ndarray:
    c = np.array([[-0.5, -0.5, 1], [W - 0.5, -0.5, 1], [W - 0.5, H - 0.5, 1], [-0.5, H - 0.5, 1]])
    p = matrix @ c.T
    return (p[:2] / p[2]).T  # top-left, top-right, bottom-right, bottom-left


def _flip(**kw) -> np.ndarray:
    params = {"theta": 0.0, "phi": 0.0, "gamma": 0.0, "fv": 53.0} | kw
    return flip_matrix(width=W, height=H, **params)


@pytest.mark.parametrize("fv", [20.0, 53.0, 120.0])
def test_flip_identity(fv):
    assert np.allclose(_flip(fv=fv), np.eye(3), atol=1e-9)
    image = _smooth_image()
    assert torch.allclose(perspective_flip(image, _flip(fv=fv)), image, atol=1e-5)


def test_flip_theta_turns_clockwise_and_keeps_the_translation():
    image = _smooth_image()
    m = _flip(theta=10.0, translation_x=5.0, translation_y=-3.0)
    expected = affine_matrix_2d(width=W, height=H, angle=-10.0, zoom=1.0, translation_x=5.0,
                                translation_y=-3.0)
    assert np.allclose(m, expected, atol=1e-9)
    assert (perspective_flip(image, m) - warp_2d(image, expected)).abs().max() < 1e-4
    assert (perspective_flip(image, m, border="wrap")
            - warp_2d(image, expected, border="wrap")).abs().max() < 1e-4
    shift = _corners(_flip(translation_x=7.0, translation_y=2.0)) - _corners(np.eye(3))
    assert np.allclose(shift, [7.0, 2.0])


def test_flip_phi_and_gamma_turn_an_edge_away():
    tl, tr, br, bl = _corners(_flip(phi=20.0))
    assert tr[0] - tl[0] < W < br[0] - bl[0]  # the top edge shrinks, the bottom one grows
    tl, tr, br, bl = _corners(_flip(gamma=20.0))
    assert br[1] - tr[1] < H < bl[1] - tl[1]  # the right edge shrinks, the left one grows
    narrow = _corners(_flip(gamma=20.0, fv=20.0))
    assert narrow[2][1] - narrow[1][1] > br[1] - tr[1]  # a small fv flattens the perspective


def test_flip_moves_the_picture_like_its_corners():
    m = _flip(phi=15.0, gamma=-10.0, theta=5.0, translation_x=3.0)
    out = perspective_flip(_dots((20, 14)), m)
    p = m @ np.array([20.0, 14.0, 1.0])
    x, y = _centroid(out)
    assert (x, y) == pytest.approx((p[0] / p[2], p[1] / p[2]), abs=0.05)


def test_solve_homography_matches_known_matrix():
    truth = np.array([[1.1, 0.2, 3.0], [-0.1, 0.9, -2.0], [1e-3, -2e-3, 1.0]])
    src = np.array([[0.0, 0.0], [10.0, 0.0], [10.0, 8.0], [0.0, 8.0]])
    h = np.c_[src, np.ones(4)] @ truth.T
    assert np.allclose(solve_homography(src, h[:, :2] / h[:, 2:]), truth, atol=1e-9)


def test_degenerate_flip_does_not_crash():
    out = perspective_flip(_smooth_image(), _flip(phi=90.0))
    assert torch.isfinite(out).all()
    with pytest.raises(ValueError, match="border"):
        perspective_flip(_smooth_image(), _flip(), border="zeros")
