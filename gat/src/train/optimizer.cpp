#include "gat/train/optimizer.hpp"

#include <cmath>

#include "gat/core/parallel.hpp"

namespace gat::train {

template <class T>
Adam<T>::Adam(Module<T>& module, const AdamOptions& options) : Optimizer<T>(module), options_(options) {
  for (auto& p : this->parameters_) {
    m_.emplace_back(p.parameter->value.rows(), p.parameter->value.cols());
    v_.emplace_back(p.parameter->value.rows(), p.parameter->value.cols());
  }
}

namespace {

struct AdamCoefficients {
  double b1, b2, correction2, step_size, decay, l2, eps;
};

// One parameter tensor; no branches in the loop, so it vectorises (sqrt needs -fno-math-errno).
template <class T>
void adam_update(T* __restrict w, const T* __restrict g, T* __restrict m, T* __restrict v, std::int64_t n,
                 const AdamCoefficients c) {
#pragma omp simd
  for (std::int64_t k = 0; k < n; ++k) {
    const double weight = static_cast<double>(w[k]) * c.decay;
    const double grad = g[k] + c.l2 * weight;
    m[k] = static_cast<T>(c.b1 * m[k] + (1 - c.b1) * grad);
    v[k] = static_cast<T>(c.b2 * v[k] + (1 - c.b2) * grad * grad);
    const double denom = std::sqrt(v[k] / c.correction2) + c.eps;
    w[k] = static_cast<T>(weight - c.step_size * m[k] / denom);
  }
}

// Elements per thread's share: below this a parameter is updated by one thread.
constexpr std::int64_t kAdamGrain = 16384;

}  // namespace

template <class T>
void Adam<T>::step() {
  ++t_;
  const double b1 = options_.beta1, b2 = options_.beta2;
  const double correction1 = 1.0 - std::pow(b1, static_cast<double>(t_));
  const double correction2 = 1.0 - std::pow(b2, static_cast<double>(t_));
  const double step_size = options_.lr / correction1;
  const double wd = options_.weight_decay;
  const double decay = options_.decoupled_weight_decay ? 1.0 - options_.lr * wd : 1.0;  // AdamW
  const double l2 = options_.decoupled_weight_decay ? 0.0 : wd;                         // Adam's L2
  const double eps = options_.eps;
  for (std::size_t i = 0; i < this->parameters_.size(); ++i) {
    Parameter<T>& p = *this->parameters_[i].parameter;
    const AdamCoefficients c{b1, b2, correction2, step_size, decay, l2, eps};
    // Element by element, so the threads' shares give the same bits as one pass. Its double
    // square roots and divisions made it a tenth of a Cora epoch on one thread.
    parallel_for(p.value.size(), kAdamGrain, [&](std::int64_t b, std::int64_t e) {
      adam_update(p.value.data() + b, p.grad.data() + b, m_[i].data() + b, v_[i].data() + b, e - b, c);
    });
  }
}

template <class T>
Sgd<T>::Sgd(Module<T>& module, const SgdOptions& options) : Optimizer<T>(module), options_(options) {
  for (auto& p : this->parameters_) velocity_.emplace_back(p.parameter->value.rows(), p.parameter->value.cols());
}

template <class T>
void Sgd<T>::step() {
  for (std::size_t i = 0; i < this->parameters_.size(); ++i) {
    Parameter<T>& p = *this->parameters_[i].parameter;
    T* w = p.value.data();
    const T* g = p.grad.data();
    T* vel = velocity_[i].data();
    for (std::int64_t k = 0; k < p.value.size(); ++k) {
      double grad = g[k] + options_.weight_decay * w[k];
      if (options_.momentum != 0) {
        vel[k] = static_cast<T>(options_.momentum * vel[k] + grad);
        grad = options_.nesterov ? grad + options_.momentum * vel[k] : vel[k];
      }
      w[k] = static_cast<T>(w[k] - options_.lr * grad);
    }
  }
}

template class Adam<float>;
template class Adam<double>;
template class Sgd<float>;
template class Sgd<double>;

}  // namespace gat::train
