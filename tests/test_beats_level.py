"""Choosing the metrical level from the evidence of its candidates (issue 15's dev set)."""

from __future__ import annotations

import numpy as np

from music_visualizer.audio.beats import _choose_level, _fix_half_beat, _level_score, _thirds


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


def test_a_low_band_pulse_in_half_bars_does_not_make_a_slow_beat():
    """A samba whose surdo pulses on every other beat: the low band recurs clearly at half the
    tempo (below 60 BPM, the half bar), which once outweighed the beat's own periodicity; the
    same low pulse at 60 BPM or more still counts (a walking bass)."""
    slow = _candidate(53.5, on=21.45, acf1=0.44, low1=0.89, backbeat=0.89, bar=2.07)
    beat = _candidate(107.0, on=16.59, acf1=0.33, low1=0.47, backbeat=-0.23, bar=1.55)
    assert _choose_level([slow, beat], drumness=1.0) is beat
    walking = _candidate(62.0, on=20.0, acf1=0.2, low1=0.9, backbeat=0.0, bar=1.5)
    assert _level_score(walking, 1.0) > _level_score(dict(walking, low1=0.2), 1.0) + 2.0


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

    nov = {"hits": np.stack([curve(0.5, 1.0)] * 4), "kick": np.zeros(n), "low": np.zeros(n),
           "treble_change": curve(1.0, 0.95), "onset": curve(0.5, 1.0), "high": curve(0.5, 1.0)}
    moved = _fix_half_beat(nov, beats)
    assert np.allclose(moved[-len(beats) + 1:], mids[:-1], atol=1.0)


def _level(bpm: float, beats: np.ndarray, similarity: list[float], **evidence: float) -> dict:
    out = {"bpm": bpm, "beats": beats, "meter": 4, "similarity": np.array(similarity),
           "on": 14.0, "acf1": 0.2, "low1": 0.0, "backbeat": 0.0, "bar": 2.5}
    out.update(evidence)
    return out


_BAR_REPEATS = [-0.3, 0.2, -0.3, 0.6, -0.3, 0.1, -0.3, 0.6, -0.3]


def test_a_slow_level_on_the_off_beats_of_the_pulse_yields_to_the_pulse():
    """Bossa nova: the bass, kick and accented guitar on the anticipations (the "and" of 2 and
    4) make a strong, periodic level at half the tempo whose beats fall midway between the
    quarters; it once won, every beat off by an eighth. Beats of a slower level of a pulse
    fall on the pulse's beats."""
    quarters = np.arange(0.0, 2000.0, 20.0)
    anticipations = quarters[1::2] + 10.0  # every other quarter, an eighth late
    slow = _level(63.0, anticipations, _BAR_REPEATS, on=20.5, acf1=0.6, low1=0.9)
    beat = _level(126.0, quarters, [-0.6, 0.4, -0.4, 0.4, -0.4, 0.4, -0.6, 0.8, -0.6],
                  backbeat=0.15)
    assert _choose_level([slow, beat], drumness=1.0) is beat
    # a slower level on the pulse's beats is a level of that pulse: the evidence decides
    on_beats = dict(slow, beats=quarters[::2])
    assert _choose_level([on_beats, beat], drumness=1.0) is on_beats


def test_a_level_whose_rhythm_never_repeats_in_a_bar_is_a_cross_rhythm():
    """A klezmer freylekhs: bass and piano in the 3-3-2 bulgar make the dotted quarters (2/3
    of the beat) periodic, but their rhythm repeats only every 8 of them (3 bars), never
    within a bar of 2 to 6; the quarters, repeating every 4, are the beat."""
    cross = _level(96.0, np.arange(0.0, 2000.0, 30.0),
                   [0.27, -0.15, -0.30, -0.10, -0.34, -0.20, 0.18, 0.72, 0.19],
                   on=13.3, acf1=0.58, low1=0.45)
    beat = _level(144.0, np.arange(0.0, 2000.0, 20.0),
                  [-0.24, -0.13, -0.24, 0.77, -0.26, -0.15, -0.24, 0.75, -0.28],
                  on=14.0, acf1=0.39, low1=0.18, backbeat=0.30, bar=2.93)
    assert _choose_level([cross, beat], drumness=0.7) is beat


def test_a_level_under_50_bpm_yields_to_its_backbeat_double():
    """Reggaeton: the 808 on 1 and 3 and the dembow repeating every half bar make the half
    bar (~47 BPM) the strongest, most periodic level; at twice it (the quarters) the snares
    alternate beat to beat (a clear backbeat): the quarters are the beat, not half bars."""
    half_bars = _level(46.9, np.arange(0.0, 2000.0, 40.0),
                       [0.20, 0.31, -0.08, 0.11, -0.16, 0.04, -0.11, 0.13, -0.09],
                       on=21.0, acf1=0.78, low1=0.96, bar=2.87)
    beat = _level(93.8, np.arange(0.0, 2000.0, 20.0),
                  [-0.64, 0.75, -0.64, 0.75, -0.66, 0.70, -0.66, 0.70, -0.67],
                  on=13.6, acf1=-0.22, low1=0.37, backbeat=1.04, bar=4.02)
    assert _choose_level([half_bars, beat], drumness=1.0) is beat
    # a ballad's slow beat (over 50 BPM) keeps its alternating double as eighths
    ballad = dict(half_bars, bpm=58.0)
    eighths = dict(beat, bpm=116.0)
    assert _choose_level([ballad, eighths], drumness=1.0) is ballad


def test_fingerpicked_eighths_yield_to_the_beat_of_the_chord_tones():
    """Rubato folk guitar (no drums): thumb and pinch on the beats, fingers on the "and"s. The
    eighths won (as strong, as periodic), but the harmony changes only on every other one of
    them, on every beat of the level at half their tempo, a clear pulse: that is the beat."""
    sim = [0.01, 0.09, 0.06, 0.30, -0.01, 0.09, -0.07, 0.26, -0.08]
    eighths = _level(145.0, np.arange(0.0, 2000.0, 10.0), sim, on=20.1, acf1=0.60,
                     low1=0.77, harmony=0.91)
    beat = _level(72.6, np.arange(0.0, 2000.0, 20.0), sim, on=22.1, acf1=0.64, low1=0.68,
                  harmony=0.01, bar=3.43)
    assert _choose_level([beat, eighths], drumness=0.8) is beat
    # a drum groove whose chords change every half bar: its half bars are no pulse
    half_bars = dict(beat, acf1=0.06, low1=-0.05)
    assert _choose_level([half_bars, eighths], drumness=1.0) is eighths


def test_a_12_8_counted_in_its_quarter_hemiola_yields_to_the_dotted_beat():
    """Afrobeat in 12/8: the bell and the bass make the quarters (two eighths) a strong level
    grouped in threes; the dotted quarters (2/3 of their tempo: kick, cross-stick, kick,
    cross-stick) come in unlike pairs, recur and carry hits as strong: they are the beat.
    A waltz, whose beats are stronger than its hemiola's and whose bars are clear, keeps
    them."""
    quarters = _level(161.1, np.arange(0.0, 2000.0, 10.0),
                      [0.19, 0.28, 0.41, 0.26, 0.08, 0.50, 0.06, 0.19, 0.25],
                      on=15.36, acf1=0.42, low1=0.63, backbeat=0.25, bar=0.80)
    quarters["meter"] = 3
    dotted = _level(107.4, np.arange(0.0, 2000.0, 15.0),
                    [-0.13, 0.66, -0.16, 0.65, -0.22, 0.54, -0.24, 0.54, -0.23],
                    on=15.41, acf1=0.36, low1=-0.29, backbeat=-0.15, bar=2.77)
    assert _choose_level([quarters, dotted], drumness=1.0) is dotted
    waltz = dict(quarters, on=22.3, acf1=0.75, bar=2.0)
    assert _choose_level([waltz, dict(dotted, on=17.4)], drumness=1.0) is waltz


def test_a_pop_song_whose_chords_change_every_other_beat_keeps_its_beat():
    """Three minutes of a synthesized pop song (the analysis benchmark's song: a full kit, the
    chords changing every two beats, a jump of phase where it repeats) is counted at its tempo,
    not at half of it: reading the harmony as the beat is for music without a full kit."""
    from music_visualizer.audio.analysis import analyze_signal
    from tests.synth_music import synth_song

    song = synth_song("pop", seed=101)
    audio = np.tile(song.audio, 2)[: 180 * song.sr]
    tempo = analyze_signal(audio, song.sr).tempo
    assert abs(np.log(tempo / song.tempo)) < 0.04, (tempo, song.tempo)


def _spaced(pattern: list[float], bars: int, jitter: float = 0.0, seed: int = 0) -> np.ndarray:
    """Beat frames whose intervals repeat ``pattern`` (frames) bar after bar, with jitter."""
    rng = np.random.default_rng(seed)
    ibi = np.tile(pattern, bars) + rng.normal(0.0, jitter, len(pattern) * bars)
    return np.concatenate([[10.0], 10.0 + np.cumsum(ibi)])


def test_the_timing_pattern_of_a_cross_rhythm_is_uneven_and_of_the_beat_even():
    """Three beats a bar over a drum and bass break follow its hits long, short, short (20,
    18, 18 frames, repeating): uneven. Even beats with random jitter and frame rounding are
    not."""
    from music_visualizer.audio.beats import _timing_pattern

    assert _timing_pattern(_spaced([22.0, 19.0, 19.0], 40), 3) > 0.05
    even = np.round(_spaced([15.0] * 4, 40, jitter=0.7, seed=1))
    assert _timing_pattern(even, 4) < 0.02


def test_a_level_in_3_2_to_the_beat_following_a_syncopated_break_is_not_chosen():
    """Drum and bass (~170): kick on 1 and the "and" of 3, snare on 2 and 4. The level at 3/4
    of the tempo lands on the kick, the snare and the syncopated kick (1, 2, 3.5: long, short,
    short); its beats carried more onset strength than the quarters' and it won (dev dnb_4,
    dnb_5, held-out dnb_6). Its uneven spacing now counts against it."""
    from music_visualizer.audio.beats import _timing_pattern

    three = _spaced([22.0, 19.0, 19.0], 40)
    four = _spaced([15.0] * 4, 40)
    cross = {"bpm": 127.7, "on": 13.3, "acf1": 0.01, "low1": 0.10, "backbeat": 0.0,
             "bar": 2.14, "meter": 3, "uneven": _timing_pattern(three, 3), "beats": three,
             "similarity": np.array([-0.1, -0.1, 0.6, -0.1, 0.0, 0.6, -0.1, -0.1])}
    beat = {"bpm": 170.3, "on": 11.5, "acf1": 0.07, "low1": -0.17, "backbeat": -0.13,
            "bar": 2.64, "meter": 4, "uneven": _timing_pattern(four, 4), "beats": four,
            "similarity": np.array([0.1, 0.3, 0.1, 0.6, 0.1, 0.2, 0.0, 0.7])}
    assert _choose_level([cross, beat], drumness=1.0) is beat


def _on_and_off(n: int, beats: np.ndarray, mids: np.ndarray, on: float, off: float,
                ) -> np.ndarray:
    x = np.zeros(n)
    x[beats.astype(int)] = on
    x[mids.astype(int)] = off
    return x


def test_chord_changes_on_the_other_eighth_add_to_the_drums_faint_lean():
    """Funk tracked on the "and" (held-out funk_6): the clav, bass and a kick push the "and",
    so the strongest drum hits lean only faintly to the real beat (the snare on 2 and 4 among
    accented hats); the chords change on the beat. Neither alone was enough; together they
    move the beats."""
    n, period = 400, 20
    beats = np.arange(10, n - 20, period).astype(np.float64)
    mids = beats + period / 2

    def curve(on: float, off: float) -> np.ndarray:
        return _on_and_off(n, beats, mids, on, off)

    hits = [curve(1.0, 1.0)] * 3 + [curve(0.9, 1.0)]  # a faint lean to the "and": -0.05
    nov = {"hits": np.stack(hits), "kick": np.zeros(n), "low": np.zeros(n),
           "treble_change": curve(0.6, 1.0),
           "onset": curve(1.0, 1.0), "high": curve(1.0, 1.0)}
    moved = _fix_half_beat(nov, beats)
    assert np.allclose(moved[-len(beats) + 1:], mids[:-1], atol=1.0)
    # the same chords against drums leaning to the beats keep the beats where they are
    level = dict(nov, hits=np.stack([curve(1.0, 1.0)] * 3 + [curve(1.0, 0.7)]))
    assert np.array_equal(_fix_half_beat(level, beats), beats)


def test_the_eighths_of_a_slow_groove_give_way_to_its_beat():
    """A slow soul ballad (~72, dev soul_drift_1): at twice the tempo, closer to where the prior
    puts drum music, the eighths won. Their rhythm neither alternates nor comes back two
    eighths on (the kick-snare cycle spans four of them); the level at half their tempo comes
    back every two beats and is as periodic: it is the beat."""
    eighths = _level(143.2, np.arange(0.0, 4000.0, 18.0),
                     [0.0, 0.0, 0.0, 0.5, -0.1, 0.0, -0.1, 0.6], on=15.7, acf1=0.49,
                     low1=0.36, backbeat=0.28, bar=1.93)
    beat = _level(71.6, np.arange(0.0, 4000.0, 36.0),
                  [-0.1, 0.4, -0.2, 0.6, -0.2, 0.3, -0.3, 0.4], on=19.0, acf1=0.49,
                  low1=0.08, bar=3.5)
    assert _choose_level([eighths, beat], drumness=1.0) is beat
    # a half level that is no clear pulse (a salsa's clave at half its tempo) does not
    assert _choose_level([eighths, dict(beat, acf1=0.38)], drumness=1.0) is eighths


def test_eighths_give_way_to_a_half_level_with_the_kick_snare_cycle():
    """A cumbia (~85, dev cumbia_5, ho6 cumbia_6): the scraper's accents make a backbeat at
    twice the tempo, which won; the level at the tempo alternates clearly beat to beat itself
    (bass and kick, then the accent) and recurs clearly at its period: it is the beat."""
    eighths = _level(169.1, np.arange(0.0, 4000.0, 15.0),
                     [-0.6, 0.3, -0.5, 0.8, -0.5, 0.3, -0.5, 0.8], on=17.0, acf1=0.36,
                     low1=0.57, backbeat=0.98, bar=1.77)
    beat = _level(84.6, np.arange(0.0, 4000.0, 30.0),
                  [-0.8, 0.8, -0.8, 0.7, -0.8, 0.8, -0.8, 0.8], on=23.1, acf1=0.56,
                  low1=0.21, backbeat=0.02, bar=2.17)
    assert _choose_level([eighths, beat], drumness=1.0) is beat
    # a half level recurring only faintly (a freylekhs' 3-3-2 at half its tempo) does not
    assert _choose_level([eighths, dict(beat, acf1=0.36)], drumness=1.0) is eighths


def test_a_cymbal_on_every_and_does_not_move_the_beats_off_the_kick():
    """A freylekhs (dev freylekhs_6): the kick on 1 and 3, a faint cross-stick on 2 and 4 and
    a ride on every "and", bass and piano in 3-3-2. The ride was the strongest hit of the kit
    and moved the beats onto the off-beats; the cymbal band only confirms beats now."""
    n, period = 400, 20
    beats = np.arange(10, n - 20, period).astype(np.float64)
    mids = beats + period / 2

    def curve(on: float, off: float) -> np.ndarray:
        return _on_and_off(n, beats, mids, on, off)

    hits = [curve(1.0, 0.9), curve(1.0, 1.0), curve(1.0, 1.0), curve(0.3, 1.0)]
    nov = {"hits": np.stack(hits), "kick": curve(1.0, 0.95), "low": curve(1.0, 0.95),
           "treble_change": curve(1.0, 1.0),
           "onset": curve(1.0, 1.0), "high": curve(1.0, 1.0)}
    assert np.array_equal(_fix_half_beat(nov, beats), beats)
    # the snare's band on the other eighth still moves them (funk tracked on the "and")
    snare = dict(nov, hits=np.stack([curve(1.0, 0.9), curve(0.3, 1.0), *hits[2:]]))
    assert np.allclose(_fix_half_beat(snare, beats)[-len(beats) + 1:], mids[:-1], atol=1.0)


def test_quarters_read_in_four_over_a_12_8_yield_to_the_dotted_level_kept_for_the_rule():
    """Afrobeat in 12/8 at 112 (dev afro_128_7): the tempo curve locked to half the quarter
    hemiola (84), so the dotted beat was no level at all and the quarters (168) won, read in
    bars of 4. The dotted level at 4/3 of the curve is kept for this rule only: in unlike pairs
    (kick, cross-stick), with hits as strong and bars as clear, it is the beat. The level at
    2/3 of a 4/4 beat comes in pairs too (on the beat, on the "and") but carries weaker hits."""
    quarters = _level(168.0, np.arange(0.0, 2000.0, 10.0),
                      [0.17, 0.34, 0.35, 0.37, 0.10, 0.51, 0.10, 0.34, 0.25],
                      on=14.93, acf1=0.30, low1=0.51, backbeat=0.36, bar=2.09)
    half = _level(84.0, np.arange(0.0, 2000.0, 20.0),
                  [0.29, 0.41, 0.49, 0.42, 0.19, 0.50, 0.17, 0.29, 0.27],
                  on=17.91, acf1=0.54, low1=0.42, backbeat=-0.07, bar=2.43)
    dotted = _level(112.0, np.arange(0.0, 2000.0, 15.0),
                    [0.16, 0.68, 0.15, 0.66, 0.10, 0.64, 0.07, 0.55, 0.06],
                    on=15.32, acf1=0.22, low1=-0.21, backbeat=-0.17, bar=2.54, dotted_only=True)
    assert _choose_level([half, quarters], drumness=1.0) is quarters
    assert _choose_level([half, quarters, dotted], drumness=1.0) is dotted
    # on its own score the dotted level would lose: it does not compete, only the rule takes it
    assert _choose_level([half, quarters, dict(dotted, on=14.0)], drumness=1.0) is quarters


def test_a_level_that_does_not_recur_yields_to_the_recurring_level_at_three_halves():
    """A hymn (dev chorale_7): a chord on every beat makes every beat alike, so the beat's
    rhythm seems to repeat nowhere and was set aside as a cross-rhythm; the dotted halves at
    2/3 of its tempo, whose beats do not recur at their period, won."""
    alike = [0.03, -0.06, -0.03, -0.03, -0.08, -0.02, -0.10, 0.06, 0.27]
    beat = _level(81.7, np.arange(0.0, 2000.0, 30.0), alike, on=16.07, acf1=0.39, low1=0.15,
                  bar=2.48)
    dotted_halves = _level(54.5, np.arange(0.0, 2000.0, 45.0),
                           [-0.27, 0.26, -0.22, 0.07, 0.03, 0.22, 0.15, -0.08, 0.0],
                           on=13.44, acf1=-0.11, low1=-0.09, backbeat=0.28, bar=1.70)
    assert _choose_level([dotted_halves, beat], drumness=0.0) is beat
    # a winner whose beats recur keeps its place
    recurring = dict(dotted_halves, acf1=0.2)
    assert _choose_level([recurring, beat], drumness=0.0) is recurring
    # so too the other way: its dotted quarters (3/2 of its tempo, nearer the prior's centre),
    # whose beats do not recur either, won and yield to the beat at 2/3 of their tempo
    dotted_quarters = _level(122.5, np.arange(0.0, 2000.0, 20.0),
                             [-0.05, -0.09, 0.33, -0.16, -0.04, 0.13, -0.16, 0.11, -0.05],
                             on=9.14, acf1=-0.09, low1=0.03, bar=2.29)
    assert _choose_level([dotted_quarters, beat], drumness=0.0) is beat


def test_beats_on_the_and_move_to_the_eighth_where_the_bass_plays_every_beat():
    """A second line (dev second_line_1, 4, 6, 7) tracked on the "and": the snare's accents and
    half the kicks fall there, the ride on 1 and 3, so the drums' hits lean nowhere; but the
    tuba plays every beat and only every other "and": the beats move onto the bass notes."""
    n, period = 400, 20
    tracked = np.arange(10, n - 20, period).astype(np.float64)  # on the "and"
    mids = tracked + period / 2  # the beats

    def curve(on: float, off: float, on_odd: float | None = None) -> np.ndarray:
        x = _on_and_off(n, tracked, mids, on, off)
        if on_odd is not None:
            x[tracked[1::2].astype(int)] = on_odd
        return x

    bass = curve(1.0, 1.0, on_odd=0.1)  # every beat, every other "and"
    hits = [curve(1.0, 1.0), curve(1.0, 0.9), curve(1.0, 0.6), curve(0.5, 1.0)]
    nov = {"hits": np.stack(hits), "kick": bass, "low": bass, "treble_change": curve(1.0, 1.0),
           "onset": curve(1.0, 1.0), "high": curve(1.0, 1.0)}
    moved = _fix_half_beat(nov, tracked)
    assert np.allclose(moved[-len(tracked) + 1:], mids[:-1], atol=1.0)
    # chord changes on the tracked beats keep them (a funk bass pushing the "and")
    chords_on = dict(nov, treble_change=curve(1.0, 0.5))
    assert np.array_equal(_fix_half_beat(chords_on, tracked), tracked)
    # a sparse bass (a note every fourth beat) over faint noise on the other eighths is no line
    sparse = curve(0.0, 0.05)
    sparse[mids[::4].astype(int)] = 3.0
    assert np.array_equal(_fix_half_beat(dict(nov, low=sparse, kick=sparse), tracked), tracked)


def test_a_jig_read_in_bars_of_six_notes_yields_to_its_dotted_beat():
    """A solo fiddle jig in 6/8 (corpus Belle of the Kitchen, no drums, every note alike): the
    bar (56 BPM) was the strongest, most periodic level, against a prior then centred low for
    music without drums; but each of its beats holds about five detected notes of the running
    eighths, the dotted beat (112) two or three: a listener taps the dotted beat."""
    sim = [0.06, 0.12, -0.2, -0.07, -0.2, -0.08]
    bars = _level(56.2, np.arange(0.0, 2000.0, 40.0), sim, on=18.3, acf1=0.36, bar=1.83,
                  notes=4.8)
    beat = _level(112.4, np.arange(0.0, 2000.0, 20.0), [-0.11, 0.08, 0.01, 0.0, -0.05, 0.0],
                  on=13.75, acf1=0.17, bar=1.89, notes=2.4)
    assert _choose_level([bars, beat], drumness=0.0) is beat
    # a drum groove's hats and shakers, more often than the beat, do not count
    assert _level_score(bars, 0.8) == _level_score(dict(bars, notes=0.0), 0.8)
    # nor do the few notes each beat of a slow ballad holds
    assert _level_score(dict(bars, notes=3.5), 0.0) == _level_score(dict(bars, notes=0.0), 0.0)


def test_notes_per_beat_count_the_running_eighths_of_a_solo_line():
    """Running eighths at 336 a minute, every note alike (a jig's melody): about three onset
    peaks per dotted beat at 112 BPM and six per bar at 56."""
    from music_visualizer.audio.beats import _notes_per_beat, _onset_peaks
    from music_visualizer.audio.spectra import compute_spectra
    from tests.test_beats_meter import SR, _Song, _tone

    song = _Song(112.0, 2, 12)
    scale = [74, 76, 78, 79, 81, 83]
    for k in range(12 * 6):
        song.at(k / 3.0, _tone(scale[(k * 5) % 6], 1.5, decay=6.0), 0.5)
    spectra = compute_spectra(song.y.astype(np.float32), SR)
    peaks = _onset_peaks(spectra.onset_env, spectra.frame_rate)
    fr = spectra.frame_rate
    beats = (song.start + np.arange(1, 24) * song.beat) * fr
    assert 2.5 <= _notes_per_beat(peaks, beats) <= 3.2
    assert 5.0 <= _notes_per_beat(peaks, beats[::2]) <= 6.2


def test_a_level_in_bars_of_three_or_without_drums_is_not_doubled_for_a_backbeat():
    """A slip jig in 9/8 (corpus Ride a Mile, solo fiddle): its dotted beats (116, in bars of
    3) were right, but the low and high notes of the tune alternated at twice that tempo like a
    kick and a snare, and the double (232, an eighth and a half apart) replaced them. A
    half-time backbeat groups in 2 or 4; the same evidence under a level in 4 doubles it."""
    from music_visualizer.audio.beats import _backbeat_double

    n = 2400
    fast = np.arange(20.0, n - 40, 15.0)
    strong, weak = np.zeros(n), np.zeros(n)
    strong[fast[0::2].astype(int)], strong[fast[1::2].astype(int)] = 1.0, 0.3
    weak[fast[0::2].astype(int)], weak[fast[1::2].astype(int)] = 0.3, 1.0
    onset = strong + weak
    onset[(fast + 7).astype(int)] = 0.8  # notes between the double's beats
    nov = {"low": strong, "hits": np.stack([onset, weak, weak, weak]), "onset": onset}
    best = {"bpm": 116.0, "beats": fast[::2], "meter": 3}
    double = {"bpm": 232.0, "beats": fast, "meter": 2}
    assert _backbeat_double(best, [best, double], nov) is best
    assert _backbeat_double(dict(best, meter=4), [best, double], nov) is double
    # a string quartet's cello and violins alternating so, without drums, do not either
    assert _backbeat_double(dict(best, meter=4), [best, double], nov, drumness=0.0)["bpm"] == 116


def test_the_octave_of_a_level_whose_rhythm_repeats_only_in_phrases_is_no_cross_rhythm():
    """A solo fiddle hornpipe in 2/2 at 88 (corpus Acrobat's Hornpipe, no drums): its rhythm
    repeats only every 8 beats (the tune's phrase), never within a bar of 2 to 6, which the
    test for a 3:2 cross-rhythm took as one; its double (176, the running eighths) then won.
    A level twice as fast shares every beat of the winner: no cross-rhythm is resolved there,
    so the best-scoring level stands."""
    beat = _level(88.2, np.arange(0.0, 2000.0, 30.0),
                  [0.05, -0.05, -0.11, -0.05, -0.13, -0.09, 0.03, 0.49, -0.01],
                  on=16.3, acf1=0.39, low1=0.36, bar=3.48, notes=4.2)
    eighths = _level(176.3, np.arange(0.0, 2000.0, 15.0),
                     [0.09, 0.04, -0.05, -0.04, -0.02, -0.03, 0.02, 0.06, 0.04],
                     on=13.9, acf1=0.43, low1=0.34, bar=1.47, notes=2.1)
    assert _choose_level([beat, eighths], drumness=0.0) is beat
    # a level in a 3:2 relation to it is still set aside (a 3-3-2's dotted quarters)
    quarters = dict(eighths, bpm=132.3, beats=np.arange(0.0, 2000.0, 20.0), on=9.0)
    assert _choose_level([beat, quarters], drumness=0.0) is quarters


def test_a_polka_keeps_its_quarters_against_the_oom_pah_of_its_eighths():
    """A polka in 2/4 at 123 (bass on the beat, the chord on its "and"): the quarters are all
    alike and their double (246) alternates bass, chord, bass, chord as a clear pulse, which
    the rule for a march counted in its bars took for the beat. Nothing sounds between those
    eighths (a march's double, its quarters, holds eighths or a drum roll between them): a
    level with nothing between its beats is itself the subdivision."""
    quarters = _level(123.0, np.arange(0.0, 2000.0, 20.0),
                      [0.19, 0.07, -0.01, 0.08, -0.07, -0.05, 0.02, 0.31, 0.09],
                      on=17.1, acf1=0.72, low1=0.95, bar=1.76, subdivision=1.58)
    eighths = _level(245.9, np.arange(0.0, 2000.0, 10.0),
                     [-0.58, 0.64, -0.55, 0.57, -0.51, 0.5, -0.45, 0.49, -0.43],
                     on=14.7, acf1=0.58, low1=-0.29, backbeat=0.14, bar=1.53, subdivision=0.01)
    assert _choose_level([quarters, eighths], drumness=1.0) is quarters
    # the same double with eighths between its beats is a march's quarters
    assert _choose_level([quarters, dict(eighths, subdivision=0.3)], drumness=1.0)["bpm"] > 200


def test_a_slow_shuffle_beat_divided_in_three_is_not_half_of_a_backbeat():
    """A 12/8 shuffle ballad at 48 (the dotted quarter annotated): its beats divide in three
    (the shuffled eighth two thirds of the way through, nothing half way). The level at twice
    its tempo alternates with a clear backbeat, which the rule for a dembow's half bars took
    for the beat; but a beat divided in three has no metrical level at twice its tempo."""
    beat = _level(47.7, np.arange(0.0, 2000.0, 54.0),
                  [-0.04, 0.02, -0.2, 0.28, -0.17, -0.13, -0.22, 0.35, -0.29],
                  on=29.6, acf1=0.8, low1=0.66, bar=2.6, thirds=0.74)
    double = _level(95.5, np.arange(0.0, 2000.0, 27.0),
                    [-0.58, 0.72, -0.62, 0.68, -0.63, 0.65, -0.62, 0.73, -0.62],
                    on=14.8, acf1=-0.27, low1=-0.2, backbeat=0.96, bar=1.62)
    assert _choose_level([beat, double], drumness=0.5) is beat
    # a dembow's half bar divides in two (its hits on the quarters): the double is the beat
    assert _choose_level([dict(beat, thirds=-1.0), double], drumness=0.5) is double


def test_thirds_tell_a_beat_divided_in_three_from_one_divided_in_two():
    """Onsets on the beats and two thirds of the way through (a shuffle): > 0; on the beats
    and half way (straight eighths): < 0."""
    n, period = 4000, 30
    beats = np.arange(10.0, n - 40, period)

    def nov(fraction: float) -> dict[str, np.ndarray]:
        x = np.zeros(n)
        x[beats.astype(int)] = 1.0
        x[(beats + fraction * period).astype(int)] = 0.6
        return {"onset": x}

    assert _thirds(nov(2.0 / 3.0), beats) > 0.4
    assert _thirds(nov(0.5), beats) < -0.4


def test_without_drums_the_prior_favours_the_tempo_listeners_prefer_to_tap():
    """A string quartet's allegro at 132 (corpus Mozart K. 155): with equal evidence at its
    quarters and at their half (66), the quarters score higher without drums; the prior
    centred at about 120 BPM (500 ms per beat) is the tempo listeners prefer to tap."""
    quarters = _level(132.0, np.arange(0.0, 2000.0, 20.0), _BAR_REPEATS)
    halves = dict(quarters, bpm=66.0)
    assert _level_score(quarters, 0.0) > _level_score(halves, 0.0) + 0.5


def test_eighths_in_threes_give_way_to_a_slow_dotted_beat_with_kick_and_snare():
    """A 6/8 ballad at 50 (dev ballad_68_8): its eighths (149, in bars of 3) won; the dotted
    beat at a third of their tempo is under 50 BPM, where a level of a third is taken for the
    bars of a waltz. But kick and snare alternate on the dotted beats (counterphase 0.13); a
    waltz's bars never do (at most 0.02 on the dev set's waltzes): the dotted beat is the beat."""
    eighths = _level(149.3, np.arange(0.0, 4000.0, 17.0),
                     [-0.05, -0.12, 0.42, -0.12, -0.22, 0.64, -0.2, -0.17, 0.4],
                     on=15.5, acf1=0.32, low1=0.14, bar=2.42, meter=3, notes=1.1)
    dotted = _level(49.8, np.arange(0.0, 4000.0, 51.0),
                    [-0.49, 0.52, -0.48, 0.61, -0.52, 0.52, -0.47, 0.54, -0.48],
                    on=27.4, acf1=0.57, low1=0.18, bar=2.99, meter=2, notes=3.2,
                    counterphase=0.13)
    assert _choose_level([dotted, eighths], drumness=1.0) is dotted
    # without the drums' alternation, a level that slow is the bar of a waltz
    assert _choose_level([dict(dotted, counterphase=0.0), eighths], drumness=1.0) is eighths
