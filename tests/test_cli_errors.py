"""Every user mistake: exit code 2, one clear line on stderr, no traceback, nothing written."""

from __future__ import annotations

import json

import pytest

from music_visualizer.ui.cli import main
from tests.conftest import run_cli


@pytest.fixture
def bad_files(tmp_path):
    text = tmp_path / "notes.mp3"
    text.write_text("this is not a song\n" * 50)
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    settings = tmp_path / "broken.yaml"
    settings.write_text("fps: 12\nzoom: [1,\n")
    unknown_key = tmp_path / "typo.yaml"
    unknown_key.write_text("fsp: 12\n")
    return {"text": text, "empty": empty, "settings": settings, "unknown_key": unknown_key}


CASES = {
    "missing audio": (["--audio", "{missing}"], "does not exist"),
    "not audio": (["--audio", "{text}"], "notes.mp3"),
    "empty audio": (["--audio", "{empty}"], "empty.wav"),
    "past the end": (["--duration", "30"], "goes past the end of the song"),
    "start past end": (["--start", "60"], "past the end of the song"),
    "fps zero": (["--fps", "0"], "fps: 0 must be greater than 0"),
    "fps negative": (["--fps", "-5"], "fps: -5 must be greater than 0"),
    "width": (["--width", "500"], "width: 500 must be a positive multiple of 8"),
    "height": (["--height", "0"], "height: 0 must be a positive multiple of 8"),
    "model path": (["--renderer", "diffusion", "--model", "./no/such/model"], "./no/such/model"),
    "model file": (["--renderer", "diffusion", "--model", "missing.safetensors"],
                   "missing.safetensors"),
    "malformed settings": (["--settings", "{settings}"], "malformed at line"),
    "unknown setting": (["--settings", "{unknown_key}"], "unknown setting 'fsp'"),
    "missing settings": (["--settings", "{missing}.yaml"], "does not exist"),
    "bad schedule": (["--zoom", "0:(1+tt)"], "zoom: frame 0: unknown name 'tt'"),
    "hostile schedule": (["--angle", "0:(__import__('os').system('touch pwned'))"], "angle"),
    "strength out of range": (["--strength-schedule", "0:(1.5)"], "strength_schedule"),
    "init image": (["--init-image", "{missing}.png"], "init_image"),
    "init image not an image": (["--init-image", "{settings}"], "is not an image"),
    "device": (["--device", "cuda:7"], "CUDA is not available"),
    "device name": (["--device", "gpu0"], "Unknown device"),
    "unknown timestring": (["--resume", "20200101000000"], "No run 20200101000000"),
    "malformed timestring": (["--resume", "yesterday"], "14 digits"),
    "interpolate 5": (["--interpolate", "5"], "interpolate: 5 must be between 1 and 4"),
    "upscale 3": (["--upscale", "3"], "upscale: 3 is not one of 1 (off), 2 or 4"),
    "rife without model": (["--interpolate", "2", "--interpolation-engine", "rife"],
                           "needs its model"),
    "missing rife model": (["--interpolate", "2", "--interpolation-model", "{missing}.pkl"],
                           "nope.wav.pkl' (interpolation_model) does not exist"),
    "not a rife model": (["--interpolate", "2", "--interpolation-model", "{settings}"],
                         "is not a Practical-RIFE 4.x model"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_user_mistakes_exit_2_with_one_clear_line(case, song, bad_files, tmp_path, capsys,
                                                   monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.chdir(tmp_path)
    args, expected = CASES[case]
    names = {k: str(v) for k, v in bad_files.items()} | {"missing": str(tmp_path / "nope.wav")}
    args = [a.format(**names) for a in args]
    if "--audio" not in args:
        args = ["--audio", str(song), *args]
    if "--renderer" not in args:
        args += ["--renderer", "preview"]
    out_dir = tmp_path / "out"
    code = main(["render", *args, "--output-dir", str(out_dir), "--width", "64"]
                if "--width" not in args else ["render", *args, "--output-dir", str(out_dir)])
    err = capsys.readouterr().err
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert expected in lines[0]
    assert "Traceback" not in err
    assert not out_dir.exists() or not list(out_dir.rglob("*.json")), "a mistake wrote a run"
    assert not (tmp_path / "pwned").exists()


def test_exit_code_2_from_a_real_process(tmp_path):
    result = run_cli("render", "--audio", tmp_path / "nothing.mp3", "--output-dir", tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"error: Audio file '{tmp_path / 'nothing.mp3'}' does not exist; "
        "check the path given as --audio.")


def test_unknown_timestring_lists_resumable_runs(song, tmp_path, capsys):
    code = main(["render", "--audio", str(song), "--renderer", "preview", "--width", "64",
                 "--height", "64", "--fps", "2", "--duration", "1", "--no-video",
                 "--output-dir", str(tmp_path)])
    assert code == 0
    record = next(tmp_path.rglob("*_settings.json"))
    ts = record.name[:14]
    next(record.parent.glob(f"{ts}_00001.png")).unlink()  # make it resumable
    capsys.readouterr()
    assert main(["render", "--audio", str(song), "--resume", "20200101000000",
                 "--output-dir", str(tmp_path)]) == 2
    assert f"Resumable runs of this song: {ts}." in capsys.readouterr().err
    # and resuming with a different size is refused, naming the setting
    assert main(["render", "--audio", str(song), "--resume", ts, "--width", "128",
                 "--output-dir", str(tmp_path)]) == 2
    assert "width=64" in capsys.readouterr().err
    assert json.loads(record.read_text())["width"] == 64


def test_help_is_fast_and_loads_no_heavy_library():
    result = run_cli("render", "--help")
    assert result.returncode == 0 and "--resume TIMESTRING" in result.stdout
    probe = run_cli("--version")
    assert probe.returncode == 0 and "music_visualizer" in probe.stdout
    import subprocess
    import sys

    code = ("import sys, music_visualizer.ui.cli as c; c.build_parser(); "
            "print(sorted(m for m in ('torch','diffusers','transformers','librosa') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=str(__import__("tests.conftest").conftest.ROOT))
    assert out.stdout.strip() == "[]", out.stderr


def test_run_files_are_readable_and_resume_and_video_guard_their_inputs(song, tmp_path, capsys):
    import stat

    import soundfile as sf

    from tests.conftest import click_song

    args = ["--renderer", "preview", "--width", "64", "--height", "64", "--fps", "2",
            "--duration", "2", "--output-dir", str(tmp_path)]
    assert main(["render", "--audio", str(song), *args]) == 0
    record = next(tmp_path.rglob("*_settings.json"))
    ts, folder = record.name[:14], record.parent
    for path in (record, next(folder.glob(f"{ts}_00000.png"))):
        assert stat.S_IMODE(path.stat().st_mode) & 0o044 == 0o044  # group/others can read
    other = tmp_path / "other.wav"
    sf.write(other, click_song(4.0, bpm=90), 22050)
    capsys.readouterr()
    assert main(["video", str(folder), "--timestring", ts, "--audio", str(other)]) == 2
    assert "is not the song run" in capsys.readouterr().err
    settings = tmp_path / "s.yaml"
    settings.write_text("fps: 10\n")
    assert main(["render", "--audio", str(song), "--resume", ts, "--settings", str(settings),
                 "--output-dir", str(tmp_path)]) == 2
    assert "leave out --settings" in capsys.readouterr().err
    assert main(["runs", "--audio", str(other), "--song-name", "Click Song",
                 "--output-dir", str(tmp_path)]) == 0
    assert ts not in capsys.readouterr().out  # another song's runs are not listed
    assert main(["runs", "--audio", str(song), "--output-dir", str(tmp_path)]) == 0
    assert ts in capsys.readouterr().out
