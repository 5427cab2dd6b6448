"""The steps of a Deforum import other than prompts: each reads some keys of the file (through
a :class:`~.reader.DeforumReader`) and sets our settings, notes and dropped keys.

- frame size, rate and count: :func:`size`, :func:`frame_rate`, :func:`frames_and_mode`
- sampler and seeds: :func:`sampling`, :func:`seeds`
- schedules: :func:`schedules` (each through :func:`read_schedule`), :func:`mirror_3d_x`,
  :func:`guidance`
- looks: :func:`colour`, :func:`noise`, :func:`depth`, :func:`flags`
- the init image: :func:`init_image`, :func:`init_strength`
- the model: :func:`model`, :func:`model_hint`
- our own keys in the file: :func:`our_own_keys`; what is not supported:
  :func:`unsupported_features`
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import SettingsError
from ..model import CHOICES, Settings
from .reader import DeforumReader, as_number, as_text, as_truthy, fmt_number
from .schedule import (
    MIRRORED_3D,
    negate_schedule,
    read_deforum_schedule,
    schedule_values,
    with_first_frame,
)

__all__ = [
    "colour",
    "depth",
    "flags",
    "frame_rate",
    "frames_and_mode",
    "guidance",
    "init_image",
    "init_strength",
    "mirror_3d_x",
    "model",
    "model_hint",
    "noise",
    "our_own_keys",
    "read_schedule",
    "sampling",
    "schedules",
    "seeds",
    "size",
    "unsupported_features",
]

#: Schedules with the same name in Deforum and here.
_SAME_SCHEDULES: tuple[str, ...] = (
    "angle", "zoom", "translation_x", "translation_y", "translation_z", "transform_center_x",
    "transform_center_y", "rotation_3d_x", "rotation_3d_y", "rotation_3d_z",
    "perspective_flip_theta", "perspective_flip_phi", "perspective_flip_gamma",
    "perspective_flip_fv", "noise_schedule", "strength_schedule", "contrast_schedule",
    "fov_schedule", "near_schedule", "far_schedule", "kernel_schedule", "sigma_schedule",
    "amount_schedule", "threshold_schedule", "seed_schedule",
)

#: The Colab notebook's plain numbers for what A1111 (and we) schedule.
_COLAB_CAMERA = {"fov": "fov_schedule", "near_plane": "near_schedule", "far_plane": "far_schedule"}

#: Deforum sampler names (normalised: lower case, "+" -> "p", only letters and digits) -> ours.
_SAMPLERS_EXACT = {
    "eulera": "euler_a", "eulerancestral": "euler_a", "euler": "euler", "ddim": "ddim",
    "dpmpp2m": "dpmpp_2m", "lcm": "lcm",
}
#: Samplers we have no class for, and the nearest one we use instead.
_SAMPLERS_NEAR = {
    "dpmpp2mkarras": "dpmpp_2m", "dpmpp2msde": "dpmpp_2m", "dpmpp2msdekarras": "dpmpp_2m",
    "dpmpp2msdeexponential": "dpmpp_2m", "dpmpp3msde": "dpmpp_2m", "dpmpp3msdekarras": "dpmpp_2m",
    "dpmppsde": "dpmpp_2m", "dpmppsdekarras": "dpmpp_2m", "dpmpp2sa": "euler_a",
    "dpmpp2sakarras": "euler_a", "dpmpp2sancestral": "euler_a", "dpm2a": "euler_a",
    "dpm2akarras": "euler_a", "dpm2ancestral": "euler_a", "ddimcfgpp": "ddim",
}

_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[A-Za-z0-9][\w.-]*$")


def size(r: DeforumReader) -> None:
    """W and H -> width and height (multiples of 8, 8 to 4096)."""
    for key, ours in (("W", "width"), ("H", "height")):
        if not r.has(key):
            continue
        value = as_number(r.get(key))
        if value is None or value < 1:
            r.drop(key, f"{key} {r.data[key]!r} is not a size in pixels; not used.")
            continue
        size = min(4096, max(8, math.floor(value / 8 + 0.5) * 8))
        if size != value:
            r.notes.append(f"{key} {fmt_number(value)} -> {ours} {size} (a multiple of 8)")
        r.out[ours] = size


def frame_rate(r: DeforumReader) -> float | None:
    """fps -> fps (0 to 120); returns it, or None when the file has none we can use."""
    if not r.has("fps"):
        return None
    value = as_number(r.get("fps"))
    if value is None or not 0 < value <= 120:
        r.drop("fps", f"fps {r.data['fps']!r} is not a frame rate (0 to 120); not used.")
        return None
    r.out["fps"] = value
    return value


def frames_and_mode(r: DeforumReader, fps: float | None) -> int:
    """Set mode and duration; return the frame count schedules are checked with."""
    mode = as_text(r.get("animation_mode", "2D")) or "2D"
    still = mode.lower() == "none"
    if mode.upper() in CHOICES["mode"]:
        r.out["mode"] = mode.upper()
    elif r.has("animation_mode"):
        r.out["mode"] = "2D"
        r.notes.append(f"animation_mode '{mode}' is not supported: rendered as 2D")
    n_frames = 120
    if r.has("max_frames"):
        frames = as_number(r.get("max_frames"))
        if frames is None or frames < 1 or not frames.is_integer():
            r.drop("max_frames", f"max_frames {r.data['max_frames']!r} is not a frame "
                                    "count; not used.")
        elif still:
            r.drop("max_frames")
        else:
            n_frames = int(frames)
            rate = fps if fps is not None else Settings().fps
            duration = round(n_frames / rate, 6)
            r.out["duration"] = duration
            origin = "" if fps is not None else " (no fps in the file: our default)"
            r.notes.append(f"max_frames {n_frames} at {rate:g} fps{origin} -> duration "
                              f"{duration:g} s (--duration and --fps override it)")
    return min(n_frames, 100_000)


def sampling(r: DeforumReader) -> None:
    """The sampler (or the nearest we have), steps and cfg scale."""
    if r.has("sampler"):
        raw = r.get("sampler")
        name = as_text(raw)
        key = re.sub(r"[^a-z0-9]", "", name.lower().replace("+", "p"))
        if key in _SAMPLERS_EXACT:
            r.out["scheduler"] = _SAMPLERS_EXACT[key]
        elif key in _SAMPLERS_NEAR:
            r.out["scheduler"] = _SAMPLERS_NEAR[key]
            r.notes.append(f"sampler '{name}' is not available: using the nearest, "
                              f"{_SAMPLERS_NEAR[key]}")
        else:
            r.out["scheduler"] = "default"
            r.notes.append(
                f"sampler {raw!r} is not available: using the model's own scheduler "
                f"(choose one of {', '.join(CHOICES['scheduler'][1:])} with --scheduler)")
    if r.has("steps"):
        steps = as_number(r.get("steps"))
        if steps is not None and steps.is_integer():
            r.out["steps"] = int(steps)
        else:
            r.drop("steps", f"steps {r.data['steps']!r} is not a whole number; "
                               "not used.")
    for key in ("cfg_scale", "scale"):
        if r.has(key):
            value = as_number(r.get(key))
            if value is None:
                r.drop(key, f"{key} {r.data[key]!r} is not a number; not used.")
            else:
                r.out["cfg_scale"] = value
            break


def seeds(r: DeforumReader) -> float:
    """Map seed fields; return the seed used as ``s`` when checking schedules."""
    seed = 1.0
    if r.has("seed"):
        value = as_number(r.get("seed"))
        if value is not None and value.is_integer() and -1 <= value < 2**32:
            r.out["seed"] = int(value)
            seed = max(value, 1.0)
        else:
            r.drop("seed", f"seed {r.data['seed']!r} is not -1 or a seed from 0 to "
                              "2**32-1; a random seed is used.")
    if r.has("seed_behavior"):
        behavior = as_text(r.get("seed_behavior")).lower()
        if behavior in CHOICES["seed_behavior"]:
            r.out["seed_behavior"] = behavior
        else:
            r.drop("seed_behavior", f"seed_behavior {r.data['seed_behavior']!r} is "
                                       "not supported: iter is used.")
    for key in ("seed_iter_N", "seed_iter_n"):
        if r.has(key):
            value = as_number(r.get(key))
            if value is not None and value.is_integer() and value >= 1:
                r.out["seed_iter_n"] = int(value)
            else:
                r.drop(key, f"{key} {r.data[key]!r} must be a whole number >= 1; "
                               "not used.")
    return seed


def read_schedule(r: DeforumReader, key: str, ours: str, value: Any, n_frames: int,
                  fps: float | None, seed: float) -> str | int | float | None:
    """``value`` as our schedule for ``ours``, meaning what it means in Deforum (see
    :func:`read_deforum_schedule`); None (noted, ``key`` dropped) when it is broken."""
    notes: list[str] = []
    try:
        text = read_deforum_schedule(ours, value, n_frames, fps, seed, notes)
    except SettingsError as e:  # ScheduleError is a SettingsError
        default = getattr(Settings(), ours)
        instead = f"our default {default}" if default is not None else "the plain value"
        problem = str(e).removeprefix(f"{ours}: ").rstrip(".")
        r.drop(key, f"{key} is not used ({problem}); {instead} instead")
        return None
    r.notes.extend(dict.fromkeys(notes))
    return text


def schedules(r: DeforumReader, n_frames: int, fps: float | None, seed: float) -> None:
    """Every schedule of the same name, and the Colab notebook's plain camera numbers."""
    for key in _SAME_SCHEDULES:
        if r.has(key):
            text = read_schedule(r, key, key, r.get(key), n_frames, fps, seed)
            if text is not None:
                r.out[key] = text
    for key, ours in _COLAB_CAMERA.items():
        if r.has(key) and not r.has(ours):
            text = read_schedule(r, key, ours, r.get(key), n_frames, fps, seed)
            if text is not None:
                r.out[ours] = text


def mirror_3d_x(r: DeforumReader, n_frames: int) -> None:
    """Deforum's 3D translation_x and rotation_3d_y move the picture left where ours (and
    Deforum's 2D) move it right: negate them so a Deforum 3D file looks as it did there."""
    if r.out.get("mode") != "3D":
        return
    for key in MIRRORED_3D:
        if key in r.out:
            r.out[key] = negate_schedule(r.out[key], n_frames)
    if any(key in r.out for key in MIRRORED_3D):
        r.notes.append("3D: translation_x and rotation_3d_y negated (Deforum's 3D x "
                          "axis points the other way from its 2D one and ours)")


def guidance(r: DeforumReader, n_frames: int, fps: float | None, seed: float) -> None:
    """cfg and steps schedules, when the file uses them (a constant one sets the value)."""
    for key, enable, plain, whole in (
            ("cfg_scale_schedule", "enable_cfg_scale_scheduling", "cfg_scale", False),
            ("steps_schedule", "enable_steps_scheduling", "steps", True)):
        if not r.has(key):
            continue
        value = r.get(key)
        # A1111 always uses its cfg schedule; steps only with enable_steps_scheduling
        enabled = as_truthy(r.get(enable, key == "cfg_scale_schedule"))
        if not enabled:
            r.drop(key)
            continue
        text = read_schedule(r, key, key, value, n_frames, fps, seed)
        if text is None:
            continue
        values = schedule_values(key, text, n_frames, fps, seed)
        if np.all(values == values[0]) and (not whole or float(values[0]).is_integer()):
            r.out[plain] = int(values[0]) if whole else float(values[0])
        else:
            r.out[key] = text


def colour(r: DeforumReader) -> None:
    """Colour coherence (Deforum's "Match Frame 0 LAB" ...) and its image."""
    if not r.has("color_coherence"):
        return
    raw = r.get("color_coherence")
    name = as_text(raw).lower().removeprefix("match frame 0").strip()
    image = as_text(r.get("color_coherence_image_path", ""))
    if name in ("none", "", "false", "off"):
        r.out["color_coherence"] = "none"
    elif name in ("lab", "hsv", "rgb"):
        r.out["color_coherence"] = name.upper()
    elif name == "image" and image:
        r.out["color_coherence"] = "LAB"
        r.out["color_coherence_image"] = image
    elif name == "image":
        r.out["color_coherence"] = "LAB"
        r.notes.append("color_coherence 'Image' without color_coherence_image_path: "
                          "frame 0 is matched in LAB")
    else:
        r.out["color_coherence"] = "LAB"
        r.notes.append(f"color_coherence {raw!r} is not supported: frame 0 is matched "
                          "in LAB")
    if image and "color_coherence_image" not in r.out:
        r.drop("color_coherence_image_path")


def noise(r: DeforumReader) -> None:
    """Noise type and the perlin settings."""
    if r.has("noise_type"):
        raw = r.get("noise_type")
        name = as_text(raw).lower()
        if name in CHOICES["noise_type"]:
            r.out["noise_type"] = name
        elif name == "uniform":  # Deforum's "uniform" noise is torch.randn: gaussian
            r.out["noise_type"] = "gaussian"
        else:
            r.drop("noise_type", f"noise_type {raw!r} is not supported: gaussian noise "
                                    "is used.")
    for key, convert in (("perlin_octaves", int), ("perlin_persistence", float)):
        if r.has(key):
            value = as_number(r.get(key))
            if value is None or (convert is int and not value.is_integer()):
                r.drop(key, f"{key} {r.data[key]!r} is not a number; not used.")
            else:
                r.out[key] = convert(value)


def depth(r: DeforumReader) -> None:
    """The 3D depth fields (padding, sampling, saved depth maps, depth warping)."""
    for key in ("padding_mode", "sampling_mode"):
        if r.has(key):
            value = as_text(r.get(key)).lower()
            if value in CHOICES[key]:
                r.out[key] = value
            else:
                r.drop(key, f"{key} {r.data[key]!r} is not one of "
                               f"{', '.join(CHOICES[key])}; not used.")
    if r.has("save_depth_maps"):
        r.out["save_depth_maps"] = as_truthy(r.get("save_depth_maps"))
    three_d = r.out.get("mode") == "3D"
    if r.has("use_depth_warping"):
        if as_truthy(r.get("use_depth_warping")):
            pass  # what 3D does here
        elif three_d:
            r.drop("use_depth_warping", "use_depth_warping is off in the file: 3D here "
                                           "always warps by depth")
    if three_d and r.has("depth_algorithm"):
        r.notes.append(f"depth_algorithm {r.data['depth_algorithm']!r} is not "
                          f"available: depth comes from {Settings().depth_model} "
                          "(--depth-model)")


def flags(r: DeforumReader) -> None:
    """Perspective flip, border and diffusion cadence."""
    for key in ("enable_perspective_flip", "flip_2d_perspective"):
        if r.has(key):
            r.out["enable_perspective_flip"] = as_truthy(r.get(key))
            break
    if r.has("border"):
        value = as_text(r.get("border")).lower()
        if value in CHOICES["border"]:
            r.out["border"] = value
        else:
            r.drop("border", f"border {r.data['border']!r} is not supported: "
                                "replicate is used.")
    if r.has("diffusion_cadence"):
        value = as_number(r.get("diffusion_cadence"))
        if value is not None and value.is_integer():
            r.out["diffusion_cadence"] = int(value)
        else:
            r.drop("diffusion_cadence", f"diffusion_cadence "
                                           f"{r.data['diffusion_cadence']!r} is not a "
                                           "whole number; not used.")


def init_image(r: DeforumReader) -> None:
    """The init image, when the file uses one (a web address is not downloaded)."""
    if not r.has("init_image"):
        return
    image = as_text(r.get("init_image"))
    use = as_truthy(r.get("use_init", False))
    if not use or not image or image.lower() == "none":
        if image and image.lower() != "none":
            r.drop("init_image")
        return
    if re.match(r"^[a-z]+://", image, re.I):
        r.drop("init_image", f"init_image is a web address ({image}): download it and "
                                "give the file with --init-image")
        return
    r.out["init_image"] = image


def init_strength(r: DeforumReader, n_frames: int, fps: float | None, seed: float) -> None:
    """Deforum diffuses frame 0 from the init image with ``strength`` (its Init tab), the
    later frames with ``strength_schedule``: ours has one schedule, so frame 0 of it is set
    to ``strength`` (frames 1 on unchanged)."""
    if "init_image" not in r.out or not r.has("strength"):
        return
    value = as_number(r.get("strength"))
    if value is None or not 0 <= value <= 1:
        r.drop("strength", f"strength {r.data['strength']!r} is not a number from 0 to "
                              "1; frame 0 uses the strength schedule.")
        return
    schedule = r.out.get("strength_schedule", Settings().strength_schedule)
    original = schedule_values("strength_schedule", schedule, n_frames, fps, seed)
    if original[0] == value:
        return
    changed = with_first_frame(schedule, value, n_frames)
    values = schedule_values("strength_schedule", changed, n_frames, fps, seed)
    if values[0] != value or not np.allclose(values[1:], original[1:], rtol=0, atol=1e-9):
        r.drop("strength", f"strength {value:g} (frame 0 from the init image) could not "
                              "be set in the strength schedule; frame 0 uses the schedule.")
        return
    r.out["strength_schedule"] = changed
    r.notes.append(f"strength {value:g} (frame 0 from the init image) -> frame 0 of "
                      f"strength_schedule: {changed}")


def model(r: DeforumReader) -> None:
    """sd_model_name -> model when it is a Hub id or an existing file."""
    if not r.has("sd_model_name"):
        return
    name = as_text(r.get("sd_model_name"))
    hub_id = bool(_HUB_ID.match(name)) and not name.endswith((".safetensors", ".ckpt"))
    if name and (hub_id or Path(name).expanduser().exists()):
        r.out["model"] = name
    elif name:
        r.drop("sd_model_name", f"sd_model_name '{name}' is an A1111 checkpoint name: "
                                   "give its file with --model to use it")


def our_own_keys(r: DeforumReader) -> None:
    """Keys of ours added to a Deforum file (e.g. ``model``, ``width`` by the notebook's
    form) are used as they are, over what the Deforum keys gave."""
    fields = {f.name for f in dataclasses.fields(Settings)}
    mine = []
    for key in [k for k in r.data if k in fields and k not in r.used]:
        value = r.data[key]
        if key == "scheduler" and str(value).strip().lower() not in CHOICES["scheduler"]:
            continue  # A1111's noise schedule type (Karras ...), not ours
        r.used.add(key)
        r.out[key] = value
        mine.append(key)
    if mine:
        r.notes.append(f"settings of ours in the file, used as given: {', '.join(mine)}")


def model_hint(r: DeforumReader) -> None:
    """A note when steps and cfg suit SD 1.5-type models but no model is given."""
    steps, cfg = r.out.get("steps"), r.out.get("cfg_scale")
    if "model" in r.out or (steps is None and cfg is None):
        return
    if (steps or 0) > 8 or (cfg or 0) > 2:
        default = Settings()
        r.notes.append(
            f"steps {steps if steps is not None else default.steps} and cfg_scale "
            f"{cfg if cfg is not None else default.cfg_scale:g} suit SD 1.5-type models; "
            f"with the default {default.model} use about --steps {default.steps} "
            f"--cfg-scale {default.cfg_scale:g}, or give --model")


def unsupported_features(r: DeforumReader) -> None:
    """One note naming the Deforum features the file turns on that are not supported."""
    on: list[str] = []

    def check(label: str, test: Callable[[dict[str, Any]], bool]) -> None:
        try:
            if test(r.data):
                on.append(label)
        except (TypeError, ValueError, AttributeError):
            pass

    check("Parseq", lambda d: bool(as_text(d.get("parseq_manifest"))))
    check("hybrid video", lambda d: as_text(str(d.get("hybrid_motion", "None"))) != "None"
          or as_text(str(d.get("hybrid_composite", "None"))) not in ("None", "False"))
    for i in range(1, 6):
        check(f"ControlNet {i}", lambda d, i=i: as_truthy(d.get(f"cn_{i}_enabled", False)))
    for key, label in (("use_looper", "guided images"), ("use_mask", "masks"),
                       ("use_noise_mask", "noise masks"),
                       ("enable_sampler_scheduling", "sampler schedule"),
                       ("enable_checkpoint_scheduling", "checkpoint schedule"),
                       ("enable_clipskip_scheduling", "clip skip schedule"),
                       ("enable_subseed_scheduling", "subseed schedule"),
                       ("enable_schedule_samplers", "sampler schedule"),
                       ("resume_from_timestring", "resume (use --resume)"),
                       ("r_upscale_video", "upscaling")):
        check(label, lambda d, key=key: as_truthy(d.get(key, False)))
    check("frame interpolation",
          lambda d: as_text(str(d.get("frame_interpolation_engine", "None"))) != "None")
    if on:
        names = ", ".join(dict.fromkeys(on))
        r.notes.append(f"on in the file but not supported here: {names}")
