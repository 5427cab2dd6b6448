"""Where a model comes from: Hugging Face Hub ids, local paths, offline mode, download errors.

Shared by the loaders of :mod:`.models` (Stable Diffusion), :mod:`.depth` (depth estimation) and
the GAN mode.

- :data:`HUB_ID`              the shape of a Hub id (``owner/name`` or a legacy bare name)
- :data:`CHECKPOINT_SUFFIXES` the suffixes of single-file checkpoints
- :func:`looks_like_path`     a local path or checkpoint file rather than a Hub id
- :func:`hub_offline`         whether ``$HF_HUB_OFFLINE`` turns downloads off
- :func:`download_reason`     one sentence on why a Hub download failed
- :func:`short_error`         an exception's message on one short line
"""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Iterator

__all__ = ["CHECKPOINT_SUFFIXES", "HUB_ID", "download_reason", "hub_offline", "looks_like_path",
           "short_error"]

CHECKPOINT_SUFFIXES = (".safetensors", ".ckpt")

# owner/name (or a legacy bare name) as the Hub allows them.
HUB_ID = re.compile(r"^(?:[A-Za-z0-9][\w.-]{0,95}/)?[A-Za-z0-9][\w.-]{0,95}$")


def looks_like_path(model: str) -> bool:
    """Whether ``model`` names a local path or checkpoint file rather than a Hub id."""
    if model.startswith((".", "/", "~", "\\")) or re.match(r"^[A-Za-z]:[\\/]", model):
        return True
    if model.lower().endswith(CHECKPOINT_SUFFIXES):
        return True
    seps = {os.sep, "\\", "/"} | ({os.altsep} if os.altsep else set())
    return any(s in model for s in seps) and not HUB_ID.match(model)


def hub_offline() -> bool:
    """Whether ``$HF_HUB_OFFLINE`` turns Hugging Face Hub downloads off."""
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")


def _chain(e: BaseException | None) -> Iterator[BaseException]:
    """``e`` and its causes/contexts, each once."""
    seen = set()
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        yield e
        e = e.__cause__ or e.__context__


def _is_connection_error(e: BaseException) -> bool:
    """Whether ``e`` is a network failure (socket, requests or httpx)."""
    if isinstance(e, (ConnectionError, TimeoutError, socket.gaierror, socket.timeout)):
        return True
    name = type(e).__name__
    return any(k in name for k in ("ConnectError", "ConnectionError", "Timeout"))


def download_reason(e: BaseException, *, local_files_only: bool) -> str | None:
    """Why a Hub download failed, or ``None`` when ``e`` is not a download failure."""
    from huggingface_hub import errors as hf

    chain = list(_chain(e))
    for err in chain:
        if isinstance(err, hf.GatedRepoError):
            return "the model is gated: accept its licence on huggingface.co and log in"
        if isinstance(err, hf.RepositoryNotFoundError):
            return "no such model, or it is private"
        if isinstance(err, hf.RevisionNotFoundError):
            return "no such revision"
    offline = any(isinstance(err, hf.OfflineModeIsEnabled) for err in chain)
    if not offline and any(_is_connection_error(err) for err in chain):
        return "no connection to huggingface.co and the model is not in the local cache"
    if (
        offline
        or any(isinstance(err, hf.LocalEntryNotFoundError) for err in chain)
        or (local_files_only and any(isinstance(err, OSError) for err in chain))
    ):
        why = "HF_HUB_OFFLINE is set" if hub_offline() else "local_files_only"
        return f"it is not in the local cache and downloads are off because {why}"
    for err in chain:
        if isinstance(err, (hf.HfHubHTTPError, hf.EntryNotFoundError, hf.HFValidationError)):
            return short_error(err)
    return None


def short_error(e: BaseException, limit: int = 200) -> str:
    """``e``'s message on one line, at most ``limit`` characters (its type name if empty)."""
    text = " ".join(str(e).split()) or type(e).__name__
    return text if len(text) <= limit else text[: limit - 3] + "..."
