"""End to end through the CLI: song -> frames -> MP4, resume after kill -9, bad inputs."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from music_visualizer.runs.video import probe_video
from tests.conftest import run_cli, run_main
from tests.resume_check import kill_resume_compare

pytestmark = pytest.mark.slow


def _run_info(stdout: str) -> tuple[Path, str]:
    folder = Path(re.search(r"^Run folder: (.+)$", stdout, re.M).group(1))
    timestring = re.search(r"run (\d{14})", stdout).group(1)
    return folder, timestring


def _frames(folder: Path, timestring: str) -> list[Path]:
    return sorted(folder.glob(f"{timestring}_[0-9][0-9][0-9][0-9][0-9].png"))


def test_preview_render_writes_frames_settings_and_a_playable_mp4(song, tmp_path):
    result = run_cli("render", "--audio", song, "--renderer", "preview", "--fps", 8,
                     "--duration", 2, "--start", 1, "--width", 64, "--height", 48, "--seed", 3,
                     "--zoom", "0:(1.05)", "--angle", "0:(2)", "--output-dir", tmp_path)
    assert result.returncode == 0, result.stderr
    folder, ts = _run_info(result.stdout)
    assert folder == tmp_path / f"{ts[:4]}-{ts[4:6]}" / "Click_Song"
    frames = _frames(folder, ts)
    assert [p.name for p in frames] == [f"{ts}_{i:05d}.png" for i in range(16)]
    assert Image.open(frames[0]).size == (64, 48)
    # the camera moves: consecutive frames differ
    a, b = (np.asarray(Image.open(p), dtype=np.int16) for p in frames[5:7])
    assert np.abs(a - b).mean() > 1.0

    record = json.loads((folder / f"{ts}_settings.json").read_text())
    for key in ("settings", "model", "seed", "fps", "width", "height", "duration", "start",
                "n_frames", "plan", "version", "song"):
        assert key in record
    assert record["seed"] == 3 and record["n_frames"] == 16 and record["start"] == 1.0
    assert record["song"]["audio_hash"] and record["plan"]["columns"]["zoom"][0] == 1.05
    assert record["settings"]["renderer"] == "preview"

    info = probe_video(folder / f"{ts}.mp4")
    assert (info.video_codec, info.pix_fmt, info.width, info.height) == ("h264", "yuv420p", 64, 48)
    assert info.n_frames == 16 and info.fps == pytest.approx(8)
    assert info.duration == pytest.approx(2.0, abs=0.07)
    assert info.has_audio and info.audio_codec == "aac"
    assert info.audio_duration == pytest.approx(2.0, abs=0.07)
    assert f"Video: {folder / f'{ts}.mp4'}" in result.stdout


def _render_args(song: Path, model: Path) -> list[str]:
    return ["render", "--audio", str(song), "--model", str(model), "--fps", "20", "--duration",
            "2", "--width", "64", "--height", "64", "--steps", "2", "--seed", "5", "--zoom",
            "0:(1.03)", "--angle", "0:(1)", "--no-video", "--prompt", "a red fox",
            "--prompt", "a blue whale --neg blurry"]


def test_a_tiny_model_render_is_reproducible_and_resumes_after_kill_9_to_the_same_frames(
        song, tiny_model, tmp_path, capsys):
    """The same command in two processes (one run whole, one killed with SIGKILL) gives the
    same frames: a diffusion render is reproducible; the resume (the CLI in this process: the
    preview's kill -9 test resumes in a real one) continues exactly."""
    check = kill_resume_compare(_render_args(song, tiny_model), tmp_path,
                                until=lambda folder, ts: len(_frames(folder, ts)) >= 12,
                                cli=lambda *args: run_main(capsys, *args))
    folder, ts, killed_root = check.folder, check.timestring, tmp_path / "killed"
    assert 12 <= check.done < 40 and len(_frames(folder, ts)) == 40
    assert "frames already done" in check.resumed.stdout
    assert not list(folder.glob("*.tmp")) and not list(folder.glob(".*.tmp"))
    assert len(list(folder.glob("*_settings.json"))) == 1  # same timestring, same file

    # the whole run: the camera moves and the prompts are the ones given
    whole_folder, whole_ts = check.whole
    pixels = [np.asarray(Image.open(p), dtype=np.int16) for p in _frames(whole_folder, whole_ts)]
    assert all(np.abs(x - y).mean() > 0.5 for x, y in itertools.pairwise(pixels))
    record = json.loads((whole_folder / f"{whole_ts}_settings.json").read_text())
    assert record["model"] == str(tiny_model)
    assert record["plan"]["prompt_table"] == [["a red fox", ""], ["a blue whale", "blurry"]]
    assert not list(whole_folder.glob("*.mp4"))  # --no-video

    # A resume that would change the frames is refused.
    refused = run_cli("render", "--audio", song, "--output-dir", killed_root, "--resume", ts,
                      "--fps", 24)
    assert refused.returncode == 2
    assert "fps=20.0" in refused.stderr and "Traceback" not in refused.stderr

    # The video command builds the MP4 from the frames afterwards.
    video = run_cli("video", folder, "--timestring", ts)
    assert video.returncode == 0, video.stderr
    info = probe_video(folder / f"{ts}.mp4")
    assert info.n_frames == 40 and info.fps == pytest.approx(20) and info.has_audio


def test_a_schedule_with_nan_frames_renders_with_one_note_line(song, tmp_path):
    """Frames where an expression is not a number (a negative base to a fractional power) are
    filled from their neighbours, as Deforum does; the CLI says so in one ``note:`` line."""
    result = run_cli("render", "--audio", song, "--renderer", "preview", "--fps", 8,
                     "--duration", 2, "--width", 32, "--height", 32,
                     "--zoom", "0:(1 + 0.02*cos(3.141*t/8)**0.9)", "--output-dir", tmp_path)
    assert result.returncode == 0, result.stderr
    notes = [line for line in result.stderr.splitlines() if "zoom" in line]
    assert len(notes) == 1, result.stderr
    assert notes[0].startswith("note: zoom: frames ")
    assert "ScheduleWarning" not in result.stderr and "warnings.warn" not in result.stderr
