"""From what the user gave (a Spotify link, an audio file, or both) to one :class:`TrackInfo`.

- :func:`resolve_track`  Spotify metadata when there is a link, the file's tags otherwise; the
                         given audio file wins, else (only when asked) spotdl downloads it
- :func:`covers_dir`, :func:`downloads_dir`  where covers and downloads are cached
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import UserError
from .track import TrackInfo

__all__ = ["covers_dir", "downloads_dir", "resolve_track"]


def _cache_root(cache_dir: Path | None) -> Path:
    from ..audio.analysis import default_cache_dir

    return Path(cache_dir) if cache_dir else default_cache_dir()


def covers_dir(cache_dir: Path | None = None) -> Path:
    path = _cache_root(cache_dir) / "covers"
    path.mkdir(parents=True, exist_ok=True)
    return path


def downloads_dir(cache_dir: Path | None = None) -> Path:
    path = _cache_root(cache_dir) / "downloads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def resolve_track(link: str | None = None, audio: str | os.PathLike[str] | None = None, *,
                  download: bool = False, cache_dir: Path | None = None
                  ) -> tuple[TrackInfo, list[str]]:
    """The track and any warnings for the user (after a download, also whether lyrics came).

    Parameters
    ----------
    link : str, optional
        A Spotify track link (any form users paste).
    audio : path, optional
        The song's audio file. It wins over a download; without a link its tags and embedded
        cover describe the track.
    download : bool
        With a link and no audio: download the audio with spotdl (never for ``prompts``).

    Raises
    ------
    UserError
        Neither a link nor a file, a bad link, Spotify errors, unreadable audio, a failed download.
    """
    from ..audio.load import probe_audio

    warnings: list[str] = []
    if not link and audio is None:
        raise UserError("Give a Spotify track link or an audio file (or both).")
    if audio is not None:
        probe_audio(audio)  # a clear error for a missing or broken file, before anything else
    if not link:
        from .tags import read_track_tags

        return read_track_tags(Path(audio), cover_dir=covers_dir(cache_dir)), warnings

    from .spotify import SpotifyError, fetch_track, parse_track_id

    parse_track_id(link)  # a bad link is always an error
    try:
        track = fetch_track(link, cover_dir=covers_dir(cache_dir))
    except SpotifyError as e:
        if audio is None:
            raise
        from .tags import read_track_tags

        warnings.append(f"{e} Using the audio file's own tags instead.")
        return read_track_tags(Path(audio), cover_dir=covers_dir(cache_dir)), warnings
    if audio is not None:
        track = track.with_updates(audio=str(Path(audio)))
        if track.cover is None:  # Spotify had no cover: the file's own, if it has one
            from .tags import read_track_tags

            tagged = read_track_tags(Path(audio), cover_dir=covers_dir(cache_dir))
            track = track.with_updates(cover=tagged.cover)
    elif download:
        from .download import download_track, lyrics_report

        path, warning = download_track(track, link, out_dir=downloads_dir(cache_dir))
        track = track.with_updates(audio=str(path))
        if warning:
            warnings.append(warning)
        warnings.append(lyrics_report(path))  # whether lyrics came with the download
    return track, warnings
