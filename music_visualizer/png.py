"""A fast PNG encoder for 8-bit RGB frames.

PIL's encoder chooses a filter per row and compresses with zlib's default strategy: ~38 ms for
a 512x512 frame on a 2-core CPU. Frames of a render are smooth, so the "Up" filter (each row
minus the row above, vectorised in numpy) and a fast deflate give files as small or smaller:
Intel's ISA-L (the ``isal`` package, level 1: ~2.5 ms per 512x512 frame, files within a few per
cent of zlib's), else zlib's run-length strategy (~9 ms). Any PNG reader reads them; the pixels
are exact.

- :func:`encode_png`  uint8 ``(H, W, 3)`` -> PNG bytes
"""

from __future__ import annotations

import struct
import zlib

import numpy as np

try:  # ISA-L's deflate: the same zlib stream, ~5x faster than zlib at level 1
    from isal import isal_zlib
except ImportError:  # pragma: no cover - isal is a dependency; zlib is the fallback
    isal_zlib = None

__all__ = ["encode_png"]

_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def encode_png(image: np.ndarray, *, level: int = 1) -> bytes:
    """Encode a uint8 ``(H, W, 3)`` RGB image as PNG (Up filter; ISA-L deflate at ``level``
    0-3 when installed, else zlib's RLE strategy)."""
    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"expected uint8 (H, W, 3), got {image.dtype} {image.shape}")
    height, width, _ = image.shape
    rows = np.ascontiguousarray(image).reshape(height, width * 3)
    filtered = np.empty((height, width * 3 + 1), np.uint8)
    filtered[0, 0] = 0  # first row: no filter
    filtered[0, 1:] = rows[0]
    filtered[1:, 0] = 2  # "Up": difference to the row above, modulo 256
    np.subtract(rows[1:], rows[:-1], out=filtered[1:, 1:])
    if isal_zlib is not None and level <= 3:
        data = isal_zlib.compress(filtered.data, level)
    else:
        compressor = zlib.compressobj(level, zlib.DEFLATED, 15, 9, zlib.Z_RLE)
        data = compressor.compress(filtered.data) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return _SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", data) + _chunk(b"IEND", b"")
