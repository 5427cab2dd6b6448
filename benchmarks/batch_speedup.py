"""render-batch on Ray: wall time of the same songs on 1 and on 2 workers, same run.

    python benchmarks/batch_speedup.py [--songs 4] [--seconds 30] [--fps 12] [--size 512]

``measure`` starts one local Ray (its start-up is not timed), renders the songs with the
preview renderer as ``render-batch`` does (each song its own run with its video, each worker
a Ray actor: with 1 worker it has all the CPUs, with 2 each has half), first on 1 worker, then
on 2, into separate output folders, and reports ``batch_speedup_2_workers`` = wall(1) / wall(2)
and the per-frame cost (wall time per frame of the 1-worker batch). The songs are analysed
once before either batch (the analysis is cached), so both batches time the same work:
actors starting, frames, videos, records.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for _path in (str(HERE), str(ROOT)):
    if _path not in sys.path:
        sys.path.insert(0, _path)


def _batch(songs: list[Path], out: Path, workers: int, overrides: dict) -> tuple[float, int]:
    from music_visualizer.scale.batch import BatchRequest, render_batch

    start = time.perf_counter()
    result = render_batch(BatchRequest(sources=tuple(map(str, songs)), output_dir=out,
                                       overrides=overrides, workers=workers))
    wall = time.perf_counter() - start
    if result.failed:
        raise RuntimeError(f"batch failed: {result.failed[0].message}")
    return wall, sum(song.total for song in result.record.songs)


def measure(*, songs: int = 4, seconds: float = 30.0, fps: float = 12.0, size: int = 512,
            work: Path | None = None) -> dict:
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
        ray.init(include_dashboard=False, log_to_driver=False, configure_logging=False)
        try:
            cpus = ray.cluster_resources().get("CPU", 0)
            one, frames = _batch(paths, root / "one", 1, overrides)
            two, _ = _batch(paths, root / "two", 2, overrides)
        finally:
            ray.shutdown()
    return {"batch_speedup_2_workers": one / two,
            "details": {"songs": songs, "seconds_per_song": seconds, "fps": fps, "size": size,
                        "frames": frames, "cpus": cpus, "wall_s_1_worker": one,
                        "wall_s_2_workers": two, "ms_per_frame_1_worker": 1000 * one / frames,
                        "ms_per_frame_2_workers": 1000 * two / frames}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--songs", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--fps", type=float, default=12.0)
    parser.add_argument("--size", type=int, default=512)
    args = parser.parse_args(argv)
    print(json.dumps(measure(songs=args.songs, seconds=args.seconds, fps=args.fps,
                             size=args.size), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
