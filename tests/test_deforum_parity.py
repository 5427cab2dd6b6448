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

import numpy as np
import pytest

from music_visualizer.errors import ScheduleError
from music_visualizer.schedules import ScheduleWarning, evaluate_schedule, from_deforum_string

numexpr = pytest.importorskip("numexpr")
pd = pytest.importorskip("pandas")

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
    "0:(1.0), 30:(1.02+0.01*sin(t/5)), 60:(1.0)", "0:(0), 20:(3*sin(t/4)), 40:(0), 80:(-1)",
    "0:(0.55), 60:(0.55 - 0.1*cos(3.14*t/30)), 90:(0.5)",
    # NaN frames: negative bases to fractional powers, square roots of negative values
    "0:(cos(t/10)**0.90)", "0:(0.65*(cos(3.141*t/30)**0.90))",
    "0:(1.01 + 0.02*(sin(3.14*t/20))**0.5)", "0:(2*(cos(3.141*t/45))**1.5)",
    "0:(0), 20:(sqrt(sin(t/6))), 90:(1)", "0:(1), 30:(-(cos(3.141*t/15))**0.9), 60:(1)",
    "0:((sin(3.141*t/40)**0.9)*4)",
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
