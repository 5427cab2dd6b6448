"""Downbeats and meter, from the beats and the novelty curves of :mod:`.beats`.

- :func:`find_downbeats`      beats -> downbeat mask, meter, downbeat contrast
- :func:`pattern_similarity`  how alike the rhythm is whole numbers of beats apart
- :func:`peak_window`         max of a curve in a window around each frame

Method: the meter family (2/4, 3, 5 or 7) from how alike the rhythm pattern is at lags of whole
bars, or 3 when the chord changes recur in threes (music without drums whose running notes, all
alike, tell no bar) or one beat in 3 stands out in the accents, above or below the others (not for
phrases of 9 beats: a hymn's fermata tracked as two beats); accents per beat (kick/bass onsets,
onset strength, chroma change above the bass between the bar before and the bar after); a Viterbi
path counts beats through the bar (a break in the count is allowed at a cost); between 4 and 2 the
larger downbeat contrast wins, 4 unless 2 is clearly better, and 2 when the chords last two beats
divided in three (a 6/8 in dotted quarters); then the bar count of that meter is redone with snare
hits counting against a downbeat (the backbeat is not beat 1), a deep bass for it (the root on 1),
the chord changes counted again, and, in 4/4, the backbeat parity (2 and 4 brighter than 1 and 3
over many bars), a break in that count costing far more than in the first (several bars of clearer
accents) except after a beat interval that is not one beat (a beat the tracker missed or added). 2/4
is ruled out when the rhythm repeats every 4 beats but not every 2, or when the chords change only
every 4 beats (unless their similarity is gone two beats apart); compound beats whose chords change
every 2 beats are bars of 2. The first beat may be at 0.0 s.
"""

from __future__ import annotations

import numpy as np

from .spectra import Spectra

__all__ = ["find_downbeats", "pattern_similarity", "peak_window"]


def peak_window(x: np.ndarray, frames: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """Max of ``x`` over ``[f + lo, f + hi]`` for each frame ``f`` (rounded)."""
    idx = np.round(np.asarray(frames, dtype=np.float64)).astype(int)
    offsets = np.arange(lo, hi + 1)
    return x[np.clip(idx[:, None] + offsets[None, :], 0, len(x) - 1)].max(axis=1)


_METER_JUMP = 4.0  # cost (in accent z-units) of a break in the bar count
#: A break in the final bar count (a beat the tracker dropped or added) is rare: it must be paid
#: for by several bars of clearer accents, not taken for a section whose beat 1 sounds weaker
#: (a chorus whose stabs anticipate the bar, a backbeat drowned by strummed sixteenths).
_PHASE_JUMP = 20.0
_SLIP_BEATS = 17  # beats around an interval whose median is the local beat


def _beat_chroma(chroma: np.ndarray, frames: np.ndarray) -> np.ndarray:
    """Mean chroma over each inter-beat interval [shape=(n_beats, 12)]."""
    n = chroma.shape[1]
    edges = np.clip(np.append(frames, frames[-1] + max(np.median(np.diff(frames)), 1.0)),
                    0, n).astype(int)
    csum = np.concatenate([np.zeros((chroma.shape[0], 1)), np.cumsum(chroma, axis=1)], axis=1)
    widths = np.maximum(edges[1:] - edges[:-1], 1)
    return ((csum[:, edges[1:]] - csum[:, edges[:-1]]) / widths).T


def _bar_change(beat_chroma: np.ndarray, meter: int) -> np.ndarray:
    """Harmonic change at each beat between the ``meter`` beats before and after it."""
    n = len(beat_chroma)
    csum = np.concatenate([np.zeros((1, 12)), np.cumsum(beat_chroma, axis=0)])
    i = np.arange(n)
    before = csum[i] - csum[np.clip(i - meter, 0, n)]
    after = csum[np.clip(i + meter, 0, n)] - csum[i]
    nb, na = np.linalg.norm(before, axis=1), np.linalg.norm(after, axis=1)
    cos = (before * after).sum(axis=1) / np.maximum(nb * na, 1e-12)
    return np.where((nb > 1e-6) & (na > 1e-6), 1.0 - cos, 0.0)


def _zscore(x: np.ndarray) -> np.ndarray:
    s = float(x.std())
    return (x - x.mean()) / s if s > 1e-12 else np.zeros_like(x)


def _bar_path(accent: np.ndarray, meter: int, jump_cost: float | np.ndarray = _METER_JUMP,
              ) -> tuple[np.ndarray, float]:
    """Position in the bar of each beat (Viterbi; a break in the count costs ``jump_cost``, one
    value or one per beat).

    Returns the positions (0 = downbeat) and the mean accent of downbeats minus the rest.
    """
    n = len(accent)
    emit = np.zeros((n, meter))
    emit[:, 0] = accent
    score = emit[0].copy()
    back = np.zeros((n, meter), dtype=np.int64)
    nxt = (np.arange(meter) - 1) % meter  # predecessor of position p when counting on
    cost = np.broadcast_to(np.asarray(jump_cost, dtype=np.float64), (n,))
    for i in range(1, n):
        counted = score[nxt]
        jump = score.max() - cost[i]
        back[i] = np.where(counted >= jump, nxt, int(np.argmax(score)))
        score = np.maximum(counted, jump) + emit[i]
    pos = np.zeros(n, dtype=np.int64)
    pos[-1] = int(np.argmax(score))
    for i in range(n - 1, 0, -1):
        pos[i - 1] = back[i, pos[i]]
    down = pos == 0
    if down.all() or not down.any():
        return pos, 0.0
    return pos, float(accent[down].mean() - accent[~down].mean())


# beats per bar and what it costs in downbeat contrast (4 unless another is clearly better)
_METERS = {4: 0.0, 3: 0.0, 2: 0.3, 5: 0.0, 7: 0.0}
_PATTERN_STEPS = 6  # positions per beat of the rhythm pattern
_MAX_LAG = 14  # beats


def pattern_similarity(nov: dict[str, np.ndarray], beat_frames: np.ndarray) -> np.ndarray:
    """How alike the rhythm is ``L`` beats apart, for ``L = 1 .. _MAX_LAG`` (index ``L - 1``).

    Each beat's pattern: the low-band, high-band and full-band novelty at 6 positions through
    the beat (mean-removed over the song, unit length); the similarity at lag ``L`` is the mean
    cosine between the patterns of beats ``L`` apart. Bars repeat: the similarity peaks at
    multiples of the bar (lags 3, 6, 9 for 3/4; 5, 10 for 5/4; 2, 4, 6 or 4, 8 for 4/4).
    """
    b = np.asarray(beat_frames, dtype=np.float64)
    out = np.zeros(_MAX_LAG)
    if len(b) < 8:
        return out
    steps = np.arange(_PATTERN_STEPS) / _PATTERN_STEPS
    pos = (b[:-1, None] + np.diff(b)[:, None] * steps[None, :]).ravel()
    pattern = np.concatenate([peak_window(nov[name], pos, -1, 1).reshape(len(b) - 1, -1)
                              for name in ("low", "high", "onset")], axis=1)
    pattern = pattern - pattern.mean(axis=0)
    pattern /= np.maximum(np.linalg.norm(pattern, axis=1, keepdims=True), 1e-9)
    for lag in range(1, min(_MAX_LAG, len(pattern) - 2) + 1):
        out[lag - 1] = float(np.mean((pattern[:-lag] * pattern[lag:]).sum(axis=1)))
    return out


def _meter_candidates(nov: dict[str, np.ndarray], beat_frames: np.ndarray,
                      beat_chroma: np.ndarray, accents: bool = True) -> tuple[int, ...]:
    """The meters worth a bar count: the family whose bar repeats best, from the rhythm.

    Each meter ``m`` scores the mean pattern similarity at lags ``m, 2m, ...``. Duple (2 and 4),
    triple (3; 6 only when much better) and the odd meters 5 and 7 (only when their bars
    clearly repeat: ``_ODD_REPEATS``) compete; 4/4 is assumed
    unless another family is clearly better (by ``_FAMILY_MARGIN``). Between 2 and 4 (and 3 and
    6), the downbeat contrast of the bar count decides, unless the chords change only every
    4 beats (not on the half bar: the bar is 4; a 12/8's chords once let its half bars win),
    or last two beats divided in three (a 6/8 counted in dotted quarters; by the chroma
    similarity, or by changing on the half bar as on the bar line when other notes blur it):
    then the bar is 2. The similarity falling to nothing two beats apart is the surer of the
    two: where it says two beats, a half bar that changes little more than the beats between
    (a pickup into every other bar) does not rule 2 out. (Chords of two straight beats are as
    often half bars of a 4/4 as bars of a 2/4.) With ``accents``, 3 also replaces 4 where the
    rhythm and harmony lean to 3 and the accents mark one beat in 3 (:func:`_leans_to_three`,
    :func:`_accents_in_threes`). The family of 3 is not taken from phrases of 9 beats
    (:func:`_repeats_only_in_nines`): 4 is assumed instead.
    """
    sim = pattern_similarity(nov, beat_frames)
    n = len(beat_frames)

    def score(m: int) -> float:
        lags = [k for k in range(m, _MAX_LAG + 1, m) if k <= n - 3]
        return float(np.mean(sim[np.array(lags) - 1])) if lags else -np.inf

    scores = {m: score(m) for m in (4, 3, 5, 7)}
    for m in (5, 7):  # a rare meter: only where its bars clearly repeat
        if scores[m] < _ODD_REPEATS:
            scores[m] = -np.inf
    best = max(scores, key=lambda m: scores[m] - (0.0 if m == 4 else _FAMILY_MARGIN))
    nines = _repeats_only_in_nines(sim, n)
    if best == 3 and nines:
        best = 4  # phrases of 9 beats (a hymn's fermata counted twice), not bars of 3
    if best != 3 and _harmony_in_threes(beat_chroma):
        return (3,)
    if (accents and best == 4 and _leans_to_three(scores, beat_chroma)
            and not nines
            and _accents_in_threes(nov, beat_frames, beat_chroma) >= _TRIPLE_ACCENT):
        return (3,)
    if best == 4 and _repeats_only_whole_bars(sim, n):
        return (4,)
    halves = _half_bar_changes(beat_chroma)
    two_beats = _chords_last_two_beats(beat_chroma)
    if best == 4 and halves is not None and halves < 0.0 and not two_beats:
        return (4,)  # the chords change on every other 2-beat bar line only: bars of 4
    two_beat_chords = two_beats or (halves is not None and halves > _HALF_BAR_CHORDS)
    if best == 4 and two_beat_chords and _divided_in_three(nov, beat_frames):
        return (2,)
    return {4: (4, 2), 3: (3,), 5: (5,), 7: (7,)}[best]


def _harmony_in_threes(beat_chroma: np.ndarray) -> bool:
    """Whether the harmony changes in a cycle of three beats, whatever the rhythm says.

    The chord change at each beat (cosine distance of its chroma from the beat before's, above
    the bass), mean-removed, is autocorrelated at lags of 1 to 12 beats; each meter scores the
    mean at its multiples (2: 2, 4, ..., 12; 3: 3, 6, 9, 12; 4: 4, 8, 12). Bars of 3 change
    chords on beat 1 of each (a polonaise, a minuet, a waltz without drums, whose rhythm, all
    running notes at one loudness, repeats nowhere clearly): their score is
    ``_HARMONY_CYCLE`` or more and ``_HARMONY_CYCLE_MARGIN`` above those of 2 and 4.
    """
    score = _harmony_cycle(beat_chroma)
    return bool(score is not None and score[3] >= _HARMONY_CYCLE
                and score[3] - max(score[2], score[4]) >= _HARMONY_CYCLE_MARGIN)


def _harmony_cycle(beat_chroma: np.ndarray) -> dict[int, float] | None:
    """How much the chord changes recur every 2, 3 and 4 beats (see :func:`_harmony_in_threes`);
    None for too short a song or no change at all."""
    change = _bar_change(beat_chroma, 1)[1:-1]
    if len(change) < 4 * _MAX_LAG:
        return None
    change = change - change.mean()
    power = float(np.mean(change * change))
    if power <= 1e-12:
        return None
    acf = np.array([np.mean(change[:-lag] * change[lag:]) for lag in range(1, 13)]) / power
    return {m: float(np.mean(acf[np.arange(m, 13, m) - 1])) for m in (2, 3, 4)}


def _leans_to_three(scores: dict[int, float], beat_chroma: np.ndarray) -> bool:
    """Whether the rhythm and the harmony, taken together, lean to bars of 3 rather than 4.

    The rhythm's repetition at whole bars of 3 less that at bars of 4 (``scores``, see
    :func:`_meter_candidates`), plus the chord changes' recurrence every 3 beats less that every
    2 or 4 (:func:`_harmony_cycle`): not below 0. Each alone is often too weak to tell in music
    without drums (a minuet's running notes repeat little, its chords change on 1 and on 3);
    a 2/4 or 4/4 fiddle tune or a march leans clearly to 4.
    """
    harmony = _harmony_cycle(beat_chroma)
    lean = scores[3] - scores[4]
    if harmony is not None:
        lean += harmony[3] - max(harmony[2], harmony[4])
    return lean >= 0.0


def _repeats_only_in_nines(sim: np.ndarray, n_beats: int) -> bool:
    """Whether the rhythm repeats every 9 beats but not every 3 or 6: phrases of 9 beats (a
    hymn's two bars of 4 and 3 with a fermata held over two more, or counted as two beats),
    whose accents at each phrase start recur every 3 beats without bars of 3 (each of whose
    beat 1 would be marked), and whose one lag of 9 can make the family of 3 score best.
    """
    if n_beats - 3 < 9:
        return False
    return float(sim[8] - max(sim[2], sim[5])) > _HALF_BAR_MARGIN


def _accents_in_threes(nov: dict[str, np.ndarray], beat_frames: np.ndarray,
                       beat_chroma: np.ndarray) -> float:
    """How much more one beat in 3 stands out than one in 2 or one in 4, counting straight on.

    The accents of :func:`find_downbeats` (a bass note starting, the onset strength, the
    chords changing from the bar before to the bar after) of the beats of one phase of a fixed
    count of ``m``, less the mean of the others, above or below them; the phase of 3 standing
    out most less the better of those of 2 and 4. A minuet or a slip jig without drums marks
    its beat 1 (the bass enters, the chord changes, more notes start) every 3 beats, however
    little its rhythm or its chords repeat, or leaves its beat 2 quiet (the bass on 1, the
    upbeat figure on 3: no phase stands out above the other two, one below them); a 4/4 marks
    every 2nd or 4th beat.
    """
    n = len(beat_frames)
    low, onset = _beat_accents(nov, beat_frames)
    edges = np.zeros(n, dtype=bool)
    edges[[0, -1]] = True

    def contrast(m: int) -> float:
        accent = low + 0.5 * onset + 1.5 * _zscore(_neutral(_bar_change(beat_chroma, m), edges))
        return max(abs(float(accent[k::m].mean() - np.delete(accent, np.arange(k, n, m)).mean()))
                   for k in range(m))

    return contrast(3) - max(contrast(2), contrast(4))


def _beat_accents(nov: dict[str, np.ndarray], beat_frames: np.ndarray,
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Per beat: a kick or bass note starting and the onset strength (z-scores; beats in the
    first frames, where a flux cannot see an attack, get the median: no evidence)."""
    blind = np.asarray(beat_frames) < _FLUX_BLIND_FRAMES
    low = _zscore(_neutral(peak_window(nov["kick"] + nov["low"], beat_frames, -1, 4), blind))
    onset = _zscore(_neutral(peak_window(nov["onset"], beat_frames, -1, 2), blind))
    return low, onset


#: Accent contrast (z-units) by which one beat in 3 must stand out more than one in 2 or 4
#: (:func:`_accents_in_threes`): 3/4 pieces without drums 0.2-1.5; 2/4 and 4/4 ones below 0.15.
_TRIPLE_ACCENT = 0.2


_HARMONY_CYCLE = 0.3
_HARMONY_CYCLE_MARGIN = 0.2


def _divided_in_three(nov: dict[str, np.ndarray], beat_frames: np.ndarray) -> bool:
    """Whether the beats are divided in three (compound time: 6/8, 12/8).

    Onsets at both a third and two thirds through the beat outweigh those half way through
    (a swing or a shuffle has the two thirds only; straight eighths have the half) and those
    a sixth and five sixths through it (where nothing is played: between beats without
    notes, as a chorale's, those positions hold as little as the others).
    """
    b = np.asarray(beat_frames, dtype=np.float64)
    if len(b) < 4:
        return False
    at = {k: float(np.mean(peak_window(nov["onset"], b[:-1] + np.diff(b) * k / 6, -1, 1)))
          for k in (1, 2, 3, 4, 5)}
    return min(at[2], at[4]) > max(at[1], at[3], at[5])


def _chroma_similarity(beat_chroma: np.ndarray, lag: int) -> float:
    """Mean cosine between the (song-mean-removed) chroma of beats ``lag`` apart."""
    x = beat_chroma - beat_chroma.mean(axis=0)
    x = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-9)
    return float(np.mean((x[:-lag] * x[lag:]).sum(axis=1))) if len(x) > lag else 0.0


def _chords_last_two_beats(beat_chroma: np.ndarray) -> bool:
    """Whether the chords (above the bass) change every two beats.

    A chord lasting ``L`` beats makes beats ``k < L`` apart share it for a fraction
    ``1 - k / L`` of the pairs: the chroma similarity falls linearly with the lag and is gone
    at ``L``. For chords of a 4/4 bar the similarity two beats apart keeps about 2/3 of that
    one beat apart; for chords of two beats it is gone. Half way between (1/3) decides, when
    the similarity clearly drops at all (there are chords to follow).
    """
    if len(beat_chroma) < 16:
        return False
    one, two = _chroma_similarity(beat_chroma, 1), _chroma_similarity(beat_chroma, 2)
    return one - two > _CHORD_DROP and two < one / 3.0


def _half_bar_changes(beat_chroma: np.ndarray) -> float | None:
    """How much the chords change half way through a 4-beat span, relative to its start.

    The harmonic change between the 2 beats before and the 2 after each beat, averaged at each
    of the 4 positions of a 4-beat grid: 1 when the chords change every 2 beats (as much on the
    half bar as on the bar line), 0 when the half bar changes no more than the beats between,
    below 0 when the chords last 4 beats (the half bar has the same chord on both sides).
    None without chords to follow (neighbouring beats unalike: drums alone).
    """
    if len(beat_chroma) < 16 or _chroma_similarity(beat_chroma, 1) < _CHORDS_PRESENT:
        return None
    change = _bar_change(beat_chroma, 2)[2:-2]
    n4 = len(change) // 4 * 4
    means = change[:n4].reshape(-1, 4).mean(axis=0)
    k = int(np.argmax(means))
    between = 0.5 * (means[(k + 1) % 4] + means[(k + 3) % 4])
    if means[k] - between < 1e-6:
        return None
    return float((means[(k + 2) % 4] - between) / (means[k] - between))


def _repeats_only_whole_bars(sim: np.ndarray, n_beats: int) -> bool:
    """Whether the rhythm repeats every 4 beats but not every 2 (a bar of 2 would).

    A one-drop (bass on 1, kick and rim on 3) or a boom-bap bar is unlike its own second half:
    lags 4, 8, 12 are much more alike than lags 2, 6, 10, so the bar cannot be 2 beats long.
    """
    whole = [k for k in (4, 8, 12) if k <= n_beats - 3]
    half = [k for k in (2, 6, 10) if k <= n_beats - 3]
    if not whole or not half:
        return False
    gap = float(np.mean(sim[np.array(whole) - 1]) - np.mean(sim[np.array(half) - 1]))
    return gap > _HALF_BAR_MARGIN


_FAMILY_MARGIN = 0.1
#: Pattern similarity at whole bars of 5 or 7 below which they are not bars: a 5/4 or a 7/8
#: repeats its uneven bar clearly (0.25-0.8); a chorale's fermatas and running notes (about 0.1
#: at any lag) do not make one.
_ODD_REPEATS = 0.15
_CHORD_DROP = 0.25  # chroma similarity lost from one beat apart to two: chords changing
_CHORDS_PRESENT = 0.0  # chroma similarity of neighbouring beats: above, they share chords
_HALF_BAR_CHORDS = 0.5  # as much chord change on the half bar as half way to the bar line's
_HALF_BAR_MARGIN = 0.3  # similarity gap between whole-bar and half-bar lags ruling out 2/4
_SNARE_BAND = 1  # row of ``nov["hits"]``: the percussive 1.5-4 kHz band (snares, claps)
_BACKBEAT_WEIGHT = 0.5  # the band also hears the chords' attacks, which mark beat 1
_PHASE_CHANGE_WEIGHT = 2.0  # the chord change again in the bar's phase (1.5 in the accents)
_HAT_BAND = 2  # row of ``nov["hits"]``: 4-7.5 kHz (snare crack, hi-hat pedal, ride)
_PARITY_WEIGHT = 0.75  # the backbeat parity, in accent z-units per unit of alternation
_PARITY_BEATS = 16  # beats over which the backbeat parity is averaged
_BASS_TOP_HZ = 300.0
_BASS_DEPTH_WEIGHT = 1.0
_NO_BASS = 0.05  # low-band power, relative to the median beat, below which there is no bass
_FLUX_BLIND_FRAMES = 3  # frames at the start where band fluxes cannot see an attack


def _neutral(x: np.ndarray, unknown: np.ndarray) -> np.ndarray:
    """``x`` with the ``unknown`` entries set to the median of the others (no evidence)."""
    if not unknown.any() or unknown.all():
        return x
    out = x.copy()
    out[unknown] = np.median(x[~unknown])
    return out


def _bass_depth(spectra: Spectra, beat_frames: np.ndarray) -> np.ndarray:
    """How deep the bass sounds over the first half of each beat.

    Minus the centroid (Hz) of the harmonic part's mel power below ``_BASS_TOP_HZ`` (the bass
    notes and their first overtones): the root on beat 1 is the bass line's lowest note (a
    boogie or walking line climbs from it). Beats without bass get the median (no evidence).
    """
    freqs = spectra.mel_frequencies()
    hi = max(int(np.searchsorted(freqs, _BASS_TOP_HZ)), 1)
    power = spectra.mel_harmonic[:hi]
    n = power.shape[1]
    csum = np.concatenate([np.zeros((hi, 1)), np.cumsum(power, axis=1)], axis=1)
    b = np.asarray(beat_frames, dtype=np.float64)
    half = np.diff(b, append=b[-1] + np.median(np.diff(b))) / 2.0
    start = np.clip(np.round(b).astype(int), 0, n - 1)
    end = np.clip(np.round(b + half).astype(int), start + 1, n)
    seg = csum[:, end] - csum[:, start]
    total = seg.sum(axis=0)
    depth = -(freqs[:hi, None] * seg).sum(axis=0) / np.maximum(total, 1e-12)
    return _neutral(depth, total < _NO_BASS * max(float(np.median(total)), 1e-12))


def _backbeat_parity(nov: dict[str, np.ndarray], beat_frames: np.ndarray,
                     blind: np.ndarray) -> np.ndarray:
    """How much each beat is on the backbeat side of the 4/4 bar's strong/weak alternation.

    Beats 2 and 4 are brighter than 1 and 3 (snare, clap, the hi-hat pedal or a ride accent on
    2 and 4; kick or bass on 1 and 3), whatever is loudest on a single beat (a walking bass's
    approach note on 4). Per beat: the high percussive band minus the low band (z-scores); its
    part alternating beat by beat, averaged over ``_PARITY_BEATS`` beats (so a dropped beat
    only flips it locally). Positive: the brighter parity, not a downbeat.
    """
    bright = _zscore(_neutral(peak_window(nov["hits"][_HAT_BAND], beat_frames, -1, 2), blind))
    low = _zscore(_neutral(peak_window(nov["kick"] + nov["low"], beat_frames, -1, 4), blind))
    sign = np.where(np.arange(len(beat_frames)) % 2 == 0, 1.0, -1.0)
    kernel = np.ones(min(_PARITY_BEATS, len(sign)))  # a short clip: all of it
    alternation = np.convolve(sign * (bright - low), kernel, mode="same")
    norm = np.convolve(np.ones(len(sign)), kernel, mode="same")
    return sign * alternation / np.maximum(norm, 1e-9)


def find_downbeats(spectra: Spectra, nov: dict[str, np.ndarray], beat_frames: np.ndarray,
                   threes: bool = True) -> tuple[np.ndarray, int, float]:
    """Downbeat mask over the beats and the meter (2, 3, 4, 5 or 7).

    Accents per beat: a kick or bass note starting (low-frequency novelty, allowing for the
    late build-up of low frequencies), the onset strength, and the harmonic change between the
    bar before and the bar after, read above the bass (chords change on bar lines). The
    meters of the family the rhythm repeats in (see :func:`_meter_candidates`) each get the best
    bar count through the beats; 2 must beat 4 by a clear margin. The winner's bar count is
    then redone with snare hits counting against a beat being the downbeat and a deep bass
    (the root, the bass line's lowest note) for it. ``threes``: 3 may also replace 4 by the
    accents marking one beat in 3 (see :func:`_accents_in_threes`), which reads the meter of
    beats already chosen, not their level (the eighths of a 3/4, bars of 6, mark one in 3 too).

    Returns the downbeat mask, the meter and the downbeat contrast of the accents (how
    clearly the beats group into bars, for choosing the metrical level).
    """
    n = len(beat_frames)
    if n < 6:
        return np.arange(n) % 4 == 0, 4, 0.0
    # a flux needs the frames before it: a beat on the very first frames (a song starting on
    # its first downbeat at 0.0) has no measurable attack, which is no evidence against it
    blind = np.asarray(beat_frames) < _FLUX_BLIND_FRAMES
    low, onset = _beat_accents(nov, beat_frames)
    beat_chroma = _beat_chroma(nov["treble_chroma"], beat_frames)
    candidates = _meter_candidates(nov, beat_frames, beat_chroma, accents=threes)
    contrast, meter, accent, change = _best_count(candidates, low + 0.5 * onset, beat_chroma)
    # the bar's phase: a snare or clap (the backbeat, beats 2 and 4; in odd meters the hits
    # that split the bar) is not beat 1, however loud; the bass plays its root, its lowest
    # note, on beat 1; the chords change on it (counted again, twice over: the surest mark of
    # 1 against 3, and against a low drum or darker beats on 2 and 4, as in a samba). The
    # meter, and the contrast the beat level is chosen on, stay those of the accents without
    # them
    backbeat = _zscore(_neutral(peak_window(nov["hits"][_SNARE_BAND], beat_frames, -1, 2),
                                blind))
    depth = _zscore(_neutral(_bass_depth(spectra, beat_frames), blind))
    phase = (accent + _PHASE_CHANGE_WEIGHT * change - _BACKBEAT_WEIGHT * backbeat
             + _BASS_DEPTH_WEIGHT * depth)
    if meter == 4:
        phase = phase - _PARITY_WEIGHT * _backbeat_parity(nov, beat_frames, blind)
    pos, _ = _bar_path(phase, meter, _phase_jump_costs(beat_frames))
    return pos == 0, meter, contrast


def _best_count(candidates: tuple[int, ...], accent: np.ndarray, beat_chroma: np.ndarray,
                ) -> tuple[float, int, np.ndarray, np.ndarray]:
    """The meter of ``candidates`` whose bar count has the largest downbeat contrast (less its
    ``_METERS`` penalty), with ``accent`` plus the harmonic change across its bar lines.

    Returns the contrast, the meter, its accents and its harmonic change (z-scores).
    """
    n = len(accent)
    # the first and last beats have no bar before / after them to compare
    edges = np.zeros(n, dtype=bool)
    edges[[0, -1]] = True
    best = None
    for meter in candidates:
        change = _zscore(_neutral(_bar_change(beat_chroma, meter), edges))
        total = accent + 1.5 * change
        contrast = _bar_path(total, meter)[1] - _METERS[meter]
        if best is None or contrast > best[0]:
            best = (contrast, meter, total, change)
    return best


def _phase_jump_costs(beat_frames: np.ndarray) -> np.ndarray:
    """What a break in the final bar count costs at each beat: ``_PHASE_JUMP``, but only
    ``_METER_JUMP`` after a beat interval that is not one beat (a beat the tracker dropped or
    added: the interval is more than sqrt(2) times, or less than 1/sqrt(2) of, the median of the
    intervals around it), where the count has to break."""
    from scipy.ndimage import median_filter

    ibi = np.diff(np.asarray(beat_frames, dtype=np.float64))
    cost = np.full(len(beat_frames), _PHASE_JUMP)
    if len(ibi) < 3:
        return cost
    local = median_filter(ibi, size=min(_SLIP_BEATS, len(ibi)) | 1, mode="nearest")
    ratio = np.abs(np.log2(np.maximum(ibi, 1e-9) / np.maximum(local, 1e-9)))
    cost[1:][ratio > 0.5] = _METER_JUMP
    return cost
