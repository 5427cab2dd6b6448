"""Disk (Drive) use of a run: the same preview render with ``keep_frames: all`` and ``none``.

Renders a synthesized song (pop, benchmarks/memory.py's ``write_song``) with the preview renderer
at 12 fps, 512x512, the default settings (``--noisy``: the motion of benchmarks/run.py, more
noise and a rotation, grain a video encoder cannot compress), once keeping every frame's PNG
and once encoding the video in segments while rendering (``keep_frames: none``), each with its
MP4, and sums the sizes of every file left in the run folder (settings file, PNGs, segments,
MP4). MB are 10^6 bytes; "per minute" is per minute of video. The goal (issue 17): ``none``
uses less than a tenth of ``all``.

    python benchmarks/drive_use.py [--seconds 60] [--fps 12] [--size 512] [--noisy] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for _path in (str(HERE), str(ROOT)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

#: The camera, colour and noise schedules of benchmarks/run.py's preview run (``--noisy``).
NOISY = {"zoom": "0:(1.02)", "angle": "0:(0.5)", "translation_x": "0:(2*sin(t/5))",
          "noise_schedule": "0:(0.03)", "contrast_schedule": "0:(0.99)"}


def folder_bytes(folder: Path) -> int:
    """The size of every file under ``folder``."""
    return sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file())


def measure(seconds: float = 60.0, fps: float = 12.0, size: int = 512,
            work: Path | None = None, motion: dict | None = None) -> dict:
    """Run-folder MB (total and per minute of video) of ``all`` and ``none``, and their ratio;
    ``motion``: settings on top of the defaults (e.g. :data:`NOISY`)."""
    from memory import write_song

    from music_visualizer.runs.job import RenderRequest, render
    from music_visualizer.settings import Settings

    with tempfile.TemporaryDirectory(prefix="mv-drive-") as tmp:
        where = Path(work or tmp)
        song = write_song(where / "drive song.wav", seconds + 1)
        result: dict = {}
        files: dict = {}
        for keep in ("all", "none"):
            settings = Settings(renderer="preview", width=size, height=size, fps=fps, seed=1,
                                duration=seconds, keep_frames=keep, **(motion or {}))
            run = render(RenderRequest(audio=song, settings=settings, output_dir=where / keep,
                                       cache_dir=where / "cache", device="cpu"))
            mb = folder_bytes(run.folder) / 1e6
            result[f"drive_mb_{keep}"] = mb
            result[f"drive_mb_per_min_{keep}"] = mb / (seconds / 60)
            files[keep] = sum(1 for p in run.folder.rglob("*") if p.is_file())
            if keep == "none":
                segments = run.folder / f"{run.timestring}_segments"
                result["details_segments_mb"] = folder_bytes(segments) / 1e6
        result["drive_none_vs_all"] = result["drive_mb_none"] / result["drive_mb_all"]
        result["details"] = {"seconds": seconds, "fps": fps, "size": size, "files": files,
                             "motion": motion or "defaults",
                             "segments_mb": result.pop("details_segments_mb")}
        return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--fps", type=float, default=12.0)
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--noisy", action="store_true",
                        help="benchmarks/run.py's motion: more noise and a rotation")
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args(argv)
    result = measure(args.seconds, args.fps, args.size, motion=NOISY if args.noisy else None)
    for keep in ("all", "none"):
        print(f"keep_frames {keep:4s}: {result[f'drive_mb_{keep}']:8.1f} MB, "
              f"{result[f'drive_mb_per_min_{keep}']:8.1f} MB per minute of video")
    print(f"none / all: {result['drive_none_vs_all']:.3f} (the none run's segments: "
          f"{result['details']['segments_mb']:.1f} MB)")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
