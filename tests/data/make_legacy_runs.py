"""Make ``tests/data/legacy_runs/``: run folders stopped part-way by one version of the package,
and the frames an uninterrupted run of that version gives, for ``tests/test_legacy_runs.py``.

Run it once with the version whose runs later versions must keep resuming, and commit the output
(never regenerate it with a newer version: that would test nothing):

    python -m tests.data.make_legacy_runs

Four cases, one per mode: 2D and 3D (the preview renderer, cadence, perlin noise, a tiny random
depth model), walk (a tiny random Stable Diffusion) and GAN (a tiny random BigGAN). The tiny
models are rebuilt by the test from ``tests/tiny_models.py`` with the same seeds; their weight
files' SHA-256 are kept in the manifest so a changed builder is named, not mistaken for a
resume bug.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf

from music_visualizer import __version__
from music_visualizer.runs.job import RenderRequest, render
from music_visualizer.settings import settings_from_dict
from tests.conftest import click_song

OUT = Path(__file__).resolve().parent / "legacy_runs"
WALK_INTERVALS = [
    {"start": 0, "end": 1.5, "prompt_start": "a red forest", "prompt_end": "a blue ocean",
     "kind": "transition", "seed": 11},
    {"start": 1.5, "end": 2.5, "prompt_start": "a blue ocean", "kind": "hold", "seed": 12},
]
CASES: dict[str, dict] = {
    "2d": {"stop_after": 7, "models": {}, "settings": {
        "renderer": "preview", "width": 64, "height": 48, "fps": 6, "duration": 2.5, "seed": 4,
        "zoom": "0:(1.04)", "angle": "0:(3)", "translation_x": "0:(1.5)",
        "diffusion_cadence": 2, "noise_type": "perlin", "amount_schedule": "0:(0.3)"}},
    "3d": {"stop_after": 5, "models": {"depth_model": "make_tiny_depth"}, "settings": {
        "mode": "3D", "renderer": "preview", "width": 48, "height": 48, "fps": 4,
        "duration": 2.5, "seed": 4, "translation_z": "0:(3)", "rotation_3d_y": "0:(1.5)",
        "diffusion_cadence": 2, "save_depth_maps": True}},
    "walk": {"stop_after": 3, "drop": [3], "models": {"model": "make_tiny_sd"}, "settings": {
        "mode": "walk", "width": 64, "height": 64, "fps": 4, "steps": 2, "seed": 5,
        "batch_size": 2, "intervals": WALK_INTERVALS}},
    "gan": {"stop_after": 5, "drop": [5], "models": {"gan_model": "make_tiny_biggan"},
            "settings": {"mode": "gan", "width": 48, "height": 32, "fps": 6, "seed": 4,
                         "duration": 2.5, "batch_size": 3}},
}


def weights_digest(folder: Path) -> str:
    """SHA-256 over a model folder's weight files (name and bytes), in name order."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.suffix in (".safetensors", ".bin"):
            digest.update(path.relative_to(folder).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def build_models(case: dict, where: Path) -> dict[str, Path]:
    """The case's tiny models, built in ``where``: setting name -> folder."""
    from tests import tiny_models

    return {key: getattr(tiny_models, builder)(where / key)
            for key, builder in case["models"].items()}


def main() -> None:
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    song = OUT / "song.flac"
    sf.write(song, click_song(2.5, seed=3), 22050)
    manifest = {"version": __version__, "song": song.name, "cases": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for name, case in CASES.items():
            models = build_models(case, Path(tmp) / name)
            settings = settings_from_dict({**case["settings"],
                                           **{k: str(v) for k, v in models.items()}})
            whole = render(RenderRequest(audio=song, settings=settings, make_video=False,
                                         output_dir=Path(tmp) / name / "whole"))
            expected = OUT / name / "expected"
            expected.mkdir(parents=True)
            for i in range(whole.n_frames):
                shutil.copy(whole.folder / f"{whole.timestring}_{i:05d}.png",
                            expected / f"{i:05d}.png")
            reported = [0]
            part = render(RenderRequest(audio=song, settings=settings, make_video=False,
                                        output_dir=OUT / name / "partial"),
                          on_frame=lambda i, s, r=reported: r.__setitem__(0, r[0] + 1),
                          should_stop=lambda r=reported, n=case["stop_after"]: r[0] >= n)
            assert part.stopped and part.rendered < whole.n_frames
            for index in case.get("drop", []):  # as a kill mid-batch leaves the run
                (part.folder / f"{part.timestring}_{index:05d}.png").unlink()
            manifest["cases"][name] = {
                "timestring": part.timestring,
                "folder": part.folder.relative_to(OUT / name / "partial").as_posix(),
                "n_frames": whole.n_frames, "rendered": part.rendered,
                "dropped": case.get("drop", []),
                "models": {k: {"builder": case["models"][k], "sha256": weights_digest(v)}
                           for k, v in models.items()}}
            print(f"{name}: {part.rendered - len(case.get('drop', []))} of {whole.n_frames} "
                  f"frames kept, run {part.timestring}")
    assert np.all([p.stat().st_size > 0 for p in OUT.rglob("*.png")])
    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")


if __name__ == "__main__":
    main()
