"""The analysis's own signal-processing steps (and the lyrics alignment's) give librosa's and
scipy.signal's numbers, to the bit, and analysing a song loads neither library (nor
scikit-learn, through librosa.decompose)."""

import subprocess
import sys

import numpy as np
import pytest

from music_visualizer.audio import dsp
from tests.conftest import ROOT, offline_env

SR = 22050


def _song(seconds: float = 9.0, seed: int = 0) -> np.ndarray:
    """Chords, a bass line, kicks and hats over a little noise: every band has something."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * SR)) / SR
    y = 0.02 * rng.standard_normal(len(t))
    for k, f in enumerate((220.0, 277.2, 329.6, 55.0)):
        y += 0.1 * np.sin(2 * np.pi * f * (1 + 0.5 * (t % 2 > 1) * (k == 3)) * t)
    beat = (t % 0.5) < 0.03
    y += 0.6 * beat * np.sin(2 * np.pi * 60 * t) + 0.1 * ((t % 0.25) < 0.01) * rng.standard_normal(
        len(t))
    return y.astype(np.float32)


SIGNALS = {"song": _song(), "noise": (0.3 * np.random.default_rng(1).standard_normal(3 * SR))
           .astype(np.float32), "short": _song(0.2, seed=2)}


def _same(ours: np.ndarray, theirs: np.ndarray) -> None:
    assert ours.shape == theirs.shape and ours.dtype == theirs.dtype, (
        ours.shape, theirs.shape, ours.dtype, theirs.dtype)
    assert np.array_equal(ours, theirs, equal_nan=True), float(
        np.max(np.abs(ours.astype(np.float64) - theirs.astype(np.float64))))


@pytest.mark.parametrize("n", [1024, 2048, 1, 7])
def test_the_window_is_scipys_periodic_hann(n):
    from scipy.signal import get_window

    _same(dsp.hann_window(n), get_window("hann", n, fftbins=True))


@pytest.mark.parametrize(("sr", "n_fft", "n_mels"), [(22050, 2048, 128), (44100, 1024, 64)])
def test_frequencies_and_filter_banks_are_librosas(sr, n_fft, n_mels):
    import librosa

    _same(dsp.fft_frequencies(sr, n_fft), librosa.fft_frequencies(sr=sr, n_fft=n_fft))
    _same(dsp.mel_frequencies(n_mels + 2, fmax=sr / 2),
          librosa.mel_frequencies(n_mels=n_mels + 2, fmax=sr / 2))
    _same(dsp.mel_frequencies(n_mels, fmin=30.0, fmax=8000.0),
          librosa.mel_frequencies(n_mels=n_mels, fmin=30.0, fmax=8000.0))
    _same(dsp.mel_filterbank(sr, n_fft, n_mels), librosa.filters.mel(sr=sr, n_fft=n_fft,
                                                                    n_mels=n_mels))
    _same(dsp.mel_filterbank(sr, n_fft, n_mels, 30.0, 11000.0, normalise=False),  # beat_this's
          librosa.filters.mel(sr=sr, n_fft=n_fft, n_mels=n_mels, fmin=30.0, fmax=11000.0,
                              norm=None))
    _same(dsp.chroma_filterbank(sr, n_fft), librosa.filters.chroma(sr=sr, n_fft=n_fft,
                                                                   tuning=0.0, n_chroma=12))


@pytest.mark.parametrize("name", ["song", "noise"])
def test_the_stft_is_librosas_in_values_and_memory_order(name):
    import librosa

    y = SIGNALS[name]
    ours = dsp.stft_magnitude(y, 2048, 512)
    theirs = np.abs(librosa.stft(y, n_fft=2048, hop_length=512, center=False))
    _same(ours, theirs)
    assert ours.flags.f_contiguous == theirs.flags.f_contiguous  # the products downstream
    with pytest.raises(ValueError, match="longer than"):
        dsp.stft_magnitude(y[:100], 2048, 512)


@pytest.mark.filterwarnings("ignore:n_fft=512 is too large")  # librosa's, on the short clips
@pytest.mark.parametrize("length", [5, 300, 511, 512, 16000])
def test_the_centred_stft_is_librosas_also_for_clips_shorter_than_its_window(length):
    import librosa

    y = SIGNALS["song"][:length]  # the lyrics' alignment: 512 points, hop 160, centred
    ours = dsp.stft_magnitude(y, 512, 160, center=True)
    theirs = np.abs(librosa.stft(y, n_fft=512, hop_length=160))
    _same(ours, theirs)


@pytest.mark.parametrize("name", ["song", "noise", "short"])
def test_the_spectrum_stft_is_scipy_signals(name):
    from scipy.signal import stft

    y = SIGNALS[name]
    _, _, theirs = stft(y, fs=SR, nperseg=1024, noverlap=1024 - 256, boundary=None,
                        padded=False)
    _same(dsp.spectrum_stft(y, 1024, 256), theirs)


@pytest.mark.parametrize("margin", [1.0, (2.0, 1.0), 3.0])
def test_hpss_and_db_are_librosas_also_where_the_spectrogram_is_silent(margin):
    import librosa

    power = np.abs(librosa.stft(SIGNALS["song"], n_fft=2048, hop_length=512, center=False)) ** 2
    mel = librosa.filters.mel(sr=SR, n_fft=2048, n_mels=128) @ power
    mel[:, 100:160] = 0.0  # silence, and in it a click: both medians 0, the masks split it
    mel[5, 130] = mel[90, 140] = 1.0  # (margins of 1) or drop it
    for ours, theirs in zip(dsp.hpss(mel, (17, 31), margin=margin),
                            librosa.decompose.hpss(mel, kernel_size=(17, 31), margin=margin),
                            strict=True):
        _same(ours, theirs)
    ref = np.max(mel)
    _same(dsp.power_to_db(mel, ref=ref), librosa.power_to_db(mel, ref=ref, top_db=None))
    with pytest.raises(ValueError, match="margins"):
        dsp.hpss(mel, (17, 31), margin=0.5)


@pytest.mark.parametrize("name", ["song", "noise", "short"])
def test_frame_rms_is_librosas(name):
    import librosa

    y = SIGNALS[name]
    _same(dsp.frame_rms(y, 2048, 512),
          librosa.feature.rms(y=y, frame_length=2048, hop_length=512, center=True)[0])


def test_find_peaks_is_scipys_on_plateaus_ties_distances_and_prominences():
    from scipy.signal import find_peaks

    rng = np.random.default_rng(3)
    for _ in range(600):  # small integers: many plateaus and equal heights
        x = rng.integers(0, 5, size=int(rng.integers(0, 60))).astype(np.float64)
        height = rng.random(len(x)) * 3 if rng.random() < 0.5 else float(rng.random() * 3)
        distance = int(rng.integers(1, 7))
        prominence = float(rng.random() * 4) if rng.random() < 0.5 else None
        theirs = (find_peaks(x, height=height, distance=distance, prominence=prominence)[0]
                  if len(x) else np.zeros(0))
        ours = dsp.find_peaks(x, height, distance, prominence=prominence)
        assert np.array_equal(ours, theirs), (x, height, distance, prominence, ours, theirs)


def test_analysing_a_song_loads_neither_librosa_nor_scipy_signal_nor_scikit_learn(tmp_path):
    # ~3 s of CPU per process that analyses (the CLI, each render, each Ray worker)
    import soundfile as sf

    song = tmp_path / "song.wav"
    sf.write(song, SIGNALS["song"], SR)
    code = ("import sys; from music_visualizer.ui.cli import main; "
            f"code = main(['analyze', {str(song)!r}, '--json', {str(tmp_path / 'a.json')!r}]); "
            "print(code, sorted(m for m in ('librosa', 'scipy.signal', 'sklearn', 'pandas') "
            "if m in sys.modules))")
    env = {**offline_env(), "MUSIC_VISUALIZER_CACHE": str(tmp_path / "cache")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env=env, timeout=300)
    assert out.stdout.strip().splitlines()[-1] == "0 []", out.stdout + out.stderr
    assert (tmp_path / "a.json").stat().st_size > 0


def test_no_module_of_the_package_imports_librosa_scipy_signal_or_scikit_learn():
    import re

    pattern = re.compile(r"^\s*(import|from)\s+(librosa|scipy\.signal|sklearn)\b|"
                         r"^\s*from\s+scipy\s+import\s+.*\bsignal\b", re.MULTILINE)
    found = [f"{path.relative_to(ROOT)}: {m.group(0).strip()}"
             for path in sorted((ROOT / "music_visualizer").rglob("*.py"))
             for m in pattern.finditer(path.read_text(encoding="utf-8"))]
    assert found == []
