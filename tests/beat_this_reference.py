"""Write tests/data/beat_this_reference.npz: what beat_this's own pipeline gives on a click song.

    PYTHONPATH=<repo> <venv>/bin/python tests/beat_this_reference.py [OUT.npz]

Run with a Python where beat_this's own inference works, torchaudio included (on x86_64 here:
a venv with ``--system-site-packages`` and ``pip install torch==2.11.0 torchaudio==2.11.0
beat-this==1.1.0``, 4.5 GB, about 3 minutes). Our adapter reimplements beat_this's front end
(torchaudio's mel spectrogram) and chunked inference in torch alone, so that it needs no
torchaudio; tests/beat_this_check.py compares it against these values in the light venv of
``.ci/beat_this_venv``, which has no torchaudio.

Stored, for the tiny random-weight ``BeatThis`` of :func:`tiny_model` (the sum of its weights):
beat_this's
``LogMelSpect`` of the song's first and last frames, its ``Audio2Beats`` beats and downbeats
(minimal peak picking) and the versions that made them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

#: A song long enough for two chunks of 1500 frames (the last one shifted to end at the end).
SONG_SECONDS, SONG_SR = 35.0, 44100
#: The tiny model's hyperparameters (the published ones are BeatThis's defaults).
HPARAMS = {"spect_dim": 128, "transformer_dim": 32, "ff_mult": 2, "n_layers": 1,
           "head_dim": 16, "stem_dim": 16}
HEAD_FRAMES, TAIL_FRAMES = 60, 30
DEFAULT_OUT = Path(__file__).resolve().parent / "data" / "beat_this_reference.npz"


def tiny_model(seed: int = 0, **hparams: int):
    """A random ``BeatThis`` (tiny unless ``hparams`` say otherwise) whose beat logits sit above
    0, so that peaks are picked, and its downbeat logits near 0 (some beats are downbeats).

    Its weights come from NumPy's generator, the same with any torch: matrices uniform in
    +-1/sqrt(fan-in), biases 0, norm scales and the rotary frequencies as built.
    """
    import torch
    from beat_this.model.beat_tracker import BeatThis

    rng = np.random.default_rng(seed)
    model = BeatThis(**{**HPARAMS, **hparams})
    with torch.no_grad():
        for name, param in model.named_parameters():
            if param.ndim >= 2 and param.requires_grad:
                bound = 1.0 / np.sqrt(param[0].numel())
                param.copy_(torch.from_numpy(rng.uniform(-bound, bound, tuple(param.shape))))
            elif name.endswith(".bias"):
                param.zero_()
        model.task_heads.beat_downbeat_lin.bias.copy_(torch.tensor([4.0, -0.5]))
    return model.eval()


def weights_sum(model) -> float:
    """The sum of the absolute values of ``model``'s parameters: the same model, the same sum."""
    return float(sum(p.detach().abs().double().sum() for p in model.parameters()))


def save_checkpoint(state: dict, path: Path, hparams: dict | None = None) -> Path:
    """``state`` (a ``BeatThis`` state dict) saved as beat_this's training module saves it,
    with its hyperparameters (default :data:`HPARAMS`) and two of training."""
    import torch

    hparams = HPARAMS if hparams is None else hparams
    torch.save({"hyper_parameters": {**hparams, "fps": 50, "lr": 0.0008},
                "state_dict": {f"model.{k}": v for k, v in state.items()}}, path)
    return path


def main(out: Path) -> None:
    import tempfile

    import beat_this
    import torch
    import torchaudio
    from beat_this.inference import Audio2Beats, Audio2Frames

    from tests.conftest import click_song

    y = click_song(SONG_SECONDS, sr=SONG_SR).astype(np.float64)
    model = tiny_model(0)
    with tempfile.TemporaryDirectory() as tmp:
        ckpt = str(save_checkpoint(model.state_dict(), Path(tmp) / "tiny.ckpt"))
        frames = Audio2Frames(ckpt)
        spect = frames.signal2spect(y, SONG_SR).numpy()
        beats, downbeats = Audio2Beats(ckpt)(y, SONG_SR)
    version = getattr(beat_this, "__version__", "") or _dist_version("beat-this")
    np.savez_compressed(
        out, spect_head=spect[:HEAD_FRAMES], spect_tail=spect[-TAIL_FRAMES:],
        n_frames=len(spect), beats=np.asarray(beats), downbeats=np.asarray(downbeats),
        weights_sum=weights_sum(model),
        made_by=f"beat_this {version}, torch {torch.__version__}, "
                f"torchaudio {torchaudio.__version__}")
    print(f"wrote {out}: {len(spect)} frames, {len(beats)} beats, {len(downbeats)} downbeats")


def _dist_version(name: str) -> str:
    import importlib.metadata

    return importlib.metadata.version(name)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT)
