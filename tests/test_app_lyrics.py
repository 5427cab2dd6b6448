"""The app's Lyrics and Lyric prompts boxes without a browser: Produce Prompts fills them (and says
where the lyrics came from, or how to add them); at Visualize the boxes are parsed (a bad line is
one sentence naming the box and line, and no render starts), the edited lyrics are what the run
uses and saves, edited prompt keyframes are used as they are, the prompt boxes are the sections'
style of the lyric prompts, and a resume keeps the lyrics saved with the run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from music_visualizer.errors import LyricsError
from music_visualizer.lyrics import read_lyrics_file
from music_visualizer.runs.lyric_prompts import GivenLyrics
from music_visualizer.ui.actions import (
    AppConfig,
    field_overrides,
    produce_prompts,
    settings_fields,
    start_render,
)
from music_visualizer.ui.board import RenderBoard
from music_visualizer.ui.lyrics_box import fill_lyrics, given_lyrics
from tests.conftest import lyric_flac

LRC = ("[00:01.00]Neon rain is falling on the city\n"
       "[00:03.00]Silver horses run across the sea\n"
       "[00:04.50]\n")


@pytest.fixture
def lyric_song(song, tmp_path) -> Path:
    path = tmp_path / "songs" / "Song.wav"
    path.parent.mkdir()
    shutil.copy(song, path)
    path.with_suffix(".lrc").write_text(LRC, encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _no_caption_model(monkeypatch):
    monkeypatch.setenv("MUSIC_VISUALIZER_CAPTION_MODEL", "none")


def test_the_boxes_are_filled_from_the_songs_lyrics_with_their_source(lyric_song):
    boxes = fill_lyrics(lyric_song, setting="", prompts=["dreamy ocean"])
    assert "[00:01.00]Neon rain is falling on the city" in boxes.lyrics
    assert boxes.keyframes == ""  # not asked for
    assert boxes.status == "Lyrics: 2 lines from the sidecar lyrics file 'Song.lrc'."


def test_produce_prompts_reads_an_uploads_tags_and_makes_a_prompt_per_line(tmp_path):
    config = AppConfig(output_dir=tmp_path / "out", cache_dir=tmp_path / "cache", caption=False)
    upload = lyric_flac(tmp_path / "Tagged.flac", LRC)
    result = produce_prompts(config, None, str(upload), lyrics_prompts=True)
    boxes = result.lyrics
    assert boxes.status.startswith("Lyrics: 2 lines from the SYNCEDLYRICS Vorbis comment")
    assert "[00:03.00]Silver horses run across the sea" in boxes.lyrics
    lines = boxes.keyframes.splitlines()
    assert lines[0].startswith("[00:00.00] ") and "neon" not in lines[0]  # the section's prompt
    assert lines[1] == f"[00:01.00] neon rain falling city, {result.prompts[0]}"
    assert lines[2].startswith("[00:03.00] silver horses run sea, ")
    assert "prompt per line" in boxes.status
    # not asked for: no keyframes
    assert produce_prompts(config, None, str(upload)).lyrics.keyframes == ""


def test_no_lyrics_or_a_broken_file_is_a_status_line_saying_how_to_add_them(song, lyric_song,
                                                                           tmp_path):
    none = fill_lyrics(song, setting="", prompts=[])
    assert none.lyrics == "" and "No lyrics found for 'Click Song.wav'" in none.status
    assert "'[00:12.34] the words'" in none.status
    lyric_song.with_suffix(".lrc").write_text("[00:01.00] fine\n[00:9x.00] bad\n")
    broken = fill_lyrics(lyric_song, setting="", prompts=[])
    assert broken.lyrics == "" and "line 2" in broken.status and "Lyrics box" in broken.status
    off = fill_lyrics(lyric_song, setting="none", prompts=[])
    assert "Lyrics are off" in off.status
    assert "Upload the song" in fill_lyrics(None, setting="", prompts=[]).status
    # lyrics pasted before Produce Prompts are kept when the song has none, and make prompts
    kept = fill_lyrics(song, setting="", prompts=["style"], analysis=_analysis(song, tmp_path),
                       with_prompts=True, pasted=LRC)
    assert kept.lyrics == LRC and "The lyrics in the box are kept" in kept.status
    assert "[00:01.00] neon rain falling city, style" in kept.keyframes
    bad = fill_lyrics(song, setting="", prompts=[], pasted="[00:01.00] a\nb\n")
    assert bad.lyrics == "[00:01.00] a\nb\n" and "Lyrics box, line 2 has text" in bad.status


def _analysis(song, tmp_path):
    from music_visualizer.audio.analysis import analyze_file

    return analyze_file(song, cache_dir=tmp_path / "cache")


def test_the_boxes_at_visualize_and_a_bad_line_named_by_box_and_line():
    assert given_lyrics("", "", "") == GivenLyrics(None, (), sections=True)
    given = given_lyrics(LRC, "[00:00.00] a\n[00:02.00] b\n", "[00:00.00] a\n[00:02.00] b\n")
    assert given.lyrics.lines[0].text == "Neon rain is falling on the city"
    assert given.keyframes == ()  # left as made: they follow the Lyrics box
    edited = given_lyrics(LRC, "[00:00.00] a\n[00:02.00] mine\n", "[00:00.00] a\n")
    assert edited.keyframes == ((0.0, "a"), (2.0, "mine"))
    with pytest.raises(LyricsError, match=r"^Lyrics box, line 2: '\[00:7x\.00\]' is not a time"):
        given_lyrics("[00:01.00] one\n[00:7x.00] two\n")
    with pytest.raises(LyricsError, match=r"^Lyrics box, line 2 has text but no time"):
        given_lyrics("[00:01.00] one\ntwo\n")
    with pytest.raises(LyricsError, match="Lyric prompts box: each line needs a time"):
        given_lyrics("", "a prompt without a time", "")
    assert not given_lyrics("plain words\nno times\n").lyrics.timed  # plain lines are fine


def _render(config, song, board, lyrics, **changes):
    values = {**settings_fields(config.base_settings()), "renderer": "preview", "width": 32,
              "height": 32, "fps": 8, "duration": 5, "seed": 3, **changes}
    overrides = field_overrides(values, ["dreamy ocean style"], "")
    job, notes = start_render(board, config, link="", audio=str(song), overrides=overrides,
                              resume=False, timestring=None, lyrics=lyrics)
    assert job.wait(300) and job.status().phase == "done", job.status().error
    result = job.status().result
    record = json.loads((result.folder / f"{result.timestring}_settings.json").read_text())
    return result, record, notes


def test_the_edited_lyrics_drive_the_prompts_and_are_saved_with_the_run(song, tmp_path):
    config = AppConfig(output_dir=tmp_path / "out", cache_dir=tmp_path / "cache", caption=False)
    board = RenderBoard()
    edited = LRC.replace("Silver horses run", "Purple elephants dance")
    result, record, notes = _render(config, song, board, given_lyrics(edited),
                                    lyrics_prompts=True)
    saved = read_lyrics_file(result.folder / f"{result.timestring}_lyrics.lrc")
    assert saved.lines[1].text == "Purple elephants dance across the sea"
    prompts = record["settings"]["prompts"]  # the prompt box is the style of each line
    assert prompts["8"] == "neon rain falling city, dreamy ocean style"
    assert prompts["24"] == "purple elephants dance sea, dreamy ocean style"
    assert any("2 lines from the Lyrics box" in note for note in notes)
    # edited keyframes are used as they are
    result, record, _ = _render(config, song, board, given_lyrics(
        edited, "[00:00.00] calm sky\n[00:02.00] my own words\n", "made"), lyrics_prompts=True)
    assert record["settings"]["prompts"] == {"0": "calm sky", "16": "my own words"}
    # even without lyrics (none given, the song has none)
    result, record, notes = _render(config, song, board, given_lyrics(
        "", "[00:00.00] calm sky\n[00:01.50] rain\n", ""), lyrics_prompts=True)
    assert record["settings"]["prompts"] == {"0": "calm sky", "12": "rain"}
    assert "the 2 edited prompt keyframes, as they are" in " ".join(notes)
    assert not (result.folder / f"{result.timestring}_lyrics.lrc").exists()
    # without prompts from the lyrics the given lyrics are saved all the same (the captions)
    result, record, _ = _render(config, song, board, given_lyrics(edited))
    assert record["settings"]["prompts"] == ["dreamy ocean style"]
    assert "Purple elephants" in (result.folder / f"{result.timestring}_lyrics.lrc").read_text()


def test_a_resume_keeps_the_lyrics_saved_with_the_run(song, tmp_path, monkeypatch):
    from music_visualizer.render.preview import PreviewRenderer

    config = AppConfig(output_dir=tmp_path / "out", cache_dir=tmp_path / "cache", caption=False)
    board = RenderBoard()
    calls = {"n": 0}
    step = PreviewRenderer.step

    def stop_after_four(self, state, row):
        calls["n"] += 1
        if calls["n"] == 4:
            board.stop()
        return step(self, state, row)

    monkeypatch.setattr(PreviewRenderer, "step", stop_after_four)
    values = {**settings_fields(config.base_settings()), "renderer": "preview", "width": 32,
              "height": 32, "fps": 8, "duration": 5, "seed": 3, "lyrics_prompts": True}
    job, _ = start_render(board, config, link="", audio=str(song),
                          overrides=field_overrides(values, ["style"], ""), resume=False,
                          timestring=None, lyrics=given_lyrics(LRC))
    assert job.wait(300) and job.status().phase == "stopped"
    ts = job.status().result.timestring
    folder = job.status().result.folder
    before = (folder / f"{ts}_lyrics.lrc").read_bytes()
    job, _ = start_render(board, config, link="", audio=str(song), overrides={}, resume=True,
                          timestring=ts, lyrics=given_lyrics("[00:00.50] something else\n"))
    assert job.wait(300) and job.status().phase == "done", job.status().error
    assert (folder / f"{ts}_lyrics.lrc").read_bytes() == before


def test_captions_without_timed_lyrics_are_a_note_at_visualize(song, tmp_path):
    config = AppConfig(output_dir=tmp_path / "out", cache_dir=tmp_path / "cache", caption=False)
    board = RenderBoard()
    _, _, notes = _render(config, song, board, given_lyrics("one plain line\n"),
                          captions="karaoke", duration=1)
    assert any(n.startswith("The video has no captions: the lyrics from the Lyrics box have "
                            "no line times") for n in notes), notes
    _, _, notes = _render(config, song, board, given_lyrics(""), captions="line", duration=1)
    assert any(n.startswith("The video has no captions: No lyrics found for 'Click Song.wav'")
               and n.endswith("Or paste timed lyrics in the Lyrics box.") for n in notes), notes
    _, _, notes = _render(config, song, board, given_lyrics(LRC), captions="karaoke",
                          duration=1)
    assert not any("captions" in n for n in notes), notes
