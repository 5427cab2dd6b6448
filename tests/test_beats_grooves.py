"""Grooves whose beat level or phase the tracker once got wrong, synthesized with exact beats.

- fast jazz swing: a walking bass on every quarter, the ride's "spang-a-lang" and the hi-hat
  on 2 and 4 (once tracked at half tempo: the ride pattern repeats every two beats),
- a one-drop reggae: the loud organ skank on every (slightly swung) "and", kick and rim only
  on 3 (once tracked on the skank, half a beat off: the beat is not the skank's midpoint),
- funk with syncopated kicks and bass and clav on the "and"s, left half on the beat and half on
  the "and" by the tracker (the half-beat test once weighed the whole song at once),
- a house breakdown: without the kick, the tracker follows the off-beat bass and chords half a
  beat off and slips back when the drums return (the stretch between stayed off the grid).
"""

from __future__ import annotations

import numpy as np
import pytest

from music_visualizer.audio.beats import _fix_excursions, _fix_half_beat_stretches, _novelties
from music_visualizer.audio.spectra import compute_spectra
from tests.test_beats_meter import ROOTS, SR, _beat_f, _Song, _track


@pytest.mark.parametrize("bpm", [168.0, 188.0])
def test_fast_swing_with_a_walking_bass_is_tracked_at_the_quarter_note(bpm):
    song = _Song(bpm=bpm, meter=4, bars=28)
    swung = 2.0 / 3.0
    for bar in range(song.bars):
        b = bar * 4
        root = ROOTS[bar % len(ROOTS)]
        walk = (0, 4, 7, ROOTS[(bar + 1) % len(ROOTS)] - root - 1)
        for k in range(4):
            song.drum(b + k, "hat", 0.55 if k % 2 else 0.4)  # the ride
            song.drum(b + k, "kick", 0.15)  # feathered
            song.bass(b + k, root - 24 + walk[k], 0.8, 0.3)
            if k % 2:
                song.drum(b + k, "snare", 0.25)  # the hi-hat's chick on 2 and 4
                song.drum(b + k + swung, "hat", 0.35)  # the ride's skip note
        for pos in (1 + swung, 3 + swung):  # comping on the swung "and" of 2 and 4
            song.chord(b + pos, root, 0.6, 0.3)
    result = _track(song)
    assert abs(result.tempo - bpm) <= 0.04 * bpm, result.tempo
    assert _beat_f(song, result.beats) >= 0.9


def test_one_drop_reggae_is_tracked_on_the_beat_not_the_skank():
    bpm = 80.0
    song = _Song(bpm=bpm, meter=4, bars=24)
    swung = 0.56
    for bar in range(song.bars):
        b = bar * 4
        root = ROOTS[bar % len(ROOTS)]
        for k in range(4):
            song.drum(b + k, "hat", 0.3)
            song.drum(b + k + swung, "hat", 0.4)
            song.chord(b + k + swung, root, 0.7, 0.15)  # the skank
        song.drum(b + 2, "kick", 1.0)  # the drop
        song.drum(b + 2, "snare", 0.8)  # and the rim
        for pos, step in ((0, 0), (0.75, 0), (1 + swung, 7), (2 + swung, 5), (3, 3)):
            song.bass(b + pos, root - 24 + step, 0.8, 0.4)
    result = _track(song)
    assert abs(result.tempo - bpm) <= 0.04 * bpm, result.tempo
    assert _beat_f(song, result.beats) >= 0.9


def _funk(bpm: float, bars: int) -> _Song:
    """16th hats, kicks on 1, the "a" of 1, the "and" of 3 and the "e" of 4, snare on 2 and 4
    with ghost notes, a syncopated bass and clav stabs accented on the "and"s."""
    song = _Song(bpm=bpm, meter=4, bars=bars)
    for bar in range(bars):
        b = bar * 4
        root = ROOTS[bar % len(ROOTS)]
        for k in range(16):
            song.drum(b + k / 4, "hat", 0.5 if k % 4 == 0 else 0.3 if k % 2 == 0 else 0.2)
        for pos in (0, 0.75, 2.5, 3.25):
            song.drum(b + pos, "kick", 0.9)
        for pos in (1, 3):
            song.drum(b + pos, "snare", 1.0)
        for pos in (0.5, 1.75, 2.25, 3.75):
            song.drum(b + pos, "snare", 0.25)
        for pos, step, gain in ((0, 0, 0.9), (0.75, 12, 0.7), (1.5, 0, 0.8), (2.5, 12, 0.8),
                                (2.75, 0, 0.7), (3.5, 10, 0.8)):
            song.bass(b + pos, root - 24 + step, gain, 0.2)
        for pos in (0.25, 0.5, 1.25, 1.75, 2.5, 3.25, 3.75):
            song.chord(b + pos, root, 0.6 if pos % 1 == 0.5 else 0.36, 0.1)
    return song


@pytest.mark.parametrize("bpm", [96.0, 104.0])
def test_funk_beats_left_half_on_the_and_move_onto_the_beat(bpm):
    song = _funk(bpm, bars=24)
    spectra = compute_spectra(song.audio(), SR)
    true = song.beats() * spectra.frame_rate
    half = len(true) // 2
    beats = np.concatenate([true[:half], true[half:-1] + 0.5 * np.diff(true[half:])])
    fixed = _fix_half_beat_stretches(_novelties(spectra), beats)
    error = np.abs(fixed[:, None] - true[None, :]).min(axis=1) / spectra.frame_rate
    assert error.max() < 0.05


@pytest.mark.parametrize("back", [0.5, -0.5])
def test_a_stretch_that_slipped_half_a_beat_and_back_returns_to_the_grid(back):
    rng = np.random.default_rng(0)
    period = 21.7  # frames (119 BPM)
    grid = np.arange(120) * period + 10.0
    beats = grid.copy()
    # beats 64..79 followed off-beat parts: half a beat later, reached in two steps (as the
    # tracker does) and left in two steps (half a beat later again, or back)
    beats[63] += 0.2 * period
    beats[64:80] += 0.5 * period
    beats[80] += (0.5 + 0.6 * back) * period  # 0.8 or 0.2 of a beat on
    beats[81:] += (0.5 + back) * period  # one beat on (still on the grid), or back
    beats = beats[beats <= grid[-1] + 1.0]
    beats += rng.normal(0.0, 0.3, len(beats))  # frame rounding and jitter
    fixed = _fix_excursions(beats)
    nearest = np.abs(fixed[:, None] - grid[None, :]).min(axis=1)
    assert np.mean(nearest < 0.15 * period) > 0.97
    assert np.mean(np.abs(beats[:, None] - grid[None, :]).min(axis=1) < 0.15 * period) < 0.9


def test_rubato_that_holds_a_beat_and_later_hurries_is_not_moved_half_a_beat():
    # played beats of a rubato song: the tempo swells and ebbs by 15 %, a fermata holds one
    # beat about half a beat longer, and ten beats later the player hurries two beats back in time.
    # The beats follow the playing: no stretch of them slipped off a steady grid
    k = np.arange(90)
    ibi = 31.0 * (1.0 + 0.15 * np.sin(2 * np.pi * k / 23.0))
    ibi[40] *= 1.6
    ibi[51:53] *= 0.72
    beats = np.concatenate([[5.0], 5.0 + np.cumsum(ibi)])
    np.testing.assert_allclose(_fix_excursions(beats), beats)
