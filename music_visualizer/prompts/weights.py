"""Prompt weights in the A1111/Deforum syntax: ``"a (red:1.3) fox in (fog:0.8)"``.

- :func:`parse_weighted`   text -> ``[(chunk, weight), ...]`` (plain text has weight 1)
- :func:`has_weights`      whether a prompt uses the syntax at all
- :func:`encode_weighted`  CLIP text embeddings with each token scaled by its weight

A weight scales the text encoder's output at the tokens of its words; the whole embedding is
then rescaled to its original mean (as A1111 does, where that mean is not ~0), so weights shift
emphasis rather than brightness. A prompt without weights is encoded exactly as diffusers
encodes it.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["encode_weighted", "has_weights", "parse_weighted"]

_WEIGHTED = re.compile(r"\(([^():]+):\s*([-+]?\d*\.?\d+)\s*\)")


def has_weights(text: str) -> bool:
    return _WEIGHTED.search(text) is not None


def parse_weighted(text: str) -> list[tuple[str, float]]:
    """Split ``text`` into chunks and weights; ``(words:1.3)`` gives ``("words", 1.3)``.

    Anything that is not exactly ``(words:number)`` stays literal text with weight 1.
    """
    out: list[tuple[str, float]] = []
    position = 0
    for match in _WEIGHTED.finditer(text):
        if match.start() > position:
            out.append((text[position:match.start()], 1.0))
        out.append((match.group(1), float(match.group(2))))
        position = match.end()
    if position < len(text):
        out.append((text[position:], 1.0))
    return [(chunk, weight) for chunk, weight in out if chunk.strip()]


def encode_weighted(tokenizer: Any, text_encoder: Any, text: str, *, device: Any) -> Any:
    """``(1, max_length, width)`` embeddings of ``text`` with per-token weights.

    Tokens beyond the encoder's length are dropped (as diffusers does when truncating).
    """
    import torch

    length = tokenizer.model_max_length
    ids: list[int] = []
    weights: list[float] = []
    for chunk, weight in parse_weighted(text):
        chunk_ids = tokenizer(chunk.strip(), add_special_tokens=False).input_ids
        ids += chunk_ids
        weights += [weight] * len(chunk_ids)
    ids, weights = ids[: length - 2], weights[: length - 2]
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    ids = [tokenizer.bos_token_id, *ids, tokenizer.eos_token_id]
    weights = [1.0, *weights, 1.0]
    ids += [pad] * (length - len(ids))
    weights += [1.0] * (length - len(weights))
    tokens = torch.tensor([ids], device=device)
    hidden = text_encoder(tokens)[0]
    scale = torch.tensor(weights, device=device, dtype=hidden.dtype)[None, :, None]
    weighted = hidden * scale
    original_mean, new_mean = hidden.mean(), weighted.mean()
    # A1111 restores the mean; skip that where the mean is ~0 (the ratio would blow up)
    if new_mean.abs() > 1e-3 * hidden.abs().mean() and original_mean.abs() > 0:
        weighted = weighted * (original_mean / new_mean)
    return weighted
