"""Walk mode: intervals, music-paced positions, the batch renderer, resume and the video."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
import torch

from music_visualizer.errors import SettingsError
from music_visualizer.modes.plan import Plan, build_plan
from music_visualizer.modes.walk.plan import resolve_intervals, walk_columns, walk_positions
from music_visualizer.runs.job import RenderRequest, prepare_run, render
from music_visualizer.settings import Settings, settings_from_dict
from tests.conftest import click_song
from tests.resume_check import stop_resume_compare

INTERVALS = [
    {"start": 0, "end": 2, "prompt_start": "a red forest", "prompt_end": "a blue ocean",
     "kind": "transition", "seed": 11},
    {"start": 2, "end": 3.5, "prompt_start": "a blue ocean", "kind": "hold", "seed": 12},
]


# ------------------------------------------------------------------ positions and intervals


def test_positions_step_with_the_energy_and_end_at_one():
    energy = np.array([0.0, 0.1, 0.1, 1.0, 1.0, 0.1])
    t = walk_positions(energy, smoothing=0.0)
    steps = np.diff(t)
    assert t[0] == 0 and t[-1] == pytest.approx(1.0)
    assert steps[2] == pytest.approx(10 * steps[0])  # a loud frame moves 10x a quiet one
    assert np.all(steps >= 0)


def test_smoothing_blends_toward_linear_and_silence_is_linear():
    energy = np.array([0.0, 0.0, 1.0, 0.0, 0.0])
    assert walk_positions(energy, smoothing=1.0) == pytest.approx(np.linspace(0, 1, 5))
    half = walk_positions(energy, smoothing=0.5)
    assert half == pytest.approx(0.5 * walk_positions(energy, smoothing=0.0)
                                 + 0.5 * np.linspace(0, 1, 5))
    assert walk_positions(np.zeros(4), smoothing=0.0) == pytest.approx(np.linspace(0, 1, 4))


def test_without_endpoint_the_last_frame_stops_one_step_short():
    t = walk_positions(np.ones(4), smoothing=0.0, endpoint=False)
    assert t == pytest.approx([0, 0.25, 0.5, 0.75])


def test_resolve_fills_seeds_and_ideas_and_makes_intervals_from_sections():
    given = settings_from_dict({"intervals": [
        {"start": 0, "end": 2, "prompt_start": "a cat"},
        {"start": 2, "end": 3, "prompt_start": "a dog", "kind": "hold"}]}).intervals
    out = resolve_intervals(given, seed=100, start=0, end=3, prompts=[], default_prompt="x")
    assert [iv["seed"] for iv in out] == [100, 101]
    assert out[0]["seed_end"] == 100 and out[1]["seed_end"] == 102
    assert out[0]["prompt_end"].startswith("a cat, ") and len(out[0]["prompt_end"]) > 8
    assert out[1]["prompt_end"] is None
    assert resolve_intervals(out, seed=7, start=0, end=3, prompts=[], default_prompt="x") == out

    auto = resolve_intervals([], seed=1, start=1.0, end=9.0, prompts=["p1", "p2"],
                             section_starts=[0.0, 4.0, 8.8], default_prompt="x")
    assert [(iv["start"], iv["end"], iv["prompt_start"]) for iv in auto] == [
        (1.0, 4.0, "p1"), (4.0, 9.0, "p2")]  # a section under half a second from the end: none
    assert all(iv["kind"] == "transition" and iv["prompt_end"] for iv in auto)


def test_interval_mistakes_are_named():
    with pytest.raises(SettingsError, match="without gaps"):
        settings_from_dict({"intervals": [{"start": 0, "end": 2, "prompt_start": "a"},
                                          {"start": 2.5, "end": 3, "prompt_start": "b"}]})
    with pytest.raises(SettingsError, match="Did you mean 'prompt_end'"):
        settings_from_dict({"intervals": [{"start": 0, "end": 2, "prompt_start": "a",
                                           "promt_end": "b"}]})
    with pytest.raises(SettingsError, match="'prompt_start' is missing"):
        settings_from_dict({"intervals": [{"start": 0, "end": 2}]})
    with pytest.raises(SettingsError, match=r"end .* must be after start"):
        settings_from_dict({"intervals": [{"start": 2, "end": 1, "prompt_start": "a"}]})
    with pytest.raises(SettingsError, match="walk mode needs the diffusion renderer"):
        settings_from_dict({"mode": "walk", "renderer": "preview"})
    with pytest.raises(SettingsError, match="shorter than one frame"):
        walk_columns(resolve_intervals(
            [{"start": 0, "end": 1.05, "prompt_start": "a", "kind": "hold"},
             {"start": 1.05, "end": 1.1, "prompt_start": "b", "kind": "hold"},
             {"start": 1.1, "end": 2, "prompt_start": "c", "kind": "hold"}],
            seed=1, start=0, end=2, prompts=[], default_prompt="x"),
            fps=4, start=0, n_frames=8, energy=np.ones(8), smoothing=0, hold_motion=0.1)


def test_plan_columns_of_a_transition_and_a_hold():
    settings = settings_from_dict({"mode": "walk", "intervals": INTERVALS, "fps": 4,
                                   "walk_smoothing": 1.0, "hold_motion": 0.2})
    plan = build_plan(settings, n_frames=14, seed=3)
    c = plan.columns
    assert c["blend"][:8] == pytest.approx(np.linspace(0, 1, 8))  # linear (smoothing 1)
    assert c["noise_t"][:8] == pytest.approx(np.linspace(0, 1, 8))
    assert c["seed"].tolist() == [11] * 8 + [12] * 6
    assert c["seed_to"].tolist() == [11] * 8 + [13] * 6
    assert c["noise_t"][8:] == pytest.approx(0.2 * np.linspace(0, 1, 6))
    first, last, held = plan.row(0), plan.row(6), plan.row(10)
    assert (first.prompt_from, first.prompt, first.blend) == ("a red forest", "a blue ocean", 0.0)
    assert last.blend == pytest.approx(6 / 7)
    assert held.prompt == "a blue ocean" and held.blend == 1.0
    again = Plan.from_dict(json.loads(json.dumps(plan.to_dict())))
    assert again.row(10) == held and again.row(6) == last


def _song_quiet_then_loud(path: Path, sr: int = 22050) -> Path:
    """4 s of a soft chord, then 4 s of loud clicks on the chord."""
    quiet = click_song(4.0, sr=sr, bpm=60) * 0.0
    t = np.arange(len(quiet)) / sr
    quiet += (0.05 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    loud = click_song(4.0, sr=sr, bpm=240, seed=1)
    sf.write(path, np.concatenate([quiet, loud]), sr)
    return path


def test_the_walk_moves_further_per_frame_on_loud_percussive_passages(tmp_path):
    song = _song_quiet_then_loud(tmp_path / "quiet loud.wav")
    settings = settings_from_dict({
        "mode": "walk", "fps": 10, "seed": 1, "walk_smoothing": 0.2,
        "intervals": [{"start": 0, "end": 8, "prompt_start": "a", "prompt_end": "b"}]})
    run = prepare_run(RenderRequest(audio=song, settings=settings, output_dir=tmp_path))
    steps = np.diff(run.plan.columns["blend"])
    quiet, loud = steps[5:35].mean(), steps[45:75].mean()
    assert loud > 3 * quiet, (quiet, loud)
    assert run.plan.columns["blend"][-1] == pytest.approx(1.0)


# ------------------------------------------------------------------ the renderer


def test_a_frame_at_the_start_of_a_transition_is_the_start_prompt_on_its_seed(tiny_model):
    from music_visualizer.modes.walk.renderer import WalkRenderer, slerp
    from music_visualizer.render.models import load_pipelines

    pipes = load_pipelines(str(tiny_model), device="cpu")
    walker = WalkRenderer(pipes, width=64, height=64, batch_size=2)
    settings = settings_from_dict({"mode": "walk", "intervals": INTERVALS, "fps": 4,
                                   "steps": 2, "walk_smoothing": 1.0})
    plan = build_plan(settings, n_frames=14, seed=3)
    with torch.inference_mode():
        frames = walker.render_batch([plan.row(0), plan.row(7)])
        start_embeds = pipes.txt2img.encode_prompt("a red forest", "cpu", 1, False)[0]
        end_embeds = pipes.txt2img.encode_prompt("a blue ocean", "cpu", 1, False)[0]
        for embeds, frame, gen_seed in ((start_embeds, frames[0], 11),
                                        (end_embeds, frames[1], 11)):
            direct = pipes.txt2img(prompt_embeds=embeds, latents=walker.noise(11),
                                   num_inference_steps=2, guidance_scale=1.0, width=64,
                                   height=64, output_type="pt",
                                   generator=[torch.Generator("cpu").manual_seed(gen_seed)]
                                   ).images
            expected = direct.mul(255).round().clamp(0, 255).to(torch.uint8)[0]
            # a batch of two sums in another order than one image: a rare 8-bit rounding of
            # one step (another prompt or seed changes most pixels by far more)
            diff = (frame.int() - expected.int()).abs()
            assert int(diff.max()) <= 1 and float((diff > 0).float().mean()) < 1e-3
    a, b = walker.noise(1), walker.noise(2)
    mid = slerp(a, b, 0.5)
    assert float(mid.norm()) == pytest.approx(float(a.norm() + b.norm()) / 2, rel=0.05)
    assert not torch.equal(mid, torch.lerp(a, b, 0.5))


@pytest.mark.slow
def test_walk_render_resumes_to_the_same_frames_and_makes_the_video(song, tiny_model, tmp_path):
    from music_visualizer.runs.video import probe_video

    settings = settings_from_dict({
        "mode": "walk", "model": str(tiny_model), "width": 64, "height": 64, "fps": 6,
        "steps": 2, "seed": 5, "batch_size": 4, "intervals": INTERVALS})
    whole = render(RenderRequest(audio=song, settings=settings, output_dir=tmp_path / "a"))
    assert whole.n_frames == 21 and not whole.stopped  # 3.5 s at 6 fps
    media = probe_video(whole.video)
    assert media.n_frames == 21 and media.audio_duration == pytest.approx(3.5, abs=0.1)

    # stopped after a batch, mid-interval; frames 6 and 7 lost as if killed mid-batch
    check = stop_resume_compare(song, settings, tmp_path, stop_after=6, drop=(6, 7),
                                whole=whole)
    assert check.first.rendered == 8 and check.rest.rendered == 15
    assert not np.array_equal(check.expected[0], check.expected[7])  # the transition moves


def test_duration_that_disagrees_with_the_intervals_is_refused(song, tmp_path):
    settings = settings_from_dict({"mode": "walk", "intervals": INTERVALS, "duration": 5})
    with pytest.raises(SettingsError, match=r"intervals span 3\.5 s"):
        prepare_run(RenderRequest(audio=song, settings=settings, output_dir=tmp_path))


def test_walk_from_the_cli_prints_the_run_and_writes_every_frame(song, tiny_model, tmp_path):
    from tests.conftest import run_cli

    path = tmp_path / "walk.yaml"
    path.write_text(
        "mode: walk\nwidth: 64\nheight: 64\nfps: 4\nsteps: 1\nseed: 2\nintervals:\n"
        "  - {start: 1, end: 2, prompt_start: 'a cat', kind: transition}\n"
        "  - {start: 2, end: 3, prompt_start: 'a dog', kind: hold}\n", encoding="utf-8")
    done = run_cli("render", "--audio", song, "--settings", path, "--model", tiny_model,
                   "--output-dir", tmp_path / "out", "--no-video")
    assert done.returncode == 0, done.stderr
    assert "8 frames" in done.stdout
    record = json.loads(next((tmp_path / "out").glob("*/*/*_settings.json")).read_text())
    assert record["start"] == 1 and record["duration"] == 2
    intervals = record["settings"]["intervals"]
    assert intervals[0]["prompt_end"].startswith("a cat, ")  # an idea, recorded
    assert len(list((tmp_path / "out").glob("*/*/*_0000[0-7].png"))) == 8


def test_settings_round_trip_keeps_resolved_intervals():
    settings = settings_from_dict({"mode": "walk", "intervals": INTERVALS})
    assert settings_from_dict(json.loads(json.dumps(
        {k: getattr(settings, k) for k in ("mode", "intervals")}))) == settings
    assert isinstance(Settings().intervals, list)
