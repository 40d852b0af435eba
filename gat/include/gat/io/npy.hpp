#pragma once
// NumPy's .npy format (numpy.lib.format, versions 1.0, 2.0 and 3.0), read strictly: a magic
// string, a version, a header that is a Python dict literal with exactly the keys 'descr',
// 'fortran_order' and 'shape', then the raw array. Only little-endian (or byte-order-free)
// numeric dtypes are accepted: '<f4' '<f8' '<i1' '<i2' '<i4' '<i8' '<u1' '<u2' '<u4' '<u8' '|b1'
// '|i1' '|u1'. Object arrays ('|O', which numpy pickles), big-endian data, Fortran order and a
// data size that disagrees with the shape are refused with a DataError naming the file and the
// fault; nothing is ever unpickled.
#include <cstdint>
#include <filesystem>
#include <vector>

#include "gat/tensor/matrix.hpp"

namespace gat::io {

struct NpyArray {
  std::vector<std::int64_t> shape;
  std::vector<double> values;  // row-major, converted from the stored dtype (exact for all but huge 64-bit ints)
};

NpyArray read_npy(const std::filesystem::path& path);
// A 2-d array as a float matrix (a 1-d array is one column). Throws DataError for other ranks.
Matrix read_npy_matrix(const std::filesystem::path& path);
// Writes '<f4', version 1.0, C order; to a temporary name, then renamed.
void write_npy(const std::filesystem::path& path, MatrixView<const float> m);

}  // namespace gat::io
