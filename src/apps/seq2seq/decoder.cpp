#include "recur/apps/seq2seq/decoder.h"

#include "recur/ops/activation.h"
#include "recur/ops/shape.h"

namespace recur::seq2seq {

namespace {

std::shared_ptr<nn::Attention> make_attention(AttentionKind kind, int64_t M, Generator& gen) {
  switch (kind) {
    case AttentionKind::None:
      return nullptr;
    case AttentionKind::Bahdanau:
      return std::make_shared<nn::AdditiveAttention>(M, M, M, gen);
    case AttentionKind::LuongDot:
      return std::make_shared<nn::LuongAttention>(nn::LuongScore::Dot, M, M, 0, gen);
    case AttentionKind::LuongGeneral:
      return std::make_shared<nn::LuongAttention>(nn::LuongScore::General, M, M, 0, gen);
    case AttentionKind::LuongConcat:
      return std::make_shared<nn::LuongAttention>(nn::LuongScore::Concat, M, M, M, gen);
  }
  return nullptr;
}

}  // namespace

Decoder::Decoder(const Seq2SeqShape& shape, Generator& gen)
    : attention_kind_(attention_kind_from_name(shape.attention)),
      input_feeding_(shape.input_feeding && attention_kind_ != AttentionKind::None),
      memory_size_(shape.memory_size()) {
  const int64_t M = memory_size_;
  const int64_t input_size = shape.embedding_dim + (input_feeding_ ? M : 0);
  embedding = register_module("embedding", std::make_shared<nn::Embedding>(
                                               shape.tgt_vocab_size, shape.embedding_dim, 0, gen));
  if (seq2seq_cell(shape.cell) == nn::CellType::Lstm) {
    lstm = register_module("lstm", std::make_shared<nn::LSTMCell>(input_size, M, true, gen));
  } else {
    gru = register_module("gru", std::make_shared<nn::GRUCell>(input_size, M, true, gen));
  }
  if (auto made = make_attention(attention_kind_, M, gen)) {
    attention = register_module("attention", made);
    concat = register_module("concat", std::make_shared<nn::Linear>(2 * M, M, true, gen));
  }
  out = register_module("out", std::make_shared<nn::Linear>(M, shape.tgt_vocab_size, true, gen));
}

DecoderStepOutput Decoder::step(const IndexTensor& tokens, DecoderState& state,
                                const EncoderMemory& memory) const {
  Tensor x = embedding->forward(tokens);  // [B, E]
  if (input_feeding_) {
    const Tensor feed =
        state.feed.defined() ? state.feed : Tensor::zeros({tokens.size(0), memory_size_});
    x = cat({x, feed}, 1);
  }
  if (lstm) {
    std::tie(state.h, state.c) = lstm->forward(x, state.h, state.c);
  } else {
    state.h = gru->forward(x, state.h);
  }
  if (!attention) return {out->forward(state.h), Tensor()};
  nn::AttentionOutput attended =
      attention->forward_projected(state.h, memory.keys, memory.outputs, memory.mask);
  const Tensor attentional = tanh(concat->forward(cat({state.h, attended.context}, 1)));
  if (input_feeding_) state.feed = attentional;
  return {out->forward(attentional), attended.weights};
}

}  // namespace recur::seq2seq
