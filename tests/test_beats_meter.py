"""Grooves the tracker once got wrong, synthesized here with exact beats.

- a shuffle whose loudest chords land on the swung eighth (beats once locked two thirds of a
  beat late),
- a 12/8 slow blues (once read at three times its tempo) and a 6/8 ballad (2 dotted beats a
  bar, once read as 3/4 at the eighth-note level),
- 5/4 and 7/8 (once impossible: only 3 and 4 existed),
- a 6/8 with a backbeat and a chord a bar (once counted in 4; but two chords a bar of a
  straight 4/4 are half bars, not bars of a 2/4), the eighths of a 12/8 in
  unlike pairs of threes (once the beat, in bars of 3), a strummed chord change on 1 against
  a deeper bass on 3 (downbeats once drifted to 3).
"""

from __future__ import annotations

import mir_eval
import numpy as np
import pytest

from music_visualizer.audio.beats import _choose_level, track_beats
from music_visualizer.audio.spectra import compute_spectra

SR = 22050


def _sounds(rng: np.random.Generator) -> dict[str, np.ndarray]:
    t = np.arange(int(0.3 * SR)) / SR
    kick = np.sin(2 * np.pi * (45 * t + 100 * (1 - np.exp(-t * 35)) / 35)) * np.exp(-t * 14)
    noise = rng.standard_normal(len(t))
    snare = (0.6 * noise + 0.5 * np.sin(2 * np.pi * 190 * t)) * np.exp(-t * 25)
    hat = np.diff(noise, prepend=0.0) * np.exp(-t * 90) * 0.35
    return {"kick": kick, "snare": snare, "hat": hat}


def _tone(midi: float, seconds: float, decay: float = 3.0) -> np.ndarray:
    t = np.arange(int(seconds * SR)) / SR
    f = 440.0 * 2 ** ((midi - 69) / 12)
    wave = sum(np.sin(2 * np.pi * f * k * t) / k for k in (1, 2, 3, 4))
    return wave * np.exp(-t * decay) * np.minimum(1.0, t / 0.004)


class _Song:
    """Events placed on a grid of beats at a steady tempo; renders to mono samples."""

    def __init__(self, bpm: float, meter: int, bars: int, start: float = 0.4) -> None:
        self.beat = 60.0 / bpm
        self.meter = meter
        self.bars = bars
        self.start = start
        self.n = int((start + bars * meter * self.beat + 2.0) * SR)
        self.y = np.zeros(self.n)
        self.rng = np.random.default_rng(3)
        self.kit = _sounds(self.rng)

    def at(self, beat: float, sound: np.ndarray, gain: float) -> None:
        jitter = self.rng.normal(0, 0.004)
        i = max(round((self.start + beat * self.beat + jitter) * SR), 0)
        m = min(len(sound), self.n - i)
        self.y[i:i + m] += gain * sound[:m]

    def drum(self, beat: float, name: str, gain: float = 1.0) -> None:
        self.at(beat, self.kit[name], gain)

    def chord(self, beat: float, root: int, gain: float, seconds: float = 0.25,
              minor: bool = False) -> None:
        for k, step in enumerate((0, 3 if minor else 4, 7, 10)):
            self.at(beat, _tone(root + step, seconds, decay=8.0), gain * (1 - 0.1 * k))

    def bass(self, beat: float, midi: int, gain: float = 0.8, seconds: float = 0.4) -> None:
        self.at(beat, _tone(midi, seconds, decay=4.0), gain)

    def beats(self) -> np.ndarray:
        return self.start + np.arange(self.bars * self.meter + 1) * self.beat

    def audio(self) -> np.ndarray:
        return (self.y / np.abs(self.y).max() * 0.9).astype(np.float32)


ROOTS = (57, 62, 64, 57, 60, 62, 55, 64)  # one chord a bar


def _track(song: _Song):
    return track_beats(compute_spectra(song.audio(), SR))


def _beat_f(song: _Song, beats: np.ndarray) -> float:
    return float(mir_eval.beat.f_measure(mir_eval.beat.trim_beats(song.beats()),
                                         mir_eval.beat.trim_beats(beats)))


def test_shuffle_with_loud_chords_on_the_swung_eighth_is_tracked_on_the_beat():
    song = _Song(bpm=118.0, meter=4, bars=24)
    swung = 2.0 / 3.0
    for bar in range(song.bars):
        b = bar * 4
        root = ROOTS[bar % len(ROOTS)] - 12
        for k in range(4):
            song.drum(b + k, "hat", 0.8)
            song.drum(b + k + swung, "hat", 0.5)
            song.drum(b + k, "snare" if k % 2 else "kick", 0.9)
            for j, step in enumerate((0, 4 if k % 2 else 7)):  # boogie bass on the eighths
                song.bass(b + k + j * swung, root - 12 + step, 0.5, 0.2)
        for pos in (swung, 2 + swung):  # the loudest thing: stabs on the swung "and"
            song.chord(b + pos, root + 12, 1.0)
    result = _track(song)
    assert _beat_f(song, result.beats) >= 0.9
    assert abs(result.tempo - 118.0) <= 0.04 * 118.0
    assert result.meter == 4


def test_twelve_eight_slow_blues_is_four_dotted_beats_not_triple_tempo():
    bpm = 63.0  # dotted quarters
    song = _Song(bpm=bpm, meter=4, bars=12)
    for bar in range(song.bars):
        b = bar * 4
        root = ROOTS[bar % len(ROOTS)]
        for k in range(4):
            for j in range(3):  # triplet hats and piano
                song.drum(b + k + j / 3, "hat", 0.7 if j == 0 else 0.45)
                song.chord(b + k + j / 3, root, 0.35 if j == 0 else 0.25, 0.2)
            song.drum(b + k, "snare" if k % 2 else "kick", 1.0)
            song.bass(b + k, root - 24 + (0 if k % 2 == 0 else 7), 0.8, 0.8)
    result = _track(song)
    assert abs(result.tempo - bpm) <= 0.04 * bpm, result.tempo
    assert result.meter == 4
    assert _beat_f(song, result.beats) >= 0.9


def test_six_eight_ballad_is_two_dotted_beats_a_bar():
    bpm = 58.0  # dotted quarters
    song = _Song(bpm=bpm, meter=2, bars=20)
    for bar in range(song.bars):
        b = bar * 2
        root = ROOTS[bar % len(ROOTS)]
        for j, step in enumerate((-12, 4, 7, 12, 7, 4)):  # arpeggiated eighths
            song.bass(b + j / 3, root + step, 0.45 if j else 0.6, 0.5)
            song.drum(b + j / 3, "hat", 0.5 if j % 3 == 0 else 0.3)
        song.drum(b, "kick", 1.0)
        song.drum(b + 1, "snare", 0.6)
        song.bass(b, root - 24, 0.9, 1.6)
    result = _track(song)
    assert abs(result.tempo - bpm) <= 0.04 * bpm, result.tempo
    assert result.meter == 2
    assert _beat_f(song, result.beats) >= 0.9


@pytest.mark.parametrize(("meter", "bpm", "kicks", "snares"), [
    (5, 150.0, (0, 3), (2, 4)),   # 3 + 2
    (7, 176.0, (0, 4), (2, 6)),   # 2 + 2 + 3 eighths
    (7, 240.0, (0, 2, 4), (3, 6)),  # a fast Balkan 7/8: its eighths, once counted in pairs
])
def test_odd_meters_are_counted(meter, bpm, kicks, snares):
    song = _Song(bpm=bpm, meter=meter, bars=20)
    for bar in range(song.bars):
        b = bar * meter
        root = ROOTS[bar % len(ROOTS)]
        for k in range(meter):
            song.drum(b + k, "hat", 0.7 if k in kicks else 0.45)
        for k in kicks:
            song.drum(b + k, "kick", 1.0)
            song.bass(b + k, root - 24, 0.8, 0.5)
        for k in snares:
            song.drum(b + k, "snare", 0.9)
        song.chord(b, root, 0.6, 0.6)
    result = _track(song)
    assert result.meter == meter
    assert _beat_f(song, result.beats) >= 0.9
    assert abs(result.tempo - bpm) <= 0.04 * bpm


def test_downbeats_follow_chord_changes_not_the_bass_moving_inside_the_bar():
    """5/4 vamp: the bass plays the root on 1 and the fifth on 4; chords change on bar 1."""
    song = _Song(bpm=144.0, meter=5, bars=20)
    for bar in range(song.bars):
        b = bar * 5
        root = ROOTS[bar % len(ROOTS)]
        for k in range(5):
            song.drum(b + k, "hat", 0.6)
        song.drum(b, "kick", 0.8)
        song.drum(b + 3, "kick", 0.7)
        song.drum(b + 2, "snare", 0.6)
        song.drum(b + 4, "snare", 0.7)
        for pos, gain in ((0, 0.3), (1.5, 0.35), (3, 0.3)):
            song.chord(b + pos, root, gain, 0.8)
        song.bass(b, root - 24, 1.2, 1.4)
        song.bass(b + 3, root - 17, 1.2, 1.4)  # the fifth, as loud as the root
    result = _track(song)
    assert result.meter == 5
    downbeats = song.beats()[::5]
    f = mir_eval.beat.f_measure(mir_eval.beat.trim_beats(downbeats),
                                mir_eval.beat.trim_beats(result.downbeats))
    assert f >= 0.8, f


def _downbeat_f(song: _Song, downbeats: np.ndarray) -> float:
    truth = song.beats()[::song.meter]
    return float(mir_eval.beat.f_measure(mir_eval.beat.trim_beats(truth),
                                         mir_eval.beat.trim_beats(downbeats)))


def test_the_loudest_hit_with_the_snare_on_it_is_not_beat_one():
    """7/8 (2 + 2 + 3): kick, snare and a bass note together on beat 5 are the loudest of the
    bar; beat 1 has a softer kick, the root and the chord change. Downbeats were once on 5."""
    song = _Song(bpm=180.0, meter=7, bars=20)
    for bar in range(song.bars):
        b = bar * 7
        root = ROOTS[bar % len(ROOTS)]
        for k in range(7):
            song.drum(b + k, "hat", 0.5)
        song.drum(b, "kick", 0.7)
        song.bass(b, root - 24, 0.5, 0.5)
        song.drum(b + 2, "snare", 0.9)
        song.drum(b + 4, "kick", 1.0)
        song.drum(b + 4, "snare", 1.0)
        song.bass(b + 4, root - 17, 0.9, 0.5)
        song.chord(b, root, 0.5, 1.0)
    result = _track(song)
    assert result.meter == 7
    assert _beat_f(song, result.beats) >= 0.9
    assert _downbeat_f(song, result.downbeats) >= 0.8


def test_blues_shuffle_downbeats_on_the_bass_root_not_on_beat_three():
    """A 12-bar shuffle (chords change on only some bar lines), boogie bass climbing from the
    root on 1 to the seventh on 3, kick on 1 and 3, snare on 2 and 4, stabs on the swung
    "and": the low-band flux is largest on beat 3, but the bar starts on the root.
    Downbeats were once all on beat 3."""
    song = _Song(bpm=110.0, meter=4, bars=24)
    swung = 2.0 / 3.0
    for bar in range(song.bars):
        b = bar * 4
        root = 45 + (0, 0, 0, 0, 5, 5, 0, 0, 7, 5, 0, 7)[bar % 12]
        for k in range(4):
            song.drum(b + k, "hat", 0.6)
            song.drum(b + k + swung, "hat", 0.4)
            song.drum(b + k, "snare" if k % 2 else "kick", 1.0 if k % 2 else 0.9)
        for k, step in enumerate((0, 4, 7, 9, 10, 9, 7, 4)):
            song.bass(b + k // 2 + (k % 2) * swung, root - 12 + step, 0.45 + 0.15 * (k % 2 == 0),
                      0.3)
        for pos in (swung, 2 + swung):
            song.chord(b + pos, root + 12, 1.0, 0.3)
    result = _track(song)
    assert result.meter == 4
    assert _beat_f(song, result.beats) >= 0.9
    assert _downbeat_f(song, result.downbeats) >= 0.8


def test_fast_five_four_with_a_vamp_on_the_and_of_two_is_counted_in_fives():
    """A fast 5/4 (3 + 2) whose piano vamp lands on 1, the "and" of 2 and 4: its strongest
    periodicity is the half bar (two and a half beats), from which the beat is 5/2 away
    (once read at 3/5 of the tempo, in threes)."""
    bpm, meter = 164.0, 5
    song = _Song(bpm=bpm, meter=meter, bars=24)
    for bar in range(song.bars):
        b = bar * meter
        root = ROOTS[bar % len(ROOTS)]
        for k in range(meter):
            song.drum(b + k, "hat", 0.5)
            if k in (1, 3):
                song.drum(b + k + 0.5, "hat", 0.35)
        song.drum(b, "kick", 0.9)
        song.drum(b + 3, "kick", 0.8)
        song.drum(b + 2, "snare", 0.7)
        song.drum(b + 4, "snare", 0.75)
        for pos, gain in ((0, 0.6), (1.5, 0.65), (3, 0.55)):
            song.chord(b + pos, root, gain, 0.5)
        song.bass(b, root - 24, 0.8, 0.8)
        song.bass(b + 3, root - 17, 0.7, 0.8)
    result = _track(song)
    assert abs(result.tempo - bpm) <= 0.04 * bpm
    assert _beat_f(song, result.beats) >= 0.9


def test_six_eight_with_a_backbeat_and_a_chord_a_bar_is_two_dotted_beats():
    """A 6/8 gospel shuffle: kick on 1, a big snare on 2 (a backbeat, as in 4/4), triplet hats,
    the chord changing every bar of 2 dotted beats. It was once counted in 4 (2 bars a bar);
    the chords lasting 2 beats say the bar is 2."""
    bpm = 68.0  # dotted quarters
    song = _Song(bpm=bpm, meter=2, bars=24)
    for bar in range(song.bars):
        b = bar * 2
        root = ROOTS[bar % len(ROOTS)]
        for j in range(6):
            song.drum(b + j / 3, "hat", 0.6 if j % 3 == 0 else 0.35)
        song.drum(b, "kick", 1.0)
        song.drum(b + 1, "snare", 1.0)
        for j, gain in ((0, 0.45), (2, 0.3), (3, 0.4), (5, 0.3)):  # long-short comping
            song.chord(b + j / 3, root, gain, 0.3)
        song.bass(b, root - 24, 0.9, 0.6)
        song.bass(b + 1, root - 17, 0.8, 0.6)
    result = _track(song)
    assert abs(result.tempo - bpm) <= 0.04 * bpm, result.tempo
    assert result.meter == 2
    assert _downbeat_f(song, result.downbeats) >= 0.9



def _level(bpm: float, meter: int, similarity: list[float], score: float) -> dict:
    """A candidate metrical level as :func:`_choose_level` sees it (``on`` sets its score)."""
    sim = np.zeros(14)
    sim[:len(similarity)] = similarity
    return {"bpm": bpm, "meter": meter, "bar": 2.0, "acf1": 0.6, "low1": 0.3, "backbeat": 0.0,
            "on": float(np.exp(score / 3.0)), "similarity": sim}


def test_eighths_grouped_in_unlike_pairs_of_threes_give_way_to_the_dotted_beat():
    """A 12/8 soul ballad's eighths won as beats in bars of 3 (once: 182 BPM, meter 3): its
    groups of three repeat every 6 eighths, not every 3 or 9 (kick on one dotted beat, snare
    on the next), so the level at a third of the tempo, in bars of 4, is the beat."""
    eighths = _level(182.0, 3, [0.1, -0.1, 0.15, -0.1, 0.0, 0.45, 0.0, -0.1, 0.1], 12.0)
    dotted = _level(60.7, 4, [-0.15, 0.3, -0.2, 0.55], 10.0)
    assert _choose_level([dotted, eighths], drumness=1.0) is dotted
    waltz = _level(182.0, 3, [-0.4, -0.4, 0.8, -0.4, -0.4, 0.8, -0.4, -0.4, 0.8], 12.0)
    assert _choose_level([dotted, waltz], drumness=1.0) is waltz  # bars of 3 all alike


def test_a_strummed_chord_change_on_one_holds_the_downbeat_against_a_deeper_three():
    """Kick on 1 and 3, snare on 2 and 4; the bass's fifth below on 3 is deeper and louder
    than the root on 1, and the chord re-struck on 3. Only the chord change, strummed (a
    burst in the snares' 1.5-4 kHz band), marks 1: its attack is no backbeat. Downbeats
    once drifted to 3 for stretches of the song."""
    from scipy.signal import butter, sosfilt

    song = _Song(bpm=98.0, meter=4, bars=24)
    t = np.arange(int(0.08 * SR)) / SR
    band = butter(4, [1500, 4000], btype="band", fs=SR, output="sos")
    strum = sosfilt(band, song.rng.standard_normal(len(t))) * np.exp(-t * 40)
    for bar in range(song.bars):
        b = bar * 4
        root = ROOTS[bar % len(ROOTS)]
        for k in range(8):
            song.drum(b + k / 2, "hat", 0.4)
        for k, name in enumerate(("kick", "snare", "kick", "snare")):
            song.drum(b + k, name, 0.9 if name == "kick" else 0.8)
        song.at(b, strum, 1.2)
        song.chord(b, root, 0.4, 1.8)
        song.chord(b + 2, root, 0.3, 1.8)
        song.bass(b, root - 24, 0.7, 0.8)
        song.bass(b + 2, root - 29, 0.9, 0.8)
    result = _track(song)
    assert result.meter == 4
    assert _downbeat_f(song, result.downbeats) >= 0.95


def test_two_chords_a_bar_of_straight_four_four_stay_in_four():
    """Pop rock with two chords a bar (straight eighths, kick on 1 and 3, snare on 2 and 4):
    chords lasting two beats are half bars here, not bars of a 2/4; only chords of two beats
    divided in three (a 6/8 in dotted quarters) make the bar 2."""
    song = _Song(bpm=112.0, meter=4, bars=24)
    for bar in range(song.bars):
        b = bar * 4
        for half in (0, 2):
            root = ROOTS[(2 * bar + half // 2) % len(ROOTS)]
            for j in range(4):
                song.chord(b + half + j / 2, root, 0.35 if j == 0 else 0.25, 0.2)
                song.bass(b + half + j / 2, root - 24, 0.6, 0.25)
        for k in range(8):
            song.drum(b + k / 2, "hat", 0.5 if k % 2 == 0 else 0.3)
        for k, name in enumerate(("kick", "snare", "kick", "snare")):
            song.drum(b + k, name, 0.9)
    result = _track(song)
    assert abs(result.tempo - 112.0) <= 0.04 * 112.0, result.tempo
    assert result.meter == 4


def test_waltz_whose_bass_alternates_root_and_fifth_bar_by_bar_is_not_a_slow_compound_beat():
    """A country waltz (kick on 1, brushes on 2 and 3, boom-chick-chick, the bass on 1
    alternating root and fifth bar by bar): its bars come in unlike pairs, as the eighths of
    a 12/8 do, but a dotted beat at a third of 126 BPM (42) is no beat: it is the bar (once
    read at 42 BPM in 2)."""
    bpm = 126.0
    song = _Song(bpm=bpm, meter=3, bars=32)
    for bar in range(song.bars):
        b = bar * 3
        root = ROOTS[(bar // 2) % len(ROOTS)]
        song.drum(b, "kick", 0.9)
        song.drum(b + 1, "snare", 0.45)
        song.drum(b + 2, "snare", 0.35)
        song.bass(b, root - 24 + (7 if bar % 2 else 0), 0.9, 0.6)
        for k in (1, 2):
            song.chord(b + k, root, 0.5 if k == 1 else 0.4, 0.3)
    result = _track(song)
    assert abs(result.tempo - bpm) <= 0.04 * bpm, result.tempo
    assert result.meter == 3
    assert _beat_f(song, result.beats) >= 0.9



def test_march_in_two_is_tracked_in_quarters_not_in_its_alike_bars():
    """A concert march in 2/4 at 113 (bass drum on 1, cymbals on 2, tuba on both): its bars
    are all alike, so the level of the bars (56 BPM) recurs clearly and once won as the beat
    (measured levels of the dev set's march); the level at twice its tempo alternates beat to
    beat (bass drum, then cymbals) as a clear pulse: the quarters are the beat."""
    bars = _level(56.2, 4, [0.34, 0.23, 0.32, 0.24, -0.01, -0.05], 14.5)
    quarters = _level(112.4, 4, [-0.52, 0.77, -0.53, 0.73, -0.56, 0.71], 12.6)
    for level, offset in ((bars, 0), (quarters, 1)):  # the quarters are midway: none
        level["beats"] = np.arange(offset, 400, 2 - offset, dtype=np.float64)
    assert _choose_level([bars, quarters], drumness=0.3) is quarters
    ballad = _level(56.2, 4, [-0.3, 0.5, -0.3, 0.6], 14.5)  # alternating beats of its own
    ballad["beats"] = bars["beats"]
    assert _choose_level([ballad, quarters], drumness=0.3) is ballad


def test_eighths_whose_rhythm_repeats_every_six_give_way_to_the_quarters_of_a_three_four():
    """A rubato 3/4 nocturne without drums, its left hand in eighths: the eighths won as the
    beat, in 4 (once: 124 BPM for 61; measured levels of the dev set's nocturne). Their rhythm
    repeats every 6 eighths, not every 4 or 8: bars of six eighths; the level at half their
    tempo, in clear bars of 3, is the beat."""
    eighths = _level(123.0, 4, [0.44, 0.29, 0.26, 0.2, 0.31, 0.49, 0.25, 0.11, 0.1], 12.5)
    eighths["bar"] = 1.66
    quarters = _level(61.5, 3, [-0.05, -0.13, 0.27, -0.22, -0.26, 0.26], 10.7)
    quarters["bar"] = 4.04
    assert _choose_level([quarters, eighths], drumness=0.5) is quarters
    in_eights = _level(123.0, 4, [0.44, 0.29, 0.26, 0.4, 0.31, 0.3, 0.25, 0.5, 0.1], 12.5)
    in_eights["bar"] = 1.66  # repeating every 8 eighths: a 4/4 in eighths stays
    assert _choose_level([quarters, in_eights], drumness=0.5) is in_eights


def test_quarters_over_a_twelve_eight_give_way_to_dotted_beats_in_far_clearer_bars():
    """Afrobeat in 12/8: the quarters (two eighths, 157 BPM) won in bars of 3, carrying
    slightly stronger hits than the dotted beats (104 BPM) whose pairs are unlike (kick,
    then snare) and whose bars are far clearer (measured levels of the dev set's afrobeat):
    the dotted beats are the beat. A waltz's own 2/3 level, as clear in bars, is not."""
    quarters = _level(156.7, 3, [-0.1, -0.15, 0.32, -0.22, -0.16, 0.47], 12.0)
    quarters["bar"] = 1.04
    dotted = _level(104.5, 4, [-0.58, 0.6, -0.65, 0.67, -0.63, 0.56], 11.5)
    dotted["bar"] = 3.51
    assert _choose_level([dotted, quarters], drumness=1.0) is dotted
    waltz = _level(156.7, 3, [-0.3, -0.3, 0.7, -0.3, -0.3, 0.7], 12.0)
    waltz["bar"] = 2.0
    dotted["bar"] = 3.2  # 1.6 times the waltz's: the bars are the waltz's
    assert _choose_level([dotted, waltz], drumness=1.0) is waltz


def test_the_bars_of_a_fast_jazz_waltz_grouped_in_threes_give_way_to_its_beat():
    """A jazz waltz at 160: its bars (53 BPM, a strong low pulse, the ride and bass alike bar
    after bar) won, and because they grouped in threes themselves (phrases of 3 bars) the
    level at three times their tempo, in a clear triple rhythm, was not considered (held-out
    jazz_waltz_6, beats at a third of the tempo)."""
    bars = _level(53.5, 3, [-0.1, -0.1, 0.2, -0.2, 0.0, 0.2, -0.3, 0.0], 10.8)
    half_bars = _level(80.3, 3, [-0.5, -0.4, 0.9, -0.5, -0.4, 0.9, -0.5, -0.4], 8.7)
    beats = _level(160.6, 3, [-0.4, -0.5, 0.9, -0.4, -0.5, 0.9, -0.4, -0.5], 9.4)
    for c in (half_bars, beats):
        c.update(acf1=0.14, low1=0.3)
    assert _choose_level([bars, half_bars, beats], drumness=1.0) is beats


def test_a_chord_change_on_one_outweighs_a_low_drum_and_darker_beats_on_two_and_four():
    """A samba's shape: the low drum (surdo) loudest on 2 and 4, the brighter hits on 1 and 3
    (so the backbeat parity also reads 2 and 4 as strong), one chord a bar changing on 1.
    The harmony is the mark of beat 1 that holds across styles; the bars were once counted
    from beat 2 or 4."""
    import types

    from music_visualizer.audio.downbeats import find_downbeats

    rng = np.random.default_rng(1)
    step, bars = 20, 24
    n = bars * 4 * step + step
    beats = np.arange(bars * 4) * step + 10.0
    low, onset = np.zeros(n), np.zeros(n)
    hits, chroma = np.zeros((4, n)), np.full((12, n), 0.05)
    for i, f in enumerate(beats.astype(int)):
        low[f] = (0.3, 1.0, 0.3, 1.0)[i % 4]
        hits[2, f] = (1.0, 0.0, 0.5, 0.0)[i % 4]  # the 4-7.5 kHz percussive band
        onset[f] = 1.0
        for step_up in (0, 4, 7):  # a major triad a bar, up a fourth each bar
            chroma[((i // 4) * 5 + step_up) % 12, f:f + step] = 1.0
    chroma += rng.random(chroma.shape)
    nov = {"low": low, "kick": np.zeros(n), "onset": onset, "high": 0.5 * onset,
           "treble_chroma": chroma, "hits": hits}
    spectra = types.SimpleNamespace(mel_harmonic=np.zeros((8, n)),
                                    mel_frequencies=lambda: np.linspace(20.0, 8000.0, 64))
    is_down, meter, _ = find_downbeats(spectra, nov, beats)
    assert meter == 4
    assert set(np.flatnonzero(is_down) % 4) == {0}
