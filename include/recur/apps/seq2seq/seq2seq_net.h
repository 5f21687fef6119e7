// Seq2SeqNet: an encoder-decoder with attention for sequence-to-sequence jobs (translation,
// date normalisation), trained with teacher forcing and a ratio of scheduled sampling:
//
//   src [B, Ts], lengths -> Encoder (encoder.h) -> memory [B, Ts, M], final states [B, M]
//   bridge: decoder (h0, c0) = tanh(bridge_h(h)), tanh(bridge_c(c))   ("linear")
//                            = (h, c) as they are                      ("concat")
//   tgt_in [B, Tt] = <bos> y_1 ... -> Decoder (decoder.h), one step per target position
//     -> logits [B, Tt, V] and the attention weights [B, Tt, Ts]
//
// Teacher forcing (forward's ratio): step t > 0 reads the gold token tgt_in[:, t] with
// probability ratio, else the model's own previous prediction argmax(logits[:, t-1]) (an id,
// so no gradient flows through the choice). The coin is tossed per step and per sentence, as in
// scheduled sampling (Bengio et al. 2015): uniform01() < ratio from `gen`, row by row. A ratio
// of 1 (pure teacher forcing) and of 0 (always the model's own predictions) toss no coin and
// leave `gen` as it was. The ratio over training comes from teacher_forcing.h.
//
// Parameter names, as the same PyTorch module's state_dict: encoder.embedding.weight,
// encoder.<cell>.weight_ih_l0[_reverse] ..., decoder.embedding.weight, decoder.<cell>.weight_ih
// ..., decoder.attention.*, decoder.concat.*, decoder.out.*, bridge_h.*, bridge_c.* (LSTM).
// Training: logits against tgt_out with sequence_loss (batch.h); decoding: decoding.h.
//
//   seq2seq::Seq2SeqNet net({.src_vocab_size = 40, .tgt_vocab_size = 16}, gen);
//   seq2seq::Seq2SeqBatch batch = seq2seq::make_batch(sources, targets);
//   auto out = net.forward(batch.src, batch.src_lengths, batch.tgt_in, ratio, gen);
//   Tensor loss = seq2seq::sequence_loss(out.logits, batch.tgt_out);
#pragma once

#include <memory>
#include <vector>

#include "recur/apps/seq2seq/decoder.h"
#include "recur/apps/seq2seq/encoder.h"
#include "recur/apps/seq2seq/seq2seq_shape.h"

namespace recur::seq2seq {

struct Seq2SeqOutput {
  Tensor logits;     // [B, Tt, V]
  Tensor attention;  // [B, Tt, Ts]; undefined with attention none
};

// The encoded source: what the decoder attends to and the state it starts from.
struct Encoded {
  EncoderMemory memory;
  DecoderState state;
};

class Seq2SeqNet : public nn::Module {
 public:
  // ValueError naming the field for a bad shape (validate()).
  Seq2SeqNet(const Seq2SeqShape& shape, Generator& gen = default_generator());
  std::string type_name() const override { return "Seq2SeqNet"; }

  // src [B, Ts] ids in the source vocabulary, B >= 1, one length per row in [1, Ts]: an empty
  // source is a ValueError naming its row, a wrong shape a ShapeError.
  Encoded encode(const IndexTensor& src, const std::vector<int64_t>& lengths);

  // tgt_in [B, Tt] (Tt >= 1) starts with <bos>; ratio in [0, 1] (ValueError otherwise).
  Seq2SeqOutput forward(const IndexTensor& src, const std::vector<int64_t>& lengths,
                        const IndexTensor& tgt_in, float teacher_forcing_ratio = 1.0f,
                        Generator& gen = default_generator());

  const Seq2SeqShape& shape() const { return shape_; }

  std::shared_ptr<Encoder> encoder;
  std::shared_ptr<Decoder> decoder;
  std::shared_ptr<nn::Linear> bridge_h;  // [M] -> [M]; null with bridge "concat"
  std::shared_ptr<nn::Linear> bridge_c;  // LSTM with bridge "linear" only

 private:
  Seq2SeqShape shape_;
};

}  // namespace recur::seq2seq
