#pragma once
// The subcommands and modes that run over MPI (built when GAT_WITH_MPI is on): gat partition,
// gat train --partitions and gat eval --partitions.
#include <cstdint>
#include <functional>
#include <string>

#include "commands.hpp"
#include "gat/train/paper_presets.hpp"

namespace gat::cli {

Runner add_partition_command(CLI::App& app);

struct DistributedTrainRequest {
  std::string partitions, save, summary, log;
  int runs = 1;
  std::uint64_t seed = 0;
  bool json = false;
  int threads = 0;
  // The model and training options for the partition's dataset: the train command's preset and
  // overrides.
  std::function<train::PaperPreset(const std::string& dataset, std::int64_t features, std::int32_t classes)> preset;
};
// Run on every rank; rank 0 prints and writes. A rank that fails prints its error and ends the
// whole job (MPI_Abort with the exit code).
int run_distributed_train(const DistributedTrainRequest& request);
int run_distributed_eval(const std::string& checkpoint, const std::string& partitions, bool json, int threads);

}  // namespace gat::cli
