"""Finishing at encode time: interpolation (rife, minterpolate, blend) and upscaling streamed
from the saved frames into the MP4; the RIFE weights of a Practical-RIFE release load."""

from __future__ import annotations

import subprocess
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest
import torch
from PIL import Image

from music_visualizer.errors import ModelError, RunError
from music_visualizer.finishing.rife import IFNet, IFNetConfig, ifnet_config, load_rife
from music_visualizer.finishing.stream import (
    Finishing,
    finished_frames,
    load_finisher,
    read_frames,
)
from music_visualizer.runs.job import RenderRequest, build_video, render
from music_visualizer.runs.partial import build_partial
from music_visualizer.runs.segments import read_segments
from music_visualizer.runs.video import crf_for_size, encode_video, h264_level, probe_video
from music_visualizer.settings import Settings
from music_visualizer.ui.cli import main
from tests.resume_check import same_bytes
from tests.video_check import frame_durations

W, H, FPS, N = 64, 48, 6, 12  # 12 frames at 6 fps: 2 s
BAR, STEP = 16, 4  # a white bar 16 px wide moving 4 px right per frame

#: Practical-RIFE layouts (tiny widths): 4.14+ (Head encoder, 8 features), 4.15+ (blocks
#: passing 8 feature channels on), 4.7-4.13 (two-layer encoder, 4 features), 4.6 (none).
LAYOUTS = {
    "4.14": IFNetConfig(((23, 16, 6), (28, 16, 6), (28, 8, 6), (28, 8, 6)), "head", 8, 2),
    "4.15": IFNetConfig(((23, 16, 13), (36, 16, 13), (36, 8, 13), (36, 8, 13), (36, 8, 13)),
                        "head", 8, 2),
    "4.7": IFNetConfig(((15, 16, 6), (20, 16, 6), (20, 8, 6), (20, 8, 6)), "seq", 4, 2),
    "4.6": IFNetConfig(((7, 16, 6), (12, 16, 6), (12, 8, 6), (12, 8, 6)), "", 0, 2),
}


def save_practical_rife(net: IFNet, folder: Path) -> Path:
    """``net``'s weights as a Practical-RIFE release has them: ``train_log/flownet.pkl``, a
    state dict whose keys carry DDP's ``module.`` prefix."""
    path = folder / "train_log" / "flownet.pkl"
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save({f"module.{k}": v for k, v in net.state_dict().items()}, path)
    return path


@pytest.fixture(scope="module")
def rife_file(tmp_path_factory) -> Path:
    torch.manual_seed(0)
    return save_practical_rife(IFNet(LAYOUTS["4.14"]), tmp_path_factory.mktemp("rife"))


def pan_frame(i: int) -> np.ndarray:
    frame = np.zeros((H, W, 3), np.uint8)
    frame[:, 8 + STEP * i: 8 + STEP * i + BAR] = 255
    return frame


@pytest.fixture(scope="module")
def pan(tmp_path_factory) -> Path:
    """``N`` frames of a horizontal pan, saved as a run's PNGs (timestring ``ts``)."""
    folder = tmp_path_factory.mktemp("pan")
    for i in range(N):
        Image.fromarray(pan_frame(i)).save(folder / f"ts_{i:05d}.png")
    return folder


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_practical_rife_weights_load_through_the_users_loader(layout, tmp_path):
    torch.manual_seed(1)
    net = IFNet(LAYOUTS[layout]).eval()
    path = save_practical_rife(net, tmp_path)
    for given in (path, path.parent):  # the flownet.pkl, or its train_log folder
        loaded = load_rife(str(given))
        assert ifnet_config({k: v for k, v in loaded.state_dict().items()}) == LAYOUTS[layout]
        a, b = torch.rand(2, 3, 64, 64), torch.rand(2, 3, 64, 64)  # multiples of 64
        t = torch.full((2, 1, 1, 1), 0.5)
        with torch.inference_mode():
            assert torch.equal(loaded(a, b, t), net(a, b, t))


def test_a_file_that_is_not_a_rife_model_is_explained(tmp_path):
    other = tmp_path / "flownet.pkl"
    torch.save({"module.conv.weight": torch.zeros(3, 3)}, other)
    with pytest.raises(ModelError, match=r"is not a Practical-RIFE 4\.x model"):
        load_rife(str(other))
    with pytest.raises(Exception, match="does not exist"):
        load_rife(str(tmp_path / "missing.pkl"))


def _finished(engine: str, factor: int, pan: Path, model: str = "") -> np.ndarray:
    finisher = load_finisher(Finishing(interpolate=factor, engine=engine, model=model))
    frames = read_frames(pan, "ts", 0, 4, after=True)  # frames 0-3 and frame 4 after them
    return np.stack(list(finished_frames(finisher, frames)))


def _bar_left(frame: np.ndarray) -> float:
    """Where the bar's left edge is (the first column brighter than half, sub-pixel)."""
    row = frame[H // 2, :, 0].astype(float) / 255
    col = int(np.argmax(row > 0.5))
    return col - (row[col] - 0.5) / max(row[col] - row[col - 1], 1e-6) if col else 0.0


@pytest.mark.parametrize("factor", [2, 3, 4])
def test_minterpolate_moves_the_edge_to_the_in_between_positions(factor, pan):
    out = _finished("minterpolate", factor, pan)
    assert len(out) == 4 * factor  # 4 frames, each followed by its in-betweens up to frame 4
    for j, frame in enumerate(out):
        expected = 8 + STEP * j / factor
        assert abs(_bar_left(frame) - expected) <= 2, (j, _bar_left(frame), expected)


def test_blend_is_the_average_of_the_neighbours(pan):
    out = _finished("blend", 2, pan)
    assert len(out) == 8
    assert np.array_equal(out[0], pan_frame(0)) and np.array_equal(out[2], pan_frame(1))
    average = (pan_frame(0).astype(float) + pan_frame(1)) / 2
    assert np.abs(out[1] - average).max() <= 0.5  # 127.5 rounds to 128


def test_rife_gives_factor_frames_per_frame(pan, rife_file):
    out = _finished("rife", 3, pan, model=str(rife_file))
    assert out.shape == (12, H, W, 3)
    assert np.array_equal(out[3], pan_frame(1))  # the saved frames pass through unchanged


def _pan_rife(folder: Path, shift: float) -> Path:
    """A RIFE file whose flow is ``shift`` pixels to the right at every pixel (frame 0 sampled
    ``shift`` to the left, frame 1 to the right) and whose mask is 0.5: its middle frame of a
    pan moving ``2 * shift`` per frame is the pan half way."""
    net = IFNet(LAYOUTS["4.14"])
    with torch.no_grad():
        for name, p in net.named_parameters():
            if ".lastconv." in name:
                p.zero_()
        bias = net.block0.lastconv[0].bias  # channel c of the output: c * 4 .. c * 4 + 3
        scale = 2 ** (len(LAYOUTS["4.14"].blocks) - 1)  # block 0 works at 1/8 and scales up
        bias[0:4] = -shift / scale  # flow to frame 0, x
        bias[8:12] = shift / scale  # flow to frame 1, x
    return save_practical_rife(net, folder)


def test_rife_moves_the_edge_half_way_with_a_known_flow(pan, tmp_path):
    out = _finished("rife", 2, pan, model=str(_pan_rife(tmp_path, STEP / 2)))
    for j in (1, 3, 5):  # the in-betweens
        assert abs(_bar_left(out[j]) - (8 + STEP * j / 2)) <= 1, (j, _bar_left(out[j]))


CASES = {  # (engine, interpolate, upscale)
    "blend x4": ("blend", 4, 1),
    "minterpolate x3": ("minterpolate", 3, 1),
    "rife x2": ("rife", 2, 1),
    "upscale x2": ("blend", 1, 2),
    "rife x2 upscale x2": ("rife", 2, 2),
    "minterpolate x2 upscale x4": ("minterpolate", 2, 4),
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_mp4_has_factor_times_the_frames_and_fps_the_size_and_the_song_in_sync(
        case, pan, rife_file, song, tmp_path):
    engine, factor, up = CASES[case]
    finisher = load_finisher(Finishing(interpolate=factor, engine=engine, model=str(rife_file),
                                       upscale=up))
    out = encode_video(frames_dir=pan, timestring="ts", n_frames=N, fps=FPS,
                       out_path=tmp_path / "v.mp4", audio_path=song, audio_start=1.0,
                       finisher=finisher)
    info = probe_video(out)
    assert (info.n_frames, info.width, info.height) == (N * factor, W * up, H * up)
    assert info.fps == pytest.approx(FPS * factor)
    assert info.duration == pytest.approx(N / FPS, abs=1e-3)  # the song's slice: unchanged
    assert info.has_audio and info.audio_duration == pytest.approx(N / FPS, abs=0.05)
    assert (info.video_codec, info.pix_fmt) == ("h264", "yuv420p")
    assert not list(tmp_path.glob(".*"))  # no working files left


def test_h264_level_and_crf_follow_the_size():
    assert h264_level((512, 512), 24)[0] == "3.0"
    assert h264_level((1920, 1080), 30)[0] == "4.1"
    assert h264_level((2048, 2048), 24)[0] == "5.0"
    assert h264_level((1024, 1024), 24)[0] == "3.2"
    assert h264_level((3840, 2160), 30)[0] == "5.1"
    assert h264_level((3840, 2160), 60)[0] == "5.2"
    assert crf_for_size(18, (1024, 1024)) == 18 and crf_for_size(18, (3840, 2160)) == 20


PREVIEW = dict(renderer="preview", width=64, height=48, fps=6, seed=4, duration=3.0,
               translation_x="0:(3)", interpolate=2, interpolation_engine="blend")


@pytest.fixture(scope="module")
def kept(song, tmp_path_factory):
    """A ``keep_frames: all`` preview run, interpolated x2 (18 frames -> 36)."""
    return render(RenderRequest(audio=song, settings=Settings(**PREVIEW),
                                output_dir=tmp_path_factory.mktemp("all")))


@pytest.fixture(scope="module")
def segmented(song, tmp_path_factory):
    """The same run with ``keep_frames: none``, in segments of 4 frames (8 in the video)."""
    return render(RenderRequest(audio=song, settings=Settings(**PREVIEW, keep_frames="none"),
                                output_dir=tmp_path_factory.mktemp("none"), segment_frames=4))


def test_segments_interpolate_across_their_boundaries(kept, segmented):
    whole, joined = probe_video(kept.video), probe_video(segmented.video)
    assert whole.n_frames == joined.n_frames == 36
    assert joined.fps == pytest.approx(12) and joined.duration == pytest.approx(3.0, abs=1e-3)
    assert frame_durations(segmented.video) == {1 / 12}  # joined without a gap or a jump
    a, b = _decode(kept.video), _decode(segmented.video)
    # the same frames (two encodes of them): no in-between missing or doubled at a boundary
    assert np.abs(a.astype(int) - b).mean(axis=(1, 2, 3)).max() < 4


def test_a_stopped_interpolated_segment_run_resumes_to_the_same_mp4(song, segmented, tmp_path):
    done = [0]
    first = render(RenderRequest(audio=song, settings=Settings(**PREVIEW, keep_frames="none"),
                                 output_dir=tmp_path, segment_frames=4),
                   on_frame=lambda i, state: done.__setitem__(0, done[0] + 1),
                   should_stop=lambda: done[0] >= 8)
    assert first.stopped and first.rendered == 8
    # frames 4-7 wait for frame 8, the first of the next segment, for their last in-between
    listed = read_segments(first.folder, first.timestring)
    assert [(s.first_frame, s.frames) for s in listed] == [(0, 4)]
    partial = build_partial(first.folder, first.timestring)  # the segment + frames 4-7, x2
    info = probe_video(partial.path)
    assert (info.n_frames, info.width) == (16, W) and info.fps == pytest.approx(12)
    rest = render(RenderRequest(audio=song, settings=Settings(), output_dir=tmp_path,
                                resume=first.timestring, segment_frames=4))
    assert not rest.stopped
    same_bytes(segmented.video, rest.video, "after a stop at frame 8")


def _decode(video: Path) -> np.ndarray:
    """The video's frames as RGB arrays (ffmpeg)."""
    info = probe_video(video)
    raw = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(video),
                          "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                         capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, info.height, info.width, 3)


def test_video_re_encodes_a_run_interpolated_and_upscaled(kept, capsys):
    code = main(["video", str(kept.folder), "--timestring", kept.timestring,
                 "--interpolate", "3", "--upscale", "2"])
    assert code == 0, capsys.readouterr().err
    info = probe_video(kept.video)
    assert (info.n_frames, info.width, info.height) == (54, 128, 96)
    assert info.fps == pytest.approx(18)
    build_video(kept.folder, kept.timestring)  # the run's own settings again
    assert probe_video(kept.video).n_frames == 36


def test_resuming_with_other_finishing_points_to_the_video_command(song, kept):
    with pytest.raises(RunError, match=r"resume it without --interpolate, then make its video "
                                       r"again with: python -m music_visualizer video RUN_DIR "
                                       r"--timestring \d+ --interpolate 3\."):
        render(RenderRequest(audio=song, output_dir=kept.folder.parents[1],
                             resume=kept.timestring, overrides={"interpolate": 3}))


def test_video_with_a_missing_model_says_so_in_one_line(kept, capsys, tmp_path):
    code = main(["video", str(kept.folder), "--timestring", kept.timestring,
                 "--interpolation-engine", "rife", "--interpolation-model",
                 str(tmp_path / "no.pkl")])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1 and "no.pkl" in err


def test_captions_are_drawn_after_upscaling_at_the_output_frame_rate(tmp_path):
    from music_visualizer.lyrics import parse_lrc
    from music_visualizer.lyrics.captions import Captions, caption_overlay

    grey = np.full((H, W, 3), 128, np.uint8)
    for i in range(4):
        Image.fromarray(grey).save(tmp_path / f"ts_{i:05d}.png")
    captions = Captions(parse_lrc("[00:00.25]Hello world\n"), "line", fps=FPS)
    finisher = load_finisher(Finishing(interpolate=2, engine="blend", upscale=2))
    out = list(finished_frames(finisher, read_frames(tmp_path, "ts", 0, 4, after=False),
                               captions=captions))
    assert len(out) == 8 and out[0].shape == (2 * H, 2 * W, 3)
    expected = Image.fromarray(np.full((2 * H, 2 * W, 3), 128, np.uint8))
    overlay = caption_overlay((2 * W, 2 * H), "Hello world")
    expected.paste(overlay, (0, 0), overlay)
    # the line starts at 0.25 s: output frame 3 at 12 fps (0.25 s), between run frames 1 and 2
    for j, frame in enumerate(out):
        assert np.array_equal(frame, np.asarray(expected) if j >= 3 else grey.repeat(2, 0)
                              .repeat(2, 1)), j


def test_finished_captions_keep_the_runs_caption_look(tmp_path):
    from music_visualizer.lyrics import parse_lrc
    from music_visualizer.lyrics.captions import CaptionLook, Captions, caption_overlay

    grey = np.full((H, W, 3), 128, np.uint8)
    for i in range(2):
        Image.fromarray(grey).save(tmp_path / f"ts_{i:05d}.png")
    look = CaptionLook(position="top", size=0.12, outline=0.2)
    captions = Captions(parse_lrc("[00:00.00]Hello world\n"), "line", fps=FPS, look=look)
    finisher = load_finisher(Finishing(interpolate=2, engine="blend"))
    out = list(finished_frames(finisher, read_frames(tmp_path, "ts", 0, 2, after=False),
                               captions=captions))
    expected = Image.fromarray(grey)
    overlay = caption_overlay((W, H), "Hello world", look=look)
    expected.paste(overlay, (0, 0), overlay)
    assert np.array_equal(out[0], np.asarray(expected))
    drawn = np.abs(out[0].astype(int) - 128).max(axis=-1) > 40
    assert drawn[: H // 3].any() and not drawn[2 * H // 3:].any()  # at the top, as asked
