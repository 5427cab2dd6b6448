"""The modes of the engine: one home each, found by name.

- :data:`MODES`      the registry: every mode's declaration (:class:`~.base.Mode`) by name
- :func:`mode_for`   the declaration of a run's settings' mode
- :func:`check_mode` the settings check of that mode (called by the settings' validation)

A mode is a folder: ``animation/`` (2D, 3D), ``walk/``, ``gan/``, each declaring its
:class:`~.base.Mode` in its ``__init__.py`` and its steps in a run in ``run.py``
(:mod:`.steps` finds them). Adding a mode is its folder plus an entry here and in
:mod:`.steps` (and its name among the ``mode`` setting's choices).
"""

from __future__ import annotations

from typing import Any

from .animation import MODE_2D, MODE_3D
from .base import Mode
from .gan import GAN
from .walk import WALK

__all__ = ["MODES", "Mode", "check_mode", "mode_for"]

#: Every mode by the ``mode`` setting's value.
MODES: dict[str, Mode] = {mode.name: mode for mode in (MODE_2D, MODE_3D, WALK, GAN)}


def mode_for(settings: Any) -> Mode:
    """The declaration of ``settings.mode`` (a run's :class:`~music_visualizer.settings.Settings`
    or anything with a ``mode``)."""
    return MODES[settings.mode]


def check_mode(settings: Any) -> None:
    """Raise SettingsError when ``settings`` ask their mode for something it cannot do."""
    mode_for(settings).check(settings)
