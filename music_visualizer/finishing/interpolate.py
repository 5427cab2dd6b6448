"""Frame interpolation engines: ``factor`` frames out for every frame in, streamed.

- :data:`ENGINES`          the engines: ``rife``, ``minterpolate``, ``blend``
- :func:`times_between`    the in-between times for a factor (1/N .. (N-1)/N)
- :func:`interpolated`     frames ``f0 .. fk`` -> ``k * factor`` frames, in batches (tensors)

The contract (all engines): given the ``k`` frames of a video and the frame after them (the next
segment's first frame, or the last frame again at the end of the video), yield ``k * factor``
frames: each input frame followed by ``factor - 1`` frames between it and the next. So a video
of ``n`` frames at ``fps`` becomes ``n * factor`` frames at ``fps * factor``: the same duration
(the song stays in sync) and the last frame held for its ``factor`` slots; pieces (segments)
interpolated with their next frame join into exactly the whole video's frames.

Engines:

- ``rife``: the Practical-RIFE 4.x network (:mod:`~music_visualizer.finishing.rife`), in
  batches on the GPU when there is one; needs the user's weights.
- ``minterpolate``: ffmpeg's motion-compensated interpolation (no weights; CPU, one process
  fed and read through pipes).
- ``blend``: a cross-fade of the two frames (cheapest; no motion, just a dissolve).
"""

from __future__ import annotations

import contextlib
import itertools
import subprocess
import threading
from collections.abc import Iterable, Iterator

import imageio_ffmpeg
import numpy as np
import torch

from .. import child_process
from ..errors import VideoError

__all__ = ["ENGINES", "interpolated", "times_between"]

#: The interpolation engines (the ``interpolation_engine`` setting's choices).
ENGINES = ("rife", "minterpolate", "blend")


def times_between(factor: int) -> list[float]:
    """The in-between times for ``factor``: ``[1/factor, ..., (factor-1)/factor]``."""
    return [i / factor for i in range(1, factor)]


def to_tensor(frames: list[np.ndarray], device: torch.device | str) -> torch.Tensor:
    """``(H, W, 3)`` uint8 frames -> a ``(B, 3, H, W)`` float batch in [0, 1] on ``device``."""
    batch = torch.from_numpy(np.stack(frames)).to(device)
    return batch.permute(0, 3, 1, 2).float().div_(255.0)


def interpolated(frames: Iterable[np.ndarray], *, factor: int, engine: str,
                 net: torch.nn.Module | None = None, device: torch.device | str = "cpu",
                 batch: int = 4) -> Iterator[torch.Tensor]:
    """The frames of the contract above (see the module's docstring) in ``(B, 3, H, W)``
    float batches on ``device``, in order. ``frames``: ``(H, W, 3)`` uint8 arrays, read lazily
    (memory holds one batch). ``net``: the RIFE network (engine ``rife``)."""
    if engine == "minterpolate" and factor > 1:
        yield from _batched(_minterpolate(frames, factor), device, batch * factor)
        return
    pending: list[tuple[np.ndarray, np.ndarray]] = []
    prev = None
    for frame in frames:
        if prev is not None:
            pending.append((prev, frame))
            if len(pending) == batch:
                yield _pairs(pending, factor, engine, net, device)
                pending = []
        prev = frame
    if pending:
        yield _pairs(pending, factor, engine, net, device)


def _pairs(pairs: list[tuple[np.ndarray, np.ndarray]], factor: int, engine: str,
           net: torch.nn.Module | None, device: torch.device | str) -> torch.Tensor:
    """Each pair's first frame and its ``factor - 1`` in-betweens, in order, as one batch."""
    a = to_tensor([p[0] for p in pairs], device)
    if factor == 1:
        return a
    b = to_tensor([p[1] for p in pairs], device)
    times = times_between(factor)
    if engine == "rife":
        from .rife import rife_between

        mids = rife_between(net, a, b, times)
    else:
        mids = [a * (1 - t) + b * t for t in times]
    # (factor, B, 3, H, W) -> (B, factor, ...) -> (B * factor, ...)
    return torch.stack([a, *mids], 1).flatten(0, 1)


def _batched(frames: Iterator[np.ndarray], device: torch.device | str,
             size: int) -> Iterator[torch.Tensor]:
    group: list[np.ndarray] = []
    for frame in frames:
        group.append(frame)
        if len(group) == size:
            yield to_tensor(group, device)
            group = []
    if group:
        yield to_tensor(group, device)


def _minterpolate(frames: Iterable[np.ndarray], factor: int) -> Iterator[np.ndarray]:
    """ffmpeg's ``minterpolate`` over ``frames`` (k + 1 of them) -> k * factor frames.

    The frames go in at 1 fps and come out at ``factor`` fps. minterpolate stops one input
    early (at the second to last frame's time), so the last frame is fed twice and the output
    cut at ``k * factor``. A thread feeds ffmpeg's stdin while this reads its stdout, one
    frame at a time. Scene-change detection is off (it would repeat frames instead)."""
    it = iter(frames)
    first = next(it, None)
    if first is None:
        return
    h, w = first.shape[:2]
    vf = (f"format=yuv444p,minterpolate=fps={factor}:mi_mode=mci:mc_mode=aobmc:"
          "me_mode=bidir:vsbmc=1:scd=none,format=rgb24")
    cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", "-nostats",
           "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{w}x{h}",
           "-framerate", "1", "-i", "-", "-vf", vf, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"]
    proc = child_process.popen_fed(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    count: list[int] = []  # the number of real frames fed, once all are
    feeder = threading.Thread(target=_feed, args=(proc, first, it, count), daemon=True)
    feeder.start()
    size, made = w * h * 3, 0
    try:
        while len(data := proc.stdout.read(size)) == size:
            if count and made >= (count[0] - 1) * factor:
                continue  # past the end: drained, not yielded
            made += 1
            yield np.frombuffer(data, np.uint8).reshape(h, w, 3)
    finally:
        proc.stdout.close()
        err = proc.stderr.read()
        proc.stderr.close()
        code = proc.wait()
        feeder.join()
    if code != 0:
        raise VideoError(f"ffmpeg's minterpolate failed (exit code {code}): "
                         f"{err.decode('utf-8', 'replace').strip()[-300:]}; try the "
                         "interpolation engine 'blend'.")


def _feed(proc: subprocess.Popen, first: np.ndarray, rest: Iterator[np.ndarray],
          count: list[int]) -> None:
    """Write the frames, then the last one again, to ffmpeg's stdin; ``count`` gets the
    number of frames (without the repeat) once they are all written; close stdin."""
    n, last = 0, first
    try:
        for frame in itertools.chain([first], rest):
            proc.stdin.write(np.ascontiguousarray(frame).tobytes())
            n, last = n + 1, frame
        count.append(n)
        proc.stdin.write(np.ascontiguousarray(last).tobytes())
    except (BrokenPipeError, OSError):
        pass
    finally:
        with contextlib.suppress(OSError):
            proc.stdin.close()
