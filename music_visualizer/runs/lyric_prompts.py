"""A run's lyrics: its prompts from them (``lyrics_prompts: true``), lyrics given with it,
the lyrics saved with it and its captions.

- :class:`GivenLyrics`      lyrics (and prompt keyframes) given with a render instead of looked up
  (the app's Lyrics and Lyric prompts boxes)
- :class:`LyricPrompts`     the settings to plan with, the lyrics used and what to tell the user
- :func:`lookup_lyrics`     a song's lyrics as the ``lyrics`` setting says (the one lookup of the
  runs and the app)
- :func:`song_keyframes`    lyrics + section prompts -> ``(seconds, prompt)`` keyframes of a song
- :func:`lyric_prompts`     settings + song + the section starts -> :class:`LyricPrompts`
- :func:`run_lyrics`        the timed lyrics a new run saves (``<ts>_lyrics.lrc``): those its
  prompts follow, else those its captions show
- :func:`run_captions`      a run's captions, from the lyrics saved with it when there are some
- :func:`caption_look`      the captions' font, place, size, outline and colour from settings
- :func:`check_captions`    a bad caption font, refused before anything is rendered

The prompts of the run become a keyframe per lyric line (see
:func:`~music_visualizer.prompts.lyrics.lyric_keyframes`), keyed by frame, so the plan (and a
resume, which reads the plan) uses them like prompts given by frame. Prompts the user gave win;
in the app the prompt boxes are the sections' style the lines are joined with, and edited prompt
keyframes are used as they are.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import UserError
from ..lyrics import Lyrics, LyricsSearch
from ..lyrics.captions import CaptionLook, Captions, CaptionsWarning, captions_for, check_font
from ..lyrics.timing import timed_lyrics
from ..modes import mode_for
from ..modes.plan import resolve_prompt_keys, sections_in_frames
from ..prompts.lyrics import imagery, keyframes_to_frames, lyric_keyframes
from ..settings import Settings
from .store import lyrics_path

__all__ = ["GivenLyrics", "LyricPrompts", "caption_look", "check_captions", "lookup_lyrics",
           "lyric_prompts", "run_captions", "run_lyrics", "song_keyframes"]


@dataclass(frozen=True)
class GivenLyrics:
    """Lyrics given with a render (the app's Lyrics box), used instead of the song's own.

    ``lyrics`` None: the song's (as the ``lyrics`` setting says). ``keyframes``: prompt
    keyframes ``(song seconds, prompt)`` the user edited: with ``lyrics_prompts`` they are the
    run's prompts as they are. ``sections``: the settings' prompts are the sections' style the
    lyric lines are joined with (the app's prompt boxes), not prompts that replace the lyrics.
    """

    lyrics: Lyrics | None = None
    keyframes: tuple[tuple[float, str], ...] = ()
    sections: bool = True


@dataclass(frozen=True)
class LyricPrompts:
    """The settings to plan with (their prompts from the lyrics when used), the timed lyrics
    to save with the run (those the prompts follow, or the lyrics given; None otherwise) and
    one-line notes for the user."""

    settings: Settings
    lyrics: Lyrics | None = None
    notes: tuple[str, ...] = ()


def lookup_lyrics(song: str | os.PathLike[str], setting: str | None, *,
                  model: str | None = None) -> LyricsSearch:
    """The lyrics of ``song`` as the ``lyrics`` setting says (blank: next to the song and in
    its tags; a file; ``none``), plain lyrics timed (with the Whisper ``model`` when it is on
    this machine: nothing is downloaded). The one place the runs and the app look lyrics up."""
    return timed_lyrics(song, lyrics=setting or None, model=model, download=False)


def song_keyframes(lyrics: Lyrics, prompts: Sequence[str] | dict[str, str], *,
                   section_starts: Sequence[float], fps: float, start: float, n_frames: int,
                   default_prompt: str,
                   picture: Callable[[str], list[str]] = imagery) -> list[tuple[float, str]]:
    """Prompt keyframes ``(song seconds, prompt)`` of a video of ``n_frames`` at ``fps`` from
    ``start``: each lyric line's imagery joined with the prompt of its section (``prompts``
    spread over the sections as a run spreads them)."""
    keyed = resolve_prompt_keys(prompts or [default_prompt], n_frames,
                                section_frames=sections_in_frames(section_starts, start=start,
                                                                  fps=fps, n_frames=n_frames))
    sections = [(start + frame / fps, text) for frame, text in keyed]
    return lyric_keyframes(lyrics.lines, sections, end=start + n_frames / fps,
                           fallback=default_prompt, picture=picture)


def lyric_prompts(settings: Settings, song: str | os.PathLike[str], *, n_frames: int,
                  section_starts: list[float], default_prompt: str,
                  prompts_given: bool, given: GivenLyrics | None = None) -> LyricPrompts:
    """The run's prompts from the lyrics of ``song`` when ``settings.lyrics_prompts`` asks.

    ``settings`` are resolved (duration, fps, start); ``prompts_given`` says the prompts in
    ``settings`` are the user's (not the track's defaults): then they win and the lyrics are not
    used (unless ``given.sections``: they are the sections' style). ``given``: lyrics (and
    edited keyframes) given instead of the song's; given lyrics are saved with the run whether
    or not the prompts follow them (the captions use them). Plain lyrics are timed first
    (:func:`~music_visualizer.lyrics.timing.timed_lyrics`; a render never downloads the lyrics
    model). No lyrics or ``lyrics: none`` leave the prompts as they are, with a note. Raises
    LyricsError for a broken lyrics file (given or next to the song), ModelError for a lyrics
    model that is on this machine but does not load.
    """
    given = given or GivenLyrics(sections=False)
    if not settings.lyrics_prompts:
        return LyricPrompts(settings, given.lyrics)
    if given.keyframes and mode_for(settings).plan_columns is None:  # edited: as they are
        prompts = keyframes_to_frames(given.keyframes, fps=settings.fps, start=settings.start,
                                      n_frames=n_frames)
        return LyricPrompts(replace(settings, prompts=prompts), given.lyrics, (
            f"Prompts from the lyrics: the {len(prompts)} edited prompt keyframes, as they "
            "are.",))
    if given.lyrics is not None:
        search = LyricsSearch(given.lyrics)
    else:
        search = lookup_lyrics(song, settings.lyrics, model=settings.lyrics_model)
    if search.off:
        return LyricPrompts(settings, notes=("Lyrics are off (lyrics: none); the prompts are "
                                             "not from the lyrics.",))
    notes = list(search.notes)
    if search.lyrics is None:
        return LyricPrompts(settings, notes=(*notes, search.missing_message(song)
                                             + " The prompts are not from the lyrics."))
    lyrics = search.lyrics
    notes.append(f"Lyrics: {len(lyrics.lines)} lines from the {lyrics.source}.")
    why_not = _why_not(settings, lyrics, prompts_given and not given.sections)
    if why_not:
        return LyricPrompts(settings, given.lyrics, notes=(*notes, why_not))
    fps, start = settings.fps, settings.start
    picture = imagery
    if settings.idea_model:  # the lines rewritten into pictures by a text-generation model
        from ..prompts.ideas import model_picture

        picture = model_picture(settings.idea_model)
        notes.append(f"Lyric lines rewritten into pictures by '{settings.idea_model}'.")
    keys = song_keyframes(lyrics, settings.prompts, section_starts=section_starts, fps=fps,
                          start=start, n_frames=n_frames, default_prompt=default_prompt,
                          picture=picture)
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


def run_lyrics(settings: Settings, song: str | os.PathLike[str],
               used: Lyrics | None) -> Lyrics | None:
    """The timed lyrics a new run keeps with it: ``used`` (those its prompts follow), else,
    with captions on, the song's timed lyrics (``settings.lyrics`` or next to the song or in
    its tags); None when the run uses no lyrics. Lyrics that cannot be read are not kept (the
    captions' note says why when the video is made)."""
    if used is not None:
        return used
    if settings.captions == "none":
        return None
    try:
        found = lookup_lyrics(song, settings.lyrics, model=settings.lyrics_model).lyrics
    except UserError:
        return None
    return found if found is not None and found.timed else None


def run_captions(folder: Path, timestring: str, settings: Settings,
                 song: Path) -> Captions | None:
    """The lyrics burned into a run's video (``captions: line | karaoke``), or None (see
    :func:`~music_visualizer.lyrics.captions.captions_for`: a note when there are none): the
    lyrics saved with the run (the same lines, however the song's sidecar changes later), else
    (runs made before they were saved) the ``lyrics`` setting's. A font gone since the run
    started is replaced by DejaVu Sans Bold, with a note."""
    saved = lyrics_path(folder, timestring)
    return captions_for(song, style=settings.captions, fps=settings.fps, start=settings.start,
                        lyrics=saved if saved.is_file() else settings.lyrics,
                        look=_usable_look(settings))


def _usable_look(settings: Settings) -> CaptionLook:
    """:func:`caption_look`; when the run's font has gone since it started (a resume, a video
    rebuilt later), DejaVu Sans Bold with a note instead of a run that cannot finish."""
    look = caption_look(settings)
    if settings.captions == "none":
        return look
    try:
        check_font(look.font)
    except UserError as exc:
        warnings.warn(f"{exc} The captions use DejaVu Sans Bold instead.", CaptionsWarning,
                      stacklevel=3)
        return replace(look, font="")
    return look


def caption_look(settings: Settings) -> CaptionLook:
    """The captions' look from the ``caption_*`` settings."""
    from PIL import ImageColor

    red, green, blue = ImageColor.getrgb(settings.caption_highlight)[:3]
    return CaptionLook(font=settings.caption_font, position=settings.caption_position,
                       size=settings.caption_size, outline=settings.caption_outline,
                       highlight=(red, green, blue))


def check_captions(settings: Settings) -> None:
    """SettingsError (one sentence) when a new run has captions and ``caption_font`` is not a
    font file they can be drawn with: said before a model is loaded or a frame rendered (a
    resumed run whose font has gone since uses DejaVu Sans Bold, see :func:`run_captions`)."""
    if settings.captions != "none":
        check_font(settings.caption_font)
