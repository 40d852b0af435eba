#pragma once
// Helpers shared by the attention tests: random graphs and the loss sum(out .* R).
#include <cstdint>
#include <vector>

#include "gat/core/random.hpp"
#include "gat/graph/graph.hpp"
#include "gat/tensor/matrix.hpp"

namespace attn_test {

// A random multigraph (self-loops and repeated edges allowed) in which node `isolated` (if >= 0)
// has no incoming edge.
inline gat::Graph random_graph(std::int64_t n, std::int64_t m, std::uint64_t seed, std::int64_t isolated = -1) {
  gat::RandomKey key{seed, 99};
  std::vector<gat::NodeId> src, dst;
  for (std::int64_t k = 0; src.size() < static_cast<std::size_t>(m); ++k) {
    const auto s = static_cast<gat::NodeId>(key.bits(2 * k) % static_cast<std::uint64_t>(n));
    const auto t = static_cast<gat::NodeId>(key.bits(2 * k + 1) % static_cast<std::uint64_t>(n));
    if (t == isolated) continue;
    src.push_back(s);
    dst.push_back(t);
  }
  return gat::Graph::from_edges(n, src, dst);
}

// sum(a .* b)
template <class T>
double dot_all(const gat::BasicMatrix<T>& a, const gat::BasicMatrix<T>& b) {
  double acc = 0;
  for (std::int64_t i = 0; i < a.size(); ++i) acc += static_cast<double>(a.data()[i]) * static_cast<double>(b.data()[i]);
  return acc;
}

template <class T>
bool bitwise_equal(const gat::BasicMatrix<T>& a, const gat::BasicMatrix<T>& b) {
  if (a.rows() != b.rows() || a.cols() != b.cols()) return false;
  for (std::int64_t i = 0; i < a.size(); ++i)
    if (a.data()[i] != b.data()[i]) return false;
  return true;
}

template <class T>
bool all_finite(const gat::BasicMatrix<T>& a) {
  for (std::int64_t i = 0; i < a.size(); ++i)
    if (!(a.data()[i] == a.data()[i]) || a.data()[i] - a.data()[i] != 0) return false;
  return true;
}

}  // namespace attn_test
