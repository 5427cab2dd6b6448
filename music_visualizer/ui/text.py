"""The texts the CLI and the app share.

- :func:`track_card`     a track (and its analysis) in a few lines: plain for the terminal,
                         Markdown for the app
- :func:`markdown_text`  any text shown verbatim in a Markdown component (one escaper)
- :func:`rate_text`      a frame rate in a progress line (``3.2``, ``67.9``, ``1012``)
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["markdown_text", "rate_text", "track_card"]

_MARKDOWN_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character


def rate_text(rate: float) -> str:
    """``3.2``, ``67.9``, ``1012``: three significant digits, never ``1.01e+03``."""
    return f"{rate:.0f}" if rate >= 100 else f"{rate:.3g}"


def markdown_text(text: str) -> str:
    """Markdown that shows ``text`` exactly as written: every ASCII punctuation character is
    backslash-escaped (no emphasis, links, HTML, code or autolinks from user text), and each
    line break is kept as a hard line break."""
    lines = [_MARKDOWN_SPECIAL.sub(r"\\\1", line).strip() for line in text.splitlines()]
    return "\\\n".join(line for line in lines if line)


def track_card(track: Any, analysis: Any = None, *, markdown: bool = False) -> str:
    """A track in a few lines: title, artists, album, then its facts (duration, genres and,
    with the song's ``analysis``, tempo and key).

    Plain text for the terminal (the cover's path last), or with ``markdown`` the app's card:
    user text escaped, one paragraph a line, the song's sections or, without the song, a hint
    to upload it.
    """
    if markdown:
        return "\n\n".join(_markdown_lines(track, analysis))
    return "\n".join(_plain_lines(track, analysis))


def _plain_lines(track: Any, analysis: Any) -> list[str]:
    lines = [f"{track.name}", f"by {', '.join(track.artists) or 'unknown artist'}"]
    if track.album:
        lines.append(f"from {track.album}" + (f" ({track.release_date})"
                                               if track.release_date else ""))
    details = []
    if track.duration:
        details.append(f"{int(track.duration // 60)}:{track.duration % 60:04.1f}")
    if track.genres:
        details.append(", ".join(track.genres[:4]))
    if analysis is not None:
        details.append(f"{analysis.tempo:.0f} BPM, {analysis.key or 'key unclear'}, "
                       f"{len(analysis.sections)} sections")
    if details:
        lines.append(" · ".join(details))
    if track.cover:
        lines.append(f"cover: {track.cover}")
    return lines


def _markdown_lines(track: Any, analysis: Any) -> list[str]:
    esc = markdown_text
    lines = [f"### {esc(track.name)}", f"**{esc(', '.join(track.artists) or 'Unknown artist')}**"]
    if track.album:
        date = f" ({esc(track.release_date[:4])})" if track.release_date else ""
        lines.append(f"{esc(track.album)}{date}")
    facts = [f"Duration {_clock(analysis.duration if analysis else track.duration)}"]
    if analysis is not None:
        facts += [f"{analysis.tempo:.0f} BPM", f"key {analysis.key or 'unclear'}",
                  f"{analysis.meter} beats a bar"]
    if track.genres:
        facts.append(esc(", ".join(track.genres[:3])))
    lines.append(" · ".join(facts))
    if analysis is not None and analysis.sections:
        lines.append("Sections: " + ", ".join(
            f"{esc(s.label)} {_clock(s.start)}" for s in analysis.sections))
    elif analysis is None:
        lines.append("*Upload the song for tempo, key, sections and a video in sync.*")
    return lines


def _clock(seconds: float | None) -> str:
    """``m:ss`` (``?`` when unknown)."""
    if seconds is None:
        return "?"
    seconds = round(seconds)
    return f"{seconds // 60}:{seconds % 60:02d}"
