"""gat.GAT: options, training with a per-epoch callback (the GIL released meanwhile), predict,
attention weights as NumPy views, parameters, checkpoints."""
import threading

import numpy as np
import pytest

import gat


def address(a):
    return a.__array_interface__["data"][0]


@pytest.fixture(scope="module")
def trained(synthetic):
    model = gat.GAT(synthetic.num_features, synthetic.num_classes, seed=3)
    records = []
    result = model.fit(synthetic, max_epochs=40, patience=0, callback=records.append)
    return model, result, records


def test_defaults_are_the_papers_and_pygs_names():
    model = gat.GAT(1433, 7)
    o = model.options
    assert (o["hidden"], o["heads"], o["output_heads"], o["layers"]) == (8, 8, 1, 2)
    assert o["feature_dropout"] == pytest.approx(0.6) and o["attention_dropout"] == pytest.approx(0.6)
    assert o["negative_slope"] == pytest.approx(0.2) and o["activation"] == "elu" and o["conv"] == "gat"
    assert model.num_parameters == 1433 * 64 + 64 * 3 + 64 * 7 + 7 * 3
    v2 = gat.GAT(10, 3, hidden_channels=4, heads=2, num_layers=3, v2=True, act="relu")
    assert v2.options["conv"] == "gatv2" and v2.options["layers"] == 3 and v2.options["activation"] == "relu"
    assert gat.GAT(10, 3, residual=True).options["residual"]
    with pytest.raises(ValueError, match="residual connections are available for the gat layer only"):
        gat.GAT(10, 3, v2=True, residual=True)
    with pytest.raises(ValueError, match="tanh"):
        gat.GAT(10, 3, act="tanh")


def test_fit_calls_back_every_epoch(trained):
    model, result, records = trained
    assert result.epochs == 40 and len(records) == 40 and [r.epoch for r in records] == list(range(1, 41))
    assert records[-1].train_loss < records[0].train_loss
    assert all(r.seconds > 0 and 0 <= r.val_accuracy <= 1 for r in records)
    assert result.test_accuracy > 0.5 and result.best_epoch == 40 and "TrainResult" in repr(result)


def test_callback_exception_stops_training(synthetic):
    model = gat.GAT(synthetic.num_features, synthetic.num_classes)

    def stop(record):
        if record.epoch == 3:
            raise KeyError("stop here")

    with pytest.raises(KeyError, match="stop here"):
        model.fit(synthetic, max_epochs=10, callback=stop)


def test_fit_releases_the_gil(synthetic):
    model = gat.GAT(synthetic.num_features, synthetic.num_classes)
    ticks, done = [0], threading.Event()
    counts = []

    def count():
        while not done.is_set():
            ticks[0] += 1

    t = threading.Thread(target=count)
    t.start()
    try:
        # the callback runs with the GIL; between two callbacks gat runs without it
        model.fit(synthetic, max_epochs=30, patience=0, callback=lambda r: counts.append(ticks[0]))
    finally:
        done.set()
        t.join()
    assert counts[-1] > counts[0]


def test_bad_training_options(synthetic):
    model = gat.GAT(synthetic.num_features, synthetic.num_classes)
    with pytest.raises(ValueError, match="selection 'best' is not one of"):
        model.fit(synthetic, selection="best")
    with pytest.raises(ValueError, match="optimizer 'lbfgs'"):
        model.fit(synthetic, optimizer="lbfgs")
    wrong = gat.GAT(synthetic.num_features + 1, synthetic.num_classes)
    with pytest.raises(ValueError):
        wrong.fit(synthetic, max_epochs=1)


def test_predict(trained, synthetic):
    model = trained[0]
    logits = model.predict(synthetic)
    assert logits.shape == (synthetic.num_nodes, synthetic.num_classes) and logits.dtype == np.float32
    assert not logits.flags.owndata  # gat's buffer, owned by a capsule
    nodes = np.array([5, 0, 5, 2000])
    np.testing.assert_allclose(model.predict(synthetic, nodes=nodes), logits[nodes], rtol=1e-5, atol=1e-5)
    x = synthetic.features.numpy()
    np.testing.assert_allclose(model.predict(synthetic.graph, x), logits, rtol=1e-5, atol=1e-5)
    accuracy = (logits[synthetic.test_idx].argmax(1) == synthetic.y[synthetic.test_idx]).mean()
    assert accuracy == pytest.approx(trained[1].test_accuracy, abs=1e-9)
    with pytest.raises(ValueError, match="nodes"):
        model.predict(synthetic, nodes=[synthetic.num_nodes])


def test_attention_weights(trained, synthetic):
    model = trained[0]
    layers = model.attention_weights(synthetic)
    assert len(layers) == 2 and [w.heads for w in layers] == [8, 1]
    w = layers[0]
    assert w.weights.shape == (w.num_edges, 8) and w.num_edges == synthetic.graph.num_edges + synthetic.num_nodes
    assert address(w.weights) == address(w.weights) and address(w.source) == address(w.source)
    assert not w.weights.flags.writeable
    sums = np.zeros((synthetic.num_nodes, 8))
    np.add.at(sums, w.target, w.weights)
    np.testing.assert_allclose(sums, 1, atol=1e-5)
    real = w.input_edge_id >= 0
    ei = synthetic.edge_index
    np.testing.assert_array_equal(ei[0, w.input_edge_id[real]], w.source[real])
    np.testing.assert_array_equal(ei[1, w.input_edge_id[real]], w.target[real])
    assert (w.source[~real] == w.target[~real]).all() and (~real).sum() == synthetic.num_nodes
    np.testing.assert_array_equal(w.edge_index, np.stack([w.source, w.target]))
    one = model.attention_weights(synthetic, nodes=[7])
    assert set(one[1].target.tolist()) == {7}
    last = layers[1]
    into7 = last.target == 7
    np.testing.assert_allclose(one[1].weights, last.weights[into7], atol=1e-5)
    by_arrays = model.attention_weights(synthetic.graph, synthetic.features)
    np.testing.assert_allclose(by_arrays[1].weights, last.weights, atol=1e-6)


def test_parameters_are_writable_views(synthetic):
    model = gat.GAT(synthetic.num_features, synthetic.num_classes)
    params = model.parameters()
    assert list(params) == ["conv1.lin.weight", "conv1.att_src", "conv1.att_dst", "conv1.bias",
                            "conv2.lin.weight", "conv2.att_src", "conv2.att_dst", "conv2.bias"]
    assert params["conv1.lin.weight"].shape == (64, synthetic.num_features)
    assert address(params["conv2.bias"]) == address(model.parameters()["conv2.bias"])
    before = model.predict(synthetic)
    params["conv2.bias"][:] += 1.0
    np.testing.assert_allclose(model.predict(synthetic), before + 1.0, atol=1e-5)


def test_checkpoint_round_trip(trained, synthetic, tmp_path):
    model = trained[0]
    path = tmp_path / "model.safetensors"
    model.save(str(path), {"dataset": "synthetic"})
    loaded = gat.load_model(str(path))
    assert loaded.options == model.options
    np.testing.assert_array_equal(loaded.predict(synthetic), model.predict(synthetic))
    metadata, tensors = gat.read_checkpoint(str(path))
    assert metadata["dataset"] == "synthetic" and metadata["format"] == "gat-checkpoint" and "gat_model" in metadata
    assert tensors["conv1.att_src"].shape == (1, 8, 8)  # PyG's shape
    np.testing.assert_array_equal(tensors["conv1.att_src"].ravel(), model.parameters()["conv1.att_src"].ravel())


def test_checkpoint_errors(tmp_path):
    with pytest.raises(OSError, match="cannot open"):
        gat.load_model(str(tmp_path / "missing.safetensors"))
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(b"\x05\x00\x00\x00\x00\x00\x00\x00{}")
    with pytest.raises(gat.DataError, match="bad.safetensors"):
        gat.read_checkpoint(str(bad))
    with pytest.raises(OSError):
        gat.GAT(3, 2).save(str(tmp_path / "no" / "such" / "dir" / "m.safetensors"))
