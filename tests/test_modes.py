"""The mode registry: every mode of the ``mode`` setting has one declaration and one set of run
steps, and what each declares is what the run does."""

from __future__ import annotations

import pytest

from music_visualizer.errors import SettingsError
from music_visualizer.modes import MODES, mode_for
from music_visualizer.modes.plan import build_plan, diffuse_column
from music_visualizer.modes.steps import STEPS, steps_for
from music_visualizer.modes.walk.plan import intervals_resolved, resolve_intervals
from music_visualizer.settings import CHOICES, Settings, settings_from_dict


def test_every_mode_setting_has_a_declaration_and_steps():
    assert tuple(MODES) == tuple(CHOICES["mode"]) == tuple(STEPS)
    for name, mode in MODES.items():
        assert mode.name == name and steps_for(Settings(mode=name)).mode is mode


def test_declared_flags_of_the_modes():
    assert [m.name for m in MODES.values() if m.uses_depth] == ["3D"]
    assert [m.name for m in MODES.values() if m.batched] == ["walk", "gan"]
    assert all(m.frames_independent == m.batched for m in MODES.values())
    assert [m.name for m in MODES.values() if m.plan_columns is not None] == ["walk"]


def test_the_mode_refuses_what_it_cannot_render():
    with pytest.raises(SettingsError, match="walk mode needs the diffusion renderer"):
        settings_from_dict({"mode": "walk", "renderer": "preview"})
    for name in ("2D", "3D", "gan"):
        settings_from_dict({"mode": name, "renderer": "preview"})


def test_the_cli_summary_and_model_of_each_mode():
    preview = Settings(renderer="preview", gan_model="biggan-deep-128")
    assert mode_for(preview).summary(preview) == "renderer preview"
    assert mode_for(preview).model_to_load(preview) is None
    for name, model in (("walk", preview.model), ("gan", "biggan-deep-128")):
        s = Settings(mode=name, gan_model="biggan-deep-128")
        assert mode_for(s).summary(s) == f"{name} mode"
        assert mode_for(s).model_to_load(s) == model


def test_the_diffuse_column_follows_cadence_except_in_a_walk():
    assert diffuse_column(Settings(diffusion_cadence=3), 7).tolist() == [1, 0, 0, 1, 0, 0, 1]
    assert diffuse_column(Settings(mode="walk", diffusion_cadence=3), 4).tolist() == [1] * 4


def test_a_walk_plan_keeps_resolved_intervals_as_they_are():
    given = [{"start": 0, "end": 2, "prompt_start": "a cat"},
             {"start": 2, "end": 3, "prompt_start": "a dog", "kind": "hold"}]
    assert not intervals_resolved(settings_from_dict({"intervals": given}).intervals)
    ideas = ["ideas from a model"]
    resolved = resolve_intervals(given, seed=5, start=0, end=3, prompts=[], default_prompt="x",
                                 ideas=lambda prompt, n, seed: ideas)
    assert intervals_resolved(resolved)
    settings = Settings(mode="walk", fps=4, intervals=resolved)
    plan = build_plan(settings, n_frames=12, seed=5)
    assert plan.row(4).prompt == "ideas from a model"  # not replaced by a built-in idea
