"""What a song's analysis gives the plan: schedule variables and section starts.

- :func:`schedule_variables`  per-video-frame feature arrays (``beat``, ``rms``, ``drums`` ...)
                              plus the scalar ``tempo``, for keyframe expressions
- :func:`section_starts`      the start time of each section, for prompt switching
"""

from __future__ import annotations

import numpy as np

from .analysis import AudioAnalysis

__all__ = ["DEFAULT_TEMPO", "schedule_variables", "section_starts"]

#: ``tempo`` in expressions when the song has no beat (silence, ambient): keeps ``60/tempo`` sane.
DEFAULT_TEMPO = 120.0


def schedule_variables(analysis: AudioAnalysis, *, fps: float, n_frames: int, start: float = 0.0
                       ) -> dict[str, float | np.ndarray]:
    """Every audio feature at the video's frames, plus ``tempo`` (BPM), as schedule variables."""
    from .features import frame_features

    variables: dict[str, float | np.ndarray] = dict(
        frame_features(analysis, fps=fps, n_frames=n_frames, start=start))
    variables["tempo"] = float(analysis.tempo) if analysis.tempo > 0 else DEFAULT_TEMPO
    return variables


def section_starts(analysis: AudioAnalysis) -> list[float]:
    """Start time in seconds of every section, in order."""
    return [float(section.start) for section in analysis.sections]
