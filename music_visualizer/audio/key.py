"""The key of a song from its chroma.

- :func:`estimate_key`  chroma -> ``"A minor"``, ``"F# major"`` or ``""``

Krumhansl-Schmuckler: the chroma is correlated with the 24 rotations of a major and a minor
key profile and the best one wins. The profiles are Shaath's (KeyFinder), Krumhansl-Kessler's
probe-tone ratings with the minor seventh raised for popular music. The chroma compared is the
song's mean chroma plus, at half weight each, the mean chroma of its first and last tenth: songs
mostly start and end on the tonic, which settles relative major/minor pairs (A minor vs C major
over "Am F C G"). No harmonic content (silence, flat chroma such as noise's) gives ``""``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["NOTE_NAMES", "estimate_key"]

NOTE_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")

_MAJOR = (6.6, 2.0, 3.5, 2.3, 4.6, 4.0, 2.5, 5.2, 2.4, 3.7, 2.3, 3.4)
_MINOR = (6.5, 2.7, 3.5, 5.4, 2.6, 3.5, 2.5, 5.2, 4.0, 2.7, 4.3, 3.2)
_EDGE_WEIGHT = 0.5
_EDGE_SHARE = 0.1

_MIN_CONTRAST = 0.12  # coefficient of variation of the mean chroma below which it is "flat"
_MIN_CORRELATION = 0.3


def _z(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    return (x - x.mean()) / max(float(x.std()), 1e-12)


def estimate_key(chroma: np.ndarray) -> str:
    """Estimate the key of a song.

    Parameters
    ----------
    chroma : np.ndarray [shape=(12, t)]
        Chroma frames (pitch classes C..B), any non-negative scale (e.g.
        :attr:`~.spectra.Spectra.chroma`). A single 12-vector is also accepted.

    Returns
    -------
    str
        ``"<tonic> major"`` or ``"<tonic> minor"`` with sharps (``"F# major"``), or ``""`` when
        there is no harmonic content to speak of.

    Raises
    ------
    ValueError
        If ``chroma`` does not have 12 rows.
    """
    chroma = np.asarray(chroma, dtype=np.float64)
    if chroma.ndim == 1:
        chroma = chroma[:, None]
    if chroma.ndim != 2 or chroma.shape[0] != 12:
        raise ValueError(f"chroma must have shape (12, t), got {chroma.shape}")
    chroma = np.where(np.isfinite(chroma), np.maximum(chroma, 0.0), 0.0)
    active = chroma.max(axis=0) > 1e-8
    if not active.any():
        return ""
    frames = chroma[:, active]
    mean = frames.mean(axis=1)
    if mean.std() / max(mean.mean(), 1e-12) < _MIN_CONTRAST:
        return ""
    edge = max(1, round(_EDGE_SHARE * frames.shape[1]))
    x = _z(mean) + _EDGE_WEIGHT * (_z(frames[:, :edge].mean(axis=1))
                                   + _z(frames[:, -edge:].mean(axis=1)))
    x = _z(x)
    best, name = -np.inf, ""
    for mode, profile in (("major", _z(_MAJOR)), ("minor", _z(_MINOR))):
        for tonic in range(12):
            r = float(np.dot(x, np.roll(profile, tonic))) / 12.0
            if r > best:
                best, name = r, f"{NOTE_NAMES[tonic]} {mode}"
    return name if best >= _MIN_CORRELATION else ""
