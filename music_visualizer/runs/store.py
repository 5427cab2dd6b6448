"""Run folders, timestrings, atomic writes and resume discovery.

A run lives in ``<root>/<YYYY-MM>/<Song_name>/`` and consists of

- ``<timestring>_settings.json``  everything needed to reproduce (and resume) the run
- ``<timestring>_<frame:05d>.png`` one file per frame, written atomically
- ``<timestring>.mp4``            the video
- ``<timestring>.lock``           present while a process renders the run (``flock``-ed)
- ``<timestring>_segments/``      ``keep_frames: none``: the video in segments, listed in
  ``segments.json`` (see :mod:`~music_visualizer.runs.segments`); their frames are deleted

Functions:

- :func:`safe_name`            a song title made safe for every file system
- :func:`new_timestring`       ``YYYYmmddHHMMSS``, unique in a folder (a guess: see below)
- :func:`reserve_timestring`   claim a timestring atomically by creating its settings file
- :func:`check_timestring`     validate a user's timestring
- :func:`song_dir`             the run folder of a song for a timestring
- :func:`frame_path`, :func:`settings_path`, :func:`video_path`, :func:`lock_path`,
  :func:`lyrics_path`, :func:`segments_dir`
- :func:`atomic_write_bytes`, :func:`atomic_write_json` (from :mod:`music_visualizer.files`)
- :func:`read_record_file`, :func:`read_run_record`  a run record's JSON, bounded (checked by
  :mod:`~music_visualizer.runs.record`)
- :func:`storage_problem`      what a failed write (read-only, no permission, full disk) means
- :func:`scan_frames`, :func:`done_frames`  how many leading frames exist whole (resume starts
  there), and the first damaged one
- :class:`RunLock`             the exclusive lock a render holds on its run
- :func:`run_is_live`          whether some thread or process is rendering a run now
- :func:`list_runs`            the runs of a folder with their progress
- :func:`song_runs`            every run of one audio file under an output root
- :func:`find_run`, :func:`locate_run`  the folder of a run, from its timestring
- :class:`FrameWriter`         a background PNG writer with a bounded queue
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import errno
import json
import os
import queue
import re
import socket
import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import RunError, UserError
from ..files import atomic_write_bytes, atomic_write_json
from ..safe_load import MAX_RECORD_BYTES, parse_json, read_text
from .png import encode_png, png_damage

try:
    import fcntl
except ImportError:  # Windows: runs are locked within the process only
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "FrameScan",
    "FrameWriter",
    "RunLock",
    "RunSummary",
    "atomic_write_bytes",
    "atomic_write_json",
    "cadence_path",
    "check_timestring",
    "depth_path",
    "done_frames",
    "find_run",
    "frame_path",
    "list_runs",
    "locate_run",
    "lock_path",
    "lyrics_path",
    "new_timestring",
    "read_record_file",
    "read_run_record",
    "reserve_timestring",
    "run_is_live",
    "safe_name",
    "scan_frames",
    "segments_dir",
    "settings_path",
    "song_dir",
    "song_runs",
    "storage_problem",
    "to_hwc_uint8",
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
    """``YYYYmmddHHMMSS`` of ``now``; moved on by seconds until no run in ``folder`` has it.

    Only a guess: another render may take it before this one writes; :func:`reserve_timestring`
    makes it the run's own.
    """
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


def _next_second(timestring: str) -> str:
    moment = _dt.datetime.strptime(timestring, "%Y%m%d%H%M%S") + _dt.timedelta(seconds=1)
    return moment.strftime("%Y%m%d%H%M%S")


def _in_use(folder: Path, timestring: str) -> bool:
    """Whether any file of ``folder`` belongs to run ``timestring`` (a hint, not a claim)."""
    return any(folder.glob(f"{timestring}[._]*"))


def reserve_timestring(folder: Path, timestring: str) -> str:
    """Claim ``timestring`` (or the first free second after it) for a new run in ``folder``.

    Creates an empty ``<ts>_settings.json`` with ``O_CREAT|O_EXCL``, so of several threads or
    processes asking for the same second exactly one gets it; the others move on by a second.
    A timestring that any file of ``folder`` already uses (frames, video, lock) is skipped.
    The caller fills the settings file (atomically) and uses the returned timestring.
    """
    folder = Path(folder)
    ts = check_timestring(timestring)
    while True:
        if not _in_use(folder, ts):
            try:
                fd = os.open(settings_path(folder, ts), os.O_WRONLY | os.O_CREAT | os.O_EXCL,
                             0o644)
            except FileExistsError:
                pass
            else:
                os.close(fd)
                return ts
        ts = _next_second(ts)


def song_dir(root: str | os.PathLike[str], song: str, timestring: str) -> Path:
    """``<root>/<YYYY-MM>/<safe song name>`` for a run started at ``timestring``."""
    ts = check_timestring(timestring)
    return Path(root) / f"{ts[:4]}-{ts[4:6]}" / safe_name(song)


def frame_path(folder: Path, timestring: str, index: int) -> Path:
    return Path(folder) / f"{timestring}_{index:05d}.png"


def settings_path(folder: Path, timestring: str) -> Path:
    return Path(folder) / f"{timestring}_settings.json"


def cadence_path(folder: Path, timestring: str, index: int) -> Path:
    """The diffused image of cadence frame ``index`` (kept for resume until the run is done)."""
    return Path(folder) / f"{timestring}_cadence_{index:05d}.png"


def depth_path(folder: Path, timestring: str, index: int) -> Path:
    """The depth map used for frame ``index`` (``save_depth_maps``)."""
    return Path(folder) / f"{timestring}_depth_{index:05d}.png"


def gan_path(folder: Path, timestring: str) -> Path:
    """A GAN run's class and noise vectors (written when the run starts)."""
    return Path(folder) / f"{timestring}_gan.npz"


def lyrics_path(folder: Path, timestring: str) -> Path:
    """The timed lyrics a run's prompts (``lyrics_prompts``) or captions use, as LRC."""
    return Path(folder) / f"{timestring}_lyrics.lrc"


def video_path(folder: Path, timestring: str) -> Path:
    return Path(folder) / f"{timestring}.mp4"


def lock_path(folder: Path, timestring: str) -> Path:
    return Path(folder) / f"{timestring}.lock"


def segments_dir(folder: Path, timestring: str) -> Path:
    """The video segments of a ``keep_frames: none`` run (see
    :mod:`~music_visualizer.runs.segments`)."""
    return Path(folder) / f"{timestring}_segments"


def _segments_end(folder: Path, timestring: str) -> int:
    """The frames a ``keep_frames: none`` run has in finished segments (their PNGs may be
    gone): the end of the listed segments whose files exist, from frame 0 without a gap; 0
    without segments. Lenient (a listing reads it); :func:`~music_visualizer.runs.segments.
    read_segments` is the checked reader."""
    where = segments_dir(folder, timestring)
    try:
        listed = json.loads((where / "segments.json").read_text(encoding="utf-8"))["segments"]
        end = 0
        for seg in listed:
            if int(seg["first_frame"]) != end or not (where / str(seg["file"])).is_file():
                break
            end += int(seg["frames"])
        return end
    except (OSError, ValueError, KeyError, TypeError):
        return 0


_NO_PERMISSION = {errno.EACCES, errno.EPERM}


def storage_problem(error: OSError, folder: Path) -> str:
    """What a failed write to ``folder`` means for the user, and what to do about the folder:
    one clause (callers add what else can be done, e.g. another ``--output-dir``).

    ``errno`` decides: read-only file system, no permission, a full disk (or quota, or a file
    too large for the file system), else the system's own words.
    """
    code = error.errno
    if code == errno.EROFS:
        return (f"cannot write to '{folder}': it is on a read-only file system; make it "
                "writable (mount it read-write)")
    if code in _NO_PERMISSION:
        return (f"cannot write to '{folder}': no permission; change its permissions or write "
                "as its owner")
    if code == errno.EDQUOT:
        return f"the disk quota for '{folder}' is used up; free some space or raise the quota"
    if code == errno.EFBIG:
        return (f"a file in '{folder}' is too large for its file system; use a folder on "
                "another file system")
    if code == errno.ENOSPC:
        return f"the disk holding '{folder}' is full; free some space"
    return f"writing to '{folder}' failed ({error.strerror or error})"


def read_run_record(folder: Path, timestring: str) -> dict[str, Any]:
    """Read ``<timestring>_settings.json`` in ``folder`` (see :func:`read_record_file`)."""
    return read_record_file(settings_path(folder, timestring), timestring)


def read_record_file(path: Path, timestring: str) -> dict[str, Any]:
    """The JSON mapping of run ``timestring``'s record at ``path`` (bounded: see
    :mod:`~music_visualizer.safe_load`); raise RunError if it is missing, unreadable, malformed
    or not a mapping. The values are checked by
    :meth:`~music_visualizer.runs.record.RunRecord.from_dict`; listings read a few leniently."""
    path = Path(path)
    if not path.is_file():
        raise RunError(f"Run {timestring} has no settings file '{path}'.")
    what = f"The settings file of run {timestring}"
    text = read_text(path, what=what, limit=MAX_RECORD_BYTES, error=RunError)
    if not text.strip():
        raise RunError(f"{what} '{path}' is unreadable: it is empty (the run never started).")
    record = parse_json(text, name=str(path), what=what, error=RunError)
    if not isinstance(record, dict):
        raise RunError(f"{what} '{path}' is not a mapping of names to values; restore it or "
                       "start a new run.")
    return record


def _frame_indices(folder: Path, timestring: str) -> set[int]:
    pattern = re.compile(rf"^{re.escape(timestring)}_(\d{{5,}})\.png$")
    found = set()
    for name in os.listdir(folder):
        match = pattern.match(name)
        if match:
            found.add(int(match.group(1)))
    return found


@dataclass(frozen=True)
class FrameScan:
    """The frames of a run on disk: resume starts at ``done``.

    ``damaged`` is the frame at ``done`` when its file exists but is damaged (truncated by a
    lost connection, empty, overwritten: see :func:`~music_visualizer.runs.png.png_damage`), with
    ``problem`` saying how; both are None when frame ``done`` is simply missing (or all are done).
    """

    done: int
    damaged: int | None = None
    problem: str | None = None


def scan_frames(folder: Path, timestring: str, n_frames: int, *,
                size: tuple[int, int] | None = None, clean: bool = False) -> FrameScan:
    """How many frames were written, whole, without a gap from frame 0, and the first damaged one.

    Frames in the finished video segments of a ``keep_frames: none`` run count as written (their
    PNGs are deleted); the frames after them are checked.

    Reads frame numbers from file names (not a file count, which a stray file would break) and
    checks each frame's PNG structure quickly (:func:`~music_visualizer.runs.png.png_damage`: chunk
    headers and lengths, a few small reads per file; ``size`` is the (width, height) frames must
    have). With ``clean`` (when resuming) it removes the leftover temp files of a killed writer,
    unless another thread or process is rendering the run (their temp files are frames being
    written).
    """
    folder = Path(folder)
    if clean and (_held_by_this_thread(folder, timestring) or not run_is_live(folder, timestring)):
        for leftover in folder.glob(f".{timestring}_*.tmp"):
            leftover.unlink(missing_ok=True)
    found = _frame_indices(folder, timestring)
    index = min(_segments_end(folder, timestring), n_frames)
    while index < n_frames and index in found:
        problem = png_damage(frame_path(folder, timestring, index), size=size)
        if problem == "missing":  # removed since the listing
            break
        if problem is not None:
            return FrameScan(index, index, problem)
        index += 1
    return FrameScan(index)


def done_frames(folder: Path, timestring: str, n_frames: int, *,
                size: tuple[int, int] | None = None, clean: bool = False) -> int:
    """Number of frames written, whole, without a gap from frame 0: resume continues at this
    frame (see :func:`scan_frames`)."""
    return scan_frames(folder, timestring, n_frames, size=size, clean=clean).done


# --- live runs ---------------------------------------------------------------------------------
# A render holds flock(LOCK_EX) on <ts>.lock: the kernel drops it when the process dies (even by
# kill -9), so a stale file never blocks a resume. flock locks belong to an open file description,
# so a second open + flock in the same process conflicts too; the registry below also covers
# threads where flock is missing (Windows) or unsupported by the file system.

_REGISTRY_LOCK = threading.Lock()
_HELD: dict[str, int] = {}  # lock path -> ident of the thread holding it (this process)
_BUSY_ERRNOS = {errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES}


def _key(folder: Path, timestring: str) -> str:
    return str(lock_path(Path(folder).resolve(), timestring))


def _held_by_this_thread(folder: Path, timestring: str) -> bool:
    with _REGISTRY_LOCK:
        return _HELD.get(_key(folder, timestring)) == threading.get_ident()


def _holder(path: Path) -> str:
    """'process 1234 on host x' from a lock file, or 'another process' if it says nothing."""
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
        return f"process {int(info['pid'])} on host {info['host']}"
    except (OSError, ValueError, KeyError, TypeError):
        return "another process"


def _this_process() -> str:
    return f"process {os.getpid()} on host {socket.gethostname()}, another thread"


def _live_message(timestring: str, holder: str) -> str:
    return (f"Run {timestring} is being rendered right now ({holder}); wait for it to finish or "
            "stop it, then resume.")


class _Busy(Exception):
    pass


class RunLock:
    """The exclusive lock of a run being rendered: ``flock`` on ``<folder>/<ts>.lock``.

    ``acquire`` (or ``with RunLock(...)``) raises RunError naming the holder (pid and host) if
    another thread or process holds it. ``release`` removes the lock file. A process that dies
    loses the lock at once; its lock file stays behind, harmless. Without ``flock`` (Windows,
    some network file systems) only the threads of this process are kept apart.
    """

    def __init__(self, folder: Path, timestring: str) -> None:
        self.folder = Path(folder)
        self.timestring = timestring
        self.path = lock_path(self.folder, timestring)
        self._key = _key(self.folder, timestring)
        self._fd: int | None = None
        self.held = False

    def acquire(self, *, wait: float = 0.5) -> RunLock:
        """Take the lock, retrying for ``wait`` seconds (a listing probes it for an instant)."""
        if self.held:
            raise RuntimeError(f"{self.path} is already held by this RunLock")
        deadline = time.monotonic() + wait
        while True:
            holder = self._try_acquire()
            if holder is None:
                return self
            if time.monotonic() >= deadline:
                raise RunError(_live_message(self.timestring, holder))
            time.sleep(0.02)

    def _try_acquire(self) -> str | None:
        """None when taken, else who holds it."""
        with _REGISTRY_LOCK:
            if self._key in _HELD:
                return _this_process()
            _HELD[self._key] = threading.get_ident()
        try:
            self._fd = self._flock()
        except _Busy:
            with _REGISTRY_LOCK:
                _HELD.pop(self._key, None)
            return _holder(self.path)
        except BaseException:
            with _REGISTRY_LOCK:
                _HELD.pop(self._key, None)
            raise
        self.held = True
        if self._fd is not None:
            with contextlib.suppress(OSError):
                data = json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                                   "timestring": self.timestring}).encode()
                os.ftruncate(self._fd, 0)
                os.pwrite(self._fd, data + b"\n", 0)
        return None

    def _flock(self) -> int | None:
        """An fd holding flock on the lock file; None if flock cannot be used here."""
        if fcntl is None:
            return None
        while True:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError:
                return None  # e.g. a read-only folder: no lock rather than no render
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as e:
                os.close(fd)
                if e.errno in _BUSY_ERRNOS:
                    raise _Busy() from None
                return None  # the file system has no flock (ENOLCK, EOPNOTSUPP, ...)
            # the holder before us may have removed the file between our open and flock:
            # then we locked a file nobody else will see; start again on the current one
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(self.path))
            except OSError:
                same = False
            if same:
                return fd
            os.close(fd)

    def release(self) -> None:
        """Drop the lock and remove the lock file (only if this lock holds it)."""
        if not self.held:
            return
        fd, self._fd = self._fd, None
        if fd is not None:
            try:
                if os.path.samestat(os.fstat(fd), os.stat(self.path)):
                    self.path.unlink()  # before unlocking, see _flock
            except OSError:
                pass
            finally:
                os.close(fd)
        with _REGISTRY_LOCK:
            _HELD.pop(self._key, None)
        self.held = False

    def __enter__(self) -> RunLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def run_is_live(folder: Path, timestring: str) -> bool:
    """Whether a thread of this process or another process holds the run's lock right now.

    Probes with a shared non-blocking flock for an instant (never creates the lock file).
    """
    with _REGISTRY_LOCK:
        if _key(folder, timestring) in _HELD:
            return True
    if fcntl is None:
        return False
    try:
        fd = os.open(lock_path(folder, timestring), os.O_RDONLY)
    except OSError:
        return False  # no lock file: nobody has rendered it since the last clean exit
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError as e:
        return e.errno in _BUSY_ERRNOS
    finally:
        os.close(fd)  # also drops our shared lock
    return False


@dataclass(frozen=True)
class RunSummary:
    """One run of a song folder, for listing and resume menus."""

    timestring: str
    folder: Path
    done: int
    total: int
    has_video: bool
    live: bool = False  # a thread or process is rendering it right now
    damaged: int | None = None  # frame ``done`` exists but is damaged (resume renders it again)
    problem: str | None = None  # how it is damaged

    @property
    def complete(self) -> bool:
        return self.done >= self.total

    def describe(self) -> str:
        state = "rendering now" if self.live else "complete" if self.complete else "resumable"
        if self.damaged is not None and not self.live:
            state += f"; frame {self.damaged} is damaged: {self.problem}"
        video = ", video" if self.has_video else ""
        return f"{self.timestring}  {self.done}/{self.total} frames ({state}{video})"


@dataclass(frozen=True)
class _Listed:
    """What a listing reads of a run's record, leniently (the record is checked in full only
    when the run is used): its frame count, frame size (None if it does not say) and song."""

    folder: Path
    timestring: str
    n_frames: int
    size: tuple[int, int] | None
    audio_hash: str | None

    def summary(self) -> RunSummary:
        """The run's progress on disk (its frames checked: see :func:`scan_frames`)."""
        scan = scan_frames(self.folder, self.timestring, self.n_frames, size=self.size)
        return RunSummary(self.timestring, self.folder, scan.done, self.n_frames,
                          video_path(self.folder, self.timestring).exists(),
                          run_is_live(self.folder, self.timestring), scan.damaged, scan.problem)


def _read_listed(path: Path) -> _Listed | None:
    """The listing of the run whose record is ``path`` (``<ts>_settings.json``); None if it is
    not a readable run (also an empty file: a run that never started)."""
    ts = path.name[: -len("_settings.json")]
    if not _TIMESTRING.match(ts):
        return None
    try:
        record = read_record_file(path, ts)
        n_frames = int(record["n_frames"])
    except (UserError, ValueError, OverflowError, KeyError, TypeError):
        return None
    width, height = record.get("width"), record.get("height")
    size = (width, height) if isinstance(width, int) and isinstance(height, int) else None
    song = record.get("song")
    audio_hash = song.get("audio_hash") if isinstance(song, dict) else None
    return _Listed(path.parent, ts, n_frames, size, audio_hash)


def _listed(paths: list[Path]) -> list[_Listed]:
    return [run for run in map(_read_listed, paths) if run is not None]


def list_runs(folder: Path) -> list[RunSummary]:
    """Every run with a settings file in ``folder``, newest first."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    runs = [run.summary() for run in _listed(list(folder.glob("*_settings.json")))]
    return sorted(runs, key=lambda r: r.timestring, reverse=True)


_MONTHS = "[0-9][0-9][0-9][0-9]-[0-9][0-9]"


def record_files(output_dir: str | os.PathLike[str]) -> list[Path]:
    """The settings file of every run under ``<output_dir>/<YYYY-MM>/<song>/``."""
    return list(Path(output_dir).glob(f"{_MONTHS}/*/*_settings.json"))


def song_runs(output_dir: str | os.PathLike[str], audio_digest: str) -> list[RunSummary]:
    """Every run under ``<output_dir>/<YYYY-MM>/<song>/`` rendered from the audio whose
    :func:`~music_visualizer.audio.load.audio_hash` is ``audio_digest``, newest first
    (whatever the song folders are named)."""
    runs = [run.summary() for run in _listed(record_files(output_dir))
            if run.audio_hash == audio_digest]
    return sorted(runs, key=lambda r: (r.timestring, str(r.folder)), reverse=True)


def locate_run(output_dir: str | os.PathLike[str], timestring: str) -> Path:
    """The folder holding ``<timestring>_settings.json`` under ``<output_dir>/<YYYY-MM>/*/``.

    Raises
    ------
    RunError
        If the timestring is malformed, unknown, or names runs of several songs.
    """
    ts = check_timestring(timestring)
    found = sorted(Path(output_dir).glob(f"{_MONTHS}/*/{ts}_settings.json"))
    if not found:
        raise RunError(f"No run {ts} under '{output_dir}'; check the timestring (the runs "
                       "command lists a song's runs).")
    if len(found) > 1:
        folders = ", ".join(f"'{p.parent}'" for p in found)
        raise RunError(f"Timestring {ts} names runs of several songs ({folders}); "
                       "choose the run by its song.")
    return found[0].parent


def find_run(root: str | os.PathLike[str], song: str, timestring: str, *,
             audio_digest: str | None = None) -> Path:
    """The folder of run ``timestring`` of ``song`` under ``root``.

    Raises
    ------
    RunError
        If there is no such run; the message lists the song's runs (found by the song's folder
        name, and by ``audio_digest`` when given): resumable ones, then complete ones.
    """
    ts = check_timestring(timestring)
    folder = song_dir(root, song, ts)
    if settings_path(folder, ts).is_file():
        return folder
    # named otherwise (e.g. "Artist - Title" from a Spotify link): find it by its timestring;
    # the caller checks that the audio is the same
    found = sorted(Path(root).glob(f"{_MONTHS}/*/{ts}_settings.json"))
    if len(found) == 1:
        return found[0].parent
    ordered = _runs_of_song(root, song, audio_digest)
    resumable = [r.timestring for r in ordered if not r.complete and not r.live]
    complete = [r.timestring for r in ordered if r.complete and not r.live]
    live = [r.timestring for r in ordered if r.live]
    message = (f"No run {ts} of '{safe_name(song)}' under '{root}'. "
               f"Resumable runs of this song: {_listing(resumable)}.")
    if complete:
        message += f" Complete runs: {_listing(complete)}."
    if live:
        message += f" Being rendered now: {_listing(live)}."
    raise RunError(message)


def _runs_of_song(root: str | os.PathLike[str], song: str,
                  audio_digest: str | None) -> list[RunSummary]:
    """The runs in ``song``'s folders under ``root`` and, with ``audio_digest``, every run of
    that audio wherever it is; each summarised once, newest first."""
    paths = sorted({path for month in Path(root).glob(_MONTHS)
                    for path in (month / safe_name(song)).glob("*_settings.json")})
    runs = _listed(paths)
    if audio_digest:
        others = sorted(set(Path(root).glob(f"{_MONTHS}/*/*_settings.json")) - set(paths))
        runs += [run for run in _listed(others) if run.audio_hash == audio_digest]
    return sorted((run.summary() for run in runs), key=lambda r: r.timestring, reverse=True)


def _listing(timestrings: list[str], limit: int = 10) -> str:
    """``a, b, c`` (the first ``limit``, then how many more), or ``none``."""
    if not timestrings:
        return "none"
    more = len(timestrings) - limit
    return ", ".join(timestrings[:limit]) + (f" and {more} more" if more > 0 else "")


class FrameWriter:
    """Writes frames as PNG in a background thread, atomically, behind a bounded queue.

    ``submit`` blocks when ``max_pending`` frames wait (backpressure keeps memory bounded). A
    failure in the thread is raised again by the next ``submit`` or by ``close``.
    ``after_frame(index)``, when given, is called in the thread once frame ``index`` is on disk
    (the segment encoder of a ``keep_frames: none`` run); what it raises is a failure too.
    """

    def __init__(self, folder: Path, timestring: str, *, max_pending: int = 8,
                 after_frame: Callable[[int], None] | None = None) -> None:
        self.folder = Path(folder)
        self.timestring = timestring
        self._after_frame = after_frame
        self._queue: queue.Queue[tuple[Path, Any, int | None] | None] = queue.Queue(
            maxsize=max_pending)
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
            path, frame, index = item
            try:
                atomic_write_bytes(path, encode_png(to_hwc_uint8(frame)))
                if index is not None and self._after_frame is not None:
                    self._after_frame(index)
            except BaseException as e:  # reported to the producer
                self._error = e

    def submit(self, index: int, frame: Any) -> None:
        """Queue ``frame`` (uint8 tensor/array, CHW or HWC, optionally with a batch of 1)."""
        self._put(frame_path(self.folder, self.timestring, index), frame, index)

    def submit_file(self, path: Path, frame: Any) -> None:
        """Queue an image for ``path`` (files beside the frames: cadence frames, depth maps);
        written in submission order. A grey ``(H, W)`` image is saved as RGB."""
        self._put(Path(path), frame, None)

    def _put(self, path: Path, frame: Any, index: int | None) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put((path, frame, index))

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


def to_hwc_uint8(frame: Any) -> np.ndarray:
    """A uint8 (H, W, 3) array from a tensor or array in CHW/HWC, with an optional batch dim."""
    if hasattr(frame, "detach"):
        frame = frame.detach().cpu().numpy()
    array = np.asarray(frame)
    if array.ndim == 4:
        array = array[0]
    if array.ndim == 2:
        array = np.repeat(array[:, :, None], 3, axis=2)
    if array.ndim == 3 and array.shape[0] in (1, 3) and array.shape[-1] not in (1, 3):
        array = np.transpose(array, (1, 2, 0))
    if array.dtype != np.uint8:
        raise TypeError(f"frames must be uint8, got {array.dtype}")
    return np.ascontiguousarray(array)
