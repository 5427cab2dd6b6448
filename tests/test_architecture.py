"""The package's shape, checked from its source (docs/architecture.md explains the layers):
no import cycles (function-level imports included), no private name used across modules, the
mode compared only inside ``modes/``, no function longer than 100 lines."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "music_visualizer"
MODES = ("2D", "3D", "walk", "gan")
MAX_FUNCTION_LINES = 100


@cache
def _modules() -> dict[str, tuple[Path, ast.Module]]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = (path, ast.parse(path.read_text(), filename=str(path)))
    return out


def _is_package(name: str) -> bool:
    return _modules()[name][0].name == "__init__.py"


def _absolute(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if _is_package(module) else module.split(".")[:-1]
    base = base[: len(base) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def _imports(module: str) -> Iterator[tuple[str, str, int]]:
    """(imported module, imported name or '', line) of every import in ``module``."""
    modules = _modules()
    for node in ast.walk(modules[module][1]):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in modules:
                    yield alias.name, "", node.lineno
        elif isinstance(node, ast.ImportFrom):
            target = _absolute(module, node)
            if target not in modules:
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                yield (sub, "", node.lineno) if sub in modules else (target, alias.name,
                                                                     node.lineno)


def _cycles() -> list[list[str]]:
    graph = {m: sorted({t for t, _, _ in _imports(m) if t != m}) for m in _modules()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    return found


def test_no_import_cycles_even_through_function_level_imports():
    assert _cycles() == []


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def test_no_private_name_is_used_across_modules():
    problems = []
    for module, (path, tree) in _modules().items():
        imported_modules = {}
        for target, name, line in _imports(module):
            if name and _private(name) and target != module:
                problems.append(f"{path.name}:{line} imports {target}.{name}")
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom | ast.Import):
                for alias in node.names:
                    full = (f"{_absolute(module, node)}.{alias.name}"
                            if isinstance(node, ast.ImportFrom) else alias.name)
                    if full in _modules():
                        imported_modules[alias.asname or alias.name.split(".")[-1]] = full
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and _private(node.attr)
                    and isinstance(node.value, ast.Name) and node.value.id in imported_modules):
                problems.append(f"{path.name}:{node.lineno} uses "
                                f"{imported_modules[node.value.id]}.{node.attr}")
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in ("getattr", "hasattr") and len(node.args) >= 2
                    and isinstance(node.args[0], ast.Name)
                    and node.args[0].id in imported_modules
                    and isinstance(node.args[1], ast.Constant)
                    and isinstance(node.args[1].value, str) and _private(node.args[1].value)):
                problems.append(f"{path.name}:{node.lineno} {node.func.id}(..., "
                                f"{node.args[1].value!r})")
    assert problems == []


def _names_a_mode(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return node.value in MODES
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return any(_names_a_mode(e) for e in node.elts)
    return False


def _is_mode(node: ast.AST) -> bool:
    return ((isinstance(node, ast.Attribute) and node.attr == "mode")
            or (isinstance(node, ast.Name) and node.id == "mode")
            or (isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant)
                and node.slice.value == "mode"))


def test_the_mode_is_compared_only_inside_modes():
    problems = []
    for module, (path, tree) in _modules().items():
        if module.startswith("music_visualizer.modes"):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Compare):
                sides = [node.left, *node.comparators]
                if any(_is_mode(s) for s in sides) and any(_names_a_mode(s) for s in sides):
                    problems.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert problems == []


def test_no_function_is_longer_than_100_lines():
    long = []
    for _module, (path, tree) in _modules().items():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {node.name} "
                                f"({lines} lines)")
    assert long == []


def test_the_readme_development_tree_names_every_package_and_module():
    readme = (PACKAGE.parent / "README.md").read_text()
    section = readme[readme.index("## Development"):]
    tree = section[section.index("```"):section.index("```", section.index("```") + 3)]
    words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", tree))
    names = {path.parent.name if path.name == "__init__.py" else path.stem
             for path in PACKAGE.rglob("*.py")}
    missing = sorted(names - words - {"music_visualizer"})
    assert missing == [], f"README's Development tree does not mention {missing}"


_STARTS_RAY = re.compile(r"import ray\b|\"render-batch\"|\"--parallel\"|run_tasks\(")
_RAY_GROUP = re.compile(r'^pytestmark = .*pytest\.mark\.xdist_group\("ray"\)', re.M)


def test_every_test_module_that_starts_ray_shares_the_ray_worker():
    """Under pytest-xdist (``-n 2``) two local Ray clusters on two cores starve each other: a
    test module that starts Ray (imports it, runs ``render-batch`` or ``--parallel``) is in
    ``xdist_group("ray")``, so those modules run one after another on one worker."""
    tests = Path(__file__).resolve().parent
    starting = [p for p in sorted(tests.glob("test_*.py"))
                if p.name != Path(__file__).name and _STARTS_RAY.search(p.read_text())]
    assert len(starting) >= 2  # test_scale, test_parallel_sections at least
    for path in starting:
        assert _RAY_GROUP.search(path.read_text()), path.name
