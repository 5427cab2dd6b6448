"""Settings files: YAML/JSON (or Deforum) files, motion presets, and the one way settings are
built from defaults, presets, files and flags.

- :func:`load_settings_file`  read a YAML/JSON (or Deforum settings) file into :class:`Settings`
- :func:`parse_settings_text` YAML/JSON text -> a mapping, safely
- :func:`deforum_report`      what a Deforum settings file became (None for our own files)
- :func:`resolve_settings`    defaults -> motion preset -> settings file -> flags, in that order
- :func:`preset_names`, :func:`load_preset`  the motion presets of ``configs/presets``

This module uses :mod:`~music_visualizer.settings.deforum` (which imports only the model), so
the two are no longer a cycle; it is imported when a file is read (it needs numpy).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import SettingsError
from ..safe_load import MAX_SETTINGS_BYTES, describe, parse_json, parse_yaml, read_text
from .model import Settings, apply_overrides, convert_value, settings_from_dict

__all__ = [
    "PRESET_DIR",
    "deforum_report",
    "load_preset",
    "load_settings_file",
    "parse_settings_text",
    "preset_names",
    "resolve_settings",
]

#: Motion presets shipped with the project (YAML files of schedule settings).
PRESET_DIR = Path(__file__).resolve().parents[2] / "configs" / "presets"

def load_settings_file(path: str | os.PathLike[str], *, base: Settings | None = None) -> Settings:
    """Read a YAML or JSON settings file, or a Deforum settings file (converted; see
    :func:`deforum_report` for what did not map).

    Raises
    ------
    SettingsError
        If the file is missing, unreadable, malformed, or has a bad setting.
    """
    path = Path(path)
    return settings_from_dict(_read_settings_file(path), base=base, source=path.name)


def parse_settings_text(text: str, *, name: str = "settings") -> dict[str, Any]:
    """Parse YAML (a superset of JSON) into a mapping; raise SettingsError if malformed, larger
    than :data:`~music_visualizer.safe_load.MAX_SETTINGS_BYTES`, nested too deep or expanding
    (through YAML aliases) to too many values."""
    if len(text) > MAX_SETTINGS_BYTES:
        raise SettingsError(f"Settings file '{name}' is larger than "
                            f"{MAX_SETTINGS_BYTES // 2**20} MB; check that it is the right file.")
    data = (parse_json(text, name=name) if text.lstrip().startswith("{")
            else parse_yaml(text, name=name))
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise SettingsError(f"Settings file '{name}' must contain a mapping of names to values.")
    return data


def preset_names() -> list[str]:
    """Names of the shipped motion presets."""
    return sorted(p.stem for p in PRESET_DIR.glob("*.yaml"))


def load_preset(name: str) -> dict[str, Any]:
    """The settings of a motion preset, by name or as a path to a YAML file."""
    if not isinstance(name, str) or not name.strip() or len(name) > 4096:
        raise SettingsError(f"preset: {describe(name)} is not a preset name; choose one of "
                            f"{', '.join(preset_names())} or give a YAML file.")
    path = Path(name)
    if path.suffix.lower() not in (".yaml", ".yml", ".json"):
        path = PRESET_DIR / f"{name}.yaml"
    try:
        found = path.is_file()
    except OSError:  # e.g. a name too long for the file system
        found = False
    if not found:
        raise SettingsError(
            f"preset: {describe(name)} is not a preset; choose one of "
            f"{', '.join(preset_names())} or give a YAML file.")
    data = parse_settings_text(read_text(path), name=str(path))
    data.pop("description", None)
    if "preset" in data:
        raise SettingsError(f"preset {describe(name)}: a preset cannot name another preset.")
    return data


def _parse_settings_file(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise SettingsError(f"Settings file '{path}' does not exist; check the path.")
    return parse_settings_text(read_text(path), name=str(path))


def _read_settings_file(path: Path) -> dict[str, Any]:
    """A settings file's mapping of our keys; a Deforum settings file (A1111 extension or Colab
    notebook, told by its keys) is converted by
    :func:`~music_visualizer.settings.deforum.import_deforum`.
    """
    from .deforum import import_deforum, is_deforum_settings

    data = _parse_settings_file(path)
    if is_deforum_settings(data):
        return import_deforum(data).settings
    return data


def deforum_report(path: str | os.PathLike[str]) -> list[str] | None:
    """What happened to a Deforum settings file read as settings: a summary line, the notes and
    the keys not used, for the CLI to print. None if ``path`` is not a Deforum settings file.

    Raises
    ------
    SettingsError
        If the file is missing, unreadable or malformed (as :func:`load_settings_file` would).
    """
    path = Path(path)
    from .deforum import import_deforum, is_deforum_settings

    data = _parse_settings_file(path)
    if not is_deforum_settings(data):
        return None
    return import_deforum(data).report(str(path))


def resolve_settings(*, file: str | os.PathLike[str] | None = None,
                     overrides: Mapping[str, Any] | None = None) -> Settings:
    """Build settings the one way the CLI, the app and the notebook all do.

    Layers, later winning: the defaults, the motion preset the settings file names, the
    settings file, a preset given as a flag or app field, then the other ``overrides``. So a
    preset chosen on the command line or in the app moves the camera even when the file (e.g.
    ``configs/default.yaml``) spells out every motion schedule.
    """
    overrides = dict(overrides or {})
    file_data = _read_settings_file(Path(file)) if file is not None else {}
    settings = Settings()
    file_preset = convert_value("preset", file_data.get("preset"))
    if file_preset:
        settings = settings_from_dict(load_preset(file_preset), base=settings,
                                      source=f"preset {file_preset}")
    settings = settings_from_dict(file_data, base=settings,
                                  source=Path(file).name if file is not None else "settings")
    flag_preset = convert_value("preset", overrides.get("preset"))
    if flag_preset:
        settings = settings_from_dict(load_preset(flag_preset), base=settings,
                                      source=f"preset {flag_preset}")
    return apply_overrides(settings, overrides)
