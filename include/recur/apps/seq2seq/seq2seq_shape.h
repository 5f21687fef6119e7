// Seq2SeqShape: the sizes and choices of a recur::seq2seq encoder-decoder (seq2seq_net.h), in
// one struct that the encoder, the decoder, the bridge and a config file share, and the names
// that choose the attention and the bridge:
//
//   attention   none | bahdanau | luong-dot | luong-general | luong-concat
//   bridge      linear (Linear + tanh over the encoder's final states, directions concatenated)
//               | concat (the concatenation itself, no parameters: OpenNMT's choice)
//
// The decoder's hidden size is the encoder's output size M = directions * hidden_size, so the
// bridge maps [B, M] to [B, M], the attention's query and keys are both M wide, and Luong's dot
// score works with a bidirectional encoder.
#pragma once

#include <cstdint>
#include <string>

#include "recur/nn/recurrent_layer.h"

namespace recur::seq2seq {

enum class AttentionKind { None, Bahdanau, LuongDot, LuongGeneral, LuongConcat };
// "none", "bahdanau", "luong-dot", "luong-general", "luong-concat"; ValueError listing them.
AttentionKind attention_kind_from_name(const std::string& name);
std::string attention_kind_name(AttentionKind kind);

enum class BridgeKind { Linear, Concat };
// "linear", "concat"; ValueError listing them.
BridgeKind bridge_kind_from_name(const std::string& name);

struct Seq2SeqShape {
  std::string cell = "lstm";  // lstm | gru, for both the encoder and the decoder
  int64_t src_vocab_size = 0;
  int64_t tgt_vocab_size = 0;
  int64_t embedding_dim = 32;  // both embeddings
  int64_t hidden_size = 64;    // per encoder direction
  int64_t num_layers = 1;      // encoder layers; the decoder is one cell
  bool bidirectional = true;   // encoder
  float dropout = 0.0f;        // between encoder layers, training only
  std::string attention = "luong-general";
  std::string bridge = "linear";
  bool input_feeding = true;  // Luong: the previous attentional vector joins the input

  int64_t directions() const { return bidirectional ? 2 : 1; }
  // The encoder's output width and the decoder's hidden size.
  int64_t memory_size() const { return directions() * hidden_size; }
};

// ValueError naming the field unless every size is positive, dropout is in [0, 1), and the cell,
// attention and bridge names are known.
void validate(const Seq2SeqShape& shape);
// lstm -> Lstm, gru -> Gru; ValueError otherwise.
nn::CellType seq2seq_cell(const std::string& name);

}  // namespace recur::seq2seq
