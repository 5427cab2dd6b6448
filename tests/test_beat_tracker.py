"""The beat_tracker option: which tracker runs, the cache key, and what reports it.

Without ``beat_this`` installed (the main suite), ``auto`` runs the built-in tracker. The real
adapter on real beat_this models (random weights, no download) is tests/beat_this_check.py, run
here by the python of the venv ``.ci/beat_this_venv`` makes.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
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
from tests.beat_this_check import HOW_TO, beat_this_python
from tests.conftest import ROOT, click_song


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
# beat_this itself, in its venv: random weights, no download
# ---------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_the_beat_this_path_passes_in_the_beat_this_venv(tmp_path):
    """tests/beat_this_check.py run by the python of ``.ci/beat_this_venv``: every test passes
    (none skipped); without that venv this fails under MUSIC_VISUALIZER_REQUIRE_BEAT_THIS."""
    python = beat_this_python()
    if python is None:
        if os.environ.get("MUSIC_VISUALIZER_REQUIRE_BEAT_THIS"):
            pytest.fail(HOW_TO)
        pytest.skip(HOW_TO)
    check = ROOT / "tests" / "beat_this_check.py"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    # -o addopts="": one process (the venv has no pytest-xdist; the suite's addopts use it)
    proc = subprocess.run([python, "-m", "pytest", "-q", "-o", "addopts=", "-p",
                           "no:cacheprovider", "--basetemp", str(tmp_path / "t"), str(check)],
                          capture_output=True, text=True, timeout=900, cwd=ROOT, env=env)
    summary = (proc.stdout.strip().splitlines() or [""])[-1]
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    tests = len(re.findall(r"^def test_", check.read_text(), flags=re.M))
    assert re.search(rf"\b{tests} passed\b", summary) and "skipped" not in summary, summary


def test_render_flags_set_the_tracker_settings():
    from music_visualizer.ui.cli import _overrides, build_parser

    args = build_parser().parse_args(["render", "--audio", "song.wav", "--beat-tracker",
                                      "builtin", "--beat-this-checkpoint", "mine.ckpt"])
    overrides = _overrides(args)
    assert overrides["beat_tracker"] == "builtin"
    assert overrides["beat_this_checkpoint"] == "mine.ckpt"
    assert "beat_tracker" not in _overrides(build_parser().parse_args(["render", "x.wav"]))
