"""Classical block-matching optical flow: an unsupervised motion target for the stage-1 autoencoder.

SAVi (Kipf et al. 2022) reconstructs optical flow instead of (or besides) colour on MOVi, because flow is
piecewise constant per rigidly moving object while colour is not (a striped object has two colours and one
motion). No flow network or ground-truth flow exists here, so the target is computed from the two frames alone:
for every pixel p of ``after`` and every integer shift d with |dx|, |dy| ≤ R,

    E(p, d) = box_{(2r+1)²}( ‖before(p − d) − after(p)‖² )(p) + λ·‖d‖²
    flow(p) = argmin_d E(p, d)

(sum of squared differences over a (2r+1)² window, ``before`` padded by replication; the small λ‖d‖² prefers
the smallest motion where a textureless window matches equally well at many shifts, so the static background
reads as zero). ``after(p) ≈ before(p − flow(p))``: content moves by +flow. No gradient flows through it.
"""
import torch
import torch.nn.functional as F


def block_flow(before: torch.Tensor, after: torch.Tensor, radius: int = 4, window: int = 2,
               smallest_motion_weight: float = 0.002) -> torch.Tensor:
    """Flow [N, 2, H, W] (x, y in pixels) from ``before`` to ``after`` ([N, C, H, W]), by the rule of the module doc
    (R = ``radius``, r = ``window``, λ = ``smallest_motion_weight``)."""
    if before.shape != after.shape or before.dim() != 4:
        raise ValueError(f"block_flow: before {tuple(before.shape)} and after {tuple(after.shape)} must be equal [N,C,H,W]")
    if radius < 1 or window < 0:
        raise ValueError(f"block_flow: radius must be >= 1 and window >= 0, got {radius}, {window}")
    with torch.no_grad():
        n, _, h, w = before.shape
        padded = F.pad(before, (radius,) * 4, mode="replicate")
        best_cost = torch.full((n, h, w), float("inf"), dtype=before.dtype)
        flow = torch.zeros(n, 2, h, w, dtype=before.dtype)
        for dy in range(-radius, radius + 1):
            for dx in range(-radius, radius + 1):
                moved = padded[:, :, radius - dy:radius - dy + h, radius - dx:radius - dx + w]  # before(p − d)
                cost = ((moved - after) ** 2).sum(1, keepdim=True)
                if window:
                    cost = F.avg_pool2d(F.pad(cost, (window,) * 4, mode="replicate"), 2 * window + 1, 1)
                cost = cost[:, 0] + smallest_motion_weight * (dx * dx + dy * dy)
                better = cost < best_cost
                best_cost = torch.where(better, cost, best_cost)
                flow[:, 0][better] = float(dx)
                flow[:, 1][better] = float(dy)
        return flow
