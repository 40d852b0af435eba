// LINQS reader: <name>.content and <name>.cites.
#include "gat/io/linqs.hpp"

#include <algorithm>
#include <map>
#include <unordered_map>

#include "io/internal.hpp"
#include "io/text_reader.hpp"

namespace gat::io {

namespace fs = std::filesystem;

bool has_linqs(const fs::path& dir, const std::string& name) {
  std::error_code ec;
  return fs::is_regular_file(dir / (name + ".content"), ec) && fs::is_regular_file(dir / (name + ".cites"), ec);
}

namespace {
// Splits on tabs (and, leniently, spaces), skipping empty fields.
void split_fields(std::string_view line, std::vector<std::string_view>& out) {
  out.clear();
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == '\t' || line[i] == ' ')) ++i;
    std::size_t j = i;
    while (j < line.size() && line[j] != '\t' && line[j] != ' ') ++j;
    if (j > i) out.push_back(line.substr(i, j - i));
    i = j;
  }
}
struct RowWidth {
  std::int64_t attributes, line;
};

// The number of attributes most rows have (the earliest on a tie); the first row that differs
// is reported at its own line, so a short first row is blamed, not the second row.
std::int64_t check_row_widths(const std::vector<RowWidth>& rows, const std::string& file) {
  std::unordered_map<std::int64_t, std::pair<std::int64_t, std::size_t>> seen;  // width -> (rows, first)
  for (std::size_t r = 0; r < rows.size(); ++r) ++seen.try_emplace(rows[r].attributes, 0, r).first->second.first;
  std::int64_t width = rows.front().attributes, most = 0;
  std::size_t first = 0;
  for (const auto& [w, count_first] : seen)
    if (count_first.first > most || (count_first.first == most && count_first.second < first)) {
      width = w;
      most = count_first.first;
      first = count_first.second;
    }
  for (const RowWidth& row : rows)
    if (row.attributes != width)
      throw DataError(file, row.line, "line has " + std::to_string(row.attributes) + " attributes, " +
                                          std::to_string(most) + " of the " + std::to_string(rows.size()) +
                                          " lines have " + std::to_string(width));
  if (width == 0)
    throw DataError(file, rows.front().line, "no word attributes: expected paper id, word attributes, class name");
  return width;
}

}  // namespace

Dataset read_linqs(const fs::path& dir, const std::string& name, const LinqsOptions& options) {
  Dataset d;
  d.name = name;
  const fs::path content = dir / (name + ".content"), cites = dir / (name + ".cites");
  std::unordered_map<std::string, NodeId> index;
  std::vector<std::string> class_of;
  CsrMatrix x;
  x.cols = -1;
  x.offsets.assign(1, 0);
  std::vector<std::string_view> fields;
  std::vector<RowWidth> row_widths;
  {
    detail::LineReader in(content);
    std::string_view line;
    while (in.next(line)) {
      split_fields(line, fields);
      if (fields.empty()) continue;
      if (fields.size() < 2) in.fail("expected: paper id, word attributes, class name");
      const std::int64_t words = static_cast<std::int64_t>(fields.size()) - 2;
      row_widths.push_back({words, in.line_number()});
      for (std::int64_t k = 0; k < words; ++k) {
        const std::string_view f = fields[k + 1];
        if (f == "0") continue;
        if (f == "1") {
          x.columns.push_back(static_cast<std::int32_t>(k));
          x.values.push_back(1.0f);
          continue;
        }
        float v = 0;
        if (!detail::parse_float(f, v)) in.fail("attribute " + std::to_string(k + 1) + ": expected a finite number, found " + detail::quote(f));
        if (v != 0) {
          x.columns.push_back(static_cast<std::int32_t>(k));
          x.values.push_back(v);
        }
      }
      x.offsets.push_back(static_cast<std::int64_t>(x.values.size()));
      const std::string id(fields.front());
      if (!index.emplace(id, static_cast<NodeId>(d.node_names.size())).second) in.fail("paper id " + detail::quote(id) + " is listed twice");
      if (d.node_names.size() >= 2147483647u) in.fail("too many papers");
      d.node_names.push_back(id);
      class_of.emplace_back(fields.back());
    }
    if (d.node_names.empty()) throw DataError(content.string(), 0, "empty file (no papers)");
    x.cols = check_row_widths(row_widths, content.string());
  }
  const std::int64_t n = static_cast<std::int64_t>(d.node_names.size());
  x.rows = n;
  d.features = choose_feature_storage(std::move(x));
  std::map<std::string, std::int32_t> classes;
  for (const auto& c : class_of) classes.emplace(c, 0);
  std::int32_t next = 0;
  for (auto& [c, id] : classes) id = next++;
  d.num_classes = next;
  d.labels.resize(static_cast<std::size_t>(n));
  for (std::int64_t v = 0; v < n; ++v) d.labels[v] = classes[class_of[v]];

  std::vector<NodeId> src, dst;
  std::int64_t unknown = 0;
  std::string first_unknown;
  {
    detail::LineReader in(cites);
    std::string_view line;
    while (in.next(line)) {
      split_fields(line, fields);
      if (fields.empty()) continue;
      if (fields.size() != 2) in.fail("expected \"cited<TAB>citing\", found " + detail::quote(line));
      auto cited = index.find(std::string(fields[0]));
      auto citing = index.find(std::string(fields[1]));
      if (cited == index.end() || citing == index.end()) {
        if (unknown++ == 0) first_unknown = cites.string() + ":" + std::to_string(in.line_number());
        continue;
      }
      src.push_back(citing->second);
      dst.push_back(cited->second);
    }
  }
  if (unknown)
    d.warnings.push_back(std::to_string(unknown) + " citations name a paper missing from " + content.filename().string() +
                         " and were skipped (first at " + first_unknown + ")");
  d.edges = detail::undirected_edges(n, src, dst);
  d.files = {content, cites};
  detail::seeded_split(d, options.split_seed);
  validate(d, content.string());
  return d;
}

}  // namespace gat::io
