"""Runs started in the same second get their own timestrings; a run being rendered is locked
(threads and processes, released by kill -9); finding a song's runs and a run by timestring."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import numpy as np
import pytest
from PIL import Image

from music_visualizer.errors import RunError
from music_visualizer.runs import store as runs_module
from music_visualizer.runs.job import RenderRequest, prepare_run, render
from music_visualizer.runs.png import encode_png
from music_visualizer.runs.store import (
    RunLock,
    done_frames,
    frame_path,
    list_runs,
    locate_run,
    lock_path,
    reserve_timestring,
    run_is_live,
    settings_path,
    song_dir,
    song_runs,
)
from music_visualizer.settings import Settings
from music_visualizer.ui.cli import main
from tests.conftest import ROOT

TINY = Settings(renderer="preview", width=64, height=64, fps=4, duration=1.0, seed=7,
                zoom="0:(1.05)", angle="0:(2)")  # 4 frames
NOW = dt.datetime(2026, 11, 22, 14, 30, 0)
needs_flock = pytest.mark.skipif(runs_module.fcntl is None, reason="no flock on this platform")

FRAME = encode_png(np.zeros((2, 2, 3), np.uint8))  # a whole (tiny) PNG frame


def _frames(folder, ts):
    return sorted(folder.glob(f"{ts}_[0-9][0-9][0-9][0-9][0-9].png"))


def _stopped_run(song, out, after=2):
    """A new run stopped after ``after`` frames: resumable."""
    seen = []
    result = render(RenderRequest(audio=song, settings=TINY, output_dir=out, make_video=False),
                    on_frame=lambda i, s: seen.append(i), should_stop=lambda: len(seen) >= after)
    assert result.stopped and result.rendered == after
    return result


# --- timestring reservation ---------------------------------------------------------------------

def test_threads_racing_for_one_second_get_distinct_timestrings(tmp_path, monkeypatch):
    # every thread passes the "is it in use?" look before any has created its file
    free = runs_module._in_use
    monkeypatch.setattr(runs_module, "_in_use", lambda *a: free(*a) or time.sleep(0.2))
    barrier = threading.Barrier(8)
    got, errors = [], []

    def claim():
        try:
            barrier.wait()
            got.append(reserve_timestring(tmp_path, "20261122143000"))
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=claim) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(got) == [f"202611221430{s:02d}" for s in range(8)]  # distinct, next seconds
    assert all(settings_path(tmp_path, ts).is_file() for ts in got)


def test_reservation_skips_timestrings_in_use_and_checks_the_format(tmp_path):
    frame_path(tmp_path, "20261130235958", 0).write_bytes(b"orphan frame")
    settings_path(tmp_path, "20261130235959").write_text("{}")
    assert reserve_timestring(tmp_path, "20261130235958") == "20261201000000"
    with pytest.raises(RunError, match="14 digits"):
        reserve_timestring(tmp_path, "2026-11-30")


def test_two_renders_started_in_the_same_second_make_two_complete_runs(song, tmp_path):
    request = RenderRequest(audio=song, settings=TINY, output_dir=tmp_path, make_video=False)
    prepared = [prepare_run(request, now=NOW) for _ in range(2)]
    assert prepared[0].timestring == prepared[1].timestring == "20261122143000"
    barrier = threading.Barrier(2)
    results, errors, started = [None, None], [], []

    def work(i):
        try:
            barrier.wait()
            results[i] = render(request, prepared=prepared[i], on_start=started.append)
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    stamps = sorted(r.timestring for r in results)
    assert stamps == ["20261122143000", "20261122143001"]
    assert sorted(r.timestring for r in started) == stamps  # on_start saw the reserved ones
    folder = results[0].folder
    assert results[1].folder == folder
    reference = None
    for result in results:
        ts = result.timestring
        record = json.loads(settings_path(folder, ts).read_text())
        assert record["timestring"] == ts and record["n_frames"] == 4
        assert [p.name for p in _frames(folder, ts)] == [f"{ts}_{i:05d}.png" for i in range(4)]
        pixels = [np.asarray(Image.open(p)) for p in _frames(folder, ts)]
        if reference is None:
            reference = pixels
        else:  # same settings and seed: each run has its own, whole, identical sequence
            assert all(np.array_equal(a, b) for a, b in zip(reference, pixels, strict=True))
        assert not lock_path(folder, ts).exists()  # released on normal exit
    assert not list(folder.glob(".*.tmp"))


# --- the lock of a live run ---------------------------------------------------------------------

@needs_flock
def test_flock_conflicts_within_one_process(tmp_path):
    import fcntl

    with RunLock(tmp_path, "20261122143000") as lock:
        info = json.loads(lock.path.read_text())
        assert info["pid"] == os.getpid() and info["host"] == socket.gethostname()
        fd = os.open(lock.path, os.O_RDONLY)  # a second open file description
        try:
            for mode in (fcntl.LOCK_EX, fcntl.LOCK_SH):
                with pytest.raises(BlockingIOError):
                    fcntl.flock(fd, mode | fcntl.LOCK_NB)
        finally:
            os.close(fd)
    assert not lock.path.exists()
    assert not run_is_live(tmp_path, "20261122143000")


def test_a_second_thread_is_refused_and_a_released_lock_can_be_taken(tmp_path):
    ts = "20261122143000"
    held, done = threading.Event(), threading.Event()

    def holder():
        with RunLock(tmp_path, ts):
            held.set()
            done.wait(30)

    thread = threading.Thread(target=holder)
    thread.start()
    try:
        assert held.wait(30)
        assert run_is_live(tmp_path, ts)
        with pytest.raises(RunError, match=rf"^Run {ts} is being rendered right now \(process "
                                           rf"{os.getpid()} on host .*; wait for it to finish "
                                           r"or stop it, then resume\.$"):
            RunLock(tmp_path, ts).acquire(wait=0.1)
    finally:
        done.set()
        thread.join()
    assert not run_is_live(tmp_path, ts)
    RunLock(tmp_path, ts).acquire(wait=0).release()


def test_without_flock_threads_are_still_kept_apart(tmp_path, monkeypatch):
    monkeypatch.setattr(runs_module, "fcntl", None)  # as on Windows
    ts = "20261122143000"
    lock = RunLock(tmp_path, ts).acquire()
    assert not lock_path(tmp_path, ts).exists()  # no file that could go stale
    assert run_is_live(tmp_path, ts)
    with pytest.raises(RunError, match="being rendered right now"):
        RunLock(tmp_path, ts).acquire(wait=0)
    lock.release()
    assert not run_is_live(tmp_path, ts)


def test_a_run_being_rendered_by_another_thread_cannot_be_resumed(song, tmp_path, capsys):
    request = RenderRequest(audio=song, settings=TINY, output_dir=tmp_path, make_video=False)
    first_frame, finish = threading.Event(), threading.Event()
    started, outcome = [], []

    def keep_rendering():
        try:
            outcome.append(render(request, on_start=started.append,
                                  on_frame=lambda i, s: first_frame.set(),
                                  should_stop=lambda: first_frame.is_set()
                                  and finish.wait(60)))
        except BaseException as e:
            outcome.append(e)

    thread = threading.Thread(target=keep_rendering)
    thread.start()
    try:
        assert first_frame.wait(60), outcome
        run = started[0]
        ts, folder = run.timestring, run.folder
        assert lock_path(folder, ts).is_file() and run_is_live(folder, ts)
        resume = RenderRequest(audio=song, output_dir=tmp_path, resume=ts, make_video=False)
        message = rf"^Run {ts} is being rendered right now \(process {os.getpid()} on host "
        with pytest.raises(RunError, match=message):
            prepare_run(resume)
        with pytest.raises(RunError, match=message):
            render(resume)
        # a resume prepared before the render started is refused by render() itself
        earlier = dataclasses.replace(run, record=None, resumed=True, start_index=1)
        with pytest.raises(RunError, match=message):
            render(resume, prepared=earlier)
        # a live writer's temp file is a frame being written: never removed
        busy = folder / f".{ts}_00003.png.abc.tmp"
        busy.write_bytes(b"being written")
        assert done_frames(folder, ts, 4, clean=True) >= 1 and busy.exists()
        summary = list_runs(folder)[0]
        assert summary.live and "(rendering now)" in summary.describe()
        capsys.readouterr()
        assert main(["runs", "--audio", str(song), "--output-dir", str(tmp_path)]) == 0
        listed = capsys.readouterr().out.splitlines()
        assert [line for line in listed if line.startswith(ts)] == [
            f"{ts}  {summary.done}/4 frames (rendering now)"]
    finally:
        finish.set()
        thread.join()
    assert outcome[0].stopped and outcome[0].timestring == ts
    assert not run_is_live(folder, ts) and not lock_path(folder, ts).exists()
    assert not list_runs(folder)[0].live
    prepared = prepare_run(resume)  # now it is a normal resumable run; leftovers are cleaned
    assert not busy.exists()
    result = render(resume, prepared=prepared)
    assert not result.stopped and len(_frames(folder, ts)) == 4


@needs_flock
def test_the_lock_of_a_process_killed_with_sigkill_is_free(song, tmp_path):
    stopped = _stopped_run(song, tmp_path)
    ts, folder = stopped.timestring, stopped.folder
    code = ("import sys, time; from music_visualizer.runs.store import RunLock; "
            "RunLock(sys.argv[1], sys.argv[2]).acquire(); print('locked', flush=True); "
            "time.sleep(120)")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", code, str(folder), ts], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "locked"
        assert run_is_live(folder, ts)
        resume = RenderRequest(audio=song, output_dir=tmp_path, resume=ts, make_video=False)
        with pytest.raises(RunError) as refused:
            prepare_run(resume)
        assert str(refused.value) == (
            f"Run {ts} is being rendered right now (process {proc.pid} on host "
            f"{socket.gethostname()}); wait for it to finish or stop it, then resume.")
        assert "rendering now" in list_runs(folder)[0].describe()
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
        proc.stdout.close()
    assert lock_path(folder, ts).exists()  # left behind by the killed process: harmless
    assert not run_is_live(folder, ts)
    assert "resumable" in list_runs(folder)[0].describe()
    result = render(resume)
    assert result.rendered == 2 and not result.stopped
    assert len(_frames(folder, ts)) == 4 and not lock_path(folder, ts).exists()


# --- finding runs -------------------------------------------------------------------------------

def _fake_run(root, song, ts, digest, *, done=0, total=4):
    folder = song_dir(root, song, ts)
    folder.mkdir(parents=True, exist_ok=True)
    settings_path(folder, ts).write_text(json.dumps(
        {"n_frames": total, "song": {"name": song, "audio_hash": digest}}))
    for i in range(done):
        frame_path(folder, ts, i).write_bytes(FRAME)
    return folder


def test_song_runs_lists_the_runs_of_one_audio_newest_first(tmp_path):
    a = _fake_run(tmp_path, "My Song", "20261122143000", "aaa", done=4)
    b = _fake_run(tmp_path, "Artist - My Song", "20261201090000", "aaa", done=1)
    _fake_run(tmp_path, "My Song", "20261122150000", "bbb", done=2)  # another audio
    settings_path(a, "20261122160000").write_text("")  # reserved, not yet written
    (tmp_path / "notes").mkdir()
    found = song_runs(tmp_path, "aaa")
    assert [(r.timestring, r.folder, r.done, r.complete, r.live) for r in found] == [
        ("20261201090000", b, 1, False, False), ("20261122143000", a, 4, True, False)]
    assert [r.timestring for r in song_runs(tmp_path, "bbb")] == ["20261122150000"]
    assert song_runs(tmp_path, "ccc") == [] and song_runs(tmp_path / "missing", "aaa") == []


def test_locate_run_finds_a_run_by_its_timestring_alone(tmp_path):
    a = _fake_run(tmp_path, "My Song", "20261122143000", "aaa")
    b = _fake_run(tmp_path, "Other", "20261201090000", "bbb")
    assert locate_run(tmp_path, "20261122143000") == a
    assert locate_run(tmp_path, " 20261201090000 ") == b
    with pytest.raises(RunError, match=r"^No run 20261122143001 under '.*'; check the timestring"):
        locate_run(tmp_path, "20261122143001")
    with pytest.raises(RunError, match="14 digits"):
        locate_run(tmp_path, "2026112214")
    _fake_run(tmp_path, "Third", "20261122143000", "ccc")
    with pytest.raises(RunError, match="names runs of several songs"):
        locate_run(tmp_path, "20261122143000")
