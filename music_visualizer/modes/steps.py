"""Every mode's steps in a run, by name: :func:`steps_for` (``runs.job`` uses it).

The steps (:class:`~.base.ModeSteps`) live in each mode's ``run.py``; they load models and
renderers, so they are kept apart from the declarations (:data:`~music_visualizer.modes.MODES`)
that the settings' validation and the plan read.
"""

from __future__ import annotations

from typing import Any

from . import MODES
from .animation.run import AnimationSteps
from .base import ModeSteps
from .gan.run import GanSteps
from .walk.run import WalkSteps

__all__ = ["STEPS", "steps_for"]

#: Every mode's steps by the ``mode`` setting's value.
STEPS: dict[str, ModeSteps] = {
    steps.mode.name: steps
    for steps in (AnimationSteps(MODES["2D"]), AnimationSteps(MODES["3D"]), WalkSteps(),
                  GanSteps())
}


def steps_for(settings: Any) -> ModeSteps:
    """The steps of ``settings.mode`` (a run's :class:`~music_visualizer.settings.Settings`)."""
    return STEPS[settings.mode]
