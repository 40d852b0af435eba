#pragma once
// Finding a dataset by name or path: load_dataset, DatasetRequest and Format are declared in
// dataset.hpp. Helpers for command lines:
#include <optional>
#include <string>

#include "gat/io/dataset.hpp"

namespace gat::io {

// "any", "ogb", "planetoid", "linqs" (case-insensitive); nothing for anything else.
std::optional<Format> parse_format(const std::string& text);
const char* format_name(Format format);

}  // namespace gat::io
