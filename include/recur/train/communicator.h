// Communicator: the few collective operations data-parallel training needs (rank, size,
// broadcast, all-gather), as an interface, so the library itself never links a distributed
// engine. A single process is a LocalCommunicator (rank 0 of 1); the MPI backend
// (recur/distributed/mpi_session.h, its own library recur_distributed) installs an MPI one as
// the process's world() when the program was started by mpirun. train::Trainer talks to world()
// unless its options name another communicator.
//
//   train::Communicator& comm = train::world();
//   if (comm.rank() == 0) save(...);  // only one process writes files
#pragma once

#include <cstddef>
#include <memory>

namespace recur::train {

class Communicator {
 public:
  virtual ~Communicator() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  // Every rank's `bytes` at `data` become rank `root`'s.
  virtual void broadcast(void* data, size_t bytes, int root) = 0;
  // out (size() * bytes) receives every rank's `bytes` from `in`, rank 0's first. Sums built
  // from it in rank order are the same bits on every rank and for every run: unlike an
  // engine's all-reduce, whose summation order may depend on the algorithm it picks.
  virtual void all_gather(const void* in, size_t bytes, void* out) = 0;
};

// One process, no peers: broadcast does nothing, all_gather copies.
class LocalCommunicator final : public Communicator {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  void broadcast(void* data, size_t bytes, int root) override;
  void all_gather(const void* in, size_t bytes, void* out) override;
};

// The communicator of all the processes of this run: a LocalCommunicator unless one was set.
Communicator& world();
// Installs `comm` as world() (nullptr restores the local one). Called once, before training
// starts, by whoever set up the distributed engine (recur::distributed::MpiSession).
void set_world(std::shared_ptr<Communicator> comm);

}  // namespace recur::train
