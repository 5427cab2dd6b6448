"""Source separation with Demucs (htdemucs), when it is installed and its weights can load.

- :func:`demucs_available`  the ``demucs`` package can be imported
- :func:`separate_stems`    mono samples -> mono ``drums``, ``bass``, ``vocals``, ``other``
                            at the same rate, or None when Demucs cannot run

Without Demucs the analysis uses harmonic/percussive fallbacks (:mod:`.features`), so every
failure here (not installed, no weights offline, out of memory, ...) returns None with one
info line in the log saying why, and never raises.
"""

from __future__ import annotations

import importlib
import logging

import numpy as np

__all__ = ["MODEL_NAME", "STEMS", "demucs_available", "separate_stems"]

log = logging.getLogger(__name__)

MODEL_NAME = "htdemucs"
STEMS: tuple[str, ...] = ("drums", "bass", "vocals", "other")


def demucs_available() -> bool:
    """True when the ``demucs`` package can be imported (its weights may still be missing)."""
    try:
        for module in ("demucs.apply", "demucs.pretrained"):
            importlib.import_module(module)
    except Exception:  # ImportError, or a broken install raising anything
        return False
    return True


def separate_stems(y: np.ndarray, sr: int, *,
                   device: str | None = None) -> dict[str, np.ndarray] | None:
    """Separate mono samples into Demucs stems.

    Parameters
    ----------
    y : np.ndarray [shape=(n,)]
        Mono samples (a ``(channels, n)`` array is averaged to mono).
    sr : int
        Sample rate of ``y``; the stems come back at the same rate and length.
    device : str, optional
        Torch device; default ``cuda`` when available, else ``cpu``.

    Returns
    -------
    dict of str to np.ndarray or None
        float32 mono stems ``drums``, ``bass``, ``vocals``, ``other``; None (logged) when
        Demucs is not installed, its model cannot be loaded, or separation fails.
    """
    try:
        import soxr
        import torch
        from demucs.apply import apply_model
        from demucs.pretrained import get_model
    except Exception as e:
        log.info("Demucs stems unavailable (demucs not installed: %s); using HPSS stems", e)
        return None
    try:
        model = get_model(MODEL_NAME)
        model.eval()
    except Exception as e:  # no weights offline, corrupt download, ...
        log.info("Demucs stems unavailable (cannot load the %s model: %s); using HPSS stems",
                 MODEL_NAME, e)
        return None
    try:
        device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        mono = np.asarray(y, dtype=np.float32)
        if mono.ndim > 1:
            mono = mono.mean(axis=0)
        model_sr = int(model.samplerate)
        wav = soxr.resample(mono, sr, model_sr) if sr != model_sr else mono
        wav = torch.from_numpy(np.ascontiguousarray(wav, dtype=np.float32))
        mean, std = float(wav.mean()), max(float(wav.std()), 1e-8)
        mix = ((wav - mean) / std).expand(int(model.audio_channels), -1)
        with torch.inference_mode():
            sources = apply_model(model, mix[None], device=device, shifts=1, split=True,
                                  overlap=0.25, progress=False)[0]
        sources = sources.float().mean(dim=1).cpu().numpy() * std + mean  # (stems, samples)
        stems: dict[str, np.ndarray] = {}
        for name, source in zip(model.sources, sources, strict=True):
            if name in STEMS:
                out = soxr.resample(source, model_sr, sr) if sr != model_sr else source
                out = np.pad(out[: len(mono)], (0, max(len(mono) - len(out), 0)))
                stems[name] = out.astype(np.float32)
        missing = [name for name in STEMS if name not in stems]
        if missing:
            log.info("Demucs stems unavailable (the model has no %s stem); using HPSS stems",
                     ", ".join(missing))
            return None
        return stems
    except Exception as e:  # out of memory, device errors, ...
        log.info("Demucs stems unavailable (separation failed: %s: %s); using HPSS stems",
                 type(e).__name__, e)
        return None
