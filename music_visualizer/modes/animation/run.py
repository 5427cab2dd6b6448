"""The 2D and 3D modes' steps in a run (:class:`~..base.ModeSteps`): the preview or diffusion
renderer (with cadence, and the depth model in 3D), and the state a resume restores from the
frames (the previous frame, the colour reference, the cadence images)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ...settings import Settings
from ..base import Mode, ResolveContext
from ..pipelines import diffusion_pipelines

__all__ = ["AnimationSteps"]


class AnimationSteps:
    """The steps of a Deforum animation mode (2D or 3D, after ``mode``)."""

    def __init__(self, mode: Mode) -> None:
        self.mode = mode

    def timing(self, settings: Settings) -> Settings:
        """``settings`` as they are: the settings' own start and duration."""
        return settings

    def resolve(self, settings: Settings, context: ResolveContext) -> tuple[Settings, None]:
        """Nothing to resolve: the plan comes from the schedules."""
        return settings, None

    def resume_data(self, folder: Path, timestring: str) -> None:
        """None: the state is read back from the frames (:meth:`restore`)."""
        return None

    def make_renderer(self, settings: Settings, *, device: str | None, with_init_image: bool,
                      load_pipes: Callable[..., Any] | None, data: Any = None) -> Any:
        """The preview or diffusion renderer of ``settings.renderer``, in a cadence renderer
        when ``diffusion_cadence`` > 1."""
        from ...render.image_ops import load_image
        from ...render.loop import MotionOptions
        from ...render.models import pick_device

        init_path = settings.init_image if with_init_image else None
        if settings.renderer == "preview":
            from ...render.preview import PreviewRenderer

            dev = pick_device(device) if device else pick_device("cpu")
            options = MotionOptions.from_settings(settings, depth=self._depth(settings, dev))
            init = None
            if init_path:
                init = load_image(init_path, width=settings.width, height=settings.height,
                                  device=dev)
            inner: Any = PreviewRenderer(width=settings.width, height=settings.height,
                                         options=options, init_image=init, device=dev,
                                         seed=settings.seed)
        else:
            from ...render.diffusion import DiffusionRenderer

            pipes = diffusion_pipelines(settings, device, load_pipes)
            options = MotionOptions.from_settings(settings,
                                                  depth=self._depth(settings, pipes.device))
            init = None
            if init_path:
                init = load_image(init_path, width=settings.width, height=settings.height,
                                  device=pipes.device)
            inner = DiffusionRenderer(pipes, width=settings.width, height=settings.height,
                                      options=options, init_image=init)
        if options.cadence > 1:
            from ...render.cadence import CadenceRenderer

            return CadenceRenderer(inner, options)
        return inner

    def _depth(self, settings: Settings, device: Any) -> Any:
        """The depth model of a 3D run (None in 2D)."""
        if not self.mode.uses_depth:
            return None
        from ...render.depth import DepthEstimator

        return DepthEstimator(settings.depth_model, device=device)

    def state_files(self, folder: Path, timestring: str, next_index: int,
                    settings: Settings) -> list[Path]:
        """The last frame, frame 0 and, with cadence, the diffused frames of the last blocks."""
        from ...render.loop import state_files

        return state_files(folder, timestring, next_index, cadence=settings.diffusion_cadence)

    def restore(self, folder: Path, timestring: str, next_index: int, *, renderer: Any,
                settings: Settings, plan: Any) -> Any:
        """The state after frame ``next_index - 1``, from the run's PNGs (see
        :func:`~music_visualizer.render.loop.restore_state`)."""
        from ...render.loop import MotionOptions, restore_state

        options = getattr(renderer, "options", None) or MotionOptions.from_settings(settings)
        return restore_state(folder, timestring, next_index, device=renderer.device,
                             options=options, plan=plan)
