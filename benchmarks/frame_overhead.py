"""Median time per frame of everything around the model call, at 512x512.

What a diffusion frame costs besides the model: warp, colour match (before and after the
model), contrast, noise, rounding to 8 bits, and handing the frame to the background PNG writer.
The model call itself is replaced by returning its input, so only our own work is timed.
``frame_overhead_ms_512``: the writer really encodes and writes the PNGs in its thread, on the
same 2 cores, as in a CPU render. ``..._loop_only``: the frame loop alone (what a GPU render
pays, where the writer runs while the GPU works).

    python benchmarks/frame_overhead.py [--frames 60] [--size 512] [--repeats 3] [--json OUT]

Each figure is the median over ``repeats`` alternated runs of each run's median frame time.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


class _IdentityPipe:
    """Stands in for the img2img call: returns the init image (timing our code only)."""

    def __call__(self, *, image, **_):
        return SimpleNamespace(images=image)

    def encode_prompt(self, *args, **kwargs):
        return None, None


def measure(frames: int = 60, size: int = 512, repeats: int = 3) -> dict[str, float]:
    import torch

    from music_visualizer.modes.plan import build_plan
    from music_visualizer.render.diffusion import DiffusionRenderer
    from music_visualizer.render.image_ops import to_tensor
    from music_visualizer.render.loop import MotionOptions, RenderState
    from music_visualizer.render.preview import prompt_pattern
    from music_visualizer.runs.store import FrameWriter
    from music_visualizer.settings import Settings

    settings = Settings(width=size, height=size, zoom="0:(1.02)", angle="0:(0.5)",
                        translation_x="0:(2*sin(t/5))", noise_schedule="0:(0.03)",
                        contrast_schedule="0:(0.99)")
    plan = build_plan(settings, n_frames=frames + 1, seed=1)
    pipes = SimpleNamespace(img2img=_IdentityPipe(), txt2img=None, device=torch.device("cpu"),
                            dtype=torch.float32)
    renderer = DiffusionRenderer(pipes, width=size, height=size, options=MotionOptions())
    first = to_tensor(prompt_pattern("benchmark", width=size, height=size))
    renderer.init_image = first

    def run(writer: FrameWriter | None) -> float:
        times = []
        state = renderer.step(RenderState(), plan.row(0))
        with torch.inference_mode():
            for i in range(1, frames + 1):
                start = time.perf_counter()
                state = renderer.step(state, plan.row(i))
                if writer is not None:
                    writer.submit(i, state.previous_uint8)
                times.append(time.perf_counter() - start)
        return statistics.median(times) * 1000

    loop_only, with_writer = [], []
    for _ in range(repeats):  # alternated; the median of the runs' medians (a VM is noisy)
        loop_only.append(run(None))
        with tempfile.TemporaryDirectory() as tmp, \
                FrameWriter(Path(tmp), "20260101000000") as writer:
            with_writer.append(run(writer))
    return {
        f"frame_overhead_ms_{size}": statistics.median(with_writer),
        f"frame_overhead_ms_{size}_loop_only": statistics.median(loop_only),
        "frames": frames,
        "repeats": repeats,
        "runs_ms": [round(v, 2) for v in with_writer],
        "runs_loop_only_ms": [round(v, 2) for v in loop_only],
        "torch_threads": torch.get_num_threads(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=60)
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    result = measure(args.frames, args.size, args.repeats)
    for key, value in result.items():
        shown = f"{value:10.2f}" if isinstance(value, float) else f"{value!s:>10}"
        print(f"{key:28s} {shown}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
