"""The app's flow functions, its render board and its security, without a browser."""

from __future__ import annotations

import contextlib
import re
import shutil
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import soundfile as sf

from music_visualizer.errors import AudioError, RunError, SettingsError, UserError
from music_visualizer.sources.track import TrackInfo
from music_visualizer.ui.actions import (
    AppConfig,
    describe_status,
    field_overrides,
    redact,
    settings_fields,
    start_render,
    store_upload,
)
from music_visualizer.ui.board import BusyError, JobStatus, RenderBoard
from music_visualizer.ui.text import track_card
from tests.conftest import click_song, run_cli


def _values(config: AppConfig, **changes):
    values = settings_fields(config.base_settings())
    values.update(changes)
    return values


# -- field_overrides ---------------------------------------------------------------------------

def test_blank_prompts_are_left_out_and_numbers_keep_their_types():
    config = AppConfig()
    values = _values(config, width=256.0, steps=3.0, fps=7.5, seed=-1.0)
    out = field_overrides(values, ["  a cat ", "", None, "   ", "a dog"], " blurry ")
    assert out["prompts"] == ["a cat", "a dog"]
    assert out["negative_prompt"] == "blurry"
    assert out["width"] == 256 and isinstance(out["width"], int)
    assert out["steps"] == 3 and isinstance(out["steps"], int)
    assert out["fps"] == 7.5 and out["seed"] == -1
    assert "duration" not in out  # blank: the rest of the song
    assert "preset" not in out  # "none"


def test_all_blank_prompts_mean_the_defaults_and_zero_duration_means_the_whole_song():
    out = field_overrides(_values(AppConfig(), duration=0, preset="pulse"), [""] * 5, "",
                          from_cover=True)
    assert "prompts" not in out and "duration" not in out
    assert out["preset"] == "pulse" and out["init_image"] == "cover"


def test_the_speed_fields_reach_the_settings_and_the_model_cache(tiny_taesd, tiny_model,
                                                                 monkeypatch):
    from diffusers import AutoencoderKL, AutoencoderTiny

    from music_visualizer.ui.actions import ModelCache
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert settings_fields(AppConfig().base_settings())["tiny_vae"] == ""
    taesd = str(tiny_taesd)
    out = field_overrides(_values(AppConfig(), tiny_vae=f" {taesd} ", compile=True), [], "")
    assert out["tiny_vae"] == taesd and out["compile"] is True
    assert "tiny_vae" not in field_overrides(_values(AppConfig()), [], "")  # blank: off
    cache = ModelCache()
    plain = cache(str(tiny_model), scheduler="default", device="cpu")
    assert cache(str(tiny_model), scheduler="default", device="cpu") is plain  # kept
    tiny = cache(str(tiny_model), scheduler="default", device="cpu", tiny_vae=taesd)
    assert isinstance(plain.img2img.vae, AutoencoderKL)
    assert tiny is not plain and isinstance(tiny.img2img.vae, AutoencoderTiny)


# -- the song and the card -------------------------------------------------------------------

def test_an_upload_is_checked_and_kept_once_in_the_output_folder(tmp_path, song):
    config = AppConfig(output_dir=tmp_path / "out")
    first = store_upload(song, config)
    again = store_upload(song, config)
    assert first == again and first.is_file() and first.name == song.name
    assert first.parent.parent == tmp_path / "out" / "songs"
    assert first.read_bytes() == song.read_bytes()
    assert store_upload(None, config) is None


def test_uploads_that_are_not_songs_or_too_big_are_refused(tmp_path):
    config = AppConfig(output_dir=tmp_path / "out", max_upload_mb=1)
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(AudioError, match="not a song file"):
        store_upload(text, config)
    fake = tmp_path / "fake.mp3"
    fake.write_bytes(b"this is not audio" * 100)
    with pytest.raises(AudioError):
        store_upload(fake, config)
    big = tmp_path / "big.wav"
    sf.write(big, click_song(30.0, sr=22050), 22050)  # ~1.3 MB
    with pytest.raises(AudioError, match="up to 1 MB"):
        store_upload(big, config)
    assert not (tmp_path / "out" / "songs").exists()


def test_the_track_card_escapes_markdown_and_says_what_is_missing():
    track = TrackInfo(name="*Hit* [x](javascript:alert(1))", artists=("A_B",), duration=125.0)
    card = track_card(track, markdown=True)
    assert "\\*Hit\\*" in card and "\\[x\\]\\(javascript" in card
    assert "2:05" in card and "Upload the song" in card


def test_secrets_are_blanked_in_messages():
    env = {"SPOTIPY_CLIENT_SECRET": "s3cr3t-value", "MUSIC_VISUALIZER_AUTH": "ann:pa55word"}
    text = "token s3cr3t-value failed for ann:pa55word (pa55word)"
    assert redact(text, env) == "token *** failed for *** (***)"


# -- the render board ------------------------------------------------------------------------

def test_one_render_at_a_time_and_stop_after_the_current_frame():
    board = RenderBoard()
    gate = threading.Event()
    seen = []

    def work(job):
        job.set_total(100)
        for i in range(100):
            if job.should_stop():
                break
            gate.wait(5)
            time.sleep(0.02)
            seen.append(i)
            job.frame_done(i, None)
        return type("Result", (), {"stopped": len(seen) < 100})()

    job = board.start("song, run 1", work)
    with pytest.raises(BusyError, match="song, run 1"):
        board.start("another", work)
    with pytest.raises(BusyError):
        board.check_idle()
    gate.set()
    while job.status().done < 3:
        time.sleep(0.01)
    assert board.stop() is job
    assert job.wait(10)
    status = job.status()
    assert status.phase == "stopped" and status.done == len(seen) < 100
    assert board.running() is None and board.stop() is None
    board.check_idle()  # free again


def test_a_failed_render_reports_one_line_and_frees_the_board():
    board = RenderBoard()

    def bad_input(job):
        raise SettingsError("zoom: frame 0: unknown name 'tt'")

    def bug(job):
        raise ZeroDivisionError("boom")

    job = board.start("a", bad_input)
    job.wait(5)
    assert job.status().phase == "failed" and "unknown name 'tt'" in job.status().error
    job = board.start("b", bug)
    job.wait(5)
    assert "Internal error (ZeroDivisionError)" in job.status().error
    assert "boom" not in job.status().error


def test_progress_line_has_frames_fps_and_eta():
    status = JobStatus(job_id=1, label="Song, run 1", phase="rendering", done=30, total=120,
                       fps=2.5, eta_s=36.0)
    line = describe_status(status)
    assert "30 / 120" in line and "2.50 fps" in line and "ETA 0:36" in line
    assert "**Stopped** at frame 30 of 120" in describe_status(
        JobStatus(job_id=1, label="x", phase="stopped", done=30, total=120))


# -- start_render checks before anything is written --------------------------------------------

def test_start_render_refuses_bad_input_before_writing(tmp_path, song, monkeypatch):
    monkeypatch.setenv("MUSIC_VISUALIZER_CAPTION_MODEL", "none")
    config = AppConfig(output_dir=tmp_path / "out")
    board = RenderBoard()
    good = field_overrides(_values(config, renderer="preview", width=64, height=64, fps=4,
                                   duration=1), ["x"], "")
    with pytest.raises(UserError, match="Spotify track link or upload"):
        start_render(board, config, link="", audio=None, overrides=good, resume=False,
                     timestring=None)
    with pytest.raises(UserError, match="zoom"):
        start_render(board, config, link="", audio=str(song),
                     overrides={**good, "zoom": "0:(1 + tt)"}, resume=False, timestring=None)
    with pytest.raises(RunError, match="Pick the run"):
        start_render(board, config, link="", audio=str(song), overrides=good, resume=True,
                     timestring="")
    with pytest.raises(RunError, match="14 digits"):
        start_render(board, config, link="", audio=str(song), overrides=good, resume=True,
                     timestring="2026")
    assert not list((tmp_path / "out").glob("*/*/*_settings.json"))
    # and a good request renders, with the run's plot beside its frames
    job, warnings = start_render(board, config, link="", audio=str(song), overrides=good,
                                 resume=False, timestring=None)
    assert job.wait(60) and warnings == []
    result = job.status().result
    assert job.status().phase == "done" and result.n_frames == 4 and result.video.is_file()
    assert (result.folder / f"{result.timestring}_plot.png").is_file()


@pytest.mark.slow
def test_the_app_renders_walk_and_gan_modes(tmp_path, song, tiny_model, tiny_biggan,
                                            monkeypatch):
    monkeypatch.setenv("MUSIC_VISUALIZER_CAPTION_MODEL", "none")
    config = AppConfig(output_dir=tmp_path / "out")
    board = RenderBoard()
    walk = field_overrides(_values(config, mode="walk", model=str(tiny_model), width=64,
                                   height=64, fps=4, duration=2, steps=1.0, walk_smoothing=0.5),
                           ["a cat", "a dog"], "")
    job, _ = start_render(board, config, link="", audio=str(song), overrides=walk,
                          resume=False, timestring=None)
    assert job.wait(240), job.status()
    result = job.status().result
    assert job.status().phase == "done" and result.n_frames == 8 and result.video.is_file()
    gan = field_overrides(_values(config, mode="gan", width=32, height=32, fps=4, duration=2,
                                  gan_model=str(tiny_biggan),
                                  classes=" 1, 207 ", truncation=0.4), [], "")
    assert gan["classes"] == "1, 207"
    job, _ = start_render(board, config, link="", audio=str(song), overrides=gan,
                          resume=False, timestring=None)
    assert job.wait(120), job.status()
    result = job.status().result
    assert job.status().phase == "done" and result.n_frames == 8 and result.video.is_file()
    import json

    record = json.loads((result.folder / f"{result.timestring}_settings.json").read_text())
    assert sorted(record["settings"]["classes"]) == [1, 207]
    assert record["settings"]["truncation"] == 0.4


# -- serving: login, share, files --------------------------------------------------------------

@pytest.fixture(scope="module")
def served(tmp_path_factory):
    from music_visualizer.ui.app import build_app, launch

    out = tmp_path_factory.mktemp("out")
    (out / "inside.txt").write_text("inside")
    outside = tmp_path_factory.mktemp("elsewhere") / "secret.txt"
    outside.write_text("outside")
    app = build_app(output_dir=out)
    url = launch(app, output_dir=out, auth=("ann", "pa55word"), block=False)
    deadline = time.monotonic() + 300  # poll the server ourselves: the machine may be busy
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            if _get(url)[0] in (200, 401, 403):
                break
        time.sleep(0.5)
    yield {"url": url.rstrip("/"), "out": out, "outside": outside}
    app.close()


def _get(url: str, **headers: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


def test_with_a_login_nothing_is_served_before_logging_in(served):
    status, body = _get(served["url"] + "/config")
    assert status in (401, 403) or "Spotify URL" not in body
    status, _ = _get(f"{served['url']}/gradio_api/file={served['out'] / 'inside.txt'}")
    assert status in (401, 403)


def test_after_login_only_the_output_folder_is_served(served):
    import http.cookiejar

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    data = urllib.parse.urlencode({"username": "ann", "password": "wrong"}).encode()
    with pytest.raises(urllib.error.HTTPError):
        opener.open(served["url"] + "/login", data=data, timeout=10)
    data = urllib.parse.urlencode({"username": "ann", "password": "pa55word"}).encode()
    assert opener.open(served["url"] + "/login", data=data, timeout=10).status == 200
    config = opener.open(served["url"] + "/config", timeout=10).read().decode()
    assert "Spotify URL" in config and "pa55word" not in config
    inside = opener.open(f"{served['url']}/gradio_api/file={served['out'] / 'inside.txt'}",
                         timeout=10)
    assert inside.read() == b"inside"
    with pytest.raises(urllib.error.HTTPError) as refused:
        opener.open(f"{served['url']}/gradio_api/file={served['outside']}", timeout=10)
    assert refused.value.code in (403, 404)
    with pytest.raises(urllib.error.HTTPError):
        opener.open(f"{served['url']}/gradio_api/file=/etc/passwd", timeout=10)


def test_sharing_without_a_login_is_refused(tmp_path, monkeypatch):
    from music_visualizer.ui.app import auth_from, launch

    monkeypatch.delenv("MUSIC_VISUALIZER_AUTH", raising=False)
    with pytest.raises(UserError, match="login"):
        launch(object(), output_dir=tmp_path, share=True, auth=None)
    assert auth_from(None, {"MUSIC_VISUALIZER_AUTH": "ann:pw:x"}) == ("ann", "pw:x")
    assert auth_from("bob:secret", {"MUSIC_VISUALIZER_AUTH": "ann:pw"}) == ("bob", "secret")
    assert auth_from(None, {}) is None
    with pytest.raises(UserError, match="USER:PASS"):
        auth_from("nocolon", {})


def test_ui_command_errors_exit_2_with_one_line(tmp_path, monkeypatch):
    monkeypatch.delenv("MUSIC_VISUALIZER_AUTH", raising=False)
    env_free = run_cli("ui", "--share", "--output-dir", tmp_path)
    assert env_free.returncode == 2
    assert "login" in env_free.stderr and "Traceback" not in env_free.stderr
    bad = run_cli("ui", "--auth", "justaname")
    assert bad.returncode == 2 and "USER:PASS" in bad.stderr
    missing = run_cli("ui", "--settings", tmp_path / "nope.yaml")
    assert missing.returncode == 2 and "does not exist" in missing.stderr


def _env_without_auth() -> dict[str, str]:
    import os

    from tests.conftest import ROOT

    env = {k: v for k, v in os.environ.items() if k != "MUSIC_VISUALIZER_AUTH"}
    env.update(HF_HUB_OFFLINE="1", PYTHONPATH=str(ROOT))
    return env


def test_the_ui_command_serves_the_app(tmp_path):
    import socket
    import subprocess
    import sys

    from tests.conftest import ROOT

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log_path = tmp_path / "ui.log"
    with open(log_path, "w", encoding="utf-8") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "music_visualizer", "ui", "--port", str(port),
             "--output-dir", str(tmp_path / "out")], cwd=ROOT, env=_env_without_auth(),
            stdout=log_file, stderr=subprocess.STDOUT, text=True)
    try:
        status, body = 0, ""
        deadline = time.monotonic() + 300  # generous: the machine may be busy
        while time.monotonic() < deadline and process.poll() is None:
            with contextlib.suppress(OSError):
                status, body = _get(f"http://127.0.0.1:{port}/config")
            if status == 200 and "USER:PASS" in log_path.read_text(encoding="utf-8"):
                break
            time.sleep(0.5)
        assert status == 200 and "Produce Prompts" in body and "Visualize" in body
    finally:
        process.terminate()
        process.wait(60)
    output = log_path.read_text(encoding="utf-8")
    # how to share, in the project's words (not Gradio's `share=True` in `launch()`)
    assert f"http://127.0.0.1:{port}" in output
    assert "--share --auth USER:PASS" in output and "share=True" not in output
    assert "Traceback" not in output


def test_the_model_stays_loaded_between_renders(tiny_model):
    from music_visualizer.ui.actions import ModelCache

    cache = ModelCache()
    first = cache(str(tiny_model), scheduler="default", device="cpu")
    assert cache(str(tiny_model), scheduler="default", device="cpu") is first
    other = cache(str(tiny_model), scheduler="euler", device="cpu")
    assert other is not first
    with pytest.raises(UserError):
        cache(str(tiny_model) + "-missing", scheduler="default", device="cpu")


# -- what the page gets: text verbatim, file names only, one line per failure ----------------

def test_markdown_text_shows_user_text_verbatim():
    from markdown_it import MarkdownIt

    from music_visualizer.ui.text import markdown_text

    md = MarkdownIt("commonmark")
    hostile = ["0:(10**10**10)", "__t__", '<img src="x" onerror="alert(1)">', "`code` ``x``",
               "[link](http://example.com) www.example.com", "# heading", "1. item",
               "a\\b &amp; ~~gone~~ $$x^2$$ |a|b|", "    indented\nnext line"]
    for text in hostile:
        html = md.render(markdown_text(text))
        # the only markup is the paragraph and the hard line breaks; the text is all there
        inner = html.strip().removeprefix("<p>").removesuffix("</p>")
        assert "<" not in inner.replace("<br />", ""), (text, html)
        import html as html_lib

        shown = html_lib.unescape(inner.replace("<br />\n", "\n"))
        assert shown == "\n".join(line.strip() for line in text.splitlines()), (text, html)


def test_upload_paths_are_cut_to_the_file_name(tmp_path):
    from music_visualizer.ui.actions import hide_folders

    uploads = tmp_path / "gradio"
    text = (f"Audio file '{uploads}/0f3a9c/sub/My Song (live).mp3' could not be read; "
            f"the copy {tmp_path}/out/songs/abcdef0123456789/My Song (live).mp3 too; "
            f"'{tmp_path}/elsewhere/x.mp3' stays.")
    out = hide_folders(text, [uploads, tmp_path / "out" / "songs"])
    assert out == ("Audio file 'My Song (live).mp3' could not be read; the copy My Song "
                   f"(live).mp3 too; '{tmp_path}/elsewhere/x.mp3' stays.")


def test_the_progress_line_shows_the_run_name_and_error_verbatim():
    line = describe_status(JobStatus(job_id=1, label="__t__ *x*, run 1", phase="failed",
                                     error="zoom: '10**10**10' <b>"))
    assert line.startswith("**Failed:** ")
    assert "10\\*\\*10\\*\\*10" in line and "\\<b\\>" in line
    line = describe_status(JobStatus(job_id=1, label="__t__", phase="rendering", done=1,
                                     total=9))
    assert "\\_\\_t\\_\\_" in line


def test_every_handler_turns_an_exception_into_one_line(tmp_path, caplog):
    import gradio as gr

    from music_visualizer.ui.app import _safe

    config = AppConfig(output_dir=tmp_path)

    def bug(x):
        raise ZeroDivisionError("secret details")

    def user_mistake(x):
        raise SettingsError("zoom: frame 0: unknown name '__t__'")

    def stream(x):
        yield ("first", "")
        raise KeyError("boom")

    def shown(markdown: str) -> str:  # the text the escaped Markdown shows
        return re.sub(r"\\(.)", r"\1", markdown)

    with caplog.at_level("ERROR"):
        out = _safe(bug, 3, config, on_error={0: None})("x")
    assert out[0] is None and out[1] == gr.skip()
    assert shown(out[2]) == ("⚠️ Internal error (ZeroDivisionError); the details are in the "
                             "app's log.")
    assert "secret details" in caplog.text and "Traceback" in caplog.text  # in the log
    out = _safe(user_mistake, 2, config)("x")
    assert out[1] == "⚠️ zoom\\: frame 0\\: unknown name \\'\\_\\_t\\_\\_\\'"
    streamed = list(_safe(stream, 2, config)("x"))
    assert streamed[0] == ("first", "")
    assert shown(streamed[1][1]).startswith("⚠️ Internal error (KeyError)")
    assert shown(_safe(bug, 1, config)("x")).startswith("⚠️ Internal error")  # one output


def test_files_outside_the_output_folder_are_served_from_a_copy(tmp_path):
    from music_visualizer.ui.app import _served_file

    config = AppConfig(output_dir=tmp_path / "out")
    inside = tmp_path / "out" / "run" / "a.mp4"
    inside.parent.mkdir(parents=True)
    inside.write_bytes(b"video")
    outside = tmp_path / "home" / ".cache" / "b.mp4"
    outside.parent.mkdir(parents=True)
    outside.write_bytes(b"other")
    spare: list = []
    assert _served_file(inside, config, spare) == str(inside.resolve()) and not spare
    copy = Path(_served_file(outside, config, spare))
    assert copy.read_bytes() == b"other" and copy.parent == spare[0]
    assert copy.is_relative_to(tempfile.gettempdir())  # a folder Gradio serves from
    assert _served_file(None, config, spare) is None
    shutil.rmtree(spare[0])


def test_a_cover_reaches_the_page_as_pixels(tmp_path):
    from PIL import Image

    from music_visualizer.ui.actions import image_array

    Image.new("RGB", (3000, 1500), (10, 20, 30)).save(tmp_path / "cover.png")
    pixels = image_array(tmp_path / "cover.png")
    assert pixels.shape == (512, 1024, 3) and tuple(pixels[0, 0]) == (10, 20, 30)
    (tmp_path / "broken.jpg").write_bytes(b"not an image")
    assert image_array(tmp_path / "broken.jpg") is None and image_array(None) is None


def test_the_same_upload_stored_by_two_handlers_at_once(tmp_path, monkeypatch):
    # the upload box's change event and Produce Prompts both store the song, at the same time
    # on a busy machine: neither may fail
    song = tmp_path / "Big Song.wav"
    sf.write(song, click_song(5.0), 22050)
    copy = shutil.copyfile

    def slow_copy(source, target):  # a busy machine: the copies overlap
        result = copy(source, target)
        time.sleep(0.5)
        return result

    monkeypatch.setattr(shutil, "copyfile", slow_copy)
    config = AppConfig(output_dir=tmp_path / "out")
    barrier = threading.Barrier(6)
    results, errors = [], []

    def store():
        barrier.wait()
        try:
            results.append(store_upload(song, config))
        except Exception as e:
            errors.append(e)

    threads = [threading.Thread(target=store) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == [] and len(set(results)) == 1
    assert results[0].read_bytes() == song.read_bytes()
    assert [p.name for p in results[0].parent.iterdir()] == ["Big Song.wav"]  # no .part left


def test_every_declared_form_setting_gets_its_declared_widget():
    """The form comes from the settings' declarations: every setting declared with a widget is
    on it exactly once, with the declared kind, label and bounds (a new setting needs no edit in
    ui/app.py to appear)."""
    from music_visualizer.settings import SCHEDULE_FIELDS, field_specs
    from music_visualizer.ui import app as app_module

    placed = [name for row in (*app_module.MAIN_ROWS, *app_module.LYRICS_ROWS,
                               *app_module._advanced_rows()) for name in row]
    assert sorted(placed + list(SCHEDULE_FIELDS)) == sorted(app_module.FORM_FIELDS)
    assert len(set(placed)) == len(placed)
    app = app_module.build_app(caption=False)
    components = {c["props"].get("label"): c for c in app.get_config_file()["components"]}
    kinds = {"number": "number", "slider": "slider", "dropdown": "dropdown", "radio": "radio",
             "text": "textbox", "checkbox": "checkbox"}
    for name in app_module.FORM_FIELDS:
        spec = field_specs()[name][1]
        label = spec.app.get("label", name)
        assert label in components, name
        assert components[label]["type"] == kinds[spec.widget], name
        for bound in ("minimum", "maximum", "step"):
            if bound in spec.app:
                assert components[label]["props"][bound] == spec.app[bound], (name, bound)


def test_a_declared_widget_that_no_row_places_joins_the_last_advanced_row(monkeypatch):
    from music_visualizer.ui import app as app_module

    rows = tuple(tuple(n for n in row if n != "compile") for row in app_module.ADVANCED_ROWS)
    monkeypatch.setattr(app_module, "ADVANCED_ROWS", rows)
    placed = app_module._advanced_rows()
    assert placed[:-1] == rows[:-1]
    assert placed[-1] == (*rows[-1], "compile")
