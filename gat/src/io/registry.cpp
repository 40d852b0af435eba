// load_dataset: finds a dataset by name (under a data root) or by path (by its contents).
#include "gat/io/registry.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "gat/io/linqs.hpp"
#include "gat/io/ogb.hpp"
#include "gat/io/planetoid.hpp"

namespace gat::io {

namespace fs = std::filesystem;

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return s;
}

bool allowed(Format wanted, Format f) { return wanted == Format::any || wanted == f; }

// The Planetoid names present in a folder (from ind.<name>.graph files).
std::vector<std::string> planetoid_names(const fs::path& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string file = entry.path().filename().string();
    if (file.size() > 10 && file.rfind("ind.", 0) == 0 && file.substr(file.size() - 6) == ".graph")
      names.push_back(file.substr(4, file.size() - 10));
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> linqs_names(const fs::path& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.path().extension() == ".content") {
      const std::string stem = entry.path().stem().string();
      if (has_linqs(dir, stem)) names.push_back(stem);
    }
  std::sort(names.begin(), names.end());
  return names;
}

Dataset load_path(const fs::path& path, const DatasetRequest& request) {
  std::error_code ec;
  std::vector<std::string> looked;
  if (fs::is_regular_file(path, ec)) {
    // A file: <name>.content (LINQS) or ind.<name>.<part> (Planetoid).
    const fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
    const std::string file = path.filename().string();
    if (path.extension() == ".content" || path.extension() == ".cites")
      if (allowed(request.format, Format::linqs)) return read_linqs(dir, path.stem().string());
    if (file.rfind("ind.", 0) == 0 && allowed(request.format, Format::planetoid)) {
      const std::string rest = file.substr(4);
      return read_planetoid(dir, rest.substr(0, rest.find('.')));
    }
    throw InvalidArgument(path.string() + ": not a dataset file (expected <name>.content, <name>.cites or ind.<name>.*)");
  }
  if (allowed(request.format, Format::ogb)) {
    if (is_ogb_dir(path)) return read_ogb(path, OgbOptions{request.split});
    looked.push_back((path / "raw" / "edge.csv.gz").string() + " (OGB layout)");
  }
  if (allowed(request.format, Format::planetoid)) {
    for (const fs::path& dir : {path, path / "raw", path / "planetoid" / "raw"}) {
      const auto names = planetoid_names(dir);
      if (names.size() == 1) return read_planetoid(dir, names[0]);
      if (names.size() > 1) {
        std::string list;
        for (const auto& n : names) list += " " + n;
        throw InvalidArgument(dir.string() + ": holds several Planetoid datasets (" + list.substr(1) +
                              "); name one, e.g. --data-root " + path.string() + " and the dataset name");
      }
    }
    looked.push_back((path / "ind.<name>.graph").string() + " (Planetoid)");
  }
  if (allowed(request.format, Format::linqs)) {
    const auto names = linqs_names(path);
    if (names.size() == 1) return read_linqs(path, names[0]);
    if (names.size() > 1) throw InvalidArgument(path.string() + ": holds several LINQS datasets; give the .content file");
    looked.push_back((path / "<name>.content").string() + " (LINQS)");
  }
  std::string list;
  for (const auto& l : looked) list += "\n  " + l;
  throw InvalidArgument(path.string() + ": no dataset recognised; looked for:" + list);
}

}  // namespace

std::optional<Format> parse_format(const std::string& text) {
  const std::string t = lower(text);
  if (t == "any" || t.empty()) return Format::any;
  if (t == "ogb") return Format::ogb;
  if (t == "planetoid") return Format::planetoid;
  if (t == "linqs") return Format::linqs;
  return std::nullopt;
}

const char* format_name(Format format) {
  switch (format) {
    case Format::any: return "any";
    case Format::ogb: return "ogb";
    case Format::planetoid: return "planetoid";
    case Format::linqs: return "linqs";
  }
  return "?";
}

Dataset load_dataset(const DatasetRequest& request) {
  const std::string& what = request.name_or_path;
  if (what.empty() || lower(what) == "synthetic") return make_synthetic_citation({});

  std::error_code ec;
  const bool looks_like_path = what.find('/') != std::string::npos || what.find('.') != std::string::npos;
  if (looks_like_path || (request.data_root.empty() && fs::exists(what, ec) && !fs::exists(default_data_root() / what, ec))) {
    if (!fs::exists(what, ec)) throw InvalidArgument(what + ": no such file or folder");
    return load_path(what, request);
  }

  const fs::path root = request.data_root.empty() ? default_data_root() : request.data_root;
  const std::string name = lower(what);
  std::vector<std::string> looked;
  if (allowed(request.format, Format::ogb)) {
    const fs::path dir = root / name;
    if (is_ogb_dir(dir)) {
      Dataset d = read_ogb(dir, OgbOptions{request.split});
      d.name = name;
      return d;
    }
    looked.push_back((dir / "raw" / "edge.csv.gz").string() + " (OGB layout)");
  }
  if (allowed(request.format, Format::planetoid)) {
    const fs::path dir = root / "planetoid" / "raw";
    if (has_planetoid(dir, name)) return read_planetoid(dir, name);
    looked.push_back((dir / ("ind." + name + ".graph")).string() + " (Planetoid)");
  }
  if (allowed(request.format, Format::linqs)) {
    const fs::path dir = root / "linqs" / name;
    if (has_linqs(dir, name)) return read_linqs(dir, name);
    looked.push_back((dir / (name + ".content")).string() + " (LINQS)");
  }
  std::string list;
  for (const auto& l : looked) list += "\n  " + l;
  throw InvalidArgument("dataset '" + what + "' (format " + format_name(request.format) + ") not found; looked for:" + list +
                        "\nSet the data root with --data-root or the GAT_DATA environment variable (see datasets/README.md).");
}

}  // namespace gat::io
