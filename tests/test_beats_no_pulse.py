"""Music without attacks still pulses; a drone, a glide or noise does not.

An organ or choir chorale changes chords on the beat with soft, crossfaded attacks: the spectral
flux of its strongest frames stays below the 2 dB that tells notes from a steady tone, so it once
got no beats at all. Its harmony changes in steps, which a glide or a drone never does. And a
drumless cue can pulse in one onset source alone (a low ostinato) while the percussive band adds
noise to the mix the pulse test looked at.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.ndimage import gaussian_filter1d

from music_visualizer.audio.beats import (
    _autocorrelation,
    _chroma_change,
    _harmony_steps,
    _has_onsets,
    _log_mel,
    _melody_steps,
    _part_clarity,
    track_beats,
)
from music_visualizer.audio.spectra import compute_spectra

SR = 22050


def _change(spectra):
    """The chroma change the pulse checks read."""
    return _chroma_change(spectra.chroma, spectra.frame_rate)


_CHORDS = ((48, 55, 64, 72), (45, 52, 60, 69), (41, 53, 57, 65), (43, 50, 59, 67),
           (48, 52, 55, 64), (40, 55, 59, 67), (45, 57, 60, 64), (43, 55, 62, 71))


def _organ(midi: int, n: int) -> np.ndarray:
    t = np.arange(n) / SR
    freq = 440.0 * 2.0 ** ((midi - 69) / 12.0)
    return sum(np.sin(2 * np.pi * k * freq * t) / k for k in (1, 2, 3, 4))


def _legato_chords(bpm: float = 80.0, seconds: float = 20.0, fade: float = 0.12) -> np.ndarray:
    """Four-voice organ chords, one per beat, each crossfaded into the next over ``fade``."""
    beat, n, f = 60.0 / bpm, round(seconds * SR), round(fade * SR)
    y = np.zeros(n)
    rise = 0.5 - 0.5 * np.cos(np.pi * np.arange(f) / f)
    for i in range(int(seconds / beat)):
        a, b = round(i * beat * SR), min(round((i + 1) * beat * SR) + f, n)
        env = np.ones(b - a)
        if i:
            env[:f] = rise
        env[-f:] = np.minimum(env[-f:], rise[::-1])
        y[a:b] += env * sum(_organ(m, n)[a:b] for m in _CHORDS[i % len(_CHORDS)])
    return (0.05 * y).astype(np.float32)


def test_legato_chords_without_attacks_get_beats_at_their_tempo():
    spectra = compute_spectra(_legato_chords(), SR)
    assert not _has_onsets(spectra), "the test signal must have no loud attack"
    assert _harmony_steps(_change(spectra))
    result = track_beats(spectra)
    assert len(result.beats) > 10
    assert min(abs(np.log2(result.tempo / (80.0 * r))) for r in (0.5, 1.0, 2.0)) < 0.03


def _glide(seconds: float = 12.0) -> np.ndarray:
    t = np.arange(round(seconds * SR)) / SR
    return (0.5 * np.sin(2 * np.pi * np.cumsum(220.0 * 2.0 ** (t / 6.0)) / SR)).astype(np.float32)


def _swelling_drone(seconds: float = 12.0) -> np.ndarray:
    t = np.arange(round(seconds * SR)) / SR
    tones = sum(np.sin(2 * np.pi * f * t) for f in (110.0, 165.0, 220.0, 330.0))
    return (0.1 * tones * (0.6 + 0.4 * np.sin(2 * np.pi * 0.1 * t))).astype(np.float32)


def _noise(seconds: float = 12.0) -> np.ndarray:
    return (0.3 * np.random.default_rng(3).standard_normal(round(seconds * SR))).astype(np.float32)


@pytest.mark.parametrize("make", [_glide, _swelling_drone, _noise])
def test_a_glide_a_drone_or_noise_has_no_harmony_steps_and_no_beats(make):
    spectra = compute_spectra(make(), SR)
    assert not _harmony_steps(_change(spectra))
    result = track_beats(spectra)
    assert result.tempo == 0.0 and len(result.beats) == 0


def test_a_pulse_in_one_onset_source_counts_when_noise_swamps_the_mix():
    fr, n = 43.0, 43 * 30
    rng = np.random.default_rng(0)
    low = np.zeros(n)
    low[::26] = 1.0  # a low ostinato at 99 BPM
    noise = {name: rng.standard_normal(n) for name in ("onset", "high", "change")}
    nov = {"low": low, **noise}
    mix = noise["onset"] + 4.0 * noise["high"] + low + noise["change"]
    max_lag = int(8.0 * fr)
    lags = 60.0 * fr / np.geomspace(40.0, 260.0, 200)
    mix_acf = _autocorrelation(gaussian_filter1d(mix, 1.5), max_lag)
    mix_clarity = float(np.interp(lags, np.arange(len(mix_acf)), mix_acf).max())
    threshold = max(0.1, 3.0 / np.sqrt(n / 3.0))
    assert mix_clarity < threshold
    assert _part_clarity(nov, max_lag, lags) > 3 * threshold


def test_legato_chords_keep_their_tempo_end_to_end():
    """Legato chords alternate from beat to beat too (a bass moving in eighths under every
    other chord), but with no snare there is no backbeat: through the whole tracker they keep
    their tempo (the rule that keeps a backbeat's double for music with drums is checked on its
    own in test_beats_level)."""
    result = track_beats(compute_spectra(_legato_chords(bpm=76.0), SR))
    assert abs(np.log2(result.tempo / 76.0)) < 0.03


_TUNE = (79, 81, 83, 79, 84, 83, 81, 79, 78, 79, 81, 74, 76, 78, 79, 79)  # a fife march's line


def _fife(bpm: float = 110.0, seconds: float = 24.0, fade: float = 0.06) -> np.ndarray:
    """A lone piccolo-like melody in legato eighths (each crossfaded into the next over
    ``fade``, no attack; the note on the beat a little louder), two octaves above middle C: a
    fife tune as a tune book prints it."""
    step, n, f = 30.0 / bpm, round(seconds * SR), round(fade * SR)
    t = np.arange(n) / SR
    y = np.zeros(n)
    rise = 0.5 - 0.5 * np.cos(np.pi * np.arange(f) / f)
    for i in range(int(seconds / step)):
        a, b = round(i * step * SR), min(round((i + 1) * step * SR) + f, n)
        env = np.full(b - a, 1.3 if i % 2 == 0 else 1.0)
        if i:
            env[:f] *= rise
        env[-f:] *= rise[::-1]
        phase = 2 * np.pi * 440.0 * 2.0 ** ((_TUNE[i % len(_TUNE)] - 57) / 12.0) * t[a:b]
        y[a:b] += env * (np.sin(phase) + 0.2 * np.sin(2 * phase))
    return (0.3 * y).astype(np.float32)


def test_a_lone_melody_without_attacks_gets_beats_at_its_tempo():
    """A fife tune: its notes start in a few high bands only (the flux over all bands stays
    under 2 dB) and it has no chords, but one pitch steps to the next on every beat."""
    spectra = compute_spectra(_fife(), SR)
    assert not _has_onsets(spectra), "the test signal must have no loud attack"
    assert not _harmony_steps(_change(spectra)), "nor chords changing in steps"
    assert _melody_steps(_change(spectra), spectra,
                         _log_mel(spectra.mel, float(spectra.mel.max())))
    result = track_beats(spectra)
    assert len(result.beats) > 20
    assert min(abs(np.log2(result.tempo / (110.0 * r))) for r in (0.5, 1.0, 2.0)) < 0.03


@pytest.mark.parametrize("make", [_glide, _swelling_drone, _noise])
def test_a_glide_a_drone_or_noise_is_no_melody(make):
    spectra = compute_spectra(make(), SR)
    assert not _melody_steps(_change(spectra), spectra,
                         _log_mel(spectra.mel, float(spectra.mel.max())))
