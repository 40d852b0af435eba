#pragma once
// First-order optimizers over a module's named parameters. State is kept per parameter in the
// order of named_parameters(), allocated once.
#include <memory>
#include <vector>

#include "gat/module/module.hpp"

namespace gat::train {

template <class T>
class Optimizer {
 public:
  explicit Optimizer(Module<T>& module) : parameters_(module.named_parameters()) {}
  virtual ~Optimizer() = default;
  // Updates every parameter from its gradient. Gradients are left as they are.
  virtual void step() = 0;
  void zero_grad() {
    for (auto& p : parameters_) p.parameter->grad.set_zero();
  }

 protected:
  std::vector<NamedParameter<T>> parameters_;
};

// Kingma & Ba (2015). weight_decay is L2 regularisation added to the gradient, as the reference
// GAT implementation (and torch.optim.Adam) does.
struct AdamOptions {
  double lr = 0.005;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.0;
  bool decoupled_weight_decay = false;  // AdamW (Loshchilov & Hutter 2019)
};

template <class T>
class Adam : public Optimizer<T> {
 public:
  Adam(Module<T>& module, const AdamOptions& options);
  void step() override;

 private:
  AdamOptions options_;
  std::vector<BasicMatrix<T>> m_, v_;
  std::int64_t t_ = 0;
};

// AdamW: Adam with decoupled weight decay (default 0.01 as in PyTorch).
template <class T>
std::unique_ptr<Optimizer<T>> make_adamw(Module<T>& module, AdamOptions options) {
  options.decoupled_weight_decay = true;
  return std::make_unique<Adam<T>>(module, options);
}

struct SgdOptions {
  double lr = 0.01;
  double momentum = 0.0;
  double weight_decay = 0.0;
  bool nesterov = false;
};

template <class T>
class Sgd : public Optimizer<T> {
 public:
  Sgd(Module<T>& module, const SgdOptions& options);
  void step() override;

 private:
  SgdOptions options_;
  std::vector<BasicMatrix<T>> velocity_;
};

}  // namespace gat::train
