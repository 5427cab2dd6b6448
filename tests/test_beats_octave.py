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
            "high": high, "onset": _curve([1.0], between=eighths)}


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


def _band_eighths(low_between: float, high_between: float) -> dict[str, np.ndarray]:
    """Kick on 1 and 3, snare on 2 and 4 of the fast level, loud on every beat in the mix (a
    crash on each), with the eighths between the beats sounding in one band only."""
    low = _curve([1.0, 0.3], between=low_between)
    high = _curve([0.3, 1.0], between=high_between)
    return {"low": low, "hits": np.stack([low, high, high, high]), "high": high,
            "onset": _curve([1.0])}


def test_a_d_beat_counted_at_half_tempo_yields_to_its_double():
    """A d-beat at 184 (kick on 1 and 3, snare on 2 and 4, a crash on every beat) was counted
    at 92: its guitars' eighths hardly register in the mix, but the bass and kick sound between
    the beats (the low band), and kick and snare alternate at the double only: the double is
    the beat. So too when only the hats sound between the beats (a country two-step)."""
    slow, fast = _levels()
    for nov in (_band_eighths(low_between=0.4, high_between=0.0),
                _band_eighths(low_between=0.0, high_between=0.2)):
        assert _backbeat_double(slow, [slow, fast], nov) is fast


def test_a_faint_subdivision_needs_a_clear_backbeat_at_the_double():
    """Something between the double's beats in one band is enough only where the double's
    kick and snare alternate clearly more than at the chosen level (twice); nothing between
    them at all (an oom-pah's eighths) keeps the chosen level whatever alternates."""
    from music_visualizer.audio.beats import _faintly_subdivided

    nov = _band_eighths(low_between=0.4, high_between=0.0)
    assert _faintly_subdivided(nov, _FAST)
    assert not _faintly_subdivided(_band_eighths(0.0, 0.0), _FAST)
    slow, fast = _levels()
    assert _backbeat_double(slow, [slow, fast], _band_eighths(0.0, 0.0)) is slow


def test_a_synthesized_d_beat_is_tracked_at_its_tempo_in_four():
    """A d-beat at 184 synthesized (kick on 1, the "and" of 2 and on 3, snare on 2 and 4, a
    crash on every beat, bass and distorted power chords in eighths): the beat is where the
    kick and the snare alternate, 184, four to the bar; not 92 in two."""
    from music_visualizer.audio.beats import track_beats
    from music_visualizer.audio.spectra import compute_spectra
    from tests.synth_music import _Sounds

    sr, bpm, seconds = 22050, 184.0, 30.0
    sounds = _Sounds(sr, np.random.default_rng(0))
    y = np.zeros(int((seconds + 1.0) * sr))

    def put(t: float, x: np.ndarray, gain: float) -> None:
        i = int(t * sr)
        n = min(len(x), len(y) - i)
        y[i:i + n] += gain * x[:n]

    beat = 60.0 / bpm
    for k in range(int(seconds / beat)):
        t, pos, root = k * beat, k % 4, (40, 40, 43, 38)[(k // 4) % 4]
        put(t, sounds.drums["crash"], 0.6)
        if pos in (0, 2):
            put(t, sounds.drums["kick"], 0.9)
        if pos == 1:
            put(t + beat / 2, sounds.drums["kick"], 0.9)
        if pos in (1, 3):
            put(t, sounds.drums["snare"], 0.8)
        for half in (0.0, 0.5):
            n = int(0.45 * beat * sr)
            put(t + half * beat, sounds.tone("bass", root, n), 0.5)
            for m in (root + 12, root + 19, root + 24):
                put(t + half * beat, sounds.tone("guitar", m, n), 0.35)
    result = track_beats(compute_spectra((0.8 * y / np.abs(y).max()).astype(np.float32), sr))
    assert abs(result.tempo / bpm - 1.0) < 0.04
    assert result.meter == 4
