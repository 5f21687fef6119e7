#include "recur/distributed/mpi_session.h"

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <memory>
#include <string>

#include "recur/tensor/error.h"
#include "recur/train/communicator.h"

#ifdef RECUR_HAVE_MPI
#include <mpi.h>
#endif

namespace recur::distributed {

bool mpi_available() {
#ifdef RECUR_HAVE_MPI
  return true;
#else
  return false;
#endif
}

bool launched_by_mpi() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE", "PMI_RANK"}) {
    if (std::getenv(name) != nullptr) return true;
  }
  return false;
}

#ifdef RECUR_HAVE_MPI
namespace {

// MPI counts are ints: large broadcasts go in pieces of at most 1 GiB.
constexpr size_t kMaxMessageBytes = size_t{1} << 30;

class MpiCommunicator final : public train::Communicator {
 public:
  MpiCommunicator() {
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  int rank() const override { return rank_; }
  int size() const override { return size_; }

  void broadcast(void* data, size_t bytes, int root) override {
    auto* p = static_cast<char*>(data);
    for (size_t done = 0; done < bytes; done += kMaxMessageBytes) {
      const size_t n = std::min(kMaxMessageBytes, bytes - done);
      MPI_Bcast(p + done, static_cast<int>(n), MPI_BYTE, root, MPI_COMM_WORLD);
    }
  }

  void all_gather(const void* in, size_t bytes, void* out) override {
    if (bytes > kMaxMessageBytes) {
      throw ValueError("MPI all_gather: " + std::to_string(bytes) +
                       " bytes per rank; the gradient buckets keep this under 1 GiB");
    }
    MPI_Allgather(in, static_cast<int>(bytes), MPI_BYTE, out, static_cast<int>(bytes), MPI_BYTE,
                  MPI_COMM_WORLD);
  }

 private:
  int rank_ = 0;
  int size_ = 1;
};

}  // namespace
#endif

MpiSession::MpiSession(int& argc, char**& argv) {
  if (!launched_by_mpi()) return;
#ifdef RECUR_HAVE_MPI
  // Only the main thread calls MPI; OpenMP threads compute between the calls.
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  active_ = true;
  auto comm = std::make_shared<MpiCommunicator>();
  rank_ = comm->rank();
  size_ = comm->size();
  train::set_world(std::move(comm));
#else
  (void)argc;
  (void)argv;
  throw ValueError(
      "an MPI launcher started this process, but this recur was built without MPI: install "
      "libopenmpi-dev and reconfigure (RECUR_MPI, docs/DISTRIBUTED.md)");
#endif
}

MpiSession::~MpiSession() {
  if (!active_) return;
  train::set_world(nullptr);
#ifdef RECUR_HAVE_MPI
  MPI_Finalize();
#endif
}

void MpiSession::abort(int code) {
#ifdef RECUR_HAVE_MPI
  if (active_) MPI_Abort(MPI_COMM_WORLD, code);
#endif
  std::exit(code);
}

}  // namespace recur::distributed
