"""The beat_tracker option: which tracker runs, the cache key, and what reports it.

Without ``beat_this`` installed (CI), ``auto`` runs the built-in tracker. The tests marked by
``pytest.importorskip("beat_this")`` run the real adapter on a checkpoint of random weights
built here (no download): they check the plumbing, not the beats.
"""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest
import soundfile as sf

from music_visualizer.audio import analysis as analysis_module
from music_visualizer.audio import trackers
from music_visualizer.audio.analysis import ANALYSIS_VERSION, analyze_file
from music_visualizer.audio.beats import BeatResult
from music_visualizer.audio.trackers import TrackerChoice, choose_tracker
from music_visualizer.errors import SettingsError
from music_visualizer.runs.job import RenderRequest, prepare_run
from music_visualizer.settings import Settings, settings_from_dict
from music_visualizer.ui.cli import main
from tests.conftest import click_song


@pytest.fixture
def no_beat_this(monkeypatch):
    """Make ``beat_this`` unimportable, as in an environment without it."""
    for name in [m for m in sys.modules if m == "beat_this" or m.startswith("beat_this.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "beat_this", None)


def _fake_neural(monkeypatch, *, fail: bool = False) -> TrackerChoice:
    """``auto`` chooses a neural tracker whose beats are known (every 0.25 s)."""
    choice = TrackerChoice("beat_this", "beat_this-0123456789abcdef", checkpoint="x.ckpt",
                           note="auto: beat_this")

    def run(tracker, y, sr):
        assert tracker == choice
        if fail:
            raise RuntimeError("weights do not fit")
        beats = np.arange(0.25, len(y) / sr, 0.25)
        return BeatResult(tempo=240.0, beats=beats, downbeats=beats[::4], meter=4)

    monkeypatch.setattr(analysis_module, "choose_tracker", lambda name, **kw: (
        choice if name in ("auto", "beat_this") else choose_tracker(name, **kw)))
    monkeypatch.setattr(trackers, "run_tracker", run)
    return choice


# ---------------------------------------------------------------------------------------------
# Choosing
# ---------------------------------------------------------------------------------------------

def test_auto_without_beat_this_is_the_builtin_tracker_and_says_why(no_beat_this):
    choice = choose_tracker("auto")
    assert (choice.name, choice.key) == ("builtin", "builtin")
    assert "beat_this is not installed" in choice.note and "pip install beat-this" in choice.note
    assert choose_tracker("builtin") == TrackerChoice("builtin", "builtin")


def test_beat_this_asked_for_and_missing_is_one_sentence_saying_how_to_install(no_beat_this):
    with pytest.raises(SettingsError) as e:
        choose_tracker("beat_this")
    message = str(e.value)
    assert "pip install beat-this" in message and message.count(". ") == 0
    assert message.startswith("beat_tracker:") and message.endswith(".")


def test_madmom_asked_for_and_missing_says_how_to_install():
    if trackers._importable("madmom"):
        pytest.skip("madmom is installed here")
    with pytest.raises(SettingsError, match="pip install madmom"):
        choose_tracker("madmom")


def test_an_unknown_tracker_is_refused_by_the_settings_and_the_chooser():
    with pytest.raises(SettingsError, match="beat_tracker: 'neural' is not one of auto, "):
        settings_from_dict({"beat_tracker": "neural"})
    with pytest.raises(SettingsError, match="beat_tracker"):
        choose_tracker("neural")
    assert settings_from_dict({"beat_tracker": "Beat_This"}).beat_tracker == "beat_this"
    assert Settings().beat_tracker == "auto"


def test_cli_beat_this_unavailable_exits_2_with_one_line(no_beat_this, song, capsys):
    assert main(["analyze", str(song), "--beat-tracker", "beat_this", "--no-cache"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "pip install beat-this" in err
    assert "Traceback" not in err


# ---------------------------------------------------------------------------------------------
# What ran is reported; the cache key holds it
# ---------------------------------------------------------------------------------------------

def test_analyze_json_and_summary_name_the_tracker(no_beat_this, song, tmp_path, capsys):
    out = tmp_path / "a.json"
    assert main(["analyze", str(song), "--json", str(out), "--no-cache"]) == 0
    assert json.loads(out.read_text())["beat_tracker"] == "builtin"
    printed = capsys.readouterr().out
    assert "Beat tracker: builtin (auto: built-in tracker (beat_this is not installed" in printed


def test_a_cached_builtin_result_is_not_reused_for_another_tracker(monkeypatch, song, tmp_path):
    builtin = analyze_file(song, cache_dir=tmp_path, beat_tracker="builtin")
    assert builtin.beat_tracker == "builtin"
    _fake_neural(monkeypatch)
    neural = analyze_file(song, cache_dir=tmp_path, beat_tracker="auto")
    assert neural.beat_tracker == "beat_this" and neural.beat_tracker_note == "auto: beat_this"
    np.testing.assert_allclose(neural.beats, np.arange(0.25, 6.0, 0.25))
    assert not np.array_equal(neural.beats, builtin.beats)
    cached = (tmp_path / "analysis").glob("*.json")
    names = {p.name.split(f"_v{ANALYSIS_VERSION}_")[1] for p in cached}
    assert names == {"builtin.json", "beat_this-0123456789abcdef.json"}
    # each is read back from its own entry
    again = analyze_file(song, cache_dir=tmp_path, beat_tracker="auto")
    assert again.beat_tracker == "beat_this" and np.array_equal(again.beats, neural.beats.round(4))
    assert analyze_file(song, cache_dir=tmp_path, beat_tracker="builtin").beat_tracker == "builtin"


def test_a_neural_tracker_that_auto_chose_and_that_fails_gives_way(monkeypatch, song, tmp_path):
    _fake_neural(monkeypatch, fail=True)
    result = analyze_file(song, cache_dir=tmp_path, beat_tracker="auto")
    assert result.beat_tracker == "builtin" and "weights do not fit" in result.beat_tracker_note
    assert len(result.beats) > 5
    assert not list((tmp_path / "analysis").glob("*.json"))  # not cached as beat_this's result


def test_the_run_record_names_the_tracker(no_beat_this, tmp_path):
    path = tmp_path / "song.wav"
    sf.write(path, click_song(3.0), 22050)
    settings = Settings(renderer="preview", width=64, height=48, fps=6, duration=2.0, seed=1)
    run = prepare_run(RenderRequest(audio=path, settings=settings, output_dir=tmp_path / "out",
                                    cache_dir=tmp_path / "cache"))
    assert run.record.to_json()["analysis"]["beat_tracker"] == "builtin"
    assert run.record.to_json()["settings"]["beat_tracker"] == "auto"


# ---------------------------------------------------------------------------------------------
# The adapter's parts (torch only)
# ---------------------------------------------------------------------------------------------

def test_chunked_inference_equals_one_pass_for_a_framewise_model():
    torch = pytest.importorskip("torch")

    def model(x):  # depends on each frame alone: chunking must not change anything
        return {"beat": x.sum(-1), "downbeat": x[..., 0] - x[..., 1]}

    spect = torch.randn(57, 4)
    for n in (57, 16, 14, 3):
        beat, downbeat = trackers._frame_logits(model, spect[:n], chunk=20, border=3)
        torch.testing.assert_close(beat, spect[:n].sum(-1))
        torch.testing.assert_close(downbeat, spect[:n, 0] - spect[:n, 1])


def test_the_front_end_is_50_frames_a_second_of_128_log_mel_bands():
    pytest.importorskip("torch")
    sr = 44100
    t = np.arange(2 * sr) / sr
    spect = trackers.beat_this_spectrogram(np.sin(2 * np.pi * 1000 * t), sr)
    assert tuple(spect.shape) == (101, 128)
    assert float(spect.min()) >= 0.0
    peak = int(spect[50].argmax())
    import librosa

    centres = librosa.mel_frequencies(n_mels=130, fmin=30, fmax=11000)[1:-1]
    assert 900 <= centres[peak] <= 1100


def test_beat_times_become_a_beat_result_with_downbeats_on_beats():
    beats = np.arange(0.5, 12.0, 0.5)[::-1]
    downbeats = beats[::-1][::3] + 0.02  # every third beat, a little off
    result = trackers._beat_result(beats, downbeats)
    assert np.all(np.diff(result.beats) > 0) and result.tempo == pytest.approx(120.0)
    assert np.isin(result.downbeats, result.beats).all()
    np.testing.assert_allclose(result.downbeats, np.arange(0.5, 12.0, 1.5))
    assert result.meter == 3
    empty = trackers._beat_result(np.array([1.0]), np.array([]))
    assert empty.tempo == 0.0 and len(empty.beats) == 0


# ---------------------------------------------------------------------------------------------
# beat_this itself (skipped where it is not installed): random weights, no download
# ---------------------------------------------------------------------------------------------

def _random_checkpoint(path, seed: int) -> None:
    """A beat_this checkpoint (as its training module saves it) of a tiny random model whose
    logits sit above 0, so peaks are picked."""
    torch = pytest.importorskip("torch")
    from beat_this.model.beat_tracker import BeatThis

    torch.manual_seed(seed)
    hparams = {"spect_dim": 128, "transformer_dim": 32, "ff_mult": 2, "n_layers": 1,
               "head_dim": 16, "stem_dim": 16}
    model = BeatThis(**hparams)
    with torch.no_grad():
        model.task_heads.beat_downbeat_lin.bias.fill_(3.0)
    torch.save({"hyper_parameters": {**hparams, "fps": 50, "lr": 0.0008},
                "state_dict": {f"model.{k}": v for k, v in model.state_dict().items()}}, path)


def test_beat_this_runs_through_the_real_adapter(tmp_path):
    pytest.importorskip("beat_this")
    first, second = tmp_path / "a.ckpt", tmp_path / "b.ckpt"
    _random_checkpoint(first, 0)
    _random_checkpoint(second, 1)
    auto = choose_tracker("auto", checkpoint=str(first))
    assert auto.name == "beat_this" and auto.note == "auto: beat_this"
    assert auto.key != choose_tracker("beat_this", checkpoint=str(second)).key
    song = tmp_path / "song.wav"
    sf.write(song, click_song(8.0, sr=44100), 44100)
    result = analyze_file(song, cache_dir=tmp_path / "cache", beat_tracker="beat_this",
                          beat_this_checkpoint=str(first))
    assert result.beat_tracker == "beat_this"
    for times in (result.beats, result.downbeats):
        assert times.dtype == np.float64 and np.all(np.diff(times) > 0)
        assert times.min() >= 0.0 and times.max() <= result.duration
    assert len(result.beats) >= 2 and np.isin(result.downbeats, result.beats).all()
    assert result.tempo > 0 and result.sections  # the rest of the analysis reads these beats


def test_a_file_that_is_not_a_beat_this_checkpoint(tmp_path, song, capsys):
    pytest.importorskip("beat_this")
    torch = pytest.importorskip("torch")
    bad = tmp_path / "bad.ckpt"
    bad.write_bytes(b"not a checkpoint")
    other = tmp_path / "other.ckpt"  # a checkpoint of some other model: a multi-line error
    torch.save({"hyper_parameters": {}, "state_dict": {"model.w": torch.zeros(2)}}, other)
    for path in (bad, other):
        assert main(["analyze", str(song), "--beat-tracker", "beat_this",
                     "--beat-this-checkpoint", str(path), "--no-cache"]) == 2
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and "is not a beat_this checkpoint" in err
    auto = analyze_file(song, use_cache=False, beat_tracker="auto", beat_this_checkpoint=str(bad))
    assert auto.beat_tracker == "builtin" and "not a beat_this checkpoint" in auto.beat_tracker_note
    with pytest.raises(SettingsError, match="does not exist"):
        choose_tracker("beat_this", checkpoint=str(tmp_path / "missing.ckpt"))


def test_render_flags_set_the_tracker_settings():
    from music_visualizer.ui.cli import _overrides, build_parser

    args = build_parser().parse_args(["render", "--audio", "song.wav", "--beat-tracker",
                                      "builtin", "--beat-this-checkpoint", "mine.ckpt"])
    overrides = _overrides(args)
    assert overrides["beat_tracker"] == "builtin"
    assert overrides["beat_this_checkpoint"] == "mine.ckpt"
    assert "beat_tracker" not in _overrides(build_parser().parse_args(["render", "x.wav"]))
