"""Image operations of one Deforum frame, on torch tensors that stay on the device.

Images are float32 tensors of shape ``(1, 3, H, W)`` with values in ``[0, 1]``.

- :func:`affine_matrix_2d`  Deforum's 2D camera (angle, zoom, centre, translation) as a 3x3 matrix
- :func:`warp_2d`           resample an image by that matrix (border replicate or wrap)
- :func:`rgb_to_lab`, :func:`lab_to_rgb`  CIE L*a*b* (D65) conversions
- :func:`rgb_to_hsv`, :func:`hsv_to_rgb`  HSV as cv2 computes it, with H in [0, 1)
- :class:`ColorReference`   a colour-match reference (LAB, HSV or RGB), quantiles precomputed once
- :func:`apply_contrast`    Deforum's contrast multiplier, clipped (Deforum lets values wrap)
- :func:`unsharp_mask`      Deforum's anti-blur: gaussian unsharp mask with a threshold
- :func:`perlin_noise`      octaves of 2D gradient noise, seeded, unit standard deviation
- :func:`add_noise`         gaussian or perlin noise seeded by the frame's seed
- :func:`contrast_and_noise` both, fused on the CPU (:mod:`.cpu_kernels`)
- :func:`quantize`          round to 8 bits (what a PNG keeps), as uint8 and as float
- :func:`to_tensor`, :func:`load_image`
"""

from __future__ import annotations

import functools
import math
from pathlib import Path
from typing import ClassVar

import numpy as np
import torch
import torch.nn.functional as F

from . import cpu_kernels

__all__ = [
    "COLOR_MODES",
    "NOISE_TYPES",
    "ColorReference",
    "add_noise",
    "affine_matrix_2d",
    "apply_contrast",
    "contrast_and_noise",
    "gaussian_kernel",
    "hsv_to_rgb",
    "lab_to_rgb",
    "load_image",
    "perlin_noise",
    "quantize",
    "rgb_to_hsv",
    "rgb_to_lab",
    "to_tensor",
    "unsharp_mask",
    "warp_2d",
]

#: Colour coherence modes of :class:`ColorReference` ("none" is the caller's business).
COLOR_MODES = ("LAB", "HSV", "RGB")
#: Noise types of :func:`add_noise` and :func:`contrast_and_noise`.
NOISE_TYPES = ("gaussian", "perlin")


def affine_matrix_2d(*, width: int, height: int, angle: float, zoom: float, translation_x: float,
                     translation_y: float, center_x: float = 0.5, center_y: float = 0.5
                     ) -> np.ndarray:
    """The forward 3x3 pixel transform of a 2D Deforum camera move.

    A source pixel ``p`` lands at ``R(p - c) * zoom + c + (tx, ty)``: rotation by ``angle`` degrees
    counter-clockwise as seen on screen, scale by ``zoom`` (> 1 zooms in) about the centre
    ``c = (center_x * width, center_y * height)`` (0.5 is the middle of the picture), then
    translation in pixels (+x right, +y down). Pixel ``i`` covers ``[i, i + 1)``, so its centre is
    ``i + 0.5``; the matrix works on pixel indices, hence the ``- 0.5``.
    """
    theta = math.radians(angle)
    a = zoom * math.cos(theta)
    b = zoom * math.sin(theta)
    cx, cy = center_x * width - 0.5, center_y * height - 0.5
    # cv2.getRotationMatrix2D(center, angle, zoom), with the true centre of the picture.
    return np.array(
        [
            [a, b, (1 - a) * cx - b * cy + translation_x],
            [-b, a, b * cx + (1 - a) * cy + translation_y],
            [0.0, 0.0, 1.0],
        ],
        dtype=np.float64,
    )


def _pixel_to_normalized(width: int, height: int) -> np.ndarray:
    # grid_sample with align_corners=False: pixel x -> (2x + 1)/W - 1, pixel centres at x + 0.5.
    return np.array(
        [[2.0 / width, 0.0, 1.0 / width - 1.0], [0.0, 2.0 / height, 1.0 / height - 1.0],
         [0.0, 0.0, 1.0]]
    )


def warp_2d(image: torch.Tensor, matrix: np.ndarray, *, border: str = "replicate",
            mode: str = "bilinear") -> torch.Tensor:
    """Warp ``image`` by the forward pixel transform ``matrix`` (see :func:`affine_matrix_2d`).

    ``border``: ``replicate`` repeats the edge pixels, ``wrap`` tiles the image.
    """
    _, _, height, width = image.shape
    if border not in ("replicate", "wrap"):
        raise ValueError(f"border must be replicate or wrap, not {border!r}")
    if image.device.type == "cpu" and mode == "bilinear" and cpu_kernels.available():
        out = cpu_kernels.warp_bilinear(image[0].contiguous().numpy(), np.linalg.inv(matrix),
                                        wrap=border == "wrap")
        return torch.from_numpy(out)[None]
    norm = _pixel_to_normalized(width, height)
    inverse = norm @ np.linalg.inv(matrix) @ np.linalg.inv(norm)
    theta = torch.as_tensor(inverse[:2], dtype=image.dtype, device=image.device)[None]
    grid = F.affine_grid(theta, list(image.shape), align_corners=False)
    if border == "wrap":
        # Wrap the source coordinates into the picture and sample a copy padded circularly by
        # one pixel, so interpolation across a seam mixes the two opposite edges.
        size = torch.tensor([width, height], dtype=grid.dtype, device=grid.device)
        pixels = torch.remainder(((grid + 1.0) * size - 1.0) / 2.0, size)
        grid = (2.0 * (pixels + 1.0) + 1.0) / (size + 2.0) - 1.0
        image = F.pad(image, (1, 1, 1, 1), mode="circular")
    return F.grid_sample(image, grid, mode=mode, padding_mode="border", align_corners=False)


_D65 = (0.95047, 1.0, 1.08883)
_RGB_TO_XYZ = torch.tensor(
    [[0.412453, 0.357580, 0.180423], [0.212671, 0.715160, 0.072169],
     [0.019334, 0.119193, 0.950227]]
)
_XYZ_TO_RGB = torch.linalg.inv(_RGB_TO_XYZ)
_RGB_TO_XYZ_WHITE = _RGB_TO_XYZ / torch.tensor(_D65)[:, None]  # XYZ relative to the white point
_XYZ_WHITE_TO_RGB = _XYZ_TO_RGB * torch.tensor(_D65)[None, :]
_RGB_TO_XYZ_WHITE_NP = _RGB_TO_XYZ_WHITE.numpy().astype(np.float32)
_XYZ_WHITE_TO_RGB_NP = _XYZ_WHITE_TO_RGB.numpy().astype(np.float32)


def _srgb_to_linear(x: torch.Tensor) -> torch.Tensor:
    return torch.where(x > 0.04045, ((x + 0.055) / 1.055).pow(2.4), x / 12.92)


def _linear_to_srgb(x: torch.Tensor) -> torch.Tensor:
    x = x.clamp(min=0.0)
    return torch.where(x > 0.0031308, 1.055 * x.pow(1 / 2.4) - 0.055, 12.92 * x)


def rgb_to_lab(image: torch.Tensor) -> torch.Tensor:
    """sRGB ``(1, 3, H, W)`` in [0, 1] -> L*a*b* (L in [0, 100], a/b about [-128, 127])."""
    linear = _srgb_to_linear(image)
    m = _RGB_TO_XYZ_WHITE.to(image)
    xyz = torch.einsum("ij,bjhw->bihw", m, linear)
    eps = 216 / 24389
    f = torch.where(xyz > eps, xyz.clamp(min=eps).pow(1 / 3), (24389 / 27 * xyz + 16) / 116)
    fx, fy, fz = f[:, 0], f[:, 1], f[:, 2]
    return torch.stack((116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)), dim=1)


def lab_to_rgb(lab: torch.Tensor) -> torch.Tensor:
    """Inverse of :func:`rgb_to_lab`; the result is clipped to [0, 1]."""
    fy = (lab[:, 0] + 16) / 116
    fx = fy + lab[:, 1] / 500
    fz = fy - lab[:, 2] / 200
    f = torch.stack((fx, fy, fz), dim=1)
    eps3 = 6 / 29
    xyz = torch.where(f > eps3, f.pow(3), (f - 16 / 116) * (3 * eps3**2))
    m = _XYZ_WHITE_TO_RGB.to(lab)
    linear = torch.einsum("ij,bjhw->bihw", m, xyz)
    return _linear_to_srgb(linear).clamp(0.0, 1.0)


def rgb_to_hsv(image: torch.Tensor) -> torch.Tensor:
    """sRGB ``(1, 3, H, W)`` in [0, 1] -> HSV, each channel in [0, 1].

    cv2's ``COLOR_RGB2HSV`` formulas on floats (V = max, S = (max - min) / max, hue from the
    largest channel, red first on ties), with the hue angle divided by 360 rather than by 2: H is
    in [0, 1). Grey pixels have H = 0 and black ones S = 0, as in cv2.
    """
    r, g, b = image[:, 0], image[:, 1], image[:, 2]
    v = torch.maximum(r, torch.maximum(g, b))
    c = v - torch.minimum(r, torch.minimum(g, b))
    s = torch.where(v > 0, c / torch.where(v > 0, v, torch.ones_like(v)), torch.zeros_like(v))
    safe = torch.where(c > 0, c, torch.ones_like(c))
    hue = torch.where(v == r, (g - b) / safe,
                      torch.where(v == g, (b - r) / safe + 2.0, (r - g) / safe + 4.0)) / 6.0
    hue = torch.where(hue < 0, hue + 1.0, hue)
    hue = torch.where(c > 0, hue, torch.zeros_like(hue))
    return torch.stack((hue, s, v), dim=1)


def hsv_to_rgb(hsv: torch.Tensor) -> torch.Tensor:
    """Inverse of :func:`rgb_to_hsv` (H in [0, 1], wrapping); the result is clipped to [0, 1]."""
    h6 = hsv[:, 0:1] * 6.0
    s, v = hsv[:, 1:2], hsv[:, 2:3]
    n = torch.tensor([5.0, 3.0, 1.0], dtype=hsv.dtype, device=hsv.device)[None, :, None, None]
    k = torch.remainder(n + h6, 6.0)
    t = torch.minimum(k, 4.0 - k).clamp(0.0, 1.0)
    return (v - v * s * t).clamp(0.0, 1.0)


def _color_mode(mode: str) -> str:
    name = str(mode).upper()
    if name not in COLOR_MODES:
        raise ValueError(f"colour coherence mode must be one of {', '.join(COLOR_MODES)}, "
                         f"not {mode!r}")
    return name


class ColorReference:
    """Histogram matching to a reference image, with the reference's quantiles computed once.

    ``mode`` is the colour space whose channels are matched one by one, as Deforum does:

    - ``LAB``: L*, a*, b* (CIE L*a*b*, D65), like Deforum's ``cv2.COLOR_RGB2LAB`` + skimage.
    - ``HSV``: H, S, V of cv2's ``COLOR_RGB2HSV``. Deforum converts both images with cv2 and runs
      ``skimage.exposure.match_histograms`` on the HSV arrays, so the hue is matched like any
      other channel: as a linear value in [0, 1) (0 and 1 are both red, but they sit at the two
      ends of the histogram; no circular statistics). We do the same, on floats rather than cv2's
      8-bit H in [0, 180).
    - ``RGB``: R, G and B directly.

    Each channel of an image is mapped through its own cumulative histogram onto the reference's
    quantiles (the same idea as ``skimage.exposure.match_histograms`` per channel, but in
    O(pixels) with 256 bins and linear interpolation inside a bin, on the device), then converted
    back to sRGB and clipped to [0, 1]. On a CPU the fused kernels of :mod:`.cpu_kernels` do the
    same arithmetic.

    The reference's quantiles are computed on the CPU in float64 from the image as given, so the
    same input (e.g. frame 0's 8-bit pixels, whether they come from the running loop or from its
    PNG on resume, or a ``color_coherence_image``) always gives exactly the same reference, on any
    device. ``space=`` is the former name of ``mode`` and still accepted.
    """

    BINS = 256
    #: From this many pixels on, histograms count every 2nd pixel in each direction.
    SUBSAMPLE_FROM = 2**16
    QUANTILES = 1025
    #: Value range binned per channel of each mode.
    RANGES = ((0.0, 100.0), (-128.0, 128.0), (-128.0, 128.0))
    MODE_RANGES: ClassVar[dict[str, tuple[tuple[float, float], ...]]] = {
        "LAB": RANGES, "HSV": ((0.0, 1.0),) * 3, "RGB": ((0.0, 1.0),) * 3}

    def __init__(self, reference: torch.Tensor, mode: str | None = None, *,
                 space: str | None = None) -> None:
        if mode is not None and space is not None and _color_mode(mode) != _color_mode(space):
            raise ValueError(f"mode {mode!r} and space {space!r} disagree")
        self.mode = _color_mode(mode if mode is not None else space or "LAB")
        device = reference.device
        source = reference.detach().to("cpu", torch.float64).clamp(0.0, 1.0)
        channels = self._to_space(source)[0].flatten(1)  # (3, N)
        self.quantiles = _quantiles(channels, self.QUANTILES).to(device, torch.float32)  # (3, Q)
        ranges = self.MODE_RANGES[self.mode]
        self._low = torch.tensor([r[0] for r in ranges], device=device)[:, None]
        self._span = torch.tensor([r[1] - r[0] for r in ranges], device=device)[:, None]
        # numpy copies for the CPU kernels, made once rather than on every frame
        self._low_np = np.array([r[0] for r in ranges], dtype=np.float32)
        self._span_np = np.array([r[1] - r[0] for r in ranges], dtype=np.float32)
        self._quantiles_np: np.ndarray | None = None

    @classmethod
    def from_image(cls, image: torch.Tensor | np.ndarray, mode: str = "LAB", *,
                   device: torch.device | str | None = None) -> ColorReference:
        """A reference from a float ``(1, 3, H, W)`` tensor or a uint8 ``(H, W, 3)`` array.

        A uint8 array goes through :func:`to_tensor`, exactly as a frame read back from its PNG.
        """
        if isinstance(image, np.ndarray):
            image = to_tensor(image, device=device or "cpu")
        elif device is not None:
            image = image.to(device)
        return cls(image, mode)

    @property
    def space(self) -> str:
        """The former name of :attr:`mode`."""
        return self.mode

    def _to_space(self, image: torch.Tensor) -> torch.Tensor:
        if self.mode == "LAB":
            return rgb_to_lab(image)
        if self.mode == "HSV":
            return rgb_to_hsv(image)
        return image

    def _from_space(self, image: torch.Tensor) -> torch.Tensor:
        if self.mode == "LAB":
            return lab_to_rgb(image)
        if self.mode == "HSV":
            return hsv_to_rgb(image)
        return image.clamp(0.0, 1.0)

    def _bin_values(self, counts: torch.Tensor) -> torch.Tensor:
        """For bin counts ``(3, B)`` of an image, the reference value at each bin centre."""
        counts = counts.to(torch.float32)
        cdf = (torch.cumsum(counts, dim=1) - 0.5 * counts) / counts.sum(dim=1, keepdim=True)
        qpos = cdf * (self.QUANTILES - 1)  # the reference's quantile function at that cdf
        q0 = qpos.floor().long().clamp(0, self.QUANTILES - 2)
        qw = qpos - q0
        quantiles = self.quantiles.to(counts.device)
        return (torch.gather(quantiles, 1, q0) * (1 - qw)
                + torch.gather(quantiles, 1, q0 + 1) * qw)

    def match(self, image: torch.Tensor) -> torch.Tensor:
        """``image`` with each channel's histogram matched to the reference, in sRGB [0, 1]."""
        bins = self.BINS
        _, _, h, w = image.shape
        subsample = h * w >= self.SUBSAMPLE_FROM
        if image.device.type == "cpu" and cpu_kernels.available():
            return self._match_cpu(image[0].to(torch.float32).contiguous().numpy(), subsample)
        converted = self._to_space(image)
        _, c, h, w = converted.shape
        x = converted[0].reshape(c, -1)
        pos = ((x - self._low) / self._span * bins).clamp(0, bins - 1e-3)  # (3, N) in bin units
        step = 2 if subsample else 1  # the same pixels as the CPU kernel counts
        sample = pos.reshape(c, h, w)[:, ::step, ::step].reshape(c, -1)
        offsets = torch.arange(c, device=x.device)[:, None] * bins
        counts = torch.bincount((sample.long() + offsets).flatten(), minlength=c * bins)
        lut = self._bin_values(counts.reshape(c, bins))  # (3, B): value for each bin centre
        # Interpolate between bin centres for a smooth mapping.
        f = (pos - 0.5).clamp(0, bins - 1)
        i0 = f.floor().long().clamp(0, bins - 2)
        frac = f - i0
        out = torch.gather(lut, 1, i0) * (1 - frac) + torch.gather(lut, 1, i0 + 1) * frac
        return self._from_space(out.reshape(1, c, h, w))

    def warp_and_match(self, image: torch.Tensor, matrix: np.ndarray, *,
                       border: str = "replicate") -> torch.Tensor:
        """``self.match(warp_2d(image, matrix, border=border))``; on a CPU in LAB with
        replicated borders the warp and the conversion to L*a*b* are one pass."""
        _, _, h, w = image.shape
        if (image.device.type == "cpu" and cpu_kernels.available() and self.mode == "LAB"
                and border == "replicate"):
            lab = cpu_kernels.warp_to_lab(image[0].to(torch.float32).contiguous().numpy(),
                                          np.linalg.inv(matrix), _RGB_TO_XYZ_WHITE_NP)
            return torch.from_numpy(self._match_lab(lab, h * w >= self.SUBSAMPLE_FROM))[None]
        return self.match(warp_2d(image, matrix, border=border))

    def _match_lab(self, lab: np.ndarray, subsample: bool) -> np.ndarray:
        """sRGB ``(3, H, W)`` of L*a*b* values ``lab`` matched to the reference (CPU kernels)."""
        low, span = self._low_np, self._span_np
        counts = cpu_kernels.space_counts(lab, low, span, self.BINS, subsample=subsample)
        return cpu_kernels.lab_map_to_rgb(lab, self._bin_values_np(counts), low, span,
                                          _XYZ_WHITE_TO_RGB_NP)

    def _bin_values_np(self, counts: np.ndarray) -> np.ndarray:
        """:meth:`_bin_values` in numpy, the same float32 arithmetic without torch's per-op
        dispatch (a dozen small ops, ~0.5 ms a frame on a CPU)."""
        if self._quantiles_np is None:
            self._quantiles_np = self.quantiles.cpu().numpy()
        counts = counts.astype(np.float32)
        cdf = (np.cumsum(counts, axis=1, dtype=np.float32) - np.float32(0.5) * counts) / (
            counts.sum(axis=1, keepdims=True, dtype=np.float32))
        qpos = cdf * np.float32(self.QUANTILES - 1)
        q0 = np.clip(np.floor(qpos).astype(np.int64), 0, self.QUANTILES - 2)
        qw = qpos - q0.astype(np.float32)
        quantiles = self._quantiles_np
        return (np.take_along_axis(quantiles, q0, 1) * (np.float32(1.0) - qw)
                + np.take_along_axis(quantiles, q0 + 1, 1) * qw)

    def _match_cpu(self, img: np.ndarray, subsample: bool) -> torch.Tensor:
        bins, low, span = self.BINS, self._low_np, self._span_np
        if self.mode == "LAB":
            out = self._match_lab(cpu_kernels.rgb_to_lab(img, _RGB_TO_XYZ_WHITE_NP), subsample)
        elif self.mode == "HSV":
            hsv, counts = cpu_kernels.hsv_histograms(img, bins, subsample=subsample)
            lut = self._bin_values_np(counts)
            out = cpu_kernels.hsv_map_to_rgb(hsv, lut)
        else:
            counts = cpu_kernels.channel_histograms(img, low, span, bins, subsample=subsample)
            lut = self._bin_values_np(counts)
            out = cpu_kernels.channel_map(img, lut, low, span)
        return torch.from_numpy(out)[None]


def _quantiles(channels: torch.Tensor, count: int) -> torch.Tensor:
    """``count`` evenly spaced quantiles of each row (linear interpolation, as torch.quantile)."""
    ordered = torch.sort(channels, dim=1).values
    n = ordered.shape[1]
    pos = torch.linspace(0, 1, count, dtype=torch.float64) * (n - 1)
    i0 = pos.floor().long().clamp(0, max(n - 2, 0))
    i1 = (i0 + 1).clamp(max=n - 1)
    frac = (pos - i0).to(ordered.dtype)
    return ordered[:, i0] + (ordered[:, i1] - ordered[:, i0]) * frac


def apply_contrast(image: torch.Tensor, contrast: float) -> torch.Tensor:
    """Multiply by ``contrast`` and clip to [0, 1] (Deforum multiplies and lets uint8 wrap)."""
    if contrast == 1.0:
        return image
    return (image * contrast).clamp_(0.0, 1.0)


def _noise_type(noise_type: str) -> str:
    name = str(noise_type).lower()
    if name not in NOISE_TYPES:
        raise ValueError(f"noise_type must be one of {', '.join(NOISE_TYPES)}, not {noise_type!r}")
    return name


def contrast_and_noise(image: torch.Tensor, contrast: float, amount: float, *, seed: int,
                       noise_type: str = "gaussian", octaves: int = 4, persistence: float = 0.5
                       ) -> torch.Tensor:
    """:func:`apply_contrast` then :func:`add_noise`, fused into one pass on the CPU.

    ``noise_type``, ``octaves`` and ``persistence`` as in :func:`add_noise`.
    """
    noise_type = _noise_type(noise_type)
    if image.device.type == "cpu" and amount > 0 and cpu_kernels.available():
        img = image[0].to(torch.float32).contiguous().numpy()
        if noise_type == "gaussian":
            out = cpu_kernels.contrast_noise(img, contrast, amount / 2.0, seed)
        else:
            _, _, height, width = image.shape
            noise, mean, std = _perlin_cpu(height, width, seed=seed, octaves=octaves,
                                           persistence=persistence, channels=image.shape[1])
            out = cpu_kernels.contrast_add_noise(img, contrast, noise, mean,
                                                 (amount / 2.0) / np.maximum(std, 1e-12))
        return torch.from_numpy(out)[None]
    return add_noise(apply_contrast(image, contrast), amount, seed=seed, noise_type=noise_type,
                     octaves=octaves, persistence=persistence)


def add_noise(image: torch.Tensor, amount: float, *, seed: int, noise_type: str = "gaussian",
              octaves: int = 4, persistence: float = 0.5) -> torch.Tensor:
    """Add noise of standard deviation ``amount`` in Deforum's [-1, 1] image units.

    ``noise_type`` ``gaussian``: independent per pixel and channel. ``perlin``:
    :func:`perlin_noise` with ``octaves`` and ``persistence``, one independent field per channel,
    normalised to the same standard deviation, so a ``noise_schedule`` value means the same
    strength for both types. Deterministic for a seed and device. The result is clipped to [0, 1].
    """
    noise_type = _noise_type(noise_type)
    if amount <= 0:
        return image
    if noise_type == "perlin":
        _, channels, height, width = image.shape
        noise = perlin_noise(height, width, seed=seed, octaves=octaves, persistence=persistence,
                             channels=channels, device=image.device).to(image.dtype)
    else:
        generator = torch.Generator(device=image.device).manual_seed(int(seed))
        noise = torch.randn(image.shape, generator=generator, device=image.device,
                            dtype=image.dtype)
    return image.add(noise, alpha=amount / 2.0).clamp_(0.0, 1.0)


# Perlin noise. Octave o has square cells of max(H, W) / (cells * 2**o) pixels; its lattice is
# shifted by a fixed fraction of a cell (below) so that the lattices of different octaves do not
# share points (gradient noise is 0 on its lattice: aligned octaves would leave a regular grid of
# zeros). The geometry of each (size, cells, octaves) is cached; only the gradients change per
# frame: one of 256 evenly spaced directions per lattice point (see _perlin_gradients).
_PERLIN_SALT = 0x7065726C  # "perl": the perlin stream never equals another use of the seed
_PERLIN_OFFSETS = tuple(((0.6180339887 * (o + 1)) % 1.0, (0.7548776662 * (o + 1)) % 1.0)
                        for o in range(16))
_DIRECTIONS = np.arange(256) * (2.0 * math.pi / 256)


def _fade(t: np.ndarray) -> np.ndarray:
    return t * t * t * (t * (t * 6.0 - 15.0) + 10.0)


@functools.lru_cache(maxsize=16)
def _perlin_lattice(height: int, width: int, cells: int, octaves: int) -> dict:
    """Where each pixel row/column falls in each octave's lattice (numpy, read-only).

    ``rows``/``cols``: ``(cy, fy, wy)`` ``(O, H)`` and ``(cx, fx, wx)`` ``(O, W)``: the lattice
    row/column before each pixel, the position inside the cell and its fade; ``gh``/``gw`` the
    lattice size of each octave; ``goff`` where each octave's gradients start in the flat
    gradient arrays; ``roff`` where its rows start among all octaves' rows and ``row_octave`` the
    octave of each of those rows.
    """
    base = max(height, width) / cells
    per = {"rows": [], "cols": [], "gh": [], "gw": []}
    for o in range(octaves):
        cell = base / 2**o
        for size, offset, key, count in ((height, _PERLIN_OFFSETS[o][1], "rows", "gh"),
                                         (width, _PERLIN_OFFSETS[o][0], "cols", "gw")):
            coord = (np.arange(size) + 0.5) / cell + offset
            index = np.floor(coord)
            frac = coord - index
            per[key].append((index.astype(np.int32), frac.astype(np.float32),
                             _fade(frac).astype(np.float32)))
            per[count].append(int(index[-1]) + 2)
    gh = np.array(per["gh"], dtype=np.int64)
    gw = np.array(per["gw"], dtype=np.int64)
    lattice = {
        "rows": tuple(np.ascontiguousarray(np.stack([t[i] for t in per["rows"]]))
                      for i in range(3)),
        "cols": tuple(np.ascontiguousarray(np.stack([t[i] for t in per["cols"]]))
                      for i in range(3)),
        "gh": gh,
        "gw": gw,
        "goff": np.concatenate(([0], np.cumsum(gh * gw)[:-1])).astype(np.int64),
        "roff": np.concatenate(([0], np.cumsum(gh)[:-1])).astype(np.int64),
        "row_octave": np.repeat(np.arange(octaves), gh).astype(np.int64),
    }
    for value in (*lattice["rows"], *lattice["cols"], gh, gw, lattice["goff"], lattice["roff"],
                  lattice["row_octave"]):
        value.flags.writeable = False
    return lattice


_MASK64 = 2**64 - 1
_GOLDEN = 0x9E3779B97F4A7C15


def _splitmix64(z: int) -> int:
    z &= _MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
    return z ^ (z >> 31)


def _perlin_gradients(seed: int, lattice: dict, octaves: int, persistence: float,
                      channels: int) -> tuple[np.ndarray, np.ndarray]:
    """Unit gradients times each octave's amplitude, flat ``(C, G)`` float32 each.

    Each lattice point takes one of 256 directions from a counter-based generator (splitmix64 of
    a stream per (seed, channel, octave) plus the point's index): our own arithmetic, so the
    noise of a seed never changes with numpy's version or the number of threads.
    """
    start = _splitmix64(int(seed) ^ _PERLIN_SALT)
    streams = np.array([[_splitmix64(start + (c * 16 + o + 1) * _GOLDEN)
                         for o in range(octaves)] for c in range(channels)], dtype=np.uint64)
    amplitude = np.asarray(float(persistence)) ** np.arange(octaves)[:, None]
    cos = (np.cos(_DIRECTIONS)[None] * amplitude).astype(np.float32)  # (O, 256)
    sin = (np.sin(_DIRECTIONS)[None] * amplitude).astype(np.float32)
    if cpu_kernels.available():
        return cpu_kernels.perlin_directions(streams, lattice, cos, sin)
    gh, gw, goff = lattice["gh"], lattice["gw"], lattice["goff"]
    total = int(goff[-1] + gh[-1] * gw[-1])
    gx = np.empty((channels, total), np.float32)
    gy = np.empty_like(gx)
    for o in range(octaves):
        n = int(gh[o] * gw[o])
        k = np.arange(n, dtype=np.uint64) * np.uint64(_GOLDEN)
        for c in range(channels):
            z = k + streams[c, o]
            z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
            z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
            direction = ((z ^ (z >> np.uint64(31))) >> np.uint64(56)).astype(np.intp)
            part = slice(int(goff[o]), int(goff[o]) + n)
            gx[c, part] = cos[o, direction]
            gy[c, part] = sin[o, direction]
    return gx, gy


def _check_perlin(height: int, width: int, octaves: int, persistence: float, cells: int,
                  channels: int) -> None:
    if not 1 <= int(octaves) <= 16:
        raise ValueError(f"perlin octaves must be between 1 and 16, not {octaves}")
    if not persistence > 0:
        raise ValueError(f"perlin persistence must be positive, not {persistence}")
    if cells < 1 or height < 1 or width < 1 or channels < 1:
        raise ValueError("perlin noise needs a positive size, cells and channels")


def _perlin_cpu(height: int, width: int, *, seed: int, octaves: int, persistence: float,
                channels: int, cells: int = 8) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The raw field ``(C, H, W)`` and its per-channel mean and std, from the numba kernels."""
    _check_perlin(height, width, octaves, persistence, cells, channels)
    lattice = _perlin_lattice(int(height), int(width), int(cells), int(octaves))
    gx, gy = _perlin_gradients(seed, lattice, int(octaves), persistence, int(channels))
    return cpu_kernels.perlin(gx, gy, lattice)


@functools.lru_cache(maxsize=16)
def _perlin_device_lattice(height: int, width: int, cells: int, octaves: int,
                           device: torch.device) -> tuple[tuple[torch.Tensor, ...], ...]:
    """Per octave ``(cy, fy, wy, cx, fx, wx)`` on ``device``, shaped to broadcast."""
    lattice = _perlin_lattice(height, width, cells, octaves)
    cy, fy, wy = (torch.from_numpy(t.copy()).to(device) for t in lattice["rows"])
    cx, fx, wx = (torch.from_numpy(t.copy()).to(device) for t in lattice["cols"])
    return tuple((cy[o].long(), fy[o][:, None], wy[o][:, None], cx[o].long(), fx[o], wx[o])
                 for o in range(octaves))


def perlin_noise(height: int, width: int, *, seed: int, octaves: int = 4,
                 persistence: float = 0.5, channels: int = 1, cells: int = 8,
                 device: torch.device | str = "cpu") -> torch.Tensor:
    """Octaves of 2D Perlin (gradient) noise ``(1, channels, H, W)``, mean 0 and std 1.

    Octave ``o`` (0-based) has square cells of ``max(H, W) / (cells * 2**o)`` pixels and amplitude
    ``persistence**o`` (Deforum: ``perlin_w``/``perlin_h`` = 8 cells, ``perlin_octaves`` 4,
    ``perlin_persistence`` 0.5); each channel is an independent field. The sum is normalised per
    channel to mean 0 and standard deviation 1 over the picture, so noise amounts mean the same for
    gaussian and perlin noise. Seeded by ``seed`` (the frame's seed): the same seed gives the same
    noise on every run and whatever the number of threads; on a CPU numba evaluates it
    (:func:`.cpu_kernels.perlin`), on other devices torch ops do the same arithmetic.

    Unlike Deforum (which multiplies white noise by a perlin envelope in [0, 1], so its "perlin"
    noise is still uncorrelated from pixel to pixel), this is true gradient noise: smooth and
    spatially correlated, with detail at every octave's scale.
    """
    device = torch.device(device)
    height, width, octaves, cells = int(height), int(width), int(octaves), int(cells)
    if device.type == "cpu" and cpu_kernels.available():
        noise, mean, std = _perlin_cpu(height, width, seed=seed, octaves=octaves,
                                       persistence=persistence, channels=channels, cells=cells)
        scale = (1.0 / np.maximum(std, 1e-12)).astype(np.float32)[:, None, None]
        noise -= mean.astype(np.float32)[:, None, None]
        noise *= scale
        return torch.from_numpy(noise)[None]
    _check_perlin(height, width, octaves, persistence, cells, channels)
    lattice = _perlin_lattice(height, width, cells, octaves)
    gx, gy = _perlin_gradients(seed, lattice, octaves, persistence, int(channels))
    gx_t, gy_t = torch.from_numpy(gx).to(device), torch.from_numpy(gy).to(device)
    noise = torch.zeros((int(channels), height, width), dtype=torch.float32, device=device)
    geometry = _perlin_device_lattice(height, width, cells, octaves, device)
    for o, (cy, fy, wy, cx, fx, wx) in enumerate(geometry):
        gh, gw, start = int(lattice["gh"][o]), int(lattice["gw"][o]), int(lattice["goff"][o])
        ox = gx_t[:, start:start + gh * gw].view(-1, gh, gw)
        oy = gy_t[:, start:start + gh * gw].view(-1, gh, gw)
        # the same arithmetic as cpu_kernels._perlin_x / _perlin_y
        a = (1 - wx) * ox[:, :, cx] * fx + wx * ox[:, :, cx + 1] * (fx - 1)  # (C, gh, W)
        b = (1 - wx) * oy[:, :, cx] + wx * oy[:, :, cx + 1]
        noise += ((1 - wy) * (a[:, cy] + b[:, cy] * fy)
                  + wy * (a[:, cy + 1] + b[:, cy + 1] * (fy - 1)))
    noise = noise - noise.mean(dim=(1, 2), keepdim=True)
    std = noise.square().mean(dim=(1, 2), keepdim=True).sqrt().clamp_min(1e-12)
    return (noise / std)[None]


def gaussian_kernel(kernel: int, sigma: float) -> np.ndarray:
    """cv2.getGaussianKernel: ``kernel`` taps (made odd, >= 1), normalised to sum 1.

    An even size is rounded up (cv2 refuses it; Deforum passes the schedule's value as it is).
    ``sigma <= 0`` derives it from the size as cv2 does, with cv2's fixed small kernels.
    """
    return _gaussian_kernel(_odd_kernel(kernel), float(sigma))


def _odd_kernel(kernel: float) -> int:
    k = max(1, round(float(kernel)))
    return k if k % 2 else k + 1


@functools.lru_cache(maxsize=64)
def _gaussian_kernel(kernel: int, sigma: float) -> np.ndarray:
    small = {1: [1.0], 3: [0.25, 0.5, 0.25], 5: [0.0625, 0.25, 0.375, 0.25, 0.0625],
             7: [0.03125, 0.109375, 0.21875, 0.28125, 0.21875, 0.109375, 0.03125]}
    if sigma <= 0 and kernel in small:
        weights = np.array(small[kernel])
    else:
        if sigma <= 0:
            sigma = 0.3 * ((kernel - 1) * 0.5 - 1) + 0.8
        x = np.arange(kernel) - (kernel - 1) / 2.0
        weights = np.exp(-(x * x) / (2.0 * sigma * sigma))
    weights = (weights / weights.sum()).astype(np.float32)
    weights.flags.writeable = False
    return weights


@functools.lru_cache(maxsize=64)
def _reflect101(size: int, radius: int) -> np.ndarray:
    """Source index of positions ``-radius .. size + radius - 1`` under cv2's BORDER_REFLECT_101."""
    index = np.arange(-radius, size + radius)
    if size == 1:
        index = np.zeros_like(index)
    else:
        period = 2 * size - 2
        index = np.abs(index) % period
        index = np.where(index >= size, period - index, index)
    index = index.astype(np.int64)
    index.flags.writeable = False
    return index


@functools.lru_cache(maxsize=64)
def _unsharp_tensors(kernel: int, sigma: float, height: int, width: int, channels: int,
                     device: torch.device) -> tuple[torch.Tensor, ...]:
    weights = torch.from_numpy(_gaussian_kernel(kernel, sigma).copy()).to(device)
    radius = kernel // 2
    index_x = torch.from_numpy(_reflect101(width, radius).copy()).to(device)
    index_y = torch.from_numpy(_reflect101(height, radius).copy()).to(device)
    along_x = weights.view(1, 1, 1, kernel).expand(channels, 1, 1, kernel).contiguous()
    along_y = weights.view(1, 1, kernel, 1).expand(channels, 1, kernel, 1).contiguous()
    return along_x, along_y, index_x, index_y


def unsharp_mask(image: torch.Tensor, *, kernel: int, sigma: float, amount: float,
                 threshold: float = 0.0) -> torch.Tensor:
    """Deforum's anti-blur: sharpen ``image`` by an unsharp mask.

    ``blurred`` is a gaussian blur of ``kernel`` x ``kernel`` taps (an even size is rounded up,
    cv2's reflect-101 border) with standard deviation ``sigma`` (<= 0: cv2's default for the
    size); ``sharpened = image * (1 + amount) - blurred * amount``, clipped to [0, 1]; where
    ``|image - blurred| < threshold`` (low contrast, in [0, 1] image units: Deforum's 8-bit
    threshold / 255) the original pixel is kept. ``amount`` 0 (or a 1-tap kernel) returns
    ``image`` itself, untouched.
    """
    kernel = _odd_kernel(kernel)
    if amount == 0 or kernel == 1:
        return image
    sigma = float(sigma)
    _, channels, height, width = image.shape
    radius = kernel // 2
    if image.device.type == "cpu" and cpu_kernels.available():
        out = cpu_kernels.unsharp(image[0].to(torch.float32).contiguous().numpy(),
                                  _gaussian_kernel(kernel, sigma),
                                  _reflect101(width, radius), _reflect101(height, radius),
                                  float(amount), float(threshold))
        return torch.from_numpy(out)[None].to(image.dtype)
    along_x, along_y, index_x, index_y = _unsharp_tensors(kernel, sigma, height, width,
                                                          channels, image.device)
    blurred = F.conv2d(image.index_select(3, index_x), along_x.to(image.dtype), groups=channels)
    blurred = F.conv2d(blurred.index_select(2, index_y), along_y.to(image.dtype),
                       groups=channels)
    sharpened = (image * (1.0 + amount) - blurred * amount).clamp_(0.0, 1.0)
    if threshold > 0:
        sharpened = torch.where((image - blurred).abs() < threshold, image, sharpened)
    return sharpened


def quantize(image: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Round to 8 bits: ``(uint8 image, the same as float in [0, 1])``.

    The loop continues from the rounded frame, exactly what a resumed run reads back from the
    PNG, which is what makes a resumed run bit-identical to an uninterrupted one. On a CPU the
    uint8 image is a ``(1, C, H, W)`` view of HWC memory (not contiguous).
    """
    if (image.device.type == "cpu" and image.dtype == torch.float32 and image.shape[0] == 1
            and cpu_kernels.available()):
        # one numba pass; the uint8 image is laid out HWC (what the PNG writer encodes, so it
        # needs no copy) and seen through a (1, C, H, W) view
        hwc, rounded = cpu_kernels.quantize_hwc(image[0].contiguous().numpy())
        return (torch.from_numpy(hwc).permute(2, 0, 1)[None],
                torch.from_numpy(rounded)[None])
    as_uint8 = image.mul(255.0).round_().clamp_(0, 255).to(torch.uint8)
    return as_uint8, as_uint8.to(image.dtype).div_(255.0)


def to_tensor(array: np.ndarray, *, device: torch.device | str = "cpu") -> torch.Tensor:
    """uint8 ``(H, W, 3)`` -> float ``(1, 3, H, W)`` in [0, 1] on ``device``."""
    tensor = torch.from_numpy(np.array(array[..., :3], dtype=np.uint8)).to(device)
    return tensor.permute(2, 0, 1)[None].float().div_(255.0)


def load_image(path: str | Path, *, width: int, height: int, device: torch.device | str = "cpu"
               ) -> torch.Tensor:
    """Load an image file, scale and centre-crop it to ``width`` x ``height``, as a tensor."""
    from PIL import Image, ImageOps

    with Image.open(path) as img:
        img = ImageOps.exif_transpose(img).convert("RGB")
        img = ImageOps.fit(img, (width, height), method=Image.Resampling.LANCZOS)
        return to_tensor(np.asarray(img), device=device)
