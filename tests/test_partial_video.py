"""``video`` on an unfinished run: ``<timestring>_partial.mp4`` from the frames so far (and the
finished segments of a ``keep_frames: none`` run), with the song's matching slice."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image

from music_visualizer.runs.job import RenderRequest, render
from music_visualizer.runs.partial import (
    build_partial,
    latest_segment,
    listed_segments,
    partial_path,
    partial_video,
    run_is_finished,
)
from music_visualizer.runs.store import frame_path
from music_visualizer.runs.video import encode_video, probe_video
from music_visualizer.settings import Settings
from music_visualizer.ui.cli import main
from tests.video_check import frame_durations

FPS = 8
# 24 frames from 1.25 s into the click song (120 BPM: a click every 0.5 s from 0 s), so the
# partial video's clicks are at 0.25 s, 0.75 s, ... when its audio slice starts where it should
SMALL = Settings(renderer="preview", fps=FPS, duration=3, start=1.25, width=64, height=48,
                 seed=2, zoom="0:(1.04)", angle="0:(3)")
STOP_AT = 10

pytestmark = pytest.mark.slow  # one small preview render (a few seconds on 2 busy cores)


def _stopped_run(song: Path, root: Path, frames: int = STOP_AT) -> tuple[Path, str]:
    seen: list[int] = []
    result = render(RenderRequest(audio=song, settings=SMALL, output_dir=root),
                    on_frame=lambda i, s: seen.append(i), should_stop=lambda: len(seen) >= frames)
    assert result.stopped and result.video is None
    return result.folder, result.timestring


@pytest.fixture(scope="module")
def stopped(song, tmp_path_factory) -> tuple[Path, Path, str]:
    """An output folder with a run stopped after 10 of its 24 frames (the run's folder and
    timestring); tests change a copy."""
    root = tmp_path_factory.mktemp("stopped")
    return (root, *_stopped_run(song, root))


@pytest.fixture
def run(stopped, tmp_path) -> tuple[Path, str]:
    root, folder, ts = stopped
    shutil.copytree(root, tmp_path / "out")
    return tmp_path / "out" / folder.relative_to(root), ts


def _audio(video: Path) -> np.ndarray:
    """The video's audio, mono float32 at 8 kHz."""
    out = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(video),
                          "-map", "0:a:0", "-ac", "1", "-ar", "8000", "-f", "f32le", "-"],
                         capture_output=True, check=True).stdout
    return np.frombuffer(out, dtype=np.float32)


def _video_frames(video: Path, size: tuple[int, int] = (64, 48)) -> list[np.ndarray]:
    """Every frame the video holds, decoded once each (by its own timestamp: none repeated)."""
    out = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(video),
                          "-map", "0:v:0", "-fps_mode", "passthrough", "-f", "rawvideo",
                          "-pix_fmt", "rgb24", "-"], capture_output=True, check=True).stdout
    width, height = size
    frames = np.frombuffer(out, np.uint8).reshape(-1, height, width, 3)
    return list(frames)


def _check_frames_in_order(video: Path, pngs: list[np.ndarray]) -> None:
    """The video's frames are the PNGs, in order: each decoded frame is nearest its own PNG
    (yuv420p on a 64x48 frame is a few levels off on average)."""
    decoded = _video_frames(video)
    assert len(decoded) == len(pngs)
    for i, frame in enumerate(decoded):
        errors = [np.abs(frame.astype(int) - png).mean() for png in pngs]
        assert int(np.argmin(errors)) == i and errors[i] < 6, errors


def _png(folder: Path, ts: str, index: int) -> np.ndarray:
    return np.asarray(Image.open(frame_path(folder, ts, index)).convert("RGB"))


def test_video_of_a_stopped_run_is_partial_with_the_songs_slice(run, song, capsys):
    folder, ts = run
    assert not run_is_finished(folder, ts, 24)
    assert main(["video", str(folder), "--timestring", ts]) == 0
    out = capsys.readouterr().out
    path = partial_path(folder, ts)
    assert "the first 1.2 s of 3.0 s (10 of 24 frames)" in out
    assert (f"Resume it with: python -m music_visualizer render --audio '{song}' --resume {ts}"
            f" --output-dir {folder.parents[1]} (the full video is built at the end).") in out
    assert out.rstrip().endswith(f"Partial video: {path}")
    assert not (folder / f"{ts}.mp4").exists()
    info = probe_video(path)
    assert (info.n_frames, info.fps, info.width, info.height) == (STOP_AT, FPS, 64, 48)
    assert info.duration == pytest.approx(STOP_AT / FPS, abs=1e-3)
    # the audio ends within one AAC frame (1024 samples: 46 ms at 22.05 kHz) of the video, as
    # in the full video (runs/video.py)
    assert info.has_audio and info.audio_duration == pytest.approx(STOP_AT / FPS, abs=0.05)
    audio = np.abs(_audio(path))
    assert len(audio) / 8000 == pytest.approx(STOP_AT / FPS, abs=0.05)
    # the slice the full video has: from 1.25 s into the song, so the clicks are 0.25 s in
    loudest = [int(np.argmax(audio[a:a + 4000])) + a for a in (0, 4000)]
    assert [round(i / 8000, 2) for i in loudest] == pytest.approx([0.25, 0.75], abs=0.02)
    _check_frames_in_order(path, [_png(folder, ts, i) for i in range(STOP_AT)])


def test_a_finished_run_builds_its_video_as_before(run, song, capsys):
    folder, ts = run
    done = render(RenderRequest(audio=song, output_dir=folder.parents[1], resume=ts,
                                make_video=False))
    assert done.folder == folder and not done.stopped
    assert run_is_finished(folder, ts, 24)
    capsys.readouterr()
    assert main(["video", str(folder), "--timestring", ts]) == 0
    assert capsys.readouterr().out == f"Video: {folder / f'{ts}.mp4'}\n"
    assert probe_video(folder / f"{ts}.mp4").n_frames == 24
    assert not partial_path(folder, ts).exists()


def test_finishing_the_run_deletes_its_partial_video(run, song):
    """The partial video is the first part of the whole one: once the whole video is made, the
    stale partial is gone (no 'video_partial' left to confuse, or to fill Drive)."""
    folder, ts = run
    assert partial_video(folder, ts).is_file()
    done = render(RenderRequest(audio=song, output_dir=folder.parents[1], resume=ts))
    assert done.video == folder / f"{ts}.mp4" and probe_video(done.video).n_frames == 24
    assert not partial_path(folder, ts).exists()


def test_a_run_without_a_frame_is_a_clear_error(run, capsys):
    folder, ts = run
    for index in range(STOP_AT):
        frame_path(folder, ts, index).unlink()
    assert main(["video", str(folder), "--timestring", ts]) == 2
    err = capsys.readouterr().err
    assert err == (f"error: Run {ts} has no frame yet, so there is no video to build; resume "
                   "it (or wait until it has rendered a frame).\n")
    assert not partial_path(folder, ts).exists()


def test_a_missing_frame_ends_the_partial_video(run, capsys):
    folder, ts = run
    frame_path(folder, ts, 6).unlink()
    assert main(["video", str(folder), "--timestring", ts]) == 0
    assert "(6 of 24 frames)" in capsys.readouterr().out
    assert probe_video(partial_path(folder, ts)).n_frames == 6


def _write_segments(folder: Path, ts: str, spans: list[tuple[int, int]],
                    extra: list[dict] | None = None) -> Path:
    """Segments of the run's frames as the contract has them: ``<ts>_segments/seg_NNNNN.mp4``
    (H.264, the final video's encoder settings, no audio) listed in ``segments.json``."""
    where = folder / f"{ts}_segments"
    where.mkdir()
    listed = []
    for k, (first, count) in enumerate(spans):
        with tempfile.TemporaryDirectory() as tmp:
            for i in range(count):
                shutil.copyfile(frame_path(folder, ts, first + i), frame_path(Path(tmp), ts, i))
            encode_video(frames_dir=tmp, timestring=ts, n_frames=count, fps=FPS,
                         out_path=where / f"seg_{k:05d}.mp4")
        listed.append({"file": f"seg_{k:05d}.mp4", "first_frame": first, "frames": count})
    data = {"version": 1, "fps": float(FPS), "width": 64, "height": 48,
            "segments": listed + (extra or [])}
    (where / "segments.json").write_text(json.dumps(data))
    return where


def test_partial_video_of_segments_and_the_frames_after_them(run):
    folder, ts = run
    originals = [_png(folder, ts, i) for i in range(STOP_AT)]
    where = _write_segments(folder, ts, [(0, 4), (4, 4)],
                            extra=[{"file": "seg_00002.mp4", "first_frame": 8, "frames": 2}])
    (where / "seg_00002.mp4.part").write_bytes(b"half a segment")  # being written: not listed
    for index in range(7):  # the frames in finished segments are deleted (7 kept for resume)
        frame_path(folder, ts, index).unlink()
    assert [s.file for s in listed_segments(folder, ts)] == ["seg_00000.mp4",
                                                                  "seg_00001.mp4"]
    assert latest_segment(folder, ts) == where / "seg_00001.mp4"

    partial = build_partial(folder, ts)
    assert (partial.frames, partial.total, partial.path) == (STOP_AT, 24,
                                                             partial_path(folder, ts))
    info = probe_video(partial.path)
    assert info.n_frames == STOP_AT and info.duration == pytest.approx(STOP_AT / FPS, abs=1e-3)
    assert info.video_codec == "h264" and info.pix_fmt == "yuv420p"
    assert info.has_audio and info.audio_duration == pytest.approx(STOP_AT / FPS, abs=0.05)
    assert len(_audio(partial.path)) / 8000 == pytest.approx(STOP_AT / FPS, abs=0.05)
    _check_frames_in_order(partial.path, originals)
    # one frame after the segments: a piece without B-frames, joined without a jump in time
    frame_path(folder, ts, 9).unlink()
    info = probe_video(partial_video(folder, ts))
    assert info.n_frames == 9 and info.duration == pytest.approx(9 / FPS, abs=1e-3)
    assert frame_durations(partial.path) == {1 / FPS}
    # segments only (no frame after them yet)
    for index in range(7, 9):
        frame_path(folder, ts, index).unlink()
    assert partial_video(folder, ts) == partial.path
    assert probe_video(partial.path).n_frames == 8


@pytest.mark.parametrize("spans", [[(0, 9)], [(0, 8)], [(0, 3), (3, 6)]])
def test_a_short_last_piece_joins_without_a_jump(run, spans):
    """Where a piece of a frame or two (no B-frames) follows a segment, the decode times of the
    joined video go on one frame at a time (x264's choices depend on the frames: a few layouts)."""
    folder, ts = run
    _write_segments(folder, ts, spans)
    path = partial_video(folder, ts)
    info = probe_video(path)
    assert info.n_frames == STOP_AT and info.duration == pytest.approx(STOP_AT / FPS, abs=1e-3)
    assert frame_durations(path) == {1 / FPS}


def test_no_segments_yet(run):
    folder, ts = run
    assert latest_segment(folder, ts) is None
    (folder / f"{ts}_segments").mkdir()
    (folder / f"{ts}_segments" / "segments.json").write_text("{not json")
    assert latest_segment(folder, ts) is None and listed_segments(folder, ts) == []


def test_a_run_being_rendered_can_be_watched(run, capsys):
    """``video`` takes no lock: the partial video of a run another process renders right now
    (its lock held, a frame being written as a temp file)."""
    from music_visualizer.runs.store import RunLock

    folder, ts = run
    (folder / f".{ts}_00010.png.tmp").write_bytes(b"half a frame")
    with RunLock(folder, ts):
        assert main(["video", str(folder), "--timestring", ts]) == 0
    assert "(10 of 24 frames)" in capsys.readouterr().out
    assert probe_video(partial_path(folder, ts)).n_frames == STOP_AT


def _cli_render(song: Path) -> list:
    return ["render", "--audio", song, "--renderer", "preview", "--fps", FPS, "--duration", 5,
            "--width", 64, "--height", 48, "--no-video"]


def test_video_of_a_render_killed_with_kill_9(song, tmp_path):
    from music_visualizer.runs.store import done_frames
    from tests.conftest import run_cli
    from tests.resume_check import frame_files, kill_when

    folder, ts = kill_when(_cli_render(song), tmp_path,
                           until=lambda f, t: len(frame_files(f, t)) >= 4)
    done = done_frames(folder, ts, 40)
    assert 4 <= done < 40
    result = run_cli("video", folder, "--timestring", ts)
    assert result.returncode == 0, result.stderr
    assert f"({done} of 40 frames)" in result.stdout
    assert probe_video(partial_path(folder, ts)).n_frames == done


def test_ctrl_c_on_render_says_how_to_watch_what_is_rendered(song, tmp_path):
    import shlex
    import signal

    from tests.conftest import run_cli
    from tests.resume_check import frame_files, start_cli

    proc = start_cli([*_cli_render(song), "--output-dir", tmp_path])
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and proc.poll() is None:
            records = list(tmp_path.rglob("*_settings.json"))
            if records and len(frame_files(records[0].parent, records[0].name[:14])) >= 3:
                break
            time.sleep(0.01)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 130, err
    line = next(x for x in err.splitlines() if x.startswith("Watch what is rendered: "))
    command = shlex.split(line.removeprefix("Watch what is rendered: "))
    assert command[:4] == ["python", "-m", "music_visualizer", "video"]
    watched = run_cli(*command[3:])
    assert watched.returncode == 0, watched.stderr
    assert "Partial video: " in watched.stdout and "of 40 frames)" in watched.stdout
