"""Shared fixtures: synthesized songs and a tiny random-weight Stable Diffusion model."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

ROOT = Path(__file__).resolve().parents[1]


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


def run_cli(*args: str | os.PathLike[str], timeout: float = 300,
            **kw) -> subprocess.CompletedProcess:
    """``python -m music_visualizer ARGS`` in a real process, offline."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "music_visualizer", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout, env=env, cwd=ROOT,
                          **kw)
