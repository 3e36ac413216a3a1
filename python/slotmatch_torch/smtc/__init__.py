"""SMTC (Qian et al., ICCV 2023; shvdiwnkozbw/SMTC) slot head in PyTorch: key fusion and the two-stage
semantic-aware slot attention, with the official parameter names so official checkpoints load."""
from .module import SMTCHead, SemanticAwareSlotAttention, fuse_keys

__all__ = ["SMTCHead", "SemanticAwareSlotAttention", "fuse_keys"]
