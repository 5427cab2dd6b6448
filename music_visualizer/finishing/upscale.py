"""Upscale frames 2x or 4x: Lanczos, or a super-resolution model (ESRGAN family) through spandrel.

- :func:`load_upscaler`  ``(scale, model)`` -> an :class:`Upscaler` (Lanczos when ``model`` is None)
- :class:`Upscaler`      ``upscaler(frames)``: ``(B, 3, H, W)`` in [0, 1] -> ``(B, 3, H*s, W*s)``
- :func:`lanczos_resize` Lanczos-3 resampling of a batch to an exact size (PIL's filter, in torch)

A model is a ``.pth``/``.pt``/``.ckpt``/``.safetensors`` file (Real-ESRGAN x4plus, 4x-UltraSharp,
SwinIR, ... any image super-resolution architecture spandrel detects) or a Hugging Face Hub file
``owner/repo/file.pth``. A model whose own scale is larger than asked (a 4x model for
``upscale: 2``) runs at its scale and its output is resized down with Lanczos; a smaller one (a 2x
model for ``upscale: 4``) is applied again until it reaches the scale, then resized down if it
overshoots. Models run tile by tile with overlap (:mod:`.tiles`), so memory stays bounded at 4K,
in fp16 on CUDA (bf16 or fp32 when the model does not support fp16) and fp32 on the CPU.

spandrel is imported only when a model is loaded (it needs torchvision, which Colab has); every
failure a user can cause is a :class:`~music_visualizer.errors.ModelError` with one sentence.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from music_visualizer.errors import ModelError, SettingsError
from music_visualizer.render.hub import download_reason, hub_offline, short_error

from .tiles import run_tiled

__all__ = ["MODEL_SUFFIXES", "OVERLAP", "TILE", "Upscaler", "lanczos_resize", "load_upscaler"]

#: The model files spandrel reads.
MODEL_SUFFIXES = (".pth", ".pt", ".ckpt", ".safetensors")
#: Largest tile side and least overlap between tiles, in input pixels: a 512 px frame is one
#: tile; a 4x ESRGAN's 512 px tile needs about 2 GB in fp16 (its 64 features at 2048 px).
TILE = 512
OVERLAP = 32
#: Output rows resized per matrix product by :func:`lanczos_resize`.
_BAND = 64
#: A Hub file: owner/repo/path/to/file.pth.
HUB_FILE = re.compile(r"^[A-Za-z0-9][\w.-]*/[A-Za-z0-9][\w.-]*/[\w./-]+$")
_HINT = ("give an upscaling model file (.pth or .safetensors, such as Real-ESRGAN x4plus or "
         "4x-UltraSharp) or a Hugging Face Hub file owner/repo/file.pth, or leave upscale_model "
         "empty to upscale with Lanczos")


@dataclass(frozen=True, eq=False)
class Upscaler:
    """Frames to frames ``scale`` times larger; call it on ``(B, 3, H, W)`` float in [0, 1].

    ``net`` is ``None`` for Lanczos, else a model's call ``(1, 3, h, w) -> (1, 3, h*n, w*n)`` in
    ``dtype`` (``n = native_scale``), applied ``passes`` times per tile of ``tile`` px
    overlapping by ``overlap`` px, then resized to ``scale`` with Lanczos if it overshoots.
    """

    scale: int
    name: str
    device: torch.device
    net: Callable[[torch.Tensor], torch.Tensor] | None = None
    native_scale: int = 1
    passes: int = 1
    dtype: torch.dtype = torch.float32
    tile: int = TILE
    overlap: int = OVERLAP

    @torch.inference_mode()
    def __call__(self, frames: torch.Tensor) -> torch.Tensor:
        """``frames`` (B, 3, H, W) in [0, 1] on :attr:`device` -> (B, 3, H*scale, W*scale)."""
        if frames.ndim != 4 or frames.shape[1] != 3:
            raise ValueError(f"frames must be (B, 3, H, W), got {tuple(frames.shape)}")
        frames = frames.float()
        b, _, h, w = frames.shape
        if self.net is None or b == 0:
            return lanczos_resize(frames, h * self.scale, w * self.scale).clamp_(0, 1)
        outs = [run_tiled(self._tile, frame[None], self.scale, tile=self.tile,
                          overlap=self.overlap) for frame in frames]
        return torch.cat(outs).clamp_(0, 1)

    def _tile(self, piece: torch.Tensor) -> torch.Tensor:
        """One tile through the model (``passes`` times), resized to ``scale`` if needed."""
        _, _, h, w = piece.shape
        x = piece.to(self.dtype)
        for _ in range(self.passes):
            x = self.net(x)
        x = x.float()
        if x.shape[-2:] != (h * self.scale, w * self.scale):
            x = lanczos_resize(x, h * self.scale, w * self.scale)
        return x


def load_upscaler(scale: int, model: str | None, *, device: str | None = None) -> Upscaler:
    """The :class:`Upscaler` for ``scale`` (2, 3 or 4): Lanczos if ``model`` is None or empty.

    Raises
    ------
    SettingsError
        ``scale`` is not an integer from 2 to 4.
    ModelError
        The model file is missing or unreadable, not a super-resolution model, or spandrel
        cannot be imported.
    """
    if isinstance(scale, bool) or not isinstance(scale, int) or not 2 <= scale <= 4:
        raise SettingsError(f"upscale={scale!r} must be 2, 3 or 4 (times the width and height).")
    dev = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
    if model is None or not str(model).strip():
        return Upscaler(scale=scale, name=f"Lanczos {scale}x", device=dev)
    name = str(model).strip()
    path = _locate(name)
    spandrel = _import_spandrel()
    descriptor = _read_model(spandrel, name, path)
    return _model_upscaler(descriptor, name, scale, dev)


def _locate(name: str) -> Path:
    """The local model file for ``name`` (a path, or a Hub file downloaded into the cache)."""
    path = Path(name).expanduser()
    if path.is_dir():
        raise ModelError(f"Upscale model {name!r} is a folder, not a model file: {_HINT}.")
    if not path.is_file():
        if name.startswith((".", "/", "~", "\\")) or not HUB_FILE.match(name):
            raise ModelError(f"Upscale model file {name!r} does not exist: {_HINT}.")
        path = _download(name)
    if path.suffix.lower() not in MODEL_SUFFIXES:
        raise ModelError(f"Upscale model {name!r} is a {path.suffix or 'suffix-less'} file, not "
                         f"a model file ({', '.join(MODEL_SUFFIXES)}): {_HINT}.")
    return path


def _download(name: str) -> Path:
    """The Hub file ``owner/repo/file`` from the local cache or huggingface.co."""
    from huggingface_hub import hf_hub_download

    owner, repo, filename = name.split("/", 2)
    offline = hub_offline()
    try:
        return Path(hf_hub_download(f"{owner}/{repo}", filename, local_files_only=offline))
    except Exception as e:
        reason = download_reason(e, local_files_only=offline) or short_error(e)
        raise ModelError(f"Upscale model {name!r} is not a local file and could not be fetched "
                         f"from the Hugging Face Hub ({reason}): {_HINT}.") from e


def _import_spandrel() -> Any:
    """The spandrel module, or one sentence on why it cannot be imported."""
    try:
        import spandrel
    except Exception as e:  # ImportError, or torchvision built for another torch
        raise ModelError(
            f"Upscale models need the spandrel package, which cannot be imported here "
            f"({short_error(e)}): install it with `pip install spandrel` (it needs a torchvision "
            f"built for your torch {torch.__version__}; Colab has one), or leave upscale_model "
            "empty to upscale with Lanczos."
        ) from e
    return spandrel


def _read_model(spandrel: Any, name: str, path: Path) -> Any:
    """spandrel's descriptor of the model file, checked to be an RGB super-resolution model."""
    try:
        descriptor = spandrel.ModelLoader(device="cpu").load_from_file(path)
    except spandrel.UnsupportedModelError as e:
        raise ModelError(f"Upscale model {name!r} is not an architecture spandrel knows (such as "
                         f"ESRGAN, Real-ESRGAN, SwinIR, HAT): {_HINT}.") from e
    except Exception as e:
        raise ModelError(f"Upscale model {name!r} could not be read ({short_error(e)}): "
                         f"{_HINT}.") from e
    arch = descriptor.architecture.name
    purpose = getattr(descriptor, "purpose", "")
    if (not isinstance(descriptor, spandrel.ImageModelDescriptor) or purpose != "SR"
            or descriptor.scale < 2):
        raise ModelError(f"Upscale model {name!r} is a {arch} model for {purpose!r} at "
                         f"{descriptor.scale}x, not a super-resolution (upscaling) model: "
                         f"{_HINT}.")
    if descriptor.input_channels != 3 or descriptor.output_channels != 3:
        raise ModelError(f"Upscale model {name!r} ({arch}) takes {descriptor.input_channels} and "
                         f"gives {descriptor.output_channels} channels, not colour (3): {_HINT}.")
    return descriptor


def _model_upscaler(descriptor: Any, name: str, scale: int, device: torch.device) -> Upscaler:
    """The :class:`Upscaler` running ``descriptor`` on ``device`` for ``scale``."""
    native = descriptor.scale
    passes = max(1, math.ceil(math.log(scale) / math.log(native) - 1e-9))
    dtype = torch.float32
    if device.type == "cuda":
        dtype = (torch.float16 if descriptor.supports_half
                 else torch.bfloat16 if descriptor.supports_bfloat16 else torch.float32)
    descriptor.to(device=device, dtype=dtype).eval()
    how = f"{descriptor.architecture.name} {native}x"
    if passes > 1:
        how += f", applied {passes} times"
    if native ** passes != scale:
        how += f", resized to {scale}x with Lanczos"
    # a model that tiles internally (spandrel's ModelTiling.INTERNAL) gets the whole frame
    tile = TILE if getattr(descriptor.tiling, "name", "") != "INTERNAL" else 1 << 30
    return Upscaler(scale=scale, name=f"{Path(name).name} ({how})", device=device, net=descriptor,
                    native_scale=native, passes=passes, dtype=dtype, tile=tile)


def _lanczos3(x: torch.Tensor) -> torch.Tensor:
    """The Lanczos-3 kernel ``sinc(x) sinc(x / 3)`` on ``|x| < 3``, 0 elsewhere."""
    return torch.where(x.abs() < 3, torch.sinc(x) * torch.sinc(x / 3), torch.zeros_like(x))


def _lanczos_weights(size_in: int, size_out: int, first: int, last: int,
                     device: torch.device) -> tuple[torch.Tensor, int]:
    """Rows ``first..last-1`` of PIL's Lanczos resampling matrix, on its non-zero columns only.

    Returns the ``(last - first, hi - lo)`` weights (each row sums to 1) and ``lo``.
    """
    ratio = size_in / size_out
    support = max(ratio, 1.0)  # widened when shrinking (antialiasing), as PIL does
    centre = (torch.arange(first, last, dtype=torch.float64, device=device) + 0.5) * ratio
    lo = max(0, math.floor(float(centre[0]) - 3 * support - 0.5))
    hi = min(size_in, math.ceil(float(centre[-1]) + 3 * support - 0.5) + 1)
    taps = torch.arange(lo, hi, dtype=torch.float64, device=device) + 0.5
    weights = _lanczos3((taps[None, :] - centre[:, None]) / support)
    return (weights / weights.sum(dim=1, keepdim=True)).float(), lo


def _resize_axis(frames: torch.Tensor, size_out: int, dim: int) -> torch.Tensor:
    """``frames`` resized along ``dim`` (-2 or -1), by bands of output rows (a banded matmul)."""
    size_in = frames.shape[dim]
    pieces = []
    for first in range(0, size_out, _BAND):
        last = min(size_out, first + _BAND)
        weights, lo = _lanczos_weights(size_in, size_out, first, last, frames.device)
        if dim == -2:
            pieces.append(torch.matmul(weights, frames[..., lo:lo + weights.shape[1], :]))
        else:
            pieces.append(torch.matmul(frames[..., lo:lo + weights.shape[1]], weights.T))
    return torch.cat(pieces, dim=dim)


def lanczos_resize(frames: torch.Tensor, height: int, width: int) -> torch.Tensor:
    """``frames`` (B, C, H, W) float resized to (B, C, height, width) with Lanczos-3.

    The filter and its edge handling are PIL's ``Image.LANCZOS`` (separable, normalised over the
    taps inside the frame); not clamped.
    """
    frames = frames.float()
    if frames.shape[-2] != height:
        frames = _resize_axis(frames, height, -2)
    if frames.shape[-1] != width:
        frames = _resize_axis(frames, width, -1)
    return frames
