"""DeforumMusicVisualizer.ipynb: a valid, output-free notebook that also runs outside Colab."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "DeforumMusicVisualizer.ipynb"
SECTIONS = ["Setup", "Settings", "Interface"]
CELL_TIMEOUT_S = 300

# Appended to the notebook when it is run here: the app answers on its local URL, then stops.
CHECK_APP = """\
import urllib.error
import urllib.request

opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
with opener.open(app.local_url.rstrip("/") + "/config", timeout=60) as response:
    status, page = response.status, response.read().decode("utf-8")
app.close()
assert status == 200, status
assert "Spotify URL" in page, page[:500]
try:
    opener.open(app.local_url, timeout=10)
except (urllib.error.URLError, OSError):
    print("APP CLOSED")
print("APP ANSWERED", status)
"""


def _headings(nb: nbformat.NotebookNode) -> list[str]:
    return [match.group(1).strip() for cell in nb.cells if cell.cell_type == "markdown"
            for match in re.finditer(r"^#+\s+(.+)$", cell.source, flags=re.MULTILINE)]


def _code_cell(nb: nbformat.NotebookNode, title: str) -> int:
    return next(i for i, cell in enumerate(nb.cells)
                if cell.cell_type == "code" and cell.source.startswith(f"# @title {title}"))


def _text(cell: nbformat.NotebookNode) -> str:
    parts = []
    for out in cell.get("outputs", []):
        if out.output_type == "stream":
            parts.append(out.text)
        elif out.output_type in ("execute_result", "display_data"):
            parts.append(out.get("data", {}).get("text/plain", ""))
        elif out.output_type == "error":
            parts.append(f"ERROR {out.ename}: {out.evalue}")
    return "".join(parts)


def test_notebook_is_valid_and_has_no_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    assert nb.nbformat == 4
    assert nb.metadata.kernelspec.name == "python3"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], cell.source
            assert cell.execution_count is None, cell.source


def test_notebook_sections_and_steps():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert _headings(nb) == SECTIONS
    starts = [next(i for i, c in enumerate(nb.cells) if c.cell_type == "markdown"
                   and c.source.startswith(f"# {name}")) for name in SECTIONS]
    code = [(i, c.source) for i, c in enumerate(nb.cells) if c.cell_type == "code"]

    def section_of(text: str) -> str:
        index = next(i for i, source in code if text in source)
        return SECTIONS[sum(index > start for start in starts) - 1]

    assert section_of('PROJECT_GIT_URL = "https://github.com/') == "Setup"
    assert section_of('CODE = ""  # @param {type:"string"}') == "Setup"
    assert section_of("colab.gpu_report()") == "Setup"
    assert section_of("colab.install(") == "Setup"
    assert section_of("colab.mount_drive()") == "Setup"
    assert section_of("colab.prepare_folders(") == "Setup"
    assert section_of("colab.copy_secrets()") == "Setup"
    assert section_of("colab.download_checkpoint(") == "Setup"
    assert section_of('SETTINGS_FILE = "configs/default.yaml"  # @param') == "Settings"
    assert section_of("colab.notebook_settings(") == "Settings"
    assert section_of("share=True, debug=True") == "Interface"
    for _, source in code:
        assert not re.search(r"^\s*(def|class) ", source, flags=re.MULTILINE), source
        assert "!pip" not in source and "%pip" not in source


def test_setup_cell_gets_the_code_with_the_standard_library_only():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    setup = nb.cells[_code_cell(nb, "Get the code")]
    assert _code_cell(nb, "Get the code") == min(
        i for i, cell in enumerate(nb.cells) if cell.cell_type == "code")
    lines = setup.source.splitlines()
    assert lines[1].startswith("# The project's published git address. Using a fork?")
    assert lines[2].startswith('PROJECT_GIT_URL = "https://')
    assert sum(c.source.count("PROJECT_GIT_URL =") for c in nb.cells) == 1  # one constant
    modules = {m.group(1).split(".")[0] for m in re.finditer(
        r"^\s*(?:from|import)\s+([\w.]+)", setup.source, flags=re.MULTILINE)}
    assert modules - {"google"} <= set(sys.stdlib_module_names), modules
    assert "music_visualizer" not in modules  # found before it can be imported


@pytest.mark.slow
def test_notebook_runs_locally(tmp_path, monkeypatch):
    from nbclient import NotebookClient

    home = tmp_path / "home"
    monkeypatch.setenv("MUSIC_VISUALIZER_HOME", str(home))
    monkeypatch.setenv("MUSIC_VISUALIZER_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("GRADIO_ANALYTICS_ENABLED", "False")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("PIP_NO_INDEX", "1")  # an install, if one ran, could not download
    for name in ("MUSIC_VISUALIZER_AUTH", "COLAB_RELEASE_TAG", "SPOTIPY_CLIENT_ID",
                 "SPOTIPY_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)

    nb = nbformat.read(NOTEBOOK, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(CHECK_APP))
    client = NotebookClient(nb, timeout=CELL_TIMEOUT_S, kernel_name="python3",
                            resources={"metadata": {"path": str(ROOT)}})
    client.execute()

    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not [o for o in cell.outputs if o.output_type == "error"], _text(cell)
    assert _headings(nb) == SECTIONS

    assert f"The code: {ROOT}\n" in _text(nb.cells[_code_cell(nb, "Get the code")])
    install = _text(nb.cells[_code_cell(nb, "Install")])
    assert "Not in Colab: skipping the install" in install
    assert "Installing" not in install and "Successfully installed" not in install
    assert "Not in Colab: skipping Google Drive" in _text(nb.cells[_code_cell(nb, "Connect")])
    assert "Not in Colab: skipping Colab secrets" in _text(nb.cells[_code_cell(nb, "Use your")])
    assert "Downloading" not in _text(nb.cells[_code_cell(nb, "Download a model")])
    settings = _text(nb.cells[_code_cell(nb, "Settings")])
    assert "Motion preset: pulse" in settings
    assert "Keep frames: none" in settings  # the notebook's default: renders that fit in Drive
    assert "captions: none; prompts from the lyrics: no" in settings
    interface = _text(nb.cells[_code_cell(nb, "Start the app")])
    assert "Not in Colab: skipping the public share link" in interface
    assert "http://127.0.0.1:" in interface
    check = _text(nb.cells[-1])
    assert "APP ANSWERED 200" in check and "APP CLOSED" in check

    assert (home / "AI" / "models").is_dir()
    assert (home / "AI" / "StableDiffusion" / "notebook_settings.yaml").is_file()
