"""3D mode end to end: a depth model, the camera, depth maps, resume; the perspective flip."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from music_visualizer.runs.job import RenderRequest, prepare_run, render
from music_visualizer.settings import Settings
from tests.resume_check import stop_resume_compare


def _settings(depth: Path, **changes) -> Settings:
    base = dict(mode="3D", renderer="preview", depth_model=str(depth), width=64, height=64,
                fps=8, duration=2.0, seed=4, translation_z="0:(3)", rotation_3d_y="0:(1.5)",
                rotation_3d_z="0:(1)", save_depth_maps=True)
    base.update(changes)
    return Settings(**base)


def _frames(folder: Path, ts: str) -> list[np.ndarray]:
    return [np.asarray(Image.open(p)) for p in
            sorted(folder.glob(f"{ts}_[0-9][0-9][0-9][0-9][0-9].png"))]


def test_a_3d_render_writes_frames_depth_maps_and_resumes_identically(song, tiny_depth,
                                                                       tmp_path):
    settings = _settings(tiny_depth, diffusion_cadence=2)
    whole = render(RenderRequest(audio=song, settings=settings, output_dir=tmp_path / "a",
                                 make_video=False))
    assert whole.n_frames == 16
    frames = _frames(whole.folder, whole.timestring)
    depths = sorted(whole.folder.glob(f"{whole.timestring}_depth_*.png"))
    assert len(frames) == 16 and len(depths) >= 8
    assert not list(whole.folder.glob("*_cadence_*.png"))
    assert not np.array_equal(frames[0], frames[-1])  # the camera moved

    check = stop_resume_compare(song, settings, tmp_path, stop_after=7, whole=whole)  # mid-cadence
    assert check.first.rendered == 7 and check.rest.rendered == 9


def test_3d_with_the_diffusion_model(song, tiny_depth, tiny_model, tmp_path):
    settings = _settings(tiny_depth, renderer="diffusion", model=str(tiny_model), steps=2,
                         duration=0.5, save_depth_maps=False, sampling_mode="bilinear",
                         padding_mode="reflection")
    run = prepare_run(RenderRequest(audio=song, settings=settings, output_dir=tmp_path))
    result = render(RenderRequest(audio=song, settings=settings, output_dir=tmp_path),
                    prepared=run)
    assert result.n_frames == 4 and result.video is not None and result.video.is_file()
    assert not list(result.folder.glob("*_depth_*.png"))


def test_a_missing_depth_model_is_one_clear_error(song, tmp_path):
    from music_visualizer.errors import ModelError

    settings = _settings(tmp_path / "no-such-depth-model")
    with pytest.raises(ModelError, match="depth"):
        render(RenderRequest(audio=song, settings=settings, output_dir=tmp_path))
    assert not list(tmp_path.rglob("*_settings.json"))  # nothing written


def test_the_perspective_flip_keeps_the_translation(song, tmp_path):
    flat = Settings(renderer="preview", width=64, height=64, fps=8, duration=0.5, seed=2,
                    zoom="0:(1)", translation_x="0:(3)", color_coherence="none",
                    noise_schedule="0:(0)")
    flipped = Settings(**{**flat.__dict__, "enable_perspective_flip": True,
                          "perspective_flip_theta": "0:(0)"})
    a = render(RenderRequest(audio=song, settings=flat, output_dir=tmp_path / "a",
                             make_video=False))
    b = render(RenderRequest(audio=song, settings=flipped, output_dir=tmp_path / "b",
                             make_video=False))
    fa, fb = _frames(a.folder, a.timestring), _frames(b.folder, b.timestring)
    # a flip of 0 degrees with the translation kept moves exactly like plain 2D
    for x, y in zip(fa, fb, strict=True):
        assert np.abs(x.astype(int) - y.astype(int)).mean() < 2.0
    tilted = Settings(**{**flipped.__dict__, "perspective_flip_phi": "0:(8)"})
    c = render(RenderRequest(audio=song, settings=tilted, output_dir=tmp_path / "c",
                             make_video=False))
    fc = _frames(c.folder, c.timestring)
    assert np.abs(fc[-1].astype(int) - fa[-1].astype(int)).mean() > 5
