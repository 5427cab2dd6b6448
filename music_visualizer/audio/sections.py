"""Song sections (intro, verse, chorus, breakdown...) with labels for repeated material.

- :func:`find_sections`  :class:`~.spectra.Spectra` + beats -> contiguous labelled sections

Method
------
1. **Grid.** One cell per beat (gaps in the beats filled at the median beat period), or a fixed
   1-s grid without beats. Per cell, the mean of: MFCC of the log-mel spectrum (timbre,
   instrumentation), loudness and the percussive share of the energy, and chroma.
2. **Channels.** Timbre and loudness are smoothed over one bar (so the kick/snare alternation
   inside a bar is not mistaken for change); chroma is described per cell by the bar before and
   the bar after it, so chord progressions, not single chords, are compared; and averaged over
   four bars (a chord cycle), so sections in other chords or another key stand out even when
   the chords inside each section change every bar.
3. **Boundaries.** At every cell edge and per channel, a two-sample statistic between the two and
   the four bars before and after the edge: the squared difference of the means over the
   variances (a t statistic, with a variance floor; for the four-bar harmony, over the song's
   variance), averaged over dimensions and log-compressed.
   Its weighted mean over channels, at the window size where it is least (a change must hold
   on both scales; and on a whole chord cycle when the song's chords cycle over 8, 12 or 16
   bars, so an 8-bar progression or a 12-bar blues is not cut at its halves or thirds), is
   the novelty curve; its peaks (above an
   adaptive threshold, or prominent over their surroundings), strongest first, snapped to the
   nearest downbeat (or beat), at least ``min_section`` apart and from the ends, become
   boundaries (an intro may be a bar or two, under ``min_section``, when its boundary is among
   the song's strongest changes; in a slow song, whose bar is half a section's minimum, the
   first bar is measured by the windows that fit before it, so a one-bar intro is seen).
   The statistic is scale-free, so a verse and a chorus that differ only by 2 dB and a pad
   are told apart as well as a drop.
   To it is added the novelty of the **repetition structure** (Serra et al. 2012, "structure
   features"): per cell, which lags lead to its mutual nearest neighbours in timbre and chord
   context (a row of the lag-recurrence matrix, smoothed), and its change across the edge,
   scaled to the local novelty's peak. Inside a section the same lags recur (an 8-bar chord
   loop, the section's other occurrences), so long chord cycles are not cut every four bars
   and a boundary is where the song starts repeating other material.
   **Section cues.** A cymbal crash on a downbeat, standing out (percussive high band) over the
   bars on both sides of it, is how a drummer opens a section: such a marked downbeat gets half
   the top novelty added, may be an intro's end, and its boundary stays between equal labels
   (a verse played twice in a row). A song with ``_MIN_CUES`` marks inside it marks its
   sections: an unmarked boundary must then be at least as strong a change as the median marked
   one (drums dropping out for a breakdown are; a lead entering mid-verse is not).
   **Chord sequences.** Where the progression changes (another order of the same chords, which
   a mean over a window does not see) on a phrase boundary, a boundary is added; a boundary
   found within a bar of such a change is confirmed by it and stays in step 4 even between
   equal labels (a piano piece whose A and B share one texture and one chord set); on a clear
   change it moves onto it (timbre smoothed over a bar puts a reggae's A -> B a bar off).
4. **Labels.** The distance of two segments is the maximum mean discrepancy (MMD) of their cells
   under a Gaussian self-similarity of the same channels; average-linkage clustering with a
   distance threshold gives repeats one label. Neighbouring segments may share a label only when
   near-identical, or each other's nearest and far closer than the song's segments typically
   are (two halves of a section in a song whose sections all sound alike): then the boundary
   between them was spurious and they are merged, unless both span a phrase (``_REPEAT_BARS``
   bars, and more than a long chord cycle): then they are one strain played twice (a fiddle
   tune's A A B B, a verse repeated), two sections with one label; a riff played twice, or an
   8-bar progression coming round under every section, is still one section. Labels are
   renamed A, B, C... by first appearance.
5. **Phrase grid.** Sections mostly start every four bars from the song's start (or from an
   intro's end): a boundary that stays but is off that grid moves onto it (within two bars)
   when the novelty there is nearly as high, as on a broad peak, where a slow song's harmony
   changing a bar after its drums put the boundary a bar (4 s at 60 BPM) late.

Everything is a few matrix products on a few hundred cells: about 0.05-0.2 s for a 3-minute
song on a shared 2-core CPU (an hour-long mix: under 2 s; labels subsample long inputs).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .spectra import HIGH_MIN_HZ, Spectra
from .types import Section

__all__ = ["find_sections"]

_N_MFCC = 20
_NO_BEAT_STEP = 1.0  # seconds per grid cell without beats
_BAR_SECONDS = (1.5, 5.0)  # a "bar" is clamped to this range (half/double-time beat tracking)
_WINDOW_BARS = (2, 4)  # novelty windows, in bars on each side of a boundary
_W_MFCC, _W_LOUD, _W_CHROMA = 1.0, 1.0, 0.5  # channel weights
# harmony over a whole chord cycle: chroma averaged over this many bars, compared across an
# edge against the song's variance (not the windows': a cycling progression varies inside them)
# chord cycles (bars) tried, shortest first; bars "match" at a lag when the cosine of their
# centred chord context is above _CYCLE_MATCH
_CYCLES, _CYCLE_MATCH = (4, 8, 12, 16), 0.8
_W_KEY, _KEY_BARS, _KEY_VAR, _KEY_FLOOR = 0.75, 4, 0.05, 0.1  # weight: 0.6-1.3 score alike (dev)
_VAR_FLOOR = 0.05  # t statistic: variance floor, as a share of the song's variance
_PEAK_DELTA = 0.5  # peaks must exceed the median novelty by this many (robust) deviations
_PROMINENCE = 0.4  # ... or rise this share of their height above the novelty around them
_MIN_NOVELTY = 0.3  # ... and this (stationary noise and a steady loop stay below)
_LABEL_THRESHOLD = 0.15  # MMD below which two groups of segments are the same material
# ... and below which two neighbouring segments are (0.06-0.08 score alike on the dev set;
# 0.05 kept a section's halves apart when its second half only thickens)
_ADJACENT_THRESHOLD = 0.07
# ... or below this share of the median distance between the song's segments (a song whose
# sections all sound alike: two halves of a section are still far closer than two sections)
_ADJACENT_SHARE = 0.5
# two neighbours alike that each span this many bars are one strain played twice, two sections
# (an 8-bar strain, its boundaries a bar off at either end); shorter, a riff played twice; and
# this many of a long chord cycle (8 to 16 bars): one is the progression coming round
_REPEAT_BARS, _REPEAT_CYCLES = 6.0, 1.5
# repetition structure (Serra et al. 2012): the cells' nearest neighbours (this share of the
# cells) over the song, by lag; smoothed over one bar in time, half a bar in lag; the change of
# these "structure features" across an edge, over two bars on each side
_W_STRUCTURE, _NEIGHBOURS, _STRUCTURE_BARS = 1.0, 0.05, 2
_SEQUENCE_MIN, _SEQUENCE_BARS = 0.5, 4  # chord-sequence change (cosine distance) that cuts
_SEQUENCE_SNAP = 0.3  # bars off the phrase grid that a sequence change may be
# ... and a boundary already found within this many bars of one is confirmed by it: it stays
# between equally labelled segments (the same chord set in another order: labels, which
# compare the segments' chords as a set, cannot tell the two apart)
_CONFIRM_BARS = 1.0
# ... and moved onto it when it is a clear change (twice the least that cuts)
_SEQUENCE_PLACE = 2.0 * _SEQUENCE_MIN
_MIN_STRUCTURE_CHANGE = 0.01  # change of structure features (per neighbour) that counts as none
_MAX_STRUCTURE_CELLS = 1500  # longer inputs (DJ mixes): no structure novelty (n^2 memory)
# a cymbal crash on a downbeat marks a section's start (see _marked_downbeats): the excess in
# dB of its high band over the neighbouring bars' (within _CUE_BARS), in robust deviations
# (at least _CUE_SPREAD dB) of the song's, and at least _CUE_DB; it adds _W_CUE of the top novelty
_CUE_BARS, _CUE_Z, _CUE_DB, _CUE_SPREAD, _W_CUE = 4, 3.0, 2.0, 0.5, 0.5
# a song with this many marked downbeats inside it marks its sections: a boundary without a
# mark needs at least the median novelty of the marked ones (a breakdown, drums dropping out)
_MIN_CUES = 3
# ... and marks closer than this many bars are a cymbal pattern (a ride section), not openings
_CUE_ALONE_BARS = 3.0
_SILENCE_PEAK = 1e-4  # |y| below this everywhere (-80 dBFS) is silence
_PHRASE_BARS, _PHRASE_START, _PHRASE_TOLERANCE = 4, 2.0, 0.75
_MIN_BARS = 2  # boundaries are at least this many bars apart (and ``min_section``)
_MAX_LABEL_CELLS = 2000  # the similarity matrix for labels is at most this square
# an intro may be shorter than ``min_section``: a bar, at least this share of it (not an
# outro: the ring-out of the last chord reads as a change; two bars at 160 BPM are 3 s)
_EDGE_BARS, _EDGE_SHARE = 1, 0.4
# a bar this share of ``min_section`` long or longer is a slow song's: one bar may be an intro
_SLOW_BAR = 0.5
_EDGE_STRENGTH = 0.8  # ... when its boundary is among the song's strongest changes (this share
# of the strongest): the first bars have little context, and a fade-in or the first crash
# reads as a change


def find_sections(spectra: Spectra, *, beats: np.ndarray, downbeats: np.ndarray, duration: float,
                  min_section: float = 6.0) -> list[Section]:
    """Find the sections of a song, with equal labels for repeated material.

    Parameters
    ----------
    spectra : Spectra
        The shared front end of the analysis (mel power, its percussive part, chroma).
    beats : np.ndarray [shape=(n,)]
        Beat times in seconds. May be empty (or too sparse): a fixed 1-s grid is used instead.
    downbeats : np.ndarray [shape=(m,)]
        Downbeat times in seconds; boundaries snap to them. May be empty: boundaries then snap
        to beats.
    duration : float
        Duration of the song in seconds; the sections cover exactly ``[0, duration]``.
    min_section : float
        Shortest section in seconds (the first may be shorter: an intro of a bar or two, at
        least 0.4 of it, when its boundary is among the song's strongest changes). Clips shorter
        than ``2 * min_section`` are one section.

    Returns
    -------
    list[Section]
        Contiguous sections, the first starting at 0.0 and the last ending at ``duration``,
        labelled "A", "B", "C"... in order of first appearance; repeated material shares a
        label. Silence and very short clips give one section "A".
    """
    duration = float(duration)
    if not np.isfinite(duration) or duration <= 0.0:
        return [Section(0.0, duration if duration > 0.0 else 0.0, "A")]
    one = [Section(0.0, duration, "A")]
    min_section = max(float(min_section), 0.0)
    if duration < 2.0 * min_section or spectra.n_frames < 8:
        return one
    if spectra.peak < _SILENCE_PEAK:
        return one

    beats = _clean_times(beats, duration)
    downbeats = _clean_times(downbeats, duration)
    grid, cells_per_bar = _grid(beats, downbeats, duration)
    n_cells = len(grid) - 1
    if n_cells < 4 * cells_per_bar:
        return one
    channels = _channels(spectra, grid, cells_per_bar)
    cycle = _chord_cycle(channels, cells_per_bar)
    bar = cells_per_bar * float(np.median(np.diff(grid)))
    novelty = _novelty(channels, cells_per_bar, cycle, slow=bar >= _SLOW_BAR * min_section)
    novelty = novelty + _W_STRUCTURE * float(novelty.max()) * _structure_novelty(channels,
                                                                                cells_per_bar)
    marked = _marked_downbeats(spectra, grid, downbeats)
    targets = downbeats if len(downbeats) >= 2 else beats
    cuts = _pick_boundaries(novelty, grid, targets, min_section, cells_per_bar, marked=marked)
    novelty[marked] += _W_CUE * float(novelty.max())
    if len(downbeats) >= 2:  # chord sequences that change where nothing else does
        extra, moves = _sequence_boundaries(channels, grid, targets, downbeats, cuts,
                                            min_section, cells_per_bar, fixed=marked)
        cuts = sorted({*(moves.get(c, c) for c in cuts), *extra})
        confirmed = list(moves.values())  # kept between equal labels; those the harmony
        # placed stay where it placed them (marked: not moved onto the phrase grid)
        marked = np.union1d(marked, [*extra, *(v for k, v in moves.items() if v != k)])
        marked = marked.astype(int)
    else:
        confirmed = []
    if not cuts:
        return one
    edges = np.asarray([0, *cuts, n_cells])
    labels = _label_segments(channels, edges)
    cued = set(marked.tolist())
    if len(downbeats) >= 2:  # the boundaries that stay (between different labels, cued, or
        # between two plays of a repeated strain)
        long_cycle = cycle * cells_per_bar * float(np.median(np.diff(grid))) if (
            cycle > _CYCLES[0]) else 0.0  # the shortest is also the default: no cycle found
        cued |= _repeat_boundaries(cuts, labels, grid, float(np.median(np.diff(downbeats))),
                                   long_cycle)
        keep = [k for k in range(1, len(labels)) if labels[k] != labels[k - 1]
                or cuts[k - 1] in cued or cuts[k - 1] in confirmed]
        kept = [cuts[k - 1] for k in keep]
        cuts = _phrase_align(kept, novelty, grid, downbeats, min_section, evidence=cuts,
                             fixed=cued)
        if len(cuts) == len(kept):  # a harmony-confirmed boundary stays where it moved
            cued |= {new for old, new in zip(kept, cuts, strict=True) if old in confirmed}
        labels = [labels[0], *(labels[k] for k in keep)][:len(cuts) + 1]
    times = np.concatenate([[0.0], grid[cuts], [duration]])
    return _merge(times, labels, keep=[k + 1 for k, c in enumerate(cuts) if c in cued])


# ---------------------------------------------------------------------------------------------
# Grid and features
# ---------------------------------------------------------------------------------------------

def _clean_times(times: np.ndarray, duration: float) -> np.ndarray:
    """Finite, sorted, unique times inside ``(0, duration)``."""
    t = np.asarray(times, dtype=np.float64).ravel()
    t = np.unique(t[np.isfinite(t)])
    return t[(t > 0.0) & (t < duration)]


def _grid(beats: np.ndarray, downbeats: np.ndarray, duration: float) -> tuple[np.ndarray, int]:
    """Cell edges in seconds (``0`` to ``duration``) and the number of cells per bar.

    One cell per beat; gaps longer than 1.5 beat periods (no beats tracked there, before the
    first and after the last beat) are filled at the median period. Without beats (fewer than
    8), a fixed 1-s grid.
    """
    if len(beats) < 8:
        n = max(1, round(duration / _NO_BEAT_STEP))
        grid = np.linspace(0.0, duration, n + 1)
        return grid, _cells_per_bar(2, _NO_BEAT_STEP)  # a 2-s "bar"
    period = float(np.median(np.diff(beats)))
    keep = np.concatenate([[True], np.diff(beats) > 0.25 * period])
    beats = beats[keep]
    points = np.concatenate([[0.0], beats, [duration]])
    edges = [0.0]
    for t in points[1:]:
        gap = t - edges[-1]
        if gap > 1.5 * period:
            n = round(gap / period)
            edges.extend((edges[-1] + gap * np.arange(1, n) / n).tolist())
        if t - edges[-1] > 0.25 * period:
            edges.append(float(t))
    edges[-1] = duration  # the last edge is the end (a too-short last cell is absorbed)
    grid = np.asarray(edges)
    meter = 4
    if len(downbeats) >= 2:
        counts = np.diff(np.searchsorted(beats, downbeats))
        counts = counts[counts > 0]
        if len(counts):
            meter = int(np.clip(np.median(counts), 2, 12))
    return grid, _cells_per_bar(meter, period)


def _cells_per_bar(meter: int, cell_seconds: float) -> int:
    """Cells in a bar of ``meter`` cells, the bar clamped to ``_BAR_SECONDS``."""
    bar = float(np.clip(meter * cell_seconds, *_BAR_SECONDS))
    return max(2, round(bar / max(cell_seconds, 1e-3)))


class _Channel(NamedTuple):
    """One feature channel: its weight, the features (cells x dims), per dimension the
    smallest standard deviation taken as real variation (dB for MFCC and loudness), so a
    stationary signal is not blown up to unit variance, and whether a boundary's statistic
    divides by the variance inside its windows (``local``) or by the song's only, and whether
    it describes the material whose repeats make the song's structure (``repeats``)."""

    weight: float
    x: np.ndarray
    std_floor: np.ndarray
    local: bool = True
    repeats: bool = False


def _channels(spectra: Spectra, grid: np.ndarray, cells_per_bar: int) -> list[_Channel]:
    """Per-cell feature channels: timbre (MFCC), loudness and percussive share, chord changes
    and the harmony of whole chord cycles."""
    import scipy.fft

    frames = np.clip(np.round(grid * spectra.frame_rate).astype(int), 0, spectra.n_frames)
    frames[-1] = spectra.n_frames
    frames = np.maximum.accumulate(frames)
    counts = np.maximum(np.diff(frames), 1)
    starts = np.minimum(frames[:-1], spectra.n_frames - 1)

    def cell_mean(x: np.ndarray) -> np.ndarray:  # (d, frames) -> (d, cells)
        # reduceat sums each cell's frames; a cell shorter than a frame gets the frame it
        # starts in (reduceat's rule for non-increasing indices); in blocks of rows, as
        # reduceat makes a float64 copy of its whole input
        return np.concatenate([np.add.reduceat(x[i:i + 16], starts, axis=1, dtype=np.float64)
                               for i in range(0, len(x), 16)]) / counts

    mel = cell_mean(spectra.mel)
    energy = mel.sum(axis=0)
    top = max(float(energy.max()), 1e-20)
    loud_db = 10.0 * np.log10(np.maximum(energy, top * 1e-8) / top)  # 0 .. -80 dB
    log_mel = 10.0 * np.log10(np.maximum(mel, top * 1e-10))
    mfcc = scipy.fft.dct(log_mel, axis=0, type=2, norm="ortho")[1:_N_MFCC + 1].T
    percussive = cell_mean(spectra.mel_percussive).sum(axis=0)
    perc_share = percussive / np.maximum(energy, top * 1e-10)
    chroma = cell_mean(spectra.chroma).T
    norm = np.linalg.norm(chroma, axis=1, keepdims=True)
    chroma = np.where(norm > 1e-9, chroma / np.maximum(norm, 1e-12), 0.0)
    return [
        _Channel(_W_MFCC, _smooth(mfcc, cells_per_bar), np.full(mfcc.shape[1], 2.0),
                 repeats=True),
        _Channel(_W_LOUD, _smooth(np.stack([loud_db, perc_share], axis=1), cells_per_bar),
                 np.array([1.0, 0.005])),
        _Channel(_W_CHROMA, _bar_context(chroma, cells_per_bar), np.full(24, 0.03),
                 repeats=True),
        _Channel(_W_KEY, _smooth(chroma, _KEY_BARS * cells_per_bar), np.full(12, _KEY_FLOOR),
                 local=False),
    ]


def _smooth(x: np.ndarray, width: int) -> np.ndarray:
    """Centred moving mean of the rows of ``x`` over ``width`` rows (shorter at the edges)."""
    n = len(x)
    csum = np.zeros((n + 1, x.shape[1]))
    np.cumsum(x, axis=0, out=csum[1:])
    lo = np.clip(np.arange(n) - width // 2, 0, n)
    hi = np.clip(lo + width, 0, n)
    return (csum[hi] - csum[lo]) / (hi - lo)[:, None]


def _bar_context(x: np.ndarray, cells_per_bar: int) -> np.ndarray:
    """Rows ``[mean of x over the bar before, mean over the bar from]`` each cell, so a row
    describes a chord change, not a single chord. In the first bar, "the bar before" is the
    first bar itself: a part of a bar (the first cells alone) is not a chord the song had, and
    read as one it made the first bars look like a change."""
    n = len(x)
    csum = np.zeros((n + 1, x.shape[1]))
    np.cumsum(x, axis=0, out=csum[1:])
    w = min(cells_per_bar, n)
    i = np.arange(n)
    lo = np.clip(i - w, 0, n - w)
    hi = np.minimum(i + w, n)
    before = (csum[lo + w] - csum[lo]) / w
    after = (csum[hi] - csum[i]) / np.maximum(hi - i, 1)[:, None]
    return np.hstack([before, after])


# ---------------------------------------------------------------------------------------------
# Boundaries
# ---------------------------------------------------------------------------------------------

def _marked_downbeats(spectra: Spectra, grid: np.ndarray, downbeats: np.ndarray) -> np.ndarray:
    """Cell indices of the downbeats a cymbal crash marks as a section's start.

    Per downbeat, the percussive high-band energy (from :data:`~.spectra.HIGH_MIN_HZ`:
    cymbals, not the overtones of chords) over the
    first half of its bar, in dB, over the median of the same at the downbeats within
    ``_CUE_BARS`` bars (the same place in the groove: a ride or open hat on every one is
    not a mark). A downbeat is marked when that excess stands out among the song's downbeats
    (``_CUE_Z`` robust deviations) and is at least ``_CUE_DB``: a crash on the one of a new
    section, even a repeat of the same material, which nothing else tells from its first time.
    Marks within ``_CUE_ALONE_BARS`` bars of another are cymbals played through a passage, not
    a section's opening: none of them counts.
    """
    if len(downbeats) < 2 * _CUE_BARS:
        return np.zeros(0, dtype=int)
    bar = float(np.median(np.diff(downbeats)))
    rate = spectra.frame_rate
    high = spectra.mel_percussive[spectra.mel_frequencies() >= HIGH_MIN_HZ].sum(axis=0,
                                                                             dtype=np.float64)
    csum = np.concatenate([[0.0], np.cumsum(high)])
    lo = np.clip(np.round(downbeats * rate).astype(int), 0, len(high) - 1)
    hi = np.clip(np.round((downbeats + 0.5 * bar) * rate).astype(int), lo + 1, len(high))
    level = 10.0 * np.log10((csum[hi] - csum[lo]) / (hi - lo) + 1e-12)
    n = len(level)
    excess = np.empty(n)
    for j in range(n):
        sides = [level[max(0, j - _CUE_BARS):j], level[j + 1:j + 1 + _CUE_BARS]]
        excess[j] = level[j] - max(float(np.median(side)) for side in sides if len(side))
    spread = 1.4826 * float(np.median(np.abs(excess - np.median(excess))))
    z = (excess - float(np.median(excess))) / max(spread, _CUE_SPREAD)
    marked = downbeats[(z >= _CUE_Z) & (excess >= _CUE_DB)]
    if len(marked) > 1:  # a crash that opens a section has no other a bar or two away
        apart = np.diff(marked) > _CUE_ALONE_BARS * bar
        marked = marked[np.r_[True, apart] & np.r_[apart, True]]
    cells = np.searchsorted(grid, marked)
    cells = np.clip(cells, 1, len(grid) - 2)
    near = np.where(np.abs(grid[cells - 1] - marked) < np.abs(grid[cells] - marked), cells - 1,
                    cells)
    return np.unique(near[near > 0])


def _chord_cycle(channels: list[_Channel], cells_per_bar: int) -> int:
    """Bars in the song's chord cycle: the shortest of ``_CYCLES`` at which the chords of a
    whole cycle of consecutive bars repeat (a 4-bar loop repeats at 4 bars; an 8-bar
    progression or a 12-bar blues only at 8 or 12)."""
    x = next(c.x for c in channels if c.repeats and c.x.shape[1] == 24)[::cells_per_bar]
    x = x - x.mean(axis=0)
    x = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-9)
    for bars in _CYCLES:
        if len(x) <= 2 * bars:
            break
        match = np.sum(x[bars:] * x[:-bars], axis=1) >= _CYCLE_MATCH
        run = best = 0
        for m in match:
            run = run + 1 if m else 0
            best = max(best, run)
        if best >= bars:
            return bars
    return _CYCLES[0]


def _novelty(channels: list[_Channel], cells_per_bar: int, cycle: int = 4, *,
             slow: bool = False) -> np.ndarray:
    """Novelty at each cell edge (index ``i`` = the edge before cell ``i``): per window size,
    the weighted mean over channels of ``log1p`` of the two-sample t statistic; across window
    sizes, the least. A section change holds on every scale; a two-bar phrase (a fill, a call
    and its answer, the dynamics of a phrase) or half a chord cycle stands out on the short
    windows only, and no longer cuts a section. A chord ``cycle`` longer than the windows
    adds a window of one cycle, where it fits whole on both sides of the edge. In a ``slow``
    song (a bar as long as a short intro), the first bars are measured by the windows that
    fit before them: a one-bar intro is then a change like any other."""
    weight = sum(channel.weight for channel in channels)
    scales = []
    for bars in (*_WINDOW_BARS, cycle) if cycle > max(_WINDOW_BARS) else _WINDOW_BARS:
        half = max(2, bars * cells_per_bar)
        total = sum(channel.weight * np.log1p(_t_statistic(channel.x, half, channel.std_floor,
                                                           local=channel.local))
                    for channel in channels)
        i = np.arange(len(total))
        if bars > max(_WINDOW_BARS):
            total[(i < half) | (i > len(total) - half)] = np.inf
        elif scales and slow:  # a longer window without half of itself before the edge (a
            # one-bar intro of a slow song): not measured there, the shorter windows speak
            total[i < max(2, half // 2)] = np.inf
        scales.append(total / weight)
    return np.min(scales, axis=0)


def _structure_novelty(channels: list[_Channel], cells_per_bar: int) -> np.ndarray:
    """Novelty of the repetition structure at each cell edge, from 0 to 1.

    A cell's *structure feature* is the row of the lag-recurrence matrix: for each lag ``l``,
    whether the cell ``l`` cells later (circularly) is among its nearest neighbours (mutually)
    in the standardised ``repeats`` channels, smoothed along time and lag. Inside a section
    the same lags recur (the section's chord cycle, its other occurrences); at a boundary the
    lags change. So an 8-bar progression or a 12-bar blues is one stretch of steady structure,
    not a change every four bars, and a section is found where it starts repeating other
    material even when its sound barely changes. The novelty is the squared difference of the
    mean structure features over ``_STRUCTURE_BARS`` bars before and after the edge.
    """
    from scipy.ndimage import gaussian_filter1d

    parts = [np.sqrt(c.weight / c.x.shape[1])
             * (c.x - c.x.mean(axis=0)) / np.maximum(c.x.std(axis=0), c.std_floor)
             for c in channels if c.repeats]
    n = len(channels[0].x)
    if not parts or n > _MAX_STRUCTURE_CELLS or n < 4 * cells_per_bar:
        return np.zeros(n)
    x = np.hstack(parts)
    sq = np.sum(x**2, axis=1)
    d2 = sq[:, None] + sq[None, :] - 2.0 * (x @ x.T)
    k = min(max(2, int(_NEIGHBOURS * n)), n - 1)
    kth = np.partition(d2, k, axis=1)[:, k]
    recurrent = ((d2 <= kth[:, None]) & (d2 <= kth[None, :])).astype(np.float64)
    rows = np.arange(n)[:, None]
    lag = recurrent[rows, (rows + np.arange(n)[None, :]) % n]  # lag[i, l] = R[i, i + l]
    lag = gaussian_filter1d(lag, float(cells_per_bar), axis=0, mode="nearest")
    lag = gaussian_filter1d(lag, 0.5 * cells_per_bar, axis=1, mode="wrap")
    half = max(2, _STRUCTURE_BARS * cells_per_bar)
    csum = np.zeros((n + 1, n))
    np.cumsum(lag, axis=0, out=csum[1:])
    i = np.arange(1, n)
    lo, hi = np.maximum(i - half, 0), np.minimum(i + half, n)
    before = (csum[i] - csum[lo]) / (i - lo)[:, None]
    after = (csum[hi] - csum[i]) / (hi - i)[:, None]
    out = np.zeros(n)
    out[1:] = np.sum((after - before) ** 2, axis=1) / k
    return out / max(float(out.max()), _MIN_STRUCTURE_CHANGE)


def _sequence_novelty(x: np.ndarray, half: int) -> np.ndarray:
    """Change of the chord *sequence* at each cell edge: the mean cosine distance, position by
    position, of the ``half`` cells of ``x`` (the chroma of the bars before and from each cell)
    before the edge and the ``half`` after it, less the same between the two blocks of
    ``half`` on one side of it (the lesser of the two sides that fit). A progression repeated
    on both sides of the edge but changed across it (the same chords in another order, which
    a mean over the window does not see) stands out; an edge inside a progression longer than
    ``half`` compares unlike blocks on its sides as well, and does not."""
    n = len(x)
    out = np.zeros(n)
    if n < 2 * half or half < 1:
        return out
    z = x - x.mean(axis=0)
    z = z / np.maximum(np.linalg.norm(z, axis=1, keepdims=True), 1e-9)
    lagged = 1.0 - np.sum(z[half:] * z[:-half], axis=1)  # lagged[j]: cell j + half vs cell j
    csum = np.concatenate([[0.0], np.cumsum(lagged)])

    def block(a: np.ndarray) -> np.ndarray:  # mean distance of blocks a .. a+half vs a+half ..
        ok = (a >= 0) & (a + 2 * half <= n)
        safe = np.clip(a, 0, n - 2 * half)
        return np.where(ok, (csum[safe + half] - csum[safe]) / half, np.nan)

    i = np.arange(n)
    cross = block(i - half)
    sides = np.fmin(block(i - 2 * half), block(i))
    return np.maximum(np.nan_to_num(cross - sides, nan=0.0), 0.0)


def _sequence_boundaries(channels: list[_Channel], grid: np.ndarray, targets: np.ndarray,
                         downbeats: np.ndarray, cuts: list[int], min_section: float,
                         cells_per_bar: int, fixed: np.ndarray | None = None,
                         ) -> tuple[list[int], dict[int, int]]:
    """Cell edges where the chord sequence changes (:func:`_sequence_novelty` over
    ``_SEQUENCE_BARS`` bars, peaks of at least ``_SEQUENCE_MIN``) though the timbre, loudness
    and chord set hardly do: a section of the same band and texture over another progression,
    or the same chords in another order. Each is at least ``min_section`` and ``_MIN_BARS``
    bars from the ``cuts`` and the ends, and a whole number of ``_PHRASE_BARS`` phrases (at
    least one, give or take ``_SEQUENCE_SNAP`` bars) from the nearest of them or the first
    downbeat: a harmony-only change is a section only where a phrase starts.

    Returns these new cell edges, and the ``cuts`` within ``_CONFIRM_BARS`` bars of such a
    change: boundaries the harmony confirms, to keep even between equal labels, each mapped to
    where it stays: at the change itself when that is a clear one (``_SEQUENCE_PLACE``: the
    harmony places it to the bar; timbre and loudness, smoothed over a bar, may lag or lead),
    else where it was; the ``fixed`` cuts (a crash on their downbeat) stay where they are."""
    x = next(c.x for c in channels if c.repeats and c.x.shape[1] == 24)  # bar before, from
    sequence = _sequence_novelty(x, _SEQUENCE_BARS * cells_per_bar)
    found = _pick_boundaries(np.where(sequence >= _SEQUENCE_MIN, sequence, 0.0), grid, targets,
                             min_section, cells_per_bar)
    bar = float(np.median(np.diff(downbeats)))
    spacing = max(min_section, _MIN_BARS * bar)
    anchors = np.asarray([float(downbeats[0]), *(float(grid[k]) for k in cuts)])
    out: list[int] = []
    confirmed: dict[int, int] = {}
    held = set() if fixed is None else {int(k) for k in fixed}
    for j in found:
        t = float(grid[j])
        near = float(anchors[int(np.argmin(np.abs(t - anchors)))])
        if cuts and abs(t - near) <= _CONFIRM_BARS * bar:
            k = min(cuts, key=lambda c: abs(t - float(grid[c])))
            if abs(t - float(grid[k])) <= _CONFIRM_BARS * bar:  # found already: confirmed
                placed = float(targets[int(np.argmin(np.abs(targets - t)))])
                i = int(np.argmin(np.abs(grid[:-1] - placed)))
                movable = (sequence[j] >= _SEQUENCE_PLACE and k not in held
                           and min_section <= float(grid[i]) <= float(grid[-1]) - min_section
                           and all(abs(float(grid[i] - grid[c])) >= spacing
                                   for c in cuts if c != k))
                confirmed[k] = i if movable else k
                continue
        phrases = round(abs(t - near) / (_PHRASE_BARS * bar))
        if phrases < 1 or abs(abs(t - near) - phrases * _PHRASE_BARS * bar) > _SEQUENCE_SNAP * bar:
            continue
        placed = near + np.sign(t - near) * phrases * _PHRASE_BARS * bar  # onto the phrase grid
        t = float(targets[int(np.argmin(np.abs(targets - placed)))])
        j = int(np.argmin(np.abs(grid[:-1] - t)))
        t = float(grid[j])
        if (min_section <= t <= float(grid[-1]) - min_section
                and all(abs(t - float(grid[k])) >= spacing for k in [*cuts, *out])):
            out.append(j)
    return out, confirmed


def _t_statistic(x: np.ndarray, half: int, std_floor: np.ndarray, *, local: bool = True,
                 ) -> np.ndarray:
    """Mean over dimensions of ``(mean after - mean before)^2 / (var before + var after)`` with
    ``half`` rows on each side of each edge (shorter at the ends, 0 where under half of it).
    Not ``local``: the squared difference over a share of the song's variance only."""
    n, d = x.shape
    c1 = np.zeros((n + 1, d))
    np.cumsum(x, axis=0, out=c1[1:])
    floor = (_VAR_FLOOR if local else _KEY_VAR) * np.maximum(x.var(axis=0), std_floor**2) + 1e-12
    i = np.arange(1, n)
    a0, b1 = np.maximum(i - half, 0), np.minimum(i + half, n)
    nl, nr = (i - a0)[:, None], (b1 - i)[:, None]
    ml = (c1[i] - c1[a0]) / nl
    mr = (c1[b1] - c1[i]) / nr
    vl = vr = 0.0
    if local:
        c2 = np.zeros((n + 1, d))
        np.cumsum(x**2, axis=0, out=c2[1:])
        vl = np.maximum((c2[i] - c2[a0]) / nl - ml**2, 0.0)
        vr = np.maximum((c2[b1] - c2[i]) / nr - mr**2, 0.0)
    t2 = np.mean((ml - mr) ** 2 / (vl + vr + floor), axis=1)
    too_short = np.minimum(nl[:, 0], nr[:, 0]) < max(2, half // 2)
    out = np.zeros(n)
    out[1:] = np.where(too_short, 0.0, t2)
    return out


def _pick_boundaries(novelty: np.ndarray, grid: np.ndarray, targets: np.ndarray,
                     min_section: float, cells_per_bar: int = 4,
                     marked: np.ndarray | None = None) -> list[int]:
    """Cell-edge indices of the boundaries, sorted.

    Candidates are local maxima of ``novelty`` (within half a section) above an adaptive
    threshold (median + ``_PEAK_DELTA`` robust deviations of the curve) or, above
    ``_MIN_NOVELTY``, prominent (``_PROMINENCE`` of their height above the lowest novelty
    within a section): a song with many changes has a high median, and its quieter boundaries
    were lost. Strongest first, each
    is moved to the grid edge nearest the nearest target (downbeat or beat) within half a
    section, and kept if at least ``min_section`` from the ends and from every kept boundary
    (and ``_MIN_BARS`` bars from it: at 60 BPM, 6 s is a bar and a half);
    an intro's boundary may come earlier (a bar, at least ``_EDGE_SHARE`` of
    ``min_section``) when it is among the song's strongest (``_EDGE_STRENGTH`` of the
    highest novelty). The ``marked`` cells (a crash on their downbeat) have ``_W_CUE`` of the
    highest novelty added, and count as strong for an intro.
    """
    starts = grid[:-1]
    duration = float(grid[-1])
    valid = novelty[novelty > 0]
    if valid.size == 0:
        return []
    median = float(np.median(valid))
    spread = 1.4826 * float(np.median(np.abs(valid - median)))
    threshold = max(median + _PEAK_DELTA * spread, _MIN_NOVELTY)
    cell = float(np.median(np.diff(grid)))
    top = float(novelty.max())
    cued = np.zeros(len(novelty), dtype=bool)
    floor, raw = 0.0, novelty
    if marked is not None and len(marked):
        cued[marked] = True
        at = starts[marked]
        inside = marked[(at >= min_section) & (duration - at >= min_section)]
        if len(inside) >= _MIN_CUES:  # the song marks its sections: others must be as strong
            floor = float(np.median(novelty[inside]))
        raw = novelty
        novelty = novelty + _W_CUE * top * cued
    edge = min(min_section, max(_EDGE_SHARE * min_section,
                                (_EDGE_BARS * cells_per_bar - 0.5) * cell))
    spacing = max(min_section, _MIN_BARS * cells_per_bar * cell)  # slow songs: in bars
    radius = max(1, round(0.5 * spacing / max(cell, 1e-3)))
    padded = np.pad(novelty, radius, mode="constant", constant_values=-np.inf)
    local_max = np.lib.stride_tricks.sliding_window_view(padded, 2 * radius + 1).max(axis=1)
    wide = np.pad(novelty, 2 * radius, mode="edge")
    local_min = np.lib.stride_tricks.sliding_window_view(wide, 4 * radius + 1).min(axis=1)
    prominent = (novelty - local_min > _PROMINENCE * novelty) & (novelty > _MIN_NOVELTY)
    candidates = np.flatnonzero((novelty >= local_max) & ((novelty > threshold) | prominent))
    candidates = candidates[np.argsort(-novelty[candidates], kind="stable")]
    chosen: list[int] = []
    for i in candidates:
        t = float(starts[i])
        if len(targets):
            nearest = float(targets[int(np.argmin(np.abs(targets - t)))])
            if abs(nearest - t) <= 0.5 * min_section:
                t = nearest
        j = int(np.argmin(np.abs(starts - t)))
        t = float(starts[j])
        if j == 0 or t < edge or duration - t < min_section:
            continue
        if t < min_section and novelty[i] < _EDGE_STRENGTH * top and not cued[i]:
            continue
        if not cued[i] and raw[i] < floor:
            continue
        if all(abs(t - float(starts[k])) >= spacing for k in chosen):
            chosen.append(j)
    return sorted(chosen)


def _repeat_boundaries(cuts: list[int], labels: list[int], grid: np.ndarray, bar: float,
                       cycle_seconds: float = 0.0) -> set[int]:
    """The ``cuts`` (cell edges) between two equally labelled segments that both span at least
    ``_REPEAT_BARS`` bars of ``bar`` seconds, and ``_REPEAT_CYCLES`` of a long chord cycle
    (``cycle_seconds``, 0 for none): a strain played twice (a fiddle tune's A A B B, a verse
    repeated), whose second play is a section of its own. A shorter repeat is a riff played
    twice, and a repeat of about one long cycle the song's progression coming round inside a
    section: their boundary goes; so do all in a song of one material throughout (a steady
    loop: its cuts are noise, not a tune's form)."""
    if len(set(labels)) < 2:
        return set()
    need = max(_REPEAT_BARS * bar, _REPEAT_CYCLES * cycle_seconds)
    lengths = np.diff(grid[[0, *cuts, len(grid) - 1]])
    return {cuts[k - 1] for k in range(1, len(labels))
            if labels[k] == labels[k - 1] and min(lengths[k - 1], lengths[k]) >= need}


def _phrase_align(cuts: list[int], novelty: np.ndarray, grid: np.ndarray,
                  downbeats: np.ndarray, min_section: float, evidence: list[int],
                  fixed: set[int] | frozenset[int] = frozenset()) -> list[int]:
    """Boundaries off the song's phrase grid moved onto it where the evidence is weak.

    Sections mostly start on a grid of ``_PHRASE_BARS`` bars from the first downbeat (or
    from an intro's end). The grid's phase is the one the start of the song and the
    candidate boundaries' novelty (``evidence``) agree on most; a boundary off it moves to
    the downbeat on it within ``_PHRASE_BARS // 2`` bars where the novelty is highest, when
    that is at least ``_PHRASE_TOLERANCE`` of its own (a broad peak, where a bar more or less
    is chance), and stays at least ``min_section`` from the others and the end.
    """
    starts = grid[:-1]
    bar = float(np.median(np.diff(downbeats)))
    first = float(downbeats[0]) if downbeats[0] < 0.5 * bar else float(downbeats[0]) % bar
    seen = np.round((starts[evidence] - first) / bar).astype(int)
    weight = np.bincount(seen % _PHRASE_BARS, weights=novelty[evidence], minlength=_PHRASE_BARS)
    weight[0] += _PHRASE_START * float(np.mean(novelty[evidence]))
    phase = int(np.argmax(weight))
    index = np.round((starts[cuts] - first) / bar).astype(int)
    out = list(cuts)
    for k, (j, b) in enumerate(zip(cuts, index, strict=True)):
        if b % _PHRASE_BARS == phase or j in fixed:
            continue
        best, best_value = j, _PHRASE_TOLERANCE * float(novelty[j])
        for m in range(b - _PHRASE_BARS // 2, b + _PHRASE_BARS // 2 + 1):
            if m % _PHRASE_BARS != phase:
                continue
            i = int(np.argmin(np.abs(starts - (first + m * bar))))
            if abs(starts[i] - (first + m * bar)) < 0.25 * bar and novelty[i] >= best_value:
                best, best_value = i, float(novelty[i])
        t = float(starts[best])
        others = [float(starts[i]) for i in out[:k] + out[k + 1:]]
        if best != j and t >= min_section and float(grid[-1]) - t >= min_section and all(
                abs(t - o) >= min_section for o in others):
            out[k] = best
    return sorted(set(out))


# ---------------------------------------------------------------------------------------------
# Labels
# ---------------------------------------------------------------------------------------------

def _similarity(channels: list[_Channel]) -> np.ndarray:
    """Weighted mean over channels of a Gaussian similarity of the standardised cells (bandwidth:
    the median squared distance)."""
    total = 0.0
    out: np.ndarray | float = 0.0
    for w, x, std_floor, *_ in channels:
        z = (x - x.mean(axis=0)) / np.maximum(x.std(axis=0), std_floor)
        sq = np.sum(z**2, axis=1)
        d2 = np.maximum(sq[:, None] + sq[None, :] - 2.0 * (z @ z.T), 0.0)
        off = d2[np.triu_indices(len(d2), 1)]
        # at least one floor standard deviation per dimension, for stationary signals
        bandwidth = max(float(np.median(off)) if off.size else 0.0, float(x.shape[1]))
        out = out + w * np.exp(-d2 / bandwidth)
        total += w
    return np.asarray(out) / total


def _label_segments(channels: list[_Channel], edges: np.ndarray) -> list[int]:
    """Cluster the segments ``edges[k]:edges[k + 1]`` (cell indices) by their MMD.

    Long inputs (DJ mixes) are subsampled to at most ``_MAX_LABEL_CELLS`` cells first, which
    keeps the similarity matrix small; every segment keeps at least one cell.
    """
    k = len(edges) - 1
    if k == 1:
        return [0]
    n = int(edges[-1])
    step = -(-n // _MAX_LABEL_CELLS)  # ceil
    if step > 1:
        channels = [c._replace(x=c.x[::step]) for c in channels]
        edges = -(-np.asarray(edges) // step)  # cell i -> subsampled index ceil(i / step)
        edges[-1] = len(channels[0].x)
        edges = np.maximum.accumulate(edges)
        edges[1:] = np.maximum(edges[1:], edges[:-1] + 1)  # no empty segment
        edges = np.minimum(edges, len(channels[0].x))
    sim = _similarity(channels)
    integral = np.zeros((len(sim) + 1, len(sim) + 1))
    integral[1:, 1:] = sim.cumsum(axis=0).cumsum(axis=1)
    lo, hi = edges[:-1], edges[1:]
    sums = (integral[np.ix_(hi, hi)] - integral[np.ix_(lo, hi)] - integral[np.ix_(hi, lo)]
            + integral[np.ix_(lo, lo)])
    sizes = np.maximum(hi - lo, 1).astype(np.float64)
    cross = sums / np.outer(sizes, sizes)
    # within-segment mean without the (all-ones) diagonal: the unbiased MMD estimate
    diag = np.diag(sums)
    within = np.where(sizes > 1, (diag - sizes) / np.maximum(sizes * (sizes - 1), 1.0),
                      diag / sizes**2)
    dist = np.maximum(within[:, None] + within[None, :] - 2.0 * cross, 0.0)
    np.fill_diagonal(dist, 0.0)
    return _cluster(dist)


def _cluster(dist: np.ndarray) -> list[int]:
    """Average-linkage agglomerative clustering of segments with distances ``dist``.

    Groups merge while their average distance is below ``_LABEL_THRESHOLD``; neighbouring
    segments may only share a group when their own distance is below ``_ADJACENT_THRESHOLD``
    or ``_ADJACENT_SHARE`` of the median distance between segments (a boundary was found
    between them, so they must be near-identical, or far closer than the song's sections are
    to each other, to be one material).
    Lance-Williams updates keep it O(k^2) per merge.
    """
    k = len(dist)
    d = np.array(dist, dtype=np.float64)
    blocked = np.zeros((k, k), dtype=bool)
    i = np.arange(k - 1)
    blocked[i, i + 1] = blocked[i + 1, i] = dist[i, i + 1] >= _ADJACENT_THRESHOLD
    if k > 2:  # ... or closer than a share of the song's typical distance between segments,
        # and each other's nearest (a verse next to a chorus has its twin elsewhere)
        others = np.where(np.eye(k, dtype=bool), np.inf, dist)
        nearest = np.argmin(others, axis=1)
        mutual = (nearest[i] == i + 1) & (nearest[i + 1] == i)
        share = _ADJACENT_SHARE * float(np.median(dist[np.triu_indices(k, 1)]))
        close = mutual & (dist[i, i + 1] < share)
        blocked[i[close], i[close] + 1] = blocked[i[close] + 1, i[close]] = False
    size = np.ones(k)
    alive = np.ones(k, dtype=bool)
    labels = np.arange(k)
    while alive.sum() > 1:
        masked = np.where(blocked | ~alive[:, None] | ~alive[None, :], np.inf, d)
        np.fill_diagonal(masked, np.inf)
        a, b = np.unravel_index(int(np.argmin(masked)), masked.shape)
        if masked[a, b] >= _LABEL_THRESHOLD:
            break
        d[a] = d[:, a] = (size[a] * d[a] + size[b] * d[b]) / (size[a] + size[b])
        blocked[a] = blocked[:, a] = blocked[a] | blocked[b]
        size[a] += size[b]
        alive[b] = False
        labels[labels == b] = a
    return [int(c) for c in labels]


def _merge(times: np.ndarray, labels: list[int], keep: list[int] | None = None,
           ) -> list[Section]:
    """Sections from boundary ``times`` (``len(labels) + 1``, from 0 to the duration): equal
    neighbours merged (not at the boundaries ``keep``, indices into ``times``: a repeat of a
    section, cued), labels renamed A, B, C... by first appearance."""
    names: dict[int, str] = {}
    sections: list[Section] = []
    kept = set(keep or ())
    for i, label in enumerate(labels):
        if sections and labels[i - 1] == label and i not in kept:
            last = sections.pop()
            sections.append(Section(last.start, float(times[i + 1]), last.label))
            continue
        if label not in names:
            names[label] = _label_name(len(names))
        sections.append(Section(float(times[i]), float(times[i + 1]), names[label]))
    return sections


def _label_name(i: int) -> str:
    """0 -> "A", ..., 25 -> "Z", 26 -> "AA", ..."""
    name = ""
    i += 1
    while i > 0:
        i, r = divmod(i - 1, 26)
        name = chr(ord("A") + r) + name
    return name
