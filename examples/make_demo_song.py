"""Synthesize the demo song (``examples/demo_song.ogg``): 24 s, 120 BPM, two sections.

Kick on every beat, snare on 2 and 4, hi-hats on eighths, a bass line and pad chords; the second
half (from 12 s) is louder and brighter. Made by the project, so it is free to ship and its beats
are known exactly: a beat every 0.5 s from 0.0 s.

    python examples/make_demo_song.py [OUT]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

SR = 22050
BPM = 120.0
SECONDS = 24.0


def _env(n: int, decay: float) -> np.ndarray:
    return np.exp(-np.arange(n) / (decay * SR))


def synthesize(seconds: float = SECONDS, sr: int = SR, seed: int = 7) -> np.ndarray:
    """The demo song as float32 mono samples in [-1, 1]."""
    rng = np.random.default_rng(seed)
    n = int(seconds * sr)
    out = np.zeros(n, np.float64)
    beat = 60.0 / BPM
    t_kick = np.arange(int(0.25 * sr)) / sr
    kick = np.sin(2 * np.pi * (50 + 90 * np.exp(-t_kick * 30)) * t_kick) * _env(len(t_kick), 0.08)
    snare = rng.standard_normal(int(0.2 * sr)) * _env(int(0.2 * sr), 0.05) * 0.5
    hat = np.diff(rng.standard_normal(int(0.05 * sr) + 1)) * _env(int(0.05 * sr), 0.01) * 0.25
    roots = [55.0, 43.65, 49.0, 41.2]  # A1 F1 G1 E1
    for i in range(int(seconds / beat)):
        start = int(i * beat * sr)
        loud = 1.0 if i * beat >= seconds / 2 else 0.6
        sounds = [(kick, 0.9 * loud), (hat, loud)] + ([(snare, loud)] if i % 2 else [])
        for sound, gain in sounds:
            end = min(n, start + len(sound))
            out[start:end] += gain * sound[: end - start]
        off = start + int(beat / 2 * sr)  # off-beat hat
        end = min(n, off + len(hat))
        out[off:end] += loud * hat[: end - off]
        root = roots[(i // 4) % 4]
        t = np.arange(int(beat * sr)) / sr
        bass = np.sin(2 * np.pi * root * t) * _env(len(t), 0.3) * 0.35 * loud
        end = min(n, start + len(bass))
        out[start:end] += bass[: end - start]
    t = np.arange(n) / sr
    bar = (t // (4 * beat)).astype(int) % 4
    chord_root = np.array(roots)[bar] * 4
    bright = np.where(t >= seconds / 2, 0.5, 0.2)
    for ratio in (1.0, 1.2, 1.5):
        out += 0.05 * np.sin(2 * np.pi * chord_root * ratio * t)
        out += 0.05 * bright * np.sin(2 * np.pi * chord_root * ratio * 2 * t)
    fade = np.minimum(1.0, np.minimum(t / 0.05, (seconds - t) / 0.5))
    out *= fade
    return (out / np.max(np.abs(out)) * 0.9).astype(np.float32)


def main(argv: list[str]) -> None:
    import soundfile as sf

    out = Path(argv[0]) if argv else Path(__file__).with_name("demo_song.ogg")
    sf.write(out, synthesize(), SR, format="OGG", subtype="VORBIS")
    print(out)


if __name__ == "__main__":
    main(sys.argv[1:])
