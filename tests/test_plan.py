"""The per-frame plan: schedules, seeds, prompts, JSON round trip."""

from __future__ import annotations

import json

import numpy as np
import pytest

from music_visualizer.errors import ScheduleError, SettingsError
from music_visualizer.modes.plan import (
    Plan,
    build_plan,
    frame_count,
    frame_seeds,
    resolve_prompt_keys,
    split_negative,
)
from music_visualizer.settings import Settings


def test_frame_count_rounds_to_the_nearest_frame():
    assert frame_count(2.0, 12) == 24
    assert frame_count(1.04, 12) == 12
    assert frame_count(1.05, 12) == 13
    assert frame_count(0.001, 12) == 1


def test_seed_behaviours():
    assert frame_seeds(10, "iter", 5).tolist() == [10, 11, 12, 13, 14]
    assert frame_seeds(10, "iter", 6, iter_n=2).tolist() == [10, 10, 11, 11, 12, 12]
    assert frame_seeds(2**32 - 1, "iter", 2).tolist() == [2**32 - 1, 0]
    assert frame_seeds(7, "fixed", 3).tolist() == [7, 7, 7]
    rand = frame_seeds(7, "random", 50)
    assert rand[0] == 7 and len(set(rand.tolist())) == 50
    assert np.array_equal(rand, frame_seeds(7, "random", 50))  # the recorded seed reproduces it
    assert not np.array_equal(rand, frame_seeds(8, "random", 50))


def test_schedules_become_columns_with_time_and_seeds():
    s = Settings(fps=10, start=2.0, zoom="0:(1.0), 10:(1.1)", angle="0:(t*0.5)", seed=3)
    plan = build_plan(s, n_frames=20, seed=3)
    assert plan.n_frames == 20 and plan.duration == 2.0
    assert plan.columns["zoom"][5] == pytest.approx(1.05)
    assert plan.columns["zoom"][15] == pytest.approx(1.1)
    assert plan.columns["angle"][4] == pytest.approx(2.0)
    assert plan.columns["time"][0] == 2.0 and plan.columns["time"][10] == pytest.approx(3.0)
    row = plan.row(4)
    assert row.seed == 7 and row.steps == s.steps and isinstance(row.steps, int)


def test_audio_arrays_are_schedule_variables():
    beat = np.linspace(0, 1, 12)
    plan = build_plan(Settings(zoom="0:(1 + 0.05*beat**2)"), n_frames=12, seed=0,
                      variables={"beat": beat})
    assert np.allclose(plan.columns["zoom"], 1 + 0.05 * beat**2)


def test_list_prompts_are_spread_evenly():
    assert resolve_prompt_keys(["a", "b", "c"], 30) == [(0, "a"), (10, "b"), (20, "c")]


def test_keyed_prompts_accept_max_f_and_start_at_zero():
    keyed = resolve_prompt_keys({"5": "a", "max_f/2": "b", "max_f": "c", "500": "gone"}, 21)
    assert keyed == [(0, "a"), (10, "b"), (20, "c")]
    with pytest.raises(SettingsError, match="prompts: frame key 'max_g'"):
        resolve_prompt_keys({"max_g": "x"}, 10)


def test_negative_prompts_from_neg_and_settings():
    assert split_negative("a cat --neg blurry, text") == ("a cat", "blurry, text")
    assert split_negative("a cat") == ("a cat", "")
    s = Settings(prompts={"0": "fox --neg blurry", "4": "whale", "8": "fox --neg blurry"},
                 negative_prompt="lowres")
    plan = build_plan(s, n_frames=10, seed=1)
    assert plan.prompt_table == (("fox", "blurry, lowres"), ("whale", "lowres"))
    assert plan.prompt_index.tolist() == [0, 0, 0, 0, 1, 1, 1, 1, 0, 0]


def test_no_prompt_uses_the_default():
    plan = build_plan(Settings(), n_frames=3, seed=1, default_prompt="song title, art")
    assert plan.row(2).prompt == "song title, art"


def test_out_of_range_values_name_field_and_frame():
    expected = r"strength_schedule: frame 4: value 1.06 is out of range \(must be from 0 to 1\)"
    with pytest.raises(ScheduleError, match=expected):
        build_plan(Settings(strength_schedule="0:(0.5), 5:(1.2)"), n_frames=10, seed=1)
    with pytest.raises(ScheduleError, match=r"zoom: frame 0: value 0"):
        build_plan(Settings(zoom="0:(0)"), n_frames=3, seed=1)


def test_plan_json_round_trip_is_exact():
    s = Settings(zoom="0:(1.0+0.013*sin(t/7))", prompts=["x", "y --neg z"], seed=99,
                 seed_behavior="random")
    plan = build_plan(s, n_frames=50, seed=99)
    again = Plan.from_dict(json.loads(json.dumps(plan.to_dict())))
    for name, column in plan.columns.items():
        assert np.array_equal(column, again.columns[name]), name
        assert column.dtype == again.columns[name].dtype
    assert again.prompt_table == plan.prompt_table
    assert again.row(31) == plan.row(31)


def test_prompt_list_is_recycled_through_sections():
    s = Settings(fps=2, start=10.0, prompts=["a", "b", "c"])
    # sections start before the video (5 s), inside it (12, 15, 20, 22 s) and after it (40 s)
    plan = build_plan(s, n_frames=30, seed=1, section_starts=[0.0, 5.0, 12.0, 15.0, 20.0, 22.0,
                                                               40.0])
    prompts = [plan.row(i).prompt for i in range(30)]
    # frame f is song time 10 + f/2: sections at frames 0 (covering 5-12 s), 4, 10, 20, 24
    assert prompts[0] == "a" and prompts[3] == "a"
    assert prompts[4] == "b" and prompts[9] == "b"
    assert prompts[10] == "c" and prompts[19] == "c"
    assert prompts[20] == "a" and prompts[24] == "b" and prompts[29] == "b"


def test_strength_dips_where_the_prompt_changes_and_eases_back():
    s = Settings(fps=10, prompts=["a", "b"], strength_schedule="0:(0.7)", section_strength=0.3,
                 section_transition=1.0)
    plan = build_plan(s, n_frames=40, seed=1, section_starts=[0.0, 2.0])
    strength = plan.columns["strength"]
    assert np.all(strength[:20] == 0.7)  # no dip at frame 0 (txt2img) nor before the change
    assert strength[20] == pytest.approx(0.3)
    assert np.all(np.diff(strength[20:30]) > 0)  # eases back ...
    assert np.all(strength[30:] == 0.7)  # ... within one second
    # a schedule that is already lower than the dip is kept
    low = build_plan(Settings(fps=10, prompts=["a", "b"], strength_schedule="0:(0.2)"),
                     n_frames=40, seed=1, section_starts=[0.0, 2.0])
    assert np.all(low.columns["strength"] == 0.2)
    # one prompt: nothing changes, no dip
    one = build_plan(Settings(fps=10, prompts=["a"]), n_frames=40, seed=1,
                     section_starts=[0.0, 2.0])
    assert np.all(one.columns["strength"] == 0.65)


def test_every_preset_resolves_and_layers_under_file_and_flags(tmp_path):
    from music_visualizer.settings import load_preset, preset_names, resolve_settings

    assert set(preset_names()) >= {"pulse", "sway", "drift", "calm", "flythrough"}
    for name in preset_names():
        assert resolve_settings(overrides={"preset": name}).zoom == load_preset(name)["zoom"]
    path = tmp_path / "s.yaml"
    path.write_text("preset: pulse\nangle: '0:(5)'\nfps: 8\n")
    s = resolve_settings(file=path, overrides={"fps": 24})
    assert s.preset == "pulse" and s.zoom == load_preset("pulse")["zoom"]  # from the preset
    assert s.angle == "0:(5)" and s.fps == 24  # the file beats the preset, flags beat the file
    with pytest.raises(SettingsError, match="preset: 'wobble' is not a preset; choose one of"):
        resolve_settings(overrides={"preset": "wobble"})


def test_no_prompt_is_lost_when_the_clip_has_fewer_sections_than_prompts():
    plan = build_plan(Settings(fps=2, prompts=["a", "b", "c"]), n_frames=30, seed=1,
                      section_starts=[0.0, 10.0])
    assert [plan.row(i).prompt for i in (0, 10, 20)] == ["a", "b", "c"]


def test_prompt_keys_all_outside_the_video_are_an_error():
    with pytest.raises(SettingsError, match="every frame key is outside the video"):
        build_plan(Settings(prompts={"500": "x"}), n_frames=100, seed=1)
