"""Prompt ideas for walk transitions: where a prompt could go next.

- :data:`MODIFIERS`      the built-in transition modifiers (colours, times of day, camera, styles)
- :func:`builtin_ideas`  ``n`` end prompts from the built-in list, drawn from a seed
- :func:`model_ideas`    ``n`` end prompts from a transformers text-generation model
- :func:`prompt_ideas`   a model's ideas when one is given, else the built-in ones
- :func:`load_idea_model`  a text-generation hub id or folder -> its pipeline (one sentence when
  it cannot be loaded)
- :func:`model_picture`  a lyric line -> its picture words, rewritten by the same kind of model
  (``lyrics_prompts`` with ``idea_model``)

An idea is the start prompt with a modifier appended (``"a forest, at dusk"``), so a walk from
the start prompt to the idea changes one thing (colour, time of day, view or style) and keeps
the subject, which is what makes a transition read as a transition rather than a cut.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np

from .lyrics import imagery

__all__ = ["MODIFIERS", "builtin_ideas", "load_idea_model", "model_ideas", "model_picture",
           "prompt_ideas"]

#: Built-in transition modifiers by kind of change.
MODIFIERS: dict[str, tuple[str, ...]] = {
    "colour": (
        "in shades of deep blue", "bathed in golden light", "neon pink and cyan",
        "in emerald green tones", "in crimson and black", "pastel colours",
        "monochrome silver", "vivid rainbow colours", "warm amber glow", "ultraviolet light",
    ),
    "time": (
        "at sunrise", "at dusk", "at night under the stars", "at noon", "in the blue hour",
        "during a thunderstorm", "in the fog at dawn", "under a full moon",
    ),
    "camera": (
        "wide aerial view", "extreme close-up", "seen from below", "panoramic view",
        "through a fisheye lens", "macro photograph", "seen through rain on glass",
    ),
    "style": (
        "as an oil painting", "in watercolour", "as a pencil sketch", "in ukiyo-e style",
        "as pixel art", "in art nouveau style", "as a stained glass window", "in cyberpunk style",
        "as a papercut collage", "in the style of a vintage poster",
    ),
}

_KINDS = tuple(MODIFIERS)


def builtin_ideas(prompt: str, n: int, *, seed: int) -> list[str]:
    """``n`` end prompts: ``prompt`` plus a modifier (the kinds in turn), drawn from ``seed``."""
    rng = np.random.default_rng(seed)
    start = int(rng.integers(len(_KINDS)))
    ideas = []
    for i in range(n):
        options = MODIFIERS[_KINDS[(start + i) % len(_KINDS)]]
        ideas.append(f"{prompt}, {options[int(rng.integers(len(options)))]}")
    return ideas


def _clean(text: str) -> str:
    """The first phrase of generated text: one line, no odd characters, at most 12 words."""
    line = text.strip().splitlines()[0] if text.strip() else ""
    line = re.sub(r"[^\w\s,'-]", " ", line)
    words = line.replace(",", " , ").split()
    phrase = " ".join(words[:12]).replace(" , ", ", ").strip(" ,")
    return phrase if sum(ch.isalpha() for ch in phrase) >= 3 else ""


def model_ideas(prompt: str, n: int, *, model: Any, seed: int, device: str | None = None,
                max_new_tokens: int = 16) -> list[str]:
    """``n`` end prompts continued by a text-generation model (a hub id, a local folder, or a
    loaded ``transformers`` pipeline); a continuation with no usable words falls back to a
    built-in idea. Sampling is seeded without touching torch's global generator."""
    import torch

    generate = load_idea_model(model, device)
    fallback = builtin_ideas(prompt, n, seed=seed)
    ideas = []
    lead = f"{prompt},"
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        for i in range(n):
            out = generate(lead, max_new_tokens=max_new_tokens, do_sample=True, top_k=50,
                           num_return_sequences=1, return_full_text=False)
            phrase = _clean(out[0]["generated_text"]) if out else ""
            ideas.append(f"{prompt}, {phrase}" if phrase else fallback[i])
    return ideas


def load_idea_model(model: Any, device: str | None = None) -> Any:
    """``model`` as a text-generation callable: a loaded pipeline as it is, else loaded from
    its hub id or folder (SettingsError, one sentence, when it cannot be)."""
    from transformers import pipeline

    from ..errors import SettingsError

    if callable(model):
        return model
    try:
        return pipeline("text-generation", model=model, device=device)
    except (OSError, ValueError, KeyError) as e:
        raise SettingsError(
            f"idea_model: '{model}' could not be loaded as a text-generation model ({e}); "
            "give a local transformers folder, or leave it empty for the built-in ideas."
        ) from None


def model_picture(model: Any, *, device: str | None = None,
                  max_new_tokens: int = 16) -> Callable[[str], list[str]]:
    """A function: lyric line -> its picture words as ``model`` (a text-generation hub id,
    folder or pipeline) rewrites the line into a picture, filtered like
    :func:`~.lyrics.imagery`. Greedy decoding, so a line always gives the same words; a rewrite
    without picture words falls back to the line's own imagery."""
    generate = load_idea_model(model, device)

    def picture(text: str) -> list[str]:
        out = generate(f"Song lyric: {text}\nA picture of it:", max_new_tokens=max_new_tokens,
                       do_sample=False, num_return_sequences=1, return_full_text=False)
        words = imagery(_clean(out[0]["generated_text"])) if out else []
        return words or imagery(text)

    return picture


def prompt_ideas(prompt: str, n: int, *, seed: int, model: Any = None,
                 device: str | None = None) -> list[str]:
    """A model's ideas when ``model`` is given, else the built-in ones."""
    if model:
        return model_ideas(prompt, n, model=model, seed=seed, device=device)
    return builtin_ideas(prompt, n, seed=seed)
