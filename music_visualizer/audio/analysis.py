"""The music analysis of a song: a pure function of its samples, cached by content hash.

- :class:`Section`, :class:`AudioAnalysis`  the result (plain data, JSON + npz round trip)
- :func:`analyze_signal`  mono samples -> :class:`AudioAnalysis`
- :func:`analyze_file`    a file -> :class:`AudioAnalysis`, through the cache (keyed by the
  content, the version and the beat tracker, see :mod:`.trackers`); decoded and analysed in
  blocks, so memory stays a few hundred MB for an hour
- :data:`ANALYSIS_VERSION` part of the cache key: bump it when results change

Stages (each reads the shared :class:`~.spectra.Spectra`): beats, downbeats and tempo
(:mod:`.beats`), onsets, key (:mod:`.key`), sections (:mod:`.sections`) and the raw feature
curves (:mod:`.features`).
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import numpy as np

from .trackers import TrackerChoice, choose_tracker

if TYPE_CHECKING:
    from .beats import BeatResult
    from .spectra import Spectra

__all__ = [
    "ANALYSIS_VERSION",
    "AudioAnalysis",
    "Section",
    "analyze_file",
    "analyze_signal",
    "default_cache_dir",
]

ANALYSIS_VERSION = "6"


@dataclass(frozen=True)
class Section:
    """A part of the song; equal labels mean repeated material (A B A C ...)."""

    start: float
    end: float
    label: str


@dataclass(frozen=True)
class AudioAnalysis:
    """Everything the plan needs from the music.

    ``curves`` are the raw feature curves at ``feature_rate`` frames per second (1-D arrays,
    ``chroma`` is ``(12, n)``), not yet normalised: :func:`.features.frame_features` samples
    and normalises them at a video's frame rate.
    """

    duration: float
    sample_rate: int
    tempo: float
    beats: np.ndarray
    downbeats: np.ndarray
    onsets: np.ndarray
    key: str
    sections: tuple[Section, ...]
    feature_rate: float
    curves: dict[str, np.ndarray] = field(default_factory=dict)
    meter: int = 4
    version: str = ANALYSIS_VERSION
    beat_tracker: str = "builtin"  # the tracker that found the beats (see .trackers)
    beat_tracker_note: str = ""  # why auto chose it; not saved

    def summary(self) -> dict[str, Any]:
        """The JSON-able part (everything but the curves)."""
        return {
            "version": self.version,
            "duration": self.duration,
            "sample_rate": self.sample_rate,
            "tempo": self.tempo,
            "meter": self.meter,
            "beat_tracker": self.beat_tracker,
            "key": self.key,
            "beats": [round(float(t), 4) for t in self.beats],
            "downbeats": [round(float(t), 4) for t in self.downbeats],
            "onsets": [round(float(t), 4) for t in self.onsets],
            "sections": [{"start": round(s.start, 3), "end": round(s.end, 3), "label": s.label}
                         for s in self.sections],
            "feature_rate": self.feature_rate,
        }

    def save(self, json_path: Path, npz_path: Path) -> None:
        """Write the summary as JSON and the curves as npz (both atomically)."""
        import io

        from ..runs import atomic_write_bytes

        buffer = io.BytesIO()
        np.savez(buffer, **self.curves)
        atomic_write_bytes(Path(npz_path), buffer.getvalue())
        atomic_write_bytes(Path(json_path), json.dumps(self.summary()).encode())

    @classmethod
    def load(cls, json_path: Path, npz_path: Path) -> AudioAnalysis:
        data = json.loads(Path(json_path).read_text(encoding="utf-8"))
        with np.load(npz_path) as npz:
            curves = {name: npz[name] for name in npz.files}
        return cls(
            duration=float(data["duration"]), sample_rate=int(data["sample_rate"]),
            tempo=float(data["tempo"]), beats=np.asarray(data["beats"], dtype=np.float64),
            downbeats=np.asarray(data["downbeats"], dtype=np.float64),
            onsets=np.asarray(data["onsets"], dtype=np.float64), key=str(data["key"]),
            sections=tuple(Section(float(s["start"]), float(s["end"]), str(s["label"]))
                           for s in data["sections"]),
            feature_rate=float(data["feature_rate"]), curves=curves,
            meter=int(data.get("meter", 4)), version=str(data["version"]),
            beat_tracker=str(data.get("beat_tracker", "builtin")),
        )


def analyze_signal(y: np.ndarray, sr: int, *, tracker: TrackerChoice | None = None
                   ) -> AudioAnalysis:
    """Analyse mono samples ``y`` at ``sr`` (any rate; resampled to 22.05 kHz).

    ``tracker`` (default: the built-in one) finds the beats and downbeats; everything else
    is ours. ``beat_tracker`` of the result names the tracker that ran.
    """
    from .spectra import SR, compute_spectra

    y = np.asarray(y, dtype=np.float32)
    if y.ndim > 1:
        y = y.mean(axis=0)
    duration = len(y) / sr
    if sr != SR:
        import soxr

        y = soxr.resample(y, sr, SR).astype(np.float32)
    return _analyze(compute_spectra(y, SR), duration=duration, sample_rate=sr,
                    tracker=tracker or TrackerChoice("builtin", "builtin"))


def _analyze(spectra: Spectra, *, duration: float, sample_rate: int,
             tracker: TrackerChoice) -> AudioAnalysis:
    """Every stage of the analysis on the shared spectra."""
    from .beats import detect_onsets
    from .features import feature_curves
    from .key import estimate_key
    from .sections import find_sections

    beats, tracker = _track(spectra, tracker)
    onsets = detect_onsets(spectra)
    sections = find_sections(spectra, beats=beats.beats, downbeats=beats.downbeats,
                             duration=duration)
    curves = feature_curves(spectra, beats=beats.beats, downbeats=beats.downbeats,
                            sections=sections)
    return AudioAnalysis(
        duration=duration, sample_rate=int(sample_rate), tempo=float(beats.tempo),
        beats=beats.beats, downbeats=beats.downbeats, onsets=onsets,
        key=estimate_key(spectra.chroma), sections=tuple(sections),
        feature_rate=spectra.frame_rate, curves=curves, meter=int(beats.meter),
        beat_tracker=tracker.name, beat_tracker_note=tracker.note,
    )


def _track(spectra: Spectra, tracker: TrackerChoice) -> tuple[BeatResult, TrackerChoice]:
    """Beats by ``tracker``; a neural tracker that ``auto`` chose and that fails to load or
    run gives way to the built-in one (the choice returned says so)."""
    from .beats import track_beats
    from .trackers import run_tracker

    if tracker.name != "builtin":
        try:
            return run_tracker(tracker, spectra.y, spectra.sr), tracker
        except Exception as e:
            if not tracker.note.startswith("auto"):
                raise
            why = (str(e).strip().splitlines() or [""])[0][:200]
            tracker = TrackerChoice("builtin", "builtin", note=f"auto: built-in tracker "
                                    f"({tracker.name} failed: {type(e).__name__}: {why})")
    return track_beats(spectra), tracker


def _analyze_stream(path: str | os.PathLike[str], *, tracker: TrackerChoice) -> AudioAnalysis:
    """Analyse a file decoded block by block.

    Each block of samples (mono, 22.05 kHz) goes to the spectra and to an unnamed temporary
    file; the stages then read the samples through a memory map, only where they need them
    (the attacks around beats and onsets). An hour of stereo 44.1 kHz audio needs a few hundred
    MB, not the ~3.5 GB of decoding it whole.
    """
    from .load import stream_audio
    from .spectra import SR, SpectraBuilder

    stream = stream_audio(path, sr=SR)
    sr = stream.sample_rate
    builder = SpectraBuilder(sr, expected_samples=stream.expected_samples)
    with _SampleStore() as store:
        for block in stream.blocks:
            builder.feed(block)
            store.append(block)
        y = store.samples()
        return _analyze(builder.finish(y), duration=len(y) / sr, sample_rate=sr,
                        tracker=tracker)


class _SampleStore:
    """Float32 samples appended block by block, kept in an unnamed temporary file.

    :meth:`samples` maps the file read-only (its pages are read from the page cache when used
    and do not count as the process's own memory until then). When no temporary file can be
    written (no space, read-only), the samples are kept in memory instead.
    """

    def __init__(self) -> None:
        self._blocks: list[np.ndarray] = []
        self._n = 0
        try:
            self._file: IO[bytes] | None = tempfile.TemporaryFile(  # noqa: SIM115 (__exit__)
                prefix="mv_samples_")
        except OSError:
            self._file = None

    def __enter__(self) -> _SampleStore:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._file is not None:
            self._file.close()  # a memory map made by samples() stays valid

    def append(self, block: np.ndarray) -> None:
        block = np.ascontiguousarray(block, dtype="<f4")
        if self._file is not None:
            try:
                self._file.write(block.tobytes())
            except OSError:  # full disk: keep what was written, in memory
                self._file.seek(0)
                self._blocks = [np.fromfile(self._file, dtype="<f4", count=self._n)]
                self._file.close()
                self._file = None
        if self._file is None:
            self._blocks.append(block)
        self._n += len(block)

    def samples(self) -> np.ndarray:
        """All samples appended (float32, read-only when memory-mapped)."""
        if self._file is None or self._n == 0:
            return np.concatenate([np.zeros(0, dtype=np.float32), *self._blocks])
        self._file.flush()
        return np.memmap(self._file, dtype="<f4", mode="r", shape=(self._n,))


def default_cache_dir() -> Path:
    """``$MUSIC_VISUALIZER_CACHE`` or ``~/.cache/music_visualizer``."""
    root = os.environ.get("MUSIC_VISUALIZER_CACHE")
    return Path(root) if root else Path.home() / ".cache" / "music_visualizer"


def analyze_file(path: str | os.PathLike[str], *, cache_dir: Path | None = None,
                 use_cache: bool = True, digest: str | None = None,
                 beat_tracker: str = "auto", beat_this_checkpoint: str | None = None
                 ) -> AudioAnalysis:
    """Analyse an audio file, reusing a cached result for the same content, version and beat
    tracker (:func:`~.trackers.choose_tracker` of ``beat_tracker`` and
    ``beat_this_checkpoint``).

    ``digest`` is the file's :func:`~.load.audio_hash` when the caller already has it.

    Raises
    ------
    AudioError
        If the file is missing, empty, truncated or not audio.
    SettingsError
        If ``beat_tracker`` names a tracker that is not installed (or a bad checkpoint).
    """
    from .load import audio_hash

    digest = digest or audio_hash(path)
    folder = (cache_dir or default_cache_dir()) / "analysis"
    tracker = choose_tracker(beat_tracker, checkpoint=beat_this_checkpoint)
    stem = f"{digest}_v{ANALYSIS_VERSION}_{tracker.key}"
    json_path, npz_path = folder / f"{stem}.json", folder / f"{stem}.npz"
    if use_cache and json_path.is_file() and npz_path.is_file():
        try:
            return replace(AudioAnalysis.load(json_path, npz_path),
                           beat_tracker_note=tracker.note)
        except Exception:
            pass
    analysis = _analyze_stream(path, tracker=tracker)
    if use_cache and analysis.beat_tracker == tracker.name:  # not a fallback
        try:
            folder.mkdir(parents=True, exist_ok=True)
            analysis.save(json_path, npz_path)
        except OSError:
            pass  # a read-only cache only costs time
    return analysis
