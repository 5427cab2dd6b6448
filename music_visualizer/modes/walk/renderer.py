"""The walk renderer: txt2img frames between two prompts and two noises (walk mode).

Each frame is independent: its text embedding is ``lerp(embed(prompt_from), embed(prompt),
blend)`` and its initial noise ``slerp(noise(seed), noise(seed_to), noise_t)``, both from the
plan row (see :mod:`music_visualizer.modes.walk.plan`). Frames are rendered ``batch_size``
at a time; the frame loop hands over batches aligned to absolute frame indices, so a resumed
run batches every frame exactly as an uninterrupted one did and its frames are identical.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import torch

from ...prompts.weights import encode_weighted, has_weights
from ...render.image_ops import quantize
from ...render.models import Pipelines, run_pipeline
from ..plan import FrameParams

__all__ = ["WalkRenderer", "slerp"]


def slerp(a: torch.Tensor, b: torch.Tensor, t: float, *, dot_threshold: float = 0.9995
          ) -> torch.Tensor:
    """Spherical interpolation of two noise tensors (plain lerp when nearly parallel), so the
    interpolated noise keeps the norm a diffusion model expects."""
    if t <= 0.0:
        return a
    if t >= 1.0:
        return b
    a64, b64 = a.double().flatten(), b.double().flatten()
    dot = torch.dot(a64, b64) / (a64.norm() * b64.norm())
    if abs(float(dot)) > dot_threshold:
        return torch.lerp(a, b, t)
    theta = torch.acos(dot)
    sin = torch.sin(theta)
    wa, wb = torch.sin((1 - t) * theta) / sin, torch.sin(t * theta) / sin
    return (wa * a.double() + wb * b.double()).to(a.dtype)


class WalkRenderer:
    """Renders walk frames in batches with a loaded :class:`~.models.Pipelines`."""

    def __init__(self, pipes: Pipelines, *, width: int, height: int, batch_size: int = 4
                 ) -> None:
        self.pipes = pipes
        self.device = pipes.device
        self.width = width
        self.height = height
        self.batch_size = max(1, batch_size)
        self.options = None
        self._embeddings: dict[tuple[str, bool], torch.Tensor] = {}
        self._noise: OrderedDict[int, torch.Tensor] = OrderedDict()

    def _encoded(self, prompt: str, guided: bool) -> torch.Tensor:
        key = (prompt, guided)
        if key not in self._embeddings:
            pipe = self.pipes.txt2img
            if has_weights(prompt):
                embeds = encode_weighted(pipe.tokenizer, pipe.text_encoder, prompt,
                                         device=self.device)
            else:
                embeds = pipe.encode_prompt(prompt, self.device, 1, False)[0]
            self._embeddings[key] = embeds
        return self._embeddings[key]

    def _embed(self, row: FrameParams, guided: bool) -> tuple[torch.Tensor, torch.Tensor | None]:
        positive = self._encoded(row.prompt, guided)
        negative = self._encoded(row.negative_prompt, guided) if guided else None
        if row.prompt_from is not None and row.blend < 1.0:
            positive = torch.lerp(self._encoded(row.prompt_from, guided), positive, row.blend)
            if guided:
                old = self._encoded(row.negative_from or "", guided)
                negative = torch.lerp(old, negative, row.blend)
        return positive, negative

    def _latent_shape(self) -> tuple[int, int, int, int]:
        pipe = self.pipes.txt2img
        factor = getattr(pipe, "vae_scale_factor", 8)
        channels = pipe.unet.config.in_channels
        return (1, channels, self.height // factor, self.width // factor)

    def noise(self, seed: int) -> torch.Tensor:
        """The unit-variance initial noise of ``seed`` (drawn on the CPU, the same on any
        device; the last few are kept)."""
        if seed not in self._noise:
            generator = torch.Generator("cpu").manual_seed(int(seed))
            self._noise[seed] = torch.randn(self._latent_shape(), generator=generator,
                                            dtype=torch.float32)
            while len(self._noise) > 8:
                self._noise.popitem(last=False)
        self._noise.move_to_end(seed)
        return self._noise[seed]

    def latents(self, row: FrameParams) -> torch.Tensor:
        return slerp(self.noise(row.seed), self.noise(row.seed_to), row.noise_t)

    def render_batch(self, rows: Sequence[FrameParams]) -> torch.Tensor:
        """uint8 frames ``(B, 3, H, W)`` for ``rows``; rows with another step count or guidance
        than the first are rendered in their own call."""
        out: list[torch.Tensor] = []
        start = 0
        while start < len(rows):
            key = (rows[start].steps, rows[start].cfg_scale)
            stop = start + 1
            while stop < len(rows) and (rows[stop].steps, rows[stop].cfg_scale) == key:
                stop += 1
            out.append(self._call(rows[start:stop]))
            start = stop
        return torch.cat(out)

    def _call(self, rows: Sequence[FrameParams]) -> torch.Tensor:
        guided = rows[0].cfg_scale > 1.0
        embeds = [self._embed(row, guided) for row in rows]
        kwargs: dict[str, Any] = {
            "prompt_embeds": torch.cat([e[0] for e in embeds]),
            "negative_prompt_embeds": torch.cat([e[1] for e in embeds]) if guided else None,
            "latents": torch.cat([self.latents(row) for row in rows]).to(
                self.device, self.pipes.dtype),
            # the same for every frame of an interval: an ancestral sampler's fresh noise would
            # otherwise make the frames flicker
            "generator": [torch.Generator(self.device).manual_seed(int(row.seed))
                          for row in rows],
            "num_inference_steps": rows[0].steps,
            "guidance_scale": rows[0].cfg_scale,
            "width": self.width,
            "height": self.height,
            "output_type": "pt",
        }
        images = run_pipeline(self.pipes.txt2img, **kwargs)
        return quantize(images.to(dtype=torch.float32))[0]
