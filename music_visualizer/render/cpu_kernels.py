"""Fused CPU kernels (numba) for the per-frame image work, used when frames live on the CPU.

On a GPU the torch versions in :mod:`.image_ops` are already fast; on a CPU, torch runs each
elementwise step as a separate pass over memory and the L*a*b* colour match takes ~30 ms at
512x512. These kernels do the same arithmetic in two fused, multi-threaded passes, with lookup
tables (linear interpolation, error < 1e-5) for the sRGB gamma and the cube root.

- :func:`available`       numba can be used
- :func:`lab_histograms`  sRGB -> L*a*b* into a buffer, plus per-channel bin counts
- :func:`lab_map_to_rgb`  map each L*a*b* channel through a bin table, back to sRGB
- :func:`warp_bilinear`   inverse-map an image by a 2x3 affine matrix (replicate or wrap)
- :func:`contrast_noise`  multiply, add seeded noise, clip, in one pass

Noise on the CPU comes from a counter-based generator (splitmix64 of seed and pixel index), so it
is the same whatever the number of threads. Each value is the sum of four 16-bit uniforms,
centred and scaled to unit variance (Irwin-Hall): gaussian to the eye at a fraction of the cost
of ``torch.randn``; on a GPU ``torch.randn`` is used.

Numba compiles these once per machine (cached on disk); the first call takes a few seconds.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "TABLES",
    "available",
    "contrast_noise",
    "lab_histograms",
    "lab_map_to_rgb",
    "warp_bilinear",
]

try:  # numba comes with librosa; without it the torch path is used
    import numba
    from numba import njit, prange
except ImportError:  # pragma: no cover - numba is a dependency of librosa
    numba = None


def available() -> bool:
    return numba is not None


_N = 4096
_CBRT_MAX = 1.25  # X/Xn, Y/Yn, Z/Zn of sRGB colours stay below 1.1


def _tables() -> dict[str, np.ndarray]:
    x = np.linspace(0.0, 1.0, _N + 1)
    to_linear = np.where(x > 0.04045, ((x + 0.055) / 1.055) ** 2.4, x / 12.92)
    to_srgb = np.where(x > 0.0031308, 1.055 * x ** (1 / 2.4) - 0.055, 12.92 * x)
    t = np.linspace(0.0, _CBRT_MAX, _N + 1)
    eps = 216 / 24389
    cbrt = np.where(t > eps, np.cbrt(t), (24389 / 27 * t + 16) / 116)
    tables = {"to_linear": to_linear, "to_srgb": to_srgb, "cbrt": cbrt}
    # one repeated entry past the end lets the lookup skip a bounds branch
    return {k: np.append(v, v[-1]).astype(np.float32) for k, v in tables.items()}


TABLES = _tables()


if numba is not None:

    @njit(inline="always", fastmath=True)
    def _lookup(table, value, scale):
        # table has a repeated last entry, so index n - 1 + 1 is valid: no branches needed
        p = min(max(value * scale, np.float32(0.0)), np.float32(table.shape[0] - 2))
        i = np.int32(p)
        f = p - np.float32(i)
        return table[i] + (table[i + 1] - table[i]) * f

    @njit(inline="always", fastmath=True)
    def _bin(v, low, inv_span, bins):
        pos = (v - low) * inv_span * bins
        return np.int32(min(max(pos, np.float32(0.0)), bins - np.float32(1e-3)))

    @njit(parallel=True, fastmath=True, cache=True)
    def _lab_histograms(img, m, lab, counts, low, inv_span, bins, to_linear, cbrt, odd_mask):
        _, h, w = img.shape
        n_chunks = counts.shape[0]
        rows = (h + n_chunks - 1) // n_chunks
        lin_scale = np.float32(to_linear.shape[0] - 2)
        cbrt_scale = np.float32((cbrt.shape[0] - 2) / _CBRT_MAX)
        for chunk in prange(n_chunks):
            for y in range(chunk * rows, min(h, (chunk + 1) * rows)):
                for x in range(w):
                    r = _lookup(to_linear, img[0, y, x], lin_scale)
                    g = _lookup(to_linear, img[1, y, x], lin_scale)
                    b = _lookup(to_linear, img[2, y, x], lin_scale)
                    fx = _lookup(cbrt, m[0, 0] * r + m[0, 1] * g + m[0, 2] * b, cbrt_scale)
                    fy = _lookup(cbrt, m[1, 0] * r + m[1, 1] * g + m[1, 2] * b, cbrt_scale)
                    fz = _lookup(cbrt, m[2, 0] * r + m[2, 1] * g + m[2, 2] * b, cbrt_scale)
                    ll = np.float32(116.0) * fy - np.float32(16.0)
                    aa = np.float32(500.0) * (fx - fy)
                    bb = np.float32(200.0) * (fy - fz)
                    lab[0, y, x] = ll
                    lab[1, y, x] = aa
                    lab[2, y, x] = bb
                    if (x | y) & odd_mask == 0:  # odd_mask 1: every 2nd pixel each way
                        counts[chunk, 0, _bin(ll, low[0], inv_span[0], bins)] += 1
                        counts[chunk, 1, _bin(aa, low[1], inv_span[1], bins)] += 1
                        counts[chunk, 2, _bin(bb, low[2], inv_span[2], bins)] += 1

    @njit(inline="always", fastmath=True)
    def _map(v, lut_c, low, inv_span, bins):
        pos = (v - low) * inv_span * bins - np.float32(0.5)
        f = min(max(pos, np.float32(0.0)), np.float32(bins - 1.0001))
        i = np.int32(f)
        frac = f - np.float32(i)
        return lut_c[i] + (lut_c[i + 1] - lut_c[i]) * frac

    @njit(inline="always", fastmath=True)
    def _f_inv(f):
        cube = f * f * f
        linear = (f - np.float32(16.0 / 116.0)) * np.float32(3.0 * (6.0 / 29.0) ** 2)
        return cube if f > np.float32(6.0 / 29.0) else linear

    @njit(parallel=True, fastmath=True, cache=True)
    def _lab_map_to_rgb(lab, lut, low, inv_span, m_inv, to_srgb, out):
        _, h, w = lab.shape
        bins = np.float32(lut.shape[1])
        srgb_scale = np.float32(to_srgb.shape[0] - 2)
        for y in prange(h):
            for x in range(w):
                ll = _map(lab[0, y, x], lut[0], low[0], inv_span[0], bins)
                aa = _map(lab[1, y, x], lut[1], low[1], inv_span[1], bins)
                bb = _map(lab[2, y, x], lut[2], low[2], inv_span[2], bins)
                fy = (ll + np.float32(16.0)) * np.float32(1 / 116.0)
                xx = _f_inv(fy + aa * np.float32(1 / 500.0))
                yy = _f_inv(fy)
                zz = _f_inv(fy - bb * np.float32(1 / 200.0))
                for c in range(3):
                    v = m_inv[c, 0] * xx + m_inv[c, 1] * yy + m_inv[c, 2] * zz
                    out[c, y, x] = _lookup(to_srgb, v, srgb_scale)

    @njit(parallel=True, fastmath=True, cache=True)
    def _warp_bilinear(img, a, wrap, out):
        c_n, h, w = img.shape
        for y in prange(h):
            for x in range(w):
                sx = a[0, 0] * x + a[0, 1] * y + a[0, 2]
                sy = a[1, 0] * x + a[1, 1] * y + a[1, 2]
                if wrap:
                    sx = sx % w
                    sy = sy % h
                    x0 = int(np.floor(sx))
                    y0 = int(np.floor(sy))
                    fx = sx - x0
                    fy = sy - y0
                    x1 = (x0 + 1) % w
                    y1 = (y0 + 1) % h
                    x0 = x0 % w
                    y0 = y0 % h
                else:
                    sx = min(max(sx, 0.0), w - 1.0)
                    sy = min(max(sy, 0.0), h - 1.0)
                    x0 = min(int(sx), w - 1)
                    y0 = min(int(sy), h - 1)
                    fx = sx - x0
                    fy = sy - y0
                    x1 = min(x0 + 1, w - 1)
                    y1 = min(y0 + 1, h - 1)
                for c in range(c_n):
                    top = img[c, y0, x0] * (1.0 - fx) + img[c, y0, x1] * fx
                    bottom = img[c, y1, x0] * (1.0 - fx) + img[c, y1, x1] * fx
                    out[c, y, x] = top * (1.0 - fy) + bottom * fy


    @njit(parallel=True, fastmath=True, cache=True)
    def _contrast_noise(img, contrast, amount, seed, out):
        c_n, h, w = img.shape
        scale = np.float32(amount * 1.7320508075688772 / 65536.0)  # 4 uniforms: sd 65536/sqrt(3)
        mask = np.uint64(0xFFFF)
        for row in prange(c_n * h):
            c = row // h
            y = row % h
            base = np.uint64(seed) * np.uint64(0x9E3779B97F4A7C15) + np.uint64(row * w)
            for x in range(w):
                z = base + np.uint64(x) * np.uint64(0xBF58476D1CE4E5B9)
                z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
                z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
                z = z ^ (z >> np.uint64(31))
                total = (np.float32(z & mask) + np.float32((z >> np.uint64(16)) & mask)
                         + np.float32((z >> np.uint64(32)) & mask)
                         + np.float32(z >> np.uint64(48)) - np.float32(131070.0))
                v = min(max(img[c, y, x] * contrast, np.float32(0.0)), np.float32(1.0))
                v = v + total * scale
                out[c, y, x] = min(max(v, np.float32(0.0)), np.float32(1.0))


def lab_histograms(img: np.ndarray, rgb_to_xyz: np.ndarray, low: np.ndarray, span: np.ndarray,
                   bins: int, *, subsample: bool) -> tuple[np.ndarray, np.ndarray]:
    """``(lab (3, H, W) float32, counts (3, bins) int64)`` of an sRGB image ``(3, H, W)``.

    With ``subsample`` the counts are of the pixels with even ``x`` and ``y`` (a quarter:
    plenty for 256 bins on a large image).

    ``rgb_to_xyz`` already divides by the white point; bin ``k`` of channel ``c`` covers
    ``low[c] + span[c] * [k, k + 1) / bins``.
    """
    lab = np.empty_like(img)
    counts = np.zeros((16, 3, bins), np.int32)
    _lab_histograms(img.astype(np.float32, copy=False), rgb_to_xyz.astype(np.float32), lab,
                    counts, low.astype(np.float32), (1.0 / span).astype(np.float32),
                    np.float32(bins), TABLES["to_linear"],
                    TABLES["cbrt"], 1 if subsample else 0)
    return lab, counts.sum(axis=0, dtype=np.int64)


def lab_map_to_rgb(lab: np.ndarray, lut: np.ndarray, low: np.ndarray, span: np.ndarray,
                   xyz_to_rgb: np.ndarray) -> np.ndarray:
    """Map L*a*b* channels through ``lut`` (values at bin centres, ``(3, bins)``) to sRGB."""
    out = np.empty_like(lab)
    _lab_map_to_rgb(lab, lut.astype(np.float32), low.astype(np.float32),
                    (1.0 / span).astype(np.float32), xyz_to_rgb.astype(np.float32),
                    TABLES["to_srgb"], out)
    return out


def warp_bilinear(img: np.ndarray, inverse: np.ndarray, *, wrap: bool) -> np.ndarray:
    """Sample ``img`` ``(C, H, W)`` at ``inverse @ (x, y, 1)`` for every output pixel."""
    out = np.empty_like(img)
    _warp_bilinear(img, inverse[:2].astype(np.float64), wrap, out)
    return out


def contrast_noise(img: np.ndarray, contrast: float, amount: float, seed: int) -> np.ndarray:
    """``clip(img * contrast + amount * noise, 0, 1)`` with unit-variance noise seeded by ``seed``.

    ``amount`` is the noise's standard deviation in the image's own units.
    """
    out = np.empty_like(img)
    _contrast_noise(img.astype(np.float32, copy=False), np.float32(contrast), float(amount),
                    int(seed) % 2**64, out)
    return out
