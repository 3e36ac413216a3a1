"""The SMTC head in torch: official parameter names, fusion rule, the two stages and their gates."""
import json
import pathlib

import numpy as np
import pytest
import torch

from slotmatch_torch.smtc import SMTCHead, SemanticAwareSlotAttention, fuse_keys

torch.set_num_threads(1)


def test_official_parameter_names():
    head = SMTCHead(num_slots=16, num_instances=4, dim=384)
    names = set(head.state_dict())
    expected = {"transport_proj.weight", "transport_proj.bias", "mlp_slot.0.weight", "mlp_slot.0.bias",
                "mlp_slot.2.weight", "mlp_slot.2.bias"}
    for part in ("norm_input", "norm_slots", "norm_pre_ff", "project_q", "project_k", "project_v", "mlp.0", "mlp.2"):
        expected |= {f"slot_attention.{part}.weight", f"slot_attention.{part}.bias"}
    expected |= {"slot_attention.slots_mu", "slot_attention.slots_sigma"}
    assert names == expected
    assert tuple(head.transport_proj.weight.shape) == (384, 256, 1)
    assert tuple(head.slot_attention.slots_mu.shape) == (1, 16, 1, 384)


def test_fusion_is_previous_frame_correlation_cyclic():
    g = torch.Generator().manual_seed(0)
    b, t, d, h, w = 1, 3, 4, 4, 4
    keys = torch.randn(b, t, d, h, w, generator=g)
    proj = torch.nn.Conv1d(4, d, 1)
    fused = fuse_keys(keys, proj, (2, 2)).detach().numpy()
    k = keys.numpy()
    # 4×4 → 2×2 bilinear with half-pixel centres averages each 2×2 block.
    small = k.reshape(b, t, d, 2, 2, 2, 2).mean(axis=(4, 6)).reshape(b, t, d, 4)
    wgt = proj.weight.detach().numpy()[:, :, 0]
    bias = proj.bias.detach().numpy()
    for f in range(t):
        prev = small[0, (f - 1) % t]  # [d, 4]
        cur = k[0, f].reshape(d, h * w)
        corr = prev.T @ cur  # [4, N]
        want = cur + wgt @ corr + bias[:, None]
        np.testing.assert_allclose(fused[0, f], want, rtol=1e-5, atol=1e-5)


def test_stage_one_ignores_noise_and_instances_start_from_mu_sigma():
    torch.manual_seed(0)
    sa = SemanticAwareSlotAttention(num_slots=3, dim=8, num_instances=2, iters=2)
    x = torch.randn(2, 10, 8)
    n1, n2 = torch.randn(2, 3, 2, 8), torch.randn(2, 3, 2, 8)
    a, b = sa(x, n1), sa(x, n2)
    torch.testing.assert_close(a["semantic_slots"], b["semantic_slots"])
    torch.testing.assert_close(a["instance_init"], sa.slots_mu + sa.slots_sigma.exp() * n1)
    assert not torch.allclose(a["instance_slots"], b["instance_slots"])


def test_threshold_gate_blocks_tokens_and_softmax_gate_differs():
    torch.manual_seed(1)
    sa = SemanticAwareSlotAttention(num_slots=2, dim=6, num_instances=2, iters=1)
    x = torch.randn(1, 12, 6)
    noise = torch.randn(1, 2, 2, 6)
    out = sa(x, noise, threshold=1e9)  # every token gated off: updates are 0
    init = out["instance_init"]
    want = init + sa.mlp(sa.norm_pre_ff(init))
    torch.testing.assert_close(out["instance_slots"], want)
    a = sa(x, noise, gate="threshold", threshold=-1e9)  # every token on
    s = sa(x, noise, gate="softmax")
    assert not torch.allclose(a["instance_slots"], s["instance_slots"])
    with pytest.raises(ValueError):
        sa(x, noise, gate="nope")


def test_masks_of_head():
    torch.manual_seed(2)
    head = SMTCHead(num_slots=3, num_instances=2, dim=8, iters=2, fusion_size=(2, 2))
    out = head(torch.randn(1, 2, 8, 4, 4), torch.randn(2, 3, 2, 8))
    torch.testing.assert_close(out["semantic_mask"].sum(1), torch.ones(2, 16))
    torch.testing.assert_close(out["instance_mask"].sum(2), out["semantic_mask"])
    torch.testing.assert_close(out["instance_embedding"].norm(dim=-1), torch.ones(2, 3, 2))


def test_fixture_writer(tmp_path: pathlib.Path):
    from slotmatch_torch.fixture_writers import smtc

    paths = smtc.write(tmp_path)
    assert [p.name for p in paths] == ["smtc-forward.json", "grid-sample.json"]
    data = json.loads(paths[0].read_text())
    assert data["config"]["gateMargin"] > 1e-3
    assert 0.1 < data["config"]["gateShare"] < 0.9
    assert data["outputs"]["threshold"]["instance_logits"]["dims"] == [2, 3, 3, 2, 16]
    # Re-running reproduces the same bytes (seeded).
    again = smtc.write(tmp_path / "again")
    assert again[0].read_bytes() == paths[0].read_bytes()
