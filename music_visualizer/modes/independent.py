"""The resume of the modes whose frames are independent (walk, GAN): nothing to restore."""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["IndependentFrames"]


class IndependentFrames:
    """The :class:`~.base.ModeSteps` resume part of a batched mode: a frame is made from its
    plan row alone, so a resume reads nothing back and checks no state files."""

    def state_files(self, folder: Path, timestring: str, next_index: int,
                    settings: Any) -> list[Path]:
        """None: no frame depends on another."""
        return []

    def restore(self, folder: Path, timestring: str, next_index: int, *, renderer: Any,
                settings: Any, plan: Any) -> Any:
        """An empty state that continues at ``next_index``."""
        from ..render.loop import RenderState

        return RenderState(next_index=next_index)
