"""Timed lyrics from LRC text and lyrics files (music_visualizer.lyrics: types, lrc)."""

from __future__ import annotations

import codecs
import json

import pytest

from music_visualizer.errors import LyricsError, UserError
from music_visualizer.lyrics import (
    LyricLine,
    Lyrics,
    LyricWord,
    format_time,
    parse_lrc,
    read_lyrics_file,
    to_lrc,
)
from music_visualizer.lyrics.lrc import MAX_LYRICS_BYTES, MAX_TIMES, has_time_tags


def starts(lyrics: Lyrics) -> list[float | None]:
    return [line.start for line in lyrics.lines]


def texts(lyrics: Lyrics) -> list[str]:
    return [line.text for line in lyrics.lines]


# --------------------------------------------------------------------------------------------
# Parsing LRC
# --------------------------------------------------------------------------------------------


def test_line_times_in_hundredths_milliseconds_tenths_and_whole_seconds():
    lyrics = parse_lrc("[00:01.25]a\n[00:02.125]b\n[00:03]c\n[01:04.5]d\n[00:05:50]e\n")
    assert starts(lyrics) == [1.25, 2.125, 3.0, 5.5, 64.5]
    assert texts(lyrics) == ["a", "b", "c", "e", "d"]
    assert lyrics.timed


def test_each_line_ends_where_the_next_starts_and_the_last_at_length():
    lyrics = parse_lrc("[length:00:30.00]\n[00:01.00]one\n[00:04.00]two\n")
    assert [(ln.start, ln.end) for ln in lyrics.lines] == [(1.0, 4.0), (4.0, 30.0)]
    without_length = parse_lrc("[00:01.00]one\n[00:04.00]two\n")
    assert without_length.lines[-1].end is None


def test_several_time_tags_on_one_line_repeat_it_in_time_order():
    lyrics = parse_lrc("[00:10.00][00:40.00]Chorus line\n[00:20.00]Verse\n[00:50.00]Out\n")
    assert texts(lyrics) == ["Chorus line", "Verse", "Chorus line", "Out"]
    assert starts(lyrics) == [10.0, 20.0, 40.0, 50.0]
    assert lyrics.lines[2].end == 50.0


def test_lines_out_of_order_are_sorted_and_equal_times_keep_file_order():
    lyrics = parse_lrc("[00:30.00]third\n[00:10.00]first\n[00:20.00]second a\n"
                       "[00:20.00]second b\n")
    assert texts(lyrics) == ["first", "second a", "second b", "third"]
    assert [line.end for line in lyrics.lines[:3]] == [20.0, 30.0, 30.0]  # sung together


def test_empty_timed_line_is_an_instrumental_gap_ending_the_line_before():
    lyrics = parse_lrc("[00:01.00]sung\n[00:03.00]\n[00:09.00]again\n")
    assert texts(lyrics) == ["sung", "again"]
    assert lyrics.lines[0].end == 3.0
    assert lyrics.line_at(2.0).text == "sung"
    assert lyrics.line_at(5.0) is None  # in the gap
    assert lyrics.line_at(9.5).text == "again"
    assert lyrics.line_at(0.5) is None  # before the first line


def test_offset_shifts_every_time_positive_sooner_and_is_not_kept_as_metadata():
    sooner = parse_lrc("[offset:+500]\n[00:02.00]<00:02.00>a <00:02.40>b\n[00:05.00]c\n")
    assert starts(sooner) == [1.5, 4.5]
    assert [(w.start, w.end) for w in sooner.lines[0].words] == [(1.5, 1.9), (1.9, 4.5)]
    assert "offset" not in sooner.metadata
    later = parse_lrc("[offset:-250]\n[00:00.10]a\n")
    assert starts(later) == [0.35]
    clamped = parse_lrc("[offset:1000]\n[00:00.50]a\n")
    assert starts(clamped) == [0.0]


def test_metadata_tags_are_kept_and_not_lyrics():
    lyrics = parse_lrc("[ar:The Band]\n[ti:A Song]\n[al:An Album]\n[by:someone]\n"
                       "[length: 03:20]\n[00:01.00]words\n")
    assert texts(lyrics) == ["words"]
    assert lyrics.metadata == {"ar": "The Band", "ti": "A Song", "al": "An Album",
                               "by": "someone", "length": "03:20"}


def test_enhanced_lrc_word_times_end_at_the_next_word_or_the_closing_time():
    lyrics = parse_lrc("[00:10.00]<00:10.00>Hold <00:10.50>on <00:11.20>tight <00:12.00>\n"
                       "[00:15.00]<00:15.00>Let <00:15.40>go\n[00:17.00]\n")
    first, second = lyrics.lines
    assert first.text == "Hold on tight"
    assert first.words == (LyricWord(10.0, 10.5, "Hold"), LyricWord(10.5, 11.2, "on"),
                           LyricWord(11.2, 12.0, "tight"))
    assert second.words[-1] == LyricWord(15.4, 17.0, "go")  # to the line's end (the gap)


def test_a_repeated_enhanced_line_has_its_word_times_shifted_to_each_repeat():
    lyrics = parse_lrc("[00:10.00][00:30.00]<00:10.00>la <00:10.50>la <00:11.00>\n")
    assert [w.start for w in lyrics.lines[1].words] == [30.0, 30.5]
    assert lyrics.lines[1].words[-1].end == 31.0


def test_text_without_any_time_is_plain_untimed_lyrics():
    lyrics = parse_lrc("\ufeff[ar:Band]\nFirst   line\n\n  [Chorus]\n[Verse 2: Guest]\nLast line\n",
                       source="plain")
    assert texts(lyrics) == ["First line", "[Chorus]", "[Verse 2: Guest]", "Last line"]
    assert starts(lyrics) == [None, None, None, None]
    assert lyrics.metadata == {"ar": "Band"}
    assert not lyrics.timed
    assert lyrics.line_at(1.0) is None


@pytest.mark.parametrize("text, line, bad", [
    ("[00:01.00]a\n[00:7x.00]b\n", 2, "[00:7x.00]"),
    ("[00:01.00]a\n[1:75.00]b\n", 2, "[1:75.00]"),
    ("[00:01.00][00:aa]b\n", 1, "[00:aa]"),
    ("[00:01.00]<00:01.00>a <00:1x.50>b\n", 1, "<00:1x.50>"),
    ("[00:01.00]<00:01.00>a <00:99.50>b\n", 1, "<00:99.50>"),
])
def test_a_bad_time_names_the_file_the_line_and_the_tag(text, line, bad):
    with pytest.raises(LyricsError) as error:
        parse_lrc(text, name="Lyrics file 'song.lrc'")
    message = str(error.value)
    assert message.startswith(f"Lyrics file 'song.lrc', line {line}: '{bad}' is not a time")
    assert "[mm:ss.xx]" in message and "\n" not in message


def test_text_without_a_time_in_a_timed_file_is_refused_with_its_line():
    with pytest.raises(LyricsError, match=r"line 3 has text but no time \('stray words'\); "
                                          r"start it with a time"):
        parse_lrc("[00:01.00]a\n[00:02.00]b\nstray words\n")


def test_bad_offset_and_tags_only_files_are_refused():
    with pytest.raises(LyricsError, match=r"\[offset:soon\] is not a number of milliseconds"):
        parse_lrc("[offset:soon]\n[00:01.00]a\n")
    with pytest.raises(LyricsError, match="has no lyric lines"):
        parse_lrc("[ar:x]\n[ti:y]\n")
    with pytest.raises(LyricsError, match="has no lyric lines"):
        parse_lrc("[00:01.00]\n[00:02.00]\n")


def test_largest_texts_parse_and_times_multiplied_by_repeats_are_refused():
    many_lines = parse_lrc("[00:01.00]la\n" * (MAX_LYRICS_BYTES // 12))
    assert len(many_lines.lines) == MAX_LYRICS_BYTES // 12
    assert many_lines.lines[0].end is None  # all at one time: nothing after them
    many_tags = parse_lrc("[00:01.00]" * 90_000 + "x")
    assert len(many_tags.lines) == 90_000
    repeats = "[00:01.00]" * 40_000 + "<00:01.00>a " * 40_000  # 1.6 billion word times
    with pytest.raises(LyricsError, match=f"more than {MAX_TIMES:,} line and word times"):
        parse_lrc(repeats)


def test_has_time_tags_tells_lrc_from_plain_text():
    assert has_time_tags("[ti:x]\n[00:01.00]hi")
    assert not has_time_tags("[ti:x]\nhi\n[Chorus]")


# --------------------------------------------------------------------------------------------
# Writing LRC, JSON
# --------------------------------------------------------------------------------------------


def test_format_time_rounds_to_hundredths_and_goes_past_an_hour():
    assert format_time(0) == "00:00.00"
    assert format_time(61.237) == "01:01.24"
    assert format_time(59.999) == "01:00.00"
    assert format_time(3725.5) == "62:05.50"


LRC = ("[ar:Band]\n[ti:Song]\n[00:01.00]one\n[00:02.50]\n[00:04.00]<00:04.00>two <00:04.50>words "
       "<00:05.00>\n[00:06.00]three\n[00:08.25]\n")


def test_lrc_round_trip_keeps_lines_words_gaps_and_metadata():
    lyrics = parse_lrc(LRC)
    assert to_lrc(lyrics) == LRC
    again = parse_lrc(to_lrc(lyrics))
    assert again == lyrics
    assert again.lines[-1].end == 8.25


def test_written_lrc_marks_a_word_that_ends_before_the_next():
    line = LyricLine(1.0, 5.0, "a b", (LyricWord(1.0, 1.5, "a"), LyricWord(2.0, 2.5, "b")))
    text = to_lrc(Lyrics((line,), "test"))
    assert text == "[00:01.00]<00:01.00>a <00:01.50> <00:02.00>b <00:02.50>\n[00:05.00]\n"
    assert parse_lrc(text).lines[0].words == line.words


def test_untimed_lyrics_are_written_as_plain_text_and_read_back():
    lyrics = Lyrics((LyricLine(None, None, "one"), LyricLine(None, None, "two")), "test")
    assert to_lrc(lyrics) == "one\ntwo\n"
    assert texts(parse_lrc(to_lrc(lyrics))) == ["one", "two"]


def test_dict_round_trip_and_bad_data_is_a_clear_error():
    lyrics = parse_lrc(LRC, source="lyrics file 'x.lrc'")
    data = json.loads(json.dumps(lyrics.to_dict()))
    assert data["version"] == 1 and data["source"] == "lyrics file 'x.lrc'"
    assert Lyrics.from_dict(data) == lyrics
    for bad, match in [({"lines": "x"}, "no list of 'lines'"),
                       ({"lines": [{"start": -1, "text": "a"}]}, "a line's start must be"),
                       ({"lines": [{"start": 1, "text": 3}]}, "text of a line must be"),
                       ({"lines": [{"start": 1, "text": "a", "words": [{"text": "a"}]}]},
                        "a word has no start"),
                       ({"version": 9, "lines": []}, "version 9"),
                       ([1, 2], "must be a mapping")]:
        with pytest.raises(LyricsError, match=match):
            Lyrics.from_dict(bad)


# --------------------------------------------------------------------------------------------
# Lyrics files
# --------------------------------------------------------------------------------------------


def test_lrc_file_is_read_with_its_name_as_source(tmp_path):
    path = tmp_path / "My Song.lrc"
    path.write_text(LRC, encoding="utf-8")
    lyrics = read_lyrics_file(path)
    assert lyrics.source == "lyrics file 'My Song.lrc'"
    assert texts(lyrics) == ["one", "two words", "three"]


@pytest.mark.parametrize("encoding, bom", [("utf-8", codecs.BOM_UTF8), ("utf-16-le",
                                                                         codecs.BOM_UTF16_LE),
                                           ("cp1252", b"")])
def test_lrc_files_in_other_encodings_are_read(tmp_path, encoding, bom):
    path = tmp_path / "song.lrc"
    path.write_bytes(bom + "[00:01.00]Café déjà vu\n".encode(encoding))
    assert texts(read_lyrics_file(path)) == ["Café déjà vu"]


def test_lyrics_json_written_by_the_command_is_a_lyrics_file(tmp_path):
    path = tmp_path / "lyrics.json"
    path.write_text(json.dumps(parse_lrc(LRC).to_dict()))
    lyrics = read_lyrics_file(path)
    assert lyrics.lines == parse_lrc(LRC).lines and lyrics.source == "lyrics file 'lyrics.json'"
    path.write_text("{not json")
    with pytest.raises(LyricsError, match="is malformed at line 1"):
        read_lyrics_file(path)


def test_broken_lyrics_files_give_one_clear_sentence(tmp_path):
    cases = {
        "missing.lrc": (None, "does not exist; check the path"),
        "empty.lrc": (b"", "is empty; give an .lrc file"),
        "blank.lrc": (b" \n\n\t\n", "is empty"),
        "binary.lrc": (bytes(range(256)) * 8, "is not a text file"),
        "song.mp3.lrc": (b"ID3\x03\x00\x00\x00\x00\x00\x0f" + b"\xff\xfb\x90\x00" * 300,
                         "is not a text file"),
        "garbage.lrc": (b"[00:01.00]a\n\x01\x02\x03\x04\x05\x06 junk \x07\x08\x0e\x0f",
                        "is not a text file"),
        "huge.lrc": (b"[00:01.00]la\n" * (MAX_LYRICS_BYTES // 13 + 1), "is larger than 1 MB"),
    }
    for name, (data, expected) in cases.items():
        path = tmp_path / name
        if data is not None:
            path.write_bytes(data)
        with pytest.raises(LyricsError) as error:
            read_lyrics_file(path)
        message = str(error.value)
        assert f"'{path}'" in message and expected in message, (name, message)
        assert isinstance(error.value, UserError) and "\n" not in message
    with pytest.raises(LyricsError, match="is a folder"):
        read_lyrics_file(tmp_path)
