"""Grooves whose beat level or phase the tracker once got wrong, synthesized with exact beats.

- fast jazz swing: a walking bass on every quarter, the ride's "spang-a-lang" and the hi-hat
  on 2 and 4 (once tracked at half tempo: the ride pattern repeats every two beats),
- a one-drop reggae: the loud organ skank on every (slightly swung) "and", kick and rim only
  on 3 (once tracked on the skank, half a beat off: the beat is not the skank's midpoint).
"""

from __future__ import annotations

import pytest

from tests.test_beats_meter import ROOTS, _beat_f, _Song, _track


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
