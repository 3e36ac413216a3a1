"""Deformable-attention distillation losses (METHODS.md §4): CKA attention distillation and DIST relations.

CKA: linear centred kernel alignment (Kornblith et al., 2019) on attention maps with rows = queries.
DIST: Huang et al., "Knowledge Distillation from A Stronger Teacher" (NeurIPS 2022), inter/intra relation terms,
applied per pixel with softmax over objects (the project's choice for VOS, METHODS.md §4).
"""
import torch

PEARSON_EPS = 1e-8  # as torch.nn.functional.cosine_similarity in DIST's pearson_correlation


def cka(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Linear CKA of x [..., N, D1] and y [..., N, D2] (rows = samples/queries) → [...].

    X_c, Y_c = column-centred x, y; CKA = ‖Y_cᵀX_c‖²_F / (‖X_cᵀX_c‖_F·‖Y_cᵀY_c‖_F). In [0, 1]; 1 for y = x·R·c
    (R orthogonal, c ≠ 0); undefined (0/0) when either centred matrix is zero.
    """
    if x.shape[:-1] != y.shape[:-1]:
        raise ValueError(f"x [...,N,D1] and y [...,N,D2] must agree on [...,N]; got {tuple(x.shape)}, {tuple(y.shape)}")
    xc = x - x.mean(-2, keepdim=True)
    yc = y - y.mean(-2, keepdim=True)
    xtx = torch.matmul(xc.transpose(-2, -1), xc)
    yty = torch.matmul(yc.transpose(-2, -1), yc)
    ytx = torch.matmul(yc.transpose(-2, -1), xc)
    num = (ytx**2).sum((-2, -1))
    return num / (torch.linalg.norm(xtx, dim=(-2, -1)) * torch.linalg.norm(yty, dim=(-2, -1)))


def cka_attention_loss(teacher: torch.Tensor, student: torch.Tensor) -> torch.Tensor:
    """L_att = mean over the leading dims (e.g. batch, head, layer) of 1 − CKA(teacher map, student map).

    ``teacher`` [..., N, Dt], ``student`` [..., N, Ds]: attention maps, rows = queries (widths may differ).
    """
    return (1.0 - cka(teacher, student)).mean()


def _pearson(a: torch.Tensor, b: torch.Tensor, dim: int) -> torch.Tensor:
    ac = a - a.mean(dim, keepdim=True)
    bc = b - b.mean(dim, keepdim=True)
    den = torch.clamp(torch.linalg.norm(ac, dim=dim) * torch.linalg.norm(bc, dim=dim), min=PEARSON_EPS)
    return (ac * bc).sum(dim) / den


def _check(student_logits: torch.Tensor, teacher_logits: torch.Tensor):
    if student_logits.dim() != 3 or student_logits.shape != teacher_logits.shape:
        raise ValueError(
            f"student and teacher logits must both be [B,O,P]; got {tuple(student_logits.shape)}, {tuple(teacher_logits.shape)}"
        )


def inter_object_relation_loss(student_logits: torch.Tensor, teacher_logits: torch.Tensor, tau: float = 1.0):
    """DIST inter-class relation per pixel: p = softmax over objects of logits/τ;
    L_inter = τ²·mean over (b, pixel) of 1 − Pearson_objects(p^S, p^T).

    ``student_logits``, ``teacher_logits``: [B, O, P] (O objects incl. background, P pixels).
    """
    _check(student_logits, teacher_logits)
    ps = torch.softmax(student_logits / tau, dim=1)
    pt = torch.softmax(teacher_logits / tau, dim=1)
    return tau**2 * (1.0 - _pearson(ps, pt, dim=1)).mean()


def intra_object_relation_loss(student_logits: torch.Tensor, teacher_logits: torch.Tensor, tau: float = 1.0):
    """DIST intra-class relation: p = softmax over objects of logits/τ;
    L_intra = τ²·mean over (b, object) of 1 − Pearson_pixels(p^S, p^T).

    ``student_logits``, ``teacher_logits``: [B, O, P].
    """
    _check(student_logits, teacher_logits)
    ps = torch.softmax(student_logits / tau, dim=1)
    pt = torch.softmax(teacher_logits / tau, dim=1)
    return tau**2 * (1.0 - _pearson(ps, pt, dim=2)).mean()
