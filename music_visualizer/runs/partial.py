"""The video of an unfinished run (stopped, killed or still rendering): what exists so far.

- :class:`PartialVideo`     the partial MP4 and how much of the run it holds
- :func:`partial_video`     ``<timestring>_partial.mp4`` from the frames (and segments) on disk
- :func:`build_partial`     the same, with the frame counts (for the CLI's and app's messages)
- :func:`run_is_finished`   whether every frame of a run is on disk (as frames or segments)
- :func:`latest_segment`    the newest finished segment of a ``keep_frames: none`` run
- :func:`listed_segments`   the finished segments a run's ``segments.json`` lists, from frame 0
- :func:`partial_path`     where it is

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

import os
import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..errors import RunError
from ..lyrics.captions import Captions
from .lyric_prompts import run_captions
from .record import RunRecord, load_run_record
from .segments import Segment, read_segments
from .store import check_timestring, frame_path, segments_dir

__all__ = ["PartialVideo", "build_partial", "latest_segment", "listed_segments", "partial_path",
           "partial_video", "run_is_finished"]


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


def listed_segments(folder: Path, timestring: str) -> list[Segment]:
    """The finished segments of a run (:func:`~music_visualizer.runs.segments.read_segments`);
    a damaged list counts as none here: watching never fails on it (resume explains it)."""
    try:
        return read_segments(Path(folder), timestring)
    except RunError:
        return []


def latest_segment(run_dir: Path, timestring: str) -> Path | None:
    """The newest finished segment of a ``keep_frames: none`` run (to watch while it renders),
    or None when it has none yet."""
    folder, timestring = Path(run_dir), check_timestring(timestring)
    segments = listed_segments(folder, timestring)
    return segments_dir(folder, timestring) / segments[-1].file if segments else None


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
    fps, settings = record.settings.fps, record.settings
    out = partial_path(folder, timestring)
    captions = run_captions(folder, timestring, settings, song)
    finisher = _finisher(settings)
    if not segments:
        from .video import encode_video

        encode_video(frames_dir=folder, timestring=timestring, n_frames=frames, fps=fps,
                     out_path=out, audio_path=song, audio_start=settings.start,
                     captions=captions, finisher=finisher)
    else:
        _join(folder, timestring, segments, tail, fps=fps, out=out, song=song,
              audio_start=settings.start, captions=captions, finisher=finisher)
    return PartialVideo(out, frames, record.n_frames, fps, damaged)


def _finisher(settings: Any) -> Any:
    """The run's interpolation and upscaling, loaded (None when off): the partial video looks
    like the final one, and its tail joins the run's segments."""
    from ..finishing.stream import finishing_from, load_finisher

    finishing = finishing_from(settings)
    return load_finisher(finishing) if finishing.active else None


def partial_video(run_dir: Path, timestring: str, *, audio: Path | None = None) -> Path:
    """``<timestring>_partial.mp4`` of an unfinished run (see :func:`build_partial`)."""
    return build_partial(run_dir, timestring, audio=audio).path


def _tail_piece(folder: Path, timestring: str, first: int, count: int, fps: float,
                work: Path, captions: Captions | None = None, finisher: Any = None) -> Path:
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
    if captions is not None:  # the links are numbered from 0: caption them as frame first + i
        captions = replace(captions, offset=captions.offset + first)
    return encode_video(frames_dir=work, timestring=timestring, n_frames=count, fps=fps,
                        out_path=work / "tail.mp4", captions=captions, finisher=finisher)


def _join(folder: Path, timestring: str, segments: list[Segment], tail: int, *, fps: float,
          out: Path, song: Path, audio_start: float, captions: Captions | None = None,
          finisher: Any = None) -> None:
    """The segments and ``tail`` frames after them joined (no re-encode) with the song's slice
    into ``out`` (:func:`~music_visualizer.runs.video.join_videos`)."""
    from .video import join_videos

    where = segments_dir(folder, timestring)
    with tempfile.TemporaryDirectory(prefix="mv_partial_") as tmp:
        pieces = [where / seg.file for seg in segments]
        if tail:
            pieces.append(_tail_piece(folder, timestring, segments[-1].end, tail, fps, Path(tmp),
                                      captions, finisher))
        factor = 1 if finisher is None else finisher.finishing.interpolate
        join_videos(pieces, n_frames=(segments[-1].end + tail) * factor, fps=fps * factor,
                    out_path=out, audio_path=song, audio_start=audio_start)
