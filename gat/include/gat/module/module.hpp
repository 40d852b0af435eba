#pragma once
// The base of everything with parameters: attention modules, GAT layers, whole models.
//
// A module owns its parameters and registers its child modules by name, so that
// named_parameters() walks the tree and yields "conv1.lin.weight"-style names (the names of
// checkpoints and optimizer state, as in PyTorch). Forward and backward are the derived
// classes' own methods, since their inputs differ (a graph and features, or queries, keys and
// values); each keeps what its backward pass needs from the last forward pass.
//
// Modules are neither copyable nor movable: children are registered by address.
#include <memory>
#include <string>
#include <vector>

#include "gat/module/parameter.hpp"

namespace gat {

template <class T>
class Module {
 public:
  Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;
  virtual ~Module() = default;

  // All parameters of this module and its descendants, depth first, in registration order.
  std::vector<NamedParameter<T>> named_parameters();
  // nullptr when no parameter has that name.
  Parameter<T>* find_parameter(const std::string& name);
  std::int64_t num_parameters();
  void zero_grad();

  // Training mode turns dropout on; evaluation mode turns it off. Applies to all descendants.
  void train(bool on = true);
  void eval() { train(false); }
  bool is_training() const noexcept { return training_; }

 protected:
  Parameter<T>& register_parameter(const std::string& name, std::int64_t rows, std::int64_t cols);
  void register_module(const std::string& name, Module<T>& child);

 private:
  void collect(const std::string& prefix, std::vector<NamedParameter<T>>& out);

  struct Entry {
    std::string name;
    std::unique_ptr<Parameter<T>> parameter;
  };
  std::vector<Entry> parameters_;
  std::vector<std::pair<std::string, Module<T>*>> children_;
  bool training_ = true;
};

extern template class Module<float>;
extern template class Module<double>;

}  // namespace gat
