"""The one check every mode's resume test makes: stop a run (in the process, or ``kill -9`` of the
CLI) at frame k, resume it, and compare every frame with an uninterrupted run, pixel for pixel.

In the process (:func:`stop_resume_compare`): a render is stopped through ``should_stop`` after k
frames were reported, optionally some frames are deleted as a kill mid-batch would leave them, and
``--resume`` finishes it. Through the CLI (:func:`kill_resume_compare`): the same command is run
whole and, side by side, again and killed with SIGKILL when ``until(folder, timestring)`` says
so, then resumed with ``render --resume``. :func:`start_python` and :func:`kill_process_when` do
the same for a render started from Python code (options the CLI does not have);
:func:`same_bytes` compares files byte for byte (the MP4 of a ``keep_frames: none`` run).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from music_visualizer.runs.job import RenderRequest, RenderResult, render
from music_visualizer.runs.store import frame_path
from music_visualizer.settings import Settings
from tests.conftest import ROOT, offline_env, run_cli, start_cli


def frame_files(folder: Path, ts: str) -> list[Path]:
    """The run's numbered frames, in order."""
    return sorted(folder.glob(f"{ts}_[0-9][0-9][0-9][0-9][0-9].png"))


def frames(folder: Path, ts: str) -> list[np.ndarray]:
    """The run's numbered frames as pixel arrays, in order."""
    return [np.asarray(Image.open(p)) for p in frame_files(folder, ts)]


def run_of(root: Path) -> tuple[Path, str]:
    """The (folder, timestring) of the only run under ``root``."""
    record = next(root.rglob("*_settings.json"))
    return record.parent, record.name[:14]


def assert_same_frames(expected: Sequence[np.ndarray], actual: Sequence[np.ndarray],
                       context: str = "") -> None:
    """Same number of frames, every one identical; the message names the first that is not."""
    assert len(expected) == len(actual), f"{len(actual)} frames, not {len(expected)} {context}"
    for i, (x, y) in enumerate(zip(expected, actual, strict=True)):
        assert x.shape == y.shape and np.array_equal(x, y), f"frame {i} differs {context}"


@dataclass
class ResumeCheck:
    """What :func:`stop_resume_compare` rendered: for the test's own further checks."""

    whole: RenderResult
    first: RenderResult
    rest: RenderResult
    expected: list[np.ndarray]


def stop_resume_compare(song: Path, settings: Settings, tmp_path: Path, *, stop_after: int,
                        drop: Iterable[int] = (), make_video: bool = False,
                        whole: RenderResult | None = None) -> ResumeCheck:
    """Render ``settings`` uninterrupted (unless ``whole`` is given), render again stopping once
    ``stop_after`` frames were reported, delete the frames ``drop`` (as a kill mid-batch leaves a
    run), resume by timestring with default settings (the record decides), and assert that every
    frame equals the uninterrupted run's."""
    drop = tuple(drop)
    if whole is None:
        whole = render(RenderRequest(audio=song, settings=settings, make_video=make_video,
                                     output_dir=tmp_path / "whole"))
    expected = frames(whole.folder, whole.timestring)
    assert not whole.stopped and len(expected) == whole.n_frames
    reported = [0]
    first = render(RenderRequest(audio=song, settings=settings, make_video=make_video,
                                 output_dir=tmp_path / "part"),
                   on_frame=lambda i, state: reported.__setitem__(0, reported[0] + 1),
                   should_stop=lambda: reported[0] >= stop_after)
    assert first.stopped and first.rendered >= stop_after
    assert first.rendered < whole.n_frames, "the stop should land mid-run"
    assert first.video is None
    assert len(frame_files(first.folder, first.timestring)) == first.rendered
    for index in drop:
        frame_path(first.folder, first.timestring, index).unlink()
    rest = render(RenderRequest(audio=song, settings=Settings(), make_video=make_video,
                                output_dir=tmp_path / "part", resume=first.timestring))
    assert not rest.stopped
    assert rest.rendered == whole.n_frames - first.rendered + len(drop)
    assert_same_frames(expected, frames(rest.folder, rest.timestring),
                       f"after stopping at {stop_after}")
    return ResumeCheck(whole=whole, first=first, rest=rest, expected=expected)


def start_python(code: str, *args: str | os.PathLike[str]) -> subprocess.Popen:
    """``python -c CODE ARGS`` in a real process, offline (a render with internal options, e.g.
    tiny video segments)."""
    return subprocess.Popen([sys.executable, "-c", code, *map(str, args)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=offline_env(), cwd=ROOT)


def kill_when(args: Sequence[str | os.PathLike[str]], root: Path,
              until: Callable[[Path, str], bool], timeout: float = 300) -> tuple[Path, str]:
    """Start ``render ARGS --output-dir ROOT`` and SIGKILL it once ``until(folder, ts)``."""
    return kill_process_when(start_cli([*args, "--output-dir", root]), root, until, timeout)


def kill_process_when(proc: subprocess.Popen, root: Path, until: Callable[[Path, str], bool],
                      timeout: float = 300) -> tuple[Path, str]:
    """SIGKILL ``proc`` (rendering a run under ``root``) once ``until(folder, ts)``."""
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            records = list(root.rglob("*_settings.json"))
            if records and until(records[0].parent, records[0].name[:14]):
                break
            time.sleep(0.005)
        assert proc.poll() is None, f"the run ended before it could be killed: {proc.stderr.read()}"
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.communicate()
    return run_of(root)


@dataclass
class KillCheck:
    """What :func:`kill_resume_compare` left: the killed run, and the resume's process."""

    folder: Path
    timestring: str
    done: int  # frames on disk when it was killed
    resumed: subprocess.CompletedProcess
    whole: tuple[Path, str]


def kill_resume_compare(args: Sequence[str | os.PathLike[str]], tmp_path: Path,
                        until: Callable[[Path, str], bool], *,
                        resume_args: Sequence[str] = ("--no-video",),
                        cli: Callable[..., subprocess.CompletedProcess] = run_cli) -> KillCheck:
    """Run ``render ARGS`` whole, run it again killed with SIGKILL when ``until`` says so, resume
    it with ``render --audio ... --resume TS`` (through ``cli``: a real process by default), and
    assert every frame equals the whole run's.

    The whole run and the run to kill are started together (two processes, separate output
    folders): their start-ups overlap; the comparison is the same."""
    whole = start_cli([*args, "--output-dir", tmp_path / "whole"])
    killed = tmp_path / "killed"
    try:
        folder, ts = kill_when(args, killed, until)
    finally:
        _, err = whole.communicate(timeout=600)
    assert whole.returncode == 0, err
    whole_run = run_of(tmp_path / "whole")
    expected = frames(*whole_run)
    done = len(frame_files(folder, ts))
    assert done < len(expected), "the kill should land mid-run"
    audio = args[list(args).index("--audio") + 1]
    resumed = cli("render", "--audio", audio, "--output-dir", killed, "--resume", ts,
                  *resume_args)
    assert resumed.returncode == 0, resumed.stderr
    assert_same_frames(expected, frames(folder, ts), f"(killed after {done} frames)")
    return KillCheck(folder, ts, done, resumed, whole_run)


def same_bytes(expected: Path, actual: Path, context: str = "") -> None:
    """The two files hold the same bytes; the message says where they first differ."""
    x, y = Path(expected).read_bytes(), Path(actual).read_bytes()
    if x != y:
        n = min(len(x), len(y))
        at = next((i for i in range(n) if x[i] != y[i]), n)
        raise AssertionError(f"{actual} differs from {expected} at byte {at} ({len(y)} vs "
                             f"{len(x)} bytes) {context}")
