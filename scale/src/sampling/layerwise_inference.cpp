#include "gat/sampling/layerwise_inference.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "gat/core/check.hpp"
#include "gat/core/error.hpp"
#include "gat/core/parallel.hpp"
#include "gat/nn/activation.hpp"

namespace gat::sampling {

namespace {

// One layer's output for every node: in memory, or in a mapped temporary file (unlinked as soon
// as it is created, so nothing outlives the process) whose pages the kernel may write back.
class NodeRows {
 public:
  NodeRows(std::int64_t rows, std::int64_t cols, const std::filesystem::path& directory) : rows_(rows), cols_(cols) {
    const auto bytes = static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols) * sizeof(float);
    if (directory.empty()) {
      memory_.resize_uninitialized(rows, cols);
      data_ = memory_.data();
      return;
    }
    std::string name = (directory / "gat-layer-XXXXXX").string();
    const int fd = ::mkstemp(name.data());
    if (fd < 0) throw DataError(directory.string(), 0, std::string("cannot create a scratch file: ") + std::strerror(errno));
    ::unlink(name.c_str());
    if (::ftruncate(fd, static_cast<off_t>(bytes)) != 0) {
      const int err = errno;
      ::close(fd);
      throw DataError(directory.string(), 0, std::string("cannot size a scratch file: ") + std::strerror(err));
    }
    void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    const int err = errno;
    ::close(fd);
    if (p == MAP_FAILED) throw DataError(directory.string(), 0, std::string("cannot map a scratch file: ") + std::strerror(err));
    mapped_ = bytes;
    data_ = static_cast<float*>(p);
  }
  NodeRows(const NodeRows&) = delete;
  NodeRows& operator=(const NodeRows&) = delete;
  ~NodeRows() {
    if (mapped_) ::munmap(data_, mapped_);
  }

  MatrixView<float> view() noexcept { return {data_, rows_, cols_}; }

 private:
  std::int64_t rows_, cols_;
  Matrix memory_;
  float* data_ = nullptr;
  std::size_t mapped_ = 0;
};

// The graph one chunk of destinations [first, first + count) runs on: its nodes are the
// destinations and their in-neighbours in ascending graph id (so rows keep the whole graph's edge
// order), the destinations' in-edges with their input edge ids, and a self-loop on every other
// node (its output is not read; the loop keeps layers that refuse nodes without in-edges working).
class ChunkGraph {
 public:
  void build(const CsrView& g, NodeId first, std::int64_t count) {
    nodes_.clear();
    for (std::int64_t k = 0; k < count; ++k) nodes_.push_back(static_cast<NodeId>(first + k));
    const EdgeIndex begin = g.offsets[first], end = g.offsets[first + count];
    nodes_.insert(nodes_.end(), g.sources.begin() + begin, g.sources.begin() + end);
    std::sort(nodes_.begin(), nodes_.end());
    nodes_.erase(std::unique(nodes_.begin(), nodes_.end()), nodes_.end());
    first_target_ = local(first);
    count_ = count;
    src_.clear();
    dst_.clear();
    ids_.clear();
    for (std::int64_t k = 0; k < count; ++k) {
      const NodeId v = static_cast<NodeId>(first + k);
      for (EdgeIndex e = g.offsets[v]; e < g.offsets[v + 1]; ++e) {
        src_.push_back(local(g.sources[e]));
        dst_.push_back(static_cast<NodeId>(first_target_ + k));
        ids_.push_back(g.edge_id(e));
      }
    }
    const auto size = static_cast<NodeId>(nodes_.size());
    for (NodeId u = 0; u < size; ++u) {
      if (u == first_target_) u = static_cast<NodeId>(first_target_ + count);
      if (u >= size) break;
      src_.push_back(u);
      dst_.push_back(u);
      ids_.push_back(kAddedSelfLoop);
    }
    graph_ = Graph::from_edges(static_cast<std::int64_t>(nodes_.size()), src_, dst_, GraphOptions{}, ids_);
  }

  const Graph& graph() const noexcept { return graph_; }
  // The graph node of each local id, ascending.
  std::span<const NodeId> nodes() const noexcept { return nodes_; }
  // The destinations are local ids [first_target(), first_target() + count), contiguous.
  std::int64_t first_target() const noexcept { return first_target_; }

  // The attention over the destinations' in-edges, in graph ids.
  void to_graph(const AttentionWeights<float>& local, AttentionWeights<float>& out) const {
    std::vector<std::int64_t> kept;
    for (std::int64_t e = 0; e < local.num_edges(); ++e) {
      const NodeId t = local.target[static_cast<std::size_t>(e)];
      if (t >= first_target_ && t < first_target_ + count_) kept.push_back(e);
    }
    out.heads = local.heads;
    out.source.resize(kept.size());
    out.target.resize(kept.size());
    out.input_edge_id.resize(kept.size());
    out.weights.resize_uninitialized(static_cast<std::int64_t>(kept.size()), local.heads);
    for (std::size_t k = 0; k < kept.size(); ++k) {
      const auto e = static_cast<std::size_t>(kept[k]);
      out.source[k] = nodes_[static_cast<std::size_t>(local.source[e])];
      out.target[k] = nodes_[static_cast<std::size_t>(local.target[e])];
      out.input_edge_id[k] = local.input_edge_id[e];
      std::copy(local.weights.row_ptr(kept[k]), local.weights.row_ptr(kept[k]) + local.heads,
                out.weights.row_ptr(static_cast<std::int64_t>(k)));
    }
  }

 private:
  NodeId local(NodeId v) const {
    return static_cast<NodeId>(std::lower_bound(nodes_.begin(), nodes_.end(), v) - nodes_.begin());
  }
  std::vector<NodeId> nodes_, src_, dst_;
  std::vector<std::int64_t> ids_;
  std::int64_t first_target_ = 0, count_ = 0;
  Graph graph_;
};

// Rows `rows` of `from` as the rows of `to`.
void gather_rows(MatrixView<const float> from, std::span<const NodeId> rows, Matrix& to) {
  to.resize_uninitialized(static_cast<std::int64_t>(rows.size()), from.cols());
  const std::int64_t cols = from.cols();
  parallel_for(static_cast<std::int64_t>(rows.size()), 1024, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t k = begin; k < end; ++k)
      std::copy_n(from.row(rows[static_cast<std::size_t>(k)]).data(), cols, to.row_ptr(k));
  });
}

void copy_rows(MatrixView<const float> from, MatrixView<float> to) {
  parallel_for(from.rows(), 1024, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t k = begin; k < end; ++k) std::copy_n(from.row(k).data(), from.cols(), to.row(k).data());
  });
}

// Turns keep_attention_weights off again however the pass ends.
struct KeptAttention {
  nn::GatModel<float>& model;
  KeptAttention(nn::GatModel<float>& m, bool on) : model(m) { model.keep_attention_weights(on); }
  ~KeptAttention() { model.keep_attention_weights(false); }
};

}  // namespace

void layerwise_forward(nn::GatModel<float>& model, const CsrView& graph, const FeatureSource& features,
                       const LayerwiseOptions& options, const LogitsSink& on_logits, const AttentionSink& on_attention) {
  const nn::GatModelOptions& mo = model.options();
  GAT_REQUIRE(features.rows() == graph.num_nodes, "layer-wise inference: ", features.rows(),
              " feature rows for a graph of ", graph.num_nodes, " nodes");
  GAT_REQUIRE(features.cols() == mo.in_features, "layer-wise inference: the features have ", features.cols(),
              " columns but the model expects ", mo.in_features);
  GAT_REQUIRE(options.chunk_nodes >= 1, "layer-wise inference: chunk size must be positive, got ", options.chunk_nodes);
  model.eval();
  const KeptAttention kept(model, static_cast<bool>(on_attention));
  nn::Activation<float> activation({.kind = mo.activation});
  const std::int64_t n = graph.num_nodes, layers = static_cast<std::int64_t>(model.num_attention_layers());
  const std::int64_t hidden = mo.hidden * mo.heads;
  // Layer l reads `input` (nullptr: the features) and writes `output`; then they swap.
  std::unique_ptr<NodeRows> input, output;
  ChunkGraph chunk;
  Features rows;
  Matrix dense_rows;
  AttentionWeights<float> attention;
  for (std::int64_t l = 0; l < layers; ++l) {
    const bool last = l + 1 == layers;
    if (!last) output = std::make_unique<NodeRows>(n, hidden, options.scratch_directory);
    nn::Layer<float>& conv = model.attention_layer(static_cast<std::size_t>(l));
    for (std::int64_t first = 0; first < n; first += options.chunk_nodes) {
      const std::int64_t count = std::min(options.chunk_nodes, n - first);
      chunk.build(graph, static_cast<NodeId>(first), count);
      nn::LayerInput<float> x;
      if (input) {
        gather_rows(input->view(), chunk.nodes(), dense_rows);
        x = nn::LayerInput<float>::of(dense_rows.view());
      } else {
        features.gather(chunk.nodes(), rows);
        x = nn::LayerInput<float>::of(rows);
      }
      const nn::ForwardContext ctx{&chunk.graph(), {}, nullptr};
      const MatrixView<const float> out = conv.forward(ctx, x).dense;
      const MatrixView<const float> targets(out.row(chunk.first_target()).data(), count, out.cols(), out.ld());
      if (on_attention) {
        chunk.to_graph(model.attention_weights(static_cast<std::size_t>(l)), attention);
        on_attention(l, attention);
      }
      if (last) {
        on_logits(static_cast<NodeId>(first), targets);
      } else {
        const MatrixView<const float> activated = activation.forward(ctx, nn::LayerInput<float>::of(targets)).dense;
        const MatrixView<float> all = output->view();
        copy_rows(activated, MatrixView<float>(all.row(first).data(), count, all.cols()));
      }
    }
    input = std::move(output);
  }
}

Matrix layerwise_logits(nn::GatModel<float>& model, const CsrView& graph, const FeatureSource& features,
                        const LayerwiseOptions& options) {
  Matrix logits(graph.num_nodes, model.options().num_classes);
  layerwise_forward(model, graph, features, options, [&](NodeId first, MatrixView<const float> chunk) {
    copy_rows(chunk, MatrixView<float>(logits.row_ptr(first), chunk.rows(), chunk.cols()));
  });
  return logits;
}

std::int64_t attended_edges(const nn::GatModel<float>& model, const CsrView& graph) {
  const std::int64_t edges = graph.offsets[graph.num_nodes];
  if (!model.options().add_self_loops) return edges;
  std::int64_t loops = 0;
  for (NodeId v = 0; v < graph.num_nodes; ++v)
    for (EdgeIndex e = graph.offsets[v]; e < graph.offsets[v + 1]; ++e) loops += graph.sources[e] == v;
  return edges - loops + graph.num_nodes;
}

}  // namespace gat::sampling
