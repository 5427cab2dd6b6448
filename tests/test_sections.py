"""Song sections on synthesized music with known sections, scored with mir_eval.

Beats and downbeats are the synthesized songs' ground truth, so these tests do not depend on the
beat tracker. The method was tuned on seeds 0-7 of :mod:`tests.synth_music`; the tests use
seed 8, which it never saw.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from music_visualizer.audio.analysis import Section
from music_visualizer.audio.sections import find_sections
from music_visualizer.audio.spectra import compute_spectra
from tests.synth_music import GENRES, SynthSong, synth_song

mir_eval = pytest.importorskip("mir_eval")

SEED = 8
SR = 22050
NO_BEATS = np.array([])


@pytest.fixture(scope="module")
def songs() -> dict:
    """genre -> (song, spectra), synthesized and analysed once per module, on demand."""
    cache: dict = {}

    def get(genre: str):
        if genre not in cache:
            song = synth_song(genre, seed=SEED, sr=SR)
            cache[genre] = (song, compute_spectra(song.audio, song.sr))
        return cache[genre]

    return get


def _reference(song: SynthSong) -> tuple[np.ndarray, list[str]]:
    intervals = np.array([[s, e] for s, e, _ in song.sections])
    return intervals, [label for *_, label in song.sections]


def _scores(song: SynthSong, sections: list[Section]) -> tuple[float, float]:
    """Boundary hit-rate F at +-3 s (first and last boundary trimmed) and pairwise frame F."""
    ref_iv, ref_labels = _reference(song)
    est_iv = np.array([[s.start, s.end] for s in sections])
    est_labels = [s.label for s in sections]
    f_bound = mir_eval.segment.detection(ref_iv, est_iv, window=3.0, trim=True)[2]
    f_pair = mir_eval.segment.pairwise(ref_iv, ref_labels, est_iv, est_labels)[2]
    return float(f_bound), float(f_pair)


def _check_contract(sections: list[Section], duration: float, min_section: float = 6.0) -> None:
    assert sections, "at least one section"
    assert all(isinstance(s, Section) for s in sections)
    assert sections[0].start == 0.0
    assert sections[-1].end == duration
    for a, b in itertools.pairwise(sections):
        assert a.end == b.start, "contiguous"
        assert a.label != b.label, "neighbours with one label are merged"
    for i, s in enumerate(sections):
        assert s.end > s.start
        if len(sections) > 1:  # an intro may be short (two bars), down to half of it
            shortest = 0.5 * min_section if i == 0 else min_section
            assert s.end - s.start >= shortest - 1e-9
    # labels A, B, C... in order of first appearance
    seen: list[str] = []
    for s in sections:
        if s.label not in seen:
            seen.append(s.label)
    assert seen == [chr(ord("A") + i) for i in range(len(seen))]


def _baseline(song: SynthSong, spectra) -> float:
    """Plain librosa: agglomerative clustering of beat-synchronous chroma into the true number
    of sections. Returns its boundary F at +-3 s."""
    import librosa

    frames = librosa.time_to_frames(song.beats, sr=spectra.sr, hop_length=spectra.hop_length)
    frames = frames[frames < spectra.n_frames]
    chroma = librosa.util.sync(spectra.chroma, frames, aggregate=np.median)
    starts = librosa.segment.agglomerative(chroma, len(song.sections))
    times = librosa.frames_to_time(librosa.util.fix_frames(frames, x_min=0), sr=spectra.sr,
                                   hop_length=spectra.hop_length)
    bounds = np.unique(np.concatenate([times[starts], [song.duration]]))
    est_iv = np.stack([bounds[:-1], bounds[1:]], axis=1)
    ref_iv, _ = _reference(song)
    return float(mir_eval.segment.detection(ref_iv, est_iv, window=3.0, trim=True)[2])


@pytest.mark.parametrize("genre", GENRES)
def test_sections_per_genre(songs, genre):
    song, spectra = songs(genre)
    sections = find_sections(spectra, beats=song.beats, downbeats=song.downbeats,
                             duration=song.duration)
    _check_contract(sections, song.duration)
    f_bound, f_pair = _scores(song, sections)
    # Misses here are sections shorter than min_section (2-bar intros and breakdowns of the
    # faster genres), which the contract forbids.
    assert f_bound >= 0.7, (genre, f_bound, sections)
    assert f_pair >= 0.6, (genre, f_pair, sections)


@pytest.mark.slow
def test_better_than_plain_librosa(songs):
    ours, base, pairs = [], [], []
    for genre in GENRES:
        song, spectra = songs(genre)
        sections = find_sections(spectra, beats=song.beats, downbeats=song.downbeats,
                                 duration=song.duration)
        f_bound, f_pair = _scores(song, sections)
        ours.append(f_bound)
        pairs.append(f_pair)
        base.append(_baseline(song, spectra))
    assert np.mean(ours) >= 0.85, ours
    assert np.mean(pairs) >= 0.8, pairs
    assert np.mean(ours) >= np.mean(base) + 0.25, (ours, base)


def test_repeated_sections_share_labels(songs):
    song, spectra = songs("house")
    sections = find_sections(spectra, beats=song.beats, downbeats=song.downbeats,
                             duration=song.duration)
    assert len(sections) == len(song.sections)
    by_truth: dict[str, set[str]] = {}
    for (start, _, truth), est in zip(song.sections, sections, strict=True):
        assert abs(est.start - start) < 0.1
        by_truth.setdefault(truth, set()).add(est.label)
    assert all(len(labels) == 1 for labels in by_truth.values()), by_truth
    assert len({next(iter(v)) for v in by_truth.values()}) == len(by_truth)  # distinct per part
    assert [s.label for s in sections] == ["A", "B", "C", "B", "C", "D", "C", "E"]


def test_boundaries_snap_to_downbeats(songs):
    song, spectra = songs("rock")
    sections = find_sections(spectra, beats=song.beats, downbeats=song.downbeats,
                             duration=song.duration)
    for s in sections[1:]:
        assert np.min(np.abs(song.downbeats - s.start)) < 1e-9


def test_no_downbeats_snaps_to_beats(songs):
    song, spectra = songs("pop")
    sections = find_sections(spectra, beats=song.beats, downbeats=NO_BEATS,
                             duration=song.duration)
    _check_contract(sections, song.duration)
    for s in sections[1:]:
        assert np.min(np.abs(song.beats - s.start)) < 1e-9
    f_bound, f_pair = _scores(song, sections)
    assert f_bound >= 0.7 and f_pair >= 0.6, (f_bound, f_pair)


@pytest.mark.parametrize("genre", ["pop", "waltz"])
def test_no_beats_uses_a_time_grid(songs, genre):
    song, spectra = songs(genre)
    sections = find_sections(spectra, beats=NO_BEATS, downbeats=NO_BEATS,
                             duration=song.duration)
    _check_contract(sections, song.duration)
    f_bound, f_pair = _scores(song, sections)
    assert f_bound >= 0.7 and f_pair >= 0.6, (f_bound, f_pair)


def test_messy_beats(songs):
    """Unsorted, duplicated, non-finite and out-of-range beats; half-time beats."""
    song, spectra = songs("funk")
    rng = np.random.default_rng(0)
    beats = np.concatenate([song.beats, song.beats[:5], [np.nan, np.inf, -3.0, 1e6]])
    rng.shuffle(beats)
    sections = find_sections(spectra, beats=beats, downbeats=song.downbeats[::-1],
                             duration=song.duration)
    _check_contract(sections, song.duration)
    half = find_sections(spectra, beats=song.beats[::2], downbeats=song.downbeats,
                         duration=song.duration)
    _check_contract(half, song.duration)
    assert _scores(song, half)[0] >= 0.7


def test_min_section_is_respected(songs):
    song, spectra = songs("tempo_change")
    sections = find_sections(spectra, beats=song.beats, downbeats=song.downbeats,
                             duration=song.duration, min_section=15.0)
    _check_contract(sections, song.duration, min_section=15.0)
    assert len(sections) >= 3


def test_short_clip_is_one_section():
    song = synth_song("pop", seed=SEED, bars=4)
    n = int(5.0 * song.sr)
    spectra = compute_spectra(song.audio[:n], song.sr)
    beats = song.beats[song.beats < 5.0]
    sections = find_sections(spectra, beats=beats, downbeats=beats[::4], duration=5.0)
    assert sections == [Section(0.0, 5.0, "A")]


@pytest.mark.parametrize("beats", [NO_BEATS, np.arange(0.5, 40.0, 0.5)])
def test_silence_is_one_section(beats):
    spectra = compute_spectra(np.zeros(40 * SR, dtype=np.float32), SR)
    sections = find_sections(spectra, beats=beats, downbeats=beats[::4], duration=40.0)
    assert sections == [Section(0.0, 40.0, "A")]


def test_stationary_sound_is_one_section():
    rng = np.random.default_rng(1)
    t = np.arange(60 * SR) / SR
    noise = 0.1 * rng.standard_normal(len(t)) + 0.2 * np.sin(2 * np.pi * 220 * t)
    spectra = compute_spectra(noise.astype(np.float32), SR)
    beats = np.arange(0.5, 60.0, 0.5)
    assert find_sections(spectra, beats=beats, downbeats=beats[::4], duration=60.0) == [
        Section(0.0, 60.0, "A")]
    assert find_sections(spectra, beats=NO_BEATS, downbeats=NO_BEATS, duration=60.0) == [
        Section(0.0, 60.0, "A")]


def test_degenerate_durations():
    spectra = compute_spectra(np.zeros(SR, dtype=np.float32), SR)
    assert find_sections(spectra, beats=NO_BEATS, downbeats=NO_BEATS, duration=0.0) == [
        Section(0.0, 0.0, "A")]
    assert find_sections(spectra, beats=NO_BEATS, downbeats=NO_BEATS, duration=1.0) == [
        Section(0.0, 1.0, "A")]


@pytest.mark.slow
def test_three_minute_song():
    song = synth_song("dnb", seed=SEED, bars=128)  # about 3 minutes at ~170 BPM
    assert song.duration > 170
    spectra = compute_spectra(song.audio, song.sr)
    sections = find_sections(spectra, beats=song.beats, downbeats=song.downbeats,
                             duration=song.duration)
    _check_contract(sections, song.duration)
    _check_contract(find_sections(spectra, beats=NO_BEATS, downbeats=NO_BEATS,
                                  duration=song.duration), song.duration)
