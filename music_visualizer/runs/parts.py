"""One song on many workers (``render --parallel sections``): a run rendered in parts.

In 2D and 3D the parts begin where the plan already changes prompt (at least
:data:`MIN_PART_SECONDS` apart) and each starts fresh: its frame 0 is the mode's first frame
(txt2img of its prompt, or img2img from the init image), its colour reference is its own first
frame. Each part goes on past its end for ``section_overlap`` seconds; the next part renders those
frames too, and the run's frames there are the two cross-faded, so a join looks like the prompt
change it is. Walk and GAN frames are independent: their parts are ranges of whole batches
(about :data:`RANGE_SECONDS` each), and the run's frames are exactly a one-part run's.

Every part renders into its own folder (``<ts>_parts/part_NNN/``, frames numbered from 0) as a
normal, exactly resumable run: a retried or re-run part continues from its own frames. Frame
seeds come from the run's plan (the run seed and the frame number), the parts from the plan and
the settings alone, so the frames do not depend on how many workers render them or in which
order. Once every part is done, :func:`assemble` writes the run's frames (copies, and the
cross-fades) and the parts' frames are deleted; ``<ts>_parts/parts.json`` stays (the run was
rendered in parts).

- :class:`Part`, :class:`Parts`  the parts of a run and where two meet
- :func:`plan_parts`     plan + settings -> :class:`Parts`
- :func:`part_plan`      the rows one part renders
- :func:`save_parts`, :func:`load_parts`, :func:`has_parts`, :func:`parts_dir`, :func:`part_dir`
- :class:`PartTask`      one part to render (plain data, picklable: a worker's task)
- :func:`render_part`    render or resume one part in its folder
- :func:`part_states`    each part's progress on disk (``runs`` shows them)
- :func:`assemble`       the run's frames from its parts
- :func:`check_parallel` the settings a run in parts refuses
- :func:`render_sections` a whole run in parts: prepare, plan the parts, render them through an
  executor (:func:`run_locally` by default, or Ray's workers), assemble, encode the video
"""

from __future__ import annotations

import itertools
import math
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import RunError, SettingsError
from ..files import atomic_write_bytes, atomic_write_json
from ..modes import mode_for
from ..modes.plan import FrameParams, Plan, diffuse_column
from ..modes.steps import steps_for
from ..safe_load import parse_json, read_text
from ..settings import Settings
from .png import encode_png, png_damage
from .record import load_run_record
from .store import (
    FrameWriter,
    RunLock,
    cadence_path,
    frame_path,
    run_is_live,
    scan_frames,
    storage_problem,
    video_path,
)

__all__ = [
    "MIN_PART_SECONDS",
    "RANGE_SECONDS",
    "Part",
    "PartPlan",
    "PartResult",
    "PartState",
    "PartTask",
    "Parts",
    "assemble",
    "check_parallel",
    "has_parts",
    "load_parts",
    "overlap_frames",
    "part_dir",
    "part_plan",
    "part_states",
    "parts_dir",
    "plan_parts",
    "render_part",
    "render_sections",
    "run_locally",
    "save_parts",
]

#: The shortest part of a 2D/3D run (seconds): prompt changes closer than this share a part.
MIN_PART_SECONDS = 1.0
#: About this many seconds of frames per part of a walk or GAN run (whole batches).
RANGE_SECONDS = 2.0
_PARTS_FORMAT = 1


@dataclass(frozen=True)
class Part:
    """Part ``index`` renders the run's frames ``start .. end - 1``. ``fresh``: it starts as a
    run starts (2D/3D; its rows numbered from 0), else it is a range of independent frames
    (its rows keep the run's frame numbers)."""

    index: int
    start: int
    end: int
    fresh: bool

    @property
    def n_frames(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class Parts:
    """The parts of a run of ``n_frames`` frames, in order; consecutive parts overlap by the
    frames both render (the cross-fades)."""

    parts: tuple[Part, ...]
    n_frames: int

    def window(self, k: int) -> range:
        """The run's frames parts ``k - 1`` and ``k`` both render (empty for part 0)."""
        if k == 0:
            return range(0)
        return range(self.parts[k].start, max(self.parts[k].start, self.parts[k - 1].end))

    def own(self, k: int) -> range:
        """The run's frames only part ``k`` renders."""
        low = self.parts[k - 1].end if k > 0 else 0
        high = self.parts[k + 1].start if k + 1 < len(self.parts) else self.n_frames
        return range(max(low, self.parts[k].start), min(high, self.parts[k].end))

    def to_dict(self) -> dict[str, Any]:
        return {"format": _PARTS_FORMAT, "n_frames": self.n_frames,
                "parts": [[p.start, p.end, p.fresh] for p in self.parts]}

    @classmethod
    def from_dict(cls, data: Any) -> Parts:
        n_frames = int(data["n_frames"])
        parts = tuple(Part(k, int(start), int(end), bool(fresh))
                      for k, (start, end, fresh) in enumerate(data["parts"]))
        if not parts or parts[0].start != 0 or parts[-1].end != n_frames or any(
                not a.start < b.start <= a.end <= b.end or a.end > n_frames
                for a, b in itertools.pairwise(parts)):
            raise ValueError("the parts do not cover the run's frames in order")
        return cls(parts, n_frames)


def overlap_frames(settings: Settings) -> int:
    """Frames of ``section_overlap`` at the run's fps."""
    return math.floor(settings.section_overlap * settings.fps + 0.5)


def plan_parts(plan: Plan, settings: Settings, *, range_seconds: float = RANGE_SECONDS,
               min_seconds: float = MIN_PART_SECONDS) -> Parts:
    """The parts of a run (see the module docstring): from the plan and the settings only."""
    n = plan.n_frames
    mode = mode_for(settings)
    if mode.frames_independent:
        size = mode.batch_size(settings)
        length = size * max(1, math.ceil(range_seconds * plan.fps / size))
        return Parts(tuple(Part(k, start, min(start + length, n), fresh=False)
                           for k, start in enumerate(range(0, n, length))), n)
    overlap = overlap_frames(settings)
    gap = max(overlap + 1, math.ceil(min_seconds * plan.fps))
    bounds = [0]
    for change in (np.flatnonzero(np.diff(plan.prompt_index)) + 1).tolist():
        if change - bounds[-1] >= gap and n - change >= gap:
            bounds.append(int(change))
    ends = [*bounds[1:], n]
    return Parts(tuple(Part(k, start, min(end + overlap, n), fresh=True)
                       for k, (start, end) in enumerate(zip(bounds, ends, strict=True))), n)


@dataclass(frozen=True)
class PartPlan(Plan):
    """A part's rows: ``first_index`` is added to each row's number (a range of independent
    frames keeps the run's numbers, which a GAN run's vectors are indexed by)."""

    first_index: int = 0

    def row(self, index: int) -> FrameParams:
        row = super().row(index)
        return replace(row, index=index + self.first_index) if self.first_index else row


def part_plan(plan: Plan, part: Part, settings: Settings) -> PartPlan:
    """The rows ``part`` renders. A fresh part diffuses from its own frame 0 (the cadence
    counted from it) and starts on its own prompt (no blend from the prompt before it)."""
    window = slice(part.start, part.end)
    columns = {name: np.array(values[window]) for name, values in plan.columns.items()}
    index = np.array(plan.prompt_index[window])
    if part.fresh:
        columns["diffuse"] = diffuse_column(settings, part.n_frames)
        if part.start > 0:
            changes = np.flatnonzero(index != index[0])
            lead = slice(0, int(changes[0]) if changes.size else part.n_frames)
            columns["prompt_from"][lead] = index[0]
            columns["blend"][lead] = 1.0
    return PartPlan(fps=plan.fps, width=plan.width, height=plan.height,
                    start=plan.start + part.start / plan.fps, columns=columns,
                    prompt_table=plan.prompt_table, prompt_index=index,
                    first_index=0 if part.fresh else part.start)


# --- files -------------------------------------------------------------------------------------

def parts_dir(folder: Path, timestring: str) -> Path:
    """``<ts>_parts/``: the parts' folders and ``parts.json``."""
    return Path(folder) / f"{timestring}_parts"


def part_dir(folder: Path, timestring: str, index: int) -> Path:
    """The folder part ``index`` renders into (its frames numbered from 0)."""
    return parts_dir(folder, timestring) / f"part_{index:03d}"


def _parts_file(folder: Path, timestring: str) -> Path:
    return parts_dir(folder, timestring) / "parts.json"


def has_parts(folder: Path, timestring: str) -> bool:
    """Whether run ``timestring`` is (or was) rendered in parts."""
    return _parts_file(folder, timestring).is_file()


def save_parts(folder: Path, timestring: str, parts: Parts) -> None:
    parts_dir(folder, timestring).mkdir(parents=True, exist_ok=True)
    atomic_write_json(_parts_file(folder, timestring), parts.to_dict())


def load_parts(folder: Path, timestring: str) -> Parts:
    """The saved parts of a run; a RunError when the file is unreadable."""
    path = _parts_file(folder, timestring)
    what = f"The list of parts of run {timestring}"
    data = parse_json(read_text(path, what=what, limit=1 << 22, error=RunError), name=str(path),
                      what=what, error=RunError)
    try:
        return Parts.from_dict(data)
    except (ValueError, KeyError, TypeError, IndexError) as e:
        raise RunError(f"{what} '{path}' is damaged ({e}); start a new run.") from None


# --- rendering a part --------------------------------------------------------------------------

@dataclass(frozen=True)
class PartTask:
    """Part ``index`` of the run ``timestring`` in ``folder``: what a worker is given."""

    folder: str
    timestring: str
    index: int
    device: str | None = None
    total: int = 0  # the part's frames (for progress before it reports)


@dataclass(frozen=True)
class PartResult:
    index: int
    done: int  # frames of the part on disk
    total: int
    rendered: int  # by this call

    @property
    def finished(self) -> bool:
        return self.done >= self.total


def _resume_point(where: Path, timestring: str, n_frames: int, settings: Settings,
                  size: tuple[int, int]) -> int:
    """Where a part continues: after its whole frames, or earlier when a file its state is
    restored from is damaged (as a run's resume does)."""
    start = scan_frames(where, timestring, n_frames, size=size, clean=True).done
    if start >= n_frames:
        return start
    steps = steps_for(settings)
    while start > 0 and any(png_damage(path, size=size, full=True) is not None
                            for path in steps.state_files(where, timestring, start, settings)):
        start -= 1
    return start


def render_part(task: PartTask, *, load_pipes: Callable[..., Any] | None = None,
                on_frame: Callable[[int, Any], None] | None = None,
                should_stop: Callable[[], bool] | None = None) -> PartResult:
    """Render (or continue) one part in its folder, holding the part's lock.

    ``load_pipes`` loads the diffusion model (a worker passes one that keeps it loaded between
    parts); ``on_frame(index, state)`` after each frame (the part's numbering).
    """
    from ..render.loop import render_frames

    folder, ts = Path(task.folder), task.timestring
    record = load_run_record(folder, ts)
    settings, plan = record.settings, record.plan
    part = load_parts(folder, ts).parts[task.index]
    rows = part_plan(plan, part, settings)
    where = part_dir(folder, ts, task.index)
    steps = steps_for(settings)
    try:
        where.mkdir(parents=True, exist_ok=True)
        with RunLock(where, ts):
            start = _resume_point(where, ts, rows.n_frames, settings, (plan.width, plan.height))
            done = start
            if start < rows.n_frames:
                renderer = steps.make_renderer(settings, device=task.device,
                                               with_init_image=start == 0,
                                               load_pipes=load_pipes,
                                               data=steps.resume_data(folder, ts))
                state = steps.restore(where, ts, start, renderer=renderer, settings=settings,
                                      plan=rows)
                with FrameWriter(where, ts) as writer:
                    state = render_frames(renderer, rows, state, writer=writer,
                                          on_frame=on_frame, should_stop=should_stop,
                                          batched=steps.mode.batched)
                done = state.next_index
            if done >= rows.n_frames:  # the diffused frames of cadence were kept for resume
                for index in range(rows.n_frames):
                    cadence_path(where, ts, index).unlink(missing_ok=True)
    except OSError as e:
        raise RunError(f"Run {ts}, part {task.index}: {storage_problem(e, where)}; then run "
                       f"the command again with --resume {ts}.") from None
    return PartResult(task.index, done, rows.n_frames, done - start)


@dataclass(frozen=True)
class PartState:
    """A part's progress on disk, for listings."""

    index: int
    start: int
    end: int
    done: int
    live: bool

    def describe(self) -> str:
        total = self.end - self.start
        state = ("rendering now" if self.live else "done" if self.done >= total
                 else "waiting" if self.done == 0 else "resumable")
        return (f"part {self.index}: frames {self.start}-{self.end - 1}, "
                f"{self.done}/{total} ({state})")


def part_states(folder: Path, timestring: str) -> list[PartState]:
    """The progress of each part of a run rendered in parts (its frames counted, not checked
    in full); empty when the run is not rendered in parts or its parts are assembled."""
    if not has_parts(folder, timestring):
        return []
    parts = load_parts(folder, timestring)
    states = []
    for part in parts.parts:
        where = part_dir(folder, timestring, part.index)
        states.append(PartState(part.index, part.start, part.end,
                                _done(folder, timestring, part),
                                where.is_dir() and run_is_live(where, timestring)))
    return states


# --- the run's frames from its parts -----------------------------------------------------------

def _pixels(path: Path) -> np.ndarray:
    from PIL import Image

    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"))


def crossfade(left: np.ndarray, right: np.ndarray, position: int, length: int) -> np.ndarray:
    """Frame ``position`` (0-based) of a ``length``-frame cross-fade from ``left`` to ``right``:
    ``right`` weighs ``(position + 1) / (length + 1)``, rounded to 8 bits."""
    weight = (position + 1) / (length + 1)
    mixed = left.astype(np.float64) * (1.0 - weight) + right.astype(np.float64) * weight
    return np.floor(mixed + 0.5).clip(0, 255).astype(np.uint8)


def assemble(folder: Path, timestring: str, parts: Parts) -> None:
    """Write the run's frames from its finished parts: each part's own frames copied byte for
    byte, the frames two parts share cross-faded (see :func:`crossfade`)."""
    folder = Path(folder)
    for k, part in enumerate(parts.parts):
        where = part_dir(folder, timestring, k)
        for frame in parts.own(k):
            source = frame_path(where, timestring, frame - part.start)
            atomic_write_bytes(frame_path(folder, timestring, frame), source.read_bytes())
        window = parts.window(k)
        before = parts.parts[k - 1] if k else None
        for position, frame in enumerate(window):
            assert before is not None
            left = _pixels(frame_path(part_dir(folder, timestring, k - 1), timestring,
                                      frame - before.start))
            right = _pixels(frame_path(where, timestring, frame - part.start))
            atomic_write_bytes(frame_path(folder, timestring, frame),
                               encode_png(crossfade(left, right, position, len(window))))


def check_parallel(settings: Settings) -> None:
    """Refuse what a run in parts cannot do, in one sentence."""
    if settings.keep_frames == "none":
        raise SettingsError("--parallel sections keeps every frame (the parts are joined from "
                            "them); use keep_frames all, or render without --parallel.")


def _cached_loader() -> Callable[..., Any]:
    """``load_pipes`` that loads each model once (the parts of a run share it)."""
    from ..render.models import load_pipelines

    loaded: dict[tuple[Any, ...], Any] = {}

    def load(model: str, **options: Any) -> Any:
        key = (model, *sorted(options.items()))
        if key not in loaded:
            loaded[key] = load_pipelines(model, **options)
        return loaded[key]

    return load


def run_locally(tasks: Sequence[PartTask], *,
                on_frame: Callable[[int, int], None] | None = None,
                should_stop: Callable[[], bool] | None = None) -> list[PartResult]:
    """Render ``tasks`` one after another in this process (one worker), the model loaded once;
    ``on_frame(part, frame)`` after each frame."""
    load = _cached_loader()
    results = []
    for task in tasks:
        report = None if on_frame is None else (
            lambda i, _state, k=task.index: on_frame(k, i))
        results.append(render_part(task, load_pipes=load, on_frame=report,
                                   should_stop=should_stop))
        if should_stop is not None and should_stop():
            break
    return results


# --- a whole run in parts ----------------------------------------------------------------------

#: Renders part tasks (on any workers, in any order) and returns their results.
Executor = Callable[[Sequence[PartTask]], Sequence[PartResult]]


def _unfinished(folder: Path, timestring: str, parts: Parts) -> list[Part]:
    """The parts whose folder does not hold all their frames yet."""
    return [part for part in parts.parts if _done(folder, timestring, part) < part.n_frames]


def _done(folder: Path, timestring: str, part: Part) -> int:
    """The frames of ``part`` in its folder (0 when it has none yet)."""
    where = part_dir(folder, timestring, part.index)
    return scan_frames(where, timestring, part.n_frames).done if where.is_dir() else 0


def _resumed_parts(folder: Path, timestring: str) -> Parts:
    if not has_parts(folder, timestring):
        raise RunError(f"Run {timestring} was not started with --parallel sections; resume it "
                       "without --parallel (its frames continue one after another).")
    return load_parts(folder, timestring)


def render_sections(request: Any, *, prepared: Any = None, execute: Executor | None = None,
                    keep_parts: bool = False,
                    on_start: Callable[[Any, Parts], None] | None = None) -> Any:
    """Render a run (new, or resumed by ``request.resume``) in parts, then its frames and video.

    ``execute(tasks)`` renders the unfinished parts (default :func:`run_locally`; the Ray
    layer's workers render them side by side); the driver holds the run's lock throughout, each
    part's renderer its part's. ``keep_parts`` keeps the parts' frames after the assembly
    (tests compare them). ``on_start(run, parts)`` once the run's folder and timestring are
    final. Returns a :class:`~music_visualizer.runs.job.RenderResult` (``stopped`` when a part
    is unfinished: run the command again with ``--resume``).
    """
    from .job import RenderResult, build_video, prepare_run, start_new_run

    run = prepared or prepare_run(request)
    check_parallel(run.settings)
    lock: RunLock | None = None
    try:
        if run.record is None:  # resume: refused while another process renders it
            lock = RunLock(run.folder, run.timestring).acquire()
            parts = _resumed_parts(run.folder, run.timestring)
        else:
            run, lock = start_new_run(run)
            parts = plan_parts(run.plan, run.settings)
            save_parts(run.folder, run.timestring, parts)
        if on_start is not None:
            on_start(run, parts)
        folder, ts, n = run.folder, run.timestring, run.plan.n_frames
        rendered = 0
        if scan_frames(folder, ts, n, size=(run.plan.width, run.plan.height)).done < n:
            # the longest first: the workers finish together (the files do not depend on it)
            todo = sorted(_unfinished(folder, ts, parts), key=lambda p: (-p.n_frames, p.index))
            results = (execute or run_locally)(
                [PartTask(str(folder), ts, part.index, request.device, part.n_frames)
                 for part in todo])
            rendered = sum(result.rendered for result in results)
            if len(results) < len(todo) or not all(result.finished for result in results):
                return RenderResult(folder, ts, n, rendered, None, stopped=True)
            try:
                assemble(folder, ts, parts)
            except OSError as e:
                raise RunError(f"Run {ts} stopped: {storage_problem(e, folder)}; then resume "
                               f"with --resume {ts}.") from None
            if not keep_parts:
                for part in parts.parts:
                    shutil.rmtree(part_dir(folder, ts, part.index), ignore_errors=True)
        video = None
        if request.make_video:
            video = video_path(folder, ts)
            if rendered > 0 or not video.is_file():
                video = build_video(folder, ts)
    finally:
        if lock is not None:
            lock.release()
    return RenderResult(folder, ts, n, rendered, video, stopped=False)
