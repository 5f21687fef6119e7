#include "recur/train/communicator.h"

#include <cstring>

#include "recur/tensor/error.h"

namespace recur::train {

void LocalCommunicator::broadcast(void* /*data*/, size_t /*bytes*/, int root) {
  if (root != 0) throw ValueError("broadcast: root " + std::to_string(root) + " of 1 process");
}

void LocalCommunicator::all_gather(const void* in, size_t bytes, void* out) {
  if (bytes > 0) std::memcpy(out, in, bytes);
}

namespace {

std::shared_ptr<Communicator>& world_slot() {
  static std::shared_ptr<Communicator> slot = std::make_shared<LocalCommunicator>();
  return slot;
}

}  // namespace

Communicator& world() { return *world_slot(); }

void set_world(std::shared_ptr<Communicator> comm) {
  world_slot() = comm ? std::move(comm) : std::make_shared<LocalCommunicator>();
}

}  // namespace recur::train
