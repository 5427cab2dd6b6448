"""A run's record (``<timestring>_settings.json``) read back and checked as strictly as new
settings, so an edited or damaged record is refused, naming the field, before a frame is touched.

- :class:`RunRecord`        the record's settings and plan, checked, with the raw data
- :func:`load_run_record`   read and check a run's record (resume, video)
- :func:`check_record`      the checks, on data already read

The settings go through :func:`~music_visualizer.settings.settings_from_dict` (the path new
settings take); the plan's columns are checked with the range checks
:func:`~music_visualizer.modes.plan.build_plan` applies, plus what a built plan always satisfies:
every column has a finite value per frame, prompt indices point into the prompt table, seeds are
seeds, and fps, size, start and duration agree with the settings and the frame count.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import RunError, SettingsError
from ..modes.plan import (
    INT_COLUMNS,
    OPTIONAL_COLUMNS,
    PLAN_COLUMNS,
    Plan,
    check_plan_ranges,
    diffuse_column,
    frame_count,
)
from ..safe_load import describe
from ..settings import Settings, settings_from_dict
from .store import read_run_record, settings_path

__all__ = ["RunRecord", "check_record", "load_run_record"]

#: Top-level fields of a record that repeat a setting (written from the same value).
_REPEATED_SETTINGS = ("model", "seed", "fps", "width", "height", "duration", "start")
#: Column ranges beyond the scheduled ones: (low, high), inclusive.
_EXTRA_RANGES: dict[str, tuple[float, float]] = {
    "seed": (0, 2**32 - 1), "seed_to": (0, 2**32 - 1), "diffuse": (0, 1),
    "blend": (0.0, 1.0), "noise_t": (0.0, 1.0),
}


class _Bad(Exception):
    """A field of the record and what is wrong with it."""

    def __init__(self, field: str, problem: str = "") -> None:
        super().__init__(f"{field}: {problem}" if problem else field)


@dataclass(frozen=True)
class RunRecord:
    """A run's record, checked: ``settings`` and ``plan`` as the run was started; ``data`` is
    the whole JSON mapping (song, analysis, version ...)."""

    timestring: str
    settings: Settings
    plan: Plan
    data: dict[str, Any]

    @property
    def n_frames(self) -> int:
        return self.plan.n_frames


def load_run_record(folder: Path, timestring: str) -> RunRecord:
    """Read run ``timestring``'s record in ``folder`` and check it (see :func:`check_record`).

    Raises
    ------
    RunError
        If the file is missing, unreadable, malformed, or a value is wrong; the message names
        the field. Nothing in the run folder is changed.
    """
    data = read_run_record(folder, timestring)
    return check_record(data, timestring=timestring, path=settings_path(folder, timestring))


def check_record(data: Mapping[str, Any], *, timestring: str, path: Path | str) -> RunRecord:
    """The checked :class:`RunRecord` of ``data`` (a record read from ``path``); a RunError
    naming the field otherwise."""
    try:
        _check_song(data.get("song"))
        settings = _record_settings(data)
        plan = _record_plan(data, settings)
    except _Bad as e:
        raise RunError(f"Run {timestring} cannot be used: {e} in its settings file '{path}'; "
                       "undo the edit or start a new run (no frame was changed).") from None
    return RunRecord(timestring, settings, plan, dict(data))


def _check_song(song: Any) -> None:
    if not isinstance(song, Mapping):
        raise _Bad("song", "missing, or not a mapping (name, audio, audio_hash)")
    for key in ("audio", "audio_hash"):
        if not isinstance(song.get(key), str) or not song[key]:
            raise _Bad(f"song.{key}", f"{describe(song.get(key))} is not the text it should be")


def _record_settings(data: Mapping[str, Any]) -> Settings:
    if not isinstance(data.get("settings"), Mapping):
        raise _Bad("settings", "missing, or not a mapping of setting names to values")
    try:
        settings = settings_from_dict(data["settings"], source="settings")
    except SettingsError as e:
        text = str(e).rstrip(".")
        raise _Bad(text if text.startswith("settings") else f"settings.{text}") from None
    if settings.seed < 0:
        raise _Bad("settings.seed", "-1 in a run (its seed is drawn when it starts)")
    if settings.duration is None:
        raise _Bad("settings.duration", "missing in a run (it is set when the run starts)")
    for key in _REPEATED_SETTINGS:
        if key in data and data[key] != getattr(settings, key):
            raise _Bad(key, f"{describe(data[key])} differs from settings.{key} "
                            f"({describe(getattr(settings, key))})")
    return settings


def _record_plan(data: Mapping[str, Any], settings: Settings) -> Plan:
    n_frames = frame_count(settings.duration or 0.0, settings.fps)
    if "n_frames" in data and (isinstance(data["n_frames"], bool)
                               or data["n_frames"] != n_frames):
        raise _Bad("n_frames", f"{describe(data['n_frames'])} is not the {n_frames} frames of "
                               f"{settings.duration:g} s at {settings.fps:g} fps")
    saved = data.get("plan")
    if not isinstance(saved, Mapping):
        raise _Bad("plan", "missing, or not a mapping")
    for key in ("fps", "width", "height", "start"):
        if key not in saved or saved[key] != getattr(settings, key):
            raise _Bad(f"plan.{key}", f"{describe(saved.get(key))} is not settings.{key} "
                                      f"({describe(getattr(settings, key))})")
    table = _prompt_table(saved.get("prompt_table"))
    index = _column("plan.prompt_index", saved.get("prompt_index"), n_frames, integer=True)
    _in_range("plan.prompt_index", index, 0, len(table) - 1)
    columns = saved.get("columns")
    if not isinstance(columns, Mapping):
        raise _Bad("plan.columns", "missing, or not a mapping of column names to values")
    for name in PLAN_COLUMNS:
        if name in columns:
            _column(f"plan.columns.{name}", columns[name], n_frames,
                    integer=name in INT_COLUMNS)
        elif name not in OPTIONAL_COLUMNS:
            raise _Bad(f"plan.columns.{name}", "missing")
    try:
        plan = Plan.from_dict(saved)
    except (KeyError, TypeError, ValueError) as e:  # not expected after the checks above
        raise _Bad("plan", f"unreadable ({describe(str(e))})") from None
    _check_plan(plan, settings)
    return plan


def _prompt_table(value: Any) -> list[tuple[str, str]]:
    if not isinstance(value, list) or not value:
        raise _Bad("plan.prompt_table", "missing or empty")
    for i, pair in enumerate(value):
        if (not isinstance(pair, list) or len(pair) != 2
                or not all(isinstance(text, str) for text in pair)):
            raise _Bad(f"plan.prompt_table[{i}]", f"{describe(pair)} is not a [prompt, "
                                                  "negative prompt] pair of texts")
    return [(p, n) for p, n in value]


def _column(field: str, value: Any, n_frames: int, *, integer: bool) -> np.ndarray:
    """A column as an array after checking its length and its values' type and finiteness."""
    if not isinstance(value, list):
        raise _Bad(field, f"expected a list of {n_frames} numbers, got {describe(value)}")
    if len(value) != n_frames:
        raise _Bad(field, f"has {len(value)} values; the run has {n_frames} frames")
    allowed = {int} if integer else {int, float}  # exact types: true/false are not numbers
    if not set(map(type, value)) <= allowed:
        i = next(i for i, item in enumerate(value) if type(item) not in allowed)
        kind = "a whole number" if integer else "a number"
        raise _Bad(f"{field}[{i}]", f"{describe(value[i])} is not {kind}")
    if integer:
        try:
            return np.asarray(value, dtype=np.int64)
        except OverflowError:
            i = next(i for i, item in enumerate(value) if abs(item) >= 2**63)
            raise _Bad(f"{field}[{i}]", "is far too large") from None
    array = np.asarray(value, dtype=np.float64)
    if not np.isfinite(array).all():
        i = int(np.argmax(~np.isfinite(array)))
        raise _Bad(f"{field}[{i}]", f"{describe(value[i])} is not a finite number")
    return array


def _in_range(field: str, values: np.ndarray, low: float, high: float) -> None:
    bad = (values < low) | (values > high)
    if bad.any():
        frame = int(np.argmax(bad))
        raise _Bad(f"{field}[{frame}]", f"{values[frame]:.6g} is out of range ({low:g} to "
                                        f"{high:g})")


def _check_plan(plan: Plan, settings: Settings) -> None:
    """Check ``plan`` against the ``settings`` it was built from: sizes, frame count, finite
    values and every column's range (those :func:`~music_visualizer.modes.plan.build_plan` checks,
    seeds, prompt indices, cadence). Raises ``_Bad`` naming the field."""
    n_frames = frame_count(settings.duration or 0.0, settings.fps)
    if plan.n_frames != n_frames:
        raise _Bad("plan.prompt_index", f"has {plan.n_frames} frames; the run has {n_frames}")
    for name in PLAN_COLUMNS:
        values = plan.columns[name]
        if values.shape != (n_frames,):
            raise _Bad(f"plan.columns.{name}", f"has {values.size} values; the run has "
                                               f"{n_frames} frames")
        if not np.isfinite(values).all():
            frame = int(np.argmax(~np.isfinite(values)))
            raise _Bad(f"plan.columns.{name}[{frame}]", "is not a finite number")
    try:
        check_plan_ranges(plan, mode=settings.mode)
    except SettingsError as e:
        raise _Bad(str(e).rstrip(".")) from None
    for name, (low, high) in _EXTRA_RANGES.items():
        _in_range(f"plan.columns.{name}", plan.columns[name], low, high)
    _in_range("plan.columns.prompt_from", plan.columns["prompt_from"], 0,
              len(plan.prompt_table) - 1)
    expected = diffuse_column(settings, n_frames)
    if not np.array_equal(plan.columns["diffuse"], expected):
        frame = int(np.argmax(plan.columns["diffuse"] != expected))
        raise _Bad(f"plan.columns.diffuse[{frame}]", "does not follow diffusion_cadence "
                                                     f"{settings.diffusion_cadence}")
