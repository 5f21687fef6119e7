// MpiSession: recur's MPI backend for data-parallel training. A program constructs one at the
// top of main(); when an MPI launcher started the process (`mpirun -np 4 recur textgen train
// ...`) it starts MPI and installs an MPI communicator as train::world(), so every
// train::Trainer in the program trains data-parallel across the ranks; otherwise it is a
// session of one process and changes nothing. It lives in its own library, recur_distributed,
// built when CMake finds MPI (RECUR_MPI, docs/DISTRIBUTED.md): librecur never links MPI.
//
//   int main(int argc, char** argv) {
//     recur::distributed::MpiSession mpi(argc, argv);
//     ... train as usual; rank 0 (mpi.rank() == 0) writes the files ...
//   }
#pragma once

namespace recur::distributed {

// True when this build has the MPI backend (MPI was found when it was configured).
bool mpi_available();

// True when the environment says an MPI launcher (Open MPI's mpirun, MPICH's mpiexec, Slurm's
// srun) started this process.
bool launched_by_mpi();

class MpiSession {
 public:
  // Starts MPI when launched_by_mpi(); ValueError when it was, but this build has no MPI (the
  // ranks would otherwise each train alone, N copies of one run).
  MpiSession(int& argc, char**& argv);
  // Finalizes MPI and gives train::world() back to the single process.
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  bool active() const { return active_; }

  // Ends every rank of the job with `code`. A rank that fails must call this rather than
  // return: its peers would otherwise wait forever in their next collective operation.
  [[noreturn]] void abort(int code);

 private:
  int rank_ = 0;
  int size_ = 1;
  bool active_ = false;
};

}  // namespace recur::distributed
