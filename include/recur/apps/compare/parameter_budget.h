// One parameter budget for every model of a comparison: the width (hidden size or d_model) whose
// model's parameter count, head included, is closest to the budget. Counts are those of the
// model as built, not a formula, so the reported number is the real one.
//
//   compare::MatchedWidth m = compare::match_width(compare::ModelKind::kGru, shape, 10000);
//   // m.width, m.parameters (|m.parameters - 10000| as small as the kind's widths allow)
#pragma once

#include <cstdint>

#include "recur/apps/compare/sequence_model.h"

namespace recur::compare {

struct MatchedWidth {
  int64_t width = 0;
  int64_t parameters = 0;
};

// The parameter count of the model of this kind, shape and width.
int64_t parameter_count(ModelKind kind, const ModelShape& shape, int64_t width);

// The width whose parameter count is closest to `budget` (the smaller on a tie), never below
// the smallest width the kind allows; ValueError for a budget < 1.
MatchedWidth match_width(ModelKind kind, const ModelShape& shape, int64_t budget);

}  // namespace recur::compare
