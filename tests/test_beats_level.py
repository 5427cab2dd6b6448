"""Choosing the metrical level from the evidence of its candidates (issue 15's dev set)."""

from __future__ import annotations

import numpy as np

from music_visualizer.audio.beats import _choose_level, _level_score


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
