"""Which lyrics a song has, and where they came from.

- :func:`find_lyrics`   song (+ ``--lyrics FILE|none``) -> :class:`LyricsSearch`
- :func:`sidecar_path`  the ``.lrc`` next to a song with the same name, if there is one

The order: 1. the file given with ``--lyrics FILE``, else a sidecar ``.lrc`` next to the song
(``song.mp3`` -> ``song.lrc``, any case); 2. synchronised lyrics in the song's tags; 3. plain
lyrics in its tags, as untimed lines. ``--lyrics none`` turns lyrics off. A broken file the
user gave (or put next to the song) is an error; a broken tag is skipped with a note.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from music_visualizer.errors import AudioError

from .lrc import read_lyrics_file
from .tags import read_tag_lyrics
from .types import Lyrics

__all__ = ["OFF", "LyricsSearch", "find_lyrics", "sidecar_path"]

#: The ``--lyrics`` value that turns lyrics off.
OFF = "none"


@dataclass(frozen=True)
class LyricsSearch:
    """What :func:`find_lyrics` found: the lyrics (None when off or none found), the places
    looked at in words, notes on skipped tags, whether lyrics were turned off, and which step
    gave them (``source``: ``file``, ``sidecar``, ``tags``; ``aligned`` and ``recognized``
    from :func:`~.timing.timed_lyrics`; ``""`` when none)."""

    lyrics: Lyrics | None
    looked: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    off: bool = False
    source: str = ""

    def missing_message(self, song: str | os.PathLike[str]) -> str:
        """One sentence for "no lyrics": where they were looked for and how to give them."""
        name = Path(song).name
        return (f"No lyrics found for '{name}': looked for {' and in '.join(self.looked)}; give an "
                f".lrc file with --lyrics FILE or put it next to the song as "
                f"'{Path(name).with_suffix('.lrc')}'.")


def sidecar_path(song: str | os.PathLike[str]) -> Path | None:
    """``<folder>/<song stem>.lrc`` (the suffix in any case), None when there is none."""
    song = Path(song)
    exact = song.with_suffix(".lrc")
    if exact.is_file():
        return exact
    try:
        for candidate in song.parent.iterdir():
            if (candidate.stem == song.stem and candidate.suffix.lower() == ".lrc"
                    and candidate.is_file()):
                return candidate
    except OSError:
        return None
    return None


def find_lyrics(song: str | os.PathLike[str],
                lyrics: str | os.PathLike[str] | None = None) -> LyricsSearch:
    """The lyrics of ``song``, in the order of the module's docstring.

    Parameters
    ----------
    song : the audio file.
    lyrics : a lyrics file (``.lrc``, ``.txt``, or ``lyrics --json`` output), ``"none"`` for no
        lyrics, or None to look next to the song and in its tags.

    Raises
    ------
    AudioError
        The song is not a file (when its tags or sidecar are needed).
    LyricsError
        The given or sidecar lyrics file is missing, not text, too large or has a bad line.
    """
    if lyrics is not None and str(lyrics).strip().lower() == OFF:
        return LyricsSearch(None, off=True)
    if lyrics is not None and str(lyrics).strip():
        return LyricsSearch(read_lyrics_file(lyrics), (f"'{lyrics}'",), source="file")
    song = Path(song)
    if not song.is_file():
        kind = "is a folder" if song.is_dir() else "does not exist"
        raise AudioError(f"Audio file '{song}' {kind}; check the path.")
    sidecar = sidecar_path(song)
    if sidecar is not None:
        return LyricsSearch(read_lyrics_file(sidecar, what="Sidecar lyrics file"),
                            (f"'{sidecar.name}'",), source="sidecar")
    looked = (f"'{song.with_suffix('.lrc').name}' next to the song",
              "the song's tags (SYLT, USLT, SYNCEDLYRICS, LYRICS, \u00a9lyr)")
    found, notes = read_tag_lyrics(song)
    return LyricsSearch(found[0] if found else None, looked, tuple(notes),
                        source="tags" if found else "")
