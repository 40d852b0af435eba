// The code in the documentation is the code that is compiled: each "<!-- snippet: FILE -->"
// marker in docs/*.md (and README.md) is followed by a ```cpp block equal to the "// [doc]"
// region of tests/docs/snippets/FILE, and every snippet appears in the docs. Every snippet runs
// (the test cases below), except README.md's (snippets/readme.cpp), which is compiled and linked
// but not run: it trains the paper's model on Cora and writes attention.json where it runs.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

namespace fs = std::filesystem;

void snippet_graph_store();
void snippet_layers();
void snippet_training();
void snippet_attention();
void snippet_checkpoints();
void snippet_paper_runs();
void snippet_receptive_field();

namespace {

std::vector<std::string> read_lines(const fs::path& p) {
  std::ifstream in(p);
  REQUIRE(in);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string join(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += l + "\n";
  return s;
}

// The lines between "// [doc]" and "// [/doc]", with their common indentation removed.
std::string snippet_region(const fs::path& file) {
  const auto lines = read_lines(file);
  std::vector<std::string> region;
  bool inside = false, found = false;
  for (const auto& l : lines) {
    const auto text = l.substr(std::min(l.find_first_not_of(' '), l.size()));
    if (text == "// [doc]") {
      inside = found = true;
    } else if (text == "// [/doc]") {
      inside = false;
    } else if (inside) {
      region.push_back(l);
    }
  }
  INFO(file.string());
  REQUIRE(found);
  std::size_t indent = std::string::npos;
  for (const auto& l : region)
    if (l.find_first_not_of(' ') != std::string::npos) indent = std::min(indent, l.find_first_not_of(' '));
  for (auto& l : region) l = l.size() >= indent ? l.substr(indent) : std::string();
  return join(region);
}

// Marker name -> every code block following such a marker, over the given markdown files.
std::multimap<std::string, std::pair<std::string, std::string>> doc_blocks(const std::vector<fs::path>& files) {
  std::multimap<std::string, std::pair<std::string, std::string>> blocks;
  const std::string marker = "<!-- snippet: ";
  for (const auto& md : files) {
    const auto lines = read_lines(md);
    for (std::size_t i = 0; i < lines.size(); ++i) {
      if (lines[i].rfind(marker, 0) != 0) continue;
      const std::string name = lines[i].substr(marker.size(), lines[i].find(" -->") - marker.size());
      INFO(md.string() << ":" << i + 1);
      REQUIRE(i + 1 < lines.size());
      REQUIRE(lines[i + 1] == "```cpp");
      std::vector<std::string> code;
      std::size_t j = i + 2;
      for (; j < lines.size() && lines[j] != "```"; ++j) code.push_back(lines[j]);
      REQUIRE(j < lines.size());
      blocks.emplace(name, std::pair{md.string() + ":" + std::to_string(i + 1), join(code)});
    }
  }
  return blocks;
}

}  // namespace

TEST_CASE("the code blocks of the docs are the compiled snippets", "[docs]") {
  std::vector<fs::path> files{GAT_README};
  for (const auto& entry : fs::directory_iterator(GAT_DOCS_DIR))
    if (entry.path().extension() == ".md") files.push_back(entry.path());
  const auto blocks = doc_blocks(files);

  std::set<std::string> snippets;
  for (const auto& entry : fs::directory_iterator(GAT_SNIPPETS_DIR))
    if (entry.path().extension() == ".cpp") snippets.insert(entry.path().filename().string());

  for (const auto& [name, where_code] : blocks) {
    INFO(where_code.first << ": snippet " << name);
    REQUIRE(snippets.count(name) == 1);
    CHECK(where_code.second == snippet_region(fs::path(GAT_SNIPPETS_DIR) / name));
  }
  for (const auto& name : snippets) {
    INFO("tests/docs/snippets/" << name << " is not shown in any docs/*.md");
    CHECK(blocks.count(name) > 0);
  }
}

TEST_CASE("the snippets run", "[docs]") {
  CHECK_NOTHROW(snippet_graph_store());
  CHECK_NOTHROW(snippet_layers());
  CHECK_NOTHROW(snippet_training());
  CHECK_NOTHROW(snippet_attention());
  CHECK_NOTHROW(snippet_checkpoints());
  CHECK_NOTHROW(snippet_paper_runs());
  CHECK_NOTHROW(snippet_receptive_field());
}
