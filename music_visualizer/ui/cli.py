"""The command line: ``python -m music_visualizer COMMAND ...``.

Commands: ``render`` (song -> frames -> MP4, or resume; ``--parallel sections``: its parts on
many workers), ``render-batch`` (many songs on Ray
workers, each its own run; the same command again continues them), ``video`` (rebuild a run's
MP4; of an unfinished run, a partial one), ``runs`` (list a song's runs and which can be
resumed; without ``--audio``, the batches), ``analyze`` (beats, sections, features, plot),
``keyframes`` (an audio-reactive expression as
a plain Deforum keyframe string), ``export-deforum`` (a Deforum settings file from a run),
``lyrics`` (a song's timed lyrics and where they came from).
``--settings`` also takes a Deforum settings file; what did not map is printed to stderr.

Exit codes: 0 success; 2 a user mistake (one clear line on stderr, no traceback); 1 a bug;
130 interrupted (the run stays resumable). Heavy libraries load only when a command needs them.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import traceback
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .. import __version__
from ..errors import UserError
from ..lyrics.captions import CaptionsWarning
from ..lyrics.recognize import DEFAULT_MODEL as DEFAULT_LYRICS_MODEL
from ..settings import Settings, Spec, field_specs, resolve_settings
from ..settings.schedules import ScheduleWarning
from .text import rate_text, track_card

__all__ = ["add_setting_flag", "build_parser", "main", "setting_flags"]

DEFAULT_OUTPUT = Path("outputs")


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


#: The render command's argument groups of settings, by key (see :func:`_flag_group`).
_RENDER_GROUPS = {
    "settings": "settings (override the settings file)",
    "walk": "walk mode (--mode walk; intervals come from the settings file, else one per "
            "section)",
    "gan": "gan mode (--mode gan; the Deep Music Visualizer's options, same meaning)",
    "finishing": "finishing (at encode time: more frames per second, larger pictures)",
    "schedules": "keyframe schedules (Deforum syntax; audio features are variables, e.g. "
                 "\"0:(1 + 0.05*beat**2)\")",
}
#: Settings the analyze and keyframes commands take too.
_TRACKER_SETTINGS = ("beat_tracker", "beat_this_checkpoint")


def _flag_group(kind: str, spec: Spec) -> str:
    """Which of :data:`_RENDER_GROUPS` a setting's flag is listed in."""
    if kind == "schedule":
        return "schedules"
    return spec.group if spec.group in ("walk", "gan", "finishing") else "settings"


def _shown(value: Any) -> str | None:
    """A default as the help shows it (None: not shown)."""
    if value is None or value == "" or value is False or value == []:
        return None
    return f"{value:g}" if isinstance(value, float) else str(value)


def add_setting_flag(parser: Any, name: str) -> None:
    """The flag of setting ``name``, from its declaration: type, choices, metavar, help with
    the default."""
    kind, spec = field_specs()[name]
    default = _shown(getattr(Settings(), name))
    text = spec.help + (f" (default: {default})" if default is not None else "")
    kwargs: dict[str, Any] = {"help": text.replace("%", "%%")}
    base = kind.removeprefix("optional ")
    if base == "bool":
        kwargs.update(action="store_true", default=None)
    else:
        kwargs["metavar"] = spec.metavar or ("SCHEDULE" if base == "schedule" else None)
    if base in ("int", "float"):
        kwargs["type"] = int if base == "int" else float
    if base == "choice" and spec.flag_choices:
        kwargs["choices"] = list(spec.choices)
    if spec.nargs:
        kwargs.update(nargs=spec.nargs, type=spec.flag_type)
    parser.add_argument(spec.flag or _flag(name), **kwargs)


def setting_flags() -> tuple[str, ...]:
    """The settings that have a flag (their ``dest``), plus the prompts (``--prompt``)."""
    return ("prompts", *(name for name, (_, spec) in field_specs().items()
                         if spec.flag is not None))


def _add_render(commands: Any) -> None:
    render = commands.add_parser(
        "render", help="render a song to frames and an MP4 (or resume a run)",
        description="Render a song to frames and an MP4. Settings come from the defaults, then "
                    "--settings FILE, then the flags.")
    render.add_argument("link", nargs="?", metavar="SPOTIFY_URL",
                        help="a Spotify track link (metadata, cover, default prompts)")
    render.add_argument("--audio", type=Path, metavar="SONG",
                        help="the song (mp3, wav, ogg, flac, m4a); without it, spotdl downloads "
                             "the linked track")
    render.add_argument("--prompt", action="append", metavar="TEXT", dest="prompts",
                        help="a prompt; repeat for several (spread over the song)")
    render.add_argument("--settings", type=Path, metavar="FILE",
                        help="YAML or JSON settings, or a Deforum *_settings.txt")
    render.add_argument("--output-dir", type=Path, default=DEFAULT_OUTPUT, metavar="DIR",
                        help="root of the run folders (default: outputs)")
    render.add_argument("--resume", metavar="TIMESTRING",
                        help="continue the run with this timestring from its first missing frame")
    render.add_argument("--no-video", action="store_true", help="render frames only")
    render.add_argument("--song-name", help="name of the song's folder (default: title tag)")
    render.add_argument("--device", help="torch device (default: cuda, mps, else cpu)")
    _add_parallel(render)
    _add_setting_flags(render)


def _add_parallel(render: Any) -> None:
    """``render``'s options for one song on many workers (``--parallel sections``)."""
    group = render.add_argument_group("one song on many workers (Ray)")
    group.add_argument("--parallel", choices=("sections",),
                       help="sections: render the song's sections side by side on --workers, "
                            "cross-faded where they meet (section_overlap)")
    _add_ray_options(group, when="with --parallel: ")


def _add_ray_options(parser: Any, *, when: str = "") -> None:
    """``--workers``, ``--ray-address`` and ``--storage`` (``when``: what they need first)."""
    parser.add_argument("--workers", type=int, metavar="N",
                        help=f"{when}workers (default: one per GPU, else one per CPU)")
    parser.add_argument("--ray-address", metavar="ADDR",
                        help=f"{when}a Ray cluster (HOST:PORT, ray://HOST:10001 or auto; "
                             "default: a local Ray)")
    parser.add_argument("--storage", choices=("auto", "shared", "object-store"), default="auto",
                        help=f"{when}how frames get to --output-dir: a folder every worker sees, "
                             "or sent back through Ray (default auto: shared when the workers "
                             "see it)")


def _add_setting_flags(parser: Any) -> None:
    """A flag for every declared setting that has one, in ``_RENDER_GROUPS``' groups."""
    groups = {key: parser.add_argument_group(title) for key, title in _RENDER_GROUPS.items()}
    for name, (kind, spec) in field_specs().items():
        if spec.flag is not None:
            add_setting_flag(groups[_flag_group(kind, spec)], name)


def _add_render_batch(commands: Any) -> None:
    batch = commands.add_parser(
        "render-batch", help="render many songs on Ray workers, each its own run",
        description="Render many songs, each its own run (same folders, settings and resume "
                    "as render), on Ray workers: a local Ray, or a cluster with --ray-address. "
                    "Running the same command again continues every song where it stopped.")
    batch.add_argument("sources", nargs="+", metavar="SOURCE",
                       help="audio files, folders of them, a text file with one song or "
                            "Spotify link (plus optional --audio PATH) per line, Spotify "
                            "track, album or playlist links")
    _add_ray_options(batch)
    batch.add_argument("--prompt", action="append", metavar="TEXT", dest="prompts",
                       help="a prompt; repeat for several (default: each track's own)")
    batch.add_argument("--settings", type=Path, metavar="FILE",
                       help="YAML or JSON settings, or a Deforum *_settings.txt")
    batch.add_argument("--output-dir", type=Path, default=DEFAULT_OUTPUT, metavar="DIR",
                       help="root of the run folders (default: outputs)")
    batch.add_argument("--no-video", action="store_true", help="render frames only")
    batch.add_argument("--device", help="torch device (default: cuda, mps, else cpu)")
    _add_setting_flags(batch)


def _finishing_names() -> tuple[str, ...]:
    """The settings of the finishing group (the ``video`` command's flags)."""
    return tuple(name for name, (_, spec) in field_specs().items() if spec.group == "finishing")


def _add_video_and_prompts(commands: Any) -> None:
    video = commands.add_parser(
        "video", help="(re)build a run's MP4 from its frames; of an unfinished run, "
                      "<timestring>_partial.mp4 from the frames so far")
    video.add_argument("run_dir", type=Path, metavar="RUN_DIR")
    video.add_argument("--timestring", required=True)
    video.add_argument("--audio", type=Path, help="the song, if it moved since the render")
    finishing = video.add_argument_group(
        "finishing", "interpolate and upscale this video (default: as the run was rendered; "
                     "its frames and settings file stay as they are)")
    for name in _finishing_names():
        add_setting_flag(finishing, name)

    prompts = commands.add_parser(
        "prompts", help="a track card and five default prompts from a link and/or a file",
        description="Five default prompts from the cover, its colours, the genres, title and "
                    "album, and (given the audio) the mood of the music. Never downloads audio.")
    prompts.add_argument("link", nargs="?", metavar="SPOTIFY_URL")
    prompts.add_argument("--audio", type=Path, metavar="FILE")
    prompts.add_argument("--json", type=Path, metavar="OUT.json")
    prompts.add_argument("--no-caption", action="store_true",
                         help="don't caption the cover with an image-to-text model")


def _add_analyze_and_keyframes(commands: Any) -> None:
    analyze = commands.add_parser(
        "analyze", help="analyse a song: tempo, beats, downbeats, key, sections, features",
        description="Analyse a song. Writes JSON (and the feature curves as .npz beside it) "
                    "and, with --plot, a PNG of the song and the motion it drives.")
    analyze.add_argument("song", type=Path, metavar="SONG")
    analyze.add_argument("--json", type=Path, metavar="OUT.json", help="write the analysis here")
    analyze.add_argument("--fps", type=float, help="frame rate of the feature curves "
                                                   "(default: the analysis rate, ~43 per second)")
    analyze.add_argument("--plot", type=Path, metavar="OUT.png",
                         help="waveform, beats and sections, and the motion curves")
    analyze.add_argument("--settings", type=Path, metavar="FILE",
                         help="plot the motion of these settings")
    analyze.add_argument("--preset", metavar="NAME", help="plot the motion of this preset")
    analyze.add_argument("--no-cache", action="store_true", help="analyse again, ignore the cache")
    for name in _TRACKER_SETTINGS:
        add_setting_flag(analyze, name)

    keyframes = commands.add_parser(
        "keyframes", help="an expression of the music as a plain Deforum keyframe string",
        description="Evaluate a schedule expression (e.g. \"1 + 0.05*beat**2\") at every frame "
                    "and print it as a Deforum keyframe string for Deforum/A1111.")
    keyframes.add_argument("song", type=Path, metavar="SONG")
    keyframes.add_argument("--expr", required=True, metavar="EXPR",
                           help="an expression or a keyframe schedule")
    keyframes.add_argument("--fps", type=float, default=15.0, help="frame rate (default 15)")
    keyframes.add_argument("--start", type=float, default=0.0, metavar="SEC")
    keyframes.add_argument("--duration", type=float, metavar="SEC")
    keyframes.add_argument("--decimals", type=int, default=4)
    keyframes.add_argument("--no-cache", action="store_true")
    for name in _TRACKER_SETTINGS:
        add_setting_flag(keyframes, name)


def _add_ui(commands: Any) -> None:
    ui = commands.add_parser(
        "ui", help="open the app in the browser (Gradio)",
        description="Serve the app: paste a link, upload the song, edit the prompts, "
                    "Visualize. Sharing needs a login (--auth or MUSIC_VISUALIZER_AUTH).")
    ui.add_argument("--port", type=int, metavar="N", help="port (default: 7860 or the next free)")
    ui.add_argument("--host", default="127.0.0.1",
                    help="address to listen on (default 127.0.0.1; 0.0.0.0 for the network)")
    ui.add_argument("--share", action="store_true",
                    help="a public gradio.live link (needs a login)")
    ui.add_argument("--auth", metavar="USER:PASS", help="require this login")
    ui.add_argument("--model", metavar="ID_OR_PATH", help="the model the app starts with")
    ui.add_argument("--settings", type=Path, metavar="FILE", help="starting settings")
    ui.add_argument("--output-dir", type=Path, default=DEFAULT_OUTPUT, metavar="DIR",
                    help="root of the run folders (default: outputs)")
    ui.add_argument("--device", help="torch device (default: cuda, mps, else cpu)")
    ui.add_argument("--max-upload-mb", type=int, default=200, metavar="MB",
                    help="largest song that can be uploaded (default 200)")


def _add_export_and_runs(commands: Any) -> None:
    export = commands.add_parser(
        "export-deforum", help="write a Deforum (A1111) settings file from a run",
        description="Write <RUN_DIR>/<TIMESTRING>_deforum_settings.txt: the run's per-frame "
                    "motion as plain keyframe strings, its prompts, size, fps, seed and sampler, "
                    "for the Deforum extension of the A1111 web UI.")
    export.add_argument("run_dir", type=Path, metavar="RUN_DIR")
    export.add_argument("--timestring", required=True)
    export.add_argument("--out", type=Path, metavar="FILE",
                        help="write here (default: <RUN_DIR>/<TIMESTRING>_deforum_settings.txt)")

    runs = commands.add_parser(
        "runs", help="list a song's runs and which can be resumed (without --audio: the "
                     "batches of render-batch)")
    runs.add_argument("--audio", type=Path, metavar="SONG")
    runs.add_argument("--song-name")
    runs.add_argument("--output-dir", type=Path, default=DEFAULT_OUTPUT, metavar="DIR")


def _add_lyrics(commands: Any) -> None:
    lyrics = commands.add_parser(
        "lyrics", help="a song's timed lyrics and where they came from",
        description="Print a song's timed lyrics ([mm:ss.xx] text) and their source: the file "
                    "given with --lyrics, else an .lrc file next to the song with the same "
                    "name, else synchronised lyrics in its tags (SYLT, SYNCEDLYRICS, LYRICS, "
                    "\u00a9lyr), else plain lyrics in its tags, timed by speech recognition "
                    "(--lyrics-model) or, without a model, by the voice's syllables; with no "
                    "lyrics anywhere, the song is transcribed by speech recognition.")
    lyrics.add_argument("song", type=Path, metavar="SONG")
    lyrics.add_argument("--lyrics", metavar="FILE|none",
                        help="an .lrc (or plain text, or lyrics --json) file; none: no lyrics")
    lyrics.add_argument("--lyrics-model", default=DEFAULT_LYRICS_MODEL, metavar="ID_OR_PATH|none",
                        help="the Whisper model (hub id or folder; downloaded when needed) that "
                             "times plain lyrics and transcribes a song without any; none: plain "
                             "lyrics are timed without a model, nothing is transcribed")
    lyrics.add_argument("--json", type=Path, metavar="OUT.json", help="write the lyrics as JSON")
    lyrics.add_argument("--lrc", type=Path, metavar="OUT.lrc", help="write the lyrics as LRC")


def build_parser() -> argparse.ArgumentParser:
    """The command line's parser: one sub-parser per command; the settings' flags come from
    their declarations (:mod:`music_visualizer.settings.model`)."""
    parser = argparse.ArgumentParser(
        prog="python -m music_visualizer",
        description="AI music videos: Stable Diffusion animations that follow the song.",
    )
    parser.add_argument("--version", action="version", version=f"music_visualizer {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _add_render(commands)
    _add_render_batch(commands)
    _add_video_and_prompts(commands)
    _add_analyze_and_keyframes(commands)
    _add_ui(commands)
    _add_export_and_runs(commands)
    _add_lyrics(commands)
    return parser


def _tracker_args(args: argparse.Namespace) -> dict[str, Any]:
    """analyze_file's beat tracker arguments from the analyze/keyframes flags."""
    return {"beat_tracker": args.beat_tracker or "auto",
            "beat_this_checkpoint": args.beat_this_checkpoint}


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    return {name: getattr(args, name) for name in setting_flags()
            if getattr(args, name, None) is not None}


def _source(args: argparse.Namespace) -> tuple[str | None, Path | None]:
    """(link, audio): a positional that is an existing file counts as the audio."""
    link, audio = args.link, args.audio
    if link and audio is None and Path(link).is_file():
        return None, Path(link)
    return link, audio


def _check_song(path: Path | None, what: str = "--audio") -> None:
    """A song given on the command line exists and is not empty; else an AudioError saying
    what to give (the library's own message speaks of uploads, as in the app)."""
    from ..errors import AudioError

    if path is None:
        return
    if not path.is_file():
        kind = "is a folder" if path.is_dir() else "does not exist"
        raise AudioError(f"Audio file '{path}' {kind}; check the path given as {what}.")
    if path.stat().st_size == 0:
        raise AudioError(f"Audio file '{path}' is empty (0 bytes); give the song's file as "
                         f"{what}.")


def _print_deforum_report(settings_file: Path | None) -> None:
    """On stderr: what a Deforum settings file given as --settings became (nothing for ours)."""
    if settings_file is None:
        return
    from ..settings import deforum_report

    for line in deforum_report(settings_file) or ():
        print(line, file=sys.stderr)


def _cmd_render(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from ..modes import mode_for
    from ..runs.job import make_renderer, prepare_run, render, request_from_inputs
    from ..runs.parts import check_parallel
    from .sections import in_parts, render_in_parts

    link, audio = _source(args)
    _check_song(audio)
    if (args.workers is not None or args.ray_address) and not args.parallel:
        raise UserError("--workers and --ray-address render one song's parts side by side: "
                        "add --parallel sections (or use render-batch for many songs).")
    if args.resume and args.settings:
        raise UserError("A resumed run keeps the settings it started with; leave out --settings "
                        "(or start a new run with it).")
    _print_deforum_report(args.settings)
    request, track, warnings = request_from_inputs(
        link=link, audio=audio, settings_file=args.settings, overrides=_overrides(args),
        output_dir=args.output_dir, resume=args.resume, make_video=not args.no_video,
        device=args.device)
    if args.song_name:
        request = replace(request, song_name=args.song_name)
    if args.parallel and not args.resume:
        check_parallel(request.settings)
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if link:
        print(f"Track: {track.display_name}")
    run = prepare_run(request)
    total = run.plan.n_frames
    verb = "Resuming" if run.resumed else "Rendering"
    print(f"{verb} run {run.timestring}: {total} frames at {run.settings.fps:g} fps, "
          f"{run.settings.width}x{run.settings.height}, "
          + mode_for(run.settings).summary(run.settings))
    for note in run.notes:  # which lyrics the prompts follow, or why not
        print(note)
    if args.parallel or in_parts(run):
        return render_in_parts(request, run, workers=args.workers, address=args.ray_address,
                               storage=args.storage, asked=bool(args.parallel))
    if run.resumed:  # a new run's folder is printed once it exists (see on_start)
        print(f"Run folder: {run.folder}")
        if run.damaged is not None:
            index, problem = run.damaged
            print(f"Frame {index} is damaged ({problem}); it and the frames after it are "
                  f"rendered again from frame {run.start_index}.")
        print(f"{run.start_index} of {total} frames already done.")
    renderer = None
    if run.start_index < total:
        model = mode_for(run.settings).model_to_load(run.settings)
        if model is not None:
            print(f"Loading model {model} ...", flush=True)
        renderer = make_renderer(run.settings, device=args.device,
                                 with_init_image=run.start_index == 0, gan=run.gan)

    bar = _progress(total, run.start_index)
    started = [run]  # render() may reserve a later timestring for a new run

    def on_start(final: Any) -> None:
        started.append(final)
        if not final.resumed:
            print(f"Run folder: {final.folder}", flush=True)

    try:
        result = render(request, prepared=run, renderer=renderer,
                        on_frame=lambda i, s: bar.update(1), on_start=on_start)
    except KeyboardInterrupt:
        bar.close()
        run = started[-1]
        print(f"\nStopped. Resume with: --resume {run.timestring}", file=sys.stderr)
        if len(started) > 1:  # the run has begun: its frames so far can be watched
            print(f"Watch what is rendered: python -m music_visualizer video "
                  f"{shlex.quote(str(run.folder))} --timestring {run.timestring}",
                  file=sys.stderr)
        return 130
    bar.close()
    print(f"Timestring: {result.timestring}")
    kept = ("" if run.settings.keep_frames == "all"
            else " (encoded in video segments; their PNGs deleted)")
    print(f"Frames: {result.n_frames} in {result.folder}{kept}")
    if result.video:
        print(f"Video: {result.video}")
    return 0


class ProgressLines:
    """Render progress for logs (stderr not a terminal: Colab cells, CI, ``nohup``): a line
    after the first frame, then every ``every`` seconds, and one at the end, e.g.
    ``frame 120/480 (25%), 3.2 frames/s, ETA 1:52``. Has tqdm's ``update`` and ``close``."""

    def __init__(self, total: int, initial: int = 0, *, every: float = 5.0,
                 stream: Any = None, clock: Any = None) -> None:
        import time

        self.total, self.done, self.every = total, initial, every
        self.stream = stream if stream is not None else sys.stderr
        self.clock = clock or time.monotonic
        self.started = self.clock()
        self.initial = initial
        self.last: float | None = None  # when the last line was printed
        self.shown = initial  # the frame count it showed

    def update(self, n: int = 1) -> None:
        self.done += n
        now = self.clock()
        if self.last is None or now - self.last >= self.every:
            self._print(now)

    def close(self) -> None:
        if self.done > self.initial and self.shown != self.done:
            self._print(self.clock())

    def _print(self, now: float) -> None:
        self.last, self.shown = now, self.done
        print(progress_line(self.done, self.total, self.done - self.initial, now - self.started),
              file=self.stream, flush=True)


def progress_line(done: int, total: int, rendered: int, seconds: float) -> str:
    """``frame 120/480 (25%), 3.2 frames/s, ETA 1:52`` (``rendered`` frames in ``seconds``);
    the last frame's line says ``done in 2:30`` instead of the ETA."""
    percent = 100 * done // max(total, 1)
    line = f"frame {done}/{total} ({percent}%)"
    if rendered > 0 and seconds > 0:
        rate = rendered / seconds
        if done >= total:
            return line + f", {rate_text(rate)} frames/s, done in {_clock_time(seconds)}"
        line += f", {rate_text(rate)} frames/s, ETA {_clock_time((total - done) / rate)}"
    return line


def _clock_time(seconds: float) -> str:
    """``1:52`` or ``2:03:07``."""
    s = round(seconds)
    if s >= 3600:
        return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"
    return f"{s // 60}:{s % 60:02d}"


def _progress(total: int, initial: int) -> Any:
    """A tqdm bar on a terminal, else :class:`ProgressLines` (a bar writes nothing to a log)."""
    if not sys.stderr.isatty():
        return ProgressLines(total, initial)
    from tqdm import tqdm

    return tqdm(total=total, initial=initial, unit="frame", dynamic_ncols=True)


def _cmd_video(args: argparse.Namespace) -> int:
    from ..runs.job import build_video
    from ..runs.partial import build_partial, run_is_finished
    from ..runs.record import load_run_record
    from ..runs.store import check_timestring

    _check_song(args.audio)
    ts = check_timestring(args.timestring)
    record = load_run_record(args.run_dir, ts)
    if run_is_finished(args.run_dir, ts, record.n_frames):
        finishing = {name: getattr(args, name) for name in _finishing_names()
                     if getattr(args, name, None) is not None}
        path = build_video(args.run_dir, ts, audio=args.audio, finishing=finishing)
        print(f"Video: {path}")
        return 0
    partial = build_partial(args.run_dir, ts, audio=args.audio)
    print(f"Run {ts} is not finished: the partial video has the first {partial.describe()}.")
    if partial.damaged is not None:
        print(f"Frame {partial.damaged} is damaged; resuming renders it again.")
    song = args.audio or record.song.audio
    root = Path(args.run_dir).resolve().parents[1]
    where = "" if root == Path("outputs").resolve() else f" --output-dir {shlex.quote(str(root))}"
    print(f"Resume it with: python -m music_visualizer render --audio "
          f"{shlex.quote(str(song))} --resume {ts}{where} (the full video is built at the end).")
    print(f"Partial video: {partial.path}")
    return 0


def _cmd_prompts(args: argparse.Namespace) -> int:
    import json

    from ..audio.analysis import analyze_file
    from ..runs.job import track_prompts
    from ..sources.resolve import resolve_track

    link, audio = _source(args)
    _check_song(audio)
    track, warnings = resolve_track(link, audio, download=False)
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    analysis = analyze_file(audio) if audio is not None else None
    prompt_set = track_prompts(track, analysis=analysis, caption=not args.no_caption)
    print(track_card(track, analysis))
    print()
    for i, text in enumerate(prompt_set.prompts, 1):
        print(f"Prompt {i}: {text}")
    print(f"Negative prompt: {prompt_set.negative_prompt}")
    if args.json:
        data = {"track": track.to_dict(), "prompts": list(prompt_set.prompts),
                "negative_prompt": prompt_set.negative_prompt}
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n",
                             encoding="utf-8")
        print(f"Prompts: {args.json}")
    return 0


def _cmd_analyze(args: argparse.Namespace) -> int:
    from ..audio.analysis import analyze_file
    from ..audio.report import describe_analysis, write_analysis_json, write_plot

    _check_song(args.song, "SONG")
    analysis = analyze_file(args.song, use_cache=not args.no_cache, **_tracker_args(args))
    print(describe_analysis(analysis))
    if args.json:
        npz = write_analysis_json(analysis, args.json, fps=args.fps)
        print(f"Analysis: {args.json} (features: {npz})")
    if args.plot:
        settings = None
        if args.settings or args.preset:
            _print_deforum_report(args.settings)
            settings = resolve_settings(file=args.settings,
                                        overrides={"preset": args.preset} if args.preset else {})
        write_plot(analysis, args.plot, settings=settings, song=args.song.stem)
        print(f"Plot: {args.plot}")
    return 0


def _cmd_keyframes(args: argparse.Namespace) -> int:
    from ..audio.analysis import analyze_file
    from ..audio.report import keyframe_string

    _check_song(args.song, "SONG")
    analysis = analyze_file(args.song, use_cache=not args.no_cache, **_tracker_args(args))
    print(keyframe_string(analysis, args.expr, fps=args.fps, start=args.start,
                          duration=args.duration, decimals=args.decimals))
    return 0


def _cmd_export_deforum(args: argparse.Namespace) -> int:
    import json

    from ..errors import RunError
    from ..files import atomic_write_bytes
    from ..runs.store import check_timestring, read_run_record
    from ..settings.deforum import export_deforum

    timestring = check_timestring(args.timestring)
    if not args.run_dir.is_dir():
        raise RunError(f"Run folder '{args.run_dir}' does not exist; give the folder holding "
                       f"{timestring}_settings.json.")
    data = export_deforum(read_run_record(args.run_dir, timestring))
    out = args.out or args.run_dir / f"{timestring}_deforum_settings.txt"
    if out.is_dir():
        raise UserError(f"--out '{out}' is a folder; give a file name.")
    atomic_write_bytes(out, (json.dumps(data, indent=4, ensure_ascii=False) + "\n").encode())
    print(f"Deforum settings: {out}")
    return 0


def _cmd_render_batch(args: argparse.Namespace) -> int:
    from ..scale import require_ray
    from ..scale.batch import BatchRequest
    from .batch import run_batch

    if args.workers is not None and args.workers < 1:
        raise UserError(f"--workers {args.workers}: give at least 1 worker.")
    require_ray("render-batch" if args.workers is None else "--workers")
    _print_deforum_report(args.settings)
    return run_batch(BatchRequest(
        sources=tuple(args.sources), output_dir=args.output_dir, settings_file=args.settings,
        overrides=_overrides(args), make_video=not args.no_video, device=args.device,
        workers=args.workers, address=args.ray_address, storage=args.storage))


def _print_batches(output_dir: Path) -> int:
    """``runs`` without --audio: the batch records under ``output_dir``, songs live."""
    from ..runs.batch import list_batches
    from ..runs.store import list_runs

    batches = list_batches(output_dir)
    if not batches:
        print(f"No batches under '{output_dir}'; give --audio SONG to list a song's runs.")
    for batch in batches:
        print(batch.describe().splitlines()[0])
        for song in batch.songs:
            found = [r for r in list_runs(Path(song.folder)) if r.timestring == song.timestring]
            print(f"  {song.song}: " + (found[0].describe() if found else
                                        f"{song.timestring}  {song.state}"
                                        + (f": {song.error}" if song.error else "")))
    return 0


def _cmd_runs(args: argparse.Namespace) -> int:
    from ..audio.load import audio_hash, probe_audio
    from ..runs.job import song_name_for
    from ..runs.store import safe_name, song_runs
    from .sections import print_parts

    if args.audio is None:
        return _print_batches(args.output_dir)
    _check_song(args.audio)
    probe_audio(args.audio)
    runs = song_runs(args.output_dir, audio_hash(args.audio))
    if not runs:
        song = safe_name(song_name_for(args.audio, args.song_name))
        print(f"No runs of '{song}' under '{args.output_dir}'.")
    for run in runs:
        print(run.describe())
        print_parts(run.folder, run.timestring)
    return 0


def _cmd_lyrics(args: argparse.Namespace) -> int:
    from ..errors import LyricsError
    from ..files import atomic_write_bytes, atomic_write_json
    from ..lyrics import format_time, to_lrc
    from ..lyrics.timing import timed_lyrics

    _check_song(args.song, "SONG")
    for out in (args.json, args.lrc):
        if out is not None and out.is_dir():
            raise UserError(f"'{out}' is a folder; give a file name to write the lyrics to.")
    bar = _WindowProgress()
    try:
        search = timed_lyrics(args.song, lyrics=args.lyrics, model=args.lyrics_model,
                              download=True, progress=bar.update,
                              say=lambda text: print(text, file=sys.stderr, flush=True))
    finally:
        bar.close()
    for note in search.notes:
        print(f"note: {note}", file=sys.stderr)
    if search.off:
        print("Lyrics: off (--lyrics none).")
        return 0
    if search.lyrics is None:
        raise LyricsError(search.missing_message(args.song))
    lyrics = search.lyrics
    timing = "" if lyrics.timed else " - untimed: no words could be timed"
    count = f"{len(lyrics.lines)} line{'' if len(lyrics.lines) == 1 else 's'}"
    print(f"Lyrics: {count} from the {lyrics.source}{timing}")
    for line in lyrics.lines:
        stamp = "--:--.--" if line.start is None else format_time(line.start)
        print(f"[{stamp}] {line.text}")
    if args.json:
        atomic_write_json(args.json, lyrics.to_dict())
        print(f"JSON: {args.json}")
    if args.lrc:
        atomic_write_bytes(args.lrc, to_lrc(lyrics).encode("utf-8"))
        print(f"LRC: {args.lrc}")
    return 0


class _WindowProgress:
    """Speech recognition's progress (``progress(done, total)`` windows): a tqdm bar on a
    terminal, else a line per window."""

    def __init__(self) -> None:
        self.bar: Any = None

    def update(self, done: int, total: int) -> None:
        if not sys.stderr.isatty():
            print(f"speech recognition: {done}/{total} windows of 30 s", file=sys.stderr,
                  flush=True)
            return
        if self.bar is None:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="window", desc="speech recognition")
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _cmd_ui(args: argparse.Namespace) -> int:
    from .app import auth_from, build_app, launch

    auth = auth_from(args.auth)
    if args.share and auth is None:
        raise UserError("A shared app is public: give a login with --auth USER:PASS or the "
                        "MUSIC_VISUALIZER_AUTH environment variable.")
    if args.port is not None and not 1 <= args.port <= 65535:
        raise UserError(f"--port {args.port} is not a port number (1-65535).")
    if args.max_upload_mb <= 0:
        raise UserError("--max-upload-mb must be a positive number of megabytes.")
    _print_deforum_report(args.settings)
    app = build_app(output_dir=args.output_dir, settings_file=args.settings, model=args.model,
                    device=args.device, max_upload_mb=args.max_upload_mb)
    print(f"Runs are saved under {args.output_dir}. Press Ctrl+C to quit.", flush=True)
    launch(app, output_dir=args.output_dir, port=args.port, share=args.share, auth=auth,
           server_name=args.host, max_upload_mb=args.max_upload_mb, block=True)
    return 0


def _os_error_message(error: OSError) -> str:
    """One sentence for an OSError on a path: what is wrong with the folder when a write
    failed (read-only, full disk), no permission, else the system's words and the path."""
    import errno

    from ..runs.store import storage_problem

    path = Path(error.filename)
    if error.errno in (errno.EROFS, errno.ENOSPC, errno.EDQUOT, errno.EFBIG):  # writes only
        folder = path if path.is_dir() else path.parent
        problem = storage_problem(error, folder)
        return problem[0].upper() + problem[1:] + "."
    if error.errno in (errno.EACCES, errno.EPERM):
        return (f"No permission to use '{path}'; check its permissions, or give a path you "
                "can read and write.")
    return f"{error.strerror or error}: '{path}'; check the path."


_COMMANDS = {"render": _cmd_render, "render-batch": _cmd_render_batch, "video": _cmd_video,
             "runs": _cmd_runs,
             "analyze": _cmd_analyze, "keyframes": _cmd_keyframes, "prompts": _cmd_prompts,
             "ui": _cmd_ui, "export-deforum": _cmd_export_deforum, "lyrics": _cmd_lyrics}


def _note_shower(show: Callable[..., None]) -> Callable[..., None]:
    """``warnings.showwarning`` that prints a schedule read leniently (as Deforum reads it), or
    captions asked for without timed lyrics, as one ``note:`` line instead of a warning with a
    source line; other warnings as before."""

    def show_warning(message: Warning | str, category: type[Warning], *args: Any,
                     **kwargs: Any) -> None:
        if issubclass(category, (ScheduleWarning, CaptionsWarning)):
            print(f"note: {message}", file=sys.stderr)
        else:
            show(message, category, *args, **kwargs)
    return show_warning


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit code."""
    args = build_parser().parse_args(argv)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("default", ScheduleWarning)  # each note once
            warnings.showwarning = _note_shower(warnings.showwarning)
            return _COMMANDS[args.command](args)
    except UserError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\nInterrupted.", file=sys.stderr)
        return 130
    except OSError as e:  # a path the user gave: missing folder, no permission, full disk
        if e.filename is None:
            raise
        print(f"error: {_os_error_message(e)}", file=sys.stderr)
        return 2
    except Exception:  # a bug: show it so it can be reported
        traceback.print_exc()
        print("error: internal error (a bug); please report it with the traceback above.",
              file=sys.stderr)
        return 1
