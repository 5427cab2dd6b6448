"""Audio for a Spotify track when none was uploaded: spotdl, run as a separate program.

- :func:`spotdl_command`  the spotdl program to run (``MUSIC_VISUALIZER_SPOTDL`` or our own venv)
- :func:`download_track`  run spotdl for one track -> (audio path, duration warning or None)
- :func:`lyrics_report`   whether lyrics came with a download (one sentence for the user)
- :class:`DownloadError`, :class:`SpotdlMissingError`  what the user is told when it fails

spotdl pins fastapi/starlette versions that break Gradio, so it is never imported and never
installed into our environment: it lives in its own venv under the cache folder
(``~/.cache/music_visualizer/spotdl-venv``, or ``$MUSIC_VISUALIZER_CACHE/spotdl-venv``), created
on first use with ``python -m venv`` and ``pip install spotdl``. ``MUSIC_VISUALIZER_SPOTDL`` names
another program instead (tests point it at a fake).

The command line (spotdl 4)::

    spotdl download <url> --output <out_dir>/{track-id}.{output-ext} --format mp3
        --overwrite force --ffmpeg <imageio-ffmpeg binary> --print-errors --simple-tui
        --lyrics synced genius azlyrics musixmatch --generate-lrc
        [--client-id ID --client-secret SECRET]   # from SPOTIPY_CLIENT_ID/SECRET when set

so the file lands at a predictable ``<out_dir>/<track id>.mp3`` and a second call for the same
track reuses it without running spotdl again. The lyrics: ``--lyrics`` tries the synchronised
provider first (LRC from Deezer/NetEase/... through the ``syncedlyrics`` library), then spotdl's
plain-text ones, and embeds what it found (in an mp3 the ``USLT`` tag, its times stripped);
``--generate-lrc`` writes the synchronised lyrics to ``<out_dir>/<track id>.lrc``, the sidecar
:func:`~music_visualizer.lyrics.find_lyrics` reads first. A spotdl too old for these options is
run again without them; an ``.lrc`` it wrote that cannot be read is deleted (with a note), so a
run never fails on it.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from music_visualizer import child_process
from music_visualizer.errors import UserError
from music_visualizer.lyrics import find_lyrics, read_lyrics_file
from music_visualizer.lyrics.find import sidecar_path
from music_visualizer.sources.track import TrackInfo

__all__ = [
    "DURATION_TOLERANCE",
    "DownloadError",
    "SpotdlMissingError",
    "download_track",
    "lyrics_report",
    "spotdl_command",
    "spotdl_venv_dir",
]

ENV_PROGRAM = "MUSIC_VISUALIZER_SPOTDL"
DURATION_TOLERANCE = 2.0  # seconds between Spotify's duration and the download's before a warning
AUDIO_EXTENSIONS = (".mp3", ".m4a", ".opus", ".ogg", ".flac", ".wav")
_FORMAT = "mp3"
_VENV_TIMEOUT = 900.0
_TAIL_LINES = 6
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\r")
#: spotdl's lyrics options: synchronised lyrics first, written to an .lrc next to the song too
LYRICS_OPTIONS = ("--lyrics", "synced", "genius", "azlyrics", "musixmatch", "--generate-lrc")
_TRACK_ID = re.compile(r"(?:track[/:])([A-Za-z0-9]{22})(?![A-Za-z0-9])")


class DownloadError(UserError):
    """spotdl could not provide the audio (failed, timed out, produced nothing usable)."""


class SpotdlMissingError(DownloadError):
    """spotdl is not available and its own environment cannot be created (e.g. offline)."""


# --------------------------------------------------------------------------------------------
# The spotdl program
# --------------------------------------------------------------------------------------------


def spotdl_venv_dir() -> Path:
    """Where our private spotdl venv lives: ``<cache>/spotdl-venv``."""
    from music_visualizer.audio.analysis import default_cache_dir

    return default_cache_dir() / "spotdl-venv"


def spotdl_command() -> list[str]:
    """The argument list that starts spotdl (no shell is ever involved).

    ``MUSIC_VISUALIZER_SPOTDL`` wins: the path of a program, or a command split like a shell would
    (``"python /path/fake_spotdl.py"``) but never run by one. Otherwise the spotdl of our own venv,
    created on first use.

    Raises
    ------
    SpotdlMissingError
        The override names a missing program, or the venv cannot be created (offline, no pip).
    """
    override = os.environ.get(ENV_PROGRAM, "").strip()
    if override:
        if Path(override).is_file():  # a path with spaces, unsplit
            return [override]
        try:
            parts = shlex.split(override, posix=os.name != "nt")
        except ValueError as exc:
            raise SpotdlMissingError(
                f"{ENV_PROGRAM}={override!r} cannot be read as a command ({exc}); "
                "set it to the path of the spotdl program."
            ) from None
        if not parts:
            raise SpotdlMissingError(f"{ENV_PROGRAM} is blank; set it to the spotdl program.")
        if shutil.which(parts[0]) is None and not Path(parts[0]).is_file():
            raise SpotdlMissingError(
                f"{ENV_PROGRAM} names '{parts[0]}', which does not exist; set it to the path "
                "of the spotdl program or unset it to use our own spotdl."
            )
        return parts
    return [str(_ensure_venv(spotdl_venv_dir()))]


def _venv_program(venv: Path, name: str) -> Path:
    if os.name == "nt":
        return venv / "Scripts" / f"{name}.exe"
    return venv / "bin" / name


def _ensure_venv(venv: Path) -> Path:
    """The spotdl program of ``venv``, creating the venv and installing spotdl when needed.

    A ``.installed`` marker is written only after pip succeeded, so a half-made venv (killed or
    offline install) is rebuilt on the next call.
    """
    program = _venv_program(venv, "spotdl")
    marker = venv / ".installed"
    if program.is_file() and marker.is_file():
        return program
    advice = ("connect to the internet once so it can be installed, set "
              f"{ENV_PROGRAM} to an installed spotdl, or upload the audio file instead")
    shutil.rmtree(venv, ignore_errors=True)
    steps = [
        [sys.executable, "-m", "venv", str(venv)],
        [str(_venv_program(venv, "python")), "-m", "pip", "install", "--disable-pip-version-check",
         "--no-input", "--timeout", "30", "spotdl"],
    ]
    try:
        venv.parent.mkdir(parents=True, exist_ok=True)
        for step in steps:
            done = child_process.run(step, capture_output=True, text=True, errors="replace",
                                     timeout=_VENV_TIMEOUT)
            no_ensurepip = "ensurepip" in done.stdout + done.stderr
            if done.returncode != 0 and step is steps[0] and no_ensurepip:
                # Debian/Colab Pythons without ensurepip: borrow the system pip (spotdl's own
                # pinned dependencies still go into the venv, which shadows the system ones)
                shutil.rmtree(venv, ignore_errors=True)
                done = child_process.run(
                    [*step[:3], "--without-pip", "--system-site-packages", str(venv)],
                    capture_output=True, text=True, errors="replace", timeout=_VENV_TIMEOUT)
            if done.returncode != 0:
                raise SpotdlMissingError(
                    f"spotdl is not installed and installing it into {venv} failed: "
                    f"{_tail(done.stdout + done.stderr)}; {advice}."
                )
    except subprocess.TimeoutExpired:
        raise SpotdlMissingError(
            f"Installing spotdl into {venv} took over {_VENV_TIMEOUT:.0f} s; {advice}."
        ) from None
    except OSError as exc:
        raise SpotdlMissingError(
            f"spotdl is not installed and its environment cannot be created ({exc}); {advice}."
        ) from None
    if not program.is_file():
        raise SpotdlMissingError(f"pip installed spotdl but no spotdl program appeared; {advice}.")
    marker.write_text("spotdl\n", encoding="utf-8")
    return program


# --------------------------------------------------------------------------------------------
# Downloading
# --------------------------------------------------------------------------------------------


def download_track(track: TrackInfo, url: str, *, out_dir: Path,
                   timeout: float = 600) -> tuple[Path, str | None]:
    """Download ``track`` (Spotify ``url``) with spotdl into ``out_dir``.

    Returns
    -------
    (path, warning)
        The audio file (``<out_dir>/<track id>.mp3``; reused when already downloaded, with the
        lyrics spotdl found next to it as ``<track id>.lrc`` or in its tags: see
        :func:`lyrics_report`) and a warning when its duration differs from ``track.duration``
        by more than 2 s, else None.

    Raises
    ------
    SpotdlMissingError
        spotdl is not available and cannot be installed.
    DownloadError
        spotdl failed (the message ends with the last lines of its output), timed out,
        produced no file, or produced a file that is not audio.
    """
    out_dir = Path(out_dir)
    track_id = track.id or _track_id_from_url(url)
    stem = track_id or _safe_stem(track.display_name)
    existing = _find_output(out_dir, stem)
    if existing is not None:
        try:
            warning = _duration_warning(track, existing)
            _drop_unreadable_lrc(existing)
            return existing, warning
        except DownloadError:
            pass  # a broken earlier download is downloaded again

    command = spotdl_command()
    out_dir.mkdir(parents=True, exist_ok=True)
    template = str(out_dir / ("{track-id}.{output-ext}" if track_id else f"{stem}.{{output-ext}}"))
    args = [*command, "download", url, "--output", template, "--format", _FORMAT,
            "--overwrite", "force", "--print-errors", "--simple-tui", *LYRICS_OPTIONS]
    ffmpeg = _ffmpeg_exe()
    if ffmpeg:
        args += ["--ffmpeg", ffmpeg]
    secrets = _credentials()
    if secrets:
        args += ["--client-id", secrets[0], "--client-secret", secrets[1]]

    before = _audio_files(out_dir)
    started = time.time()
    returncode, output = _run(args, cwd=out_dir, timeout=timeout, secrets=secrets)
    if returncode != 0 and _refused_lyrics_options(output):  # an older spotdl
        args = [arg for arg in args if arg not in LYRICS_OPTIONS]
        returncode, output = _run(args, cwd=out_dir, timeout=timeout, secrets=secrets)
    output = _redact(output, secrets)
    if returncode != 0:
        raise DownloadError(
            f"spotdl could not download {url} (exit code {returncode}): {_tail(output)}. "
            "Upload the audio file instead, or try again later."
        )
    produced = _find_output(out_dir, stem) or _new_file(out_dir, before, started)
    if produced is None:
        raise DownloadError(
            f"spotdl finished but produced no audio file for {url} in {out_dir}"
            + (f"; its output ended with: {_tail(output)}" if output.strip() else "")
            + ". The song may not be available; upload the audio file instead."
        )
    warning = _duration_warning(track, produced)
    _drop_unreadable_lrc(produced)
    return produced, warning


def _refused_lyrics_options(output: str) -> bool:
    """spotdl's argparse refused our lyrics options (a spotdl older than 4.1)."""
    refused = "unrecognized arguments" in output or "invalid choice" in output
    return refused and ("--generate-lrc" in output or "'synced'" in output)


def _drop_unreadable_lrc(song: Path) -> None:
    """Delete the ``.lrc`` spotdl wrote next to ``song`` when it cannot be read (it would stop
    every run of the song); :func:`lyrics_report` then says none came."""
    from music_visualizer.errors import LyricsError

    sidecar = sidecar_path(song)
    if sidecar is None:
        return
    try:
        read_lyrics_file(sidecar)
    except LyricsError:
        sidecar.unlink(missing_ok=True)


def lyrics_report(song: Path) -> str:
    """One sentence on the lyrics that came with the downloaded ``song``: timed lines in the
    ``.lrc`` spotdl wrote next to it or in its tags, plain lyrics in its tags (timed later), or
    none (and how to give them)."""
    try:
        found = find_lyrics(song)
    except UserError as exc:
        return f"spotdl's lyrics for the song cannot be used: {exc}"
    lyrics = found.lyrics
    if lyrics is None:
        return ("spotdl found no lyrics for the song; for lyric prompts or captions give an .lrc "
                f"file with --lyrics FILE or put it next to the song as '{song.stem}.lrc'.")
    count = f"{len(lyrics.lines)} line{'' if len(lyrics.lines) == 1 else 's'}"
    if lyrics.timed:
        return f"spotdl found the song's timed lyrics: {count} in the {lyrics.source}."
    return (f"spotdl found the song's lyrics without times: {count} in the {lyrics.source}; "
            "they are used once timed (or give an .lrc file with [mm:ss.xx] times).")


def _run(args: list[str], *, cwd: Path, timeout: float,
         secrets: tuple[str, str] | None) -> tuple[int, str]:
    """Run spotdl in its own process group; kill the whole group on timeout."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONIOENCODING": "utf-8"}
    kwargs: dict = {"start_new_session": True} if os.name != "nt" else {
        "creationflags": getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)}
    with tempfile.TemporaryFile() as log:
        try:
            # dies with us (kill -9 too), so a killed render leaves no download running
            proc = child_process.popen(args, stdout=log, stderr=subprocess.STDOUT, cwd=cwd,
                                       env=env, **kwargs)
        except OSError as exc:
            raise SpotdlMissingError(
                f"spotdl could not be started ({_redact(str(exc), secrets)}); check "
                f"{ENV_PROGRAM} or upload the audio file instead."
            ) from None
        try:
            returncode = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill(proc)
            log.seek(0)
            tail = _tail(_redact(log.read().decode("utf-8", errors="replace"), secrets))
            raise DownloadError(
                f"spotdl did not finish within {timeout:g} s and was stopped"
                + (f" (last output: {tail})" if tail else "")
                + "; try again, or upload the audio file instead."
            ) from None
        except BaseException:
            _kill(proc)
            raise
        log.seek(0)
        return returncode, log.read().decode("utf-8", errors="replace")


def _kill(proc: subprocess.Popen) -> None:
    """Stop the process we started and its children (its own process group)."""
    try:
        if os.name != "nt":
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
    except (ProcessLookupError, PermissionError, OSError):
        pass
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=10)


def _duration_warning(track: TrackInfo, path: Path) -> str | None:
    """A warning when the file's duration differs from ``track.duration`` by > 2 s."""
    from music_visualizer.audio.load import probe_audio
    from music_visualizer.errors import AudioError

    try:
        seconds = probe_audio(path).duration
    except AudioError as exc:
        raise DownloadError(
            f"spotdl produced '{path}', but it cannot be read as audio ({exc}); delete it and "
            "try again, or upload the audio file instead."
        ) from None
    if track.duration is None or abs(seconds - track.duration) <= DURATION_TOLERANCE:
        return None
    return (
        f"The downloaded audio lasts {_clock(seconds)} but Spotify says {_clock(track.duration)} "
        f"({abs(seconds - track.duration):.1f} s apart): spotdl may have found another version "
        "(a radio edit, a live take or a video with an intro). Upload the audio file for an "
        "exact match."
    )


def _clock(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def _find_output(out_dir: Path, stem: str) -> Path | None:
    for ext in AUDIO_EXTENSIONS:
        candidate = out_dir / f"{stem}{ext}"
        try:
            if candidate.is_file() and candidate.stat().st_size > 0:
                return candidate
        except OSError:
            continue
    return None


def _audio_files(folder: Path) -> dict[Path, float]:
    try:
        return {f: f.stat().st_mtime for f in folder.iterdir()
                if f.is_file() and f.suffix.lower() in AUDIO_EXTENSIONS}
    except OSError:
        return {}


def _new_file(folder: Path, before: dict[Path, float], started: float) -> Path | None:
    """The one audio file that appeared (or changed) while spotdl ran, if exactly one did."""
    after = _audio_files(folder)
    new = [f for f, mtime in after.items()
           if (f not in before or mtime != before[f]) and mtime >= started - 1
           and f.stat().st_size > 0]
    return new[0] if len(new) == 1 else None


def _track_id_from_url(url: str) -> str | None:
    match = _TRACK_ID.search(url or "")
    if match:
        return match.group(1)
    bare = (url or "").strip()
    return bare if re.fullmatch(r"[A-Za-z0-9]{22}", bare) else None


def _safe_stem(name: str) -> str:
    """A file stem for a track without an id (only ASCII letters, digits, ``-`` and ``_``)."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", name).strip("_")[:80]
    return stem or "track"


def _ffmpeg_exe() -> str | None:
    """The ffmpeg that imageio-ffmpeg ships, so spotdl needs no system ffmpeg."""
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except Exception:
        return None


def _credentials() -> tuple[str, str] | None:
    client_id = os.environ.get("SPOTIPY_CLIENT_ID", "").strip()
    secret = os.environ.get("SPOTIPY_CLIENT_SECRET", "").strip()
    return (client_id, secret) if client_id and secret else None


def _redact(text: str, secrets: tuple[str, str] | None) -> str:
    for secret in secrets or ():
        if secret:
            text = text.replace(secret, "***")
    return text


def _tail(output: str, lines: int = _TAIL_LINES) -> str:
    """The last non-blank lines of a program's output, on one line, without colour codes."""
    cleaned = [" ".join(line.split()) for line in _ANSI.sub("\n", output).splitlines()]
    kept = [line[:300] for line in cleaned if line][-lines:]
    return " | ".join(kept) if kept else "(no output)"
