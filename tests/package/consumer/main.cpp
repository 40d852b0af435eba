// Uses the installed headers and library: builds a graph and runs a oneDNN product, and fails
// (non-zero exit) on a wrong answer, so a broken install or package config cannot pass.
#include <cmath>
#include <cstdio>
#include <vector>

#include <gat/gat.hpp>

int main() {
  const std::vector<gat::NodeId> source{0, 1, 2, 2};
  const std::vector<gat::NodeId> target{1, 2, 0, 1};
  const gat::Graph g = gat::Graph::from_edges(3, source, target);
  if (g.num_nodes() != 3 || g.num_edges() != 4 || g.in_degree(1) != 2) {
    std::fprintf(stderr, "gat_consumer: wrong graph (%lld nodes, %lld edges)\n",
                 static_cast<long long>(g.num_nodes()), static_cast<long long>(g.num_edges()));
    return 1;
  }

  // [1 2 3; 4 5 6] * [1 0; 0 1; 1 1] = [4 5; 10 11]
  gat::Matrix a(2, 3), b(3, 2), c(2, 2);
  const float av[] = {1, 2, 3, 4, 5, 6};
  const float bv[] = {1, 0, 0, 1, 1, 1};
  for (int i = 0; i < 6; ++i) {
    a.data()[i] = av[i];
    b.data()[i] = bv[i];
  }
  gat::matmul<float>(a, b, c);
  const float expected[] = {4, 5, 10, 11};
  for (int i = 0; i < 4; ++i) {
    if (std::fabs(c.data()[i] - expected[i]) > 1e-5f) {
      std::fprintf(stderr, "gat_consumer: product entry %d is %g, expected %g\n", i, c.data()[i], expected[i]);
      return 1;
    }
  }
  std::printf("gat_consumer: ok\n");
  return 0;
}
