"""Vision transformer with timm's parameter names (``vit_*_patch14_dinov2``), returning block tokens.

Source: timm ``VisionTransformer`` (0.9.x, as used by martius-lab/slotcontrast ``TimmExtractor``):
patch_embed.proj (Conv2d, stride = patch) → prepend cls_token → + pos_embed (resampled to the token grid
when it differs, bicubic with antialiasing, ``timm.layers.resample_abs_pos_embed``) → blocks:
x += ls1·Attn(LN1(x)); x += ls2·MLP(LN2(x)) with GELU (erf) and LayerNorm eps 1e-6. The output is the last
block's tokens *before* the final LayerNorm with the class token dropped (SlotContrast's ``vit_block12``),
so no ``norm`` parameters exist (the official feature extractor prunes them too).
"""
from typing import Optional, Tuple

import torch
import torch.nn.functional as F
from torch import nn


def resample_position_embedding(pos: torch.Tensor, grid: Tuple[int, int], old_grid: Tuple[int, int],
                                 num_prefix_tokens: int = 1) -> torch.Tensor:
    """Resample [1, prefix + Gh·Gw, D] to [1, prefix + gh·gw, D]: bicubic, antialias, half-pixel (timm)."""
    prefix, grid_pos = pos[:, :num_prefix_tokens], pos[:, num_prefix_tokens:]
    if tuple(grid) == tuple(old_grid):
        return pos
    dim = pos.shape[-1]
    grid_pos = grid_pos.float().reshape(1, old_grid[0], old_grid[1], dim).permute(0, 3, 1, 2)
    grid_pos = F.interpolate(grid_pos, size=tuple(grid), mode="bicubic", antialias=True, align_corners=False)
    grid_pos = grid_pos.permute(0, 2, 3, 1).reshape(1, grid[0] * grid[1], dim).to(pos.dtype)
    return torch.cat([prefix, grid_pos], dim=1)


class PatchEmbed(nn.Module):
    def __init__(self, patch: int, dim: int):
        super().__init__()
        self.proj = nn.Conv2d(3, dim, kernel_size=patch, stride=patch)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.proj(x)  # [N, D, gh, gw]


class Attention(nn.Module):
    """timm ViT attention: qkv (bias), softmax(q·kᵀ/√d_head), proj."""

    def __init__(self, dim: int, heads: int):
        super().__init__()
        self.heads = heads
        self.head_dim = dim // heads
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n, t, d = x.shape
        qkv = self.qkv(x).reshape(n, t, 3, self.heads, self.head_dim).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = torch.softmax((q * self.head_dim**-0.5) @ k.transpose(-2, -1), dim=-1)
        return self.proj((attn @ v).transpose(1, 2).reshape(n, t, d))


class LayerScale(nn.Module):
    def __init__(self, dim: int, init: float = 1e-5):
        super().__init__()
        self.gamma = nn.Parameter(torch.full((dim,), init))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.gamma


class Mlp(nn.Module):
    def __init__(self, dim: int, hidden: int):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(self.act(self.fc1(x)))


class Block(nn.Module):
    def __init__(self, dim: int, heads: int, mlp_ratio: float, layer_scale: bool, eps: float):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=eps)
        self.attn = Attention(dim, heads)
        self.ls1 = LayerScale(dim) if layer_scale else nn.Identity()
        self.norm2 = nn.LayerNorm(dim, eps=eps)
        self.mlp = Mlp(dim, int(dim * mlp_ratio))
        self.ls2 = LayerScale(dim) if layer_scale else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.ls1(self.attn(self.norm1(x)))
        return x + self.ls2(self.mlp(self.norm2(x)))


class VisionTransformer(nn.Module):
    """ViT returning the last block's patch tokens [N, gh·gw, D] (row-major grid, no class token)."""

    def __init__(self, depth: int, dim: int, heads: int, patch: int, mlp_ratio: float = 4.0,
                 layer_scale: bool = True, pos_grid: int = 37, eps: float = 1e-6):
        super().__init__()
        self.patch = patch
        self.dim = dim
        self.pos_grid = (pos_grid, pos_grid)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos_embed = nn.Parameter(torch.randn(1, 1 + pos_grid * pos_grid, dim) * 0.02)
        self.patch_embed = PatchEmbed(patch, dim)
        self.blocks = nn.ModuleList([Block(dim, heads, mlp_ratio, layer_scale, eps) for _ in range(depth)])
        nn.init.normal_(self.cls_token, std=1e-6)

    def position_embedding(self, grid: Tuple[int, int]) -> torch.Tensor:
        """The position embedding for a token grid (resampled when it is not the stored grid)."""
        return resample_position_embedding(self.pos_embed, grid, self.pos_grid)

    def forward(self, pixels: torch.Tensor, pos_embed: Optional[torch.Tensor] = None) -> torch.Tensor:
        x = self.patch_embed(pixels)
        n, d, gh, gw = x.shape
        x = x.flatten(2).transpose(1, 2)
        if pos_embed is None:
            pos_embed = self.position_embedding((gh, gw))
        x = torch.cat([self.cls_token.expand(n, -1, -1), x], dim=1) + pos_embed
        for block in self.blocks:
            x = block(x)
        return x[:, 1:]
