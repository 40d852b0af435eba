#pragma once
// Training curves from the JSON lines `gat train --log` writes (one line per run and epoch:
// run, seed, epoch, train_loss, train_accuracy, val_loss, val_accuracy, seconds), drawn as one
// SVG picture: loss and accuracy against epochs, training and validation, one line per run.
#include <cstdint>
#include <string>
#include <vector>

namespace gat::viewer {

struct EpochPoint {
  std::int64_t run = 0, epoch = 0;
  double train_loss = 0, train_accuracy = 0, val_loss = 0, val_accuracy = 0;
};

// Throws DataError naming the file and line for a line that is not such a record, or when the
// file has none.
std::vector<EpochPoint> read_training_log(const std::string& path);

// A standalone SVG document (also embeddable in HTML): two panels side by side.
std::string training_curve_svg(const std::vector<EpochPoint>& points, const std::string& title);

}  // namespace gat::viewer
