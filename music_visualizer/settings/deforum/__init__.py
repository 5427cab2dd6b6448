"""Deforum settings files in and out: use a Deforum ``*_settings.txt`` as ``--settings``, and write
one from a run so Deforum (the A1111 extension) reproduces its motion.

- :func:`is_deforum_settings` whether a parsed settings file is Deforum's (by its keys)
- :func:`import_deforum`      a Deforum settings mapping -> our settings, plus what did not map
- :class:`DeforumImport`      the result: ``settings`` (our keys), ``unmapped``, ``notes``
- :func:`read_deforum_schedule` one schedule of the file -> ours, with Deforum's values
- :func:`export_deforum`      a run record (``<timestring>_settings.json``) -> an A1111-style dict
- :func:`negate_schedule`, :func:`with_first_frame`  keyframe schedules rewritten exactly

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

Modules: :mod:`.importer` (the conversion in, step by step: :mod:`.import_steps`,
:mod:`.import_prompts`, reading keys through :class:`~.reader.DeforumReader`), :mod:`.schedule`
(one schedule read as Deforum reads it), :mod:`.export` (a run record out).
"""

from __future__ import annotations

from .export import export_deforum
from .importer import DeforumImport, import_deforum, is_deforum_settings
from .schedule import EXPORT_DECIMALS, negate_schedule, read_deforum_schedule, with_first_frame

__all__ = [
    "EXPORT_DECIMALS",
    "DeforumImport",
    "export_deforum",
    "import_deforum",
    "is_deforum_settings",
    "negate_schedule",
    "read_deforum_schedule",
    "with_first_frame",
]
