#include "recur/tensor/buffer.h"

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <map>
#include <mutex>
#include <new>

namespace recur {

namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr size_t kDefaultLimit = 0;  // let AddressSanitizer see every free
#else
constexpr size_t kDefaultLimit = size_t{1} << 30;
#endif
constexpr size_t kSmallFloats = 4096;  // below 16 KiB: plain malloc
constexpr size_t kAlignment = 64;      // a cache line, and any SIMD width

// Freed blocks by capacity (in floats). A request takes the smallest block that holds it, if
// that block is at most twice as large (so a small request does not pin a huge block).
class BlockCache {
 public:
  float* take(size_t n, size_t& capacity) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = free_.lower_bound(n);
    if (it == free_.end() || it->first > 2 * n) return nullptr;
    capacity = it->first;
    float* p = it->second;
    free_.erase(it);
    bytes_ -= capacity * sizeof(float);
    return p;
  }

  // Keeps the block, or frees it when the cache is full.
  void give(float* p, size_t capacity) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (bytes_ + capacity * sizeof(float) <= limit_) {
        free_.emplace(capacity, p);
        bytes_ += capacity * sizeof(float);
        return;
      }
    }
    std::free(p);
  }

  size_t bytes() {
    std::lock_guard<std::mutex> lock(mutex_);
    return bytes_;
  }
  size_t limit() {
    std::lock_guard<std::mutex> lock(mutex_);
    return limit_;
  }

  void set_limit(size_t bytes) {
    std::lock_guard<std::mutex> lock(mutex_);
    limit_ = bytes;
    // Largest blocks first: they are the likeliest to be stale.
    while (bytes_ > limit_) {
      auto it = std::prev(free_.end());
      bytes_ -= it->first * sizeof(float);
      std::free(it->second);
      free_.erase(it);
    }
  }

 private:
  std::mutex mutex_;
  std::multimap<size_t, float*> free_;
  size_t bytes_ = 0;
  size_t limit_ = kDefaultLimit;
};

// Never destroyed: buffers owned by static objects may be freed after other statics are gone.
BlockCache& cache() {
  static BlockCache* c = new BlockCache;
  return *c;
}

float* allocate(size_t n, size_t& capacity) {
  if (n >= kSmallFloats) {
    if (float* p = cache().take(n, capacity)) return p;
  }
  if (n > std::numeric_limits<size_t>::max() / sizeof(float) - kAlignment) throw std::bad_alloc();
  const size_t bytes = (n * sizeof(float) + kAlignment - 1) / kAlignment * kAlignment;
  void* p = std::aligned_alloc(kAlignment, bytes);
  if (p == nullptr) throw std::bad_alloc();
  capacity = n;
  return static_cast<float*>(p);
}

}  // namespace

FloatBuffer::FloatBuffer(size_t n) {
  if (n == 0) return;
  data_ = allocate(n, capacity_);
  size_ = n;
#ifndef NDEBUG
  std::fill(data_, data_ + n, std::numeric_limits<float>::quiet_NaN());
#endif
}

FloatBuffer::FloatBuffer(size_t n, float value) : FloatBuffer(n) {
  std::fill(data_, data_ + size_, value);
}

FloatBuffer::FloatBuffer(FloatBuffer&& other) noexcept
    : data_(other.data_), size_(other.size_), capacity_(other.capacity_) {
  other.data_ = nullptr;
  other.size_ = other.capacity_ = 0;
}

FloatBuffer& FloatBuffer::operator=(FloatBuffer&& other) noexcept {
  if (this != &other) {
    release();
    data_ = other.data_;
    size_ = other.size_;
    capacity_ = other.capacity_;
    other.data_ = nullptr;
    other.size_ = other.capacity_ = 0;
  }
  return *this;
}

FloatBuffer::~FloatBuffer() { release(); }

void FloatBuffer::release() {
  if (data_ == nullptr) return;
  if (capacity_ >= kSmallFloats) {
    cache().give(data_, capacity_);
  } else {
    std::free(data_);
  }
  data_ = nullptr;
  size_ = capacity_ = 0;
}

size_t cached_buffer_bytes() { return cache().bytes(); }
size_t buffer_cache_limit() { return cache().limit(); }
void set_buffer_cache_limit(size_t bytes) { cache().set_limit(bytes); }

}  // namespace recur
