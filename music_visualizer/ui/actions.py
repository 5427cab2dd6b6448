"""What the app's buttons do, as plain functions of the fields' values (no Gradio here).

- :class:`AppConfig`        the app's fixed choices: output folder, settings file, model, limits
- :func:`store_upload`      an uploaded song, checked and kept in ``<output>/songs/`` (resume)
- :func:`produce_prompts`   link and/or song -> track card, five prompts, duration, runs, plot
- :func:`settings_fields`   the values the settings fields start with (file + preset)
- :func:`field_overrides`   the fields' values -> settings overrides (blank prompts dropped)
- :class:`ModelCache`       keeps the last loaded model between renders
- :func:`start_render`      check everything, then start the render on the board
- :class:`StoppedRender`    a stopped render's result with its partial video (what exists)
- :func:`stopped_render`    build that partial video (never raises: the run is kept)
- :func:`describe_status`   a job's progress line: frames, fps, ETA
- :func:`run_choices`       the timestring menu of a song: its runs, resumable ones first
- :func:`redact`            secrets of the environment replaced by "***" in a message
- :func:`hide_folders`      server folders (Gradio's uploads) cut from a message: file names only
- :func:`image_array`       an image file (a cached cover, a run's plot) as pixels for the page

Everything the user can get wrong raises :class:`~music_visualizer.errors.UserError` with one
sentence; the app shows it on the page.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import AudioError, RunError, UserError
from ..runs.job import RenderResult
from ..runs.lyric_prompts import GivenLyrics
from ..settings import Settings, field_specs, form_fields, resolve_settings
from .board import RenderBoard, RenderJob
from .lyrics_box import LyricsBoxes, fill_lyrics
from .text import markdown_text, track_card

__all__ = [
    "AUDIO_SUFFIXES",
    "AppConfig",
    "ModelCache",
    "PromptsResult",
    "StoppedRender",
    "describe_status",
    "field_overrides",
    "frame_image",
    "hide_folders",
    "image_array",
    "produce_prompts",
    "redact",
    "run_choices",
    "settings_fields",
    "start_render",
    "stopped_render",
    "store_upload",
]

AUDIO_SUFFIXES = (".mp3", ".wav", ".ogg", ".oga", ".flac", ".m4a", ".aac", ".opus", ".aiff",
                  ".aif", ".wma", ".webm")
SECRET_ENV = ("SPOTIPY_CLIENT_SECRET", "SPOTIPY_CLIENT_ID", "MUSIC_VISUALIZER_AUTH",
              "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN")
N_PROMPTS = 5

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AppConfig:
    """The app's fixed choices, from the ``ui`` command (or the notebook)."""

    output_dir: Path = Path("outputs")
    settings_file: Path | None = None
    model: str | None = None
    device: str | None = None
    cache_dir: Path | None = None
    max_upload_mb: int = 200
    caption: bool = True  # caption the cover with an image-to-text model when one is available

    def base_settings(self, preset: str | None = None) -> Settings:
        """Defaults -> preset -> settings file -> ``--model``."""
        overrides: dict[str, Any] = {"preset": preset} if preset else {}
        if self.model:
            overrides["model"] = self.model
        return resolve_settings(file=self.settings_file, overrides=overrides)


def redact(text: str, environ: Mapping[str, str] | None = None) -> str:
    """``text`` with the values of secret environment variables replaced by ``***``."""
    env = os.environ if environ is None else environ
    for name in SECRET_ENV:
        value = env.get(name, "")
        parts = {value, *value.split(":", 1)[1:]} if value else set()
        for part in sorted(parts, key=len, reverse=True):  # "user:pass" before "pass"
            if len(part) >= 4:
                text = text.replace(part, "***")
    return text


def hide_folders(text: str, folders: Sequence[str | os.PathLike[str]]) -> str:
    """``text`` with every path inside ``folders`` shortened to its file name.

    An upload lives at ``/tmp/gradio/<hash>/song.mp3`` on the server; the user knows it as
    ``song.mp3``. Folder names inside ``folders`` must not contain spaces or quotes (Gradio's
    and the app's hash folders do not); the file name may.
    """
    for folder in folders:
        for form in {str(Path(folder)), str(Path(folder).resolve())}:
            if len(form) > 1:
                text = re.sub(re.escape(form) + r"[/\\](?:[^/\\\s'\"]+[/\\])*", "", text)
    return text


# --------------------------------------------------------------------------------------------
# The song
# --------------------------------------------------------------------------------------------

def store_upload(path: str | os.PathLike[str] | None, config: AppConfig) -> Path | None:
    """Check an uploaded song and keep a copy in ``<output>/songs/<hash>/`` (for resume).

    Gradio's upload folder is temporary (on Colab it is gone after a disconnect); the copy on
    the output folder (Drive) lets a run be resumed and its video rebuilt later.
    """
    if not path:
        return None
    from ..audio.load import audio_hash, probe_audio
    from ..runs.store import safe_name

    source = Path(path)
    if source.suffix.lower() not in AUDIO_SUFFIXES:
        raise AudioError(f"'{source.name}' is not a song file; upload an mp3, wav, ogg, flac "
                         "or m4a file.")
    size_mb = source.stat().st_size / 2**20
    if size_mb > config.max_upload_mb:
        raise AudioError(f"'{source.name}' is {size_mb:.0f} MB; songs up to "
                         f"{config.max_upload_mb} MB can be uploaded.")
    probe_audio(source)
    digest = audio_hash(source)
    folder = Path(config.output_dir) / "songs" / digest[:16]
    name = source.name if safe_name(source.name) else "song" + source.suffix.lower()
    target = folder / name.replace("/", "_").replace("\\", "_")
    if not target.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        # a temp file of its own: the upload box and Produce Prompts may store it at once
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
        os.close(fd)
        try:
            shutil.copyfile(source, tmp)
            os.replace(tmp, target)
        finally:
            Path(tmp).unlink(missing_ok=True)
    return target


@dataclass(frozen=True)
class PromptsResult:
    """What "Produce Prompts" fills in."""

    card: str  # Markdown
    cover: str | None
    prompts: tuple[str, ...]
    negative_prompt: str
    duration: float | None
    audio: Path | None
    plot: np.ndarray | None  # the analysis and motion plot, RGB
    runs: list[tuple[str, str]]
    warnings: list[str]
    lyrics: LyricsBoxes | None = None  # the Lyrics and Lyric prompts boxes


def _plot_image(analysis: Any, settings: Settings, title: str) -> np.ndarray:
    from PIL import Image

    from ..audio.report import write_plot

    with tempfile.TemporaryDirectory() as tmp:
        path = write_plot(analysis, Path(tmp) / "plot.png", settings=settings, song=title)
        with Image.open(path) as img:
            return np.asarray(img.convert("RGB"))


def produce_prompts(config: AppConfig, link: str | None, audio: str | None, *,
                    preset: str | None = None, lyrics_prompts: bool = False,
                    pasted_lyrics: str = "") -> PromptsResult:
    """The track card, five default prompts and the song's lyrics from a link and/or an
    uploaded song (when it has none: the lyrics ``pasted`` in the box); with
    ``lyrics_prompts`` also a prompt keyframe per timed lyric line.

    Never downloads the song (that happens at Visualize, when needed).
    """
    from ..audio.analysis import analyze_file
    from ..runs.job import track_prompts
    from ..sources.resolve import resolve_track

    link = (link or "").strip() or None
    stored = store_upload(audio, config)
    track, warnings = resolve_track(link, stored, download=False, cache_dir=config.cache_dir)
    base = config.base_settings(preset)
    analysis = analyze_file(stored, cache_dir=config.cache_dir, beat_tracker=base.beat_tracker,
                            beat_this_checkpoint=base.beat_this_checkpoint) if stored else None
    prompt_set = track_prompts(track, analysis=analysis, caption=config.caption)
    plot = None
    if analysis is not None:
        plot = _plot_image(analysis, base, track.display_name)
    duration = analysis.duration if analysis is not None else track.duration
    lyrics = fill_lyrics(stored, setting=base.lyrics, prompts=prompt_set.prompts,
                         analysis=analysis, fps=base.fps, with_prompts=lyrics_prompts,
                         pasted=pasted_lyrics, model=base.lyrics_model)
    return PromptsResult(
        card=track_card(track, analysis, markdown=True), cover=track.cover,
        prompts=prompt_set.prompts, negative_prompt=prompt_set.negative_prompt,
        duration=round(duration, 2) if duration else None, audio=stored, plot=plot,
        runs=run_choices(config.output_dir, stored), warnings=warnings, lyrics=lyrics)


def run_choices(output_dir: Path, audio: Path | None) -> list[tuple[str, str]]:
    """(label, timestring) of the song's runs: resumable ones first, newest first."""
    if audio is None:
        return []
    from ..audio.load import audio_hash
    from ..runs.store import song_runs

    runs = song_runs(output_dir, audio_hash(audio))
    ordered = [r for r in runs if not r.complete][::-1] + [r for r in runs if r.complete][::-1]
    return [(r.describe(), r.timestring) for r in ordered]


# --------------------------------------------------------------------------------------------
# Settings fields
# --------------------------------------------------------------------------------------------

#: The fields of the form besides the prompts, in the order the app passes them (the settings
#: declared with an app widget, in their form order).
FORM_FIELDS: tuple[str, ...] = tuple(name for name, _ in form_fields())
_NUMBER_FIELDS = {name for name in FORM_FIELDS
                  if field_specs()[name][0].removeprefix("optional ") in ("int", "float")}
_WHOLE_FIELDS = {name for name in _NUMBER_FIELDS
                 if field_specs()[name][0].removeprefix("optional ") == "int"}
NO_PRESET = "none"


def settings_fields(settings: Settings) -> dict[str, Any]:
    """The form's values for ``settings`` (duration blank = the whole song)."""
    values = {name: getattr(settings, name) for name in FORM_FIELDS}
    values["preset"] = settings.preset or NO_PRESET
    values["classes"] = ", ".join(str(c) for c in settings.classes or ())
    return values


def field_overrides(values: Mapping[str, Any], prompts: Sequence[str | None],
                    negative_prompt: str | None, *, from_cover: bool = False) -> dict[str, Any]:
    """Settings overrides from the form. Blank prompts are dropped; a blank number means the
    default (for Duration: the rest of the song)."""
    overrides: dict[str, Any] = {}
    for name in FORM_FIELDS:
        value = values.get(name)
        if isinstance(value, str):
            value = value.strip()
        if value is None or value == "":
            continue
        if name in _NUMBER_FIELDS:
            value = float(value)
            if name in _WHOLE_FIELDS and value.is_integer():
                value = int(value)
        if name == "preset" and value == NO_PRESET:
            continue
        if name == "duration" and value == 0:  # the field's blank shows as 0: the whole song
            continue
        overrides[name] = value
    kept = [p.strip() for p in prompts if p and p.strip()]
    if kept:
        overrides["prompts"] = kept
    if negative_prompt is not None:
        overrides["negative_prompt"] = negative_prompt.strip()
    if from_cover:
        overrides["init_image"] = "cover"
    return overrides


# --------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------

def _resume_audio(config: AppConfig, timestring: str, stored: Path | None) -> Path:
    """The song of run ``timestring``: the upload if there is one, else the run's own copy."""
    from ..runs.record import load_run_record
    from ..runs.store import locate_run

    folder = locate_run(config.output_dir, timestring)
    if stored is not None:
        return stored
    audio = Path(load_run_record(folder, timestring).song.audio)
    if not audio.is_file():
        raise RunError(f"The song of run {timestring} is no longer at '{audio}'; upload it "
                       "again in Audio file, then press Visualize.")
    return audio


class ModelCache:
    """Keeps the last loaded model, so the next render with it starts at once.

    One model at a time: a GPU has room for one. Used from the render thread only (the board
    runs one render at a time).
    """

    def __init__(self) -> None:
        self._key: tuple[Any, ...] | None = None
        self._pipes: Any = None

    def __call__(self, model: str, *, scheduler: str, device: str | None,
                 tiny_vae: str | None = None, compile: bool = False) -> Any:
        from ..render.models import load_pipelines

        key = (model, scheduler, device, tiny_vae, compile)
        if key != self._key:
            self._key, self._pipes = None, None  # free the old one before loading
            self._pipes = load_pipelines(model, scheduler=scheduler, device=device,
                                         tiny_vae=tiny_vae, compile=compile)
            self._key = key
        return self._pipes


def start_render(board: RenderBoard, config: AppConfig, *, link: str | None,
                 audio: str | None, overrides: Mapping[str, Any], resume: bool,
                 timestring: str | None, models: ModelCache | None = None,
                 lyrics: GivenLyrics | None = None) -> tuple[RenderJob, list[str]]:
    """Check every input (link, song, settings, schedules, resume), then start the render.
    Returns the job and warnings for the user (e.g. Spotify unreachable, tags used instead).
    ``lyrics``: the Lyrics box's (see :func:`~music_visualizer.ui.lyrics_box.given_lyrics`);
    a resumed run keeps the lyrics saved with it.

    Raises UserError (shown on the page) for any mistake, and BusyError while another render
    runs; nothing is written before the checks pass.
    """
    from ..runs.job import make_renderer, prepare_run, render, request_from_inputs
    from ..runs.store import check_timestring

    link = (link or "").strip() or None
    board.check_idle()  # before any work: a busy app says so at once
    stored = store_upload(audio, config)
    ts = None
    if resume:
        if not (timestring or "").strip():
            raise RunError("Pick the run to resume in Timestring (or untick Resume to start a "
                           "new run).")
        ts = check_timestring(timestring or "")
        stored = _resume_audio(config, ts, stored)
        overrides = {}  # a resumed run keeps the settings it started with
    elif stored is None and link is None:
        raise UserError("Paste a Spotify track link or upload the song in Audio file.")
    request, track, warnings = request_from_inputs(
        link=link, audio=stored, settings_file=None if resume else config.settings_file,
        overrides=overrides, output_dir=Path(config.output_dir), resume=ts,
        device=config.device, cache_dir=config.cache_dir, caption=config.caption)
    if not resume:
        request = replace(request, lyrics=lyrics)
    prepared = prepare_run(request)
    label = f"{track.display_name}, run {prepared.timestring}"

    def work(job: RenderJob) -> Any:
        job.set_total(prepared.plan.n_frames, already_done=prepared.start_index)
        renderer = None
        if prepared.start_index < prepared.plan.n_frames:
            if prepared.settings.renderer == "diffusion":
                job.set_phase("loading model")
            renderer = make_renderer(prepared.settings, device=config.device,
                                     with_init_image=prepared.start_index == 0,
                                     load_pipes=models, gan=prepared.gan)
        job.set_phase("rendering")
        result = render(request, prepared=prepared, renderer=renderer,
                        on_frame=lambda i, state: job.frame_done(i, state.previous_uint8),
                        should_stop=job.should_stop, on_start=lambda run: started(job, run))
        _write_run_plot(result.folder, result.timestring, request, prepared.settings,
                        track.display_name)
        if result.stopped and job.status().done > 0:
            job.set_phase("encoding video")
            return stopped_render(result)
        return result

    def started(job: RenderJob, run: Any) -> None:
        job.set_label(f"{track.display_name}, run {run.timestring}")
        job.set_run(run.folder, run.timestring)

    # which lyrics the prompts follow, or why not; captions asked for without timed lyrics
    notes = [*prepared.notes, *_caption_notes(prepared, request.audio)]
    return board.start(label, work), [*warnings, *notes]


def _caption_notes(prepared: Any, audio: Path) -> list[str]:
    """Why a new run's video will have no captions though they were asked for (the render
    says it only in the log): the lyrics given (saved with the run) have no times, or the
    song has no timed lyrics."""
    import warnings

    from ..lyrics.captions import CaptionsWarning, captions_for

    settings = prepared.settings
    if prepared.resumed or settings.captions == "none":
        return []
    if prepared.lyrics is not None:  # saved with the run: the captions use them
        return [] if prepared.lyrics.timed else [
            f"The video has no captions: the lyrics from the {prepared.lyrics.source} have no "
            "line times; give them as [mm:ss.xx] lines."]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", CaptionsWarning)
        captions_for(audio, style=settings.captions, fps=settings.fps, start=settings.start,
                     lyrics=settings.lyrics)
    return [f"{w.message} Or paste timed lyrics in the Lyrics box." for w in caught
            if issubclass(w.category, CaptionsWarning)]


@dataclass(frozen=True)
class StoppedRender(RenderResult):
    """A stopped render: its result, and the partial video of the frames it has (or why there
    is none). The run stays resumable either way."""

    partial: Any = None  # a runs.partial.PartialVideo
    problem: str | None = None


def stopped_render(result: RenderResult) -> StoppedRender:
    """``result`` with ``<timestring>_partial.mp4`` of the run's frames so far; a failure to
    build it is reported in ``problem``, never raised (the run is kept as it is)."""
    from ..runs.partial import build_partial

    values = {f.name: getattr(result, f.name) for f in fields(RenderResult)}
    try:
        return StoppedRender(**values, partial=build_partial(result.folder, result.timestring))
    except UserError as e:
        return StoppedRender(**values, problem=str(e))
    except Exception as e:  # a bug: logged; the page says so in one line
        log.exception("the partial video of run %s failed", result.timestring)
        return StoppedRender(**values, problem=f"internal error ({type(e).__name__}); the "
                                               "details are in the app's log")


def _write_run_plot(folder: Path, timestring: str, request: Any, settings: Settings,
                    title: str) -> Path | None:
    """``<ts>_plot.png``: the song and the motion of this run, beside its frames."""
    from ..audio.analysis import analyze_file
    from ..audio.report import write_plot

    path = Path(folder) / f"{timestring}_plot.png"
    if path.is_file():
        return path
    try:
        analysis = analyze_file(request.audio, cache_dir=request.cache_dir,
                                beat_tracker=settings.beat_tracker,
                                beat_this_checkpoint=settings.beat_this_checkpoint)
        return write_plot(analysis, path, settings=settings, song=title)
    except (UserError, OSError, ValueError):
        return None


def image_array(path: str | os.PathLike[str] | None, *, max_side: int = 1024
                ) -> np.ndarray | None:
    """The RGB pixels of the image at ``path`` (shrunk to ``max_side``), or None when there is
    none or it cannot be read (logged).

    The page gets pixels, never the path: a cover cached in ``~/.cache`` is outside the folders
    Gradio may serve, and the page needs only the picture.
    """
    if not path:
        return None
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as img:
            img.thumbnail((max_side, max_side))
            return np.asarray(img.convert("RGB"))
    except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError) as e:
        log.warning("cannot show the image %s: %s", path, e)
        return None


def frame_image(frame: Any) -> np.ndarray | None:
    """A uint8 HxWx3 array of a frame tensor/array (CHW or HWC, optional batch of 1)."""
    from ..runs.store import to_hwc_uint8

    return None if frame is None else to_hwc_uint8(frame)


def _clock_long(seconds: float | None) -> str:
    if seconds is None:
        return "…"
    seconds = round(seconds)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def _stopped_line(status: Any, name: str) -> str:
    """What a stopped render has: its partial video (how much of the song), how to resume."""
    line = f"**Stopped** at frame {status.done} of {status.total} ({name})."
    partial = getattr(status.result, "partial", None)
    problem = getattr(status.result, "problem", None)
    if partial is not None:
        line += (f" The video below is what is rendered so far: the first {partial.describe()},"
                 f" saved as {markdown_text(partial.path.name)}.")
    elif problem:
        line += f" There is no partial video: {markdown_text(problem)}"
    return (line + " To continue, tick Resume, pick this run's timestring and press Visualize; "
            "the full video is built when the run is finished.")


def describe_status(status: Any) -> str:
    """One Markdown line: what the render is doing, frames, fps and ETA (the run's name and
    any error shown verbatim)."""
    if status is None:
        return ""
    name = markdown_text(status.label)
    if status.phase == "failed":
        return f"**Failed:** {markdown_text(status.error or '')}"
    if status.phase == "done":
        return (f"**Done:** {name}: {status.total} frames in "
                f"{_clock_long(status.elapsed_s)}.")
    if status.phase == "stopped":
        return _stopped_line(status, name)
    if status.phase in ("starting", "loading model"):
        what = "Loading the model" if status.phase == "loading model" else "Starting"
        return f"{what} … ({name})"
    if status.phase == "encoding video":
        return f"Encoding the video … ({name})"
    line = f"Frame **{status.done} / {status.total}**"
    if status.fps > 0:
        line += f" · {status.fps:.2f} fps · ETA {_clock_long(status.eta_s)}"
    if status.stop_requested:
        line += " · stopping after this frame"
    return f"{line} · {name}"
