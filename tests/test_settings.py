"""Typed settings: defaults, files, validation messages, overrides."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from music_visualizer.errors import SettingsError
from music_visualizer.settings import (
    Settings,
    apply_overrides,
    load_settings_file,
    settings_from_dict,
    settings_to_dict,
)

ROOT = Path(__file__).resolve().parents[1]


def test_configs_default_yaml_mirrors_the_defaults():
    assert load_settings_file(ROOT / "configs" / "default.yaml") == Settings()


def test_every_field_round_trips_through_plain_data():
    custom = Settings(fps=24, width=640, height=384, duration=10.5, seed=42, prompts={"0": "a"},
                      init_image="cover.png", border="wrap", color_coherence="none")
    data = json.loads(json.dumps(settings_to_dict(custom)))
    assert settings_from_dict(data) == custom


def test_yaml_file_values_are_typed(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("fps: '24'\nwidth: 768\nzoom: 1.05\nprompts: [a cat, '', a dog]\n"
                    "renderer: PREVIEW\n")
    s = load_settings_file(path)
    assert s.fps == 24.0 and s.width == 768 and s.renderer == "preview"
    assert s.zoom == "0:(1.05)"
    assert s.prompts == ["a cat", "a dog"]  # blank prompts are dropped


def test_json_file_is_accepted(tmp_path):
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"fps": 30, "prompts": {"0": "x", "max_f/2": "y"}}))
    s = load_settings_file(path)
    assert s.fps == 30 and s.prompts == {"0": "x", "max_f/2": "y"}


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"fsp": 12}, "unknown setting 'fsp'. Did you mean 'fps'?"),
        ({"width": "wide"}, "width: expected a whole number, got 'wide'"),
        ({"width": 500}, "width: 500 must be a positive multiple of 8"),
        ({"height": 0}, "height: 0 must be a positive multiple of 8"),
        ({"fps": 0}, "fps: 0 must be greater than 0"),
        ({"fps": True}, "fps: expected a number"),
        ({"duration": -3}, "duration: -3 must be greater than 0"),
        ({"start": -1}, "start: -1 must be 0 or more"),
        ({"steps": 2.5}, "steps: expected a whole number, got 2.5"),
        ({"seed": -5}, "seed: -5 must be -1 (random)"),
        ({"renderer": "gpu"}, "renderer: 'gpu' is not one of diffusion, preview"),
        ({"border": "mirror"}, "border: 'mirror' is not one of replicate, wrap"),
        ({"zoom": ""}, "zoom: expected a keyframe schedule"),
        ({"zoom": [1, 2]}, "zoom: expected a keyframe schedule"),
        ({"prompts": 5}, "prompts: expected a list of prompts"),
        ({"prompts": {"0": 3}}, "prompts[0]: expected text"),
        ({"negative_prompt": 7}, "negative_prompt: expected text"),
    ],
)
def test_bad_settings_name_the_key(data, expected):
    with pytest.raises(SettingsError) as info:
        settings_from_dict(data)
    assert expected in str(info.value)


def test_malformed_file_says_where(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("fps: 12\nzoom: [unclosed\n")
    with pytest.raises(SettingsError, match=r"malformed at line \d+, column \d+"):
        load_settings_file(path)
    path.write_text("- just\n- a list\n")
    with pytest.raises(SettingsError, match="must contain a mapping"):
        load_settings_file(path)
    with pytest.raises(SettingsError, match="does not exist"):
        load_settings_file(tmp_path / "missing.yaml")


def test_overrides_win_and_are_validated():
    base = Settings(fps=12, width=512)
    s = apply_overrides(base, {"fps": 24.0, "prompts": ["x"]})
    assert s.fps == 24.0 and s.width == 512 and s.prompts == ["x"]
    with pytest.raises(SettingsError, match="option: unknown setting 'colour'"):
        apply_overrides(base, {"colour": 1})


def test_settings_are_immutable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        Settings().fps = 3  # type: ignore[misc]


def test_a_preset_flag_moves_the_camera_even_over_a_file_that_lists_every_schedule(tmp_path):
    from music_visualizer.settings import load_preset, resolve_settings

    full = ROOT / "configs" / "default.yaml"
    pulse = load_preset("pulse")
    chosen = resolve_settings(file=full, overrides={"preset": "pulse"})
    for key, value in pulse.items():
        if key in ("zoom", "strength_schedule", "angle"):
            assert getattr(chosen, key) == value
    # flags still win over the preset
    assert resolve_settings(file=full, overrides={"preset": "pulse", "zoom": "0:(1.2)"}
                            ).zoom == "0:(1.2)"
    # a preset named inside a file sits under that file's own keys
    own = tmp_path / "own.yaml"
    own.write_text("preset: pulse\nzoom: '0:(1.3)'\n", encoding="utf-8")
    from_file = resolve_settings(file=own)
    assert from_file.zoom == "0:(1.3)" and from_file.preset == "pulse"
    assert from_file.strength_schedule == pulse.get("strength_schedule",
                                                    from_file.strength_schedule)
