"""One render at a time, in the background, watched by any number of pages.

- :class:`JobStatus`    a snapshot of a render: phase, frames, fps, ETA, latest frame, result
- :class:`RenderJob`    a render running in its own thread; stops between frames on request
- :class:`RenderBoard`  owns the GPU: starts a job only when none is running ("busy" otherwise)

The render runs in a thread that belongs to the board, not to a browser tab: a closed tab or a
dropped connection does not stop it, and a page opened later can follow it. A stop request takes
effect after the current frame, so the run stays resumable.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..errors import UserError

__all__ = ["BusyError", "JobStatus", "RenderBoard", "RenderJob"]

log = logging.getLogger(__name__)


class BusyError(UserError):
    """A render is already running."""


@dataclass(frozen=True)
class JobStatus:
    """What a page shows about a render. ``latest`` is the newest frame (uint8 HxWx3) or None."""

    job_id: int
    label: str  # e.g. "Artist - Title, run 20261122143000"
    phase: str  # "starting", "loading model", "rendering", "encoding video", "done",
    #             "stopped", "failed"
    done: int = 0
    total: int = 0
    started: int = 0  # frames already on disk when this job began (resume)
    fps: float = 0.0
    eta_s: float | None = None
    elapsed_s: float = 0.0
    latest: Any = None
    latest_index: int = -1
    result: Any = None
    error: str | None = None
    stop_requested: bool = False
    run: tuple[Any, str] | None = None  # (folder, timestring) once the run's folder exists

    @property
    def finished(self) -> bool:
        return self.phase in ("done", "stopped", "failed")


@dataclass
class _Progress:
    phase: str = "starting"
    done: int = 0
    total: int = 0
    started: int = 0
    first_frame_at: float | None = None
    latest: Any = None
    latest_index: int = -1
    result: Any = None
    error: str | None = None
    run: tuple[Any, str] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class RenderJob:
    """A render in a thread. ``work(job)`` does the render and returns its result; it reports
    through :meth:`set_phase`, :meth:`set_total` and :meth:`frame_done`, and checks
    :meth:`should_stop` between frames."""

    def __init__(self, job_id: int, label: str, work: Callable[[RenderJob], Any]) -> None:
        self.job_id = job_id
        self.label = label
        self._work = work
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._progress = _Progress()
        self._created = time.monotonic()
        self._thread = threading.Thread(target=self._run, name=f"render-{job_id}", daemon=True)

    # -- called by the work ------------------------------------------------------------------
    def set_phase(self, phase: str) -> None:
        with self._lock:
            self._progress.phase = phase

    def set_label(self, label: str) -> None:
        with self._lock:
            self.label = label

    def set_run(self, folder: Any, timestring: str) -> None:
        """The run's folder and timestring, once final (pages watch its files)."""
        with self._lock:
            self._progress.run = (folder, timestring)

    def set_total(self, total: int, *, already_done: int = 0) -> None:
        with self._lock:
            self._progress.total = total
            self._progress.done = already_done
            self._progress.started = already_done

    def frame_done(self, index: int, frame: Any) -> None:
        """Record that frame ``index`` exists; ``frame`` is kept by reference (no copy)."""
        now = time.monotonic()
        with self._lock:
            p = self._progress
            if p.first_frame_at is None:
                p.first_frame_at = now
                p.extra["first_frame_index"] = index
            p.done = index + 1
            p.latest, p.latest_index = frame, index
            if p.done >= p.total > 0:
                p.phase = "encoding video"

    def should_stop(self) -> bool:
        return self._stop.is_set()

    # -- called by pages ---------------------------------------------------------------------
    def request_stop(self) -> None:
        self._stop.set()

    def status(self) -> JobStatus:
        now = time.monotonic()
        with self._lock:
            p = self._progress
            fps, eta = 0.0, None
            first = p.extra.get("first_frame_index")
            if p.first_frame_at is not None and first is not None and p.done - 1 > first:
                # frames after the first one over the time since it (the first includes warm-up)
                fps = (p.done - 1 - first) / max(now - p.first_frame_at, 1e-6)
                eta = (p.total - p.done) / fps if fps > 0 else None
            return JobStatus(
                job_id=self.job_id, label=self.label, phase=p.phase, done=p.done,
                total=p.total, started=p.started, fps=fps, eta_s=eta,
                elapsed_s=now - self._created, latest=p.latest, latest_index=p.latest_index,
                result=p.result, error=p.error, stop_requested=self._stop.is_set(), run=p.run)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the job has finished; True if it has."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive() or not self.status().finished

    # -- the thread --------------------------------------------------------------------------
    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        try:
            result = self._work(self)
        except UserError as e:
            self._finish("failed", error=str(e))
        except Exception as e:  # a bug: full traceback in the server log, one line in the page
            log.exception("render %s failed", self.label)
            self._finish("failed", error=f"Internal error ({type(e).__name__}); the details are "
                                         "in the app's log. The run can be resumed.")
        else:
            stopped = bool(getattr(result, "stopped", False))
            self._finish("stopped" if stopped else "done", result=result)

    def _finish(self, phase: str, *, result: Any = None, error: str | None = None) -> None:
        with self._lock:
            self._progress.phase = phase
            self._progress.result = result
            self._progress.error = error


class RenderBoard:
    """Allows one render at a time (one GPU) and keeps the last few jobs for their pages."""

    def __init__(self, *, keep: int = 8) -> None:
        self._lock = threading.Lock()
        self._jobs: dict[int, RenderJob] = {}
        self._ids = itertools.count(1)
        self._keep = keep

    def start(self, label: str, work: Callable[[RenderJob], Any]) -> RenderJob:
        """Start ``work`` in a new job, or raise BusyError if a render is running."""
        with self._lock:
            self._check_idle()
            job = RenderJob(next(self._ids), label, work)
            self._jobs[job.job_id] = job
            for old in sorted(self._jobs)[:-self._keep]:
                del self._jobs[old]
            job.start()
            return job

    def check_idle(self) -> None:
        """Raise BusyError, saying what is rendering, if a render is running."""
        with self._lock:
            self._check_idle()

    def _check_idle(self) -> None:
        running = self._running()
        if running is not None:
            status = running.status()
            where = f"frame {status.done} of {status.total}" if status.total else status.phase
            raise BusyError(
                f"Another render is running ({running.label}, {where}); one render runs at a "
                "time on this GPU. Wait for it to finish, or press Stop first.")

    def _running(self) -> RenderJob | None:
        for job in self._jobs.values():
            if not job.status().finished:
                return job
        return None

    def running(self) -> RenderJob | None:
        """The job that is rendering now, if any."""
        with self._lock:
            return self._running()

    def job(self, job_id: int | None) -> RenderJob | None:
        with self._lock:
            return self._jobs.get(job_id) if job_id is not None else None

    def stop(self) -> RenderJob | None:
        """Ask the running job to stop after its current frame; return it (None if idle)."""
        job = self.running()
        if job is not None:
            job.request_stop()
        return job
