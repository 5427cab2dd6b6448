"""Overlapping tiles and their feathered blend: a model upscales a large frame in bounded memory.

- :func:`tile_spans` the tiles along one axis (start, end), overlapping by at least ``overlap``
- :func:`feather`    one tile's blend weights along one axis, in output pixels
- :func:`run_tiled`  a per-tile function applied over a frame, blended into the output

Weights along each axis form a partition of unity: in an overlap, one tile fades out while its
neighbour fades in, and each tile's outer quarter of the overlap (where its padding shows) gets
weight 0. A tile's weight map is the product of its row and column weights, so the sum of the
weights is separable too and the blend needs no full-frame weight buffer.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

__all__ = ["feather", "run_tiled", "tile_spans"]


def tile_spans(size: int, tile: int, overlap: int) -> list[tuple[int, int]]:
    """Tiles ``[start, end)`` covering ``[0, size)``: as few as fit in ``tile``, equally long.

    Neighbours overlap by at least ``overlap`` pixels; the tiles are made just long enough
    (never longer than ``tile``), so little work is repeated (a 540 px side is two tiles of
    286, not of ``tile``). A size that fits in one tile gives one tile. Requires
    ``0 <= 2 * overlap <= tile``.
    """
    if not 0 <= 2 * overlap <= tile or tile < 1:
        raise ValueError(f"overlap={overlap} must be at least 0 and at most half of tile={tile}")
    if size <= tile:
        return [(0, size)]
    n = math.ceil((size - overlap) / (tile - overlap))
    length = min(tile, math.ceil((size + (n - 1) * overlap) / n))
    starts = [round(i * (size - length) / (n - 1)) for i in range(n)]
    return [(s, s + length) for s in starts]


def _ramp(length: int) -> torch.Tensor:
    """Rising weights over an overlap of ``length`` px: 0 on the first quarter, 1 on the last."""
    k = (torch.arange(length, dtype=torch.float32) + 0.5) / length
    return ((k - 0.25) * 2).clamp(1e-6, 1)  # never 0: every pixel keeps a weight


def feather(spans: list[tuple[int, int]], index: int, scale: int) -> torch.Tensor:
    """Blend weights of tile ``index`` of ``spans`` along one axis, ``scale`` output pixels a pixel.

    Returns a float32 vector of length ``(end - start) * scale``: 1 inside, rising over the
    overlap with the previous tile, falling over the overlap with the next one.
    """
    start, end = spans[index]
    weights = torch.ones((end - start) * scale)
    if index > 0:
        inside = (spans[index - 1][1] - start) * scale
        if inside > 0:
            weights[:inside] = _ramp(inside)
    if index + 1 < len(spans):
        inside = (end - spans[index + 1][0]) * scale
        if inside > 0:
            weights[-inside:] = torch.minimum(weights[-inside:], 1 - _ramp(inside))
    return weights


def run_tiled(fn: Callable[[torch.Tensor], torch.Tensor], frame: torch.Tensor, scale: int, *,
              tile: int, overlap: int) -> torch.Tensor:
    """``fn`` applied tile by tile to ``frame`` and blended: ``fn``'s output at the full size.

    Parameters
    ----------
    fn : callable
        ``(B, C, h, w) -> (B, C, h * scale, w * scale)`` float32, on ``frame``'s device.
    frame : torch.Tensor [shape=(B, C, H, W)]
    scale : int
        The output pixels per input pixel of ``fn``.
    tile, overlap : int
        Tile side and least overlap between tiles, in input pixels.

    Returns
    -------
    torch.Tensor [shape=(B, C, H * scale, W * scale)], float32
    """
    b, c, h, w = frame.shape
    rows, cols = tile_spans(h, tile, overlap), tile_spans(w, tile, overlap)
    if len(rows) == len(cols) == 1:
        return fn(frame).float()
    out = torch.zeros(b, c, h * scale, w * scale, dtype=torch.float32, device=frame.device)
    row_sum = torch.zeros(h * scale, device=frame.device)
    col_sum = torch.zeros(w * scale, device=frame.device)
    row_weights = [feather(rows, i, scale).to(frame.device) for i in range(len(rows))]
    col_weights = [feather(cols, j, scale).to(frame.device) for j in range(len(cols))]
    for i, (top, bottom) in enumerate(rows):
        row_sum[top * scale:bottom * scale] += row_weights[i]
        for j, (left, right) in enumerate(cols):
            if i == 0:
                col_sum[left * scale:right * scale] += col_weights[j]
            piece = fn(frame[:, :, top:bottom, left:right]).float()
            weight = row_weights[i][:, None] * col_weights[j][None, :]
            out[:, :, top * scale:bottom * scale, left * scale:right * scale] += piece * weight
    out /= row_sum[:, None] * col_sum[None, :]
    return out
