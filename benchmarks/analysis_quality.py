"""Quality of beats, downbeats, tempo (and sections): ours against a plain librosa baseline.

Every genre of tests/synth_music.py is synthesized with seeds the tests do not use, and scored
with mir_eval against its exact ground truth:

- beat F-measure (``mir_eval.beat.f_measure``, +-70 ms),
- downbeat F-measure (the same on downbeats),
- tempo: estimated BPM and whether it is within 4 % of the truth (for the tempo change, of the
  tempo that lasts longest),
- sections, when ``music_visualizer.audio.sections`` works: boundary F-measure
  (``mir_eval.segment.detection``, 3 s window), against librosa's agglomerative segmentation
  with as many segments as the truth has.

The baseline is what one writes from librosa's docs: ``librosa.beat.beat_track`` on
``librosa.onset.onset_strength``, downbeats = every 4th beat.

    python benchmarks/analysis_quality.py [--seeds 101 102] [--genres pop rock] [--json OUT]
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TEMPO_TOLERANCE = 0.04
DEFAULT_SEEDS = (101, 102)


def _main_tempo(song) -> float:
    """The song's tempo, or for a tempo change the one that lasts longest."""
    if song.tempo is not None:
        return float(song.tempo)
    starts = [t for t, _ in song.tempo_curve] + [song.duration]
    spans = np.diff(starts)
    return float(song.tempo_curve[int(np.argmax(spans))][1])


def _librosa_baseline(y: np.ndarray, sr: int) -> dict:
    import librosa

    start = time.perf_counter()
    onset_env = librosa.onset.onset_strength(y=y, sr=sr)
    tempo, frames = librosa.beat.beat_track(onset_envelope=onset_env, sr=sr)
    beats = librosa.frames_to_time(frames, sr=sr)
    return {"beats": beats, "downbeats": beats[::4], "tempo": float(np.atleast_1d(tempo)[0]),
            "seconds": time.perf_counter() - start}


def _ours(spectra) -> dict:
    from music_visualizer.audio.beats import track_beats

    start = time.perf_counter()
    result = track_beats(spectra)
    return {"beats": result.beats, "downbeats": result.downbeats, "tempo": result.tempo,
            "meter": result.meter, "seconds": time.perf_counter() - start}


def _intervals(sections) -> np.ndarray:
    return np.array([[s[0], s[1]] for s in sections], dtype=np.float64)


def _section_scores(song, spectra, ours: dict) -> dict | None:
    """Boundary F (3 s) of our sections and of librosa's agglomerative ones; None on failure."""
    import librosa
    import mir_eval

    try:
        from music_visualizer.audio.sections import find_sections

        found = find_sections(spectra, beats=ours["beats"], downbeats=ours["downbeats"],
                              duration=song.duration)
        est = _intervals([(s.start, s.end) for s in found])
    except Exception as exc:  # sections are someone else's work in progress: report, go on
        return {"error": f"{type(exc).__name__}: {exc}"}
    ref = _intervals(song.sections)
    f_ours = mir_eval.segment.detection(ref, est, window=3.0)[2]
    bounds = librosa.segment.agglomerative(spectra.chroma, len(ref))
    times = np.append(librosa.frames_to_time(bounds, sr=spectra.sr,
                                             hop_length=spectra.hop_length), song.duration)
    times[0] = 0.0
    base = _intervals(list(itertools.pairwise(times)))
    f_base = mir_eval.segment.detection(ref, base, window=3.0)[2]
    return {"ours": float(f_ours), "librosa": float(f_base)}


def evaluate(genres: list[str], seeds: list[int], sections: bool = True) -> list[dict]:
    import mir_eval

    from music_visualizer.audio.spectra import compute_spectra
    from tests.synth_music import synth_song

    rows = []
    for seed in seeds:
        for genre in genres:
            song = synth_song(genre, seed=seed)
            spectra = compute_spectra(song.audio, song.sr)
            true_tempo = _main_tempo(song)
            row = {"genre": genre, "seed": seed, "duration": song.duration,
                   "true_tempo": true_tempo, "tempo_changes": song.tempo is None,
                   "meter": song.meter}
            ours = _ours(spectra)
            for name, out in (("ours", ours), ("librosa", _librosa_baseline(song.audio, song.sr))):
                row[name] = {
                    "beat_f": float(mir_eval.beat.f_measure(song.beats, out["beats"])),
                    "downbeat_f": float(mir_eval.beat.f_measure(song.downbeats,
                                                                out["downbeats"])),
                    "tempo": float(out["tempo"]),
                    "tempo_ok": bool(abs(out["tempo"] - true_tempo)
                                     <= TEMPO_TOLERANCE * true_tempo),
                    "seconds": float(out["seconds"]),
                }
            row["ours"]["meter"] = int(ours["meter"])
            if sections:
                row["sections"] = _section_scores(song, spectra, ours)
            rows.append(row)
            print(_format_row(row), flush=True)
    return rows


def _format_row(row: dict) -> str:
    o, b = row["ours"], row["librosa"]
    text = (f"{row['genre']:13s} {row['seed']:4d} | {o['beat_f']:.3f} {b['beat_f']:.3f} | "
            f"{o['downbeat_f']:.3f} {b['downbeat_f']:.3f} | {row['true_tempo']:6.1f} "
            f"{o['tempo']:6.1f}{'' if o['tempo_ok'] else '*'} {b['tempo']:6.1f}"
            f"{'' if b['tempo_ok'] else '*'}")
    sec = row.get("sections")
    if sec and "ours" in sec:
        text += f" | {sec['ours']:.3f} {sec['librosa']:.3f}"
    elif sec:
        text += " | (sections failed)"
    return text


HEADER = ("genre         seed | beat F     | downbeat F | tempo: true  ours  librosa"
          " | sections F\n"
          "                   | ours  lib. | ours  lib. |  (* = off by more than 4 %)"
          " | ours  lib.")


def summary(rows: list[dict]) -> dict:
    out = {}
    for name in ("ours", "librosa"):
        out[name] = {
            "beat_f": float(np.mean([r[name]["beat_f"] for r in rows])),
            "downbeat_f": float(np.mean([r[name]["downbeat_f"] for r in rows])),
            "tempo_accuracy": float(np.mean([r[name]["tempo_ok"] for r in rows])),
            "seconds_per_minute": float(np.mean([r[name]["seconds"] / r["duration"] * 60
                                                 for r in rows])),
        }
        sec = [r["sections"][name] for r in rows if r.get("sections") and name in r["sections"]]
        if sec:
            out[name]["sections_f"] = float(np.mean(sec))
    return out


def main() -> None:
    from tests.synth_music import GENRES

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=list(DEFAULT_SEEDS))
    parser.add_argument("--genres", nargs="+", default=list(GENRES), choices=GENRES)
    parser.add_argument("--no-sections", action="store_true")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    print(HEADER)
    rows = evaluate(args.genres, args.seeds, sections=not args.no_sections)
    total = summary(rows)
    print("-" * 96)
    for name in ("ours", "librosa"):
        s = total[name]
        line = (f"{name:8s} mean beat F {s['beat_f']:.3f}  downbeat F {s['downbeat_f']:.3f}  "
                f"tempo within 4 % {s['tempo_accuracy']:.0%}  "
                f"beat tracking {s['seconds_per_minute']:.3f} s per minute of audio")
        if "sections_f" in s:
            line += f"  sections F {s['sections_f']:.3f}"
        print(line)
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "summary": total}, indent=1))


if __name__ == "__main__":
    main()
