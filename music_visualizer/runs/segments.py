"""The video of a ``keep_frames: none`` run, encoded in segments while it renders.

A run with ``keep_frames: none`` keeps almost no PNGs: every :data:`SEGMENT_SECONDS` seconds of
video (a whole number of cadence blocks: see :func:`segment_frames`) the frames just written are
encoded into one segment, in the background, and deleted once the segment is finished and
listed, except the files an exact resume reads back (the mode's
:meth:`~music_visualizer.modes.base.Mode.state_files`: the last frame, frame 0 as the colour
reference, the cadence images of the last blocks). At the end the segments are joined without
re-encoding and the song's slice muxed in (:func:`join_segments`), giving the run's
``<timestring>.mp4``.

On disk (the contract the readers rely on)::

    <run>/<timestring>_segments/seg_00000.mp4 ...   video only, H.264 yuv420p, keyframe first
    <run>/<timestring>_segments/segments.json       the FINISHED segments, in order

``segments.json`` is ``{"version": 1, "fps": F, "width": W, "height": H, "segments": [{"file":
"seg_00000.mp4", "first_frame": 0, "frames": 120}, ...]}`` (frame numbers are the run's, as in
the PNG names), written atomically after the segment's file was renamed from
``seg_NNNNN.mp4.part``: only listed files are complete.

Segments are encoded bit-exactly (:func:`~music_visualizer.runs.video.encode_video`'s
``bitexact``) from the PNGs, and their boundaries depend only on the run (frame ``k * length``),
so a run killed at any moment and resumed gives the same segments, and the same final MP4 byte
for byte, as an uninterrupted one: a ``.part`` segment, or frames past the last listed segment,
are encoded again from the PNGs, which are kept until their segment is listed.

With interpolation (``interpolate: N``) a segment of frames ``first .. end - 1`` holds
``(end - first) * N`` video frames: its frames and the in-betweens up to frame ``end``, the next
segment's first (the last segment holds its last frame). So it is encoded once frame ``end`` is
on disk, and the joined segments have exactly the frames of the whole video interpolated at
once. Upscaling makes every segment ``upscale`` times larger; the join never re-encodes.

- :class:`Segment`          one listed segment
- :func:`read_segments`     the finished segments of a run (what a player may show)
- :func:`segment_frames`    the segment length for a frame rate and a cadence
- :func:`segment_length`    the length a run's segments use (its listed ones decide)
- :class:`SegmentEncoder`   encodes a run's segments in a background thread while it renders
- :func:`encode_missing`    encode the segments whose frames are all on disk (resume, the end)
- :func:`join_segments`     the run's MP4 from its segments and the song
- :func:`prune_frames`      delete the PNGs that finished segments hold, but those resume needs
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..errors import RunError
from ..files import atomic_write_json
from ..lyrics.captions import Captions
from ..safe_load import MAX_RECORD_BYTES, parse_json, read_text
from .store import segments_dir

__all__ = [
    "SEGMENT_SECONDS",
    "Segment",
    "SegmentEncoder",
    "encode_missing",
    "join_segments",
    "prune_frames",
    "read_segments",
    "segment_frames",
    "segment_length",
    "segments_file",
]

#: Seconds of video per segment (rounded to whole cadence blocks).
SEGMENT_SECONDS = 10.0
_VERSION = 1
_NAME = re.compile(r"^seg_\d{5,}\.mp4$")

#: ``needed(next_index)``: the files a resume at ``next_index`` reads back (kept on disk).
Needed = Callable[[int], Iterable[Path]]


@dataclass(frozen=True)
class Segment:
    """A finished segment: ``file`` (in the segments folder) holds frames ``first_frame ..
    end - 1``."""

    file: str
    first_frame: int
    frames: int

    @property
    def end(self) -> int:
        return self.first_frame + self.frames


def segments_file(folder: Path, timestring: str) -> Path:
    """``<run>/<timestring>_segments/segments.json``."""
    return segments_dir(folder, timestring) / "segments.json"


def _segment_name(number: int) -> str:
    return f"seg_{number:05d}.mp4"


def read_segments(folder: Path, timestring: str) -> list[Segment]:
    """The finished segments of run ``timestring`` in ``folder``, in order: those listed in
    ``segments.json`` whose files exist, from frame 0 without a gap ([] when there are none).

    Raises
    ------
    RunError
        ``segments.json`` exists but is not a segment listing (damaged or edited by hand).
    """
    path = segments_file(folder, timestring)
    if not path.is_file():
        return []
    what = f"The segment list of run {timestring}"
    data = parse_json(read_text(path, what=what, limit=MAX_RECORD_BYTES, error=RunError),
                      name=str(path), what=what, error=RunError)
    try:
        listed = [Segment(str(seg["file"]), int(seg["first_frame"]), int(seg["frames"]))
                  for seg in data["segments"]]
    except (KeyError, TypeError, ValueError):
        listed = None
    if listed is None or any(not _NAME.match(seg.file) or seg.frames < 1 for seg in listed):
        raise RunError(f"{what} '{path}' is damaged; delete it and resume the run to encode "
                       "the segments again from its frames.")
    found, end = [], 0
    for seg in listed:
        if seg.first_frame != end or not (path.parent / seg.file).is_file():
            break
        found.append(seg)
        end = seg.end
    return found


def _write_list(folder: Path, timestring: str, segments: list[Segment], *, fps: float,
                size: tuple[int, int]) -> None:
    atomic_write_json(segments_file(folder, timestring), {
        "version": _VERSION, "fps": float(fps), "width": size[0], "height": size[1],
        "segments": [asdict(seg) for seg in segments]})


def segment_frames(fps: float, cadence: int = 1, seconds: float = SEGMENT_SECONDS) -> int:
    """Frames per segment: ``seconds`` of video at ``fps``, rounded up to whole cadence blocks,
    so a segment ends where a cadence block ends (the cadence images resume reads are then
    those of the last two blocks before the boundary)."""
    cadence = max(1, int(cadence))
    frames = max(1, round(seconds * fps))
    return -(-frames // cadence) * cadence


def segment_length(folder: Path, timestring: str, n_frames: int, default: int) -> int:
    """The length of a run's segments: its first listed segment's when it is not the whole
    video (a resume keeps the boundaries of the first start), else ``default``."""
    listed = read_segments(folder, timestring)
    if listed and listed[0].end < n_frames:
        return listed[0].frames
    return default


def _ranges(n_frames: int, length: int, start: int, stop: int) -> list[tuple[int, int]]:
    """The segments ``(first, end)`` from frame ``start`` (a boundary) whose frames are all
    below ``stop``: whole segments, and the last (shorter) one when ``stop`` is the end."""
    found = []
    first = start
    while first < n_frames:
        end = min(first + length, n_frames)
        if end > stop:
            break
        found.append((first, end))
        first = end
    return found


def prune_frames(folder: Path, timestring: str, covered: int, keep: Iterable[Path]) -> list[Path]:
    """Delete the PNGs of frames ``0 .. covered - 1`` and the cadence images before ``covered``,
    except ``keep``; return what was deleted. Depth maps (asked for) stay."""
    keep = {Path(p).name for p in keep}
    pattern = re.compile(rf"^{re.escape(timestring)}_(?:cadence_)?(\d{{5,}})\.png$")
    deleted = []
    for name in os.listdir(folder):
        match = pattern.match(name)
        if match and int(match.group(1)) < covered and name not in keep:
            path = Path(folder) / name
            path.unlink(missing_ok=True)
            deleted.append(path)
    return deleted


@dataclass(frozen=True)
class _Run:
    """What encoding a run's segments needs to know."""

    folder: Path
    timestring: str
    n_frames: int
    fps: float
    size: tuple[int, int]
    length: int
    needed: Needed
    captions: Captions | None = None
    finisher: Any = None

    @property
    def lookahead(self) -> bool:
        """Whether a segment's encode reads the next segment's first frame (interpolation:
        the in-betweens across the boundary belong to the segment before it)."""
        return self.finisher is not None and self.finisher.finishing.interpolate > 1


def _encode_one(run: _Run, listed: list[Segment], first: int, end: int) -> list[Segment]:
    """Encode frames ``first .. end - 1`` into the next segment, list it, delete its frames."""
    from .video import encode_video

    where = segments_dir(run.folder, run.timestring)
    name = _segment_name(first // run.length)
    part = where / f"{name}.part"
    encode_video(frames_dir=run.folder, timestring=run.timestring, n_frames=end - first,
                 fps=run.fps, out_path=part, first_frame=first, bitexact=True,
                 captions=run.captions, finisher=run.finisher,
                 after=run.lookahead and end < run.n_frames)
    os.replace(part, where / name)
    listed = [*listed, Segment(name, first, end - first)]
    _write_list(run.folder, run.timestring, listed, fps=run.fps, size=run.size)
    prune_frames(run.folder, run.timestring, end, run.needed(end))
    return listed


def _tidy(run: _Run, start: int) -> list[Segment]:
    """At a (re)start at frame ``start``: remove unfinished segment files, drop listed
    segments past ``start`` (a resume that had to go back) and delete the frames the listed
    ones hold (a kill may have come between listing and deleting). The listed segments."""
    where = segments_dir(run.folder, run.timestring)
    with contextlib.suppress(FileNotFoundError):
        for name in os.listdir(where):
            if name.endswith(".part") or name.endswith(".concat.txt"):
                (where / name).unlink(missing_ok=True)
    listed = read_segments(run.folder, run.timestring)
    kept = [seg for seg in listed if seg.end <= start]
    if kept != listed:
        _write_list(run.folder, run.timestring, kept, fps=run.fps, size=run.size)
        for seg in listed[len(kept):]:
            (where / seg.file).unlink(missing_ok=True)
    if kept:
        prune_frames(run.folder, run.timestring, kept[-1].end, run.needed(kept[-1].end))
    return kept


def encode_missing(folder: Path, timestring: str, *, n_frames: int, fps: float,
                   size: tuple[int, int], length: int, needed: Needed, done: int,
                   captions: Captions | None = None, finisher: Any = None) -> list[Segment]:
    """Tidy the segments of a run continuing at frame ``done`` (see :class:`SegmentEncoder`)
    and encode, now, the segments whose frames ``< done`` are all on disk (interpolating: and
    the frame after them); the listed segments after. With ``done == n_frames`` every segment
    is then finished. ``captions``: lyrics burned into the segments (their frames keep the
    run's frame numbers); ``finisher``: interpolation and upscaling
    (:class:`~music_visualizer.finishing.stream.Finisher`)."""
    run = _Run(Path(folder), timestring, n_frames, fps, size, length, needed, captions,
               finisher)
    segments_dir(folder, timestring).mkdir(parents=True, exist_ok=True)
    listed = _tidy(run, done)
    start = listed[-1].end if listed else 0
    stop = done - 1 if run.lookahead and done < n_frames else done
    for first, end in _ranges(n_frames, length, start, stop):
        listed = _encode_one(run, listed, first, end)
    return listed


class SegmentEncoder:
    """Encodes a run's segments in a background thread while the frames are rendered.

    Made at the start of a render continuing at frame ``done`` (see :func:`encode_missing`,
    which it runs first). ``frame_written(index)`` (a
    :class:`~music_visualizer.runs.store.FrameWriter`'s ``after_frame``, called once the PNG is
    on disk, in order) queues a segment when ``index`` is its last frame; the thread encodes it,
    lists it and deletes its frames but the ``needed`` ones. ``close`` waits for the queued
    segments. A failure is raised by the next ``frame_written`` or by ``close``; the frames of
    a failed segment stay, for a resume to encode.
    """

    def __init__(self, folder: Path, timestring: str, *, n_frames: int, fps: float,
                 size: tuple[int, int], length: int, needed: Needed, done: int,
                 captions: Captions | None = None, finisher: Any = None) -> None:
        self._run = _Run(Path(folder), timestring, n_frames, fps, size, length, needed,
                         captions, finisher)
        self._listed = encode_missing(folder, timestring, n_frames=n_frames, fps=fps,
                                      size=size, length=length, needed=needed, done=done,
                                      captions=captions, finisher=finisher)
        self._queue: queue.Queue[tuple[int, int] | None] = queue.Queue()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._work, name="segment-encoder", daemon=True)
        self._thread.start()

    def _work(self) -> None:
        with contextlib.suppress(AttributeError, OSError):  # below the frame loop, as PNGs
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
        while (item := self._queue.get()) is not None:
            if self._error is not None:
                continue
            try:
                self._listed = _encode_one(self._run, self._listed, *item)
            except BaseException as e:  # reported to the producer
                self._error = e

    def frame_written(self, index: int) -> None:
        """Frame ``index`` is on disk: queue its segment when it is the segment's last (when
        interpolating: the next segment's first, or the run's last frame)."""
        if self._error is not None:
            raise self._error
        end, run = index + 1, self._run
        if run.lookahead:
            if index > 0 and index % run.length == 0:
                self._queue.put((index - run.length, index))
            if end == run.n_frames:
                self._queue.put(((end - 1) // run.length * run.length, end))
        elif end % run.length == 0 or end == run.n_frames:
            self._queue.put(((end - 1) // run.length * run.length, end))

    def close(self) -> list[Segment]:
        """Wait for the queued segments; the listed segments. Raises the thread's failure."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        if self._error is not None:
            raise self._error
        return self._listed

    def __enter__(self) -> SegmentEncoder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def join_segments(folder: Path, timestring: str, *, n_frames: int, fps: float, out: Path,
                  audio: Path | None = None, audio_start: float = 0.0,
                  interpolate: int = 1) -> Path:
    """``out`` from the run's segments joined without re-encoding, with the song's slice from
    ``audio_start`` (the same slice a ``keep_frames: all`` run's video has); segments made
    with ``interpolate`` hold that many video frames per run frame, at ``fps * interpolate``.

    Raises
    ------
    RunError
        The segments do not hold all ``n_frames`` frames (the run is not finished).
    VideoError
        ffmpeg failed.
    """
    from .video import join_videos

    listed = read_segments(folder, timestring)
    covered = listed[-1].end if listed else 0
    if covered < n_frames:
        raise RunError(f"Run {timestring} has {covered} of its {n_frames} frames in finished "
                       f"video segments; resume it with --resume {timestring} to finish it.")
    where = segments_dir(folder, timestring)
    return join_videos([where / seg.file for seg in listed], n_frames=n_frames * interpolate,
                       fps=fps * interpolate, out_path=out, audio_path=audio,
                       audio_start=audio_start)
