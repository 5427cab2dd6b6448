"""Hostile and damaged settings files end in one clear line and exit 2, promptly: billion laughs,
absurd nesting, over-long numbers, huge files; seeds from a schedule outside the seed range."""

from __future__ import annotations

import itertools
import resource

import numpy as np
import pytest

from music_visualizer.errors import ScheduleError, SettingsError
from music_visualizer.modes.plan import build_plan
from music_visualizer.safe_load import describe, parse_json, parse_yaml
from music_visualizer.settings import (
    Settings,
    load_settings_file,
    resolve_settings,
    settings_from_dict,
)
from tests.conftest import run_cli

#: The child may use this much address space; a file that blows memory up fails fast instead of
#: eating the machine (the CLI with torch imported needs well under this).
MEMORY_LIMIT = 3 * 2**30
#: A hang (the failure before the fix) shows up as a TimeoutExpired.
TIMEOUT = 120


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _laughs(key: str, levels: int = 9) -> str:
    """A ~350-byte YAML whose value at ``key`` expands to 9**levels strings through aliases."""
    names = "abcdefghijklmnop"[:levels]
    parts = ['&a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    parts += [f"&{n} [{','.join(['*' + p] * 9)}]" for p, n in itertools.pairwise(names)]
    return f"{key}: [{', '.join(parts)}]\n"


def _merge_laughs() -> str:
    """Billion laughs through YAML merge keys (each level merges the one below twice)."""
    lines = ["base0: &m0 {a: 1, b: 2}"]
    lines += [f"base{i}: &m{i} {{<<: [*m{i - 1}, *m{i - 1}, *m{i - 1}], k{i}: 1}}"
              for i in range(1, 30)]
    return "\n".join(lines) + "\nzoom: *m29\n"


def _check_one_line_exit_2(result, *needles: str) -> None:
    assert result.returncode == 2, result.stderr[-2000:]
    err = result.stderr.strip()
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1, err[-2000:]
    assert len(err) < 400
    for needle in needles:
        assert needle in err


HOSTILE = {
    "laughs_width": (lambda: _laughs("width"), "laughs.yaml", "expands to more than"),
    "laughs_prompts": (lambda: _laughs("prompts"), "laughs.yaml", "expands to more than"),
    "laughs_merge": (_merge_laughs, "merge.yaml", "expands to more than"),
    "laughs_long_text": (lambda: 'negative_prompt: &s "' + "x" * 2**20 + '"\nprompts: ['
                                 + ", ".join(["*s"] * 2000) + "]\n", "text.yaml",
                         "MB of text"),
    "yaml_900_deep": (lambda: "prompts: " + "[" * 900 + "]" * 900 + "\n", "deep.yaml",
                      "levels deep"),
    "json_100000_deep": (lambda: '{"prompts": ' + "[" * 100_000 + "]" * 100_000 + "}",
                         "deep.json", "levels deep"),
    "json_900_deep": (lambda: '{"prompts": ' + "[" * 900 + "]" * 900 + "}", "deep900.json",
                      "levels deep"),
    "deforum_txt_deep": (lambda: '{"animation_mode": "2D", "max_frames": 10, "zoom": '
                                 + "[" * 100_000 + "]" * 100_000 + "}", "deforum.txt",
                         "levels deep"),
    "yaml_huge_int": (lambda: "width: " + "9" * 6000 + "\n", "int.yaml", "cannot be read"),
    "json_huge_int": (lambda: '{"width": ' + "9" * 6000 + "}", "int.json", "cannot be read"),
    "too_large": (lambda: "# " + "x" * (5 * 2**20) + "\nfps: 8\n", "big.yaml", "larger than"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_settings_file_exits_2_at_once_with_one_line(case, song, tmp_path):
    make, name, needle = HOSTILE[case]
    path = tmp_path / name
    path.write_text(make())
    result = run_cli("render", "--audio", song, "--settings", path, "--renderer", "preview",
                     "--width", 64, "--height", 64, "--fps", 4, "--duration", 1,
                     "--output-dir", tmp_path / "out", timeout=TIMEOUT, preexec_fn=_limit_memory)
    _check_one_line_exit_2(result, needle, name)
    assert not (tmp_path / "out").exists()  # nothing was started


@pytest.mark.parametrize("command", ["analyze", "ui", "preset"])
def test_billion_laughs_is_refused_by_every_command_that_reads_settings(command, song,
                                                                        tmp_path):
    path = tmp_path / "laughs.yaml"
    path.write_text(_laughs("zoom"))
    args = {
        "analyze": ("analyze", song, "--plot", tmp_path / "plot.png", "--settings", path),
        "ui": ("ui", "--settings", path, "--port", 1),
        "preset": ("render", "--audio", song, "--preset", path, "--renderer", "preview",
                   "--output-dir", tmp_path / "out"),
    }[command]
    result = run_cli(*args, timeout=TIMEOUT, preexec_fn=_limit_memory)
    _check_one_line_exit_2(result, "expands to more than")


def test_yaml_aliases_within_the_limit_still_work(tmp_path):
    path = tmp_path / "anchors.yaml"
    path.write_text("zoom: &z '0:(1.02)'\nangle: *z\nprompts: [a red fox, a blue whale]\n")
    settings = load_settings_file(path)
    assert settings.angle == settings.zoom == "0:(1.02)"
    assert settings.prompts == ["a red fox", "a blue whale"]
    data = parse_yaml("a: &x {k: [1, 2, 3]}\nb: *x\nc: {<<: *x, j: 4}\n")
    assert data == {"a": {"k": [1, 2, 3]}, "b": {"k": [1, 2, 3]}, "c": {"k": [1, 2, 3], "j": 4}}


def test_the_loaders_refuse_without_building_or_recursing():
    with pytest.raises(SettingsError, match="expands to more than 1,000,000 values"):
        parse_yaml(_laughs("width", levels=8), name="x.yaml")
    with pytest.raises(SettingsError, match="16 MB of text"):
        parse_yaml('a: &s "' + "x" * 2**20 + '"\nb: [' + ", ".join(["*s"] * 20) + "]\n")
    assert len(parse_yaml('a: &s "' + "x" * 2**20 + '"\nb: [*s, *s]\n')["b"]) == 2
    with pytest.raises(SettingsError, match="more than 64 levels deep"):
        parse_yaml("a: " + "[" * 65 + "]" * 65)
    value, depth = parse_yaml("a: " + "[" * 60 + "]" * 60)["a"], 1
    while value:
        value, depth = value[0], depth + 1
    assert depth == 60
    with pytest.raises(SettingsError, match="more than 64 levels deep"):
        parse_json("[" * 100_000 + "]" * 100_000)
    with pytest.raises(SettingsError, match="more than 64 levels deep"):
        parse_json('{"a": ' + "[" * 70 + "]" * 70 + "}")
    with pytest.raises(SettingsError, match="cannot be read"):
        parse_json("9" * 5000)
    assert parse_json('{"a": [1, 2.5, NaN]}')["a"][:2] == [1, 2.5]


def test_messages_quote_values_within_bounds_whatever_their_size():
    shared: list = ["lol"] * 9
    for _ in range(40):  # 9**40 strings if expanded: repr() would never finish
        shared = [shared] * 9
    assert len(describe(shared)) <= 60
    assert describe(10**5000) == "a whole number of about 5001 digits"
    assert "..." in describe("x" * 10_000) and len(describe("x" * 10_000)) <= 60
    with pytest.raises(SettingsError) as info:
        settings_from_dict({"width": shared})
    assert str(info.value).startswith("width: expected a whole number") and len(
        str(info.value)) < 120
    with pytest.raises(SettingsError, match="far too large") as info:
        settings_from_dict({"width": 1e300})
    assert len(str(info.value)) < 120
    with pytest.raises(SettingsError, match=r"^preset: expected text, got ") as info:
        resolve_settings(overrides={"preset": shared})
    assert len(str(info.value)) < 120


# --- seeds from a schedule ---------------------------------------------------------------------

@pytest.mark.parametrize(("schedule", "frame", "shown"), [
    ("0:(2**64)", 0, "1.845e+19"),
    ("0:(1e300)", 0, "1e+300"),
    ("0:(2**32)", 0, "4.295e+09"),
    ("0:(5), 3:(5), 4:(2**63)", 4, "9.223e+18"),
    ("0:(5), 2:(-7)", 2, "-7"),
])
def test_seed_schedule_values_outside_the_seed_range_are_refused(schedule, frame, shown):
    settings = Settings(seed_behavior="schedule", seed_schedule=schedule, fps=4, duration=2)
    with pytest.raises(ScheduleError) as info:
        build_plan(settings, n_frames=8, seed=3)
    message = str(info.value)
    assert message.startswith(f"seed_schedule: frame {frame}: seed {shown} is out of range")
    assert "2**32-1" in message


def test_seed_schedule_in_range_and_minus_one_still_work():
    settings = Settings(seed_behavior="schedule", seed_schedule="0:(2**32-1), 2:(-1), 4:(7)",
                        fps=4, duration=2)
    seeds = build_plan(settings, n_frames=6, seed=3).columns["seed"]
    assert seeds[0] == seeds[1] == 2**32 - 1 and seeds[4] == seeds[5] == 7
    assert np.all((seeds >= 0) & (seeds < 2**32))


@pytest.mark.parametrize("schedule", ["0:(2**64)", "0:(1e300)"])
def test_cli_refuses_a_seed_schedule_out_of_range_like_a_seed(schedule, song, tmp_path):
    result = run_cli("render", "--audio", song, "--renderer", "preview", "--seed-behavior",
                     "schedule", "--seed-schedule", schedule, "--width", 64, "--height", 64,
                     "--fps", 4, "--duration", 1, "--output-dir", tmp_path, "--no-video")
    _check_one_line_exit_2(result, "seed_schedule: frame 0:", "out of range")
    assert not list(tmp_path.rglob("*.png"))
    seed = run_cli("render", "--audio", song, "--seed", str(2**64), "--output-dir", tmp_path)
    assert seed.returncode == 2 and "2**32-1" in seed.stderr  # the same range as --seed
