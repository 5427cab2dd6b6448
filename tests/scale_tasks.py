"""Task functions for tests of the Ray layer, importable on Ray workers."""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any


def render_song_killed_once(args: dict[str, Any], ctx: Any) -> Any:
    """:func:`~music_visualizer.scale.batch.render_song`, except that the worker process
    SIGKILLs itself after frame N of the first song it renders when ``<output>/kill_at``
    holds N (the file is renamed first, so it happens once)."""
    from music_visualizer.scale.batch import render_song

    order = Path(args["request"].output_dir) / "kill_at"
    report = ctx.progress

    def progress(done: int, total: int, **kw: Any) -> None:
        report(done, total, **kw)
        try:  # both songs may reach frame N at once: the one that renames the file is killed
            if done < int(order.read_text()):
                return
            os.replace(order, order.with_name(f"killed_{os.getpid()}"))
        except FileNotFoundError:
            return
        os.kill(os.getpid(), signal.SIGKILL)

    ctx.progress = progress
    return render_song(args, ctx)


def load_model(args: dict[str, Any], ctx: Any) -> tuple[int, int]:
    """Ask the worker's model cache for ``args["model"]`` (the loader replaced by a stand-in
    in this worker process); (this worker's pid, how many loads its cache has done)."""
    from music_visualizer.render import models

    models.load_pipelines = lambda model, **kw: ("pipes of", model)
    ctx.models(args["model"], scheduler="default", device="cpu")
    return os.getpid(), ctx.models.loads
