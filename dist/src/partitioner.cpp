#include "gat/dist/partitioner.hpp"

#include <metis.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <limits>
#include <numeric>

#include "gat/core/check.hpp"
#include "gat/core/error.hpp"
#include "gat/io/atomic_file.hpp"
#include "gat/io/json_number.hpp"

namespace gat::dist {

namespace {

// The undirected neighbours of v, loops dropped: METIS wants a symmetric graph without loops.
void undirected_neighbours(const Graph& g, NodeId v, std::vector<idx_t>& out) {
  const auto in = g.in_neighbors(v);
  const auto outs = g.out_neighbors(v);
  std::size_t a = 0, b = 0;
  idx_t last = -1;
  while (a < in.size() || b < outs.size()) {
    const NodeId u = b == outs.size() || (a < in.size() && in[a] <= outs[b]) ? in[a++] : outs[b++];
    if (u != v && u != last) out.push_back(u);
    if (u != v) last = u;
  }
}

double imbalance(const std::vector<std::int64_t>& per_rank) {
  const double total = std::accumulate(per_rank.begin(), per_rank.end(), 0.0);
  const double max = static_cast<double>(*std::max_element(per_rank.begin(), per_rank.end()));
  return total > 0 ? max * static_cast<double>(per_rank.size()) / total : 1.0;
}

}  // namespace

std::vector<std::int32_t> metis_parts(const Graph& g, std::int32_t parts, std::int64_t* edge_cut) {
  const std::int64_t n = g.num_nodes();
  GAT_REQUIRE(parts >= 1 && parts <= n, "--parts: expected 1 to ", n, " (the node count), got ", parts);
  std::vector<std::int32_t> part_of(static_cast<std::size_t>(n), 0);
  if (edge_cut) *edge_cut = 0;
  if (parts == 1) return part_of;
  std::vector<idx_t> xadj{0}, adjncy, vwgt;
  xadj.reserve(static_cast<std::size_t>(n) + 1);
  adjncy.reserve(static_cast<std::size_t>(2 * g.num_edges()));
  vwgt.reserve(2 * static_cast<std::size_t>(n));
  for (NodeId v = 0; v < n; ++v) {
    undirected_neighbours(g, v, adjncy);
    GAT_REQUIRE(adjncy.size() < static_cast<std::size_t>(std::numeric_limits<idx_t>::max()),
                "partition: the graph has more than 2^31 undirected edge ends, beyond METIS's 32-bit indices");
    xadj.push_back(static_cast<idx_t>(adjncy.size()));
    // Two constraints: every node counts once, and its attention work (in-edges and a self loop).
    vwgt.push_back(1);
    vwgt.push_back(static_cast<idx_t>(g.in_degree(v) + 1));
  }
  idx_t nvtxs = static_cast<idx_t>(n), ncon = 2, nparts = parts, objval = 0;
  idx_t options[METIS_NOPTIONS];
  METIS_SetDefaultOptions(options);
  options[METIS_OPTION_SEED] = 1;  // the same partition every time
  options[METIS_OPTION_NUMBERING] = 0;
  std::vector<idx_t> part(static_cast<std::size_t>(n));
  const int status = METIS_PartGraphKway(&nvtxs, &ncon, xadj.data(), adjncy.data(), vwgt.data(), nullptr, nullptr,
                                         &nparts, nullptr, nullptr, options, &objval, part.data());
  if (status != METIS_OK)
    throw InternalError("METIS_PartGraphKway failed (status " + std::to_string(status) +
                        (status == METIS_ERROR_MEMORY ? ", out of memory)" : ")"));
  std::copy(part.begin(), part.end(), part_of.begin());
  if (edge_cut) *edge_cut = objval;
  return part_of;
}

HaloSizes halo_sizes(const Graph& g, std::span<const std::int32_t> part_of, std::int32_t parts) {
  HaloSizes s;
  const auto k = static_cast<std::size_t>(parts);
  s.owned.assign(k, 0);
  s.in_edges.assign(k, 0);
  s.halo.assign(k, 0);
  std::vector<NodeId> last_reader(k, -1);  // the last source u that part q counted
  for (NodeId u = 0; u < g.num_nodes(); ++u) {
    const std::int32_t home = part_of[static_cast<std::size_t>(u)];
    ++s.owned[static_cast<std::size_t>(home)];
    s.in_edges[static_cast<std::size_t>(home)] += g.in_degree(u);
    for (NodeId v : g.out_neighbors(u)) {
      const auto q = static_cast<std::size_t>(part_of[static_cast<std::size_t>(v)]);
      if (static_cast<std::int32_t>(q) != home && last_reader[q] != u) {
        last_reader[q] = u;
        ++s.halo[q];
      }
    }
  }
  return s;
}

std::vector<GraphPart> build_parts(const PartitionInput& in, std::span<const std::int32_t> part_of, std::int32_t parts) {
  const Graph& g = *in.graph;
  const std::int64_t n = g.num_nodes();
  GAT_REQUIRE(static_cast<std::int64_t>(part_of.size()) == n, "build_parts: ", part_of.size(), " parts for ", n, " nodes");
  PartitionIdentity id{n, g.num_input_edges(), in.features->cols(), 0, in.checksum, assignment_checksum(part_of), parts};
  id.num_classes = 1 + (in.labels.empty() ? 0 : *std::max_element(in.labels.begin(), in.labels.end()));
  std::vector<GraphPart> out(static_cast<std::size_t>(parts));
  std::vector<std::int32_t> local(static_cast<std::size_t>(n));
  for (NodeId v = 0; v < n; ++v) {
    GraphPart& p = out[static_cast<std::size_t>(part_of[static_cast<std::size_t>(v)])];
    local[static_cast<std::size_t>(v)] = static_cast<std::int32_t>(p.owned.size());
    p.owned.push_back(v);
  }
  for (std::int32_t r = 0; r < parts; ++r) {
    GraphPart& p = out[static_cast<std::size_t>(r)];
    p.identity = id;
    p.rank = r;
    p.in_offsets.assign(1, 0);
    std::vector<std::pair<std::int32_t, std::int32_t>> remote;  // (owner, global id)
    for (NodeId v : p.owned) {
      for (NodeId u : g.in_neighbors(v)) {
        p.in_sources.push_back(u);
        if (const std::int32_t owner = part_of[static_cast<std::size_t>(u)]; owner != r) remote.emplace_back(owner, u);
      }
      p.in_offsets.push_back(static_cast<std::int64_t>(p.in_sources.size()));
      p.labels.push_back(in.labels[static_cast<std::size_t>(v)]);
    }
    std::sort(remote.begin(), remote.end());
    remote.erase(std::unique(remote.begin(), remote.end()), remote.end());
    p.halo_offsets.assign(static_cast<std::size_t>(parts) + 1, 0);
    for (const auto& [owner, u] : remote) {
      p.halo.push_back(u);
      ++p.halo_offsets[static_cast<std::size_t>(owner) + 1];
    }
    std::partial_sum(p.halo_offsets.begin(), p.halo_offsets.end(), p.halo_offsets.begin());
    const std::pair<std::span<const NodeId>, std::vector<std::int32_t>*> splits[] = {
        {in.train, &p.train}, {in.valid, &p.valid}, {in.test, &p.test}};
    for (const auto& [split, rows] : splits)
      for (NodeId v : split)
        if (part_of[static_cast<std::size_t>(v)] == r) rows->push_back(local[static_cast<std::size_t>(v)]);
    p.features = in.features->rows_of(p.owned);
  }
  // Rank r sends rank q the rows of q's halo that r owns, in q's order.
  for (auto& p : out) p.send_offsets.assign(1, 0);
  for (std::int32_t q = 0; q < parts; ++q) {
    const GraphPart& reader = out[static_cast<std::size_t>(q)];
    for (std::int32_t r = 0; r < parts; ++r) {
      GraphPart& owner = out[static_cast<std::size_t>(r)];
      for (std::int64_t k = reader.halo_offsets[static_cast<std::size_t>(r)];
           k < reader.halo_offsets[static_cast<std::size_t>(r) + 1]; ++k)
        owner.send.push_back(local[static_cast<std::size_t>(reader.halo[static_cast<std::size_t>(k)])]);
    }
  }
  // send_offsets: the blocks were appended in reader order q = 0, 1, ...
  for (std::int32_t r = 0; r < parts; ++r) {
    GraphPart& owner = out[static_cast<std::size_t>(r)];
    std::int64_t at = 0;
    for (std::int32_t q = 0; q < parts; ++q) {
      const GraphPart& reader = out[static_cast<std::size_t>(q)];
      at += reader.halo_offsets[static_cast<std::size_t>(r) + 1] - reader.halo_offsets[static_cast<std::size_t>(r)];
      owner.send_offsets.push_back(at);
    }
  }
  return out;
}

nlohmann::json PartitionStats::to_json() const {
  return {{"edge_cut", edge_cut},         {"cut_in_edges", cut_in_edges}, {"owned", owned},
          {"in_edges", in_edges},         {"halo", halo},                 {"node_imbalance", node_imbalance},
          {"edge_imbalance", edge_imbalance}, {"metis_seconds", seconds}};
}

PartitionStats partition_stats(std::span<const GraphPart> parts, std::int64_t edge_cut, double seconds) {
  PartitionStats s;
  s.edge_cut = edge_cut;
  s.seconds = seconds;
  for (const GraphPart& p : parts) {
    s.owned.push_back(p.num_owned());
    s.in_edges.push_back(static_cast<std::int64_t>(p.in_sources.size()));
    s.halo.push_back(p.num_halo());
    for (std::size_t i = 0; i + 1 < p.in_offsets.size(); ++i)
      for (std::int64_t e = p.in_offsets[i]; e < p.in_offsets[i + 1]; ++e)
        if (!std::binary_search(p.owned.begin(), p.owned.end(), p.in_sources[static_cast<std::size_t>(e)])) ++s.cut_in_edges;
  }
  std::vector<std::int64_t> work;
  for (std::size_t r = 0; r < parts.size(); ++r) work.push_back(s.in_edges[r] + s.owned[r]);
  s.node_imbalance = imbalance(s.owned);
  s.edge_imbalance = imbalance(work);
  return s;
}

void write_partition(const std::filesystem::path& dir, const PartitionInput& in, std::span<const GraphPart> parts,
                     const PartitionStats& stats) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw DataError(dir.string(), 0, "cannot create the partition directory: " + ec.message());
  for (const GraphPart& p : parts) write_part(part_path(dir, p.rank), p);
  const PartitionIdentity& id = parts.front().identity;
  const nlohmann::json manifest{{"format", "gat-partition"},
                                {"version", 1},
                                {"dataset", in.dataset},
                                {"normalize_features", in.normalize_features},
                                {"parts", id.parts},
                                {"num_nodes", id.num_nodes},
                                {"num_edges", id.num_edges},
                                {"num_features", id.num_features},
                                {"num_classes", id.num_classes},
                                {"dataset_checksum", id.dataset_checksum},
                                {"assignment_checksum", id.assignment_checksum},
                                {"stats", stats.to_json()}};
  io::AtomicFile::write(manifest_path(dir), manifest.dump(2) + "\n");
}

PartitionManifest read_manifest(const std::filesystem::path& dir) {
  const std::string path = manifest_path(dir).string();
  std::ifstream in(path);
  if (!in) throw DataError(path, 0, "cannot open the partition manifest (is " + dir.string() + " a directory written by gat partition?)");
  PartitionManifest m;
  try {
    const nlohmann::json j = nlohmann::json::parse(in);
    if (j.at("format") != "gat-partition" || j.at("version") != 1)
      throw DataError(path, 0, "not a version 1 gat-partition manifest");
    PartitionIdentity& id = m.identity;
    id.parts = io::json_integer<std::int32_t>(j.at("parts"), path, "parts");
    id.num_nodes = io::json_integer<std::int64_t>(j.at("num_nodes"), path, "num_nodes");
    id.num_edges = io::json_integer<std::int64_t>(j.at("num_edges"), path, "num_edges");
    id.num_features = io::json_integer<std::int64_t>(j.at("num_features"), path, "num_features");
    id.num_classes = io::json_integer<std::int64_t>(j.at("num_classes"), path, "num_classes");
    id.dataset_checksum = io::json_integer<std::uint64_t>(j.at("dataset_checksum"), path, "dataset_checksum");
    id.assignment_checksum = io::json_integer<std::uint64_t>(j.at("assignment_checksum"), path, "assignment_checksum");
    m.dataset = j.at("dataset").get<std::string>();
    m.normalize_features = j.at("normalize_features").get<bool>();
    m.stats = j.value("stats", nlohmann::json::object());
  } catch (const nlohmann::json::exception& e) {
    throw DataError(path, 0, std::string("malformed partition manifest: ") + e.what());
  }
  return m;
}

GraphPart read_checked_part(const std::filesystem::path& dir, const PartitionManifest& manifest, std::int32_t rank,
                            std::int32_t ranks) {
  const std::string manifest_file = manifest_path(dir).string();
  if (manifest.identity.parts != ranks)
    throw DataError(manifest_file, 0, "the partition has " + std::to_string(manifest.identity.parts) + " parts but " +
                                          std::to_string(ranks) + " ranks run; run mpiexec -n " +
                                          std::to_string(manifest.identity.parts) + " or partition again");
  const auto path = part_path(dir, rank);
  GraphPart part = read_part(path);
  if (part.rank != rank) throw DataError(path.string(), 0, "holds part " + std::to_string(part.rank) + ", not " + std::to_string(rank));
  if (!(part.identity == manifest.identity))
    throw DataError(path.string(), 0, "does not match " + manifest_file +
                                          " (another dataset or another partitioning run); partition again");
  return part;
}

}  // namespace gat::dist
