"""What every mode declares: :class:`Mode`, and :class:`ModeSteps`, what every mode does in a run.

A mode has two parts:

- its **declaration** (:class:`Mode`, in ``modes/<mode>/__init__.py``): plain data about how its
  frames are made (a depth model? independent frames rendered in batches? its own plan
  columns?), its settings check and how the CLI names it. The declarations and their registry
  (:mod:`music_visualizer.modes`) import nothing heavy and nothing of ``settings``, so the
  settings' validation and the plan can ask them.
- its **steps** (:class:`ModeSteps`, in ``modes/<mode>/run.py``, found by
  :func:`music_visualizer.modes.steps.steps_for`): settling the timing, resolving the mode's
  data once the song is analysed, the data a new run saves and a resume reads back, the
  renderer, and the state a resume restores.

Code outside ``modes/`` asks these objects (``mode.uses_depth``, ``mode.batched``,
``steps.make_renderer(...)``) and never compares the ``mode`` setting itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from ..errors import SettingsError

__all__ = ["Mode", "ModeSteps", "PlanColumns", "ResolveContext"]

#: A mode's own plan columns: ``(settings, columns, n_frames=, seed=, default_prompt=,
#: variables=, section_starts=) -> (prompt_table, prompt_index)``; it may replace entries of
#: ``columns`` (the columns every mode has, computed from the schedules).
PlanColumns = Callable[..., tuple[list[tuple[str, str]], np.ndarray]]


@dataclass(frozen=True)
class Mode:
    """A mode's declaration (see the module docstring).

    ``settings`` below is a run's :class:`~music_visualizer.settings.Settings` (typed ``Any``
    here: the settings' validation imports this module).
    """

    name: str  #: the ``mode`` setting's value
    uses_depth: bool = False  #: frames are moved in 3D through a depth model
    #: frames are independent and rendered in batches (``render_batch``): nothing is carried
    #: from one frame to the next, so a resume restores no state and checks no state files
    batched: bool = False
    #: every frame is made by the model: the plan's ``diffuse`` column is all ones, whatever
    #: ``diffusion_cadence`` says
    diffuses_every_frame: bool = False
    #: the CLI names the renderer (``renderer preview``) rather than the mode (``walk mode``)
    shows_renderer: bool = True
    #: the model this mode loads, whatever ``renderer`` says (None: the renderer decides)
    model_setting: str | None = None
    #: ``renderer`` values the mode refuses, with the reason
    refused_renderers: Mapping[str, str] | None = None
    #: the mode's own plan columns (see :data:`PlanColumns`); None: the schedules' columns
    plan_columns: PlanColumns | None = None
    #: frames per model call when ``batch_size`` is 0 (modes rendered in batches)
    default_batch_size: int = 1

    @property
    def frames_independent(self) -> bool:
        """Each frame is made from its plan row alone (no previous frame, no cadence)."""
        return self.batched

    def batch_size(self, settings: Any) -> int:
        """Frames per model call of a run of ``settings`` (1 unless rendered in batches)."""
        if not self.batched:
            return 1
        return int(settings.batch_size or self.default_batch_size)

    def check(self, settings: Any) -> None:
        """Raise SettingsError when ``settings`` ask this mode for something it cannot do."""
        reason = (self.refused_renderers or {}).get(settings.renderer)
        if reason:
            raise SettingsError(f"renderer: {reason}")

    def summary(self, settings: Any) -> str:
        """How the CLI names what renders: ``renderer diffusion``, ``walk mode``."""
        return (f"renderer {settings.renderer}" if self.shows_renderer
                else f"{self.name} mode")

    def model_to_load(self, settings: Any) -> str | None:
        """The model a render of ``settings`` loads (None for the model-free preview)."""
        if self.model_setting is not None:
            return str(getattr(settings, self.model_setting))
        return settings.model if settings.renderer == "diffusion" else None


@dataclass(frozen=True)
class ResolveContext:
    """What a mode's :meth:`ModeSteps.resolve` may use: the song's schedule variables (audio
    features at every frame) and sections, and where the run goes."""

    n_frames: int
    variables: Mapping[str, Any]
    section_starts: Sequence[float]
    default_prompt: str
    output_dir: Path
    audio_digest: str
    device: str | None = None


class ModeSteps(Protocol):
    """What a mode does in a run (``runs.job`` calls these, in this order)."""

    mode: Mode

    def timing(self, settings: Any) -> Any:
        """``settings`` with the timing the mode fixes (a walk's intervals set its start and
        duration, a GAN run's ``frame_length`` its fps); before the song's length is checked."""
        ...

    def resolve(self, settings: Any, context: ResolveContext) -> tuple[Any, Any]:
        """``(settings, run data)`` of a new run once the song is analysed: the settings with
        everything the run records filled in (a walk's intervals), and the data saved beside
        the run (a GAN run's vectors) or None."""
        ...

    def resume_data(self, folder: Path, timestring: str) -> Any:
        """The data a run saved beside its frames (None when the mode saves none)."""
        ...

    def make_renderer(self, settings: Any, *, device: str | None, with_init_image: bool,
                      load_pipes: Callable[..., Any] | None, data: Any) -> Any:
        """The renderer of ``settings`` with its model loaded (``data``: the run data)."""
        ...

    def state_files(self, folder: Path, timestring: str, next_index: int,
                    settings: Any) -> list[Path]:
        """The files a resume at ``next_index`` restores its state from (checked first)."""
        ...

    def restore(self, folder: Path, timestring: str, next_index: int, *, renderer: Any,
                settings: Any, plan: Any) -> Any:
        """The render state after frame ``next_index - 1``, read back from the run's files."""
        ...
