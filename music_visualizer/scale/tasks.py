"""Running tasks on Ray workers: :func:`run_tasks`, its progress and its results.

- :func:`run_tasks`      tasks -> results in input order (each a value or a :class:`TaskFailed`)
- :class:`TaskProgress`  one task's frames done, total, fps, ETA, worker
- :class:`ProgressReport` every task's progress and the total (what ``on_progress`` gets)
- :class:`TaskFailed`    a task that raised (a user mistake or a bug) or whose worker kept dying

Workers are actors (:class:`~music_visualizer.scale.worker.WorkerActor`): one per GPU when the
cluster has GPUs (``num_gpus=1``), else each with an equal share of the CPUs; each keeps its
model between tasks. A worker process that dies (killed, out of memory, node lost) is
restarted by Ray and its task runs again (``max_restarts`` and ``max_task_retries`` =
``retries``); after that the task is a :class:`TaskFailed` and the worker is replaced.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..files import atomic_write_bytes
from .cluster import Cluster, ScaleError, connect, shutdown
from .worker import Returned, ShippedFiles, Task, WorkerActor, share_env

__all__ = ["STORAGE", "ProgressReport", "TaskFailed", "TaskProgress", "run_tasks",
           "worker_resources", "write_shipped"]

#: Where finished files go: ``auto`` (shared when the workers see a marker file the driver
#: wrote in the output folder, else through the object store), ``shared``, ``object-store``.
STORAGE = ("auto", "shared", "object-store")
RETRIES = 3
_MARKER = ".music_visualizer_workers_see_this"


@dataclass(frozen=True)
class TaskFailed:
    """A task that did not finish: ``message`` is one sentence (a user mistake) or a
    traceback (a bug, ``user_error`` False)."""

    index: int
    label: str
    message: str
    user_error: bool


@dataclass(frozen=True)
class TaskProgress:
    """One task as the driver last heard of it."""

    index: int
    label: str
    done: int = 0
    total: int = 0  # 0: not known yet (the task has not reported)
    state: str = "waiting"  # waiting, running, done, failed
    worker: str = ""
    pid: int = 0
    info: dict[str, Any] = field(default_factory=dict)  # what the task reported besides frames
    first: tuple[float, int] | None = None  # (time, done) of its first report on this worker
    last: float = 0.0

    @property
    def fps(self) -> float | None:
        if self.first is None or self.last <= self.first[0] or self.done <= self.first[1]:
            return None
        return (self.done - self.first[1]) / (self.last - self.first[0])

    @property
    def eta(self) -> float | None:
        """Seconds left at the current rate (None: unknown)."""
        rate = self.fps
        return None if not rate else max(self.total - self.done, 0) / rate


@dataclass(frozen=True)
class ProgressReport:
    """Every task's progress; ``changed`` is the index of the task this report is about."""

    tasks: tuple[TaskProgress, ...]
    changed: int

    @property
    def done(self) -> int:
        return sum(t.done for t in self.tasks)

    @property
    def total(self) -> int:
        return sum(t.total for t in self.tasks)

    @property
    def finished(self) -> int:
        return sum(t.state in ("done", "failed") for t in self.tasks)

    @property
    def fps(self) -> float | None:
        rates = [t.fps for t in self.tasks if t.state == "running" and t.fps]
        return sum(rates) if rates else None

    @property
    def eta(self) -> float | None:
        rate = self.fps
        return None if not rate else max(self.total - self.done, 0) / rate


def write_shipped(shipped: ShippedFiles) -> None:
    """Write files a worker sent through the object store under their driver folder."""
    root = Path(shipped.dest)
    for relative, data in shipped.files:
        target = root / relative
        if root.resolve() not in target.resolve().parents:
            raise ScaleError(f"A worker sent a file outside {root}: {relative}.")
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(target, data)


def _marker(output_dir: Path | None, storage: str) -> tuple[Path | None, tuple[str, str] | None]:
    """The marker file the workers look for (``storage`` auto or shared)."""
    if output_dir is None or storage == "object-store":
        return None, None
    token = secrets.token_hex(16)
    Path(output_dir).mkdir(parents=True, exist_ok=True)
    path = Path(output_dir).resolve() / f"{_MARKER}_{token[:8]}"
    atomic_write_bytes(path, token.encode())
    return path, (str(path), token)


def worker_resources(cluster: Cluster, wanted: int | None, n_tasks: int,
                     cpus_per_worker: int | None = None) -> tuple[int, dict[str, Any]]:
    """How many workers, and each one's Ray resources: a GPU each when the cluster has GPUs,
    else ``cpus_per_worker`` CPUs (default: an equal share of the CPUs, at least one) and the
    environment that keeps the worker to them (:func:`~music_visualizer.scale.worker.share_env`;
    numba's threads are set at run time by :class:`~music_visualizer.scale.worker.WorkerActor`)."""
    capacity = int(cluster.gpus) if cluster.has_gpus else max(int(cluster.cpus), 1)
    count = max(1, min(wanted or capacity, capacity, max(n_tasks, 1)))
    if cluster.has_gpus:
        return count, {"num_gpus": 1, "num_cpus": 1}
    cpus = cpus_per_worker or max(1, int(cluster.cpus) // count)
    return count, {"num_cpus": cpus, "runtime_env": {"env_vars": share_env(cpus)}}


def _failure(index: int, label: str, error: BaseException) -> TaskFailed:
    import ray

    if isinstance(error, ray.exceptions.RayTaskError):
        cause = error.cause
        if isinstance(cause, UserError):
            return TaskFailed(index, label, str(cause), True)
        return TaskFailed(index, label, str(error), False)
    return TaskFailed(index, label, f"its worker died too often ({type(error).__name__}"
                      "); out of memory, or the machine was lost? Run the command again to "
                      "continue.", True)


class _Pool:
    """The actors and the tasks they run (the driver's bookkeeping of :func:`run_tasks`)."""

    def __init__(self, cluster: Cluster, tasks: Sequence[Task], workers: int | None,
                 retries: int, run_args: tuple[Any, ...],
                 cpus_per_worker: int | None = None) -> None:
        import ray

        self.ray, self.tasks, self.run_args = ray, list(tasks), run_args
        count, resources = worker_resources(cluster, workers, len(tasks), cpus_per_worker)
        self.actor_class = ray.remote(max_restarts=retries, max_task_retries=retries,
                                      **resources)(WorkerActor)
        self.cpus = None if cluster.has_gpus else resources["num_cpus"]
        self.actors = [self.actor_class.remote(cpus=self.cpus) for _ in range(count)]
        self.idle = list(self.actors)
        self.pending = list(range(len(self.tasks)))
        self.running: dict[Any, tuple[int, Any]] = {}

    def submit(self) -> list[int]:
        """Start waiting tasks on idle workers; the indices started."""
        started = []
        while self.idle and self.pending:
            actor, index = self.idle.pop(0), self.pending.pop(0)
            ref = actor.run.remote(index, self.tasks[index], *self.run_args)
            self.running[ref] = (index, actor)
            started.append(index)
        return started

    def finished(self, timeout: float) -> list[tuple[int, Any, BaseException | None]]:
        """Tasks that ended within ``timeout`` s: (index, result, error)."""
        if not self.running:
            return []
        ready, _ = self.ray.wait(list(self.running), num_returns=len(self.running),
                                 timeout=timeout)
        out = []
        for ref in ready:
            index, actor = self.running.pop(ref)
            try:
                out.append((index, self.ray.get(ref), None))
                self.idle.append(actor)
            except self.ray.exceptions.RayTaskError as e:
                out.append((index, None, e))
                self.idle.append(actor)
            except self.ray.exceptions.RayActorError as e:  # restarts used up: a new worker
                out.append((index, None, e))
                self.actors.remove(actor)
                fresh = self.actor_class.remote(cpus=self.cpus)
                self.actors.append(fresh)
                self.idle.append(fresh)
        return out

    def close(self) -> None:
        for actor in self.actors:
            self.ray.kill(actor)


def _drain(queue: Any, progress: list[TaskProgress]) -> list[int]:
    """Apply the progress messages waiting in ``queue``; the indices they were about."""
    from ray.util.queue import Empty

    changed = []
    while True:
        try:
            messages = queue.get_nowait_batch(max(queue.qsize(), 1))
        except Empty:
            return changed
        for m in messages:
            old = progress[m["index"]]
            first = old.first if old.pid == m["pid"] and old.first else (m["time"], m["done"])
            progress[m["index"]] = replace(
                old, done=m["done"], total=m["total"], worker=m["worker"], pid=m["pid"],
                info={**old.info, **m["info"]}, first=first, last=m["time"],
                state="running" if old.state in ("waiting", "running") else old.state)
            changed.append(m["index"])


def run_tasks(tasks: Sequence[Task], *, workers: int | None = None, address: str | None = None,
              on_progress: Callable[[ProgressReport], None] | None = None,
              output_dir: Path | None = None, storage: str = "auto",
              retries: int = RETRIES, num_cpus: int | None = None,
              cpus_per_worker: int | None = None, poll: float = 0.25) -> list[Any]:
    """Run ``tasks`` on Ray workers; their results in input order.

    ``workers``: how many (default and at most: the cluster's GPUs, else its CPUs); without
    GPUs each gets ``cpus_per_worker`` CPUs (default: an equal share).
    ``address``: a Ray cluster (default: join the one this process is connected to, else start
    a local one with ``num_cpus`` CPUs). ``on_progress(report)`` is called on the driver for
    every progress message and every task that starts or ends. ``output_dir``: the folder the
    tasks write to; with ``storage`` auto the workers check that they see it (a marker file)
    and tell their tasks (``ctx.shared``). A task returning :class:`Returned` with files has
    them written under their folder here first. A task that raised is a :class:`TaskFailed`
    in the results; so is one whose worker died more than ``retries`` times.

    Raises
    ------
    ScaleError
        Ray is not installed or the cluster cannot be reached.
    """
    if storage not in STORAGE:
        raise ScaleError(f"--storage must be one of {', '.join(STORAGE)}, not '{storage}'.")
    cluster = connect(address, num_cpus=num_cpus)
    pool = queue = marker_file = None
    try:
        from ray.util.queue import Queue

        marker_file, marker = _marker(output_dir, storage)
        queue = Queue(actor_options={"num_cpus": 0})
        pool = _Pool(cluster, tasks, workers, retries, (queue, marker, storage),
                     cpus_per_worker)
        return _loop(pool, queue, on_progress, poll)
    finally:
        if pool is not None:
            pool.close()
        if queue is not None:
            queue.shutdown()
        if marker_file is not None:
            marker_file.unlink(missing_ok=True)
        shutdown(cluster)


def _loop(pool: _Pool, queue: Any, on_progress: Callable[[ProgressReport], None] | None,
          poll: float) -> list[Any]:
    """Submit, wait, report, until every task has a result."""
    progress = [TaskProgress(i, t.label) for i, t in enumerate(pool.tasks)]
    results: list[Any] = [None] * len(pool.tasks)

    def report(index: int) -> None:
        if on_progress is not None:
            on_progress(ProgressReport(tuple(progress), index))

    while pool.pending or pool.running:
        for index in pool.submit():
            progress[index] = replace(progress[index], state="running")
            report(index)
        ended = pool.finished(poll)
        for index in _drain(queue, progress):
            report(index)
        for index, value, error in ended:
            if error is None:
                if isinstance(value, Returned):
                    if value.files is not None:
                        write_shipped(value.files)
                    value = value.value
                results[index] = value
                progress[index] = replace(progress[index], state="done")
            else:
                results[index] = _failure(index, pool.tasks[index].label, error)
                progress[index] = replace(progress[index], state="failed")
            report(index)
    return results
