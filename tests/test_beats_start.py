"""A song whose first downbeat is its very first sample keeps that downbeat.

Band fluxes cannot see an attack on the first frames of a file (there is no frame before it),
which once counted as evidence against a downbeat there: the demo song lost its 0.0 s downbeat.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from music_visualizer.audio.beats import track_beats
from music_visualizer.audio.spectra import compute_spectra
from tests.synth_music import synth_song

ROOT = Path(__file__).resolve().parents[1]


def _starting_on_the_downbeat(genre: str, seed: int) -> tuple[np.ndarray, int, np.ndarray]:
    """A synthesized song cut so that its first downbeat is at 0.0 s; audio, sr, downbeats."""
    song = synth_song(genre, seed=seed, bars=16)
    first = float(song.downbeats[0])
    audio = song.audio[round(first * song.sr):]
    return audio, song.sr, song.downbeats - first


@pytest.mark.parametrize(("genre", "seed"), [("pop", 5), ("rock", 6), ("waltz", 7)])
def test_first_downbeat_at_zero_is_found(genre, seed):
    audio, sr, downbeats = _starting_on_the_downbeat(genre, seed)
    assert downbeats[0] == 0.0
    result = track_beats(compute_spectra(audio, sr))
    assert len(result.downbeats), "no downbeats at all"
    assert result.downbeats[0] <= 0.07, (
        f"{genre}: first downbeat {result.downbeats[0]:.3f} s, expected 0.0")


def test_demo_song_first_downbeat_at_zero():
    sys.path.insert(0, str(ROOT / "examples"))
    try:
        from make_demo_song import SR, synthesize
    finally:
        sys.path.remove(str(ROOT / "examples"))
    result = track_beats(compute_spectra(synthesize(), SR))
    assert result.downbeats[0] <= 0.03
    np.testing.assert_allclose(result.downbeats[:6], np.arange(6) * 2.0, atol=0.03)
