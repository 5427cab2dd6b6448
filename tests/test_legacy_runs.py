"""A run started by an earlier version of the package resumes with this one to the frames that
version gives uninterrupted (2D, 3D, walk and GAN; exactly on the machine that made them, to the
last rounding of the float kernels on another kind of CPU). The run folders in
``tests/data/legacy_runs`` were made once by ``tests/data/make_legacy_runs.py`` with version 0.1.0
before the package was reorganised, and are never regenerated."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from music_visualizer.runs.job import RenderRequest, render
from tests.data.make_legacy_runs import build_models, weights_digest
from tests.resume_check import frames

DATA = Path(__file__).resolve().parent / "data" / "legacy_runs"
MANIFEST = json.loads((DATA / "manifest.json").read_text())
MODEL_KEYS_AT_TOP = ("model",)  # repeated at the record's top level
# builders whose weights come out of float computation (BigGAN's spectral norms refined by
# forward passes), so their bytes depend on the CPU's kernels: their digest is not compared;
# the frames they render are (within the same rounding as the others)
CPU_ROUNDED_BUILDERS = frozenset({"make_tiny_biggan"})


def _point_record_at(record_path: Path, models: dict[str, Path]) -> None:
    """The user moved the models: the record's paths are edited to where they are now."""
    record = json.loads(record_path.read_text())
    for key, folder in models.items():
        record["settings"][key] = str(folder)
        if key in MODEL_KEYS_AT_TOP:
            record[key] = str(folder)
    record_path.write_text(json.dumps(record, indent=1))


@pytest.mark.parametrize("name", sorted(MANIFEST["cases"]))
def test_a_run_of_the_previous_version_resumes_to_its_frames(name, tmp_path):
    case = MANIFEST["cases"][name]
    shutil.copytree(DATA / name / "partial", tmp_path / "out")
    song = Path(shutil.copy(DATA / MANIFEST["song"], tmp_path / MANIFEST["song"]))
    folder, ts = tmp_path / "out" / case["folder"], case["timestring"]
    models = build_models({"models": {k: v["builder"] for k, v in case["models"].items()}},
                          tmp_path / "models")
    for key, folder_ in models.items():
        builder = case["models"][key]["builder"]
        if builder in CPU_ROUNDED_BUILDERS:
            continue  # its weights differ in the last bits from one CPU to another (below)
        assert weights_digest(folder_) == case["models"][key]["sha256"], (
            f"tests/tiny_models.py no longer builds the {key} the legacy runs were made with")
    if models:
        _point_record_at(folder / f"{ts}_settings.json", models)
    kept = len(frames(folder, ts))
    assert kept == case["rendered"] - len(case["dropped"]) < case["n_frames"]

    result = render(RenderRequest(audio=song, output_dir=tmp_path / "out", resume=ts,
                                  make_video=False))
    assert not result.stopped and result.folder == folder
    assert result.rendered == case["n_frames"] - kept
    expected = [np.asarray(Image.open(p)) for p in sorted((DATA / name / "expected").glob("*.png"))]
    assert len(expected) == case["n_frames"]
    context = f"({name} run of {MANIFEST['version']})"
    # the expected frames were rendered on another machine: float kernels (a model's, and the
    # 2D warp's) round by the CPU they run on (AVX-512 or AVX2), which moves a rare pixel by a
    # level; the same machine's resume is exact (tests/test_resume*, test_damaged_frames)
    actual = frames(folder, ts)
    assert len(actual) == len(expected), f"{len(actual)} frames, not {len(expected)} {context}"
    for i, (x, y) in enumerate(zip(expected, actual, strict=True)):
        diff = np.abs(x.astype(np.int16) - y.astype(np.int16))
        assert x.shape == y.shape and diff.max() <= 2 and (diff > 0).mean() <= 1e-3, (
            f"frame {i} differs {context}: {(diff > 0).mean():.2%} of values, up to {diff.max()}")
