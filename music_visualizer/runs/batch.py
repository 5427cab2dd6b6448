"""Batch records: ``<output_dir>/batch_<timestring>.json``, the songs of one ``render-batch``.

- :class:`BatchSong`    one song: where it came from, its run's folder and timestring, its state
- :class:`BatchRecord`  the batch: its key (the command that made it), its songs
- :func:`batch_path`, :func:`write_batch`, :func:`read_batch`
- :func:`find_batch`    the latest batch made by the same command (its key), to continue it
- :func:`list_batches`  every batch under an output folder, newest first (``runs`` shows them)

The record is what makes a batch resumable: each song's timestring is fixed when the batch is
first written, so running the same command again finds every song's run and resumes it.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from ..errors import RunError
from ..files import atomic_write_json

__all__ = ["STATES", "BatchRecord", "BatchSong", "batch_path", "find_batch", "list_batches",
           "read_batch", "write_batch"]

FORMAT = 1
#: A song's states: not started, being rendered, finished (frames and video), stopped by an
#: error (``error`` says which).
STATES = ("pending", "rendering", "done", "failed")


@dataclass(frozen=True)
class BatchSong:
    source: str  # what the user gave: a file, a link, "list.txt:3"
    song: str  # the run folder's song name
    timestring: str
    folder: str  # the run folder
    audio: str | None = None
    link: str | None = None
    state: str = "pending"
    done: int = 0
    total: int = 0
    error: str | None = None

    def describe(self) -> str:
        frames = f"{self.done}/{self.total} frames" if self.total else "not started"
        error = f": {self.error}" if self.error else ""
        return f"  {self.timestring}  {self.song}  {self.state}, {frames}{error}"


@dataclass(frozen=True)
class BatchRecord:
    timestring: str
    key: str  # the command's fingerprint: sources, settings file, flags
    created: str
    songs: tuple[BatchSong, ...]
    format: int = FORMAT

    def to_json(self) -> dict[str, Any]:
        return {"format": self.format, "timestring": self.timestring, "key": self.key,
                "created": self.created, "songs": [asdict(s) for s in self.songs]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BatchRecord:
        songs = tuple(BatchSong(**{k: v for k, v in s.items()
                                   if k in BatchSong.__dataclass_fields__})
                      for s in data["songs"])
        return cls(str(data["timestring"]), str(data["key"]), str(data.get("created", "")),
                   songs, int(data.get("format", FORMAT)))

    def with_song(self, index: int, **changes: Any) -> BatchRecord:
        songs = list(self.songs)
        songs[index] = replace(songs[index], **changes)
        return replace(self, songs=tuple(songs))

    @property
    def finished(self) -> bool:
        return all(s.state == "done" for s in self.songs)

    def describe(self) -> str:
        counts = {state: sum(s.state == state for s in self.songs) for state in STATES}
        shown = ", ".join(f"{n} {state}" for state, n in counts.items() if n)
        lines = [f"batch {self.timestring}: {len(self.songs)} songs ({shown})"]
        return "\n".join(lines + [s.describe() for s in self.songs])


def batch_path(output_dir: str | os.PathLike[str], timestring: str) -> Path:
    return Path(output_dir) / f"batch_{timestring}.json"


def write_batch(output_dir: str | os.PathLike[str], record: BatchRecord) -> Path:
    path = batch_path(output_dir, record.timestring)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_json(path, record.to_json())
    return path


def read_batch(path: str | os.PathLike[str]) -> BatchRecord:
    """The batch record at ``path``; RunError (one sentence) when it is not one."""
    try:
        return BatchRecord.from_json(json.loads(Path(path).read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise RunError(f"'{path}' is not a readable batch record ({type(e).__name__}); move it "
                       "away and run the command again.") from None


def list_batches(output_dir: str | os.PathLike[str]) -> list[BatchRecord]:
    """Every readable batch record under ``output_dir``, newest first."""
    records = []
    for path in Path(output_dir).glob("batch_*.json"):
        try:
            records.append(read_batch(path))
        except RunError:
            continue
    return sorted(records, key=lambda r: r.timestring, reverse=True)


def find_batch(output_dir: str | os.PathLike[str], key: str) -> BatchRecord | None:
    """The newest batch the same command made (same ``key``), or None."""
    return next((r for r in list_batches(output_dir) if r.key == key), None)
