"""The frame loop and what every renderer shares.

- :class:`RenderState`     what carries from one frame to the next (and is restored on resume)
- :class:`Renderer`        the small interface: ``step(state, row) -> new state``
- :class:`BatchRenderer`   the interface of independent frames: ``render_batch(rows)``
- :class:`MotionOptions`   the motion choices (2D/3D, border, colour, noise, cadence) of a run
- :func:`warp_frame`       move an image by a row's camera (2D, 2D with perspective flip, or 3D)
- :func:`prepare_previous` warp -> colour match -> unsharp mask -> contrast -> noise (Deforum)
- :func:`finish_frame`     round the new frame to 8 bits, set the colour reference, new state
- :func:`restore_state`    the state after frame ``n - 1``, read back from a run's PNGs
- :func:`state_files`      the PNGs :func:`restore_state` reads
- :func:`render_frames`    run a renderer over a plan, handing frames to a writer
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import torch

from ..modes import mode_for
from ..modes.plan import FrameParams, Plan
from ..runs.store import FrameWriter, cadence_path, depth_path, frame_path
from .image_ops import (
    ColorReference,
    affine_matrix_2d,
    contrast_and_noise,
    quantize,
    to_tensor,
    warp_2d,
)

__all__ = [
    "BatchRenderer",
    "MotionOptions",
    "RenderState",
    "Renderer",
    "finish_frame",
    "make_color_reference",
    "prepare_previous",
    "prepare_with_depth",
    "render_frames",
    "restore_state",
    "state_files",
    "warp_frame",
    "with_depth",
]


@dataclass(frozen=True)
class RenderState:
    """The state between frames. ``next_index`` is the frame to render next.

    ``previous`` is the last frame as float ``(1, 3, H, W)`` rounded to 8 bits (so it equals the
    PNG on disk) and ``previous_uint8`` the same as uint8; ``color_ref`` the colour reference.
    """

    next_index: int = 0
    previous: torch.Tensor | None = None
    previous_uint8: torch.Tensor | None = None
    color_ref: ColorReference | None = None
    # cadence: the last two diffused frames, moved forward to the last frame (float)
    cadence_prev: torch.Tensor | None = None
    cadence_next: torch.Tensor | None = None
    # written beside the frame when set: the diffused frame (cadence), the depth used (3D)
    diffused_uint8: torch.Tensor | None = None
    depth: torch.Tensor | None = None


class Renderer(Protocol):
    """Produces frame ``row.index`` from the state after the frame before it."""

    device: torch.device

    def step(self, state: RenderState, row: FrameParams) -> RenderState: ...


class BatchRenderer(Protocol):
    """Produces independent frames, ``batch_size`` rows per call: uint8 ``(B, 3, H, W)``."""

    device: torch.device
    batch_size: int

    def render_batch(self, rows: list[FrameParams]) -> torch.Tensor: ...


@dataclass(frozen=True)
class MotionOptions:
    """A run's motion choices (from its settings); ``depth`` is the 3D depth model, if any.

    ``uses_depth``: frames move in 3D through ``depth`` (the mode's
    :attr:`~music_visualizer.modes.base.Mode.uses_depth`), else in 2D.
    """

    border: str = "replicate"
    color_coherence: str = "LAB"
    color_image: str | None = None  # match colours to this image instead of frame 0
    uses_depth: bool = False
    perspective_flip: bool = False
    padding_mode: str = "border"
    sampling_mode: str = "bicubic"
    noise_type: str = "gaussian"
    perlin_octaves: int = 4
    perlin_persistence: float = 0.5
    cadence: int = 1
    save_depth_maps: bool = False
    depth: Any = field(default=None, compare=False, repr=False)

    @classmethod
    def from_settings(cls, settings: Any, *, depth: Any = None) -> MotionOptions:
        return cls(border=settings.border, color_coherence=settings.color_coherence,
                   color_image=settings.color_coherence_image,
                   uses_depth=mode_for(settings).uses_depth,
                   perspective_flip=settings.enable_perspective_flip,
                   padding_mode=settings.padding_mode, sampling_mode=settings.sampling_mode,
                   noise_type=settings.noise_type, perlin_octaves=settings.perlin_octaves,
                   perlin_persistence=settings.perlin_persistence,
                   cadence=settings.diffusion_cadence, save_depth_maps=settings.save_depth_maps,
                   depth=depth)


def frame_depth(image: torch.Tensor, options: MotionOptions) -> torch.Tensor | None:
    """The depth of ``image`` for a 3D move (None in 2D)."""
    if not options.uses_depth:
        return None
    if options.depth is None:
        raise ValueError("3D mode needs a depth model (MotionOptions.depth)")
    return options.depth.estimate(image)


def warp_frame(image: torch.Tensor, row: FrameParams, options: MotionOptions,
               depth: torch.Tensor | None = None) -> torch.Tensor:
    """``image`` moved by the camera of ``row``: 2D (rotation, zoom, translation; with the
    perspective flip when enabled) or 3D (reprojected through ``depth``)."""
    _, _, height, width = image.shape
    if options.uses_depth:
        from .warp3d import warp_3d

        assert depth is not None
        if options.perspective_flip:  # as Deforum: flip first, then the 3D move
            from .flip import flip_matrix, perspective_flip

            image = perspective_flip(image, flip_matrix(
                width=width, height=height, theta=row.flip_theta, phi=row.flip_phi,
                gamma=row.flip_gamma, fv=row.flip_fv), border=options.border)
        return warp_3d(image, depth,
                       translation=(row.translation_x, row.translation_y, row.translation_z),
                       rotation=(row.rotation_3d_x, row.rotation_3d_y, row.rotation_3d_z),
                       fov=row.fov, near=row.near, far=row.far,
                       padding_mode=options.padding_mode, sampling_mode=options.sampling_mode)
    matrix = _matrix_2d(row, width, height)
    if options.perspective_flip:
        from .flip import flip_matrix, perspective_flip

        flip = flip_matrix(width=width, height=height, theta=row.flip_theta, phi=row.flip_phi,
                           gamma=row.flip_gamma, fv=row.flip_fv, translation_x=0.0,
                           translation_y=0.0)
        # Deforum drops the translation here by accident (np.matmul's third argument is
        # ``out``); ours keeps the whole 2D move, then flips.
        return perspective_flip(image, flip @ matrix, border=options.border)
    if _is_identity(matrix):
        return image
    return warp_2d(image, matrix, border=options.border)


_EYE3 = np.eye(3)


def _matrix_2d(row: FrameParams, width: int, height: int) -> np.ndarray:
    return affine_matrix_2d(width=width, height=height, angle=row.angle, zoom=row.zoom,
                            translation_x=row.translation_x, translation_y=row.translation_y,
                            center_x=row.transform_center_x, center_y=row.transform_center_y)


def _is_identity(matrix: np.ndarray) -> bool:
    """``np.allclose(matrix, eye(3))``, without its overhead on every frame."""
    return bool((np.abs(matrix - _EYE3) <= 1e-8 + 1e-5 * _EYE3).all())


def prepare_previous(state: RenderState, row: FrameParams, options: MotionOptions
                     ) -> torch.Tensor:
    """The previous frame moved by this frame's camera, colour-matched, sharpened (anti-blur),
    contrasted and noised: the image img2img starts from."""
    return prepare_with_depth(state, row, options)[0]


def prepare_with_depth(state: RenderState, row: FrameParams, options: MotionOptions, *,
                       after_move: Callable[[torch.Tensor, torch.Tensor | None], torch.Tensor]
                       | None = None) -> tuple[torch.Tensor, torch.Tensor | None]:
    """:func:`prepare_previous` and the depth it moved the frame through (None in 2D).

    ``after_move(image, depth)``, when given, replaces the moved and colour-matched image before
    the unsharp mask, contrast and noise (the preview evens out its resampling there).
    """
    assert state.previous is not None
    depth = frame_depth(state.previous, options)
    matrix = None
    if not options.uses_depth and not options.perspective_flip and state.color_ref is not None:
        _, _, height, width = state.previous.shape
        matrix = _matrix_2d(row, width, height)
    if matrix is not None and not _is_identity(matrix):  # a 2D move: warp + match fused
        image = state.color_ref.warp_and_match(state.previous, matrix, border=options.border)
    else:
        image = warp_frame(state.previous, row, options, depth)
        if state.color_ref is not None:
            image = state.color_ref.match(image)
    if after_move is not None:
        image = after_move(image, depth)
    contrast = row.contrast
    if row.amount > 0:  # Deforum's order: contrast, unsharp mask, then the noise
        from .image_ops import apply_contrast, unsharp_mask

        image = unsharp_mask(apply_contrast(image, contrast), kernel=round(row.kernel),
                             sigma=row.sigma, amount=row.amount, threshold=row.threshold)
        contrast = 1.0
    if options.noise_type == "gaussian":
        return contrast_and_noise(image, contrast, row.noise, seed=row.seed), depth
    return contrast_and_noise(image, contrast, row.noise, seed=row.seed,
                              noise_type=options.noise_type, octaves=options.perlin_octaves,
                              persistence=options.perlin_persistence), depth


def with_depth(state: RenderState, depth: torch.Tensor | None, options: MotionOptions
               ) -> RenderState:
    """``state`` carrying ``depth`` to be saved beside the frame when ``save_depth_maps``."""
    if depth is None or not options.save_depth_maps:
        return state
    return replace(state, depth=depth)


def make_color_reference(first_frame: torch.Tensor | None, options: MotionOptions
                         ) -> ColorReference | None:
    """The colour reference: ``color_image`` when given, else the (8-bit rounded) frame 0."""
    if options.color_coherence == "none":
        return None
    if options.color_image:
        from .image_ops import load_image

        _, _, height, width = first_frame.shape if first_frame is not None else (0, 0, 0, 0)
        device = first_frame.device if first_frame is not None else "cpu"
        image = load_image(options.color_image, width=width or 512, height=height or 512,
                           device=device)
        return ColorReference(quantize(image)[1], space=options.color_coherence)
    if first_frame is None:
        return None
    return ColorReference(first_frame, space=options.color_coherence)


def finish_frame(image: torch.Tensor, state: RenderState, row: FrameParams,
                 options: MotionOptions) -> RenderState:
    """Round ``image`` to 8 bits and make it the state after frame ``row.index``.

    Frame 0 becomes the colour reference (unless colour coherence is off).
    """
    as_uint8, rounded = quantize(image)
    ref = state.color_ref
    if ref is None:
        ref = make_color_reference(rounded, options)
    return RenderState(next_index=row.index + 1, previous=rounded, previous_uint8=as_uint8,
                       color_ref=ref)


def _read_png(path: Path, device: torch.device) -> torch.Tensor:
    from PIL import Image

    with Image.open(path) as img:
        return to_tensor(np.asarray(img.convert("RGB")), device=device)


def restore_state(folder: Path, timestring: str, next_index: int, *, device: torch.device,
                  options: MotionOptions, plan: Plan | None = None) -> RenderState:
    """The state after frame ``next_index - 1`` of a run, from its PNGs.

    The previous frame is the last PNG; the colour reference is frame 0 (or the colour image),
    as in the original run. With cadence, the last two diffused frames (saved beside the
    frames) are moved forward again through the same rows, so the run continues mid-cadence
    exactly as it would have (``plan`` is needed then).
    """
    if next_index <= 0:
        return RenderState()
    with torch.inference_mode():
        return _restore(folder, timestring, next_index, device=device, options=options,
                        plan=plan)


def state_files(folder: Path, timestring: str, next_index: int, *, cadence: int = 1
                ) -> list[Path]:
    """The PNGs :func:`restore_state` reads to continue at ``next_index``: the cadence images
    of the last frame's block and of the block before (with cadence), the last frame and
    frame 0 (the colour reference)."""
    if next_index <= 0:
        return []
    last = next_index - 1
    files = []
    if cadence > 1:
        block = last - last % cadence
        files.append(cadence_path(folder, timestring, block))
        if block >= cadence:
            files.append(cadence_path(folder, timestring, block - cadence))
    return [*files, frame_path(folder, timestring, last), frame_path(folder, timestring, 0)]


def _restore(folder: Path, timestring: str, next_index: int, *, device: torch.device,
             options: MotionOptions, plan: Plan | None) -> RenderState:
    previous = _read_png(frame_path(folder, timestring, next_index - 1), device)
    as_uint8, previous = quantize(previous)
    first = previous if next_index == 1 else _read_png(frame_path(folder, timestring, 0),
                                                       device)
    ref = make_color_reference(quantize(first)[1], options)
    cadence_prev = cadence_next = None
    if options.cadence > 1:
        if plan is None:
            raise ValueError("resuming with cadence needs the plan")
        cadence_prev, cadence_next = _replay_cadence(folder, timestring, next_index - 1,
                                                     device=device, options=options, plan=plan)
    return RenderState(next_index=next_index, previous=previous, previous_uint8=as_uint8,
                       color_ref=ref, cadence_prev=cadence_prev, cadence_next=cadence_next)


def _replay_cadence(folder: Path, timestring: str, last: int, *, device: torch.device,
                    options: MotionOptions, plan: Plan
                    ) -> tuple[torch.Tensor | None, torch.Tensor]:
    """The cadence images after frame ``last``: the diffused frames of its block and the one
    before, read back and moved forward through the same rows with the same operations as
    the uninterrupted run (see :mod:`.cadence`)."""
    n = options.cadence
    block = last - last % n

    def diffused(index: int) -> torch.Tensor:
        return quantize(_read_png(cadence_path(folder, timestring, index), device))[1]

    newest = diffused(block)
    older = None
    if block >= n:  # the block before: its diffused frame moved through its own tweens
        older = diffused(block - n)
        for index in range(block - n + 1, block):
            older = warp_frame(older, plan.row(index), options, frame_depth(older, options))
        older = warp_frame(older, plan.row(block), options, frame_depth(newest, options))
    for index in range(block + 1, last + 1):
        depth = frame_depth(newest, options)
        row = plan.row(index)
        newest = warp_frame(newest, row, options, depth)
        if older is not None:
            older = warp_frame(older, row, options, depth)
    return older, newest


def render_frames(renderer: Renderer | BatchRenderer, plan: Plan, state: RenderState, *,
                  writer: FrameWriter, on_frame: Callable[[int, RenderState], None] | None = None,
                  should_stop: Callable[[], bool] | None = None,
                  batched: bool = False) -> RenderState:
    """Render frames ``state.next_index .. plan.n_frames - 1``.

    Each frame is handed to ``writer`` as soon as it exists (the writer saves it in the
    background). ``should_stop`` is checked between frames: the run then stays resumable.
    ``batched`` (the mode's :attr:`~music_visualizer.modes.base.Mode.batched`: walk and GAN,
    independent frames): ``renderer.render_batch(rows)`` is given batches aligned to multiples
    of its ``batch_size``, so a resumed run batches like an uninterrupted one (and gets the
    same frames); else ``renderer`` is a :class:`Renderer`, stepped frame by frame.
    """
    if batched:
        return _render_batches(renderer, plan, state, writer=writer, on_frame=on_frame,
                               should_stop=should_stop)
    with torch.inference_mode():
        for index in range(state.next_index, plan.n_frames):
            if should_stop is not None and should_stop():
                break
            state = renderer.step(state, plan.row(index))
            if state.diffused_uint8 is not None:  # before the frame: resume relies on it
                writer.submit_file(cadence_path(writer.folder, writer.timestring, index),
                                   state.diffused_uint8)
            if state.depth is not None:
                from .warp3d import depth_to_png

                writer.submit_file(depth_path(writer.folder, writer.timestring, index),
                                   depth_to_png(state.depth))
            writer.submit(index, state.previous_uint8)
            if on_frame is not None:
                on_frame(index, state)
    return state


def _render_batches(renderer: BatchRenderer, plan: Plan, state: RenderState, *,
                    writer: FrameWriter,
                    on_frame: Callable[[int, RenderState], None] | None,
                    should_stop: Callable[[], bool] | None) -> RenderState:
    """The frame loop of renderers of independent frames, a batch per model call."""
    size = max(1, int(renderer.batch_size))
    index = state.next_index
    with torch.inference_mode():
        while index < plan.n_frames:
            if should_stop is not None and should_stop():
                break
            first = index // size * size
            indices = range(first, min(first + size, plan.n_frames))
            images = renderer.render_batch([plan.row(i) for i in indices])
            for i, image in zip(indices, images, strict=True):
                if i < index:  # done before a resume; rendered again only to batch alike
                    continue
                state = RenderState(next_index=i + 1, previous_uint8=image[None])
                writer.submit(i, state.previous_uint8)
                if on_frame is not None:
                    on_frame(i, state)
            index = indices[-1] + 1
    return state
