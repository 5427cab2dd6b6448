"""``render-batch`` on the command line: its progress display and its summary.

- :class:`BatchProgress`  one line per song plus the total: tqdm bars on a terminal, plain
                          lines (every few seconds, and when a song ends) in a log
- :func:`run_batch`       the command: render the batch, show progress, print each song's run
"""

from __future__ import annotations

import sys
import time
from typing import Any

from ..scale.batch import BatchRequest, render_batch
from ..scale.tasks import ProgressReport, TaskFailed, TaskProgress
from .text import rate_text

__all__ = ["BatchProgress", "progress_text", "run_batch"]


def _clock(seconds: float) -> str:
    s = round(seconds)
    if s >= 3600:
        return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"
    return f"{s // 60}:{s % 60:02d}"


def progress_text(done: int, total: int, fps: float | None, eta: float | None, *,
                  finished: bool = True) -> str:
    """``frame 12/48 (25%), 3.1 frames/s, ETA 0:12`` (``done`` at the end when ``finished``)."""
    if not total:
        return "waiting"
    line = f"frame {done}/{total} ({100 * done // total}%)"
    if fps:
        line += f", {rate_text(fps)} frames/s"
    if done >= total:
        return line + (", done" if finished else "")
    return line + (f", ETA {_clock(eta)}" if eta is not None else "")


def _song_line(task: TaskProgress, count: int) -> str:
    state = {"failed": "failed", "waiting": "waiting"}.get(task.state)
    text = state or progress_text(task.done, task.total, task.fps, task.eta)
    return f"[{task.index + 1}/{count}] {task.label}: {text}"


def _total_line(report: ProgressReport) -> str:
    count = len(report.tasks)
    text = progress_text(report.done, report.total, report.fps, report.eta,
                         finished=report.finished == count)
    return f"total: {text}; {report.finished} of {count} songs finished"


class BatchProgress:
    """Shows a batch's progress (``__call__`` with each report; ``close`` at the end)."""

    def __init__(self, *, stream: Any = None, every: float = 5.0, bars: bool | None = None
                 ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.bars = self.stream.isatty() if bars is None else bars
        self.every, self.last = every, 0.0
        self.report: ProgressReport | None = None
        self.ended: set[int] = set()
        self.tqdm: list[Any] = []

    def __call__(self, report: ProgressReport) -> None:
        self.report = report
        if self.bars:
            self._bars(report)
            return
        task = report.tasks[report.changed]
        now = time.monotonic()
        if task.state in ("done", "failed") and task.index not in self.ended:
            self.ended.add(task.index)
            self._print([_song_line(task, len(report.tasks)), _total_line(report)])
        elif now - self.last >= self.every:
            self.last = now
            self._print([_song_line(t, len(report.tasks)) for t in report.tasks
                         if t.state == "running"] + [_total_line(report)])

    def _print(self, lines: list[str]) -> None:
        for line in lines:
            print(line, file=self.stream, flush=True)

    def _bars(self, report: ProgressReport) -> None:
        from tqdm import tqdm

        if not self.tqdm:
            count = len(report.tasks)
            self.tqdm = [tqdm(total=0, desc=f"[{t.index + 1}/{count}] {t.label}", unit="frame",
                              position=t.index, leave=True, dynamic_ncols=True,
                              file=self.stream) for t in report.tasks]
            self.tqdm.append(tqdm(total=0, desc="total", unit="frame", position=count,
                                  leave=True, dynamic_ncols=True, file=self.stream))
        for bar, task in zip(self.tqdm, report.tasks, strict=False):
            bar.total, bar.n = task.total, task.done
            bar.set_postfix_str(task.state if task.state != "running" else "", refresh=False)
            bar.refresh()
        total = self.tqdm[-1]
        total.total, total.n = report.total, report.done
        total.refresh()

    def close(self) -> None:
        for bar in self.tqdm:
            bar.close()
        self.tqdm = []
        if not self.bars and self.report is not None:
            self._print([_total_line(self.report)])


def run_batch(request: BatchRequest) -> int:
    """Render the batch with progress on stderr and each song's run on stdout; the exit code
    (2 when a song failed by a mistake in its input, 1 for a bug)."""
    progress = BatchProgress()

    def started(record: Any, path: Any, continued: bool) -> None:
        verb = "Continuing" if continued else "Starting"
        print(f"{verb} batch {record.timestring}: {len(record.songs)} songs "
              f"(record: {path})", flush=True)

    try:
        result = render_batch(request, on_progress=progress, on_start=started)
    except KeyboardInterrupt:
        progress.close()
        print("\nStopped. Run the same command again to continue every song where it stopped.",
              file=sys.stderr)
        return 130
    finally:
        progress.close()
    for song, outcome in zip(result.record.songs, result.results, strict=True):
        if isinstance(outcome, TaskFailed):
            print(f"{song.song}: failed: {song.error}", flush=True)
        else:
            what = f"video {song.folder}/{song.timestring}.mp4" if request.make_video else (
                f"frames in {song.folder}")
            print(f"{song.song}: run {song.timestring}, {what}", flush=True)
    failed = result.failed
    for failure in failed:
        if not failure.user_error:  # a bug: its traceback, so it can be reported
            print(failure.message, file=sys.stderr)
    if not failed:
        return 0
    print(f"error: {len(failed)} of {len(result.results)} songs failed; fix them and run the "
          "same command again to continue.", file=sys.stderr)
    return 2 if all(f.user_error for f in failed) else 1
