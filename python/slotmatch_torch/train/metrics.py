"""Training-time video FG-ARI and mBO (METRICS.md; martius-lab/slotcontrast ``metrics.py`` with
``ignore_background``), in numpy. The authoritative numbers come from ``@slotmatch/metrics``; these
follow the same definitions so training curves and final evaluations agree.

- Points: pixels whose GT label is an object (not 0 background, not 255 void) over the T×H×W volume.
- Prediction: hard label per pixel = argmax over slots of the decoder masks upsampled (bilinear,
  half-pixel) to GT resolution (METHODS.md §1, step 6).
- FG-ARI: contingency N[c, k]; a, b its row and column sums; n = Σa; RI = ΣN(N−1), A = Σa(a−1),
  B = Σb(b−1), E = A·B / max(n(n−1), 1), M = (A+B)/2, ARI = (RI − E)/(M − E), 1 when M = E (float64).
- mBO: IoU[c, k] = |T_c ∧ P_k| / |T_c ∨ P_k| with P_k counted over all pixels (background and void
  included); mBO = mean over non-empty GT objects of max_k IoU[c, k].
- A video without GT foreground gives NaN (and is skipped by the caller's mean).
"""
from typing import Dict

import numpy as np
import torch
import torch.nn.functional as F

VOID_LABEL = 255


def hard_labels(masks: torch.Tensor, grid: tuple, size: tuple) -> np.ndarray:
    """Decoder masks [T, K, P] (P = gh·gw) → int64 labels [T, H, W]: bilinear upsampling to ``size``, argmax_k."""
    t, k, p = masks.shape
    gh, gw = grid
    if gh * gw != p:
        raise ValueError(f"masks have {p} tokens, the grid {gh}x{gw} has {gh * gw}")
    up = F.interpolate(masks.reshape(t, k, gh, gw).float(), size=tuple(size), mode="bilinear", align_corners=False)
    return up.argmax(dim=1).cpu().numpy()


def adjusted_rand_index(table: np.ndarray) -> float:
    """ARI of a contingency table N[c, k] by the formula in the module doc (float64)."""
    n_ck = table.astype(np.float64)
    a, b = n_ck.sum(1), n_ck.sum(0)
    n = a.sum()
    ri = (n_ck * (n_ck - 1)).sum()
    big_a, big_b = (a * (a - 1)).sum(), (b * (b - 1)).sum()
    expected = big_a * big_b / max(n * (n - 1), 1.0)
    maximum = (big_a + big_b) / 2
    if maximum == expected:
        return 1.0
    return float((ri - expected) / (maximum - expected))


def video_object_metrics(gt: np.ndarray, pred: np.ndarray, void_label: int = VOID_LABEL) -> Dict[str, float]:
    """Video FG-ARI and mBO of GT labels [T, H, W] against predicted labels [T, H, W] (same shape)."""
    if gt.shape != pred.shape:
        raise ValueError(f"gt {gt.shape} and prediction {pred.shape} must have the same shape")
    gt = gt.astype(np.int64).ravel()
    pred = pred.astype(np.int64).ravel()
    if pred.size and pred.min() < 0:
        raise ValueError("predicted labels must be >= 0")
    fg = (gt != 0) & (gt != void_label)
    if not fg.any():
        return {"video_fg_ari": float("nan"), "video_mbo": float("nan")}
    objects = np.unique(gt[fg])
    n_pred = int(pred.max()) + 1
    index = np.searchsorted(objects, gt[fg])
    table = np.bincount(index * n_pred + pred[fg], minlength=len(objects) * n_pred).reshape(len(objects), n_pred)
    pred_area = np.bincount(pred, minlength=n_pred).astype(np.float64)
    gt_area = table.sum(1).astype(np.float64)
    union = gt_area[:, None] + pred_area[None, :] - table
    iou = np.where(union > 0, table / np.maximum(union, 1), 0.0)
    return {"video_fg_ari": adjusted_rand_index(table), "video_mbo": float(iou.max(1).mean())}
