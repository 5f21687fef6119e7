// FloatBuffer: an owned, uninitialised float array whose memory comes from a process-wide cache
// of freed blocks. Training repeats the same allocations every step (tensors, the recurrent
// layers' tapes and scratch, gradients). glibc returns large blocks to the kernel when they are
// freed (mmap, heap trimming), so every step used to fault its pages in again: a third of a
// small LSTM's training time went to page faults and zero-filling (docs/PERFORMANCE.md). The
// cache keeps freed blocks and hands them out again, so a steady training loop stops touching
// the kernel. Small blocks (below 16 KiB) go straight to malloc, whose own caches serve them.
//
// The cache holds at most buffer_cache_limit() bytes (default 1 GiB; freed blocks beyond it
// are returned to the system) and is thread-safe. Builds with AddressSanitizer cache nothing,
// so a use after free is still caught; debug builds fill new buffers with NaN, so code that
// forgets to initialise one fails its tests instead of reading yesterday's numbers.
#pragma once

#include <cstddef>

namespace recur {

class FloatBuffer {
 public:
  FloatBuffer() = default;
  explicit FloatBuffer(size_t n);  // uninitialised
  FloatBuffer(size_t n, float value);
  FloatBuffer(const FloatBuffer&) = delete;
  FloatBuffer& operator=(const FloatBuffer&) = delete;
  FloatBuffer(FloatBuffer&& other) noexcept;
  FloatBuffer& operator=(FloatBuffer&& other) noexcept;
  ~FloatBuffer();

  float* data() { return data_; }
  const float* data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  float* begin() { return data_; }
  float* end() { return data_ + size_; }
  const float* begin() const { return data_; }
  const float* end() const { return data_ + size_; }
  float& operator[](size_t i) { return data_[i]; }
  float operator[](size_t i) const { return data_[i]; }

 private:
  void release();
  float* data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;  // floats in the block (>= size_; a cached block may be larger)
};

// Bytes of freed blocks the cache holds now.
size_t cached_buffer_bytes();
// The most the cache may hold; lowering it below cached_buffer_bytes() frees blocks at once.
size_t buffer_cache_limit();
void set_buffer_cache_limit(size_t bytes);

}  // namespace recur
