#include "gat/train/loss.hpp"

#include <algorithm>
#include <cmath>

#include "gat/core/check.hpp"

namespace gat::train {

namespace {
template <class T>
void check_nodes(std::span<const NodeId> nodes, std::int64_t rows, const char* what) {
  GAT_REQUIRE(!nodes.empty(), what, ": the node subset is empty; nothing to average over");
  for (NodeId n : nodes)
    GAT_REQUIRE(n >= 0 && n < rows, what, ": node ", n, " is outside [0, ", rows, ")");
}
}  // namespace

template <class T>
double softmax_cross_entropy(MatrixView<const T> logits, std::span<const std::int32_t> labels,
                             std::span<const NodeId> nodes, BasicMatrix<T>* d_logits) {
  const std::int64_t n = logits.rows(), c = logits.cols();
  GAT_REQUIRE(static_cast<std::int64_t>(labels.size()) == n, "softmax_cross_entropy: ", labels.size(),
              " labels for ", n, " rows of logits");
  check_nodes<T>(nodes, n, "softmax_cross_entropy");
  if (d_logits) d_logits->resize(n, c);
  const double inv = 1.0 / static_cast<double>(nodes.size());
  double total = 0;
  for (NodeId node : nodes) {
    const std::int32_t label = labels[node];
    GAT_REQUIRE(label >= 0 && label < c, "softmax_cross_entropy: node ", node, " has label ", label,
                " outside [0, ", c, ")");
    const T* row = logits.row_ptr(node);
    double mx = row[0];
    for (std::int64_t k = 1; k < c; ++k) mx = std::max<double>(mx, row[k]);
    double sum = 0;
    for (std::int64_t k = 0; k < c; ++k) sum += std::exp(static_cast<double>(row[k]) - mx);
    const double log_sum = std::log(sum) + mx;
    total += log_sum - row[label];
    if (d_logits) {
      T* d = d_logits->row_ptr(node);
      for (std::int64_t k = 0; k < c; ++k)
        d[k] = static_cast<T>((std::exp(static_cast<double>(row[k]) - log_sum) - (k == label ? 1.0 : 0.0)) * inv);
    }
  }
  return total * inv;
}

template <class T>
double binary_cross_entropy_with_logits(MatrixView<const T> logits, MatrixView<const T> targets,
                                        std::span<const NodeId> nodes, BasicMatrix<T>* d_logits) {
  const std::int64_t n = logits.rows(), c = logits.cols();
  GAT_REQUIRE(targets.rows() == n && targets.cols() == c, "binary_cross_entropy_with_logits: targets are ",
              targets.rows(), "x", targets.cols(), " but logits are ", n, "x", c);
  check_nodes<T>(nodes, n, "binary_cross_entropy_with_logits");
  if (d_logits) d_logits->resize(n, c);
  const double inv = 1.0 / (static_cast<double>(nodes.size()) * static_cast<double>(c));
  double total = 0;
  for (NodeId node : nodes) {
    for (std::int64_t k = 0; k < c; ++k) {
      const double x = logits(node, k), y = targets(node, k);
      // max(x, 0) - x*y + log(1 + exp(-|x|)): no overflow for large |x|.
      total += std::max(x, 0.0) - x * y + std::log1p(std::exp(-std::abs(x)));
      if (d_logits) (*d_logits)(node, k) = static_cast<T>((1.0 / (1.0 + std::exp(-x)) - y) * inv);
    }
  }
  return total * inv;
}

template double softmax_cross_entropy<float>(MatrixView<const float>, std::span<const std::int32_t>,
                                             std::span<const NodeId>, BasicMatrix<float>*);
template double softmax_cross_entropy<double>(MatrixView<const double>, std::span<const std::int32_t>,
                                              std::span<const NodeId>, BasicMatrix<double>*);
template double binary_cross_entropy_with_logits<float>(MatrixView<const float>, MatrixView<const float>,
                                                        std::span<const NodeId>, BasicMatrix<float>*);
template double binary_cross_entropy_with_logits<double>(MatrixView<const double>, MatrixView<const double>,
                                                         std::span<const NodeId>, BasicMatrix<double>*);

}  // namespace gat::train
