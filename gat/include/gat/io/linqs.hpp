#pragma once
// The LINQS citation releases (Sen et al., "Collective Classification in Network Data",
// AI Magazine 2008), the format pygcn and pyGAT read:
//   <name>.content  one paper per line: id, binary word attributes, class name (tab separated)
//   <name>.cites    one citation per line: "cited<TAB>citing"
// Nodes are numbered in .content order (node_names keeps the paper ids); classes are numbered by
// sorted class name. Like pygcn, the graph is made undirected: every citation gives the edges
// citing -> cited and cited -> citing, self-citations and duplicates are removed, and edges are
// ordered by (target, source) as for Planetoid (LINQS Cora gives Planetoid Cora's 10,556). Citations naming an unknown paper are skipped and counted in
// Dataset::warnings; a malformed line is a DataError with file:line.
// There is no official split: a seeded one is drawn, 20 nodes per class for training, then 500
// for validation and 1000 for testing (fewer on small graphs).
#include <cstdint>
#include <filesystem>
#include <string>

#include "gat/io/dataset.hpp"

namespace gat::io {

struct LinqsOptions {
  std::uint64_t split_seed = 0;
};

// True when dir holds <name>.content and <name>.cites.
bool has_linqs(const std::filesystem::path& dir, const std::string& name);

Dataset read_linqs(const std::filesystem::path& dir, const std::string& name, const LinqsOptions& options = {});

}  // namespace gat::io
