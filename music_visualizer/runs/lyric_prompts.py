"""A run's prompts from the song's lyrics (``lyrics_prompts: true``).

- :class:`LyricPrompts`     the settings to plan with, the lyrics used and what to tell the user
- :func:`lyric_prompts`     settings + song + the section starts -> :class:`LyricPrompts`

The prompts of the run become a keyframe per lyric line (see
:func:`~music_visualizer.prompts.lyrics.lyric_keyframes`), keyed by frame, so the plan (and a
resume, which reads the plan) uses them like prompts given by frame. Prompts the user gave win.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

from ..lyrics import Lyrics
from ..lyrics.timing import timed_lyrics
from ..modes import mode_for
from ..modes.plan import resolve_prompt_keys, sections_in_frames
from ..prompts.lyrics import keyframes_to_frames, lyric_keyframes
from ..settings import Settings

__all__ = ["LyricPrompts", "lyric_prompts"]


@dataclass(frozen=True)
class LyricPrompts:
    """The settings to plan with (their prompts from the lyrics when used), the timed lyrics
    used (None when not used) and one-line notes for the user."""

    settings: Settings
    lyrics: Lyrics | None = None
    notes: tuple[str, ...] = ()


def lyric_prompts(settings: Settings, song: str | os.PathLike[str], *, n_frames: int,
                  section_starts: list[float], default_prompt: str,
                  prompts_given: bool) -> LyricPrompts:
    """The run's prompts from the lyrics of ``song`` when ``settings.lyrics_prompts`` asks.

    ``settings`` are resolved (duration, fps, start); ``prompts_given`` says the prompts in
    ``settings`` are the user's (not the track's defaults): then they win and the lyrics are not
    used. Plain lyrics are timed first (:func:`~music_visualizer.lyrics.timing.timed_lyrics`;
    a render never downloads the lyrics model). No lyrics or ``lyrics: none`` leave the prompts
    as they are, with a note. Raises LyricsError for a broken lyrics file (given or next to the
    song), ModelError for a lyrics model that is on this machine but does not load.
    """
    if not settings.lyrics_prompts:
        return LyricPrompts(settings)
    search = timed_lyrics(song, lyrics=settings.lyrics or None, model=settings.lyrics_model,
                          download=False)
    if search.off:
        return LyricPrompts(settings, notes=("Lyrics are off (lyrics: none); the prompts are "
                                             "not from the lyrics.",))
    notes = list(search.notes)
    if search.lyrics is None:
        return LyricPrompts(settings, notes=(*notes, search.missing_message(song)
                                             + " The prompts are not from the lyrics."))
    lyrics = search.lyrics
    notes.append(f"Lyrics: {len(lyrics.lines)} lines from the {lyrics.source}.")
    why_not = _why_not(settings, lyrics, prompts_given)
    if why_not:
        return LyricPrompts(settings, notes=(*notes, why_not))
    fps, start = settings.fps, settings.start
    keyed = resolve_prompt_keys(settings.prompts or [default_prompt], n_frames,
                                section_frames=sections_in_frames(section_starts, start=start,
                                                                  fps=fps, n_frames=n_frames))
    sections = [(start + frame / fps, text) for frame, text in keyed]
    keys = lyric_keyframes(lyrics.lines, sections, end=start + n_frames / fps,
                           fallback=default_prompt)
    prompts = keyframes_to_frames(keys, fps=fps, start=start, n_frames=n_frames)
    notes.append(f"Prompts from the lyrics: {len(prompts)} prompt keyframes.")
    return LyricPrompts(replace(settings, prompts=prompts), lyrics, tuple(notes))


def _why_not(settings: Settings, lyrics: Lyrics, prompts_given: bool) -> str | None:
    """Why the lyrics cannot make this run's prompts (None when they can)."""
    if prompts_given and settings.prompts:
        return ("The lyrics were not used for the prompts because prompts were given; leave the "
                "prompts out to have them follow the lyrics.")
    if not lyrics.timed:
        return ("The lyrics have no times (plain text), so they cannot drive the prompts yet; "
                "the prompts are unchanged. Give an .lrc file with [mm:ss.xx] line times.")
    if mode_for(settings).plan_columns is not None:
        return ("This mode makes its own prompt schedule; the lyrics were not used for the "
                "prompts.")
    return None
