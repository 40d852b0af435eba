#include "gat/graph/receptive_field.hpp"

#include <algorithm>
#include <string>

#include "gat/core/check.hpp"

namespace gat {

namespace {

constexpr NodeId kOutside = -1;

// The nodes within `hops` of the targets (along incoming edges), the targets first, then ring by
// ring, each ring in ascending id: a ring is gathered whole before it is numbered, so the order
// does not depend on the order of the rows. local[v] becomes v's position (it holds the targets'
// on entry and kOutside for the rest); ends[h] is the number of nodes within h hops.
std::vector<NodeId> rings(const Graph& g, std::span<const NodeId> targets, std::int64_t hops,
                          std::vector<NodeId>& local, std::vector<std::int64_t>& ends) {
  std::vector<NodeId> order(targets.begin(), targets.end());
  ends.assign(1, static_cast<std::int64_t>(order.size()));
  std::vector<NodeId> ring;
  for (std::int64_t h = 0; h < hops; ++h) {
    ring.clear();
    for (std::int64_t k = h == 0 ? 0 : ends[static_cast<std::size_t>(h - 1)]; k < ends.back(); ++k)
      for (const NodeId u : g.in_neighbors(order[static_cast<std::size_t>(k)]))
        if (local[static_cast<std::size_t>(u)] == kOutside) {
          local[static_cast<std::size_t>(u)] = 0;  // seen; numbered below
          ring.push_back(u);
        }
    std::sort(ring.begin(), ring.end());
    for (const NodeId u : ring) {
      local[static_cast<std::size_t>(u)] = static_cast<NodeId>(order.size());
      order.push_back(u);
    }
    ends.push_back(static_cast<std::int64_t>(order.size()));
  }
  return order;
}

}  // namespace

ReceptiveField::ReceptiveField(const Graph& g, std::span<const NodeId> targets, std::int64_t layers) {
  GAT_REQUIRE(layers >= 1, "receptive field: layers must be at least 1, got ", layers);
  GAT_REQUIRE(!targets.empty(), "receptive field: no target nodes");
  const std::int64_t n = g.num_nodes();
  std::vector<NodeId> local(static_cast<std::size_t>(n), kOutside);
  for (std::size_t k = 0; k < targets.size(); ++k) {
    const NodeId v = targets[k];
    GAT_REQUIRE(v >= 0 && v < n, "receptive field: target ", k, " is node ", v, ", outside the graph's ", n,
                " nodes");
    GAT_REQUIRE(local[static_cast<std::size_t>(v)] == kOutside, "receptive field: node ", v,
                " is a target twice (targets ", local[static_cast<std::size_t>(v)], " and ", k, ")");
    local[static_cast<std::size_t>(v)] = static_cast<NodeId>(k);
  }
  std::vector<std::int64_t> ends;  // ends[h]: nodes within h hops of the targets
  nodes_ = rings(g, targets, layers, local, ends);
  // Layer l reads what is within L - l hops and produces what is within L - l - 1.
  rows_.resize(static_cast<std::size_t>(layers) + 1);
  for (std::int64_t l = 0; l <= layers; ++l) rows_[static_cast<std::size_t>(l)] = ends[static_cast<std::size_t>(layers - l)];

  const auto ids = g.input_edge_ids();
  const auto offsets = g.in_offsets();
  const auto sources = g.in_sources();
  graphs_.reserve(static_cast<std::size_t>(layers));
  for (std::int64_t l = 0; l < layers; ++l) {
    const std::int64_t in_rows = rows_[static_cast<std::size_t>(l)], out_rows = rows_[static_cast<std::size_t>(l + 1)];
    std::vector<NodeId> src, dst;
    std::vector<std::int64_t> input_ids;
    for (std::int64_t k = 0; k < out_rows; ++k) {
      const NodeId v = nodes_[static_cast<std::size_t>(k)];
      for (EdgeIndex e = offsets[v]; e < offsets[v + 1]; ++e) {
        src.push_back(local[static_cast<std::size_t>(sources[e])]);
        dst.push_back(static_cast<NodeId>(k));
        input_ids.push_back(ids[e]);
      }
    }
    for (std::int64_t k = out_rows; k < in_rows; ++k) {
      src.push_back(static_cast<NodeId>(k));
      dst.push_back(static_cast<NodeId>(k));
      input_ids.push_back(kAddedSelfLoop);
    }
    graphs_.push_back(Graph::from_edges(in_rows, src, dst, GraphOptions{}, input_ids));
  }
}

ReceptiveField ReceptiveField::from_parts(std::vector<NodeId> nodes, std::vector<std::int64_t> rows,
                                         std::vector<Graph> graphs) {
  GAT_REQUIRE(!graphs.empty() && rows.size() == graphs.size() + 1, "receptive field: ", graphs.size(),
              " layer graphs need ", graphs.size() + 1, " row counts, got ", rows.size());
  GAT_REQUIRE(rows.front() == static_cast<std::int64_t>(nodes.size()), "receptive field: ", nodes.size(),
              " nodes but layer 0 reads ", rows.front(), " rows");
  GAT_REQUIRE(rows.back() >= 1, "receptive field: no target nodes");
  for (std::size_t l = 0; l < graphs.size(); ++l) {
    GAT_REQUIRE(rows[l + 1] <= rows[l], "receptive field: layer ", l, " produces ", rows[l + 1], " rows from ", rows[l]);
    GAT_REQUIRE(graphs[l].num_nodes() == rows[l], "receptive field: layer graph ", l, " has ", graphs[l].num_nodes(),
                " nodes, expected ", rows[l]);
  }
  ReceptiveField field;
  field.nodes_ = std::move(nodes);
  field.rows_ = std::move(rows);
  field.graphs_ = std::move(graphs);
  return field;
}

}  // namespace gat
