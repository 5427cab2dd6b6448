"""One song on 1 and on 2 Ray workers (``render --parallel sections``): wall time and speed-up.

    python benchmarks/sections_speedup.py [--quick] [--seconds 16]

The same run (a song with four sections, prompts changing at each) is rendered in parts twice
in one benchmark run, through :func:`~music_visualizer.scale.sections.ray_executor` with 1 and
with 2 workers on a local Ray of 2 CPUs (Ray started once, before both; each render includes
starting its workers and loading the model in each; the song's analysis is cached before).
That is what a user chooses between: ``--workers 1`` (one worker given both CPUs) or
``--workers 2`` (each given one and keeping to it).
``sections_speedup_2_workers`` = wall time with 1 worker / with 2. By default the tiny
random-weight SD model at 128x128, 2 steps (tests/tiny_models.py), 16 s of the song at 8 fps
(128 frames): each worker's start (importing torch and diffusers, loading the model: several
seconds, paid by both workers at once) is a fixed cost, so a much shorter song would measure
the start rather than the frames; a real song's minutes make it smaller still. ``--quick`` the
preview renderer at 64x64 and 3 s (it only shows that the benchmark works: Ray's start-up
dominates). The frames of both renders are checked to be the same bytes; the machine's load
average is recorded before and after (on a shared machine the figure means little), and the
CPU seconds the workers used and the cores they kept busy (as in batch_speedup.py).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: Seconds of the song rendered (at 8 fps) by default.
SECONDS = 16.0
#: The CPUs of the local Ray it starts (unless one is running already).
CPUS = 2
for _path in (str(HERE), str(HERE.parent)):
    if _path not in sys.path:
        sys.path.insert(0, _path)


def _settings(quick: bool, work: Path, seconds: float):
    from music_visualizer.settings import Settings

    fps = 8.0
    n = round(seconds * fps)
    prompts = {str(k * n // 4): text for k, text in enumerate(
        ("a red sun over hills", "a blue sea at night", "a green forest", "a golden city"))}
    motion = dict(zoom="0:(1.02)", angle="0:(0.5)", fps=fps, seed=1, duration=seconds,
                  prompts=prompts)
    if quick:
        return Settings(renderer="preview", width=64, height=64, **motion)
    from tests.tiny_models import make_tiny_sd

    model = make_tiny_sd(work / "tiny-sd-sections")
    return Settings(renderer="diffusion", model=str(model), steps=2, width=128, height=128,
                    **motion)


def measure(*, quick: bool, work: Path, song: Path, seconds: float | None = None) -> dict:
    """``{"sections_speedup_2_workers", "details"}`` (see the module docstring); ``song`` at
    least ``seconds`` long."""
    import os

    import ray
    from batch_speedup import WorkerCpu

    from music_visualizer.audio.analysis import analyze_file
    from music_visualizer.runs.job import RenderRequest
    from music_visualizer.runs.parts import load_parts, render_sections
    from music_visualizer.scale.sections import ray_executor

    seconds = seconds or (3.0 if quick else SECONDS)
    load_before = [round(x, 2) for x in os.getloadavg()]
    settings = _settings(quick, work, seconds)
    analyze_file(song, cache_dir=work / "cache")  # both renders read the cached analysis
    walls, runs, used = {}, {}, {}
    started = not ray.is_initialized()
    if started:
        ray.init(num_cpus=CPUS, include_dashboard=False, log_to_driver=False,
                 configure_logging=False)
    try:
        for workers in (1, 2):
            request = RenderRequest(audio=song, settings=settings, make_video=False,
                                    output_dir=work / f"sections_{workers}",
                                    cache_dir=work / "cache", device="cpu")
            cpu = WorkerCpu()
            start = time.perf_counter()
            runs[workers] = render_sections(request, execute=ray_executor(workers=workers,
                                                                          on_progress=cpu))
            walls[workers] = time.perf_counter() - start
            used[workers] = cpu.total
    finally:
        if started:
            ray.shutdown()
    files = [sorted(runs[w].folder.glob(f"{runs[w].timestring}_[0-9]*.png")) for w in (1, 2)]
    same = [a.read_bytes() for a in files[0]] == [b.read_bytes() for b in files[1]]
    if not same or not files[0]:
        raise RuntimeError("1 and 2 workers made different frames")
    parts = load_parts(runs[1].folder, runs[1].timestring)
    return {"sections_speedup_2_workers": walls[1] / walls[2],
            "details": {"wall_s_1_worker": walls[1], "wall_s_2_workers": walls[2],
                        "frames": runs[1].n_frames, "parts": len(parts.parts),
                        "renderer": settings.renderer, "size": settings.width,
                        "same_frames": same, "worker_cpu_s_1_worker": used[1],
                        "worker_cpu_s_2_workers": used[2],
                        "cores_busy_1_worker": used[1] / walls[1],
                        "cores_busy_2_workers": used[2] / walls[2],
                        "load_avg_before": load_before,
                        "load_avg_after": [round(x, 2) for x in os.getloadavg()]}}


if __name__ == "__main__":
    import tempfile

    from memory import write_song

    quick = "--quick" in sys.argv
    length = float(sys.argv[sys.argv.index("--seconds") + 1]) if "--seconds" in sys.argv else None
    with tempfile.TemporaryDirectory(prefix="mv-sections-") as tmp:
        song = write_song(Path(tmp) / "song.wav", (length or SECONDS) + 6.0)
        print(measure(quick=quick, work=Path(tmp), song=song, seconds=length))
