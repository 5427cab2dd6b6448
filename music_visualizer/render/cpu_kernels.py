"""Fused CPU kernels (numba) for the per-frame image work, used when frames live on the CPU.

On a GPU the torch versions in :mod:`.image_ops` are already fast; on a CPU, torch runs each
elementwise step as a separate pass over memory and the L*a*b* colour match takes ~30 ms at
512x512. These kernels do the same arithmetic in a few multi-threaded, vectorised passes, with
lookup tables (linear interpolation, error < 1e-5) for the sRGB gamma and the cube root.

- :func:`available`       numba can be used
- :func:`lab_map_to_rgb`  map each L*a*b* channel through a bin table, back to sRGB
- :func:`warp_bilinear`   inverse-map an image by a 2x3 affine matrix (replicate or wrap)
- :func:`contrast_noise`  multiply, add seeded noise, clip, in one pass
- :func:`channel_histograms`, :func:`channel_map`  per-channel bin counts and bin-table mapping
  of an image as it is (RGB colour match)
- :func:`hsv_histograms`, :func:`hsv_map_to_rgb`  the same through HSV (cv2's formulas)
- :func:`perlin_directions`  seeded gradient tables of perlin noise (counter-based)
- :func:`perlin`          octaves of 2D gradient noise from gradient tables, plus row statistics
- :func:`contrast_add_noise`  multiply, clip, add a given noise field (scaled per channel), clip
- :func:`unsharp`         gaussian blur (reflect-101 borders) and unsharp mask with threshold
- :func:`rgb_to_lab`      sRGB -> L*a*b* alone (a loop LLVM vectorises)
- :func:`warp_to_lab`     the 2D warp (replicate borders) straight into L*a*b*
- :func:`space_counts`    bin counts of an image already in its colour space (on a subsample)
- :func:`quantize_hwc`    round to 8 bits: uint8 HWC for the PNG writer and its float copy
- :func:`affine_evening_weights`, :func:`smooth_by`  the preview's even resampling

Noise on the CPU comes from a counter-based generator (splitmix64 of seed and pixel index), so it
is the same whatever the number of threads. Each value is the sum of four 16-bit uniforms,
centred and scaled to unit variance (Irwin-Hall): gaussian to the eye at a fraction of the cost
of ``torch.randn``; on a GPU ``torch.randn`` is used. Perlin gradients come from the same kind of
generator (one of 256 directions per lattice point), computed identically by numpy on other
devices, so perlin noise is the same on every device up to float rounding.

Numba compiles these once per machine (cached on disk); the first call takes a few seconds.
They are compiled without ``fastmath``: with it, the code compiled in one process and the code
another process loads from the cache rounded differently (seen on AMD EPYC), so a run resumed
in a new process, or rendered by a Ray worker, no longer matched the frames it continues.
IEEE arithmetic gives the same bits however the code was compiled (~+7 % frame overhead).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "TABLES",
    "affine_evening_weights",
    "available",
    "channel_histograms",
    "channel_map",
    "contrast_add_noise",
    "contrast_noise",
    "hsv_histograms",
    "hsv_map_to_rgb",
    "lab_map_to_rgb",
    "perlin",
    "perlin_directions",
    "quantize_hwc",
    "rgb_to_lab",
    "smooth_by",
    "space_counts",
    "unsharp",
    "warp_bilinear",
    "warp_to_lab",
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

    @njit(inline="always")
    def _lookup(table, value, scale):
        # table has a repeated last entry, so index n - 1 + 1 is valid: no branches needed
        p = min(max(value * scale, np.float32(0.0)), np.float32(table.shape[0] - 2))
        i = np.int32(p)
        f = p - np.float32(i)
        return table[i] + (table[i + 1] - table[i]) * f

    @njit(inline="always")
    def _bin(v, low, inv_span, bins):
        pos = (v - low) * inv_span * bins
        return np.int32(min(max(pos, np.float32(0.0)), bins - np.float32(1e-3)))

    @njit(inline="always")
    def _map(v, lut, c, low, inv_span, bins):
        # row c of the 2D lut indexed directly (a row view per pixel stops vectorisation)
        pos = (v - low) * inv_span * bins - np.float32(0.5)
        f = min(max(pos, np.float32(0.0)), np.float32(bins - 1.0001))
        i = np.int32(f)
        frac = f - np.float32(i)
        return lut[c, i] + (lut[c, i + 1] - lut[c, i]) * frac

    @njit(inline="always")
    def _f_inv(f):
        cube = f * f * f
        linear = (f - np.float32(16.0 / 116.0)) * np.float32(3.0 * (6.0 / 29.0) ** 2)
        return cube if f > np.float32(6.0 / 29.0) else linear

    @njit(parallel=True, cache=True)
    def _lab_map_to_rgb(lab, lut, low, inv_span, m_inv, to_srgb, out):
        _, h, w = lab.shape
        bins = np.float32(lut.shape[1])
        srgb_scale = np.float32(to_srgb.shape[0] - 2)
        for y in prange(h):
            for x in range(w):
                ll = _map(lab[0, y, x], lut, 0, low[0], inv_span[0], bins)
                aa = _map(lab[1, y, x], lut, 1, low[1], inv_span[1], bins)
                bb = _map(lab[2, y, x], lut, 2, low[2], inv_span[2], bins)
                fy = (ll + np.float32(16.0)) * np.float32(1 / 116.0)
                xx = _f_inv(fy + aa * np.float32(1 / 500.0))
                yy = _f_inv(fy)
                zz = _f_inv(fy - bb * np.float32(1 / 200.0))
                out[0, y, x] = _lookup(to_srgb, m_inv[0, 0] * xx + m_inv[0, 1] * yy
                                       + m_inv[0, 2] * zz, srgb_scale)
                out[1, y, x] = _lookup(to_srgb, m_inv[1, 0] * xx + m_inv[1, 1] * yy
                                       + m_inv[1, 2] * zz, srgb_scale)
                out[2, y, x] = _lookup(to_srgb, m_inv[2, 0] * xx + m_inv[2, 1] * yy
                                       + m_inv[2, 2] * zz, srgb_scale)

    @njit(inline="always")
    def _sample(img, c, x0, x1, y0, y1, fx, fy):
        top = img[c, y0, x0] * (1.0 - fx) + img[c, y0, x1] * fx
        bottom = img[c, y1, x0] * (1.0 - fx) + img[c, y1, x1] * fx
        return np.float32(top * (1.0 - fy) + bottom * fy)

    @njit(inline="always")
    def _clamped(a, x, bx, by, w, h):
        # the 4 source pixels and weights of output pixel x of a row (replicated borders);
        # bx, by: the row's share of the affine map, hoisted out of the loop over x
        sx = min(max(a[0, 0] * x + bx, 0.0), w - 1.0)
        sy = min(max(a[1, 0] * x + by, 0.0), h - 1.0)
        x0 = min(np.int64(sx), w - 1)
        y0 = min(np.int64(sy), h - 1)
        return x0, min(x0 + 1, w - 1), y0, min(y0 + 1, h - 1), sx - x0, sy - y0

    @njit(parallel=True, cache=True)
    def _warp_wrap(img, a, out):
        c_n, h, w = img.shape
        for y in prange(h):
            for x in range(w):
                sx = (a[0, 0] * x + a[0, 1] * y + a[0, 2]) % w
                sy = (a[1, 0] * x + a[1, 1] * y + a[1, 2]) % h
                x0 = int(np.floor(sx))
                y0 = int(np.floor(sy))
                fx = sx - x0
                fy = sy - y0
                x1 = (x0 + 1) % w
                y1 = (y0 + 1) % h
                x0 = x0 % w
                y0 = y0 % h
                for c in range(c_n):
                    out[c, y, x] = _sample(img, c, x0, x1, y0, y1, fx, fy)

    @njit(parallel=True, cache=True)
    def _warp_clamp(img, a, out):
        # replicate borders; written for LLVM to vectorise (row terms hoisted, no wrap branch,
        # channels unrolled): ~1.3x faster than one kernel for both borders
        c_n, h, w = img.shape
        for y in prange(h):
            bx = a[0, 1] * y + a[0, 2]
            by = a[1, 1] * y + a[1, 2]
            for x in range(w):
                x0, x1, y0, y1, fx, fy = _clamped(a, x, bx, by, w, h)
                if c_n == 3:
                    out[0, y, x] = _sample(img, 0, x0, x1, y0, y1, fx, fy)
                    out[1, y, x] = _sample(img, 1, x0, x1, y0, y1, fx, fy)
                    out[2, y, x] = _sample(img, 2, x0, x1, y0, y1, fx, fy)
                else:
                    for c in range(c_n):
                        out[c, y, x] = _sample(img, c, x0, x1, y0, y1, fx, fy)

    @njit(parallel=True, cache=True)
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



    @njit(parallel=True, cache=True)
    def _channel_histograms(img, counts, low, inv_span, bins, odd_mask):
        _, h, w = img.shape
        n_chunks = counts.shape[0]
        rows = (h + n_chunks - 1) // n_chunks
        for chunk in prange(n_chunks):
            for y in range(chunk * rows, min(h, (chunk + 1) * rows)):
                if y & odd_mask != 0:
                    continue
                for x in range(0, w, odd_mask + 1):
                    for c in range(3):
                        counts[chunk, c, _bin(img[c, y, x], low[c], inv_span[c], bins)] += 1

    @njit(parallel=True, cache=True)
    def _channel_map(img, lut, low, inv_span, out):
        _, h, w = img.shape
        bins = np.float32(lut.shape[1])
        for row in prange(3 * h):
            c = row // h
            y = row % h
            for x in range(w):
                v = _map(img[c, y, x], lut, c, low[c], inv_span[c], bins)
                out[c, y, x] = min(max(v, np.float32(0.0)), np.float32(1.0))

    @njit(inline="always")
    def _rgb_to_hsv_px(r, g, b):
        # cv2.COLOR_RGB2HSV on floats, with H scaled to [0, 1) instead of degrees
        v = max(r, max(g, b))
        c = v - min(r, min(g, b))
        s = c / v if v > np.float32(0.0) else np.float32(0.0)
        hue = np.float32(0.0)
        if c > np.float32(0.0):
            if v == r:
                hue = (g - b) / c
            elif v == g:
                hue = (b - r) / c + np.float32(2.0)
            else:
                hue = (r - g) / c + np.float32(4.0)
            hue = hue * np.float32(1.0 / 6.0)
            if hue < np.float32(0.0):
                hue += np.float32(1.0)
        return hue, s, v

    @njit(inline="always")
    def _hsv_channel(n, h6, s, v):
        # (n + h6) mod 6 for h6 in [0, 6]: one conditional subtraction, no fmod
        k = n + h6
        k = k - np.float32(6.0) if k >= np.float32(6.0) else k
        t = min(max(min(k, np.float32(4.0) - k), np.float32(0.0)), np.float32(1.0))
        return v - v * s * t

    @njit(parallel=True, cache=True)
    def _hsv_histograms(img, hsv, counts, bins, odd_mask):
        _, h, w = img.shape
        n_chunks = counts.shape[0]
        rows = (h + n_chunks - 1) // n_chunks
        zero = np.float32(0.0)
        one = np.float32(1.0)
        for chunk in prange(n_chunks):
            for y in range(chunk * rows, min(h, (chunk + 1) * rows)):
                for x in range(w):
                    hh, ss, vv = _rgb_to_hsv_px(img[0, y, x], img[1, y, x], img[2, y, x])
                    hsv[0, y, x] = hh
                    hsv[1, y, x] = ss
                    hsv[2, y, x] = vv
                    if (x | y) & odd_mask == 0:
                        counts[chunk, 0, _bin(hh, zero, one, bins)] += 1
                        counts[chunk, 1, _bin(ss, zero, one, bins)] += 1
                        counts[chunk, 2, _bin(vv, zero, one, bins)] += 1

    @njit(parallel=True, cache=True)
    def _hsv_map_to_rgb(hsv, lut, out):
        _, h, w = hsv.shape
        bins = np.float32(lut.shape[1])
        zero = np.float32(0.0)
        one = np.float32(1.0)
        for y in prange(h):
            for x in range(w):
                hh = _map(hsv[0, y, x], lut, 0, zero, one, bins)
                ss = _map(hsv[1, y, x], lut, 1, zero, one, bins)
                vv = _map(hsv[2, y, x], lut, 2, zero, one, bins)
                h6 = hh * np.float32(6.0)
                for c in range(3):
                    v = _hsv_channel(np.float32(5 - 2 * c), h6, ss, vv)
                    out[c, y, x] = min(max(v, zero), one)

    @njit(inline="always")
    def _splitmix(z):
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))

    @njit(parallel=True, cache=True)
    def _perlin_directions(streams, goff, gh, gw, cos, sin, gx, gy):
        # lattice point k of octave o, channel c: direction = top 8 bits of
        # splitmix64(stream[c, o] + k * golden), k counted row by row within the octave
        n_c, n_o = streams.shape
        n_rows = 0
        for o in range(n_o):
            n_rows += gh[o]
        golden = np.uint64(0x9E3779B97F4A7C15)
        for t in prange(n_c * n_rows):
            c = t // n_rows
            r = t % n_rows
            o = 0
            while r >= gh[o]:
                r -= gh[o]
                o += 1
            stream = streams[c, o]
            for i in range(gw[o]):
                k = np.uint64(r * gw[o] + i)
                d = np.int64(_splitmix(stream + k * golden) >> np.uint64(56))
                gx[c, goff[o] + r * gw[o] + i] = cos[o, d]
                gy[c, goff[o] + r * gw[o] + i] = sin[o, d]

    @njit(parallel=True, cache=True)
    def _perlin_x(gx, gy, goff, gw, roff, row_octave, cx, fx, wx, a, b):
        # The x half of each octave's lerps, for every lattice row r (octave o, row j):
        #   a[c, r, x] = (1 - u) g_x(j, cx) fx + u g_x(j, cx + 1) (fx - 1)
        #   b[c, r, x] = (1 - u) g_y(j, cx) + u g_y(j, cx + 1)
        n_c = gx.shape[0]
        n_r = a.shape[1]
        w = cx.shape[1]
        one = np.float32(1.0)
        for t in prange(n_c * n_r):
            c = t // n_r
            r = t % n_r
            o = row_octave[r]
            base = goff[o] + (r - roff[o]) * gw[o]
            for x in range(w):
                i = base + cx[o, x]
                u = wx[o, x]
                f = fx[o, x]
                a[c, r, x] = (one - u) * gx[c, i] * f + u * gx[c, i + 1] * (f - one)
                b[c, r, x] = (one - u) * gy[c, i] + u * gy[c, i + 1]

    @njit(parallel=True, cache=True)
    def _perlin_y(a, b, roff, cy, fy, wy, out, sums):
        n_o = roff.shape[0]
        n_c, h, w = out.shape
        one = np.float32(1.0)
        for row in prange(n_c * h):
            c = row // h
            y = row % h
            for x in range(w):
                out[c, y, x] = np.float32(0.0)
            for o in range(n_o):
                j = roff[o] + cy[o, y]
                v = wy[o, y]
                f = fy[o, y]
                top = one - v
                for x in range(w):
                    out[c, y, x] += (top * (a[c, j, x] + b[c, j, x] * f)
                                     + v * (a[c, j + 1, x] + b[c, j + 1, x] * (f - one)))
            total = 0.0
            square = 0.0
            for x in range(w):
                value = np.float64(out[c, y, x])
                total += value
                square += value * value
            sums[c, y, 0] = total
            sums[c, y, 1] = square

    @njit(parallel=True, cache=True)
    def _contrast_add_noise(img, contrast, noise, offset, scale, out):
        c_n, h, w = img.shape
        n_noise = noise.shape[0]
        zero = np.float32(0.0)
        one = np.float32(1.0)
        for row in prange(c_n * h):
            c = row // h
            y = row % h
            nc = c if n_noise > 1 else 0
            off = offset[c]
            sc = scale[c]
            for x in range(w):
                v = min(max(img[c, y, x] * contrast, zero), one)
                v = v + (noise[nc, y, x] - off) * sc
                out[c, y, x] = min(max(v, zero), one)

    @njit(parallel=True, cache=True)
    def _blur_rows(img, weights, index, out):
        # out[c, y, x] = sum_k weights[k] img[c, y, index[x + k]]: each row is copied into a
        # padded buffer once, then the taps run over contiguous local arrays (vectorised)
        c_n, h, w = img.shape
        k_n = weights.shape[0]
        n_rows = c_n * h
        n_chunks = min(n_rows, 64)
        per_chunk = (n_rows + n_chunks - 1) // n_chunks
        for chunk in prange(n_chunks):
            buf = np.empty(w + k_n - 1, np.float32)
            acc = np.empty(w, np.float32)
            for row in range(chunk * per_chunk, min(n_rows, (chunk + 1) * per_chunk)):
                c = row // h
                y = row % h
                for i in range(w + k_n - 1):
                    buf[i] = img[c, y, index[i]]
                for x in range(w):
                    acc[x] = np.float32(0.0)
                for k in range(k_n):
                    wk = weights[k]
                    for x in range(w):
                        acc[x] += wk * buf[x + k]
                for x in range(w):
                    out[c, y, x] = acc[x]

    @njit(parallel=True, cache=True)
    def _unsharp_cols(img, rows_blurred, weights, index, amount, threshold, out):
        # blur the row-blurred image along y, then sharpen, threshold and clip
        c_n, h, w = img.shape
        k_n = weights.shape[0]
        zero = np.float32(0.0)
        one = np.float32(1.0)
        gain = one + amount
        n_rows = c_n * h
        n_chunks = min(n_rows, 64)
        per_chunk = (n_rows + n_chunks - 1) // n_chunks
        for chunk in prange(n_chunks):
            acc = np.empty(w, np.float32)
            for row in range(chunk * per_chunk, min(n_rows, (chunk + 1) * per_chunk)):
                c = row // h
                y = row % h
                for x in range(w):
                    acc[x] = zero
                for k in range(k_n):
                    wk = weights[k]
                    src = index[y + k]
                    for x in range(w):
                        acc[x] += wk * rows_blurred[c, src, x]
                for x in range(w):
                    v = img[c, y, x]
                    blurred = acc[x]
                    sharp = min(max(v * gain - blurred * amount, zero), one)
                    out[c, y, x] = v if abs(v - blurred) < threshold else sharp


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
    (_warp_wrap if wrap else _warp_clamp)(img, np.ascontiguousarray(inverse[:2], np.float64), out)
    return out


def contrast_noise(img: np.ndarray, contrast: float, amount: float, seed: int) -> np.ndarray:
    """``clip(img * contrast + amount * noise, 0, 1)`` with unit-variance noise seeded by ``seed``.

    ``amount`` is the noise's standard deviation in the image's own units.
    """
    out = np.empty_like(img)
    _contrast_noise(img.astype(np.float32, copy=False), np.float32(contrast), float(amount),
                    int(seed) % 2**64, out)
    return out


def channel_histograms(img: np.ndarray, low: np.ndarray, span: np.ndarray, bins: int, *,
                       subsample: bool) -> np.ndarray:
    """Bin counts ``(3, bins)`` of each channel of ``img`` ``(3, H, W)`` as it is.

    Bin ``k`` of channel ``c`` covers ``low[c] + span[c] * [k, k + 1) / bins``; ``subsample``
    counts the pixels with even ``x`` and ``y`` only, as :func:`space_counts` does.
    """
    counts = np.zeros((16, 3, bins), np.int32)
    _channel_histograms(img.astype(np.float32, copy=False), counts, low.astype(np.float32),
                        (1.0 / span).astype(np.float32), np.float32(bins),
                        1 if subsample else 0)
    return counts.sum(axis=0, dtype=np.int64)


def channel_map(img: np.ndarray, lut: np.ndarray, low: np.ndarray, span: np.ndarray
                ) -> np.ndarray:
    """Map each channel of ``img`` through ``lut`` (values at bin centres), clipped to [0, 1]."""
    out = np.empty_like(img)
    _channel_map(img.astype(np.float32, copy=False), lut.astype(np.float32),
                 low.astype(np.float32), (1.0 / span).astype(np.float32), out)
    return out


def hsv_histograms(img: np.ndarray, bins: int, *, subsample: bool
                   ) -> tuple[np.ndarray, np.ndarray]:
    """``(hsv (3, H, W) float32, counts (3, bins) int64)`` of an sRGB image ``(3, H, W)``.

    H, S and V are all in [0, 1] (H is cv2's hue angle / 360), binned over [0, 1).
    """
    img = img.astype(np.float32, copy=False)
    hsv = np.empty_like(img)
    counts = np.zeros((16, 3, bins), np.int32)
    _hsv_histograms(img, hsv, counts, np.float32(bins), 1 if subsample else 0)
    return hsv, counts.sum(axis=0, dtype=np.int64)


def hsv_map_to_rgb(hsv: np.ndarray, lut: np.ndarray) -> np.ndarray:
    """Map H, S and V through ``lut`` ``(3, bins)`` (bins over [0, 1)), back to sRGB in [0, 1]."""
    out = np.empty_like(hsv)
    _hsv_map_to_rgb(hsv, lut.astype(np.float32), out)
    return out


def perlin_directions(streams: np.ndarray, lattice: dict[str, np.ndarray], cos: np.ndarray,
                      sin: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Gradient tables ``(gx, gy)`` ``(C, G)`` float32 of all octaves' lattices.

    Point ``k`` (row by row) of octave ``o``, channel ``c`` gets direction
    ``splitmix64(streams[c, o] + k * 0x9E3779B97F4A7C15) >> 56`` of the 256 in ``cos``/``sin``
    ``(O, 256)`` (amplitudes included): a counter-based generator, the same for any number of
    threads; ``image_ops`` has the same arithmetic in numpy.
    """
    gh, gw, goff = lattice["gh"], lattice["gw"], lattice["goff"]
    total = int(goff[-1] + gh[-1] * gw[-1])
    gx = np.empty((streams.shape[0], total), np.float32)
    gy = np.empty_like(gx)
    _perlin_directions(streams, goff, gh, gw, cos, sin, gx, gy)
    return gx, gy


def perlin(gx: np.ndarray, gy: np.ndarray, lattice: dict[str, np.ndarray]
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Octaves of 2D gradient noise, ``(noise (C, H, W), mean (C,), std (C,))``, not normalised.

    ``gx``/``gy`` ``(C, G)``: the gradient of every lattice point, amplitude included, octave
    ``o``'s ``gh[o] x gw[o]`` lattice stored row by row from ``goff[o]``. ``lattice`` holds
    ``gh``, ``gw``, ``goff``, ``roff`` (the first row of octave ``o`` among all octaves' rows),
    ``row_octave`` (the octave of each of those rows), ``rows = (cy, fy, wy)`` ``(O, H)``: the
    lattice row above each pixel row, the position inside the cell and its fade, and ``cols``
    the same for columns ``(O, W)``. The statistics are summed in a fixed order (float64 per row,
    then over rows), so they do not depend on the number of threads.
    """
    cy, fy, wy = lattice["rows"]
    cx, fx, wx = lattice["cols"]
    n_c = gx.shape[0]
    height, width = cy.shape[1], cx.shape[1]
    a = np.empty((n_c, lattice["row_octave"].shape[0], width), np.float32)
    b = np.empty_like(a)
    _perlin_x(gx, gy, lattice["goff"], lattice["gw"], lattice["roff"], lattice["row_octave"],
              cx, fx, wx, a, b)
    out = np.empty((n_c, height, width), np.float32)
    sums = np.empty((n_c, height, 2), np.float64)
    _perlin_y(a, b, lattice["roff"], cy, fy, wy, out, sums)
    n = height * width
    totals = sums.sum(axis=1)
    mean = totals[:, 0] / n
    std = np.sqrt(np.maximum(totals[:, 1] / n - mean * mean, 0.0))
    return out, mean, std


def contrast_add_noise(img: np.ndarray, contrast: float, noise: np.ndarray, offset: np.ndarray,
                       scale: np.ndarray) -> np.ndarray:
    """``clip(clip(img * contrast) + (noise - offset[c]) * scale[c], 0, 1)`` in one pass.

    ``noise`` is ``(C, H, W)`` with ``C`` 1 (the same field for every channel) or 3.
    """
    out = np.empty_like(img)
    _contrast_add_noise(img.astype(np.float32, copy=False), np.float32(contrast), noise,
                        np.broadcast_to(offset, (img.shape[0],)).astype(np.float32),
                        np.broadcast_to(scale, (img.shape[0],)).astype(np.float32), out)
    return out


def unsharp(img: np.ndarray, weights: np.ndarray, index_x: np.ndarray, index_y: np.ndarray,
            amount: float, threshold: float) -> np.ndarray:
    """Unsharp mask of ``img`` ``(C, H, W)`` by a separable blur.

    ``weights`` (K,): the 1D kernel; ``index_x`` (W + K - 1) and ``index_y`` (H + K - 1): the
    source column/row of each tap position (the border rule, e.g. reflect-101).
    """
    img = img.astype(np.float32, copy=False)
    rows = np.empty_like(img)
    _blur_rows(img, weights, index_x, rows)
    out = np.empty_like(img)
    _unsharp_cols(img, rows, weights, index_y, np.float32(amount), np.float32(threshold), out)
    return out


# ----------------------------------------------------------------------------------------------
# Loops written so that LLVM vectorises them (measured at 512x512: the L*a*b* conversion with the
# histogram counting in the same loop 2.7 ms, apart 0.8 + 0.2 ms). The warp fused into the
# conversion saves a pass (~0.7 ms); the rounding to uint8 HWC fused into the way back would
# scatter and cost more than the pass it saves, the noise fused into it gains nothing.
# ----------------------------------------------------------------------------------------------

if numba is not None:

    @njit(inline="always")
    def _px_lab(r, g, b, m, to_linear, cbrt, lin_scale, cbrt_scale):
        r = _lookup(to_linear, r, lin_scale)
        g = _lookup(to_linear, g, lin_scale)
        b = _lookup(to_linear, b, lin_scale)
        fx = _lookup(cbrt, m[0, 0] * r + m[0, 1] * g + m[0, 2] * b, cbrt_scale)
        fy = _lookup(cbrt, m[1, 0] * r + m[1, 1] * g + m[1, 2] * b, cbrt_scale)
        fz = _lookup(cbrt, m[2, 0] * r + m[2, 1] * g + m[2, 2] * b, cbrt_scale)
        return (np.float32(116.0) * fy - np.float32(16.0), np.float32(500.0) * (fx - fy),
                np.float32(200.0) * (fy - fz))

    @njit(parallel=True, cache=True)
    def _rgb_to_lab(img, m, to_linear, cbrt, lab):
        _, h, w = img.shape
        lin_scale = np.float32(to_linear.shape[0] - 2)
        cbrt_scale = np.float32((cbrt.shape[0] - 2) / _CBRT_MAX)
        for y in prange(h):
            for x in range(w):
                ll, aa, bb = _px_lab(img[0, y, x], img[1, y, x], img[2, y, x], m, to_linear,
                                     cbrt, lin_scale, cbrt_scale)
                lab[0, y, x] = ll
                lab[1, y, x] = aa
                lab[2, y, x] = bb

    @njit(parallel=True, cache=True)
    def _warp_to_lab(img, a, m, to_linear, cbrt, lab):
        # _warp_clamp's sampling straight into L*a*b* (the warped sRGB is never stored)
        _, h, w = img.shape
        lin_scale = np.float32(to_linear.shape[0] - 2)
        cbrt_scale = np.float32((cbrt.shape[0] - 2) / _CBRT_MAX)
        for y in prange(h):
            bx = a[0, 1] * y + a[0, 2]
            by = a[1, 1] * y + a[1, 2]
            for x in range(w):
                x0, x1, y0, y1, fx, fy = _clamped(a, x, bx, by, w, h)
                ll, aa, bb = _px_lab(_sample(img, 0, x0, x1, y0, y1, fx, fy),
                                     _sample(img, 1, x0, x1, y0, y1, fx, fy),
                                     _sample(img, 2, x0, x1, y0, y1, fx, fy),
                                     m, to_linear, cbrt, lin_scale, cbrt_scale)
                lab[0, y, x] = ll
                lab[1, y, x] = aa
                lab[2, y, x] = bb

    @njit(parallel=True, cache=True)
    def _space_counts(space, counts, low, inv_span, bins, step):
        # bin counts of the pixels with x and y multiples of step, a chunk of rows per task
        _, h, w = space.shape
        n_chunks = counts.shape[0]
        rows = (h + n_chunks - 1) // n_chunks
        for chunk in prange(n_chunks):
            for y in range(chunk * rows, min(h, (chunk + 1) * rows)):
                if y % step != 0:
                    continue
                for x in range(0, w, step):
                    for c in range(3):
                        counts[chunk, c, _bin(space[c, y, x], low[c], inv_span[c], bins)] += 1

    @njit(inline="always")
    def _to_byte(v):
        return np.uint8(min(max(np.rint(v * np.float32(255.0)), np.float32(0.0)),
                            np.float32(255.0)))

    @njit(parallel=True, cache=True)
    def _quantize_hwc(img, to_float, u8, out):
        c_n, h, w = img.shape
        for y in prange(h):
            for x in range(w):
                for c in range(c_n):
                    v = _to_byte(img[c, y, x])
                    u8[y, x, c] = v
                    out[c, y, x] = to_float[v]


#: uint8 value -> float32 in [0, 1], exactly ``float32(v) / 255`` as torch divides.
TO_FLOAT = np.arange(256, dtype=np.float32) / np.float32(255.0)


def rgb_to_lab(img: np.ndarray, rgb_to_xyz: np.ndarray) -> np.ndarray:
    """sRGB ``(3, H, W)`` -> L*a*b* ``(3, H, W)`` float32 (``rgb_to_xyz`` divides by the white)."""
    lab = np.empty(img.shape, np.float32)
    _rgb_to_lab(img.astype(np.float32, copy=False), rgb_to_xyz.astype(np.float32),
                TABLES["to_linear"], TABLES["cbrt"], lab)
    return lab


def warp_to_lab(img: np.ndarray, inverse: np.ndarray, rgb_to_xyz: np.ndarray) -> np.ndarray:
    """:func:`warp_bilinear` (replicate borders) then :func:`rgb_to_lab`, in one pass."""
    lab = np.empty(img.shape, np.float32)
    _warp_to_lab(img.astype(np.float32, copy=False), np.ascontiguousarray(inverse[:2], np.float64),
                 rgb_to_xyz.astype(np.float32), TABLES["to_linear"], TABLES["cbrt"], lab)
    return lab


def space_counts(space: np.ndarray, low: np.ndarray, span: np.ndarray, bins: int, *,
                 subsample: bool) -> np.ndarray:
    """Bin counts ``(3, bins)`` of an image already in its colour space (e.g. L*a*b* from
    :func:`rgb_to_lab`): bin ``k`` of channel ``c`` covers ``low[c] + span[c] * [k, k + 1) /
    bins``; with ``subsample`` only the pixels with even ``x`` and ``y`` (a quarter: plenty for
    256 bins on a large image)."""
    counts = np.zeros((16, 3, bins), np.int32)
    _space_counts(space, counts, low.astype(np.float32), (1.0 / span).astype(np.float32),
                  np.float32(bins), 2 if subsample else 1)
    return counts.sum(axis=0, dtype=np.int64)


def quantize_hwc(img: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Round ``(C, H, W)`` floats to 8 bits: ``(uint8 (H, W, C), float32 (C, H, W))``."""
    c, h, w = img.shape
    u8 = np.empty((h, w, c), np.uint8)
    out = np.empty((c, h, w), np.float32)
    _quantize_hwc(img.astype(np.float32, copy=False), TO_FLOAT, u8, out)
    return u8, out


# ----------------------------------------------------------------------------------------------
# The preview's even resampling (render/preview.py): per-pixel 3-tap smoothing [w/2, 1 - w, w/2]
# whose weights come from where a 2D affine warp sampled each pixel.
# ----------------------------------------------------------------------------------------------

if numba is not None:

    @njit(inline="always")
    def _evening_weight(f, kept):
        # w such that (1 - w)**2 + w**2 / 2 == min(1, kept / ((1 - f)**2 + f**2))
        target = kept / ((1.0 - f) * (1.0 - f) + f * f)
        if target >= 1.0:
            return np.float32(0.0)
        return np.float32((2.0 - np.sqrt(max(6.0 * target - 2.0, 1.0))) / 3.0)

    @njit(parallel=True, cache=True)
    def _affine_evening_weights(a, wrap, kept, wx, wy):
        h, w = wx.shape
        for y in prange(h):
            for x in range(w):
                sx = a[0, 0] * x + a[0, 1] * y + a[0, 2]
                sy = a[1, 0] * x + a[1, 1] * y + a[1, 2]
                if wrap:
                    sx = sx % w
                    sy = sy % h
                else:
                    sx = min(max(sx, 0.0), w - 1.0)
                    sy = min(max(sy, 0.0), h - 1.0)
                wx[y, x] = _evening_weight(sx - np.floor(sx), kept)
                wy[y, x] = _evening_weight(sy - np.floor(sy), kept)

    @njit(parallel=True, cache=True)
    def _smooth_rows_by(img, wx, out):
        c_n, h, w = img.shape
        half = np.float32(0.5)
        for y in prange(h):
            for c in range(c_n):
                row, dst, wr = img[c, y], out[c, y], wx[y]
                if w < 2:
                    dst[:] = row
                    continue
                dst[0] = row[0] + wr[0] * (half * (row[0] + row[1]) - row[0])
                for x in range(1, w - 1):  # no index clamping: LLVM vectorises this loop
                    v = row[x]
                    dst[x] = v + wr[x] * (half * (row[x - 1] + row[x + 1]) - v)
                v = row[w - 1]
                dst[w - 1] = v + wr[w - 1] * (half * (row[w - 2] + v) - v)

    @njit(parallel=True, cache=True)
    def _smooth_cols_by(img, wy, out):
        c_n, h, w = img.shape
        zero, one = np.float32(0.0), np.float32(1.0)
        for y in prange(h):
            above, below = max(y - 1, 0), min(y + 1, h - 1)
            for c in range(c_n):
                for x in range(w):
                    v = img[c, y, x]
                    side = np.float32(0.5) * (img[c, above, x] + img[c, below, x])
                    out[c, y, x] = min(max(v + wy[y, x] * (side - v), zero), one)


def affine_evening_weights(inverse: np.ndarray, height: int, width: int, *, wrap: bool,
                           kept: float) -> tuple[np.ndarray, np.ndarray]:
    """The preview's smoothing weights ``(wx, wy)``, each ``(H, W)`` float32, for a warp that
    samples output pixel ``(x, y)`` at ``inverse @ (x, y, 1)`` (replicate or wrap borders)."""
    wx = np.empty((height, width), np.float32)
    wy = np.empty((height, width), np.float32)
    _affine_evening_weights(np.ascontiguousarray(inverse[:2], np.float64), bool(wrap),
                            float(kept), wx, wy)
    return wx, wy


def smooth_by(img: np.ndarray, wx: np.ndarray, wy: np.ndarray) -> np.ndarray:
    """``img`` ``(C, H, W)`` smoothed along x by ``[wx/2, 1 - wx, wx/2]``, then along y by
    ``wy`` likewise (edges repeated), clipped to [0, 1]."""
    img = np.ascontiguousarray(img, np.float32)
    rows = np.empty_like(img)
    _smooth_rows_by(img, np.ascontiguousarray(wx, np.float32), rows)
    out = np.empty_like(img)
    _smooth_cols_by(rows, np.ascontiguousarray(wy, np.float32), out)
    return out
