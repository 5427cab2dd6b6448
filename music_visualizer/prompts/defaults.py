"""Default prompts for a track: five distinct Stable Diffusion prompts and a negative prompt.

- :class:`PromptSet`        five prompts and a negative prompt
- :func:`default_prompts`   track (+ analysis, + cover caption) -> :class:`PromptSet`
- :data:`NEGATIVE_PROMPT`   the default negative prompt
- :data:`MAX_PROMPT_CHARS`  the length budget of one prompt

The prompts combine what we know about the song:

- the cover: its caption (when a captioning model is available, see :mod:`.caption`) as a
  subject, and its palette (:mod:`.palette`);
- the genres: a table (:mod:`.styles`) of genre keywords -> visual vocabularies (medium,
  places, motifs, close-ups, lighting, colours), with a neutral dreamlike default;
- the title and album: their words as themes (version notes such as "Remastered 2011" and
  "feat. X" dropped; emoji, brackets and prompt syntax removed; long titles cut at a word);
- the mood of the analysis, when audio was given: tempo (slow/medium/fast -> calm/flowing/
  energetic imagery), key mode (major -> bright/uplifting, minor -> moody/melancholic) and energy
  (the mean of the ``rms`` curve -> gentle ... intense).

Each of the five prompts takes another angle: (1) the cover's subject, (2) an abstract piece in
the palette, (3) a landscape from the genre, (4) a surreal scene from the title or album,
(5) a cinematic close-up. Everything is deterministic: where a vocabulary offers alternatives,
a stable hash of the track's title, album and artists picks one. Each prompt stays under
``MAX_PROMPT_CHARS`` (about 60 CLIP tokens).
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from music_visualizer.sources.track import TrackInfo

from .palette import cover_palette
from .styles import DEFAULT_STYLE, Style, genre_styles

if TYPE_CHECKING:
    from music_visualizer.audio.analysis import AudioAnalysis

__all__ = ["MAX_PROMPT_CHARS", "NEGATIVE_PROMPT", "PromptSet", "default_prompts"]

MAX_PROMPT_CHARS = 300
NEGATIVE_PROMPT = (
    "text, words, letters, typography, watermark, signature, logo, frame, border, blurry, "
    "lowres, low quality, jpeg artifacts, deformed, disfigured, bad anatomy, extra limbs, "
    "cropped, duplicate, oversaturated"
)


@dataclass(frozen=True)
class PromptSet:
    """Five distinct, non-blank prompts and one negative prompt."""

    prompts: tuple[str, ...]
    negative_prompt: str


# --------------------------------------------------------------------------------------------
# Mood from the analysis
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Mood:
    """Mood words from the analysis; empty fields when that part is unknown."""

    mode: tuple[str, ...] = ()  # ("uplifting", "bright") or ("melancholic", "moody")
    tempo: str | None = None  # "calm", "flowing" or "energetic"
    energy: str | None = None  # "intense", "gentle" or None (medium)
    motion: str | None = None  # imagery for the tempo
    lighting: str | None = None  # lighting for the mode
    atmosphere: str | None = None  # sky/air for the mode

    def words(self, *parts: str) -> str:
        """Comma-joined mood words of the named parts ("mode", "mode2", "tempo", "energy")."""
        out: list[str] = []
        for part in parts:
            if part == "mode" and self.mode:
                out.append(self.mode[0])
            elif part == "mode2" and len(self.mode) > 1:
                out.append(self.mode[1])
            elif part == "tempo" and self.tempo:
                out.append(self.tempo)
            elif part == "energy" and self.energy:
                out.append(self.energy)
        return ", ".join(dict.fromkeys(out))


_SLOW_BPM, _FAST_BPM = 90.0, 125.0
_LOW_DB, _HIGH_DB = -24.0, -14.0  # mean RMS in dBFS: quiet recordings vs loud masters


def _mood(analysis: AudioAnalysis | None) -> _Mood | None:
    """Tempo -> calm/flowing/energetic, mode -> uplifting/melancholic, mean RMS -> energy."""
    if analysis is None:
        return None
    fields: dict[str, object] = {}
    mode = (analysis.key or "").strip().lower().split()[-1:]
    if mode == ["major"]:
        fields.update(mode=("uplifting", "bright"), lighting="warm golden light",
                      atmosphere="clear luminous sky")
    elif mode == ["minor"]:
        fields.update(mode=("melancholic", "moody"), lighting="cold moonlight, deep shadows",
                      atmosphere="drifting fog")
    tempo = float(analysis.tempo or 0.0)
    if tempo > 0 and math.isfinite(tempo):
        if tempo < _SLOW_BPM:
            fields.update(tempo="calm", motion="slow drifting mist")
        elif tempo <= _FAST_BPM:
            fields.update(tempo="flowing", motion="gently swirling currents")
        else:
            fields.update(tempo="energetic", motion="dynamic streaks of motion")
    rms = analysis.curves.get("rms") if analysis.curves else None
    if rms is not None and np.size(rms):
        level = float(np.nanmean(np.abs(np.asarray(rms, dtype=np.float64))))
        db = 20.0 * math.log10(level) if math.isfinite(level) and level > 1e-9 else -120.0
        if db >= _HIGH_DB:
            fields["energy"] = "intense"
        elif db < _LOW_DB:
            fields["energy"] = "gentle"
    return _Mood(**fields) if fields else None  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# Text from the title, album and caption
# --------------------------------------------------------------------------------------------

_STOPWORDS = frozenset({
    "a", "an", "the", "and", "or", "but", "nor", "of", "in", "on", "at", "to", "for", "from",
    "by", "with", "without", "into", "onto", "upon", "over", "under", "is", "are", "was", "were",
    "be", "been", "being", "am", "it", "its", "it's", "this", "that", "these", "those", "i", "me",
    "my", "mine", "you", "your", "yours", "he", "him", "his", "she", "her", "hers", "we", "us",
    "our", "they", "them", "their", "as", "so", "if", "then", "than", "too", "very", "just",
    "not", "no", "yes", "oh", "ooh", "ah", "yeah", "la", "na", "da", "ft", "feat", "featuring",
    "vs", "versus", "pt", "part", "vol", "volume", "op",
})
_VERSION_WORDS = (
    r"remaster(?:ed)?|edit|version|mix|remix|live|feat\.?|ft\.?|featuring|mono|stereo|demo|"
    r"bonus|deluxe|explicit|clean|acoustic|instrumental|extended|single|official|radio|"
    r"re-?recorded|anniversary|edition|bootleg|sped up|slowed|reverb|taylor's"
)
_BRACKETED_VERSION = re.compile(
    rf"\s*[\(\[\{{][^\)\]\}}]*\b(?:{_VERSION_WORDS})\b[^\)\]\}}]*[\)\]\}}]", re.IGNORECASE)
_DASHED_VERSION = re.compile(rf"\s+[-–—]\s+[^-–—]*\b(?:{_VERSION_WORDS})\b.*$", re.IGNORECASE)
_FEAT = re.compile(r"\s+(?:feat\.?|ft\.|featuring|with)\s+.*$", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_CAPTION_JUNK = re.compile(
    r"\b(?:araf+ed|araf+e|arafe|arafly|arafy|there is|there are|this is|"
    r"an? (?:picture|photo|image|illustration|painting|drawing|close up) of|"
    r"(?:the |an? )?(?:album )?cover (?:art )?(?:of|for)|album cover|album art|"
    r"with the words?|with the text|that says|with a text)\b",
    re.IGNORECASE,
)
_MAX_THEME_WORDS = 6
_MAX_WORD_CHARS = 30


def _clean(text: str) -> str:
    """Drop prompt syntax (brackets, weights, separators) and control characters."""
    text = re.sub(r"[\(\)\[\]\{\}<>:|\\\"`*=#~^]+", " ", text)
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return " ".join(text.replace("--", " ").split())


def _theme(text: str | None) -> str:
    """The words of a title or album as a short lower-case phrase ("stairway to heaven")."""
    if not text:
        return ""
    text = _BRACKETED_VERSION.sub("", text)
    text = _DASHED_VERSION.sub("", text)
    text = _FEAT.sub("", text)
    words = [w.lower() for w in _WORD.findall(text)
             if any(ch.isalpha() for ch in w) and len(w) <= _MAX_WORD_CHARS]
    while words and words[0] in _STOPWORDS:
        words.pop(0)
    words = words[:_MAX_THEME_WORDS]
    while words and words[-1] in _STOPWORDS:
        words.pop()
    if not any(w not in _STOPWORDS for w in words):
        return ""
    return _clean(" ".join(words))


def _caption_subject(caption: str | None) -> str:
    if not caption:
        return ""
    text = _CAPTION_JUNK.sub(" ", caption.lower())
    text = _clean(re.sub(r"[^\w\s,'’-]", " ", text))
    words = text.replace(" ,", ",").strip(" ,.-").split()
    while words and words[0] in ("and", "with", "of", ","):
        words.pop(0)
    return " ".join(words[:16]).strip(" ,")


# --------------------------------------------------------------------------------------------
# Putting prompts together
# --------------------------------------------------------------------------------------------


def _weight(text: str) -> int:
    """Rough CLIP cost: ASCII characters count once, others (CJK, accents...) three times."""
    return sum(1 if ord(ch) < 128 else 3 for ch in text)


def _assemble(parts: Sequence[tuple[str | None, int]], limit: int = MAX_PROMPT_CHARS) -> str:
    """Join ``(text, priority)`` parts with commas, dropping the lowest priorities to fit."""
    kept = [(t.strip(" ,"), p) for t, p in parts if t and t.strip(" ,")]
    seen: set[str] = set()
    unique = []
    for text, prio in kept:
        if text.lower() not in seen:
            seen.add(text.lower())
            unique.append((text, prio))
    while len(unique) > 1 and _weight(", ".join(t for t, _ in unique)) > limit:
        lowest = min(range(len(unique)), key=lambda i: (unique[i][1], -i))
        unique.pop(lowest)
    prompt = ", ".join(t for t, _ in unique)
    if _weight(prompt) > limit:  # one required part alone is too long: cut at a word
        words, out = prompt.split(), []
        for word in words:
            if _weight(" ".join([*out, word])) > limit:
                break
            out.append(word)
        prompt = " ".join(out) or prompt[: limit // 3]
    return prompt.strip(" ,")


def _palette_phrase(colours: Sequence[str], k: int) -> str:
    names = list(dict.fromkeys(colours))[:k]
    if not names:
        return ""
    if len(names) == 1:
        return f"in shades of {names[0]}"
    return f"in shades of {', '.join(names[:-1])} and {names[-1]}"


def _picker(track: TrackInfo) -> Callable[[Sequence[str], str], str]:
    """A deterministic chooser keyed by the track (same inputs -> same choices)."""
    key = "|".join([track.name or "", track.album or "", *track.artists])

    def pick(options: Sequence[str], salt: str) -> str:
        digest = hashlib.sha256(f"{key}|{salt}".encode()).digest()
        return options[int.from_bytes(digest[:4], "big") % len(options)]

    return pick


def _decade(release_date: str | None) -> str | None:
    match = re.match(r"\s*(\d{4})", release_date or "")
    if not match:
        return None
    year = int(match.group(1))
    return f"{year // 10 * 10}s" if 1900 <= year < 2005 else None


@dataclass(frozen=True)
class _Words:
    """What the five prompt templates draw on, gathered once from the track."""

    pick: Callable[[Sequence[str], str], str]  # the track's deterministic chooser
    main: Style  # the first genre's vocabulary (or the default one)
    second: Style  # the second genre's vocabulary (or the first)
    mood: _Mood | None  # None without audio
    colours: tuple[str, ...]  # the cover's palette, then the genre's colours
    cover_colours: tuple[str, ...]  # the cover's palette, or the genre's colours
    title: str  # "" when empty or an artist's name
    album: str  # "" when empty, the title or an artist's name (self-titled albums)
    subject: str  # the caption's subject, or ""
    genre_mood: str
    decade: str | None

    @property
    def motion(self) -> str | None:
        """Imagery for the tempo, None without audio."""
        return self.mood.motion if self.mood else None

    def feeling(self, *parts: str) -> str:
        """Mood words of the analysis, or the genre's mood without audio."""
        return (self.mood.words(*parts) if self.mood else "") or self.genre_mood


def _cover_palette(track: TrackInfo) -> list[str]:
    """Up to four colour names of the track's cover; [] without a readable cover."""
    if not track.cover:
        return []
    try:
        return cover_palette(track.cover, n=4)
    except Exception:
        return []


def _words(track: TrackInfo, analysis: AudioAnalysis | None, caption: str | None) -> _Words:
    """The vocabularies, mood, colours and themes of ``track`` for the prompt templates."""
    pick = _picker(track)
    styles = genre_styles(track.genres)
    main = styles[0] if styles else DEFAULT_STYLE
    palette = _cover_palette(track)
    artists = {_theme(a) for a in track.artists}
    title = _theme(track.name)
    album = _theme(track.album)
    if album == title or album in artists:  # self-titled albums: no artist names in prompts
        album = ""
    if title in artists:
        title = ""
    return _Words(
        pick=pick, main=main, second=styles[1] if len(styles) > 1 else main,
        mood=_mood(analysis), colours=tuple(dict.fromkeys([*palette, *main.colours])),
        cover_colours=tuple(palette or main.colours), title=title, album=album,
        subject=_caption_subject(caption), genre_mood=pick(main.moods, "mood"),
        decade=_decade(track.release_date),
    )


def _first_subject(w: _Words) -> str:
    """The cover's subject: the caption, else the title as a symbol."""
    if w.subject:
        return w.subject
    if w.title:
        return f"symbolic artwork of {w.title}, {w.pick(w.main.motifs, 'motif')}"
    return f"symbolic artwork of {w.pick(w.main.motifs, 'motif')}"


def _cover_prompt(w: _Words, first: str) -> str:
    """1. The cover's subject, in the genre's medium and the cover's colours."""
    return _assemble([
        (first, 10), (w.pick(w.main.media, "medium"), 8),
        (_palette_phrase(w.cover_colours, 2), 7), (w.feeling("mode", "energy"), 7),
        (w.pick(w.main.lighting, "light"), 5), ("highly detailed", 9), ("sharp focus", 3),
    ])


def _abstract_prompt(w: _Words) -> str:
    """2. An abstract piece in the palette, moving with the tempo."""
    return _assemble([
        (f"abstract composition of {w.pick(w.main.abstract, 'abstract')}", 10),
        (_palette_phrase(w.colours, 3), 9), (w.motion, 7), (w.feeling("tempo", "energy"), 7),
        ("fluid shapes, rich textures", 5), ("smooth gradients", 4), ("8k", 2),
        ("highly detailed", 8),
    ])


def _landscape_prompt(w: _Words) -> str:
    """3. A landscape or place from the genre."""
    air = w.mood.words("mode2") if w.mood else ""
    return _assemble([
        (w.pick(w.main.places, "place"), 10),
        (f"{air or w.genre_mood} atmosphere", 7), (w.mood.atmosphere if w.mood else None, 6),
        (w.pick(w.main.media[::-1], "medium3"), 8), ("wide angle vista", 6),
        (w.pick(w.main.lighting[::-1], "light3"), 5), (_palette_phrase(w.colours, 2), 5),
        ("highly detailed", 8),
    ])


def _surreal_prompt(w: _Words, first: str) -> str:
    """4. A surreal scene from the album (or the title), in the second genre's vocabulary."""
    theme = w.album or w.title
    motifs = w.second.motifs
    motif = w.pick([m for m in motifs if m not in first] or motifs, "motif4")
    return _assemble([
        (f"surreal dreamscape of {theme}" if theme else "surreal dreamscape", 10), (motif, 8),
        (w.pick(w.second.media, "medium4"), 7), ("otherworldly", 4),
        (_palette_phrase(w.colours[1:] or w.colours, 2), 5), (w.feeling("mode", "tempo"), 6),
        (w.motion, 3), ("highly detailed", 8),
    ])


def _closeup_prompt(w: _Words) -> str:
    """5. A cinematic close-up, lit by the mood."""
    film = f"{w.decade} film still" if w.decade else "anamorphic film still"
    return _assemble([
        (f"cinematic close-up of {w.pick(w.main.closeups, 'closeup')}", 10), (film, 7),
        ("shallow depth of field, bokeh", 8),
        ((w.mood.lighting if w.mood else None) or w.pick(w.main.lighting, "light5"), 6),
        (_palette_phrase(w.colours, 2), 5), (w.feeling("mode2", "energy"), 6),
        ("highly detailed", 8),
    ])


def default_prompts(track: TrackInfo, *, analysis: AudioAnalysis | None = None,
                    caption: str | None = None) -> PromptSet:
    """Five distinct prompts for ``track`` (deterministic for the same inputs).

    Parameters
    ----------
    track : title, album, genres and ``cover`` (a local image: its palette is used).
    analysis : the music analysis, for the mood (tempo, key mode, energy); None without audio.
    caption : a caption of the cover (see :func:`caption_cover`), used as the first subject.

    Returns
    -------
    PromptSet
        Exactly five non-blank prompts, each under ``MAX_PROMPT_CHARS``, and the negative prompt.
    """
    words = _words(track, analysis, caption)
    first = _first_subject(words)
    prompts = _distinct([_cover_prompt(words, first), _abstract_prompt(words),
                         _landscape_prompt(words), _surreal_prompt(words, first),
                         _closeup_prompt(words)])
    return PromptSet(prompts=tuple(prompts), negative_prompt=NEGATIVE_PROMPT)


def _distinct(prompts: list[str]) -> list[str]:
    """Guarantee five distinct non-blank prompts (the templates already differ in their head)."""
    fillers = ("abstract flowing light, highly detailed", "dreamlike colour field, soft glow",
               "cosmic nebula, highly detailed", "ethereal mist, cinematic lighting",
               "luminous geometric forms, highly detailed")
    out: list[str] = []
    for prompt in [*prompts, *fillers]:
        if prompt.strip() and prompt.lower() not in {p.lower() for p in out}:
            out.append(prompt)
        if len(out) == 5:
            break
    return out


