#include "gat/nn/dropout.hpp"

#include <bit>
#include <cstdint>
#include <type_traits>

#include "gat/core/parallel.hpp"

namespace gat::nn {

namespace {
// Branch-free (the drop decision is a coin flip, so a branch mispredicts half the time): the
// draws are exactly key.bernoulli(index, p) (BernoulliSampler's bits, hashed by for_each_bits24),
// and the kept value is and-ed with an all-ones or all-zeros mask, so a dropped inf or NaN is
// still 0. Not inlined, so that the one-thread path and the OpenMP region run the same code.
// With kRecord, the mask goes to kept too (1: kept).
template <bool kRecord, class T>
[[gnu::noinline]] void mask_range_impl(const BernoulliSampler& s, std::uint64_t first, const T* src, T* dst,
                                       std::int64_t n, T scale, std::uint8_t* kept) {  // src may be dst
  using U = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
  const std::uint32_t threshold = static_cast<std::uint32_t>(s.threshold);
  for_each_bits24(s.base, first, n, [&](std::int64_t c, std::uint32_t bits) {
    const bool kept_here = bits >= threshold;
    if constexpr (kRecord) kept[c] = static_cast<std::uint8_t>(kept_here);
    const U keep = static_cast<U>(0) - static_cast<U>(kept_here);
    dst[c] = std::bit_cast<T>(static_cast<U>(std::bit_cast<U>(src[c] * scale) & keep));
  });
}
template <class T>
void mask_range(const BernoulliSampler& s, std::uint64_t first, const T* src, T* dst, std::int64_t n, T scale,
                std::uint8_t* kept = nullptr) {
  if (kept)
    mask_range_impl<true>(s, first, src, dst, n, scale, kept);
  else
    mask_range_impl<false>(s, first, src, dst, n, scale, kept);
}

template <class T>
void apply_mask(MatrixView<const T> in, float p, RandomKey key, MatrixView<T> out, std::int64_t first_row = 0,
                std::uint8_t* kept = nullptr) {
  const T scale = T(1) / (T(1) - static_cast<T>(p));
  const std::int64_t cols = in.cols();
  const BernoulliSampler sampler(key, p);
  parallel_for(in.rows(), 256, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t r = begin; r < end; ++r)
      mask_range(sampler, static_cast<std::uint64_t>((first_row + r) * cols), in.row_ptr(r), out.row_ptr(r), cols,
                 scale, kept ? kept + r * cols : nullptr);
  });
}

void check_probability(float p) {
  GAT_REQUIRE(p >= 0.0f && p < 1.0f, "dropout probability must be in [0, 1), got ", p);
}
}  // namespace

template <class T>
void dropout_forward(MatrixView<const T> in, float p, RandomKey key, MatrixView<T> out) {
  check_probability(p);
  GAT_REQUIRE(in.rows() == out.rows() && in.cols() == out.cols(), "dropout: output is ", out.rows(), "x", out.cols(),
              ", input is ", in.rows(), "x", in.cols());
  apply_mask(in, p, key, out);
}

template <class T>
void dropout_forward_rows(MatrixView<const T> in, float p, RandomKey key, std::int64_t first_row, MatrixView<T> out) {
  check_probability(p);
  GAT_REQUIRE(in.rows() == out.rows() && in.cols() == out.cols(), "dropout: output is ", out.rows(), "x", out.cols(),
              ", input is ", in.rows(), "x", in.cols());
  GAT_REQUIRE(first_row >= 0, "dropout: first_row must not be negative, got ", first_row);
  apply_mask(in, p, key, out, first_row);
}

template <class T>
void dropout_backward(MatrixView<const T> d_out, float p, RandomKey key, MatrixView<T> d_in) {
  dropout_forward(d_out, p, key, d_in);
}

template <class T>
void dropout_forward_keep(MatrixView<const T> in, float p, RandomKey key, MatrixView<T> out,
                          std::vector<std::uint8_t>& keep) {
  check_probability(p);
  GAT_REQUIRE(in.rows() == out.rows() && in.cols() == out.cols(), "dropout: output is ", out.rows(), "x", out.cols(),
              ", input is ", in.rows(), "x", in.cols());
  keep.resize(static_cast<std::size_t>(in.rows() * in.cols()));
  apply_mask(in, p, key, out, 0, keep.data());
}

template <class T>
void dropout_backward_kept(MatrixView<const T> d_out, float p, std::span<const std::uint8_t> keep, MatrixView<T> d_in) {
  check_probability(p);
  GAT_REQUIRE(d_out.rows() == d_in.rows() && d_out.cols() == d_in.cols(), "dropout backward: input gradient is ",
              d_in.rows(), "x", d_in.cols(), ", output gradient is ", d_out.rows(), "x", d_out.cols());
  GAT_REQUIRE(static_cast<std::int64_t>(keep.size()) == d_out.rows() * d_out.cols(), "dropout backward: the kept mask has ",
              keep.size(), " entries for a ", d_out.rows(), "x", d_out.cols(), " gradient");
  using U = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
  const T scale = T(1) / (T(1) - static_cast<T>(p));
  const std::int64_t cols = d_out.cols();
  parallel_for(d_out.rows(), 256, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t r = begin; r < end; ++r) {
      const T* src = d_out.row_ptr(r);
      T* dst = d_in.row_ptr(r);
      const std::uint8_t* k = keep.data() + r * cols;
#pragma omp simd
      for (std::int64_t c = 0; c < cols; ++c)
        dst[c] = std::bit_cast<T>(static_cast<U>(std::bit_cast<U>(src[c] * scale) & (static_cast<U>(0) - static_cast<U>(k[c]))));
    }
  });
}

template <class T>
void dropout_forward(const BasicCsrMatrix<T>& in, float p, RandomKey key, BasicCsrMatrix<T>& out) {
  check_probability(p);
  const T scale = T(1) / (T(1) - static_cast<T>(p));
  out.rows = in.rows;
  out.cols = in.cols;
  out.offsets = in.offsets;
  out.columns = in.columns;
  out.values.resize(in.values.size());
  mask_range(BernoulliSampler(key, p), 0, in.values.data(), out.values.data(),
             static_cast<std::int64_t>(in.values.size()), scale);
}

template <class T>
Dropout<T>::Dropout(float p) : p_(p) {
  check_probability(p);
}

template <class T>
LayerInput<T> Dropout<T>::forward(const ForwardContext& ctx, const LayerInput<T>& x) {
  last_was_active_ = this->is_training() && p_ > 0;
  if (!last_was_active_) return x;
  const RandomKey key = this->layer_key(ctx);
  if (x.is_sparse()) {
    dropout_forward(*x.sparse, p_, key, sparse_out_);
    return {{}, &sparse_out_};
  }
  out_.resize_uninitialized(x.rows(), x.cols());
  dropout_forward(x.dense, p_, key, out_.view());
  return LayerInput<T>::of(out_.view());
}

template <class T>
MatrixView<const T> Dropout<T>::backward(const ForwardContext& ctx, MatrixView<const T> d_out, bool want_input_grad) {
  if (!want_input_grad) return {};
  if (!last_was_active_) return d_out;
  d_in_.resize_uninitialized(d_out.rows(), d_out.cols());
  dropout_backward(d_out, p_, this->layer_key(ctx), d_in_.view());
  return d_in_.view();
}

template void dropout_forward<float>(MatrixView<const float>, float, RandomKey, MatrixView<float>);
template void dropout_forward<double>(MatrixView<const double>, float, RandomKey, MatrixView<double>);
template void dropout_forward_rows<float>(MatrixView<const float>, float, RandomKey, std::int64_t, MatrixView<float>);
template void dropout_forward_rows<double>(MatrixView<const double>, float, RandomKey, std::int64_t,
                                           MatrixView<double>);
template void dropout_forward_keep<float>(MatrixView<const float>, float, RandomKey, MatrixView<float>,
                                         std::vector<std::uint8_t>&);
template void dropout_forward_keep<double>(MatrixView<const double>, float, RandomKey, MatrixView<double>,
                                          std::vector<std::uint8_t>&);
template void dropout_backward_kept<float>(MatrixView<const float>, float, std::span<const std::uint8_t>, MatrixView<float>);
template void dropout_backward_kept<double>(MatrixView<const double>, float, std::span<const std::uint8_t>,
                                           MatrixView<double>);
template void dropout_backward<float>(MatrixView<const float>, float, RandomKey, MatrixView<float>);
template void dropout_backward<double>(MatrixView<const double>, float, RandomKey, MatrixView<double>);
template void dropout_forward<float>(const BasicCsrMatrix<float>&, float, RandomKey, BasicCsrMatrix<float>&);
template void dropout_forward<double>(const BasicCsrMatrix<double>&, float, RandomKey, BasicCsrMatrix<double>&);
template class Dropout<float>;
template class Dropout<double>;

}  // namespace gat::nn
