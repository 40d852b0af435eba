#pragma once
// Node-classification datasets: one in-memory form for every source format.
//
// Readers (each in its own header, all returning a Dataset):
//   ogb.hpp        the OGB raw layout (gzip CSV), also written by write_ogb
//   planetoid.hpp  the Planetoid pickles ind.<name>.* (Yang et al., ICML 2016) processed as
//                  PyTorch Geometric's read_planetoid_data does
//   linqs.hpp      the LINQS .content/.cites release (Sen et al., AI Magazine 2008)
//   synthetic.hpp  a contextual stochastic block model with Cora's shape (the default dataset)
//   registry.hpp   load_dataset(): finds a dataset by name or path
// Every malformed input raises gat::DataError naming the file and the line or byte offset.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "gat/graph/graph.hpp"
#include "gat/graph/permutation.hpp"
#include "gat/tensor/features.hpp"

namespace gat::io {

struct Dataset {
  std::string name;
  // Directed edges as stored by the source. Planetoid: PyG's processing (both directions, no
  // self loops, no duplicates, ordered by (target, source)).
  EdgeList edges;
  // Sparse CSR for binary bag-of-words (every stored value is 1), dense otherwise.
  Features features;
  std::vector<std::int32_t> labels;  // one per node, in [0, num_classes)
  std::int32_t num_classes = 0;
  std::vector<NodeId> train, valid, test;  // node indices, each part sorted
  // Original ids where the source has them (LINQS paper ids), else empty.
  std::vector<std::string> node_names;
  // Things the reader skipped or repaired (e.g. LINQS citations of unknown papers).
  std::vector<std::string> warnings;
  // The files it was read from (none for the synthetic graph): outputs must not replace them.
  std::vector<std::filesystem::path> files;

  std::int64_t num_nodes() const noexcept { return edges.num_nodes; }
};

struct DatasetStats {
  std::int64_t nodes = 0;
  std::int64_t directed_edges = 0;
  std::int64_t features = 0;
  std::int64_t classes = 0;
  std::int64_t feature_nonzeros = 0;
  double density = 0;  // feature_nonzeros / (nodes * features)
  std::int64_t train = 0, valid = 0, test = 0;
  std::int64_t isolated_nodes = 0;  // nodes with no edge in either direction (self loops ignored)
  bool sparse_features = false;
};

DatasetStats statistics(const Dataset& dataset);

// The same dataset with node v renamed to p.new_id(v): edges (in their input order), feature
// rows, labels, splits (sorted again) and node names. Used to train on a locality order
// (reverse_cuthill_mckee_order, degree_order); a model's parameters do not depend on node order,
// so a model trained on the permuted dataset applies to the original one as it is.
Dataset permuted(const Dataset& dataset, const Permutation& p);

// Checks every invariant (shapes, ids and labels in range, finite features); throws DataError
// naming `source` when one fails. Every reader calls it before returning.
void validate(const Dataset& dataset, const std::string& source);

// Sparse (CSR) when every stored value is exactly 1, dense otherwise. Explicit zeros are dropped.
Features choose_feature_storage(CsrMatrix&& features);

enum class Format { any, ogb, planetoid, linqs };

struct DatasetRequest {
  std::string name_or_path;          // "" or "synthetic", a name (cora, citeseer, ...) or a path
  std::filesystem::path data_root;   // empty: default_data_root()
  Format format = Format::any;       // which source to use when several are present
  std::string split;                 // OGB split folder; empty: "public", else the only one
};

// "" or "synthetic": the built-in synthetic graph. A name N is looked for as DIR/N/ (OGB layout),
// DIR/planetoid/raw/ind.N.* (Planetoid) and DIR/linqs/N/ (LINQS), in that order unless `format`
// says which. A path (an existing file or folder) is recognised by its contents.
// Throws InvalidArgument listing what was looked for when nothing is found, DataError when a
// file is malformed.
Dataset load_dataset(const DatasetRequest& request);

// The environment variable GAT_DATA, else ./data.
std::filesystem::path default_data_root();

struct SyntheticCitationOptions {
  std::int64_t nodes = 2708;
  std::int32_t classes = 7;
  double average_degree = 3.9;   // directed edges per node before duplicates are merged (~5,230
                                 // undirected edges at 2,708 nodes; Cora has 5,278)
  double homophily = 0.81;       // fraction of edges inside a class
  std::int64_t features = 1433;  // vocabulary size (binary bag-of-words)
  double words_per_node = 18;    // mean distinct words per node
  std::uint64_t seed = 0;
  // Split: 20 per class train, 500 valid, 1000 test, clipped for small graphs.
};

// A contextual stochastic block model shaped like Cora; deterministic in the seed, O(N + E).
Dataset make_synthetic_citation(const SyntheticCitationOptions& options = {});

// Writes the OGB raw layout (gzip CSV, split folder "public") into dir, each file first to a
// temporary name and then renamed.
void write_ogb(const Dataset& dataset, const std::filesystem::path& dir);

}  // namespace gat::io
