"""Lyric captions burned into a video's frames (``captions: line | karaoke``).

- :data:`CAPTION_STYLES`   the ``captions`` setting's choices
- :class:`CaptionsWarning` captions asked for, none possible (the CLI prints a note)
- :class:`CaptionLook`     font, position, size, outline and highlight colour of the text
- :func:`check_font`       a font file the captions can use, or a UserError saying why not
- :class:`Captions`        the timed lyrics, the style, the look and the frame timing of a video
- :func:`captions_for`     a song's captions, or None with a warning saying why
- :func:`caption_at`       frame -> (the line's text, characters sung so far), or None
- :func:`caption_overlay`  the caption as a transparent RGBA image the size of a frame
- :func:`caption_frames`   copies of a run's PNG frames with their captions, for the encoder

Captions go into the video only: the encoder reads captioned copies of the frames, written to
a temporary folder, so the run's PNGs (what resume reads) never change. Everything is
deterministic (the same frames and lyrics give the same bytes), so a resumed run's video equals
an uninterrupted one's. Text (:class:`CaptionLook`, by default): DejaVu Sans Bold (shipped with
matplotlib) or a given TTF/OTF, white with a dark outline (a tenth of the text height), centred
at the bottom (or the middle, or the top), 6 % of the frame height, wrapped to 90 % of its
width; in ``karaoke`` the words already sung are yellow (or the given colour).
"""

from __future__ import annotations

import os
import shutil
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from ..errors import UserError
from .timing import timed_lyrics
from .types import LyricLine, Lyrics

__all__ = ["CAPTION_POSITIONS", "CAPTION_STYLES", "CaptionLook", "Captions", "CaptionsWarning",
           "caption_at", "caption_frames", "caption_overlay", "captions_for", "check_font",
           "default_font", "paste_caption"]

#: The ``captions`` setting's choices.
CAPTION_STYLES = ("none", "line", "karaoke")
#: The ``caption_position`` setting's choices.
CAPTION_POSITIONS = ("bottom", "middle", "top")
#: How long the last line stays when nothing ends it (seconds).
LAST_LINE_SECONDS = 6.0
TEXT_COLOUR = (255, 255, 255, 255)
OUTLINE_COLOUR = (0, 0, 0, 255)
#: The margin above top captions and below bottom ones (fraction of the frame height).
MARGIN = 0.05


class CaptionsWarning(UserWarning):
    """Captions were asked for but the video has none (no timed lyrics); the message says why."""


@dataclass(frozen=True)
class CaptionLook:
    """How captions look: ``font`` (a TTF/OTF path; ``""`` = DejaVu Sans Bold), ``position``
    (one of :data:`CAPTION_POSITIONS`), ``size`` (text height / frame height), ``outline``
    (outline width / text height; 0 = none) and ``highlight`` (karaoke's sung words, RGB)."""

    font: str = ""
    position: str = "bottom"
    size: float = 0.06
    outline: float = 0.1
    highlight: tuple[int, int, int] = (255, 210, 0)


@dataclass(frozen=True)
class Captions:
    """What captioning a video needs: timed ``lyrics``, ``style`` (``line`` or ``karaoke``),
    the video's ``fps``, ``start`` (the song's second at the run's frame 0), ``offset`` (the
    run's frame number of a file numbered 0, for pieces encoded from renumbered links) and the
    text's ``look``."""

    lyrics: Lyrics
    style: str
    fps: float
    start: float = 0.0
    offset: int = 0
    look: CaptionLook = CaptionLook()


def default_font() -> str:
    """The path of DejaVu Sans Bold as matplotlib ships it."""
    import matplotlib

    return os.path.join(matplotlib.get_data_path(), "fonts", "ttf", "DejaVuSans-Bold.ttf")


def check_font(font: str) -> None:
    """Raise a :class:`~music_visualizer.errors.SettingsError` (one sentence) when ``font``
    (the ``caption_font`` setting) is not a font file the captions can be drawn with; ``""``
    (DejaVu Sans Bold) always passes."""
    from ..errors import SettingsError

    if not font.strip():
        return
    path = Path(font).expanduser()
    advice = "give a .ttf or .otf font file, or leave caption_font empty for DejaVu Sans Bold."
    if not path.is_file():
        kind = "is a folder" if path.is_dir() else "does not exist"
        raise SettingsError(f"caption_font: '{font}' {kind}; {advice}")
    try:
        ImageFont.truetype(os.fspath(path), 12).getbbox("Ag")
    except (OSError, ValueError) as exc:
        raise SettingsError(f"caption_font: '{font}' cannot be read as a font ({exc}); "
                            f"{advice}") from None


def captions_for(song: str | os.PathLike[str], *, style: str, fps: float, start: float = 0.0,
                 lyrics: str | os.PathLike[str] | None = None,
                 look: CaptionLook = CaptionLook(),
                 model: str | None = None) -> Captions | None:
    """The captions of a video of ``song`` (``style`` ``line`` or ``karaoke``; ``lyrics`` as
    :func:`~music_visualizer.lyrics.find.find_lyrics` takes it; ``look`` its font, place and
    colours, the font checked first), or None: ``style`` ``none``, lyrics turned off, or no
    timed lyrics (then a :class:`CaptionsWarning` says why: the video is made without
    captions). Plain lyrics are timed first, with the Whisper ``model`` when it is on this
    machine (see :func:`~music_visualizer.lyrics.timing.timed_lyrics`).

    Raises
    ------
    SettingsError
        ``look.font`` is not a readable font file (:func:`check_font`).
    """
    if style == "none":
        return None
    check_font(look.font)
    try:
        found = timed_lyrics(song, lyrics=lyrics or None, model=model)
    except UserError as e:
        problem = str(e)
    else:
        if found.off:
            return None
        if found.lyrics is not None and found.lyrics.timed:
            return Captions(found.lyrics, style, fps, start, look=look)
        problem = (found.missing_message(song) if found.lyrics is None else
                   f"the lyrics from {found.lyrics.source} have no line times; give an .lrc "
                   "file with [mm:ss.xx] times.")
    warnings.warn(f"The video has no captions: {problem}", CaptionsWarning, stacklevel=2)
    return None


def caption_at(captions: Captions, frame: int) -> tuple[str, int] | None:
    """The caption of frame ``frame`` (a run's frame number): the current line's text (spaces
    collapsed) and how many of its characters are sung (always 0 in ``line``); None in a gap,
    before the first line or on an empty line."""
    seconds = captions.start + (frame + captions.offset) / captions.fps
    line = captions.lyrics.line_at(seconds)
    if line is None or line.start is None:
        return None
    if line.end is None and seconds >= line.start + LAST_LINE_SECONDS:
        return None
    text = " ".join(line.text.split())
    if not text:
        return None
    if captions.style != "karaoke":
        return text, 0
    return text, _sung_chars(line, text, seconds)


def _sung_chars(line: LyricLine, text: str, seconds: float) -> int:
    """Characters of ``text`` up to the end of the last word started at ``seconds``: from the
    word times when the line has them (and they are found in the text), else the line's
    duration spread evenly over its words."""
    if line.words:
        end = 0
        for word in line.words:
            if word.start > seconds:
                return end
            found = text.find(word.text.strip(), end)
            if found < 0:
                break
            end = found + len(word.text.strip())
        else:
            return end
    words = text.split(" ")
    start = line.start or 0.0
    duration = (line.end - start) if line.end is not None else LAST_LINE_SECONDS
    step = max(duration, 1e-6) / len(words)
    started = min(len(words), int((seconds - start) / step) + 1)
    return len(" ".join(words[:started]))


def _font(path: str, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """``path`` (checked by :func:`check_font`; ``""``: DejaVu Sans Bold) at ``size`` pixels."""
    if path.strip():
        return ImageFont.truetype(os.fspath(Path(path).expanduser()), size)
    try:
        return ImageFont.truetype(default_font(), size)
    except OSError:  # matplotlib without its fonts: Pillow's own
        return ImageFont.load_default(size)


def _wrap(text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont,
          width: float) -> list[str]:
    """``text`` in lines no wider than ``width`` (a single long word stays whole)."""
    rows: list[str] = []
    for word in text.split(" "):
        if rows and font.getlength(f"{rows[-1]} {word}") <= width:
            rows[-1] = f"{rows[-1]} {word}"
        else:
            rows.append(word)
    return rows


def caption_overlay(size: tuple[int, int], text: str, sung: int = 0,
                    look: CaptionLook = CaptionLook()) -> Image.Image:
    """An RGBA image of ``size`` (width, height), transparent but for ``text`` centred at the
    ``look``'s position, its first ``sung`` characters in the highlight colour."""
    width, height = size
    font_size = max(8, round(height * look.size))
    outline = round(font_size * look.outline)
    font = _font(look.font, font_size)
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    rows = _wrap(text, font, width * 0.9)
    step = round(font_size * 1.25)
    block = step * len(rows)
    margin = round(height * MARGIN)
    y = {"top": margin, "middle": (height - block) // 2}.get(look.position,
                                                              height - margin - block)
    sung_colour = (*look.highlight, 255)
    done = 0  # characters of the text before this row (rows are joined by one space)
    for row in rows:
        x = (width - font.getlength(row)) / 2
        draw.text((x, y), row, font=font, fill=TEXT_COLOUR, stroke_width=outline,
                  stroke_fill=OUTLINE_COLOUR)
        lit = max(0, min(len(row), sung - done))
        if lit:
            draw.text((x, y), row[:lit], font=font, fill=sung_colour, stroke_width=outline,
                      stroke_fill=OUTLINE_COLOUR)
        done += len(row) + 1
        y += step
    return image


def caption_frames(frames_dir: Path, out_dir: Path, *, timestring: str, first_frame: int,
                   n_frames: int, captions: Captions) -> None:
    """Put frames ``first_frame .. first_frame+n_frames-1`` of ``frames_dir`` into
    ``out_dir`` under the same names: captioned copies, or links to the originals (copies
    where links are refused) for frames without a caption."""
    out_dir.mkdir(parents=True, exist_ok=True)
    overlays: dict[tuple[str, int], Image.Image] = {}
    for index in range(first_frame, first_frame + n_frames):
        name = f"{timestring}_{index:05d}.png"
        caption = caption_at(captions, index)
        if caption is None:
            try:
                os.link(frames_dir / name, out_dir / name)
            except OSError:
                shutil.copyfile(frames_dir / name, out_dir / name)
            continue
        with Image.open(frames_dir / name) as opened:
            frame = opened.convert("RGB")
        paste_caption(frame, captions, index, overlays)
        frame.save(out_dir / name, compress_level=1)


def paste_caption(frame: Image.Image, captions: Captions, index: int,
                  overlays: dict[tuple[str, int], Image.Image]) -> bool:
    """Draw the caption of frame ``index`` on ``frame`` (in place, in the captions' look);
    False when that frame has none. ``overlays`` keeps each drawn caption for the next frames."""
    caption = caption_at(captions, index)
    if caption is None:
        return False
    if caption not in overlays:
        overlays[caption] = caption_overlay(frame.size, *caption, look=captions.look)
    frame.paste(overlays[caption], (0, 0), overlays[caption])
    return True
