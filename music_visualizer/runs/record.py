"""A run's record (``<timestring>_settings.json``): a typed, versioned :class:`RunRecord`, written
when a run starts and read back (resume, video, the app's resume), checked as strictly as new
settings, so an edited or damaged record is refused, naming the field, before a frame is touched.

- :class:`RunRecord`        the record: song, settings, analysis summary, plan; ``to_json`` writes
                            the file's JSON, ``from_dict``/``load`` read and check it
- :class:`Song`, :class:`AnalysisSummary`  the song rendered and its analysis, as recorded
- :data:`RECORD_FORMAT`, :data:`MIGRATIONS`, :func:`migrate`  the format written and the upgrades
                            that bring an older record to it before it is checked
- :func:`load_run_record`   read and check run ``timestring``'s record in a folder

The settings go through :func:`~music_visualizer.settings.settings_from_dict` (the path new
settings take); the plan's columns are checked with the range checks
:func:`~music_visualizer.modes.plan.build_plan` applies, plus what a built plan always satisfies:
every column has a finite value per frame, prompt indices point into the prompt table, seeds are
seeds, and fps, size, start and duration agree with the settings and the frame count. The fields
the record repeats from the settings (model, seed, fps, size, duration, start) and the frame count
must agree with them; :class:`RunRecord` derives them (one source, they cannot disagree).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import __version__
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
from ..settings import Settings, settings_from_dict, settings_to_dict
from .store import read_record_file, settings_path

if TYPE_CHECKING:
    from ..audio.analysis import AudioAnalysis

__all__ = [
    "MIGRATIONS",
    "RECORD_FORMAT",
    "AnalysisSummary",
    "RunRecord",
    "Song",
    "load_run_record",
    "migrate",
]

#: The format of the records this version writes (``"format"`` in the JSON). Version 0.1.0 and
#: every version since wrote 1; a record without the key is read as format 1.
RECORD_FORMAT = 1
#: The upgrades of older records: format -> a function turning a record of that format (its
#: JSON mapping) into one of the next format (a new mapping; its argument is left as it is).
#: :func:`migrate` applies them in turn; add one here (and raise :data:`RECORD_FORMAT`)
#: whenever the record's layout changes.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}
PACKAGE = "music_visualizer"

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
class Song:
    """The song a run was rendered from: its name (the run folder's), the audio file's absolute
    path and content hash (:func:`~music_visualizer.audio.load.audio_hash`), its length in
    seconds (None if a record does not say)."""

    name: str
    audio: str
    audio_hash: str
    audio_duration: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "audio": self.audio, "audio_hash": self.audio_hash,
                "audio_duration": self.audio_duration}


@dataclass(frozen=True)
class AnalysisSummary:
    """What a record keeps of the song's analysis: its version, tempo (BPM), key, beat tracker
    and sections as ``(start, end, label)``."""

    version: str
    tempo: float
    key: str
    beat_tracker: str
    sections: tuple[tuple[float, float, str], ...]

    @classmethod
    def of(cls, analysis: AudioAnalysis) -> AnalysisSummary:
        return cls(analysis.version, analysis.tempo, analysis.key, analysis.beat_tracker,
                   tuple((s.start, s.end, s.label) for s in analysis.sections))

    @classmethod
    def from_json(cls, data: Any) -> AnalysisSummary | None:
        """The summary in a record, or None when it is missing or malformed (it is informative:
        nothing is rendered from it, so a record is not refused for it)."""
        try:
            return cls(data["version"], data["tempo"], data["key"], data["beat_tracker"],
                       tuple((start, end, label) for start, end, label in data["sections"]))
        except (KeyError, TypeError, ValueError):
            return None

    def to_json(self) -> dict[str, Any]:
        return {"version": self.version, "tempo": self.tempo, "key": self.key,
                "beat_tracker": self.beat_tracker,
                "sections": [[start, end, label] for start, end, label in self.sections]}


@dataclass(frozen=True)
class RunRecord:
    """A run's record, checked. ``format``, ``package``, ``version`` (of the package that wrote
    it) and ``created`` (ISO time) describe the file; ``timestring`` names the run; ``settings``
    and ``plan`` are the run as it was started. The values the JSON repeats from the settings
    and the plan are properties (``model``, ``seed``, ``fps``, ``width``, ``height``,
    ``duration``, ``start``, ``n_frames``)."""

    format: int
    package: str
    version: str
    timestring: str
    created: str
    song: Song
    settings: Settings
    analysis: AnalysisSummary | None
    plan: Plan

    @classmethod
    def new(cls, *, timestring: str, song: Song, settings: Settings, plan: Plan,
            analysis: AudioAnalysis, created: str | None = None) -> RunRecord:
        """The record of a run starting now (``created``: now unless given)."""
        created = created or _dt.datetime.now().isoformat(timespec="seconds")
        return cls(RECORD_FORMAT, PACKAGE, __version__, timestring, created, song, settings,
                   AnalysisSummary.of(analysis), plan)

    @classmethod
    def load(cls, path: Path | str, timestring: str | None = None) -> RunRecord:
        """Read and check the record at ``path`` (run ``timestring``, by default the one its
        file name ``<timestring>_settings.json`` gives); RunError naming the field otherwise."""
        path = Path(path)
        timestring = timestring or path.name.removesuffix("_settings.json")
        return cls.from_dict(read_record_file(path, timestring), timestring=timestring,
                             path=path)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, timestring: str | None = None,
                  path: Path | str | None = None) -> RunRecord:
        """The checked record of ``data`` (the JSON of run ``timestring``'s record, read from
        ``path``; ``timestring`` defaults to the record's own), brought to
        :data:`RECORD_FORMAT` by :func:`migrate` first.

        Raises
        ------
        RunError
            If a value is wrong: the message names the field (and ``path``).
        """
        timestring = timestring or _text(data, "timestring")
        try:
            data = migrate(dict(data))
            song = _record_song(data.get("song"))
            settings = _record_settings(data)
            plan = _record_plan(data, settings)
        except _Bad as e:
            where = f" in its settings file '{path}'" if path is not None else ""
            raise RunError(f"Run {timestring} cannot be used: {e}{where}; undo the edit or "
                           "start a new run (no frame was changed).") from None
        return cls(data.get("format", RECORD_FORMAT), _text(data, "package", PACKAGE),
                   _text(data, "version"), timestring, _text(data, "created"), song, settings,
                   AnalysisSummary.from_json(data.get("analysis")), plan)

    def to_json(self) -> dict[str, Any]:
        """The record as ``<timestring>_settings.json`` holds it (keys in this order)."""
        s = self.settings
        return {
            "format": self.format,
            "package": self.package,
            "version": self.version,
            "timestring": self.timestring,
            "created": self.created,
            "song": self.song.to_json(),
            "model": s.model,
            "seed": s.seed,
            "fps": s.fps,
            "width": s.width,
            "height": s.height,
            "duration": s.duration,
            "start": s.start,
            "n_frames": self.plan.n_frames,
            "settings": settings_to_dict(s),
            "analysis": self.analysis.to_json() if self.analysis is not None else None,
            "plan": self.plan.to_dict(),
        }

    @property
    def model(self) -> str:
        return self.settings.model

    @property
    def seed(self) -> int:
        return self.settings.seed

    @property
    def fps(self) -> float:
        return self.settings.fps

    @property
    def width(self) -> int:
        return self.settings.width

    @property
    def height(self) -> int:
        return self.settings.height

    @property
    def duration(self) -> float:
        """Seconds rendered (set when the run starts: a record always has it)."""
        return self.settings.duration or 0.0

    @property
    def start(self) -> float:
        return self.settings.start

    @property
    def n_frames(self) -> int:
        return self.plan.n_frames


def migrate(data: dict[str, Any], *, current: int | None = None,
            migrations: Mapping[int, Callable[[dict[str, Any]], dict[str, Any]]] | None = None
            ) -> dict[str, Any]:
    """``data`` (a record's JSON) upgraded from its ``format`` to ``current`` (default
    :data:`RECORD_FORMAT`) by ``migrations`` (default :data:`MIGRATIONS`: format -> upgrade to
    the next format), each step setting the new format; a record of the current format comes
    back as it is. A format that is not a whole number from 1 to ``current`` (a newer version's
    record, say) is refused, naming the field (:meth:`RunRecord.from_dict` raises that as a
    RunError)."""
    current = RECORD_FORMAT if current is None else current
    migrations = MIGRATIONS if migrations is None else migrations
    found = data.get("format", 1)
    if type(found) is not int or not 1 <= found <= current:
        raise _Bad("format", f"{describe(found)} is not a record format this version reads "
                             f"(1 to {current}); use the version that made it")
    while found < current:
        data = {**migrations[found](data), "format": found + 1}
        found += 1
    return data


def load_run_record(folder: Path, timestring: str) -> RunRecord:
    """Read run ``timestring``'s record in ``folder`` and check it (see
    :meth:`RunRecord.from_dict`).

    Raises
    ------
    RunError
        If the file is missing, unreadable, malformed, or a value is wrong; the message names
        the field. Nothing in the run folder is changed.
    """
    return RunRecord.load(settings_path(folder, timestring), timestring)


def _text(data: Mapping[str, Any], key: str, default: str = "") -> str:
    """``data[key]`` if it is text (an informative field: not checked), else ``default``."""
    value = data.get(key)
    return value if isinstance(value, str) else default


def _record_song(song: Any) -> Song:
    if not isinstance(song, Mapping):
        raise _Bad("song", "missing, or not a mapping (name, audio, audio_hash)")
    for key in ("audio", "audio_hash"):
        if not isinstance(song.get(key), str) or not song[key]:
            raise _Bad(f"song.{key}", f"{describe(song.get(key))} is not the text it should be")
    name, duration = song.get("name"), song.get("audio_duration")
    return Song(name if isinstance(name, str) else "", song["audio"], song["audio_hash"],
                duration if type(duration) in (int, float) else None)


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
