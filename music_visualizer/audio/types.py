"""The result of the music analysis: plain data shared by the analysis stages and their readers.

- :class:`Section`        a part of the song (start, end, label)
- :class:`AudioAnalysis`  everything the plan needs from the music (JSON + npz round trip)
- :data:`ANALYSIS_VERSION` part of the analysis cache key: bump it when results change

The stages (:mod:`.features`, :mod:`.sections`, ...) import these types from here, and
:mod:`.analysis` runs the stages, so imports flow one way.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..files import atomic_write_bytes

__all__ = ["ANALYSIS_VERSION", "AudioAnalysis", "Section"]

ANALYSIS_VERSION = "29"


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
