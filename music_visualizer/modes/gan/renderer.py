"""BigGAN frames from :class:`~music_visualizer.modes.gan.vectors.GanVectors` (GAN mode).

- :func:`load_biggan`   a BigGAN-deep generator by name (``biggan-deep-128/256/512``) or folder
- :class:`GanRenderer`  ``render_batch(indices) -> uint8 (B, 3, H, W)`` frames at the video size

Determinism: BigGAN runs on whole *aligned batches* of ``batch_size`` frames,
``[k * batch_size, (k + 1) * batch_size)`` (the last one padded with its last frame), whatever
indices are asked for, and each frame is resized on its own. So a frame's pixels depend only on
its own vectors, the model, the device and the renderer's settings: rendering it alone, in a
batch, or after a resume gives bit-identical pixels (matrix products on a CPU round differently
for a batch of 1 and of several). :meth:`GanRenderer.batch_for` tells the aligned batch of a
frame; asking for whole aligned batches wastes nothing, and the last aligned batch is kept, so
asking frame by frame runs the model once per batch.

The generator runs in float32 (the model's own dtype; pass a half model for float16 on CUDA).
Its output in [-1, 1] is mapped to 0..255 (rounded); it is square, so for another aspect it is
centre-cropped to the video's aspect (``fit="crop"``) or stretched (``fit="stretch"``) before
being resized with ``scaling``: ``lanczos`` (PIL, per image), ``bicubic``, ``bilinear`` or
``nearest`` (torch, antialiased when shrinking).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from ...errors import ModelError, SettingsError
from ...render.hub import short_error
from ...render.models import pick_device
from .vectors import NOISE_DIM, NUM_IMAGENET_CLASSES, GanVectors

__all__ = ["BIGGAN_MODELS", "FITS", "SCALINGS", "GanRenderer", "load_biggan"]

BIGGAN_MODELS = ("biggan-deep-128", "biggan-deep-256", "biggan-deep-512")
SCALINGS = ("lanczos", "bicubic", "bilinear", "nearest")
FITS = ("crop", "stretch")
_FILES = ("config.json", "pytorch_model.bin")
_HINT = "give a local folder with config.json and pytorch_model.bin"


def load_biggan(name_or_folder: str | os.PathLike, *,
                device: str | torch.device | None = None) -> Any:
    """A BigGAN generator in eval mode on ``device`` (float32), from a name or a folder.

    A name in :data:`BIGGAN_MODELS` is read from pytorch_pretrained_biggan's cache when both of
    its files are there, else downloaded by ``BigGAN.from_pretrained``. A folder must hold
    ``config.json`` and ``pytorch_model.bin``. Raises :class:`ModelError` when it cannot be
    loaded.
    """
    name = os.fspath(name_or_folder).strip()
    dev = pick_device(None if device is None else str(device))
    if name in BIGGAN_MODELS:
        folder = _cached_model(name)
        model = _load_folder(name, folder) if folder else _download(name)
    else:
        folder = Path(name).expanduser()
        if not folder.is_dir():
            raise ModelError(f"BigGAN model {name!r} is neither a folder nor one of "
                             f"{', '.join(BIGGAN_MODELS)}: {_HINT}, or one of those names.")
        for file in _FILES:
            if not (folder / file).is_file():
                raise ModelError(f"BigGAN folder {name!r} has no {file}: {_HINT} (the layout "
                                 "pytorch_pretrained_biggan saves).")
        model = _load_folder(name, {f: folder / f for f in _FILES})
    config = model.config
    if config.z_dim != NOISE_DIM or config.num_classes != NUM_IMAGENET_CLASSES:
        raise ModelError(f"BigGAN model {name!r} takes z_dim={config.z_dim} and "
                         f"num_classes={config.num_classes}, not {NOISE_DIM} and "
                         f"{NUM_IMAGENET_CLASSES}: use an ImageNet BigGAN-deep model.")
    model = model.to(dev).eval().requires_grad_(False)
    try:  # a config that does not fit its own layers fails here, not mid-render
        with torch.inference_mode():
            model(torch.zeros(1, NOISE_DIM, device=dev),
                  torch.zeros(1, NUM_IMAGENET_CLASSES, device=dev), 1.0)
    except RuntimeError as e:
        raise ModelError(f"BigGAN model {name!r} does not run ({str(e).splitlines()[0]}); its "
                         "config.json does not match its layers: use a BigGAN-deep model saved "
                         "by pytorch_pretrained_biggan.") from None
    return model


def _cached_model(name: str) -> dict[str, Path] | None:
    """The cached config and weights of a named model (no network), or ``None``."""
    from pytorch_pretrained_biggan.file_utils import (
        PYTORCH_PRETRAINED_BIGGAN_CACHE,
        url_to_filename,
    )
    from pytorch_pretrained_biggan.model import (
        PRETRAINED_CONFIG_ARCHIVE_MAP,
        PRETRAINED_MODEL_ARCHIVE_MAP,
    )

    cache = Path(PYTORCH_PRETRAINED_BIGGAN_CACHE)
    urls = {"config.json": PRETRAINED_CONFIG_ARCHIVE_MAP[name],
            "pytorch_model.bin": PRETRAINED_MODEL_ARCHIVE_MAP[name]}
    found = {}
    for file, url in urls.items():  # the cache names files sha256(url).sha256(etag)
        hits = sorted(p for p in cache.glob(url_to_filename(url) + "*")
                      if p.is_file() and p.suffix != ".json")
        if not hits:
            return None
        found[file] = hits[-1]
    return found


def _download(name: str) -> Any:
    from pytorch_pretrained_biggan import BigGAN

    try:
        return BigGAN.from_pretrained(name)
    except Exception as e:
        raise ModelError(f"BigGAN model {name!r} could not be loaded ({short_error(e)}): {_HINT}, "
                         "or check the internet connection.") from e


def _load_folder(name: str, files: dict[str, Path]) -> Any:
    """Build the model from its config and load every parameter from the weights."""
    from pytorch_pretrained_biggan import BigGAN, BigGANConfig

    try:
        model = BigGAN(BigGANConfig.from_json_file(files["config.json"]))
        state = torch.load(files["pytorch_model.bin"], map_location="cpu", weights_only=True)
        model.load_state_dict(state, strict=False)  # as from_pretrained; checked below
    except Exception as e:
        raise ModelError(f"BigGAN model {name!r} could not be read ({short_error(e)}): {_HINT} "
                         "that pytorch_pretrained_biggan wrote.") from e
    missing = [key for key, _ in model.named_parameters() if key not in state]
    if missing:
        raise ModelError(f"BigGAN model {name!r} has no weights for {len(missing)} parameters "
                         f"(such as {missing[0]!r}): its pytorch_model.bin does not match its "
                         "config.json.")
    return model


class GanRenderer:
    """Renders frames of ``vectors`` with a BigGAN ``model`` at ``width`` x ``height``."""

    def __init__(self, model: Any, vectors: GanVectors, *, width: int, height: int,
                 truncation: float, scaling: str = "lanczos", fit: str = "crop",
                 batch_size: int = 8, device: str | torch.device | None = None) -> None:
        """``device``: where the model runs (default: where its weights are)."""
        if scaling not in SCALINGS:
            raise SettingsError(f"Unknown GAN scaling {scaling!r}: use one of "
                                f"{', '.join(SCALINGS)}.")
        if fit not in FITS:
            raise SettingsError(f"Unknown GAN fit {fit!r}: use one of {', '.join(FITS)}.")
        if not 0 < truncation <= 1:
            raise SettingsError(f"GAN truncation={truncation!r} is out of range: use a number "
                                "in (0, 1].")
        if int(batch_size) < 1:
            raise SettingsError(f"GAN batch_size={batch_size!r} must be at least 1.")
        if int(width) < 1 or int(height) < 1:
            raise SettingsError(f"GAN frame size {width}x{height} is empty: give a positive "
                                "width and height.")
        self.model = model
        self.vectors = vectors
        self.width, self.height = int(width), int(height)
        self.truncation = float(truncation)
        self.scaling, self.fit = scaling, fit
        self.batch_size = int(batch_size)
        first = next(model.parameters())
        self.device = first.device if device is None else pick_device(str(device))
        self._dtype = first.dtype
        self._cached: tuple[int, torch.Tensor] | None = None  # (batch number, model output)

    @property
    def n_frames(self) -> int:
        return self.vectors.n_frames

    def batch_for(self, index: int) -> list[int]:
        """The frames of the aligned batch that contains frame ``index``."""
        self._check(index)
        start = index - index % self.batch_size
        return list(range(start, min(start + self.batch_size, self.n_frames)))

    def render_batch(self, indices: Sequence[int]) -> torch.Tensor:
        """Frames ``indices`` as uint8 ``(len(indices), 3, height, width)`` on the CPU."""
        frames = []
        for index in indices:
            self._check(index)
            raw = self._raw_batch(index // self.batch_size)[index % self.batch_size]
            frames.append(self._to_frame(raw))
        if not frames:
            return torch.zeros((0, 3, self.height, self.width), dtype=torch.uint8)
        return torch.stack(frames)

    def _check(self, index: int) -> None:
        if not 0 <= index < self.n_frames:
            raise IndexError(f"frame {index} is outside 0..{self.n_frames - 1}")

    @torch.inference_mode()
    def _raw_batch(self, number: int) -> torch.Tensor:
        """The model's float output for aligned batch ``number``, always ``batch_size`` rows."""
        if self._cached is not None and self._cached[0] == number:
            return self._cached[1]
        start = number * self.batch_size
        rows = np.minimum(np.arange(start, start + self.batch_size), self.n_frames - 1)
        as_tensor = {"device": self.device, "dtype": self._dtype}
        noise = torch.as_tensor(self.vectors.noise[rows], **as_tensor)
        classes = torch.as_tensor(self.vectors.class_vectors(rows), **as_tensor)
        output = self.model(noise, classes, self.truncation).float()
        self._cached = (number, output)
        return output

    def _to_frame(self, raw: torch.Tensor) -> torch.Tensor:
        """One ``(3, R, R)`` output in [-1, 1] -> uint8 ``(3, height, width)`` on the CPU."""
        x = raw.unsqueeze(0)
        side_h, side_w = x.shape[-2:]
        if self.fit == "crop":  # the largest centred box of the video's aspect
            if self.width * side_h > self.height * side_w:
                keep = max(1, round(side_w * self.height / self.width))
                top = (side_h - keep) // 2
                x = x[..., top:top + keep, :]
            else:
                keep = max(1, round(side_h * self.width / self.height))
                left = (side_w - keep) // 2
                x = x[..., left:left + keep]
        x = (x + 1.0) * 127.5
        size = (self.height, self.width)
        if x.shape[-2:] != size and self.scaling != "lanczos":
            shrink = x.shape[-2] > self.height or x.shape[-1] > self.width
            options = {} if self.scaling == "nearest" else {"align_corners": False,
                                                            "antialias": shrink}
            x = F.interpolate(x, size=size, mode=self.scaling, **options)
        frame = x[0].round_().clamp_(0, 255).to(torch.uint8).cpu()
        if frame.shape[-2:] != size:  # lanczos
            from PIL import Image

            image = Image.fromarray(frame.permute(1, 2, 0).numpy())
            image = image.resize((self.width, self.height), Image.Resampling.LANCZOS)
            frame = torch.from_numpy(np.asarray(image).copy()).permute(2, 0, 1).contiguous()
        return frame
