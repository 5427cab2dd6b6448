"""A track from a local audio file's own tags and embedded cover, so nothing needs Spotify.

- :func:`read_track_tags`  audio file -> :class:`~.track.TrackInfo` (title, artists, album,
  release date, duration, genres, cover)

Tags are read with mutagen: ID3 (mp3, wav, aiff), MP4 (m4a), FLAC and Ogg (Vorbis comments, Opus),
and APEv2/ASF through mutagen's generic key access. An embedded picture (the ID3 front cover first,
MP4 ``covr``, FLAC pictures, Ogg ``METADATA_BLOCK_PICTURE``) is written to
``cover_dir/<content hash>.<jpg|png>``; without one, a ``cover``/``folder``/``front`` image beside
the file is used. Odd or broken tags are never an error: what cannot be read is simply missing.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from music_visualizer.errors import AudioError
from music_visualizer.sources.track import TrackInfo

__all__ = ["read_track_tags"]

_FRONT_COVER = 3  # ID3 / FLAC picture type "Cover (front)"
_COVER_NAMES = ("cover", "folder", "front", "albumart", "album")
_COVER_EXTS = (".jpg", ".jpeg", ".png")
_MAX_PICTURE_BYTES = 32 << 20
_MAX_TEXT = 500  # characters kept of any one tag value
_ARTIST_SPLIT = re.compile(r"\s*(?:;|\x00|\s/\s|\s\|\s)\s*")
_GENRE_SPLIT = re.compile(r"\s*(?:;|\x00|/|,|\|)\s*")
_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def read_track_tags(path: str | os.PathLike[str], *, cover_dir: Path) -> TrackInfo:
    """Read what a local audio file says about itself.

    Parameters
    ----------
    path : the audio file (mp3, m4a, flac, ogg, opus, wav, ...).
    cover_dir : where an embedded cover is written, as ``<sha256 prefix>.<jpg|png>``
        (created when needed; the same picture is written once).

    Returns
    -------
    TrackInfo
        ``name`` is the title tag or the file's stem; ``source`` is ``"tags"`` when any tag or an
        embedded cover was found, else ``"file"``; ``duration`` is measured from the audio (None
        when it cannot be decoded); ``audio`` is the path as a string.

    Raises
    ------
    AudioError
        The path does not exist or is a folder. Unreadable or odd tags are not errors.
    """
    p = Path(path)
    if p.is_dir():
        raise AudioError(f"Audio path '{path}' is a folder, not a file; give an audio file.")
    if not p.is_file():
        raise AudioError(f"Audio file '{path}' does not exist; check the path.")

    fields, pictures, length = _read_tags(p)
    cover = None
    for data in pictures:
        cover = _save_picture(data, Path(cover_dir))
        if cover:
            break
    found_tags = any(fields.get(k) for k in ("title", "artists", "album", "date", "genres"))
    source = "tags" if found_tags or cover else "file"
    if cover is None:
        cover = _cover_beside(p)

    title = _first(fields.get("title", ()))
    return TrackInfo(
        name=title or p.stem or p.name,
        artists=_split_artists(fields.get("artists", ())),
        album=_first(fields.get("album", ())),
        release_date=_release_date(fields.get("date", ())),
        duration=_duration(p, length),
        genres=_split_genres(fields.get("genres", ())),
        cover=cover,
        audio=str(path),
        source=source,
    )


# --------------------------------------------------------------------------------------------
# Reading the tags of each container
# --------------------------------------------------------------------------------------------

Fields = dict[str, list[str]]


def _read_tags(path: Path) -> tuple[Fields, list[bytes], float | None]:
    """(text fields, embedded pictures best first, mutagen's length) - empty when unreadable."""
    try:
        import mutagen

        audio = mutagen.File(os.fspath(path))
    except Exception:
        return {}, [], None
    if audio is None:
        return {}, [], None
    length = None
    try:
        length = float(audio.info.length) if audio.info and audio.info.length else None
    except Exception:
        length = None

    fields: Fields = {}
    pictures: list[bytes] = []
    tags = getattr(audio, "tags", None)
    if tags is not None:
        from mutagen._vorbis import VComment
        from mutagen.id3 import ID3
        from mutagen.mp4 import MP4Tags

        if isinstance(tags, ID3):  # mp3, and ID3 chunks of wav/aiff
            reader = _id3
        elif isinstance(tags, MP4Tags):
            reader = _mp4
        elif isinstance(tags, VComment):  # FLAC, Ogg Vorbis/Opus/FLAC/Speex
            reader = _vorbis
        else:  # APEv2, ASF, ...
            reader = _generic
        try:
            fields, pictures = reader(tags)
        except Exception:
            fields, pictures = {}, []
    # FLAC keeps pictures in their own metadata blocks, not in the Vorbis comment
    try:
        flac_pictures = list(getattr(audio, "pictures", None) or [])
        pictures = [*_picture_blocks(flac_pictures), *pictures]
    except Exception:
        pass
    return fields, pictures, length


def _texts(values: Any) -> list[str]:
    """Non-blank strings from a tag value (ID3 frame, list, bytes, str), each bounded."""
    values = getattr(values, "text", values)
    if values is None:
        return []
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        values = [values]
    out = []
    for value in values:
        if isinstance(value, bytes):
            value = value.decode("utf-8", errors="replace")
        text = str(value).replace("\ufeff", "").strip()
        text = "".join(ch if ch.isprintable() or ch == "\x00" else " " for ch in text)
        for part in text.split("\x00"):
            part = " ".join(part.split())[:_MAX_TEXT].strip()
            if part:
                out.append(part)
    return out


def _id3(tags: Any) -> tuple[Fields, list[bytes]]:
    def frames(key: str) -> list[Any]:
        try:
            return list(tags.getall(key))
        except Exception:
            return []

    fields: Fields = {}
    for name, keys in (("title", ("TIT2",)), ("artists", ("TPE1", "TPE2")), ("album", ("TALB",)),
                       ("date", ("TDRC", "TDRL", "TDOR", "TYER"))):
        for key in keys:
            values = [t for f in frames(key) for t in _texts(f)]
            if values:
                fields[name] = values
                break
    genres: list[str] = []
    for frame in frames("TCON"):
        try:
            genres += [str(g) for g in frame.genres]  # resolves "(17)" / "17" ID3v1 numbers
        except Exception:
            genres += _texts(frame)
    fields["genres"] = genres

    apics = [f for f in frames("APIC") if isinstance(getattr(f, "data", None), bytes)]
    apics.sort(key=lambda f: 0 if getattr(f, "type", None) == _FRONT_COVER else 1)
    return fields, [f.data for f in apics]


def _mp4(tags: Any) -> tuple[Fields, list[bytes]]:
    def get(key: str) -> list[str]:
        try:
            return _texts(tags.get(key))
        except Exception:
            return []

    fields: Fields = {
        "title": get("\xa9nam"),
        "artists": get("\xa9ART") or get("aART"),
        "album": get("\xa9alb"),
        "date": get("\xa9day"),
        "genres": get("\xa9gen"),
    }
    if not fields["genres"]:
        try:
            from mutagen.id3 import TCON

            for number in tags.get("gnre") or []:  # iTunes: ID3v1 genre number + 1
                index = int(number) - 1
                if 0 <= index < len(TCON.GENRES):
                    fields["genres"].append(TCON.GENRES[index])
        except Exception:
            pass
    pictures = [bytes(c) for c in (tags.get("covr") or []) if isinstance(c, bytes)]
    return fields, pictures


def _vorbis(tags: Any) -> tuple[Fields, list[bytes]]:
    def get(*keys: str) -> list[str]:
        for key in keys:
            try:
                values = _texts(tags.get(key))
            except Exception:
                values = []
            if values:
                return values
        return []

    fields: Fields = {
        "title": get("title"),
        "artists": get("artist", "artists", "albumartist", "album artist", "performer"),
        "album": get("album"),
        "date": get("date", "year", "originaldate", "originalyear"),
        "genres": get("genre"),
    }
    blocks = []
    for raw in _raw_values(tags, "metadata_block_picture"):
        try:
            from mutagen.flac import Picture

            blocks.append(Picture(base64.b64decode(raw)))
        except Exception:
            continue
    pictures = list(_picture_blocks(blocks))
    for raw in _raw_values(tags, "coverart"):  # the old, unofficial way
        try:
            pictures.append(base64.b64decode(raw))
        except Exception:
            continue
    return fields, pictures


def _generic(tags: Any) -> tuple[Fields, list[bytes]]:
    """APEv2, ASF and other dict-like tags: match keys case-insensitively."""
    lowered: dict[str, Any] = {}
    try:
        keys = list(tags.keys())
        for key in keys:
            lowered.setdefault(str(key).lower(), key)
    except Exception:
        return {}, []

    def get(*names: str) -> list[str]:
        for name in names:
            if name in lowered:
                try:
                    values = _texts([getattr(v, "value", v) for v in _as_list(tags[lowered[name]])])
                except Exception:
                    values = []
                if values:
                    return values
        return []

    fields: Fields = {
        "title": get("title", "wm/title"),
        "artists": get("artist", "author", "wm/albumartist"),
        "album": get("album", "wm/albumtitle"),
        "date": get("year", "date", "wm/year"),
        "genres": get("genre", "wm/genre"),
    }
    return fields, []


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _raw_values(tags: Any, key: str) -> list[str]:
    try:
        return [str(v) for v in (tags.get(key) or [])]
    except Exception:
        return []


def _picture_blocks(blocks: list[Any]) -> Iterator[bytes]:
    """Picture data of FLAC picture blocks, the front cover first."""
    ordered = sorted(blocks, key=lambda b: 0 if getattr(b, "type", None) == _FRONT_COVER else 1)
    for block in ordered:
        data = getattr(block, "data", None)
        if isinstance(data, bytes) and data:
            yield data


# --------------------------------------------------------------------------------------------
# Cleaning values
# --------------------------------------------------------------------------------------------


def _first(values: list[str]) -> str | None:
    return values[0] if values else None


def _dedupe(items: Iterable[str], *, key: Any = str.casefold) -> tuple[str, ...]:
    seen: set[str] = set()
    out = []
    for item in items:
        item = item.strip()
        if item and key(item) not in seen:
            seen.add(key(item))
            out.append(item)
    return tuple(out)


def _split_artists(values: list[str]) -> tuple[str, ...]:
    """Several values, or one value joined by ``;`` or `` / ``; "feat." and "AC/DC" stay whole."""
    return _dedupe(part for value in values for part in _ARTIST_SPLIT.split(value))


def _split_genres(values: list[str]) -> tuple[str, ...]:
    """Genres lower-cased like Spotify's, split on ``; / , |`` ("Hip-Hop/Rap" -> two)."""
    parts = (p.lower() for value in values for p in _GENRE_SPLIT.split(value))
    return _dedupe(p for p in parts if any(ch.isalpha() for ch in p))


def _release_date(values: list[str]) -> str | None:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` from a date/year tag (``2020-01-31T00:00:00Z``)."""
    for value in values:
        match = _DATE.search(value)
        if not match:
            continue
        year, month, day = match.groups()
        if not 1000 <= int(year) <= 2999:
            continue
        if month and 1 <= int(month) <= 12:
            if day and 1 <= int(day) <= 31:
                return f"{year}-{int(month):02d}-{int(day):02d}"
            return f"{year}-{int(month):02d}"
        return year
    return None


def _duration(path: Path, tag_length: float | None) -> float | None:
    """Seconds of decodable audio (probe_audio), else mutagen's estimate, else None."""
    from music_visualizer.audio.load import probe_audio

    try:
        return float(probe_audio(path).duration)
    except Exception:
        return tag_length if tag_length and tag_length > 0 else None


# --------------------------------------------------------------------------------------------
# Covers
# --------------------------------------------------------------------------------------------


def _save_picture(data: bytes, cover_dir: Path) -> str | None:
    """Write picture bytes as ``cover_dir/<hash>.<jpg|png>``; None when it is not an image."""
    if not data or len(data) > _MAX_PICTURE_BYTES:
        return None
    try:
        from PIL import Image

        with Image.open(io.BytesIO(data)) as image:
            fmt = image.format
            image.load()  # a truncated picture fails here, not later in the prompts
            if fmt == "JPEG":
                ext, payload = "jpg", data
            elif fmt == "PNG":
                ext, payload = "png", data
            else:  # GIF, WebP, BMP...: store as PNG
                buffer = io.BytesIO()
                converted = image.convert("RGBA" if "A" in image.getbands() else "RGB")
                converted.save(buffer, format="PNG")
                ext, payload = "png", buffer.getvalue()
    except Exception:
        return None
    target = cover_dir / f"{hashlib.sha256(data).hexdigest()[:32]}.{ext}"
    try:
        if target.is_file() and target.stat().st_size == len(payload):
            return str(target)
        cover_dir.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        tmp.write_bytes(payload)
        os.replace(tmp, target)
    except OSError:
        return None
    return str(target)


def _cover_beside(path: Path) -> str | None:
    """``cover.jpg``, ``folder.jpg``, ``front.jpg`` (any case; .jpeg/.png too) beside the file."""
    try:
        candidates = {f.name.lower(): f for f in path.parent.iterdir() if f.is_file()}
    except OSError:
        return None
    for stem in _COVER_NAMES:
        for ext in _COVER_EXTS:
            found = candidates.get(stem + ext)
            if found is not None and found.stat().st_size > 0:
                return str(found)
    return None
