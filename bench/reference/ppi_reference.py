#!/usr/bin/env python3
"""PyTorch reference for gat's many-graph benchmark: the GAT paper's PPI model (Velickovic et al.
2018, section 3.3) written the standard way, as PyG's GATConv and its PPI example do it: three
GAT layers (4 heads x 256 features, 4 x 256, 6 x L averaged), ELU between them, a linear skip
connection (no bias) added to every layer's output, one self-loop per node, no dropout; BCE with
logits, Adam lr 0.005, batches of 2 disjoint graphs. Per layer: gather node scores to edges,
scatter-softmax over each destination's incoming edges, scatter-add the weighted messages.

It reads GraphSAGE's PPI layout (PREFIX-G.json, -feats.npy, -id_map.json, -class_map.json, the
nodes' "graph" field as gat generate writes it) and times what gat's inductive trainer counts as
a training epoch: one step per batch of 2 training graphs, every training graph once. Prints one
JSON object with the median epoch time and every epoch's time.

    gat generate ppi --out /tmp/ppi && ppi_reference.py --data /tmp/ppi --epochs 3 --threads 2
"""
import argparse
import json
import os
import statistics
import sys
import time
import warnings

import numpy as np


def load(data, prefix):
    with open(os.path.join(data, prefix + "-G.json")) as f:
        g = json.load(f)
    with open(os.path.join(data, prefix + "-id_map.json")) as f:
        id_map = json.load(f)
    with open(os.path.join(data, prefix + "-class_map.json")) as f:
        class_map = json.load(f)
    feats = np.load(os.path.join(data, prefix + "-feats.npy"), allow_pickle=False)
    graphs = {}
    for n in g["nodes"]:
        graphs.setdefault(n["graph"], {"nodes": [], "train": not n["val"] and not n["test"]})["nodes"].append(str(n["id"]))
    graph_of = {str(n["id"]): n["graph"] for n in g["nodes"]}
    links = {}
    for link in g["links"]:
        s, t = str(link["source"]), str(link["target"])
        if s != t:
            links.setdefault(graph_of[s], []).append((s, t))
    out = []
    for gid, info in sorted(graphs.items()):
        local = {nid: i for i, nid in enumerate(info["nodes"])}
        src, dst = [], []
        for s, t in links.get(gid, []):
            src += [local[s], local[t]]
            dst += [local[t], local[s]]
        x = feats[[id_map[nid] for nid in info["nodes"]]].astype(np.float32)
        y = np.array([class_map[nid] for nid in info["nodes"]], dtype=np.float32)
        out.append({"x": x, "y": y, "src": np.array(src), "dst": np.array(dst), "train": info["train"]})
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--prefix", default="ppi")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    try:
        import torch
    except ImportError:
        print(json.dumps({"skipped": "PyTorch is not installed (apt-get install python3-torch)"}))
        return 0
    warnings.filterwarnings("ignore", message="scatter_reduce")
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    graphs = [g for g in load(args.data, args.prefix) if g["train"]]

    class GATConv(torch.nn.Module):
        def __init__(self, fin, fout, heads, concat):
            super().__init__()
            self.heads, self.fout, self.concat = heads, fout, concat
            self.lin = torch.nn.Linear(fin, heads * fout, bias=False)
            self.att_src = torch.nn.Parameter(torch.randn(1, heads, fout) * 0.1)
            self.att_dst = torch.nn.Parameter(torch.randn(1, heads, fout) * 0.1)
            width = heads * fout if concat else fout
            self.bias = torch.nn.Parameter(torch.zeros(width))
            self.res = torch.nn.Linear(fin, width, bias=False)

        def forward(self, x, src, dst):
            n = x.shape[0]
            h = self.lin(x).view(n, self.heads, self.fout)
            a_s = (h * self.att_src).sum(-1)
            a_d = (h * self.att_dst).sum(-1)
            e = torch.nn.functional.leaky_relu(a_s[src] + a_d[dst], 0.2)
            m = torch.full((n, self.heads), -float("inf")).scatter_reduce(0, dst[:, None].expand_as(e), e, "amax")
            w = torch.exp(e - m[dst])
            s = torch.zeros(n, self.heads).index_add_(0, dst, w)
            alpha = w / s[dst]
            out = torch.zeros(n, self.heads, self.fout).index_add_(0, dst, alpha[:, :, None] * h[src])
            out = out.reshape(n, -1) if self.concat else out.mean(1)
            return out + self.bias + self.res(x)

    L = graphs[0]["y"].shape[1]
    layers = torch.nn.ModuleList([GATConv(graphs[0]["x"].shape[1], 256, 4, True), GATConv(1024, 256, 4, True),
                                  GATConv(1024, L, 6, False)])
    opt = torch.optim.Adam(layers.parameters(), lr=0.005)
    loss_fn = torch.nn.BCEWithLogitsLoss()

    batches = []
    for b in range(0, len(graphs), 2):
        part, base, src, dst = graphs[b:b + 2], 0, [], []
        for g in part:
            n = g["x"].shape[0]
            src.append(np.concatenate([g["src"], np.arange(n)]) + base)
            dst.append(np.concatenate([g["dst"], np.arange(n)]) + base)
            base += n
        batches.append((torch.from_numpy(np.concatenate([g["x"] for g in part])),
                        torch.from_numpy(np.concatenate([g["y"] for g in part])),
                        torch.from_numpy(np.concatenate(src)).long(), torch.from_numpy(np.concatenate(dst)).long()))
    times = []
    for _ in range(args.epochs):
        start = time.perf_counter()
        for x, y, src, dst in batches:
            h = x
            for i, layer in enumerate(layers):
                h = layer(h, src, dst)
                if i + 1 < len(layers):
                    h = torch.nn.functional.elu(h)
            loss = loss_fn(h, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
        times.append(time.perf_counter() - start)
    print(json.dumps({"implementation": "pytorch " + torch.__version__, "threads": args.threads,
                      "training_graphs": len(graphs), "median_epoch_seconds": statistics.median(times),
                      "epoch_seconds": times, "last_loss": float(loss)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
