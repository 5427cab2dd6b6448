"""Peak RSS and time of the analysis of a long song (default: 1 hour, 44.1 kHz stereo WAV).

The song is a synthesized pop song (tests/synth_music.py) at 44.1 kHz, its right channel a little
quieter and 3 ms late, repeated to the length and written as 16-bit WAV to a temporary folder
block by block (the generator holds one song, not the hour). ``python -m music_visualizer
analyze SONG --no-cache`` runs in a child process; its peak RSS is the kernel's ``ru_maxrss`` of
that child (``os.wait4``, through benchmarks/memory.py's helper). The same command on a 10-second
cut of the song gives the baseline (Python, numpy, librosa, numba loaded); ``increase_mb`` is the
peak above it, the memory the analysis itself needs. Target: at most ~500 MB for an hour.

    python benchmarks/memory_analysis.py [--seconds 3600] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

SR = 44100


def write_long_song(path: Path, seconds: float, *, seed: int = 101, sr: int = SR) -> Path:
    """A synthesized stereo pop song repeated to ``seconds``, written to ``path`` in blocks."""
    import numpy as np
    import soundfile as sf

    from tests.synth_music import synth_song

    mono = synth_song("pop", seed=seed, sr=sr).audio
    delay = round(0.003 * sr)
    block = np.stack([mono, 0.8 * np.roll(mono, delay)], axis=1).astype(np.float32)
    total = round(seconds * sr)
    with sf.SoundFile(path, "w", samplerate=sr, channels=2, subtype="PCM_16") as f:
        written = 0
        while written < total:
            part = block[: total - written]
            f.write(part)
            written += len(part)
    return path


def analysis_peak_rss(song: Path, *, timeout: float = 3600) -> dict:
    """``analyze SONG --no-cache`` in a child process: its peak RSS (MB) and wall time (s)."""
    from memory import measured_run, package_env

    cmd = [sys.executable, "-m", "music_visualizer", "analyze", str(song), "--no-cache"]
    peak_mb, seconds = measured_run(cmd, song.with_suffix(".log"), env=package_env(),
                                    timeout=timeout, what=f"analysis of {song.name}")
    return {"peak_rss_mb": peak_mb, "wall_s": seconds}


def measure(seconds: float = 3600.0) -> dict:
    """Peak RSS and wall time of the analysis of a ``seconds`` song and of a 10-second one."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        base = analysis_peak_rss(write_long_song(folder / "short.wav", 10.0))
        long = analysis_peak_rss(write_long_song(folder / "long.wav", seconds))
    return {"seconds_of_audio": seconds, "baseline_peak_rss_mb": base["peak_rss_mb"],
            "peak_rss_mb": long["peak_rss_mb"],
            "increase_mb": long["peak_rss_mb"] - base["peak_rss_mb"],
            "analysis_wall_s": long["wall_s"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3600.0)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    result = measure(args.seconds)
    for key, value in result.items():
        print(f"{key:24s} {value:10.1f}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
