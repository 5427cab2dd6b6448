"""Deforum's 2D perspective flip: the picture as a card turned in 3D and seen by a camera.

- :func:`flip_matrix`       the forward 3x3 homography (pixel indices, as :mod:`.image_ops`)
- :func:`perspective_flip`  resample an image by a homography with grid_sample, on the device

The four corners of the picture (a card of W x H centred on the camera axis) are rotated by
``phi`` about the horizontal axis, ``gamma`` about the vertical axis and ``theta`` about the
view axis (degrees, the matrix ``Rx(phi) @ Ry(gamma) @ Rz(theta)`` in screen axes x right,
y down, as Deforum), placed at the distance where a camera of field of view ``fv`` sees the
card's diagonal exactly, and projected; the homography maps the card's corners onto the
projected ones. Seen on screen: ``theta`` > 0 turns the picture clockwise (the opposite of the
2D ``angle``, as in Deforum), ``phi`` > 0 tips the top edge away (it shrinks, the bottom edge
grows), ``gamma`` > 0 turns the right edge away. A smaller ``fv`` (a farther camera) flattens
the perspective.

Two fixes over Deforum: its flip is recentred with the centring shift on the wrong side of the
homography (any theta/phi/gamma also drifts the picture by several pixels a frame); ours turns
about the picture centre. And its 2D path drops ``translation_x``/``translation_y`` when the
flip is on (``np.matmul(bM, rot_mat, trans_mat)`` writes into its third argument); ours keeps
them: the result is the flip followed by the translation, in pixels (+x right, +y down).
To combine with the 2D camera, whose matrix already holds the translation, use
``flip_matrix(..., translation_x=0, translation_y=0) @ affine_matrix_2d(...)``.
"""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F

__all__ = ["flip_matrix", "perspective_flip", "solve_homography"]


def _rotation(phi: float, gamma: float, theta: float) -> np.ndarray:
    """Deforum's ``getRotationMatrixManual``: ``Rx(phi) @ Ry(gamma) @ Rz(theta)``, degrees."""
    p, g, t = (math.radians(float(a)) for a in (phi, gamma, theta))
    rx = np.array([[1, 0, 0], [0, math.cos(p), -math.sin(p)], [0, math.sin(p), math.cos(p)]])
    ry = np.array([[math.cos(g), 0, math.sin(g)], [0, 1, 0], [-math.sin(g), 0, math.cos(g)]])
    rz = np.array([[math.cos(t), -math.sin(t), 0], [math.sin(t), math.cos(t), 0], [0, 0, 1]])
    return rx @ ry @ rz


def solve_homography(source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The 3x3 homography mapping four ``source`` points ``(4, 2)`` onto ``target`` points.

    The same linear system as ``cv2.getPerspectiveTransform`` (``h33 = 1``), in float64; a
    degenerate configuration gives the least-squares solution rather than an error.
    """
    a = np.zeros((8, 8))
    b = np.zeros(8)
    for i, ((x, y), (u, v)) in enumerate(zip(source, target, strict=True)):
        a[2 * i] = (x, y, 1, 0, 0, 0, -x * u, -y * u)
        a[2 * i + 1] = (0, 0, 0, x, y, 1, -x * v, -y * v)
        b[2 * i], b[2 * i + 1] = u, v
    h = np.linalg.lstsq(a, b, rcond=None)[0]
    return np.append(h, 1.0).reshape(3, 3)


def flip_matrix(*, width: int, height: int, theta: float, phi: float, gamma: float, fv: float,
                translation_x: float = 0.0, translation_y: float = 0.0) -> np.ndarray:
    """The forward 3x3 pixel transform of a perspective flip, then the translation in pixels.

    Identity for ``theta = phi = gamma = 0`` and no translation, whatever ``fv`` (degrees,
    clamped to [1, 179]).
    """
    half = math.radians(min(max(float(fv), 1.0), 179.0) / 2.0)
    diagonal = math.hypot(width, height)
    distance = diagonal / (2.0 * math.sin(half))  # the camera sees the diagonal exactly
    side = diagonal / math.cos(half)  # the projection's [-1, 1] spans this many pixels
    corners = np.array([[-width / 2, height / 2, 0.0], [width / 2, height / 2, 0.0],
                        [width / 2, -height / 2, 0.0], [-width / 2, -height / 2, 0.0]])
    turned = corners @ _rotation(phi, gamma, theta).T
    depth = distance - turned[:, 2]  # the camera looks down -z from +distance
    projected = turned[:, :2] / (depth[:, None] * math.tan(half)) * (side / 2.0)
    centre = np.array([(width - 1) / 2.0, (height - 1) / 2.0])  # pixel centres at indices
    matrix = solve_homography(corners[:, :2] + centre, projected + centre)
    shift = np.array([[1.0, 0.0, translation_x], [0.0, 1.0, translation_y], [0.0, 0.0, 1.0]])
    return shift @ matrix


def perspective_flip(image: torch.Tensor, matrix: np.ndarray, *, border: str = "replicate",
                     mode: str = "bilinear") -> torch.Tensor:
    """Warp ``image`` ``(1, C, H, W)`` by the forward homography ``matrix`` (pixel indices).

    ``border``: ``replicate`` repeats the edge pixels, ``wrap`` tiles the picture (as
    :func:`~.image_ops.warp_2d`). ``mode``: grid_sample's ``bilinear``, ``bicubic`` (clamped to
    [0, 1]) or ``nearest``. Points the flip turns away from the camera show the border.
    """
    if border not in ("replicate", "wrap"):
        raise ValueError(f"border must be replicate or wrap, not {border!r}")
    _, _, height, width = image.shape
    inverse = np.linalg.pinv(np.asarray(matrix, dtype=np.float64))
    f32 = {"device": image.device, "dtype": torch.float32}
    xs = torch.arange(width, **f32)[None, :]
    ys = torch.arange(height, **f32)[:, None]
    r = [[float(v) for v in row] for row in inverse]
    w = r[2][0] * xs + r[2][1] * ys + r[2][2]
    px = (r[0][0] * xs + r[0][1] * ys + r[0][2]) / w
    py = (r[1][0] * xs + r[1][1] * ys + r[1][2]) / w
    visible = (w > 0) & torch.isfinite(px) & torch.isfinite(py)
    px = torch.where(visible, px, torch.full_like(px, -2.0 * width))
    py = torch.where(visible, py, torch.full_like(py, -2.0 * height))
    if border == "wrap":
        # As warp_2d: wrap into the picture, sample a copy padded circularly by one pixel.
        px, py = torch.remainder(px, width), torch.remainder(py, height)
        grid = torch.stack(((2 * (px + 1) + 1) / (width + 2) - 1,
                            (2 * (py + 1) + 1) / (height + 2) - 1), dim=-1)[None]
        image = F.pad(image, (1, 1, 1, 1), mode="circular")
    else:
        grid = torch.stack(((2 * px + 1) / width - 1, (2 * py + 1) / height - 1), dim=-1)[None]
    source = image if image.dtype in (torch.float32, torch.float64) else image.float()
    out = F.grid_sample(source, grid.to(source.dtype), mode=mode, padding_mode="border",
                        align_corners=False)
    if mode == "bicubic":
        out = out.clamp_(0.0, 1.0)
    return out.to(image.dtype)
