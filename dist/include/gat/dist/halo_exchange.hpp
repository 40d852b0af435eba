#pragma once
// The per-layer exchange of a rank's halo. A node matrix of a part has its owned rows first, then
// its halo rows in the part's halo order (grouped by owner), so the rows received from each owner
// land in one contiguous block. forward() fills the halo rows from their owners; reverse_add()
// sends the halo rows (gradients) back and adds them to the owners' rows, in the fixed order of
// sender rank, then halo position, so the same partition gives the same bits every run.
#include <cstdint>
#include <vector>

#include "gat/dist/communicator.hpp"
#include "gat/dist/graph_part.hpp"
#include "gat/tensor/matrix.hpp"

namespace gat::dist {

class HaloExchange {
 public:
  HaloExchange(const GraphPart& part, Communicator& comm);

  // m: (owned + halo) rows; its halo rows are overwritten with their owners' rows.
  void forward(MatrixView<float> m);
  // m: (owned + halo) rows; every owner's rows get the sum of their halo copies' rows added.
  void reverse_add(MatrixView<float> m);

  std::int64_t owned() const noexcept { return owned_; }
  std::int64_t halo() const noexcept { return halo_; }
  // Bytes this rank has sent since construction (both directions of every exchange).
  std::int64_t bytes_sent() const noexcept { return bytes_sent_; }

 private:
  Communicator& comm_;
  std::int64_t owned_, halo_;
  std::vector<std::int32_t> send_rows_;    // owned rows to send, grouped by reader rank
  std::vector<std::int64_t> send_rows_per_rank_, halo_rows_per_rank_;
  std::vector<float> buffer_;
  std::vector<std::int64_t> send_counts_, recv_counts_;
  std::int64_t bytes_sent_ = 0;
};

}  // namespace gat::dist
