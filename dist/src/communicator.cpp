#include "gat/dist/communicator.hpp"

#include <mpi.h>

#include <climits>
#include <vector>

#include "gat/core/check.hpp"
#include "gat/core/error.hpp"

namespace gat::dist {

namespace {

void check(int status, const char* call) {
  if (status != MPI_SUCCESS) throw InternalError(std::string(call) + " failed (MPI error " + std::to_string(status) + ")");
}

template <class T>
MPI_Datatype mpi_type();
template <>
MPI_Datatype mpi_type<float>() { return MPI_FLOAT; }
template <>
MPI_Datatype mpi_type<double>() { return MPI_DOUBLE; }

template <class T>
void gather_add_broadcast(std::span<T> x, int rank, int size) {
  if (size == 1) return;
  GAT_REQUIRE(x.size() <= static_cast<std::size_t>(INT_MAX) / static_cast<std::size_t>(size),
              "sum_in_rank_order: ", x.size(), " values x ", size, " ranks exceed MPI's int counts");
  const int n = static_cast<int>(x.size());
  std::vector<T> all(rank == 0 ? x.size() * static_cast<std::size_t>(size) : 0);
  check(MPI_Gather(x.data(), n, mpi_type<T>(), all.data(), n, mpi_type<T>(), 0, MPI_COMM_WORLD), "MPI_Gather");
  if (rank == 0)
    for (int r = 1; r < size; ++r) {
      const T* from = all.data() + static_cast<std::size_t>(r) * x.size();
      for (std::size_t i = 0; i < x.size(); ++i) x[i] += from[i];
    }
  check(MPI_Bcast(x.data(), n, mpi_type<T>(), 0, MPI_COMM_WORLD), "MPI_Bcast");
}

std::vector<int> int_counts(std::span<const std::int64_t> counts, std::vector<int>& displs) {
  std::vector<int> out;
  displs.clear();
  std::int64_t at = 0;
  for (std::int64_t c : counts) {
    GAT_REQUIRE(c <= INT_MAX && at <= INT_MAX, "all_to_all: ", at + c, " floats exceed MPI's int counts");
    out.push_back(static_cast<int>(c));
    displs.push_back(static_cast<int>(at));
    at += c;
  }
  return out;
}

}  // namespace

Communicator::Communicator() {
  int initialised = 0;
  MPI_Initialized(&initialised);
  if (!initialised) {
    int provided = 0;
    check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
    owns_ = true;
  }
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

Communicator::~Communicator() {
  if (owns_) MPI_Finalize();
}

void Communicator::sum_in_rank_order(std::span<float> x) { gather_add_broadcast(x, rank_, size_); }
void Communicator::sum_in_rank_order(std::span<double> x) { gather_add_broadcast(x, rank_, size_); }

void Communicator::all_to_all(std::span<const float> send, std::span<const std::int64_t> send_counts,
                              std::span<float> recv, std::span<const std::int64_t> recv_counts) {
  std::vector<int> send_displs, recv_displs;
  const std::vector<int> sc = int_counts(send_counts, send_displs), rc = int_counts(recv_counts, recv_displs);
  check(MPI_Alltoallv(send.data(), sc.data(), send_displs.data(), MPI_FLOAT, recv.data(), rc.data(),
                      recv_displs.data(), MPI_FLOAT, MPI_COMM_WORLD),
        "MPI_Alltoallv");
}

std::int64_t Communicator::sum(std::int64_t x) {
  std::int64_t out = x;
  check(MPI_Allreduce(&x, &out, 1, MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD), "MPI_Allreduce");
  return out;
}

double Communicator::max(double x) {
  double out = x;
  check(MPI_Allreduce(&x, &out, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD), "MPI_Allreduce");
  return out;
}

void Communicator::barrier() { check(MPI_Barrier(MPI_COMM_WORLD), "MPI_Barrier"); }

void Communicator::abort(int code) {
  MPI_Abort(MPI_COMM_WORLD, code);
  std::_Exit(code);
}

}  // namespace gat::dist
