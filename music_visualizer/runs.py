"""Run folders, timestrings, atomic writes and resume discovery.

A run lives in ``<root>/<YYYY-MM>/<Song_name>/`` and consists of

- ``<timestring>_settings.json``  everything needed to reproduce (and resume) the run
- ``<timestring>_<frame:05d>.png`` one file per frame, written atomically
- ``<timestring>.mp4``            the video

Functions:

- :func:`safe_name`            a song title made safe for every file system
- :func:`new_timestring`       ``YYYYmmddHHMMSS``, unique in a folder
- :func:`song_dir`             the run folder of a song for a timestring
- :func:`frame_path`, :func:`settings_path`, :func:`video_path`
- :func:`atomic_write_bytes`, :func:`atomic_write_json`, :func:`read_run_record`
- :func:`done_frames`          how many leading frames exist (resume starts there)
- :func:`list_runs`            the runs of a folder with their progress
- :class:`FrameWriter`         a background PNG writer with a bounded queue
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import queue
import re
import tempfile
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .errors import RunError
from .png import encode_png

__all__ = [
    "FrameWriter",
    "RunSummary",
    "atomic_write_bytes",
    "atomic_write_json",
    "done_frames",
    "find_run",
    "frame_path",
    "list_runs",
    "new_timestring",
    "read_run_record",
    "safe_name",
    "settings_path",
    "song_dir",
    "video_path",
]

_TIMESTRING = re.compile(r"^\d{14}$")
_FORBIDDEN = re.compile(r'[/\\:*?"<>|\x00-\x1f\x7f]')
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"COM{i}" for i in range(1, 10)} | {
    f"LPT{i}" for i in range(1, 10)
}
MAX_NAME_BYTES = 120


def safe_name(text: str, *, default: str = "Untitled") -> str:
    """Make ``text`` a folder name that is legal on Windows, macOS, Linux and Drive.

    Spaces become ``_``; ``/ \\ : * ? " < > |`` and control characters are removed; no leading
    dots (so no ``..`` and no hidden folders); Unicode letters are kept (NFC); at most
    120 bytes of UTF-8; Windows device names get a trailing ``_``.
    """
    text = unicodedata.normalize("NFC", str(text))
    text = re.sub(r"\s+", "_", text.strip())
    text = _FORBIDDEN.sub("", text)
    text = re.sub(r"\.{2,}", ".", text)
    text = text.lstrip(".").rstrip(". _")
    encoded = text.encode("utf-8")[:MAX_NAME_BYTES]
    text = encoded.decode("utf-8", errors="ignore").rstrip(". _")
    if not text:
        return default
    if text.split(".")[0].upper() in _WINDOWS_RESERVED:
        text += "_"
    return text


def new_timestring(folder: Path | None = None, *, now: _dt.datetime | None = None) -> str:
    """``YYYYmmddHHMMSS`` of ``now``; moved on by seconds until no run in ``folder`` has it."""
    moment = (now or _dt.datetime.now()).replace(microsecond=0)
    while True:
        stamp = moment.strftime("%Y%m%d%H%M%S")
        if folder is None or not any(Path(folder).glob(f"{stamp}_*")):
            return stamp
        moment += _dt.timedelta(seconds=1)


def check_timestring(timestring: str) -> str:
    """Return ``timestring`` stripped, or raise RunError if it is not ``YYYYmmddHHMMSS``."""
    ts = str(timestring).strip()
    if not _TIMESTRING.match(ts):
        raise RunError(
            f"Timestring '{timestring}' is not 14 digits (YYYYmmddHHMMSS, e.g. 20261122143000)."
        )
    return ts


def song_dir(root: str | os.PathLike[str], song: str, timestring: str) -> Path:
    """``<root>/<YYYY-MM>/<safe song name>`` for a run started at ``timestring``."""
    ts = check_timestring(timestring)
    return Path(root) / f"{ts[:4]}-{ts[4:6]}" / safe_name(song)


def frame_path(folder: Path, timestring: str, index: int) -> Path:
    return Path(folder) / f"{timestring}_{index:05d}.png"


def settings_path(folder: Path, timestring: str) -> Path:
    return Path(folder) / f"{timestring}_settings.json"


def video_path(folder: Path, timestring: str) -> Path:
    return Path(folder) / f"{timestring}.mp4"


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temp file in the same folder and an atomic rename."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with contextlib.suppress(OSError):
            os.fchmod(fd, 0o644)  # mkstemp makes 0600; frames and settings are for sharing
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_json(path: Path, data: Any) -> None:
    atomic_write_bytes(path, (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode())


def read_run_record(folder: Path, timestring: str) -> dict[str, Any]:
    """Read ``<timestring>_settings.json``; raise RunError if it is missing or unreadable."""
    path = settings_path(folder, timestring)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RunError(f"Run {timestring} has no settings file '{path}'.") from None
    except (OSError, ValueError) as e:
        raise RunError(f"Run {timestring}: settings file '{path}' is unreadable ({e}).") from None


def _frame_indices(folder: Path, timestring: str) -> set[int]:
    pattern = re.compile(rf"^{re.escape(timestring)}_(\d{{5,}})\.png$")
    found = set()
    for name in os.listdir(folder):
        match = pattern.match(name)
        if match:
            found.add(int(match.group(1)))
    return found


def done_frames(folder: Path, timestring: str, n_frames: int, *, clean: bool = False) -> int:
    """Number of frames written without a gap from frame 0: resume continues at this frame.

    Reads frame numbers from file names (not a file count, which a stray file would break).
    With ``clean`` (only when resuming, never while a render may be running) it removes the
    leftover temp files of a killed writer.
    """
    folder = Path(folder)
    if clean:
        for leftover in folder.glob(f".{timestring}_*.tmp"):
            leftover.unlink(missing_ok=True)
    found = _frame_indices(folder, timestring)
    index = 0
    while index < n_frames and index in found:
        index += 1
    return index


@dataclass(frozen=True)
class RunSummary:
    """One run of a song folder, for listing and resume menus."""

    timestring: str
    folder: Path
    done: int
    total: int
    has_video: bool

    @property
    def complete(self) -> bool:
        return self.done >= self.total

    def describe(self) -> str:
        state = "complete" if self.complete else "resumable"
        video = ", video" if self.has_video else ""
        return f"{self.timestring}  {self.done}/{self.total} frames ({state}{video})"


def list_runs(folder: Path) -> list[RunSummary]:
    """Every run with a settings file in ``folder``, newest first."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    runs = []
    for path in folder.glob("*_settings.json"):
        ts = path.name[: -len("_settings.json")]
        if not _TIMESTRING.match(ts):
            continue
        try:
            total = int(json.loads(path.read_text(encoding="utf-8"))["n_frames"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        runs.append(RunSummary(ts, folder, done_frames(folder, ts, total), total,
                               video_path(folder, ts).exists()))
    return sorted(runs, key=lambda r: r.timestring, reverse=True)


def find_run(root: str | os.PathLike[str], song: str, timestring: str) -> Path:
    """The folder of run ``timestring`` of ``song`` under ``root``.

    Raises
    ------
    RunError
        If there is no such run; the message lists the song's runs that can be resumed.
    """
    ts = check_timestring(timestring)
    folder = song_dir(root, song, ts)
    if settings_path(folder, ts).is_file():
        return folder
    # named otherwise (e.g. "Artist - Title" from a Spotify link): find it by its timestring;
    # the caller checks that the audio is the same
    found = sorted(Path(root).glob(f"[0-9][0-9][0-9][0-9]-[0-9][0-9]/*/{ts}_settings.json"))
    if len(found) == 1:
        return found[0].parent
    song_root = Path(root)
    candidates = []
    for month in sorted(song_root.glob("[0-9][0-9][0-9][0-9]-[0-9][0-9]")):
        candidates += [r for r in list_runs(month / safe_name(song)) if not r.complete]
    listing = ", ".join(r.timestring for r in candidates[:10]) or "none"
    raise RunError(
        f"No run {ts} of '{safe_name(song)}' under '{root}'. "
        f"Resumable runs of this song: {listing}."
    )


class FrameWriter:
    """Writes frames as PNG in a background thread, atomically, behind a bounded queue.

    ``submit`` blocks when ``max_pending`` frames wait (backpressure keeps memory bounded). A
    failure in the thread is raised again by the next ``submit`` or by ``close``.
    """

    def __init__(self, folder: Path, timestring: str, *, max_pending: int = 8) -> None:
        self.folder = Path(folder)
        self.timestring = timestring
        self._queue: queue.Queue[tuple[int, Any] | None] = queue.Queue(maxsize=max_pending)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._work, name="frame-writer", daemon=True)
        self._thread.start()

    def _work(self) -> None:
        # Below the frame loop in priority (Linux: per thread): PNG encoding takes the CPU the
        # loop leaves, e.g. while the GPU runs the model; backpressure keeps it from falling behind.
        with contextlib.suppress(AttributeError, OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
        while True:
            item = self._queue.get()
            if item is None:
                return
            if self._error is not None:
                continue
            index, frame = item
            try:
                data = encode_png(_to_hwc_uint8(frame))
                atomic_write_bytes(frame_path(self.folder, self.timestring, index), data)
            except BaseException as e:  # reported to the producer
                self._error = e

    def submit(self, index: int, frame: Any) -> None:
        """Queue ``frame`` (uint8 tensor/array, CHW or HWC, optionally with a batch of 1)."""
        if self._error is not None:
            raise self._error
        self._queue.put((index, frame))

    def close(self) -> None:
        """Wait until every queued frame is on disk; raise the writer's error if there was one."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        if self._error is not None:
            raise self._error

    def __enter__(self) -> FrameWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _to_hwc_uint8(frame: Any) -> np.ndarray:
    """A uint8 (H, W, 3) array from a tensor or array in CHW/HWC, with an optional batch dim."""
    if hasattr(frame, "detach"):
        frame = frame.detach().cpu().numpy()
    array = np.asarray(frame)
    if array.ndim == 4:
        array = array[0]
    if array.ndim == 3 and array.shape[0] in (1, 3) and array.shape[-1] not in (1, 3):
        array = np.transpose(array, (1, 2, 0))
    if array.dtype != np.uint8:
        raise TypeError(f"frames must be uint8, got {array.dtype}")
    return np.ascontiguousarray(array)
