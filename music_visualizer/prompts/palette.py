"""The dominant colours of a cover, as names ("deep teal", "burnt orange").

- :func:`cover_palette`   an image -> its named dominant colours, most common first
"""

from __future__ import annotations

import os

import numpy as np

__all__ = ["cover_palette"]


_COLOUR_NAMES: tuple[tuple[str, int], ...] = (
    ("black", 0x0B0B0B), ("charcoal grey", 0x36454F), ("slate grey", 0x708090),
    ("ash grey", 0x8A8A8A), ("silver grey", 0xC4C4C4), ("white", 0xF8F8F8),
    ("ivory", 0xFFFCE8), ("cream", 0xF3E5AB), ("beige", 0xD8C3A5), ("sand", 0xC2B280),
    ("chocolate brown", 0x4A2C1D), ("coffee brown", 0x6F4E37), ("rust", 0xB7410E),
    ("terracotta", 0xE2725B), ("copper", 0xB87333), ("ochre", 0xCC7722),
    ("crimson", 0xDC143C), ("scarlet red", 0xFF2400), ("blood red", 0x8A0303),
    ("maroon", 0x800000), ("burgundy", 0x800020), ("coral", 0xFF7F50),
    ("salmon pink", 0xFA8072), ("dusty rose", 0xC08081), ("blush pink", 0xF4C2C2),
    ("hot pink", 0xFF69B4), ("magenta", 0xFF00FF),
    ("burnt orange", 0xCC5500), ("tangerine orange", 0xFF8C00), ("peach", 0xFFCBA4),
    ("amber", 0xFFBF00), ("gold", 0xD4AF37), ("mustard yellow", 0xE1AD01),
    ("lemon yellow", 0xFFF44F), ("pale yellow", 0xFDFD96),
    ("olive green", 0x708238), ("moss green", 0x8A9A5B), ("sage green", 0x9CAF88),
    ("neon green", 0x39FF14), ("lime green", 0x32CD32), ("emerald green", 0x50C878),
    ("forest green", 0x228B22), ("bottle green", 0x006A4E), ("mint green", 0x98FF98),
    ("jade", 0x00A86B),
    ("deep teal", 0x004D4D), ("teal", 0x008080), ("turquoise", 0x40E0D0),
    ("electric cyan", 0x00FFFF), ("sky blue", 0x87CEEB), ("powder blue", 0xB0E0E6),
    ("steel blue", 0x4682B4), ("cerulean", 0x007BA7), ("azure blue", 0x007FFF),
    ("cobalt blue", 0x0047AB), ("royal blue", 0x4169E1), ("ultramarine blue", 0x2A2AFF),
    ("navy blue", 0x000080), ("midnight blue", 0x191970),
    ("indigo", 0x4B0082), ("deep purple", 0x3C1053), ("violet", 0x8F00FF),
    ("purple", 0x800080), ("plum", 0x8E4585), ("lavender", 0xB57EDC), ("lilac", 0xC8A2C8),
    ("mauve", 0xE0B0FF),
)


def _srgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """sRGB (..., 3) in 0..255 -> CIE Lab (D65)."""
    c = np.asarray(rgb, dtype=np.float64) / 255.0
    c = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    m = np.array([[0.4124564, 0.3575761, 0.1804375],
                  [0.2126729, 0.7151522, 0.0721750],
                  [0.0193339, 0.1191920, 0.9503041]])
    xyz = c @ m.T / np.array([0.95047, 1.0, 1.08883])
    eps, kappa = 216 / 24389, 24389 / 27
    f = np.where(xyz > eps, np.cbrt(xyz), (kappa * xyz + 16) / 116)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]),
                     200 * (f[..., 1] - f[..., 2])], axis=-1)


def _ciede2000(lab1: np.ndarray, lab2: np.ndarray) -> np.ndarray:
    """CIEDE2000 colour difference, broadcasting (..., 3) arrays."""
    l1, a1, b1 = np.moveaxis(np.asarray(lab1, dtype=np.float64), -1, 0)
    l2, a2, b2 = np.moveaxis(np.asarray(lab2, dtype=np.float64), -1, 0)
    c1, c2 = np.hypot(a1, b1), np.hypot(a2, b2)
    c_bar7 = ((c1 + c2) / 2) ** 7
    g = 0.5 * (1 - np.sqrt(c_bar7 / (c_bar7 + 25.0**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360
    dlp, dcp = l2 - l1, c2p - c1p
    dh = h2p - h1p
    dh = np.where(dh > 180, dh - 360, np.where(dh < -180, dh + 360, dh))
    dh = np.where(c1p * c2p == 0, 0.0, dh)
    dhp = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh) / 2)
    lbp, cbp = (l1 + l2) / 2, (c1p + c2p) / 2
    hsum = h1p + h2p
    hbp = np.where(np.abs(h1p - h2p) > 180,
                   np.where(hsum < 360, (hsum + 360) / 2, (hsum - 360) / 2), hsum / 2)
    hbp = np.where(c1p * c2p == 0, hsum, hbp)
    t = (1 - 0.17 * np.cos(np.radians(hbp - 30)) + 0.24 * np.cos(np.radians(2 * hbp))
         + 0.32 * np.cos(np.radians(3 * hbp + 6)) - 0.20 * np.cos(np.radians(4 * hbp - 63)))
    d_theta = 30 * np.exp(-(((hbp - 275) / 25) ** 2))
    rc = 2 * np.sqrt(cbp**7 / (cbp**7 + 25.0**7))
    sl = 1 + 0.015 * (lbp - 50) ** 2 / np.sqrt(20 + (lbp - 50) ** 2)
    sc, sh = 1 + 0.045 * cbp, 1 + 0.015 * cbp * t
    rt = -np.sin(np.radians(2 * d_theta)) * rc
    return np.sqrt((dlp / sl) ** 2 + (dcp / sc) ** 2 + (dhp / sh) ** 2
                   + rt * (dcp / sc) * (dhp / sh))


_NAME_LAB = _srgb_to_lab(np.array([[(v >> 16) & 255, (v >> 8) & 255, v & 255]
                                   for _, v in _COLOUR_NAMES]))
_PALETTE_SIDE = 64
_CLUSTERS = 8
_MIN_SHARE = 0.03


def _colour_name(lab: np.ndarray) -> str:
    return _COLOUR_NAMES[int(np.argmin(_ciede2000(lab[None, :], _NAME_LAB)))][0]


def _kmeans(points: np.ndarray, k: int, *, iterations: int = 20) -> tuple[np.ndarray, np.ndarray]:
    """Deterministic k-means (k-means++ init with a fixed seed): (centres, labels)."""
    rng = np.random.default_rng(0)
    centres = [points[int(rng.integers(len(points)))]]
    for _ in range(1, k):
        d2 = np.min(((points[:, None, :] - np.array(centres)[None]) ** 2).sum(-1), axis=1)
        total = d2.sum()
        if total <= 0:
            break
        centres.append(points[int(rng.choice(len(points), p=d2 / total))])
    c = np.array(centres)
    labels = np.zeros(len(points), dtype=np.int64)
    for _ in range(iterations):
        labels = np.argmin(((points[:, None, :] - c[None]) ** 2).sum(-1), axis=1)
        new = np.array([points[labels == j].mean(axis=0) if np.any(labels == j) else c[j]
                        for j in range(len(c))])
        if np.allclose(new, c):
            break
        c = new
    return c, labels


def cover_palette(path: str | os.PathLike[str], *, n: int = 5) -> list[str]:
    """The ``n`` (or fewer) dominant colours of an image as names, most common first.

    The image is downscaled to 64 px, clustered by k-means in Lab space (fixed seed) and each
    cluster centre is named by the nearest of ~65 named colours (CIEDE2000). Names with under 3 %
    of the pixels are dropped; equal names are merged. Deterministic for the same image.

    Raises
    ------
    OSError, ValueError
        The file cannot be read as an image (callers treat this as "no palette").
    """
    from PIL import Image

    with Image.open(path) as image:
        image.draft("RGB", (_PALETTE_SIDE * 2, _PALETTE_SIDE * 2))  # fast JPEG decoding
        rgba = image.convert("RGBA")
    rgba.thumbnail((_PALETTE_SIDE, _PALETTE_SIDE), Image.Resampling.BOX)
    pixels = np.asarray(rgba, dtype=np.float64).reshape(-1, 4)
    opaque = pixels[pixels[:, 3] >= 128]
    rgb = (opaque if len(opaque) else pixels)[:, :3]
    if not len(rgb):
        return []
    lab = _srgb_to_lab(rgb)
    k = min(_CLUSTERS, len(np.unique(np.round(lab, 1), axis=0)))
    centres, labels = _kmeans(lab, max(k, 1))
    shares: dict[str, float] = {}
    counts = np.bincount(labels, minlength=len(centres)) / len(labels)
    for centre, share in zip(centres, counts, strict=True):
        if share > 0:
            name = _colour_name(centre)
            shares[name] = shares.get(name, 0.0) + float(share)
    ranked = sorted(shares.items(), key=lambda kv: (-round(kv[1], 6), kv[0]))
    return [name for name, share in ranked if share >= _MIN_SHARE][: max(n, 0)]
