"""What runs on a Ray worker: the task description, its context, the worker actor.

- :class:`Task`         plain data: ``function`` ("package.module:name") called as
                        ``function(args, ctx)`` on a worker, ``args`` a picklable mapping
- :class:`TaskContext`  what the function gets: ``progress(done, total, info=)``, ``models``
                        (the worker's model cache, a ``load_pipes`` for ``make_renderer``),
                        ``shared`` (does this worker see the driver's output folder),
                        ``scratch`` (a folder of this worker's machine)
- :class:`Returned`     a result with files for the driver to write (``ship_files``)
- :class:`ModelCache`   the worker's loaded model, kept between tasks, keyed by its settings
- :class:`WorkerActor`  the actor class (one per GPU, else per share of CPUs)

A task must be safe to run again: a worker killed mid-task is restarted by Ray and the task
runs again from the start on it (a render task resumes from its own frames).
"""

from __future__ import annotations

import importlib
import os
import socket
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["ModelCache", "Returned", "ShippedFiles", "Task", "TaskContext", "WorkerActor",
           "marker_visible", "share_env", "ship_files"]

#: Seconds between two progress messages of one task (the first and the last always go).
PROGRESS_EVERY = 0.5


@dataclass(frozen=True)
class Task:
    """One unit of work, as plain data: ``function(args, ctx)`` on a worker.

    ``function`` is ``"package.module:name"`` (importable on every worker); ``label`` names
    the task in progress lines (a song's name, a section).
    """

    function: str
    args: Mapping[str, Any] = field(default_factory=dict)
    label: str = ""


@dataclass(frozen=True)
class ShippedFiles:
    """Files made on a worker that cannot see the output folder: ``(relative path, bytes)``
    pairs for the driver to write under its folder ``dest``."""

    dest: str
    files: tuple[tuple[str, bytes], ...]

    @property
    def size(self) -> int:
        return sum(len(data) for _, data in self.files)


@dataclass(frozen=True)
class Returned:
    """A task's result ``value`` plus files the driver writes before handing ``value`` back."""

    value: Any
    files: ShippedFiles | None = None


def ship_files(folder: Path, dest: str | os.PathLike[str], *, prefix: str = "") -> ShippedFiles:
    """Every file under ``folder`` whose path (relative to it) starts with ``prefix``, read
    into memory, to be written under the driver's folder ``dest``."""
    folder = Path(folder)
    files = tuple((path.relative_to(folder).as_posix(), path.read_bytes())
                  for path in sorted(folder.rglob("*"))
                  if path.is_file() and path.relative_to(folder).as_posix().startswith(prefix)
                  and not path.name.endswith(".lock"))
    return ShippedFiles(os.fspath(dest), files)


def marker_visible(marker: tuple[str, str] | None) -> bool:
    """Whether this machine sees the file the driver wrote (``(path, content)``): the output
    folder is shared. No marker (no output folder to share): True."""
    if marker is None:
        return True
    path, token = marker
    try:
        return Path(path).read_text(encoding="utf-8") == token
    except (OSError, UnicodeDecodeError):
        return False


class ModelCache:
    """The last model loaded on this worker, reused by the next task with the same model
    settings (``load_pipes`` of :func:`~music_visualizer.runs.job.make_renderer`). One model at
    a time: a GPU has room for one. ``loads`` counts the loads (tests check it)."""

    def __init__(self) -> None:
        self.key: tuple[Any, ...] | None = None
        self.pipes: Any = None
        self.loads = 0

    def __call__(self, model: str, *, scheduler: str, device: str | None,
                 tiny_vae: str | None = None, compile: bool = False) -> Any:
        from ..render.models import load_pipelines

        key = (model, scheduler, device, tiny_vae, compile)
        if key != self.key:
            self.key, self.pipes = None, None  # free the old one before loading
            self.pipes = load_pipelines(model, scheduler=scheduler, device=device,
                                        tiny_vae=tiny_vae, compile=compile)
            self.key = key
            self.loads += 1
        return self.pipes


class TaskContext:
    """What a task's function gets besides its arguments (see the module docstring)."""

    def __init__(self, *, index: int, label: str, send: Callable[[dict[str, Any]], None],
                 models: ModelCache, shared: bool, scratch: Path) -> None:
        self.index, self.label = index, label
        self.models, self.shared, self.scratch = models, shared, scratch
        self.worker = f"{os.getpid()}@{socket.gethostname()}"
        self._send = send
        self._last = 0.0

    def progress(self, done: int, total: int, *, info: Mapping[str, Any] | None = None,
                 force: bool = False) -> None:
        """Report ``done`` of ``total`` frames (at most every :data:`PROGRESS_EVERY` s, but
        always the first, the last and any with ``info`` or ``force``)."""
        now = time.monotonic()
        if not (force or info or done >= total or self._last == 0.0
                or now - self._last >= PROGRESS_EVERY):
            return
        self._last = now
        self._send({"index": self.index, "done": int(done), "total": int(total),
                    "pid": os.getpid(), "worker": self.worker, "info": dict(info or {}),
                    "time": time.time()})


def _function(path: str) -> Callable[..., Any]:
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def share_env(cpus: int) -> dict[str, str]:
    """The environment of a Ray worker given ``cpus`` CPUs of a machine it shares with other
    workers: ffmpeg keeps to that many threads (:data:`~music_visualizer.runs.video.CPUS_ENV`),
    and OpenMP threads (torch's) sleep instead of spinning while they wait, so that workers
    side by side do not burn each other's cores (set before torch loads: as Ray starts it).

    torch's threads are left to Ray, which sets ``OMP_NUM_THREADS`` to the worker's CPUs (so a
    worker of 1 CPU runs torch on 1 thread, checked); nothing here changes them."""
    from ..runs.video import CPUS_ENV

    return {CPUS_ENV: str(cpus), "OMP_WAIT_POLICY": "PASSIVE"}


def _share_cpus(cpus: int) -> None:
    """Use ``cpus`` threads in numba's CPU kernels (their pixels do not depend on it). Set at
    run time: set through ``NUMBA_NUM_THREADS`` at start-up, a few pixels of the diffusion
    renderer's frames rounded differently."""
    try:
        import numba
    except ImportError:  # pragma: no cover - numba is a dependency of librosa
        return
    numba.set_num_threads(max(1, min(cpus, numba.config.NUMBA_NUM_THREADS)))


class WorkerActor:
    """One worker: keeps its model between tasks; runs :class:`Task` s (made a Ray actor by
    :func:`~music_visualizer.scale.tasks.run_tasks`)."""

    def __init__(self, scratch: str | None = None, cpus: int | None = None) -> None:
        self.models = ModelCache()
        self.scratch = Path(scratch or Path(tempfile.gettempdir()) / "music_visualizer_scale")
        if cpus:
            _share_cpus(cpus)

    def pid(self) -> int:
        return os.getpid()

    def model_loads(self) -> int:
        return self.models.loads

    def run(self, index: int, task: Task, queue: Any, marker: tuple[str, str] | None,
            storage: str) -> Any:
        shared = storage == "shared" or (storage == "auto" and marker_visible(marker))
        if storage == "shared" and not marker_visible(marker):
            from .cluster import ScaleError

            raise ScaleError(f"Worker {socket.gethostname()} cannot see the output folder; "
                             "put it on a file system all workers share, or use --storage "
                             "object-store.")

        def send(message: dict[str, Any]) -> None:
            queue.put_nowait(message)

        ctx = TaskContext(index=index, label=task.label, send=send, models=self.models,
                          shared=shared, scratch=self.scratch)
        return _function(task.function)(task.args, ctx)
