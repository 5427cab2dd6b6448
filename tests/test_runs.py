"""Run folders: safe names, timestrings, atomic frame writes, resume discovery."""

from __future__ import annotations

import datetime as dt
import json
import os

import numpy as np
import pytest
import torch
from PIL import Image

from music_visualizer.errors import RunError
from music_visualizer.runs.png import encode_png
from music_visualizer.runs.store import (
    FrameWriter,
    check_timestring,
    done_frames,
    find_run,
    frame_path,
    list_runs,
    new_timestring,
    safe_name,
    settings_path,
    song_dir,
)

FRAME = encode_png(np.zeros((2, 2, 3), np.uint8))  # a whole (tiny) PNG frame


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("My Song", "My_Song"),
        ('AC/DC: "Back" <in> Black?*|', "ACDC_Back_in_Black"),
        ("../../etc/passwd", "etcpasswd"),
        ("..", "Untitled"),
        (".hidden", "hidden"),
        ("  ", "Untitled"),
        ("Café del Mar — Ibiza", "Café_del_Mar_—_Ibiza"),
        ("CON", "CON_"),
        ("trailing dot.", "trailing_dot"),
        ("tab\there\nnewline", "tab_here_newline"),
    ],
)
def test_safe_name(title, expected):
    assert safe_name(title) == expected


def test_safe_name_is_bounded_and_keeps_whole_characters():
    name = safe_name("日本語" * 100)
    assert len(name.encode("utf-8")) <= 120
    name.encode("utf-8").decode("utf-8")  # no broken multibyte character


def test_song_dir_layout(tmp_path):
    assert song_dir(tmp_path, "A/B song", "20261122143000") == tmp_path / "2026-11" / "AB_song"


def test_timestrings_are_unique_within_a_folder(tmp_path):
    now = dt.datetime(2026, 11, 22, 14, 30, 0, 123)
    first = new_timestring(tmp_path, now=now)
    assert first == "20261122143000"
    (tmp_path / f"{first}_settings.json").write_text("{}")
    assert new_timestring(tmp_path, now=now) == "20261122143001"


@pytest.mark.parametrize("bad", ["2026", "abc", "2026112214300a", "202611221430001"])
def test_bad_timestring(bad):
    with pytest.raises(RunError, match="14 digits"):
        check_timestring(bad)


def test_writer_writes_exact_pngs_and_no_temp_files(tmp_path):
    frames = [torch.randint(0, 256, (1, 3, 16, 24), dtype=torch.uint8) for _ in range(20)]
    with FrameWriter(tmp_path, "20260101000000", max_pending=2) as writer:
        for i, frame in enumerate(frames):
            writer.submit(i, frame)
    for i, frame in enumerate(frames):
        saved = np.asarray(Image.open(frame_path(tmp_path, "20260101000000", i)))
        assert np.array_equal(saved, frame[0].permute(1, 2, 0).numpy())
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]


def test_writer_reports_its_failure_to_the_producer(tmp_path):
    writer = FrameWriter(tmp_path, "20260101000000")
    writer.submit(0, torch.zeros(1, 3, 4, 4))  # float: not a frame
    with pytest.raises(TypeError, match="uint8"):
        writer.close()


def test_done_frames_reads_numbers_not_counts(tmp_path):
    ts = "20260101000000"
    for i in (0, 1, 2, 4):
        frame_path(tmp_path, ts, i).write_bytes(FRAME)
    (tmp_path / "20251231000000_00003.png").write_bytes(b"other run")
    (tmp_path / f".{ts}_00003.png.abc.tmp").write_bytes(b"half")
    assert done_frames(tmp_path, ts, 10) == 3
    assert list(tmp_path.glob(".*.tmp"))  # listing never touches a live writer's temp file
    assert done_frames(tmp_path, ts, 10, clean=True) == 3
    assert not list(tmp_path.glob(".*.tmp"))  # resuming removes a killed writer's leftovers
    assert done_frames(tmp_path, ts, 2) == 2


def test_list_and_find_runs(tmp_path):
    folder = song_dir(tmp_path, "Song", "20261122143000")
    folder.mkdir(parents=True)
    for ts, frames in (("20261122143000", 5), ("20261122150000", 2)):
        settings_path(folder, ts).write_text(json.dumps({"n_frames": 5}))
        for i in range(frames):
            frame_path(folder, ts, i).write_bytes(FRAME)
    runs = list_runs(folder)
    assert [(r.timestring, r.done, r.complete) for r in runs] == [
        ("20261122150000", 2, False), ("20261122143000", 5, True)]
    assert find_run(tmp_path, "Song", "20261122150000") == folder
    with pytest.raises(RunError, match=r"No run 20261122160000 .* Resumable runs of this song: "
                                       r"20261122150000\."):
        find_run(tmp_path, "Song", "20261122160000")


def test_find_run_by_timestring_when_the_folder_has_another_name(tmp_path):
    folder = song_dir(tmp_path, "Artist - Title", "20261122143000")
    folder.mkdir(parents=True)
    settings_path(folder, "20261122143000").write_text(json.dumps({"n_frames": 5}))
    assert find_run(tmp_path, "title_tag_name", "20261122143000") == folder
