#!/usr/bin/env python3
"""PyTorch reference for gat's mini-batch training (gat train --batch-size 1024 --fan-out 10,10):
the same model (the GAT paper's: 8 heads x 8 features, ELU, one output head, dropout 0.6, Adam
lr 0.005, L2 5e-4) trained on the same graph store, with batches sampled by the same rule, written
the standard way (PyG's NeighborLoader recipe in plain torch).

It maps the graph store (docs/store-format.md) with NumPy, shuffles the training nodes every epoch
and cuts them into batches; each batch samples its two hops as gat's NeighborSampler does (hop 1
for the targets, hop 2 for every node within one hop; each destination keeps min(k, degree) of its
in-edges, uniformly without replacement), gathers the sampled nodes' feature rows from the map and
takes one optimizer step on the message-flow graphs (each layer's destinations get one self-loop,
PyG's rule). The samples are not gat's bits, but the same distribution of the same work. Times
each phase per batch (sampling, feature gather, compute) and prints one JSON object.

    /usr/bin/python3 bench/reference/minibatch_reference.py --store s1m.gstore --threads 2
"""
import argparse
import json
import statistics
import struct
import sys
import time
import warnings

import numpy as np

SECTION = {"in_offsets": 2, "in_sources": 3, "features": 5, "labels": 8, "train": 9}
DTYPE = {1: np.uint8, 2: np.int32, 3: np.int64, 4: np.float32, 5: np.float16}


def open_store(path):
    """The store's sections as NumPy arrays over one read-only map (nothing is copied)."""
    raw = np.memmap(path, dtype=np.uint8, mode="r")
    head = bytes(raw[:64])
    if head[:8] != b"GATSTORE":
        sys.exit(f"{path}: not a graph store")
    count, = struct.unpack_from("<I", head, 12)
    n, e, f, c, ftype = struct.unpack_from("<qqqiI", head, 16)
    if ftype not in (1, 2):
        sys.exit(f"{path}: dense float32 or float16 features expected")
    sections = {}
    for k in range(count):
        kind, etype, offset, elements = struct.unpack_from("<IIQQ", bytes(raw[64 + 32 * k:96 + 32 * k]))
        dtype = DTYPE[etype]
        sections[kind] = np.frombuffer(raw, dtype=dtype, count=elements, offset=offset)
    s = {name: sections[kind] for name, kind in SECTION.items()}
    s["features"] = s["features"].reshape(n, f)
    return n, c, s


def sample_hop(offsets, sources, dst, fan_out, gen, torch):
    """For each destination, min(fan_out, degree) in-edges uniformly without replacement: random
    keys per edge, sorted within each destination's row, the fan_out smallest kept."""
    dst_np = dst.numpy()
    starts = torch.from_numpy(offsets[dst_np])
    degree = torch.from_numpy(offsets[dst_np + 1]) - starts
    row = torch.repeat_interleave(torch.arange(dst.numel()), degree)
    first = torch.cumsum(degree, 0) - degree
    position = torch.arange(row.numel()) - first[row]
    key = row.double() + torch.rand(row.numel(), generator=gen, dtype=torch.float64) * 0.5
    order = torch.argsort(key)
    rank = torch.empty_like(order)
    rank[order] = torch.arange(order.numel())
    rank -= first[row]
    keep = rank < fan_out
    picked = (starts[row] + position)[keep]
    src = torch.from_numpy(sources[picked.numpy()].astype(np.int64))
    return src, row[keep]


def sample_batch(offsets, sources, targets, fan_outs, gen, torch):
    """Local ids as gat numbers them: targets first, then each ring in ascending node id. Returns
    the nodes and, per layer (input layer first), its (src, dst, destinations)."""
    nodes = targets
    blocks = []
    frontier = targets.numel()
    for fan in fan_outs:
        src, row = sample_hop(offsets, sources, nodes[:frontier], fan, gen, torch)
        uniq, inverse = torch.unique(torch.cat([nodes, src]), return_inverse=True)
        # New sources: the ring, ascending; earlier nodes keep their local ids.
        is_old = torch.zeros(uniq.numel(), dtype=torch.bool)
        is_old[inverse[:nodes.numel()]] = True
        ring = uniq[~is_old]
        local_of = torch.empty(uniq.numel(), dtype=torch.int64)
        local_of[inverse[:nodes.numel()]] = torch.arange(nodes.numel())
        local_of[~is_old] = nodes.numel() + torch.arange(ring.numel())
        blocks.append((local_of[inverse[nodes.numel():]], row, frontier))
        nodes = torch.cat([nodes, ring])
        frontier = nodes.numel()
    return nodes, blocks[::-1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--store", required=True)
    ap.add_argument("--batch-size", type=int, default=1024)
    ap.add_argument("--fan-out", default="10,10")
    ap.add_argument("--batches", type=int, default=0, help="stop after this many batches (0: one epoch)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    try:
        import torch
        import torch.nn.functional as F
    except ImportError:
        print(json.dumps({"skipped": "no torch (Debian: apt-get install python3-torch)"}))
        return 0
    warnings.filterwarnings("ignore", message="scatter_reduce")
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    gen = torch.Generator().manual_seed(a.seed)
    fan_outs = [int(x) for x in a.fan_out.split(",")]
    n, classes, s = open_store(a.store)
    offsets, sources, features = s["in_offsets"], s["in_sources"], s["features"]
    labels = torch.from_numpy(np.array(s["labels"], dtype=np.int64))
    train = torch.from_numpy(np.array(s["train"], dtype=np.int64))

    class GATConv(torch.nn.Module):
        """PyG's GATConv on a message-flow graph: src rows in, the first `dst` rows out."""

        def __init__(self, fin, fout, heads, concat):
            super().__init__()
            self.h, self.f, self.concat = heads, fout, concat
            self.lin = torch.nn.Linear(fin, heads * fout, bias=False)
            self.att_src = torch.nn.Parameter(torch.empty(1, heads, fout))
            self.att_dst = torch.nn.Parameter(torch.empty(1, heads, fout))
            self.bias = torch.nn.Parameter(torch.zeros(heads * fout if concat else fout))
            torch.nn.init.xavier_uniform_(self.lin.weight)
            torch.nn.init.xavier_uniform_(self.att_src)
            torch.nn.init.xavier_uniform_(self.att_dst)

        def forward(self, x, src, dst, n_dst):
            loops = torch.arange(n_dst)
            src, dst = torch.cat([src, loops]), torch.cat([dst, loops])
            h = self.lin(x).view(-1, self.h, self.f)
            a_s = (h * self.att_src).sum(-1)
            a_d = (h[:n_dst] * self.att_dst).sum(-1)
            e = F.leaky_relu(a_s[src] + a_d[dst], 0.2)
            m = torch.full((n_dst, self.h), float("-inf")).scatter_reduce(0, dst.unsqueeze(1).expand_as(e), e, "amax")
            p = (e - m[dst]).exp()
            z = torch.zeros(n_dst, self.h).index_add_(0, dst, p)
            alpha = F.dropout(p / z[dst], 0.6, self.training)
            out = torch.zeros(n_dst, self.h, self.f).index_add_(0, dst, h[src] * alpha.unsqueeze(-1))
            out = out.reshape(n_dst, -1) if self.concat else out.mean(1)
            return out + self.bias

    c1 = GATConv(features.shape[1], 8, 8, True)
    c2 = GATConv(64, classes, 1, False)
    params = list(c1.parameters()) + list(c2.parameters())
    opt = torch.optim.Adam(params, lr=0.005, weight_decay=5e-4)

    order = train[torch.randperm(train.numel(), generator=gen)]
    batches = (order.numel() + a.batch_size - 1) // a.batch_size
    if a.batches:
        batches = min(batches, a.batches)
    times = {"sampling": [], "gather": [], "compute": []}
    sampled = 0
    for b in range(batches):
        targets = order[b * a.batch_size:(b + 1) * a.batch_size]
        t0 = time.perf_counter()
        nodes, blocks = sample_batch(offsets, sources, targets, fan_outs, gen, torch)
        t1 = time.perf_counter()
        x = torch.from_numpy(np.asarray(features[nodes.numpy()], dtype=np.float32))
        y = labels[targets]
        t2 = time.perf_counter()
        (s0, d0, n0), (s1, d1, n1) = blocks
        c1.train()
        c2.train()
        hidden = F.elu(c1(F.dropout(x, 0.6, True), s0, d0, n0))
        logits = c2(F.dropout(hidden, 0.6, True), s1, d1, n1)
        loss = F.cross_entropy(logits, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        t3 = time.perf_counter()
        sampled += sum(int(src.numel()) for src, _, _ in blocks)
        times["sampling"].append(t1 - t0)
        times["gather"].append(t2 - t1)
        times["compute"].append(t3 - t2)
    total = {k: sum(v) for k, v in times.items()}
    print(json.dumps({"impl": "pytorch", "torch": torch.__version__, "threads": a.threads, "nodes": n,
                      "batches": batches, "batch_size": a.batch_size, "fan_outs": fan_outs,
                      "sampled_edges": sampled, "seconds": total, "train_seconds": sum(total.values()),
                      "median_batch_seconds": statistics.median(
                          [sum(p) for p in zip(*times.values())]), "last_loss": float(loss)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
