"""Tests for music_visualizer.runs.video: encode frames + audio slice to MP4, then probe it.

Frames are tiny synthetic PNGs whose red level encodes the frame number, so decoding the video
back shows that every frame is there, in order.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest
import soundfile as sf
from PIL import Image

from music_visualizer.errors import VideoError
from music_visualizer.runs.video import VideoInfo, encode_video, probe_video

TS = "20240102030405"
N_FRAMES = 24
FPS = 12


def _write_frames(d: Path, size: tuple[int, int], n: int = N_FRAMES) -> Path:
    """n PNGs ``<TS>_<i:05d>.png``: red = 10*i, plus a moving green bar."""
    d.mkdir(parents=True, exist_ok=True)
    w, h = size
    for i in range(n):
        a = np.zeros((h, w, 3), dtype=np.uint8)
        a[..., 0] = 10 * i
        a[i % h : i % h + 4, :, 1] = 255
        Image.fromarray(a).save(d / f"{TS}_{i:05d}.png")
    return d


def _red_levels(video: Path, size: tuple[int, int]) -> np.ndarray:
    """Mean red of every decoded frame (rgb24, scaled back to ``size``)."""
    w, h = size
    cmd = [
        imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(video),
        "-vf", f"scale={w}:{h}", "-f", "rawvideo", "-pix_fmt", "rgb24", "-",
    ]  # fmt: skip
    raw = subprocess.run(cmd, check=True, capture_output=True).stdout
    frames = np.frombuffer(raw, dtype=np.uint8).reshape(-1, h, w, 3)
    return frames[:, h // 2 + 10 :, :, 0].mean(axis=(1, 2))  # below the green bar's path


@pytest.fixture(scope="module")
def song(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """3 s stereo 44.1 kHz tone."""
    p = tmp_path_factory.mktemp("song") / "song.wav"
    t = np.arange(3 * 44100) / 44100
    x = 0.2 * np.sin(2 * np.pi * 330 * t)
    sf.write(p, np.stack([x, x], axis=1), 44100)
    return p


@pytest.fixture(scope="module")
def frames64(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write_frames(tmp_path_factory.mktemp("frames64"), (64, 48))


def _leftovers(d: Path) -> list[str]:
    return sorted(p.name for p in d.iterdir() if p.name.endswith(".part") or p.name[0] == ".")


def test_encode_with_audio_and_probe(frames64: Path, song: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / f"{TS}.mp4"
    result = encode_video(
        frames_dir=frames64,
        timestring=TS,
        n_frames=N_FRAMES,
        fps=FPS,
        out_path=out,
        audio_path=song,
        audio_start=0.5,
    )
    assert result == out and out.is_file()
    info = probe_video(out)
    assert isinstance(info, VideoInfo)
    assert (info.video_codec, info.pix_fmt) == ("h264", "yuv420p")
    assert (info.width, info.height) == (64, 48)
    assert info.n_frames == N_FRAMES
    assert info.fps == pytest.approx(FPS)
    assert info.duration == pytest.approx(N_FRAMES / FPS, abs=0.1)
    assert info.has_audio and info.audio_codec == "aac"
    assert info.audio_duration is not None
    assert info.audio_duration <= info.duration + 0.05
    assert info.audio_duration == pytest.approx(info.duration, abs=0.05)
    assert _leftovers(out.parent) == []
    red = _red_levels(out, (64, 48))
    assert len(red) == N_FRAMES
    np.testing.assert_allclose(red, 10 * np.arange(N_FRAMES), atol=4)


def test_odd_size_is_made_even(song: Path, tmp_path: Path) -> None:
    frames = _write_frames(tmp_path / "odd", (65, 49))
    out = encode_video(
        frames_dir=frames,
        timestring=TS,
        n_frames=N_FRAMES,
        fps=FPS,
        out_path=tmp_path / "odd.mp4",
        audio_path=song,
        audio_start=0.5,
    )
    info = probe_video(out)
    assert (info.width, info.height) == (66, 50)
    assert (info.n_frames, info.pix_fmt) == (N_FRAMES, "yuv420p")
    red = _red_levels(out, (66, 50))
    np.testing.assert_allclose(red, 10 * np.arange(N_FRAMES), atol=4)  # no black border


def test_song_shorter_than_video_keeps_all_frames(
    frames64: Path, song: Path, tmp_path: Path
) -> None:
    out = encode_video(
        frames_dir=frames64,
        timestring=TS,
        n_frames=N_FRAMES,
        fps=FPS,
        out_path=tmp_path / "late.mp4",
        audio_path=song,
        audio_start=2.5,  # only 0.5 s of song left for a 2 s video
    )
    info = probe_video(out)
    assert info.n_frames == N_FRAMES
    assert info.duration == pytest.approx(2.0, abs=0.1)
    assert info.audio_duration is not None and info.audio_duration <= info.duration + 0.05


def test_silent_video_and_fractional_fps(frames64: Path, tmp_path: Path) -> None:
    out = encode_video(
        frames_dir=frames64,
        timestring=TS,
        n_frames=10,
        fps=30000 / 1001,
        out_path=tmp_path / "silent.mp4",
        preset="ultrafast",
    )
    info = probe_video(out)
    assert not info.has_audio and info.audio_codec is None and info.audio_duration is None
    assert info.n_frames == 10
    assert info.fps == pytest.approx(30000 / 1001, rel=1e-4)
    assert info.duration == pytest.approx(10 * 1001 / 30000, abs=0.01)


def test_missing_frame_is_named(frames64: Path, song: Path, tmp_path: Path) -> None:
    frames = tmp_path / "gap"
    frames.mkdir()
    for p in frames64.iterdir():
        if not p.name.endswith("_00007.png"):
            (frames / p.name).write_bytes(p.read_bytes())
    out = tmp_path / "gap.mp4"
    with pytest.raises(VideoError, match=re.escape(f"{TS}_00007.png")):
        encode_video(frames_dir=frames, timestring=TS, n_frames=N_FRAMES, fps=FPS, out_path=out)
    assert not out.exists() and _leftovers(tmp_path) == []
    with pytest.raises(
        VideoError, match=re.escape(f"{TS}_00024.png")
    ):  # asking for one frame too many
        encode_video(
            frames_dir=frames64, timestring=TS, n_frames=N_FRAMES + 1, fps=FPS, out_path=out
        )


def test_corrupt_frame_fails_and_keeps_the_old_video(frames64: Path, tmp_path: Path) -> None:
    frames = tmp_path / "bad"
    frames.mkdir()
    for p in frames64.iterdir():
        (frames / p.name).write_bytes(p.read_bytes())
    bad = frames / f"{TS}_00005.png"
    bad.write_bytes(bad.read_bytes()[:100])
    out = tmp_path / "keep.mp4"
    out.write_bytes(b"previous video")
    with pytest.raises(VideoError, match=re.escape(bad.name)):
        encode_video(frames_dir=frames, timestring=TS, n_frames=N_FRAMES, fps=FPS, out_path=out)
    assert out.read_bytes() == b"previous video"
    assert _leftovers(tmp_path) == []


def test_ffmpeg_failure_reports_stderr(frames64: Path, tmp_path: Path) -> None:
    not_audio = tmp_path / "song.mp3"
    not_audio.write_text("not a song at all\n" * 50)
    out = tmp_path / "fail.mp4"
    with pytest.raises(VideoError, match="ffmpeg") as err:
        encode_video(
            frames_dir=frames64,
            timestring=TS,
            n_frames=N_FRAMES,
            fps=FPS,
            out_path=out,
            audio_path=not_audio,
        )
    assert "song.mp3" in str(err.value)
    assert not out.exists() and _leftovers(tmp_path) == []


def test_bad_arguments(frames64: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.mp4"
    common = {"frames_dir": frames64, "timestring": TS, "out_path": out}
    with pytest.raises(VideoError, match="no frames"):
        encode_video(**common, n_frames=0, fps=FPS)
    with pytest.raises(ValueError, match="fps"):
        encode_video(**common, n_frames=N_FRAMES, fps=0)
    with pytest.raises(ValueError, match="preset"):
        encode_video(**common, n_frames=N_FRAMES, fps=FPS, preset="turbo")
    with pytest.raises(VideoError, match="nowhere"):
        encode_video(
            frames_dir=tmp_path / "nowhere", timestring=TS, n_frames=1, fps=FPS, out_path=out
        )
    with pytest.raises(VideoError, match=re.escape("no-song.wav")):
        encode_video(**common, n_frames=N_FRAMES, fps=FPS, audio_path=tmp_path / "no-song.wav")


def test_probe_errors(song: Path, tmp_path: Path) -> None:
    with pytest.raises(VideoError, match=re.escape("missing.mp4")):
        probe_video(tmp_path / "missing.mp4")
    with pytest.raises(VideoError, match="has no video stream"):
        probe_video(song)
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"\0junk" * 100)
    with pytest.raises(VideoError, match=re.escape("junk.mp4")):
        probe_video(junk)


def test_the_fast_x264_options_are_used_and_keep_the_picture(frames64: Path, tmp_path: Path
                                                             ) -> None:
    from music_visualizer.runs.video import FAST_X264_PARAMS

    def x264_settings(path: Path) -> str:
        # libx264 writes its options into the stream (an SEI message)
        data = path.read_bytes()
        start = data.index(b"options: ")
        return data[start:data.index(b"\x00", start)].decode("ascii", "replace")

    tuned = encode_video(frames_dir=frames64, timestring=TS, n_frames=N_FRAMES, fps=FPS,
                         out_path=tmp_path / "tuned.mp4")
    plain = encode_video(frames_dir=frames64, timestring=TS, n_frames=N_FRAMES, fps=FPS,
                         out_path=tmp_path / "plain.mp4", x264_params=None)
    assert FAST_X264_PARAMS == "me=dia:subme=1"
    assert " me=dia " in x264_settings(tuned) and " subme=1 " in x264_settings(tuned)
    assert " me=hex " in x264_settings(plain) and " subme=2 " in x264_settings(plain)
    expected = 10 * np.arange(N_FRAMES)
    for video in (tuned, plain):
        assert probe_video(video).n_frames == N_FRAMES
        assert np.abs(_red_levels(video, (64, 48)) - expected).max() < 3


def test_parts_of_killed_encodes_are_removed_and_a_live_ones_kept(frames64: Path,
                                                                 tmp_path: Path) -> None:
    dead = subprocess.Popen(["true"])
    dead.wait()  # a pid that no longer runs
    out = tmp_path / "video [1].mp4"  # glob characters in the name
    left = tmp_path / f".{out.name}.{dead.pid}-0badcafe.part"
    live = tmp_path / f".{out.name}.1-0badcafe.part"  # pid 1 is alive
    other = tmp_path / ".another.mp4.12345-0badcafe.part"
    for p in (left, live, other):
        p.write_bytes(b"half a video")
    encode_video(frames_dir=frames64, timestring=TS, n_frames=4, fps=FPS, out_path=out,
                 preset="ultrafast")
    assert not left.exists() and live.exists() and other.exists()
    assert probe_video(out).n_frames == 4
