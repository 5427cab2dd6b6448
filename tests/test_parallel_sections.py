"""One song on many workers (``render --parallel sections``, :mod:`music_visualizer.runs.parts`):
the parts from the plan's prompt changes, the same frames whatever the workers and their order,
the cross-fades between the two sides, resume of a part and of the driver, Ray's workers."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from music_visualizer.errors import RunError, SettingsError
from music_visualizer.modes.plan import build_plan
from music_visualizer.runs.job import RenderRequest, render
from music_visualizer.runs.parts import (
    Parts,
    crossfade,
    load_parts,
    part_dir,
    part_plan,
    part_states,
    parts_dir,
    plan_parts,
    render_part,
    render_sections,
    run_locally,
)
from music_visualizer.runs.store import frame_path
from music_visualizer.settings import Settings, settings_from_dict
from tests.conftest import run_cli
from tests.resume_check import assert_same_frames, frame_files, frames, kill_process_when, start_cli

# Ray tests share one pytest-xdist worker: one local Ray cluster at a time on a 2-core machine.
pytestmark = pytest.mark.xdist_group("ray")

# 6 s at 8 fps = 48 frames; prompts change at frames 16 and 32: three sections
PROMPTS = {"0": "a red sun", "16": "a blue sea", "32": "a green forest"}
PREVIEW = Settings(renderer="preview", width=64, height=48, fps=8, seed=3, prompts=PROMPTS,
                   zoom="0:(1.03)", angle="0:(0.5)")


def _plan(settings: Settings, n_frames: int = 48):
    return build_plan(settings, n_frames=n_frames, seed=settings.seed)


def _bytes(folder: Path, ts: str) -> list[bytes]:
    return [path.read_bytes() for path in frame_files(folder, ts)]


def _pixels(path: Path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("RGB")).astype(int)


# --- the parts ---------------------------------------------------------------------------------

def test_parts_begin_at_the_prompt_changes_and_overlap_by_section_overlap():
    parts = plan_parts(_plan(PREVIEW), PREVIEW)
    assert [(p.start, p.end, p.fresh) for p in parts.parts] == [
        (0, 20, True), (16, 36, True), (32, 48, True)]  # 0.5 s at 8 fps: 4 frames
    assert list(parts.window(1)) == [16, 17, 18, 19] and list(parts.window(0)) == []
    assert list(parts.own(0)) == list(range(16)) and list(parts.own(1)) == list(range(20, 32))
    assert list(parts.own(2)) == list(range(36, 48))
    assert Parts.from_dict(json.loads(json.dumps(parts.to_dict()))) == parts
    no_overlap = replace(PREVIEW, section_overlap=0.0)
    assert [(p.start, p.end) for p in plan_parts(_plan(no_overlap), no_overlap).parts] == [
        (0, 16), (16, 32), (32, 48)]


def test_prompt_changes_closer_than_a_second_share_a_part_and_one_prompt_is_one_part():
    close = replace(PREVIEW, prompts={"0": "a", "4": "b", "24": "c", "44": "d"})
    assert [(p.start, p.end) for p in plan_parts(_plan(close), close).parts] == [
        (0, 28), (24, 48)]  # 4 is 0.5 s after 0, 44 is 0.5 s before the end
    single = replace(PREVIEW, prompts=["one prompt"])
    assert [(p.start, p.end) for p in plan_parts(_plan(single), single).parts] == [(0, 48)]


def test_independent_frames_are_split_into_ranges_of_whole_batches():
    gan = replace(PREVIEW, mode="gan", batch_size=3)
    parts = plan_parts(_plan(PREVIEW), gan)  # 2 s at 8 fps = 16 frames -> 18 (6 batches)
    assert [(p.start, p.end, p.fresh) for p in parts.parts] == [
        (0, 18, False), (18, 36, False), (36, 48, False)]
    assert all(not parts.window(k) for k in range(3))
    rows = part_plan(_plan(PREVIEW), parts.parts[1], gan)
    assert rows.n_frames == 18 and rows.row(0).index == 18  # the run's frame numbers


def test_a_fresh_part_diffuses_from_its_first_frame_on_its_own_prompt():
    settings = replace(PREVIEW, diffusion_cadence=3, prompt_blend=1.0)
    plan = _plan(settings)
    part = plan_parts(plan, settings).parts[1]  # starts at 16, where blending would begin
    assert plan.row(16).prompt_from == "a red sun" and plan.columns["diffuse"][16] == 0
    rows = part_plan(plan, part, settings)
    assert rows.row(0).index == 0 and rows.row(0).prompt == "a blue sea"
    assert rows.row(0).prompt_from is None and rows.row(0).blend == 1.0
    assert rows.columns["diffuse"].tolist()[:7] == [1, 0, 0, 1, 0, 0, 1]
    assert rows.row(5).seed == plan.row(21).seed  # the run's seeds, by frame


def test_crossfade_moves_from_left_to_right():
    left, right = np.zeros((2, 2, 3), np.uint8), np.full((2, 2, 3), 200, np.uint8)
    steps = [int(crossfade(left, right, j, 4)[0, 0, 0]) for j in range(4)]
    assert steps == [40, 80, 120, 160]


# --- rendering in parts (preview renderer, in this process) -------------------------------------

@pytest.fixture(scope="module")
def in_parts(song, tmp_path_factory):
    """A run in parts (the parts' frames kept) and the same run as one sequence."""
    root = tmp_path_factory.mktemp("parallel")
    run = render_sections(RenderRequest(audio=song, settings=PREVIEW, output_dir=root / "a"),
                          keep_parts=True)
    whole = render(RenderRequest(audio=song, settings=PREVIEW, output_dir=root / "whole",
                                 make_video=False))
    return run, whole


def test_parts_in_reverse_order_give_the_same_files(in_parts, song, tmp_path):
    run, _ = in_parts
    backwards = render_sections(
        RenderRequest(audio=song, settings=PREVIEW, output_dir=tmp_path, make_video=False),
        execute=lambda tasks: run_locally(list(reversed(tasks)))[::-1])
    assert _bytes(backwards.folder, backwards.timestring) == _bytes(run.folder, run.timestring)
    assert len(_bytes(run.folder, run.timestring)) == 48
    assert not any(part_dir(backwards.folder, backwards.timestring, k).exists()
                   for k in range(3))  # the parts' frames are deleted once joined
    assert load_parts(backwards.folder, backwards.timestring).n_frames == 48


def test_the_run_has_the_video_with_audio_and_every_frame(in_parts):
    from music_visualizer.runs.video import probe_video

    run, _ = in_parts
    media = probe_video(run.video)
    assert media.n_frames == 48 and media.audio_duration == pytest.approx(6.0, abs=0.1)


def test_the_frames_where_two_parts_meet_are_cross_faded_between_the_two_sides(in_parts):
    run, whole = in_parts
    folder, ts = run.folder, run.timestring
    parts = load_parts(folder, ts)
    for k in (1, 2):
        window = parts.window(k)
        left_part, right_part = parts.parts[k - 1], parts.parts[k]
        for j, frame in enumerate(window):
            left = _pixels(frame_path(part_dir(folder, ts, k - 1), ts, frame - left_part.start))
            right = _pixels(frame_path(part_dir(folder, ts, k), ts, frame - right_part.start))
            out = _pixels(frame_path(folder, ts, frame))
            assert (out >= np.minimum(left, right)).all() and (out <= np.maximum(left, right)).all()
            weight = (j + 1) / (len(window) + 1)
            assert np.abs(out - (left * (1 - weight) + right * weight)).max() <= 0.5 + 1e-9
            assert np.abs(left - right).mean() > 5  # the two sides differ: a real cross-fade
        # the part's own frames are its files, byte for byte
        own = parts.own(k)[0]
        assert (frame_path(folder, ts, own).read_bytes() == frame_path(
            part_dir(folder, ts, k), ts, own - right_part.start).read_bytes())
    # the first part is the run as one sequence up to the first join
    expected = frames(whole.folder, whole.timestring)
    assert_same_frames(expected[:16], frames(folder, ts)[:16])
    assert not np.array_equal(expected[20], frames(folder, ts)[20])  # part 1 started fresh


def test_a_part_stopped_midway_continues_from_its_own_frames(in_parts, song, tmp_path):
    run, _ = in_parts
    reported = [0]

    def stop_part_one(tasks):
        results = []
        for task in tasks:
            stop = (lambda: reported[0] >= 7) if task.index == 1 else None
            results.append(render_part(task, should_stop=stop, on_frame=(
                lambda i, s: reported.__setitem__(0, reported[0] + 1)) if task.index == 1
                else None))
        return results

    first = render_sections(RenderRequest(audio=song, settings=PREVIEW, output_dir=tmp_path,
                                          make_video=False), execute=stop_part_one)
    assert first.stopped
    states = part_states(first.folder, first.timestring)
    assert [s.done for s in states] == [20, 7, 16] and "resumable" in states[1].describe()
    frame_path(part_dir(first.folder, first.timestring, 1), first.timestring, 6).unlink()
    rest = render_sections(RenderRequest(audio=song, settings=Settings(), output_dir=tmp_path,
                                         resume=first.timestring, make_video=False))
    assert not rest.stopped and rest.rendered == 14
    assert _bytes(rest.folder, rest.timestring) == _bytes(run.folder, run.timestring)


def test_a_run_not_started_in_parts_is_not_resumed_in_parts(song, tmp_path):
    first = render(RenderRequest(audio=song, settings=PREVIEW, output_dir=tmp_path,
                                 make_video=False), should_stop=lambda: True)
    with pytest.raises(RunError, match="not started with --parallel sections"):
        render_sections(RenderRequest(audio=song, output_dir=tmp_path, resume=first.timestring))


def test_keep_frames_none_is_refused_in_one_sentence(song, tmp_path):
    with pytest.raises(SettingsError, match="keeps every frame"):
        render_sections(RenderRequest(audio=song, settings=replace(PREVIEW, keep_frames="none"),
                                      output_dir=tmp_path))
    assert not list(tmp_path.rglob("*_settings.json"))


def test_a_damaged_list_of_parts_is_explained(in_parts, tmp_path):
    run, _ = in_parts
    folder = tmp_path / "copy"
    (parts_dir(folder, run.timestring)).mkdir(parents=True)
    (parts_dir(folder, run.timestring) / "parts.json").write_text(
        '{"format": 1, "n_frames": 48, "parts": [[0, 20, true], [30, 48, true]]}')
    with pytest.raises(RunError, match="is damaged"):
        load_parts(folder, run.timestring)


# --- the tiny diffusion model and walk mode ------------------------------------------------------

@pytest.mark.slow
def test_diffusion_parts_are_the_same_in_any_order_and_start_with_txt2img(song, tiny_model,
                                                                          tmp_path):
    settings = replace(PREVIEW, renderer="diffusion", model=str(tiny_model), width=64,
                       height=64, fps=4, steps=2, diffusion_cadence=2, duration=4.0,
                       prompts={"0": "a red sun", "5": "a blue sea", "10": "a green forest"})
    runs = [render_sections(RenderRequest(audio=song, settings=settings,
                                          output_dir=tmp_path / name, make_video=False),
                            execute=execute, keep_parts=True)
            for name, execute in (("forward", None), ("backward", lambda tasks: run_locally(
                list(reversed(tasks)))[::-1]))]
    folder, ts = runs[0].folder, runs[0].timestring
    assert [(p.start, p.end) for p in load_parts(folder, ts).parts] == [(0, 7), (5, 12), (10, 16)]
    assert _bytes(folder, ts) == _bytes(runs[1].folder, runs[1].timestring)
    # part 1's frame 0 is the txt2img of its prompt with the run's seed of frame 5
    seed = _plan(settings, 16).row(5).seed
    alone = render(RenderRequest(audio=song, output_dir=tmp_path / "alone", make_video=False,
                                 settings=replace(settings, seed=seed, prompts=["a blue sea"],
                                                  duration=0.5)))
    assert (frame_path(part_dir(folder, ts, 1), ts, 0).read_bytes()
            == frame_path(alone.folder, alone.timestring, 0).read_bytes())
    assert frame_path(folder, ts, 5).read_bytes() != frame_path(
        part_dir(folder, ts, 1), ts, 0).read_bytes()  # cross-faded with part 0's frame 5


@pytest.mark.slow
def test_walk_ranges_give_the_frames_of_one_sequence(song, tiny_model, tmp_path):
    from tests.test_walk import INTERVALS

    settings = settings_from_dict({
        "mode": "walk", "model": str(tiny_model), "width": 64, "height": 64, "fps": 4,
        "steps": 1, "seed": 5, "batch_size": 2, "intervals": INTERVALS})
    whole = render(RenderRequest(audio=song, settings=settings, output_dir=tmp_path / "a",
                                 make_video=False))
    split = render_sections(RenderRequest(audio=song, settings=settings,
                                          output_dir=tmp_path / "b", make_video=False),
                            execute=lambda tasks: run_locally(list(reversed(tasks)))[::-1])
    parts = load_parts(split.folder, split.timestring)
    assert [(p.start, p.end) for p in parts.parts] == [(0, 8), (8, 14)]
    assert _bytes(split.folder, split.timestring) == _bytes(whole.folder, whole.timestring)


# --- the CLI, the driver killed, Ray's workers ---------------------------------------------------

def _settings_file(tmp_path: Path) -> Path:
    path = tmp_path / "parts.yaml"
    path.write_text("prompts:\n" + "".join(f'  "{k}": {v}\n' for k, v in PROMPTS.items())
                    + 'zoom: "0:(1.03)"\nangle: "0:(0.5)"\n', encoding="utf-8")
    return path


def _cli_args(song: Path, tmp_path: Path) -> list:
    return ["render", "--audio", song, "--settings", _settings_file(tmp_path), "--renderer",
            "preview", "--width", 64, "--height", 48, "--fps", 8, "--seed", 3,
            "--parallel", "sections"]


def test_cli_messages_for_workers_without_parallel_and_a_song_of_one_section(song, tmp_path):
    done = run_cli("render", "--audio", song, "--renderer", "preview", "--workers", "2",
                   "--output-dir", tmp_path)
    assert done.returncode == 2 and "add --parallel sections" in done.stderr
    assert "Traceback" not in done.stderr
    done = run_cli("render", "--audio", song, "--renderer", "preview", "--width", "64",
                   "--height", "48", "--fps", "4", "--prompt", "one", "--parallel", "sections",
                   "--workers", "2", "--no-video", "--output-dir", tmp_path)
    assert done.returncode == 0, done.stderr
    assert "one section" in done.stdout and "one worker" in done.stdout
    assert len(list(tmp_path.rglob("*_000[0-9][0-9].png"))) == 24


@pytest.mark.slow
def test_the_driver_killed_and_run_again_finishes_the_same_frames(in_parts, song, tmp_path):
    run, _ = in_parts
    root = tmp_path / "killed"
    args = [*_cli_args(song, tmp_path), "--workers", "1", "--no-video", "--output-dir", root]

    def part_one_begun(folder: Path, ts: str) -> bool:
        return len(list(part_dir(folder, ts, 1).glob(f"{ts}_*.png"))) >= 3

    folder, ts = kill_process_when(start_cli(args), root, part_one_begun)
    assert len(frame_files(folder, ts)) == 0  # not joined yet
    listed = run_cli("runs", "--audio", song, "--output-dir", root)
    assert "in 3 parts" in listed.stdout and "part 0: frames 0-19, 20/20 (done)" in listed.stdout
    assert "part 2: frames 32-47, 0/16 (waiting)" in listed.stdout
    again = run_cli("render", "--audio", song, "--parallel", "sections", "--workers", "1",
                    "--output-dir", root, "--resume", ts)
    assert again.returncode == 0, again.stderr
    assert "Video:" in again.stdout
    assert _bytes(folder, ts) == _bytes(run.folder, run.timestring)


@pytest.fixture(scope="module")
def local_ray():
    """One local Ray of 2 CPUs for this module's Ray tests (started once: ``run_tasks`` joins a
    Ray this process already runs, and leaves it running); stopped after the module."""
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield
    ray.shutdown()


@pytest.mark.slow
def test_two_ray_workers_one_killed_midway_give_the_files_of_one_worker(in_parts, song,
                                                                        tmp_path, local_ray):
    from music_visualizer.scale.sections import ray_executor

    run, _ = in_parts
    killed: list[int] = []

    def kill_part_one(report):
        task = report.tasks[report.changed]
        if not killed and task.label == "part 1" and task.done >= 5 and task.pid:
            killed.append(task.pid)
            os.kill(task.pid, 9)

    two = render_sections(RenderRequest(audio=song, settings=PREVIEW, output_dir=tmp_path,
                                        make_video=False),
                          execute=ray_executor(workers=2, num_cpus=2, on_progress=kill_part_one))
    assert killed, "the worker rendering part 1 should have been killed mid-part"
    assert not two.stopped
    assert _bytes(two.folder, two.timestring) == _bytes(run.folder, run.timestring)


def test_progress_says_when_each_part_starts_and_ends_and_the_total():
    import io

    from music_visualizer.ui.sections import PartsProgress

    parts = plan_parts(_plan(PREVIEW), PREVIEW)
    now = [0.0]
    out = io.StringIO()
    progress = PartsProgress(parts, every=5.0, stream=out, clock=lambda: now[0])
    progress.done[2] = 6  # resumed: part 2 had 6 frames on disk
    for frame in range(20):
        now[0] += 0.5
        progress.frame(0, frame)
    progress.update(2, 0, "123@host")  # a restarted worker reports 0 before its frames
    lines = out.getvalue().splitlines()
    assert lines[0] == "part 0 (frames 0-19) started"
    assert "part 0 done: 20 frames, 2.11 frames/s" in lines
    assert any(line.startswith("total: frame 26/56 (46%), 1/3 parts done, 2.11 frames/s, ETA")
               for line in lines)
    assert lines[-1] == "part 2 (frames 32-47) started on 123@host"
    assert progress.done[2] == 6


@pytest.mark.slow
def test_workers_that_cannot_see_the_output_folder_send_the_parts_home(in_parts, song,
                                                                      tmp_path, local_ray):
    from music_visualizer.scale.sections import ray_executor

    run, _ = in_parts
    shipped = render_sections(
        RenderRequest(audio=song, settings=PREVIEW, output_dir=tmp_path / "out",
                      make_video=False),
        execute=ray_executor(workers=2, num_cpus=2, storage="object-store"))
    assert _bytes(shipped.folder, shipped.timestring) == _bytes(run.folder, run.timestring)
