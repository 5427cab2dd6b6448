"""The development set's ground truth agrees with the MIDI it writes (and the audio rendered).

The tempo map in the MIDI is read back independently of the generator and must give the
annotated beat times; downbeats, meters, sections and the split are checked for consistency.
"""

from __future__ import annotations

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
    # downbeats every `meter` beats, from the first beat
    np.testing.assert_array_equal(song.downbeats, song.beats[::song.meter])
    assert (len(song.beats) - 1) % song.meter == 0
    # sections: contiguous, on downbeats, covering the music
    starts = [s for s, _, _ in song.sections]
    assert starts[0] == 0.0 and song.sections[-1][1] == pytest.approx(song.duration)
    assert all(a[1] == b[0] for a, b in zip(song.sections, song.sections[1:], strict=False))
    assert all(np.isclose(song.downbeats, s).any() for s in starts)
    # notes sound through the song, and the tempo is one the beats have
    onsets = _notes_on(song.midi)
    assert min(onsets) < beat_ticks and max(onsets) >= (len(song.beats) - 2) * beat_ticks
    assert np.min(60 / np.diff(song.beats)) - 1e-6 <= song.tempo <= np.max(
        60 / np.diff(song.beats)) + 1e-6
    assert 25.0 <= song.duration <= 80.0


DEV_NAMES = (  # the dev split the tracker is tuned on: it must not move under it
    "swing_1", "swing_2", "shuffle_1", "shuffle_2", "slow_blues_128_1", "funk_1", "funk_2",
    "reggae_1", "rock_1", "rock_2", "tresillo_1", "house_1", "house_2", "boombap_1", "boombap_2",
    "bossa_1", "jazz_waltz_1", "jazz_waltz_2", "waltz_no_drums_1", "ballad_68_1", "ballad_68_2",
    "five_four_1", "five_four_2", "seven_eight_1", "piano_rubato_1", "piano_rubato_2",
    "strings_34_1", "hand_percussion_1", "rock_ramp_1", "funk_jump_1", *ds.SPENT_HELD_OUT)


def _style(name: str) -> str:
    return name.rsplit("_", 1)[0]


def test_generator_is_deterministic_and_split_disjoint():
    a, b = ds.make_song("swing", 1), ds.make_song("swing", 1)
    assert a.midi == b.midi
    assert ds.make_song("swing", 2).midi != a.midi
    assert ds.DEV == DEV_NAMES
    assert not set(ds.DEV) & set(ds.HELD_OUT)
    assert 0.25 <= len(ds.HELD_OUT) / (len(ds.DEV) + len(ds.HELD_OUT)) <= 0.6
    assert {_style(n) for n in ds.DEV} <= {_style(n) for n in ds.HELD_OUT}
    assert all(n.endswith(f"_{ds.HELD_OUT_SEED}") or _style(n) in ds.HELD_OUT_STYLES_3
               for n in ds.HELD_OUT)
    meters = {ds.make_song(n.rsplit("_", 1)[0], int(n.rsplit("_", 1)[1])).meter
              for n in ds.DEV + ds.HELD_OUT}
    assert meters == {2, 3, 4, 5, 7}


def test_spent_held_out_styles_are_dev_now():
    """Every style written for a held-out split that was measured is in dev now (seed 1), with its
    own bar writer and form, and no later split draws it again."""
    for table in (ds.HELD_OUT_STYLES, ds.HELD_OUT_STYLES_3):
        assert {f"{s}_1" for s in table} <= set(ds.DEV)
        assert not set(table) & set(ds.STYLES)
        assert all(ds.style_of(s) is table[s] for s in table)
    assert not set(ds.HELD_OUT_STYLES) & set(ds.HELD_OUT_STYLES_3)


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
