"""Deforum settings files in (A1111 extension and Colab notebook formats) and out (export-deforum).

The Deforum files are written by the tests themselves, with the keys the real ones have.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from music_visualizer.modes.plan import (
    PLAN_COLUMNS,
    SCHEDULED_COLUMNS,
    Plan,
    build_plan,
    frame_count,
)
from music_visualizer.settings import (
    Settings,
    deforum_report,
    load_settings_file,
    resolve_settings,
    settings_from_dict,
    settings_to_dict,
)
from music_visualizer.settings.deforum import (
    DeforumImport,
    export_deforum,
    import_deforum,
    is_deforum_settings,
)
from music_visualizer.settings.schedules import evaluate_schedule
from music_visualizer.ui.cli import main
from tests.conftest import run_cli, run_clis

# ---------------------------------------------------------------------------------------------
# Deforum settings files, as the two Deforums write them
# ---------------------------------------------------------------------------------------------


def _controlnet(i: int) -> dict:
    return {
        f"cn_{i}_overwrite_frames": True, f"cn_{i}_vid_path": "", f"cn_{i}_mask_vid_path": "",
        f"cn_{i}_enabled": False, f"cn_{i}_low_vram": False, f"cn_{i}_pixel_perfect": False,
        f"cn_{i}_module": "none", f"cn_{i}_model": "None", f"cn_{i}_weight": "0:(1)",
        f"cn_{i}_guidance_start": "0:(0.0)", f"cn_{i}_guidance_end": "0:(1.0)",
        f"cn_{i}_processor_res": 64, f"cn_{i}_threshold_a": 64, f"cn_{i}_threshold_b": 64,
        f"cn_{i}_resize_mode": "Inner Fit (Scale to Fit)", f"cn_{i}_control_mode": "Balanced",
        f"cn_{i}_loopback_mode": False,
    }


def a1111_settings(**changes) -> dict:
    """A ``<timestring>_settings.txt`` as the A1111 extension writes it after a run: prompts
    already carry the positive/negative parts it adds to every prompt."""
    data = {
        "W": 640, "H": 360, "show_info_on_ui": True, "tiling": False, "restore_faces": False,
        "seed_resize_from_w": 0, "seed_resize_from_h": 0, "seed": 1234, "sampler": "Euler a",
        "steps": 25, "batch_name": "Deforum_20240101120000", "seed_behavior": "iter",
        "seed_iter_N": 2, "use_init": False, "strength": 0.8, "strength_0_no_init": True,
        "init_image": "https://deforum.github.io/a1/I1.png", "use_mask": False,
        "use_alpha_as_mask": False, "mask_file": "https://deforum.github.io/a1/M1.jpg",
        "invert_mask": False, "mask_contrast_adjust": 1.0, "mask_brightness_adjust": 1.0,
        "overlay_mask": True, "mask_overlay_blur": 4, "fill": 0, "full_res_mask": True,
        "full_res_mask_padding": 4, "reroll_blank_frames": "ignore", "reroll_patience": 10.0,
        "motion_preview_mode": False,
        "prompts": {
            "0": "neon city at night, synthwave --neg nsfw, nude",
            "30": "a desert under a violet sky --neg people, blurry nsfw, nude",
            "max_f/2+30": "deep ocean, bioluminescence --neg nsfw, nude",
        },
        "positive_prompts": "", "negative_prompts": "nsfw, nude",
        "animation_mode": "3D", "max_frames": 120, "border": "replicate",
        "angle": "0: (0)", "zoom": "0: (1.0025+0.002*sin(1.25*3.14*t/30))",
        "translation_x": "0: (0), 60: (4)", "translation_y": "0: (0)",
        "translation_z": "0:(1.75)", "transform_center_x": "0: (0.5)",
        "transform_center_y": "0: (0.5)", "rotation_3d_x": "0: (0)",
        "rotation_3d_y": "0: (0.5*sin(2*3.14*t/60))", "rotation_3d_z": "0: (0)",
        "enable_perspective_flip": False, "perspective_flip_theta": "0: (0)",
        "perspective_flip_phi": "0: (0)", "perspective_flip_gamma": "0: (0)",
        "perspective_flip_fv": "0: (53)", "noise_schedule": "0: (0.065)",
        "strength_schedule": "0: (0.65)", "contrast_schedule": "0: (1.0)",
        "cfg_scale_schedule": "0: (7)", "enable_steps_scheduling": False,
        "steps_schedule": "0: (25)", "fov_schedule": "0: (70)", "aspect_ratio_schedule": "0: (1)",
        "aspect_ratio_use_old_formula": False, "near_schedule": "0: (200)",
        "far_schedule": "0: (10000)",
        "seed_schedule": '0:(s), 1:(-1), "max_f-2":(-1), "max_f-1":(s)',
        "pix2pix_img_cfg_scale_schedule": "0:(1.5)", "enable_subseed_scheduling": False,
        "subseed_schedule": "0: (1)", "subseed_strength_schedule": "0: (0)",
        "enable_sampler_scheduling": False, "sampler_schedule": '0: ("Euler a")',
        "use_noise_mask": False, "mask_schedule": '0: ("{video_mask}")',
        "noise_mask_schedule": '0: ("{video_mask}")', "enable_checkpoint_scheduling": False,
        "checkpoint_schedule": '0: ("model1.ckpt"), 100: ("model2.safetensors")',
        "enable_clipskip_scheduling": False, "clipskip_schedule": "0: (2)",
        "enable_noise_multiplier_scheduling": True, "noise_multiplier_schedule": "0: (1.05)",
        "resume_from_timestring": False, "resume_timestring": "20240101115959",
        "enable_ddim_eta_scheduling": False, "ddim_eta_schedule": "0: (0)",
        "enable_ancestral_eta_scheduling": False, "ancestral_eta_schedule": "0: (1)",
        "amount_schedule": "0: (0.1)", "kernel_schedule": "0: (5)", "sigma_schedule": "0: (1)",
        "threshold_schedule": "0: (0)", "color_coherence": "LAB",
        "color_coherence_image_path": "", "color_coherence_video_every_N_frames": 1,
        "color_force_grayscale": False, "legacy_colormatch": False, "diffusion_cadence": 2,
        "optical_flow_cadence": "None", "cadence_flow_factor_schedule": "0: (1)",
        "optical_flow_redo_generation": "None", "redo_flow_factor_schedule": "0: (1)",
        "diffusion_redo": "0", "noise_type": "perlin", "perlin_octaves": 4,
        "perlin_persistence": 0.5, "use_depth_warping": True,
        "depth_algorithm": "Midas-3-Hybrid", "midas_weight": 0.2, "padding_mode": "reflection",
        "sampling_mode": "bilinear", "save_depth_maps": True,
        "video_init_path": "https://deforum.github.io/a1/V1.mp4", "extract_nth_frame": 1,
        "extract_from_frame": 0, "extract_to_frame": -1, "overwrite_extracted_frames": False,
        "use_mask_video": False, "video_mask_path": "https://deforum.github.io/a1/VM1.mp4",
        "hybrid_comp_alpha_schedule": "0:(0.5)", "hybrid_comp_mask_blend_alpha_schedule":
            "0:(0.5)", "hybrid_comp_mask_contrast_schedule": "0:(1)",
        "hybrid_flow_factor_schedule": "0:(1)", "hybrid_generate_inputframes": False,
        "hybrid_use_first_frame_as_init_image": True, "hybrid_motion": "None",
        "hybrid_motion_use_prev_img": False, "hybrid_flow_method": "RAFT",
        "hybrid_composite": "None", "hybrid_comp_mask_type": "None",
        "parseq_manifest": "", "parseq_use_deltas": True, "use_looper": False,
        "init_images": '{\n    "0": "https://deforum.github.io/a1/Gi1.png"\n}',
        "image_strength_schedule": "0:(0.75)", "blendFactorMax": "0:(0.35)",
        "blendFactorSlope": "0:(0.25)", "tweening_frames_schedule": "0:(20)",
        "color_correction_factor": "0:(0.075)",
        **_controlnet(1), **_controlnet(2),
        "skip_video_creation": False, "fps": 15, "make_gif": False, "delete_imgs": False,
        "delete_input_frames": False, "add_soundtrack": "None",
        "soundtrack_path": "https://deforum.github.io/a1/A1.mp3", "r_upscale_video": False,
        "r_upscale_factor": "x2", "r_upscale_model": "realesr-animevideov3",
        "r_upscale_keep_imgs": True, "store_frames_in_ram": False,
        "frame_interpolation_engine": "None", "frame_interpolation_x_amount": 2,
        "frame_interpolation_slow_mo_enabled": False, "frame_interpolation_slow_mo_amount": 2,
        "frame_interpolation_keep_imgs": True, "frame_interpolation_use_upscaled": False,
        "sd_model_name": "revAnimated_v122.safetensors", "sd_model_hash": "3f4fefd9",
        "deforum_git_commit_id": "eb16c856",
    }
    data.update(changes)
    return data


def colab_settings(**changes) -> dict:
    """A ``<timestring>_settings.txt`` as the Colab notebook writes it: args and anim args
    flattened, no prompts, no fps."""
    data = {
        "W": 512, "H": 512, "bit_depth_output": 8, "seed": 2634866518,
        "sampler": "euler_ancestral", "steps": 50, "scale": 7, "ddim_eta": 0.0,
        "dynamic_threshold": None, "static_threshold": None, "save_samples": True,
        "save_settings": True, "display_samples": True, "save_sample_per_step": False,
        "show_sample_per_step": False, "prompt_weighting": True,
        "normalize_prompt_weights": True, "log_weighted_subprompts": False, "n_batch": 1,
        "batch_name": "StableFun", "filename_format": "{timestring}_{index}_{prompt}.png",
        "seed_behavior": "fixed", "seed_iter_N": 1, "make_grid": False, "grid_rows": 2,
        "outdir": "/content/drive/MyDrive/AI/StableDiffusion/2023-01/StableFun",
        "use_init": False, "strength": 0.65, "strength_0_no_init": True, "init_image": None,
        "use_mask": False, "use_alpha_as_mask": False,
        "mask_file": "https://www.filterforge.com/wiki/images/archive/b/b7/mask.jpg",
        "invert_mask": False, "mask_brightness_adjust": 1.0, "mask_contrast_adjust": 1.0,
        "overlay_mask": True, "mask_overlay_blur": 5, "mean_scale": 0, "var_scale": 0,
        "exposure_scale": 0, "exposure_target": 0.5, "colormatch_scale": 0,
        "colormatch_n_colors": 4, "ignore_sat_weight": 0, "clip_name": "ViT-L/14",
        "clip_scale": 0, "aesthetics_scale": 0, "cutn": 1, "cut_pow": 0.0001,
        "init_mse_scale": 0, "blue_scale": 0, "gradient_wrt": "x0_pred",
        "gradient_add_to": "both", "decode_method": "linear", "grad_threshold_type": "dynamic",
        "clamp_grad_threshold": 0.2, "clamp_start": 0.2, "clamp_stop": 0.01,
        "grad_inject_timing": [1, 2, 3, 4, 5, 6, 7, 8, 9], "cond_uncond_sync": True,
        "n_samples": 1, "precision": "autocast", "C": 4, "f": 8, "prompt": "",
        "timestring": "20230101125957", "init_latent": None, "init_sample": None,
        "init_c": None, "seed_internal": 0,
        "animation_mode": "2D", "max_frames": 1000, "border": "wrap", "angle": "0:(0)",
        "zoom": "0:(1.04)", "translation_x": "0:(10*sin(2*3.14*t/10))",
        "translation_y": "0:(0)", "translation_z": "0:(10)", "rotation_3d_x": "0:(0)",
        "rotation_3d_y": "0:(0)", "rotation_3d_z": "0:(0)", "flip_2d_perspective": True,
        "perspective_flip_theta": "0:(0)", "perspective_flip_phi": "0:(t%15)",
        "perspective_flip_gamma": "0:(0)", "perspective_flip_fv": "0:(53)",
        "noise_schedule": "0: (0.02)", "strength_schedule": "0: (0.65)",
        "contrast_schedule": "0: (1.0)", "kernel_schedule": "0: (5)",
        "sigma_schedule": "0: (1.0)", "amount_schedule": "0: (0.2)",
        "threshold_schedule": "0: (0.0)", "color_coherence": "Match Frame 0 HSV",
        "color_coherence_video_every_N_frames": 1, "diffusion_cadence": "1",
        "use_depth_warping": True, "midas_weight": 0.3, "near_plane": 200, "far_plane": 10000,
        "fov": 40, "padding_mode": "border", "sampling_mode": "bicubic",
        "save_depth_maps": False, "video_init_path": "/content/video_in.mp4",
        "extract_nth_frame": 1, "overwrite_extracted_frames": True, "use_mask_video": False,
        "video_mask_path": "/content/video_in.mp4", "interpolate_key_frames": False,
        "interpolate_x_frames": 4, "resume_from_timestring": False,
        "resume_timestring": "20220829210106",
    }
    data.update(changes)
    return data


def _write(path: Path, data: dict) -> Path:
    path.write_text(json.dumps(data, indent=4, ensure_ascii=False), encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------
# Import
# ---------------------------------------------------------------------------------------------


def test_both_formats_are_detected_by_their_keys_not_the_file_name(tmp_path):
    assert len(a1111_settings()) > 150 and len(colab_settings()) > 100
    assert is_deforum_settings(a1111_settings())
    assert is_deforum_settings(colab_settings())
    assert is_deforum_settings({"animation_mode": "2D", "max_frames": 10})
    assert is_deforum_settings({"W": 512, "H": 512, "sampler": "euler", "scale": 7})
    assert not is_deforum_settings(settings_to_dict(Settings()))
    assert not is_deforum_settings({"W": 512, "H": 512})
    assert not is_deforum_settings(["W", "H", "max_frames"])
    # a Deforum file named like ours and one of ours named like Deforum's
    ours = tmp_path / "20240101120000_settings.txt"
    ours.write_text("fps: 10\nzoom: '0:(1.02)'\n")
    assert deforum_report(ours) is None and load_settings_file(ours).fps == 10
    theirs = _write(tmp_path / "motion.json", a1111_settings())
    assert load_settings_file(theirs).width == 640


def test_a1111_file_through_resolve_settings(tmp_path):
    path = _write(tmp_path / "20240101120000_settings.txt", a1111_settings())
    s = resolve_settings(file=path)
    assert (s.width, s.height, s.fps, s.duration) == (640, 360, 15.0, 8.0)
    assert (s.mode, s.diffusion_cadence, s.color_coherence, s.noise_type) == ("3D", 2, "LAB",
                                                                            "perlin")
    assert (s.perlin_octaves, s.perlin_persistence) == (4, 0.5)
    assert (s.scheduler, s.steps, s.cfg_scale, s.seed) == ("euler_a", 25, 7.0, 1234)
    assert (s.seed_behavior, s.seed_iter_n) == ("iter", 2)
    assert s.translation_z == "0:(1.75)"
    assert s.translation_x == "0:(-0), 60:(-4)"  # Deforum's 3D x axis is mirrored
    assert s.rotation_3d_y == "0:(-(0.5*sin(2*3.14*t/60)))"
    assert (s.padding_mode, s.sampling_mode, s.save_depth_maps) == ("reflection", "bilinear",
                                                                   True)
    assert (s.fov_schedule, s.near_schedule, s.far_schedule) == ("0: (70)", "0: (200)",
                                                                "0: (10000)")
    assert s.amount_schedule == "0: (0.1)" and s.noise_schedule == "0: (0.065)"
    assert s.seed_schedule == '0:(s), 1:(-1), "max_f-2":(-1), "max_f-1":(s)'
    # cfg schedule constant -> cfg_scale; steps schedule off -> not used
    assert s.cfg_scale_schedule is None and s.steps_schedule is None
    # the negative part A1111 added to every prompt is the negative prompt, once
    assert s.negative_prompt == "nsfw, nude"
    assert s.prompts == {"0": "neon city at night, synthwave",
                         "30": "a desert under a violet sky --neg people, blurry",
                         "max_f/2+30": "deep ocean, bioluminescence"}
    assert s.section_transition == 0.0  # Deforum's hard prompt switch
    assert s.model == Settings().model and s.init_image is None

    plan = build_plan(s, n_frames=frame_count(s.duration, s.fps), seed=s.seed)
    assert plan.n_frames == 120
    starts = [int(f) for f in np.flatnonzero(np.diff(plan.prompt_index)) + 1]
    assert starts == [30, 89]  # max_f/2+30 with max_f = 119
    assert plan.prompt_table[1] == ("a desert under a violet sky", "people, blurry, nsfw, nude")
    assert np.allclose(plan.columns["translation_x"][[0, 30, 60, 119]], [0, -2, -4, -4])
    assert np.all(plan.columns["strength"] == 0.65)  # no dip at the prompt changes


def test_a1111_report_lists_notes_and_the_keys_not_used(tmp_path):
    path = _write(tmp_path / "20240101120000_settings.txt", a1111_settings())
    lines = deforum_report(path)
    assert lines[0].startswith(f"Deforum settings from {path}: A1111 extension file")
    text = "\n".join(lines)
    assert "max_frames 120 at 15 fps -> duration 8 s" in text
    assert "sd_model_name 'revAnimated_v122.safetensors'" in text and "--model" in text
    assert "depth_algorithm 'Midas-3-Hybrid'" in text
    not_used = lines[-1]
    assert not_used.startswith("  not used: ")
    names = {item.split("=")[0] for item in not_used.removeprefix("  not used: ").split(", ")}
    for key in ("midas_weight", "video_init_path", "extract_nth_frame", "hybrid_motion",
                "cn_1_enabled", "cn_2_weight", "resume_timestring", "batch_name",
                "parseq_manifest", "aspect_ratio_schedule", "noise_multiplier_schedule",
                "sd_model_name", "steps_schedule", "strength", "init_image", "soundtrack_path"):
        assert key in names, key
    for key in ("W", "H", "fps", "zoom", "translation_z", "prompts", "negative_prompts",
                "color_coherence", "diffusion_cadence", "seed_iter_N", "max_frames", "sampler"):
        assert key not in names, key
    assert "midas_weight=0.2" in not_used and 'depth_algorithm="Midas-3-Hybrid"' in not_used
    assert "video_init_path," in not_used  # long values are left out


def test_colab_file_through_resolve_settings(tmp_path):
    path = _write(tmp_path / "20230101125957_settings.txt", colab_settings())
    imported = import_deforum(colab_settings())
    assert imported.kind == "Colab"
    s = resolve_settings(file=path)
    assert (s.width, s.height, s.fps) == (512, 512, Settings().fps)  # no fps in the file
    assert s.duration == pytest.approx(1000 / 12, abs=1e-6)
    assert (s.mode, s.border, s.color_coherence, s.diffusion_cadence) == ("2D", "wrap", "HSV", 1)
    assert (s.scheduler, s.steps, s.cfg_scale) == ("euler_a", 50, 7.0)
    assert (s.seed, s.seed_behavior, s.seed_iter_n) == (2634866518, "fixed", 1)
    assert s.enable_perspective_flip and s.perspective_flip_phi == "0:(t%15)"
    assert (s.fov_schedule, s.near_schedule, s.far_schedule) == ("0:(40)", "0:(200)",
                                                                "0:(10000)")
    assert s.translation_x == "0:(10*sin(2*3.14*t/10))" and s.amount_schedule == "0: (0.2)"
    assert s.prompts == [] and s.section_transition == Settings().section_transition
    text = "\n".join(deforum_report(path))
    assert "Colab notebook file" in text
    assert "max_frames 1000 at 12 fps (no fps in the file: our default)" in text
    for key in ("outdir", "grad_inject_timing", "midas_weight=0.3", "clip_name", "C=4",
                "video_init_path", "interpolate_x_frames=4"):
        assert key in text, key
    # flags win over the file
    s = resolve_settings(file=path, overrides={"fps": 8, "duration": 3, "mode": "3D"})
    assert (s.fps, s.duration, s.mode) == (8.0, 3.0, "3D")


@pytest.mark.parametrize("sampler, scheduler, noted", [
    ("Euler a", "euler_a", False), ("euler_ancestral", "euler_a", False),
    ("Euler", "euler", False), ("euler", "euler", False), ("DDIM", "ddim", False),
    ("ddim", "ddim", False), ("DPM++ 2M", "dpmpp_2m", False), ("dpmpp_2m", "dpmpp_2m", False),
    ("LCM", "lcm", False), ("DPM++ 2M Karras", "dpmpp_2m", True),
    ("DPM++ 2S a Karras", "euler_a", True), ("dpm2_ancestral", "euler_a", True),
    ("Heun", "default", True), ("klms", "default", True), ("UniPC", "default", True),
    (3, "default", True),
])
def test_samplers_map_to_our_schedulers(sampler, scheduler, noted):
    imported = import_deforum(colab_settings(sampler=sampler))
    assert imported.settings["scheduler"] == scheduler
    assert any("sampler" in n for n in imported.notes) == noted
    assert settings_from_dict(imported.settings).scheduler == scheduler


@pytest.mark.parametrize("value, ours", [
    ("Match Frame 0 LAB", "LAB"), ("Match Frame 0 HSV", "HSV"), ("Match Frame 0 RGB", "RGB"),
    ("LAB", "LAB"), ("HSV", "HSV"), ("RGB", "RGB"), ("None", "none"),
])
def test_colour_coherence_names(value, ours):
    assert import_deforum(colab_settings(color_coherence=value)).settings[
        "color_coherence"] == ours


def test_colour_coherence_image_and_video_input():
    imported = import_deforum(a1111_settings(color_coherence="Image",
                                             color_coherence_image_path="/data/palette.png"))
    assert imported.settings["color_coherence"] == "LAB"
    assert imported.settings["color_coherence_image"] == "/data/palette.png"
    imported = import_deforum(a1111_settings(color_coherence="Video Input"))
    assert imported.settings["color_coherence"] == "LAB" and "color_coherence_image" not in (
        imported.settings)
    assert any("'Video Input' is not supported" in n for n in imported.notes)


def test_sizes_become_multiples_of_8_with_a_note():
    imported = import_deforum(a1111_settings(W=500, H=283))
    assert (imported.settings["width"], imported.settings["height"]) == (504, 280)
    assert "W 500 -> width 504 (a multiple of 8)" in imported.notes


@pytest.mark.parametrize("mode", ["Video Input", "Interpolation"])
def test_other_animation_modes_render_as_2d(mode):
    imported = import_deforum(a1111_settings(animation_mode=mode))
    assert imported.settings["mode"] == "2D"
    assert f"animation_mode '{mode}' is not supported: rendered as 2D" in imported.notes


def test_schedules_our_evaluator_rejects_are_notes_not_crashes():
    data = a1111_settings(zoom="0: (1.0 + frobnicate(t))", angle="0: (",
                          strength_schedule="0:(1.7)", noise_schedule="0: (0.02), 10: (0.05)",
                          contrast_schedule=[1, 2])
    imported = import_deforum(data)
    for key in ("zoom", "angle", "contrast_schedule"):
        assert key not in imported.settings
        assert any(item.split("=")[0] == key for item in imported.unmapped), key
        assert any(n.startswith(f"{key} is not used") for n in imported.notes), key
    assert any("frobnicate" in n for n in imported.notes)
    # a value Deforum takes but we do not is clipped into our range, not dropped
    assert imported.settings["strength_schedule"] == "0:(1.0)"
    assert "strength_schedule: 120 frames (0 to 119) out of our range (from 0 to 1), 1.7 to 1.7 " \
           "in the file; clipped to 0..1" in imported.notes
    assert imported.settings["noise_schedule"] == "0: (0.02), 10: (0.05)"
    s = settings_from_dict(imported.settings)
    assert s.zoom == Settings().zoom
    build_plan(s, n_frames=120, seed=1)  # renders


def test_values_our_settings_refuse_are_dropped_with_a_note():
    imported = import_deforum(a1111_settings(steps=500, seed=-7, diffusion_cadence=99,
                                             perlin_octaves=12, padding_mode="mirror"))
    for key in ("steps", "seed", "diffusion_cadence", "perlin_octaves", "padding_mode"):
        assert key not in imported.settings, key
    for item in ("steps=500", "seed=-7", "diffusion_cadence=99", "perlin_octaves=12",
                 'padding_mode="mirror"'):
        assert item in imported.unmapped, item
    settings_from_dict(imported.settings)
    text = "\n".join(imported.notes)
    assert "steps: 500 must be between 1 and 200" in text
    assert "diffusion_cadence: 99" in text and "perlin_octaves: 12" in text


def test_seed_minus_one_stays_and_scheduled_seeds_and_steps():
    imported = import_deforum(a1111_settings(
        seed=-1, seed_behavior="schedule", enable_steps_scheduling=True,
        steps_schedule="0: (20), 60: (30)", cfg_scale_schedule="0: (7), 60: (9)"))
    s = settings_from_dict(imported.settings)
    assert (s.seed, s.seed_behavior) == (-1, "schedule")
    assert s.steps_schedule == "0: (20), 60: (30)" and s.cfg_scale_schedule == "0: (7), 60: (9)"
    plan = build_plan(s, n_frames=120, seed=77)
    assert plan.columns["steps"][[0, 30, 60]].tolist() == [20, 25, 30]
    assert plan.columns["cfg_scale"][[0, 60]].tolist() == [7, 9]
    seeds = plan.columns["seed"]
    assert seeds[0] == 77 and seeds[-1] == 77  # 0:(s) and max_f-1:(s); -1 between is random


def test_prompt_forms():
    # saved from the UI: positive/negative parts not yet added to the prompts
    imported = import_deforum(a1111_settings(
        prompts={"0": "a cat", "max_f-10": "a dog --neg cartoon"}, positive_prompts="",
        negative_prompts="", animation_prompts_positive="film still,",
        animation_prompts_negative="--neg lowres"))
    assert imported.settings["prompts"] == {"0": "film still, a cat",
                                            "max_f-10": "film still, a dog --neg cartoon"}
    assert imported.settings["negative_prompt"] == "lowres"
    # a key that is not a frame is reported, the others kept
    imported = import_deforum(a1111_settings(prompts={"0": "a cat", "soon": "a dog"}))
    assert imported.settings["prompts"] == {"0": "a cat"}
    assert any("'soon'" in n for n in imported.notes)
    # the Colab notebook: still-image batch, and cond/uncond prompts of v0.7
    imported = import_deforum(colab_settings(prompts={"a lake": "00000", "a forest": "00001"}))
    assert imported.settings["prompts"] == ["a lake", "a forest"]
    imported = import_deforum(colab_settings(cond_prompts={"0": "a lake", "20": "a woman"},
                                             uncond_prompts={"0": "mountain", "20": ""}))
    assert imported.settings["prompts"] == {"0": "a lake --neg mountain", "20": "a woman"}


def test_init_image_only_when_used(tmp_path):
    assert "init_image" not in import_deforum(a1111_settings()).settings
    image = str(tmp_path / "start.png")
    imported = import_deforum(a1111_settings(use_init=True, init_image=image))
    assert imported.settings["init_image"] == image
    imported = import_deforum(a1111_settings(use_init=True))  # a web address
    assert "init_image" not in imported.settings
    assert any("web address" in n for n in imported.notes)


@pytest.mark.parametrize("schedule", ["0: (0.65)", "0: (0.65), 30: (0.6)",
                                      "0:(0.6), 10:(0.5+0.1*sin(t))", "5:(0.4), 20:(0.6)"])
def test_init_strength_is_frame_0_of_the_strength_schedule(tmp_path, schedule):
    # Deforum diffuses frame 0 from the init image with `strength` (0.8 here), the later
    # frames with strength_schedule: the imported schedule does both.
    image = str(tmp_path / "start.png")
    imported = import_deforum(a1111_settings(use_init=True, init_image=image, strength=0.8,
                                             strength_schedule=schedule))
    ours = imported.settings["strength_schedule"]
    assert "strength" not in " ".join(imported.unmapped).split(", ")
    assert any("strength 0.8" in n for n in imported.notes)
    n = 120  # the file's max_frames
    got = evaluate_schedule(ours, field="strength_schedule", n_frames=n)
    want = evaluate_schedule(schedule, field="strength_schedule", n_frames=n)
    assert got[0] == 0.8
    assert np.allclose(got[1:], want[1:], rtol=0, atol=1e-12)
    # without the init image (or with strength already frame 0's) the schedule is untouched
    assert import_deforum(a1111_settings(strength_schedule=schedule)).settings[
        "strength_schedule"] == schedule
    same = import_deforum(a1111_settings(use_init=True, init_image=image, strength=float(want[0]),
                                         strength_schedule=schedule))
    assert same.settings["strength_schedule"] == schedule


def test_our_own_keys_added_to_a_deforum_file_win_and_the_model_hint():
    # the notebook's form adds model, width ... to the file it is given
    imported = import_deforum(colab_settings(model="runwayml/stable-diffusion-v1-5", width=256,
                                             fps=10, scheduler="Karras"))
    assert imported.settings["model"] == "runwayml/stable-diffusion-v1-5"
    assert (imported.settings["width"], imported.settings["fps"]) == (256, 10.0)
    assert imported.settings["scheduler"] == "euler_a"  # "Karras" is A1111's, not ours
    assert 'scheduler="Karras"' in imported.unmapped
    assert "settings of ours in the file, used as given: model, width" in imported.notes
    assert not any("suit SD 1.5" in n for n in imported.notes)
    notes = import_deforum(a1111_settings()).notes
    assert any(n.startswith("steps 25 and cfg_scale 7 suit SD 1.5-type models") for n in notes)


def test_result_is_always_valid_settings():
    for data in (a1111_settings(), colab_settings(), a1111_settings(W=0, fps=0, max_frames=0),
                 colab_settings(animation_mode="None", sampler=None, color_coherence=5)):
        imported = import_deforum(data)
        assert isinstance(imported, DeforumImport)
        settings_from_dict(imported.settings)


# ---------------------------------------------------------------------------------------------
# Export, and back
# ---------------------------------------------------------------------------------------------


def _record(settings: Settings, *, n_frames: int, seed: int, variables=None) -> dict:
    plan = build_plan(settings, n_frames=n_frames, seed=seed, variables=variables)
    return {"timestring": "20240101120000", "seed": seed, "fps": settings.fps,
            "n_frames": n_frames, "model": settings.model, "start": settings.start,
            "song": {"name": "Click Song", "audio": "/songs/click.wav"},
            "settings": settings_to_dict(settings), "plan": plan.to_dict()}


def _assert_same_motion(record: dict, decimals: int = 6) -> Plan:
    """Export, import, rebuild the plan: the run's columns come back within the decimals."""
    exported = export_deforum(record)
    json.dumps(exported)  # plain JSON
    imported = import_deforum(json.loads(json.dumps(exported)))
    settings = settings_from_dict(imported.settings)
    n = frame_count(settings.duration, settings.fps)
    assert n == record["n_frames"]
    rebuilt = build_plan(settings, n_frames=n, seed=record["seed"])
    original = Plan.from_dict(record["plan"])
    for name in PLAN_COLUMNS:
        if name in ("time", "prompt_from", "blend"):
            continue
        assert np.allclose(rebuilt.columns[name], original.columns[name], rtol=0,
                           atol=0.5 * 10.0 ** -decimals + 1e-12), name
    assert rebuilt.prompt_table == original.prompt_table
    assert np.array_equal(rebuilt.prompt_index, original.prompt_index)
    return rebuilt


def test_export_writes_the_plan_as_plain_keyframes_and_imports_back_to_the_same_motion():
    beat = (np.arange(48) % 6 == 0).astype(float)
    settings = settings_from_dict({
        "fps": 12, "duration": 4, "width": 96, "height": 64, "seed_behavior": "random",
        "zoom": "0:(1 + 0.05*beat)", "angle": "0:(2*sin(2*pi*t/24))",
        "translation_x": "0:(3*beat - 1)", "strength_schedule": "0:(0.6 + 0.1*beat)",
        "noise_schedule": "0:(0.03)", "prompts": ["a red fox", "a blue whale --neg blurry"],
        "negative_prompt": "lowres, text", "diffusion_cadence": 2, "scheduler": "dpmpp_2m",
        "steps": 6, "cfg_scale": 2.5, "color_coherence": "RGB", "noise_type": "perlin",
        "perlin_octaves": 3, "border": "wrap"})
    record = _record(settings, n_frames=48, seed=4242, variables={"beat": beat})
    exported = export_deforum(record)
    assert (exported["W"], exported["H"], exported["fps"], exported["max_frames"]) == (96, 64,
                                                                                      12, 48)
    assert (exported["seed"], exported["sampler"], exported["steps"]) == (4242, "DPM++ 2M", 6)
    assert (exported["animation_mode"], exported["diffusion_cadence"]) == ("2D", 2)
    assert (exported["color_coherence"], exported["noise_type"]) == ("RGB", "perlin")
    assert exported["cfg_scale_schedule"] == "0:(2.5)" and not exported[
        "enable_steps_scheduling"]
    assert exported["prompts"] == {"0": "a red fox", "24": "a blue whale --neg blurry"}
    assert exported["negative_prompts"] == "lowres, text"
    assert exported["seed_behavior"] == "schedule"  # Deforum's random differs: the run's seeds
    for key in ("zoom", "angle", "translation_x", "strength_schedule", "seed_schedule"):
        assert "beat" not in exported[key] and "sin" not in exported[key]
        assert re.fullmatch(r"\d+:\(-?[\d.]+\)(, \d+:\(-?[\d.]+\))*", exported[key]), key
    zoom = evaluate_schedule(exported["zoom"], field="zoom", n_frames=48)
    assert zoom[0] == 1.05 and zoom[1] == 1.0
    assert is_deforum_settings(exported)
    _assert_same_motion(record)


def test_export_round_trip_in_3d_with_flip_schedules_and_fixed_seeds():
    settings = settings_from_dict({
        "mode": "3D", "fps": 10, "duration": 3, "seed_behavior": "ladder",
        "translation_z": "0:(2), 15:(5)", "rotation_3d_y": "0:(0.3*sin(t/3))",
        "fov_schedule": "0:(60)", "enable_perspective_flip": True,
        "perspective_flip_theta": "0:(t/10)", "amount_schedule": "0:(0.2)",
        "cfg_scale_schedule": "0:(5), 29:(8)", "steps_schedule": "0:(4), 29:(8)",
        "prompts": {"0": "clouds", "10": "a city --neg people", "20": "clouds"},
        "padding_mode": "zeros", "sampling_mode": "nearest", "save_depth_maps": True,
        "color_coherence": "none", "prompt_blend": 0})
    record = _record(settings, n_frames=30, seed=9)
    exported = export_deforum(record)
    assert exported["seed_behavior"] == "ladder" and exported["enable_steps_scheduling"]
    assert exported["enable_perspective_flip"] and exported["color_coherence"] == "None"
    rebuilt = _assert_same_motion(record)
    assert rebuilt.columns["steps"].tolist()[::29] == [4, 8]
    imported = import_deforum(exported)
    assert imported.settings["mode"] == "3D" and imported.settings["save_depth_maps"]
    assert imported.settings["model"] == Settings().model  # a hub id comes back


# ---------------------------------------------------------------------------------------------
# Through the CLI
# ---------------------------------------------------------------------------------------------


def _run_info(stdout: str) -> tuple[Path, str]:
    folder = Path(re.search(r"^Run folder: (.+)$", stdout, re.M).group(1))
    timestring = re.search(r"run (\d{14})", stdout).group(1)
    return folder, timestring


PREVIEW = ("--renderer", "preview", "--fps", 4, "--duration", 1, "--width", 64, "--height", 64,
           "--no-video")


@pytest.mark.slow
def test_cli_renders_a1111_and_colab_files_and_exports_a_run(song, tmp_path):
    a1111 = _write(tmp_path / "20240101120000_settings.txt", a1111_settings(
        prompts={"0": "neon city --neg nsfw", "2": "a desert --neg nsfw"},
        negative_prompts="nsfw"))
    colab = _write(tmp_path / "colab_settings.txt", colab_settings())
    # the two files' renders side by side (two processes): their start-ups overlap
    # 3D needs a depth model (not available offline): the rest of the file is what is tested
    result, result_colab = run_clis(
        ["render", "--audio", song, "--settings", a1111, *PREVIEW, "--mode", "2D",
         "--output-dir", tmp_path / "out"],
        ["render", "--audio", song, "--settings", colab, *PREVIEW,
         "--output-dir", tmp_path / "out2"])
    assert result.returncode == 0, result.stderr
    assert f"Deforum settings from {a1111}: A1111 extension file" in result.stderr
    assert "max_frames 120 at 15 fps -> duration 8 s" in result.stderr
    assert re.search(r"not used: .*midas_weight=0\.2", result.stderr)
    folder, ts = _run_info(result.stdout)
    record = json.loads((folder / f"{ts}_settings.json").read_text())
    s = record["settings"]
    assert (s["fps"], s["duration"], s["width"], s["mode"]) == (4.0, 1.0, 64, "2D")
    assert (s["diffusion_cadence"], s["noise_type"], s["scheduler"], s["seed"]) == (
        2, "perlin", "euler_a", 1234)
    assert s["translation_z"] == "0:(1.75)" and s["negative_prompt"] == "nsfw"
    assert record["plan"]["prompt_table"] == [["neon city", "nsfw"], ["a desert", "nsfw"]]

    result = result_colab
    assert result.returncode == 0, result.stderr
    assert "Colab notebook file" in result.stderr and "outdir" in result.stderr
    folder2, ts2 = _run_info(result.stdout)
    s2 = json.loads((folder2 / f"{ts2}_settings.json").read_text())["settings"]
    assert (s2["color_coherence"], s2["border"], s2["enable_perspective_flip"]) == (
        "HSV", "wrap", True)

    # export-deforum: a valid Deforum file that gives back the run's motion
    result = run_cli("export-deforum", folder, "--timestring", ts)
    assert result.returncode == 0, result.stderr
    out = folder / f"{ts}_deforum_settings.txt"
    assert result.stdout.strip() == f"Deforum settings: {out}"
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert exported["max_frames"] == 4 and exported["W"] == 64 and exported["fps"] == 4
    assert exported["prompts"] == {"0": "neon city", "2": "a desert"}
    assert exported["negative_prompts"] == "nsfw"
    _assert_same_motion(record)
    # and it renders again through --settings
    result = run_cli("render", "--audio", song, "--settings", out, "--renderer", "preview",
                     "--no-video", "--output-dir", tmp_path / "out3")
    assert result.returncode == 0, result.stderr
    folder3, ts3 = _run_info(result.stdout)
    again = json.loads((folder3 / f"{ts3}_settings.json").read_text())
    for name in SCHEDULED_COLUMNS:
        assert np.allclose(again["plan"]["columns"][name], record["plan"]["columns"][name],
                           atol=1e-6), name


def test_export_deforum_cli_writes_json_and_refuses_bad_inputs(tmp_path, capsys):
    settings = settings_from_dict({"fps": 5, "duration": 2, "zoom": "0:(1.02), 9:(1.1)",
                                   "prompts": ["a", "b"]})
    folder = tmp_path / "2024-01" / "Song"
    folder.mkdir(parents=True)
    ts = "20240101120000"
    (folder / f"{ts}_settings.json").write_text(json.dumps(_record(settings, n_frames=10,
                                                                   seed=3)))
    out = tmp_path / "elsewhere.txt"
    assert main(["export-deforum", str(folder), "--timestring", ts, "--out", str(out)]) == 0
    assert capsys.readouterr().out.strip() == f"Deforum settings: {out}"
    data = json.loads(out.read_text())
    assert data["zoom"].startswith("0:(1.02), 1:(1.028889)") and data["max_frames"] == 10

    cases = [
        (["--timestring", "2024"], "not 14 digits"),
        (["--timestring", "20240101120001"], "has no settings file"),
    ]
    for extra, message in cases:
        assert main(["export-deforum", str(folder), *extra]) == 2
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err
    assert main(["export-deforum", str(tmp_path / "nope"), "--timestring", ts]) == 2
    assert "does not exist" in capsys.readouterr().err
    (folder / "20240101120002_settings.json").write_text("")  # reserved, never written
    assert main(["export-deforum", str(folder), "--timestring", "20240101120002"]) == 2
    assert "unreadable" in capsys.readouterr().err
    (folder / "20240101120003_settings.json").write_text('{"settings": {}}')
    assert main(["export-deforum", str(folder), "--timestring", "20240101120003"]) == 2
    assert "no usable plan" in capsys.readouterr().err
    assert main(["export-deforum", str(folder), "--timestring", ts, "--out",
                 str(tmp_path / "missing" / "x.txt")]) == 2
    assert "check the path" in capsys.readouterr().err


def test_deforum_3d_x_axis_is_mirrored_on_import_and_back_on_export():
    from music_visualizer.settings.deforum import import_deforum, negate_schedule
    from music_visualizer.settings.schedules import evaluate_schedule

    text = '0:(2), 10:(1 + sin(t/4)), "max_f-1":(0)'
    negated = negate_schedule(text, 40)
    assert np.allclose(evaluate_schedule(negated, field="x", n_frames=40),
                       -evaluate_schedule(text, field="x", n_frames=40))
    data = {"W": 64, "H": 64, "animation_mode": "3D", "max_frames": 8, "fps": 8,
            "translation_x": "0:(5)", "rotation_3d_y": "0:(2)", "translation_y": "0:(3)"}
    imported = import_deforum(data).settings
    assert imported["translation_x"] == "0:(-5)" and imported["rotation_3d_y"] == "0:(-2)"
    assert imported["translation_y"] == "0:(3)"  # y is the same way in both
    as_2d = import_deforum({**data, "animation_mode": "2D"}).settings
    assert as_2d["translation_x"] == "0:(5)"
