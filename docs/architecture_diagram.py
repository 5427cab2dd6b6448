"""Draw images/architecture.png: the package's layers and the way data flows through them.

    python docs/architecture_diagram.py
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

OUT = Path(__file__).resolve().parents[1] / "images" / "architecture.png"
BOXES = {  # name: (x, y, width, text, colour)
    "ui": (0.5, 5.0, 9.0, "ui/  cli · app (Gradio) · actions · board · colab · text", "#dbe9f6"),
    "job": (2.5, 4.0, 5.0, "runs/job  prepare → render → video", "#fde2c8"),
    "settings": (0.0, 2.8, 2.3, "settings/\ndeclarations\nschedules · Deforum", "#e8e0f4"),
    "audio": (2.5, 2.8, 2.3, "audio/\nbeats · downbeats\nsections · features", "#d9f2e3"),
    "sources": (5.0, 2.8, 2.0, "sources/ · lyrics/\nSpotify · tags\ndownload · LRC", "#f6f1c8"),
    "prompts": (7.2, 2.8, 2.3, "prompts/\ndefaults · styles\npalette · caption", "#f9dede"),
    "modes": (1.5, 1.6, 7.0, "modes/  the plan: one row per frame · 2D/3D · walk · gan", "#e3e3e3"),
    "render": (1.5, 0.6, 7.0, "render/  frame loop · warps · colour · noise · cadence · models",
               "#e3e3e3"),
    "store": (1.5, -0.4, 7.0, "runs/  frames (PNG) · run record · lock · segments · MP4 · partial",
              "#fde2c8"),
}
HEIGHTS = {"settings": 0.85, "audio": 0.85, "sources": 0.85, "prompts": 0.85}
ARROWS = [("ui", "job"), ("job", "settings"), ("job", "audio"), ("job", "sources"),
          ("job", "prompts"), ("settings", "modes"), ("audio", "modes"), ("sources", "modes"),
          ("prompts", "modes"), ("modes", "render"), ("render", "store")]


def _centre(name: str, top: bool) -> tuple[float, float]:
    x, y, w, _, _ = BOXES[name]
    h = HEIGHTS.get(name, 0.6)
    return x + w / 2, y + (h if top else 0.0)


def main() -> None:
    fig, ax = plt.subplots(figsize=(9, 6.2), dpi=120)
    for name, (x, y, w, text, colour) in BOXES.items():
        h = HEIGHTS.get(name, 0.6)
        ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.04,rounding_size=0.12",
                                    fc=colour, ec="#555555", lw=1.0))
        ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=9)
    for a, b in ARROWS:
        ax.add_patch(FancyArrowPatch(_centre(a, top=False), _centre(b, top=True),
                                     arrowstyle="-|>", mutation_scale=12, color="#444444",
                                     lw=1.0, shrinkA=2, shrinkB=2))
    ax.text(9.6, 2.2, "plain data between\nstages: Settings,\nAudioAnalysis, Track,\n"
            "PromptSet, Plan,\nRunRecord", fontsize=8, va="center", color="#333333")
    ax.set_xlim(-0.2, 11.2)
    ax.set_ylim(-0.6, 5.8)
    ax.axis("off")
    ax.set_title("music_visualizer: layers and data flow (imports point down only)", fontsize=11)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(OUT, bbox_inches="tight")
    print(OUT)


if __name__ == "__main__":
    main()
