"""One song on many workers (``render --parallel sections``): its parts as Ray tasks.

- :func:`run_part`      the task a worker runs: one part (:func:`~music_visualizer.runs.parts.
                        render_part`) with the worker's model, its frames reported as progress
- :func:`ray_executor`  an executor for :func:`~music_visualizer.runs.parts.render_sections`
                        that renders the parts on Ray workers side by side

Storage: when the workers see the output folder (a shared file system; on one machine it
always is) each part is written straight into the run's folder. When they do not, each task
carries the run's record and list of parts (and a GAN run's vectors), renders its part in the
worker's scratch folder and sends the part's frames back through Ray's object store; the
driver writes them into the part's folder. A killed worker is restarted by Ray and its part
continues from its own frames (in the scratch folder: on the same machine).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from ..errors import RunError
from ..files import atomic_write_bytes
from ..runs.parts import Executor, PartResult, PartTask, part_dir, parts_dir, render_part
from ..runs.store import gan_path, settings_path
from .tasks import ProgressReport, TaskFailed, run_tasks
from .worker import Returned, Task, ship_files

__all__ = ["ray_executor", "run_part"]

_RUN_PART = "music_visualizer.scale.sections:run_part"


def run_part(args: Mapping[str, Any], ctx: Any) -> Any:
    """Render one part on this worker (``args``: a :class:`PartTask`'s fields, and ``files``:
    the run's small files by name, for a worker that cannot see the output folder), its
    frames reported through ``ctx.progress``."""
    files = args.get("files") or {}
    task = PartTask(**{key: value for key, value in args.items() if key != "files"})
    ctx.progress(0, task.total, force=True)

    def report(index: int, _state: Any) -> None:
        ctx.progress(index + 1, task.total)

    if ctx.shared or not files:
        return render_part(task, load_pipes=ctx.models, on_frame=report)
    key = hashlib.sha1(task.folder.encode("utf-8")).hexdigest()[:12]  # the same on a retry
    mirror = Path(ctx.scratch) / f"parts_{task.timestring}_{key}"
    for name, data in files.items():
        target = mirror / name
        if not target.is_file() or target.read_bytes() != data:
            target.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(target, data)
    result = render_part(replace(task, folder=str(mirror)), load_pipes=ctx.models,
                         on_frame=report)
    where = part_dir(mirror, task.timestring, task.index)
    return Returned(result, ship_files(where, part_dir(Path(task.folder), task.timestring,
                                                       task.index)))


def _run_files(folder: Path, timestring: str) -> dict[str, bytes]:
    """The files a worker that cannot see ``folder`` needs to render a part: the record, the
    list of parts and (GAN) the vectors, by their names in the run's folder."""
    names = [settings_path(folder, timestring), gan_path(folder, timestring),
             parts_dir(folder, timestring) / "parts.json"]
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in names
            if path.is_file()}


def _result(outcome: Any) -> PartResult:
    """A part's result, or the error its task ended with."""
    if isinstance(outcome, TaskFailed):
        if outcome.user_error:
            raise RunError(f"{outcome.label}: {outcome.message}")
        raise RuntimeError(f"{outcome.label} failed:\n{outcome.message}")
    return outcome


def ray_executor(*, workers: int | None = None, address: str | None = None,
                 on_progress: Callable[[ProgressReport], None] | None = None,
                 num_cpus: int | None = None, storage: str = "auto") -> Executor:
    """An executor rendering parts on Ray workers (``workers`` of them, default one per GPU,
    else per CPU; ``address``: a cluster, default a local Ray; ``storage``: ``auto``,
    ``shared`` or ``object-store``, see the module docstring)."""

    def execute(tasks: Sequence[PartTask]) -> list[PartResult]:
        if not tasks:
            return []
        folder = Path(tasks[0].folder)
        files = _run_files(folder, tasks[0].timestring) if storage != "shared" else {}
        jobs = [Task(_RUN_PART, {**asdict(task), "files": files}, label=f"part {task.index}")
                for task in tasks]
        outcomes = run_tasks(jobs, workers=workers, address=address, on_progress=on_progress,
                             output_dir=folder, storage=storage, num_cpus=num_cpus)
        return [_result(outcome) for outcome in outcomes]

    return execute
