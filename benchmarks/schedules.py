"""Schedule evaluation speed (what tests/test_schedules.py no longer asserts).

- ``exported_10k_ms``: evaluate a 10 000-frame per-frame keyframe string (a 5.5-minute song at
  30 fps exported with ``to_deforum_string``, ~150 000 characters).
- ``exported_10k_deforum_ms``: the same string read as a Deforum settings file's schedule.
- ``community_file_import_ms``: import a 120-frame A1111 settings file whose schedules use the
  community's shapes (waves, ``cos(...)**0.9`` with NaN frames, entries Deforum reads leniently).

    python benchmarks/schedules.py [--repeat 5] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _median_ms(fn, repeat: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def measure(repeat: int = 5) -> dict:
    import numpy as np

    from music_visualizer.settings.deforum import import_deforum
    from music_visualizer.settings.schedules import evaluate_schedule, to_deforum_string

    n = 10_000
    text = to_deforum_string(np.random.default_rng(0).uniform(-20, 20, n))
    community = {
        "W": 512, "H": 512, "seed": 7, "sampler": "Euler a", "animation_mode": "2D",
        "max_frames": 120, "fps": 15, "sd_model_name": "x.safetensors",
        "zoom": "0: (1.0025+0.002*sin(1.25*3.14*t/30))",
        "translation_x": "0:(10*sin(2*3.14*t/10))",
        "translation_y": "0: 0: (2*cos(3.14*t/45))",
        "perspective_flip_phi": "0:(sin(3.14*t/60))*(-0.45)",
        "perspective_flip_fv": "0:(53), 60:(-10), 120:(53)",
        "noise_schedule": "0:(-0.06*(cos(3.141*t/15)**100)+0.06)",
        "strength_schedule": "0:(0.65*(cos(3.141*t/30)**0.90))",
        "contrast_schedule": "0:( 1.0 ), 50:(1.05)",
    }
    return {
        "exported_10k_ms": _median_ms(
            lambda: evaluate_schedule(text, field="zoom", n_frames=n), repeat),
        "exported_10k_deforum_ms": _median_ms(
            lambda: evaluate_schedule(text, field="zoom", n_frames=n, deforum=True), repeat),
        "community_file_import_ms": _median_ms(lambda: import_deforum(community), repeat),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    result = measure(repeat=args.repeat)
    for key, value in result.items():
        print(f"{key}: {value:.1f}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
