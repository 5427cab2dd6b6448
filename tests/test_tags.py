"""Track info from a local file's own tags and cover (music_visualizer.sources.tags)."""

from __future__ import annotations

import base64
import io
import subprocess
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest
import soundfile as sf
from mutagen.flac import FLAC, Picture
from mutagen.id3 import APIC, ID3, TALB, TCON, TDRC, TIT2, TPE1
from mutagen.mp4 import MP4, MP4Cover
from mutagen.oggvorbis import OggVorbis
from PIL import Image

from music_visualizer.errors import AudioError, UserError
from music_visualizer.sources.tags import read_track_tags

SR = 22050
SECONDS = 1.5
ODD_TITLE = 'AC/DC: Back in "Black"? 🎸 <Live> | Ünïcödé \\ ..'


def tone(seconds: float = SECONDS) -> np.ndarray:
    t = np.arange(int(seconds * SR)) / SR
    return (0.2 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)


def image_bytes(colour: tuple[int, int, int], fmt: str = "PNG", size: int = 24) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (size, size), colour).save(buffer, format=fmt)
    return buffer.getvalue()


def cover_colour(path: str) -> tuple[int, ...]:
    with Image.open(path) as image:
        return image.convert("RGB").getpixel((12, 12))


def close_to(colour: tuple[int, ...], target: tuple[int, int, int], tol: int = 12) -> bool:
    return all(abs(a - b) <= tol for a, b in zip(colour, target, strict=True))


@pytest.fixture(scope="module")
def wav(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("src") / "tone.wav"
    sf.write(path, tone(), SR)
    return path


def make_mp3(path: Path) -> Path:
    sf.write(path, tone(), SR, format="MP3")
    return path


def make_m4a(path: Path, wav: Path) -> Path:
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
                    "-i", str(wav), "-c:a", "aac", "-b:a", "64k", str(path)], check=True)
    return path


# --------------------------------------------------------------------------------------------
# ID3 (mp3)
# --------------------------------------------------------------------------------------------


def test_mp3_id3_tags_and_front_cover_preferred(tmp_path):
    audio = make_mp3(tmp_path / "song.mp3")
    tags = ID3()
    tags.add(TIT2(encoding=3, text=ODD_TITLE))
    tags.add(TPE1(encoding=3, text=["Alpha", "Beta feat. Gamma"]))
    tags.add(TALB(encoding=3, text="Greatest / Hits"))
    tags.add(TDRC(encoding=3, text="2019-05-03"))
    tags.add(TCON(encoding=3, text="Hip-Hop/Rap"))
    tags.add(APIC(encoding=3, mime="image/png", type=0, desc="back",
                  data=image_bytes((0, 0, 255))))
    tags.add(APIC(encoding=3, mime="image/jpeg", type=3, desc="front",
                  data=image_bytes((255, 0, 0), "JPEG")))
    tags.save(audio)

    covers = tmp_path / "covers"
    info = read_track_tags(audio, cover_dir=covers)
    assert info.source == "tags"
    assert info.name == ODD_TITLE
    assert info.artists == ("Alpha", "Beta feat. Gamma")
    assert info.album == "Greatest / Hits"
    assert info.release_date == "2019-05-03"
    assert info.genres == ("hip-hop", "rap")
    assert info.duration == pytest.approx(SECONDS, abs=0.1)
    assert info.audio == str(audio)
    assert info.id is None
    cover = Path(info.cover)
    assert cover.parent == covers and cover.suffix == ".jpg"
    assert len(cover.stem) >= 16 and all(c in "0123456789abcdef" for c in cover.stem)
    assert close_to(cover_colour(info.cover), (255, 0, 0), tol=30)


def test_id3_joined_artists_numeric_genre_and_year_only(tmp_path):
    audio = make_mp3(tmp_path / "joined.mp3")
    tags = ID3()
    tags.add(TIT2(encoding=3, text="Joined"))
    tags.add(TPE1(encoding=3, text="AC/DC; Simon & Garfunkel / Earth, Wind & Fire"))
    tags.add(TCON(encoding=3, text="(17)"))
    tags.add(TDRC(encoding=3, text="1975"))
    tags.save(audio)
    info = read_track_tags(audio, cover_dir=tmp_path / "covers")
    assert info.artists == ("AC/DC", "Simon & Garfunkel", "Earth, Wind & Fire")
    assert info.genres == ("rock",)
    assert info.release_date == "1975"
    assert info.cover is None


def test_same_picture_is_written_once(tmp_path):
    covers = tmp_path / "covers"
    paths = []
    for name in ("a.mp3", "b.mp3"):
        audio = make_mp3(tmp_path / name)
        tags = ID3()
        tags.add(APIC(encoding=3, mime="image/png", type=3, data=image_bytes((0, 128, 128))))
        tags.save(audio)
        paths.append(read_track_tags(audio, cover_dir=covers).cover)
    assert paths[0] == paths[1]
    assert [p.name for p in covers.iterdir()] == [Path(paths[0]).name]


def test_broken_picture_and_blank_tags_are_ignored(tmp_path):
    audio = make_mp3(tmp_path / "Broken Pic.mp3")
    tags = ID3()
    tags.add(TIT2(encoding=3, text="   "))
    tags.add(APIC(encoding=3, mime="image/jpeg", type=3, data=b"\xff\xd8 not really a jpeg"))
    tags.save(audio)
    info = read_track_tags(audio, cover_dir=tmp_path / "covers")
    assert info.name == "Broken Pic"
    assert info.cover is None
    assert info.source == "file"


# --------------------------------------------------------------------------------------------
# MP4, FLAC, Ogg
# --------------------------------------------------------------------------------------------


def test_m4a_tags_and_cover(tmp_path, wav):
    audio = make_m4a(tmp_path / "song.m4a", wav)
    mp4 = MP4(audio)
    mp4["\xa9nam"] = ["夜に駆ける 🌙"]
    mp4["\xa9ART"] = ["YOASOBI"]
    mp4["\xa9alb"] = ["THE BOOK"]
    mp4["\xa9day"] = ["2019-12-15T07:00:00Z"]
    mp4["\xa9gen"] = ["J-Pop"]
    mp4["covr"] = [MP4Cover(image_bytes((0, 200, 0)), imageformat=MP4Cover.FORMAT_PNG)]
    mp4.save()
    info = read_track_tags(audio, cover_dir=tmp_path / "covers")
    assert info.name == "夜に駆ける 🌙"
    assert info.artists == ("YOASOBI",)
    assert info.album == "THE BOOK"
    assert info.release_date == "2019-12-15"
    assert info.genres == ("j-pop",)
    assert info.cover.endswith(".png")
    assert close_to(cover_colour(info.cover), (0, 200, 0))
    assert info.duration == pytest.approx(SECONDS, abs=0.15)


def test_flac_vorbis_comments_and_picture_block(tmp_path):
    audio = tmp_path / "song.flac"
    sf.write(audio, tone(), SR)
    flac = FLAC(audio)
    flac["title"] = "Flac Title"
    flac["artist"] = ["Solo Artist; Guest"]
    flac["album"] = "An Album"
    flac["date"] = "2001"
    flac["genre"] = ["Electronic", "Ambient"]
    back, front = Picture(), Picture()
    back.type, back.mime, back.data = 4, "image/png", image_bytes((0, 0, 255))
    front.type, front.mime, front.data = 3, "image/png", image_bytes((255, 255, 0))
    flac.add_picture(back)
    flac.add_picture(front)
    flac.save()
    info = read_track_tags(audio, cover_dir=tmp_path / "covers")
    assert (info.name, info.album, info.release_date) == ("Flac Title", "An Album", "2001")
    assert info.artists == ("Solo Artist", "Guest")
    assert info.genres == ("electronic", "ambient")
    assert close_to(cover_colour(info.cover), (255, 255, 0))


def test_ogg_metadata_block_picture(tmp_path):
    audio = tmp_path / "song.ogg"
    sf.write(audio, tone(), SR, format="OGG", subtype="VORBIS")
    ogg = OggVorbis(audio)
    picture = Picture()
    picture.type, picture.mime = 3, "image/jpeg"
    picture.data = image_bytes((255, 128, 0), "JPEG")
    ogg["metadata_block_picture"] = [base64.b64encode(picture.write()).decode("ascii")]
    ogg["title"] = "Ogg / Title"
    ogg["artist"] = ["One", "Two"]
    ogg["genre"] = ["Synthwave"]
    ogg.save()
    info = read_track_tags(audio, cover_dir=tmp_path / "covers")
    assert info.name == "Ogg / Title"
    assert info.artists == ("One", "Two")
    assert info.genres == ("synthwave",)
    assert info.cover.endswith(".jpg")
    assert close_to(cover_colour(info.cover), (255, 128, 0), tol=30)


# --------------------------------------------------------------------------------------------
# No tags
# --------------------------------------------------------------------------------------------


def test_untagged_file_uses_stem_and_cover_beside_it(tmp_path, wav):
    folder = tmp_path / "album"
    folder.mkdir()
    audio = folder / "01 - Weird ✨ name (live) [x].wav"
    audio.write_bytes(wav.read_bytes())
    info = read_track_tags(audio, cover_dir=tmp_path / "covers")
    assert info.source == "file"
    assert info.name == "01 - Weird ✨ name (live) [x]"
    assert (info.artists, info.album, info.genres, info.cover) == ((), None, (), None)
    assert info.duration == pytest.approx(SECONDS, abs=0.01)

    (folder / "Folder.JPG").write_bytes(image_bytes((10, 10, 10), "JPEG"))
    assert read_track_tags(audio, cover_dir=tmp_path / "covers").cover == str(
        folder / "Folder.JPG")
    (folder / "cover.png").write_bytes(image_bytes((250, 250, 250)))
    info = read_track_tags(audio, cover_dir=tmp_path / "covers")
    assert info.cover == str(folder / "cover.png")  # cover.* before folder.*
    assert info.source == "file"
    assert not (tmp_path / "covers").exists()


def test_not_audio_and_missing_files(tmp_path):
    fake = tmp_path / "notes.mp3"
    fake.write_text("this is not audio at all\n" * 20)
    info = read_track_tags(fake, cover_dir=tmp_path / "covers")
    assert (info.name, info.source, info.duration, info.cover) == ("notes", "file", None, None)

    empty = tmp_path / "empty.flac"
    empty.write_bytes(b"")
    assert read_track_tags(empty, cover_dir=tmp_path / "covers").name == "empty"

    with pytest.raises(AudioError, match="does not exist"):
        read_track_tags(tmp_path / "missing.mp3", cover_dir=tmp_path / "covers")
    with pytest.raises(UserError, match="folder"):
        read_track_tags(tmp_path, cover_dir=tmp_path / "covers")
