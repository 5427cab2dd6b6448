"""What tests check in an MP4 beyond ffprobe's summary."""

from __future__ import annotations

import subprocess
from pathlib import Path

import imageio_ffmpeg
import numpy as np


def frame_durations(video: Path) -> set[float]:
    """The distinct durations (seconds) of the video's packets, from their decode times: one
    value, a frame, when the video plays evenly."""
    text = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(video),
                           "-map", "0:v:0", "-c", "copy", "-f", "framecrc", "-"],
                          capture_output=True, text=True, check=True).stdout
    base = next(line for line in text.splitlines() if line.startswith("#tb 0:"))
    num, den = map(int, base.split(":")[1].strip().split("/"))
    durations = [int(line.split(",")[3]) for line in text.splitlines()
                 if line and not line.startswith("#")]
    return {d * num / den for d in durations}


def video_frames(video: Path, size: tuple[int, int]) -> np.ndarray:
    """Every frame of the video's first stream as ``(n, height, width, 3)`` ints, decoded as
    stored (no frame rate conversion); ``size`` is ``(width, height)``."""
    out = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(video),
                          "-map", "0:v:0", "-fps_mode", "passthrough", "-f", "rawvideo",
                          "-pix_fmt", "rgb24", "-"], capture_output=True, check=True).stdout
    return np.frombuffer(out, np.uint8).reshape(-1, size[1], size[0], 3).astype(int)
