// Decoder: the writing half of a recur::seq2seq model, one target token at a time (Luong et al.
// 2015, "Effective Approaches to Attention-based Neural Machine Translation", global attention
// with input feeding; the chatbot tutorial's LuongAttnDecoderRNN with the feeding added):
//
//   x_t      = [embedding(y_{t-1}); h~_{t-1}]         input feeding (h~_0 = 0); without it,
//                                                    or with attention none, x_t = embedding
//   h_t, c_t = cell(x_t, (h_{t-1}, c_{t-1}))          LSTMCell or GRUCell, hidden size M
//   a_t, ctx = attention(h_t, memory, source mask)    weights [B, Ts], context [B, M]
//   h~_t     = tanh(concat([h_t; ctx]))               the attentional vector
//   logits   = out(h~_t)                              [B, V]  (out(h_t) with attention none)
//
// Every attention kind scores with the CURRENT state h_t as the query (Luong's order);
// "bahdanau" chooses Bahdanau's additive score v^T tanh(W q + U k) inside that order, as Luong et
// al. compared it, rather than Bahdanau's previous-state query. The source padding is masked
// from the lengths, so a padded key gets weight exactly 0.
//
// Parameter names: embedding.weight, <cell>.weight_ih, .weight_hh, .bias_ih, .bias_hh,
// attention.<Wa|Ua|Va|attn|v>..., concat.weight/bias [M, 2M], out.weight/bias [V, M].
#pragma once

#include <memory>
#include <vector>

#include "recur/apps/seq2seq/seq2seq_shape.h"
#include "recur/nn/attention.h"
#include "recur/nn/embedding.h"
#include "recur/nn/gru_cell.h"
#include "recur/nn/linear.h"
#include "recur/nn/lstm_cell.h"
#include "recur/nn/module.h"
#include "recur/tensor/index_tensor.h"

namespace recur::seq2seq {

// What the decoder attends to: the encoder's outputs and the mask of the source padding.
struct EncoderMemory {
  Tensor outputs;                // [B, Ts, M]
  Tensor keys;                   // attention->project_keys(outputs), once per source batch
  nn::AttentionMask mask;        // [B, Ts], from lengths
  std::vector<int64_t> lengths;  // per row
};

// The state carried from one step to the next; rows are batch rows (beam search reorders
// them). Undefined tensors mean zeros.
struct DecoderState {
  Tensor h;     // [B, M]
  Tensor c;     // [B, M], LSTM only
  Tensor feed;  // [B, M], the previous attentional vector (input feeding only)
};

struct DecoderStepOutput {
  Tensor logits;   // [B, V]
  Tensor weights;  // [B, Ts]; undefined with attention none
};

class Decoder : public nn::Module {
 public:
  Decoder(const Seq2SeqShape& shape, Generator& gen);
  std::string type_name() const override { return "Decoder"; }

  // One step: tokens [B] are y_{t-1}; `state` is advanced in place.
  DecoderStepOutput step(const IndexTensor& tokens, DecoderState& state,
                         const EncoderMemory& memory) const;

  AttentionKind attention_kind() const { return attention_kind_; }
  bool feeds_input() const { return input_feeding_; }

  std::shared_ptr<nn::Embedding> embedding;
  std::shared_ptr<nn::LSTMCell> lstm;  // one of lstm and gru
  std::shared_ptr<nn::GRUCell> gru;
  std::shared_ptr<nn::Attention> attention;  // null with attention none
  std::shared_ptr<nn::Linear> concat;        // [2M] -> [M]; null with attention none
  std::shared_ptr<nn::Linear> out;           // [M] -> [V]

 private:
  AttentionKind attention_kind_;
  bool input_feeding_;
  int64_t memory_size_;
};

}  // namespace recur::seq2seq
