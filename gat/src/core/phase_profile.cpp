#include "gat/core/phase_profile.hpp"

#include <chrono>
#include <vector>

namespace gat::profile {

namespace {

using Clock = std::chrono::steady_clock;

struct Open {
  Phase phase;
  bool absorbing;
  Clock::time_point since;  // when this phase last resumed
};

struct State {
  Totals totals;
  std::vector<Open> stack;
  int absorbed = 0;  // scopes opened inside an absorbing one: not charged, not stacked
};

thread_local State state;

void charge(const Open& o, Clock::time_point now) {
  const auto i = static_cast<std::size_t>(o.phase);
  state.totals.seconds[i] += std::chrono::duration<double>(now - o.since).count();
}

}  // namespace

namespace detail {
thread_local bool active = false;

void open(Phase p, bool absorbing) {
  if (!state.stack.empty() && state.stack.back().absorbing) {
    ++state.absorbed;
    return;
  }
  const auto now = Clock::now();
  if (!state.stack.empty()) charge(state.stack.back(), now);
  ++state.totals.calls[static_cast<std::size_t>(p)];
  state.stack.push_back({p, absorbing, now});
}

void close() {
  if (state.absorbed > 0) {
    --state.absorbed;
    return;
  }
  if (state.stack.empty()) return;  // enabled inside an open scope
  const auto now = Clock::now();
  charge(state.stack.back(), now);
  state.stack.pop_back();
  if (!state.stack.empty()) state.stack.back().since = now;
}
}  // namespace detail

std::string_view name(Phase p) {
  static constexpr std::array<std::string_view, static_cast<std::size_t>(Phase::count)> names{
      "input dropout", "projection",         "attention scores",    "value dropout",  "attention",
      "merge heads",   "activation",         "loss",                "backward: attention",
      "backward: projection", "backward: other", "optimizer",        "validation",     "bookkeeping"};
  return names[static_cast<std::size_t>(p)];
}

void enable(bool on) {
  detail::active = on;
  state = State{};
}

bool enabled() { return detail::active; }

Totals totals() { return state.totals; }

double Totals::total() const {
  double t = 0;
  for (double s : seconds) t += s;
  return t;
}

}  // namespace gat::profile
