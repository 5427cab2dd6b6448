"""Finishing a run's video at encode time: more frames (interpolation) and larger pictures
(upscaling), streamed from the saved frames into the encoder.

- :mod:`.interpolate`  the interpolation engines (``rife``, ``minterpolate``, ``blend``)
- :mod:`.rife`         the Practical-RIFE 4.x network and its weights loader
- :mod:`.upscale`      the upscalers (ESRGAN-family models, Lanczos)
- :mod:`.stream`       saved frames -> interpolated -> upscaled -> captioned frames
"""
