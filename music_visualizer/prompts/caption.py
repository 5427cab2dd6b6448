"""A caption of the cover by a local image-to-text model (never downloads).

- :func:`caption_cover`          a cover -> a short caption, or None
- :data:`CAPTION_MODEL_ENV`      the environment variable naming the model
- :data:`DEFAULT_CAPTION_MODEL`  the Hugging Face Hub id used when none is named
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["CAPTION_MODEL_ENV", "DEFAULT_CAPTION_MODEL", "caption_cover"]

CAPTION_MODEL_ENV = "MUSIC_VISUALIZER_CAPTION_MODEL"
DEFAULT_CAPTION_MODEL = "Salesforce/blip-image-captioning-base"


def _local_model_dir(model: str) -> str | None:
    """A local folder for ``model`` (a path, or a hub id already in the cache); never downloads."""
    if Path(model).is_dir():
        return model
    try:
        from huggingface_hub import snapshot_download

        return snapshot_download(model, local_files_only=True)
    except Exception:
        return None


def caption_cover(path: str | os.PathLike[str] | None, *, model: str | None = None) -> str | None:
    """A short caption of the cover by a local image-to-text model, or None.

    ``model`` (or ``$MUSIC_VISUALIZER_CAPTION_MODEL``, or ``DEFAULT_CAPTION_MODEL``) is a local
    folder or a Hugging Face Hub id that is already in the local cache: nothing is downloaded, so
    without the model this returns None at once. ``"none"`` turns captions off. Any failure
    (no transformers, no model, a broken image) gives None. The model is loaded per call (it is
    called once per track) and decoded greedily, so the caption is deterministic.
    """
    if path is None or not Path(path).is_file():
        return None
    name = (model or os.environ.get(CAPTION_MODEL_ENV, "").strip() or DEFAULT_CAPTION_MODEL)
    if name.lower() in ("none", "off", "false", "0", ""):
        return None
    folder = _local_model_dir(name)
    if folder is None or not (Path(folder) / "config.json").is_file():
        return None  # before importing transformers, which alone takes seconds
    try:
        from PIL import Image
        from transformers import pipeline

        with Image.open(path) as image:
            picture = image.convert("RGB")
        captioner = pipeline("image-text-to-text", model=folder, device="cpu")
        result = captioner(images=picture, text="", max_new_tokens=30,
                           generate_kwargs={"do_sample": False, "num_beams": 1})
        text = _generated_text(result)
    except Exception:
        return None
    text = " ".join((text or "").split())
    return text or None


def _generated_text(result: object) -> str | None:
    """The first ``generated_text`` of a pipeline result (nested lists of dicts)."""
    while isinstance(result, list) and result:
        result = result[0]
    if isinstance(result, dict):
        text = result.get("generated_text")
        if isinstance(text, list):  # chat format: the assistant's last message
            text = text[-1].get("content") if text and isinstance(text[-1], dict) else None
        return text if isinstance(text, str) else None
    return None
