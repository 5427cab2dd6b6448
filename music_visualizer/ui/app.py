"""The Gradio app: paste a link, upload the song, edit the prompts, Visualize.

- :func:`build_app`  the Blocks app (built without launching; tests drive it in a browser)
- :func:`launch`     serve it: login required to share, uploads limited, only the output
                     folder served
- :func:`auth_from`  ``USER:PASS`` from ``--auth`` or ``MUSIC_VISUALIZER_AUTH``

A thin shell: every button calls a function of :mod:`music_visualizer.ui.actions`, the same
functions the CLI uses underneath. One render runs at a time (a :class:`RenderBoard` per app);
it runs in its own thread, so a closed tab does not stop it, and every page shows it.

What the page gets: images as pixels (a cover cached in ``~/.cache`` is outside the folders
Gradio may serve), files only from the output folder (or a copy in a temp folder), messages
escaped so user text shows verbatim, upload paths cut to file names. Every handler turns an
unexpected exception into one line on the page (the traceback goes to the log).
"""

from __future__ import annotations

import dataclasses
import html
import inspect
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..settings import SCHEDULE_FIELDS, field_specs, preset_names
from .actions import (
    FORM_FIELDS,
    N_PROMPTS,
    NO_PRESET,
    AppConfig,
    ModelCache,
    describe_status,
    field_overrides,
    frame_image,
    hide_folders,
    image_array,
    produce_prompts,
    redact,
    run_choices,
    settings_fields,
    start_render,
    store_upload,
)
from .board import RenderBoard
from .lyrics_box import given_lyrics
from .text import markdown_text

__all__ = ["auth_from", "build_app", "launch"]

log = logging.getLogger(__name__)

AUTH_ENV = "MUSIC_VISUALIZER_AUTH"
LIVE_FRAME_EVERY_S = 1.0  # the live frame is sent at most this often (it costs an encode)
POLL_S = 0.4
SEGMENT_EVERY_S = 2.0  # how often a render's segments list is read for a newer segment

_CSS = """
#mv-message p { color: var(--error-text-color, #b91c1c); font-weight: 600; }
#mv-busy p { color: var(--body-text-color-subdued); }
"""


def auth_from(value: str | None, environ: Mapping[str, str] | None = None
              ) -> tuple[str, str] | None:
    """The login: ``USER:PASS`` from ``value`` (a flag), else from ``MUSIC_VISUALIZER_AUTH``."""
    env = os.environ if environ is None else environ
    text = value if value is not None else env.get(AUTH_ENV)
    if text is None or not text.strip():
        return None
    user, sep, password = text.strip().partition(":")
    if not sep or not user or not password:
        source = "--auth" if value is not None else AUTH_ENV
        raise UserError(f"{source} must be USER:PASS (a name, a colon, a password).")
    return user, password


def _server_folders(config: AppConfig) -> list[Path]:
    """Folders whose paths the user never needs to see: Gradio's uploads, the kept songs."""
    from gradio.utils import get_upload_folder

    return [Path(get_upload_folder()), Path(config.output_dir) / "songs"]


def _public(text: str, config: AppConfig) -> str:
    """``text`` fit for the page: secrets blanked, uploads named by their file name."""
    return hide_folders(redact(text), _server_folders(config))


def _message(text: str, config: AppConfig) -> str:
    """A visible error line for the page (Markdown), the text shown verbatim."""
    return f"⚠️ {markdown_text(_public(text, config))}" if text else ""


def _warn(text: str, config: AppConfig) -> None:
    """A warning toast (Gradio renders its text as HTML: escaped)."""
    import gradio as gr

    gr.Warning(html.escape(_public(text, config)))


def _failure_text(error: Exception) -> str:
    """The page's line for ``error``: a user mistake as it is, a bug as one line (logged)."""
    if isinstance(error, UserError):
        return str(error)
    log.error("app handler failed", exc_info=error)
    return f"Internal error ({type(error).__name__}); the details are in the app's log."


def _safe(fn: Callable[..., Any], n_outputs: int, config: AppConfig, *,
          on_error: Mapping[int, Any] | None = None) -> Callable[..., Any]:
    """Run ``fn`` (a function or a generator); turn any exception into one message in the page
    (the last output) instead of a traceback or a wall of red "Error" boxes. The other outputs
    keep their values, except those ``on_error`` sets (output index -> value)."""
    import gradio as gr

    def failed(error: Exception) -> Any:
        text = _failure_text(error)
        if isinstance(error, UserError):
            _warn(text, config)
        values = [gr.skip()] * (n_outputs - 1) + [_message(text, config)]
        for index, value in (on_error or {}).items():
            values[index] = value
        return values[0] if n_outputs == 1 else tuple(values)

    if inspect.isgeneratorfunction(fn):
        def stream(*args: Any) -> Iterator[Any]:
            try:
                yield from fn(*args)
            except Exception as e:
                yield failed(e)

        return stream

    def wrapped(*args: Any) -> Any:
        try:
            return fn(*args)
        except Exception as e:
            return failed(e)

    return wrapped


def _served_file(path: str | os.PathLike[str] | None, config: AppConfig,
                 spare: list[Path]) -> str | None:
    """A path Gradio may serve for the file at ``path``: itself when it is in the output
    folder (the one folder ``launch`` allows), else a copy in this app's temp folder."""
    if path is None or not Path(path).is_file():
        return None
    source = Path(path).resolve()
    if source.is_relative_to(Path(config.output_dir).resolve()):
        return str(source)
    if not spare:
        spare.append(Path(tempfile.mkdtemp(prefix="music_visualizer_app_")))
    target = spare[0] / source.name
    shutil.copyfile(source, target)
    return str(target)


_PROMPT_FIELDS = tuple(f"prompt_{i}" for i in range(1, N_PROMPTS + 1))  # the prompt boxes' names


def build_app(*, output_dir: Path = Path("outputs"), settings_file: Path | None = None,
              model: str | None = None, device: str | None = None,
              cache_dir: Path | None = None, max_upload_mb: int = 200,
              caption: bool = True) -> Any:
    """The app as a ``gr.Blocks`` (not launched).

    ``settings_file`` and ``model`` set the fields' starting values; ``output_dir`` holds the
    runs (and the uploaded songs, kept for resume). The page is built section by section, top
    to bottom, into one dict of components by name (the settings fields by their settings
    name); then each button's event is wired from that dict.
    """
    import gradio as gr

    config = AppConfig(output_dir=Path(output_dir), settings_file=settings_file, model=model,
                       device=device, cache_dir=cache_dir, max_upload_mb=max_upload_mb,
                       caption=caption)
    base = config.base_settings()  # a bad settings file fails here, before the app starts
    start = settings_fields(base)
    board = RenderBoard()
    models = ModelCache()
    spare: list[Path] = []  # this app's temp folder for files outside the output folder

    with gr.Blocks(title="Music Visualizer", analytics_enabled=False) as app:
        page = {**_song_section(), **_prompts_section(base.negative_prompt),
                **_lyrics_section(start), **_settings_section(start), **_resume_section(),
                **_render_section()}
        _wire_produce(page, config)
        _wire_upload(page, config)
        _wire_preset(page, config)
        _wire_visualize(page, config, board, models, spare)
        _wire_stop(page, config, board)
        _wire_busy_line(page, config, board)
    app.music_visualizer_board = board  # for tests and the notebook: wait for/stop renders
    return app


# -- the page, section by section (each returns its components by name) ------------------------
# Markdown that shows user text has latex_delimiters=[]: no LaTeX from user text.

def _song_section() -> dict[str, Any]:
    """1. The title, the busy line, the link and the song, Produce Prompts, the message line."""
    import gradio as gr

    gr.Markdown("# Music Visualizer\nA Spotify link and the song in, a music video out: "
                "Stable Diffusion animation that follows the beats, energy and sections.")
    busy = gr.Markdown("", elem_id="mv-busy", latex_delimiters=[])
    with gr.Row():
        link = gr.Textbox(label="Spotify URL", scale=3,
                          placeholder="https://open.spotify.com/track/…")
        audio = gr.Audio(label="Audio file", type="filepath", sources=["upload"], scale=2)
    gr.Markdown("The link gives the title, artists, genres and cover; the audio file "
                "(optional, recommended) keeps the video in sync with the song.")
    produce = gr.Button("Produce Prompts", variant="secondary")
    message = gr.Markdown("", elem_id="mv-message", latex_delimiters=[])
    return {"busy": busy, "link": link, "audio": audio, "produce": produce, "message": message}


def _prompts_section(negative_prompt: str) -> dict[str, Any]:
    """2. The cover, the track card, the prompt boxes and the negative prompt."""
    import gradio as gr

    with gr.Row():
        cover = gr.Image(label="Cover", interactive=False, height=220, scale=1,
                         elem_id="mv-cover")
        card = gr.Markdown("*Paste a link or upload a song, then press Produce Prompts.*",
                           elem_id="mv-card", latex_delimiters=[])
    boxes = {name: gr.Textbox(label=f"Prompt {i}", lines=2)
             for i, name in enumerate(_PROMPT_FIELDS, 1)}
    negative = gr.Textbox(label="Negative prompt", value=negative_prompt)
    return {"cover": cover, "card": card, **boxes, "negative": negative}


#: The settings form's layout: rows of settings by name. Each widget (its kind, label, info,
#: bounds, choices) comes from the setting's declaration (:mod:`music_visualizer.settings.model`);
#: a setting declared with a widget that no row names joins the last row of Advanced, so a new
#: setting reaches the form through its declaration alone.
MAIN_ROWS: tuple[tuple[str, ...], ...] = (("duration", "start", "fps"),
                                          ("width", "height", "preset", "mode"))
ADVANCED_ROWS: tuple[tuple[str, ...], ...] = (
    ("model", "renderer"),
    ("steps", "cfg_scale", "seed", "scheduler"),
    ("seed_behavior", "color_coherence", "border", "section_strength", "section_transition",
     "section_overlap"),
    ("diffusion_cadence", "noise_type", "prompt_blend", "tiny_vae", "compile"),
    ("walk_smoothing", "gan_model", "classes", "truncation", "pitch_sensitivity",
     "tempo_sensitivity"),
    ("interpolate", "interpolation_engine", "interpolation_model", "upscale", "upscale_model"),
    ("beat_tracker", "keep_frames"),
)
#: The settings beside the Lyrics box.
LYRICS_ROWS: tuple[tuple[str, ...], ...] = (
    ("captions", "lyrics_prompts", "lyrics_model"),
    ("caption_font", "caption_position", "caption_size", "caption_outline"),  # the captions' look
)
_GRADIO_WIDGETS = {"number": "Number", "slider": "Slider", "dropdown": "Dropdown",
                   "radio": "Radio", "text": "Textbox", "checkbox": "Checkbox"}


def setting_widget(name: str, value: Any) -> Any:
    """The Gradio component of setting ``name`` on the form, as its declaration describes it."""
    import gradio as gr

    spec = field_specs()[name][1]
    kwargs: dict[str, Any] = {"label": name, **spec.app, "value": value}
    if name == "preset":
        kwargs["choices"] = [NO_PRESET, *preset_names()]
    elif spec.widget in ("dropdown", "radio") and "choices" not in kwargs:
        kwargs["choices"] = list(spec.choices)
    return getattr(gr, _GRADIO_WIDGETS[spec.widget])(**kwargs)


def _advanced_rows() -> tuple[tuple[str, ...], ...]:
    """ADVANCED_ROWS, with the form's other non-schedule settings appended to its last row."""
    placed = {name for row in (*MAIN_ROWS, *LYRICS_ROWS, *ADVANCED_ROWS) for name in row}
    rest = tuple(name for name in FORM_FIELDS
                 if name not in placed and name not in SCHEDULE_FIELDS)
    return (*ADVANCED_ROWS[:-1], ADVANCED_ROWS[-1] + rest)


def _rows(rows: tuple[tuple[str, ...], ...], start: Mapping[str, Any]) -> dict[str, Any]:
    import gradio as gr

    out = {}
    for row in rows:
        with gr.Row():
            out.update({name: setting_widget(name, start[name]) for name in row})
    return out


LYRICS_INFO = ("LRC lines, [mm:ss.xx] the words. Produce Prompts fills it from an .lrc next to "
               "the song or its tags; paste or edit lines here. Empty: the song's own lyrics. "
               "Used for the captions and the prompts from the lyrics, saved with the run.")
KEYFRAMES_INFO = ("With 'Prompts from the lyrics': a prompt per lyric line, [mm:ss.xx] prompt, "
                  "made from each line's words and the prompt boxes above (the style of each "
                  "part). Edit them and they are used as they are; left as made (or cleared), "
                  "they follow the Lyrics box when you press Visualize.")


def _lyrics_section(start: Mapping[str, Any]) -> dict[str, Any]:
    """2b. The Lyrics and Lyric prompts boxes, where the lyrics came from, the captions and
    "Prompts from the lyrics"."""
    import gradio as gr

    with gr.Accordion("Lyrics", open=True, elem_id="mv-lyrics-section"):
        with gr.Row():
            lyrics = gr.Textbox(label="Lyrics", lines=8, max_lines=40, info=LYRICS_INFO,
                                placeholder="[00:12.34] the first line\n[00:16.80] the next",
                                elem_id="mv-lyrics")
            keyframes = gr.Textbox(label="Lyric prompts", lines=8, max_lines=40,
                                   info=KEYFRAMES_INFO, elem_id="mv-lyric-prompts")
        status = gr.Markdown("", elem_id="mv-lyrics-status", latex_delimiters=[])
        fields = _rows(LYRICS_ROWS, start)
    return {"lyrics": lyrics, "lyric_keyframes": keyframes, "lyrics_status": status,
            "made_keyframes": gr.State(""), **fields}


def _settings_section(start: Mapping[str, Any]) -> dict[str, Any]:
    """3. The video's settings: the fields named as in FORM_FIELDS, and "from_cover"."""
    import gradio as gr

    main = _rows(MAIN_ROWS, {**start, "duration": None})
    from_cover = gr.Checkbox(label="Start from the album cover", value=False)
    with gr.Accordion("Advanced", open=False):
        advanced = _rows(_advanced_rows(), start)
        gr.Markdown("Keyframe schedules in Deforum syntax; audio features are variables, "
                    "e.g. `0:(1 + 0.04*drums**2)`.")
        schedules = {name: setting_widget(name, start[name]) for name in SCHEDULE_FIELDS}
    return {**main, "from_cover": from_cover, **advanced, **schedules}


def _resume_section() -> dict[str, Any]:
    """4. Resume: the checkbox and this song's runs."""
    import gradio as gr

    with gr.Row():
        resume = gr.Checkbox(label="Resume", value=False,
                             info="continue a stopped or interrupted run")
        timestring = gr.Dropdown(label="Timestring", choices=[], value=None,
                                 allow_custom_value=True,
                                 info="this song's runs; or type a timestring")
    return {"resume": resume, "timestring": timestring}


def _render_section() -> dict[str, Any]:
    """5. Visualize and Stop, the progress, the live frame, the video, the plot, the timer."""
    import gradio as gr

    with gr.Row():
        visualize = gr.Button("Visualize", variant="primary", scale=3)
        stop = gr.Button("Stop", variant="stop", scale=1)
    status = gr.Markdown("", elem_id="mv-status", latex_delimiters=[])
    progress = gr.HTML("", elem_id="mv-progress")
    with gr.Row():
        live = gr.Image(label="Latest frame", interactive=False, height=320)
        video = gr.Video(label="Video", interactive=False, height=320)
    download = gr.File(label="Download video", interactive=False, height=90)
    gr.Markdown("**The song and the motion it drives** (beats, sections, zoom, strength)")
    plot = gr.Image(label="Analysis and motion", show_label=False, interactive=False,
                    elem_id="mv-plot")
    return {"visualize": visualize, "stop": stop, "status": status, "progress": progress,
            "live": live, "video": video, "download": download, "plot": plot,
            "job_id": gr.State(None), "timer": gr.Timer(2.0)}


# -- the events (each handler gets the fields' values by name) ---------------------------------

def _pick(page: Mapping[str, Any], names: Sequence[str]) -> list[Any]:
    """The components called ``names``, in that order (an event's inputs or outputs)."""
    return [page[name] for name in names]


def _by_name(names: Sequence[str], fn: Callable[[dict[str, Any]], Any]) -> Callable[..., Any]:
    """A handler for inputs ``names`` that hands ``fn`` their values as one dict by name."""

    def handler(*values: Any) -> Any:
        return fn(dict(zip(names, values, strict=True)))

    return handler


def _preset_or_none(name: str | None) -> str | None:
    return None if name == NO_PRESET else name


_PRODUCE_INPUTS = ("link", "audio", "preset", "lyrics_prompts", "lyrics")
_PRODUCE_OUTPUTS = ("cover", "card", *_PROMPT_FIELDS, "negative", "duration", "start", "plot",
                   "timestring", "lyrics", "lyric_keyframes", "made_keyframes", "lyrics_status",
                   "message")


def _wire_produce(page: Mapping[str, Any], config: AppConfig) -> None:
    """Produce Prompts: the cover, card, prompts, duration, plot, the song's runs and its
    lyrics (and, with "Prompts from the lyrics", a prompt per lyric line)."""
    import gradio as gr

    def on_produce(values: dict[str, Any]) -> tuple:
        result = produce_prompts(config, values["link"], values["audio"],
                                 preset=_preset_or_none(values["preset"]),
                                 lyrics_prompts=bool(values["lyrics_prompts"]),
                                 pasted_lyrics=values["lyrics"] or "")
        for warning in result.warnings:
            _warn(warning, config)
        boxes = result.lyrics
        return (image_array(result.cover), result.card, *result.prompts,
                result.negative_prompt,
                result.duration, 0, result.plot,
                gr.update(choices=result.runs, value=None), boxes.lyrics, boxes.keyframes,
                boxes.keyframes, markdown_text(_public(boxes.status, config)), "")

    page["produce"].click(
        _safe(_by_name(_PRODUCE_INPUTS, on_produce), len(_PRODUCE_OUTPUTS), config),
        _pick(page, _PRODUCE_INPUTS), _pick(page, _PRODUCE_OUTPUTS),
        concurrency_limit=2, concurrency_id="prompts")


def _wire_upload(page: Mapping[str, Any], config: AppConfig) -> None:
    """A new song: its runs in the Timestring menu."""
    import gradio as gr

    def on_audio(audio_path: str | None) -> tuple:
        stored = store_upload(audio_path, config)
        return gr.update(choices=run_choices(config.output_dir, stored)), ""

    page["audio"].change(_safe(on_audio, 2, config), [page["audio"]],
                         _pick(page, ("timestring", "message")), show_progress="hidden")


def _wire_preset(page: Mapping[str, Any], config: AppConfig) -> None:
    """A preset fills in its schedules, so what is shown is what renders."""

    def on_preset(preset_name: str) -> tuple:
        values = settings_fields(config.base_settings(_preset_or_none(preset_name)))
        return (*[values[name] for name in SCHEDULE_FIELDS], "")

    outputs = _pick(page, (*SCHEDULE_FIELDS, "message"))
    page["preset"].change(_safe(on_preset, len(outputs), config), [page["preset"]], outputs,
                          show_progress="hidden")


_VISUALIZE_INPUTS = ("link", "audio", "resume", "timestring", "from_cover", "negative",
                    "lyrics", "lyric_keyframes", "made_keyframes", *_PROMPT_FIELDS, *FORM_FIELDS)
_VISUALIZE_OUTPUTS = ("job_id", "status", "live", "video", "download", "message")
_FOLLOW_OUTPUTS = ("status", "progress", "live", "video", "download", "plot", "timestring",
                  "message")


def _wire_visualize(page: Mapping[str, Any], config: AppConfig, board: RenderBoard,
                    models: ModelCache, spare: list[Path]) -> None:
    """Visualize: check everything, start the render, then follow it."""

    def on_visualize(values: dict[str, Any]) -> tuple:
        import gradio as gr

        overrides = field_overrides(values, [values[name] for name in _PROMPT_FIELDS],
                                    values["negative"], from_cover=values["from_cover"])
        keyframes = values["lyric_keyframes"] if values["lyrics_prompts"] else ""
        lyrics = None if values["resume"] else given_lyrics(  # a bad line: a message, no render
            values["lyrics"], keyframes, values["made_keyframes"])
        job, warnings = start_render(board, config, link=values["link"], audio=values["audio"],
                                     overrides=overrides, resume=values["resume"],
                                     timestring=values["timestring"], models=models,
                                     lyrics=lyrics)
        for warning in warnings:
            _warn(warning, config)
        return (job.job_id, _status_line(job.status(), config), None,
                gr.update(value=None, label="Video"), None, "")

    page["visualize"].click(
        _safe(_by_name(_VISUALIZE_INPUTS, on_visualize), len(_VISUALIZE_OUTPUTS), config,
              on_error={0: None}),
        _pick(page, _VISUALIZE_INPUTS), _pick(page, _VISUALIZE_OUTPUTS),
        concurrency_limit=1, concurrency_id="start",
    ).then(_safe(_follower(board, config, spare), len(_FOLLOW_OUTPUTS), config),
           _pick(page, ("job_id", "audio")), _pick(page, _FOLLOW_OUTPUTS),
           show_progress="hidden", concurrency_limit=None)


def _wire_stop(page: Mapping[str, Any], config: AppConfig, board: RenderBoard) -> None:
    """Stop: the render stops after the current frame."""

    def on_stop() -> str:
        job = board.stop()
        if job is None:
            return "Nothing is rendering."
        return "Stopping after the current frame … the run stays resumable."

    page["stop"].click(_safe(on_stop, 1, config), None, [page["status"]], queue=False,
                       show_progress="hidden")


def _wire_busy_line(page: Mapping[str, Any], config: AppConfig, board: RenderBoard) -> None:
    """Every page, every tick of the timer: is someone else's render running?"""

    def on_tick(own: int | None) -> str:
        running = board.running()
        if running is None:
            return ""
        status_now = running.status()
        if own is not None and running.job_id == own:
            return ""
        return (f"A render is running: {markdown_text(_public(status_now.label, config))} — "
                f"frame {status_now.done} of {status_now.total}. New renders can start "
                "when it finishes.")

    page["timer"].tick(_safe(on_tick, 1, config), [page["job_id"]], [page["busy"]],
                       show_progress="hidden", queue=False)


def _progress_html(done: int, total: int) -> str:
    if total <= 0:
        return ""
    return (f'<progress value="{done}" max="{total}" style="width:100%;height:14px">'
            f"{done}/{total}</progress>")


def _status_line(status: Any, config: AppConfig) -> str:
    """The progress line, with the run's name and errors fit for the page."""
    if status is None:
        return ""
    problem = getattr(status.result, "problem", None)
    result = dataclasses.replace(status.result, problem=_public(problem, config)) \
        if problem else status.result
    return describe_status(dataclasses.replace(
        status, label=_public(status.label, config), result=result,
        error=_public(status.error, config) if status.error else None))


def _result_video(result: Any) -> Path | None:
    """The video a finished job shows: the run's MP4, or a stopped run's partial video."""
    if result is None:
        return None
    partial = getattr(result, "partial", None)
    return result.video or (partial.path if partial is not None else None)


def _new_segment(status: Any, shown: Path | None, config: AppConfig, spare: list[Path]
                 ) -> tuple[Path | None, Any]:
    """(the newest finished segment, the video update showing it, or a skip when it is the
    one shown already or there is none)."""
    import gradio as gr

    from ..runs.partial import latest_segment

    segment = latest_segment(*status.run) if status.run is not None else None
    if segment is None or segment == shown:
        return shown, gr.skip()
    return segment, gr.update(value=_served_file(segment, config, spare),
                              label=f"Latest finished segment ({segment.name}, no sound)")


def _follower(board: RenderBoard, config: AppConfig, spare: list[Path]
              ) -> Callable[[int | None, str | None], Iterator[tuple]]:
    """A generator handler streaming a job's progress, live frame and latest finished segment
    (a ``keep_frames: none`` run), and at the end its video (a stopped run's partial video) and
    the run's plot."""

    def follow(job_ref: int | None, audio_path: str | None) -> Iterator[tuple]:
        import gradio as gr

        job = board.job(job_ref)
        if job is None:  # the start failed: leave the page (and its message) as it is
            yield (gr.skip(),) * 8
            return
        sent_index, sent_at = -1, 0.0
        segment, segment_at = None, 0.0
        while True:
            status = job.status()
            now = time.monotonic()
            frame, clip = gr.skip(), gr.skip()
            if status.latest_index != sent_index and now - sent_at >= LIVE_FRAME_EVERY_S:
                frame = frame_image(status.latest)
                sent_index, sent_at = status.latest_index, now
            if status.finished:
                break
            if now - segment_at >= SEGMENT_EVERY_S:
                segment, clip = _new_segment(status, segment, config, spare)
                segment_at = now
            yield (_status_line(status, config), _progress_html(status.done, status.total),
                   frame, clip, gr.skip(), gr.skip(), gr.skip(), gr.skip())
            time.sleep(POLL_S)
        yield _finished(status, sent_index, audio_path, config, spare)

    return follow


def _finished(status: Any, sent_index: int, audio_path: str | None, config: AppConfig,
              spare: list[Path]) -> tuple:
    """The follower's last update: status, frame, video (or partial video), plot, runs."""
    import gradio as gr

    result = status.result
    video_file = _served_file(_result_video(result), config, spare)
    partial = getattr(result, "partial", None) is not None and result.video is None
    plot_image = None
    if result is not None:
        plot_image = image_array(Path(result.folder) / f"{result.timestring}_plot.png",
                                 max_side=2048)
    try:
        runs = run_choices(config.output_dir, store_upload(audio_path, config))
    except UserError:
        runs = []
    last = frame_image(status.latest) if status.latest_index != sent_index else gr.skip()
    ts_update = gr.update(choices=runs,
                          value=result.timestring if result is not None else gr.skip())
    video = gr.update(value=video_file, label="Partial video (so far)" if partial else "Video")
    return (_status_line(status, config), _progress_html(status.done, status.total), last,
            video, video_file, gr.skip() if plot_image is None else plot_image,
            ts_update, _message(status.error or "", config))


SHARE_HINT = ("* To share the app with a public link, start it with --share --auth USER:PASS "
              "(python -m music_visualizer ui --share --auth USER:PASS).")


def _no_startup_probe(launch_fn: Callable[..., Any]) -> dict[str, Any]:
    """The option that skips Gradio's own check that localhost answers (one 3 s request; on a
    busy machine it fails and Gradio refuses to start without a share link). In Gradio 6.x it
    is ``launch(_frontend=False)``, which changes nothing else; callers who need to know the
    server answers poll it themselves."""
    return {"_frontend": False} if "_frontend" in inspect.signature(launch_fn).parameters else {}


def launch(app: Any, *, output_dir: Path, port: int | None = None, share: bool = False,
           auth: tuple[str, str] | None = None, debug: bool = False, block: bool = True,
           server_name: str | None = None, max_upload_mb: int = 200) -> str:
    """Serve the app; return its local URL.

    Sharing (a public link) requires a login. Only files in ``output_dir`` (and Gradio's own
    upload cache) are served. With ``block`` False the server runs in a thread; ``app.close()``
    stops it. With ``block`` the local URL and how to share are printed (the project's flags,
    not Gradio's ``share=True`` hint), then it serves until Ctrl+C.
    """
    if share and auth is None:
        raise UserError(f"A shared app is public: give a login with --auth USER:PASS or the "
                        f"{AUTH_ENV} environment variable.")
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    app.queue(default_concurrency_limit=1, max_size=32)
    _, local_url, share_url = app.launch(
        server_name=server_name or "127.0.0.1", server_port=port, share=share, auth=auth,
        auth_message="Music Visualizer: log in with the name and password you were given.",
        debug=debug, prevent_thread_lock=True, allowed_paths=[str(output_dir.resolve())],
        max_file_size=f"{max_upload_mb}mb", show_error=False, ssr_mode=False,
        quiet=True, footer_links=[], pwa=False, css=_CSS, **_no_startup_probe(app.launch))
    if share_url:
        log.info("public link: %s", share_url)
    if block and not debug:  # with debug, Gradio has served (and blocked) until stopped
        print(f"* Running on local URL:  {local_url}", flush=True)
        if not share:
            print(SHARE_HINT, flush=True)
        app.block_thread()
    return local_url
