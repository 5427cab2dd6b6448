"""Lyrics in audio tags, the order of the sources, and the ``lyrics`` command
(music_visualizer.lyrics: tags, find; ui/cli.py)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest
import soundfile as sf
from mutagen.flac import FLAC
from mutagen.id3 import ID3, SYLT, TXXX, USLT
from mutagen.mp4 import MP4
from mutagen.oggvorbis import OggVorbis

from music_visualizer.errors import AudioError, LyricsError
from music_visualizer.lyrics import LyricWord, find_lyrics, parse_lrc, read_lyrics_file
from music_visualizer.lyrics.find import sidecar_path
from music_visualizer.lyrics.tags import read_tag_lyrics
from music_visualizer.ui.cli import main
from tests.conftest import run_clis

SR = 22050
LRC = "[ar:Band]\n[00:00.50]Tagged first line\n[00:01.00]\n[00:01.20]Tagged second line\n"
PLAIN = "Plain first line\n\nPlain second line\n"


def tone(seconds: float = 1.5) -> np.ndarray:
    t = np.arange(int(seconds * SR)) / SR
    return (0.2 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)


def make_audio(path: Path) -> Path:
    """A short tone as mp3/flac/ogg (soundfile) or m4a (ffmpeg's AAC)."""
    if path.suffix == ".m4a":
        wav = path.with_suffix(".wav")
        sf.write(wav, tone(), SR)
        subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error",
                        "-y", "-i", str(wav), "-c:a", "aac", "-b:a", "64k", str(path)], check=True)
        wav.unlink()
    else:
        fmt = {".mp3": "MP3", ".flac": "FLAC", ".ogg": "OGG"}[path.suffix]
        sf.write(path, tone(), SR, format=fmt)
    return path


def mp3_with(path: Path, *frames) -> Path:
    make_audio(path)
    tags = ID3()
    for frame in frames:
        tags.add(frame)
    tags.save(path)
    return path


def texts(lyrics) -> list[str]:
    return [line.text for line in lyrics.lines]


# --------------------------------------------------------------------------------------------
# Tags
# --------------------------------------------------------------------------------------------


def test_id3_sylt_in_milliseconds_one_entry_per_line(tmp_path):
    song = mp3_with(tmp_path / "s.mp3", SYLT(encoding=3, lang="eng", format=2, type=1, desc="",
                                             text=[("Second", 2500), ("First", 1000),
                                                   ("", 4000), ("Third", 6000)]))
    (lyrics,), notes = read_tag_lyrics(song)
    assert notes == []
    assert lyrics.source == "ID3 SYLT tag" and lyrics.timed
    assert [(ln.start, ln.end, ln.text) for ln in lyrics.lines] == [
        (1.0, 2.5, "First"), (2.5, 4.0, "Second"), (6.0, None, "Third")]


def test_id3_sylt_syllables_with_newlines_become_word_timed_lines(tmp_path):
    song = mp3_with(tmp_path / "s.mp3", SYLT(encoding=3, lang="eng", format=2, type=1, desc="",
                                             text=[("Hel", 1000), ("lo ", 1300), ("you", 1600),
                                                   ("\nGood", 3000), ("bye", 3400)]))
    (lyrics,), _ = read_tag_lyrics(song)
    assert texts(lyrics) == ["Hello you", "Goodbye"]
    first, second = lyrics.lines
    assert (first.start, first.end) == (1.0, 3.0)
    assert first.words == (LyricWord(1.0, 1.3, "Hel"), LyricWord(1.3, 1.6, "lo"),
                           LyricWord(1.6, 3.0, "you"))
    assert second.words[-1] == LyricWord(3.4, None, "bye")


def test_sylt_in_mpeg_frames_is_refused_with_a_note_and_plain_uslt_is_used(tmp_path):
    song = mp3_with(tmp_path / "frames.mp3",
                    SYLT(encoding=3, lang="eng", format=1, type=1, desc="",
                         text=[("In frames", 40)]),
                    USLT(encoding=3, lang="eng", desc="", text=PLAIN))
    found, notes = read_tag_lyrics(song)
    assert len(notes) == 1 and "timed in MPEG frames" in notes[0] and "frames.mp3" in notes[0]
    (lyrics,) = found
    assert lyrics.source == "ID3 USLT tag (plain text, untimed)"
    assert texts(lyrics) == ["Plain first line", "Plain second line"]
    assert [ln.start for ln in lyrics.lines] == [None, None]


def test_lrc_text_in_uslt_or_txxx_is_synced_and_comes_before_plain_text(tmp_path):
    song = mp3_with(tmp_path / "s.mp3", USLT(encoding=3, lang="eng", desc="", text=PLAIN),
                    TXXX(encoding=3, desc="SYNCEDLYRICS", text=LRC))
    found, _ = read_tag_lyrics(song)
    assert [lyr.source for lyr in found] == ["ID3 TXXX:SYNCEDLYRICS tag",
                                             "ID3 USLT tag (plain text, untimed)"]
    assert texts(found[0]) == ["Tagged first line", "Tagged second line"]
    assert found[0].lines[0].end == 1.0  # the empty line is a gap


def test_vorbis_syncedlyrics_in_flac_wins_over_plain_lyrics(tmp_path):
    song = make_audio(tmp_path / "s.flac")
    audio = FLAC(song)
    audio["LYRICS"] = PLAIN
    audio["SYNCEDLYRICS"] = LRC
    audio.save()
    found, notes = read_tag_lyrics(song)
    assert notes == []
    assert found[0].source == "SYNCEDLYRICS Vorbis comment"
    assert [ln.start for ln in found[0].lines] == [0.5, 1.2]
    assert not found[1].timed and texts(found[1]) == ["Plain first line", "Plain second line"]


def test_lrc_text_in_an_ogg_lyrics_comment_is_synced(tmp_path):
    song = make_audio(tmp_path / "s.ogg")
    audio = OggVorbis(song)
    audio["lyrics"] = LRC
    audio.save()
    (lyrics,), _ = read_tag_lyrics(song)
    assert lyrics.timed and texts(lyrics) == ["Tagged first line", "Tagged second line"]


def test_broken_lrc_in_a_tag_is_skipped_with_a_note_naming_the_tag(tmp_path):
    song = make_audio(tmp_path / "s.flac")
    audio = FLAC(song)
    audio["SYNCEDLYRICS"] = "[00:01.00]ok\n[00:9x.00]bad\n"
    audio["UNSYNCEDLYRICS"] = PLAIN
    audio.save()
    found, notes = read_tag_lyrics(song)
    assert [lyr.timed for lyr in found] == [False]
    assert notes == ["The SYNCEDLYRICS Vorbis comment of 's.flac', line 2: '[00:9x.00]' is not a "
                     "time; write [mm:ss.xx] (seconds below 60), e.g. [01:23.45]. It was skipped."]


def test_mp4_lyr_with_lrc_text_is_synced_and_plain_text_is_untimed(tmp_path):
    song = make_audio(tmp_path / "s.m4a")
    audio = MP4(song)
    audio["\xa9lyr"] = [LRC]
    audio.save()
    (lyrics,), _ = read_tag_lyrics(song)
    assert lyrics.source == "MP4 \u00a9lyr tag" and lyrics.timed
    assert lyrics.metadata == {"ar": "Band"}
    audio["\xa9lyr"] = [PLAIN]
    audio.save()
    (lyrics,), _ = read_tag_lyrics(song)
    assert lyrics.source == "MP4 \u00a9lyr tag (plain text, untimed)" and not lyrics.timed


def test_files_without_lyrics_or_tags_or_not_audio_have_none(tmp_path):
    assert read_tag_lyrics(make_audio(tmp_path / "bare.mp3")) == ([], [])
    junk = tmp_path / "junk.mp3"
    junk.write_bytes(b"not audio at all")
    assert read_tag_lyrics(junk) == ([], [])


# --------------------------------------------------------------------------------------------
# The order of the sources
# --------------------------------------------------------------------------------------------


@pytest.fixture
def tagged_song(tmp_path) -> Path:
    """An mp3 with synced (SYLT) and plain (USLT) lyrics."""
    return mp3_with(tmp_path / "My Song.mp3",
                    USLT(encoding=3, lang="eng", desc="", text=PLAIN),
                    SYLT(encoding=3, lang="eng", format=2, type=1, desc="",
                         text=[("From SYLT", 500)]))


def test_sidecar_lrc_with_the_song_name_is_found_in_any_case(tmp_path):
    song = make_audio(tmp_path / "Track 1.mp3")
    assert sidecar_path(song) is None
    (tmp_path / "Track 1.LRC").write_text("[00:01.00]x\n")
    (tmp_path / "Track 2.lrc").write_text("[00:01.00]x\n")
    assert sidecar_path(song) == tmp_path / "Track 1.LRC"


def test_source_order_file_then_sidecar_then_synced_then_plain_tags(tagged_song, tmp_path):
    given = tmp_path / "given.lrc"
    given.write_text("[00:02.00]From the given file\n")
    sidecar = tagged_song.with_suffix(".lrc")
    sidecar.write_text("[00:03.00]From the sidecar\n")

    search = find_lyrics(tagged_song, given)
    assert texts(search.lyrics) == ["From the given file"]
    assert search.lyrics.source == "lyrics file 'given.lrc'"

    search = find_lyrics(tagged_song)
    assert texts(search.lyrics) == ["From the sidecar"]
    assert search.lyrics.source == "sidecar lyrics file 'My Song.lrc'"

    sidecar.unlink()
    search = find_lyrics(tagged_song)
    assert texts(search.lyrics) == ["From SYLT"] and search.lyrics.source == "ID3 SYLT tag"

    tags = ID3(tagged_song)
    tags.delall("SYLT")
    tags.save()
    search = find_lyrics(tagged_song)
    assert not search.lyrics.timed
    assert search.lyrics.source == "ID3 USLT tag (plain text, untimed)"

    search = find_lyrics(tagged_song, "none")
    assert search.off and search.lyrics is None
    assert find_lyrics(tagged_song, "NONE ").off


def test_a_broken_sidecar_is_an_error_not_skipped(tagged_song):
    tagged_song.with_suffix(".lrc").write_text("[00:01.00]a\n[00:61.00]b\n")
    with pytest.raises(LyricsError, match=r"Sidecar lyrics file '.*My Song\.lrc', line 2"):
        find_lyrics(tagged_song)


def test_no_lyrics_says_where_it_looked_and_how_to_give_them(tmp_path):
    song = make_audio(tmp_path / "quiet.mp3")
    search = find_lyrics(song)
    assert search.lyrics is None and not search.off
    assert search.missing_message(song) == (
        "No lyrics found for 'quiet.mp3': looked for 'quiet.lrc' next to the song and in the "
        "song's tags (SYLT, USLT, SYNCEDLYRICS, LYRICS, \u00a9lyr); give an .lrc file with "
        "--lyrics FILE or put it next to the song as 'quiet.lrc'.")
    with pytest.raises(AudioError, match="does not exist"):
        find_lyrics(tmp_path / "gone.mp3")


# --------------------------------------------------------------------------------------------
# The command
# --------------------------------------------------------------------------------------------


def test_lyrics_command_prints_timed_lines_and_source_and_writes_json_and_lrc(
        tagged_song, tmp_path, capsys):
    sidecar = tagged_song.with_suffix(".lrc")
    sidecar.write_text("[ti:T]\n[00:01.00]Hello there\n[00:02.50]\n"
                       "[01:03.00]<01:03.00>Bye <01:03.40>now\n")
    out_json, out_lrc = tmp_path / "out.json", tmp_path / "out.lrc"
    assert main(["lyrics", str(tagged_song), "--json", str(out_json),
                 "--lrc", str(out_lrc)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:3] == ["Lyrics: 2 lines from the sidecar lyrics file 'My Song.lrc'",
                       "[00:01.00] Hello there", "[01:03.00] Bye now"]
    assert read_lyrics_file(out_json).lines == read_lyrics_file(sidecar).lines
    assert json.loads(out_json.read_text())["source"] == "sidecar lyrics file 'My Song.lrc'"
    assert parse_lrc(out_lrc.read_text()) == parse_lrc(sidecar.read_text())


def test_lyrics_command_shows_untimed_plain_lyrics_as_such(tagged_song, capsys):
    tags = ID3(tagged_song)
    tags.delall("SYLT")
    tags.save()
    assert main(["lyrics", str(tagged_song), "--lyrics-model", "none"]) == 0
    out = capsys.readouterr().out.splitlines()  # timed without a model (tests/test_lyrics_timing)
    assert out[0] == "Lyrics: 2 lines from the ID3 USLT tag (plain text, untimed), timed on the mix"
    assert [line[11:] for line in out[1:]] == ["Plain first line", "Plain second line"]
    assert all(line[0] == "[" and line[9] == "]" and ":" in line[:9] for line in out[1:])


def test_lyrics_command_off_and_user_mistakes_exit_2_with_one_line(tagged_song, tmp_path,
                                                                   capsys):
    assert main(["lyrics", str(tagged_song), "--lyrics", "none"]) == 0
    assert capsys.readouterr().out == "Lyrics: off (--lyrics none).\n"
    bare = make_audio(tmp_path / "bare.mp3")
    binary = tmp_path / "cover.lrc"
    binary.write_bytes(bytes(range(256)))
    cases = [
        (["lyrics", str(tmp_path / "missing.mp3")], "does not exist; check the path given as SONG"),
        (["lyrics", str(bare), "--lyrics-model", "none"],
         "No lyrics found for 'bare.mp3': looked for 'bare.lrc'"),
        (["lyrics", str(bare), "--lyrics", str(tmp_path / "nope.lrc")], "does not exist"),
        (["lyrics", str(bare), "--lyrics", str(binary)], "is not a text file"),
        (["lyrics", str(tagged_song), "--json", str(tmp_path)], "is a folder; give a file name"),
    ]
    for argv, expected in cases:
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert err.startswith("error: ") and expected in err, (argv, err)
        assert err.count("\n") == 1 and "Traceback" not in err


def test_lyrics_command_in_a_real_process(tagged_song, tmp_path):
    # both files side by side (two processes): their start-ups overlap
    result, missing = run_clis(["lyrics", tagged_song],
                               ["lyrics", make_audio(tmp_path / "bare.mp3")], timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["Lyrics: 1 line from the ID3 SYLT tag",
                                          "[00:00.50] From SYLT"]
    assert missing.returncode == 2  # offline: speech recognition cannot load its model
    error = missing.stderr.splitlines()[-1]
    assert error.startswith("error: No lyrics found") and "not in the local cache" in error
