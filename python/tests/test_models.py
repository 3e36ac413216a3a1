"""SlotContrast modules: shapes, the GRU written out, the normalised GRU hidden state, the predictor quirk,
masks as a partition of unity, frozen backbone, official key names and parameter counts."""
import math

import pytest
import torch
from torch import nn

from slotmatch_torch.config import ModelConfig, movi_c, movi_e, student, tiny_student, tiny_teacher, ytvis
from slotmatch_torch.models import GRUCell, PredictorAttention, SlotAttention, build_model, resample_position_embedding

torch.set_num_threads(1)


@pytest.fixture(scope="module")
def tiny():
    torch.manual_seed(0)
    return build_model(tiny_teacher()).eval()


def test_forward_shapes(tiny):
    cfg = tiny.config
    video = torch.randn(2, 3, 3, cfg.image_height, cfg.image_width)
    out = tiny(video)
    b, t, k, s, p, d = 2, 3, cfg.num_slots, cfg.slot_dim, cfg.num_patches, cfg.feature_dim
    assert (cfg.grid_height, cfg.grid_width, p) == (4, 5, 20)
    expected = {"features": [b, t, p, d], "slots": [b, t, k, s], "attention": [b, t, k, p], "masks": [b, t, k, p],
                "reconstruction": [b, t, p, d], "next_init": [b, t, k, s]}
    assert {key: list(v.shape) for key, v in out.items()} == expected


def test_masks_and_attention_are_softmax_over_slots(tiny):
    cfg = tiny.config
    out = tiny(torch.randn(1, 2, 3, cfg.image_height, cfg.image_width))
    torch.testing.assert_close(out["masks"].sum(2), torch.ones(1, 2, cfg.num_patches))
    torch.testing.assert_close(out["attention"].sum(2), torch.ones(1, 2, cfg.num_patches))
    assert (out["masks"] > 0).all() and (out["attention"] > 0).all()


def test_reconstruction_is_mask_weighted_sum(tiny):
    cfg = tiny.config
    slots = torch.randn(2, cfg.num_slots, cfg.slot_dim)
    dec = tiny.decoder.module
    out = dec(slots)
    z = slots[:, :, None, :] + dec.pos_emb[0]
    raw = dec.mlp(z)
    alpha = raw[..., -1]
    m = torch.softmax(alpha, dim=1)
    torch.testing.assert_close(out["masks"], m)
    torch.testing.assert_close(out["reconstruction"], (raw[..., :-1] * m[..., None]).sum(1))


def test_gru_cell_written_out_equals_torch():
    torch.manual_seed(1)
    ours = GRUCell(6, 5)
    ref = nn.GRUCell(6, 5)
    ref.load_state_dict(ours.state_dict())
    x, h = torch.randn(7, 6), torch.randn(7, 5)
    torch.testing.assert_close(ours(x, h), ref(x, h))
    assert set(ours.state_dict()) == {"weight_ih", "weight_hh", "bias_ih", "bias_hh"}


def test_slot_attention_gru_hidden_is_the_normalised_slots():
    torch.manual_seed(2)
    sa = SlotAttention(8, 8, 32)
    with torch.no_grad():
        sa.norm_slots.weight.uniform_(0.5, 1.5)
        sa.norm_slots.bias.normal_()
    slots, feats = torch.randn(2, 3, 8) * 4 + 2, torch.randn(2, 10, 8)
    out = sa(slots, feats, n_iters=1)
    # reference written independently: hidden = LN(slots), eps renormalisation over tokens
    x = sa.norm_features(feats)
    k, v = sa.to_k(x), sa.to_v(x)
    s_hat = sa.norm_slots(slots)
    a = torch.softmax(torch.einsum("bkd,bpd->bkp", sa.to_q(s_hat), k) / math.sqrt(8), dim=1)
    w = (a + 1e-8) / (a + 1e-8).sum(-1, keepdim=True)
    gru = nn.GRUCell(8, 8)
    gru.load_state_dict(sa.gru.state_dict())
    s = gru(torch.einsum("bkp,bpd->bkd", w, v).flatten(0, 1), s_hat.flatten(0, 1)).view(2, 3, 8)
    s = s + sa.mlp.layers(s)
    torch.testing.assert_close(out["slots"], s)
    torch.testing.assert_close(out["attention"], a)
    # with the raw slots as hidden state the result differs (the quirk matters)
    s_raw = gru(torch.einsum("bkp,bpd->bkd", w, v).flatten(0, 1), slots.flatten(0, 1)).view(2, 3, 8)
    assert not torch.allclose(out["slots"], s_raw + sa.mlp.layers(s_raw), atol=1e-3)


def test_predictor_attention_multiplies_logits_by_sqrt_head_dim():
    torch.manual_seed(3)
    att = PredictorAttention(16, 4)
    x = torch.randn(2, 5, 16)
    q, k, v = att.qkv(x).chunk(3, -1)
    heads = lambda t: t.view(2, 5, 4, 4).transpose(1, 2)  # noqa: E731
    logits = heads(q) @ heads(k).transpose(-2, -1) * math.sqrt(4)  # ·√d_head, not /√d_head
    ref = att.out_proj((torch.softmax(logits, -1) @ heads(v)).transpose(1, 2).reshape(2, 5, 16))
    torch.testing.assert_close(att(x), ref)
    logits_std = heads(q) @ heads(k).transpose(-2, -1) / math.sqrt(4)
    ref_std = att.out_proj((torch.softmax(logits_std, -1) @ heads(v)).transpose(1, 2).reshape(2, 5, 16))
    assert not torch.allclose(att(x), ref_std, atol=1e-4)


def test_first_and_next_steps_use_their_iteration_counts(tiny):
    cfg = tiny.config
    feats = torch.randn(1, cfg.num_patches, cfg.feature_dim)
    first = tiny.step(feats)
    h = tiny.encoder.module.output_transform(feats)
    ref = tiny.processor.module.corrector(tiny.initializer(1), h, cfg.iterations_first)
    torch.testing.assert_close(first["slots"], ref["slots"])
    nxt = tiny.step(feats, first["next_init"])
    ref = tiny.processor.module.corrector(first["next_init"], h, cfg.iterations_next)
    torch.testing.assert_close(nxt["slots"], ref["slots"])
    torch.testing.assert_close(first["next_init"], tiny.processor.module.predictor(first["slots"]))


def test_forward_carries_predictor_output(tiny):
    cfg = tiny.config
    video = torch.randn(1, 3, 3, cfg.image_height, cfg.image_width)
    out = tiny(video)
    s0 = tiny.step(out["features"][:, 0])
    s1 = tiny.step(out["features"][:, 1], s0["next_init"])
    torch.testing.assert_close(out["slots"][:, 1], s1["slots"])


def test_backbone_frozen_by_default_and_trainable_on_request():
    cfg = tiny_teacher().replace(trainable_backbone=False)
    model = build_model(cfg).train()
    assert not any(p.requires_grad for p in model.backbone.parameters())
    assert not model.backbone.model.training  # frozen backbone stays in eval mode
    counts = model.parameter_counts()
    assert counts["trainable"] == counts["total"] - sum(p.numel() for p in model.backbone.parameters())
    out = model(torch.randn(1, 2, 3, cfg.image_height, cfg.image_width))
    out["reconstruction"].pow(2).mean().backward()
    assert all(p.grad is None for p in model.backbone.parameters())
    assert model.decoder.module.pos_emb.grad is not None
    trainable = build_model(tiny_teacher())
    assert all(p.requires_grad for p in trainable.backbone.parameters())


def test_position_embedding_resampled_when_grid_differs():
    pos = torch.randn(1, 1 + 36, 8)
    same = resample_position_embedding(pos, (6, 6), (6, 6))
    assert same is pos
    out = resample_position_embedding(pos, (4, 5), (6, 6))
    assert out.shape == (1, 21, 8)
    torch.testing.assert_close(out[:, :1], pos[:, :1])  # class token untouched
    grid = pos[:, 1:].reshape(1, 6, 6, 8).permute(0, 3, 1, 2)
    ref = torch.nn.functional.interpolate(grid, size=(4, 5), mode="bicubic", antialias=True, align_corners=False)
    torch.testing.assert_close(out[:, 1:], ref.permute(0, 2, 3, 1).reshape(1, 20, 8))


def test_official_key_names_and_sizes():
    keys = set(build_model(tiny_teacher()).state_dict())
    for key in ["initializer.slots", "encoder.module.backbone.model.cls_token", "encoder.module.backbone.model.pos_embed",
                "encoder.module.backbone.model.patch_embed.proj.weight", "encoder.module.backbone.model.blocks.1.ls2.gamma",
                "encoder.module.backbone.model.blocks.0.attn.qkv.weight", "encoder.module.output_transform.layers.3.bias",
                "processor.module.corrector.gru.weight_hh", "processor.module.corrector.mlp.layers.3.weight",
                "processor.module.corrector.norm_features.weight", "processor.module.predictor.blocks.0.self_attn.qkv.weight",
                "processor.module.predictor.blocks.0.linear2.bias", "decoder.module.mlp.layers.6.weight",
                "decoder.module.pos_emb"]:
        assert key in keys, key
    assert not any(k.startswith("encoder.module.backbone.model.norm.") for k in keys)


@pytest.mark.parametrize("make,total,trainable", [(movi_c, 25.1e6, 3.1e6), (movi_e, 91.5e6, None), (ytvis, 91.0e6, None)])
def test_official_parameter_counts(make, total, trainable):
    counts = build_model(make()).parameter_counts()
    assert abs(counts["total"] - total) < 0.05e6
    if trainable is not None:
        assert abs(counts["trainable"] - trainable) < 0.05e6


def test_student_is_smaller_with_the_teachers_interface():
    t, s = ytvis(), student()
    assert (s.num_slots, s.slot_dim, s.image_height, s.feature_dim) == (t.num_slots, t.slot_dim, t.image_height, 384)
    ratio = build_model(t).parameter_counts()["total"] / build_model(s).parameter_counts()["total"]
    assert 3.5 < ratio < 3.7  # SlotMatch: 3.6x fewer parameters
    ts, ss = tiny_teacher(), tiny_student()
    assert (ss.num_slots, ss.slot_dim) == (ts.num_slots, ts.slot_dim) and ss.vit_depth < ts.vit_depth


def test_config_round_trips_through_json():
    import json
    cfg = tiny_student()
    assert ModelConfig.from_dict(json.loads(json.dumps(cfg.to_dict()))) == cfg
    with pytest.raises(ValueError, match="unknown fields"):
        ModelConfig.from_dict({"nonsense": 1})
    with pytest.raises(ValueError, match="not a multiple of patch"):
        ModelConfig(image_height=100)


def test_wrong_input_shapes_are_refused(tiny):
    with pytest.raises(ValueError, match="expected 32x40 pixels"):
        tiny.encode(torch.zeros(1, 3, 32, 32))
    with pytest.raises(ValueError, match=r"features: expected \[B,20,32\]"):
        tiny.step(torch.zeros(1, 19, 32))


def test_a_registered_non_vit_backbone_plugs_in_and_exports(tmp_path):
    from slotmatch_torch.bundle import export_bundle
    from slotmatch_torch.models import register_backbone

    class StridedConv(nn.Module):
        def __init__(self, cfg):
            super().__init__()
            opts = cfg.backbone_options
            self.conv = nn.Conv2d(3, opts["dim"], opts["stride"], opts["stride"])

        def forward(self, pixels):
            return torch.relu(self.conv(pixels)).flatten(2).transpose(1, 2)

    register_backbone("test-conv", StridedConv)
    cfg = ModelConfig(backbone="test-conv", vit_size=None, backbone_options={"dim": 12, "stride": 8},
                      image_height=24, image_width=32, num_slots=3, slot_dim=8, predictor_heads=2,
                      decoder_hidden=[16], trainable_backbone=True)
    assert (cfg.feature_dim, cfg.grid_height, cfg.grid_width) == (12, 3, 4)
    model = build_model(cfg)
    out = model(torch.randn(2, 2, 3, 24, 32))
    assert out["features"].shape == (2, 2, 12, 12) and out["slots"].shape == (2, 2, 3, 8)
    assert "encoder.module.backbone.model.conv.weight" in model.state_dict()
    bundle = export_bundle(model, tmp_path / "b", name="conv", role="student", source="test")
    assert (bundle / "encoder.onnx").is_file()
    with pytest.raises(ValueError, match="unknown backbone"):
        build_model(ModelConfig(backbone="nope", vit_size=None, backbone_options={"dim": 4, "stride": 4}))
