"""Walk mode's steps in a run (:class:`~..base.ModeSteps`): the intervals set the timing, are
resolved once when the song is analysed (one per section when none are given; end prompts of
transitions from ``idea_model`` or the built-in ideas), and the batch renderer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from ...errors import SettingsError
from ...settings import Settings
from ..base import ResolveContext
from ..independent import IndependentFrames
from ..pipelines import diffusion_pipelines
from . import WALK
from .plan import resolve_intervals

__all__ = ["WalkSteps"]


class WalkSteps(IndependentFrames):
    """The steps of walk mode."""

    mode = WALK

    def timing(self, settings: Settings) -> Settings:
        """The intervals, when given, set the start and the duration."""
        if not settings.intervals:
            return settings
        first, last = settings.intervals[0]["start"], settings.intervals[-1]["end"]
        if settings.duration is not None and abs(settings.duration - (last - first)) > 1e-3:
            raise SettingsError(
                f"duration: the walk's intervals span {last - first:g} s ({first:g} to "
                f"{last:g} s); leave duration out, or change the intervals.")
        return replace(settings, start=first, duration=last - first)

    def resolve(self, settings: Settings, context: ResolveContext) -> tuple[Settings, None]:
        """The intervals with every field set, so the run records them (the plan then uses
        them as they are)."""
        from ...prompts.ideas import prompt_ideas

        generator = _idea_generator(settings.idea_model, context.device)

        def ideas(prompt: str, n: int, seed: int) -> list[str]:
            return prompt_ideas(prompt, n, seed=seed, model=generator)

        intervals = resolve_intervals(settings.intervals, seed=settings.seed,
                                      start=settings.start,
                                      end=settings.start + context.n_frames / settings.fps,
                                      prompts=settings.prompts,
                                      section_starts=context.section_starts,
                                      default_prompt=context.default_prompt, ideas=ideas)
        return replace(settings, intervals=intervals), None

    def resume_data(self, folder: Path, timestring: str) -> None:
        """None: everything is in the plan."""
        return None

    def make_renderer(self, settings: Settings, *, device: str | None, with_init_image: bool,
                      load_pipes: Callable[..., Any] | None, data: Any = None) -> Any:
        """The walk renderer with the run's diffusion model."""
        from .renderer import WalkRenderer

        pipes = diffusion_pipelines(settings, device, load_pipes)
        return WalkRenderer(pipes, width=settings.width, height=settings.height,
                            batch_size=WALK.batch_size(settings))


def _idea_generator(idea_model: str | None, device: str | None) -> Any:
    """The text-generation pipeline of ``idea_model`` (None: the built-in ideas)."""
    if not idea_model:
        return None
    from ...prompts.ideas import load_idea_model

    return load_idea_model(idea_model, device)
