"""Scale-out with Ray: render-batch's songs, runs, faults and progress (local Ray, 2 CPUs, the
preview renderer). One Ray session for the module; the driver-kill test runs its own."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import soundfile as sf

from music_visualizer.runs.batch import list_batches
from music_visualizer.runs.job import render, request_from_inputs
from music_visualizer.runs.store import frame_path
from music_visualizer.sources.batch import expand_sources
from music_visualizer.ui.cli import main
from tests.conftest import ROOT, click_song, run_cli

# Ray tests share one pytest-xdist worker: one local Ray cluster at a time on a 2-core machine.
pytestmark = pytest.mark.xdist_group("ray")

FLAGS = ["--renderer", "preview", "--width", "64", "--height", "48", "--fps", "6",
         "--seed", "3", "--zoom", "0:(1.04)", "--angle", "0:(2)"]
OVERRIDES = {"renderer": "preview", "width": 64, "height": 48, "fps": 6.0, "seed": 3,
             "zoom": "0:(1.04)", "angle": "0:(2)"}


@pytest.fixture(scope="module")
def songs(tmp_path_factory) -> list[Path]:
    """Four short songs of different lengths (9 to 18 frames at 6 fps)."""
    folder = tmp_path_factory.mktemp("album")
    out = []
    for i in range(4):
        path = folder / f"Track {i + 1}.wav"
        sf.write(path, click_song(1.5 + 0.5 * i, seed=i, bpm=100 + 10 * i), 22050)
        out.append(path)
    return out


@pytest.fixture(scope="module")
def solo(songs, tmp_path_factory) -> list[list[bytes]]:
    """Each song rendered alone, the normal way (the frames' bytes)."""
    out = tmp_path_factory.mktemp("solo")
    frames = []
    for song in songs:
        request, _, _ = request_from_inputs(audio=song, overrides=OVERRIDES, output_dir=out,
                                            make_video=False)
        result = render(request)
        frames.append([frame_path(result.folder, result.timestring, i).read_bytes()
                       for i in range(result.n_frames)])
    return frames


@pytest.fixture(scope="module")
def ray_session():
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
             configure_logging=False)
    yield ray
    ray.shutdown()


def _frames(folder: str | Path, timestring: str) -> list[bytes]:
    paths = sorted(Path(folder).glob(f"{timestring}_[0-9][0-9][0-9][0-9][0-9].png"))
    return [p.read_bytes() for p in paths]


def _batch(songs, out, **kw):
    from music_visualizer.scale.batch import BatchRequest

    return BatchRequest(sources=tuple(map(str, songs)), output_dir=out, overrides=OVERRIDES,
                        workers=2, **kw)


# ---------------------------------------------------------------------------------------------
# Sources (no Ray)


def test_sources_from_folders_list_files_and_links(songs, tmp_path):
    listing = tmp_path / "album.txt"
    (tmp_path / "more").mkdir()
    copy = tmp_path / "more" / "B side.flac"
    sf.write(copy, click_song(1.0), 22050)
    listing.write_text("# my album\n\n"
                       f"{songs[0]}\n"
                       "more/'B side.flac'\n"
                       "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC "
                       f"--audio '{songs[1]}'\n"
                       "spotify:album:1DFixLWuPkv3KT3TnV35m3\n", encoding="utf-8")
    albums = []

    def expand(link):
        albums.append(link)
        return ["https://open.spotify.com/track/0" + "a" * 21,
                "https://open.spotify.com/track/1" + "b" * 21]

    found = expand_sources([str(songs[0].parent), str(listing)], expand_collection=expand)
    assert [s.audio for s in found[:4]] == songs  # the folder, sorted
    assert found[4].audio == songs[0] and found[4].origin == "album.txt:3"
    assert found[5].audio == copy  # relative to the list file, quoted
    assert (found[6].link, found[6].audio) == (
        "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC", songs[1])
    assert albums == ["spotify:album:1DFixLWuPkv3KT3TnV35m3"]
    assert [s.link for s in found[7:]] == expand("x")
    assert len(found) == 9


@pytest.mark.parametrize(("line", "message"), [
    ("no such song.mp3", "album.txt:2: 'no such song.mp3' is neither a file nor a Spotify "
                         "link; give an audio file, a folder, a list file or a Spotify link."),
    ("https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC x.wav",
     "album.txt:2: give one song or link per line (and optionally --audio PATH); quote paths "
     "with spaces."),
    ("https://open.spotify.com/artist/0OdUWJ0sBjDrqHygGUXeCF",
     "That is a Spotify artist link; paste a track link (https://open.spotify.com/track/...)."),
    ("'unclosed", "album.txt:2: cannot read the line (No closing quotation); quote paths with "
                  "spaces."),
])
def test_a_bad_list_line_is_one_sentence(tmp_path, line, message):
    listing = tmp_path / "album.txt"
    (tmp_path / "x.wav").write_bytes(b"")
    listing.write_text(f"# songs\n{line}\n", encoding="utf-8")
    code = main(["render-batch", str(listing), "--output-dir", str(tmp_path / "out")])
    assert code == 2
    from music_visualizer.errors import UserError

    with pytest.raises(UserError) as error:
        expand_sources([str(listing)])
    assert str(error.value) == message


def test_an_empty_folder_and_an_empty_list_are_explained(tmp_path):
    from music_visualizer.errors import UserError

    (tmp_path / "empty").mkdir()
    (tmp_path / "list.txt").write_text("# nothing yet\n")
    with pytest.raises(UserError, match="has no audio files"):
        expand_sources([str(tmp_path / "empty")])
    with pytest.raises(UserError, match="names no songs"):
        expand_sources([str(tmp_path / "list.txt")])


def test_without_ray_render_batch_says_how_to_install_it(songs, tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray -> ImportError
    code = main(["render-batch", str(songs[0]), "--workers", "2", "--output-dir",
                 str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert err == ("error: --workers needs Ray, which is not installed; install it with pip "
                   "install 'music_visualizer[ray]' (or: pip install 'ray[default]>=2.60,<3').\n")
    assert not list(tmp_path.iterdir())


def test_an_unreachable_cluster_is_one_sentence(songs, tmp_path, capsys):
    pytest.importorskip("ray")
    code = main(["render-batch", str(songs[0]), "--ray-address", "127.0.0.1:9",
                 "--output-dir", str(tmp_path)])
    assert code == 2
    assert capsys.readouterr().err == (
        "error: No Ray cluster answers at 127.0.0.1:9; check the address and that the cluster "
        "is running (ray status on its head node).\n")


def test_the_model_is_loaded_once_per_worker_for_the_same_settings(monkeypatch):
    from music_visualizer.render import models
    from music_visualizer.scale import ModelCache

    loaded = []
    monkeypatch.setattr(models, "load_pipelines", lambda model, **kw: loaded.append(model)
                        or object())
    cache = ModelCache()
    first = cache("tiny", scheduler="default", device="cpu")
    assert cache("tiny", scheduler="default", device="cpu") is first
    cache("other", scheduler="default", device="cpu")
    cache("other", scheduler="default", device="cpu")
    assert loaded == ["tiny", "other"] and cache.loads == 2


# ---------------------------------------------------------------------------------------------
# On Ray (slow: Ray starts in ~15 s, each worker compiles its kernels on its first frame)


@pytest.mark.slow
def test_four_songs_on_two_workers_are_four_runs_identical_to_each_song_alone(
        ray_session, songs, solo, tmp_path, capsys):
    from music_visualizer.scale.batch import render_batch

    out = tmp_path / "out"
    reports = []
    result = render_batch(_batch(songs, out), on_progress=reports.append)
    assert not result.failed and not result.continued
    for song, frames in zip(result.record.songs, solo, strict=True):
        assert song.state == "done" and song.done == song.total == len(frames)
        assert _frames(song.folder, song.timestring) == frames
        assert (Path(song.folder) / f"{song.timestring}.mp4").is_file()
    # every song reported its frames; two workers shared the songs
    last = reports[-1]
    assert last.done == last.total == sum(map(len, solo)) and last.finished == 4
    assert len({task.pid for task in last.tasks}) == 2
    assert all(task.fps is None or task.fps > 0 for task in last.tasks)
    # the batch record, as `runs` shows it
    (record,) = list_batches(out)
    assert record.finished and [s.timestring for s in record.songs] == [
        s.timestring for s in result.record.songs]
    assert main(["runs", "--output-dir", str(out)]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert listed[0] == f"batch {record.timestring}: 4 songs (4 done)"
    assert listed[1].startswith(f"  Track 1: {record.songs[0].timestring}  9/9 frames (complete")
    # the same command again: nothing left to do, nothing started
    again = render_batch(_batch(songs, out))
    assert again.continued and again.results == (None,) * 4


@pytest.mark.slow
def test_a_worker_killed_mid_song_is_retried_and_its_run_matches(ray_session, songs, solo,
                                                                    tmp_path):
    """SIGKILL of the worker process after frame 4 of the first song; frames come home through
    the object store (as when the workers cannot see the output folder)."""
    from music_visualizer.scale.batch import render_batch

    out = tmp_path / "out"
    out.mkdir()
    (out / "kill_at").write_text("4")
    result = render_batch(_batch(songs[2:], out, storage="object-store"),
                          task_function="tests.scale_tasks:render_song_killed_once")
    assert len(list(out.glob("killed_*"))) == 1  # it did happen, once
    assert not result.failed
    for song, frames in zip(result.record.songs, solo[2:], strict=True):
        assert _frames(song.folder, song.timestring) == frames
        saved = json.loads((Path(song.folder) / f"{song.timestring}_settings.json").read_text())
        assert Path(saved["song"]["audio"]) == Path(song.audio)  # the driver's copy
        assert (Path(song.folder) / f"{song.timestring}.mp4").is_file()
        assert not list(Path(song.folder).glob("*.lock"))


KILLED_DRIVER = """
import os, signal, sys
from music_visualizer.ui import batch
from music_visualizer.ui.cli import main

shown = batch.BatchProgress.__call__

def show_then_die(self, report):
    shown(self, report)
    if report.done >= 3:  # the driver dies while the first two songs render
        os.kill(os.getpid(), signal.SIGKILL)

batch.BatchProgress.__call__ = show_then_die
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.slow
def test_the_driver_killed_and_the_same_command_again_finishes_identically(songs, solo,
                                                                             tmp_path):
    out = tmp_path / "out"
    args = ["render-batch", *map(str, songs), "--workers", "2", "--no-video",
            "--output-dir", str(out), *FLAGS]
    script = tmp_path / "killed_driver.py"
    script.write_text(KILLED_DRIVER)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    driver = subprocess.Popen([sys.executable, str(script), *args], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    try:
        assert driver.wait(timeout=400) == -signal.SIGKILL
    finally:  # the killed driver's Ray (its processes share its group)
        time.sleep(1)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(driver.pid, signal.SIGKILL)
    (first,) = list_batches(out)
    assert not first.finished

    again = run_cli(*args, timeout=400)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith(f"Continuing batch {first.timestring}: 4 songs")
    (record,) = list_batches(out)
    assert record.finished
    assert [s.timestring for s in record.songs] == [s.timestring for s in first.songs]
    for song, frames in zip(record.songs, solo, strict=True):
        assert _frames(song.folder, song.timestring) == frames


# ---------------------------------------------------------------------------------------------
# Albums and playlists through the Spotify API (the local stub)


ALBUM, PLAYLIST = "1DFixLWuPkv3KT3TnV35m3", "37i9dQZF1DXcBWIGoYBM5M"


@pytest.fixture
def spotify(monkeypatch):
    from tests.spotify_stub import SpotifyStub

    with SpotifyStub() as stub:
        monkeypatch.setenv("MUSIC_VISUALIZER_SPOTIFY_API_URL", stub.api_url)
        monkeypatch.setenv("MUSIC_VISUALIZER_SPOTIFY_TOKEN_URL", stub.token_url)
        monkeypatch.setenv("SPOTIPY_CLIENT_ID", stub.client_id)
        monkeypatch.setenv("SPOTIPY_CLIENT_SECRET", stub.client_secret)
        yield stub


def _tid(i: int) -> str:
    return f"{i:02d}" + "x" * 20


def test_an_album_link_becomes_its_tracks_page_by_page(spotify):
    path = f"/v1/albums/{ALBUM}/tracks/"  # as spotipy asks for it
    spotify.fail(path, 200, times=1, body={
        "items": [{"id": _tid(1), "type": "track"}, {"id": _tid(2), "type": "track"}],
        "next": f"{spotify.api_url}albums/{ALBUM}/tracks?offset=2&limit=2"})
    spotify.fail(path.rstrip("/"), 200, times=1, body={"items": [{"id": _tid(3),
                                                                 "type": "track"}],
                                           "next": None})
    songs = expand_sources([f"https://open.spotify.com/intl-de/album/{ALBUM}?si=abc"])
    assert [s.link for s in songs] == [f"https://open.spotify.com/track/{_tid(i)}"
                                       for i in (1, 2, 3)]
    assert songs[0].origin.endswith("#1")


def test_a_playlist_without_podcasts_and_local_files(spotify):
    spotify.fail(f"/v1/playlists/{PLAYLIST}/items", 200, times=1, body={"items": [
        {"track": {"id": _tid(1), "type": "track"}},
        {"track": {"id": _tid(2), "type": "episode"}},
        {"track": {"id": None, "type": "track", "is_local": True}},
        {"track": None}], "next": None})
    songs = expand_sources([f"spotify:playlist:{PLAYLIST}"])
    assert [s.link for s in songs] == [f"https://open.spotify.com/track/{_tid(1)}"]


@pytest.mark.parametrize("status", [403, 404])
def test_a_playlist_spotify_keeps_closed_is_one_sentence(spotify, status):
    from music_visualizer.sources.spotify import SpotifyError

    spotify.fail(f"/v1/playlists/{PLAYLIST}/items", status)
    with pytest.raises(SpotifyError) as error:
        expand_sources([f"https://open.spotify.com/playlist/{PLAYLIST}"])
    assert str(error.value) == (
        "Spotify does not let this app read that playlist's tracks (Spotify's own playlists "
        "are closed to new apps); put its songs in a text file, one track link per line, and "
        "give that file instead.")


def test_an_album_link_without_credentials_says_what_to_do(monkeypatch):
    from music_visualizer.sources.spotify import SpotifyError

    monkeypatch.delenv("SPOTIPY_CLIENT_ID", raising=False)
    monkeypatch.delenv("SPOTIPY_CLIENT_SECRET", raising=False)
    with pytest.raises(SpotifyError, match=r"credentials are missing.*list the songs in a text"):
        expand_sources([f"spotify:album:{ALBUM}"])


def test_one_worker_per_gpu_else_a_share_of_the_cpus():
    from music_visualizer.scale import Cluster
    from music_visualizer.scale.tasks import worker_resources

    gpus = Cluster(address="ray://head:10001", cpus=64, gpus=8, started_here=True)
    assert worker_resources(gpus, None, 12) == (8, {"num_gpus": 1, "num_cpus": 1})
    assert worker_resources(gpus, 3, 12) == (3, {"num_gpus": 1, "num_cpus": 1})
    cpus = Cluster(address=None, cpus=2, gpus=0, started_here=True)

    def share(n):  # ffmpeg keeps to the share, OpenMP threads do not spin while they wait
        return {"num_cpus": n, "runtime_env": {"env_vars": {
            "MUSIC_VISUALIZER_CPUS": str(n), "OMP_WAIT_POLICY": "PASSIVE"}}}

    assert worker_resources(cpus, None, 4) == (2, share(1))
    assert worker_resources(cpus, 1, 4) == (1, share(2))
    assert worker_resources(cpus, 1, 4, cpus_per_worker=1) == (1, share(1))
    assert worker_resources(cpus, 5, 4) == (2, share(1))  # at most one per CPU
    assert worker_resources(cpus, None, 1) == (1, share(2))  # no idle workers


def test_a_worker_with_a_share_of_the_cpus_encodes_with_that_many_threads(monkeypatch, tmp_path):
    from fractions import Fraction

    from music_visualizer.runs.video import _encode_command

    def command() -> list[str]:
        return _encode_command(pattern="f_%05d.png", n_frames=4, fps=Fraction(8), size=(64, 48),
                               audio=None, audio_start=0.0, crf=18, preset="fast",
                               out=tmp_path / "v.mp4")

    def option(cmd: list[str], name: str) -> str | None:
        return cmd[cmd.index(name) + 1] if name in cmd else None

    monkeypatch.setattr("os.cpu_count", lambda: 4)
    monkeypatch.delenv("MUSIC_VISUALIZER_CPUS", raising=False)
    alone = command()  # no share: every core, the encoder's own default
    assert option(alone, "-threads") == "4"
    assert option(alone, "-threads:v") is None and option(alone, "-filter_threads") is None
    monkeypatch.setenv("MUSIC_VISUALIZER_CPUS", "1")
    shared = command()
    assert (option(shared, "-threads"), option(shared, "-threads:v"),
            option(shared, "-filter_threads")) == ("1", "1", "1")
    monkeypatch.setenv("MUSIC_VISUALIZER_CPUS", "4")  # the whole machine is no share
    assert command() == alone


def test_progress_lines_per_song_and_the_total():
    import io

    from music_visualizer.scale.tasks import ProgressReport, TaskProgress
    from music_visualizer.ui.batch import BatchProgress

    stream = io.StringIO()
    show = BatchProgress(stream=stream, every=0.0, bars=False)
    tasks = (TaskProgress(0, "Intro", done=30, total=120, state="running", pid=7,
                          first=(100.0, 10), last=110.0),
             TaskProgress(1, "Outro"))
    show(ProgressReport(tasks, 0))
    done = (TaskProgress(0, "Intro", done=120, total=120, state="done", pid=7,
                         first=(100.0, 10), last=155.0), tasks[1])
    show(ProgressReport(done, 0))
    assert stream.getvalue().splitlines() == [
        "[1/2] Intro: frame 30/120 (25%), 2 frames/s, ETA 0:45",
        "total: frame 30/120 (25%), 2 frames/s, ETA 0:45; 0 of 2 songs finished",
        "[1/2] Intro: frame 120/120 (100%), 2 frames/s, done",
        "total: frame 120/120 (100%); 1 of 2 songs finished"]
    bars = io.StringIO()
    show = BatchProgress(stream=bars, bars=True)
    show(ProgressReport(tasks, 0))
    show.close()
    assert "[1/2] Intro" in bars.getvalue() and "30/120" in bars.getvalue()


@pytest.mark.slow
def test_a_worker_loads_its_model_once_for_all_its_tasks(ray_session):
    from music_visualizer.scale import Task, run_tasks

    tasks = [Task("tests.scale_tasks:load_model", {"model": "tiny-sd"}, f"song {i}")
             for i in range(3)] + [Task("tests.scale_tasks:load_model", {"model": "other"})]
    results = run_tasks(tasks, workers=1)
    assert len({pid for pid, _ in results}) == 1
    assert [loads for _, loads in results] == [1, 1, 1, 2]


def test_a_worker_sees_the_output_folder_only_through_the_drivers_marker(tmp_path):
    from music_visualizer.scale.worker import marker_visible

    marker = tmp_path / ".marker"
    assert not marker_visible((str(marker), "token"))  # not there: another machine's folder
    marker.write_text("token")
    assert marker_visible((str(marker), "token"))
    assert not marker_visible((str(marker), "another driver's token"))
    assert marker_visible(None)  # nothing to share


def test_files_sent_home_land_under_their_folder_only(tmp_path):
    from music_visualizer.scale import ScaleError, ship_files
    from music_visualizer.scale.tasks import write_shipped
    from music_visualizer.scale.worker import ShippedFiles

    run = tmp_path / "worker" / "run"
    (run / "20261207010101_segments").mkdir(parents=True)
    (run / "20261207010101_00000.png").write_bytes(b"png")
    (run / "20261207010101_segments" / "seg_00000.mp4").write_bytes(b"mp4")
    (run / "20261207010101.lock").write_bytes(b"")
    (run / "20261207020202_00000.png").write_bytes(b"another run")
    shipped = ship_files(run, tmp_path / "home", prefix="20261207010101")
    assert sorted(name for name, _ in shipped.files) == [
        "20261207010101_00000.png", "20261207010101_segments/seg_00000.mp4"]
    write_shipped(shipped)
    assert (tmp_path / "home" / "20261207010101_segments" / "seg_00000.mp4").read_bytes() == b"mp4"
    with pytest.raises(ScaleError, match="outside"):
        write_shipped(ShippedFiles(str(tmp_path / "home"), (("../escape.png", b"x"),)))
    assert not (tmp_path / "escape.png").exists()


def test_zero_workers_is_refused(songs, tmp_path, capsys):
    assert main(["render-batch", str(songs[0]), "--workers", "0"]) == 2
    assert capsys.readouterr().err == "error: --workers 0: give at least 1 worker.\n"
