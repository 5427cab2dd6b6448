"""The tempo octave: a level counted at half the tempo of its backbeat yields to the backbeat."""

from __future__ import annotations

import numpy as np

from music_visualizer.audio.beats import _backbeat_double, _counterphase

_N, _PERIOD = 1300, 20  # frames; the fast level's beat period
_FAST = np.arange(10.0, _N - 20, _PERIOD)


def _curve(values: list[float], offset: float = 0.0, between: float | None = None) -> np.ndarray:
    """A spike on every fast beat (shifted by ``offset`` frames), cycling through ``values``;
    ``between``: a spike half way to the next beat too."""
    x = np.zeros(_N)
    for i, t in enumerate(_FAST):
        x[int(t + offset)] = values[i % len(values)]
        if between is not None:
            x[int(t + _PERIOD / 2)] = between
    return x


def _groove(low: list[float], snare: list[float], eighths: float) -> dict[str, np.ndarray]:
    high = _curve(snare)
    return {"low": _curve(low), "hits": np.stack([_curve(low), high, high, high]),
            "onset": _curve([1.0], between=eighths)}


def _levels() -> tuple[dict, dict]:
    slow = {"bpm": 72.0, "beats": _FAST[::2], "meter": 2}
    fast = {"bpm": 144.0, "beats": _FAST, "meter": 4}
    return slow, fast


def test_kick_and_snare_alternating_beat_to_beat_are_in_counterphase():
    """Kick on 1 and 3, snare on 2 and 4: the low band and the snare band lean opposite ways
    beat to beat; at half that tempo every beat is alike (kick), so nothing alternates."""
    nov = _groove(low=[1.0, 0.3], snare=[0.3, 1.0], eighths=0.5)
    assert _counterphase(nov, _FAST) > 0.2
    assert abs(_counterphase(nov, _FAST[::2])) < 0.01
    # on- and off-beat eighths are louder together in both bands: no backbeat
    assert _counterphase(_groove(low=[1.0, 0.3], snare=[1.0, 0.3], eighths=0.5), _FAST) < 0


def test_a_fast_backbeat_counted_at_half_tempo_yields_to_its_double():
    """Rock at 144 (eighth hats and guitars) was counted at 72, its kicks only: the level at
    twice the tempo, where the kick and the snare alternate, is the beat."""
    nov = _groove(low=[1.0, 0.3], snare=[0.3, 1.0], eighths=0.5)
    slow, fast = _levels()
    assert _backbeat_double(slow, [slow, fast], nov) is fast


def test_an_oom_pah_in_eighths_keeps_its_beat():
    """A polka's or a stride piano's bass on the beat and chord on the "and" alternate as
    well at the eighths, but nothing sounds between those eighths: the beat stays."""
    nov = _groove(low=[1.0, 0.3], snare=[0.3, 1.0], eighths=0.0)
    slow, fast = _levels()
    assert _backbeat_double(slow, [slow, fast], nov) is slow


def test_a_half_time_snare_on_3_does_not_double_the_beat():
    """Half time (kick on 1, snare on 3 of the fast level's bar): kick and snare alternate
    at the slow level, not at the fast one, which is not chosen."""
    nov = _groove(low=[1.0, 0.3, 0.3, 0.3], snare=[0.3, 0.3, 1.0, 0.3], eighths=0.5)
    slow, fast = _levels()
    assert _backbeat_double(slow, [slow, fast], nov) is slow
