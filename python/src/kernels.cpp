// The fused GAT attention (gat::attention::gat_attention_forward / backward / weights) over
// caller-owned arrays, for gat.torch's autograd Function: inputs are read and outputs written in
// place (torch tensors through their NumPy views), float32 or float64 (the kernels are
// instantiated for both, which is what torch.autograd.gradcheck runs in double). What the
// backward pass needs from the forward (the softmax max and sum per node and head) stays in a
// gat.AttentionState; the dropout mask is regenerated from its seed, never stored.
#include <pybind11/stl.h>

#include <variant>

#include "arrays.hpp"
#include "bindings.hpp"
#include "gat/attention/graph_attention.hpp"

namespace gat::python {

namespace {

using namespace pybind11::literals;
namespace at = gat::attention;

struct AttentionState {
  std::variant<at::GraphAttentionState<float>, at::GraphAttentionState<double>> state;
};

// Dropout stream of the torch layer's kernels (any fixed number: the seed varies per call).
constexpr std::uint64_t kTorchDropoutStream = 0x70726368;

at::AttentionDropout dropout_of(float p, std::uint64_t seed) {
  if (!(p >= 0 && p < 1)) throw InvalidArgument("dropout must be in [0, 1), got " + std::to_string(p));
  return {p, RandomKey{seed, kTorchDropoutStream}};
}

at::ConcatScore score_of(double negative_slope) {
  at::ConcatScore s;
  s.negative_slope = negative_slope;
  return s;
}

template <class T>
std::shared_ptr<AttentionState> forward(const Graph& g, const py::array& src, const py::array& dst,
                                        const py::array& values, std::int64_t heads, double negative_slope, float p,
                                        std::uint64_t seed, py::array& out) {
  auto state = std::make_shared<AttentionState>();
  auto& s = state->state.template emplace<at::GraphAttentionState<T>>();
  const auto src_v = matrix_in<T>(src, "alpha_src"), dst_v = matrix_in<T>(dst, "alpha_dst");
  const auto values_v = matrix_in<T>(values, "values");
  const auto out_v = matrix_out<T>(out, "out");
  py::gil_scoped_release unlocked;
  at::gat_attention_forward<T>(g, src_v, dst_v, values_v, heads, score_of(negative_slope), dropout_of(p, seed),
                               out_v, s);
  return state;
}

template <class T>
void backward(const Graph& g, const py::array& src, const py::array& dst, const py::array& values,
              std::int64_t heads, double negative_slope, float p, std::uint64_t seed, const AttentionState& state,
              const py::array& d_out, py::array& d_src, py::array& d_dst, py::array& d_values) {
  const auto* s = std::get_if<at::GraphAttentionState<T>>(&state.state);
  if (!s) throw InvalidArgument("the attention state was computed in another dtype than these inputs");
  const auto src_v = matrix_in<T>(src, "alpha_src"), dst_v = matrix_in<T>(dst, "alpha_dst");
  const auto values_v = matrix_in<T>(values, "values"), d_out_v = matrix_in<T>(d_out, "grad_out");
  const auto d_src_v = matrix_out<T>(d_src, "grad_alpha_src"), d_dst_v = matrix_out<T>(d_dst, "grad_alpha_dst");
  const auto d_values_v = matrix_out<T>(d_values, "grad_values");
  py::gil_scoped_release unlocked;
  at::gat_attention_backward<T>(g, src_v, dst_v, values_v, heads, score_of(negative_slope), dropout_of(p, seed), *s,
                                d_out_v, d_src_v, d_dst_v, d_values_v);
}

template <class T>
void weights(const Graph& g, const py::array& src, const py::array& dst, std::int64_t heads, double negative_slope,
             py::array& out) {
  const auto src_v = matrix_in<T>(src, "alpha_src"), dst_v = matrix_in<T>(dst, "alpha_dst");
  const auto out_v = matrix_out<T>(out, "weights");
  py::gil_scoped_release unlocked;
  at::gat_attention_weights<T>(g, src_v, dst_v, heads, score_of(negative_slope), out_v);
}

bool is_double(const py::array& a) { return a.dtype().equal(py::dtype::of<double>()); }

}  // namespace

void bind_kernels(py::module_& m) {
  py::class_<AttentionState, std::shared_ptr<AttentionState>>(
      m, "AttentionState", "What gat_attention_forward keeps for the backward pass: O(nodes x heads).");
  m.def("gat_attention_forward",
        [](const Graph& g, const py::array& src, const py::array& dst, const py::array& values, std::int64_t heads,
           double negative_slope, float dropout, std::uint64_t seed, py::array& out) {
          return is_double(values) ? forward<double>(g, src, dst, values, heads, negative_slope, dropout, seed, out)
                                   : forward<float>(g, src, dst, values, heads, negative_slope, dropout, seed, out);
        },
        "graph"_a, "alpha_src"_a, "alpha_dst"_a, "values"_a, "heads"_a, "negative_slope"_a, "dropout"_a, "seed"_a,
        "out"_a,
        R"(GAT attention over the graph's incoming rows, written into out (N x heads*F):
out[i,h] = sum_{j->i} drop(softmax_i(LeakyReLU(alpha_src[j,h] + alpha_dst[i,h]))) values[j,h].
alpha_src, alpha_dst: N x heads; values, out: N x heads*F; all float32 or all float64, C order.)");
  m.def("gat_attention_backward",
        [](const Graph& g, const py::array& src, const py::array& dst, const py::array& values, std::int64_t heads,
           double negative_slope, float dropout, std::uint64_t seed, const AttentionState& state,
           const py::array& d_out, py::array& d_src, py::array& d_dst, py::array& d_values) {
          if (is_double(values))
            backward<double>(g, src, dst, values, heads, negative_slope, dropout, seed, state, d_out, d_src, d_dst, d_values);
          else
            backward<float>(g, src, dst, values, heads, negative_slope, dropout, seed, state, d_out, d_src, d_dst, d_values);
        },
        "graph"_a, "alpha_src"_a, "alpha_dst"_a, "values"_a, "heads"_a, "negative_slope"_a, "dropout"_a, "seed"_a,
        "state"_a, "grad_out"_a, "grad_alpha_src"_a, "grad_alpha_dst"_a, "grad_values"_a,
        "The gradients of gat_attention_forward's inputs, written into the three grad_ arrays (same inputs, seed and state).");
  m.def("gat_attention_weights",
        [](const Graph& g, const py::array& src, const py::array& dst, std::int64_t heads, double negative_slope,
           py::array& out) {
          if (is_double(src))
            weights<double>(g, src, dst, heads, negative_slope, out);
          else
            weights<float>(g, src, dst, heads, negative_slope, out);
        },
        "graph"_a, "alpha_src"_a, "alpha_dst"_a, "heads"_a, "negative_slope"_a, "out"_a,
        "The softmax weights (before dropout) per stored edge and head, written into out (E x heads).");
}

}  // namespace gat::python
