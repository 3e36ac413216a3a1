"""SlotContrast / SlotMatch losses (METHODS.md §1–2) as torch reference implementations.

Conventions (checked against martius-lab/slotcontrast ``slotcontrast/losses.py``):

- L2 normalisation is ``x / max(‖x‖, 1e-12)`` (``torch.nn.functional.normalize``), so cosines are the dot
  products of normalised vectors.
- The contrast loss pools the batch: slot j = b·K + k runs over all B·K slots of a frame.
"""
from typing import Optional

import torch
import torch.nn.functional as F

NORM_EPS = 1e-12


def reconstruction_loss(recon: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """L_rec = mean over every element of (recon − target)² (SlotContrast's feature reconstruction, §1)."""
    if recon.shape != target.shape:
        raise ValueError(f"recon has shape {tuple(recon.shape)}, target {tuple(target.shape)}: they must agree")
    return ((recon - target) ** 2).mean()


def slot_contrast_loss(slots: torch.Tensor, temperature: float = 0.1) -> torch.Tensor:
    """L_slot-contrast of SlotContrast (§1), batch-pooled, anchor at t+1, not symmetric.

    ŝ = s/‖s‖; slots are pooled over the batch (j = b·K + k). For t = 0..T−2,
    Sim_t[i, j] = ⟨ŝ_{t,i}, ŝ_{t+1,j}⟩ / τ and
    L = mean over t, j of −log softmax_i(Sim_t[:, j])[j].

    ``slots``: [B, T, K, S] with T ≥ 2.
    """
    if slots.dim() != 4:
        raise ValueError(f"slots must be [B,T,K,S], got shape {tuple(slots.shape)}")
    B, T, K, S = slots.shape
    if T < 2:
        raise ValueError(f"slots must have T >= 2 frames, got T={T}")
    s = F.normalize(slots, p=2.0, dim=-1, eps=NORM_EPS)
    pooled = s.permute(1, 0, 2, 3).reshape(T, B * K, S)  # [T, N, S], j = b*K + k
    sim = torch.matmul(pooled[:-1], pooled[1:].transpose(-2, -1)) / temperature  # [T-1, i (t), j (t+1)]
    logp = torch.log_softmax(sim, dim=1)  # softmax over i for each anchor j
    return -torch.diagonal(logp, dim1=1, dim2=2).mean()


def _cosine(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return (F.normalize(a, dim=-1, eps=NORM_EPS) * F.normalize(b, dim=-1, eps=NORM_EPS)).sum(-1)


def hungarian_slot_match(teacher: torch.Tensor, student: torch.Tensor) -> torch.Tensor:
    """For each (b, t), the student slot index matched to each teacher slot k, maximising Σ cos (scipy).

    Returns an int64 tensor [B, T, K]; computed without gradient.
    """
    from scipy.optimize import linear_sum_assignment

    with torch.no_grad():
        tn = F.normalize(teacher.double(), dim=-1, eps=NORM_EPS)
        sn = F.normalize(student.double(), dim=-1, eps=NORM_EPS)
        cos = torch.matmul(tn, sn.transpose(-2, -1)).cpu().numpy()  # [B, T, K (teacher), K (student)]
    B, T, K, _ = cos.shape
    out = torch.empty((B, T, K), dtype=torch.long)
    for b in range(B):
        for t in range(T):
            rows, cols = linear_sum_assignment(1.0 - cos[b, t])
            out[b, t, torch.as_tensor(rows)] = torch.as_tensor(cols, dtype=torch.long)
    return out.to(teacher.device)


def slot_kd_loss(
    teacher: torch.Tensor,
    student: torch.Tensor,
    correspondence: str = "index",
    projection: Optional[torch.nn.Module] = None,
) -> torch.Tensor:
    """L_slot-KD of SlotMatch (§2): mean over b, t, k of 1 − cos(s^T_{b,t,k}, s^S_{b,t,π(k)}).

    ``teacher``: [B, T, K, S]; ``student``: [B, T, K, S']. ``projection`` (e.g. ``nn.Linear(S', S)``) maps the
    student to the teacher's width first; it is required when S' ≠ S. ``correspondence``: ``'index'``
    (π(k) = k, the default: both models start from learned fixed slots) or ``'hungarian'`` (π maximises
    Σ_k cos per frame, on the projected student, found without gradient). The teacher is used as given: detach
    it (or freeze the teacher) when it must not receive gradient.
    """
    if teacher.dim() != 4 or student.dim() != 4 or teacher.shape[:3] != student.shape[:3]:
        raise ValueError(
            f"teacher [B,T,K,S] and student [B,T,K,S'] must agree on B,T,K; got {tuple(teacher.shape)} and {tuple(student.shape)}"
        )
    if projection is not None:
        student = projection(student)
    if student.shape[-1] != teacher.shape[-1]:
        raise ValueError(
            f"student width {student.shape[-1]} differs from teacher width {teacher.shape[-1]}: pass a projection"
        )
    if correspondence == "hungarian":
        idx = hungarian_slot_match(teacher, student)
        student = torch.gather(student, 2, idx.unsqueeze(-1).expand(*idx.shape, student.shape[-1]))
    elif correspondence != "index":
        raise ValueError(f"correspondence must be 'index' or 'hungarian', got {correspondence!r}")
    return (1.0 - _cosine(teacher, student)).mean()


def slotmatch_loss(
    recon: torch.Tensor,
    target: torch.Tensor,
    student_slots: torch.Tensor,
    teacher_slots: torch.Tensor,
    alpha: float = 0.5,
    beta: float = 1.0,
    temperature: float = 0.1,
    correspondence: str = "index",
    projection: Optional[torch.nn.Module] = None,
) -> torch.Tensor:
    """SlotMatch total (§2): L_rec(recon, target) + α·L_slot-contrast(student) + β·L_slot-KD(teacher, student).

    Defaults α = 0.5 (SlotContrast's weight) and β = 1.0 (the project's choice). The teacher is detached here
    (SlotMatch keeps it frozen).
    """
    return (
        reconstruction_loss(recon, target)
        + alpha * slot_contrast_loss(student_slots, temperature)
        + beta * slot_kd_loss(teacher_slots.detach(), student_slots, correspondence, projection)
    )
