"""GAN mode's part of a run: the class and noise vectors, and the renderer.

- :func:`gan_options`       a run's settings -> :class:`~.gan_vectors.GanOptions`
- :func:`gan_run_vectors`   the vectors of a new run (from the song's chroma, volume and onsets,
                            or a previous run's with ``use_previous_vectors``); the classes used
                            are recorded in the returned settings
- :func:`load_run_vectors`  a run's saved vectors (``<timestring>_gan.npz``), for resume
- :func:`gan_renderer`      the batch renderer of a GAN run
- :class:`GanSteps`         GAN mode's steps in a run (:class:`~..base.ModeSteps`)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import RunError, SettingsError, UserError
from ...runs.store import gan_path, read_record_file, record_files
from ...settings import Settings
from ..base import ResolveContext
from ..independent import IndependentFrames
from . import GAN

__all__ = ["GanSteps", "gan_options", "gan_renderer", "gan_run_vectors", "load_run_vectors"]

def gan_options(settings: Settings) -> Any:
    """The Deep Music Visualizer options of ``settings``."""
    from .vectors import GanOptions

    classes = tuple(settings.classes) if settings.classes else None
    num_classes = min(settings.num_classes, len(classes)) if classes else settings.num_classes
    if classes and len(classes) not in (num_classes, 12):
        classes = classes[:num_classes]  # the first num_classes of those given
    return GanOptions(pitch_sensitivity=settings.pitch_sensitivity,
                      tempo_sensitivity=settings.tempo_sensitivity, depth=settings.depth,
                      classes=classes, num_classes=num_classes,
                      sort_classes_by_power=settings.sort_classes_by_power,
                      jitter=settings.jitter, truncation=settings.truncation,
                      smooth_factor=settings.smooth_factor)


def _previous_gan_runs(output_dir: Path, audio_digest: str | None) -> list[tuple[Path, str,
                                                                                 dict[str, Any]]]:
    """GAN runs under ``output_dir`` (of the song with ``audio_digest`` when given), newest
    first, as ``(folder, timestring, record)``."""
    found = []
    for path in record_files(output_dir):
        timestring = path.name[: -len("_settings.json")]
        try:
            record = read_record_file(path, timestring)
        except UserError:  # unreadable, malformed, absurdly nested: not a run to reuse
            continue
        if record.get("settings", {}).get("mode") != "gan":
            continue
        if audio_digest and record.get("song", {}).get("audio_hash") != audio_digest:
            continue
        found.append((path.parent, timestring, record))
    return sorted(found, key=lambda item: item[1], reverse=True)


def gan_run_vectors(settings: Settings, variables: Mapping[str, Any], *, n_frames: int,
                    output_dir: Path, audio_digest: str) -> tuple[Settings, Any]:
    """``(settings with the classes used, vectors)`` of a new GAN run.

    Chroma (``chroma_0..11``) drives the class vector, ``rms`` (volume) and ``onset`` the noise
    vector. ``use_previous_classes`` takes the classes of the newest GAN run in ``output_dir``;
    ``use_previous_vectors`` the vectors of the newest GAN run of this song with as many
    frames.
    """
    from .vectors import GanVectors, gan_vectors

    if settings.use_previous_vectors:
        for folder, timestring, record in _previous_gan_runs(output_dir, audio_digest):
            if int(record.get("n_frames", -1)) == n_frames and gan_path(folder,
                                                                        timestring).is_file():
                vectors = GanVectors.load(gan_path(folder, timestring))
                return replace(settings, classes=[int(c) for c in vectors.classes]), vectors
        raise SettingsError(
            "use_previous_vectors: no earlier GAN run of this song with the same start, "
            f"duration and fps ({n_frames} frames) is in '{output_dir}'; render one first, or "
            "turn the option off.")
    if settings.use_previous_classes:
        runs = _previous_gan_runs(output_dir, None)
        classes = next((r[2]["settings"].get("classes") for r in runs
                        if r[2]["settings"].get("classes")), None)
        if not classes:
            raise SettingsError(
                f"use_previous_classes: there is no earlier GAN run in '{output_dir}'; render "
                "one first, or turn the option off.")
        settings = replace(settings, classes=[int(c) for c in classes])
    chroma = np.stack([np.broadcast_to(np.asarray(variables[f"chroma_{i}"], dtype=np.float64),
                                       (n_frames,)) for i in range(12)])
    volume = np.broadcast_to(np.asarray(variables["rms"], dtype=np.float64), (n_frames,))
    onset = np.broadcast_to(np.asarray(variables["onset"], dtype=np.float64), (n_frames,))
    vectors = gan_vectors(chroma, volume, onset, options=gan_options(settings),
                          seed=settings.seed, fps=settings.fps)
    return replace(settings, classes=[int(c) for c in vectors.classes]), vectors


def load_run_vectors(folder: Path, timestring: str) -> Any:
    """A GAN run's saved vectors; a RunError when the file is gone."""
    from .vectors import GanVectors

    path = gan_path(folder, timestring)
    if not path.is_file():
        raise RunError(f"Run {timestring} has lost its GAN vectors ('{path.name}'); it cannot "
                       "be resumed the same way. Start a new run (use_previous_classes keeps "
                       "its classes).")
    try:
        return GanVectors.load(path)
    except (OSError, ValueError, KeyError) as e:
        raise RunError(f"Run {timestring}: '{path.name}' is damaged ({e}); start a new run."
                       ) from None


class _RowBatches:
    """Adapts :class:`~.render.gan.GanRenderer` (frame indices) to the frame loop (rows)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.device = inner.device
        self.batch_size = inner.batch_size
        self.options = None

    def render_batch(self, rows: Any) -> Any:
        return self.inner.render_batch([row.index for row in rows])


def gan_renderer(settings: Settings, vectors: Any, *, device: Any) -> Any:
    """The batch renderer of a GAN run (loads ``settings.gan_model``)."""
    from .renderer import GanRenderer, load_biggan

    model = load_biggan(settings.gan_model, device=device)
    inner = GanRenderer(model, vectors, width=settings.width, height=settings.height,
                        truncation=settings.truncation, scaling=settings.scaling,
                        batch_size=GAN.batch_size(settings), device=device)
    return _RowBatches(inner)


class GanSteps(IndependentFrames):
    """The steps of GAN mode: the vectors are the run's data (``<timestring>_gan.npz``)."""

    mode = GAN

    def timing(self, settings: Settings) -> Settings:
        """``frame_length`` (audio samples per frame at 22050 Hz), when given, sets the fps."""
        if settings.frame_length:
            return replace(settings, fps=round(22050 / settings.frame_length, 6))
        return settings

    def resolve(self, settings: Settings, context: ResolveContext) -> tuple[Settings, Any]:
        """The run's vectors, and the settings with the classes used (see
        :func:`gan_run_vectors`)."""
        return gan_run_vectors(settings, context.variables, n_frames=context.n_frames,
                               output_dir=context.output_dir,
                               audio_digest=context.audio_digest)

    def resume_data(self, folder: Path, timestring: str) -> Any:
        """The run's saved vectors (:func:`load_run_vectors`)."""
        return load_run_vectors(folder, timestring)

    def make_renderer(self, settings: Settings, *, device: str | None, with_init_image: bool,
                      load_pipes: Callable[..., Any] | None, data: Any = None) -> Any:
        """The batch renderer of the run's vectors ``data`` (:func:`gan_renderer`)."""
        from ...render.models import pick_device

        if data is None:
            raise RunError("GAN mode needs the run's vectors: pass the prepared run's `gan`.")
        return gan_renderer(settings, data, device=pick_device(device))
