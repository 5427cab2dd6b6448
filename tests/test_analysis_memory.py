"""The analysis in blocks: the same results as on the whole signal, in bounded memory."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from music_visualizer.audio.analysis import _SampleStore, analyze_file, analyze_signal
from music_visualizer.audio.load import load_audio, stream_audio
from music_visualizer.audio.spectra import SpectraBuilder, compute_spectra, sample_windows
from tests.synth_music import synth_song

ROOT = Path(__file__).resolve().parents[1]


def _load_benchmark(name: str):
    spec = importlib.util.spec_from_file_location(f"_bench_{name}",
                                                  ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def song() -> np.ndarray:
    return synth_song("funk", seed=5, bars=12).audio


_EXACT = ("mel", "mel_harmonic", "mel_percussive", "onset_env", "wave_peak")


def test_spectra_fed_in_blocks_equal_the_whole_signal(song: np.ndarray) -> None:
    whole = compute_spectra(song)
    # odd block sizes, no length hint (the arrays grow), small STFT blocks (many HPSS seams)
    builder = SpectraBuilder(block_frames=37)
    for start in range(0, len(song), 12_345):
        builder.feed(song[start:start + 12_345])
    fed = builder.finish(song)
    assert fed.n_frames == whole.n_frames == 1 + len(song) // 512
    for name in _EXACT:
        assert np.array_equal(getattr(fed, name), getattr(whole, name)), name
    # matrix products over blocks of another width may round differently (float32)
    np.testing.assert_allclose(fed.chroma, whole.chroma, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(fed.centroid, whole.centroid, rtol=1e-5)
    np.testing.assert_allclose(fed.band_power, whole.band_power, rtol=1e-5)
    assert fed.peak == pytest.approx(float(np.abs(song).max()))


def test_spectra_keep_no_full_resolution_spectrogram(song: np.ndarray) -> None:
    spectra = compute_spectra(song)
    kept = sum(np.asarray(v).nbytes for v in vars(spectra).values() if isinstance(v, np.ndarray))
    # the samples, 3 mel spectrograms (128 rows) and a few rows: far less than one magnitude
    # spectrogram (1025 rows)
    assert kept - song.nbytes < 1025 * spectra.n_frames * 4
    assert spectra.mel.dtype == spectra.mel_harmonic.dtype == np.float32


def test_streamed_decoding_equals_loading_the_whole_file(song: np.ndarray,
                                                         tmp_path: Path) -> None:
    stereo = np.stack([song, 0.5 * np.roll(song, 30)], axis=1)
    path = tmp_path / "song.flac"
    sf.write(path, stereo, 48000)
    whole, sr = load_audio(path, sr=22050)
    stream = stream_audio(path, sr=22050)
    streamed = np.concatenate(list(stream.blocks))
    assert stream.sample_rate == sr == 22050
    assert abs(stream.expected_samples - len(whole)) <= 1
    assert streamed.dtype == np.float32 and np.array_equal(streamed, whole)


def test_file_analysis_in_blocks_equals_the_analysis_of_the_signal(song: np.ndarray,
                                                                   tmp_path: Path) -> None:
    path = tmp_path / "song.wav"
    sf.write(path, np.stack([song, song], axis=1), 44100, subtype="FLOAT")
    streamed = analyze_file(path, use_cache=False)
    direct = analyze_signal(*load_audio(path, sr=22050))
    assert streamed.summary() == direct.summary()
    for name, curve in direct.curves.items():
        np.testing.assert_allclose(streamed.curves[name], curve, rtol=1e-5, atol=1e-7)


def test_windows_of_memory_mapped_samples() -> None:
    y = np.arange(50_000, dtype=np.float32)
    with _SampleStore() as store:
        for start in range(0, len(y), 7_000):
            store.append(y[start:start + 7_000])
        mapped = store.samples()
        assert isinstance(mapped, np.memmap) and np.array_equal(mapped, y)
        starts = np.array([-10, 0, 20_000, 49_990])
        for samples in (y, mapped):
            windows = sample_windows(samples, starts, 20)
            assert windows.shape == (4, 20) and windows.dtype == np.float32
            assert np.array_equal(windows[0], np.r_[np.zeros(10), np.arange(10)])
            assert np.array_equal(windows[2], np.arange(20_000, 20_020))
            assert np.array_equal(windows[3], np.r_[np.arange(49_990, 50_000), np.zeros(10)])
        assert np.array_equal(mapped[:5], y[:5])  # the pages given back read again


@pytest.mark.slow
def test_analysis_of_a_20_minute_song_needs_bounded_memory(tmp_path: Path) -> None:
    """A 20-minute 44.1 kHz stereo WAV, analysed in a child process: its peak RSS above that of
    a 10-second song stays far below what holding the decoded song and its STFT took (about
    1 GB more for 20 minutes, 3.1 GB for an hour)."""
    bench = _load_benchmark("memory_analysis")
    short = bench.write_long_song(tmp_path / "short.wav", 10.0)
    long = bench.write_long_song(tmp_path / "long.wav", 20 * 60.0)
    base = bench.analysis_peak_rss(short)["peak_rss_mb"]
    peak = bench.analysis_peak_rss(long)["peak_rss_mb"]
    assert peak - base < 400, f"peak RSS {peak:.0f} MB, {peak - base:.0f} MB over a short song"


def test_treble_chroma_equals_the_one_from_the_full_magnitude_spectrogram(song: np.ndarray,
                                                                          ) -> None:
    """The chroma above the bass (for bar lines), computed per block, equals its computation
    from the whole magnitude spectrogram (bins 250 Hz - 4 kHz, nearest mel band's share)."""
    import librosa

    spectra = compute_spectra(song)
    mag = np.abs(librosa.stft(song, n_fft=spectra.n_fft, hop_length=spectra.hop_length))
    freqs = np.fft.rfftfreq(spectra.n_fft, 1.0 / spectra.sr)
    band = (freqs >= 250.0) & (freqs <= 4000.0)
    fb = librosa.filters.chroma(sr=spectra.sr, n_fft=spectra.n_fft, tuning=0.0)[:, band]
    share = spectra.mel_harmonic / np.maximum(spectra.mel, 1e-12)
    mel_f = spectra.mel_frequencies()
    share = share[np.clip(np.searchsorted(mel_f, freqs[band]), 0, len(mel_f) - 1)]
    chroma = fb @ (mag[band].astype(np.float32) ** 2 * share)
    peak = chroma.max(axis=0, keepdims=True)
    expected = np.where(peak > 1e-8, chroma / np.maximum(peak, 1e-12), 0.0)
    np.testing.assert_allclose(spectra.chroma_treble, expected, rtol=1e-5, atol=1e-7)
