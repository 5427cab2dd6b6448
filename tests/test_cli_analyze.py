"""The analyze and keyframes commands, the analysis cache, and music-driven renders."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from music_visualizer.audio.analysis import analyze_file
from music_visualizer.settings.schedules import evaluate_schedule
from music_visualizer.ui.cli import main


def test_analyze_writes_json_features_and_plot(song, tmp_path, capsys):
    out = tmp_path / "a.json"
    plot = tmp_path / "a.png"
    assert main(["analyze", str(song), "--json", str(out), "--fps", "12", "--plot", str(plot),
                 "--preset", "pulse"]) == 0
    printed = capsys.readouterr().out
    assert "BPM" in printed and "Sections:" in printed
    data = json.loads(out.read_text())
    for key in ("duration", "sample_rate", "tempo", "beats", "downbeats", "onsets", "key",
                "sections", "features"):
        assert key in data
    assert data["duration"] == pytest.approx(6.0, abs=0.01) and data["sample_rate"] == 22050
    assert data["tempo"] == pytest.approx(120, rel=0.04)  # a click every 0.5 s
    assert np.allclose(np.diff(data["beats"]), 0.5, atol=0.03)
    assert data["sections"][0]["start"] == 0 and data["sections"][-1]["end"] == pytest.approx(6.0)
    features = np.load(tmp_path / data["features"]["npz"])
    assert data["features"]["fps"] == 12 and data["features"]["n_frames"] == 72
    for name in ("rms", "onset", "beat", "downbeat", "percussive", "bass", "chroma_9",
                 "section_progress", "drums"):
        assert features[name].shape == (72,)
    beat_frames = np.round(np.asarray(data["beats"]) * 12).astype(int)
    beat_frames = beat_frames[beat_frames < 72]
    assert features["beat"][beat_frames].min() >= 0.8
    image = Image.open(plot)
    assert image.size[0] >= 800 and image.size[1] >= 400


def test_analysis_is_cached_by_content(song, tmp_path):
    first = analyze_file(song, cache_dir=tmp_path)
    cached = sorted((tmp_path / "analysis").iterdir())
    assert len([p for p in cached if p.suffix == ".npz"]) == 1
    stamps = [p.stat().st_mtime_ns for p in cached]
    again = analyze_file(song, cache_dir=tmp_path)
    assert [p.stat().st_mtime_ns for p in cached] == stamps  # read back, not computed again
    assert np.array_equal(first.beats.round(4), again.beats) and first.key == again.key
    for name, curve in first.curves.items():
        assert np.array_equal(curve, again.curves[name]), name
    # a damaged cache entry (JSON or npz) is recomputed, not trusted
    next((tmp_path / "analysis").glob("*.json")).write_text("{broken")
    assert analyze_file(song, cache_dir=tmp_path).tempo == pytest.approx(first.tempo)
    next((tmp_path / "analysis").glob("*.npz")).write_bytes(b"PK\x03\x04 not a zip")
    assert analyze_file(song, cache_dir=tmp_path).tempo == pytest.approx(first.tempo)


def test_keyframes_prints_a_deforum_string_of_the_expression(song, capsys):
    assert main(["keyframes", str(song), "--expr", "1 + 0.05*beat**2", "--fps", "10"]) == 0
    text = capsys.readouterr().out.strip()
    assert text.startswith("0:(")
    values = evaluate_schedule(text, field="zoom", n_frames=60)
    assert values.min() >= 1.0 and values.max() == pytest.approx(1.05, abs=0.005)
    peaks = np.flatnonzero(values > 1.04)
    assert len(peaks) >= 10  # one per beat (12 beats in 6 s at 120 BPM)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["analyze", "{missing}"], "does not exist"),
        (["keyframes", "{song}", "--expr", "1 + beats"], "expr: frame 0: unknown name 'beats'"),
        (["keyframes", "{song}", "--expr", "1", "--start", "99"], "start: 99 s is outside"),
        (["keyframes", "{song}", "--expr", "1", "--fps", "0"], "fps: 0 must be greater than 0"),
        (["keyframes", "{song}", "--expr", "1", "--fps", "nan"], "fps: nan must be greater"),
        (["keyframes", "{song}", "--expr", "1", "--decimals", "-1"], "decimals: -1 must be"),
        (["analyze", "{song}", "--json", "{folder}"], "is a folder"),
        (["analyze", "{song}", "--json", "{tmp}/x.json", "--fps", "nan"], "fps: nan"),
    ],
)
def test_analysis_commands_explain_mistakes(args, expected, song, tmp_path, capsys):
    args = [a.format(song=song, missing=tmp_path / "nope.mp3", folder=tmp_path, tmp=tmp_path)
            for a in args]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_a_preset_makes_the_render_follow_the_beat(song, tmp_path):
    from music_visualizer.runs.job import RenderRequest, prepare_run
    from music_visualizer.settings import resolve_settings

    settings = resolve_settings(overrides={"preset": "pulse", "renderer": "preview", "fps": 12,
                                           "width": 64, "height": 64, "seed": 1})
    run = prepare_run(RenderRequest(audio=song, settings=settings, output_dir=tmp_path))
    zoom = run.plan.columns["zoom"]
    beat_frames = np.arange(0, 72, 6)  # a beat every 0.5 s at 12 fps
    between = beat_frames[:-1] + 3
    assert zoom[beat_frames].mean() > zoom[between].mean() + 0.02
    assert run.record.to_json()["analysis"]["tempo"] == pytest.approx(120, rel=0.04)


@pytest.mark.parametrize("kind", ["silence", "tone", "noise", "short_click", "one_second"])
def test_degenerate_audio_gives_a_valid_analysis(kind, tmp_path):
    import warnings

    from music_visualizer.audio.analysis import analyze_signal
    from music_visualizer.audio.report import write_analysis_json

    sr = 44100
    t = np.arange(int(sr * (0.3 if kind == "short_click" else 1.0 if kind == "one_second"
                            else 8.0))) / sr
    y = {"silence": np.zeros_like(t), "tone": 0.3 * np.sin(2 * np.pi * 440 * t),
         "noise": 0.2 * np.random.default_rng(0).standard_normal(len(t)),
         "short_click": np.where(t < 0.005, 0.8, 0.0),
         "one_second": 0.3 * np.sin(2 * np.pi * 220 * t)}[kind].astype(np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning (NaN, division by zero) either
        analysis = analyze_signal(y, sr)
    assert analysis.duration == pytest.approx(len(y) / sr)
    assert analysis.sections and analysis.sections[0].start == 0.0
    assert analysis.sections[-1].end == pytest.approx(analysis.duration)
    if kind in ("silence", "tone", "noise"):
        assert len(analysis.beats) == 0 and analysis.tempo == 0.0
    write_analysis_json(analysis, tmp_path / "a.json", fps=24)
    data = json.loads((tmp_path / "a.json").read_text())
    features = np.load(tmp_path / data["features"]["npz"])
    for name in features.files:
        assert np.isfinite(features[name]).all(), name
