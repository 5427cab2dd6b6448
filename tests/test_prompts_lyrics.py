"""Prompt keyframes from timed lyrics (music_visualizer.prompts.lyrics): pure, no model."""

from __future__ import annotations

from music_visualizer.lyrics import LyricLine, parse_lrc
from music_visualizer.prompts.lyrics import imagery, keyframes_to_frames, lyric_keyframes

SECTIONS = [(0.0, "intro style"), (20.0, "chorus style")]


def test_imagery_keeps_picture_words_and_drops_function_words():
    assert imagery("Neon rain is falling on the city") == ["neon", "rain", "falling", "city"]
    assert imagery("Oh baby I don't know, yeah yeah") == []
    assert imagery("The night's cold fire, the NIGHT") == ["night", "cold", "fire"]
    assert imagery("Running through the golden fields") == ["running", "golden", "fields"]


def test_one_keyframe_per_line_joined_with_the_section_prompt():
    lyrics = parse_lrc("[00:02.00]Neon rain is falling on the city\n"
                       "[00:05.00]Silver horses run across the sea\n"
                       "[00:09.00]\n")
    keys = lyric_keyframes(lyrics.lines, SECTIONS, end=30.0)
    assert keys == [(0.0, "intro style"),
                    (2.0, "neon rain falling city, intro style"),
                    (5.0, "silver horses run sea, intro style"),
                    (9.0, "intro style"),  # the instrumental gap: the section prompt
                    (20.0, "chorus style")]


def test_short_lines_are_grouped_until_two_seconds():
    lines = [LyricLine(1.0, 1.5, "red moon"), LyricLine(1.5, 2.2, "blue star"),
             LyricLine(2.2, 3.4, "green sky"), LyricLine(3.4, 6.0, "white snow")]
    keys = lyric_keyframes(lines, [(0.0, "s")], end=10.0)
    assert keys == [(0.0, "s"), (1.0, "red moon blue star green sky, s"),
                    (3.4, "white snow, s"), (6.0, "s")]


def test_a_line_takes_the_section_it_starts_in_and_sections_inside_lines_wait():
    lines = [LyricLine(18.0, 22.0, "burning ocean"), LyricLine(25.0, 27.0, "wild wind")]
    keys = lyric_keyframes(lines, SECTIONS, end=30.0)
    assert keys == [(0.0, "intro style"), (18.0, "burning ocean, intro style"),
                    (22.0, "chorus style"), (25.0, "wild wind, chorus style"),
                    (27.0, "chorus style")]


def test_untimed_lines_leave_the_sections_unchanged_and_output_is_deterministic():
    untimed = [LyricLine(None, None, "neon rain")]
    assert lyric_keyframes(untimed, SECTIONS, end=30.0) == SECTIONS
    lyrics = parse_lrc("[00:01.00]a cat on a roof\n[00:04.00]stars\n")
    first = lyric_keyframes(lyrics.lines, SECTIONS, end=30.0)
    assert first == lyric_keyframes(lyrics.lines, SECTIONS, end=30.0)


def test_keyframes_to_frames_shifts_by_the_run_start_and_drops_the_rest():
    keys = [(0.0, "a"), (2.0, "b"), (5.0, "c"), (40.0, "d")]
    assert keyframes_to_frames(keys, fps=10, start=3.0, n_frames=100) == {"0": "b", "20": "c"}
