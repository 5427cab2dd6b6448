"""The analysis plot: a PNG of the requested width, with and without curves."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from PIL import Image

from music_visualizer.audio.analysis import AudioAnalysis, Section
from music_visualizer.audio.features import feature_curves, frame_features
from music_visualizer.audio.plot import plot_analysis
from music_visualizer.audio.spectra import SR, compute_spectra


@pytest.fixture(scope="module")
def analysis() -> AudioAnalysis:
    seconds = 6.0
    t = np.arange(int(seconds * SR)) / SR
    y = 0.2 * np.sin(2 * np.pi * 220 * t) * (1 + 0.5 * np.sin(2 * np.pi * t / 3))
    beats = np.arange(0.25, seconds, 0.5)
    for b in beats:
        i = int(b * SR)
        y[i:i + 200] += 0.6 * np.hanning(200)
    spectra = compute_spectra(y.astype(np.float32), SR)
    sections = (Section(0.0, 2.0, "A"), Section(2.0, 4.0, "B"), Section(4.0, 6.0, "A"))
    curves = feature_curves(spectra, beats=beats, downbeats=beats[::4], sections=sections)
    return AudioAnalysis(duration=seconds, sample_rate=SR, tempo=120.0, beats=beats,
                         downbeats=beats[::4], onsets=beats, key="A minor", sections=sections,
                         feature_rate=spectra.frame_rate, curves=curves)


def png_size(path) -> tuple[int, int]:
    with Image.open(path) as image:
        assert image.format == "PNG"
        pixels = np.asarray(image.convert("L"))
        assert pixels.std() > 5, "the image is blank"
        return image.size


def test_plot_without_curves(analysis, tmp_path):
    out = plot_analysis(analysis, tmp_path / "sub" / "analysis.png", title="Test song")
    assert out == tmp_path / "sub" / "analysis.png" and out.is_file()
    assert png_size(out)[0] == 1600


@pytest.mark.parametrize("width", [1600, 900, 2400])
def test_plot_with_plan_curves(analysis, tmp_path, width):
    fps = 12
    features = frame_features(analysis, fps=fps, n_frames=int(6 * fps))
    curves = {
        "zoom": 1 + 0.05 * features["beat"] ** 2,
        "angle": 2 * np.sin(np.arange(72) / 8) * features["rms"],
        "strength": 0.65 - 0.2 * features["onset"],
        "noise": np.full(72, 0.02),  # constant
    }
    bare = plot_analysis(analysis, tmp_path / "bare.png", width_px=width)
    out = plot_analysis(analysis, tmp_path / "plan.png", curves=curves, fps=fps, width_px=width)
    (w, h), (w0, h0) = png_size(out), png_size(bare)
    assert w == w0 == width
    assert h > h0 + 2 * len(curves) * 40 * width / 1600  # one panel per curve


def test_plot_clip_of_the_song(analysis, tmp_path):
    out = plot_analysis(analysis, tmp_path / "clip.png", curves={"zoom": np.linspace(1, 1.1, 24)},
                        fps=12, start=2.0, width_px=1000)
    assert png_size(out)[0] == 1000


def test_plot_without_beats_sections_or_curves(tmp_path):
    empty = AudioAnalysis(duration=0.5, sample_rate=SR, tempo=0.0, beats=np.zeros(0),
                          downbeats=np.zeros(0), onsets=np.zeros(0), key="", sections=(),
                          feature_rate=SR / 512, curves={})
    out = plot_analysis(empty, tmp_path / "empty.png", width_px=800)
    with Image.open(out) as image:
        assert image.size[0] == 800
    out = plot_analysis(empty, tmp_path / "empty_curves.png", curves={"zoom": np.ones(12)},
                        fps=24, width_px=800)
    with Image.open(out) as image:
        assert image.size[0] == 800


def test_plot_leaves_matplotlib_global_state_alone(analysis, tmp_path):
    import matplotlib

    had_pyplot = "matplotlib.pyplot" in sys.modules
    before = matplotlib.rcParams.copy()  # copy() does not resolve the backend (no pyplot)
    plot_analysis(analysis, tmp_path / "a.png")
    assert had_pyplot or "matplotlib.pyplot" not in sys.modules  # no pyplot, no backend switch
    assert matplotlib.rcParams.copy() == before


def test_plot_curves_need_fps(analysis, tmp_path):
    with pytest.raises(ValueError, match="fps"):
        plot_analysis(analysis, tmp_path / "x.png", curves={"zoom": np.ones(10)})
    with pytest.raises(ValueError, match="1-D"):
        plot_analysis(analysis, tmp_path / "x.png", curves={"zoom": np.ones((2, 10))}, fps=12)
