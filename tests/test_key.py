"""Tests for music_visualizer.audio.key: chords synthesized in known keys, major and minor."""

from __future__ import annotations

import numpy as np
import pytest

from music_visualizer.audio.key import NOTE_NAMES, estimate_key
from music_visualizer.audio.spectra import compute_spectra
from tests.synth_music import synth_song

MAJOR = (0, 2, 4, 5, 7, 9, 11)
MINOR_HARMONIC = (0, 2, 3, 5, 7, 8, 11)


def _triad(scale: tuple[int, ...], degree: int) -> list[int]:
    return [scale[(degree + k) % 7] + 12 * ((degree + k) // 7) for k in (0, 2, 4)]


def _chord_audio(tonic: int, mode: str, sr: int = 22050, seconds_per_chord: float = 1.0,
                 ) -> np.ndarray:
    """A cadence (I IV V I, or i iv V i) of piano-like chords with a bass note, in a key."""
    scale = MAJOR if mode == "major" else MINOR_HARMONIC
    n = int(seconds_per_chord * sr)
    t = np.arange(n) / sr
    out = []
    for degree in (0, 3, 4, 0, 5, 3, 4, 0):
        if mode == "minor" and degree == 5:
            degree = 3  # keep the minor cadence simple: i iv V i i iv V i
        chord = np.zeros(n)
        notes = [60 + tonic + p for p in _triad(scale, degree)] + [48 + tonic + scale[degree]]
        for midi in notes:
            f = 440.0 * 2 ** ((midi - 69) / 12)
            for h in range(1, 6):
                chord += np.sin(2 * np.pi * f * h * t) * np.exp(-t * (1.0 + h)) / h**1.3
        out.append(chord)
    y = np.concatenate(out)
    return (0.8 * y / np.abs(y).max()).astype(np.float32)


@pytest.mark.parametrize(("tonic", "mode"), [(0, "major"), (7, "major"), (6, "major"),
                                             (9, "minor"), (1, "minor"), (5, "minor")])
def test_synthesized_cadences_in_known_keys(tonic, mode):
    y = _chord_audio(tonic, mode)
    key = estimate_key(compute_spectra(y, 22050).chroma)
    assert key == f"{NOTE_NAMES[tonic]} {mode}"


@pytest.mark.parametrize("tonic", range(12))
@pytest.mark.parametrize("mode", ["major", "minor"])
def test_every_key_from_chord_templates(tonic, mode):
    """Chroma frames of a I-IV-V-I (i-iv-V-i) cadence, built directly: all 24 keys."""
    scale = MAJOR if mode == "major" else MINOR_HARMONIC
    frames = []
    for degree in (0, 3, 4, 0):
        frame = np.full(12, 0.05)
        for p in _triad(scale, degree):
            frame[(tonic + p) % 12] = 1.0
        frames += [frame] * 10
    assert estimate_key(np.array(frames).T) == f"{NOTE_NAMES[tonic]} {mode}"


@pytest.mark.parametrize(("genre", "seed"), [("pop", 1), ("house", 2), ("ballad", 2)])
def test_keys_of_synthesized_songs(genre, seed):
    song = synth_song(genre, seed=seed, bars=24)
    assert estimate_key(compute_spectra(song.audio, song.sr).chroma) == song.key


def test_no_harmonic_content_gives_an_empty_key():
    assert estimate_key(np.zeros((12, 100))) == ""
    assert estimate_key(np.ones((12, 100))) == ""
    rng = np.random.default_rng(0)
    assert estimate_key(rng.uniform(0.9, 1.0, (12, 200))) == ""  # noise: flat chroma
    noise = (0.3 * rng.standard_normal(22050 * 4)).astype(np.float32)
    assert estimate_key(compute_spectra(noise, 22050).chroma) == ""
    assert estimate_key(compute_spectra(np.zeros(22050, np.float32), 22050).chroma) == ""


def test_input_checks():
    vector = np.zeros(12)
    vector[[0, 4, 7]] = 1.0
    assert estimate_key(vector) == "C major"  # a single chroma vector is accepted
    with pytest.raises(ValueError, match="12"):
        estimate_key(np.zeros((13, 4)))
    chroma = np.full((12, 4), np.nan)
    assert estimate_key(chroma) == ""
