#!/usr/bin/env python3
"""PyTorch reference for gat's benchmarks: the GAT paper's model (Velickovic et al. 2018;
8 heads x 8 features, ELU, 1 output head, dropout 0.6 on inputs and attention, Adam lr 0.005,
L2 5e-4) written the standard way, as PyG's GATConv does it: gather node scores to edges,
scatter-softmax over each destination's incoming edges, scatter-add the weighted messages.

It reads the OGB layout gat reads (DATA/NAME/raw/*.csv.gz, split/public), adds one self-loop per
node (PyG's rule), row-normalises the features, and times what gat's trainer calls an epoch: one
training step plus the evaluation forward pass on the validation nodes. Prints one JSON object
with the medians, the epoch times and the process's peak RSS (getrusage ru_maxrss).

    gat_reference.py --dataset cora --data-root ../shared/datasets --epochs 50 --threads 1
    gat_reference.py --synthetic 100000 --in-degree 16 --features 128 --epochs 20 --threads 1

--synthetic N builds a random graph in torch directly, shape-matched to gat_e2e's synthetic case
(not the identical graph): N nodes, --edges E edges (default N x --in-degree) drawn uniformly
without self-loops and sorted by target, plus one self-loop per node, N x --features dense
uniform features (row-normalised), 7 random classes, 140 / 500 / 1000 training / validation /
test nodes. --max-memory-gb G caps the address space (RLIMIT_AS) so that a case too large for the
machine fails with {"failed": "out of memory ..."} instead of pushing the machine into the OOM
killer.

Without PyTorch (Debian: apt-get install python3-torch) it prints a message and exits with 0
after writing {"skipped": ...}, so bench/compare can go on.
"""
import argparse
import csv
import gc
import gzip
import json
import os
import resource
import statistics
import sys
import time
import warnings


def read_csv(path, conv=int):
    with gzip.open(path, "rt") as f:
        return [[conv(x) for x in row] for row in csv.reader(f) if row]


def load(root, name, torch):
    d = os.path.join(root, name)
    feats = torch.tensor(read_csv(os.path.join(d, "raw", "node-feat.csv.gz"), float), dtype=torch.float32)
    labels = torch.tensor([r[0] for r in read_csv(os.path.join(d, "raw", "node-label.csv.gz"))], dtype=torch.long)
    edges = torch.tensor(read_csv(os.path.join(d, "raw", "edge.csv.gz")), dtype=torch.long).t()
    split = {}
    for part in ("train", "valid", "test"):
        split[part] = torch.tensor([r[0] for r in read_csv(os.path.join(d, "split", "public", part + ".csv.gz"))],
                                   dtype=torch.long)
    return feats, labels, edges, split


def common_arguments(ap, data_root):
    """The options both PyTorch programs (this one and pyg_gat.py) take: the data, the epochs, the threads."""
    ap.add_argument("--dataset", default="cora")
    ap.add_argument("--data-root", default=os.environ.get("GAT_DATA", data_root))
    ap.add_argument("--epochs", type=int, default=50)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--inference-runs", type=int, default=7)
    ap.add_argument("--synthetic", type=int, default=0, help="random graph with N nodes instead of --dataset")
    ap.add_argument("--in-degree", type=float, default=16.0)
    ap.add_argument("--edges", type=int, default=0, help="edges without self-loops (default N x in-degree)")
    ap.add_argument("--features", type=int, default=128)
    ap.add_argument("--classes", type=int, default=7)
    ap.add_argument("--max-memory-gb", type=float, default=0, help="address-space cap (0: none)")
    ap.add_argument("--json", default="")


def emitter(path):
    """Prints one JSON object and, with a path, writes it under a temporary name and renames it: a
    reader (bench/compare) never sees half a file."""
    def emit(obj):
        text = json.dumps(obj)
        print(text)
        if path:
            tmp = f"{path}.tmp-{os.getpid()}"
            with open(tmp, "w") as f:
                f.write(text + "\n")
            os.replace(tmp, path)
    return emit


def data_missing(a, program, emit):
    """True (after saying so and writing {"skipped": "no data"}) when --dataset is not under --data-root."""
    if a.synthetic or os.path.isdir(os.path.join(a.data_root, a.dataset, "raw")):
        return False
    print(f"{program}: {a.dataset} not found under {a.data_root} (set GAT_DATA); skipped", file=sys.stderr)
    emit({"skipped": "no data"})
    return True


def cap_address_space(gib):
    """RLIMIT_AS at gib GiB (0: none), called after the imports, so that a small cap does not pass for
    "no torch"; a case too large for the machine then fails with an allocation error."""
    if gib > 0:
        cap = int(gib * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def measure(a, program, name, info, opt, train_epoch, infer, test_accuracy):
    """Times a.epochs calls of train_epoch() and a.inference_runs calls of infer() (evaluation mode,
    no autograd; measured even when training did not fit) into info, with the peak RSS after each
    phase; an allocation failure ends its phase as out of memory."""
    import torch
    oom = f"out of memory (address space capped at {a.max_memory_gb} GiB)" if a.max_memory_gb else "out of memory"

    def out_of_memory(e):  # torch's CPU allocator raises RuntimeError "... can't allocate memory ..."
        return isinstance(e, MemoryError) or "allocat" in str(e)

    epoch_s = []
    try:
        for _ in range(a.epochs):
            t0 = time.perf_counter()
            train_epoch()
            epoch_s.append(time.perf_counter() - t0)
        info.update(epochs=a.epochs, epoch_ms=[1e3 * t for t in epoch_s],
                    epoch_ms_median=1e3 * statistics.median(epoch_s[2:] or epoch_s))
    except (RuntimeError, MemoryError) as e:
        if not out_of_memory(e):
            raise
        info.update(failed="training: " + oom, error=str(e).strip().splitlines()[0][:300], epochs_done=len(epoch_s))
        print(f"{program}: {name}: training ran out of memory after {len(epoch_s)} epochs", file=sys.stderr)
    info["train_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    opt.zero_grad(set_to_none=True)
    gc.collect()
    infer_s = []
    try:
        with torch.no_grad():
            for _ in range(a.inference_runs):
                t0 = time.perf_counter()
                out = infer()
                infer_s.append(time.perf_counter() - t0)
        info.update(inference_runs=a.inference_runs, inference_ms_median=1e3 * statistics.median(infer_s),
                    test_accuracy=test_accuracy(out))
    except (RuntimeError, MemoryError) as e:
        if not out_of_memory(e):
            raise
        info["inference_failed"] = oom
    info["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main():
    ap = argparse.ArgumentParser()
    common_arguments(ap, "../shared/datasets")
    a = ap.parse_args()
    emit = emitter(a.json)

    try:
        import torch
        import torch.nn.functional as F
    except ImportError:
        print("gat_reference.py: PyTorch is not installed (Debian: apt-get install python3-torch); skipped",
              file=sys.stderr)
        emit({"skipped": "no torch"})
        return 0
    if data_missing(a, "gat_reference.py", emit):
        return 0
    cap_address_space(a.max_memory_gb)
    warnings.filterwarnings("ignore", message="scatter_reduce")
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    t_setup = time.perf_counter()
    if a.synthetic:
        name = f"synthetic-{a.synthetic}"
        x, y, ei, split = synthetic(torch, a.synthetic, a.edges or round(a.synthetic * a.in_degree), a.features,
                                    a.classes)
    else:
        name = a.dataset
        x, y, ei, split = load(a.data_root, a.dataset, torch)
    n = x.shape[0]
    x = x / x.sum(1, keepdim=True).clamp(min=1e-12)
    keep = ei[0] != ei[1]
    loops = torch.arange(n)
    src = torch.cat([ei[0][keep], loops])
    dst = torch.cat([ei[1][keep], loops])
    del ei, keep
    num_edges = int(src.numel()) - n
    classes = int(y.max()) + 1
    heads_out = 8 if a.dataset == "pubmed" and not a.synthetic else 1
    setup_s = time.perf_counter() - t_setup

    class GATConv(torch.nn.Module):
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

        def forward(self, x):
            h = self.lin(x).view(-1, self.h, self.f)                      # N x H x F
            a_s = (h * self.att_src).sum(-1)                              # N x H
            a_d = (h * self.att_dst).sum(-1)
            e = F.leaky_relu(a_s[src] + a_d[dst], 0.2)                    # E x H (gather)
            m = torch.full((n, self.h), float("-inf")).scatter_reduce(0, dst.unsqueeze(1).expand_as(e), e, "amax")
            p = (e - m[dst]).exp()
            s = torch.zeros(n, self.h).index_add_(0, dst, p)              # scatter-softmax
            alpha = F.dropout(p / s[dst], 0.6, self.training)
            out = torch.zeros(n, self.h, self.f).index_add_(0, dst, h[src] * alpha.unsqueeze(-1))  # scatter-add
            out = out.reshape(n, -1) if self.concat else out.mean(1)
            return out + self.bias

    class GAT(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.c1 = GATConv(x.shape[1], 8, 8, True)
            self.c2 = GATConv(64, classes, heads_out, False)

        def forward(self, x):
            x = F.dropout(x, 0.6, self.training)
            x = F.elu(self.c1(x))
            x = F.dropout(x, 0.6, self.training)
            return self.c2(x)

    model = GAT()
    opt = torch.optim.Adam(model.parameters(), lr=0.01 if heads_out == 8 else 0.005,
                           weight_decay=1e-3 if heads_out == 8 else 5e-4)
    info = {"case": name, "impl": "pytorch", "torch": torch.__version__, "threads": a.threads, "epochs": a.epochs,
            "inference_runs": a.inference_runs, "nodes": n, "edges": num_edges, "edges_with_self_loops": num_edges + n,
            "features": int(x.shape[1]), "setup_s": setup_s}

    def train_epoch():
        model.train()
        opt.zero_grad()
        loss = F.cross_entropy(model(x)[split["train"]], y[split["train"]])
        loss.backward()
        opt.step()
        model.eval()
        with torch.no_grad():
            out = model(x)
            F.cross_entropy(out[split["valid"]], y[split["valid"]])

    def infer():
        model.eval()
        return model(x)

    measure(a, "gat_reference.py", name, info, opt, train_epoch, infer,
            lambda out: float((out[split["test"]].argmax(1) == y[split["test"]]).float().mean()))
    emit(info)
    return 0


def synthetic(torch, n, e, features, classes):
    """A uniform random graph shaped like gat_e2e's synthetic case: e edges without self-loops,
    sorted by (target, source); dense uniform features; random labels; train/valid/test as gat's
    synthetic split (20 per class, 500, 1000)."""
    g = torch.Generator().manual_seed(1)
    src = torch.randint(0, n, (e,), generator=g)
    dst = (src + torch.randint(1, n, (e,), generator=g)) % n
    order = torch.argsort(dst * n + src)
    ei = torch.stack([src[order], dst[order]])
    del src, dst, order
    x = torch.rand(n, features, generator=g)
    y = torch.randint(0, classes, (n,), generator=g)
    y[:classes] = torch.arange(classes)
    perm = torch.randperm(n, generator=g)
    train = torch.cat([perm[y[perm] == c][:20] for c in range(classes)])
    rest = perm[~torch.isin(perm, train)]
    split = {"train": train.sort().values, "valid": rest[:500].sort().values, "test": rest[500:1500].sort().values}
    return x, y, ei, split


if __name__ == "__main__":
    sys.exit(main())
