"""The modules split (benchmarks/devset/modules.py): a tiny ProTracker module written here,
played through libopenmpt; row times against speed/tempo arithmetic, the grid, the render."""

from __future__ import annotations

import json
import struct

import numpy as np
import pytest

from benchmarks.devset import modules, openmpt

needs_openmpt = pytest.mark.skipif(
    not openmpt.available(), reason="libopenmpt is not installed (apt-get install libopenmpt0)")

PERIOD_C = 428  # ProTracker's C-2
SAMPLE = (np.sign(np.sin(np.arange(2000) * 2 * np.pi / 32)) * 100
          * np.linspace(1, 0, 2000)).astype(np.int8).tobytes()


def _cell(period: int = 0, sample: int = 0, effect: int = 0, param: int = 0) -> bytes:
    return bytes([(sample & 0xF0) | (period >> 8), period & 0xFF,
                  ((sample & 0x0F) << 4) | effect, param])


def _pattern(rows: dict[int, list[bytes]]) -> bytes:
    """64 rows of 4 channels; ``rows`` maps a row to its cells (the rest empty)."""
    out = b""
    for r in range(64):
        cells = rows.get(r, [])
        out += b"".join(cells + [_cell()] * (4 - len(cells)))
    return out


def tiny_mod() -> bytes:
    """Two orders. Pattern 0: speed 6, tempo 125, a note every 4 rows, tempo 150 (F96) at row
    32, a pattern break (D00) at row 47. Pattern 1: speed 4 (F04), a note every 4 rows, a
    pattern break at row 31 (the end of the song)."""
    p0 = {r: [_cell(PERIOD_C, 1)] for r in range(0, 64, 4)}
    p0[0] = [_cell(PERIOD_C, 1), _cell(effect=0xF, param=6), _cell(effect=0xF, param=125)]
    p0[32] = [_cell(PERIOD_C, 1), _cell(effect=0xF, param=150)]
    p0[47] = [_cell(), _cell(effect=0xD, param=0)]
    p1 = {r: [_cell(PERIOD_C, 1)] for r in range(0, 64, 4)}
    p1[0] = [_cell(PERIOD_C, 1), _cell(effect=0xF, param=4)]
    p1[31] = [_cell(), _cell(effect=0xD, param=0)]
    header = b"tiny test".ljust(20, b"\0")
    header += b"beep".ljust(22, b"\0") + struct.pack(">HBBHH", len(SAMPLE) // 2, 0, 64, 0, 1)
    header += (b"\0" * 22 + struct.pack(">HBBHH", 0, 0, 0, 0, 1)) * 30
    header += bytes([2, 127]) + bytes([0, 1] + [0] * 126) + b"M.K."
    return header + _pattern(p0) + _pattern(p1) + SAMPLE


def expected_rows() -> list[float]:
    """Start of every row played, by arithmetic: a row lasts 2.5 / tempo * speed seconds; a
    tempo change (F96 at row 32) takes effect after its row's first tick (ProTracker's timer
    is set during that tick), a speed change at once."""
    row32 = 2.5 / 125 + 5 * 2.5 / 150
    durations = ([modules.row_seconds(6, 125)] * 32 + [row32]
                 + [modules.row_seconds(6, 150)] * 15 + [modules.row_seconds(4, 150)] * 32)
    return list(np.concatenate([[0.0], np.cumsum(durations)[:-1]]))


@needs_openmpt
def test_rows_follow_speed_tempo_and_the_pattern_break():
    playback = modules.play(tiny_mod())
    rows = playback.rows
    assert [(r.order, r.row) for r in rows] == ([(0, i) for i in range(48)]
                                                + [(1, i) for i in range(32)])
    assert (rows[0].speed, rows[0].tempo) == (6, 125)
    assert (rows[40].speed, rows[40].tempo, rows[60].speed) == (6, 150, 4)
    times = np.array([r.time for r in rows])
    tolerance = modules.STEP / modules.SR
    assert np.abs(times - expected_rows()).max() <= tolerance
    assert playback.finished
    assert playback.end == pytest.approx(sum(np.diff(expected_rows())) + 2.5 / 150 * 4,
                                         abs=0.001)


@needs_openmpt
def test_render_is_the_song_and_not_silent():
    playback = modules.play(tiny_mod())
    assert playback.audio.shape[1] == 2
    assert len(playback.audio) / modules.SR == pytest.approx(playback.end, abs=0.01)
    first_beat = playback.audio[: int(0.1 * modules.SR)]
    assert np.abs(first_beat).max() > 0.01
    y = modules.finish_audio(playback.audio, 5.0, fade=True)
    assert len(y) == 5 * modules.SR
    assert np.abs(y).max() == pytest.approx(0.9, abs=1e-4)
    assert np.abs(y[-10:]).max() < 0.01  # faded out


@needs_openmpt
def test_song_truth_and_cache(tmp_path, monkeypatch):
    root = tmp_path / "src"
    entry = modules.Entry("mod_test_tiny", "test-data", "music/tiny.mod", "test")
    (root / "test-data" / "music").mkdir(parents=True)
    (root / "test-data" / "music" / "tiny.mod").write_bytes(tiny_mod())
    monkeypatch.setenv("MUSIC_VISUALIZER_MODULES", str(root))
    song = modules.make_song(entry, tmp_path / "cache")
    starts = expected_rows()
    # 4 rows a beat by convention (speeds 6 and 4: 4 rows are nearest 24 ticks), 16 rows a bar;
    # the pattern break starts a bar
    assert (song.rows_per_beat, song.rows_per_bar, song.truth_source) == (4, 16, "convention")
    assert song.meter == 4
    assert song.ticks_per_beat == round(4 * (48 * 6 + 32 * 4) / 80)  # the mean speed: 5.2
    np.testing.assert_allclose(song.beats, [starts[i] for i in range(0, 80, 4)], atol=1e-3)
    np.testing.assert_allclose(song.downbeats, [starts[i] for i in (0, 16, 32, 48, 64)],
                               atol=1e-3)
    # beats of 125 BPM (3.84 s) last longer than those of 150 (1.6 s) and 225 (2.13 s)
    assert song.tempo == pytest.approx(125.0, abs=0.2)
    path = modules.render(song, tmp_path / "cache")
    truth = json.loads(path.with_suffix(".json").read_text())
    assert truth["beats"] == pytest.approx(song.beats.tolist())
    assert truth["rows_per_beat"] == 4 and truth["format"] == "mod"
    import soundfile as sf

    y, sr = sf.read(path)
    assert sr == 44100 and y.shape[1] == 2 and len(y) / sr == pytest.approx(song.duration, 0.01)
    again = modules.make_song(entry, tmp_path / "cache")  # read back from the cache
    np.testing.assert_allclose(again.beats, song.beats)
    assert again.truth() == song.truth()
    assert "| `mod_test_tiny`: tiny.mod | test-data (test) | MOD | 4, 4 / 16 |" in modules.table(
        [song])


def test_header_highlights_are_read_from_impulse_tracker_files():
    it = b"IMPM" + b"song".ljust(26, b"\0") + bytes([6, 24]) + b"\0" * 64
    assert modules.header_highlights(it) == (6, 24)
    assert modules.header_highlights(b"IMPM" + b"\0" * 26 + bytes([0, 0]) + b"\0" * 8) is None
    assert modules.header_highlights(tiny_mod()) is None


def test_grid_by_convention_is_the_trackers_tempo():
    # the beat nearest 24 ticks: 4 rows at speed 6, 8 at speed 3, 16 at speed 2
    assert modules.choose_grid(None, 6) == (4, 16, "convention")
    assert modules.choose_grid(None, 3) == (8, 32, "convention")
    assert modules.choose_grid((4, 16), 3) == (8, 32, "convention")  # IT's default
    assert modules.choose_grid(None, 2)[0] == 16
    assert modules.choose_grid(None, 5)[0] == modules.choose_grid(None, 8)[0] == 4
    assert modules.choose_grid(None, 4)[0] == 8  # 32 ticks nearer 24 than 16
    assert modules.choose_grid(None, 4.5)[0] == 4  # a swing of speeds 6 and 3: 18 ticks


def test_grid_from_header_keeps_the_composers_bar():
    # 6 rows a beat, 24 a bar at speed 4: 24 ticks, 4 beats a bar
    assert modules.choose_grid((6, 24), 4) == (6, 24, "header")
    # 4/12 at speed 2: 4 rows are 8 ticks, so the beat is the 12-row group (bars of 4 beats)
    assert modules.choose_grid((4, 12), 2) == (12, 48, "header")
    # 2/12 is compound (6 highlights a bar, as 6/8): the beat is 6 rows, 2 a bar
    assert modules.choose_grid((2, 12), 4) == (6, 12, "header")


def test_tempo_is_the_longest_beat_within_read_jitter():
    beats = np.cumsum(np.r_[0.0, [0.4, 0.4004, 0.3996, 0.4, 0.4003] * 3, [0.5] * 4])
    assert modules.longest_tempo(beats, beats[-1] + 0.5) == pytest.approx(150.0, abs=0.05)


def test_sections_start_where_the_order_list_returns():
    assert modules.section_starts([0, 1, 2, 3, 1, 2, 3, 4, 5, 4, 5]) == [0, 4, 7, 9]
    assert modules.section_starts([0, 0, 1, 1, 2, 2]) == [0]  # no return: one section
    assert modules.section_starts([0, 1, 0, 1, 2, 3]) == [0, 2, 4]


def test_the_benchmark_reads_the_modules_split(monkeypatch):
    """``analysis_quality.py --devset --split modules`` scores these songs, also by where
    their grid comes from (nothing is run)."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "analysis_quality.py"
    spec = importlib.util.spec_from_file_location("_bench_analysis_quality_mod", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(modules, "songs", lambda: ["the module songs"])
    assert module.devset_songs("modules") == ["the module songs"]
    rows = [{"split": "modules", "truth_source": "header"},
            {"split": "modules", "truth_source": "convention"},
            {"split": "dev", "truth_source": "exact"}]
    assert [r["split"] for r in module.module_parts(rows)] == ["mod:head", "mod:conv"]
