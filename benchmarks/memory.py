"""Peak RSS of whole preview renders, one child process per song length.

Each render is ``python -m music_visualizer render --audio SONG --renderer preview --fps 12
--width 512 --height 512 --no-video --output-dir TMP`` in its own process, with a private, empty
``MUSIC_VISUALIZER_CACHE`` so the song's analysis really runs. The songs are synthesized
(tests/synth_music.py, pop, repeated to the length) and written as WAV to a temporary folder.
The child's peak RSS comes from ``os.wait4`` (the kernel's ``ru_maxrss`` of that child), in a
small helper process that starts the render (see ``_HELPER`` for why).
Flat memory: the 190-second render should peak at most 10 % above the 60-second one.

    python benchmarks/memory.py [--seconds 60 190] [--fps 12] [--size 512] [--json OUT]
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def write_song(path: Path, seconds: float, *, seed: int = 101) -> Path:
    """A synthesized pop song (repeated to ``seconds``) written as WAV to ``path``."""
    import numpy as np
    import soundfile as sf

    from tests.synth_music import synth_song

    song = synth_song("pop", seed=seed)
    audio = song.audio
    while len(audio) < seconds * song.sr:
        audio = np.concatenate([audio, song.audio])
    sf.write(path, audio[: int(seconds * song.sr)], song.sr)
    return path


#: Runs one command with its output to a log file and prints its exit code and peak RSS (KiB).
#: A small process of its own: on Linux a child's ``ru_maxrss`` starts from the peak RSS of the
#: process that spawned it (exec accounts the old address space's high-water mark, and Python
#: spawns with vfork), so the benchmark's own memory must not be the render's parent.
_HELPER = """
import json, os, subprocess, sys, time
cmd, log, timeout = json.loads(sys.argv[1])
with open(log, "wb") as output:
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=output,
                            stderr=subprocess.STDOUT)
    deadline = time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid == proc.pid:
            break
        if time.monotonic() > deadline:
            proc.kill()
            _, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.05)
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
print(json.dumps({"exit": proc.returncode, "maxrss_kb": usage.ru_maxrss}))
"""


def package_env() -> dict[str, str]:
    """This environment, offline, with the repository on ``PYTHONPATH``."""
    return {**os.environ, "HF_HUB_OFFLINE": "1",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT),
                                                        os.environ.get("PYTHONPATH")]))}


def measured_run(cmd: list[str], log: Path, *, env: dict[str, str], timeout: float,
                 what: str) -> tuple[float, float]:
    """:func:`peak_rss_of` ``cmd`` run from the repository: (peak RSS in MB, wall seconds);
    a RuntimeError with the log's tail when it fails."""
    start = time.perf_counter()
    code, peak_mb = peak_rss_of(cmd, log, env=env, cwd=ROOT, timeout=timeout)
    seconds = time.perf_counter() - start
    if code != 0:
        tail = log.read_text(errors="replace")[-2000:]
        raise RuntimeError(f"{what} failed (exit {code}):\n{tail}")
    return peak_mb, seconds


def peak_rss_of(cmd: list[str], log: Path, *, env: dict[str, str] | None = None,
                cwd: Path | None = None, timeout: float = 1800) -> tuple[int, float]:
    """Run ``cmd`` (output to ``log``) under a fresh helper; its exit code and peak RSS in MB.

    The peak is the kernel's ``ru_maxrss`` of that child alone, from ``os.wait4``.
    """
    helper = subprocess.run(
        [sys.executable, "-I", "-S", "-c", _HELPER, json.dumps([cmd, str(log), timeout])],
        capture_output=True, text=True, env=env, cwd=cwd, timeout=timeout + 60, check=True)
    report = json.loads(helper.stdout.strip().splitlines()[-1])
    return report["exit"], report["maxrss_kb"] / 1024


def render_peak_rss(song: Path, out_dir: Path, *, cache_dir: Path, fps: float = 12,
                    size: int = 512, timeout: float = 1800) -> dict:
    """Render ``song`` in a child process; its peak RSS (MB) and wall time (s)."""
    cmd = [sys.executable, "-m", "music_visualizer", "render", "--audio", str(song),
           "--renderer", "preview", "--fps", f"{fps:g}", "--width", str(size),
           "--height", str(size), "--no-video", "--output-dir", str(out_dir)]
    env = {**package_env(), "MUSIC_VISUALIZER_CACHE": str(cache_dir)}
    log = out_dir.parent / f"{out_dir.name}.log"
    peak_mb, seconds = measured_run(cmd, log, env=env, timeout=timeout,
                                    what=f"render of {song.name}")
    frames = sum(1 for _ in out_dir.rglob("*.png"))
    return {"peak_rss_mb": peak_mb, "wall_s": seconds, "frames": frames}


def measure(seconds_list: list[float] = (60, 190), *, fps: float = 12, size: int = 512,
            concurrent: bool = False) -> dict:
    """``peak_rss_mb_<N>s`` (and ``render_wall_s_<N>s``, ``frames_<N>s``) per song length.

    ``concurrent``: the renders run side by side (each peak is still its own process's; the
    wall times then include the other's load: ``--quick`` only)."""
    result: dict = {"fps": fps, "size": size, "concurrent": concurrent}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        jobs = []
        for seconds in seconds_list:
            tag = f"{seconds:g}s"
            song = write_song(folder / f"song_{tag}.wav", seconds)
            cache = folder / f"cache_{tag}"
            cache.mkdir()
            jobs.append((tag, functools.partial(render_peak_rss, song, folder / f"out_{tag}",
                                                cache_dir=cache, fps=fps, size=size)))
        with ThreadPoolExecutor(max_workers=len(jobs) if concurrent else 1) as pool:
            runs = [(tag, pool.submit(job)) for tag, job in jobs]
            for tag, future in runs:
                run = future.result()
                result[f"peak_rss_mb_{tag}"] = run["peak_rss_mb"]
                result[f"render_wall_s_{tag}"] = run["wall_s"]
                result[f"frames_{tag}"] = run["frames"]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, nargs="+", default=[60, 190])
    parser.add_argument("--fps", type=float, default=12)
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    result = measure(args.seconds, fps=args.fps, size=args.size)
    for key, value in result.items():
        print(f"{key:24s} {value:10.1f}" if isinstance(value, float) else f"{key:24s} {value:>10}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
