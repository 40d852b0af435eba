#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "gat/core/phase_profile.hpp"

namespace {

using gat::profile::Phase;

void sleep_ms(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

double seconds(const gat::profile::Totals& t, Phase p) { return t.seconds[static_cast<std::size_t>(p)]; }
std::int64_t calls(const gat::profile::Totals& t, Phase p) { return t.calls[static_cast<std::size_t>(p)]; }

}  // namespace

TEST_CASE("the phase profile records nothing while it is off") {
  gat::profile::enable(false);
  {
    const gat::profile::Scope s(Phase::attention);
    sleep_ms(2);
  }
  const auto t = gat::profile::totals();
  CHECK(t.total() == 0);
  CHECK(calls(t, Phase::attention) == 0);
}

TEST_CASE("a phase opened inside another is charged to itself alone") {
  using Clock = std::chrono::steady_clock;
  gat::profile::enable(true);
  Clock::time_point outer_start, inner_start, inner_end, outer_end;
  {
    outer_start = Clock::now();
    const gat::profile::Scope outer(Phase::bookkeeping);
    sleep_ms(5);
    inner_start = Clock::now();
    {
      const gat::profile::Scope inner(Phase::projection);
      sleep_ms(10);
    }
    inner_end = Clock::now();
  }
  outer_end = Clock::now();
  const auto t = gat::profile::totals();
  gat::profile::enable(false);
  const double outer_wall = std::chrono::duration<double>(outer_end - outer_start).count();
  const double inner_wall = std::chrono::duration<double>(inner_end - inner_start).count();
  // Measured from outside each scope, so these bounds hold whatever the machine's speed.
  CHECK(seconds(t, Phase::projection) <= inner_wall);
  CHECK(seconds(t, Phase::projection) >= 0.010);  // it slept 10 ms
  CHECK(seconds(t, Phase::bookkeeping) <= outer_wall - seconds(t, Phase::projection));
  CHECK(seconds(t, Phase::bookkeeping) >= 0.005);
  CHECK(calls(t, Phase::projection) == 1);
  CHECK(calls(t, Phase::bookkeeping) == 1);
  CHECK(t.total() <= outer_wall);
}

TEST_CASE("an absorbing phase takes its nested phases' time") {
  gat::profile::enable(true);
  {
    const gat::profile::Scope validation(Phase::validation, true);
    const gat::profile::Scope attention(Phase::attention);
    sleep_ms(10);
  }
  const auto t = gat::profile::totals();
  gat::profile::enable(false);
  CHECK(seconds(t, Phase::validation) >= 0.010);
  CHECK(seconds(t, Phase::attention) == 0);
  CHECK(calls(t, Phase::attention) == 0);
}

TEST_CASE("enable clears the totals and every phase has a name") {
  gat::profile::enable(true);
  { const gat::profile::Scope s(Phase::loss); }
  CHECK(calls(gat::profile::totals(), Phase::loss) == 1);
  gat::profile::enable(true);
  CHECK(calls(gat::profile::totals(), Phase::loss) == 0);
  gat::profile::enable(false);
  for (int p = 0; p < static_cast<int>(Phase::count); ++p) CHECK_FALSE(gat::profile::name(static_cast<Phase>(p)).empty());
  CHECK(gat::profile::name(Phase::validation) == "validation");
}
