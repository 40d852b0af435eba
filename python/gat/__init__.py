"""gat from Python: graph attention networks trained by gat's C++ library.

    import gat
    cora = gat.load_dataset("cora")                 # $GAT_DATA/cora, or root=...
    model = gat.GAT(cora.num_features, cora.num_classes)
    result = model.fit(cora, callback=lambda r: print(r.epoch, r.val_accuracy))
    logits = model.predict(cora)                    # NumPy, N x classes
    layers = model.attention_weights(cora)          # per layer: source, target, weights (E x heads)

Arrays that gat returns are NumPy views of gat's own memory (no copy); edge indices come in
without a copy when they are int32 in C order, from NumPy or torch. gat.torch holds the
torch.autograd.Function over gat's fused attention and a GATConv module with PyG's signature.
Errors are ValueError (bad input) or gat.DataError (a file: an OSError and a ValueError).
"""
from ._core import (  # noqa: F401
    AttentionState,
    AttentionWeights,
    DataError,
    Dataset,
    EpochRecord,
    Features,
    GAT,
    Graph,
    TrainResult,
    load_dataset,
    load_model,
    num_threads,
    read_checkpoint,
    set_num_threads,
)

__all__ = [
    "AttentionWeights", "DataError", "Dataset", "EpochRecord", "Features", "GAT", "Graph", "TrainResult",
    "load_dataset", "load_model", "num_threads", "read_checkpoint", "set_num_threads",
]
