"""A plain PyTorch GATConv (gather / scatter-softmax / scatter-add over an edge list, as PyG
computes it) with gat.torch.GATConv's arguments and parameters: the reference the tests check
gat.torch.GATConv against and the baseline bench/python_gatconv.py times it against. Every
intermediate is an edges x heads (x features) tensor, which is what gat's fused kernel avoids.
"""
import warnings

import torch
import torch.nn.functional as F

# torch 1.13 calls scatter_reduce "beta" on every first use; it is what PyG's softmax uses.
warnings.filterwarnings("ignore", message="scatter_reduce")

__all__ = ["GATConv", "pyg_edges"]


def pyg_edges(edge_index, num_nodes, add_self_loops=True):
    """PyG's remove_self_loops + add_self_loops: (source, target) int64 tensors."""
    ei = torch.as_tensor(edge_index).long()
    if not add_self_loops:
        return ei[0], ei[1]
    keep = ei[0] != ei[1]
    loops = torch.arange(num_nodes)
    return torch.cat([ei[0][keep], loops]), torch.cat([ei[1][keep], loops])


class GATConv(torch.nn.Module):
    def __init__(self, in_channels, out_channels, heads=1, concat=True, negative_slope=0.2, dropout=0.0,
                 add_self_loops=True, bias=True):
        super().__init__()
        self.heads, self.out_channels, self.concat = heads, out_channels, concat
        self.negative_slope, self.dropout, self.add_self_loops = negative_slope, dropout, add_self_loops
        self.lin_src = torch.nn.Linear(in_channels, heads * out_channels, bias=False)
        self.lin_dst = self.lin_src
        self.att_src = torch.nn.Parameter(torch.empty(1, heads, out_channels))
        self.att_dst = torch.nn.Parameter(torch.empty(1, heads, out_channels))
        self.bias = torch.nn.Parameter(torch.zeros(heads * out_channels if concat else out_channels)) if bias else None
        torch.nn.init.xavier_uniform_(self.lin_src.weight)
        torch.nn.init.xavier_uniform_(self.att_src)
        torch.nn.init.xavier_uniform_(self.att_dst)
        self._edges = None

    def edges(self, edge_index, n):
        if self._edges is None or self._edges[0] is not edge_index or self._edges[1] != n:
            self._edges = (edge_index, n, pyg_edges(edge_index, n, self.add_self_loops))
        return self._edges[2]

    def forward(self, x, edge_index, return_attention_weights=None):
        n, H, C = x.shape[0], self.heads, self.out_channels
        src, dst = self.edges(edge_index, n)
        h = self.lin_src(x).view(-1, H, C)
        a_src, a_dst = (h * self.att_src).sum(-1), (h * self.att_dst).sum(-1)
        e = F.leaky_relu(a_src[src] + a_dst[dst], self.negative_slope)                       # gather: E x H
        m = torch.full((n, H), float("-inf"), dtype=e.dtype).scatter_reduce(
            0, dst.unsqueeze(1).expand_as(e), e.detach(), "amax", include_self=True)
        p = (e - m[dst]).exp()
        alpha = p / torch.zeros(n, H, dtype=e.dtype).index_add_(0, dst, p)[dst]             # scatter-softmax
        dropped = F.dropout(alpha, self.dropout, self.training)
        out = torch.zeros(n, H, C, dtype=h.dtype).index_add_(0, dst, h[src] * dropped.unsqueeze(-1))  # scatter-add
        out = out.reshape(n, H * C) if self.concat else out.mean(1)
        if self.bias is not None:
            out = out + self.bias
        if isinstance(return_attention_weights, bool):
            return out, (torch.stack([src, dst]), alpha)
        return out
