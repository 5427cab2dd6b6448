"""LRC lyrics in and out, and lyrics files on disk.

- :func:`parse_lrc`        LRC text -> :class:`~.types.Lyrics` (plain text without any time tag
  -> untimed lines)
- :func:`to_lrc`           :class:`~.types.Lyrics` -> LRC text (``parse_lrc(to_lrc(x)) == x`` for
  times in hundredths of a second)
- :func:`read_lyrics_file` an ``.lrc``/``.txt`` file or this program's lyrics JSON, bounded
- :func:`has_time_tags`    whether a text holds LRC line times (an LRC text in a tag)
- :func:`format_time`      seconds -> ``mm:ss.xx``

What is read: line times ``[mm:ss.xx]``, ``[mm:ss]``, ``[mm:ss.xxx]`` (also ``[mm:ss:xx]``),
several on one line (a repeated chorus), enhanced LRC word times ``<mm:ss.xx>``, ``[offset:+/-ms]``
(a positive offset shows the lyrics sooner; applied to the times), metadata tags (``[ar:]``,
``[ti:]``, ``[al:]``, ``[length:]``, ... kept in ``Lyrics.metadata``). Lines are sorted by time;
a time with no text is an instrumental gap that ends the line before it. A bad time, or text
without a time in a timed file, is a :class:`~music_visualizer.errors.LyricsError` naming the
line.
"""

from __future__ import annotations

import codecs
import os
import re
from dataclasses import replace
from pathlib import Path
from typing import NamedTuple

from music_visualizer.errors import LyricsError
from music_visualizer.safe_load import describe, parse_json, read_bytes

from .types import LyricLine, Lyrics, LyricWord

__all__ = ["MAX_LYRICS_BYTES", "MAX_TIMES", "format_time", "has_time_tags", "parse_lrc",
           "read_lyrics_file", "to_lrc"]

#: Largest lyrics file read (a song's LRC is a few KB).
MAX_LYRICS_BYTES = 1 << 20
#: Most line and word times a text may make (a repeated line's words count at each repeat).
MAX_TIMES = 500_000

_TIME = r"(\d{1,4}):(\d{1,2})(?:[.:](\d{1,3}))?"
_LINE_TIME = re.compile(r"\[\s*" + _TIME + r"\s*\]")
_WORD_TIME = re.compile(r"<\s*" + _TIME + r"\s*>")
_WORD_TAG = re.compile(r"<\s*\d+\s*:[^>]{0,20}>")  # what starts like a word time
_META = re.compile(r"^\[\s*([A-Za-z#][A-Za-z0-9_ #-]*)\s*:(.*)\]$")
_ANY_TAG = re.compile(r"^\[[^\]]*\]")
#: The tags LRC defines (others, "[Verse 1: Band]", are text in a file without times).
_LRC_TAGS = frozenset(("ar", "al", "ti", "au", "lr", "by", "length", "offset", "re", "tool",
                       "ve", "#", "la", "lang", "id", "kana", "sign", "qq", "total"))
_OFFSET = re.compile(r"^[+-]?\d{1,7}$")


class _Stamp(NamedTuple):
    """One line time of an LRC line: its ms, its place in the file, text, word times, and the
    line's first time (word times are written for that one)."""

    ms: int
    order: int
    text: str
    words: tuple[tuple[int, str], ...]
    base: int


def has_time_tags(text: str) -> bool:
    """Whether any line of ``text`` starts with an LRC line time."""
    return any(_LINE_TIME.match(line.strip()) for line in text.splitlines())


def format_time(seconds: float) -> str:
    """``mm:ss.xx`` (hundredths, rounded; minutes may exceed 59)."""
    hundredths = round(seconds * 100)
    minutes, rest = divmod(hundredths, 6000)
    return f"{minutes:02d}:{rest // 100:02d}.{rest % 100:02d}"


def parse_lrc(text: str, *, source: str = "LRC text", name: str | None = None) -> Lyrics:
    """Lyrics from LRC text; without any line time, its non-blank lines as untimed lines.

    ``name`` is used in error messages (``"Lyrics file 'song.lrc'"``); ``source`` becomes
    ``Lyrics.source``. Raises LyricsError on a bad time or offset, text without a time in a
    timed text, or no lyric line at all.
    """
    name = name or source
    text = text.lstrip("\ufeff")
    metadata: dict[str, str] = {}
    stamps: list[_Stamp] = []
    untimed: list[tuple[int, str]] = []
    unknown: list[tuple[int, str, str]] = []  # tag-like lines of keys LRC does not define
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        times, rest = _line_times(line, number, name)
        if times:
            words = _words(rest, number, name)
            plain = " ".join(_WORD_TIME.sub(" ", rest).split())
            stamps += [_Stamp(ms, len(stamps) + i, plain, words, times[0])
                       for i, ms in enumerate(times)]
        elif (meta := _META.match(line)) and not _looks_like_time(line):
            key = meta.group(1).strip().lower()
            metadata[key] = meta.group(2).strip()
            if key not in _LRC_TAGS:  # "[Chorus: Band]" is text in plain lyrics
                unknown.append((number, " ".join(line.split()), key))
        elif _ANY_TAG.match(line) and _looks_like_time(line):
            _bad_time(_ANY_TAG.match(line).group(0), number, name)
        else:
            untimed.append((number, " ".join(line.split())))
    if stamps and untimed:
        number, words = untimed[0]
        raise LyricsError(f"{name}, line {number} has text but no time ({describe(words, 40)}); "
                          "start it with a time like [01:23.45] or remove it.")
    if untimed:
        for number, line, key in unknown:
            metadata.pop(key, None)
            untimed.append((number, line))
        untimed.sort()
        return Lyrics(tuple(LyricLine(None, None, t) for _, t in untimed), source, metadata)
    if not any(stamp.text for stamp in stamps):
        raise LyricsError(f"{name} has no lyric lines; give a file with lines like "
                          "'[00:12.34] the words'.")
    times = sum(1 + len(stamp.words) for stamp in stamps)
    if times > MAX_TIMES:
        raise LyricsError(f"{name} has more than {MAX_TIMES:,} line and word times (a line "
                          "repeated with many times and many words?); check that it is the "
                          "right file.")
    offset = _offset(metadata.pop("offset", None), name)  # applied to the times, not kept
    return Lyrics(_timed_lines(stamps, offset, _length(metadata)), source, metadata)


def _looks_like_time(line: str) -> bool:
    """``[12:3x]``, ``[1:75.00]``: a tag that starts like a time (digits, colon)."""
    return re.match(r"^\[\s*\d+\s*:", line) is not None


def _bad_time(tag: str, number: int, name: str) -> None:
    raise LyricsError(f"{name}, line {number}: {describe(tag, 30)} is not a time; write "
                      "[mm:ss.xx] (seconds below 60), e.g. [01:23.45].")


def _line_times(line: str, number: int, name: str) -> tuple[list[int], str]:
    """The leading line times of ``line`` in ms, and the rest of the line."""
    times, pos = [], 0
    while match := _LINE_TIME.match(line, pos):
        times.append(_ms(match, number, name))
        pos = match.end()
        while pos < len(line) and line[pos].isspace():
            pos += 1
    line = line[pos:]
    if times and _ANY_TAG.match(line) and _looks_like_time(line):
        _bad_time(_ANY_TAG.match(line).group(0), number, name)
    return times, line


def _ms(match: re.Match[str], number: int, name: str) -> int:
    minutes, seconds, fraction = match.groups()
    if int(seconds) >= 60:
        _bad_time(match.group(0), number, name)
    fraction_ms = int(fraction) * 10 ** (3 - len(fraction)) if fraction else 0
    return (int(minutes) * 60 + int(seconds)) * 1000 + fraction_ms


def _words(rest: str, number: int, name: str) -> tuple[tuple[int, str], ...]:
    """Enhanced LRC: (ms, word) for each ``<mm:ss.xx>``; a last time with no word ends the
    line's last word (kept with an empty word)."""
    for tag in _WORD_TAG.findall(rest):
        if not _WORD_TIME.fullmatch(tag):
            _bad_time(tag, number, name)
    matches = list(_WORD_TIME.finditer(rest))
    if not matches:
        return ()
    words = []
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(rest)
        words.append((_ms(match, number, name), " ".join(rest[match.end():end].split())))
    return tuple(words)


def _offset(value: str | None, name: str) -> int:
    if value is None or not value.strip():
        return 0
    if not _OFFSET.match(value.strip()):
        raise LyricsError(f"{name}: [offset:{value.strip()[:20]}] is not a number of "
                          "milliseconds; write e.g. [offset:+250] or [offset:-100].")
    return int(value.strip())


def _length(metadata: dict[str, str]) -> int | None:
    """``[length:mm:ss(.xx)]`` in ms, None when absent or unreadable (it is informative)."""
    match = re.fullmatch(_TIME, metadata.get("length", "").strip())
    if not match or int(match.group(2)) >= 60:
        return None
    fraction = match.group(3)
    fraction_ms = int(fraction) * 10 ** (3 - len(fraction)) if fraction else 0
    return (int(match.group(1)) * 60 + int(match.group(2))) * 1000 + fraction_ms


def _timed_lines(stamps: list[_Stamp], offset: int, length: int | None
                 ) -> tuple[LyricLine, ...]:
    """Lines sorted by time, each ending where the next time (line or gap) starts."""
    stamps = sorted(stamps, key=lambda s: (s.ms, s.order))
    later: list[int | None] = [length] * len(stamps)  # the next time after each stamp's
    for i in range(len(stamps) - 2, -1, -1):
        following = stamps[i + 1].ms
        later[i] = following if following > stamps[i].ms else later[i + 1]
    lines = []
    for i, stamp in enumerate(stamps):
        if not stamp.text:
            continue
        end_ms = later[i]
        shift = stamp.ms - stamp.base  # a repeated line's words follow each of its times
        timed = [(w_ms + shift, word) for w_ms, word in stamp.words]
        words = []
        for j, (w_ms, word) in enumerate(timed):
            if word:
                w_end = timed[j + 1][0] if j + 1 < len(timed) else end_ms
                words.append(LyricWord(_sec(w_ms, offset), _opt_sec(w_end, offset), word))
        end = _opt_sec(end_ms, offset) if end_ms is not None and end_ms > stamp.ms else None
        lines.append(LyricLine(_sec(stamp.ms, offset), end, stamp.text, tuple(words)))
    return tuple(lines)


def _sec(ms: int, offset: int) -> float:
    return max(0, ms - offset) / 1000


def _opt_sec(ms: int | None, offset: int) -> float | None:
    return None if ms is None else _sec(ms, offset)


def to_lrc(lyrics: Lyrics) -> str:
    """LRC text: metadata tags, then a
    ``[mm:ss.xx]`` line per line, enhanced ``<mm:ss.xx>`` word times when the line has words,
    and an empty timed line where a line ends before the next starts (a gap). Untimed lines are
    written as plain text lines."""
    out = [f"[{key}:{value}]" for key, value in lyrics.metadata.items() if key != "offset"]
    # (an offset is already applied to the times)
    lines = lyrics.lines
    for i, line in enumerate(lines):
        if line.start is None:
            out.append(line.text)
            continue
        out.append(f"[{format_time(line.start)}]{_enhanced(line)}")
        following = lines[i + 1].start if i + 1 < len(lines) else None
        if line.end is not None and (following is None or
                                     round(line.end * 100) < round(following * 100)):
            out.append(f"[{format_time(line.end)}]")
    return "\n".join(out) + "\n"


def _enhanced(line: LyricLine) -> str:
    if not line.words:
        return line.text
    parts = []
    for i, word in enumerate(line.words):
        parts.append(f"<{format_time(word.start)}>{word.text}")
        following = line.words[i + 1].start if i + 1 < len(line.words) else line.end
        if word.end is not None and (following is None
                                     or round(word.end * 100) != round(following * 100)):
            parts.append(f"<{format_time(word.end)}>")
    return " ".join(parts)


def read_lyrics_file(path: str | os.PathLike[str], *, what: str = "Lyrics file") -> Lyrics:
    """Lyrics from an ``.lrc`` or plain text file (UTF-8, UTF-16 with a BOM, else Windows-1252)
    or a ``.json`` written by ``lyrics --json``; ``Lyrics.source`` names the file.

    Raises LyricsError if it is missing, a folder, larger than :data:`MAX_LYRICS_BYTES`, empty,
    binary, or not lyrics.
    """
    path = Path(path)
    data = read_bytes(path, what=what, limit=MAX_LYRICS_BYTES, error=LyricsError)
    name = f"{what} '{path}'"
    if not data.strip():
        raise LyricsError(f"{name} is empty; give an .lrc file with lines like "
                          "'[00:12.34] the words'.")
    text = _decode(data, name)
    source = f"{what.lower()} '{path.name}'"
    if path.suffix.lower() == ".json":
        lyrics = Lyrics.from_dict(parse_json(text, name=str(path), what=what, error=LyricsError))
        return replace(lyrics, source=source)
    return parse_lrc(text, source=source, name=name)


def _decode(data: bytes, name: str) -> str:
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                       (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                break
    not_text = (f"{name} is not a text file; give an .lrc file (text with lines like "
                "'[00:12.34] the words').")
    if b"\x00" in data:
        raise LyricsError(not_text)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n\f")
    if controls > max(2, len(text) // 100) or text.count("\ufffd") > len(text) // 20:
        raise LyricsError(not_text)
    return text
