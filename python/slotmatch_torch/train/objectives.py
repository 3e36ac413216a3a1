"""The two training objectives.

Teacher (SlotContrast, METHODS.md §1):  L = L_rec + α·L_slot-contrast
Student (SlotMatch, METHODS.md §2):     L = L_rec + α·L_slot-contrast + β·L_slot-KD(teacher slots, student slots)

L_rec compares the decoder's reconstruction with the model's own backbone features, detached as the official
``Loss.get_target`` does (with the frozen DINOv2 backbone this changes nothing; with a trainable backbone the
features get gradient only through the adapter, i.e. from the slots, never by moving the target). L_slot-contrast runs on the corrector's slots
(official ``pred_key: processor.state``). The teacher runs in eval mode without gradient on the same
clips (resized to its own input size when it differs); no reconstruction-level distillation.
"""
from typing import Dict, Optional

import torch
from torch import nn

from ..losses import reconstruction_loss, slot_contrast_loss, slot_kd_loss


def teacher_losses(model: nn.Module, video: torch.Tensor, alpha: float, temperature: float) -> Dict[str, torch.Tensor]:
    """{"loss", "rec", "contrast"} of the teacher objective on a batch [B, T, 3, H, W]."""
    out = model(video)
    rec = reconstruction_loss(out["reconstruction"], out["features"].detach())
    contrast = slot_contrast_loss(out["slots"], temperature)
    return {"loss": rec + alpha * contrast, "rec": rec, "contrast": contrast}


def teacher_slots(teacher: nn.Module, video: torch.Tensor) -> torch.Tensor:
    """The frozen teacher's slots [B, T, K, S] (eval mode, no gradient)."""
    teacher.eval()
    with torch.no_grad():
        return teacher(video)["slots"].detach()


def student_losses(
    model: nn.Module,
    video: torch.Tensor,
    target_slots: torch.Tensor,
    alpha: float,
    beta: float,
    temperature: float,
    correspondence: str = "index",
    projection: Optional[nn.Module] = None,
) -> Dict[str, torch.Tensor]:
    """{"loss", "rec", "contrast", "kd"} of the SlotMatch objective; ``target_slots`` from :func:`teacher_slots`."""
    out = model(video)
    rec = reconstruction_loss(out["reconstruction"], out["features"].detach())
    contrast = slot_contrast_loss(out["slots"], temperature)
    kd = slot_kd_loss(target_slots, out["slots"], correspondence=correspondence, projection=projection)
    return {"loss": rec + alpha * contrast + beta * kd, "rec": rec, "contrast": contrast, "kd": kd}
