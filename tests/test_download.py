"""spotdl as a separate program, tested against a fake spotdl (music_visualizer.sources.download).

The fake parses spotdl 4's options strictly (an option real spotdl lacks would fail here), logs
its arguments, and then writes a short mp3, a too-long mp3, fails, writes nothing or hangs,
as ``FAKE_SPOTDL_MODE`` says. Its lyrics (``FAKE_SPOTDL_LYRICS``) are what spotdl 4.4 does with
``--lyrics synced ... --generate-lrc``: ``synced`` embeds the LRC in the mp3 as a USLT tag with
its times stripped and an empty SYLT (spotdl's SYLT code drops every line) and writes the LRC
next to the song; ``plain`` embeds plain text and writes it as the ``.lrc`` (syncedlyrics'
``PREFER_SYNCED`` falls back to plain); ``broken`` writes an ``.lrc`` that is not text; ``none``
finds none. ``FAKE_SPOTDL_OLD=1`` is a spotdl 4.0 that has no lyrics options.
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
from music_visualizer.lyrics import find_lyrics
from music_visualizer.sources import download
from music_visualizer.sources.download import (
    DownloadError,
    SpotdlMissingError,
    download_track,
    lyrics_report,
    spotdl_command,
)
from music_visualizer.sources.track import TrackInfo

TRACK_ID = "0VjIjW4GlUZAMYd2vXMi3b"
URL = f"https://open.spotify.com/intl-de/track/{TRACK_ID}?si=b5c0790edc8f4904"

FAKE_SPOTDL = textwrap.dedent('''\
    #!{python}
    """A fake spotdl 4: same options, no network."""
    import argparse, json, os, re, sys, time

    if os.environ.get("FAKE_SPOTDL_LOG"):
        with open(os.environ["FAKE_SPOTDL_LOG"], "a", encoding="utf-8") as log:
            log.write(json.dumps({{"argv": sys.argv[1:], "cwd": os.getcwd()}}) + "\\n")
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
    if not os.environ.get("FAKE_SPOTDL_OLD"):
        parser.add_argument("--lyrics", dest="lyrics_providers", nargs="*",
                            choices=["genius", "musixmatch", "azlyrics", "synced"])
        parser.add_argument("--generate-lrc", action="store_const", const=True)
    args = parser.parse_args()

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
    kind = os.environ.get("FAKE_SPOTDL_LYRICS", "none")
    lines = ["FIRST LINE", "SECOND LINE", "THIRD LINE"]
    times = ["00:00.20", "00:00.80", "00:01.40"]
    plain = "".join(line + chr(10) for line in lines)
    lrc = "".join(f"[{{at}}]{{line}}" + chr(10) for at, line in zip(times, lines))
    text = {{"synced": lrc, "plain": plain}}.get(kind)
    if text and getattr(args, "lyrics_providers", None):
        from mutagen.id3 import ID3, SYLT, USLT
        tags = ID3()
        tags.add(USLT(encoding=3, text=plain))  # spotdl strips the times
        if kind == "synced":
            tags.add(SYLT(encoding=3, text=[], format=2, type=1))
        tags.save(path)
    if getattr(args, "generate_lrc", None) and kind != "none":
        lrc_path = os.path.splitext(path)[0] + ".lrc"
        with open(lrc_path, "wb") as out:
            out.write(bytes([0, 1, 255]) * 20 if kind == "broken" else text.encode("utf-8"))
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
    monkeypatch.setenv("FAKE_SPOTDL_LYRICS", "none")
    monkeypatch.delenv("FAKE_SPOTDL_OLD", raising=False)
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


def test_synced_lyrics_come_with_the_download_as_an_lrc_next_to_it(fake_spotdl, tmp_path,
                                                                    monkeypatch):
    monkeypatch.setenv("FAKE_SPOTDL_LYRICS", "synced")
    path, _ = download_track(track(), URL, out_dir=tmp_path)
    argv = calls(fake_spotdl)[0]["argv"]
    assert argv[argv.index("--lyrics") + 1] == "synced" and "--generate-lrc" in argv
    search = find_lyrics(path)
    assert search.lyrics.timed and search.looked == (f"'{TRACK_ID}.lrc'",)
    assert [(line.start, line.text) for line in search.lyrics.lines] == [
        (0.2, "FIRST LINE"), (0.8, "SECOND LINE"), (1.4, "THIRD LINE")]
    report = lyrics_report(path)
    assert report.startswith("spotdl found the song's timed lyrics: 3 lines")
    assert f"{TRACK_ID}.lrc" in report
    download_track(track(), URL, out_dir=tmp_path)  # reused: the lyrics stay with it
    assert len(calls(fake_spotdl)) == 1 and lyrics_report(path) == report


def test_plain_or_no_lyrics_are_reported(fake_spotdl, tmp_path, monkeypatch):
    monkeypatch.setenv("FAKE_SPOTDL_LYRICS", "plain")
    path, _ = download_track(track(), URL, out_dir=tmp_path / "plain")
    assert not find_lyrics(path).lyrics.timed
    assert "lyrics without times: 3 lines" in lyrics_report(path)
    monkeypatch.setenv("FAKE_SPOTDL_LYRICS", "none")
    path, _ = download_track(track(), URL, out_dir=tmp_path / "none")
    assert find_lyrics(path).lyrics is None
    report = lyrics_report(path)
    assert report.startswith("spotdl found no lyrics") and f"'{TRACK_ID}.lrc'" in report


def test_an_unreadable_lrc_from_spotdl_is_dropped_not_a_failed_run(fake_spotdl, tmp_path,
                                                                    monkeypatch):
    monkeypatch.setenv("FAKE_SPOTDL_LYRICS", "broken")
    path, _ = download_track(track(), URL, out_dir=tmp_path)
    assert not path.with_suffix(".lrc").exists()
    assert find_lyrics(path).lyrics is None
    assert lyrics_report(path).startswith("spotdl found no lyrics")


def test_a_spotdl_without_lyrics_options_is_run_again_without_them(fake_spotdl, tmp_path,
                                                                   monkeypatch):
    monkeypatch.setenv("FAKE_SPOTDL_OLD", "1")
    monkeypatch.setenv("FAKE_SPOTDL_LYRICS", "synced")
    path, warning = download_track(track(), URL, out_dir=tmp_path)
    assert path.is_file() and warning is None
    first, second = (call["argv"] for call in calls(fake_spotdl))
    assert "--generate-lrc" in first and "--generate-lrc" not in second
    assert "--lyrics" not in second and lyrics_report(path).startswith("spotdl found no lyrics")


def test_the_track_resolved_by_downloading_reports_its_lyrics(fake_spotdl, tmp_path,
                                                              monkeypatch):
    from music_visualizer.sources import resolve

    monkeypatch.setenv("FAKE_SPOTDL_LYRICS", "synced")
    monkeypatch.setattr("music_visualizer.sources.spotify.fetch_track",
                        lambda link, cover_dir: track())
    found, warnings = resolve.resolve_track(URL, download=True, cache_dir=tmp_path)
    assert find_lyrics(found.audio).lyrics.timed
    assert [w for w in warnings if w.startswith("spotdl found the song's timed lyrics")]


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
