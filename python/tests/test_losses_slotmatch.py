"""SlotContrast / SlotMatch losses against hand-computed values and their invariances."""
import math

import pytest
import torch

from slotmatch_torch.losses import (
    reconstruction_loss,
    slot_contrast_loss,
    slot_kd_loss,
    slotmatch_loss,
)

torch.set_num_threads(1)


def test_reconstruction_is_mean_squared_error():
    recon = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    target = torch.tensor([[1.0, 0.0], [0.0, 4.0]])
    assert reconstruction_loss(recon, target).item() == pytest.approx((4 + 9) / 4)
    with pytest.raises(ValueError):
        reconstruction_loss(recon, target[:1])


def test_contrast_orthogonal_slots_hand_value():
    # B=2, K=3: six orthogonal unit slots repeated over T=3 frames. Each anchor sees 10 on its positive and 0 on
    # the five negatives: -log(e^10 / (e^10 + 5)).
    eye = torch.eye(6, dtype=torch.float64).reshape(2, 3, 6)
    slots = eye.unsqueeze(1).expand(2, 3, 3, 6) * 7.0  # norm does not matter
    expected = math.log(1 + 5 * math.exp(-10))
    assert slot_contrast_loss(slots).item() == pytest.approx(expected, rel=1e-12)


def test_contrast_matches_a_naive_loop():
    g = torch.Generator().manual_seed(0)
    slots = torch.randn(3, 4, 5, 6, generator=g, dtype=torch.float64)
    tau = 0.2
    B, T, K, S = slots.shape
    n = slots / slots.norm(dim=-1, keepdim=True)
    total = 0.0
    for t in range(T - 1):
        a = n[:, t].reshape(B * K, S)
        p = n[:, t + 1].reshape(B * K, S)
        for j in range(B * K):
            logits = [float(a[i] @ p[j]) / tau for i in range(B * K)]
            total += -(logits[j] - math.log(sum(math.exp(x) for x in logits)))
    assert slot_contrast_loss(slots, tau).item() == pytest.approx(total / ((T - 1) * B * K), rel=1e-12)


def test_contrast_is_anchored_at_the_next_frame_not_symmetric():
    g = torch.Generator().manual_seed(1)
    slots = torch.randn(2, 2, 4, 5, generator=g, dtype=torch.float64)
    reversed_time = slots.flip(1)
    assert slot_contrast_loss(slots).item() != pytest.approx(slot_contrast_loss(reversed_time).item(), rel=1e-6)


def test_contrast_invariant_to_consistent_slot_permutation_and_scale():
    g = torch.Generator().manual_seed(2)
    slots = torch.randn(2, 3, 5, 8, generator=g, dtype=torch.float64)
    perm = torch.randperm(5, generator=g)
    base = slot_contrast_loss(slots).item()
    assert slot_contrast_loss(slots[:, :, perm]).item() == pytest.approx(base, rel=1e-12)
    assert slot_contrast_loss(slots * 3.5).item() == pytest.approx(base, rel=1e-12)


def test_kd_hand_values():
    t = torch.tensor([[[[1.0, 0.0], [0.0, 2.0]]]])  # [1,1,2,2]
    assert slot_kd_loss(t, t).item() == pytest.approx(0.0, abs=1e-12)
    assert slot_kd_loss(t, -t).item() == pytest.approx(2.0)
    swapped = t[:, :, [1, 0]]
    assert slot_kd_loss(t, swapped).item() == pytest.approx(1.0)
    assert slot_kd_loss(t, swapped, correspondence="hungarian").item() == pytest.approx(0.0, abs=1e-12)


def test_kd_hungarian_undoes_any_permutation():
    g = torch.Generator().manual_seed(3)
    teacher = torch.randn(2, 3, 6, 8, generator=g, dtype=torch.float64)
    perm = torch.randperm(6, generator=g)
    student = teacher[:, :, perm] * 2.0
    assert slot_kd_loss(teacher, student, "hungarian").item() == pytest.approx(0.0, abs=1e-12)
    assert slot_kd_loss(teacher, student, "index").item() > 0.1


def test_kd_projection_maps_student_width_and_gets_gradient():
    g = torch.Generator().manual_seed(4)
    teacher = torch.randn(2, 2, 3, 4, generator=g, dtype=torch.float64)
    proj = torch.nn.Linear(6, 4, bias=False).double()
    with torch.no_grad():
        proj.weight.copy_(torch.cat([torch.eye(4), torch.zeros(4, 2)], dim=1))
    student = torch.cat([teacher, torch.randn(2, 2, 3, 2, generator=g, dtype=torch.float64)], dim=-1)
    loss = slot_kd_loss(teacher, student, projection=proj)
    assert loss.item() == pytest.approx(0.0, abs=1e-12)
    with pytest.raises(ValueError, match="pass a projection"):
        slot_kd_loss(teacher, student)
    loss2 = slot_kd_loss(teacher, student + 0.3, projection=proj)
    loss2.backward()
    assert proj.weight.grad is not None and proj.weight.grad.abs().sum() > 0


def test_slotmatch_total_weights_terms():
    g = torch.Generator().manual_seed(5)
    recon = torch.randn(2, 4, 5, generator=g)
    target = torch.randn(2, 4, 5, generator=g)
    student = torch.randn(2, 3, 4, 6, generator=g, requires_grad=True)
    teacher = torch.randn(2, 3, 4, 6, generator=g, requires_grad=True)
    total = slotmatch_loss(recon, target, student, teacher)
    expected = (
        reconstruction_loss(recon, target) + 0.5 * slot_contrast_loss(student) + 1.0 * slot_kd_loss(teacher, student)
    )
    assert total.item() == pytest.approx(expected.item(), rel=1e-6)
    total.backward()
    assert teacher.grad is None  # teacher is frozen in SlotMatch
    assert student.grad is not None
