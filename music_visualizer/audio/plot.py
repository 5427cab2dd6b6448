"""A PNG of the analysis and, under it, a plan's motion curves (for the CLI and the app).

- :func:`plot_analysis`  waveform with beats, downbeats and sections (+ per-frame curves) -> PNG

Matplotlib is imported inside the function and drawn with the Agg canvas directly
(:class:`matplotlib.figure.Figure` + ``FigureCanvasAgg``), so nothing global is touched: no
pyplot, no backend switch, no rcParams changes; it is safe in a server thread.
"""

from __future__ import annotations

import io
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from .analysis import AudioAnalysis

__all__ = ["plot_analysis"]

_MIN_WIDTH_IN, _MAX_WIDTH_IN = 9.0, 16.0
_WAVE_HEIGHT_IN = 3.4
_CURVE_HEIGHT_IN = 1.05
_MARGIN_IN = 0.9
_WAVE_COLOR = "#3b4a63"
_BEAT_COLOR = "#1f2430"
_DOWNBEAT_COLOR = "#d1495b"
_SECTION_COLORS = ("#4c78a8", "#f58518", "#54a24b", "#b279a2", "#e45756", "#72b7b2",
                   "#eeca3b", "#9d755d", "#ff9da6", "#bab0ac")
_CURVE_COLORS = ("#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#b279a2",
                 "#9d755d", "#eeca3b", "#ff9da6", "#79706e")
_TEXT = "#222222"
_GRID = "#d9dde3"


def plot_analysis(analysis: AudioAnalysis, out_path: str | os.PathLike[str], *,
                  curves: Mapping[str, np.ndarray] | None = None, fps: float | None = None,
                  start: float = 0.0, title: str | None = None, width_px: int = 1600) -> Path:
    """Draw the analysis (and optional per-frame curves) to a PNG.

    Parameters
    ----------
    analysis : AudioAnalysis
        The song's analysis; the waveform comes from ``analysis.curves["wave_peak"]``.
    out_path : path
        The PNG to write (parent folders are made; written atomically).
    curves : mapping of str to 1-D arrays, optional
        Per-video-frame values (e.g. a plan's ``zoom``, ``angle``, ``strength`` columns), one
        small panel each, in the mapping's order. Frame ``i`` is at ``start + i / fps``.
    fps : float, optional
        Frame rate of ``curves`` (required with them).
    start : float
        Song time of the curves' frame 0, in seconds.
    title : str, optional
        Shown before the tempo and key (default: "Analysis").
    width_px : int
        Width of the PNG in pixels; the height follows from the number of panels.

    Returns
    -------
    Path
        ``out_path``.
    """
    from ..files import atomic_write_bytes

    width_px = int(width_px)
    if width_px < 200:
        raise ValueError(f"width_px must be at least 200, got {width_px}")
    series = _curve_series(curves, fps)
    duration = max(float(analysis.duration), 1e-3)
    if series:
        n_frames = max(len(v) for _, v in series)
        x_lo, x_hi = float(start), float(start) + max(n_frames, 1) / float(fps)
    else:
        x_lo, x_hi = 0.0, duration

    fig, axes, fig_width, dpi = _figure(width_px, len(series))
    top = _draw_waveform(axes[0], analysis, x_lo, x_hi, width_px=width_px)
    colour, shown = _draw_sections(axes, analysis, x_lo, x_hi)
    _draw_beats(axes, analysis, x_lo, x_hi, top=top, colour=colour, shown=shown)
    _draw_curves(axes[1:], series, start=float(start), fps=fps)
    _style_axes(axes, x_lo, x_hi, fig_width=fig_width)
    fig.suptitle(_title(analysis, title), x=0.01, ha="left", fontsize=14, color=_TEXT)

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, facecolor="white")
    path = Path(out_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, buffer.getvalue())
    return path


def _figure(width_px: int, n_curves: int) -> tuple[Figure, np.ndarray, float, float]:
    """(figure, axes: the waveform's then one per curve, width in inches, dpi)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    # drawn at 9..16 inches and scaled to width_px, so text stays readable at any width
    fig_width = min(max(width_px / 100.0, _MIN_WIDTH_IN), _MAX_WIDTH_IN)
    dpi = width_px / fig_width
    height_in = _WAVE_HEIGHT_IN + _CURVE_HEIGHT_IN * n_curves + _MARGIN_IN
    fig = Figure(figsize=(fig_width, height_in), dpi=dpi,
                 facecolor="white", layout="constrained")
    FigureCanvasAgg(fig)
    fig.get_layout_engine().set(h_pad=0.04, hspace=0.02)
    axes = fig.subplots(1 + n_curves, 1, sharex=True, squeeze=False,
                        height_ratios=[_WAVE_HEIGHT_IN] + [_CURVE_HEIGHT_IN] * n_curves)[:, 0]
    return fig, axes, fig_width, dpi


def _draw_waveform(wave_ax: Axes, analysis: AudioAnalysis, x_lo: float, x_hi: float, *,
                   width_px: int) -> float:
    """The waveform's envelope on ``wave_ax``; returns its peak (the panel's scale)."""
    t, peak = _wave_envelope(analysis, x_lo, x_hi, points=2 * width_px)
    top = float(peak.max()) if len(peak) and peak.max() > 0 else 1.0
    wave_ax.fill_between(t, -peak, peak, color=_WAVE_COLOR, linewidth=0, alpha=0.85, zorder=2)
    wave_ax.axhline(0.0, color=_WAVE_COLOR, linewidth=0.6, zorder=2)
    wave_ax.set_ylim(-1.32 * top, 1.22 * top)
    wave_ax.set_yticks([])
    wave_ax.set_ylabel("waveform", color=_TEXT, fontsize=11)
    return top


def _draw_sections(axes: np.ndarray, analysis: AudioAnalysis, x_lo: float,
                   x_hi: float) -> tuple[dict[str, str], list[str]]:
    """Sections shaded on every panel, one colour per label, the label at the top.

    Returns the colour of each label and the labels shown in ``[x_lo, x_hi]``.
    """
    wave_ax = axes[0]
    labels = sorted({s.label for s in analysis.sections})
    colour = {label: _SECTION_COLORS[i % len(_SECTION_COLORS)] for i, label in enumerate(labels)}
    shown = sorted({s.label for s in analysis.sections if s.start < x_hi and s.end > x_lo})
    label_tf = wave_ax.get_xaxis_transform()
    span = x_hi - x_lo
    for section in sorted(analysis.sections, key=lambda s: s.start):
        a, b = max(section.start, x_lo), min(section.end, x_hi)
        if b <= a:
            continue
        for ax in axes:
            ax.axvspan(a, b, color=colour[section.label], alpha=0.13, linewidth=0, zorder=0)
        wave_ax.axvline(section.start, color="#8a93a3", linewidth=0.8, zorder=1)
        if (b - a) / span > 0.012:  # no label on slivers
            wave_ax.text(a + 0.004 * span, 0.975, section.label, transform=label_tf,
                         ha="left", va="top", fontsize=12, fontweight="bold",
                         color=colour[section.label], zorder=5, clip_on=True)
    return colour, shown


def _draw_beats(axes: np.ndarray, analysis: AudioAnalysis, x_lo: float, x_hi: float, *,
                top: float, colour: dict[str, str], shown: list[str]) -> None:
    """Beats as ticks along the bottom, downbeats as lines across, and the key line."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    wave_ax = axes[0]
    beats = _within(analysis.beats, x_lo, x_hi)
    downbeats = _within(analysis.downbeats, x_lo, x_hi)
    if len(beats):
        wave_ax.vlines(beats, -1.32 * top, -1.12 * top, color=_BEAT_COLOR, linewidth=0.9,
                       zorder=3)
    if len(downbeats):
        wave_ax.vlines(downbeats, -1.32 * top, 1.05 * top, color=_DOWNBEAT_COLOR, linewidth=0.9,
                       alpha=0.55, zorder=3)
        wave_ax.vlines(downbeats, -1.32 * top, -1.08 * top, color=_DOWNBEAT_COLOR,
                       linewidth=1.6, zorder=4)
        for ax in axes[1:]:
            ax.vlines(downbeats, 0, 1, transform=ax.get_xaxis_transform(),
                      color=_DOWNBEAT_COLOR, linewidth=0.6, alpha=0.3, zorder=1)
    handles = []
    if len(beats):
        handles.append(Line2D([], [], color=_BEAT_COLOR, linewidth=1.2, label="beat"))
    if len(downbeats):
        handles.append(Line2D([], [], color=_DOWNBEAT_COLOR, linewidth=1.6, label="downbeat"))
    handles += [Patch(facecolor=colour[label], alpha=0.35, label=f"section {label}")
                for label in shown[:8]]
    # a key line between the title and the panel: it never hides the waveform or a label
    if handles:
        wave_ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, 1.0),
                       ncol=len(handles), fontsize=10, frameon=False, borderaxespad=0.1,
                       borderpad=0.1, handlelength=1.4, columnspacing=1.4, labelcolor=_TEXT)


def _draw_curves(axes: np.ndarray, series: list[tuple[str, np.ndarray]], *, start: float,
                 fps: float | None) -> None:
    """One per-frame curve on each of ``axes``, frame ``i`` at ``start + i / fps``."""
    from matplotlib.ticker import MaxNLocator

    for i, ((name, values), ax) in enumerate(zip(series, axes, strict=True)):
        times = start + np.arange(len(values)) / float(fps)
        c = _CURVE_COLORS[i % len(_CURVE_COLORS)]
        ax.plot(times, values, color=c, linewidth=1.3, zorder=3)
        finite = values[np.isfinite(values)]
        lo, hi = (float(finite.min()), float(finite.max())) if len(finite) else (0.0, 1.0)
        pad = (hi - lo) * 0.12 if hi > lo else max(abs(hi) * 0.05, 0.05)
        ax.set_ylim(lo - pad, hi + pad)
        ax.yaxis.set_major_locator(MaxNLocator(nbins=3))
        ax.ticklabel_format(axis="y", useOffset=False, style="plain")
        ax.set_ylabel(name, rotation=0, ha="right", va="center", fontsize=11, color=c,
                      fontweight="bold")
        ax.grid(axis="y", color=_GRID, linewidth=0.7, zorder=0)


def _style_axes(axes: np.ndarray, x_lo: float, x_hi: float, *, fig_width: float) -> None:
    """The shared x range, ticks, grid and spines of every panel; the time axis at the bottom."""
    from matplotlib.ticker import MaxNLocator

    for ax in axes:
        ax.set_xlim(x_lo, x_hi)
        ax.tick_params(labelsize=10, colors=_TEXT, length=3)
        ax.set_facecolor("white")
        ax.grid(axis="x", color=_GRID, linewidth=0.7, zorder=0)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        for side in ("left", "bottom"):
            ax.spines[side].set_color("#9aa3b2")
    axes[-1].set_xlabel("time (s)", color=_TEXT, fontsize=11)
    axes[-1].xaxis.set_major_locator(MaxNLocator(nbins=int(fig_width * 1.1), steps=[1, 2, 5, 10]))


def _curve_series(curves: Mapping[str, np.ndarray] | None,
                  fps: float | None) -> list[tuple[str, np.ndarray]]:
    if not curves:
        return []
    if fps is None or not (math.isfinite(fps) and fps > 0):
        raise ValueError(f"plot_analysis: curves need a positive fps, got {fps}")
    series = []
    for name, values in curves.items():
        values = np.asarray(values, dtype=np.float64)
        if values.ndim != 1:
            raise ValueError(f"plot_analysis: curve {name!r} must be 1-D, got {values.shape}")
        if len(values):
            series.append((str(name), values))
    return series


def _wave_envelope(analysis: AudioAnalysis, lo: float, hi: float, *,
                   points: int) -> tuple[np.ndarray, np.ndarray]:
    """Times and ``wave_peak`` over ``[lo, hi]``, max-pooled to at most ~``points`` values."""
    peak = np.nan_to_num(np.asarray(analysis.curves.get("wave_peak", np.zeros(0)),
                                    dtype=np.float64), nan=0.0)
    rate = float(analysis.feature_rate) if analysis.feature_rate else 0.0
    if not len(peak) or rate <= 0:
        return np.zeros(0), np.zeros(0)
    a = max(math.floor(lo * rate) - 1, 0)
    b = min(math.ceil(hi * rate) + 2, len(peak))
    peak = peak[a:b]
    group = max(len(peak) // max(points, 1), 1)
    if group > 1:
        usable = len(peak) // group * group
        pooled = peak[:usable].reshape(-1, group).max(axis=1)
        if usable < len(peak):
            pooled = np.append(pooled, peak[usable:].max())
        times = (a + np.arange(len(pooled)) * group + (group - 1) / 2) / rate
        return times, pooled
    return (a + np.arange(len(peak))) / rate, peak


def _within(times: np.ndarray, lo: float, hi: float) -> np.ndarray:
    times = np.asarray(times, dtype=np.float64)
    return times[(times >= lo) & (times <= hi)]


def _title(analysis: AudioAnalysis, title: str | None) -> str:
    parts = [title or "Analysis"]
    if analysis.tempo > 0:
        parts.append(f"{analysis.tempo:.1f} BPM")
    if analysis.key:
        parts.append(analysis.key)
    if analysis.meter:
        parts.append(f"{analysis.meter} beats a bar")
    minutes, seconds = divmod(float(analysis.duration), 60.0)
    parts.append(f"{int(minutes)}:{seconds:04.1f}")
    return "   ·   ".join(parts)
