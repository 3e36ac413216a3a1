"""SMTC losses (METHODS.md §3) as torch reference implementations.

Conventions follow shvdiwnkozbw/SMTC ``src/train.py`` (``dense_transport_loss``, ``sinkhorn_cluster``,
``filter_valid_instance``, ``matching_cost``, ``object_loss`` and the inline ``differ_loss``). The teacher is the EMA
of the student and receives no gradient: every ``teacher_*`` argument is treated as a constant.
"""
import torch
import torch.nn.functional as F

NORM_EPS = 1e-12
LOG_EPS = 1e-8  # added inside log and to the soft masks, as in the official code


def sinkhorn(mu_s: torch.Tensor, mu_t: torch.Tensor, cost: torch.Tensor, eps: float = 0.05, iterations: int = 3):
    """Entropic optimal transport plan by Sinkhorn iterations (SMTC's ``sinkhorn_cluster``).

    μ_s ← μ_s/Σμ_s, μ_t ← μ_t/Σμ_t, K = exp(−cost/ε), b = 1; repeat ``iterations`` times:
    a = μ_s / (K·b), b = μ_t / (Kᵀ·a); Π = diag(a)·K·diag(b). After the last step the column sums equal μ_t exactly;
    the row sums approach μ_s as iterations grow (3 in SMTC, so they are not exact).

    ``mu_s`` [..., N], ``mu_t`` [..., M], ``cost`` [..., N, M] → Π [..., N, M].
    """
    K = torch.exp(-cost / eps)
    mu_s = mu_s / mu_s.sum(-1, keepdim=True)
    mu_t = mu_t / mu_t.sum(-1, keepdim=True)
    b = torch.ones_like(mu_t)
    a = mu_s
    for _ in range(iterations):
        a = mu_s / (K * b.unsqueeze(-2)).sum(-1)
        b = mu_t / (K * a.unsqueeze(-1)).sum(-2)
    return a.unsqueeze(-1) * K * b.unsqueeze(-2)


def semantic_consistency_loss(
    student_logits: torch.Tensor,
    teacher_logits: torch.Tensor,
    teacher_tokens: torch.Tensor,
    eps: float = 0.05,
    iterations: int = 3,
) -> torch.Tensor:
    """L_sem of SMTC: dense transport consistency of the semantic slot masks across frames.

    For every ordered frame pair i ≠ j and video b: tokens x̂ = x/‖x‖ of the teacher's un-fused keys,
    cost M[n, m] = 1 − ⟨x̂_{i,n}, x̂_{j,m}⟩, marginals μ = ‖x̂‖₁ per token, Π = Sinkhorn(μ_i, μ_j, M) (no gradient),
    CE[n, m] = −Σ_s p^T_{j}[s, m]·log(p^S_{i}[s, n] + 1e-8) with p = softmax over slots of the logits;
    loss = mean over (pair, b) of Σ_{n,m} Π[n, m]·CE[n, m].

    ``student_logits``, ``teacher_logits``: [B, T, S, N] (semantic attention logits); ``teacher_tokens``: [B, T, N, C].
    """
    B, T, S, N = student_logits.shape
    if teacher_logits.shape != student_logits.shape or teacher_tokens.shape[:2] != (B, T) or teacher_tokens.shape[2] != N:
        raise ValueError(
            f"expected student/teacher logits [B,T,S,N] and tokens [B,T,N,C]; got {tuple(student_logits.shape)}, "
            f"{tuple(teacher_logits.shape)}, {tuple(teacher_tokens.shape)}"
        )
    teacher_logits = teacher_logits.detach()
    with torch.no_grad():
        x = F.normalize(teacher_tokens.detach(), dim=-1, eps=NORM_EPS)
        mu = x.abs().sum(-1)  # [B, T, N]
    log_ps = torch.log(torch.softmax(student_logits, dim=2) + LOG_EPS)  # [B, T, S, N]
    pt = torch.softmax(teacher_logits, dim=2)
    total = student_logits.new_zeros(())
    pairs = 0
    for i in range(T):
        for j in range(T):
            if i == j:
                continue
            with torch.no_grad():
                cost = 1.0 - torch.einsum("bnc,bmc->bnm", x[:, i], x[:, j])
                plan = sinkhorn(mu[:, i], mu[:, j], cost, eps, iterations)
            ce = -torch.einsum("bsm,bsn->bnm", pt[:, j], log_ps[:, i])
            total = total + (plan * ce).sum()
            pairs += 1
    return total / (pairs * B)


def slot_diversity_loss(logits: torch.Tensor) -> torch.Tensor:
    """L_diff of SMTC: mean over b, t and slot pairs s ≠ s' of cos(m_s, m_s') with m = softmax over slots + 1e-8.

    ``logits``: [B, T, S, N] (semantic attention logits; masks are rows of softmax_S, compared across the N tokens).
    """
    B, T, S, N = logits.shape
    m = F.normalize(torch.softmax(logits, dim=2) + LOG_EPS, dim=-1, eps=NORM_EPS)
    gram = torch.matmul(m, m.transpose(-2, -1))  # [B, T, S, S]
    off = 1.0 - torch.eye(S, dtype=gram.dtype, device=gram.device)
    return (gram * off).sum() / (off.sum() * B * T)


def valid_instances(
    semantic_logits: torch.Tensor,
    semantic_slots: torch.Tensor,
    instance_slots: torch.Tensor,
    mask_threshold: float = 0.3,
    similarity_threshold: float = 0.5,
    area_threshold: float = 0.2,
) -> torch.Tensor:
    """SMTC's ``filter_valid_instance``: v[b,t,s,p] = 1[cos(semantic_s, instance_{s,p}) > 0.5]·1[area_s > 0.2], where
    area_s is the share of tokens whose softmax-over-slots mask exceeds 0.3. Not differentiable (a 0/1 weight).

    ``semantic_logits`` [B,T,S,N], ``semantic_slots`` [B,T,S,C], ``instance_slots`` [B,T,S,P,C] → [B,T,S,P].
    """
    with torch.no_grad():
        area = (torch.softmax(semantic_logits, dim=2) > mask_threshold).to(semantic_slots.dtype).mean(-1, keepdim=True)
        sem = F.normalize(semantic_slots, dim=-1, eps=NORM_EPS)
        ins = F.normalize(instance_slots, dim=-1, eps=NORM_EPS)
        sim = torch.einsum("btsc,btspc->btsp", sem, ins)
        return (sim > similarity_threshold).to(semantic_slots.dtype) * (area > area_threshold).to(semantic_slots.dtype)


def _matches(similarity: torch.Tensor) -> torch.Tensor:
    """For [B, S, P, Q] similarities, the Hungarian partner q of each p minimising Σ (1 − sim) → int64 [B, S, P]."""
    from scipy.optimize import linear_sum_assignment

    cost = (1.0 - similarity.detach()).cpu().double().numpy()
    B, S, P, _ = cost.shape
    out = torch.empty((B, S, P), dtype=torch.long)
    for b in range(B):
        for s in range(S):
            rows, cols = linear_sum_assignment(cost[b, s])
            out[b, s, torch.as_tensor(rows)] = torch.as_tensor(cols, dtype=torch.long)
    return out.to(similarity.device)


def instance_consistency_loss(
    objects: torch.Tensor,
    teacher_objects: torch.Tensor,
    valid: torch.Tensor,
    teacher_valid: torch.Tensor,
    margin: float = 0.5,
) -> torch.Tensor:
    """L_obj of SMTC: contrast of instance embeddings within each semantic centre, across every frame pair (i, j)
    (i = j included, as in the official loop).

    z = L2norm(objects) (idempotent on the model's already-normalised embeddings), z' = L2norm(teacher_objects).
    Per (i, j, b, s): ε = Hungarian matching of student instance p to teacher instance q on 1 − ⟨z_p, z'_q⟩;
    ℓ_p = v_p·[mean_{q ≠ ε(p)} ReLU(⟨z_p, z'_q⟩ − margin) − v'_{ε(p)}·⟨z_p, z'_{ε(p)}⟩];
    loss = Σ ℓ / Σ (v + 1e-10) over all (i, j, b, s, p).

    ``objects``, ``teacher_objects``: [B, T, S, P, C]; ``valid``, ``teacher_valid``: [B, T, S, P] (0/1, see
    :func:`valid_instances`). P ≥ 2.
    """
    B, T, S, P, C = objects.shape
    if teacher_objects.shape != objects.shape or valid.shape != (B, T, S, P) or teacher_valid.shape != (B, T, S, P):
        raise ValueError("expected objects/teacher_objects [B,T,S,P,C] and valid/teacher_valid [B,T,S,P]")
    z = F.normalize(objects, dim=-1, eps=NORM_EPS)
    zt = F.normalize(teacher_objects.detach(), dim=-1, eps=NORM_EPS)
    valid = valid.detach().to(z.dtype)
    teacher_valid = teacher_valid.detach().to(z.dtype)
    eye = torch.eye(P, dtype=torch.bool, device=z.device)
    total = z.new_zeros(())
    for i in range(T):
        for j in range(T):
            sim = torch.einsum("bspc,bsqc->bspq", z[:, i], zt[:, j])
            match = _matches(sim)  # [B, S, P]
            pos = torch.gather(sim, -1, match.unsqueeze(-1)).squeeze(-1)
            neg_mask = ~eye[match]  # [B, S, P, Q]: q ≠ ε(p)
            neg = (F.relu(sim - margin) * neg_mask).sum(-1) / (P - 1)
            vt = torch.gather(teacher_valid[:, j], -1, match)
            total = total + (valid[:, i] * (neg - vt * pos)).sum()
    return total / ((valid + 1e-10).sum() * T)
