#pragma once
// The MPI calls distributed training makes, over MPI_COMM_WORLD, behind an interface that keeps
// <mpi.h> out of every other file. Reductions that must give the same bits every run (losses,
// parameter gradients) gather to rank 0, add in rank order there and broadcast the sum: a fixed
// order, where MPI_Allreduce's order is the implementation's choice.
#include <cstdint>
#include <span>
#include <string>

namespace gat::dist {

class Communicator {
 public:
  // Initialises MPI (once per process; a process started without mpiexec is a world of one).
  Communicator();
  // Finalises MPI when this object initialised it.
  ~Communicator();
  Communicator(const Communicator&) = delete;
  Communicator& operator=(const Communicator&) = delete;

  int rank() const noexcept { return rank_; }
  int size() const noexcept { return size_; }

  // x = the sum over ranks of every rank's x, added in rank order 0, 1, ...; the same bits on
  // every rank.
  void sum_in_rank_order(std::span<float> x);
  void sum_in_rank_order(std::span<double> x);
  // Personalised all-to-all of float rows: send_counts[q] floats go to rank q, recv_counts[q]
  // floats come from it, packed in rank order in each buffer.
  void all_to_all(std::span<const float> send, std::span<const std::int64_t> send_counts, std::span<float> recv,
                  std::span<const std::int64_t> recv_counts);
  // Sum over ranks of a count (exact, any order).
  std::int64_t sum(std::int64_t x);
  // The largest x over ranks.
  double max(double x);
  void barrier();
  // Prints nothing; ends every rank of the job with exit code `code` (no hang when one rank fails).
  [[noreturn]] void abort(int code);

 private:
  int rank_ = 0, size_ = 1;
  bool owns_ = false;
};

}  // namespace gat::dist
