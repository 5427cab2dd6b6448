"""Bar phase and meter from the per-beat cues of :func:`find_downbeats`, on novelty curves built
here with the shapes that once fooled it (the audio-level grooves are in test_beats_grooves.py):

- jazz swing: the walking bass's approach note on beat 4 is the biggest low-band rise, the
  comping anticipates the next bar's chord by a swung eighth and the hi-hat pedal clicks on 2
  and 4 (the bar was once counted from beat 4),
- a one-drop: the bass on 1, kick and rim on 3, no clear chord change (once read as 2/4: the
  bar's halves look alike in the low band, but the rhythm repeats only every 4 beats),
- beats divided in three under chords changing every 2 beats, among other notes unlike from beat
  to beat (a bembe in 6/8: once read as 4, its chords too faint for the chroma similarity), and
  under chords lasting 4 beats (a 12/8 ballad: once open to being read as 2),
- a chorus whose beat 1 sounds weaker than beat 2 after a verse counted clearly (the count once
  broke there and put the chorus's downbeats on the snare); but where the tracker missed a beat
  the count breaks at once.
"""

from __future__ import annotations

import numpy as np

from music_visualizer.audio.downbeats import _beat_chroma, _meter_candidates, find_downbeats
from music_visualizer.audio.spectra import compute_spectra

PERIOD = 24  # frames per beat
N_BEATS = 64


def _peaks(n_frames: int, beats: np.ndarray, heights: dict[int, float],
           rng: np.random.Generator) -> np.ndarray:
    """A novelty curve: a peak on each beat, of ``heights[beat % 4]``, over a little noise."""
    x = 0.05 * rng.random(n_frames)
    for i, f in enumerate(beats):
        x[int(f)] += heights.get(i % 4, 0.0)
    return x


def _novelty(n_frames: int, beats: np.ndarray, low: dict[int, float], high: dict[int, float],
             onset: dict[int, float], chord: float, ahead: int = 0) -> dict[str, np.ndarray]:
    """The curves :func:`find_downbeats` reads; one chord a bar (``ahead`` frames early)."""
    rng = np.random.default_rng(0)
    chroma = 0.5 * rng.random((12, n_frames))
    for i, f in enumerate(beats):
        bar, start = i // 4, int(f) - ahead
        chroma[(bar * 5) % 12, start:start + PERIOD] += chord
        chroma[(bar * 5 + 4) % 12, start:start + PERIOD] += 0.6 * chord
    return {"low": _peaks(n_frames, beats, low, rng), "kick": 0.05 * rng.random(n_frames),
            "onset": _peaks(n_frames, beats, onset, rng),
            "high": _peaks(n_frames, beats, high, rng),
            "hits": np.stack([_peaks(n_frames, beats, low, rng)]
                             + [_peaks(n_frames, beats, high, rng) for _ in range(3)]),
            "treble_chroma": chroma}


def _setup() -> tuple:
    quiet = np.random.default_rng(1).normal(0, 1e-3, 22050 * 40).astype(np.float32)
    spectra = compute_spectra(quiet, 22050)
    return spectra, np.arange(N_BEATS) * PERIOD + 10.0


def test_swing_bar_starts_after_the_approach_note_not_on_it():
    spectra, beats = _setup()
    nov = _novelty(spectra.n_frames, beats, low={0: 0.6, 1: 0.3, 2: 0.5, 3: 1.2},
                   high={1: 1.0, 3: 1.0}, onset={0: 0.5, 1: 0.8, 2: 0.5, 3: 1.0},
                   chord=0.3, ahead=PERIOD // 3)
    is_down, meter, _ = find_downbeats(spectra, nov, beats)
    assert meter == 4
    positions = np.flatnonzero(is_down) % 4
    assert np.mean(positions == 0) >= 0.9, positions


def test_one_drop_is_four_beats_a_bar_counted_from_the_bass():
    spectra, beats = _setup()
    nov = _novelty(spectra.n_frames, beats, low={0: 1.0, 2: 0.8}, high={2: 1.0},
                   onset={0: 0.2, 2: 1.0}, chord=0.0)
    is_down, meter, _ = find_downbeats(spectra, nov, beats)
    assert meter == 4
    positions = np.flatnonzero(is_down) % 4
    assert np.mean(positions == 0) >= 0.9, positions


def _compound(n_frames: int, beats: np.ndarray, chord_beats: int) -> dict[str, np.ndarray]:
    """Beats divided in three (onsets a third and two thirds through each), a stronger low hit
    every 2 beats, one chord every ``chord_beats`` beats among notes unlike from beat to beat."""
    rng = np.random.default_rng(0)
    low = {0: 0.9, 1: 0.5, 2: 0.7, 3: 0.5}
    onset = _peaks(n_frames, beats, {0: 0.8, 1: 0.6, 2: 0.8, 3: 0.6}, rng)
    for f in beats:
        onset[int(f) + PERIOD // 3] += 0.4
        onset[int(f) + 2 * PERIOD // 3] += 0.4
    chroma = 0.5 * rng.random((12, n_frames))
    for i, f in enumerate(beats):
        start, c = int(f), i // chord_beats
        chroma[:, start:start + PERIOD] += rng.random((12, 1))
        chroma[(c * 5) % 12, start:start + PERIOD] += 0.5
        chroma[(c * 5 + 4) % 12, start:start + PERIOD] += 0.3
    return {"low": _peaks(n_frames, beats, low, rng), "kick": 0.05 * rng.random(n_frames),
            "onset": onset, "high": _peaks(n_frames, beats, {}, rng),
            "hits": np.stack([_peaks(n_frames, beats, low, rng)]
                             + [_peaks(n_frames, beats, {}, rng) for _ in range(3)]),
            "treble_chroma": chroma}


def test_compound_beats_under_chords_of_two_beats_are_bars_of_two():
    spectra, beats = _setup()
    nov = _compound(spectra.n_frames, beats, chord_beats=2)
    chroma = _beat_chroma(nov["treble_chroma"], beats)
    assert _meter_candidates(nov, beats, chroma) == (2,)


def test_chords_lasting_four_beats_rule_out_bars_of_two():
    spectra, beats = _setup()
    nov = _compound(spectra.n_frames, beats, chord_beats=4)
    chroma = _beat_chroma(nov["treble_chroma"], beats)
    assert _meter_candidates(nov, beats, chroma) == (4,)


def test_a_section_with_a_weaker_beat_one_keeps_the_count_of_the_bars_before():
    spectra, beats = _setup()
    verse = _novelty(spectra.n_frames, beats, low={0: 1.0, 2: 0.6}, high={1: 0.6, 3: 0.6},
                     onset={0: 0.8, 1: 0.5, 2: 0.6, 3: 0.5}, chord=0.5)
    chorus = _novelty(spectra.n_frames, beats, low={0: 0.2, 1: 1.5, 2: 0.5, 3: 0.5},
                      high={0: 0.5, 1: 0.4, 2: 0.5, 3: 0.4}, onset={0: 0.3, 1: 1.5, 2: 0.5, 3: 0.6},
                      chord=0.5)
    cut = int(beats[40]) - PERIOD // 2  # the last 6 bars are the chorus
    nov = {name: np.concatenate([verse[name][..., :cut], chorus[name][..., cut:]], axis=-1)
           for name in verse}
    is_down, meter, _ = find_downbeats(spectra, nov, beats)
    assert meter == 4
    positions = np.flatnonzero(is_down) % 4
    assert np.all(positions == 0), positions


def test_the_count_breaks_where_the_tracker_missed_a_beat():
    spectra, beats = _setup()
    nov = _novelty(spectra.n_frames, beats, low={0: 1.0, 2: 0.5}, high={1: 0.6, 3: 0.6},
                   onset={0: 0.7, 1: 0.5, 2: 0.6, 3: 0.5}, chord=0.4)
    tracked = np.delete(beats, 53)  # beat 2 of bar 14 missed: 2 bars and a half left
    is_down, meter, _ = find_downbeats(spectra, nov, tracked)
    assert meter == 4
    assert set(tracked[is_down]) == set(beats[::4])


def _pickup_tune(n_beats: int) -> np.ndarray:
    """Beat chroma of a tune in bars of 2 beats: a new note each bar, and on the last beat of
    every other bar a pickup into the next bar's note, as loud as the note itself (the phrase
    is 2 bars long). No chords under it."""
    rng = np.random.default_rng(3)
    notes = rng.permutation(np.tile(np.arange(12), 3))[: n_beats // 2 + 2]
    chroma = 0.05 * rng.random((n_beats, 12))
    for i in range(n_beats):
        chroma[i, notes[i // 2]] += 1.0
        if i % 4 == 3:
            chroma[i, notes[i // 2 + 1]] += 1.2
    return chroma


def test_notes_of_two_beats_with_pickups_every_other_bar_are_bars_of_two():
    """The notes change every 2 beats (the similarity two beats apart is gone), but the pickups
    make the change on every other 2-beat line look no bigger than mid-bar (a 6/8 ballad once
    read as 4): the half-bar measure is inconclusive and must not rule bars of 2 out."""
    spectra, beats = _setup()
    nov = _compound(spectra.n_frames, beats, chord_beats=2)
    assert _meter_candidates(nov, beats, _pickup_tune(len(beats))) == (2,)
