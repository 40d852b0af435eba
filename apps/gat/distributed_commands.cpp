// gat partition, gat train --partitions, gat eval --partitions.
#include "distributed_commands.hpp"

#include <chrono>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <numeric>
#include <sstream>

#include "cli_common.hpp"
#include "gat/dist/communicator.hpp"
#include "gat/dist/distributed_trainer.hpp"
#include "gat/dist/partitioner.hpp"
#include "gat/io/atomic_file.hpp"
#include "gat/train/model_config.hpp"
#include "gat/train/repeated_runs.hpp"

namespace gat::cli {

namespace {

struct PartitionFlags {
  DatasetFlags data;
  std::int32_t parts = 2;
  std::string out;
  bool json = false;
  bool dry_run = false;  // statistics only: no parts built or written
};

// METIS's time and the halo sizes, without building or writing the parts.
int run_partition_dry(const PartitionFlags& f, const PreparedData& data, const std::string& name) {
  const auto start = std::chrono::steady_clock::now();
  std::int64_t edge_cut = 0;
  const std::vector<std::int32_t> part_of = dist::metis_parts(data.graph, f.parts, &edge_cut);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const dist::HaloSizes h = dist::halo_sizes(data.graph, part_of, f.parts);
  const auto max_over_mean = [](const std::vector<std::int64_t>& v) {
    const double total = static_cast<double>(std::accumulate(v.begin(), v.end(), std::int64_t{0}));
    return total > 0 ? static_cast<double>(*std::max_element(v.begin(), v.end())) * static_cast<double>(v.size()) / total : 1.0;
  };
  const nlohmann::json j{{"dataset", name}, {"parts", f.parts}, {"nodes", data.graph.num_nodes()},
                         {"edges", data.graph.num_edges()}, {"edge_cut", edge_cut}, {"metis_seconds", seconds},
                         {"owned", h.owned}, {"in_edges", h.in_edges}, {"halo", h.halo},
                         {"node_imbalance", max_over_mean(h.owned)}, {"edge_imbalance", max_over_mean(h.in_edges)}};
  if (f.json) {
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << "gat partition --dry-run: " << name << " into " << f.parts << " parts in " << std::fixed
              << std::setprecision(2) << seconds << " s: edge cut " << edge_cut << ", largest halo "
              << *std::max_element(h.halo.begin(), h.halo.end()) << " rows, node imbalance " << std::setprecision(3)
              << j["node_imbalance"].get<double>() << "\n";
  }
  return kSuccess;
}

int run_partition(const PartitionFlags& f) {
  if (f.out.empty() && !f.dry_run) throw InvalidArgument("--out: required (or --dry-run for the statistics alone)");
  PreparedData data = prepare(f.data);
  const io::Dataset& ds = data.dataset;
  if (f.dry_run) return run_partition_dry(f, data, ds.name.empty() ? f.data.dataset : ds.name);
  if (std::filesystem::exists(f.out) && !std::filesystem::is_directory(f.out))
    throw InvalidArgument("--out: " + f.out + " is a file; give a directory for the parts");
  dist::PartitionInput input{ds.name.empty() ? (f.data.dataset.empty() ? "synthetic" : f.data.dataset) : ds.name,
                             !f.data.raw_features, &data.graph, &ds.features, ds.labels, ds.train, ds.valid, ds.test,
                             dist::dataset_checksum(ds.edges.source, ds.edges.target, ds.features, ds.labels)};
  const auto start = std::chrono::steady_clock::now();
  std::int64_t edge_cut = 0;
  const std::vector<std::int32_t> part_of = dist::metis_parts(data.graph, f.parts, &edge_cut);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::vector<dist::GraphPart> parts = dist::build_parts(input, part_of, f.parts);
  const dist::PartitionStats stats = dist::partition_stats(parts, edge_cut, seconds);
  dist::write_partition(f.out, input, parts, stats);
  if (f.json) {
    nlohmann::json j = stats.to_json();
    j["dataset"] = input.dataset;
    j["parts"] = f.parts;
    j["out"] = f.out;
    std::cout << j.dump(2) << "\n";
    return kSuccess;
  }
  std::cout << "gat partition: " << input.dataset << " (" << data.graph.num_nodes() << " nodes) into " << f.parts
            << " parts in " << std::fixed << std::setprecision(2) << seconds << " s: edge cut " << stats.edge_cut
            << ", node imbalance " << std::setprecision(3) << stats.node_imbalance << ", edge imbalance "
            << stats.edge_imbalance << "\n";
  for (std::size_t r = 0; r < parts.size(); ++r)
    std::cout << "  part " << r << ": " << stats.owned[r] << " nodes, " << stats.in_edges[r] << " in-edges, "
              << stats.halo[r] << " halo rows\n";
  std::cout << "written to " << f.out << "\n";
  return kSuccess;
}

// Runs body on every rank; an error on a rank is printed with its rank and, when other ranks run,
// ends them all (they could be waiting for this one in a collective).
int on_every_rank(dist::Communicator& comm, const std::function<int()>& body) {
  int code = kSuccess;
  std::string message;
  try {
    return body();
  } catch (const InvalidArgument& e) {
    code = kBadUsage;
    message = e.what();
  } catch (const DataError& e) {
    code = kBadData;
    message = e.what();
  } catch (const std::exception& e) {
    code = kInternal;
    message = std::string("internal error: ") + e.what();
  }
  std::cerr << "gat: error";
  if (comm.size() > 1) std::cerr << " (rank " << comm.rank() << " of " << comm.size() << ")";
  std::cerr << ": " << message << std::endl;
  if (comm.size() > 1) comm.abort(code);
  return code;
}

nlohmann::json run_json(const train::RunOutcome& run) {
  const train::TrainResult& r = run.result;
  return {{"seed", run.seed},           {"test_accuracy", r.test_accuracy}, {"val_accuracy", r.val_accuracy},
          {"val_loss", r.val_loss},     {"epochs", r.epochs},               {"best_epoch", r.best_epoch},
          {"train_seconds", r.train_seconds}, {"step_nodes", r.step_nodes}};
}

int distributed_train(dist::Communicator& comm, const DistributedTrainRequest& q) {
  apply_threads(q.threads);
  const bool lead = comm.rank() == 0;
  const dist::PartitionManifest manifest = dist::read_manifest(q.partitions);
  const dist::GraphPart part = dist::read_checked_part(q.partitions, manifest, comm.rank(), comm.size());
  const dist::PartitionIdentity& id = manifest.identity;
  train::PaperPreset preset = q.preset(manifest.dataset, id.num_features, static_cast<std::int32_t>(id.num_classes));
  if (lead) check_outputs({{"--save", q.save}, {"--summary", q.summary}, {"--log", q.log}}, {{"--partitions", q.partitions}});
  std::unique_ptr<io::AtomicFile> log;
  if (lead && !q.log.empty()) log = std::make_unique<io::AtomicFile>(q.log);
  if (lead && !q.json)
    std::cout << "gat train: " << manifest.dataset << ": " << id.num_nodes << " nodes, " << id.num_edges << " edges, "
              << id.num_features << " features, " << id.num_classes << " classes on " << comm.size() << " rank(s); "
              << q.runs << " run(s) from seed " << q.seed << "\n";
  train::RepeatedRunsResult trained;
  nlohmann::json runs = nlohmann::json::array();
  std::int64_t bytes_per_epoch = 0;
  for (int run = 0; run < q.runs; ++run) {
    train::RunOutcome outcome;
    outcome.run = run;
    outcome.seed = q.seed + static_cast<std::uint64_t>(run);
    nn::GatModelOptions mo = preset.model;
    mo.seed = outcome.seed;
    train::TrainOptions to = preset.train;
    to.seed = outcome.seed;
    to.on_epoch = [&](const train::EpochRecord& e) {
      outcome.epochs.push_back(e);
      if (!lead) return;
      std::ostringstream line;
      line << "epoch " << e.epoch << " loss " << std::fixed << std::setprecision(4) << e.train_loss << " val_acc "
           << e.val_accuracy;
      progress(line.str());
    };
    auto model = std::make_unique<nn::GatModel<float>>(mo);
    const dist::DistributedTrainResult r = dist::train_distributed(*model, part, comm, to);
    outcome.result = r.result;
    bytes_per_epoch = comm.sum(r.step_bytes + r.eval_bytes);
    if (lead) {
      end_progress();
      if (log)
        for (const train::EpochRecord& e : outcome.epochs)
          log->stream() << nlohmann::json{{"run", run}, {"seed", outcome.seed}, {"epoch", e.epoch},
                                          {"train_loss", e.train_loss}, {"train_accuracy", e.train_accuracy},
                                          {"val_loss", e.val_loss}, {"val_accuracy", e.val_accuracy},
                                          {"seconds", e.seconds}}.dump()
                        << '\n';
      runs.push_back(run_json(outcome));
      if (!q.json)
        std::cout << "run " << run << " seed " << outcome.seed << ": test accuracy " << std::fixed
                  << std::setprecision(4) << r.result.test_accuracy << "  val accuracy " << r.result.val_accuracy
                  << "  epochs " << r.result.epochs << " (best " << r.result.best_epoch << ")  "
                  << std::setprecision(2) << r.result.train_seconds << " s" << std::endl;
    }
    if (!trained.best_model ||
        r.result.val_accuracy > trained.runs[static_cast<std::size_t>(trained.best_run)].result.val_accuracy) {
      trained.best_model = std::move(model);
      trained.best_run = run;
    }
    trained.runs.push_back(std::move(outcome));
  }
  train::summarize_test_accuracy(trained);
  if (!lead) return kSuccess;
  nlohmann::json summary{{"dataset", manifest.dataset},
                         {"runs", runs},
                         {"test_accuracy_mean", trained.test_accuracy_mean},
                         {"test_accuracy_std", trained.test_accuracy_std},
                         {"model", train::to_json(preset.model)},
                         {"lr", preset.train.lr},
                         {"weight_decay", preset.train.weight_decay},
                         {"patience", preset.train.patience},
                         {"max_epochs", preset.train.max_epochs},
                         {"ranks", comm.size()},
                         {"partitions", q.partitions},
                         {"halo_bytes_per_epoch", bytes_per_epoch}};  // all ranks: one step and one evaluation
  summary["model"].erase("seed");
  if (q.json)
    std::cout << summary.dump(2) << "\n";
  else
    std::cout << "test accuracy over " << q.runs << " run(s): " << std::fixed << std::setprecision(2)
              << 100 * trained.test_accuracy_mean << " +- " << 100 * trained.test_accuracy_std << " %; halo exchange "
              << bytes_per_epoch << " bytes per epoch\n";
  if (log) log->commit();
  if (!q.summary.empty()) io::AtomicFile::write(q.summary, summary.dump(2) + "\n");
  if (!q.save.empty()) {
    io::save_checkpoint(q.save, *trained.best_model,
                        {{"gat_model", train::to_json(trained.best_model->options()).dump()},
                         {"dataset", manifest.dataset},
                         {"normalize_features", manifest.normalize_features ? "true" : "false"},
                         {"format", "gat-checkpoint"},
                         {"version", "1"}});
    if (!q.json) std::cout << "checkpoint (best validation accuracy) written to " << q.save << "\n";
  }
  return kSuccess;
}

int distributed_eval(dist::Communicator& comm, const std::string& checkpoint, const std::string& partitions, bool json,
                     int threads) {
  apply_threads(threads);
  LoadedModel loaded = load_model(checkpoint);
  const dist::PartitionManifest manifest = dist::read_manifest(partitions);
  const dist::GraphPart part = dist::read_checked_part(partitions, manifest, comm.rank(), comm.size());
  dist::DistributedGat net(*loaded.model, part, comm);
  loaded.model->eval();
  nlohmann::json out{{"dataset", manifest.dataset}};
  for (auto [name, rows] : {std::pair{"train", &part.train}, std::pair{"valid", &part.valid}, std::pair{"test", &part.test}}) {
    const dist::SplitMetrics m = dist::evaluate_split(net, part, comm, *rows);
    if (m.nodes > 0) out[name] = {{"accuracy", m.accuracy}, {"loss", m.loss}, {"nodes", m.nodes}};
  }
  if (comm.rank() != 0) return kSuccess;
  if (json) {
    std::cout << out.dump(2) << "\n";
    return kSuccess;
  }
  for (const char* name : {"train", "valid", "test"})
    if (out.contains(name))
      std::cout << name << ": accuracy " << std::fixed << std::setprecision(4) << out[name]["accuracy"].get<double>()
                << "  loss " << out[name]["loss"].get<double>() << "  (" << out[name]["nodes"].get<std::int64_t>()
                << " nodes)\n";
  return kSuccess;
}

}  // namespace

int run_distributed_train(const DistributedTrainRequest& request) {
  dist::Communicator comm;
  return on_every_rank(comm, [&] { return distributed_train(comm, request); });
}

int run_distributed_eval(const std::string& checkpoint, const std::string& partitions, bool json, int threads) {
  dist::Communicator comm;
  return on_every_rank(comm, [&] { return distributed_eval(comm, checkpoint, partitions, json, threads); });
}

Runner add_partition_command(CLI::App& app) {
  auto f = std::make_shared<PartitionFlags>();
  CLI::App* cmd = app.add_subcommand(
      "partition", "split a dataset into parts for gat train --partitions (METIS k-way; docs/partition-format.md)");
  f->data.add_to(*cmd);
  cmd->add_option("--parts", f->parts, "parts, one per MPI rank")->required()->check(positive_number());
  cmd->add_option("--out", f->out, "the directory to write the parts and manifest.json to");
  cmd->add_flag("--dry-run", f->dry_run, "partition and print the statistics (METIS time, halo rows) only; write nothing");
  cmd->add_flag("--json", f->json, "print the statistics as JSON");
  return [cmd, f]() { return cmd->parsed() ? run_partition(*f) : -1; };
}

}  // namespace gat::cli
