#include "recur/apps/tag/tagger_net.h"

#include "recur/ops/ops.h"
#include "recur/seq/packing.h"

namespace recur::tag {

TaggerNet::TaggerNet(const TaggerShape& shape, Generator& gen)
    : TokenNet(shape, shape.num_tags, gen, "tagger") {}

Tensor TaggerNet::forward(const IndexTensor& tokens, const std::vector<int64_t>& lengths) {
  const Tensor embedded = embed(tokens, lengths.size());  // [B, T, E]
  const PackedSequence packed =
      pack_padded_sequence(embedded, lengths, /*batch_first=*/true, /*enforce_sorted=*/false);
  // total_length keeps T even when no sentence fills the batch, so logits line up with labels.
  const Tensor steps =
      pad_packed_sequence(rnn->forward(packed).output, /*batch_first=*/true, 0.0f, tokens.size(1))
          .padded;  // [B, T, D*H]
  return fc->forward(steps);
}

}  // namespace recur::tag
