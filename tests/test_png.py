"""The fast PNG encoder writes exact pixels that any reader reads."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from music_visualizer.runs.png import encode_png


@pytest.mark.parametrize("deflate", ["isal", "zlib"])
@pytest.mark.parametrize("shape", [(1, 1, 3), (7, 5, 3), (64, 48, 3), (512, 512, 3)])
def test_round_trip_is_exact(shape, deflate, monkeypatch):
    import music_visualizer.runs.png as png

    if deflate == "zlib":  # the fallback when isal is not installed
        monkeypatch.setattr(png, "isal_zlib", None)
    else:
        assert png.isal_zlib is not None
    rng = np.random.default_rng(sum(shape))
    image = rng.integers(0, 256, size=shape, dtype=np.uint8)
    image[: shape[0] // 2] //= 7  # some smooth, some noisy rows
    decoded = Image.open(io.BytesIO(encode_png(image)))
    assert decoded.mode == "RGB" and decoded.size == (shape[1], shape[0])
    assert np.array_equal(np.asarray(decoded), image)


def test_smooth_frames_compress_well():
    y, x = np.mgrid[0:256, 0:256]
    image = np.stack([x, y, (x + y) // 2], axis=-1).astype(np.uint8)
    assert len(encode_png(image)) < image.nbytes / 4


def test_rejects_other_layouts():
    with pytest.raises(ValueError, match="uint8"):
        encode_png(np.zeros((4, 4, 3), np.float32))
    with pytest.raises(ValueError, match=r"\(H, W, 3\)"):
        encode_png(np.zeros((4, 4), np.uint8))


def test_isal_is_used_and_is_as_small_as_zlib(monkeypatch):
    import music_visualizer.runs.png as png

    rng = np.random.default_rng(3)
    y, x = np.mgrid[0:256, 0:256]
    smooth = np.stack([x, y, (x + y) // 2], axis=-1)
    image = np.clip(smooth + rng.normal(0, 3, smooth.shape), 0, 255).astype(np.uint8)
    fast = encode_png(image)
    monkeypatch.setattr(png, "isal_zlib", None)
    slow = encode_png(image)
    assert fast != slow  # another deflate made these bytes
    assert len(fast) < 1.25 * len(slow)
