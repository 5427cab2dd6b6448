"""Tests for music_visualizer.audio.beats on synthesized songs with known beats.

Every genre of :mod:`tests.synth_music` (seed fixed) is tracked and scored with mir_eval:
beat F-measure, downbeat F-measure, tempo, meter, and the signed timing error (beats must sit on
the attacks, not after them). The ballad must not be tracked at double tempo and the tempo
change must be followed (each half scored on its own). Signals without a pulse (silence, a
tone, noise, a click shorter than a beat) give an empty result, never an exception.
"""

from __future__ import annotations

import mir_eval
import numpy as np
import pytest

from music_visualizer.audio.beats import BeatResult, detect_onsets, track_beats
from music_visualizer.audio.spectra import compute_spectra
from tests.synth_music import GENRES, SynthSong, synth_song

# its module-scoped fixtures are built once: every test of this module on one xdist worker
pytestmark = pytest.mark.xdist_group("beats")

SEED = 0
BEAT_F_MIN = 0.95
DOWNBEAT_F_MIN = 0.9
TEMPO_TOLERANCE = 0.04
MAX_MEDIAN_ERROR_S = 0.02


@pytest.fixture(scope="module")
def tracked() -> dict[str, tuple[SynthSong, BeatResult]]:
    """Each genre's song and its tracking (computed once for the module)."""
    out = {}
    for genre in GENRES:
        song = synth_song(genre, seed=SEED)
        out[genre] = (song, track_beats(compute_spectra(song.audio, song.sr)))
    return out


def _median_signed_error(reference: np.ndarray, estimated: np.ndarray) -> float:
    pairs = mir_eval.util.match_events(reference, estimated, 0.07)
    return float(np.median([estimated[j] - reference[i] for i, j in pairs]))


# ---------------------------------------------------------------------------------------------
# Beats, downbeats, tempo and meter per genre
# ---------------------------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("genre", GENRES)
def test_beats_match_the_ground_truth(tracked, genre):
    song, result = tracked[genre]
    f = mir_eval.beat.f_measure(song.beats, result.beats)
    assert f >= BEAT_F_MIN, f"{genre}: beat F={f:.3f}"


@pytest.mark.slow
@pytest.mark.parametrize("genre", GENRES)
def test_downbeats_and_meter_match_the_ground_truth(tracked, genre):
    song, result = tracked[genre]
    f = mir_eval.beat.f_measure(song.downbeats, result.downbeats)
    assert f >= DOWNBEAT_F_MIN, f"{genre}: downbeat F={f:.3f}"
    assert result.meter == song.meter


@pytest.mark.slow
@pytest.mark.parametrize("genre", [g for g in GENRES if g != "tempo_change"])
def test_tempo_within_four_percent(tracked, genre):
    song, result = tracked[genre]
    assert song.tempo is not None
    assert abs(result.tempo - song.tempo) <= TEMPO_TOLERANCE * song.tempo, (
        f"{genre}: tempo {result.tempo:.1f} vs {song.tempo:.1f}")


@pytest.mark.slow
@pytest.mark.parametrize("genre", GENRES)
def test_beats_sit_on_the_attacks_not_late(tracked, genre):
    song, result = tracked[genre]
    error = _median_signed_error(song.beats, result.beats)
    assert abs(error) <= MAX_MEDIAN_ERROR_S, f"{genre}: median error {error * 1000:+.1f} ms"


@pytest.mark.slow
def test_ballad_is_not_tracked_at_double_tempo(tracked):
    song, result = tracked["ballad"]
    assert song.tempo is not None and song.tempo < 80
    assert result.tempo < 1.3 * song.tempo
    assert len(result.beats) <= 1.1 * len(song.beats)


@pytest.mark.slow
def test_tempo_change_is_followed_in_both_halves(tracked):
    song, result = tracked["tempo_change"]
    (_, before_bpm), (change_at, after_bpm) = song.tempo_curve
    assert abs(after_bpm / before_bpm - 1) > 0.2  # a real change
    for lo, hi in ((0.0, change_at), (change_at, song.duration)):
        ref = song.beats[(song.beats >= lo) & (song.beats < hi)]
        est = result.beats[(result.beats >= lo) & (result.beats < hi)]
        # mir_eval ignores the first 5 s of each sequence: start each half 5 s "late"
        f = mir_eval.beat.f_measure(ref - lo + 5.0, est - lo + 5.0)
        assert f >= BEAT_F_MIN, f"half [{lo:.1f}, {hi:.1f}): F={f:.3f}"
    # and the local tempo on each side is the right one
    ibi = np.diff(result.beats)
    mids = (result.beats[:-1] + result.beats[1:]) / 2
    early = 60.0 / np.median(ibi[mids < change_at - 5])
    late = 60.0 / np.median(ibi[mids > change_at + 5])
    assert abs(early / before_bpm - 1) < TEMPO_TOLERANCE
    assert abs(late / after_bpm - 1) < TEMPO_TOLERANCE


@pytest.mark.slow
@pytest.mark.parametrize(("genre", "bpm"), [("waltz", 84.0), ("waltz", 170.0), ("ballad", 74.0),
                                            ("dnb", 175.0), ("hiphop_swing", 95.0),
                                            ("pop", 96.0), ("rock", 150.0)])
def test_tempo_level_across_each_genres_range(genre, bpm):
    """No double or half tempo at the ends of each genre's tempo range."""
    song = synth_song(genre, seed=7, bars=32, tempo=bpm)
    result = track_beats(compute_spectra(song.audio, song.sr))
    assert abs(result.tempo - bpm) <= TEMPO_TOLERANCE * bpm, f"{result.tempo:.1f}"
    assert mir_eval.beat.f_measure(song.beats, result.beats) >= BEAT_F_MIN


@pytest.mark.slow
def test_tempo_change_downwards_is_followed():
    song = synth_song("tempo_change", seed=5)
    (_, before_bpm), (change_at, after_bpm) = song.tempo_curve
    assert after_bpm < 0.8 * before_bpm
    result = track_beats(compute_spectra(song.audio, song.sr))
    for lo, hi in ((0.0, change_at), (change_at, song.duration)):
        ref = song.beats[(song.beats >= lo) & (song.beats < hi)]
        est = result.beats[(result.beats >= lo) & (result.beats < hi)]
        assert mir_eval.beat.f_measure(ref - lo + 5.0, est - lo + 5.0) >= BEAT_F_MIN


@pytest.mark.slow
def test_result_arrays_are_well_formed(tracked):
    for genre, (_, result) in tracked.items():
        assert result.beats.dtype == np.float64 and result.downbeats.dtype == np.float64
        assert np.all(np.diff(result.beats) > 0), genre
        assert np.isin(result.downbeats, result.beats).all(), genre
        assert result.meter in (3, 4)


# ---------------------------------------------------------------------------------------------
# No pulse, no beats; never an exception
# ---------------------------------------------------------------------------------------------

def _no_pulse_signals() -> dict[str, np.ndarray]:
    sr = 22050
    rng = np.random.default_rng(1)
    t = np.arange(8 * sr) / sr
    click = np.zeros(int(0.3 * sr))
    click[50:250] = rng.standard_normal(200) * np.exp(-np.arange(200) / 30.0)
    return {
        "silence": np.zeros(8 * sr),
        "pure tone": 0.5 * np.sin(2 * np.pi * 440.0 * t),
        "white noise": 0.3 * rng.standard_normal(8 * sr),
        "0.3 s click": click,
        "empty": np.zeros(0),
        "one sample": np.ones(1),
    }


@pytest.mark.parametrize("name", list(_no_pulse_signals()))
def test_signals_without_a_pulse_give_no_beats(name):
    y = _no_pulse_signals()[name].astype(np.float32)
    spectra = compute_spectra(y, 22050)
    result = track_beats(spectra)
    assert result.tempo == 0.0
    assert len(result.beats) == 0 and len(result.downbeats) == 0
    assert result.meter == 4
    onsets = detect_onsets(spectra)
    assert onsets.ndim == 1
    if name != "0.3 s click":
        assert len(onsets) == 0


def test_short_click_track_is_tracked():
    """Six seconds of clicks at 120 BPM: beats every 0.5 s, on the clicks."""
    from tests.conftest import click_song

    y = click_song(6.0)
    result = track_beats(compute_spectra(y, 22050))
    expected = np.arange(0.0, 6.0, 0.5)
    assert abs(result.tempo - 120.0) < 2.0
    matched = mir_eval.util.match_events(expected, result.beats, 0.02)
    assert len(matched) >= len(expected) - 1


def test_onsets_are_on_the_attacks():
    sr = 22050
    rng = np.random.default_rng(2)
    times = np.cumsum(rng.uniform(0.15, 0.6, 20)) + 0.2
    y = np.zeros(int((times[-1] + 1.0) * sr), dtype=np.float32)
    for t in times:
        i = round(t * sr)
        n = int(0.08 * sr)
        y[i:i + n] += (rng.standard_normal(n) * np.exp(-np.arange(n) / (0.01 * sr))).astype(
            np.float32)
    onsets = detect_onsets(compute_spectra(y, sr))
    pairs = mir_eval.util.match_events(times, onsets, 0.05)
    assert len(pairs) == len(times)
    errors = np.array([onsets[j] - times[i] for i, j in pairs])
    assert np.abs(errors).max() < 0.01
    assert mir_eval.onset.f_measure(times, onsets, window=0.02)[0] >= 0.95


# ---------------------------------------------------------------------------------------------
# Determinism and speed
# ---------------------------------------------------------------------------------------------

def test_tracking_is_deterministic():
    song = synth_song("funk", seed=3, bars=16)
    spectra = compute_spectra(song.audio, song.sr)
    a, b = track_beats(spectra), track_beats(spectra)
    np.testing.assert_array_equal(a.beats, b.beats)
    np.testing.assert_array_equal(a.downbeats, b.downbeats)
    assert (a.tempo, a.meter) == (b.tempo, b.meter)


@pytest.mark.slow
def test_three_minute_song_is_tracked():
    song = synth_song("rock", seed=SEED, bars=100)
    assert song.duration >= 160
    spectra = compute_spectra(song.audio, song.sr)
    first = track_beats(spectra)  # (its speed is measured in benchmarks/, not here)
    again = track_beats(spectra)
    np.testing.assert_array_equal(first.beats, again.beats)
    assert len(first.beats) >= 0.8 * len(song.beats)


# ---------------------------------------------------------------------------------------------
# The synthesizer's ground truth
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("genre", GENRES)
def test_synth_song_ground_truth_is_consistent(genre):
    song = synth_song(genre, seed=SEED, bars=10)
    assert song.audio.dtype == np.float32 and np.abs(song.audio).max() <= 1.0
    assert np.all(np.diff(song.beats) > 0)
    assert np.isin(song.downbeats, song.beats).all()
    assert len(song.beats) == 10 * song.meter + 1  # every bar, plus the final hit
    assert song.sections[0][0] == 0.0 and song.sections[-1][1] == pytest.approx(song.duration)
    for (_, end, _), (start, _, _) in zip(song.sections[:-1], song.sections[1:], strict=False):
        assert end == start
    again = synth_song(genre, seed=SEED, bars=10)
    np.testing.assert_array_equal(song.audio, again.audio)


def test_synth_song_default_length_and_repeated_sections():
    song = synth_song("pop", seed=SEED)
    assert 60.0 <= song.duration <= 125.0
    labels = [label for _, _, label in song.sections]
    assert labels.count("chorus") == 3 and labels.count("verse") == 2
    with pytest.raises(ValueError, match="genre"):
        synth_song("polka")
