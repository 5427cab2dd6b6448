"""GAN mode's renderer: loading BigGAN, frames at the video size, batch-independent pixels."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from music_visualizer.errors import ModelError, SettingsError
from music_visualizer.modes.gan.renderer import SCALINGS, GanRenderer, load_biggan
from music_visualizer.modes.gan.vectors import GanOptions, GanVectors, gan_vectors

N_FRAMES = 20


@pytest.fixture(scope="module", autouse=True)
def _one_thread():
    """The tiny model is too small to gain from threads (and a busy CPU makes them slow)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def tiny_folder(tiny_biggan):
    return tiny_biggan  # output_dim=32, the default


@pytest.fixture(scope="module")
def model(tiny_folder):
    return load_biggan(tiny_folder, device="cpu")


@pytest.fixture(scope="module")
def vectors() -> GanVectors:
    rng = np.random.default_rng(0)
    chroma, volume, onset = rng.random((12, N_FRAMES)), rng.random(N_FRAMES), rng.random(N_FRAMES)
    return gan_vectors(chroma, volume, onset, options=GanOptions(smooth_factor=2), seed=0,
                       fps=12)


def renderer(model, vectors, **options) -> GanRenderer:
    settings = {"width": 32, "height": 32, "truncation": 1.0, "batch_size": 4, "device": "cpu"}
    return GanRenderer(model, vectors, **(settings | options))


def test_load_biggan_gives_an_eval_model_on_the_device(model):
    assert not model.training and next(model.parameters()).device.type == "cpu"
    assert next(model.parameters()).dtype == torch.float32
    assert not any(p.requires_grad for p in model.parameters())


@pytest.mark.parametrize("scaling", SCALINGS)
@pytest.mark.parametrize(("width", "height"), [(48, 27), (20, 20), (16, 40)])
def test_frames_have_the_video_size_for_every_scaling(model, vectors, scaling, width, height):
    frames = renderer(model, vectors, width=width, height=height,
                      scaling=scaling).render_batch([0, 3])
    assert frames.shape == (2, 3, height, width) and frames.dtype == torch.uint8
    assert frames.device.type == "cpu" and frames.float().std() > 5  # a picture, not a flat fill


def test_stretch_keeps_the_whole_picture_and_crop_its_centre(model, vectors):
    wide = {"width": 64, "height": 16, "scaling": "nearest"}
    crop = renderer(model, vectors, fit="crop", **wide).render_batch([3])[0]
    stretch = renderer(model, vectors, fit="stretch", **wide).render_batch([3])[0]
    full = renderer(model, vectors).render_batch([3])[0]
    assert torch.equal(stretch[:, :, ::2], full[:, ::2, :])  # every other row of everything
    assert torch.equal(crop[:, :, ::2], full[:, 12:20, :].repeat_interleave(2, dim=1))  # 8 rows


def test_at_the_model_size_frames_are_the_model_output_in_0_255(model, vectors):
    frames = renderer(model, vectors).render_batch([0, 1, 2, 3])
    noise = torch.from_numpy(vectors.noise[:4].copy())
    classes = torch.from_numpy(vectors.class_vectors(range(4)))
    with torch.inference_mode():
        expected = ((model(noise, classes, 1.0) + 1) * 127.5).round().clamp(0, 255)
    assert torch.equal(frames, expected.to(torch.uint8))


def test_a_frame_is_identical_alone_in_a_batch_or_after_a_resume(model, vectors):
    whole = renderer(model, vectors).render_batch(list(range(N_FRAMES)))
    for index in (0, 5, 6, 19):
        alone = renderer(model, vectors).render_batch([index])[0]
        assert torch.equal(alone, whole[index])
    mixed = renderer(model, vectors).render_batch([7, 2, 13, 7])
    assert torch.equal(mixed, whole[[7, 2, 13, 7]])
    assert not torch.equal(whole[0], whole[10])  # frames follow their vectors


def test_batch_for_gives_the_aligned_batch(model, vectors):
    r = renderer(model, vectors, batch_size=6)
    assert r.batch_for(0) == [0, 1, 2, 3, 4, 5] and r.batch_for(8) == [6, 7, 8, 9, 10, 11]
    assert r.batch_for(19) == [18, 19]  # the last one is short
    with pytest.raises(IndexError):
        r.batch_for(N_FRAMES)


def test_frame_by_frame_runs_the_model_once_per_batch(model, vectors):
    calls = []
    handle = model.register_forward_hook(lambda *_: calls.append(1))
    try:
        r = renderer(model, vectors, batch_size=4)
        for index in range(8):
            r.render_batch([index])
    finally:
        handle.remove()
    assert len(calls) == 2


@pytest.mark.parametrize(("option", "value", "words"), [
    ("scaling", "cubic", "scaling"),
    ("fit", "pad", "fit"),
    ("truncation", 0.0, "truncation"),
    ("batch_size", 0, "batch_size"),
    ("width", 0, "size"),
])
def test_bad_renderer_options_are_settings_errors(model, vectors, option, value, words):
    with pytest.raises(SettingsError, match=words):
        renderer(model, vectors, **{option: value})


def test_a_folder_without_weights_names_the_missing_file(tiny_folder, tmp_path):
    (tmp_path / "config.json").write_bytes((tiny_folder / "config.json").read_bytes())
    with pytest.raises(ModelError, match=r"no pytorch_model\.bin"):
        load_biggan(tmp_path)
    with pytest.raises(ModelError, match="neither a folder nor one of"):
        load_biggan(tmp_path / "missing")


def test_weights_that_do_not_fit_the_config_are_refused(tiny_folder, tmp_path):
    (tmp_path / "config.json").write_bytes((tiny_folder / "config.json").read_bytes())
    torch.save({"embeddings.weight": torch.zeros(128, 1000)}, tmp_path / "pytorch_model.bin")
    with pytest.raises(ModelError, match="has no weights for"):
        load_biggan(tmp_path)
    (tmp_path / "pytorch_model.bin").write_bytes(b"garbage")
    with pytest.raises(ModelError, match="could not be read"):
        load_biggan(tmp_path)


def test_a_named_model_loads_from_the_library_cache_without_network(tiny_folder, tmp_path,
                                                                    monkeypatch):
    from pytorch_pretrained_biggan import BigGAN, file_utils, model

    def offline(*args, **kwargs):
        raise OSError("no network")

    monkeypatch.setattr(file_utils, "PYTORCH_PRETRAINED_BIGGAN_CACHE", tmp_path)
    monkeypatch.setattr(BigGAN, "from_pretrained", offline)
    with pytest.raises(ModelError, match=r"biggan-deep-128.*could not be loaded.*connection"):
        load_biggan("biggan-deep-128")
    name = "biggan-deep-128"
    for file, url in (("config.json", model.PRETRAINED_CONFIG_ARCHIVE_MAP[name]),
                      ("pytorch_model.bin", model.PRETRAINED_MODEL_ARCHIVE_MAP[name])):
        cached = tmp_path / file_utils.url_to_filename(url, etag='"abc"')
        cached.write_bytes((tiny_folder / file).read_bytes())
        cached.with_name(cached.name + ".json").write_text("{}")  # the library's metadata
    assert load_biggan(name).config.output_dim == 32
