"""Bounded reading of the YAML and JSON files users give (settings, presets, Deforum settings,
run records): a hostile or damaged file ends in one clear error, never a hang or a traceback.

- :func:`read_text`   a file's text, refused past a size limit (before reading it all)
- :func:`read_bytes`  a file's bytes, refused past a size limit (text in other encodings)
- :func:`parse_yaml`  YAML with a nesting-depth limit and a limit on the values that aliases
  expand to (a "billion laughs" file is refused while it is read, before any value is built)
- :func:`parse_json`  JSON with the same depth limit (no RecursionError, even 100 000 deep)
- :func:`describe`    a short ``repr`` of any value for an error message, bounded however large
  or nested the value is

Each raises the given :class:`~music_visualizer.errors.UserError` subclass (default
:class:`~music_visualizer.errors.SettingsError`) with a message naming the file.
"""

from __future__ import annotations

import json
import os
import reprlib
from pathlib import Path
from typing import Any

from .errors import SettingsError, UserError

__all__ = [
    "MAX_CHARS",
    "MAX_DEPTH",
    "MAX_NODES",
    "MAX_RECORD_BYTES",
    "MAX_SETTINGS_BYTES",
    "describe",
    "parse_json",
    "parse_yaml",
    "read_bytes",
    "read_text",
]

#: Largest settings, preset or Deforum settings file (real ones are a few KB).
MAX_SETTINGS_BYTES = 4 * 2**20
#: Largest run record (``<timestring>_settings.json``: the plan has a row per frame).
MAX_RECORD_BYTES = 2**30
#: Deepest nesting of lists and mappings (settings need three levels at most).
MAX_DEPTH = 64
#: Most values, and characters of text, a YAML document may hold once its aliases are expanded
#: (a file without aliases is far below both).
MAX_NODES = 1_000_000
MAX_CHARS = 4 * MAX_SETTINGS_BYTES

_REPR = reprlib.Repr()
_REPR.maxlevel = 3
_REPR.maxstring = 50
_REPR.maxother = 50
_REPR.maxlong = 30


def describe(value: Any, limit: int = 60) -> str:
    """``repr(value)`` cut to at most ``limit`` characters; its cost is bounded too (nested and
    shared values are not expanded, huge numbers are not converted to text in full)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 100:
        text = f"a whole number of about {int(value.bit_length() * 0.30103) + 1} digits"
    else:
        text = _REPR.repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def read_text(path: str | os.PathLike[str], *, what: str = "Settings file",
              limit: int = MAX_SETTINGS_BYTES, error: type[UserError] = SettingsError) -> str:
    """The UTF-8 text of ``path``; at most ``limit`` bytes are read (a larger file is refused).

    Raises ``error`` if the file is missing, unreadable, too large or not UTF-8 text.
    """
    data = read_bytes(path, what=what, limit=limit, error=error)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise error(f"{what} '{path}' is not UTF-8 text; check that it is the right "
                    "file.") from None


def read_bytes(path: str | os.PathLike[str], *, what: str = "Settings file",
               limit: int = MAX_SETTINGS_BYTES, error: type[UserError] = SettingsError) -> bytes:
    """The bytes of ``path``; at most ``limit`` bytes are read (a larger file is refused).

    Raises ``error`` if the file is missing, a folder, unreadable or too large.
    """
    path = Path(path)
    if path.is_dir():
        raise error(f"{what} '{path}' is a folder; give a file.")
    try:
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
    except FileNotFoundError:
        raise error(f"{what} '{path}' does not exist; check the path.") from None
    except OSError as e:
        raise error(f"{what} '{path}' could not be read ({e.strerror}).") from None
    if len(data) > limit:
        raise error(f"{what} '{path}' is larger than {_size(limit)}; check that it is the "
                    "right file.")
    return data


def _size(n_bytes: int) -> str:
    return f"{n_bytes / 2**30:g} GB" if n_bytes >= 2**30 else f"{n_bytes / 2**20:g} MB"


class _LimitExceeded(Exception):
    """Raised inside the YAML composer; turned into the caller's error with the file's name."""


def _too_deep(what: str, name: str) -> str:
    return (f"{what} '{name}' nests lists or mappings more than {MAX_DEPTH} levels deep; "
            "check that it is the right file (settings need only a few levels).")


def _too_many(name: str) -> str:
    return (f"Settings file '{name}' expands to more than {MAX_NODES:,} values or "
            f"{MAX_CHARS // 2**20} MB of text (YAML aliases repeat what their anchor holds); "
            "write the values out or use fewer aliases.")


def _bounded_loader() -> type:
    """A ``yaml.SafeLoader`` whose composer counts nesting, and the values and the characters
    of text that aliases expand to."""
    import yaml

    class BoundedLoader(yaml.SafeLoader):
        def __init__(self, stream: str) -> None:
            super().__init__(stream)
            self._depth = 0
            # values and characters so far, an alias counted as what it repeats
            self._nodes = self._chars = 0
            self._expanded: dict[int, tuple[int, int]] = {}  # id(anchored node) -> its counts

        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                node = super().compose_node(parent, index)
                self._count(*self._expanded.get(id(node), (1, 0)))
                return node
            anchor = self.peek_event().anchor
            self._depth += 1
            if self._depth > MAX_DEPTH:
                raise _LimitExceeded("depth")
            nodes, chars = self._nodes, self._chars
            node = super().compose_node(parent, index)
            self._count(1, len(node.value) if isinstance(node, yaml.ScalarNode) else 0)
            self._depth -= 1
            if anchor is not None:  # anchored nodes stay alive (in self.anchors): ids are stable
                self._expanded[id(node)] = (self._nodes - nodes, self._chars - chars)
            return node

        def _count(self, nodes: int, chars: int) -> None:
            self._nodes += nodes
            self._chars += chars
            if self._nodes > MAX_NODES or self._chars > MAX_CHARS:
                raise _LimitExceeded("nodes")

    return BoundedLoader


def parse_yaml(text: str, *, name: str = "settings",
               error: type[UserError] = SettingsError) -> Any:
    """The value of a YAML document (JSON is YAML too), built only if it is within the limits.

    Raises ``error`` if the text is malformed, nested deeper than :data:`MAX_DEPTH`, expands
    (through aliases) to more than :data:`MAX_NODES` values, or has a number too long to read.
    """
    import yaml

    try:
        return yaml.load(text, Loader=_bounded_loader())  # a SafeLoader subclass
    except _LimitExceeded as e:
        raise error(_too_deep("Settings file", name) if str(e) == "depth"
                    else _too_many(name)) from None
    except RecursionError:
        raise error(_too_deep("Settings file", name)) from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        raise error(f"Settings file '{name}' is malformed{where}; fix the syntax.") from None
    except (ValueError, OverflowError):  # e.g. an integer of more than 4300 digits
        raise error(f"Settings file '{name}' has a value that cannot be read (a number too "
                    "long?); fix it.") from None


def parse_json(text: str, *, name: str = "settings", what: str = "Settings file",
               error: type[UserError] = SettingsError) -> Any:
    """The value of a JSON document, nested at most :data:`MAX_DEPTH` deep.

    ``NaN`` and ``Infinity`` are read as floats (Python writes them so): callers check ranges.
    Raises ``error`` if the text is malformed, too deep, or has a number too long to read.
    """
    deep = _too_deep(what, name)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise error(f"{what} '{name}' is malformed at line {e.lineno}, column {e.colno}; fix "
                    "the syntax.") from None
    except RecursionError:
        raise error(deep) from None
    except (ValueError, OverflowError):  # e.g. an integer of more than 4300 digits
        raise error(f"{what} '{name}' has a value that cannot be read (a number too long?); "
                    "fix it.") from None
    if _depth_exceeds(data, MAX_DEPTH):
        raise error(deep)
    return data


def _depth_exceeds(data: Any, limit: int) -> bool:
    """Whether lists/dicts nest more than ``limit`` deep (iterative: no recursion limit)."""
    if not isinstance(data, (list, dict)):
        return False
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        children = value.values() if isinstance(value, dict) else value
        if set(map(type, children)).isdisjoint((list, dict)):  # fast for long lists of numbers
            continue
        for child in children:
            if isinstance(child, (list, dict)):
                if depth + 1 > limit:
                    return True
                stack.append((child, depth + 1))
    return False
