"""Song sections (intro, verse, chorus, breakdown...) with labels for repeated material.

- :func:`find_sections`  :class:`~.spectra.Spectra` + beats -> contiguous labelled sections

Method
------
1. A beat grid (gaps filled at the median beat period; a fixed 1-s grid without beats) and, per
   grid cell, the mean of: chroma (harmonic content), MFCC of the log-mel spectrum (timbre,
   instrumentation), loudness and the percussive share of the energy.
2. Two self-similarity matrices: timbre (Gaussian kernel on the standardised MFCC + loudness +
   percussive share) and harmony (cosine of chroma stacked over one bar, so chord progressions
   and not single chords are compared). Their mean is the song's self-similarity.
3. A novelty curve from Gaussian-tapered checkerboard kernels of one, two and four bars slid
   along the diagonal (Foote 2000), averaged over the three scales; its peaks above an adaptive
   threshold, at least ``min_section`` apart, strongest first, become boundaries, snapped to the
   nearest downbeat (or beat).
4. Labels: the distance of two segments is the maximum mean discrepancy of their frames under the
   same similarity (0 for repeated material, large for different material); average-linkage
   agglomerative clustering with a distance threshold gives equal labels to repeats. Neighbouring
   segments with the same label are merged, and labels are renamed A, B, C... by first
   appearance.
"""

from __future__ import annotations

import numpy as np

from .analysis import Section
from .spectra import Spectra

__all__ = ["find_sections"]

_N_MFCC = 20
_NO_BEAT_STEP = 1.0  # seconds per grid cell without beats
_NO_BEAT_BAR = 2  # grid cells per "bar" without beats
_KERNEL_BARS = (1, 2, 4)
_PEAK_DELTA = 0.5  # peaks must exceed the median novelty by this many MADs-scaled units
_LABEL_THRESHOLD = 0.25  # MMD^2 below which two segments are the same material
_SILENCE_DB = -60.0


def find_sections(spectra: Spectra, *, beats: np.ndarray, downbeats: np.ndarray, duration: float,
                  min_section: float = 6.0) -> list[Section]:
    """Find the sections of a song, with equal labels for repeated material.

    Parameters
    ----------
    spectra : Spectra
        The shared front end of the analysis (chroma, mel power, harmonic/percussive mel).
    beats : np.ndarray [shape=(n,)]
        Beat times in seconds (may be empty: a fixed 1-s grid is used instead).
    downbeats : np.ndarray [shape=(m,)]
        Downbeat times in seconds (may be empty: boundaries then snap to beats).
    duration : float
        Duration of the song in seconds; the sections cover exactly ``[0, duration]``.
    min_section : float
        Shortest section in seconds. Clips shorter than ``2 * min_section`` are one section.

    Returns
    -------
    list[Section]
        Contiguous sections, the first starting at 0.0 and the last ending at ``duration``,
        labelled "A", "B", "C"... in order of first appearance; repeated material shares a label.
    """
    duration = float(duration)
    if not np.isfinite(duration) or duration <= 0.0:
        return [Section(0.0, max(duration, 0.0) if np.isfinite(duration) else 0.0, "A")]
    one = [Section(0.0, duration, "A")]
    if duration < 2.0 * min_section or spectra.n_frames < 4:
        return one

    beats = _clean_times(beats, duration)
    downbeats = _clean_times(downbeats, duration)
    grid, beats_per_bar = _grid(beats, downbeats, duration)
    if len(grid) < 8:
        return one
    features = _grid_features(spectra, grid)
    if features is None:  # silence
        return one
    timbre, chroma_stack = features
    sim = 0.5 * (_gaussian_similarity(timbre) + _gaussian_similarity(chroma_stack))

    novelty = _novelty(sim, beats_per_bar)
    cell = np.diff(grid)
    centres = grid[:-1]
    bounds = _pick_boundaries(novelty, centres, duration, min_section,
                              float(np.median(cell)))
    snap_to = downbeats if len(downbeats) >= 2 else beats
    bounds = _snap(bounds, snap_to, duration, min_section, grid)

    # segments as grid-cell index ranges
    idx = np.searchsorted(grid, bounds)
    edges = np.concatenate([[0], idx, [len(grid) - 1]]).astype(int)
    labels = _label_segments(sim, edges)
    times = np.concatenate([[0.0], grid[idx], [duration]])
    return _merge(times, labels)


def _clean_times(times: np.ndarray, duration: float) -> np.ndarray:
    """Finite, sorted, unique times inside ``(0, duration)``."""
    t = np.asarray(times, dtype=np.float64).ravel()
    t = np.unique(t[np.isfinite(t)])
    return t[(t > 0.0) & (t < duration)]


def _grid(beats: np.ndarray, downbeats: np.ndarray, duration: float) -> tuple[np.ndarray, int]:
    """Cell edges (seconds, from 0 to ``duration``) and the number of cells per bar."""
    if len(beats) >= 8:
        period = float(np.median(np.diff(beats)))
        beats = beats[np.concatenate([[True], np.diff(beats) > 0.25 * period])]
        edges = [0.0]
        points = np.concatenate([beats, [duration]])
        for t in points:
            gap = t - edges[-1]
            if gap > 1.5 * period:  # no beats here: fill at the median period
                n = int(round(gap / period))
                edges.extend(edges[-1] + gap * np.arange(1, n) / n)
            if t - edges[-1] > 0.25 * period or t == duration:
                edges.append(float(t))
        grid = np.asarray(edges)
        if grid[-1] - grid[-2] < 0.25 * period and len(grid) > 2:
            grid = np.delete(grid, -2)
        beats_per_bar = 4
        if len(downbeats) >= 2:
            counts = np.diff(np.searchsorted(beats, downbeats))
            counts = counts[counts > 0]
            if len(counts):
                beats_per_bar = int(np.clip(np.median(counts), 2, 8))
        return grid, beats_per_bar
    n = max(1, int(round(duration / _NO_BEAT_STEP)))
    return np.linspace(0.0, duration, n + 1), _NO_BEAT_BAR


def _grid_features(spectra: Spectra, grid: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Per-cell timbre features (cells x d) and bar-stacked chroma, or None for silence."""
    import scipy.fft

    frames = np.round(grid * spectra.frame_rate).astype(int)
    frames = np.clip(frames, 0, spectra.n_frames)
    frames[-1] = spectra.n_frames
    frames = np.maximum.accumulate(frames)
    starts = frames[:-1]
    counts = np.maximum(np.diff(frames), 0)
    # empty cells (shorter than a frame) take the frame at their start
    take = np.minimum(starts, spectra.n_frames - 1)

    def cell_mean(x: np.ndarray) -> np.ndarray:
        csum = np.concatenate([np.zeros((x.shape[0], 1), x.dtype), np.cumsum(x, axis=1)], axis=1)
        sums = csum[:, frames[1:]] - csum[:, frames[:-1]]
        out = sums / np.maximum(counts, 1)
        empty = counts == 0
        if np.any(empty):
            out[:, empty] = x[:, take[empty]]
        return out

    mel = spectra.mel.astype(np.float64)
    total = mel.sum(axis=0, keepdims=True)
    peak = float(total.max()) if total.size else 0.0
    if peak <= 1e-10:
        return None
    mel_cells = cell_mean(mel)
    energy = mel_cells.sum(axis=0)
    loud_db = 10.0 * np.log10(np.maximum(energy, 1e-10) / max(float(energy.max()), 1e-10))
    if np.all(loud_db < _SILENCE_DB) or float(energy.max()) <= 1e-8:
        return None
    loud_db = np.maximum(loud_db, -80.0)
    log_mel = 10.0 * np.log10(np.maximum(mel_cells, 1e-10 * float(mel_cells.max())))
    mfcc = scipy.fft.dct(log_mel, axis=0, type=2, norm="ortho")[1:_N_MFCC + 1]
    perc = cell_mean(spectra.mel_percussive.astype(np.float64)).sum(axis=0)
    perc_share = perc / np.maximum(energy, 1e-12)
    timbre = np.vstack([mfcc, loud_db[None] / 3.0, 10.0 * perc_share[None]]).T
    # silent cells carry no timbre: flatten them towards each other
    chroma = cell_mean(spectra.chroma.astype(np.float64))
    norm = np.linalg.norm(chroma, axis=0, keepdims=True)
    chroma = np.where(norm > 1e-8, chroma / np.maximum(norm, 1e-12), 0.0)
    return timbre, chroma.T


def _gaussian_similarity(x: np.ndarray) -> np.ndarray:
    """exp(-d^2 / median(d^2)) of the standardised rows of ``x``."""
    z = x - x.mean(axis=0)
    scale = z.std(axis=0)
    z = z / np.where(scale > 1e-9, scale, 1.0)
    sq = np.sum(z**2, axis=1)
    d2 = np.maximum(sq[:, None] + sq[None, :] - 2.0 * z @ z.T, 0.0)
    off = d2[np.triu_indices(len(d2), 1)]
    bandwidth = float(np.median(off)) if off.size else 1.0
    return np.exp(-d2 / max(bandwidth, 1e-9))


def _cosine_similarity(x: np.ndarray) -> np.ndarray:
    """Cosine similarity of the rows of ``x`` mapped to [0, 1] (0 for silent rows)."""
    norm = np.linalg.norm(x, axis=1)
    z = x / np.where(norm > 1e-9, norm, 1.0)[:, None]
    return np.clip(z @ z.T, 0.0, 1.0)


def _novelty(sim: np.ndarray, beats_per_bar: int) -> np.ndarray:
    """Foote novelty at each cell edge, averaged over checkerboard kernels of 1, 2, 4 bars."""
    n = len(sim)
    total = np.zeros(n)
    for bars in _KERNEL_BARS:
        half = max(2, bars * beats_per_bar)
        half = min(half, max(2, n // 4))
        x = np.arange(-half, half) + 0.5
        taper = np.exp(-0.5 * (x / (0.5 * half)) ** 2)
        kernel = np.outer(taper, taper) * np.sign(np.outer(x, x))
        padded = np.pad(sim, half, mode="edge")
        nov = np.empty(n)
        for i in range(n):  # novelty at the edge before cell i
            block = padded[i:i + 2 * half, i:i + 2 * half]
            nov[i] = np.sum(block * kernel)
        nov = np.maximum(nov, 0.0)
        if nov.max() > 0:
            total += nov / nov.max()
    return total / len(_KERNEL_BARS)


def _pick_boundaries(novelty: np.ndarray, times: np.ndarray, duration: float,
                     min_section: float, cell: float) -> np.ndarray:
    """Peaks of the novelty (at cell starts ``times``) at least ``min_section`` apart."""
    n = len(novelty)
    radius = max(1, int(round(0.5 * min_section / max(cell, 1e-3))))
    padded = np.pad(novelty, radius, mode="constant", constant_values=-np.inf)
    windows = np.lib.stride_tricks.sliding_window_view(padded, 2 * radius + 1)
    is_peak = novelty >= windows.max(axis=1)
    median = float(np.median(novelty))
    mad = float(np.median(np.abs(novelty - median))) + 1e-9
    threshold = median + _PEAK_DELTA * 1.4826 * mad
    candidates = np.flatnonzero(is_peak & (novelty > threshold))
    candidates = candidates[np.argsort(-novelty[candidates], kind="stable")]
    chosen: list[float] = []
    for i in candidates:
        t = float(times[i])
        if t < min_section or duration - t < min_section:
            continue
        if all(abs(t - c) >= min_section for c in chosen):
            chosen.append(t)
    del n
    return np.sort(np.asarray(chosen, dtype=np.float64))


def _snap(bounds: np.ndarray, targets: np.ndarray, duration: float, min_section: float,
          grid: np.ndarray) -> np.ndarray:
    """Move boundaries to the nearest target (within half a section) and onto the grid."""
    out: list[float] = []
    for t in bounds:
        s = t
        if len(targets):
            j = int(np.argmin(np.abs(targets - t)))
            if abs(targets[j] - t) <= 0.5 * min_section:
                s = float(targets[j])
        s = float(grid[int(np.argmin(np.abs(grid - s)))])  # cells are the unit of a segment
        if s < min_section * 0.5 or duration - s < min_section * 0.5:
            continue
        if out and s - out[-1] < 0.5 * min_section:
            continue
        out.append(s)
    return np.asarray(out, dtype=np.float64)


def _label_segments(sim: np.ndarray, edges: np.ndarray) -> list[int]:
    """Cluster segments (cell ranges ``edges[k]:edges[k+1]``) by maximum mean discrepancy."""
    k = len(edges) - 1
    if k == 1:
        return [0]
    means = np.empty((k, k))
    for a in range(k):
        for b in range(a, k):
            block = sim[edges[a]:edges[a + 1], edges[b]:edges[b + 1]]
            means[a, b] = means[b, a] = float(block.mean()) if block.size else 0.0
    diag = np.diag(means)
    mmd = np.maximum(diag[:, None] + diag[None, :] - 2.0 * means, 0.0)
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    tree = linkage(squareform(mmd, checks=False), method="average")
    return [int(c) for c in fcluster(tree, t=_LABEL_THRESHOLD, criterion="distance")]


def _merge(times: np.ndarray, labels: list[int]) -> list[Section]:
    """Merge neighbours with equal labels; rename labels A, B, C... by first appearance."""
    starts, ends, labs = [float(times[0])], [], [labels[0]]
    for i in range(1, len(labels)):
        if labels[i] == labs[-1]:
            continue
        ends.append(float(times[i]))
        starts.append(float(times[i]))
        labs.append(labels[i])
    ends.append(float(times[-1]))
    names: dict[int, str] = {}
    sections = []
    for s, e, lab in zip(starts, ends, labs, strict=True):
        if lab not in names:
            names[lab] = _label_name(len(names))
        sections.append(Section(s, e, names[lab]))
    return sections


def _label_name(i: int) -> str:
    """A, B, ..., Z, AA, AB, ..."""
    name = ""
    i += 1
    while i > 0:
        i, r = divmod(i - 1, 26)
        name = chr(ord("A") + r) + name
    return name
