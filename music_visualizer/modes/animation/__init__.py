"""The Deforum animation modes, 2D and 3D: each frame is the previous one moved by the camera
and re-imagined by img2img (the diffusion renderer) or by the model-free preview renderer, with
diffusion cadence. Their steps in a run: :mod:`.run`."""

from __future__ import annotations

from ..base import Mode

__all__ = ["MODE_2D", "MODE_3D"]

#: 2D: rotation, zoom and translation of the picture (with the optional perspective flip).
MODE_2D = Mode(name="2D")
#: 3D: the picture reprojected through its depth (a depth model) by a moving camera.
MODE_3D = Mode(name="3D", uses_depth=True)
