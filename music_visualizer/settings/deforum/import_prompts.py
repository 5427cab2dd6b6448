"""The prompts of a Deforum settings file: frame-keyed, Colab lists or cond/uncond pairs.

- :func:`prompts`  the file's prompts (and the A1111 positive/negative parts) -> ours
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from ...errors import SettingsError
from ...safe_load import parse_json
from .reader import DeforumReader, as_text

__all__ = ["prompts"]


def prompts(r: DeforumReader, n_frames: int) -> None:
    """The file's prompts, with the A1111 positive/negative parts, and the negative prompt."""
    prompts = _frame_prompts(r, n_frames)
    positive = _extra(r, "animation_prompts_positive", "positive_prompts")
    negative = _extra(r, "animation_prompts_negative", "negative_prompts")
    negative = negative.replace("--neg", "").strip()
    if isinstance(prompts, dict):
        prompts = {k: _merge_prompt(v, positive, negative) for k, v in prompts.items()}
    elif isinstance(prompts, list):
        prompts = [_merge_prompt(v, positive, negative) for v in prompts]
    elif positive:
        r.notes.append("positive prompt text without prompts is not used")
    if negative:
        r.out["negative_prompt"] = negative
    if prompts:
        r.out["prompts"] = prompts
        if isinstance(prompts, dict):
            # Deforum switches prompts without lowering strength
            r.out["section_transition"] = 0.0
            r.notes.append("prompts switch at their frames as in Deforum (strength does "
                              "not dip at a change; --section-transition turns that on)")


def _extra(r: DeforumReader, *keys: str) -> str:
    texts = [as_text(r.get(key)) for key in keys if r.has(key)]
    return next((t for t in texts if t), "")


def _frame_prompts(r: DeforumReader, n_frames: int) -> dict[str, str] | list[str] | None:
    """Deforum's frame-keyed prompts (checked), or a list (Colab still images), or None."""
    raw: Any = None
    for key in ("prompts", "animation_prompts"):
        if r.has(key) and r.data[key]:
            raw = r.get(key)
            if isinstance(raw, str):  # A1111's UI keeps them as JSON text
                try:
                    raw = parse_json(raw, name=key)
                except SettingsError:  # malformed, or nested absurdly deep
                    r.drop(key, f"{key} is not JSON of frame: prompt; not used.")
                    raw = None
            break
    if raw is None and isinstance(r.data.get("cond_prompts"), Mapping):
        raw = _pair_cond_uncond(r.get("cond_prompts"), r.get("uncond_prompts"))
    if raw is None:
        return None
    if isinstance(raw, list):
        return [t for t in raw if isinstance(t, str) and t.strip()]
    if not isinstance(raw, Mapping):
        r.notes.append("prompts are neither frame: prompt pairs nor a list; not used.")
        return None
    values = list(raw.values())
    if values and all(isinstance(v, str) and re.fullmatch(r"\d{5}", v) for v in values):
        # the Colab notebook's still-image batch: {prompt: "00000", ...}
        r.notes.append("prompts of a still-image batch: spread over the video")
        return [str(k) for k, _ in sorted(raw.items(), key=lambda kv: kv[1])]
    out: dict[str, str] = {}
    for key, text in raw.items():
        frame = _prompt_frame(str(key), n_frames)
        if not isinstance(text, str) or frame is None:
            r.notes.append(f"prompt at key {str(key)!r} is not used (the key must be a "
                              "frame number or an expression of max_f)")
            continue
        out[str(key).strip()] = text.strip()
    return out or None


def _prompt_frame(key: str, n_frames: int) -> int | None:
    """The frame of a prompt key (a number or an expression of max_f), or None."""
    from ...errors import ScheduleError
    from ..schedules import evaluate_expression

    text = key.strip().strip("\"'")
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = evaluate_expression(text, field="prompts",
                                    variables={"max_f": float(n_frames - 1)})
    except ScheduleError:
        return None
    return math.floor(float(value))


def _pair_cond_uncond(cond: Mapping[Any, Any], uncond: Any) -> dict[str, str]:
    """The Colab notebook's cond_prompts/uncond_prompts -> ``{frame: "text --neg negative"}``."""
    negatives: list[tuple[int, str]] = []
    if isinstance(uncond, Mapping):
        for key, text in uncond.items():
            try:
                negatives.append((int(str(key).strip()), str(text or "").strip()))
            except ValueError:
                continue
    negatives.sort()
    out: dict[str, str] = {}
    for key, text in cond.items():
        try:
            frame = int(str(key).strip())
        except ValueError:
            frame = None
        negative = ""
        if frame is not None:
            for start, neg in negatives:
                if start <= frame:
                    negative = neg
        text = str(text or "").strip()
        out[str(key)] = f"{text} --neg {negative}" if negative and "--neg" not in text else text
    return out


def _merge_prompt(text: str, positive: str, negative: str) -> str:
    """A1111 puts ``positive`` before and ``negative`` after every prompt; files written by a run
    already hold them. Add the positive part once; drop the negative part (it goes to
    ``negative_prompt``, which our plan adds to every prompt)."""
    from ...modes.plan import split_negative

    pos, neg = split_negative(text)
    if positive and not pos.startswith(positive):
        pos = f"{positive} {pos}".strip()
    if negative and neg.endswith(negative):
        neg = neg[: -len(negative)].rstrip(" ,")
    return f"{pos} --neg {neg}" if neg else pos
