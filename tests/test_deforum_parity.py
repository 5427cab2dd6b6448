"""Schedules from Deforum settings files evaluate to Deforum's own values.

The oracle below is this test's own small re-implementation of how Deforum (the A1111 extension
and the Colab notebook) reads a keyframe string: split at every comma, each piece at its colons;
a value that is a number once quotes and parentheses are removed sets its frame, any other value
is evaluated with numexpr at every frame until the next key; then pandas fills the gaps (and
frames where an expression gave NaN) by linear interpolation, holding the ends. numexpr runs
here, in the tests, on the test's own strings only: the package never evaluates user text with
it.

The schedule strings are modelled on the shapes found in public Deforum presets and settings
files: constants, ramps, the community's sin/cos waves (``3.14`` for pi), ``cos(...)**0.90`` of
negative bases (NaN frames), ``max_f`` keys, and the lenient shapes Deforum's splitting accepts
(``0: 0: (x)``, ``(0).3``, ``(expr)*(-0.45)``, a missing comma, ``( 2.0 )`` and ``1e-3``
values that Deforum holds rather than interpolates).
"""

from __future__ import annotations

import re
import warnings

import numexpr  # the oracle only (requirements-dev.txt)
import numpy as np
import pandas as pd
import pytest

from music_visualizer.errors import ScheduleError
from music_visualizer.settings.deforum import import_deforum
from music_visualizer.settings.schedules import (
    ScheduleWarning,
    evaluate_schedule,
    from_deforum_string,
)

SEED = 7

# ---------------------------------------------------------------------------------------------
# The oracle
# ---------------------------------------------------------------------------------------------

_ORACLE_NUMBER = re.compile(r"^(?=.)([+-]?([0-9]*)(\.([0-9]+))?)$")


def _bare(text: str) -> str:
    for c in "'\"()":
        text = text.replace(c, "")
    return text


def _unquote_key(key: str) -> str:
    """Drop the first and the last quote of each kind."""
    for q in "'\"":
        first = key.find(q)
        if first >= 0:
            key = key[:first] + key[first + 1:]
        last = key.rfind(q)
        if last >= 0:
            key = key[:last] + key[last + 1:]
    return key


def deforum_oracle(text: str, n_frames: int, seed: int = SEED) -> np.ndarray:
    """Deforum's values for ``text`` over ``n_frames`` frames (raises where Deforum does)."""
    scope = {"max_f": n_frames - 1, "s": seed}
    keys: dict[int, str] = {}
    for piece in text.split(","):
        parts = piece.split(":")
        key = parts[0]
        if _ORACLE_NUMBER.match(_bare(key.strip())):
            frame = int(_bare(key))
        else:
            frame = int(numexpr.evaluate(_unquote_key(key.strip()), local_dict=scope))
        keys[frame] = parts[1].strip()
    series = pd.Series(np.full(n_frames, np.nan))
    number = None
    for i in range(n_frames):
        if i in keys:
            value = keys[i]
            number = _ORACLE_NUMBER.match(_bare(value)) is not None
            if number:
                series[i] = float(_bare(value))
        if number is None:
            raise KeyError("Deforum needs a key at frame 0")
        if not number:
            series[i] = float(numexpr.evaluate(value, local_dict={**scope, "t": i}))
    series[0] = series[series.first_valid_index()]
    series[n_frames - 1] = series[series.last_valid_index()]
    return series.interpolate(method="linear", limit_direction="both").to_numpy()


# ---------------------------------------------------------------------------------------------
# Realistic schedule strings
# ---------------------------------------------------------------------------------------------

HAND_WRITTEN = [
    # constants, as the UIs write them
    "0:(0)", "0: (0)", "0:(1.0)", "0: (1.04)", "0:(-0.5)", "0:(+.5)", "0:(.75)", "0:(53)",
    "0: (0.065)", "0:(10)", " 0:(1.75) ", "0:(0.65)\n", '"0": (1)', "'0':(2.5)", '0:("0.3")',
    # ramps and holds
    "0:(1), 30:(1.05), 60:(0.98)", "0: (0), 45: (1.2), 60: (0.1), 120: (0.1)",
    "0:(0.65), 25:(0.55)", "0: (0.68), 60: (0.75), 119: (0.68)", "0:(0),10:(5),20:(0)",
    "0: (0.995), 30: (0.9), 50: (0.93), 80: (0.99), 100: (0.995)",
    "0:(0), 50:(0), 51:(3), 52:(0)", "0:(0),\n30:(2),\n60:(-2)", "0:(1), 500:(2)",
    "0:(1), 10:(1), 20:(2), 20:(3)", "10:(4), 0:(1)", "0:(0), 119:(10)",
    # the community's waves (3.14 for pi)
    "0:(1.0025+0.002*sin(1.25*3.14*t/30))", "0:(10*sin(2*3.14*t/10))",
    "0:(-0.06*(cos(3.141*t/15)**100)+0.06)", "0:(0.65 - 0.2*(cos(3.141*t/30)**40))",
    "0:(1.02 + 0.02*sin(3.14*t/60)**2)", "0: (2*sin(3.14*t/100)/(t+1) + 1)",
    "0:(5*cos(t/7))", "0:(0.5+0.5*sin(t/12))", "0:(abs(sin(3.141*t/24)))",
    "0:(t/max_f)", "0:(1+t*0.001)", "0:(s%7)", "0:(exp(-t/40))", "0:(log(t+1))",
    "0:(sqrt(t))", "0:(tanh(t/20-3))", "0:(arctan(t/10))", "0:((t%24)/24)",
    "0:(arcsinh(t/10))", "0:(log1p(t))", "0:(expm1(-t/50))", "0:(arctanh(t/200))",
    "0:(1.0), 30:(1.02+0.01*sin(t/5)), 60:(1.0)", "0:(0), 20:(3*sin(t/4)), 40:(0), 80:(-1)",
    "0:(0.55), 60:(0.55 - 0.1*cos(3.14*t/30)), 90:(0.5)",
    # NaN frames: negative bases to fractional powers, square roots of negative values
    "0:(cos(t/10)**0.90)", "0:(0.65*(cos(3.141*t/30)**0.90))",
    "0:(1.01 + 0.02*(sin(3.14*t/20))**0.5)", "0:(2*(cos(3.141*t/45))**1.5)",
    "0:(0), 20:(sqrt(sin(t/6))), 90:(1)", "0:(1), 30:(-(cos(3.141*t/15))**0.9), 60:(1)",
    "0:((sin(3.141*t/40)**0.9)*4)", "0:((sin(3.141*t/40)-0.5)**0.9)", "0:((0.5-t/100)**0.5)",
    "0:(1), 10:((cos(t/5))**0.9), 40:(2)",
    # max_f keys
    "0:(0), max_f:(10)", "0:(0), max_f/2:(5), max_f:(0)", "0:(0), 'max_f-1':(3)",
    '0:(1), "max_f-10":(1.5)', "0:(0), max_f/3:(2), 2*max_f/3:(-2)",
    # Deforum's lenient shapes
    "0: 0: (1.0025+0.002*sin(t))", "0:(0), 30: 0: (2)", "0:(0).3", "0:(1), 20:(0).5",
    "0:(sin(3.14*t/20))*(-0.45)", "0:(0), 30:(cos(t/9))*(0.3)+0.1",
    "0:(0), 30:(1)30:(1.5)", "0:(1.0), 60:(1.02)60:(1.04)",
    "0:( 2.0 ), 20:(1)", "0:(1e-3), 10:(0.5)", "0:(5.), 10:(1)", "0:(2.0 ), 15:(0)",
    "0:(1), 30:(1E1), 50:(0)", "( 10 ):(3), 0:(1)", "0:(0), 1e1:(2)",
    "0:((0.5)), 10:((1.5))", "0:(-(0.5)), 10:(1)", "0:(1.0\n), 30:(2)", "0:(1), 10:2, 20:(3)",
    "0:0.5, 10:0.75", "0:(1.0), 30:(2.0", "0:((1.5), 20:(0)",
]


def _generated(count: int) -> list[str]:
    """Keyframe strings in the shapes of community presets, from a fixed seed."""
    rng = np.random.default_rng(20240101)
    out = []
    for i in range(count):
        keys = sorted({0, *rng.integers(1, 140, rng.integers(0, 6)).tolist()})
        parts = []
        for key in keys:
            kind = rng.integers(0, 4)
            a, b, p = (round(float(x), 3) for x in (rng.uniform(-2, 2), rng.uniform(0, 1),
                                                     rng.uniform(5, 90)))
            if kind == 0:
                value = f"{a}"
            elif kind == 1:
                value = f"{b}+{abs(a)}*sin(2*3.14*t/{p})"
            elif kind == 2:
                value = f"{a}*(cos(3.141*t/{p})**{rng.choice([2, 4, 100, 0.9, 0.5])})"
            else:
                value = f"{a}+{b}*t/{p}"
            space = " " if i % 2 else ""
            parts.append(f"{key}:{space}({value})")
        out.append(", ".join(parts))
    return out


CASES = HAND_WRITTEN + _generated(60)
N_FRAMES = 120


@pytest.mark.parametrize("text", CASES)
def test_schedule_evaluates_to_deforums_values(text):
    expected = deforum_oracle(text, N_FRAMES)
    assert np.isfinite(expected).all(), "every case is one Deforum renders"
    got = evaluate_schedule(text, field="zoom", n_frames=N_FRAMES, variables={"s": float(SEED)},
                            deforum=True, warnings=[])
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("text", CASES)
def test_rewritten_schedule_means_the_same_here(text):
    """The importer stores from_deforum_string's text: read natively it gives Deforum's values."""
    rewritten = from_deforum_string(text, field="zoom", n_frames=N_FRAMES, warnings=[])
    native = evaluate_schedule(rewritten, field="zoom", n_frames=N_FRAMES,
                               variables={"s": float(SEED)}, warnings=[])
    np.testing.assert_allclose(native, deforum_oracle(text, N_FRAMES), rtol=1e-12, atol=1e-12)


def test_short_renders_agree_too():
    for text in CASES[::3]:
        np.testing.assert_allclose(
            evaluate_schedule(text, field="zoom", n_frames=37, variables={"s": float(SEED)},
                              deforum=True, warnings=[]),
            deforum_oracle(text, 37), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(("text", "pieces"), [
    ("0:(1) 5:(2)", ["expected ',' between keyframes at character 7"]),
    ("0:(1), 5:(sin(t)", ["frame 5:", "never closed"]),
    ("0:(1), 5:(foo(t))", ["frame 5:", "unknown function 'foo'"]),
    ("0:(1), 5:(t +* 2)", ["frame 5:", "syntax error"]),
    ("0:(1), 5:(tt)", ["frame 5:", "unknown name 'tt'"]),
    ("0:(1/(t-3))", ["division by zero", "at frame 3"]),
    ("0:((-1-t)**0.5)", ["negative number raised to a fractional power", "at frame 0"]),
])
def test_what_deforum_refuses_too_is_an_error_naming_field_frame_and_place(text, pieces):
    try:
        values = deforum_oracle(text, 20)
    except (SyntaxError, KeyError, ValueError, ZeroDivisionError, TypeError):
        pass
    else:  # Deforum "renders" it, but with values that are not finite
        assert not np.isfinite(values).all()
    with pytest.raises(ScheduleError) as info:
        evaluate_schedule(text, field="zoom", n_frames=20, deforum=True)
    message = str(info.value)
    assert message.startswith("zoom: ")
    for piece in pieces:
        assert piece in message, message


def test_nan_frames_are_filled_with_a_warning_naming_field_and_frames():
    notes: list[str] = []
    values = evaluate_schedule("0:(cos(t/10)**0.90)", field="strength_schedule", n_frames=70,
                               warnings=notes)
    assert np.isfinite(values).all()
    assert len(notes) == 1
    assert notes[0].startswith("strength_schedule: frames 16-47: negative number raised to a "
                               "fractional power in 'cos(t/10)**0.90'"), notes[0]
    assert "filled in linearly" in notes[0]
    # between the last good frame before and the first after, in a straight line
    np.testing.assert_allclose(values[16:48], np.linspace(values[15], values[48], 34)[1:-1])


def test_without_a_list_the_notes_are_python_warnings():
    with pytest.warns(ScheduleWarning, match=r"zoom: frame 5: '5:\(0\).3' is not"):
        values = evaluate_schedule("0:(0), 5:(0).3", field="zoom", n_frames=10)
    assert values[5] == pytest.approx(0.3)


def test_lenient_entries_are_read_as_deforum_reads_them_with_a_note_each():
    notes: list[str] = []
    text = "0: 0: (1.5), 10:(0).3, 20:(sin(t))*(-0.45), 30:(1)30:(2)"
    values = evaluate_schedule(text, field="zoom", n_frames=40, warnings=notes)
    assert values[0] == 0.0  # the text after the second ':' is ignored
    assert values[10] == pytest.approx(0.3)
    assert values[25] == pytest.approx(np.sin(25) * -0.45)
    assert values[30] == 130.0  # a missing comma: Deforum reads "(1)30" as the number 130
    assert len(notes) == 4
    assert "the text after its second ':' is ignored" in notes[0]


@pytest.mark.parametrize(("text", "held"), [
    ("0:( 2.0 ), 20:(1)", True), ("0:(1e-3), 20:(1)", True), ("0:(5.), 20:(1)", True),
    ("0:(2.0), 20:(1)", False), ("0:((2.0)), 20:(1)", False),
])
def test_deforum_mode_holds_what_deforum_holds(text, held):
    values = evaluate_schedule(text, field="zoom", n_frames=30, deforum=True)
    assert bool(values[19] == values[0]) is held
    native = evaluate_schedule(text, field="zoom", n_frames=30, warnings=[])
    if "((" not in text:  # our own language: a plain number (even 1e-3) is interpolated
        assert native[19] != native[0]


# ---------------------------------------------------------------------------------------------
# Whole settings files: no schedule is dropped, each renders with Deforum's values
# ---------------------------------------------------------------------------------------------

#: How the importer clips into our ranges: Deforum field -> (what is out below, clipped to, high).
_CLIPPED = {"strength_schedule": (lambda v: v < 0, 0.0, 1.0),
            "perspective_flip_fv": (lambda v: v <= 0, 1.0, 179.0),
            "noise_schedule": (lambda v: v < 0, 0.0, 10.0),
            "zoom": (lambda v: v <= 0, 0.01, 100.0)}


def _clip(key: str, values: np.ndarray) -> np.ndarray:
    if key not in _CLIPPED:
        return values
    below, floor, high = _CLIPPED[key]
    return np.where(below(values), floor, np.minimum(values, high))

COMMUNITY_2D = {  # the 2D shapes of shared presets: waves, cos**n pulses, lenient entries
    "angle": "0:(0), 60:(0.5*sin(3.14*t/30)), 120:(0)",
    "zoom": "0: (1.0025+0.002*sin(1.25*3.14*t/30))",
    "translation_x": "0:(10*sin(2*3.14*t/10))",
    "translation_y": "0: 0: (2*cos(3.14*t/45))",
    "transform_center_x": "0:(0.5)",
    "transform_center_y": "0:(0).5",
    "perspective_flip_theta": "0:(0)",
    "perspective_flip_phi": "0:(sin(3.14*t/60))*(-0.45)",
    "perspective_flip_gamma": "0:(0), 40:(1)40:(2)",
    "perspective_flip_fv": "0:(53), 60:(-10), 120:(53)",
    "noise_schedule": "0:(-0.06*(cos(3.141*t/15)**100)+0.06)",
    "strength_schedule": "0:(0.65*(cos(3.141*t/30)**0.90))",
    "contrast_schedule": "0:( 1.0 ), 50:(1.05)",
    "cfg_scale_schedule": "0:(7), 60:(1e1), 90:(7)",
    "kernel_schedule": "0: (5)", "sigma_schedule": "0: (1.0)", "amount_schedule": "0: (0.1)",
    "threshold_schedule": "0: (0.0)",
}
COMMUNITY_3D = {
    "translation_x": "0:(0), 30:(3*sin(3.14*t/30)), 90:(0)",
    "translation_y": "0:(0), max_f/2:(-2), max_f:(0)",
    "translation_z": "0:(1.75), 30:(10*cos(3.141*t/60)**0.9), 100:(1.75)",
    "rotation_3d_x": "0:(0), 50:(0.5)50:(1)",
    "rotation_3d_y": "0:(sin(3.14*t/40))*(-0.45)",
    "rotation_3d_z": "0:(0.1*t/max_f)",
    "strength_schedule": "0:(0.6), 40:(0.75 - 0.9*(sin(3.14*t/20))**2), 80:(0.6)",
    "noise_schedule": "0:(0.02), 60:(0.01)",
    "fov_schedule": "0:(70)", "near_schedule": "0:(200)", "far_schedule": "0:(10000)",
}


def _a1111(mode: str, schedules: dict, max_frames: int) -> dict:
    from tests.test_deforum_io import a1111_settings

    return a1111_settings(animation_mode=mode, max_frames=max_frames, fps=15,
                          enable_perspective_flip=True, **schedules)


def _colab(schedules: dict, max_frames: int) -> dict:
    from tests.test_deforum_io import colab_settings

    return {**colab_settings(), "max_frames": max_frames, **schedules}


FILES = {
    "A1111 2D community": _a1111("2D", COMMUNITY_2D, 120),
    "A1111 3D community": _a1111("3D", COMMUNITY_3D, 150),
    "A1111 2D short": _a1111("2D", COMMUNITY_2D, 45),
    "Colab 2D": _colab({k: v for k, v in COMMUNITY_2D.items() if k != "cfg_scale_schedule"}, 200),
    "Colab 3D": _colab({**COMMUNITY_3D, "animation_mode": "3D"}, 130),
    "A1111 defaults": _a1111("2D", {}, 120),
}


@pytest.mark.parametrize("name", list(FILES))
def test_no_schedule_of_a_real_settings_file_is_dropped(name):
    data = FILES[name]
    imported = import_deforum(data)
    n = int(data["max_frames"])
    dropped = [note for note in imported.notes if " is not used (" in note]
    assert not dropped
    from music_visualizer.modes.plan import SCHEDULED_COLUMNS

    mirrored = imported.settings.get("mode") == "3D"
    fields = [*SCHEDULED_COLUMNS.values(), "cfg_scale_schedule"]
    checked = 0
    for key in fields:
        if key not in data or key == "seed_schedule":
            continue
        assert key not in [u.split("=")[0] for u in imported.unmapped], key
        expected = deforum_oracle(data[key], n, seed=int(data["seed"]))
        expected = _clip(key, expected)
        if mirrored and key in ("translation_x", "rotation_3d_y"):
            expected = -expected  # Deforum's 3D x axis (see mirror_3d_x)
        ours = imported.settings.get(key)
        if ours is None:  # a constant cfg schedule sets cfg_scale
            assert key == "cfg_scale_schedule"
            got = np.full(n, imported.settings["cfg_scale"])
        else:
            got = evaluate_schedule(ours, field=key, n_frames=n, warnings=[],
                                    variables={"s": float(data["seed"])})
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-9, err_msg=key)
        checked += 1
    assert checked >= 10
    from music_visualizer.modes.plan import build_plan
    from music_visualizer.settings import settings_from_dict

    settings = settings_from_dict(imported.settings)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        build_plan(settings, n_frames=n, seed=int(data["seed"]))  # renders
    assert all(issubclass(w.category, ScheduleWarning) for w in caught)


def test_the_report_says_what_was_read_as_deforum_reads_it():
    imported = import_deforum(FILES["A1111 2D community"])
    notes = "\n".join(imported.notes)
    assert "translation_y: frame 0: '0: 0: (2*cos(3.14*t/45))' is not 'frame:(value)': read " \
           "as Deforum reads it, 0; the text after its second ':' is ignored" in notes
    assert "strength_schedule: frames 16-45, 76-105: negative number raised to a fractional " \
           "power in 'cos(3.141*t/30)**0.90' (character 10); filled in linearly from the " \
           "neighbouring frames, as Deforum does" in notes
    assert "perspective_flip_fv: 69 frames (51 to 119) out of our range (above 0 to 179), -10 " \
           "to 53 in the file; clipped to 1..179" in notes
    # what reads the same here is kept as written
    assert imported.settings["zoom"] == COMMUNITY_2D["zoom"]
    # Deforum holds ( 1.0 ) until frame 50: the stored text says so in our language
    assert imported.settings["contrast_schedule"] == "0:((1.0)), 50:(1.05)"
    assert imported.settings["cfg_scale_schedule"] == "0:(7.0), 60:((1e1)), 90:(7.0)"


def test_the_package_never_loads_numexpr(tmp_path):
    """numexpr runs only in this test's oracle: reading Deforum files uses the safe evaluator."""
    import json
    import subprocess
    import sys

    path = tmp_path / "settings.json"
    path.write_text(json.dumps(FILES["A1111 2D community"]))
    code = ("import json, sys\n"
            "from music_visualizer.settings.deforum import import_deforum\n"
            f"import_deforum(json.load(open({str(path)!r})))\n"
            "print('numexpr' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_a_community_settings_file_given_to_the_cli_renders_deforums_motion(tmp_path):
    """The user's path: ``--settings 20240101120000_settings.txt``, then the plan."""
    import json

    from music_visualizer.modes.plan import build_plan
    from music_visualizer.settings import deforum_report, resolve_settings

    data = FILES["A1111 2D community"]
    path = tmp_path / "20240101120000_settings.txt"
    path.write_text(json.dumps(data, indent=4))
    report = "\n".join(deforum_report(path))
    assert " is not used (" not in report
    assert "read as Deforum reads it" in report and "filled in linearly" in report
    settings = resolve_settings(file=path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScheduleWarning)
        plan = build_plan(settings, n_frames=120, seed=int(data["seed"]))
    for column, key in (("translation_y", "translation_y"), ("flip_phi", "perspective_flip_phi"),
                        ("contrast", "contrast_schedule"), ("noise", "noise_schedule")):
        np.testing.assert_allclose(plan.columns[column], deforum_oracle(data[key], 120),
                                   rtol=0, atol=1e-9, err_msg=key)
    np.testing.assert_allclose(plan.columns["strength"],
                               np.clip(deforum_oracle(data["strength_schedule"], 120), 0, 1),
                               rtol=0, atol=1e-9)




def _entry_strategy():
    from hypothesis import strategies as st

    space = st.sampled_from(["", " ", "  ", "\n"])
    number = st.floats(-50, 50, allow_nan=False).map(lambda v: f"{v:.3f}")
    expression = st.sampled_from(["sin(t/7)", "0.5+0.1*t", "cos(3.141*t/20)**0.9", "t/max_f",
                                  "(1e-3)", "( 2.0 )", "abs(cos(t/9))**0.5", "5."])
    value = st.one_of(number.map(lambda v: f"({v})"), expression.map(lambda v: f"({v})"),
                      number.map(lambda v: f'("{v}")'), number.map(lambda v: f"(({v}))"),
                      expression.map(lambda v: f"({v})*(-0.45)"))
    key = st.integers(1, 130).map(str)
    return st.tuples(space, key, space, value, space)


def test_random_schedules_match_deforum():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=150, deadline=None)
    @given(st.tuples(st.sampled_from(["", " "]), _entry_strategy().map(lambda e: e[3])),
           st.lists(_entry_strategy(), max_size=6))
    def check(first, rest):
        text = ",".join([f"{first[0]}0:{first[1]}",
                         *(f"{a}{k}:{b}{v}{c}" for a, k, b, v, c in rest)])
        expected = deforum_oracle(text, 100)
        got = evaluate_schedule(text, field="zoom", n_frames=100, variables={"s": float(SEED)},
                                deforum=True, warnings=[])
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12, err_msg=text)

    check()
