// Supervised samples for sequence models: windows of W consecutive input rows followed by the H
// target values after them.
//
//   sample with first target row r:   X = inputs[r-W .. r-1]   (W rows, F inputs)
//                                     y = target[r .. r+H-1]   (H values)
//
// A sample belongs to the split that holds its target rows, and ALL H target rows must lie
// inside that split: a training sample never has a target in validation or test (no label
// leakage), and a validation sample never scores on a test row. Inputs may reach back into
// earlier splits' rows: those are the past at prediction time, which is legitimate (and is
// exactly what the model will see in production). Inputs start at FeatureFrame::first_valid.
// So a split [b, e) yields the samples r = max(b, first_valid + W) .. e - H.
//
// X and y are float32 recur::Tensors; target_rows / target_dates / last_price align each sample
// with the calendar and give the anchor price for data::to_prices (targets.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "recur/data/date.h"
#include "recur/data/features.h"
#include "recur/data/splits.h"
#include "recur/tensor/tensor.h"

namespace recur::data {

struct WindowSpec {
  size_t window = 30;  // W: input rows per sample
  size_t horizon = 1;  // H: target values per sample (steps ahead)
};

struct WindowSet {
  Tensor x;                         // [N, W, F]
  Tensor y;                         // [N, H]
  std::vector<size_t> target_rows;  // r: the frame row of each sample's first target
  std::vector<Date> target_dates;   // the date of row r
  std::vector<double> last_price;   // price at row r - 1, the last one the inputs know

  size_t size() const { return target_rows.size(); }
};

// All samples of `split` (named `split_name` in messages). ValueError when W or H is 0, or when
// the split is too short to give one sample; the message gives the split's rows and dates and
// the numbers (window + horizon) that did not fit.
WindowSet make_windows(const FeatureFrame& frame, RowRange split, const WindowSpec& spec,
                       std::string_view split_name = "split");

// The last W rows of the frame as one input [1, W, F], for forecasting past the end of the data.
struct InferenceWindow {
  Tensor x;           // [1, W, F]
  size_t last_row;    // the frame row of the last input
  Date last_date;     // its date
  double last_price;  // its price: the anchor for to_prices
};
// ValueError if fewer than W rows from first_valid on.
InferenceWindow latest_window(const FeatureFrame& frame, size_t window);

}  // namespace recur::data
