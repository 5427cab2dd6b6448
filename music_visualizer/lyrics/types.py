"""Timed lyrics as plain, frozen data, and their JSON form.

- :class:`LyricWord`  a word (or syllable) with its start and end in seconds
- :class:`LyricLine`  a line: start and end in seconds (None when untimed/unknown), text, words
- :class:`Lyrics`     the lines in order, where they came from, and the file's metadata tags

Times are seconds from the start of the song. An untimed line (plain lyrics from a tag or a text
file, to be timed by a later alignment step) has ``start=None``. A line's ``end`` is the next
line's start or an instrumental gap's start; None for the last line when nothing ends it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from music_visualizer.errors import LyricsError
from music_visualizer.safe_load import describe

__all__ = ["LYRICS_VERSION", "LyricLine", "LyricWord", "Lyrics"]

#: Version of :meth:`Lyrics.to_dict`'s layout.
LYRICS_VERSION = 1


@dataclass(frozen=True)
class LyricWord:
    """A timed word or syllable; ``text`` without surrounding spaces."""

    start: float
    end: float | None
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}

    @classmethod
    def from_dict(cls, data: Any) -> LyricWord:
        data = _mapping(data, "a word")
        start = _time(data.get("start"), "a word's start")
        if start is None:
            raise LyricsError("Lyrics data: a word has no start time; fix the file.")
        return cls(start, _time(data.get("end"), "a word's end"), _text(data.get("text"), "a word"))


@dataclass(frozen=True)
class LyricLine:
    """A line of lyrics; ``start`` None when untimed; ``words`` empty unless word-timed."""

    start: float | None
    end: float | None
    text: str
    words: tuple[LyricWord, ...] = ()

    @property
    def timed(self) -> bool:
        return self.start is not None

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text,
                "words": [w.to_dict() for w in self.words]}

    @classmethod
    def from_dict(cls, data: Any) -> LyricLine:
        data = _mapping(data, "a line")
        words = data.get("words") or []
        if not isinstance(words, list):
            raise LyricsError(f"Lyrics data: a line's words must be a list, not "
                              f"{describe(words)}; fix the file.")
        return cls(_time(data.get("start"), "a line's start"),
                   _time(data.get("end"), "a line's end"), _text(data.get("text"), "a line"),
                   tuple(LyricWord.from_dict(w) for w in words))


@dataclass(frozen=True)
class Lyrics:
    """Lines in time order (untimed lines keep the text's order).

    ``source`` says where they came from, in words (``"lyrics file 'song.lrc'"``, ``"ID3 SYLT
    tag"``); ``metadata`` holds an LRC file's tags (``ar``, ``ti``, ``al``, ``length``, ...).
    """

    lines: tuple[LyricLine, ...]
    source: str
    metadata: Mapping[str, str] = field(default_factory=dict)

    @property
    def timed(self) -> bool:
        """Whether every line has a start time (False for plain, untimed lyrics)."""
        return bool(self.lines) and all(line.timed for line in self.lines)

    def line_at(self, seconds: float) -> LyricLine | None:
        """The timed line sung at ``seconds`` (None in a gap, before the first or untimed)."""
        current = None
        for line in self.lines:
            if line.start is None or line.start > seconds:
                break
            current = line
        if current is None or (current.end is not None and seconds >= current.end):
            return None
        return current

    def to_dict(self) -> dict[str, Any]:
        return {"version": LYRICS_VERSION, "source": self.source,
                "metadata": dict(self.metadata), "lines": [ln.to_dict() for ln in self.lines]}

    @classmethod
    def from_dict(cls, data: Any) -> Lyrics:
        """The inverse of :meth:`to_dict`; raises LyricsError naming what is wrong."""
        data = _mapping(data, "the lyrics")
        if data.get("version", LYRICS_VERSION) != LYRICS_VERSION:
            raise LyricsError(f"Lyrics data has version {describe(data.get('version'))}; this "
                              f"program reads version {LYRICS_VERSION}.")
        lines = data.get("lines")
        if not isinstance(lines, list):
            raise LyricsError("Lyrics data has no list of 'lines'; give lyrics written by "
                              "this program (lyrics --json) or an .lrc file.")
        metadata = data.get("metadata") or {}
        if not isinstance(metadata, dict):
            raise LyricsError("Lyrics data: 'metadata' must be a mapping; fix the file.")
        return cls(tuple(LyricLine.from_dict(ln) for ln in lines),
                   str(data.get("source") or "lyrics data"),
                   {str(k): str(v) for k, v in metadata.items()})


def _mapping(data: Any, what: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise LyricsError(f"Lyrics data: {what} must be a mapping, not {describe(data)}; "
                          "fix the file.")
    return data


def _time(value: Any, what: str) -> float | None:
    if value is None:
        return None
    if (isinstance(value, bool) or not isinstance(value, (int, float))
            or not math.isfinite(value) or value < 0):
        raise LyricsError(f"Lyrics data: {what} must be a number of seconds >= 0, not "
                          f"{describe(value)}; fix the file.")
    return float(value)


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise LyricsError(f"Lyrics data: the text of {what} must be a string, not "
                          f"{describe(value)}; fix the file.")
    return value
