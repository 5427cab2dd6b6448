"""RIFE frame interpolation: the Practical-RIFE 4.x IFNet, loading its ``flownet.pkl``.

- :class:`IFNet`        the flow network (a pyramid of :class:`IFBlock`\\ s, a feature encoder)
- :func:`ifnet_config`  the layout of a 4.x state dict (blocks, widths, encoder), read from it
- :func:`load_rife`     a user's weights (a ``flownet.pkl``, its folder, or a hub id) -> IFNet
- :func:`rife_between`  the frames between two batches of frames at times ``t``

Practical-RIFE (https://github.com/hzwer/Practical-RIFE, MIT) publishes its 4.x models as a
``train_log`` folder holding ``flownet.pkl``, a torch state dict whose keys may carry DDP's
``module.`` prefix. The layout differs between releases (the number of blocks, their widths,
the feature encoder: none in 4.6, a two-layer ``encode`` in 4.7-4.13, a four-layer ``Head`` from
4.14, blocks passing features on from 4.15), so :func:`ifnet_config` reads it from the tensor
shapes and the same code runs each. This is an independent implementation of the published
architecture; only the parameter names follow the originals so that their files load.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from ..errors import ModelError, UserError

__all__ = ["IFNet", "IFNetConfig", "ifnet_config", "load_rife", "rife_between"]

_BLOCK = re.compile(r"^block(\d+)\.conv0\.0\.0\.weight$")


@dataclass(frozen=True)
class IFNetConfig:
    """What differs between 4.x releases: per block (input channels, width, output channels);
    ``encoder`` ``"head"`` (4.14+), ``"seq"`` (4.7-4.13) or ``""`` (none); ``features`` the
    encoder's output channels (0 without one); ``resblocks`` per block."""

    blocks: tuple[tuple[int, int, int], ...]
    encoder: str = "head"
    features: int = 8
    resblocks: int = 8

    @property
    def carried(self) -> int:
        """Feature channels a block hands to the next (beyond its flow and mask): what the
        second block takes beyond the warped pictures and features, time, mask and flow (0
        before 4.15, whose blocks' sixth output channel is unused)."""
        if len(self.blocks) < 2:
            return 0
        return max(0, self.blocks[1][0] - (6 + 2 * self.features + 2 + 4))


def _conv(cin: int, cout: int, stride: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1), nn.LeakyReLU(0.2, True))


class ResConv(nn.Module):
    """A 3x3 convolution scaled by a learnt per-channel ``beta``, added to its input."""

    def __init__(self, c: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, 1, 1)
        self.beta = nn.Parameter(torch.ones((1, c, 1, 1)))
        self.relu = nn.LeakyReLU(0.2, True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.relu(self.conv(x) * self.beta + x)


class IFBlock(nn.Module):
    """One pyramid level: inputs at 1/``scale`` -> flow (4 channels), mask, features."""

    def __init__(self, cin: int, c: int, cout: int, resblocks: int) -> None:
        super().__init__()
        self.conv0 = nn.Sequential(_conv(cin, c // 2, 2), _conv(c // 2, c, 2))
        self.convblock = nn.Sequential(*[ResConv(c) for _ in range(resblocks)])
        self.lastconv = nn.Sequential(nn.ConvTranspose2d(c, 4 * cout, 4, 2, 1),
                                      nn.PixelShuffle(2))

    def forward(self, x: torch.Tensor, flow: torch.Tensor | None,
                scale: float) -> torch.Tensor:
        x = F.interpolate(x, scale_factor=1.0 / scale, mode="bilinear", align_corners=False)
        if flow is not None:
            flow = F.interpolate(flow, scale_factor=1.0 / scale, mode="bilinear",
                                 align_corners=False) / scale
            x = torch.cat((x, flow), 1)
        out = self.lastconv(self.convblock(self.conv0(x)))
        out = F.interpolate(out, scale_factor=scale, mode="bilinear", align_corners=False)
        return torch.cat((out[:, :4] * scale, out[:, 4:]), 1)


class Head(nn.Module):
    """The 4.14+ feature encoder: a picture -> ``features`` channels at full size."""

    def __init__(self, features: int) -> None:
        super().__init__()
        self.cnn0 = nn.Conv2d(3, 32, 3, 2, 1)
        self.cnn1 = nn.Conv2d(32, 32, 3, 1, 1)
        self.cnn2 = nn.Conv2d(32, 32, 3, 1, 1)
        self.cnn3 = nn.ConvTranspose2d(32, features, 4, 2, 1)
        self.relu = nn.LeakyReLU(0.2, True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.relu(self.cnn0(x))
        x = self.relu(self.cnn1(x))
        x = self.relu(self.cnn2(x))
        return self.cnn3(x)


def _warp(image: torch.Tensor, flow: torch.Tensor) -> torch.Tensor:
    """``image`` sampled at each pixel + ``flow`` (pixels; borders repeated)."""
    h, w = flow.shape[2:]
    ys = torch.linspace(-1.0, 1.0, h, device=flow.device, dtype=flow.dtype)
    xs = torch.linspace(-1.0, 1.0, w, device=flow.device, dtype=flow.dtype)
    grid = torch.stack(torch.meshgrid(xs, ys, indexing="xy"), 0).unsqueeze(0)
    norm = torch.cat((flow[:, :1] / ((w - 1.0) / 2.0), flow[:, 1:2] / ((h - 1.0) / 2.0)), 1)
    g = (grid + norm).permute(0, 2, 3, 1).to(image.dtype)
    return F.grid_sample(image, g, mode="bilinear", padding_mode="border", align_corners=True)


class IFNet(nn.Module):
    """The Practical-RIFE 4.x flow network (``forward``: two pictures, a time -> the picture
    at that time; inputs ``(B, 3, H, W)`` in [0, 1], H and W multiples of :attr:`multiple`)."""

    def __init__(self, config: IFNetConfig) -> None:
        super().__init__()
        self.config = config
        for i, (cin, c, cout) in enumerate(config.blocks):
            setattr(self, f"block{i}", IFBlock(cin, c, cout, config.resblocks))
        if config.encoder == "head":
            self.encode = Head(config.features)
        elif config.encoder == "seq":
            self.encode = nn.Sequential(nn.Conv2d(3, 16, 3, 2, 1),
                                        nn.ConvTranspose2d(16, config.features, 4, 2, 1))

    @property
    def multiple(self) -> int:
        """What the picture's sides must be a multiple of (padded up to it)."""
        return 4 * 2 ** (len(self.config.blocks) - 1)

    def forward(self, img0: torch.Tensor, img1: torch.Tensor,
                timestep: torch.Tensor) -> torch.Tensor:
        """The picture at ``timestep`` (``(B, 1, 1, 1)`` in 0..1) between ``img0`` and
        ``img1``."""
        t = timestep.expand(-1, 1, img0.shape[2], img0.shape[3]).to(img0.dtype)
        enc = self.config.encoder
        f0 = self.encode(img0) if enc else img0[:, :0]
        f1 = self.encode(img1) if enc else img1[:, :0]
        n = len(self.config.blocks)
        w0, w1, flow, mask, feat = img0, img1, None, None, None
        for i in range(n):
            block, scale = getattr(self, f"block{i}"), 2 ** (n - 1 - i)
            if flow is None:
                out = block(torch.cat((img0, img1, f0, f1, t), 1), None, scale)
                flow, mask, feat = out[:, :4], out[:, 4:5], out[:, 5:]
            else:
                wf0 = _warp(f0, flow[:, :2]) if enc else f0
                wf1 = _warp(f1, flow[:, 2:4]) if enc else f1
                parts = [w0, w1, wf0, wf1, t, mask]
                if self.config.carried:
                    parts.append(feat[:, :self.config.carried])
                out = block(torch.cat(parts, 1), flow, scale)
                flow, mask, feat = flow + out[:, :4], out[:, 4:5], out[:, 5:]
            w0, w1 = _warp(img0, flow[:, :2]), _warp(img1, flow[:, 2:4])
        m = torch.sigmoid(mask)
        return w0 * m + w1 * (1 - m)


def ifnet_config(state: dict[str, torch.Tensor]) -> IFNetConfig:
    """The :class:`IFNetConfig` of a 4.x state dict (``module.`` prefixes already removed).

    Raises
    ------
    ValueError
        The tensors are not those of a Practical-RIFE 4.x IFNet.
    """
    numbers = sorted(int(m.group(1)) for k in state if (m := _BLOCK.match(k)))
    if not numbers or numbers != list(range(len(numbers))):
        raise ValueError("no IFNet blocks (block0.conv0...) in it")
    blocks = []
    for i in numbers:
        first = state[f"block{i}.conv0.0.0.weight"]
        last = state[f"block{i}.lastconv.0.weight"]
        blocks.append((int(first.shape[1]), int(first.shape[0]) * 2, int(last.shape[1]) // 4))
    resblocks = len({k.split(".")[2] for k in state if k.startswith("block0.convblock.")})
    if "encode.cnn3.weight" in state:
        encoder, features = "head", int(state["encode.cnn3.weight"].shape[1])
    elif "encode.1.weight" in state:
        encoder, features = "seq", int(state["encode.1.weight"].shape[1])
    else:
        encoder, features = "", 0
    return IFNetConfig(tuple(blocks), encoder, features, resblocks)


def _state_dict(path: Path) -> dict[str, torch.Tensor]:
    """The tensors of a ``flownet.pkl`` (or ``.pth``/``.safetensors``), prefixes removed."""
    if path.suffix == ".safetensors":
        from safetensors.torch import load_file

        state = load_file(str(path))
    else:
        state = torch.load(path, map_location="cpu", weights_only=True)
    if isinstance(state, dict) and isinstance(state.get("state_dict"), dict):
        state = state["state_dict"]
    if not isinstance(state, dict):
        raise ValueError("it holds no tensors by name")
    return {k.removeprefix("module."): v for k, v in state.items() if torch.is_tensor(v)}


def _weights_file(model: str) -> Path:
    """A local ``flownet.pkl`` for ``model``: the file, ``<folder>/flownet.pkl``, or a hub id
    (``owner/repo`` or ``owner/repo/file``) downloaded with huggingface_hub."""
    path = Path(os.path.expanduser(model))
    if path.is_dir():
        path = path / "flownet.pkl"
    if path.is_file():
        return path
    parts = model.strip("/").split("/")
    looks_local = (path.suffix in (".pkl", ".pth", ".safetensors")
                   or model.startswith((".", "/", "~")))
    if len(parts) < 2 or looks_local:
        raise UserError(f"The RIFE model file '{model}' does not exist; give the path of the "
                        "flownet.pkl from a Practical-RIFE 4.x release (or its train_log "
                        "folder), or a Hugging Face id.")
    from huggingface_hub import hf_hub_download

    repo, name = "/".join(parts[:2]), "/".join(parts[2:]) or "flownet.pkl"
    try:
        return Path(hf_hub_download(repo, name))
    except Exception as e:  # offline, no such repo or file: one sentence
        raise UserError(f"Could not get the RIFE model '{model}' from the Hugging Face hub "
                        f"({type(e).__name__}); download the flownet.pkl of a Practical-RIFE "
                        "4.x release and give its path.") from None


def load_rife(model: str, *, device: str | torch.device = "cpu") -> IFNet:
    """The IFNet of ``model`` (a ``flownet.pkl``, the ``train_log`` folder holding it, or a
    Hugging Face id), in eval mode on ``device`` (fp16 on CUDA).

    Raises
    ------
    UserError
        The file is missing, or is not a Practical-RIFE 4.x model (one sentence).
    """
    path = _weights_file(model)
    try:
        state = _state_dict(path)
    except Exception:  # not a torch file, or one holding code rather than tensors
        state = None
    problem = "it is not a file of torch tensors"
    if state is not None:
        try:
            net = IFNet(ifnet_config(state))
            net.load_state_dict(state, strict=True)
            problem = ""
        except (ValueError, KeyError, IndexError, RuntimeError) as e:
            problem = str(e).strip().splitlines()[0][:160] if isinstance(e, ValueError) else (
                "its tensors do not fit the 4.x network")
    if problem:
        raise ModelError(f"'{path}' is not a Practical-RIFE 4.x model we can read ({problem}); "
                         "give the flownet.pkl of a 4.x release.")
    net = net.eval().to(device)
    if torch.device(device).type == "cuda":
        net = net.half()
    return net


@torch.inference_mode()
def rife_between(net: IFNet, a: torch.Tensor, b: torch.Tensor,
                 times: list[float]) -> list[torch.Tensor]:
    """For each ``t`` in ``times``, the pictures between ``a`` and ``b`` (``(B, 3, H, W)`` in
    [0, 1]) at ``t``: padded to the network's multiple, cropped back, clamped."""
    h, w = a.shape[2:]
    m = net.multiple
    pad = (0, (-w) % m, 0, (-h) % m)
    dtype = next(net.parameters()).dtype
    a_p = F.pad(a.to(dtype), pad)
    b_p = F.pad(b.to(dtype), pad)
    out = []
    for t in times:
        step = torch.full((a.shape[0], 1, 1, 1), t, device=a.device, dtype=dtype)
        mid = net(a_p, b_p, step)[:, :, :h, :w]
        out.append(mid.clamp(0, 1).to(a.dtype))
    return out
