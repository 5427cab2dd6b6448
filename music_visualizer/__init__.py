"""music_visualizer: Stable Diffusion music videos that follow the song.

Layers (data flows one way: ui -> runs.job -> audio, sources, prompts -> modes -> render -> runs;
see docs/architecture.md):

- :mod:`music_visualizer.settings`  typed settings, keyframe schedules, Deforum settings files
- :mod:`music_visualizer.audio`     decoding, analysis (beats, sections, features), reports
- :mod:`music_visualizer.sources`   Spotify, tags, downloads: what the song is
- :mod:`music_visualizer.prompts`   default prompts, styles, cover palettes, weights, ideas
- :mod:`music_visualizer.modes`     the plan of every frame; walk and GAN modes
- :mod:`music_visualizer.render`    the frame loop, image operations, models, renderers
- :mod:`music_visualizer.runs`      the render job, run folders, the run record, PNGs, video
- :mod:`music_visualizer.ui`        the command line, the Gradio app, the Colab notebook's steps
"""

from __future__ import annotations

import importlib
from types import ModuleType

__version__ = "0.1.0"
__all__ = ["__version__"]


def __getattr__(name: str) -> ModuleType:
    """``from music_visualizer import colab``, as notebooks saved before 0.2 do, still works."""
    if name == "colab":
        return importlib.import_module(".ui.colab", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
