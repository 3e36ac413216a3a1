"""SMTC and deformable-distillation losses: METHODS.md hand-checked values, naive-loop cross-checks, invariances."""
import math

import pytest
import torch

from slotmatch_torch.losses import (
    cka,
    cka_attention_loss,
    instance_consistency_loss,
    inter_object_relation_loss,
    intra_object_relation_loss,
    semantic_consistency_loss,
    sinkhorn,
    slot_diversity_loss,
    valid_instances,
)

torch.set_num_threads(1)
D = torch.float64


def test_sinkhorn_methods_hand_value():
    cos = torch.tensor([[1.0, 0.5], [0.5, 1.0]], dtype=D)
    plan = sinkhorn(torch.tensor([1.0, 2.0], dtype=D), torch.tensor([2.0, 1.0], dtype=D), 1 - cos, 0.05, 3)
    expected = torch.tensor([[0.665701, 0.0], [0.000966, 0.333333]], dtype=D)
    assert torch.allclose(plan, expected, atol=1e-6)
    assert torch.allclose(plan.sum(0), torch.tensor([2 / 3, 1 / 3], dtype=D), atol=1e-15)  # columns exact


def test_sinkhorn_converges_to_both_marginals():
    g = torch.Generator().manual_seed(0)
    cost = torch.rand(5, 7, generator=g, dtype=D)
    mu_s, mu_t = torch.rand(5, generator=g, dtype=D) + 0.1, torch.rand(7, generator=g, dtype=D) + 0.1
    plan = sinkhorn(mu_s, mu_t, cost, eps=0.5, iterations=500)
    assert torch.allclose(plan.sum(1), mu_s / mu_s.sum(), atol=1e-10)
    assert torch.allclose(plan.sum(0), mu_t / mu_t.sum(), atol=1e-12)


def test_semantic_consistency_matches_a_naive_loop():
    g = torch.Generator().manual_seed(1)
    B, T, S, N, C = 2, 3, 4, 5, 6
    ls = torch.randn(B, T, S, N, generator=g, dtype=D)
    lt = torch.randn(B, T, S, N, generator=g, dtype=D)
    tok = torch.randn(B, T, N, C, generator=g, dtype=D)
    total = 0.0
    for b in range(B):
        for i in range(T):
            for j in range(T):
                if i == j:
                    continue
                xi = tok[b, i] / tok[b, i].norm(dim=-1, keepdim=True)
                xj = tok[b, j] / tok[b, j].norm(dim=-1, keepdim=True)
                plan = sinkhorn(xi.abs().sum(-1), xj.abs().sum(-1), 1 - xi @ xj.T)
                ps, pt = ls[b, i].softmax(0), lt[b, j].softmax(0)
                for n in range(N):
                    for m in range(N):
                        ce = -sum(float(pt[s, m]) * math.log(float(ps[s, n]) + 1e-8) for s in range(S))
                        total += float(plan[n, m]) * ce
    value = semantic_consistency_loss(ls, lt, tok).item()
    assert value == pytest.approx(total / (B * T * (T - 1)), rel=1e-12)


def test_semantic_consistency_gradient_reaches_only_the_student():
    g = torch.Generator().manual_seed(2)
    ls = torch.randn(1, 2, 3, 4, generator=g, dtype=D, requires_grad=True)
    lt = torch.randn(1, 2, 3, 4, generator=g, dtype=D, requires_grad=True)
    tok = torch.randn(1, 2, 4, 5, generator=g, dtype=D, requires_grad=True)
    semantic_consistency_loss(ls, lt, tok).backward()
    assert ls.grad is not None and lt.grad is None and tok.grad is None
    assert torch.autograd.gradcheck(lambda x: semantic_consistency_loss(x, lt, tok), (ls.detach().requires_grad_(),))


def test_slot_diversity_limits():
    # Disjoint hard masks → cosines ≈ 0; identical (uniform) masks → cosines 1.
    hard = torch.full((1, 1, 3, 6), -50.0, dtype=D)
    for n in range(6):
        hard[0, 0, n % 3, n] = 50.0
    assert slot_diversity_loss(hard).item() == pytest.approx(0.0, abs=1e-7)
    assert slot_diversity_loss(torch.zeros(2, 2, 4, 5, dtype=D)).item() == pytest.approx(1.0, rel=1e-12)


def test_instance_consistency_hand_value_and_matching():
    # P = 2 orthogonal unit embeddings, teacher = student with instances swapped: Hungarian pairs each p with its
    # copy (cos 1), the other is orthogonal (ReLU(0 − 0.5) = 0): ℓ_p = −1 for every valid p → loss −1.
    z = torch.eye(2, dtype=D).reshape(1, 1, 1, 2, 2).expand(1, 2, 1, 2, 2)
    zt = z[:, :, :, [1, 0]]
    ones = torch.ones(1, 2, 1, 2, dtype=D)
    assert instance_consistency_loss(z, zt, ones, ones).item() == pytest.approx(-1.0, rel=1e-9)
    # Negatives above the margin are pushed: teacher q1 at cos 0.8 to p0.
    a = torch.tensor([[1.0, 0.0], [0.0, 1.0]], dtype=D)
    b = torch.tensor([[1.0, 0.0], [0.8, 0.6]], dtype=D)
    v = torch.ones(1, 1, 1, 2, dtype=D)
    value = instance_consistency_loss(a.reshape(1, 1, 1, 2, 2), b.reshape(1, 1, 1, 2, 2), v, v).item()
    # p0↔q0 (cos 1), p1↔q1 (cos 0.6); negatives: p0·q1 = 0.8 → 0.3, p1·q0 = 0 → 0.
    assert value == pytest.approx(((0.3 - 1.0) + (0.0 - 0.6)) / 2, rel=1e-9)


def test_valid_instances_thresholds():
    logits = torch.tensor([[[[5.0, 5.0, 5.0, 5.0, 5.0], [-5.0, -5.0, -5.0, -5.0, -5.0]]]], dtype=D)  # [1,1,2,5]
    sem = torch.tensor([[[[1.0, 0.0], [1.0, 0.0]]]], dtype=D)
    ins = torch.tensor([[[[[1.0, 0.1], [0.0, 1.0]], [[1.0, 0.0], [1.0, 0.0]]]]], dtype=D)
    v = valid_instances(logits, sem, ins)
    assert v.tolist() == [[[[1.0, 0.0], [0.0, 0.0]]]]


def test_cka_methods_hand_values_and_invariances():
    g = torch.Generator().manual_seed(3)
    x = torch.randn(20, 6, generator=g, dtype=D)
    assert cka(x, x).item() == pytest.approx(1.0, rel=1e-12)
    assert cka(x, 2 * x).item() == pytest.approx(1.0, rel=1e-12)
    y = torch.randn(20, 4, generator=g, dtype=D)
    q, _ = torch.linalg.qr(torch.randn(4, 4, generator=g, dtype=D))
    base = cka(x, y).item()
    assert 0 < base < 1
    assert cka(x, y @ q * 3.0).item() == pytest.approx(base, rel=1e-12)
    assert cka(y, x).item() == pytest.approx(base, rel=1e-12)
    assert cka(x + 5.0, y).item() == pytest.approx(base, rel=1e-12)  # column centring
    assert cka_attention_loss(x.expand(3, 20, 6), x.expand(3, 20, 6) * 0.5).item() == pytest.approx(0.0, abs=1e-12)


def test_dist_two_objects_hand_values():
    # With O = 2 objects the Pearson across objects is ±1 per pixel: sign((pS0 − ½)(pT0 − ½)).
    s = torch.tensor([[[2.0, -1.0, 0.5], [0.0, 0.0, 0.0]]], dtype=D)
    t = torch.tensor([[[1.0, 1.0, -3.0], [0.0, 0.0, 0.0]]], dtype=D)
    # pixel 0 agrees (+1), pixel 1 disagrees (−1), pixel 2 disagrees (−1) → mean(0, 2, 2) = 4/3, ×τ².
    assert inter_object_relation_loss(s, t, tau=2.0).item() == pytest.approx(4.0 * 4 / 3, rel=1e-9)
    assert inter_object_relation_loss(s, s).item() == pytest.approx(0.0, abs=1e-12)
    assert intra_object_relation_loss(s, s, tau=3.0).item() == pytest.approx(0.0, abs=1e-12)
    # Intra: object 1's row is 1 − object 0's row, so each object's Pearson across pixels is the same.
    ps, pt = torch.softmax(s, 1)[0, 0], torch.softmax(t, 1)[0, 0]
    r = float(torch.corrcoef(torch.stack([ps, pt]))[0, 1])
    assert intra_object_relation_loss(s, t).item() == pytest.approx(1 - r, rel=1e-9)
