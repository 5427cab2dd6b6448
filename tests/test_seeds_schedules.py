"""Deforum's seed behaviours and the per-frame cfg/steps schedules."""

from __future__ import annotations

import numpy as np
import pytest

from music_visualizer.errors import ScheduleError, SettingsError
from music_visualizer.modes.plan import build_plan, frame_seeds
from music_visualizer.settings import Settings, settings_from_dict


@pytest.mark.parametrize(("behavior", "expected"), [
    ("iter", [100, 101, 102, 103, 104, 105]),
    ("fixed", [100] * 6),
    ("ladder", [100, 102, 101, 103, 102, 104]),
    ("alternate", [100, 101, 100, 101, 100, 101]),
])
def test_seed_sequences(behavior, expected):
    assert frame_seeds(100, behavior, 6).tolist() == expected


def test_iter_n_and_cadence_hold_the_seed():
    assert frame_seeds(7, "iter", 6, iter_n=2).tolist() == [7, 7, 8, 8, 9, 9]
    assert frame_seeds(7, "ladder", 6, cadence=2).tolist() == [7, 7, 9, 9, 8, 8]


def test_random_is_reproducible_from_the_recorded_seed():
    a, b = frame_seeds(42, "random", 50), frame_seeds(42, "random", 50)
    assert a.tolist() == b.tolist() and a[0] == 42 and len(set(a.tolist())) == 50
    assert frame_seeds(43, "random", 50).tolist() != a.tolist()


def test_seed_schedule_with_minus_one_meaning_random():
    # Deforum interpolates between numeric keys: hold each value with a key on both ends
    settings = Settings(seed_behavior="schedule",
                        seed_schedule="0:(5), 2:(5), 3:(-1), 5:(-1), 6:(9)")
    seeds = build_plan(settings, n_frames=8, seed=11).columns["seed"].tolist()
    assert seeds[:3] == [5, 5, 5] and seeds[6:] == [9, 9]
    assert all(0 <= s < 2**32 for s in seeds[3:6]) and len(set(seeds[3:6])) == 3
    again = build_plan(settings, n_frames=8, seed=11).columns["seed"].tolist()
    assert again == seeds  # resume renders from the saved plan; rebuilding gives the same too
    assert frame_seeds(5, "schedule", 4, schedule=np.array([-1.0, 2, 2, 2]))[1:].tolist() == [
        2, 2, 2]


def test_seed_behaviour_is_validated():
    with pytest.raises(SettingsError, match="seed_behavior"):
        settings_from_dict({"seed_behavior": "spiral"})


def test_cfg_and_steps_schedules_drive_the_plan():
    settings = Settings(cfg_scale=7, steps=20, cfg_scale_schedule="0:(5), 4:(9)",
                        steps_schedule="0:(10), 4:(30)")
    plan = build_plan(settings, n_frames=6, seed=1)
    assert plan.columns["cfg_scale"].tolist() == [5, 6, 7, 8, 9, 9]
    assert plan.columns["steps"].tolist() == [10, 15, 20, 25, 30, 30]
    plain = build_plan(Settings(cfg_scale=7, steps=20), n_frames=3, seed=1)
    assert plain.columns["cfg_scale"].tolist() == [7, 7, 7]
    assert plain.row(2).steps == 20 and isinstance(plain.row(2).steps, int)


def test_bad_values_name_the_field_and_frame():
    with pytest.raises(ScheduleError, match="steps_schedule: frame 2"):
        build_plan(Settings(steps_schedule="0:(4), 2:(0)"), n_frames=4, seed=1)
    with pytest.raises(ScheduleError, match="far_schedule"):
        build_plan(Settings(mode="3D", far_schedule="0:(100)", near_schedule="0:(200)"),
                   n_frames=2, seed=1)
    with pytest.raises(SettingsError, match="diffusion_cadence"):
        settings_from_dict({"diffusion_cadence": 0})


def test_plans_saved_before_these_columns_still_load():
    from music_visualizer.modes.plan import Plan

    plan = build_plan(Settings(), n_frames=3, seed=1)
    data = plan.to_dict()
    for name in ("translation_z", "fov", "diffuse", "prompt_from", "blend", "kernel"):
        del data["columns"][name]
    old = Plan.from_dict(data)
    row = old.row(1)
    assert row.diffuse == 1 and row.blend == 1.0 and row.fov == 70 and row.prompt_from is None
