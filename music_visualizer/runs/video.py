"""Frames plus the song's slice into an H.264 MP4, and a probe to check the result.

Contents
--------
- :func:`encode_video`  ``<timestring>_<frame:05d>.png`` frames + audio slice -> MP4 (atomic).
- :func:`join_videos`   video-only MP4s joined without re-encoding + the audio slice -> MP4.
- :class:`VideoInfo`    what :func:`probe_video` reports about a video file.
- :func:`probe_video`   codec, pixel format, size, fps, exact frame count and durations.

Both use the ffmpeg binary shipped by imageio-ffmpeg (no ffprobe is needed). The output is
H.264 (libx264, yuv420p, BT.709), even width and height, exactly ``n_frames`` frames at ``fps``,
the audio slice ``audio_start .. audio_start + n_frames / fps`` as AAC (padded with silence where
the song ends early, never longer than the video), and ``+faststart`` for streaming.
"""

from __future__ import annotations

import contextlib
import errno
import math
import os
import re
import secrets
import shutil
import statistics
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from glob import escape as glob_escape
from pathlib import Path

import imageio_ffmpeg
import numpy as np
from PIL import Image

from music_visualizer import child_process
from music_visualizer.errors import VideoError
from music_visualizer.finishing.stream import Finisher, finished_frames, read_frames
from music_visualizer.lyrics.captions import Captions, caption_frames
from music_visualizer.runs.png import png_damage
from music_visualizer.runs.store import storage_problem

__all__ = ["CPUS_ENV", "VideoInfo", "cpu_threads", "crf_for_size", "encode_video", "h264_level",
           "join_videos", "probe_video"]

#: Set in a Ray CPU worker's environment to its share of the CPUs
#: (:mod:`music_visualizer.scale`): ffmpeg then uses that many threads, not every core.
CPUS_ENV = "MUSIC_VISUALIZER_CPUS"

X264_PRESETS = (
    "ultrafast", "superfast", "veryfast", "faster", "fast",
    "medium", "slow", "slower", "veryslow", "placebo",
)  # fmt: skip
_STDERR_TAIL_LINES = 8
_NOPTS = -(2**63)


@dataclass(frozen=True)
class VideoInfo:
    """What :func:`probe_video` found.

    Attributes
    ----------
    duration : video stream duration in seconds (end of last frame - start of first).
    fps : frame rate (from the frame durations; the header's rate when those are missing).
    width, height : frame size in pixels.
    n_frames : exact number of video frames (packets counted, nothing decoded).
    video_codec : ffmpeg codec id, e.g. ``"h264"``.
    pix_fmt : pixel format, e.g. ``"yuv420p"`` (``""`` when ffmpeg does not say).
    has_audio : whether there is an audio stream.
    audio_codec : ffmpeg codec id of the first audio stream, e.g. ``"aac"``, or ``None``.
    audio_duration : audio stream duration in seconds, or ``None`` without audio.
    """

    duration: float
    fps: float
    width: int
    height: int
    n_frames: int
    video_codec: str
    pix_fmt: str
    has_audio: bool
    audio_codec: str | None
    audio_duration: float | None


# --------------------------------------------------------------------------------------------
# Encoding
# --------------------------------------------------------------------------------------------


#: libx264 options on top of the preset by default (see :func:`encode_video`).
FAST_X264_PARAMS = "me=dia:subme=1"


def encode_video(
    *,
    frames_dir: str | os.PathLike[str],
    timestring: str,
    n_frames: int,
    fps: float,
    out_path: str | os.PathLike[str],
    audio_path: str | os.PathLike[str] | None = None,
    audio_start: float = 0.0,
    crf: int = 18,
    preset: str = "veryfast",
    x264_params: str | None = FAST_X264_PARAMS,
    first_frame: int = 0,
    bitexact: bool = False,
    captions: Captions | None = None,
    finisher: Finisher | None = None,
    after: bool = False,
) -> Path:
    """Encode frames ``first_frame .. first_frame+n_frames-1`` (and the matching audio slice)
    into an MP4.

    The file is written beside ``out_path`` under a hidden temporary name and renamed into
    place when ffmpeg succeeds, so an interrupted encode never leaves a half MP4 at ``out_path``.

    Parameters
    ----------
    frames_dir : folder holding ``<timestring>_<frame:05d>.png``.
    timestring : the run's timestring (the frame file prefix).
    n_frames : number of frames to encode (frames 0 .. n_frames-1 must all exist).
    fps : frame rate of the video; its duration is ``n_frames / fps``.
    out_path : the MP4 to write (replaced if it exists; its folder is created).
    audio_path : the song; ``None`` for a silent video.
    audio_start : where in the song (seconds) frame 0 is.
    crf : libx264 constant rate factor (0..51, lower is better; 18 looks lossless).
    preset : libx264 speed preset (``ultrafast`` .. ``placebo``).
    x264_params : libx264 options on top of the preset (``None``: the preset as it is). The
        default, diamond motion search and the quickest subpixel refinement, encodes ~25 % faster
        than plain ``veryfast`` for files ~12 % larger at the same PSNR (measured on 512x512
        renders here: 211 vs 167 fps, 43.9 vs 43.7 dB).
    first_frame : the first frame's number (a segment of a ``keep_frames: none`` run).
    bitexact : the same bytes for the same frames on any machine and any run: exact colour
        conversion, one encoder thread, no version strings, no metadata (the segments of a
        ``keep_frames: none`` run).
    captions : lyrics to burn into the video (:mod:`music_visualizer.lyrics.captions`): the
        encoder reads captioned copies of the frames, the PNGs in ``frames_dir`` stay as they are.
    finisher : interpolation and upscaling (:mod:`music_visualizer.finishing`): frames piped
        through it; ``n_frames * interpolate`` frames at ``fps * interpolate``, larger.
    after : with ``finisher``, the last in-betweens lead to frame ``first_frame + n_frames``
        (the next segment's first; else the last frame is held).

    Returns
    -------
    Path
        ``out_path``.

    Raises
    ------
    VideoError
        No frames, a missing or unreadable frame, a missing audio file, or ffmpeg failed
        (the message ends with ffmpeg's last stderr lines).
    ValueError
        ``fps``, ``crf``, ``preset``, ``audio_start`` or ``timestring`` is invalid.
    """
    fps_q = _check_options(fps=fps, crf=crf, preset=preset, audio_start=audio_start,
                           timestring=timestring, n_frames=n_frames)
    frames = Path(frames_dir)
    first = _check_frames(frames, timestring=timestring, n_frames=n_frames,
                          first_frame=first_frame)
    width, height = _frame_size(first)
    audio = None if audio_path is None else _check_audio(audio_path)
    if finisher is not None and finisher.finishing.active:
        return _encode_finished(
            finisher, frames=frames, timestring=timestring, n_frames=n_frames, fps=fps_q,
            size=(width, height), out=Path(out_path), audio=audio, audio_start=audio_start,
            crf=crf, preset=preset, x264_params=x264_params, first_frame=first_frame,
            bitexact=bitexact, captions=captions, after=after)
    out = Path(out_path)
    hidden = _hidden_beside(out)
    tmp, captioned = hidden("part"), hidden("frames")
    source = frames if captions is None else captioned
    # image2 sequence pattern: a literal '%' in the folder or prefix must be written '%%'.
    pattern = os.path.join(os.path.abspath(source), timestring).replace("%", "%%") + "_%05d.png"
    try:
        if captions is not None:
            _caption_frames(frames, captioned, timestring=timestring, first_frame=first_frame,
                            n_frames=n_frames, captions=captions)
        cmd = _encode_command(
            pattern=pattern, n_frames=n_frames, fps=fps_q, size=(width, height), audio=audio,
            audio_start=audio_start, crf=crf, preset=preset, x264_params=x264_params, out=tmp,
            first_frame=first_frame, bitexact=bitexact)
        _run_encoder(cmd, tmp=tmp, out=out, frames=frames, timestring=timestring,
                     n_frames=n_frames, first_frame=first_frame)
        _move_into_place(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
        shutil.rmtree(captioned, ignore_errors=True)
    return out


def _encode_finished(finisher: Finisher, *, frames: Path, timestring: str, n_frames: int,
                     fps: Fraction, size: tuple[int, int], out: Path, audio: Path | None,
                     audio_start: float, crf: int, preset: str, x264_params: str | None,
                     first_frame: int, bitexact: bool, captions: Captions | None,
                     after: bool) -> Path:
    """:func:`encode_video` through ``finisher``: finished frames piped into ffmpeg."""
    if after:
        _check_frames(frames, timestring=timestring, n_frames=1, first_frame=first_frame + n_frames)
    f = finisher.finishing
    n_out, fps_out = f.frames_out(n_frames), fps * f.interpolate
    out_size = (size[0] * f.upscale, size[1] * f.upscale)
    hidden = _hidden_beside(out)
    tmp = hidden("part")
    cmd = _encode_command(pattern="-", n_frames=n_out, fps=fps_out, size=out_size, audio=audio,
                          audio_start=audio_start, crf=crf_for_size(crf, out_size),
                          preset=preset, x264_params=x264_params, out=tmp, bitexact=bitexact,
                          raw=True, level=h264_level(out_size, float(fps_out)))
    source = read_frames(frames, timestring, first_frame, n_frames, after)
    finished = finished_frames(finisher, source, captions=captions,
                               first_out=first_frame * f.interpolate)
    try:
        _run_fed_encoder(cmd, finished, out=out, tmp=tmp, n_frames=n_out)
        _move_into_place(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out


def _run_fed_encoder(cmd: list[str], frames: Iterator[np.ndarray], *, out: Path, tmp: Path,
                     n_frames: int) -> None:
    """Run ffmpeg's ``cmd``, writing ``frames`` to its stdin, and check it wrote ``n_frames``."""
    proc = child_process.popen_fed(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    errors: list[bytes] = []
    reader = threading.Thread(target=lambda: errors.append(proc.stderr.read()), daemon=True)
    reader.start()
    try:
        for frame in frames:
            proc.stdin.write(np.ascontiguousarray(frame).tobytes())
    except BrokenPipeError:
        pass  # ffmpeg ended early: its exit code and stderr say why
    finally:
        with contextlib.suppress(OSError):
            proc.stdin.close()
        code = proc.wait()
        reader.join()
    stderr = b"".join(errors)
    if code != 0:
        raise VideoError(_encode_failure(out, code, stderr))
    written = probe_video(tmp).n_frames
    if written != n_frames:
        raise VideoError(f"ffmpeg wrote {written} frames instead of {n_frames} to '{out}'; "
                         f"ffmpeg said: {_tail(stderr)}")


#: H.264 levels: (name, max frame size in 16x16 macroblocks, max macroblocks per second,
#: max bitrate of the High profile in kbit/s).
_LEVELS = (("3.0", 1620, 40500, 12500), ("3.1", 3600, 108000, 17500),
           ("3.2", 5120, 216000, 25000), ("4.1", 8192, 245760, 62500),
           ("4.2", 8704, 522240, 62500), ("5.0", 22080, 589824, 168750),
           ("5.1", 36864, 983040, 300000), ("5.2", 36864, 2073600, 300000),
           ("6.0", 139264, 4177920, 300000), ("6.1", 139264, 8355840, 600000),
           ("6.2", 139264, 16711680, 800000))


def h264_level(size: tuple[int, int], fps: float) -> tuple[str, int]:
    """The lowest H.264 level (and its High-profile bitrate cap, kbit/s) for frames of
    ``size`` at ``fps``: 4.1 for 1080p30, 5.1 for 4K30, 5.2 for 4K60."""
    mbs = -(-size[0] // 16) * -(-size[1] // 16)
    for name, max_fs, max_mbps, max_br in _LEVELS:
        if mbs <= max_fs and mbs * fps <= max_mbps:
            return name, max_br
    return _LEVELS[-1][0], _LEVELS[-1][3]


def crf_for_size(crf: int, size: tuple[int, int]) -> int:
    """The CRF for a video of ``size``: ``crf`` up to 1080p, one more above, two more from 4K
    (each pixel is smaller on screen, so the same look needs fewer bits)."""
    pixels = size[0] * size[1]
    return min(51, crf + (pixels > 1920 * 1088) + (pixels >= 3840 * 2160))


def _caption_frames(frames: Path, out_dir: Path, *, timestring: str, first_frame: int,
                    n_frames: int, captions: Captions) -> None:
    """:func:`~music_visualizer.lyrics.captions.caption_frames`; a full or read-only disk: a
    clear error."""
    try:
        caption_frames(frames, out_dir, timestring=timestring, first_frame=first_frame,
                       n_frames=n_frames, captions=captions)
    except OSError as exc:
        raise VideoError(f"Cannot write the captioned frames in '{out_dir.parent}': "
                         f"{storage_problem(exc, out_dir.parent)}.") from None


def _hidden_beside(out: Path) -> Callable[[str], Path]:
    """Names for an encode's working files beside ``out``: hidden, unique to this call, in the
    same folder (so the final rename is atomic); the folder is made and the leftovers of
    killed encodes removed first."""
    _make_folder(out)
    _remove_dead_parts(out)
    tag = f"{os.getpid()}-{secrets.token_hex(4)}"
    return lambda suffix: out.parent / f".{out.name}.{tag}.{suffix}"


def _move_into_place(tmp: Path, out: Path) -> None:
    """Rename the finished hidden ``tmp`` to ``out`` (a full or read-only disk: a clear error)."""
    try:
        os.replace(tmp, out)
    except OSError as exc:
        raise VideoError(f"Cannot write the video '{out}': "
                         f"{storage_problem(exc, out.parent)}.") from None


def _check_options(*, fps: float, crf: int, preset: str, audio_start: float, timestring: str,
                   n_frames: int) -> Fraction:
    """``fps`` as a fraction, after checking the options of :func:`encode_video` in order."""
    fps_q = _fps_fraction(fps)
    if not 0 <= crf <= 51:
        raise ValueError(f"crf must be between 0 and 51, got {crf!r}.")
    if preset not in X264_PRESETS:
        raise ValueError(f"preset must be one of {', '.join(X264_PRESETS)}; got {preset!r}.")
    if not (audio_start >= 0 and math.isfinite(audio_start)):
        raise ValueError(f"audio_start must be 0 or more seconds, got {audio_start!r}.")
    if not timestring or any(c in timestring for c in "/\\\0"):
        raise ValueError(f"timestring must be a plain file-name prefix, got {timestring!r}.")
    if n_frames < 1:
        raise VideoError(
            f"There are no frames to encode ({n_frames} requested); render at least one frame "
            "before building the video."
        )
    return fps_q


def _make_folder(out: Path) -> None:
    """Create the folder of ``out``; VideoError naming the storage problem when that fails."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise VideoError(f"Cannot write the video '{out}': "
                         f"{storage_problem(exc, out.parent)}.") from None


def _run_encoder(cmd: list[str], *, tmp: Path, out: Path, frames: Path, timestring: str,
                 n_frames: int, first_frame: int = 0) -> None:
    """Run ffmpeg's ``cmd`` writing ``tmp`` and check that it wrote all ``n_frames`` frames."""
    # the encoder dies with us, even when we are killed with -9
    proc = child_process.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if proc.returncode != 0:
        raise VideoError(_encode_failure(out, proc.returncode, proc.stderr))
    # ffmpeg skips frames it cannot decode and still exits 0: check the count.
    written = probe_video(tmp).n_frames
    if written != n_frames:
        for i in range(first_frame, first_frame + n_frames):
            _frame_size(frames / f"{timestring}_{i:05d}.png", verify=True)
        raise VideoError(
            f"ffmpeg wrote {written} frames instead of {n_frames} to '{out}'; check the "
            f"frames in '{frames}', ffmpeg said: {_tail(proc.stderr)}"
        )


def _fps_fraction(fps: float) -> Fraction:
    """``fps`` as an exact fraction (29.97002997 -> 30000/1001); ValueError unless positive."""
    try:
        ok = math.isfinite(fps) and fps > 0
    except TypeError:
        ok = False
    if not ok:
        raise ValueError(f"fps must be a positive number of frames per second, got {fps!r}.")
    return Fraction(fps).limit_denominator(100_000)


def _check_frames(frames_dir: Path, *, timestring: str, n_frames: int,
                  first_frame: int = 0) -> Path:
    """Return the path of the first frame after checking frames ``first_frame ..
    first_frame+n_frames-1`` all exist and are whole PNGs
    (:func:`~music_visualizer.runs.png.png_damage`'s quick check)."""
    if not frames_dir.is_dir():
        raise VideoError(
            f"Frames folder '{frames_dir}' does not exist; check the run folder or render the "
            "frames first."
        )
    present = set(os.listdir(frames_dir))
    wanted = range(first_frame, first_frame + n_frames)
    missing = [i for i in wanted if f"{timestring}_{i:05d}.png" not in present]
    if missing:
        more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
        name = frames_dir / f"{timestring}_{missing[0]:05d}.png"
        raise VideoError(
            f"Frame '{name}' is missing{more}; the video needs frames {first_frame} to "
            f"{wanted[-1]}, so resume the run to render them or build the video from fewer "
            "frames."
        )
    for i in wanted:  # a few small reads per frame: finds truncated and empty files
        name = frames_dir / f"{timestring}_{i:05d}.png"
        problem = png_damage(name)
        if problem is not None:
            raise VideoError(
                f"Frame '{name}' is damaged ({problem}); resume the run to render it (and the "
                "frames after it) again, then build the video."
            )
    return frames_dir / f"{timestring}_{first_frame:05d}.png"


def _frame_size(frame: Path, *, verify: bool = False) -> tuple[int, int]:
    """(width, height) of a PNG from its header (``verify``: check the whole file too).

    Raises VideoError if it is not a readable image.
    """
    try:
        with Image.open(frame) as img:
            size = img.size
            if verify:
                img.load()
            return size
    except (OSError, ValueError, SyntaxError) as exc:
        raise VideoError(
            f"Frame '{frame}' could not be read as an image ({exc}); delete it and resume the "
            "run to render it again."
        ) from exc


def _check_audio(audio_path: str | os.PathLike[str]) -> Path:
    p = Path(audio_path)
    if not p.is_file():
        raise VideoError(
            f"Audio file '{audio_path}' does not exist; give the song's path or build the video "
            "without audio."
        )
    return p


def _remove_dead_parts(out: Path) -> None:
    """Delete ``.<out name>.<pid>-<hex>.part`` files (and the ``.concat.txt`` listings of
    :func:`join_videos`, the ``.frames`` folders of captioned frames) left by encodes whose
    process is gone (killed with -9 or by a lost Colab runtime); an encode still running keeps
    its file."""
    for part in out.parent.glob(f".{glob_escape(out.name)}.*"):
        match = re.fullmatch(
            rf"\.{re.escape(out.name)}\.(\d+)-[0-9a-f]+\.(?:part|concat\.txt|frames)", part.name)
        if match is None:
            continue
        pid = int(match.group(1))
        if pid != os.getpid() and not _process_alive(pid):
            if part.is_dir():
                shutil.rmtree(part, ignore_errors=True)
            else:
                part.unlink(missing_ok=True)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. another user's process: alive
        return True
    return True


def cpu_threads() -> tuple[int, bool]:
    """``(threads, shared)``: the threads ffmpeg may use (at most 8) and whether that is a
    share of the machine (a Ray CPU worker's :data:`CPUS_ENV`) rather than every core."""
    cores = os.cpu_count() or 1
    try:
        share = int(os.environ.get(CPUS_ENV, "0"))
    except ValueError:
        share = 0
    if 0 < share < cores:
        return min(share, 8), True
    return min(cores, 8), False


def _encode_command(
    *,
    pattern: str,
    n_frames: int,
    fps: Fraction,
    size: tuple[int, int],
    audio: Path | None,
    audio_start: float,
    crf: int,
    preset: str,
    out: Path,
    x264_params: str | None = None,
    first_frame: int = 0,
    bitexact: bool = False,
    raw: bool = False,
    level: tuple[str, int] | None = None,
) -> list[str]:
    """The ffmpeg argument list for :func:`encode_video` (``raw``: RGB frames of ``size`` on
    stdin; ``level``: the H.264 level and its bitrate cap)."""
    rate = f"{fps.numerator}/{fps.denominator}"
    duration = float(n_frames / fps)
    count, shared = cpu_threads()
    threads = str(count)
    cmd = [
        imageio_ffmpeg.get_ffmpeg_exe(),
        "-hide_banner", "-nostdin", "-nostats", "-loglevel", "warning", "-y",
    ]
    if shared:  # a worker beside others: its filters and encoder keep to its share too
        cmd += ["-filter_threads", threads]
    width, height = size
    if raw:
        cmd += ["-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}",
                "-framerate", rate, "-i", "pipe:0"]
    else:
        cmd += [
            "-threads", threads,  # PNG decoding (frame threads)
            "-f", "image2", "-pattern_type", "sequence", "-start_number", str(first_frame),
            "-framerate", rate, "-i", pattern,
        ]  # fmt: skip
    if audio is not None:
        cmd += ["-i", os.path.abspath(audio)]
    vf = []
    if width % 2 or height % 2:
        # One extra column/row, copied from its neighbour (no black line, no resampling).
        vf.append(f"pad={width + width % 2}:{height + height % 2}:0:0")
        vf.append(f"fillborders=right={width % 2}:bottom={height % 2}:mode=smear")
    # bitexact: swscale's exact C arithmetic, the same on every CPU (no SIMD-dependent rounding)
    vf.append("scale=out_color_matrix=bt709:out_range=tv"
              + (":flags=bicubic+accurate_rnd+bitexact" if bitexact else ""))
    vf.append("format=yuv420p")
    cmd += ["-map", "0:v:0", "-vf", ",".join(vf), "-frames:v", str(n_frames)]
    cmd += [
        "-c:v", "libx264", "-preset", preset, "-crf", str(crf), "-pix_fmt", "yuv420p",
        *(["-x264-params", x264_params] if x264_params else []),
        "-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709",
        "-color_range", "tv",
    ]  # fmt: skip
    if level is not None:
        cmd += ["-level:v", level[0], "-maxrate:v", f"{level[1]}k",
                "-bufsize:v", f"{level[1] * 2}k"]
    if bitexact:
        cmd += ["-threads:v", "1", *_BITEXACT]
    elif shared:
        cmd += ["-threads:v", threads]
    if audio is not None:
        cmd += ["-map", "1:a:0", *_audio_args(audio_start, duration)]
    cmd += ["-movflags", "+faststart", "-f", "mp4", os.path.abspath(out)]
    return cmd


#: ffmpeg options for the same bytes on every run: no version strings, no metadata.
_BITEXACT = ("-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact",
             "-map_metadata", "-1", "-map_chapters", "-1")


#: A piece of a few frames has no B-frames, so its decode times start where its first frame shows,
#: not a frame or two earlier as in the pieces before it: the joined stream's decode times would
#: jump (one frame lasting three in the MP4's sample table, the video a frame or two too long).
#: Each decode time is kept at most one frame after the one before (presentation times are
#: untouched, decode times only ever lowered).
_CLOSE_GAPS = "setts=pts=PTS:dts=if(N\\,min(DTS\\,PREV_OUTDTS+round(1/(TB*{rate:.9f})))\\,DTS)"


def _audio_args(audio_start: float, duration: float) -> list[str]:
    """The song's slice ``audio_start .. audio_start + duration`` as AAC (padded with silence)."""
    af = (
        f"asetpts=PTS-STARTPTS,atrim=start={audio_start:.6f}:duration={duration:.6f},"
        f"asetpts=PTS-STARTPTS,apad=whole_dur={duration:.6f}"
    )
    return ["-af", af, "-c:a", "aac", "-b:a", "192k"]


def join_videos(
    parts: list[Path],
    *,
    n_frames: int,
    fps: float,
    out_path: str | os.PathLike[str],
    audio_path: str | os.PathLike[str] | None = None,
    audio_start: float = 0.0,
) -> Path:
    """Join video-only MP4s made by :func:`encode_video` with the same settings (each starting
    with a keyframe) into one MP4, without re-encoding (ffmpeg's concat demuxer), with the
    song's slice ``audio_start .. audio_start + n_frames / fps`` as AAC, exactly as
    :func:`encode_video` would mux it. The same parts give the same bytes (``bitexact``).

    Written under a hidden temporary name and renamed into place, like :func:`encode_video`.

    Raises
    ------
    VideoError
        A part or the audio file is missing, ffmpeg failed, or the result does not have
        ``n_frames`` frames.
    """
    fps_q = _fps_fraction(fps)
    for part in parts:
        if not Path(part).is_file():
            raise VideoError(f"Video segment '{part}' is missing; resume the run to encode it "
                             "again.")
    audio = None if audio_path is None else _check_audio(audio_path)
    out = Path(out_path)
    hidden = _hidden_beside(out)
    tmp, listing = hidden("part"), hidden("concat.txt")
    try:
        listing.write_text(_concat_listing(parts, fps_q), encoding="utf-8")
        cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", "-nostats",
               "-loglevel", "warning", "-y", "-f", "concat", "-safe", "0", "-i", str(listing)]
        if audio is not None:
            cmd += ["-i", os.path.abspath(audio)]
        cmd += ["-map", "0:v:0", "-c:v", "copy",
                "-bsf:v", _CLOSE_GAPS.format(rate=float(fps_q)), *_BITEXACT]
        if audio is not None:
            cmd += ["-map", "1:a:0", *_audio_args(audio_start, float(n_frames / fps_q))]
        cmd += ["-movflags", "+faststart", "-f", "mp4", os.path.abspath(tmp)]
        proc = child_process.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if proc.returncode != 0:
            raise VideoError(_encode_failure(out, proc.returncode, proc.stderr))
        written = probe_video(tmp).n_frames
        if written != n_frames:
            raise VideoError(f"Joining the segments gave {written} frames instead of "
                             f"{n_frames} for '{out}'; resume the run to encode them again.")
        _move_into_place(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
        listing.unlink(missing_ok=True)
    return out


def _concat_listing(parts: list[Path], fps: Fraction) -> str:
    """The ffconcat listing of ``parts``, each with its exact duration (its frames / ``fps``):
    without it the demuxer takes the MP4's duration in milliseconds, cut short, and every join
    would start the next part up to a millisecond early (the video ends short of the song)."""
    lines = ["ffconcat version 1.0\n"]
    for part in parts:
        seconds = probe_video(part).n_frames / fps
        lines.append(f"file '{_concat_quote(os.path.abspath(part))}'\n"
                     f"duration {float(seconds):.9f}\n")
    return "".join(lines)


def _concat_quote(path: str) -> str:
    """``path`` quoted for a line ``file '...'`` of an ffconcat listing."""
    return path.replace("'", "'\\''")


#: What ffmpeg's stderr says when the output cannot be written (strerror texts of the C library).
_STORAGE_ERRORS = {
    "No space left on device": errno.ENOSPC,
    "Disk quota exceeded": errno.EDQUOT,
    "Read-only file system": errno.EROFS,
    "Permission denied": errno.EACCES,
    "Operation not permitted": errno.EPERM,
    "File too large": errno.EFBIG,
}


def _encode_failure(out: Path, returncode: int, stderr: bytes) -> str:
    """The message for a failed encode: what is wrong with the output folder when ffmpeg's
    stderr says so (full disk, read-only, no permission), else a look at the inputs."""
    text = stderr.decode("utf-8", "replace")
    for phrase, code in _STORAGE_ERRORS.items():
        if phrase.lower() in text.lower():
            problem = storage_problem(OSError(code, phrase), out.parent)
            return (f"ffmpeg could not write the video '{out}': {problem} (ffmpeg said: "
                    f"{_tail(stderr)})")
    return (f"ffmpeg could not build the video '{out}' (exit code {returncode}); check the "
            f"frames and the audio file, ffmpeg said: {_tail(stderr)}")


def _tail(stderr: bytes) -> str:
    """The last few non-blank lines of ffmpeg's stderr, joined on one line."""
    lines = [ln.strip() for ln in stderr.decode("utf-8", "replace").splitlines() if ln.strip()]
    return " | ".join(lines[-_STDERR_TAIL_LINES:]) or "(nothing)"


# --------------------------------------------------------------------------------------------
# Probing
# --------------------------------------------------------------------------------------------


def probe_video(path: str | os.PathLike[str]) -> VideoInfo:
    """Describe a video file: codecs, pixel format, size, fps, exact frame count, durations.

    Runs ``ffmpeg -i path -map 0:V:0 -map 0:a:0? -c copy -f framecrc -``: the stream header
    comes from stderr, and every packet's timestamps from stdout (nothing is decoded).

    Parameters
    ----------
    path : a video file (e.g. an MP4 made by :func:`encode_video`).

    Returns
    -------
    VideoInfo

    Raises
    ------
    VideoError
        The file is missing, is not a video, or has no video stream.
    """
    p = Path(path)
    if not p.is_file():
        raise VideoError(f"Video file '{path}' does not exist; check the path or build it first.")
    cmd = [
        imageio_ffmpeg.get_ffmpeg_exe(),
        "-hide_banner", "-nostdin", "-nostats", "-i", os.path.abspath(p),
        "-map", "0:V:0?", "-map", "0:a:0?", "-c", "copy", "-f", "framecrc", "-",
    ]  # fmt: skip
    proc = child_process.run(cmd, capture_output=True)
    stderr = proc.stderr.decode("utf-8", "replace")
    header = _input_header(stderr)
    streams = _parse_framecrc(proc.stdout.decode("utf-8", "replace"))
    video = next((s for s in streams.values() if s.get("media_type") == "video"), None)
    audio = next((s for s in streams.values() if s.get("media_type") == "audio"), None)
    if proc.returncode != 0 and not header:
        raise VideoError(
            f"Video file '{path}' could not be read as a video (it may be corrupt or not a "
            f"video); build it again, ffmpeg said: {_tail(proc.stderr)}"
        )
    if video is None or not video["packets"]:
        raise VideoError(
            f"Video file '{path}' has no video stream; give an MP4 made from the frames."
        )
    v_line = _stream_line(header, "Video")
    n_frames = len(video["packets"])
    v_start, v_end, v_durs = _span(video)
    tb = video["tb"]
    duration = float((v_end - v_start) * tb)
    positive = [d for d in v_durs if d > 0]
    if positive:
        fps = float(1 / (statistics.median(positive) * tb))
    elif duration > 0:
        fps = _header_fps(v_line) or n_frames / duration
    else:
        fps = _header_fps(v_line)
        duration = n_frames / fps if fps else 0.0
    width, height = video.get("dimensions") or _header_size(v_line)
    audio_duration = None
    if audio is not None and audio["packets"]:
        a_start, a_end, _ = _span(audio)
        audio_duration = float((a_end - max(a_start, 0)) * audio["tb"])
    return VideoInfo(
        duration=duration,
        fps=fps,
        width=width,
        height=height,
        n_frames=n_frames,
        video_codec=str(video.get("codec_id", "")),
        pix_fmt=_header_pix_fmt(v_line),
        has_audio=audio is not None,
        audio_codec=None if audio is None else str(audio.get("codec_id", "")) or None,
        audio_duration=audio_duration,
    )


def _input_header(stderr: str) -> str:
    """The ``Input #0`` block of ffmpeg's stderr ('' if there is none)."""
    start = stderr.find("Input #0")
    if start < 0:
        return ""
    end = len(stderr)
    for marker in ("Stream mapping:", "Output #0", "\nAt least one output"):
        pos = stderr.find(marker, start)
        if 0 <= pos < end:
            end = pos
    return stderr[start:end]


def _stream_line(header: str, kind: str) -> str:
    """Text after ``Stream #0:N...: <kind>:`` for the first such stream (not a cover image)."""
    for line in header.splitlines():
        m = re.search(rf"Stream #\d+:\d+\S*: {kind}: (.*)$", line)
        if m and "(attached pic)" not in line:
            return m.group(1)
    return ""


def _split_top_level(text: str) -> list[str]:
    """Split on commas that are not inside parentheses or brackets."""
    parts, depth, cur = [], 0, []
    for ch in text:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(depth - 1, 0)
        if ch == "," and depth == 0:
            parts.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur).strip())
    return parts


def _header_pix_fmt(v_line: str) -> str:
    """``yuv420p`` from ``h264 (High) (avc1 / ...), yuv420p(tv, bt709, progressive), 64x48``."""
    parts = _split_top_level(v_line)
    if len(parts) < 2:
        return ""
    m = re.match(r"([a-z][a-z0-9_]*)(?:\(|$)", parts[1])
    return m.group(1) if m else ""


def _header_size(v_line: str) -> tuple[int, int]:
    m = re.search(r"(?:^|[ ,])(\d{1,6})x(\d{1,6})(?=[ ,\[]|$)", v_line)
    return (int(m.group(1)), int(m.group(2))) if m else (0, 0)


def _header_fps(v_line: str) -> float:
    m = re.search(r"([\d.]+)(k?) (?:fps|tbr)", v_line)
    if not m:
        return 0.0
    return float(m.group(1)) * (1000.0 if m.group(2) else 1.0)


def _parse_framecrc(text: str) -> dict[int, dict]:
    """Streams from ffmpeg's framecrc output: header fields and (pts, duration) per packet."""
    streams: dict[int, dict] = {}

    def stream(i: int) -> dict:
        return streams.setdefault(i, {"tb": Fraction(1), "packets": []})

    for line in text.splitlines():
        if line.startswith("#"):
            m = re.match(r"#(\w+) (\d+): (.*)$", line.strip())
            if not m:
                continue
            key, idx, value = m.group(1), int(m.group(2)), m.group(3).strip()
            if key == "tb":
                num, _, den = value.partition("/")
                stream(idx)["tb"] = Fraction(int(num), int(den or 1))
            elif key == "dimensions":
                w, _, h = value.partition("x")
                stream(idx)["dimensions"] = (int(w), int(h))
            else:
                stream(idx)[key] = value
            continue
        fields = [f.strip() for f in line.split(",")]
        if len(fields) < 4:
            continue
        try:
            idx, dts, pts, dur = (int(f) for f in fields[:4])
        except ValueError:
            continue
        stream(idx)["packets"].append((dts if pts == _NOPTS else pts, dur))
    return streams


def _span(stream: dict) -> tuple[int, int, list[int]]:
    """(first pts, end of the last packet, packet durations) in the stream's time base."""
    packets = [(pts, dur) for pts, dur in stream["packets"] if pts != _NOPTS]
    if not packets:
        return 0, 0, []
    start = min(pts for pts, _ in packets)
    end = max(pts + max(dur, 0) for pts, dur in packets)
    return start, end, [dur for _, dur in packets]
