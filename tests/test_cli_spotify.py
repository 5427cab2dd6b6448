"""From a Spotify link through the CLI: prompts, render (download, cover, folder name), errors.

The real spotipy client talks to a local stub Web API; spotdl is a fake program.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
import soundfile as sf
from PIL import Image

from music_visualizer.runs.store import safe_name
from music_visualizer.ui.cli import main
from tests.conftest import click_song, run_cli
from tests.spotify_stub import SpotifyStub
from tests.test_download import calls, fake_spotdl  # noqa: F401  (fixture)

TRACK = "4cOdK2wGLETKBW3PvgPWqT"
LONG = "5longTitleTrack0000000"
TITLE = 'Back <In> Black: "Live"?*|'


@pytest.fixture(scope="module")
def stub():
    with SpotifyStub() as server:
        server.add_artist("A" * 22, "AC/DC", ["hard rock", "rock"])
        server.add_artist("B" * 22, "Brian Johnson", [])
        server.add_track(TRACK, TITLE, [("A" * 22, "AC/DC"), ("B" * 22, "Brian Johnson")],
                         album="Back in Black", release_date="1980-07-25", duration_ms=6_000,
                         image_sizes=(64, 300))
        server.add_track(LONG, "Ж" * 200, [("B" * 22, "Brian Johnson")], duration_ms=6_000)
        yield server


@pytest.fixture
def spotify(stub, fake_spotdl, monkeypatch, tmp_path):  # noqa: F811  (after the fake's env)
    stub.reset()
    monkeypatch.setenv("MUSIC_VISUALIZER_SPOTIFY_API_URL", stub.api_url)
    monkeypatch.setenv("MUSIC_VISUALIZER_SPOTIFY_TOKEN_URL", stub.token_url)
    monkeypatch.setenv("SPOTIPY_CLIENT_ID", stub.client_id)
    monkeypatch.setenv("SPOTIPY_CLIENT_SECRET", stub.client_secret)
    monkeypatch.setenv("MUSIC_VISUALIZER_CAPTION_MODEL", "none")
    monkeypatch.setenv("MUSIC_VISUALIZER_CACHE", str(tmp_path / "cache"))
    return stub


def _small(tmp_path, *extra):
    return ["--renderer", "preview", "--fps", "4", "--duration", "2", "--width", "64",
            "--height", "64", "--seed", "2", "--no-video", "--output-dir", str(tmp_path / "out"),
            *extra]


def test_prompts_from_a_link_never_download(spotify, fake_spotdl, tmp_path, capsys):  # noqa: F811
    out = tmp_path / "p.json"
    link = f"https://open.spotify.com/intl-fr/track/{TRACK}?si=abc123"
    assert main(["prompts", link, "--json", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["track"]["id"] == TRACK and data["track"]["name"] == TITLE
    assert data["track"]["artists"] == ["AC/DC", "Brian Johnson"]
    assert data["track"]["album"] == "Back in Black"
    assert data["track"]["release_date"] == "1980-07-25" and data["track"]["duration"] == 6.0
    assert data["track"]["genres"] == ["hard rock", "rock"]
    assert Image.open(data["track"]["cover"]).size == (300, 300)  # the largest image
    assert len(data["prompts"]) == 5 and len(set(data["prompts"])) == 5
    assert all(p.strip() for p in data["prompts"]) and data["negative_prompt"]
    assert calls(fake_spotdl) == []  # prompts URL alone never downloads audio
    assert "AC/DC" in capsys.readouterr().out


def test_render_from_a_link_downloads_names_the_folder_and_starts_from_the_cover(
        spotify, fake_spotdl, tmp_path, monkeypatch, capsys):  # noqa: F811
    monkeypatch.setenv("FAKE_SPOTDL_SECONDS", "3.0")  # Spotify says 6 s: a warning
    code = main(["render", f"spotify:track:{TRACK}", "--init-image", "cover",
                 *_small(tmp_path)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert len(calls(fake_spotdl)) == 1
    assert "warning:" in captured.err and "Spotify" in captured.err
    folder = next((tmp_path / "out").glob("*/*"))
    assert folder.name == safe_name(f"AC/DC, Brian Johnson - {TITLE}")
    assert folder.name == "ACDC,_Brian_Johnson_-_Back_In_Black_Live"
    record = json.loads(next(folder.glob("*_settings.json")).read_text())
    assert len(record["settings"]["prompts"]) == 5  # the default prompts
    cover = Image.open(record["settings"]["init_image"]).convert("RGB").resize((64, 64))
    frame0 = np.asarray(Image.open(next(folder.glob("*_00000.png"))), dtype=float)
    assert np.abs(frame0 - np.asarray(cover, dtype=float)).mean() < 2.0


def test_render_from_a_link_keeps_the_lyrics_spotdl_found(spotify, fake_spotdl, tmp_path,  # noqa: F811
                                                           monkeypatch, capsys):
    monkeypatch.setenv("FAKE_SPOTDL_LYRICS", "synced")
    code = main(["render", f"spotify:track:{TRACK}", "--lyrics-prompts", *_small(tmp_path)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "spotdl found the song's timed lyrics: 3 lines" in captured.err
    assert f"Lyrics: 3 lines from the sidecar lyrics file '{TRACK}.lrc'" in captured.out
    saved = next((tmp_path / "out").glob("*/*/*_lyrics.lrc")).read_text(encoding="utf-8")
    assert "FIRST LINE" in saved and "THIRD LINE" in saved


def test_a_given_file_wins_and_given_prompts_are_kept(spotify, fake_spotdl, tmp_path,  # noqa: F811
                                                      capsys):
    audio = tmp_path / "mine.wav"
    sf.write(audio, click_song(3.0), 22050)
    assert main(["render", f"https://open.spotify.com/track/{LONG}", "--audio", str(audio),
                 "--prompt", "a lighthouse", *_small(tmp_path)]) == 0
    assert calls(fake_spotdl) == []
    folder = next((tmp_path / "out").glob("*/*"))
    assert len(folder.name.encode()) <= 120 and folder.name.startswith("Brian_Johnson_-_ЖЖЖ")
    record = json.loads(next(folder.glob("*_settings.json")).read_text())
    assert record["settings"]["prompts"] == ["a lighthouse"]


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ("https://open.spotify.com/playlist/37i9dQZF1DXcBWIGoYBM5M", "playlist"),
        ("https://open.spotify.com/album/6mUdeDZCsExyJLMdAfDuwh", "album"),
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "not a Spotify track link"),
        ("https://open.spotify.com/track/tooShort", "track"),
    ],
)
def test_links_that_are_not_tracks_are_refused(link, expected, spotify, fake_spotdl,  # noqa: F811
                                               tmp_path, capsys):
    assert main(["render", link, *_small(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert calls(fake_spotdl) == []


def test_wrong_or_missing_credentials_are_explained(spotify, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("SPOTIPY_CLIENT_SECRET", "wrong-secret-123")
    assert main(["prompts", TRACK]) == 2
    err = capsys.readouterr().err
    assert "Spotify" in err and "wrong-secret-123" not in err and "Traceback" not in err
    monkeypatch.delenv("SPOTIPY_CLIENT_ID")
    monkeypatch.delenv("SPOTIPY_CLIENT_SECRET")
    assert main(["prompts", TRACK]) == 2
    assert "SPOTIPY_CLIENT_ID" in capsys.readouterr().err


def test_a_tagged_file_works_without_spotify(tmp_path, monkeypatch, capsys):
    import mutagen.flac

    monkeypatch.delenv("SPOTIPY_CLIENT_ID", raising=False)
    monkeypatch.setenv("MUSIC_VISUALIZER_CAPTION_MODEL", "none")
    path = tmp_path / "t.flac"
    sf.write(path, click_song(3.0), 22050)
    tags = mutagen.flac.FLAC(path)
    tags["title"], tags["artist"], tags["genre"] = "Nightcall", "Kavinsky", "synthwave"
    picture = mutagen.flac.Picture()
    picture.type, picture.mime = 3, "image/png"
    buffer = __import__("io").BytesIO()
    Image.new("RGB", (32, 32), (10, 200, 220)).save(buffer, format="PNG")
    picture.data = buffer.getvalue()
    tags.add_picture(picture)
    tags.save()
    out = tmp_path / "p.json"
    assert main(["prompts", "--audio", str(path), "--json", str(out)]) == 0
    data = json.loads(out.read_text())
    assert data["track"]["name"] == "Nightcall" and data["track"]["artists"] == ["Kavinsky"]
    assert data["track"]["cover"] and len(data["prompts"]) == 5
    assert any("synth" in p or "neon" in p or "retro" in p for p in data["prompts"])


def test_link_and_file_without_spotify_fall_back_to_the_tags(spotify, monkeypatch, tmp_path,
                                                            capsys):
    monkeypatch.delenv("SPOTIPY_CLIENT_ID")
    monkeypatch.delenv("SPOTIPY_CLIENT_SECRET")
    audio = tmp_path / "mine.wav"
    sf.write(audio, click_song(3.0), 22050)
    assert main(["prompts", TRACK, "--audio", str(audio)]) == 0
    captured = capsys.readouterr()
    assert "mine" in captured.out and "own tags instead" in captured.err
    assert main(["prompts", "https://open.spotify.com/album/6mUdeDZCsExyJLMdAfDuwh",
                 "--audio", str(audio)]) == 2  # a wrong link is still an error


# --------------------------------------------------------------------------------------------
# A slow or rate-limiting Spotify, through `python -m music_visualizer prompts` as a user runs
# it: a real process, the default cache under HOME, spotipy talking to the stub. The process
# timeouts (far above Spotify's 25 s deadline) only catch a hang; nothing asserts a duration.


@pytest.fixture
def as_a_user(stub, monkeypatch, tmp_path):
    """The stub's URLs and credentials; HOME a temp folder; no test-only setting."""
    stub.reset()
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for name in ("MUSIC_VISUALIZER_CACHE", "MUSIC_VISUALIZER_SPOTIFY_DEADLINE", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MUSIC_VISUALIZER_SPOTIFY_API_URL", stub.api_url)
    monkeypatch.setenv("MUSIC_VISUALIZER_SPOTIFY_TOKEN_URL", stub.token_url)
    monkeypatch.setenv("SPOTIPY_CLIENT_ID", stub.client_id)
    monkeypatch.setenv("SPOTIPY_CLIENT_SECRET", stub.client_secret)
    return stub


def _one_clear_line(proc) -> str:
    err = proc.stderr.strip()
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    assert proc.stdout.strip() == ""
    return err


def test_a_trickling_token_service_meets_the_default_deadline(as_a_user):
    # One byte a second for up to 150 bytes / 150 s (then the stub gives up by itself): without
    # an overall deadline, `prompts` would wait all of it and then blame the connection.
    as_a_user.trickle("/api/token", interval=1.0, max_bytes=150, max_seconds=150.0)
    proc = run_cli("prompts", TRACK, timeout=400)
    err = _one_clear_line(proc)
    assert err == (
        f"error: Spotify did not answer in 25 s (no complete answer from "
        f"{as_a_user.url.removeprefix('http://')}); check the internet connection and try again "
        "later, or upload the audio file and use its tags.")
    assert as_a_user.paths().count("/api/token") == 1


def test_a_trickling_api_answer_meets_the_deadline_set_in_the_environment(as_a_user,
                                                                          monkeypatch):
    as_a_user.trickle(f"/v1/tracks/{TRACK}", interval=0.5, max_bytes=200, max_seconds=100.0,
                      after_headers=True)
    monkeypatch.setenv("MUSIC_VISUALIZER_SPOTIFY_DEADLINE", "3")
    err = _one_clear_line(run_cli("prompts", f"https://open.spotify.com/track/{TRACK}",
                                  timeout=300))
    assert err.startswith("error: Spotify did not answer in 3 s (no complete answer from ")


@pytest.mark.parametrize("retry_after", ["2299679400", "Fri, 31 Dec 9999 23:59:59 GMT"])
def test_a_rate_limit_far_in_the_future_is_explained(as_a_user, retry_after):
    as_a_user.fail(f"/v1/tracks/{TRACK}", 429, headers={"Retry-After": retry_after})
    err = _one_clear_line(run_cli("prompts", TRACK, timeout=300))
    assert err == ("error: Spotify is rate-limiting us and asks to wait more than an hour; try "
                   "again later, or upload the audio file and use its tags.")
    assert as_a_user.paths().count(f"/v1/tracks/{TRACK}") == 1  # asked once, never waited
