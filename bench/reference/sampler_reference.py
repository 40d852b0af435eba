#!/usr/bin/env python3
"""Neighbour sampling written the standard way: for each destination node, numpy's random
choice among its in-neighbours (without replacement), one hop after the other, as PyG's pure-
Python fall-back and many GraphSAGE examples do. Prints sampled edges per second in the JSON
shape of gat_bench_sampler, on a random graph of the same shape (every node `in_degree`
uniformly drawn in-neighbours; the cost depends on the shape, not on which nodes they are).

    /usr/bin/python3 bench/reference/sampler_reference.py --nodes 1000000 --batches 10
"""
import argparse
import json
import time

import numpy as np


def sample_batch(offsets, sources, targets, fan_outs, rng):
    nodes = list(targets)
    seen = set(nodes)
    edges = 0
    frontier_end = len(nodes)
    for fan in fan_outs:
        new = []
        for v in nodes[:frontier_end]:
            row = sources[offsets[v]:offsets[v + 1]]
            if len(row) > fan:
                row = rng.choice(row, fan, replace=False)
            edges += len(row)
            for u in row.tolist():
                if u not in seen:
                    seen.add(u)
                    new.append(u)
        nodes.extend(sorted(new))
        frontier_end = len(nodes)
    return edges


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--nodes", type=int, default=1000000)
    p.add_argument("--in-degree", type=int, default=16)
    p.add_argument("--batch", type=int, default=1024)
    p.add_argument("--fan-out", default="10,10")
    p.add_argument("--batches", type=int, default=10)
    a = p.parse_args()
    fan_outs = [int(x) for x in a.fan_out.split(",")]
    rng = np.random.default_rng(0)
    offsets = np.arange(a.nodes + 1, dtype=np.int64) * a.in_degree
    sources = np.sort(rng.integers(0, a.nodes, size=(a.nodes, a.in_degree), dtype=np.int32), axis=1).ravel()
    seconds, total = [], 0
    for _ in range(a.batches):
        targets = np.unique(rng.integers(0, a.nodes, size=a.batch)).tolist()
        t = time.perf_counter()
        total += sample_batch(offsets, sources, targets, fan_outs, rng)
        seconds.append(time.perf_counter() - t)
    median = sorted(seconds)[len(seconds) // 2]
    per_batch = total / a.batches
    print(json.dumps({"nodes": a.nodes, "in_degree": a.in_degree, "batch": a.batch, "threads": 1,
                      "batches": a.batches, "sampled_edges_per_batch": per_batch,
                      "median_batch_seconds": median, "edges_per_second": per_batch / median}))


if __name__ == "__main__":
    main()
