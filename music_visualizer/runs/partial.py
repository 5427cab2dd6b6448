"""The video of an unfinished run (stopped, killed or still rendering): what exists so far.

- :class:`PartialVideo`     the partial MP4 and how much of the run it holds
- :func:`partial_video`     ``<timestring>_partial.mp4`` from the frames (and segments) on disk
- :func:`build_partial`     the same, with the frame counts (for the CLI's and app's messages)
- :func:`run_is_finished`   whether every frame of a run is on disk (as frames or segments)
- :func:`latest_segment`    the newest finished segment of a ``keep_frames: none`` run
- :func:`listed_segments`   the finished segments a run's ``segments.json`` lists, from frame 0
- :func:`partial_path`, :func:`segments_dir`  where they are

The partial video holds the run's frames from frame 0 up to the first missing (or damaged) one,
with the song's slice the full video has for them (from the run's ``start``), so it is the first
part of the final video. A ``keep_frames: none`` run encodes its video in segments while it
renders (``<timestring>_segments/seg_NNNNN.mp4``, listed in ``segments.json`` once finished):
the listed segments are joined without re-encoding (ffmpeg's concat demuxer) with the frames
rendered after the last one (encoded as one more piece), and the audio is muxed in.

Nothing here takes the run's lock: a run being rendered can be watched; frames and segments are
written atomically, so what is read is whole.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..errors import RunError, VideoError
from .record import RunRecord, load_run_record
from .store import check_timestring, frame_path, storage_problem

__all__ = ["PartialVideo", "Segment", "build_partial", "latest_segment", "listed_segments",
           "partial_path", "partial_video", "run_is_finished", "segments_dir"]


@dataclass(frozen=True)
class Segment:
    """One finished segment: its file and the run's frames ``first_frame .. end - 1``."""

    path: Path
    first_frame: int
    frames: int

    @property
    def end(self) -> int:
        return self.first_frame + self.frames


@dataclass(frozen=True)
class PartialVideo:
    """A partial video: ``frames`` of the run's ``total`` frames at ``fps``."""

    path: Path
    frames: int
    total: int
    fps: float
    damaged: int | None = None  # the frame it stops at when that frame is damaged

    @property
    def seconds(self) -> float:
        return self.frames / self.fps

    @property
    def total_seconds(self) -> float:
        return self.total / self.fps

    def describe(self) -> str:
        """E.g. ``12.5 s of 60.0 s (150 of 720 frames)``."""
        return (f"{self.seconds:.1f} s of {self.total_seconds:.1f} s ({self.frames} of "
                f"{self.total} frames)")


def partial_path(folder: Path, timestring: str) -> Path:
    return Path(folder) / f"{timestring}_partial.mp4"


def segments_dir(folder: Path, timestring: str) -> Path:
    return Path(folder) / f"{timestring}_segments"


def listed_segments(folder: Path, timestring: str) -> list[Segment]:
    """The finished segments of ``segments.json`` that follow each other from frame 0 and whose
    files exist (a missing, unreadable or malformed list: none)."""
    where = segments_dir(folder, timestring)
    try:
        data = json.loads((where / "segments.json").read_text(encoding="utf-8"))
        entries = data["segments"] if data.get("version") == 1 else []
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return []
    segments: list[Segment] = []
    end = 0
    for entry in entries if isinstance(entries, list) else []:
        try:
            name = str(entry["file"])
            first, frames = int(entry["first_frame"]), int(entry["frames"])
        except (TypeError, KeyError, ValueError):
            break
        path = where / name
        if first != end or frames < 1 or Path(name).name != name or not path.is_file():
            break
        segments.append(Segment(path, first, frames))
        end = first + frames
    return segments


def latest_segment(run_dir: Path, timestring: str) -> Path | None:
    """The newest finished segment of a ``keep_frames: none`` run (to watch while it renders),
    or None when it has none yet."""
    segments = listed_segments(Path(run_dir), check_timestring(timestring))
    return segments[-1].path if segments else None


def _present_from(folder: Path, timestring: str, start: int, n_frames: int) -> int:
    """How many frame files exist by name from ``start`` on, without a gap."""
    names = set(os.listdir(folder))
    index = start
    while index < n_frames and frame_path(folder, timestring, index).name in names:
        index += 1
    return index - start


def run_is_finished(run_dir: Path, timestring: str, n_frames: int) -> bool:
    """Every frame of the run is on disk: as a frame file or in a listed segment."""
    folder = Path(run_dir)
    segments = listed_segments(folder, timestring)
    covered = segments[-1].end if segments else 0
    return covered + _present_from(folder, timestring, covered, n_frames) >= n_frames


def _whole_frames(folder: Path, timestring: str, start: int, record: RunRecord
                  ) -> tuple[int, int | None]:
    """(frames whole without a gap from ``start``, the damaged frame it stops at or None); each
    frame's PNG structure is checked quickly, as a resume checks it."""
    from .png import png_damage

    size = (record.plan.width, record.plan.height)
    index = start
    while index < record.n_frames:
        problem = png_damage(frame_path(folder, timestring, index), size=size)
        if problem == "missing":
            break
        if problem is not None:
            return index - start, index
        index += 1
    return index - start, None


def _song(record: RunRecord, audio: Path | None) -> Path:
    """The run's song: ``audio`` (checked to be it) or the path the run recorded."""
    from ..audio.load import audio_hash

    path = Path(audio) if audio else Path(record.song.audio)
    if not path.is_file():
        raise RunError(f"The song of run {record.timestring} is no longer at '{path}'; pass it "
                       "with --audio.")
    if audio and audio_hash(path) != record.song.audio_hash:
        raise RunError(f"'{path}' is not the song run {record.timestring} was rendered from; "
                       "pass that song with --audio.")
    return path


def build_partial(run_dir: Path, timestring: str, *, audio: Path | None = None) -> PartialVideo:
    """Encode ``<timestring>_partial.mp4``: the run's frames (and finished segments) from frame 0
    up to the first missing one, with the song's matching slice.

    Raises
    ------
    RunError
        The run has no frame yet, or its song is gone (give it as ``audio``).
    VideoError
        ffmpeg failed (full disk, a damaged segment, ...).
    """
    folder, timestring = Path(run_dir), check_timestring(timestring)
    record = load_run_record(folder, timestring)
    song = _song(record, audio)
    segments = listed_segments(folder, timestring)
    covered = segments[-1].end if segments else 0
    tail, damaged = _whole_frames(folder, timestring, covered, record)
    frames = covered + tail
    if frames == 0:
        raise RunError(f"Run {timestring} has no frame yet, so there is no video to build; "
                       "resume it (or wait until it has rendered a frame).")
    fps = record.settings.fps
    out = partial_path(folder, timestring)
    if not segments:
        from .video import encode_video

        encode_video(frames_dir=folder, timestring=timestring, n_frames=frames, fps=fps,
                     out_path=out, audio_path=song, audio_start=record.settings.start)
    else:
        _join(folder, timestring, segments, tail, fps=fps, out=out, song=song,
              audio_start=record.settings.start)
    return PartialVideo(out, frames, record.n_frames, fps, damaged)


def partial_video(run_dir: Path, timestring: str, *, audio: Path | None = None) -> Path:
    """``<timestring>_partial.mp4`` of an unfinished run (see :func:`build_partial`)."""
    return build_partial(run_dir, timestring, audio=audio).path


def _tail_piece(folder: Path, timestring: str, first: int, count: int, fps: float,
                work: Path) -> Path:
    """Frames ``first .. first + count - 1`` encoded as one silent piece (the segments' encoder
    settings), through links named from frame 0 in ``work``."""
    from .video import encode_video

    for i in range(count):
        source = frame_path(folder, timestring, first + i).resolve()
        link = work / f"{timestring}_{i:05d}.png"
        try:
            link.symlink_to(source)
        except OSError:  # no symbolic links here (some Windows setups): a copy
            shutil.copyfile(source, link)
    return encode_video(frames_dir=work, timestring=timestring, n_frames=count, fps=fps,
                        out_path=work / "tail.mp4")


def _concat_line(path: Path) -> str:
    quoted = str(path.resolve()).replace("'", "'\\''")
    return f"file '{quoted}'\n"


def _join(folder: Path, timestring: str, segments: list[Segment], tail: int, *, fps: float,
          out: Path, song: Path, audio_start: float) -> None:
    """The segments and ``tail`` frames after them joined (no re-encode) with the song's slice
    into ``out`` (atomically: a hidden temporary file renamed into place)."""
    n_frames = segments[-1].end + tail
    with tempfile.TemporaryDirectory(prefix="mv_partial_") as tmp:
        work = Path(tmp)
        pieces = [s.path for s in segments]
        if tail:
            pieces.append(_tail_piece(folder, timestring, segments[-1].end, tail, fps, work))
        listing = work / "pieces.txt"
        listing.write_text("".join(map(_concat_line, pieces)), encoding="utf-8")
        part = out.parent / f".{out.name}.{os.getpid()}-{secrets.token_hex(4)}.part"
        try:
            _run_ffmpeg(_mux_command(listing, song, n_frames=n_frames, fps=fps,
                                     audio_start=audio_start, out=part), out)
            _check_frames(part, n_frames, out)
            try:
                os.replace(part, out)
            except OSError as e:
                raise VideoError(f"Cannot write the video '{out}': "
                                 f"{storage_problem(e, out.parent)}.") from None
        finally:
            part.unlink(missing_ok=True)


#: A piece of a few frames has no B-frames, so its decode times start where its first frame shows,
#: not a frame or two earlier as in the pieces before it: the joined stream's decode times would
#: jump (one frame lasting three in the MP4's sample table). Each decode time is kept at most one
#: frame after the one before (presentation times are untouched, decode times only ever lowered).
_CLOSE_GAPS = "setts=pts=PTS:dts=if(N\\,min(DTS\\,PREV_OUTDTS+round(1/(TB*{rate:.9f})))\\,DTS)"


def _mux_command(listing: Path, song: Path, *, n_frames: int, fps: float, audio_start: float,
                 out: Path) -> list[str]:
    """ffmpeg: the concat list's video copied, the song's slice (as the full video has it:
    ``audio_start`` on, ``n_frames / fps`` long, padded with silence) encoded to AAC."""
    import imageio_ffmpeg

    rate = Fraction(fps).limit_denominator(100_000)
    duration = float(n_frames / rate)
    af = (f"asetpts=PTS-STARTPTS,atrim=start={audio_start:.6f}:duration={duration:.6f},"
          f"asetpts=PTS-STARTPTS,apad=whole_dur={duration:.6f}")
    return [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", "-nostats",
            "-loglevel", "warning", "-y", "-f", "concat", "-safe", "0", "-i", str(listing),
            "-i", os.path.abspath(song), "-map", "0:v:0", "-map", "1:a:0", "-c:v", "copy",
            "-bsf:v", _CLOSE_GAPS.format(rate=float(rate)), "-af", af, "-c:a", "aac",
            "-b:a", "192k", "-movflags", "+faststart", "-f", "mp4", os.path.abspath(out)]


def _run_ffmpeg(cmd: list[str], out: Path) -> None:
    from .. import child_process

    proc: Any = child_process.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if proc.returncode != 0:
        said = " | ".join(line.strip() for line in
                          proc.stderr.decode("utf-8", "replace").splitlines()[-6:] if line.strip())
        raise VideoError(f"ffmpeg could not join the segments into '{out}' (exit code "
                         f"{proc.returncode}); check the run's segments folder, ffmpeg said: "
                         f"{said or '(nothing)'}")


def _check_frames(video: Path, n_frames: int, out: Path) -> None:
    from .video import probe_video

    written = probe_video(video).n_frames
    if written != n_frames:
        raise VideoError(f"The joined video '{out}' has {written} frames instead of "
                         f"{n_frames}; a segment of the run may be damaged.")
