"""Which beat tracker runs: the built-in one, or a neural one when the user has it.

- :data:`TRACKERS`           the choices of the ``beat_tracker`` setting
- :data:`DEFAULT_CHECKPOINT` the ``beat_this`` checkpoint used unless another is given
- :class:`TrackerChoice`     the tracker that will run, its cache identity and why (plain data)
- :func:`choose_tracker`     ``auto|builtin|beat_this|madmom`` -> :class:`TrackerChoice`
- :func:`run_tracker`        run a neural tracker on mono samples -> :class:`~.beats.BeatResult`
- :func:`beat_this_spectrogram`  the log-mel front end ``beat_this`` models were trained on

``auto`` runs ``beat_this`` (Foscarin et al. 2024, MIT) when it is importable and its
checkpoint can be had (a file, or a name such as ``final0`` downloaded once into torch's hub
cache, as ``beat_this`` itself does), else the built-in tracker. ``beat_this`` and ``madmom``
asked for by name and missing are a :class:`~music_visualizer.errors.SettingsError` saying how
to install them. Only ``beat_this``'s model class and peak picking are used: the spectrogram
and the chunked inference are ours, so torchaudio is not needed.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import SettingsError
from ..settings.model import CHOICES
from .dsp import mel_filterbank
from .load import audio_hash

if TYPE_CHECKING:
    from .beats import BeatResult

__all__ = [
    "DEFAULT_CHECKPOINT",
    "TRACKERS",
    "TrackerChoice",
    "beat_this_spectrogram",
    "choose_tracker",
    "run_tracker",
]

TRACKERS: tuple[str, ...] = CHOICES["beat_tracker"]
DEFAULT_CHECKPOINT = "final0"

#: Where ``beat_this`` publishes its checkpoints (``<url>/<name>.ckpt``).
_CHECKPOINT_URL = "https://cloud.cp.jku.at/public.php/dav/files/7ik4RrBKTS273gp"
_INSTALL = {
    "beat_this": "install it with `pip install beat-this`",
    "madmom": "install it with `pip install madmom` (it builds from source: Cython and a C "
              "compiler are needed)",
}
# The front end and frame rate beat_this models are trained with.
_SR, _N_FFT, _HOP, _N_MELS, _F_MIN, _F_MAX, _FPS = 22050, 1024, 441, 128, 30.0, 11000.0, 50
_CHUNK, _BORDER = 1500, 6  # frames per model call (30 s), frames dropped at each chunk edge


@dataclass(frozen=True)
class TrackerChoice:
    """The tracker that will run.

    ``name`` is ``builtin``, ``beat_this`` or ``madmom``; ``checkpoint`` the local
    ``beat_this`` checkpoint file (else ""); ``key`` names it in the analysis cache (a
    checkpoint by the hash of its contents); ``note`` says why ``auto`` chose it (else "").
    """

    name: str
    key: str
    checkpoint: str = ""
    note: str = ""


def choose_tracker(requested: str = "auto", *, checkpoint: str | None = None,
                   cache_dir: Path | None = None) -> TrackerChoice:
    """The tracker for ``requested`` (``auto``, ``builtin``, ``beat_this`` or ``madmom``).

    ``checkpoint`` is a ``beat_this`` checkpoint file, URL or published name (default
    ``final0``); a name or URL is downloaded once into ``cache_dir`` (default: torch's hub
    cache, where ``beat_this`` keeps it too).

    Raises
    ------
    SettingsError
        For an unknown choice, or ``beat_this``/``madmom`` asked for and not available.
    """
    name = str(requested or "auto").strip().lower()
    if name not in TRACKERS:
        raise SettingsError(f"beat_tracker: '{requested}' is not one of "
                            f"{', '.join(TRACKERS)}.")
    if name == "builtin":
        return TrackerChoice("builtin", "builtin")
    if name == "madmom":
        if not _importable("madmom"):
            raise SettingsError(f"beat_tracker: madmom is not installed; {_INSTALL['madmom']}, "
                                "or choose auto or builtin.")
        import madmom  # type: ignore[import-not-found]

        return TrackerChoice("madmom", f"madmom-{getattr(madmom, '__version__', '0')}")
    problem, file = _beat_this_checkpoint(checkpoint or DEFAULT_CHECKPOINT, cache_dir)
    if problem and name == "beat_this":
        raise SettingsError(f"beat_tracker: {problem}, or choose auto or builtin.")
    if problem:
        return TrackerChoice("builtin", "builtin", note=f"auto: built-in tracker ({problem})")
    return TrackerChoice("beat_this", f"beat_this-{audio_hash(file)[:16]}", checkpoint=str(file),
                         note="auto: beat_this" if name == "auto" else "")


def run_tracker(choice: TrackerChoice, y: np.ndarray, sr: int) -> BeatResult:
    """Beats and downbeats of mono samples ``y`` at ``sr`` by a neural ``choice``.

    Raises
    ------
    ValueError
        For the built-in tracker, which runs on the shared spectra instead
        (:func:`~.beats.track_beats`).
    SettingsError
        If the ``beat_this`` checkpoint cannot be loaded as a ``beat_this`` model.
    """
    if choice.name == "beat_this":
        beats, downbeats = _run_beat_this(Path(choice.checkpoint), y, sr)
    elif choice.name == "madmom":
        beats, downbeats = _run_madmom(y, sr)
    else:
        raise ValueError(f"run_tracker runs neural trackers, not {choice.name!r}")
    return _beat_result(beats, downbeats)


# ---------------------------------------------------------------------------------------------
# Availability
# ---------------------------------------------------------------------------------------------

def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def _beat_this_checkpoint(checkpoint: str, cache_dir: Path | None) -> tuple[str, Path | None]:
    """("", local file) when ``beat_this`` and its checkpoint can be had, else (why not, None)."""
    if not _importable("beat_this"):  # checked first: importing torch costs ~1 s and ~180 MB
        return f"beat_this is not installed; {_INSTALL['beat_this']}", None
    try:
        import torch  # noqa: F401
        from beat_this.model.beat_tracker import BeatThis  # type: ignore[import-not-found] # noqa: F401
        from beat_this.model.postprocessor import (  # type: ignore[import-not-found] # noqa: F401
            Postprocessor,
        )
    except ImportError as e:
        return (f"beat_this does not import ({e}); reinstall it with "
                "`pip install -U beat-this`"), None
    path = Path(checkpoint).expanduser()
    if path.is_file():
        return "", path
    is_url = checkpoint.startswith(("https://", "http://"))
    if not is_url and (path.suffix or len(path.parts) > 1):
        return (f"the beat_this checkpoint '{checkpoint}' does not exist; give a checkpoint file "
                "or a published name such as final0"), None
    url = checkpoint if is_url else f"{_CHECKPOINT_URL}/{checkpoint}.ckpt"
    file_name = Path(url.split("?")[0]).name if is_url else f"beat_this-{checkpoint}.ckpt"
    try:
        return "", _download(url, file_name, cache_dir)
    except Exception as e:  # offline, unknown name, server down: all mean "cannot be had"
        return (f"the beat_this checkpoint '{checkpoint}' could not be downloaded "
                f"({type(e).__name__}); connect to the internet or give a checkpoint file"), None


def _download(url: str, file_name: str, cache_dir: Path | None) -> Path:
    """The file at ``url``, downloaded once into ``cache_dir`` (default: torch's hub cache)."""
    import torch

    folder = Path(cache_dir) if cache_dir else Path(torch.hub.get_dir()) / "checkpoints"
    target = folder / file_name
    if not target.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        torch.hub.download_url_to_file(url, str(target), progress=False)
    return target


# ---------------------------------------------------------------------------------------------
# beat_this
# ---------------------------------------------------------------------------------------------

def beat_this_spectrogram(y: np.ndarray, sr: int) -> Any:
    """The ``(frames, 128)`` torch log-mel spectrogram ``beat_this`` models read.

    22.05 kHz, 1024-point Hann STFT (centred, reflect-padded, scaled by 1/sqrt(1024)), hop 441
    (50 frames/s), magnitude, 128 Slaney-scale mel bands 30 Hz-11 kHz (unnormalised
    triangles), then ``log(1 + 1000 x)``.
    """
    import torch

    y = np.asarray(y, dtype=np.float32)
    if sr != _SR:
        import soxr

        y = soxr.resample(y, sr, _SR).astype(np.float32)
    signal = torch.from_numpy(np.array(y, dtype=np.float32))  # a writable copy
    if len(signal) <= _N_FFT // 2:  # reflect padding needs more samples than half a window
        signal = torch.nn.functional.pad(signal, (0, _N_FFT // 2 + 1 - len(signal)))
    stft = torch.stft(signal, _N_FFT, hop_length=_HOP, window=torch.hann_window(_N_FFT),
                      center=True, pad_mode="reflect", normalized=True, return_complex=True)
    fb = mel_filterbank(_SR, _N_FFT, _N_MELS, _F_MIN, _F_MAX, normalise=False)
    mel = torch.from_numpy(fb.astype(np.float32)) @ stft.abs()
    return torch.log1p(1000.0 * mel).T.contiguous()


def _load_beat_this(path: Path) -> Any:
    """The ``BeatThis`` model of a checkpoint (``hyper_parameters`` + ``state_dict`` with the
    ``model.`` prefix of its training module), in eval mode on the CPU."""
    import inspect

    import torch
    from beat_this.model.beat_tracker import BeatThis  # type: ignore[import-not-found]

    try:
        checkpoint = torch.load(path, map_location="cpu", weights_only=True)
        accepted = set(inspect.signature(BeatThis).parameters)
        hparams = {k: v for k, v in checkpoint["hyper_parameters"].items() if k in accepted}
        state = {(k[len("model."):] if k.startswith("model.") else k): v
                 for k, v in checkpoint["state_dict"].items()}
        model = BeatThis(**hparams)
        model.load_state_dict(state)
    except Exception as e:
        why = (str(e).strip().splitlines() or [""])[0][:120]
        raise SettingsError(f"beat_this_checkpoint: '{path}' is not a beat_this checkpoint "
                            f"({type(e).__name__}: {why}); give a file saved by beat_this, or "
                            "choose builtin.") from None
    return model.eval()


def _frame_logits(model: Any, spect: Any, *, chunk: int = _CHUNK, border: int = _BORDER
                  ) -> tuple[Any, Any]:
    """Beat and downbeat logits per frame, the model run on chunks of ``chunk`` frames.

    Each chunk carries ``border`` frames of context at both ends (zeros at the song's edges)
    whose predictions are dropped; the last chunk ends at the song's end; where chunks
    overlap, the earlier one's predictions are kept.
    """
    import torch

    n, step = spect.shape[0], chunk - 2 * border
    padded = torch.nn.functional.pad(spect, (0, 0, border, border))
    starts = list(range(0, n, step))
    if n > step:
        starts[-1] = n - step
    beat, downbeat = torch.zeros(n), torch.zeros(n)
    done = 0
    with torch.inference_mode():
        for start in starts:
            out = model(padded[start:start + step + 2 * border].unsqueeze(0))
            end = start + out["beat"].shape[1] - 2 * border
            beat[done:end] = out["beat"][0, border + done - start:border + end - start]
            downbeat[done:end] = out["downbeat"][0, border + done - start:border + end - start]
            done = end
    return beat.float(), downbeat.float()


def _run_beat_this(checkpoint: Path, y: np.ndarray, sr: int) -> tuple[np.ndarray, np.ndarray]:
    from beat_this.model.postprocessor import Postprocessor  # type: ignore[import-not-found]

    model = _load_beat_this(checkpoint)
    spect = beat_this_spectrogram(y, sr)
    if spect.shape[0] < 2 * _BORDER + 1:
        return np.zeros(0), np.zeros(0)
    beat, downbeat = _frame_logits(model, spect)
    beats, downbeats = Postprocessor(type="minimal", fps=_FPS)(beat, downbeat)
    return np.asarray(beats, dtype=np.float64), np.asarray(downbeats, dtype=np.float64)


# ---------------------------------------------------------------------------------------------
# madmom
# ---------------------------------------------------------------------------------------------

def _run_madmom(y: np.ndarray, sr: int) -> tuple[np.ndarray, np.ndarray]:
    """madmom's RNN downbeat activations decoded by its DBN (bars of 3 or 4 beats)."""
    import soxr
    from madmom.audio.signal import Signal  # type: ignore[import-not-found]
    from madmom.features.downbeats import (  # type: ignore[import-not-found]
        DBNDownBeatTrackingProcessor,
        RNNDownBeatProcessor,
    )

    y44 = soxr.resample(np.asarray(y, dtype=np.float32), sr, 44100).astype(np.float32)
    activations = RNNDownBeatProcessor()(Signal(y44, sample_rate=44100, num_channels=1))
    out = np.asarray(DBNDownBeatTrackingProcessor(beats_per_bar=[3, 4], fps=100)(activations))
    if out.size == 0:
        return np.zeros(0), np.zeros(0)
    return out[:, 0].astype(np.float64), out[out[:, 1] == 1, 0].astype(np.float64)


# ---------------------------------------------------------------------------------------------
# Result
# ---------------------------------------------------------------------------------------------

def _beat_result(beats: np.ndarray, downbeats: np.ndarray) -> BeatResult:
    """A :class:`BeatResult` of beat and downbeat times: sorted, downbeats on beats, meter the
    usual number of beats between downbeats (4 when unclear), tempo from the median beat."""
    from .beats import BeatResult

    beats = np.unique(np.asarray(beats, dtype=np.float64)[np.isfinite(beats)])
    beats = beats[beats >= 0.0]
    if len(beats) < 2:
        return BeatResult(tempo=0.0, beats=np.zeros(0), downbeats=np.zeros(0), meter=4)
    downbeats = np.asarray(downbeats, dtype=np.float64)
    nearest = np.clip(np.searchsorted(beats, downbeats), 0, len(beats) - 1)
    lower = np.clip(nearest - 1, 0, len(beats) - 1)
    pick = np.where(np.abs(beats[lower] - downbeats) < np.abs(beats[nearest] - downbeats),
                    lower, nearest)
    is_down = np.zeros(len(beats), dtype=bool)
    is_down[pick[np.abs(beats[pick] - downbeats) <= 0.07]] = True
    per_bar = np.diff(np.flatnonzero(is_down))
    meter = int(np.median(per_bar)) if len(per_bar) else 4
    return BeatResult(tempo=float(60.0 / np.median(np.diff(beats))), beats=beats,
                      downbeats=beats[is_down], meter=meter if 2 <= meter <= 7 else 4)
