"""The songs of a ``render-batch``: audio files, folders of them, list files, Spotify links.

- :class:`SongSource`     one song: a file and/or a track link, and where it was named
- :func:`expand_sources`  what the user gave -> the songs, in order, or one sentence on the
                          first thing that is not a song

A list file (any file that is not audio: ``songs.txt``) has one song per line: an audio file,
a Spotify track link, or a link followed by ``--audio PATH``; blank lines and lines starting
with ``#`` are skipped; relative paths are relative to the list file; quotes are needed only
around a path with spaces followed by more words. An album or playlist link (on the command
line or in a list) becomes its tracks through the Spotify API.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import UserError

__all__ = ["AUDIO_SUFFIXES", "SongSource", "expand_sources"]

AUDIO_SUFFIXES = (".mp3", ".wav", ".ogg", ".oga", ".flac", ".m4a", ".aac", ".opus", ".aiff",
                  ".aif", ".wma")


@dataclass(frozen=True)
class SongSource:
    """One song of a batch: ``audio`` and/or a Spotify track ``link``; ``origin`` says where
    the user named it (a path, ``songs.txt:3``, an album link)."""

    origin: str
    audio: Path | None = None
    link: str | None = None

    @property
    def label(self) -> str:
        return str(self.audio.name if self.audio is not None else self.link)


def _is_audio(path: Path) -> bool:
    return path.suffix.lower() in AUDIO_SUFFIXES


def _folder(path: Path) -> list[SongSource]:
    songs = [SongSource(str(p), audio=p) for p in sorted(path.iterdir())
             if p.is_file() and _is_audio(p)]
    if not songs:
        raise UserError(f"Folder '{path}' has no audio files ({', '.join(AUDIO_SUFFIXES[:6])}, "
                        "...); give a folder of songs.")
    return songs


def _link(text: str, origin: str, expand: Callable[[str], list[str]] | None
          ) -> list[SongSource]:
    """A track link as one song; an album or playlist link as its tracks."""
    from .spotify import collection_kind, looks_like_spotify_link, parse_track_id

    if not looks_like_spotify_link(text):
        raise UserError(f"{origin}: '{text}' is neither a file nor a Spotify link; give an "
                        "audio file, a folder, a list file or a Spotify link.")
    if collection_kind(text) is not None:
        from .spotify import fetch_collection_links

        links = (expand or fetch_collection_links)(text)
        return [SongSource(f"{origin} #{i}", link=link) for i, link in enumerate(links, 1)]
    parse_track_id(text)  # a clear error for any other kind of link
    return [SongSource(origin, link=text)]


def _line(text: str, origin: str, base: Path,
          expand: Callable[[str], list[str]] | None) -> list[SongSource]:
    """One line of a list file: ``SONG``, ``LINK`` or ``LINK --audio PATH`` (a whole line
    that is a file or folder needs no quotes)."""
    from .spotify import looks_like_spotify_link

    whole = base / Path(text).expanduser()
    if whole.is_file() and _is_audio(whole):
        return [SongSource(origin, audio=whole)]
    if whole.is_dir():
        return _folder(whole)
    try:
        words = shlex.split(text)
    except ValueError as e:
        raise UserError(f"{origin}: cannot read the line ({e}); quote paths with spaces.") \
            from None
    audio = None
    if "--audio" in words:
        at = words.index("--audio")
        if at + 1 >= len(words):
            raise UserError(f"{origin}: --audio needs a path after it.")
        audio = base / Path(words[at + 1]).expanduser()
        words = words[:at] + words[at + 2:]
        if not audio.is_file():
            raise UserError(f"{origin}: audio file '{audio}' does not exist; check the path.")
    if len(words) > 1 and audio is None and not looks_like_spotify_link(words[0]):
        # not one path (that was checked), not a link followed by something
        raise UserError(f"{origin}: '{text}' is neither a file nor a Spotify link; give an "
                        "audio file, a folder, a list file or a Spotify link.")
    if len(words) != 1:
        raise UserError(f"{origin}: give one song or link per line (and optionally --audio "
                        "PATH); quote paths with spaces.")
    word = words[0]
    path = base / Path(word).expanduser()
    if audio is None and path.is_file() and _is_audio(path):
        return [SongSource(origin, audio=path)]
    if path.is_dir():
        return _folder(path)
    songs = _link(word, origin, expand)
    if audio is not None:
        if len(songs) != 1:
            raise UserError(f"{origin}: --audio goes with a track link, not an album or "
                            "playlist.")
        return [SongSource(origin, audio=audio, link=songs[0].link)]
    return songs


def _list_file(path: Path, expand: Callable[[str], list[str]] | None) -> list[SongSource]:
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except UnicodeDecodeError:
        raise UserError(f"'{path}' is neither an audio file nor a text list of songs; give "
                        "audio files, folders, a list file or Spotify links.") from None
    songs = []
    for number, line in enumerate(lines, 1):
        text = line.strip()
        if text and not text.startswith("#"):
            songs += _line(text, f"{path.name}:{number}", path.parent, expand)
    if not songs:
        raise UserError(f"List file '{path}' names no songs; write one song or link per line.")
    return songs


def expand_sources(sources: Sequence[str],
                   expand_collection: Callable[[str], list[str]] | None = None
                   ) -> list[SongSource]:
    """The songs ``sources`` name, in order (see the module docstring).

    ``expand_collection(link)``: an album or playlist link -> its track links (default:
    :func:`~music_visualizer.sources.spotify.fetch_collection_links`).

    Raises
    ------
    UserError
        One sentence naming the first source (or list line) that is not a song.
    """
    songs: list[SongSource] = []
    for source in sources:
        path = Path(source).expanduser()
        if path.is_dir():
            songs += _folder(path)
        elif path.is_file():
            songs += ([SongSource(source, audio=path)] if _is_audio(path)
                      else _list_file(path, expand_collection))
        else:
            songs += _link(source, source, expand_collection)
    if not songs:
        raise UserError("No songs given; name audio files, folders, list files or Spotify "
                        "links.")
    return songs
