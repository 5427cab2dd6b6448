"""The development set's ground truth agrees with the MIDI it writes (and the audio rendered).

The tempo map in the MIDI is read back independently of the generator and must give the
annotated beat times; downbeats, meters, sections and the split are checked for consistency.
"""

from __future__ import annotations

import functools
import hashlib
import struct

import numpy as np
import pytest

from benchmarks.devset import make_devset as ds


def _read_vlq(data: bytes, i: int) -> tuple[int, int]:
    value = 0
    while True:
        byte = data[i]
        i += 1
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            return value, i


def _tracks(midi: bytes) -> tuple[int, list[bytes]]:
    assert midi[:4] == b"MThd"
    _, fmt, n, ppq = struct.unpack(">IHHH", midi[4:14])
    assert fmt == 1
    out, i = [], 14
    for _ in range(n):
        assert midi[i:i + 4] == b"MTrk"
        (length,) = struct.unpack(">I", midi[i + 4:i + 8])
        out.append(midi[i + 8:i + 8 + length])
        i += 8 + length
    assert i == len(midi)
    return ppq, out


def _events(track: bytes) -> list[tuple[int, bytes]]:
    """(absolute tick, event bytes) of a track written without running status."""
    i, tick, out = 0, 0, []
    while i < len(track):
        delta, i = _read_vlq(track, i)
        tick += delta
        status = track[i]
        if status == 0xFF:
            length, j = _read_vlq(track, i + 2)
            out.append((tick, track[i:j + length]))
            i = j + length
        else:
            size = 2 if status & 0xF0 in (0xC0, 0xD0) else 3
            out.append((tick, track[i:i + size]))
            i += size
    return out


def _beat_times_from_midi(midi: bytes, beat_ticks: int, n_beats: int) -> np.ndarray:
    ppq, tracks = _tracks(midi)
    tempi = [(t, int.from_bytes(e[3:6], "big")) for t, e in _events(tracks[0])
             if e[:2] == b"\xff\x51"]
    ticks = np.arange(n_beats) * beat_ticks
    times, now, last_tick, us = [], 0.0, 0, 500000
    k = 0
    for tick in ticks:
        while k < len(tempi) and tempi[k][0] <= tick:
            now += (tempi[k][0] - last_tick) * us / ppq / 1e6
            last_tick, us = tempi[k]
            k += 1
        times.append(now + (tick - last_tick) * us / ppq / 1e6)
    return np.array(times)


def _bar_starts_from_midi(midi: bytes, end: int) -> list[int]:
    """Ticks of the bar lines the MIDI's time-signature events draw, up to tick ``end``."""
    ppq, tracks = _tracks(midi)
    signatures = [(t, e[3], 2 ** e[4]) for t, e in _events(tracks[0]) if e[:2] == b"\xff\x58"]
    assert signatures[0][0] == 0
    starts, tick, k = [], 0, 0
    while tick <= end:
        while k + 1 < len(signatures) and signatures[k + 1][0] <= tick:
            k += 1
        assert signatures[k][0] <= tick  # a signature changes on a bar line only
        starts.append(tick)
        tick += signatures[k][1] * ppq * 4 // signatures[k][2]
    return starts


def _notes_on(midi: bytes) -> list[int]:
    _, tracks = _tracks(midi)
    return [t for track in tracks[1:] for t, e in _events(track)
            if e[0] & 0xF0 == 0x90 and e[2] > 0]


@pytest.mark.parametrize("name", ds.DEV + ds.HELD_OUT)
def test_ground_truth_matches_the_midi_tempo_map(name):
    style, seed = name.rsplit("_", 1)
    song = ds.make_song(style, int(seed))
    _, beat_ticks = ds._beats_per_bar(song.signature)
    times = _beat_times_from_midi(song.midi, beat_ticks, len(song.beats))
    np.testing.assert_allclose(times, song.beats, atol=1e-4)
    assert np.all(np.diff(song.beats) > 0.2)
    # downbeats on the bar lines the MIDI's time signatures draw (a pickup bar is not one)
    bars = _bar_starts_from_midi(song.midi, (len(song.beats) - 1) * beat_ticks)
    if song.downbeats[0] > 0:  # the song starts on an upbeat: its first MIDI bar is short
        assert bars[1] < bars[2] - bars[1]
        bars = bars[1:]
    assert bars[-1] == (len(song.beats) - 1) * beat_ticks  # the last bar ends the music
    np.testing.assert_array_equal(song.downbeats, song.beats[np.array(bars) // beat_ticks])
    lengths = np.diff(bars) // beat_ticks
    assert song.meter == max(set(lengths), key=lambda m: int(np.sum(lengths[lengths == m])))
    # sections: contiguous, on downbeats, covering the music
    starts = [s for s, _, _ in song.sections]
    assert starts[0] == 0.0 and song.sections[-1][1] == pytest.approx(song.duration)
    assert all(a[1] == b[0] for a, b in zip(song.sections, song.sections[1:], strict=False))
    assert all(np.isclose(song.downbeats, s).any() for s in starts[1:])  # (a pickup: 0 is not)
    # notes sound through the song, and the tempo is one the beats have
    onsets = _notes_on(song.midi)
    assert min(onsets) < beat_ticks and max(onsets) >= (len(song.beats) - 2) * beat_ticks
    assert np.min(60 / np.diff(song.beats)) - 1e-6 <= song.tempo <= np.max(
        60 / np.diff(song.beats)) + 1e-6
    assert 20.0 <= song.duration <= 80.0  # (a fast seed of a short form: ~25 s)


DEV_NAMES = (  # the dev split the tracker is tuned on: it must not move under it
    "swing_1", "swing_2", "shuffle_1", "shuffle_2", "slow_blues_128_1", "funk_1", "funk_2",
    "reggae_1", "rock_1", "rock_2", "tresillo_1", "house_1", "house_2", "boombap_1", "boombap_2",
    "bossa_1", "jazz_waltz_1", "jazz_waltz_2", "waltz_no_drums_1", "ballad_68_1", "ballad_68_2",
    "five_four_1", "five_four_2", "seven_eight_1", "piano_rubato_1", "piano_rubato_2",
    "strings_34_1", "hand_percussion_1", "rock_ramp_1", "funk_jump_1", *ds.SPENT_HELD_OUT)


def _style(name: str) -> str:
    return name.rsplit("_", 1)[0]


def _names(tables: tuple[dict, ...]) -> set[str]:
    """The style names of ``tables``."""
    return {name for table in tables for name in table}


def test_generator_is_deterministic_and_split_disjoint():
    a, b = ds.make_song("swing", 1), ds.make_song("swing", 1)
    assert a.midi == b.midi
    assert ds.make_song("swing", 2).midi != a.midi
    assert ds.DEV == DEV_NAMES
    assert not set(ds.DEV) & set(ds.HELD_OUT)
    assert 0.15 <= len(ds.HELD_OUT) / (len(ds.DEV) + len(ds.HELD_OUT)) <= 0.6
    assert {_style(n) for n in ds.DEV} <= {_style(n) for n in ds.HELD_OUT}
    assert all(n.endswith(f"_{ds.HELD_OUT_SEED}") or _style(n) in ds.NEW_HELD_OUT_STYLES
               for n in ds.HELD_OUT)
    assert len(set(ds.HELD_OUT)) == len(ds.HELD_OUT)
    meters = {ds.make_song(style, 1).meter  # (a style's meter does not depend on the seed)
              for style in {_style(n) for n in ds.DEV + ds.HELD_OUT}}
    assert meters == {2, 3, 4, 5, 7, 11}


def test_spent_held_out_styles_are_dev_now():
    """Every style written for a held-out split that was measured is in dev now (seed 1), with its
    own bar writer and form, and no later split draws it again."""
    tables = (ds.HELD_OUT_STYLES, ds.HELD_OUT_STYLES_3, ds.HELD_OUT_STYLES_4,
              ds.HELD_OUT_STYLES_5, ds.HELD_OUT_STYLES_6, ds.HELD_OUT_STYLES_7,
              ds.HELD_OUT_STYLES_8, ds.HELD_OUT_STYLES_9, ds.HELD_OUT_STYLES_10,
              ds.HELD_OUT_STYLES_11)
    for table in tables:
        assert {f"{s}_1" for s in table} <= set(ds.DEV)
        assert {f"{s}_{ds.HELD_OUT_SEED}" for s in table} <= set(ds.HELD_OUT)
        assert not set(table) & set(ds.STYLES)
        assert all(ds.style_of(s) is table[s] for s in table)
    assert sum(map(len, tables)) == len(set().union(*tables))


SPENT_ON_2026_12_07 = 60  # seed 5 of the 46 earlier styles, seed 1 of the 14 HELD_OUT_STYLES_4
SPENT_ON_2026_12_07_B = 75  # seed 6 of the 60 earlier styles, seed 1 of the 15 HELD_OUT_STYLES_5


SPENT_ON_2026_12_07_C = 90  # seed 7 of the 75 earlier styles, seed 1 of the 15 HELD_OUT_STYLES_6


SPENT_ON_2026_12_07_D = 105  # seed 8 of the 90 earlier styles, seed 1 of the 15 HELD_OUT_STYLES_7


SPENT_ON_2026_12_07_E = 120  # seed 9 of the 105 earlier styles, seed 1 of the 15 HELD_OUT_STYLES_8


SPENT_ON_2026_12_07_F = 135  # seed 10 of the 120 earlier styles, seed 1 of the 15 HELD_OUT_STYLES_9


SPENT_ON_2026_12_08 = 150  # seed 11 of the 135 earlier styles, seed 1 of the 15 HELD_OUT_STYLES_10


SPENT_ON_2026_12_08_B = 165  # seed 12 of the 150 earlier styles, the 15 HELD_OUT_STYLES_11


def test_the_spent_splits_are_dev_now_and_the_new_one_is_seed_13():
    """The splits measured on 2026-12-07 end DEV, each in the order it was scored in: first
    seed 5 of every earlier style and seed 1 of each style of HELD_OUT_STYLES_4 (DEV was then
    170 songs), then seed 6 of every style so far and seed 1 of each style of HELD_OUT_STYLES_5
    (245 songs), then seed 7 of every style so far and seed 1 of each style of HELD_OUT_STYLES_6
    (335 songs), then seed 8 of every style so far and seed 1 of each style of HELD_OUT_STYLES_7
    (440 songs), then seed 9 of every style so far and seed 1 of each style of HELD_OUT_STYLES_8
    (560 songs), then seed 10 of every style so far and seed 1 of each style of
    HELD_OUT_STYLES_9 (695 songs), then (measured on 2026-12-07, folded on 2026-12-08) seed 11
    of every style so far and seed 1 of each style of HELD_OUT_STYLES_10 (845 songs), then
    seed 12 of every style so far and seed 1 of each style of HELD_OUT_STYLES_11 (1010 songs).
    HELD_OUT is seed 13 of every style so far and seed 1 of each style written for it
    (NEW_HELD_OUT_STYLES), which no DEV song has."""
    earlier = (*ds.STYLES, *ds.HELD_OUT_STYLES, *ds.HELD_OUT_STYLES_3)
    spent = tuple(f"{s}_5" for s in earlier) + tuple(f"{s}_1" for s in ds.HELD_OUT_STYLES_4)
    so_far = (*earlier, *ds.HELD_OUT_STYLES_4)
    spent_b = tuple(f"{s}_6" for s in so_far) + tuple(f"{s}_1" for s in ds.HELD_OUT_STYLES_5)
    so_far_b = (*so_far, *ds.HELD_OUT_STYLES_5)
    spent_c = tuple(f"{s}_7" for s in so_far_b) + tuple(f"{s}_1" for s in ds.HELD_OUT_STYLES_6)
    so_far_c = (*so_far_b, *ds.HELD_OUT_STYLES_6)
    spent_d = tuple(f"{s}_8" for s in so_far_c) + tuple(f"{s}_1" for s in ds.HELD_OUT_STYLES_7)
    so_far_d = (*so_far_c, *ds.HELD_OUT_STYLES_7)
    spent_e = tuple(f"{s}_9" for s in so_far_d) + tuple(f"{s}_1" for s in ds.HELD_OUT_STYLES_8)
    so_far_e = (*so_far_d, *ds.HELD_OUT_STYLES_8)
    spent_f = tuple(f"{s}_10" for s in so_far_e) + tuple(f"{s}_1" for s in ds.HELD_OUT_STYLES_9)
    so_far_f = (*so_far_e, *ds.HELD_OUT_STYLES_9)
    spent_g = tuple(f"{s}_11" for s in so_far_f) + tuple(f"{s}_1" for s in ds.HELD_OUT_STYLES_10)
    so_far_g = (*so_far_f, *ds.HELD_OUT_STYLES_10)
    spent_h = tuple(f"{s}_12" for s in so_far_g) + tuple(f"{s}_1" for s in ds.HELD_OUT_STYLES_11)
    assert len(spent) == SPENT_ON_2026_12_07 and len(spent_b) == SPENT_ON_2026_12_07_B
    assert len(spent_c) == SPENT_ON_2026_12_07_C and len(spent_d) == SPENT_ON_2026_12_07_D
    assert len(spent_e) == SPENT_ON_2026_12_07_E and len(spent_f) == SPENT_ON_2026_12_07_F
    assert len(spent_g) == SPENT_ON_2026_12_08 and len(spent_h) == SPENT_ON_2026_12_08_B
    assert len(ds.DEV) == 1010 and ds.DEV[-165:] == spent_h and ds.DEV[-315:-165] == spent_g
    assert ds.SPENT_HELD_OUT[-900:] == (spent + spent_b + spent_c + spent_d + spent_e + spent_f
                                        + spent_g + spent_h)
    assert ds.HELD_OUT_SEED == 13
    new = (tuple(f"{s}_13" for s in (*so_far_g, *ds.HELD_OUT_STYLES_11))
           + tuple(f"{s}_1" for s in ds.NEW_HELD_OUT_STYLES))
    assert new == ds.HELD_OUT and len(ds.HELD_OUT) == 165 + 15
    assert not set(ds.DEV) & set(ds.HELD_OUT)
    assert all(int(n.rsplit("_", 1)[1]) <= 12 for n in ds.DEV)
    assert not set(ds.NEW_HELD_OUT_STYLES) & {_style(n) for n in ds.DEV}


# sha1 of the MIDI of songs of every table: the rendered caches (whose file names hash the MIDI)
# stay valid only while adding styles leaves the songs already written byte for byte the same
OLD_SONGS_MIDI_SHA1 = {
    "swing_1": "995a3be1c6699bd0", "jazz_waltz_2": "374521c60c1308a0",
    "afro_128_5": "c6ac029ec7c4db0d", "cumbia_1": "9afc90746991cfc2",
    "march_24_1": "34a195fc8ba940e8", "salsa_1": "99bd05514dc38550",
    "uk_garage_5": "c2ae582f698886a1", "rock_4": "49ca4b7ccba35647",
    "jump_blues_1": "6cfd2b3fd4df347b", "salsa_6": "24980704bdce2375",
    "swing_6": "974abdf57e1eb0d0", "rock_9": "4b1e0dcee66af99a",
    "title_theme_1": "f03a12dda1f219f4", "rock_10": "6ccdc8d3f5f9c118",
    "kpop_10": "e464c93fa9813e78", "emo_1": "b1ae766021a311ea",
    "credits_34_1": "b606eee026af6697", "save_room_128_1": "ff5f0d07d0fd91cc"}


@pytest.mark.parametrize("name", sorted(OLD_SONGS_MIDI_SHA1))
def test_songs_already_written_do_not_change(name):
    style, seed = name.rsplit("_", 1)
    midi = ds.make_song(style, int(seed)).midi
    assert hashlib.sha1(midi).hexdigest()[:16] == OLD_SONGS_MIDI_SHA1[name]


def test_held_out_only_tempo_maps_and_kits():
    """Rubato throughout breathes and holds back every phrase end; the outro slows down; a
    non-standard drum kit is a program change on the drum channel (dev songs have none)."""
    folk = ds.make_song("folk_rubato", 1)
    ibi = np.diff(folk.beats)
    assert np.std(60 / ibi) > 3.0
    for start, end, _ in folk.sections:  # a phrase's last beat is longer than its last bar's first
        inside = ibi[(folk.beats[:-1] >= start - 1e-9) & (folk.beats[:-1] < end - 1e-9)]
        assert inside[-1] > 1.1 * inside[-folk.meter]
    ballad = ds.make_song("rock_ballad_34", 1)
    ibi = np.diff(ballad.beats)
    assert ibi[-1] > 1.2 * ibi[0]

    def drum_programs(name: str) -> list[int]:
        _, tracks = _tracks(ds.make_song(name, 1).midi)
        return [e[1] for track in tracks for _, e in _events(track) if e[0] == 0xC0 | ds.DRUMS]

    assert drum_programs("trap") == [25]
    assert drum_programs("rock") == drum_programs("hand_percussion") == []


@pytest.mark.slow
@pytest.mark.skipif(not ds.can_render(), reason="fluidsynth and a GM soundfont are needed")
def test_rendered_song_sounds_on_its_beats(tmp_path):
    """Rock: the kick and snare land on the annotated beats in the rendered audio."""
    import librosa
    import soundfile as sf

    song = ds.make_song("rock", 1)
    y, sr = sf.read(ds.render(song, tmp_path), dtype="float32")
    assert sr == ds.SR
    assert song.duration < len(y) / sr < song.duration + 2.5
    env = librosa.onset.onset_strength(y=y, sr=sr, hop_length=256)
    fr = sr / 256
    frames = np.round(song.beats[:-1] * fr).astype(int)

    def strength(offset_s: float) -> float:
        idx = np.clip(frames + round(offset_s * fr), 0, len(env) - 1)
        return float(np.mean([env[max(i - 1, 0):i + 4].max() for i in idx]))

    on_beat = strength(0.0)
    # between the beats (where nothing of the kit plays but the 8th hats) the attacks are weaker
    assert on_beat > 1.3 * strength(0.25 * 60 / song.tempo)


def test_held_out_3_styles_follow_the_annotation_conventions():
    """2/4 -> 2 quarters a bar, 12/8 -> 4 dotted quarters, 6/8 -> 2; the synth-pop verses have no
    kick (the choruses have four on the floor); the tango has no drum track."""
    expected = {(2, 4): (2, 480), (12, 8): (4, 720), (6, 8): (2, 720), (4, 4): (4, 480)}
    for name in ds.HELD_OUT_STYLES_3:
        song = ds.make_song(name, 1)
        assert (song.meter, ds._beats_per_bar(song.signature)[1]) == expected[song.signature]
    pop = ds.make_song("synth_pop", 1)
    _, tracks = _tracks(pop.midi)
    kicks = [t for track in tracks for t, e in _events(track)
             if e[0] == 0x90 | ds.DRUMS and e[1] == ds.KICK and e[2] > 0]
    labels = [lab for lab, n, _ in ds.style_of("synth_pop").form for _ in range(n)]
    labels.append("end")  # the final hit on the downbeat after the last bar
    kick_bars = {labels[round(t / 480) // pop.meter] for t in kicks}
    assert kick_bars == {"C", "end"}
    assert not ds.make_song("tango", 1).drums


def _drum_ticks(song: ds.DevSong, key: int) -> np.ndarray:
    """Ticks of the note-ons of drum ``key`` (humanised a little around the grid)."""
    _, tracks = _tracks(song.midi)
    return np.array(sorted(t for track in tracks for t, e in _events(track)
                           if e[0] == 0x90 | ds.DRUMS and e[1] == key and e[2] > 0))


def _part_notes(song: ds.DevSong, program: int) -> list[tuple[int, int, int]]:
    """(tick, pitch, velocity) of the note-ons of the track whose program is ``program``."""
    _, tracks = _tracks(song.midi)
    for track in tracks[1:]:
        events = _events(track)
        if any(e[0] & 0xF0 == 0xC0 and e[1] == program for _, e in events):
            return [(t, e[1], e[2]) for t, e in events if e[0] & 0xF0 == 0x90 and e[2] > 0]
    raise LookupError(program)


def test_held_out_4_styles_follow_the_annotation_conventions():
    """The styles written for the split measured on 2026-12-07 (dev now) cover every meter, each
    with its own annotation convention; the generator is deterministic for them too."""
    only = set(ds.HELD_OUT_STYLES_4)
    assert len({s.write for s in ds.HELD_OUT_STYLES_4.values()}) == len(only)
    expected = {(2, 4): (2, 480), (3, 4): (3, 480), (4, 4): (4, 480), (5, 4): (5, 480),
                (6, 8): (2, 720), (7, 8): (7, 240), (12, 8): (4, 720)}
    songs = {name: ds.make_song(name, 1) for name in only}
    assert {s.signature for s in songs.values()} == set(expected)
    for song in songs.values():
        assert (song.meter, ds._beats_per_bar(song.signature)[1]) == expected[song.signature]
        # repeated material is labelled alike, and some label comes back
        labels = [lab for _, _, lab in song.sections]
        assert len(set(labels)) < len(labels)
    assert ds.make_song("salsa", 1).midi == songs["salsa"].midi
    assert ds.make_song("salsa", 2).midi != songs["salsa"].midi


def test_held_out_4_tempo_maps():
    """The mazurka lilts (every bar's 2nd beat long, its 1st short, the bars even; the tempo is
    the bar's pace), the soul ballad drifts faster with no jump, the tarantella is steady until
    its coda and accelerates through it."""
    maz = ds.make_song("mazurka_34", 1)
    ibi = np.diff(maz.beats).reshape(-1, 3)
    assert np.all(ibi[:, 1] > 1.1 * ibi[:, 0]) and np.all(ibi[:, 1] > ibi[:, 2])
    np.testing.assert_allclose(ibi.sum(axis=1), ibi.sum(axis=1)[0], rtol=1e-3)
    assert maz.tempo == pytest.approx(180 / ibi.sum(axis=1)[0], rel=1e-3)
    soul = 60 / np.diff(ds.make_song("soul_drift", 1).beats)
    assert soul[-8:].mean() > 1.03 * soul[:8].mean()
    assert np.max(np.abs(np.diff(soul) / soul[:-1])) < 0.02
    tar = ds.make_song("tarantella_68", 1)
    tempo = 60 / np.diff(tar.beats)
    coda = tar.beats[:-1] >= tar.sections[-1][0] - 1e-9
    assert np.ptp(tempo[~coda]) < 1e-6 and np.all(np.diff(tempo[coda]) > 0)
    assert tempo[-1] > 1.12 * tempo[0]


def test_held_out_4_grooves_are_as_described():
    """The march's bass drum is on every downbeat and its cymbals on every 2 outside the trio;
    the steppers' kick is on every beat; the salsa's bass never starts on a downbeat; the
    mazurka's loudest chord is on 2 in A and on 3 in B."""
    march = ds.make_song("march_24", 1)
    bar = 2 * 480
    kicks, cymbals = _drum_ticks(march, ds.KICK), _drum_ticks(march, ds.CONCERT_CYMBAL)
    n_bars = (len(march.beats) - 1) // 2
    assert all(np.min(np.abs(kicks - k * bar)) < 40 for k in range(n_bars))
    trio = [(s, e) for s, e, lab in march.sections if lab == "T"]
    for k in range(n_bars):
        t = march.beats[2 * k]
        if not any(s - 1e-9 <= t < e - 1e-9 for s, e in trio):
            assert np.min(np.abs(cymbals - (k * bar + 480))) < 40
    assert not np.any(np.abs(cymbals[:, None] - np.arange(n_bars)[None, :] * bar) < 120)
    steppers = ds.make_song("steppers", 1)
    kicks = _drum_ticks(steppers, ds.KICK)
    assert all(np.min(np.abs(kicks - k * 480)) < 40 for k in range(len(steppers.beats) - 1))
    salsa = ds.make_song("salsa", 1)
    bass = np.array([t for t, _, _ in _part_notes(salsa, 33)])
    assert len(bass) > 50 and np.min(np.abs((bass + 240) % (4 * 480) - 240)) > 120
    maz = ds.make_song("mazurka_34", 1)
    chords = _part_notes(maz, 21)
    labels = [lab for lab, n, _ in ds.style_of("mazurka_34").form for _ in range(n)]
    for k, label in enumerate(labels):
        vel = {b: max((v for t, _, v in chords if abs(t - (3 * k + b) * 480) < 60), default=0)
               for b in (1, 2)}
        accent = 2 if label == "B" else 1
        assert vel[accent] > vel[3 - accent] + 15, (k, label)


@pytest.mark.slow
@pytest.mark.skipif(not ds.can_render(), reason="fluidsynth and a GM soundfont are needed")
def test_rendered_march_sounds_on_its_beats(tmp_path):
    """The march (orchestra kit): its attacks are on the annotated beats in the rendered audio,
    the bass drum's 1 and the cymbals' 2 alike."""
    import librosa
    import soundfile as sf

    song = ds.make_song("march_24", 1)
    y, sr = sf.read(ds.render(song, tmp_path), dtype="float32")
    env = librosa.onset.onset_strength(y=y, sr=sr, hop_length=256)
    fr = sr / 256

    def strength(times: np.ndarray) -> float:
        idx = np.clip(np.round(times * fr).astype(int), 0, len(env) - 1)
        return float(np.mean([env[max(i - 1, 0):i + 4].max() for i in idx]))

    beats = song.beats[:-1]
    between = beats + 0.375 * 60 / song.tempo  # the dotted eighth: only the snare's 16ths
    assert strength(beats[::2]) > 2.0 * strength(between)
    assert strength(beats[1::2]) > 2.0 * strength(between)


# ---------------------------------------------------------------------------------------------
# HELD_OUT_STYLES_5: the styles written for the split measured on 2026-12-07 (dev now)
# ---------------------------------------------------------------------------------------------

EARLIER_TABLES = (ds.STYLES, ds.HELD_OUT_STYLES, ds.HELD_OUT_STYLES_3, ds.HELD_OUT_STYLES_4)


def test_held_out_5_styles_were_new():
    """Seed 1 of every style written for the split measured on 2026-12-07 is dev now; no earlier
    style (all of them are dev now) shares its name, its bar writer or its form; each keeps the
    annotation conventions (9/8 -> 3 dotted quarters, 7/4 -> 7 quarters); repeated material is
    labelled alike; the generator is deterministic for them too."""
    only = set(ds.HELD_OUT_STYLES_5)
    assert len(only) >= 14
    earlier = [style for table in EARLIER_TABLES for style in table.values()]
    assert not only & {name for table in EARLIER_TABLES for name in table}
    assert {f"{s}_1" for s in only} <= set(ds.DEV)  # measured on 2026-12-07: dev now
    assert all(ds.style_of(s) is ds.HELD_OUT_STYLES_5[s] for s in only)
    for style in ds.HELD_OUT_STYLES_5.values():
        assert all(style.write is not d.write and style.form != d.form for d in earlier)
    assert len({s.write for s in ds.HELD_OUT_STYLES_5.values()}) == len(only)
    expected = {(2, 4): (2, 480), (3, 4): (3, 480), (4, 4): (4, 480), (7, 4): (7, 480),
                (6, 8): (2, 720), (9, 8): (3, 720)}
    songs = {name: ds.make_song(name, 1) for name in only}
    for song in songs.values():
        assert (song.meter, ds._beats_per_bar(song.signature)[1]) == expected[song.signature]
        labels = [lab for _, _, lab in song.sections]
        assert len(set(labels)) < len(labels)
    assert {s.signature for s in songs.values()} == set(expected)
    assert not any(s.drums for s in songs.values() if s.style in ("minuet_34", "chorale"))
    assert ds.make_song("gamelan", 1).midi == songs["gamelan"].midi
    assert ds.make_song("gamelan", 2).midi != songs["gamelan"].midi


def _section_beats(song: ds.DevSong, index: int) -> np.ndarray:
    """Indices of the beats of section ``index``."""
    start, end, _ = song.sections[index]
    return np.flatnonzero((song.beats[:-1] >= start - 1e-9) & (song.beats[:-1] < end - 1e-9))


def test_held_out_5_tempo_maps():
    """The hymn holds the last beat of every two-bar phrase (a fermata) and keeps time between;
    the hasapiko gets faster section by section (never slower, 1.6-1.8 times by the end, steady
    after each two-bar ramp); the gamelan starts slow, speeds up, holds and slows by 40 %; the
    minuet holds back every section's end; the power ballad's intro is slower and free, its last
    beat held, the band steady after it."""
    hymn = ds.make_song("chorale", 1)
    ibi = np.diff(hymn.beats)
    ends = np.arange(7, len(ibi), 8)
    assert np.all(ibi[ends] > 1.8 * np.median(ibi))
    rest = np.delete(ibi, np.concatenate([ends, ends - 1]))
    assert np.all(np.abs(rest / np.median(ibi) - 1) < 0.1)
    has = ds.make_song("hasapiko", 1)
    tempo = 60 / np.diff(has.beats)
    levels = [tempo[_section_beats(has, k)[-1]] for k in range(len(has.sections))]
    assert np.all(np.diff(levels) >= -1e-6) and 1.55 < levels[-1] / levels[0] < 1.85
    for k in range(1, len(has.sections)):  # (the intro is 2 bars)
        assert np.ptp(tempo[_section_beats(has, k)[8:]]) < 1e-6
    gam = ds.make_song("gamelan", 1)
    tempo = 60 / np.diff(gam.beats)
    middle = np.concatenate([_section_beats(gam, k) for k in (2, 3, 4)])
    assert np.ptp(tempo[middle]) < 1e-6 and gam.tempo == pytest.approx(tempo[middle][0])
    assert tempo[0] < 0.72 * gam.tempo and tempo[-1] < 0.62 * gam.tempo
    assert np.all(np.diff(tempo[_section_beats(gam, 1)]) > 0)
    minuet = ds.make_song("minuet_34", 1)
    ibi = np.diff(minuet.beats)
    for k in range(len(minuet.sections)):
        inside = ibi[_section_beats(minuet, k)]
        assert inside[-1] > 1.1 * inside[0]
    assert ibi[-1] > 1.35 * ibi[0]
    ballad = ds.make_song("power_ballad", 1)
    tempo = 60 / np.diff(ballad.beats)
    intro, band = _section_beats(ballad, 0), np.arange(_section_beats(ballad, 1)[0], len(tempo))
    assert np.mean(tempo[intro]) < 0.9 * ballad.tempo and np.std(tempo[intro[:-1]]) > 1.0
    assert tempo[intro[-1]] < 0.6 * np.median(tempo[intro])
    assert np.ptp(tempo[band]) < 1e-6
    dev_maps = {ds.style_of(_style(n)).tempo_map for n in ds.DEV}
    assert set(ds.NEW_TEMPO_MAPS) <= dev_maps  # measured on 2026-12-07: dev now
    assert {s.tempo_map for s in ds.HELD_OUT_STYLES_5.values()} >= set(ds.NEW_TEMPO_MAPS)


def _bar_pitches(notes: list[tuple[int, int, int]], bar_ticks: int, eighth: int = 240
                 ) -> dict[int, set[int]]:
    """The pitches of the notes of each bar (onsets rounded to the nearest eighth)."""
    out: dict[int, set[int]] = {}
    for tick, pitch, _ in notes:
        out.setdefault(round(tick / eighth) * eighth // bar_ticks, set()).add(pitch)
    return out


def test_power_ballad_changes_key_in_its_last_chorus():
    """The last chorus is the chorus before it a whole tone up, bar by bar (bass and piano);
    the final chord too. Only the last section moves."""
    song = ds.make_song("power_ballad", 1)
    assert ds.style_of("power_ballad").modulation == 2
    bar = 4 * 480
    for program in (33, 0):
        bars = _bar_pitches(_part_notes(song, program), bar)
        for k in range(4):
            assert {p + 2 for p in bars[12 + k]} == bars[16 + k], (program, k)
    first_verse = _bar_pitches(_part_notes(song, 33), bar)
    assert all(p < 60 for p in first_verse[2])


def _off(ticks: np.ndarray, period: int) -> np.ndarray:
    """Ticks within their bar (or beat) of ``period`` ticks, near the period's end wrapped to
    just below zero (humanised notes land either side of the grid)."""
    return np.mod(ticks + 60, period) - 60


def test_held_out_5_grooves_are_as_described():
    """Jump blues: the horns on the swung "and" of 2 and 4 in the choruses, the drums only on 1
    in stop time; maqsum: hand drums and a riq only, no other instrument; chacarera: the bombo's
    skin on the 1st and 5th eighths (3/4 across the 6/8 bar), never on the 2nd beat; baião: the
    zabumba on the 1st and 4th sixteenths; dubstep: the drop's snare on 3 only; footwork: kicks
    in 3 + 3 + 2 sixteenths; gamelan: the gong on the first beat of every four-bar cycle."""
    blues = ds.make_song("jump_blues", 1)
    swing = float(np.random.default_rng([1, *b"jump_blues"]).uniform(0.64, 0.68))
    horns = _part_notes(blues, 61)
    labels = [lab for lab, n, _ in ds.style_of("jump_blues").form for _ in range(n)]
    bar = 4 * 480
    in_a = np.array([t for t, _, _ in horns if labels[(t + 60) // bar] == "A"])
    beat_pos = _off(in_a, 480)
    assert len(in_a) > 100 and np.all(np.abs(beat_pos - 480 * swing) < 40)
    assert np.all(np.isin(np.round(_off(in_a, bar) / 480 - swing), (1, 3)))
    drums = _drum_ticks(blues, ds.KICK)
    stop = np.array([t for t in drums if labels[min((t + 60) // bar, len(labels) - 1)] == "S"])
    assert len(stop) == 8 and np.all(np.abs(_off(stop, bar)) < 40)
    maqsum = ds.make_song("maqsum", 1)
    _, tracks = _tracks(maqsum.midi)
    keys = {e[1] for track in tracks for _, e in _events(track) if e[0] == 0x90 | ds.DRUMS}
    others = [e for track in tracks for _, e in _events(track)
              if e[0] & 0xF0 == 0x90 and e[0] != 0x90 | ds.DRUMS]
    assert keys == set(ds.HAND_KEYS) and not others
    chac = ds.make_song("chacarera_68", 1)
    skin = _off(_drum_ticks(chac, ds.FLOOR_LO), 2 * 720)
    assert len(skin) > 60 and np.all(np.min(np.abs(skin[:, None] - [0, 960]), axis=1) < 40)
    baiao = ds.make_song("baiao_24", 1)
    zabumba = _tracks_vel(baiao, ds.FLOOR_LO)
    loud = _off(np.array([t for t, v in zabumba if v > 70]), 960)
    assert len(loud) > 60 and np.all(np.min(np.abs(loud[:, None] - [0, 360]), axis=1) < 40)
    dub = ds.make_song("dubstep", 1)
    labels = [lab for lab, n, _ in ds.style_of("dubstep").form for _ in range(n)]
    snares = _drum_ticks(dub, ds.SNARE)
    drop = np.array([t for t in snares if labels[min((t + 60) // bar, len(labels) - 1)] == "D"])
    assert len(drop) == 16 and np.all(np.abs(_off(drop, bar) - 960) < 40)
    foot = ds.make_song("footwork", 1)
    labels = [lab for lab, n, _ in ds.style_of("footwork").form for _ in range(n)]
    kicks = np.array([t for t in _drum_ticks(foot, ds.KICK)
                      if labels[min((t + 60) // bar, len(labels) - 1)] == "A"])
    assert len(kicks) > 80 and np.all(np.min(np.abs(_off(kicks, 960)[:, None] - [0, 360, 720]),
                                             axis=1) < 40)
    gam = ds.make_song("gamelan", 1)
    low_bells = np.array([t for t, _, _ in _part_notes(gam, 14)])  # the gong and the kempul
    gongs = low_bells[np.abs(_off(low_bells, bar)) < 40]
    starts = np.arange(2, (len(gam.beats) - 1) // 4, 4) * bar
    assert all(np.min(np.abs(gongs - s)) < 40 for s in starts)
    assert not np.any(np.abs(gongs[:, None] - (starts + bar)[None, :]) < 40)


def _tracks_vel(song: ds.DevSong, key: int) -> list[tuple[int, int]]:
    """(tick, velocity) of the note-ons of drum ``key``."""
    _, tracks = _tracks(song.midi)
    return sorted((t, e[2]) for track in tracks for t, e in _events(track)
                  if e[0] == 0x90 | ds.DRUMS and e[1] == key and e[2] > 0)


# ---------------------------------------------------------------------------------------------
# HELD_OUT_STYLES_6: the styles written for the held-out split of 2026-12-07 (dev since)
# ---------------------------------------------------------------------------------------------

TABLES_5 = (*EARLIER_TABLES, ds.HELD_OUT_STYLES_5)


@functools.cache
def _songs_6() -> dict[str, ds.DevSong]:
    """Seed 1 of every style of HELD_OUT_STYLES_6 (made once for these tests; not mutated)."""
    return {name: ds.make_song(name, 1) for name in ds.HELD_OUT_STYLES_6}


def _signature_events(song: ds.DevSong) -> list[tuple[int, int, int]]:
    _, tracks = _tracks(song.midi)
    return [(t, e[3], 2 ** e[4]) for t, e in _events(tracks[0]) if e[:2] == b"\xff\x58"]


def _bar_beats(song: ds.DevSong) -> np.ndarray:
    """The annotated beats of every bar (from the downbeats)."""
    return np.diff(np.searchsorted(song.beats, song.downbeats - 1e-9))


def _check_conventions(songs: dict[str, ds.DevSong], expected: dict, max_seconds: float) -> None:
    """Every song's (meter, ticks a beat) is its signature's in ``expected``; repeated material
    is labelled alike; it lasts 30 s to ``max_seconds``; every bar has a note on its downbeat
    and most beats have one."""
    for song in songs.values():
        beat_ticks = ds._beats_per_bar(song.signature)[1]
        assert (song.meter, beat_ticks) == expected[song.signature]
        labels = [lab for _, _, lab in song.sections]
        assert len(set(labels)) < len(labels)
        assert 30.0 <= song.duration <= max_seconds
        onsets = np.array(_notes_on(song.midi))
        beats = np.arange(len(song.beats) - 1) * beat_ticks
        heard = np.min(np.abs(beats[:, None] - onsets[None, :]), axis=1) < 40
        downbeats = np.searchsorted(song.beats, song.downbeats - 1e-9)
        assert np.all(heard[downbeats[:-1]]) and np.mean(heard) > 0.8, song.name


def test_held_out_6_styles_are_new_and_folded_into_dev():
    """Seed 1 of every style written for the held-out split of 2026-12-07 (second session) is in
    dev now, seed 8 held out; no earlier style shares its name, bar writer or form; the
    annotation conventions hold (12/8 -> 4 dotted quarters, 6/8 -> 2, 2/4 -> 2 quarters);
    repeated material is labelled alike; every bar of every song has a note on its downbeat and
    most beats have one."""
    only = set(ds.HELD_OUT_STYLES_6)
    assert len(only) >= 14
    earlier = [style for table in TABLES_5 for style in table.values()]
    assert not only & {name for table in TABLES_5 for name in table}
    assert {f"{s}_1" for s in only} <= set(ds.DEV)
    assert {f"{s}_{ds.HELD_OUT_SEED}" for s in only} <= set(ds.HELD_OUT)
    assert all(ds.style_of(s) is ds.HELD_OUT_STYLES_6[s] for s in only)
    for style in ds.HELD_OUT_STYLES_6.values():
        assert all(style.write is not d.write and style.form != d.form for d in earlier)
    assert len({s.write for s in ds.HELD_OUT_STYLES_6.values()}) == len(only)
    expected = {(2, 4): (2, 480), (3, 4): (3, 480), (4, 4): (4, 480), (6, 8): (2, 720),
                (12, 8): (4, 720)}
    songs = _songs_6()
    assert {s.signature for s in songs.values()} == set(expected)
    _check_conventions(songs, expected, max_seconds=61.0)
    assert ds.make_song("breakbeat", 1).midi == songs["breakbeat"].midi
    assert ds.make_song("breakbeat", 2).midi != songs["breakbeat"].midi


def test_held_out_6_pickups_and_meter_changes():
    """A song on a pickup starts on an upbeat: its first downbeat is the pickup's length in
    (one beat), the MIDI's first bar is a short one (1/4, 3/8) and something plays in it; the
    sections start at 0 and then on downbeats. The boss battle's B sections alternate bars of 4
    and 3 quarters, the overworld's bridge is in 3/4, every half-time chorus ends on a 2/4 bar,
    the MIDI writes every change; the song's meter is the one most beats are in (4)."""
    songs = _songs_6()
    pickups = {name for name, s in ds.HELD_OUT_STYLES_6.items() if s.pickup}
    assert pickups == {"fanfare", "rpg_waltz", "shanty_68"}
    for name in pickups:
        song = songs[name]
        assert song.downbeats[0] == song.beats[1] > 0 and song.sections[0][0] == 0.0
        short = {(3, 4): (1, 4), (4, 4): (1, 4), (6, 8): (3, 8)}[song.signature]
        assert _signature_events(song)[:2] == [
            (0, *short), (ds._beats_per_bar(song.signature)[1], *song.signature)]
        assert min(_notes_on(song.midi)) < 0.5 * ds._beats_per_bar(song.signature)[1]
    boss = songs["boss_battle"]
    bars = _bar_beats(boss)
    labels = [lab for lab, n, _ in ds.style_of("boss_battle").form for _ in range(n)]
    in_b = np.array(labels) == "B"
    assert list(bars[in_b]) == [4, 3] * 4 and np.all(bars[~in_b] == 4) and boss.meter == 4
    assert {(n, d) for _, n, d in _signature_events(boss)} == {(4, 4), (3, 4)}
    over = songs["overworld"]
    labels = [lab for lab, n, _ in ds.style_of("overworld").form for _ in range(n)]
    bars = _bar_beats(over)
    assert np.all(bars[np.array(labels) == "W"] == 3) and np.all(bars[np.array(labels) != "W"]
                                                                 == 4)
    assert [(n, d) for _, n, d in _signature_events(over)] == [(4, 4), (3, 4), (4, 4)]
    rock = songs["half_time_rock"]
    bars = _bar_beats(rock)
    starts = np.searchsorted(rock.downbeats, [s for s, _, lab in rock.sections if lab == "C"])
    assert all(list(bars[k:k + 4]) == [4, 4, 4, 2] for k in starts) and rock.meter == 4
    plain = [s for n, s in songs.items() if not ds.HELD_OUT_STYLES_6[n].pickup
             and not ds.HELD_OUT_STYLES_6[n].bar_meters]
    assert all(len(_signature_events(s)) == 1 for s in plain)


def test_held_out_6_tempo_maps():
    """The fanfare and the shuffle ballad broaden their last two bars (steady before, the last
    beat the longest, twice the first at least); the pop punk bridge is 72-80 % of the tempo,
    slowed into over the bar before it, the tempo back at once after it; the chiptune's last
    section is 1.35-1.5 times faster at once. No dev style has any of these tempo maps."""
    songs = _songs_6()
    for name in ("fanfare", "shuffle_ballad_128"):
        song = songs[name]
        ibi = np.diff(song.beats)
        tail = 2 * song.meter
        assert np.ptp(ibi[:-tail]) < 1e-6 and np.all(np.diff(ibi[-tail:]) > 0)
        assert ibi[-1] > 2.0 * ibi[0]
    punk = songs["pop_punk"]
    tempo = 60 / np.diff(punk.beats)
    k = [lab for _, _, lab in punk.sections].index("B")
    bridge, after = _section_beats(punk, k), _section_beats(punk, k + 1)
    assert 0.72 <= tempo[bridge][0] / punk.tempo <= 0.8 and np.ptp(tempo[bridge]) < 1e-6
    assert np.all(np.diff(tempo[bridge[0] - 5:bridge[0]]) < 0)
    assert np.ptp(tempo[after]) < 1e-6 and tempo[after][0] == pytest.approx(punk.tempo)
    chip = songs["chiptune"]
    tempo = 60 / np.diff(chip.beats)
    last = _section_beats(chip, len(chip.sections) - 1)
    assert 1.35 <= tempo[last][0] / chip.tempo <= 1.5
    assert np.ptp(tempo[last]) < 1e-6 and np.ptp(tempo[:last[0]]) < 1e-6
    earlier_maps = {ds.style_of(n).tempo_map for n in _names(TABLES_5)}
    assert earlier_maps.isdisjoint(ds.TEMPO_MAPS_6)
    assert {s.tempo_map for s in ds.HELD_OUT_STYLES_6.values()} >= set(ds.TEMPO_MAPS_6)


def _where(song: ds.DevSong, ticks: np.ndarray) -> list[tuple[str, float, int]]:
    """(section label, beats into the bar, the bar's beats) of notes at ``ticks`` (humanised
    notes just before a bar line belong to the next bar)."""
    beat_ticks = ds._beats_per_bar(song.signature)[1]
    down = np.searchsorted(song.beats, song.downbeats - 1e-9)
    labels = [lab for lab, n, _ in ds.style_of(song.style).form for _ in range(n)] + ["end"]
    out = []
    for tick in ticks:
        k = int(np.searchsorted(down, (tick + 40) / beat_ticks, side="right")) - 1
        beats = int(down[k + 1] - down[k]) if k + 1 < len(down) else 0
        out.append((labels[k] if k >= 0 else "pickup", tick / beat_ticks - down[k], beats))
    return out


def test_held_out_6_grooves_are_as_described():
    """Half-time rock: the chorus's snare on 3 only (2 and 4 in the verse); breakbeat: a kick on
    every bar's first eighth outside the breakdown, a loud snare off 2 and 4 in some re-cut bar;
    bolero: the snare's ostinato louder section by section; shanty: a stomp on every beat after
    the pickup; ragtime: the left hand on every beat and every "and"; the ambient piece and the
    waltz have no drums."""
    songs = _songs_6()
    rock = songs["half_time_rock"]
    where = _where(rock, _drum_ticks(rock, ds.SNARE))
    assert {round(pos) for lab, pos, n in where if lab == "C" and n == 4} == {2}
    assert {round(pos) for lab, pos, n in where if lab == "V" and pos < 3} == {1, 3}
    assert {round(pos) for lab, pos, n in where if lab == "C" and n == 2} == {1}
    brk = songs["breakbeat"]
    kicks = _drum_ticks(brk, ds.KICK)
    labels = [lab for lab, n, _ in ds.style_of("breakbeat").form for _ in range(n)]
    for k, label in enumerate(labels):
        assert (np.min(np.abs(kicks - k * 4 * 480)) < 40) == (label != "K")
    loud = np.array([t for t, v in _tracks_vel(brk, ds.SNARE) if v > 90])
    places = {round(pos * 2) / 2 for _, pos, _ in _where(brk, loud)}
    assert {1.0, 3.0} < places
    bolero = songs["bolero_34"]
    vel = _tracks_vel(bolero, ds.SNARE)
    means = [np.mean([v for t, v in vel if s * 1440 <= t < (s + 4) * 1440]) for s in (0, 4, 8,
                                                                                       12, 16)]
    assert np.all(np.diff(means) > 5)
    shanty = songs["shanty_68"]
    stomps = _drum_ticks(shanty, ds.KICK)
    assert all(np.min(np.abs(stomps - t)) < 40 for t in np.arange(1, len(shanty.beats)) * 720)
    rag = songs["ragtime_24"]
    left = np.array([t for t, _, _ in _part_notes_channel(rag, 1)])
    grid = np.arange(2 * (len(rag.beats) - 1)) * 240
    assert np.all(np.min(np.abs(grid[:, None] - left[None, :]), axis=1) < 40)
    assert not songs["ambient"].drums and not songs["rpg_waltz"].drums


def _part_notes_channel(song: ds.DevSong, channel: int) -> list[tuple[int, int, int]]:
    """(tick, pitch, velocity) of the note-ons on ``channel``."""
    _, tracks = _tracks(song.midi)
    return sorted((t, e[1], e[2]) for track in tracks for t, e in _events(track)
                  if e[0] == 0x90 | channel and e[2] > 0)


# ---------------------------------------------------------------------------------------------
# HELD_OUT_STYLES_7: the styles written for the held-out split of 2026-12-07, third session
# (dev since)
# ---------------------------------------------------------------------------------------------

TABLES_6 = (*TABLES_5, ds.HELD_OUT_STYLES_6)


@functools.cache
def _songs_7() -> dict[str, ds.DevSong]:
    """Seed 1 of every style of HELD_OUT_STYLES_7 (made once for these tests; not mutated)."""
    return {name: ds.make_song(name, 1) for name in ds.HELD_OUT_STYLES_7}


def test_held_out_7_styles_are_new_and_folded_into_dev():
    """The 15 styles written for the held-out split of 2026-12-07 (third session): seed 1 of each
    is in dev now, seed 9 held out; no earlier style shares its name, bar writer or form; mostly
    4/4 and 3/4, some 2/4, 6/8, 12/8 and a reel in cut time, no odd meter; the conventions hold
    (2/2 -> 2 half notes a bar, 12/8 -> 4 dotted quarters, 6/8 -> 2, 2/4 -> 2 quarters); repeated
    material is labelled alike; every bar has a note on its downbeat and most beats have one."""
    only = set(ds.HELD_OUT_STYLES_7)
    assert len(only) == 15
    earlier = [style for table in TABLES_6 for style in table.values()]
    assert not only & {name for table in TABLES_6 for name in table}
    assert {f"{s}_1" for s in only} <= set(ds.DEV)
    assert {f"{s}_{ds.HELD_OUT_SEED}" for s in only} <= set(ds.HELD_OUT)
    assert all(ds.style_of(s) is ds.HELD_OUT_STYLES_7[s] for s in only)
    for style in ds.HELD_OUT_STYLES_7.values():
        assert all(style.write is not d.write and style.form != d.form for d in earlier)
    assert len({s.write for s in ds.HELD_OUT_STYLES_7.values()}) == len(only)
    assert (2, 2) not in {s.signature for s in earlier}  # cut time is new
    expected = {(2, 4): (2, 480), (3, 4): (3, 480), (4, 4): (4, 480), (6, 8): (2, 720),
                (12, 8): (4, 720), (2, 2): (2, 960)}
    songs = _songs_7()
    signatures = [s.signature for s in songs.values()]
    assert set(signatures) == set(expected)
    assert signatures.count((4, 4)) + signatures.count((3, 4)) >= 9
    _check_conventions(songs, expected, max_seconds=65.0)
    assert ds.make_song("soca", 1).midi == songs["soca"].midi
    assert ds.make_song("soca", 2).midi != songs["soca"].midi


def test_held_out_7_pickups_and_the_reel_in_cut_time():
    """The gospel ballad starts on a one-beat pickup (a 3/8 bar), the castle theme on a
    two-beat one (a 2/4 bar): the first downbeat is the pickup's length in, something plays in
    it, the first section starts at 0. The reel is written in 2/2 and annotated in half notes (2
    a bar, ~104-116): the fiddle runs four eighths a beat and the bodhran's low stroke is on
    every beat after the intro."""
    songs = _songs_7()
    for name, beats, short in (("gospel_ballad_128", 1, (3, 8)), ("castle_34", 2, (2, 4))):
        song = songs[name]
        assert ds.HELD_OUT_STYLES_7[name].pickup == beats
        assert song.downbeats[0] == song.beats[beats] > 0 and song.sections[0][0] == 0.0
        beat_ticks = ds._beats_per_bar(song.signature)[1]
        assert _signature_events(song)[:2] == [(0, *short), (beats * beat_ticks, *song.signature)]
        assert min(_notes_on(song.midi)) < 0.5 * beat_ticks
    reel = songs["reel_22"]
    assert _signature_events(reel) == [(0, 2, 2)] and 104 <= reel.tempo <= 116
    assert np.all(_bar_beats(reel) == 2)
    fiddle = np.array([t for t, _, _ in _part_notes(reel, 40)])
    assert len(fiddle) == 4 * (len(reel.beats) - 1)
    toms = _drum_ticks(reel, ds.TOM_LO)
    intro = 2 * 2 * 960
    assert all(np.min(np.abs(toms - t)) < 40 for t in range(intro, (len(reel.beats) - 1) * 960,
                                                             960))


def test_held_out_7_tempo_maps():
    """The Viennese waltz: a slower, free intro, then every bar's 2nd beat early (its 1st beat
    short, its 2nd long), each section's first bar held back, the tempo the bar's pace; the
    gospel ballad's last chorus pushes on and broadens in its last bar; the merengue's jaleo is
    1.1-1.16 times faster, reached over two bars; the film build's climax is broader at once;
    the galop accelerates through its coda. No earlier style has the new tempo maps."""
    songs = _songs_7()
    vw = songs["viennese_waltz"]
    ibi = np.diff(vw.beats).reshape(-1, 3)
    intro = _section_beats(vw, 0)
    assert np.mean(60 / np.diff(vw.beats)[intro]) < 0.85 * vw.tempo
    body = ibi[len(intro) // 3:]
    assert np.all(body[:, 0] < 0.92 * body[:, 1]) and np.all(body[:, 0] < body[:, 2])
    pace = 180 / body.sum(axis=1)
    firsts = np.array([(_section_beats(vw, k)[0] - len(intro)) // 3 for k in range(1, 5)])
    np.testing.assert_allclose(pace[firsts], 0.9 * vw.tempo, rtol=1e-3)
    np.testing.assert_allclose(np.delete(pace, firsts), vw.tempo, rtol=1e-3)
    gospel = songs["gospel_ballad_128"]
    tempo = 60 / np.diff(gospel.beats)
    last = _section_beats(gospel, len(gospel.sections) - 1)
    assert np.ptp(tempo[:last[0] + 4]) < 1e-6 and np.all(np.diff(tempo[last[4:-4]]) > 0)
    assert 1.07 < tempo[last[-5]] / gospel.tempo < 1.13 and tempo[-1] < 0.7 * gospel.tempo
    mer = songs["merengue_24"]
    tempo = 60 / np.diff(mer.beats)
    jaleo = _section_beats(mer, [lab for _, _, lab in mer.sections].index("J"))
    assert np.ptp(tempo[:jaleo[0]]) < 1e-6 and np.all(np.diff(tempo[jaleo[:4]]) > 0)
    assert 1.1 <= tempo[jaleo[-1]] / mer.tempo <= 1.16 and np.ptp(tempo[jaleo[4:]]) < 1e-6
    film = songs["film_build"]
    tempo = 60 / np.diff(film.beats)
    climax = _section_beats(film, len(film.sections) - 1)
    assert np.ptp(tempo[:climax[0]]) < 1e-6 and 0.8 <= tempo[climax[0]] / film.tempo <= 0.88
    assert tempo[-1] < 0.65 * tempo[climax[0]]
    galop = songs["galop_24"]
    tempo = 60 / np.diff(galop.beats)
    coda = _section_beats(galop, len(galop.sections) - 1)
    assert np.ptp(tempo[:coda[0]]) < 1e-6 and tempo[-1] > 1.14 * galop.tempo
    earlier_maps = {ds.style_of(n).tempo_map for n in _names(TABLES_6)}
    assert earlier_maps.isdisjoint(ds.TEMPO_MAPS_7)
    assert {s.tempo_map for s in ds.HELD_OUT_STYLES_7.values()} >= set(ds.TEMPO_MAPS_7)


def _seconds(song: ds.DevSong, ticks: np.ndarray) -> np.ndarray:
    """Times of ``ticks`` in a song of one tempo."""
    beat_ticks = ds._beats_per_bar(song.signature)[1]
    return np.asarray(ticks) / beat_ticks * 60 / song.tempo


def test_held_out_7_grooves_are_as_described():
    """Lo-fi: the snare 25-45 ms behind the beat, the kick and bass around it; the castle
    theme's hemiola (string chords on 1 and 3, then 2, in every section's last two bars); the
    6/8 march's bass drum on both beats and snare on the 3rd and 6th eighths; the galop's tuba
    on every beat and strings only on the "and"s; the bluegrass has no drums, its mandolin
    chops only on the "and"s; the merengue's tambora open on beat 2's 2nd and 4th sixteenths;
    the d-beat's kick on 1, the "and" of 2 and 3 and the breakdown's snare on 3 only; the soca's
    kick on every beat; the 80s ballad's gated snare (snare and clap, loud) on 2 and 4 and its
    last chorus a semitone up; the platformer's loudest marimba chords on the swung "and" of 2
    and 4 and no drums under water (B); the film build without drums, louder section by
    section."""
    songs = _songs_7()
    lofi = songs["lofi"]
    grid = _seconds(lofi, np.arange(len(lofi.beats)) * 480)

    def nearest(times: np.ndarray, to: np.ndarray) -> np.ndarray:
        """Signed offsets of ``times`` from the nearest of ``to`` (seconds)."""
        off = times[:, None] - to[None, :]
        return off[np.arange(len(times)), np.argmin(np.abs(off), axis=1)]

    snare = nearest(_seconds(lofi, _drum_ticks(lofi, ds.SNARE)), grid)
    assert len(snare) == 32 and np.all((snare > 0.015) & (snare < 0.06))
    assert 0.025 < np.median(snare) < 0.045
    kick = nearest(_seconds(lofi, _drum_ticks(lofi, ds.KICK)), grid[::4])
    assert np.sum(np.abs(kick) < 0.03) == 16 + 1  # every 1 of A and B (and the last hit)
    bass = _seconds(lofi, np.array([t for t, _, _ in _part_notes(lofi, 33)]))
    on_one = bass[np.min(np.abs(bass[:, None] - grid[::4][None, :]), axis=1) < 0.03]
    assert len(on_one) == 16
    castle = songs["castle_34"]
    chords: dict[int, int] = {}
    for t, _, v in _part_notes(castle, 48):
        chords[round(t / 240) * 240] = max(chords.get(round(t / 240) * 240, 0), v)
    loud = {t for t, v in chords.items() if v > 80}
    ends = np.cumsum([n for _, n, _ in ds.style_of("castle_34").form]) * 1440 + 2 * 480
    assert loud == {int(t) for e in ends for t in (e - 2880, e - 1920, e - 960)}
    march = songs["march_68"]
    kicks, snares = _drum_ticks(march, ds.KICK), _drum_ticks(march, ds.SNARE)
    assert all(np.min(np.abs(kicks - t)) < 40 for t in np.arange(len(march.beats) - 1) * 720)
    assert np.mean(np.abs(np.mod(snares, 720) - 480) < 40) > 0.8  # all but the rolls
    galop = songs["galop_24"]
    tuba = np.array([t for t, _, _ in _part_notes(galop, 58)])
    assert all(np.min(np.abs(tuba - t)) < 40 for t in np.arange(len(galop.beats) - 1) * 480)
    strings = np.array([t for t, _, _ in _part_notes(galop, 48)])
    assert np.all(np.abs(_off(strings, 480) - 240) < 40)
    blue = songs["bluegrass_24"]
    assert not blue.drums
    chops = np.array([t for t, _, _ in _part_notes(blue, 24)])
    assert len(chops) > 100 and np.all(np.abs(_off(chops, 480) - 240) < 40)
    mer = songs["merengue_24"]
    hand = _off(_drum_ticks(mer, ds.CONGA_LO), 960)
    assert len(hand) == 64 and np.all(np.min(np.abs(hand[:, None] - [600, 840]), axis=1) < 40)
    dbeat = songs["d_beat"]
    where = _where(dbeat, _drum_ticks(dbeat, ds.KICK))
    assert {round(2 * pos) / 2 for lab, pos, _ in where if lab in "AB"} == {0, 1.5, 2}
    where = _where(dbeat, _drum_ticks(dbeat, ds.SNARE))
    assert {round(pos) for lab, pos, _ in where if lab == "K"} == {2}
    soca = songs["soca"]
    kicks = _drum_ticks(soca, ds.KICK)
    assert all(np.min(np.abs(kicks - t)) < 40 for t in range(16 * 480, (len(soca.beats) - 1)
                                                             * 480, 480))
    ballad = songs["synth_ballad"]
    for key in (ds.SNARE, ds.CLAP):
        loud = np.array([t for t, v in _tracks_vel(ballad, key) if v >= 108])
        assert len(loud) == 2 * 18  # 2 a bar in every bar with drums
        assert {round(pos) for _, pos, _ in _where(ballad, loud)} == {1, 3}
    bars = _bar_pitches(_part_notes(ballad, 38), 4 * 480)
    assert all({p + 1 for p in bars[11 + k]} == bars[15 + k] for k in range(4))
    plat = songs["platformer"]
    swing = float(np.random.default_rng([1, *b"platformer"]).uniform(0.62, 0.66))
    end = (len(plat.beats) - 1) * 480 - 60  # (the final chord on the last downbeat)
    loud = np.array([t for t, _, v in _part_notes(plat, ds.MARIMBA) if v > 85 and t < end])
    assert len(loud) > 40 and np.all(np.min(np.abs(_off(loud, 1920)[:, None]
                                                   - np.array([1 + swing, 3 + swing]) * 480),
                                            axis=1) < 40)
    drums = np.concatenate([_drum_ticks(plat, key) for key in (ds.KICK, ds.STICK, ds.BONGO_HI)])
    assert "B" not in {lab for lab, _, _ in _where(plat, drums)}
    film = songs["film_build"]
    assert not film.drums
    strings = _part_notes(film, 48)
    means = [np.mean([v for t, _, v in strings if s * 1920 <= t < (s + 2) * 1920])
             for s in (0, 2, 6, 14)]
    assert np.all(np.diff(means) > 8)


# ---------------------------------------------------------------------------------------------
# HELD_OUT_STYLES_8: the styles written for the held-out split of 2026-12-07, fourth session
# (dev since)
# ---------------------------------------------------------------------------------------------

TABLES_7 = (*TABLES_6, ds.HELD_OUT_STYLES_7)


@functools.cache
def _songs_8() -> dict[str, ds.DevSong]:
    """Seed 1 of every style of HELD_OUT_STYLES_8 (made once for these tests; not mutated)."""
    return {name: ds.make_song(name, 1) for name in ds.HELD_OUT_STYLES_8}


def test_held_out_8_styles_are_new_and_folded_into_dev():
    """The 15 styles written for the held-out split of 2026-12-07 (fourth session): seed 1 of
    each is in dev now, seed 10 held out; no earlier style shares its name, bar writer or form;
    mostly 4/4 and 3/4, some 2/4, 6/8 and 12/8, no odd meter; the conventions hold (12/8 -> 4
    dotted quarters, 6/8 -> 2, 2/4 -> 2 quarters); repeated material is labelled alike; every
    bar has a note on its downbeat and most beats have one."""
    only = set(ds.HELD_OUT_STYLES_8)
    assert len(only) == 15
    earlier = [style for table in TABLES_7 for style in table.values()]
    assert not only & {name for table in TABLES_7 for name in table}
    assert {f"{s}_1" for s in only} <= set(ds.DEV)
    assert {f"{s}_{ds.HELD_OUT_SEED}" for s in only} <= set(ds.HELD_OUT)
    assert all(ds.style_of(s) is ds.HELD_OUT_STYLES_8[s] for s in only)
    for style in ds.HELD_OUT_STYLES_8.values():
        assert all(style.write is not d.write and style.form != d.form for d in earlier)
    assert len({s.write for s in ds.HELD_OUT_STYLES_8.values()}) == len(only)
    assert len({s.form for s in ds.HELD_OUT_STYLES_8.values()}) == len(only)
    expected = {(2, 4): (2, 480), (3, 4): (3, 480), (4, 4): (4, 480), (6, 8): (2, 720),
                (12, 8): (4, 720)}
    songs = _songs_8()
    signatures = [s.signature for s in songs.values()]
    assert set(signatures) == set(expected)
    assert signatures.count((4, 4)) + signatures.count((3, 4)) >= 9
    _check_conventions(songs, expected, max_seconds=66.0)
    assert {n for n, s in songs.items() if not s.drums} == {"gavotte", "a_cappella_34",
                                                            "gigue_128"}
    assert ds.make_song("kpop", 1).midi == songs["kpop"].midi
    assert ds.make_song("kpop", 2).midi != songs["kpop"].midi


def test_held_out_8_pickups_and_the_title_themes_key_change():
    """The title theme and the hornpipe start on a one-beat pickup (a 1/4 bar), the gavotte on
    a two-beat one (a 2/4 bar: its phrases start at the half bar): the first downbeat is the
    pickup's length in, something plays on every beat of it, the first section starts at 0. The
    title theme's last A is its first a minor third up, bar by bar (the low strings)."""
    songs = _songs_8()
    pickups = {name: s.pickup for name, s in ds.HELD_OUT_STYLES_8.items() if s.pickup}
    assert pickups == {"title_theme": 1, "gavotte": 2, "hornpipe": 1}
    for name, beats in pickups.items():
        song = songs[name]
        assert song.downbeats[0] == song.beats[beats] > 0 and song.sections[0][0] == 0.0
        assert _signature_events(song)[:2] == [(0, beats, 4), (beats * 480, 4, 4)]
        onsets = np.array(_notes_on(song.midi))
        assert all(np.min(np.abs(onsets - k * 480)) < 40 for k in range(beats)), name
    title = songs["title_theme"]
    bars: dict[int, set[int]] = {}
    for tick, pitch, _ in _part_notes(title, 43):
        bars.setdefault((round(tick / 240) * 240 - 480) // 1920, set()).add(pitch)
    assert ds.style_of("title_theme").modulation == 3
    assert all({p + 3 for p in bars[k]} == bars[12 + k] for k in range(8))


def test_held_out_8_tempo_maps():
    """The puzzle game's music steps up at once, by the same factor (1.06-1.1), at every section
    after the third (steady within each); the victory fanfare holds its last beat 2-2.5 times as
    long before the loop, a tempo; the choir's every four-bar phrase pushes on to its middle and
    eases back into its end, its last beat the longest; the gavotte and the gigue broaden their
    last two bars. No earlier style has the new tempo maps."""
    songs = _songs_8()
    puzzle = songs["puzzle_24"]
    tempo = 60 / np.diff(puzzle.beats)
    levels = [tempo[_section_beats(puzzle, k)] for k in range(len(puzzle.sections))]
    assert all(np.ptp(level) < 1e-6 for level in levels)
    assert levels[0][0] == pytest.approx(puzzle.tempo) == levels[2][0]
    step = levels[3][0] / levels[2][0]
    assert 1.059 <= step <= 1.101 and levels[4][0] / levels[3][0] == pytest.approx(step, rel=1e-4)
    victory = songs["victory"]
    ibi = np.diff(victory.beats)
    fanfare = _section_beats(victory, 0)
    assert np.ptp(ibi[fanfare[:-2]]) < 1e-6 and ibi[fanfare[-2]] > ibi[0]
    assert 1.99 <= ibi[fanfare[-1]] / ibi[0] <= 2.51
    assert np.ptp(ibi[fanfare[-1] + 1:]) < 1e-6 and victory.tempo == pytest.approx(60 / ibi[0])
    choir = songs["a_cappella_34"]
    tempo = 60 / np.diff(choir.beats)
    for start in range(0, len(tempo) - 11, 12):
        phrase = tempo[start:start + 12]
        assert phrase[6] > 1.02 * phrase[0] and phrase[6] > 1.1 * phrase[-2]
        assert np.argmin(phrase) == 11 and np.argmax(phrase) in (5, 6)
    for name in ("gavotte", "gigue_128"):
        song = songs[name]
        ibi = np.diff(song.beats)
        tail = 2 * song.meter
        assert np.ptp(ibi[:-tail]) < 1e-6 and np.all(np.diff(ibi[-tail:]) > 0)
    earlier_maps = {ds.style_of(n).tempo_map for n in _names(TABLES_7)}
    assert earlier_maps.isdisjoint(ds.TEMPO_MAPS_8)
    assert {s.tempo_map for s in ds.HELD_OUT_STYLES_8.values()} >= set(ds.TEMPO_MAPS_8)


def _positions(song: ds.DevSong, ticks: np.ndarray, label: str) -> set[float]:
    """Where in their bars (beats, to the nearest eighth) the notes at ``ticks`` of the sections
    labelled ``label`` fall."""
    return {round(2 * pos) / 2 for lab, pos, _ in _where(song, ticks) if lab == label}


def test_held_out_8_grooves_are_as_described():
    """Eurobeat: the kick on every beat but in the drumless break; K-pop: the bridge's snare on 3
    only (half time), the chorus's kick on every beat; big band: the shout chorus louder than the
    head; the hornpipe's close (the bodhran on 1, 2 and 3 only in every part's last bar) and no
    bodhran in the first A; the bolero's bass on 1, the "and" of 2 and 3 and its son clave; the
    two-step's kick on 1 and 3; the dungeon's sparse A (a low tom on 1, a woodblock on 3); the
    shoot-'em-up's warning (the kick on every beat, no hats); the choir only voices."""
    songs = _songs_8()
    euro = songs["eurobeat"]
    kicks = _drum_ticks(euro, ds.KICK)
    labels = [lab for lab, n, _ in ds.style_of("eurobeat").form for _ in range(n)]
    for k, label in enumerate(labels):
        heard = [np.min(np.abs(kicks - (4 * k + j) * 480)) < 40 for j in range(4)]
        assert all(heard) if label != "K" else not any(heard)
    kpop = songs["kpop"]
    assert _positions(kpop, _drum_ticks(kpop, ds.SNARE), "H") == {2.0}
    assert _positions(kpop, _drum_ticks(kpop, ds.KICK), "C") == {0.0, 1.0, 2.0, 3.0}
    assert _positions(kpop, _drum_ticks(kpop, ds.KICK), "V") == {0.0, 1.5}
    band = songs["big_band"]
    horns = _part_notes(band, 61)
    where = _where(band, np.array([t for t, _, _ in horns]))
    vel = {lab: np.mean([v for (_, _, v), (lab_, _, _) in zip(horns, where, strict=True)
                         if lab_ == lab]) for lab in ("A", "S")}
    assert vel["S"] > vel["A"] + 15
    assert _positions(band, _drum_ticks(band, ds.PEDAL), "A") == {1.0, 3.0}
    horn = songs["hornpipe"]
    form = ds.style_of("hornpipe").form
    bar_labels = [(lab, i == n - 1) for lab, n, _ in form for i in range(n)]
    per_bar: dict[int, list[float]] = {}
    down = np.searchsorted(horn.beats, horn.downbeats - 1e-9)
    for tick in _drum_ticks(horn, ds.TOM_LO):
        bar = int(np.searchsorted(down, (tick + 40) / 480, side="right")) - 1
        per_bar.setdefault(bar, []).append(round(tick / 480 - down[bar]))
    assert min(per_bar) == 8  # (the first A: no bodhran)
    for bar, (_, close) in enumerate(bar_labels[8:], start=8):
        assert sorted(per_bar[bar]) == ([0, 1, 2] if close else [0, 1, 2, 3]), bar
    bolero = songs["latin_bolero"]
    bass = np.array([t for t, _, _ in _part_notes(bolero, 32)])
    assert _positions(bolero, bass, "A") == _positions(bolero, bass, "B") == {0.0, 1.5, 2.0}
    sides: dict[int, set[float]] = {0: set(), 1: set()}  # the clave's bars alternate 2, 3
    for tick in _drum_ticks(bolero, ds.CLAVES)[:-1]:  # (the last: the final downbeat's hit)
        bar = int((tick + 40) // 1920)
        sides[bar % 2].add(round(2 * (tick / 480 - 4 * bar)) / 2)
    assert sides == {0: {1.0, 2.0}, 1: {0.0, 1.5, 3.0}}
    step = songs["two_step"]
    assert _positions(step, _drum_ticks(step, ds.KICK), "V") == {0.0, 2.0}
    dungeon = songs["dungeon"]
    drums = np.concatenate([_drum_ticks(dungeon, key) for key in (ds.TOM_LO, ds.WOOD_HI)])
    assert _positions(dungeon, drums, "A") == {0.0, 2.0}
    assert len([1 for lab, _, _ in _where(dungeon, drums) if lab == "A"]) == 2 * 8
    assert "I" not in {lab for lab, _, _ in _where(dungeon, drums)}
    shmup = songs["shmup"]
    assert _positions(shmup, _drum_ticks(shmup, ds.KICK), "W") == {0.0, 1.0, 2.0, 3.0}
    assert "W" not in {lab for lab, _, _ in _where(shmup, _drum_ticks(shmup, ds.HAT))}
    _, tracks = _tracks(songs["a_cappella_34"].midi)
    programs = {e[1] for track in tracks for _, e in _events(track) if e[0] & 0xF0 == 0xC0}
    assert programs == {52, 53}


# ---------------------------------------------------------------------------------------------
# HELD_OUT_STYLES_9: the styles written for the held-out split of 2026-12-07, fifth session
# (dev since)
# ---------------------------------------------------------------------------------------------

TABLES_8 = (*TABLES_7, ds.HELD_OUT_STYLES_8)


@functools.cache
def _songs_9() -> dict[str, ds.DevSong]:
    """Seed 1 of every style of HELD_OUT_STYLES_9 (made once for these tests; not mutated)."""
    return {name: ds.make_song(name, 1) for name in ds.HELD_OUT_STYLES_9}


def test_held_out_9_styles_are_new_and_folded_into_dev():
    """The 15 styles written for the held-out split of 2026-12-07 (fifth session): seed 1 of
    each is in dev now, seed 11 held out; no earlier style shares its name, bar writer or form;
    mostly 4/4 and 3/4, two 2/4, a 6/8 and a 12/8, no odd meter; three without drums; the
    conventions hold (12/8 -> 4 dotted quarters, 6/8 -> 2, 2/4 -> 2 quarters); repeated material
    is labelled alike; every bar has a note on its downbeat and most beats have one."""
    only = set(ds.HELD_OUT_STYLES_9)
    assert len(only) == 15
    earlier = [style for table in TABLES_8 for style in table.values()]
    assert not only & {name for table in TABLES_8 for name in table}
    assert {f"{s}_1" for s in only} <= set(ds.DEV)
    assert {f"{s}_{ds.HELD_OUT_SEED}" for s in only} <= set(ds.HELD_OUT)
    assert all(ds.style_of(s) is ds.HELD_OUT_STYLES_9[s] for s in only)
    for style in ds.HELD_OUT_STYLES_9.values():
        assert all(style.write is not d.write and style.form != d.form for d in earlier)
    assert len({s.write for s in ds.HELD_OUT_STYLES_9.values()}) == len(only)
    assert len({s.form for s in ds.HELD_OUT_STYLES_9.values()}) == len(only)
    expected = {(2, 4): (2, 480), (3, 4): (3, 480), (4, 4): (4, 480), (6, 8): (2, 720),
                (12, 8): (4, 720)}
    songs = _songs_9()
    signatures = [s.signature for s in songs.values()]
    assert set(signatures) == set(expected)
    assert signatures.count((4, 4)) + signatures.count((3, 4)) >= 9
    assert signatures.count((2, 4)) == 2
    _check_conventions(songs, expected, max_seconds=70.0)
    assert {n for n, s in songs.items() if not s.drums} == {"celtic_air_34", "sicilienne_68",
                                                            "save_room_128"}
    for name in ("celtic_air_34", "sicilienne_68", "save_room_128"):
        assert not _part_notes_channel(songs[name], ds.DRUMS)
    assert ds.make_song("emo", 1).midi == songs["emo"].midi
    assert ds.make_song("emo", 2).midi != songs["emo"].midi


def test_held_out_9_pickups_and_the_credits_key_change():
    """The slow air and the credits theme start on a one-beat pickup (a 1/4 bar before their
    3/4): the first downbeat is a beat in, a note sounds on the pickup, the first section starts
    at 0. The credits theme's last A is its first a whole tone up, bar by bar (the low strings'
    pitch classes)."""
    songs = _songs_9()
    pickups = {name: s.pickup for name, s in ds.HELD_OUT_STYLES_9.items() if s.pickup}
    assert pickups == {"celtic_air_34": 1, "credits_34": 1}
    for name in pickups:
        song = songs[name]
        assert song.downbeats[0] == song.beats[1] > 0 and song.sections[0][0] == 0.0
        assert _signature_events(song)[:2] == [(0, 1, 4), (480, 3, 4)]
        assert np.min(np.abs(np.array(_notes_on(song.midi)))) < 40
    credits = songs["credits_34"]
    bars: dict[int, set[int]] = {}
    for tick, pitch, _ in _part_notes(credits, 43):
        bars.setdefault((round(tick / 240) * 240 - 480) // 1440, set()).add(pitch)
    assert ds.style_of("credits_34").modulation == 2
    assert all({(p + 2) % 12 for p in bars[k]} == {p % 12 for p in bars[12 + k]}
               for k in range(8))  # (the bass may move down an octave to stay low)


def test_held_out_9_tempo_maps():
    """Emo's choruses 1.03-1.05 times faster than its verses (a band without a click), pushed
    into over a bar, every beat a little off (never more than 1.2 %); the slow air's every bar
    leaning on its first beat (longer than its second) and its every four-bar phrase breathing
    on its last beat (the phrase's longest); the credits theme steady but for the bar before
    its last A, slowing, its last beat the longest, and the last A a tempo. No earlier style has
    the new tempo maps."""
    songs = _songs_9()
    emo = songs["emo"]
    tempo = 60 / np.diff(emo.beats)
    labels = [lab for _, _, lab in emo.sections]
    level = {k: np.median(tempo[_section_beats(emo, k)]) for k in range(len(labels))}
    verse, chorus = level[0], level[1]
    assert 1.025 <= chorus / verse <= 1.055
    assert all(level[k] == pytest.approx(chorus, rel=0.006) for k, lab in enumerate(labels)
               if lab == "C")
    first_verse = tempo[_section_beats(emo, 0)]
    assert np.ptp(first_verse) > 0.003 * verse and np.all(np.abs(first_verse / verse - 1) < 0.025)
    into = tempo[_section_beats(emo, 1)[:4]]
    assert np.mean(into) < np.mean(tempo[_section_beats(emo, 1)[4:]])
    air = songs["celtic_air_34"]
    ibi = np.diff(air.beats)[1:].reshape(-1, 3)  # (the pickup first)
    for bar in range(len(ibi)):
        if bar % 4 != 3:
            assert ibi[bar, 0] > 1.04 * ibi[bar, 1], bar
    for start in range(0, len(ibi), 4):
        phrase = ibi[start:start + 4].ravel()
        assert np.argmax(phrase) == len(phrase) - 1 and phrase[-1] > 1.3 * phrase[-2]
    credits = songs["credits_34"]
    ibi = np.diff(credits.beats)
    last = _section_beats(credits, len(credits.sections) - 1)
    setup = np.arange(last[0] - 3, last[0])
    assert np.ptp(ibi[:setup[0]]) < 1e-6 and np.ptp(ibi[last]) < 1e-6
    assert ibi[last[0]] == pytest.approx(ibi[0]) and np.all(np.diff(ibi[setup]) > 0)
    assert 1.3 * ibi[0] < ibi[setup[-1]] == np.max(ibi)
    earlier_maps = {ds.style_of(n).tempo_map for n in _names(TABLES_8)}
    assert earlier_maps.isdisjoint(ds.TEMPO_MAPS_9)
    assert {s.tempo_map for s in ds.HELD_OUT_STYLES_9.values()} >= set(ds.TEMPO_MAPS_9)


def _sixteenths(song: ds.DevSong, ticks: np.ndarray, label: str) -> set[float]:
    """Where in their bars (beats, to the nearest sixteenth of a quarter) the notes at ``ticks``
    of the sections labelled ``label`` fall."""
    return {round(4 * pos) / 4 for lab, pos, _ in _where(song, ticks) if lab == label}


def test_held_out_9_grooves_are_as_described():
    """City pop's kick on 1, the "and" of 2 and 3 in the verse and on every beat in the
    chorus; synthwave's kick on 1 and 3, snare on 2 and 4, no drums in intro and outro; emo's
    kick on 1 and the "and" of 2 (verse) or 1 and the "and" of 3 (chorus), floor toms only in
    the bridge; trip-hop's kick on 1, the "a" of 2 and the "and" of 3; son montuno's bass on
    the "and" of 2 and on 4 (never on 1), the bongo bell only in the montuno, the 2-3 clave;
    stealth's rim on 4 in A and snare on 2 and 4 in B only; afrobeats' rim in 3 + 3 + 2 and
    the clap only in the chorus; bachata's bass on 1, the "and" of 2, 3 and the "and" of 4;
    the musette's guitar on 2 and 3 only; the frevo's surdo on the "a" of 1 and on 2; the
    pasodoble's castanets on 2; the sicilienne's lilt (on a beat, its "and", its last eighth)."""
    songs = _songs_9()
    city = songs["city_pop"]
    assert _sixteenths(city, _drum_ticks(city, ds.KICK), "V") == {0.0, 1.5, 2.0}
    assert _sixteenths(city, _drum_ticks(city, ds.KICK), "C") == {0.0, 1.0, 2.0, 3.0}
    assert _sixteenths(city, _drum_ticks(city, ds.SNARE), "C") <= {1.0, 3.0} | {
        3.0 + k / 4 for k in range(4)}  # (the fill into the next section)
    wave = songs["synthwave"]
    for label in "AB":
        assert _sixteenths(wave, _drum_ticks(wave, ds.KICK), label) == {0.0, 2.0}
        assert _sixteenths(wave, _drum_ticks(wave, ds.SNARE), label) == {1.0, 3.0}
    drums = _part_notes_channel(wave, ds.DRUMS)[:-2]  # (the final crash and kick)
    assert not {"I", "O"} & {lab for lab, _, _ in _where(wave, np.array([t for t, _, _ in
                                                                          drums]))}
    emo = songs["emo"]
    assert _sixteenths(emo, _drum_ticks(emo, ds.KICK), "V") == {0.0, 1.5}
    assert _sixteenths(emo, _drum_ticks(emo, ds.KICK), "C") == {0.0, 2.5}
    assert {lab for lab, _, _ in _where(emo, _drum_ticks(emo, ds.FLOOR_LO))} == {"H"}
    assert "H" not in {lab for lab, _, _ in _where(emo, _drum_ticks(emo, ds.SNARE))}
    trip = songs["trip_hop"]
    assert _sixteenths(trip, _drum_ticks(trip, ds.KICK), "V") == {0.0, 1.75, 2.5}
    son = songs["son_montuno"]
    bass = np.array([t for t, _, _ in _part_notes(son, 32)])
    for label in "LM":
        assert _sixteenths(son, bass, label) == {1.5, 3.0}
    assert {lab for lab, _, _ in _where(son, _drum_ticks(son, ds.COWBELL))} == {"M"}
    assert "M" not in {lab for lab, _, _ in _where(son, _drum_ticks(son, ds.BONGO_HI))}
    sides: dict[int, set[float]] = {0: set(), 1: set()}
    for tick in _drum_ticks(son, ds.CLAVES):
        bar = int((tick + 40) // 1920)
        sides[bar % 2].add(round(2 * (tick / 480 - 4 * bar)) / 2)
    assert sides == {0: {1.0, 2.0}, 1: {0.0, 1.5, 3.0}}
    stealth = songs["stealth"]
    assert _sixteenths(stealth, _drum_ticks(stealth, ds.STICK), "A") == {3.0}
    assert _sixteenths(stealth, _drum_ticks(stealth, ds.SNARE), "B") == {1.0, 3.0}
    assert _sixteenths(stealth, _drum_ticks(stealth, ds.SNARE), "A") == set()
    afro = songs["afrobeats"]
    assert _sixteenths(afro, _drum_ticks(afro, ds.STICK), "V") == {0.0, 0.75, 1.5, 2.0, 2.75,
                                                                   3.5}
    assert {lab for lab, _, _ in _where(afro, _drum_ticks(afro, ds.CLAP))} == {"C"}
    bachata = songs["bachata"]
    bass = np.array([t for t, _, _ in _part_notes(bachata, 32)])
    assert _sixteenths(bachata, bass, "V") == {0.0, 1.5, 2.0, 3.5}
    musette = songs["musette_34"]
    guitar = np.array([t for t, _, _ in _part_notes(musette, 24)])[:-3]  # (the final chord)
    assert {round(pos) for _, pos, _ in _where(musette, guitar)} == {1, 2}
    frevo = songs["frevo_24"]
    assert _sixteenths(frevo, _drum_ticks(frevo, ds.ACOUSTIC_BD), "A") == {0.75, 1.0}
    paso = songs["pasodoble_24"]
    assert _sixteenths(paso, _drum_ticks(paso, ds.CASTANETS), "A") == {1.0, 1.25, 1.5}
    sic = songs["sicilienne_68"]
    flute = np.array([t for t, _, _ in _part_notes(sic, 73)])
    within = np.mod(flute + 40, 720) - 40
    assert np.all(np.min(np.abs(within[:, None] - np.array([0, 360, 480])), axis=1) < 40)
    assert np.sum(np.abs(within - 360) < 40) >= 8


# ---------------------------------------------------------------------------------------------
# HELD_OUT_STYLES_10: the styles written for the held-out split of 2026-12-07 (dev since)
# ---------------------------------------------------------------------------------------------

TABLES_9 = (*TABLES_8, ds.HELD_OUT_STYLES_9)


@functools.cache
def _songs_10() -> dict[str, ds.DevSong]:
    """Seed 1 of every style of HELD_OUT_STYLES_10 (made once for these tests; not mutated)."""
    return {name: ds.make_song(name, 1) for name in ds.HELD_OUT_STYLES_10}


def test_held_out_10_styles_are_new_and_spent():
    """The 15 styles written for the held-out split of 2026-12-07 (sixth session), measured
    then and dev since (seed 1; seed 12 held out like every style's); no earlier style shares
    its name, bar writer
    or form; mostly 4/4, a 3/4, two 2/4, a 6/8, a 12/8 and one odd meter (5/8, 5 eighths a bar);
    two without drums; the conventions hold; repeated material is labelled alike; every bar has
    a note on its downbeat and most beats have one."""
    only = set(ds.HELD_OUT_STYLES_10)
    assert len(only) == 15 and ds.NEW_HELD_OUT_STYLES is not ds.HELD_OUT_STYLES_10
    earlier = [style for table in TABLES_9 for style in table.values()]
    assert not only & {name for table in TABLES_9 for name in table}
    assert {f"{s}_1" for s in only} <= set(ds.DEV)
    assert {f"{s}_13" for s in only} <= set(ds.HELD_OUT)
    assert all(ds.style_of(s) is ds.HELD_OUT_STYLES_10[s] for s in only)
    for style in ds.HELD_OUT_STYLES_10.values():
        assert all(style.write is not d.write and style.form != d.form for d in earlier)
    assert len({s.write for s in ds.HELD_OUT_STYLES_10.values()}) == len(only)
    assert len({s.form for s in ds.HELD_OUT_STYLES_10.values()}) == len(only)
    expected = {(2, 4): (2, 480), (3, 4): (3, 480), (4, 4): (4, 480), (6, 8): (2, 720),
                (12, 8): (4, 720), (5, 8): (5, 240)}
    songs = _songs_10()
    signatures = [s.signature for s in songs.values()]
    assert set(signatures) == set(expected)
    assert signatures.count((4, 4)) >= 8 and signatures.count((3, 4)) >= 1
    assert signatures.count((2, 4)) == 2 and signatures.count((5, 8)) == 1
    _check_conventions(songs, expected, max_seconds=70.0)
    assert {n for n, s in songs.items() if not s.drums} == {"csardas_24", "rondo_24"}
    for name in ("csardas_24", "rondo_24"):
        assert not _part_notes_channel(songs[name], ds.DRUMS)
    assert ds.make_song("zydeco", 1).midi == songs["zydeco"].midi
    assert ds.make_song("zydeco", 2).midi != songs["zydeco"].midi


@pytest.mark.parametrize("seed", [1, ds.HELD_OUT_SEED])
def test_held_out_10_truths_are_sane(seed):
    """Every new style's truth: beats strictly increasing, downbeats among the beats, bars of
    the signature's annotated beats (a pickup's excepted), sections from 0 to the end, one after
    the other, on downbeats; the tempo within the style's range (a band wandering around its
    count-off: within 3.5 % of it)."""
    for name, style in ds.HELD_OUT_STYLES_10.items():
        song = ds.make_song(name, seed)
        assert np.all(np.diff(song.beats) > 0)
        assert np.all(np.isin(song.downbeats, song.beats))
        assert song.meter == ds._beats_per_bar(style.signature)[0]
        assert np.all(_bar_beats(song) == song.meter)
        assert song.downbeats[0] == song.beats[style.pickup]
        assert song.sections[0][0] == 0.0 and song.sections[-1][1] == song.duration
        assert all(a[1] == b[0] for a, b in zip(song.sections, song.sections[1:], strict=False))
        assert all(np.isin(s, song.downbeats) for s, _, _ in song.sections[1:])
        slack = 0.035 if style.tempo_map == "live_wander" else 1e-9
        lo, hi = style.tempo
        assert lo * (1 - slack) <= song.tempo <= hi * (1 + slack), name


def test_held_out_10_pickup_and_meters():
    """The Cajun waltz starts on a one-beat pickup (a 1/4 bar before its 3/4; the fiddle's two
    swung eighths): the first downbeat is a beat in, the first section starts at 0. The
    zortziko's MIDI is in 5/8, 5 eighths (240 ticks) a bar; the festejo's in 6/8, 2 dotted
    quarters; the gnawa's in 12/8, 4."""
    songs = _songs_10()
    pickups = {name: s.pickup for name, s in ds.HELD_OUT_STYLES_10.items() if s.pickup}
    assert pickups == {"cajun_waltz": 1}
    cajun = songs["cajun_waltz"]
    assert cajun.downbeats[0] == cajun.beats[1] > 0 and cajun.sections[0][0] == 0.0
    assert _signature_events(cajun)[:2] == [(0, 1, 4), (480, 3, 4)]
    assert len(_part_notes(cajun, 110)) and min(t for t, _, _ in _part_notes(cajun, 110)) < 40
    for name, signature in (("zortziko_58", (5, 8)), ("festejo_68", (6, 8)),
                            ("gnawa_128", (12, 8))):
        assert [(n, d) for _, n, d in _signature_events(songs[name])] == [signature]
    assert ds._beats_per_bar((5, 8)) == (5, 240) and songs["zortziko_58"].meter == 5


def test_held_out_10_tempo_maps():
    """The csárdás's lassú at 45-55 % of the friss, free (its tempo wandering), its last beat
    the section's longest; the friss at the tempo at once, steady, its last section
    accelerating to 1.2-1.3 times the tempo; the rockabilly band wandering bar by bar around its
    tempo (never more than 5 % off), every section's last bar rushed against the bar before.
    The gnawa accelerates through its last section (``stringendo``). No earlier style has the
    new tempo maps."""
    songs = _songs_10()
    cs = songs["csardas_24"]
    tempo = 60 / np.diff(cs.beats)
    lassu = tempo[_section_beats(cs, 0)]
    assert 0.4 * cs.tempo < np.median(lassu) < 0.6 * cs.tempo
    assert np.ptp(lassu[:-1]) > 0.05 * np.median(lassu) and np.argmin(lassu) == len(lassu) - 1
    for k in (1, 2):
        assert np.allclose(tempo[_section_beats(cs, k)], cs.tempo)
    last = tempo[_section_beats(cs, 3)]
    assert np.all(np.diff(last) > 0) and 1.18 <= last[-1] / cs.tempo <= 1.3
    rock = songs["rockabilly"]
    tempo = 60 / np.diff(rock.beats)
    assert np.all(np.abs(tempo / rock.tempo - 1) < 0.05)
    bars = tempo.reshape(-1, 4).mean(axis=1)
    assert np.ptp(bars) > 0.01 * rock.tempo
    ends = np.cumsum([n for _, n, _ in ds.style_of("rockabilly").form])[:-1] - 1
    assert all(bars[k] > bars[k - 1] for k in ends)
    gnawa = songs["gnawa_128"]
    tempo = 60 / np.diff(gnawa.beats)
    last = tempo[_section_beats(gnawa, len(gnawa.sections) - 1)]
    assert np.all(np.diff(last) > 0) and np.ptp(tempo[:-len(last)]) < 1e-6
    earlier_maps = {ds.style_of(n).tempo_map for n in _names(TABLES_9)}
    assert earlier_maps.isdisjoint(ds.TEMPO_MAPS_10)
    assert {s.tempo_map for s in ds.HELD_OUT_STYLES_10.values()} >= set(ds.TEMPO_MAPS_10)


def _fractions(song: ds.DevSong, ticks: np.ndarray, label: str | None = None) -> np.ndarray:
    """Where within their beats (0 to 1) the notes at ``ticks`` fall (of the sections labelled
    ``label``, or all)."""
    return np.array([(pos + 0.08) % 1 - 0.08 for lab, pos, _ in _where(song, ticks)
                     if label is None or lab == label])


def test_held_out_10_grooves_are_as_described():
    """Motown's snare on every beat in the verse, on 2 and 4 (a ghost on the "a" of 2) in the
    chorus; go-go's loud horn stabs on the swung "and"s; zydeco's rubboard loudest on the
    "and"s and its kick's double clutch; highlife's shaker in triplets; bhangra's loud treble
    strokes on the swung "and"s; the rockabilly's snare on 2 and 4 only, none in the stop-time
    chorus; the rumba's no kick, its guitar accented in 3 + 3 + 2; trance's kick on every beat
    but in the breakdown; surf rock's drum break alone; the Cajun waltz's triangle alone on the
    drum channel; the rondo's episodes with its refrain's texture; the festejo's loudest slaps
    on every beat's third eighth; the gnawa's qraqeb long-short; the zortziko's tamboril
    accented on 1 and 4 (3 + 2)."""
    songs = _songs_10()
    motown = songs["motown"]
    assert _sixteenths(motown, _drum_ticks(motown, ds.SNARE), "V") == {0.0, 1.0, 2.0, 3.0}
    assert _sixteenths(motown, _drum_ticks(motown, ds.SNARE), "C") == {1.0, 1.75, 3.0}
    gogo = songs["go_go"]
    stabs = [t for t, _, v in _part_notes(gogo, 61) if v >= 95]
    frac = _fractions(gogo, np.array(stabs))
    assert len(frac) > 20 and np.all((frac > 0.55) & (frac < 0.7))
    zydeco = songs["zydeco"]
    rub = _tracks_vel(zydeco, ds.CABASA)
    frac = _fractions(zydeco, np.array([t for t, _ in rub]))
    vel = np.array([v for _, v in rub])
    ands = np.abs(frac - 0.52) < 0.05
    assert np.mean(vel[ands]) > np.mean(vel[~ands]) + 20
    assert _sixteenths(zydeco, _drum_ticks(zydeco, ds.KICK), "V") == {0.0, 1.5, 2.0, 3.5}
    assert "R" not in {lab for lab, _, _ in _where(zydeco, _drum_ticks(zydeco, ds.KICK))}
    high = songs["highlife"]
    frac = _fractions(high, _drum_ticks(high, ds.SHAKER))
    assert np.all(np.min(np.abs(frac[:, None] - np.array([0, 1 / 3, 2 / 3])), axis=1) < 0.05)
    bhangra = songs["bhangra"]
    loud = [t for t, v in _tracks_vel(bhangra, ds.TIMBALE_HI) if v >= 90]
    frac = _fractions(bhangra, np.array(loud))
    assert np.mean((frac > 0.6) & (frac < 0.72)) > 0.95
    rock = songs["rockabilly"]
    assert _sixteenths(rock, _drum_ticks(rock, ds.SNARE), "A") == {1.0, 3.0}
    assert "S" not in {lab for lab, _, _ in _where(rock, _drum_ticks(rock, ds.SNARE))}
    rumba = songs["flamenco_rumba"]
    assert len(_drum_ticks(rumba, ds.KICK)) == 0
    strums: dict[float, list[int]] = {}
    notes = _part_notes(rumba, 24)  # (the guitar's: the falseta's track comes after it)
    where = _where(rumba, np.array([t for t, _, _ in notes]))
    for (_, _, v), (lab, pos, _) in zip(notes, where, strict=True):
        if lab in ("A", "B"):
            strums.setdefault(round(2 * pos) / 2, []).append(v)
    means = {pos: np.mean(v) for pos, v in strums.items()}
    accents = {0.0, 1.5, 3.0}
    assert min(means[p] for p in accents) > max(m for p, m in means.items() if p not in accents) + 8
    trance = songs["trance"]
    assert {lab for lab, _, _ in _where(trance, _drum_ticks(trance, ds.KICK))} == {
        "I", "A", "D", "end"}
    assert _sixteenths(trance, _drum_ticks(trance, ds.KICK), "A") == {0.0, 1.0, 2.0, 3.0}
    assert _sixteenths(trance, np.array([t for t, _, _ in _part_notes(trance, 38)]), "D") == {
        0.5, 1.5, 2.5, 3.5}
    surf = songs["surf_rock"]
    pitched = [t for channel in range(9) for t, _, _ in _part_notes_channel(surf, channel)]
    assert "D" not in {lab for lab, _, _ in _where(surf, np.array(pitched))}
    assert "D" in {lab for lab, _, _ in _where(surf, _drum_ticks(surf, ds.TOM_HI))}
    cajun = songs["cajun_waltz"]
    assert {p for _, p, _ in _part_notes_channel(cajun, ds.DRUMS)} == {ds.TRI_MUTE, ds.TRI_OPEN}
    rondo = songs["rondo_24"]
    form = ds.style_of("rondo_24").form
    hands = [t for channel in (0, 1) for t, _, _ in _part_notes_channel(rondo, channel)]
    per_bar = np.bincount((np.array(hands) + 40) // 960, minlength=41)[:40]
    labels = [(lab, i == n - 1) for lab, n, _ in form for i in range(n)]
    body = {lab: {per_bar[k] for k, (lab_, end) in enumerate(labels) if lab_ == lab and not end}
            for lab in "ABC"}
    assert body["A"] == body["B"] == body["C"]
    festejo = songs["festejo_68"]
    slaps = [t for t, v in _tracks_vel(festejo, ds.CAJON_SLAP) if v >= 90]
    frac = _fractions(festejo, np.array(slaps))
    assert len(slaps) > 20 and np.all(np.abs(frac - 2 / 3) < 0.05)
    gnawa = songs["gnawa_128"]
    frac = _fractions(gnawa, _drum_ticks(gnawa, ds.CASTANETS)[:-1])
    assert np.all(np.min(np.abs(frac[:, None] - np.array([0, 2 / 3])), axis=1) < 0.05)
    zort = songs["zortziko_58"]
    rolls = set(np.cumsum([n for _, n, _ in ds.style_of("zortziko_58").form]) - 1)
    accents = [t for t, v in _tracks_vel(zort, ds.SNARE) if v >= 88
               and (t + 40) // 1200 not in rolls]  # (a roll ends every section, crescendo)
    where = [(lab, round(pos)) for lab, pos, _ in _where(zort, np.array(accents))]
    assert {pos for lab, pos in where if lab in "AB"} == {0, 3}


# ---------------------------------------------------------------------------------------------
# HELD_OUT_STYLES_11: the styles written for the held-out split of 2026-12-08 (dev since)
# ---------------------------------------------------------------------------------------------

TABLES_10 = (*TABLES_9, ds.HELD_OUT_STYLES_10)

def test_held_out_11_styles_are_new_and_spent():
    """The 15 styles written for the held-out split of 2026-12-08 (tenth session), measured
    once and dev since (seed 1; seed 13 held out like every style's); no earlier style shares
    its name, bar writer or form; 2/4, 3/4, 6/8, 12/8 and an 11/8 (11 eighths a bar, the first
    of its meter), a 4/4 with a 7/4 section; songs without a drum kit; sections of 2, 5, 6 and
    10 bars (not only phrases of four)."""
    only = set(ds.HELD_OUT_STYLES_11)
    assert len(only) == 15 and ds.NEW_HELD_OUT_STYLES is not ds.HELD_OUT_STYLES_11
    assert not only & _names(TABLES_10)
    assert {f"{s}_1" for s in only} <= set(ds.DEV)
    assert {f"{s}_13" for s in only} <= set(ds.HELD_OUT)
    assert all(ds.style_of(s) is ds.HELD_OUT_STYLES_11[s] for s in only)
    earlier = [style for table in TABLES_10 for style in table.values()]
    for style in ds.HELD_OUT_STYLES_11.values():
        assert all(style.write is not d.write and style.form != d.form for d in earlier)
    assert len({s.write for s in ds.HELD_OUT_STYLES_11.values()}) == len(only)
    songs = {name: ds.make_song(name, 1) for name in sorted(only)}
    signatures = {s.signature for s in songs.values()}
    assert {(2, 4), (3, 4), (4, 4), (6, 8), (12, 8), (11, 8)} <= signatures
    assert songs["math_rock_118"].meter == 11
    assert not all(s.drums for s in songs.values())
    bars = {round((end - start) / float(np.median(np.diff(s.downbeats))))
            for s in songs.values() for start, end, _ in s.sections[1:-1]}
    assert {2, 5, 6, 10} <= bars



def _sections_of(song: ds.DevSong, ticks: list[int]) -> set[int]:
    """Indices in the style's form of the sections the notes at ``ticks`` are in (a form
    without a pickup; humanised notes just before a bar line belong to the next bar)."""
    beat_ticks = ds._beats_per_bar(song.signature)[1]
    down = np.searchsorted(song.beats, song.downbeats - 1e-9)
    section = [k for k, (_, n, _) in enumerate(ds.style_of(song.style).form) for _ in range(n)]
    return {section[int(np.searchsorted(down, (t + 40) / beat_ticks, side="right")) - 1]
            for t in ticks}


def test_a_style_knows_which_section_of_its_form_a_bar_is_in():
    """The bar writers see the section's place in the form (``BarContext.section``): the
    J-rock's strings play in its last chorus only, the grunge's lead line in its second chorus
    only (the first has the same label and none)."""
    jrock = ds.make_song("jrock_opening", 1)
    form = ds.style_of("jrock_opening").form
    assert _sections_of(jrock, [t for t, _, _ in _part_notes(jrock, 48)]) == {len(form) - 1}
    grunge = ds.make_song("grunge", 1)
    choruses = [k for k, (label, _, _) in enumerate(ds.style_of("grunge").form) if label == "C"]
    assert len(choruses) == 2
    assert _sections_of(grunge, [t for t, _, _ in _part_notes(grunge, 29)]) == {choruses[1]}

# ---------------------------------------------------------------------------------------------
# HELD_OUT_STYLES_12: the styles written for the current held-out split (seed 1 of each held out)
# ---------------------------------------------------------------------------------------------

TABLES_11 = (*TABLES_10, ds.HELD_OUT_STYLES_11)

def test_held_out_12_styles_are_new_and_held_out():
    """The 15 styles written for the held-out split of 2026-12-08 (tenth session, second
    round): what users upload most, produced pop, dance and rock (electro-pop, tropical house,
    big room, future bass, hyperpop, an R&B slow jam, Jersey club, neo-soul, indie folk,
    metalcore, ska punk, a 12/8 pop ballad, a 3/4 pop waltz, Britpop, a chopped-soul beat): seed
    1 of each is held out and no dev song has the style; no earlier style shares its name, bar
    writer or form; thirteen in 4/4, one in 3/4 and one in 12/8."""
    only = set(ds.HELD_OUT_STYLES_12)
    assert len(only) == 15 and ds.NEW_HELD_OUT_STYLES is ds.HELD_OUT_STYLES_12
    assert not only & _names(TABLES_11)
    assert {f"{s}_1" for s in only} <= set(ds.HELD_OUT)
    assert not only & {_style(n) for n in ds.DEV}
    assert all(ds.style_of(s) is ds.HELD_OUT_STYLES_12[s] for s in only)
    earlier = [style for table in TABLES_11 for style in table.values()]
    for style in ds.HELD_OUT_STYLES_12.values():
        assert all(style.write is not d.write and style.form != d.form for d in earlier)
    assert len({s.write for s in ds.HELD_OUT_STYLES_12.values()}) == len(only)
    assert len({s.form for s in ds.HELD_OUT_STYLES_12.values()}) == len(only)
    signatures = [ds.make_song(name, 1).signature for name in sorted(only)]
    assert signatures.count((4, 4)) == 13
    assert signatures.count((3, 4)) == 1 and signatures.count((12, 8)) == 1
