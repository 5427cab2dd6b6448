"""Tests for music_visualizer.audio.load: probe, load, hash, title tag, and bad inputs.

All audio is synthesised here: wav/flac/ogg with soundfile, mp3/m4a with the imageio-ffmpeg binary.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest
import soundfile as sf
from PIL import Image

from music_visualizer.audio import load
from music_visualizer.audio.load import (
    AudioInfo,
    audio_hash,
    load_audio,
    probe_audio,
    read_title_tag,
)
from music_visualizer.errors import AudioError

CLICK_AT = 1.25  # seconds; the click track has one loud click here


def _ffmpeg(*args: str) -> None:
    cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-y"]
    subprocess.run([*cmd, *args], check=True, capture_output=True)


def _click_track(sr: int, seconds: float, channels: int) -> np.ndarray:
    """Quiet tone with one loud 2 ms click at CLICK_AT; shape (n, channels)."""
    t = np.arange(round(seconds * sr)) / sr
    x = 0.05 * np.sin(2 * np.pi * 220 * t)
    start = round(CLICK_AT * sr)
    x[start : start + max(sr // 500, 2)] = 0.9
    return np.repeat(x[:, None], channels, axis=1).astype(np.float32)


def _click_time(x: np.ndarray, sr: int) -> float:
    mono = x if x.ndim == 1 else x.mean(axis=0)
    return float(np.argmax(np.abs(mono) > 0.5)) / sr


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("audio")
    out = {
        "wav8k": d / "mono8k.wav",
        "flac48k": d / "stereo48k.flac",
        "ogg": d / "song.ogg",
        "wav44": d / "song44.wav",
        "mp3": d / "song.mp3",
        "m4a": d / "song.m4a",
    }
    sf.write(out["wav8k"], _click_track(8000, 2.0, 1), 8000)
    sf.write(out["flac48k"], _click_track(48000, 1.5, 2), 48000)
    sf.write(out["ogg"], _click_track(44100, 2.0, 2), 44100)
    sf.write(out["wav44"], _click_track(44100, 3.0, 2), 44100)
    _ffmpeg("-i", str(out["wav44"]), "-c:a", "libmp3lame", "-b:a", "128k", str(out["mp3"]))
    _ffmpeg("-i", str(out["wav44"]), "-c:a", "aac", "-b:a", "128k", str(out["m4a"]))
    return out


# -- probe ----------------------------------------------------------------------------------


def test_probe_8k_mono_wav(files: dict[str, Path]) -> None:
    info = probe_audio(files["wav8k"])
    assert info == AudioInfo(path=str(files["wav8k"]), duration=2.0, sample_rate=8000, channels=1)


def test_probe_48k_stereo_flac(files: dict[str, Path]) -> None:
    info = probe_audio(files["flac48k"])
    assert (info.sample_rate, info.channels) == (48000, 2)
    assert info.duration == pytest.approx(1.5, abs=1e-6)


def test_probe_ogg(files: dict[str, Path]) -> None:
    info = probe_audio(files["ogg"])
    assert (info.sample_rate, info.channels) == (44100, 2)
    assert info.duration == pytest.approx(2.0, abs=0.01)


@pytest.mark.parametrize("kind", ["mp3", "m4a"])
def test_probe_compressed(files: dict[str, Path], kind: str) -> None:
    info = probe_audio(files[kind])
    assert (info.sample_rate, info.channels) == (44100, 2)
    assert info.duration == pytest.approx(3.0, abs=0.1)


def test_m4a_needs_the_ffmpeg_fallback(files: dict[str, Path]) -> None:
    with pytest.raises(RuntimeError):  # libsndfile cannot read m4a: the fallback did the work
        sf.info(str(files["m4a"]))
    x, sr = load_audio(files["m4a"], sr=None)
    assert sr == 44100
    assert len(x) / sr == pytest.approx(3.0, abs=0.1)


def test_mp3_through_ffmpeg_fallback_matches_soundfile(
    files: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    direct, sr = load_audio(files["mp3"], sr=None)

    def refuse(*args: object, **kwargs: object) -> None:
        raise RuntimeError("libsndfile refuses this file")

    monkeypatch.setattr(load.sf, "SoundFile", refuse)
    info = probe_audio(files["mp3"])
    assert info.duration == pytest.approx(3.0, abs=0.1)
    fallback, sr2 = load_audio(files["mp3"], sr=None)
    assert sr2 == sr == 44100
    assert abs(len(fallback) - len(direct)) / sr < 0.1
    assert _click_time(fallback, sr) == pytest.approx(CLICK_AT, abs=0.01)


def test_truncated_mp3_reports_decodable_length(files: dict[str, Path], tmp_path: Path) -> None:
    data = files["mp3"].read_bytes()
    cut = tmp_path / "cut.mp3"
    cut.write_bytes(data[: len(data) // 3])
    info = probe_audio(cut)
    assert 0.5 < info.duration < 1.5  # not the 3 s the Xing header promises


# -- load -----------------------------------------------------------------------------------


def test_load_shapes_and_resampling(files: dict[str, Path]) -> None:
    x, sr = load_audio(files["flac48k"], sr=None, mono=False)
    assert (x.dtype, x.shape, sr) == (np.float32, (2, 72000), 48000)
    assert x.flags.c_contiguous
    m, sr = load_audio(files["flac48k"])
    assert (m.dtype, m.ndim, sr) == (np.float32, 1, 22050)
    assert len(m) == pytest.approx(1.5 * 22050, abs=2)
    up, sr = load_audio(files["wav8k"], sr=22050, mono=False)
    assert up.shape[0] == 1 and up.shape[1] == pytest.approx(2.0 * 22050, abs=2)
    assert _click_time(up, sr) == pytest.approx(CLICK_AT, abs=0.005)


@pytest.mark.parametrize("kind", ["wav44", "flac48k", "mp3", "m4a"])
def test_load_offset_and_duration(files: dict[str, Path], kind: str) -> None:
    x, sr = load_audio(files[kind], sr=None, offset=1.0, duration=0.4)
    assert len(x) == pytest.approx(0.4 * sr, abs=2)
    assert _click_time(x, sr) == pytest.approx(CLICK_AT - 1.0, abs=0.01)
    tail, _ = load_audio(files[kind], sr=None, offset=1.0)
    assert len(tail) / sr == pytest.approx(probe_audio(files[kind]).duration - 1.0, abs=0.05)


def test_load_offset_past_end(files: dict[str, Path]) -> None:
    for kind in ("wav8k", "m4a"):
        with pytest.raises(AudioError, match=re.escape(files[kind].name)):
            load_audio(files[kind], offset=10.0)


def test_load_rejects_bad_arguments(files: dict[str, Path]) -> None:
    with pytest.raises(ValueError):
        load_audio(files["wav8k"], offset=-1.0)
    with pytest.raises(ValueError):
        load_audio(files["wav8k"], duration=0.0)
    with pytest.raises(ValueError):
        load_audio(files["wav8k"], sr=0)


# -- hash -----------------------------------------------------------------------------------


def test_audio_hash(files: dict[str, Path], tmp_path: Path) -> None:
    h = audio_hash(files["wav8k"])
    assert h == audio_hash(str(files["wav8k"]))
    assert h == hashlib.sha256(files["wav8k"].read_bytes()).hexdigest()
    copy = tmp_path / "copy.wav"
    copy.write_bytes(files["wav8k"].read_bytes())
    assert audio_hash(copy) == h
    other = tmp_path / "other.wav"
    sf.write(other, _click_track(8000, 2.0, 1) * 0.5, 8000)
    assert audio_hash(other) != h
    with pytest.raises(AudioError, match=re.escape("nothere.wav")):
        audio_hash(tmp_path / "nothere.wav")


# -- bad inputs -----------------------------------------------------------------------------


def _bad_input(kind: str, d: Path, files: dict[str, Path]) -> Path:
    if kind == "missing":
        return d / "missing.mp3"
    if kind == "folder":
        (d / "folder.mp3").mkdir()
        return d / "folder.mp3"
    p = d / {"png": "cover.mp3", "text": "notes.mp3", "wav_head": "head.wav"}.get(kind, kind)
    if kind == "empty.mp3":
        p.write_bytes(b"")
    elif kind == "text":
        p.write_text("this is not a song\n" * 100)
    elif kind == "png":
        Image.new("RGB", (32, 32), (200, 10, 10)).save(p, format="PNG")
    elif kind == "wav_head":  # cut inside the header
        p.write_bytes(files["wav8k"].read_bytes()[:20])
    elif kind == "truncated.m4a":  # the moov atom (at the end) is lost
        p.write_bytes(files["m4a"].read_bytes()[:4000])
    elif kind == "garbage.flac":
        p.write_bytes(b"fLaC" + np.random.default_rng(0).bytes(5000))
    elif kind == "zero.wav":
        sf.write(p, np.zeros((0, 1), dtype=np.float32), 22050)
    return p


BAD_INPUTS = [
    "missing",
    "folder",
    "empty.mp3",
    "text",
    "png",
    "wav_head",
    "truncated.m4a",
    "garbage.flac",
    "zero.wav",
]


@pytest.mark.parametrize("kind", BAD_INPUTS)
def test_bad_inputs_raise_audio_error(kind: str, tmp_path: Path, files: dict[str, Path]) -> None:
    path = _bad_input(kind, tmp_path, files)
    with pytest.raises(AudioError) as probe_err:
        probe_audio(path)
    with pytest.raises(AudioError) as load_err:
        load_audio(path)
    for err in (probe_err, load_err):
        msg = str(err.value)
        assert path.name in msg
        assert "\n" not in msg and msg.endswith(".")


def test_bad_input_messages_say_what_is_wrong(tmp_path: Path, files: dict[str, Path]) -> None:
    expected = {
        "missing": "does not exist",
        "folder": "is a folder",
        "empty.mp3": "is empty",
        "png": "could not be read as audio",
        "zero.wav": "contains no audio",
    }
    for kind, words in expected.items():
        with pytest.raises(AudioError, match=words):
            probe_audio(_bad_input(kind, tmp_path, files))


# -- title tag ------------------------------------------------------------------------------


def test_title_from_id3(files: dict[str, Path], tmp_path: Path) -> None:
    from mutagen.id3 import ID3, TIT2

    p = tmp_path / "tagged.mp3"
    p.write_bytes(files["mp3"].read_bytes())
    tags = ID3()
    tags.add(TIT2(encoding=3, text=["Nocturne für Clara"]))
    tags.save(p)
    assert read_title_tag(p) == "Nocturne für Clara"
    assert probe_audio(p).duration == pytest.approx(3.0, abs=0.1)  # tags do not break decoding


def test_title_from_flac_and_mp4(files: dict[str, Path], tmp_path: Path) -> None:
    from mutagen.flac import FLAC
    from mutagen.mp4 import MP4

    flac = tmp_path / "tagged.flac"
    flac.write_bytes(files["flac48k"].read_bytes())
    f = FLAC(flac)
    f["TITLE"] = "  Vorbis Title  "
    f.save()
    assert read_title_tag(flac) == "Vorbis Title"

    m4a = tmp_path / "tagged.m4a"
    m4a.write_bytes(files["m4a"].read_bytes())
    m = MP4(m4a)
    m["\xa9nam"] = ["MP4 Title"]
    m.save()
    assert read_title_tag(m4a) == "MP4 Title"


def test_title_absent_or_unreadable(files: dict[str, Path], tmp_path: Path) -> None:
    assert read_title_tag(files["wav8k"]) is None
    assert read_title_tag(files["mp3"]) is None  # ffmpeg writes only an encoder tag
    (tmp_path / "x.mp3").write_text("not audio")
    assert read_title_tag(tmp_path / "x.mp3") is None
    assert read_title_tag(tmp_path / "missing.mp3") is None
