"""Prompt keyframes from timed lyrics: the picture changes when the words do.

- :func:`imagery`          a lyric line -> its picture words (nouns, adjectives, verbs of motion),
  by a small deterministic filter (a stop-word list, no model)
- :func:`lyric_keyframes`  timed lines + the section prompts -> ``(seconds, prompt)`` keyframes:
  one per line (short lines grouped so a prompt lasts at least ``min_seconds``), the line's
  imagery joined with the section's prompt; gaps between lines fall back to the section prompt
- :func:`keyframes_to_frames`  ``(seconds, prompt)`` -> ``{frame: prompt}`` of a run

Everything here is pure and deterministic; untimed lines are ignored.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..lyrics import LyricLine

__all__ = ["MAX_IMAGERY_WORDS", "STOP_WORDS", "imagery", "keyframes_to_frames",
           "lyric_keyframes"]

#: Most picture words a keyframe keeps (a prompt stays short).
MAX_IMAGERY_WORDS = 8
#: A gap between lines shorter than this (seconds) joins them; a longer one is instrumental.
_JOIN_GAP = 0.5

#: Words that carry no picture: function words, auxiliaries, filler, abstract verbs.
_STOP_TEXT = """
a an the and or but nor so yet if then than that this these those there here where when while
why how what which who whom whose as at by for from in into of off on onto out over to up down
with within without about above across after against along among around before behind below
beneath beside between beyond during except inside near past since through till toward towards
under until upon via
i me my mine myself you your yours yourself we us our ours ourselves he him his himself she her
hers herself it its itself they them their theirs themselves one ones someone something
anything everything nothing anyone everyone nobody somebody everybody
am is are was were be been being have has had having do does did doing done can could will
would shall should may might must ought get gets got gotten getting let lets make makes made
know knows knew known think thinks thought say says said tell tells told want wants wanted need
needs needed seem seems seemed mean means meant gonna wanna gotta ain
not no yes yeah yea oh ooh ah ahh uh huh hey la na da whoa woah mm hmm baby babe ya
all any some many much more most less least very really just only also too even still ever
never always again ago now once soon already well back away like same other another such own
each every both either neither few lot lots thing things way ways
cause because though although whether
"""
STOP_WORDS: frozenset[str] = frozenset(_STOP_TEXT.split())

_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")


def imagery(text: str) -> list[str]:
    """The picture words of a lyric line, in order, lower case, each once.

    Drops stop words, words shorter than three letters and contractions (``don't``, ``I'm``);
    a possessive keeps its noun (``night's`` -> ``night``).
    """
    out: list[str] = []
    for match in _WORD.finditer(text):
        word = match.group(0).lower().replace("\u2019", "'")
        if "'" in word:
            base, _, suffix = word.partition("'")
            if suffix != "s":
                continue
            word = base
        if len(word) < 3 or word in STOP_WORDS or word in out:
            continue
        out.append(word)
    return out


def _groups(lines: Sequence[LyricLine], min_seconds: float, end: float
            ) -> list[tuple[float, float, list[str]]]:
    """(start, end, texts) of consecutive timed lines, grouped until a group lasts at least
    ``min_seconds`` or an instrumental gap comes."""
    timed = sorted((line for line in lines if line.start is not None and line.text.strip()),
                   key=lambda line: line.start)
    groups: list[tuple[float, float, list[str]]] = []
    for i, line in enumerate(timed):
        following = timed[i + 1].start if i + 1 < len(timed) else end
        line_end = line.end if line.end is not None else following
        line_end = max(line.start, min(line_end, following))
        if groups:
            start, last_end, texts = groups[-1]
            if last_end - start < min_seconds and line.start - last_end <= _JOIN_GAP:
                groups[-1] = (start, line_end, [*texts, line.text])
                continue
        groups.append((line.start, line_end, [line.text]))
    return groups


def _section_at(sections: Sequence[tuple[float, str]], seconds: float, fallback: str) -> str:
    """The section prompt that holds at ``seconds`` (the first one before any starts)."""
    text = sections[0][1] if sections else fallback
    for start, prompt in sections:
        if start <= seconds + 1e-9:
            text = prompt
    return text


def _joined(words: list[str], section: str) -> str:
    """``"neon rain falling city, <section prompt>"`` (the section prompt alone without words)."""
    return f"{' '.join(words[:MAX_IMAGERY_WORDS])}, {section}" if words else section


def lyric_keyframes(lines: Sequence[LyricLine], sections: Sequence[tuple[float, str]], *,
                    end: float, min_seconds: float = 2.0, fallback: str = "",
                    picture: Callable[[str], list[str]] = imagery) -> list[tuple[float, str]]:
    """Prompt keyframes ``(seconds in the song, prompt)``, sorted, from timed lyric lines.

    Parameters
    ----------
    lines : the lyric lines; untimed ones are ignored (no timed line: the sections unchanged).
    sections : ``(start seconds, prompt)`` of the song's sections (the style of each part).
    end : the end of the video in song seconds (the last line lasts at most until then).
    min_seconds : consecutive short lines are grouped until a prompt lasts at least this long.
    fallback : the prompt when ``sections`` is empty.
    picture : a line's picture words (default :func:`imagery`; ``idea_model``'s rewrite:
        :func:`~.ideas.model_picture`).

    Each group of lines gets its words' imagery joined with the prompt of the section it starts
    in; where a group ends before the next starts (an instrumental gap) and at each section start
    inside a gap, the section prompt comes back. Consecutive equal prompts are merged.
    """
    groups = _groups(lines, min_seconds, end)
    if not groups:
        return [(start, text) for start, text in sections] or [(0.0, fallback)]
    keys: dict[float, str] = {}
    for start, text in sections:
        if not any(g_start <= start < g_end for g_start, g_end, _ in groups):
            keys[start] = text
    for i, (_, g_end, _) in enumerate(groups):
        following = groups[i + 1][0] if i + 1 < len(groups) else math.inf
        if g_end < following and g_end < end:
            keys.setdefault(g_end, _section_at(sections, g_end, fallback))
    for start, _, texts in groups:  # a line wins over a section starting with it
        words: list[str] = []
        for text in texts:
            words += [w for w in picture(text) if w not in words]
        keys[start] = _joined(words, _section_at(sections, start, fallback))
    out: list[tuple[float, str]] = []
    for start in sorted(keys):
        if not out or out[-1][1] != keys[start]:
            out.append((start, keys[start]))
    return out


def keyframes_to_frames(keyframes: Sequence[tuple[float, str]], *, fps: float, start: float,
                        n_frames: int) -> dict[str, str]:
    """``{frame: prompt}`` of a run that starts ``start`` seconds into the song: frame =
    round((seconds - start) * fps); a keyframe before the run's start holds from frame 0, ones
    after its end are dropped."""
    out: dict[int, str] = {}
    for seconds, text in sorted(keyframes, key=lambda k: k[0]):
        frame = max(0, math.floor((seconds - start) * fps + 0.5))
        if frame < n_frames:
            out[frame] = text
    return {str(frame): text for frame, text in sorted(out.items())}
