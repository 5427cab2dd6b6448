"""Atomic file writes, shared by every layer (audio caches and plots, run folders, GAN vectors).

- :func:`atomic_write_bytes`  write bytes via a temporary file in the same folder and a rename
- :func:`atomic_write_json`   the same for JSON (indent 1, UTF-8, a final newline)

A reader never sees a half-written file: it sees the old file or the new one.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["atomic_write_bytes", "atomic_write_json"]


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temp file in the same folder and an atomic rename."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with contextlib.suppress(OSError):
            os.fchmod(fd, 0o644)  # mkstemp makes 0600; frames and settings are for sharing
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_json(path: Path, data: Any) -> None:
    """Write ``data`` as JSON (indent 1, non-ASCII kept, a final newline) atomically."""
    atomic_write_bytes(path, (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode())
