#pragma once
// Dense attention score functions: pluggable structs used as the Score template parameter of
// dense_attention_forward/backward (dense_attention.hpp). Adding a score function touches
// neither the softmax nor the aggregation; a Score provides
//   void forward(Q, K, S) const        S (n_q x n_k) = score of every (query, key) pair
//   void backward(Q, K, dS, dQ, dK)    dQ += dL/dQ, dK += dL/dK, and accumulates its own
//                                      parameter gradients (the d* views it holds)
// Q: n_q x d_q, K: n_k x d_k. Parameters are views (typically of a Parameter's value and grad).
#include <cmath>
#include <cstdint>

#include "gat/attention/graph_attention.hpp"
#include "gat/core/check.hpp"
#include "gat/tensor/matmul.hpp"

namespace gat::attention {

namespace detail {
template <class T>
void require_dense_shape(const char* fn, const char* arg, MatrixView<const T> m, std::int64_t rows,
                         std::int64_t cols) {
  GAT_REQUIRE(m.rows() == rows && m.cols() == cols, fn, ": ", arg, " is ", m.rows(), "x", m.cols(), ", expected ",
              rows, "x", cols);
}
}  // namespace detail

// Dot product (Luong et al. 2015 "dot"): s = scale * q.k, scale = 1 by default. d_q == d_k.
template <class T>
struct DotProductScorer {
  T scale = T(1);

  void forward(In<T> q, In<T> k, MatrixView<T> s) const {
    GAT_REQUIRE(q.cols() == k.cols(), "dot score: Q has ", q.cols(), " columns but K has ", k.cols(),
                "; dot-product scores need d_q == d_k");
    matmul_nt<T>(q, k, s);
    if (scale != T(1))
      for (std::int64_t i = 0; i < s.rows(); ++i)
        for (std::int64_t j = 0; j < s.cols(); ++j) s(i, j) *= scale;
  }
  void backward(In<T> q, In<T> k, In<T> ds, MatrixView<T> dq, MatrixView<T> dk) const {
    BasicMatrix<T> scaled = BasicMatrix<T>::from_view(ds);
    if (scale != T(1))
      for (auto& x : scaled.flat()) x *= scale;
    matmul<T>(scaled.view(), k, dq, Accumulate::yes);     // dQ += dS K
    matmul_tn<T>(scaled.view(), q, dk, Accumulate::yes);  // dK += dS^T Q
  }
};

// Scaled dot product (Vaswani et al. 2017): s = q.k / sqrt(d).
template <class T>
struct ScaledDotProductScorer {
  static DotProductScorer<T> inner(In<T> q) { return {T(1) / std::sqrt(static_cast<T>(q.cols()))}; }
  void forward(In<T> q, In<T> k, MatrixView<T> s) const { inner(q).forward(q, k, s); }
  void backward(In<T> q, In<T> k, In<T> ds, MatrixView<T> dq, MatrixView<T> dk) const {
    inner(q).backward(q, k, ds, dq, dk);
  }
};

// Bilinear (Luong et al. 2015 "general"): s = q^T W k, W: d_q x d_k; dW accumulates.
template <class T>
struct BilinearScorer {
  MatrixView<const T> W;
  MatrixView<T> dW{};

  void forward(In<T> q, In<T> k, MatrixView<T> s) const {
    detail::require_dense_shape<T>("bilinear score", "W", W, q.cols(), k.cols());
    BasicMatrix<T> qw(q.rows(), W.cols());
    matmul<T>(q, W, qw.view());
    matmul_nt<T>(qw.view(), k, s);
  }
  void backward(In<T> q, In<T> k, In<T> ds, MatrixView<T> dq, MatrixView<T> dk) const {
    BasicMatrix<T> dsk(q.rows(), k.cols()), qw(q.rows(), k.cols());
    matmul<T>(ds, k, dsk.view());                            // dS K       (n_q x d_k)
    matmul_nt<T>(dsk.view(), W, dq, Accumulate::yes);        // dQ += dS K W^T
    matmul<T>(q, W, qw.view());                              // Q W        (n_q x d_k)
    matmul_tn<T>(ds, qw.view(), dk, Accumulate::yes);        // dK += dS^T Q W
    if (dW.data()) matmul_tn<T>(q, dsk.view(), dW, Accumulate::yes);  // dW += Q^T dS K
  }
};

// Additive (Bahdanau et al. 2015): s = v^T act(W_q q + W_k k), act = tanh (the paper) or
// LeakyReLU (GATv2). W_q: d_a x d_q, W_k: d_a x d_k, v: 1 x d_a; the d* views accumulate.
template <class T>
struct AdditiveScorer {
  MatrixView<const T> W_q, W_k, v;
  MatrixView<T> dW_q{}, dW_k{}, dv{};
  AdditiveScore options{AdditiveScore::Activation::tanh, 0.2};

  T act(T z) const {
    if (options.activation == AdditiveScore::Activation::tanh) return std::tanh(z);
    return z > 0 ? z : static_cast<T>(options.negative_slope) * z;
  }
  T dact(T z) const {
    if (options.activation == AdditiveScore::Activation::tanh) {
      const T t = std::tanh(z);
      return T(1) - t * t;
    }
    return z > 0 ? T(1) : static_cast<T>(options.negative_slope);
  }
  void project(In<T> q, In<T> k, BasicMatrix<T>& a, BasicMatrix<T>& b) const {
    const std::int64_t da = v.cols();
    detail::require_dense_shape<T>("additive score", "v", v, 1, da);
    detail::require_dense_shape<T>("additive score", "W_q", W_q, da, q.cols());
    detail::require_dense_shape<T>("additive score", "W_k", W_k, da, k.cols());
    a.resize(q.rows(), da);
    b.resize(k.rows(), da);
    matmul_nt<T>(q, W_q, a.view());
    matmul_nt<T>(k, W_k, b.view());
  }
  void forward(In<T> q, In<T> k, MatrixView<T> s) const {
    BasicMatrix<T> a, b;
    project(q, k, a, b);
    for (std::int64_t i = 0; i < q.rows(); ++i)
      for (std::int64_t j = 0; j < k.rows(); ++j) {
        T acc = 0;
        for (std::int64_t c = 0; c < v.cols(); ++c) acc += v(0, c) * act(a(i, c) + b(j, c));
        s(i, j) = acc;
      }
  }
  void backward(In<T> q, In<T> k, In<T> ds, MatrixView<T> dq, MatrixView<T> dk) const {
    BasicMatrix<T> a, b;
    project(q, k, a, b);
    BasicMatrix<T> da(a.rows(), a.cols()), db(b.rows(), b.cols());
    for (std::int64_t i = 0; i < q.rows(); ++i)
      for (std::int64_t j = 0; j < k.rows(); ++j) {
        const T g = ds(i, j);
        if (g == T(0)) continue;
        for (std::int64_t c = 0; c < v.cols(); ++c) {
          const T z = a(i, c) + b(j, c);
          const T gz = g * v(0, c) * dact(z);
          da(i, c) += gz;
          db(j, c) += gz;
          if (dv.data()) dv(0, c) += g * act(z);
        }
      }
    matmul<T>(da.view(), W_q, dq, Accumulate::yes);
    matmul<T>(db.view(), W_k, dk, Accumulate::yes);
    if (dW_q.data()) matmul_tn<T>(da.view(), q, dW_q, Accumulate::yes);
    if (dW_k.data()) matmul_tn<T>(db.view(), k, dW_k, Accumulate::yes);
  }
};

// Concat, the GAT form (Velickovic et al. 2018): s = LeakyReLU(a^T [q || k])
// = LeakyReLU(a_q . q + a_k . k). a_q: 1 x d_q, a_k: 1 x d_k; the d* views accumulate.
template <class T>
struct ConcatScorer {
  MatrixView<const T> a_q, a_k;
  MatrixView<T> da_q{}, da_k{};
  double negative_slope = 0.2;

  void halves(In<T> q, In<T> k, BasicMatrix<T>& sq, BasicMatrix<T>& sk) const {
    detail::require_dense_shape<T>("concat score", "a_q", a_q, 1, q.cols());
    detail::require_dense_shape<T>("concat score", "a_k", a_k, 1, k.cols());
    sq.resize(q.rows(), 1);
    sk.resize(k.rows(), 1);
    matmul_nt<T>(q, a_q, sq.view());
    matmul_nt<T>(k, a_k, sk.view());
  }
  void forward(In<T> q, In<T> k, MatrixView<T> s) const {
    BasicMatrix<T> sq, sk;
    halves(q, k, sq, sk);
    const T slope = static_cast<T>(negative_slope);
    for (std::int64_t i = 0; i < q.rows(); ++i)
      for (std::int64_t j = 0; j < k.rows(); ++j) {
        const T z = sq(i, 0) + sk(j, 0);
        s(i, j) = z > 0 ? z : slope * z;
      }
  }
  void backward(In<T> q, In<T> k, In<T> ds, MatrixView<T> dq, MatrixView<T> dk) const {
    BasicMatrix<T> sq, sk;
    halves(q, k, sq, sk);
    const T slope = static_cast<T>(negative_slope);
    BasicMatrix<T> dsq(q.rows(), 1), dsk(k.rows(), 1);
    for (std::int64_t i = 0; i < q.rows(); ++i)
      for (std::int64_t j = 0; j < k.rows(); ++j) {
        const T z = sq(i, 0) + sk(j, 0);
        const T g = ds(i, j) * (z > 0 ? T(1) : slope);
        dsq(i, 0) += g;
        dsk(j, 0) += g;
      }
    matmul<T>(dsq.view(), a_q, dq, Accumulate::yes);
    matmul<T>(dsk.view(), a_k, dk, Accumulate::yes);
    if (da_q.data()) matmul_tn<T>(dsq.view(), q, da_q, Accumulate::yes);
    if (da_k.data()) matmul_tn<T>(dsk.view(), k, da_k, Accumulate::yes);
  }
};

}  // namespace gat::attention
