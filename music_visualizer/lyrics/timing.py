"""Timed lyrics for a song, from every source in order: files and tags, then alignment, then
speech recognition.

- :func:`timed_lyrics`   song -> :class:`~.find.LyricsSearch` whose ``source`` says which step
  gave the lyrics (``file``, ``sidecar``, ``tags``, ``aligned``, ``recognized``)

The order: :func:`~.find.find_lyrics` (``--lyrics FILE``, a sidecar ``.lrc``, synced tags, plain
tags); plain (untimed) lyrics are then timed, keeping their text: by the words a Whisper model
recognises when one can be used, else by the acoustic aligner (no model, offline); with no
lyrics at all, a Whisper model transcribes the song when one can be used. Whisper runs on the
vocals stem when Demucs can separate it, else on the mix.

When a Whisper model "can be used": ``model`` is not ``none`` and either ``download`` is true
(the ``lyrics`` command: the user asked) or the model is already on this machine (a folder, or
in the Hugging Face cache). A render passes ``download=False``: it never downloads a model.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np

from ..errors import LyricsError, ModelError
from .align import align_acoustic, align_to_words
from .find import LyricsSearch, find_lyrics
from .recognize import (
    DEFAULT_MODEL,
    Progress,
    lines_from_words,
    load_recognizer,
    model_is_local,
    recognize_words,
)
from .types import Lyrics

__all__ = ["timed_lyrics", "whisper_wanted"]

#: Samples per second the song is read at for alignment and recognition.
TIMING_SR = 16000


def whisper_wanted(model: str | os.PathLike[str] | None) -> bool:
    """Whether ``model`` names a Whisper model (not empty, not ``none``)."""
    return model is not None and str(model).strip().lower() not in ("", "none")


def timed_lyrics(song: str | os.PathLike[str], *, lyrics: str | os.PathLike[str] | None = None,
                 model: str | os.PathLike[str] | None = DEFAULT_MODEL, download: bool = False,
                 stems: bool = True, device: str | None = None,
                 progress: Progress | None = None,
                 say: Callable[[str], None] | None = None) -> LyricsSearch:
    """The lyrics of ``song``, timed when they can be (see the module docstring).

    ``say`` gets a line before each slow step (loading a model, separating the vocals,
    recognising); ``progress(done, total)`` follows the recognition's windows. Raises what
    :func:`~.find.find_lyrics` raises, AudioError for a song that cannot be decoded, and
    LyricsError when there are no lyrics and the Whisper model cannot be loaded (for plain
    lyrics a model that does not load is a note: they are timed without it).
    """
    search = find_lyrics(song, lyrics)
    if search.off or (search.lyrics is not None and search.lyrics.timed):
        return search
    use_whisper = whisper_wanted(model) and (download or model_is_local(str(model)))
    notes = list(search.notes)
    if search.lyrics is None and not use_whisper:
        if whisper_wanted(model):
            notes.append(f"Speech recognition was not tried: the lyrics model '{model}' is not "
                         "on this machine yet; run `python -m music_visualizer lyrics SONG` once "
                         "to download it and transcribe the song.")
        return replace(search, notes=tuple(notes))
    tell = say or (lambda _text: None)
    recognizer = None
    if use_whisper:
        tell(f"Loading the lyrics model '{model}'...")
        try:
            recognizer = load_recognizer(str(model), device=device,
                                         local_files_only=not download)
        except ModelError as e:
            if search.lyrics is None:
                raise LyricsError(f"{search.missing_message(song)} Speech recognition could "
                                  f"not run either: {e}") from e
            notes.append(f"{e} The plain lyrics were timed without it.")
    voice, where = _voice(song, stems=stems, say=tell)
    if recognizer is None:
        assert search.lyrics is not None
        tell(f"Timing the {len(search.lyrics.lines)} lyric lines on the {where} (no model)...")
        timed = align_acoustic(search.lyrics, voice, TIMING_SR, mix=where == "mix",
                               source=f"{search.lyrics.source}, timed on the {where}")
        return replace(search, lyrics=timed, notes=tuple(notes), source="aligned")
    tell(f"Recognising the words on the {where}...")
    words = recognize_words(recognizer, voice, TIMING_SR, progress=progress)
    if search.lyrics is not None:
        timed = align_to_words(search.lyrics, words, source=(
            f"{search.lyrics.source}, timed by speech recognition ({recognizer.name}) on the "
            f"{where}"))
        return replace(search, lyrics=timed, notes=tuple(notes), source="aligned")
    recognised = Lyrics(lines_from_words(words),
                        f"speech recognition ({recognizer.name}) on the {where}")
    if not recognised.lines:
        notes.append(f"Speech recognition ({recognizer.name}) heard no words in the song.")
        return replace(search, notes=tuple(notes), looked=(*search.looked, "speech recognition"))
    return replace(search, lyrics=recognised, notes=tuple(notes), source="recognized",
                   looked=(*search.looked, "speech recognition"))


def _voice(song: str | os.PathLike[str], *, stems: bool,
           say: Callable[[str], None]) -> tuple[np.ndarray, str]:
    """The song's vocals stem when ``stems`` and Demucs can separate it, else the mix; mono at
    :data:`TIMING_SR`, and which of the two it is in words."""
    from ..audio.load import load_audio
    from ..audio.stems import demucs_available, separate_stems

    y, _ = load_audio(Path(song), sr=TIMING_SR)
    if stems and demucs_available():
        say("Separating the vocals (Demucs)...")
        separated = separate_stems(y, TIMING_SR)
        if separated is not None:
            return separated["vocals"], "vocals stem"
    return y, "mix"
