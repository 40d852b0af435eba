#pragma once
// Whether two paths name the same file: the same device and inode when both exist (so hard
// links, symbolic links and "./x" against "x" are caught), else the same absolute path once
// normalised. Used to refuse an output that would replace an input or another output.
#include <filesystem>

namespace gat::io {

bool same_file(const std::filesystem::path& a, const std::filesystem::path& b);

}  // namespace gat::io
