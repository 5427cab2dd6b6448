"""Beats set by where the long notes start, in music without drums (``_fix_agogic_phase``).

A solo fiddle's or a quartet's notes are all played alike: no accent marks the beat, but a
note that starts on a beat tends to last longer than one between beats (a hornpipe's eighth on
the beat among sixteenths, a strathspey's dotted eighth and Scotch snap, a 6/8's quarter and
eighth). Beats tracked half a beat, a quarter or a third of a beat off move onto those notes.
"""

from __future__ import annotations

import numpy as np

from music_visualizer.audio import beats as bt
from music_visualizer.audio.spectra import compute_spectra
from tests.test_beats_meter import SR, _beat_f, _Song
from tests.test_beats_piano import _piano

PERIOD = 24.0  # frames per beat
N = 40


def _notes(offsets: list[float]) -> np.ndarray:
    """Onset peaks (frames): the same rhythm in every beat, ``offsets`` in beats."""
    return np.array([PERIOD * (i + f) for i in range(N) for f in offsets])


def _beats(shift: float) -> np.ndarray:
    return PERIOD * (np.arange(N - 1) + shift)


def test_beats_half_a_beat_off_move_onto_the_long_notes():
    # an eighth on the beat, two sixteenths after it (a hornpipe's figure)
    peaks = _notes([0.0, 0.5, 0.75])
    out = bt._fix_agogic_phase(peaks, _beats(0.5), compound=False)
    assert np.allclose(np.mod(out, PERIOD), 0.0)


def test_beats_a_quarter_off_move_onto_the_dotted_notes():
    # a dotted eighth and a sixteenth, then a Scotch snap (sixteenth, dotted eighth)
    peaks = _notes([0.0, 0.75])
    out = bt._fix_agogic_phase(peaks, _beats(0.75), compound=False)
    assert np.allclose(np.mod(out, PERIOD), 0.0)


def test_compound_beats_a_third_off_move_onto_the_quarter_notes():
    # 6/8: a quarter and an eighth in each dotted beat
    peaks = _notes([0.0, 2.0 / 3.0])
    out = bt._fix_agogic_phase(peaks, _beats(2.0 / 3.0), compound=True)
    assert np.allclose(np.mod(out, PERIOD), 0.0)


def test_even_notes_leave_the_beats_where_they_are():
    peaks = _notes([0.0, 0.25, 0.5, 0.75])
    beats = _beats(0.0)
    assert np.array_equal(bt._fix_agogic_phase(peaks, beats, compound=False), beats)
    # long notes on the beats: nothing moves either
    peaks = _notes([0.0, 0.5, 0.75])
    assert np.array_equal(bt._fix_agogic_phase(peaks, beats, compound=False), beats)


def test_a_hornpipe_on_the_piano_is_tracked_on_its_eighths_not_half_a_beat_off():
    # an eighth and two sixteenths in every beat, all played alike, at 88 BPM: tracked half a
    # beat off (on the sixteenths) without the rule; the tempo stays that of the beats
    rng = np.random.default_rng(5)
    song = _Song(bpm=88.0, meter=2, bars=24)
    melody = [69, 68, 71, 68, 74, 71, 73, 76, 74, 73, 71, 69]
    k = 0
    for beat in range(48):
        for offset, length in ((0.0, 0.5), (0.5, 0.25), (0.75, 0.25)):
            note = melody[k % len(melody)] + (12 if rng.random() < 0.3 else 0)
            k += 1
            song.at(beat + offset, _piano(note, length * 60.0 / 88.0, 0.6, 0.01), 0.6)
    result = bt.track_beats(compute_spectra(song.audio(), SR))
    assert _beat_f(song, result.beats) >= 0.9
    assert abs(result.tempo - 88.0) < 0.02 * 88.0
