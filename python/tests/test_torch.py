"""gat.torch: the autograd Function over gat's fused attention (gradcheck in double) and GATConv
against the plain PyTorch layer gat.reference.GATConv (forward and gradients within 1e-5 in float)."""
import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="PyTorch not installed (apt-get install python3-torch)")

import gat  # noqa: E402
import gat.reference  # noqa: E402
import gat.torch as gtorch  # noqa: E402
from conftest import random_graph_edges  # noqa: E402


def edge_index(n=12, e=40, seed=0):
    return torch.from_numpy(random_graph_edges(n, e, seed))


def twin_layers(in_channels, out_channels, dtype=torch.float32, **options):
    """gat.torch.GATConv and gat.reference.GATConv with the same parameters."""
    torch.manual_seed(0)
    fused = gtorch.GATConv(in_channels, out_channels, **options).to(dtype)
    plain = gat.reference.GATConv(in_channels, out_channels, **options).to(dtype)
    plain.load_state_dict(fused.state_dict())
    return fused, plain


def test_state_dict_has_pygs_names_and_shapes():
    conv = gtorch.GATConv(16, 4, heads=3)
    shapes = {k: tuple(v.shape) for k, v in conv.state_dict().items()}
    assert shapes == {"att_src": (1, 3, 4), "att_dst": (1, 3, 4), "bias": (12,),
                      "lin_src.weight": (12, 16), "lin_dst.weight": (12, 16)}
    assert conv.lin_src is conv.lin_dst and len(list(conv.parameters())) == 4
    assert tuple(gtorch.GATConv(16, 4, heads=3, concat=False).bias.shape) == (4,)
    assert gtorch.GATConv(16, 4, bias=False).bias is None
    assert repr(conv) == "GATConv(16, 4, heads=3)"


@pytest.mark.parametrize("options", [
    dict(heads=1),
    dict(heads=3),
    dict(heads=2, concat=False),
    dict(heads=2, add_self_loops=False, bias=False),
    dict(heads=4, negative_slope=0.05),
])
def test_forward_and_gradients_match_plain_pytorch(options):
    n = 30
    ei = edge_index(n, 120, seed=1)
    fused, plain = twin_layers(7, 5, **options)
    x = torch.randn(n, 7)
    x1, x2 = x.clone().requires_grad_(), x.clone().requires_grad_()
    out1, out2 = fused(x1, ei), plain(x2, ei)
    torch.testing.assert_close(out1, out2, rtol=1e-5, atol=1e-5)
    g = torch.randn_like(out1)
    out1.backward(g)
    out2.backward(g)
    torch.testing.assert_close(x1.grad, x2.grad, rtol=1e-5, atol=1e-5)
    for (name, p1), (_, p2) in zip(fused.named_parameters(), plain.named_parameters()):
        torch.testing.assert_close(p1.grad, p2.grad, rtol=1e-5, atol=1e-5, msg=name)


def test_attention_weights_in_pygs_order():
    n = 20
    ei = edge_index(n, 60, seed=2)
    ei = torch.cat([ei, torch.tensor([[3], [3]])], 1)  # an input self-loop, dropped by add_self_loops
    fused, plain = twin_layers(6, 4, heads=2)
    x = torch.randn(n, 6)
    out1, (ei1, a1) = fused(x, ei, return_attention_weights=True)
    out2, (ei2, a2) = plain(x, ei, return_attention_weights=True)
    torch.testing.assert_close(ei1, ei2)
    torch.testing.assert_close(a1, a2, rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(out1, out2, rtol=1e-5, atol=1e-5)


def test_gradcheck_fused_attention_in_double():
    n, heads, f = 9, 2, 3
    graph = gat.Graph.from_edge_index(random_graph_edges(n, 25, seed=3), n, self_loops="add")
    src = torch.randn(n, heads, dtype=torch.float64, requires_grad=True)
    dst = torch.randn(n, heads, dtype=torch.float64, requires_grad=True)
    values = torch.randn(n, heads, f, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda s, d, v: gtorch.GATAttention.apply(graph, s, d, v, 0.2), (src, dst, values))
    # with dropout the mask is regenerated from the seed in backward: the same function both ways
    assert torch.autograd.gradcheck(lambda s, d, v: gtorch.GATAttention.apply(graph, s, d, v, 0.2, 0.5, 1234),
                                    (src, dst, values))


def test_gradcheck_gatconv_in_double():
    n = 10
    ei = edge_index(n, 30, seed=4)
    conv = gtorch.GATConv(4, 3, heads=2, concat=False).double()
    x = torch.randn(n, 4, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda x, w, a, b, c: conv(x, ei), (x, *conv.parameters()))


def test_node_without_incoming_edges_gets_bias_only():
    ei = torch.tensor([[0, 1], [1, 0]])
    conv = gtorch.GATConv(3, 2, add_self_loops=False)
    torch.nn.init.uniform_(conv.bias)
    out = conv(torch.randn(3, 3), ei, size=(3, 3))
    torch.testing.assert_close(out[2], conv.bias.detach())


def test_dropout_is_seeded_by_torch():
    n = 25
    ei = edge_index(n, 100, seed=5)
    conv = gtorch.GATConv(5, 4, heads=2, dropout=0.5)
    x = torch.randn(n, 5)
    torch.manual_seed(7)
    a = conv(x, ei)
    torch.manual_seed(7)
    b = conv(x, ei)
    c = conv(x, ei)
    torch.testing.assert_close(a, b, rtol=0, atol=0)
    assert not torch.equal(a, c)
    conv.eval()
    torch.testing.assert_close(conv(x, ei), conv(x, ei), rtol=0, atol=0)


def test_kernels_work_in_torchs_memory():
    n, heads = 6, 2
    graph = gat.Graph.from_edge_index(random_graph_edges(n, 12, seed=6), n, self_loops="add")
    src, dst, values = torch.randn(n, heads), torch.randn(n, heads), torch.randn(n, heads * 3)
    out = torch.full((n, heads * 3), float("nan"))
    view = gtorch._np(out)
    assert view.__array_interface__["data"][0] == out.data_ptr()
    gat._core.gat_attention_forward(graph, gtorch._np(src), gtorch._np(dst), gtorch._np(values), heads, 0.2, 0.0, 0, view)
    assert torch.isfinite(out).all()  # written in place
    with pytest.raises(ValueError, match="dtype"):
        gat._core.gat_attention_forward(graph, src.double().numpy(), gtorch._np(dst), gtorch._np(values), heads, 0.2,
                                        0.0, 0, view)
    with pytest.raises(ValueError, match="C-contiguous"):
        gat._core.gat_attention_forward(graph, src.t().numpy(), gtorch._np(dst), gtorch._np(values), heads, 0.2,
                                        0.0, 0, view)
    with pytest.raises(ValueError, match="alpha_src|src_score"):
        gat._core.gat_attention_forward(graph, torch.randn(n + 1, heads).numpy(), gtorch._np(dst), gtorch._np(values),
                                        heads, 0.2, 0.0, 0, view)
    with pytest.raises(ValueError, match="dropout"):
        gat._core.gat_attention_forward(graph, gtorch._np(src), gtorch._np(dst), gtorch._np(values), heads, 0.2,
                                        1.0, 0, view)


def test_graph_is_built_once_per_edge_index():
    ei = edge_index(8, 20, seed=7)
    g1 = gtorch.graph_of(ei, 8)
    assert gtorch.graph_of(ei, 8) is g1
    assert gtorch.graph_of(ei, 8, add_self_loops=False) is not g1
    ei[0, 0] = (ei[0, 0] + 1) % 8  # an in-place write makes a new graph
    assert gtorch.graph_of(ei, 8) is not g1
    graph = gat.Graph.from_edge_index(ei, 8)
    assert gtorch.graph_of(graph, 8, add_self_loops=False) is graph


def test_unsupported_arguments_are_value_errors():
    with pytest.raises(ValueError, match="edge_dim"):
        gtorch.GATConv(4, 2, edge_dim=3)
    with pytest.raises(ValueError, match="bipartite"):
        gtorch.GATConv((4, 5), 2)
    conv = gtorch.GATConv(4, 2)
    with pytest.raises(ValueError, match="edge_attr"):
        conv(torch.randn(3, 4), torch.tensor([[0], [1]]), edge_attr=torch.randn(1, 3))
    with pytest.raises(ValueError, match="outside"):
        conv(torch.randn(3, 4), torch.tensor([[0], [5]]))
    with pytest.raises(RuntimeError):
        conv(torch.randn(3, 5), torch.tensor([[0], [1]]))  # torch's own shape error in the projection


def test_pyg_style_model_trains(synthetic):
    class Net(torch.nn.Module):
        def __init__(self, fin, classes):
            super().__init__()
            self.conv1 = gtorch.GATConv(fin, 8, heads=8, dropout=0.6)
            self.conv2 = gtorch.GATConv(64, classes, heads=1, concat=False, dropout=0.6)

        def forward(self, x, edge_index):  # no dropout on x: torch's takes 0.2 s on 2708 x 1433
            x = torch.nn.functional.elu(self.conv1(x, edge_index))
            x = torch.nn.functional.dropout(x, 0.6, self.training)
            return self.conv2(x, edge_index)

    torch.manual_seed(0)
    d = synthetic
    x = torch.from_numpy(d.features.numpy()[:, :300])  # a fifth of the words: a fifth of the projection's time
    x = x / x.sum(1, keepdim=True).clamp(min=1e-12)
    ei = torch.from_numpy(d.edge_index.astype(np.int64))
    y, train = torch.from_numpy(d.y.astype(np.int64)), torch.from_numpy(d.train_idx.astype(np.int64))
    model = Net(x.shape[1], d.num_classes)
    opt = torch.optim.Adam(model.parameters(), lr=0.01, weight_decay=5e-4)
    losses = []
    for _ in range(30):
        model.train()
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(x, ei)[train], y[train])
        loss.backward()
        opt.step()
        losses.append(float(loss))
    model.eval()
    with torch.no_grad():
        test = torch.from_numpy(d.test_idx.astype(np.int64))
        accuracy = float((model(x, ei)[test].argmax(1) == y[test]).float().mean())
    assert losses[-1] < 0.8 * losses[0] and accuracy > 0.5
