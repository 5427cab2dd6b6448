"""Walk mode (prompt walks): intervals of the song from a start prompt to an end prompt, the
text embeddings and noise interpolated at the pace of the music; independent txt2img frames in
batches. Plan: :mod:`.plan`; renderer: :mod:`.renderer`; its steps in a run: :mod:`.run`."""

from __future__ import annotations

from ..base import Mode
from .plan import walk_plan_columns

__all__ = ["WALK"]

WALK = Mode(
    name="walk", batched=True, diffuses_every_frame=True, shows_renderer=False,
    model_setting="model",
    refused_renderers={"preview": "the preview renderer draws camera motion only; walk mode "
                                  "needs the diffusion renderer."},
    plan_columns=walk_plan_columns, default_batch_size=4,
)
