"""The beat level: how many notes a beat holds, compound beats never halved, odd bars.

- A game tune's one-bar drum pattern (repeating every 4 beats, not 2) at 132 BPM under
  sixteenth-note arpeggios was read as the eighths of a slow groove at 66: a beat at 66
  would hold six notes, more than a listener's beat holds (four: sixteenths), so 132 stays.
- A 6/8 march's dotted beats (divided in three) whose chords change every other beat are not
  picked eighths between chord tones: their half is the bar, not the beat.
- A 7/8 counted in four uneven beats (its 2+2+3 eighths) yields to the even pulse of 7
  making the same bar.
"""

from __future__ import annotations

import numpy as np

from music_visualizer.audio.beats import (
    _UNEVEN_BAR,
    _counts_eighths,
    _odd_bar,
    _subdivides_harmony,
    _timing_pattern,
)


def _level(bpm: float, similarity: list[float], **evidence: float) -> dict:
    out = {"bpm": bpm, "meter": 4, "similarity": np.array(similarity + [0.0] * 10),
           "acf1": 0.5, "low1": 0.4, "backbeat": 0.0, "notes": 3.0}
    out.update(evidence)
    return out


#: the fast level: neither alike nor unlike one beat apart, nor two apart; repeats every 4
_ONE_BAR = [0.20, 0.01, 0.11, 0.75]
#: its half: alike two of its beats apart, a clear pulse
_HALVES = [-0.27, 0.64, -0.32, 0.67]


def test_a_half_level_too_crowded_for_a_beat_does_not_count_eighths():
    level = _level(132.0, _ONE_BAR, notes=3.2)
    half = _level(66.0, _HALVES, acf1=0.51, notes=6.4)
    assert not _counts_eighths(level, half)


def test_a_slow_groove_with_few_notes_per_beat_is_still_counted_in_eighths():
    """Dub steppers, a soul ballad: two or three notes per slow beat, the fast level its
    eighths (the rule the crowding check must leave alone)."""
    level = _level(132.0, _ONE_BAR, notes=1.3)
    half = _level(66.0, _HALVES, acf1=0.51, notes=2.5)
    assert _counts_eighths(level, half)
    # a steady run of sixteenths holds four notes per beat: still a beat
    assert _counts_eighths(level, dict(half, notes=4.0))


def test_dotted_beats_whose_chords_change_every_other_beat_are_not_halved():
    level = _level(113.0, [0.72, 0.63, 0.55, 0.49], harmony=0.92, thirds=0.64, notes=1.0)
    half = _level(56.6, [0.61, 0.48, 0.34, 0.19], harmony=0.05, acf1=0.80, low1=0.89)
    assert not _subdivides_harmony(level, half)
    # the same beats divided in two are picked eighths between the chord tones
    assert _subdivides_harmony(dict(level, thirds=-0.3), half)


def test_uneven_beats_in_four_yield_to_the_even_pulse_of_seven_to_the_same_bar():
    """A 7/8 at 186 (2+2+3 eighths) was counted in four uneven beats at 107 (long, short...):
    the level of 7 even beats to the same bar, whose bars repeat as a whole, is the beat."""
    four = _level(107.0, _ONE_BAR, uneven=0.086)
    seven = dict(_level(187.3, [-0.36, 0.19, -0.13, -0.10, 0.22, -0.38, 0.70]), meter=7,
                 uneven=0.018)
    assert _odd_bar(four, [seven]) is seven
    # a 5 making another bar, or a pulse hardly more even, is no odd bar of this level
    assert _odd_bar(four, [dict(seven, meter=5)]) is None
    assert _odd_bar(four, [dict(seven, uneven=0.06)]) is None
    # a swung 4/4 (new jack swing) whose beats are only slightly uneven keeps its beat
    assert _odd_bar(dict(four, uneven=0.05), [seven]) is None


def test_the_timing_pattern_of_a_bar_counted_in_unequal_groups_is_uneven():
    """Beats at 2, 2, 3 eighths (a 7/8 counted in three) follow a pattern repeating with the
    bar; even beats do not."""
    groups = np.cumsum(np.tile([20.0, 20.0, 30.0], 40))
    assert _timing_pattern(groups, 3) > _UNEVEN_BAR
    assert _timing_pattern(np.arange(0.0, 2400.0, 20.0), 3) < 0.01


def test_a_swung_beat_is_not_the_eighths_of_a_slow_groove():
    """A big band at 155 (its ride and horns swung, the eighths on the beats' thirds) was read
    as the eighths of a groove at 77: beats divided in three are beats; the same evidence with
    beats divided in two (dub steppers at 157 over 78) still counts eighths."""
    level = _level(155.0, _ONE_BAR, notes=1.7, thirds=0.30)
    half = _level(77.5, _HALVES, acf1=0.51, notes=3.3)
    assert not _counts_eighths(level, half)
    assert _counts_eighths(dict(level, thirds=0.04), half)


def test_chords_every_other_beat_over_running_sixteenths_keep_the_beat():
    """Synthwave at 101: the pad changes every other beat and the arpeggio runs in sixteenths;
    the level at 50 would hold six notes a beat, a half bar: the fast level is no picked
    eighths between chord tones. With three notes per slow beat (a rubato folk guitar) it is."""
    level = _level(101.0, [0.15, 0.13, -0.06, 0.23], harmony=0.97, thirds=-0.21, notes=1.0)
    half = _level(50.6, [0.15, 0.23, 0.03, -0.02], harmony=0.38, acf1=0.73, low1=0.74,
                  notes=6.4)
    assert not _subdivides_harmony(level, half)
    assert _subdivides_harmony(level, dict(half, notes=3.0))


def test_a_level_holding_several_notes_a_beat_is_no_picked_eighths():
    """A 6/8 battle theme at 143 (guitar chugs and string arpeggios in eighths, its chords
    changing every other dotted beat, a kit the drumness measure hears faintly) was halved as
    if its dotted beats were a folk guitar's picked eighths: those hold one note each."""
    level = _level(143.0, [0.29, 0.25, 0.16, 0.42], harmony=1.19, thirds=-0.01, notes=1.7)
    half = _level(71.8, [0.17, 0.38, 0.04, 0.32], harmony=0.09, acf1=0.76, low1=0.61,
                  notes=3.4)
    assert not _subdivides_harmony(level, half)
    assert _subdivides_harmony(dict(level, notes=1.0), half)
