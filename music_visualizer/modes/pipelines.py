"""The diffusion model of a run, shared by the modes that use one (2D/3D diffusion, walk)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..settings import Settings

__all__ = ["diffusion_pipelines"]


def diffusion_pipelines(settings: Settings, device: str | None,
                        load_pipes: Callable[..., Any] | None) -> Any:
    """The run's diffusion model, loaded by ``load_pipes(model, scheduler=, device=,
    tiny_vae=, compile=)`` (default: :func:`~music_visualizer.render.models.load_pipelines`)."""
    from ..render.models import load_pipelines

    return (load_pipes or load_pipelines)(settings.model, scheduler=settings.scheduler,
                                          device=device, tiny_vae=settings.tiny_vae or None,
                                          compile=settings.compile)
