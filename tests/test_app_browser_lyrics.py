"""The app's Lyrics box in a real browser (Debian's chromium, Playwright): Produce Prompts fills it
from an upload's synced-lyrics tag, the user edits a line, the render (tiny model, a few frames)
saves the edited lyrics with the run and its prompts follow them; a broken pasted line is one
message and no render. With ``MUSIC_VISUALIZER_SCREENSHOTS=DIR`` the user guide's Lyrics box
screenshot is saved there."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests import test_app_browser as app_browser
from tests.conftest import lyric_flac

# its module-scoped fixtures are built once: every test of this module on one xdist worker
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("app_browser_lyrics")]

# the browser, the Spotify stub's environment, the plain song and the page of the app's browser
# tests (the page opens this module's server)
browser, env, song_file = app_browser.browser, app_browser.env, app_browser.song_file
page = app_browser.page
WAIT_MS = app_browser.WAIT_MS

LRC = ("[ti:Neon Skyline]\n"
       "[00:01.00]Neon rain is falling on the city\n"
       "[00:03.00]Silver horses run across the sea\n"
       "[00:05.50]Golden lights are fading in the dark\n"
       "[00:07.50]\n")


@pytest.fixture(scope="module")
def server(env, tmp_path_factory, song_file):
    """The app with the preview renderer (no model), launched without blocking."""
    from music_visualizer.ui.app import build_app, launch

    out = tmp_path_factory.mktemp("app-out")
    settings = tmp_path_factory.mktemp("app-settings") / "preview.yaml"
    settings.write_text("renderer: preview\n", encoding="utf-8")
    app = build_app(output_dir=out, settings_file=settings, caption=False,
                    cache_dir=tmp_path_factory.mktemp("app-cache"))
    url = launch(app, output_dir=out, block=False)
    app_browser.wait_until_served(url)
    yield {"url": url, "app": app, "out": out, "song": song_file}
    app.close()


@pytest.fixture(scope="module")
def tagged_song(tmp_path_factory) -> Path:
    return lyric_flac(tmp_path_factory.mktemp("lyric-upload") / "Neon Skyline.flac", LRC, 8.0)


def _shot_element(page, selector: str, name: str) -> None:
    """Save one part of the page for the docs when asked to."""
    folder = os.environ.get("MUSIC_VISUALIZER_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.locator(selector).screenshot(path=str(Path(folder) / f"{name}.png"))


def _records(out: Path) -> set[Path]:
    return set(Path(out).glob("*/*/*_settings.json"))


def test_produce_fills_the_lyrics_box_and_the_edited_lyrics_reach_the_run(page, server,
                                                                          tagged_song):
    app_browser._wait_idle(server)
    before = _records(server["out"])
    app_browser._upload(page, tagged_song)
    page.get_by_role("checkbox", name="Prompts from the lyrics").check()
    page.get_by_role("button", name="Produce Prompts").click()
    lyrics = page.locator("#mv-lyrics textarea")
    page.wait_for_function("() => document.querySelector('#mv-lyrics textarea').value"
                           ".includes('Neon rain')", timeout=WAIT_MS)
    status = page.locator("#mv-lyrics-status").inner_text()
    assert "3 lines from the SYNCEDLYRICS Vorbis comment" in status
    keyframes = page.locator("#mv-lyric-prompts textarea").input_value()
    assert "[00:01.00] neon rain falling city, " in keyframes
    lyrics.fill(lyrics.input_value().replace("Silver horses run", "Purple elephants dance"))
    _shot_element(page, "#mv-lyrics-section", "app-lyrics")
    app_browser._small_render(page, duration="4", fps="2")  # 8 frames; the edited line from frame 6
    page.get_by_role("button", name="Visualize").click()
    app_browser._wait_status(page, "Done")
    assert page.locator("#mv-message").inner_text().strip() == ""
    (record_path,) = _records(server["out"]) - before
    record = json.loads(record_path.read_text(encoding="utf-8"))
    saved = (record_path.parent / f"{record['timestring']}_lyrics.lrc").read_text("utf-8")
    assert "[00:03.00]Purple elephants dance across the sea" in saved
    prompts = record["settings"]["prompts"]
    assert prompts["6"].startswith("purple elephants dance sea, ")
    assert prompts["2"].startswith("neon rain falling city, ")
    assert "Traceback" not in page.content()


def test_a_broken_pasted_line_is_a_message_and_no_render(page, server, song_file):
    app_browser._wait_idle(server)
    before = _records(server["out"])
    app_browser._upload(page, song_file)
    page.locator("#mv-lyrics textarea").fill("[00:01.00] the first line\n[00:7x.00] the next")
    page.get_by_role("button", name="Visualize").click()
    message = page.locator("#mv-message")
    message.get_by_text("Lyrics box, line 2").wait_for()
    assert "is not a time" in message.inner_text() and "[mm:ss.xx]" in message.inner_text()
    assert server["app"].music_visualizer_board.running() is None
    assert _records(server["out"]) == before
    status = page.locator("#mv-status").inner_text()
    assert not any(word in status for word in ("Frame", "Starting", "Done")), status
    assert "Traceback" not in page.content()
