"""The CLI's ``render --parallel sections``: one song's parts on many workers.

- :func:`in_parts`         whether a resumed run was started in parts (it continues so)
- :func:`render_in_parts`  pick the executor (this process, or Ray's workers), render, print
- :class:`PartsProgress`   a line when a part starts or ends, and the total every few seconds
- :func:`print_parts`      ``runs``: each part of a run rendered in parts, with its state
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..modes import mode_for
from ..runs.parts import (
    Parts,
    check_parallel,
    has_parts,
    load_parts,
    overlap_frames,
    part_dir,
    part_states,
    plan_parts,
    render_sections,
    run_locally,
)
from .text import rate_text

__all__ = ["PartsProgress", "in_parts", "print_parts", "render_in_parts"]


def in_parts(run: Any) -> bool:
    """A resumed run that was started with ``--parallel sections``."""
    return bool(run.resumed and has_parts(run.folder, run.timestring))


def _clock(seconds: float) -> str:
    s = round(seconds)
    if s >= 3600:
        return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"
    return f"{s // 60}:{s % 60:02d}"


class PartsProgress:
    """Progress of a run's parts: a line when a part starts and when it ends, and the total
    (frames, frames/s, ETA) at most every ``every`` seconds."""

    def __init__(self, parts: Parts, *, every: float = 5.0, stream: Any = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.parts, self.every, self.clock = parts, every, clock
        self.stream = stream if stream is not None else sys.stderr
        self.done = {part.index: 0 for part in parts.parts}
        self.started: dict[int, float] = {}
        self.finished: set[int] = set()
        self.begun: float | None = None  # the first report (not the workers' start-up)
        self.rendered = 0
        self.last = clock()

    def _say(self, text: str) -> None:
        print(text, file=self.stream, flush=True)

    def update(self, index: int, done: int, where: str = "") -> None:
        """Part ``index`` has ``done`` frames."""
        part = self.parts.parts[index]
        now = self.clock()
        if self.begun is None:
            self.begun = now
        if index not in self.started:
            self.started[index] = now
            self._say(f"part {index} (frames {part.start}-{part.end - 1}) started"
                      + (f" on {where}" if where else ""))
        done = max(done, self.done[index])  # a part continues from its frames on disk
        self.rendered += done - self.done[index]
        self.done[index] = done
        if done >= part.n_frames and index not in self.finished:
            self.finished.add(index)
            took = now - self.started[index]
            rate = f", {rate_text(part.n_frames / took)} frames/s" if took > 0 else ""
            self._say(f"part {index} done: {part.n_frames} frames{rate}")
        if now - self.last >= self.every:
            self.last = now
            self._say(self.total_line(now))

    def total_line(self, now: float) -> str:
        total = sum(part.n_frames for part in self.parts.parts)
        done = sum(self.done.values())
        line = (f"total: frame {done}/{total} ({100 * done // max(total, 1)}%), "
                f"{len(self.finished)}/{len(self.parts.parts)} parts done")
        seconds = now - (self.begun if self.begun is not None else now)
        if self.rendered > 0 and seconds > 0:
            rate = self.rendered / seconds
            line += f", {rate_text(rate)} frames/s, ETA {_clock((total - done) / rate)}"
        return line

    def frame(self, index: int, frame: int) -> None:
        """``on_frame`` of :func:`~music_visualizer.runs.parts.run_locally`."""
        self.update(index, frame + 1)

    def report(self, report: Any) -> None:
        """``on_progress`` of Ray's :func:`~music_visualizer.scale.run_tasks`."""
        task = report.tasks[report.changed]
        if task.total and task.state in ("running", "done"):
            self.update(int(task.label.split()[-1]), task.done, task.worker)


def _executor(parts: Parts, progress: PartsProgress, workers: int | None,
              address: str | None, storage: str, asked: bool) -> Callable[..., Any]:
    """This process for one part or one local worker (or, resuming without --parallel, when
    Ray is not installed), else Ray's workers."""
    local = len(parts.parts) == 1 or (workers == 1 and not address)
    if not local and not asked and workers is None and not address:
        import importlib.util

        local = importlib.util.find_spec("ray") is None
    if local:
        return lambda tasks: run_locally(tasks, on_frame=progress.frame)
    from ..scale import require_ray
    from ..scale.sections import ray_executor

    require_ray("--parallel sections" if workers is None else "--workers")
    return ray_executor(workers=workers, address=address, on_progress=progress.report,
                        storage=storage)


def _describe(run: Any, parts: Parts) -> str:
    count = len(parts.parts)
    if mode_for(run.settings).frames_independent:
        return (f"{count} parts of independent frames (ranges of whole batches)" if count > 1
                else "The song is short enough for one part: it renders on one worker.")
    if count == 1:
        return ("The song has one section here (its prompt never changes, or its sections are "
                "shorter than a second), so it renders as one part on one worker.")
    overlap = overlap_frames(run.settings)
    return (f"{count} parts, one per section, each starting fresh; {overlap} frames "
            f"({run.settings.section_overlap:g} s) cross-faded where two meet")


def render_in_parts(request: Any, run: Any, *, workers: int | None,
                    address: str | None, storage: str = "auto", asked: bool = True) -> int:
    """``render --parallel sections`` (or, ``asked`` False, the resume of a run started so);
    the exit code."""
    check_parallel(run.settings)
    if workers is not None and workers < 1:
        raise UserError(f"--workers {workers}: give at least 1 worker.")
    if run.resumed and not has_parts(run.folder, run.timestring):
        raise UserError(f"Run {run.timestring} was not started with --parallel sections; "
                        "resume it without --parallel.")
    parts = (load_parts(run.folder, run.timestring) if run.resumed
             else plan_parts(run.plan, run.settings))
    print(_describe(run, parts))
    progress = PartsProgress(parts)
    for state in part_states(run.folder, run.timestring) if run.resumed else ():
        progress.done[state.index] = state.done
    final = [run]

    def on_start(started: Any, _parts: Parts) -> None:
        final.append(started)
        print(f"Run folder: {started.folder}", flush=True)

    try:
        result = render_sections(request, prepared=run,
                                 execute=_executor(parts, progress, workers, address, storage,
                                                   asked),
                                 on_start=on_start)
    except KeyboardInterrupt:
        print(f"\nStopped. Resume with: --resume {final[-1].timestring}", file=sys.stderr)
        return 130
    if result.stopped:
        print(f"Stopped. Resume with: --resume {result.timestring}", file=sys.stderr)
        return 130
    print(progress.total_line(progress.clock()), file=sys.stderr)
    print(f"Timestring: {result.timestring}")
    print(f"Frames: {result.n_frames} in {result.folder}")
    if result.video:
        print(f"Video: {result.video}")
    return 0


def print_parts(folder: Path, timestring: str) -> None:
    """``runs``: the parts of a run rendered in parts, while they are not yet joined."""
    states = part_states(folder, timestring)
    if not states:
        return
    if not any(part_dir(folder, timestring, state.index).is_dir() for state in states):
        print(f"  rendered in {len(states)} parts (--parallel sections), joined")
        return
    print(f"  in {len(states)} parts (--parallel sections):")
    for state in states:
        print(f"    {state.describe()}")
