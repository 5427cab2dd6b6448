"""music_visualizer: Stable Diffusion music videos that follow the song.

Stages (each a pure function on plain data):

- :mod:`music_visualizer.settings`   typed settings, YAML/JSON load and validation
- :mod:`music_visualizer.schedules`  Deforum keyframe strings -> per-frame arrays (safe evaluator)
- :mod:`music_visualizer.plan`       settings + prompts -> one row of parameters per video frame
- :mod:`music_visualizer.render`     renderers (diffusion, preview) and the frame loop
- :mod:`music_visualizer.runs`       run folders, timestrings, atomic frame writes, resume
- :mod:`music_visualizer.video`      frames + the song's slice -> H.264 MP4
- :mod:`music_visualizer.cli`        the command line (``python -m music_visualizer``)
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
