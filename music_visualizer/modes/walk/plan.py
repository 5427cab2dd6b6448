"""Walk mode's plan: intervals of the song, paced by the music.

- :func:`resolve_intervals`  fill in a walk's intervals: one per section when none are given,
                             each interval's seeds, and an end prompt for transitions without one
- :func:`walk_positions`     the interpolation position of each frame of an interval, advancing
                             with the music's cumulative energy (smoothable toward linear)
- :func:`walk_columns`       the plan columns of a walk: prompts, blend, seeds, noise position
- :func:`walk_plan_columns`  walk mode's part of :func:`~music_visualizer.modes.plan.build_plan`
- :func:`intervals_resolved` whether intervals are already resolved (a run's are, once)

A frame of a walk is ``txt2img(lerp(embed(prompt_start), embed(prompt_end), t),
slerp(noise(seed), noise(seed_end), u))``. In a **transition** ``t`` and ``u`` both follow the
position (``seed_end`` defaults to ``seed``, so only the text moves and the picture keeps its
composition); in a **hold** the prompt stays and the noise moves ``hold_motion`` of the way
toward ``seed_end`` (default ``seed + 1``): a held picture that breathes with the music.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from ...errors import SettingsError
from ..prompt_table import prompt_pair

__all__ = ["intervals_resolved", "resolve_intervals", "walk_columns", "walk_plan_columns",
           "walk_positions"]

#: The fields of a resolved interval.
_RESOLVED_KEYS = ("start", "end", "prompt_start", "prompt_end", "kind", "seed", "seed_end")

Ideas = Callable[[str, int, int], list[str]]  # (prompt, n, seed) -> end prompts


def _prompt_list(prompts: Mapping[str, str] | Sequence[str], default: str) -> list[str]:
    items = list(prompts.values()) if isinstance(prompts, Mapping) else list(prompts)
    return [p for p in items if p.strip()] or [default]


def resolve_intervals(intervals: Sequence[Mapping[str, Any]], *, seed: int, start: float,
                      end: float, prompts: Mapping[str, str] | Sequence[str],
                      section_starts: Sequence[float] = (), default_prompt: str,
                      ideas: Ideas | None = None) -> list[dict[str, Any]]:
    """Every interval with all fields set.

    Without ``intervals``, one transition per section of ``[start, end)`` (the song's sections),
    the prompts taken in turn. Seeds default to ``seed + i``; a transition's ``seed_end`` to its
    ``seed``, a hold's to ``seed + 1``. A transition without ``prompt_end`` gets an idea:
    ``ideas(prompt, 1, seed)`` (default: the built-in modifiers).
    """
    from ...prompts.ideas import builtin_ideas

    ideas = ideas or (lambda prompt, n, s: builtin_ideas(prompt, n, seed=s))
    if not intervals:
        cuts = sorted({start, *(t for t in section_starts if start < t < end - 0.5)})
        texts = _prompt_list(prompts, default_prompt)
        intervals = [{"start": a, "end": b, "prompt_start": texts[i % len(texts)],
                      "kind": "transition"}
                     for i, (a, b) in enumerate(zip(cuts, [*cuts[1:], end], strict=True))]
    out = []
    for i, item in enumerate(intervals):
        kind = item.get("kind") or "transition"
        own_seed = item.get("seed")
        first = int(own_seed if own_seed is not None else (seed + i) % 2**32)
        last = item.get("seed_end")
        if last is None:
            last = first if kind == "transition" else (first + 1) % 2**32
        prompt_end = item.get("prompt_end")
        if kind == "transition" and not prompt_end:
            prompt_end = ideas(item["prompt_start"], 1, first)[0]
        out.append({"start": float(item["start"]), "end": float(item["end"]),
                    "prompt_start": item["prompt_start"],
                    "prompt_end": prompt_end if kind == "transition" else None,
                    "kind": kind, "seed": first, "seed_end": int(last)})
    return out


def intervals_resolved(intervals: Sequence[Mapping[str, Any]]) -> bool:
    """Whether ``intervals`` are what :func:`resolve_intervals` returns (every field set, the
    seeds whole numbers, every transition with its end prompt): resolving them again would
    change nothing."""
    return bool(intervals) and all(
        set(iv) == set(_RESOLVED_KEYS) and isinstance(iv["start"], float)
        and isinstance(iv["end"], float) and isinstance(iv["seed"], int)
        and isinstance(iv["seed_end"], int)
        and (iv["kind"] != "transition" or bool(iv["prompt_end"]))
        and (iv["kind"] == "transition" or iv["prompt_end"] is None)
        for iv in intervals)


def walk_plan_columns(settings: Any, columns: dict[str, np.ndarray], *, n_frames: int,
                      seed: int, default_prompt: str,
                      variables: Mapping[str, float | np.ndarray],
                      section_starts: Sequence[float]) -> tuple[list[tuple[str, str]],
                                                                np.ndarray]:
    """Walk mode's plan: set the prompt, blend, seed and noise columns of ``columns`` from the
    intervals of ``settings`` (resolved here with the built-in ideas when a run has not
    resolved them yet); returns the prompt table and index."""
    end = settings.start + n_frames / settings.fps
    intervals = settings.intervals
    if not intervals_resolved(intervals):
        intervals = resolve_intervals(intervals, seed=seed, start=settings.start, end=end,
                                      prompts=settings.prompts, section_starts=section_starts,
                                      default_prompt=default_prompt)
    feature = variables.get(settings.walk_feature)
    energy = (np.broadcast_to(np.asarray(feature, dtype=np.float64), (n_frames,))
              if feature is not None else np.ones(n_frames))
    walk = walk_columns(intervals, fps=settings.fps, start=settings.start, n_frames=n_frames,
                        energy=energy, smoothing=settings.walk_smoothing,
                        hold_motion=settings.hold_motion,
                        negative_prompt=settings.negative_prompt)
    for name in ("prompt_from", "blend", "seed", "seed_to", "noise_t"):
        columns[name] = walk[name]
    return list(walk["prompt_table"]), walk["prompt_index"]


def walk_positions(energy: np.ndarray, *, smoothing: float, endpoint: bool = True) -> np.ndarray:
    """Positions 0..1 of an interval's frames, each step as large as the frame's energy.

    Frame ``j`` moves by ``energy[j]`` (frame 0 is at 0), normalised so the last frame is at 1
    (``endpoint``) or one step short of it (the next interval starts where this one ends). The
    result is blended with the linear positions: ``smoothing`` 0 follows the music only, 1 is
    linear. A silent interval moves linearly.
    """
    n = len(energy)
    if n == 0:
        return np.zeros(0)
    steps = n - 1 if endpoint else n
    linear = np.arange(n, dtype=np.float64) / max(steps, 1)
    if steps == 0:
        return np.zeros(1)
    e = np.clip(np.asarray(energy, dtype=np.float64), 0.0, None)
    moves = e[1:] if endpoint else np.concatenate([e[1:], e[-1:]])
    total = moves.sum()
    if not math.isfinite(total) or total <= 1e-9:
        return linear
    music = np.concatenate([[0.0], np.cumsum(moves)[: n - 1]]) / total
    return (1.0 - smoothing) * music + smoothing * linear


def walk_columns(intervals: Sequence[Mapping[str, Any]], *, fps: float, start: float,
                 n_frames: int, energy: np.ndarray, smoothing: float, hold_motion: float,
                 negative_prompt: str = "") -> dict[str, Any]:
    """The plan columns of a walk over resolved intervals.

    Returns ``prompt_table`` (``(prompt, negative)`` pairs), ``prompt_index`` (the end prompt),
    ``prompt_from`` (the start prompt), ``blend`` (embedding position), ``seed``, ``seed_to``
    and ``noise_t`` (noise position), each column of length ``n_frames``.
    """
    table: list[tuple[str, str]] = []

    def entry(text: str) -> int:
        pair = prompt_pair(text, negative_prompt)
        if pair not in table:
            table.append(pair)
        return table.index(pair)

    cols = {name: np.zeros(n_frames, dtype=np.int64)
            for name in ("prompt_index", "prompt_from", "seed", "seed_to")}
    cols["blend"] = np.ones(n_frames)
    cols["noise_t"] = np.zeros(n_frames)
    times = start + np.arange(n_frames) / fps
    bounds = [float(iv["start"]) for iv in intervals]
    owner = np.clip(np.searchsorted(bounds, times + 1e-9, side="right") - 1, 0,
                    len(intervals) - 1)
    for k, iv in enumerate(intervals):
        frames = np.flatnonzero(owner == k)
        if frames.size == 0:
            raise SettingsError(
                f"intervals[{k}]: {iv['start']:g}-{iv['end']:g} s is shorter than one frame at "
                f"{fps:g} fps; make it longer or raise fps.")
        a = entry(iv["prompt_start"])
        transition = iv["kind"] == "transition"
        b = entry(iv["prompt_end"]) if transition else a
        nxt = intervals[k + 1] if k + 1 < len(intervals) else None
        continues = (nxt is not None and transition and nxt["prompt_start"] == iv["prompt_end"]
                     and int(nxt["seed"]) == int(iv["seed_end"]))
        t = walk_positions(energy[frames], smoothing=smoothing, endpoint=not continues)
        cols["prompt_index"][frames] = b
        cols["prompt_from"][frames] = a
        cols["blend"][frames] = t if transition else 1.0
        cols["seed"][frames] = int(iv["seed"])
        cols["seed_to"][frames] = int(iv["seed_end"])
        cols["noise_t"][frames] = t if transition else hold_motion * t
    return {**cols, "prompt_table": tuple(table)}
