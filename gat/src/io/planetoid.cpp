// Planetoid reader: the pickles through the restricted reader, then PyG's read_planetoid_data.
#include "gat/io/planetoid.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "gat/io/pickle.hpp"
#include "io/internal.hpp"
#include "io/text_reader.hpp"

namespace gat::io {

namespace fs = std::filesystem;

namespace {

fs::path part_path(const fs::path& dir, const std::string& name, const char* part) {
  return dir / ("ind." + name + "." + part);
}

// A matrix in CSR form from a pickled csr_matrix or 2-d numpy array; validated, each row's
// columns sorted and duplicates summed (as scipy's sum_duplicates would).
CsrMatrix load_matrix(const fs::path& path) {
  const std::string file = path.string();
  pickle::Object obj = pickle::load(path);
  CsrMatrix m;
  if (auto* a = std::get_if<pickle::Array>(&obj)) {
    if (a->shape.size() != 2) throw DataError(file, 0, "expected a matrix, found an array of " + std::to_string(a->shape.size()) + " dimensions");
    m.rows = a->shape[0];
    m.cols = a->shape[1];
    m.offsets.assign(1, 0);
    for (std::int64_t r = 0; r < m.rows; ++r) {
      for (std::int64_t c = 0; c < m.cols; ++c) {
        const double v = a->as_double(r * m.cols + c);
        if (v != 0) {
          m.columns.push_back(static_cast<std::int32_t>(c));
          m.values.push_back(static_cast<float>(v));
        }
      }
      m.offsets.push_back(static_cast<std::int64_t>(m.values.size()));
    }
  } else if (auto* s = std::get_if<pickle::Csr>(&obj)) {
    m.rows = s->rows;
    m.cols = s->cols;
    if (m.cols > (std::int64_t{1} << 24))
      throw DataError(file, 0, "csr_matrix has " + std::to_string(m.cols) + " columns (more than 2^24: a corrupt _shape?)");
    if (s->indptr.size() != m.rows + 1) throw DataError(file, 0, "csr_matrix indptr has " + std::to_string(s->indptr.size()) + " entries for " + std::to_string(m.rows) + " rows");
    const std::int64_t nnz = s->indices.size();
    if (s->data.size() != nnz) throw DataError(file, 0, "csr_matrix has " + std::to_string(nnz) + " indices but " + std::to_string(s->data.size()) + " values");
    m.offsets.resize(static_cast<std::size_t>(m.rows) + 1);
    for (std::int64_t r = 0; r <= m.rows; ++r) {
      m.offsets[r] = s->indptr.as_int(r);
      if (m.offsets[r] < 0 || m.offsets[r] > nnz || (r > 0 && m.offsets[r] < m.offsets[r - 1]) || (r == 0 && m.offsets[0] != 0))
        throw DataError(file, 0, "csr_matrix indptr is not a valid offset list at row " + std::to_string(r));
    }
    if (m.offsets.back() != nnz) throw DataError(file, 0, "csr_matrix indptr ends at " + std::to_string(m.offsets.back()) + ", nnz is " + std::to_string(nnz));
    m.columns.resize(static_cast<std::size_t>(nnz));
    m.values.resize(static_cast<std::size_t>(nnz));
    for (std::int64_t k = 0; k < nnz; ++k) {
      const std::int64_t c = s->indices.as_int(k);
      if (c < 0 || c >= m.cols) throw DataError(file, 0, "csr_matrix column index " + std::to_string(c) + " out of range [0, " + std::to_string(m.cols) + ")");
      const double v = s->data.as_double(k);
      if (!std::isfinite(v) || !std::isfinite(static_cast<float>(v))) throw DataError(file, 0, "csr_matrix value " + std::to_string(k) + " is not finite");
      m.columns[k] = static_cast<std::int32_t>(c);
      m.values[k] = static_cast<float>(v);
    }
    // Sort each row and sum duplicates.
    std::vector<std::pair<std::int32_t, float>> row;
    std::int64_t w = 0, begin = 0;
    for (std::int64_t r = 0; r < m.rows; ++r) {
      const std::int64_t end = m.offsets[r + 1];
      row.clear();
      for (std::int64_t k = begin; k < end; ++k) row.emplace_back(m.columns[k], m.values[k]);
      std::stable_sort(row.begin(), row.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      for (std::size_t i = 0; i < row.size(); ++i) {
        if (i > 0 && row[i].first == row[i - 1].first) {
          m.values[w - 1] += row[i].second;
          continue;
        }
        m.columns[w] = row[i].first;
        m.values[w] = row[i].second;
        ++w;
      }
      begin = end;
      m.offsets[r + 1] = w;
    }
    m.columns.resize(static_cast<std::size_t>(w));
    m.values.resize(static_cast<std::size_t>(w));
  } else {
    throw DataError(file, 0, "expected a csr_matrix or a numpy matrix, found a dict");
  }
  return m;
}

// Class of every row of a one-hot matrix: the first maximum (numpy/torch argmax); 0 for a zero row.
// `classes` and `classes_from` carry the class count and the file it was first read from, so
// that a label file of another width is blamed together with that file.
std::vector<std::int32_t> load_labels(const fs::path& path, std::int64_t& classes, std::string& classes_from) {
  const std::string file = path.string();
  pickle::Object obj = pickle::load(path);
  auto* a = std::get_if<pickle::Array>(&obj);
  if (!a || a->shape.size() != 2) throw DataError(file, 0, "expected a 2-d numpy array of one-hot labels");
  const std::int64_t rows = a->shape[0], cols = a->shape[1];
  if (cols <= 0) throw DataError(file, 0, "one-hot label matrix has no columns");
  if (classes >= 0 && cols != classes)
    throw DataError(file, 0, "one-hot label matrix has " + std::to_string(cols) + " columns (classes), but " + classes_from +
                                 " has " + std::to_string(classes) + " (one of the two files is wrong)");
  classes = cols;
  classes_from = path.filename().string();
  std::vector<std::int32_t> labels(static_cast<std::size_t>(rows));
  for (std::int64_t r = 0; r < rows; ++r) {
    std::int64_t best = 0;
    double best_value = a->as_double(r * cols);
    for (std::int64_t c = 1; c < cols; ++c) {
      const double v = a->as_double(r * cols + c);
      if (std::isnan(v)) throw DataError(file, 0, "label row " + std::to_string(r) + " holds NaN");
      if (v > best_value) {
        best_value = v;
        best = c;
      }
    }
    labels[r] = static_cast<std::int32_t>(best);
  }
  return labels;
}

}  // namespace

bool has_planetoid(const fs::path& dir, const std::string& name) {
  std::error_code ec;
  return fs::is_regular_file(part_path(dir, name, "graph"), ec);
}

Dataset read_planetoid(const fs::path& dir, const std::string& name) {
  Dataset d;
  d.name = name;
  const CsrMatrix allx = load_matrix(part_path(dir, name, "allx"));
  const CsrMatrix tx = load_matrix(part_path(dir, name, "tx"));
  const CsrMatrix x = load_matrix(part_path(dir, name, "x"));
  std::int64_t classes = -1;
  std::string classes_from;
  const auto ally = load_labels(part_path(dir, name, "ally"), classes, classes_from);
  const auto ty = load_labels(part_path(dir, name, "ty"), classes, classes_from);
  const auto y = load_labels(part_path(dir, name, "y"), classes, classes_from);
  // Cross-file checks name both files: either one can be the wrong one.
  const auto file_of = [&](const char* part) { return part_path(dir, name, part).filename().string(); };
  const auto rows_disagree = [&](const char* labels_part, std::size_t label_rows, const char* rows_part, std::int64_t rows) {
    return DataError(part_path(dir, name, labels_part).string(), 0,
                     std::to_string(label_rows) + " label rows, but " + file_of(rows_part) + " has " + std::to_string(rows) +
                         " rows (one of the two files is wrong)");
  };
  const std::string allx_file = part_path(dir, name, "allx").string();
  if (tx.cols != allx.cols || x.cols != allx.cols) {
    // The file that disagrees with the other two is the one at fault (allx replaced by a label
    // file, say); when all three differ, tx is named as before.
    const char* odd = tx.cols == x.cols ? "allx" : tx.cols == allx.cols ? "x" : "tx";
    throw DataError(part_path(dir, name, odd).string(), 0, "x, tx and allx have different numbers of columns (" +
                    std::to_string(x.cols) + ", " + std::to_string(tx.cols) + ", " + std::to_string(allx.cols) +
                    ")");
  }
  if (static_cast<std::int64_t>(ally.size()) != allx.rows) throw rows_disagree("ally", ally.size(), "allx", allx.rows);
  if (static_cast<std::int64_t>(ty.size()) != tx.rows) throw rows_disagree("ty", ty.size(), "tx", tx.rows);
  if (static_cast<std::int64_t>(y.size()) != x.rows) throw rows_disagree("y", y.size(), "x", x.rows);
  if (x.rows > allx.rows)
    throw DataError(part_path(dir, name, "x").string(), 0, std::to_string(x.rows) + " rows, more than the " +
                                                             std::to_string(allx.rows) + " rows of " + file_of("allx") +
                                                             " that they are the first of");

  // test.index
  const fs::path index_path = part_path(dir, name, "test.index");
  std::vector<std::int64_t> test_index;
  {
    detail::LineReader in(index_path);
    std::string_view line;
    while (in.next(line)) {
      if (line.empty()) continue;
      std::int64_t v = -1;
      if (!detail::parse_int(line, v)) in.fail("expected a node index, found " + detail::quote(line));
      // Test nodes follow allx; the range may have gaps (Citeseer), but not more gaps than rows.
      if (v < allx.rows || v >= allx.rows + 2 * tx.rows + 1024)
        in.fail("test index " + std::to_string(v) + " out of range [" + std::to_string(allx.rows) + ", " +
                std::to_string(allx.rows + 2 * tx.rows + 1024) + ") (test nodes follow the " + std::to_string(allx.rows) +
                " rows of " + file_of("allx") + ", and " + file_of("tx") + " has " + std::to_string(tx.rows) + " rows)");
      test_index.push_back(v);
    }
  }
  if (static_cast<std::int64_t>(test_index.size()) != tx.rows)
    throw DataError(index_path.string(), 0, std::to_string(test_index.size()) + " test indices, but " + file_of("tx") +
                                                " has " + std::to_string(tx.rows) + " rows (one of the two files is wrong)");
  std::vector<std::int64_t> sorted_test = test_index;
  std::sort(sorted_test.begin(), sorted_test.end());
  if (auto it = std::adjacent_find(sorted_test.begin(), sorted_test.end()); it != sorted_test.end())
    throw DataError(index_path.string(), 0, "test index " + std::to_string(*it) + " is listed twice");
  const std::int64_t n = std::max(allx.rows + tx.rows, sorted_test.empty() ? allx.rows : sorted_test.back() + 1);
  if (n <= 0) throw DataError(allx_file, 0, "no nodes");

  // Features and labels: allx rows, then tx row i at node test_index[i]; gaps stay zero, label 0.
  std::vector<std::int64_t> source_row(static_cast<std::size_t>(n), -1);  // >= 0: allx row; <= -2: tx row -2-i
  for (std::int64_t r = 0; r < allx.rows; ++r) source_row[r] = r;
  for (std::size_t i = 0; i < test_index.size(); ++i) source_row[test_index[i]] = -2 - static_cast<std::int64_t>(i);
  CsrMatrix features;
  features.rows = n;
  features.cols = allx.cols;
  features.offsets.assign(1, 0);
  features.offsets.reserve(static_cast<std::size_t>(n) + 1);
  d.labels.assign(static_cast<std::size_t>(n), 0);
  for (std::int64_t v = 0; v < n; ++v) {
    const std::int64_t s = source_row[v];
    const CsrMatrix* m = s >= 0 ? &allx : (s <= -2 ? &tx : nullptr);
    if (m) {
      const std::int64_t r = s >= 0 ? s : -2 - s;
      features.columns.insert(features.columns.end(), m->columns.begin() + m->offsets[r], m->columns.begin() + m->offsets[r + 1]);
      features.values.insert(features.values.end(), m->values.begin() + m->offsets[r], m->values.begin() + m->offsets[r + 1]);
      d.labels[v] = s >= 0 ? ally[r] : ty[r];
    }
    features.offsets.push_back(static_cast<std::int64_t>(features.values.size()));
  }
  d.features = choose_feature_storage(std::move(features));
  d.num_classes = static_cast<std::int32_t>(classes);

  // Edges.
  const fs::path graph_path = part_path(dir, name, "graph");
  pickle::Object graph = pickle::load(graph_path);
  auto* adj = std::get_if<pickle::Adjacency>(&graph);
  if (!adj) throw DataError(graph_path.string(), 0, "expected a dict of adjacency lists");
  const std::string node_range = "[0, " + std::to_string(n) + ") (the nodes of " + file_of("allx") + ", " + file_of("tx") +
                                 " and " + file_of("test.index") + ")";
  std::vector<NodeId> src, dst;
  for (const auto& [key, list] : adj->lists) {
    if (key < 0 || key >= n) throw DataError(graph_path.string(), 0, "node " + std::to_string(key) + " out of range " + node_range);
    for (std::int64_t t : list) {
      if (t < 0 || t >= n)
        throw DataError(graph_path.string(), 0, "neighbour " + std::to_string(t) + " of node " + std::to_string(key) + " out of range " + node_range);
      src.push_back(static_cast<NodeId>(key));
      dst.push_back(static_cast<NodeId>(t));
    }
  }
  d.edges = detail::undirected_edges(n, src, dst);

  // Public split.
  for (std::int64_t i = 0; i < static_cast<std::int64_t>(y.size()); ++i) d.train.push_back(static_cast<NodeId>(i));
  // PyG takes the 500 nodes after the training nodes; on tiny inputs, only those of allx.
  const std::int64_t valid_end = std::min<std::int64_t>(static_cast<std::int64_t>(y.size()) + 500, allx.rows);
  for (std::int64_t i = static_cast<std::int64_t>(y.size()); i < valid_end; ++i) d.valid.push_back(static_cast<NodeId>(i));
  for (std::int64_t v : sorted_test) d.test.push_back(static_cast<NodeId>(v));
  for (const char* part : {"x", "tx", "allx", "y", "ty", "ally", "graph", "test.index"})
    d.files.push_back(part_path(dir, name, part));
  validate(d, (dir / ("ind." + name + ".*")).string());
  return d;
}

}  // namespace gat::io
