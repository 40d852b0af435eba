#!/usr/bin/env python3
"""PyTorch Geometric 2.4 as a user runs it: the model of PyG's `examples/gat.py` (two `GATConv`
layers, 8 heads x 8 features, ELU, dropout 0.6 on the inputs and on attention, one output head;
Pubmed: 8 output heads, lr 0.01, L2 1e-3 as the GAT paper), Adam lr 0.005, L2 5e-4, trained on
the same dataset files gat reads (DATA/NAME/raw/*.csv.gz, split/public; features row-normalised
as `T.NormalizeFeatures()`; PyG's GATConv adds the self-loops).

An epoch is the example's: one training step, then its `test()` (an evaluation-mode forward pass
over the whole graph and the accuracies of the three splits), plus the validation loss that
early stopping needs; gat's epoch is a step and the validation pass too. Prints one JSON object
with the medians, every epoch time and the peak RSS (getrusage ru_maxrss).

    pyg_gat.py --dataset cora --epochs 50 --threads 2
    pyg_gat.py --synthetic 100000 --in-degree 16 --features 128 --epochs 10 --threads 2
    pyg_gat.py --dataset cora --reproduction 10 --threads 2    # 10 seeds with early stopping

--reproduction S trains seeds 0..S-1 with the early stopping of the GAT paper's code, as
`gat train --runs S` does (patience 100; a model is kept when validation accuracy >= its best and
validation loss <= its best; the patience resets when either improves), and reports the wall time
of all of it and the mean test accuracy of the kept models.

PyG is imported from --pyg (default: $GAT_PYG, else ../shared/anchors/pyg-2.4.0 beside the
repository). Without PyG or PyTorch it prints why and writes {"skipped": ...}, exit 0, so
bench/compare can go on. --max-memory-gb G caps the address space (RLIMIT_AS): a case too large
for the machine ends as {"failed": "out of memory ..."}.
"""
import argparse
import os
import resource
import statistics
import sys
import time
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from gat_reference import (cap_address_space, common_arguments, data_missing, emitter, load,  # noqa: E402
                           measure, synthetic)  # the same readers, options and synthetic graphs


def parse_args():
    ap = argparse.ArgumentParser()
    common_arguments(ap, os.path.join(REPO, "..", "shared", "datasets"))
    ap.add_argument("--pyg", default=os.environ.get("GAT_PYG", os.path.join(REPO, "..", "shared", "anchors",
                                                                           "pyg-2.4.0")))
    ap.add_argument("--reproduction", type=int, default=0, help="seeds to train with early stopping (0: time epochs)")
    ap.add_argument("--patience", type=int, default=100)
    ap.add_argument("--max-epochs", type=int, default=100000)
    return ap.parse_args()


def main():
    a = parse_args()
    emit = emitter(a.json)
    try:
        import torch
        import torch.nn.functional as F
    except ImportError:
        print("pyg_gat.py: PyTorch is not installed (Debian: apt-get install python3-torch); skipped", file=sys.stderr)
        emit({"skipped": "no torch"})
        return 0
    if not os.path.isdir(os.path.join(a.pyg, "torch_geometric")):
        print(f"pyg_gat.py: PyTorch Geometric not found at {a.pyg} (set GAT_PYG or --pyg); skipped", file=sys.stderr)
        emit({"skipped": "no PyG"})
        return 0
    sys.path.insert(0, a.pyg)
    warnings.filterwarnings("ignore")
    import torch_geometric
    from torch_geometric.nn import GATConv
    if data_missing(a, "pyg_gat.py", emit):
        return 0
    cap_address_space(a.max_memory_gb)
    torch.set_num_threads(a.threads)

    t_setup = time.perf_counter()
    if a.synthetic:
        name = f"synthetic-{a.synthetic}"
        x, y, edge_index, split = synthetic(torch, a.synthetic, a.edges or round(a.synthetic * a.in_degree),
                                            a.features, a.classes)
    else:
        name = a.dataset
        x, y, edge_index, split = load(a.data_root, a.dataset, torch)
    x = x / x.sum(1, keepdim=True).clamp(min=1.0)  # T.NormalizeFeatures: rows sum to 1, zero rows stay zero
    n = x.shape[0]
    classes = int(y.max()) + 1
    pubmed = a.dataset == "pubmed" and not a.synthetic
    out_heads, lr, wd = (8, 0.01, 1e-3) if pubmed else (1, 0.005, 5e-4)
    train_idx, valid_idx, test_idx = split["train"], split["valid"], split["test"]
    setup_s = time.perf_counter() - t_setup

    class GAT(torch.nn.Module):  # examples/gat.py
        def __init__(self):
            super().__init__()
            self.conv1 = GATConv(x.shape[1], 8, 8, dropout=0.6)
            self.conv2 = GATConv(64, classes, heads=out_heads, concat=False, dropout=0.6)

        def forward(self, x, edge_index):
            x = F.dropout(x, p=0.6, training=self.training)
            x = F.elu(self.conv1(x, edge_index))
            x = F.dropout(x, p=0.6, training=self.training)
            return self.conv2(x, edge_index)

    def make(seed):
        torch.manual_seed(seed)
        model = GAT()
        return model, torch.optim.Adam(model.parameters(), lr=lr, weight_decay=wd)

    def epoch(model, opt):
        """The example's train() and test(), and the validation loss."""
        model.train()
        opt.zero_grad()
        loss = F.cross_entropy(model(x, edge_index)[train_idx], y[train_idx])
        loss.backward()
        opt.step()
        model.eval()
        with torch.no_grad():
            out = model(x, edge_index)
            pred = out.argmax(dim=-1)
            accs = [float((pred[i] == y[i]).float().mean()) for i in (train_idx, valid_idx, test_idx)]
            val_loss = float(F.cross_entropy(out[valid_idx], y[valid_idx]))
        return float(loss), accs, val_loss

    info = {"case": name, "impl": "pyg", "pyg": torch_geometric.__version__, "torch": torch.__version__,
            "threads": a.threads, "nodes": n, "edges": int(edge_index.shape[1]),
            "edges_with_self_loops": int(edge_index.shape[1]) + n, "features": int(x.shape[1]), "setup_s": setup_s}
    if a.reproduction:
        info["reproduction"] = reproduce(a, make, epoch)
        info["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
        emit(info)
        return 0

    model, opt = make(0)

    def infer():
        model.eval()
        return model(x, edge_index)

    measure(a, "pyg_gat.py", name, info, opt, lambda: epoch(model, opt), infer,
            lambda out: float((out[test_idx].argmax(1) == y[test_idx]).float().mean()))
    emit(info)
    return 0


def reproduce(a, make, epoch):
    """Seeds 0..S-1, each trained until the GAT code's early stopping ends it; the kept model's test
    accuracy is the one of the epoch it was kept at (the same pass, so no extra evaluation)."""
    t0 = time.perf_counter()
    runs = []
    for seed in range(a.reproduction):
        model, opt = make(seed)
        best_acc, best_loss, bad, kept_test, kept_epoch, epochs = 0.0, float("inf"), 0, 0.0, 0, 0
        for e in range(1, a.max_epochs + 1):
            epochs = e
            _, (_, val_acc, test_acc), val_loss = epoch(model, opt)
            acc_ok, loss_ok = val_acc >= best_acc, val_loss <= best_loss
            if acc_ok and loss_ok:
                kept_test, kept_epoch = test_acc, e
            if acc_ok or loss_ok:
                best_acc, best_loss, bad = max(best_acc, val_acc), min(best_loss, val_loss), 0
            else:
                bad += 1
                if bad >= a.patience:
                    break
        runs.append({"seed": seed, "epochs": epochs, "best_epoch": kept_epoch, "test_accuracy": kept_test})
        print(f"pyg_gat.py: seed {seed}: {epochs} epochs, test accuracy {kept_test:.4f}", file=sys.stderr, flush=True)
    wall = time.perf_counter() - t0
    return {"seeds": a.reproduction, "wall_s": wall, "runs": runs,
            "test_accuracy_mean": statistics.mean(r["test_accuracy"] for r in runs),
            "test_accuracy_std": statistics.pstdev(r["test_accuracy"] for r in runs),
            "epochs": sum(r["epochs"] for r in runs)}


if __name__ == "__main__":
    sys.exit(main())
