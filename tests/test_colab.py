"""The notebook's steps (music_visualizer.ui.colab), outside Colab and with Colab faked."""

from __future__ import annotations

import http.server
import subprocess
import sys
import threading
import types
import urllib.request
from pathlib import Path

import pytest
import yaml

from music_visualizer.errors import UserError
from music_visualizer.settings import preset_names, resolve_settings
from music_visualizer.ui import colab

ROOT = Path(__file__).resolve().parents[1]
HAS_APP = (ROOT / "music_visualizer" / "ui" / "app.py").is_file()


@pytest.fixture
def not_colab(monkeypatch):
    monkeypatch.setattr(colab, "in_colab", lambda: False)


@pytest.fixture
def fake_colab(monkeypatch):
    monkeypatch.setattr(colab, "in_colab", lambda: True)


def test_import_needs_only_the_standard_library():
    code = ("import sys; import music_visualizer.ui.colab; "
            "heavy = {'torch', 'numpy', 'yaml', 'gradio', 'huggingface_hub', 'google.colab'}; "
            "print(sorted(heavy & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"


def test_in_colab_here():
    assert colab.in_colab() is False


def test_gpu_report_without_gpu_says_what_to_do(fake_colab, monkeypatch):
    monkeypatch.setattr(colab.shutil, "which", lambda name: None)
    monkeypatch.setitem(sys.modules, "torch", None)  # as if torch were not installed
    report = colab.gpu_report()
    assert "No GPU" in report
    assert "Runtime > Change runtime type > T4 GPU" in report


# --------------------------------------------------------------------------------------------
# Install
# --------------------------------------------------------------------------------------------

REQUIREMENTS = """# comment
torch==2.13.0
torchvision>=0.20
diffusers>=0.42.1,<0.43
 torch ; sys_platform == "linux"
torch[opt]>=2
numpy>=2.2,<3
"""


def test_colab_requirements_keep_colabs_torch():
    requirements, constraints = colab.colab_requirements(REQUIREMENTS, "2.8.0+cu126")
    lines = requirements.splitlines()
    assert not any(line.strip().startswith("torch") and not line.strip().startswith(
        "torchvision") for line in lines)
    assert "torchvision>=0.20" in lines
    assert "diffusers>=0.42.1,<0.43" in lines
    assert "numpy>=2.2,<3" in lines
    assert "# comment" in lines
    assert constraints == "torch==2.8.0+cu126\n"


def test_colab_requirements_without_torch_installed_keep_the_file():
    assert colab.colab_requirements(REQUIREMENTS, None) == (REQUIREMENTS, "")


def test_colab_requirements_of_this_repo():
    text = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    requirements, constraints = colab.colab_requirements(text, "2.8.0+cu126")
    assert "torch==" not in requirements
    assert "diffusers" in requirements
    assert constraints == "torch==2.8.0+cu126\n"


def test_install_command(tmp_path):
    req, con = tmp_path / "r.txt", tmp_path / "c.txt"
    cmd = colab.install_command(req, con)
    assert cmd[:4] == [sys.executable, "-m", "pip", "install"]
    assert cmd[cmd.index("-r") + 1] == str(req)
    assert cmd[cmd.index("-c") + 1] == str(con)
    assert "-c" not in colab.install_command(req, None)


def test_install_outside_colab_does_nothing(not_colab, capsys):
    def runner(cmd):
        raise AssertionError("pip must not run outside Colab")

    colab.install(ROOT, runner=runner)
    assert "Not in Colab: skipping the install" in capsys.readouterr().out


def test_install_in_colab_pins_the_installed_torch(fake_colab, monkeypatch, tmp_path, capsys):
    (tmp_path / "requirements.txt").write_text("torch==2.13.0\nnumpy>=2\n")
    monkeypatch.setattr(colab, "_installed_version", lambda name: "2.8.0+cu126")
    seen: dict[str, str] = {}

    def runner(cmd):
        seen["requirements"] = Path(cmd[cmd.index("-r") + 1]).read_text()
        seen["constraints"] = Path(cmd[cmd.index("-c") + 1]).read_text()
        return 0

    colab.install(tmp_path, runner=runner)
    assert seen == {"requirements": "numpy>=2\n", "constraints": "torch==2.8.0+cu126\n"}
    assert "keeping Colab's torch 2.8.0+cu126" in capsys.readouterr().out


def test_install_failure_is_a_user_error(fake_colab, tmp_path):
    (tmp_path / "requirements.txt").write_text("numpy>=2\n")
    with pytest.raises(UserError, match="pip install failed"):
        colab.install(tmp_path, runner=lambda cmd: 1)


# --------------------------------------------------------------------------------------------
# Drive and folders
# --------------------------------------------------------------------------------------------

def test_mount_drive_outside_colab(not_colab, capsys):
    assert colab.mount_drive() is None
    assert "Not in Colab: skipping Google Drive" in capsys.readouterr().out


def test_mount_drive_in_colab(fake_colab, monkeypatch, tmp_path):
    mounted = []
    google = types.ModuleType("google")
    google_colab = types.ModuleType("google.colab")
    google_colab.drive = types.SimpleNamespace(mount=mounted.append)
    monkeypatch.setitem(sys.modules, "google", google)
    monkeypatch.setitem(sys.modules, "google.colab", google_colab)
    assert colab.mount_drive(tmp_path / "drive") == tmp_path / "drive" / "MyDrive"
    assert mounted == [str(tmp_path / "drive")]


def test_mount_drive_refused(fake_colab, monkeypatch, capsys):
    def refuse(mountpoint):
        raise ValueError("mount failed")

    google_colab = types.ModuleType("google.colab")
    google_colab.drive = types.SimpleNamespace(mount=refuse)
    monkeypatch.setitem(sys.modules, "google", types.ModuleType("google"))
    monkeypatch.setitem(sys.modules, "google.colab", google_colab)
    assert colab.mount_drive() is None
    assert "not mounted" in capsys.readouterr().out


def test_prepare_folders(tmp_path):
    folders = colab.prepare_folders(tmp_path / "MyDrive", environ={})
    assert folders["models"] == (tmp_path / "MyDrive" / "AI" / "models").resolve()
    assert folders["outputs"] == (tmp_path / "MyDrive" / "AI" / "StableDiffusion").resolve()
    assert folders["models"].is_dir() and folders["outputs"].is_dir()
    # again: nothing breaks
    assert colab.prepare_folders(tmp_path / "MyDrive", environ={}) == folders


def test_prepare_folders_default_root(tmp_path, monkeypatch):
    home = tmp_path / "home"
    folders = colab.prepare_folders(None, environ={colab.HOME_ENV: str(home)})
    assert folders["root"] == home.resolve()
    assert (home / "AI" / "StableDiffusion").is_dir()
    monkeypatch.chdir(tmp_path)
    folders = colab.prepare_folders(None, environ={})
    assert folders["outputs"] == (tmp_path / "outputs" / "AI" / "StableDiffusion").resolve()


# --------------------------------------------------------------------------------------------
# Secrets
# --------------------------------------------------------------------------------------------

class SecretNotFoundError(Exception):
    pass


class NotebookAccessError(Exception):
    pass


def test_copy_secrets_never_shows_a_value(capsys):
    values = {"SPOTIPY_CLIENT_ID": "id-0123456789abcdef",
              "SPOTIPY_CLIENT_SECRET": "secret-fedcba9876543210"}

    def getter(name):
        if name in values:
            return values[name]
        raise SecretNotFoundError(f"Secret {name} does not exist.")

    environ: dict[str, str] = {}
    copied = colab.copy_secrets(environ=environ, getter=getter)
    out = capsys.readouterr().out
    assert copied == ["SPOTIPY_CLIENT_ID", "SPOTIPY_CLIENT_SECRET"]
    assert environ == values
    for value in values.values():
        assert value not in out
        assert value[-8:] not in out
    assert "MUSIC_VISUALIZER_AUTH" in out
    assert "key icon" in out and "Notebook access" in out


def test_copy_secrets_missing_and_no_access(capsys):
    def getter(name):
        if name == "SPOTIPY_CLIENT_ID":
            raise NotebookAccessError("no access")
        if name == "SPOTIPY_CLIENT_SECRET":
            return ""
        raise SecretNotFoundError(name)

    environ: dict[str, str] = {}
    assert colab.copy_secrets(environ=environ, getter=getter) == []
    assert environ == {}
    out = capsys.readouterr().out
    assert "No access to the secrets SPOTIPY_CLIENT_ID" in out
    assert "Not set: SPOTIPY_CLIENT_SECRET, MUSIC_VISUALIZER_AUTH" in out
    assert "still works" in out


def test_copy_secrets_outside_colab(not_colab, capsys):
    environ = {"SPOTIPY_CLIENT_ID": "abcdefgh12345678"}
    assert colab.copy_secrets(environ=environ) == []
    out = capsys.readouterr().out
    assert "Not in Colab: skipping Colab secrets" in out
    assert "SPOTIPY_CLIENT_ID set" in out
    assert "abcdefgh12345678" not in out


def test_copy_secrets_uses_colab_userdata(fake_colab, monkeypatch):
    google_colab = types.ModuleType("google.colab")
    google_colab.userdata = types.SimpleNamespace(get=lambda name: f"value-of-{name}")
    monkeypatch.setitem(sys.modules, "google", types.ModuleType("google"))
    monkeypatch.setitem(sys.modules, "google.colab", google_colab)
    environ: dict[str, str] = {}
    assert colab.copy_secrets(("SPOTIPY_CLIENT_ID",), environ=environ) == ["SPOTIPY_CLIENT_ID"]
    assert environ == {"SPOTIPY_CLIENT_ID": "value-of-SPOTIPY_CLIENT_ID"}


# --------------------------------------------------------------------------------------------
# Checkpoint download
# --------------------------------------------------------------------------------------------

@pytest.fixture
def file_server(tmp_path):
    """A local HTTP server on 127.0.0.1 serving ``tmp_path / "served"``; yields (url, hits)."""
    served = tmp_path / "served"
    served.mkdir()
    hits: list[str] = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(served), **kwargs)

        def do_GET(self):
            hits.append(self.path)
            if self.path.startswith("/api/download/"):
                body = b"civitai-like"
                self.send_response(200)
                self.send_header("Content-Disposition", 'attachment; filename="named.safetensors"')
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            super().do_GET()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", served, hits
    finally:
        server.shutdown()
        server.server_close()


def test_download_nothing(tmp_path):
    assert colab.download_checkpoint("", tmp_path) is None
    assert colab.download_checkpoint("   ", tmp_path) is None
    assert colab.download_checkpoint(None, tmp_path) is None


def test_download_url_part_rename_and_skip(file_server, tmp_path, capsys):
    url, served, hits = file_server
    data = bytes(range(256)) * 9000  # ~2.3 MB: several chunks
    (served / "my model.safetensors").write_bytes(data)
    models = tmp_path / "models"
    (models).mkdir()
    (models / "my model.safetensors.part").write_bytes(b"stale half download")

    path = colab.download_checkpoint(f"{url}/my%20model.safetensors?token=SECRET123", models)
    assert path == models / "my model.safetensors"
    assert path.read_bytes() == data
    assert not (models / "my model.safetensors.part").exists()
    assert len(hits) == 1
    assert "SECRET123" not in capsys.readouterr().out

    again = colab.download_checkpoint(f"{url}/my%20model.safetensors?token=SECRET123", models)
    assert again == path
    assert len(hits) == 1  # already there: no request at all
    assert "Already downloaded" in capsys.readouterr().out


def test_download_url_name_from_content_disposition(file_server, tmp_path):
    url, _, hits = file_server
    path = colab.download_checkpoint(f"{url}/api/download/models/12345", tmp_path)
    assert path == tmp_path / "named.safetensors"
    assert path.read_bytes() == b"civitai-like"
    assert colab.download_checkpoint(f"{url}/api/download/models/12345", tmp_path) == path
    assert len(hits) == 2  # the name needs the headers; the body is not saved again
    assert not list(tmp_path.glob("*.part"))


def test_download_url_errors_are_one_sentence(file_server, tmp_path):
    url, _, _ = file_server
    models = tmp_path / "models"
    with pytest.raises(UserError, match=r"answered 404") as info:
        colab.download_checkpoint(f"{url}/missing.safetensors?token=SECRET123", models)
    assert "SECRET123" not in str(info.value)
    assert not list(models.iterdir())
    with pytest.raises(UserError, match="check the link"):
        colab.download_checkpoint("http://127.0.0.1:9/x.safetensors", tmp_path, timeout=5)
    with pytest.raises(UserError, match="not a download link or a Hugging Face id"):
        colab.download_checkpoint("ftp://example.com/x.ckpt", tmp_path)
    with pytest.raises(UserError, match="not a download link"):
        colab.download_checkpoint("just words", tmp_path)


def test_download_hub_id(monkeypatch, tmp_path):
    calls = []
    hub = types.ModuleType("huggingface_hub")
    hub.snapshot_download = lambda **kw: calls.append(kw)
    monkeypatch.setitem(sys.modules, "huggingface_hub", hub)
    path = colab.download_checkpoint("stabilityai/sd-turbo", tmp_path)
    assert path == tmp_path / "sd-turbo"
    (call,) = calls
    assert call["repo_id"] == "stabilityai/sd-turbo"
    assert call["local_dir"] == tmp_path / "sd-turbo"


def test_download_hub_id_takes_only_the_diffusers_files():
    import fnmatch

    def kept(name):
        return (any(fnmatch.fnmatch(name, p) for p in colab._HUB_ALLOW)
                and not any(fnmatch.fnmatch(name, p) for p in colab._HUB_IGNORE))

    repo = {  # the files of stable-diffusion-v1-5 (shortened) -> kept?
        "model_index.json": True, "unet/config.json": True,
        "unet/diffusion_pytorch_model.safetensors": True,
        "unet/diffusion_pytorch_model.fp16.safetensors": False,
        "unet/diffusion_pytorch_model.non_ema.safetensors": False,
        "unet/diffusion_pytorch_model.bin": False, "text_encoder/model.safetensors": True,
        "tokenizer/vocab.json": True, "tokenizer/merges.txt": True,
        "scheduler/scheduler_config.json": True, "vae/diffusion_pytorch_model.safetensors": True,
        "safety_checker/model.safetensors": False, "feature_extractor/preprocessor_config.json":
        True, "v1-5-pruned-emaonly.safetensors": False, "v1-5-pruned.ckpt": False,
        "README.md": False,
    }
    assert {name: kept(name) for name in repo} == repo


def test_download_hub_failure(monkeypatch, tmp_path):
    def fail(**kw):
        raise RuntimeError("404 Repository Not Found")

    hub = types.ModuleType("huggingface_hub")
    hub.snapshot_download = fail
    monkeypatch.setitem(sys.modules, "huggingface_hub", hub)
    with pytest.raises(UserError, match=r"Could not download 'owner/nope' from Hugging Face"):
        colab.download_checkpoint("owner/nope", tmp_path)


# --------------------------------------------------------------------------------------------
# Settings
# --------------------------------------------------------------------------------------------

def test_notebook_settings_layers_the_form(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    folders = colab.prepare_folders(tmp_path, environ={})
    chosen = colab.notebook_settings(folders, preset="pulse", fps=8, width=384, height=256)
    assert chosen.output_dir == folders["outputs"]
    assert chosen.settings_file == folders["outputs"] / "notebook_settings.yaml"
    settings = resolve_settings(file=chosen.settings_file)
    pulse = yaml.safe_load((ROOT / "configs" / "presets" / "pulse.yaml").read_text())
    assert settings.preset == "pulse"
    assert settings.zoom == pulse["zoom"]  # the preset wins over default.yaml's zoom
    assert (settings.fps, settings.width, settings.height) == (8, 384, 256)
    assert settings.model == "stabilityai/sd-turbo" == chosen.model
    assert "8 fps, 384x256" in capsys.readouterr().out


def test_notebook_settings_model_and_output(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    folders = colab.prepare_folders(tmp_path, environ={})
    ckpt = tmp_path / "AI" / "models" / "mine.safetensors"
    chosen = colab.notebook_settings(folders, checkpoint=ckpt, preset="none",
                                     output_folder=str(tmp_path / "videos"))
    assert chosen.model == str(ckpt)
    assert chosen.output_dir == tmp_path / "videos"
    settings = resolve_settings(file=chosen.settings_file)
    assert settings.preset is None and settings.zoom == "0:(1.01)"
    typed = colab.notebook_settings(folders, model="my/model", checkpoint=ckpt, settings_file="")
    assert typed.model == "my/model"


def test_notebook_settings_keep_frames(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    folders = colab.prepare_folders(tmp_path, environ={})
    chosen = colab.notebook_settings(folders, keep_frames="none")
    assert resolve_settings(file=chosen.settings_file).keep_frames == "none"
    assert "Keep frames: none" in capsys.readouterr().out
    kept = colab.notebook_settings(folders, keep_frames="")  # blank: the file's (all)
    assert resolve_settings(file=kept.settings_file).keep_frames == "all"
    with pytest.raises(UserError, match="keep_frames"):
        colab.notebook_settings(folders, keep_frames="some")


def test_notebook_settings_lyrics(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    folders = colab.prepare_folders(tmp_path, environ={})
    lrc = folders["root"] / "Music" / "song.lrc"
    lrc.parent.mkdir()
    lrc.write_text("[00:01.00] neon rain\n", encoding="utf-8")
    chosen = colab.notebook_settings(folders, captions="karaoke", lyrics_prompts=True,
                                     lyrics_file="MyDrive/Music/song.lrc")
    settings = resolve_settings(file=chosen.settings_file)
    assert (settings.captions, settings.lyrics_prompts, settings.lyrics) == (
        "karaoke", True, str(lrc))
    assert f"Lyrics: {lrc}; captions: karaoke; prompts from the lyrics: yes" in \
        capsys.readouterr().out
    plain = resolve_settings(file=colab.notebook_settings(folders).settings_file)
    assert (plain.captions, plain.lyrics_prompts, plain.lyrics) == ("none", False, "")
    with pytest.raises(UserError, match=r"song2\.lrc"):
        colab.notebook_settings(folders, lyrics_file="Music/song2.lrc")
    lrc.write_text("[00:01.00] fine\n[00:9x.00] broken\n", encoding="utf-8")
    with pytest.raises(UserError, match="line 2"):
        colab.notebook_settings(folders, lyrics_file="Music/song.lrc")
    with pytest.raises(UserError, match="captions"):
        colab.notebook_settings(folders, captions="subtitles")


def test_notebook_lyrics_options_offer_the_declared_choices():
    import nbformat

    from music_visualizer.settings.model import field_specs

    nb = nbformat.read(ROOT / "DeforumMusicVisualizer.ipynb", as_version=4)
    source = next(cell.source for cell in nb.cells if cell.cell_type == "code"
                  and cell.source.startswith("# @title Settings"))
    line = next(line for line in source.splitlines() if line.startswith("CAPTIONS ="))
    value, params = line.split("# @param", 1)
    assert value.split("=", 1)[1].strip() == '"none"'
    assert yaml.safe_load(params) == list(field_specs()["captions"][1].choices)
    assert 'LYRICS_PROMPTS = False  # @param {type:"boolean"}' in source
    assert 'LYRICS_FILE = ""  # @param {type:"string"}' in source
    for arg in ("captions=CAPTIONS", "lyrics_prompts=LYRICS_PROMPTS", "lyrics_file=LYRICS_FILE"):
        assert arg in source


def test_notebook_settings_errors(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    folders = colab.prepare_folders(tmp_path, environ={})
    with pytest.raises(UserError, match="does not exist"):
        colab.notebook_settings(folders, settings_file="configs/nope.yaml")
    with pytest.raises(UserError, match="preset"):
        colab.notebook_settings(folders, preset="wobble")
    with pytest.raises(UserError, match="width"):
        colab.notebook_settings(folders, width=500)


def test_notebook_preset_choices_match_the_shipped_presets():
    import nbformat

    nb = nbformat.read(ROOT / "DeforumMusicVisualizer.ipynb", as_version=4)
    line = next(line for cell in nb.cells if cell.cell_type == "code"
                for line in cell.source.splitlines() if line.startswith("PRESET ="))
    choices = yaml.safe_load(line.split("# @param", 1)[1])
    assert choices[0] == "none"
    assert sorted(choices[1:]) == preset_names()


def test_notebook_keep_frames_defaults_to_none_and_offers_the_declared_choices():
    import nbformat

    from music_visualizer.settings.model import field_specs

    nb = nbformat.read(ROOT / "DeforumMusicVisualizer.ipynb", as_version=4)
    source = next(cell.source for cell in nb.cells if cell.cell_type == "code"
                  and cell.source.startswith("# @title Settings"))
    line = next(line for line in source.splitlines() if line.startswith("KEEP_FRAMES ="))
    value, params = line.split("# @param", 1)
    assert value.split("=", 1)[1].strip() == '"none"'
    assert sorted(yaml.safe_load(params)) == sorted(field_specs()["keep_frames"][1].choices)
    assert "keep_frames=KEEP_FRAMES" in source


# --------------------------------------------------------------------------------------------
# The app
# --------------------------------------------------------------------------------------------

def _fake_app_module(calls):
    module = types.ModuleType("music_visualizer.ui.app")

    class App:
        closed = False

        def close(self):
            self.closed = True

    def build_app(**kw):
        calls.append(("build", kw))
        return App()

    def launch(app, **kw):
        calls.append(("launch", kw))
        return "http://127.0.0.1:7860/"

    def auth_from(value, environ):
        text = value if value is not None else environ.get("MUSIC_VISUALIZER_AUTH")
        return tuple(text.split(":", 1)) if text else None

    module.build_app, module.launch, module.auth_from = build_app, launch, auth_from
    return module


def test_launch_app_in_colab_requires_a_login(fake_colab, monkeypatch, tmp_path, capsys):
    calls: list = []
    monkeypatch.setitem(sys.modules, "music_visualizer.ui.app", _fake_app_module(calls))
    environ: dict[str, str] = {}
    colab.launch_app(output_dir=tmp_path, environ=environ)
    (_, built), (_, launched) = calls
    assert built["output_dir"] == tmp_path
    assert launched["share"] is True and launched["debug"] is True and launched["block"] is True
    user, password = launched["auth"]
    assert user == "music" and len(password) >= 12
    out = capsys.readouterr().out
    assert out.count(password) == 1
    assert environ["MUSIC_VISUALIZER_AUTH"] == f"music:{password}"

    calls.clear()
    colab.launch_app(output_dir=tmp_path, environ={"MUSIC_VISUALIZER_AUTH": "me:hunter2hunter2"})
    assert calls[1][1]["auth"] == ("me", "hunter2hunter2")
    assert "hunter2hunter2" not in capsys.readouterr().out


def test_launch_app_outside_colab_with_a_fake_app(not_colab, monkeypatch, tmp_path, capsys):
    calls: list = []
    monkeypatch.setitem(sys.modules, "music_visualizer.ui.app", _fake_app_module(calls))
    app = colab.launch_app(output_dir=tmp_path, environ={})
    assert calls[1][1]["share"] is False and calls[1][1]["block"] is False
    assert calls[1][1]["auth"] is None
    assert "Not in Colab: skipping the public share link" in capsys.readouterr().out
    app.close()


@pytest.mark.slow
@pytest.mark.skipif(not HAS_APP, reason="music_visualizer/ui/app.py is not written yet")
def test_launch_app_outside_colab_serves_on_localhost(not_colab, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("GRADIO_ANALYTICS_ENABLED", "False")
    monkeypatch.delenv("MUSIC_VISUALIZER_AUTH", raising=False)
    app = colab.launch_app(output_dir=tmp_path / "out", share=True, debug=True)
    try:
        url = app.local_url
        assert url.startswith("http://127.0.0.1:")
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(url.rstrip("/") + "/config", timeout=60) as response:
            assert response.status == 200
            assert "Spotify URL" in response.read().decode("utf-8")
    finally:
        app.close()
    assert "Not in Colab: skipping the public share link" in capsys.readouterr().out


def test_notebooks_saved_before_the_ui_package_still_import_colab():
    from music_visualizer import colab as old_name

    assert old_name is colab and callable(old_name.in_colab)
