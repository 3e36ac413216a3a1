"""``python3 -m slotmatch_torch golden --out DIR``: golden fixtures of every loss for @slotmatch/losses.

One JSON per case, ``DIR/<case>.json``::

    {"case": "slotContrastLoss", "function": "slot_contrast_loss", "options": {...},
     "inputs": {"slots": <tensor>}, "value": 2.71, "grads": {"slots": <tensor>}}

Tensors use the encoding of ``decodeTensor`` in test/fixtures.ts (dims, dtype, base64 little-endian data).
Inputs are seeded random values stored as float32 (so a TypeScript test can feed them as Float32Array or widen them
to float64 without changing them); the value and gradients are computed by torch autograd in float64 from exactly
those values. Gradients are stored as float64, except for tensors above ``--float32-above`` elements (float32, to keep
the fixtures a few MB). Cases without gradient (``sinkhorn``, ``cka``) store ``output`` instead.

Shapes: the slot-contrast case is at SlotContrast's official MOVi-C shape (B=64, T=4, K=11, S=64); the others are
modest. Every file is written to a temporary name and renamed when complete.
"""
import argparse
import base64
import json
import os
import sys

import numpy as np
import torch

F64 = torch.float64


def encode(t: torch.Tensor, dtype: str) -> dict:
    arr = t.detach().cpu().numpy().astype("<f4" if dtype == "float32" else "<f8" if dtype == "float64" else "<i4")
    return {"dims": list(t.shape), "dtype": dtype, "data": base64.b64encode(np.ascontiguousarray(arr).tobytes()).decode()}


class Case:
    """A loss evaluated on seeded inputs: ``build(gen)`` → (inputs, grad names, options), ``run(inputs)`` → value."""

    def __init__(self, name, function, build, run, kind="loss"):
        self.name, self.function, self.build, self.run, self.kind = name, function, build, run, kind


def randn(gen, *shape, scale=1.0):
    # float32-representable values, widened to float64 for the computation.
    return (torch.randn(*shape, generator=gen, dtype=F64) * scale).float().double()


def cases():
    from ..losses import (
        cka,
        cka_attention_loss,
        instance_consistency_loss,
        inter_object_relation_loss,
        intra_object_relation_loss,
        reconstruction_loss,
        semantic_consistency_loss,
        sinkhorn,
        slot_contrast_loss,
        slot_diversity_loss,
        slot_kd_loss,
        slotmatch_loss,
    )

    def linear(weight, bias):
        return lambda x: torch.nn.functional.linear(x, weight, bias)

    out = []

    out.append(Case(
        "reconstructionLoss", "reconstruction_loss",
        lambda g: ({"recon": randn(g, 2, 4, 25, 24), "target": randn(g, 2, 4, 25, 24)}, ["recon", "target"], {}),
        lambda x, o: reconstruction_loss(x["recon"], x["target"]),
    ))
    out.append(Case(
        "slotContrastLoss", "slot_contrast_loss",
        lambda g: ({"slots": randn(g, 64, 4, 11, 64)}, ["slots"], {"temperature": 0.1}),
        lambda x, o: slot_contrast_loss(x["slots"], o["temperature"]),
    ))

    def kd_inputs(g, width=64, permute=False):
        teacher = randn(g, 2, 4, 11, 64)
        student = randn(g, 2, 4, 11, width)
        if permute:  # a noisy, slot-permuted copy so that the Hungarian matching is not the identity
            perm = torch.randperm(11, generator=g)
            student = (teacher[:, :, perm] + 0.5 * randn(g, 2, 4, 11, 64)).float().double()
        return teacher, student

    def kd_index(g):
        t, s = kd_inputs(g)
        return {"teacher": t, "student": s}, ["teacher", "student"], {"correspondence": "index"}

    def kd_hungarian(g):
        t, s = kd_inputs(g, permute=True)
        return {"teacher": t, "student": s}, ["teacher", "student"], {"correspondence": "hungarian"}

    def kd_projection(g):
        t, s = kd_inputs(g, width=32)
        w, b = randn(g, 64, 32, scale=0.2), randn(g, 64, scale=0.1)
        names = ["teacher", "student", "projectionWeight", "projectionBias"]
        return {"teacher": t, "student": s, "projectionWeight": w, "projectionBias": b}, names, {"correspondence": "hungarian"}

    run_kd = lambda x, o: slot_kd_loss(  # noqa: E731
        x["teacher"], x["student"], o["correspondence"],
        linear(x["projectionWeight"], x["projectionBias"]) if "projectionWeight" in x else None,
    )
    out.append(Case("slotKdLoss.index", "slot_kd_loss", kd_index, run_kd))
    out.append(Case("slotKdLoss.hungarian", "slot_kd_loss", kd_hungarian, run_kd))
    out.append(Case("slotKdLoss.projection", "slot_kd_loss", kd_projection, run_kd))

    def total_inputs(g):
        x = {
            "recon": randn(g, 2, 4, 36, 24), "target": randn(g, 2, 4, 36, 24),
            "studentSlots": randn(g, 2, 4, 7, 32), "teacherSlots": randn(g, 2, 4, 7, 32),
        }
        return x, ["recon", "target", "studentSlots"], {"alpha": 0.5, "beta": 1.0, "temperature": 0.1, "correspondence": "index"}

    out.append(Case(
        "slotMatchLoss", "slotmatch_loss", total_inputs,
        lambda x, o: slotmatch_loss(x["recon"], x["target"], x["studentSlots"], x["teacherSlots"], o["alpha"], o["beta"],
                                    o["temperature"], o["correspondence"]),
    ))

    def sinkhorn_inputs(g):
        tok_s = randn(g, 2, 48, 16)
        tok_t = randn(g, 2, 40, 16)
        ns, nt = torch.nn.functional.normalize(tok_s, dim=-1), torch.nn.functional.normalize(tok_t, dim=-1)
        cost = (1 - ns @ nt.transpose(-2, -1)).float().double()
        mu_s, mu_t = ns.abs().sum(-1).float().double(), nt.abs().sum(-1).float().double()
        return {"muS": mu_s, "muT": mu_t, "cost": cost}, [], {"eps": 0.05, "iterations": 3}

    out.append(Case(
        "sinkhorn", "sinkhorn", sinkhorn_inputs,
        lambda x, o: sinkhorn(x["muS"], x["muT"], x["cost"], o["eps"], o["iterations"]), kind="output",
    ))
    out.append(Case(
        "cka", "cka",
        lambda g: ({"x": randn(g, 3, 50, 20), "y": randn(g, 3, 50, 12)}, [], {}),
        lambda x, o: cka(x["x"], x["y"]), kind="output",
    ))

    def sem_inputs(g):
        x = {
            "studentLogits": randn(g, 2, 4, 16, 64, scale=3.0), "teacherLogits": randn(g, 2, 4, 16, 64, scale=3.0),
            "teacherTokens": randn(g, 2, 4, 64, 32),
        }
        return x, ["studentLogits"], {"eps": 0.05, "iterations": 3}

    out.append(Case(
        "semanticConsistencyLoss", "semantic_consistency_loss", sem_inputs,
        lambda x, o: semantic_consistency_loss(x["studentLogits"], x["teacherLogits"], x["teacherTokens"], o["eps"], o["iterations"]),
    ))
    out.append(Case(
        "slotDiversityLoss", "slot_diversity_loss",
        lambda g: ({"logits": randn(g, 2, 4, 16, 64, scale=3.0)}, ["logits"], {}),
        lambda x, o: slot_diversity_loss(x["logits"]),
    ))

    def obj_inputs(g):
        shape = (2, 4, 8, 4, 32)
        x = {
            "objects": randn(g, *shape), "teacherObjects": randn(g, *shape),
            "valid": (torch.rand(*shape[:4], generator=g, dtype=F64) < 0.7).double(),
            "teacherValid": (torch.rand(*shape[:4], generator=g, dtype=F64) < 0.7).double(),
        }
        # A positive component shared by student and teacher so cosines cross the 0.5 margin for some pairs.
        common = randn(g, *shape[:3], 1, 32)
        x["objects"] = (x["objects"] * 0.5 + common).float().double()
        x["teacherObjects"] = (x["teacherObjects"] * 0.5 + common).float().double()
        return x, ["objects"], {"margin": 0.5}

    out.append(Case(
        "instanceConsistencyLoss", "instance_consistency_loss", obj_inputs,
        lambda x, o: instance_consistency_loss(x["objects"], x["teacherObjects"], x["valid"], x["teacherValid"], o["margin"]),
    ))

    def att_inputs(g):
        teacher = torch.softmax(randn(g, 2, 2, 48, 36, scale=2.0), -1).float().double()
        student = torch.softmax((teacher.log() + randn(g, 2, 2, 48, 36)), -1).float().double()
        return {"teacher": teacher, "student": student}, ["teacher", "student"], {}

    out.append(Case(
        "ckaAttentionLoss", "cka_attention_loss", att_inputs,
        lambda x, o: cka_attention_loss(x["teacher"], x["student"]),
    ))

    def dist_inputs(g):
        teacher = randn(g, 2, 6, 256, scale=2.0)
        student = (teacher + randn(g, 2, 6, 256)).float().double()
        return {"studentLogits": student, "teacherLogits": teacher}, ["studentLogits", "teacherLogits"], {"tau": 2.0}

    out.append(Case(
        "interObjectRelationLoss", "inter_object_relation_loss", dist_inputs,
        lambda x, o: inter_object_relation_loss(x["studentLogits"], x["teacherLogits"], o["tau"]),
    ))
    out.append(Case(
        "intraObjectRelationLoss", "intra_object_relation_loss", dist_inputs,
        lambda x, o: intra_object_relation_loss(x["studentLogits"], x["teacherLogits"], o["tau"]),
    ))
    return out


def evaluate(case: Case, seed: int, float32_above: int) -> dict:
    gen = torch.Generator().manual_seed(seed)
    inputs, grad_names, options = case.build(gen)
    for name in grad_names:
        inputs[name].requires_grad_(True)
    result = case.run(inputs, options)
    doc = {"case": case.name, "function": case.function, "seed": seed, "options": options}
    doc["inputs"] = {
        k: encode(v, "float32" if v.dtype == F64 else "int32") for k, v in inputs.items()
    }
    if case.kind == "output":
        doc["output"] = encode(result, "float64")
        return doc
    result.backward()
    doc["value"] = float(result)
    doc["grads"] = {
        k: encode(inputs[k].grad, "float32" if inputs[k].numel() > float32_above else "float64") for k in grad_names
    }
    return doc


def write_atomic(path: str, text: str) -> None:
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python3 -m slotmatch_torch golden",
        description="Write JSON fixtures (seeded inputs, value, torch-autograd gradients in float64) of every loss.",
    )
    parser.add_argument("--out", required=True, help="output folder (created if missing), e.g. packages/losses/test/fixtures")
    parser.add_argument("--seed", type=int, default=20260401, help="base seed; case i uses seed + i (default %(default)s)")
    parser.add_argument("--only", action="append", default=None, metavar="CASE", help="write only this case (repeatable)")
    parser.add_argument("--float32-above", type=int, default=20_000, metavar="N",
                        help="store gradients with more than N elements as float32 (default %(default)s)")
    args = parser.parse_args(argv)

    torch.set_num_threads(1)
    all_cases = cases()
    names = [c.name for c in all_cases]
    if args.only:
        unknown = [n for n in args.only if n not in names]
        if unknown:
            print(f"golden: unknown case(s) {', '.join(unknown)}; cases: {', '.join(names)}", file=sys.stderr)
            return 1
    try:
        os.makedirs(args.out, exist_ok=True)
    except OSError as e:
        print(f"golden: {args.out}: cannot create the output folder ({e.strerror})", file=sys.stderr)
        return 1
    for i, case in enumerate(all_cases):
        if args.only and case.name not in args.only:
            continue
        doc = evaluate(case, args.seed + i, args.float32_above)
        path = os.path.join(args.out, f"{case.name}.json")
        write_atomic(path, json.dumps(doc, indent=1) + "\n")
        shown = f"value {doc['value']:.9g}" if "value" in doc else "output"
        print(f"{path}: {shown}")
    return 0
