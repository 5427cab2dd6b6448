"""A Deforum settings file (A1111 extension or Colab notebook) converted to our settings.

- :func:`is_deforum_settings`  whether a parsed settings file is Deforum's (by its keys)
- :func:`import_deforum`       a Deforum settings mapping -> :class:`DeforumImport`
- :class:`DeforumImport`       ``settings`` (our keys), ``unmapped``, ``notes``, ``kind``

The conversion runs the steps of :mod:`.import_steps` and :mod:`.import_prompts` in order on one
:class:`~.reader.DeforumReader`, then drops (with a note) any value our settings refuse.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ...errors import SettingsError
from ..model import deforum_sources, settings_from_dict
from . import import_steps as steps
from .import_prompts import prompts
from .reader import DeforumReader

__all__ = ["DeforumImport", "import_deforum", "is_deforum_settings"]

#: Keys only Deforum writes, one of which (with W and H) marks a Deforum settings file.
_DEFORUM_KEYS = frozenset({
    "animation_mode", "max_frames", "sampler", "scale", "seed_behavior", "seed_iter_N",
    "sd_model_name",
})

#: The Deforum keys each of our keys can come from (when not the same name).
_SOURCES: dict[str, tuple[str, ...]] = deforum_sources()

_SHORT_VALUE = 28  # unmapped values up to this many characters are shown


@dataclass(frozen=True)
class DeforumImport:
    """A Deforum settings file converted to ours.

    Attributes
    ----------
    settings : dict
        Our settings (keys of :class:`~music_visualizer.settings.Settings`); they pass
        :func:`~music_visualizer.settings.settings_from_dict`.
    unmapped : list of str
        Deforum keys that are not used, as ``key`` or ``key=value`` when the value is short.
    notes : list of str
        What was converted and how (``max_frames 120 at 15 fps -> duration 8 s``), what is not
        supported and what was used instead.
    kind : str
        ``"A1111"`` (the A1111 extension's file) or ``"Colab"`` (the Colab notebook's).
    """

    settings: dict[str, Any]
    unmapped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    kind: str = "A1111"

    def report(self, source: str) -> list[str]:
        """Lines for the user: a summary naming ``source``, the notes, and what was not used."""
        what = "A1111 extension" if self.kind == "A1111" else "Colab notebook"
        lines = [f"Deforum settings from {source}: {what} file, {len(self.settings)} settings "
                 f"used, {len(self.unmapped)} not used."]
        lines += [f"  {note}" for note in self.notes]
        if self.unmapped:
            lines.append("  not used: " + ", ".join(self.unmapped))
        return lines


def is_deforum_settings(data: Any) -> bool:
    """Whether ``data`` (a parsed settings file) is a Deforum settings file.

    Decided by the keys, never the file name: ``W`` and ``H`` with one of Deforum's own keys
    (``animation_mode``, ``max_frames``, ``sampler``, ``scale``, ``seed_behavior``, ...), or
    ``animation_mode`` with ``max_frames``. Our own settings have none of these keys.
    """
    if not isinstance(data, Mapping):
        return False
    keys = {k for k in data if isinstance(k, str)}
    if {"W", "H"} <= keys and keys & _DEFORUM_KEYS:
        return True
    return {"animation_mode", "max_frames"} <= keys


def import_deforum(data: Mapping[str, Any]) -> DeforumImport:
    """Convert a parsed Deforum settings file (A1111 extension or Colab notebook) to ours.

    Parameters
    ----------
    data : mapping
        The file's JSON object.

    Returns
    -------
    DeforumImport
        ``settings`` (our keys; valid for :func:`~music_visualizer.settings.settings_from_dict`),
        ``unmapped`` Deforum keys and ``notes`` on the conversion.

    Raises
    ------
    SettingsError
        If ``data`` is not a mapping.
    """
    if not isinstance(data, Mapping):
        raise SettingsError("Deforum settings: expected a JSON object of setting names to values.")
    return _convert(DeforumReader(data))


def _short(key: str, value: Any) -> str:
    if isinstance(value, (bool, int, float)) or value is None or (
            isinstance(value, str) and len(value) <= _SHORT_VALUE and "\n" not in value):
        return f"{key}={json.dumps(value, ensure_ascii=False)}"
    return key


def _convert(r: DeforumReader) -> DeforumImport:
    """Run every step of the conversion on ``r``, in order."""
    steps.size(r)
    fps = steps.frame_rate(r)
    n_frames = steps.frames_and_mode(r, fps)
    steps.sampling(r)
    seed = steps.seeds(r)
    steps.schedules(r, n_frames, fps, seed)
    steps.mirror_3d_x(r, n_frames)
    steps.guidance(r, n_frames, fps, seed)
    steps.colour(r)
    steps.noise(r)
    steps.depth(r)
    steps.flags(r)
    prompts(r, n_frames)
    steps.init_image(r)
    steps.init_strength(r, n_frames, fps, seed)
    steps.model(r)
    steps.unsupported_features(r)
    steps.our_own_keys(r)
    steps.model_hint(r)
    _validate(r)
    unmapped = [_short(k, r.data[k]) for k in r.data
                if k not in r.used or k in r.dropped]
    return DeforumImport(settings=dict(r.out), unmapped=unmapped, notes=r.notes,
                         kind=r.kind)


def _validate(r: DeforumReader) -> None:
    """Drop (with a note) any value our settings refuse, so the result always validates."""
    for key in list(r.out):
        try:
            settings_from_dict({key: r.out[key]}, source="Deforum settings")
        except SettingsError as e:
            del r.out[key]
            r.notes.append(f"{e} Not used.")
            r.dropped.update(k for k in _SOURCES.get(key, (key,)) if k in r.data)
    try:
        settings_from_dict(r.out, source="Deforum settings")
    except SettingsError as e:  # pragma: no cover - every key passed on its own
        raise SettingsError(f"Deforum settings: {e}") from None
