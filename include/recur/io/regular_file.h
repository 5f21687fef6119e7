// Opening input files safely: every reader in recur (CSV, safetensors, .npy, JSON configs) reads
// only regular files. A FIFO with no writer would block open() forever, /dev/zero or /dev/urandom
// would never end, and a directory gives confusing read errors; all of them are refused at once
// with "<path>: not a regular file". Symbolic links are followed (a link to a regular file is
// fine).
//
//   std::string bytes = io::read_regular_file(path);     // the whole file
//   io::require_regular_file(path);                      // check only, then open it yourself
//   std::ifstream in(path);
//
// Both throw recur::IoError naming the path: "<path>: cannot open: No such file or directory",
// "<path>: not a regular file (a FIFO)", "<path>: read failed: ...".
#pragma once

#include <string>

namespace recur::io {

// The bytes of `path`, which must be a regular file. The file is opened without blocking (a FIFO
// cannot stall the open) and checked on the open descriptor, so a file swapped for a FIFO between
// a check and the open cannot slip through.
std::string read_regular_file(const std::string& path);

// Throws IoError unless `path` exists and is a regular file (or a link to one). For callers that
// open the file with another API afterwards (std::ifstream); it does not block on a FIFO.
void require_regular_file(const std::string& path);

}  // namespace recur::io
