#include "gat/train/metrics.hpp"

#include "gat/core/check.hpp"

namespace gat::train {

template <class T>
std::vector<std::int32_t> predict_classes(MatrixView<const T> logits) {
  std::vector<std::int32_t> out(static_cast<std::size_t>(logits.rows()));
  for (std::int64_t r = 0; r < logits.rows(); ++r) {
    std::int64_t best = 0;
    for (std::int64_t c = 1; c < logits.cols(); ++c)
      if (logits(r, c) > logits(r, best)) best = c;
    out[r] = static_cast<std::int32_t>(best);
  }
  return out;
}

template <class T>
double accuracy(MatrixView<const T> logits, std::span<const std::int32_t> labels, std::span<const NodeId> nodes) {
  GAT_REQUIRE(static_cast<std::int64_t>(labels.size()) == logits.rows(), "accuracy: ", labels.size(),
              " labels for ", logits.rows(), " rows of logits");
  if (nodes.empty()) return 0.0;
  std::int64_t correct = 0;
  for (NodeId n : nodes) {
    GAT_REQUIRE(n >= 0 && n < logits.rows(), "accuracy: node ", n, " is outside [0, ", logits.rows(), ")");
    std::int64_t best = 0;
    for (std::int64_t c = 1; c < logits.cols(); ++c)
      if (logits(n, c) > logits(n, best)) best = c;
    correct += best == labels[n];
  }
  return static_cast<double>(correct) / static_cast<double>(nodes.size());
}

template <class T>
double micro_f1(MatrixView<const T> logits, MatrixView<const T> targets, std::span<const NodeId> nodes) {
  GAT_REQUIRE(targets.rows() == logits.rows() && targets.cols() == logits.cols(), "micro_f1: targets are ",
              targets.rows(), "x", targets.cols(), " but logits are ", logits.rows(), "x", logits.cols());
  std::int64_t tp = 0, fp = 0, fn = 0;
  for (NodeId n : nodes)
    for (std::int64_t c = 0; c < logits.cols(); ++c) {
      const bool predicted = logits(n, c) > 0, actual = targets(n, c) > T(0.5);
      tp += predicted && actual;
      fp += predicted && !actual;
      fn += !predicted && actual;
    }
  return tp == 0 ? 0.0 : 2.0 * tp / static_cast<double>(2 * tp + fp + fn);
}

template std::vector<std::int32_t> predict_classes<float>(MatrixView<const float>);
template std::vector<std::int32_t> predict_classes<double>(MatrixView<const double>);
template double accuracy<float>(MatrixView<const float>, std::span<const std::int32_t>, std::span<const NodeId>);
template double accuracy<double>(MatrixView<const double>, std::span<const std::int32_t>, std::span<const NodeId>);
template double micro_f1<float>(MatrixView<const float>, MatrixView<const float>, std::span<const NodeId>);
template double micro_f1<double>(MatrixView<const double>, MatrixView<const double>, std::span<const NodeId>);

template <class T>
void LabelCounts::add(MatrixView<const T> logits, MatrixView<const T> targets, std::span<const NodeId> nodes) {
  GAT_REQUIRE(targets.rows() == logits.rows() && targets.cols() == logits.cols(), "LabelCounts: targets are ",
              targets.rows(), "x", targets.cols(), " but logits are ", logits.rows(), "x", logits.cols());
  const auto c = static_cast<std::size_t>(logits.cols());
  GAT_REQUIRE(tp.empty() || tp.size() == c, "LabelCounts: ", c, " labels after ", tp.size());
  tp.resize(c);
  fp.resize(c);
  fn.resize(c);
  for (NodeId n : nodes) {
    GAT_REQUIRE(n >= 0 && n < logits.rows(), "LabelCounts: node ", n, " is outside [0, ", logits.rows(), ")");
    for (std::size_t k = 0; k < c; ++k) {
      const bool predicted = logits(n, k) > 0, actual = targets(n, k) > T(0.5);
      tp[k] += predicted && actual;
      fp[k] += predicted && !actual;
      fn[k] += !predicted && actual;
    }
  }
}

namespace {
double f1(std::int64_t tp, std::int64_t fp, std::int64_t fn) {
  return tp == 0 ? 0.0 : 2.0 * static_cast<double>(tp) / static_cast<double>(2 * tp + fp + fn);
}
}  // namespace

double LabelCounts::micro_f1() const {
  std::int64_t t = 0, p = 0, n = 0;
  for (std::size_t k = 0; k < tp.size(); ++k) {
    t += tp[k];
    p += fp[k];
    n += fn[k];
  }
  return f1(t, p, n);
}

double LabelCounts::macro_f1() const {
  if (tp.empty()) return 0.0;
  double sum = 0;
  for (std::size_t k = 0; k < tp.size(); ++k) sum += f1(tp[k], fp[k], fn[k]);
  return sum / static_cast<double>(tp.size());
}

template <class T>
double macro_f1(MatrixView<const T> logits, MatrixView<const T> targets, std::span<const NodeId> nodes) {
  LabelCounts counts;
  counts.add(logits, targets, nodes);
  return counts.macro_f1();
}

template void LabelCounts::add<float>(MatrixView<const float>, MatrixView<const float>, std::span<const NodeId>);
template void LabelCounts::add<double>(MatrixView<const double>, MatrixView<const double>, std::span<const NodeId>);
template double macro_f1<float>(MatrixView<const float>, MatrixView<const float>, std::span<const NodeId>);
template double macro_f1<double>(MatrixView<const double>, MatrixView<const double>, std::span<const NodeId>);

}  // namespace gat::train
