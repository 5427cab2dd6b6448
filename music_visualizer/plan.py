"""The plan: one row of parameters per video frame, computed once before rendering.

- :class:`Plan`        the per-frame table (numpy columns + prompt table), JSON round-trip
- :class:`FrameParams` one row, what a renderer gets for one frame
- :func:`build_plan`   settings + prompts (+ audio feature curves) -> :class:`Plan`
- :func:`frame_count`  frames for a duration at an fps
- :func:`frame_seeds`  the seed of every frame for a seed behaviour
- :func:`split_negative` ``"text --neg bad"`` -> ``("text", "bad")``

The plan is the heart of a run: it is saved in ``<timestring>_settings.json`` and a resumed run
renders from the saved plan, so nothing the user changes later can alter the remaining frames.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import ScheduleError, SettingsError
from .schedules import evaluate_expression, evaluate_schedule
from .settings import Settings

__all__ = [
    "PLAN_COLUMNS",
    "FrameParams",
    "Plan",
    "build_plan",
    "frame_count",
    "frame_seeds",
    "resolve_prompt_keys",
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
}
PLAN_COLUMNS: tuple[str, ...] = (
    "time", *SCHEDULED_COLUMNS, "cfg_scale", "steps", "seed",
)
_INT_COLUMNS = {"steps", "seed"}

#: Allowed ranges of scheduled values: (low, high, inclusive low).
_RANGES: dict[str, tuple[float, float, bool]] = {
    "zoom": (0.0, 100.0, False),
    "strength": (0.0, 1.0, True),
    "noise": (0.0, 10.0, True),
    "contrast": (0.0, 10.0, True),
}


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
        prompt, negative = self.prompt_table[int(self.prompt_index[index])]
        values: dict[str, Any] = {}
        for name in PLAN_COLUMNS:
            value = self.columns[name][index]
            values[name] = int(value) if name in _INT_COLUMNS else float(value)
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
        columns = {
            name: np.asarray(data["columns"][name],
                             dtype=np.int64 if name in _INT_COLUMNS else np.float64)
            for name in PLAN_COLUMNS
        }
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


def frame_seeds(seed: int, behavior: str, n_frames: int, *, iter_n: int = 1) -> np.ndarray:
    """The seed of every frame.

    ``iter``: ``seed + i // iter_n``; ``fixed``: ``seed``; ``random``: drawn from a generator
    seeded by ``seed``, so a recorded seed reproduces the whole sequence.
    """
    frames = np.arange(n_frames, dtype=np.int64)
    if behavior == "iter":
        return (seed + frames // iter_n) % 2**32
    if behavior == "fixed":
        return np.full(n_frames, seed, dtype=np.int64)
    if behavior == "random":
        rng = np.random.default_rng(seed)
        out = rng.integers(0, 2**32, size=n_frames, dtype=np.int64)
        out[0] = seed
        return out
    raise SettingsError(f"seed_behavior: '{behavior}' is not one of iter, fixed, random.")


def split_negative(prompt: str) -> tuple[str, str]:
    """Deforum's ``"positive --neg negative"`` form -> ``(positive, negative)``."""
    positive, sep, negative = prompt.partition("--neg")
    return positive.strip(), negative.strip() if sep else ""


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
    columns["cfg_scale"] = np.full(n_frames, float(settings.cfg_scale))
    columns["steps"] = np.full(n_frames, int(settings.steps), dtype=np.int64)
    columns["seed"] = frame_seeds(seed, settings.seed_behavior, n_frames,
                                  iter_n=settings.seed_iter_n)

    section_frames = None
    if section_starts is not None:
        frames = [math.floor((s - settings.start) * settings.fps + 0.5) for s in section_starts]
        section_frames = sorted({max(0, f) for f in frames if f < n_frames}) or [0]
    keyed = resolve_prompt_keys(settings.prompts, n_frames, section_frames=section_frames)
    if settings.prompts and not keyed:
        raise SettingsError(
            f"prompts: every frame key is outside the video (frames 0 to {n_frames - 1}); "
            "use smaller frame numbers or max_f.")
    keyed = keyed or [(0, default_prompt)]
    table: list[tuple[str, str]] = []
    index = np.zeros(n_frames, dtype=np.int64)
    for (frame, text), nxt in zip(keyed, [*keyed[1:], (n_frames, "")], strict=True):
        positive, negative = split_negative(text)
        negative = ", ".join(p for p in (negative, settings.negative_prompt.strip()) if p)
        pair = (positive or default_prompt, negative)
        if pair not in table:
            table.append(pair)
        index[frame:nxt[0]] = table.index(pair)
    columns["strength"] = _dip_at_prompt_changes(columns["strength"], index, settings)
    return Plan(fps=float(settings.fps), width=settings.width, height=settings.height,
                start=float(settings.start), columns=columns, prompt_table=tuple(table),
                prompt_index=index)


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
