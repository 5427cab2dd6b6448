"""Time plain lyrics (untimed lines) against the song, keeping their text.

- :func:`align_to_words`    given lyrics + recognised, timed words (Whisper) -> timed lyrics
- :func:`align_acoustic`    given lyrics + the samples (the vocals stem, or the mix) -> timed
  lyrics, with no model: works offline, always
- :func:`vocal_activity`    samples -> (frame times, how much voice-like sound there is)
- :func:`syllable_count`    a word's syllables, from its vowel groups

``align_to_words`` matches the given words to the recognised ones in order (a sequence
alignment scored by text similarity); matched words take the recognised times, the others are
spread between their matched neighbours by length. ``align_acoustic`` finds syllable nuclei
(peaks of the voice-band energy that rises above the song's steady background, drums removed)
and places the given words' syllables on them in order by dynamic programming: skipping a strong
nucleus costs, a long pause inside a line costs, a pause before a new line is free.
"""

from __future__ import annotations

import difflib
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from ..audio.dsp import fft_frequencies, find_peaks, hpss, stft_magnitude
from .types import LyricLine, Lyrics, LyricWord

__all__ = ["align_acoustic", "align_to_words", "syllable_count", "vocal_activity"]

#: Frame step of the activity envelope (seconds).
HOP_SECONDS = 0.01
#: Sample rate the aligner works at.
ALIGN_SR = 16000
#: Seconds a word lasts when nothing else tells (the last word, extrapolated words).
WORD_SECONDS = 0.35

#: The cost of a line starting mid-phrase (a nucleus less than _PHRASE_GAP seconds before).
_LINE_MID = 1.5
#: Peaks of the voice envelope count as nuclei above these fractions of its 99th percentile.
_PROMINENCE, _HEIGHT = 0.12, 0.16
_PHRASE_GAP = 0.3
_WORD = re.compile(r"[\w']+", re.UNICODE)
_VOWELS = re.compile(r"[aeiouyàáâäãåæèéêëìíîïòóôöõøœùúûüýÿ]+", re.IGNORECASE)


@dataclass(frozen=True)
class _Word:
    """A word of the given lyrics: its line, its text, its syllables."""

    line: int
    text: str
    syllables: int


def syllable_count(word: str) -> int:
    """Syllables of ``word`` from its vowel groups (a silent final ``e`` dropped), at least 1."""
    letters = "".join(_WORD.findall(word.lower()))
    groups = _VOWELS.findall(letters)
    count = len(groups)
    if count > 1 and letters.endswith("e") and not letters.endswith(("le", "ee")):
        count -= 1
    return max(count, 1)


def _given_words(lyrics: Lyrics) -> list[_Word]:
    return [_Word(i, text, syllable_count(text))
            for i, line in enumerate(lyrics.lines) for text in line.text.split()
            if _WORD.search(text)]


def _normal(text: str) -> str:
    return "".join(_WORD.findall(text.lower()))


def _build(lyrics: Lyrics, words: list[_Word], starts: Sequence[float],
           ends: Sequence[float], source: str) -> Lyrics:
    """``lyrics`` with each line's words timed (``starts``/``ends`` per word of ``words``)."""
    per_line: dict[int, list[LyricWord]] = {}
    for word, start, end in zip(words, starts, ends, strict=True):
        per_line.setdefault(word.line, []).append(LyricWord(round(float(start), 3),
                                                            round(float(end), 3), word.text))
    lines = []
    for i, line in enumerate(lyrics.lines):
        timed = per_line.get(i)
        if timed:
            lines.append(LyricLine(timed[0].start, timed[-1].end, line.text, tuple(timed)))
    return replace(lyrics, lines=tuple(lines), source=source)


# --- alignment to recognised words ---------------------------------------------------------


def align_to_words(lyrics: Lyrics, recognised: Sequence[LyricWord], *,
                   source: str | None = None) -> Lyrics:
    """Time ``lyrics``' words by the ``recognised`` words (in time order) they match.

    The text stays the given one; lines without words are dropped. Words before the first
    match or after the last one are placed :data:`WORD_SECONDS` apart. With no recognised word
    matching at all, the given words are spread evenly over the recognised words' span.
    """
    words = _given_words(lyrics)
    if not words:
        return replace(lyrics, lines=(), source=source or lyrics.source)
    heard = [w for w in recognised if _normal(w.text)]
    pairs = _match(words, heard)
    anchors = {i: heard[j] for i, j in pairs}
    if not anchors and heard:
        span = (heard[0].start, max(heard[-1].end or heard[-1].start, heard[0].start))
        anchors = {0: LyricWord(span[0], None, ""), len(words) - 1: LyricWord(span[1], None, "")}
    starts = _interpolate(words, {i: w.start for i, w in anchors.items()})
    ends = [min(starts[i + 1], _end_of(anchors.get(i), starts[i]))
            for i in range(len(words) - 1)]
    last = anchors.get(len(words) - 1)
    ends.append(_end_of(last, starts[-1]))
    return _build(lyrics, words, starts, ends, source or lyrics.source)


def _end_of(word: LyricWord | None, start: float) -> float:
    if word is not None and word.end is not None and word.end > start:
        return word.end
    return start + WORD_SECONDS


def _match(words: list[_Word], heard: list[LyricWord]) -> list[tuple[int, int]]:
    """Needleman-Wunsch of given words against recognised words (scored by text similarity);
    the pairs aligned, a misheard word with the word heard in its place."""
    given = [_normal(w.text) for w in words]
    said = [_normal(w.text) for w in heard]
    n, m = len(given), len(said)
    gap = -0.4
    score = np.zeros((n + 1, m + 1))
    score[:, 0] = gap * np.arange(n + 1)
    score[0, :] = gap * np.arange(m + 1)
    sim = np.zeros((n, m))
    for i, a in enumerate(given):
        for j, b in enumerate(said):
            r = difflib.SequenceMatcher(None, a, b).ratio() if a and b else 0.0
            sim[i, j] = 2 * r - 1 if r >= 0.5 else -0.5  # misheard: still cheaper than gaps
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            score[i, j] = max(score[i - 1, j - 1] + sim[i - 1, j - 1],
                              score[i - 1, j] + gap, score[i, j - 1] + gap)
    pairs = []
    i, j = n, m
    while i > 0 and j > 0:
        if np.isclose(score[i, j], score[i - 1, j - 1] + sim[i - 1, j - 1]):
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif np.isclose(score[i, j], score[i - 1, j] + gap):
            i -= 1
        else:
            j -= 1
    return pairs[::-1]


def _interpolate(words: list[_Word], known: dict[int, float]) -> list[float]:
    """Start times of all ``words`` from the ``known`` ones: between two known words by
    characters, before the first and after the last :data:`WORD_SECONDS` apart."""
    n = len(words)
    if not known:
        return [i * WORD_SECONDS for i in range(n)]
    keys = sorted(known)
    starts = [0.0] * n
    for i in keys:
        starts[i] = known[i]
    for i in range(keys[0] - 1, -1, -1):
        starts[i] = max(starts[i + 1] - WORD_SECONDS, 0.0)
    for i in range(keys[-1] + 1, n):
        starts[i] = starts[i - 1] + WORD_SECONDS
    for a, b in itertools.pairwise(keys):
        weights = np.cumsum([len(words[k].text) + 1 for k in range(a, b)], dtype=float)
        for k in range(a + 1, b):
            starts[k] = known[a] + (known[b] - known[a]) * weights[k - a - 1] / weights[-1]
    for i in range(1, n):  # recognised times out of order: keep the words in order
        starts[i] = max(starts[i], starts[i - 1])
    return starts


# --- acoustic alignment ----------------------------------------------------------------------


def vocal_activity(y: np.ndarray, sr: int, *,
                   mix: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Frame times (every :data:`HOP_SECONDS`) and how far the voice band (250-3500 Hz) rises
    above the accompaniment, in dB averaged over the band: what repeats in the song is removed
    (:func:`_foreground`), then the percussive part (HPSS), then sustained tones (a running low
    percentile per frequency, the second before and after). Works on a mix and on a vocals
    stem."""
    import soxr
    from scipy.ndimage import percentile_filter, uniform_filter1d

    mono = np.asarray(y, dtype=np.float32)
    if mono.ndim > 1:
        mono = mono.mean(axis=0)
    if sr != ALIGN_SR:
        mono = soxr.resample(mono, sr, ALIGN_SR)
    hop = int(ALIGN_SR * HOP_SECONDS)
    spec = stft_magnitude(mono, 512, hop, center=True)
    if mix:
        spec = _foreground(spec)
    harmonic, _ = hpss(spec, (17, 31), margin=(2.0, 1.0))
    freqs = fft_frequencies(ALIGN_SR, 512)
    band = (freqs >= 250) & (freqs <= 3500)
    db = 20 * np.log10(harmonic[band] + 1e-6)
    db = np.maximum(db, db.max() - 80)
    block = 5  # background per 0.05 s block: the 30th percentile of the second before and of
    n_blocks = -(-db.shape[1] // block)  # the second after; the larger one holds sustained tones
    padded = np.pad(db, ((0, 0), (0, n_blocks * block - db.shape[1])), mode="edge")
    blocks = padded.reshape(db.shape[0], n_blocks, block).mean(axis=2)
    background = np.maximum(*(percentile_filter(blocks, 30, size=(1, 21), origin=(0, side),
                                                mode="nearest") for side in (-10, 10)))
    background = np.repeat(background, block, axis=1)[:, : db.shape[1]]
    excess = uniform_filter1d(np.clip(db - background - 3.0, 0.0, 30.0).mean(axis=0), 3)
    return np.arange(excess.size) * HOP_SECONDS, excess


def _foreground(spec: np.ndarray, *, k: int = 12, block: int = 500) -> np.ndarray:
    """What of ``spec`` does not repeat: each frame minus the median of the ``k`` frames most
    like it elsewhere in the song (more than 1.5 s away), REPET-SIM style. The accompaniment
    (drum patterns, riffs, chords) comes back bar after bar, a voice's syllables do not."""
    n = spec.shape[1]
    if n < 4 * k:
        return spec
    bands = np.log1p(spec[: 128].reshape(32, 4, n).mean(axis=1) * 100)
    bands -= bands.mean(axis=0, keepdims=True)
    bands /= np.linalg.norm(bands, axis=0, keepdims=True) + 1e-9
    out = np.empty_like(spec)
    near = int(1.5 / HOP_SECONDS)
    for start in range(0, n, block):
        stop = min(start + block, n)
        similar = bands[:, start:stop].T @ bands
        rows = np.arange(stop - start)[:, None]
        cols = np.arange(n)[None, :]
        similar[np.abs(cols - (rows + start)) < near] = -np.inf
        best = np.argpartition(-similar, k, axis=1)[:, :k]
        background = np.median(spec[:, best], axis=2)
        out[:, start:stop] = np.maximum(spec[:, start:stop] - background, 0.0)
    return out


def _nuclei(times: np.ndarray, env: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Syllable nuclei: times, strengths (0..1) and onsets (where the rise before each
    starts) of the envelope's prominent peaks."""
    top = float(np.percentile(env, 99)) or 1.0
    peaks = find_peaks(env, _HEIGHT * top, max(int(0.1 / HOP_SECONDS), 1),
                       prominence=_PROMINENCE * top)
    strength = np.clip(env[peaks] / top, 0.0, 1.0)
    onsets = np.empty(len(peaks))
    for n, p in enumerate(peaks):
        floor = 0.35 * env[p]
        k, stop = p, max(p - int(0.25 / HOP_SECONDS), peaks[n - 1] if n else 0)
        while k > stop and env[k - 1] > floor and env[k - 1] <= env[k] + 1e-9:
            k -= 1
        onsets[n] = times[k]
    return times[peaks], strength, onsets


def align_acoustic(lyrics: Lyrics, y: np.ndarray, sr: int, *, mix: bool = True,
                   source: str | None = None) -> Lyrics:
    """Time ``lyrics``' words on the syllable nuclei of ``y`` (mono samples at ``sr``; the
    vocals stem is best (``mix=False``), the mix works) in order, by :func:`_place`; the text
    stays the given one. With fewer nuclei than lines the words are spread evenly over the song."""
    words = _given_words(lyrics)
    if not words:
        return replace(lyrics, lines=(), source=source or lyrics.source)
    times, env = vocal_activity(y, sr, mix=mix)
    at, strength, onsets = _nuclei(times, env)
    duration = len(y) / sr if np.ndim(y) == 1 else np.shape(y)[-1] / sr
    if len(at) < max(len(lyrics.lines), 2):
        step = duration / (len(words) + 1)
        starts = [step * (i + 1) for i in range(len(words))]
    else:
        first = _place(words, at, strength)
        starts = [float(onsets[k]) for k in first]
    ends = [min(b, a + 2.0) for a, b in itertools.pairwise(starts)]
    ends.append(min(starts[-1] + WORD_SECONDS * words[-1].syllables, duration))
    return _build(lyrics, words, starts, ends, source or lyrics.source)


def _place(words: list[_Word], at: np.ndarray, strength: np.ndarray) -> list[int]:
    """The nucleus of each word's first syllable: a monotone alignment of the syllables to
    the nuclei minimising skipped strength, doubled-up syllables and pauses inside lines."""
    syl_first: list[bool] = []  # the syllable starts a word
    syl_line: list[bool] = []   # the syllable starts a line
    owner: list[int] = []
    for i, word in enumerate(words):
        for s in range(word.syllables):
            syl_first.append(s == 0)
            syl_line.append(s == 0 and (i == 0 or words[i - 1].line != word.line))
            owner.append(i)
    n_syl, n_nuc, reach = len(owner), len(at), 12
    skip = np.concatenate([[0.0], np.cumsum(strength)])
    cost = np.full((n_syl, n_nuc), np.inf)
    back = np.zeros((n_syl, n_nuc), dtype=np.int64)
    cost[0] = skip[:-1] + _LINE_MID * np.concatenate([[False], np.diff(at) < _PHRASE_GAP])
    for s in range(1, n_syl):
        best = np.full(n_nuc, np.inf)
        arg = np.zeros(n_nuc, dtype=np.int64)
        for offset in range(0, min(reach, n_nuc - 1) + 1):
            prev = cost[s - 1, : n_nuc - offset] if offset else cost[s - 1]
            k = np.arange(offset, n_nuc)
            if offset == 0:
                step = prev + (1.2 if syl_first[s] else 0.6)  # two syllables on one nucleus
            else:
                gap = at[k] - at[k - offset]
                skipped = skip[k] - skip[k - offset + 1]
                step = prev + skipped + _gap_cost(gap, syl_first[s], syl_line[s])
                if syl_line[s]:  # a line starts a phrase: no nucleus just before it
                    step = step + _LINE_MID * (at[k] - at[k - 1] < _PHRASE_GAP)
            better = step < best[k]
            best[k] = np.where(better, step, best[k])
            arg[k] = np.where(better, k - offset, arg[k])
        cost[s], back[s] = best, arg
    total = cost[-1] + (skip[-1] - skip[1:])
    k = int(np.argmin(total))
    path = [k]
    for s in range(n_syl - 1, 0, -1):
        k = int(back[s, k])
        path.append(k)
    path.reverse()
    return [path[s] for s in range(n_syl) if syl_first[s]]


def _gap_cost(gap: np.ndarray, word_start: bool, line_start: bool) -> np.ndarray:
    """Cost of ``gap`` seconds between consecutive syllables' nuclei: free before a new line,
    a long pause inside a line costs by its length, inside a word more so; very short gaps
    cost too (nuclei that close are one syllable)."""
    short = 4.0 * np.maximum(0.12 - gap, 0.0) / 0.12
    if line_start:
        return short
    limit, weight = (0.6, 2.5) if word_start else (0.45, 4.0)
    return short + weight * np.maximum(gap - limit, 0.0)
