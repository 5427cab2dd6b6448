"""Prompt ideas for walk transitions: the built-in modifiers and a text-generation model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from music_visualizer.errors import SettingsError
from music_visualizer.prompts.ideas import (
    MODIFIERS,
    _clean,
    builtin_ideas,
    model_ideas,
    model_picture,
)
from music_visualizer.prompts.lyrics import imagery
from tests.tiny_models import bytes_to_unicode


def make_tiny_gpt2(folder: Path) -> Path:
    """A tiny random GPT-2 (byte-level tokenizer, no merges), saved as a transformers folder."""
    from transformers import GPT2Config, GPT2LMHeadModel, GPT2Tokenizer

    folder.mkdir(parents=True, exist_ok=True)
    vocab = {sym: i for i, sym in enumerate(bytes_to_unicode().values())}
    vocab["<|endoftext|>"] = len(vocab)
    (folder / "vocab.json").write_text(json.dumps(vocab), encoding="utf-8")
    (folder / "merges.txt").write_text("#version: 0.2\n", encoding="utf-8")
    tokenizer = GPT2Tokenizer(str(folder / "vocab.json"), str(folder / "merges.txt"))
    torch.manual_seed(0)
    config = GPT2Config(vocab_size=len(vocab), n_positions=64, n_embd=16, n_layer=1, n_head=2,
                        bos_token_id=len(vocab) - 1, eos_token_id=len(vocab) - 1)
    GPT2LMHeadModel(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def test_builtin_ideas_keep_the_subject_and_change_one_thing_in_turn():
    ideas = builtin_ideas("a lighthouse", 4, seed=3)
    all_modifiers = {m for group in MODIFIERS.values() for m in group}
    kinds = []
    for idea in ideas:
        prompt, _, modifier = idea.partition(", ")
        assert prompt == "a lighthouse" and modifier in all_modifiers
        kinds.append(next(k for k, group in MODIFIERS.items() if modifier in group))
    assert len(set(kinds)) == 4  # colour, time, camera and style, one each
    assert builtin_ideas("a lighthouse", 4, seed=3) == ideas
    assert builtin_ideas("a lighthouse", 4, seed=4) != ideas


def test_generated_text_is_cleaned_to_a_short_phrase():
    assert _clean("  glowing at dusk!!\nsecond line") == "glowing at dusk"
    assert _clean("@@@ ### ") == ""
    assert len(_clean(" ".join(["word"] * 40)).split()) == 12


def test_a_text_generation_model_gives_ideas_and_is_seeded(tmp_path):
    folder = make_tiny_gpt2(tmp_path / "tiny-gpt2")
    state = torch.random.get_rng_state()
    ideas = model_ideas("a cat", 3, model=str(folder), seed=7, max_new_tokens=8)
    assert torch.equal(torch.random.get_rng_state(), state)  # the global generator untouched
    assert len(ideas) == 3 and all(idea.startswith("a cat, ") for idea in ideas)
    assert model_ideas("a cat", 3, model=str(folder), seed=7, max_new_tokens=8) == ideas
    assert ideas != builtin_ideas("a cat", 3, seed=7)  # the model wrote at least one


def test_a_model_that_writes_nothing_usable_falls_back_to_the_builtin_ideas():
    def silent(text, **kwargs):
        return [{"generated_text": " ?!"}]

    assert model_ideas("a cat", 2, model=silent, seed=1) == builtin_ideas("a cat", 2, seed=1)


def test_a_missing_idea_model_is_a_clear_error(tmp_path):
    with pytest.raises(SettingsError, match=r"idea_model: .* could not be loaded"):
        model_ideas("a cat", 1, model=str(tmp_path / "nothing"), seed=1)


def test_a_model_rewrites_lyric_lines_into_picture_words():
    asked: list[str] = []

    def painter(text, **kwargs):
        asked.append(text)
        assert kwargs["do_sample"] is False  # greedy: the same line, the same picture
        return [{"generated_text": " a crimson moon over the harbour, at night\nmore"}]

    picture = model_picture(painter)
    assert picture("I can't sleep tonight") == ["crimson", "moon", "harbour", "night"]
    assert asked == ["Song lyric: I can't sleep tonight\nA picture of it:"]


def test_a_rewrite_without_picture_words_keeps_the_lines_own_words():
    picture = model_picture(lambda text, **kwargs: [{"generated_text": " oh yeah, the ?!"}])
    assert picture("Neon rain is falling") == imagery("Neon rain is falling")


def test_lyric_keyframes_follow_the_models_pictures_with_a_real_tiny_model(tmp_path):
    from music_visualizer.lyrics import parse_lrc
    from music_visualizer.prompts.lyrics import lyric_keyframes

    folder = make_tiny_gpt2(tmp_path / "tiny-gpt2")
    lyrics = parse_lrc("[00:02.00]Neon rain is falling\n[00:06.00]Silver horses run\n")
    keys = lyric_keyframes(lyrics.lines, [(0.0, "style")], end=10.0,
                           picture=model_picture(str(folder)))
    again = lyric_keyframes(lyrics.lines, [(0.0, "style")], end=10.0,
                            picture=model_picture(str(folder)))
    assert keys == again  # deterministic
    assert [start for start, _ in keys] == [0.0, 2.0, 6.0]
    assert all(prompt.endswith("style") for _, prompt in keys)
    plain = lyric_keyframes(lyrics.lines, [(0.0, "style")], end=10.0)
    assert keys != plain  # the random model wrote other words than the lines' own
