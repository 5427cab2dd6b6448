"""What the command line says: the real reason a write failed (read-only folder, full disk),
progress lines in logs, the runs an unknown timestring could mean, command-line wording."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from music_visualizer.runs.png import encode_png
from music_visualizer.runs.store import frame_path, storage_problem
from music_visualizer.runs.video import _encode_failure
from music_visualizer.ui.cli import ProgressLines, progress_line
from tests.conftest import click_song, run_cli

SMALL = ["--renderer", "preview", "--fps", "12", "--duration", "2", "--width", "64",
         "--height", "64", "--seed", "2", "--no-video"]


def _run_of(root: Path) -> tuple[Path, str]:
    record = next(root.rglob("*_settings.json"))
    return record.parent, record.name[:14]


@contextlib.contextmanager
def _tmpfs(path: Path, size: str):
    """A tmpfs of ``size`` mounted at ``path`` (skips the test where mounting is not allowed)."""
    path.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {mounted.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def _fill(folder: Path, leave: int) -> None:
    """Fill the file system of ``folder`` until ``leave`` bytes are free."""
    stat = os.statvfs(folder)
    free = stat.f_bavail * stat.f_frsize
    with open(folder / "filler", "wb") as fh:
        fh.truncate(0)
        chunk = b"\0" * (1 << 16)
        remaining = max(free - leave, 0)
        while remaining > 0:
            remaining -= fh.write(chunk[:remaining])


# --- read-only folder, full disk ---------------------------------------------------------------

def test_resuming_into_a_read_only_folder_says_it_is_read_only(song, tmp_path):
    with _tmpfs(tmp_path / "mnt", "20m") as mnt:
        done = run_cli("render", "--audio", song, "--output-dir", mnt, *SMALL)
        assert done.returncode == 0, done.stderr
        folder, ts = _run_of(mnt)
        for i in range(10, 24):
            frame_path(folder, ts, i).unlink()
        before = sorted(p.name for p in folder.iterdir())
        remount = subprocess.run(["mount", "-o", "remount,ro", str(mnt)], capture_output=True)
        if remount.returncode != 0:
            pytest.skip("cannot remount the tmpfs read-only here")
        resumed = run_cli("render", "--audio", song, "--output-dir", mnt, "--resume", ts,
                          "--no-video")
        assert resumed.returncode == 2, resumed.stderr
        err = resumed.stderr
        assert "Traceback" not in err and "free some space" not in err
        assert f"cannot write to '{folder}': it is on a read-only file system" in err
        assert f"--resume {ts}" in err
        assert sorted(p.name for p in folder.iterdir()) == before  # nothing lost


@pytest.mark.slow
def test_a_full_disk_while_rendering_says_the_disk_is_full(song, tmp_path):
    with _tmpfs(tmp_path / "mnt", "400k") as mnt:
        done = run_cli("render", "--audio", song, "--output-dir", mnt, "--renderer", "preview",
                       "--fps", "24", "--duration", "6", "--width", "128", "--height", "128",
                       "--no-video")
        assert done.returncode == 2, done.stdout + done.stderr
        folder, ts = _run_of(mnt)
        assert "Traceback" not in done.stderr
        assert f"the disk holding '{folder}' is full; free some space" in done.stderr
        assert f"--resume {ts}" in done.stderr


def test_a_full_disk_while_encoding_says_the_disk_is_full(song, tmp_path):
    made = run_cli("render", "--audio", song, "--output-dir", tmp_path / "out", *SMALL)
    assert made.returncode == 0, made.stderr
    folder, ts = _run_of(tmp_path / "out")
    rng = np.random.default_rng(0)
    for i in range(24):  # noise: a video that cannot be small
        frame_path(folder, ts, i).write_bytes(
            encode_png(rng.integers(0, 256, (64, 64, 3), dtype=np.uint8)))
    with _tmpfs(tmp_path / "mnt", "2m") as mnt:
        run_dir = mnt / "run"
        shutil.copytree(folder, run_dir)
        _fill(mnt, 16 * 1024)
        result = run_cli("video", run_dir, "--timestring", ts)
    assert result.returncode == 2, result.stderr
    err = result.stderr
    assert "Traceback" not in err and "check the frames and the audio file" not in err
    assert f"the disk holding '{run_dir}' is full; free some space" in err
    assert "No space left on device" in err  # ffmpeg's own words follow


def test_storage_problem_names_the_cause():
    folder = Path("/runs/song")
    for code, words in [(errno.EROFS, "read-only file system"), (errno.EACCES, "no permission"),
                        (errno.EPERM, "no permission"), (errno.ENOSPC, "is full"),
                        (errno.EDQUOT, "quota"), (errno.EFBIG, "too large")]:
        message = storage_problem(OSError(code, os.strerror(code), str(folder)), folder)
        assert words in message and "'/runs/song'" in message, message
    assert "Input/output error" in storage_problem(OSError(errno.EIO, os.strerror(errno.EIO)),
                                                   folder)


def test_ffmpeg_failures_are_told_apart():
    out = Path("/runs/song/x.mp4")
    full = (b"[mp4 @ 0x55] Error writing trailer: No space left on device\n"
            b"Error closing file /runs/song/.x.mp4.1-ab.part: No space left on device\n")
    assert "the disk holding '/runs/song' is full" in _encode_failure(out, 1, full)
    read_only = b"/runs/song/.x.mp4.1-ab.part: Read-only file system\n"
    assert "read-only file system" in _encode_failure(out, 1, read_only)
    other = b"song.mp3: Invalid data found when processing input\n"
    assert "check the frames and the audio file" in _encode_failure(out, 1, other)


def test_a_read_only_output_folder_for_a_new_run(song, tmp_path):
    with _tmpfs(tmp_path / "mnt", "1m") as mnt:
        if subprocess.run(["mount", "-o", "remount,ro", str(mnt)]).returncode != 0:
            pytest.skip("cannot remount the tmpfs read-only here")
        result = run_cli("render", "--audio", song, "--output-dir", mnt / "out", *SMALL)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert (f"Cannot start the run: cannot write to '{mnt}': it is on a read-only file system; "
            "make it writable (mount it read-write), or use another --output-dir.") in result.stderr
    assert "Run folder:" not in result.stdout


# --- progress in logs --------------------------------------------------------------------------

@pytest.mark.slow
def test_progress_lines_when_stderr_is_a_pipe(tmp_path):
    long_song = tmp_path / "Longer Song.wav"
    sf.write(long_song, click_song(8.0), 22050)
    proc = run_cli("render", "--audio", long_song, "--renderer", "preview", "--fps", "24",
                   "--duration", "8", "--width", "64", "--height", "64", "--no-video",
                   "--output-dir", tmp_path / "out", timeout=900)  # stderr is a pipe
    assert proc.returncode == 0, proc.stderr
    counts = [int(m.group(1)) for m in re.finditer(r"^frame (\d+)/192 \(\d+%\)", proc.stderr,
                                                   re.M)]
    assert len(counts) >= 2, proc.stderr
    assert counts == sorted(set(counts)) and counts[0] < 192 and counts[-1] == 192
    assert re.search(r"^frame 192/192 \(100%\), [\d.]+ frames/s, done in \d+:\d\d$",
                     proc.stderr, re.M)
    assert "\r" not in proc.stderr  # no progress bar redrawn into the log


def test_progress_lines_come_every_few_seconds():
    now = [100.0]
    lines: list[str] = []

    class Sink:
        def write(self, text: str) -> None:
            lines.extend(t for t in text.splitlines() if t)

        def flush(self) -> None:
            pass

    bar = ProgressLines(100, 10, every=5.0, stream=Sink(), clock=lambda: now[0])
    for _ in range(90):
        now[0] += 0.5  # two frames a second
        bar.update(1)
    bar.close()
    assert lines[0] == "frame 11/100 (11%), 2 frames/s, ETA 0:44"
    # the first frame, then every 5 s (10 frames), then the end
    assert [int(line.split()[1].split("/")[0]) for line in lines] == [
        11, 21, 31, 41, 51, 61, 71, 81, 91, 100]
    assert lines[-1] == "frame 100/100 (100%), 2 frames/s, done in 0:45"
    lines.clear()
    every_frame = ProgressLines(3, 0, every=0.0, stream=Sink(), clock=lambda: now[0])
    for _ in range(3):
        now[0] += 1.0
        every_frame.update(1)
    every_frame.close()  # the last frame was shown already: no second line for it
    assert [line.split(",")[0] for line in lines] == [
        "frame 1/3 (33%)", "frame 2/3 (66%)", "frame 3/3 (100%)"]
    assert progress_line(5, 10, 0, 0.0) == "frame 5/10 (50%)"
    # a fast render (the preview renderer at a small size) is not written as 1.01e+03
    assert progress_line(192, 192, 192, 0.19) == "frame 192/192 (100%), 1011 frames/s, done in 0:00"
    assert progress_line(1, 192, 1, 0.0147) == "frame 1/192 (0%), 68 frames/s, ETA 0:03"
    assert progress_line(1, 10001, 1, 1.0).endswith("ETA 2:46:40")


# --- what the messages say ---------------------------------------------------------------------

def test_an_unknown_timestring_lists_complete_runs_too(song, tmp_path):
    done = run_cli("render", "--audio", song, "--output-dir", tmp_path, *SMALL)
    assert done.returncode == 0, done.stderr
    _, ts = _run_of(tmp_path)
    result = run_cli("render", "--audio", song, "--output-dir", tmp_path, "--resume",
                     "20200101000000")
    assert result.returncode == 2
    assert f"Resumable runs of this song: none. Complete runs: {ts}." in result.stderr


def test_missing_songs_are_named_by_their_command_line_argument(tmp_path):
    missing = tmp_path / "nothing.mp3"
    empty = tmp_path / "empty.mp3"
    empty.write_bytes(b"")
    for args, expected in [
        (["render", "--audio", missing], f"'{missing}' does not exist; check the path given as "
                                         "--audio."),
        (["render", empty], f"'{empty}' is empty (0 bytes); give the song's file as --audio."),
        (["analyze", missing], f"'{missing}' does not exist; check the path given as SONG."),
        (["runs", "--audio", tmp_path], f"'{tmp_path}' is a folder; check the path given as "
                                        "--audio."),
    ]:
        result = run_cli(*args)
        assert result.returncode == 2, result.stderr
        assert expected in result.stderr and "upload" not in result.stderr


def test_a_failed_model_load_prints_no_run_folder(song, tmp_path):
    result = run_cli("render", "--audio", song, "--output-dir", tmp_path / "out",
                     "--model", tmp_path / "no-such-model", "--duration", "1", "--fps", "2")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "Run folder:" not in result.stdout
    assert not (tmp_path / "out").exists()
    made = run_cli("render", "--audio", song, "--output-dir", tmp_path / "out", *SMALL)
    folder = Path(re.search(r"^Run folder: (.+)$", made.stdout, re.M).group(1))
    assert folder.is_dir() and (folder / f"{_run_of(tmp_path / 'out')[1]}_settings.json").exists()
