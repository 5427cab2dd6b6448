"""The plan's prompt text, shared by every mode's plan columns.

- :func:`split_negative`  Deforum's ``"text --neg bad"`` -> ``("text", "bad")``
- :func:`prompt_pair`     a prompt -> its ``(positive, negative)`` entry of the prompt table
"""

from __future__ import annotations

__all__ = ["prompt_pair", "split_negative"]


def split_negative(prompt: str) -> tuple[str, str]:
    """Deforum's ``"positive --neg negative"`` form -> ``(positive, negative)``."""
    positive, sep, negative = prompt.partition("--neg")
    return positive.strip(), negative.strip() if sep else ""


def prompt_pair(text: str, negative_prompt: str) -> tuple[str, str]:
    """``text``'s ``(positive, negative)``: its own ``--neg`` part, then the run's
    ``negative_prompt``, joined by a comma."""
    positive, negative = split_negative(text)
    return positive, ", ".join(p for p in (negative, negative_prompt.strip()) if p)
