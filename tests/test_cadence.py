"""Diffusion cadence: which frames are diffused, how the frames between are blended, resume."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from music_visualizer.modes.plan import build_plan
from music_visualizer.render.cadence import CadenceRenderer
from music_visualizer.render.loop import (
    MotionOptions,
    RenderState,
    finish_frame,
    render_frames,
    restore_state,
)
from music_visualizer.runs.store import FrameWriter, cadence_path, frame_path
from music_visualizer.settings import Settings
from tests.resume_check import kill_resume_compare


class FlatRenderer:
    """A stand-in model: diffused frame k is flat grey at level 40 * (k + 1)."""

    def __init__(self, options: MotionOptions) -> None:
        self.options = options
        self.device = torch.device("cpu")
        self.calls: list[int] = []

    def step(self, state: RenderState, row) -> RenderState:
        self.calls.append(row.index)
        level = 40 * len(self.calls) / 255
        image = torch.full((1, 3, 16, 16), level)
        return finish_frame(image, state, row, self.options)


def _plan(n_frames: int, cadence: int, **changes):
    settings = Settings(width=16, height=16, fps=10, diffusion_cadence=cadence,
                        zoom="0:(1)", color_coherence="none", noise_schedule="0:(0)", **changes)
    return build_plan(settings, n_frames=n_frames, seed=3)


def _run(renderer, plan, folder: Path, ts: str = "20261122000000", state=None, stop_at=None):
    folder.mkdir(parents=True, exist_ok=True)
    state = state or RenderState()
    done = [state.next_index]
    with FrameWriter(folder, ts) as writer:
        return render_frames(renderer, plan, state, writer=writer,
                             on_frame=lambda i, s: done.__setitem__(0, i + 1),
                             should_stop=lambda: stop_at is not None and done[0] >= stop_at)


def writer_count(folder: Path, ts: str) -> int:
    return len(list(folder.glob(f"{ts}_[0-9][0-9][0-9][0-9][0-9].png")))


def _frames(folder: Path, ts: str = "20261122000000") -> list[np.ndarray]:
    paths = sorted(folder.glob(f"{ts}_[0-9][0-9][0-9][0-9][0-9].png"))
    return [np.asarray(Image.open(p)).astype(int) for p in paths]


def test_only_every_nth_frame_is_diffused_and_every_frame_is_written(tmp_path):
    options = MotionOptions(color_coherence="none", cadence=3)
    inner = FlatRenderer(options)
    plan = _plan(11, 3)
    assert plan.columns["diffuse"].tolist() == [1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0]
    _run(CadenceRenderer(inner, options), plan, tmp_path)
    assert inner.calls == [0, 3, 6, 9]
    frames = _frames(tmp_path)
    assert len(frames) == 11  # the frame after the last diffused one is written too


def test_frames_between_blend_the_two_newest_diffused_frames(tmp_path):
    options = MotionOptions(color_coherence="none", cadence=4)
    plan = _plan(12, 4)
    _run(CadenceRenderer(FlatRenderer(options), options), plan, tmp_path)
    levels = [f[..., 0].mean() for f in _frames(tmp_path)]
    # block 0: D0 = 40 held; block k: lerp(D(k-1), Dk, (j - 4k + 1) / 4)
    expected = [40, 40, 40, 40,
                50, 60, 70, 80,
                90, 100, 110, 120]
    assert levels == pytest.approx(expected, abs=0.6)


def test_the_frames_between_move_with_the_camera(tmp_path):
    options = MotionOptions(color_coherence="none", cadence=3)

    class Stripe(FlatRenderer):
        def step(self, state, row):
            self.calls.append(row.index)
            image = torch.zeros((1, 3, 16, 16))
            image[..., 4] = 1.0  # a bright column at x = 4
            return finish_frame(image, state, row, self.options)

    plan = _plan(3, 3, translation_x="0:(2)")
    _run(CadenceRenderer(Stripe(options), options), plan, tmp_path)
    columns = [int(np.argmax(f[..., 0].sum(axis=0))) for f in _frames(tmp_path)]
    assert columns == [4, 6, 8]


def test_stop_and_resume_mid_cadence_gives_the_same_frames(tmp_path):
    settings = Settings(width=32, height=32, fps=10, diffusion_cadence=3, zoom="0:(1.05)",
                        angle="0:(2)", renderer="preview", noise_schedule="0:(0.03)")
    plan = build_plan(settings, n_frames=14, seed=7)
    from music_visualizer.render.preview import PreviewRenderer

    def renderer():
        options = MotionOptions.from_settings(settings)
        inner = PreviewRenderer(width=32, height=32, options=options)
        return CadenceRenderer(inner, options), options

    whole, _ = renderer()
    _run(whole, plan, tmp_path / "whole")
    for stop_at in (4, 5, 6):  # mid-block, end of block, just after a diffused frame
        folder = tmp_path / f"part{stop_at}"
        first, _ = renderer()
        state = _run(first, plan, folder, stop_at=stop_at)
        assert state.next_index == stop_at
        second, options = renderer()
        restored = restore_state(folder, "20261122000000", stop_at, device=torch.device("cpu"),
                                 options=options, plan=plan)
        _run(second, plan, folder, state=restored)
        a, b = _frames(tmp_path / "whole"), _frames(folder)
        assert len(a) == len(b) == 14
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert np.array_equal(x, y), f"frame {i} differs after stopping at {stop_at}"


def test_resume_needs_the_saved_diffused_frames(tmp_path):
    options = MotionOptions(color_coherence="none", cadence=3)
    plan = _plan(9, 3)
    _run(CadenceRenderer(FlatRenderer(options), options), plan, tmp_path, stop_at=5)
    assert cadence_path(tmp_path, "20261122000000", 3).is_file()
    assert frame_path(tmp_path, "20261122000000", 4).is_file()


CLI_CADENCE_RUN = ["render", "--renderer", "preview", "--fps", "24", "--duration", "5",
                   "--width", "128", "--height", "128", "--seed", "5", "--zoom", "0:(1.02)",
                   "--angle", "0:(0.5)", "--diffusion-cadence", "3", "--no-video"]


@pytest.mark.slow
def test_kill_9_mid_cadence_then_resume_matches_an_uninterrupted_run(song, tmp_path):
    def mid_block(folder: Path, ts: str) -> bool:
        count = writer_count(folder, ts)
        return count >= 20 and count % 3 != 0

    check = kill_resume_compare([*CLI_CADENCE_RUN, "--audio", str(song)], tmp_path, mid_block)
    assert not list(check.whole[0].glob("*_cadence_*.png"))  # removed once the run is complete
    assert not list(check.folder.glob("*_cadence_*.png"))


def test_seed_advances_once_per_diffused_frame():
    plan = build_plan(replace(Settings(), diffusion_cadence=2, seed_behavior="iter"),
                      n_frames=6, seed=10)
    assert plan.columns["seed"].tolist() == [10, 10, 11, 11, 12, 12]
