"""lyrics_prompts in a real (preview) render: the plan's prompts switch at the lyric lines;
given prompts win; ``lyrics: none`` and untimed lyrics leave the prompts alone; a broken .lrc
is a clear error (exit 2 from the CLI); the timed lyrics used are saved with the run."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from music_visualizer.errors import LyricsError
from music_visualizer.lyrics import read_lyrics_file
from music_visualizer.runs.job import prepare_run, render, request_from_inputs
from tests.conftest import run_cli

LRC = ("[00:01.00]Neon rain is falling on the city\n"
       "[00:03.25]Silver horses run across the sea\n"
       "[00:04.75]\n")
BASE = {"renderer": "preview", "width": 32, "height": 32, "fps": 8, "duration": 5.0, "seed": 1,
        "lyrics_prompts": True}


@pytest.fixture
def lyric_song(song, tmp_path) -> Path:
    """The test song copied with a sidecar ``.lrc`` next to it."""
    path = tmp_path / "Song.wav"
    shutil.copy(song, path)
    path.with_suffix(".lrc").write_text(LRC, encoding="utf-8")
    return path


def _prepare(audio: Path, tmp_path: Path, **overrides):
    request, _, _ = request_from_inputs(audio=audio, overrides={**BASE, **overrides},
                                        output_dir=tmp_path / "out", caption=False,
                                        cache_dir=tmp_path / "cache", make_video=False)
    return request, prepare_run(request)


def test_the_plans_prompts_switch_at_the_lyric_lines_and_the_lyrics_are_saved(lyric_song,
                                                                              tmp_path):
    request, run = _prepare(lyric_song, tmp_path)
    plan = run.plan
    assert plan.row(8).prompt.startswith("neon rain falling city, ")  # 1.00 s * 8 fps
    assert "neon" not in plan.row(7).prompt
    assert plan.row(26).prompt.startswith("silver horses run sea, ")  # 3.25 s
    assert plan.row(25).prompt.startswith("neon rain")
    assert "silver" not in plan.row(38).prompt and "silver" in plan.row(37).prompt  # the gap
    assert any("sidecar lyrics file 'Song.lrc'" in note for note in run.notes)
    result = render(request, prepared=run)
    saved = result.folder / f"{result.timestring}_lyrics.lrc"
    assert [line.text for line in read_lyrics_file(saved).lines] == [
        "Neon rain is falling on the city", "Silver horses run across the sea"]


def test_the_run_start_shifts_the_lyric_keyframes(lyric_song, tmp_path):
    _, run = _prepare(lyric_song, tmp_path, start=0.5, duration=4.0)
    assert run.plan.row(4).prompt.startswith("neon rain")  # (1.00 - 0.5) s * 8 fps
    assert "neon" not in run.plan.row(3).prompt


def test_given_prompts_win_and_lyrics_none_leaves_the_prompts_alone(lyric_song, tmp_path):
    _, run = _prepare(lyric_song, tmp_path, prompts=["my own prompt"])
    assert {p for p, _ in run.plan.prompt_table} == {"my own prompt"}
    assert any("not used for the prompts because prompts were given" in n for n in run.notes)
    assert run.lyrics is None
    _, off = _prepare(lyric_song, tmp_path, lyrics="none")
    _, plain = _prepare(lyric_song, tmp_path, lyrics_prompts=False)
    assert off.plan.prompt_table == plain.plan.prompt_table
    assert not any("neon" in p for p, _ in off.plan.prompt_table)


def test_untimed_lyrics_are_timed_without_a_model_and_drive_the_prompts(lyric_song, tmp_path):
    text = tmp_path / "plain.txt"
    text.write_text("Neon rain is falling\nSilver horses run\n", encoding="utf-8")
    _, run = _prepare(lyric_song, tmp_path, lyrics=str(text), lyrics_model="none")
    assert any("timed on the mix" in note for note in run.notes)
    assert run.lyrics is not None and run.lyrics.timed
    assert any("neon" in p for p, _ in run.plan.prompt_table)


def test_a_broken_lrc_is_a_clear_error(lyric_song, tmp_path):
    lyric_song.with_suffix(".lrc").write_text("[00:01.00]ok\n[01:75.00]bad time\n")
    with pytest.raises(LyricsError, match="line 2"):
        _prepare(lyric_song, tmp_path)


@pytest.mark.slow
def test_cli_says_which_lyrics_and_a_broken_lrc_exits_2(lyric_song, tmp_path):
    args = ("render", "--audio", lyric_song, "--renderer", "preview", "--fps", 8, "--duration",
            2, "--width", 32, "--height", 32, "--lyrics-prompts", "--no-video")
    result = run_cli(*args, "--output-dir", tmp_path / "a")
    assert result.returncode == 0, result.stderr
    assert "Lyrics: 2 lines from the sidecar lyrics file 'Song.lrc'." in result.stdout
    folder = Path(re.search(r"^Run folder: (.+)$", result.stdout, re.M).group(1))
    assert len(list(folder.glob("*_lyrics.lrc"))) == 1
    lyric_song.with_suffix(".lrc").write_text("[00:01.00]ok\n[01:75.00]bad time\n")
    broken = run_cli(*args, "--output-dir", tmp_path / "b")
    assert broken.returncode == 2
    assert "line 2" in broken.stderr and "Traceback" not in broken.stderr
