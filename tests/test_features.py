"""Feature curves and per-video-frame features, on synthesized signals with known content."""

from __future__ import annotations

import logging
import sys
import warnings

import numpy as np
import pytest

from music_visualizer.audio.analysis import AudioAnalysis, Section
from music_visualizer.audio.features import (
    CURVE_NAMES,
    FEATURE_NAMES,
    feature_curves,
    frame_features,
)
from music_visualizer.audio.spectra import SR, compute_spectra
from music_visualizer.audio.stems import demucs_available, separate_stems

INDEX_FEATURES = {"section", "section_label"}
CLICKS = np.arange(0.25, 4.0, 0.5)  # clicks in the first half of the click/tone song
BEATS = np.arange(0.25, 8.0, 0.5)


def tone(freq: float, a: float, b: float, seconds: float, amp: float = 0.3) -> np.ndarray:
    """A sine from ``a`` to ``b`` seconds (10 ms fades) in a signal of ``seconds``."""
    t = np.arange(int(seconds * SR)) / SR
    fade = np.clip(np.minimum(t - a, b - t) / 0.01, 0.0, 1.0)
    return amp * fade * np.sin(2 * np.pi * freq * t)


def clicks(times: np.ndarray, seconds: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    n = int(0.01 * SR)
    burst = 0.8 * rng.standard_normal(n) * np.exp(-np.arange(n) / (0.002 * SR))
    y = np.zeros(int(seconds * SR))
    for time in times:
        i = int(time * SR)
        y[i:i + n] += burst[: len(y) - i]
    return y


def make_analysis(y: np.ndarray, *, beats=(), downbeats=(), sections=(), stems=None,
                  tempo: float = 120.0) -> AudioAnalysis:
    spectra = compute_spectra(np.asarray(y, dtype=np.float32), SR)
    beats, downbeats = np.asarray(beats, float), np.asarray(downbeats, float)
    curves = feature_curves(spectra, beats=beats, downbeats=downbeats, sections=sections,
                            stems=stems)
    return AudioAnalysis(duration=len(y) / SR, sample_rate=SR, tempo=tempo, beats=beats,
                         downbeats=downbeats, onsets=beats, key="A minor",
                         sections=tuple(sections), feature_rate=spectra.frame_rate,
                         curves=curves)


@pytest.fixture(scope="module")
def click_tone() -> AudioAnalysis:
    """Clicks every 0.5 s for 4 s, then a steady 440 Hz tone (A4) for 4 s."""
    y = clicks(CLICKS, 8.0) + tone(440.0, 4.0, 8.0, 8.0)
    return make_analysis(y, beats=BEATS, downbeats=BEATS[::4],
                         sections=[Section(0.0, 4.0, "A"), Section(4.0, 8.0, "B")])


@pytest.fixture(scope="module")
def bands() -> AudioAnalysis:
    """60 Hz at 1-3 s, 1 kHz at 5-7 s, 6 kHz at 9-11 s, silence between (12 s)."""
    y = tone(60.0, 1, 3, 12.0) + tone(1000.0, 5, 7, 12.0) + tone(6000.0, 9, 11, 12.0)
    return make_analysis(y)


def frames_at(times, fps: float, start: float = 0.0) -> np.ndarray:
    """Index of the video frame whose window holds each time."""
    return np.floor((np.asarray(times) - start) * fps + 1e-9).astype(int)


def window(fps: float, a: float, b: float) -> slice:
    return slice(int(np.ceil(a * fps)), int(np.floor(b * fps)))


# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fps", [12, 24, 30, 59.94])
def test_every_feature_present_with_shape_and_range(click_tone, fps):
    n = int(8 * fps)
    features = frame_features(click_tone, fps=fps, n_frames=n)
    assert tuple(features) == FEATURE_NAMES
    assert len(set(FEATURE_NAMES)) == len(FEATURE_NAMES) == 29
    for name, values in features.items():
        assert values.shape == (n,) and values.dtype == np.float64, name
        assert np.isfinite(values).all(), name
        if name not in INDEX_FEATURES:
            assert values.min() >= 0.0 and values.max() <= 1.0, name
    for name in ("rms", "onset", "beat", "downbeat", "percussive", "harmonic", "mid", "high",
                 "centroid", "chroma_9", "section_progress", "drums", "vocals"):
        assert features[name].max() > 0.5, f"{name} never lights up"
    assert set(features["section"]) == {0.0, 1.0}


def test_raw_curves_shapes(click_tone):
    curves = click_tone.curves
    n = len(curves["rms"])
    assert set(curves) == set(CURVE_NAMES)
    for name in CURVE_NAMES:
        expected = (12, n) if name == "chroma" else (n,)
        assert curves[name].shape == expected, name
        assert np.isfinite(curves[name]).all() and curves[name].min() >= 0, name
    # rms is the signal's RMS: the 0.3 sine gives 0.3 / sqrt(2)
    middle = int(6.0 * click_tone.feature_rate)
    assert curves["rms"][middle] == pytest.approx(0.3 / np.sqrt(2), rel=0.03)
    assert curves["wave_peak"][middle] == pytest.approx(0.3, rel=0.02)
    assert curves["centroid"][middle] == pytest.approx(440, rel=0.15)


@pytest.mark.parametrize("fps, start", [(12, 0.0), (24, 0.0), (30, 0.0), (29.97, 0.37),
                                        (8, 1.1)])
def test_beat_peaks_on_beats_and_is_low_between(click_tone, fps, start):
    n = int((8.0 - start) * fps)
    features = frame_features(click_tone, fps=fps, n_frames=n, start=start)
    beats = np.array([b for b in BEATS if b >= start])
    on = frames_at(beats, fps, start)
    on = on[on < n]
    assert (features["beat"][on] >= 0.8).all()
    before = on - 1
    before = before[(before >= 0) & ~np.isin(before, on)]
    assert (features["beat"][before] < 0.25).all()
    halfway = np.ceil((beats + 0.25 - start) * fps - 1e-9).astype(int)
    halfway = halfway[halfway < n]
    assert (features["beat"][halfway] <= 0.3).all()
    # downbeats likewise, on every 4th beat only
    down = frames_at([b for b in BEATS[::4] if b >= start], fps, start)
    assert (features["downbeat"][down[down < n]] >= 0.8).all()
    others = np.setdiff1d(on, down)
    assert (features["downbeat"][others] < 0.1).all()


def test_clicks_light_onset_and_percussive_and_tone_lights_harmonic(click_tone):
    fps = 24
    raw = frame_features(click_tone, fps=fps, n_frames=8 * fps, attack=0.0, release=0.0)
    on = frames_at(CLICKS, fps)
    between = frames_at(CLICKS + 0.25, fps)
    for name in ("onset", "percussive"):
        # the STFT frame centred just before a click already hears it: allow one frame early
        at_click = np.maximum(raw[name][on], raw[name][on - 1])
        assert (at_click >= 0.6).all(), name
        assert (raw[name][between] < 0.15).all(), name
    assert raw["harmonic"][window(fps, 0.0, 3.9)].max() < 0.1
    assert raw["harmonic"][window(fps, 4.2, 7.8)].min() > 0.8
    assert raw["percussive"][window(fps, 4.2, 7.8)].max() < 0.1

    smooth = frame_features(click_tone, fps=fps, n_frames=8 * fps)
    assert (smooth["onset"][on] > smooth["onset"][between] + 0.3).all()


def test_low_fps_keeps_onset_peaks(click_tone):
    fps = 4  # windows of 0.25 s: a mean would dilute each one-frame onset ~10 times
    raw = frame_features(click_tone, fps=fps, n_frames=8 * fps, attack=0.0, release=0.0)
    on = frames_at(CLICKS, fps)
    assert (np.maximum(raw["onset"][on], raw["onset"][on - 1]) >= 0.6).all()


def test_bands_follow_frequency(bands):
    fps = 24
    f = frame_features(bands, fps=fps, n_frames=12 * fps)
    low, mid, high = window(fps, 1.3, 2.8), window(fps, 5.3, 6.8), window(fps, 9.3, 10.8)
    assert f["bass"][low].min() > 0.8 and f["high"][low].max() < 0.05
    assert f["mid"][mid].min() > 0.8 and f["bass"][mid].max() < 0.05
    assert f["high"][high].min() > 0.8 and f["bass"][high].max() < 0.05
    assert f["mid"][low].max() < 0.05 and f["mid"][high].max() < 0.05
    # HPSS stems: bass below 250 Hz, vocals 300-3400 Hz, other the rest (harmonic)
    assert f["bass_stem"][low].min() > 0.8 and f["vocals"][low].max() < 0.05
    assert f["vocals"][mid].min() > 0.8 and f["other"][mid].max() < 0.05
    assert f["other"][high].min() > 0.8 and f["vocals"][high].max() < 0.05
    # brightness: the 6 kHz tone is the brightest, the 60 Hz one the darkest
    assert f["centroid"][high].mean() > 0.9 and f["centroid"][low].mean() < 0.1


def test_chroma_of_an_a_peaks_at_9(click_tone):
    f = frame_features(click_tone, fps=24, n_frames=8 * 24)
    part = window(24, 4.3, 7.8)
    means = np.array([f[f"chroma_{i}"][part].mean() for i in range(12)])
    assert int(np.argmax(means)) == 9
    assert means[9] > 0.9 and np.delete(means, 9).max() < 0.5


def test_silence_gives_zeros_without_warnings():
    spectra = compute_spectra(np.zeros(3 * SR, dtype=np.float32), SR)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        curves = feature_curves(spectra, beats=np.zeros(0), downbeats=np.zeros(0), sections=())
        analysis = AudioAnalysis(duration=3.0, sample_rate=SR, tempo=0.0, beats=np.zeros(0),
                                 downbeats=np.zeros(0), onsets=np.zeros(0), key="C major",
                                 sections=(), feature_rate=spectra.frame_rate, curves=curves)
        features = frame_features(analysis, fps=24, n_frames=100)  # past the end too
    for name, values in curves.items():
        assert not values.any(), name
    for name, values in features.items():
        assert values.shape == (100,) and np.isfinite(values).all(), name
        if name != "section_progress":  # time within the (whole-song) section
            assert not values.any(), name


def test_start_selects_the_same_part_of_the_song(bands, click_tone):
    fps = 24
    full = frame_features(bands, fps=fps, n_frames=12 * fps)
    clip = frame_features(bands, fps=fps, n_frames=3 * fps, start=9.0)
    for name in FEATURE_NAMES:
        np.testing.assert_allclose(clip[name], full[name][9 * fps:12 * fps], atol=1e-9,
                                   err_msg=name)
    assert clip["high"][window(fps, 0.3, 1.8)].min() > 0.8  # the 6 kHz tone is at 9-11 s
    assert clip["bass"].max() < 0.05
    # a clip of the quieter click part is scaled like the whole song, not stretched to 0..1
    quiet = frame_features(click_tone, fps=fps, n_frames=2 * fps, start=1.0)
    assert 0.1 < quiet["rms"].max() < 0.6


def test_sections_follow_given_sections():
    sections = [Section(0.0, 2.0, "A"), Section(2.0, 5.0, "B"), Section(5.0, 8.0, "A")]
    analysis = make_analysis(tone(440.0, 0.0, 8.0, 8.0), sections=sections)
    fps = 10
    f = frame_features(analysis, fps=fps, n_frames=100)  # 10 s: 2 s past the end
    t = np.arange(100) / fps
    expected = np.select([t < 2.0, t < 5.0], [0, 1], 2)
    np.testing.assert_array_equal(f["section"], expected)
    np.testing.assert_array_equal(f["section_label"], np.select([t < 2, t < 5], [0, 1], 0))
    assert f["section_progress"][10] == pytest.approx(0.5)  # 1.0 s in 0-2
    assert f["section_progress"][35] == pytest.approx(0.5)  # 3.5 s in 2-5
    assert f["section_progress"][20] == pytest.approx(0.0)  # 2.0 s: B starts
    assert f["section_progress"][65] == pytest.approx(0.5)
    assert (f["section_progress"][80:] == 1.0).all()  # past the end: the last, finished
    for k in range(3):
        part = f["section_progress"][expected == k]
        assert (np.diff(part) > 0).all() or k == 2


def test_attack_is_faster_than_release(bands):
    rate = bands.feature_rate
    n = int(4.5 * rate)
    times = np.arange(n) / rate

    def rise_and_fall(f):
        x = f["rms"]
        rise = times[np.argmax(x > 0.9)] - times[np.argmax(x > 0.1)]
        after = times > 3.0
        fall = times[after][np.argmax(x[after] < 0.1)] - times[after][np.argmax(x[after] < 0.9)]
        return rise, fall

    rise, fall = rise_and_fall(frame_features(bands, fps=rate, n_frames=n))
    assert fall > 5 * rise
    assert fall == pytest.approx(0.25 * np.log(9), rel=0.3)  # one pole: 10%..90% = tau ln 9
    rise, fall = rise_and_fall(frame_features(bands, fps=rate, n_frames=n, attack=0.25,
                                              release=0.25))
    assert fall == pytest.approx(rise, rel=0.3)


def test_frames_past_the_end_hold_the_last_values(click_tone):
    fps = 24
    f = frame_features(click_tone, fps=fps, n_frames=10 * fps)  # the song is 8 s
    for name in ("rms", "harmonic", "chroma_9", "section", "section_progress"):
        tail = f[name][int(8.1 * fps):]
        assert (tail == tail[0]).all(), name
    assert f["beat"][-1] < 0.01
    assert frame_features(click_tone, fps=fps, n_frames=0)["rms"].shape == (0,)
    with pytest.raises(ValueError):
        frame_features(click_tone, fps=0, n_frames=10)


def test_stems_replace_the_fallbacks():
    seconds = 8.0
    drums = clicks(CLICKS, seconds)
    vocals = tone(440.0, 4.0, 8.0, seconds)
    stems = {"drums": drums, "bass": np.zeros_like(drums), "vocals": vocals,
             "other": np.zeros_like(drums)}
    analysis = make_analysis(drums + vocals, stems=stems)
    f = frame_features(analysis, fps=24, n_frames=8 * 24, attack=0.0, release=0.0)
    on = frames_at(CLICKS, 24)
    assert (np.maximum(f["drums"][on], f["drums"][on - 1]) > 0.6).all()
    assert f["drums"][window(24, 4.2, 7.8)].max() < 0.05
    assert f["vocals"][window(24, 4.2, 7.8)].min() > 0.8
    assert f["vocals"][window(24, 0.0, 3.9)].max() < 0.05
    assert not f["bass_stem"].any() and not f["other"].any()


def test_separate_stems_returns_none_without_demucs(monkeypatch, caplog):
    for name in ("demucs", "demucs.apply", "demucs.pretrained"):
        monkeypatch.setitem(sys.modules, name, None)  # import raises ImportError
    assert demucs_available() is False
    with caplog.at_level(logging.INFO, logger="music_visualizer.audio.stems"):
        assert separate_stems(np.zeros(SR, dtype=np.float32), SR) is None
    messages = [r.getMessage() for r in caplog.records if r.name.endswith("stems")]
    assert len(messages) == 1 and "demucs" in messages[0].lower()
