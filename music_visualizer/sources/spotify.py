"""Spotify track links and track metadata (through spotipy, client-credentials flow).

- :func:`parse_track_id`          a pasted link / URI / id -> the 22-character track id (strict)
- :func:`looks_like_spotify_link` cheap check for the CLI: a link rather than a file path?
- :func:`fetch_track`             link -> :class:`TrackInfo` (metadata, artists' genres, cover)
- :func:`collection_kind`, :func:`fetch_collection_links`  an album or playlist link -> its
                                  track links (``render-batch``)
- :class:`SpotifyError`           every failure, as one sentence the user can act on

Accepted link forms (surrounding whitespace and ``<...>`` brackets are ignored):

- ``https://open.spotify.com/track/<id>`` and ``http://``; host ``open.spotify.com`` or
  ``play.spotify.com``, optionally with ``www.`` in front (case-insensitive); no port, no user
  name, nothing else;
- the scheme may be left out when the text starts with one of those hosts
  (``open.spotify.com/track/<id>``);
- an optional ``/intl-xx/`` or ``/intl-xx-YY/`` segment and an optional ``/embed/`` segment
  (the embed player's address) before ``/track/``; an optional trailing slash; any query string
  or fragment (``?si=...``, ``&utm_source=...``, ``#...``);
- ``spotify:track:<id>`` (the ``spotify`` scheme is case-insensitive);
- a bare id: exactly 22 characters ``[0-9A-Za-z]``.

Everything else is refused with a :class:`SpotifyError` that says what was wrong: other kinds
(album, playlist, artist, episode, show, user, audiobook, ...), other sites and lookalike hosts,
user-info tricks, ports, extra or ``..`` path segments, percent-encoding or backslashes in the
path, spaces or control characters inside the link, wrong-length or non-base62 ids.
``spotify.link`` short links are refused too: resolving them would need a request, and parsing
never fetches anything.

Network settings (environment, read on every call; the defaults are Spotify's own URLs):

- ``MUSIC_VISUALIZER_SPOTIFY_API_URL``   becomes the client's ``prefix`` (``.../v1/``);
- ``MUSIC_VISUALIZER_SPOTIFY_TOKEN_URL`` becomes the credentials manager's ``OAUTH_TOKEN_URL``
  (set on the instance; the class attribute is never touched).

Deadline. ``requests``' timeout bounds each socket read, so a server that trickles its answer
(one byte a second) could keep a call waiting for minutes. Every HTTP request (the token, each
API call, the cover; urllib3's retries included) therefore has an overall deadline,
:data:`DEFAULT_DEADLINE` (25 s; ``MUSIC_VISUALIZER_SPOTIFY_DEADLINE`` or ``deadline=`` change
it): our session's adapter keeps a duplicate of each socket the request uses, and a timer shuts
those sockets down when the deadline passes, which ends any read, header or body, TLS included.
The adapter reads the whole body (at most 20 MB) while the timer runs.

Retries. spotipy's own session retries 429 and 5xx through urllib3, which sleeps for whatever
``Retry-After`` says (urllib3 2.x caps it at 6 hours), and an exhausted 5xx retry surfaces as a
``SpotifyException`` with status 429. So we give spotipy our own ``requests`` session: urllib3
retries connection errors and 5xx with a short backoff, ignores ``Retry-After`` and returns the
last 5xx answer as it is; 429 is handled here, waiting out ``Retry-After`` while the total wait
of one :func:`fetch_track` stays within ``max_rate_limit_wait`` (30 s), and failing at once
with "try again in N minutes" otherwise.

Secrets. spotipy logs request headers at DEBUG level (the token request's ``Basic`` header
encodes the client secret; API requests carry the ``Bearer`` token). While :func:`fetch_track`
runs, a logging filter on spotipy's loggers redacts both (and the secret itself) before any
handler sees the record, and demotes spotipy's own ERROR lines about HTTP errors to DEBUG since
each is turned into one clear :class:`SpotifyError`. The filter is removed when the call ends.
"""

from __future__ import annotations

import contextlib
import contextvars
import email.utils
import logging
import math
import os
import re
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import SplitResult, urlsplit

import requests
import spotipy
from requests.adapters import HTTPAdapter
from spotipy.cache_handler import MemoryCacheHandler
from spotipy.exceptions import SpotifyException, SpotifyOauthError
from spotipy.oauth2 import SpotifyClientCredentials
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.util.retry import Retry

from music_visualizer.errors import UserError
from music_visualizer.sources.track import TrackInfo

__all__ = [
    "API_URL_ENV",
    "DEADLINE_ENV",
    "DEFAULT_DEADLINE",
    "TOKEN_URL_ENV",
    "SpotifyError",
    "collection_kind",
    "fetch_collection_links",
    "fetch_track",
    "looks_like_spotify_link",
    "parse_track_id",
]

logger = logging.getLogger(__name__)

API_URL_ENV = "MUSIC_VISUALIZER_SPOTIFY_API_URL"
TOKEN_URL_ENV = "MUSIC_VISUALIZER_SPOTIFY_TOKEN_URL"
DEADLINE_ENV = "MUSIC_VISUALIZER_SPOTIFY_DEADLINE"
DEFAULT_DEADLINE = 25.0  # seconds for one HTTP request, all of it (module docstring)
_DEFAULT_API_URL = "https://api.spotify.com/v1/"
_DEFAULT_TOKEN_URL = "https://accounts.spotify.com/api/token"

_EXAMPLE = "https://open.spotify.com/track/<id>"
_MISSING_CREDENTIALS = (
    "Spotify credentials are missing: set SPOTIPY_CLIENT_ID and SPOTIPY_CLIENT_SECRET "
    "(in Colab: add them as secrets), or upload the audio file and use its tags."
)

# Retries done by urllib3 for connection errors and 5xx answers (429 is ours: module docstring).
_RETRIES = 2
_BACKOFF_FACTOR = 0.5  # urllib3 2.x: no sleep before the 1st retry, then 1 s, 2 s, ...
_RETRY_STATUSES = (500, 502, 503, 504)
_MAX_RATE_LIMIT_WAITS = 5  # per request, on top of the time budget
_MAX_COVER_BYTES = 20 * 1024 * 1024
_MAX_BODY_BYTES = _MAX_COVER_BYTES  # any answer; JSON answers are a few kB
_LONGEST_WAIT_SHOWN = 3600.0  # a longer Retry-After is "more than an hour"

_ID_RE = re.compile(r"[0-9A-Za-z]{22}")
_BASE62_RE = re.compile(r"[0-9A-Za-z]+")
_HOSTS = frozenset(
    {"open.spotify.com", "play.spotify.com", "www.open.spotify.com", "www.play.spotify.com"}
)
_SCHEMELESS_RE = re.compile(r"(?:www\.)?(?:open|play)\.spotify\.com/", re.IGNORECASE)
_URL_SCHEME_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
_DOMAIN_RE = re.compile(r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?:[/:?#@]|$)")
_SPOTIFY_DOMAIN_RE = re.compile(r"spotify\.(?:com|link)\b|spoti\.fi\b", re.IGNORECASE)
_INTL_RE = re.compile(r"intl-[A-Za-z]{2}(?:-[A-Za-z]{2})?")
_KINDS = {
    "album": "album",
    "playlist": "playlist",
    "artist": "artist",
    "episode": "podcast episode",
    "show": "podcast (show)",
    "user": "user profile",
    "audiobook": "audiobook",
    "chapter": "audiobook chapter",
    "collection": "library (collection)",
    "genre": "genre page",
    "search": "search page",
    "concert": "concert",
    "prerelease": "pre-release",
}

_T = TypeVar("_T")


class SpotifyError(UserError):
    """A Spotify link, credential, network or API problem, as one sentence."""


# --------------------------------------------------------------------------------------------
# Links


def _show(text: str, limit: int = 60) -> str:
    """The user's text, quoted and shortened for a message (control characters escaped)."""
    shown = text if len(text) <= limit else text[: limit - 1] + "…"
    shown = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in shown)
    return f"'{shown}'"


def _not_a_track(text: str, why: str | None = None) -> SpotifyError:
    reason = f" ({why})" if why else ""
    return SpotifyError(
        f"{_show(text)} is not a Spotify track link{reason}; paste one like {_EXAMPLE}."
    )


def _wrong_kind(kind: str, what: str = "link") -> SpotifyError:
    return SpotifyError(
        f"That is a Spotify {_KINDS[kind]} {what}; paste a track link "
        "(https://open.spotify.com/track/...)."
    )


def _check_id(text: str, candidate: str) -> str:
    """``candidate`` if it is a valid track id, else a SpotifyError naming the problem."""
    if _ID_RE.fullmatch(candidate):
        return candidate
    if not candidate:
        raise _not_a_track(text, "the track id is missing")
    if _BASE62_RE.fullmatch(candidate):
        raise _not_a_track(
            text, f"a track id has 22 letters and digits, this one has {len(candidate)}"
        )
    raise _not_a_track(text, "a track id has only letters and digits")


def _parse_uri(text: str) -> str:
    parts = text.split(":")
    kind = parts[1] if len(parts) > 1 else ""
    if kind == "track":
        if len(parts) != 3:
            raise _not_a_track(text, "a track URI is spotify:track:<id>")
        return _check_id(text, parts[2])
    if kind == "user" and len(parts) >= 4 and parts[3] in _KINDS:
        kind = parts[3]
    if kind in _KINDS:
        raise _wrong_kind(kind, "URI")
    raise _not_a_track(text, "unknown kind of Spotify URI")


def _parse_url(text: str, url: SplitResult) -> str:
    if url.scheme.lower() not in ("http", "https"):
        raise _not_a_track(text, f"a {url.scheme}: address is not a web link")
    netloc = url.netloc.lower()
    if netloc not in _HOSTS:
        if "@" in netloc:
            raise _not_a_track(text, "the address contains '@', which can hide another site")
        try:
            host = url.hostname or ""
            port = url.port
        except ValueError:
            host, port = "", None
        if host in _HOSTS and port is not None:
            raise _not_a_track(text, "unexpected port number")
        if host in ("spotify.link", "spoti.fi"):
            raise SpotifyError(
                f"{_show(text)} is a short link that only Spotify can expand; open it in a "
                f"browser and paste the track link it leads to ({_EXAMPLE})."
            )
        if host:
            raise _not_a_track(text, f"it points to {host}, not open.spotify.com")
        raise _not_a_track(text, "no site name")

    path = url.path
    if "%" in path or "\\" in path:
        raise _not_a_track(text, "encoded or unusual characters in the path")
    segments = path.split("/")[1:] if path.startswith("/") else [path]
    if segments and segments[-1] == "":
        segments.pop()  # one trailing slash
    if segments and _INTL_RE.fullmatch(segments[0]):
        segments.pop(0)
    if segments and segments[0] == "embed":
        segments.pop(0)
    if not segments:
        raise _not_a_track(text, "the address has no /track/<id> part")
    if not all(segments):
        raise _not_a_track(text, f"unexpected path {_show(path, 40)}")
    kind = segments[0]
    if kind == "user" and len(segments) >= 3 and segments[2] in _KINDS:
        kind = segments[2]
    if kind != "track":
        if kind in _KINDS:
            raise _wrong_kind(kind)
        raise _not_a_track(text, f"unexpected path {_show(path, 40)}")
    if len(segments) != 2:
        raise _not_a_track(text, f"unexpected path {_show(path, 40)}")
    return _check_id(text, segments[1])


def _clean(link: str) -> str:
    text = link.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1].strip()
    return text


def parse_track_id(link: str) -> str:
    """The 22-character track id in ``link`` (see the module docstring for the accepted forms).

    Pure string parsing with :mod:`urllib.parse` and regular expressions; nothing is fetched.
    Raises :class:`SpotifyError` (one sentence naming what was wrong) for anything else.
    """
    if not isinstance(link, str):
        raise SpotifyError(f"A Spotify track link must be text, not {type(link).__name__}.")
    text = _clean(link)
    if not text:
        raise SpotifyError(f"No Spotify link given; paste a track link like {_EXAMPLE}.")
    if any(ch.isspace() or not ch.isprintable() for ch in text):
        raise _not_a_track(text, "it contains spaces or control characters")
    if _ID_RE.fullmatch(text):
        return text
    if text[:8].lower() == "spotify:":
        return _parse_uri(text)
    address = text
    if not _URL_SCHEME_RE.match(text):
        if _SCHEMELESS_RE.match(text) or _DOMAIN_RE.match(text):
            address = "https://" + text  # parsed as a web address; the message shows the text
        elif _BASE62_RE.fullmatch(text):
            raise _not_a_track(
                text, f"a track id has 22 letters and digits, this one has {len(text)}"
            )
        else:
            raise _not_a_track(text)
    try:
        url = urlsplit(address)
    except ValueError:
        raise _not_a_track(text, "not a valid web address") from None
    return _parse_url(text, url)


def looks_like_spotify_link(text: str) -> bool:
    """True if ``text`` looks like a link, Spotify URI or bare track id rather than a file path.

    Cheap and permissive (web addresses on any site count, so that the user gets
    :func:`parse_track_id`'s clear error instead of "file not found"); it never validates.
    """
    if not isinstance(text, str):
        return False
    s = _clean(text)
    if not s:
        return False
    lower = s.lower()
    if lower.startswith("file:"):
        return False
    return bool(
        _URL_SCHEME_RE.match(s)  # http(s)://, ftp://, ...: a link, if not a Spotify one
        or lower.startswith("spotify:")
        or (_DOMAIN_RE.match(s) and _SPOTIFY_DOMAIN_RE.search(s))  # open.spotify.com/...
        or (_BASE62_RE.fullmatch(s) and 16 <= len(s) <= 32)  # an id, maybe of the wrong length
    )


# --------------------------------------------------------------------------------------------
# Logging: no secrets, no duplicate error lines


_SPOTIPY_LOGGERS = ("spotipy.client", "spotipy.oauth2", "spotipy.util")
_AUTH_RE = re.compile(r"\b(Basic|Bearer)\s+[A-Za-z0-9._~+/=-]+", re.IGNORECASE)


class _RedactSecrets(logging.Filter):
    """Redacts Authorization values and the secret; demotes spotipy's HTTP-error lines."""

    def __init__(self, secrets: tuple[str, ...]) -> None:
        super().__init__()
        self._secrets = tuple(s for s in secrets if s)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken record: keep only its format string
            message = str(record.msg)
        message = _AUTH_RE.sub(r"\1 [redacted]", message)
        for secret in self._secrets:
            message = message.replace(secret, "[redacted]")
        record.msg, record.args = message, None
        if record.levelno > logging.DEBUG and record.name == "spotipy.client":
            # "HTTP Error for GET ..." / "Max Retries reached": we raise a clear error instead.
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return True


@contextlib.contextmanager
def _redacted_spotipy_logs(*secrets: str) -> Iterator[None]:
    log_filter = _RedactSecrets(secrets)
    loggers = [logging.getLogger(name) for name in _SPOTIPY_LOGGERS]
    for lg in loggers:
        lg.addFilter(log_filter)
    try:
        yield
    finally:
        for lg in loggers:
            lg.removeFilter(log_filter)


# --------------------------------------------------------------------------------------------
# Errors


def _minutes(seconds: float) -> str:
    n = max(1, math.ceil(seconds / 60))
    return f"{n} minute" if n == 1 else f"{n} minutes"


def _retry_after(headers: Any) -> float:
    """Seconds from a Retry-After header (number or HTTP date); 1 s when absent or unreadable."""
    value = None
    with contextlib.suppress(Exception):
        value = headers.get("Retry-After")
    if value is None:
        return 1.0
    value = str(value).strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 1.0
    return max(0.0, when.timestamp() - time.time())


def _unexpected(what: str) -> SpotifyError:
    return SpotifyError(f"Spotify sent an unexpected answer for {what}; try again later.")


def _rate_limited(wait: float) -> SpotifyError:
    if not wait <= _LONGEST_WAIT_SHOWN:  # NaN and infinity too
        return SpotifyError(
            "Spotify is rate-limiting us and asks to wait more than an hour; try again later, "
            "or upload the audio file and use its tags."
        )
    return SpotifyError(f"Spotify is rate-limiting us; try again in {_minutes(wait)}.")


def _api_error(exc: SpotifyException, what: str) -> SpotifyError:
    status = exc.http_status
    if status == 401:
        return SpotifyError(
            "Spotify rejected our access token (HTTP 401); check SPOTIPY_CLIENT_ID and "
            "SPOTIPY_CLIENT_SECRET."
        )
    if status == 403:
        return SpotifyError(
            f"Spotify refused access to {what} (HTTP 403): this Spotify app may not be allowed "
            "to use that endpoint, so check it in the Spotify developer dashboard or upload the "
            "audio file and use its tags."
        )
    if isinstance(status, int) and status >= 500:
        tries = f", after {_RETRIES + 1} tries" if status in _RETRY_STATUSES else ""
        return SpotifyError(
            f"Spotify is not working right now (HTTP {status} for {what}{tries}); try again "
            "later, or upload the audio file and use its tags."
        )
    return SpotifyError(f"Spotify answered HTTP {status} for {what}; try again later.")


def _token_error(exc: SpotifyOauthError) -> SpotifyError:
    error = str(getattr(exc, "error", "") or "")
    if error in ("invalid_client", "unauthorized_client", "invalid_grant"):
        return SpotifyError(
            f"Spotify rejected the credentials ({error}); check SPOTIPY_CLIENT_ID and "
            "SPOTIPY_CLIENT_SECRET."
        )
    shown = f" ({error})" if re.fullmatch(r"[\w .-]{1,60}", error) else ""
    return SpotifyError(
        f"Spotify's token service refused the request{shown}; try again later, or upload the "
        "audio file and use its tags."
    )


def _network_error(exc: requests.RequestException, timeout: float, host: str) -> SpotifyError:
    if isinstance(exc, _DeadlineExceeded):
        return SpotifyError(
            f"Spotify did not answer in {exc.seconds:g} s (no complete answer from {exc.host}); "
            "check the internet connection and try again later, or upload the audio file and "
            "use its tags."
        )
    if isinstance(exc, requests.Timeout):
        why = f"no answer from {host} within {timeout:g} s"
    elif isinstance(exc, requests.ConnectionError):
        why = f"cannot connect to {host}"
    else:
        why = f"{type(exc).__name__} talking to {host}"
    return SpotifyError(
        f"Could not reach Spotify ({why}); check the internet connection and try again, or "
        "upload the audio file and use its tags."
    )


class _Caller:
    """Runs spotipy calls, waits out short 429s within one time budget, maps every error."""

    def __init__(self, *, max_wait: float, timeout: float, api_url: str) -> None:
        self._deadline = time.monotonic() + max_wait
        self._timeout = timeout
        self._host = urlsplit(api_url).netloc or api_url

    def __call__(self, fn: Callable[[], _T], what: str, *,
                 not_found: SpotifyError | None = None) -> _T | None:
        """``fn()``; on 404 (and 400, a malformed id) ``not_found`` is raised, or None returned."""
        waits = 0
        while True:
            try:
                return fn()
            except SpotifyException as exc:
                if exc.http_status in (400, 404):
                    if not_found is not None:
                        raise not_found from exc
                    return None
                if exc.http_status != 429:
                    raise _api_error(exc, what) from exc
                wait = _retry_after(exc.headers)
                remaining = self._deadline - time.monotonic()
                if wait > remaining or waits >= _MAX_RATE_LIMIT_WAITS:
                    raise _rate_limited(wait) from exc
                logger.info("Spotify rate limit: waiting %.0f s as asked", wait)
                time.sleep(wait)
                waits += 1
            except SpotifyOauthError as exc:
                raise _token_error(exc) from exc
            except requests.RequestException as exc:
                if isinstance(exc, (ValueError, _AnswerTooLarge)):  # e.g. not JSON
                    raise _unexpected(what) from exc
                raise _network_error(exc, self._timeout, self._host) from exc
            except (KeyError, TypeError, ValueError) as exc:  # e.g. a token answer without JSON
                raise _unexpected(what) from exc


# --------------------------------------------------------------------------------------------
# Deadline: one overall time limit per HTTP request (module docstring)


class _DeadlineExceeded(requests.Timeout):
    """A request did not finish within its deadline."""

    def __init__(self, seconds: float, host: str) -> None:
        super().__init__(f"no complete answer from {host} within {seconds:g} s")
        self.seconds = seconds
        self.host = host


class _AnswerTooLarge(requests.RequestException):
    """An answer longer than ``_MAX_BODY_BYTES``."""


class _Expired(Exception):
    """Raised inside urllib3 to stop a request whose deadline passed (not an OSError, so
    urllib3 does not retry it)."""


class _Watch:
    """The sockets one request uses; :meth:`expire` shuts them all down.

    It holds duplicates (``os.dup``) of the sockets: they stay valid while urllib3 wraps the
    original in TLS (which detaches it) or closes it, and a shutdown through any of them ends
    the connection for every reader. :meth:`close` closes only the duplicates.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self.expired = False

    def add(self, sock: socket.socket | None) -> None:
        if sock is None:
            return
        try:
            dup = socket.socket(fileno=os.dup(sock.fileno()))
        except OSError:  # already closed
            return
        with self._lock:  # shutdowns and closes never overlap (a closed number may be reused)
            self._sockets.append(dup)
            if self.expired:
                with contextlib.suppress(OSError):
                    dup.shutdown(socket.SHUT_RDWR)

    def expire(self) -> None:
        with self._lock:
            self.expired = True
            for dup in self._sockets:
                with contextlib.suppress(OSError):
                    dup.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        with self._lock:
            for dup in self._sockets:
                with contextlib.suppress(OSError):
                    dup.close()
            self._sockets = []


# The watch of the request running in this thread (urllib3 connects in the caller's thread).
_CURRENT_WATCH: contextvars.ContextVar[_Watch | None] = contextvars.ContextVar(
    "spotify_watch", default=None)


def _watch(conn: Any, sock: socket.socket | None) -> None:
    """Put ``sock`` (``conn``'s socket) under the current request's watch, once per request.

    Raises :class:`_Expired` when that request's deadline has already passed.
    """
    watch = _CURRENT_WATCH.get()
    if watch is None:
        return
    if watch.expired:
        raise _Expired()
    if sock is None:
        return
    key = (watch, sock.fileno())  # a TLS socket keeps the number of the socket it wraps
    if getattr(conn, "_spotify_watched", None) != key:
        watch.add(sock)
        conn._spotify_watched = key


class _Watched:
    """Mixin for urllib3 connections: every socket they use is watched (see :class:`_Watch`)."""

    sock: socket.socket | None

    def _new_conn(self) -> socket.socket:
        _watch(self, None)  # an expired request opens no new connection
        sock = super()._new_conn()  # type: ignore[misc]
        _watch(self, sock)
        return sock

    def request(self, *args: Any, **kwargs: Any) -> None:
        _watch(self, self.sock)  # a kept-alive connection, reused
        super().request(*args, **kwargs)  # type: ignore[misc]


class _WatchedHTTPConnection(_Watched, HTTPConnection):
    pass


class _WatchedHTTPSConnection(_Watched, HTTPSConnection):
    pass


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


_WATCHED_POOLS = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


def _read_body(response: requests.Response) -> None:
    """Read the whole body now (while the deadline's timer runs), at most _MAX_BODY_BYTES."""
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_content(64 * 1024):
        size += len(chunk)
        if size > _MAX_BODY_BYTES:
            response.close()
            raise _AnswerTooLarge(f"answer larger than {_MAX_BODY_BYTES} bytes")
        chunks.append(chunk)
    # What Response.content stores; later .content / .iter_content() read from it.
    response._content = b"".join(chunks)
    response._content_consumed = True


class _DeadlineAdapter(HTTPAdapter):
    """An HTTPAdapter whose every ``send`` (retries included) ends within ``deadline`` s."""

    def __init__(self, deadline: float, **kwargs: Any) -> None:
        self.deadline = deadline
        super().__init__(**kwargs)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(_WATCHED_POOLS)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if not proxy.lower().startswith("socks"):  # SOCKS pools have their own connections
            manager.pool_classes_by_scheme = dict(_WATCHED_POOLS)
        return manager

    def send(self, request: requests.PreparedRequest, stream: bool = False,
             **kwargs: Any) -> requests.Response:
        watch = _Watch()
        timer = threading.Timer(self.deadline, watch.expire)
        timer.daemon = True
        token = _CURRENT_WATCH.set(watch)
        timer.start()
        try:
            try:
                response = super().send(request, stream=True, **kwargs)
                _read_body(response)
            except Exception as exc:
                if watch.expired:
                    raise self._expired(request) from exc
                raise
            if watch.expired:  # a body cut short by the shutdown can look complete
                response.close()
                raise self._expired(request)
            return response
        finally:
            timer.cancel()
            _CURRENT_WATCH.reset(token)
            watch.close()

    def _expired(self, request: requests.PreparedRequest) -> _DeadlineExceeded:
        return _DeadlineExceeded(self.deadline, urlsplit(request.url or "").netloc or "Spotify")


# --------------------------------------------------------------------------------------------
# Metadata and cover


def _setting_url(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip() or default
    if urlsplit(value).scheme not in ("http", "https") or not urlsplit(value).netloc:
        raise SpotifyError(f"{name} must be an http(s) address, not {_show(value)}.")
    return value


def _credential(value: str | None, env: str) -> str | None:
    value = value if value is not None else os.environ.get(env)
    value = (value or "").strip()
    return value or None


def _deadline(value: float | None) -> float:
    """``value``, else ``MUSIC_VISUALIZER_SPOTIFY_DEADLINE``, else DEFAULT_DEADLINE (seconds)."""
    if value is None:
        text = os.environ.get(DEADLINE_ENV, "").strip()
        if not text:
            return DEFAULT_DEADLINE
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not (0 < value <= 3600):
            raise SpotifyError(f"{DEADLINE_ENV} must be a number of seconds from 0 to 3600, "
                               f"not {_show(text)}.")
        return value
    if not (0 < value <= 3600):
        raise ValueError(f"deadline must be in (0, 3600] seconds, not {value!r}")
    return float(value)


def _session(deadline: float) -> requests.Session:
    """A session whose urllib3 retries cover connection errors and 5xx, never 429, and whose
    every request ends within ``deadline`` seconds."""
    retry = Retry(
        total=_RETRIES,
        connect=_RETRIES,
        read=False,  # a read timeout is reported at once, not multiplied
        status=_RETRIES,
        backoff_factor=_BACKOFF_FACTOR,
        status_forcelist=_RETRY_STATUSES,
        allowed_methods=frozenset({"GET", "POST"}),
        respect_retry_after_header=False,  # 429 is ours; 503's Retry-After would block
        raise_on_status=False,  # hand back the last 5xx answer, not a fake "429 Max Retries"
    )
    session = requests.Session()
    adapter = _DeadlineAdapter(deadline, max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def _largest_image(images: Any) -> str | None:
    best: tuple[int, str] | None = None
    for image in images if isinstance(images, list) else []:
        if not isinstance(image, dict) or not isinstance(image.get("url"), str):
            continue
        w, h = image.get("width"), image.get("height")
        area = (w if isinstance(w, int) else 0) * (h if isinstance(h, int) else 0)
        if best is None or area > best[0]:
            best = (area, image["url"])
    return best[1] if best else None


def _image_ext(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    return None


_COVER_EXTS = ("jpg", "png", "webp", "gif")


def _cached_cover(cover_dir: Path, track_id: str) -> Path | None:
    for ext in _COVER_EXTS:
        path = cover_dir / f"{track_id}.{ext}"
        if path.is_file() and path.stat().st_size > 0:
            return path
    return None


def _download_cover(session: requests.Session, url: str, cover_dir: Path, track_id: str,
                    timeout: float) -> Path | None:
    """Download the cover to ``cover_dir/<id>.<ext>``; None (with a warning) on any failure."""
    if urlsplit(url).scheme not in ("http", "https"):
        logger.warning("Cover image skipped: not a web address")
        return None
    try:
        # the session's adapter reads the whole answer within the deadline and refuses one
        # over _MAX_BODY_BYTES (_AnswerTooLarge)
        response = session.get(url, timeout=timeout)
        if response.status_code != 200:
            logger.warning("Cover image not downloaded: HTTP %s", response.status_code)
            return None
        data = response.content
    except requests.RequestException as exc:
        why = exc if isinstance(exc, (_DeadlineExceeded, _AnswerTooLarge)) else type(exc).__name__
        logger.warning("Cover image not downloaded: %s", why)
        return None
    ext = _image_ext(data)
    if ext is None:
        logger.warning("Cover image not downloaded: the answer is not an image")
        return None
    cover_dir.mkdir(parents=True, exist_ok=True)
    path = cover_dir / f"{track_id}.{ext}"
    fd, tmp = tempfile.mkstemp(prefix=f".{track_id}.", suffix=".part", dir=cover_dir)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path


def _names(items: Any) -> tuple[str, ...]:
    if not isinstance(items, list):
        return ()
    return tuple(i["name"] for i in items if isinstance(i, dict) and isinstance(i.get("name"), str))


def fetch_track(link: str, *, cover_dir: Path, client_id: str | None = None,
                client_secret: str | None = None, timeout: float = 10.0,
                max_rate_limit_wait: float = 30.0, deadline: float | None = None) -> TrackInfo:
    """The track behind ``link``, with its album cover downloaded into ``cover_dir``.

    Uses only the single-item endpoints ``GET tracks/<id>`` and ``GET artists/<id>`` (never
    batch endpoints, audio-features or audio-analysis). Credentials default to
    ``SPOTIPY_CLIENT_ID`` / ``SPOTIPY_CLIENT_SECRET``; the token lives in memory only.
    The cover (the largest image) goes to ``cover_dir/<id>.<ext>`` and is reused when already
    there; a cover that cannot be downloaded is logged and left out (``cover=None``).
    ``genres`` is the union of the artists' genres, in order. ``timeout`` bounds each wait for
    data; ``deadline`` (default: ``MUSIC_VISUALIZER_SPOTIFY_DEADLINE``, else 25 s) bounds each
    HTTP request as a whole; ``max_rate_limit_wait`` bounds the total time spent waiting out 429
    answers.

    Raises :class:`SpotifyError` for bad links, missing or wrong credentials, HTTP errors,
    rate limits, timeouts and unreachable servers.
    """
    track_id = parse_track_id(link)
    cid = _credential(client_id, "SPOTIPY_CLIENT_ID")
    secret = _credential(client_secret, "SPOTIPY_CLIENT_SECRET")
    if cid is None or secret is None:
        raise SpotifyError(_MISSING_CREDENTIALS)
    api_url = _setting_url(API_URL_ENV, _DEFAULT_API_URL)
    token_url = _setting_url(TOKEN_URL_ENV, _DEFAULT_TOKEN_URL)
    if not api_url.endswith("/"):
        api_url += "/"  # spotipy appends "tracks/<id>" to the prefix
    cover_dir = Path(cover_dir)
    seconds = _deadline(deadline)

    with _redacted_spotipy_logs(secret), _session(seconds) as session:
        auth = SpotifyClientCredentials(
            client_id=cid,
            client_secret=secret,
            requests_session=session,
            requests_timeout=timeout,
            cache_handler=MemoryCacheHandler(),
        )
        auth.OAUTH_TOKEN_URL = token_url  # instance attribute; the class keeps its default
        sp = spotipy.Spotify(auth_manager=auth, requests_session=session,
                             requests_timeout=timeout)
        sp.prefix = api_url
        call = _Caller(max_wait=max_rate_limit_wait, timeout=timeout, api_url=api_url)

        data = call(lambda: sp.track(track_id), f"track {track_id}",
                    not_found=SpotifyError(f"No Spotify track with id {track_id}; check the link."))
        if not isinstance(data, dict) or not isinstance(data.get("name"), str):
            raise _unexpected(f"track {track_id}")

        album = data.get("album") if isinstance(data.get("album"), dict) else {}
        duration_ms = data.get("duration_ms")
        genres: list[str] = []
        seen_artists: set[str] = set()
        for artist in data.get("artists") or []:
            artist_id = artist.get("id") if isinstance(artist, dict) else None
            if not isinstance(artist_id, str) or not _ID_RE.fullmatch(artist_id):
                continue  # local files and odd answers have no usable artist id
            if artist_id in seen_artists:
                continue
            seen_artists.add(artist_id)
            info = call(lambda a=artist_id: sp.artist(a), f"artist {artist_id}")
            if not isinstance(info, dict):
                logger.warning("Spotify has no artist %s; its genres are left out", artist_id)
                continue
            for genre in info.get("genres") or []:
                if isinstance(genre, str) and genre and genre not in genres:
                    genres.append(genre)

        cover = _cached_cover(cover_dir, track_id)
        if cover is None:
            url = _largest_image(album.get("images"))
            if url is not None:
                cover = _download_cover(session, url, cover_dir, track_id, timeout)

    release_date = album.get("release_date")
    return TrackInfo(
        name=data["name"],
        artists=_names(data.get("artists")),
        album=album.get("name") if isinstance(album.get("name"), str) else None,
        release_date=release_date if isinstance(release_date, str) and release_date else None,
        duration=(duration_ms / 1000.0
                  if isinstance(duration_ms, (int, float)) and duration_ms > 0 else None),
        genres=tuple(genres),
        cover=str(cover) if cover is not None else None,
        audio=None,
        id=track_id,
        source="spotify",
    )


# --------------------------------------------------------------------------------------------
# Albums and playlists (render-batch): their track links


_COLLECTION_URL_RE = re.compile(
    r"(?:https?://)?(?:www\.)?(?:open|play)\.spotify\.com/(?:intl-[A-Za-z]{2}(?:-[A-Za-z]{2})?/)?"
    r"(?:embed/)?(album|playlist)/([0-9A-Za-z]{22})/?(?:[?#]\S*)?", re.IGNORECASE)
_COLLECTION_URI_RE = re.compile(r"spotify:(album|playlist):([0-9A-Za-z]{22})", re.IGNORECASE)
_MAX_COLLECTION_TRACKS = 1000


def _collection(link: str) -> tuple[str, str] | None:
    text = _clean(link) if isinstance(link, str) else ""
    match = _COLLECTION_URL_RE.fullmatch(text) or _COLLECTION_URI_RE.fullmatch(text)
    return (match.group(1).lower(), match.group(2)) if match else None


def collection_kind(link: str) -> str | None:
    """``"album"`` or ``"playlist"`` when ``link`` is an album or playlist link, else None."""
    found = _collection(link)
    return found[0] if found else None


def _closed(kind: str) -> SpotifyError:
    return SpotifyError(
        f"Spotify does not let this app read that {kind}'s tracks (Spotify's own playlists "
        "are closed to new apps); put its songs in a text file, one track link per line, and "
        "give that file instead.")


def _track_links(page: Any) -> list[str]:
    links = []
    for item in page.get("items") or [] if isinstance(page, dict) else []:
        track = item.get("track", item) if isinstance(item, dict) else None
        track_id = track.get("id") if isinstance(track, dict) else None
        if isinstance(track_id, str) and _ID_RE.fullmatch(track_id) and (
                track.get("type", "track") == "track"):
            links.append(f"https://open.spotify.com/track/{track_id}")
    return links


def fetch_collection_links(link: str, *, client_id: str | None = None,
                           client_secret: str | None = None, timeout: float = 10.0,
                           max_rate_limit_wait: float = 30.0,
                           deadline: float | None = None) -> list[str]:
    """The track links of an album or playlist, in order (local files and podcast episodes
    left out; at most 1000). Same credentials, deadlines and errors as :func:`fetch_track`;
    a playlist Spotify does not let this app read is one :class:`SpotifyError` saying to list
    its songs in a file instead."""
    found = _collection(link)
    if found is None:
        raise SpotifyError(f"{_show(_clean(str(link)))} is not a Spotify album or playlist link.")
    kind, item_id = found
    cid = _credential(client_id, "SPOTIPY_CLIENT_ID")
    secret = _credential(client_secret, "SPOTIPY_CLIENT_SECRET")
    if cid is None or secret is None:
        raise SpotifyError(_MISSING_CREDENTIALS.replace("upload the audio file and use its tags",
                                                        "list the songs in a text file"))
    api_url = _setting_url(API_URL_ENV, _DEFAULT_API_URL)
    api_url += "" if api_url.endswith("/") else "/"
    token_url = _setting_url(TOKEN_URL_ENV, _DEFAULT_TOKEN_URL)
    with _redacted_spotipy_logs(secret), _session(_deadline(deadline)) as session:
        auth = SpotifyClientCredentials(client_id=cid, client_secret=secret,
                                        requests_session=session, requests_timeout=timeout,
                                        cache_handler=MemoryCacheHandler())
        auth.OAUTH_TOKEN_URL = token_url
        sp = spotipy.Spotify(auth_manager=auth, requests_session=session,
                             requests_timeout=timeout)
        sp.prefix = api_url
        call = _Caller(max_wait=max_rate_limit_wait, timeout=timeout, api_url=api_url)
        first = (lambda: sp.album_tracks(item_id, limit=50)) if kind == "album" else (
            lambda: sp.playlist_items(item_id, limit=100, additional_types=("track",)))
        try:
            page = call(first, f"{kind} {item_id}", not_found=_closed(kind))
            links: list[str] = []
            while isinstance(page, dict) and len(links) < _MAX_COLLECTION_TRACKS:
                links += _track_links(page)
                page = call(lambda p=page: sp.next(p), f"{kind} {item_id}") if page.get(
                    "next") else None
        except SpotifyError as e:
            if getattr(e.__cause__, "http_status", None) == 403:
                raise _closed(kind) from None
            raise
    if not links:
        raise SpotifyError(f"That Spotify {kind} has no tracks this app can render; check "
                           "the link.")
    return links[:_MAX_COLLECTION_TRACKS]
