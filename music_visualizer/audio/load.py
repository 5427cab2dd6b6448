"""Read audio files: probe, decode, hash and title tag.

Contents
--------
- :class:`AudioInfo`   duration, sample rate and channel count of a file.
- :func:`probe_audio`  read :class:`AudioInfo` without keeping the samples.
- :func:`load_audio`   decode (a slice of) a file to float32 samples, optionally resampled and mono.
- :func:`stream_audio` the same as mono blocks, for long files (memory: a block, not the song).
- :func:`audio_hash`   SHA-256 of the file bytes (the analysis cache key).
- :func:`read_title_tag`  the title tag (ID3, MP4, FLAC, Ogg), or ``None``.

Decoding tries soundfile (libsndfile: wav, flac, ogg, mp3, aiff, ...) first. Where libsndfile
cannot read a file (m4a/aac, unusual mp3), the ffmpeg binary shipped by imageio-ffmpeg decodes it to
32-bit float WAV on a pipe. Both decode in blocks: the mono mix and the resampling (soxr's
streaming resampler, equal to its one-shot result) run per block, so a long file is never held at
its native rate. Every problem with the file itself raises :class:`AudioError` with one
sentence that quotes the path and says what to do.
"""

from __future__ import annotations

import hashlib
import os
import struct
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, NamedTuple

import imageio_ffmpeg
import mutagen
import numpy as np
import soundfile as sf
import soxr

from music_visualizer.errors import AudioError

__all__ = ["AudioInfo", "AudioStream", "audio_hash", "load_audio", "probe_audio", "read_title_tag",
           "stream_audio"]

_FORMATS_HINT = "give an mp3, wav, ogg, flac or m4a file"
_BLOCK_FRAMES = 65536
_PIPE_CHUNK = 1 << 20
_HASH_CHUNK = 1 << 20


class _Undecodable(Exception):
    """Internal: this decoder cannot read the file; try the next one."""


@dataclass(frozen=True)
class AudioInfo:
    """What a probe found in an audio file.

    Attributes
    ----------
    path : the file as given (``str``).
    duration : length in seconds (decoded frames / sample rate).
    sample_rate : native sample rate in Hz.
    channels : number of channels (1 mono, 2 stereo, ...).
    """

    path: str
    duration: float
    sample_rate: int
    channels: int


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def probe_audio(path: str | os.PathLike[str]) -> AudioInfo:
    """Return duration, sample rate and channel count of an audio file.

    The duration is checked against the decodable data, so a truncated file reports the length
    that can actually be played rather than the length its header claims.

    Parameters
    ----------
    path : audio file (mp3, wav, ogg, flac, m4a, ... at any sample rate, mono or stereo).

    Returns
    -------
    AudioInfo

    Raises
    ------
    AudioError
        The file is missing, a folder, empty, not audio, corrupt, or holds no samples.
    """
    p = _check_file(path)
    try:
        frames, sr, channels = _probe_soundfile(p)
    except _Undecodable:
        frames, sr, channels = _probe_ffmpeg(p)
    if frames <= 0:
        raise _no_samples_error(path)
    return AudioInfo(path=str(path), duration=frames / sr, sample_rate=sr, channels=channels)


def load_audio(
    path: str | os.PathLike[str],
    *,
    sr: int | None = 22050,
    mono: bool = True,
    offset: float = 0.0,
    duration: float | None = None,
) -> tuple[np.ndarray, int]:
    """Decode an audio file (or a slice of it) to float32 samples.

    Parameters
    ----------
    path : audio file (mp3, wav, ogg, flac, m4a, ... at any sample rate, mono or stereo).
    sr : target sample rate in Hz (resampled with soxr, high quality); ``None`` keeps the file's.
    mono : average the channels into one.
    offset : start of the slice in seconds (of the file's timeline).
    duration : length of the slice in seconds; ``None`` reads to the end.

    Returns
    -------
    (samples, sample_rate)
        ``samples`` is float32, shape ``(n,)`` when ``mono`` and ``(channels, n)`` otherwise
        (also for a one-channel file); ``sample_rate`` is ``sr`` or the native rate.

    Raises
    ------
    AudioError
        The file is missing, a folder, empty, not audio, corrupt, holds no samples, or
        ``offset`` lies at or past its end.
    ValueError
        ``sr`` is not positive, ``offset`` is negative or ``duration`` is not positive.
    """
    if sr is not None and sr <= 0:
        raise ValueError(f"sr must be a positive sample rate in Hz or None, got {sr!r}.")
    if offset < 0:
        raise ValueError(f"offset must be 0 or more seconds, got {offset!r}.")
    if duration is not None and duration <= 0:
        raise ValueError(f"duration must be more than 0 seconds or None, got {duration!r}.")
    p = _check_file(path)
    native_sr, blocks = _native_blocks(p, offset=offset, duration=duration)
    out_sr = native_sr if sr is None else sr
    if mono:
        parts = list(_mono_blocks(native_sr, blocks, sr=out_sr))
        n = sum(len(part) for part in parts)
    else:
        parts = list(blocks)
        n = sum(part.shape[0] for part in parts)
    if n == 0:
        raise _empty_slice_error(path, offset)
    if mono:
        return np.concatenate(parts), out_sr
    data = np.concatenate(parts)
    del parts
    if out_sr != native_sr:
        data = soxr.resample(data, native_sr, out_sr, quality="HQ")
    return np.ascontiguousarray(np.asarray(data, dtype=np.float32).T), out_sr


class AudioStream(NamedTuple):
    """What :func:`stream_audio` returns."""

    sample_rate: int
    #: about how many samples the blocks hold (from the file's header), or None if unknown
    expected_samples: int | None
    #: 1-D float32 blocks at ``sample_rate`` (some may be empty)
    blocks: Iterator[np.ndarray]


def stream_audio(path: str | os.PathLike[str], *, sr: int | None = 22050) -> AudioStream:
    """Decode an audio file to mono float32 samples, block by block.

    The samples equal ``load_audio(path, sr=sr, mono=True)``; memory is one block (about
    1.5 s at the native rate), whatever the length of the file.

    Parameters
    ----------
    path : audio file (mp3, wav, ogg, flac, m4a, ... at any sample rate, mono or stereo).
    sr : target sample rate in Hz (soxr, high quality); ``None`` keeps the file's.

    Returns
    -------
    AudioStream
        ``(sample_rate, expected_samples, blocks)``.

    Raises
    ------
    AudioError
        The file is missing, a folder, empty, not audio or corrupt (when called), or holds no
        samples (when the blocks are read).
    """
    if sr is not None and sr <= 0:
        raise ValueError(f"sr must be a positive sample rate in Hz or None, got {sr!r}.")
    p = _check_file(path)
    native_sr, blocks = _native_blocks(p, offset=0.0, duration=None)
    out_sr = native_sr if sr is None else sr
    frames = _header_frames(p)
    expected = None if frames is None else round(frames * out_sr / native_sr)

    def checked() -> Iterator[np.ndarray]:
        n = 0
        for block in _mono_blocks(native_sr, blocks, sr=out_sr):
            n += len(block)
            yield block
        if n == 0:
            raise _no_samples_error(path)

    return AudioStream(out_sr, expected, checked())


def _header_frames(path: Path) -> int | None:
    """The number of frames libsndfile's header promises, or None."""
    try:
        with sf.SoundFile(path) as f:
            return int(f.frames) if f.frames > 0 else None
    except (sf.LibsndfileError, RuntimeError, TypeError, ValueError):
        return None


def audio_hash(path: str | os.PathLike[str]) -> str:
    """Return the SHA-256 hex digest of the file's bytes, read in 1 MiB chunks.

    Parameters
    ----------
    path : any file (an empty file hashes like empty bytes).

    Returns
    -------
    str
        64 lowercase hex digits.

    Raises
    ------
    AudioError
        The file is missing or is a folder.
    """
    p = _check_file(path, allow_empty=True)
    digest = hashlib.sha256()
    with open(p, "rb") as fh:
        while chunk := fh.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def read_title_tag(path: str | os.PathLike[str]) -> str | None:
    """Return the file's title tag, or ``None`` when there is none or it cannot be read.

    Parameters
    ----------
    path : audio file with ID3 (mp3, wav, aiff), MP4 (m4a), FLAC or Ogg (Vorbis comment) tags.

    Returns
    -------
    str | None
        The first non-blank title, stripped.
    """
    try:
        audio = mutagen.File(os.fspath(path), easy=True)
        tags = None if audio is None else audio.tags
        if tags is None:
            return None
        for key in ("title", "TIT2", "\xa9nam", "TITLE"):
            try:
                value = tags.get(key)
            except (KeyError, ValueError, TypeError):
                continue
            title = _first_text(value)
            if title:
                return title
    except Exception:
        return None
    return None


# --------------------------------------------------------------------------------------------
# Checks and messages
# --------------------------------------------------------------------------------------------


def _check_file(path: str | os.PathLike[str], *, allow_empty: bool = False) -> Path:
    """Return ``path`` as a Path after checking it is a non-empty regular file."""
    p = Path(path)
    if p.is_dir():
        raise AudioError(
            f"Audio path '{path}' is a folder, not a file; give the path of an mp3, wav, ogg, "
            "flac or m4a file."
        )
    if not p.is_file():
        raise AudioError(
            f"Audio file '{path}' does not exist; check the path or upload the file again."
        )
    if not allow_empty and p.stat().st_size == 0:
        raise AudioError(
            f"Audio file '{path}' is empty (0 bytes); upload it again or choose another file."
        )
    return p


def _not_audio_error(path: str | os.PathLike[str]) -> AudioError:
    return AudioError(
        f"Audio file '{path}' could not be read as audio (it may be corrupt or not a sound "
        f"file); {_FORMATS_HINT}."
    )


def _no_samples_error(path: str | os.PathLike[str]) -> AudioError:
    return AudioError(
        f"Audio file '{path}' contains no audio samples (its length is zero); "
        "give a file that holds sound."
    )


def _empty_slice_error(path: str | os.PathLike[str], offset: float) -> AudioError:
    if offset > 0:
        return AudioError(
            f"Audio file '{path}' ends before the requested start at {offset:g} s; "
            "choose an earlier start time."
        )
    return _no_samples_error(path)


def _first_text(value: object) -> str | None:
    """First non-blank string in a mutagen tag value (list, ID3 frame or str)."""
    value = getattr(value, "text", value)
    items = value if isinstance(value, (list, tuple)) else [value]
    for item in items:
        if item is not None and str(item).strip():
            return str(item).strip()
    return None


# --------------------------------------------------------------------------------------------
# soundfile (libsndfile)
# --------------------------------------------------------------------------------------------


def _probe_soundfile(path: Path) -> tuple[int, int, int]:
    """(frames, sample_rate, channels) via libsndfile, with the length checked by decoding.

    Raises _Undecodable when libsndfile cannot open or decode the file.
    """
    try:
        with sf.SoundFile(path) as f:
            sr, channels, frames = int(f.samplerate), int(f.channels), int(f.frames)
            if frames <= 0 or sr <= 0:
                raise _Undecodable
            head = f.read(min(frames, 4096), dtype="float32", always_2d=True)
            if head.shape[0] == 0:
                raise _Undecodable
            # Compressed headers (Xing, STREAMINFO) may promise more than a truncated file holds.
            tail_len = min(frames, 4096)
            try:
                f.seek(frames - tail_len)
                tail_ok = f.read(tail_len, dtype="float32", always_2d=True).shape[0] == tail_len
            except (sf.LibsndfileError, RuntimeError):
                tail_ok = False
            if not tail_ok:
                f.seek(0)
                frames = 0
                while True:
                    block = f.read(_BLOCK_FRAMES, dtype="float32", always_2d=True)
                    if block.shape[0] == 0:
                        break
                    frames += block.shape[0]
    except (sf.LibsndfileError, RuntimeError, TypeError, ValueError) as exc:
        raise _Undecodable from exc
    if frames <= 0:
        raise _Undecodable
    return frames, sr, channels


def _soundfile_blocks(
    path: Path, *, offset: float, duration: float | None
) -> tuple[int, Iterator[np.ndarray]]:
    """(native rate, blocks (n, channels) float32) via libsndfile; raises _Undecodable.

    The blocks raise _Undecodable when libsndfile fails part way through.
    """
    try:
        f = sf.SoundFile(path)
    except (sf.LibsndfileError, RuntimeError, TypeError, ValueError) as exc:
        raise _Undecodable from exc
    try:
        sr = int(f.samplerate)
        if sr <= 0 or f.frames <= 0:
            raise _Undecodable
        start = round(offset * sr)
        left = None if duration is None else max(round(duration * sr), 1)
        if start >= f.frames:
            f.close()
            return sr, iter(())
        f.seek(start)
        first = f.read(_BLOCK_FRAMES if left is None else min(_BLOCK_FRAMES, left),
                       dtype="float32", always_2d=True)
        if first.shape[0] == 0 and start == 0:
            raise _Undecodable
    except (sf.LibsndfileError, RuntimeError, TypeError, ValueError, _Undecodable) as exc:
        f.close()
        raise _Undecodable from exc

    def blocks(block: np.ndarray, left: int | None) -> Iterator[np.ndarray]:
        with f:
            while block.shape[0]:
                yield block
                if left is not None:
                    left -= block.shape[0]
                    if left <= 0:
                        return
                try:
                    block = f.read(_BLOCK_FRAMES if left is None else min(_BLOCK_FRAMES, left),
                                   dtype="float32", always_2d=True)
                except (sf.LibsndfileError, RuntimeError, TypeError, ValueError) as exc:
                    raise _Undecodable from exc

    return sr, blocks(first, left)


def _native_blocks(
    path: Path, *, offset: float, duration: float | None
) -> tuple[int, Iterator[np.ndarray]]:
    """(native rate, blocks (n, channels) float32): libsndfile, else ffmpeg.

    When libsndfile fails part way through a file, ffmpeg decodes the rest.
    """
    try:
        sr, blocks = _soundfile_blocks(path, offset=offset, duration=duration)
    except _Undecodable:
        return _ffmpeg_blocks(path, offset=offset, duration=duration)

    def resumed() -> Iterator[np.ndarray]:
        done = 0
        try:
            for block in blocks:
                done += block.shape[0]
                yield block
        except _Undecodable:
            rest = None if duration is None else duration - done / sr
            if rest is None or rest > 0:
                yield from _ffmpeg_blocks(path, offset=offset + done / sr, duration=rest)[1]

    return sr, resumed()


def _mono_blocks(native_sr: int, blocks: Iterator[np.ndarray], *, sr: int,
                 ) -> Iterator[np.ndarray]:
    """Native blocks (n, channels) -> mono float32 blocks at ``sr`` (soxr HQ, streaming)."""
    stream = None if sr == native_sr else soxr.ResampleStream(native_sr, sr, 1, dtype="float32",
                                                              quality="HQ")
    for block in blocks:
        mono = block.mean(axis=1, dtype=np.float32)
        yield mono if stream is None else stream.resample_chunk(mono)
    if stream is not None:
        yield stream.resample_chunk(np.zeros(0, dtype=np.float32), last=True)


# --------------------------------------------------------------------------------------------
# ffmpeg fallback
# --------------------------------------------------------------------------------------------


def _ffmpeg_command(path: Path, *, offset: float, duration: float | None) -> list[str]:
    """ffmpeg arguments that decode the first audio stream to 32-bit float WAV on stdout."""
    cmd = [
        imageio_ffmpeg.get_ffmpeg_exe(),
        "-hide_banner", "-nostdin", "-loglevel", "error",
        "-i", os.path.abspath(path),
        "-map", "0:a:0", "-vn", "-sn", "-dn",
    ]  # fmt: skip
    if offset > 0:
        cmd += ["-ss", f"{offset:.6f}"]  # output-side: decoded and trimmed sample-exactly
    if duration is not None:
        cmd += ["-t", f"{duration:.6f}"]
    cmd += ["-c:a", "pcm_f32le", "-f", "wav", "-bitexact", "pipe:1"]
    return cmd


def _read_exact(stream: IO[bytes], n: int) -> bytes:
    """Read exactly ``n`` bytes (fewer only at end of stream)."""
    parts, got = [], 0
    while got < n:
        part = stream.read(n - got)
        if not part:
            break
        parts.append(part)
        got += len(part)
    return b"".join(parts)


def _read_wav_header(stream: IO[bytes]) -> tuple[int, int]:
    """Parse ffmpeg's streamed WAV header up to the data chunk; return (sample_rate, channels).

    Raises _Undecodable when the stream ends early or is not 32-bit float WAV.
    """
    riff = _read_exact(stream, 12)
    if len(riff) < 12 or riff[:4] != b"RIFF" or riff[8:12] != b"WAVE":
        raise _Undecodable
    sr = channels = 0
    while True:
        head = _read_exact(stream, 8)
        if len(head) < 8:
            raise _Undecodable
        chunk_id, size = head[:4], struct.unpack("<I", head[4:])[0]
        if chunk_id == b"data":
            break
        body = _read_exact(stream, size + (size & 1))
        if len(body) < size:
            raise _Undecodable
        if chunk_id == b"fmt " and size >= 16:
            _tag, channels, sr, _rate, _align, bits = struct.unpack("<HHIIHH", body[:16])
            if bits != 32:
                raise _Undecodable
    if sr <= 0 or channels <= 0:
        raise _Undecodable
    return sr, channels


def _ffmpeg_blocks(
    path: Path, *, offset: float, duration: float | None
) -> tuple[int, Iterator[np.ndarray]]:
    """(native rate, blocks (n, channels) float32) decoded by ffmpeg on a pipe.

    Raises AudioError when ffmpeg cannot read the file (at once) or decodes nothing and fails
    (at the end of the blocks).
    """
    cmd = _ffmpeg_command(path, offset=offset, duration=duration)
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    assert proc.stdout is not None
    stdout = proc.stdout
    try:
        sr, channels = _read_wav_header(stdout)
    except _Undecodable:
        _stop(proc)
        raise _not_audio_error(path) from None

    def blocks() -> Iterator[np.ndarray]:
        frame_bytes = 4 * channels
        rest, n_bytes = b"", 0
        try:
            while chunk := stdout.read(_PIPE_CHUNK):
                n_bytes += len(chunk)
                data = rest + chunk if rest else chunk
                usable = len(data) - len(data) % frame_bytes
                rest = data[usable:]
                if usable:
                    pcm = np.frombuffer(data, dtype="<f4", count=usable // 4)
                    yield pcm.reshape(-1, channels).astype(np.float32)
            returncode = proc.wait()
        finally:
            _stop(proc)
        if returncode != 0 and n_bytes == 0:
            raise _not_audio_error(path)

    return sr, blocks()


def _stop(proc: subprocess.Popen) -> None:
    """Close ffmpeg's output and end it if it still runs."""
    if proc.stdout is not None:
        proc.stdout.close()
    if proc.poll() is None:
        proc.kill()
    proc.wait()


def _probe_ffmpeg(path: Path) -> tuple[int, int, int]:
    """(frames, sample_rate, channels) by decoding the whole file with ffmpeg (not kept)."""
    sr, blocks = _ffmpeg_blocks(path, offset=0.0, duration=None)
    frames, channels = 0, 0
    for block in blocks:
        frames += block.shape[0]
        channels = block.shape[1]
    return frames, sr, channels
