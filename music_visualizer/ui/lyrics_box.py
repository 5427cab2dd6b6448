"""The app's Lyrics and Lyric prompts boxes, as plain functions (no Gradio here).

- :class:`LyricsBoxes`     what Produce Prompts puts in the boxes, and a line saying where the
  lyrics came from (or that none were found and how to add them)
- :func:`fill_lyrics`      a song (+ the ``lyrics`` setting) -> :class:`LyricsBoxes`
- :func:`given_lyrics`     the boxes' text at Visualize -> the run's
  :class:`~music_visualizer.runs.lyric_prompts.GivenLyrics` (a bad line: LyricsError)

Both boxes hold LRC lines, ``[mm:ss.xx] text``: the Lyrics box the song's timed lines, the Lyric
prompts box a prompt keyframe per lyric line (made when "Prompts from the lyrics" is ticked). An
empty Lyrics box means the song's own lyrics. The prompt keyframes are used as they are once the
user edited them; left as Produce Prompts made them (or cleared), they are made again at
Visualize from the Lyrics box and the prompt boxes, so an edited lyric line changes its prompt.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import LyricsError, ModelError
from ..lyrics import Lyrics, format_time, parse_lrc, to_lrc
from ..runs.lyric_prompts import GivenLyrics, lookup_lyrics, song_keyframes

__all__ = ["LYRICS_BOX", "PROMPTS_BOX", "LyricsBoxes", "fill_lyrics", "given_lyrics"]

#: The boxes' names in messages.
LYRICS_BOX = "Lyrics box"
PROMPTS_BOX = "Lyric prompts box"
HOW_TO_ADD = ("paste them in the Lyrics box: LRC lines like '[00:12.34] the words' (timed: for "
              "captions and prompts from the lyrics) or plain lines")


@dataclass(frozen=True)
class LyricsBoxes:
    """The Lyrics box's LRC text, the Lyric prompts box's keyframes ('' unless asked for and
    the lyrics are timed) and one plain-text line for the user."""

    lyrics: str
    keyframes: str
    status: str


def fill_lyrics(song: str | os.PathLike[str] | None, *, setting: str | None,
                prompts: Sequence[str], analysis: Any = None, fps: float = 12.0,
                with_prompts: bool = False, pasted: str = "",
                model: str | None = None) -> LyricsBoxes:
    """The boxes for ``song``: its lyrics (as the ``lyrics`` setting says: blank = an ``.lrc``
    next to it, then its tags) in LRC, and with ``with_prompts`` a prompt keyframe per line
    (each line's imagery + the prompt of its section, from ``prompts`` and ``analysis``'s
    sections). Plain lyrics are timed (with the Whisper ``model`` when it is on this machine).
    When the song has none, the lyrics ``pasted`` in the box are kept (and make the
    keyframes). A broken lyrics file is reported in the status, not raised."""
    lyrics, status = _song_lyrics(song, setting, model)
    if lyrics is None and pasted.strip():
        try:
            lyrics = parse_lrc(pasted, source=LYRICS_BOX, name=LYRICS_BOX)
        except LyricsError as e:
            return LyricsBoxes(pasted, "", f"{status} {e}")
        status = f"{status} The lyrics in the box are kept"
        text = pasted
    elif lyrics is None:
        return LyricsBoxes("", "", f"{status} To add them, {HOW_TO_ADD}.")
    else:
        text = to_lrc(lyrics)
    if not lyrics.timed:
        return LyricsBoxes(text, "", f"{status}, without times: add [mm:ss.xx] times for "
                                     "captions and prompts from the lyrics.")
    keyframes = ""
    if with_prompts and analysis is not None:
        keyframes = _keyframes_text(lyrics, prompts, analysis, fps)
        status += "; the Lyric prompts box has a prompt per line (edit them freely)"
    return LyricsBoxes(text, keyframes, status + ".")


def _song_lyrics(song: str | os.PathLike[str] | None, setting: str | None,
                 model: str | None = None) -> tuple[Lyrics | None, str]:
    """The song's lyrics and a line saying where they came from (None and why not)."""
    if song is None:
        return None, "Upload the song to read its lyrics."
    try:
        search = lookup_lyrics(song, setting, model=model)
    except (LyricsError, ModelError) as e:
        return None, str(e)
    if search.off:
        return None, "Lyrics are off (lyrics: none in the settings file)."
    if search.lyrics is None:
        return None, (f"No lyrics found for '{Path(song).name}' (no .lrc file next to it, none "
                      "in its tags).")
    lyrics = search.lyrics
    count = f"{len(lyrics.lines)} line{'' if len(lyrics.lines) == 1 else 's'}"
    how = {"aligned": ", timed from the song's audio (check the times)",
           "recognized": ", heard in the song by the lyrics model (check the words)"}
    return lyrics, f"Lyrics: {count} from the {lyrics.source}{how.get(search.source, '')}"


def _keyframes_text(lyrics: Lyrics, prompts: Sequence[str], analysis: Any,
                    fps: float) -> str:
    """``[mm:ss.xx] prompt`` lines over the whole song."""
    from ..audio.reactive import section_starts
    from ..modes.plan import frame_count

    keys = song_keyframes(lyrics, [p for p in prompts if p.strip()],
                          section_starts=section_starts(analysis), fps=fps, start=0.0,
                          n_frames=frame_count(analysis.duration, fps),
                          default_prompt="abstract music visualization, vivid colours")
    return "".join(f"[{format_time(seconds)}] {prompt}\n" for seconds, prompt in keys)


def given_lyrics(lyrics_text: str | None, keyframes_text: str | None = None,
                 made_keyframes: str | None = None) -> GivenLyrics:
    """The boxes at Visualize -> what the run is given: the Lyrics box parsed (blank: the song's
    own lyrics), and the prompt keyframes when the user edited them (``made_keyframes``: what
    Produce Prompts put there). The app's prompt boxes are the sections' style the lyric lines
    are joined with. Raises LyricsError naming the box and line of a bad line."""
    lyrics = None
    if (lyrics_text or "").strip():
        lyrics = parse_lrc(lyrics_text or "", source=LYRICS_BOX, name=LYRICS_BOX)
    keyframes: tuple[tuple[float, str], ...] = ()
    text = (keyframes_text or "").strip()
    if text and text != (made_keyframes or "").strip():
        parsed = parse_lrc(text, source=PROMPTS_BOX, name=PROMPTS_BOX)
        if not parsed.timed:
            raise LyricsError(f"{PROMPTS_BOX}: each line needs a time, like '[00:12.34] a "
                              "prompt'; add the times or clear the box.")
        keyframes = tuple((line.start or 0.0, line.text) for line in parsed.lines)
    return GivenLyrics(lyrics, keyframes, sections=True)
