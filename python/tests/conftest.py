"""Shared fixtures. The package is imported from PYTHONPATH (scripts/run-tests points it at
<build>/python). Real datasets are looked up as the C++ tests do: $GAT_DATA, else ../shared/datasets
beside the repository; tests that need them skip with a message when they are absent."""
import os
import pathlib

import numpy as np
import pytest

import gat

REPO = pathlib.Path(__file__).resolve().parents[2]


def data_root():
    return pathlib.Path(os.environ.get("GAT_DATA") or REPO.parent / "shared" / "datasets")


@pytest.fixture(scope="session")
def cora():
    if not (data_root() / "cora").is_dir():
        pytest.skip(f"Cora not found under {data_root()} (set GAT_DATA)")
    return gat.load_dataset("cora", root=str(data_root()))


@pytest.fixture(scope="session")
def synthetic():
    return gat.load_dataset("synthetic")


def random_graph_edges(n, e, seed=0, loops=False):
    """A random (2, E) int64 edge index on n nodes (no self-loops unless asked)."""
    rng = np.random.default_rng(seed)
    src, dst = rng.integers(0, n, e), rng.integers(0, n, e)
    if not loops:
        keep = src != dst
        src, dst = src[keep], dst[keep]
    return np.stack([src, dst])
