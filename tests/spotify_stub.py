"""A tiny local stand-in for Spotify's token service and Web API (tests only).

:class:`SpotifyStub` is a threaded ``http.server`` on 127.0.0.1 (port 0) that implements

- ``POST /api/token``        client credentials with HTTP Basic auth; 400 ``invalid_client``
                             for wrong credentials;
- ``GET /v1/tracks/<id>``    Web API-shaped track JSON (404 for unknown ids);
- ``GET /v1/artists/<id>``   artist JSON with genres;
- ``GET /images/<name>``     PNG covers it generates with Pillow;

needs a valid Bearer token on ``/v1/``, can be told to answer a path with any status (+ headers,
e.g. ``Retry-After``) a number of times, or to sleep before answering (for timeouts), or to
trickle its answer one byte at a time (for overall deadlines; it stops by itself after a bounded
number of bytes and seconds, then closes the connection), and records every request it gets
(method, path, query, headers, time).
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import secrets
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from PIL import Image

__all__ = ["Recorded", "SpotifyStub", "make_png"]


def make_png(width: int, height: int, color: tuple[int, int, int] = (200, 40, 90)) -> bytes:
    """A plain PNG of the given size."""
    buf = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buf, format="PNG")
    return buf.getvalue()


@dataclass(frozen=True)
class Recorded:
    """One request the stub received."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    time: float


@dataclass
class _Rule:
    status: int | None = None  # None: answer normally (after the delay)
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    delay: float = 0.0
    times: int | None = None  # None: forever
    trickle: _Trickle | None = None  # send the answer byte by byte


@dataclass(frozen=True)
class _Trickle:
    interval: float = 1.0  # seconds between bytes
    max_bytes: int = 60  # then the stub closes the connection ...
    max_seconds: float = 60.0  # ... or after this long, whichever comes first
    after_headers: bool = False  # status line and headers at once, then the body byte by byte


class _TrickleWriter:
    """Stands in for a handler's ``wfile``: writes byte by byte, within the rule's bounds."""

    def __init__(self, raw: Any, connection: Any, trickle: _Trickle) -> None:
        self._raw = raw
        self._connection = connection
        self._trickle = trickle
        self._start = time.monotonic()
        self._sent = 0  # bytes trickled
        self._seen = b""  # the start of the answer, until the headers' end is found
        self._in_body = False
        self.done = False

    def _stop(self) -> None:
        self.done = True
        with contextlib.suppress(OSError):
            self._connection.shutdown(socket.SHUT_RDWR)  # the client sees the answer end

    def write(self, data: bytes) -> int:
        data = bytes(data)
        if self.done:
            return len(data)
        t = self._trickle
        if t.after_headers and not self._in_body:
            self._seen += data
            end = self._seen.find(b"\r\n\r\n")
            if end < 0:
                return len(data)
            head, data = self._seen[: end + 4], self._seen[end + 4:]
            self._in_body = True
            try:
                self._raw.write(head)
                self._raw.flush()
            except OSError:
                self._stop()
                return len(head) + len(data)
        for i in range(len(data)):
            if (self._sent >= t.max_bytes
                    or time.monotonic() - self._start >= t.max_seconds):
                self._stop()
                break
            try:
                self._raw.write(data[i:i + 1])
                self._raw.flush()
            except OSError:  # the client gave up
                self._stop()
                break
            self._sent += 1
            time.sleep(t.interval)
        return len(data)

    def flush(self) -> None:
        if not self.done:
            try:
                self._raw.flush()
            except OSError:
                self._stop()

    def close(self) -> None:
        with contextlib.suppress(OSError):  # bytes left in the buffer of a closed connection
            self._raw.close()

    @property
    def closed(self) -> bool:
        return self._raw.closed


class SpotifyStub:
    """The stub server; use as a context manager or call :meth:`start` / :meth:`stop`."""

    def __init__(self, client_id: str = "stub-client-id",
                 client_secret: str = "stub-client-secret-0123456789") -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.tracks: dict[str, dict[str, Any]] = {}
        self.artists: dict[str, dict[str, Any]] = {}
        self.images: dict[str, bytes] = {}
        self.requests: list[Recorded] = []
        self.tokens: set[str] = set()
        self._rules: dict[str, list[_Rule]] = {}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---- lifecycle ----------------------------------------------------------------------
    def start(self) -> SpotifyStub:
        stub = self

        class Handler(_Handler):
            pass

        Handler.stub = stub
        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        server.block_on_close = False
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> SpotifyStub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the stub first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_url(self) -> str:
        return self.url + "/v1/"

    @property
    def token_url(self) -> str:
        return self.url + "/api/token"

    # ---- content --------------------------------------------------------------------------
    def add_artist(self, artist_id: str, name: str, genres: list[str] | None = None) -> dict:
        artist = {
            "id": artist_id, "name": name, "type": "artist", "uri": f"spotify:artist:{artist_id}",
            "genres": list(genres or []),
            "href": f"{self.api_url}artists/{artist_id}",
            "external_urls": {"spotify": f"https://open.spotify.com/artist/{artist_id}"},
            "images": [],
        }
        self.artists[artist_id] = artist
        return artist

    def add_track(self, track_id: str, name: str, artists: list[tuple[str, str]], *,
                  album: str = "An Album", release_date: str = "2021-03-04",
                  duration_ms: int = 215_000, image_sizes: tuple[int, ...] = (300, 640, 64),
                  image_urls: list[dict[str, Any]] | None = None) -> dict:
        """A track whose album has one generated PNG per size (in that order, not sorted)."""
        images = image_urls
        if images is None:
            images = []
            for size in image_sizes:
                path = f"/images/{track_id}-{size}.png"
                self.images[path] = make_png(size, size)
                images.append({"url": self.url + path, "width": size, "height": size})
        simple = [{"id": a, "name": n, "type": "artist", "uri": f"spotify:artist:{a}"}
                  for a, n in artists]
        track = {
            "id": track_id, "name": name, "type": "track", "uri": f"spotify:track:{track_id}",
            "duration_ms": duration_ms, "explicit": False, "track_number": 1, "disc_number": 1,
            "artists": simple,
            "album": {"id": "A" * 22, "name": album, "album_type": "album",
                      "release_date": release_date, "release_date_precision": "day",
                      "images": images, "artists": simple},
            "external_urls": {"spotify": f"https://open.spotify.com/track/{track_id}"},
        }
        self.tracks[track_id] = track
        return track

    # ---- behaviour ------------------------------------------------------------------------
    def fail(self, path: str, status: int, *, headers: dict[str, str] | None = None,
             body: bytes | dict | None = None, times: int | None = None) -> None:
        """Answer ``path`` (no query) with ``status`` for the next ``times`` requests."""
        if isinstance(body, dict):
            body = json.dumps(body).encode()
        if body is None and status >= 400:
            body = json.dumps({"error": {"status": status, "message": f"stub {status}"}}).encode()
        with self._lock:
            self._rules.setdefault(path, []).append(
                _Rule(status=status, headers=dict(headers or {}), body=body, times=times))

    def delay(self, path: str, seconds: float, *, times: int | None = None) -> None:
        """Sleep ``seconds`` before answering ``path`` (for timeouts)."""
        with self._lock:
            self._rules.setdefault(path, []).append(_Rule(delay=seconds, times=times))

    def trickle(self, path: str, *, interval: float = 1.0, max_bytes: int = 60,
                max_seconds: float = 60.0, after_headers: bool = False,
                times: int | None = None) -> None:
        """Send the answer to ``path`` one byte every ``interval`` s (status line first, or
        the body only with ``after_headers``); stop and close the connection after
        ``max_bytes`` bytes or ``max_seconds`` s, whichever comes first."""
        with self._lock:
            self._rules.setdefault(path, []).append(_Rule(
                times=times, trickle=_Trickle(interval, max_bytes, max_seconds, after_headers)))

    def reset(self) -> None:
        """Forget rules and recorded requests (content and tokens stay)."""
        with self._lock:
            self._rules.clear()
            self.requests.clear()

    def paths(self, method: str | None = None) -> list[str]:
        with self._lock:
            return [r.path for r in self.requests if method is None or r.method == method]

    def _take_rule(self, path: str) -> _Rule | None:
        with self._lock:
            rules = self._rules.get(path)
            while rules:
                rule = rules[0]
                if rule.times is None:
                    return rule
                if rule.times > 0:
                    rule.times -= 1
                    if rule.times == 0:
                        rules.pop(0)
                    return rule
                rules.pop(0)
            return None

    def _record(self, req: Recorded) -> None:
        with self._lock:
            self.requests.append(req)


class _Handler(BaseHTTPRequestHandler):
    stub: SpotifyStub
    protocol_version = "HTTP/1.1"
    wbufsize = -1  # headers and body leave in one write (flushed after each request) ...
    disable_nagle_algorithm = True  # ... and at once: no 40 ms delayed-ACK stalls

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _send(self, status: int, body: bytes = b"", content_type: str = "application/json",
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, obj: Any, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(obj).encode(), headers=headers)

    def _handle(self) -> None:
        stub = self.stub
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        stub._record(Recorded(self.command, url.path, url.query, dict(self.headers.items()),
                              time.monotonic()))
        rule = stub._take_rule(url.path)
        if rule is not None and rule.trickle is not None:
            self.wfile = _TrickleWriter(self.wfile, self.connection, rule.trickle)
            self.close_connection = True
        if rule is not None:
            if rule.delay:
                time.sleep(rule.delay)
            if rule.status is not None:
                self._send(rule.status, rule.body or b"", headers=rule.headers)
                return
        if url.path == "/api/token" and self.command == "POST":
            self._token(body)
        elif url.path.startswith("/v1/"):
            self._api(url.path[len("/v1/"):], url.query)
        elif url.path in stub.images and self.command == "GET":
            self._send(200, stub.images[url.path], content_type="image/png")
        else:
            self._json(404, {"error": {"status": 404, "message": "Service not found"}})

    def _token(self, body: bytes) -> None:
        stub = self.stub
        expected = base64.b64encode(f"{stub.client_id}:{stub.client_secret}".encode()).decode()
        form = parse_qs(body.decode("ascii", "replace"))
        if self.headers.get("Authorization") != f"Basic {expected}":
            self._json(400, {"error": "invalid_client", "error_description": "Invalid client"})
        elif form.get("grant_type") != ["client_credentials"]:
            self._json(400, {"error": "unsupported_grant_type",
                             "error_description": "grant_type must be client_credentials"})
        else:
            token = "stub-token-" + secrets.token_urlsafe(16)
            with stub._lock:
                stub.tokens.add(token)
            self._json(200, {"access_token": token, "token_type": "Bearer",
                             "expires_in": 3600})

    def _api(self, rest: str, query: str) -> None:
        stub = self.stub
        auth = self.headers.get("Authorization", "")
        with stub._lock:
            known = auth.startswith("Bearer ") and auth[len("Bearer "):] in stub.tokens
        if not known:
            self._json(401, {"error": {"status": 401, "message": "Invalid access token"}})
            return
        parts = rest.split("/")
        if self.command == "GET" and len(parts) == 2 and parts[0] in ("tracks", "artists"):
            table = stub.tracks if parts[0] == "tracks" else stub.artists
            item = table.get(parts[1])
            if item is not None:
                self._json(200, item)
            else:
                self._json(404, {"error": {"status": 404, "message": "Resource not found"}})
            return
        # batch endpoints, audio-features, audio-analysis, ...: not offered to this app
        self._json(403, {"error": {"status": 403, "message": "Forbidden"}})

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()
