"""The shared front end of the analysis: every spectrum computed once, from one STFT.

- :class:`Spectra`          mel power, its harmonic/percussive split, onset envelope, chroma and
                            the per-frame summaries of the magnitude spectrum and the samples,
                            all on the same frame grid
- :class:`SpectraBuilder`   the same from samples fed block by block (a long song is never
                            held as a full-resolution spectrogram)
- :func:`compute_spectra`   mono samples -> :class:`Spectra`
- :func:`sample_windows`    short windows of the samples (memory-mapped samples stay on disk)

Beat tracking, sections, key and the feature curves all read from one :class:`Spectra`, so
nothing is computed twice (librosa's convenience calls would each redo the STFT).

Memory: the STFT is computed in blocks of :data:`BLOCK_FRAMES` frames (float32); from each
block only the mel spectrogram and a few curves are kept. The harmonic/percussive split runs on
each block with the 8 frames of context either side that its time median needs, so it equals
the split of the whole spectrogram. An hour of audio keeps ~80 MB per mel array (three of
them), not the 600 MB magnitude spectrogram and its temporaries.
"""

from __future__ import annotations

import mmap
from collections import deque
from dataclasses import dataclass

import numpy as np

from .dsp import (
    chroma_filterbank,
    fft_frequencies,
    hpss,
    mel_filterbank,
    mel_frequencies,
    power_to_db,
    stft_magnitude,
)

__all__ = ["BASS_MAX_HZ", "BLOCK_FRAMES", "HIGH_MIN_HZ", "HOP_LENGTH", "N_FFT", "N_MELS", "SR",
           "Spectra", "SpectraBuilder", "compute_spectra", "sample_windows"]

SR = 22050
HOP_LENGTH = 512
N_FFT = 2048
N_MELS = 128
#: STFT frames per block (~95 s at 22.05 kHz: ~17 MB of float32 power per block; smaller blocks
#: are slower, many small products and filters).
BLOCK_FRAMES = 4096
#: Band edges of :attr:`Spectra.band_power` (bass below, high from).
BASS_MAX_HZ = 250.0
HIGH_MIN_HZ = 4000.0

_HPSS_KERNEL = (17, 31)  # (time median for the harmonic part, frequency median: percussive)
_HPSS_CONTEXT = _HPSS_KERNEL[0] // 2
_TOP_DB = 80.0
_FAULT_AROUND = 1 << 16  # bytes the kernel may map around a page it reads from a file
#: frames per matrix product of the mel and band spectra (see :func:`_frame_product`)
_PRODUCT_FRAMES = 64


@dataclass(frozen=True)
class Spectra:
    """Spectra of a mono signal on one frame grid (frame ``i`` is centred at ``i * hop / sr``).

    Attributes
    ----------
    y : np.ndarray [shape=(n,)], float32
        The mono samples at ``sr`` (may be a read-only memory map of a temporary file).
    mel : np.ndarray [shape=(n_mels, t)]
        Mel power spectrogram.
    mel_harmonic, mel_percussive : np.ndarray [shape=(n_mels, t)]
        Harmonic/percussive split of ``mel`` (median-filtering HPSS, soft masks).
    onset_env : np.ndarray [shape=(t,)]
        Spectral-flux onset strength (librosa's, on the log-mel spectrogram).
    chroma : np.ndarray [shape=(12, t)]
        Chroma of the harmonic part, each frame normalised to max 1 (0 in silence).
    chroma_treble : np.ndarray [shape=(12, t)]
        The same above the bass (STFT bins :data:`BASS_MAX_HZ` .. :data:`HIGH_MIN_HZ`, each
        weighted by the harmonic share of the nearest mel band): chords without the bass line.
    band_power : np.ndarray [shape=(4, t)], float32
        One-sided STFT power ``|X|**2`` summed over the whole spectrum, below
        :data:`BASS_MAX_HZ`, between the two, and from :data:`HIGH_MIN_HZ` (DC and Nyquist
        bins at half weight: they appear once in the full spectrum).
    centroid : np.ndarray [shape=(t,)], float32
        Spectral centroid in Hz (of the magnitude; ~0 in digital silence).
    wave_peak : np.ndarray [shape=(t,)], float32
        Largest ``|y|`` in ``[(i - 1/2) hop, (i + 1/2) hop)`` for each frame ``i``.
    peak : float
        Largest ``|y|`` of the whole signal.
    """

    y: np.ndarray
    sr: int
    hop_length: int
    n_fft: int
    mel: np.ndarray
    mel_harmonic: np.ndarray
    mel_percussive: np.ndarray
    onset_env: np.ndarray
    chroma: np.ndarray
    chroma_treble: np.ndarray
    band_power: np.ndarray
    centroid: np.ndarray
    wave_peak: np.ndarray
    peak: float

    @property
    def n_frames(self) -> int:
        return int(self.mel.shape[1])

    @property
    def frame_rate(self) -> float:
        """Frames per second of every array here (``sr / hop_length``)."""
        return self.sr / self.hop_length

    @property
    def duration(self) -> float:
        return len(self.y) / self.sr

    def times(self) -> np.ndarray:
        """Time in seconds of each frame's centre."""
        return np.arange(self.n_frames) * self.hop_length / self.sr

    def mel_frequencies(self) -> np.ndarray:
        return mel_frequencies(self.mel.shape[0] + 2, fmax=self.sr / 2)[1:-1]


class SpectraBuilder:
    """Compute :class:`Spectra` from mono samples fed in blocks of any size.

    ``feed`` the samples in order, then ``finish`` with the whole signal (an array or a memory
    map: it is stored, not read). The result equals :func:`compute_spectra` of the signal;
    memory is the kept arrays plus a few blocks of :data:`BLOCK_FRAMES` frames.
    ``expected_samples`` (the signal's length, if known roughly) sizes the kept arrays once;
    without it they grow by doubling.
    """

    def __init__(self, sr: int = SR, *, hop_length: int = HOP_LENGTH, n_fft: int = N_FFT,
                 n_mels: int = N_MELS, block_frames: int = BLOCK_FRAMES,
                 expected_samples: int | None = None) -> None:
        if block_frames <= _HPSS_CONTEXT:
            raise ValueError(f"block_frames must be over {_HPSS_CONTEXT}, got {block_frames}")
        self.sr, self.hop, self.n_fft = int(sr), int(hop_length), int(n_fft)
        self.block = int(block_frames)
        self._mel_basis = mel_filterbank(sr, n_fft, n_mels)
        self._mel_norm = np.maximum(self._mel_basis.sum(axis=0)[:, None], 1e-12)
        self._chroma_fb = chroma_filterbank(sr, n_fft, 12)
        freqs = fft_frequencies(sr, n_fft)
        weight = np.ones(len(freqs))
        weight[0] = weight[-1] = 0.5
        self._bands = np.stack([
            weight, weight * (freqs < BASS_MAX_HZ),
            weight * ((freqs >= BASS_MAX_HZ) & (freqs < HIGH_MIN_HZ)),
            weight * (freqs >= HIGH_MIN_HZ),
        ]).astype(np.float32)
        self._moments = np.stack([freqs, np.ones_like(freqs)]).astype(np.float32)
        self._treble = (freqs >= BASS_MAX_HZ) & (freqs <= HIGH_MIN_HZ)
        self._treble_fb = self._chroma_fb[:, self._treble]
        mel_f = mel_frequencies(n_mels + 2, fmax=sr / 2)[1:-1]
        self._treble_band = np.clip(np.searchsorted(mel_f, freqs[self._treble]), 0, n_mels - 1)
        # samples in padded coordinates (n_fft // 2 zeros before the signal, as librosa's
        # centred STFT): self._buf holds [self._buf_start, self._buf_start + len(self._buf))
        self._buf = np.zeros(n_fft // 2, dtype=np.float32)
        self._buf_start = 0
        self._chunks: deque[np.ndarray] = deque()
        self._chunks_len = 0
        self._n_samples = 0
        self._peak = 0.0
        self._done = 0  # frames computed
        if expected_samples:  # a frame to spare: the length may be off by a sample
            capacity = 2 + max(expected_samples, n_fft) // self.hop
        else:
            capacity = 4 * self.block
        rows = {"mel": n_mels, "mel_harmonic": n_mels, "mel_percussive": n_mels, "chroma": 12,
                "chroma_treble": 12, "band_power": 4, "centroid": 1, "wave_peak": 1}
        self._parts = {name: _Columns(n, capacity) for name, n in rows.items()}
        self._pending: deque[tuple[int, np.ndarray]] = deque()  # (first frame, power): no HPSS yet

    # -- input -----------------------------------------------------------------------------

    def feed(self, samples: np.ndarray) -> None:
        """Append mono samples (any length, converted to float32)."""
        x = np.asarray(samples, dtype=np.float32)
        if x.ndim != 1:
            raise ValueError(f"samples must be mono (n,), got shape {x.shape}")
        if not len(x):
            return
        for i in range(0, len(x), 1 << 20):  # no |x| copy of a whole song at once
            self._peak = max(self._peak, float(np.max(np.abs(x[i:i + (1 << 20)]))))
        self._n_samples += len(x)
        self._chunks.append(x)
        self._chunks_len += len(x)
        known = self._buf_start + len(self._buf) + self._chunks_len
        available = (known - self.n_fft) // self.hop + 1 if known >= self.n_fft else 0
        while available - self._done >= self.block:
            self._step(self._done + self.block)

    def finish(self, y: np.ndarray) -> Spectra:
        """The spectra of everything fed; ``y`` is the signal fed (kept as :attr:`Spectra.y`).

        Signals shorter than ``n_fft`` are padded with zeros to ``n_fft`` (so is ``y``).
        """
        if len(y) != self._n_samples:
            raise ValueError(f"y has {len(y)} samples but {self._n_samples} were fed")
        if self._n_samples < self.n_fft:
            self.feed(np.zeros(self.n_fft - self._n_samples, dtype=np.float32))
            y = np.pad(np.asarray(y, dtype=np.float32), (0, self.n_fft - len(y)))
        self._chunks.append(np.zeros(self.n_fft // 2, dtype=np.float32))
        self._chunks_len += self.n_fft // 2
        total = 1 + self._n_samples // self.hop
        while self._done < total:
            self._step(min(self._done + self.block, total))
        self._split_pending(final=True)
        out = {name: columns.array() for name, columns in self._parts.items()}
        for name in ("centroid", "wave_peak"):
            out[name] = out[name][0]
        return Spectra(y=y, sr=self.sr, hop_length=self.hop, n_fft=self.n_fft,
                       onset_env=_onset_envelope(out["mel"], self.n_fft, self.hop),
                       peak=self._peak, **out)

    # -- one block of frames ---------------------------------------------------------------

    def _segment(self, end: int) -> np.ndarray:
        """Padded samples from the buffer start up to ``end`` (consuming fed chunks)."""
        need = end - (self._buf_start + len(self._buf))
        parts = [self._buf]
        while need > 0 and self._chunks:
            chunk = self._chunks[0]
            if len(chunk) <= need:
                parts.append(self._chunks.popleft())
            else:
                parts.append(chunk[:need])
                self._chunks[0] = chunk[need:]
            taken = len(parts[-1])
            need -= taken
            self._chunks_len -= taken
        self._buf = np.concatenate(parts) if len(parts) > 1 else self._buf
        return self._buf

    def _step(self, f1: int) -> None:
        """Compute frames ``self._done .. f1 - 1``."""
        f0, hop, n_fft = self._done, self.hop, self.n_fft
        buf = self._segment((f1 - 1) * hop + n_fft)
        segment = buf[f0 * hop - self._buf_start: (f1 - 1) * hop + n_fft - self._buf_start]
        mag = stft_magnitude(segment, n_fft, hop)
        power = mag**2
        parts = self._parts
        # power is frame-major (the STFT is Fortran-ordered): (frames, bins) @ (bins, k)
        # is the fast product here, and its values equal basis @ power
        parts["mel"].append(_frame_product(power.T, self._mel_basis.T, f0).T)
        parts["band_power"].append(_frame_product(power.T, self._bands.T, f0).T)
        moments = self._moments @ mag
        del mag
        parts["centroid"].append(moments[0] / np.maximum(moments[1], 1e-30))
        first = n_fft // 2 - hop // 2
        parts["wave_peak"].append(np.abs(segment[first: first + (f1 - f0) * hop])
                                  .reshape(f1 - f0, hop).max(axis=1))
        self._pending.append((f0, power))
        self._done = f1
        keep_from = f1 * hop  # the next frame's first sample
        self._buf = buf[keep_from - self._buf_start:]
        self._buf_start = keep_from
        self._split_pending(final=False)

    def _split_pending(self, *, final: bool) -> None:
        """HPSS and chroma of each pending block whose right context has been computed."""
        mel, ctx = self._parts["mel"], _HPSS_CONTEXT
        while self._pending:
            f0, power = self._pending[0]
            f1 = f0 + power.shape[1]
            if not final and f1 + ctx > self._done:
                break
            lo, hi = max(f0 - ctx, 0), min(f1 + ctx, self._done)
            harmonic, percussive = hpss(mel.view(lo, hi), _HPSS_KERNEL, margin=1.0)
            inner = slice(f0 - lo, f1 - lo)
            self._parts["mel_harmonic"].append(harmonic[:, inner])
            self._parts["mel_percussive"].append(percussive[:, inner])
            chroma, treble = self._chroma(power, mel.view(f0, f1), harmonic[:, inner])
            self._parts["chroma"].append(chroma)
            self._parts["chroma_treble"].append(treble)
            self._pending.popleft()

    def _chroma(self, power: np.ndarray, mel: np.ndarray, harmonic: np.ndarray,
                ) -> tuple[np.ndarray, np.ndarray]:
        """Chroma (all bins, weighted by the harmonic share of their mel bands) and treble
        chroma (bins above the bass, weighted by the share of the nearest band)."""
        harmonic_share = harmonic / np.maximum(mel, 1e-12)
        treble = _unit_peak(self._treble_fb @ (power[self._treble]
                                               * harmonic_share[self._treble_band]))
        weighted = self._mel_basis.T @ harmonic_share  # share per bin, then power (in place)
        weighted /= self._mel_norm
        np.clip(weighted, 0.0, 1.0, out=weighted)
        weighted *= power
        # tuning=0 (as chroma_stft(tuning=0.0)): pitch-tracking the whole song for the tuning
        # costs ~1.4 s and warns on silence
        chroma = np.einsum("cf,...ft->...ct", self._chroma_fb, weighted,
                           optimize=True)  # as chroma_stft(..., norm=None)
        return _unit_peak(chroma), treble


def _frame_product(frames: np.ndarray, basis: np.ndarray, first: int) -> np.ndarray:
    """``frames @ basis`` for the frames numbered ``first, first + 1, ...`` of the signal.

    BLAS rounds a row's product by the row's place in the matrix and the matrix's size (seen
    with OpenBLAS's Haswell kernels: 1 ulp), so one product per block would make the spectra
    depend on how the signal was cut into blocks. Here every product has
    ``_PRODUCT_FRAMES`` rows aligned on the signal's frame numbers (zeros around a block's
    ends), and each frame's values are the same however the signal is fed.
    """
    n, size = len(frames), _PRODUCT_FRAMES
    out = np.empty((n, basis.shape[1]), dtype=np.result_type(frames, basis))
    start = first // size * size
    for group in range(start, first + n, size):
        a, b = max(group, first), min(group + size, first + n)
        if b - a == size:
            out[a - first:b - first] = frames[a - first:b - first] @ basis
            continue
        padded = np.zeros((size, frames.shape[1]), dtype=frames.dtype)
        padded[a - group:b - group] = frames[a - first:b - first]
        out[a - first:b - first] = (padded @ basis)[a - group:b - group]
    return out


def _unit_peak(chroma: np.ndarray) -> np.ndarray:
    """Each frame divided by its maximum (0 where that is ~0), float32."""
    peak = chroma.max(axis=0, keepdims=True)
    return np.where(peak > 1e-8, chroma / np.maximum(peak, 1e-12), 0.0).astype(np.float32)


class _Columns:
    """A float32 ``(rows, n)`` array filled block by block: preallocated, doubled when full."""

    def __init__(self, rows: int, capacity: int) -> None:
        self._a = np.empty((rows, max(capacity, 1)), dtype=np.float32)
        self.n = 0

    def append(self, block: np.ndarray) -> None:
        k = block.shape[-1]
        if self.n + k > self._a.shape[1]:
            grown = np.empty((self._a.shape[0], max(2 * self._a.shape[1], self.n + k)),
                             dtype=np.float32)
            grown[:, : self.n] = self._a[:, : self.n]
            self._a = grown
        self._a[:, self.n: self.n + k] = block
        self.n += k

    def view(self, lo: int, hi: int) -> np.ndarray:
        return self._a[:, lo:hi]

    def array(self) -> np.ndarray:
        """The columns filled; a view when the slack is small, else a compact copy."""
        if self.n >= 0.9 * self._a.shape[1]:
            return self._a[:, : self.n]
        return np.ascontiguousarray(self._a[:, : self.n])


def _onset_envelope(mel: np.ndarray, n_fft: int, hop: int) -> np.ndarray:
    """librosa's ``onset_strength(S=power_to_db(mel, ref=np.max))``, computed in blocks."""
    n = mel.shape[1]
    ref = np.max(mel)
    step = BLOCK_FRAMES

    def db(a: int, b: int) -> np.ndarray:
        return power_to_db(mel[:, a:b], ref=ref)

    floor = np.float32(-_TOP_DB)  # the top is 0 dB: ref is the mel's maximum
    lag_pad = 1 + n_fft // (2 * hop)  # lag 1, centred frames
    env = np.zeros(n, dtype=np.float32)
    for a in range(0, n - 1, step):  # flux j compares frames j + 1 and j
        b = min(a + step, n - 1)
        s = np.maximum(db(a, b + 1), floor)
        flux = np.mean(np.maximum(0.0, s[:, 1:] - s[:, :-1]), axis=0)
        lo, hi = a + lag_pad, min(b + lag_pad, n)
        if lo < hi:
            env[lo:hi] = flux[: hi - lo]
    return env


def compute_spectra(y: np.ndarray, sr: int = SR, *, hop_length: int = HOP_LENGTH,
                    n_fft: int = N_FFT, n_mels: int = N_MELS) -> Spectra:
    """Compute every spectrum of the analysis from mono samples ``y`` at ``sr``.

    Silence and very short clips are fine (arrays of zeros, at least one frame).
    """
    y = np.ascontiguousarray(y, dtype=np.float32)
    if y.ndim != 1:
        raise ValueError(f"y must be mono (n,), got shape {y.shape}")
    builder = SpectraBuilder(sr, hop_length=hop_length, n_fft=n_fft, n_mels=n_mels,
                             expected_samples=len(y))
    builder.feed(y)
    return builder.finish(y)


def sample_windows(y: np.ndarray, starts: np.ndarray, span: int) -> np.ndarray:
    """``y[s : s + span]`` for each start ``s`` (zeros outside ``y``), float32 (k, span).

    When ``y`` is a memory map of a file (:func:`~.analysis.analyze_file`'s samples), the
    pages read are given back to the kernel afterwards: reading windows all over a long song
    does not make all of its samples resident.
    """
    starts = np.asarray(starts, dtype=np.int64)
    if not len(starts) or not len(y):
        return np.zeros((len(starts), span), dtype=np.float32)
    idx = starts[:, None] + np.arange(span)[None, :]
    inside = (idx >= 0) & (idx < len(y))
    out = np.where(inside, y[np.clip(idx, 0, len(y) - 1)], 0.0).astype(np.float32, copy=False)
    mapping = getattr(y, "base", None)
    if (isinstance(y, np.memmap) and isinstance(mapping, mmap.mmap)
            and getattr(y, "offset", None) == 0 and hasattr(mmap, "MADV_DONTNEED")):
        size = y.itemsize
        lo = max(int(starts.min()) * size - _FAULT_AROUND, 0) // mmap.PAGESIZE * mmap.PAGESIZE
        hi = min((int(starts.max()) + span) * size + _FAULT_AROUND, len(mapping))
        if hi > lo:
            mapping.madvise(mmap.MADV_DONTNEED, lo, hi - lo)
    return out
