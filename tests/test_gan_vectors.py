"""GAN mode's input vectors: Deep Music Visualizer's algorithm on per-frame features."""

from __future__ import annotations

import numpy as np
import pytest

from music_visualizer.errors import SettingsError
from music_visualizer.modes.gan import vectors as gv
from music_visualizer.modes.gan.vectors import GanOptions, GanVectors, gan_vectors, parse_classes

DMV_FPS = 22050 / 512  # DMV's own frame rate: its options apply unscaled


def features(n: int, *, seed: int = 0, strong: int | None = None, loud: float = 1.0):
    """Random chroma (pitch ``strong`` dominant if given), volume and onset for ``n`` frames."""
    rng = np.random.default_rng(seed)
    chroma = rng.uniform(0.0, 0.3, (12, n))
    if strong is not None:
        chroma[strong] = rng.uniform(0.8, 1.0, n)
    return chroma, rng.uniform(0, loud, n), rng.uniform(0, loud, n) ** 4


def vectors(n: int = 300, *, fps: float = DMV_FPS, seed: int = 0, strong: int | None = None,
            **options) -> GanVectors:
    chroma, volume, onset = features(n, seed=seed, strong=strong)
    return gan_vectors(chroma, volume, onset, options=GanOptions(**options), seed=seed, fps=fps)


# ------------------------------------------------------------------ shapes and determinism


@pytest.mark.parametrize("n", [1, 5, 19, 20, 21, 57])
@pytest.mark.parametrize("smooth", [1, 2, 20, 100])
def test_exactly_one_row_per_frame_for_any_smooth_factor(n, smooth):
    v = vectors(n, smooth_factor=smooth, num_classes=5)
    assert v.weights.shape == (n, 5) and v.noise.shape == (n, 128) and len(v) == n
    assert v.weights.dtype == np.float32 and v.noise.dtype == np.float32
    assert np.isfinite(v.weights).all() and np.isfinite(v.noise).all()


def test_the_same_seed_gives_the_same_vectors_another_seed_others():
    a, b = vectors(seed=3), vectors(seed=3)
    chroma, volume, onset = features(300, seed=3)
    c = gan_vectors(chroma, volume, onset, options=GanOptions(), seed=4, fps=DMV_FPS)
    assert np.array_equal(a.noise, b.noise) and np.array_equal(a.weights, b.weights)
    assert np.array_equal(a.classes, b.classes)
    assert not np.array_equal(a.noise, c.noise) and not np.array_equal(a.classes, c.classes)


def test_drawn_classes_are_twelve_distinct_and_num_classes_takes_the_first():
    twelve, four = vectors(seed=5), vectors(seed=5, num_classes=4)
    assert len(set(twelve.classes.tolist())) == 12
    assert twelve.classes[:4].tolist() == four.classes.tolist()
    assert np.array_equal(twelve.noise, four.noise)  # the noise does not depend on the classes


def test_given_classes_are_used_and_dense_vectors_hold_only_them():
    v = vectors(40, classes=(1, 2, 3, 207), num_classes=4)
    assert v.classes.tolist() == [1, 2, 3, 207]
    dense = v.class_vector(10)
    assert dense.shape == (1000,) and dense.dtype == np.float32
    assert np.flatnonzero(dense).tolist() == [i for i, w in zip(v.classes, v.weights[10],
                                                                strict=True) if w != 0]
    assert np.array_equal(dense[v.classes], v.weights[10])
    assert np.array_equal(v.class_vectors(slice(3, 6))[1], v.class_vector(4))
    first = vectors(40, classes=tuple(range(100, 112)), num_classes=4)
    assert first.classes.tolist() == [100, 101, 102, 103]


# ------------------------------------------------------------------ class weights


def test_the_strongest_pitch_class_gets_the_largest_weight():
    v = vectors(400, strong=7, classes=tuple(range(500, 512)))
    assert (v.weights[100:].argmax(axis=1) == 7).all()  # 12 classes: class i follows pitch i
    few = vectors(400, strong=7, num_classes=3)
    assert (few.weights[100:].argmax(axis=1) == 0).all()  # k < 12: the i-th strongest pitch
    assert np.isclose(v.weights.max(), 1.0) and v.weights.min() >= 0


def test_depth_is_the_largest_class_weight():
    v = vectors(200, strong=2, depth=0.4)
    assert np.isclose(v.weights.max(), 0.4, atol=1e-6)


def test_sort_classes_by_power_gives_the_first_class_to_the_strongest_pitch():
    classes = tuple(range(10, 22))
    plain = vectors(300, strong=5, classes=classes)
    ranked = vectors(300, strong=5, classes=classes, sort_classes_by_power=True)
    assert (plain.weights[100:].argmax(axis=1) == 5).all()
    assert (ranked.weights[100:].argmax(axis=1) == 0).all()
    assert ranked.classes.tolist() == list(classes)


def _frames_to_switch(pitch_sensitivity: float) -> int:
    n = 400
    chroma = np.full((12, n), 0.1)
    chroma[2, :100], chroma[9, 100:] = 1.0, 1.0
    options = GanOptions(pitch_sensitivity=pitch_sensitivity, smooth_factor=1,
                         classes=tuple(range(12)))
    w = gan_vectors(chroma, np.zeros(n), np.zeros(n), options=options, seed=0,
                    fps=DMV_FPS).weights
    return int(np.argmax(w[100:, 9] > w[100:, 2]))


def test_higher_pitch_sensitivity_follows_a_pitch_change_faster():
    fast, slow = _frames_to_switch(290), _frames_to_switch(200)
    assert 0 < fast < slow


def test_options_mean_the_same_time_at_any_fps():
    def switch_seconds(fps: float) -> float:
        n = int(10 * fps)
        chroma = np.full((12, n), 0.1)
        chroma[2, : n // 2], chroma[9, n // 2:] = 1.0, 1.0
        options = GanOptions(smooth_factor=1, classes=tuple(range(12)))
        w = gan_vectors(chroma, np.zeros(n), np.zeros(n), options=options, seed=0,
                        fps=fps).weights
        return np.argmax(w[n // 2:, 9] > w[n // 2:, 2]) / fps

    assert switch_seconds(12) == pytest.approx(switch_seconds(48), rel=0.15)


def test_row_i_follows_frame_i_features():
    chroma, volume, onset = features(80, seed=1)
    changed = chroma.copy()
    changed[:, 50] = changed[::-1, 50]
    options = GanOptions(smooth_factor=1)
    a = gan_vectors(chroma, volume, onset, options=options, seed=0, fps=DMV_FPS)
    b = gan_vectors(changed, volume, onset, options=options, seed=0, fps=DMV_FPS)
    assert np.array_equal(a.weights[:50], b.weights[:50])
    assert not np.array_equal(a.weights[50], b.weights[50])


def _dmv_class_weights(chroma, *, pitch, depth):
    """A direct reading of DMV's loop on 1000-long vectors (for the first class ids 0..k-1)."""
    k, n = chroma.shape
    last = np.zeros(1000)
    last[:k] = chroma[:, 0]
    rows = []
    for i in range(n):
        cv = np.zeros(1000)
        for j in range(k):
            cv[j] = (last[j] + chroma[j, i] / pitch) / (1 + 1 / pitch)
        if k > 6:
            low = min(x for x in cv if x != 0)
            cv[cv == 0] = low
            cv = (cv - low) / np.ptp(cv)
        else:
            cv = cv / cv.max()
        cv = cv * depth
        if np.std(cv[cv != 0]) < 1e-7:
            cv[0] += 0.01
        rows.append(cv[:k])
        last = cv
    return np.array(rows)


@pytest.mark.parametrize("k", [3, 12])
def test_class_weights_match_dmv(k):
    chroma = features(60, seed=2)[0][:k]
    chroma[:, 20:23] = 0.5  # equal weights: DMV's guard adds 0.01 to the first class
    ours = gv._class_weights(chroma, pitch=30.0, depth=0.7)
    np.testing.assert_allclose(ours, _dmv_class_weights(chroma, pitch=30.0, depth=0.7),
                               rtol=0, atol=1e-12)


def test_silent_start_gives_empty_class_vectors_not_nan():
    chroma = np.zeros((12, 30))
    chroma[4, 10:] = 1.0
    v = gan_vectors(chroma, np.zeros(30), np.zeros(30), options=GanOptions(smooth_factor=1),
                    seed=0, fps=DMV_FPS)
    assert np.isfinite(v.weights).all() and not v.weights[:10].any()
    assert v.weights[10:].max(axis=1).min() > 0


def _dmv_smooth(rows, size):
    """DMV's smoothing (which drops the frames after its last full pair of bins)."""
    out = []
    for c in range(len(rows) // size - 1):
        a = rows[c * size:(c + 1) * size].mean(axis=0)
        b = rows[(c + 1) * size:(c + 2) * size].mean(axis=0)
        out.extend(a * (1 - j / (size - 1)) + b * (j / (size - 1)) for j in range(size))
    return np.array(out)


@pytest.mark.parametrize("n", [60, 67])
def test_smoothing_matches_dmv_and_keeps_the_tail(n):
    rows = np.random.default_rng(0).random((n, 3))
    ours, dmv = gv._smooth(rows, 10), _dmv_smooth(rows, 10)
    assert ours.shape == rows.shape and len(dmv) == 50
    np.testing.assert_allclose(ours[:50], dmv, atol=1e-12)
    last_bin = rows[n - 1 - (n - 1) % 10:].mean(axis=0)
    np.testing.assert_allclose(ours[-1], last_bin, atol=1e-12)
    assert np.allclose(gv._smooth(rows[:7], 10), rows[:7].mean(axis=0))


# ------------------------------------------------------------------ noise


def test_silence_from_the_start_keeps_the_noise_still():
    chroma = features(100)[0]
    v = gan_vectors(chroma, np.zeros(100), np.zeros(100), options=GanOptions(), seed=0,
                    fps=DMV_FPS)
    assert np.array_equal(v.noise, np.broadcast_to(v.noise[0], v.noise.shape))


def test_loud_frames_move_the_noise_further_than_quiet_ones():
    chroma = features(300)[0]
    volume = np.where(np.arange(300) < 150, 0.05, 1.0)
    v = gan_vectors(chroma, volume, np.zeros(300), options=GanOptions(), seed=0, fps=DMV_FPS)
    step = np.abs(np.diff(v.noise, axis=0)).mean(axis=1)
    assert step[200:].mean() > 10 * step[50:140].mean() > 0


def test_tempo_sensitivity_scales_the_movement():
    def steps(tempo: float) -> np.ndarray:
        # 30 frames at 0.2 * tempo per frame: no unit can reach a turning point (>= 1.8 away)
        chroma, volume, onset = features(30)[0], np.full(30, 0.2), np.zeros(30)
        v = gan_vectors(chroma, volume, onset, options=GanOptions(tempo_sensitivity=tempo),
                        seed=0, fps=DMV_FPS)
        return np.diff(v.noise.astype(np.float64), axis=0)

    np.testing.assert_allclose(steps(0.2), 2 * steps(0.1), rtol=0, atol=2e-6)
    assert np.abs(steps(0.2)).mean() > 0.02


def test_jitter_slows_about_half_of_the_units():
    def first_move(jitter: float) -> np.ndarray:
        chroma = features(3)[0]
        volume = np.array([0.0, 1.0, 1.0])  # frame 0 is still: the start; frame 1 moves
        v = gan_vectors(chroma, volume, np.zeros(3), options=GanOptions(jitter=jitter),
                        seed=0, fps=DMV_FPS)
        return np.abs(v.noise[1].astype(np.float64) - v.noise[0])

    still = first_move(0.0)
    np.testing.assert_allclose(still, 0.25 / 4, rtol=1e-4)  # tempo * volume / 4 for every unit
    ratio = first_move(0.5) / still
    slow = np.isclose(ratio, 0.5, rtol=1e-3)
    assert (slow | np.isclose(ratio, 1.0, rtol=1e-3)).all() and 40 < slow.sum() < 88


def _dmv_noise(drive, *, truncation, tempo, jitter, period, rng, jitter_rng):
    """A direct reading of DMV's noise loop, unit by unit."""
    from scipy.stats import truncnorm

    nv = truncnorm.rvs(-2, 2, size=128, random_state=rng) * truncation
    direction = [1.0 if x < 0 else -1.0 for x in nv]
    last, rows = np.zeros(128), []
    for i in range(len(drive)):
        if i % period == 0:
            jitters = np.where(jitter_rng.random(128) < 0.5, 1.0, 1.0 - jitter)
        update = (drive[i] * np.array(direction) * jitters + last * 3) / 4
        last = update
        nv = nv + update
        rows.append(nv)
        for u, x in enumerate(nv):
            if x >= 2 * truncation - tempo:
                direction[u] = -1.0
            elif x < -2 * truncation + tempo:
                direction[u] = 1.0
    return np.array(rows)


@pytest.mark.parametrize(("truncation", "tempo"), [(1.0, 0.25), (0.3, 0.5), (0.1, 0.9)])
def test_noise_matches_dmv(truncation, tempo):
    drive = tempo * np.random.default_rng(1).uniform(0, 2, 500)
    args = {"truncation": truncation, "tempo": tempo, "jitter": 0.5, "period": 37}
    ours = gv._noise(drive, rng=np.random.default_rng(2), jitter_rng=np.random.default_rng(3),
                     **args)
    dmv = _dmv_noise(drive, rng=np.random.default_rng(2), jitter_rng=np.random.default_rng(3),
                     **args)
    np.testing.assert_allclose(ours, dmv, rtol=0, atol=1e-9)


@pytest.mark.parametrize("truncation", [0.4, 1.0])
def test_noise_stays_within_about_twice_the_truncation(truncation):
    chroma, volume, _ = features(3000, seed=7)
    v = gan_vectors(chroma, volume, np.ones(3000), options=GanOptions(truncation=truncation),
                    seed=7, fps=DMV_FPS)
    assert np.abs(v.noise[0]).max() <= 2 * truncation + 0.13  # a start in -2..2 plus one move
    assert np.abs(v.noise).max() <= 2 * truncation + 4 * 0.25  # turning back takes momentum
    assert np.percentile(np.abs(v.noise), 90) <= 2 * truncation + 0.25  # mostly within


# ------------------------------------------------------------------ options and classes


@pytest.mark.parametrize("text", ["1, 5, 207", "1 5 207", " 1,5 , 207 ", [1, "5", 207]])
def test_parse_classes_accepts_lists_and_separators(text):
    assert parse_classes(text) == (1, 5, 207)


def test_parse_classes_accepts_names():
    assert parse_classes("goldfish, 207") == (1, 207)
    assert parse_classes("Great White Shark") == (2,)
    assert gv.class_names([207, 1]) == ["Golden Retriever", "goldfish"]
    assert parse_classes("") == () and parse_classes(None) == ()


@pytest.mark.parametrize(("text", "words"), [
    ("1000", "out of range"),
    ("-1", "out of range"),
    ("3, 3", "twice"),
    ("1, banana bread", "neither"),
    (list(range(13)), "at most 12"),
    ([1.5], "neither"),
])
def test_parse_classes_errors_say_what_is_wrong(text, words):
    with pytest.raises(SettingsError, match=words):
        parse_classes(text)


@pytest.mark.parametrize("options", [
    {"pitch_sensitivity": 300}, {"pitch_sensitivity": 0}, {"tempo_sensitivity": 1.5},
    {"depth": 0}, {"depth": 1.2}, {"jitter": -0.1}, {"truncation": 0.0},
    {"num_classes": 0}, {"num_classes": 13}, {"num_classes": 2.0}, {"smooth_factor": 0},
    {"classes": (1, 2, 3), "num_classes": 4}, {"classes": "1, 1"},
])
def test_bad_options_raise_settings_errors(options):
    with pytest.raises(SettingsError, match=r"GAN .*\.$"):
        GanOptions(**options)


def test_options_parse_classes_text():
    assert GanOptions(classes="1, 5, 207", num_classes=3).classes == (1, 5, 207)


# ------------------------------------------------------------------ files


def test_save_and_load_round_trip(tmp_path):
    v = vectors(50, num_classes=7)
    path = v.save(tmp_path / "gan_vectors.npz")
    back = GanVectors.load(path)
    for name in ("classes", "weights", "noise"):
        assert np.array_equal(getattr(v, name), getattr(back, name))
        assert getattr(back, name).dtype == getattr(v, name).dtype
    assert [p.name for p in tmp_path.iterdir()] == ["gan_vectors.npz"]  # no temporary left
    v.save(path)  # overwrites
    assert GanVectors.load(path).n_frames == 50


def test_vectors_are_read_only():
    v = vectors(10)
    with pytest.raises(ValueError):
        v.noise[0, 0] = 1.0


def test_loading_a_missing_or_foreign_file_is_a_settings_error(tmp_path):
    with pytest.raises(SettingsError, match="does not exist"):
        GanVectors.load(tmp_path / "nope.npz")
    (tmp_path / "bad.npz").write_bytes(b"not an npz")
    with pytest.raises(SettingsError, match="not a readable GAN vectors file"):
        GanVectors.load(tmp_path / "bad.npz")
    np.savez(tmp_path / "other.npz", classes=np.arange(3), weights=np.zeros((4, 2)))
    with pytest.raises(SettingsError, match="not a readable GAN vectors file"):
        GanVectors.load(tmp_path / "other.npz")


def test_ten_thousand_frames():
    chroma, volume, onset = features(10_000)
    result = gan_vectors(chroma, volume, onset, options=GanOptions(), seed=0, fps=24)
    assert result.weights.shape[0] == 10_000 and result.noise.shape == (10_000, 128)
    assert np.isfinite(result.weights).all() and np.isfinite(result.noise).all()
