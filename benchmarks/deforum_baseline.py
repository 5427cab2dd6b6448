"""A straightforward Deforum-style 2D frame loop, timed per frame, for comparison.

What Deforum does around the model in 2D, written the way Deforum writes it: the previous frame
(uint8, H x W x 3) is moved with ``cv2.warpAffine`` (rotation and zoom about the centre from
``cv2.getRotationMatrix2D``, then the translation; ``BORDER_REPLICATE``), colour-matched to frame
0 in LAB (``cv2.cvtColor`` RGB->LAB of both images, ``skimage.exposure.match_histograms`` with
``channel_axis=-1``, back to RGB), scaled by the contrast, turned into a [-1, 1] float sample,
noised with gaussian noise (numpy), passed through the model (here the identity), turned back
into uint8 and saved as a PNG with PIL in the loop (no writer thread).

The motion is the one ``benchmarks/frame_overhead.py`` uses (zoom 1.02, angle 0.5,
translation_x ``2*sin(t/5)``, noise 0.03, contrast 0.99); the first frame is the preview
renderer's pattern for the prompt "benchmark", so both loops start from the same image.

    python benchmarks/deforum_baseline.py [--frames 60] [--size 512] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ZOOM = 1.02
ANGLE = 0.5
NOISE = 0.03
CONTRAST = 0.99


def translation_x(t: int) -> float:
    return 2 * math.sin(t / 5)


def warp_2d(prev, *, angle: float, zoom: float, tx: float, ty: float):
    """Deforum's ``anim_frame_warp_2d``: rotate/zoom about the centre after translating."""
    import cv2
    import numpy as np

    height, width = prev.shape[:2]
    center = (width // 2, height // 2)
    trans_mat = np.vstack([np.float32([[1, 0, tx], [0, 1, ty]]), [0, 0, 1]])
    rot_mat = np.vstack([cv2.getRotationMatrix2D(center, angle, zoom), [0, 0, 1]])
    xform = np.matmul(rot_mat, trans_mat)
    return cv2.warpAffine(prev, xform[:2], (width, height), borderMode=cv2.BORDER_REPLICATE)


def maintain_colors_lab(prev, color_match_sample):
    """Deforum's ``maintain_colors`` in LAB mode."""
    import cv2
    from skimage.exposure import match_histograms

    prev_lab = cv2.cvtColor(prev, cv2.COLOR_RGB2LAB)
    match_lab = cv2.cvtColor(color_match_sample, cv2.COLOR_RGB2LAB)
    matched = match_histograms(prev_lab, match_lab, channel_axis=-1)
    return cv2.cvtColor(matched, cv2.COLOR_LAB2RGB)


def sample_from_cv2(image):
    """uint8 H x W x 3 (or float in 0..255) -> float32 C x H x W sample in [-1, 1]."""
    import numpy as np

    sample = image.astype(np.float32) / 255.0
    return sample.transpose(2, 0, 1) * 2 - 1


def sample_to_cv2(sample):
    """float C x H x W sample in [-1, 1] -> uint8 H x W x 3 (Deforum truncates, no rounding)."""
    import numpy as np

    image = ((sample.transpose(1, 2, 0).astype(np.float32) * 0.5) + 0.5).clip(0, 1)
    return (image * 255).astype(np.uint8)


def first_frame(size: int):
    from music_visualizer.render.preview import prompt_pattern

    return prompt_pattern("benchmark", width=size, height=size)


def run_loop(frames: int, size: int, out_dir: Path, *, seed: int = 1) -> dict[str, list[float]]:
    """Render ``frames`` frames after frame 0 into ``out_dir``; per-frame times in seconds."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(seed)
    prev = first_frame(size)
    color_match_sample = prev.copy()  # frame 0
    Image.fromarray(prev).save(out_dir / f"deforum_{0:05d}.png")
    times: dict[str, list[float]] = {k: [] for k in ("total", "warp", "color", "noise",
                                                     "model_and_uint8", "png")}
    for i in range(1, frames + 1):
        t0 = time.perf_counter()
        image = warp_2d(prev, angle=ANGLE, zoom=ZOOM, tx=translation_x(i), ty=0.0)
        t1 = time.perf_counter()
        image = maintain_colors_lab(image, color_match_sample)
        t2 = time.perf_counter()
        contrast_sample = image * CONTRAST
        sample = sample_from_cv2(contrast_sample)
        noised = sample + rng.standard_normal(sample.shape, dtype=np.float32) * NOISE
        t3 = time.perf_counter()
        result = noised  # the model (img2img) replaced by the identity
        prev = sample_to_cv2(result)
        t4 = time.perf_counter()
        Image.fromarray(prev).save(out_dir / f"deforum_{i:05d}.png")
        t5 = time.perf_counter()
        for key, value in zip(times, (t5 - t0, t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4),
                              strict=True):
            times[key].append(value)
    return times


def measure(frames: int = 60, size: int = 512) -> dict:
    """Median ms per frame of the loop (``deforum_baseline_ms_per_frame_<size>``) and its parts."""
    import cv2

    with tempfile.TemporaryDirectory() as tmp:
        run_loop(min(frames, 3), size, Path(tmp))  # warm-up: imports, cv2/skimage first calls
    with tempfile.TemporaryDirectory() as tmp:
        times = run_loop(frames, size, Path(tmp))
    medians = {k: statistics.median(v) * 1000 for k, v in times.items()}
    return {
        f"deforum_baseline_ms_per_frame_{size}": medians.pop("total"),
        **{f"deforum_{k}_ms_{size}": v for k, v in medians.items()},
        "frames": frames,
        "cv2_threads": cv2.getNumThreads(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=60)
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    result = measure(args.frames, args.size)
    for key, value in result.items():
        print(f"{key:36s} {value:10.2f}" if isinstance(value, float) else f"{key:36s} {value:>10}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
