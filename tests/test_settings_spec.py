"""One declaration per setting: every field of Settings carries its spec, and validation, the
CLI's flags, the app's form, configs/default.yaml and the README's table all follow from it."""

from __future__ import annotations

import argparse
import dataclasses

import pytest

from music_visualizer.errors import SettingsError
from music_visualizer.modes.plan import SCHEDULED_COLUMNS, column_ranges
from music_visualizer.settings import (
    GROUPS,
    Settings,
    field_specs,
    form_fields,
    settings_from_dict,
    value_range,
)
from music_visualizer.settings.docs import stale_files
from music_visualizer.settings.spec import SPEC_KEY, WIDGETS, setting
from music_visualizer.ui.actions import FORM_FIELDS, field_overrides
from music_visualizer.ui.cli import build_parser, setting_flags


def test_every_field_is_declared_with_help_and_a_group_in_order():
    groups = []
    for field in dataclasses.fields(Settings):
        spec = field.metadata.get(SPEC_KEY)
        assert spec is not None and spec.help.strip(), field.name
        assert spec.group in GROUPS, field.name
        if not groups or groups[-1] != spec.group:
            groups.append(spec.group)
        assert not spec.widget or spec.widget in WIDGETS, field.name
    assert groups == list(GROUPS)  # each group's fields sit together, in the groups' order


def _render_parser() -> argparse.ArgumentParser:
    commands = next(a for a in build_parser()._actions
                    if isinstance(a, argparse._SubParsersAction))
    return commands.choices["render"]


def test_every_settings_flag_comes_from_a_declaration():
    specs = field_specs()
    flags = {a.dest: a for a in _render_parser()._actions if a.dest in specs}
    declared = {name for name, (_, spec) in specs.items() if spec.flag is not None}
    assert set(flags) - {"prompts"} == declared
    for name in declared:
        assert flags[name].option_strings == ["--" + name.replace("_", "-")]
        assert flags[name].help.startswith(specs[name][1].help.replace("%", "%%"))
    assert set(setting_flags()) == declared | {"prompts"}


def test_the_flags_check_types_and_show_declared_defaults():
    args = _render_parser().parse_args(["--width", "640", "--fps", "24.5", "--classes", "1", "2",
                                        "--compile", "--zoom", "0:(1.1)"])
    assert (args.width, args.fps, args.classes, args.compile, args.zoom) == (
        640, 24.5, [1, 2], True, "0:(1.1)")
    help_text = _render_parser().format_help()
    assert "(default: 0.35)" in help_text and "(default: lanczos)" in help_text


def test_the_apps_form_lists_follow_the_declarations():
    assert tuple(name for name, _ in form_fields()) == FORM_FIELDS
    assert FORM_FIELDS[:5] == ("duration", "start", "fps", "width", "height")
    positions = [spec.form for _, (_, spec) in field_specs().items() if spec.widget]
    assert len(positions) == len(set(positions))  # no two fields share a place
    # numbers from the form: whole for int fields, float for float fields (by their type)
    got = field_overrides({"width": "640.0", "fps": "24", "steps": 3.0, "cfg_scale": "7"}, [],
                          None)
    assert got == {"width": 640, "fps": 24.0, "steps": 3, "cfg_scale": 7.0}
    assert [type(got[k]) for k in ("width", "fps", "steps", "cfg_scale")] == [
        int, float, int, float]


def test_the_plans_column_ranges_are_the_settings_ranges():
    names = {**SCHEDULED_COLUMNS, "cfg_scale": "cfg_scale", "steps": "steps"}
    expected = {column: value_range(name) for column, name in names.items()
                if value_range(name) is not None}
    assert column_ranges() == expected
    assert column_ranges()["zoom"] == (0.0, 100.0, False)


def test_default_yaml_and_the_readme_table_match_the_declarations():
    assert stale_files() == []  # else: python -m music_visualizer.settings.docs --write


@pytest.mark.parametrize(("data", "message"), [
    ({"width": 500}, "width: 500 must be a positive multiple of 8 (e.g. 512)."),
    ({"height": 4104}, "height: 4104 is larger than 4096 pixels."),
    ({"fps": 121}, "fps: 121 must be greater than 0 and at most 120."),
    ({"duration": 0}, "duration: 0 must be greater than 0 seconds."),
    ({"start": -0.5}, "start: -0.5 must be 0 or more seconds."),
    ({"steps": 201}, "steps: 201 must be between 1 and 200."),
    ({"cfg_scale": 51}, "cfg_scale: 51 must be between 0 and 50."),
    ({"seed": 4294967296}, "seed: 4294967296 must be -1 (random) or between 0 and 2**32-1."),
    ({"seed_iter_n": 0}, "seed_iter_n: 0 must be 1 or more."),
    ({"diffusion_cadence": 51}, "diffusion_cadence: 51 must be between 1 and 50."),
    ({"perlin_octaves": 9}, "perlin_octaves: 9 must be between 1 and 8."),
    ({"perlin_persistence": 0}, "perlin_persistence: 0 must be in (0, 1]."),
    ({"prompt_blend": -1}, "prompt_blend: -1 must be 0 or more seconds."),
    ({"section_strength": 1.5}, "section_strength: 1.5 must be between 0 and 1."),
    ({"section_transition": -2}, "section_transition: -2 must be 0 or more seconds."),
    ({"model": " "}, "model: give a hub id, a local diffusers folder or a .safetensors file."),
    ({"walk_smoothing": 2}, "walk_smoothing: 2 must be between 0 and 1."),
    ({"hold_motion": -0.1}, "hold_motion: -0.1 must be between 0 and 1."),
    ({"batch_size": 257}, "batch_size: 257 must be between 1 and 256 (0: the mode's default)."),
    ({"pitch_sensitivity": 300}, "pitch_sensitivity: 300 must be between 1 and 299."),
    ({"tempo_sensitivity": 1.01}, "tempo_sensitivity: 1.01 must be between 0 and 1."),
    ({"depth": 0}, "depth: 0 must be greater than 0 and at most 1."),
    ({"num_classes": 13}, "num_classes: 13 must be between 1 and 12."),
    ({"jitter": 2}, "jitter: 2 must be between 0 and 1."),
    ({"truncation": 0.04}, "truncation: 0.04 must be between 0.05 and 1."),
    ({"smooth_factor": 0}, "smooth_factor: 0 must be 1 or more."),
    ({"frame_length": 63}, "frame_length: 63 must be between 64 and 22050 audio samples "
                           "(512 gives about 43 fps)."),
    ({"mode": "walk", "renderer": "preview"}, "renderer: the preview renderer draws camera "
     "motion only; walk mode needs the diffusion renderer."),
])
def test_range_messages_derived_from_the_specs_are_unchanged(data, message):
    with pytest.raises(SettingsError) as info:
        settings_from_dict(data)
    assert str(info.value) == message


@dataclasses.dataclass(frozen=True)
class _WithShimmer(Settings):
    """Settings with one more declared field, as a new feature would add it."""

    shimmer: float = setting(0.5, "how much the frames shimmer", group="gan", low=0.0,
                             high=2.0, low_open=True, unit="units")
    shimmer_mode: str = setting("soft", "soft | hard", group="gan", choices=("soft", "hard"))


def test_a_new_declaration_is_converted_and_checked_with_no_other_code():
    base = _WithShimmer()
    got = settings_from_dict({"shimmer": "1.5", "shimmer_mode": "HARD"}, base=base)
    assert (got.shimmer, got.shimmer_mode) == (1.5, "hard")
    with pytest.raises(SettingsError, match=r"^shimmer: 0 must be greater than 0 and at most 2 "
                                            r"units\.$"):
        settings_from_dict({"shimmer": 0}, base=base)
    with pytest.raises(SettingsError, match="shimmer: expected a number, got 'lots'"):
        settings_from_dict({"shimmer": "lots"}, base=base)
    with pytest.raises(SettingsError, match="shimmer_mode: 'wild' is not one of soft, hard"):
        settings_from_dict({"shimmer_mode": "wild"}, base=base)
    with pytest.raises(SettingsError, match="unknown setting 'shimmer'"):
        settings_from_dict({"shimmer": 1.0})  # plain Settings do not have it
