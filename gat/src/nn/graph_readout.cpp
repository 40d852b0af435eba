#include "gat/nn/graph_readout.hpp"

#include "gat/core/check.hpp"

namespace gat::nn {

std::string to_string(ReadoutKind kind) {
  switch (kind) {
    case ReadoutKind::mean: return "mean";
    case ReadoutKind::sum: return "sum";
    case ReadoutKind::max: return "max";
    case ReadoutKind::attention: return "attention";
  }
  return "mean";
}

ReadoutKind readout_from_string(const std::string& name) {
  for (auto kind : {ReadoutKind::mean, ReadoutKind::sum, ReadoutKind::max, ReadoutKind::attention})
    if (to_string(kind) == name) return kind;
  throw InvalidArgument("unknown readout '" + name + "'; expected mean, sum, max or attention");
}

template <class T>
GraphReadout<T>::GraphReadout(ReadoutKind kind, std::int64_t features, std::uint64_t seed, std::int64_t attention_dim)
    : kind_(kind), F_(features) {
  GAT_REQUIRE(features > 0, "GraphReadout: features must be positive, got ", features);
  if (kind == ReadoutKind::attention) {
    pooling_ = std::make_unique<attention::AttentionPooling<T>>(
        attention::AttentionPoolingOptions{.in_features = features, .attention_dim = attention_dim, .seed = seed});
    this->register_module("pool", *pooling_);
  }
}

template <class T>
const BasicMatrix<T>& GraphReadout<T>::forward(MatrixView<const T> x, std::span<const std::int64_t> offsets) {
  GAT_REQUIRE(x.cols() == F_, "GraphReadout: x has ", x.cols(), " columns, expected ", F_);
  GAT_REQUIRE(offsets.size() >= 2 && offsets.front() == 0 && offsets.back() == x.rows(),
              "GraphReadout: offsets must start at 0 and end at x.rows() = ", x.rows());
  for (std::size_t g = 1; g < offsets.size(); ++g)
    GAT_REQUIRE(offsets[g] > offsets[g - 1], "GraphReadout: graph ", g - 1, " has no nodes");
  offsets_.assign(offsets.begin(), offsets.end());
  const auto G = static_cast<std::int64_t>(offsets.size()) - 1;
  if (pooling_) return pooling_->forward(x, offsets);
  out_.resize(G, F_);
  if (kind_ == ReadoutKind::max) argmax_.assign(static_cast<std::size_t>(G * F_), 0);
  for (std::int64_t g = 0; g < G; ++g) {
    const std::int64_t b = offsets[g], e = offsets[g + 1];
    T* out = out_.row_ptr(g);
    if (kind_ == ReadoutKind::max) {
      for (std::int64_t f = 0; f < F_; ++f) {
        std::int64_t best = b;
        for (std::int64_t r = b + 1; r < e; ++r)
          if (x(r, f) > x(best, f)) best = r;
        out[f] = x(best, f);
        argmax_[static_cast<std::size_t>(g * F_ + f)] = best;
      }
      continue;
    }
    for (std::int64_t r = b; r < e; ++r)
      for (std::int64_t f = 0; f < F_; ++f) out[f] += x(r, f);
    if (kind_ == ReadoutKind::mean)
      for (std::int64_t f = 0; f < F_; ++f) out[f] /= static_cast<T>(e - b);
  }
  return out_;
}

template <class T>
const BasicMatrix<T>& GraphReadout<T>::backward(MatrixView<const T> d_out) {
  const auto G = static_cast<std::int64_t>(offsets_.size()) - 1;
  GAT_REQUIRE(G >= 1, "GraphReadout::backward: call forward first");
  GAT_REQUIRE(d_out.rows() == G && d_out.cols() == F_, "GraphReadout::backward: d_out is ", d_out.rows(), "x",
              d_out.cols(), ", expected ", G, "x", F_);
  d_x_.resize(offsets_.back(), F_);
  if (pooling_) {
    pooling_->backward(d_out, d_x_.view());
    return d_x_;
  }
  for (std::int64_t g = 0; g < G; ++g) {
    const std::int64_t b = offsets_[g], e = offsets_[g + 1];
    if (kind_ == ReadoutKind::max) {
      for (std::int64_t f = 0; f < F_; ++f) d_x_(argmax_[static_cast<std::size_t>(g * F_ + f)], f) = d_out(g, f);
      continue;
    }
    const T scale = kind_ == ReadoutKind::mean ? T(1) / static_cast<T>(e - b) : T(1);
    for (std::int64_t r = b; r < e; ++r)
      for (std::int64_t f = 0; f < F_; ++f) d_x_(r, f) = scale * d_out(g, f);
  }
  return d_x_;
}

template <class T>
MatrixView<const T> GraphReadout<T>::weights() const noexcept {
  return pooling_ ? pooling_->weights().view() : MatrixView<const T>{};
}

template class GraphReadout<float>;
template class GraphReadout<double>;

}  // namespace gat::nn
