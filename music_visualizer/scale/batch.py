"""``render-batch``: many songs, each its own normal run, rendered on Ray workers.

- :class:`BatchRequest`  what to render: the sources, the settings, the workers, the storage
- :func:`render_batch`   songs -> runs (one :class:`~music_visualizer.scale.worker.Task` each),
                         recorded in ``<output_dir>/batch_<timestring>.json``
- :func:`render_song`    the task a worker runs for one song (start or resume its run)
- :class:`SongResult`    one finished song: its run's folder, timestring, frames, video

Each song's timestring is fixed in the batch record before any worker starts, so a worker
restarted after a kill resumes the song's run from its frames, and running the same command
again (same sources, settings file and flags: the record's ``key``) after the driver was
killed finds the record and continues every song where it stopped.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..errors import RunError, UserError
from ..runs.batch import BatchRecord, BatchSong, find_batch, write_batch
from ..runs.job import RenderRequest, make_renderer, prepare_run, render, request_from_inputs
from ..runs.store import (
    lock_path,
    new_timestring,
    run_is_live,
    settings_path,
    song_dir,
)
from ..sources.batch import SongSource, expand_sources
from .cluster import check_address
from .tasks import ProgressReport, TaskFailed, run_tasks
from .worker import Returned, ShippedFiles, Task, TaskContext, ship_files

__all__ = ["BatchRequest", "BatchResult", "SongResult", "batch_key", "render_batch",
           "render_song"]

_STAMP = "%Y%m%d%H%M%S"
#: The task a worker runs for one song.
SONG_TASK = "music_visualizer.scale.batch:render_song"


@dataclass(frozen=True)
class BatchRequest:
    """What ``render-batch`` renders; ``overrides`` are the settings flags given."""

    sources: tuple[str, ...]
    output_dir: Path = Path("outputs")
    settings_file: Path | None = None
    overrides: Mapping[str, Any] = field(default_factory=dict)
    make_video: bool = True
    device: str | None = None
    workers: int | None = None
    address: str | None = None
    storage: str = "auto"
    cache_dir: Path | None = None
    segment_frames: int | None = None  # keep_frames none: frames per segment (tests)
    num_cpus: int | None = None  # a local Ray's CPUs (default: all)


@dataclass(frozen=True)
class SongResult:
    """One song's run after its task: the driver's folder of it."""

    folder: str
    timestring: str
    n_frames: int
    rendered: int
    video: str | None


@dataclass(frozen=True)
class BatchResult:
    record: BatchRecord
    path: Path
    results: tuple[SongResult | TaskFailed | None, ...]  # None: finished before this call
    continued: bool  # an earlier batch of the same command was continued

    @property
    def failed(self) -> list[TaskFailed]:
        return [r for r in self.results if isinstance(r, TaskFailed)]


def batch_key(request: BatchRequest, songs: Sequence[SongSource]) -> str:
    """The fingerprint of a command: its songs, settings file (content) and flags."""
    settings = b""
    if request.settings_file is not None and Path(request.settings_file).is_file():
        settings = Path(request.settings_file).read_bytes()
    data = {"songs": [[s.origin, str(Path(s.audio).resolve()) if s.audio else None, s.link]
                      for s in songs],
            "settings": hashlib.sha256(settings).hexdigest(),
            "flags": {k: request.overrides[k] for k in sorted(request.overrides)},
            "video": request.make_video}
    return hashlib.sha256(json.dumps(data, default=str).encode()).hexdigest()[:32]


def _song_request(index: int, song: SongSource, request: BatchRequest) -> RenderRequest:
    """The normal render request of one song (its name fixed, so its folder is found again)."""
    from ..runs.job import song_name_for

    try:
        render_request, _, _ = request_from_inputs(
            link=song.link, audio=song.audio, settings_file=request.settings_file,
            overrides=request.overrides, output_dir=request.output_dir,
            make_video=request.make_video, device=request.device,
            cache_dir=request.cache_dir)
    except UserError as e:
        raise type(e)(f"Song {index + 1} ({song.origin}): {e}") from None
    name = song_name_for(render_request.audio, render_request.song_name)
    # absolute: a worker's working folder is not the driver's
    return replace(render_request, song_name=name, segment_frames=request.segment_frames,
                   audio=Path(render_request.audio).resolve(),
                   output_dir=Path(render_request.output_dir).resolve())


def _plan_timestrings(requests: Sequence[RenderRequest], start: str) -> list[str]:
    """A timestring per song from ``start`` on, a second apart, none already used in its
    song's folder."""
    taken: set[tuple[Path, str]] = set()
    moment = _dt.datetime.strptime(start, _STAMP)
    out = []
    for req in requests:
        while True:
            ts = moment.strftime(_STAMP)
            folder = song_dir(req.output_dir, req.song_name or "", ts)
            moment += _dt.timedelta(seconds=1)
            if (folder, ts) not in taken and not any(folder.glob(f"{ts}[._]*")):
                taken.add((folder, ts))
                out.append(ts)
                break
    return out


def _new_record(key: str, songs: Sequence[SongSource],
                requests: Sequence[RenderRequest]) -> BatchRecord:
    start = new_timestring()
    stamps = _plan_timestrings(requests, start)
    rows = tuple(BatchSong(source=s.origin, song=r.song_name or "", timestring=ts,
                           folder=str(song_dir(r.output_dir, r.song_name or "", ts)),
                           audio=str(r.audio), link=s.link)
                 for s, r, ts in zip(songs, requests, stamps, strict=True))
    return BatchRecord(start, key, _dt.datetime.now().isoformat(timespec="seconds"), rows)


def _finished(song: BatchSong, make_video: bool) -> bool:
    folder = Path(song.folder)
    return (song.state == "done" and settings_path(folder, song.timestring).is_file()
            and (not make_video or (folder / f"{song.timestring}.mp4").is_file()))


def render_batch(request: BatchRequest, *,
                 on_progress: Callable[[ProgressReport], None] | None = None,
                 on_start: Callable[[BatchRecord, Path, bool], None] | None = None,
                 expand_collection: Callable[[str], list[str]] | None = None,
                 task_function: str = SONG_TASK) -> BatchResult:
    """Render every song of ``request`` (see the module docstring).

    ``on_start(record, path, continued)`` once the batch record is written, before the
    workers start; ``on_progress`` as in :func:`~music_visualizer.scale.tasks.run_tasks` (the
    tasks are the songs, in order; finished songs count as done).

    Raises
    ------
    UserError
        A source that is not a song, a song that cannot be read (named), bad settings, Ray
        missing or unreachable; nothing is rendered then.
    """
    if request.address is not None:
        check_address(request.address)  # before any song is read or downloaded
    songs = expand_sources(request.sources, expand_collection)
    requests = [_song_request(i, song, request) for i, song in enumerate(songs)]
    key = batch_key(request, songs)
    record = find_batch(request.output_dir, key)
    continued = record is not None and len(record.songs) == len(songs)
    if not continued:
        record = _new_record(key, songs, requests)
    assert record is not None
    path = write_batch(request.output_dir, record)
    if on_start is not None:
        on_start(record, path, continued)
    todo = [i for i, song in enumerate(record.songs) if not _finished(song, request.make_video)]
    tasks = [_task(record, i, requests[i], request.storage, task_function) for i in todo]
    state = {"record": record}

    def progress(report: ProgressReport) -> None:
        index = todo[report.changed]
        task = report.tasks[report.changed]
        song = state["record"].songs[index]
        ts = task.info.get("timestring", song.timestring)
        wanted = "rendering" if task.state in ("waiting", "running") else song.state
        if (ts, wanted) != (song.timestring, song.state):
            folder = str(song_dir(request.output_dir, song.song, ts))
            state["record"] = state["record"].with_song(index, timestring=ts, folder=folder,
                                                        state=wanted)
            write_batch(request.output_dir, state["record"])
        if on_progress is not None:
            on_progress(report)

    results = run_tasks(tasks, workers=request.workers, address=request.address,
                        on_progress=progress, output_dir=request.output_dir,
                        storage=request.storage, num_cpus=request.num_cpus) if tasks else []
    record, out = state["record"], [None] * len(songs)
    for index, result in zip(todo, results, strict=True):
        out[index] = result
        record = record.with_song(index, **_song_state(result))
    write_batch(request.output_dir, record)
    return BatchResult(record, path, tuple(out), continued)


def _song_state(result: Any) -> dict[str, Any]:
    if isinstance(result, SongResult):
        return dict(state="done", timestring=result.timestring, folder=result.folder,
                    done=result.n_frames, total=result.n_frames, error=None)
    message = result.message if result.user_error else "internal error (a bug): " + (
        result.message.strip().splitlines() or [""])[-1]
    return dict(state="failed", error=message)


def _task(record: BatchRecord, index: int, request: RenderRequest, storage: str,
          function: str) -> Task:
    """The task of song ``index``; the audio travels with it unless the folder is shared."""
    song = record.songs[index]
    args: dict[str, Any] = {"request": request, "timestring": song.timestring,
                            "batch": record.timestring}
    if storage != "shared":
        args["audio_bytes"] = Path(request.audio).read_bytes()
    return Task(function, args, song.song)


# --------------------------------------------------------------------------------------------
# On the worker


def _prepare(request: RenderRequest, timestring: str) -> Any:
    """The song's run at ``timestring``: resumed when its record exists, else started there
    (a start killed before its record was written leaves an empty one, removed here)."""
    folder = song_dir(request.output_dir, request.song_name or "", timestring)
    record = settings_path(folder, timestring)
    if record.is_file() and record.stat().st_size == 0:
        if run_is_live(folder, timestring):
            raise RunError(f"Run {timestring} is being started by another process; wait "
                           "for it, or stop it first.")
        record.unlink(missing_ok=True)
        lock_path(folder, timestring).unlink(missing_ok=True)
    if record.is_file():
        return prepare_run(replace(request, resume=timestring))
    return prepare_run(request, now=_dt.datetime.strptime(timestring, _STAMP))


def _local_request(request: RenderRequest, args: Mapping[str, Any],
                   ctx: TaskContext) -> RenderRequest:
    """The request as this worker runs it when it cannot see the output folder: the audio and
    the run in its scratch folder (kept there, so a retry on this machine resumes)."""
    if args.get("audio_bytes") is None:
        raise RunError(f"Worker {ctx.worker} cannot see the output folder "
                       f"'{request.output_dir}'; use a shared file system or --storage "
                       "object-store.")
    data: bytes = args["audio_bytes"]
    root = ctx.scratch / f"batch_{args['batch']}"
    digest = hashlib.sha256(data).hexdigest()[:16]
    audio = root / "songs" / f"{digest}{Path(request.audio).suffix}"
    if not audio.is_file():
        audio.parent.mkdir(parents=True, exist_ok=True)
        tmp = audio.with_suffix(".part")
        tmp.write_bytes(data)
        tmp.replace(audio)
    return replace(request, audio=audio, output_dir=root / "runs")


def _home_record(shipped: ShippedFiles, timestring: str, audio: Path) -> ShippedFiles:
    """The shipped files with the run record's song path set to the driver's copy."""
    name = f"{timestring}_settings.json"
    files = []
    for relative, data in shipped.files:
        if relative == name:
            record = json.loads(data)
            record["song"]["audio"] = str(Path(audio).resolve())
            data = (json.dumps(record, indent=1, ensure_ascii=False) + "\n").encode()
        files.append((relative, data))
    return replace(shipped, files=tuple(files))


def render_song(args: Mapping[str, Any], ctx: TaskContext) -> Any:
    """A worker's task: render (or resume) one song's run at its planned timestring, with the
    worker's model; progress per frame. Returns a :class:`SongResult` (with the run's files
    when this worker cannot see the output folder)."""
    home: RenderRequest = args["request"]
    request = home if ctx.shared else _local_request(home, args, ctx)
    prepared = _prepare(request, args["timestring"])
    n = prepared.plan.n_frames
    done = [prepared.start_index]
    ctx.progress(done[0], n, info={"timestring": prepared.timestring})
    renderer = None
    if prepared.start_index < n:
        renderer = make_renderer(prepared.settings, device=request.device,
                                 with_init_image=prepared.start_index == 0,
                                 load_pipes=ctx.models, gan=prepared.gan)

    def on_frame(index: int, state: Any) -> None:
        done[0] += 1
        ctx.progress(done[0], n)

    result = render(request, prepared=prepared, renderer=renderer, on_frame=on_frame,
                    on_start=lambda run: ctx.progress(done[0], n,
                                                      info={"timestring": run.timestring}))
    ts = result.timestring
    ctx.progress(result.n_frames, n, info={"model_loads": ctx.models.loads})
    folder = song_dir(home.output_dir, home.song_name or "", ts)
    video = str(folder / Path(result.video).name) if result.video else None
    value = SongResult(str(folder), ts, result.n_frames, result.rendered, video)
    if ctx.shared:
        return value
    shipped = ship_files(result.folder, folder, prefix=ts)
    _clear_scratch(result.folder, ts, request.audio)  # in memory now, on its way home
    return Returned(value, _home_record(shipped, ts, home.audio))


def _clear_scratch(folder: Path, timestring: str, audio: Path) -> None:
    """Remove a shipped run's files and its song's copy from the worker's scratch folder."""
    import shutil

    for path in Path(folder).glob(f"{timestring}*"):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    Path(audio).unlink(missing_ok=True)
