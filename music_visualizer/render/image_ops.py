"""Image operations of one Deforum frame, on torch tensors that stay on the device.

Images are float32 tensors of shape ``(1, 3, H, W)`` with values in ``[0, 1]``.

- :func:`affine_matrix_2d`  Deforum's 2D camera (angle, zoom, centre, translation) as a 3x3 matrix
- :func:`warp_2d`           resample an image by that matrix (border replicate or wrap)
- :func:`rgb_to_lab`, :func:`lab_to_rgb`  CIE L*a*b* (D65) conversions
- :class:`ColorReference`   a colour-match reference, its histograms precomputed once
- :func:`apply_contrast`    Deforum's contrast multiplier, clipped (Deforum lets values wrap)
- :func:`add_noise`         gaussian noise seeded by the frame's seed
- :func:`contrast_and_noise` both, fused on the CPU (:mod:`.cpu_kernels`)
- :func:`quantize`          round to 8 bits (what a PNG keeps), as uint8 and as float
- :func:`to_tensor`, :func:`load_image`
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from . import cpu_kernels

__all__ = [
    "ColorReference",
    "add_noise",
    "affine_matrix_2d",
    "apply_contrast",
    "contrast_and_noise",
    "lab_to_rgb",
    "load_image",
    "quantize",
    "rgb_to_lab",
    "to_tensor",
    "warp_2d",
]


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


class ColorReference:
    """Histogram matching to a reference image, with the reference's statistics computed once.

    Each L*a*b* channel of an image is mapped through its own cumulative histogram onto the
    reference's quantiles (the same idea as ``skimage.exposure.match_histograms`` per channel,
    but in O(pixels) with 256 bins and linear interpolation inside a bin, on the device). On a
    CPU the fused kernels of :mod:`.cpu_kernels` do the same arithmetic.
    """

    BINS = 256
    #: From this many pixels on, histograms count every 2nd pixel in each direction.
    SUBSAMPLE_FROM = 2**16
    QUANTILES = 1025
    #: Value range binned per L*a*b* channel.
    RANGES = ((0.0, 100.0), (-128.0, 128.0), (-128.0, 128.0))

    def __init__(self, reference: torch.Tensor, *, space: str = "LAB") -> None:
        if space not in ("LAB", "RGB"):
            raise ValueError(f"space must be LAB or RGB, not {space!r}")
        self.space = space
        channels = self._to_space(reference)[0].flatten(1)  # (3, N)
        q = torch.linspace(0, 1, self.QUANTILES, device=reference.device, dtype=torch.float32)
        self.quantiles = torch.quantile(channels.float(), q, dim=1).T.contiguous()  # (3, Q)
        ranges = self.RANGES if space == "LAB" else ((0.0, 1.0),) * 3
        self._low = torch.tensor([r[0] for r in ranges], device=reference.device)[:, None]
        self._span = torch.tensor([r[1] - r[0] for r in ranges], device=reference.device)[:, None]
        # numpy copies for the CPU kernels, made once rather than on every frame
        self._low_np = np.array([r[0] for r in ranges], dtype=np.float32)
        self._span_np = np.array([r[1] - r[0] for r in ranges], dtype=np.float32)

    def _to_space(self, image: torch.Tensor) -> torch.Tensor:
        return rgb_to_lab(image) if self.space == "LAB" else image

    def _from_space(self, image: torch.Tensor) -> torch.Tensor:
        return lab_to_rgb(image) if self.space == "LAB" else image.clamp(0.0, 1.0)

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
        """``image`` with each channel's histogram matched to the reference."""
        bins = self.BINS
        _, _, h, w = image.shape
        subsample = h * w >= self.SUBSAMPLE_FROM
        if image.device.type == "cpu" and self.space == "LAB" and cpu_kernels.available():
            low, span = self._low_np, self._span_np
            lab, counts = cpu_kernels.lab_histograms(
                image[0].to(torch.float32).contiguous().numpy(), _RGB_TO_XYZ_WHITE_NP,
                low, span, bins, subsample=subsample)
            lut = self._bin_values(torch.from_numpy(counts)).cpu().numpy()
            out = cpu_kernels.lab_map_to_rgb(lab, lut, low, span, _XYZ_WHITE_TO_RGB_NP)
            return torch.from_numpy(out)[None]
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


def apply_contrast(image: torch.Tensor, contrast: float) -> torch.Tensor:
    """Multiply by ``contrast`` and clip to [0, 1] (Deforum multiplies and lets uint8 wrap)."""
    if contrast == 1.0:
        return image
    return (image * contrast).clamp_(0.0, 1.0)


def contrast_and_noise(image: torch.Tensor, contrast: float, amount: float, *, seed: int
                       ) -> torch.Tensor:
    """:func:`apply_contrast` then :func:`add_noise`, fused into one pass on the CPU."""
    if image.device.type == "cpu" and amount > 0 and cpu_kernels.available():
        out = cpu_kernels.contrast_noise(image[0].contiguous().numpy(), contrast, amount / 2.0,
                                         seed)
        return torch.from_numpy(out)[None]
    return add_noise(apply_contrast(image, contrast), amount, seed=seed)


def add_noise(image: torch.Tensor, amount: float, *, seed: int) -> torch.Tensor:
    """Add gaussian noise of standard deviation ``amount`` in Deforum's [-1, 1] image units.

    Deterministic for a seed and device. The result is clipped to [0, 1].
    """
    if amount <= 0:
        return image
    generator = torch.Generator(device=image.device).manual_seed(int(seed))
    noise = torch.randn(image.shape, generator=generator, device=image.device, dtype=image.dtype)
    return image.add(noise, alpha=amount / 2.0).clamp_(0.0, 1.0)


def quantize(image: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Round to 8 bits: ``(uint8 image, the same as float in [0, 1])``.

    The loop continues from the rounded frame, exactly what a resumed run reads back from the
    PNG, which is what makes a resumed run bit-identical to an uninterrupted one.
    """
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
