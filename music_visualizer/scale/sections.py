"""One song on many workers (``render --parallel sections``): its parts as Ray tasks.

- :func:`run_part`      the task a worker runs: one part (:func:`~music_visualizer.runs.parts.
                        render_part`) with the worker's model, its frames reported as progress
- :func:`ray_executor`  an executor for :func:`~music_visualizer.runs.parts.render_sections`
                        that renders the parts on Ray workers side by side

The parts are written straight into the run's folder, so the workers must see the output
folder (a shared file system; on one machine it always is): a worker that cannot says so in
one sentence. A killed worker is restarted by Ray and its part continues from its own frames.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..errors import RunError
from ..runs.parts import Executor, PartResult, PartTask, render_part
from .tasks import ProgressReport, TaskFailed, run_tasks
from .worker import Task

__all__ = ["ray_executor", "run_part"]

_RUN_PART = "music_visualizer.scale.sections:run_part"


def run_part(args: Mapping[str, Any], ctx: Any) -> PartResult:
    """Render one part on this worker (``args``: a :class:`PartTask`'s fields), its frames
    reported through ``ctx.progress``."""
    task = PartTask(**args)
    ctx.progress(0, task.total, force=True)
    return render_part(task, load_pipes=ctx.models,
                       on_frame=lambda index, _state: ctx.progress(index + 1, task.total))


def _result(outcome: Any) -> PartResult:
    """A part's result, or the error its task ended with."""
    if isinstance(outcome, TaskFailed):
        if outcome.user_error:
            raise RunError(f"{outcome.label}: {outcome.message}")
        raise RuntimeError(f"{outcome.label} failed:\n{outcome.message}")
    return outcome


def ray_executor(*, workers: int | None = None, address: str | None = None,
                 on_progress: Callable[[ProgressReport], None] | None = None,
                 num_cpus: int | None = None) -> Executor:
    """An executor rendering parts on Ray workers (``workers`` of them, default one per GPU,
    else per CPU; ``address``: a cluster, default a local Ray)."""

    def execute(tasks: Sequence[PartTask]) -> list[PartResult]:
        if not tasks:
            return []
        jobs = [Task(_RUN_PART, asdict(task), label=f"part {task.index}") for task in tasks]
        outcomes = run_tasks(jobs, workers=workers, address=address, on_progress=on_progress,
                             output_dir=Path(tasks[0].folder), storage="shared",
                             num_cpus=num_cpus)
        return [_result(outcome) for outcome in outcomes]

    return execute
