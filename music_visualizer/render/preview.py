"""The model-free preview renderer: the run's motion, colour and noise with no diffusion model.

It starts from the init image (or a colourful pattern made from the first prompt) and applies
exactly the camera moves, colour coherence, contrast and noise of the diffusion renderer. In place
of img2img it blends a little of a pattern made from the frame's prompt back in, by
``(1 - strength) * mix``, so prompt changes and the strength schedule are visible in an animatic.
Runs anywhere in milliseconds per frame.
"""

from __future__ import annotations

import zlib

import numpy as np
import torch

from ..plan import FrameParams
from .image_ops import to_tensor
from .loop import MotionOptions, RenderState, finish_frame, prepare_with_depth, with_depth

__all__ = ["PreviewRenderer", "prompt_pattern"]


def prompt_pattern(prompt: str, *, width: int, height: int, seed: int = 0) -> np.ndarray:
    """A smooth colourful uint8 ``(H, W, 3)`` image, the same for the same prompt and seed."""
    rng = np.random.default_rng([zlib.crc32(prompt.encode("utf-8")), seed])
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


class PreviewRenderer:
    """Renders a plan's motion without a model (see the module docstring)."""

    def __init__(self, *, width: int, height: int, options: MotionOptions,
                 init_image: torch.Tensor | None = None, device: str | torch.device = "cpu",
                 mix: float = 0.06) -> None:
        self.width = width
        self.height = height
        self.options = options
        self.device = torch.device(device)
        self.init_image = None if init_image is None else init_image.to(self.device)
        self.mix = mix
        self._patterns: dict[str, torch.Tensor] = {}

    def _pattern(self, prompt: str) -> torch.Tensor:
        if prompt not in self._patterns:
            self._patterns[prompt] = to_tensor(
                prompt_pattern(prompt, width=self.width, height=self.height), device=self.device)
        return self._patterns[prompt]

    def step(self, state: RenderState, row: FrameParams) -> RenderState:
        depth = None
        if state.previous is None:
            image = self.init_image if self.init_image is not None else self._pattern(row.prompt)
        else:
            image, depth = prepare_with_depth(state, row, self.options)
            weight = (1.0 - row.strength) * self.mix
            if weight > 0:
                target = self._pattern(row.prompt)
                if row.prompt_from is not None and row.blend < 1.0:
                    target = torch.lerp(self._pattern(row.prompt_from), target, row.blend)
                image = torch.lerp(image, target, weight)
        return with_depth(finish_frame(image, state, row, self.options), depth, self.options)
