"""Bars of 3 told by their accents where neither the rhythm nor the harmony clearly repeats.

- a minuet, polonaise or slip jig without drums: its running notes repeat little whole bars
  apart and its chords change on 1 and on 3, but the bass enters and more notes start on each
  beat 1: one beat in 3 stands out (``_accents_in_threes``) and the family of 3 replaces 4;
- where the rhythm clearly repeats every 4 beats, a bass figure in threes does not make bars
  of 3 (``_leans_to_three``);
- one beat in 3 standing out below the others (a minuet's beat 2, where neither the bass nor
  the upbeat figure on 3 plays) tells bars of 3 as much as one standing out above them;
- phrases of 9 beats (a hymn's fermata counted as two beats) are not bars of 3, even when the
  rhythm repeats only there and so its family of 3 scores best.
"""

from __future__ import annotations

import numpy as np

from music_visualizer.audio.downbeats import _accents_in_threes, _meter_candidates

_STEP = 24  # frames per beat
_BEATS = 60


def _novelty(bass: float, four: float = 0.0, *, every: int = 3, period: int = 4,
             seed: int = 3) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Noise novelty curves with a bass note (and a louder attack) on every ``every``-th beat,
    ``bass`` loud, and a rhythm in the high band repeating every ``period`` beats, ``four``
    loud."""
    rng = np.random.default_rng(seed)
    n = _BEATS * _STEP + 40
    nov = {name: np.abs(rng.normal(size=n)) for name in ("low", "high", "onset", "kick")}
    template = np.abs(rng.normal(size=(period, _STEP)))
    for b in range(_BEATS):
        f = 10 + b * _STEP
        if b % every == 0:
            nov["low"][f:f + 2] += bass
            nov["onset"][f:f + 2] += 0.5 * bass
        nov["high"][f:f + _STEP] += four * template[b % period]
    return nov, np.arange(_BEATS) * float(_STEP) + 10.0


_ONE_CHORD = np.ones((_BEATS, 12))  # no harmony to follow


def test_a_bass_entering_every_third_beat_makes_bars_of_three():
    nov, frames = _novelty(1.5)  # the rhythm alone: 4 (its repetition in 3s is too faint)
    assert _meter_candidates(nov, frames, _ONE_CHORD, accents=False) != (3,)
    assert _accents_in_threes(nov, frames, _ONE_CHORD) >= 0.2
    assert _meter_candidates(nov, frames, _ONE_CHORD) == (3,)


def test_bars_of_four_in_the_rhythm_are_not_read_in_threes_by_the_bass():
    nov, frames = _novelty(1.5, four=2.0)
    assert _accents_in_threes(nov, frames, _ONE_CHORD) >= 0.2
    assert _meter_candidates(nov, frames, _ONE_CHORD) != (3,)


def test_phrases_of_nine_beats_are_not_bars_of_three():
    # a hymn's phrase (bars of 4 and 3, a fermata held over two more beats): the same rhythm
    # every 9 beats, its start accented, nothing alike 3 or 6 beats apart
    nov, frames = _novelty(4.0, 2.0, every=9, period=9, seed=4)
    assert _accents_in_threes(nov, frames, _ONE_CHORD) >= 0.2
    assert _meter_candidates(nov, frames, _ONE_CHORD) != (3,)


def _minuet(loud_on: tuple[int, ...], seed: int, beats: int = 96,
            ) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Noise novelty curves with a bass note (low band, 2.0 loud) on the beats ``loud_on`` of
    every 3."""
    rng = np.random.default_rng(seed)
    nov = {name: np.abs(rng.normal(size=beats * _STEP + 40))
           for name in ("low", "high", "onset", "kick")}
    for b in range(beats):
        if b % 3 in loud_on:
            nov["low"][10 + b * _STEP:12 + b * _STEP] += 2.0
    return nov, np.arange(beats) * float(_STEP) + 10.0


def test_a_quiet_second_beat_in_three_tells_bars_of_three_like_a_loud_first_one():
    # beats 1 and 3 played (the bass, the upbeat figure), beat 2 quiet: one beat in 3 stands
    # out below the others, as clearly as a lone loud beat 1 stands out above them
    chords = np.ones((96, 12))
    for seed in range(5):
        quiet_two, frames = _minuet((0, 2), seed)
        loud_one, _ = _minuet((0,), seed)
        loud = _accents_in_threes(loud_one, frames, chords)
        assert loud >= 0.2
        assert _accents_in_threes(quiet_two, frames, chords) >= 0.75 * loud


def test_phrases_of_nine_beats_are_not_bars_of_three_even_where_their_rhythm_repeats_best():
    # the same rhythm every 9 beats, clearly, and nothing alike 3 or 6 beats apart: the family
    # of 3 scores best on that one lag, but each of its bars would repeat
    nov, frames = _novelty(4.0, 6.0, every=9, period=9, seed=4)
    assert _meter_candidates(nov, frames, _ONE_CHORD, accents=False) != (3,)
    assert _meter_candidates(nov, frames, _ONE_CHORD) != (3,)
