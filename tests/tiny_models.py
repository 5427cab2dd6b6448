"""Tiny random-weight models for tests (no GPU, no downloads).

``make_tiny_sd(folder)`` writes a complete Stable Diffusion 1.x-shaped diffusers folder
(model_index.json, unet/, vae/, text_encoder/, tokenizer/, scheduler/) of a few MB, which the
project's own loader reads like any real model; ``make_tiny_depth`` a Depth Anything model and
``make_tiny_biggan`` a BigGAN-deep generator folder. Make a tiny SD model by hand with::

    python -m tests.tiny_models /tmp/tiny-sd
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = [
    "bytes_to_unicode",
    "make_tiny_biggan",
    "make_tiny_clip_tokenizer",
    "make_tiny_depth",
    "make_tiny_sd",
]

BOS = "<|startoftext|>"
EOS = "<|endoftext|>"


def bytes_to_unicode() -> dict[int, str]:
    """GPT-2's map from the 256 byte values to printable unicode characters."""
    bs = (
        list(range(ord("!"), ord("~") + 1))
        + list(range(ord("¡"), ord("¬") + 1))
        + list(range(ord("®"), ord("ÿ") + 1))
    )
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, (chr(c) for c in cs), strict=True))


def _byte_vocab() -> dict[str, int]:
    symbols = list(bytes_to_unicode().values())
    tokens = symbols + [s + "</w>" for s in symbols] + [BOS, EOS]
    return {tok: i for i, tok in enumerate(tokens)}


def make_tiny_clip_tokenizer():
    """A CLIP tokenizer over single bytes (514 tokens, no merges), built offline."""
    from transformers import CLIPTokenizer

    # transformers 5: CLIPTokenizer takes the vocab dict and the merges list directly.
    return CLIPTokenizer(vocab=_byte_vocab(), merges=[], model_max_length=77)


def make_tiny_sd(path: str | os.PathLike, *, seed: int = 0) -> Path:
    """Build a tiny random Stable Diffusion pipeline, save it to ``path`` and return the path."""
    import torch
    from diffusers import (
        AutoencoderKL,
        EulerAncestralDiscreteScheduler,
        StableDiffusionPipeline,
        UNet2DConditionModel,
    )
    from transformers import CLIPTextConfig, CLIPTextModel

    out = Path(path)
    out.mkdir(parents=True, exist_ok=True)

    tokenizer = make_tiny_clip_tokenizer()
    vocab = tokenizer.get_vocab()

    torch.manual_seed(seed)
    unet = UNet2DConditionModel(
        sample_size=32,
        in_channels=4,
        out_channels=4,
        block_out_channels=(32, 64),
        layers_per_block=1,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        cross_attention_dim=32,
        attention_head_dim=8,
        norm_num_groups=8,
    )
    torch.manual_seed(seed + 1)
    vae = AutoencoderKL(
        in_channels=3,
        out_channels=3,
        block_out_channels=(32, 64),
        down_block_types=("DownEncoderBlock2D", "DownEncoderBlock2D"),
        up_block_types=("UpDecoderBlock2D", "UpDecoderBlock2D"),
        latent_channels=4,
        layers_per_block=1,
        norm_num_groups=8,
        sample_size=64,
    )
    torch.manual_seed(seed + 2)
    text_config = CLIPTextConfig(
        hidden_size=32,
        intermediate_size=37,
        num_hidden_layers=2,
        num_attention_heads=4,
        projection_dim=32,
        vocab_size=len(vocab),
        max_position_embeddings=77,
        bos_token_id=vocab[BOS],
        eos_token_id=vocab[EOS],
        pad_token_id=vocab[EOS],
        layer_norm_eps=1e-5,
    )
    text_encoder = CLIPTextModel(text_config)
    scheduler = EulerAncestralDiscreteScheduler(
        num_train_timesteps=1000,
        beta_start=0.00085,
        beta_end=0.012,
        beta_schedule="scaled_linear",
        prediction_type="epsilon",
        timestep_spacing="trailing",
        steps_offset=1,
    )
    pipe = StableDiffusionPipeline(
        vae=vae,
        text_encoder=text_encoder,
        tokenizer=tokenizer,
        unet=unet,
        scheduler=scheduler,
        safety_checker=None,
        feature_extractor=None,
        requires_safety_checker=False,
    )
    pipe.save_pretrained(out)
    return out


def make_tiny_depth(folder: str | os.PathLike, *, seed: int = 0) -> Path:
    """Build a tiny random Depth Anything model (+ its DPT image processor config) in ``folder``.

    A 2-layer Dinov2 backbone of width 32 (patch 14) and a small DPT neck: about 0.3 MB, a few
    milliseconds per 56x56 input on a CPU. Loads through ``DepthEstimator(folder)``.
    """
    import json

    import torch
    from transformers import DepthAnythingConfig, DepthAnythingForDepthEstimation, Dinov2Config

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    backbone = Dinov2Config(
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        mlp_ratio=2,
        patch_size=14,
        image_size=56,
        out_indices=[1, 2],
        reshape_hidden_states=False,
    )
    config = DepthAnythingConfig(
        backbone_config=backbone,
        patch_size=14,
        reassemble_hidden_size=32,
        reassemble_factors=[2, 1],
        neck_hidden_sizes=[16, 32],
        fusion_hidden_size=16,
        head_hidden_size=8,
    )
    torch.manual_seed(seed)
    model = DepthAnythingForDepthEstimation(config).eval()
    with torch.no_grad():  # a disparity that varies with the picture rather than a flat ReLU 0
        model.head.conv3.weight.mul_(1e4)
        model.head.conv3.bias.fill_(1.0)
    model.save_pretrained(out)
    processor = {  # Depth-Anything-V2-Small-hf's, at 56 pixels instead of 518
        "image_processor_type": "DPTImageProcessor",
        "do_resize": True,
        "size": {"height": 56, "width": 56},
        "keep_aspect_ratio": True,
        "ensure_multiple_of": 14,
        "resample": 3,
        "do_rescale": True,
        "rescale_factor": 1 / 255,
        "do_normalize": True,
        "image_mean": [0.485, 0.456, 0.406],
        "image_std": [0.229, 0.224, 0.225],
        "do_pad": False,
    }
    (out / "preprocessor_config.json").write_text(json.dumps(processor, indent=2) + "\n",
                                                  encoding="utf-8")
    return out


def make_tiny_biggan(folder: str | os.PathLike, *, seed: int = 0, output_dim: int = 32) -> Path:
    """Build a tiny random BigGAN-deep generator in ``folder`` and return the folder.

    ``config.json`` + ``pytorch_model.bin``, the layout ``BigGAN.from_pretrained(folder)`` reads:
    channel width 4, blocks from 4x4 up to ``output_dim`` (a power of two, >= 16) halving the
    channels from 64 to 4, self-attention at 16x16; 2.6 MB, milliseconds per frame on a CPU. The
    spectral norms' singular vectors are estimated by a few power iterations and the attention
    gain is non-zero, so the pictures vary with the noise and the class vector.
    """
    import torch
    from pytorch_pretrained_biggan import BigGAN, BigGANConfig

    ups = output_dim.bit_length() - 3  # 4 * 2**ups == output_dim
    if output_dim < 16 or 4 << ups != output_dim:
        raise ValueError(f"output_dim={output_dim} must be a power of two >= 16")
    # (upsample?, in, out) in units of the channel width: 16 -> 1, halving at each change
    layers, width = [(False, 16, 16)], 16
    for i in range(max(ups, 4)):
        layers.append((i < ups, width, max(width // 2, 1)))
        width = layers[-1][2]
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    config = BigGANConfig(output_dim=output_dim, z_dim=128, class_embed_dim=128, channel_width=4,
                          num_classes=1000, layers=layers, attention_layer_position=3)
    torch.manual_seed(seed)
    model = BigGAN(config)
    with torch.no_grad():
        model.generator.bn.weight.fill_(1.0)  # created uninitialised by the library
        model.generator.bn.bias.zero_()
        for module in model.modules():
            if hasattr(module, "gamma"):
                module.gamma.fill_(0.5)
        model.train()  # spectral norm refines its singular vectors on training forwards
        z = torch.randn(4, 128)
        classes = torch.eye(1000)[:4]
        for _ in range(10):
            model(z, classes, 1.0)
    model.eval()
    (out / "config.json").write_text(config.to_json_string(), encoding="utf-8")
    torch.save(model.state_dict(), out / "pytorch_model.bin")
    return out


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m tests.tiny_models FOLDER", file=sys.stderr)
        return 2
    out = make_tiny_sd(args[0])
    print(f"tiny Stable Diffusion model written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


def make_tiny_taesd(path: str | os.PathLike, *, seed: int = 0, blocks: int = 2) -> Path:
    """A tiny random ``AutoencoderTiny`` (TAESD's architecture) for :func:`make_tiny_sd`'s
    model: 4 latent channels at 1/2 scale with ``blocks=2`` (another ``blocks`` gives another
    scale, which the model refuses)."""
    import torch
    from diffusers import AutoencoderTiny

    out = Path(path)
    torch.manual_seed(seed)
    AutoencoderTiny(encoder_block_out_channels=(16,) * blocks,
                    decoder_block_out_channels=(16,) * blocks,
                    num_encoder_blocks=(1,) * blocks, num_decoder_blocks=(1,) * blocks,
                    latent_channels=4).save_pretrained(out)
    return out
