"""What we know about a track, from Spotify, from the file's tags, or both.

- :class:`TrackInfo`  title, artists, album, release date, duration, genres, cover, audio path
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

__all__ = ["TrackInfo"]


@dataclass(frozen=True)
class TrackInfo:
    """A track. ``cover`` and ``audio`` are local file paths (or None)."""

    name: str
    artists: tuple[str, ...] = ()
    album: str | None = None
    release_date: str | None = None
    duration: float | None = None  # seconds
    genres: tuple[str, ...] = ()
    cover: str | None = None
    audio: str | None = None
    id: str | None = None  # Spotify track id
    source: str = "file"  # "spotify", "tags" or "file"

    @property
    def display_name(self) -> str:
        """``"Artist, Artist - Title"`` (or just the title), e.g. for the run folder."""
        return f"{', '.join(self.artists)} - {self.name}" if self.artists else self.name

    def with_updates(self, **changes: Any) -> TrackInfo:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """The ``track`` object of the ``prompts`` JSON."""
        data = asdict(self)
        data["artists"] = list(self.artists)
        data["genres"] = list(self.genres)
        return {k: data[k] for k in ("id", "name", "artists", "album", "release_date",
                                      "duration", "genres", "cover", "audio", "source")}
