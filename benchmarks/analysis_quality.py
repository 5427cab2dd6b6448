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

With ``--devset`` it scores the real-instrument development set instead
(``benchmarks/devset``: MIDI arranged in code, rendered with fluidsynth and a General MIDI
soundfont), its dev split and its held-out split side by side, ours against plain librosa, as
mir_eval scores them (beats before 5 s trimmed, +-70 ms): beat F, downbeat F, AMLt, tempo
acc1 (within 4 %) and acc2 (within 4 % of the tempo or of x2, x3, /2, /3), meter right, section
boundary F (+-3 s, songs with sections), section label agreement (pairwise frame clustering F,
``mir_eval.segment.pairwise``: repeated material labelled alike; librosa's segments have no
labels, each is its own), and CPU seconds per song (spectra + beats + sections; librosa: onset
strength + beat tracking + segmentation).

    python benchmarks/analysis_quality.py --devset [--split dev held_out corpus corpus2 corpus3
        modules] [--json OUT]

``--split corpus`` scores the set of real compositions (``benchmarks/devset/corpus.py``: pieces
of the music21 corpus rendered as written; needs ``music21``), the same way; ``--split corpus2``
its second set and ``--split corpus3`` its third, held-out set (dance tunes, marches, hymns and
songs of none of the others, the same rules: never tune on it).
``--split modules`` scores game music: tracker modules of Debian game packages rendered with
libopenmpt (``benchmarks/devset/modules.py``), also by where the grid comes from (``mod:head``:
the file's row highlights; ``mod:conv``: 4 rows a beat by convention).
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


# ---------------------------------------------------------------------------------------------
# The real-instrument development set
# ---------------------------------------------------------------------------------------------

DEVSET_METRICS = ("beat_f", "downbeat_f", "amlt", "tempo_acc1", "tempo_acc2", "meter_ok",
                  "meter_ok_24", "sections_f", "labels_f", "cpu_s")


def meter_scores(estimate: int, truth: int) -> dict[str, bool]:
    """``meter_ok``: the beats per bar are the annotated ones (the goal's measure). ``meter_ok_24``
    (a diagnostic, never the goal): the same, but bars of 2 and of 4 count alike, the choice
    notation makes between them where the music is the same (a march in 2/4 whose chords last two
    bars sounds as a 4/4 does); it tells how many meter errors are that choice."""
    ok = estimate == truth
    return {"meter_ok": ok, "meter_ok_24": ok or {estimate, truth} == {2, 4}}


def _tempo_scores(estimate: float, truth: float) -> tuple[bool, bool]:
    ok1 = abs(estimate - truth) <= TEMPO_TOLERANCE * truth
    ok2 = any(abs(estimate - truth * k) <= TEMPO_TOLERANCE * truth * k
              for k in (1.0, 2.0, 3.0, 0.5, 1 / 3))
    return bool(ok1), bool(ok2)


def _beat_scores(ref_beats: np.ndarray, ref_down: np.ndarray, beats: np.ndarray,
                 downbeats: np.ndarray) -> dict:
    import mir_eval

    rb, eb = mir_eval.beat.trim_beats(ref_beats), mir_eval.beat.trim_beats(np.asarray(beats))
    rd = mir_eval.beat.trim_beats(ref_down)
    ed = mir_eval.beat.trim_beats(np.asarray(downbeats))
    amlt = mir_eval.beat.continuity(rb, eb)[3] if len(eb) > 1 else 0.0
    return {"beat_f": float(mir_eval.beat.f_measure(rb, eb)),
            "downbeat_f": float(mir_eval.beat.f_measure(rd, ed)), "amlt": float(amlt)}


def _librosa_devset(y: np.ndarray, sr: int, n_sections: int, duration: float) -> dict:
    import librosa

    start = time.process_time()
    onset_env = librosa.onset.onset_strength(y=y, sr=sr)
    tempo, frames = librosa.beat.beat_track(onset_envelope=onset_env, sr=sr)
    beats = librosa.frames_to_time(frames, sr=sr)
    sections = None
    if n_sections > 1:
        chroma = librosa.feature.chroma_cqt(y=y, sr=sr)
        bounds = librosa.segment.agglomerative(chroma, n_sections)
        times = np.append(librosa.frames_to_time(bounds, sr=sr), duration)
        times[0] = 0.0
        sections = _intervals(list(itertools.pairwise(times)))
    labels = None if sections is None else [str(i) for i in range(len(sections))]
    return {"beats": beats, "downbeats": beats[::4], "tempo": float(np.atleast_1d(tempo)[0]),
            "meter": 4, "sections": sections, "labels": labels,
            "cpu_s": time.process_time() - start}


def _ours_devset(y: np.ndarray, sr: int, duration: float) -> dict:
    from music_visualizer.audio.beats import track_beats
    from music_visualizer.audio.sections import find_sections
    from music_visualizer.audio.spectra import compute_spectra

    start = time.process_time()
    spectra = compute_spectra(y, sr)
    result = track_beats(spectra)
    try:
        found = find_sections(spectra, beats=result.beats, downbeats=result.downbeats,
                              duration=duration)
        sections = _intervals([(s.start, s.end) for s in found])
        labels = [s.label for s in found]
    except Exception:  # report the beats all the same
        sections, labels = None, None
    return {"beats": result.beats, "downbeats": result.downbeats, "tempo": result.tempo,
            "meter": result.meter, "sections": sections, "labels": labels,
            "cpu_s": time.process_time() - start}


def label_agreement(ref: np.ndarray, ref_labels: list[str], est: np.ndarray,
                    est_labels: list[str]) -> float:
    """Pairwise frame clustering F of the section labels (``mir_eval.segment.pairwise``): pairs
    of frames labelled alike in both; the estimate is fitted to the reference's span first."""
    import mir_eval

    est, est_labels = mir_eval.util.adjust_intervals(
        np.asarray(est), list(est_labels), t_min=float(ref[0, 0]), t_max=float(ref[-1, 1]))
    return float(mir_eval.segment.pairwise(ref, list(ref_labels), est, est_labels)[2])


def devset_songs(split: str) -> list:
    """The songs of ``split``: ``dev`` or ``held_out`` of ``make_devset``, ``corpus``,
    ``corpus2`` or ``corpus3`` (real compositions of the music21 corpus,
    ``benchmarks/devset/corpus.py``) or ``modules`` (game music: tracker modules of Debian
    packages, ``devset/modules.py``)."""
    from benchmarks.devset import make_devset as ds

    if split in ("corpus", "corpus2", "corpus3"):
        from benchmarks.devset import corpus

        return corpus.songs(split)
    if split == "modules":
        from benchmarks.devset import modules

        return modules.songs()
    return ds.songs(split)


def _render(split: str, song):
    """The rendered file of ``song`` (rendered on first use)."""
    from benchmarks.devset import make_devset as ds

    if split == "modules":
        from benchmarks.devset import modules

        return modules.render(song)
    return ds.render(song)


def evaluate_devset(splits: list[str], systems: tuple[str, ...] = ("ours", "librosa"),
                    ) -> list[dict]:
    """Score each song of ``splits`` of the development set (rendered on first use)."""
    import mir_eval
    import soundfile as sf

    rows = []
    for split in splits:
        for song in devset_songs(split):
            y, sr = sf.read(_render(split, song), dtype="float32")
            if y.ndim == 2:  # the modules split is stereo
                y = y.mean(axis=1)
            ref_sections = _intervals([(a, b) for a, b, _ in song.sections])
            ref_labels = [label for _, _, label in song.sections]
            row = {"split": split, "song": song.name, "meter": song.meter,
                   "true_tempo": song.tempo, "duration": len(y) / sr,
                   "truth_source": getattr(song, "truth_source", "exact")}
            for name in systems:
                out = (_ours_devset(y, sr, len(y) / sr) if name == "ours"
                       else _librosa_devset(y, sr, len(ref_sections), len(y) / sr))
                scores = _beat_scores(song.beats, song.downbeats, out["beats"],
                                      out["downbeats"])
                ok1, ok2 = _tempo_scores(out["tempo"], song.tempo)
                scores.update(tempo=float(out["tempo"]), tempo_acc1=ok1, tempo_acc2=ok2,
                              meter=int(out["meter"]), cpu_s=float(out["cpu_s"]),
                              **meter_scores(int(out["meter"]), song.meter))
                if len(ref_sections) > 1 and out["sections"] is not None:
                    scores["sections_f"] = float(mir_eval.segment.detection(
                        ref_sections, out["sections"], window=3.0, trim=True)[2])
                    scores["labels_f"] = label_agreement(ref_sections, ref_labels,
                                                         out["sections"], out["labels"])
                row[name] = scores
            rows.append(row)
            print(_format_devset_row(row, systems), flush=True)
    return rows


def _format_devset_row(row: dict, systems: tuple[str, ...]) -> str:
    text = f"{row['split']:8s} {row['song']:20s} m{row['meter']} {row['true_tempo']:6.1f}"
    for name in systems:
        o = row[name]
        sec = f"{o['sections_f']:.2f}" if "sections_f" in o else "  - "
        sec += f" {o['labels_f']:.2f}" if "labels_f" in o else "   - "
        text += (f" | {o['beat_f']:.2f} {o['downbeat_f']:.2f} {o['amlt']:.2f} "
                 f"{o['tempo']:6.1f}{' ' if o['tempo_acc1'] else '*'} m{o['meter']}"
                 f"{' ' if o['meter_ok'] else '*'} {sec} {o['cpu_s']:4.1f}s")
    return text


def devset_summary(rows: list[dict], systems: tuple[str, ...] = ("ours", "librosa"),
                   ) -> dict:
    """Mean of every metric per split and system (section F over songs with sections)."""
    out: dict = {}
    for split in dict.fromkeys(r["split"] for r in rows):
        part = [r for r in rows if r["split"] == split]
        out[split] = {}
        for name in systems:
            out[split][name] = {"songs": len(part)}
            for metric in DEVSET_METRICS:
                values = [float(r[name][metric]) for r in part if metric in r[name]]
                out[split][name][metric] = float(np.mean(values)) if values else float("nan")
    return out


def held_out_parts(rows: list[dict]) -> list[dict]:
    """The held-out rows again, as two parts: new arrangements of the dev styles (``ho:known``),
    and the styles written only for the held-out split (``ho:new``: shapes never tuned on)."""
    from benchmarks.devset import make_devset as ds

    new = set(ds.NEW_HELD_OUT_STYLES)
    return [{**r, "split": "ho:new" if r["song"].rsplit("_", 1)[0] in new else "ho:known"}
            for r in rows if r["split"] == "held_out"]


def module_parts(rows: list[dict]) -> list[dict]:
    """The modules rows again, by where their grid comes from: the file's own row highlights
    (``mod:head``) or the trackers' convention (``mod:conv``)."""
    return [{**r, "split": "mod:head" if r["truth_source"] == "header" else "mod:conv"}
            for r in rows if r["split"] == "modules"]


def _print_devset_summary(total: dict) -> None:
    print("-" * 100)
    print("split    system  | beat F  downbeat F  AMLt   tempo acc1  acc2   meter  (2=4)"
          "  sections F  labels F  CPU s/song")
    for split, systems in total.items():
        for name, s in systems.items():
            print(f"{split:8s} {name:7s} | {s['beat_f']:.3f}   {s['downbeat_f']:.3f}      "
                  f"{s['amlt']:.3f}  {s['tempo_acc1']:.2f}        {s['tempo_acc2']:.2f}   "
                  f"{s['meter_ok']:.2f}   {s['meter_ok_24']:.2f}   {s['sections_f']:.3f}       "
                  f"{s['labels_f']:.3f}"
                  f"     {s['cpu_s']:.2f}"
                  f"   ({s['songs']} songs)")


def main() -> None:
    from tests.synth_music import GENRES

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=list(DEFAULT_SEEDS))
    parser.add_argument("--genres", nargs="+", default=list(GENRES), choices=GENRES)
    parser.add_argument("--no-sections", action="store_true")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--devset", action="store_true",
                        help="score the real-instrument development set instead")
    parser.add_argument("--split", nargs="+", default=["dev", "held_out"],
                        choices=("dev", "held_out", "corpus", "corpus2", "corpus3", "modules"))
    parser.add_argument("--systems", nargs="+", default=["ours", "librosa"],
                        choices=("ours", "librosa"))
    args = parser.parse_args()
    if args.devset:
        systems = tuple(args.systems)
        rows = evaluate_devset(args.split, systems)
        total = devset_summary(rows + held_out_parts(rows) + module_parts(rows), systems)
        _print_devset_summary(total)
        if args.json:
            args.json.write_text(json.dumps({"rows": rows, "summary": total}, indent=1))
        return
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
