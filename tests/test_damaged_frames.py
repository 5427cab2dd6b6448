"""A damaged frame in the middle of a run (truncated by a lost connection, emptied, overwritten)
is found: ``runs`` lists the run as resumable, naming the frame, and ``--resume`` renders again
from it, giving the same bytes as a run that was never damaged (cadence runs too)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from music_visualizer.runs.job import RenderRequest, render
from music_visualizer.runs.png import encode_png, png_damage
from music_visualizer.runs.store import cadence_path, frame_path, scan_frames
from music_visualizer.settings import Settings
from tests.conftest import run_cli, run_main

# its module-scoped fixtures are built once: every test of this module on one xdist worker
pytestmark = pytest.mark.xdist_group("damaged_frames")

N_FRAMES = 36
CLI_RUN = ["--renderer", "preview", "--fps", "12", "--duration", "3", "--width", "96",
           "--height", "80", "--seed", "11", "--zoom", "0:(1.03)", "--angle", "0:(1.5)",
           "--no-video"]


def _run_of(root: Path) -> tuple[Path, str]:
    record = next(root.rglob("*_settings.json"))
    return record.parent, record.name[:14]


def _frame_bytes(folder: Path, ts: str, n: int = N_FRAMES) -> list[bytes]:
    return [frame_path(folder, ts, i).read_bytes() for i in range(n)]


@pytest.fixture(scope="module")
def reference(song, tmp_path_factory) -> tuple[Path, list[bytes]]:
    """An uninterrupted CLI run and its frames' bytes."""
    root = tmp_path_factory.mktemp("reference")
    done = run_cli("render", "--audio", song, "--output-dir", root, *CLI_RUN)
    assert done.returncode == 0, done.stderr
    folder, ts = _run_of(root)
    return root, _frame_bytes(folder, ts)


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _garbage(path: Path) -> None:
    rng = np.random.default_rng(1)
    path.write_bytes(rng.integers(0, 256, path.stat().st_size, dtype=np.uint8).tobytes())


def _appended(path: Path) -> None:
    path.write_bytes(path.read_bytes() + b"\0" * 100)


def _other_size(path: Path) -> None:
    path.write_bytes(encode_png(np.zeros((80, 80, 3), np.uint8)))


@pytest.mark.slow
@pytest.mark.parametrize(("damage", "index", "problem"), [
    (_truncate, 17, "truncated"), (_empty, 17, "empty (0 bytes)"),
    (_garbage, 17, "not a PNG file"), (_appended, 30, "100 bytes after its end"),
    (_other_size, 5, "80x80 instead of 96x80"), (_truncate, 0, "truncated"),
])
def test_resume_renders_again_from_a_damaged_frame(song, reference, tmp_path, capsys, damage,
                                                   index, problem):
    ref_root, expected = reference
    root = tmp_path / "out"
    shutil.copytree(ref_root, root)
    folder, ts = _run_of(root)
    damage(frame_path(folder, ts, index))
    later = frame_path(folder, ts, N_FRAMES - 1)
    later.write_bytes(later.read_bytes()[:50])  # a second damaged frame, later on

    # the CLI in this process (the reference run, the video refusal and the finished cadence
    # run's resume are real processes)
    listed = run_main(capsys, "runs", "--audio", song, "--output-dir", root)
    assert listed.returncode == 0, listed.stderr
    assert (f"{ts}  {index}/{N_FRAMES} frames (resumable; frame {index} is damaged: "
            f"{problem})") in listed.stdout

    resumed = run_main(capsys, "render", "--audio", song, "--output-dir", root, "--resume", ts,
                       "--no-video")
    assert resumed.returncode == 0, resumed.stderr
    assert f"Frame {index} is damaged ({problem})" in resumed.stdout
    assert f"{index} of {N_FRAMES} frames already done" in resumed.stdout
    assert _frame_bytes(folder, ts) == expected
    listed = run_main(capsys, "runs", "--audio", song, "--output-dir", root)
    assert f"{ts}  {N_FRAMES}/{N_FRAMES} frames (complete)" in listed.stdout


def test_video_refuses_a_damaged_frame_naming_it(reference, tmp_path):
    root = tmp_path / "out"
    shutil.copytree(reference[0], root)
    folder, ts = _run_of(root)
    _truncate(frame_path(folder, ts, 9))
    result = run_cli("video", folder, "--timestring", ts)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"{ts}_00009.png' is damaged (truncated); resume the run" in result.stderr


# --- cadence: the state holds the diffused frames of the block and the one before -------------

CADENCE = Settings(renderer="preview", fps=12, duration=3, width=96, height=80, seed=4,
                   zoom="0:(1.02)", angle="0:(1)", diffusion_cadence=3)


def _stop_after(n: int):
    seen = []
    return (lambda i, s: seen.append(i)), (lambda: len(seen) >= n)


@pytest.fixture(scope="module")
def cadence_reference(song, tmp_path_factory) -> list[bytes]:
    root = tmp_path_factory.mktemp("cadence-ref")
    done = render(RenderRequest(audio=song, settings=CADENCE, output_dir=root,
                                make_video=False))
    assert not done.stopped and done.n_frames == N_FRAMES
    return _frame_bytes(done.folder, done.timestring)


def _partial_cadence_run(song: Path, root: Path, frames: int) -> tuple[Path, str]:
    on_frame, should_stop = _stop_after(frames)
    part = render(RenderRequest(audio=song, settings=CADENCE, output_dir=root,
                                make_video=False), on_frame=on_frame, should_stop=should_stop)
    assert part.stopped and part.rendered == frames
    return part.folder, part.timestring


@pytest.mark.slow
@pytest.mark.parametrize("index", [13, 12, 14])  # inside a block, its diffused frame, its end
def test_resume_from_a_damaged_frame_inside_a_cadence_block(song, cadence_reference, tmp_path,
                                                            capsys, index):
    folder, ts = _partial_cadence_run(song, tmp_path, 23)  # stopped mid-block too
    assert cadence_path(folder, ts, 12).is_file() and cadence_path(folder, ts, 9).is_file()
    _truncate(frame_path(folder, ts, index))
    assert scan_frames(folder, ts, N_FRAMES).damaged == index
    resumed = run_main(capsys, "render", "--audio", song, "--output-dir", tmp_path, "--resume",
                       ts, "--no-video")
    assert resumed.returncode == 0, resumed.stderr
    assert f"{index} of {N_FRAMES} frames already done" in resumed.stdout
    assert _frame_bytes(folder, ts) == cadence_reference


@pytest.mark.slow
def test_a_damaged_cadence_image_moves_the_resume_back(song, cadence_reference, tmp_path,
                                                       capsys):
    folder, ts = _partial_cadence_run(song, tmp_path, 23)
    _truncate(cadence_path(folder, ts, 21))  # needed to continue after frame 22
    resumed = run_main(capsys, "render", "--audio", song, "--output-dir", tmp_path, "--resume",
                       ts, "--no-video")
    assert resumed.returncode == 0, resumed.stderr
    assert f"21 of {N_FRAMES} frames already done" in resumed.stdout
    assert _frame_bytes(folder, ts) == cadence_reference


@pytest.mark.slow
def test_a_finished_cadence_run_with_a_damaged_frame_renders_again_from_frame_0(
        song, cadence_reference, tmp_path):
    done = render(RenderRequest(audio=song, settings=CADENCE, output_dir=tmp_path,
                                make_video=False))
    assert not list(done.folder.glob("*_cadence_*.png"))  # removed when the run completed
    _garbage(frame_path(done.folder, done.timestring, 20))
    resumed = run_cli("render", "--audio", song, "--output-dir", tmp_path, "--resume",
                      done.timestring, "--no-video")
    assert resumed.returncode == 0, resumed.stderr
    assert "Frame 20 is damaged (not a PNG file)" in resumed.stdout
    assert f"0 of {N_FRAMES} frames already done" in resumed.stdout
    assert _frame_bytes(done.folder, done.timestring) == cadence_reference


def test_png_damage_quick_and_full(tmp_path):
    data = encode_png(np.random.default_rng(0).integers(0, 256, (20, 30, 3), dtype=np.uint8))
    path = tmp_path / "f.png"
    path.write_bytes(data)
    assert png_damage(path, size=(30, 20)) is None and png_damage(path, full=True) is None
    flipped = bytearray(data)
    flipped[60] ^= 1  # inside the image data: only the full check reads it
    path.write_bytes(bytes(flipped))
    assert png_damage(path) is None
    assert png_damage(path, full=True) == "damaged IDAT chunk (CRC error)"
    for cut in (5, 8, 33, 40, len(data) - 1):
        path.write_bytes(data[:cut])
        assert png_damage(path) == "truncated", cut
    assert png_damage(tmp_path / "missing.png") == "missing"
