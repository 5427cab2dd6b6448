"""Lyrics by speech recognition: a transformers Whisper model with word timestamps.

- :data:`DEFAULT_MODEL`     ``openai/whisper-small``
- :class:`Recognizer`       a loaded Whisper model, its feature extractor and tokenizer
- :func:`load_recognizer`   hub id or local folder -> :class:`Recognizer` (else ModelError)
- :func:`model_is_local`    whether a model loads with no download (a folder, or cached)
- :func:`recognize_words`   samples -> timed words (30 s windows cut at quiet moments; progress)
- :func:`words_from_tokens` token ids + their start times -> words (the post-processing)
- :func:`lines_from_words`  words -> lines, broken at pauses and at the end of sentences

Word times come from ``generate(return_token_timestamps=True)``: dynamic time warping of the
cross-attention of the model's ``alignment_heads`` (all heads of the later decoder layers when
a model does not name them). transformers is imported inside the functions.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ModelError
from ..render.hub import HUB_ID, download_reason, hub_offline, looks_like_path, short_error
from .types import LyricLine, LyricWord

__all__ = ["DEFAULT_MODEL", "Recognizer", "lines_from_words", "load_recognizer",
           "model_is_local", "recognize_words", "words_from_tokens"]

DEFAULT_MODEL = "openai/whisper-small"
#: Whisper's sample rate and window.
WHISPER_SR = 16000
WINDOW_SECONDS = 30.0
#: A window is cut at its quietest 0.1 s after this many seconds.
MIN_WINDOW_SECONDS = 20.0
#: A pause this long (seconds) between words starts a new line.
LINE_PAUSE = 0.7
MAX_LINE_WORDS = 12
_SENTENCE_END = (".", "!", "?", "\u3002", "\uff01", "\uff1f")

#: progress(done, total) after each window.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Recognizer:
    """A loaded Whisper: ``model`` (WhisperForConditionalGeneration, eval mode), its
    ``features`` extractor, ``tokenizer`` and the ``name`` the user gave."""

    model: Any
    features: Any
    tokenizer: Any
    name: str


def _why_not_whisper(name: str) -> str:
    return (f"give a Whisper model's Hugging Face Hub id (such as '{DEFAULT_MODEL}') or a folder "
            "saved with save_pretrained (config.json, weights, tokenizer and preprocessor files), "
            "or set lyrics_model to none")


def model_is_local(model: str | os.PathLike[str]) -> bool:
    """Whether ``model`` loads without a download: an existing folder, or a hub id whose
    config is in the local Hugging Face cache."""
    name = str(model).strip()
    if not name or name.lower() == "none":
        return False
    if Path(name).expanduser().is_dir():
        return True
    if looks_like_path(name) or not HUB_ID.match(name):
        return False
    from huggingface_hub import try_to_load_from_cache

    try:
        found = try_to_load_from_cache(name, "config.json")
    except Exception:  # a malformed id the hub library refuses
        return False
    return isinstance(found, str)


def load_recognizer(model: str | os.PathLike[str] = DEFAULT_MODEL, *,
                    device: str | None = None,
                    local_files_only: bool | None = None) -> Recognizer:
    """Load a Whisper model from a hub id or a local folder.

    Raises ModelError (one sentence) when the folder is missing or not a Whisper model, the id
    is malformed, the download fails or is off (``HF_HUB_OFFLINE``), or transformers cannot
    load it.
    """
    name = str(model).strip()
    path = Path(name).expanduser()
    if not name or name.lower() == "none":
        raise ModelError(f"No lyrics model given: {_why_not_whisper(name)}.")
    if path.is_dir():
        if not (path / "config.json").is_file():
            raise ModelError(f"Lyrics model folder '{name}' has no config.json: "
                             f"{_why_not_whisper(name)}.")
        source = str(path)
    elif looks_like_path(name):
        raise ModelError(f"Lyrics model folder '{name}' does not exist: {_why_not_whisper(name)}.")
    elif not HUB_ID.match(name):
        raise ModelError(f"Lyrics model '{name}' is neither a folder nor a Hugging Face Hub id: "
                         f"{_why_not_whisper(name)}.")
    else:
        source = name
    if local_files_only is None:
        local_files_only = hub_offline()
    try:
        from transformers import (
            WhisperFeatureExtractor,
            WhisperForConditionalGeneration,
            WhisperTokenizer,
        )

        loaded = WhisperForConditionalGeneration.from_pretrained(
            source, local_files_only=local_files_only)
        features = WhisperFeatureExtractor.from_pretrained(source,
                                                           local_files_only=local_files_only)
        tokenizer = WhisperTokenizer.from_pretrained(source, local_files_only=local_files_only)
    except Exception as e:  # missing weights, offline, not a Whisper model, broken install
        reason = download_reason(e, local_files_only=local_files_only) or short_error(e)
        raise ModelError(f"Lyrics model '{name}' could not be loaded ({reason}): "
                         f"{_why_not_whisper(name)}.") from e
    _ensure_alignment_heads(loaded)
    import torch

    loaded = loaded.to(device or ("cuda" if torch.cuda.is_available() else "cpu"))
    return Recognizer(loaded.eval(), features, tokenizer, name)


def _ensure_alignment_heads(model: Any) -> None:
    """Give a model without ``alignment_heads`` (fine-tuned ones) all heads of the later half
    of its decoder layers, as OpenAI's whisper does by default."""
    config = model.generation_config
    if getattr(config, "alignment_heads", None):
        return
    layers, heads = model.config.decoder_layers, model.config.decoder_attention_heads
    config.alignment_heads = [[layer, head] for layer in range(layers // 2, layers)
                              for head in range(heads)]


def _windows(y: np.ndarray, sr: int) -> list[tuple[int, int]]:
    """Sample ranges of at most :data:`WINDOW_SECONDS`, each cut (after
    :data:`MIN_WINDOW_SECONDS`) at its quietest 0.1 s, so few words are cut in two."""
    n, step = len(y), int(0.1 * sr)
    longest, shortest = int(WINDOW_SECONDS * sr), int(MIN_WINDOW_SECONDS * sr)
    out, start = [], 0
    while start < n:
        if n - start <= longest:
            out.append((start, n))
            break
        zone = y[start + shortest: start + longest]
        frames = len(zone) // step
        energy = (zone[: frames * step].reshape(frames, step) ** 2).mean(axis=1)
        cut = start + shortest + int(np.argmin(energy)) * step + step // 2
        out.append((start, cut))
        start = cut
    return out


def recognize_words(recognizer: Recognizer, y: np.ndarray, sr: int, *,
                    progress: Progress | None = None) -> list[LyricWord]:
    """The words sung in ``y`` (mono samples at ``sr``) with their times in seconds, in
    order, window by window; ``progress(done, total)`` after each window."""
    import soxr
    import torch

    mono = np.asarray(y, dtype=np.float32)
    if mono.ndim > 1:
        mono = mono.mean(axis=0)
    if sr != WHISPER_SR:
        mono = soxr.resample(mono, sr, WHISPER_SR).astype(np.float32)
    windows = _windows(mono, WHISPER_SR)
    words: list[LyricWord] = []
    model, tokenizer = recognizer.model, recognizer.tokenizer
    special, first_added = set(tokenizer.all_special_ids), _first_added(tokenizer)
    for done, (a, b) in enumerate(windows, 1):
        inputs = recognizer.features(mono[a:b], sampling_rate=WHISPER_SR, return_tensors="pt",
                                     return_attention_mask=True)
        kwargs: dict[str, Any] = {}
        if getattr(model.generation_config, "is_multilingual", False):
            kwargs["task"] = "transcribe"
        with torch.inference_mode():
            out = model.generate(inputs.input_features.to(model.device, model.dtype),
                                 attention_mask=inputs.attention_mask.to(model.device),
                                 return_token_timestamps=True, **kwargs)
        ids = [int(i) for i in out["sequences"][0]]
        times = [float(t) for t in out["token_timestamps"][0]]
        keep = [i for i, token in enumerate(ids) if token not in special and token < first_added]
        start, end = a / WHISPER_SR, b / WHISPER_SR
        words += words_from_tokens([ids[i] for i in keep], [times[i] for i in keep],
                                   decode=lambda t: tokenizer.decode(t), offset=start, end=end)
        if progress is not None:
            progress(done, len(windows))
    return words


def _first_added(tokenizer: Any) -> int:
    """The first id of the added tokens (Whisper's specials and timestamps); text ids are
    below it."""
    added = getattr(tokenizer, "added_tokens_decoder", None) or {}
    return min(added) if added else 1 << 30


def words_from_tokens(ids: Sequence[int], times: Sequence[float], *,
                      decode: Callable[[list[int]], str], offset: float = 0.0,
                      end: float | None = None) -> list[LyricWord]:
    """Words from text token ids and each token's start time (seconds within its window).

    A token whose text starts with a space (or follows a token of spaces only) starts a new
    word; a token of punctuation only stays with the word before. A word starts at its first
    token's time and ends at the next word's start (the last one at ``end``, or 0.3 s after
    its start). Times get
    ``offset`` added, are kept in order and within ``[offset, end]``.
    """
    groups: list[tuple[list[int], float]] = []
    space = True  # a space came before this token
    for token, time in zip(ids, times, strict=True):
        text = decode([token])
        if not text.strip():  # a space on its own: the next token starts a word
            space = space or bool(text)
            continue
        space = space or text[:1].isspace()
        if groups and (not space or not any(c.isalnum() for c in text)):
            groups[-1][0].append(token)  # the rest of a word, or punctuation after it
        else:
            groups.append(([token], time))
        space = False
    words: list[LyricWord] = []
    for n, (tokens, time) in enumerate(groups):
        text = decode(tokens).strip()
        if not text:
            continue
        start = offset + max(time, 0.0)
        stop = (offset + groups[n + 1][1] if n + 1 < len(groups)
                else end if end is not None else start + 0.3)
        if end is not None:
            start, stop = min(start, end), min(stop, end)
        if words:
            start = max(start, words[-1].start)
        words.append(LyricWord(round(start, 3), round(max(stop, start), 3), text))
    return words


def lines_from_words(words: Sequence[LyricWord], *, pause: float = LINE_PAUSE,
                     max_words: int = MAX_LINE_WORDS) -> tuple[LyricLine, ...]:
    """Group timed words into lines: a new line after a pause of ``pause`` seconds, after a
    word ending a sentence (``. ! ?``), or after ``max_words`` words."""
    lines: list[list[LyricWord]] = []
    for word in words:
        if lines:
            last = lines[-1][-1]
            gap = word.start - (last.end if last.end is not None else last.start)
            if (gap < pause and not last.text.endswith(_SENTENCE_END)
                    and len(lines[-1]) < max_words):
                lines[-1].append(word)
                continue
        lines.append([word])
    return tuple(LyricLine(line[0].start, line[-1].end, " ".join(w.text for w in line),
                           tuple(line)) for line in lines)
