"""GAN mode end to end: run folders, vectors saved with the run, resume, video, options, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from music_visualizer.errors import RunError, SettingsError
from music_visualizer.runs.job import RenderRequest, prepare_run, render
from music_visualizer.runs.store import gan_path
from music_visualizer.settings import settings_from_dict
from tests.conftest import run_cli
from tests.resume_check import stop_resume_compare


@pytest.fixture(scope="module")
def tiny_gan(tiny_biggan) -> Path:
    return tiny_biggan


def _settings(tiny_gan: Path, **changes):
    return settings_from_dict({"mode": "gan", "gan_model": str(tiny_gan), "width": 48,
                               "height": 32, "fps": 10, "seed": 4, "duration": 3,
                               "batch_size": 4, **changes})


def _frames(folder: Path, ts: str) -> list[np.ndarray]:
    paths = sorted(folder.glob(f"{ts}_[0-9][0-9][0-9][0-9][0-9].png"))
    return [np.asarray(Image.open(p)) for p in paths]


def test_a_gan_run_has_every_frame_its_vectors_and_the_video(song, tiny_gan, tmp_path):
    from music_visualizer.modes.gan.vectors import GanVectors
    from music_visualizer.runs.video import probe_video

    result = render(RenderRequest(audio=song, settings=_settings(tiny_gan),
                                  output_dir=tmp_path))
    assert result.n_frames == 30 and not result.stopped
    frames = _frames(result.folder, result.timestring)
    assert len(frames) == 30 and frames[0].shape == (32, 48, 3)
    assert not all(np.array_equal(frames[0], f) for f in frames[1:])  # it moves
    vectors = GanVectors.load(gan_path(result.folder, result.timestring))
    assert vectors.noise.shape == (30, 128) and vectors.weights.shape == (30, 12)
    record = json.loads((result.folder / f"{result.timestring}_settings.json").read_text())
    assert record["settings"]["classes"] == vectors.classes.tolist()  # recorded for reuse
    info = probe_video(result.video)
    assert info.n_frames == 30 and info.audio_duration == pytest.approx(3.0, abs=0.1)


def test_a_stopped_gan_run_resumes_to_the_same_frames(song, tiny_gan, tmp_path):
    # stopped after a batch of 4, then frames 10 and 11 lost as if killed mid-batch
    check = stop_resume_compare(song, _settings(tiny_gan), tmp_path, stop_after=9,
                                drop=(10, 11))
    assert check.first.rendered == 12 and check.rest.rendered == 20


def test_a_run_without_its_vectors_cannot_be_resumed(song, tiny_gan, tmp_path):
    first = render(RenderRequest(audio=song, settings=_settings(tiny_gan), make_video=False,
                                 output_dir=tmp_path), should_stop=lambda: True)
    gan_path(first.folder, first.timestring).unlink()
    with pytest.raises(RunError, match="lost its GAN vectors"):
        prepare_run(RenderRequest(audio=song, output_dir=tmp_path, resume=first.timestring))


def test_previous_classes_and_vectors_come_from_the_newest_gan_run(song, tiny_gan, tmp_path):
    first = render(RenderRequest(audio=song, settings=_settings(tiny_gan, classes=[1, 2, 3],
                                                                num_classes=3),
                                 output_dir=tmp_path), should_stop=lambda: True)
    again = prepare_run(RenderRequest(audio=song, output_dir=tmp_path, settings=_settings(
        tiny_gan, seed=9, use_previous_classes=True)))
    assert sorted(again.settings.classes) == [1, 2, 3] and len(again.gan.classes) == 3
    same = prepare_run(RenderRequest(audio=song, output_dir=tmp_path, settings=_settings(
        tiny_gan, seed=99, use_previous_vectors=True)))
    old = np.load(gan_path(first.folder, first.timestring))
    assert np.array_equal(same.gan.noise, old["noise"])
    with pytest.raises(SettingsError, match="same start, duration and fps"):
        prepare_run(RenderRequest(audio=song, output_dir=tmp_path, settings=_settings(
            tiny_gan, duration=2, use_previous_vectors=True)))
    with pytest.raises(SettingsError, match="no earlier GAN run"):
        prepare_run(RenderRequest(audio=song, output_dir=tmp_path / "empty", settings=_settings(
            tiny_gan, use_previous_classes=True)))


def test_frame_length_sets_the_fps_as_in_the_deep_music_visualizer(song, tiny_gan, tmp_path):
    run = prepare_run(RenderRequest(audio=song, output_dir=tmp_path, settings=_settings(
        tiny_gan, frame_length=2205, duration=2)))
    assert run.settings.fps == pytest.approx(10.0) and run.plan.n_frames == 20


def test_gan_mode_from_the_cli_with_the_dmv_flags(song, tiny_gan, tmp_path):
    done = run_cli("render", "--audio", song, "--mode", "gan", "--gan-model", tiny_gan,
                   "--width", "32", "--height", "32", "--fps", "6", "--duration", "2",
                   "--classes", "5", "207", "980", "--num-classes", "3", "--jitter", "0.2",
                   "--truncation", "0.5", "--pitch-sensitivity", "250",
                   "--tempo-sensitivity", "0.5", "--depth", "0.8", "--smooth-factor", "4",
                   "--scaling", "bicubic", "--sort-classes-by-power", "--batch-size", "5",
                   "--output-dir", tmp_path, "--no-video")
    assert done.returncode == 0, done.stderr
    assert "12 frames" in done.stdout and "gan mode" in done.stdout
    record = json.loads(next(tmp_path.glob("*/*/*_settings.json")).read_text())
    s = record["settings"]
    assert sorted(s["classes"]) == [5, 207, 980] and s["truncation"] == 0.5
    assert s["sort_classes_by_power"] is True and s["scaling"] == "bicubic"
    assert len(list(tmp_path.glob("*/*/*_000[01][0-9].png"))) == 12


def test_a_gan_model_that_is_not_there_is_one_clear_line(song, tmp_path):
    done = run_cli("render", "--audio", song, "--mode", "gan", "--gan-model",
                   tmp_path / "no-such-model", "--duration", "1", "--output-dir", tmp_path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and "no-such-model" in done.stderr
    assert not list(tmp_path.glob("*/*/*_settings.json"))  # nothing left behind


def test_a_biggan_whose_config_does_not_fit_its_layers_is_refused_at_load(tmp_path):
    from pytorch_pretrained_biggan import BigGAN, BigGANConfig

    from music_visualizer.errors import ModelError
    from music_visualizer.modes.gan.renderer import load_biggan

    config = BigGANConfig(output_dim=32, z_dim=128, class_embed_dim=128, channel_width=4,
                          num_classes=1000, attention_layer_position=2,
                          layers=[(False, 16, 16), (True, 16, 8), (True, 4, 4), (True, 4, 2)])
    (tmp_path / "config.json").write_text(config.to_json_string(), encoding="utf-8")
    import torch

    torch.save(BigGAN(config).state_dict(), tmp_path / "pytorch_model.bin")
    with pytest.raises(ModelError, match="does not run"):
        load_biggan(tmp_path, device="cpu")
