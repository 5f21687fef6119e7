// NumPy .npy files (format versions 1.0-3.0): float32 tensors are written; float32/float64 and
// integer arrays are read (integers as float32 through read_npy, or exactly through
// read_npy_int64). Fortran order, object arrays and big-endian data are rejected with a clear
// IoError. Writes are atomic (temporary file + rename).
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
