#pragma once
// Where a training epoch's time goes: wall time per phase, accumulated on the calling thread while
// profiling is on for it (off by default; a closed scope then costs one thread-local flag test).
// Phases are coarse, around whole parallel loops, never per edge. A phase opened inside another
// is charged to itself alone (exclusive time), except inside an absorbing phase such as the
// validation pass, which takes all of its own time, nested phases included.
#include <array>
#include <cstdint>
#include <string_view>

namespace gat::profile {

enum class Phase : int {
  input_dropout,     // dropout on a layer's input that is drawn on its own
  projection,        // x W^T (with the input dropout when the two are fused)
  attention_scores,  // the per-node source and destination scores
  value_dropout,     // dropout on the projected features
  attention,         // the edge kernels' forward pass: scores, softmax, attention dropout, sums
  merge_heads,       // concatenating or averaging the heads, the bias
  activation,
  loss,
  backward_attention,   // the edge kernels' backward pass and the scores' gradients
  backward_projection,  // the weight's gradient and the input's
  backward_other,       // merge, activation and dropout gradients
  optimizer,
  validation,  // the whole evaluation pass of an epoch (absorbing)
  bookkeeping, // early stopping, snapshots, the epoch callback
  count
};

std::string_view name(Phase p);

// Turns profiling on or off for the calling thread, and clears its totals.
void enable(bool on);
bool enabled();

struct Totals {
  std::array<double, static_cast<std::size_t>(Phase::count)> seconds{};
  std::array<std::int64_t, static_cast<std::size_t>(Phase::count)> calls{};
  double total() const;
};
// The calling thread's totals since enable().
Totals totals();

namespace detail {
void open(Phase p, bool absorbing);
void close();
extern thread_local bool active;
}  // namespace detail

// Charges the time until its end to `p` (exclusively) while profiling is on.
class Scope {
 public:
  explicit Scope(Phase p, bool absorbing = false) : on_(detail::active) {
    if (on_) detail::open(p, absorbing);
  }
  ~Scope() {
    if (on_) detail::close();
  }
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;

 private:
  bool on_;
};

}  // namespace gat::profile
