"""Section boundaries on the development set, from our beats and from the true ones.

Scores :func:`music_visualizer.audio.sections.find_sections` per song of the dev split
(``benchmarks/devset``) twice: on the beats and downbeats of our tracker (what the analysis
does) and on the exact ones of the song's tempo map, so section errors are told apart from
downbeat errors. Boundary F, precision and recall (``mir_eval.segment.detection``, +-3 s, the
first and last boundary trimmed, as ``analysis_quality.py --devset`` scores them) and the
pairwise label F (``mir_eval.segment.pairwise``, on the true beats: repeated material labelled
alike).

    python benchmarks/sections_quality.py [--split dev] [--only swing_1 funk_1]

Never run it on the held-out split while tuning.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _intervals(sections) -> np.ndarray:
    return np.array([[s.start, s.end] for s in sections], dtype=np.float64)


def score_song(song, y: np.ndarray, sr: int) -> dict:
    """Boundary P, R, F with our beats and with the true beats; label F with the true beats."""
    import mir_eval

    from music_visualizer.audio.beats import track_beats
    from music_visualizer.audio.sections import find_sections
    from music_visualizer.audio.spectra import compute_spectra

    duration = len(y) / sr
    spectra = compute_spectra(y, sr)
    ours = track_beats(spectra)
    ref = np.array([[a, b] for a, b, _ in song.sections])
    ref[-1, 1] = duration  # the rendered file's ring-out belongs to the last section
    ref_labels = [label for *_, label in song.sections]
    row: dict = {"song": song.name}
    for name, beats, downbeats in (("ours", ours.beats, ours.downbeats),
                                   ("true", song.beats, song.downbeats)):
        found = find_sections(spectra, beats=beats, downbeats=downbeats, duration=duration)
        p, r, f = mir_eval.segment.detection(ref, _intervals(found), window=3.0, trim=True)
        row[name] = {"p": float(p), "r": float(r), "f": float(f),
                     "starts": [round(s.start, 1) for s in found[1:]],
                     "labels": "".join(s.label for s in found)}
        if name == "true":
            row["label_f"] = float(mir_eval.segment.pairwise(
                ref, ref_labels, _intervals(found), [s.label for s in found])[2])
    row["truth"] = ([round(float(a), 1) for a in ref[1:, 0]], "".join(ref_labels))
    return row


def main() -> None:
    import soundfile as sf

    from benchmarks.devset import make_devset as ds

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev", choices=("dev", "held_out"))
    parser.add_argument("--only", nargs="+", default=None)
    args = parser.parse_args()
    rows = []
    for song in ds.songs(args.split):
        if len(song.sections) < 2 or (args.only and song.name not in args.only):
            continue
        y, sr = sf.read(ds.render(song), dtype="float32")
        row = score_song(song, y, sr)
        rows.append(row)
        o, t = row["ours"], row["true"]
        print(f"{row['song']:20s} ours F {o['f']:.2f} | true beats F {t['f']:.2f} "
              f"(P {t['p']:.2f} R {t['r']:.2f}) label F {row['label_f']:.2f} | "
              f"truth {row['truth'][0]} {row['truth'][1]} found {t['starts']} {t['labels']}",
              flush=True)
    print("-" * 100)
    for name in ("ours", "true"):
        mean = {k: float(np.mean([r[name][k] for r in rows])) for k in ("f", "p", "r")}
        print(f"{name + ' beats':10s} section F {mean['f']:.3f}  P {mean['p']:.3f}  "
              f"R {mean['r']:.3f}  ({len(rows)} songs)")
    print(f"label F (pairwise, true beats) {np.mean([r['label_f'] for r in rows]):.3f}")


if __name__ == "__main__":
    main()
