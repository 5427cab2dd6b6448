"""The ``beat_tracker: beat_this`` path on real beat_this models, in a Python that has beat_this.

    <venv>/bin/python -m pytest -q tests/beat_this_check.py

beat_this stays out of the main suite's environment (there ``auto`` must be the built-in
tracker), so ``.ci/beat_this_venv`` makes a venv beside it (system site packages plus beat-this,
rotary-embedding-torch and einops, without torchaudio) and tests/test_beat_tracker.py runs this
file with its python (:func:`beat_this_python` finds it). The file name keeps the main suite from
collecting it. The models have random weights and are built here (no download): they check the
plumbing, not the beats; nothing of ours is replaced. ``torchaudio`` is made unimportable in
every test, as it is where PyPI's torchaudio does not load beside the installed torch: the
adapter must not need it. tests/data/beat_this_reference.npz holds what beat_this's own pipeline
(torchaudio's spectrogram, its chunking) gave for the same song and model
(tests/beat_this_reference.py wrote it).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from music_visualizer.audio.analysis import ANALYSIS_VERSION, analyze_file
from music_visualizer.audio.trackers import choose_tracker, run_tracker
from music_visualizer.errors import SettingsError
from music_visualizer.runs.job import RenderRequest, prepare_run
from music_visualizer.settings import Settings
from music_visualizer.ui.cli import main
from tests.beat_this_reference import (
    SONG_SECONDS,
    SONG_SR,
    save_checkpoint,
    tiny_model,
    weights_sum,
)
from tests.conftest import click_song

#: Where ``.ci/beat_this_venv`` puts the venv (unless MUSIC_VISUALIZER_BEAT_THIS_VENV is set).
DEFAULT_VENV = Path.home() / ".cache" / "music_visualizer-ci" / "beat_this-venv"
HOW_TO = ("no Python with beat_this: run `.ci/beat_this_venv` (a venv in "
          f"{DEFAULT_VENV} with beat-this from PyPI beside the system's torch, about 30 s and "
          "26 MB) or set MUSIC_VISUALIZER_BEAT_THIS_PYTHON to such a python")
REFERENCE = Path(__file__).resolve().parent / "data" / "beat_this_reference.npz"


def beat_this_python() -> str | None:
    """The python of the beat_this venv ($MUSIC_VISUALIZER_BEAT_THIS_PYTHON, else the default)."""
    given = os.environ.get("MUSIC_VISUALIZER_BEAT_THIS_PYTHON")
    venv = Path(os.environ.get("MUSIC_VISUALIZER_BEAT_THIS_VENV", DEFAULT_VENV))
    candidate = Path(given) if given else venv / "bin" / "python"
    return str(candidate) if candidate.is_file() else None


@pytest.fixture(autouse=True)
def _no_torchaudio_and_a_private_hub(monkeypatch, tmp_path):
    """``import torchaudio`` fails; torch's hub cache (where ``final0`` is kept) is empty."""
    pytest.importorskip("beat_this")
    monkeypatch.setitem(sys.modules, "torchaudio", None)
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch_home"))


@pytest.fixture(scope="module")
def checkpoints(tmp_path_factory) -> tuple[Path, Path]:
    """Two checkpoints of tiny random models, saved as beat_this's training saves them."""
    folder = tmp_path_factory.mktemp("checkpoints")
    return (save_checkpoint(tiny_model(0).state_dict(), folder / "a.ckpt"),
            save_checkpoint(tiny_model(1).state_dict(), folder / "b.ckpt"))


@pytest.fixture(scope="module")
def clicks(tmp_path_factory) -> Path:
    """An 8-second click song at 44.1 kHz (the adapter resamples to 22.05 kHz)."""
    path = tmp_path_factory.mktemp("songs") / "clicks.wav"
    sf.write(path, click_song(8.0, sr=44100), 44100)
    return path


class _Server:
    """A local web server of one folder (``url(name)``); a missing file is a 404."""

    def __init__(self, folder: Path):
        handler = partial(_QuietHandler, directory=str(folder))
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/{name}"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def server(tmp_path, monkeypatch):
    """A local web server of a folder (a stand-in for beat_this's checkpoint host)."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    served = tmp_path / "served"
    served.mkdir()
    web = _Server(served)
    yield served, web
    web.stop()


# ---------------------------------------------------------------------------------------------
# The adapter against beat_this's own pipeline
# ---------------------------------------------------------------------------------------------

def test_the_adapter_gives_what_beat_this_s_own_pipeline_gives(tmp_path):
    from music_visualizer.audio import trackers

    ref = np.load(REFERENCE)
    model = tiny_model(0)
    assert weights_sum(model) == pytest.approx(float(ref["weights_sum"]), rel=1e-9)
    y = click_song(SONG_SECONDS, sr=SONG_SR)
    spect = trackers.beat_this_spectrogram(y, SONG_SR)  # torchaudio's MelSpectrogram, in torch
    assert spect.shape[0] == int(ref["n_frames"])
    np.testing.assert_allclose(spect[:len(ref["spect_head"])].numpy(), ref["spect_head"],
                               atol=1e-4)
    np.testing.assert_allclose(spect[-len(ref["spect_tail"]):].numpy(), ref["spect_tail"],
                               atol=1e-4)
    checkpoint = save_checkpoint(model.state_dict(), tmp_path / "tiny.ckpt")
    # two chunks of 1500 frames, the last one shifted: a chunk or border off by one changes
    # the logits; beat_this's own chunked inference on the same spectrogram, on this machine,
    # gives the same logits to the bit, and its own peak picking the same beats
    ours = trackers._frame_logits(trackers._load_beat_this(checkpoint), spect)
    theirs = _beat_this_own_logits(model, spect)
    for x, y_ in zip(ours, theirs, strict=True):
        np.testing.assert_array_equal(x.numpy(), y_.numpy())
    from beat_this.model.postprocessor import Postprocessor

    beats, downbeats = Postprocessor(type="minimal", fps=50)(*theirs)
    result = run_tracker(choose_tracker("beat_this", checkpoint=str(checkpoint)), y, SONG_SR)
    np.testing.assert_allclose(result.beats, beats, atol=1e-6)
    np.testing.assert_allclose(result.downbeats, np.unique(downbeats), atol=1e-6)
    # ... and the whole pipeline what beat_this's own gave on the machine that made the
    # reference: a random model's logits are chaotic (a CPU's rounding of the spectrogram moves
    # them by tenths), so a peak between two near-equal frames may be the other one there (6
    # of its 246 beats and 7 of its 70 downbeats moved, between an Intel AVX-512 and an AMD
    # AVX2 machine)
    assert len(ref["beats"]) > 200
    _assert_mostly_same(result.beats, ref["beats"])
    _assert_mostly_same(result.downbeats, np.unique(ref["downbeats"]))


def _beat_this_own_logits(model, spect):
    """beat_this's own chunked inference (``Spect2Frames``' settings) of ``model`` on ``spect``.

    ``beat_this.inference`` imports torchaudio for its front end (``beat_this.preprocessing``)
    only, which this light venv has not: a stand-in for that module lets it import (the front
    end is compared with the reference above)."""
    import sys
    import types

    import torch

    if "beat_this.inference" not in sys.modules:
        saved = sys.modules.get("beat_this.preprocessing")
        stand_in = types.ModuleType("beat_this.preprocessing")
        stand_in.LogMelSpect = stand_in.load_audio = None
        sys.modules["beat_this.preprocessing"] = stand_in
        try:
            import beat_this.inference  # noqa: F401
        finally:
            if saved is None:
                del sys.modules["beat_this.preprocessing"]
            else:
                sys.modules["beat_this.preprocessing"] = saved
    from beat_this.inference import split_predict_aggregate

    with torch.inference_mode():
        out = split_predict_aggregate(spect=spect, chunk_size=1500, overlap_mode="keep_first",
                                      border_size=6, model=model)
    return out["beat"].float(), out["downbeat"].float()


def _assert_mostly_same(found: np.ndarray, expected: np.ndarray) -> None:
    """The same peak frames (50 a second), but for at most 15 % of them moved (a peak that
    moved is in one set and not the other, its new frame in the other and not the one)."""
    a = set(np.round(np.asarray(found) * 50).astype(int).tolist())
    b = set(np.round(np.asarray(expected) * 50).astype(int).tolist())
    moved = len(a ^ b) / 2
    assert moved <= 0.15 * len(b), f"{moved:.0f} of {len(b)} peaks moved"


def test_a_model_of_the_published_size_runs_through_the_adapter(tmp_path):
    """BeatThis's default hyperparameters are those of the published ``final0``."""
    import inspect

    from beat_this.model.beat_tracker import BeatThis

    defaults = {k: p.default for k, p in inspect.signature(BeatThis).parameters.items()}
    path = save_checkpoint(BeatThis().state_dict(), tmp_path / "big.ckpt", defaults)
    choice = choose_tracker("beat_this", checkpoint=str(path))
    result = run_tracker(choice, click_song(4.0), 22050)
    assert np.all(np.diff(result.beats) > 0) and result.beats.max(initial=0) <= 4.0


# ---------------------------------------------------------------------------------------------
# Choosing, caching, reporting
# ---------------------------------------------------------------------------------------------

def test_beat_this_runs_and_is_part_of_the_cache_key(checkpoints, clicks, tmp_path):
    first, second = checkpoints
    cache = tmp_path / "cache"
    result = analyze_file(clicks, cache_dir=cache, beat_tracker="beat_this",
                          beat_this_checkpoint=str(first))
    assert result.beat_tracker == "beat_this" and result.beat_tracker_note == ""
    for times in (result.beats, result.downbeats):
        assert times.dtype == np.float64 and np.all(np.diff(times) > 0)
        assert times.min() >= 0.0 and times.max() <= result.duration
    assert len(result.beats) >= 2 and np.isin(result.downbeats, result.beats).all()
    assert result.tempo > 0 and result.sections  # the rest of the analysis reads these beats
    other = analyze_file(clicks, cache_dir=cache, beat_tracker="beat_this",
                         beat_this_checkpoint=str(second))
    builtin = analyze_file(clicks, cache_dir=cache, beat_tracker="builtin")
    assert other.beat_tracker == "beat_this" and builtin.beat_tracker == "builtin"
    assert not np.array_equal(other.beats, result.beats)
    keys = sorted(p.name.split(f"_v{ANALYSIS_VERSION}_")[1]
                  for p in (cache / "analysis").glob("*.json"))
    a, b = (choose_tracker("beat_this", checkpoint=str(c)).key for c in checkpoints)
    assert keys == sorted([f"{a}.json", f"{b}.json", "builtin.json"]) and a != b
    first.touch()  # the key is the checkpoint's contents, not its name or time
    again = analyze_file(clicks, cache_dir=cache, beat_tracker="auto",
                         beat_this_checkpoint=str(first))
    assert again.beat_tracker == "beat_this"
    assert np.array_equal(again.beats, result.beats.round(4))
    assert len(list((cache / "analysis").glob("*.json"))) == 3  # read back, nothing new


def test_auto_takes_final0_from_torch_s_hub_cache_without_a_download(checkpoints, song):
    import torch

    kept = Path(torch.hub.get_dir()) / "checkpoints" / "beat_this-final0.ckpt"
    assert not kept.exists()
    kept.parent.mkdir(parents=True)
    shutil.copy(checkpoints[0], kept)  # where beat_this itself keeps final0
    choice = choose_tracker("auto")
    assert (choice.name, choice.note, Path(choice.checkpoint)) == ("beat_this", "auto: beat_this",
                                                                   kept)
    result = analyze_file(song, use_cache=False)  # the defaults: auto, final0
    assert (result.beat_tracker, result.beat_tracker_note) == ("beat_this", "auto: beat_this")


def test_a_checkpoint_url_is_downloaded_once(checkpoints, server, tmp_path):
    served, web = server
    shutil.copy(checkpoints[1], served / "mine.ckpt")
    cache = tmp_path / "downloads"
    choice = choose_tracker("auto", checkpoint=web.url("mine.ckpt"), cache_dir=cache)
    assert choice.name == "beat_this" and Path(choice.checkpoint) == cache / "mine.ckpt"
    assert choice.key == choose_tracker("beat_this", checkpoint=str(checkpoints[1])).key
    web.stop()  # offline now: the downloaded file is used
    again = choose_tracker("beat_this", checkpoint=web.url("mine.ckpt"), cache_dir=cache)
    assert again.key == choice.key


def test_auto_falls_back_with_a_note_when_the_weights_cannot_be_had(server, song, capsys):
    _, web = server
    url = web.url("missing.ckpt")  # a 404
    choice = choose_tracker("auto", checkpoint=url)
    assert choice.name == "builtin" and "could not be downloaded (HTTPError)" in choice.note
    out_json = Path(os.environ["TORCH_HOME"]) / "a.json"
    assert main(["analyze", str(song), "--beat-this-checkpoint", url, "--json", str(out_json),
                 "--no-cache"]) == 0
    assert json.loads(out_json.read_text())["beat_tracker"] == "builtin"
    assert ("Beat tracker: builtin (auto: built-in tracker (the beat_this checkpoint"
            in capsys.readouterr().out)
    assert main(["analyze", str(song), "--beat-tracker", "beat_this", "--beat-this-checkpoint",
                 url, "--no-cache"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "could not be downloaded" in err
    assert "Traceback" not in err and "or choose auto or builtin" in err


def test_cli_analyze_names_beat_this(checkpoints, song, tmp_path, capsys):
    out_json = tmp_path / "a.json"
    assert main(["analyze", str(song), "--beat-this-checkpoint", str(checkpoints[0]),
                 "--json", str(out_json), "--no-cache"]) == 0
    assert json.loads(out_json.read_text())["beat_tracker"] == "beat_this"
    assert "Beat tracker: beat_this (auto: beat_this)" in capsys.readouterr().out


def test_a_run_records_beat_this_in_its_settings(checkpoints, tmp_path):
    path = tmp_path / "song.wav"
    sf.write(path, click_song(3.0), 22050)
    settings = Settings(renderer="preview", width=64, height=48, fps=6, duration=2.0, seed=1,
                        beat_tracker="beat_this", beat_this_checkpoint=str(checkpoints[0]))
    run = prepare_run(RenderRequest(audio=path, settings=settings, output_dir=tmp_path / "out",
                                    cache_dir=tmp_path / "cache"))
    record = run.record.to_json()
    assert record["analysis"]["beat_tracker"] == "beat_this"
    assert record["settings"]["beat_tracker"] == "beat_this"
    assert record["settings"]["beat_this_checkpoint"] == str(checkpoints[0])


def test_a_file_that_is_not_a_beat_this_checkpoint(tmp_path, song, capsys):
    import torch

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
