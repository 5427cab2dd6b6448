"""One schedule of a Deforum settings file, read as Deforum reads it, and exact rewrites.

- :func:`read_deforum_schedule`  a Deforum schedule -> ours, with Deforum's values (clipped into
  our ranges, with notes)
- :func:`schedule_values`        our per-frame values of one of our schedules (audio variables
  at a neutral 0.5)
- :func:`negate_schedule`        every value negated (Deforum's mirrored 3D x axis)
- :func:`with_first_frame`       frame 0 set to a value, the later frames kept
- :data:`EXPORT_DECIMALS`, :data:`MIRRORED_3D`  shared with the export
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...errors import ScheduleError, SettingsError
from ..model import Settings
from ..schedules import (
    evaluate_schedule,
    from_deforum_string,
    parse_keyframes,
    to_deforum_string,
)

__all__ = [
    "EXPORT_DECIMALS",
    "MIRRORED_3D",
    "negate_schedule",
    "read_deforum_schedule",
    "schedule_values",
    "schedule_variables",
    "with_first_frame",
]

#: Digits after the decimal point of exported per-frame values (zoom drifts < 0.1% in 1000 frames).
EXPORT_DECIMALS = 6

#: Deforum's 3D translation_x and rotation_3d_y point the other way from its 2D ones and ours.
MIRRORED_3D = ("translation_x", "rotation_3d_y")


def schedule_variables(n_frames: int, fps: float | None, seed: float) -> dict[str, Any]:
    """The variables a schedule is checked with on import: audio features at a neutral 0.5."""
    from ...audio.features import FEATURE_NAMES

    variables: dict[str, Any] = {name: np.full(n_frames, 0.5) for name in FEATURE_NAMES}
    variables.update(fps=float(fps or Settings().fps), s=float(seed), tempo=120.0)
    return variables


def schedule_values(field_name: str, value: Any, n_frames: int, fps: float | None,
                    seed: float, notes: list[str] | None = None) -> np.ndarray:
    """Our values for one of our schedules; notes on NaN frames go to ``notes`` (without it
    they are dropped: reported once, when the schedule was read)."""
    return evaluate_schedule(value, field=field_name, n_frames=n_frames,
                             variables=schedule_variables(n_frames, fps, seed),
                             warnings=[] if notes is None else notes)


#: Plan column of each schedule with a range (cfg and steps are not plan schedules).
def _columns() -> dict[str, str]:
    from ...modes.plan import SCHEDULED_COLUMNS

    columns = {f: c for c, f in SCHEDULED_COLUMNS.items()}
    columns.update(cfg_scale_schedule="cfg_scale", steps_schedule="steps")
    return columns


#: Where a value below a range's excluded low end is clipped to.
_CLIP_FLOOR = {"zoom": 0.01, "fov": 1.0, "flip_fv": 1.0, "near": 1.0, "far": 1.0, "sigma": 0.01}


def read_deforum_schedule(field_name: str, value: Any, n_frames: int, fps: float | None,
                          seed: float, notes: list[str]) -> str | int | float:
    """A schedule of a Deforum settings file as our schedule with the values Deforum computes.

    The text is read as Deforum reads it (:func:`~.schedules.from_deforum_string`): entries
    Deforum reads leniently, values it holds rather than interpolates and frames where its
    expression is not a number (filled in from their neighbours) come out as in Deforum, each
    with a line in ``notes``. The original text is kept when it means the same here. Values
    outside the range we take (a negative ``perspective_flip_fv``, strength below 0) are clipped
    into it, with a note.

    Raises
    ------
    ScheduleError
        The text is broken even for Deforum (or uses a name or function we do not have).
    """
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise ScheduleError(f"{field_name}: expected a keyframe schedule, got "
                            f"{type(value).__name__}")
    text = from_deforum_string(value, field=field_name, n_frames=n_frames, warnings=notes)
    values = schedule_values(field_name, text, n_frames, fps, seed, notes)
    if not notes:
        try:
            same = np.array_equal(schedule_values(field_name, value, n_frames, fps, seed), values)
        except ScheduleError:
            same = False
        if same:
            text = value
    column = _columns().get(field_name)
    ranges = _plan_ranges()
    if column in ranges:
        low, high, inclusive = ranges[column]
        floor = low if inclusive else _CLIP_FLOOR.get(column, low + 1e-3)
        below = (values < low) if inclusive else (values <= low)
        above = values > high
        if below.any() or above.any():
            target = np.where(below, floor, np.minimum(values, high))
            text = _clipped(field_name, text, n_frames, fps, seed, floor, high, target)
            bound = f"{'from' if inclusive else 'above'} {low:g} to {high:g}"
            notes.append(f"{field_name}: {_frames(np.flatnonzero(below | above))} out of our "
                         f"range ({bound}), {values.min():.4g} to {values.max():.4g} in the "
                         f"file; clipped to {floor:g}..{high:g}")
    return text


def _plan_ranges() -> dict[str, tuple[float, float, bool]]:
    from ...modes.plan import column_ranges

    return column_ranges()


def _frames(frames: np.ndarray) -> str:
    if len(frames) == 1:
        return f"frame {int(frames[0])}"
    return f"{len(frames)} frames ({int(frames[0])} to {int(frames[-1])})"


def _clipped(field_name: str, text: str, n_frames: int, fps: float | None, seed: float,
             low: float, high: float, target: np.ndarray) -> str:
    """``text`` with every value clipped into ``low..high``: each key's number or expression
    clipped when that gives ``target`` (the clipped values), else ``target`` frame by frame."""
    parts = []
    for key in parse_keyframes(text, field=field_name, n_frames=n_frames):
        if key.value is not None:
            parts.append(f"{key.frame}:({min(max(key.value, low), high)!r})")
        else:
            parts.append(f"{key.frame}:(clip({key.text}, {low!r}, {high!r}))")
    candidate = ", ".join(parts)
    try:
        if np.allclose(schedule_values(field_name, candidate, n_frames, fps, seed), target,
                       rtol=0, atol=1e-12):
            return candidate
    except SettingsError:
        pass
    return to_deforum_string(target, decimals=EXPORT_DECIMALS)


def negate_schedule(text: str, n_frames: int) -> str:
    """A keyframe schedule with every value negated (keys kept as frame numbers)."""
    keys = parse_keyframes(text, field="schedule", n_frames=max(1, n_frames))
    # numbers stay numbers (they interpolate); expressions are wrapped
    return ", ".join(f"{key.frame}:({-key.value:.10g})" if key.value is not None
                     else f"{key.frame}:(-({key.text}))"
                     for key in keys)


def with_first_frame(text: str, value: float, n_frames: int) -> str:
    """A keyframe schedule whose frame 0 is ``value`` and whose frames 1 on are those of
    ``text`` (keys kept as frame numbers). Like :func:`negate_schedule` it is exact over
    ``n_frames`` frames (the file's max_frames); a run made shorter than a later key holds frame
    1's value where the original would hold frame 0's."""
    keys = parse_keyframes(text, field="schedule", n_frames=max(1, n_frames))
    out = [f"0:({value:.10g})"]
    if n_frames > 1:
        later = [key for key in keys if key.frame >= 1]
        if not later or later[0].frame > 1:  # frame 1 as the schedule had it
            head = keys[0]  # frame 0: a number (interpolated on) or an expression (held)
            if head.value is None:
                out.append(f"1:({head.text})")
            else:
                one = evaluate_schedule(text, field="schedule", n_frames=n_frames,
                                        variables=schedule_variables(n_frames, None, 1.0))[1]
                out.append(f"1:({float(one)!r})")
        out += [f"{key.frame}:({key.text})" for key in later]
    return ", ".join(out)
