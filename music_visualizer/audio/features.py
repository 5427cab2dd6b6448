"""Audio feature curves: raw curves at the analysis rate, and per-video-frame features at any fps.

- :func:`feature_curves`  :class:`~.spectra.Spectra` (+ stems) -> raw curves at the analysis
                          rate (stored in :attr:`AudioAnalysis.curves`)
- :func:`frame_features`  :class:`AudioAnalysis` -> one 0..1 value per video frame for every
                          name in :data:`FEATURE_NAMES` (schedule variables)
- :data:`FEATURE_NAMES`   every name :func:`frame_features` returns

Raw curves (:func:`feature_curves`)
-----------------------------------
Energies are amplitudes: the square root of the power in a part of the spectrum, scaled so
that ``rms`` is the signal's RMS (a full-scale sine gives 0.707), and every part is on that
scale (``bass + mid + high`` add up, as powers, to ``rms``). ``harmonic`` and ``percussive``
come from the HPSS split of the mel spectrogram, mapped back to linear power. ``centroid`` is
in Hz and ``chroma`` in 0..1 (per frame, from :mod:`.spectra`); both are 0 where the song is
silent (60 dB under its loud parts). ``wave_peak`` is the largest ``|y|`` around each frame.
Stems come from the separated signals when given (their RMS), else from the HPSS split:
``drums`` = percussive, ``bass_stem`` = harmonic below 250 Hz, ``vocals`` = harmonic
300-3400 Hz, ``other`` = the rest of the harmonic part.

Per-frame features (:func:`frame_features`)
-------------------------------------------
Everything is computed on the whole song's curves (so a clip is scaled like the whole song),
then sampled at the clip's frames:

1. Smooth at the analysis rate (~43 Hz) with a one-pole attack/release follower: it moves
   toward a rising input with time constant ``attack`` and toward a falling one with
   ``release`` (10%..90% in ``tau * ln 9``).
2. Normalise each smoothed curve robustly: its 5th percentile maps to 0 and its 95th (99th for
   the peaky ``onset``, ``percussive`` and ``drums``) to 1, clipped. The range is never smaller
   than a floor (energies: 1/100 of the song's loud level, i.e. 40 dB under it; onset: 1 dB of
   flux), so a flat or nearly empty curve stays near 0 instead of its noise being stretched to
   full scale, and silence gives exact zeros. Normalising after smoothing keeps the peaks of
   one-frame events at 1. ``centroid`` is normalised before smoothing, on a log-frequency scale
   over the non-silent frames (floor: a third of an octave; silence 0); chroma is already 0..1.
3. Sample each video frame's window ``[t, t + 1/fps)``: the max for the peaky curves (no hit is
   lost at low fps), the mean for the others (no aliasing); a window holding no analysis frame
   (fps above ~43, or past the end) takes the interpolated value (the last value at the end).

``beat`` and ``downbeat`` are made from the beat times, not from a curve: 1.0 on every frame
whose window holds a beat, else ``2 ** -(time since the last beat / half-life)`` with a
half-life of a quarter of the local beat period (about 0.06 just before the next beat, 0.25
halfway). ``section`` (0-based index), ``section_label`` (index of the label in sorted order:
A=0, B=1, ...) and ``section_progress`` (0..1) follow :attr:`AudioAnalysis.sections`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from .dsp import frame_rms, hann_window, mel_frequencies
from .spectra import BASS_MAX_HZ

if TYPE_CHECKING:
    from .spectra import Spectra
    from .types import AudioAnalysis, Section

__all__ = ["CURVE_NAMES", "FEATURE_NAMES", "STEM_NAMES", "feature_curves", "frame_features"]

#: Stem features (from Demucs when available, else HPSS fallbacks).
STEM_NAMES: tuple[str, ...] = ("drums", "bass_stem", "vocals", "other")
#: Every key :func:`frame_features` returns (docs, UI, schedule variables).
FEATURE_NAMES: tuple[str, ...] = (
    "rms", "onset", "beat", "downbeat", "percussive", "harmonic", "bass", "mid", "high",
    "centroid", *(f"chroma_{i}" for i in range(12)), "section", "section_progress",
    "section_label", *STEM_NAMES,
)
#: Every key :func:`feature_curves` returns (``chroma`` is ``(12, n)``, the rest ``(n,)``).
CURVE_NAMES: tuple[str, ...] = (
    "rms", "onset", "percussive", "harmonic", "bass", "mid", "high", "centroid", "chroma",
    "wave_peak", *STEM_NAMES,
)

VOCAL_BAND_HZ = (300.0, 3400.0)
#: Frames this far under the song's loud level (p95 of ``rms``) count as silent.
SILENCE_DB = 60.0

_ENERGY = ("rms", "percussive", "harmonic", "bass", "mid", "high", *STEM_NAMES)
_PEAKY = frozenset({"onset", "percussive", "drums"})
_LOW_Q, _HIGH_Q, _PEAK_Q = 5.0, 95.0, 99.0
_ENERGY_FLOOR = 0.01  # of the song's loud level (-40 dB)
_CENTROID_FLOOR_OCT = 1.0 / 3.0
_ONSET_FLOOR = 1.0
_TINY = 1e-9  # amplitude of 1e-9 is -180 dBFS: below it, nothing is there

# Stem names separate_stems returns -> feature names.
_STEM_ALIASES = {"drums": "drums", "bass": "bass_stem", "bass_stem": "bass_stem",
                 "vocals": "vocals", "other": "other"}


# ---------------------------------------------------------------------------------------------
# Raw curves at the analysis rate
# ---------------------------------------------------------------------------------------------


def feature_curves(spectra: Spectra, *, beats: np.ndarray, downbeats: np.ndarray,
                   sections: Sequence[Section],
                   stems: Mapping[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    """Raw (un-normalised) feature curves on the frame grid of ``spectra``.

    Parameters
    ----------
    spectra : Spectra
        The shared front end (frame ``i`` is centred at ``i * hop / sr``).
    beats, downbeats, sections
        Accepted for a uniform stage signature; the beat and section features are made from
        the times in :func:`frame_features`, so they are not stored here.
    stems : mapping, optional
        Mono stem signals at ``spectra.sr`` (``drums``, ``bass``, ``vocals``, ``other``, as
        :func:`.stems.separate_stems` returns). Missing stems use the HPSS fallbacks.

    Returns
    -------
    dict of str to np.ndarray
        float32 curves of shape ``(spectra.n_frames,)`` named as in :data:`CURVE_NAMES`;
        ``chroma`` is ``(12, n_frames)``. See the module docstring for units.
    """
    del beats, downbeats, sections  # see the docstring
    n = spectra.n_frames
    sr, n_fft = spectra.sr, spectra.n_fft
    window = hann_window(n_fft)
    # one-sided power -> mean square of the signal (Parseval, corrected for the Hann window)
    to_ms = 2.0 / (n_fft * float(np.sum(window**2)))
    power = spectra.band_power  # (4, n): total, bass, mid, high
    amp = np.sqrt(np.maximum(power.astype(np.float64) * to_ms, 0.0))
    rms, bass, mid, high = amp

    loud = float(np.percentile(rms, _HIGH_Q)) if n else 0.0
    gate = rms > max(loud * 10.0 ** (-SILENCE_DB / 20.0), _TINY)
    centroid = np.where(gate, spectra.centroid, 0.0)

    # mel power -> linear power: a slaney mel filter is a unit triangle times 2 / its width, so
    # weighting band m by width_m / 2 makes the triangles add up to 1 across the spectrum
    n_mels = spectra.mel.shape[0]
    edges = mel_frequencies(n_mels + 2, fmin=0.0, fmax=sr / 2.0)
    centres = edges[1:-1]
    mel_weight = (edges[2:] - edges[:-2]) / 2.0
    low = centres < BASS_MAX_HZ
    vocal = (centres >= VOCAL_BAND_HZ[0]) & (centres < VOCAL_BAND_HZ[1])
    mel_bands = np.stack([mel_weight, mel_weight * low, mel_weight * vocal,
                          mel_weight * ~(low | vocal)]).astype(np.float32)
    h_amp = _amplitude(mel_bands @ spectra.mel_harmonic, 2.0 * to_ms)  # all, bass, vocal, rest
    p_amp = _amplitude(mel_weight.astype(np.float32) @ spectra.mel_percussive, 2.0 * to_ms)

    curves: dict[str, np.ndarray] = {
        "rms": rms,
        "onset": _fit(np.asarray(spectra.onset_env, dtype=np.float64), n),
        "percussive": p_amp,
        "harmonic": h_amp[0],
        "bass": bass,
        "mid": mid,
        "high": high,
        "centroid": centroid,
        "chroma": np.asarray(spectra.chroma, dtype=np.float64) * gate,
        "wave_peak": spectra.wave_peak,
        "drums": p_amp,
        "bass_stem": h_amp[1],
        "vocals": h_amp[2],
        "other": h_amp[3],
    }
    for name, signal in (stems or {}).items():
        feature = _STEM_ALIASES.get(name)
        if feature is not None:
            curves[feature] = _stem_rms(signal, n_fft=n_fft, hop=spectra.hop_length, n=n)
    return {name: np.ascontiguousarray(v, dtype=np.float32) for name, v in curves.items()}


def _amplitude(power: np.ndarray, scale: float) -> np.ndarray:
    return np.sqrt(np.maximum(np.asarray(power, dtype=np.float64) * scale, 0.0))


def _fit(x: np.ndarray, n: int) -> np.ndarray:
    """``x`` cut or padded (with its last value, or zeros) to length ``n``."""
    if len(x) >= n:
        return x[:n]
    fill = x[-1] if len(x) else 0.0
    return np.concatenate([x, np.full(n - len(x), fill, dtype=x.dtype)])


def _stem_rms(signal: np.ndarray, *, n_fft: int, hop: int, n: int) -> np.ndarray:
    """RMS of a stem over centred ``n_fft`` frames, on the analysis grid."""
    y = np.asarray(signal, dtype=np.float32)
    if y.ndim > 1:  # (channels, samples) -> mono
        y = y.mean(axis=0)
    if len(y) < n_fft:
        y = np.pad(y, (0, n_fft - len(y)))
    rms = frame_rms(y, n_fft, hop)
    return _fit(rms.astype(np.float64), n)


# ---------------------------------------------------------------------------------------------
# Per-video-frame features
# ---------------------------------------------------------------------------------------------


def frame_features(analysis: AudioAnalysis, *, fps: float, n_frames: int, start: float = 0.0,
                   attack: float = 0.02, release: float = 0.25) -> dict[str, np.ndarray]:
    """Every feature of :data:`FEATURE_NAMES`, one value per video frame.

    Parameters
    ----------
    analysis : AudioAnalysis
        The song's analysis (its raw curves are normalised over the whole song).
    fps : float
        Video frames per second.
    n_frames : int
        Number of video frames; frame ``i`` is song time ``start + i / fps``.
    start : float
        Song time of frame 0 in seconds (a clip is scaled like the whole song).
    attack, release : float
        Time constants in seconds of the smoothing of rising and falling values (0: none).

    Returns
    -------
    dict of str to np.ndarray
        float64 arrays of shape ``(n_frames,)``; all in 0..1 except ``section`` and
        ``section_label`` (indices). Frames past the end of the song hold the last values.
    """
    if not (math.isfinite(fps) and fps > 0):
        raise ValueError(f"fps must be a positive number, got {fps}")
    if n_frames < 0:
        raise ValueError(f"n_frames must be >= 0, got {n_frames}")
    if not (attack >= 0 and release >= 0):
        raise ValueError(f"attack and release must be >= 0, got {attack} and {release}")
    n_frames = int(n_frames)
    edges = float(start) + np.arange(n_frames + 1, dtype=np.float64) / float(fps)
    times = edges[:-1]

    names, rows, loud = _prepared_rows(analysis.curves)
    out: dict[str, np.ndarray] = {}
    if rows.shape[1]:
        rate = float(analysis.feature_rate)
        if not (math.isfinite(rate) and rate > 0):
            raise ValueError(f"analysis.feature_rate must be positive, got {rate}")
        smooth = _normalise_rows(names, _attack_release(rows, rate, attack, release), loud)
        peaky = np.array([name in _PEAKY for name in names])
        sampled = _sample_windows(smooth, rate, edges, peaky)
        out.update(zip(names, np.clip(sampled, 0.0, 1.0), strict=True))

    meter = max(int(getattr(analysis, "meter", 4) or 4), 1)
    out["beat"] = _pulses(np.asarray(analysis.beats, dtype=np.float64), edges,
                          fallback_period=60.0 / analysis.tempo if analysis.tempo > 0 else 0.5)
    out["downbeat"] = _pulses(np.asarray(analysis.downbeats, dtype=np.float64), edges,
                              per_period=meter, fallback_period=(
                                  60.0 / analysis.tempo if analysis.tempo > 0 else 0.5))
    out.update(_section_features(analysis.sections, times, analysis.duration))

    return {name: (np.array(out[name], dtype=np.float64) if name in out  # own, contiguous
                   else np.zeros(n_frames, dtype=np.float64)) for name in FEATURE_NAMES}


def _prepared_rows(curves: Mapping[str, np.ndarray]) -> tuple[list[str], np.ndarray, float]:
    """The song's curves as rows of one ``(k, n)`` float64 array, ready for smoothing.

    Energies and onset stay raw (normalised after smoothing); centroid is mapped to 0..1 on a
    log-frequency scale here (so silent frames, 0 Hz, do not drag the smoothing through the
    low octaves); chroma is already 0..1. Also returns the song's loud level (p95 of ``rms``).
    """
    n = 0
    for value in curves.values():
        n = max(n, np.shape(value)[-1] if np.ndim(value) else 0)
    names: list[str] = []
    rows: list[np.ndarray] = []

    def get(name: str) -> np.ndarray | None:
        value = curves.get(name)
        if value is None:
            return None
        value = np.nan_to_num(np.asarray(value, dtype=np.float64), nan=0.0, posinf=0.0,
                              neginf=0.0)
        return _fit(value, n) if value.ndim == 1 else value

    rms = get("rms")
    loud = float(np.percentile(rms, _HIGH_Q)) if rms is not None and n else 0.0
    for name in (*_ENERGY, "onset"):
        x = get(name)
        if x is not None:
            names.append(name)
            rows.append(x)
    centroid = get("centroid")
    if centroid is not None:
        names.append("centroid")
        rows.append(_normalise_centroid(centroid))
    chroma = get("chroma")
    if chroma is not None and chroma.ndim == 2 and chroma.shape[0] == 12:
        names.extend(f"chroma_{i}" for i in range(12))
        rows.extend(np.clip(np.stack([_fit(c, n) for c in chroma]), 0.0, 1.0))
    if not rows:
        return [], np.zeros((0, 0)), loud
    return names, np.stack(rows), loud


def _normalise_rows(names: Sequence[str], rows: np.ndarray, loud: float) -> np.ndarray:
    """Energies and onset -> 0..1 by the song's percentiles (in place); the rest clipped."""
    energy_floor = max(_ENERGY_FLOOR * loud, _TINY)
    for i, name in enumerate(names):
        if name == "onset":
            rows[i] = _normalise(rows[i], _PEAK_Q, _ONSET_FLOOR)
        elif name in _ENERGY:
            rows[i] = _normalise(rows[i], _PEAK_Q if name in _PEAKY else _HIGH_Q, energy_floor)
    return np.clip(rows, 0.0, 1.0, out=rows)


def _normalise(x: np.ndarray, high_q: float, floor: float) -> np.ndarray:
    """``(x - p5) / max(p_high - p5, floor)``, clipped to 0..1 (zeros when x is flat)."""
    if not len(x):
        return x
    lo, hi = np.percentile(x, [_LOW_Q, high_q])
    if hi - lo <= floor * 1e-6:  # rare events above a flat floor: scale to the loudest
        hi = float(x.max())
    span = max(float(hi - lo), floor)
    return np.clip((x - lo) / span, 0.0, 1.0)


def _normalise_centroid(hz: np.ndarray) -> np.ndarray:
    """Centroid on a log-frequency scale over the song's non-silent frames; silence -> 0."""
    voiced = hz > 0
    if not voiced.any():
        return np.zeros_like(hz)
    octaves = np.log2(np.maximum(hz, 1.0))
    lo, hi = np.percentile(octaves[voiced], [_LOW_Q, _HIGH_Q])
    out = (octaves - lo) / max(float(hi - lo), _CENTROID_FLOOR_OCT)
    return np.where(voiced, np.clip(out, 0.0, 1.0), 0.0)


def _attack_release(rows: np.ndarray, rate: float, attack: float, release: float) -> np.ndarray:
    """One-pole follower per row: toward rising input with ``attack``, falling with ``release``.

    The recursion runs along time with all rows at once (one short numpy step per analysis
    frame: ~10 ms per minute of song).
    """

    def coeff(tau: float) -> float:
        return 1.0 if tau <= 0 else 1.0 - math.exp(-1.0 / (tau * rate))

    up, down = coeff(attack), coeff(release)
    if up == 1.0 and down == 1.0:
        return rows
    x = np.ascontiguousarray(rows.T)  # (n, k): each step reads one contiguous row
    out = np.empty_like(x)
    state = x[0].copy()
    out[0] = state
    delta = np.empty_like(state)
    step = np.empty_like(state)
    for i in range(1, len(x)):
        np.subtract(x[i], state, out=delta)
        np.multiply(delta, np.where(delta > 0, up, down), out=step)
        state += step
        out[i] = state
    return out.T


def _sample_windows(rows: np.ndarray, rate: float, edges: np.ndarray,
                    peaky: np.ndarray) -> np.ndarray:
    """Each row over the windows ``[edges[i], edges[i + 1])``: max (``peaky`` rows) or mean.

    Analysis frame ``j`` is at time ``j / rate``. Windows holding no analysis frame take the
    row linearly interpolated at the window's centre (clamped to the first/last frame).
    """
    k, n = rows.shape
    m = len(edges) - 1
    idx = np.clip(np.ceil(edges * rate - 1e-9), 0, n).astype(np.int64)
    lo, hi = idx[:-1], idx[1:]
    count = hi - lo
    out = np.empty((k, m), dtype=np.float64)
    full = count > 0
    if full.any():
        csum = np.zeros((k, n + 1), dtype=np.float64)
        np.cumsum(rows, axis=1, out=csum[:, 1:])
        means = (csum[:, hi[full]] - csum[:, lo[full]]) / count[full]
        out[:, full] = means
        if peaky.any():
            limit = int(hi[full][-1])
            starts = lo[full]
            maxima = np.maximum.reduceat(rows[peaky][:, :limit], starts, axis=1)
            # reduceat's segment i runs to the next start: exact, since windows tile in order
            # and empty windows were dropped (a dropped window does not contain any frame)
            out[np.ix_(peaky, np.flatnonzero(full))] = maxima
    if not full.all():
        centres = 0.5 * (edges[:-1] + edges[1:])[~full] * rate
        grid = np.arange(n, dtype=np.float64)
        out[:, ~full] = np.stack([np.interp(centres, grid, row) for row in rows])
    return out


def _pulses(times: np.ndarray, edges: np.ndarray, *, per_period: int = 1,
            fallback_period: float = 0.5) -> np.ndarray:
    """1.0 on frames whose window holds an event, else an exponential decay since the last.

    The half-life after event ``k`` is a quarter of the local beat period: the interval to
    the next event divided by ``per_period`` (a bar's beats for downbeats), kept within
    0.5x..1.5x of the median so a gap in the events does not stretch the decay.
    """
    m = len(edges) - 1
    times = np.sort(times[np.isfinite(times)])
    if not len(times) or m <= 0:
        return np.zeros(max(m, 0), dtype=np.float64)
    if len(times) > 1:
        intervals = np.diff(times) / per_period
        typical = float(np.median(intervals))
        if typical <= 0:
            typical = fallback_period
        period = np.clip(np.append(intervals, intervals[-1]), 0.5 * typical, 1.5 * typical)
    else:
        period = np.array([fallback_period])
    half_life = np.maximum(period / 4.0, 1e-3)

    first = np.searchsorted(times, edges, side="left")  # first event at or after each edge
    holds = first[1:] > first[:-1]
    last = np.searchsorted(times, edges[:-1], side="right") - 1  # last event at or before
    known = last >= 0
    safe = np.maximum(last, 0)
    since = edges[:-1] - times[safe]
    decay = np.where(known, np.exp2(-since / half_life[safe]), 0.0)
    return np.where(holds, 1.0, decay)


def _section_features(sections: Sequence[Section], times: np.ndarray,
                      duration: float) -> dict[str, np.ndarray]:
    """``section``, ``section_progress`` and ``section_label`` at each frame time."""
    ordered = sorted(sections, key=lambda s: s.start)
    if not ordered:
        span = max(float(duration), 1e-9)
        zeros = np.zeros(len(times), dtype=np.float64)
        return {"section": zeros, "section_label": zeros.copy(),
                "section_progress": np.clip(times / span, 0.0, 1.0)}
    starts = np.array([s.start for s in ordered], dtype=np.float64)
    ends = np.array([s.end for s in ordered], dtype=np.float64)
    labels = sorted({s.label for s in ordered})
    label_index = np.array([labels.index(s.label) for s in ordered], dtype=np.float64)
    index = np.clip(np.searchsorted(starts, times, side="right") - 1, 0, len(ordered) - 1)
    length = np.maximum(ends[index] - starts[index], 1e-9)
    progress = np.clip((times - starts[index]) / length, 0.0, 1.0)
    return {"section": index.astype(np.float64), "section_progress": progress,
            "section_label": label_index[index]}
