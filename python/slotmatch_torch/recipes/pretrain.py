"""Stage 1 of the synthetic-world recipe: a pixel slot-attention autoencoder that trains the backbone.

No pretrained backbone can be downloaded here, and feature reconstruction on a random or handcrafted
backbone does not bind (issue #6). The original Slot Attention autoencoder (Locatello et al. 2020) does, when
its steps are cheap. Per frame x [3,H,W] (one token per pixel, backbone stride 1):

    f = backbone(x) [P, D];  h = adapter(f) [P, S];  s0 = learned initial slots Z [K, S]
    s = SlotAttention(s0, h, n) with the last of the n iterations taking the straight-through init of BO-QSA
        (Jia et al. 2023): iterations 1…n−1 without gradient, then s ← s.detach() + s0 − s0.detach()
    c_k = MLP_colour(s_k) ∈ R^3;  x̂[p] = Σ_k A[k, p]·c_k  with A the last iteration's attention (softmax over K)
    L_rec = mean_p ‖x̂[p] − x[p]‖²

Motion (``motion_weight`` > 0, default): each sample is a pair (x_t, x_{t+g}) of the same video (g = ``gap``);
the slots of x_t initialise those of x_{t+g} (s' = SA(s, h', n)), both frames are reconstructed, and each slot
also predicts its own translation d_k = 0.25·tanh(MLP_flow([s_k, s'_k])) ∈ R^2 (normalised image units):
x_t shifted by d_k (bilinear, border padding), blended by the attention masks A' of x_{t+g}, must give x_{t+g}:

    L_motion = mean_p ‖Σ_k A'[k, p]·shift(x_t, d_k)[p] − x_{t+g}[p]‖²
    L = ½(L_rec(x_t) + L_rec(x_{t+g})) + λ_motion·L_motion

With ``clip_length`` L > 2 a sample is a clip of L frames ``gap`` apart, the slots carried from each to the next, and
the terms are averaged over its frames and consecutive pairs (:func:`clip_loss`).

A slot that covers pixels moving together explains them with one shift — the common-fate cue of motion
grouping; on the synthetic world it roughly doubled FG-ARI after 600 steps against L_rec alone (curves in
python/README.md). Only the frames are read (never the masks). The weights keep the SlotContrast model's names
(``encoder.module.backbone.model.*``, ``encoder.module.output_transform.*``, ``initializer.slots``,
``processor.module.corrector.*``), so ``train --init-from`` loads them key for key; the colour head is
stored as ``pretrain_head.*`` and ignored there; the predictor and decoder, which stage 1 does not use, are not
stored. Evaluation: video FG-ARI / mBO of the attention masks,
slots carried from frame to frame (no predictor in stage 1) with the bundle's iteration counts.
"""
import json
import math
import os
import sys
import time
from dataclasses import asdict, dataclass
from typing import Any, Dict, Optional

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

from ..data import ClipDataset, iter_videos, list_videos
from ..losses.slotmatch import slot_contrast_loss, slot_kd_loss
from .block_flow import block_flow
from ..models import build_model
from ..train.checkpoint import FORMAT, VERSION, load_checkpoint, rng_state, save_atomic, set_rng_state
from ..train.metrics import hard_labels, video_object_metrics

CHECKPOINT, BEST, LOG, CONFIG = "checkpoint.pt", "best.pt", "log.jsonl", "config.json"
#: the weights stage 1 trains (and stores); the predictor and decoder are left to stage 2
STAGE1_PREFIXES = ("initializer.", "encoder.module.", "processor.module.corrector.")


#: what the colour term can reconstruct (``PretrainConfig.colour_target``)
COLOUR_TARGETS = ("rgb", "chromaticity")


@dataclass
class PretrainConfig:
    """Stage-1 recipe (fixed for a run folder). Defaults: the research run that bound best on this CPU
    (32 pairs, gap 2, λ_motion = 1: video FG-ARI ≈ 0.7 after 600 steps)."""

    max_steps: int = 3000
    batch_frames: int = 64  # frames per step: batch_frames/clip_length clips (x_t, x_{t+gap}, …), one per video
    lr: float = 4e-4
    warmup_steps: int = 200
    grad_clip: float = 1.0
    iterations: int = 3
    flip_prob: float = 0.5
    motion_weight: float = 1.0
    gap: int = 2
    #: weight of the colour reconstruction L_rec (1 = the original autoencoder); a low weight leaves the grouping to
    #: the motion term (one colour per slot alone clusters colours: striped objects and checked backgrounds split)
    colour_weight: float = 1.0
    #: the colour weight at ``max_steps``: after warm-up it follows a half cosine from ``colour_weight`` to this value
    #: (None = constant). Early binding needs the colour term; later it keeps splitting textures into colour clusters,
    #: which the motion term (a shifted copy of the previous frame renders any texture) does not do
    colour_weight_final: Optional[float] = None
    #: also rebuild x_t from x_{t+gap} with the opposite shifts under the masks of x_t (both directions of motion)
    motion_both_ways: bool = False
    #: weight of the block-matching flow target (recipes/block_flow.py): the colour head also outputs one motion
    #: (u, v) per slot, blended by the same masks, against the flow of each frame of the pair (0 = off)
    flow_weight: float = 0.0
    #: σ (pixels of the model input) of the Gaussian blur applied to the colour target (0 = the frames themselves):
    #: stripes and checks average out to the mean colour of their object, so one colour per object explains the
    #: target and the textures stop paying for extra slots
    colour_blur: float = 0.0
    #: what the colour term reconstructs: 'rgb' (the frames) or 'chromaticity' (3·x / (r + g + b + 0.1), the
    #: frames with their brightness divided out: shading, stripes and checks in two shades of one hue share one
    #: chromaticity, so one colour per slot explains a whole object; see :func:`chromaticity`)
    colour_target: str = "rgb"
    #: frames per training clip (≥ 2), ``gap`` apart, slots carried from each to the next (2 = pairs)
    clip_length: int = 2
    #: search radius R of the block matching, in pixels of the model input
    flow_radius: int = 4
    seed: int = 0
    #: α of L_slot-contrast on the slots of the pair (x_t, x_{t+gap}) (0 = off); SlotMatch's α for the students
    contrast_weight: float = 0.0
    #: β of L_slot-KD (index correspondence, learned projection) to a frozen stage-1 teacher (needs ``teacher``)
    kd_weight: float = 0.0
    #: the frozen teacher's stage-1 checkpoint (absolute path) for L_slot-KD; None = no distillation
    teacher: Optional[str] = None
    #: after warm-up, lr follows a half cosine from ``lr`` down to ``min_lr_ratio``·lr at ``max_steps`` (1 = constant)
    min_lr_ratio: float = 0.05

    def __post_init__(self):
        if self.colour_target not in COLOUR_TARGETS:
            raise ValueError(f"pretrain: colour_target must be one of {COLOUR_TARGETS}, got {self.colour_target!r}")


class ColourHead(nn.Module):
    """c_k = Lin(S→S) ReLU Lin(S→C): one colour per slot (the 'colour' spatial-broadcast decoder at 1×1); C = 3, or
    5 when each slot also carries one motion (u, v) for the flow target."""

    def __init__(self, slot_dim: int, channels: int = 3):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(slot_dim, slot_dim), nn.ReLU(), nn.Linear(slot_dim, channels))

    def forward(self, slots: torch.Tensor) -> torch.Tensor:
        return self.net(slots)


class FlowHead(nn.Module):
    """d_k = max_shift·tanh(Lin(2S→S) ReLU Lin(S→2) of [s_k, s'_k]): one translation per slot (module doc)."""

    def __init__(self, slot_dim: int, max_shift: float = 0.25):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(2 * slot_dim, slot_dim), nn.ReLU(), nn.Linear(slot_dim, 2))
        self.max_shift = max_shift

    def forward(self, before: torch.Tensor, after: torch.Tensor) -> torch.Tensor:
        return torch.tanh(self.net(torch.cat([before, after], dim=-1))) * self.max_shift


def shifted_blend(frames: torch.Tensor, shifts: torch.Tensor, masks: torch.Tensor) -> torch.Tensor:
    """Σ_k masks[:, k]·shift(frames, shifts[:, k]): frames [N,3,H,W], shifts [N,K,2] (x, y in normalised units,
    content moves by +d), masks [N,K,H,W] → [N,3,H,W] (bilinear sampling at p − d, border padding)."""
    n, k, _ = shifts.shape
    h, w = frames.shape[-2:]
    theta = torch.zeros(n * k, 2, 3, dtype=frames.dtype)
    theta[:, 0, 0] = 1.0
    theta[:, 1, 1] = 1.0
    theta = theta + torch.cat([torch.zeros(n * k, 2, 2, dtype=frames.dtype), -shifts.reshape(n * k, 2, 1)], dim=-1)
    grid = F.affine_grid(theta, [n * k, 3, h, w], align_corners=False)
    source = frames[:, None].expand(-1, k, -1, -1, -1).reshape(n * k, 3, h, w)
    warped = F.grid_sample(source, grid, padding_mode="border", align_corners=False).reshape(n, k, 3, h, w)
    return (masks[:, :, None] * warped).sum(1)


def gaussian_blur(frames: torch.Tensor, sigma: float) -> torch.Tensor:
    """Separable Gaussian blur of [N, C, H, W] (kernel radius ⌈3σ⌉, replicate padding); σ ≤ 0 returns the input."""
    if sigma <= 0:
        return frames
    radius = max(1, math.ceil(3 * sigma))
    x = torch.arange(-radius, radius + 1, dtype=frames.dtype)
    kernel = torch.exp(-0.5 * (x / sigma) ** 2)
    kernel = kernel / kernel.sum()
    c = frames.shape[1]
    out = F.pad(frames, (radius, radius, radius, radius), mode="replicate")
    out = F.conv2d(out, kernel.view(1, 1, 1, -1).expand(c, 1, 1, -1).contiguous(), groups=c)
    return F.conv2d(out, kernel.view(1, 1, -1, 1).expand(c, 1, -1, 1).contiguous(), groups=c)


#: ε of :func:`chromaticity`: keeps dark pixels (r + g + b → 0) from dominating the target
CHROMATICITY_EPS = 0.1


def chromaticity(frames: torch.Tensor, eps: float = CHROMATICITY_EPS) -> torch.Tensor:
    """Brightness-normalised colour of [N, 3, H, W] pixels in [0, 1]: 3·x / (r + g + b + ε), grey = (1, 1, 1)
    (ε = 0 gives the classical rg-chromaticity scaled by 3, Gevers & Smeulders 1999, invariant to shading). A pixel
    of hue h and saturation s at value v is v·c(h, s) in RGB, so two shades of one hue map to the same target."""
    return 3.0 * frames / (frames.sum(1, keepdim=True) + eps)


def colour_target(frames: torch.Tensor, recipe: "PretrainConfig") -> torch.Tensor:
    """The target of the colour term: the frames or their chromaticity (``colour_target``), then blurred
    (``colour_blur``)."""
    return gaussian_blur(chromaticity(frames) if recipe.colour_target == "chromaticity" else frames, recipe.colour_blur)


def bo_qsa_slots(corrector: nn.Module, init: torch.Tensor, tokens: torch.Tensor, iterations: int) -> Dict[str, torch.Tensor]:
    """Slot attention with BO-QSA's straight-through last iteration (module doc)."""
    slots = init
    if iterations > 1:
        with torch.no_grad():
            slots = corrector(init, tokens, iterations - 1)["slots"]
    slots = slots.detach() + init - init.detach()
    return corrector(slots, tokens, 1)


def autoencode(model: nn.Module, head: nn.Module, frames: torch.Tensor, iterations: int, init=None):
    """frames [N,3,H,W] → (reconstruction [N,3,H,W], attention [N,K,P], slots [N,K,S], masks [N,K,H,W])."""
    cfg = model.config
    features = model.encode(frames)
    tokens = model.encoder.module.output_transform(features)
    if init is None:
        init = model.initializer(frames.shape[0])
    out = bo_qsa_slots(model.processor.module.corrector, init, tokens, iterations)
    attention = out["attention"]
    colours = head(out["slots"])  # [N, K, 3]
    n, k, _ = attention.shape
    masks = attention.reshape(n, k, 1, cfg.grid_height, cfg.grid_width)
    if (cfg.grid_height, cfg.grid_width) != tuple(frames.shape[2:]):
        masks = F.interpolate(masks.flatten(1, 2), size=tuple(frames.shape[2:]), mode="bilinear",
                              align_corners=False).unflatten(1, (k, 1))
    reconstruction = (masks * colours[..., None, None]).sum(1)
    return reconstruction, attention, out["slots"], masks[:, :, 0]


def evaluate_attention(model, head, root: str, iterations: Optional[int] = None, max_videos=None,
                       max_frames=None) -> Dict[str, float]:
    """Mean video FG-ARI / mBO of the attention masks (slots carried over frames) on an annotated folder, run as the
    exported bundle runs: ``iterations_first`` slot-attention iterations on the first frame, ``iterations_next`` on
    every later one (of ``model.config``; ``iterations`` forces one count for all frames). Fewer iterations on carried
    frames drift less: on the synthetic validation split, 3/2 scored video FG-ARI 0.755 where 3/3 scored 0.686."""
    cfg = model.config
    scores = {"video_fg_ari": [], "video_mbo": []}
    was = model.training
    model.eval()
    try:
        with torch.no_grad():
            for video in iter_videos(root, (cfg.image_height, cfg.image_width), True, max_frames, max_videos,
                                     mean=cfg.mean, std=cfg.std):
                slots, attn = None, []
                for t in range(video.frames.shape[0]):
                    count = iterations or (cfg.iterations_first if t == 0 else cfg.iterations_next)
                    _, a, slots, _ = autoencode(model, head, video.frames[t:t + 1], count, slots)
                    attn.append(a[0])
                labels = hard_labels(torch.stack(attn), (cfg.grid_height, cfg.grid_width), video.masks.shape[1:])
                for key, value in video_object_metrics(video.masks, labels).items():
                    if not math.isnan(value):
                        scores[key].append(value)
    finally:
        model.train(was)
    return {key: (sum(v) / len(v) if v else float("nan")) for key, v in scores.items()}


def load_stage1_weights(model: nn.Module, stored: Dict[str, torch.Tensor], source: str) -> int:
    """Copy the stage-1 weights (keys under STAGE1_PREFIXES) of a stored state_dict into ``model`` and return how
    many; a missing or mis-shaped weight raises ValueError naming ``source`` and the key."""
    loaded = 0
    with torch.no_grad():
        for key, value in model.state_dict().items():
            if key.startswith(STAGE1_PREFIXES):
                if key not in stored or tuple(stored[key].shape) != tuple(value.shape):
                    raise ValueError(f"{source}: no weight {key} of shape {list(value.shape)}")
                value.copy_(stored[key])
                loaded += 1
    return loaded


def load_stage1_teacher(path: str) -> nn.Module:
    """A frozen stage-1 model (one token per pixel) from a stage-1 checkpoint, for L_slot-KD."""
    from ..config import ModelConfig

    state = load_checkpoint(path)
    if state.get("kind") != "pretrain":
        raise ValueError(f"teacher {path}: not a stage-1 (pretrain) checkpoint (kind {state.get('kind')!r})")
    teacher = build_model(ModelConfig.from_dict(state["model_config"]))
    load_stage1_weights(teacher, state["state_dict"], path)
    teacher.eval()
    for parameter in teacher.parameters():
        parameter.requires_grad_(False)
    return teacher


def teacher_clip_slots(teacher: nn.Module, clips: torch.Tensor, iterations: int) -> torch.Tensor:
    """The frozen teacher's slots of clips [N, L, 3, H, W], carried from frame to frame with ``iterations``
    slot-attention iterations on every frame: the count the student's own slots get in :func:`clip_loss`, so target
    and student run the same computation: [N, L, K, S]. (The teacher's bundle counts, 3 on the first frame and 2
    later, as the target gave a worse student on the synthetic world: python/README.md.)"""
    with torch.no_grad():
        corrector = teacher.processor.module.corrector
        slots = []
        init = teacher.initializer(clips.shape[0])
        for frames in clips.unbind(1):
            tokens = teacher.encoder.module.output_transform(teacher.encode(frames))
            init = corrector(init, tokens, iterations)["slots"]
            slots.append(init)
        return torch.stack(slots, 1)


def clip_loss(recipe: PretrainConfig, model: nn.Module, head: nn.Module, flow: nn.Module, clips: torch.Tensor,
              teacher: Optional[nn.Module] = None, projection: Optional[nn.Module] = None,
              colour_weight: Optional[float] = None) -> torch.Tensor:
    """Stage-1 loss of a batch of clips [N, L, 3, H, W] (L = ``clip_length`` frames, ``gap`` apart), slots carried
    from each frame to the next (frame 0 from the learned initial slots):

        L = λ_colour·mean_i L_rec(x_i) + λ_motion·mean_i L_motion(x_{i−1} → x_i) + λ_flow·mean_i L_flow(x_i)
            + α·L_slot-contrast(s_0…s_{L−1}) + β·L_slot-KD(teacher slots, s_0…s_{L−1})

    With L = 2 this is the pair objective of the module doc; longer clips train the carry the evaluation and the
    runtimes use over whole videos (frame t's slots initialise frame t+1's), with the gradient of every later
    frame flowing back through the straight-through initialisations. ``colour_weight`` overrides λ_colour (the
    scheduled weight of :func:`colour_weight_at`)."""
    length = clips.shape[1]
    colour = motion = flow_loss = clips.new_zeros(())
    slots, masks, recs = [], [], []
    init = None
    for i in range(length):
        frame = clips[:, i]
        rec, _, s, m = autoencode(model, head, frame, recipe.iterations, init)
        colour = colour + F.mse_loss(rec[:, :3], colour_target(frame, recipe))
        if i > 0 and recipe.motion_weight > 0:
            shifts = flow(slots[-1], s)
            step_motion = F.mse_loss(shifted_blend(clips[:, i - 1], shifts, m), frame)
            if recipe.motion_both_ways:
                step_motion = 0.5 * (step_motion + F.mse_loss(shifted_blend(frame, -shifts, masks[-1]), clips[:, i - 1]))
            motion = motion + step_motion
        slots.append(s)
        masks.append(m)
        recs.append(rec)
        init = s
    loss = (recipe.colour_weight if colour_weight is None else colour_weight) * colour / length
    if recipe.motion_weight > 0:
        loss = loss + recipe.motion_weight * motion / (length - 1)
    if recipe.flow_weight > 0:
        # motion of each frame's content, forward in time, in units of the search radius: the first frame takes the
        # backward flow to its successor, every later one the forward flow from its predecessor
        for i in range(length):
            if i == 0:
                target = -block_flow(clips[:, 1], clips[:, 0], recipe.flow_radius) / recipe.flow_radius
            else:
                target = block_flow(clips[:, i - 1], clips[:, i], recipe.flow_radius) / recipe.flow_radius
            flow_loss = flow_loss + F.mse_loss(recs[i][:, 3:], target)
        loss = loss + recipe.flow_weight * flow_loss / length
    clip_slots = torch.stack(slots, 1)  # [N, L, K, S]
    if recipe.contrast_weight > 0:
        loss = loss + recipe.contrast_weight * slot_contrast_loss(clip_slots)
    if teacher is not None:
        target = teacher_clip_slots(teacher, clips, recipe.iterations)
        loss = loss + recipe.kd_weight * slot_kd_loss(target, clip_slots, "index", projection)
    return loss


def cosine_progress(recipe: PretrainConfig, step: int) -> float:
    """The half-cosine factor of the stage-1 schedules: 1 through warm-up, then (1 + cos(π·u))/2 with
    u = (step − warmup_steps)/(max_steps − warmup_steps) clipped to [0, 1], so 0 at ``max_steps``."""
    if step < recipe.warmup_steps:
        return 1.0
    span = max(recipe.max_steps - recipe.warmup_steps, 1)
    progress = min(1.0, (step - recipe.warmup_steps) / span)
    return 0.5 * (1.0 + math.cos(math.pi * progress))


def colour_weight_at(recipe: PretrainConfig, step: int) -> float:
    """λ_colour at ``step``: ``colour_weight`` through warm-up, then a half cosine down to ``colour_weight_final``
    at ``max_steps`` (constant when that is None)."""
    if recipe.colour_weight_final is None:
        return recipe.colour_weight
    final = recipe.colour_weight_final
    return final + (recipe.colour_weight - final) * cosine_progress(recipe, step)


def pretrain_lr(recipe: PretrainConfig, step: int) -> float:
    """Learning rate at ``step`` (0-based): linear warm-up over ``warmup_steps``, then a half cosine from ``lr`` to
    ``min_lr_ratio``·lr at ``max_steps`` (SGDR's annealing, Loshchilov & Hutter 2017, without restarts). Stage 1 with
    a constant rate peaked near 1,000 steps and then lost its grouping (python/README.md); annealing holds it."""
    if step < recipe.warmup_steps:
        return recipe.lr * (step + 1) / recipe.warmup_steps
    floor = recipe.min_lr_ratio
    return recipe.lr * (floor + (1.0 - floor) * cosine_progress(recipe, step))


def run_pretrain(data: str, out: str, model_config, recipe: Optional[PretrainConfig] = None, *,
                 eval_data: Optional[str] = None, eval_every: int = 0, eval_videos: Optional[int] = None,
                 log_every: int = 10, checkpoint_every: int = 100, time_limit: Optional[float] = None,
                 threads: Optional[int] = None, command: Optional[str] = None, quiet: bool = False) -> Dict[str, Any]:
    """Train (or resume, from ``out/checkpoint.pt``) the stage-1 autoencoder; returns {step, loss, eval, elapsed}.

    ``model_config``: a ModelConfig whose backbone has stride 1 (the stage-2 config with
    ``backbone_options.stride = 1``); ignored on resume. ``time_limit`` in seconds.
    """
    from ..config import ModelConfig

    if threads:
        torch.set_num_threads(int(threads))
    ckpt_path = os.path.join(out, CHECKPOINT)
    state = load_checkpoint(ckpt_path) if os.path.exists(ckpt_path) else None
    if state is not None:
        cfg = ModelConfig.from_dict(state["model_config"])
        # checkpoints written before the cosine schedule existed trained at a constant rate
        recipe = PretrainConfig(**{"min_lr_ratio": 1.0, **state["pretrain_config"]})
    else:
        cfg = model_config
        recipe = recipe or PretrainConfig()
    if cfg.trainable_backbone is False:
        cfg = cfg.replace(trainable_backbone=True)  # stage 1 trains the backbone
    if (cfg.grid_height, cfg.grid_width) != (cfg.image_height, cfg.image_width):
        raise ValueError("pretrain: the backbone must keep one token per pixel (backbone_options.stride = 1)")
    if recipe.clip_length < 2:
        raise ValueError("pretrain: clip_length must be >= 2")
    if recipe.batch_frames < recipe.clip_length or recipe.batch_frames % recipe.clip_length:
        raise ValueError(f"pretrain: batch_frames must be a positive multiple of clip_length ({recipe.clip_length})")
    if recipe.gap < 1:
        raise ValueError("pretrain: gap must be >= 1")
    torch.manual_seed(recipe.seed)
    np.random.seed(recipe.seed % (2**32))
    model = build_model(cfg)
    head = ColourHead(cfg.slot_dim, 5 if recipe.flow_weight > 0 else 3)
    flow = FlowHead(cfg.slot_dim)
    extra = {"pretrain_head.": head, "pretrain_flow.": flow}
    teacher, projection = None, None
    if recipe.kd_weight > 0:
        if not recipe.teacher:
            raise ValueError("pretrain: kd_weight > 0 needs a teacher stage-1 checkpoint")
        teacher = load_stage1_teacher(recipe.teacher)
        if teacher.config.num_slots != cfg.num_slots:
            raise ValueError(f"pretrain: the teacher has {teacher.config.num_slots} slots, the student {cfg.num_slots}; "
                             "index correspondence needs the same K")
        projection = nn.Linear(cfg.slot_dim, teacher.config.slot_dim)  # student width → teacher width (SlotMatch)
        extra["pretrain_projection."] = projection
    params = [p for module in [model, *extra.values()] for p in module.parameters() if p.requires_grad]
    optimizer = torch.optim.Adam(params, lr=recipe.lr)
    step, elapsed, last_eval, best_score = 0, 0.0, None, -math.inf
    if state is not None:
        own = state["state_dict"]
        load_stage1_weights(model, own, ckpt_path)
        for prefix, module in extra.items():
            module.load_state_dict({k[len(prefix):]: v for k, v in own.items() if k.startswith(prefix)})
        optimizer.load_state_dict(state["optimizer"])
        step, elapsed, last_eval = int(state["step"]), float(state["elapsed"]), state.get("metrics")
        best_score = float(state.get("best_score", -math.inf))
        set_rng_state(state["rng"])
    dataset = ClipDataset(data, recipe.batch_frames // recipe.clip_length, recipe.clip_length, recipe.gap, "any",
                          recipe.flip_prob, recipe.seed, True,
                          mean=cfg.mean, std=cfg.std)
    dataset.preload()
    if eval_data:
        list_videos(eval_data, with_masks=True)
    os.makedirs(out, exist_ok=True)
    if state is None:
        with open(os.path.join(out, CONFIG), "w") as handle:
            json.dump({"kind": "pretrain", "model_config": cfg.to_dict(), "pretrain_config": asdict(recipe),
                       "data": os.path.abspath(data), "command": command}, handle, indent=2)
    log = open(os.path.join(out, LOG), "a")

    def emit(record):
        record["time"] = time.time()
        log.write(json.dumps(record) + "\n")
        log.flush()
        if not quiet:
            print(f"[pretrain] {json.dumps(record)}", file=sys.stderr, flush=True)

    def save(path=ckpt_path):
        sd = {k: v for k, v in model.state_dict().items() if k.startswith(STAGE1_PREFIXES)}
        for prefix, module in extra.items():
            sd.update({f"{prefix}{k}": v for k, v in module.state_dict().items()})
        save_atomic({"format": FORMAT, "version": VERSION, "kind": "pretrain", "role": "pretrain",
                     "model_config": cfg.to_dict(), "pretrain_config": asdict(recipe), "state_dict": sd,
                     "optimizer": optimizer.state_dict(), "step": step, "elapsed": elapsed, "rng": rng_state(),
                     "metrics": last_eval, "best_score": best_score, "seed": recipe.seed,
                     "training_command": command}, path)

    emit({"type": "start", "step": step, "resumed": state is not None, "command": command,
          "parameters": sum(p.numel() for p in model.parameters())})
    started_process = time.perf_counter()
    losses = []
    size = (cfg.image_height, cfg.image_width)
    # every term but the colour one compares frames of a clip (the flow target needs two too)
    clips_needed = max(recipe.motion_weight, recipe.flow_weight, recipe.contrast_weight, recipe.kd_weight) > 0
    while step < recipe.max_steps:
        if time_limit is not None and time.perf_counter() - started_process >= time_limit:
            break
        t0 = time.perf_counter()
        lr = pretrain_lr(recipe, step)
        for group in optimizer.param_groups:
            group["lr"] = lr
        clips = dataset.batch(step, size)  # [N, L, 3, H, W]: frames t, t+g, …, t+(L−1)g of one video each
        if clips_needed:
            loss = clip_loss(recipe, model, head, flow, clips, teacher, projection, colour_weight_at(recipe, step))
        else:
            frames = clips.flatten(0, 1)
            reconstruction, _, _, _ = autoencode(model, head, frames, recipe.iterations)
            loss = colour_weight_at(recipe, step) * F.mse_loss(reconstruction[:, :3], colour_target(frames, recipe))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if recipe.grad_clip > 0:
            nn.utils.clip_grad_norm_(params, recipe.grad_clip)
        optimizer.step()
        step += 1
        elapsed += time.perf_counter() - t0
        losses.append(float(loss))
        if log_every and step % log_every == 0:
            emit({"type": "train", "step": step, "loss": sum(losses) / len(losses), "lr": lr, "elapsed": elapsed})
            losses = []
        if eval_data and eval_every and step % eval_every == 0:
            last_eval = evaluate_attention(model, head, eval_data, max_videos=eval_videos)
            score = last_eval["video_fg_ari"] + last_eval["video_mbo"]
            emit({"type": "eval", "step": step, **last_eval, "best": score > best_score})
            if score > best_score:  # keep the best validation state (model selection on the validation split)
                best_score = score
                save(os.path.join(out, BEST))
        if checkpoint_every and step % checkpoint_every == 0:
            save()
    save()
    emit({"type": "stop", "step": step, "elapsed": elapsed})
    log.close()
    return {"step": step, "eval": last_eval, "elapsed": elapsed, "checkpoint": ckpt_path}
