"""Deforum's 3D camera: reproject the previous frame through its depth map, on the device.

- :func:`warp_3d`      move a pinhole camera through the depth of the previous frame, resample
- :func:`scene_depth`  the depth map mapped onto ``[near, far]`` (what :func:`warp_3d` uses)
- :func:`depth_to_png` a depth map as an 8-bit grey picture (near = white), for ``save_depth_maps``

Camera and units (the same picture motion as the 2D camera of :mod:`.image_ops`):

- ``translation_x`` > 0 moves the picture right, ``translation_y`` > 0 down, in pixels of the
  nearest content (a flat depth map moves exactly like 2D; farther content moves less: parallax).
- ``translation_z`` > 0 flies forward (content grows from the centre, like zoom > 1), in scene
  units where the nearest content is ``near`` away: 1.75 at near 200 grows it by 0.88 % a frame.
- ``rotation_3d_z`` > 0 turns the picture counter-clockwise (like the 2D ``angle``);
  ``rotation_3d_y`` > 0 pans: the camera turns left and the picture moves right (like
  ``translation_x``); ``rotation_3d_x`` > 0 tilts the camera up and the picture moves down (like
  ``translation_y``). Degrees per frame, composed as ``Rx @ Ry @ Rz`` (Euler "XYZ", as Deforum).
- ``fov``: the horizontal field of view in degrees (the focal length is
  ``(W / 2) / tan(fov / 2)`` pixels, square pixels). It shapes pans and tilts: a narrow fov (a
  long lens) moves the picture more pixels per degree with less perspective bending. The
  translations do not depend on it (they are in pixels of the nearest content and near units).
- ``near``/``far``: the depth range of the scene. The depth map is relative (any positive scale,
  larger = farther); its inverse is normalised per frame to [0, 1] and mapped linearly in inverse
  depth onto ``[1/far, 1/near]`` (the nearest pixel lands at ``near``, the farthest at ``far``; a
  flat map lies entirely at ``near``). So ``near`` sets how fast ``translation_z`` flies (a larger
  near is a farther scene: slower) and ``far / near`` how much the background lags behind the
  foreground (far = near: no parallax at all). ``near`` is clamped to >= 1e-3, ``far`` to >= near.

Where Deforum differs: its 3D ``translation_x`` and ``rotation_3d_y`` move the picture left
(the other way from its 2D ``translation_x``); here they move it right, like 2D (to reproduce a
Deforum 3D file's motion exactly, negate both on import). Its ``translation_y``,
``rotation_3d_x``, ``rotation_3d_z`` and ``translation_z`` go the same way as here. Deforum's
``near``/``far`` only reach the depth row of pytorch3d's projection matrix, which it discards, so
they have no effect there; here they set the depth range. Deforum divides the translation by 200
against a depth normalised to about [1, 2]; here the depth lies in [near, far] (default 200 ..
10000) with ``translation_z`` in those units, which keeps Deforum's feel at the default near.

The warp is an inverse mapping: every output pixel's ray from the moved camera is intersected
with the depth of the previous frame (the depth is looked up where the ray lands, refined twice),
so a flat depth map gives exactly the 2D motion, pure rotations are exact homographies for any
depth, and smooth depth converges; at depth edges the uncovered background is stretched from its
neighbours (as in Deforum). Rays that end behind the moved camera show the padding.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import torch
import torch.nn.functional as F

__all__ = [
    "PADDING_MODES",
    "SAMPLING_MODES",
    "camera_rotation",
    "depth_to_png",
    "scene_depth",
    "warp_3d",
]

PADDING_MODES = ("border", "reflection", "zeros")
SAMPLING_MODES = ("bicubic", "bilinear", "nearest")

#: Extra passes of the depth lookup at the moving point (0 = the depth at the output pixel).
_REFINEMENTS = 2
#: Grid value for rays that miss the scene (behind the moved camera): outside the picture.
_OUTSIDE = -4.0


def _check_modes(padding_mode: str, sampling_mode: str) -> None:
    if padding_mode not in PADDING_MODES:
        raise ValueError(f"padding_mode must be one of {', '.join(PADDING_MODES)}, "
                         f"not {padding_mode!r}")
    if sampling_mode not in SAMPLING_MODES:
        raise ValueError(f"sampling_mode must be one of {', '.join(SAMPLING_MODES)}, "
                         f"not {sampling_mode!r}")


def _near_far(near: float, far: float) -> tuple[float, float]:
    near = max(float(near), 1e-3)
    return near, max(float(far), near)


def camera_rotation(rotation: Sequence[float]) -> np.ndarray:
    """The 3x3 rotation of scene points (camera axes: x right, y down, z forward).

    ``rotation`` is ``(rotation_3d_x, rotation_3d_y, rotation_3d_z)`` in degrees with the picture
    motions of the module docstring: ``Rx(-x) @ Ry(y) @ Rz(-z)``.
    """
    ax, ay, az = (math.radians(float(a)) for a in rotation)

    def rx(t: float) -> np.ndarray:
        c, s = math.cos(t), math.sin(t)
        return np.array([[1.0, 0.0, 0.0], [0.0, c, -s], [0.0, s, c]])

    def ry(t: float) -> np.ndarray:
        c, s = math.cos(t), math.sin(t)
        return np.array([[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]])

    def rz(t: float) -> np.ndarray:
        c, s = math.cos(t), math.sin(t)
        return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])

    return rx(-ax) @ ry(ay) @ rz(-az)


def _as_map(depth: torch.Tensor, height: int, width: int, device: torch.device) -> torch.Tensor:
    """``depth`` as float32 ``(1, 1, height, width)`` on ``device``."""
    d = torch.as_tensor(depth).to(device=device, dtype=torch.float32)
    while d.dim() < 4:
        d = d[None]
    if d.shape[-2:] != (height, width):
        d = F.interpolate(d, size=(height, width), mode="bilinear", align_corners=False)
    return d[:1, :1]


def _normalized_inverse(depth: torch.Tensor) -> torch.Tensor:
    """Inverse depth normalised to [0, 1] (1 = nearest); a flat map is all 1."""
    inverse = 1.0 / depth.nan_to_num(nan=1.0, posinf=1e30).clamp(min=1e-12)
    low, high = torch.aminmax(inverse)
    span = high - low
    flat = span <= 1e-6 * high.abs().clamp(min=1e-30)
    return torch.where(flat, torch.ones_like(inverse), (inverse - low) / span.clamp(min=1e-30))


def scene_depth(depth: torch.Tensor, *, near: float, far: float) -> torch.Tensor:
    """Map a relative depth map (larger = farther) onto scene depths in ``[near, far]``.

    Linear in inverse depth: ``1/Z = t/near + (1 - t)/far`` where ``t`` is the inverse depth
    normalised to [0, 1] over the frame. The result has the shape and device of ``depth``.
    """
    near, far = _near_far(near, far)
    t = _normalized_inverse(depth.float())
    return 1.0 / (t * (1.0 / near) + (1.0 - t) * (1.0 / far))


def warp_3d(
    image: torch.Tensor,
    depth: torch.Tensor | None,
    *,
    translation: tuple[float, float, float],
    rotation: tuple[float, float, float],
    fov: float,
    near: float,
    far: float,
    padding_mode: str = "border",
    sampling_mode: str = "bicubic",
) -> torch.Tensor:
    """Move the camera by one frame of 3D motion and resample ``image`` (see the module docstring).

    ``image``: ``(1, 3, H, W)`` in [0, 1]. ``depth``: the relative depth of ``image``, larger =
    farther, ``(1, 1, H, W)`` (other sizes are resized; ``None`` is a flat plane).
    ``translation``: ``(translation_x, translation_y, translation_z)``; ``rotation``:
    ``(rotation_3d_x, rotation_3d_y, rotation_3d_z)`` in degrees. ``padding_mode``: what rays
    leaving the picture see (``border`` repeats the edge, ``reflection`` mirrors it, ``zeros`` is
    black). ``sampling_mode``: ``bicubic`` (clamped to [0, 1]), ``bilinear`` or ``nearest``.
    The result is on ``image``'s device and dtype.
    """
    _check_modes(padding_mode, sampling_mode)
    tx, ty, tz = (float(v) for v in translation)
    if tx == ty == tz == 0.0 and all(float(a) == 0.0 for a in rotation):
        return image.clone()
    _, _, height, width = image.shape
    device = image.device
    near, far = _near_far(near, far)
    fov = min(max(float(fov), 1e-3), 179.0)
    focal = (width / 2.0) / math.tan(math.radians(fov) / 2.0)

    if depth is None:
        z = torch.full((1, 1, height, width), near, device=device)
    else:
        z = scene_depth(_as_map(depth, height, width, device), near=near, far=far)

    # The moved camera in the old camera's frame: centre c, axes rows of m (X_new = m (X - c)).
    m = camera_rotation(rotation)
    c = (-tx * near / focal, -ty * near / focal, tz)
    rays = m.T  # old-frame direction of the new ray through normalised (x, y): rays @ (x, y, 1)
    f32 = {"device": device, "dtype": torch.float32}
    xn = ((torch.arange(width, **f32) - (width - 1) / 2.0) / focal)[None, :]
    yn = ((torch.arange(height, **f32) - (height - 1) / 2.0) / focal)[:, None]
    dx, dy, dz = (float(r[0]) * xn + float(r[1]) * yn + float(r[2]) for r in rays)
    sx, sy = 2.0 * focal / width, 2.0 * focal / height  # normalised grid units per x/z, y/z

    zs = z[0, 0]
    for step in range(_REFINEMENTS + 1):
        s = (zs - c[2]) / dz  # the new camera's depth of the point whose old depth is zs
        gx = (c[0] + s * dx) / zs * sx
        gy = (c[1] + s * dy) / zs * sy
        grid = torch.stack((gx, gy), dim=-1)[None]
        if step < _REFINEMENTS:
            zs = F.grid_sample(z, grid, mode="bilinear", padding_mode="border",
                               align_corners=False)[0, 0]
    hit = (s > 0) & (dz > 0) & torch.isfinite(grid).all(dim=-1)[0]
    grid = torch.where(hit[None, ..., None], grid, torch.full_like(grid, _OUTSIDE))
    source = image if image.dtype in (torch.float32, torch.float64) else image.float()
    out = F.grid_sample(source, grid.to(source.dtype), mode=sampling_mode,
                        padding_mode=padding_mode, align_corners=False)
    if sampling_mode == "bicubic":
        out = out.clamp_(0.0, 1.0)
    return out.to(image.dtype)


def depth_to_png(depth: torch.Tensor) -> np.ndarray:
    """A depth map as uint8 ``(H, W)``: inverse depth normalised per frame, near = white.

    This is the model's disparity for Depth Anything (see :mod:`.depth`), as Deforum saves it;
    a flat map is all white (all of it is at ``near``).
    """
    d = torch.as_tensor(depth).detach().float()
    d = d.reshape(d.shape[-2], d.shape[-1])
    grey = _normalized_inverse(d).mul(255.0).round_().clamp_(0, 255).to(torch.uint8)
    return grey.cpu().numpy()
