"""Full analysis of a 3-minute song, warm, cache off: ours against a plain librosa pipeline.

The song is synthesized (tests/synth_music.py, pop, ~3 minutes) and written as WAV; both sides
decode it from disk. "Warm" means each side ran once before the timed runs (imports, numba JIT).
The plain librosa pipeline is what one would write from its docs: onset strength + beat_track +
chroma_cqt + HPSS + agglomerative segmentation.

"Cold" is what a CLI user waits for: ``python -m music_visualizer analyze SONG --json OUT`` in a
new process with an empty cache, imports included, in CPU seconds (user + system: steadier than
wall time on a shared machine).

    python benchmarks/analysis.py [--seconds 180] [--repeat 3] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def plain_librosa(path: Path) -> dict:
    import librosa

    y, sr = librosa.load(path, sr=22050)
    onset_env = librosa.onset.onset_strength(y=y, sr=sr)
    _, beats = librosa.beat.beat_track(onset_envelope=onset_env, sr=sr)
    chroma = librosa.feature.chroma_cqt(y=y, sr=sr)
    librosa.effects.hpss(y)
    bounds = librosa.segment.agglomerative(chroma, 8)
    return {"tempo": float(librosa.feature.tempo(onset_envelope=onset_env, sr=sr)[0]),
            "beats": len(beats), "sections": len(bounds)}


def ours(path: Path) -> dict:
    from music_visualizer.audio.analysis import analyze_file

    analysis = analyze_file(path, use_cache=False, beat_tracker="builtin")
    return {"tempo": analysis.tempo, "beats": len(analysis.beats),
            "sections": len(analysis.sections)}


def cold_cpu_seconds(path: Path, work: Path) -> float:
    """CPU seconds of ``python -m music_visualizer analyze`` of ``path`` in a new process, its
    cache empty."""
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "MUSIC_VISUALIZER_CACHE": str(work / "cold-cache"),
           "PYTHONPATH": str(root)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-m", "music_visualizer", "analyze", str(path), "--json",
                    str(work / "cold.json")], check=True, capture_output=True, env=env, cwd=root)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _time(fn, path: Path, repeat: int) -> tuple[float, dict]:
    result = fn(path)  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn(path)
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def measure(seconds: float = 180.0, repeat: int = 3) -> dict:
    import numpy as np
    import soundfile as sf

    from tests.synth_music import synth_song

    song = synth_song("pop", seed=101)
    audio = song.audio
    while len(audio) < seconds * song.sr:  # repeat the song to reach the length
        audio = np.concatenate([audio, song.audio])
    audio = audio[: int(seconds * song.sr)]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "song.wav"
        sf.write(path, audio, song.sr)
        cold = cold_cpu_seconds(path, Path(tmp))
        ours_s, ours_result = _time(ours, path, repeat)
        librosa_s, librosa_result = _time(plain_librosa, path, repeat)
    return {"analysis_s_3min": ours_s, "plain_librosa_s_3min": librosa_s,
            "speedup": librosa_s / ours_s, "analysis_cold_cpu_s": cold, "seconds_of_audio": seconds,
            "ours": ours_result, "plain_librosa": librosa_result}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=180.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    result = measure(args.seconds, args.repeat)
    for key in ("analysis_s_3min", "plain_librosa_s_3min", "speedup", "analysis_cold_cpu_s"):
        print(f"{key:24s} {result[key]:8.2f}")
    print(f"ours:          {result['ours']}")
    print(f"plain librosa: {result['plain_librosa']}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
