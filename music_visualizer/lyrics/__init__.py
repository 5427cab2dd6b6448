"""Lyrics as timed, plain data: from LRC files and from the tags of audio files.

- :mod:`.types`  ``LyricWord``, ``LyricLine``, ``Lyrics`` (frozen; ``to_dict``/``from_dict``)
- :mod:`.lrc`    LRC and enhanced LRC in and out; lyrics files on disk
- :mod:`.tags`   synchronised and plain lyrics embedded in audio files (mutagen)
- :mod:`.find`   which lyrics a song has: ``--lyrics FILE``, a sidecar ``.lrc``, synced tags,
  plain tags (untimed), in that order; ``--lyrics none`` turns them off
- :mod:`.timing` ``timed_lyrics``: what ``find`` found, plain lyrics timed, else transcribed
- :mod:`.align`  plain lyrics timed by recognised words, or by the voice's syllables (no model)
- :mod:`.recognize` a transformers Whisper with word timestamps
"""

from __future__ import annotations

from .find import LyricsSearch, find_lyrics
from .lrc import format_time, parse_lrc, read_lyrics_file, to_lrc
from .types import LyricLine, Lyrics, LyricWord

__all__ = ["LyricLine", "LyricWord", "Lyrics", "LyricsSearch", "find_lyrics", "format_time",
           "parse_lrc", "read_lyrics_file", "to_lrc"]
