#pragma once
// The Planetoid citation datasets (Yang, Cohen & Salakhutdinov, "Revisiting Semi-Supervised
// Learning with Graph Embeddings", ICML 2016): files ind.<name>.{x,y,tx,ty,allx,ally,graph} are
// Python 2 pickles (read by the restricted reader of pickle.hpp, which executes nothing) and
// ind.<name>.test.index is text.
//
// Processed exactly as PyTorch Geometric's read_planetoid_data:
//   features: rows of allx, then row i of tx at node test.index[i]; nodes of the test range with
//             no tx row (Citeseer has 15) get zero features and label 0 (argmax of a zero row);
//   labels:   argmax (first maximum) of the one-hot rows of ally / ty;
//   edges:    every (key, neighbour) pair of the graph dict as key -> neighbour, plus the reverse,
//             self loops removed, duplicates removed, ordered by (target, source);
//   split:    train = 0 .. len(y)-1, valid = the next 500 nodes (only those of allx on tiny
//             inputs), test = test.index sorted.
// The result equals the OGB-layout copies made by the same rules, edge for edge.
#include <filesystem>
#include <string>

#include "gat/io/dataset.hpp"

namespace gat::io {

// True when dir holds ind.<name>.graph.
bool has_planetoid(const std::filesystem::path& dir, const std::string& name);

// Reads ind.<name>.* from dir (e.g. DATA/planetoid/raw).
Dataset read_planetoid(const std::filesystem::path& dir, const std::string& name);

}  // namespace gat::io
