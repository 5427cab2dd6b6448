"""BigGAN input vectors that follow the music (the Deep Music Visualizer algorithm).

- :class:`GanOptions`     the options of Deep Music Visualizer (DMV, msieg), with their meaning
- :class:`GanVectors`     per-frame class weights and noise vectors; saved to and loaded from npz
- :func:`gan_vectors`     per-frame chroma, volume and onset -> :class:`GanVectors`
- :func:`parse_classes`   ``"1, 5, goldfish"`` -> ImageNet class indices, checked
- :func:`class_names`     ImageNet class indices -> names

The algorithm is DMV's, on per-video-frame features: DMV's normalised mean power is ``volume``,
its positive power gradient is ``onset`` and its ``chroma_cqt`` is ``chroma``. DMV's options are
tuned for 512 audio samples per frame at 22050 Hz (43 fps); as in DMV they are rescaled by the
frame length, here ``22050 / fps``, so they mean the same at any fps.

- *Classes*: each of the ``k`` classes follows one pitch. Pitches are ranked by their mean power
  over the song. With ``k < 12`` the ``i``-th class follows the ``i``-th strongest pitch. With 12
  classes the ``i``-th class follows pitch ``i`` (C, C#, ...), or the ``i``-th strongest pitch
  with ``sort_classes_by_power``.
- *Class weights*: ``w = (w_last + chroma / p) / (1 + 1 / p)`` with ``p = (300 -
  pitch_sensitivity) * 512 / frame_length``, then rescaled to 0..1 (min to max for ``k > 6``,
  by the max otherwise) and multiplied by ``depth``; when all non-zero weights are equal, the
  first class gets 0.01 more. Finally the weights are smoothed: linear interpolation between the
  means of bins of ``smooth_factor * 512 / frame_length`` frames. The other 988+ entries of the
  1000-long class vector are always 0.
- *Noise*: starts from a truncated normal sample (-2..2, times ``truncation``); every frame each
  unit moves by ``tempo_sensitivity * 512 / frame_length * (volume + onset) * direction *
  jitter``, averaged with the last move as ``(move + 3 * last) / 4``; a unit turns back past
  ``±(2 * truncation - tempo)``. Each renewal (every 200 DMV frames, 4.6 s) about half the units
  get the factor ``1 - jitter`` instead of 1.

Differences from DMV's script: row ``i`` is the state after frame ``i``'s features (DMV prepends
the initial vectors, so its frame ``i`` shows the features up to ``i - 1``); the smoothing keeps
every frame (DMV drops up to two bins at the end) and holds the last bin's mean; degenerate class
weights give zeros or ones rather than NaN; ``sort_classes_by_power`` gives the first class to
the strongest pitch, as DMV documents (its code applies the inverse permutation); the jitter
renewal period is rescaled by the frame length like every other option; all randomness comes
from ``seed``.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ...errors import SettingsError
from ...files import atomic_write_bytes
from ...settings.model import value_range
from .classes import IMAGENET_CLASSES

__all__ = [
    "DMV_FRAME_LENGTH",
    "MAX_CLASSES",
    "NOISE_DIM",
    "NUM_IMAGENET_CLASSES",
    "GanOptions",
    "GanVectors",
    "class_names",
    "gan_vectors",
    "parse_classes",
]

NOISE_DIM = 128
NUM_IMAGENET_CLASSES = 1000
MAX_CLASSES = 12
#: DMV's default audio samples per frame at 22050 Hz: the frame length its options are tuned for.
DMV_FRAME_LENGTH = 512
_SAMPLE_RATE = 22050
_JITTER_PERIOD = 200  # frames of DMV_FRAME_LENGTH between new jitter patterns
_FILE_VERSION = 1


@dataclass(frozen=True)
class GanOptions:
    """DMV's options, with DMV's meaning (see the module docstring); checked on creation.

    ``pitch_sensitivity`` 1..299: higher = class weights react faster to pitch.
    ``tempo_sensitivity`` 0..1: how fast the noise moves with volume and onsets.
    ``depth`` 0..1 (not 0): the largest class weight. ``classes``: ImageNet indices (0..999),
    ``num_classes`` or 12 of them (the first ``num_classes`` are used), or ``None`` for 12 drawn
    from the seed. ``num_classes`` 1..12. ``sort_classes_by_power``: the first class follows the
    strongest pitch. ``jitter`` 0..1: how much half of the noise units are slowed down.
    ``truncation`` 0.05..1: BigGAN's truncation (smaller = simpler images). ``smooth_factor`` >= 1:
    DMV frames over which class weights are smoothed.
    """

    pitch_sensitivity: float = 220.0
    tempo_sensitivity: float = 0.25
    depth: float = 1.0
    classes: tuple[int, ...] | None = None
    num_classes: int = 12
    sort_classes_by_power: bool = False
    jitter: float = 0.5
    truncation: float = 1.0
    smooth_factor: int = 20

    def __post_init__(self) -> None:
        for name in ("pitch_sensitivity", "tempo_sensitivity", "jitter", "truncation", "depth"):
            low, high, _ = value_range(name)  # the settings' declared range
            _check_range(name, getattr(self, name), low, high)
        if self.depth == 0:
            raise SettingsError("GAN depth=0 gives empty class vectors: use a value in (0, 1].")
        if not _is_int(self.num_classes) or not 1 <= self.num_classes <= MAX_CLASSES:
            raise SettingsError(f"GAN num_classes={self.num_classes!r} must be an integer "
                                f"from 1 to {MAX_CLASSES}.")
        if not _is_int(self.smooth_factor) or self.smooth_factor < 1:
            raise SettingsError(f"GAN smooth_factor={self.smooth_factor!r} must be an integer "
                                "of at least 1 (1 = no smoothing).")
        if self.classes is not None:
            classes = parse_classes(self.classes)
            if len(classes) not in (self.num_classes, MAX_CLASSES):
                raise SettingsError(
                    f"{len(classes)} GAN classes were given for num_classes={self.num_classes}: "
                    f"give {self.num_classes} or {MAX_CLASSES} classes, or change num_classes."
                )
            object.__setattr__(self, "classes", classes)


def _is_int(value: object) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _check_range(name: str, value: object, low: float, high: float) -> None:
    ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    if not ok or not low <= float(value) <= high:
        raise SettingsError(f"GAN {name}={value!r} is out of range: use a number from "
                            f"{low:g} to {high:g}.")


@dataclass(frozen=True, eq=False)
class GanVectors:
    """BigGAN's inputs for every frame (read-only arrays).

    ``classes``: ``(k,)`` int64 ImageNet indices. ``weights``: ``(n_frames, k)`` float32, the
    class vector's value at ``classes`` (every other entry is 0). ``noise``: ``(n_frames, 128)``
    float32 noise vectors.
    """

    classes: np.ndarray
    weights: np.ndarray
    noise: np.ndarray

    def __post_init__(self) -> None:
        classes = np.array(self.classes, dtype=np.int64).reshape(-1)
        weights = np.array(self.weights, dtype=np.float32)
        noise = np.array(self.noise, dtype=np.float32)
        k = classes.shape[0]
        if weights.ndim != 2 or weights.shape[1] != k:
            raise ValueError(f"weights must be (n_frames, {k}), not {weights.shape}")
        if noise.shape != (weights.shape[0], NOISE_DIM):
            raise ValueError(f"noise must be ({weights.shape[0]}, {NOISE_DIM}), not {noise.shape}")
        if k and (classes.min() < 0 or classes.max() >= NUM_IMAGENET_CLASSES):
            raise ValueError(f"classes must be 0..{NUM_IMAGENET_CLASSES - 1}, not {classes}")
        for name, array in (("classes", classes), ("weights", weights), ("noise", noise)):
            array.setflags(write=False)
            object.__setattr__(self, name, array)

    @property
    def n_frames(self) -> int:
        return int(self.weights.shape[0])

    def __len__(self) -> int:
        return self.n_frames

    def class_vector(self, index: int) -> np.ndarray:
        """The dense float32 ``(1000,)`` class vector of frame ``index``."""
        return self.class_vectors([index])[0]

    def class_vectors(self, indices: Sequence[int] | slice) -> np.ndarray:
        """Dense float32 ``(B, 1000)`` class vectors of frames ``indices`` (a list or a slice)."""
        rows = self.weights[indices]
        dense = np.zeros((rows.shape[0], NUM_IMAGENET_CLASSES), np.float32)
        dense[:, self.classes] = rows
        return dense

    def save(self, path: str | os.PathLike) -> Path:
        """Write an ``.npz`` file atomically (a temporary file, then a rename); returns the path."""
        buffer = io.BytesIO()
        np.savez(buffer, version=np.int64(_FILE_VERSION), classes=self.classes,
                 weights=self.weights, noise=self.noise)
        out = Path(path)
        atomic_write_bytes(out, buffer.getvalue())
        return out

    @classmethod
    def load(cls, path: str | os.PathLike) -> GanVectors:
        """Read a file written by :meth:`save` (:class:`SettingsError` if missing or not one)."""
        source = Path(path)
        if not source.is_file():
            raise SettingsError(f"GAN vectors file {str(source)!r} does not exist: give the "
                                "gan_vectors.npz of an earlier run.")
        try:
            with np.load(source, allow_pickle=False) as data:
                if int(data["version"]) != _FILE_VERSION:
                    raise ValueError(f"version {int(data['version'])}")
                return cls(classes=data["classes"], weights=data["weights"], noise=data["noise"])
        except Exception as e:
            raise SettingsError(f"{str(source)!r} is not a readable GAN vectors file ({e}): "
                                "give the gan_vectors.npz of an earlier run, or render without "
                                "it.") from e


def class_names(classes: Iterable[int]) -> list[str]:
    """The ImageNet names of class indices, e.g. ``[207] -> ["Golden Retriever"]``."""
    names = []
    for c in classes:
        if not _is_int(c) or not 0 <= c < NUM_IMAGENET_CLASSES:
            raise SettingsError(f"GAN class {c!r} is not an ImageNet class index (0..999).")
        names.append(IMAGENET_CLASSES[int(c)])
    return names


def parse_classes(value: str | Iterable[int | str] | None) -> tuple[int, ...]:
    """ImageNet class indices from ``"1, 5, 207"`` (commas and/or spaces), a list, or names.

    An item may be an index 0..999 or an exact class name (``"goldfish"``, case-insensitive,
    only in a list or separated by commas). At most 12 different classes. ``None`` or ``""``
    gives ``()``. Raises :class:`SettingsError` for anything else.
    """
    if value is None:
        return ()
    lookup = {name.lower(): i for i, name in enumerate(IMAGENET_CLASSES)}
    if isinstance(value, str):
        whole = value.strip().lower() in lookup
        sep = "," if "," in value or whole else None
        items: list[int | str] = [t.strip() for t in value.split(sep) if t.strip()]
    else:
        items = list(value)
    classes: list[int] = []
    for item in items:
        if _is_int(item) or (isinstance(item, str) and re.fullmatch(r"[+-]?\d+", item.strip())):
            index = int(item)
        elif isinstance(item, str) and item.strip().lower() in lookup:
            index = lookup[item.strip().lower()]
        else:
            raise SettingsError(f"GAN class {item!r} is neither an ImageNet class index (0..999) "
                                "nor an ImageNet class name: give indices like '1, 5, 207'.")
        if not 0 <= index < NUM_IMAGENET_CLASSES:
            raise SettingsError(f"GAN class {index} is out of range: ImageNet classes are "
                                f"0..{NUM_IMAGENET_CLASSES - 1}.")
        if index in classes:
            raise SettingsError(f"GAN class {index} is given twice: give each class once.")
        classes.append(index)
    if len(classes) > MAX_CLASSES:
        raise SettingsError(f"{len(classes)} GAN classes were given: give at most "
                            f"{MAX_CLASSES} (one per pitch).")
    return tuple(classes)


def gan_vectors(chroma: np.ndarray, volume: np.ndarray, onset: np.ndarray, *,
                options: GanOptions, seed: int, fps: float) -> GanVectors:
    """BigGAN's class weights and noise for every frame, from per-frame features.

    Parameters
    ----------
    chroma : np.ndarray [shape=(12, n_frames)]  pitch-class power, 0..1
    volume : np.ndarray [shape=(n_frames,)]     loudness, 0..1 (DMV's normalised mean power)
    onset : np.ndarray [shape=(n_frames,)]      onset strength, 0..1 (DMV's power gradient)
    options : GanOptions
    seed : int                                  the classes (when not given), noise and jitter
    fps : float                                 video frames per second

    Returns
    -------
    GanVectors with exactly ``n_frames`` rows; the same for the same inputs and seed.
    """
    # 1. Check inputs
    chroma = np.asarray(chroma, dtype=np.float64)
    volume = np.asarray(volume, dtype=np.float64).reshape(-1)
    onset = np.asarray(onset, dtype=np.float64).reshape(-1)
    n = volume.shape[0]
    if chroma.shape != (12, n) or onset.shape != (n,):
        raise ValueError(f"chroma must be (12, n) and volume, onset (n,): got {chroma.shape}, "
                         f"{volume.shape}, {onset.shape}")
    if not fps > 0:
        raise ValueError(f"fps={fps} must be positive")
    # 2. DMV's options at this frame length
    scale = DMV_FRAME_LENGTH * fps / _SAMPLE_RATE  # 512 / frame_length
    pitch = (300.0 - options.pitch_sensitivity) * scale
    tempo = options.tempo_sensitivity / scale
    smooth = options.smooth_factor
    if smooth > 1:
        smooth = max(1, int(smooth * scale))
    jitter_period = max(1, round(_JITTER_PERIOD * scale))
    # 3. Classes and the pitch each one follows
    class_rng, noise_rng, jitter_rng = np.random.default_rng(seed).spawn(3)
    k = options.num_classes
    chosen = options.classes
    if chosen is None:
        chosen = tuple(int(c) for c in class_rng.permutation(NUM_IMAGENET_CLASSES)[:MAX_CLASSES])
    classes = np.array(chosen[:k], dtype=np.int64)
    by_power = np.argsort(chroma.mean(axis=1), kind="stable")[::-1] if n else np.arange(12)
    follows = np.arange(12) if k == 12 and not options.sort_classes_by_power else by_power[:k]
    # 4. Class weights, smoothed
    weights = _class_weights(chroma[follows], pitch=pitch, depth=options.depth)
    weights = _smooth(weights, smooth)
    # 5. Noise
    drive = tempo * (volume + onset)
    noise = _noise(drive, truncation=options.truncation, tempo=tempo, jitter=options.jitter,
                   period=jitter_period, rng=noise_rng, jitter_rng=jitter_rng)
    return GanVectors(classes=classes, weights=weights, noise=noise)


def _class_weights(chroma: np.ndarray, *, pitch: float, depth: float) -> np.ndarray:
    """DMV's recursive class weights: ``(k, n)`` followed pitches -> ``(n, k)`` weights.

    Plain Python floats: for ``k <= 12`` they are several times faster than numpy calls.
    """
    k, n = chroma.shape
    out: list[list[float]] = []
    last = chroma[:, 0].tolist() if n else [0.0] * k  # DMV's initial vector: raw chroma
    gain, step = 1.0 / (1.0 + 1.0 / pitch), 1.0 / pitch
    many = k > 6
    for column in chroma.T.tolist():
        w = [(a + b * step) * gain for a, b in zip(last, column, strict=True)]
        high = max(w)
        if many:  # min..max of the non-zero weights -> 0..1 (DMV's normalize_cv)
            low = min(filter(None, w), default=0.0)
            if high > low:
                scale = depth / (high - low)
                w = [(x - low) * scale if x else 0.0 for x in w]
            else:  # all non-zero weights are equal (NaN in DMV)
                w = [depth if x else 0.0 for x in w]
        elif high > 0:
            w = [x * (depth / high) for x in w]
        live = list(filter(None, w))
        if live and max(live) - min(live) < 1e-6 and float(np.std(live)) < 1e-7:
            w[0] += 0.01  # DMV: "prevents rare bugs where all classes are the same value"
        out.append(w)
        last = w
    return np.array(out, dtype=np.float64).reshape(n, k)


def _smooth(rows: np.ndarray, size: int) -> np.ndarray:
    """DMV's smoothing, keeping every row: frame ``c * size + j`` goes linearly from the mean of
    bin ``c`` (``j = 0``) to the mean of bin ``c + 1`` (``j = size - 1``); the last bin (maybe
    partial) holds its mean."""
    n = rows.shape[0]
    if size <= 1 or n == 0:
        return rows
    n_bins = -(-n // size)
    sums = np.add.reduceat(rows, np.arange(0, n, size), axis=0)
    counts = np.minimum(size, n - np.arange(0, n, size))[:, None]
    means = sums / counts
    t = np.arange(n)
    c, j = t // size, t % size
    frac = (j / (size - 1))[:, None]
    following = means[np.minimum(c + 1, n_bins - 1)]
    return means[c] * (1 - frac) + following * frac


def _noise(drive: np.ndarray, *, truncation: float, tempo: float, jitter: float, period: int,
           rng: np.random.Generator, jitter_rng: np.random.Generator) -> np.ndarray:
    """DMV's noise walk: ``(n,)`` per-frame speed -> ``(n, 128)`` noise vectors."""
    from scipy.stats import truncnorm

    n = drive.shape[0]
    out = np.empty((n, NOISE_DIM))
    nv = truncnorm.rvs(-2.0, 2.0, size=NOISE_DIM, random_state=rng) * truncation
    direction = np.where(nv < 0, 1.0, -1.0)
    move, push = np.zeros(NOISE_DIM), np.empty(NOISE_DIM)
    turn = 2.0 * truncation - tempo
    for i in range(n):
        if i % period == 0:
            jitters = np.where(jitter_rng.random(NOISE_DIM) < 0.5, 1.0, 1.0 - jitter)
            speed = 0.25 * direction * jitters
        move *= 0.75  # (move + 3 * last_move) / 4
        move += np.multiply(speed, drive[i], out=push)
        nv += move
        out[i] = nv
        if (direction * nv).max() >= turn:
            # a unit at or past a turning point while still heading there (DMV's if/elif)
            direction[nv < -turn] = 1.0
            direction[nv >= turn] = -1.0
            speed = 0.25 * direction * jitters
    return out
