#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "gat/core/parallel.hpp"

int main(int argc, char* argv[]) {
  // ctest runs test programs side by side on a small machine: one thread each unless a test
  // asks for more (the thread-count determinism tests do).
  gat::set_num_threads(1);
  return Catch::Session().run(argc, argv);
}
