"""``configs/default.yaml`` and the README's settings table, written from the declarations.

- :func:`default_yaml`    the text of configs/default.yaml: every key, its default, its help
- :func:`settings_table`  the README's settings table (Markdown)
- :func:`stale_files`     the files that disagree with the declarations
- :func:`main`            ``python -m music_visualizer.settings.docs [--check | --write]``

``--check`` exits 1 naming the files that are out of date; ``--write`` rewrites them. The
README's table sits between :data:`TABLE_START` and :data:`TABLE_END`.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .model import GROUPS, Settings, field_specs
from .spec import Spec, range_text

__all__ = [
    "DEFAULT_YAML",
    "README",
    "TABLE_END",
    "TABLE_START",
    "default_yaml",
    "main",
    "readme_with_table",
    "settings_table",
    "stale_files",
]

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_YAML = ROOT / "configs" / "default.yaml"
README = ROOT / "README.md"
TABLE_START = ("<!-- settings table: written by `python -m music_visualizer.settings.docs --write` "
               "from music_visualizer/settings/model.py; edit it there -->")
TABLE_END = "<!-- end of the settings table -->"

_HEADER = """\
# music_visualizer default settings. Every key is optional; CLI flags override this file.
# Schedules use Deforum's keyframe syntax: "0:(1.0), 30:(1.04), 60:(1.0+0.02*sin(2*pi*t/24))".
# Written from music_visualizer/settings/model.py by
# `python -m music_visualizer.settings.docs --write`; edit the declarations there.
"""
_COMMENT_COLUMN = 30
_WIDTH = 100
_PLAIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_./-]*$")


def _yaml_value(value: Any) -> str:
    """``value`` as YAML that reads back to it (JSON quoting where plain text would not)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str) and _PLAIN.match(value) and value.lower() not in (
            "null", "true", "false", "yes", "no", "on", "off", "none", "~"):
        return value
    return json.dumps(value)


def _yaml_line(name: str, value: Any, spec: Spec) -> list[str]:
    entry = f"{name}: {_yaml_value(value)}"
    column = max(_COMMENT_COLUMN, len(entry) + 1)
    comment = textwrap.wrap(spec.help, _WIDTH - column - 2) or [""]
    lines = [f"{entry.ljust(column)}# {comment[0]}"]
    lines += [f"{' ' * _COMMENT_COLUMN}# {more}" for more in comment[1:]]
    return lines


def default_yaml() -> str:
    """The text of ``configs/default.yaml``: a section per group, every key with its default
    and its help as the comment."""
    defaults = dataclasses.asdict(Settings())
    lines = [_HEADER.rstrip("\n")]
    group = None
    for name, (_, spec) in field_specs().items():
        if spec.group != group:
            group = spec.group
            lines += ["", f"# {GROUPS[group]}"]
        lines += _yaml_line(name, defaults[name], spec)
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _values(kind: str, spec: Spec) -> str:
    """What a setting takes, in a few words."""
    if spec.choices:
        return ", ".join(f"`{c}`" for c in spec.choices)
    words = range_text(spec)
    if spec.multiple_of is not None and spec.high is not None:
        words += f", at most {spec.high:g} {spec.unit}".rstrip()
    if spec.note:
        words += f" {spec.note}"
    base = kind.removeprefix("optional ")
    if base == "schedule":
        words = "keyframe schedule" + (f", values {words}" if words else "")
    elif base == "bool":
        words = "true or false"
    elif base == "str" and not words:
        words = "text"
    elif base == "custom":
        words = "see the meaning"
    return words + ("; or none" if kind.startswith("optional ") else "")


def settings_table() -> str:
    """The README's settings table (Markdown): key, default, values, meaning; by group."""
    defaults = dataclasses.asdict(Settings())
    rows = ["| key | default | values | meaning |", "| --- | --- | --- | --- |"]
    for name, (kind, spec) in field_specs().items():
        default = "none" if defaults[name] is None else f"`{_yaml_value(defaults[name])}`"
        rows.append(f"| `{name}` | {_cell(default)} | {_cell(_values(kind, spec))} | "
                    f"{_cell(spec.help)} |")
    return "\n".join(rows) + "\n"


def readme_with_table(text: str) -> str:
    """``text`` (the README) with the block between the markers replaced by the table."""
    start, end = text.find(TABLE_START), text.find(TABLE_END)
    if start < 0 or end < start:
        raise ValueError("the README has no settings table markers")
    return text[: start + len(TABLE_START)] + "\n\n" + settings_table() + "\n" + text[end:]


def stale_files(*, yaml_path: Path = DEFAULT_YAML, readme: Path = README) -> list[Path]:
    """The files whose text differs from what the declarations give."""
    stale = []
    if yaml_path.read_text(encoding="utf-8") != default_yaml():
        stale.append(yaml_path)
    text = readme.read_text(encoding="utf-8")
    if readme_with_table(text) != text:
        stale.append(readme)
    return stale


def main(argv: Sequence[str] | None = None) -> int:
    """``--check``: exit 1 naming the out-of-date files; ``--write``: rewrite them."""
    parser = argparse.ArgumentParser(prog="python -m music_visualizer.settings.docs",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite the files")
    parser.add_argument("--check", action="store_true", help="exit 1 if a file is out of date")
    args = parser.parse_args(argv)
    if args.write:
        DEFAULT_YAML.write_text(default_yaml(), encoding="utf-8")
        README.write_text(readme_with_table(README.read_text(encoding="utf-8")),
                          encoding="utf-8")
        return 0
    stale = stale_files()
    for path in stale:
        print(f"{path.relative_to(ROOT)} is out of date; run python -m "
              "music_visualizer.settings.docs --write", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
