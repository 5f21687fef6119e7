// safetensors files (the format of Hugging Face's `safetensors`, used to move PyTorch state_dicts):
// an 8-byte little-endian header length, a JSON header {name: {dtype, shape, data_offsets}} with
// an optional "__metadata__" map of strings, then the tensor bytes. recur writes F32 and reads
// F32, F64, F16 and BF16 (converted to float32; other dtypes are rejected). Reading validates
// everything before touching the data, so truncated or malicious files give an IoError naming the
// file and the fault, never a crash or an over-read. Like the reference (Rust) implementation it
// requires the tensors to tile the data section exactly: no overlaps, holes or trailing bytes; it
// also rejects duplicate keys. Writing matches the reference layout (metadata first, tensors
// sorted by name, header padded with spaces to a multiple of 8) and goes through AtomicFile, so an
// interrupted save never leaves a half-written file.
//
//   save_safetensors("model.safetensors", weights, {{"format", "pt"}});
//   TensorMap loaded = load_safetensors("model.safetensors");
#pragma once

#include <map>
#include <string>

#include "recur/tensor/tensor_map.h"

namespace recur::io {

struct SafetensorsFile {
  TensorMap tensors;
  std::map<std::string, std::string> metadata;
};

SafetensorsFile read_safetensors(const std::string& path);
// The tensors only.
TensorMap load_safetensors(const std::string& path);
void save_safetensors(const std::string& path, const TensorMap& tensors,
                      const std::map<std::string, std::string>& metadata = {});

}  // namespace recur::io
