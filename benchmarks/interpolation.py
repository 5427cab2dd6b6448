"""Interpolation speed per engine: output frames per second of the finishing stream at 512 px.

    python benchmarks/interpolation.py [--frames N]

Reads a run's saved 512x512 PNGs, interpolates x2 (each frame and one in-between) with each
engine and counts the frames out per second of wall time (PNG reading included, encoding not).
RIFE runs a random-weight network of the real Practical-RIFE 4.14+ size (4 blocks of width 192,
128, 96, 64, 8 residual convolutions each, the Head encoder): the speed of the real model, not
its pictures. On a GPU the same stream batches pairs on the device.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

ENGINES = ("blend", "minterpolate", "rife")


def rife_weights(folder: Path) -> Path:
    """A random-weight flownet.pkl of the Practical-RIFE 4.14+ size, in its file layout."""
    import torch

    from music_visualizer.finishing.rife import IFNet, IFNetConfig

    config = IFNetConfig(((23, 192, 6), (28, 128, 6), (28, 96, 6), (28, 64, 6)), "head", 8, 8)
    path = folder / "flownet.pkl"
    torch.manual_seed(0)
    torch.save({f"module.{k}": v for k, v in IFNet(config).state_dict().items()}, path)
    return path


def interpolation_fps(frames_dir: Path, timestring: str, n_frames: int, engine: str,
                      model: str = "", repeats: int = 1) -> float:
    """Frames out per second of :func:`~music_visualizer.finishing.stream.finished_frames`
    (x2) over frames ``0 .. n_frames - 1`` (median of ``repeats``)."""
    from music_visualizer.finishing.stream import (
        Finishing,
        finished_frames,
        load_finisher,
        read_frames,
    )

    finisher = load_finisher(Finishing(interpolate=2, engine=engine, model=model))
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        made = sum(1 for _ in finished_frames(
            finisher, read_frames(frames_dir, timestring, 0, n_frames, after=False)))
        times.append(time.perf_counter() - start)
    return made / statistics.median(times)


def measure(frames_dir: Path, timestring: str, n_frames: int, *, rife_frames: int,
            repeats: int = 1) -> dict:
    """``interpolate_fps_512_<engine>`` for every engine (RIFE over fewer frames: slow on a
    CPU)."""
    with tempfile.TemporaryDirectory(prefix="mv-rife-") as tmp:
        model = str(rife_weights(Path(tmp)))
        out = {}
        for engine in ENGINES:
            n = rife_frames if engine == "rife" else n_frames
            out[f"interpolate_fps_512_{engine}"] = interpolation_fps(
                frames_dir, timestring, n, engine, model, repeats)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=24)
    args = parser.parse_args(argv)
    import numpy as np
    from PIL import Image

    with tempfile.TemporaryDirectory(prefix="mv-interp-") as tmp:
        folder = Path(tmp)
        rng = np.random.default_rng(0)
        base = rng.integers(0, 256, (512, 512 + 4 * args.frames, 3), dtype=np.uint8)
        for i in range(args.frames):  # a pan over noise
            Image.fromarray(base[:, 4 * i: 4 * i + 512]).save(folder / f"b_{i:05d}.png")
        for key, value in measure(folder, "b", args.frames,
                                  rife_frames=max(2, args.frames // 4)).items():
            print(f"{key}: {value:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
