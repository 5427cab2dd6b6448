"""The :class:`Settings` type, every field declared once, and what is derived from the
declarations.

- :class:`Settings`          every knob of a render, with its default and :class:`~.spec.Spec`
- :data:`GROUPS`             the groups of settings, in order, with their titles
- :func:`field_specs`        name -> (kind, spec) of every field, in declaration order
- :func:`settings_from_dict` validate a mapping (from YAML/JSON/flags) into :class:`Settings`
- :func:`apply_overrides`    return a copy with some fields replaced, validated again
- :func:`settings_to_dict`   plain data for JSON
- :func:`form_fields`        the app form's fields and widget hints, in the form's order
- :func:`value_range`        the (low, high, inclusive low) of a field's values, if it has one
- :data:`CHOICES`, :data:`SCHEDULE_FIELDS`, :data:`OPTIONAL_SCHEDULE_FIELDS` tables of the specs

Adding a setting: declare its field here with :func:`~.spec.setting` (help, group, range,
choices, flag, widget); conversion, range checks and their messages, the CLI flag, the app's
form list, ``configs/default.yaml``'s comment and the README's table follow from it. Only rules
between fields are code (:func:`check_rules`).
"""

from __future__ import annotations

import dataclasses
import difflib
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from ..errors import SettingsError
from ..modes import check_mode
from .spec import SPEC_KEY, Spec, check_range, convert, kind_of, setting
from .values import (
    INTERVAL_KINDS,
    Prompts,
    normalize_classes,
    normalize_colour,
    normalize_intervals,
    normalize_prompts,
)

__all__ = [
    "CHOICES",
    "GROUPS",
    "INTERVAL_KINDS",
    "OPTIONAL_SCHEDULE_FIELDS",
    "SCHEDULE_FIELDS",
    "Settings",
    "apply_overrides",
    "check_rules",
    "convert_value",
    "deforum_sources",
    "field_specs",
    "form_fields",
    "settings_from_dict",
    "settings_to_dict",
    "value_range",
]

#: The groups of settings in order, with the titles configs/default.yaml and the docs show.
GROUPS: dict[str, str] = {
    "render": "What renders it",
    "size": "Size and time",
    "output": "What is kept on disk",
    "finishing": "Finishing at encode time (more frames, larger pictures; the PNGs stay as "
                 "rendered)",
    "diffusion": "Diffusion",
    "animation": "Deforum animation (per frame)",
    "noise": "Noise and anti-blur (unsharp mask before the noise; amount 0 = off)",
    "guidance": "Seeds and guidance per frame",
    "3d": "3D camera (mode 3D): + translation_x moves the picture right, as in 2D",
    "flip": "2D perspective flip",
    "music": "Music (see configs/presets for motion that follows the song)",
    "walk": "Walk mode (mode: walk): txt2img frames between prompts and seeds, paced by the "
            "music",
    "gan": "GAN mode (mode: gan): BigGAN, the Deep Music Visualizer's options with the same "
           "meaning",
}

_SEC = {"unit": "seconds", "metavar": "SEC"}
_ID = {"metavar": "ID_OR_PATH"}
_SCHED = {"schedule": True, "widget": "text"}
_UNIT_RANGE = {"low": 0.0, "high": 1.0}


@dataclass(frozen=True)
class Settings:
    """Everything that decides what a render looks like. Field names match the CLI flags."""

    # What renders it.
    mode: str = setting(
        "2D", "2D | 3D (depth camera) | walk (prompt walk) | gan (BigGAN)", group="render",
        choices=("2D", "3D", "walk", "gan"), widget="dropdown",
        app=dict(label="Mode"), form=7, deforum=("animation_mode",))
    renderer: str = setting(
        "diffusion", "diffusion | preview (no model: instant animatic on a CPU)", group="render",
        choices=("diffusion", "preview"), widget="radio",
        app=dict(label="Renderer", info="preview: no model, a quick draft of the motion"), form=8)
    model: str = setting(
        "stabilityai/sd-turbo", "hub id, local diffusers folder or .safetensors/.ckpt file",
        group="render", empty_message="give a hub id, a local diffusers folder or a "
        ".safetensors file.", widget="text",
        app=dict(label="Model", info="hub id, local diffusers folder or .safetensors"), form=9,
        deforum=("sd_model_name", "model"), **_ID)
    scheduler: str = setting(
        "default", "the sampler: default (the model's own) | euler_a | euler | ddim | dpmpp_2m "
        "| lcm", group="render", choices=("default", "euler_a", "euler", "ddim", "dpmpp_2m",
                                          "lcm"),
        flag_choices=False, widget="dropdown",
        app=dict(label="Scheduler"), form=13, deforum=("sampler", "scheduler"))
    tiny_vae: str = setting(
        "", "decode with a tiny autoencoder, e.g. madebyollin/taesd (SD 1.x/2.x) or a local "
        "folder: much faster decoding, slightly softer frames", group="render", widget="text",
        app=dict(label="Tiny VAE", placeholder="e.g. madebyollin/taesd (blank: off)",
                 info="faster decoding, slightly softer frames"),
        form=22, **_ID)
    compile: bool = setting(
        False, "torch.compile the UNet (compiles once per size; faster frames on a GPU)",
        group="render", widget="checkbox",
        app=dict(label="Compile the model",
                 info="torch.compile: a few minutes once, then faster frames on a GPU"), form=23)
    # Size and time.
    width: int = setting(512, "frame width", group="size", low=8, high=4096, multiple_of=8,
                         unit="pixels", note="(e.g. 512)", widget="slider",
                         app=dict(label="Width", minimum=64, maximum=1536,
                                  step=64), form=4, deforum=("W",))
    height: int = setting(512, "frame height", group="size", low=8, high=4096, multiple_of=8,
                          unit="pixels", note="(e.g. 512)", widget="slider",
                          app=dict(label="Height", minimum=64, maximum=1536, step=64), form=5,
                          deforum=("H",))
    fps: float = setting(12.0, "frames per second", group="size", low=0.0, high=120.0,
                         low_open=True, widget="number",
                         app=dict(label="FPS", minimum=1, maximum=60), form=3)
    duration: float | None = setting(
        None, "seconds; none = to the end of the song", group="size", low=0.0, low_open=True,
        widget="number",
        app=dict(label="Duration (s)", minimum=0,
                 info="0 or blank: the whole song"), form=1, deforum=("max_frames",), **_SEC)
    start: float = setting(0.0, "seconds into the song", group="size", low=0.0, widget="number",
                           app=dict(label="Start (s)", minimum=0),
                           form=2, **_SEC)
    # What is kept on disk.
    keep_frames: str = setting(
        "all", "all: keep every frame's PNG | none: encode the video in segments while "
        "rendering and delete their frames (a tenth of the disk; for Drive)", group="output",
        choices=("all", "none"), widget="radio",
        app=dict(label="Keep frames",
                 info="none: the video is encoded while rendering and the PNGs deleted "
                      "(fits in Drive)"), form=56)
    # Lyrics captions, burned into the video only (the PNGs stay clean).
    captions: str = setting(
        "none", "none | line: the current lyric line burned into the video | karaoke: the line "
        "with the words sung so far highlighted (needs timed lyrics: an .lrc next to the song "
        "or synced tags; the PNGs stay clean)", group="output",
        choices=("none", "line", "karaoke"), widget="radio",
        app=dict(label="Captions",
                 info="the timed lyrics in the video (the Lyrics box, else an .lrc next to "
                      "the song or its tags)"),
        form=57)
    caption_font: str = setting(
        "", "'' = DejaVu Sans Bold (ships with matplotlib) | a .ttf or .otf font file",
        group="output", metavar="FONT_FILE", widget="text",
        app=dict(label="Caption font", placeholder="DejaVu Sans Bold (blank) or a .ttf/.otf "
                                                   "file"), form=60)
    caption_position: str = setting(
        "bottom", "where the captions sit in the frame", group="output",
        choices=("bottom", "middle", "top"), widget="dropdown",
        app=dict(label="Caption position"), form=61)
    caption_size: float = setting(
        0.06, "the captions' text height as a fraction of the frame height", group="output",
        low=0.02, high=0.3, metavar="0.02-0.3", widget="number",
        app=dict(label="Caption size", minimum=0.02, maximum=0.3, step=0.01), form=62)
    caption_outline: float = setting(
        0.1, "the dark outline around the captions' letters, as a fraction of the text height "
        "(0 = none)", group="output", low=0.0, high=0.5, metavar="0-0.5", widget="number",
        app=dict(label="Caption outline", minimum=0.0, maximum=0.5, step=0.05), form=63)
    caption_highlight: str = setting(
        "#ffd200", "karaoke: the colour of the words sung so far (a name or #rrggbb)",
        group="output", metavar="COLOUR",
        convert=normalize_colour)
    # Finishing: interpolation and upscaling when the video is encoded.
    interpolate: int = setting(
        1, "frames per rendered frame in the video: 2, 3 or 4 times the fps, the same duration "
        "(1 = off)", group="finishing", low=1, high=4, metavar="N", widget="number",
        app=dict(label="Interpolate", minimum=1, maximum=4, precision=0,
                 info="x fps in the video (1 = off)"), form=65)
    interpolation_model: str = setting(
        "", "rife: the flownet.pkl of a Practical-RIFE 4.x release (a path or its train_log "
        "folder, or a Hugging Face id)", group="finishing", metavar="PATH_OR_ID", widget="text",
        app=dict(label="RIFE model", info="flownet.pkl (engine rife)"), form=66)
    interpolation_engine: str = setting(
        "auto", "auto: rife when interpolation_model is given, else minterpolate | rife: the "
        "RIFE model (best; needs interpolation_model) | minterpolate: ffmpeg's motion "
        "interpolation (no model) | blend: cross-fade (fastest)",
        group="finishing", choices=("auto", "rife", "minterpolate", "blend"), widget="dropdown",
        app=dict(label="Interpolation"), form=67)
    upscale: int = setting(
        1, "the video's pictures 2 or 4 times larger (1 = off)", group="finishing", low=1,
        high=4, metavar="N", widget="dropdown",
        app=dict(label="Upscale", choices=[1, 2, 4], info="x width and height"), form=68)
    upscale_model: str = setting(
        "", "an ESRGAN-family .pth/.safetensors (Real-ESRGAN x4plus, 4x-UltraSharp ...); "
        "empty: Lanczos", group="finishing", metavar="PATH", widget="text",
        app=dict(label="Upscale model", info="empty: Lanczos"), form=69)
    # Diffusion.
    steps: int = setting(4, "denoising steps (sd-turbo needs 1-4; SD 1.5 wants 25-50)",
                         group="diffusion", low=1, high=200, widget="number",
                         app=dict(label="Steps", minimum=1, precision=0), form=10,
                         deforum=("steps", "steps_schedule"))
    cfg_scale: float = setting(
        1.0, "guidance (sd-turbo: 1, no guidance; SD 1.5: about 7)", group="diffusion",
        low=0.0, high=50.0, widget="number", app=dict(label="CFG scale", minimum=0), form=11,
        deforum=("cfg_scale", "scale", "cfg_scale_schedule"))
    seed: int = setting(-1, "-1 = random (the drawn seed is recorded in the run)",
                        group="diffusion", low=-1, high=2**32 - 1,
                        message="-1 (random) or between 0 and 2**32-1", widget="number",
                        app=dict(label="Seed", precision=0,
                                 info="-1: random (recorded with the run)"), form=12)
    seed_behavior: str = setting(
        "iter", "iter (+1 every seed_iter_n diffused frames) | fixed | random (drawn from the "
        "recorded seed) | ladder (+2, -1) | alternate (+1, -1) | schedule (seed_schedule)",
        group="diffusion", choices=("iter", "fixed", "random", "ladder", "alternate",
                                    "schedule"), widget="dropdown",
        app=dict(label="Seed behaviour"), form=14)
    seed_iter_n: int = setting(1, "iter: the seed goes up every N diffused frames",
                               group="diffusion", low=1, metavar="N",
                               deforum=("seed_iter_N", "seed_iter_n"))
    prompts: Prompts = setting(
        [], "a list (spread over the song) or {frame: prompt}, keys may use max_f "
        "(\"max_f/2\"); \"text --neg bad\" adds a negative part", group="diffusion",
        convert=normalize_prompts, flag=None)
    negative_prompt: str = setting("", "added to every prompt's negative part",
                                   group="diffusion", strip=False, metavar="TEXT",
                                   deforum=("negative_prompts", "animation_prompts_negative",
                                            "negative_prompt"))
    init_image: str | None = setting(
        None, "an image for frame 0, or 'cover' for the album cover", group="diffusion",
        metavar="IMG")
    # Deforum animation fields (keyframe schedules).
    angle: str = setting("0:(0)", "degrees per frame, counter-clockwise", group="animation",
                         form=31, **_SCHED)
    zoom: str = setting("0:(1.01)", "scale per frame, > 1 zooms in", group="animation",
                        low=0.0, high=100.0, low_open=True, form=32, **_SCHED)
    translation_x: str = setting("0:(0)", "pixels per frame, + moves the picture right",
                                 group="animation", form=33, **_SCHED)
    translation_y: str = setting("0:(0)", "pixels per frame, + moves the picture down",
                                 group="animation", form=34, **_SCHED)
    transform_center_x: str = setting("0:(0.5)", "centre of rotation and zoom, fraction of the "
                                      "width", group="animation", form=35, **_SCHED)
    transform_center_y: str = setting("0:(0.5)", "centre of rotation and zoom, fraction of the "
                                      "height", group="animation", form=36, **_SCHED)
    border: str = setting("replicate", "replicate (repeat the edge pixels) | wrap (tile)",
                          group="animation", choices=("replicate", "wrap"), widget="dropdown",
                          app=dict(label="Border"),
                          form=16)
    strength_schedule: str = setting(
        "0:(0.65)", "share of the previous frame kept (img2img strength = 1 - this)",
        group="animation", **_UNIT_RANGE, form=37, **_SCHED)
    noise_schedule: str = setting("0:(0.02)", "gaussian noise, standard deviation in [-1, 1] "
                                  "image units", group="animation", low=0.0, high=10.0, form=38,
                                  **_SCHED)
    contrast_schedule: str = setting("0:(1.0)", "multiplier (clipped, where Deforum lets values "
                                     "wrap)", group="animation", low=0.0, high=10.0, form=39,
                                     **_SCHED)
    color_coherence: str = setting(
        "LAB", "LAB | HSV | RGB | none: match each frame's colours to frame 0",
        group="animation", choices=("LAB", "HSV", "RGB", "none"),
        aliases={"off": "none", "false": "none", "no": "none"}, widget="dropdown",
        app=dict(label="Colour coherence"), form=15)
    color_coherence_image: str | None = setting(
        None, "match colours to this image instead of frame 0", group="animation", metavar="IMG",
        deforum=("color_coherence_image_path",))
    diffusion_cadence: int = setting(
        1, "diffuse every Nth frame; warp and blend the frames between", group="animation",
        low=1, high=50, metavar="N", widget="number",
        app=dict(label="Cadence", minimum=1, maximum=50, precision=0,
                 info="diffuse every Nth frame; the rest are warped and blended (faster)"), form=19)
    # Noise and anti-blur.
    noise_type: str = setting("gaussian", "gaussian | perlin", group="noise",
                              choices=("gaussian", "perlin"), widget="dropdown",
                              app=dict(label="Noise type"), form=20)
    perlin_octaves: int = setting(4, "perlin noise: octaves", group="noise", low=1, high=8,
                                  metavar="N")
    perlin_persistence: float = setting(0.5, "perlin noise: persistence", group="noise",
                                        low=0.0, high=1.0, low_open=True, message="in (0, 1]",
                                        metavar="X")
    kernel_schedule: str = setting("0:(5)", "blur kernel size (odd, pixels)", group="noise",
                                   low=1.0, high=99.0, form=51, **_SCHED)
    sigma_schedule: str = setting("0:(1.0)", "blur sigma", group="noise", low=0.0, high=100.0,
                                  low_open=True, form=52, **_SCHED)
    amount_schedule: str = setting("0:(0.0)", "sharpening amount, e.g. 0.1 keeps details sharp "
                                   "over long runs", group="noise", low=0.0, high=10.0, form=53,
                                   **_SCHED)
    threshold_schedule: str = setting("0:(0.0)", "sharpen only differences above this",
                                      group="noise", **_UNIT_RANGE, form=54, **_SCHED)
    # Seeds and per-frame guidance.
    seed_schedule: str = setting("0:(s)", "seed_behavior schedule: the seed per frame "
                                 "(-1 = random)", group="guidance", form=55, **_SCHED)
    cfg_scale_schedule: str | None = setting(
        None, "guidance per frame (none: cfg_scale at every frame)", group="guidance",
        schedule=True, metavar="SCHEDULE")
    steps_schedule: str | None = setting(
        None, "steps per frame (none: steps at every frame)", group="guidance",
        schedule=True, metavar="SCHEDULE")
    prompt_blend: float = setting(
        0.0, "seconds over which a new prompt blends in (0: a hard switch)", group="guidance",
        low=0.0, widget="number",
        app=dict(label="Prompt blend (s)", minimum=0,
                 info="0: prompts switch at once"), form=21, **_SEC)
    # 3D camera (mode 3D): depth of the previous frame, reprojected by the camera's move.
    translation_z: str = setting("0:(1.75)", "forward motion per frame (+ flies in)",
                                 group="3d", form=40, **_SCHED)
    rotation_3d_x: str = setting("0:(0)", "degrees per frame: tilt (+ looks up)", group="3d",
                                 form=41, **_SCHED)
    rotation_3d_y: str = setting("0:(0)", "degrees per frame: pan (+ turns right)", group="3d",
                                 form=42, **_SCHED)
    rotation_3d_z: str = setting("0:(0)", "degrees per frame: roll (+ counter-clockwise, as "
                                 "angle in 2D)", group="3d", form=43, **_SCHED)
    fov_schedule: str = setting("0:(70)", "field of view, degrees", group="3d", low=0.0,
                                high=179.0, low_open=True, form=44,
                                deforum=("fov_schedule", "fov"), **_SCHED)
    near_schedule: str = setting("0:(200)", "near plane of the depth range", group="3d",
                                 low=0.0, high=1e9, low_open=True, form=45,
                                 deforum=("near_schedule", "near_plane"), **_SCHED)
    far_schedule: str = setting("0:(10000)", "far plane of the depth range", group="3d",
                                low=0.0, high=1e9, low_open=True, form=46,
                                deforum=("far_schedule", "far_plane"), **_SCHED)
    padding_mode: str = setting("border", "3D resampling: border | reflection | zeros",
                                group="3d", choices=("border", "reflection", "zeros"))
    sampling_mode: str = setting("bicubic", "3D resampling: bilinear | bicubic | nearest",
                                 group="3d", choices=("bilinear", "bicubic", "nearest"))
    depth_model: str = setting(
        "depth-anything/Depth-Anything-V2-Small-hf", "3D: a transformers depth-estimation "
        "model (hub id or folder)", group="3d", **_ID)
    save_depth_maps: bool = setting(False, "3D: <timestring>_depth_<frame>.png beside the "
                                    "frames", group="3d")
    # 2D perspective flip.
    enable_perspective_flip: bool = setting(
        False, "2D perspective flip (Deforum's), with the translation kept", group="flip",
        deforum=("enable_perspective_flip", "flip_2d_perspective"))
    perspective_flip_theta: str = setting("0:(0)", "flip: theta, degrees", group="flip",
                                          form=47, **_SCHED)
    perspective_flip_phi: str = setting("0:(0)", "flip: phi, degrees", group="flip", form=48,
                                        **_SCHED)
    perspective_flip_gamma: str = setting("0:(0)", "flip: gamma, degrees", group="flip",
                                          form=49, **_SCHED)
    perspective_flip_fv: str = setting("0:(53)", "flip: field of view, degrees", group="flip",
                                       low=0.0, high=179.0, low_open=True, form=50, **_SCHED)
    # Music.
    preset: str | None = setting(
        None, "a motion preset of configs/presets (pulse, sway, drift, calm, flythrough) or a "
        "YAML file; applied under the file's own keys", group="music", metavar="NAME",
        widget="dropdown", app=dict(label="Motion preset"), form=6)
    section_strength: float = setting(
        0.35, "strength at each prompt change, so the new prompt takes over", group="music",
        **_UNIT_RANGE, metavar="X", widget="number",
        app=dict(label="Strength at prompt changes"), form=17)
    section_transition: float = setting(
        1.0, "seconds to ease back to strength_schedule after a prompt change", group="music",
        low=0.0, widget="number", app=dict(label="Prompt transition (s)"), form=18, **_SEC)
    section_overlap: float = setting(
        0.5, "seconds rendered by both parts and cross-faded where the parts of a song rendered "
        "side by side meet (render --parallel sections: 2D and 3D)", group="music", low=0.0,
        high=10.0, widget="number",
        app=dict(label="Section overlap (s)",
                 info="render --parallel sections: the cross-fade where two parts meet"),
        form=64, **_SEC)
    beat_tracker: str = setting(
        "auto", "auto (beat_this when installed, else builtin) | builtin | beat_this | madmom",
        group="music", choices=("auto", "builtin", "beat_this", "madmom"), widget="dropdown",
        app=dict(label="Beat tracker",
                 info="auto: beat_this when installed (pip install beat-this), else builtin"),
        form=30)
    beat_this_checkpoint: str = setting(
        "final0", "a beat_this checkpoint file, URL or published name", group="music",
        metavar="FILE_OR_NAME")
    # Lyrics (issue 18): where they come from and what they drive.
    lyrics: str = setting(
        "", "'' = a sidecar .lrc next to the song, else the song's tags | an .lrc file | none",
        group="music", metavar="FILE|none")
    lyrics_prompts: bool = setting(
        False, "a prompt keyframe per lyric line: the line's imagery + the section's prompt "
        "(given prompts win)", group="music", widget="checkbox",
        app=dict(label="Prompts from the lyrics",
                 info="a prompt per lyric line (the Lyric prompts box); in the app the prompt "
                      "boxes give each part's style"), form=58)
    lyrics_model: str = setting(
        "openai/whisper-small", "a transformers Whisper model (hub id or folder) that times plain "
        "lyrics and transcribes a song without any; none: plain lyrics are timed without a model "
        "and nothing is transcribed. A render uses it only when it is on this machine (run the "
        "lyrics command once to download it)", group="music", metavar="ID_OR_PATH|none",
        widget="text", app=dict(label="Lyrics model",
                                info="Whisper: times plain lyrics, transcribes songs without "
                                     "any (none: off)"), form=59)
    # Walk mode: intervals of the song between prompts (and seeds), paced by the music.
    intervals: list[dict[str, Any]] = setting(
        [], "[{start, end, prompt_start, prompt_end, kind, seed, seed_end}]; kind: transition "
        "(prompt_start -> prompt_end; no prompt_end: an idea is made) | hold (one prompt, the "
        "noise moves a little); [] = one transition per section of the song, the prompts in "
        "turn", group="walk", convert=normalize_intervals, flag=None)
    walk_feature: str = setting(
        "percussive", "the feature whose energy paces the walk", group="walk",
        choices=("percussive", "onset", "drums", "rms", "beat"))
    walk_smoothing: float = setting(0.3, "0: paced by the music only ... 1: linear",
                                    group="walk", **_UNIT_RANGE, metavar="X", widget="number",
                                    app=dict(label="Walk smoothing", minimum=0, maximum=1,
                                             info="walk mode: 0 paced by the beat ... 1 steady"),
                                    form=24)
    hold_motion: float = setting(0.15, "how far a hold's noise moves toward seed_end (seed + 1)",
                                 group="walk", **_UNIT_RANGE, metavar="X")
    idea_model: str | None = setting(
        None, "a transformers text-generation model for walk mode's transition prompts and, with "
        "lyrics_prompts, the lyric lines rewritten into pictures (none: the built-in modifiers "
        "and word filter)", group="walk", **_ID)
    batch_size: int = setting(0, "frames per model call in walk and gan modes (0: 4 / 30)",
                              group="walk", low=0, high=256, message="between 1 and 256",
                              note="(0: the mode's default)", metavar="N")
    # GAN mode (the Deep Music Visualizer's options, same meaning).
    gan_model: str = setting(
        "biggan-deep-512", "biggan-deep-128/256/512, or a folder with config.json and "
        "pytorch_model.bin", group="gan", metavar="NAME_OR_DIR", widget="text",
        app=dict(label="GAN model", info="gan mode: biggan-deep-128/256/512 or a folder"), form=25)
    pitch_sensitivity: float = setting(220.0, "how fast the classes follow the pitch",
                                       group="gan", low=1.0, high=299.0, metavar="1-299",
                                       widget="number",
                                       app=dict(label="Pitch sensitivity", minimum=1, maximum=299,
                                                info="gan mode"), form=28)
    tempo_sensitivity: float = setting(0.25, "how fast the noise moves with volume and onsets",
                                       group="gan", **_UNIT_RANGE, metavar="0-1",
                                       widget="number",
                                       app=dict(label="Tempo sensitivity", minimum=0, maximum=1,
                                                info="gan mode"), form=29)
    depth: float = setting(1.0, "strength of the class vectors", group="gan", low=0.0,
                           high=1.0, low_open=True, metavar="0-1")
    classes: list[int] | None = setting(
        None, "up to 12 ImageNet class ids (none: drawn from the seed)", group="gan",
        convert=normalize_classes, nargs="+", flag_type=int, metavar="ID", widget="text",
        app=dict(label="GAN classes", placeholder="e.g. 1, 207, 980 (blank: from the seed)",
                 info="gan mode: up to 12 ImageNet class ids"),
        form=26)
    num_classes: int = setting(12, "classes in use", group="gan", low=1, high=12,
                               metavar="1-12")
    sort_classes_by_power: bool = setting(False, "give the strongest pitch the first class",
                                          group="gan")
    jitter: float = setting(0.5, "how much the noise units' sensitivity varies", group="gan",
                            **_UNIT_RANGE, metavar="0-1")
    frame_length: int | None = setting(
        None, "audio samples per frame at 22050 Hz; sets fps", group="gan", low=64, high=22050,
        unit="audio samples", note="(512 gives about 43 fps)", metavar="SAMPLES")
    truncation: float = setting(1.0, "BigGAN truncation: lower is tamer", group="gan",
                                low=0.05, high=1.0, metavar="0.05-1", widget="number",
                                app=dict(label="Truncation", minimum=0.05, maximum=1,
                                         info="gan mode: lower is tamer"), form=27)
    smooth_factor: int = setting(20, "frames over which the class vectors are smoothed",
                                 group="gan", low=1, metavar="N")
    use_previous_classes: bool = setting(False, "the classes of the newest GAN run in the "
                                         "output folder", group="gan")
    use_previous_vectors: bool = setting(False, "the vectors of the newest GAN run of this song "
                                         "(same frames)", group="gan")
    scaling: str = setting("lanczos", "resize filter from the model's size to width/height",
                           group="gan", choices=("lanczos", "bicubic", "bilinear", "nearest"))


@cache
def field_specs(cls: type = Settings) -> dict[str, tuple[str, Spec]]:
    """name -> (kind, :class:`~.spec.Spec`) of every field of :class:`Settings` (or of a
    subclass that declares more), in declaration order."""
    hints = typing.get_type_hints(cls, localns={"Prompts": Prompts})
    return {f.name: (kind_of(hints[f.name], f.metadata[SPEC_KEY]), f.metadata[SPEC_KEY])
            for f in dataclasses.fields(cls)}


#: Allowed values of the enumerated fields (compared case-insensitively, stored as written here).
CHOICES: dict[str, tuple[str, ...]] = {
    name: spec.choices for name, (_, spec) in field_specs().items() if spec.choices}
#: Fields whose value is a keyframe schedule string, in the order the app shows them.
SCHEDULE_FIELDS: tuple[str, ...] = tuple(sorted(
    (name for name, (kind, _) in field_specs().items() if kind == "schedule"),
    key=lambda name: field_specs()[name][1].form))
#: Schedules that may be left out (None): the plain field of the same meaning is used instead.
OPTIONAL_SCHEDULE_FIELDS: tuple[str, ...] = tuple(
    name for name, (kind, _) in field_specs().items() if kind == "optional schedule")


def form_fields() -> tuple[tuple[str, str], ...]:
    """(name, widget hint) of the settings on the app's form, in the form's order (the
    prompts and the negative prompt have their own boxes)."""
    on_form = [(spec.form, name, spec.widget) for name, (_, spec) in field_specs().items()
               if spec.widget]
    return tuple((name, widget) for _, name, widget in sorted(on_form, key=lambda t: t[0]))


def deforum_sources() -> dict[str, tuple[str, ...]]:
    """name -> the Deforum settings keys it is read from, for the settings named otherwise (or
    from more than one key) in Deforum's files."""
    return {name: spec.deforum for name, (_, spec) in field_specs().items() if spec.deforum}


def value_range(name: str) -> tuple[float, float, bool] | None:
    """(low, high, inclusive low) of a numeric field's values or a schedule's values at every
    frame (high inclusive; ``inf`` when open-ended); None if unchecked."""
    spec = field_specs()[name][1]
    if spec.low is None and spec.high is None:
        return None
    low = float("-inf") if spec.low is None else float(spec.low)
    high = float("inf") if spec.high is None else float(spec.high)
    return low, high, not spec.low_open


def convert_value(key: str, value: Any) -> Any:
    """One setting's raw value (from a file, a flag or a form) converted to its field's type
    and range-checked; SettingsError naming ``key``."""
    kind, spec = field_specs()[key]
    out = convert(key, kind, spec, value)
    check_range(key, spec, out)
    return out


def check_rules(settings: Settings) -> None:
    """Rules between fields (each field's own range is checked from its spec): what the chosen
    mode refuses (walk: the preview renderer) is the mode's own check."""
    check_mode(settings)
    if settings.upscale not in (1, 2, 4):
        raise SettingsError(f"upscale: {settings.upscale} is not one of 1 (off), 2 or 4.")


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
    base = base or Settings()
    specs = field_specs(type(base))
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in specs:
            close = difflib.get_close_matches(str(key), list(specs), n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            raise SettingsError(f"{source}: unknown setting '{key}'.{hint}")
        values[key] = convert(key, *specs[key], value)
    settings = dataclasses.replace(base, **values)
    for key, (_, spec) in specs.items():
        check_range(key, spec, getattr(settings, key))
    check_rules(settings)
    return settings


def apply_overrides(settings: Settings, overrides: Mapping[str, Any]) -> Settings:
    """Return ``settings`` with ``overrides`` (e.g. CLI flags) applied and validated."""
    return settings_from_dict(overrides, base=settings, source="option")


def settings_to_dict(settings: Settings) -> dict[str, Any]:
    """Plain JSON-able data; :func:`settings_from_dict` reads it back to an equal object."""
    return dataclasses.asdict(settings)
