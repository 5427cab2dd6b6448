"""Programs we start die with us: kill -9 of ``render`` or ``video`` while the MP4 is encoding
stops ffmpeg too, and the next encode removes the killed encode's ``.part`` file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from music_visualizer.runs.job import RenderRequest, render
from music_visualizer.runs.png import encode_png
from music_visualizer.runs.store import frame_path, video_path
from music_visualizer.runs.video import encode_video
from music_visualizer.settings import Settings
from tests.conftest import ROOT, click_song

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")

FPS = 120
SECONDS = 25  # 3000 frames of noise: minutes of encoding, so ffmpeg would outlive the test


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of a process from /proc, or None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text.rsplit(")", 1)[1].split()
    return fields[0], int(fields[1])


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for init to reap it is dead)."""
    stat = _stat(pid)
    return stat is not None and stat[0] not in ("Z", "X")


def _child_with(parent: int, word: bytes) -> int | None:
    """The pid of a child of ``parent`` whose command line contains ``word``."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        stat = _stat(int(entry))
        if stat is None or stat[1] != parent:
            continue
        try:
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        if word in cmdline:
            return int(entry)
    return None


def _wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.01)
    raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")


@pytest.fixture(scope="module")
def long_run(tmp_path_factory) -> tuple[Path, Path, str, Path]:
    """A real run (record made by render, stopped before frame 0) whose 3000 frames are 512x512
    noise (hard links to 8 noise images): its MP4 takes minutes to encode."""
    root = tmp_path_factory.mktemp("lifetime")
    song = root / "Long Song.wav"
    sf.write(song, click_song(SECONDS), 22050)
    settings = Settings(renderer="preview", width=512, height=512, fps=FPS, duration=SECONDS,
                        seed=3)
    result = render(RenderRequest(audio=song, settings=settings, output_dir=root / "out",
                                  make_video=False), should_stop=lambda: True)
    assert result.stopped and result.rendered == 0
    rng = np.random.default_rng(0)
    noise = []
    for k in range(8):
        path = root / f"noise{k}.png"
        path.write_bytes(encode_png(rng.integers(0, 256, (512, 512, 3), dtype=np.uint8)))
        noise.append(path)
    for i in range(result.n_frames):
        os.link(noise[i % len(noise)], frame_path(result.folder, result.timestring, i))
    return song, result.folder, result.timestring, root / "out"


def _start(*args: str | os.PathLike[str]) -> subprocess.Popen:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "music_visualizer", *map(str, args)],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env=env, cwd=ROOT)


@pytest.mark.slow
@pytest.mark.parametrize("command", ["video", "render"])
def test_kill_9_while_encoding_stops_ffmpeg(long_run, command):
    song, folder, ts, out = long_run
    if command == "video":
        proc = _start("video", folder, "--timestring", ts)
    else:  # every frame is on disk: resuming goes straight to the encode
        proc = _start("render", "--audio", song, "--resume", ts, "--output-dir", out)
    try:
        encoder = _wait_for(lambda: _child_with(proc.pid, b"libx264"), 300, "ffmpeg to start")
        time.sleep(0.5)  # encoding for a moment: it has written part of the file
        assert _alive(encoder) and proc.poll() is None
    finally:
        proc.kill()
        proc.wait()
    _wait_for(lambda: not _alive(encoder), 30, f"ffmpeg (pid {encoder}) to stop")
    parts = list(folder.glob(f".{ts}.mp4.{proc.pid}-*.part"))
    assert parts, "the killed encode leaves its part file"
    # the next encode removes the part file of the encode whose process is gone
    encode_video(frames_dir=folder, timestring=ts, n_frames=2, fps=FPS,
                 out_path=video_path(folder, ts))
    assert not any(p.exists() for p in parts)
    video_path(folder, ts).unlink()


_CHILD = textwrap.dedent("""
    import sys, threading
    from music_visualizer import child_process
    guard = {"guard": True, "prctl": False}[sys.argv[1]]
    def work():
        child_process.run(["sleep", "300"], guard=guard)
    if sys.argv[2] == "thread":  # as in the app: the program is started by a worker thread
        worker = threading.Thread(target=work)
        worker.start()
        worker.join()
    else:
        work()
""")


@pytest.mark.parametrize(("how", "where"), [("prctl", "main"), ("prctl", "thread"),
                                            ("guard", "main"), ("guard", "thread")])
def test_a_child_program_dies_with_a_parent_killed_with_sigkill(how, where):
    if how == "prctl" and not sys.platform.startswith("linux"):
        pytest.skip("PR_SET_PDEATHSIG is Linux only")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    parent = subprocess.Popen([sys.executable, "-c", _CHILD, how, where], env=env, cwd=ROOT,
                              stdin=subprocess.DEVNULL)
    try:
        if how == "guard":  # parent -> guard (python) -> sleep
            guard = _wait_for(lambda: _child_with(parent.pid, b"child.kill"), 60, "the guard")
            sleeper = _wait_for(lambda: _child_with(guard, b"sleep"), 60, "sleep to start")
        else:
            sleeper = _wait_for(lambda: _child_with(parent.pid, b"sleep"), 60, "sleep to start")
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait()
    _wait_for(lambda: not _alive(sleeper), 30, f"sleep (pid {sleeper}) to stop")


def test_run_returns_output_and_kills_the_program_on_timeout():
    from music_visualizer import child_process

    for guard in (False, True):
        done = child_process.run([sys.executable, "-c", "import sys; print('out'); "
                                  "print('err', file=sys.stderr); sys.exit(3)"],
                                 guard=guard, capture_output=True, text=True)
        assert (done.returncode, done.stdout, done.stderr) == (3, "out\n", "err\n")
        marker = f"sleep-{guard}-{os.getpid()}"
        with pytest.raises(subprocess.TimeoutExpired):
            child_process.run([sys.executable, "-c", "import time; time.sleep(300)", marker],
                              guard=guard, timeout=1)
        # no program with the marker is left running
        left = [e for e in os.listdir("/proc") if e.isdigit() and _alive(int(e))
                and marker.encode() in _cmdline(int(e))]
        assert not left


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""
