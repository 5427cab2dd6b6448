"""Beats, downbeats, meter and tempo, and onsets, from the shared :class:`~.spectra.Spectra`.

- :class:`BeatResult`   tempo, beats, downbeats, meter
- :func:`track_beats`   :class:`~.spectra.Spectra` -> :class:`BeatResult`
- :func:`detect_onsets` :class:`~.spectra.Spectra` -> onset times

Method (on the 43 frames/s grid of the spectra, plus a fine look at the samples at the end):

1. Novelty. Spectral fluxes of the log-mel spectrum: full band, low band (< 150 Hz), the
   percussive 1.5-7.5 kHz band (snares, hats), and a harmonic (chroma) change curve, each
   detrended and normalised; all peak on the attacks. Placing beats also counts a kick-band
   flux (< 65 Hz), which peaks late, over the few frames before its peak. Sharp attacks above
   1.5 kHz that are pitched, not noise (a piano's hammers, not a snare: spectral flatness at
   the attacks), are not drum hits: placing the beats counts them less, and the phase tests
   read the bass notes' entries where they read snares and hats (a rag's afterbeat chords).
2. No beats without a pulse: nothing starts (a steady tone, a glide, stationary noise: the
   flux stays below 2 dB, and the harmony does not change in steps, as legato chords of an
   organ or a choir do, and no lone melody steps from note to note in the few bands it
   sounds in, as a fife tune does) or no periodicity, in the mix or in one onset source alone (all
   attacks, the low band, the chord changes), stands above what noise reaches at some lag.
3. Tempo curve. The tempo with the strongest comb of autocorrelation peaks (the beat period and
   its multiples up to a bar) seeds a Viterbi path through a 10-s tempogram, within half an
   octave of it: the beats follow tempo changes.
4. Metrical level. The curve times 1/3, 1/2, 2/3, 1, 3/2, 2 and 3 are each tracked (Ellis'
   dynamic programme with the time-varying period, tight), put on the beat (stretches half a
   beat off, e.g. locked to off-beat bass and hats, are moved by a two-state Viterbi on kick,
   snare/hat and chord-change evidence; each steady stretch on the "and" moves when the
   strongest drum hits and the chord changes sit on the other eighth, where it really falls
   when swung (a one-drop's skank is late), or the bass and kick sound on most of the other
   eighths and few beats (cymbals on the "and" do not count); a stretch that slipped half a
   beat off the grid and back (a breakdown without kick, followed on its off-beat bass)
   returns to the grid where that grid is steady (rubato bends it); beats on the swung eighth,
   two thirds of a beat late, move a third of a beat) and grouped into bars; the level that wins
   has strong onsets on its beats, periodicity at its period (in the mix or in the low band
   alone: a walking bass; not below 60 BPM, where the low band pulses in half bars), a
   backbeat (snare or hi-hat alternating beat to beat), clear bars,
   and a tempo near what listeners tap (a prior centred at 120 BPM without drums, the tempo
   listeners prefer, and at 140 with a full kit; none below 50 BPM; without drums, beats
   holding more than about four notes are too slow: a fiddle jig's bars); an octave of the
   winner is no cross-rhythm; a fast triple level over a duple rhythm gives
   way to its dotted beat (6/8, 12/8), as do quarters read in 2 or 4 over a 12/8 (its dotted
   level is tracked for that rule only); a winner whose beats do not recur gives way to a
   recurring level at 3/2 of its tempo; bars of 3, 5 or 7 are never counted in pairs of
   beats, and a level in 2 or 4 counting pairs of the beats of a drum backbeat (kick on each
   of its beats, the snare between) yields to the double, where the kick and the snare
   alternate (only in music with drums: legato chords and a quartet's cello alternate too).
   Without drums (drumness below 0.25), stretches of the chosen level's beats that sit half, a
   quarter or a third of a beat off move to where the long notes start (the agogic accent: a
   fiddle tune's even notes, a strathspey's snaps), by a Viterbi over the shifts.
5. Beats onto the attacks: each beat moves to the sharpest attack within 60 ms before / 50 ms
   after it in a fine spectral flux of the samples (2.9 ms steps); beats without one move by
   the median shift of the others. So beats are not late.
6. Downbeats and meter, in :mod:`.downbeats`: the meter family from how alike the rhythm
   is at lags of whole bars, then a bar count through the beats on per-beat accents.

Neural trackers (``beat_this``, ``madmom``) are chosen in :mod:`.trackers` (``beat_tracker``).
The whole of it takes about 0.25 s for a 3-minute song.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from .downbeats import find_downbeats, pattern_similarity
from .downbeats import peak_window as _peak_window  # the beat-level code's name for it
from .dsp import fft_frequencies, find_peaks, spectrum_stft
from .spectra import Spectra, sample_windows

__all__ = ["BeatResult", "detect_onsets", "track_beats"]

try:  # numba comes with librosa
    from numba import njit
except ImportError:  # pragma: no cover
    njit = None


@dataclass(frozen=True)
class BeatResult:
    """Beat tracking result.

    Attributes
    ----------
    tempo : float
        Dominant tempo in BPM (0.0 when there are no beats).
    beats : np.ndarray [shape=(n,)], float64
        Beat times in seconds, sorted.
    downbeats : np.ndarray [shape=(m,)], float64
        Downbeat times in seconds, a subset of ``beats``.
    meter : int
        Beats per bar: 2, 3, 4, 5 or 7 (4 when unsure); 6/8 and 12/8 are 2 and 4 dotted beats.
    """

    tempo: float
    beats: np.ndarray
    downbeats: np.ndarray
    meter: int


def _empty() -> BeatResult:
    return BeatResult(tempo=0.0, beats=np.zeros(0), downbeats=np.zeros(0), meter=4)


# ---------------------------------------------------------------------------------------------
# 1. Novelty
# ---------------------------------------------------------------------------------------------

def _log_mel(mel: np.ndarray, ref: float) -> np.ndarray:
    out = np.maximum(mel, 1e-10)  # then in place: a long song's mel is big
    out /= ref
    np.log10(out, out=out)
    out *= 10.0
    return np.maximum(out, -80.0, out=out)


def _band_flux(log_mel: np.ndarray, lo: int, hi: int, lag: int = 1,
               from_silence: bool = False) -> np.ndarray:
    """Mean rise (dB) over mel bands ``lo:hi`` from ``lag`` frames before.

    With ``from_silence``, the first ``lag`` frames rise from the silence before the file
    (capped at the 99th percentile of the rest), so music starting on its first sample has
    an attack there.
    """
    band = log_mel[lo:hi]
    out = np.zeros(log_mel.shape[1])
    if band.shape[0] and log_mel.shape[1] > lag:
        rise = band[:, lag:] - band[:, :-lag]
        out[lag:] = np.maximum(rise, 0.0, out=rise).mean(axis=0)
        if from_silence:
            start = np.maximum(band[:, :lag] - band.min(), 0.0).mean(axis=0)
            out[:lag] = np.minimum(start, np.percentile(out[lag:], 99))
    return out


def _detrend(x: np.ndarray, width: int) -> np.ndarray:
    from scipy.ndimage import uniform_filter1d

    return np.maximum(x - uniform_filter1d(x, max(width, 1), mode="nearest"), 0.0)


def _unit(x: np.ndarray) -> np.ndarray:
    s = float(x.std())
    return x / s if s > 1e-12 else np.zeros_like(x)


def _mel_band(spectra: Spectra, hz: float) -> int:
    return int(np.searchsorted(spectra.mel_frequencies(), hz))


def _novelties(spectra: Spectra, log_mel: np.ndarray | None = None, pitched: float = 0.0,
               ) -> dict[str, np.ndarray]:
    """Detrended, unit-variance novelty curves (one value per frame).

    ``beat`` (for periodicity) mixes the full-band, high percussive, low band and chroma change
    curves, all peaking on the attack; ``track`` (for placing beats) adds the kick band.
    ``pitched`` (0 .. 1): how much the sharp attacks above 1.5 kHz are pitched, not drums (a
    piano's chords, see :func:`_attack_noise`); the percussive bands above 1.5 kHz (``high``
    and ``hits``, read as snares and hats) count that much less, and the bass notes' entries
    (``bass_entries``: the low band, that much of it) mark the beat instead: a rag's or a
    polonaise's left hand plays the bass on the beat and its bright chords after it.
    """
    from scipy.ndimage import maximum_filter1d

    width = round(0.4 * spectra.frame_rate) | 1
    ref = float(max(spectra.mel.max(), 1e-10))
    log_mel = _log_mel(spectra.mel, ref) if log_mel is None else log_mel
    log_perc = _log_mel(spectra.mel_percussive, ref)
    kick_hi = max(_mel_band(spectra, 65.0), 1)
    high_lo, high_hi = _mel_band(spectra, 1500.0), _mel_band(spectra, 7500.0)
    bass_hi = max(_mel_band(spectra, 150.0), 1)
    onset = _unit(_detrend(_band_flux(log_mel, 0, log_mel.shape[0], from_silence=True), width))
    kick = _unit(_detrend(_band_flux(log_mel, 0, kick_hi, lag=2, from_silence=True), width))
    low = _unit(_detrend(_band_flux(log_mel, 0, bass_hi, from_silence=True), width))
    high = _unit(_detrend(_band_flux(log_perc, high_lo, high_hi, from_silence=True), width))
    change = _unit(_chroma_change(spectra.chroma, spectra.frame_rate))
    beat = onset + 2.0 * high + low + change
    placed = onset + 2.0 * (1.0 - pitched) * high + low + change  # where the beats go
    high = (1.0 - pitched) * high + pitched * low
    # low frequencies build up late (long windows, pitch-swept kicks): for placing beats, a kick
    # counts over the few frames before its peak
    kick_ahead = maximum_filter1d(kick, 5, origin=-2, mode="nearest")
    # the strongest drum hits, per band of the percussive part (see _fix_half_beat)
    hits = [_unit(_detrend(_band_flux(log_perc, max(_mel_band(spectra, lo), 0),
                                      max(_mel_band(spectra, hi), 1)), width))
            for lo, hi in _HIT_BANDS]
    hits[1:] = [(1.0 - pitched) * x + pitched * low for x in hits[1:]]
    # harmonic change above the bass (chords change on bar lines; bass lines move inside bars)
    treble = spectra.chroma_treble
    treble_change = _unit(_chroma_change(treble, spectra.frame_rate))
    return {"onset": onset, "kick": kick, "low": low, "high": high, "change": change,
            "beat": beat, "track": placed + kick_ahead, "treble_chroma": treble,
            "treble_change": treble_change, "hits": np.stack(hits)}


_HIT_BANDS = ((0.0, 65.0), (1500.0, 4000.0), (4000.0, 7500.0), (7500.0, 11025.0))


def _chroma_change(chroma: np.ndarray, frame_rate: float, window_s: float = 0.3) -> np.ndarray:
    """Harmonic change: cosine distance between the mean chroma before and after each frame."""
    w = max(2, round(window_s * frame_rate))
    n = chroma.shape[1]
    csum = np.concatenate([np.zeros((chroma.shape[0], 1)), np.cumsum(chroma, axis=1)], axis=1)
    t = np.arange(n)
    before = csum[:, t] - csum[:, np.clip(t - w, 0, n)]
    after = csum[:, np.clip(t + w, 0, n)] - csum[:, t]
    nb, na = np.linalg.norm(before, axis=0), np.linalg.norm(after, axis=0)
    cos = (before * after).sum(axis=0) / np.maximum(nb * na, 1e-12)
    present = np.minimum(nb, na) / w > 0.05
    return np.where(present, 1.0 - cos, 0.0)


# ---------------------------------------------------------------------------------------------
# 2. Periodicity: a local autocorrelation tempogram
# ---------------------------------------------------------------------------------------------

_BPM_LO, _BPM_HI = 40.0, 260.0  # a fast Balkan 7/8 counts its eighths at 250
_TEMPO_WIN_S = 10.0
_TEMPO_HOP = 8  # frames between tempogram columns (~0.19 s)
_COMB = (1.0, 2.0, 3.0, 4.0)  # a beat period is supported by the periodicity of its multiples
_TEMPO_ROWS = 1024  # tempogram windows per block (memory)


def _autocorrelation(frames: np.ndarray, max_lag: int) -> np.ndarray:
    """Autocorrelation of each row for lags ``0 .. max_lag``, normalised so lag 0 is 1.

    Rows are mean-removed and Hann-windowed; each lag is divided by the window's own overlap at
    that lag, so long lags are not penalised.
    """
    win = frames.shape[-1]
    window = np.hanning(win + 2)[1:-1]
    frames = (frames - frames.mean(axis=-1, keepdims=True)) * window
    nfft = 1 << int(np.ceil(np.log2(2 * win)))
    acf = np.fft.irfft(np.abs(np.fft.rfft(frames, nfft, axis=-1)) ** 2, nfft, axis=-1)
    acf = acf[..., : max_lag + 1]
    # the window's own overlap at each lag, by FFT too (np.correlate is O(n^2): minutes for
    # the whole-song autocorrelation of an hour-long file)
    overlap = np.fft.irfft(np.abs(np.fft.rfft(window, nfft)) ** 2, nfft)[: max_lag + 1]
    acf = acf / overlap
    return acf / np.maximum(acf[..., :1], 1e-12)


def _tempogram(x: np.ndarray, frame_rate: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Local autocorrelation of ``x`` in windows of ``_TEMPO_WIN_S`` seconds.

    Returns
    -------
    centres : np.ndarray [shape=(k,)]
        Frame index at the centre of each window.
    acf : np.ndarray [shape=(k, n_lags)]
        Normalised autocorrelation per window (see :func:`_autocorrelation`).
    energy : np.ndarray [shape=(k,)]
        Variance of ``x`` in each window.
    """
    n = len(x)
    win = min(round(_TEMPO_WIN_S * frame_rate), n)
    max_lag = win // 2
    starts = np.arange(0, n - win + 1, _TEMPO_HOP)
    windows = np.lib.stride_tricks.sliding_window_view(x, win)
    acf = np.empty((len(starts), max_lag + 1))
    energy = np.empty(len(starts))
    for i in range(0, len(starts), _TEMPO_ROWS):  # in row blocks: a long song's windows are big
        frames = windows[starts[i:i + _TEMPO_ROWS]]
        acf[i:i + len(frames)] = _autocorrelation(frames, max_lag)
        energy[i:i + len(frames)] = frames.var(axis=1)
    return starts + win / 2.0, acf, energy


def _acf_at(acf: np.ndarray, lags: np.ndarray) -> np.ndarray:
    """``acf[..., lag]`` at fractional lags (linear interpolation; 0 beyond the last lag)."""
    lags = np.asarray(lags, dtype=np.float64)
    lo = np.clip(np.floor(lags).astype(int), 0, acf.shape[-1] - 2)
    frac = np.clip(lags - lo, 0.0, 1.0)
    out = acf[..., lo] * (1 - frac) + acf[..., lo + 1] * frac
    return np.where(lags <= acf.shape[-1] - 1, out, 0.0)


def _acf_at_rows(acf: np.ndarray, lags: np.ndarray, weights: np.ndarray) -> float:
    """Weighted mean over rows ``k`` of ``acf[k]`` at the fractional lag ``lags[k]``."""
    rows = np.arange(len(acf))
    lo = np.clip(np.floor(lags).astype(int), 0, acf.shape[1] - 2)
    frac = np.clip(lags - lo, 0.0, 1.0)
    values = acf[rows, lo] * (1 - frac) + acf[rows, lo + 1] * frac
    return float((values * weights).sum() / max(float(weights.sum()), 1e-9))


def _comb(acf: np.ndarray, frame_rate: float, bpm: np.ndarray) -> np.ndarray:
    """Salience of each tempo: autocorrelation summed over multiples of its period."""
    period = 60.0 * frame_rate / np.asarray(bpm, dtype=np.float64)
    return sum(_acf_at(acf, k * period) for k in _COMB)


# ---------------------------------------------------------------------------------------------
# 3. Tempo: candidates, a tempo curve, the metrical level
# ---------------------------------------------------------------------------------------------

_GRID_STEP = 0.01  # log2 step of the tempo grid (0.7 %)


def _tempo_grid(lo: float, hi: float) -> np.ndarray:
    return 2.0 ** np.arange(np.log2(lo), np.log2(hi) + 1e-9, _GRID_STEP)


def _viterbi_tempo(salience: np.ndarray, grid: np.ndarray, jump_cost: float) -> np.ndarray:
    """Best path through ``salience`` [shape=(k, len(grid))]; cost per log2 step of change."""
    logt = np.log2(grid)
    trans = -jump_cost * np.abs(logt[:, None] - logt[None, :])  # [from, to]
    score = salience[0].copy()
    back = np.zeros(salience.shape, dtype=np.int32)
    cols = np.arange(len(grid))
    for k in range(1, len(salience)):
        cand = score[:, None] + trans
        back[k] = np.argmax(cand, axis=0)
        score = cand[back[k], cols] + salience[k]
    path = np.zeros(len(salience), dtype=np.int32)
    path[-1] = int(np.argmax(score))
    for k in range(len(salience) - 1, 0, -1):
        path[k - 1] = back[k, path[k]]
    return grid[path]


def _tempo_curve(acf: np.ndarray, weights: np.ndarray, frame_rate: float, centre_bpm: float,
                 ) -> np.ndarray:
    """Tempo (BPM) per tempogram column, within half an octave of ``centre_bpm``."""
    grid = _tempo_grid(centre_bpm / 2**0.5, centre_bpm * 2**0.5)
    sal = _comb(acf, frame_rate, grid)
    # a mild pull towards the centre keeps the path on one level through weak passages
    sal = sal * weights[:, None] - 0.1 * np.abs(np.log2(grid / centre_bpm))[None, :]
    return _viterbi_tempo(sal, grid, jump_cost=4.0)


# ---------------------------------------------------------------------------------------------
# 4. Beats: dynamic programming with a time-varying period
# ---------------------------------------------------------------------------------------------

def _dp_python(local: np.ndarray, period: np.ndarray, tightness: float,
               cum: np.ndarray, back: np.ndarray) -> None:  # pragma: no cover - numba path
    n = len(local)
    for t in range(n):
        p = period[t]
        lo, hi = max(t - int(2.0 * p), 0), t - round(p / 2.0)
        best, arg = 0.0, -1
        for s in range(lo, hi + 1):
            v = cum[s] - tightness * np.log((t - s) / p) ** 2
            if v > best:
                best, arg = v, s
        cum[t] = local[t] + best
        back[t] = arg


_dp = njit(cache=True, nogil=True)(_dp_python) if njit is not None else _dp_python


def _track(local: np.ndarray, period: np.ndarray, tightness: float = 100.0) -> np.ndarray:
    """Ellis' beat DP: frames of the best beat sequence for ``local`` with ``period`` per frame.

    Parameters
    ----------
    local : np.ndarray [shape=(n,)]
        Non-negative local score (onset novelty).
    period : np.ndarray [shape=(n,)]
        Beat period in frames at each frame.
    tightness : float
        Weight of the squared log deviation of each inter-beat interval from the period.

    Returns
    -------
    np.ndarray [shape=(b,)], int
        Beat frames, increasing.
    """
    n = len(local)
    cum = np.zeros(n)
    back = np.full(n, -1, dtype=np.int64)
    _dp(np.ascontiguousarray(local, dtype=np.float64),
        np.ascontiguousarray(period, dtype=np.float64), float(tightness), cum, back)
    last = max(int(np.ceil(period[-1])), 1)
    t = n - last + int(np.argmax(cum[n - last:]))
    beats = []
    while t >= 0:
        beats.append(t)
        t = int(back[t])
    return np.asarray(beats[::-1], dtype=np.int64)


def _peak_at(x: np.ndarray, frames: np.ndarray, radius: int = 2) -> np.ndarray:
    """Max of ``x`` within ``radius`` frames of each of ``frames`` (fractional allowed)."""
    if len(frames) == 0:
        return np.zeros(0)
    idx = np.round(np.asarray(frames, dtype=np.float64)).astype(int)
    offsets = np.arange(-radius, radius + 1)
    return x[np.clip(idx[:, None] + offsets[None, :], 0, len(x) - 1)].max(axis=1)


def _trim(beats: np.ndarray, local: np.ndarray) -> np.ndarray:
    """Drop leading and trailing beats whose onset strength is weak (before/after the music)."""
    if len(beats) < 3:
        return beats
    strength = _peak_at(local, beats)
    smooth = np.convolve(strength, np.hanning(5)[1:-1] / 2.0, mode="same")
    threshold = 0.3 * float(np.sqrt(np.mean(smooth**2)))
    keep = np.flatnonzero(smooth > threshold)
    if len(keep) == 0:
        return beats[:0]
    return beats[keep[0]: keep[-1] + 1]


# metrical levels tried, as ratios to the song's tempo curve: halves and thirds of it and their
# multiples, and 5/2 (the strongest periodicity of a fast 5/4 in 3 + 2 can be its half bar)
_RATIOS = (1 / 3, 1 / 2, 2 / 3, 1.0, 3 / 2, 2.0, 5 / 2, 3.0)


def _onset_strength_on(local: np.ndarray, beats: np.ndarray) -> float:
    """Mean onset strength on a beat sequence (see :func:`_level_score`)."""
    return float(_peak_at(local, beats).mean()) if len(beats) >= 4 else 0.0


def _transients(spectra: Spectra) -> float:
    """How much the 1.5-7.5 kHz band has sharp attacks, 0 (none: pads, strings) .. 1 (a kit).

    In music with drums, snares and hats make that band clearly percussive (short) in a good
    share of frames; we take the 90th percentile over frames of the percussive-minus-harmonic
    level in that band (dB) and map 2 dB -> 0, 8 dB -> 1. A piano's hammers are as short: see
    :func:`_attack_noise` for what tells them apart.
    """
    ref = float(max(spectra.mel.max(), 1e-10))
    lo, hi = _mel_band(spectra, 1500.0), _mel_band(spectra, 7500.0)
    diff = (_log_mel(spectra.mel_percussive[lo:hi], ref)
            - _log_mel(spectra.mel_harmonic[lo:hi], ref)).mean(axis=0)
    audible = spectra.mel[lo:hi].max(axis=0) > ref * 1e-6
    if not audible.any():
        return 0.0
    return float(np.clip((np.percentile(diff[audible], 90) - 2.0) / 6.0, 0.0, 1.0))


def _attack_noise(spectra: Spectra) -> float:
    """How noisy the strongest attacks above 2 kHz are, 0 (pitched: piano hammers, plucked
    strings) .. 1 (noise: snares, hats, shakers).

    The spectral flatness (geometric over arithmetic mean of the power, 2-10 kHz, 1024-point
    STFT) at the tenth of the frames where that band rises most, the median over them: a drum
    hit is broadband noise (0.2-0.5), a piano chord's attack is its partials (about 0.01-0.02).
    Mapped ``_PITCHED_FLATNESS`` -> 0, ``_NOISY_FLATNESS`` -> 1. The STFT is taken a block of
    frames at a time (:func:`_hf_band_blocks`), so a long song needs little memory.
    """
    y, sr, hop = spectra.y, spectra.sr, spectra.hop_length
    if len(y) < 4 * _NOISE_FFT:
        return 1.0
    peak = max((float(band.max()) for band in _hf_band_blocks(y, sr, hop)), default=0.0)
    frames: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    last = None
    for band in _hf_band_blocks(y, sr, hop):
        if band.shape[0] < 4:
            return 1.0
        energy = band.sum(axis=0)
        band += 1e-10 * peak
        log_band = np.log(band)
        joined = log_band if last is None else np.concatenate([last, log_band], axis=1)
        rise = np.maximum(np.diff(joined, axis=1), 0.0).mean(axis=0)
        frames.append((energy, np.exp(log_band.mean(axis=0)) / band.mean(axis=0), rise))
        last = log_band[:, -1:]
    energy = np.concatenate([f[0] for f in frames]) if frames else np.zeros(0)
    if len(energy) < 20 or peak <= 0.0:
        return 1.0
    flatness = np.concatenate([f[1] for f in frames])
    rise = np.concatenate([f[2] for f in frames])  # rise[j]: into frame j + 1
    audible = np.flatnonzero(energy[1:] > _AUDIBLE * float(np.percentile(energy, 99)))
    if len(audible) == 0:
        return 1.0
    top = audible[np.argsort(rise[audible])[-max(len(audible) // 10, 1):]] + 1
    median = float(np.median(flatness[top]))
    return float(np.clip((median - _PITCHED_FLATNESS) / (_NOISY_FLATNESS - _PITCHED_FLATNESS),
                         0.0, 1.0))


def _hf_band_blocks(y: np.ndarray, sr: int, hop: int, frames: int = 2048):
    """The power of the 2-10 kHz bins of a ``_NOISE_FFT``-point STFT of ``y`` (hop ``hop``, no
    padding: frame k starts at sample k * hop), ``frames`` frames (columns) at a time."""
    total = (len(y) - _NOISE_FFT) // hop + 1
    freqs = fft_frequencies(sr, _NOISE_FFT)
    for k0 in range(0, max(total, 0), frames):
        k1 = min(k0 + frames, total)
        segment = np.asarray(y[k0 * hop:(k1 - 1) * hop + _NOISE_FFT], dtype=np.float32)
        z = spectrum_stft(segment, _NOISE_FFT, hop)
        yield np.abs(z[(freqs >= 2000.0) & (freqs < 10000.0)]) ** 2


_NOISE_FFT = 1024
_PITCHED_FLATNESS = 0.02
_AUDIBLE = 1e-3  # band power, relative to its loud frames (99th pct), of a frame with attacks
_NOISY_FLATNESS = 0.05


def _phase_evidence(nov: dict[str, np.ndarray], beats: np.ndarray, mids: np.ndarray,
                    ) -> np.ndarray:
    """Per beat: evidence that it is on the beat (> 0) rather than the half-beat after it.

    Kicks (allowing for the late low-frequency peak of a pitch-swept kick), snares and hats,
    and chord changes sit on the beat; syncopated bass and off-beat stabs do not count here.
    """
    evidence = np.zeros(len(beats))
    for name, weight in (("kick", 0.5), ("high", 1.0), ("treble_change", 1.0)):
        x = nov[name]
        evidence += weight * (_peak_window(x, beats, -1, 4) - _peak_window(x, mids, -1, 4))
    return evidence


def _fix_phase(nov: dict[str, np.ndarray], beats: np.ndarray, period: np.ndarray,
               switch_cost: float = 10.0) -> np.ndarray:
    """Move the stretches of beats that sit half a beat off onto the beat.

    A two-state Viterbi (on / half a beat off) over the per-beat evidence of
    :func:`_phase_evidence`; a change of state costs ``switch_cost``, so only sustained
    evidence moves beats.
    """
    if len(beats) < 4:
        return beats
    half = period[np.clip(np.round(beats).astype(int), 0, len(period) - 1)] / 2.0
    mids = np.append((beats[:-1] + beats[1:]) / 2.0, beats[-1] + half[-1])
    evidence = _phase_evidence(nov, beats, mids)
    score = np.array([evidence[0], -evidence[0]]) / 2.0
    back = np.zeros((len(beats), 2), dtype=np.int64)
    for i in range(1, len(beats)):
        stay, switch = score, score[::-1] - switch_cost
        back[i] = np.where(stay >= switch, [0, 1], [1, 0])
        score = np.maximum(stay, switch) + np.array([evidence[i], -evidence[i]]) / 2.0
    state = _backtrace(back, int(np.argmax(score)))
    if not state.any():
        return beats
    out = np.where(state == 1, mids, beats)
    if state[0] == 1 and beats[0] - half[0] >= 0:  # the half beat before the first one
        out = np.concatenate([[beats[0] - half[0]], out])
    return np.unique(np.round(out[out < len(period)]).astype(np.int64)).astype(np.float64)


def _backtrace(back: np.ndarray, last: int) -> np.ndarray:
    """The Viterbi path ending in state ``last``: ``back[i, s]`` is the state before ``s`` at
    step ``i``."""
    state = np.zeros(len(back), dtype=np.int64)
    state[-1] = last
    for i in range(len(back) - 1, 0, -1):
        state[i - 1] = back[i, state[i]]
    return state


def _agogic_evidence(peaks: np.ndarray, beats: np.ndarray, shift: float) -> np.ndarray:
    """Per beat: how long the note starting ``shift`` of a beat after it lasts (the interval
    to the next onset peak, in beats, at most 1; 0 without an onset there: one peak within a
    frame before to 4 frames after, where onset peaks fall on an attack)."""
    ibi = np.diff(beats)
    ibi = np.append(ibi, ibi[-1])
    pos = beats + shift * ibi
    j = np.clip(np.searchsorted(peaks, pos - 1.0), 0, len(peaks) - 1)
    gap = np.append(np.diff(peaks), np.inf)[j]
    near = (peaks[j] >= pos - 1.0) & (peaks[j] <= pos + 4.0)
    return np.where(near, np.minimum(gap / np.maximum(ibi, 1e-9), 1.0), 0.0)


def _fix_agogic_phase(peaks: np.ndarray, beats: np.ndarray, compound: bool) -> np.ndarray:
    """Move the stretches of beats that sit off the beat to where the long notes start.

    Without drums (a fiddle tune's even sixteenths, a strathspey's dotted notes and snaps, a
    quartet), accents need not mark the beat, but a note that starts on a beat tends to last
    longer than one that starts between beats (the agogic accent; Lerdahl and Jackendoff's
    metrical preference rule 5a). For the beats as tracked and shifted by half a beat, and by
    a quarter and three quarters (or a third and two thirds when the beats divide in three),
    the length of the note starting there (:func:`_agogic_evidence`) is compared by a Viterbi
    over the shifts: a shift must win by ``_AGOGIC_MARGIN`` per beat, and a change of shift
    costs ``_AGOGIC_SWITCH``, so only sustained evidence moves beats. ``peaks``: onset peaks
    (frames, ascending); ``beats``: frames.
    """
    peaks = np.asarray(peaks, dtype=np.float64)
    beats = np.asarray(beats, dtype=np.float64)
    if len(beats) < 8 or len(peaks) < 8:
        return beats
    shifts = np.array([0.0, 0.5] + ([1 / 3, 2 / 3] if compound else [0.25, 0.75]))
    evidence = np.stack([_agogic_evidence(peaks, beats, f) for f in shifts], axis=1)
    evidence[:, 1:] -= _AGOGIC_MARGIN
    switch = _AGOGIC_SWITCH * (1.0 - np.eye(len(shifts)))  # [to, from]
    score = evidence[0].copy()
    back = np.zeros(evidence.shape, dtype=np.int64)
    for i in range(1, len(beats)):
        options = score[None, :] - switch
        back[i] = np.argmax(options, axis=1)
        score = options[np.arange(len(shifts)), back[i]] + evidence[i]
    state = _backtrace(back, int(np.argmax(score)))
    if not state.any():
        return beats
    ibi = np.append(np.diff(beats), beats[-1] - beats[-2])
    out = np.round(beats + shifts[state] * ibi)
    keep = np.concatenate([[True], np.diff(out) > 0.3 * ibi[:-1]])
    return out[keep]


_AGOGIC_MARGIN = 0.03  # beats of note length a shift must win by, per beat
_AGOGIC_SWITCH = 2.0  # cost of a change of shift (beats of note length)


def _fix_half_beat(nov: dict[str, np.ndarray], beats: np.ndarray) -> np.ndarray:
    """Move the whole sequence onto the other eighth when the strongest drum hits fall there.

    In syncopated music (funk, one-drop, bossa, house bass) most onsets, on average, sit on
    the "and": but the strongest hits of the kit (kick on 1, snare on 2 and 4, crashes) are on
    the beat. Per percussive band, the 90th percentile of the attacks on the beats is compared
    with that on the other eighth (half a beat on, or where the swung eighth falls: see
    :func:`_other_eighth`; a normalised difference); when the sum over the bands, plus the
    chord changes' difference when they too lean to the other eighth, says the peaks are on
    the other eighth, and neither the chord changes nor the kick say otherwise, the beats
    move there.
    """
    if len(beats) < 8:
        return beats
    # the other eighth: half a beat on in straight time, earlier or later when swung (beats on
    # a swung "and" have the beat a little before their midpoint)
    other = _other_eighth(nov, beats)
    mids = beats[:-1] + other * np.diff(beats)

    def peaks(curves: list[np.ndarray]) -> np.ndarray:
        on = np.percentile([_peak_window(x, beats[:-1], -1, 2) for x in curves], 90, axis=1)
        off = np.percentile([_peak_window(x, mids, -1, 2) for x in curves], 90, axis=1)
        return (on - off) / np.maximum(on + off, 1e-9)

    per_band = peaks(list(nov["hits"]))
    hits = _hit_evidence(per_band)
    kick, chords = peaks([nov["kick"], nov["treble_change"]])
    # chords changing on the beats, or a four-on-the-floor kick under off-beat hats and bass
    # (house, disco), keep the beats where they are
    # the chord changes add to the drums' evidence when they too sit on the other eighth (a
    # funk clav and bass pushing the "and" while the chords change on the beat)
    evidence = hits + min(float(chords), 0.0)
    if ((evidence >= -_HALF_BEAT_EVIDENCE or chords > _HALF_BEAT_EVIDENCE or kick > 0.1)
            and not _bass_on_other_eighth(nov, beats[:-1], mids, float(per_band.sum()))):
        return beats
    before = float(np.median(np.diff(beats))) * (1.0 - other)
    first = [beats[0] - before] if beats[0] - before >= 0 else []
    return np.concatenate([first, mids])


_HALF_BEAT_EVIDENCE = 0.1


def _bass_on_other_eighth(nov: dict[str, np.ndarray], beats: np.ndarray, mids: np.ndarray,
                          drums: float) -> bool:
    """Whether the bass line and kick sound on most of the other eighths and on few beats.

    The beat is where the bass notes fall most regularly (a tuba's quarter notes under a second
    line's snare accents and kicks on the "and"). The lower quartile of the low-band and kick
    attacks on the beats is compared with that on the other eighths (``mids``; a normalised
    difference, as in :func:`_fix_half_beat`; only where one of them is notes, a quarter of
    the band's strong attacks): below ``-_BASS_COVERAGE`` (the other eighths' more than three
    times the beats'), the beats move, unless the drums' strongest hits
    (``drums``: the sum over the bands, cymbals included) or the chord changes lean to the
    beats. A funk bass pushing the "and" stays under its snare on 2 and 4.
    """
    def quartile(x: np.ndarray) -> float:
        at_beats, at_mids = _peak_window(x, beats, -1, 2), _peak_window(x, mids, -1, 2)
        on, off = float(np.percentile(at_beats, 25)), float(np.percentile(at_mids, 25))
        strong = float(np.percentile(np.concatenate([at_beats, at_mids]), 90))
        if max(on, off) < _NOTE_SHARE * strong:
            return 0.0  # no notes on most of either: noise between sparse notes decides nothing
        return (on - off) / max(on + off, 1e-9)

    low = 0.5 * (quartile(nov["low"]) + quartile(nov["kick"]))
    change = nov["treble_change"]
    chords_on = float(np.percentile(_peak_window(change, beats, -1, 2), 90))
    chords_off = float(np.percentile(_peak_window(change, mids, -1, 2), 90))
    chords_mean = float(_peak_window(change, beats, -1, 2).mean()
                        - _peak_window(change, mids, -1, 2).mean())
    return bool(low < -_BASS_COVERAGE and drums < _HALF_BEAT_EVIDENCE
                and chords_on <= chords_off and chords_mean <= 0.0)


_BASS_COVERAGE = 0.5
_NOTE_SHARE = 0.25  # a lower quartile this share of the band's strong attacks (90th pct) is notes


def _hit_evidence(per_band: np.ndarray) -> float:
    """The drum hits' evidence that the beats are on the beat, from the per-band differences
    of :func:`_fix_half_beat` (one per :data:`_HIT_BANDS`, > 0: the beats' hits are stronger).

    The cymbal band (above 7.5 kHz: rides, open hats, a china) only ever confirms the beats: a
    cymbal on every "and" (disco's open hat, a klezmer's off-beat cymbal over a kick on 1 and
    3) is a pattern of its own, not the beat; the kick and the snare's backbeat are.
    """
    return float(per_band[:-1].sum() + max(float(per_band[-1]), 0.0))


def _fix_half_beat_stretches(nov: dict[str, np.ndarray], beats: np.ndarray) -> np.ndarray:
    """:func:`_fix_half_beat` on each stretch of steady beats.

    The beats break where the tracker (or :func:`_fix_phase`) changed phase: an interval a
    quarter of a beat or more off the median. Each stretch is tested on its own (a funk song
    whose second half was tracked on the "and" moves that half only).
    """
    from scipy.ndimage import median_filter

    if len(beats) < 8:
        return beats
    ibi = np.diff(beats)
    local = median_filter(ibi, size=9, mode="nearest")  # follows tempo changes
    breaks = np.flatnonzero(np.abs(ibi / local - 1.0) > 0.25) + 1
    pieces = [_fix_half_beat(nov, piece) for piece in np.split(beats, breaks)]
    out = np.sort(np.concatenate(pieces))
    gap = np.interp(out[1:], beats[1:], local)
    return out[np.concatenate([[True], np.diff(out) > 0.3 * gap])]


def _fix_excursions(beats: np.ndarray) -> np.ndarray:
    """Put back on the song's grid a stretch that slipped half a beat off and came back.

    Music keeps its grid through a breakdown; a tracker following off-beat bass and chords
    where the drums stop slips half a beat there and slips back when they return. A slip is
    a run of intervals off the local period whose excess adds up to about half a beat; a
    stretch between a slip and the slip back, shorter than the stretches on either side
    together, moves back onto their grid, if that grid is steady (see :func:`_on_steady_grid`:
    rubato bends it, and a stretch of it is not a slip).
    """
    from scipy.ndimage import median_filter

    if len(beats) < 16:
        return beats
    ibi = np.diff(beats)
    local = median_filter(ibi, size=9, mode="nearest")
    dev = ibi / local - 1.0
    marked = np.abs(dev) > _SLIP_DEVIATION
    # slips: runs of marked intervals; gain = the excess (in beats) summed over them and the
    # interval on either side (a slip may begin or end with a smaller step)
    starts = np.flatnonzero(marked & ~np.concatenate([[False], marked[:-1]]))
    ends = np.flatnonzero(marked & ~np.concatenate([marked[1:], [False]])) + 1
    gains = [float(dev[max(a - 1, 0):b + 1].sum()) for a, b in zip(starts, ends, strict=True)]
    slips = [(a, b, g) for a, b, g in zip(starts, ends, gains, strict=True)
             if abs(abs(g) - 0.5) < _SLIP_TOLERANCE]
    shift = np.zeros(len(beats))
    for (a0, b0, gain), (a1, b1, _) in itertools.pairwise(slips):
        inside = np.arange(b0 + 1, a1 + 1)  # beats after the slip, up to the slip back
        before, after = a0 + 1, len(beats) - a1 - 1
        if len(inside) and len(inside) < before + after:
            moved = -np.sign(gain) * 0.5 * local[np.minimum(inside, len(local) - 1)]
            if _on_steady_grid(beats, inside, moved, a0, b1):
                shift[inside] = moved
    if not shift.any():
        return beats
    out = np.sort(beats + shift)
    gap = np.interp(out[1:], beats[1:], local)
    return out[np.concatenate([[True], np.diff(out) > 0.3 * gap])]


def _on_steady_grid(beats: np.ndarray, inside: np.ndarray, moved: np.ndarray, a0: int,
                    b1: int) -> bool:
    """Whether a slipped stretch, moved by ``moved``, lands on one steady grid with the beats
    on either side (up to ``_GRID_BEATS`` each): the straight line (time against beat number)
    fitted to the beats before it (after it, at the song's start) passes within
    ``_GRID_TOLERANCE`` of a beat of every neighbour and every moved beat. A breakdown keeps
    the song's steady tempo; rubato and fermatas bend the grid, and a stretch there that only
    looks half a beat off is expressive timing, not a slip.
    """
    before = np.arange(max(a0 + 1 - _GRID_BEATS, 0), a0 + 1)
    after = np.arange(b1 + 1, min(b1 + 1 + _GRID_BEATS, len(beats)))
    fit = before if len(before) >= _GRID_BEATS // 2 else after
    if len(fit) < 4:
        return False
    slope, offset = np.polyfit(fit, beats[fit], 1)
    if slope <= 0:
        return False
    times = np.concatenate([beats[before], beats[after], beats[inside] + moved])
    phase = (times - offset) / slope
    return bool(np.max(np.abs(phase - np.round(phase))) < _GRID_TOLERANCE)


_GRID_BEATS = 16  # beats on either side of a slipped stretch fitted with one steady grid
_GRID_TOLERANCE = 0.25  # beats: how far from that grid a beat of a steady song may stray
_SLIP_DEVIATION = 0.12  # an interval this far off the local period may be part of a slip
_SLIP_TOLERANCE = 0.15  # beats: how far a slip's summed excess may be from half a beat


def _other_eighth(nov: dict[str, np.ndarray], beats: np.ndarray) -> float:
    """Where the other eighth note falls through the beats (a fraction, 0.5 when straight).

    The peak of the onsets' beat profile between a third and two thirds of the beat (24
    positions, interpolated); 0.5 when nothing stands out there.
    """
    prof = _beat_profile(nov["onset"] + nov["high"], beats, _PROFILE_BINS)
    lo, hi = _PROFILE_BINS // 3, 2 * _PROFILE_BINS // 3
    k = lo + int(np.argmax(prof[lo:hi + 1]))
    if prof[k] < 0.5 * float(prof.max()) or k in (lo, hi):
        return 0.5
    left, right = prof[k - 1], prof[k + 1]
    curvature = left - 2.0 * prof[k] + right  # a parabola through the peak
    offset = 0.5 * (left - right) / curvature if curvature < 0 else 0.0
    return float((k + offset) / _PROFILE_BINS)


_PROFILE_BINS = 24


def _beat_profile(x: np.ndarray, beats: np.ndarray, bins: int = 12) -> np.ndarray:
    """Mean of ``x`` (peak within a frame) at ``bins`` positions through each beat."""
    b = np.asarray(beats, dtype=np.float64)
    steps = np.arange(bins) / bins
    pos = b[:-1, None] + np.diff(b)[:, None] * steps[None, :]
    return _peak_window(x, pos.ravel(), -1, 1).reshape(pos.shape).mean(axis=0)


def _fix_swing_phase(nov: dict[str, np.ndarray], beats: np.ndarray, frame_rate: float,
                     ) -> np.ndarray:
    """Move beats locked on the swung eighth (two thirds of a beat late) back onto the beat.

    In swing and shuffle the off-beat eighth falls late, at 0.55-0.75 of the beat: never at a
    third of it. When the onsets through the tracked beats show an eighth at one third of the
    beat and little at a half or two thirds, the beats sit on the swung eighths (loud chords
    or bass on the "and"): the beat is a third of a beat later. ``beats`` in frames.
    """
    if len(beats) < 8 or np.median(np.diff(beats)) > _SWING_MAX_BEAT * frame_rate:
        return beats  # a third of a slow beat is a beat of a triple grouping, not an eighth
    prof = _beat_profile(nov["onset"] + nov["high"], beats)
    third, half, two_thirds = prof[4], prof[6], prof[8]
    if (third > _SWING_RATIO * max(half, two_thirds, 1e-9) and third > 0.5 * prof[0]
            and half < 0.5 * prof[0]):
        shifted = beats[:-1] + np.diff(beats) / 3.0
        return shifted
    return beats


_SWING_RATIO = 1.5
_SWING_MAX_BEAT = 0.63  # seconds: swung eighths are checked for beats of 95 BPM and faster


# ---------------------------------------------------------------------------------------------
# The pipeline
# ---------------------------------------------------------------------------------------------

_TIGHTNESS = 400.0
_MIN_SECONDS = 2.0  # shorter clips have no beats
_MIN_ONSET_DB = 2.0
_MIN_CLARITY = 0.1  # weakest periodicity (normalised autocorrelation) that counts as a pulse


_SLOW_BPM = 50.0


def _level_score(candidate: dict, drumness: float) -> float:
    """Score of a metrical level (higher is better).

    - the onset strength on its beats (slower levels pick only the strongest events, so this
      alone favours them),
    - the periodicity of the novelty at its beat period (rejects levels in a 3:2 relation to
      the beat),
    - the periodicity of the low band alone, when stronger (a walking bass on every quarter
      under a ride pattern that repeats every two beats), at levels of 60 BPM or more (slower,
      the low band pulses in half bars: a samba's surdo),
    - a backbeat over a steady low pulse: the high band alternating beat to beat (snare or
      hi-hat on 2 and 4) times the low band's periodicity, when that is a clear pulse (levels
      in a 3:2 relation alternate too, but are not periodic; nor is the bass of eighths with
      accented off-beat hats; nor the one-drop's bass at its eighths, where the hats and the
      off-beat skank alternate),
      only at levels of 60 BPM or more (slower, the alternation is of half bars: the surdo's
      accent on the 2 of a samba bar in 2/4 felt in halves),
    - how clearly its beats group into bars (the downbeat contrast: chords change and
      kicks land on bar lines; at half or double the tempo the bars are blurred),
    - a log-normal tempo prior 0.6 octaves wide, centred at 140 BPM for music with drums and at
      120 BPM for music without (the tempo listeners prefer to tap; soft ballads are held to
      their slow beats by the notes per beat, not by the prior),
      falling steeply below 50 BPM,
    - evenness: beats whose spacing follows a pattern repeating with the bar (see
      :func:`_timing_pattern`) are a cross-rhythm followed onto syncopated hits, not the beat,
    - in music without drums, no more than about four notes per beat (see :func:`_crowded`).

    The weights were set on synthesized songs of nine genres at tempi across their ranges
    (tests/synth_music.py, seeds other than the benchmark's) and on the dev split of the
    real-instrument development set (benchmarks/devset), jointly.
    """
    centre = _TACTUS_BPM + (_DRUMS_BPM - _TACTUS_BPM) * drumness
    prior = -0.5 * (np.log2(candidate["bpm"] / centre) / 0.6) ** 2
    if candidate["bpm"] < _SLOW_BPM:  # beats this slow are bars (or half bars) of faster music
        prior -= (np.log2(_SLOW_BPM / candidate["bpm"]) / 0.15) ** 2
    periodic = _periodicity(candidate)
    backbeat = max(candidate.get("backbeat", 0.0), 0.0) * max(candidate.get("low1", 0.0), 0.0)
    if candidate["bpm"] < _BACKBEAT_MIN_BPM or candidate.get("low1", 0.0) < _LOW_PULSE:
        backbeat = 0.0
    return float(3.0 * np.log(max(candidate["on"], 1e-9)) + 4.0 * periodic
                 + _BACKBEAT_WEIGHT * backbeat + 0.25 * candidate["bar"] + prior
                 - _UNEVEN_WEIGHT * candidate.get("uneven", 0.0)
                 - _crowded(candidate, drumness))


#: Centre of the tempo prior without drums: the tempo listeners prefer to tap (about 500 ms
#: per beat, Moelants 2002; van Noorden and Moelants 1999), classical music included.
_TACTUS_BPM = 120.0
_DRUMS_BPM = 140.0  # with a full kit


def _crowded(candidate: dict, drumness: float) -> float:
    """Score lost by a level too slow for the notes in it, in music without drums.

    A listener taps a solo melody of running notes (a reel's eighths, a jig's triplets) where
    each beat holds two to four of them; beats that each hold more are half bars or bars (a
    jig's 6/8 bar at 56 BPM, a reel's half bar at 70). So each note per beat above
    ``_NOTES_PER_TACTUS`` (mean over the beats, see :func:`_notes_per_beat`) costs
    ``_CROWDED_WEIGHT``, scaled by how drumless the music is (none from drumness 0.5: hats and
    shakers sound more often than the beat). The notes are counted at half the rise that
    :func:`detect_onsets` asks for (``_NOTE_RISE``): a string quartet's legato notes rise
    less than a fiddle's or a piano's.
    """
    if drumness >= 0.5:
        return 0.0
    excess = max(candidate.get("notes", 0.0) - _NOTES_PER_TACTUS, 0.0)
    return _CROWDED_WEIGHT * (1.0 - drumness) * excess


_NOTES_PER_TACTUS = 4.0
_NOTE_RISE = 0.15
#: Drumness of music with some drums (a kit played softly, brushes): below it, no backbeat.
_SOME_DRUMS = 0.25
_CROWDED_WEIGHT = 2.0


_BACKBEAT_WEIGHT = 2.0
#: Score lost per unit of :func:`_timing_pattern` (0.05 there, a beat swinging 5 % with the
#: bar, costs about what a quarter of the onset strength does).
_UNEVEN_WEIGHT = 8.0
_BACKBEAT_MIN_BPM = 60.0  # slower "backbeats" alternate half bars


def _periodicity(candidate: dict) -> float:
    """How regularly the level's beats recur: in the whole mix, or in the low band alone when
    that is a clear pulse (syncopated kicks recur, weakly, at levels in a 3:2 relation).

    The low band counts only at levels of 60 BPM or more: slower, its pulse is that of half
    bars (a samba's surdo, a kick on 1 and 3), as a "backbeat" there alternates half bars.
    """
    low = candidate.get("low1", -1.0)
    if candidate["bpm"] < _BACKBEAT_MIN_BPM:
        low = -1.0
    return max(candidate["acf1"], low if low >= _LOW_PULSE else -1.0)


_LOW_PULSE = 0.5


def _choose_level(candidates: list[dict], drumness: float) -> dict:
    """The best-scoring level, corrected for syncopation, half time, odd and compound meters.

    - First the best-scoring level that is no cross-rhythm (see :func:`_first_choice`), or
      the even pulse of 5 or 7 to its bar if its beats are uneven (see :func:`_odd_bar`).
    - A winner whose beats fall midway between the beats of the level at twice its tempo is
      on the off-beats of that pulse (a bossa's anticipations): the faster level is the beat.
    - A winner slower than 50 BPM whose double alternates beat to beat with a clear backbeat
      was the half bar (reggaeton's dembow), unless its beats divide in three (a 12/8
      shuffle's dotted beat, see :func:`_thirds`): the double is the beat. So too a winner
      whose beats are all alike when its double is a subdivided clear pulse alternating
      strongly beat to beat (a march in 2/4: bass drum, then cymbals; the bars won; not a
      polka's oom-pah in eighths, with nothing between them: bass, chord, bass, chord).
    - A winner grouped in threes may be the quarter-note hemiola of a 12/8: when the level at
      2/3 of its tempo comes in unlike pairs (kick, cross-stick), recurs and its beats carry
      hits at least as strong, or its bars are far clearer (twice the downbeat contrast: an
      afrobeat's quarters over its bell), that dotted level is the beat (a waltz's beats are
      stronger than its hemiola's, and its bars as clear).
    - A winner in 2 or 4 whose rhythm neither alternates beat to beat nor repeats two beats
      apart counts the eighths of a slow groove (a soul ballad, dub steppers: the kick-snare
      cycle spans four of its beats) when the level at half its tempo repeats every two of its
      beats and is a clear periodic pulse (see :func:`_counts_eighths`).
    - Last, in music without a full drum kit, a winner whose harmony changes on every other
      beat, without a drum backbeat, subdivides the level at half its tempo when that is a
      clear pulse whose every beat brings the harmony (see :func:`_subdivides_harmony`).
    - A bar of 3/4 is not a beat: when the level at three times the winner's tempo has a clear
      triple rhythm (alike every third beat, unlike the beats between) and recurs at its
      period, it is the beat; unless the winner's own rhythm alternates beat to beat (kick,
      then snare: the dotted beats of a 6/8, not bars of a waltz, which are alike). So too
      when the winner groups in threes itself (bars of a jazz waltz counted in groups of 3
      bars, the phrase).
    - A winner not in bars of 3 whose rhythm repeats every 6 beats, clearly more than every 4
      or 8, was the eighths of a 3/4 (a nocturne's left hand): the level at half its tempo,
      in clearer bars of 3, is the beat.
    - Two beats never make a unit of a bar of 3, 5 or 7: when the winner groups in such bars
      and the level at twice its tempo groups clearly in the same bars, the winner's beats are
      pairs of beats (a fast waltz, a 7/8 counted in quarters): the faster level is the beat.
    - Three beats of a bar of 3 may be the eighths of a compound beat: when the winner groups
      in threes and the level at a third of its tempo has a clear duple rhythm (alternating
      beat to beat, repeating every two beats) and a clear periodicity, the music is in 6/8
      or 12/8 and that slower level is the beat (listeners tap a 12/8 blues at 64, not 192);
      so too when the winner's groups of three come in unlike pairs (repeating every 6 beats,
      not 3 or 9: a 12/8 soul ballad's eighths), or kick and snare alternate on the slower
      level's beats (see :func:`_counterphase`). A dotted beat slower than 50 BPM without
      that kick and snare is a waltz's bar (its bass alternating root and fifth bar by bar).
    """
    dotted_only = [c for c in candidates if c.get("dotted_only")]  # for _dotted_beat only
    odd_bars = [c for c in candidates if c.get("odd_only") or c["meter"] in (5, 7)]
    candidates = [c for c in candidates if not (c.get("dotted_only") or c.get("odd_only"))]
    best = _first_choice(candidates, drumness)
    if (odd := _odd_bar(best, odd_bars)) is not None:
        return odd  # the winner counted the unequal groups of a bar of 5 or 7
    return _corrected_level(best, candidates, dotted_only, drumness)


def _corrected_level(best: dict, candidates: list[dict], dotted_only: list[dict],
                     drumness: float) -> dict:
    """The rules of :func:`_choose_level` after the first choice ``best``."""

    def at(ratio: float) -> list[dict]:
        return [c for c in candidates if _same_level(c["bpm"], ratio * best["bpm"])]

    for c in at(2.0):
        if _midway(best["beats"], c["beats"]) > _SYNCOPATION:
            best = c  # the winner's beats were the off-beats of a steady pulse
        elif (best["bpm"] < _SLOW_BPM and _alternates(c["similarity"])
              and c.get("backbeat", 0.0) > _CLEAR_BACKBEAT and best.get("thirds", 0.0) <= 0.0):
            best = c  # the winner's beats were bars of a backbeat (a dembow, half-time feel)
        elif (best["similarity"][0] > 0.0 and _strongly_alternates(c["similarity"])
              and _periodicity(c) > _LOW_PULSE
              and c.get("subdivision", 1.0) >= _SUBDIVIDED):
            best = c  # the winner's alike beats were bars of a march (kick, then cymbal)

    if not _alternates(best["similarity"]):
        for c in at(3.0):
            sim = c["similarity"]
            if (c["meter"] == 3 and sim[2] > _TRIPLE_SIMILARITY
                    and max(sim[0], sim[1]) < -0.3 and _periodicity(c) > 0.0):
                best = c  # the winner was the bar of a waltz
                break
    if best["meter"] != 3 and _bars_of_six(best["similarity"]):
        for c in at(0.5):
            if c["meter"] == 3 and c["bar"] > best["bar"]:
                return c  # the winner's beats were the eighths of a 3/4 (bars of 6 eighths)
    if best["meter"] in (3, 5, 7):
        for c in at(2.0):
            if c["meter"] == best["meter"] and c["bar"] >= 0.7 * best["bar"]:
                return c
    if best["meter"] == 3:
        paired = _bars_of_three_pair_up(best["similarity"])
        for c in at(1.0 / 3.0):
            sim = c["similarity"]
            duple = sim[0] < -_COMPOUND_SIMILARITY and sim[1] > _COMPOUND_SIMILARITY
            kit = c.get("counterphase", 0.0) > _COUNTERPHASE  # kick, snare: no waltz's bars
            if (c["meter"] in (2, 4) and (duple or paired or kit) and c["acf1"] > 0.3
                    and (c["bpm"] >= _SLOW_BPM or kit)):
                return c  # a dotted beat slower than 50 BPM is the bar of a waltz
        for c in at(2.0 / 3.0):
            if (c["meter"] in (2, 4) and _in_pairs(c["similarity"]) and c["acf1"] > 0.3
                    and (c["on"] >= best["on"] or c["bar"] > 2.0 * best["bar"])):
                return c  # the winner was the hemiola (quarters) of a 12/8's dotted beats
    if (dotted := _dotted_beat(best, candidates + dotted_only)) is not None:
        return dotted  # the winner counted a 12/8's quarter-note hemiola (or half of it)
    for c in at(0.5):
        if _counts_eighths(best, c):
            return c  # the winner's beats were the eighths of a slow groove
    for c in at(0.5):
        if drumness < _FULL_KIT and _subdivides_harmony(best, c):
            return c  # the winner's beats were the picked eighths between the chord tones
    return best


_COMPOUND_SIMILARITY = 0.5


def _first_choice(candidates: list[dict], drumness: float) -> dict:
    """The best-scoring level, a cross-rhythm set aside, then :func:`_recurring_level`.

    A level whose rhythm never repeats within a bar of 2 to 6 beats is a cross-rhythm (the
    dotted quarters of a 3-3-2 bulgar recur, but repeat only every 8): it is not chosen;
    unless the level chosen instead is at half or twice its tempo (an octave shares its
    beats: a fiddle hornpipe whose rhythm repeats only with the tune's 8-beat phrase).
    """
    repeating = [c for c in candidates if _repeats_in_bars(c["similarity"])]
    best = max(repeating or candidates, key=lambda c: _level_score(c, drumness))
    top = max(candidates, key=lambda c: _level_score(c, drumness))
    if any(_same_level(best["bpm"], r * top["bpm"]) for r in (0.5, 2.0)):
        best = top  # an octave shares the top's beats: the top was no cross-rhythm
    return _recurring_level(best, candidates)


def _recurring_level(best: dict, candidates: list[dict]) -> dict:
    """The level in a 3:2 relation to the winner when the winner's beats do not recur and its do.

    A winner whose novelty does not recur at its own period (see :func:`_periodicity`, at most
    0) counts two beats of a pulse in three (a hymn's chord on every beat, read in dotted
    halves), or three in two (the same hymn read in its dotted quarters, under a prior that
    favours them). The level at 3/2 (or 2/3) of its tempo is the beat when it recurs clearly
    and its beats carry stronger onsets, even if its rhythm seems to repeat nowhere: a chord on
    every beat makes every beat alike, so there is no pattern to repeat (the cross-rhythm test
    of :func:`_repeats_in_bars` set it aside).
    """
    if _periodicity(best) > 0.0:
        return best
    for c in candidates:
        if (any(_same_level(c["bpm"], r * best["bpm"]) for r in (1.5, 2.0 / 3.0))
                and c["acf1"] > _RECURS and c["on"] > best["on"]):
            return c
    return best


_RECURS = 0.3  # autocorrelation at its period of a level that clearly recurs


def _dotted_beat(best: dict, candidates: list[dict]) -> dict | None:
    """The dotted beat of a 12/8 whose quarter-note hemiola (or half of it) won, if any.

    Over a 12/8 (kick on one dotted beat, cross-stick on the next), the level at 3/2 of the
    dotted beat counts quarters that fall unevenly against the drum cycle: its rhythm neither
    alternates nor comes in pairs of unlike beats, and it is read in bars of 2 or 4. The dotted
    beat, at 2/3 of that tempo (or 4/3 of its half), comes in clear pairs of unlike beats (see
    :func:`_in_pairs`), recurs at its period, carries hits at least as strong and groups into
    bars at least as clear: it is the beat. (The level at 2/3 of a 4/4 beat comes in pairs too,
    on the beat and on the "and", but its "and" beats carry weaker hits; a waltz's winner is in
    bars of 3, for the rule of bars of three.)
    """
    sim = best["similarity"]
    if best["meter"] not in (2, 4) or _in_pairs(sim) or _alternates(sim):
        return None
    for c in candidates:
        ratio = c["bpm"] / best["bpm"]
        if (any(_same_level(ratio, r) for r in (2.0 / 3.0, 4.0 / 3.0))
                and c["meter"] in (2, 4) and _in_pairs(c["similarity"])
                and _periodicity(c) > 0.0 and c["bpm"] >= _SLOW_BPM
                and c["on"] >= best["on"] and c["bar"] >= best["bar"]):
            return c
    return None


_TRIPLE_SIMILARITY = 0.6
_PAIRING_MARGIN = 0.2  # similarity 6 beats apart over that 3 and 9 apart: threes in pairs
_ALTERNATION = 0.2


_SYNCOPATION = 0.4  # fraction of a beat: beats this far from the pulse's are its off-beats
_CLEAR_BACKBEAT = 0.5


_HARMONY_ALTERNATES = 0.8
#: Drumness of a full kit (snare and hats in most bars): its harmony is not read as the beat
#: (a pop song whose chords change every other beat is not fingerpicked eighths).
_FULL_KIT = 0.9
_HARMONY_STEADY = 0.5
_PICKED_NOTES = 1.5  # notes per beat of a level of picked eighths (one each: 1.0-1.1)


def _subdivides_harmony(level: dict, half: dict) -> bool:
    """Whether ``level`` subdivides the harmonic beat of the level at half its tempo: the
    harmony (chroma) changes on every other beat of ``level`` but on every beat of ``half``,
    and ``level`` has no drum backbeat (fingerpicked or arpeggiated eighths between bass and
    chord tones on the beats of a rubato folk guitar); ``half`` is a clear pulse of its own,
    not slower than 50 BPM (a drum groove's half bars, where the chords change, are not).
    ``level``'s beats do not divide in three (:func:`_thirds`): picked eighths divide in two;
    a beat divided in three is the dotted beat of a 6/8 (a march's), its half the bar.
    Nor when ``half``'s beats would each hold more than ``_NOTES_PER_TACTUS`` notes (see
    :func:`_counts_eighths`): a synth arpeggio's running sixteenths under chords changing every
    other beat make ``level`` the beat and ``half`` the half bar. And picked eighths are one
    note each: a ``level`` whose beats hold more than ``_PICKED_NOTES`` notes on average (see
    :func:`_notes_per_beat`; a 6/8 battle theme's chugs and arpeggios under its dotted beats)
    is subdivided itself, not the eighths."""
    if half.get("notes", 0.0) > _NOTES_PER_TACTUS or level.get("notes", 0.0) > _PICKED_NOTES:
        return False
    return bool(level.get("harmony", 0.0) > _HARMONY_ALTERNATES
                and level.get("thirds", 0.0) <= 0.0
                and half.get("harmony", 1.0) < _HARMONY_STEADY and half["bpm"] >= _SLOW_BPM
                and _periodicity(half) >= _LOW_PULSE
                and level.get("backbeat", 0.0) < _CLEAR_BACKBEAT
                and not _alternates(level["similarity"]))


def _backbeat_double(best: dict, candidates: list[dict], nov: dict[str, np.ndarray],
                     drumness: float = 1.0) -> dict:
    """The level at twice the tempo of the chosen one when that is where the backbeat is.

    A listener taps where the kick and the snare alternate (kick on 1 and 3, snare on 2 and
    4): a fast rock or punk beat counted at half its tempo has a kick on every one of its
    beats and the snare between them, so it is the double that alternates. The double wins
    when its low band and its drums above 1.5 kHz alternate beat to beat in opposite ways
    (:func:`_counterphase` above ``_COUNTERPHASE``, and more than at the chosen level) and it
    is subdivided itself (:func:`_subdivision` at least ``_SUBDIVIDED``: eighths of hats,
    guitars or a shuffle under it). Where the double's alternation is clearly the song's (at
    least twice the chosen level's), something sounding between its beats in one band alone
    is enough (:func:`_faintly_subdivided`): a d-beat's bass and kick in eighths under a crash
    on every beat, a country two-step's hats in eighths over its boom-chick, a fast game
    theme's bass eighths, all at 170-195 BPM, where the kick on 1 and 3 and the snare on 2
    and 4 are the beat and the half level has a kick on every beat, the snare between.
    An oom-pah counted in its eighths (a polka's or a stride
    piano's bass on the beat and chord on the "and", a ska's skank) alternates as well, but
    nothing sounds between those eighths. A real half-time feel (the snare on 3) alternates
    at the half level, not at the double. A level grouped in threes is never doubled: a
    backbeat counted at half its tempo groups in 2 or 4 (the dotted beats of a 9/8 slip jig,
    doubled, would fall every eighth and a half). Nor is a level of music without drums
    (drumness below ``_SOME_DRUMS``): a string quartet's cello and violins alternate too.
    """
    if best["meter"] == 3 or drumness < _SOME_DRUMS:
        return best  # a half-time backbeat is in 2 or 4, and played on drums
    own = _counterphase(nov, best["beats"])
    for c in candidates:
        if (c.get("dotted_only") or c.get("odd_only")
                or not _same_level(c["bpm"], 2.0 * best["bpm"])):
            continue
        phase = _counterphase(nov, c["beats"])
        if phase <= max(_COUNTERPHASE, own):
            continue
        if (_subdivision(nov, c["beats"]) >= _SUBDIVIDED
                or (phase > 2.0 * own and _faintly_subdivided(nov, c["beats"]))):
            return c
    return best


def _faintly_subdivided(nov: dict[str, np.ndarray], beats: np.ndarray) -> bool:
    """Whether something sounds between the beats in the mix, the drums above 1.5 kHz or the
    low band alone: :func:`_subdivision` of one of them at least ``_FAINT_SUBDIVISION`` (hats
    in eighths, a bass in eighths under loud crashes on every beat). An oom-pah's eighths have
    nothing between them in any band (a polka's, a ska's: below 0.02)."""
    return any(_subdivision(nov, beats, band) >= _FAINT_SUBDIVISION
               for band in ("onset", "high", "low"))


#: Counterphase of a backbeat: e.g. the low band and a drum band each 20 % stronger on one
#: beat of a pair than on the other, opposite ways.
_COUNTERPHASE = 0.04
_COUNTERPHASE_SPAN = 8  # beats per stretch (the alternation's phase may change between them)
#: Onsets between the beats at least this share of those on them: the level is subdivided.
_SUBDIVIDED = 0.25
_FAINT_SUBDIVISION = 0.1  # the same share in one band alone (see :func:`_faintly_subdivided`)


def _counterphase(nov: dict[str, np.ndarray], beats: np.ndarray) -> float:
    """How much the low band (kick, bass) and a drum band above it alternate beat to beat in
    opposite ways (> 0; 0 when either is alike on every beat; < 0 when they alternate
    together, as on- and off-beat eighths do).

    In each stretch of ``_COUNTERPHASE_SPAN`` beats, each band's contrast between the even and
    the odd beats, ``(even - odd) / (even + odd)``; the product of the low band's and the drum
    band's, negated, averaged over the stretches. The largest over the percussive bands 1.5-4,
    4-7.5 and 7.5-11 kHz (a snare's crack stands out in one of them, whatever fills the
    others: distorted guitars, hats).
    """
    b = np.asarray(beats, dtype=np.float64)
    n = len(b) // _COUNTERPHASE_SPAN
    if n < 2:
        return 0.0

    def contrast(x: np.ndarray) -> np.ndarray:
        v = _peak_window(x, b[:n * _COUNTERPHASE_SPAN], -1, 2).reshape(n, -1)
        even, odd = v[:, 0::2].mean(axis=1), v[:, 1::2].mean(axis=1)
        return (even - odd) / np.maximum(even + odd, 1e-9)

    low = contrast(nov["low"])
    return float(max(np.mean(-low * contrast(x)) for x in nov["hits"][1:]))


def _subdivision(nov: dict[str, np.ndarray], beats: np.ndarray, band: str = "onset") -> float:
    """Onset strength of ``band`` (``nov``'s curve: the mix by default) between the beats (half
    way, or two thirds of the way when swung: the larger) over that on the beats."""
    b = np.asarray(beats, dtype=np.float64)
    if len(b) < 4:
        return 0.0
    on = float(_peak_window(nov[band], b[:-1], -1, 2).mean())
    between = max(float(_peak_window(nov[band], b[:-1] + f * np.diff(b), -1, 1).mean())
                  for f in (0.5, 2.0 / 3.0))
    return between / max(on, 1e-9)


def _thirds(nov: dict[str, np.ndarray], beats: np.ndarray) -> float:
    """How much more onset strength falls on the thirds of the beats than on their half and
    quarters, over that on the beats: > 0 when the beats divide in three (a compound or a
    shuffled beat: its double is no metrical level), < 0 when they divide in two."""
    b = np.asarray(beats, dtype=np.float64)
    if len(b) < 4:
        return 0.0
    on = float(_peak_window(nov["onset"], b[:-1], -1, 2).mean())

    def at(f: float) -> float:
        return float(_peak_window(nov["onset"], b[:-1] + f * np.diff(b), -1, 1).mean())

    return (max(at(1 / 3), at(2 / 3)) - max(at(0.25), at(0.5), at(0.75))) / max(on, 1e-9)


def _counts_eighths(level: dict, half: dict) -> bool:
    """Whether ``level`` counts the eighths of the beat at ``half`` (half its tempo).

    At the beat of a duple groove the rhythm comes back two beats on (kick, snare, kick,
    snare); at its eighths it does so only four beats on, and the eighths neither alternate
    nor are alike. So: ``level`` in 2 or 4 with its rhythm neither alike nor unlike one beat
    apart and not alike two apart, ``half`` alike two of its beats apart, periodic (a pulse as
    clear as a walking bass's, see :func:`_periodicity`) and not slower than 60 BPM (slower,
    its beats are half bars). Or ``half`` clearly alternates beat to beat itself (bass and
    kick, then the snare or the scraper's accent: a cumbia) and its novelty recurs clearly
    at its period. Never when ``half``'s beats would each hold more than
    ``_NOTES_PER_TACTUS`` notes (see :func:`_crowded`; a steady run of sixteenths holds
    four): a level that crowded counts half bars, and ``level`` is the beat (a game tune's
    one-bar drum pattern, repeating every 4 beats, not 2, under sixteenth-note arpeggios).
    Nor when ``level``'s beats divide in three (:func:`_thirds` above ``_SWUNG_THIRDS``): the
    eighths of a groove divide in two, if at all; a beat whose swung eighths or triplets fall
    on its thirds (a big band's ride and horns at 150) is the beat itself.
    """
    sim, half_sim = level["similarity"], half["similarity"]
    if half["bpm"] < _BACKBEAT_MIN_BPM or half.get("notes", 0.0) > _NOTES_PER_TACTUS:
        return False  # slower, its beats are half bars; more crowded, they hold a bar's notes
    if level.get("thirds", 0.0) > _SWUNG_THIRDS:
        return False  # beats divided in three are beats, not eighths
    if _strongly_alternates(half_sim) and half["acf1"] > _HALF_PULSE:
        return True  # the half level has the kick-snare cycle itself, and a clear pulse
    return bool(level["meter"] in (2, 4) and abs(sim[0]) < _ALIKE
                and sim[1] < _ALIKE_TWO_APART
                and half_sim[1] > _CYCLE_MARGIN + max(float(sim[1]), 0.0)
                and _periodicity(half) > _HALF_PULSE)


_ALIKE = 0.25  # |similarity| below this one beat apart: neither alike nor alternating
_ALIKE_TWO_APART = 0.15  # similarity two beats apart above this: a kick-snare cycle
_CYCLE_MARGIN = 0.1  # the half level's cycle that much clearer than the winner's
_SWUNG_THIRDS = 0.15  # :func:`_thirds` of beats divided in three (eighths of grooves: < 0.1)
_HALF_PULSE = 0.45  # periodicity of a level clear enough to be the beat it counts in eighths


def _strongly_alternates(similarity: np.ndarray) -> bool:
    """Whether a rhythm clearly alternates beat to beat: unlike one beat apart, alike two."""
    return bool(similarity[0] < -_COMPOUND_SIMILARITY and similarity[1] > _COMPOUND_SIMILARITY)


def _bars_of_six(similarity: np.ndarray) -> bool:
    """Whether a rhythm repeats every 6 beats, clearly more than every 4 or 8 (bars of six
    eighths: a 3/4 or a 6/8 tracked in its eighths)."""
    if len(similarity) < 8:
        return False
    return bool(similarity[5] - max(similarity[3], similarity[7]) > _PAIRING_MARGIN)


def _in_pairs(similarity: np.ndarray) -> bool:
    """Whether a rhythm comes in pairs of unlike beats: alike two beats apart, much less so
    one apart (kick on one dotted beat, cross-stick on the next)."""
    return bool(similarity[1] > _COMPOUND_SIMILARITY
                and similarity[1] - similarity[0] > _COMPOUND_SIMILARITY)


def _repeats_in_bars(similarity: np.ndarray) -> bool:
    """Whether a rhythm repeats within a bar of 2 to 6 beats (a level in a 3:2 relation to the
    beat, the dotted quarters of a 3-3-2, may recur but its pattern repeats only after 8)."""
    return bool(np.max(similarity[1:6]) > 0.0)


def _midway(slow: np.ndarray, fast: np.ndarray) -> float:
    """Median distance of the beats of ``slow`` from the nearest beat of ``fast``, in beats of
    ``fast`` (0: on them, as a slower level of the same pulse; 0.5: between them)."""
    if len(slow) < 4 or len(fast) < 4:
        return 0.0
    k = np.clip(np.searchsorted(fast, slow) - 1, 0, len(fast) - 2)
    inside = (slow >= fast[0]) & (slow < fast[-1])
    if not inside.any():
        return 0.0
    frac = (slow - fast[k]) / np.maximum(fast[k + 1] - fast[k], 1e-9)
    return float(np.median(np.minimum(frac, 1.0 - frac)[inside]))


def _alternates(similarity: np.ndarray) -> bool:
    """Whether a rhythm alternates beat to beat: unlike one beat apart, alike two apart."""
    return bool(similarity[0] < -_ALTERNATION and similarity[1] > _ALTERNATION)


def _bars_of_three_pair_up(similarity: np.ndarray) -> bool:
    """Whether groups of three beats come in pairs: alike 6 beats apart, unlike 3 and 9 apart.

    The bars of a waltz repeat at every multiple of 3 beats; the eighths of a 6/8 or 12/8
    group in threes (the dotted beat) whose pairs differ (kick on one dotted beat, snare on
    the next), so only even multiples of 3 repeat.
    """
    return bool(similarity[5] - max(similarity[2], similarity[8]) > _PAIRING_MARGIN)


def _candidates(spectra: Spectra, nov: dict[str, np.ndarray]) -> list[dict] | None:
    """Beat sequences at each candidate metrical level, or None when there is no pulse."""
    from scipy.ndimage import gaussian_filter1d

    fr = spectra.frame_rate
    local = nov["beat"]
    smooth = gaussian_filter1d(local, 1.5)
    # 1. the whole song's periodicity: is there a pulse, and roughly where. Noise reaches
    #    about 1/sqrt(independent frames) at some lag: a pulse must stand well above that
    max_lag = min(int(8.0 * fr), len(smooth) // 2)
    bpm_lo = max(_BPM_LO, 60.0 * fr / max(max_lag - 1, 1))
    if bpm_lo > 90.0:
        return None
    song_acf = _autocorrelation(smooth, max_lag)
    grid = _tempo_grid(bpm_lo, _BPM_HI)
    noise = max(_MIN_CLARITY, 3.0 / np.sqrt(len(smooth) / 3.0))
    if (float(_acf_at(song_acf, 60.0 * fr / grid).max()) < noise
            and _part_clarity(nov, max_lag, 60.0 * fr / grid) < noise):
        return None  # (each onset source alone is looked at only when the mix has no pulse)
    broad = -0.5 * (np.log2(grid / 120.0) / 1.0) ** 2
    start = float(grid[np.argmax(np.log(np.maximum(_comb(song_acf, fr, grid), 1e-3)) + broad)])
    # 2. a tempo curve around it, so the beats follow tempo changes
    centres, acf, energy = _tempogram(smooth, fr)
    weights = np.clip(energy / max(float(np.percentile(energy, 90)), 1e-12), 0.0, 1.0)
    curve = _tempo_curve(acf, weights, fr, start)
    bands = _band_tempograms(nov, fr)
    # 3. beats at each metrical level related to it
    track = {"curve": curve, "centres": centres, "acf": acf, "weights": weights, "bands": bands}
    ratios = [r for r in _RATIOS if bpm_lo <= float(np.median(curve)) * r <= _BPM_HI]
    out = [_level_at(spectra, nov, track, ratio) for ratio in ratios]
    # the dotted beats of a level grouped in threes (its pairs of beats, in a 6/8 or 12/8 felt
    # against a hemiola)
    for c in list(out):
        dotted = c["ratio"] * 2.0 / 3.0
        if (c["meter"] == 3 and bpm_lo <= c["bpm"] * 2.0 / 3.0 <= _BPM_HI
                and not any(_same_level(o["ratio"], dotted) for o in out)):
            out.append(_level_at(spectra, nov, track, dotted))
    out += _odd_bar_levels(spectra, nov, track, out, bpm_lo)
    # the dotted beat of the quarters at twice the curve (a 12/8 whose tempo curve locked to
    # half its quarter-note hemiola): for :func:`_dotted_beat` only, it does not compete
    if (bpm_lo <= float(np.median(curve)) * _DOTTED_RATIO <= _BPM_HI
            and not any(_same_level(o["ratio"], _DOTTED_RATIO) for o in out)):
        out.append({**_level_at(spectra, nov, track, _DOTTED_RATIO), "dotted_only": True})
    return out


def _odd_bar_levels(spectra: Spectra, nov: dict[str, np.ndarray], track: dict,
                    levels: list[dict], bpm_lo: float) -> list[dict]:
    """The levels of 5 and 7 beats to the bar of each uneven level (for :func:`_odd_bar` only).

    A level whose beat spacing follows a pattern repeating with its bar (``uneven`` above
    ``_UNEVEN_BAR``, see :func:`_timing_pattern`) may be following the unequal groups of an odd
    bar (a 7/8's 2+2+3 eighths counted as four beats): the even pulses dividing the same bar
    into 5 and 7 are tracked too, flagged ``odd_only`` (they do not compete for the level).
    """
    out: list[dict] = []
    for c in levels:
        if c["uneven"] <= _UNEVEN_BAR or c["meter"] not in (2, 3, 4):
            continue
        for beats_per_bar in (5, 7):
            ratio = c["ratio"] * beats_per_bar / c["meter"]
            if (bpm_lo <= c["bpm"] * beats_per_bar / c["meter"] <= _BPM_HI
                    and not any(_same_level(o["ratio"], ratio) for o in levels + out)):
                out.append({**_level_at(spectra, nov, track, ratio), "odd_only": True})
    return out


def _odd_bar(best: dict, candidates: list[dict]) -> dict | None:
    """The even pulse of an odd bar whose unequal groups the uneven winner counted, if any.

    A winner whose beat spacing follows a pattern repeating with its bar (``uneven`` above
    ``_UNEVEN_BAR``) counts unequal groups of a faster pulse (2+2+3 eighths of a 7/8 read as
    four beats; a 5/4 read as three). A level in 5 or 7 (its bars clearly repeat, see
    :func:`~.downbeats._meter_candidates`) that makes the same bar (as many seconds per bar)
    with beats at least twice as even (``_EVEN_MARGIN``) is that pulse: the beat. A swung or
    rubato 4/4 or 3/4 (new jack swing, a mazurka's long second beat) has no even 5 or 7 pulse
    making its bar.
    """
    uneven = best.get("uneven", 0.0)
    if uneven <= _UNEVEN_BAR:
        return None
    bar = best["meter"] / best["bpm"]
    for c in candidates:
        if (c["meter"] in (5, 7) and _same_level(c["meter"] / c["bpm"], bar)
                and c.get("uneven", 0.0) * _EVEN_MARGIN < uneven):
            return c
    return None


#: Unevenness (:func:`_timing_pattern`) of a level following a bar's unequal groups (a 4/4
#: groove's swing and a mazurka's long second beat stay at or below about 0.05).
_UNEVEN_BAR = 0.06
_EVEN_MARGIN = 2.0


_DOTTED_RATIO = 4.0 / 3.0
_SAME_LEVEL = 0.03  # |log| of a tempo ratio within which two levels are the same


def _same_level(bpm: float, other: float) -> bool:
    """Whether two tempos (or ratios of the tempo curve) are the same metrical level."""
    return bool(abs(np.log(bpm / other)) < _SAME_LEVEL)


def _part_clarity(nov: dict[str, np.ndarray], max_lag: int, lags: np.ndarray) -> float:
    """The clearest periodicity (normalised autocorrelation at ``lags``) of one onset source
    alone: all attacks, the low band, the chord changes. Music without drums can pulse in one
    of them (a strings ostinato, a bass line) while the percussive band adds only noise to the
    mix."""
    from scipy.ndimage import gaussian_filter1d

    return max(float(_acf_at(_autocorrelation(gaussian_filter1d(nov[name], 1.5), max_lag),
                             lags).max()) for name in ("onset", "low", "change"))


def _level_at(spectra: Spectra, nov: dict[str, np.ndarray], track: dict, ratio: float) -> dict:
    """Beats, bars and evidence of the metrical level at ``ratio`` times the tempo curve."""
    fr = spectra.frame_rate
    curve, centres, acf, weights = track["curve"], track["centres"], track["acf"], track["weights"]
    frames = np.arange(spectra.n_frames)
    period = 60.0 * fr / np.interp(frames, centres, curve * ratio)
    beats = _trim(_track(nov["track"], period, _TIGHTNESS), nov["track"])
    on = _onset_strength_on(nov["track"], beats)
    beats = _fix_phase(nov, beats.astype(np.float64), period)
    beats = _fix_swing_phase(nov, beats, fr)
    beats = _fix_excursions(_fix_half_beat_stretches(nov, beats))
    is_down, meter, contrast = find_downbeats(spectra, nov, beats, threes=False)
    lag = 60.0 * fr / (curve * ratio)
    return {"ratio": ratio, "bpm": float(np.median(curve)) * ratio, "beats": beats,
            "is_down": is_down, "meter": meter, "bar": contrast,
            "uneven": _timing_pattern(beats, meter),
            "acf1": _acf_at_rows(acf, lag, weights), "on": on,
            "similarity": pattern_similarity(nov, beats),
            "harmony": _alternation(nov["change"], beats),
            "subdivision": _subdivision(nov, beats), "thirds": _thirds(nov, beats),
            "counterphase": _counterphase(nov, beats),
            **_band_periodicity(track["bands"], lag)}


def _timing_pattern(beats: np.ndarray, meter: int) -> float:
    """How much the beats' spacing follows a pattern that repeats with the bar (0: even).

    The deviation of each inter-beat interval from its bar's mean, correlated with that of the
    interval a bar later (random timing and frame rounding average out; a pattern does not):
    the square root of that covariance. A level in a 3:2 relation to the beat, tracked on a
    syncopated groove, follows its hits unevenly (long, short, short: a drum and bass break
    counted in three beats a bar), the beat itself is even.
    """
    m = max(int(meter), 1)
    if len(beats) < 4 * m + 4:
        return 0.0
    ibi = np.diff(np.asarray(beats, dtype=np.float64))
    bar_mean = np.convolve(ibi, np.ones(m) / m, mode="same")
    dev = (ibi / np.maximum(bar_mean, 1e-9) - 1.0)[m:-m]
    return float(np.sqrt(max(float(np.mean(dev[:-m] * dev[m:])), 0.0)))


def _alternation(x: np.ndarray, beats: np.ndarray) -> float:
    """How much ``x`` differs between the odd and the even beats (difference of their means
    over the mean magnitude): 0 when every beat is alike, ~2 when only every other has it."""
    if len(beats) < 8:
        return 0.0
    v = _peak_at(x, np.asarray(beats).astype(int))
    return float(abs(v[0::2].mean() - v[1::2].mean()) / max(float(np.abs(v).mean()), 1e-9))


def _band_tempograms(nov: dict[str, np.ndarray], frame_rate: float,
                     ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Tempogram autocorrelations and row weights of the low (bass, kick) and high (snare,
    hats) band novelties."""
    from scipy.ndimage import gaussian_filter1d

    out = {}
    for name in ("low", "high"):
        _, acf, energy = _tempogram(gaussian_filter1d(nov[name], 1.5), frame_rate)
        out[name] = acf, np.clip(energy / max(float(np.percentile(energy, 90)), 1e-12), 0, 1)
    return out


def _band_periodicity(bands: dict[str, tuple[np.ndarray, np.ndarray]], lag: np.ndarray,
                      ) -> dict[str, float]:
    """Evidence of a level with beat period ``lag`` (frames per tempogram row) in the bands.

    - ``low1``: the periodicity of the low band at the period (a walking bass or a kick on
      every beat: one low onset per beat, whatever the drums play above it);
    - ``backbeat``: how much the high band alternates beat to beat (its periodicity at two
      beats minus that at one: a snare or hi-hat on 2 and 4, the ride's "spang-a-lang").
    """
    (low_acf, low_w), (high_acf, high_w) = bands["low"], bands["high"]
    low = _acf_at_rows(low_acf, lag, low_w)
    high1 = _acf_at_rows(high_acf, lag, high_w)
    high2 = _acf_at_rows(high_acf, 2.0 * lag, high_w)
    return {"low1": low, "backbeat": high2 - high1}


# ---------------------------------------------------------------------------------------------
# 5. Onto the onsets: a fine spectral flux in the samples around each beat
# ---------------------------------------------------------------------------------------------

_FINE_FFT = 256
_FINE_HOP = 64
_FINE_LAG = 1
_SNAP_BEFORE_S = 0.06
_SNAP_AFTER_S = 0.05
_FINE_DELAY_S = -0.003  # the flux peaks when the attack enters the frame, ~3 ms before it


def _fine_onsets(y: np.ndarray, sr: int, times: np.ndarray, before_s: float, after_s: float,
                 ) -> tuple[np.ndarray, np.ndarray]:
    """The sharpest attack within ``[t - before_s, t + after_s]`` of each time ``t``.

    A 256-point spectral flux (log magnitude, 2.9 ms steps) is computed on the samples around
    each time only.

    Returns
    -------
    onset_times : np.ndarray [shape=(n,)]
        Time of the largest flux in each window (seconds).
    strength : np.ndarray [shape=(n,)]
        That flux divided by the median flux of the window (1 = nothing stands out).
    """
    n_fft, hop, lag = _FINE_FFT, _FINE_HOP, _FINE_LAG
    lo, hi = round(before_s * sr), round(after_s * sr)
    n_frames = (lo + hi) // hop + 1 + lag
    span = (n_frames - 1) * hop + n_fft
    # sample index of the first frame's start for each time; frame j is centred at
    # first + n_fft // 2 + j * hop, and flux column j compares frames j + lag and j
    first = np.round(np.asarray(times) * sr).astype(int) - lo - lag * hop - n_fft // 2
    window = np.hanning(n_fft).astype(np.float32)
    onset = np.zeros(len(first))
    strength = np.zeros(len(first))
    for c0 in range(0, len(first), 64):
        segments = sample_windows(y, first[c0:c0 + 64], span)  # y may be memory-mapped
        frames = np.lib.stride_tricks.sliding_window_view(segments, n_fft, axis=1)[:, ::hop]
        mag = np.log1p(1e3 * np.abs(np.fft.rfft(frames * window, axis=-1)))
        flux = np.maximum(mag[:, lag:] - mag[:, :-lag], 0.0).sum(axis=-1)
        best = np.argmax(flux, axis=1)
        centre = first[c0:c0 + 64] + n_fft // 2 + (best + lag) * hop
        onset[c0:c0 + 64] = centre / sr - _FINE_DELAY_S
        strength[c0:c0 + 64] = flux[np.arange(len(flux)), best] / np.maximum(
            np.median(flux, axis=1), 1e-9)
    return onset, strength


def _snap(beats_s: np.ndarray, y: np.ndarray, sr: int) -> np.ndarray:
    """Move each beat onto the attack of the onset it belongs to.

    Beats with a clear attack nearby go onto it; the others are moved by the median shift of
    those, so soft passages are not left systematically early or late.
    """
    if len(beats_s) == 0:
        return beats_s
    onset, strength = _fine_onsets(y, sr, beats_s, _SNAP_BEFORE_S, _SNAP_AFTER_S)
    clear = strength > 3.0
    shift = float(np.median(onset[clear] - beats_s[clear])) if clear.sum() >= 4 else 0.0
    out = np.where(clear, onset, beats_s + shift)
    out = np.clip(out, 0.0, len(y) / sr)
    # keep the order (two beats cannot share an onset)
    return np.maximum.accumulate(out) if np.all(np.diff(out) > 0) else _dedupe(out)


def _dedupe(times: np.ndarray, min_gap: float = 0.1) -> np.ndarray:
    times = np.sort(times)
    keep = np.concatenate([[True], np.diff(times) > min_gap])
    return times[keep]


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------

def track_beats(spectra: Spectra) -> BeatResult:
    """Track beats, downbeats, meter and tempo.

    Parameters
    ----------
    spectra : Spectra
        The shared spectra of the song (see :func:`~.spectra.compute_spectra`).

    Returns
    -------
    BeatResult
        Empty beats and tempo 0.0 for silence, a steady tone, noise, or a clip shorter than
        two seconds: anything without a clear pulse.
    """
    # 1. Check the input: long enough, some onsets at all
    if spectra.duration < _MIN_SECONDS or spectra.n_frames < 8:
        return _empty()
    if not np.isfinite(spectra.mel).all() or float(spectra.mel.max()) <= 1e-10:
        return _empty()
    log_mel = _log_mel(spectra.mel, float(spectra.mel.max()))
    if not _has_onsets(spectra, log_mel):
        change = _chroma_change(spectra.chroma, spectra.frame_rate)
        if not (_harmony_steps(change) or _melody_steps(change, spectra, log_mel)):
            return _empty()  # a steady tone, a glide, stationary noise

    # 2. Novelty; candidate metrical levels (None: no pulse)
    fr = spectra.frame_rate
    transients, noise = _transients(spectra), _attack_noise(spectra)
    nov = _novelties(spectra, log_mel, pitched=transients * (1.0 - noise))
    candidates = _candidates(spectra, nov)
    if not candidates:
        return _empty()

    # 3. The metrical level most listeners tap (its beats are already on the beat, not half a
    #    beat off, and grouped into bars)
    # how much the music has drums, 0 (none: piano, pads) .. 1 (a full kit): sharp attacks
    # above 1.5 kHz that are noise, not a piano's or a harp's partials
    drumness = transients * noise
    peaks = _onset_peaks(spectra.onset_env, fr, _NOTE_RISE)
    candidates = [{**c, "notes": _notes_per_beat(peaks, c["beats"])} for c in candidates]
    best = _backbeat_double(_choose_level(candidates, drumness), candidates, nov, drumness)
    frames, is_down, meter = best["beats"], best["is_down"], best["meter"]
    if len(frames) < 2:
        return _empty()
    tracked = frames  # the tempo is that of the beats as tracked: a phase shift keeps it
    moved = frames
    if drumness < _SOME_DRUMS:  # no drums to mark the beat: the long notes start on it
        moved = _fix_agogic_phase(peaks, frames, best.get("thirds", 0.0) > 0.0)
        moved = moved[moved < spectra.n_frames]
    if meter != 3 or len(moved) != len(frames) or not np.array_equal(moved, frames):
        # the bars of the chosen beats, 3 also where the accents mark one beat in 3 (the
        # levels were chosen without: the eighths of a 3/4 mark one in 3 too)
        frames = moved
        is_down, meter, _ = find_downbeats(spectra, nov, frames)

    # 4. Every beat onto its attack
    beats = _snap(frames * spectra.hop_length / spectra.sr, spectra.y, spectra.sr)
    if len(beats) != len(frames):  # two beats merged: recompute the bar positions
        is_down, meter, _ = find_downbeats(spectra, nov, beats * fr)
    timed = beats if tracked is frames else _snap(tracked / fr, spectra.y, spectra.sr)
    return BeatResult(tempo=_dominant_tempo(timed), beats=beats.astype(np.float64),
                      downbeats=beats[is_down].astype(np.float64), meter=int(meter))


def _has_onsets(spectra: Spectra, log_mel: np.ndarray | None = None) -> bool:
    """Whether anything starts: the strongest 1 % of frames rise by at least 2 dB on average
    over the mel bands (music: 10-20 dB; steady tones, glides and noise: below 1.5 dB)."""
    if log_mel is None:
        log_mel = _log_mel(spectra.mel, float(spectra.mel.max()))
    flux = _band_flux(log_mel, 0, log_mel.shape[0])
    return bool(np.percentile(flux, 99) >= _MIN_ONSET_DB)


_MIN_HARMONY_STEP = 0.2  # cosine distance of the chroma before and after a chord change
_STEP_OVER_MEDIAN = 3.0


def _harmony_steps(change: np.ndarray) -> bool:
    """Whether notes start without a loud attack: the harmony (``change``: the
    :func:`_chroma_change` of the spectra) changes in steps (legato chords of an organ, a choir,
    strings). Its strongest 1 % of changes reach a fifth of a full change (noise: about 0.01; a
    steady tone or drone: 0) and stand well above its median (a glide changes all the time:
    about 1.4 times its median)."""
    if len(change) == 0:
        return False
    top, median = np.percentile(change, [99.0, 50.0])
    return bool(top >= _MIN_HARMONY_STEP and top >= _STEP_OVER_MEDIAN * median)


_MELODY_STEP = 0.6  # the strongest chroma changes of a melody: one note to the next (~0.9)
_MELODY_BANDS = 16  # the mel bands a lone instrument sounds in
_MELODY_RISE_DB = 3.0  # its notes' starts in those bands (fife tunes: 3.8-4.5 dB; noise: 2.2-2.6)


def _melody_steps(change: np.ndarray, spectra: Spectra, log_mel: np.ndarray) -> bool:
    """Whether a melody plays alone (a fife, a flute, a voice): its notes start in too few mel
    bands to lift the flux over all bands to 2 dB, but one pitch follows another (the strongest
    1 % of chroma changes are near full changes; noise: 0.01, a glide: 0.3) and the notes rise
    in the bands where the sound is (the loudest :data:`_MELODY_BANDS`, 99th percentile of their
    mean flux: a glide 1.8 dB, noise up to 2.6 dB). ``change``: the :func:`_chroma_change` of
    the spectra."""
    if len(change) == 0 or float(np.percentile(change, 99.0)) < _MELODY_STEP:
        return False
    loud = np.argsort(spectra.mel.mean(axis=1))[-_MELODY_BANDS:]
    rise = np.maximum(np.diff(log_mel[loud], axis=1), 0.0).mean(axis=0)
    return bool(len(rise) and np.percentile(rise, 99.0) >= _MELODY_RISE_DB)


def _dominant_tempo(beats: np.ndarray) -> float:
    """The tempo (BPM) that lasts longest.

    The mode of the inter-beat intervals' tempi, each weighted by its duration (3 % bins); then
    the median, near that mode, of the tempo over spans of 12 beats (which averages out the
    timing pattern inside a bar of 3 or 4, e.g. a late second beat).
    """
    if len(beats) < 2:
        return 0.0
    ibi = np.diff(beats)
    bpm = 60.0 / np.maximum(ibi, 1e-6)
    keep = (bpm > _BPM_LO / 1.5) & (bpm < _BPM_HI * 1.5)
    if not keep.any():
        return 0.0
    edges = 2.0 ** np.arange(np.log2(_BPM_LO / 1.5), np.log2(_BPM_HI * 1.5), 0.03)
    weight = np.histogram(bpm[keep], bins=edges, weights=ibi[keep])[0]
    k = int(np.argmax(np.convolve(weight, [1, 2, 1], mode="same")))
    lo, hi = edges[max(k - 1, 0)], edges[min(k + 2, len(edges) - 1)]
    span = 12 if len(beats) > 24 else 1
    spans = 60.0 * span / (beats[span:] - beats[:-span])
    near = spans[(spans >= lo) & (spans < hi)]
    if len(near) == 0:
        near = bpm[(bpm >= lo) & (bpm < hi)]
    return float(np.median(near)) if len(near) else float(np.median(bpm[keep]))


def detect_onsets(spectra: Spectra) -> np.ndarray:
    """Note and drum onsets in seconds, each on its attack.

    Peaks of the onset envelope that stand out from a local median, at least 50 ms apart,
    refined onto the attack in the samples.

    Parameters
    ----------
    spectra : Spectra
        The shared spectra of the song.

    Returns
    -------
    np.ndarray [shape=(n,)], float64
        Onset times, sorted (empty for silence or a steady tone).
    """
    env = np.asarray(spectra.onset_env, dtype=np.float64)
    if len(env) < 3 or not np.isfinite(env).all() or float(spectra.mel.max()) <= 1e-10:
        return np.zeros(0)
    if not _has_onsets(spectra):
        return np.zeros(0)
    peaks = _onset_peaks(env, spectra.frame_rate)
    if len(peaks) == 0:
        return np.zeros(0)
    # the onset envelope peaks about a frame after the attack: look a little earlier
    times = peaks * spectra.hop_length / spectra.sr
    onset, strength = _fine_onsets(spectra.y, spectra.sr, times, 0.07, 0.03)
    out = np.where(strength > 2.0, onset, times - 0.025)
    return _dedupe(np.clip(out, 0.0, spectra.duration), min_gap=0.03)


def _onset_peaks(env: np.ndarray, frame_rate: float, rise: float = 0.3) -> np.ndarray:
    """Frames of the peaks of an onset envelope that stand out from a local median (by
    ``rise`` times its 95th percentile), at least 50 ms apart: the notes and hits."""
    from scipy.ndimage import median_filter

    env = np.asarray(env, dtype=np.float64)
    if len(env) < 3:
        return np.zeros(0, dtype=np.int64)
    baseline = median_filter(env, size=round(0.5 * frame_rate) | 1, mode="nearest")
    threshold = baseline + rise * float(np.percentile(env, 95))
    return find_peaks(env, threshold, max(round(0.05 * frame_rate), 1))


def _notes_per_beat(peaks: np.ndarray, beats: np.ndarray) -> float:
    """Mean number of onset peaks (frames) from each beat (frames) to the next (0 for fewer
    than 3 beats)."""
    b = np.asarray(beats, dtype=np.float64)
    if len(b) < 3:
        return 0.0
    return float(np.histogram(np.asarray(peaks, dtype=np.float64), bins=b)[0].mean())
