"""The notebook's Setup cell gets the code from every source, or says what it tried and stops.

Each test runs the real cell with nbclient. Colab is faked: a ``google.colab`` package on the
kernel's path (imported first, as Colab's kernel does) whose ``drive.mount`` does nothing, and
the cell's ``/content`` moved to a temporary folder, whose ``drive/MyDrive`` plays the Drive.
Git sources are bare repositories made here (``file://`` URLs): nothing is downloaded.
"""

from __future__ import annotations

import http.server
import os
import shutil
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "DeforumMusicVisualizer.ipynb"
CELL_TIMEOUT_S = 120
PROJECT_FILES = ("music_visualizer", "configs", "requirements.txt", "DeforumMusicVisualizer.ipynb",
                 "pyproject.toml", "README.md")
FAKE_COLAB = """\
import os
import types


def _mount(mountpoint, **kwargs):
    if os.environ.get("FAKE_DRIVE_REFUSES"):
        raise ValueError("mount failed")
    print(f"Mounted at {mountpoint}")


drive = types.SimpleNamespace(mount=_mount)
"""
# Run after the Setup cell: where the code was found and where the package was imported from.
PROBE = """\
from music_visualizer.ui import colab as probe
print("CODE_DIR", CODE_DIR)
print("IMPORTED", probe.__file__)
print("CWD", os.getcwd())
"""
WHAT_TO_DO = ("What to do: upload the project's folder (the one holding music_visualizer/ and "
              "DeforumMusicVisualizer.ipynb) to your Google Drive")

pytestmark = pytest.mark.slow


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------

def _text(cell: nbformat.NotebookNode) -> str:
    parts = []
    for out in cell.get("outputs", []):
        if out.output_type == "stream":
            parts.append(out.text)
        elif out.output_type == "error":
            parts.append(f"ERROR {out.ename}: {out.evalue}\n" + "\n".join(out.traceback))
    return "".join(parts)


def _setup_source(home: Path | None, code: str, published: str | None) -> str:
    cell = next(c for c in nbformat.read(NOTEBOOK, as_version=4).cells
                if c.cell_type == "code" and c.source.startswith("# @title Get the code"))
    source = cell.source
    assert source.count('Path("/content")') == 1
    if home is not None:  # Colab's folder, moved
        source = source.replace('Path("/content")', f"Path({str(home)!r})")
    assert source.count('CODE = ""  # @param') == 1
    source = source.replace('CODE = ""  # @param', f"CODE = {code!r}  # @param")
    if published is not None:  # a fork's address
        source, count = _replace_constant(source, "PROJECT_GIT_URL", published)
        assert count == 1
    return source


def _replace_constant(source: str, name: str, value: str) -> tuple[str, int]:
    lines = source.splitlines()
    hits = [i for i, line in enumerate(lines) if line.startswith(f"{name} = ")]
    for i in hits:
        lines[i] = f"{name} = {value!r}"
    return "\n".join(lines), len(hits)


def _run(cells: list[str], *, cwd: Path) -> tuple[nbformat.NotebookNode, bool]:
    """Execute ``cells`` in a fresh kernel; return the notebook and whether it stopped early."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.v4.new_notebook()
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3",
                              "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    client = NotebookClient(nb, timeout=CELL_TIMEOUT_S, kernel_name="python3",
                            resources={"metadata": {"path": str(cwd)}})
    try:
        client.execute()
    except CellExecutionError:
        return nb, True
    return nb, False


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A copy of the project (what a user uploads to Drive or pushes to git)."""
    copy = tmp_path_factory.mktemp("project") / "music_visualizer"
    copy.mkdir()
    for name in PROJECT_FILES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, copy / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(ROOT / name, copy / name)
    return copy


@pytest.fixture(scope="module")
def bare_repo(project, tmp_path_factory) -> str:
    """The project as a bare git repository; its ``file://`` URL."""
    base = tmp_path_factory.mktemp("git")
    work = base / "work"
    shutil.copytree(project, work)
    git = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com",
           "-c", "init.defaultBranch=main"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "the project"]):
        subprocess.run([*git, *args], cwd=work, check=True, capture_output=True)
    subprocess.run([*git, "clone", "-q", "--bare", str(work), str(base / "project.git")],
                   check=True, capture_output=True)
    return (base / "project.git").as_uri()


@pytest.fixture
def colab_env(tmp_path, monkeypatch):
    """A fake Colab for the kernel: ``(home, drive)``, ``home`` standing for ``/content``."""
    fake = tmp_path / "fake_colab"
    (fake / "google" / "colab").mkdir(parents=True)  # no google/__init__.py: a namespace
    (fake / "google" / "colab" / "__init__.py").write_text(FAKE_COLAB, encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(fake))
    monkeypatch.delenv("FAKE_DRIVE_REFUSES", raising=False)
    monkeypatch.delenv("COLAB_RELEASE_TAG", raising=False)
    home = tmp_path / "content"
    drive = home / "drive" / "MyDrive"
    (drive / "AI" / "StableDiffusion" / "some_song").mkdir(parents=True)  # videos, not code
    (drive / "AI" / "StableDiffusion" / "some_song" / "20260101000000_00000.png").write_bytes(b"")
    return home, drive


def _run_colab(home: Path, *, code: str = "", published: str | None = None,
               whole_notebook: bool = False) -> tuple[nbformat.NotebookNode, bool]:
    setup = _setup_source(home, code, published)
    rest = [PROBE]
    if whole_notebook:  # the cells after Setup, as Run all would run them
        cells = nbformat.read(NOTEBOOK, as_version=4).cells
        start = next(i for i, c in enumerate(cells) if c.source.startswith("# @title Get the code"))
        rest = [c.source for c in cells[start + 1:] if c.cell_type == "code"]
    return _run(["import google.colab  # Colab's kernel has it imported", setup, *rest],
                cwd=home.parent)


def _found(nb: nbformat.NotebookNode, stopped: bool, expected: Path) -> str:
    """Assert the Setup cell found the code in ``expected`` and the package came from there."""
    setup, probe = _text(nb.cells[1]), _text(nb.cells[2])
    assert not stopped, setup + probe
    assert "ERROR" not in setup + probe, setup + probe
    assert f"The code: {expected}" in setup
    assert f"CODE_DIR {expected}\n" in probe
    assert f"IMPORTED {expected / 'music_visualizer' / 'ui' / 'colab.py'}" in probe
    assert f"CWD {expected}\n" in probe
    return setup


def _explained(nb: nbformat.NotebookNode, stopped: bool, *fragments: str) -> str:
    """Assert the Setup cell printed the one message, stopped, and showed no traceback."""
    setup = nb.cells[1]
    text = _text(setup)
    assert stopped, text
    assert "Could not get the code of the visualizer. Tried:\n  - " in text
    assert WHAT_TO_DO in text and "paste the project's git address" in text
    for fragment in fragments:
        assert fragment in text, (fragment, text)
    errors = [out for out in setup.outputs if out.output_type == "error"]
    assert [(e.ename, e.evalue) for e in errors] == [
        ("SystemExit", "Setup stopped here: the cells below need the code.")]
    assert "Traceback (most recent call last)" not in text and 'File "' not in text
    assert not [out for out in setup.outputs if getattr(out, "name", "") == "stderr"], text
    for cell in nb.cells[2:]:  # the following cells did not run: no NameError cascade
        assert cell.outputs == [] and cell.execution_count is None, cell.source
    return text


# --------------------------------------------------------------------------------------------
# The code is found
# --------------------------------------------------------------------------------------------

def test_local_folder(monkeypatch):
    monkeypatch.delenv("COLAB_RELEASE_TAG", raising=False)
    source = _setup_source(None, "", None)
    nb, stopped = _run([source, PROBE], cwd=ROOT)
    setup, probe = _text(nb.cells[0]), _text(nb.cells[1])
    assert not stopped, setup + probe
    assert f"The code: {ROOT}\n" in setup and "Mounted" not in setup
    assert f"IMPORTED {ROOT / 'music_visualizer' / 'ui' / 'colab.py'}" in probe


def test_drive_folder_found_by_search(colab_env, project):
    home, drive = colab_env
    target = drive / "Music" / "tools" / "music_visualizer"  # three folders down
    shutil.copytree(project, target)
    (drive / "Music" / "notes").mkdir()
    nb, stopped = _run_colab(home, published="file:///nowhere/never/used.git")
    setup = _found(nb, stopped, target)
    assert f"Mounted at {home / 'drive'}" in setup


def test_drive_search_skips_an_incomplete_folder_then_clones(colab_env, project, bare_repo):
    home, drive = colab_env
    partial = drive / "music_visualizer"
    shutil.copytree(project / "music_visualizer", partial / "music_visualizer")
    shutil.copy2(project / "DeforumMusicVisualizer.ipynb", partial)
    nb, stopped = _run_colab(home, published=bare_repo)
    setup = _found(nb, stopped, home / "music_visualizer_code")
    assert f"(from {bare_repo})" in setup


@pytest.mark.parametrize("code", ["projects/my visualizer", "MyDrive/projects/my visualizer",
                                  "{drive}/projects/my visualizer"])
def test_explicit_drive_folder(colab_env, project, code):
    home, drive = colab_env
    target = drive / "projects" / "my visualizer"
    shutil.copytree(project, target)
    nb, stopped = _run_colab(home, code=code.format(drive=drive))
    _found(nb, stopped, target)


def test_zip_on_drive(colab_env, project):
    home, drive = colab_env
    archive = drive / "downloads" / "music_visualizer-main.zip"
    archive.parent.mkdir()
    with zipfile.ZipFile(archive, "w") as zf:  # as GitHub's "Download ZIP": one top folder
        for path in sorted(project.rglob("*")):
            zf.write(path, "music_visualizer-main/" + path.relative_to(project).as_posix())
    nb, stopped = _run_colab(home, code="downloads/music_visualizer-main.zip")
    setup = _found(nb, stopped, home / "music_visualizer_code" / "music_visualizer-main")
    assert f"(from {archive})" in setup


def test_wheel_on_drive(colab_env, project, tmp_path):
    home, drive = colab_env
    build = tmp_path / "build"
    shutil.copytree(project, build)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-build-isolation",
                    "--no-deps", "--no-index", "-w", str(drive), str(build)],
                   check=True, capture_output=True, env={**os.environ, "PIP_NO_INDEX": "1"})
    wheel = next(drive.glob("music_visualizer-*.whl"))
    nb, stopped = _run_colab(home, code=wheel.name)
    copy = home / "music_visualizer_code"
    _found(nb, stopped, copy)
    assert (copy / "requirements.txt").read_text() == (ROOT / "requirements.txt").read_text()
    presets = sorted(p.name for p in (copy / "configs" / "presets").glob("*.yaml"))
    assert presets == sorted(p.name for p in (ROOT / "configs" / "presets").glob("*.yaml"))
    assert (copy / "configs" / "default.yaml").is_file()


def test_git_url(colab_env, bare_repo):
    home, _ = colab_env
    nb, stopped = _run_colab(home, code=bare_repo, published="file:///nowhere/never/used.git")
    setup = _found(nb, stopped, home / "music_visualizer_code")
    assert "Mounted" not in setup  # a git URL needs no Drive
    assert f"(from {bare_repo})" in setup


def test_nothing_in_drive_falls_back_to_the_published_address(colab_env, bare_repo):
    home, _ = colab_env
    nb, stopped = _run_colab(home, published=bare_repo)
    setup = _found(nb, stopped, home / "music_visualizer_code")
    assert f"(from {bare_repo})" in setup


# --------------------------------------------------------------------------------------------
# The code is not found: one message, then a clean stop
# --------------------------------------------------------------------------------------------

def test_failing_clone(colab_env):
    home, _ = colab_env
    url = "file:///nowhere/music_visualizer.git"
    nb, stopped = _run_colab(home, code=url, whole_notebook=True)
    _explained(nb, stopped, f"  - git clone {url} (git said: fatal: ")


class _AskForLogin(http.server.BaseHTTPRequestHandler):
    """What GitHub answers for a repository that does not exist or is private."""

    def do_GET(self):
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Basic realm="GitHub"')
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_clone_that_asks_for_a_password_fails_at_once(colab_env, monkeypatch):
    home, _ = colab_env
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _AskForLogin)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/someone/private.git"
        nb, stopped = _run_colab(home, code=url)
    finally:
        server.shutdown()
        server.server_close()
    _explained(nb, stopped, f"  - git clone {url} (git said: fatal: could not read Username",
               "terminal prompts disabled")


def test_missing_folder(colab_env):
    home, drive = colab_env
    nb, stopped = _run_colab(home, code="nowhere/music_visualizer", whole_notebook=True)
    _explained(nb, stopped, f"  - {drive / 'nowhere' / 'music_visualizer'} (not found)")


def test_folder_without_the_project(colab_env):
    home, drive = colab_env
    (drive / "empty" / "music_visualizer").mkdir(parents=True)
    nb, stopped = _run_colab(home, code="empty")
    _explained(nb, stopped, f"  - {drive / 'empty'} (no music_visualizer/, configs/ and "
                            "requirements.txt in it)")


def test_broken_zip(colab_env):
    home, drive = colab_env
    (drive / "music_visualizer.zip").write_bytes(b"PK\x03\x04 cut short by an upload")
    nb, stopped = _run_colab(home, code="music_visualizer.zip")
    _explained(nb, stopped, f"  - {drive / 'music_visualizer.zip'} (File is not a zip file)")


def test_local_notebook_outside_the_project(tmp_path, monkeypatch):
    monkeypatch.delenv("COLAB_RELEASE_TAG", raising=False)
    (tmp_path / "DeforumMusicVisualizer.ipynb").write_text("{}")  # a copied notebook, alone
    nb, stopped = _run([_setup_source(None, "", None), PROBE], cwd=tmp_path)
    nb.cells.insert(0, nbformat.v4.new_code_cell(""))  # _explained reads the cell at index 1
    text = _explained(nb, stopped, f"  - {tmp_path} (no music_visualizer/, configs/ and "
                                   "requirements.txt in it)")
    assert "On your own computer: open this notebook from the project's folder" in text


def test_drive_refused_and_published_address_unreachable(colab_env, monkeypatch):
    home, drive = colab_env
    monkeypatch.setenv("FAKE_DRIVE_REFUSES", "1")
    url = "file:///nowhere/published.git"
    nb, stopped = _run_colab(home, published=url, whole_notebook=True)
    _explained(nb, stopped, "  - Google Drive (not mounted: mount failed)",
               f"  - a folder in {drive} holding music_visualizer/ and "
               "DeforumMusicVisualizer.ipynb (none found)",
               f"  - git clone {url} (git said: fatal: ")
