"""gat.Graph, gat.Features, gat.Dataset and gat.load_dataset: arrays are views of gat's memory
(checked by pointer), edge indices are read in place when int32, errors are ValueError / OSError."""
import numpy as np
import pytest

import gat
from conftest import data_root


def address(a):
    return a.__array_interface__["data"][0]


def test_from_edge_index_reads_int32_numpy_in_place():
    ei = np.array([[0, 1, 2, 2], [1, 2, 0, 1]], dtype=np.int32)
    assert gat._core._edge_index_address(ei) == address(ei)
    g = gat.Graph.from_edge_index(ei)
    assert (g.num_nodes, g.num_edges, g.num_input_edges) == (3, 4, 4)


def test_from_edge_index_converts_int64_and_strided():
    ei64 = np.array([[0, 1], [1, 0]], dtype=np.int64)
    assert gat._core._edge_index_address(ei64) != address(ei64)
    strided = np.asfortranarray(np.array([[0, 1], [1, 0]], dtype=np.int32))
    assert gat._core._edge_index_address(strided) != address(strided)
    assert gat.Graph.from_edge_index(ei64).num_edges == 2


def test_from_edge_index_reads_int32_torch_in_place():
    torch = pytest.importorskip("torch", reason="PyTorch not installed (apt-get install python3-torch)")
    ei = torch.tensor([[0, 1, 2], [1, 2, 0]], dtype=torch.int32)
    assert gat._core._edge_index_address(ei) == ei.data_ptr()
    ei64 = ei.long()
    assert gat._core._edge_index_address(ei64) != ei64.data_ptr()
    assert gat.Graph.from_edge_index(ei64).num_edges == 3


def test_graph_rows_and_options():
    # 0->1, 1->1 (a loop), 2->1 twice, 1->0
    ei = np.array([[0, 1, 2, 2, 1], [1, 1, 1, 1, 0]], dtype=np.int32)
    g = gat.Graph.from_edge_index(ei, 3)
    assert g.in_offsets.tolist() == [0, 1, 5, 5]
    assert g.in_sources.tolist() == [1, 0, 1, 2, 2]
    assert g.in_targets.tolist() == [0, 1, 1, 1, 1]
    assert g.input_edge_ids.tolist() == [4, 0, 1, 2, 3]
    assert g.out_offsets.tolist() == [0, 1, 3, 5]
    assert sorted(g.out_targets.tolist()) == [0, 1, 1, 1, 1]
    assert g.in_sources[g.out_edges].tolist() == [0, 1, 1, 2, 2]
    assert g.count_zero_in_degree() == 1
    looped = gat.Graph.from_edge_index(ei, 3, self_loops="add")
    assert looped.num_edges == 4 + 3 and (looped.input_edge_ids == -1).sum() == 3
    assert g.with_self_loops().num_edges == looped.num_edges
    assert gat.Graph.from_edge_index(ei, 3, duplicates="remove").num_edges == 4
    assert gat.Graph.from_edge_index(ei, 3, self_loops="remove").num_edges == 4
    assert gat.Graph.from_edge_index(np.array([[0], [1]]), 2, make_undirected=True).num_edges == 2
    assert "num_edges=5" in repr(g)


def test_graph_arrays_are_read_only_views_of_one_buffer():
    g = gat.Graph.from_edge_index(np.array([[0, 1, 2], [1, 2, 0]], dtype=np.int32))
    a, b = g.in_sources, g.in_sources
    assert address(a) == address(b) and not a.flags.owndata and not a.flags.writeable
    with pytest.raises(ValueError):
        a[0] = 5
    del g  # the arrays keep the graph alive
    assert a.tolist() == [2, 0, 1]


@pytest.mark.parametrize("edge_index, message", [
    (np.zeros((3, 2), dtype=np.int32), "shape"),
    (np.array([[0, -1], [1, 0]]), "not a node id"),
    (np.array([[0.0, 1.0], [1.0, 0.0]]), "dtype"),
])
def test_bad_edge_index_is_value_error(edge_index, message):
    with pytest.raises(ValueError, match=message):
        gat.Graph.from_edge_index(edge_index)


def test_bad_graph_options_are_value_errors():
    ei = np.array([[0, 5], [1, 2]], dtype=np.int32)
    with pytest.raises(ValueError, match="outside"):
        gat.Graph.from_edge_index(ei, 3)
    with pytest.raises(ValueError, match="self_loops 'sometimes' is not one of keep, remove, add"):
        gat.Graph.from_edge_index(ei, self_loops="sometimes")


def test_features_dense_and_sparse():
    x = np.array([[1, 0, 0, 0], [0, 2, 2, 0], [0, 0, 0, 0]], dtype=np.float32)
    f = gat.Features(x)
    assert f.shape == (3, 4) and not f.is_sparse and f.nnz == 3
    view = f.numpy()
    assert address(view) == address(f.numpy()) and address(view) != address(x)  # one copy, in gat's memory
    np.testing.assert_array_equal(view, x)
    f.normalize_rows()
    np.testing.assert_allclose(f.numpy().sum(1), [1, 1, 0])
    with pytest.raises(ValueError, match="dense"):
        f.csr()
    assert f.sparsify(0.3)
    indptr, indices, values = f.csr()
    assert indptr.tolist() == [0, 1, 3, 3] and indices.tolist() == [0, 1, 2]
    np.testing.assert_allclose(values, [1, 0.5, 0.5])
    np.testing.assert_allclose(f.numpy(), [[1, 0, 0, 0], [0, 0.5, 0.5, 0], [0, 0, 0, 0]])
    with pytest.raises(ValueError, match="NaN|finite"):
        gat.Features(np.array([[np.nan]]))
    with pytest.raises(ValueError, match="2-D"):
        gat.Features(np.zeros(3))


def test_synthetic_dataset(synthetic):
    d = synthetic
    assert (d.name, d.num_nodes, d.num_features, d.num_classes) == ("synthetic", 2708, 1433, 7)
    assert d.features.is_sparse and d.graph.num_input_edges == d.edge_index.shape[1]
    assert address(d.y) == address(d.y) and not d.y.flags.writeable and d.y.dtype == np.int32
    assert len(d.train_idx) == 140 and len(d.val_idx) == 500 and len(d.test_idx) == 1000
    assert d.edge_index.shape[0] == 2 and address(d.edge_index) == address(d.edge_index)
    assert isinstance(d.warnings, list) and "synthetic" in repr(d)


def test_cora(cora):
    assert (cora.num_nodes, cora.num_features, cora.num_classes, cora.edge_index.shape) == (2708, 1433, 7, (2, 10556))


def test_dataset_from_arrays_with_masks():
    ei = np.array([[0, 1, 2, 3], [1, 0, 3, 2]])
    x = np.eye(4, dtype=np.float32)
    y = np.array([0, 0, 1, 1])
    mask = np.array([True, False, True, False])
    d = gat.Dataset.from_arrays(ei, x, y, mask, ~mask, np.array([1, 3]), name="tiny")
    assert d.train_idx.tolist() == [0, 2] and d.val_idx.tolist() == [1, 3] and d.num_classes == 2
    assert not d.features.is_sparse or d.features.nnz == 4
    with pytest.raises(ValueError, match="label|num_classes|class"):
        gat.Dataset.from_arrays(ei, x, y, mask, ~mask, mask, num_classes=1)
    with pytest.raises(ValueError, match="train has 2 dimensions, expected 1"):
        gat.Dataset.from_arrays(ei, x, y, [[0]], ~mask, mask)
    with pytest.raises(ValueError, match="3 feature rows for 4 nodes"):
        gat.Dataset.from_arrays(ei, x[:3], y, mask, ~mask, mask)


def test_load_dataset_errors(tmp_path):
    with pytest.raises(ValueError, match="nosuchdataset"):
        gat.load_dataset("nosuchdataset", root=str(tmp_path))
    with pytest.raises(ValueError, match="format"):
        gat.load_dataset("cora", root=str(tmp_path), format="csv")
    (tmp_path / "bad.content").write_text("p1 1 0 x\np2\n")
    (tmp_path / "bad.cites").write_text("p1 p2\n")
    with pytest.raises(OSError, match="bad.content") as raised:
        gat.load_dataset(str(tmp_path / "bad.content"))
    assert isinstance(raised.value, gat.DataError) and isinstance(raised.value, ValueError)


def test_threads():
    before = gat.num_threads()
    gat.set_num_threads(1)
    assert gat.num_threads() == 1
    gat.set_num_threads(before)
    assert gat.num_threads() == before
