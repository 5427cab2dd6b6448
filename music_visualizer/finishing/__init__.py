"""Finishing: what is done to the saved frames at encode time (interpolation, upscaling)."""
