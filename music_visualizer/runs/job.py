"""A whole render, start or resume: song -> plan -> frames -> video. The CLI and app call this.

- :class:`RenderRequest`  what to render (audio, settings, output root, resume timestring)
- :class:`PreparedRun`    the run folder, timestring, plan and where rendering starts
- :func:`prepare_run`     check inputs, create or reopen the run, write/read the settings file
- :func:`make_renderer`   the renderer a run's settings ask for
- :func:`start_new_run`   create a new run's folder, reserve its timestring, lock it
- :func:`render`          prepare, render the missing frames, build the video
- :func:`build_video`     (re)build a run's MP4 from its frames and the song
- :func:`request_from_inputs`  a link and/or a file, a settings file and overrides -> a request

Resume reads the saved plan, so the remaining frames are rendered from exactly the parameters of
the first start; the state (previous frame, colour reference) comes back from the PNGs and the
seeds are in the plan.

A ``keep_frames: none`` run encodes its video in segments while it renders and deletes their
frames (see :mod:`~music_visualizer.runs.segments`); its video is the segments joined.

A new run's timestring is reserved when :func:`render` first writes its settings file (two renders
of a song started in the same second get two timestrings), and a render holds the run's
:class:`~music_visualizer.runs.store.RunLock` while it works, so a run being rendered (by any
thread or process) cannot be resumed at the same time.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import os
import secrets
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..audio.analysis import AudioAnalysis, analyze_file
from ..audio.load import AudioInfo, audio_hash, probe_audio, read_title_tag
from ..audio.reactive import schedule_variables, section_starts
from ..errors import RunError, SettingsError, VideoError
from ..files import atomic_write_bytes
from ..lyrics import Lyrics, to_lrc
from ..modes.base import ResolveContext
from ..modes.plan import Plan, build_plan, frame_count
from ..modes.steps import steps_for
from ..settings import Settings, apply_overrides, settings_from_dict
from ..sources.track import TrackInfo
from .lyric_prompts import GivenLyrics, check_captions, lyric_prompts, run_captions, run_lyrics
from .record import RunRecord, Song, load_run_record
from .store import (
    FrameWriter,
    RunLock,
    atomic_write_json,
    check_timestring,
    find_run,
    frame_path,
    gan_path,
    lyrics_path,
    new_timestring,
    reserve_timestring,
    scan_frames,
    settings_path,
    song_dir,
    storage_problem,
    video_path,
)

if TYPE_CHECKING:
    from ..finishing.stream import Finisher
    from ..lyrics.captions import Captions
    from ..prompts import PromptSet

__all__ = [
    "PreparedRun",
    "RenderRequest",
    "RenderResult",
    "build_video",
    "make_renderer",
    "prepare_run",
    "render",
    "request_from_inputs",
    "song_name_for",
    "start_new_run",
    "track_prompts",
]

#: Settings that fix the frames already on disk: a resume that changes one is refused.
#: The finishing settings (a video of a run that keeps its frames can be made again with others).
_FINISHING_KEYS = ("interpolate", "interpolation_engine", "interpolation_model", "upscale",
                   "upscale_model")
_FIXED_ON_RESUME_MESSAGE = {
    "fps": "frame rate", "width": "width", "height": "height", "duration": "duration",
    "start": "start",
}


@dataclass(frozen=True)
class RenderRequest:
    """What to render.

    ``overrides`` are the settings the user gave explicitly (CLI flags, app fields); on resume
    they are compared with the run's and any difference is refused.
    """

    audio: Path
    settings: Settings = field(default_factory=Settings)
    output_dir: Path = Path("outputs")
    resume: str | None = None
    overrides: Mapping[str, Any] = field(default_factory=dict)
    make_video: bool = True
    song_name: str | None = None
    device: str | None = None
    cache_dir: Path | None = None  # analysis cache (default: ~/.cache/music_visualizer)
    # keep_frames none: frames per video segment (None: ~10 s; tests use a few frames)
    segment_frames: int | None = None
    # the prompts in settings are the track's defaults, not the user's (lyrics_prompts may
    # replace them); request_from_inputs sets it
    default_prompts: bool = False
    # lyrics given instead of the song's (the app's Lyrics box); saved with the run
    lyrics: GivenLyrics | None = None


@dataclass(frozen=True)
class PreparedRun:
    folder: Path
    timestring: str  # of a new run: provisional until render() reserves it (see RenderResult)
    settings: Settings  # resolved: the seed drawn, the duration filled in
    plan: Plan
    audio: AudioInfo
    start_index: int  # first frame to render (0 for a new run)
    resumed: bool
    record: RunRecord | None = None  # the settings file to write when a new run starts
    gan: Any = None  # GAN mode: the run's GanVectors (saved as <timestring>_gan.npz)
    damaged: tuple[int, str] | None = None  # resume: the first damaged frame and how
    lyrics: Lyrics | None = None  # the timed lyrics its prompts or captions use, or given (saved)
    notes: tuple[str, ...] = ()  # what to tell the user about the plan (lyrics used or not)


@dataclass(frozen=True)
class RenderResult:
    folder: Path
    timestring: str
    n_frames: int
    rendered: int  # frames rendered by this call
    video: Path | None
    stopped: bool  # stopped early by request; resumable


def song_name_for(audio: Path, given: str | None = None) -> str:
    """The song's name: given, else the title tag, else the file name without extension."""
    return (given or read_title_tag(audio) or Path(audio).stem).strip() or "Untitled"


def _resolve(settings: Settings, info: AudioInfo) -> Settings:
    """Fill in the seed and the duration, and check them against the song, after the mode's
    timing (a walk's intervals set its start and duration; a GAN run's ``frame_length`` its
    fps)."""
    settings = steps_for(settings).timing(settings)
    if settings.start >= info.duration:
        raise SettingsError(
            f"start: {settings.start:g} s is at or past the end of the song "
            f"({info.duration:.2f} s)."
        )
    available = info.duration - settings.start
    duration = settings.duration if settings.duration is not None else available
    if duration > available + 0.05:
        raise SettingsError(
            f"duration: {duration:g} s from start {settings.start:g} s goes past the end of the "
            f"song ({info.duration:.2f} s); use at most {available:.2f} s."
        )
    seed = settings.seed if settings.seed >= 0 else secrets.randbelow(2**32)
    return replace(settings, duration=round(duration, 6), seed=seed)


def _record(timestring: str, song: str, info: AudioInfo, digest: str, settings: Settings,
            plan: Plan, analysis: AudioAnalysis) -> RunRecord:
    return RunRecord.new(timestring=timestring, song=Song(song, str(Path(info.path).resolve()),
                                                          digest, info.duration),
                         settings=settings, plan=plan, analysis=analysis)


def _check_resume(record: RunRecord, overrides: Mapping[str, Any], digest: str) -> None:
    stored, timestring = record.settings, record.timestring
    if record.song.audio_hash != digest:
        raise RunError(
            f"Run {timestring} was rendered from a different audio file; resume it with the "
            "same song, or start a new run."
        )
    if not overrides:
        return
    wanted = settings_from_dict(overrides, base=stored, source="option")
    for key in overrides:
        old, new = getattr(stored, key), getattr(wanted, key)
        if old != new and key in _FINISHING_KEYS and stored.keep_frames == "all":
            flag = f"--{key.replace('_', '-')}"
            raise RunError(f"Run {timestring} was started with {key}={old!r}; resume it without "
                           f"{flag}, then make its video again with: python -m music_visualizer "
                           f"video RUN_DIR --timestring {timestring} {flag} {new}.")
        if old != new:
            what = _FIXED_ON_RESUME_MESSAGE.get(key, key)
            raise RunError(
                f"Run {timestring} was rendered with {key}={old!r}; resuming with "
                f"{key}={new!r} would not match its {what} and frames. Resume without that "
                "option, or start a new run."
            )


def prepare_run(request: RenderRequest, *, now: _dt.datetime | None = None) -> PreparedRun:
    """Check the inputs and plan the run (or reopen it, to resume). Writes nothing: the run
    folder and settings file are created by :func:`render` once the renderer is ready, so a
    mistake (a bad model path, say) never leaves an empty run behind. A new run's timestring
    is provisional: :func:`render` reserves it, moving on a second if another run took it.

    Raises
    ------
    AudioError, SettingsError, ScheduleError, RunError
        For any mistake in the inputs, before anything is rendered; RunError also when the run
        to resume is being rendered right now by another thread or process.
    """
    info = probe_audio(request.audio)
    digest = audio_hash(request.audio)
    song = song_name_for(Path(request.audio), request.song_name)
    if request.resume:
        folder = find_run(request.output_dir, song, request.resume, audio_digest=digest)
        timestring = check_timestring(request.resume)
        # refused while another thread or process renders it; held while we tidy its files
        with RunLock(folder, timestring):
            saved = load_run_record(folder, timestring)  # checked before any file is touched
            stored, plan = saved.settings, saved.plan
            _check_resume(saved, request.overrides, digest)
            _check_finishing(stored)
            scan = scan_frames(folder, timestring, plan.n_frames, size=(plan.width, plan.height),
                               clean=True)
            start = _resume_index(folder, timestring, scan.done, stored,
                                  size=(plan.width, plan.height), n_frames=plan.n_frames)
        gan = steps_for(stored).resume_data(folder, timestring)
        damaged = None if scan.damaged is None else (scan.damaged, scan.problem)
        return PreparedRun(folder, timestring, stored, plan, info, start, resumed=True, gan=gan,
                           damaged=damaged)

    settings = _resolve(request.settings, info)
    check_captions(settings)
    _check_finishing(settings)  # a missing model file: said now, not after the render
    if settings.init_image:
        settings = replace(settings, init_image=_checked_image(settings.init_image))
    n_frames = frame_count(settings.duration or 0.0, settings.fps)
    analysis = analyze_file(request.audio, cache_dir=request.cache_dir, digest=digest,
                            beat_tracker=settings.beat_tracker,
                            beat_this_checkpoint=settings.beat_this_checkpoint)
    default_prompt = f"{song}, abstract music visualization, vivid colours, highly detailed"
    variables = schedule_variables(analysis, fps=settings.fps, n_frames=n_frames,
                                   start=settings.start)
    sections = section_starts(analysis)
    from_lyrics = lyric_prompts(settings, request.audio, n_frames=n_frames,
                                section_starts=sections, default_prompt=default_prompt,
                                prompts_given=not request.default_prompts,
                                given=request.lyrics)
    settings = from_lyrics.settings
    # the mode's data, resolved once (a walk's intervals, a GAN run's vectors)
    settings, gan = steps_for(settings).resolve(settings, ResolveContext(
        n_frames=n_frames, variables=variables, section_starts=sections,
        default_prompt=default_prompt, output_dir=request.output_dir, audio_digest=digest,
        device=request.device))
    plan = build_plan(settings, n_frames=n_frames, seed=settings.seed,
                      default_prompt=default_prompt, variables=variables,
                      section_starts=sections)
    stamp = new_timestring(now=now)
    folder = song_dir(request.output_dir, song, stamp)
    timestring = new_timestring(folder, now=now)
    return PreparedRun(folder, timestring, settings, plan, info, 0, resumed=False,
                       record=_record(timestring, song, info, digest, settings, plan, analysis),
                       gan=gan, lyrics=run_lyrics(settings, request.audio, from_lyrics.lyrics),
                       notes=from_lyrics.notes)


def _resume_index(folder: Path, timestring: str, done: int, settings: Settings, *,
                  size: tuple[int, int], n_frames: int) -> int:
    """Where a resume starts: ``done``, or earlier when a file the state is restored from (the
    last frame, frame 0, the cadence images) is damaged or gone; every file it reads back is
    checked in full (all CRCs). Frames after it are rendered again, as the uninterrupted run
    made them. The mode names the files (none when its frames are independent: walk, GAN).
    A finished run restores nothing (its cadence images and, with ``keep_frames: none``, its
    frames are gone)."""
    from .png import png_damage

    if done >= n_frames:
        return done
    steps = steps_for(settings)
    whole: dict[Path, bool] = {}

    def is_whole(path: Path) -> bool:
        if path not in whole:
            whole[path] = png_damage(path, size=size, full=True) is None
        return whole[path]

    start = done
    while start > 0 and not all(map(is_whole, steps.state_files(folder, timestring, start,
                                                                settings))):
        start -= 1
    return start


def _checked_image(path: str) -> str:
    """The absolute path of a readable image, or a SettingsError saying what is wrong."""
    from PIL import Image

    file = Path(path).expanduser()
    if not file.is_file():
        raise SettingsError(f"init_image: '{path}' does not exist; check the path.")
    try:
        with Image.open(file) as img:
            img.verify()
    except Exception:
        raise SettingsError(
            f"init_image: '{path}' is not an image PIL can read; give a PNG or JPEG.") from None
    return str(file.resolve())


def make_renderer(settings: Settings, *, device: str | None = None,
                  with_init_image: bool = True,
                  load_pipes: Callable[..., Any] | None = None, gan: Any = None) -> Any:
    """The renderer the run's mode and ``settings.renderer`` name, with its model loaded.

    ``with_init_image`` False (a resumed run past frame 0) skips loading the init image.
    ``load_pipes(model, scheduler=, device=, tiny_vae=, compile=)`` loads the model (default
    :func:`~music_visualizer.render.models.load_pipelines`; the app passes one that keeps the
    last model loaded between renders). ``gan``: the run's mode data (``PreparedRun.gan``: a
    GAN run's vectors).
    """
    return steps_for(settings).make_renderer(settings, device=device,
                                             with_init_image=with_init_image,
                                             load_pipes=load_pipes, data=gan)


def build_video(folder: Path, timestring: str, *, audio: Path | None = None,
                finishing: Mapping[str, Any] | None = None) -> Path:
    """(Re)build ``<timestring>.mp4`` from a run's frames and the song's matching slice.

    ``finishing``: settings of the finishing group (``interpolate``, ``upscale``, ...) for this
    video instead of the run's (its record is unchanged); a ``keep_frames: none`` run's video
    is joined from its segments, made with the run's own."""
    saved = load_run_record(folder, timestring)
    if finishing:
        saved = _refinished(saved, finishing)
    audio_path = Path(audio) if audio else Path(saved.song.audio)
    if not audio_path.is_file():
        raise RunError(
            f"The song of run {timestring} is no longer at '{audio_path}'; pass it with --audio."
        )
    if audio and audio_hash(audio_path) != saved.song.audio_hash:
        raise RunError(f"'{audio_path}' is not the song run {timestring} was rendered from; "
                       "pass that song with --audio.")
    if saved.settings.keep_frames == "none":
        return _video_from_segments(folder, timestring, saved, audio_path)
    return _encode(folder, timestring, saved.settings, saved.n_frames, audio_path,
                   run_captions(folder, timestring, saved.settings, audio_path),
                   _finisher(saved.settings))


def _check_finishing(settings: Settings) -> None:
    """ModelError (one sentence) when the interpolation or upscaling model is not there."""
    from ..finishing.stream import check_finishing, finishing_from

    check_finishing(finishing_from(settings))


def _refinished(saved: RunRecord, finishing: Mapping[str, Any]) -> RunRecord:
    """``saved`` with the finishing settings replaced (checked as settings are); RunError for a
    ``keep_frames: none`` run asked for other ones (its frames are gone)."""
    settings = apply_overrides(saved.settings, dict(finishing))
    _check_finishing(settings)
    if settings != saved.settings and saved.settings.keep_frames == "none":
        raise RunError(f"Run {saved.timestring} kept no frames (keep_frames: none), so its video "
                       "cannot be made again with other interpolate or upscale settings; render "
                       "it again with them.")
    return replace(saved, settings=settings)


def _finisher(settings: Settings) -> Finisher | None:
    """The loaded interpolation and upscaling of ``settings`` (None when both are off)."""
    from ..finishing.stream import finishing_from, load_finisher

    finishing = finishing_from(settings)
    return load_finisher(finishing) if finishing.active else None


def _video_from_segments(folder: Path, timestring: str, saved: RunRecord,
                         audio_path: Path) -> Path:
    """A finished ``keep_frames: none`` run's MP4, from its segments (those a kill left to
    encode are encoded from the frames on disk first); RunError if it is not finished."""
    from .segments import read_segments

    plan = saved.plan
    with RunLock(folder, timestring):  # refused while the run renders
        read_segments(folder, timestring)  # a damaged list is explained, not taken for none
        done = scan_frames(folder, timestring, plan.n_frames,
                           size=(plan.width, plan.height)).done
        if done < plan.n_frames:
            raise RunError(f"Run {timestring} is not finished ({done} of {plan.n_frames} "
                           f"frames); resume it with --resume {timestring} to finish its video.")
        captions = run_captions(folder, timestring, saved.settings, audio_path)
        finisher = _finisher(saved.settings)
        _finish_segments(folder, timestring, saved.settings, plan, None, captions, finisher)
        return _encode(folder, timestring, saved.settings, plan.n_frames, audio_path, captions,
                       finisher)


def _segment_args(folder: Path, timestring: str, settings: Settings, plan: Plan,
                  requested: int | None, captions: Captions | None = None,
                  finisher: Finisher | None = None) -> dict[str, Any]:
    """How a ``keep_frames: none`` run's segments are encoded (see
    :class:`~music_visualizer.runs.segments.SegmentEncoder`): ``requested`` frames each (None:
    :data:`~music_visualizer.runs.segments.SEGMENT_SECONDS` of video), unless the run's
    listed segments say otherwise; the files kept are those the mode's resume reads."""
    from .segments import segment_frames, segment_length

    steps = steps_for(settings)
    default = requested or segment_frames(settings.fps, settings.diffusion_cadence)
    return dict(folder=folder, timestring=timestring, n_frames=plan.n_frames, fps=settings.fps,
                size=(plan.width, plan.height),
                length=segment_length(folder, timestring, plan.n_frames, default),
                needed=lambda index: steps.state_files(folder, timestring, index, settings),
                captions=captions, finisher=finisher)


def _encode(folder: Path, timestring: str, settings: Settings, n_frames: int,
            audio_path: Path, captions: Captions | None,
            finisher: Finisher | None = None) -> Path:
    """The run's MP4 from its frames (or, ``keep_frames: none``, its finished segments) and
    ``audio_path``'s slice (already known to be its song), through ``finisher``; a partial
    video made while it was unfinished is deleted (the whole video holds it)."""
    from .partial import partial_path
    from .video import encode_video

    if settings.keep_frames == "none":
        from .segments import join_segments

        video = join_segments(folder, timestring, n_frames=n_frames, fps=settings.fps,
                              out=video_path(folder, timestring), audio=audio_path,
                              audio_start=settings.start, interpolate=settings.interpolate)
    else:
        video = encode_video(frames_dir=folder, timestring=timestring, n_frames=n_frames,
                             fps=settings.fps, out_path=video_path(folder, timestring),
                             audio_path=audio_path, audio_start=settings.start,
                             captions=captions, finisher=finisher)
    partial_path(folder, timestring).unlink(missing_ok=True)
    return video


def _video_is_current(folder: Path, timestring: str, n_frames: int, *,
                      segments: bool = False, frames_out: int | None = None) -> bool:
    """The run's MP4 exists, is newer than its frames (``segments``: its segment list) and
    settings file and has every frame: resuming a finished run then returns at once instead of
    encoding it again (``video`` rebuilds it on request)."""
    from .segments import segments_file
    from .video import probe_video

    video = video_path(folder, timestring)
    sources = [segments_file(folder, timestring)] if segments else [
        frame_path(folder, timestring, i) for i in range(n_frames)]
    try:
        built = video.stat().st_mtime_ns
        newest = max(path.stat().st_mtime_ns for path in
                     [settings_path(folder, timestring), *sources])
        wanted = n_frames if frames_out is None else frames_out
        return built >= newest and probe_video(video).n_frames == wanted
    except (OSError, VideoError):
        return False


def start_new_run(run: PreparedRun) -> tuple[PreparedRun, RunLock]:
    """Create the run folder, reserve the timestring, lock the run and write its settings file.

    The returned run carries the reserved timestring (a second later than planned when another
    run took that one meanwhile).
    """
    assert run.record is not None
    try:
        run.folder.mkdir(parents=True, exist_ok=True)
        timestring = reserve_timestring(run.folder, run.timestring)
    except OSError as e:  # the folder that could not be written: the run's or one above it
        where = Path(e.filename).parent if e.filename else run.folder
        raise RunError(f"Cannot start the run: {storage_problem(e, where)}, or use "
                       "another --output-dir.") from None
    reserved = settings_path(run.folder, timestring)
    try:
        lock = RunLock(run.folder, timestring).acquire()
    except BaseException:
        reserved.unlink(missing_ok=True)
        raise
    record = replace(run.record, timestring=timestring)
    try:
        if run.gan is not None:  # before the settings file: a run with one has its vectors
            run.gan.save(gan_path(run.folder, timestring))
        if run.lyrics is not None:  # the timed lyrics its prompts or captions use
            atomic_write_bytes(lyrics_path(run.folder, timestring),
                               to_lrc(run.lyrics).encode("utf-8"))
        atomic_write_json(reserved, record.to_json())
    except BaseException as e:
        reserved.unlink(missing_ok=True)
        gan_path(run.folder, timestring).unlink(missing_ok=True)
        lyrics_path(run.folder, timestring).unlink(missing_ok=True)
        lock.release()
        if isinstance(e, OSError):
            raise RunError(f"Cannot start the run: {storage_problem(e, run.folder)}, or use "
                           "another --output-dir.") from None
        raise
    return replace(run, timestring=timestring, record=record), lock


def render(request: RenderRequest, *, prepared: PreparedRun | None = None,
           renderer: Any = None,
           on_frame: Callable[[int, Any], None] | None = None,
           should_stop: Callable[[], bool] | None = None,
           on_start: Callable[[PreparedRun], None] | None = None) -> RenderResult:
    """Render the run's missing frames and its video.

    ``renderer`` defaults to :func:`make_renderer` of the run's settings. A new run's folder and
    settings file are written once the renderer exists; its timestring is reserved then and may
    be later than ``prepared.timestring`` (the result has the run's own). The run's lock is held
    until the video is built. ``on_start(run)`` is called once the run's folder and timestring
    are final, before the first frame; ``on_frame(index, state)`` after each frame;
    ``should_stop()`` between frames.

    Raises
    ------
    RunError
        If the run is being rendered by another thread or process (resume), or its folder
        cannot be written.
    """
    from ..render.loop import render_frames

    run = prepared or prepare_run(request)
    settings, plan = run.settings, run.plan
    state_next = run.start_index
    rendered = 0
    segmented = settings.keep_frames == "none"
    lock: RunLock | None = None
    try:
        if run.record is None:  # resume: refuse a run that is live, before loading a model
            lock = RunLock(run.folder, run.timestring).acquire()
        # loaded once (a RIFE model), before the run's folder exists (a bad file leaves no run)
        finisher = _finisher(settings) if request.make_video or segmented else None
        if state_next < plan.n_frames:
            renderer = renderer or make_renderer(settings, device=request.device,
                                                 with_init_image=run.start_index == 0,
                                                 gan=run.gan)
            if run.record is not None:
                run, lock = start_new_run(run)
        # looked up once: the segments, their finish and the video burn the same lines
        captions = run_captions(run.folder, run.timestring, settings, Path(request.audio))
        if on_start is not None:
            on_start(run)
        if state_next < plan.n_frames:
            steps = steps_for(settings)
            state = steps.restore(run.folder, run.timestring, state_next, renderer=renderer,
                                  settings=settings, plan=plan)
            try:
                with _frame_writer(run, state_next, request.segment_frames,
                                   captions, finisher) as writer:
                    state = render_frames(renderer, plan, state, writer=writer,
                                          on_frame=on_frame, should_stop=should_stop,
                                          batched=steps.mode.batched)
            except OSError as e:
                raise RunError(f"Run {run.timestring} stopped: {storage_problem(e, run.folder)}"
                               f"; then resume with --resume {run.timestring}.") from None
            rendered = state.next_index - run.start_index
            state_next = state.next_index
        stopped = state_next < plan.n_frames
        if not stopped:  # the diffused frames of cadence were only kept for resume
            for leftover in Path(run.folder).glob(f"{run.timestring}_cadence_*.png"):
                leftover.unlink(missing_ok=True)
            if segmented:
                _finish_segments(run.folder, run.timestring, settings, plan,
                                 request.segment_frames, captions, finisher)
        video = None
        if request.make_video and not stopped:
            video = video_path(run.folder, run.timestring)
            if rendered > 0 or not _video_is_current(
                    run.folder, run.timestring, plan.n_frames, segments=segmented,
                    frames_out=plan.n_frames * settings.interpolate):
                # the record and the song were checked when the run was prepared
                video = _encode(run.folder, run.timestring, run.settings, plan.n_frames,
                                Path(request.audio), captions, finisher)
    finally:
        if lock is not None:
            lock.release()
    return RenderResult(run.folder, run.timestring, plan.n_frames, rendered, video, stopped)


@contextlib.contextmanager
def _frame_writer(run: PreparedRun, done: int, segment_frames: int | None,
                  captions: Captions | None,
                  finisher: Finisher | None = None) -> Iterator[FrameWriter]:
    """The writer of a render continuing at frame ``done``; with ``keep_frames: none`` it hands
    each written frame to a :class:`~music_visualizer.runs.segments.SegmentEncoder`, closed
    (its queued segments finished) after the writer."""
    if run.settings.keep_frames != "none":
        with FrameWriter(run.folder, run.timestring) as writer:
            yield writer
        return
    from .segments import SegmentEncoder

    args = _segment_args(run.folder, run.timestring, run.settings, run.plan, segment_frames,
                         captions, finisher)
    with SegmentEncoder(**args, done=done) as encoder, FrameWriter(
            run.folder, run.timestring, after_frame=encoder.frame_written) as writer:
        yield writer


def _finish_segments(folder: Path, timestring: str, settings: Settings, plan: Plan,
                     segment_frames: int | None, captions: Captions | None = None,
                     finisher: Finisher | None = None) -> None:
    """A ``keep_frames: none`` run whose frames are all rendered: encode the segments not yet
    finished (the last one, or those a kill left) and delete the frames kept for resume."""
    from .segments import encode_missing, prune_frames

    encode_missing(**_segment_args(folder, timestring, settings, plan, segment_frames,
                                   captions, finisher),
                   done=plan.n_frames)
    prune_frames(folder, timestring, plan.n_frames, keep=())


def track_prompts(track: TrackInfo, *, analysis: AudioAnalysis | None = None,
                  caption: bool = True) -> PromptSet:
    """The five default prompts of a track (cover caption when a model is available)."""
    from ..prompts import caption_cover, default_prompts

    text = caption_cover(track.cover) if caption and track.cover else None
    return default_prompts(track, analysis=analysis, caption=text)


def request_from_inputs(*, link: str | None = None, audio: str | os.PathLike[str] | None = None,
                        settings_file: str | os.PathLike[str] | None = None,
                        overrides: Mapping[str, Any] | None = None,
                        output_dir: Path = Path("outputs"), resume: str | None = None,
                        make_video: bool = True, device: str | None = None,
                        cache_dir: Path | None = None, caption: bool = True
                        ) -> tuple[RenderRequest, TrackInfo, list[str]]:
    """Build a render request the same way for the CLI and the app.

    The track comes from the link (Spotify) and/or the file (tags); without a file the audio is
    downloaded. With no prompt given (flags, settings file or preset), the track's default
    prompts are used; ``init_image: cover`` means the album cover. With a link, the run folder is
    named "Artist - Title".
    """
    from ..settings import resolve_settings
    from ..sources.resolve import resolve_track

    overrides = dict(overrides or {})
    track, warnings = resolve_track(link, audio, download=True, cache_dir=cache_dir)
    settings = resolve_settings(file=settings_file, overrides=overrides)
    if (settings.init_image or "").strip().lower() == "cover":  # from a flag or the file
        if not track.cover:
            raise SettingsError("init_image: this track has no cover image; give an image file.")
        settings = replace(settings, init_image=track.cover)
        overrides.pop("init_image", None)
    defaulted = not resume and not settings.prompts
    if defaulted:
        analysis = analyze_file(track.audio, cache_dir=cache_dir,
                                beat_tracker=settings.beat_tracker,
                                beat_this_checkpoint=settings.beat_this_checkpoint
                                ) if track.audio else None
        defaults = track_prompts(track, analysis=analysis, caption=caption)
        settings = replace(settings, prompts=list(defaults.prompts),
                           negative_prompt=settings.negative_prompt or defaults.negative_prompt)
    request = RenderRequest(audio=Path(track.audio), settings=settings, output_dir=output_dir,
                            resume=resume, overrides=overrides, make_video=make_video,
                            song_name=track.display_name if link else None, device=device,
                            cache_dir=cache_dir, default_prompts=defaulted)
    return request, track, warnings
