"""PyTorch side of packages/losses/bench/run.mjs: forward+backward time of each torch reference loss.

Reads one case per stdin line (JSON: {"name", "shapes": {input: dims}, "grads": [...], "options": {...}}) and answers
each with one JSON line {"name", "min", "median", "times" (milliseconds, the warm-up call dropped), "reps"}. Single-threaded (torch.set_num_threads(1)).
"""
import json
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "python"))
from slotmatch_torch import losses as L  # noqa: E402

torch.set_num_threads(1)
DTYPE = torch.float64 if os.environ.get("BENCH_TORCH_DTYPE") == "float64" else torch.float32


def call(name, x, o):
    if name == "reconstructionLoss":
        return L.reconstruction_loss(x["recon"], x["target"])
    if name == "slotContrastLoss":
        return L.slot_contrast_loss(x["slots"], o["temperature"])
    if name.startswith("slotKdLoss"):
        proj = None
        if "projectionWeight" in x:
            w, b = x["projectionWeight"], x["projectionBias"]
            proj = lambda s: torch.nn.functional.linear(s, w, b)  # noqa: E731
        return L.slot_kd_loss(x["teacher"], x["student"], o["correspondence"], proj)
    if name == "slotMatchLoss":
        return L.slotmatch_loss(x["recon"], x["target"], x["studentSlots"], x["teacherSlots"])
    if name == "semanticConsistencyLoss":
        return L.semantic_consistency_loss(x["studentLogits"], x["teacherLogits"], x["teacherTokens"])
    if name == "slotDiversityLoss":
        return L.slot_diversity_loss(x["logits"])
    if name == "instanceConsistencyLoss":
        return L.instance_consistency_loss(x["objects"], x["teacherObjects"], x["valid"], x["teacherValid"])
    if name == "ckaAttentionLoss":
        return L.cka_attention_loss(x["teacher"], x["student"])
    if name == "interObjectRelationLoss":
        return L.inter_object_relation_loss(x["studentLogits"], x["teacherLogits"], o.get("tau", 1.0))
    if name == "intraObjectRelationLoss":
        return L.intra_object_relation_loss(x["studentLogits"], x["teacherLogits"], o.get("tau", 1.0))
    raise KeyError(name)


def measure(case, gen, min_seconds):
    x = {}
    for k, dims in case["shapes"].items():
        if k in ("valid", "teacherValid"):
            x[k] = (torch.rand(*dims, generator=gen) < 0.7).to(DTYPE)
        else:
            x[k] = torch.randn(*dims, generator=gen, dtype=DTYPE)
    times = []
    start = time.perf_counter()
    while True:
        for k in case["grads"]:
            x[k] = x[k].detach().requires_grad_(True)
        t0 = time.perf_counter()
        call(case["name"], x, case.get("options", {})).backward()
        times.append(time.perf_counter() - t0)
        if len(times) >= 3 and time.perf_counter() - start >= min_seconds:
            break
    rest = times[1:]  # the first run warms caches and allocations
    return {
        "name": case["name"],
        "min": min(rest) * 1e3,
        "median": statistics.median(rest) * 1e3,
        "times": [t * 1e3 for t in rest],
        "reps": len(rest),
    }


def main():
    """One case (JSON) per stdin line → one result (JSON) per stdout line, until stdin closes."""
    min_seconds = float(os.environ.get("BENCH_MIN_SECONDS", "1.0"))
    gen = torch.Generator().manual_seed(0)
    print(json.dumps({"ready": True, "torch": torch.__version__}), flush=True)
    for line in sys.stdin:
        if line.strip():
            print(json.dumps(measure(json.loads(line), gen, min_seconds)), flush=True)


if __name__ == "__main__":
    main()
