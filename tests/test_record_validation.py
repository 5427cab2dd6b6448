"""An edited or damaged run record (``<timestring>_settings.json``) is refused on resume and on
``video`` with exit 2 and a line naming the field, and every file of the run stays as it was."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from music_visualizer.errors import RunError
from music_visualizer.runs.record import load_run_record
from music_visualizer.runs.store import list_runs
from tests.conftest import run_cli, run_main

# one worker: the module's run is rendered once
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("record_validation")]

N_FRAMES = 8  # 2 s at 4 fps
KEPT = 5  # frames left on disk: a resume would render the rest


@pytest.fixture(scope="module")
def finished_run(song, tmp_path_factory) -> tuple[Path, str]:
    """A real preview run of the click song: (run folder, timestring)."""
    root = tmp_path_factory.mktemp("record_run")
    result = run_cli("render", "--audio", song, "--renderer", "preview", "--fps", 4,
                     "--duration", 2, "--width", 64, "--height", 48, "--seed", 7,
                     "--zoom", "0:(1.04)", "--prompt", "a red fox", "--prompt", "a blue whale",
                     "--no-video", "--output-dir", root)
    assert result.returncode == 0, result.stderr
    record = next(root.rglob("*_settings.json"))
    assert len(list(record.parent.glob("*_0000[0-9].png"))) == N_FRAMES
    return record.parent, record.name[:14]


@pytest.fixture
def partial_run(finished_run, tmp_path) -> tuple[Path, Path, str]:
    """A copy of the run under ``tmp_path`` with its last frames removed: (root, folder, ts)."""
    folder, ts = finished_run
    copy = tmp_path / "out" / folder.parent.name / folder.name
    shutil.copytree(folder, copy)
    for index in range(KEPT, N_FRAMES):
        (copy / f"{ts}_{index:05d}.png").unlink()
    return tmp_path / "out", copy, ts


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """An edit setting ``record[a][b][c] = value`` for ``path`` "a.b.c" (ints index lists)."""
    def edit(record: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = record
        for key in parents:
            target = target[int(key)] if key.isdigit() else target[key]
        target[int(last) if last.isdigit() else last] = value
    return edit


def _shorten(column: str) -> Callable[[dict[str, Any]], None]:
    def edit(record: dict[str, Any]) -> None:
        del record["plan"]["columns"][column][-3:]
    return edit


def _fps_everywhere(record: dict[str, Any]) -> None:
    record["settings"]["fps"] = record["fps"] = 12.0  # the plan still has 8 frames at 4 fps


EDITS: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    "column_shorter_than_run": (_shorten("zoom"), "plan.columns.zoom: has 5 values"),
    "seed_column_shorter": (_shorten("seed"), "plan.columns.seed: has 5 values"),
    "prompt_index_out_of_range": (_set("plan.prompt_index.6", 9),
                                  "plan.prompt_index[6]: 9 is out of range"),
    "prompt_index_negative": (_set("plan.prompt_index.2", -1), "plan.prompt_index[2]"),
    "prompt_index_shorter": (lambda r: r["plan"]["prompt_index"].pop(), "plan.prompt_index"),
    "zoom_nan": (_set("plan.columns.zoom.6", float("nan")),
                 "plan.columns.zoom[6]: nan is not a finite number"),
    "zoom_negative": (_set("plan.columns.zoom.6", -1.04), "plan.columns.zoom: frame 6"),
    "zoom_text": (_set("plan.columns.zoom.6", "1.04"), "plan.columns.zoom[6]"),
    "strength_above_1": (_set("plan.columns.strength.5", 1.5), "plan.columns.strength: frame 5"),
    "steps_zero": (_set("plan.columns.steps.7", 0), "plan.columns.steps: frame 7"),
    "seed_too_large": (_set("plan.columns.seed.5", 2**40), "plan.columns.seed[5]"),
    "prompt_table_damaged": (_set("plan.prompt_table.1", "a blue whale"),
                             "plan.prompt_table[1]"),
    "plan_width_differs": (_set("plan.width", 128), "plan.width"),
    "fps_differs_from_settings": (_set("fps", 12.0), "fps: 12.0 differs from settings.fps"),
    "fps_changed_everywhere": (_fps_everywhere, "n_frames: 8 is not the 24 frames"),
    "n_frames_differs": (_set("n_frames", 6), "n_frames: 6 is not the 8 frames"),
    "setting_out_of_range": (_set("settings.width", 65), "settings.width: 65"),
    "unknown_setting": (_set("settings.zooom", "0:(1)"), "unknown setting 'zooom'"),
    "seed_unresolved": (_set("settings.seed", -1), "settings.seed"),
    "song_damaged": (_set("song", "Click Song"), "song: missing, or not a mapping"),
}


def _edit_record(folder: Path, ts: str, edit: Callable[[dict[str, Any]], None]) -> None:
    path = folder / f"{ts}_settings.json"
    record = json.loads(path.read_text())
    edit(record)
    path.write_text(json.dumps(record, indent=1))  # NaN is written as NaN, as Python reads it


def _check_refused(result, *needles: str) -> None:
    assert result.returncode == 2, (result.stdout[-1000:], result.stderr[-2000:])
    err = result.stderr.strip()
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    for needle in needles:
        assert needle in err, err


@pytest.mark.parametrize("case", list(EDITS))
def test_resume_refuses_an_edited_record_naming_the_field_and_keeps_every_file(
        case, song, partial_run, capsys):
    root, folder, ts = partial_run
    edit, field = EDITS[case]
    _edit_record(folder, ts, edit)
    before = _snapshot(folder)
    # in this process (the damaged-file and video refusals below run in real processes)
    result = run_main(capsys, "render", "--audio", song, "--output-dir", root, "--resume", ts)
    _check_refused(result, f"Run {ts} cannot be used: ", field, "no frame was changed")
    assert _snapshot(folder) == before  # every frame (and the record) byte for byte


def test_the_untouched_record_resumes(song, partial_run):
    root, folder, ts = partial_run
    result = run_cli("render", "--audio", song, "--output-dir", root, "--resume", ts,
                     "--no-video")
    assert result.returncode == 0, result.stderr
    assert len(list(folder.glob(f"{ts}_0000[0-9].png"))) == N_FRAMES
    assert load_run_record(folder, ts).n_frames == N_FRAMES


@pytest.mark.parametrize(("text", "needle"), [
    ('{"plan": ' + "[" * 100_000 + "]" * 100_000 + "}", "levels deep"),
    ('{"n_frames": 8, "plan": {"columns": ', "is malformed at line 1"),
    ("[1, 2, 3]", "is not a mapping"),
    ('{"n_frames": ' + "9" * 5000 + "}", "cannot be read"),
], ids=["nested_100000_deep", "truncated", "not_a_mapping", "number_of_5000_digits"])
def test_resume_refuses_a_damaged_record_file(text, needle, song, partial_run):
    root, folder, ts = partial_run
    (folder / f"{ts}_settings.json").write_text(text)
    before = _snapshot(folder)
    result = run_cli("render", "--audio", song, "--output-dir", root, "--resume", ts,
                     timeout=120)
    _check_refused(result, f"settings file of run {ts}", needle)
    assert _snapshot(folder) == before


def test_video_refuses_an_edited_record(song, partial_run):
    _, folder, ts = partial_run
    _edit_record(folder, ts, _set("plan.columns.zoom.1", float("inf")))
    before = _snapshot(folder)
    result = run_cli("video", folder, "--timestring", ts, "--audio", song)
    _check_refused(result, "plan.columns.zoom[1]: inf is not a finite number")
    assert _snapshot(folder) == before


def test_listing_runs_skips_a_hostile_record(partial_run):
    _, folder, ts = partial_run
    assert [run.timestring for run in list_runs(folder)] == [ts]
    other = "20200101000000"
    (folder / f"{other}_settings.json").write_text('{"n_frames": ' + "[" * 100_000 + "]" * 100_000
                                                   + "}")
    assert [run.timestring for run in list_runs(folder)] == [ts]
    with pytest.raises(RunError, match="levels deep"):
        load_run_record(folder, other)
