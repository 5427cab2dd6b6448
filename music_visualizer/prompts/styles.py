"""The visual vocabularies of genre families (data) and the lookup from a track's genres.

- :class:`Style`          the visual vocabulary of a family of genres
- :data:`STYLES`          the vocabularies, one per genre family
- :data:`DEFAULT_STYLE`   a neutral dreamlike vocabulary for unknown genres
- :func:`genre_styles`    a track's genres -> their vocabularies, each once
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["DEFAULT_STYLE", "STYLES", "Style", "genre_styles"]


@dataclass(frozen=True)
class Style:
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


STYLES: tuple[Style, ...] = (
    Style(
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
    Style(
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
    Style(
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
    Style(
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
    Style(
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
    Style(
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
    Style(
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
    Style(
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
    Style(
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
    Style(
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
    Style(
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
    Style(
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
    Style(
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
    Style(
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
    Style(
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
    Style(
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

DEFAULT_STYLE = Style(
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


def _style_index() -> list[tuple[str, Style]]:
    """(keyword, style), longest keyword first, so "dream pop" beats "pop"."""
    pairs = [(kw, style) for style in STYLES for kw in style.keywords]
    return sorted(pairs, key=lambda p: -len(p[0]))


_STYLE_INDEX = _style_index()


def genre_styles(genres: Sequence[str]) -> list[Style]:
    """The vocabularies of the genres, in the genres' order, each once."""
    found: list[Style] = []
    for genre in genres:
        text = " " + " ".join(re.split(r"[\s_/]+", genre.lower())) + " "
        for keyword, style in _STYLE_INDEX:
            if re.search(rf"(?<![a-z]){re.escape(keyword)}(?![a-z])", text):
                if style not in found:
                    found.append(style)
                break
    return found


