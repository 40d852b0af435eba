#pragma once
// The OGB raw layout of a homogeneous node-property dataset (read by OGB's read_csv_graph_raw):
//   raw/edge.csv.gz          "source,target" per line, 0-based (E lines)
//   raw/num-node-list.csv.gz one line: N          raw/num-edge-list.csv.gz  one line: E
//   raw/node-feat.csv.gz     N lines of F comma-separated numbers
//   raw/node-label.csv.gz    N lines, one integer class each
//   split/<split>/{train,valid,test}.csv.gz   one node index per line
// No header lines; plain .csv files are accepted in place of .csv.gz. Everything is streamed
// through zlib line by line; binary features are collected sparse while reading, so a large
// bag-of-words (Coauthor Physics, 34,493 x 8,415) never exists as a dense matrix.
#include <filesystem>
#include <string>

#include "gat/io/dataset.hpp"

namespace gat::io {

struct OgbOptions {
  // The folder under split/ to use; empty: "public" if present, else the only one present.
  std::string split;
};

// True when dir looks like an OGB dataset folder (it has raw/edge.csv[.gz]).
bool is_ogb_dir(const std::filesystem::path& dir);

// Reads dir (the dataset folder, holding raw/ and split/). The name is the folder's name.
Dataset read_ogb(const std::filesystem::path& dir, const OgbOptions& options = {});

}  // namespace gat::io
