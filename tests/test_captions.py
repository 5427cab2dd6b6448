"""``captions: line | karaoke``: the song's timed lyrics burned into the MP4 (both
``keep_frames``), never into the PNGs; karaoke highlights the words sung; a stopped and resumed
``keep_frames: none`` run gives the same MP4 byte for byte."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import numpy as np
import pytest

from music_visualizer.lyrics import parse_lrc
from music_visualizer.lyrics.captions import (
    Captions,
    CaptionsWarning,
    caption_at,
    caption_overlay,
    captions_for,
)
from music_visualizer.runs.job import RenderRequest, render
from music_visualizer.runs.partial import build_partial
from music_visualizer.runs.segments import read_segments
from music_visualizer.settings import Settings
from tests.conftest import run_cli
from tests.resume_check import same_bytes
from tests.video_check import video_frames

# its module-scoped fixtures are built once: every test of this module on one xdist worker
pytestmark = pytest.mark.xdist_group("captions")

LRC = ("[00:00.50]<00:00.50>HELLO <00:01.00>WORLD <00:01.50>AGAIN\n"
       "[00:02.00]\n"
       "[00:02.50]SECOND LINE HERE\n")
SIZE = (128, 96)
BASE = dict(renderer="preview", width=SIZE[0], height=SIZE[1], fps=6, seed=3, duration=3.0,
            zoom="0:(1.02)", diffusion_cadence=2)  # 18 frames: frame i at i/6 s
BEFORE, LINE1, GAP, LINE2 = (0, 1, 2), range(3, 12), (12, 13, 14), (15, 16, 17)
SEGMENT = 4


def _captions(style: str, text: str = LRC) -> Captions:
    return Captions(parse_lrc(text), style, fps=6.0)


def test_caption_at_follows_the_lines_and_gaps():
    line = _captions("line")
    assert [caption_at(line, i) for i in (*BEFORE, *GAP)] == [None] * 6
    assert {caption_at(line, i) for i in LINE1} == {("HELLO WORLD AGAIN", 0)}
    assert {caption_at(line, i) for i in LINE2} == {("SECOND LINE HERE", 0)}
    assert caption_at(line, 6 * 9) is None  # the last line fades after a while


def test_karaoke_uses_word_times_else_spreads_the_line_over_its_words():
    karaoke = _captions("karaoke")
    assert caption_at(karaoke, 3) == ("HELLO WORLD AGAIN", 5)  # 0.5 s: HELLO
    assert caption_at(karaoke, 6) == ("HELLO WORLD AGAIN", 11)  # 1.0 s: WORLD
    assert caption_at(karaoke, 9) == ("HELLO WORLD AGAIN", 17)  # 1.5 s: AGAIN
    even = _captions("karaoke", "[00:01.00]ONE TWO THREE FOUR\n[00:03.00]NEXT\n")
    assert [caption_at(even, i)[1] for i in (6, 9, 12, 15)] == [3, 7, 13, 18]


def test_captions_for_times_plain_lyrics_and_is_quiet_when_lyrics_are_off(song, tmp_path):
    text = tmp_path / "words.txt"
    text.write_text("just some words\nwithout any times\n", encoding="utf-8")
    timed = captions_for(song, style="karaoke", fps=6.0, lyrics=text, model="none")
    assert timed is not None and timed.lyrics.timed  # by the aligner (tests/test_lyrics_align)
    assert [ln.text for ln in timed.lyrics.lines] == ["just some words", "without any times"]
    broken = tmp_path / "broken.lrc"
    broken.write_bytes(b"\x00\xff" * 10)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert captions_for(song, style="line", fps=6.0, lyrics=broken) is None
        assert captions_for(song, style="line", fps=6.0, lyrics="none") is None
        assert captions_for(song, style="none", fps=6.0) is None
    assert [issubclass(w.category, CaptionsWarning) for w in caught] == [True]
    assert "no captions" in str(caught[0].message)


def test_the_overlay_is_text_at_the_bottom_and_karaoke_lights_the_sung_part():
    plain = np.asarray(caption_overlay(SIZE, "HELLO WORLD AGAIN"))
    alpha = plain[..., 3] > 0
    assert alpha[: SIZE[1] // 2].sum() == 0 and alpha[SIZE[1] // 2:].sum() > 100
    lit = [_yellow(np.asarray(caption_overlay(SIZE, "HELLO WORLD AGAIN", n))[..., :3]).sum()
           for n in (0, 5, 11, 17)]
    assert lit[0] == 0 and lit[1] < lit[2] < lit[3]
    wide = np.asarray(caption_overlay((64, 96), "A RATHER LONG LINE OF LYRICS TO WRAP"))
    rows = np.flatnonzero((wide[..., 3] > 0).any(axis=1))
    assert rows.max() - rows.min() > 96 * 0.06 * 2  # wrapped onto several rows


def _yellow(rgb: np.ndarray) -> np.ndarray:
    rgb = rgb.astype(int)
    return (rgb[..., 0] > 180) & (rgb[..., 1] > 140) & (rgb[..., 2] < 110)


def _video_frames(video: Path) -> np.ndarray:
    return video_frames(video, SIZE)


@pytest.fixture(scope="module")
def lyric_song(song, tmp_path_factory) -> Path:
    """The test song with an .lrc next to it."""
    folder = tmp_path_factory.mktemp("lyric-song")
    copy = Path(shutil.copy(song, folder / song.name))
    copy.with_suffix(".lrc").write_text(LRC, encoding="utf-8")
    return copy


@pytest.fixture(scope="module")
def runs(lyric_song, tmp_path_factory):
    """Renders of the same frames: captions none, line and karaoke; keep_frames all and none."""
    root = tmp_path_factory.mktemp("caption-runs")
    out = {}
    for captions in ("none", "line", "karaoke"):
        for keep in ("all", "none"):
            if captions == "none" and keep == "none":
                continue
            out[captions, keep] = render(RenderRequest(
                audio=lyric_song, output_dir=root / f"{captions}-{keep}", segment_frames=SEGMENT,
                settings=Settings(**BASE, captions=captions, keep_frames=keep)))
    return out


def _bottom_change(video: Path, reference: Path) -> np.ndarray:
    """Per frame: pixels of the bottom half that differ a lot from the caption-free video (its
    first frames when ``video`` is shorter)."""
    frames = _video_frames(video)
    diff = np.abs(frames - _video_frames(reference)[: len(frames)]).max(axis=-1)
    return (diff[:, SIZE[1] // 2:] > 80).sum(axis=(1, 2))


@pytest.mark.slow
@pytest.mark.parametrize("keep", ["all", "none"])
@pytest.mark.parametrize("style", ["line", "karaoke"])
def test_captions_are_in_the_video_during_the_lines_only(runs, style, keep):
    changed = _bottom_change(runs[style, keep].video, runs["none", "all"].video)
    assert len(changed) == 18
    assert all(changed[i] > 40 for i in (*LINE1, *LINE2)), changed
    assert all(changed[i] < 5 for i in (*BEFORE, *GAP)), changed


@pytest.mark.slow
def test_the_pngs_have_no_captions(runs):
    plain = runs["none", "all"]
    for style in ("line", "karaoke"):
        run = runs[style, "all"]
        for i in range(18):
            name = f"_{i:05d}.png"
            same_bytes(plain.folder / f"{plain.timestring}{name}",
                       run.folder / f"{run.timestring}{name}", f"({style})")
        assert not list(run.folder.glob(".*.frames"))  # the captioned copies are gone


@pytest.mark.slow
@pytest.mark.parametrize("keep", ["all", "none"])
def test_karaoke_highlight_grows_over_the_line(runs, keep):
    frames = _video_frames(runs["karaoke", keep].video)
    line = _video_frames(runs["line", keep].video)
    lit = [_yellow(frames[i, SIZE[1] // 2:]).sum() - _yellow(line[i, SIZE[1] // 2:]).sum()
           for i in (3, 6, 9)]
    assert 10 < lit[0] < lit[1] < lit[2], lit


@pytest.mark.slow
def test_a_stopped_and_resumed_none_run_and_its_partial_video_have_captions(lyric_song, runs,
                                                                      tmp_path):
    whole = runs["karaoke", "none"]
    reported = [0]
    settings = Settings(**BASE, captions="karaoke", keep_frames="none")
    first = render(RenderRequest(audio=lyric_song, output_dir=tmp_path, settings=settings,
                                 segment_frames=SEGMENT),
                   on_frame=lambda i, state: reported.__setitem__(0, reported[0] + 1),
                   should_stop=lambda: reported[0] >= 10)
    assert first.stopped
    partial = build_partial(first.folder, first.timestring)  # segments 0-7 + the frames after
    assert partial.frames >= 10 and read_segments(first.folder, first.timestring)
    changed = _bottom_change(partial.path, runs["none", "all"].video)
    assert all(changed[i] > 40 for i in LINE1 if i < partial.frames), changed
    assert all(changed[i] < 5 for i in BEFORE), changed
    rest = render(RenderRequest(audio=lyric_song, output_dir=tmp_path, resume=first.timestring,
                                segment_frames=SEGMENT))
    assert not rest.stopped
    same_bytes(whole.video, rest.video, "after a stop at frame 10")


@pytest.mark.slow
def test_no_timed_lyrics_is_one_notice_and_a_video_without_captions(song, tmp_path):
    plain = Path(shutil.copy(song, tmp_path / "Plain Song.wav"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = render(RenderRequest(audio=plain, output_dir=tmp_path / "out",
                                      settings=Settings(**BASE, captions="line")))
    notes = [str(w.message) for w in caught if issubclass(w.category, CaptionsWarning)]
    assert notes and all("no captions" in n and "Plain Song.lrc" in n for n in notes), notes
    assert result.video is not None and result.video.is_file()


@pytest.mark.slow
def test_the_cli_prints_a_note_when_captions_have_no_lyrics(song, tmp_path):
    plain = Path(shutil.copy(song, tmp_path / "Plain Song.wav"))
    proc = run_cli("render", "--audio", plain, "--output-dir", tmp_path / "out",
                   "--renderer", "preview", "--width", "64", "--height", "48", "--fps", "4",
                   "--duration", "1", "--captions", "karaoke", "--keep-frames", "none")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.count("note: The video has no captions") == 1, proc.stderr
    assert "Plain Song.lrc" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.slow
def test_a_run_whose_prompts_follow_its_lyrics_keeps_their_captions(lyric_song, tmp_path):
    """The lyrics saved with a run (lyrics_prompts) caption its video: rebuilt after the song's
    .lrc was edited, the video is the same, prompts and captions telling the same words."""
    from music_visualizer.runs.job import build_video

    song = Path(shutil.copy(lyric_song, tmp_path / lyric_song.name))
    song.with_suffix(".lrc").write_text(LRC, encoding="utf-8")
    run = render(RenderRequest(audio=song, output_dir=tmp_path / "out", settings=Settings(
        **BASE, captions="line", lyrics_prompts=True)))
    first = run.video.read_bytes()
    song.with_suffix(".lrc").write_text("[00:00.10]SOMETHING ELSE ENTIRELY\n", encoding="utf-8")
    run.video.unlink()
    assert build_video(run.folder, run.timestring, audio=song).read_bytes() == first


@pytest.mark.slow
def test_a_run_with_captions_only_keeps_its_lyrics_for_later_videos(lyric_song, tmp_path):
    """Captions alone (prompts not from the lyrics) save the lyrics with the run too: the video
    rebuilt, and the partial video, after the song's .lrc was edited still show the old lines;
    a run without captions or lyric prompts saves none."""
    from music_visualizer.lyrics import read_lyrics_file
    from music_visualizer.runs.job import build_video
    from music_visualizer.runs.store import lyrics_path

    song = Path(shutil.copy(lyric_song, tmp_path / lyric_song.name))
    song.with_suffix(".lrc").write_text(LRC, encoding="utf-8")
    run = render(RenderRequest(audio=song, output_dir=tmp_path / "out", settings=Settings(
        **BASE, captions="karaoke")))
    saved = lyrics_path(run.folder, run.timestring)
    assert read_lyrics_file(saved).lines == parse_lrc(LRC).lines
    first = run.video.read_bytes()
    song.with_suffix(".lrc").write_text("[00:00.10]SOMETHING ELSE ENTIRELY\n", encoding="utf-8")
    run.video.unlink()
    assert build_video(run.folder, run.timestring, audio=song).read_bytes() == first
    partial = build_partial(run.folder, run.timestring)
    assert np.array_equal(_video_frames(partial.path), _video_frames(run.video))
    plain = render(RenderRequest(audio=song, output_dir=tmp_path / "plain",
                                 settings=Settings(**BASE)))
    assert not lyrics_path(plain.folder, plain.timestring).exists()
