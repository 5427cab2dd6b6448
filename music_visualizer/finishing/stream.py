"""A run's saved frames -> interpolated -> upscaled -> captioned frames, streamed.

- :class:`Finishing`        what to do: interpolation factor and engine, upscale factor, models
- :func:`finishing_from`    the :class:`Finishing` a run's settings ask for
- :class:`Finisher`         the loaded models of a :class:`Finishing` (loaded once per run)
- :func:`load_finisher`     load them (RIFE weights, the upscaler), explaining a bad file
- :func:`check_finishing`   the model files exist (before a render starts), else one sentence
- :func:`finished_frames`   saved PNG frames -> the finished ``(H, W, 3)`` uint8 frames

Order: interpolation on the run's frames (small: cheap), then upscaling, then captions drawn at
the final size (crisp text, timed at the output frame rate). Memory holds one batch of frames,
whatever the song's length; nothing is written to disk (the encoder reads a pipe).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from PIL import Image

from ..errors import ModelError, VideoError
from ..lyrics.captions import Captions, paste_caption
from .interpolate import interpolated

__all__ = ["Finisher", "Finishing", "check_finishing", "finished_frames", "finishing_from",
           "load_finisher"]


@dataclass(frozen=True)
class Finishing:
    """``interpolate`` (1 = off) frames per saved frame with ``engine`` (``rife`` needs
    ``model``, its weights), then ``upscale`` (1 = off) with ``upscale_model`` ("" =
    Lanczos); ``device`` None: CUDA when there is one; ``batch`` frame pairs at a time."""

    interpolate: int = 1
    engine: str = "blend"
    model: str = ""
    upscale: int = 1
    upscale_model: str = ""
    device: str | None = None
    batch: int = 4

    @property
    def active(self) -> bool:
        """Whether the video differs from the plain encode of the frames."""
        return self.interpolate > 1 or self.upscale > 1

    def frames_out(self, n_frames: int) -> int:
        """Video frames for ``n_frames`` saved frames (``n * interpolate``)."""
        return n_frames * self.interpolate


def finishing_from(settings: Any, **overrides: Any) -> Finishing:
    """The :class:`Finishing` of a run's ``settings`` (``overrides``: fields given for one
    encode, e.g. ``video --interpolate 2``; None values are ignored)."""
    model = str(settings.interpolation_model or "").strip()
    engine = str(settings.interpolation_engine)
    if engine == "auto":
        engine = "rife" if model else "minterpolate"
    base = Finishing(interpolate=int(settings.interpolate), engine=engine, model=model,
                     upscale=int(settings.upscale),
                     upscale_model=str(settings.upscale_model or ""))
    given = {k: v for k, v in overrides.items() if v is not None}
    return dataclasses.replace(base, **given)


def check_finishing(finishing: Finishing) -> None:
    """Raise ModelError (one sentence) when a model file that is needed is not given or not
    there; hub ids (``owner/name``) are checked when they are downloaded."""
    if finishing.interpolate > 1 and finishing.engine == "rife":
        model = finishing.model.strip()
        if not model:
            raise ModelError("The interpolation engine 'rife' needs its model: give the "
                             "flownet.pkl of a Practical-RIFE 4.x release as interpolation_model "
                             "(--interpolation-model), or choose the engine minterpolate or "
                             "blend.")
        _check_file(model, "interpolation_model")
    if finishing.upscale > 1 and finishing.upscale_model.strip():
        _check_file(finishing.upscale_model.strip(), "upscale_model")


def _check_file(model: str, name: str) -> None:
    path = Path(model).expanduser()
    local = model.startswith((".", "/", "~")) or path.suffix in (".pkl", ".pth", ".safetensors")
    if (local or len(model.split("/")) < 2) and not path.exists():
        raise ModelError(f"The model file '{model}' ({name}) does not exist; check the path, "
                         "or leave it empty.")


@dataclass
class Finisher:
    """A :class:`Finishing` with its models loaded: ``net`` (RIFE, or None), ``upscaler``
    (called on ``(B, 3, H, W)`` batches, or None) and the ``device`` they run on."""

    finishing: Finishing
    device: torch.device
    net: torch.nn.Module | None = None
    upscaler: Any = None


def _device(finishing: Finishing) -> torch.device:
    if finishing.device:
        return torch.device(finishing.device)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def load_finisher(finishing: Finishing) -> Finisher:
    """Load what ``finishing`` needs (ModelError or UserError, one sentence, on a bad file)."""
    check_finishing(finishing)
    device = _device(finishing)
    finisher = Finisher(finishing, device)
    if finishing.interpolate > 1 and finishing.engine == "rife":
        from .rife import load_rife

        finisher.net = load_rife(finishing.model, device=device)
    if finishing.upscale > 1:
        finisher.upscaler = _load_upscaler(finishing, device)
    return finisher


def _load_upscaler(finishing: Finishing, device: torch.device) -> Any:
    """:func:`music_visualizer.finishing.upscale.load_upscaler` for ``finishing``'s scale and
    model (empty: Lanczos)."""
    from .upscale import load_upscaler

    return load_upscaler(finishing.upscale, finishing.upscale_model or None, device=str(device))


def read_frames(folder: Path, timestring: str, first: int, count: int,
                after: bool) -> Iterator[np.ndarray]:
    """Frames ``first .. first+count-1`` as uint8 arrays, then frame ``first+count`` when
    ``after`` (the next piece's first frame), else the last frame again."""
    frame = None
    for index in range(first, first + count + (1 if after else 0)):
        path = folder / f"{timestring}_{index:05d}.png"
        try:
            with Image.open(path) as img:
                frame = np.asarray(img.convert("RGB"))
        except (OSError, ValueError, SyntaxError) as exc:
            raise VideoError(f"Frame '{path}' could not be read as an image ({exc}); delete it "
                             "and resume the run to render it again.") from None
        yield frame
    if not after and frame is not None:
        yield frame


def finished_frames(finisher: Finisher, frames: Iterable[np.ndarray], *,
                    captions: Captions | None = None, first_out: int = 0) -> Iterator[np.ndarray]:
    """The finished video frames (``(H, W, 3)`` uint8) of ``frames`` (as
    :func:`~music_visualizer.finishing.interpolate.interpolated` takes them: the piece's frames
    and the one after). ``captions`` (timed at the run's fps) are drawn at the output size and
    frame rate; ``first_out``: the output number of the first frame (a segment's)."""
    f = finisher.finishing
    if captions is not None:
        captions = dataclasses.replace(captions, fps=captions.fps * f.interpolate,
                                       offset=captions.offset * f.interpolate)
    overlays: dict[tuple[str, int], Image.Image] = {}
    index = first_out
    with torch.inference_mode():
        for batch in interpolated(frames, factor=f.interpolate, engine=f.engine, net=finisher.net,
                                  device=finisher.device, batch=f.batch):
            # a few frames at a time through the upscaler: memory stays bounded at 4K
            for chunk in batch.split(max(1, f.batch // 2) if finisher.upscaler else len(batch)):
                if finisher.upscaler is not None:
                    chunk = finisher.upscaler(chunk)
                out = chunk.clamp(0, 1).mul(255).round().to(torch.uint8).permute(0, 2, 3, 1)
                for frame in out.cpu().numpy():
                    yield _captioned(frame, captions, index, overlays)
                    index += 1


def _captioned(frame: np.ndarray, captions: Captions | None, index: int,
               overlays: dict[tuple[str, int], Image.Image]) -> np.ndarray:
    """``frame`` with the caption of output frame ``index`` drawn on it (if any)."""
    if captions is None:
        return frame
    image = Image.fromarray(frame)
    return np.asarray(image) if paste_caption(image, captions, index, overlays) else frame
