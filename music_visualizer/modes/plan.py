"""The plan: one row of parameters per video frame, computed once before rendering.

- :class:`Plan`        the per-frame table (numpy columns + prompt table), JSON round-trip
- :class:`FrameParams` one row, what a renderer gets for one frame
- :func:`build_plan`   settings + prompts (+ audio feature curves) -> :class:`Plan`
- :func:`frame_count`  frames for a duration at an fps
- :func:`frame_seeds`  the seed of every frame for a seed behaviour
- :func:`diffuse_column` which frames the model makes (the others: cadence)
- :func:`split_negative` ``"text --neg bad"`` -> ``("text", "bad")`` (from :mod:`.prompt_table`)

A mode with its own plan columns (walk: its intervals) declares them
(:attr:`~music_visualizer.modes.base.Mode.plan_columns`); :func:`build_plan` adds them.

The plan is the heart of a run: it is saved in ``<timestring>_settings.json`` and a resumed run
renders from the saved plan, so nothing the user changes later can alter the remaining frames.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import ScheduleError, SettingsError
from ..settings.model import Settings, value_range
from ..settings.schedules import evaluate_expression, evaluate_schedule
from . import MODES, mode_for
from .prompt_table import prompt_pair, split_negative  # split_negative: re-exported

__all__ = [
    "INT_COLUMNS",
    "OPTIONAL_COLUMNS",
    "PLAN_COLUMNS",
    "FrameParams",
    "Plan",
    "build_plan",
    "check_plan_ranges",
    "column_ranges",
    "diffuse_column",
    "frame_count",
    "frame_seeds",
    "resolve_prompt_keys",
    "sections_in_frames",
    "split_negative",
]

#: Columns of the plan and the schedule each comes from (None: computed, not scheduled).
SCHEDULED_COLUMNS: dict[str, str] = {
    "angle": "angle",
    "zoom": "zoom",
    "translation_x": "translation_x",
    "translation_y": "translation_y",
    "transform_center_x": "transform_center_x",
    "transform_center_y": "transform_center_y",
    "strength": "strength_schedule",
    "noise": "noise_schedule",
    "contrast": "contrast_schedule",
    "translation_z": "translation_z",
    "rotation_3d_x": "rotation_3d_x",
    "rotation_3d_y": "rotation_3d_y",
    "rotation_3d_z": "rotation_3d_z",
    "fov": "fov_schedule",
    "near": "near_schedule",
    "far": "far_schedule",
    "flip_theta": "perspective_flip_theta",
    "flip_phi": "perspective_flip_phi",
    "flip_gamma": "perspective_flip_gamma",
    "flip_fv": "perspective_flip_fv",
    "kernel": "kernel_schedule",
    "sigma": "sigma_schedule",
    "amount": "amount_schedule",
    "threshold": "threshold_schedule",
}
PLAN_COLUMNS: tuple[str, ...] = (
    "time", *SCHEDULED_COLUMNS, "cfg_scale", "steps", "seed", "diffuse", "prompt_from",
    "blend", "seed_to", "noise_t",
)
_INT_COLUMNS = {"steps", "seed", "diffuse", "prompt_from", "seed_to"}
#: Values of columns a plan saved by an older version does not have.
_COLUMN_DEFAULTS: dict[str, float] = {
    "translation_z": 0.0, "rotation_3d_x": 0.0, "rotation_3d_y": 0.0, "rotation_3d_z": 0.0,
    "fov": 70.0, "near": 200.0, "far": 10000.0, "flip_theta": 0.0, "flip_phi": 0.0,
    "flip_gamma": 0.0, "flip_fv": 53.0, "kernel": 5.0, "sigma": 1.0, "amount": 0.0,
    "threshold": 0.0, "diffuse": 1, "blend": 1.0, "noise_t": 0.0,
}

#: Columns of whole numbers.
INT_COLUMNS: frozenset[str] = frozenset(_INT_COLUMNS)
#: Columns a saved plan may lack (saved by an older version): :meth:`Plan.from_dict` fills them.
OPTIONAL_COLUMNS: frozenset[str] = frozenset({*_COLUMN_DEFAULTS, "prompt_from", "seed_to"})

#: Allowed ranges of scheduled values: (low, high, inclusive low), from the settings' specs
#: (a schedule's range, or for cfg_scale and steps the plain field's).
_RANGES: dict[str, tuple[float, float, bool]] = {
    column: bounds for column, name in {**SCHEDULED_COLUMNS, "cfg_scale": "cfg_scale",
                                        "steps": "steps"}.items()
    if (bounds := value_range(name)) is not None
}


def column_ranges() -> dict[str, tuple[float, float, bool]]:
    """The allowed range of each range-checked column: (low, high, inclusive low); high is
    inclusive. :func:`build_plan` and :func:`check_plan_ranges` refuse values outside it."""
    return dict(_RANGES)


@dataclass(frozen=True)
class FrameParams:
    """Everything a renderer needs for one frame."""

    index: int
    time: float
    prompt: str
    negative_prompt: str
    angle: float
    zoom: float
    translation_x: float
    translation_y: float
    transform_center_x: float
    transform_center_y: float
    strength: float
    noise: float
    contrast: float
    cfg_scale: float
    steps: int
    seed: int
    translation_z: float = 0.0
    rotation_3d_x: float = 0.0
    rotation_3d_y: float = 0.0
    rotation_3d_z: float = 0.0
    fov: float = 70.0
    near: float = 200.0
    far: float = 10000.0
    flip_theta: float = 0.0
    flip_phi: float = 0.0
    flip_gamma: float = 0.0
    flip_fv: float = 53.0
    kernel: float = 5.0
    sigma: float = 1.0
    amount: float = 0.0
    threshold: float = 0.0
    diffuse: int = 1  # 1: this frame is diffused; 0: a cadence frame, warped and blended
    prompt_from: str | None = None  # blending: the previous prompt, weight 1 - blend
    negative_from: str | None = None
    blend: float = 1.0  # weight of ``prompt`` (1: no blending)
    seed_to: int = 0  # walk: the noise moves from ``seed``'s toward ``seed_to``'s ...
    noise_t: float = 0.0  # ... this far (slerp)


@dataclass(frozen=True)
class Plan:
    """Per-frame parameters of a whole render.

    ``columns[name]`` has shape ``(n_frames,)``; ``prompt_index[i]`` points into ``prompt_table``,
    a tuple of ``(prompt, negative_prompt)`` pairs, so each distinct prompt is stored (and
    encoded by the model) once.
    """

    fps: float
    width: int
    height: int
    start: float
    columns: Mapping[str, np.ndarray]
    prompt_table: tuple[tuple[str, str], ...]
    prompt_index: np.ndarray

    @property
    def n_frames(self) -> int:
        return int(self.prompt_index.shape[0])

    @property
    def duration(self) -> float:
        return self.n_frames / self.fps

    def row(self, index: int) -> FrameParams:
        """Row ``index`` as plain Python values."""
        current = int(self.prompt_index[index])
        prompt, negative = self.prompt_table[current]
        values: dict[str, Any] = {}
        for name in PLAN_COLUMNS:
            value = self.columns[name][index]
            values[name] = int(value) if name in _INT_COLUMNS else float(value)
        source = values.pop("prompt_from")
        if source != current and values["blend"] < 1.0:
            values["prompt_from"], values["negative_from"] = self.prompt_table[source]
        else:
            values["blend"] = 1.0
        return FrameParams(index=index, prompt=prompt, negative_prompt=negative, **values)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able data (floats are written exactly, so :meth:`from_dict` is lossless)."""
        return {
            "fps": self.fps,
            "width": self.width,
            "height": self.height,
            "start": self.start,
            "n_frames": self.n_frames,
            "columns": {name: self.columns[name].tolist() for name in PLAN_COLUMNS},
            "prompt_table": [list(pair) for pair in self.prompt_table],
            "prompt_index": self.prompt_index.tolist(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Plan:
        saved = data["columns"]
        n_frames = len(data["prompt_index"])
        columns = {}
        for name in PLAN_COLUMNS:
            dtype = np.int64 if name in _INT_COLUMNS else np.float64
            if name in saved:
                columns[name] = np.asarray(saved[name], dtype=dtype)
            elif name == "prompt_from":  # saved by an older version: no blending
                columns[name] = np.asarray(data["prompt_index"], dtype=dtype)
            elif name == "seed_to":
                columns[name] = np.asarray(saved["seed"], dtype=dtype)
            else:
                columns[name] = np.full(n_frames, _COLUMN_DEFAULTS[name], dtype=dtype)
        return cls(
            fps=float(data["fps"]),
            width=int(data["width"]),
            height=int(data["height"]),
            start=float(data["start"]),
            columns=columns,
            prompt_table=tuple((str(p), str(n)) for p, n in data["prompt_table"]),
            prompt_index=np.asarray(data["prompt_index"], dtype=np.int64),
        )


def frame_count(duration: float, fps: float) -> int:
    """Frames that cover ``duration`` seconds at ``fps`` (at least one)."""
    return max(1, math.floor(duration * fps + 0.5))


def frame_seeds(seed: int, behavior: str, n_frames: int, *, iter_n: int = 1,
                cadence: int = 1, schedule: np.ndarray | None = None) -> np.ndarray:
    """The seed of every frame (Deforum's seed behaviours).

    The sequence advances once per diffused frame (every ``cadence`` frames; the frames between
    share the seed of the diffused frame before them):

    - ``iter``: +1 every ``iter_n`` diffused frames; ``fixed``: ``seed`` throughout;
    - ``ladder``: +2, -1, +2, -1 ...; ``alternate``: +1, -1, +1, -1 ...;
    - ``random``: drawn from a generator seeded by ``seed`` (a recorded seed reproduces it);
    - ``schedule``: the values of ``schedule`` (``seed_schedule``), -1 meaning random.
    """
    steps = np.arange(n_frames, dtype=np.int64) // max(1, cadence)
    if behavior == "iter":
        out = seed + steps // iter_n
    elif behavior == "fixed":
        out = np.full(n_frames, seed, dtype=np.int64)
    elif behavior == "ladder":
        out = seed + (steps + 1) // 2 * 2 - steps // 2
    elif behavior == "alternate":
        out = seed + steps % 2
    elif behavior == "random":
        drawn = np.random.default_rng(seed).integers(0, 2**32, size=n_frames, dtype=np.int64)
        drawn[0] = seed
        out = drawn[steps]
    elif behavior == "schedule":
        if schedule is None:
            raise SettingsError("seed_behavior schedule needs seed_schedule.")
        values = np.floor(np.asarray(schedule, dtype=np.float64)[steps * max(1, cadence)])
        drawn = np.random.default_rng(seed).integers(0, 2**32, size=n_frames, dtype=np.int64)
        out = np.where(values < 0, drawn[steps], values).astype(np.int64)
    else:
        raise SettingsError(f"seed_behavior: '{behavior}' is not one of iter, fixed, random, "
                            "ladder, alternate, schedule.")
    return out.astype(np.int64) % 2**32


def diffuse_column(settings: Settings, n_frames: int) -> np.ndarray:
    """The plan's ``diffuse`` column: 1 on every ``diffusion_cadence``-th frame (the frames the
    model makes; cadence fills the others), on every frame when the mode diffuses every frame
    (walk)."""
    if mode_for(settings).diffuses_every_frame:
        return np.ones(n_frames, dtype=np.int64)
    return (np.arange(n_frames) % settings.diffusion_cadence == 0).astype(np.int64)


def resolve_prompt_keys(prompts: Mapping[str, str] | Sequence[str], n_frames: int, *,
                        section_frames: Sequence[int] | None = None) -> list[tuple[int, str]]:
    """Frame-keyed prompts sorted by frame.

    A mapping's keys are frame numbers or expressions of ``max_f`` (``"max_f/2"``); keys outside
    the video are dropped; if no key is at frame 0 the first prompt starts there. A list is
    recycled through the song's sections in order when ``section_frames`` (the first frame of
    each section in the video) are given and there are at least as many sections as prompts;
    otherwise it is spread evenly over the frames, so no prompt is lost.
    """
    if isinstance(prompts, Mapping):
        keyed: dict[int, str] = {}
        for key, text in prompts.items():
            key_text = str(key).strip().strip("\"'")
            try:
                frame = int(key_text)
            except ValueError:
                try:
                    value = evaluate_expression(key_text, field="prompts",
                                                variables={"max_f": float(n_frames - 1)})
                except ScheduleError as e:
                    raise SettingsError(f"prompts: frame key '{key}': {e}") from None
                frame = math.floor(float(value))
            if 0 <= frame < n_frames:
                keyed[frame] = text
        items = sorted(keyed.items())
    elif prompts and section_frames and len(section_frames) >= len(prompts):
        items = [(frame, prompts[k % len(prompts)]) for k, frame in enumerate(section_frames)]
        items = list({frame: text for frame, text in items}.items())
    else:
        count = len(prompts)
        items = [(int(j * n_frames // count), text) for j, text in enumerate(prompts)]
        items = list({frame: text for frame, text in items}.items())
    if items and items[0][0] != 0:
        items[0] = (0, items[0][1])
    return items


def sections_in_frames(section_starts: Sequence[float], *, start: float, fps: float,
                       n_frames: int) -> list[int]:
    """The first frame of each section in a video from ``start`` seconds (frame 0 at least)."""
    frames = [math.floor((s - start) * fps + 0.5) for s in section_starts]
    return sorted({max(0, f) for f in frames if f < n_frames}) or [0]


def build_plan(settings: Settings, *, n_frames: int, seed: int,
               default_prompt: str = "abstract colourful music visualization, highly detailed",
               variables: Mapping[str, float | np.ndarray] | None = None,
               section_starts: Sequence[float] | None = None) -> Plan:
    """Compute every per-frame parameter of a render.

    Parameters
    ----------
    settings : Settings
        Validated settings (schedules, prompts, size, fps).
    n_frames : int
        Frames to render.
    seed : int
        The resolved base seed (never -1 here).
    default_prompt : str
        Used when ``settings.prompts`` is empty.
    variables : mapping, optional
        Extra schedule variables: scalars, or arrays of shape ``(n_frames,)`` (audio features).
    section_starts : sequence of float, optional
        Start times (seconds in the song) of the song's sections: a list of prompts is recycled
        through them.

    Wherever the prompt changes, strength dips to ``settings.section_strength`` and eases back
    to its schedule over ``settings.section_transition`` seconds, so the new prompt takes over.

    Raises
    ------
    ScheduleError
        A schedule does not parse or gives values out of range (names the field and frame).
    """
    if seed < 0:
        raise ValueError("build_plan needs a resolved seed")
    env: dict[str, float | np.ndarray] = {"fps": float(settings.fps), "s": float(seed)}
    env.update(variables or {})
    columns: dict[str, np.ndarray] = {
        "time": settings.start + np.arange(n_frames, dtype=np.float64) / settings.fps
    }
    for column, field_name in SCHEDULED_COLUMNS.items():
        values = evaluate_schedule(getattr(settings, field_name), field=field_name,
                                   n_frames=n_frames, variables=env)
        _check_range(field_name, column, values)
        columns[column] = values
    mode = mode_for(settings)
    if mode.uses_depth:
        _check_near_far(columns["near"], columns["far"])
    columns["cfg_scale"] = _optional_schedule(settings, "cfg_scale_schedule", "cfg_scale",
                                              float(settings.cfg_scale), n_frames, env)
    columns["steps"] = np.floor(_optional_schedule(settings, "steps_schedule", "steps",
                                                   float(settings.steps), n_frames, env)
                                + 0.5).astype(np.int64)
    seed_schedule = None
    if settings.seed_behavior == "schedule":
        seed_schedule = evaluate_schedule(settings.seed_schedule, field="seed_schedule",
                                          n_frames=n_frames, variables=env)
        _check_seeds("seed_schedule", seed_schedule)
    cadence = settings.diffusion_cadence
    columns["seed"] = frame_seeds(seed, settings.seed_behavior, n_frames,
                                  iter_n=settings.seed_iter_n, cadence=cadence,
                                  schedule=seed_schedule)
    columns["diffuse"] = diffuse_column(settings, n_frames)

    section_frames = None
    if section_starts is not None:
        section_frames = sections_in_frames(section_starts, start=settings.start,
                                            fps=settings.fps, n_frames=n_frames)
    keyed = resolve_prompt_keys(settings.prompts, n_frames, section_frames=section_frames)
    if settings.prompts and not keyed:
        raise SettingsError(
            f"prompts: every frame key is outside the video (frames 0 to {n_frames - 1}); "
            "use smaller frame numbers or max_f.")
    keyed = keyed or [(0, default_prompt)]
    table: list[tuple[str, str]] = []
    index = np.zeros(n_frames, dtype=np.int64)
    for (frame, text), nxt in zip(keyed, [*keyed[1:], (n_frames, "")], strict=True):
        positive, negative = prompt_pair(text, settings.negative_prompt)
        pair = (positive or default_prompt, negative)
        if pair not in table:
            table.append(pair)
        index[frame:nxt[0]] = table.index(pair)
    columns["strength"] = _dip_at_prompt_changes(columns["strength"], index, settings)
    columns["prompt_from"], columns["blend"] = _prompt_blend(index, settings)
    columns["seed_to"] = columns["seed"].copy()
    columns["noise_t"] = np.zeros(n_frames)
    if mode.plan_columns is not None:  # the mode's own columns (walk: its intervals)
        table, index = mode.plan_columns(settings, columns, n_frames=n_frames, seed=seed,
                                         default_prompt=default_prompt, variables=env,
                                         section_starts=section_starts or ())
    return Plan(fps=float(settings.fps), width=settings.width, height=settings.height,
                start=float(settings.start), columns=columns, prompt_table=tuple(table),
                prompt_index=index)


def _optional_schedule(settings: Settings, field_name: str, column: str, constant: float,
                       n_frames: int, env: Mapping[str, float | np.ndarray]) -> np.ndarray:
    """A schedule that may be None (then the constant at every frame), range-checked."""
    text = getattr(settings, field_name)
    if text is None:
        return np.full(n_frames, constant)
    values = evaluate_schedule(text, field=field_name, n_frames=n_frames, variables=env)
    _check_range(field_name, column, values)
    return values


def _check_near_far(near: np.ndarray, far: np.ndarray) -> None:
    bad = far <= near
    if bad.any():
        frame = int(np.argmax(bad))
        raise ScheduleError(f"far_schedule: frame {frame}: far ({far[frame]:.4g}) must be "
                            f"greater than near ({near[frame]:.4g}).")


def _prompt_blend(prompt_index: np.ndarray, settings: Settings) -> tuple[np.ndarray, np.ndarray]:
    """(previous prompt, weight of the current one) per frame: over ``prompt_blend`` seconds
    after each prompt change the text embeddings are interpolated (smoothstep)."""
    source = prompt_index.copy()
    weight = np.ones(len(prompt_index))
    length = math.floor(settings.prompt_blend * settings.fps + 0.5)
    if length < 1:
        return source, weight
    for frame in np.flatnonzero(np.diff(prompt_index)) + 1:
        span = np.arange(frame, min(frame + length, len(prompt_index)))
        x = (span - frame + 1) / (length + 1)
        source[span] = prompt_index[frame - 1]
        weight[span] = x * x * (3 - 2 * x)
    return source, weight


def check_plan_ranges(plan: Plan, *, mode: str) -> None:
    """The range checks :func:`build_plan` applies to scheduled values, on a whole plan (e.g. one
    read back from a run's record) of a run in ``mode``; raise ScheduleError naming
    ``plan.columns.<name>`` and the frame."""
    for column in _RANGES:
        _check_range(f"plan.columns.{column}", column, plan.columns[column])
    if MODES[mode].uses_depth:
        _check_near_far(plan.columns["near"], plan.columns["far"])


def _check_seeds(field_name: str, values: np.ndarray) -> None:
    """Seeds from a schedule must be what ``--seed`` takes: -1 (random) or 0 to 2**32-1
    (after rounding down); NaN, infinities and larger numbers are refused, never wrapped."""
    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(values) | (np.floor(values) < -1) | (values >= 2**32)
    if bad.any():
        frame = int(np.argmax(bad))
        raise ScheduleError(
            f"{field_name}: frame {frame}: seed {values[frame]:.4g} is out of range (a seed is "
            "-1 for random, or a whole number from 0 to 2**32-1).")


def _check_range(field_name: str, column: str, values: np.ndarray) -> None:
    if column not in _RANGES:
        return
    low, high, inclusive = _RANGES[column]
    bad = (values < low) if inclusive else (values <= low)
    bad |= values > high
    if bad.any():
        frame = int(np.argmax(bad))
        bound = f"{'from' if inclusive else 'above'} {low:g} to {high:g}"
        raise ScheduleError(
            f"{field_name}: frame {frame}: value {values[frame]:.4g} is out of range "
            f"(must be {bound})."
        )


def _dip_at_prompt_changes(strength: np.ndarray, prompt_index: np.ndarray, settings: Settings
                           ) -> np.ndarray:
    """Lower strength to ``section_strength`` where the prompt changes, easing back (cosine)."""
    changes = np.flatnonzero(np.diff(prompt_index)) + 1
    length = max(1, math.floor(settings.section_transition * settings.fps + 0.5))
    if changes.size == 0 or settings.section_transition <= 0:
        return strength
    ease = 0.5 - 0.5 * np.cos(np.pi * np.arange(length) / length)  # 0 -> 1
    out = strength.copy()
    for frame in changes:
        span = slice(frame, min(frame + length, len(out)))
        target = settings.section_strength + (out[span] - settings.section_strength) * ease[
            : span.stop - span.start]
        out[span] = np.minimum(out[span], target)
    return out
