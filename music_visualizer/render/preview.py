"""The model-free preview renderer: the run's motion, colour and noise with no diffusion model.

It starts from the init image (or a colourful pattern made from the first prompt and the run's
seed) and applies exactly the camera moves, colour coherence, contrast and noise of the diffusion
renderer. In place of img2img it blends a little of a pattern made from the frame's prompt back
in, by ``(1 - strength) * mix``, so prompt changes and the strength schedule are visible in an
animatic. Runs anywhere in milliseconds per frame.

Even resampling. With no model to remove it, the noise added to each frame stays in the picture
until moving the picture smooths it away, and bilinear resampling smooths by how far between
pixels it samples: not at all where the sample falls on a pixel. Zooming about the centre
samples the rows and columns next to the centre almost exactly on pixels, frame after frame, so
there the noise piled up into a sharp cross. So the preview smooths each moved pixel a little
more, by how close to a pixel it was sampled (:func:`even_out`), until each is smoothed at least
as much as a moved pixel is on average, right after the move (before the unsharp mask, contrast
and this frame's noise). The diffusion renderers are unchanged (the model removes the noise
there). A still camera moves nothing and smooths nothing, as before.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable

import numpy as np
import torch

from ..modes.plan import FrameParams
from . import cpu_kernels
from .image_ops import affine_matrix_2d, to_tensor
from .loop import (
    MotionOptions,
    RenderState,
    finish_frame,
    prepare_with_depth,
    warp_frame,
    with_depth,
)

__all__ = ["PreviewRenderer", "even_out", "evening_weights", "prompt_pattern",
           "sample_fractions"]


def prompt_pattern(prompt: str, *, width: int, height: int, seed: int = 0) -> np.ndarray:
    """A smooth colourful uint8 ``(H, W, 3)`` image, the same for the same prompt and seed."""
    rng = np.random.default_rng([zlib.crc32(prompt.encode("utf-8")), int(seed) % 2**64])
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    x /= max(width, height)
    y /= max(width, height)
    image = np.zeros((height, width, 3), np.float32)
    for _ in range(5):
        fx, fy = rng.uniform(-2.5, 2.5, size=2)
        phase = rng.uniform(0, 2 * np.pi)
        colour = rng.uniform(0.1, 1.0, size=3)
        wave = 0.5 + 0.5 * np.sin(2 * np.pi * (fx * x + fy * y) + phase)
        image += wave[..., None] * colour
    for _ in range(6):  # soft discs give the eye something to follow when the camera moves
        cx, cy = rng.uniform(0, 1, size=2)
        radius = rng.uniform(0.03, 0.12)
        disc = np.exp(-(((x - cx) ** 2 + (y - cy) ** 2) / (2 * radius**2)))
        image += disc[..., None] * rng.uniform(0.2, 1.2, size=3)
    image -= image.min()
    image /= max(float(image.max()), 1e-6)
    return (image * 255).round().astype(np.uint8)


def _fraction(coordinate: torch.Tensor, size: int, border: str) -> torch.Tensor:
    """How far between two pixels a source coordinate (pixel index units) is, in [0, 1)."""
    if border == "wrap":
        coordinate = torch.remainder(coordinate, size)
    else:  # replicate: outside the picture the edge pixel itself is taken
        coordinate = coordinate.clamp(0.0, size - 1.0)
    return coordinate - torch.floor(coordinate)


def _plain_2d_matrix(row: FrameParams, width: int, height: int) -> np.ndarray | None:
    """The matrix of ``row``'s 2D move, None when warp_frame leaves the picture as it is."""
    matrix = affine_matrix_2d(width=width, height=height, angle=row.angle, zoom=row.zoom,
                              translation_x=row.translation_x, translation_y=row.translation_y,
                              center_x=row.transform_center_x, center_y=row.transform_center_y)
    return None if np.allclose(matrix, np.eye(3), rtol=1e-5, atol=1e-8) else matrix


def sample_fractions(row: FrameParams, options: MotionOptions, *, width: int, height: int,
                     depth: torch.Tensor | None = None, device: torch.device | str = "cpu"
                     ) -> tuple[torch.Tensor, torch.Tensor] | None:
    """Where between pixels :func:`~.loop.warp_frame` samples each pixel of ``row``'s move:
    ``(fx, fy)``, each ``(H, W)`` in [0, 1); None when the move leaves the picture as it is.

    A plain 2D move is computed from its matrix; a perspective flip or a 3D move by moving two
    ramps (x and y coordinates) the same way (linear ramps are resampled exactly).
    """
    plain_2d = not options.uses_depth and not options.perspective_flip
    matrix = _plain_2d_matrix(row, width, height) if plain_2d else None
    if plain_2d and matrix is None:
        return None  # a still camera: checked before building the coordinate grids
    ys, xs = torch.meshgrid(torch.arange(height, dtype=torch.float64, device=device),
                            torch.arange(width, dtype=torch.float64, device=device),
                            indexing="ij")
    if matrix is not None:
        inv = np.linalg.inv(matrix)
        sx = inv[0, 0] * xs + inv[0, 1] * ys + inv[0, 2]
        sy = inv[1, 0] * xs + inv[1, 1] * ys + inv[1, 2]
        border = options.border
        return (_fraction(sx, width, border).float(), _fraction(sy, height, border).float())
    # Ramps in [0, 1] (bicubic sampling clamps to that range), moved like the picture.
    ramps = torch.stack([xs / max(width - 1, 1), ys / max(height - 1, 1), torch.zeros_like(xs)])
    moved = warp_frame(ramps[None].float(), row, options, depth)[0].double()
    sx, sy = moved[0] * max(width - 1, 1), moved[1] * max(height - 1, 1)
    border = "wrap" if not options.uses_depth and options.border == "wrap" else "replicate"
    return _fraction(sx, width, border).float(), _fraction(sy, height, border).float()


# Of white noise, a bilinear sample at fraction f keeps (1 - f)**2 + f**2: 1 on a pixel, 1/2
# half-way, 2/3 on average over f. The preview smooths every moved pixel down to that average.
_KEPT = 2.0 / 3.0


def evening_weights(fractions: tuple[torch.Tensor, torch.Tensor]
                    ) -> tuple[torch.Tensor, torch.Tensor]:
    """Per pixel, the weights ``(wx, wy)`` of the 3-tap smoothings ``[w/2, 1 - w, w/2]`` (along
    x, then y) that, after bilinear samples at ``fractions``, leave white noise with the
    variance an average sample leaves (``_KEPT``): bilinear keeps ``(1 - f)**2 + f**2`` of it,
    the smoothing ``(1 - w)**2 + w**2 / 2``; ``w`` is about 0.2 on a pixel, 0 for ``f`` from
    0.21 to 0.79."""

    def weight(fraction: torch.Tensor) -> torch.Tensor:
        kept = (1.0 - fraction) ** 2 + fraction**2
        target = (_KEPT / kept).clamp(max=1.0)  # what the smoothing must keep
        return (2.0 - torch.sqrt((6.0 * target - 2.0).clamp(min=1.0))) / 3.0

    return weight(fractions[0]), weight(fractions[1])


def _move_weights(row: FrameParams, options: MotionOptions, image: torch.Tensor,
                  depth: torch.Tensor | None) -> tuple[torch.Tensor, torch.Tensor] | None:
    """:func:`evening_weights` of ``row``'s move of ``image``; None when nothing moves. A plain
    2D move on the CPU goes through one numba kernel."""
    height, width = image.shape[2:]
    if (image.device.type == "cpu" and not options.uses_depth and not options.perspective_flip
            and cpu_kernels.available()):
        matrix = _plain_2d_matrix(row, width, height)
        if matrix is None:
            return None
        wx, wy = cpu_kernels.affine_evening_weights(np.linalg.inv(matrix), height, width,
                                                    wrap=options.border == "wrap", kept=_KEPT)
        return torch.from_numpy(wx), torch.from_numpy(wy)
    fractions = sample_fractions(row, options, width=width, height=height, depth=depth,
                                 device=image.device)
    return None if fractions is None else evening_weights(fractions)


def _smooth_along(image: torch.Tensor, weight: torch.Tensor, dim: int) -> torch.Tensor:
    """``image`` smoothed along ``dim`` by ``[w/2, 1 - w, w/2]`` per pixel (edges repeated)."""
    size = image.shape[dim]
    if size < 2:
        return image
    before = torch.cat([image.narrow(dim, 0, 1), image.narrow(dim, 0, size - 1)], dim)
    after = torch.cat([image.narrow(dim, 1, size - 1), image.narrow(dim, size - 1, 1)], dim)
    return image + weight * (0.5 * (before + after) - image)


def even_out(image: torch.Tensor, weights: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
    """``image`` ``(1, C, H, W)``, just moved, smoothed per pixel by the :func:`evening_weights`
    of its move so that the move smoothed each pixel at least as much as it smooths a pixel on
    average (see the module docstring); clipped to [0, 1]."""
    wx, wy = weights
    if image.device.type == "cpu" and cpu_kernels.available():
        out = cpu_kernels.smooth_by(image[0].numpy(), wx.numpy(), wy.numpy())
        return torch.from_numpy(out)[None].to(image.dtype)
    image = _smooth_along(image, wx.to(image.dtype), 3)
    image = _smooth_along(image, wy.to(image.dtype), 2)
    return image.clamp(0.0, 1.0)


class PreviewRenderer:
    """Renders a plan's motion without a model (see the module docstring). ``seed`` (the run's)
    chooses the patterns."""

    def __init__(self, *, width: int, height: int, options: MotionOptions,
                 init_image: torch.Tensor | None = None, device: str | torch.device = "cpu",
                 mix: float = 0.06, seed: int = 0) -> None:
        self.width = width
        self.height = height
        self.options = options
        self.device = torch.device(device)
        self.init_image = None if init_image is None else init_image.to(self.device)
        self.mix = mix
        self.seed = int(seed)
        self._patterns: dict[str, torch.Tensor] = {}

    def _pattern(self, prompt: str) -> torch.Tensor:
        if prompt not in self._patterns:
            self._patterns[prompt] = to_tensor(
                prompt_pattern(prompt, width=self.width, height=self.height, seed=self.seed),
                device=self.device)
        return self._patterns[prompt]

    def _even_out(self, row: FrameParams) -> Callable[[torch.Tensor, torch.Tensor | None],
                                                      torch.Tensor]:
        """The ``after_move`` step of :func:`~.loop.prepare_with_depth` for ``row``."""

        def after_move(image: torch.Tensor, depth: torch.Tensor | None) -> torch.Tensor:
            weights = _move_weights(row, self.options, image, depth)
            return image if weights is None else even_out(image, weights)

        return after_move

    def step(self, state: RenderState, row: FrameParams) -> RenderState:
        depth = None
        if state.previous is None:
            image = self.init_image if self.init_image is not None else self._pattern(row.prompt)
        else:
            image, depth = prepare_with_depth(state, row, self.options,
                                              after_move=self._even_out(row))
            weight = (1.0 - row.strength) * self.mix
            if weight > 0:
                target = self._pattern(row.prompt)
                if row.prompt_from is not None and row.blend < 1.0:
                    target = torch.lerp(self._pattern(row.prompt_from), target, row.blend)
                image = torch.lerp(image, target, weight)
        return with_depth(finish_frame(image, state, row, self.options), depth, self.options)
