"""The render job in-process: naming, init image, stop and resume, what the record holds."""

from __future__ import annotations

import json

import numpy as np
import pytest
import soundfile as sf
from PIL import Image, ImageOps

from music_visualizer import __version__
from music_visualizer.runs.job import RenderRequest, prepare_run, render
from music_visualizer.runs.store import frame_path
from music_visualizer.settings import Settings
from tests.conftest import click_song
from tests.resume_check import stop_resume_compare

SMALL = Settings(renderer="preview", width=64, height=48, fps=6, duration=2.0, seed=4,
                 zoom="0:(1.04)", angle="0:(3)", translation_x="0:(1.5)")


def _pixels(folder, ts, n):
    return [np.asarray(Image.open(frame_path(folder, ts, i))) for i in range(n)]


def test_song_folder_comes_from_the_title_tag(tmp_path):
    import mutagen.flac

    path = tmp_path / "track01.flac"
    sf.write(path, click_song(2.0), 22050)
    tags = mutagen.flac.FLAC(path)
    tags["title"] = 'Ünïcode: "Song/Name"'
    tags.save()
    run = prepare_run(RenderRequest(audio=path, settings=SMALL, output_dir=tmp_path / "out"))
    assert run.folder.name == "Ünïcode_SongName"
    assert not run.folder.exists()  # nothing is written before rendering starts


def test_init_image_is_frame_zero(song, tmp_path):
    cover = tmp_path / "cover.png"
    Image.fromarray(np.tile(np.arange(0, 256, 2, dtype=np.uint8), (96, 1))[..., None].repeat(
        3, axis=2)).save(cover)
    settings = Settings(**{**SMALL.__dict__, "init_image": str(cover), "width": 64,
                           "height": 48})
    result = render(RenderRequest(audio=song, settings=settings, output_dir=tmp_path,
                                  make_video=False))
    first = np.asarray(Image.open(frame_path(result.folder, result.timestring, 0)))
    # the cover is centre-cropped to the frame's aspect, then scaled
    expected = np.asarray(ImageOps.fit(Image.open(cover).convert("RGB"), (64, 48),
                                       method=Image.Resampling.LANCZOS))
    assert np.abs(first.astype(int) - expected.astype(int)).max() <= 1


def test_stop_then_resume_equals_an_uninterrupted_run(song, tmp_path):
    check = stop_resume_compare(song, SMALL, tmp_path, stop_after=5, make_video=True)
    assert check.whole.rendered == 12 and check.first.rendered == 5
    assert check.rest.rendered == 7 and check.rest.video is not None and check.rest.video.exists()


def test_resuming_a_finished_run_keeps_its_video_unless_a_frame_is_newer(song, tmp_path):
    import os

    done = render(RenderRequest(audio=song, settings=SMALL, output_dir=tmp_path))
    built = done.video.stat().st_mtime_ns
    again = render(RenderRequest(audio=song, settings=Settings(), output_dir=tmp_path,
                                 resume=done.timestring))
    assert again.rendered == 0 and again.video == done.video
    assert done.video.stat().st_mtime_ns == built  # not encoded again
    last = frame_path(done.folder, done.timestring, 11)  # a frame changed after the video
    os.utime(last, ns=(built + 10**9, built + 10**9))
    again = render(RenderRequest(audio=song, settings=Settings(), output_dir=tmp_path,
                                 resume=done.timestring))
    assert done.video.stat().st_mtime_ns > built
    done.video.write_bytes(b"truncated")  # a damaged video is rebuilt too
    os.utime(done.video, ns=(built + 2 * 10**9, built + 2 * 10**9))
    again = render(RenderRequest(audio=song, settings=Settings(), output_dir=tmp_path,
                                 resume=done.timestring))
    from music_visualizer.runs.video import probe_video

    assert probe_video(again.video).n_frames == 12


def test_the_record_holds_what_reproduces_the_run(song, tmp_path):
    settings = Settings(**{**SMALL.__dict__, "seed": -1, "duration": None, "start": 1.5,
                           "prompts": {"0": "a", "6": "b --neg c"}})
    result = render(RenderRequest(audio=song, settings=settings, output_dir=tmp_path,
                                  make_video=False))
    record = json.loads((result.folder / f"{result.timestring}_settings.json").read_text())
    assert record["version"] == __version__
    assert 0 <= record["seed"] < 2**32 and record["settings"]["seed"] == record["seed"]
    assert record["duration"] == pytest.approx(4.5) and record["n_frames"] == 27
    assert record["settings"]["prompts"] == {"0": "a", "6": "b --neg c"}
    assert record["plan"]["prompt_table"] == [["a", ""], ["b", "c"]]
    assert len(record["song"]["audio_hash"]) == 64
    assert record["plan"]["columns"]["time"][0] == 1.5


def test_img2img_schedule_follows_strength_at_few_steps():
    from music_visualizer.render.diffusion import img2img_schedule

    starts = []
    for kept in np.linspace(0.2, 0.8, 25):
        for steps in (1, 2, 4, 10, 25, 50):
            n, strength = img2img_schedule(kept, steps)
            k = int(n * strength)  # what diffusers runs
            assert k >= 1 and k == max(1, round(steps * (1 - kept)))
            assert abs(k / n - (1 - kept)) <= (1 - kept) / (k + 1) + 1e-9  # start follows s
        starts.append(img2img_schedule(kept, 4))
    # at the default 4 steps, the start point moves with the audio-reactive strength
    assert len({k_n for k_n in starts}) >= 6


def test_resume_needs_neither_the_init_image_nor_a_damaged_last_frame(song, tmp_path):
    cover = tmp_path / "cover.png"
    Image.new("RGB", (32, 32), (200, 30, 60)).save(cover)
    settings = Settings(**{**SMALL.__dict__, "init_image": str(cover)})
    whole = render(RenderRequest(audio=song, settings=settings, output_dir=tmp_path / "a",
                                 make_video=False))
    seen = []
    part = render(RenderRequest(audio=song, settings=settings, output_dir=tmp_path / "b",
                                make_video=False),
                  on_frame=lambda i, s: seen.append(i), should_stop=lambda: len(seen) >= 6)
    cover.unlink()  # moved away after the start (or a cleared cover cache)
    last = frame_path(part.folder, part.timestring, 5)
    last.write_bytes(last.read_bytes()[:100])  # truncated by a disconnect
    resumed = render(RenderRequest(audio=song, settings=Settings(), output_dir=tmp_path / "b",
                                   resume=part.timestring, make_video=False))
    assert resumed.rendered == 7  # frame 5 was redone
    for a, b in zip(_pixels(whole.folder, whole.timestring, 12),
                    _pixels(resumed.folder, resumed.timestring, 12), strict=True):
        assert np.array_equal(a, b)
