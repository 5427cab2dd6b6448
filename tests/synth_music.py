"""Synthesized songs with exact ground truth (beats, downbeats, sections, key), numpy only.

- :class:`SynthSong`   the audio plus its ground truth
- :data:`GENRES`       the genres :func:`synth_song` knows
- :func:`synth_song`   ``genre, seed`` -> :class:`SynthSong` (deterministic by seed)

A song is a drum kit (kick, snare/clap, hats, ride, crash, toms; velocity variation, ghost notes,
fills, timing jitter, swing), a bass line, a harmonic layer (piano, pad, stabs, guitar chords)
following a chord progression that changes on bar lines, and a melody, arranged in sections
(intro, verse, chorus, verse, chorus, breakdown, chorus, outro) that differ in instrumentation,
chords and energy; repeated sections repeat the same chords and melody. The ground truth is the
nominal grid: each beat is the instant the notes on it start (before timing jitter, which is
zero-mean). Timbres are additive synthesis, one-shots are made once per song and pasted, so a
minute of audio takes a fraction of a second.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["GENRES", "SynthSong", "synth_song"]

GENRES: tuple[str, ...] = ("pop", "rock", "house", "hiphop_swing", "funk", "dnb", "waltz",
                           "ballad", "tempo_change")

_NOTE_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
_MAJOR = (0, 2, 4, 5, 7, 9, 11)
_MINOR = (0, 2, 3, 5, 7, 8, 10)


@dataclass(frozen=True, eq=False)
class SynthSong:
    """A synthesized song and its ground truth.

    Attributes
    ----------
    audio : np.ndarray [shape=(n,)], float32
        Mono samples in [-1, 1].
    sr : int
        Sample rate.
    beats, downbeats : np.ndarray, float64
        Beat and downbeat times in seconds (downbeats are a subset of beats).
    sections : tuple of (start, end, label)
        Contiguous sections covering ``[0, duration]``; repeated material has the same label.
    meter : int
        Beats per bar (3 or 4).
    tempo : float or None
        Tempo in BPM, ``None`` when it changes during the song.
    genre : str
        One of :data:`GENRES`.
    key : str
        The key, e.g. ``"A minor"``.
    """

    audio: np.ndarray
    sr: int
    beats: np.ndarray
    downbeats: np.ndarray
    sections: tuple[tuple[float, float, str], ...]
    meter: int
    tempo: float | None
    genre: str
    key: str = ""
    tempo_curve: tuple[tuple[float, float], ...] = field(default=())  # (start time, BPM)

    @property
    def duration(self) -> float:
        return len(self.audio) / self.sr


# ---------------------------------------------------------------------------------------------
# Genre descriptions
# ---------------------------------------------------------------------------------------------

# Drum patterns on a 16th grid (4 steps per beat): instrument -> ((step, velocity), ...).
_PATTERNS: dict[str, dict[str, tuple[tuple[int, float], ...]]] = {
    "pop": {"kick": ((0, 1.0), (8, 0.9), (10, 0.6)), "snare": ((4, 0.9), (12, 0.95)),
            "hat": tuple((s, 0.7 if s % 4 == 0 else 0.45) for s in range(0, 16, 2))},
    "rock": {"kick": ((0, 1.0), (6, 0.7), (8, 0.95), (10, 0.75)),
             "snare": ((4, 1.0), (12, 1.0)),
             "hat": tuple((s, 0.75 if s % 4 == 0 else 0.55) for s in range(0, 16, 2))},
    "house": {"kick": ((0, 1.0), (4, 1.0), (8, 1.0), (12, 1.0)), "clap": ((4, 0.9), (12, 0.9)),
              "hat": tuple((s, 0.35) for s in range(0, 16) if s % 4 != 2),
              "open": ((2, 0.6), (6, 0.6), (10, 0.6), (14, 0.6))},
    "hiphop_swing": {"kick": ((0, 1.0), (7, 0.7), (10, 0.9)), "snare": ((4, 1.0), (12, 1.0)),
                     "hat": tuple((s, (0.6, 0.3, 0.45, 0.3)[s % 4]) for s in range(16))},
    "funk": {"kick": ((0, 1.0), (3, 0.6), (6, 0.7), (10, 0.85)), "snare": ((4, 1.0), (12, 1.0)),
             "ghost": ((2, 0.2), (7, 0.25), (9, 0.2), (15, 0.25)),
             "hat": tuple((s, (0.7, 0.3, 0.5, 0.3)[s % 4]) for s in range(16) if s != 14),
             "open": ((14, 0.5),)},
    "dnb": {"kick": ((0, 1.0), (10, 0.85)), "snare": ((4, 1.0), (12, 1.0)),
            "ghost": ((7, 0.25), (15, 0.2)),
            "hat": tuple((s, 0.55 if s % 4 == 0 else 0.4) for s in range(0, 16, 2))},
    "waltz": {"kick": ((0, 0.8),), "snare": ((4, 0.3), (8, 0.3)),
              "hat": tuple((s, 0.35 if s % 4 == 0 else 0.2) for s in range(0, 12, 2))},
    "ballad": {"kick": ((0, 0.45), (10, 0.3)), "rim": ((4, 0.35), (12, 0.35)),
               "hat": tuple((s, 0.15) for s in range(0, 16, 2))},
}
_PATTERNS["tempo_change"] = _PATTERNS["pop"]

# Bass rhythm: ((step, duration in steps, scale-degree offset in semitones from the root), ...).
_BASS: dict[str, tuple[tuple[int, int, int], ...]] = {
    "pop": tuple((s, 2, 0) for s in range(0, 16, 2)),
    "rock": tuple((s, 2, 0) for s in range(0, 16, 2)),
    "house": ((2, 2, 0), (6, 2, 0), (10, 2, 0), (14, 2, 12)),
    "hiphop_swing": ((0, 6, 0), (7, 3, 0), (10, 5, 7)),
    "funk": ((0, 2, 0), (3, 1, 12), (6, 1, 0), (8, 2, 7), (10, 1, 0), (11, 1, 12), (14, 2, 10)),
    "dnb": ((0, 10, 0), (10, 6, 0)),
    "waltz": ((0, 4, 0),),
    "ballad": ((0, 16, 0),),
}
_BASS["tempo_change"] = _BASS["pop"]

# Harmonic layer: (instrument, ((step, duration in steps), ...)); None duration = to bar end.
_CHORDS: dict[str, tuple[str, tuple[tuple[int, int], ...]]] = {
    "pop": ("piano", ((0, 6), (6, 2), (8, 6), (14, 2))),
    "rock": ("guitar", tuple((s, 2) for s in range(0, 16, 2))),
    "house": ("stab", ((2, 1), (6, 1), (10, 1), (14, 1))),
    "hiphop_swing": ("epiano", ((0, 10), (10, 6))),
    "funk": ("chank", ((2, 1), (5, 1), (7, 1), (10, 1), (13, 1), (15, 1))),
    "dnb": ("stab", ((0, 2), (6, 2), (10, 2))),
    "waltz": ("piano", ((4, 3), (8, 3))),
    "ballad": ("piano", ((0, 16),)),
}
_CHORDS["tempo_change"] = _CHORDS["pop"]

_TEMPO = {"pop": (95, 125), "rock": (110, 150), "house": (120, 128), "hiphop_swing": (85, 95),
          "funk": (95, 115), "dnb": (165, 175), "waltz": (80, 180), "ballad": (60, 75),
          "tempo_change": (96, 104)}

# Song form: (label, weight in units of bars); a unit is 2, 4 or 8 bars so the song is 60-120 s.
_FORM = (("intro", 1), ("verse", 2), ("chorus", 2), ("verse", 2), ("chorus", 2),
         ("breakdown", 1), ("chorus", 2), ("outro", 1))

# Per section: which layers play and the section's level.
_ARRANGE = {
    "intro": dict(drums="hats", bass=False, chords=False, pad=True, arp=True, melody=False,
                  gain=0.55),
    "verse": dict(drums="light", bass=True, chords=True, pad=False, arp=False, melody=True,
                  gain=0.8),
    "chorus": dict(drums="full", bass=True, chords=True, pad=True, arp=False, melody=True,
                   gain=1.0),
    "breakdown": dict(drums="none", bass=False, chords=False, pad=True, arp=True, melody=True,
                      gain=0.5),
    "outro": dict(drums="light", bass=True, chords=False, pad=True, arp=False, melody=False,
                  gain=0.6),
}

_PROGRESSIONS = {  # scale degrees (0-based), one chord per bar
    "major": {"intro": (0, 3), "verse": (0, 5, 3, 4), "chorus": (3, 0, 4, 5),
              "breakdown": (5, 3), "outro": (3, 4, 0, 0)},
    "minor": {"intro": (0, 5), "verse": (0, 5, 2, 6), "chorus": (5, 2, 6, 0),
              "breakdown": (3, 0), "outro": (5, 6, 0, 0)},
}


# ---------------------------------------------------------------------------------------------
# Sounds
# ---------------------------------------------------------------------------------------------

def _env(n: int, sr: int, attack: float, release: float) -> np.ndarray:
    e = np.ones(n, dtype=np.float32)
    a = min(n, max(1, int(attack * sr)))
    r = min(n - a, max(1, int(release * sr)))
    e[:a] = np.linspace(0.0, 1.0, a, dtype=np.float32)
    if r > 0:
        e[n - r:] *= np.linspace(1.0, 0.0, r, dtype=np.float32)
    return e


def _harmonics(freq: float, n: int, sr: int, amps: np.ndarray, decays: np.ndarray) -> np.ndarray:
    """sum_k amps[k] * exp(-decays[k] t) * sin(2 pi (k+1) f t), by the sine recurrence."""
    t = np.arange(n, dtype=np.float64) / sr
    theta = 2 * np.pi * freq * t
    s_prev, s_cur = np.zeros(n), np.sin(theta)
    two_cos = 2 * np.cos(theta)
    out = np.zeros(n)
    for k in range(len(amps)):
        if (k + 1) * freq >= 0.45 * sr:
            break
        if amps[k]:
            out += amps[k] * (np.exp(-decays[k] * t) if decays[k] else 1.0) * s_cur
        s_prev, s_cur = s_cur, two_cos * s_cur - s_prev
    return out.astype(np.float32)


def _midi_hz(m: float) -> float:
    return 440.0 * 2.0 ** ((m - 69) / 12)


class _Sounds:
    """One-shot drums made once per song and tones cached by (instrument, pitch, length)."""

    def __init__(self, sr: int, rng: np.random.Generator) -> None:
        self.sr = sr
        self.cache: dict[tuple, np.ndarray] = {}
        self.drums = self._make_drums(rng)

    def _make_drums(self, rng: np.random.Generator) -> dict[str, np.ndarray]:
        sr = self.sr

        def t_(sec: float) -> np.ndarray:
            return np.arange(int(sec * sr)) / sr

        def hp(x: np.ndarray, times: int = 1) -> np.ndarray:
            for _ in range(times):
                x = np.diff(x, prepend=0.0)
            return x

        def lp(x: np.ndarray, width: int) -> np.ndarray:
            return np.convolve(x, np.ones(width) / width, mode="same")

        def norm(x: np.ndarray) -> np.ndarray:
            x = x * _env(len(x), sr, 0.0005, 0.005)
            return (x / np.abs(x).max()).astype(np.float32)

        d: dict[str, np.ndarray] = {}
        t = t_(0.45)
        f = 48 + 110 * np.exp(-t / 0.035)
        click = rng.standard_normal(len(t)) * np.exp(-t / 0.002) * 0.3
        d["kick"] = norm(np.sin(2 * np.pi * np.cumsum(f) / sr) * np.exp(-t / 0.18) + click)
        t = t_(0.3)
        noise = lp(hp(rng.standard_normal(len(t))), 3)
        d["snare"] = norm(0.6 * np.sin(2 * np.pi * 190 * t) * np.exp(-t / 0.05)
                          + 0.3 * np.sin(2 * np.pi * 330 * t) * np.exp(-t / 0.03)
                          + 0.55 * noise * np.exp(-t / 0.09))
        t = t_(0.25)
        burst = np.zeros(len(t))
        for off in (0.0, 0.011, 0.022):
            i = int(off * sr)
            burst[i:] += np.exp(-(t[: len(t) - i]) / (0.006 if off < 0.02 else 0.07))
        d["clap"] = norm(lp(hp(rng.standard_normal(len(t))), 4) * burst)
        t = t_(0.12)
        d["rim"] = norm(np.sin(2 * np.pi * 820 * t) * np.exp(-t / 0.012)
                        + 0.5 * hp(rng.standard_normal(len(t))) * np.exp(-t / 0.008))
        t = t_(0.08)
        d["hat"] = norm(hp(rng.standard_normal(len(t)), 2) * np.exp(-t / 0.018))
        t = t_(0.35)
        d["open"] = norm(hp(rng.standard_normal(len(t)), 2) * np.exp(-t / 0.11))
        t = t_(1.6)
        metal = sum(np.sin(2 * np.pi * f0 * t) for f0 in (3130, 4377, 5612, 7040))
        d["crash"] = norm((hp(rng.standard_normal(len(t)), 2) + 0.1 * metal) * np.exp(-t / 0.45))
        t = t_(0.6)
        d["ride"] = norm((0.4 * hp(rng.standard_normal(len(t)), 2) + 0.2 * metal[: len(t)])
                         * np.exp(-t / 0.25))
        t = t_(0.35)
        for name, f0 in (("tom_hi", 180.0), ("tom_lo", 110.0)):
            ff = f0 * (1 + 0.5 * np.exp(-t / 0.02))
            d[name] = norm(np.sin(2 * np.pi * np.cumsum(ff) / sr) * np.exp(-t / 0.12))
        return d

    def tone(self, kind: str, midi: int, n: int) -> np.ndarray:
        key = (kind, midi, n)
        if key in self.cache:
            return self.cache[key]
        sr, f = self.sr, _midi_hz(midi)
        k = np.arange(1, 13, dtype=np.float64)
        if kind == "piano" or kind == "epiano":
            amps = 1 / k**1.6 if kind == "piano" else np.r_[1, 0.15, 0.3, np.zeros(9)]
            decays = (0.9 + 0.6 * k) * (f / 262) ** 0.4
            x = _harmonics(f, n, sr, amps, decays) * _env(n, sr, 0.002, 0.06)
        elif kind == "pad":
            amps = 0.6 / k
            x = (_harmonics(f * 1.003, n, sr, amps[:6], np.zeros(6))
                 + _harmonics(f * 0.997, n, sr, amps[:6], np.zeros(6)))
            x *= _env(n, sr, min(0.25, n / sr / 3), min(0.2, n / sr / 3))
        elif kind == "stab":
            x = _harmonics(f, n, sr, 1 / k, 4 + 3 * k) * _env(n, sr, 0.002, 0.03)
        elif kind == "chank":
            x = _harmonics(f, n, sr, np.r_[0.3, 1, 0.8, 0.6, 0.4, 0.3, np.zeros(6)],
                           25 + 4 * k) * _env(n, sr, 0.001, 0.01)
        elif kind == "guitar":
            x = _harmonics(f, n, sr, 1 / k, 1.5 + 0.5 * k)
            x = np.tanh(3 * x) * _env(n, sr, 0.003, 0.02)
        elif kind == "bass":
            x = _harmonics(f, n, sr, np.r_[1, 0.5, 0.3, 0.15, np.zeros(8)], 2.5 + 1.5 * k)
            x *= _env(n, sr, 0.004, 0.02)
        elif kind == "sub":
            x = _harmonics(f, n, sr, np.r_[1, 0.15, np.zeros(10)], np.zeros(12))
            x *= _env(n, sr, 0.005, 0.03)
        elif kind == "lead":
            x = _harmonics(f, n, sr, np.where(k % 2 == 1, 1 / k, 0.1 / k), 0.8 + 0.2 * k)
            x *= _env(n, sr, 0.012, 0.04)
        else:
            raise ValueError(f"unknown instrument {kind!r}")
        x = x.astype(np.float32)
        self.cache[key] = x
        return x


# ---------------------------------------------------------------------------------------------
# The song
# ---------------------------------------------------------------------------------------------

def _form(bars: int | None, bar_seconds: float) -> list[tuple[str, int]]:
    weights = [w for _, w in _FORM]
    if bars is None:
        units = [u for u in (2, 4, 8) if sum(weights) * u * bar_seconds >= 60.0]
        unit = units[0] if units else 8
        return [(label, w * unit) for label, w in _FORM]
    if bars < 1:
        raise ValueError(f"bars={bars} must be at least 1")
    scale = bars / sum(weights)
    out: list[tuple[str, int]] = []
    used = 0
    for label, w in _FORM:
        n = min(max(1, round(w * scale)), bars - used)
        if n <= 0:
            break
        out.append((label, n))
        used += n
    out[-1] = (out[-1][0], out[-1][1] + bars - used)
    return out


def _chord_notes(root_pc: int, scale: tuple[int, ...], degree: int, seventh: bool) -> list[int]:
    """Pitch classes (as semitones above the key's C-octave root) of the chord on ``degree``."""
    notes = []
    for step in (0, 2, 4, 6) if seventh else (0, 2, 4):
        d = degree + step
        notes.append(root_pc + scale[d % 7] + 12 * (d // 7))
    return notes


def synth_song(genre: str, *, seed: int = 0, sr: int = 22050, bars: int | None = None,
               tempo: float | None = None) -> SynthSong:
    """Synthesize a song of ``genre`` with its exact ground truth.

    Parameters
    ----------
    genre : str
        One of :data:`GENRES`.
    seed : int
        Everything random (tempo, key, patterns, melody, jitter, noise) follows from it.
    sr : int
        Sample rate of the audio.
    bars : int or None
        Length in bars (the form is scaled to it); by default about 60-120 s.
    tempo : float or None
        The tempo in BPM (for ``tempo_change``, the first one); by default drawn from the
        genre's range.

    Returns
    -------
    SynthSong
    """
    if genre not in GENRES:
        raise ValueError(f"genre={genre!r} must be one of {GENRES}")
    rng = np.random.default_rng([seed, GENRES.index(genre)])
    meter = 3 if genre == "waltz" else 4
    steps = 4 * meter
    lo, hi = _TEMPO[genre]
    bpm = float(np.round(rng.uniform(lo, hi), 1))
    if tempo is not None:
        if not 30.0 <= tempo <= 300.0:
            raise ValueError(f"tempo={tempo} must be within 30..300 BPM")
        bpm = float(tempo)
    form = _form(bars, meter * 60.0 / (bpm * (1.3 if genre == "tempo_change" else 1.0)))
    n_bars = sum(n for _, n in form)

    # 1. The grid: tempo per beat, beat times; the tempo change at the section boundary
    #    nearest the middle of the song
    bar_bpm = np.full(n_bars, bpm)
    tempo: float | None = bpm
    if genre == "tempo_change" and len(form) > 1:
        starts = np.cumsum([0] + [n for _, n in form])[1:-1]
        change = int(starts[np.argmin(np.abs(starts - n_bars / 2))])
        factor = rng.uniform(1.22, 1.35)
        bpm2 = float(np.round(bpm * factor if rng.random() < 0.7 else bpm / factor, 1))
        bar_bpm[change:] = bpm2
        tempo = None
    beat_len = np.repeat(60.0 / bar_bpm, meter)
    offset = float(rng.uniform(0.15, 0.6))
    beat_times = offset + np.concatenate([[0.0], np.cumsum(beat_len)])  # incl. the final hit
    grid_beats = np.arange(len(beat_times) + 1, dtype=np.float64)
    grid_times = np.append(beat_times, beat_times[-1] + beat_len[-1])
    swing = rng.uniform(0.6, 0.66) if genre == "hiphop_swing" else 0.5

    def when(bar: int, step: float) -> float:
        """Seconds of a 16th step (fractional allowed) of a bar, with swing."""
        eighth, pos = divmod(step, 2)
        b = bar * meter + (eighth * 2 + (pos * 2 * swing if pos < 1 else pos)) / 4
        return float(np.interp(b, grid_beats, grid_times))

    tail = 2.5
    n_total = int((beat_times[-1] + tail) * sr)
    buses = {name: np.zeros(n_total, dtype=np.float32)
             for name in ("drums", "bass", "chords", "pad", "melody")}
    sounds = _Sounds(sr, rng)
    jitter_ms = {"house": 1.0, "dnb": 2.0, "ballad": 7.0}.get(genre, 4.0)

    def put(bus: str, t: float, x: np.ndarray, gain: float, jitter: float = jitter_ms) -> None:
        i = round((t + float(np.clip(rng.normal(0, jitter), -15, 15)) / 1000) * sr)
        i = max(i, 0)
        m = min(len(x), n_total - i)
        if m > 0:
            buses[bus][i:i + m] += gain * x[:m]

    # 2. Harmony: key, progressions per section label, melody per section label
    root_pc = int(rng.integers(12))
    mode = "minor" if rng.random() < 0.45 else "major"
    scale = _MINOR if mode == "minor" else _MAJOR
    seventh = genre in ("hiphop_swing", "funk")
    key_name = f"{_NOTE_NAMES[root_pc]} {mode}"
    progression = _PROGRESSIONS[mode]
    base = 48 + root_pc if root_pc < 6 else 36 + root_pc  # chord octave root, MIDI 42..53
    melodies: dict[str, list[list[tuple[float, float, int]]]] = {}

    def melody_for(label: str, degrees: tuple[int, ...]) -> list[list[tuple[float, float, int]]]:
        """A 2-bar phrase per chord pair, fixed per label: (step, length, midi) per bar."""
        if label in melodies:
            return melodies[label]
        mrng = np.random.default_rng([seed, GENRES.index(genre), *map(ord, label)])
        cells = ((4,), (2, 2), (3, 1), (2, 1, 1), (1, 1, 2), (8,))
        bars_out = []
        for degree in degrees:
            chord = [base + 24 + n for n in _chord_notes(0, scale, degree, False)]
            notes: list[tuple[float, float, int]] = []
            pos = 0
            while pos < steps:
                cell = cells[mrng.integers(len(cells))]
                if pos + sum(cell) > steps:
                    cell = (steps - pos,)
                for length in cell:
                    if pos % 4 == 0:  # on the beat: a chord tone
                        pitch = chord[mrng.integers(len(chord))]
                    else:
                        pitch = base + 24 + scale[int(mrng.integers(7))]
                    if pos == 0 or mrng.random() > 0.12:
                        notes.append((float(pos), float(length), int(pitch)))
                    pos += length
            bars_out.append(notes)
        melodies[label] = bars_out
        return bars_out

    pattern, bass_pat = _PATTERNS[genre], _BASS[genre]
    chord_inst, chord_pat = _CHORDS[genre]
    if genre == "waltz":
        bass_pat = ((0, 4, 0),)
    drums = sounds.drums

    # 3. Arrangement, bar by bar
    sections: list[tuple[float, float, str]] = []
    bar = 0
    for s_idx, (label, n_sec) in enumerate(form):
        arr = dict(_ARRANGE[label])
        if genre == "ballad":  # soft: piano throughout, drums only in the choruses
            arr.update(drums="soft" if label == "chorus" else "none", chords=True,
                       arp=label != "breakdown")
        gain = arr["gain"]
        degrees = progression[label]
        phrase = melody_for(label, degrees)
        sec_start = 0.0 if s_idx == 0 else when(bar, 0)
        for b_in in range(n_sec):
            degree = degrees[b_in % len(degrees)]
            chord = [base + n for n in _chord_notes(0, scale, degree, seventh)]
            root = base - 12 + scale[degree % 7]
            bar_end_t = when(bar + 1, 0)
            last_bar = b_in == n_sec - 1 and s_idx < len(form) - 1
            level = gain * rng.uniform(0.92, 1.0)

            # drums
            mode_d = arr["drums"]
            if genre == "house" and mode_d == "light":
                mode_d = "full"
            if mode_d != "none":
                for inst, hits in pattern.items():
                    if mode_d == "hats" and inst not in ("hat",):
                        continue
                    if mode_d == "light" and inst in ("open",):
                        continue
                    if mode_d == "soft" and genre != "ballad":
                        continue
                    for step, vel in hits:
                        if last_bar and step >= steps - 4 and inst in ("snare", "ghost", "clap"):
                            continue  # the fill plays there
                        v = vel * rng.uniform(0.85, 1.1)
                        if inst == "ghost" and rng.random() < 0.3:
                            continue
                        name = "snare" if inst == "ghost" else inst
                        if name == "hat" and genre == "rock" and label == "chorus":
                            name, v = "ride", v * 0.7
                        put("drums", when(bar, step), drums[name], level * v * 0.8)
                if b_in == 0 and mode_d == "full":
                    put("drums", when(bar, 0), drums["crash"], level * 0.5)
                # ghost notes on random 16ths (funk, hip-hop)
                if genre in ("funk", "hiphop_swing") and mode_d != "hats":
                    for step in range(1, steps, 2):
                        if rng.random() < 0.18:
                            put("drums", when(bar, step), drums["snare"], level * 0.15)
                # fill on the last beat before a new section
                if last_bar and mode_d in ("full", "light"):
                    fill = [(steps - 4, "snare"), (steps - 3, "snare"), (steps - 2, "tom_hi"),
                            (steps - 1, "tom_lo")]
                    if rng.random() < 0.5:
                        fill = [(steps - 4, "tom_hi"), (steps - 2, "snare"),
                                (steps - 1, "snare")]
                    for step, name in fill:
                        put("drums", when(bar, step), drums[name], level * rng.uniform(0.6, 0.9))
            if label == "breakdown" and b_in == n_sec - 1 and genre not in ("ballad", "waltz"):
                for step in range(0, steps):  # a snare roll building into the chorus
                    put("drums", when(bar, step), drums["snare"], gain * (0.15 + 0.5 * step
                                                                          / steps))

            # bass
            if arr["bass"]:
                kind = "sub" if genre == "dnb" else "bass"
                for step, dur, interval in bass_pat:
                    if genre == "waltz" and bar % 2 == 1:
                        interval = 7
                    n = int((when(bar, step + dur) - when(bar, step)) * sr * 0.95)
                    v = level * rng.uniform(0.85, 1.0) * (1.0 if step == 0 else 0.8)
                    put("bass", when(bar, step), sounds.tone(kind, root + interval, n), v)

            # chords
            if arr["chords"]:
                for step, dur in chord_pat:
                    n = int((when(bar, min(step + dur, steps)) - when(bar, step)) * sr)
                    notes = chord if chord_inst != "guitar" else [root + 12, root + 19, root + 24]
                    if chord_inst == "guitar" and label == "verse":
                        n = int(n * 0.5)  # palm-muted chugs
                    v = level * (1.0 if step == 0 else 0.75) * rng.uniform(0.85, 1.0)
                    for note in notes:
                        put("chords", when(bar, step), sounds.tone(chord_inst, note, n),
                            v / len(notes) ** 0.5)

            # pad (whole bar) and arpeggio (8ths over the chord)
            if arr["pad"]:
                n = int((bar_end_t - when(bar, 0)) * sr)
                for note in chord:
                    put("pad", when(bar, 0), sounds.tone("pad", note + 12, n), level * 0.35,
                        jitter=0.0)
            if arr["arp"]:
                arp_notes = [*chord, chord[0] + 12]
                arp_order = arp_notes + arp_notes[-2:0:-1]
                for j, step in enumerate(range(0, steps, 2)):
                    n = int((when(bar, step + 2) - when(bar, step)) * sr * 1.5)
                    v = level * (0.55 if step % 4 == 0 else 0.4)
                    put("chords", when(bar, step),
                        sounds.tone("piano", arp_order[j % len(arp_order)] + 12, n), v)

            # melody
            if arr["melody"] and (label != "verse" or genre not in ("house", "dnb")):
                for step, length, pitch in phrase[b_in % len(phrase)]:
                    n = int((when(bar, step + length) - when(bar, step)) * sr * 0.9)
                    put("melody", when(bar, step),
                        sounds.tone("lead" if genre != "ballad" else "piano", pitch, n),
                        level * (0.45 if label == "chorus" else 0.32))
            bar += 1
        sections.append((sec_start, when(bar, 0), label))

    # 4. The final hit on the downbeat after the last bar
    end_t = when(bar, 0)
    final = [base + n for n in _chord_notes(0, scale, 0, False)]
    for note in final:
        put("pad", end_t, sounds.tone("piano", note, int(tail * sr)), 0.5, jitter=0.0)
    put("bass", end_t, sounds.tone("bass", base - 12, int(tail * sr)), 0.7, jitter=0.0)
    if genre != "ballad":
        put("drums", end_t, drums["kick"], 0.8, jitter=0.0)
        put("drums", end_t, drums["crash"], 0.5, jitter=0.0)

    # 5. Mix: bus levels per genre, a quiet noise floor, peak-normalise with a soft clip
    mix_levels = {"drums": 1.0, "bass": 0.8, "chords": 0.45, "pad": 0.35, "melody": 0.5}
    if genre == "ballad":
        mix_levels.update(drums=0.5, chords=0.6, melody=0.5)
    y = sum(mix_levels[name] * bus for name, bus in buses.items())
    y = y + rng.standard_normal(n_total).astype(np.float32) * 1e-4
    peak = float(np.abs(y).max())
    y = np.tanh(1.2 * y / peak) / np.tanh(1.2) * 0.9

    sections[-1] = (sections[-1][0], n_total / sr, sections[-1][2])
    beats = beat_times.copy()
    downbeats = beat_times[::meter].copy()
    tempo_curve = ((0.0, float(bar_bpm[0])),)
    if tempo is None:
        change_bar = int(np.argmax(bar_bpm != bar_bpm[0]))
        tempo_curve += ((float(beat_times[change_bar * meter]), float(bar_bpm[-1])),)
    return SynthSong(audio=y.astype(np.float32), sr=sr, beats=beats, downbeats=downbeats,
                     sections=tuple(sections), meter=meter, tempo=tempo, genre=genre,
                     key=key_name, tempo_curve=tempo_curve)
