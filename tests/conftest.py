"""Shared fixtures: synthesized songs and tiny random-weight models (Stable Diffusion, TAESD,
Depth Anything, BigGAN), each built once per session: the tests only read their folders (a test
that changes a model copies it first)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

ROOT = Path(__file__).resolve().parents[1]

# The two pytest workers and the processes they start share the cores. OpenMP threads (torch's)
# spin while they wait for work, burning a core another process needs; told to sleep instead
# (what scale/worker.py's share_env does for Ray workers side by side), a render-heavy part of
# the suite took 15-25 % less time here. Set before torch loads, inherited by every process a
# test starts; it changes no result.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

_OURS = "MUSIC_VISUALIZER_TEST_NUMBA_CACHE"  # set: NUMBA_CACHE_DIR is this conftest's


def pytest_configure(config: pytest.Config) -> None:
    """Each worker keeps its own numba cache (inherited by the processes its tests start).

    librosa's numba functions cache their machine code beside librosa's sources; two workers
    compiling the same one at once (the first run on a fresh machine) can leave a cache that
    crashes every later process that loads it (a segfault in ``librosa.beat.beat_track``, seen
    here). Set before any test module imports librosa (numba reads it on import).
    """
    if "NUMBA_CACHE_DIR" in os.environ and not os.environ.get(_OURS):
        return  # the user's own
    worker = getattr(config, "workerinput", {}).get("workerid", "main")
    os.environ["NUMBA_CACHE_DIR"] = str(
        Path(tempfile.gettempdir()) / f"music_visualizer-numba-{worker}-{os.getuid()}")
    os.environ[_OURS] = "1"  # (the workers inherit the controller's: theirs replace it)


def click_song(seconds: float, *, sr: int = 22050, bpm: float = 120.0, channels: int = 1,
               seed: int = 0) -> np.ndarray:
    """Clicks on every beat over a quiet chord: the beats are known exactly."""
    rng = np.random.default_rng(seed)
    n = int(seconds * sr)
    t = np.arange(n) / sr
    y = 0.05 * (np.sin(2 * np.pi * 220 * t) + np.sin(2 * np.pi * 277 * t))
    click = rng.standard_normal(int(0.02 * sr)) * np.exp(-np.arange(int(0.02 * sr)) / (0.004 * sr))
    for beat in np.arange(0, seconds, 60.0 / bpm):
        i = int(beat * sr)
        y[i:i + len(click)] += 0.6 * click[: n - i]
    y = (y / np.abs(y).max() * 0.8).astype(np.float32)
    return np.stack([y] * channels, axis=1) if channels > 1 else y


@pytest.fixture(scope="session", autouse=True)
def _analysis_cache(tmp_path_factory):
    """Keep the analysis cache of the tests (and of the CLI processes they start) private."""
    old = os.environ.get("MUSIC_VISUALIZER_CACHE")
    os.environ["MUSIC_VISUALIZER_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if old is None:
        os.environ.pop("MUSIC_VISUALIZER_CACHE", None)
    else:
        os.environ["MUSIC_VISUALIZER_CACHE"] = old


def lyric_flac(path: Path, lrc: str, seconds: float = 6.0) -> Path:
    """A click song as FLAC with ``lrc`` in its SYNCEDLYRICS Vorbis comment (as taggers write
    synced lyrics): the lyrics an upload carries in the app."""
    from mutagen.flac import FLAC

    sf.write(path, click_song(seconds), 22050, format="FLAC")
    tags = FLAC(path)
    tags["SYNCEDLYRICS"] = lrc
    tags.save()
    return path


@pytest.fixture(scope="session")
def song(tmp_path_factory) -> Path:
    """A 6-second 120 BPM click song (wav, 22.05 kHz mono)."""
    path = tmp_path_factory.mktemp("songs") / "Click Song.wav"
    sf.write(path, click_song(6.0), 22050)
    return path


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory) -> Path:
    """A tiny random-weight SD pipeline saved as a diffusers folder (built, never downloaded)."""
    from tests.tiny_models import make_tiny_sd

    return make_tiny_sd(tmp_path_factory.mktemp("models") / "tiny-sd")


@pytest.fixture(scope="session")
def tiny_taesd(tmp_path_factory) -> Path:
    """A tiny random TAESD (``AutoencoderTiny``) folder matching :func:`tiny_model`."""
    from tests.tiny_models import make_tiny_taesd

    return make_tiny_taesd(tmp_path_factory.mktemp("taesd") / "tiny-taesd")


@pytest.fixture(scope="session")
def tiny_depth(tmp_path_factory) -> Path:
    """A tiny random Depth Anything folder (model + image processor config)."""
    from tests.tiny_models import make_tiny_depth

    return make_tiny_depth(tmp_path_factory.mktemp("depth") / "tiny-depth")


@pytest.fixture(scope="session")
def tiny_biggan(tmp_path_factory) -> Path:
    """A tiny random BigGAN-deep generator folder (32 classes' output, the default)."""
    from tests.tiny_models import make_tiny_biggan

    return make_tiny_biggan(tmp_path_factory.mktemp("gan") / "tiny-biggan")


def run_cli(*args: str | os.PathLike[str], timeout: float = 300,
            **kw) -> subprocess.CompletedProcess:
    """``python -m music_visualizer ARGS`` in a real process, offline."""
    return subprocess.run([sys.executable, "-m", "music_visualizer", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout, env=offline_env(),
                          cwd=ROOT, **kw)


def run_main(capsys: pytest.CaptureFixture[str], *args: str | os.PathLike[str]
             ) -> subprocess.CompletedProcess:
    """``python -m music_visualizer ARGS`` run in this process (the CLI's ``main``), its output
    taken from ``capsys``: for many quick checks of one kind, where a real process each would
    cost seconds of imports (a real-process test covers each such flow too)."""
    from music_visualizer.ui.cli import main

    capsys.readouterr()
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return subprocess.CompletedProcess(["music_visualizer", *map(str, args)], code, out.out,
                                       out.err)


def offline_env() -> dict[str, str]:
    """This process's environment for a child that must not reach the hub and must import this
    checkout."""
    return {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}


def start_cli(args: Sequence[str | os.PathLike[str]]) -> subprocess.Popen:
    """``python -m music_visualizer ARGS`` started in a real process, offline."""
    return subprocess.Popen([sys.executable, "-m", "music_visualizer", *map(str, args)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=offline_env(), cwd=ROOT)


def run_clis(*commands: Sequence[str | os.PathLike[str]], timeout: float = 300
             ) -> list[subprocess.CompletedProcess]:
    """Several independent ``python -m music_visualizer ARGS`` side by side (each in its own
    real process, offline; their start-ups overlap); their results in the same order."""
    procs = [start_cli(args) for args in commands]
    try:
        outs = [proc.communicate(timeout=timeout) for proc in procs]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    return [subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
            for proc, (out, err) in zip(procs, outs, strict=True)]
