"""Typed settings: one :class:`Settings` type, built alike by the CLI, the app and the notebook.

- :class:`Settings`          every knob of a render, with defaults (``configs/default.yaml``)
- :func:`settings_from_dict` validate a mapping (from YAML/JSON/flags) into :class:`Settings`
- :func:`load_settings_file` read a YAML/JSON (or Deforum settings) file into :class:`Settings`
- :func:`deforum_report`     what a Deforum settings file became (None for our own files)
- :func:`apply_overrides`    return a copy with some fields replaced, validated again
- :func:`settings_to_dict`   plain data for JSON
- :func:`resolve_settings`   defaults -> motion preset -> settings file -> flags, in that order
- :func:`preset_names`, :func:`load_preset`  the motion presets of ``configs/presets``

Unknown keys and wrong types are rejected with a :class:`~music_visualizer.errors.SettingsError`
that names the key. Schedule fields hold Deforum keyframe strings (a bare number is accepted and
stored as ``"0:(number)"``); they are parsed later by :mod:`music_visualizer.settings.schedules`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import itertools
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import SettingsError
from ..modes import check_mode
from ..safe_load import MAX_SETTINGS_BYTES, describe, parse_json, parse_yaml, read_text

__all__ = [
    "CHOICES",
    "INTERVAL_KINDS",
    "OPTIONAL_SCHEDULE_FIELDS",
    "PRESET_DIR",
    "SCHEDULE_FIELDS",
    "Settings",
    "apply_overrides",
    "deforum_report",
    "load_preset",
    "load_settings_file",
    "normalize_classes",
    "normalize_intervals",
    "normalize_prompts",
    "preset_names",
    "resolve_settings",
    "settings_from_dict",
    "settings_to_dict",
]

#: Motion presets shipped with the project (YAML files of schedule settings).
PRESET_DIR = Path(__file__).resolve().parents[2] / "configs" / "presets"

#: Fields whose value is a keyframe schedule string.
SCHEDULE_FIELDS: tuple[str, ...] = (
    "angle",
    "zoom",
    "translation_x",
    "translation_y",
    "transform_center_x",
    "transform_center_y",
    "strength_schedule",
    "noise_schedule",
    "contrast_schedule",
    # 3D camera (mode 3D)
    "translation_z",
    "rotation_3d_x",
    "rotation_3d_y",
    "rotation_3d_z",
    "fov_schedule",
    "near_schedule",
    "far_schedule",
    # 2D perspective flip (enable_perspective_flip)
    "perspective_flip_theta",
    "perspective_flip_phi",
    "perspective_flip_gamma",
    "perspective_flip_fv",
    # anti-blur unsharp mask (amount 0 = off)
    "kernel_schedule",
    "sigma_schedule",
    "amount_schedule",
    "threshold_schedule",
    # seeds (seed_behavior schedule; -1 = random)
    "seed_schedule",
)
#: Schedules that may be left out (None): the plain field of the same meaning is used instead.
OPTIONAL_SCHEDULE_FIELDS: tuple[str, ...] = ("cfg_scale_schedule", "steps_schedule")

#: Allowed values of the enumerated fields (compared case-insensitively, stored as written here).
CHOICES: dict[str, tuple[str, ...]] = {
    "mode": ("2D", "3D", "walk", "gan"),
    "renderer": ("diffusion", "preview"),
    "scheduler": ("default", "euler_a", "euler", "ddim", "dpmpp_2m", "lcm"),
    "seed_behavior": ("iter", "fixed", "random", "ladder", "alternate", "schedule"),
    "border": ("replicate", "wrap"),
    "color_coherence": ("LAB", "HSV", "RGB", "none"),
    "noise_type": ("gaussian", "perlin"),
    "padding_mode": ("border", "reflection", "zeros"),
    "sampling_mode": ("bilinear", "bicubic", "nearest"),
    "walk_feature": ("percussive", "onset", "drums", "rms", "beat"),
    "scaling": ("lanczos", "bicubic", "bilinear", "nearest"),
    "beat_tracker": ("auto", "builtin", "beat_this", "madmom"),
}
#: The kinds of a walk interval.
INTERVAL_KINDS: tuple[str, ...] = ("transition", "hold")

Prompts = dict[str, str] | list[str]


@dataclass(frozen=True)
class Settings:
    """Everything that decides what a render looks like. Field names match the CLI flags."""

    # What renders it.
    mode: str = "2D"
    renderer: str = "diffusion"
    model: str = "stabilityai/sd-turbo"
    scheduler: str = "default"
    # Speed: a tiny autoencoder (TAESD: hub id or folder; "" = the model's own VAE) decodes the
    # latents in a fraction of the time (slightly softer frames); torch.compile the UNet
    # (minutes of compiling once, then faster frames on a GPU).
    tiny_vae: str = ""
    compile: bool = False
    # Size and time.
    width: int = 512
    height: int = 512
    fps: float = 12.0
    duration: float | None = None  # seconds; None = to the end of the song
    start: float = 0.0  # seconds into the song
    # Diffusion.
    steps: int = 4
    cfg_scale: float = 1.0  # sd-turbo is trained without guidance; use ~7 for SD 1.5
    seed: int = -1  # -1 = draw one at random and record it
    seed_behavior: str = "iter"
    seed_iter_n: int = 1
    prompts: Prompts = field(default_factory=list)
    negative_prompt: str = ""
    init_image: str | None = None
    # Deforum animation fields (keyframe schedules).
    angle: str = "0:(0)"
    zoom: str = "0:(1.01)"
    translation_x: str = "0:(0)"
    translation_y: str = "0:(0)"
    transform_center_x: str = "0:(0.5)"
    transform_center_y: str = "0:(0.5)"
    border: str = "replicate"
    strength_schedule: str = "0:(0.65)"
    noise_schedule: str = "0:(0.02)"
    contrast_schedule: str = "0:(1.0)"
    color_coherence: str = "LAB"
    color_coherence_image: str | None = None  # match colours to this image instead of frame 0
    # Diffusion cadence: diffuse every Nth frame, warp and blend the frames between.
    diffusion_cadence: int = 1
    # Noise and anti-blur.
    noise_type: str = "gaussian"
    perlin_octaves: int = 4
    perlin_persistence: float = 0.5
    kernel_schedule: str = "0:(5)"
    sigma_schedule: str = "0:(1.0)"
    amount_schedule: str = "0:(0.0)"
    threshold_schedule: str = "0:(0.0)"
    # Seeds and per-frame guidance.
    seed_schedule: str = "0:(s)"
    cfg_scale_schedule: str | None = None  # None: cfg_scale at every frame
    steps_schedule: str | None = None  # None: steps at every frame
    prompt_blend: float = 0.0  # seconds over which a new prompt blends in (0: a hard switch)
    # 3D camera (mode 3D): depth of the previous frame, reprojected by the camera's move.
    translation_z: str = "0:(1.75)"
    rotation_3d_x: str = "0:(0)"
    rotation_3d_y: str = "0:(0)"
    rotation_3d_z: str = "0:(0)"
    fov_schedule: str = "0:(70)"
    near_schedule: str = "0:(200)"
    far_schedule: str = "0:(10000)"
    padding_mode: str = "border"
    sampling_mode: str = "bicubic"
    depth_model: str = "depth-anything/Depth-Anything-V2-Small-hf"
    save_depth_maps: bool = False
    # 2D perspective flip.
    enable_perspective_flip: bool = False
    perspective_flip_theta: str = "0:(0)"
    perspective_flip_phi: str = "0:(0)"
    perspective_flip_gamma: str = "0:(0)"
    perspective_flip_fv: str = "0:(53)"
    # Music.
    preset: str | None = None  # a motion preset of configs/presets (recorded; applied on load)
    section_strength: float = 0.35  # strength at a section's first frame, so its prompt takes over
    section_transition: float = 1.0  # seconds to ease back to the strength schedule
    # Beats: auto = beat_this when installed and its checkpoint can be had, else builtin.
    beat_tracker: str = "auto"
    beat_this_checkpoint: str = "final0"  # a beat_this checkpoint file, URL or published name
    # Walk mode: intervals of the song between prompts (and seeds), paced by the music.
    intervals: list[dict[str, Any]] = field(default_factory=list)  # empty: one per section
    walk_feature: str = "percussive"  # the feature whose cumulative energy paces a walk
    walk_smoothing: float = 0.3  # 0: paced by the music only ... 1: linear
    hold_motion: float = 0.15  # how far a hold's noise moves toward its second seed
    idea_model: str | None = None  # a transformers text-generation model for prompt ideas
    batch_size: int = 0  # frames per model call in walk and gan modes (0: 4 walk, 30 gan)
    # GAN mode (the Deep Music Visualizer's options, same meaning).
    gan_model: str = "biggan-deep-512"
    pitch_sensitivity: float = 220.0
    tempo_sensitivity: float = 0.25
    depth: float = 1.0
    classes: list[int] | None = None  # ImageNet class ids; None: drawn from the seed
    num_classes: int = 12  # classes in use (at most len(classes) when classes are given)
    sort_classes_by_power: bool = False
    jitter: float = 0.5
    frame_length: int | None = None  # audio samples per frame at 22050 Hz; sets fps if given
    truncation: float = 1.0
    smooth_factor: int = 20
    use_previous_classes: bool = False
    use_previous_vectors: bool = False
    scaling: str = "lanczos"


_FIELDS: dict[str, dataclasses.Field[Any]] = {f.name: f for f in dataclasses.fields(Settings)}
_INT_FIELDS = {"width", "height", "steps", "seed", "seed_iter_n", "diffusion_cadence",
               "perlin_octaves", "batch_size", "num_classes", "smooth_factor"}
_FLOAT_FIELDS = {"fps", "start", "cfg_scale", "section_strength", "section_transition",
                 "perlin_persistence", "prompt_blend", "walk_smoothing", "hold_motion",
                 "pitch_sensitivity", "tempo_sensitivity", "depth", "jitter", "truncation"}
_BOOL_FIELDS = {"save_depth_maps", "enable_perspective_flip", "sort_classes_by_power",
                "use_previous_classes", "use_previous_vectors", "compile"}
_OPTIONAL_FLOAT_FIELDS = {"duration"}
_OPTIONAL_INT_FIELDS = {"frame_length"}
_STR_FIELDS = {"model", "negative_prompt", "depth_model", "gan_model", "tiny_vae",
               "beat_this_checkpoint"} | set(CHOICES)
_OPTIONAL_STR_FIELDS = {"init_image", "preset", "color_coherence_image", "idea_model"}


def _as_int(key: str, value: Any) -> int:
    out: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        out = value
    elif isinstance(value, float) and value.is_integer():
        out = int(value)
    elif isinstance(value, str):
        with contextlib.suppress(ValueError):  # also a number of more than 4300 digits
            out = int(value.strip())
    if out is None:
        raise SettingsError(f"{key}: expected a whole number, got {describe(value)}.")
    if abs(out) >= 10**30:  # keeps every message that quotes it short
        raise SettingsError(f"{key}: {describe(value)} is far too large a number.")
    return out


def _as_float(key: str, value: Any) -> float:
    if isinstance(value, bool):
        raise SettingsError(f"{key}: expected a number, got {describe(value)}.")
    if isinstance(value, (int, float)):
        out = float(value)
    elif isinstance(value, str):
        try:
            out = float(value.strip())
        except ValueError:
            raise SettingsError(f"{key}: expected a number, got {describe(value)}.") from None
    else:
        raise SettingsError(f"{key}: expected a number, got {describe(value)}.")
    if not math.isfinite(out):
        raise SettingsError(f"{key}: expected a finite number, got {describe(value)}.")
    return out


def _as_schedule(key: str, value: Any) -> str:
    if isinstance(value, bool):
        raise SettingsError(f"{key}: expected a keyframe schedule like \"0:(1.0)\", got {value!r}.")
    if isinstance(value, (int, float)):
        return f"0:({value!r})"
    if isinstance(value, str) and value.strip():
        return value.strip()
    raise SettingsError(
        f"{key}: expected a keyframe schedule like \"0:(1.0)\" or a number, got {describe(value)}."
    )


def _as_choice(key: str, value: Any) -> str:
    allowed = CHOICES[key]
    if isinstance(value, str):
        for option in allowed:
            if option.lower() == value.strip().lower():
                return option
        if key == "color_coherence" and value.strip().lower() in {"off", "false", "no"}:
            return "none"
    raise SettingsError(f"{key}: {describe(value)} is not one of {', '.join(allowed)}.")


def normalize_prompts(value: Any, *, key: str = "prompts") -> Prompts:
    """Check prompts: a frame→prompt mapping, a list of prompts, or one string.

    Mapping keys are kept as strings (frame numbers or expressions of ``max_f``) and resolved by
    the plan. Blank prompts are dropped.
    """
    if value is None:
        return []
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, Mapping):
        out: dict[str, str] = {}
        for frame, text in value.items():
            if not isinstance(frame, (int, str)) or isinstance(frame, bool):
                raise SettingsError(f"{key}: frame key {describe(frame)} must be a frame number.")
            if not isinstance(text, str):
                raise SettingsError(f"{key}[{frame}]: expected text, got {describe(text)}.")
            if text.strip():
                out[str(frame).strip()] = text.strip()
        return out
    if isinstance(value, (list, tuple)):
        prompts: list[str] = []
        for i, text in enumerate(value):
            if not isinstance(text, str):
                raise SettingsError(f"{key}[{i}]: expected text, got {describe(text)}.")
            if text.strip():
                prompts.append(text.strip())
        return prompts
    raise SettingsError(
        f"{key}: expected a list of prompts or a mapping of frame to prompt, "
        f"got {describe(value)}."
    )


_INTERVAL_KEYS = ("start", "end", "prompt_start", "prompt_end", "kind", "seed", "seed_end")


def normalize_intervals(value: Any, *, key: str = "intervals") -> list[dict[str, Any]]:
    """Check walk intervals: a list of mappings with ``start`` and ``end`` (seconds),
    ``prompt_start``, and optionally ``prompt_end``, ``kind`` (transition | hold; default:
    transition; a transition without ``prompt_end`` gets a prompt idea), ``seed`` and
    ``seed_end``. Returns them with every key present (None where not given)."""
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        raise SettingsError(f"{key}: expected a list of intervals like "
                            "{start: 0, end: 2, prompt_start: \"...\"}, got {describe(value)}.")
    out: list[dict[str, Any]] = []
    for i, item in enumerate(value):
        where = f"{key}[{i}]"
        if not isinstance(item, Mapping):
            raise SettingsError(f"{where}: expected a mapping like "
                                "{start: 0, end: 2, prompt_start: \"...\"}, got "
                                f"{describe(item)}.")
        for name in item:
            if name not in _INTERVAL_KEYS:
                close = difflib.get_close_matches(str(name), _INTERVAL_KEYS, n=1)
                hint = f" Did you mean '{close[0]}'?" if close else ""
                raise SettingsError(f"{where}: unknown key '{name}'.{hint}")
        for name in ("start", "end", "prompt_start"):
            if item.get(name) is None:
                raise SettingsError(f"{where}: '{name}' is missing.")
        start, end = _as_float(f"{where}.start", item["start"]), _as_float(f"{where}.end",
                                                                           item["end"])
        if start < 0 or end <= start:
            raise SettingsError(f"{where}: end ({end:g} s) must be after start ({start:g} s), "
                                "and start 0 or more.")
        texts = {}
        for name in ("prompt_start", "prompt_end"):
            text = item.get(name)
            if text is not None and not isinstance(text, str):
                raise SettingsError(f"{where}.{name}: expected text, got {describe(text)}.")
            texts[name] = text.strip() if text and text.strip() else None
        if texts["prompt_start"] is None:
            raise SettingsError(f"{where}: 'prompt_start' is empty; give the interval's prompt.")
        kind = item.get("kind") or "transition"
        if not isinstance(kind, str) or kind.strip().lower() not in INTERVAL_KINDS:
            raise SettingsError(f"{where}.kind: {describe(kind)} is not one of "
                                f"{', '.join(INTERVAL_KINDS)}.")
        seeds = {}
        for name in ("seed", "seed_end"):
            raw = item.get(name)
            seeds[name] = None if raw is None else _as_int(f"{where}.{name}", raw)
            if seeds[name] is not None and not 0 <= seeds[name] < 2**32:
                raise SettingsError(f"{where}.{name}: {seeds[name]} must be between 0 and "
                                    "2**32-1.")
        out.append({"start": start, "end": end, **texts, "kind": kind.strip().lower(), **seeds})
    for i, (before, after) in enumerate(itertools.pairwise(out)):
        if abs(after["start"] - before["end"]) > 1e-6:
            raise SettingsError(
                f"{key}[{i + 1}]: starts at {after['start']:g} s but {key}[{i}] ends at "
                f"{before['end']:g} s; intervals must follow each other without gaps or overlaps.")
    return out


def normalize_classes(value: Any, *, key: str = "classes") -> list[int] | None:
    """ImageNet class ids for GAN mode: a list or ``"1, 5, 207"``; at most 12, each 0..999."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    items = value.replace(",", " ").split() if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)):
        raise SettingsError(f"{key}: expected ImageNet class numbers like \"1, 207, 980\", got "
                            f"{describe(value)}.")
    classes = [_as_int(key, item) for item in items]
    if not classes:
        return None
    if len(classes) > 12 or any(not 0 <= c <= 999 for c in classes):
        raise SettingsError(f"{key}: give 1 to 12 ImageNet class numbers, each from 0 to 999 "
                            f"(got {describe(value)}).")
    return classes


def _as_bool(key: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "yes", "on", "1"):
        return True
    if isinstance(value, str) and value.strip().lower() in ("false", "no", "off", "0"):
        return False
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise SettingsError(f"{key}: expected true or false, got {describe(value)}.")


def _convert(key: str, value: Any) -> Any:
    if key in SCHEDULE_FIELDS:
        return _as_schedule(key, value)
    if key in OPTIONAL_SCHEDULE_FIELDS:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        return _as_schedule(key, value)
    if key in _BOOL_FIELDS:
        return _as_bool(key, value)
    if key in CHOICES:
        return _as_choice(key, value)
    if key in _INT_FIELDS:
        return _as_int(key, value)
    if key in _FLOAT_FIELDS:
        return _as_float(key, value)
    if key in _OPTIONAL_FLOAT_FIELDS:
        return None if value is None else _as_float(key, value)
    if key in _OPTIONAL_INT_FIELDS:
        return None if value is None else _as_int(key, value)
    if key == "prompts":
        return normalize_prompts(value)
    if key == "intervals":
        return normalize_intervals(value)
    if key == "classes":
        return normalize_classes(value)
    if key in _OPTIONAL_STR_FIELDS and (
            value is None or (isinstance(value, str) and not value.strip())):
        return None
    if key in _STR_FIELDS or key in _OPTIONAL_STR_FIELDS:
        if not isinstance(value, str):
            raise SettingsError(f"{key}: expected text, got {describe(value)}.")
        return value.strip() if key != "negative_prompt" else value
    raise AssertionError(f"no converter for {key}")  # every field has one (tested)


def _check(settings: Settings) -> None:
    """Range checks across fields; raise SettingsError naming the key."""
    for key in ("width", "height"):
        value = getattr(settings, key)
        if value <= 0 or value % 8:
            raise SettingsError(f"{key}: {value} must be a positive multiple of 8 (e.g. 512).")
        if value > 4096:
            raise SettingsError(f"{key}: {value} is larger than 4096 pixels.")
    if not 0 < settings.fps <= 120:
        raise SettingsError(f"fps: {settings.fps:g} must be greater than 0 and at most 120.")
    if settings.duration is not None and settings.duration <= 0:
        raise SettingsError(f"duration: {settings.duration:g} must be greater than 0 seconds.")
    if settings.start < 0:
        raise SettingsError(f"start: {settings.start:g} must be 0 or more seconds.")
    if not 1 <= settings.steps <= 200:
        raise SettingsError(f"steps: {settings.steps} must be between 1 and 200.")
    if not 0 <= settings.cfg_scale <= 50:
        raise SettingsError(f"cfg_scale: {settings.cfg_scale:g} must be between 0 and 50.")
    if not -1 <= settings.seed < 2**32:
        raise SettingsError(f"seed: {settings.seed} must be -1 (random) or between 0 and 2**32-1.")
    if settings.seed_iter_n < 1:
        raise SettingsError(f"seed_iter_n: {settings.seed_iter_n} must be 1 or more.")
    if not 1 <= settings.diffusion_cadence <= 50:
        raise SettingsError(
            f"diffusion_cadence: {settings.diffusion_cadence} must be between 1 and 50.")
    if not 1 <= settings.perlin_octaves <= 8:
        raise SettingsError(f"perlin_octaves: {settings.perlin_octaves} must be between 1 and 8.")
    if not 0 < settings.perlin_persistence <= 1:
        raise SettingsError(
            f"perlin_persistence: {settings.perlin_persistence:g} must be in (0, 1].")
    if settings.prompt_blend < 0:
        raise SettingsError(
            f"prompt_blend: {settings.prompt_blend:g} must be 0 or more seconds.")
    if not 0 <= settings.section_strength <= 1:
        raise SettingsError(
            f"section_strength: {settings.section_strength:g} must be between 0 and 1.")
    if settings.section_transition < 0:
        raise SettingsError(
            f"section_transition: {settings.section_transition:g} must be 0 or more seconds.")
    if not settings.model:
        raise SettingsError(
            "model: give a hub id, a local diffusers folder or a .safetensors file.")
    _check_walk_gan(settings)


def _check_walk_gan(settings: Settings) -> None:
    """Range checks of the walk and GAN fields."""
    if not 0 <= settings.walk_smoothing <= 1:
        raise SettingsError(
            f"walk_smoothing: {settings.walk_smoothing:g} must be between 0 and 1.")
    if not 0 <= settings.hold_motion <= 1:
        raise SettingsError(f"hold_motion: {settings.hold_motion:g} must be between 0 and 1.")
    if not 0 <= settings.batch_size <= 256:
        raise SettingsError(f"batch_size: {settings.batch_size} must be between 1 and 256 "
                            "(0: the mode's default).")
    check_mode(settings)  # what the mode itself refuses (walk: the preview renderer)
    if not 1 <= settings.pitch_sensitivity <= 299:
        raise SettingsError(
            f"pitch_sensitivity: {settings.pitch_sensitivity:g} must be between 1 and 299.")
    if not 0 <= settings.tempo_sensitivity <= 1:
        raise SettingsError(
            f"tempo_sensitivity: {settings.tempo_sensitivity:g} must be between 0 and 1.")
    if not 0 < settings.depth <= 1:
        raise SettingsError(f"depth: {settings.depth:g} must be greater than 0 and at most 1.")
    if not 1 <= settings.num_classes <= 12:
        raise SettingsError(f"num_classes: {settings.num_classes} must be between 1 and 12.")
    if not 0 <= settings.jitter <= 1:
        raise SettingsError(f"jitter: {settings.jitter:g} must be between 0 and 1.")
    if not 0.05 <= settings.truncation <= 1:
        raise SettingsError(f"truncation: {settings.truncation:g} must be between 0.05 and 1.")
    if settings.smooth_factor < 1:
        raise SettingsError(f"smooth_factor: {settings.smooth_factor} must be 1 or more.")
    if settings.frame_length is not None and not 64 <= settings.frame_length <= 22050:
        raise SettingsError(f"frame_length: {settings.frame_length} must be between 64 and "
                            "22050 audio samples (512 gives about 43 fps).")


def settings_from_dict(data: Mapping[str, Any], *, base: Settings | None = None,
                       source: str = "settings") -> Settings:
    """Validate ``data`` into :class:`Settings`, starting from ``base`` (defaults if None).

    Raises
    ------
    SettingsError
        For an unknown key (with a suggestion), a wrong type or an out-of-range value.
    """
    if not isinstance(data, Mapping):
        raise SettingsError(f"{source}: expected a mapping of setting names to values.")
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in _FIELDS:
            close = difflib.get_close_matches(str(key), list(_FIELDS), n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            raise SettingsError(f"{source}: unknown setting '{key}'.{hint}")
        values[key] = _convert(key, value)
    settings = dataclasses.replace(base or Settings(), **values)
    _check(settings)
    return settings


def apply_overrides(settings: Settings, overrides: Mapping[str, Any]) -> Settings:
    """Return ``settings`` with ``overrides`` (e.g. CLI flags) applied and validated."""
    return settings_from_dict(overrides, base=settings, source="option")


def settings_to_dict(settings: Settings) -> dict[str, Any]:
    """Plain JSON-able data; :func:`settings_from_dict` reads it back to an equal object."""
    return dataclasses.asdict(settings)


def load_settings_file(path: str | os.PathLike[str], *, base: Settings | None = None) -> Settings:
    """Read a YAML or JSON settings file, or a Deforum settings file (converted; see
    :func:`deforum_report` for what did not map).

    Raises
    ------
    SettingsError
        If the file is missing, unreadable, malformed, or has a bad setting.
    """
    path = Path(path)
    return settings_from_dict(_read_settings_file(path), base=base, source=path.name)


def parse_settings_text(text: str, *, name: str = "settings") -> dict[str, Any]:
    """Parse YAML (a superset of JSON) into a mapping; raise SettingsError if malformed, larger
    than :data:`~music_visualizer.safe_load.MAX_SETTINGS_BYTES`, nested too deep or expanding
    (through YAML aliases) to too many values."""
    if len(text) > MAX_SETTINGS_BYTES:
        raise SettingsError(f"Settings file '{name}' is larger than "
                            f"{MAX_SETTINGS_BYTES // 2**20} MB; check that it is the right file.")
    data = (parse_json(text, name=name) if text.lstrip().startswith("{")
            else parse_yaml(text, name=name))
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise SettingsError(f"Settings file '{name}' must contain a mapping of names to values.")
    return data


def preset_names() -> list[str]:
    """Names of the shipped motion presets."""
    return sorted(p.stem for p in PRESET_DIR.glob("*.yaml"))


def load_preset(name: str) -> dict[str, Any]:
    """The settings of a motion preset, by name or as a path to a YAML file."""
    if not isinstance(name, str) or not name.strip() or len(name) > 4096:
        raise SettingsError(f"preset: {describe(name)} is not a preset name; choose one of "
                            f"{', '.join(preset_names())} or give a YAML file.")
    path = Path(name)
    if path.suffix.lower() not in (".yaml", ".yml", ".json"):
        path = PRESET_DIR / f"{name}.yaml"
    try:
        found = path.is_file()
    except OSError:  # e.g. a name too long for the file system
        found = False
    if not found:
        raise SettingsError(
            f"preset: {describe(name)} is not a preset; choose one of "
            f"{', '.join(preset_names())} or give a YAML file.")
    data = parse_settings_text(read_text(path), name=str(path))
    data.pop("description", None)
    if "preset" in data:
        raise SettingsError(f"preset {describe(name)}: a preset cannot name another preset.")
    return data


def _parse_settings_file(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise SettingsError(f"Settings file '{path}' does not exist; check the path.")
    return parse_settings_text(read_text(path), name=str(path))


def _read_settings_file(path: Path) -> dict[str, Any]:
    """A settings file's mapping of our keys; a Deforum settings file (A1111 extension or Colab
    notebook, told by its keys) is converted by
    :func:`~music_visualizer.settings.deforum.import_deforum`.
    """
    data = _parse_settings_file(path)
    from .deforum import import_deforum, is_deforum_settings

    if is_deforum_settings(data):
        return import_deforum(data).settings
    return data


def deforum_report(path: str | os.PathLike[str]) -> list[str] | None:
    """What happened to a Deforum settings file read as settings: a summary line, the notes and
    the keys not used, for the CLI to print. None if ``path`` is not a Deforum settings file.

    Raises
    ------
    SettingsError
        If the file is missing, unreadable or malformed (as :func:`load_settings_file` would).
    """
    from .deforum import import_deforum, is_deforum_settings

    path = Path(path)
    data = _parse_settings_file(path)
    if not is_deforum_settings(data):
        return None
    return import_deforum(data).report(str(path))


def resolve_settings(*, file: str | os.PathLike[str] | None = None,
                     overrides: Mapping[str, Any] | None = None) -> Settings:
    """Build settings the one way the CLI, the app and the notebook all do.

    Layers, later winning: the defaults, the motion preset the settings file names, the
    settings file, a preset given as a flag or app field, then the other ``overrides``. So a
    preset chosen on the command line or in the app moves the camera even when the file (e.g.
    ``configs/default.yaml``) spells out every motion schedule.
    """
    overrides = dict(overrides or {})
    file_data = _read_settings_file(Path(file)) if file is not None else {}
    settings = Settings()
    file_preset = _convert("preset", file_data.get("preset"))
    if file_preset:
        settings = settings_from_dict(load_preset(file_preset), base=settings,
                                      source=f"preset {file_preset}")
    settings = settings_from_dict(file_data, base=settings,
                                  source=Path(file).name if file is not None else "settings")
    flag_preset = _convert("preset", overrides.get("preset"))
    if flag_preset:
        settings = settings_from_dict(load_preset(flag_preset), base=settings,
                                      source=f"preset {flag_preset}")
    return apply_overrides(settings, overrides)
