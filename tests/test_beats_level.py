"""Choosing the metrical level from the evidence of its candidates (issue 15's dev set)."""

from __future__ import annotations

import numpy as np

from music_visualizer.audio.beats import _choose_level, _fix_half_beat, _level_score


def _candidate(bpm: float, on: float, acf1: float, low1: float, backbeat: float,
               bar: float) -> dict:
    return {"bpm": bpm, "on": on, "acf1": acf1, "low1": low1, "backbeat": backbeat,
            "bar": bar, "meter": 4, "similarity": np.array([-0.25, 0.2, -0.2, 0.4])}


def test_a_half_bar_alternation_below_60_bpm_is_not_a_backbeat():
    """A samba in 2/4 (surdo accenting the 2 of each bar): at half the tempo the high band
    alternates beat to beat over a steady low pulse, which once scored as a backbeat and won."""
    slow = _candidate(55.4, on=20.7, acf1=0.38, low1=0.90, backbeat=0.96, bar=1.42)
    beat = _candidate(110.8, on=16.4, acf1=0.45, low1=0.51, backbeat=-0.23, bar=1.60)
    assert _choose_level([slow, beat], drumness=1.0) is beat


def test_a_backbeat_at_a_real_beat_tempo_still_counts():
    """The same evidence at 75 BPM (trap, reggae) keeps its backbeat bonus."""
    with_bb = _candidate(75.0, on=20.0, acf1=0.4, low1=0.9, backbeat=0.9, bar=1.5)
    without = dict(with_bb, backbeat=0.0)
    assert _level_score(with_bb, 1.0) > _level_score(without, 1.0) + 1.0


def test_a_one_drop_eighth_level_without_a_low_pulse_gets_no_backbeat():
    """Reggae's one-drop: at twice the tempo the hats and the off-beat skank alternate, but the
    bass is no steady pulse there; that alternation once outweighed the beat's periodicity."""
    eighths = _candidate(155.6, on=17.8, acf1=0.52, low1=0.23, backbeat=0.39, bar=1.60)
    assert _level_score(eighths, 1.0) == _level_score(dict(eighths, backbeat=0.0), 1.0)


def test_a_faint_chord_lean_does_not_keep_beats_on_the_off_beat():
    """The drums' strongest hits on the other eighth move the beats there, unless the chord
    changes clearly say otherwise (a skank on the "and" leans them only faintly)."""
    n, period = 400, 20
    beats = np.arange(10, n - 20, period).astype(np.float64)
    mids = beats + period / 2

    def curve(on: float, off: float) -> np.ndarray:
        x = np.zeros(n)
        x[beats.astype(int)] = on
        x[mids.astype(int)] = off
        return x

    nov = {"hits": np.stack([curve(0.5, 1.0)] * 4), "kick": np.zeros(n),
           "treble_change": curve(1.0, 0.95), "onset": curve(0.5, 1.0), "high": curve(0.5, 1.0)}
    moved = _fix_half_beat(nov, beats)
    assert np.allclose(moved[-len(beats) + 1:], mids[:-1], atol=1.0)
