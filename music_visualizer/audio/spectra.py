"""The shared front end of the analysis: every spectrum computed once, from one STFT.

- :class:`Spectra`          magnitude STFT, mel power, its harmonic/percussive split, onset
                            envelope and chroma, all on the same frame grid
- :func:`compute_spectra`   mono samples -> :class:`Spectra`

Beat tracking, sections, key and the feature curves all read from one :class:`Spectra`, so
nothing is computed twice (librosa's convenience calls would each redo the STFT).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["HOP_LENGTH", "N_FFT", "N_MELS", "SR", "Spectra", "compute_spectra"]

SR = 22050
HOP_LENGTH = 512
N_FFT = 2048
N_MELS = 128


@dataclass(frozen=True)
class Spectra:
    """Spectra of a mono signal on one frame grid (frame ``i`` is centred at ``i * hop / sr``).

    Attributes
    ----------
    y : np.ndarray [shape=(n,)], float32
        The mono samples at ``sr``.
    stft_mag : np.ndarray [shape=(1 + n_fft // 2, t)]
        Magnitude STFT.
    mel : np.ndarray [shape=(n_mels, t)]
        Mel power spectrogram.
    mel_harmonic, mel_percussive : np.ndarray [shape=(n_mels, t)]
        Harmonic/percussive split of ``mel`` (median-filtering HPSS, soft masks).
    onset_env : np.ndarray [shape=(t,)]
        Spectral-flux onset strength (librosa's, on the log-mel spectrogram).
    chroma : np.ndarray [shape=(12, t)]
        Chroma of the harmonic part, each frame normalised to max 1 (0 in silence).
    """

    y: np.ndarray
    sr: int
    hop_length: int
    n_fft: int
    stft_mag: np.ndarray
    mel: np.ndarray
    mel_harmonic: np.ndarray
    mel_percussive: np.ndarray
    onset_env: np.ndarray
    chroma: np.ndarray

    @property
    def n_frames(self) -> int:
        return int(self.stft_mag.shape[1])

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
        import librosa

        return librosa.mel_frequencies(n_mels=self.mel.shape[0] + 2, fmax=self.sr / 2)[1:-1]


def compute_spectra(y: np.ndarray, sr: int = SR, *, hop_length: int = HOP_LENGTH,
                    n_fft: int = N_FFT, n_mels: int = N_MELS) -> Spectra:
    """Compute every spectrum of the analysis from mono samples ``y`` at ``sr``.

    Silence and very short clips are fine (arrays of zeros, at least one frame).
    """
    import librosa

    y = np.ascontiguousarray(y, dtype=np.float32)
    if y.ndim != 1:
        raise ValueError(f"y must be mono (n,), got shape {y.shape}")
    if len(y) < n_fft:
        y = np.pad(y, (0, n_fft - len(y)))
    stft_mag = np.abs(librosa.stft(y, n_fft=n_fft, hop_length=hop_length)).astype(np.float32)
    power = stft_mag**2
    mel_basis = librosa.filters.mel(sr=sr, n_fft=n_fft, n_mels=n_mels)
    mel = (mel_basis @ power).astype(np.float32)
    harmonic, percussive = librosa.decompose.hpss(mel, kernel_size=(17, 31), margin=1.0)
    onset_env = librosa.onset.onset_strength(S=librosa.power_to_db(mel, ref=np.max), sr=sr,
                                             hop_length=hop_length).astype(np.float32)
    # chroma from the STFT bins, weighted by the harmonic share of their mel band
    harmonic_share = harmonic / np.maximum(mel, 1e-12)
    share_per_bin = np.clip(mel_basis.T @ harmonic_share / np.maximum(
        mel_basis.sum(axis=0)[:, None], 1e-12), 0.0, 1.0)
    # tuning=0: pitch-tracking the whole song for the tuning costs ~1.4 s and warns on silence
    chroma = librosa.feature.chroma_stft(S=power * share_per_bin, sr=sr, n_fft=n_fft,
                                         hop_length=hop_length, norm=None, tuning=0.0)
    peak = chroma.max(axis=0, keepdims=True)
    chroma = np.where(peak > 1e-8, chroma / np.maximum(peak, 1e-12), 0.0).astype(np.float32)
    return Spectra(y=y, sr=sr, hop_length=hop_length, n_fft=n_fft, stft_mag=stft_mag, mel=mel,
                   mel_harmonic=harmonic.astype(np.float32),
                   mel_percussive=percussive.astype(np.float32), onset_env=onset_env,
                   chroma=chroma)
