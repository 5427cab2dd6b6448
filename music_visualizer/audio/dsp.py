"""The signal-processing steps of the analysis (and of the lyrics alignment and the beat_this
adapter), in numpy, ``scipy.fft`` and ``scipy.ndimage``.

- :func:`hann_window`        periodic Hann window (as ``scipy.signal.get_window("hann", n)``)
- :func:`stft_magnitude`     ``|STFT|`` (as ``np.abs(librosa.stft(...))``, centred or not)
- :func:`spectrum_stft`      STFT scaled as a spectrum (as ``scipy.signal.stft(...,
                             boundary=None, padded=False)``)
- :func:`fft_frequencies`, :func:`mel_frequencies`, :func:`mel_filterbank`,
  :func:`chroma_filterbank`  frequencies and filter banks (as librosa's, Slaney mel scale)
- :func:`power_to_db`        power -> dB (as ``librosa.power_to_db(..., top_db=None)``)
- :func:`hpss`               harmonic/percussive split by median filtering, soft masks (as
                             ``librosa.decompose.hpss``)
- :func:`frame_rms`          centred RMS per frame (as ``librosa.feature.rms``)
- :func:`find_peaks`         peaks by height, distance and prominence (as
                             ``scipy.signal.find_peaks``)

Each gives the same numbers as the call it names, to the last bit on the analysis's inputs
(``tests/test_dsp.py`` compares them). What it saves is the import: librosa (its numba
ufuncs are compiled on import), ``scipy.signal`` and, through ``librosa.decompose``,
scikit-learn and pandas cost ~4 s of CPU in every process that analyses a song (the CLI, a
render, a Ray worker), longer than the analysis of a 3-minute song itself. No code path of the
package imports librosa any more; the tests and the benchmark's plain-librosa baseline do.
"""

from __future__ import annotations

import numpy as np

__all__ = ["chroma_filterbank", "fft_frequencies", "find_peaks", "frame_rms", "hann_window",
           "hpss", "mel_filterbank", "mel_frequencies", "power_to_db", "spectrum_stft",
           "stft_magnitude"]

#: columns per FFT call in :func:`stft_magnitude` (librosa's block: 256 KiB of float32 frames
#: of 2048 samples), so each transform is computed exactly as librosa computes it
_STFT_BLOCK_BYTES = 2**8 * 2**10


def hann_window(n: int) -> np.ndarray:
    """Periodic (DFT-even) Hann window of ``n`` samples, float64."""
    if n <= 1:
        return np.ones(max(n, 0))
    return (0.5 + 0.5 * np.cos(np.linspace(-np.pi, np.pi, n + 1)))[:-1]


def _frames(y: np.ndarray, length: int, hop: int) -> np.ndarray:
    """``(length, n_frames)`` view of ``y``: frame ``k`` is ``y[k * hop : k * hop + length]``."""
    return np.lib.stride_tricks.sliding_window_view(y, length)[::hop].T


def stft_magnitude(y: np.ndarray, n_fft: int, hop: int, *, center: bool = False) -> np.ndarray:
    """``|STFT|`` (float32, ``(1 + n_fft // 2, frames)``) of float32 ``y``, Hann window, frame
    ``k`` starting at sample ``k * hop`` (no padding), or centred there (``center``: zeros
    outside ``y``)."""
    import scipy.fft

    y = np.asarray(y, dtype=np.float32)
    if center:
        y = np.pad(y, (n_fft // 2, n_fft // 2))
    if len(y) < n_fft:
        raise ValueError(f"n_fft={n_fft} is longer than the {len(y)} samples")
    frames = _frames(y, n_fft, hop)
    window = hann_window(n_fft)[:, None]
    out = np.empty((1 + n_fft // 2, frames.shape[1]), dtype=np.complex64, order="F")
    step = max(_STFT_BLOCK_BYTES // (n_fft * frames.itemsize), 1)
    for a in range(0, frames.shape[1], step):
        out[:, a:a + step] = scipy.fft.rfft(window * frames[:, a:a + step], axis=0)
    return np.abs(out)


def spectrum_stft(y: np.ndarray, n: int, hop: int) -> np.ndarray:
    """STFT (complex64 for float32 ``y``, ``(1 + n // 2, frames)``) with a Hann window of ``n``
    samples, frame ``k`` starting at ``k * hop``, scaled so a sinusoid's peak is half its
    amplitude (``scipy.signal.stft``'s ``scaling="spectrum"``)."""
    import scipy.fft

    y = np.asarray(y)
    dtype = np.result_type(y, np.complex64)
    window = hann_window(n).astype(dtype)
    scale = np.sqrt(1.0 / window.sum() ** 2)
    frames = np.lib.stride_tricks.sliding_window_view(y, n)[::hop]
    z = scipy.fft.rfft((window * frames).real, n=n)
    z *= scale
    return z.astype(dtype, copy=False).T


def fft_frequencies(sr: float, n_fft: int) -> np.ndarray:
    """Centre frequency (Hz) of each one-sided FFT bin."""
    return np.fft.rfftfreq(n=n_fft, d=1.0 / sr)


_MEL_LINEAR_HZ = 200.0 / 3  # Slaney: 3 mels a 200 Hz below 1 kHz, then log-spaced
_MEL_LOG_HZ = 1000.0
_MEL_LOG_STEP = np.log(6.4) / 27.0


def _hz_to_mel(hz: float) -> float:
    mel = hz / _MEL_LINEAR_HZ
    if hz >= _MEL_LOG_HZ:
        mel = _MEL_LOG_HZ / _MEL_LINEAR_HZ + np.log(hz / _MEL_LOG_HZ) / _MEL_LOG_STEP
    return mel


def _mel_to_hz(mels: np.ndarray) -> np.ndarray:
    hz = _MEL_LINEAR_HZ * mels
    log = mels >= _MEL_LOG_HZ / _MEL_LINEAR_HZ
    hz[log] = _MEL_LOG_HZ * np.exp(_MEL_LOG_STEP * (mels[log] - _MEL_LOG_HZ / _MEL_LINEAR_HZ))
    return hz


def mel_frequencies(n_mels: int, fmin: float = 0.0, fmax: float = 11025.0) -> np.ndarray:
    """``n_mels`` frequencies (Hz) evenly spaced on the Slaney mel scale from ``fmin`` to
    ``fmax``, both included."""
    return _mel_to_hz(np.linspace(_hz_to_mel(fmin), _hz_to_mel(fmax), n_mels))


def mel_filterbank(sr: float, n_fft: int, n_mels: int, fmin: float = 0.0,
                   fmax: float | None = None, *, normalise: bool = True) -> np.ndarray:
    """Triangular mel filters (Slaney scale), float32 ``(n_mels, 1 + n_fft // 2)``, from
    ``fmin`` to ``fmax`` (default ``sr / 2``); ``normalise``: each scaled by 2 / its width in Hz
    (Slaney's constant energy per band), else peaks of 1."""
    mel_f = mel_frequencies(n_mels + 2, fmin=fmin,
                            fmax=float(sr) / 2 if fmax is None else fmax)
    fdiff = np.diff(mel_f)[:, None]
    ramps = np.subtract.outer(mel_f, fft_frequencies(sr, n_fft))
    lower = -ramps[:-2] / fdiff[:-1]  # rising edge of band i, from mel_f[i] to mel_f[i + 1]
    upper = ramps[2:] / fdiff[1:]  # falling edge, to mel_f[i + 2]
    weights = np.maximum(0, np.minimum(lower, upper)).astype(np.float32)
    if normalise:
        weights *= (2.0 / (mel_f[2:n_mels + 2] - mel_f[:n_mels]))[:, None]
    return weights


def chroma_filterbank(sr: float, n_fft: int, n_chroma: int = 12) -> np.ndarray:
    """Chroma filters (float32 ``(n_chroma, 1 + n_fft // 2)``, row 0 is C, A = 440 Hz): a
    Gaussian bump per pitch class on each bin, each bin's column of unit 2-norm, weighted by a
    Gaussian over octaves (centre 5, width 2: about 400 Hz)."""
    frequencies = np.linspace(0, sr, n_fft, endpoint=False)[1:]
    frqbins = n_chroma * np.log2(frequencies / (440.0 / 16))
    frqbins = np.concatenate(([frqbins[0] - 1.5 * n_chroma], frqbins))
    binwidthbins = np.concatenate((np.maximum(frqbins[1:] - frqbins[:-1], 1.0), [1]))
    d = np.subtract.outer(frqbins, np.arange(0, n_chroma, dtype="d")).T
    half = np.round(float(n_chroma) / 2)
    d = np.remainder(d + half + 10 * n_chroma, n_chroma) - half
    wts = np.exp(-0.5 * (2 * d / np.tile(binwidthbins, (n_chroma, 1))) ** 2)
    length = np.sum(np.abs(wts) ** 2, axis=0, keepdims=True) ** 0.5
    length[length < np.finfo(wts.dtype).tiny] = 1.0
    wts = wts / length
    wts *= np.tile(np.exp(-0.5 * (((frqbins / n_chroma - 5.0) / 2.0) ** 2)), (n_chroma, 1))
    wts = np.roll(wts, -3 * (n_chroma // 12), axis=0)
    return np.ascontiguousarray(wts[:, : int(1 + n_fft / 2)], dtype=np.float32)


def power_to_db(power: np.ndarray, ref: float, amin: float = 1e-10) -> np.ndarray:
    """``10 log10(power / ref)``, both floored at ``amin`` (no top clipping)."""
    power = np.asarray(power)
    db = 10.0 * np.log10(np.maximum(amin, power))
    db -= 10.0 * np.log10(np.maximum(amin, np.abs(ref)))
    return db


def _softmask(x: np.ndarray, x_ref: np.ndarray, split_zeros: bool) -> np.ndarray:
    """``x**2 / (x**2 + x_ref**2)`` computed on values scaled by their maximum (where both are
    below the smallest normal float: 0.5 with ``split_zeros``, else 0)."""
    dtype = x.dtype if np.issubdtype(x.dtype, np.floating) else np.dtype(np.float32)
    z = np.maximum(x, x_ref).astype(dtype)
    bad = z < np.finfo(dtype).tiny
    z[bad] = 1
    mask = (x / z) ** 2.0
    ref_mask = (x_ref / z) ** 2.0
    good = ~bad
    mask[good] /= mask[good] + ref_mask[good]
    mask[bad] = 0.5 if split_zeros else 0.0
    return mask


def hpss(spectrogram: np.ndarray, kernel_size: tuple[int, int],
         margin: float | tuple[float, float] = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Harmonic and percussive parts of a non-negative ``(bins, frames)`` spectrogram: a median
    over ``kernel_size[0]`` frames (harmonic) against one over ``kernel_size[1]`` bins
    (percussive), soft masks with exponent 2; ``margin`` (>= 1, or one per part) leaves what
    neither dominates by that factor to neither. Where both medians are 0, each part gets half
    (margins of 1) or nothing."""
    from scipy.ndimage import median_filter

    s = np.asarray(spectrogram)
    if np.iscomplexobj(s) or np.any(s < 0):
        raise ValueError("hpss needs a non-negative real spectrogram")
    margin_harm, margin_perc = margin if isinstance(margin, tuple) else (margin, margin)
    if margin_harm < 1 or margin_perc < 1:
        raise ValueError(f"margins must be >= 1, got {margin}")
    harm = np.empty_like(s)  # the input's memory order (the products downstream depend on it)
    harm[:] = median_filter(s, size=[1, kernel_size[0]], mode="reflect")
    perc = np.empty_like(s)
    perc[:] = median_filter(s, size=[kernel_size[1], 1], mode="reflect")
    split = margin_harm == 1 and margin_perc == 1  # silence: half to each part
    return (s * _softmask(harm, perc * margin_harm, split),
            s * _softmask(perc, harm * margin_perc, split))


def frame_rms(y: np.ndarray, frame_length: int, hop: int) -> np.ndarray:
    """RMS of ``frame_length`` samples centred on ``k * hop`` (zeros outside ``y``), float32."""
    y = np.pad(np.asarray(y), (frame_length // 2, frame_length // 2), mode="constant")
    frames = _frames(y, frame_length, hop)
    return np.sqrt(np.mean(np.square(frames, dtype=np.float32), axis=0))


def find_peaks(x: np.ndarray, height: np.ndarray | float, distance: int,
               prominence: float | None = None) -> np.ndarray:
    """Indices of the local maxima of ``x`` (a plateau counts once, at its middle, rounded
    down) at least ``height`` high, the lower of two closer than ``distance`` samples dropped
    (highest first); then, with ``prominence``, those that rise at least that much above the
    higher of the lowest points between them and a higher sample on either side (or the end)."""
    x = np.asarray(x, dtype=np.float64)
    peaks = _peaks_by_distance(x, height, distance)
    if prominence is None or not len(peaks):
        return peaks
    rise = np.empty(len(peaks))
    for n, p in enumerate(peaks):
        higher = np.flatnonzero(x[:p] > x[p])
        left = x[higher[-1] + 1 if len(higher) else 0: p + 1].min()
        higher = np.flatnonzero(x[p + 1:] > x[p])
        right = x[p: p + 1 + higher[0] if len(higher) else len(x)].min()
        rise[n] = x[p] - max(left, right)
    return peaks[rise >= prominence]


def _peaks_by_distance(x: np.ndarray, height: np.ndarray | float, distance: int) -> np.ndarray:
    """:func:`find_peaks` of float64 ``x`` without the prominence."""
    if len(x) < 3:
        return np.zeros(0, dtype=np.intp)
    change = np.flatnonzero(np.diff(x) != 0) + 1  # starts of runs of equal values
    starts = np.concatenate(([0], change))
    ends = np.concatenate((change - 1, [len(x) - 1]))
    inner = (starts > 0) & (ends < len(x) - 1)
    starts, ends = starts[inner], ends[inner]
    peak = (x[starts - 1] < x[starts]) & (x[ends + 1] < x[ends])
    peaks = ((starts[peak] + ends[peak]) // 2).astype(np.intp)
    limit = np.broadcast_to(np.asarray(height, dtype=np.float64), x.shape)
    peaks = peaks[x[peaks] >= limit[peaks]]
    distance = int(np.ceil(distance))
    if distance <= 1 or len(peaks) < 2:
        return peaks
    keep = np.ones(len(peaks), dtype=bool)
    order = np.argsort(x[peaks])
    for i in order[::-1]:
        if not keep[i]:
            continue
        k = i - 1
        while k >= 0 and peaks[i] - peaks[k] < distance:
            keep[k] = False
            k -= 1
        k = i + 1
        while k < len(peaks) and peaks[k] - peaks[i] < distance:
            keep[k] = False
            k += 1
    return peaks[keep]
