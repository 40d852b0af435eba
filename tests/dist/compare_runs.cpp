// compare_runs LOSS_TOL PARAM_TOL A.safetensors B.safetensors [A.log B.log]: exit 0 when the
// parameters of the two checkpoints agree within PARAM_TOL relative, and every epoch's losses and
// accuracies in the two training logs within LOSS_TOL (parameters: ||a - b|| / ||b|| over all of them as one vector; losses:
// |a - b| / |b|; accuracies: exactly). Prints the largest differences found, and per tensor the
// largest max |a - b| / max |b| for information: Adam's steps on near-zero gradients (biases)
// turn rounding into larger relative differences there. Used by distributed_runs.sh.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "gat/io/checkpoint.hpp"

namespace {

std::vector<nlohmann::json> read_log(const std::string& path) {
  std::ifstream in(path);
  std::vector<nlohmann::json> lines;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5 && argc != 7) {
    std::cerr << "usage: compare_runs LOSS_TOL PARAM_TOL A.safetensors B.safetensors [A.log B.log]\n";
    return 2;
  }
  const double tol = std::stod(argv[1]), param_tol = std::stod(argv[2]);
  const auto a = gat::io::read_checkpoint(argv[3]), b = gat::io::read_checkpoint(argv[4]);
  bool ok = a.tensors.size() == b.tensors.size();
  double worst = 0, diff2 = 0, norm2 = 0;
  std::string worst_name;
  for (const auto& [name, ta] : a.tensors) {
    const auto it = b.tensors.find(name);
    if (it == b.tensors.end() || it->second.data.size() != ta.data.size()) {
      std::cerr << "compare_runs: tensor " << name << " differs in shape or is missing\n";
      return 1;
    }
    double diff = 0, scale = 0;
    for (std::size_t i = 0; i < ta.data.size(); ++i) {
      const double d = static_cast<double>(ta.data[i]) - it->second.data[i];
      diff2 += d * d;
      norm2 += static_cast<double>(it->second.data[i]) * it->second.data[i];
      diff = std::max(diff, std::abs(d));
      scale = std::max(scale, std::abs(static_cast<double>(it->second.data[i])));
    }
    const double rel = diff / std::max(scale, 1e-30);
    if (rel > worst) worst = rel, worst_name = name;
  }
  const double whole = std::sqrt(diff2 / std::max(norm2, 1e-300));
  ok = ok && whole <= param_tol;
  std::cout << "parameters: relative difference " << whole << "; per tensor at most " << worst
            << (worst_name.empty() ? "" : " (" + worst_name + ")") << "\n";
  if (argc == 7) {
    const auto la = read_log(argv[5]), lb = read_log(argv[6]);
    double worst_loss = 0;
    bool same_accuracy = la.size() == lb.size() && !la.empty();
    for (std::size_t e = 0; e < std::min(la.size(), lb.size()); ++e) {
      for (const char* key : {"train_loss", "val_loss"}) {
        const double x = la[e][key], y = lb[e][key];
        worst_loss = std::max(worst_loss, std::abs(x - y) / std::max(std::abs(y), 1e-30));
      }
      for (const char* key : {"train_accuracy", "val_accuracy"})
        same_accuracy = same_accuracy && la[e][key].get<double>() == lb[e][key].get<double>();
    }
    std::cout << "losses over " << la.size() << " epochs: largest relative difference " << worst_loss
              << "; accuracies " << (same_accuracy ? "equal" : "DIFFER") << "\n";
    ok = ok && worst_loss <= tol && same_accuracy;
  }
  return ok ? 0 : 1;
}
