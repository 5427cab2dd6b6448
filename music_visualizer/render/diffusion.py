"""The diffusion renderer: Deforum's 2D animation on a diffusers Stable Diffusion pipeline.

Frame 0 is txt2img (or img2img from the init image). Every later frame: the previous frame is
warped, colour-matched, contrasted and noised (:func:`~.loop.prepare_previous`), re-imagined by
img2img with diffusers strength ``1 - strength`` (Deforum's strength is the share of the
previous frame that is kept), and colour-matched once more. Frames stay torch tensors on the
pipeline's device; each distinct prompt is encoded once.
"""

from __future__ import annotations

from typing import Any

import torch

from ..modes.plan import FrameParams
from ..prompts.weights import encode_weighted, has_weights
from .loop import MotionOptions, RenderState, finish_frame, prepare_with_depth, with_depth
from .models import Pipelines, run_pipeline

__all__ = ["DiffusionRenderer", "img2img_schedule"]


def img2img_schedule(kept: float, steps: int) -> tuple[int, float]:
    """``(num_inference_steps, strength)`` for diffusers' img2img, for Deforum's ``strength``.

    Diffusers runs ``int(n * strength)`` steps from the matching point of an ``n``-step
    schedule, so with few steps the start point only takes multiples of ``1 / steps``: at 4
    steps every kept share from 0.55 to 0.78 would start at the same point and an
    audio-reactive strength would do nothing. Instead run ``k = round(steps * s)`` steps (at
    least one) of an ``n = ceil(k / s)``-step schedule, whose start ``k / n`` follows ``s``.
    """
    import math

    s = min(max(1.0 - kept, 0.0), 1.0)
    if s <= 0.0:
        s = 1.0 / (steps * 8)  # keep almost everything: one small step
    k = max(1, round(steps * s))
    n = max(k, math.ceil(k / s - 1e-9))
    return n, (k + 1e-6) / n  # int(n * strength) == k exactly


class DiffusionRenderer:
    """Renders plan rows with a loaded :class:`~.models.Pipelines` (call inside inference mode)."""

    def __init__(self, pipes: Pipelines, *, width: int, height: int, options: MotionOptions,
                 init_image: torch.Tensor | None = None) -> None:
        self.pipes = pipes
        self.device = pipes.device
        self.width = width
        self.height = height
        self.options = options
        self.init_image = None if init_image is None else init_image.to(self.device)
        self._embeddings: dict[tuple[str, str, bool], tuple[Any, Any]] = {}

    def _encoded(self, prompt: str, negative_prompt: str, guided: bool) -> tuple[Any, Any]:
        key = (prompt, negative_prompt, guided)
        if key not in self._embeddings:
            if has_weights(prompt) or (guided and has_weights(negative_prompt)):
                pipe = self.pipes.img2img
                positive = encode_weighted(pipe.tokenizer, pipe.text_encoder, prompt,
                                           device=self.device)
                negative = encode_weighted(pipe.tokenizer, pipe.text_encoder, negative_prompt,
                                           device=self.device) if guided else None
                self._embeddings[key] = (positive, negative)
            else:
                self._embeddings[key] = self.pipes.img2img.encode_prompt(
                    prompt, self.device, 1, guided,
                    negative_prompt=negative_prompt if guided else None,
                )
        return self._embeddings[key]

    def _embed(self, row: FrameParams) -> dict[str, Any]:
        """The row's text embeddings (each distinct prompt encoded once); while a new prompt
        blends in, the embeddings of the previous and the new prompt interpolated."""
        guided = row.cfg_scale > 1.0
        positive, negative = self._encoded(row.prompt, row.negative_prompt, guided)
        if row.prompt_from is not None and row.blend < 1.0:
            old_pos, old_neg = self._encoded(row.prompt_from, row.negative_from or "", guided)
            positive = torch.lerp(old_pos, positive, row.blend)
            if guided:
                negative = torch.lerp(old_neg, negative, row.blend)
        return {"prompt_embeds": positive, "negative_prompt_embeds": negative if guided else None}

    def _generator(self, seed: int) -> torch.Generator:
        return torch.Generator(device=self.device).manual_seed(int(seed))

    def step(self, state: RenderState, row: FrameParams) -> RenderState:
        common = {
            **self._embed(row),
            "num_inference_steps": row.steps,
            "guidance_scale": row.cfg_scale,
            "generator": self._generator(row.seed),
            "output_type": "pt",
        }
        depth = None
        if state.previous is None and self.init_image is None:
            image = run_pipeline(self.pipes.txt2img, width=self.width, height=self.height,
                                 **common)
        else:
            if state.previous is None:
                init = self.init_image
            else:
                init, depth = prepare_with_depth(state, row, self.options)
            n_steps, strength = img2img_schedule(row.strength, row.steps)
            image = run_pipeline(self.pipes.img2img, image=init.to(self.pipes.dtype),
                                 strength=strength, **{**common, "num_inference_steps": n_steps})
        image = image.to(device=self.device, dtype=torch.float32)
        if state.color_ref is not None:
            image = state.color_ref.match(image)
        return with_depth(finish_frame(image, state, row, self.options), depth, self.options)
