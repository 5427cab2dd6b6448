"""The values of settings that are more than one number or word: prompts, walk intervals,
GAN classes, colours (each a converter named by its field's spec).

- :func:`normalize_prompts`   a frame->prompt mapping, a list of prompts, or one string
- :func:`normalize_intervals` walk intervals, checked and completed
- :func:`normalize_classes`   ImageNet class ids for GAN mode
- :func:`normalize_colour`    a colour name or ``#rgb``/``#rrggbb`` -> ``#rrggbb``
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Mapping
from typing import Any

from ..errors import SettingsError
from ..safe_load import describe
from .spec import as_float, as_int

__all__ = [
    "INTERVAL_KINDS",
    "Prompts",
    "normalize_classes",
    "normalize_colour",
    "normalize_intervals",
    "normalize_prompts",
]

#: The kinds of a walk interval.
INTERVAL_KINDS: tuple[str, ...] = ("transition", "hold")

Prompts = dict[str, str] | list[str]

def normalize_prompts(value: Any, *, key: str = "prompts") -> Prompts:
    """Check prompts: a frame→prompt mapping, a list of prompts, or one string.

    Mapping keys are kept as strings (frame numbers or expressions of ``max_f``) and resolved by
    the plan. Blank prompts are dropped.
    """
    if value is None:
        return []
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, Mapping):
        out: dict[str, str] = {}
        for frame, text in value.items():
            if not isinstance(frame, (int, str)) or isinstance(frame, bool):
                raise SettingsError(f"{key}: frame key {describe(frame)} must be a frame number.")
            if not isinstance(text, str):
                raise SettingsError(f"{key}[{frame}]: expected text, got {describe(text)}.")
            if text.strip():
                out[str(frame).strip()] = text.strip()
        return out
    if isinstance(value, (list, tuple)):
        prompts: list[str] = []
        for i, text in enumerate(value):
            if not isinstance(text, str):
                raise SettingsError(f"{key}[{i}]: expected text, got {describe(text)}.")
            if text.strip():
                prompts.append(text.strip())
        return prompts
    raise SettingsError(
        f"{key}: expected a list of prompts or a mapping of frame to prompt, "
        f"got {describe(value)}."
    )


_INTERVAL_KEYS = ("start", "end", "prompt_start", "prompt_end", "kind", "seed", "seed_end")


def normalize_intervals(value: Any, *, key: str = "intervals") -> list[dict[str, Any]]:
    """Check walk intervals: a list of mappings with ``start`` and ``end`` (seconds),
    ``prompt_start``, and optionally ``prompt_end``, ``kind`` (transition | hold; default:
    transition; a transition without ``prompt_end`` gets a prompt idea), ``seed`` and
    ``seed_end``. Returns them with every key present (None where not given)."""
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        raise SettingsError(f"{key}: expected a list of intervals like "
                            "{start: 0, end: 2, prompt_start: \"...\"}, got {describe(value)}.")
    out: list[dict[str, Any]] = []
    for i, item in enumerate(value):
        where = f"{key}[{i}]"
        if not isinstance(item, Mapping):
            raise SettingsError(f"{where}: expected a mapping like "
                                "{start: 0, end: 2, prompt_start: \"...\"}, got "
                                f"{describe(item)}.")
        for name in item:
            if name not in _INTERVAL_KEYS:
                close = difflib.get_close_matches(str(name), _INTERVAL_KEYS, n=1)
                hint = f" Did you mean '{close[0]}'?" if close else ""
                raise SettingsError(f"{where}: unknown key '{name}'.{hint}")
        for name in ("start", "end", "prompt_start"):
            if item.get(name) is None:
                raise SettingsError(f"{where}: '{name}' is missing.")
        start, end = as_float(f"{where}.start", item["start"]), as_float(f"{where}.end",
                                                                           item["end"])
        if start < 0 or end <= start:
            raise SettingsError(f"{where}: end ({end:g} s) must be after start ({start:g} s), "
                                "and start 0 or more.")
        texts = {}
        for name in ("prompt_start", "prompt_end"):
            text = item.get(name)
            if text is not None and not isinstance(text, str):
                raise SettingsError(f"{where}.{name}: expected text, got {describe(text)}.")
            texts[name] = text.strip() if text and text.strip() else None
        if texts["prompt_start"] is None:
            raise SettingsError(f"{where}: 'prompt_start' is empty; give the interval's prompt.")
        kind = item.get("kind") or "transition"
        if not isinstance(kind, str) or kind.strip().lower() not in INTERVAL_KINDS:
            raise SettingsError(f"{where}.kind: {describe(kind)} is not one of "
                                f"{', '.join(INTERVAL_KINDS)}.")
        seeds = {}
        for name in ("seed", "seed_end"):
            raw = item.get(name)
            seeds[name] = None if raw is None else as_int(f"{where}.{name}", raw)
            if seeds[name] is not None and not 0 <= seeds[name] < 2**32:
                raise SettingsError(f"{where}.{name}: {seeds[name]} must be between 0 and "
                                    "2**32-1.")
        out.append({"start": start, "end": end, **texts, "kind": kind.strip().lower(), **seeds})
    for i, (before, after) in enumerate(itertools.pairwise(out)):
        if abs(after["start"] - before["end"]) > 1e-6:
            raise SettingsError(
                f"{key}[{i + 1}]: starts at {after['start']:g} s but {key}[{i}] ends at "
                f"{before['end']:g} s; intervals must follow each other without gaps or overlaps.")
    return out


def normalize_classes(value: Any, *, key: str = "classes") -> list[int] | None:
    """ImageNet class ids for GAN mode: a list or ``"1, 5, 207"``; at most 12, each 0..999."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    items = value.replace(",", " ").split() if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)):
        raise SettingsError(f"{key}: expected ImageNet class numbers like \"1, 207, 980\", got "
                            f"{describe(value)}.")
    classes = [as_int(key, item) for item in items]
    if not classes:
        return None
    if len(classes) > 12 or any(not 0 <= c <= 999 for c in classes):
        raise SettingsError(f"{key}: give 1 to 12 ImageNet class numbers, each from 0 to 999 "
                            f"(got {describe(value)}).")
    return classes




def normalize_colour(value: Any, *, key: str = "colour") -> str:
    """A colour as ``#rrggbb`` (lower case) from a CSS name (``"yellow"``), ``#rgb``,
    ``#rrggbb`` or ``rgb(255, 210, 0)``; SettingsError naming ``key`` otherwise."""
    from PIL import ImageColor

    try:
        rgb = ImageColor.getrgb(str(value).strip()) if isinstance(value, str) else None
    except ValueError:
        rgb = None
    if rgb is None:
        raise SettingsError(f"{key}: {describe(value)} is not a colour; write a name like "
                            "\"yellow\" or a hex colour like \"#ffd200\".")
    return "#{:02x}{:02x}{:02x}".format(*rgb[:3])
