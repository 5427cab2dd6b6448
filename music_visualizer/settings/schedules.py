"""Deforum keyframe schedules -> per-frame arrays, with a safe expression evaluator.

Contents
--------
- :func:`evaluate_schedule`    a keyframe string (or a number) -> float64 array, one per frame.
- :func:`parse_keyframes`      a keyframe string -> sorted :class:`Keyframe` list (no evaluation).
- :func:`evaluate_expression`  one expression -> float or array (e.g. prompt keys and weights).
- :func:`to_deforum_string`    per-frame values -> a plain Deforum keyframe string.
- :func:`from_deforum_string`  a Deforum file's schedule -> ours, meaning what it means there.
- :func:`schedule_names`       built-in variable and function names (docs, UI).
- :class:`Keyframe`            one parsed ``frame:(value)`` entry.
- :class:`ScheduleWarning`     something read leniently, as Deforum reads it.

The language
------------
``"0:(1.0), 30:(1.04), max_f-1:(1.0 + 0.02*sin(2*pi*t/24))"``, as in Deforum:

- Keys are frame numbers, optionally quoted (``"0":(1)``), or expressions of ``max_f`` rounded
  down. Keys outside ``0..n_frames-1`` are ignored; of duplicate keys the last wins. A bare number
  (``"1.0"`` or ``1.0``) means ``0:(1.0)``.
- A key whose value is a plain number (optional sign, digits, optional decimals and exponent) sets
  that frame; frames between such keys are interpolated linearly, the first value holds before
  the first key and the last after the last key.
- A key whose value is an expression is evaluated at every frame from its key up to the next key
  (or the end) with ``t`` = the frame; a numeric key before it ramps linearly to the expression's
  value at its key.
- Names: ``t``, ``max_f`` (= n_frames - 1), ``pi``, ``e`` and the caller's variables (scalars such
  as ``fps`` and ``s``, or per-frame arrays such as ``rms`` and ``drums``).
- Functions: see :func:`schedule_names`; ``min``/``max`` take two or more arguments,
  ``clip(x, lo, hi)``, ``where(cond, a, b)``. Operators: ``+ - * / // % **``, comparisons
  (1.0 or 0.0), ``and or not``, ``& | ~`` (logical, as numexpr on comparisons), ``a if c else b``.

Read as Deforum reads it
------------------------
What Deforum (numexpr + pandas) renders renders here too, with the same values and a warning
(into the caller's ``warnings`` list, else a :class:`ScheduleWarning`) naming the field and frame:

- Frames where an expression is not a number (``cos(t/10)**0.9`` of a negative base) are filled
  in linearly from the nearest frames that are, as Deforum's pandas interpolation does. Infinite
  values (division by zero, overflow) and expressions that are never a number stay errors.
- A string the strict reading refuses is read as Deforum splits it: at each comma (not inside a
  function call), then at the colons, the value lying between the first and second colon, so
  ``0: 0: (x)`` is 0, ``(0).3`` is 0.3 (quotes and parentheses removed, a number),
  ``(sin(t))*(-0.45)`` is that expression and ``10:(1)10:(2)`` (a missing comma) is 110. When
  that reading fails too, the strict reading's error is raised.
- ``deforum=True`` (a Deforum settings file): a value is a plain number exactly when Deforum takes
  it for one: digits, optional sign and decimals once quotes and parentheses are removed. So
  ``( 2.0 )``, ``(1e-3)`` and ``(5.)`` are expressions, held until the next key, and ``((0.5))`` is
  a number. In our own strings, ``1e-3`` is a number and ``((0.5))`` an expression.

Safety: the text is parsed with :func:`ast.parse` only; the tree is checked against a whitelist
(node types, function names, at most 200 levels deep, at most 10 000 characters per expression)
and turned into a flat postfix program that a small stack machine runs on numpy arrays, once per
key over all the key's frames. Nothing is ever ``eval``-ed, ``exec``-ed or compiled to code, and
every number is a float64, so ``9**9**9`` is ``inf`` (an error) rather than a hung interpreter.

Errors: every problem raises :class:`ScheduleError` with one line naming the field, the frame
key and the 1-based character position in the schedule string, e.g.
``zoom: frame 30: unknown name 'tt' at character 17; did you mean 't'?``. A value that is not
finite is an error naming its cause and first frame:
``zoom: frame 0: division by zero in '1/(t-4)' at frame 4 (character 4)``; the check is made on
the final value, so ``where(t > 0, 1/t, 0)`` is fine. Values that are not a number are errors only
when no frame has a number (see above).
"""

from __future__ import annotations

import ast
import difflib
import functools
import keyword
import math
import operator
import re
import warnings as _warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import ScheduleError

__all__ = [
    "MAX_DEPTH",
    "MAX_EXPRESSION_CHARS",
    "MAX_SCHEDULE_CHARS",
    "Keyframe",
    "ScheduleWarning",
    "evaluate_expression",
    "evaluate_schedule",
    "from_deforum_string",
    "parse_keyframes",
    "schedule_names",
    "to_deforum_string",
]

#: Longest accepted schedule string (a 5-minute song at 30 fps exported per frame is ~150 000).
MAX_SCHEDULE_CHARS = 2_000_000
#: Longest accepted single expression (one key's value or one key).
MAX_EXPRESSION_CHARS = 10_000
#: Deepest accepted expression: levels of parentheses and of the syntax tree.
MAX_DEPTH = 200
_MAX_KEY_CHARS = 1_000

Value = Any  # np.float64 or np.ndarray of float64


# ---------------------------------------------------------------------------------------------
# Public data
# ---------------------------------------------------------------------------------------------


class ScheduleWarning(UserWarning):
    """A schedule was read leniently (as Deforum reads it), or frames that are not a number were
    filled in from their neighbours; the message names the field and the frames."""


@dataclass(frozen=True, slots=True)
class Keyframe:
    """One ``frame:(value)`` entry of a schedule.

    Attributes
    ----------
    frame : int
        The frame the key sets (its key expression evaluated and rounded down).
    text : str
        The value between the parentheses, stripped.
    value : float or None
        The number when ``text`` is a plain number, None when it is an expression.
    column : int
        0-based index of ``text`` in the schedule string (messages show ``column + 1``).
    """

    frame: int
    text: str
    value: float | None
    column: int


# ---------------------------------------------------------------------------------------------
# The whitelist
# ---------------------------------------------------------------------------------------------


def _min(*args: Value) -> Value:
    return functools.reduce(np.minimum, args)


def _max(*args: Value) -> Value:
    return functools.reduce(np.maximum, args)


def _clip(x: Value, lo: Value, hi: Value) -> Value:
    return np.minimum(np.maximum(x, lo), hi)


def _where(cond: Value, a: Value, b: Value) -> Value:
    return np.where(np.not_equal(cond, 0.0), a, b)


#: name -> (function, least arguments, most arguments or None for any number)
_FUNCTIONS: dict[str, tuple[Callable[..., Value], int, int | None]] = {
    "sin": (np.sin, 1, 1),
    "cos": (np.cos, 1, 1),
    "tan": (np.tan, 1, 1),
    "asin": (np.arcsin, 1, 1),
    "acos": (np.arccos, 1, 1),
    "atan": (np.arctan, 1, 1),
    "atan2": (np.arctan2, 2, 2),
    "arcsin": (np.arcsin, 1, 1),
    "arccos": (np.arccos, 1, 1),
    "arctan": (np.arctan, 1, 1),
    "arctan2": (np.arctan2, 2, 2),
    "sinh": (np.sinh, 1, 1),
    "cosh": (np.cosh, 1, 1),
    "tanh": (np.tanh, 1, 1),
    "arcsinh": (np.arcsinh, 1, 1),  # numexpr's names, which Deforum presets may use
    "arccosh": (np.arccosh, 1, 1),
    "arctanh": (np.arctanh, 1, 1),
    "log1p": (np.log1p, 1, 1),
    "expm1": (np.expm1, 1, 1),
    "abs": (np.abs, 1, 1),
    "sqrt": (np.sqrt, 1, 1),
    "exp": (np.exp, 1, 1),
    "log": (np.log, 1, 1),
    "log10": (np.log10, 1, 1),
    "floor": (np.floor, 1, 1),
    "ceil": (np.ceil, 1, 1),
    "round": (np.rint, 1, 1),
    "sign": (np.sign, 1, 1),
    "min": (_min, 2, None),
    "max": (_max, 2, None),
    "clip": (_clip, 3, 3),
    "where": (_where, 3, 3),
}
_ALLOWED_FUNCTIONS = ", ".join(sorted(_FUNCTIONS))
_CONSTANTS = {"pi": np.float64(math.pi), "e": np.float64(math.e)}
_PROVIDED = ("t", "max_f")
_RESERVED = frozenset(_CONSTANTS) | frozenset(_PROVIDED) | frozenset(_FUNCTIONS)


def _logical(fn: Callable[[Value, Value], Value]) -> Callable[[Value, Value], Value]:
    def run(a: Value, b: Value) -> Value:
        return fn(np.not_equal(a, 0.0), np.not_equal(b, 0.0)).astype(np.float64)

    return run


_BINOPS: dict[type, tuple[Callable[[Value, Value], Value], str]] = {
    ast.Add: (np.add, "+"),
    ast.Sub: (np.subtract, "-"),
    ast.Mult: (np.multiply, "*"),
    ast.Div: (np.divide, "/"),
    ast.FloorDiv: (np.floor_divide, "//"),
    ast.Mod: (np.mod, "%"),
    ast.Pow: (np.power, "**"),
    ast.BitAnd: (_logical(np.logical_and), "&"),
    ast.BitOr: (_logical(np.logical_or), "|"),
}
_COMPARE: dict[type, Callable[[Value, Value], Value]] = {
    ast.Lt: np.less,
    ast.LtE: np.less_equal,
    ast.Gt: np.greater,
    ast.GtE: np.greater_equal,
    ast.Eq: np.equal,
    ast.NotEq: np.not_equal,
}
_FORBIDDEN_HINTS: dict[type, str] = {
    ast.Attribute: "attribute access ('.') is not allowed",
    ast.Subscript: "indexing ('[...]') is not allowed",
    ast.Lambda: "lambda is not allowed",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "comprehensions are not allowed",
    ast.List: "lists ('[...]') are not allowed",
    ast.Tuple: "tuples are not allowed (a comma outside a function call?)",
    ast.Set: "sets ('{...}') are not allowed",
    ast.Dict: "dicts ('{...}') are not allowed",
    ast.JoinedStr: "strings are not allowed",
    ast.NamedExpr: "assignment (':=') is not allowed",
    ast.Starred: "'*' unpacking is not allowed",
    ast.Await: "'await' is not allowed",
    ast.Yield: "'yield' is not allowed",
    ast.YieldFrom: "'yield' is not allowed",
    ast.Slice: "slices are not allowed",
}


def schedule_names() -> frozenset[str]:
    """Names a schedule may use besides the caller's variables.

    Returns
    -------
    frozenset of str
        The built-in variables (``t``, ``max_f``, ``pi``, ``e``) and the allowed functions.
    """
    return frozenset(_PROVIDED) | frozenset(_CONSTANTS) | frozenset(_FUNCTIONS)


# ---------------------------------------------------------------------------------------------
# Compiling one expression: text -> checked AST -> a flat postfix program
# ---------------------------------------------------------------------------------------------
#
# A program is a tuple of instructions ``(opcode, arg, count, pos, source)`` made of plain
# atoms (numbers, strings), run by a small stack machine (:func:`_execute`). No closures are
# kept: thousands of compiled keys cost the garbage collector almost nothing.

_CONST, _NAME, _BINOP, _NEG, _NOT, _CALL, _CMP, _AND, _OR, _WHERE = range(10)
_BINOP_FUNCS = {symbol: fn for fn, symbol in _BINOPS.values()}
_CMP_FUNCS = {type(op()).__name__: fn for op, fn in _COMPARE.items()}

Instruction = tuple[int, Any, int, int, str]


class _ExprError(Exception):
    """A problem inside one expression; ``pos`` is a 0-based index into the expression text."""

    def __init__(self, message: str, pos: int, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.pos = pos
        self.hint = hint


@dataclass(frozen=True, slots=True)
class _Compiled:
    code: tuple[Instruction, ...]
    names: tuple[tuple[str, int], ...]  # (name, 0-based position) of each free name, first use


@dataclass(slots=True)
class _Problem:
    """An operation that produced a non-finite value from finite inputs (reported lazily)."""

    bad: Value
    out: Value
    args: tuple[Value, ...]
    kind: str
    pos: int
    source: str


_SPACE_TABLE = {ord(c): " " for c in "\t\n\r\f\v"} | {0x2212: "-"}


def _clean(src: str) -> str:
    """Same length as ``src``; whitespace -> spaces (one line), a Unicode minus -> '-'."""
    out = src.translate(_SPACE_TABLE)
    if not out.isascii():
        out = "".join(" " if c.isspace() else c for c in out)
    return out


@functools.lru_cache(maxsize=4096)
def _compile(text: str) -> _Compiled:
    """Parse, check and compile one expression (cached; raises :class:`_ExprError`)."""
    if len(text) > MAX_EXPRESSION_CHARS:
        raise _ExprError(
            f"expression too long ({len(text)} characters, at most {MAX_EXPRESSION_CHARS})", 0
        )
    src = _clean(text)
    body = src.lstrip()
    lead = len(src) - len(body)
    if not body.strip():
        raise _ExprError("empty value", 0)
    depth = 0
    for m in re.finditer(r"[()\[\]{}]", body):
        depth += 1 if m.group() in "([{" else -1
        if depth > MAX_DEPTH:
            raise _ExprError(f"too deeply nested (more than {MAX_DEPTH} levels)", lead + m.start())
    try:
        tree = ast.parse(body, mode="eval")
    except SyntaxError as e:
        msg = str(e.msg)
        pos = lead + max((e.offset or 1) - 1, 0) if (e.lineno or 1) == 1 else lead
        if "nested" in msg:
            raise _ExprError(f"too deeply nested (more than {MAX_DEPTH} levels)", lead) from None
        if "digits" in msg:
            raise _ExprError("number too large", lead) from None
        raise _ExprError(f"syntax error ({msg})", min(pos, len(text))) from None
    except (RecursionError, MemoryError):
        raise _ExprError(f"too deeply nested (more than {MAX_DEPTH} levels)", lead) from None
    except ValueError as e:
        raise _ExprError(f"cannot be read ({e})", lead) from None
    if len(body) > MAX_DEPTH:  # each level of the tree takes at least one character
        _check_depth(tree)
    return _Compiler(body, lead).compile(tree)


def _check_depth(tree: ast.AST) -> None:
    """Reject trees deeper than :data:`MAX_DEPTH` (iteratively, before any recursion)."""
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, ast.expr):  # operators and contexts are not levels
            depth += 1
            if depth > MAX_DEPTH:
                raise _ExprError(f"too deeply nested (more than {MAX_DEPTH} levels)", 0)
        stack.extend((child, depth) for child in ast.iter_child_nodes(node))


class _Compiler:
    """Turns a checked AST into a postfix program (recursion is bounded by the depth check)."""

    def __init__(self, body: str, lead: int) -> None:
        self.body = body
        self.lead = lead
        self.encoded = None if body.isascii() else body.encode("utf-8")
        self.names: dict[str, int] = {}
        self.code: list[Instruction] = []

    def pos(self, node: ast.AST) -> int:
        """0-based character position of ``node`` in the expression text."""
        col = getattr(node, "col_offset", 0) or 0
        if self.encoded is not None:  # ast offsets count UTF-8 bytes
            col = len(self.encoded[:col].decode("utf-8", "ignore"))
        return self.lead + col

    def source(self, node: ast.AST) -> str:
        start = self.pos(node) - self.lead
        end = getattr(node, "end_col_offset", None)
        if end is None:
            return ""
        if self.encoded is not None:
            end = len(self.encoded[:end].decode("utf-8", "ignore"))
        return _snippet(self.body[start:end])

    def fail(self, node: ast.AST, message: str, hint: str = "") -> _ExprError:
        return _ExprError(message, self.pos(node), hint)

    def emit(self, op: int, arg: Any = None, count: int = 0, node: ast.AST | None = None) -> None:
        if node is None:
            self.code.append((op, arg, count, 0, ""))
        else:
            self.code.append((op, arg, count, self.pos(node), self.source(node)))

    def compile(self, tree: ast.Expression) -> _Compiled:
        self.node(tree.body)
        return _Compiled(tuple(self.code), tuple(self.names.items()))

    def node(self, node: ast.AST) -> None:
        if isinstance(node, ast.Constant):
            self.constant(node)
        elif isinstance(node, ast.Name):
            self.name(node)
        elif isinstance(node, ast.BinOp):
            self.binop(node)
        elif isinstance(node, ast.UnaryOp):
            self.node(node.operand)
            if isinstance(node.op, ast.USub):
                self.emit(_NEG)
            elif not isinstance(node.op, ast.UAdd):  # not, ~: logical not
                self.emit(_NOT)
        elif isinstance(node, ast.Compare):
            self.compare(node)
        elif isinstance(node, ast.BoolOp):
            for value in node.values:
                self.node(value)
            self.emit(_AND if isinstance(node.op, ast.And) else _OR, None, len(node.values))
        elif isinstance(node, ast.IfExp):
            for part in (node.test, node.body, node.orelse):
                self.node(part)
            self.emit(_WHERE, None, 3)
        elif isinstance(node, ast.Call):
            self.call(node)
        else:
            hint = _FORBIDDEN_HINTS.get(type(node), f"'{type(node).__name__}' is not allowed")
            raise self.fail(node, hint)

    def constant(self, node: ast.Constant) -> None:
        v = node.value
        if isinstance(v, bool) or not isinstance(v, int | float):
            kind = "strings" if isinstance(v, str | bytes) else f"{type(v).__name__} values"
            if isinstance(v, complex):
                kind = "complex numbers"
            raise self.fail(node, f"{kind} are not allowed, only numbers")
        try:
            number = float(v)  # ints become floats: no Python int arithmetic ever
        except OverflowError:
            raise self.fail(node, "number too large") from None
        if not math.isfinite(number):
            raise self.fail(node, "number too large")
        self.emit(_CONST, np.float64(number))

    def name(self, node: ast.Name) -> None:
        ident = node.id
        if ident in _FUNCTIONS:
            raise self.fail(node, f"'{ident}' is a function: call it like {ident}(x)")
        if ident in _CONSTANTS:
            self.emit(_CONST, _CONSTANTS[ident])
            return
        self.names.setdefault(ident, self.pos(node))
        self.emit(_NAME, ident)

    def binop(self, node: ast.BinOp) -> None:
        if isinstance(node.op, ast.BitXor):
            raise self.fail(node, "'^' is not allowed", "; use '**' for powers")
        entry = _BINOPS.get(type(node.op))
        if entry is None:
            raise self.fail(node, f"operator '{type(node.op).__name__}' is not allowed")
        self.node(node.left)
        self.node(node.right)
        self.emit(_BINOP, entry[1], 2, node)

    def compare(self, node: ast.Compare) -> None:
        self.node(node.left)
        ops = []
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            if type(op) not in _COMPARE:
                raise self.fail(node, f"'{type(op).__name__}' comparisons are not allowed")
            ops.append(type(op).__name__)
            self.node(comparator)
        self.emit(_CMP, tuple(ops), len(ops) + 1)

    def call(self, node: ast.Call) -> None:
        allowed = f"; allowed functions: {_ALLOWED_FUNCTIONS}"
        if not isinstance(node.func, ast.Name):
            raise self.fail(node, f"calling '{self.source(node.func)}' is not allowed", allowed)
        fname = node.func.id
        entry = _FUNCTIONS.get(fname)
        if entry is None:
            message = f"unknown function '{fname}'"
            if fname in _PROVIDED or fname in _CONSTANTS:
                message = f"'{fname}' is not a function"
            raise self.fail(node, message, allowed)
        if node.keywords:
            raise self.fail(node, f"{fname}() takes no keyword arguments")
        _, least, most = entry
        count = len(node.args)
        if count < least or (most is not None and count > most):
            wanted = f"{least}" if least == most else f"at least {least}"
            raise self.fail(node, f"{fname}() takes {wanted} argument(s), got {count}")
        for arg in node.args:
            self.node(arg)
        self.emit(_CALL, fname, count, node)


def _execute(code: tuple[Instruction, ...], env: Mapping[str, Value],
             problems: list[_Problem]) -> Value:
    """Run a program on numpy values (call inside ``np.errstate(all="ignore")``).

    Operations whose result becomes non-finite from finite inputs are appended to
    ``problems``, so an error can say why; whether it is an error is decided on the final
    result (``where(t > 0, 1/t, 0)`` is fine).
    """
    stack: list[Value] = []
    push, pop = stack.append, stack.pop
    for op, arg, count, pos, source in code:
        if op == _CONST:
            push(arg)
            continue
        if op == _NAME:
            push(env[arg])
            continue
        if op == _NEG:
            push(np.negative(pop()))
            continue
        if op == _NOT:
            push(np.equal(pop(), 0.0).astype(np.float64))
            continue
        args = tuple(stack[-count:]) if count else ()
        del stack[len(stack) - count :]
        if op == _BINOP:
            out = _BINOP_FUNCS[arg](*args)
        elif op == _CALL:
            out = _FUNCTIONS[arg][0](*args)
        elif op == _CMP:
            result = np.bool_(True)
            for name, a, b in zip(arg, args, args[1:], strict=False):
                result = np.logical_and(result, _CMP_FUNCS[name](a, b))
            push(result.astype(np.float64))
            continue
        elif op in (_AND, _OR):
            combine = np.logical_and if op == _AND else np.logical_or
            truth = functools.reduce(combine, [np.not_equal(a, 0.0) for a in args])
            push(truth.astype(np.float64))
            continue
        else:  # _WHERE
            push(_where(*args))
            continue
        finite = np.isfinite(out)
        if not finite.all():
            bad = ~finite
            for a in args:
                bad = bad & np.isfinite(a)
            if bad.any():
                problems.append(_Problem(bad, out, args, str(arg), pos, source))
        push(out)
    return stack[-1]


def _describe(problem: _Problem, index: int, shape: tuple[int, ...]) -> str:
    """Say why ``problem`` gave a non-finite value at flat ``index`` of a result of ``shape``."""
    try:
        args = [float(np.broadcast_to(a, shape).ravel()[index]) for a in problem.args]
        out = float(np.broadcast_to(problem.out, shape).ravel()[index])
    except ValueError:  # cannot happen for sub-results of the result; keep a generic wording
        return "result is not finite"
    kind = problem.kind
    if kind in ("/", "//") and args[1] == 0:
        return "division by zero"
    if kind == "%" and args[1] == 0:
        return "modulo by zero"
    if kind == "**" and args[0] == 0 and args[1] < 0:
        return "zero raised to a negative power"
    if kind == "**" and args[0] < 0 and args[1] != math.floor(args[1]):
        return "negative number raised to a fractional power"
    if kind in ("log", "log10"):
        return "log of zero" if args[0] == 0 else "log of a negative number"
    if kind == "sqrt":
        return "square root of a negative number"
    if kind in ("asin", "acos", "arcsin", "arccos"):
        return f"{kind} of a value outside -1..1"
    return "overflow (result too large)" if math.isinf(out) else "result is not a number"


def _run(compiled: _Compiled, env: Mapping[str, Value]) -> tuple[np.ndarray, str | None, int, int]:
    """Evaluate with numpy warnings off.

    Returns the result, then for a non-finite result: why (None when finite), the flat index of
    the first bad value and the 0-based position of the operation that caused it.
    """
    result, problems = _evaluate(compiled, env)
    finite = np.isfinite(result)
    if finite.all():
        return result, None, 0, 0
    index = int(np.argmax(~finite.ravel()))
    reason, pos = _explain(result, problems, index)
    return result, reason, index, pos


def _evaluate(compiled: _Compiled, env: Mapping[str, Value]) -> tuple[np.ndarray, list[_Problem]]:
    """The result (numpy warnings off) and the operations that made values non-finite."""
    problems: list[_Problem] = []
    with np.errstate(all="ignore"):
        result = np.asarray(_execute(compiled.code, env, problems), dtype=np.float64)
    return result, problems


def _explain(result: np.ndarray, problems: list[_Problem], index: int) -> tuple[str, int]:
    """Why ``result`` is not finite at flat ``index``, and the 0-based position of the cause."""
    for problem in problems:  # in evaluation order: the innermost cause comes first
        try:
            hit = bool(np.broadcast_to(problem.bad, result.shape).ravel()[index])
        except ValueError:
            hit = True
        if hit:
            reason = _describe(problem, index, result.shape)
            return f"{reason} in '{problem.source}'", problem.pos
    bad = float(result.ravel()[index])
    return ("overflow (result too large)" if math.isinf(bad) else "result is not a number"), 0


# ---------------------------------------------------------------------------------------------
# Scanning a schedule string
# ---------------------------------------------------------------------------------------------

_NUM = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"  # unambiguous: no backtracking blow-up
_NUMBER = re.compile(_NUM, re.ASCII)
_FAST_ENTRY = re.compile(r"\s*(\d+)\s*:\s*\((\s*" + _NUM + r"\s*)\)\s*(?:,|\Z)", re.ASCII)
_DIGITS = re.compile(r"\d+", re.ASCII)
_PARENS = re.compile(r"[()]")
_KEY_NAMES = frozenset({"max_f"})


def _snippet(text: str, limit: int = 40) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def _entry_snippet(text: str, start: int) -> str:
    piece = text[start : start + 200]
    comma = piece.find(",")
    return _snippet(piece if comma <= 0 else piece[:comma])


def _as_text(text: str | int | float, field: str) -> str:
    if isinstance(text, str):
        return text
    if isinstance(text, bool) or not isinstance(text, int | float | np.integer | np.floating):
        raise ScheduleError(
            f"{field}: expected a keyframe string like '0:(1.0)' or a number, "
            f"got {type(text).__name__}"
        )
    try:
        number = float(text)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise ScheduleError(f"{field}: {text!r} is not a finite number")
    return repr(number)


def _check_n_frames(n_frames: int) -> int:
    n = int(n_frames)
    if n != n_frames or n < 1:
        raise ValueError(f"n_frames={n_frames!r} must be an integer >= 1")
    return n


def _key_frame(key: str, key_pos: int, field: str, max_f: int) -> int:
    """Evaluate a key (``30``, ``"30"``, ``max_f-1``) to a frame number (rounded down)."""
    if len(key) >= 2 and key[0] in "'\"" and key[-1] == key[0]:
        inner = key[1:-1]
        key_pos += 1 + len(inner) - len(inner.lstrip())
        key = inner.strip()
    if _DIGITS.fullmatch(key):
        return int(key)
    label = f"{field}: key '{_snippet(key)}'"
    if not key:
        raise ScheduleError(f"{field}: missing frame number before ':' at character {key_pos + 1}")
    try:
        compiled = _compile(key)
        for ident, pos in compiled.names:
            if ident not in _KEY_NAMES:
                raise _ExprError(f"unknown name '{ident}'", pos, "; keys may use max_f")
        result, problem, _, pos = _run(compiled, {"max_f": np.float64(max_f)})
    except _ExprError as e:
        raise ScheduleError(
            f"{label}: {e.message} at character {key_pos + e.pos + 1}{e.hint}"
        ) from None
    if problem is not None or result.ndim != 0:
        raise ScheduleError(f"{label}: {problem} at character {key_pos + pos + 1}")
    return math.floor(float(result))


#: (frame, text, value or None, column, compiled expression or None, key text): a Keyframe plus
#: its program and the key as written
_Entry = tuple[int, str, float | None, int, _Compiled | None, str]

#: A number as Deforum's keyframe reader sees one once it has removed quotes and parentheses:
#: no exponent, no spaces, no trailing point ("1e-3", " 2.0 " and "5." are expressions to it).
_DEFORUM_NUMBER = re.compile(r"[+-]?[0-9]*(?:\.[0-9]+)?\n?")
_DEFORUM_REMOVED = str.maketrans("", "", "'\"()")
_MAX_NOTES = 5


def _deforum_number(raw: str) -> float | None:
    """The number Deforum reads in the value ``raw`` (quotes and parentheses removed), or None
    when Deforum evaluates ``raw`` as an expression."""
    bare = raw.translate(_DEFORUM_REMOVED)
    if not _DEFORUM_NUMBER.fullmatch(bare) or not any(c.isdigit() for c in bare):
        return None
    return float(bare)


def _parse(text: str | int | float, field: str, n_frames: int, deforum: bool = False,
           notes: list[str] | None = None) -> list[_Entry]:
    """Scan the whole schedule string; return the in-range entries sorted by frame.

    ``deforum``: values are numbers or expressions by Deforum's rule (:func:`_deforum_number`).
    A string the strict scan refuses is read as Deforum reads it when that works (with a note
    in ``notes``); otherwise the strict scan's error is raised.
    """
    text = _as_text(text, field)
    if len(text) > MAX_SCHEDULE_CHARS:
        raise ScheduleError(
            f"{field}: schedule too long ({len(text)} characters, at most {MAX_SCHEDULE_CHARS})"
        )
    stripped = text.strip()
    if not stripped:
        raise ScheduleError(f"{field}: empty schedule; write e.g. '0:(1.0)'")
    if _NUMBER.fullmatch(stripped):  # a bare number means 0:(number)
        column = text.index(stripped)
        return [(0, stripped, _number(stripped, field, 0, column), column, None, "0")]

    max_f = n_frames - 1
    try:
        keyed = _scan(text, field, max_f, deforum)
    except ScheduleError as strict:
        try:
            keyed, lenient_notes = _scan_as_deforum(text, field, max_f)
        except ScheduleError:
            raise strict from None
        _note(notes, lenient_notes or [f"{strict}; read as Deforum reads it"])
    if not keyed:
        raise ScheduleError(f"{field}: no keyframe within frames 0..{max_f}")
    return [keyed[k] for k in sorted(keyed)]


def _note(notes: list[str] | None, messages: list[str], stacklevel: int = 4) -> None:
    """Add ``messages`` to ``notes``, or warn (:class:`ScheduleWarning`, pointing
    ``stacklevel`` frames up: the caller of the public function) when there is no list."""
    if len(messages) > _MAX_NOTES:
        messages = [*messages[:_MAX_NOTES], f"... and {len(messages) - _MAX_NOTES} more"]
    if notes is not None:
        notes.extend(messages)
        return
    for message in messages:
        _warnings.warn(message, ScheduleWarning, stacklevel=stacklevel)


def _scan(text: str, field: str, max_f: int, deforum: bool) -> dict[int, _Entry]:
    """The strict scan: ``key:(value)`` entries separated by commas outside parentheses."""
    keyed: dict[int, _Entry] = {}
    pos, end = 0, len(text)
    content_end = len(text.rstrip())
    while pos < end:
        fast = _FAST_ENTRY.match(text, pos)
        number = None
        if fast is not None:
            raw = fast.group(2)
            number = _deforum_number(raw) if deforum else float(raw)
        if fast is not None and number is not None:
            value_text = raw.strip()
            column = fast.start(2) + len(raw) - len(raw.lstrip())
            frame = int(fast.group(1))
            if not math.isfinite(number):
                _number(value_text, field, frame, column)
            entry: _Entry = (frame, value_text, number, column, None, fast.group(1))
            pos = fast.end()
        else:
            entry, pos = _scan_entry(text, pos, field, max_f, deforum)
        if 0 <= entry[0] <= max_f:
            keyed[entry[0]] = entry
        if pos >= content_end:  # nothing but a trailing comma and spaces left
            break
    return keyed


def _number(text: str, field: str, frame: int, column: int) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ScheduleError(f"{field}: frame {frame}: number too large at character {column + 1}")
    return value


def _scan_entry(text: str, start: int, field: str, max_f: int,
                deforum: bool = False) -> tuple[_Entry, int]:
    """Scan one ``key:(value)`` entry at ``start``; return it and the position after its comma."""
    end = len(text)
    while start < end and text[start].isspace():
        start += 1

    def expected() -> ScheduleError:
        return ScheduleError(
            f"{field}: expected 'frame:(value)' at character {start + 1}, "
            f"got '{_entry_snippet(text, start)}'"
        )

    # 1. The key: up to the first ':' outside parentheses, never past a top-level comma.
    colon = text.find(":", start, start + _MAX_KEY_CHARS)
    if colon < 0:
        raise expected()
    depth = 0
    for m in _PARENS.finditer(text, start, colon):
        depth += 1 if m.group() == "(" else -1
        if depth < 0:
            raise expected()
    if depth != 0 or _top_level_comma(text, start, colon):
        raise expected()
    key_raw = text[start:colon]
    key = key_raw.strip()
    key_pos = start + len(key_raw) - len(key_raw.lstrip())
    frame = _key_frame(key, key_pos, field, max_f)
    label = f"{field}: frame {frame}"

    # 2. The value: '(' ... matching ')'.
    p = colon + 1
    while p < end and text[p].isspace():
        p += 1
    if p >= end or text[p] != "(":
        raise ScheduleError(
            f"{label}: expected '(' after ':' at character {p + 1}, "
            f"got '{_entry_snippet(text, p)}'; write e.g. '{frame}:(1.0)'"
        )
    depth, close = 0, -1
    limit = min(end, p + MAX_EXPRESSION_CHARS + 2)
    for m in _PARENS.finditer(text, p, limit):
        depth += 1 if m.group() == "(" else -1
        if depth == 0:
            close = m.start()
            break
        if depth > MAX_DEPTH:
            raise ScheduleError(
                f"{label}: too deeply nested (more than {MAX_DEPTH} levels) "
                f"at character {m.start() + 1}"
            )
    if close < 0:
        if limit < end:
            raise ScheduleError(
                f"{label}: expression too long (more than {MAX_EXPRESSION_CHARS} characters) "
                f"at character {p + 2}"
            )
        raise ScheduleError(f"{label}: '(' at character {p + 1} is never closed")
    raw = text[p + 1 : close]
    value_text = raw.strip()
    column = p + 1 + len(raw) - len(raw.lstrip())

    # 3. A plain number, or an expression checked now (so errors show even in ignored keys).
    number = _deforum_number(raw) if deforum else (
        _number(value_text, field, frame, column) if _NUMBER.fullmatch(value_text) else None)
    entry = _value_entry(frame, value_text, number, column, key, field)

    # 4. A comma or the end.
    q = close + 1
    while q < end and text[q].isspace():
        q += 1
    if q < end:
        if text[q] != ",":
            raise ScheduleError(
                f"{field}: expected ',' between keyframes at character {q + 1}, "
                f"got '{_entry_snippet(text, q)}'"
            )
        q += 1
    return entry, q


def _value_entry(frame: int, value_text: str, number: float | None, column: int, key: str,
                 field: str) -> _Entry:
    """An entry for a number (None: ``value_text`` is an expression, compiled and checked)."""
    if number is not None:
        if not math.isfinite(number):
            raise ScheduleError(
                f"{field}: frame {frame}: number too large at character {column + 1}")
        return (frame, value_text, number, column, None, key)
    try:
        compiled = _compile(value_text)
    except _ExprError as e:
        raise ScheduleError(
            f"{field}: frame {frame}: {e.message} at character {column + e.pos + 1}{e.hint}"
        ) from None
    return (frame, value_text, None, column, compiled, key)


def _scan_as_deforum(text: str, field: str, max_f: int) -> tuple[dict[int, _Entry], list[str]]:
    """Read ``text`` as Deforum's keyframe reader does; return the entries and notes on each
    entry that is not a plain ``key:(value)``.

    Deforum splits the string at every comma (here: except commas inside a function call), each
    piece at its colons, and takes the key from before the first colon and the value from
    between the first and the second (the rest is ignored). A value that is a number once its
    quotes and parentheses are removed is that number (``(0).3`` is 0.3); any other value is an
    expression (``(sin(t))*(-0.45)``).
    """
    keyed: dict[int, _Entry] = {}
    notes: list[str] = []
    for start, piece in _deforum_pieces(text):
        if not piece.strip():
            continue
        parts = piece.split(":")
        if len(parts) < 2:
            lead = len(piece) - len(piece.lstrip())
            raise ScheduleError(f"{field}: expected 'frame:(value)' at character "
                                f"{start + lead + 1}, got '{_snippet(piece)}'")
        key_raw, value_raw = parts[0], parts[1]
        key = key_raw.strip()
        frame = _key_frame(key, start + len(key_raw) - len(key_raw.lstrip()), field, max_f)
        value = value_raw.strip()
        column = start + len(key_raw) + 1 + len(value_raw) - len(value_raw.lstrip())
        if len(value) > MAX_DEPTH and _depth(value) > MAX_DEPTH:
            raise ScheduleError(f"{field}: frame {frame}: too deeply nested (more than "
                                f"{MAX_DEPTH} levels) at character {column + 1}")
        entry = _value_entry(frame, value, _deforum_number(value), column, key, field)
        if len(parts) > 2 or not _wrapped(value) or "'" in value or '"' in value:
            read = _format(entry[2], 6) if entry[2] is not None else f"'{_snippet(value)}'"
            rest = "; the text after its second ':' is ignored" if len(parts) > 2 else ""
            notes.append(f"{field}: frame {frame}: '{_snippet(piece.strip())}' is not "
                         f"'frame:(value)': read as Deforum reads it, {read}{rest}")
        if 0 <= frame <= max_f:
            keyed[frame] = entry
    return keyed, notes


def _deforum_pieces(text: str) -> Iterator[tuple[int, str]]:
    """``text`` split at every comma, as Deforum splits it, except that a piece without a colon
    after an unclosed '(' is joined back (a comma inside a function call: ``where(a, b, c)``).
    Yields (start index, piece) pairs, one at a time (a bad first piece stops the reading)."""
    current: list[int] | None = None  # [start, end] of the piece being gathered
    balance = 0
    pos = 0
    while True:
        comma = text.find(",", pos)
        end = len(text) if comma < 0 else comma
        part = text[pos:end]
        change = part.count("(") - part.count(")")
        if current is not None and balance > 0 and ":" not in part:
            current[1] = end
            balance += change
        else:
            if current is not None:
                yield current[0], text[current[0] : current[1]]
            current, balance = [pos, end], change
        if comma < 0:
            yield current[0], text[current[0] : current[1]]
            return
        pos = comma + 1


def _depth(text: str) -> int:
    """The deepest nesting of parentheses in ``text``."""
    depth = deepest = 0
    for m in _PARENS.finditer(text):
        depth += 1 if m.group() == "(" else -1
        deepest = max(deepest, depth)
    return deepest


def _wrapped(value: str) -> bool:
    """Whether ``value`` is one parenthesised group: '(' ... its matching ')' at the end."""
    if not (value.startswith("(") and value.endswith(")")):
        return False
    depth = 0
    for i, c in enumerate(value):
        depth += (c == "(") - (c == ")")
        if depth == 0:
            return i == len(value) - 1
    return False


def _top_level_comma(text: str, start: int, stop: int) -> bool:
    comma = text.find(",", start, stop)
    if comma < 0:
        return False
    depth = 0
    for i in range(start, stop):
        c = text[i]
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "," and depth == 0:
            return True
    return False


# ---------------------------------------------------------------------------------------------
# Public functions
# ---------------------------------------------------------------------------------------------


def parse_keyframes(text: str | int | float, *, field: str, n_frames: int,
                    deforum: bool = False, warnings: list[str] | None = None) -> list[Keyframe]:
    """Parse a schedule string into its keyframes, without evaluating expressions.

    Parameters
    ----------
    text : str, int or float
        ``"0:(1.0), 30:(1.04)"``; a number means ``0:(number)``.
    field : str
        Name of the setting, used in error messages (``zoom``).
    n_frames : int
        Frames of the render (>= 1); keys are evaluated with ``max_f = n_frames - 1`` and keys
        outside ``0..n_frames-1`` are dropped.
    deforum : bool
        Read values as Deforum does (the string comes from a Deforum settings file): see
        :func:`evaluate_schedule`.
    warnings : list of str, optional
        Receives a line for each entry read leniently, as Deforum reads it; without a list
        these are issued as :class:`ScheduleWarning`.

    Returns
    -------
    list of Keyframe
        Sorted by frame, one per frame (the last duplicate wins). Every expression has been
        checked (syntax, whitelist, length and depth), also in dropped keys; names are checked
        when evaluated, since they depend on the caller's variables.

    Raises
    ------
    ScheduleError
        The text is malformed; the message names the field, the key and the character.
    ValueError
        ``n_frames < 1``.
    """
    entries = _parse(text, field, _check_n_frames(n_frames), deforum, warnings)
    return [Keyframe(frame, text, value, column) for frame, text, value, column, *_ in entries]


def evaluate_schedule(text: str | int | float, *, field: str, n_frames: int,
                      variables: Mapping[str, float | np.ndarray] | None = None,
                      deforum: bool = False, warnings: list[str] | None = None) -> np.ndarray:
    """Evaluate a Deforum keyframe schedule at every frame.

    Parameters
    ----------
    text : str, int or float
        ``"0:(1.0), 30:(1.04), 60:(1.0+0.02*sin(2*pi*t/24))"`` or a number.
    field : str
        Name of the setting, used in error messages.
    n_frames : int
        Frames of the render (>= 1).
    variables : mapping, optional
        Extra names: scalars (``fps``, ``s``) or arrays of shape ``(n_frames,)`` (audio
        features such as ``rms``, ``beat``, ``drums``). ``t`` and ``max_f`` are provided.
    deforum : bool
        The string comes from a Deforum settings file: a value is a plain number (interpolated)
        exactly when Deforum takes it for one, i.e. once quotes and parentheses are removed it
        is digits with an optional sign and decimals. ``( 2.0 )``, ``(1e-3)`` and ``(5.)`` are
        then expressions (held until the next key) and ``((0.5))`` is a number.
    warnings : list of str, optional
        Receives a line for each thing read leniently, as Deforum reads it (an entry that is
        not ``key:(value)``; frames whose value is not a number, filled in from their
        neighbours); without a list these are issued as :class:`ScheduleWarning`.

    Returns
    -------
    np.ndarray [shape=(n_frames,), dtype=float64]
        Finite values, one per frame. Frames where an expression is not a number (``nan``, e.g.
        a negative number to a fractional power) are filled in linearly from the nearest
        frames that are, as Deforum does (the first and last such values hold at the ends).

    Raises
    ------
    ScheduleError
        Malformed text, unknown names or functions, forbidden syntax, a value that is infinite
        (division by zero, overflow) or no frame with a number at all, naming the field, the
        key, the character and, for math problems, the first bad frame.
    ValueError
        ``n_frames < 1`` or bad ``variables`` (reserved or invalid names, wrong shapes,
        non-finite values): programming errors.
    """
    n = _check_n_frames(n_frames)
    scalars, arrays = _split_variables(variables, n)
    entries = _parse(text, field, n, deforum, warnings)

    # 1. Plain numbers set their frame.
    values = np.empty(n, dtype=np.float64)
    known = np.zeros(n, dtype=bool)
    numeric = [(e[0], e[2]) for e in entries if e[4] is None]
    if numeric:
        frames, numbers = zip(*numeric, strict=True)
        values[list(frames)] = numbers
        known[list(frames)] = True

    # 2. Expressions fill their frames up to the next key, evaluated once over that range.
    stops = [e[0] for e in entries[1:]] + [n]
    base: dict[str, Value] = dict(_CONSTANTS)
    base.update(scalars)
    base["max_f"] = np.float64(n - 1)
    gaps: list[str] = []
    first_gap = ""
    for (start, _, _, column, compiled, _), stop in zip(entries, stops, strict=True):
        if compiled is None:
            continue
        env = dict(base)
        env["t"] = np.arange(start, stop, dtype=np.float64)
        for name, array in arrays.items():
            env[name] = array[start:stop]
        label = f"{field}: frame {start}"
        _check_names(compiled, env, label, column)
        result, problems = _evaluate(compiled, env)
        result = np.broadcast_to(result, (stop - start,))
        values[start:stop] = result
        finite = np.isfinite(result)
        known[start:stop] = finite
        if finite.all():
            continue
        infinite = np.isinf(result)
        index = int(np.argmax(infinite if infinite.any() else ~finite))
        reason, pos = _explain(result, problems, index)
        where = f"(character {column + pos + 1})"
        if infinite.any():
            raise ScheduleError(f"{label}: {reason} at frame {start + index} {where}")
        first_gap = first_gap or f"{label}: {reason} at frame {start + index} {where}"
        gaps.append(f"{field}: {_frame_ranges(start + np.flatnonzero(~finite))}: {reason} "
                    f"{where}; filled in linearly from the neighbouring frames, as Deforum "
                    "does")

    # 3. Linear interpolation between set frames; the first and last values hold.
    if not known.any():
        raise ScheduleError(first_gap)
    if gaps:
        _note(warnings, gaps, stacklevel=3)
    if not known.all():
        have = np.flatnonzero(known)
        missing = np.flatnonzero(~known)
        values[missing] = np.interp(missing, have, values[have])
    return values


def from_deforum_string(text: str | int | float, *, field: str, n_frames: int,
                        warnings: list[str] | None = None) -> str:
    """A schedule from a Deforum settings file, rewritten so that it means here what it means
    in Deforum.

    Each in-range entry becomes ``key:(value)`` with its key as written: values Deforum reads as
    numbers are written as those numbers, its expressions as expressions (``(1e-3)`` becomes
    ``((1e-3))``, held as in Deforum). So ``evaluate_schedule(result)`` equals
    ``evaluate_schedule(text, deforum=True)`` over ``n_frames`` frames.

    Parameters
    ----------
    text : str, int or float
        The schedule as the file has it.
    field : str
        Name of the setting, used in messages.
    n_frames : int
        The file's ``max_frames`` (>= 1).
    warnings : list of str, optional
        Receives a line for each entry read leniently (see :func:`evaluate_schedule`).

    Raises
    ------
    ScheduleError
        The text is malformed even as Deforum reads it.
    """
    entries = _parse(text, field, _check_n_frames(n_frames), True, warnings)
    parts = []
    for frame, value_text, value, _, _, key in entries:
        key = key if _key_is_plain(key, frame, n_frames) else str(frame)
        if value is not None:
            parts.append(f"{key}:({value!r})")
        elif _NUMBER.fullmatch(value_text):  # a number Deforum evaluates: keep it an expression
            parts.append(f"{key}:(({value_text}))")
        else:
            parts.append(f"{key}:({value_text})")
    return ", ".join(parts)


def _key_is_plain(key: str, frame: int, n_frames: int) -> bool:
    """Whether ``key`` can be written back as is (a strict scan reads it as ``frame``)."""
    if not key or any(c in key for c in ",:\n") or key.count("(") != key.count(")"):
        return False
    try:
        return _key_frame(key, 0, "key", n_frames - 1) == frame
    except ScheduleError:
        return False


def _frame_ranges(frames: np.ndarray, limit: int = 6) -> str:
    """``frames 3-7, 12`` for sorted frame numbers (at most ``limit`` ranges, then '...')."""
    runs: list[str] = []
    breaks = np.flatnonzero(np.diff(frames) != 1)
    starts = [frames[0], *frames[breaks + 1].tolist()]
    ends = [*frames[breaks].tolist(), frames[-1]]
    for a, b in zip(starts, ends, strict=True):
        runs.append(f"{a}" if a == b else f"{a}-{b}")
    more = ", ..." if len(runs) > limit else ""
    word = "frame" if len(frames) == 1 else "frames"
    return f"{word} {', '.join(runs[:limit])}{more}"


def evaluate_expression(expr: str, *, field: str, variables: Mapping[str, float | np.ndarray],
                        frame: int | None = None) -> float | np.ndarray:
    """Evaluate one expression (no keyframes), e.g. a prompt key or a prompt weight.

    Parameters
    ----------
    expr : str
        ``"1 + t/max_f"``.
    field : str
        Name of the setting, used in error messages.
    variables : mapping
        Names and values: scalars or arrays. ``pi`` and ``e`` are always defined.
    frame : int, optional
        When given, ``t`` defaults to ``frame``, 1-D arrays in ``variables`` are per-frame
        arrays read at index ``frame``, and messages name the frame. When omitted, arrays are
        used whole (numpy broadcasting) and ``t`` must be passed if it is used.

    Returns
    -------
    float or np.ndarray
        A float when every input is a scalar, otherwise a float64 array; always finite.

    Raises
    ------
    ScheduleError
        Bad syntax, unknown names or functions, forbidden syntax or a non-finite result.
    ValueError
        Invalid variable names or values, or ``frame`` outside a per-frame array.
    """
    label = field if frame is None else f"{field}: frame {frame}"
    if not isinstance(expr, str):
        expr = _as_text(expr, field)
    env: dict[str, Value] = dict(_CONSTANTS)
    for name, value in variables.items():
        _check_name(name, allow=_PROVIDED)
        array = np.asarray(value, dtype=np.float64)
        if frame is not None and array.ndim == 1:
            if not 0 <= frame < array.shape[0]:
                raise ValueError(f"frame {frame} is outside variable {name!r} of length "
                                 f"{array.shape[0]}")
            array = array[frame]
        if not np.isfinite(array).all():
            raise ValueError(f"variable {name!r} has non-finite values")
        env[name] = array[()] if array.ndim == 0 else array
    if frame is not None:
        env.setdefault("t", np.float64(frame))
    lead = len(expr) - len(expr.lstrip())
    try:
        compiled = _compile(expr.strip())
    except _ExprError as e:
        raise ScheduleError(
            f"{label}: {e.message} at character {lead + e.pos + 1}{e.hint}"
        ) from None
    _check_names(compiled, env, label, lead)
    result, problem, index, pos = _run(compiled, env)
    if problem is not None:
        where = "" if result.ndim == 0 or frame is not None else f" at element {index}"
        raise ScheduleError(f"{label}: {problem}{where} (character {lead + pos + 1})")
    return float(result) if result.ndim == 0 else result


def to_deforum_string(values: Sequence[float] | np.ndarray, *, decimals: int = 4) -> str:
    """Write per-frame values as a plain Deforum keyframe string.

    Each value is rounded to ``decimals`` places and printed without trailing zeros. Frames
    inside a run of equal printed values are left out: linear interpolation between the two
    equal ends (or the hold after the last key) gives back exactly the printed value, so
    ``evaluate_schedule`` of the result equals the printed numbers at every frame.

    Parameters
    ----------
    values : sequence of float or np.ndarray [shape=(n,)]
        Finite values, one per frame (n >= 1).
    decimals : int
        Digits after the decimal point (>= 0).

    Returns
    -------
    str
        ``"0:(1.02), 1:(1.01), ..."``.

    Raises
    ------
    ValueError
        Empty, non-1-D or non-finite values, or negative ``decimals``.
    """
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"values must be a non-empty 1-D sequence, got shape {array.shape}")
    if not np.isfinite(array).all():
        raise ValueError(f"values must be finite; frame {int(np.argmax(~np.isfinite(array)))} "
                         "is not")
    decimals = operator.index(decimals)
    if decimals < 0:
        raise ValueError(f"decimals={decimals} must be >= 0")
    texts = [_format(v, decimals) for v in array.tolist()]
    last = len(texts) - 1
    parts = []
    for i, s in enumerate(texts):
        if i > 0 and s == texts[i - 1] and (i == last or s == texts[i + 1]):
            continue
        parts.append(f"{i}:({s})")
    return ", ".join(parts)


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def _format(value: float, decimals: int) -> str:
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _check_name(name: object, allow: Sequence[str] = ()) -> None:
    if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
        raise ValueError(f"variable name {name!r} is not an identifier")
    if name in _RESERVED and name not in allow:
        raise ValueError(f"variable name {name!r} is reserved (built-in name or function)")


def _split_variables(variables: Mapping[str, float | np.ndarray] | None,
                     n: int) -> tuple[dict[str, Value], dict[str, np.ndarray]]:
    scalars: dict[str, Value] = {}
    arrays: dict[str, np.ndarray] = {}
    for name, value in (variables or {}).items():
        _check_name(name)
        array = np.asarray(value, dtype=np.float64)
        if array.ndim == 0:
            scalars[name] = array[()]
        elif array.shape == (n,):
            arrays[name] = array
        else:
            raise ValueError(f"variable {name!r} must be a scalar or have shape ({n},), "
                             f"got {array.shape}")
        if not np.isfinite(array).all():
            raise ValueError(f"variable {name!r} has non-finite values")
    return scalars, arrays


def _check_names(compiled: _Compiled, env: Mapping[str, Value], label: str, column: int) -> None:
    for ident, pos in compiled.names:
        if ident not in env:
            close = difflib.get_close_matches(ident, list(env), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise ScheduleError(
                f"{label}: unknown name '{ident}' at character {column + pos + 1}{hint}"
            )
