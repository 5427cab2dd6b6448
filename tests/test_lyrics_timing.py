"""Lyrics by speech recognition and alignment (issue 18, source 3): a tiny random-weight
Whisper built here (no download) through the loader users use, the word-timestamp
post-processing, the alignment of plain lyrics to recognised words, where recognition may run,
and the errors a bad model gives."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
import soundfile as sf

from music_visualizer.errors import ModelError
from music_visualizer.lyrics import LyricLine, Lyrics, LyricWord
from music_visualizer.lyrics.align import align_to_words, syllable_count
from music_visualizer.lyrics.recognize import (
    lines_from_words,
    load_recognizer,
    model_is_local,
    recognize_words,
    words_from_tokens,
)
from music_visualizer.lyrics.timing import timed_lyrics

SPECIALS = ["<|endoftext|>", "<|startoftranscript|>", "<|en|>", "<|transcribe|>",
            "<|translate|>", "<|startoflm|>", "<|startofprev|>", "<|nocaptions|>",
            "<|notimestamps|>"]


def _byte_chars() -> list[str]:
    """GPT-2's byte -> printable character table (byte-level BPE's alphabet)."""
    keep = {*range(ord("!"), ord("~") + 1), *range(0xA1, 0xAD), *range(0xAE, 0x100)}
    extra = iter(range(256, 512))
    return [chr(b) if b in keep else chr(next(extra)) for b in range(256)]


def build_tiny_whisper(folder):
    """A random-weight Whisper of tiny size with a byte-level tokenizer (no merges), Whisper's
    special and timestamp tokens, saved like a hub model. It samples from a few letters, a
    space and a full stop, so its garbage has words."""
    import torch
    from transformers import (
        WhisperConfig,
        WhisperFeatureExtractor,
        WhisperForConditionalGeneration,
        WhisperTokenizer,
    )

    tokenizer = WhisperTokenizer(vocab={c: i for i, c in enumerate(_byte_chars())}, merges=[])
    tokenizer.add_special_tokens({"additional_special_tokens": SPECIALS[1:]})
    tokenizer.add_tokens([f"<|{i * 0.02:.2f}|>" for i in range(1501)])
    ids = {t: tokenizer.convert_tokens_to_ids(t) for t in SPECIALS}
    end, start = ids["<|endoftext|>"], ids["<|startoftranscript|>"]
    torch.manual_seed(0)
    config = WhisperConfig(
        vocab_size=len(tokenizer), num_mel_bins=80, encoder_layers=2, decoder_layers=2,
        encoder_attention_heads=2, decoder_attention_heads=2, d_model=16, encoder_ffn_dim=32,
        decoder_ffn_dim=32, max_source_positions=1500, max_target_positions=64,
        pad_token_id=end, bos_token_id=end, eos_token_id=end, decoder_start_token_id=start)
    model = WhisperForConditionalGeneration(config).eval()
    with torch.no_grad():  # flat logits: sampling picks every allowed token
        model.model.decoder.embed_tokens.weight.mul_(0.01)
    gen = model.generation_config
    gen.decoder_start_token_id, gen.eos_token_id, gen.pad_token_id = start, end, end
    gen.no_timestamps_token_id = ids["<|notimestamps|>"]
    gen.is_multilingual, gen.forced_decoder_ids, gen.max_length = False, None, 24
    gen.alignment_heads = [[1, 0], [1, 1]]
    allowed = {tokenizer.convert_tokens_to_ids(c) for c in ["\u0120", "a", "b", "c", "o", "."]}
    gen.suppress_tokens = [i for i in range(len(tokenizer)) if i not in allowed]
    gen.begin_suppress_tokens, gen.do_sample = [], True
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    WhisperFeatureExtractor(feature_size=80).save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def tiny_whisper(tmp_path_factory):
    return build_tiny_whisper(tmp_path_factory.mktemp("tiny-whisper"))


def _song(path, seconds: float = 40.0, sr: int = 16000):
    rng = np.random.default_rng(1)
    t = np.arange(int(seconds * sr)) / sr
    y = 0.2 * np.sin(2 * np.pi * 220 * t) * (np.sin(2 * np.pi * 3 * t) > 0)
    sf.write(path, (y + 0.01 * rng.standard_normal(t.size)).astype(np.float32), sr)
    return path


# --- word timestamps: the post-processing ----------------------------------------------------

PIECES = {1: " Hel", 2: "lo", 3: ",", 4: " world", 5: ".", 6: " ", 7: "again", 8: " -", 9: " no"}


def _decode(ids):
    return "".join(PIECES[i] for i in ids)


def test_token_pieces_become_words_with_the_times_of_their_first_tokens():
    words = words_from_tokens([1, 2, 3, 4, 5, 6, 7, 8, 9],
                              [0.0, 0.2, 0.4, 0.5, 0.9, 1.0, 1.1, 1.6, 1.8],
                              decode=_decode, offset=30.0, end=32.5)
    assert [w.text for w in words] == ["Hello,", "world.", "again -", "no"]
    assert [w.start for w in words] == [30.0, 30.5, 31.1, 31.8]
    assert [w.end for w in words] == [30.5, 31.1, 31.8, 32.5]  # the next word's start, the end


def test_token_times_out_of_order_or_past_the_window_are_kept_in_order_and_inside():
    words = words_from_tokens([1, 4, 9], [0.3, 0.1, 5.0], decode=_decode, end=2.0)
    starts = [w.start for w in words]
    assert starts == sorted(starts) and starts[-1] <= 2.0
    assert all(w.end is not None and w.start <= w.end <= 2.0 for w in words)
    assert words_from_tokens([6, 6], [0.0, 0.1], decode=_decode) == []


def test_words_become_lines_at_pauses_sentence_ends_and_a_length_limit():
    w = [LyricWord(0.0, 0.3, "one"), LyricWord(0.3, 0.6, "two."), LyricWord(0.7, 1.0, "three"),
         LyricWord(3.0, 3.2, "four"), *(LyricWord(4 + i * 0.2, 4.1 + i * 0.2, "x")
                                        for i in range(5))]
    lines = lines_from_words(w, max_words=3)
    assert [ln.text for ln in lines] == ["one two.", "three", "four", "x x x", "x x"]
    assert lines[0].start == 0.0 and lines[0].end == 0.6 and len(lines[3].words) == 3


# --- alignment to recognised words -----------------------------------------------------------

def test_plain_lyrics_take_the_times_of_the_recognised_words_they_match():
    plain = Lyrics((LyricLine(None, None, "Hello darkness my old friend"),
                    LyricLine(None, None, "I've come to talk with you again")), "USLT tag")
    heard = [LyricWord(1.0, 1.4, "hello"), LyricWord(1.5, 2.0, "darkest"),  # misheard
             LyricWord(2.2, 2.4, "my"), LyricWord(2.5, 2.8, "old"), LyricWord(2.9, 3.5, "friend"),
             LyricWord(5.0, 5.3, "I"), LyricWord(5.4, 5.6, "come"), LyricWord(5.7, 5.8, "uh"),
             LyricWord(6.4, 6.6, "with"), LyricWord(6.7, 6.9, "you"),
             LyricWord(7.0, 7.6, "again")]
    timed = align_to_words(plain, heard, source="USLT tag, timed")
    assert timed.timed and timed.source == "USLT tag, timed"
    assert [ln.text for ln in timed.lines] == [ln.text for ln in plain.lines]  # text kept
    first, second = timed.lines
    assert [w.start for w in first.words] == [1.0, 1.5, 2.2, 2.5, 2.9]
    assert first.end == 3.5
    assert second.start == 5.0  # "I've" misheard as "I": its time
    to, talk = second.words[2], second.words[3]  # one misheard ("uh"), one not heard
    assert 5.4 < to.start < talk.start < 6.4 and 5.7 in (to.start, talk.start)
    assert all(type(w.start) is float for w in second.words)
    assert second.words[-1].start == 7.0 and second.words[-1].end == 7.6


def test_syllables_are_counted_from_vowel_groups():
    assert [syllable_count(w) for w in ["the", "city", "burning", "fire", "I", "rhythm", "'s"]] \
        == [1, 2, 2, 1, 1, 1, 1]


# --- the tiny Whisper: loading, recognition, the lookup --------------------------------------

@pytest.mark.slow
def test_a_whisper_folder_loads_and_recognises_timed_words_window_by_window(tiny_whisper):
    import torch

    recognizer = load_recognizer(tiny_whisper)
    assert model_is_local(tiny_whisper)
    y = np.random.default_rng(0).standard_normal(16000 * 45).astype(np.float32) * 0.1
    calls = []
    torch.manual_seed(0)
    words = recognize_words(recognizer, y, 16000, progress=lambda d, t: calls.append((d, t)))
    assert calls == [(1, 2), (2, 2)]  # two windows of at most 30 s
    assert len(words) >= 2 and all(w.text.strip() == w.text and w.text for w in words)
    starts = [w.start for w in words]
    assert starts == sorted(starts) and starts[0] >= 0.0
    assert all(w.end is not None and w.start <= w.end <= 45.0 for w in words)
    assert any(w.start >= 20.0 for w in words)  # the second window's words are offset


@pytest.mark.slow
def test_a_song_without_lyrics_is_transcribed_when_a_model_is_given(tmp_path, tiny_whisper):
    import torch

    song = _song(tmp_path / "song.wav")
    torch.manual_seed(0)
    said = []
    search = timed_lyrics(song, model=str(tiny_whisper), stems=False, say=said.append)
    assert search.source == "recognized" and search.lyrics is not None
    lyrics = search.lyrics
    assert lyrics.timed and lyrics.lines and "speech recognition" in lyrics.source
    assert lyrics.source.endswith("on the mix")
    starts = [ln.start for ln in lyrics.lines]
    assert starts == sorted(starts) and all(0 <= s <= 40.0 for s in starts)
    assert all(ln.words and ln.text == " ".join(w.text for w in ln.words)
               for ln in lyrics.lines)
    assert any("Recognising" in line for line in said)


@pytest.mark.slow
def test_plain_lyrics_are_timed_with_the_model_keeping_their_text(tmp_path, tiny_whisper):
    song = _song(tmp_path / "song.wav")
    (tmp_path / "song.lrc").write_text("first line here\nsecond line\n", encoding="utf-8")
    search = timed_lyrics(song, model=str(tiny_whisper), stems=False)
    assert search.source == "aligned" and search.lyrics is not None and search.lyrics.timed
    assert [ln.text for ln in search.lyrics.lines] == ["first line here", "second line"]
    assert "timed by speech recognition" in search.lyrics.source
    assert search.lyrics.lines[0].start <= search.lyrics.lines[1].start


@pytest.mark.slow
def test_a_render_never_downloads_a_model_and_says_how_to_get_one(tmp_path, monkeypatch):
    import music_visualizer.lyrics.timing as timing

    def refuse(*args, **kwargs):
        raise AssertionError("a model was loaded")

    monkeypatch.setattr(timing, "load_recognizer", refuse)
    song = _song(tmp_path / "song.wav", seconds=5)
    search = timed_lyrics(song, model="nobody-here/no-such-whisper", download=False)
    assert search.lyrics is None and search.source == ""
    assert any("not on this machine" in n and "lyrics SONG" in n for n in search.notes)
    # plain lyrics are still timed, without a model
    (tmp_path / "song.txt").write_text("la la la\n", encoding="utf-8")
    search = timed_lyrics(song, lyrics=tmp_path / "song.txt",
                          model="nobody-here/no-such-whisper")
    assert search.source == "aligned" and search.lyrics.timed
    assert search.lyrics.source.endswith("timed on the mix")
    assert timed_lyrics(song, lyrics="none", model="whatever").off


def test_timed_lyrics_found_are_returned_as_they_are(tmp_path):
    song = _song(tmp_path / "song.wav", seconds=3)
    (tmp_path / "song.lrc").write_text("[00:01.00]hello\n", encoding="utf-8")
    search = timed_lyrics(song, model="none")
    assert search.source == "sidecar" and search.lyrics.lines[0].start == 1.0


# --- errors: one sentence ----------------------------------------------------------------------

@pytest.mark.parametrize("model, words", [
    ("{tmp}/missing-folder", "does not exist"),
    ("{tmp}", "has no config.json"),
    ("not a hub id!", "neither a folder nor a Hugging Face Hub id"),
    ("none", "No lyrics model given"),
])
def test_a_bad_lyrics_model_is_one_sentence(tmp_path, model, words):
    with pytest.raises(ModelError) as caught:
        load_recognizer(model.format(tmp=tmp_path))
    message = str(caught.value)
    assert words in message and "\n" not in message and "openai/whisper-small" in message


def test_a_hub_id_not_in_the_cache_offline_is_one_sentence(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    assert not model_is_local("nobody-here/no-such-whisper")
    with pytest.raises(ModelError, match="not in the local cache") as caught:
        load_recognizer("nobody-here/no-such-whisper")
    assert "\n" not in str(caught.value)


@pytest.mark.slow
def test_the_lyrics_command_prints_recognised_lyrics_and_one_line_for_a_bad_model(
        tmp_path, tiny_whisper):
    song = _song(tmp_path / "song.wav", seconds=12)
    cmd = [sys.executable, "-m", "music_visualizer", "lyrics", str(song)]
    bad = subprocess.run([*cmd, "--lyrics-model", str(tmp_path / "gone")], capture_output=True,
                         text=True)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "Lyrics model" in bad.stderr and "does not exist" in bad.stderr
    out = tmp_path / "out.json"
    good = subprocess.run([*cmd, "--lyrics-model", str(tiny_whisper), "--json", str(out)],
                          capture_output=True, text=True)
    assert good.returncode == 0, good.stderr
    assert "from the speech recognition" in good.stdout
    assert "speech recognition: 1/1 windows" in good.stderr
    data = json.loads(out.read_text())
    assert data["lines"] and all(line["start"] is not None for line in data["lines"])
