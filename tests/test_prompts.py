"""Default prompts, cover palettes and cover captions (music_visualizer.prompts)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from music_visualizer.audio.analysis import AudioAnalysis
from music_visualizer.prompts import (
    MAX_PROMPT_CHARS,
    NEGATIVE_PROMPT,
    PromptSet,
    caption_cover,
    cover_palette,
    default_prompts,
)
from music_visualizer.sources.track import TrackInfo

ROOT = Path(__file__).resolve().parents[1]
EMPTY = np.zeros(0)

REDS = {"scarlet red", "crimson", "blood red", "maroon", "burgundy"}
GREENS = {"neon green", "lime green", "emerald green", "forest green", "chartreuse"}
BLUES = {"ultramarine blue", "cobalt blue", "royal blue", "navy blue"}

UNUSUAL_TITLES = [
    "",
    "🔥🔥🔥",
    "AC/DC / Back in Black \\ (Live) [Remastered 2011] {x}",
    "(masterpiece:1.5) <lora:style:1> | AND -- prompt: weights",
    "word " * 40 + "Supercalifragilisticexpialidociouswordthatgoesonforeverandever",
    "夜に駆ける 🌙 / Into the Night",
    "It",
    "Line\nbreak\tand\x00control",
]


def analysis(tempo: float, key: str, rms: float) -> AudioAnalysis:
    return AudioAnalysis(duration=30.0, sample_rate=22050, tempo=tempo, beats=EMPTY,
                         downbeats=EMPTY, onsets=EMPTY, key=key, sections=(), feature_rate=43.0,
                         curves={"rms": np.full(200, rms)})


SAD = analysis(68.0, "E minor", 0.03)  # slow, minor, quiet (-30 dBFS)
HAPPY = analysis(150.0, "C major", 0.35)  # fast, major, loud (-9 dBFS)


def check(prompts: PromptSet) -> None:
    assert isinstance(prompts, PromptSet)
    assert len(prompts.prompts) == 5
    assert len({p.lower() for p in prompts.prompts}) == 5
    for prompt in prompts.prompts:
        assert prompt.strip() and prompt == prompt.strip()
        assert len(prompt) <= MAX_PROMPT_CHARS
        assert not any(ch in prompt for ch in "()[]{}<>:|\\\n\t\x00")
    assert prompts.negative_prompt == NEGATIVE_PROMPT
    assert "watermark" in prompts.negative_prompt and "text" in prompts.negative_prompt


def joined(prompts: PromptSet) -> str:
    return " | ".join(prompts.prompts)


@pytest.fixture(scope="module")
def images(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("covers")
    out = {}
    for name, colour in {"red": (255, 0, 0), "green": (0, 255, 0), "blue": (0, 0, 255),
                         "black": (0, 0, 0), "white": (255, 255, 255),
                         "yellow": (255, 255, 0)}.items():
        out[name] = folder / f"{name}.png"
        Image.new("RGB", (50, 50), colour).save(out[name])
    two = Image.new("RGB", (200, 100), (0, 128, 128))
    two.paste((204, 85, 0), (0, 0, 60, 100))  # 30 % burnt orange, 70 % teal
    out["two"] = folder / "two.jpg"
    two.save(out["two"], quality=95)
    rgba = Image.new("RGBA", (40, 40), (0, 0, 0, 0))
    rgba.paste((255, 0, 0, 255), (10, 10, 30, 30))  # red square on transparency
    out["alpha"] = folder / "alpha.png"
    rgba.save(out["alpha"])
    return out


# --------------------------------------------------------------------------------------------
# Prompts
# --------------------------------------------------------------------------------------------


def test_minimal_track_gets_five_good_prompts():
    prompts = default_prompts(TrackInfo(name="Song"))
    check(prompts)
    assert all("highly detailed" in p for p in prompts.prompts)


def test_full_track_uses_title_album_genres_and_palette(images):
    track = TrackInfo(name="Midnight City (feat. Someone) - Remastered 2011",
                      artists=("M83",), album="Hurry Up, We're Dreaming",
                      release_date="1985-10-18", genres=("synthwave", "indie pop"),
                      cover=str(images["two"]))
    prompts = default_prompts(track, analysis=SAD)
    check(prompts)
    text = joined(prompts)
    assert "midnight city" in text
    assert "remastered" not in text.lower() and "someone" not in text.lower()
    assert "hurry up we're dreaming" in text
    assert "teal" in text and "burnt orange" in text
    assert "1980s film still" in text
    assert "M83" not in text  # artist names are not used as style cues
    assert any(w in text for w in ("retro-futurism", "vaporwave", "neon"))


def test_self_titled_album_does_not_put_the_artist_in_prompts():
    track = TrackInfo(name="Nothing Else Matters", artists=("Metallica",), album="Metallica",
                      genres=("heavy metal",))
    text = joined(default_prompts(track, analysis=SAD))
    assert "metallica" not in text.lower()
    assert "nothing else matters" in text


def test_deterministic_even_across_processes(images):
    track = TrackInfo(name="Deterministic", album="Same", genres=("jazz",),
                      cover=str(images["two"]))
    first = default_prompts(track, analysis=HAPPY, caption="a lighthouse")
    assert default_prompts(track, analysis=HAPPY, caption="a lighthouse") == first
    code = (
        "import json, numpy as np;"
        "from music_visualizer.prompts import default_prompts;"
        "from music_visualizer.sources.track import TrackInfo;"
        "from music_visualizer.audio.analysis import AudioAnalysis;"
        "e = np.zeros(0);"
        "a = AudioAnalysis(30.0, 22050, 150.0, e, e, e, 'C major', (), 43.0,"
        " {'rms': np.full(200, 0.35)});"
        f"t = TrackInfo(name='Deterministic', album='Same', genres=('jazz',),"
        f" cover={str(images['two'])!r});"
        "print(json.dumps(list(default_prompts(t, analysis=a, caption='a lighthouse').prompts)))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         check=True, timeout=120)
    assert json.loads(out.stdout) == list(first.prompts)


def test_mood_follows_the_analysis():
    track = TrackInfo(name="Weather", genres=("rock",))
    sad, happy, none = (joined(default_prompts(track, analysis=a)) for a in (SAD, HAPPY, None))
    for word in ("melancholic", "moody", "calm", "gentle", "moonlight"):
        assert word in sad and word not in happy
    for word in ("uplifting", "bright", "energetic", "intense", "golden light"):
        assert word in happy and word not in sad
    for word in ("melancholic", "uplifting", "calm", "energetic"):
        assert word not in none
    # medium tempo, unknown key, medium loudness
    middle = joined(default_prompts(track, analysis=analysis(110.0, "", 0.1)))
    assert "flowing" in middle
    assert not any(w in middle for w in ("melancholic", "uplifting", "intense", "gentle"))
    # silence and no beats do not break anything
    check(default_prompts(track, analysis=analysis(0.0, "", 0.0)))


def test_genres_change_the_vocabulary():
    metal = joined(default_prompts(TrackInfo(name="Same", genres=("death metal",))))
    jazz = joined(default_prompts(TrackInfo(name="Same", genres=("bebop", "cool jazz"))))
    ambient = joined(default_prompts(TrackInfo(name="Same", genres=("ambient",))))
    plain = joined(default_prompts(TrackInfo(name="Same")))
    assert "dark fantasy" in metal and "dark fantasy" not in jazz
    assert any(w in jazz for w in ("art deco", "noir", "jazz club", "saxophone", "piano"))
    assert any(w in ambient for w in ("ethereal", "mist", "aurora", "fjord"))
    assert len({metal, jazz, ambient, plain}) == 4
    # the most specific keyword wins: "dream pop" is psychedelic, not plain pop
    dream = joined(default_prompts(TrackInfo(name="Same", genres=("dream pop",))))
    assert any(w in dream for w in ("psychedelic", "surrealist", "kaleidoscop"))


def test_caption_is_the_first_subject():
    track = TrackInfo(name="Harbour", genres=("folk",))
    prompts = default_prompts(track, caption="arafed lighthouse on a cliff (at night): with "
                                             "the words 'hello'")
    check(prompts)
    assert prompts.prompts[0].startswith("lighthouse on a cliff at night")
    assert "arafed" not in joined(prompts)
    without = default_prompts(track)
    assert without.prompts[0] != prompts.prompts[0]
    assert without.prompts[1:] == prompts.prompts[1:]


@pytest.mark.parametrize("title", UNUSUAL_TITLES)
def test_unusual_titles_are_safe(title, images):
    track = TrackInfo(name=title, album=title[::-1] or None, genres=(title, "hip hop"),
                      cover=str(images["red"]))
    for mood in (None, SAD):
        check(default_prompts(track, analysis=mood, caption=title or None))


def test_long_title_is_cut_at_a_word():
    prompts = default_prompts(TrackInfo(name="alpha beta gamma delta epsilon zeta eta theta "
                                              "iota kappa " * 10, album="x" * 300))
    check(prompts)
    assert "alpha beta gamma delta epsilon zeta" in joined(prompts)
    assert "eta" not in joined(prompts).split()
    assert "xxxxxxxx" not in joined(prompts)


def test_missing_or_broken_cover_is_ignored(tmp_path):
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8 not an image")
    for cover in (str(tmp_path / "missing.png"), str(broken)):
        check(default_prompts(TrackInfo(name="Song", cover=cover)))


# --------------------------------------------------------------------------------------------
# Palette
# --------------------------------------------------------------------------------------------


def test_palette_of_solid_colours(images):
    assert cover_palette(images["red"])[0] in REDS
    assert cover_palette(images["green"])[0] in GREENS
    assert cover_palette(images["blue"])[0] in BLUES
    assert cover_palette(images["black"]) == ["black"]
    assert cover_palette(images["white"]) == ["white"]
    assert "yellow" in cover_palette(images["yellow"])[0]


def test_palette_orders_by_share_and_is_deterministic(images):
    palette = cover_palette(images["two"])
    assert palette == ["teal", "burnt orange"]
    assert cover_palette(images["two"]) == palette
    assert cover_palette(images["two"], n=1) == ["teal"]
    # transparent pixels are ignored
    assert cover_palette(images["alpha"])[0] in REDS


def test_palette_of_a_busy_image_is_fast_and_bounded(tmp_path):
    rng = np.random.default_rng(0)
    path = tmp_path / "noise.jpg"
    Image.fromarray(rng.integers(0, 256, (800, 800, 3), dtype=np.uint8)).save(path)
    palette = cover_palette(path, n=5)
    assert 1 <= len(palette) <= 5 and len(set(palette)) == len(palette)


def test_palette_of_a_non_image_raises(tmp_path):
    path = tmp_path / "nope.png"
    path.write_text("hello")
    with pytest.raises(OSError):
        cover_palette(path)


# --------------------------------------------------------------------------------------------
# Caption
# --------------------------------------------------------------------------------------------


def test_caption_without_a_model_is_none_and_quick(images, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))  # an empty hub cache
    monkeypatch.delenv("MUSIC_VISUALIZER_CAPTION_MODEL", raising=False)
    assert caption_cover(images["red"]) is None  # the default hub id is not cached
    assert caption_cover(images["red"], model=str(tmp_path / "no-model")) is None
    assert caption_cover(tmp_path / "missing.png") is None
    assert caption_cover(None) is None
    monkeypatch.setenv("MUSIC_VISUALIZER_CAPTION_MODEL", "none")
    assert caption_cover(images["red"]) is None
    empty_model = tmp_path / "empty-model"
    empty_model.mkdir()
    assert caption_cover(images["red"], model=str(empty_model)) is None


@pytest.mark.slow
def test_caption_with_a_tiny_local_model(images, tmp_path, monkeypatch):
    """A tiny random-weight BLIP saved locally goes through the same image-to-text pipeline."""
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    folder = tmp_path / "tiny-blip"
    folder.mkdir()
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "[DEC]", "a", "the", "of", "with",
             "lighthouse", "cliff", "night", "red", "sky", "sea", "guitar", "neon"]
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tokenizer = transformers.BertTokenizer(str(folder / "vocab.txt"), bos_token="[DEC]")
    config = transformers.BlipConfig(
        text_config={"vocab_size": len(vocab), "hidden_size": 32, "intermediate_size": 37,
                     "num_hidden_layers": 1, "num_attention_heads": 4,
                     "max_position_embeddings": 64, "bos_token_id": 5, "pad_token_id": 0,
                     "sep_token_id": 3, "eos_token_id": 3},
        vision_config={"hidden_size": 32, "intermediate_size": 37, "num_hidden_layers": 1,
                       "num_attention_heads": 4, "image_size": 32, "patch_size": 8},
        projection_dim=32,
    )
    torch.manual_seed(0)
    transformers.BlipForConditionalGeneration(config).save_pretrained(folder)
    processor = transformers.BlipProcessor(
        image_processor=transformers.BlipImageProcessor(size={"height": 32, "width": 32}),
        tokenizer=tokenizer)
    processor.save_pretrained(folder)

    monkeypatch.setenv("MUSIC_VISUALIZER_CAPTION_MODEL", str(folder))
    caption = caption_cover(images["red"])
    assert isinstance(caption, str) and caption.strip()
    assert caption_cover(images["red"], model=str(folder)) == caption  # greedy: deterministic
    check(default_prompts(TrackInfo(name="Song"), caption=caption))
