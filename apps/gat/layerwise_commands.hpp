#pragma once
// gat predict and gat attention layer by layer (--chunk-size): every layer over all nodes in
// chunks of destination nodes (gat/sampling/layerwise_inference.hpp), a graph store left mapped,
// the output written as it is computed. For graphs whose whole-model forward pass does not fit.
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

#include <CLI/CLI.hpp>

#include "cli_common.hpp"
#include "gat/io/attention_json.hpp"

namespace gat::cli {

struct LayerwiseFlags {
  std::int64_t chunk_size = 0;  // 0: one whole-graph forward pass
  std::string scratch_dir;      // hidden layers in a mapped file there (default: in memory)

  void add_to(CLI::App& cmd);
  bool on() const noexcept { return chunk_size > 0; }
};

// Predictions as CSV (node,label,p0,...) or a JSON array, row by row.
class PredictionWriter {
 public:
  PredictionWriter(std::ostream& out, std::string format, std::int64_t rows, std::int64_t classes);
  // The next logits.rows() rows; node_id(k) names row k of `logits`.
  void write(MatrixView<const float> logits, const std::function<std::string(std::int64_t)>& node_id);
  void finish();

 private:
  std::ostream& out_;
  std::string format_;
  std::int64_t rows_, written_ = 0;
};

// gat predict --chunk-size: every node's prediction to `out` (a file, or standard output when
// empty) in `format`.
int predict_layerwise(ModelFlags& f, const LayerwiseFlags& layerwise, const std::string& out, const std::string& format);
// gat attention --chunk-size: the attention JSON streamed to `out`; returns what gat attention
// --json prints.
int attention_layerwise(ModelFlags& f, const LayerwiseFlags& layerwise, const std::string& out,
                        const io::AttentionExportOptions& options);

}  // namespace gat::cli
