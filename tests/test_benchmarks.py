"""The benchmark command (benchmarks/run.py) and its Deforum-style baseline loop."""

from __future__ import annotations

import importlib.util
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"_bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_deforum_baseline_loop_on_a_small_size(tmp_path):
    baseline = _load("deforum_baseline")
    times = baseline.run_loop(3, 64, tmp_path)
    assert set(times) == {"total", "warp", "color", "noise", "model_and_uint8", "png"}
    assert all(len(v) == 3 and all(t > 0 for t in v) for v in times.values())
    frames = sorted(tmp_path.glob("deforum_*.png"))
    assert [f.name for f in frames] == [f"deforum_{i:05d}.png" for i in range(4)]
    last = np.asarray(Image.open(frames[-1]))
    assert last.shape == (64, 64, 3) and last.dtype == np.uint8

    result = baseline.measure(frames=2, size=64)
    value = result["deforum_baseline_ms_per_frame_64"]
    assert math.isfinite(value) and value > 0


def test_deforum_baseline_steps_do_what_deforum_does():
    baseline = _load("deforum_baseline")
    image = baseline.first_frame(48)
    # no move: the same image; a move: a different one of the same size
    still = baseline.warp_2d(image, angle=0.0, zoom=1.0, tx=0.0, ty=0.0)
    assert np.array_equal(still, image)
    moved = baseline.warp_2d(image, angle=5.0, zoom=1.1, tx=3.0, ty=0.0)
    assert moved.shape == image.shape and not np.array_equal(moved, image)
    # matching an image to itself in LAB changes it by at most the 8-bit LAB round trip
    matched = baseline.maintain_colors_lab(image, image)
    assert matched.dtype == np.uint8
    diff = np.abs(matched.astype(int) - image.astype(int))
    assert diff.max() <= 6 and diff.mean() < 1
    # the [-1, 1] sample round trip
    back = baseline.sample_to_cv2(baseline.sample_from_cv2(image))
    assert np.abs(back.astype(int) - image.astype(int)).max() <= 1


def test_targets_pass_and_fail():
    run = _load("run")
    results = {"frame_overhead_ms_512": 9.0, "analysis_s_3min": 6.0, "encode_fps_512": 150.0,
               "preview_speedup_vs_deforum": 1.5, "peak_rss_mb_60s": 500.0,
               "peak_rss_mb_190s": 549.0}
    assert run.check(results) == {"frame_overhead_ms_512": True, "analysis_s_3min": False,
                                  "encode_fps_512": True, "preview_speedup_vs_deforum": False,
                                  "peak_rss_mb_190s": True}
    assert run.check({**results, "peak_rss_mb_190s": 551.0})["peak_rss_mb_190s"] is False
    assert "FAIL" in run.table(results, run.check(results))


@pytest.mark.slow
@pytest.mark.xdist_group("ray")  # its batch and sections figures start a local Ray
def test_quick_benchmark_run_writes_every_figure(tmp_path):
    out = tmp_path / "bench.json"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "MUSIC_VISUALIZER_CACHE": str(tmp_path / "c")}
    proc = subprocess.run([sys.executable, str(BENCH / "run.py"), "--quick", "--json", str(out)],
                          capture_output=True, text=True, timeout=900, cwd=ROOT, env=env)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    report = json.loads(out.read_text())
    keys = ("frame_overhead_ms_512", "frame_overhead_ms_512_loop_only",
            "analysis_s_3min", "analysis_cold_cpu_s", "encode_fps_512", "preview_ms_per_frame_512",
            "deforum_baseline_ms_per_frame_512", "preview_speedup_vs_deforum", "tiny_fps_256",
            "peak_rss_mb_60s", "peak_rss_mb_190s", "drive_mb_60s_all", "drive_mb_60s_none",
            "drive_mb_per_min_all", "drive_mb_per_min_none", "drive_none_vs_all",
            "batch_speedup_2_workers",
            "interpolate_fps_512_blend", "interpolate_fps_512_minterpolate",
            "interpolate_fps_512_rife")
    for key in keys:
        value = report[key]
        assert isinstance(value, float) and math.isfinite(value) and value > 0, (key, value)
    assert report["quick"] is True
    assert set(report["targets"]) == {"frame_overhead_ms_512", "analysis_s_3min",
                                      "encode_fps_512", "preview_speedup_vs_deforum",
                                      "peak_rss_mb_190s", "drive_none_vs_all",
                                      "batch_speedup_2_workers"}
    assert set(report["pass"]) == set(report["targets"])
    assert report["machine"]["cpu_count"] >= 1 and report["machine"]["torch"]
    # the table: a header and one row per figure, with the targets and verdicts
    assert "measure" in proc.stdout and "target" in proc.stdout
    for label in ("frame overhead 512x512", "Deforum-style loop", "preview renderer",
                  "MP4 encoding", "analysis of a 3-min song", "analyze CLI, new process",
                  "tiny SD 256x256",
                  "peak RSS, render of a 60 s song", "peak RSS, render of a 190 s song",
                  "Drive use per minute of video, all", "Drive use, none / all"):
        assert label in proc.stdout, label
    assert "pass" in proc.stdout or "FAIL" in proc.stdout


def test_devset_meter_scores_count_only_2_and_4_alike_in_the_diagnostic():
    """The goal's meter is an exact match; the diagnostic forgives 2 against 4 and nothing else."""
    scores = _load("analysis_quality").meter_scores
    assert scores(4, 4) == {"meter_ok": True, "meter_ok_24": True}
    assert scores(4, 2) == {"meter_ok": False, "meter_ok_24": True}
    assert scores(2, 4) == {"meter_ok": False, "meter_ok_24": True}
    assert scores(3, 2) == {"meter_ok": False, "meter_ok_24": False}
    assert scores(4, 3) == scores(7, 4) == scores(2, 1) == scores(8, 4) == {
        "meter_ok": False, "meter_ok_24": False}
