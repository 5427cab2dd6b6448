"""Spotify links and metadata: the real spotipy client against a local stub server."""

from __future__ import annotations

import base64
import logging
import os
import socket
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
import spotipy
from PIL import Image
from spotipy.oauth2 import SpotifyClientCredentials

from music_visualizer.errors import UserError
from music_visualizer.sources import spotify as sp_mod
from music_visualizer.sources.spotify import (
    SpotifyError,
    fetch_track,
    looks_like_spotify_link,
    parse_track_id,
)
from music_visualizer.sources.track import TrackInfo
from tests.spotify_stub import SpotifyStub

ROOT = Path(__file__).resolve().parents[1]

TID = "4uLU6hMCjMI75M1A2tKUQC"
ART1, ART2, ART3 = "0OdUWJ0sBjDrqHygGUXeCF", "3WrFJ7ztbogyGnTHbHJFl2", "1dfeR4HaWDbWqFHLkxsg1d"
MISSING_ARTIST = "7zzzzzzzzzzzzzzzzzzzzz"

UNUSUAL = {
    "5slashesAndColons0000A": 'AC/DC: "Back" \\ In / Black: Live? *<>|',
    "6quotesAndEmoji000000B": "It's \"Fine\" 🎸🔥 — ‘really’",
    "7longName0000000000000C": None,  # replaced below (200 characters)
    "8nonAscii0000000000000D": "Sigur Rós – Hoppípolla (日本語版) Ñandú Ωmega",
    "9dotsAndSpaces00000000E": " .. ./../etc/passwd .mp3 ",
}
UNUSUAL = {k[:22]: v for k, v in UNUSUAL.items()}
UNUSUAL[next(k for k, v in UNUSUAL.items() if v is None)] = ("Ä" + "b" * 98) * 2

FORBIDDEN = ("audio-features", "audio-analysis", "recommendations")


# --------------------------------------------------------------------------------------------
# fixtures


@pytest.fixture(scope="module")
def stub():
    with SpotifyStub() as server:
        server.add_artist(ART1, "Björk", ["art pop", "electronica", "icelandic pop"])
        server.add_artist(ART2, "Second Artist", ["electronica", "trip hop"])
        server.add_artist(ART3, "Third", [])
        server.add_track(TID, "Army of Me", [(ART1, "Björk"), (ART2, "Second Artist"),
                                            (ART3, "Third"), (ART1, "Björk")],
                         album="Post", release_date="1995-04-21", duration_ms=234_567,
                         image_sizes=(300, 640, 64))
        server.add_track("1noCoverTrack000000000", "No Cover", [(ART3, "Third")],
                         image_sizes=())
        server.add_track("2missingArtist00000000", "Ghost", [(MISSING_ARTIST, "Ghost"),
                                                             (ART2, "Second Artist")])
        server.add_track("3brokenCover0000000000", "Broken Cover", [(ART3, "Third")],
                         image_urls=[{"url": server.url + "/images/nope.png",
                                      "width": 640, "height": 640}])
        for track_id, name in UNUSUAL.items():
            server.add_track(track_id, name, [(ART1, "Björk")], album=name)
        yield server


@pytest.fixture
def spotify_env(stub, monkeypatch, tmp_path):
    """The stub's URLs and credentials in the environment; a clean stub; a scratch cwd."""
    stub.reset()
    monkeypatch.setenv("MUSIC_VISUALIZER_SPOTIFY_API_URL", stub.api_url)
    monkeypatch.setenv("MUSIC_VISUALIZER_SPOTIFY_TOKEN_URL", stub.token_url)
    monkeypatch.setenv("SPOTIPY_CLIENT_ID", stub.client_id)
    monkeypatch.setenv("SPOTIPY_CLIENT_SECRET", stub.client_secret)
    monkeypatch.chdir(tmp_path)
    return stub


def assert_single_item_endpoints_only(stub: SpotifyStub) -> None:
    for req in stub.requests:
        assert not any(word in req.path for word in FORBIDDEN), req.path
        if req.path.startswith("/v1/"):
            parts = req.path[len("/v1/"):].split("/")
            assert len(parts) == 2 and parts[0] in ("tracks", "artists") and parts[1], req.path
            assert "ids=" not in req.query, req


def fetch(link: str = TID, tmp: Path | None = None, **kw) -> TrackInfo:
    return fetch_track(link, cover_dir=(tmp or Path.cwd()) / "covers", **kw)


@pytest.fixture
def sleeps(monkeypatch):
    """Every time.sleep of the client (ours and urllib3's, in this thread; not the stub's), in
    seconds; the sleeps still happen."""
    real, seen, client = time.sleep, [], threading.get_ident()

    def sleep(seconds):
        if threading.get_ident() == client:
            seen.append(seconds)
        real(seconds)

    monkeypatch.setattr(sp_mod.time, "sleep", sleep)  # the time module: urllib3's sleeps too
    return seen


# --------------------------------------------------------------------------------------------
# links


ACCEPTED = [
    TID,
    f"  {TID}\n",
    f"<{TID}>",
    f"https://open.spotify.com/track/{TID}",
    f"http://open.spotify.com/track/{TID}",
    f"https://open.spotify.com/track/{TID}/",
    f"https://open.spotify.com/track/{TID}?si=Xy12_-abCD",
    f"https://open.spotify.com/track/{TID}?si=abc&utm_source=copy-link&context=x%3Ay",
    f"https://open.spotify.com/track/{TID}/?si=abc",
    f"https://open.spotify.com/track/{TID}#fragment",
    f"https://open.spotify.com/intl-de/track/{TID}",
    f"https://open.spotify.com/intl-fr/track/{TID}?si=1",
    f"https://open.spotify.com/intl-pt-BR/track/{TID}",
    f"https://play.spotify.com/track/{TID}",
    f"http://play.spotify.com/track/{TID}/",
    f"https://www.open.spotify.com/track/{TID}",
    f"HTTPS://OPEN.SPOTIFY.COM/track/{TID}",
    f"https://open.spotify.com/embed/track/{TID}?utm_source=generator",
    f"open.spotify.com/track/{TID}?si=1",
    f"spotify:track:{TID}",
    f"Spotify:track:{TID}",
    f" <https://open.spotify.com/intl-ja/track/{TID}?si=q> ",
]


@pytest.mark.parametrize("link", ACCEPTED)
def test_accepted_link_forms(link):
    assert parse_track_id(link) == TID
    assert looks_like_spotify_link(link)


ALBUM = "1DFixLWuPkv3KT3TnV35m3"
REJECTED = [
    # (link, words the message must contain)
    ("", ["No Spotify link"]),
    ("   ", ["No Spotify link"]),
    ("<>", ["No Spotify link"]),
    (f"https://open.spotify.com/album/{ALBUM}", ["album link"]),
    (f"https://open.spotify.com/playlist/{ALBUM}?si=1", ["playlist link"]),
    (f"https://open.spotify.com/intl-de/artist/{ALBUM}", ["artist link"]),
    (f"https://open.spotify.com/episode/{ALBUM}", ["episode link"]),
    (f"https://open.spotify.com/show/{ALBUM}", ["show"]),
    ("https://open.spotify.com/user/someone", ["user"]),
    (f"https://open.spotify.com/user/someone/playlist/{ALBUM}", ["playlist"]),
    (f"https://open.spotify.com/audiobook/{ALBUM}", ["audiobook"]),
    (f"spotify:album:{ALBUM}", ["album URI"]),
    (f"spotify:playlist:{ALBUM}", ["playlist URI"]),
    (f"spotify:user:bob:playlist:{ALBUM}", ["playlist URI"]),
    (f"spotify:episode:{ALBUM}", ["episode URI"]),
    (f"spotify:track:{TID}:extra", ["spotify:track:<id>"]),
    (f"spotify:track:{TID[:-1]}", ["22", "21"]),
    ("spotify:banana:x", ["unknown kind"]),
    (f"https://open.spotify.com.evil.com/track/{TID}", ["open.spotify.com.evil.com"]),
    (f"https://evil.com/open.spotify.com/track/{TID}", ["evil.com"]),
    (f"evil.com/open.spotify.com/track/{TID}", ["evil.com"]),
    (f"https://open.spotify.com@evil.com/track/{TID}", ["@"]),
    (f"https://user:pw@open.spotify.com/track/{TID}", ["@"]),
    (f"https://open.spotify.com\\@evil.com/track/{TID}", ["@"]),
    (f"https://open.spotify.com:8443/track/{TID}", ["port"]),
    (f"https://spotify.com/track/{TID}", ["spotify.com"]),
    (f"https://www.youtube.com/watch?v={TID}", ["www.youtube.com"]),
    (f"https://оpen.spotify.com/track/{TID}", ["оpen.spotify.com"]),  # Cyrillic о
    (f"ftp://open.spotify.com/track/{TID}", ["ftp"]),
    (f"https://open.spotify.com/track/{TID}/extra", ["unexpected path"]),
    (f"https://open.spotify.com/track/../album/{TID}", ["unexpected path"]),
    (f"https://open.spotify.com/track/{TID}/..", ["unexpected path"]),
    (f"https://open.spotify.com//track/{TID}", ["unexpected path"]),
    (f"https://open.spotify.com/intl-de/intl-fr/track/{TID}", []),
    (f"https://open.spotify.com/track/%34{TID[1:]}", ["encoded"]),
    (f"https://open.spotify.com/track%2F{TID}", ["encoded"]),
    (f"https://open.spotify.com/track/{TID}%2F..%2Falbum", ["encoded"]),
    (f"https://open.spotify.com/track/{TID[:-1]}", ["22", "21"]),
    (f"https://open.spotify.com/track/{TID}x", ["22", "23"]),
    (f"https://open.spotify.com/track/{TID[:-1]}-", ["letters and digits"]),
    ("https://open.spotify.com/track/", ["unexpected path"]),
    ("https://open.spotify.com/", ["no /track/<id>"]),
    (TID[:-1], ["22", "21"]),
    (TID + "A", ["22", "23"]),
    (TID[:-1] + "!", []),
    (f"https://open.spotify.com/tr\nack/{TID}", ["spaces or control"]),
    (f"https://open.spotify.com/track/{TID} and more", ["spaces or control"]),
    ("https://spotify.link/AbCdEf", ["short link"]),
    ("hello", []),
    ("javascript:alert(1)", []),
    ("C:\\Music\\song.mp3", []),
]


@pytest.mark.parametrize(("link", "words"), REJECTED)
def test_rejected_link_forms(link, words):
    with pytest.raises(SpotifyError) as info:
        parse_track_id(link)
    message = str(info.value)
    assert isinstance(info.value, UserError)
    for word in words:
        assert word in message, message
    assert "track link" in message  # always says what is needed
    assert message.count(". ") == 0 and message.endswith("."), message  # one sentence
    assert "\n" not in message


def test_kind_messages_are_exactly_one_sentence():
    with pytest.raises(SpotifyError, match=r"^That is a Spotify playlist link; paste a track "
                                           r"link \(https://open\.spotify\.com/track/\.\.\.\)\.$"):
        parse_track_id("https://open.spotify.com/playlist/37i9dQZF1DXcBWIGoYBM5M?si=1")


def test_long_garbage_is_shortened_in_the_message():
    with pytest.raises(SpotifyError) as info:
        parse_track_id("x" * 5000)
    assert len(str(info.value)) < 300


@pytest.mark.parametrize(("text", "expected"), [
    (f"https://open.spotify.com/track/{TID}", True),
    (f"https://open.spotify.com/album/{TID}", True),
    (f"spotify:track:{TID}", True),
    (TID, True),
    (TID[:-1], True),  # an id of the wrong length still gets the link error
    (f"open.spotify.com/track/{TID}", True),
    (f"evil.com/open.spotify.com/track/{TID}", True),
    ("https://example.com/song.mp3", True),
    ("song.mp3", False),
    ("My.Spotify.Rip.mp3", False),
    ("spotify_export/song.mp3", False),
    ("spotify.link/AbC", True),
    ("music/Some Song.flac", False),
    ("/home/me/Music/track.wav", False),
    ("C:\\Music\\song.mp3", False),
    ("file:///home/me/song.mp3", False),
    ("", False),
])
def test_looks_like_spotify_link(text, expected):
    assert looks_like_spotify_link(text) is expected


# --------------------------------------------------------------------------------------------
# metadata


def test_fetch_track_returns_the_track(spotify_env, tmp_path):
    info = fetch(f"https://open.spotify.com/intl-de/track/{TID}?si=abc", tmp_path)
    assert info.source == "spotify" and info.id == TID
    assert info.name == "Army of Me"
    assert info.artists == ("Björk", "Second Artist", "Third", "Björk")
    assert info.album == "Post"
    assert info.release_date == "1995-04-21"
    assert info.duration == pytest.approx(234.567)
    # the union of every artist's genres, in order, each once
    assert info.genres == ("art pop", "electronica", "icelandic pop", "trip hop")
    assert info.audio is None
    # the largest image (640, listed second) was downloaded as cover_dir/<id>.png
    assert info.cover == str(tmp_path / "covers" / f"{TID}.png")
    with Image.open(info.cover) as im:
        assert im.size == (640, 640)
    paths = spotify_env.paths()
    assert paths.count(f"/images/{TID}-640.png") == 1
    assert not [p for p in paths if p.endswith(("-300.png", "-64.png"))]
    # each artist fetched once, through the single-item endpoint
    assert sorted(p for p in paths if p.startswith("/v1/artists/")) == sorted(
        f"/v1/artists/{a}" for a in (ART1, ART2, ART3))
    assert paths.count("/api/token") == 1
    assert_single_item_endpoints_only(spotify_env)
    # the token lives in memory only: no spotipy .cache file anywhere near
    assert not list(Path.cwd().glob(".cache*"))
    # the token URL was set on the instance; the class and the loggers are untouched
    assert SpotifyClientCredentials.OAUTH_TOKEN_URL == "https://accounts.spotify.com/api/token"
    for name in ("spotipy.client", "spotipy.oauth2", "spotipy.util"):
        assert logging.getLogger(name).filters == []


def test_cover_is_cached(spotify_env, tmp_path):
    first = fetch(TID, tmp_path)
    mtime = os.stat(first.cover).st_mtime_ns
    second = fetch(f"spotify:track:{TID}", tmp_path)
    assert second == first
    assert spotify_env.paths().count(f"/images/{TID}-640.png") == 1  # downloaded once
    assert os.stat(second.cover).st_mtime_ns == mtime
    assert sorted(p.name for p in (tmp_path / "covers").iterdir()) == [f"{TID}.png"]


def test_track_without_cover_or_with_broken_cover(spotify_env, tmp_path):
    assert fetch("1noCoverTrack000000000", tmp_path).cover is None
    info = fetch("3brokenCover0000000000", tmp_path)
    assert info.cover is None and info.name == "Broken Cover"
    assert not list((tmp_path / "covers").glob("3brokenCover*"))


def test_missing_artist_only_loses_its_genres(spotify_env, tmp_path):
    info = fetch("2missingArtist00000000", tmp_path)
    assert info.artists == ("Ghost", "Second Artist")
    assert info.genres == ("electronica", "trip hop")


@pytest.mark.parametrize("track_id", list(UNUSUAL))
def test_unusual_titles(spotify_env, tmp_path, track_id):
    info = fetch(f"https://open.spotify.com/track/{track_id}?si=z", tmp_path)
    assert info.name == UNUSUAL[track_id]
    assert info.album == UNUSUAL[track_id]
    # the cover is named by id, whatever the title
    assert info.cover == str(tmp_path / "covers" / f"{track_id}.png")
    assert info.to_dict()["name"] == UNUSUAL[track_id]
    assert info.display_name == f"Björk - {UNUSUAL[track_id]}"


def test_explicit_credentials_win_over_environment(spotify_env, tmp_path, monkeypatch):
    monkeypatch.setenv("SPOTIPY_CLIENT_ID", "wrong")
    monkeypatch.setenv("SPOTIPY_CLIENT_SECRET", "wrong")
    info = fetch(TID, tmp_path, client_id=spotify_env.client_id,
                 client_secret=spotify_env.client_secret)
    assert info.name == "Army of Me"


def test_api_url_without_trailing_slash(spotify_env, tmp_path, monkeypatch):
    monkeypatch.setenv("MUSIC_VISUALIZER_SPOTIFY_API_URL", spotify_env.api_url.rstrip("/"))
    assert fetch(TID, tmp_path).name == "Army of Me"


# --------------------------------------------------------------------------------------------
# errors


@pytest.mark.parametrize("value", [None, "", "   "])
def test_missing_credentials(spotify_env, tmp_path, monkeypatch, value):
    for name in ("SPOTIPY_CLIENT_ID", "SPOTIPY_CLIENT_SECRET"):
        if value is None:
            monkeypatch.delenv(name)
        else:
            monkeypatch.setenv(name, value)
    with pytest.raises(SpotifyError) as info:
        fetch(TID, tmp_path)
    assert str(info.value) == (
        "Spotify credentials are missing: set SPOTIPY_CLIENT_ID and SPOTIPY_CLIENT_SECRET "
        "(in Colab: add them as secrets), or upload the audio file and use its tags.")
    assert spotify_env.requests == []


def test_missing_secret_only(spotify_env, tmp_path, monkeypatch):
    monkeypatch.delenv("SPOTIPY_CLIENT_SECRET")
    with pytest.raises(SpotifyError, match="credentials are missing"):
        fetch(TID, tmp_path)


def test_link_is_checked_before_credentials(spotify_env, tmp_path, monkeypatch):
    monkeypatch.delenv("SPOTIPY_CLIENT_ID")
    with pytest.raises(SpotifyError, match="album link"):
        fetch(f"https://open.spotify.com/album/{ALBUM}", tmp_path)


def test_wrong_credentials(spotify_env, tmp_path):
    with pytest.raises(SpotifyError) as info:
        fetch(TID, tmp_path, client_secret="not-the-secret-987654")
    message = str(info.value)
    assert "rejected the credentials" in message and "invalid_client" in message
    assert "SPOTIPY_CLIENT_ID" in message and "SPOTIPY_CLIENT_SECRET" in message
    assert "not-the-secret-987654" not in message
    assert spotify_env.paths() == ["/api/token"]


def test_token_endpoint_401(spotify_env, tmp_path):
    spotify_env.fail("/api/token", 401, body={"error": "invalid_client",
                                              "error_description": "Invalid client secret"})
    with pytest.raises(SpotifyError, match="rejected the credentials"):
        fetch(TID, tmp_path)


@pytest.mark.parametrize(("status", "words"), [
    (401, ["access token", "HTTP 401", "SPOTIPY_CLIENT_SECRET"]),
    (403, ["refused access", "HTTP 403"]),
    (404, [f"No Spotify track with id {TID}"]),
    (418, ["HTTP 418"]),
])
def test_api_errors(spotify_env, tmp_path, status, words):
    spotify_env.fail(f"/v1/tracks/{TID}", status)
    with pytest.raises(SpotifyError) as info:
        fetch(TID, tmp_path)
    for word in words:
        assert word in str(info.value)
    assert "\n" not in str(info.value)
    assert spotify_env.paths().count(f"/v1/tracks/{TID}") == 1  # not retried


def test_unknown_track(spotify_env, tmp_path):
    with pytest.raises(SpotifyError, match=r"^No Spotify track with id 0000000000000000000000; "):
        fetch("https://open.spotify.com/track/0000000000000000000000", tmp_path)


def test_artist_403_is_an_error(spotify_env, tmp_path):
    spotify_env.fail(f"/v1/artists/{ART2}", 403)
    with pytest.raises(SpotifyError, match=f"artist {ART2}.*HTTP 403"):
        fetch(TID, tmp_path)


def test_429_with_retry_after_1_is_waited_out(spotify_env, tmp_path, sleeps):
    spotify_env.fail(f"/v1/tracks/{TID}", 429, headers={"Retry-After": "1"}, times=1)
    info = fetch(TID, tmp_path)
    assert info.name == "Army of Me"
    hits = [r.time for r in spotify_env.requests if r.path == f"/v1/tracks/{TID}"]
    assert len(hits) == 2
    assert hits[1] - hits[0] >= 1.0
    assert 1.0 in sleeps and sum(sleeps) < 2  # waited as asked, once


def test_429_on_an_artist_is_waited_out(spotify_env, tmp_path):
    spotify_env.fail(f"/v1/artists/{ART1}", 429, headers={"Retry-After": "1"}, times=1)
    assert "art pop" in fetch(TID, tmp_path).genres


def test_429_with_huge_retry_after_fails_at_once(spotify_env, tmp_path, sleeps):
    spotify_env.fail(f"/v1/tracks/{TID}", 429, headers={"Retry-After": "3600"})
    with pytest.raises(SpotifyError) as info:
        fetch(TID, tmp_path)
    assert sleeps == []
    assert str(info.value) == "Spotify is rate-limiting us; try again in 60 minutes."
    assert spotify_env.paths().count(f"/v1/tracks/{TID}") == 1


@pytest.mark.parametrize("retry_after", [
    "3601",
    "2299679400",  # 73 years: once shown as "38327990 minutes"
    "9" * 400,  # beyond a float
    "Fri, 31 Dec 9999 23:59:59 GMT",
])
@pytest.mark.parametrize("path", [f"/v1/tracks/{TID}", f"/v1/artists/{ART2}"])
def test_429_asking_to_wait_more_than_an_hour(spotify_env, tmp_path, sleeps, retry_after,
                                              path):
    spotify_env.fail(path, 429, headers={"Retry-After": retry_after})
    with pytest.raises(SpotifyError) as info:
        fetch(TID, tmp_path)
    assert str(info.value) == (
        "Spotify is rate-limiting us and asks to wait more than an hour; try again later, or "
        "upload the audio file and use its tags.")
    assert sleeps == []  # neither we nor urllib3 waited
    assert spotify_env.paths().count(path) == 1


def test_429_that_never_ends_stops_at_the_budget(spotify_env, tmp_path, sleeps):
    spotify_env.fail(f"/v1/tracks/{TID}", 429, headers={"Retry-After": "1"})
    with pytest.raises(SpotifyError, match=r"rate-limiting us; try again in 1 minute\.$"):
        fetch(TID, tmp_path, max_rate_limit_wait=1.5)
    assert sleeps == [1.0]  # the second wait would pass the budget
    assert spotify_env.paths().count(f"/v1/tracks/{TID}") == 2


@pytest.mark.parametrize(("status", "headers"), [(500, {}), (503, {"Retry-After": "3600"})])
def test_5xx_is_retried_then_explained(spotify_env, tmp_path, status, headers, sleeps):
    spotify_env.fail(f"/v1/tracks/{TID}", status, headers=headers)
    with pytest.raises(SpotifyError) as info:
        fetch(TID, tmp_path)
    assert sum(sleeps) <= 2  # urllib3's short backoff; a 503's Retry-After does not block us
    assert f"HTTP {status}" in str(info.value) and "not working" in str(info.value)
    assert "429" not in str(info.value)
    assert spotify_env.paths().count(f"/v1/tracks/{TID}") == 3


def test_5xx_once_then_success(spotify_env, tmp_path):
    spotify_env.fail(f"/v1/tracks/{TID}", 502, times=1)
    assert fetch(TID, tmp_path).name == "Army of Me"


def test_token_5xx(spotify_env, tmp_path):
    spotify_env.fail("/api/token", 500, body={"error": "server_error"})
    with pytest.raises(SpotifyError, match=r"token service refused the request \(server_error\)"):
        fetch(TID, tmp_path)


def test_non_json_answer(spotify_env, tmp_path):
    spotify_env.fail(f"/v1/tracks/{TID}", 200, body=b"<html>oops</html>")
    with pytest.raises(SpotifyError, match="unexpected answer"):
        fetch(TID, tmp_path)
    spotify_env.reset()
    spotify_env.fail("/api/token", 200, body=b"not json")
    with pytest.raises(SpotifyError, match="unexpected answer"):
        fetch(TID, tmp_path)


@pytest.mark.parametrize("path", [f"/v1/tracks/{TID}", "/api/token"])
def test_timeout(spotify_env, tmp_path, path, sleeps):
    spotify_env.delay(path, 2.0, times=1)
    with pytest.raises(SpotifyError, match=r"^Could not reach Spotify \(no answer from .* "
                                           r"within 0\.5 s\)"):
        fetch(TID, tmp_path, timeout=0.5)
    assert spotify_env.paths().count(path) == 1 and sleeps == []  # not retried, no waiting


# A trickle outlasts any per-read timeout: one byte every 0.2 s, up to 300 bytes or 60 s (it
# stops by itself). Only an overall deadline ends the call; without one the answer would end
# cut short after 60 s, with another message.
TRICKLE = {"interval": 0.2, "max_bytes": 300, "max_seconds": 60.0}


@pytest.mark.parametrize(("path", "after_headers"), [
    ("/api/token", False),  # status line and headers, byte by byte
    (f"/v1/tracks/{TID}", False),
    (f"/v1/tracks/{TID}", True),  # headers at once, then the body byte by byte
    (f"/v1/artists/{ART2}", True),
])
def test_a_trickling_answer_ends_at_the_deadline(spotify_env, tmp_path, path, after_headers):
    spotify_env.trickle(path, after_headers=after_headers, **TRICKLE)
    with pytest.raises(SpotifyError) as info:
        fetch(TID, tmp_path, timeout=5, deadline=2)
    assert str(info.value) == (
        f"Spotify did not answer in 2 s (no complete answer from "
        f"{spotify_env.url.removeprefix('http://')}); check the internet connection and try "
        "again later, or upload the audio file and use its tags.")
    assert spotify_env.paths().count(path) == 1  # given up, not retried
    assert not list((tmp_path / "covers").glob("*"))


def test_the_deadline_comes_from_the_environment(spotify_env, tmp_path, monkeypatch):
    spotify_env.trickle(f"/v1/tracks/{TID}", **TRICKLE)
    monkeypatch.setenv("MUSIC_VISUALIZER_SPOTIFY_DEADLINE", "1.5")
    with pytest.raises(SpotifyError, match=r"^Spotify did not answer in 1\.5 s "):
        fetch(TID, tmp_path)
    for bad in ("soon", "0", "-3", "nan", "1e9"):
        monkeypatch.setenv("MUSIC_VISUALIZER_SPOTIFY_DEADLINE", bad)
        with pytest.raises(SpotifyError, match=r"^MUSIC_VISUALIZER_SPOTIFY_DEADLINE must be a "
                                               r"number of seconds from 0 to 3600, not '"):
            fetch(TID, tmp_path)


def test_each_request_has_its_own_deadline(spotify_env, tmp_path):
    """Slow answers one after another, together longer than one deadline, are fine."""
    for path in ("/api/token", f"/v1/tracks/{TID}", f"/v1/artists/{ART1}"):
        spotify_env.delay(path, 2.0, times=1)
    assert fetch(TID, tmp_path, deadline=4.0).name == "Army of Me"


def test_a_trickling_cover_is_left_out(spotify_env, tmp_path, caplog):
    spotify_env.trickle(f"/images/{TID}-640.png", after_headers=True, **TRICKLE)
    info = fetch(TID, tmp_path, deadline=2)
    assert info.name == "Army of Me" and info.cover is None
    assert "Cover image not downloaded: no complete answer from " in caplog.text
    assert not list((tmp_path / "covers").glob("*"))


def test_connection_refused(spotify_env, tmp_path, monkeypatch):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("MUSIC_VISUALIZER_SPOTIFY_TOKEN_URL", f"http://127.0.0.1:{port}/api/token")
    with pytest.raises(SpotifyError, match=r"^Could not reach Spotify \(cannot connect"):
        fetch(TID, tmp_path, timeout=2)


def test_bad_url_setting(spotify_env, tmp_path, monkeypatch):
    monkeypatch.setenv("MUSIC_VISUALIZER_SPOTIFY_API_URL", "not a url")
    with pytest.raises(SpotifyError, match="MUSIC_VISUALIZER_SPOTIFY_API_URL"):
        fetch(TID, tmp_path)


# --------------------------------------------------------------------------------------------
# secrets


def test_secrets_never_logged_or_shown(spotify_env, tmp_path, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    stub = spotify_env
    wrong = "wrong-secret-for-the-log-test"
    basic = base64.b64encode(f"{stub.client_id}:{stub.client_secret}".encode()).decode()
    basic_wrong = base64.b64encode(f"{stub.client_id}:{wrong}".encode()).decode()
    messages = []

    assert fetch(TID, tmp_path).name == "Army of Me"
    for setup, kw in [
        (lambda: None, {"client_secret": wrong}),
        (lambda: stub.fail(f"/v1/tracks/{TID}", 401), {}),
        (lambda: stub.fail(f"/v1/tracks/{TID}", 500), {}),
        (lambda: stub.fail(f"/v1/tracks/{TID}", 429, headers={"Retry-After": "999"}), {}),
        (lambda: stub.delay("/api/token", 1.0, times=1), {"timeout": 0.3}),
    ]:
        stub.reset()
        setup()
        with pytest.raises(SpotifyError) as info:
            fetch(TID, tmp_path, **kw)
        messages.append(str(info.value))
        messages.append(repr(info.value.__cause__))

    out = capsys.readouterr()
    logged = caplog.text + "\n".join(repr(r.__dict__) for r in caplog.records)
    assert "Sending POST request" in logged  # spotipy did log at DEBUG...
    assert "Authorization" in logged
    for text in (logged, out.out, out.err, *messages):  # ...but never a secret
        for secret in (stub.client_secret, wrong, basic, basic_wrong, *stub.tokens):
            assert secret not in text
        assert "Basic [redacted]" in text or "Basic " not in text
        assert "Bearer [redacted]" in text or "Bearer " not in text
    # spotipy's own ERROR lines about HTTP errors were demoted: we raise one clear error instead
    assert not [r for r in caplog.records
                if r.name.startswith("spotipy") and r.levelno >= logging.ERROR]


def test_cli_like_process_prints_nothing_but_our_message(stub, tmp_path):
    """No logging configured (Python's last-resort handler): stderr stays clean."""
    stub.reset()
    stub.fail(f"/v1/tracks/{TID}", 404, times=1)
    code = textwrap.dedent(f"""
        from pathlib import Path
        from music_visualizer.sources.spotify import fetch_track, SpotifyError
        try:
            fetch_track({TID!r}, cover_dir=Path({str(tmp_path)!r}))
        except SpotifyError as e:
            print(e)
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT),
           "MUSIC_VISUALIZER_SPOTIFY_API_URL": stub.api_url,
           "MUSIC_VISUALIZER_SPOTIFY_TOKEN_URL": stub.token_url,
           "SPOTIPY_CLIENT_ID": stub.client_id, "SPOTIPY_CLIENT_SECRET": stub.client_secret}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, env=env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"No Spotify track with id {TID}; check the link."
    assert proc.stderr == ""
    assert not list(tmp_path.glob(".cache*"))


def test_module_surface():
    assert set(sp_mod.__all__) >= {"SpotifyError", "fetch_track", "looks_like_spotify_link",
                                   "parse_track_id"}
    assert issubclass(SpotifyError, UserError)
    assert spotipy.__name__ == "spotipy"
