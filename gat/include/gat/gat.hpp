#pragma once
// The whole public API of gat in one include. Layers of the library, each using only those
// listed before it:
//   core       errors, threads, the counter-based random generator
//   tensor     dense and sparse matrices, products (oneDNN), node features
//   graph      the sparse graph store, permutations, receptive fields, Boost.Graph interop and algorithms
//   module     parameters and the module tree
//   attention  attention primitives, dense and on graphs, forward and backward
//   nn         layers: GATConv, GATv2Conv, Linear, activations, dropout, the GAT model
//   train      losses, metrics, optimizers, the trainer
//   io         datasets, checkpoints, attention export
#include "gat/core/error.hpp"
#include "gat/core/parallel.hpp"
#include "gat/core/phase_profile.hpp"
#include "gat/core/random.hpp"

#include "gat/tensor/csr_matrix.hpp"
#include "gat/tensor/features.hpp"
#include "gat/tensor/matmul.hpp"
#include "gat/tensor/matrix.hpp"
#include "gat/tensor/sparse_matmul.hpp"

#include "gat/graph/algorithms.hpp"
#include "gat/graph/boost_conversion.hpp"
#include "gat/graph/boost_graph.hpp"
#include "gat/graph/graph.hpp"
#include "gat/graph/permutation.hpp"
#include "gat/graph/receptive_field.hpp"

#include "gat/module/module.hpp"
#include "gat/module/parameter.hpp"

#include "gat/attention/attention_pooling.hpp"
#include "gat/attention/attention_statistics.hpp"
#include "gat/attention/attention_weights.hpp"
#include "gat/attention/dense_attention.hpp"
#include "gat/attention/edge_ops.hpp"
#include "gat/attention/graph_attention.hpp"
#include "gat/attention/masked_softmax.hpp"
#include "gat/attention/multihead_attention.hpp"
#include "gat/attention/score_functions.hpp"

#include "gat/nn/activation.hpp"
#include "gat/nn/dropout.hpp"
#include "gat/nn/gat_conv.hpp"
#include "gat/nn/gat_model.hpp"
#include "gat/nn/gatv2_conv.hpp"
#include "gat/nn/inference.hpp"
#include "gat/nn/init.hpp"
#include "gat/nn/layer.hpp"
#include "gat/nn/linear.hpp"
#include "gat/nn/projection.hpp"
#include "gat/nn/sequential.hpp"

#include "gat/train/loss.hpp"
#include "gat/train/metrics.hpp"
#include "gat/train/model_config.hpp"
#include "gat/train/optimizer.hpp"
#include "gat/train/paper_presets.hpp"
#include "gat/train/repeated_runs.hpp"
#include "gat/train/trainer.hpp"

#include "gat/io/atomic_file.hpp"
#include "gat/io/attention_json.hpp"
#include "gat/io/checkpoint.hpp"
#include "gat/io/dataset.hpp"
#include "gat/io/linqs.hpp"
#include "gat/io/ogb.hpp"
#include "gat/io/pickle.hpp"
#include "gat/io/planetoid.hpp"
#include "gat/io/registry.hpp"
#include "gat/io/synthetic.hpp"
