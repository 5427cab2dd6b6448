"""The notebook's steps (``DeforumMusicVisualizer.ipynb``), as functions it calls one per cell.

- :func:`in_colab`             are we in a Google Colab runtime?
- :func:`gpu_report`           which GPU this runtime has, or how to get one
- :func:`colab_requirements`, :func:`install_command`, :func:`install`
                               install the requirements without replacing Colab's CUDA torch
- :func:`mount_drive`          mount Google Drive (Colab only)
- :func:`prepare_folders`      ``AI/models`` and ``AI/StableDiffusion`` on Drive (or locally)
- :func:`copy_secrets`         Colab secrets (Spotify, app login) -> environment, values never shown
- :func:`download_checkpoint`  optional model: a file URL or a Hugging Face id -> ``AI/models``
- :func:`notebook_settings`    the Settings form -> a settings file for the app
- :func:`launch_app`           the Gradio app: shared with a login in Colab, local elsewhere

Importing this module needs only the standard library, so the notebook can use it straight
after cloning, before anything is installed. ``google.colab``, ``huggingface_hub``, PyYAML and
the app are imported inside the functions that use them. Outside Colab, the Colab-only steps
print a note starting with "Not in Colab" and do nothing, so the notebook also runs locally.
"""

from __future__ import annotations

import email.message
import http.client
import importlib.metadata
import os
import re
import secrets as _secrets
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import UserError

__all__ = [
    "HOME_ENV",
    "SECRET_NAMES",
    "NotebookSettings",
    "colab_requirements",
    "copy_secrets",
    "download_checkpoint",
    "gpu_report",
    "in_colab",
    "install",
    "install_command",
    "launch_app",
    "mount_drive",
    "notebook_settings",
    "prepare_folders",
]

#: Folder that holds ``AI/models`` and ``AI/StableDiffusion`` when Drive is not mounted.
HOME_ENV = "MUSIC_VISUALIZER_HOME"
#: Colab secrets the notebook copies into the environment.
SECRET_NAMES = ("SPOTIPY_CLIENT_ID", "SPOTIPY_CLIENT_SECRET", "MUSIC_VISUALIZER_AUTH")
_SECRET_HINTS = {
    "SPOTIPY_CLIENT_ID": "the Client ID of your app at developer.spotify.com/dashboard",
    "SPOTIPY_CLIENT_SECRET": "the Client secret of the same Spotify app",
    "MUSIC_VISUALIZER_AUTH": "optional, the app's login as USER:PASSWORD (without it a "
                             "password is made up when the app starts)",
}
_TORCH_LINE = re.compile(r"^\s*torch\s*(?:[=<>!~;\[@]|$)", re.IGNORECASE)
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")
_CHUNK = 1 << 20
# A Hub model as a diffusers folder: the components' configs and full-precision safetensors;
# not the repo's single-file copies at the top, other formats, variants or the safety checker.
_HUB_ALLOW = ["model_index.json", "*/*.json", "*/*.txt", "*/*.model", "*/*.safetensors"]
_HUB_IGNORE = ["safety_checker/*", "*.fp16.*", "*.non_ema.*", "*.ema.*", "*/*.bin", "*.ckpt",
               "*.onnx", "*.msgpack", "*.h5"]


def in_colab() -> bool:
    """True in a Google Colab runtime (its kernel imports ``google.colab``)."""
    return "google.colab" in sys.modules or "COLAB_RELEASE_TAG" in os.environ


# --------------------------------------------------------------------------------------------
# GPU and install
# --------------------------------------------------------------------------------------------

def gpu_report() -> str:
    """One or two lines: the GPU (name, memory, driver), or how to switch Colab to a GPU."""
    smi = shutil.which("nvidia-smi")
    if smi:
        try:
            out = subprocess.run(
                [smi, "--query-gpu=name,memory.total,driver_version", "--format=csv,noheader"],
                capture_output=True, text=True, timeout=30, check=True).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            out = ""
        if out:
            return "GPU: " + "; ".join(line.strip() for line in out.splitlines())
    try:
        import torch
    except ImportError:
        torch = None
    if torch is not None:
        if torch.cuda.is_available():
            names = [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]
            return "GPU: " + "; ".join(names)
        mps = getattr(torch.backends, "mps", None)
        if mps is not None and mps.is_available():
            return "GPU: Apple (mps)"
    note = "No GPU: rendering with a model will be very slow."
    if in_colab():
        return note + " In Colab: Runtime > Change runtime type > T4 GPU, then run again."
    return note + " The preview renderer and the app still work on a CPU."


def _installed_version(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def colab_requirements(requirements_text: str, torch_version: str | None) -> tuple[str, str]:
    """``(requirements, constraints)`` that keep the installed torch.

    With ``torch_version`` (Colab's own CUDA build), the requirements lose their ``torch`` line
    and the constraints pin ``torch==torch_version``, so no other package can replace it.
    Without it, the requirements are kept as they are and the constraints are empty.
    """
    if not torch_version:
        return requirements_text, ""
    kept = [line for line in requirements_text.splitlines() if not _TORCH_LINE.match(line)]
    return "\n".join(kept) + "\n", f"torch=={torch_version}\n"


def install_command(requirements: Path, constraints: Path | None) -> list[str]:
    """The pip command that installs ``requirements`` under ``constraints`` (if any)."""
    cmd = [sys.executable, "-m", "pip", "install", "--quiet", "--progress-bar", "off",
           "-r", str(requirements)]
    if constraints is not None:
        cmd += ["-c", str(constraints)]
    return cmd


def _stream(cmd: Sequence[str]) -> int:
    """Run ``cmd``, printing its output line by line (a notebook shows prints, not fd 1)."""
    with subprocess.Popen(list(cmd), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, bufsize=1) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            print(line, end="", flush=True)
        return proc.wait()


def install(repo_dir: str | os.PathLike[str],
            runner: Callable[[Sequence[str]], int] = _stream) -> None:
    """Install ``requirements.txt`` of ``repo_dir`` in Colab, keeping Colab's CUDA torch.

    Outside Colab it prints a note and does nothing (install as the README says). ``runner``
    runs the pip command and returns its exit code (tests pass a fake).

    Raises
    ------
    UserError
        If pip fails.
    """
    if not in_colab():
        print("Not in Colab: skipping the install (install locally as the README says: "
              "pip install -r requirements.txt).")
        return
    text = (Path(repo_dir) / "requirements.txt").read_text(encoding="utf-8")
    torch_version = _installed_version("torch")
    requirements, constraints = colab_requirements(text, torch_version)
    with tempfile.TemporaryDirectory(prefix="music_visualizer_install_") as tmp:
        req_path = Path(tmp) / "requirements-colab.txt"
        req_path.write_text(requirements, encoding="utf-8")
        con_path = None
        if constraints:
            con_path = Path(tmp) / "constraints-colab.txt"
            con_path.write_text(constraints, encoding="utf-8")
        kept = f", keeping Colab's torch {torch_version}" if torch_version else ""
        print(f"Installing the requirements{kept} (a minute or two)...", flush=True)
        code = runner(install_command(req_path, con_path))
    if code != 0:
        raise UserError(f"pip install failed (exit code {code}); read the lines above, then "
                        "run this cell again.")
    print("Installed.")


# --------------------------------------------------------------------------------------------
# Drive, folders, secrets
# --------------------------------------------------------------------------------------------

def mount_drive(mountpoint: str | os.PathLike[str] = "/content/drive") -> Path | None:
    """Mount Google Drive and return its ``MyDrive`` folder; None outside Colab or if refused."""
    if not in_colab():
        print("Not in Colab: skipping Google Drive (files stay on this computer).")
        return None
    from google.colab import drive

    try:
        drive.mount(str(mountpoint))
    except Exception as e:  # refused access, timeout: keep going without Drive
        print(f"Google Drive was not mounted ({type(e).__name__}: {e}). Videos will be saved "
              "in this runtime and are lost when it stops; run this cell again to retry.")
        return None
    return Path(mountpoint) / "MyDrive"


def prepare_folders(root: str | os.PathLike[str] | None = None,
                    environ: Mapping[str, str] | None = None) -> dict[str, Path]:
    """Create ``<root>/AI/models`` and ``<root>/AI/StableDiffusion``.

    ``root`` is Drive's ``MyDrive`` (from :func:`mount_drive`). Without it: the folder in
    ``$MUSIC_VISUALIZER_HOME`` if set, else ``outputs/`` of the current folder (the
    checkout, where ``outputs/`` is git-ignored). Returns ``{"root", "models", "outputs"}``;
    ``outputs`` (``AI/StableDiffusion``) is where the runs go.
    """
    env = os.environ if environ is None else environ
    if root is None:
        root = env.get(HOME_ENV) or Path.cwd() / "outputs"
    base = Path(root).expanduser().resolve()
    folders = {"root": base, "models": base / "AI" / "models",
               "outputs": base / "AI" / "StableDiffusion"}
    for key in ("models", "outputs"):
        folders[key].mkdir(parents=True, exist_ok=True)
    print(f"Models: {folders['models']}\nVideos: {folders['outputs']}")
    return folders


def _colab_secret_getter() -> Callable[[str], str | None]:
    from google.colab import userdata

    return userdata.get


def copy_secrets(names: Sequence[str] = SECRET_NAMES,
                 environ: MutableMapping[str, str] = os.environ,
                 getter: Callable[[str], str | None] | None = None) -> list[str]:
    """Copy Colab secrets into ``environ``; return the names copied. Values are never shown.

    ``getter(name)`` returns a secret's value (default: ``google.colab.userdata.get``, which
    raises when the secret is missing or the notebook has no access to it). Outside Colab
    without a ``getter``, nothing is copied: the environment is used as it is.
    """
    if getter is None:
        if not in_colab():
            have = [n for n in names if environ.get(n)]
            print("Not in Colab: skipping Colab secrets; using the environment "
                  f"({', '.join(have) or 'none of ' + ', '.join(names)} set).")
            return []
        getter = _colab_secret_getter()
    copied: list[str] = []
    missing: list[str] = []
    no_access: list[str] = []
    for name in names:
        try:
            value = getter(name)
        except Exception as e:  # SecretNotFoundError, NotebookAccessError, ...
            (no_access if "Access" in type(e).__name__ else missing).append(name)
            continue
        if value is None or not str(value).strip():
            missing.append(name)
            continue
        environ[name] = str(value).strip()
        copied.append(name)
    if copied:
        print("Copied from Colab secrets: " + ", ".join(copied) + ".")
    if no_access:
        print("No access to the secrets " + ", ".join(no_access) + ": open the key icon in "
              "Colab's left bar and switch on 'Notebook access' for them, then run this cell "
              "again.")
    if missing:
        print("Not set: " + ", ".join(missing) + ". To add one, click the key icon in Colab's "
              "left bar (Secrets), 'Add new secret', enter the name and the value, switch on "
              "'Notebook access', then run this cell again.")
        for name in missing:
            if name in _SECRET_HINTS:
                print(f"  {name}: {_SECRET_HINTS[name]}")
        if {"SPOTIPY_CLIENT_ID", "SPOTIPY_CLIENT_SECRET"} & set(missing):
            print("Without Spotify credentials the app still works: upload the song, and its "
                  "tags and cover are used.")
    return copied


# --------------------------------------------------------------------------------------------
# Checkpoint download
# --------------------------------------------------------------------------------------------

def _safe_filename(name: str) -> str:
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip().strip(".")
    return re.sub(r'[\x00-\x1f:*?"<>|]', "_", name)


def _url_filename(url: str, content_disposition: str | None = None) -> str:
    """The file name of a download: from Content-Disposition if given, else the URL's path."""
    if content_disposition:
        msg = email.message.Message()
        msg["content-disposition"] = content_disposition
        name = msg.get_filename()
        if name and _safe_filename(name):
            return _safe_filename(name)
    path = urllib.parse.unquote(urllib.parse.urlsplit(url).path)
    return _safe_filename(path)


def _looks_like_model_file(name: str) -> bool:
    return name.lower().endswith((".safetensors", ".ckpt", ".pt", ".pth", ".bin"))


def _public(url: str) -> str:
    """The URL without its query (download links often carry a token)."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def _download_url(url: str, models_dir: Path, timeout: float) -> Path:
    name = _url_filename(url)
    if name and _looks_like_model_file(name) and (models_dir / name).is_file():
        print(f"Already downloaded: {models_dir / name}")
        return models_dir / name
    request = urllib.request.Request(url, headers={"User-Agent": "music_visualizer"})
    try:
        response = urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as e:
        raise UserError(f"Could not download {_public(url)}: the server answered {e.code} "
                        f"{e.reason}; check the link (and any access token).") from None
    except (urllib.error.URLError, OSError, ValueError) as e:
        reason = getattr(e, "reason", e)
        raise UserError(f"Could not download {_public(url)} ({reason}); check the link and "
                        "the connection.") from None
    with response:
        name = _url_filename(response.geturl() or url,
                             response.headers.get("Content-Disposition"))
        if not name:
            raise UserError(f"Could not tell the file name of {_public(url)}; use a link that "
                            "ends with the file's name.")
        target = models_dir / name
        if target.is_file():
            print(f"Already downloaded: {target}")
            return target
        part = target.with_name(target.name + ".part")
        total = int(response.headers.get("Content-Length") or 0)
        print(f"Downloading {name}" + (f" ({total / 2**20:.0f} MB)" if total else "") + "...",
              flush=True)
        size = 0
        try:
            with open(part, "wb") as out:
                while chunk := response.read(_CHUNK):
                    out.write(chunk)
                    size += len(chunk)
        except (OSError, http.client.HTTPException) as e:
            raise UserError(f"The download of {name} stopped after {size / 2**20:.0f} MB "
                            f"({e}); run this cell again.") from None
    if total and size != total:
        raise UserError(f"The download of {name} stopped after {size / 2**20:.0f} of "
                        f"{total / 2**20:.0f} MB; run this cell again.")
    os.replace(part, target)
    print(f"Downloaded: {target}")
    return target


def _download_hub(repo_id: str, models_dir: Path) -> Path:
    from huggingface_hub import snapshot_download

    target = models_dir / repo_id.split("/", 1)[1]
    print(f"Downloading {repo_id} from Hugging Face to {target}...", flush=True)
    try:
        snapshot_download(repo_id=repo_id, local_dir=target, allow_patterns=_HUB_ALLOW,
                          ignore_patterns=_HUB_IGNORE)
    except Exception as e:  # not found, gated, offline: all one sentence for the user
        raise UserError(f"Could not download '{repo_id}' from Hugging Face ({type(e).__name__}); "
                        "check the id, and for a gated model accept its licence on its page and "
                        "add an HF_TOKEN secret.") from None
    print(f"Downloaded: {target}")
    return target


def download_checkpoint(source: str | None, models_dir: str | os.PathLike[str], *,
                        timeout: float = 60.0) -> Path | None:
    """Download an optional model into ``models_dir``; return its path (None if no source).

    ``source`` is an http(s) link to a ``.safetensors``/``.ckpt`` file (streamed to
    ``<name>.part``, renamed when complete, skipped when the file is already there) or a
    Hugging Face id ``owner/name`` (saved as the diffusers folder ``models_dir/name``, only the
    files the pipeline loads; a second call only fetches what changed).

    Raises
    ------
    UserError
        With one sentence, if the source is neither or the download fails.
    """
    source = (source or "").strip()
    if not source:
        return None
    models_dir = Path(models_dir)
    models_dir.mkdir(parents=True, exist_ok=True)
    scheme = urllib.parse.urlsplit(source).scheme.lower()
    if scheme in ("http", "https"):
        return _download_url(source, models_dir, timeout)
    if _HUB_ID.match(source):
        return _download_hub(source, models_dir)
    raise UserError(f"'{_public(source)}' is not a download link or a Hugging Face id; give an "
                    "https:// link to a .safetensors file or an id like "
                    "stabilityai/sd-turbo.")


# --------------------------------------------------------------------------------------------
# Settings and the app
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class NotebookSettings:
    """What the Settings section chose: where videos go and the settings file the app uses."""

    output_dir: Path
    settings_file: Path
    model: str


def notebook_settings(folders: Mapping[str, Path], *, settings_file: str = "configs/default.yaml",
                      model: str = "", checkpoint: str | os.PathLike[str] | None = None,
                      preset: str = "", fps: float | None = None, width: int | None = None,
                      height: int | None = None, output_folder: str = "",
                      keep_frames: str = "", captions: str = "",
                      lyrics_prompts: bool | None = None,
                      lyrics_file: str = "", interpolate: int | None = None,
                      interpolation_model: str = "", upscale: int | None = None,
                      upscale_model: str = "") -> NotebookSettings:
    """The Settings form -> ``<output>/notebook_settings.yaml``, checked, for the app.

    Layers: ``settings_file`` (blank: the defaults), then the form. ``model`` blank means the
    ``checkpoint`` downloaded in Setup if any, else the file's model. A ``preset`` (blank or
    "none": the file's own) replaces the file's values of the fields the preset sets, so the
    chosen motion is what the app starts with. ``output_folder`` blank means
    ``folders["outputs"]``. ``keep_frames`` ("all" or "none"; blank: the file's) is whether a
    render keeps every frame's PNG or encodes the video as it goes (the notebook's default is
    "none", so that renders fit in Drive). ``captions`` (none, line, karaoke; blank: the file's)
    burns the timed lyrics into the video; ``lyrics_prompts`` (None: the file's) makes a prompt
    per lyric line; ``lyrics_file`` an ``.lrc`` file (relative: in ``folders["root"]``, Drive's
    MyDrive in Colab) whose lines the app's Lyrics box starts with (blank: an ``.lrc`` next to
    the song, or its tags).
    ``interpolate`` (1-4) and ``upscale`` (1, 2, 4), with their model files (blank:
    minterpolate and Lanczos), finish the video (None: the file's).

    Raises
    ------
    UserError
        For a missing settings file, an unknown preset or a bad value (naming it).
    """
    from ..settings import load_preset, parse_settings_text, resolve_settings, settings_to_dict

    output_dir = (Path(output_folder.strip()).expanduser() if output_folder.strip()
                  else Path(folders["outputs"]))
    data: dict[str, Any] = {}
    source = settings_file.strip()
    if source:
        path = Path(source).expanduser()
        if not path.is_file():
            raise UserError(f"Settings file '{source}' does not exist; check the path (it is "
                            f"relative to {Path.cwd()}).")
        data = parse_settings_text(path.read_text(encoding="utf-8"), name=source)
    preset = (preset or "").strip()
    if preset and preset.lower() != "none":
        for key in load_preset(preset):
            data.pop(key, None)
        data["preset"] = preset
    chosen_model = model.strip() or (str(checkpoint) if checkpoint else "")
    form = {"model": chosen_model or None, "fps": fps, "width": width, "height": height,
            "keep_frames": keep_frames.strip() or None, "captions": captions.strip() or None,
            "lyrics_prompts": lyrics_prompts,
            "lyrics": _lyrics_file(lyrics_file, Path(folders["root"])),
            "interpolate": interpolate,
            "interpolation_model": interpolation_model.strip() or None, "upscale": upscale,
            "upscale_model": upscale_model.strip() or None}
    data.update({key: value for key, value in form.items() if value is not None})
    output_dir.mkdir(parents=True, exist_ok=True)
    target = output_dir / "notebook_settings.yaml"
    _write_yaml(target, data, header=f"Written by the notebook from {source or 'the defaults'} "
                                     "and its Settings form.")
    settings = resolve_settings(file=target)
    chosen = settings_to_dict(settings)
    print(f"Model: {chosen['model']}\nMotion preset: {chosen['preset'] or 'none'}\n"
          f"{chosen['fps']:g} fps, {chosen['width']}x{chosen['height']}\n"
          f"Keep frames: {chosen['keep_frames']}\n"
          f"Lyrics: {chosen['lyrics'] or 'an .lrc next to the song, or its tags'}; captions: "
          f"{chosen['captions']}; prompts from the lyrics: "
          f"{'yes' if chosen['lyrics_prompts'] else 'no'}\n"
          f"Video: x{chosen['interpolate']} frames per second, x{chosen['upscale']} size\n"
          f"Videos: {output_dir}\nSettings file: {target}")
    return NotebookSettings(output_dir=output_dir, settings_file=target, model=chosen["model"])


def _lyrics_file(given: str, root: Path) -> str | None:
    """The form's lyrics file as an absolute path (relative: in ``root``), checked (a clear
    LyricsError for a missing or broken file); None when blank."""
    from ..lyrics import read_lyrics_file

    text = given.strip()
    if not text:
        return None
    if text.lower() == "none":
        return "none"
    path = Path(text.removeprefix("MyDrive/")).expanduser()
    path = path if path.is_absolute() else root / path
    read_lyrics_file(path)
    return str(path)


def _write_yaml(path: Path, data: Mapping[str, Any], *, header: str) -> None:
    import yaml

    text = f"# {header}\n" + yaml.safe_dump(dict(data), sort_keys=False, allow_unicode=True)
    tmp = path.with_name(f".{path.name}.part")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def launch_app(*, output_dir: str | os.PathLike[str], model: str | None = None,
               settings_file: str | os.PathLike[str] | None = None, share: bool = True,
               debug: bool = True, port: int | None = None, auth: str | None = None,
               environ: MutableMapping[str, str] = os.environ) -> Any:
    """Build the app and launch it; return the ``gr.Blocks`` app.

    In Colab: ``share`` gives a public link, which needs a login: ``auth`` ("USER:PASS"), else
    ``$MUSIC_VISUALIZER_AUTH``, else a generated password for user "music", printed once here
    (a notebook's output is shown only to its owner) and kept in ``environ`` so the app's
    messages redact it. ``debug`` blocks the cell and shows errors there.

    Elsewhere: no share link and no blocking; the app runs on localhost in a thread, and the
    caller stops it with ``app.close()``.
    """
    from .app import auth_from, build_app, launch

    colab = in_colab()
    login = auth_from(auth, environ)
    if colab and share and login is None:
        login = ("music", _secrets.token_urlsafe(9))
        environ["MUSIC_VISUALIZER_AUTH"] = f"{login[0]}:{login[1]}"
        print(f"The app's login: user {login[0]}, password {login[1]}\n(shown only here; to "
              "choose your own, add the secret MUSIC_VISUALIZER_AUTH as USER:PASSWORD.)")
    elif colab and share:
        print(f"The app's login: user {login[0]}, with the password of MUSIC_VISUALIZER_AUTH.")
    app = build_app(output_dir=Path(output_dir), model=model,
                    settings_file=Path(settings_file) if settings_file else None)
    if colab:
        print("Starting the app; the public link appears below. Stop this cell to stop it.",
              flush=True)
        launch(app, output_dir=Path(output_dir), port=port, share=share, auth=login,
               debug=debug, block=True)
        return app
    if share:
        print("Not in Colab: skipping the public share link; the app runs on this computer.")
    url = launch(app, output_dir=Path(output_dir), port=port, share=False, auth=login,
                 debug=False, block=False)
    print(f"The app: {url}  (app.close() stops it)")
    return app
