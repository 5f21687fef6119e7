// NumPy .npy files (format versions 1.0-3.0). Written: float32 tensors (<f4) and int64 arrays
// (<i8), with the header numpy itself writes (version 1.0, data aligned to 64 bytes). Read:
// <f4 <f8 <f2 <i8 <i4 <i2 |i1 <u4 <u2 |u1 |b1 -- through read_npy as float32, or through
// read_npy_int64 exactly (integer and bool arrays only). Fortran order, object and structured
// arrays, big-endian data, truncated or trailing data and malformed headers are rejected with an
// IoError naming the file. Writes are atomic (temporary file + rename, see atomic_file.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "recur/tensor/tensor.h"

namespace recur::io {

Tensor read_npy(const std::string& path);
void write_npy(const std::string& path, const Tensor& tensor);

// Integer arrays (lengths, class indices): the values and the shape.
struct Int64Array {
  std::vector<int64_t> values;
  Shape shape;
};
Int64Array read_npy_int64(const std::string& path);
void write_npy_int64(const std::string& path, const Int64Array& array);

}  // namespace recur::io
