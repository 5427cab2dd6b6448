"""A fast PNG encoder for 8-bit RGB frames.

PIL's encoder chooses a filter per row and compresses with zlib's default strategy: ~38 ms for
a 512x512 frame on a 2-core CPU. Frames of a render are smooth, so the "Up" filter (each row
minus the row above, vectorised in numpy) and a fast deflate give files as small or smaller:
Intel's ISA-L (the ``isal`` package, level 1: ~2.5 ms per 512x512 frame, files within a few per
cent of zlib's), else zlib's run-length strategy (~9 ms). Any PNG reader reads them; the pixels
are exact.

- :func:`encode_png`  uint8 ``(H, W, 3)`` -> PNG bytes
- :func:`png_damage`  why a PNG file is damaged (truncated, empty, garbage), or None
"""

from __future__ import annotations

import os
import struct
import zlib

import numpy as np

try:  # ISA-L's deflate: the same zlib stream, ~5x faster than zlib at level 1
    from isal import isal_zlib
except ImportError:  # pragma: no cover - isal is a dependency; zlib is the fallback
    isal_zlib = None

__all__ = ["encode_png", "png_damage"]

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


def png_damage(path: str | os.PathLike[str], *, size: tuple[int, int] | None = None,
               full: bool = False) -> str | None:
    """Why the PNG file at ``path`` is damaged, or None when it is whole.

    The quick check (``full`` False) reads only the chunk headers: the signature, the ``IHDR``
    chunk and its CRC, the (width, height) against ``size``, every chunk's length adding up to
    the file's size, at least one ``IDAT``, and an ``IEND`` chunk with its CRC at the very end. It
    finds a truncated, empty or overwritten file, or one with bytes appended, in two or three
    small reads for a frame of ours (one ``IDAT``). ``full`` also checks every chunk's CRC,
    which reads the whole file and so finds changed bytes inside the image data too.
    """
    try:
        with open(path, "rb") as fh:
            return _damage(fh, os.fstat(fh.fileno()).st_size, size=size, full=full)
    except FileNotFoundError:
        return "missing"
    except OSError as exc:
        return f"unreadable ({exc.strerror or exc})"


def _damage(fh, length: int, *, size: tuple[int, int] | None, full: bool) -> str | None:
    if length == 0:
        return "empty (0 bytes)"
    head = fh.read(33)  # signature + IHDR chunk
    if head[:8] != _SIGNATURE[: len(head)]:
        return "not a PNG file"
    if len(head) < 33:
        return "truncated"
    ihdr_len, kind = struct.unpack(">I4s", head[8:16])
    if kind != b"IHDR" or ihdr_len != 13:
        return "not a PNG file (no IHDR header)"
    if zlib.crc32(head[12:29]) != struct.unpack(">I", head[29:33])[0]:
        return "damaged header (CRC error)"
    width, height = struct.unpack(">II", head[16:24])
    if size is not None and (width, height) != tuple(size):
        return f"{width}x{height} instead of {size[0]}x{size[1]}"
    pos, has_data = 33, False
    while True:
        header = fh.read(8)
        if len(header) < 8:
            return "truncated"
        chunk_len, kind = struct.unpack(">I4s", header)
        end = pos + 12 + chunk_len
        if end > length:
            return "truncated"
        if kind == b"IEND" or full:
            data = fh.read(chunk_len + 4)
            if len(data) < chunk_len + 4:
                return "truncated"
            if zlib.crc32(data[:-4], zlib.crc32(kind)) != struct.unpack(">I", data[-4:])[0]:
                return f"damaged {kind.decode('latin-1')} chunk (CRC error)"
        else:
            fh.seek(end)
        pos = end
        has_data = has_data or kind == b"IDAT"
        if kind == b"IEND":
            if not has_data:
                return "no image data"
            return None if pos == length else f"{length - pos} bytes after its end"
