"""Deforum settings files in and out: use a Deforum ``*_settings.txt`` as ``--settings``, and write
one from a run so Deforum (the A1111 extension) reproduces its motion.

- :func:`is_deforum_settings` whether a parsed settings file is Deforum's (by its keys)
- :func:`import_deforum`      a Deforum settings mapping -> our settings, plus what did not map
- :class:`DeforumImport`      the result: ``settings`` (our keys), ``unmapped``, ``notes``
- :func:`read_deforum_schedule` one schedule of the file -> ours, with Deforum's values
- :func:`export_deforum`      a run record (``<timestring>_settings.json``) -> an A1111-style dict

Both Deforum flavours write JSON: the A1111 extension's ``<timestring>_settings.txt`` (its argument
groups flattened, plus ``prompts`` {frame: text}, ``positive_prompts``/``negative_prompts`` or
``animation_prompts_positive``/``_negative``, ``sd_model_name`` ...) and the Colab notebook's
(args and anim args flattened: ``W``, ``H``, ``sampler``, ``scale``, ``color_coherence``
"Match Frame 0 LAB", ``fov``/``near_plane``/``far_plane`` ...; prompts may be absent).

What maps: W/H (to multiples of 8), fps, seed, sampler, steps, scale/cfg_scale, every schedule of
the same name (read as Deforum reads it, see :func:`read_deforum_schedule`: one that even Deforum
cannot read is reported and left at our default),
animation_mode 2D/3D, max_frames (-> duration at the file's fps), diffusion_cadence, colour
coherence (+ image), noise type and perlin settings, the 3D depth fields, perspective flip,
anti-blur, seed behaviour/iter/schedule, cfg and steps schedules (when the file enables them),
prompts (with the positive/negative parts A1111 adds to every prompt), border and the init image.
The rest (Video Input, hybrid video, ControlNet, Parseq, masks, upscaling, output and resume
fields ...) is listed in :attr:`DeforumImport.unmapped`.

The export writes the run's *plan*: per-frame values as plain keyframe strings, so schedules that
used audio variables (``beat``, ``drums``) become numbers Deforum can read.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import RunError, SettingsError
from ..safe_load import parse_json
from .model import CHOICES, Settings, deforum_sources, settings_from_dict

__all__ = [
    "EXPORT_DECIMALS",
    "DeforumImport",
    "export_deforum",
    "import_deforum",
    "is_deforum_settings",
    "read_deforum_schedule",
]

#: Digits after the decimal point of exported per-frame values (zoom drifts < 0.1% in 1000 frames).
EXPORT_DECIMALS = 6

#: Keys only Deforum writes, one of which (with W and H) marks a Deforum settings file.
_DEFORUM_KEYS = frozenset({
    "animation_mode", "max_frames", "sampler", "scale", "seed_behavior", "seed_iter_N",
    "sd_model_name",
})
#: Keys only the A1111 extension writes (else the file is taken as the Colab notebook's).
_A1111_KEYS = frozenset({
    "sd_model_name", "sd_model_hash", "deforum_git_commit_id", "positive_prompts",
    "negative_prompts", "animation_prompts_positive", "animation_prompts_negative",
    "skip_video_creation", "enable_steps_scheduling", "cn_1_enabled", "cfg_scale_schedule",
    "show_info_on_ui",
})

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
#: Our scheduler -> the A1111 sampler name (``default``: Deforum's own default).
_EXPORT_SAMPLERS = {"default": "Euler a", "euler_a": "Euler a", "euler": "Euler", "ddim": "DDIM",
                    "dpmpp_2m": "DPM++ 2M", "lcm": "LCM"}

#: The Deforum keys each of our keys can come from (when not the same name): the declarations'.
_SOURCES: dict[str, tuple[str, ...]] = deforum_sources()

_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[A-Za-z0-9][\w.-]*$")
_SHORT_VALUE = 28  # unmapped values up to this many characters are shown


@dataclass(frozen=True)
class DeforumImport:
    """A Deforum settings file converted to ours.

    Attributes
    ----------
    settings : dict
        Our settings (keys of :class:`~music_visualizer.settings.Settings`); they pass
        :func:`~music_visualizer.settings.settings_from_dict`.
    unmapped : list of str
        Deforum keys that are not used, as ``key`` or ``key=value`` when the value is short.
    notes : list of str
        What was converted and how (``max_frames 120 at 15 fps -> duration 8 s``), what is not
        supported and what was used instead.
    kind : str
        ``"A1111"`` (the A1111 extension's file) or ``"Colab"`` (the Colab notebook's).
    """

    settings: dict[str, Any]
    unmapped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    kind: str = "A1111"

    def report(self, source: str) -> list[str]:
        """Lines for the user: a summary naming ``source``, the notes, and what was not used."""
        what = "A1111 extension" if self.kind == "A1111" else "Colab notebook"
        lines = [f"Deforum settings from {source}: {what} file, {len(self.settings)} settings "
                 f"used, {len(self.unmapped)} not used."]
        lines += [f"  {note}" for note in self.notes]
        if self.unmapped:
            lines.append("  not used: " + ", ".join(self.unmapped))
        return lines


def is_deforum_settings(data: Any) -> bool:
    """Whether ``data`` (a parsed settings file) is a Deforum settings file.

    Decided by the keys, never the file name: ``W`` and ``H`` with one of Deforum's own keys
    (``animation_mode``, ``max_frames``, ``sampler``, ``scale``, ``seed_behavior``, ...), or
    ``animation_mode`` with ``max_frames``. Our own settings have none of these keys.
    """
    if not isinstance(data, Mapping):
        return False
    keys = {k for k in data if isinstance(k, str)}
    if {"W", "H"} <= keys and keys & _DEFORUM_KEYS:
        return True
    return {"animation_mode", "max_frames"} <= keys


# ---------------------------------------------------------------------------------------------
# Import
# ---------------------------------------------------------------------------------------------


def _short(key: str, value: Any) -> str:
    if isinstance(value, (bool, int, float)) or value is None or (
            isinstance(value, str) and len(value) <= _SHORT_VALUE and "\n" not in value):
        return f"{key}={json.dumps(value, ensure_ascii=False)}"
    return key


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "yes", "on", "1")
    return bool(value)


def _number(value: Any) -> float | None:
    """A finite number from a number or numeric text, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        out = float(value)
    elif isinstance(value, str):
        try:
            out = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return out if math.isfinite(out) else None


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _fmt(value: float) -> str:
    return f"{value:.6g}"


class _Importer:
    """One conversion: reads keys (marking them used), collects settings, notes and drops."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = {str(k): v for k, v in data.items()}
        self.used: set[str] = set()
        self.dropped: set[str] = set()  # read, but not honoured: listed as unmapped
        self.out: dict[str, Any] = {}
        self.notes: list[str] = []
        self.kind = "A1111" if set(self.data) & _A1111_KEYS else "Colab"

    # -- reading ---------------------------------------------------------------------------

    def has(self, key: str) -> bool:
        return key in self.data

    def get(self, key: str, default: Any = None) -> Any:
        if key in self.data:
            self.used.add(key)
            return self.data[key]
        return default

    def drop(self, key: str, note: str | None = None) -> None:
        self.used.add(key)
        self.dropped.add(key)
        if note:
            self.notes.append(note)

    # -- the conversion --------------------------------------------------------------------

    def run(self) -> DeforumImport:
        self.size()
        fps = self.fps()
        n_frames = self.frames_and_mode(fps)
        self.sampling()
        seed = self.seeds()
        self.schedules(n_frames, fps, seed)
        self.mirror_3d_x(n_frames)
        self.guidance(n_frames, fps, seed)
        self.colour()
        self.noise()
        self.depth()
        self.flags()
        self.prompts(n_frames)
        self.init_image()
        self.init_strength(n_frames, fps, seed)
        self.model()
        self.unsupported_features()
        self.our_own_keys()
        self.model_hint()
        self.validate()
        unmapped = [_short(k, self.data[k]) for k in self.data
                    if k not in self.used or k in self.dropped]
        return DeforumImport(settings=dict(self.out), unmapped=unmapped, notes=self.notes,
                             kind=self.kind)

    def mirror_3d_x(self, n_frames: int) -> None:
        """Deforum's 3D translation_x and rotation_3d_y move the picture left where ours (and
        Deforum's 2D) move it right: negate them so a Deforum 3D file looks as it did there."""
        if self.out.get("mode") != "3D":
            return
        for key in _MIRRORED_3D:
            if key in self.out:
                self.out[key] = negate_schedule(self.out[key], n_frames)
        if any(key in self.out for key in _MIRRORED_3D):
            self.notes.append("3D: translation_x and rotation_3d_y negated (Deforum's 3D x "
                              "axis points the other way from its 2D one and ours)")

    def size(self) -> None:
        for key, ours in (("W", "width"), ("H", "height")):
            if not self.has(key):
                continue
            value = _number(self.get(key))
            if value is None or value < 1:
                self.drop(key, f"{key} {self.data[key]!r} is not a size in pixels; not used.")
                continue
            size = min(4096, max(8, math.floor(value / 8 + 0.5) * 8))
            if size != value:
                self.notes.append(f"{key} {_fmt(value)} -> {ours} {size} (a multiple of 8)")
            self.out[ours] = size

    def fps(self) -> float | None:
        if not self.has("fps"):
            return None
        value = _number(self.get("fps"))
        if value is None or not 0 < value <= 120:
            self.drop("fps", f"fps {self.data['fps']!r} is not a frame rate (0 to 120); not used.")
            return None
        self.out["fps"] = value
        return value

    def frames_and_mode(self, fps: float | None) -> int:
        """Set mode and duration; return the frame count schedules are checked with."""
        mode = _text(self.get("animation_mode", "2D")) or "2D"
        still = mode.lower() == "none"
        if mode.upper() in CHOICES["mode"]:
            self.out["mode"] = mode.upper()
        elif self.has("animation_mode"):
            self.out["mode"] = "2D"
            self.notes.append(f"animation_mode '{mode}' is not supported: rendered as 2D")
        n_frames = 120
        if self.has("max_frames"):
            frames = _number(self.get("max_frames"))
            if frames is None or frames < 1 or not frames.is_integer():
                self.drop("max_frames", f"max_frames {self.data['max_frames']!r} is not a frame "
                                        "count; not used.")
            elif still:
                self.drop("max_frames")
            else:
                n_frames = int(frames)
                rate = fps if fps is not None else Settings().fps
                duration = round(n_frames / rate, 6)
                self.out["duration"] = duration
                origin = "" if fps is not None else " (no fps in the file: our default)"
                self.notes.append(f"max_frames {n_frames} at {rate:g} fps{origin} -> duration "
                                  f"{duration:g} s (--duration and --fps override it)")
        return min(n_frames, 100_000)

    def sampling(self) -> None:
        if self.has("sampler"):
            raw = self.get("sampler")
            name = _text(raw)
            key = re.sub(r"[^a-z0-9]", "", name.lower().replace("+", "p"))
            if key in _SAMPLERS_EXACT:
                self.out["scheduler"] = _SAMPLERS_EXACT[key]
            elif key in _SAMPLERS_NEAR:
                self.out["scheduler"] = _SAMPLERS_NEAR[key]
                self.notes.append(f"sampler '{name}' is not available: using the nearest, "
                                  f"{_SAMPLERS_NEAR[key]}")
            else:
                self.out["scheduler"] = "default"
                self.notes.append(
                    f"sampler {raw!r} is not available: using the model's own scheduler "
                    f"(choose one of {', '.join(CHOICES['scheduler'][1:])} with --scheduler)")
        if self.has("steps"):
            steps = _number(self.get("steps"))
            if steps is not None and steps.is_integer():
                self.out["steps"] = int(steps)
            else:
                self.drop("steps", f"steps {self.data['steps']!r} is not a whole number; "
                                   "not used.")
        for key in ("cfg_scale", "scale"):
            if self.has(key):
                value = _number(self.get(key))
                if value is None:
                    self.drop(key, f"{key} {self.data[key]!r} is not a number; not used.")
                else:
                    self.out["cfg_scale"] = value
                break

    def seeds(self) -> float:
        """Map seed fields; return the seed used as ``s`` when checking schedules."""
        seed = 1.0
        if self.has("seed"):
            value = _number(self.get("seed"))
            if value is not None and value.is_integer() and -1 <= value < 2**32:
                self.out["seed"] = int(value)
                seed = max(value, 1.0)
            else:
                self.drop("seed", f"seed {self.data['seed']!r} is not -1 or a seed from 0 to "
                                  "2**32-1; a random seed is used.")
        if self.has("seed_behavior"):
            behavior = _text(self.get("seed_behavior")).lower()
            if behavior in CHOICES["seed_behavior"]:
                self.out["seed_behavior"] = behavior
            else:
                self.drop("seed_behavior", f"seed_behavior {self.data['seed_behavior']!r} is "
                                           "not supported: iter is used.")
        for key in ("seed_iter_N", "seed_iter_n"):
            if self.has(key):
                value = _number(self.get(key))
                if value is not None and value.is_integer() and value >= 1:
                    self.out["seed_iter_n"] = int(value)
                else:
                    self.drop(key, f"{key} {self.data[key]!r} must be a whole number >= 1; "
                                   "not used.")
        return seed

    def _read_schedule(self, key: str, ours: str, value: Any, n_frames: int,
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
            self.drop(key, f"{key} is not used ({problem}); {instead} instead")
            return None
        self.notes.extend(dict.fromkeys(notes))
        return text

    def schedules(self, n_frames: int, fps: float | None, seed: float) -> None:
        for key in _SAME_SCHEDULES:
            if self.has(key):
                text = self._read_schedule(key, key, self.get(key), n_frames, fps, seed)
                if text is not None:
                    self.out[key] = text
        for key, ours in _COLAB_CAMERA.items():
            if self.has(key) and not self.has(ours):
                text = self._read_schedule(key, ours, self.get(key), n_frames, fps, seed)
                if text is not None:
                    self.out[ours] = text

    def guidance(self, n_frames: int, fps: float | None, seed: float) -> None:
        """cfg and steps schedules, when the file uses them (a constant one sets the value)."""
        for key, enable, plain, whole in (
                ("cfg_scale_schedule", "enable_cfg_scale_scheduling", "cfg_scale", False),
                ("steps_schedule", "enable_steps_scheduling", "steps", True)):
            if not self.has(key):
                continue
            value = self.get(key)
            # A1111 always uses its cfg schedule; steps only with enable_steps_scheduling
            enabled = _truthy(self.get(enable, key == "cfg_scale_schedule"))
            if not enabled:
                self.drop(key)
                continue
            text = self._read_schedule(key, key, value, n_frames, fps, seed)
            if text is None:
                continue
            values = _evaluate(key, text, n_frames, fps, seed)
            if np.all(values == values[0]) and (not whole or float(values[0]).is_integer()):
                self.out[plain] = int(values[0]) if whole else float(values[0])
            else:
                self.out[key] = text

    def colour(self) -> None:
        if not self.has("color_coherence"):
            return
        raw = self.get("color_coherence")
        name = _text(raw).lower().removeprefix("match frame 0").strip()
        image = _text(self.get("color_coherence_image_path", ""))
        if name in ("none", "", "false", "off"):
            self.out["color_coherence"] = "none"
        elif name in ("lab", "hsv", "rgb"):
            self.out["color_coherence"] = name.upper()
        elif name == "image" and image:
            self.out["color_coherence"] = "LAB"
            self.out["color_coherence_image"] = image
        elif name == "image":
            self.out["color_coherence"] = "LAB"
            self.notes.append("color_coherence 'Image' without color_coherence_image_path: "
                              "frame 0 is matched in LAB")
        else:
            self.out["color_coherence"] = "LAB"
            self.notes.append(f"color_coherence {raw!r} is not supported: frame 0 is matched "
                              "in LAB")
        if image and "color_coherence_image" not in self.out:
            self.drop("color_coherence_image_path")

    def noise(self) -> None:
        if self.has("noise_type"):
            raw = self.get("noise_type")
            name = _text(raw).lower()
            if name in CHOICES["noise_type"]:
                self.out["noise_type"] = name
            elif name == "uniform":  # Deforum's "uniform" noise is torch.randn: gaussian
                self.out["noise_type"] = "gaussian"
            else:
                self.drop("noise_type", f"noise_type {raw!r} is not supported: gaussian noise "
                                        "is used.")
        for key, convert in (("perlin_octaves", int), ("perlin_persistence", float)):
            if self.has(key):
                value = _number(self.get(key))
                if value is None or (convert is int and not value.is_integer()):
                    self.drop(key, f"{key} {self.data[key]!r} is not a number; not used.")
                else:
                    self.out[key] = convert(value)

    def depth(self) -> None:
        for key in ("padding_mode", "sampling_mode"):
            if self.has(key):
                value = _text(self.get(key)).lower()
                if value in CHOICES[key]:
                    self.out[key] = value
                else:
                    self.drop(key, f"{key} {self.data[key]!r} is not one of "
                                   f"{', '.join(CHOICES[key])}; not used.")
        if self.has("save_depth_maps"):
            self.out["save_depth_maps"] = _truthy(self.get("save_depth_maps"))
        three_d = self.out.get("mode") == "3D"
        if self.has("use_depth_warping"):
            if _truthy(self.get("use_depth_warping")):
                pass  # what 3D does here
            elif three_d:
                self.drop("use_depth_warping", "use_depth_warping is off in the file: 3D here "
                                               "always warps by depth")
        if three_d and self.has("depth_algorithm"):
            self.notes.append(f"depth_algorithm {self.data['depth_algorithm']!r} is not "
                              f"available: depth comes from {Settings().depth_model} "
                              "(--depth-model)")

    def flags(self) -> None:
        for key in ("enable_perspective_flip", "flip_2d_perspective"):
            if self.has(key):
                self.out["enable_perspective_flip"] = _truthy(self.get(key))
                break
        if self.has("border"):
            value = _text(self.get("border")).lower()
            if value in CHOICES["border"]:
                self.out["border"] = value
            else:
                self.drop("border", f"border {self.data['border']!r} is not supported: "
                                    "replicate is used.")
        if self.has("diffusion_cadence"):
            value = _number(self.get("diffusion_cadence"))
            if value is not None and value.is_integer():
                self.out["diffusion_cadence"] = int(value)
            else:
                self.drop("diffusion_cadence", f"diffusion_cadence "
                                               f"{self.data['diffusion_cadence']!r} is not a "
                                               "whole number; not used.")

    def prompts(self, n_frames: int) -> None:
        prompts = self._frame_prompts(n_frames)
        positive = self._extra("animation_prompts_positive", "positive_prompts")
        negative = self._extra("animation_prompts_negative", "negative_prompts")
        negative = negative.replace("--neg", "").strip()
        if isinstance(prompts, dict):
            prompts = {k: _merge_prompt(v, positive, negative) for k, v in prompts.items()}
        elif isinstance(prompts, list):
            prompts = [_merge_prompt(v, positive, negative) for v in prompts]
        elif positive:
            self.notes.append("positive prompt text without prompts is not used")
        if negative:
            self.out["negative_prompt"] = negative
        if prompts:
            self.out["prompts"] = prompts
            if isinstance(prompts, dict):
                # Deforum switches prompts without lowering strength
                self.out["section_transition"] = 0.0
                self.notes.append("prompts switch at their frames as in Deforum (strength does "
                                  "not dip at a change; --section-transition turns that on)")

    def _extra(self, *keys: str) -> str:
        texts = [_text(self.get(key)) for key in keys if self.has(key)]
        return next((t for t in texts if t), "")

    def _frame_prompts(self, n_frames: int) -> dict[str, str] | list[str] | None:
        """Deforum's frame-keyed prompts (checked), or a list (Colab still images), or None."""
        raw: Any = None
        for key in ("prompts", "animation_prompts"):
            if self.has(key) and self.data[key]:
                raw = self.get(key)
                if isinstance(raw, str):  # A1111's UI keeps them as JSON text
                    try:
                        raw = parse_json(raw, name=key)
                    except SettingsError:  # malformed, or nested absurdly deep
                        self.drop(key, f"{key} is not JSON of frame: prompt; not used.")
                        raw = None
                break
        if raw is None and isinstance(self.data.get("cond_prompts"), Mapping):
            raw = _pair_cond_uncond(self.get("cond_prompts"), self.get("uncond_prompts"))
        if raw is None:
            return None
        if isinstance(raw, list):
            return [t for t in raw if isinstance(t, str) and t.strip()]
        if not isinstance(raw, Mapping):
            self.notes.append("prompts are neither frame: prompt pairs nor a list; not used.")
            return None
        values = list(raw.values())
        if values and all(isinstance(v, str) and re.fullmatch(r"\d{5}", v) for v in values):
            # the Colab notebook's still-image batch: {prompt: "00000", ...}
            self.notes.append("prompts of a still-image batch: spread over the video")
            return [str(k) for k, _ in sorted(raw.items(), key=lambda kv: kv[1])]
        out: dict[str, str] = {}
        for key, text in raw.items():
            frame = _prompt_frame(str(key), n_frames)
            if not isinstance(text, str) or frame is None:
                self.notes.append(f"prompt at key {str(key)!r} is not used (the key must be a "
                                  "frame number or an expression of max_f)")
                continue
            out[str(key).strip()] = text.strip()
        return out or None

    def init_image(self) -> None:
        if not self.has("init_image"):
            return
        image = _text(self.get("init_image"))
        use = _truthy(self.get("use_init", False))
        if not use or not image or image.lower() == "none":
            if image and image.lower() != "none":
                self.drop("init_image")
            return
        if re.match(r"^[a-z]+://", image, re.I):
            self.drop("init_image", f"init_image is a web address ({image}): download it and "
                                    "give the file with --init-image")
            return
        self.out["init_image"] = image

    def init_strength(self, n_frames: int, fps: float | None, seed: float) -> None:
        """Deforum diffuses frame 0 from the init image with ``strength`` (its Init tab), the
        later frames with ``strength_schedule``: ours has one schedule, so frame 0 of it is set
        to ``strength`` (frames 1 on unchanged)."""
        if "init_image" not in self.out or not self.has("strength"):
            return
        value = _number(self.get("strength"))
        if value is None or not 0 <= value <= 1:
            self.drop("strength", f"strength {self.data['strength']!r} is not a number from 0 to "
                                  "1; frame 0 uses the strength schedule.")
            return
        schedule = self.out.get("strength_schedule", Settings().strength_schedule)
        original = _evaluate("strength_schedule", schedule, n_frames, fps, seed)
        if original[0] == value:
            return
        changed = with_first_frame(schedule, value, n_frames)
        values = _evaluate("strength_schedule", changed, n_frames, fps, seed)
        if values[0] != value or not np.allclose(values[1:], original[1:], rtol=0, atol=1e-9):
            self.drop("strength", f"strength {value:g} (frame 0 from the init image) could not "
                                  "be set in the strength schedule; frame 0 uses the schedule.")
            return
        self.out["strength_schedule"] = changed
        self.notes.append(f"strength {value:g} (frame 0 from the init image) -> frame 0 of "
                          f"strength_schedule: {changed}")

    def model(self) -> None:
        if not self.has("sd_model_name"):
            return
        name = _text(self.get("sd_model_name"))
        hub_id = bool(_HUB_ID.match(name)) and not name.endswith((".safetensors", ".ckpt"))
        if name and (hub_id or Path(name).expanduser().exists()):
            self.out["model"] = name
        elif name:
            self.drop("sd_model_name", f"sd_model_name '{name}' is an A1111 checkpoint name: "
                                       "give its file with --model to use it")

    def our_own_keys(self) -> None:
        """Keys of ours added to a Deforum file (e.g. ``model``, ``width`` by the notebook's
        form) are used as they are, over what the Deforum keys gave."""
        fields = {f.name for f in dataclasses.fields(Settings)}
        mine = []
        for key in [k for k in self.data if k in fields and k not in self.used]:
            value = self.data[key]
            if key == "scheduler" and str(value).strip().lower() not in CHOICES["scheduler"]:
                continue  # A1111's noise schedule type (Karras ...), not ours
            self.used.add(key)
            self.out[key] = value
            mine.append(key)
        if mine:
            self.notes.append(f"settings of ours in the file, used as given: {', '.join(mine)}")

    def model_hint(self) -> None:
        steps, cfg = self.out.get("steps"), self.out.get("cfg_scale")
        if "model" in self.out or (steps is None and cfg is None):
            return
        if (steps or 0) > 8 or (cfg or 0) > 2:
            default = Settings()
            self.notes.append(
                f"steps {steps if steps is not None else default.steps} and cfg_scale "
                f"{cfg if cfg is not None else default.cfg_scale:g} suit SD 1.5-type models; "
                f"with the default {default.model} use about --steps {default.steps} "
                f"--cfg-scale {default.cfg_scale:g}, or give --model")

    def unsupported_features(self) -> None:
        """One note naming the Deforum features the file turns on that are not supported."""
        on: list[str] = []

        def check(label: str, test: Callable[[dict[str, Any]], bool]) -> None:
            try:
                if test(self.data):
                    on.append(label)
            except (TypeError, ValueError, AttributeError):
                pass

        check("Parseq", lambda d: bool(_text(d.get("parseq_manifest"))))
        check("hybrid video", lambda d: _text(str(d.get("hybrid_motion", "None"))) != "None"
              or _text(str(d.get("hybrid_composite", "None"))) not in ("None", "False"))
        for i in range(1, 6):
            check(f"ControlNet {i}", lambda d, i=i: _truthy(d.get(f"cn_{i}_enabled", False)))
        for key, label in (("use_looper", "guided images"), ("use_mask", "masks"),
                           ("use_noise_mask", "noise masks"),
                           ("enable_sampler_scheduling", "sampler schedule"),
                           ("enable_checkpoint_scheduling", "checkpoint schedule"),
                           ("enable_clipskip_scheduling", "clip skip schedule"),
                           ("enable_subseed_scheduling", "subseed schedule"),
                           ("enable_schedule_samplers", "sampler schedule"),
                           ("resume_from_timestring", "resume (use --resume)"),
                           ("r_upscale_video", "upscaling")):
            check(label, lambda d, key=key: _truthy(d.get(key, False)))
        check("frame interpolation",
              lambda d: _text(str(d.get("frame_interpolation_engine", "None"))) != "None")
        if on:
            names = ", ".join(dict.fromkeys(on))
            self.notes.append(f"on in the file but not supported here: {names}")

    def validate(self) -> None:
        """Drop (with a note) any value our settings refuse, so the result always validates."""
        for key in list(self.out):
            try:
                settings_from_dict({key: self.out[key]}, source="Deforum settings")
            except SettingsError as e:
                del self.out[key]
                self.notes.append(f"{e} Not used.")
                self.dropped.update(k for k in _SOURCES.get(key, (key,)) if k in self.data)
        try:
            settings_from_dict(self.out, source="Deforum settings")
        except SettingsError as e:  # pragma: no cover - every key passed on its own
            raise SettingsError(f"Deforum settings: {e}") from None


def _schedule_variables(n_frames: int, fps: float | None, seed: float) -> dict[str, Any]:
    from ..audio.features import FEATURE_NAMES

    variables: dict[str, Any] = {name: np.full(n_frames, 0.5) for name in FEATURE_NAMES}
    variables.update(fps=float(fps or Settings().fps), s=float(seed), tempo=120.0)
    return variables


def _evaluate(field_name: str, value: Any, n_frames: int, fps: float | None,
              seed: float, notes: list[str] | None = None) -> np.ndarray:
    """Our values for one of our schedules; notes on NaN frames go to ``notes`` (without it
    they are dropped: reported once, when the schedule was read)."""
    from .schedules import evaluate_schedule

    return evaluate_schedule(value, field=field_name, n_frames=n_frames,
                             variables=_schedule_variables(n_frames, fps, seed),
                             warnings=[] if notes is None else notes)


#: Plan column of each schedule with a range (cfg and steps are not plan schedules).
def _columns() -> dict[str, str]:
    from ..modes.plan import SCHEDULED_COLUMNS

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
    from ..errors import ScheduleError
    from .schedules import from_deforum_string

    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise ScheduleError(f"{field_name}: expected a keyframe schedule, got "
                            f"{type(value).__name__}")
    text = from_deforum_string(value, field=field_name, n_frames=n_frames, warnings=notes)
    values = _evaluate(field_name, text, n_frames, fps, seed, notes)
    if not notes:
        try:
            same = np.array_equal(_evaluate(field_name, value, n_frames, fps, seed), values)
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
    from ..modes.plan import column_ranges

    return column_ranges()


def _frames(frames: np.ndarray) -> str:
    if len(frames) == 1:
        return f"frame {int(frames[0])}"
    return f"{len(frames)} frames ({int(frames[0])} to {int(frames[-1])})"


def _clipped(field_name: str, text: str, n_frames: int, fps: float | None, seed: float,
             low: float, high: float, target: np.ndarray) -> str:
    """``text`` with every value clipped into ``low..high``: each key's number or expression
    clipped when that gives ``target`` (the clipped values), else ``target`` frame by frame."""
    from .schedules import parse_keyframes, to_deforum_string

    parts = []
    for key in parse_keyframes(text, field=field_name, n_frames=n_frames):
        if key.value is not None:
            parts.append(f"{key.frame}:({min(max(key.value, low), high)!r})")
        else:
            parts.append(f"{key.frame}:(clip({key.text}, {low!r}, {high!r}))")
    candidate = ", ".join(parts)
    try:
        if np.allclose(_evaluate(field_name, candidate, n_frames, fps, seed), target,
                       rtol=0, atol=1e-12):
            return candidate
    except SettingsError:
        pass
    return to_deforum_string(target, decimals=EXPORT_DECIMALS)


def _prompt_frame(key: str, n_frames: int) -> int | None:
    """The frame of a prompt key (a number or an expression of max_f), or None."""
    from ..errors import ScheduleError
    from .schedules import evaluate_expression

    text = key.strip().strip("\"'")
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = evaluate_expression(text, field="prompts",
                                    variables={"max_f": float(n_frames - 1)})
    except ScheduleError:
        return None
    return math.floor(float(value))


def _pair_cond_uncond(cond: Mapping[Any, Any], uncond: Any) -> dict[str, str]:
    """The Colab notebook's cond_prompts/uncond_prompts -> ``{frame: "text --neg negative"}``."""
    negatives: list[tuple[int, str]] = []
    if isinstance(uncond, Mapping):
        for key, text in uncond.items():
            try:
                negatives.append((int(str(key).strip()), str(text or "").strip()))
            except ValueError:
                continue
    negatives.sort()
    out: dict[str, str] = {}
    for key, text in cond.items():
        try:
            frame = int(str(key).strip())
        except ValueError:
            frame = None
        negative = ""
        if frame is not None:
            for start, neg in negatives:
                if start <= frame:
                    negative = neg
        text = str(text or "").strip()
        out[str(key)] = f"{text} --neg {negative}" if negative and "--neg" not in text else text
    return out


def _merge_prompt(text: str, positive: str, negative: str) -> str:
    """A1111 puts ``positive`` before and ``negative`` after every prompt; files written by a run
    already hold them. Add the positive part once; drop the negative part (it goes to
    ``negative_prompt``, which our plan adds to every prompt)."""
    from ..modes.plan import split_negative

    pos, neg = split_negative(text)
    if positive and not pos.startswith(positive):
        pos = f"{positive} {pos}".strip()
    if negative and neg.endswith(negative):
        neg = neg[: -len(negative)].rstrip(" ,")
    return f"{pos} --neg {neg}" if neg else pos


_MIRRORED_3D = ("translation_x", "rotation_3d_y")


def negate_schedule(text: str, n_frames: int) -> str:
    """A keyframe schedule with every value negated (keys kept as frame numbers)."""
    from .schedules import _parse

    entries = _parse(text, "schedule", max(1, n_frames))
    # numbers stay numbers (they interpolate); expressions are wrapped
    return ", ".join(f"{frame}:({-value:.10g})" if value is not None
                     else f"{frame}:(-({value_text}))"
                     for frame, value_text, value, *_ in entries)


def with_first_frame(text: str, value: float, n_frames: int) -> str:
    """A keyframe schedule whose frame 0 is ``value`` and whose frames 1 on are those of
    ``text`` (keys kept as frame numbers). Like :func:`negate_schedule` it is exact over
    ``n_frames`` frames (the file's max_frames); a run made shorter than a later key holds frame
    1's value where the original would hold frame 0's."""
    from .schedules import _parse

    entries = _parse(text, "schedule", max(1, n_frames))
    out = [f"0:({value:.10g})"]
    if n_frames > 1:
        later = [e for e in entries if e[0] >= 1]
        if not later or later[0][0] > 1:  # frame 1 as the schedule had it
            head = entries[0]  # frame 0: a number (interpolated on) or an expression (held)
            if head[2] is None:
                out.append(f"1:({head[1]})")
            else:
                from .schedules import evaluate_schedule

                one = evaluate_schedule(text, field="schedule", n_frames=n_frames,
                                        variables=_schedule_variables(n_frames, None, 1.0))[1]
                out.append(f"1:({float(one)!r})")
        out += [f"{frame}:({value_text})" for frame, value_text, *_ in later]
    return ", ".join(out)


def import_deforum(data: Mapping[str, Any]) -> DeforumImport:
    """Convert a parsed Deforum settings file (A1111 extension or Colab notebook) to ours.

    Parameters
    ----------
    data : mapping
        The file's JSON object.

    Returns
    -------
    DeforumImport
        ``settings`` (our keys; valid for :func:`~music_visualizer.settings.settings_from_dict`),
        ``unmapped`` Deforum keys and ``notes`` on the conversion.

    Raises
    ------
    SettingsError
        If ``data`` is not a mapping.
    """
    if not isinstance(data, Mapping):
        raise SettingsError("Deforum settings: expected a JSON object of setting names to values.")
    return _Importer(data).run()


# ---------------------------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------------------------


def _plain(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


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
    from ..modes.plan import Plan
    from .schedules import to_deforum_string

    try:
        plan = Plan.from_dict(record["plan"])
        settings = settings_from_dict(record.get("settings") or {}, source="run settings")
    except (KeyError, TypeError, ValueError) as e:
        raise RunError(f"The run's settings file has no usable plan ({e}).") from None
    seed = int(record.get("seed", settings.seed))
    n = plan.n_frames
    columns = plan.columns

    def keyframes(name: str, digits: int = decimals) -> str:
        return to_deforum_string(columns[name], decimals=digits)

    from ..modes.plan import SCHEDULED_COLUMNS

    schedules = {fld: keyframes(col) for col, fld in SCHEDULED_COLUMNS.items()
                 if col in columns and fld != "seed_schedule"}
    if settings.mode == "3D":  # Deforum's 3D x axis is mirrored (see mirror_3d_x)
        for fld in _MIRRORED_3D:
            schedules[fld] = to_deforum_string(-np.asarray(columns[fld]), decimals=decimals)

    behavior = settings.seed_behavior
    seed_schedule = "0:(s)"
    if behavior in ("random", "schedule"):  # Deforum draws its own: write the run's seeds
        behavior = "schedule"
        seed_schedule = keyframes("seed", 0)

    steps = columns["steps"]
    steps_scheduled = bool(np.any(steps != steps[0]))

    # prompts at each change; the run's negative prompt (in every negative) once, apart
    common = settings.negative_prompt.strip()
    prompts: dict[str, str] = {}
    index = plan.prompt_index
    for frame in [0, *(np.flatnonzero(np.diff(index)) + 1).tolist()]:
        positive, negative = plan.prompt_table[int(index[frame])]
        own = negative
        if common and own.endswith(common):
            own = own[: -len(common)].rstrip(" ,")
        prompts[str(frame)] = f"{positive} --neg {own}" if own else positive

    colour = {"LAB": "LAB", "HSV": "HSV", "RGB": "RGB", "none": "None"}[settings.color_coherence]
    if settings.color_coherence_image and settings.color_coherence != "none":
        colour = "Image"
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
