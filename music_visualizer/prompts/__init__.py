"""Prompts for a track: the default prompts and what they are made from.

- :mod:`.defaults`  :class:`PromptSet`, :func:`default_prompts` (track + analysis + caption ->
  five prompts), :data:`NEGATIVE_PROMPT`, :data:`MAX_PROMPT_CHARS`
- :mod:`.styles`    the visual vocabularies of genre families (data)
- :mod:`.palette`   :func:`cover_palette`, the named dominant colours of a cover
- :mod:`.caption`   :func:`caption_cover`, a caption of the cover by a local image-to-text model
- :mod:`.weights`   prompt weights in the A1111 syntax, ``"a (red:1.3) fox"``
- :mod:`.ideas`     prompt ideas for walk transitions
- :mod:`.lyrics`    prompt keyframes from timed lyric lines (``lyrics_prompts``)

The public names of :mod:`.defaults`, :mod:`.palette` and :mod:`.caption` are re-exported here.
"""

from __future__ import annotations

from .caption import CAPTION_MODEL_ENV, DEFAULT_CAPTION_MODEL, caption_cover
from .defaults import MAX_PROMPT_CHARS, NEGATIVE_PROMPT, PromptSet, default_prompts
from .palette import cover_palette

__all__ = [
    "CAPTION_MODEL_ENV",
    "DEFAULT_CAPTION_MODEL",
    "MAX_PROMPT_CHARS",
    "NEGATIVE_PROMPT",
    "PromptSet",
    "caption_cover",
    "cover_palette",
    "default_prompts",
]
