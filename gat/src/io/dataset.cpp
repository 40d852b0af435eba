// Dataset invariants, statistics and the feature-storage rule shared by every reader.
#include "gat/io/dataset.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace gat::io {

Features choose_feature_storage(CsrMatrix&& m) {
  // Drop explicit zeros (scipy may store them) so that every reader gives the same CSR.
  bool has_zero = false, binary = true;
  for (float v : m.values) {
    has_zero |= (v == 0.0f);
    binary &= (v == 1.0f || v == 0.0f);
  }
  if (has_zero) {
    std::int64_t w = 0;
    std::int64_t begin = 0;
    for (std::int64_t r = 0; r < m.rows; ++r) {
      const std::int64_t end = m.offsets[r + 1];
      for (std::int64_t k = begin; k < end; ++k)
        if (m.values[k] != 0.0f) {
          m.columns[w] = m.columns[k];
          m.values[w] = m.values[k];
          ++w;
        }
      begin = end;
      m.offsets[r + 1] = w;
    }
    m.columns.resize(static_cast<std::size_t>(w));
    m.values.resize(static_cast<std::size_t>(w));
  }
  if (binary) return Features(std::move(m));
  if (static_cast<double>(m.rows) * static_cast<double>(m.cols) > 4294967296.0)
    throw DataError("features of " + std::to_string(m.rows) + " x " + std::to_string(m.cols) +
                    " are not binary and too large to store dense (more than 2^32 values)");
  Matrix dense(m.rows, m.cols, 0.0f);
  for (std::int64_t r = 0; r < m.rows; ++r)
    for (std::int64_t k = m.offsets[r]; k < m.offsets[r + 1]; ++k) dense(r, m.columns[k]) = m.values[k];
  return Features(std::move(dense));
}

void validate(const Dataset& d, const std::string& source) {
  const std::int64_t n = d.edges.num_nodes;
  auto fail = [&](const std::string& message) { throw DataError(source, 0, message); };
  if (n <= 0 || n > 2147483647) fail("number of nodes out of range: " + std::to_string(n));
  if (d.edges.source.size() != d.edges.target.size()) fail("edge source and target lists differ in length");
  for (std::size_t i = 0; i < d.edges.source.size(); ++i)
    if (d.edges.source[i] < 0 || d.edges.source[i] >= n || d.edges.target[i] < 0 || d.edges.target[i] >= n)
      fail("edge " + std::to_string(i) + " (" + std::to_string(d.edges.source[i]) + " -> " +
           std::to_string(d.edges.target[i]) + ") has a node id out of range [0, " + std::to_string(n) + ")");
  if (d.features.rows() != n)
    fail(std::to_string(d.features.rows()) + " feature rows for " + std::to_string(n) + " nodes");
  if (d.features.is_sparse()) {
    try {
      d.features.sparse().validate();
    } catch (const InvalidArgument& e) {
      fail(std::string("invalid sparse features: ") + e.what());
    }
  }
  try {
    d.features.check_finite("features");
  } catch (const InvalidArgument& e) {
    fail(e.what());
  }
  if (static_cast<std::int64_t>(d.labels.size()) != n)
    fail(std::to_string(d.labels.size()) + " labels for " + std::to_string(n) + " nodes");
  for (std::size_t i = 0; i < d.labels.size(); ++i)
    if (d.labels[i] < 0 || d.labels[i] >= d.num_classes)
      fail("label of node " + std::to_string(i) + " is " + std::to_string(d.labels[i]) + ", outside [0, " +
           std::to_string(d.num_classes) + ")");
  for (const auto* part : {&d.train, &d.valid, &d.test})
    for (NodeId v : *part)
      if (v < 0 || v >= n) fail("split node " + std::to_string(v) + " out of range [0, " + std::to_string(n) + ")");
  if (!d.node_names.empty() && static_cast<std::int64_t>(d.node_names.size()) != n)
    fail(std::to_string(d.node_names.size()) + " node names for " + std::to_string(n) + " nodes");
}

namespace {

std::vector<NodeId> renamed_sorted(const std::vector<NodeId>& nodes, const Permutation& p) {
  std::vector<NodeId> out;
  out.reserve(nodes.size());
  for (NodeId v : nodes) out.push_back(p.new_id(v));
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

Dataset permuted(const Dataset& d, const Permutation& p) {
  GAT_REQUIRE(p.size() == d.num_nodes(), "permuted: the permutation has ", p.size(), " nodes but the dataset ",
              d.num_nodes());
  Dataset out;
  out.name = d.name;
  out.num_classes = d.num_classes;
  out.warnings = d.warnings;
  out.files = d.files;
  out.edges.num_nodes = d.edges.num_nodes;
  out.edges.source.reserve(d.edges.source.size());
  out.edges.target.reserve(d.edges.target.size());
  for (std::size_t e = 0; e < d.edges.source.size(); ++e) {
    out.edges.source.push_back(p.new_id(d.edges.source[e]));
    out.edges.target.push_back(p.new_id(d.edges.target[e]));
  }
  out.features = d.features.rows_of(p.new_to_old());
  out.labels.resize(d.labels.size());
  for (std::size_t v = 0; v < d.labels.size(); ++v) out.labels[p.new_id(static_cast<NodeId>(v))] = d.labels[v];
  out.train = renamed_sorted(d.train, p);
  out.valid = renamed_sorted(d.valid, p);
  out.test = renamed_sorted(d.test, p);
  if (!d.node_names.empty()) {
    out.node_names.resize(d.node_names.size());
    for (std::size_t v = 0; v < d.node_names.size(); ++v)
      out.node_names[p.new_id(static_cast<NodeId>(v))] = d.node_names[v];
  }
  return out;
}

DatasetStats statistics(const Dataset& d) {
  DatasetStats s;
  s.nodes = d.num_nodes();
  s.directed_edges = d.edges.num_edges();
  s.features = d.features.cols();
  s.classes = d.num_classes;
  s.sparse_features = d.features.is_sparse();
  if (d.features.is_sparse()) {
    s.feature_nonzeros = d.features.sparse().nnz();
  } else {
    const auto& m = d.features.dense();
    for (std::int64_t i = 0; i < m.size(); ++i) s.feature_nonzeros += (m.data()[i] != 0.0f);
  }
  s.density = s.nodes && s.features ? static_cast<double>(s.feature_nonzeros) / (static_cast<double>(s.nodes) * s.features) : 0;
  s.train = static_cast<std::int64_t>(d.train.size());
  s.valid = static_cast<std::int64_t>(d.valid.size());
  s.test = static_cast<std::int64_t>(d.test.size());
  std::vector<char> touched(static_cast<std::size_t>(std::max<std::int64_t>(s.nodes, 0)), 0);
  for (std::int64_t i = 0; i < d.edges.num_edges(); ++i)
    if (d.edges.source[i] != d.edges.target[i]) touched[d.edges.source[i]] = touched[d.edges.target[i]] = 1;
  s.isolated_nodes = std::count(touched.begin(), touched.end(), 0);
  return s;
}

std::filesystem::path default_data_root() {
  if (const char* env = std::getenv("GAT_DATA"); env && *env) return env;
  return "data";
}

}  // namespace gat::io

// ---------------------------------------------------------------------------------------------
#include "gat/core/random.hpp"
#include "io/internal.hpp"

namespace gat::io::detail {

namespace {
// Stable counting sort of positions by key[pos].
std::vector<std::int64_t> counting_order(const std::vector<NodeId>& key, const std::vector<std::int64_t>& in,
                                         std::int64_t buckets) {
  std::vector<std::int64_t> start(static_cast<std::size_t>(buckets) + 1, 0);
  for (std::int64_t p : in) ++start[key[p] + 1];
  for (std::int64_t b = 0; b < buckets; ++b) start[b + 1] += start[b];
  std::vector<std::int64_t> out(in.size());
  for (std::int64_t p : in) out[start[key[p]]++] = p;
  return out;
}
}  // namespace

EdgeList undirected_edges(std::int64_t n, const std::vector<NodeId>& source, const std::vector<NodeId>& target) {
  std::vector<NodeId> src, dst;
  src.reserve(2 * source.size());
  dst.reserve(2 * source.size());
  for (std::size_t i = 0; i < source.size(); ++i) {
    if (source[i] == target[i]) continue;
    src.push_back(source[i]);
    dst.push_back(target[i]);
    src.push_back(target[i]);
    dst.push_back(source[i]);
  }
  std::vector<std::int64_t> order(src.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<std::int64_t>(i);
  order = counting_order(src, order, n);
  order = counting_order(dst, order, n);
  EdgeList out;
  out.num_nodes = n;
  for (std::int64_t p : order) {
    if (!out.source.empty() && out.source.back() == src[p] && out.target.back() == dst[p]) continue;
    out.source.push_back(src[p]);
    out.target.push_back(dst[p]);
  }
  return out;
}

void seeded_split(Dataset& d, std::uint64_t seed, std::int64_t per_class, std::int64_t valid, std::int64_t test) {
  const std::int64_t n = d.num_nodes();
  // A random permutation: sort by a random key (ties broken by index).
  // Clipped on small graphs like the synthetic split: at most a fifth of the nodes train.
  per_class = std::min(per_class, std::max<std::int64_t>(1, n / (5 * std::max<std::int64_t>(d.num_classes, 1))));
  const RandomKey key{seed, 0x5e1175ULL};
  std::vector<std::pair<std::uint64_t, NodeId>> order(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) order[i] = {key.bits(static_cast<std::uint64_t>(i)), static_cast<NodeId>(i)};
  std::sort(order.begin(), order.end());
  std::vector<std::int64_t> taken(static_cast<std::size_t>(std::max(d.num_classes, 1)), 0);
  std::vector<char> used(static_cast<std::size_t>(n), 0);
  d.train.clear();
  d.valid.clear();
  d.test.clear();
  for (const auto& [bits, v] : order)
    if (taken[d.labels[v]] < per_class) {
      ++taken[d.labels[v]];
      used[v] = 1;
      d.train.push_back(v);
    }
  const std::int64_t rest = n - static_cast<std::int64_t>(d.train.size());
  valid = std::min(valid, rest / 3);
  test = std::min(test, rest - valid);
  for (const auto& [bits, v] : order) {
    if (used[v]) continue;
    if (static_cast<std::int64_t>(d.valid.size()) < valid)
      d.valid.push_back(v);
    else if (static_cast<std::int64_t>(d.test.size()) < test)
      d.test.push_back(v);
    else
      break;
  }
  std::sort(d.train.begin(), d.train.end());
  std::sort(d.valid.begin(), d.valid.end());
  std::sort(d.test.begin(), d.test.end());
}

}  // namespace gat::io::detail
