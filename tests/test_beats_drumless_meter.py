"""Meter of music without drums whose rhythm does not show it.

- a piece in 3/4 of running notes all at one loudness (a polonaise's or a minuet's
  accompaniment, a quartet played as written): the rhythm repeats every beat, so it tells no
  bar; the chords, changing on each beat 1, do (see ``_harmony_in_threes``).
"""

from __future__ import annotations

import numpy as np

from music_visualizer.audio.downbeats import _harmony_in_threes
from tests.test_beats_meter import ROOTS, _Song, _track

#: Chords of a bar each, moving by steps and leaps (no two neighbours alike).
_PROGRESSION = (0, 5, 7, 0, 9, 2, 7, 4, 0, 5, 10, 3)


def _even_bars(meter: int, bars: int, bpm: float = 96.0) -> _Song:
    song = _Song(bpm=bpm, meter=meter, bars=bars)
    for bar in range(bars):
        root = ROOTS[0] + _PROGRESSION[bar % len(_PROGRESSION)]
        for k in range(meter):
            for half in (0.0, 0.5):  # running eighths, all alike
                song.chord(bar * meter + k + half, root, 0.5, 0.25)
            song.bass(bar * meter + k, root - 24, 0.5, 0.25)
    return song


def test_chords_changing_every_third_beat_of_even_running_notes_make_bars_of_three():
    song = _even_bars(3, 32)
    result = _track(song)
    assert result.meter == 3
    assert abs(result.tempo - 96.0) <= 0.04 * 96.0


def test_harmony_in_threes_is_not_read_in_bars_of_four():
    rng = np.random.default_rng(0)
    chroma = np.abs(rng.normal(size=(40, 12)))
    three = np.repeat(chroma, 3, axis=0)[:96]  # a chord every 3 beats
    four = np.repeat(chroma, 4, axis=0)[:96]  # every 4
    assert _harmony_in_threes(three)
    assert not _harmony_in_threes(four)
