"""Diffusion cadence: diffuse every Nth frame, warp and blend the frames between (Deforum).

With cadence ``N`` the model runs at frames ``0, N, 2N, ...`` (the plan's ``diffuse`` column).
Frame ``j`` of the block that starts at the diffused frame ``kN`` is the blend of the two
newest diffused frames, each moved forward frame by frame by the camera:

``frame_j = lerp(D_(k-1) moved to j, D_k moved to j, w)``, ``w = (j - kN + 1) / N``,

so a new diffused frame fades in over its block (Deforum's turbo mode) and the last frame of a
block is ``D_k`` moved to it, which is also where the next diffusion starts from. In the first
block there is nothing to blend with: the frames are ``D_0`` moved forward. In 3D both images
move through the depth of the newer one.

Unlike Deforum, the frames after the last diffused frame are written too (Deforum stops at the
last diffused frame), and a run resumes mid-block exactly: each diffused frame is saved as
``<ts>_cadence_<frame>.png`` before its frame, and :func:`~.loop.restore_state` moves the last
two forward again through the same rows.

- :class:`CadenceRenderer`  wraps any renderer; diffuses only where the plan says so
"""

from __future__ import annotations

import torch

from ..modes.plan import FrameParams
from .image_ops import quantize
from .loop import MotionOptions, RenderState, frame_depth, warp_frame

__all__ = ["CadenceRenderer"]


class CadenceRenderer:
    """Runs ``inner`` on the plan's diffused frames and warps and blends the frames between."""

    def __init__(self, inner: object, options: MotionOptions) -> None:
        if options.cadence < 2:
            raise ValueError("CadenceRenderer needs a cadence of 2 or more")
        self.inner = inner
        self.options = options
        self.device: torch.device = inner.device  # type: ignore[attr-defined]

    def step(self, state: RenderState, row: FrameParams) -> RenderState:
        n = self.options.cadence
        weight = (row.index % n + 1) / n
        depth = None
        if row.diffuse:
            made = self.inner.step(state, row)  # type: ignore[attr-defined]
            newest, diffused = made.previous, made.previous_uint8
            older = state.cadence_next
            if older is not None:
                depth = frame_depth(newest, self.options)
                older = warp_frame(older, row, self.options, depth)
            color_ref = made.color_ref
        else:
            assert state.cadence_next is not None, "a cadence frame needs its diffused frame"
            depth = frame_depth(state.cadence_next, self.options)
            newest = warp_frame(state.cadence_next, row, self.options, depth)
            older = state.cadence_prev
            if older is not None:
                older = warp_frame(older, row, self.options, depth)
            diffused, color_ref = None, state.color_ref
        image = newest if older is None or weight >= 1.0 else torch.lerp(older, newest, weight)
        as_uint8, rounded = quantize(image)
        return RenderState(
            next_index=row.index + 1, previous=rounded, previous_uint8=as_uint8,
            color_ref=color_ref, cadence_prev=older, cadence_next=newest,
            diffused_uint8=diffused,
            depth=depth if self.options.save_depth_maps else None)
