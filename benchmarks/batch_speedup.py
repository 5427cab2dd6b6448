"""render-batch on Ray: wall time of the same songs on 1 and on 2 workers, same run.

    python benchmarks/batch_speedup.py [--songs 4] [--seconds 60] [--fps 12] [--size 512]
                                       [--one-cpu-each]

``measure`` starts one local Ray (its start-up is not timed: a user pays it once whatever the
workers), renders the songs with the preview renderer as ``render-batch`` does (each song its
own run with its video), first with ``--workers 1``, then with ``--workers 2``, into separate
output folders, and reports ``batch_speedup_2_workers`` = wall(1) / wall(2).

What is compared is what a user chooses between: one worker given the whole machine (all its
CPUs: numba's kernels and ffmpeg use them all) against two workers each given half (each
keeps to its share: :func:`~music_visualizer.scale.worker.share_env`). With
``--one-cpu-each`` the single worker gets one CPU as well (as each worker would own one GPU),
reported as ``batch_speedup_2_workers_1cpu_each``: it shows how the work spreads over workers,
not what a user of this machine gains.

Songs of 60 s by default: real songs are minutes long, and a batch's fixed costs (each worker
starting and importing, ~5 s; its first song's set-up) are paid once per worker, so with very
short songs they would dominate a figure that is about the frames and videos. The songs are
analysed once before either batch (the analysis is cached), so both batches time the same
work: workers starting, frames, videos, records. The machine's load average is recorded
before and after: on a shared machine the figure means little. So are the CPU seconds the
workers used (``worker_cpu_s_*``, with their ffmpeg) and the cores they kept busy on average
(``cores_busy_*`` = CPU seconds / wall seconds): two workers that fight for the cores use more
CPU seconds for the same frames than one; a single worker that already keeps ``c`` of the
machine's ``n`` cores busy leaves room for at most ``n / c`` times its speed, whatever the
number of workers.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for _path in (str(HERE), str(ROOT)):
    if _path not in sys.path:
        sys.path.insert(0, _path)


class WorkerCpu:
    """The CPU seconds the workers used (user + system, with their waited-for children such as
    ffmpeg), read from ``/proc`` at each progress report of theirs (a worker reports when its
    task ends, before it is stopped): an ``on_progress`` for ``run_tasks``. Linux only (else
    nothing is counted)."""

    def __init__(self) -> None:
        self.seconds: dict[int, float] = {}

    def __call__(self, report) -> None:
        pid = report.tasks[report.changed].pid
        if not pid:
            return
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return
        used = sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")
        self.seconds[pid] = max(used, self.seconds.get(pid, 0.0))

    @property
    def total(self) -> float:
        return sum(self.seconds.values())


def _batch(songs: list[Path], out: Path, workers: int, overrides: dict,
           cpus_per_worker: int | None) -> tuple[float, int, float]:
    """Wall seconds, frames and the workers' CPU seconds of one batch."""
    from music_visualizer.scale.batch import BatchRequest, render_batch

    cpu = WorkerCpu()
    start = time.perf_counter()
    result = render_batch(BatchRequest(sources=tuple(map(str, songs)), output_dir=out,
                                       overrides=overrides, workers=workers,
                                       cpus_per_worker=cpus_per_worker), on_progress=cpu)
    wall = time.perf_counter() - start
    if result.failed:
        raise RuntimeError(f"batch failed: {result.failed[0].message}")
    return wall, sum(song.total for song in result.record.songs), cpu.total


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def measure(*, songs: int = 4, seconds: float = 60.0, fps: float = 12.0, size: int = 512,
            one_cpu_each: bool = False, work: Path | None = None) -> dict:
    """``{"batch_speedup_2_workers", "details"}`` (see the module docstring); with
    ``one_cpu_each`` also ``batch_speedup_2_workers_1cpu_each``."""
    import ray
    from memory import write_song

    from music_visualizer.audio.analysis import analyze_file

    with tempfile.TemporaryDirectory(prefix="mv-batch-") as tmp:
        root = Path(work or tmp)
        paths = [write_song(root / f"song {i + 1}.wav", seconds, seed=200 + i)
                 for i in range(songs)]
        for path in paths:  # cached: neither batch pays for the analysis
            analyze_file(path)
        overrides = {"renderer": "preview", "width": size, "height": size, "fps": fps,
                     "seed": 1, "zoom": "0:(1.02)", "angle": "0:(0.5)"}
        load_before = _load()
        started = not ray.is_initialized()  # benchmarks/run.py may share its Ray
        if started:
            ray.init(include_dashboard=False, log_to_driver=False, configure_logging=False)
        walls: dict[str, float] = {}
        used: dict[str, float] = {}
        try:
            cpus = ray.cluster_resources().get("CPU", 0)
            walls["1"], frames, used["1"] = _batch(paths, root / "one", 1, overrides, None)
            walls["2"], _, used["2"] = _batch(paths, root / "two", 2, overrides, None)
            if one_cpu_each:
                walls["1_1cpu"], _, used["1_1cpu"] = _batch(paths, root / "one_1cpu", 1,
                                                            overrides, 1)
        finally:
            if started:
                ray.shutdown()
    result = {"batch_speedup_2_workers": walls["1"] / walls["2"]}
    if one_cpu_each:
        result["batch_speedup_2_workers_1cpu_each"] = walls["1_1cpu"] / walls["2"]
    details = {"songs": songs, "seconds_per_song": seconds, "fps": fps, "size": size,
               "frames": frames, "cpus": cpus, "load_avg_before": load_before,
               "load_avg_after": _load(), "wall_s_1_worker": walls["1"],
               "wall_s_2_workers": walls["2"],
               "ms_per_frame_1_worker": 1000 * walls["1"] / frames,
               "ms_per_frame_2_workers": 1000 * walls["2"] / frames,
               "worker_cpu_s_1_worker": used["1"], "worker_cpu_s_2_workers": used["2"],
               "cores_busy_1_worker": used["1"] / walls["1"],
               "cores_busy_2_workers": used["2"] / walls["2"]}
    if one_cpu_each:
        details["wall_s_1_worker_1cpu"] = walls["1_1cpu"]
        details["worker_cpu_s_1_worker_1cpu"] = used["1_1cpu"]
    return {**result, "details": details}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--songs", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--fps", type=float, default=12.0)
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--one-cpu-each", action="store_true",
                        help="also 1 worker of 1 CPU (as each worker would own one GPU)")
    args = parser.parse_args(argv)
    print(json.dumps(measure(songs=args.songs, seconds=args.seconds, fps=args.fps,
                             size=args.size, one_cpu_each=args.one_cpu_each), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
