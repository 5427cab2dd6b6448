"""The app in a real browser: Debian's chromium driven by Playwright (never a downloaded browser).

Most tests run the app in this process with a tiny random-weight model and a local Spotify stub;
one starts it as a user does (``python -m music_visualizer ui``, the default cache folder in a
fresh home folder). With ``MUSIC_VISUALIZER_SCREENSHOTS=DIR`` the tests save the user guide's
screenshots there.

The tests must pass on a busy machine: they wait for the server by polling it themselves, and
every wait is generous (a render that takes seconds on an idle machine may take minutes).
"""

from __future__ import annotations

import io
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import soundfile as sf

from tests.conftest import ROOT, click_song
from tests.spotify_stub import SpotifyStub

# its module-scoped fixtures are built once: every test of this module on one xdist worker
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("app_browser")]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
TRACK = "4cOdK2wGLETKBW3PvgPWqT"
LINK = f"https://open.spotify.com/track/{TRACK}?si=0123abcd"
PLAYLIST = "https://open.spotify.com/playlist/37i9dQZF1DXcBWIGoYBM5M"
SECRET = "stub-client-secret-0123456789"
WAIT_MS = 600_000  # a wait for something that takes work (prompts, a render): busy machines


def _need_browser() -> None:
    if CHROMIUM.is_file():
        return
    message = "Debian's chromium is not installed (apt-get install chromium)"
    if os.environ.get("MUSIC_VISUALIZER_REQUIRE_BROWSER"):
        pytest.fail(message)
    pytest.skip(message)


def shot(page, name: str) -> None:
    """Save a screenshot for the docs when asked to."""
    folder = os.environ.get("MUSIC_VISUALIZER_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    """Spotify stub credentials and URLs in the environment, for the whole module."""
    mp = pytest.MonkeyPatch()
    with SpotifyStub() as stub:
        stub.add_artist("A" * 22, "Night Drive", ["synthwave", "electronic"])
        stub.add_track(TRACK, "Neon Skyline", [("A" * 22, "Night Drive")],
                       album="Afterglow", release_date="2024-05-01", duration_ms=8_000)
        mp.setenv("MUSIC_VISUALIZER_SPOTIFY_API_URL", stub.api_url)
        mp.setenv("MUSIC_VISUALIZER_SPOTIFY_TOKEN_URL", stub.token_url)
        mp.setenv("SPOTIPY_CLIENT_ID", stub.client_id)
        mp.setenv("SPOTIPY_CLIENT_SECRET", stub.client_secret)
        mp.setenv("MUSIC_VISUALIZER_CAPTION_MODEL", "none")
        mp.setenv("HF_HUB_OFFLINE", "1")
        yield stub
    mp.undo()


@pytest.fixture(scope="module")
def song_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("upload") / "Neon Skyline.wav"
    sf.write(path, click_song(8.0, bpm=128), 22050)
    return path


@pytest.fixture(scope="module")
def server(env, tiny_model, tmp_path_factory, song_file):
    """The app, launched without blocking, on a free port."""
    from music_visualizer.ui.app import build_app, launch

    out = tmp_path_factory.mktemp("app-out")
    app = build_app(output_dir=out, model=str(tiny_model),
                    cache_dir=tmp_path_factory.mktemp("app-cache"))
    url = launch(app, output_dir=out, block=False)
    wait_until_served(url)
    yield {"url": url, "app": app, "out": out, "song": song_file}
    app.close()


@pytest.fixture(scope="module")
def browser():
    _need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(180_000)
    page.goto(server["url"])
    page.get_by_role("button", name="Produce Prompts").wait_for()
    yield page
    context.close()


def _wait_idle(server, timeout: float = 1800) -> None:
    board = server["app"].music_visualizer_board
    end = time.monotonic() + timeout
    while board.running() is not None and time.monotonic() < end:
        time.sleep(0.2)


def _wait_status(page, word: str, *, stall_s: float = 600) -> None:
    """Wait until the render status shows ``word`` ("Done", "Stopped"): as long as the status
    keeps changing (frames advance), however long that takes; fail only when nothing has
    changed for ``stall_s`` seconds. A busy machine renders slowly, not never."""
    status = page.locator("#mv-status")
    last, changed_at = None, time.monotonic()
    while True:
        text = status.inner_text()
        if word in text:
            return
        if "Failed" in text:
            pytest.fail(f"the render failed: {text!r}")
        if text != last:
            last, changed_at = text, time.monotonic()
        elif time.monotonic() - changed_at > stall_s:
            pytest.fail(f"the render status has not changed for {stall_s:.0f} s: {text!r}")
        time.sleep(1.0)


def _upload(page, path: Path) -> None:
    page.locator("input[type=file]").first.set_input_files(str(path))
    page.locator("audio, [data-testid='waveform-Audio file']").first.wait_for(state="attached")


def _prompts_for(page, song_file: Path) -> None:
    """Upload the song, press Produce Prompts and wait for the five prompts."""
    _upload(page, song_file)
    page.get_by_role("button", name="Produce Prompts").click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('textarea')].filter(t => t.value.length > 20)"
        ".length >= 5", timeout=WAIT_MS)


def _small_render(page, *, duration: str, fps: str) -> None:
    page.get_by_label("Duration (s)").fill(duration)
    page.get_by_label("FPS").fill(fps)
    for name in ("Width", "Height"):
        box = page.get_by_label(name).last  # the number box beside the slider
        box.fill("64")
        box.press("Enter")


def _frames(folder: Path, ts: str) -> list[Path]:
    return sorted(folder.glob(f"{ts}_[0-9][0-9][0-9][0-9][0-9].png"))


def test_a_playlist_link_shows_a_message_not_a_traceback(page, server):
    page.get_by_label("Spotify URL").fill(PLAYLIST)
    page.get_by_role("button", name="Produce Prompts").click()
    message = page.locator("#mv-message")
    message.get_by_text("playlist").wait_for()
    assert "track link" in message.inner_text()
    shot(page, "error-playlist")
    content = page.content()
    assert "Traceback" not in content and SECRET not in content
    # nothing was produced: the prompts stay empty
    assert page.get_by_label("Prompt 1").input_value() == ""


def test_link_upload_edit_and_visualize_shows_the_video(page, server, song_file, env):
    page.get_by_label("Spotify URL").fill(LINK)
    _upload(page, song_file)
    shot(page, "1-link-and-song")
    page.get_by_role("button", name="Produce Prompts").click()
    page.get_by_text("Neon Skyline").first.wait_for(timeout=WAIT_MS)
    prompt1 = page.get_by_label("Prompt 1")
    page.wait_for_function(
        "() => document.querySelector('#mv-busy') && [...document.querySelectorAll('textarea')]"
        ".filter(t => t.value.length > 20).length >= 5", timeout=WAIT_MS)
    assert page.get_by_label("Duration (s)").input_value() == "8"
    card = page.locator("body").inner_text()
    assert "Night Drive" in card and "BPM" in card and "Sections" in card
    shot(page, "2-prompts")
    prompt1.fill("a neon city skyline at night, synthwave, glowing grid")
    page.get_by_label("Prompt 5").fill("")  # blank prompts are left out
    _small_render(page, duration="2", fps="4")
    page.get_by_role("button", name="Visualize").click()
    _wait_status(page, "Done")
    shot(page, "3-video")
    assert page.locator("#mv-message").inner_text().strip() == ""
    meta = page.evaluate("""() => new Promise(done => {
        const v = document.querySelector('video');
        const report = () => done([v.duration, v.videoWidth, v.currentSrc]);
        if (v.readyState >= 1) report(); else v.addEventListener('loadedmetadata', report);
        setTimeout(() => done(['timeout', v.error && v.error.code, v.currentSrc]), 120000);
    })""")
    assert meta[0] == pytest.approx(2.0, abs=0.15), meta
    assert meta[1] == 64 and meta[2].endswith(".mp4")
    # on disk: the run is named after the track, with the edited prompts and 2 s at 4 fps
    records = list(Path(server["out"]).glob("*/*/*_settings.json"))
    assert len(records) == 1 and records[0].parent.name == "Night_Drive_-_Neon_Skyline"
    record = json.loads(records[0].read_text(encoding="utf-8"))
    prompts = record["settings"]["prompts"]
    assert prompts[0] == "a neon city skyline at night, synthwave, glowing grid"
    assert len(prompts) == 4 and all(p.strip() for p in prompts)
    assert record["n_frames"] == 8 and record["model"].endswith("tiny-sd")
    assert (records[0].parent / f"{record['timestring']}.mp4").is_file()
    content = page.content()
    assert SECRET not in content and "Traceback" not in content


@pytest.fixture
def slow_frames(monkeypatch):
    """While set, every frame takes a second (the app runs in this process; both renderers are
    slowed, the diffusion one with the tiny model being the app's default): a render is still
    running when the test gets to press Stop, however fast the machine."""
    import threading

    from music_visualizer.render.diffusion import DiffusionRenderer
    from music_visualizer.render.preview import PreviewRenderer

    slow = threading.Event()

    def slowed(step):
        def wrapper(self, state, row):
            if slow.is_set():
                time.sleep(1.0)
            return step(self, state, row)
        return wrapper

    for kind in (DiffusionRenderer, PreviewRenderer):
        monkeypatch.setattr(kind, "step", slowed(kind.step))
    return slow


def test_stop_then_resume_continues_where_it_stopped(page, browser, server, song_file,
                                                     slow_frames):
    _wait_idle(server)
    slow_frames.set()
    _prompts_for(page, song_file)
    _small_render(page, duration="8", fps="6")  # 48 frames
    other = browser.new_page()  # a second visitor, loaded before the render starts
    other.goto(server["url"])
    page.get_by_role("button", name="Visualize").click()
    status = page.locator("#mv-status")
    page.wait_for_function(
        "() => /Frame \\d+ \\/ 48/.test(document.querySelector('#mv-status').innerText)"
        " && +document.querySelector('#mv-status').innerText.match(/Frame (\\d+)/)[1] >= 4",
        timeout=WAIT_MS)
    # the second visitor sees that a render is running, and cannot start another
    other.locator("#mv-busy").get_by_text("A render is running").wait_for(timeout=WAIT_MS)
    other.get_by_role("button", name="Visualize").click()
    other.locator("#mv-message").get_by_text("Another render is running").wait_for()
    shot(page, "4-rendering")
    other.close()
    _offers_a_segment(page, server)
    page.get_by_role("button", name="Stop").click()
    _wait_status(page, "Stopped")
    slow_frames.clear()
    stopped_at = int(re.search(r"frame (\d+) of 48", status.inner_text()).group(1))
    assert 4 <= stopped_at < 48
    _wait_idle(server)
    records = sorted(Path(server["out"]).glob("*/*/*_settings.json"))
    newest = max(records, key=lambda p: p.name)
    ts, folder = newest.name[:14], newest.parent
    done = _frames(folder, ts)
    assert len(done) == stopped_at and not (folder / f"{ts}.mp4").exists()
    # what was rendered is kept as a video that plays: the frames so far, with the song
    text = status.inner_text()
    assert f"the first {stopped_at / 6:.1f} s of 8.0 s ({stopped_at} of 48 frames)" in text
    assert "tick Resume" in text and (folder / f"{ts}_partial.mp4").is_file()
    assert page.get_by_text("Partial video (so far)").count() >= 1
    played = _play_video(page)
    assert played["src"].endswith(f"{ts}_partial.mp4"), played
    assert played["duration"] == pytest.approx(stopped_at / 6, abs=1 / 6), played
    assert played["width"] == 64 and played["time"] > 0 and played["error"] is None, played
    shot(page, "4b-partial-video")
    before = {p.name: p.stat().st_mtime_ns for p in done}
    # the run is offered in the Timestring menu as resumable
    page.get_by_label("Timestring").click()
    option = page.get_by_role("option", name=re.compile(rf"{ts}.*resumable"))
    option.wait_for()
    option.click()
    page.get_by_label("Resume").check()
    shot(page, "5-resume")
    page.get_by_role("button", name="Visualize").click()
    _wait_status(page, "Done")
    frames = _frames(folder, ts)
    assert len(frames) == 48 and (folder / f"{ts}.mp4").is_file()
    # the frames from before the stop were kept, not rendered again
    assert {p.name: p.stat().st_mtime_ns for p in frames[:stopped_at]} == before
    assert page.locator("video").count() == 1


def _offers_a_segment(page, server) -> None:
    """While a run renders, a finished segment listed in its ``segments.json`` (written here as
    a ``keep_frames: none`` render writes it: frames 0-3) is offered in the video box; then it is
    taken away again (this run keeps its frames)."""
    import shutil
    import tempfile

    from music_visualizer.runs.video import encode_video

    newest = max(Path(server["out"]).glob("*/*/*_settings.json"), key=lambda p: p.name)
    ts, folder = newest.name[:14], newest.parent
    where = folder / f"{ts}_segments"
    where.mkdir()
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(4):
            shutil.copyfile(folder / f"{ts}_{i:05d}.png", Path(tmp) / f"{ts}_{i:05d}.png")
        encode_video(frames_dir=tmp, timestring=ts, n_frames=4, fps=6,
                     out_path=where / "seg_00000.mp4")
    (where / "segments.json").write_text(json.dumps(
        {"version": 1, "fps": 6.0, "width": 64, "height": 64,
         "segments": [{"file": "seg_00000.mp4", "first_frame": 0, "frames": 4}]}))
    page.get_by_text("Latest finished segment (seg_00000.mp4, no sound)").wait_for(
        timeout=WAIT_MS)
    played = _play_video(page)
    assert played["src"].endswith("seg_00000.mp4"), played
    assert played["duration"] == pytest.approx(4 / 6, abs=1 / 6), played
    assert "Stopped" not in page.locator("#mv-status").inner_text()  # still rendering
    shutil.rmtree(where)


def _play_video(page) -> dict:
    """Play the page's video (muted, as a browser allows without a click) until its time moves
    or it ends; its source, duration, width, the time reached and any media error."""
    return page.evaluate("""() => new Promise(done => {
        const v = document.querySelector('video');
        const report = () => done({src: v.currentSrc, duration: v.duration,
                                   width: v.videoWidth, time: v.currentTime,
                                   error: v.error && v.error.code});
        const play = () => {
            v.muted = true;
            v.addEventListener('timeupdate', () => { if (v.currentTime > 0) report(); });
            v.addEventListener('ended', report);
            v.play().catch(e => done({src: v.currentSrc, error: String(e)}));
        };
        if (v.readyState >= 1) play(); else v.addEventListener('loadedmetadata', play);
        setTimeout(report, 120000);
    })""")


def test_resume_with_an_unknown_timestring_is_a_message(page, server, song_file):
    _wait_idle(server)
    _upload(page, song_file)
    page.get_by_label("Resume").check()
    page.get_by_label("Timestring").fill("2026")
    page.get_by_label("Timestring").press("Enter")
    page.get_by_role("button", name="Visualize").click()
    page.locator("#mv-message").get_by_text("14 digits").wait_for()


def test_a_bad_schedule_names_the_field(page, server, song_file):
    _wait_idle(server)
    _upload(page, song_file)
    page.get_by_text("Advanced").click()
    zoom = page.get_by_label("zoom", exact=True)
    zoom.fill("0:(1 + tt)")
    page.get_by_role("button", name="Visualize").click()
    message = page.locator("#mv-message")
    message.get_by_text("zoom").wait_for()
    assert "tt" in message.inner_text()
    shot(page, "error-schedule")


def _choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the dropdown labelled ``label``."""
    page.get_by_label(label, exact=True).click()
    page.get_by_role("option", name=option, exact=True).click()


def test_cadence_perlin_noise_and_prompt_blend_from_the_form(page, server, song_file):
    # Issue 6's fields in the Advanced section reach the run: recorded in its settings file,
    # in its plan, and every frame (also those after the last diffused one) is in the video.
    from music_visualizer.runs.video import probe_video

    _wait_idle(server)
    _prompts_for(page, song_file)
    _small_render(page, duration="3.5", fps="4")  # 14 frames: diffused 0, 3, 6, 9, 12
    page.get_by_text("Advanced").click()
    page.get_by_label("preview").check()
    cadence = page.get_by_label("Cadence")
    cadence.fill("3")
    cadence.press("Tab")
    _choose(page, "Noise type", "perlin")
    _choose(page, "Beat tracker", "builtin")
    blend = page.get_by_label("Prompt blend (s)")
    blend.fill("0.5")
    blend.press("Tab")
    before = set(Path(server["out"]).glob("*/*/*_settings.json"))
    page.get_by_role("button", name="Visualize").click()
    _wait_status(page, "Done")
    assert page.locator("#mv-message").inner_text().strip() == ""
    _wait_idle(server)
    (record_path,) = set(Path(server["out"]).glob("*/*/*_settings.json")) - before
    record = json.loads(record_path.read_text(encoding="utf-8"))
    settings = record["settings"]
    assert settings["diffusion_cadence"] == 3 and settings["noise_type"] == "perlin"
    assert settings["prompt_blend"] == 0.5 and settings["renderer"] == "preview"
    assert settings["beat_tracker"] == "builtin" == record["analysis"]["beat_tracker"]
    assert record["n_frames"] == 14
    columns = record["plan"]["columns"]
    assert [i for i, d in enumerate(columns["diffuse"]) if d] == [0, 3, 6, 9, 12]
    # four prompts over 14 frames; each change fades in over 0.5 s = 2 frames
    index = record["plan"]["prompt_index"]
    changes = [i for i in range(1, 14) if index[i] != index[i - 1]]
    assert changes and all(0 < columns["blend"][i] < 1 for i in changes)
    folder, ts = record_path.parent, record["timestring"]
    frames = _frames(folder, ts)
    assert [p.name for p in frames] == [f"{ts}_{i:05d}.png" for i in range(14)]
    assert not list(folder.glob(f"{ts}_cadence_*.png"))  # removed once the run is complete
    info = probe_video(folder / f"{ts}.mp4")
    assert info.n_frames == 14 and info.width == 64


# -- the app as a user starts it: `python -m music_visualizer ui`, default cache folder ---------

USER_TRACK = "7xGfFoTpQ2E7fRF5lN10tr"
USER_LINK = f"https://open.spotify.com/track/{USER_TRACK}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_served(url: str, process: subprocess.Popen | None = None, *,
                      timeout: float = 300) -> None:
    """Poll ``url`` until it answers 200 (the server is up); fail if ``process`` exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            pytest.fail(f"the app exited with code {process.returncode} before serving")
        try:
            with urllib.request.urlopen(url, timeout=20) as response:
                if response.status == 200:
                    return
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.5)
    pytest.fail(f"the app did not answer at {url} within {timeout:.0f} s")


def make_tagged_mp3(folder: Path, *, seconds: float = 8.0) -> Path:
    """An mp3 (encoded by the imageio-ffmpeg binary) with ID3 title, artist, album and an
    embedded JPEG front cover, as a ripped or bought song has."""
    import imageio_ffmpeg
    from mutagen.id3 import APIC, ID3, TALB, TIT2, TPE1
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    wav = folder / "source.wav"
    sf.write(wav, click_song(seconds, bpm=128), 22050)
    mp3 = folder / "Neon Skyline (tagged).mp3"
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-v", "error", "-y", "-i",
                    str(wav), "-codec:a", "libmp3lame", "-b:a", "128k", str(mp3)],
                   check=True, timeout=300)
    cover = io.BytesIO()
    Image.new("RGB", (200, 200), (30, 160, 220)).save(cover, format="JPEG")
    tags = ID3(mp3)
    tags.add(TIT2(encoding=3, text="Neon Skyline"))
    tags.add(TPE1(encoding=3, text="Night Drive"))
    tags.add(TALB(encoding=3, text="Afterglow"))
    tags.add(APIC(encoding=3, mime="image/jpeg", type=3, desc="Front", data=cover.getvalue()))
    tags.save(mp3)
    return mp3


@pytest.fixture(scope="module")
def user_app(env, tmp_path_factory):
    """``python -m music_visualizer ui`` in its own process, as a user starts it: HOME in a
    fresh folder, no MUSIC_VISUALIZER_CACHE (the cache is ~/.cache/music_visualizer), the
    system temp folder and the working folder elsewhere."""
    root = tmp_path_factory.mktemp("user")
    home, temp, work = root / "home", root / "tmp", root / "work"
    for folder in (home, temp, work):
        folder.mkdir()
    environ = {k: v for k, v in os.environ.items()
               if k != "MUSIC_VISUALIZER_CACHE" and not k.startswith("GRADIO_")}
    environ.update(HOME=str(home), TMPDIR=str(temp), PYTHONPATH=str(ROOT), HF_HUB_OFFLINE="1")
    port = _free_port()
    log_path = root / "ui.log"
    with open(log_path, "w", encoding="utf-8") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "music_visualizer", "ui", "--port", str(port)],
            cwd=work, env=environ, stdout=log_file, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until_served(url, process)
        yield {"url": url, "home": home, "work": work, "log": log_path}
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(30)


def _center_color(page, selector: str) -> tuple[int, int, int]:
    """The colour of the centre pixel of the image ``selector`` as the browser decoded it."""
    return tuple(page.evaluate(f"""() => {{
        const img = document.querySelector('{selector}');
        const canvas = document.createElement('canvas');
        canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
        const ctx = canvas.getContext('2d');
        ctx.drawImage(img, 0, 0);
        const d = ctx.getImageData(img.naturalWidth >> 1, img.naturalHeight >> 1, 1, 1).data;
        return [d[0], d[1], d[2]];
    }}"""))


def test_a_user_started_app_shows_card_cover_prompts_and_plot(browser, user_app, env,
                                                               tmp_path):
    stub = env
    stub.add_track(USER_TRACK, "Neon Skyline", [("A" * 22, "Night Drive")], album="Afterglow",
                   release_date="2024-05-01", duration_ms=8_000, image_sizes=(640, 300))
    mp3 = make_tagged_mp3(tmp_path)
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(300_000)
    try:
        page.goto(user_app["url"])
        page.get_by_role("button", name="Produce Prompts").wait_for()
        page.get_by_label("Spotify URL").fill(USER_LINK)
        _upload(page, mp3)
        page.get_by_role("button", name="Produce Prompts").click()
        # the five prompts, or (the bug this test is for) Gradio's red "Error" boxes
        page.wait_for_function(
            "() => [...document.querySelectorAll('textarea')].filter(t => t.value.length > 20)"
            ".length >= 5 || document.body.innerText.includes('Error')", timeout=WAIT_MS)
        assert page.get_by_text("Error", exact=True).count() == 0
        assert "Error" not in page.locator("body").inner_text()
        assert page.locator("#mv-message").inner_text().strip() == ""
        # the track card, the cover and the analysis plot are on the page
        card = page.locator("#mv-card").inner_text()
        assert "Neon Skyline" in card and "Night Drive" in card
        assert "BPM" in card and "Sections" in card
        for image in ("#mv-cover img", "#mv-plot img"):
            page.locator(image).scroll_into_view_if_needed()  # loaded lazily: when seen
            page.wait_for_function(
                f"() => {{ const i = document.querySelector('{image}');"
                " return i && i.complete && i.naturalWidth > 0; }")
        assert _center_color(page, "#mv-cover img") == pytest.approx((200, 40, 90), abs=12)
        # without the link: the cover embedded in the mp3 (also cached in ~/.cache)
        page.get_by_label("Spotify URL").fill("")
        page.get_by_role("button", name="Produce Prompts").click()
        page.wait_for_function(
            "() => { const i = document.querySelector('#mv-cover img');"
            " return i && i.complete && i.naturalWidth === 200 || "
            "document.body.innerText.includes('Error'); }", timeout=WAIT_MS)
        assert "Error" not in page.locator("body").inner_text()
        assert _center_color(page, "#mv-cover img") == pytest.approx((30, 160, 220), abs=12)
        assert "Neon Skyline" in page.locator("#mv-card").inner_text()
        # both covers came through the default cache folder in the (temporary) home folder
        covers = user_app["home"] / ".cache" / "music_visualizer" / "covers"
        assert sorted(p.suffix for p in covers.iterdir()) == [".jpg", ".png"]
        log = user_app["log"].read_text(encoding="utf-8", errors="replace")
        assert "InvalidPathError" not in log and "Traceback" not in log
    finally:
        context.close()


def test_messages_show_user_text_verbatim_and_uploads_by_name(page, server, tmp_path):
    _wait_idle(server)
    message = page.locator("#mv-message")
    # HTML and Markdown in a pasted "link" are shown as typed, never rendered
    page.get_by_label("Spotify URL").fill('<img src="x" id="from-user"> __t__ **b**')
    page.get_by_role("button", name="Produce Prompts").click()
    message.get_by_text("is not a Spotify track link").wait_for(timeout=WAIT_MS)
    assert '<img src="x" id="from-user"> __t__ **b**' in message.inner_text()
    assert page.locator("#from-user, img[src='x']").count() == 0  # also not in the toast
    # a broken upload is named by its file name, not the server's upload path
    broken = tmp_path / "broken song.mp3"
    broken.write_bytes(os.urandom(4000))
    page.get_by_label("Spotify URL").fill("")
    page.locator("input[type=file]").first.set_input_files(str(broken))
    message.get_by_text("broken song.mp3").wait_for(timeout=WAIT_MS)
    text = message.inner_text()
    assert "gradio" not in text and str(tmp_path) not in text and "/tmp" not in text
    # a schedule error shows the expression as typed: 10**10**10, not 101010 in bold
    page.get_by_role("button", name="Clear").first.click()
    _upload(page, Path(server["song"]))
    page.get_by_text("Advanced").click()
    page.get_by_label("zoom", exact=True).fill("0:(10**10**10)")
    page.get_by_role("button", name="Visualize").click()
    message.get_by_text("overflow").wait_for(timeout=WAIT_MS)
    assert "'10**10**10'" in message.inner_text()
    assert message.locator("strong, em").count() == 0
