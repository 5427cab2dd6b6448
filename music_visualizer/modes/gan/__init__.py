"""GAN mode (the Deep Music Visualizer idea): BigGAN frames whose class vectors follow the
chroma and noise vectors the volume and onsets; independent frames in batches. Vectors:
:mod:`.vectors`; renderer: :mod:`.renderer`; its steps in a run: :mod:`.run`."""

from __future__ import annotations

from ..base import Mode

__all__ = ["GAN"]

GAN = Mode(name="gan", batched=True, shows_renderer=False, model_setting="gan_model",
           default_batch_size=30)
