// io::read_safetensors on arbitrary bytes: the 8-byte header length, the JSON header (dtypes,
// shapes, offsets, metadata) and the data section's tiling. Seeds: tests/fixtures/io/*.safetensors
// and io/bad/.
#include "fuzz_file.h"
#include "fuzz_main.h"
#include "recur/io/safetensors.h"

void run_one(const uint8_t* data, size_t size) {
  static const recur::fuzz::ScratchFile file(".safetensors");
  const recur::io::SafetensorsFile read = recur::io::read_safetensors(file.write(data, size));
  // Touch every element, so a tensor that claims more data than it owns shows up under ASan.
  double sum = 0.0;
  for (const auto& [name, tensor] : read.tensors) {
    for (float v : tensor.span()) sum += v;
  }
  fuzz_sink = sum;
}
