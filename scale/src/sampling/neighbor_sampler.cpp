#include "gat/sampling/neighbor_sampler.hpp"

#include <algorithm>

#include "gat/core/check.hpp"
#include "gat/core/parallel.hpp"
#include "gat/core/random.hpp"
#include "gat/store/graph_store.hpp"

namespace gat::sampling {

CsrView CsrView::of(const store::GraphStore& s) { return {s.num_nodes(), s.in_offsets(), s.in_sources(), s.edge_ids()}; }

namespace {

constexpr std::uint64_t kSamplerStream = 0x6e65696768626f72ULL;  // "neighbor"
constexpr std::uint64_t kGolden = 0x9e3779b97f4a7c15ULL;

std::int64_t kept(std::int64_t degree, std::int64_t fan_out, bool replace) noexcept {
  if (fan_out == kAllNeighbors) return degree;
  if (replace) return degree > 0 ? fan_out : 0;
  return std::min(degree, fan_out);
}

// `count` positions in [0, degree) into out, ascending: all of them, `count` distinct ones
// (Floyd's algorithm: the j-th step adds a uniform pick from [0, j] or, if taken, j itself,
// which leaves every subset equally likely), or `count` independent ones.
void pick(std::uint64_t state, std::int64_t degree, std::int64_t count, bool replace, EdgeIndex* out) {
  if (count == degree && !replace) {
    for (std::int64_t i = 0; i < count; ++i) out[i] = i;
    return;
  }
  if (replace) {
    for (std::int64_t i = 0; i < count; ++i) out[i] = uniform_below(mix64(state + static_cast<std::uint64_t>(i) * kGolden), degree);
  } else {
    std::int64_t size = 0;
    for (std::int64_t j = degree - count; j < degree; ++j) {
      const std::int64_t t = uniform_below(mix64(state + static_cast<std::uint64_t>(j) * kGolden), j + 1);
      const bool taken = std::find(out, out + size, t) != out + size;
      out[size++] = taken ? j : t;
    }
  }
  std::sort(out, out + count);
}

}  // namespace

NeighborSampler::NeighborSampler(CsrView graph, NeighborSamplerOptions options)
    : graph_(graph), options_(std::move(options)) {
  GAT_REQUIRE(!options_.fan_outs.empty(), "neighbor sampler: no fan-outs (one per layer, -1 for all neighbours)");
  for (std::size_t h = 0; h < options_.fan_outs.size(); ++h)
    GAT_REQUIRE(options_.fan_outs[h] >= 1 || options_.fan_outs[h] == kAllNeighbors, "neighbor sampler: fan-out ", h,
                " is ", options_.fan_outs[h], "; expected a positive number or -1 (all neighbours)");
  GAT_REQUIRE(static_cast<std::int64_t>(graph_.offsets.size()) == graph_.num_nodes + 1,
              "neighbor sampler: the rows have ", graph_.offsets.size(), " offsets for ", graph_.num_nodes, " nodes");
  local_.assign(static_cast<std::size_t>(graph_.num_nodes), -1);
  hops_.resize(options_.fan_outs.size());
}

void NeighborSampler::draw_hop(std::int64_t hop, std::int64_t destinations, std::uint64_t epoch, std::uint64_t batch) {
  Hop& h = hops_[static_cast<std::size_t>(hop)];
  const std::int64_t fan_out = options_.fan_outs[static_cast<std::size_t>(hop)];
  const bool replace = options_.replace && fan_out != kAllNeighbors;
  h.starts.resize(static_cast<std::size_t>(destinations) + 1);
  h.starts[0] = 0;
  for (std::int64_t k = 0; k < destinations; ++k)
    h.starts[static_cast<std::size_t>(k) + 1] =
        h.starts[static_cast<std::size_t>(k)] + kept(graph_.degree(order_[static_cast<std::size_t>(k)]), fan_out, replace);
  h.picks.resize(static_cast<std::size_t>(h.starts.back()));
  const RandomKey key = RandomKey{options_.seed, kSamplerStream}.child(epoch).child(batch).child(static_cast<std::uint64_t>(hop));
  const std::uint64_t base = key.base();
  parallel_for_rows(h.starts, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t k = begin; k < end; ++k) {
      const NodeId v = order_[static_cast<std::size_t>(k)];
      EdgeIndex* out = h.picks.data() + h.starts[static_cast<std::size_t>(k)];
      const std::int64_t count = h.starts[static_cast<std::size_t>(k) + 1] - h.starts[static_cast<std::size_t>(k)];
      pick(mix64(base ^ static_cast<std::uint64_t>(v)), graph_.degree(v), count, replace, out);
      const EdgeIndex first = graph_.offsets[v];
      for (std::int64_t i = 0; i < count; ++i) out[i] += first;
    }
  });
}

ReceptiveField NeighborSampler::sample(std::span<const NodeId> targets, std::uint64_t epoch, std::uint64_t batch) {
  GAT_REQUIRE(!targets.empty(), "neighbor sampler: no target nodes");
  const std::int64_t n = graph_.num_nodes, layers = num_layers();
  for (std::size_t k = 0; k < targets.size(); ++k)
    GAT_REQUIRE(targets[k] >= 0 && targets[k] < n, "neighbor sampler: target ", k, " is node ", targets[k],
                ", outside the graph's ", n, " nodes");
  order_.clear();
  const auto reset = [&] {
    for (const NodeId v : order_) local_[static_cast<std::size_t>(v)] = -1;
  };
  for (std::size_t k = 0; k < targets.size(); ++k) {
    NodeId& at = local_[static_cast<std::size_t>(targets[k])];
    if (at >= 0) {
      const NodeId first = at;
      reset();
      throw InvalidArgument("neighbor sampler: node " + std::to_string(targets[k]) + " is a target twice (targets " +
                            std::to_string(first) + " and " + std::to_string(k) + ")");
    }
    at = static_cast<NodeId>(k);
    order_.push_back(targets[k]);
  }
  // ends[h]: nodes within h hops. Hop h + 1 draws for all of them, its new sources form ring h + 1.
  std::vector<std::int64_t> ends{static_cast<std::int64_t>(order_.size())};
  for (std::int64_t hop = 0; hop < layers; ++hop) {
    draw_hop(hop, ends.back(), epoch, batch);
    ring_.clear();
    for (const EdgeIndex e : hops_[static_cast<std::size_t>(hop)].picks) {
      const NodeId u = graph_.sources[e];
      if (local_[static_cast<std::size_t>(u)] < 0) {
        local_[static_cast<std::size_t>(u)] = 0;  // seen; numbered below
        ring_.push_back(u);
      }
    }
    std::sort(ring_.begin(), ring_.end());
    for (const NodeId u : ring_) {
      local_[static_cast<std::size_t>(u)] = static_cast<NodeId>(order_.size());
      order_.push_back(u);
    }
    ends.push_back(static_cast<std::int64_t>(order_.size()));
  }

  std::vector<std::int64_t> rows(static_cast<std::size_t>(layers) + 1);
  for (std::int64_t l = 0; l <= layers; ++l) rows[static_cast<std::size_t>(l)] = ends[static_cast<std::size_t>(layers - l)];
  std::vector<Graph> graphs;
  graphs.reserve(static_cast<std::size_t>(layers));
  sampled_edges_ = 0;
  for (std::int64_t l = 0; l < layers; ++l) {
    const Hop& h = hops_[static_cast<std::size_t>(layers - 1 - l)];
    const std::int64_t in_rows = rows[static_cast<std::size_t>(l)], out_rows = rows[static_cast<std::size_t>(l) + 1];
    src_.clear();
    dst_.clear();
    ids_.clear();
    for (std::int64_t k = 0; k < out_rows; ++k)
      for (std::int64_t i = h.starts[static_cast<std::size_t>(k)]; i < h.starts[static_cast<std::size_t>(k) + 1]; ++i) {
        const EdgeIndex e = h.picks[static_cast<std::size_t>(i)];
        src_.push_back(local_[static_cast<std::size_t>(graph_.sources[e])]);
        dst_.push_back(static_cast<NodeId>(k));
        ids_.push_back(graph_.edge_id(e));
      }
    sampled_edges_ += static_cast<std::int64_t>(src_.size());
    // Nodes whose output no later layer reads get one self-loop, as in ReceptiveField.
    for (std::int64_t k = out_rows; k < in_rows; ++k) {
      src_.push_back(static_cast<NodeId>(k));
      dst_.push_back(static_cast<NodeId>(k));
      ids_.push_back(kAddedSelfLoop);
    }
    graphs.push_back(Graph::from_edges(in_rows, src_, dst_, GraphOptions{}, ids_));
  }
  std::vector<NodeId> nodes = order_;
  reset();
  return ReceptiveField::from_parts(std::move(nodes), std::move(rows), std::move(graphs));
}

}  // namespace gat::sampling
