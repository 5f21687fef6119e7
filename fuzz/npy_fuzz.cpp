// The .npy reader: magic and version, the header dict (descr, fortran_order, shape), every dtype
// it converts, and the data size against the shape. Both entry points (io::read_npy, float32,
// and io::read_npy_int64, exact integers) read every input. Seeds: tests/fixtures/io/*.npy and
// io/bad/*.npy.
#include "fuzz_file.h"
#include "fuzz_main.h"
#include "recur/io/npy.h"

void run_one(const uint8_t* data, size_t size) {
  static const recur::fuzz::ScratchFile file(".npy");
  const std::string& path = file.write(data, size);
  double sum = 0.0;
  try {
    const recur::Tensor t = recur::io::read_npy(path);
    for (float v : t.span()) sum += v;
  } catch (const recur::Error&) {
    // The integer reader accepts a different set of dtypes: try it too.
  }
  const recur::io::Int64Array ints = recur::io::read_npy_int64(path);
  for (int64_t v : ints.values) sum += static_cast<double>(v);
  fuzz_sink = sum;
}
