"""Prompt weights ``(words:1.3)`` and prompt blending on a real (tiny) diffusers pipeline."""

from __future__ import annotations

import pytest
import torch

from music_visualizer.modes.plan import build_plan
from music_visualizer.prompts.weights import encode_weighted, has_weights, parse_weighted
from music_visualizer.settings import Settings


def test_parse_weighted_splits_chunks_and_keeps_other_brackets_literal():
    assert parse_weighted("a (red:1.3) fox in (fog: 0.8)") == [
        ("a ", 1.0), ("red", 1.3), (" fox in ", 1.0), ("fog", 0.8)]
    assert parse_weighted("a (cat) and (x:y:2)") == [("a (cat) and (x:y:2)", 1.0)]
    assert not has_weights("plain (text)") and has_weights("(bold:1.5)")


@pytest.fixture(scope="module")
def pipe(tiny_model):
    from music_visualizer.render.models import load_pipelines

    return load_pipelines(str(tiny_model), device="cpu").img2img


def test_weights_of_one_encode_exactly_like_diffusers(pipe):
    text = "a red fox in the fog"
    ours = encode_weighted(pipe.tokenizer, pipe.text_encoder, text, device="cpu")
    theirs, _ = pipe.encode_prompt(text, "cpu", 1, False)
    assert torch.allclose(ours, theirs, atol=1e-5)
    same = encode_weighted(pipe.tokenizer, pipe.text_encoder, "a (red:1.0) fox in the fog",
                           device="cpu")
    assert torch.allclose(same, theirs, atol=1e-5)


def test_a_weight_changes_its_own_tokens_most(pipe):
    plain = encode_weighted(pipe.tokenizer, pipe.text_encoder, "ab cd", device="cpu")
    heavy = encode_weighted(pipe.tokenizer, pipe.text_encoder, "ab (cd:1.8)", device="cpu")
    n_ab = len(pipe.tokenizer("ab", add_special_tokens=False).input_ids)
    n_cd = len(pipe.tokenizer("cd", add_special_tokens=False).input_ids)
    change = (heavy - plain).norm(dim=-1)[0]
    weighted_span = change[1 + n_ab: 1 + n_ab + n_cd]
    rest = torch.cat([change[: 1 + n_ab], change[1 + n_ab + n_cd:]])
    assert weighted_span.mean() > 3 * rest.mean()
    assert torch.isfinite(heavy).all()


def test_prompt_blend_interpolates_over_the_window():
    settings = Settings(prompts={"0": "a", "10": "b"}, prompt_blend=0.5, fps=10)
    plan = build_plan(settings, n_frames=20, seed=1)
    rows = [plan.row(i) for i in range(20)]
    assert all(r.blend == 1.0 and r.prompt_from is None for r in rows[:10])
    blending = rows[10:15]
    assert all(r.prompt == "b" and r.prompt_from == "a" for r in blending)
    weights = [r.blend for r in blending]
    assert weights == sorted(weights) and 0 < weights[0] < 0.2 and 0.8 < weights[-1] < 1
    assert rows[15].blend == 1.0 and rows[15].prompt_from is None
    hard = build_plan(Settings(prompts={"0": "a", "10": "b"}, fps=10), n_frames=20, seed=1)
    assert hard.row(10).blend == 1.0 and hard.row(10).prompt_from is None


def test_blended_embeddings_sit_between_the_two_prompts(tiny_model):
    from music_visualizer.render.diffusion import DiffusionRenderer
    from music_visualizer.render.loop import MotionOptions
    from music_visualizer.render.models import load_pipelines

    pipes = load_pipelines(str(tiny_model), device="cpu")
    renderer = DiffusionRenderer(pipes, width=64, height=64, options=MotionOptions())
    plan = build_plan(Settings(prompts={"0": "a cat", "4": "a (dog:1.4)"}, prompt_blend=1.0,
                               fps=4, width=64, height=64), n_frames=10, seed=1)
    a = renderer._embed(plan.row(0))["prompt_embeds"]
    b = renderer._embed(plan.row(9))["prompt_embeds"]
    row = plan.row(5)
    mid = renderer._embed(row)["prompt_embeds"]
    assert torch.allclose(mid, torch.lerp(a, b, row.blend), atol=1e-5)
    assert not torch.allclose(mid, a) and not torch.allclose(mid, b)
