"""Load Stable Diffusion pipelines: one set of weights, a txt2img and an img2img view of it.

``load_pipelines(model)`` accepts a Hugging Face Hub id (``stabilityai/sd-turbo``, the project's
default), a local diffusers folder (with ``model_index.json``) or a single ``.safetensors`` /
``.ckpt`` checkpoint. The img2img pipeline is loaded and the txt2img pipeline is built from its
components, so both share the same unet, VAE and text encoder (the weights exist once).

Every failure a user can cause (missing path, wrong folder, model not downloadable, broken
checkpoint, unknown scheduler, dtype or device) is a :class:`~music_visualizer.errors.ModelError`
with one sentence naming the model; the original exception is chained.

diffusers and transformers are imported inside the functions, so importing this module is cheap.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import torch

from music_visualizer.errors import ModelError

from .hub import (
    CHECKPOINT_SUFFIXES,
    HUB_ID,
    download_reason,
    hub_offline,
    looks_like_path,
    short_error,
)

__all__ = [
    "DEFAULT_MODEL",
    "SCHEDULERS",
    "Pipelines",
    "SchedulerSpec",
    "compile_failure",
    "load_pipelines",
    "make_scheduler",
    "pick_device",
    "resolve_dtype",
    "run_pipeline",
]

DEFAULT_MODEL = "stabilityai/sd-turbo"


class SchedulerSpec(NamedTuple):
    """A diffusers scheduler class name (``None``: keep the model's own) and config overrides."""

    class_name: str | None
    overrides: dict[str, Any]


SCHEDULERS: dict[str, SchedulerSpec] = {
    "default": SchedulerSpec(None, {}),
    "euler_a": SchedulerSpec("EulerAncestralDiscreteScheduler", {}),
    "euler": SchedulerSpec("EulerDiscreteScheduler", {}),
    # Stable Diffusion's own DDIM settings (the class defaults are for pixel-space models).
    "ddim": SchedulerSpec("DDIMScheduler", {"clip_sample": False, "set_alpha_to_one": False}),
    "dpmpp_2m": SchedulerSpec(
        "DPMSolverMultistepScheduler", {"algorithm_type": "dpmsolver++", "solver_order": 2}
    ),
    "lcm": SchedulerSpec("LCMScheduler", {}),
}

_DTYPES = {
    "float16": torch.float16,
    "fp16": torch.float16,
    "half": torch.float16,
    "bfloat16": torch.bfloat16,
    "bf16": torch.bfloat16,
    "float32": torch.float32,
    "fp32": torch.float32,
    "float": torch.float32,
}

@dataclass
class Pipelines:
    """A txt2img and an img2img pipeline sharing the same modules."""

    txt2img: Any
    img2img: Any
    device: torch.device
    dtype: torch.dtype
    model_id: str


# --------------------------------------------------------------------------- device and dtype


def pick_device(device: str | None = None) -> torch.device:
    """The requested device, or the best available one (cuda > mps > cpu) when ``None``."""
    if device is None or str(device).strip().lower() in ("", "auto"):
        if torch.cuda.is_available():
            return torch.device("cuda")
        mps = getattr(torch.backends, "mps", None)
        if mps is not None and mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    try:
        dev = torch.device(str(device).strip())
    except (RuntimeError, ValueError) as e:
        raise ModelError(
            f"Unknown device {device!r}: use cpu, cuda, cuda:N or mps (or leave it empty)."
        ) from e
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ModelError(f"Device {device!r} was requested but CUDA is not available here.")
    if dev.type == "mps":
        mps = getattr(torch.backends, "mps", None)
        if mps is None or not mps.is_available():
            raise ModelError(f"Device {device!r} was requested but MPS is not available here.")
    return dev


def resolve_dtype(dtype: str | torch.dtype | None, device: torch.device) -> torch.dtype:
    """float16 on CUDA and float32 elsewhere by default; ``dtype`` overrides."""
    if dtype is None or (isinstance(dtype, str) and dtype.strip().lower() in ("", "auto")):
        return torch.float16 if device.type == "cuda" else torch.float32
    if isinstance(dtype, torch.dtype):
        if dtype in _DTYPES.values():
            return dtype
    else:
        key = dtype.strip().lower().removeprefix("torch.")
        if key in _DTYPES:
            return _DTYPES[key]
    raise ModelError(f"Unknown dtype {dtype!r}: use float16, bfloat16 or float32.")


# --------------------------------------------------------------------------- schedulers


def _scheduler_key(name: str) -> str:
    key = str(name).strip().lower().replace("-", "_")
    if key not in SCHEDULERS:
        raise ModelError(f"Unknown scheduler {name!r}: choose one of {', '.join(SCHEDULERS)}.")
    return key


def make_scheduler(name: str, config: Any) -> Any | None:
    """A new scheduler ``name`` built from an existing scheduler's ``config``.

    Returns ``None`` for ``"default"`` (keep the model's own scheduler).
    """
    spec = SCHEDULERS[_scheduler_key(name)]
    if spec.class_name is None:
        return None
    import diffusers

    cls = getattr(diffusers, spec.class_name)
    return cls.from_config(config, **spec.overrides)


# --------------------------------------------------------------------------- model sources


def _not_diffusers_folder(model: str, folder: Path) -> ModelError:
    ckpts = sorted(p.name for p in folder.iterdir() if p.suffix.lower() in CHECKPOINT_SUFFIXES)
    hint = f" (did you mean the file {ckpts[0]!r} in it?)" if len(ckpts) == 1 else ""
    return ModelError(
        f"Folder {model!r} is not a diffusers model: it has no model_index.json{hint}; pass a "
        "folder saved with save_pretrained, a .safetensors/.ckpt file or a Hugging Face Hub id."
    )


# --------------------------------------------------------------------------- loading


def load_pipelines(
    model: str | os.PathLike = DEFAULT_MODEL,
    *,
    scheduler: str = "default",
    device: str | None = None,
    dtype: str | None = None,
    local_files_only: bool | None = None,
    cache_dir: str | os.PathLike | None = None,
    tiny_vae: str | None = None,
    compile: bool = False,
) -> Pipelines:
    """Load ``model`` once and return txt2img and img2img pipelines sharing its modules.

    ``model``: a Hub id, a local diffusers folder or a ``.safetensors``/``.ckpt`` file.
    ``scheduler``: one of :data:`SCHEDULERS`. ``device``: cpu/cuda/mps (best available when
    ``None``). ``dtype``: float16/bfloat16/float32 (float16 on CUDA, float32 elsewhere when
    ``None``). ``local_files_only``: never touch the network (default: when HF_HUB_OFFLINE is set).
    ``cache_dir``: where Hub downloads go (default: the Hugging Face cache).
    ``tiny_vae``: a tiny autoencoder (``AutoencoderTiny``, e.g. ``madebyollin/taesd`` for SD
    1.x/2.x; hub id or folder) used instead of the model's VAE: decoding (and encoding the
    img2img start image) takes a fraction of the time, frames are slightly softer.
    ``compile``: ``torch.compile`` the UNet (compiled on the first frame of each size).
    """
    model_id = os.fspath(model)
    name = model_id.strip()
    if not name:
        raise ModelError("No model given: pass a Hugging Face Hub id, a folder or a checkpoint.")
    # Check the names before any heavy work.
    _scheduler_key(scheduler)
    dev = pick_device(device)
    torch_dtype = resolve_dtype(dtype, dev)
    if local_files_only is None:
        local_files_only = hub_offline()
    hub = {"local_files_only": local_files_only, "cache_dir": cache_dir}

    path = Path(name).expanduser()
    is_url = re.match(r"^https?://", name) is not None
    if is_url and name.lower().endswith(CHECKPOINT_SUFFIXES):
        img2img = _load_single_file(model_id, name, torch_dtype, hub)
    elif not is_url and path.is_file():
        img2img = _load_single_file(model_id, str(path), torch_dtype, hub)
    elif not is_url and path.is_dir():
        if not (path / "model_index.json").is_file():
            raise _not_diffusers_folder(model_id, path)
        img2img = _load_folder(model_id, path, torch_dtype)
    elif is_url or looks_like_path(name):
        raise ModelError(
            f"Model path {model_id!r} does not exist: check the path (a diffusers folder or a "
            ".safetensors/.ckpt file) or give a Hugging Face Hub id such as "
            f"{DEFAULT_MODEL!r}."
        )
    elif not HUB_ID.match(name):
        raise ModelError(
            f"Model {model_id!r} is neither an existing local path nor a valid Hugging Face Hub "
            f"id (owner/name, such as {DEFAULT_MODEL!r})."
        )
    else:
        img2img = _load_folder(model_id, _download(model_id, name, hub), torch_dtype)

    if tiny_vae:
        _use_tiny_vae(img2img, tiny_vae, model_id=model_id, dtype=torch_dtype, hub=hub)
    return _finish(img2img, model_id=model_id, scheduler=scheduler, device=dev, dtype=torch_dtype,
                   compile=compile)


def _use_tiny_vae(img2img: Any, source: str, *, model_id: str, dtype: torch.dtype,
                  hub: dict[str, Any]) -> None:
    """Replace the pipeline's VAE by the ``AutoencoderTiny`` at ``source`` (hub id or folder)."""
    from diffusers import AutoencoderTiny

    path = Path(source).expanduser()
    if looks_like_path(source) and not path.is_dir():
        raise ModelError(f"Tiny VAE folder {source!r} does not exist: give a folder with the "
                         "autoencoder's config.json and weights, or a hub id such as "
                         "'madebyollin/taesd'.")
    try:
        vae = AutoencoderTiny.from_pretrained(str(path) if path.is_dir() else source,
                                              dtype=dtype, **hub)
    except Exception as e:
        reason = download_reason(e, local_files_only=hub["local_files_only"]) or short_error(e)
        raise ModelError(f"Tiny VAE {source!r} could not be loaded ({reason}): give an "
                         "AutoencoderTiny folder or hub id (madebyollin/taesd for SD 1.x/2.x, "
                         "madebyollin/taesdxl for SDXL), or leave tiny_vae empty.") from e
    unet_channels = getattr(getattr(img2img, "unet", None), "config", None)
    unet_channels = getattr(unet_channels, "in_channels", vae.config.latent_channels)
    factor = 2 ** (len(vae.config.encoder_block_out_channels) - 1)
    model_factor = getattr(img2img, "vae_scale_factor", factor)
    if vae.config.latent_channels != unet_channels or factor != model_factor:
        raise ModelError(
            f"Tiny VAE {source!r} does not fit model {model_id!r}: it has "
            f"{vae.config.latent_channels} latent channels at 1/{factor} scale, the model "
            f"{unet_channels} at 1/{model_factor}; use the tiny VAE made for this model family "
            "(madebyollin/taesd for SD 1.x/2.x).")
    img2img.vae = vae


def _download(model_id: str, repo_id: str, hub: dict[str, Any]) -> Path:
    """The local snapshot folder of a Hub model, downloaded if needed (no safety checker).

    ``DiffusionPipeline.download`` asks the Hub once (``model_info``) and falls back to the cache
    at once when there is no connection, whereas ``AutoPipeline*.from_pretrained(repo_id)`` first
    fetches model_index.json with five retries and back-off (about 25 s offline).
    """
    from diffusers import DiffusionPipeline

    try:
        # Components passed as None are not downloaded (SD 1.x's 1.2 GB safety checker).
        folder = DiffusionPipeline.download(
            repo_id, safety_checker=None, feature_extractor=None, **hub
        )
    except Exception as e:
        reason = download_reason(e, local_files_only=hub["local_files_only"]) or short_error(e)
        raise ModelError(
            f"Model {model_id!r} could not be downloaded from the Hugging Face Hub ({reason}):"
            " check the model id and your internet connection, or pass a local diffusers"
            " folder or a .safetensors file."
        ) from e
    return Path(folder)


def _load_folder(model_id: str, folder: Path, dtype: torch.dtype) -> Any:
    from diffusers import AutoPipelineForImage2Image

    try:
        index = json.loads((folder / "model_index.json").read_text(encoding="utf-8"))
        kwargs: dict[str, Any] = {}
        if "safety_checker" in index:  # SD 1.x/2.x: do not load the checker at all
            kwargs.update(
                safety_checker=None, feature_extractor=None, requires_safety_checker=False
            )
        return AutoPipelineForImage2Image.from_pretrained(
            folder, dtype=dtype, local_files_only=True, **kwargs
        )
    except Exception as e:
        raise ModelError(
            f"Model {model_id!r} could not be loaded as an image-to-image diffusion pipeline "
            f"({short_error(e)})."
        ) from e


def _load_single_file(model_id: str, source: str, dtype: torch.dtype, hub: dict[str, Any]) -> Any:
    from diffusers import StableDiffusionImg2ImgPipeline

    try:
        return StableDiffusionImg2ImgPipeline.from_single_file(
            source, dtype=dtype, safety_checker=None, requires_safety_checker=False, **hub
        )
    except Exception as e:
        reason = download_reason(e, local_files_only=hub["local_files_only"])
        if reason is not None:
            detail = (
                f"its config could not be fetched from the Hugging Face Hub: {reason}; the first "
                "load of a single file needs an internet connection"
            )
        else:
            detail = short_error(e)
        raise ModelError(
            f"Checkpoint {model_id!r} could not be loaded as a Stable Diffusion model ({detail})."
        ) from e


def run_pipeline(pipe: Any, **kwargs: Any) -> Any:
    """``pipe(**kwargs).images``; a compiled UNet fails on its first call, not at load, and that
    failure becomes the one-sentence :func:`compile_failure`."""
    try:
        return pipe(**kwargs).images
    except Exception as e:
        failure = compile_failure(e)
        if failure is not None:
            raise failure from e
        raise


def compile_failure(e: BaseException) -> ModelError | None:
    """A :class:`ModelError` for an exception raised by ``torch.compile`` on the first call of
    a compiled UNet (no C compiler, no Triton for the GPU, an unsupported op), else None."""
    try:
        from torch._dynamo.exc import TorchDynamoException
    except ImportError:  # pragma: no cover - torch without dynamo
        return None
    if not isinstance(e, TorchDynamoException):
        return None
    return ModelError(f"torch.compile could not compile the model ({short_error(e)}): render "
                      "without compile (--compile off), or install what it names.")


def _finish(
    img2img: Any, *, model_id: str, scheduler: str, device: torch.device, dtype: torch.dtype,
    compile: bool = False,
) -> Pipelines:
    from diffusers import AutoPipelineForText2Image

    if getattr(img2img, "safety_checker", None) is not None:
        img2img.safety_checker = None
    new_scheduler = make_scheduler(scheduler, img2img.scheduler.config)
    if new_scheduler is not None:
        img2img.scheduler = new_scheduler
    try:
        img2img.to(device)
    except Exception as e:  # e.g. out of device memory
        raise ModelError(
            f"Model {model_id!r} could not be moved to {device} ({short_error(e)})."
        ) from e
    if device.type == "cuda" and getattr(img2img, "unet", None) is not None:
        img2img.unet.to(memory_format=torch.channels_last)
    if compile and getattr(img2img, "unet", None) is not None:
        # in place (the module keeps its class and config); the first call compiles
        img2img.unet.compile(dynamic=False)
    # Built from the same components: no second copy of any weight. The default attention
    # processor (torch SDPA) is kept on both.
    txt2img = AutoPipelineForText2Image.from_pipe(img2img)
    for pipe in (img2img, txt2img):
        pipe.set_progress_bar_config(disable=True)
    return Pipelines(
        txt2img=txt2img, img2img=img2img, device=device, dtype=dtype, model_id=model_id
    )
