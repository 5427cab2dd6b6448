"""Meter of music without drums whose rhythm does not show it.

- a piece in 3/4 of running notes all at one loudness (a polonaise's or a minuet's
  accompaniment, a quartet played as written): the rhythm repeats every beat, so it tells no
  bar; the chords, changing on each beat 1, do (see ``_harmony_in_threes``);
- a chorale whose rhythm is alike at no lag but faintly so five beats apart (fermatas, running
  notes) is not in 5: a rare meter needs bars that clearly repeat;
- a chorale's beats, with nothing between them, are not divided in three (noise a third of
  the way through outweighed noise half way, and its chords of two beats made it a 6/8 in 2).
"""

from __future__ import annotations

import numpy as np

from music_visualizer.audio.downbeats import (
    _divided_in_three,
    _harmony_in_threes,
    _meter_candidates,
)
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


def _faint_fives(amp: float, beats: int = 48, step: int = 24) -> tuple[dict, np.ndarray]:
    """Novelty curves of noise with a rhythm repeating every 5 beats, ``amp`` loud."""
    rng = np.random.default_rng(1)
    n = beats * step + 40
    nov = {}
    for name in ("low", "high", "onset"):
        template = np.abs(rng.normal(size=(5, step)))
        x = np.abs(rng.normal(size=n))
        for b in range(beats):
            x[10 + b * step:10 + (b + 1) * step] += amp * template[b % 5]
        nov[name] = x
    nov["kick"] = np.zeros(n)  # no drums
    return nov, np.arange(beats) * float(step) + 10.0


def test_bars_of_five_only_where_they_clearly_repeat():
    chroma = np.abs(np.random.default_rng(2).normal(size=(48, 12)))
    faint, frames = _faint_fives(0.5)  # about 0.09 alike five beats apart: a chorale's noise
    clear, _ = _faint_fives(1.5)  # about 0.57: a 5/4's bar
    assert _meter_candidates(faint, frames, chroma) != (5,)
    assert _meter_candidates(clear, frames, chroma) == (5,)


def test_beats_with_nothing_between_them_are_not_divided_in_three():
    step, beats = 36, 40
    frames = np.arange(beats) * float(step) + 5.0
    t = np.arange(beats * step + 20)
    # each beat's attack and its ring: more onset strength a third of the way to the next beat
    # than half way, none of it notes
    distance = np.abs(t[:, None] - frames[None, :]).min(axis=1)
    onset = 3.0 * np.exp(-distance / (0.2 * step))
    assert not _divided_in_three({"onset": onset}, frames)
    thirds = onset.copy()
    for k in (1, 2):  # eighths of a compound beat
        thirds[np.round(frames + k * step / 3).astype(int)] += 1.5
    assert _divided_in_three({"onset": thirds}, frames)
