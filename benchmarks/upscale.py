"""Upscaling speed: seconds per 512x512 frame at 2x and 4x on this CPU (issue 20).

    python benchmarks/upscale.py [--size 512] [--repeats 3]          # Lanczos, this Python
    PYTHONPATH=. VENV/bin/python benchmarks/upscale.py --model compact [--size 128]
    PYTHONPATH=. VENV/bin/python benchmarks/upscale.py --model esrgan --size 64

Lanczos runs in this Python. Models need spandrel, which imports only in the spandrel venv
(``.ci/spandrel_venv``; :func:`measure_models` runs this file there): random-weight models of the
real sizes, saved as ``.pth`` and loaded through ``load_upscaler`` as users' files are:

- ``esrgan``: Real-ESRGAN x4plus's RRDBNet (23 blocks, 64 features, 4x; 4x-UltraSharp has the
  same architecture and size)
- ``compact``: realesr-general-x4v3's SRVGGNetCompact (32 convs, 64 features, 4x)

A model measured on a smaller frame (``--size``) is reported per 512x512 frame by the ratio of
areas (convolutions cost the same per pixel; tiles of 384 px add their overlaps on top). Keys:
``upscale_<engine>_s_<2|4>x_512``; the 2x figure of a 4x model includes its Lanczos resize.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

#: Model name -> (spandrel class, its keyword arguments).
MODELS = {
    "esrgan": ("spandrel.architectures.ESRGAN:ESRGAN",
               {"num_filters": 64, "num_blocks": 23, "scale": 4}),
    "compact": ("spandrel.architectures.Compact:Compact",
                {"num_feat": 64, "num_conv": 32, "upscale": 4}),
}


def _time(upscaler, frame, repeats: int) -> float:
    """Median seconds of ``upscaler(frame)`` after one warm-up call."""
    upscaler(frame)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        upscaler(frame)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(engine: str = "lanczos", *, size: int = 512, repeats: int = 3) -> dict:
    """``upscale_<engine>_s_<2|4>x_512`` (seconds per 512x512 frame) and the details."""
    import importlib

    import torch

    from music_visualizer.finishing.upscale import load_upscaler

    frame = torch.rand(1, 3, size, size, generator=torch.Generator().manual_seed(0))
    with tempfile.TemporaryDirectory(prefix="mv-upscale-bench-") as tmp:
        model = None
        if engine != "lanczos":
            where, kwargs = MODELS[engine]
            module, cls = where.split(":")
            net = getattr(importlib.import_module(module), cls)(**kwargs)
            model = str(Path(tmp) / f"{engine}.pth")
            torch.save(net.state_dict(), model)
        seconds = {scale: _time(load_upscaler(scale, model, device="cpu"), frame, repeats)
                   for scale in (2, 4)}
    area = (512 / size) ** 2
    result = {f"upscale_{engine}_s_{scale}x_512": s * area for scale, s in seconds.items()}
    return {**result, "details": {"engine": engine, "measured_size": size, "repeats": repeats,
                                  "seconds_at_measured_size": seconds,
                                  "torch": torch.__version__,
                                  "torch_threads": torch.get_num_threads()}}


def measure_models(python: str, engines: dict[str, int], repeats: int = 1) -> dict:
    """:func:`measure` of each model engine (name -> frame size) run by the spandrel venv's
    ``python``; a failure is reported in the details instead of a figure."""
    out: dict = {"details": {}}
    for engine, size in engines.items():
        with tempfile.TemporaryDirectory(prefix="mv-upscale-bench-") as tmp:
            report = Path(tmp) / "report.json"
            proc = subprocess.run([python, str(Path(__file__)), "--model", engine, "--size",
                                   str(size), "--repeats", str(repeats), "--json", str(report)],
                                  capture_output=True, text=True, cwd=ROOT,
                                  env={**os.environ, "PYTHONPATH": str(ROOT)})
            if proc.returncode != 0:
                out["details"][engine] = {"error": proc.stderr[-2000:]}
                continue
            result = json.loads(report.read_text())
        out["details"][engine] = result.pop("details")
        out.update(result)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=["lanczos", *MODELS], default="lanczos")
    parser.add_argument("--size", type=int, default=512, help="frame side measured (px)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", type=Path, help="write the result here")
    args = parser.parse_args(argv)
    result = measure(args.model, size=args.size, repeats=args.repeats)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
