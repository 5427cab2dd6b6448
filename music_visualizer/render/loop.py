"""The frame loop and what every renderer shares.

- :class:`RenderState`     what carries from one frame to the next (and is restored on resume)
- :class:`Renderer`        the small interface: ``step(state, row) -> new state``
- :class:`MotionOptions`   border and colour-coherence choices shared by the 2D renderers
- :func:`prepare_previous` warp -> colour match -> contrast -> noise (Deforum's order)
- :func:`finish_frame`     round the new frame to 8 bits, set the colour reference, new state
- :func:`restore_state`    the state after frame ``n - 1``, read back from a run's PNGs
- :func:`render_frames`    run a renderer over a plan, handing frames to a writer
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
import torch

from ..plan import FrameParams, Plan
from ..runs import FrameWriter, frame_path
from .image_ops import (
    ColorReference,
    affine_matrix_2d,
    contrast_and_noise,
    quantize,
    to_tensor,
    warp_2d,
)

__all__ = [
    "MotionOptions",
    "RenderState",
    "Renderer",
    "finish_frame",
    "prepare_previous",
    "render_frames",
    "restore_state",
]


@dataclass(frozen=True)
class RenderState:
    """The state between frames. ``next_index`` is the frame to render next.

    ``previous`` is the last frame as float ``(1, 3, H, W)`` rounded to 8 bits (so it equals the
    PNG on disk) and ``previous_uint8`` the same as uint8; ``color_ref`` the colour reference.
    """

    next_index: int = 0
    previous: torch.Tensor | None = None
    previous_uint8: torch.Tensor | None = None
    color_ref: ColorReference | None = None


class Renderer(Protocol):
    """Produces frame ``row.index`` from the state after the frame before it."""

    device: torch.device

    def step(self, state: RenderState, row: FrameParams) -> RenderState: ...


@dataclass(frozen=True)
class MotionOptions:
    """Choices of the 2D frame preparation."""

    border: str = "replicate"
    color_coherence: str = "LAB"


def prepare_previous(state: RenderState, row: FrameParams, options: MotionOptions
                     ) -> torch.Tensor:
    """The previous frame moved by this frame's camera, colour-matched, contrasted and noised."""
    assert state.previous is not None
    image = state.previous
    _, _, height, width = image.shape
    matrix = affine_matrix_2d(width=width, height=height, angle=row.angle, zoom=row.zoom,
                              translation_x=row.translation_x, translation_y=row.translation_y,
                              center_x=row.transform_center_x, center_y=row.transform_center_y)
    if not np.allclose(matrix, np.eye(3)):
        image = warp_2d(image, matrix, border=options.border)
    if state.color_ref is not None:
        image = state.color_ref.match(image)
    return contrast_and_noise(image, row.contrast, row.noise, seed=row.seed)


def finish_frame(image: torch.Tensor, state: RenderState, row: FrameParams,
                 options: MotionOptions) -> RenderState:
    """Round ``image`` to 8 bits and make it the state after frame ``row.index``.

    Frame 0 becomes the colour reference (unless colour coherence is off).
    """
    as_uint8, rounded = quantize(image)
    ref = state.color_ref
    if ref is None and options.color_coherence != "none":
        ref = ColorReference(rounded, space=options.color_coherence)
    return RenderState(next_index=row.index + 1, previous=rounded, previous_uint8=as_uint8,
                       color_ref=ref)


def _read_png(path: Path, device: torch.device) -> torch.Tensor:
    from PIL import Image

    with Image.open(path) as img:
        return to_tensor(np.asarray(img.convert("RGB")), device=device)


def restore_state(folder: Path, timestring: str, next_index: int, *, device: torch.device,
                  options: MotionOptions) -> RenderState:
    """The state after frame ``next_index - 1`` of a run, from its PNGs.

    The previous frame is the last PNG; the colour reference is frame 0, as in the original run.
    """
    if next_index <= 0:
        return RenderState()
    with torch.inference_mode():
        return _restore(folder, timestring, next_index, device=device, options=options)


def _restore(folder: Path, timestring: str, next_index: int, *, device: torch.device,
             options: MotionOptions) -> RenderState:
    previous = _read_png(frame_path(folder, timestring, next_index - 1), device)
    as_uint8, previous = quantize(previous)
    ref = None
    if options.color_coherence != "none":
        first = previous if next_index == 1 else _read_png(frame_path(folder, timestring, 0),
                                                           device)
        ref = ColorReference(first, space=options.color_coherence)
    return RenderState(next_index=next_index, previous=previous, previous_uint8=as_uint8,
                       color_ref=ref)


def render_frames(renderer: Renderer, plan: Plan, state: RenderState, *, writer: FrameWriter,
                  on_frame: Callable[[int, RenderState], None] | None = None,
                  should_stop: Callable[[], bool] | None = None) -> RenderState:
    """Render frames ``state.next_index .. plan.n_frames - 1``.

    Each frame is handed to ``writer`` as soon as it exists (the writer saves it in the
    background). ``should_stop`` is checked between frames: the run then stays resumable.
    """
    with torch.inference_mode():
        for index in range(state.next_index, plan.n_frames):
            if should_stop is not None and should_stop():
                break
            state = renderer.step(state, plan.row(index))
            writer.submit(index, state.previous_uint8)
            if on_frame is not None:
                on_frame(index, state)
    return state
