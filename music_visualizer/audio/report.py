"""Ways to show an analysis: text, JSON + npz, a plot with the motion it drives, keyframe strings.

- :func:`describe_analysis`   a few readable lines (tempo, key, beats, sections)
- :func:`write_analysis_json` the ``analyze`` JSON, with the feature curves in an .npz beside it
- :func:`motion_curves`       the per-frame motion of some settings over the song (plan columns)
- :func:`write_plot`          waveform, beats and sections, and the motion curves, as PNG
- :func:`keyframe_string`     an expression of the music as a plain Deforum keyframe string
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np

from ..errors import SettingsError
from ..files import atomic_write_bytes
from ..modes.plan import build_plan, frame_count
from ..settings import Settings
from .analysis import AudioAnalysis

__all__ = [
    "MOTION_COLUMNS",
    "describe_analysis",
    "keyframe_string",
    "motion_curves",
    "write_analysis_json",
    "write_plot",
]

MOTION_COLUMNS = ("zoom", "angle", "translation_x", "translation_y", "strength", "noise")


def _clock(seconds: float) -> str:
    return f"{int(seconds // 60)}:{seconds % 60:04.1f}"


def describe_analysis(analysis: AudioAnalysis) -> str:
    """A short human-readable summary."""
    lines = [
        f"Duration {_clock(analysis.duration)}, tempo {analysis.tempo:.1f} BPM, "
        f"{analysis.meter} beats a bar, key {analysis.key or 'unclear'}",
        f"{len(analysis.beats)} beats, {len(analysis.downbeats)} downbeats, "
        f"{len(analysis.onsets)} onsets",
        f"Beat tracker: {analysis.beat_tracker}"
        + (f" ({analysis.beat_tracker_note})" if analysis.beat_tracker_note else ""),
        "Sections: " + "  ".join(f"{s.label} {_clock(s.start)}-{_clock(s.end)}"
                                 for s in analysis.sections),
    ]
    return "\n".join(lines)


def write_analysis_json(analysis: AudioAnalysis, path: Path, *, fps: float | None = None
                        ) -> Path:
    """Write the analysis JSON and its normalised feature curves (``<stem>.features.npz``).

    The curves are sampled at ``fps`` (default: the analysis frame rate) over the whole song;
    the JSON's ``features`` names the npz file, its frame rate and the curve names.
    """
    import io

    from .features import frame_features

    path = Path(path)
    rate = float(analysis.feature_rate) if fps is None else float(fps)
    if not 0 < rate <= 1000:
        raise SettingsError(f"fps: {rate:g} must be greater than 0.")
    n_frames = frame_count(analysis.duration, rate)
    curves = frame_features(analysis, fps=rate, n_frames=n_frames)
    npz_path = path.with_name(path.stem + ".features.npz")
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **{k: np.asarray(v, dtype=np.float32) for k, v in curves.items()})
    if path.is_dir():
        raise SettingsError(f"--json: '{path}' is a folder; give a file name like out.json.")
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(npz_path, buffer.getvalue())
    data = analysis.summary()
    data["features"] = {"npz": npz_path.name, "fps": rate, "n_frames": n_frames,
                        "names": sorted(curves)}
    atomic_write_bytes(path, (json.dumps(data, indent=1) + "\n").encode())
    return npz_path


def motion_curves(analysis: AudioAnalysis, settings: Settings) -> dict[str, np.ndarray]:
    """The motion columns of the plan ``settings`` would render for this song (the ones that
    move; zoom always)."""
    from .reactive import schedule_variables, section_starts

    duration = settings.duration or max(analysis.duration - settings.start, 1.0 / settings.fps)
    n_frames = frame_count(duration, settings.fps)
    plan = build_plan(settings, n_frames=n_frames, seed=max(settings.seed, 0),
                      variables=schedule_variables(analysis, fps=settings.fps,
                                                   n_frames=n_frames, start=settings.start),
                      section_starts=section_starts(analysis))
    return {name: plan.columns[name] for name in MOTION_COLUMNS
            if name == "zoom" or np.ptp(plan.columns[name]) > 1e-9}


def write_plot(analysis: AudioAnalysis, path: Path, *, settings: Settings | None = None,
               song: str | None = None) -> Path:
    """A PNG of the song's structure and, given settings, the motion it drives."""
    from .plot import plot_analysis

    curves = motion_curves(analysis, settings) if settings is not None else None
    return plot_analysis(analysis, path, curves=curves,
                         fps=settings.fps if settings is not None else None,
                         start=settings.start if settings is not None else 0.0, title=song)


_SCHEDULE = re.compile(r"""^\s*["']?[^:()"']+["']?\s*:\s*\(""")


def keyframe_string(analysis: AudioAnalysis, expr: str, *, fps: float, start: float = 0.0,
                    duration: float | None = None, decimals: int = 4) -> str:
    """Evaluate ``expr`` (an expression or a keyframe schedule) with the song's features at
    every frame and print it as Deforum keyframes: ``0:(1.02), 1:(1.01), ...``."""
    from ..settings.schedules import evaluate_schedule, to_deforum_string
    from .reactive import schedule_variables

    if not 0 < fps <= 1000:
        raise SettingsError(f"fps: {fps:g} must be greater than 0.")
    if not 0 <= decimals <= 12:
        raise SettingsError(f"decimals: {decimals} must be between 0 and 12.")
    if not 0 <= start < analysis.duration:
        raise SettingsError(
            f"start: {start:g} s is outside the song (0 to {analysis.duration:.2f} s).")
    available = analysis.duration - start
    if duration is not None and not 0 < duration <= available + 0.05:
        raise SettingsError(f"duration: {duration:g} s must be between 0 and {available:.2f} s.")
    n_frames = frame_count(duration or available, fps)
    schedule = expr if _SCHEDULE.match(expr) else f"0:({expr})"
    variables = schedule_variables(analysis, fps=fps, n_frames=n_frames, start=start)
    variables.update({"fps": float(fps), "s": 0.0})
    values = evaluate_schedule(schedule, field="expr", n_frames=n_frames, variables=variables)
    return to_deforum_string(values, decimals=decimals)
