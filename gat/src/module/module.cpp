#include "gat/module/module.hpp"

#include "gat/core/check.hpp"

namespace gat {

template <class T>
std::vector<NamedParameter<T>> Module<T>::named_parameters() {
  std::vector<NamedParameter<T>> out;
  collect("", out);
  return out;
}

template <class T>
void Module<T>::collect(const std::string& prefix, std::vector<NamedParameter<T>>& out) {
  for (auto& entry : parameters_) out.push_back({prefix + entry.name, entry.parameter.get()});
  // An unnamed child (a container a module wraps) adds no level to the names.
  for (auto& [name, child] : children_) child->collect(name.empty() ? prefix : prefix + name + ".", out);
}

template <class T>
Parameter<T>* Module<T>::find_parameter(const std::string& name) {
  for (auto& p : named_parameters())
    if (p.name == name) return p.parameter;
  return nullptr;
}

template <class T>
std::int64_t Module<T>::num_parameters() {
  std::int64_t n = 0;
  for (auto& p : named_parameters()) n += p.parameter->value.size();
  return n;
}

template <class T>
void Module<T>::zero_grad() {
  for (auto& p : named_parameters()) p.parameter->grad.set_zero();
}

template <class T>
void Module<T>::train(bool on) {
  training_ = on;
  for (auto& [name, child] : children_) child->train(on);
}

template <class T>
Parameter<T>& Module<T>::register_parameter(const std::string& name, std::int64_t rows, std::int64_t cols) {
  for (auto& entry : parameters_)
    GAT_REQUIRE(entry.name != name, "module: parameter '", name, "' is registered twice");
  parameters_.push_back({name, std::make_unique<Parameter<T>>()});
  parameters_.back().parameter->resize(rows, cols);
  return *parameters_.back().parameter;
}

template <class T>
void Module<T>::register_module(const std::string& name, Module<T>& child) {
  for (auto& [existing, ptr] : children_)
    GAT_REQUIRE(existing != name, "module: child module '", name, "' is registered twice");
  child.train(training_);
  children_.emplace_back(name, &child);
}

template class Module<float>;
template class Module<double>;

}  // namespace gat
