#include "gat/nn/init.hpp"

#include <cmath>

namespace gat::nn {

template <class T>
void glorot_uniform(BasicMatrix<T>& m, std::int64_t fan_in, std::int64_t fan_out, RandomKey key) {
  const double a = std::sqrt(6.0 / static_cast<double>(fan_in + fan_out));
  for (std::int64_t i = 0; i < m.size(); ++i) m.data()[i] = static_cast<T>(a * (2.0 * key.uniform_double(i) - 1.0));
}

template void glorot_uniform<float>(BasicMatrix<float>&, std::int64_t, std::int64_t, RandomKey);
template void glorot_uniform<double>(BasicMatrix<double>&, std::int64_t, std::int64_t, RandomKey);

}  // namespace gat::nn
