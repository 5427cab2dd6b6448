"""The captions' look: ``caption_font`` (a TTF/OTF, default DejaVu Sans Bold),
``caption_position`` (bottom | middle | top), ``caption_size``, ``caption_outline`` and
``caption_highlight``, checked on the overlay and in the frames of real encoded MP4s; a bad
font is one sentence before anything renders (exit code 2 from the CLI)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from music_visualizer.errors import SettingsError
from music_visualizer.lyrics.captions import CaptionLook, caption_overlay, check_font, default_font
from music_visualizer.runs.job import RenderRequest, render
from music_visualizer.settings import Settings
from tests.conftest import run_clis
from tests.resume_check import same_bytes
from tests.video_check import video_frames

SIZE = (192, 144)
TEXT = "HELLO WORLD"
LRC = f"[00:00.50]{TEXT}\n"
BASE = dict(renderer="preview", width=SIZE[0], height=SIZE[1], fps=6, seed=5, duration=2.0,
            zoom="0:(1.02)", captions="line")  # 12 frames; the line from frame 3 on
LINE = range(3, 12)
SERIF = str(Path(default_font()).with_name("DejaVuSerif.ttf"))


def _alpha(look: CaptionLook, text: str = TEXT, size: tuple[int, int] = SIZE) -> np.ndarray:
    return np.asarray(caption_overlay(size, text, look=look))[..., 3] > 0


def _box(mask: np.ndarray) -> tuple[int, int, int, int]:
    """(top, bottom, left, right) of the True pixels, inclusive."""
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    return rows.min(), rows.max(), cols.min(), cols.max()


def _area(mask: np.ndarray) -> int:
    top, bottom, left, right = _box(mask)
    return (bottom - top + 1) * (right - left + 1)


def test_the_position_puts_the_text_in_its_third_of_the_frame():
    third = SIZE[1] // 3
    for position, (low, high) in {"top": (0, third), "middle": (third, 2 * third),
                                  "bottom": (2 * third, SIZE[1])}.items():
        top, bottom, _, _ = _box(_alpha(CaptionLook(position=position, size=0.1)))
        assert low <= top and bottom < high, (position, top, bottom)


def test_size_outline_font_and_highlight_change_the_text():
    small, big = _alpha(CaptionLook(size=0.06)), _alpha(CaptionLook(size=0.15))
    assert _area(big) > 4 * _area(small)
    bare = _alpha(CaptionLook(outline=0.0, size=0.1)).sum()
    assert _alpha(CaptionLook(outline=0.3, size=0.1)).sum() > 1.5 * bare
    default = np.asarray(caption_overlay(SIZE, TEXT, look=CaptionLook(size=0.1)))
    named = np.asarray(caption_overlay(SIZE, TEXT, look=CaptionLook(font=default_font(),
                                                                    size=0.1)))
    serif = np.asarray(caption_overlay(SIZE, TEXT, look=CaptionLook(font=SERIF, size=0.1)))
    assert np.array_equal(default, named) and not np.array_equal(default, serif)
    red = np.asarray(caption_overlay(SIZE, TEXT, 5, look=CaptionLook(highlight=(255, 0, 0))))
    rgb = red[..., :3].astype(int)
    assert ((rgb[..., 0] > 200) & (rgb[..., 1] < 60) & (rgb[..., 2] < 60)).sum() > 20
    assert not ((rgb[..., 0] > 180) & (rgb[..., 1] > 140) & (rgb[..., 2] < 110)).any()


def test_a_bad_font_is_one_sentence(tmp_path):
    check_font("")  # DejaVu Sans Bold
    check_font(SERIF)
    with pytest.raises(SettingsError, match=r"caption_font: '.*nope.ttf' does not exist; give a "
                                            r"\.ttf or \.otf font file"):
        check_font(str(tmp_path / "nope.ttf"))
    fake = tmp_path / "fake.ttf"
    fake.write_text("not a font", encoding="utf-8")
    with pytest.raises(SettingsError, match="cannot be read as a font"):
        check_font(str(fake))
    with pytest.raises(SettingsError, match="is a folder"):
        check_font(str(tmp_path))


def _video_frames(video: Path) -> np.ndarray:
    return video_frames(video, SIZE)


@pytest.fixture(scope="module")
def styled(song, tmp_path_factory):
    """Renders of the same frames: no captions, default captions, and big serif ones on top."""
    folder = tmp_path_factory.mktemp("styled-song")
    lyric_song = Path(shutil.copy(song, folder / song.name))
    lyric_song.with_suffix(".lrc").write_text(LRC, encoding="utf-8")
    looks = {"none": dict(captions="none"), "default": {},
             "big": dict(caption_position="top", caption_size=0.12, caption_font=SERIF,
                         caption_outline=0.2)}
    root = tmp_path_factory.mktemp("styled-runs")
    return {name: render(RenderRequest(audio=lyric_song, output_dir=root / name,
                                       settings=Settings(**{**BASE, **look})))
            for name, look in looks.items()}


def _changed(styled, name: str) -> np.ndarray:
    """Per frame and pixel: whether the video differs a lot from the caption-free one."""
    frames = _video_frames(styled[name].video)
    return np.abs(frames - _video_frames(styled["none"].video)).max(axis=-1) > 80


@pytest.mark.slow
def test_the_mp4_shows_the_caption_where_and_as_big_as_asked(styled):
    third = SIZE[1] // 3
    default, big = _changed(styled, "default"), _changed(styled, "big")
    assert not default[:3].any() and not big[:3].any()  # before the line
    for i in LINE:
        assert _box(default[i])[0] >= 2 * third, i  # bottom third
        assert _box(big[i])[1] < third, i  # top third
        assert _area(big[i]) > 2.5 * _area(default[i]), i


@pytest.mark.slow
def test_the_mp4_is_drawn_with_the_given_font(styled):
    """The video's frame is the PNG with the serif caption on it, not with the default font's."""
    run = styled["big"]
    frame = _video_frames(run.video)[6]
    with Image.open(run.folder / f"{run.timestring}_00006.png") as opened:
        png = opened.convert("RGB")
    errors = {}
    for name, font in (("serif", SERIF), ("sans bold", "")):
        look = CaptionLook(font=font, position="top", size=0.12, outline=0.2)
        overlay = caption_overlay(SIZE, TEXT, look=look)
        expected = png.copy()
        expected.paste(overlay, (0, 0), overlay)
        errors[name] = np.abs(np.asarray(expected, dtype=int) - frame)[: SIZE[1] // 3].mean()
    assert errors["serif"] * 2 < errors["sans bold"], errors


@pytest.mark.slow
def test_styled_captions_leave_the_pngs_clean(styled):
    plain, big = styled["none"], styled["big"]
    for i in range(12):
        name = f"_{i:05d}.png"
        same_bytes(plain.folder / f"{plain.timestring}{name}",
                   big.folder / f"{big.timestring}{name}", "(styled captions)")


@pytest.mark.slow
def test_the_cli_refuses_a_bad_font_before_rendering(song, tmp_path):
    fake = tmp_path / "My Font.ttf"
    fake.write_text("not a font", encoding="utf-8")
    cases = ((tmp_path / "missing.otf", "does not exist"), (fake, "cannot be read as a font"))
    procs = run_clis(*(["render", "--audio", song, "--output-dir", tmp_path / "out",
                        "--renderer", "preview", "--width", "64", "--height", "48", "--fps", "4",
                        "--duration", "1", "--captions", "karaoke", "--caption-font", font]
                       for font, _ in cases))  # side by side: their start-ups overlap
    for (_, expected), proc in zip(cases, procs, strict=True):
        assert proc.returncode == 2, proc.stderr
        assert expected in proc.stderr and "Traceback" not in proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert not (tmp_path / "out").exists() or not any(os.scandir(tmp_path / "out"))


@pytest.mark.slow
def test_a_font_gone_since_the_run_started_is_a_note_not_a_lost_video(styled, tmp_path):
    from music_visualizer.lyrics.captions import CaptionsWarning
    from music_visualizer.runs.job import build_video

    run = styled["default"]
    font = Path(shutil.copy(SERIF, tmp_path / "Their Font.ttf"))
    result = render(RenderRequest(audio=_song_of(styled), output_dir=tmp_path / "out",
                                  settings=Settings(**BASE, caption_font=str(font))))
    font.unlink()
    result.video.unlink()
    with pytest.warns(CaptionsWarning, match="Their Font.ttf' does not exist.*DejaVu Sans Bold"):
        video = build_video(result.folder, result.timestring)
    assert np.array_equal(_video_frames(video), _video_frames(run.video))  # the default look


def _song_of(styled) -> Path:
    from music_visualizer.runs.record import load_run_record

    run = styled["none"]
    return Path(load_run_record(run.folder, run.timestring).song.audio)
