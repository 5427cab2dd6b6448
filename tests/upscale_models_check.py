"""The upscaler with real spandrel models, run by a Python where ``import spandrel`` works.

    PYTHONPATH=<repo> <venv>/bin/python tests/upscale_models_check.py OUT.json

spandrel needs torchvision, and PyPI's torchvision needs PyPI's (CUDA) torch, so the main suite
(CPU torch, pinned) cannot import it. ``.ci/spandrel_venv`` makes a venv beside it (system site
packages, plus torch, torchvision and spandrel from PyPI; they run on the CPU) and tests/
test_upscale.py runs this script with its python; :func:`spandrel_python` finds that venv.

The script builds random-weight models with spandrel's own architecture classes (an ESRGAN
RRDBNet 4x and 2x, a Real-ESRGAN SRVGGNetCompact 2x), saves them as ``.pth`` (also wrapped in
``params_ema`` as Real-ESRGAN's releases are) and ``.safetensors``, loads them through
:func:`~music_visualizer.finishing.upscale.load_upscaler` and writes what it measured (sizes,
differences, tile counts, error messages) as JSON for the tests to judge.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

#: Where ``.ci/spandrel_venv`` puts the venv unless MUSIC_VISUALIZER_SPANDREL_VENV says otherwise.
DEFAULT_VENV = Path.home() / ".cache" / "music_visualizer-ci" / "spandrel-venv"
HOW_TO = ("no Python with spandrel and torchvision: run `.ci/spandrel_venv` (a venv in "
          f"{DEFAULT_VENV} with torch, torchvision and spandrel from PyPI, about 2 minutes and "
          "3 GB) or set MUSIC_VISUALIZER_SPANDREL_PYTHON to such a python")


def spandrel_python() -> str | None:
    """The python of the spandrel venv ($MUSIC_VISUALIZER_SPANDREL_PYTHON, else the default)."""
    given = os.environ.get("MUSIC_VISUALIZER_SPANDREL_PYTHON")
    venv = Path(os.environ.get("MUSIC_VISUALIZER_SPANDREL_VENV", DEFAULT_VENV))
    candidate = Path(given) if given else venv / "bin" / "python"
    return str(candidate) if candidate.is_file() else None


def _calibrate(model, size: tuple[int, int] = (24, 24)) -> None:
    """Scale the last conv so the random model's output spreads around 0.5 (not all clamped)."""
    import torch

    last = [m for m in model.modules() if isinstance(m, torch.nn.Conv2d)][-1]
    generator = torch.Generator().manual_seed(1)
    with torch.no_grad():
        y = model(torch.rand(1, 3, *size, generator=generator))
        gain = 0.2 / max(float(y.std()), 1e-6)
        last.weight.mul_(gain)
        last.bias.mul_(gain).add_(0.5 - float(y.mean()) * gain)


def build_models(folder: Path) -> dict[str, Path]:
    """Random-weight models saved as users get them: name -> file."""
    import torch
    from safetensors.torch import save_file
    from spandrel.architectures.Compact import Compact
    from spandrel.architectures.ESRGAN import ESRGAN

    torch.manual_seed(0)
    esr4 = ESRGAN(num_filters=8, num_blocks=1, scale=4).eval()
    esr2 = ESRGAN(num_filters=8, num_blocks=1, scale=2).eval()
    compact = Compact(num_feat=8, num_conv=2, upscale=2).eval()
    restore = Compact(num_feat=8, num_conv=2, upscale=1).eval()
    for model in (esr4, esr2, compact, restore):
        _calibrate(model)
    files = {name: folder / name for name in (
        "esrgan4.pth", "esrgan4.safetensors", "esrgan4_ema.pth", "esrgan2.pth",
        "compact2.safetensors", "compact2_params.pth", "restore1.pth", "unknown.pth",
        "garbage.pth")}
    torch.save(esr4.state_dict(), files["esrgan4.pth"])
    save_file({k: v.contiguous() for k, v in esr4.state_dict().items()},
              files["esrgan4.safetensors"])
    torch.save({"params_ema": esr4.state_dict()}, files["esrgan4_ema.pth"])
    torch.save(esr2.state_dict(), files["esrgan2.pth"])
    save_file(compact.state_dict(), files["compact2.safetensors"])
    torch.save({"params": compact.state_dict()}, files["compact2_params.pth"])
    torch.save(restore.state_dict(), files["restore1.pth"])
    torch.save({"encoder.weight": torch.zeros(4, 4)}, files["unknown.pth"])
    files["garbage.pth"].write_bytes(b"not a model at all")
    return files


def _max_diff(a, b) -> float:
    return float((a - b).abs().max())


def check_sizes_and_names(files: dict[str, Path], frame) -> dict:
    """Each model at 2x and 4x: output size, range, spread and name."""
    from music_visualizer.finishing.upscale import load_upscaler

    out = {}
    _, _, h, w = frame.shape
    for name in ("esrgan4.pth", "esrgan2.pth", "compact2.safetensors"):
        for scale in (2, 4):
            upscaler = load_upscaler(scale, str(files[name]), device="cpu")
            y = upscaler(frame)
            out[f"{name}@{scale}"] = {
                "shape": list(y.shape), "expected": [1, 3, h * scale, w * scale],
                "min": float(y.min()), "max": float(y.max()), "std": float(y.std()),
                "name": upscaler.name, "scale": upscaler.scale}
    return out


def check_faithful(files: dict[str, Path], frame) -> dict:
    """The upscaler's output against spandrel's own call of the same model (untiled)."""
    import spandrel

    from music_visualizer.finishing.upscale import lanczos_resize, load_upscaler

    _, _, h, w = frame.shape
    esr4 = spandrel.ModelLoader().load_from_file(files["esrgan4.pth"])
    compact = spandrel.ModelLoader().load_from_file(files["compact2.safetensors"])
    direct4 = esr4(frame)
    return {
        "esrgan4_at_4": _max_diff(load_upscaler(4, str(files["esrgan4.pth"]))(frame), direct4),
        "esrgan4_at_2_is_lanczos_of_4x": _max_diff(
            load_upscaler(2, str(files["esrgan4.pth"]))(frame),
            lanczos_resize(direct4, h * 2, w * 2).clamp(0, 1)),
        "compact2_at_4_is_twice": _max_diff(
            load_upscaler(4, str(files["compact2.safetensors"]))(frame), compact(compact(frame))),
        "formats_esrgan4_safetensors": _max_diff(
            load_upscaler(4, str(files["esrgan4.safetensors"]))(frame), direct4),
        "formats_esrgan4_params_ema": _max_diff(
            load_upscaler(4, str(files["esrgan4_ema.pth"]))(frame), direct4),
        "formats_compact2_params": _max_diff(
            load_upscaler(2, str(files["compact2_params.pth"]))(frame), compact(frame)),
    }


def check_tiling(files: dict[str, Path], frame) -> dict:
    """Tiled (32 px tiles, 16 px overlap) against untiled, and twice the same call and load."""
    import dataclasses

    from music_visualizer.finishing.upscale import load_upscaler

    out = {}
    for name, scale in (("esrgan4.pth", 4), ("esrgan4.pth", 2), ("compact2.safetensors", 2),
                        ("esrgan2.pth", 4)):
        whole = load_upscaler(scale, str(files[name]))
        tiled = dataclasses.replace(whole, tile=32, overlap=16)
        y_whole, y_tiled = whole(frame), tiled(frame)
        again = load_upscaler(scale, str(files[name]))
        out[f"{name}@{scale}"] = {
            "tiled_vs_whole": _max_diff(y_tiled, y_whole),
            "mean_abs_tiled_vs_whole": float((y_tiled - y_whole).abs().mean()),
            "same_call_twice": _max_diff(tiled(frame), y_tiled),
            "same_after_reload": _max_diff(dataclasses.replace(again, tile=32, overlap=16)(frame),
                                           y_tiled)}
    return out


def check_bounded(files: dict[str, Path]) -> dict:
    """Model calls and their largest activation for a frame and one of 4x its area."""
    import dataclasses

    import torch

    from music_visualizer.finishing.upscale import load_upscaler

    upscaler = dataclasses.replace(load_upscaler(4, str(files["esrgan4.pth"])), tile=32,
                                   overlap=8)
    seen = {"calls": 0, "largest_input": 0, "largest_activation": 0}

    def on_input(_module, args) -> None:
        seen["calls"] += 1
        seen["largest_input"] = max(seen["largest_input"], *args[0].shape[-2:])

    def on_output(_module, _args, output) -> None:
        seen["largest_activation"] = max(seen["largest_activation"], output.numel())

    model = upscaler.net.model
    model.register_forward_pre_hook(on_input)
    for module in model.modules():
        module.register_forward_hook(on_output)
    out = {}
    for h, w in ((48, 64), (96, 128)):
        seen.update(calls=0, largest_input=0, largest_activation=0)
        upscaler(torch.rand(1, 3, h, w, generator=torch.Generator().manual_seed(2)))
        out[f"{h}x{w}"] = dict(seen)
    return out


def check_errors(files: dict[str, Path]) -> dict:
    """The one-sentence ModelError of each bad model file."""
    from music_visualizer.errors import ModelError
    from music_visualizer.finishing.upscale import load_upscaler

    out = {}
    for name in ("restore1.pth", "unknown.pth", "garbage.pth"):
        try:
            load_upscaler(2, str(files[name]))
            out[name] = None
        except ModelError as e:
            out[name] = str(e)
    return out


def check_hub(files: dict[str, Path], cache: Path, frame) -> dict:
    """A Hub file ``owner/repo/file.pth`` found in the Hub cache with downloads off."""
    import shutil

    from music_visualizer.finishing.upscale import load_upscaler

    commit = "0123456789abcdef0123456789abcdef01234567"
    repo = cache / "models--someone--upscalers"
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text(commit)
    (repo / "snapshots" / commit / "x4").mkdir(parents=True)
    shutil.copy(files["esrgan4.pth"], repo / "snapshots" / commit / "x4" / "esrgan4.pth")
    upscaler = load_upscaler(4, "someone/upscalers/x4/esrgan4.pth")
    direct = load_upscaler(4, str(files["esrgan4.pth"]))
    return {"name": upscaler.name, "vs_local": _max_diff(upscaler(frame), direct(frame))}


def main(argv: list[str]) -> int:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="mv-upscale-") as tmp:
        cache = Path(tmp) / "hub"
        # before huggingface_hub is imported: it reads them once
        os.environ.update(HF_HUB_OFFLINE="1", HF_HUB_CACHE=str(cache))
        import torch

        torch.set_num_threads(1)
        frame = torch.rand(1, 3, 40, 56, generator=torch.Generator().manual_seed(0))
        files = build_models(Path(tmp))
        report = {"torch": torch.__version__, "sizes": check_sizes_and_names(files, frame),
                  "faithful": check_faithful(files, frame), "tiling": check_tiling(files, frame),
                  "bounded": check_bounded(files), "errors": check_errors(files),
                  "hub": check_hub(files, cache, frame)}
    Path(argv[0]).write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
