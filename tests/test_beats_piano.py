"""Solo piano read as drums: a piano's hammers make the 1.5-7.5 kHz band as percussive (short)
as a snare does, but its attacks are partials, not noise (see ``_attack_noise``).

- a rag's or a stride left hand: the bass on the beat, a bright chord on every "and" (louder
  in the upper bands). Read as a snare, the chords pulled the beats half a beat off; with the
  attacks known to be pitched, the bass notes' entries mark the beat.
"""

from __future__ import annotations

import numpy as np

from music_visualizer.audio import beats as bt
from music_visualizer.audio.spectra import compute_spectra
from tests.test_beats_meter import ROOTS, SR, _beat_f, _Song


def _piano(midi: float, seconds: float, gain: float, rise: float = 0.002) -> np.ndarray:
    """A struck string: 24 partials, the upper ones decaying faster, a hammer rise of ``rise``
    seconds, a 50 ms damper release."""
    t = np.arange(int(seconds * SR)) / SR
    f = 440.0 * 2 ** ((midi - 69) / 12)
    wave = sum(np.sin(2 * np.pi * f * k * t) * np.exp(-t * (1.0 + 0.5 * k)) / k
               for k in range(1, 25) if f * k < 0.45 * SR)
    release = np.clip((seconds - t) / 0.05, 0.0, 1.0)
    return gain * wave * np.minimum(1.0, t / rise) * np.sin(0.5 * np.pi * release)


def _rag(bpm: float, bars: int, rise: float = 0.002) -> _Song:
    song = _Song(bpm=bpm, meter=2, bars=bars)
    for bar in range(bars):
        root = ROOTS[bar % len(ROOTS)]
        for k in range(2):
            bass = root - 24 + (0 if k == 0 else 7)
            song.at(bar * 2 + k, _piano(bass, 0.6, 1.0, rise) + _piano(bass - 12, 0.6, 0.6, rise),
                    0.6)
            chord = sum(_piano(root + step, 0.3, 1.0, rise) for step in (12, 16, 19, 24))
            song.at(bar * 2 + k + 0.5, chord, 0.5)  # the afterbeat chord, bright and loud
    return song


def test_piano_attacks_are_pitched_and_drum_hits_noisy():
    piano = _rag(100.0, 8, rise=0.01)
    drums = _Song(bpm=100.0, meter=4, bars=8)
    for beat in range(32):
        drums.drum(beat, "hat", 0.8)
        drums.drum(beat, "snare" if beat % 2 else "kick", 1.0)
        drums.bass(beat, 40, 0.5)
    assert bt._attack_noise(compute_spectra(piano.audio(), SR)) < 0.2
    assert bt._attack_noise(compute_spectra(drums.audio(), SR)) > 0.8


def test_a_rags_afterbeat_chords_do_not_pull_pitched_beats_half_a_beat_off():
    song = _rag(100.0, 24)
    spectra = compute_spectra(song.audio(), SR)
    period = np.full(spectra.n_frames, 60.0 * spectra.frame_rate / 100.0)

    def placed(pitched: float) -> float:
        nov = bt._novelties(spectra, pitched=pitched)
        beats = bt._trim(bt._track(nov["track"], period, bt._TIGHTNESS), nov["track"])
        beats = bt._fix_phase(nov, beats.astype(np.float64), period)
        beats = bt._fix_half_beat_stretches(nov, beats)
        return _beat_f(song, beats / spectra.frame_rate)

    assert placed(0.0) < 0.5  # read as a snare's backbeat: half a beat off
    assert placed(1.0) >= 0.9


def test_the_attack_band_in_blocks_equals_the_whole_song():
    """``_attack_noise`` takes its STFT a block of frames at a time (a 20-minute song must not
    hold a whole complex spectrogram): the blocks, joined, are the STFT of the whole signal,
    frame for frame, whatever the block size."""
    y = _rag(100.0, 12).audio()
    whole = np.concatenate(list(bt._hf_band_blocks(y, SR, 512, frames=10**6)), axis=1)
    for frames in (1, 37, 500):
        blocks = list(bt._hf_band_blocks(y, SR, 512, frames=frames))
        assert len(blocks) == -(-whole.shape[1] // frames)
        np.testing.assert_array_equal(np.concatenate(blocks, axis=1), whole)
    assert whole.shape[1] == (len(y) - 1024) // 512 + 1
