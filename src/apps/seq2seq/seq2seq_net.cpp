#include "recur/apps/seq2seq/seq2seq_net.h"

#include <string>

#include "recur/ops/activation.h"
#include "recur/ops/indexing.h"
#include "recur/ops/shape.h"

namespace recur::seq2seq {

namespace {

void check_source(const IndexTensor& src, const std::vector<int64_t>& lengths) {
  if (src.dim() != 2 || src.size(0) != static_cast<int64_t>(lengths.size()) || src.size(0) < 1) {
    throw ShapeError(
        "seq2seq: source must be [batch, steps] with batch >= 1 and one length per "
        "row, got " +
        shape_str(src.shape()) + " and " + std::to_string(lengths.size()) + " lengths");
  }
  for (size_t b = 0; b < lengths.size(); ++b) {
    if (lengths[b] < 1)
      throw ValueError("seq2seq: source sentence " + std::to_string(b) + " is empty");
    if (lengths[b] > src.size(1)) {
      throw ValueError("seq2seq: source sentence " + std::to_string(b) + " has length " +
                       std::to_string(lengths[b]) + " but the batch has " +
                       std::to_string(src.size(1)) + " steps");
    }
  }
}

// Column t of a [B, T] id tensor: the tokens of step t.
IndexTensor target_column(const IndexTensor& ids, int64_t t) {
  const int64_t B = ids.size(0), T = ids.size(1);
  std::vector<int64_t> out(static_cast<size_t>(B));
  for (int64_t b = 0; b < B; ++b) out[static_cast<size_t>(b)] = ids.data()[b * T + t];
  return IndexTensor::from_vector({B}, std::move(out));
}

// Scheduled sampling: per row, the gold token with probability `ratio`, else the model's
// previous argmax.
IndexTensor next_inputs(const IndexTensor& gold, const Tensor& previous_logits, float ratio,
                        Generator& gen) {
  if (ratio >= 1.0f) return gold;
  IndexTensor predicted = argmax(previous_logits, -1);
  if (ratio <= 0.0f) return predicted;
  for (int64_t b = 0; b < gold.numel(); ++b) {
    if (gen.uniform01() < ratio) predicted.data()[b] = gold.data()[b];
  }
  return predicted;
}

}  // namespace

Seq2SeqNet::Seq2SeqNet(const Seq2SeqShape& shape, Generator& gen) : shape_(shape) {
  validate(shape);
  encoder = register_module("encoder", std::make_shared<Encoder>(shape, gen));
  decoder = register_module("decoder", std::make_shared<Decoder>(shape, gen));
  if (bridge_kind_from_name(shape.bridge) == BridgeKind::Linear) {
    const int64_t M = shape.memory_size();
    bridge_h = register_module("bridge_h", std::make_shared<nn::Linear>(M, M, true, gen));
    if (seq2seq_cell(shape.cell) == nn::CellType::Lstm) {
      bridge_c = register_module("bridge_c", std::make_shared<nn::Linear>(M, M, true, gen));
    }
  }
}

Encoded Seq2SeqNet::encode(const IndexTensor& src, const std::vector<int64_t>& lengths) {
  check_source(src, lengths);
  EncoderOutput enc = encoder->forward(src, lengths);
  Encoded result;
  // The keys' share of the attention scores does not change from step to step: projected once.
  result.memory = {
      .outputs = enc.outputs,
      .keys = decoder->attention ? decoder->attention->project_keys(enc.outputs) : Tensor(),
      .mask = nn::AttentionMask::lengths(lengths, src.size(1)),
      .lengths = lengths};
  result.state.h = bridge_h ? tanh(bridge_h->forward(enc.h)) : enc.h;
  if (enc.c.defined()) result.state.c = bridge_c ? tanh(bridge_c->forward(enc.c)) : enc.c;
  return result;
}

Seq2SeqOutput Seq2SeqNet::forward(const IndexTensor& src, const std::vector<int64_t>& lengths,
                                  const IndexTensor& tgt_in, float teacher_forcing_ratio,
                                  Generator& gen) {
  if (!(teacher_forcing_ratio >= 0.0f && teacher_forcing_ratio <= 1.0f)) {
    throw ValueError("seq2seq: teacher_forcing_ratio must be in [0, 1], got " +
                     std::to_string(teacher_forcing_ratio));
  }
  if (tgt_in.dim() != 2 || tgt_in.size(0) != src.size(0) || tgt_in.size(1) < 1) {
    throw ShapeError("seq2seq: target input must be [" + std::to_string(src.size(0)) +
                     ", steps >= 1] like the source's batch, got " + shape_str(tgt_in.shape()));
  }
  Encoded enc = encode(src, lengths);
  std::vector<Tensor> logits, weights;
  IndexTensor tokens = target_column(tgt_in, 0);
  for (int64_t t = 0; t < tgt_in.size(1); ++t) {
    if (t > 0)
      tokens = next_inputs(target_column(tgt_in, t), logits.back(), teacher_forcing_ratio, gen);
    DecoderStepOutput step = decoder->step(tokens, enc.state, enc.memory);
    logits.push_back(step.logits);
    if (step.weights.defined()) weights.push_back(step.weights);
  }
  return {stack(logits, 1), weights.empty() ? Tensor() : stack(weights, 1)};
}

}  // namespace recur::seq2seq
