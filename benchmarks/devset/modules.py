"""A split of real game music: tracker modules (MOD, XM, S3M, IT) of Debian's game packages.

Tracker music is written on a grid: a pattern is a list of rows, a row lasts ``speed`` ticks
and a tick ``2.5 / tempo`` seconds, and the order list says which pattern plays when. So the
time of every row is exact, and so are beats and bars once one knows how many rows make a beat
and a bar. libopenmpt (Debian ``libopenmpt0``, through ctypes: :mod:`benchmarks.devset.openmpt`)
renders a module and reports its play position; stepping it in chunks of :data:`STEP` frames
gives the start of every row played (pattern breaks, jumps, loops and speed or tempo changes
included), and the song stops at its end or where it would repeat (``play.at_end`` = stop,
repeat count 0, subsong 0).

The grid (rows per beat, rows per bar):

- Impulse Tracker files store the editor's row highlights (rows per beat and per measure,
  header bytes 0x1E and 0x1F). When set away from the default 4/16 they are the composer's
  grid: ``truth_source`` = ``header``.
- Other files (MOD, XM, S3M) store none, and an IT file left at 4/16 tells nothing either:
  the trackers' convention below, ``truth_source`` = ``convention``.
- Either way the annotated beat is the level of the grid nearest :data:`TICKS_PER_BEAT` (24)
  ticks a beat at the module's mean speed (ticks a row): a tracker's tempo is the BPM of 24
  ticks (4 rows at speed 6, FastTracker's and ProTracker's "BPM"), so the beat's BPM is the
  tempo the composer typed, as near as the grid allows. The levels: from the header the
  highlight (in a bar of 6, 9 or 12 highlights, 3 of them: a compound bar's dotted beat), its
  multiples dividing the bar, then the bar and its doubles; by convention 1, 2, 4, 8, 16 or 32
  rows. Every Pingus module
  with its own highlights sets them so (6 rows at speed 4; 12 at speed 2). By convention a
  module at speed 3 has 8 rows a beat, at speed 5 to 8 4 rows, at speed 2 16 rows; at speed 4
  the grid cannot hold 24 ticks (6 rows), and 8 rows (32 ticks) is nearer than 4 (16 ticks).
  By convention the bar is 4 beats; from the header it is the major highlight, or 4 beats when
  the beat is the highlighted bar itself.
- Beats and bar lines count rows inside each pattern (as a tracker's highlights do), so a
  pattern break starts a new bar; a pattern cut short makes a short bar.
- Tempo: the BPM of the beat that lasts longest. Meter: beats per bar.
- Sections, from the order list (a convention too): collapsing repeated orders of one pattern,
  a section starts where the order list returns to a pattern already played (not continuing
  the earlier run) and where new patterns follow such a return; at least
  :data:`MIN_SECTION_BARS` bars apart and from the end, labelled by the pattern that starts
  them. A module whose order list never returns has one section (not scored).

Each module is cut on a bar line at most :data:`MAX_SECONDS` in, the last
:data:`FADE_SECONDS` faded (a module ending sooner is played to its end); modules shorter
than :data:`MIN_SECONDS` (jingles) are left out. Rendered stereo at 44.1 kHz to FLAC, the
truth beside it as JSON (the keys of ``make_devset.DevSong.truth()`` and the module's own:
package, path, format, grid), in the development set's cache
(``$MUSIC_VISUALIZER_DEVSET``).

The modules are read from Debian's packages unpacked under :func:`source_root`
(``$MUSIC_VISUALIZER_MODULES``; ``--fetch`` downloads and unpacks them with ``apt-get
download`` and ``dpkg-deb -x``). They were chosen by metadata only (package, length, format),
never by listening or analysing the audio; nobody tunes on them.

    python -m benchmarks.devset.modules --fetch            # apt-get download + unpack (once)
    python -m benchmarks.devset.modules --out /work/modcache
    MUSIC_VISUALIZER_DEVSET=/work/modcache python benchmarks/analysis_quality.py --devset \\
        --split modules
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from benchmarks.devset import make_devset as ds
from benchmarks.devset.openmpt import Module

SR = 44100
STEP = 16  # frames a read while following the rows (0.36 ms)
MAX_SECONDS = 90.0
MIN_SECONDS = 30.0
FADE_SECONDS = 2.0
TICKS_PER_BEAT = 24  # a tracker's tempo is the BPM of 24 ticks (4 rows at speed 6)
TEMPO_TOLERANCE = 0.005  # beats within 0.5 % of each other have one tempo
MIN_SECTION_BARS = 4
DEFAULT_GRID = (4, 16)  # the trackers' default highlights: rows per beat, rows per bar
RENDER_VERSION = "3"  # in the cache's file names: bump when the rendering or the truth changes


@dataclass(frozen=True)
class Entry:
    """A module of a Debian package: where it is, its license."""

    name: str
    package: str
    path: str  # inside the package
    license: str


def _e(package: str, path: str, license: str) -> Entry:
    stem = Path(path).stem.lower().replace("-", "_").replace(" ", "_")
    return Entry(f"mod_{package.split('-')[0]}_{stem}", package, path, license)


_PINGUS = "usr/share/games/pingus/data/music/"
_TECNO = "usr/share/games/tecnoballz/musics/"
_HEROES = "usr/share/games/heroes/mod/"
_BOMBER = "usr/share/games/bomberclone/music/"
_CIRCUS = "usr/share/games/circuslinux/data/music/"
_PENGUIN = "usr/share/games/penguin-command/sound/"
_RILI = "usr/share/games/ri-li/Ri-li/Sounds/"
_POWER = "usr/share/games/powermanga/sounds/"

#: The split, fixed. Chosen by metadata: every module of these packages lasting at least
#: MIN_SECONDS, at most 6 a package in file-name order (pingus: its 5 files with their own
#: highlights and the first 5 others), without pingus-2 (a game-over jingle at speed 255, rows
#: of seconds), tecnoballz's area1-game2 (area1-game saved again as XM) and penguin-command's
#: icefront and ramagard (their speed goes from 8 to 4 and to 3 for 30 s and more: a new
#: resolution or a new tempo, one grid cannot tell).
ENTRIES: tuple[Entry, ...] = (
    *(_e("pingus-data", _PINGUS + f, "GPL-2+") for f in (
        "pingus-1.it", "pingus-3.it", "pingus-4.it", "pingus-7.it", "pingus-8.it",
        "gd-giirm.s3m", "gd-matth.it", "gd-myla.it", "goin_march.it", "pingus-5.it")),
    *(_e("tecnoballz-data", _TECNO + f, "GPL-3+") for f in (
        "area1-game.mod", "area2-game.mod", "area3-game.mod", "area4-game.mod",
        "area5-game.mod", "fridge-in-space_from_reg-zbb.mod")),
    *(_e("heroes-sound-tracks", _HEROES + f, "GPL-2+") for f in (
        "endscroll.xm", "heroes01.xm", "heroes02.xm", "heroes03.xm", "heroes04.xm",
        "heroes05.xm")),
    *(_e("bomberclone-data", _BOMBER + f, "GPL-2") for f in (
        "cerror-bobmberclone.xm", "cerror-bomberclone_numero_2.xm", "cinderella_clown.mod",
        "mario_is_a_weenie.xm")),
    *(_e("circuslinux-data", _CIRCUS + f, "GPL-2+") for f in (
        "finally.mod", "hiscore.mod", "kaupunki.mod", "klovninarki.mod")),
    *(_e("penguin-command", _PENGUIN + f, "GPL-2+") for f in (
        "datajack.s3m",)),
    *(_e("ri-li-data", _RILI + f, "GPL-2 or GPL-3") for f in ("jeu1.xm", "jeu2.xm", "menu.mod")),
    *(_e("powermanga-data", _POWER + f, "GPL-3+") for f in (
        "music_congratulations.zik", "music_game.zik", "music_menu.zik")),
    _e("ceferino-data", "usr/share/games/ceferino/music/menu.xm", "GPL-2+"),
)

PACKAGES = tuple(dict.fromkeys(e.package for e in ENTRIES))


def source_root() -> Path:
    return Path(os.environ.get("MUSIC_VISUALIZER_MODULES", "/work/modsrc/x"))


def module_file(entry: Entry, root: Path | None = None) -> Path | None:
    """The module's file: unpacked under ``root/<package>/`` or installed at ``/<path>``."""
    for path in ((root or source_root()) / entry.package / entry.path, Path("/") / entry.path):
        if path.exists():
            return path
    return None


def fetch(root: Path | None = None) -> None:
    """Download the packages of :data:`ENTRIES` (``apt-get download``) and unpack each into
    ``root/<package>/`` (``dpkg-deb -x``)."""
    root = root or source_root()
    debs = root.parent / "debs"
    debs.mkdir(parents=True, exist_ok=True)
    subprocess.run(["apt-get", "download", *PACKAGES], cwd=debs, check=True)
    for package in PACKAGES:
        deb = sorted(debs.glob(f"{package}_*.deb"))[-1]
        (root / package).mkdir(parents=True, exist_ok=True)  # dpkg-deb makes only the last
        subprocess.run(["dpkg-deb", "-x", str(deb), str(root / package)], check=True)


# ---------------------------------------------------------------------------------------------
# Playing: the start of every row
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Row:
    """A row as played: when it starts (s), its order, pattern, row in the pattern, speed and
    tempo."""

    time: float
    order: int
    pattern: int
    row: int
    speed: int
    tempo: int


@dataclass
class Playback:
    """A module played once: its rows, its audio (stereo float32) and where the song ended."""

    rows: list[Row]
    audio: np.ndarray
    end: float  # seconds: the song's end, or where the reading stopped
    finished: bool  # the song ended before the limit
    info: dict = field(default_factory=dict)


def play(data: bytes, max_seconds: float | None = None, sr: int = SR, step: int = STEP,
         ) -> Playback:
    """Render ``data`` (a module) from its start to its end or ``max_seconds``, noting where
    every row starts (a chunk's middle, within ``step / 2`` frames)."""
    limit = None if max_seconds is None else int(max_seconds * sr)
    chunks, rows, n, last = [], [], 0, None
    buf = np.zeros(2 * 4096, np.float32)
    with Module(data) as mod:
        info = {"format": mod.metadata("type"), "tracker": mod.metadata("tracker"),
                "title": mod.metadata("title").strip(), "channels": mod.channels(),
                "orders": mod.orders()}
        finished = True
        block = np.zeros(2 * 4096, np.float32)
        filled = 0
        while True:
            if limit is not None and n >= limit:
                finished = False
                break
            k = mod.read(sr, step, buf)
            if k == 0:
                break
            pos = mod.position()
            if pos[:3] != last:
                rows.append(Row((n + k / 2) / sr if rows else 0.0, *pos))
                last = pos[:3]
            block[2 * filled:2 * (filled + k)] = buf[:2 * k]
            filled += k
            n += k
            if filled + step > 4096:
                chunks.append(block[:2 * filled].copy())
                filled = 0
        chunks.append(block[:2 * filled].copy())
    if finished and len(rows) > 1 and rows[-1].time >= (n - step) / sr:
        rows.pop()  # the song wrapped to its start in its last chunk: no row of it is played
    audio = np.concatenate(chunks).reshape(-1, 2) if chunks else np.zeros((0, 2), np.float32)
    return Playback(rows, audio, n / sr, finished, info)


# ---------------------------------------------------------------------------------------------
# The truth: the grid, beats, bars, tempo, sections
# ---------------------------------------------------------------------------------------------

def header_highlights(data: bytes) -> tuple[int, int] | None:
    """The row highlights an Impulse Tracker (or OpenMPT's IT / MPTM) file stores: rows per
    beat and rows per measure (header bytes 0x1E, 0x1F), or None (other formats, unset)."""
    if data[:4] != b"IMPM" or len(data) < 0x20:
        return None
    beat, measure = data[0x1E], data[0x1F]
    if beat == 0 or measure == 0:
        return None
    return beat, measure


def row_seconds(speed: int, tempo: int) -> float:
    """A row's length in classic tempo mode: ``speed`` ticks of ``2.5 / tempo`` seconds."""
    return 2.5 / tempo * speed


def mean_speed(rows: list[Row]) -> float:
    """Ticks a row on average over the rows played (a groove alternating speeds 6 and 3, a
    tracker's swing, is 4.5)."""
    return float(np.mean([r.speed for r in rows]))


def _levels(beat: int, measure: int, from_header: bool) -> list[tuple[int, int]]:
    """Candidate (rows per beat, rows per bar), finest first: by convention 4 rows a beat
    halved or doubled, 4 beats a bar; from the header the highlight (3 of them in a compound
    bar of 6, 9 or 12), its multiples dividing the bar, then the bar and its doubles (4 a
    bar)."""
    if not from_header:
        return [(2 ** k, 2 ** k * 4) for k in range(6)]
    first = beat * 3 if measure // beat in (6, 9, 12) else beat  # compound: dotted beats
    out = [(b, measure) for b in range(first, measure, first) if measure % b == 0]
    return out + [(measure * 2 ** k, measure * 2 ** k * 4) for k in range(4)]


def choose_grid(highlights: tuple[int, int] | None, speed: float) -> tuple[int, int, str]:
    """Rows per beat, rows per bar and the source (``header`` or ``convention``) at ``speed``
    ticks a row (on average): the level of the grid nearest :data:`TICKS_PER_BEAT` ticks a beat (the
    tracker's tempo is then the beat's BPM)."""
    from_header = highlights is not None and highlights != DEFAULT_GRID
    beat, measure = highlights if from_header else DEFAULT_GRID
    if from_header and measure % beat:
        measure = beat * 4
    levels = _levels(beat, measure, from_header)
    b, m = min(levels, key=lambda lv: abs(np.log(lv[0] * speed / TICKS_PER_BEAT)))
    return b, m, "header" if from_header else "convention"


def grid_times(rows: list[Row], rows_per_beat: int, rows_per_bar: int, end: float,
               ) -> tuple[np.ndarray, np.ndarray]:
    """Beats and bar lines before ``end``: the rows whose number in their pattern is a multiple
    of ``rows_per_beat`` (``rows_per_bar``)."""
    beats = [r.time for r in rows if r.row % rows_per_beat == 0 and r.time < end - 1e-6]
    bars = [r.time for r in rows if r.row % rows_per_bar == 0 and r.time < end - 1e-6]
    return np.array(beats), np.array(bars)


def longest_tempo(beats: np.ndarray, end: float) -> float:
    """The BPM of the beat that lasts longest: beats within :data:`TEMPO_TOLERANCE` of each
    other count as one tempo (the row times are exact to a read's few frames), its median."""
    periods = np.diff(np.append(beats, end))
    if len(periods) > 1:
        periods = periods[:-1]  # the last beat may be cut
    order = np.sort(periods)
    groups: list[list[float]] = []
    for p in order:
        if groups and p <= groups[-1][0] * (1 + TEMPO_TOLERANCE):
            groups[-1].append(float(p))
        else:
            groups.append([float(p)])
    best = max(groups, key=sum)
    return round(60.0 / float(np.median(best)), 2)


def cut_time(downbeats: np.ndarray, playback: Playback, max_seconds: float = MAX_SECONDS,
             ) -> float:
    """Where the split's audio stops: the song's end when it ends within ``max_seconds``, else
    the last bar line at most ``max_seconds`` in."""
    if playback.finished and playback.end <= max_seconds:
        return playback.end
    inside = downbeats[(downbeats > 0) & (downbeats <= max_seconds + 1e-6)]
    return float(inside[-1]) if len(inside) else min(playback.end, max_seconds)


def order_runs(rows: list[Row]) -> list[tuple[float, int]]:
    """(start, pattern) of every stretch of the song playing one order (an order entry played
    again later starts a new stretch)."""
    out: list[tuple[float, int]] = []
    previous = None
    for r in rows:
        if r.order != previous:
            out.append((r.time, r.pattern))
            previous = r.order
    return out


def section_starts(patterns: list[int]) -> list[int]:
    """Indices of ``patterns`` (the patterns played, in order) where a section starts: the
    first; a return to a pattern played before, unless it follows the pattern it followed
    then (the return goes on); the first new pattern after a return. A pattern played again at
    once is one stretch."""
    starts = [0]
    seq = [(i, p) for i, p in enumerate(patterns) if i == 0 or p != patterns[i - 1]]
    returned = False
    for k in range(1, len(seq)):
        i, p = seq[k]
        earlier = [e for e in range(k) if seq[e][1] == p]
        if earlier:
            if not any(e > 0 and seq[e - 1][1] == seq[k - 1][1] for e in earlier):
                starts.append(i)
            returned = True
        elif returned:
            starts.append(i)
            returned = False
    return starts


def sections_of(rows: list[Row], downbeats: np.ndarray, end: float,
                ) -> tuple[tuple[float, float, str], ...]:
    """Sections from the order list (:func:`section_starts`), each moved to the next bar line,
    at least :data:`MIN_SECTION_BARS` bars apart and from the end, labelled by the pattern
    starting them (a return to it gets its label again)."""
    runs = order_runs([r for r in rows if r.time < end])
    if not runs or len(downbeats) == 0:
        return ((0.0, end, "A"),)
    patterns = [p for _, p in runs]
    cuts: list[tuple[float, int]] = [(0.0, patterns[0])]
    for i in section_starts(patterns)[1:]:
        later = downbeats[downbeats >= runs[i][0] - 1e-6]
        if not len(later):
            continue
        t = float(later[0])
        since = np.sum((downbeats >= cuts[-1][0] - 1e-6) & (downbeats < t - 1e-6))
        left = np.sum(downbeats >= t - 1e-6)
        if since >= MIN_SECTION_BARS and left >= MIN_SECTION_BARS:
            cuts.append((t, patterns[i]))
    labels: dict[int, str] = {}
    out = []
    for (a, p), b in zip(cuts, [*[c for c, _ in cuts[1:]], end], strict=True):
        labels.setdefault(p, chr(ord("A") + len(labels)))
        out.append((a, b, labels[p]))
    return tuple(out)


# ---------------------------------------------------------------------------------------------
# The songs
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ModuleSong:
    """A module of the split, cut, with its exact truth (the fields ``analysis_quality`` reads
    from a ``make_devset.DevSong``) and where it comes from."""

    name: str
    style: str
    beats: np.ndarray
    downbeats: np.ndarray
    meter: int
    tempo: float
    sections: tuple[tuple[float, float, str], ...]
    duration: float
    package: str
    path: str
    license: str
    format: str
    rows_per_beat: int
    rows_per_bar: int
    truth_source: str  # "header" (the file's own highlights) or "convention"
    digest: str
    ticks_per_beat: int = TICKS_PER_BEAT  # at the mean speed (24: the tracker's tempo)
    drums: bool | None = None  # not known
    signature: tuple[int, int] = (4, 4)

    def truth(self) -> dict:
        return {"name": self.name, "style": self.style, "beats": self.beats.tolist(),
                "downbeats": self.downbeats.tolist(), "meter": self.meter, "tempo": self.tempo,
                "sections": [list(s) for s in self.sections], "drums": self.drums,
                "signature": list(self.signature), "duration": self.duration,
                "package": self.package, "path": self.path, "license": self.license,
                "format": self.format, "rows_per_beat": self.rows_per_beat,
                "rows_per_bar": self.rows_per_bar, "truth_source": self.truth_source,
                "digest": self.digest, "ticks_per_beat": self.ticks_per_beat}

    @classmethod
    def from_truth(cls, t: dict) -> ModuleSong:
        return cls(name=t["name"], style=t["style"], beats=np.array(t["beats"]),
                   downbeats=np.array(t["downbeats"]), meter=int(t["meter"]),
                   tempo=float(t["tempo"]),
                   sections=tuple((float(a), float(b), str(c)) for a, b, c in t["sections"]),
                   duration=float(t["duration"]), package=t["package"], path=t["path"],
                   license=t["license"], format=t["format"],
                   rows_per_beat=int(t["rows_per_beat"]), rows_per_bar=int(t["rows_per_bar"]),
                   truth_source=t["truth_source"], digest=t["digest"],
                   ticks_per_beat=int(t["ticks_per_beat"]), drums=t["drums"],
                   signature=(int(t["signature"][0]), int(t["signature"][1])))


def digest_of(data: bytes) -> str:
    return hashlib.sha1(data + RENDER_VERSION.encode()).hexdigest()[:12]


def truth_of(entry: Entry, data: bytes, playback: Playback) -> ModuleSong:
    """The song of ``entry`` (module ``data`` played as ``playback``): grid, beats, bars,
    tempo and sections up to the cut."""
    rows = playback.rows
    speed = mean_speed(rows)
    per_beat, per_bar, source = choose_grid(header_highlights(data), speed)
    beats, downbeats = grid_times(rows, per_beat, per_bar, playback.end)
    end = cut_time(downbeats, playback)
    beats, downbeats = beats[beats < end - 1e-6], downbeats[downbeats < end - 1e-6]
    meter = per_bar // per_beat
    return ModuleSong(
        name=entry.name, style=f"module:{entry.package}/{Path(entry.path).name}",
        beats=beats, downbeats=downbeats, meter=meter, tempo=longest_tempo(beats, end),
        sections=sections_of(rows, downbeats, end), duration=end, package=entry.package,
        path=entry.path, license=entry.license, format=playback.info["format"],
        rows_per_beat=per_beat, rows_per_bar=per_bar, truth_source=source,
        digest=digest_of(data), ticks_per_beat=round(per_beat * speed), signature=(meter, 4))


def finish_audio(audio: np.ndarray, end: float, fade: bool, sr: int = SR) -> np.ndarray:
    """``audio`` up to ``end`` seconds, its last :data:`FADE_SECONDS` faded out when ``fade``,
    its peak at 0.9."""
    y = audio[: round(end * sr)].astype(np.float32)
    if fade:
        n = min(len(y), int(FADE_SECONDS * sr))
        y[len(y) - n:] *= np.linspace(1.0, 0.0, n, dtype=np.float32)[:, None]
    peak = float(np.abs(y).max()) if len(y) else 0.0
    return y / peak * 0.9 if peak > 0 else y


def make_song(entry: Entry, cache: Path | None = None) -> ModuleSong:
    """The song of ``entry``, rendered into ``cache`` on first use (a ``.flac`` and its
    ``.json`` truth, named by a hash of the module). Without the module file, the cached truth
    (any render of it) is read back."""
    import soundfile as sf

    cache = cache or ds.default_cache()
    path = module_file(entry)
    if path is None:
        cached = sorted(cache.glob(f"{entry.name}-*.json"))
        if not cached:
            raise FileNotFoundError(f"{entry.path} of {entry.package}: not unpacked under "
                                    f"{source_root()} (python -m benchmarks.devset.modules "
                                    "--fetch) and not in the cache")
        return ModuleSong.from_truth(json.loads(cached[-1].read_text()))
    data = path.read_bytes()
    out = cache / f"{entry.name}-{digest_of(data)}.flac"
    if out.exists() and out.with_suffix(".json").exists():
        return ModuleSong.from_truth(json.loads(out.with_suffix(".json").read_text()))
    playback = play(data, MAX_SECONDS + 1.0)
    song = truth_of(entry, data, playback)
    y = finish_audio(playback.audio, song.duration, fade=song.duration < playback.end - 1e-3)
    cache.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".part.flac")
    sf.write(tmp, y, SR, format="FLAC")
    tmp.rename(out)
    out.with_suffix(".json").write_text(json.dumps(song.truth()))
    return song


def render(song: ModuleSong, cache: Path | None = None) -> Path:
    """The rendered file of ``song`` (made by :func:`make_song`)."""
    return (cache or ds.default_cache()) / f"{song.name}-{song.digest}.flac"


def songs(cache: Path | None = None) -> list[ModuleSong]:
    """The songs of the split, in :data:`ENTRIES` order (rendered on first use)."""
    return [make_song(e, cache) for e in ENTRIES]


def table(rows: list[ModuleSong]) -> str:
    """The split as a Markdown table (the devset README's)."""
    out = ["| module | package (license) | format | meter, rows a beat / a bar | tempo (ticks "
           "a beat) | length | grid | sections |", "| --- | --- | --- | --- | --- | --- | --- "
           "| --- |"]
    for s in rows:
        labels = "".join(label for _, _, label in s.sections)
        out.append(f"| `{s.name}`: {Path(s.path).name} | {s.package} ({s.license}) | "
                   f"{s.format.upper()} | {s.meter}, {s.rows_per_beat} / {s.rows_per_bar} | "
                   f"{s.tempo:.1f} ({s.ticks_per_beat}) | {s.duration:.0f} s | "
                   f"{s.truth_source} | {labels if len(labels) > 1 else '1 (not scored)'} |")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--only", nargs="+", default=None)
    parser.add_argument("--fetch", action="store_true",
                        help="apt-get download the packages and unpack them first")
    parser.add_argument("--table", action="store_true", help="print the split as Markdown")
    args = parser.parse_args()
    if args.fetch:
        fetch()
    if args.table:
        print(table(songs(args.out)))
        return
    for entry in ENTRIES:
        if args.only and entry.name not in args.only:
            continue
        s = make_song(entry, args.out)
        print(f"{s.name:36s} {s.format:4s} {s.rows_per_beat}/{s.rows_per_bar} rows "
              f"({s.truth_source:10s}, {s.ticks_per_beat} ticks) meter {s.meter} "
              f"{s.tempo:6.1f} BPM {s.duration:5.1f} s "
              f"{''.join(label for _, _, label in s.sections)}", flush=True)


if __name__ == "__main__":
    main()
