#!/usr/bin/env python3
"""PyG's GAT example loop (two GATConv layers, 8 heads x 8 features, ELU, dropout 0.6 on inputs and
attention, Adam lr 0.005, weight decay 5e-4) with gat.torch.GATConv against the same loop with
the plain PyTorch GATConv of gat.reference (gather / scatter-softmax / scatter-add, as PyG 2.4
computes it). An epoch is one training step plus an evaluation forward pass, as gat's trainer
counts it; the two loops alternate epoch by epoch so that both see the same phases of the machine.
Prints the medians and their ratio per case, then the Python overhead on Cora:

  - the same model trained by gat's C++ trainer through gat.GAT.fit (whole graph, no receptive
    field), its median epoch: what the torch loop costs on top of gat's kernels;
  - gat.torch.GATAttention's forward + backward against the bare kernel calls on the same arrays:
    what crossing into Python and torch's autograd costs per layer call, and per epoch (two layers,
    a training forward + backward and an evaluation forward).

    PYTHONPATH=build/python nice -n 19 /usr/bin/python3 bench/python_gatconv.py --threads 2

Needs the module built (cmake with python3-dev and pybind11-dev) and python3-torch. --synthetic N
draws a random graph with N nodes, N x --in-degree edges and --features dense features, as
bench/reference/gat_reference.py does (0: Cora only).
"""
import argparse
import json
import os
import statistics
import sys
import time
import warnings


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-root", default=os.environ.get("GAT_DATA", "../shared/datasets"))
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--synthetic", type=int, default=100000)
    ap.add_argument("--in-degree", type=float, default=16.0)
    ap.add_argument("--features", type=int, default=128)
    ap.add_argument("--json", default="")
    a = ap.parse_args()
    try:
        import torch
        import torch.nn.functional as F
    except ImportError:
        print("python_gatconv.py: PyTorch is not installed (apt-get install python3-torch); skipped", file=sys.stderr)
        return 0
    import numpy as np

    import gat
    import gat.reference
    import gat.torch

    warnings.filterwarnings("ignore", message="scatter_reduce")
    torch.set_num_threads(a.threads)
    gat.set_num_threads(a.threads)

    class Net(torch.nn.Module):  # torch_geometric/examples/gat.py
        def __init__(self, conv, fin, classes):
            super().__init__()
            self.conv1 = conv(fin, 8, heads=8, dropout=0.6)
            self.conv2 = conv(64, classes, heads=1, concat=False, dropout=0.6)

        def forward(self, x, edge_index):
            x = F.dropout(x, 0.6, self.training)
            x = F.elu(self.conv1(x, edge_index))
            x = F.dropout(x, 0.6, self.training)
            return self.conv2(x, edge_index)

    def epoch(model, opt, x, ei, y, train, valid):
        t0 = time.perf_counter()
        model.train()
        opt.zero_grad()
        F.cross_entropy(model(x, ei)[train], y[train]).backward()
        opt.step()
        model.eval()
        with torch.no_grad():
            F.cross_entropy(model(x, ei)[valid], y[valid])
        return time.perf_counter() - t0

    def compare(name, x, ei, y, train, valid, classes):
        torch.manual_seed(0)
        models = {}
        for impl, conv in (("gat.torch", gat.torch.GATConv), ("pytorch", gat.reference.GATConv)):
            model = Net(conv, x.shape[1], classes)
            models[impl] = (model, torch.optim.Adam(model.parameters(), lr=0.005, weight_decay=5e-4), [])
        for _ in range(a.epochs):
            for model, opt, times in models.values():
                times.append(epoch(model, opt, x, ei, y, train, valid))
        med = {impl: statistics.median(times[2:] or times) for impl, (_, _, times) in models.items()}
        row = {"case": name, "nodes": int(x.shape[0]), "edges": int(ei.shape[1]), "threads": a.threads,
               "epochs": a.epochs, "gat_torch_epoch_ms": 1e3 * med["gat.torch"],
               "pytorch_epoch_ms": 1e3 * med["pytorch"], "speedup": med["pytorch"] / med["gat.torch"]}
        print(f"{name}: {x.shape[0]} nodes, {ei.shape[1]} edges, {a.threads} threads: epoch median "
              f"gat.torch.GATConv {row['gat_torch_epoch_ms']:.1f} ms, plain PyTorch {row['pytorch_epoch_ms']:.1f} ms "
              f"({row['speedup']:.2f}x)", flush=True)
        return row

    results = {"torch": torch.__version__, "cases": []}
    root = a.data_root
    if os.path.isdir(os.path.join(root, "cora")):
        cora = gat.load_dataset("cora", root=root)
        x = torch.from_numpy(cora.features.numpy())  # row-normalised, dense (a new array: gat keeps CSR)
        ei = torch.from_numpy(cora.edge_index.astype(np.int64))
        y = torch.from_numpy(cora.y.astype(np.int64))
        train, valid = (torch.from_numpy(i.astype(np.int64)) for i in (cora.train_idx, cora.val_idx))
        results["cases"].append(compare("cora", x, ei, y, train, valid, cora.num_classes))
        results["python_overhead"] = overhead(gat, torch, np, cora, a)
    else:
        print(f"python_gatconv.py: cora not found under {root} (set GAT_DATA); Cora skipped", file=sys.stderr)
    if a.synthetic:
        n = a.synthetic
        g = torch.Generator().manual_seed(0)
        e = round(n * a.in_degree)
        src, dst = torch.randint(0, n, (e,), generator=g), torch.randint(0, n, (e,), generator=g)
        keep = src != dst
        ei = torch.stack([src[keep], dst[keep]])
        x = torch.rand(n, a.features, generator=g)
        x = x / x.sum(1, keepdim=True)
        y = torch.randint(0, 7, (n,), generator=g)
        perm = torch.randperm(n, generator=g)
        results["cases"].append(compare(f"synthetic-{n}", x, ei, y, perm[:140], perm[140:640], 7))
    text = json.dumps(results)
    if a.json:
        with open(a.json + ".tmp", "w") as f:
            f.write(text + "\n")
        os.replace(a.json + ".tmp", a.json)
    print(text)
    return 0


def overhead(gat, torch, np, cora, a):
    """The C++ trainer's epoch on the same model, and the cost of one GATAttention call's crossing."""
    model = gat.GAT(cora.num_features, cora.num_classes)
    records = []
    model.fit(cora, max_epochs=a.epochs, patience=0, receptive_field=False, callback=records.append)
    fit_ms = 1e3 * statistics.median(r.seconds for r in records[2:])

    # One hidden layer's attention on Cora (8 heads x 8 features), bare kernels against the Function.
    n, heads = cora.num_nodes, 8
    graph = cora.graph.with_self_loops()
    src, dst = torch.randn(n, heads), torch.randn(n, heads)
    values, out = torch.randn(n, heads * 8), torch.empty(n, heads * 8)
    d_src, d_dst, d_values, d_out = torch.empty(n, heads), torch.empty(n, heads), torch.empty_like(values), torch.randn(n, heads * 8)
    npy = gat.torch._np

    def bare():
        state = gat._core.gat_attention_forward(graph, npy(src), npy(dst), npy(values), heads, 0.2, 0.6, 1, npy(out))
        gat._core.gat_attention_backward(graph, npy(src), npy(dst), npy(values), heads, 0.2, 0.6, 1, state, npy(d_out),
                                         npy(d_src), npy(d_dst), npy(d_values))

    s, d, v = (t.clone().requires_grad_() for t in (src, dst, values))

    def function():
        gat.torch.GATAttention.apply(graph, s, d, v, 0.2, 0.6, 1).backward(d_out)

    def median_us(f, runs=200):
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            f()
            times.append(time.perf_counter() - t0)
        return 1e6 * statistics.median(times)

    bare_us, function_us = median_us(bare), median_us(function)
    # per epoch: two layers, each a training forward + backward and an evaluation forward (counted
    # as a whole call: an upper bound)
    per_epoch_us = 2 * 2 * (function_us - bare_us)
    row = {"fit_epoch_ms": fit_ms, "kernels_us": bare_us, "function_us": function_us,
           "crossing_us_per_call": function_us - bare_us, "crossing_us_per_epoch": per_epoch_us}
    print(f"cora: gat.GAT.fit (C++ trainer, whole graph) epoch median {fit_ms:.2f} ms; one layer's attention "
          f"forward + backward: kernels {bare_us:.0f} us, through GATAttention {function_us:.0f} us "
          f"(+{function_us - bare_us:.0f} us a call, <= {per_epoch_us:.0f} us an epoch)", flush=True)
    return row


if __name__ == "__main__":
    sys.exit(main())
