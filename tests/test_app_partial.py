"""The app keeps what a stopped render has (its partial video) and, while a ``keep_frames: none``
run renders, offers its latest finished segment (without a browser; see test_app_browser.py)."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from music_visualizer.runs.job import RenderResult
from music_visualizer.runs.store import list_runs
from music_visualizer.runs.video import probe_video
from music_visualizer.ui.actions import (
    AppConfig,
    StoppedRender,
    describe_status,
    field_overrides,
    settings_fields,
    start_render,
)
from music_visualizer.ui.board import JobStatus, RenderBoard


@pytest.mark.slow
def test_a_stopped_render_shows_its_partial_video_and_how_to_resume(tmp_path, song,
                                                                     monkeypatch):
    monkeypatch.setenv("MUSIC_VISUALIZER_CAPTION_MODEL", "none")
    config = AppConfig(output_dir=tmp_path / "out")
    values = {**settings_fields(config.base_settings()), "renderer": "preview", "width": 192,
              "height": 144, "fps": 8, "duration": 6}  # 48 frames: still rendering at frame 3
    board = RenderBoard()
    job, _ = start_render(board, config, link="", audio=str(song),
                          overrides=field_overrides(values, ["a cat"], ""), resume=False,
                          timestring=None)
    deadline = time.monotonic() + 300
    while job.status().done < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert board.stop() is job and job.wait(300)
    status = job.status()
    result = status.result
    assert status.phase == "stopped" and isinstance(result, StoppedRender), status
    assert status.run == (result.folder, result.timestring)
    done = status.done
    assert 3 <= done < 48 and result.video is None and result.problem is None
    partial = result.partial
    assert partial.path == result.folder / f"{result.timestring}_partial.mp4"
    assert (partial.frames, partial.total) == (done, 48)
    info = probe_video(partial.path)
    assert info.n_frames == done and info.duration == pytest.approx(done / 8, abs=1e-3)
    assert info.has_audio
    line = describe_status(status)
    assert line.startswith(f"**Stopped** at frame {done} of 48")
    assert f"the first {done / 8:.1f} s of 6.0 s ({done} of 48 frames)" in line
    assert "tick Resume, pick this run's timestring" in line
    # the run is kept, resumable, and offered as such
    (run,) = list_runs(result.folder)
    assert (run.timestring, run.done, run.complete) == (result.timestring, done, False)
    assert not (result.folder / f"{result.timestring}.mp4").exists()
    assert len(list(result.folder.glob(f"{result.timestring}_0*.png"))) == done


def test_a_stopped_render_without_a_partial_video_says_why():
    result = StoppedRender(Path("/out/run"), "20260101000000", 24, 5, None, True,
                           problem="ffmpeg could not write the video: the disk is full")
    line = describe_status(JobStatus(job_id=1, label="Song, run 20260101000000",
                                     phase="stopped", done=5, total=24, result=result))
    assert "There is no partial video: ffmpeg could not write the video" in line
    assert "tick Resume" in line


def _segments(folder: Path, ts: str, count: int) -> Path:
    """``count`` finished segments listed as the contract has them (the files' bytes do not
    matter to the page's list)."""
    where = folder / f"{ts}_segments"
    where.mkdir(exist_ok=True)
    listed = []
    for k in range(count):
        (where / f"seg_{k:05d}.mp4").write_bytes(b"segment")
        listed.append({"file": f"seg_{k:05d}.mp4", "first_frame": 4 * k, "frames": 4})
    (where / f"seg_{count:05d}.mp4.part").write_bytes(b"being written")
    (where / "segments.json").write_text(json.dumps(
        {"version": 1, "fps": 8.0, "width": 64, "height": 48, "segments": listed}))
    return where


def test_the_page_is_offered_the_latest_finished_segment_while_rendering(tmp_path, monkeypatch):
    import music_visualizer.ui.app as app

    monkeypatch.setattr(app, "SEGMENT_EVERY_S", 0.0)
    monkeypatch.setattr(app, "POLL_S", 0.01)
    config = AppConfig(output_dir=tmp_path)
    folder, ts = tmp_path / "2026-01" / "Song", "20260101000000"
    folder.mkdir(parents=True)
    board = RenderBoard()
    started, finish = threading.Event(), threading.Event()

    def work(job):
        job.set_total(40)
        job.set_run(folder, ts)
        started.set()
        finish.wait(60)
        return RenderResult(folder, ts, 40, 40, None, False)

    job = board.start("Song, run 1", work)
    started.wait(10)
    follow = app._follower(board, config, [])(job.job_id, None)

    def next_segment_update():
        for _ in range(500):
            update = next(follow)[3]  # the video component
            if isinstance(update, dict) and update.get("value"):
                return update
        pytest.fail("no segment was offered")

    first = next(follow)[3]
    assert not (isinstance(first, dict) and first.get("value"))  # no segment yet
    where = _segments(folder, ts, 1)
    update = next_segment_update()
    assert update["value"] == str((where / "seg_00000.mp4").resolve())
    assert update["label"] == "Latest finished segment (seg_00000.mp4, no sound)"
    _segments(folder, ts, 3)
    assert next_segment_update()["value"] == str((where / "seg_00002.mp4").resolve())
    finish.set()
    last = list(follow)[-1]
    assert last[3]["label"] == "Video" and last[3]["value"] is None  # no video: none built
