"""What one setting is: its :class:`Spec` (help, group, range, choices, CLI flag, app widget,
Deforum name), declared once beside the field of :class:`~music_visualizer.settings.Settings`
with :func:`setting`, and the checks derived from it.

- :class:`Spec`        a setting's declaration (everything but its name, type and default)
- :func:`setting`      a dataclass field carrying its :class:`Spec`
- :func:`kind_of`      the value kind of a field from its annotation and spec
- :func:`convert`      a raw value (from YAML/JSON/flags) -> the field's type, or SettingsError
- :func:`check_range`  a converted value inside the spec's range, or SettingsError
- :func:`range_text`   the allowed range in words, as the error messages say it

The kinds: ``int``, ``float``, ``bool``, ``str``, ``choice`` (one of ``choices``), ``schedule``
(a keyframe schedule string), each optionally ``None`` (``"optional float"`` ...), and
``custom`` (the spec names its own converter: prompts, intervals, classes).
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import SettingsError
from ..safe_load import describe

__all__ = [
    "KINDS",
    "SPEC_KEY",
    "WIDGETS",
    "Spec",
    "as_float",
    "as_int",
    "check_range",
    "convert",
    "kind_of",
    "range_text",
    "setting",
]

#: The key of a field's metadata that holds its :class:`Spec`.
SPEC_KEY = "spec"
#: Value kinds (see the module docstring); ``"optional <kind>"`` also takes None.
KINDS = ("int", "float", "bool", "str", "choice", "schedule", "custom")
#: The app's widget hints.
WIDGETS = ("number", "slider", "dropdown", "radio", "text", "checkbox")


@dataclass(frozen=True)
class Spec:
    """One setting's declaration. The type comes from the field's annotation, the default from
    the field.

    Attributes
    ----------
    help : str
        What it does, in a few words: the CLI's help, configs/default.yaml's comment, the
        README's table.
    group : str
        Its group (a key of :data:`~music_visualizer.settings.model.GROUPS`).
    schedule : bool
        A keyframe schedule string (a bare number is stored as ``"0:(number)"``).
    choices : tuple of str
        The allowed values (compared case-insensitively, stored as written here).
    aliases : mapping
        Other spellings of a choice (lower case) -> the choice.
    low, high : float, optional
        The allowed range (of the value, or of a schedule's values at every frame).
    low_open, high_open : bool
        Whether ``low`` / ``high`` themselves are excluded.
    multiple_of : int, optional
        The value must be a multiple of this (and at least ``low``).
    unit : str
        The unit, as the messages and the docs say it (``"seconds"``, ``"pixels"``).
    note : str
        Words after the range in its error message, e.g. ``"(512 gives about 43 fps)"``.
    message : str
        The whole error message after the value, where the range needs other words (seed).
    empty_message : str
        Text that may not be blank: the message after ``"<key>: "`` when it is.
    strip : bool
        Text is stripped of surrounding blanks (not the negative prompt).
    convert : callable, optional
        ``convert(value, key=name)`` for the ``custom`` kind.
    flag : str or None
        The CLI flag: ``""`` = ``--name-with-dashes``; None = no flag.
    metavar : str, optional
        The flag's metavar.
    flag_choices : bool
        Whether the flag lists the choices (argparse then refuses others, case-sensitively).
    flag_type : callable, optional
        The flag's type when not the field's (``int`` for the list of classes).
    nargs : str, optional
        The flag's nargs (``"+"`` for the classes).
    widget : str
        The app's widget hint (one of :data:`WIDGETS`); ``""`` = not on the app's form.
    app : mapping
        The app widget's own keyword arguments: its label (default: the setting's name), info,
        placeholder, and the bounds and step the widget offers (which may be narrower than the
        allowed range, e.g. fps up to 60 on the form).
    form : int
        The position on the app's form (the form's fields sort by it).
    deforum : tuple of str
        The keys of Deforum's settings files this setting is read from, when not just its own
        name (``("W",)`` for ``width``).
    """

    help: str
    group: str
    schedule: bool = False
    choices: tuple[str, ...] = ()
    aliases: Mapping[str, str] = dataclasses.field(default_factory=dict)
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    multiple_of: int | None = None
    unit: str = ""
    note: str = ""
    message: str = ""
    empty_message: str = ""
    strip: bool = True
    convert: Callable[..., Any] | None = None
    flag: str | None = ""
    metavar: str | None = None
    flag_choices: bool = True
    flag_type: Callable[[str], Any] | None = None
    nargs: str | None = None
    widget: str = ""
    app: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    form: int = 0
    deforum: tuple[str, ...] = ()

    def has_range(self) -> bool:
        """Whether the value (or a schedule's values) has a checked range."""
        return self.low is not None or self.high is not None or self.multiple_of is not None


def setting(default: Any, help: str, *, group: str, **spec: Any) -> Any:
    """A dataclass field with ``default`` and its :class:`Spec` in the metadata.

    A list default is copied for every instance. Keyword arguments are :class:`Spec`'s.
    """
    meta = {SPEC_KEY: Spec(help=help, group=group, **spec)}
    if isinstance(default, list):
        return dataclasses.field(default_factory=lambda: list(default), metadata=meta)
    return dataclasses.field(default=default, metadata=meta)


def kind_of(annotation: Any, spec: Spec) -> str:
    """The value kind of a field: ``"int"`` ... or ``"optional int"`` ... (see the module)."""
    args = typing.get_args(annotation)
    optional = type(None) in args
    base = next((a for a in args if a is not type(None)), None) if optional else annotation
    if spec.convert is not None:
        return "custom"
    if spec.schedule:
        kind = "schedule"
    elif spec.choices:
        kind = "choice"
    elif base in (int, float, bool, str):
        kind = base.__name__
    else:
        raise TypeError(f"a setting of type {annotation} needs a converter (Spec.convert)")
    return f"optional {kind}" if optional else kind


# --------------------------------------------------------------------------------------------
# Conversion
# --------------------------------------------------------------------------------------------

def as_int(key: str, value: Any) -> int:
    """A whole number from an int, a whole float or numeric text; SettingsError naming ``key``."""
    out: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        out = value
    elif isinstance(value, float) and value.is_integer():
        out = int(value)
    elif isinstance(value, str):
        with contextlib.suppress(ValueError):  # also a number of more than 4300 digits
            out = int(value.strip())
    if out is None:
        raise SettingsError(f"{key}: expected a whole number, got {describe(value)}.")
    if abs(out) >= 10**30:  # keeps every message that quotes it short
        raise SettingsError(f"{key}: {describe(value)} is far too large a number.")
    return out


def as_float(key: str, value: Any) -> float:
    """A finite number from a number or numeric text; SettingsError naming ``key``."""
    if isinstance(value, bool):
        raise SettingsError(f"{key}: expected a number, got {describe(value)}.")
    if isinstance(value, (int, float)):
        out = float(value)
    elif isinstance(value, str):
        try:
            out = float(value.strip())
        except ValueError:
            raise SettingsError(f"{key}: expected a number, got {describe(value)}.") from None
    else:
        raise SettingsError(f"{key}: expected a number, got {describe(value)}.")
    if not math.isfinite(out):
        raise SettingsError(f"{key}: expected a finite number, got {describe(value)}.")
    return out


def _as_bool(key: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "yes", "on", "1"):
        return True
    if isinstance(value, str) and value.strip().lower() in ("false", "no", "off", "0"):
        return False
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise SettingsError(f"{key}: expected true or false, got {describe(value)}.")


def _as_schedule(key: str, value: Any) -> str:
    if isinstance(value, bool):
        raise SettingsError(f"{key}: expected a keyframe schedule like \"0:(1.0)\", got {value!r}.")
    if isinstance(value, (int, float)):
        return f"0:({value!r})"
    if isinstance(value, str) and value.strip():
        return value.strip()
    raise SettingsError(
        f"{key}: expected a keyframe schedule like \"0:(1.0)\" or a number, got {describe(value)}."
    )


def _as_choice(key: str, value: Any, spec: Spec) -> str:
    if isinstance(value, str):
        for option in spec.choices:
            if option.lower() == value.strip().lower():
                return option
        if value.strip().lower() in spec.aliases:
            return spec.aliases[value.strip().lower()]
    raise SettingsError(f"{key}: {describe(value)} is not one of {', '.join(spec.choices)}.")


def _as_str(key: str, value: Any, spec: Spec) -> str:
    if not isinstance(value, str):
        raise SettingsError(f"{key}: expected text, got {describe(value)}.")
    return value.strip() if spec.strip else value


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def convert(key: str, kind: str, spec: Spec, value: Any) -> Any:
    """``value`` as a setting of ``kind`` (see :func:`kind_of`).

    Raises
    ------
    SettingsError
        Naming ``key``: the wrong type, not a choice, not a schedule.
    """
    if kind == "custom":
        assert spec.convert is not None
        return spec.convert(value, key=key)
    if kind.startswith("optional "):
        # a blank optional schedule or text is None; a None number is None
        if value is None or (kind in ("optional schedule", "optional str") and _blank(value)):
            return None
        kind = kind.removeprefix("optional ")
    if kind == "schedule":
        return _as_schedule(key, value)
    if kind == "bool":
        return _as_bool(key, value)
    if kind == "choice":
        return _as_choice(key, value, spec)
    if kind == "int":
        return as_int(key, value)
    if kind == "float":
        return as_float(key, value)
    return _as_str(key, value, spec)


# --------------------------------------------------------------------------------------------
# Ranges
# --------------------------------------------------------------------------------------------

def _unit(spec: Spec) -> str:
    return f" {spec.unit}" if spec.unit else ""


def range_text(spec: Spec) -> str:
    """The allowed range in words, e.g. ``"between 1 and 200"``, ``"0 or more seconds"``,
    ``"greater than 0 and at most 120"`` ("" without a range)."""
    low, high = spec.low, spec.high
    if spec.message:
        return spec.message
    if spec.multiple_of is not None:
        return f"a positive multiple of {spec.multiple_of}"
    if low is None and high is None:
        return ""
    if high is None:
        return f"greater than {low:g}{_unit(spec)}" if spec.low_open else (
            f"{low:g} or more{_unit(spec)}")
    if low is None:
        return f"at most {high:g}{_unit(spec)}"
    if spec.low_open:
        return f"greater than {low:g} and at most {high:g}{_unit(spec)}"
    return f"between {low:g} and {high:g}{_unit(spec)}"


def _outside(spec: Spec, value: float) -> bool:
    if spec.low is not None and (value <= spec.low if spec.low_open else value < spec.low):
        return True
    return spec.high is not None and (value >= spec.high if spec.high_open else value > spec.high)


def check_range(key: str, spec: Spec, value: Any) -> None:
    """Raise SettingsError if ``value`` (a converted number or text; None passes) is outside
    the spec's range, e.g. ``"steps: 500 must be between 1 and 200."``."""
    if value is None:
        return
    if isinstance(value, str):
        if spec.empty_message and not value:
            raise SettingsError(f"{key}: {spec.empty_message}")
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)) or spec.schedule:
        return
    shown = f"{value:g}" if isinstance(value, float) else str(value)
    if spec.multiple_of is not None:
        if value < (spec.low or 1) or value % spec.multiple_of:
            note = f" {spec.note}" if spec.note else ""
            raise SettingsError(f"{key}: {shown} must be {range_text(spec)}{note}.")
        if spec.high is not None and value > spec.high:
            raise SettingsError(f"{key}: {shown} is larger than {spec.high:g}{_unit(spec)}.")
        return
    if _outside(spec, value):
        note = f" {spec.note}" if spec.note else ""
        raise SettingsError(f"{key}: {shown} must be {range_text(spec)}{note}.")
