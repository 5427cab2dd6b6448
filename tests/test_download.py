"""spotdl as a separate program, tested against a fake spotdl (music_visualizer.sources.download).

The fake parses spotdl 4's options strictly (an option real spotdl lacks would fail here), logs
its arguments, and then writes a short mp3, a too-long mp3, fails, writes nothing or hangs,
as ``FAKE_SPOTDL_MODE`` says.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from music_visualizer.errors import UserError
from music_visualizer.sources import download
from music_visualizer.sources.download import (
    DownloadError,
    SpotdlMissingError,
    download_track,
    spotdl_command,
)
from music_visualizer.sources.track import TrackInfo

TRACK_ID = "0VjIjW4GlUZAMYd2vXMi3b"
URL = f"https://open.spotify.com/intl-de/track/{TRACK_ID}?si=b5c0790edc8f4904"

FAKE_SPOTDL = textwrap.dedent('''\
    #!{python}
    """A fake spotdl 4: same options, no network."""
    import argparse, json, os, re, sys, time

    parser = argparse.ArgumentParser(prog="spotdl")
    parser.add_argument("operation", choices=["download", "save", "web", "sync", "meta", "url"])
    parser.add_argument("query", nargs="+")
    parser.add_argument("--output")
    parser.add_argument("--format", choices=["mp3", "flac", "ogg", "opus", "m4a", "wav"])
    parser.add_argument("--overwrite", choices=["force", "skip", "metadata"])
    parser.add_argument("--ffmpeg")
    parser.add_argument("--print-errors", action="store_const", const=True)
    parser.add_argument("--simple-tui", action="store_const", const=True)
    parser.add_argument("--client-id")
    parser.add_argument("--client-secret")
    args = parser.parse_args()

    if os.environ.get("FAKE_SPOTDL_LOG"):
        with open(os.environ["FAKE_SPOTDL_LOG"], "a", encoding="utf-8") as log:
            log.write(json.dumps({{"argv": sys.argv[1:], "cwd": os.getcwd()}}) + "\\n")
    mode = os.environ.get("FAKE_SPOTDL_MODE", "ok")
    print("Processing query:", args.query[0], flush=True)
    if mode == "fail":
        print("argv was:", " ".join(sys.argv[1:]))
        print("LookupError: No results found for song: Some Artist - Some Song", file=sys.stderr)
        sys.exit(1)
    if mode == "nothing":
        print("Found 1 songs in 1 queries.")
        print("AudioProviderError: YT-DLP download error", file=sys.stderr)
        sys.exit(0)
    if mode == "hang":
        time.sleep(120)
    track_id = re.search(r"track[/:]([A-Za-z0-9]{{22}})", args.query[0]).group(1)
    path = args.output.replace("{{track-id}}", track_id).replace("{{output-ext}}", args.format)
    import numpy as np, soundfile as sf
    seconds = float(os.environ.get("FAKE_SPOTDL_SECONDS", "2.0"))
    t = np.arange(int(seconds * 22050)) / 22050
    sf.write(path, (0.2 * np.sin(2 * np.pi * 440 * t)).astype("float32"), 22050, format="MP3")
    print('Downloaded "Some Artist - Some Song":', path)
''')


@pytest.fixture
def fake_spotdl(tmp_path, monkeypatch) -> Path:
    """The fake spotdl program, pointed to by MUSIC_VISUALIZER_SPOTDL; returns its log file."""
    script = tmp_path / "bin" / "spotdl"
    script.parent.mkdir()
    script.write_text(FAKE_SPOTDL.format(python=sys.executable), encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    log = tmp_path / "spotdl.log"
    monkeypatch.setenv("MUSIC_VISUALIZER_SPOTDL", str(script))
    monkeypatch.setenv("FAKE_SPOTDL_LOG", str(log))
    monkeypatch.setenv("FAKE_SPOTDL_MODE", "ok")
    monkeypatch.delenv("SPOTIPY_CLIENT_ID", raising=False)
    monkeypatch.delenv("SPOTIPY_CLIENT_SECRET", raising=False)
    return log


def calls(log: Path) -> list[dict]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def track(duration: float | None = 2.0, **kw) -> TrackInfo:
    fields = {"name": 'AC/DC: "Back" in Black? 🎸 / ..', "artists": ("AC/DC",),
              "duration": duration, "id": TRACK_ID, "source": "spotify", **kw}
    return TrackInfo(**fields)


# --------------------------------------------------------------------------------------------
# Downloads
# --------------------------------------------------------------------------------------------


def test_download_runs_spotdl_and_reuses_the_file(fake_spotdl, tmp_path):
    out = tmp_path / "downloads"
    path, warning = download_track(track(), URL, out_dir=out)
    assert path == out / f"{TRACK_ID}.mp3"
    assert warning is None
    (call,) = calls(fake_spotdl)
    argv = call["argv"]
    assert argv[:2] == ["download", URL]
    assert argv[argv.index("--output") + 1] == str(out / "{track-id}.{output-ext}")
    assert argv[argv.index("--format") + 1] == "mp3"
    assert "--client-id" not in argv
    assert Path(call["cwd"]) == out

    again, warning = download_track(track(), URL, out_dir=out)
    assert (again, warning) == (path, None)
    assert len(calls(fake_spotdl)) == 1  # reused, spotdl not run again


def test_track_id_comes_from_the_url_when_missing(fake_spotdl, tmp_path):
    path, _ = download_track(track(id=None), f"spotify:track:{TRACK_ID}", out_dir=tmp_path)
    assert path.name == f"{TRACK_ID}.mp3"


def test_duration_mismatch_warns(fake_spotdl, tmp_path, monkeypatch):
    monkeypatch.setenv("FAKE_SPOTDL_SECONDS", "5.5")
    path, warning = download_track(track(duration=2.0), URL, out_dir=tmp_path)
    assert path.is_file()
    assert warning is not None
    assert "0:06" in warning and "0:02" in warning and "Spotify" in warning

    # within 2 s: no warning; unknown Spotify duration: no warning
    assert download_track(track(duration=4.0), URL, out_dir=tmp_path)[1] is None
    assert download_track(track(duration=None), URL, out_dir=tmp_path)[1] is None


def test_spotdl_failure_shows_its_last_lines(fake_spotdl, tmp_path, monkeypatch):
    monkeypatch.setenv("FAKE_SPOTDL_MODE", "fail")
    monkeypatch.setenv("SPOTIPY_CLIENT_ID", "id-1234567890")
    monkeypatch.setenv("SPOTIPY_CLIENT_SECRET", "secret-abcdefghij")
    with pytest.raises(DownloadError) as info:
        download_track(track(), URL, out_dir=tmp_path)
    message = str(info.value)
    assert isinstance(info.value, UserError)
    assert "exit code 1" in message
    assert "No results found for song" in message
    assert "secret-abcdefghij" not in message and "id-1234567890" not in message
    argv = calls(fake_spotdl)[0]["argv"]
    assert argv[argv.index("--client-secret") + 1] == "secret-abcdefghij"


def test_spotdl_producing_nothing(fake_spotdl, tmp_path, monkeypatch):
    monkeypatch.setenv("FAKE_SPOTDL_MODE", "nothing")
    with pytest.raises(DownloadError, match="produced no audio file") as info:
        download_track(track(), URL, out_dir=tmp_path)
    assert "YT-DLP download error" in str(info.value)


def test_spotdl_timeout_stops_it(fake_spotdl, tmp_path, monkeypatch):
    monkeypatch.setenv("FAKE_SPOTDL_MODE", "hang")
    with pytest.raises(DownloadError, match="did not finish within 1 s"):
        download_track(track(), URL, out_dir=tmp_path, timeout=1)


def test_broken_earlier_download_is_replaced(fake_spotdl, tmp_path):
    (tmp_path / f"{TRACK_ID}.mp3").write_bytes(b"half a download")
    path, warning = download_track(track(), URL, out_dir=tmp_path)
    assert path.stat().st_size > 1000 and warning is None
    assert len(calls(fake_spotdl)) == 1


# --------------------------------------------------------------------------------------------
# Finding spotdl
# --------------------------------------------------------------------------------------------


def test_override_as_command_line(fake_spotdl, tmp_path, monkeypatch):
    script = os.environ["MUSIC_VISUALIZER_SPOTDL"]
    monkeypatch.setenv("MUSIC_VISUALIZER_SPOTDL", f'"{sys.executable}" "{script}"')
    assert spotdl_command() == [sys.executable, script]
    path, _ = download_track(track(), URL, out_dir=tmp_path)
    assert path.is_file()


def test_override_pointing_nowhere(tmp_path, monkeypatch):
    monkeypatch.setenv("MUSIC_VISUALIZER_SPOTDL", str(tmp_path / "no-such-spotdl"))
    with pytest.raises(SpotdlMissingError, match="does not exist"):
        download_track(track(), URL, out_dir=tmp_path)


def fake_run(tmp_path, *, pip_ok: bool, ensurepip: bool = True):
    """A subprocess.run stand-in for venv creation and pip (nothing is downloaded)."""
    seen: list[list[str]] = []

    def run(cmd, **kwargs):
        seen.append(list(cmd))
        if cmd[1:3] == ["-m", "venv"]:
            if not ensurepip and "--without-pip" not in cmd:
                return subprocess.CompletedProcess(
                    cmd, 1, "The virtual environment was not created successfully because "
                            "ensurepip is not available.", "")
            (Path(cmd[-1]) / "bin").mkdir(parents=True)
            (Path(cmd[-1]) / "bin" / "python").write_text("")
            return subprocess.CompletedProcess(cmd, 0, "", "")
        if pip_ok:
            (Path(cmd[0]).parent / "spotdl").write_text("#!/bin/sh\n")
            return subprocess.CompletedProcess(cmd, 0, "Successfully installed spotdl-4.2", "")
        return subprocess.CompletedProcess(
            cmd, 1, "", "ERROR: Could not find a version that satisfies the requirement spotdl "
                        "(from versions: none)\nERROR: No matching distribution found for spotdl")

    return run, seen


@pytest.mark.skipif(os.name == "nt", reason="venv layout differs on Windows")
def test_own_venv_cannot_be_created_offline(tmp_path, monkeypatch):
    monkeypatch.delenv("MUSIC_VISUALIZER_SPOTDL", raising=False)
    monkeypatch.setenv("MUSIC_VISUALIZER_CACHE", str(tmp_path / "cache"))
    run, seen = fake_run(tmp_path, pip_ok=False)
    monkeypatch.setattr(download.subprocess, "run", run)
    with pytest.raises(SpotdlMissingError) as info:
        download_track(track(), URL, out_dir=tmp_path / "out")
    message = str(info.value)
    assert "No matching distribution found for spotdl" in message
    assert "internet" in message and "upload the audio file" in message
    venv = tmp_path / "cache" / "spotdl-venv"
    assert seen[0][1:] == ["-m", "venv", str(venv)]
    assert seen[1][-1] == "spotdl" and "install" in seen[1]
    assert not (venv / ".installed").exists()


@pytest.mark.skipif(os.name == "nt", reason="venv layout differs on Windows")
def test_own_venv_is_created_once(tmp_path, monkeypatch):
    monkeypatch.delenv("MUSIC_VISUALIZER_SPOTDL", raising=False)
    monkeypatch.setenv("MUSIC_VISUALIZER_CACHE", str(tmp_path / "cache"))
    run, seen = fake_run(tmp_path, pip_ok=True)
    monkeypatch.setattr(download.subprocess, "run", run)
    program = tmp_path / "cache" / "spotdl-venv" / "bin" / "spotdl"
    assert spotdl_command() == [str(program)]
    assert len(seen) == 2
    assert spotdl_command() == [str(program)]
    assert len(seen) == 2  # not installed again


def test_spotdl_is_never_imported():
    assert "spotdl" not in sys.modules
    source = Path(download.__file__).read_text(encoding="utf-8")
    assert "import spotdl" not in source and "shell=True" not in source


@pytest.mark.skipif(os.name == "nt", reason="venv layout differs on Windows")
def test_own_venv_without_ensurepip_borrows_system_pip(tmp_path, monkeypatch):
    monkeypatch.delenv("MUSIC_VISUALIZER_SPOTDL", raising=False)
    monkeypatch.setenv("MUSIC_VISUALIZER_CACHE", str(tmp_path / "cache"))
    run, seen = fake_run(tmp_path, pip_ok=True, ensurepip=False)
    monkeypatch.setattr(download.subprocess, "run", run)
    venv = tmp_path / "cache" / "spotdl-venv"
    assert spotdl_command() == [str(venv / "bin" / "spotdl")]
    assert seen[1][1:] == ["-m", "venv", "--without-pip", "--system-site-packages", str(venv)]
    assert (venv / ".installed").is_file()
