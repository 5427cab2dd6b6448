"""The run record (``<timestring>_settings.json``) as a typed, versioned :class:`RunRecord`: it
writes the JSON the untyped record of version 0.1.0 wrote, key for key and byte for byte, reads
that version's records back (upgraded through the migration table when the format moves on) and
refuses a damaged one naming the field."""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from music_visualizer import __version__
from music_visualizer.audio.analysis import AudioAnalysis, Section
from music_visualizer.audio.load import AudioInfo
from music_visualizer.errors import RunError
from music_visualizer.modes.plan import Plan, build_plan
from music_visualizer.runs import record as record_module
from music_visualizer.runs import store
from music_visualizer.runs.record import RECORD_FORMAT, RunRecord, Song, migrate
from music_visualizer.runs.store import find_run
from music_visualizer.settings import Settings, settings_from_dict, settings_to_dict

LEGACY = Path(__file__).resolve().parent / "data" / "legacy_runs"
LEGACY_RECORDS = sorted(LEGACY.glob("*/partial/*/*/*_settings.json"))
#: Settings declared after version 0.1.0 (a record written back gains them, at these values).
SETTINGS_SINCE_0_1_0 = {"keep_frames": "all", "captions": "none", "lyrics": "",
                        "lyrics_prompts": False, "caption_font": "",
                        "caption_position": "bottom", "caption_size": 0.06,
                        "caption_outline": 0.1, "caption_highlight": "#ffd200",
                        "lyrics_model": "openai/whisper-small", "section_overlap": 0.5,
                        "interpolate": 1, "interpolation_model": "",
                        "interpolation_engine": "auto", "upscale": 1, "upscale_model": ""}


def _json_bytes(data: Any) -> bytes:
    """What :func:`~music_visualizer.runs.store.atomic_write_json` writes."""
    return (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode()


def _record_of_0_1_0(timestring: str, song: str, info: AudioInfo, digest: str,
                     settings: Settings, plan: Plan, analysis: AudioAnalysis,
                     created: str) -> dict[str, Any]:
    """The record as ``render_job._record`` of version 0.1.0 built it (copied verbatim, but
    for ``created``, which it took from the clock)."""
    return {
        "format": 1,
        "package": "music_visualizer",
        "version": __version__,
        "timestring": timestring,
        "created": created,
        "song": {"name": song, "audio": str(Path(info.path).resolve()), "audio_hash": digest,
                 "audio_duration": info.duration},
        "model": settings.model,
        "seed": settings.seed,
        "fps": settings.fps,
        "width": settings.width,
        "height": settings.height,
        "duration": settings.duration,
        "start": settings.start,
        "n_frames": plan.n_frames,
        "settings": settings_to_dict(settings),
        "analysis": {"version": analysis.version, "tempo": analysis.tempo, "key": analysis.key,
                     "beat_tracker": analysis.beat_tracker,
                     "sections": [[s.start, s.end, s.label] for s in analysis.sections]},
        "plan": plan.to_dict(),
    }


def _analysis() -> AudioAnalysis:
    return AudioAnalysis(duration=6.0, sample_rate=22050, tempo=np.float64(120.1871),
                         beats=np.arange(12) / 2, downbeats=np.arange(3) * 2.0,
                         onsets=np.arange(12) / 2, key="A minor",
                         sections=(Section(0.0, 2.5, "A"), Section(2.5, 6.0, "B")),
                         feature_rate=43.0)


@pytest.mark.parametrize("overrides", [
    {},
    {"mode": "3D", "diffusion_cadence": 3, "translation_z": "0:(2)", "start": 0.5},
    {"prompts": ["a red fox", "a blue whale --neg blurry"], "negative_prompt": "text",
     "seed_behavior": "random", "zoom": "0:(1 + 0.1*sin(t))"},
], ids=["defaults", "3d_cadence", "prompts_random_seeds"])
def test_a_new_record_writes_the_json_of_version_0_1_0_byte_for_byte(overrides, tmp_path):
    settings = settings_from_dict({"fps": 6, "duration": 2.5, "width": 64, "height": 48,
                                   "seed": 4, **overrides})
    plan = build_plan(settings, n_frames=15, seed=settings.seed)
    info = AudioInfo(path=str(tmp_path / "Click Song.wav"), duration=6.0, sample_rate=22050,
                     channels=1)
    analysis, digest = _analysis(), "ab" * 32
    created = _dt.datetime(2026, 12, 6, 19, 36, 37).isoformat(timespec="seconds")
    expected = _record_of_0_1_0("20261206193637", "Click Song", info, digest, settings, plan,
                                analysis, created)
    record = RunRecord.new(timestring="20261206193637",
                           song=Song("Click Song", str(Path(info.path).resolve()), digest, 6.0),
                           settings=settings, plan=plan, analysis=analysis, created=created)
    assert list(record.to_json()) == list(expected)
    assert _json_bytes(record.to_json()) == _json_bytes(expected)
    assert RunRecord.new(timestring="20261206193637", song=record.song, settings=settings,
                         plan=plan, analysis=analysis).created  # the clock's by default


@pytest.mark.parametrize("path", LEGACY_RECORDS, ids=[p.parts[-5] for p in LEGACY_RECORDS])
def test_a_record_of_version_0_1_0_loads_and_is_written_back_byte_for_byte(path):
    record = RunRecord.load(path)
    data = json.loads(path.read_text())
    assert data["format"] == RECORD_FORMAT == record.format == 1
    assert record.timestring == path.name[:14] == data["timestring"]
    assert (record.model, record.seed, record.fps, record.width, record.height,
            record.duration, record.start, record.n_frames) == tuple(
        data[k] for k in ("model", "seed", "fps", "width", "height", "duration", "start",
                          "n_frames"))
    assert record.song.audio_hash == data["song"]["audio_hash"]
    assert record.analysis is not None and record.analysis.tempo == data["analysis"]["tempo"]
    assert record.version == "0.1.0" and record.settings.mode == data["settings"]["mode"]
    # written back byte for byte, but for the settings declared since, at their defaults
    written = json.loads(_json_bytes(record.to_json()))
    added = {k: v for k, v in written["settings"].items() if k not in data["settings"]}
    assert added == SETTINGS_SINCE_0_1_0
    assert list(data["settings"]) == [k for k in written["settings"] if k not in added]
    written["settings"] = {k: v for k, v in written["settings"].items() if k not in added}
    assert _json_bytes(written) == path.read_bytes()


def _legacy_data() -> dict[str, Any]:
    return json.loads(LEGACY_RECORDS[0].read_text())


def test_the_migration_table_upgrades_a_record_of_version_0_1_0_step_by_step(monkeypatch):
    def one_to_two(data: dict[str, Any]) -> dict[str, Any]:  # a format 2 renamed a key
        song = dict(data["song"])
        song["hash"] = song.pop("audio_hash")
        return {**data, "song": song}

    def two_to_three(data: dict[str, Any]) -> dict[str, Any]:  # and format 3 renamed it back
        song = dict(data["song"])
        song["audio_hash"] = song.pop("hash")
        return {**data, "song": song}

    data = _legacy_data()
    table = {1: one_to_two, 2: two_to_three}
    assert migrate(dict(data), current=1, migrations=table) == data  # today's format: as it is
    upgraded = migrate(dict(data), current=2, migrations=table)
    assert upgraded["format"] == 2 and upgraded["song"]["hash"] == data["song"]["audio_hash"]
    assert migrate(dict(data), current=3, migrations=table) == {**data, "format": 3}

    # RunRecord.from_dict applies the table before checking: a record of 0.1.0 still loads
    monkeypatch.setattr(record_module, "RECORD_FORMAT", 3)
    monkeypatch.setattr(record_module, "MIGRATIONS", table)
    record = RunRecord.from_dict(data)
    assert record.format == 3 and record.song.audio_hash == data["song"]["audio_hash"]
    assert record.to_json()["format"] == 3
    monkeypatch.setattr(record_module, "MIGRATIONS", {1: one_to_two, 2: lambda d: d})
    with pytest.raises(RunError, match=r"song\.audio_hash: None is not the text"):
        RunRecord.from_dict(data)  # an upgrade that loses a field is caught by the checks


def test_a_record_without_a_format_is_format_1_and_a_newer_format_is_refused():
    data = _legacy_data()
    del data["format"]
    assert RunRecord.from_dict(data).format == 1
    for bad in (2, 0, "1", True, None):
        with pytest.raises(RunError, match=rf"cannot be used: format: {bad!r} is not a record"):
            RunRecord.from_dict({**data, "format": bad})


def test_a_damaged_record_is_refused_naming_the_field_and_the_file(tmp_path):
    data = _legacy_data()
    ts = data["timestring"]
    data["plan"]["columns"]["zoom"][6] = float("nan")
    with pytest.raises(RunError) as caught:
        RunRecord.from_dict(data, path=tmp_path / f"{ts}_settings.json")
    assert str(caught.value) == (
        f"Run {ts} cannot be used: plan.columns.zoom[6]: nan is not a finite number in its "
        f"settings file '{tmp_path / f'{ts}_settings.json'}'; undo the edit or start a new run "
        "(no frame was changed).")
    data = _legacy_data()
    data["seed"] = 5
    with pytest.raises(RunError, match=r"seed: 5 differs from settings.seed \(4\)"):
        RunRecord.from_dict(data)
    with pytest.raises(RunError, match="has no settings file"):
        RunRecord.load(tmp_path / f"{ts}_settings.json")


def test_the_analysis_summary_is_informative_a_damaged_one_is_not_refused():
    data = _legacy_data()
    data["analysis"] = "lost"
    record = RunRecord.from_dict(data)
    assert record.analysis is None and record.n_frames == data["n_frames"]


def test_find_run_summarises_each_run_of_the_song_once(tmp_path, monkeypatch):
    data = _legacy_data()
    for folder_name, ts in (("song", "20261206193637"), ("Artist_-_song", "20261206193650")):
        folder = tmp_path / "2026-12" / folder_name
        folder.mkdir(parents=True)
        (folder / f"{ts}_settings.json").write_text(json.dumps({**data, "timestring": ts}))
    scanned: list[tuple[str, str]] = []
    real_scan = store.scan_frames

    def counting_scan(folder: Path, timestring: str, *args: Any, **kwargs: Any) -> Any:
        scanned.append((Path(folder).name, timestring))
        return real_scan(folder, timestring, *args, **kwargs)

    monkeypatch.setattr(store, "scan_frames", counting_scan)
    with pytest.raises(RunError) as caught:
        find_run(tmp_path, "song", "20261206193600", audio_digest=data["song"]["audio_hash"])
    assert ("Resumable runs of this song: 20261206193650, 20261206193637."
            in str(caught.value))
    assert sorted(scanned) == [("Artist_-_song", "20261206193650"), ("song", "20261206193637")]
