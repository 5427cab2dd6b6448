"""``keep_frames: none``: the video encoded in segments while rendering, the frames deleted but
those resume needs, the same MP4 byte for byte after a stop or a ``kill -9`` and a resume."""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import replace
from pathlib import Path

import imageio_ffmpeg
import pytest

from music_visualizer.errors import RunError
from music_visualizer.modes.steps import steps_for
from music_visualizer.runs.job import RenderRequest, build_video, render
from music_visualizer.runs.segments import read_segments, segment_frames, segments_file
from music_visualizer.runs.store import list_runs, segments_dir, video_path
from music_visualizer.runs.video import probe_video
from music_visualizer.settings import Settings
from tests.conftest import run_cli
from tests.resume_check import kill_process_when, same_bytes, start_python
from tests.video_check import frame_durations

# its module-scoped fixtures are built once: every test of this module on one xdist worker
pytestmark = pytest.mark.xdist_group("keep_frames")

MOTION = dict(renderer="preview", width=64, height=48, fps=6, seed=4, zoom="0:(1.04)",
              angle="0:(3)", translation_x="0:(1.5)", diffusion_cadence=2)
NONE = Settings(**MOTION, duration=3.0, keep_frames="none")  # 18 frames
SEGMENT = 4  # frames per segment in these tests (a multiple of the cadence)


def _render(song: Path, root: Path, settings: Settings = NONE, make_video: bool = True, **kw):
    return render(RenderRequest(audio=song, settings=settings, output_dir=root,
                                segment_frames=SEGMENT, make_video=make_video), **kw)


def _pngs(folder: Path, ts: str) -> set[str]:
    return {p.name for p in folder.glob(f"{ts}_*.png")}


def _size(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


def _first_packet_is_key(path: Path) -> bool:
    out = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(path),
                          "-map", "0:v:0", "-c", "copy", "-f", "framecrc", "-"],
                         capture_output=True, text=True, check=True).stdout
    first = next(line for line in out.splitlines() if not line.startswith("#"))
    return "F=0x0" not in first  # framecrc flags only the packets that are not keyframes


@pytest.fixture(scope="module")
def whole(song, tmp_path_factory):
    """An uninterrupted ``keep_frames: none`` run, with its video."""
    return _render(song, tmp_path_factory.mktemp("whole"))


def test_a_none_run_keeps_its_segments_and_video_and_no_frame(whole):
    folder, ts = whole.folder, whole.timestring
    assert not whole.stopped and whole.video == video_path(folder, ts)
    assert _pngs(folder, ts) == set()
    listing = json.loads(segments_file(folder, ts).read_text())
    assert listing == {"version": 1, "fps": 6.0, "width": 64, "height": 48, "segments": [
        {"file": f"seg_{i:05d}.mp4", "first_frame": 4 * i, "frames": 4 if i < 4 else 2}
        for i in range(5)]}
    assert sorted(p.name for p in segments_dir(folder, ts).iterdir()) == [
        *(f"seg_{i:05d}.mp4" for i in range(5)), "segments.json"]
    for seg in read_segments(folder, ts):
        info = probe_video(segments_dir(folder, ts) / seg.file)
        assert (info.n_frames, info.video_codec, info.pix_fmt, info.has_audio) == (
            seg.frames, "h264", "yuv420p", False)
        assert _first_packet_is_key(segments_dir(folder, ts) / seg.file)
    info = probe_video(whole.video)
    assert info.n_frames == 18 and info.fps == pytest.approx(6) and info.has_audio
    assert info.duration == pytest.approx(3.0, abs=1e-3)  # the last segment is 2 frames long:
    assert frame_durations(whole.video) == {1 / 6}  # without B-frames, joined without a jump
    assert info.audio_duration == pytest.approx(3.0, abs=0.05)
    assert list_runs(folder)[0].describe() == f"{ts}  18/18 frames (complete, video)"


def test_stop_then_resume_keeps_only_what_resume_needs_and_gives_the_same_mp4(song, whole,
                                                                              tmp_path):
    reported = [0]
    first = _render(song, tmp_path, on_frame=lambda i, state: reported.__setitem__(
        0, reported[0] + 1), should_stop=lambda: reported[0] >= 10)
    folder, ts = first.folder, first.timestring
    assert first.stopped and first.rendered == 10 and first.video is None
    # frames 0-7 are in two finished segments; 8 and 9 wait for the third
    assert [(s.first_frame, s.frames) for s in read_segments(folder, ts)] == [(0, 4), (4, 4)]
    needed = {p.name for p in steps_for(NONE).state_files(folder, ts, 8, NONE)}
    assert needed == {f"{ts}_00000.png", f"{ts}_00007.png", f"{ts}_cadence_00004.png",
                      f"{ts}_cadence_00006.png"}
    after = {f"{ts}_00008.png", f"{ts}_00009.png", f"{ts}_cadence_00008.png"}
    assert _pngs(folder, ts) == needed | after  # exactly: the rest were deleted
    assert list_runs(folder)[0].describe() == f"{ts}  10/18 frames (resumable)"

    with pytest.raises(RunError, match="keep_frames='none'"):  # the frames are gone
        render(RenderRequest(audio=song, output_dir=tmp_path, resume=ts,
                             overrides={"keep_frames": "all"}))
    rest = render(RenderRequest(audio=song, settings=Settings(), output_dir=tmp_path,
                                resume=ts, segment_frames=SEGMENT))
    assert not rest.stopped and rest.rendered == 8
    same_bytes(whole.video, rest.video, "after a stop at frame 10")
    assert _pngs(folder, ts) == set()


def test_video_runs_and_export_deforum_work_on_a_none_run(song, whole):
    folder, ts = whole.folder, whole.timestring
    before = whole.video.read_bytes()
    whole.video.unlink()
    video = run_cli("video", folder, "--timestring", ts)
    assert video.returncode == 0, video.stderr
    assert whole.video.read_bytes() == before  # rebuilt from the segments, no PNG needed
    runs = run_cli("runs", "--audio", song, "--output-dir", folder.parent.parent)
    assert runs.returncode == 0, runs.stderr
    assert f"{ts}  18/18 frames (complete, video)" in runs.stdout
    export = run_cli("export-deforum", folder, "--timestring", ts)
    assert export.returncode == 0, export.stderr
    assert json.loads((folder / f"{ts}_deforum_settings.txt").read_text())["max_frames"] == 18


def test_a_none_run_uses_a_fraction_of_the_disk_of_an_all_run(song, tmp_path):
    settings = replace(NONE, width=192, height=144, duration=2.0)  # 12 frames
    kept = _render(song, tmp_path / "all", settings=replace(settings, keep_frames="all"))
    lean = _render(song, tmp_path / "none", settings=settings)
    assert len(_pngs(kept.folder, kept.timestring)) == 12 and not _pngs(lean.folder,
                                                                         lean.timestring)
    none_size, all_size = _size(tmp_path / "none"), _size(tmp_path / "all")
    assert none_size < all_size / 3, (none_size, all_size)


def test_a_damaged_segment_list_is_explained(song, tmp_path):
    run = _render(song, tmp_path, settings=replace(NONE, duration=1.0), make_video=False)
    segments_file(run.folder, run.timestring).write_text("{not json")
    with pytest.raises(RunError, match="segment list"):
        read_segments(run.folder, run.timestring)
    with pytest.raises(RunError, match="segment list"):
        build_video(run.folder, run.timestring)


def test_segments_are_about_ten_seconds_of_whole_cadence_blocks():
    assert segment_frames(12) == 120
    assert segment_frames(12, cadence=7) == 126
    assert segment_frames(29.97, cadence=4) == 300
    assert segment_frames(0.05) == 1


_RENDER = """
import json, sys
from pathlib import Path
from music_visualizer.runs.job import RenderRequest, render
from music_visualizer.settings import Settings
audio, root, settings, resume = sys.argv[1:5]
render(RenderRequest(audio=Path(audio), output_dir=Path(root), resume=resume or None,
                     settings=Settings(**json.loads(settings)), segment_frames=4))
"""


def _encoding(folder: Path, ts: str) -> bool:
    """A segment is being written."""
    return any(p.name.endswith(".part") for p in segments_dir(folder, ts).glob("*"))


def _listed(count: int):
    def until(folder: Path, ts: str) -> bool:
        try:
            return len(json.loads(segments_file(folder, ts).read_text())["segments"]) >= count
        except (OSError, ValueError):
            return False
    return until


def _joining(folder: Path, ts: str) -> bool:
    """The final MP4 is being written."""
    return any(re.fullmatch(rf"\.{ts}\.mp4\..*", p.name) for p in folder.glob(".*"))


@pytest.fixture(scope="module")
def longer(song, tmp_path_factory):
    """An uninterrupted ``keep_frames: none`` run of 36 frames (9 segments)."""
    return _render(song, tmp_path_factory.mktemp("longer"),
                   settings=Settings(**MOTION, duration=6.0, keep_frames="none"))


@pytest.mark.slow
@pytest.mark.parametrize("until", [
    lambda folder, ts: len(list(folder.glob(f"{ts}_0*.png"))) >= 3,
    _encoding, _listed(3), _joining,
], ids=["before-any-segment", "mid-segment", "after-3-segments", "mid-join"])
def test_kill_9_at_any_moment_then_resume_gives_the_same_mp4(song, tmp_path, until, longer):
    settings = {**MOTION, "duration": 6.0, "keep_frames": "none"}
    killed = tmp_path / "killed"
    proc = start_python(_RENDER, song, killed, json.dumps(settings), "")
    folder, ts = kill_process_when(proc, killed, until)
    assert not video_path(folder, ts).exists()
    # resumed here, as _RENDER would in a new process (the killed one is gone): no start-up
    resumed = render(RenderRequest(audio=song, output_dir=killed, resume=ts, settings=Settings(),
                                   segment_frames=SEGMENT))
    assert not resumed.stopped
    same_bytes(longer.video, video_path(folder, ts), "after kill -9")
    assert _pngs(folder, ts) == set()
    assert not [p for p in segments_dir(folder, ts).iterdir() if p.name.endswith(".part")]


def test_the_cli_renders_with_keep_frames_none(song, tmp_path):
    result = run_cli("render", "--audio", song, "--renderer", "preview", "--width", 32,
                     "--height", 32, "--fps", 6, "--duration", 1, "--keep-frames", "none",
                     "--output-dir", tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Frames: 6 in " in result.stdout and "their PNGs deleted" in result.stdout
    folder = next(tmp_path.rglob("*_settings.json")).parent
    assert not list(folder.glob("*.png")) and len(list(folder.glob("*.mp4"))) == 1
