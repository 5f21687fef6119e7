// The two adapters behind compare::make_model, one per family of layers. Private to
// src/apps/compare.
#pragma once

#include <memory>

#include "recur/apps/compare/sequence_model.h"

namespace recur::compare {

std::unique_ptr<SequenceModel> make_recurrent_model(ModelKind kind, const ModelShape& shape,
                                                    int64_t hidden_size, Generator& gen);
std::unique_ptr<SequenceModel> make_transformer_model(const ModelShape& shape, int64_t d_model,
                                                      Generator& gen);

inline constexpr int64_t kTransformerHeads = 2;
inline constexpr int64_t kTransformerLayers = 2;

}  // namespace recur::compare
