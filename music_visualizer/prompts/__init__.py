"""Default prompts for a track: five distinct Stable Diffusion prompts and a negative prompt.

- :class:`PromptSet`        five prompts and a negative prompt
- :func:`default_prompts`   track (+ analysis, + cover caption) -> :class:`PromptSet`
- :func:`cover_palette`     the named dominant colours of a cover ("deep teal", "burnt orange")
- :func:`caption_cover`     a caption of the cover by a local image-to-text model, or None
- :data:`NEGATIVE_PROMPT`   the default negative prompt

The prompts combine what we know about the song:

- the cover: its caption (when a captioning model is available) as a subject, and its palette;
- the genres: a table of genre keywords -> visual vocabularies (medium, places, motifs, close-ups,
  lighting, colours), with a neutral dreamlike default;
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
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from music_visualizer.sources.track import TrackInfo

if TYPE_CHECKING:
    from music_visualizer.audio.analysis import AudioAnalysis

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

MAX_PROMPT_CHARS = 300
NEGATIVE_PROMPT = (
    "text, words, letters, typography, watermark, signature, logo, frame, border, blurry, "
    "lowres, low quality, jpeg artifacts, deformed, disfigured, bad anatomy, extra limbs, "
    "cropped, duplicate, oversaturated"
)
CAPTION_MODEL_ENV = "MUSIC_VISUALIZER_CAPTION_MODEL"
DEFAULT_CAPTION_MODEL = "Salesforce/blip-image-captioning-base"


@dataclass(frozen=True)
class PromptSet:
    """Five distinct, non-blank prompts and one negative prompt."""

    prompts: tuple[str, ...]
    negative_prompt: str


# --------------------------------------------------------------------------------------------
# Genre vocabularies
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Style:
    """The visual vocabulary of a family of genres (each tuple offers alternatives)."""

    name: str
    keywords: tuple[str, ...]
    media: tuple[str, ...]
    places: tuple[str, ...]
    motifs: tuple[str, ...]
    closeups: tuple[str, ...]
    lighting: tuple[str, ...]
    abstract: tuple[str, ...]
    colours: tuple[str, str, str]
    moods: tuple[str, ...]


_STYLES: tuple[_Style, ...] = (
    _Style(
        "synthwave",
        ("synthwave", "retrowave", "outrun", "vaporwave", "chillwave", "darksynth", "city pop",
         "new retro wave", "synth"),
        ("retro-futurism, 80s airbrush art", "vaporwave digital art, retro 80s aesthetic"),
        ("a neon grid highway racing toward a giant striped sunset",
         "a retro-futuristic city skyline of chrome towers under a purple sky"),
        ("chrome palm trees and a glowing wireframe horizon",
         "a floating marble statue among neon geometry"),
        ("a chrome sports car headlight reflecting neon signs",
         "rain drops on a window glowing with neon reflections"),
        ("neon glow, magenta haze", "glowing neon rim light"),
        ("glowing wireframe grids and scanlines", "liquid chrome waves"),
        ("hot pink", "electric cyan", "deep purple"),
        ("nostalgic", "dreamy"),
    ),
    _Style(
        "electronic",
        ("electronic", "edm", "techno", "house", "trance", "dubstep", "drum and bass", "dnb",
         "electro", "idm", "breakbeat", "garage", "hardstyle", "big room", "future bass",
         "electronica", "rave", "club", "dance"),
        ("futuristic digital art, geometric abstraction", "sci-fi concept art, octane render"),
        ("a vast warehouse rave under sweeping laser beams",
         "an infinite tunnel of pulsing light in a futuristic megacity"),
        ("pulsing geometric shapes and light trails", "a colossal glowing speaker monolith"),
        ("a dancer's hand cutting through laser beams and haze",
         "a circuit board glowing like a night city"),
        ("strobe lights, volumetric lasers", "volumetric light beams through haze"),
        ("fractal light patterns", "pulsing geometric waveforms"),
        ("electric blue", "magenta", "black"),
        ("euphoric", "hypnotic"),
    ),
    _Style(
        "lofi",
        ("lo-fi", "lofi", "chillhop", "bedroom pop", "study beats"),
        ("cozy anime illustration, lofi aesthetic",
         "soft gouache illustration, studio ghibli style"),
        ("a cozy bedroom at night with rain on the window",
         "a quiet tram crossing a sleepy town at dusk"),
        ("a cat sleeping beside a steaming cup of tea", "vinyl records and houseplants"),
        ("a steaming cup of coffee beside a rainy window",
         "a vinyl record spinning on an old turntable"),
        ("warm lamplight", "soft evening glow"),
        ("soft grainy gradients and paper textures", "gentle watercolor washes"),
        ("warm beige", "dusty rose", "muted teal"),
        ("cozy", "nostalgic"),
    ),
    _Style(
        "ambient",
        ("ambient", "drone", "new age", "downtempo", "chillout", "chill", "trip hop",
         "meditation", "sleep", "minimal", "post-rock", "post rock", "space music",
         "modern classical", "neoclassical", "lullaby"),
        ("ethereal minimalism, soft matte painting", "atmospheric long-exposure photography"),
        ("a misty fjord at dawn with still water",
         "an endless calm ocean beneath a shimmering aurora"),
        ("floating islands drifting through soft clouds", "a lone tree on a mirror-like salt flat"),
        ("a single dewdrop on a leaf catching the dawn light",
         "mist curling over still water"),
        ("soft diffused light", "pale dawn light"),
        ("soft luminous gradients", "slowly dissolving ink clouds"),
        ("pale blue", "silver grey", "soft lavender"),
        ("serene", "weightless"),
    ),
    _Style(
        "psychedelic",
        ("psychedelic", "psych", "shoegaze", "dream pop", "space rock", "acid", "stoner",
         "krautrock", "neo-psychedelia"),
        ("psychedelic poster art, liquid light show", "surrealist painting, kaleidoscopic detail"),
        ("a melting technicolor forest under a spiralling sky",
         "a desert of giant mushrooms beneath swirling galaxies"),
        ("kaleidoscopic flowers unfolding into eyes", "rainbow waves pouring from the sky"),
        ("an iris reflecting a kaleidoscope of colour", "oil and water swirling in bright colours"),
        ("iridescent glow", "hazy prismatic light"),
        ("swirling liquid colour and fractal mandalas", "melting rainbow ripples"),
        ("acid orange", "violet", "lime green"),
        ("hypnotic", "trippy"),
    ),
    _Style(
        "metal",
        ("metal", "metalcore", "deathcore", "doom", "sludge", "thrash", "djent", "grindcore",
         "black metal", "death metal", "heavy metal", "power metal", "nu metal"),
        ("dark fantasy oil painting, gothic engraving", "dark fantasy concept art, dramatic"),
        ("a volcanic mountain fortress under storm clouds",
         "a ruined gothic cathedral in a burning wasteland"),
        ("ravens circling a throne of iron thorns", "a colossal skull carved into a cliff"),
        ("a raven's eye reflecting fire", "a cracked iron gauntlet gripping a burning chain"),
        ("fire glow, dramatic chiaroscuro", "lightning flashes, hard shadows"),
        ("jagged shards and smoke", "molten metal splashes"),
        ("black", "blood red", "ash grey"),
        ("ominous", "ferocious"),
    ),
    _Style(
        "punk",
        ("punk", "hardcore", "grunge", "garage rock", "emo", "post-punk", "riot grrrl", "skate"),
        ("xerox collage zine art, gritty", "grungy photocopy collage, torn paper"),
        ("a graffiti-covered alley behind a basement venue",
         "an empty skate park at dusk with chain-link fences"),
        ("safety pins and torn posters", "a broken guitar wrapped in barbed wire"),
        ("a scuffed sneaker on a skateboard", "a cracked microphone dripping with sweat"),
        ("harsh flash photography", "flickering fluorescent light"),
        ("torn paper layers and spray paint", "halftone noise and ink splatter"),
        ("acid green", "black", "hot pink"),
        ("rebellious", "raw"),
    ),
    _Style(
        "rock",
        ("rock", "indie", "alternative", "alt", "britpop", "classic rock", "hard rock",
         "blues rock", "soft rock", "arena rock", "guitar", "prog"),
        ("gritty concert poster art, analog film grain", "vintage rock poster illustration"),
        ("an endless desert highway at dusk with storm clouds ahead",
         "a stadium stage blazing under a night sky full of lights"),
        ("a burning electric guitar", "an open road stretching into a thunderstorm"),
        ("guitar strings vibrating under stage light", "a worn leather jacket under stage lights"),
        ("hard stage rim light", "golden hour backlight"),
        ("bold brush strokes and film grain", "distorted sound waves"),
        ("burnt orange", "black", "cream"),
        ("rebellious", "soaring"),
    ),
    _Style(
        "hiphop",
        ("hip hop", "hip-hop", "rap", "trap", "grime", "drill", "boom bap", "gangsta", "phonk",
         "crunk"),
        ("urban street art, bold graffiti mural", "bold pop art, street photography"),
        ("a city rooftop at night overlooking a glowing skyline",
         "wet neon-lit streets of a sprawling city at midnight"),
        ("gold chains and a crown on a stack of vinyl", "a graffiti-covered subway car"),
        ("a gold microphone dripping with light", "sneakers stepping through neon puddles"),
        ("sodium streetlights, neon reflections on wet asphalt", "hard flash, moody shadows"),
        ("spray paint drips and bold shapes", "halftone patterns and bold stripes"),
        ("gold", "black", "purple"),
        ("confident", "gritty"),
    ),
    _Style(
        "rnb",
        ("r&b", "rnb", "neo soul", "soul", "quiet storm", "slow jam", "contemporary r&b"),
        ("silky airbrush art, velvet textures", "soft-focus editorial photography"),
        ("a moonlit penthouse lounge above the city lights",
         "a candlelit room with silk curtains and a night sky"),
        ("silk ribbons floating through the air", "roses floating in dark water"),
        ("a rose petal with a single drop of water", "a glass of wine catching candlelight"),
        ("soft purple candlelight", "warm low-key light"),
        ("flowing silk folds", "soft velvet gradients"),
        ("wine red", "violet", "gold"),
        ("sensual", "smooth"),
    ),
    _Style(
        "funk",
        ("funk", "disco", "boogie", "nu-disco", "motown", "groove"),
        ("70s psychedelic poster art, glitter", "retro 70s illustration, bold shapes"),
        ("a mirror-ball dance floor with glowing tiles", "a roller disco under a starry sky"),
        ("a giant disco ball scattering light", "platform shoes and flared trousers in motion"),
        ("a spinning mirror ball throwing sparkles", "a trumpet bell gleaming under spotlights"),
        ("sparkling spotlights", "warm disco glow"),
        ("groovy wavy stripes", "retro concentric rainbow curves"),
        ("orange", "gold", "magenta"),
        ("groovy", "joyful"),
    ),
    _Style(
        "jazz",
        ("jazz", "bebop", "swing", "big band", "bossa nova", "lounge", "smooth jazz", "blues",
         "cool jazz", "fusion"),
        ("art deco illustration, 1950s album art", "vintage film noir photography"),
        ("a smoky underground jazz club", "a rainy 1950s city street with glowing shop windows"),
        ("a saxophone trailing ribbons of smoke", "a grand piano under a single spotlight"),
        ("a saxophone gleaming under a spotlight", "fingers on piano keys in a haze of smoke"),
        ("warm amber spotlight, smoky haze", "low-key noir lighting"),
        ("art deco geometry and brushed gold lines", "flowing ink lines like a melody"),
        ("amber", "deep teal", "black"),
        ("smoky", "elegant"),
    ),
    _Style(
        "classical",
        ("classical", "orchestral", "orchestra", "baroque", "opera", "romantic", "symphony",
         "chamber", "piano", "soundtrack", "score", "film score", "choral", "cinematic"),
        ("romantic era oil painting, baroque ornament", "grand classical oil painting"),
        ("a grand concert hall glowing with chandeliers",
         "a sweeping alpine valley under dramatic clouds"),
        ("a cello bow casting golden light", "marble statues in a sunlit gallery"),
        ("the scroll of a violin in golden light", "candlelight on an open music score"),
        ("golden hour light", "soft chandelier glow"),
        ("flowing calligraphic lines and gold leaf", "marbled paper swirls"),
        ("gold", "ivory", "deep red"),
        ("majestic", "timeless"),
    ),
    _Style(
        "folk",
        ("folk", "indie folk", "country", "americana", "bluegrass", "singer-songwriter", "acoustic",
         "celtic", "traditional", "roots", "western"),
        ("rustic watercolor painting", "americana oil painting, painterly"),
        ("golden wheat fields with a lone farmhouse",
         "a misty pine forest by a quiet lake at sunrise"),
        ("an acoustic guitar resting on a wooden porch", "wildflowers along a dirt road"),
        ("weathered hands on an acoustic guitar", "a lantern glowing on a wooden table"),
        ("warm sunset light", "soft morning light"),
        ("woven textures and pressed flowers", "earthy watercolor washes"),
        ("ochre", "sage green", "cream"),
        ("heartfelt", "earthy"),
    ),
    _Style(
        "tropical",
        ("reggae", "dub", "ska", "dancehall", "afrobeat", "afrobeats", "amapiano", "latin",
         "reggaeton", "salsa", "cumbia", "samba", "tropical", "calypso", "soca", "bachata",
         "dembow", "kizomba", "flamenco", "tango"),
        ("vibrant tropical poster art", "colourful folk art, bold patterns"),
        ("a sun-drenched beach with swaying palms",
         "a colourful street festival under paper lanterns"),
        ("giant tropical flowers and parrots", "dancers in swirling colourful skirts"),
        ("a hibiscus flower glowing in the sun", "hands drumming on a painted conga"),
        ("bright tropical sunlight", "warm festival lights"),
        ("bold tropical patterns", "sun-bleached paper cut shapes"),
        ("sunflower yellow", "emerald green", "coral"),
        ("sunny", "carefree"),
    ),
    _Style(
        "pop",
        ("pop", "indie pop", "k-pop", "j-pop", "dance pop", "electropop", "synthpop", "teen pop",
         "art pop", "hyperpop", "europop"),
        ("glossy pop art, vibrant editorial photography", "dreamy pastel 3d render"),
        ("a pastel dreamscape of floating clouds and candy-coloured hills",
         "a glittering city at twilight seen from a ferris wheel"),
        ("floating hearts and iridescent bubbles", "giant glossy balloons drifting upward"),
        ("glitter on a glossy lip under studio light", "iridescent bubbles catching the light"),
        ("bright studio lighting", "glossy pastel light"),
        ("glossy iridescent blobs", "holographic gradients"),
        ("bubblegum pink", "sky blue", "lilac"),
        ("playful", "catchy"),
    ),
)

_DEFAULT_STYLE = _Style(
    "default",
    (),
    ("dreamlike digital painting, concept art", "surreal matte painting"),
    ("a vast surreal landscape under an open sky", "an endless horizon where sea meets sky"),
    ("ribbons of light flowing through the air", "a floating door opening onto the stars"),
    ("light scattering through a crystal prism", "an eye reflecting a starry sky"),
    ("cinematic lighting", "soft volumetric light"),
    ("flowing ribbons of colour", "luminous organic shapes"),
    ("deep blue", "amber", "violet"),
    ("dreamy", "evocative"),
)


def _style_index() -> list[tuple[str, _Style]]:
    """(keyword, style), longest keyword first, so "dream pop" beats "pop"."""
    pairs = [(kw, style) for style in _STYLES for kw in style.keywords]
    return sorted(pairs, key=lambda p: -len(p[0]))


_STYLE_INDEX = _style_index()


def _genre_styles(genres: Sequence[str]) -> list[_Style]:
    """The vocabularies of the genres, in the genres' order, each once."""
    found: list[_Style] = []
    for genre in genres:
        text = " " + " ".join(re.split(r"[\s_/]+", genre.lower())) + " "
        for keyword, style in _STYLE_INDEX:
            if re.search(rf"(?<![a-z]){re.escape(keyword)}(?![a-z])", text):
                if style not in found:
                    found.append(style)
                break
    return found


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


def _picker(track: TrackInfo):
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
    pick = _picker(track)
    styles = _genre_styles(track.genres)
    main = styles[0] if styles else _DEFAULT_STYLE
    second = styles[1] if len(styles) > 1 else main
    mood = _mood(analysis)

    palette: list[str] = []
    if track.cover:
        try:
            palette = cover_palette(track.cover, n=4)
        except Exception:
            palette = []
    colours = list(dict.fromkeys([*palette, *main.colours]))
    cover_colours = palette or list(main.colours)

    artists = {_theme(a) for a in track.artists}
    title = _theme(track.name)
    album = _theme(track.album)
    if album == title or album in artists:  # self-titled albums: no artist names in prompts
        album = ""
    if title in artists:
        title = ""
    subject = _caption_subject(caption)
    genre_mood = pick(main.moods, "mood")

    def feeling(*parts: str) -> str:
        """Mood words of the analysis, or the genre's mood without audio."""
        return (mood.words(*parts) if mood else "") or genre_mood

    genre_light = pick(main.lighting, "light")
    motion = mood.motion if mood else None
    medium = pick(main.media, "medium")
    decade = _decade(track.release_date)

    # 1. the cover's subject (the caption, else the title as a symbol)
    if subject:
        first = subject
    elif title:
        first = f"symbolic artwork of {title}, {pick(main.motifs, 'motif')}"
    else:
        first = f"symbolic artwork of {pick(main.motifs, 'motif')}"
    p1 = _assemble([
        (first, 10), (medium, 8), (_palette_phrase(cover_colours, 2), 7),
        (feeling("mode", "energy"), 7), (genre_light, 5), ("highly detailed", 9),
        ("sharp focus", 3),
    ])

    # 2. an abstract piece in the palette, moving with the tempo
    p2 = _assemble([
        (f"abstract composition of {pick(main.abstract, 'abstract')}", 10),
        (_palette_phrase(colours, 3), 9), (motion, 7), (feeling("tempo", "energy"), 7),
        ("fluid shapes, rich textures", 5), ("smooth gradients", 4), ("8k", 2),
        ("highly detailed", 8),
    ])

    # 3. a landscape or place from the genre
    air = mood.words("mode2") if mood else ""
    p3 = _assemble([
        (pick(main.places, "place"), 10),
        (f"{air or genre_mood} atmosphere", 7), (mood.atmosphere if mood else None, 6),
        (pick(main.media[::-1], "medium3"), 8), ("wide angle vista", 6),
        (pick(main.lighting[::-1], "light3"), 5), (_palette_phrase(colours, 2), 5),
        ("highly detailed", 8),
    ])

    # 4. a surreal scene from the album (or the title), in the second genre's vocabulary
    theme = album or title
    motif = pick([m for m in second.motifs if m not in first] or second.motifs, "motif4")
    p4 = _assemble([
        (f"surreal dreamscape of {theme}" if theme else "surreal dreamscape", 10), (motif, 8),
        (pick(second.media, "medium4"), 7), ("otherworldly", 4),
        (_palette_phrase(colours[1:] or colours, 2), 5), (feeling("mode", "tempo"), 6),
        (motion, 3), ("highly detailed", 8),
    ])

    # 5. a cinematic close-up, lit by the mood
    film = f"{decade} film still" if decade else "anamorphic film still"
    p5 = _assemble([
        (f"cinematic close-up of {pick(main.closeups, 'closeup')}", 10), (film, 7),
        ("shallow depth of field, bokeh", 8),
        ((mood.lighting if mood else None) or pick(main.lighting, "light5"), 6),
        (_palette_phrase(colours, 2), 5), (feeling("mode2", "energy"), 6),
        ("highly detailed", 8),
    ])

    prompts = _distinct([p1, p2, p3, p4, p5])
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


# --------------------------------------------------------------------------------------------
# Palette
# --------------------------------------------------------------------------------------------

_COLOUR_NAMES: tuple[tuple[str, int], ...] = (
    ("black", 0x0B0B0B), ("charcoal grey", 0x36454F), ("slate grey", 0x708090),
    ("ash grey", 0x8A8A8A), ("silver grey", 0xC4C4C4), ("white", 0xF8F8F8),
    ("ivory", 0xFFFCE8), ("cream", 0xF3E5AB), ("beige", 0xD8C3A5), ("sand", 0xC2B280),
    ("chocolate brown", 0x4A2C1D), ("coffee brown", 0x6F4E37), ("rust", 0xB7410E),
    ("terracotta", 0xE2725B), ("copper", 0xB87333), ("ochre", 0xCC7722),
    ("crimson", 0xDC143C), ("scarlet red", 0xFF2400), ("blood red", 0x8A0303),
    ("maroon", 0x800000), ("burgundy", 0x800020), ("coral", 0xFF7F50),
    ("salmon pink", 0xFA8072), ("dusty rose", 0xC08081), ("blush pink", 0xF4C2C2),
    ("hot pink", 0xFF69B4), ("magenta", 0xFF00FF),
    ("burnt orange", 0xCC5500), ("tangerine orange", 0xFF8C00), ("peach", 0xFFCBA4),
    ("amber", 0xFFBF00), ("gold", 0xD4AF37), ("mustard yellow", 0xE1AD01),
    ("lemon yellow", 0xFFF44F), ("pale yellow", 0xFDFD96),
    ("olive green", 0x708238), ("moss green", 0x8A9A5B), ("sage green", 0x9CAF88),
    ("neon green", 0x39FF14), ("lime green", 0x32CD32), ("emerald green", 0x50C878),
    ("forest green", 0x228B22), ("bottle green", 0x006A4E), ("mint green", 0x98FF98),
    ("jade", 0x00A86B),
    ("deep teal", 0x004D4D), ("teal", 0x008080), ("turquoise", 0x40E0D0),
    ("electric cyan", 0x00FFFF), ("sky blue", 0x87CEEB), ("powder blue", 0xB0E0E6),
    ("steel blue", 0x4682B4), ("cerulean", 0x007BA7), ("azure blue", 0x007FFF),
    ("cobalt blue", 0x0047AB), ("royal blue", 0x4169E1), ("ultramarine blue", 0x2A2AFF),
    ("navy blue", 0x000080), ("midnight blue", 0x191970),
    ("indigo", 0x4B0082), ("deep purple", 0x3C1053), ("violet", 0x8F00FF),
    ("purple", 0x800080), ("plum", 0x8E4585), ("lavender", 0xB57EDC), ("lilac", 0xC8A2C8),
    ("mauve", 0xE0B0FF),
)


def _srgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """sRGB (..., 3) in 0..255 -> CIE Lab (D65)."""
    c = np.asarray(rgb, dtype=np.float64) / 255.0
    c = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    m = np.array([[0.4124564, 0.3575761, 0.1804375],
                  [0.2126729, 0.7151522, 0.0721750],
                  [0.0193339, 0.1191920, 0.9503041]])
    xyz = c @ m.T / np.array([0.95047, 1.0, 1.08883])
    eps, kappa = 216 / 24389, 24389 / 27
    f = np.where(xyz > eps, np.cbrt(xyz), (kappa * xyz + 16) / 116)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]),
                     200 * (f[..., 1] - f[..., 2])], axis=-1)


def _ciede2000(lab1: np.ndarray, lab2: np.ndarray) -> np.ndarray:
    """CIEDE2000 colour difference, broadcasting (..., 3) arrays."""
    l1, a1, b1 = np.moveaxis(np.asarray(lab1, dtype=np.float64), -1, 0)
    l2, a2, b2 = np.moveaxis(np.asarray(lab2, dtype=np.float64), -1, 0)
    c1, c2 = np.hypot(a1, b1), np.hypot(a2, b2)
    c_bar7 = ((c1 + c2) / 2) ** 7
    g = 0.5 * (1 - np.sqrt(c_bar7 / (c_bar7 + 25.0**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360
    dlp, dcp = l2 - l1, c2p - c1p
    dh = h2p - h1p
    dh = np.where(dh > 180, dh - 360, np.where(dh < -180, dh + 360, dh))
    dh = np.where(c1p * c2p == 0, 0.0, dh)
    dhp = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh) / 2)
    lbp, cbp = (l1 + l2) / 2, (c1p + c2p) / 2
    hsum = h1p + h2p
    hbp = np.where(np.abs(h1p - h2p) > 180,
                   np.where(hsum < 360, (hsum + 360) / 2, (hsum - 360) / 2), hsum / 2)
    hbp = np.where(c1p * c2p == 0, hsum, hbp)
    t = (1 - 0.17 * np.cos(np.radians(hbp - 30)) + 0.24 * np.cos(np.radians(2 * hbp))
         + 0.32 * np.cos(np.radians(3 * hbp + 6)) - 0.20 * np.cos(np.radians(4 * hbp - 63)))
    d_theta = 30 * np.exp(-(((hbp - 275) / 25) ** 2))
    rc = 2 * np.sqrt(cbp**7 / (cbp**7 + 25.0**7))
    sl = 1 + 0.015 * (lbp - 50) ** 2 / np.sqrt(20 + (lbp - 50) ** 2)
    sc, sh = 1 + 0.045 * cbp, 1 + 0.015 * cbp * t
    rt = -np.sin(np.radians(2 * d_theta)) * rc
    return np.sqrt((dlp / sl) ** 2 + (dcp / sc) ** 2 + (dhp / sh) ** 2
                   + rt * (dcp / sc) * (dhp / sh))


_NAME_LAB = _srgb_to_lab(np.array([[(v >> 16) & 255, (v >> 8) & 255, v & 255]
                                   for _, v in _COLOUR_NAMES]))
_PALETTE_SIDE = 64
_CLUSTERS = 8
_MIN_SHARE = 0.03


def _colour_name(lab: np.ndarray) -> str:
    return _COLOUR_NAMES[int(np.argmin(_ciede2000(lab[None, :], _NAME_LAB)))][0]


def _kmeans(points: np.ndarray, k: int, *, iterations: int = 20) -> tuple[np.ndarray, np.ndarray]:
    """Deterministic k-means (k-means++ init with a fixed seed): (centres, labels)."""
    rng = np.random.default_rng(0)
    centres = [points[int(rng.integers(len(points)))]]
    for _ in range(1, k):
        d2 = np.min(((points[:, None, :] - np.array(centres)[None]) ** 2).sum(-1), axis=1)
        total = d2.sum()
        if total <= 0:
            break
        centres.append(points[int(rng.choice(len(points), p=d2 / total))])
    c = np.array(centres)
    labels = np.zeros(len(points), dtype=np.int64)
    for _ in range(iterations):
        labels = np.argmin(((points[:, None, :] - c[None]) ** 2).sum(-1), axis=1)
        new = np.array([points[labels == j].mean(axis=0) if np.any(labels == j) else c[j]
                        for j in range(len(c))])
        if np.allclose(new, c):
            break
        c = new
    return c, labels


def cover_palette(path: str | os.PathLike[str], *, n: int = 5) -> list[str]:
    """The ``n`` (or fewer) dominant colours of an image as names, most common first.

    The image is downscaled to 64 px, clustered by k-means in Lab space (fixed seed) and each
    cluster centre is named by the nearest of ~65 named colours (CIEDE2000). Names with under 3 %
    of the pixels are dropped; equal names are merged. Deterministic for the same image.

    Raises
    ------
    OSError, ValueError
        The file cannot be read as an image (callers treat this as "no palette").
    """
    from PIL import Image

    with Image.open(path) as image:
        image.draft("RGB", (_PALETTE_SIDE * 2, _PALETTE_SIDE * 2))  # fast JPEG decoding
        rgba = image.convert("RGBA")
    rgba.thumbnail((_PALETTE_SIDE, _PALETTE_SIDE), Image.Resampling.BOX)
    pixels = np.asarray(rgba, dtype=np.float64).reshape(-1, 4)
    opaque = pixels[pixels[:, 3] >= 128]
    rgb = (opaque if len(opaque) else pixels)[:, :3]
    if not len(rgb):
        return []
    lab = _srgb_to_lab(rgb)
    k = min(_CLUSTERS, len(np.unique(np.round(lab, 1), axis=0)))
    centres, labels = _kmeans(lab, max(k, 1))
    shares: dict[str, float] = {}
    counts = np.bincount(labels, minlength=len(centres)) / len(labels)
    for centre, share in zip(centres, counts, strict=True):
        if share > 0:
            name = _colour_name(centre)
            shares[name] = shares.get(name, 0.0) + float(share)
    ranked = sorted(shares.items(), key=lambda kv: (-round(kv[1], 6), kv[0]))
    return [name for name, share in ranked if share >= _MIN_SHARE][: max(n, 0)]


# --------------------------------------------------------------------------------------------
# Caption
# --------------------------------------------------------------------------------------------


def _local_model_dir(model: str) -> str | None:
    """A local folder for ``model`` (a path, or a hub id already in the cache); never downloads."""
    if Path(model).is_dir():
        return model
    try:
        from huggingface_hub import snapshot_download

        return snapshot_download(model, local_files_only=True)
    except Exception:
        return None


def caption_cover(path: str | os.PathLike[str] | None, *, model: str | None = None) -> str | None:
    """A short caption of the cover by a local image-to-text model, or None.

    ``model`` (or ``$MUSIC_VISUALIZER_CAPTION_MODEL``, or ``DEFAULT_CAPTION_MODEL``) is a local
    folder or a Hugging Face Hub id that is already in the local cache: nothing is downloaded, so
    without the model this returns None at once. ``"none"`` turns captions off. Any failure
    (no transformers, no model, a broken image) gives None. The model is loaded per call (it is
    called once per track) and decoded greedily, so the caption is deterministic.
    """
    if path is None or not Path(path).is_file():
        return None
    name = (model or os.environ.get(CAPTION_MODEL_ENV, "").strip() or DEFAULT_CAPTION_MODEL)
    if name.lower() in ("none", "off", "false", "0", ""):
        return None
    folder = _local_model_dir(name)
    if folder is None or not (Path(folder) / "config.json").is_file():
        return None  # before importing transformers, which alone takes seconds
    try:
        from PIL import Image
        from transformers import pipeline

        with Image.open(path) as image:
            picture = image.convert("RGB")
        captioner = pipeline("image-text-to-text", model=folder, device="cpu")
        result = captioner(images=picture, text="", max_new_tokens=30,
                           generate_kwargs={"do_sample": False, "num_beams": 1})
        text = _generated_text(result)
    except Exception:
        return None
    text = " ".join((text or "").split())
    return text or None


def _generated_text(result: object) -> str | None:
    """The first ``generated_text`` of a pipeline result (nested lists of dicts)."""
    while isinstance(result, list) and result:
        result = result[0]
    if isinstance(result, dict):
        text = result.get("generated_text")
        if isinstance(text, list):  # chat format: the assistant's last message
            text = text[-1].get("content") if text and isinstance(text[-1], dict) else None
        return text if isinstance(text, str) else None
    return None
