#include "recur/apps/classify/classifier_net.h"

#include "recur/ops/ops.h"
#include "recur/seq/packing.h"

namespace recur::classify {

ClassifierNet::ClassifierNet(const ClassifierShape& shape, Generator& gen)
    : TokenNet(shape, shape.num_classes, gen, "classifier") {}

Tensor ClassifierNet::forward(const IndexTensor& tokens, const std::vector<int64_t>& lengths) {
  const Tensor embedded = embed(tokens, lengths.size());  // [B, T, E]
  const PackedSequence packed =
      pack_padded_sequence(embedded, lengths, /*batch_first=*/true, /*enforce_sorted=*/false);
  const Tensor h_n = rnn->forward(packed).h_n;  // [L*D, B, H], original batch order
  const int64_t rows = h_n.size(0);
  const Tensor last = rnn->num_directions() == 2
                          ? cat({select(h_n, 0, rows - 2), select(h_n, 0, rows - 1)}, 1)
                          : select(h_n, 0, rows - 1);  // [B, D*H]
  return fc->forward(last);
}

}  // namespace recur::classify
