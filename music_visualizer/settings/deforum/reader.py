"""Reading a Deforum settings file key by key: what was used, what was dropped, the notes.

- :class:`DeforumReader`  the file's keys (marking them used), our settings and notes so far
- :func:`as_truthy`, :func:`as_number`, :func:`as_text`, :func:`fmt_number`  lenient values
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...errors import SettingsError
from ..spec import as_float

__all__ = ["A1111_KEYS", "DeforumReader", "as_number", "as_text", "as_truthy", "fmt_number"]

#: Keys only the A1111 extension writes (else the file is taken as the Colab notebook's).
A1111_KEYS = frozenset({
    "sd_model_name", "sd_model_hash", "deforum_git_commit_id", "positive_prompts",
    "negative_prompts", "animation_prompts_positive", "animation_prompts_negative",
    "skip_video_creation", "enable_steps_scheduling", "cn_1_enabled", "cfg_scale_schedule",
    "show_info_on_ui",
})


class DeforumReader:
    """One conversion's state: reads keys (marking them used), collects our settings (``out``),
    ``notes`` and the keys read but not honoured (``dropped``)."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = {str(k): v for k, v in data.items()}
        self.used: set[str] = set()
        self.dropped: set[str] = set()  # read, but not honoured: listed as unmapped
        self.out: dict[str, Any] = {}
        self.notes: list[str] = []
        self.kind = "A1111" if set(self.data) & A1111_KEYS else "Colab"

    def has(self, key: str) -> bool:
        """Whether the file has ``key``."""
        return key in self.data

    def get(self, key: str, default: Any = None) -> Any:
        """The value of ``key`` (marking it used), or ``default``."""
        if key in self.data:
            self.used.add(key)
            return self.data[key]
        return default

    def drop(self, key: str, note: str | None = None) -> None:
        """Mark ``key`` used but not honoured (listed as unmapped), with an optional note."""
        self.used.add(key)
        self.dropped.add(key)
        if note:
            self.notes.append(note)


def as_truthy(value: Any) -> bool:
    """A flag from a bool, a number or text ("true", "yes", "on", "1")."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "yes", "on", "1")
    return bool(value)


def as_number(value: Any) -> float | None:
    """A finite number from a number or numeric text, else None."""
    try:
        return as_float("value", value)
    except SettingsError:
        return None


def as_text(value: Any) -> str:
    """Stripped text, or "" for anything that is not text."""
    return value.strip() if isinstance(value, str) else ""


def fmt_number(value: float) -> str:
    """A number for a note, in at most six significant digits."""
    return f"{value:.6g}"
