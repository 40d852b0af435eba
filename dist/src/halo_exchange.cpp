#include "gat/dist/halo_exchange.hpp"

#include <algorithm>

#include "gat/core/check.hpp"

namespace gat::dist {

HaloExchange::HaloExchange(const GraphPart& part, Communicator& comm)
    : comm_(comm), owned_(part.num_owned()), halo_(part.num_halo()), send_rows_(part.send) {
  GAT_REQUIRE(static_cast<int>(part.halo_offsets.size()) == comm.size() + 1, "HaloExchange: the part has ",
              part.halo_offsets.size() - 1, " parts but ", comm.size(), " ranks run");
  for (int q = 0; q < comm.size(); ++q) {
    const auto k = static_cast<std::size_t>(q);
    send_rows_per_rank_.push_back(part.send_offsets[k + 1] - part.send_offsets[k]);
    halo_rows_per_rank_.push_back(part.halo_offsets[k + 1] - part.halo_offsets[k]);
  }
}

void HaloExchange::forward(MatrixView<float> m) {
  GAT_REQUIRE(m.rows() == owned_ + halo_ && m.contiguous(), "HaloExchange: ", m.rows(), " rows, expected ", owned_ + halo_);
  const std::int64_t cols = m.cols();
  buffer_.resize(send_rows_.size() * static_cast<std::size_t>(cols));
  for (std::size_t k = 0; k < send_rows_.size(); ++k)
    std::copy_n(m.row_ptr(send_rows_[k]), cols, buffer_.data() + k * static_cast<std::size_t>(cols));
  send_counts_.clear();
  recv_counts_.clear();
  for (std::size_t q = 0; q < send_rows_per_rank_.size(); ++q) {
    send_counts_.push_back(send_rows_per_rank_[q] * cols);
    recv_counts_.push_back(halo_rows_per_rank_[q] * cols);
  }
  // The halo block of m is contiguous and in owner order: it is the receive buffer itself.
  comm_.all_to_all(buffer_, send_counts_, {m.row_ptr(owned_), static_cast<std::size_t>(halo_ * cols)}, recv_counts_);
  bytes_sent_ += static_cast<std::int64_t>(buffer_.size() * sizeof(float));
}

void HaloExchange::reverse_add(MatrixView<float> m) {
  GAT_REQUIRE(m.rows() == owned_ + halo_ && m.contiguous(), "HaloExchange: ", m.rows(), " rows, expected ", owned_ + halo_);
  const std::int64_t cols = m.cols();
  buffer_.resize(send_rows_.size() * static_cast<std::size_t>(cols));
  send_counts_.clear();
  recv_counts_.clear();
  for (std::size_t q = 0; q < send_rows_per_rank_.size(); ++q) {
    send_counts_.push_back(halo_rows_per_rank_[q] * cols);
    recv_counts_.push_back(send_rows_per_rank_[q] * cols);
  }
  comm_.all_to_all({m.row_ptr(owned_), static_cast<std::size_t>(halo_ * cols)}, send_counts_, buffer_, recv_counts_);
  bytes_sent_ += halo_ * cols * static_cast<std::int64_t>(sizeof(float));
  // Sender rank order, then the sender's halo order: one fixed order of additions per row.
  for (std::size_t k = 0; k < send_rows_.size(); ++k) {
    float* row = m.row_ptr(send_rows_[k]);
    const float* from = buffer_.data() + k * static_cast<std::size_t>(cols);
    for (std::int64_t c = 0; c < cols; ++c) row[c] += from[c];
  }
}

}  // namespace gat::dist
