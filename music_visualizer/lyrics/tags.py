"""Lyrics embedded in audio files, read with mutagen.

- :func:`read_tag_lyrics`  audio file -> the lyrics its tags hold, synchronised ones first, and
  notes on tags that could not be used

Synchronised: ID3 ``SYLT`` timed in milliseconds (one entry per line, or per syllable with a
newline starting each line, as the ID3 standard says); LRC text in ID3 ``USLT``/``TXXX:LYRICS``,
in the Vorbis comments ``SYNCEDLYRICS``/``LYRICS`` of FLAC and Ogg files, in MP4 ``©lyr`` and in
APEv2 ``LYRICS``. Plain text without times in the same tags becomes untimed lines (to be timed
by a later alignment step). A ``SYLT`` timed in MPEG frames, or a tag whose LRC text is broken,
is skipped with a note saying why. Unreadable files have no lyrics; they are never an error here.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from music_visualizer.errors import LyricsError

from .lrc import has_time_tags, parse_lrc
from .types import LyricLine, Lyrics, LyricWord

__all__ = ["read_tag_lyrics"]

_SYLT_MS = 2  # ID3 SYLT time stamp format: 1 = MPEG frames, 2 = milliseconds
_SYLT_LYRICS = 1  # ID3 SYLT content type "lyrics"
_MAX_TAG_CHARS = 1 << 20
_VORBIS_KEYS = ("syncedlyrics", "lyrics", "unsyncedlyrics", "unsynced lyrics")
_TXXX_KEYS = ("syncedlyrics", "lyrics", "unsyncedlyrics")


def read_tag_lyrics(path: str | os.PathLike[str]) -> tuple[list[Lyrics], list[str]]:
    """The lyrics in ``path``'s tags, timed ones first (then in the order above), and notes
    (one sentence each) on lyrics tags that were skipped. Both empty without lyrics tags."""
    path = Path(path)
    try:
        import mutagen

        audio = mutagen.File(os.fspath(path))
    except Exception:
        return [], []
    tags = getattr(audio, "tags", None) if audio is not None else None
    if tags is None:
        return [], []
    from mutagen._vorbis import VComment
    from mutagen.id3 import ID3
    from mutagen.mp4 import MP4Tags

    if isinstance(tags, ID3):
        texts, found, notes = _id3(tags, path)
    elif isinstance(tags, MP4Tags):
        texts = [("MP4 \u00a9lyr tag", t) for t in _values(tags.get("\xa9lyr"))]
        found, notes = [], []
    elif isinstance(tags, VComment):
        texts, found, notes = _keyed(tags, _VORBIS_KEYS, "Vorbis comment"), [], []
    else:
        texts, found, notes = _keyed(tags, _VORBIS_KEYS, "tag"), [], []
    for label, text in texts:
        lyrics = _from_text(text, label, path, notes)
        if lyrics is not None:
            found.append(lyrics)
    found.sort(key=lambda lyrics: not lyrics.timed)  # stable: timed first, in reading order
    return found, notes


def _id3(tags: Any, path: Path) -> tuple[list[tuple[str, str]], list[Lyrics], list[str]]:
    """ID3: SYLT frames read, and the texts of USLT and TXXX lyrics frames."""
    found, notes = [], []
    sylts = sorted(_frames(tags, "SYLT"), key=lambda f: getattr(f, "type", 0) != _SYLT_LYRICS)
    for frame in sylts:
        if getattr(frame, "format", _SYLT_MS) != _SYLT_MS:
            notes.append(f"The ID3 SYLT tag of '{path.name}' is timed in MPEG frames, which "
                         "this program does not read; save the lyrics as an .lrc file next to "
                         "the song or retime the tag in milliseconds.")
            continue
        lines = _sylt_lines(list(getattr(frame, "text", None) or []))
        if lines:
            found.append(Lyrics(lines, "ID3 SYLT tag"))
    texts = [("ID3 USLT tag", t) for f in _frames(tags, "USLT") for t in _values(f.text)]
    for frame in _frames(tags, "TXXX"):
        desc = str(getattr(frame, "desc", "")).strip().lower()
        if desc in _TXXX_KEYS:
            texts += [(f"ID3 TXXX:{frame.desc} tag", t) for t in _values(frame.text)]
    return texts, found, notes


def _frames(tags: Any, key: str) -> list[Any]:
    try:
        return list(tags.getall(key))
    except Exception:
        return []


def _sylt_lines(entries: list[tuple[str, int]]) -> tuple[LyricLine, ...]:
    """SYLT (text, ms) entries -> lines. With a newline in any entry, entries are syllables and
    a newline starts a line; otherwise each entry is a line. An empty entry is a gap."""
    entries = sorted(((str(t), int(ms)) for t, ms in entries if isinstance(ms, int) and ms >= 0),
                     key=lambda e: e[1])
    syllables = any("\n" in t or "\r" in t for t, _ in entries)
    groups: list[list[tuple[str, int]]] = []
    for text, ms in entries:
        starts_line = not syllables or text.startswith(("\n", "\r")) or not groups
        if starts_line or not text.strip():
            groups.append([])
        groups[-1].append((text.strip("\r\n"), ms))
    lines = []
    for i, group in enumerate(groups):
        text = " ".join("".join(t for t, _ in group).split())
        if not text:
            continue
        end_ms = groups[i + 1][0][1] if i + 1 < len(groups) else None
        words = ()
        if syllables:
            ends = [ms for _, ms in group[1:]] + [end_ms]
            words = tuple(LyricWord(ms / 1000, None if e is None else e / 1000, t.strip())
                          for (t, ms), e in zip(group, ends, strict=True) if t.strip())
        lines.append(LyricLine(group[0][1] / 1000, None if end_ms is None else end_ms / 1000,
                               text, words))
    return tuple(lines)


def _keyed(tags: Any, keys: Iterable[str], kind: str) -> list[tuple[str, str]]:
    """Texts of the lyrics keys of dict-like tags (Vorbis comments, APEv2), case-insensitive."""
    try:
        present = list(tags.keys())  # Vorbis comments iterate as (key, value) pairs
        names = {str(k).lower(): k for k in present}
    except Exception:
        return []
    out = []
    for key in keys:
        if key in names:
            try:
                value = tags[names[key]]
            except Exception:
                continue
            out += [(f"{str(names[key]).upper()} {kind}", t) for t in _values(value)]
    return out


def _values(value: Any) -> list[str]:
    """Non-blank texts of a tag value (a list, a frame's text, APEv2 value, bytes, str)."""
    value = getattr(value, "text", value)
    if value is None:
        return []
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        value = [value]
    out = []
    for item in value:
        item = getattr(item, "value", item)
        if isinstance(item, bytes):
            item = item.decode("utf-8", errors="replace")
        text = str(item)[:_MAX_TAG_CHARS]
        if text.strip():
            out.append(text)
    return out


def _from_text(text: str, label: str, path: Path, notes: list[str]) -> Lyrics | None:
    """LRC text -> timed lyrics; plain text -> untimed lines; broken LRC -> a note."""
    if has_time_tags(text):
        try:
            return parse_lrc(text, source=label, name=f"The {label} of '{path.name}'")
        except LyricsError as e:
            notes.append(f"{e} It was skipped.")
            return None
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        return None
    return Lyrics(tuple(LyricLine(None, None, line) for line in lines),
                  f"{label} (plain text, untimed)")
