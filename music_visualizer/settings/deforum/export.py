"""A run record out as a Deforum (A1111 extension) settings dict that reproduces its motion.

- :func:`export_deforum`  a run record (``<timestring>_settings.json``) -> an A1111-style dict

The export writes the run's *plan*: per-frame values as plain keyframe strings, so schedules that
used audio variables (``beat``, ``drums``) become numbers Deforum can read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ...errors import RunError
from ..model import Settings, settings_from_dict
from ..schedules import to_deforum_string
from .schedule import EXPORT_DECIMALS, MIRRORED_3D

__all__ = ["export_deforum"]

#: Our scheduler -> the A1111 sampler name (``default``: Deforum's own default).
_EXPORT_SAMPLERS = {"default": "Euler a", "euler_a": "Euler a", "euler": "Euler", "ddim": "DDIM",
                    "dpmpp_2m": "DPM++ 2M", "lcm": "LCM"}


def _plain(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


def _keyframes(columns: Mapping[str, np.ndarray], name: str, digits: int) -> str:
    """The plan column ``name`` as a plain keyframe string with ``digits`` decimals."""
    return to_deforum_string(columns[name], decimals=digits)


def _schedules(columns: Mapping[str, np.ndarray], settings: Settings,
               decimals: int) -> dict[str, str]:
    """Deforum's schedules (by Deforum's names) from the plan's columns, seeds apart."""
    from ...modes import mode_for
    from ...modes.plan import SCHEDULED_COLUMNS

    schedules = {fld: _keyframes(columns, col, decimals) for col, fld in SCHEDULED_COLUMNS.items()
                 if col in columns and fld != "seed_schedule"}
    if mode_for(settings).uses_depth:  # Deforum's 3D x axis is mirrored (see mirror_3d_x)
        for fld in MIRRORED_3D:
            schedules[fld] = to_deforum_string(-np.asarray(columns[fld]), decimals=decimals)
    return schedules


def _seeds(columns: Mapping[str, np.ndarray], settings: Settings) -> tuple[str, str]:
    """(seed_behavior, seed_schedule): random and scheduled seeds as a schedule of the run's."""
    behavior = settings.seed_behavior
    seed_schedule = "0:(s)"
    if behavior in ("random", "schedule"):  # Deforum draws its own: write the run's seeds
        behavior = "schedule"
        seed_schedule = _keyframes(columns, "seed", 0)
    return behavior, seed_schedule


def _prompts(plan: Any, settings: Settings) -> tuple[dict[str, str], str]:
    """Prompts at each change, and the run's negative prompt (in every negative) once, apart."""
    common = settings.negative_prompt.strip()
    prompts: dict[str, str] = {}
    index = plan.prompt_index
    for frame in [0, *(np.flatnonzero(np.diff(index)) + 1).tolist()]:
        positive, negative = plan.prompt_table[int(index[frame])]
        own = negative
        if common and own.endswith(common):
            own = own[: -len(common)].rstrip(" ,")
        prompts[str(frame)] = f"{positive} --neg {own}" if own else positive
    return prompts, common


def _look(settings: Settings) -> dict[str, Any]:
    """Colour coherence, cadence, noise and depth keys (in the order Deforum writes them)."""
    colour = {"LAB": "LAB", "HSV": "HSV", "RGB": "RGB", "none": "None"}[settings.color_coherence]
    if settings.color_coherence_image and settings.color_coherence != "none":
        colour = "Image"
    return {
        "color_coherence": colour,
        "color_coherence_image_path": settings.color_coherence_image or "",
        "legacy_colormatch": False,
        "diffusion_cadence": settings.diffusion_cadence,
        "noise_type": settings.noise_type,
        "perlin_octaves": settings.perlin_octaves,
        "perlin_persistence": settings.perlin_persistence,
        "use_depth_warping": True,
        "padding_mode": settings.padding_mode,
        "sampling_mode": settings.sampling_mode,
        "save_depth_maps": settings.save_depth_maps,
    }


def export_deforum(record: Mapping[str, Any], *,
                   decimals: int = EXPORT_DECIMALS) -> dict[str, Any]:
    """A Deforum (A1111 extension) settings dict that reproduces a run's motion.

    Parameters
    ----------
    record : mapping
        A run record, the JSON of ``<timestring>_settings.json`` (``settings``, ``plan``,
        ``seed``, ...).
    decimals : int
        Digits after the decimal point of the per-frame values.

    Every schedule is the run's per-frame plan column as a plain keyframe string (audio
    variables are already evaluated there), so Deforum moves the camera as the run did; the
    strength includes the dips at prompt changes. Prompts are ``{frame: text}`` at each change,
    with ``--neg`` for a prompt's own negative part and the run's negative prompt in
    ``negative_prompts``. Random and scheduled seeds are written as a seed schedule of the run's
    seeds. Prompt blending has no Deforum equivalent and is not written.

    Raises
    ------
    RunError
        If the record has no readable plan or settings.
    """
    from ...modes.plan import Plan

    try:
        plan = Plan.from_dict(record["plan"])
        settings = settings_from_dict(record.get("settings") or {}, source="run settings")
    except (KeyError, TypeError, ValueError) as e:
        raise RunError(f"The run's settings file has no usable plan ({e}).") from None
    seed = int(record.get("seed", settings.seed))
    n = plan.n_frames
    columns = plan.columns

    def keyframes(name: str, digits: int = decimals) -> str:
        return _keyframes(columns, name, digits)

    schedules = _schedules(columns, settings, decimals)
    behavior, seed_schedule = _seeds(columns, settings)
    steps = columns["steps"]
    steps_scheduled = bool(np.any(steps != steps[0]))
    prompts, common = _prompts(plan, settings)
    song = record.get("song") if isinstance(record.get("song"), Mapping) else {}
    audio = song.get("audio") if song else None
    timestring = str(record.get("timestring", ""))
    init = settings.init_image

    out: dict[str, Any] = {
        "W": plan.width,
        "H": plan.height,
        "seed": seed,
        "sampler": _EXPORT_SAMPLERS.get(settings.scheduler, "Euler a"),
        "steps": int(steps[0]),
        "batch_name": f"{song.get('name') or 'music_visualizer'}_{timestring}".strip("_"),
        "seed_behavior": behavior,
        "seed_iter_N": settings.seed_iter_n,
        "use_init": bool(init),
        "strength": float(columns["strength"][0]),
        "strength_0_no_init": True,
        "init_image": init or "",
        "prompts": prompts,
        "positive_prompts": "",
        "negative_prompts": common,
        "animation_prompts_positive": "",
        "animation_prompts_negative": common,
        "animation_mode": settings.mode,
        "max_frames": n,
        "border": settings.border,
        **{k: schedules[k] for k in (
            "angle", "zoom", "translation_x", "translation_y", "translation_z",
            "transform_center_x", "transform_center_y", "rotation_3d_x", "rotation_3d_y",
            "rotation_3d_z") if k in schedules},
        "enable_perspective_flip": settings.enable_perspective_flip,
        **{k: schedules[k] for k in (
            "perspective_flip_theta", "perspective_flip_phi", "perspective_flip_gamma",
            "perspective_flip_fv", "noise_schedule", "strength_schedule", "contrast_schedule")
           if k in schedules},
        "cfg_scale_schedule": keyframes("cfg_scale"),
        "enable_steps_scheduling": steps_scheduled,
        "steps_schedule": keyframes("steps", 0),
        **{k: schedules[k] for k in ("fov_schedule", "near_schedule", "far_schedule")
           if k in schedules},
        "seed_schedule": seed_schedule,
        **{k: schedules[k] for k in (
            "amount_schedule", "kernel_schedule", "sigma_schedule", "threshold_schedule")
           if k in schedules},
        **_look(settings),
        "fps": _plain(plan.fps),
        # the song from the run's start; a slice of the song cannot be given to Deforum
        "add_soundtrack": "File" if audio and plan.start == 0 else "None",
        "soundtrack_path": str(audio) if audio and plan.start == 0 else "",
        "sd_model_name": settings.model,
    }
    # schedules a newer plan has beyond these (same names as Deforum's)
    for k, v in schedules.items():
        out.setdefault(k, v)
    return out
