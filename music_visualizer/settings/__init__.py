"""Typed settings: one :class:`Settings` type, built alike by the CLI, the app and the notebook.

Every setting is declared once, in :mod:`.model` (its type, default and :class:`~.spec.Spec`:
help, group, range, choices, CLI flag, app widget, Deforum name); validation, the CLI's flags,
the app's form list, ``configs/default.yaml``'s comments and the README's table derive from it.

- :mod:`.spec`     what a setting's declaration holds; conversion and range checks from it
- :mod:`.model`    :class:`Settings`, :func:`settings_from_dict`, :func:`apply_overrides` ...
- :mod:`.values`   prompts, walk intervals and GAN classes (values of more than one number)
- :mod:`.files`    YAML/JSON/Deforum files, presets, :func:`resolve_settings`
- :mod:`.docs`     configs/default.yaml and the README's settings table, from the declarations
- :mod:`.schedules`, :mod:`.deforum`  keyframe schedules; Deforum settings files in and out

Unknown keys and wrong types are rejected with a :class:`~music_visualizer.errors.SettingsError`
that names the key. Schedule fields hold Deforum keyframe strings (a bare number is accepted and
stored as ``"0:(number)"``); they are parsed later by :mod:`music_visualizer.settings.schedules`.
"""

from __future__ import annotations

from .files import (
    PRESET_DIR,
    deforum_report,
    load_preset,
    load_settings_file,
    parse_settings_text,
    preset_names,
    resolve_settings,
)
from .model import (
    CHOICES,
    GROUPS,
    OPTIONAL_SCHEDULE_FIELDS,
    SCHEDULE_FIELDS,
    Settings,
    apply_overrides,
    field_specs,
    form_fields,
    settings_from_dict,
    settings_to_dict,
    value_range,
)
from .spec import Spec
from .values import (
    INTERVAL_KINDS,
    Prompts,
    normalize_classes,
    normalize_intervals,
    normalize_prompts,
)

__all__ = [
    "CHOICES",
    "GROUPS",
    "INTERVAL_KINDS",
    "OPTIONAL_SCHEDULE_FIELDS",
    "PRESET_DIR",
    "SCHEDULE_FIELDS",
    "Prompts",
    "Settings",
    "Spec",
    "apply_overrides",
    "deforum_report",
    "field_specs",
    "form_fields",
    "load_preset",
    "load_settings_file",
    "normalize_classes",
    "normalize_intervals",
    "normalize_prompts",
    "parse_settings_text",
    "preset_names",
    "resolve_settings",
    "settings_from_dict",
    "settings_to_dict",
    "value_range",
]
