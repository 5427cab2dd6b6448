"""Depth of a frame from a transformers depth-estimation model, for the 3D camera.

``DepthEstimator(model)`` loads ``AutoModelForDepthEstimation`` and reads the resize and
normalisation settings of its ``AutoImageProcessor`` once; ``estimate(image)`` then resizes
(size, keep_aspect_ratio, ensure_multiple_of, size_divisor; bicubic), rescales and normalises the
frame with torch ops on the model's device (no PIL round trip per frame; processor padding is not
applied), runs the model and returns a ``(1, 1, H, W)`` float32 depth at the frame's size
(bilinear), on the frame's device.

Orientation: larger = farther, always. Depth Anything (relative), DPT/MiDaS and Depth Pro predict
disparity (inverse depth, up to scale and shift); it is normalised per frame to ``t`` in [0, 1]
(1 = nearest) and returned as ``1 / (t + DISPARITY_FLOOR)``: the nearest pixel is about 1, the
farthest ``1 / DISPARITY_FLOOR``. :func:`~.warp3d.warp_3d` only uses the normalised inverse of
this map, so it sees the model's disparity exactly. Metric models (ZoeDepth, GLPN, Depth Anything
metric) return their depth as is.

``model``: a Hugging Face Hub id (default :data:`DEFAULT_DEPTH_MODEL`) or a local folder saved
with ``save_pretrained`` (``config.json``, weights, ``preprocessor_config.json``). float16 on CUDA
and float32 elsewhere by default. Inference is deterministic for a device. Every failure a user can
cause is a :class:`~music_visualizer.errors.ModelError` with one sentence.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F

from music_visualizer.errors import ModelError

from .hub import HUB_ID, download_reason, hub_offline, looks_like_path, short_error
from .models import pick_device, resolve_dtype

__all__ = ["DEFAULT_DEPTH_MODEL", "DISPARITY_FLOOR", "DepthEstimator"]

DEFAULT_DEPTH_MODEL = "depth-anything/Depth-Anything-V2-Small-hf"
#: Added to the normalised disparity before inverting it: the farthest pixel's relative depth is
#: ``1 / DISPARITY_FLOOR`` times the nearest one's.
DISPARITY_FLOOR = 0.02
#: Model types whose ``predicted_depth`` is disparity (inverse depth) rather than depth.
_DISPARITY_TYPES = frozenset({"dpt", "depth_pro"})
_HINT = "pass a local folder with --depth-model"


def _size_value(size: Any, key: str) -> int | None:
    if size is None:
        return None
    value = size.get(key) if isinstance(size, dict) else getattr(size, key, None)
    return int(value) if value else None


def _multiple(value: float, multiple: int) -> int:
    """DPT's rounding of a side to a multiple (nearest, never below one multiple)."""
    return max(multiple, round(value / multiple) * multiple)


class DepthEstimator:
    """A depth-estimation model on a device: ``estimate(image) -> (1, 1, H, W)`` depth."""

    def __init__(
        self,
        model: str | os.PathLike = DEFAULT_DEPTH_MODEL,
        *,
        device: str | torch.device | None = None,
        dtype: str | torch.dtype | None = None,
        local_files_only: bool | None = None,
        cache_dir: str | os.PathLike | None = None,
    ) -> None:
        self.model_id = os.fspath(model).strip()
        if not self.model_id:
            raise ModelError(f"No depth model given: {_HINT} or a Hugging Face Hub id.")
        self.device = pick_device(None if device is None else str(device))
        self.dtype = resolve_dtype(dtype, self.device)
        if local_files_only is None:
            local_files_only = hub_offline()
        folder = self._locate(local_files_only, cache_dir)
        self.model, processor, self.model_type = self._load(folder)
        config = self.model.config
        self.disparity = (
            getattr(config, "depth_estimation_type", "relative") == "relative"
            if self.model_type in ("depth_anything",)
            else self.model_type in _DISPARITY_TYPES
        )
        self._read_processor(processor)

    # ------------------------------------------------------------------ loading

    def _locate(self, local_files_only: bool, cache_dir: str | os.PathLike | None) -> Path:
        name = self.model_id
        path = Path(name).expanduser()
        if path.is_dir():
            if not (path / "config.json").is_file():
                raise ModelError(
                    f"Folder {name!r} is not a transformers depth model (it has no config.json): "
                    f"{_HINT} saved with save_pretrained, or a Hugging Face Hub id."
                )
            return path
        if path.exists():
            raise ModelError(f"Depth model {name!r} is a file, not a folder: {_HINT} saved with "
                             "save_pretrained, or a Hugging Face Hub id.")
        if looks_like_path(name) or not HUB_ID.match(name):
            raise ModelError(
                f"Depth model folder {name!r} does not exist: {_HINT} that exists, or a Hugging "
                f"Face Hub id such as {DEFAULT_DEPTH_MODEL!r}."
            )
        return self._download(local_files_only, cache_dir)

    def _download(self, local_files_only: bool, cache_dir: str | os.PathLike | None) -> Path:
        from huggingface_hub import snapshot_download

        hub = {"local_files_only": local_files_only, "cache_dir": cache_dir}
        try:
            folder = Path(snapshot_download(self.model_id, allow_patterns=["*.json",
                                                                           "*.safetensors"],
                                            **hub))
            if not any(folder.glob("*.safetensors")):
                folder = Path(snapshot_download(self.model_id, allow_patterns=["*.bin"], **hub))
        except Exception as e:
            reason = download_reason(e, local_files_only=local_files_only) or short_error(e)
            raise ModelError(
                f"Depth model {self.model_id!r} could not be fetched from the Hugging Face Hub "
                f"({reason}): {_HINT}, or check the model id and that downloads are possible."
            ) from e
        return folder

    def _load(self, folder: Path) -> tuple[Any, Any, str]:
        from transformers import AutoConfig, AutoImageProcessor, AutoModelForDepthEstimation
        from transformers.models.auto.modeling_auto import (
            MODEL_FOR_DEPTH_ESTIMATION_MAPPING_NAMES,
        )

        name = self.model_id
        try:
            config = AutoConfig.from_pretrained(folder, local_files_only=True)
        except Exception as e:
            raise ModelError(f"Depth model {name!r} has an unreadable config.json "
                             f"({short_error(e)}): {_HINT} saved with save_pretrained.") from e
        model_type = getattr(config, "model_type", "") or "unknown"
        if model_type not in MODEL_FOR_DEPTH_ESTIMATION_MAPPING_NAMES:
            known = ", ".join(sorted(MODEL_FOR_DEPTH_ESTIMATION_MAPPING_NAMES))
            raise ModelError(
                f"{name!r} is a {model_type!r} model, not a depth-estimation model ({known}): "
                f"{_HINT} or a Hub id such as {DEFAULT_DEPTH_MODEL!r}."
            )
        try:
            processor = AutoImageProcessor.from_pretrained(folder, local_files_only=True)
        except Exception as e:
            raise ModelError(f"Depth model {name!r} has no usable preprocessor_config.json "
                             f"({short_error(e)}): {_HINT} saved with its image processor.") from e
        try:
            model = AutoModelForDepthEstimation.from_pretrained(
                folder, config=config, dtype=self.dtype, local_files_only=True
            )
            model = model.to(self.device).eval().requires_grad_(False)
        except Exception as e:
            raise ModelError(f"Depth model {name!r} could not be loaded on {self.device} "
                             f"({short_error(e)}).") from e
        return model, processor, model_type

    def _read_processor(self, p: Any) -> None:
        size = getattr(p, "size", None)
        self._height = _size_value(size, "height")
        self._width = _size_value(size, "width")
        self._shortest = _size_value(size, "shortest_edge")
        self._resize = bool(getattr(p, "do_resize", True))
        self._keep_aspect = bool(getattr(p, "keep_aspect_ratio", False))
        self._multiple = int(getattr(p, "ensure_multiple_of", None) or 1)
        self._divisor = int(getattr(p, "size_divisor", None) or 1)
        rescale = float(getattr(p, "rescale_factor", 1 / 255) or 1 / 255)
        # Frames are [0, 1] = uint8 / 255; the model expects uint8 * rescale_factor.
        self._scale = 255.0 * rescale if getattr(p, "do_rescale", True) else 255.0
        normalize = bool(getattr(p, "do_normalize", False))
        mean = getattr(p, "image_mean", None) if normalize else None
        std = getattr(p, "image_std", None) if normalize else None
        as_tensor = {"device": self.device, "dtype": torch.float32}
        self._mean = torch.tensor(mean if mean is not None else [0.0] * 3, **as_tensor)
        self._std = torch.tensor(std if std is not None else [1.0] * 3, **as_tensor)
        self._mean = self._mean.reshape(1, -1, 1, 1)
        self._std = self._std.reshape(1, -1, 1, 1)

    # ------------------------------------------------------------------ inference

    def input_size(self, height: int, width: int) -> tuple[int, int]:
        """The ``(height, width)`` the model sees for a frame of this size (as the processor)."""
        if not self._resize:
            h, w = height, width
        elif self._height and self._width:
            scale_h, scale_w = self._height / height, self._width / width
            if self._keep_aspect:  # scale as little as possible
                if abs(1 - scale_w) < abs(1 - scale_h):
                    scale_h = scale_w
                else:
                    scale_w = scale_h
            h = _multiple(scale_h * height, self._multiple)
            w = _multiple(scale_w * width, self._multiple)
        elif self._shortest:
            scale = self._shortest / min(height, width)
            h, w = round(height * scale), round(width * scale)
        else:
            h, w = height, width
        if self._divisor > 1:
            h = max(self._divisor, h // self._divisor * self._divisor)
            w = max(self._divisor, w // self._divisor * self._divisor)
        return h, w

    @torch.no_grad()
    def estimate(self, image: torch.Tensor) -> torch.Tensor:
        """Depth of ``image`` ``(1, 3, H, W)`` in [0, 1]: float32 ``(1, 1, H, W)``, larger =
        farther, on ``image``'s device."""
        n, _, height, width = image.shape
        x = image.to(self.device, torch.float32)
        h, w = self.input_size(height, width)
        if (h, w) != (height, width):
            x = F.interpolate(x, size=(h, w), mode="bicubic", align_corners=False,
                              antialias=h < height or w < width).clamp_(0.0, 1.0)
        x = (x * self._scale - self._mean) / self._std
        predicted = self.model(pixel_values=x.to(self.dtype)).predicted_depth
        predicted = predicted.float().reshape(n, 1, *predicted.shape[-2:])
        depth = F.interpolate(predicted, size=(height, width), mode="bilinear",
                              align_corners=False)
        depth = self._disparity_to_depth(depth) if self.disparity else depth.clamp(min=1e-6)
        return depth.to(image.device)

    @staticmethod
    def _disparity_to_depth(disparity: torch.Tensor) -> torch.Tensor:
        low = disparity.amin(dim=(-2, -1), keepdim=True)
        high = disparity.amax(dim=(-2, -1), keepdim=True)
        span = high - low
        flat = span <= 1e-6 * high.abs().clamp(min=1e-30)
        t = torch.where(flat, torch.ones_like(disparity), (disparity - low) / span.clamp(min=1e-30))
        return 1.0 / (t.nan_to_num(1.0) + DISPARITY_FLOOR)

    def __repr__(self) -> str:
        kind = "disparity" if self.disparity else "depth"
        return (f"DepthEstimator({self.model_id!r}, {self.model_type}, {kind}, "
                f"device={self.device}, dtype={self.dtype})")

