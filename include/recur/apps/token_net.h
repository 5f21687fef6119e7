// TokenNet: what the token models of recur share — ids -> Embedding -> RNN/LSTM/GRU -> Linear —
// built in one place, with PyTorch's module names, so that a state_dict of the same PyTorch
// module loads unchanged: embedding.weight (padding id 0), <cell>.weight_ih_l0 ... (cell =
// lstm, gru or rnn), fc.weight, fc.bias. The jobs differ only in what they read off the
// recurrence, so each is a TokenNet with its own forward:
//   classify::ClassifierNet   many-to-one: the final hidden state -> fc        [B, C]
//   tag::TaggerNet            many-to-many: every step of a packed batch -> fc [B, T, C]
//   textgen::LanguageModelNet one-to-many: every step, state carried -> fc    [B, T, V]
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "recur/nn/embedding.h"
#include "recur/nn/linear.h"
#include "recur/nn/module.h"
#include "recur/nn/recurrent_layer.h"
#include "recur/tensor/index_tensor.h"

namespace recur::apps {

// The fields every token job's model block has; each job's shape derives from it and adds the
// count that sizes fc (classes, tags; the language model's is its vocabulary). The defaults are
// the classifier's: the tagger's and the language model's own are those of their configs
// (tag::TagConfig, textgen::TextgenConfig), which the command line and config.json start from.
struct TokenNetShape {
  std::string cell = "lstm";  // lstm | gru | rnn (tanh) | ln_lstm | ln_gru
  int64_t vocab_size = 0;     // rows of the embedding
  int64_t embedding_dim = 32;
  int64_t hidden_size = 64;
  int64_t num_layers = 1;
  bool bidirectional = false;
  float dropout = 0.0f;  // between stacked layers
  // Variational dropout on h_{t-1} into W_hh, one mask per sequence (per chunk under TBPTT).
  float recurrent_dropout = 0.0f;
};

// Shapes whose recurrent layers take variational dropout on h: every TokenNetShape, not (yet)
// seq2seq's. The config blocks and the command-line flags that several jobs share read, write
// and offer recurrent_dropout for exactly these.
template <class Shape>
concept HasRecurrentDropout = requires(const Shape& m) {
  m.recurrent_dropout;
};

// The cell named in a config (nn::parse_cell_type: lstm, gru, rnn, ...); ValueError otherwise.
nn::CellType token_net_cell(const std::string& name);

class TokenNet : public nn::Module {
 public:
  std::shared_ptr<nn::Embedding> embedding;
  std::shared_ptr<nn::RecurrentLayer> rnn;  // batch_first
  std::shared_ptr<nn::Linear> fc;           // [D*H] -> [outputs]

 protected:
  // fc has `outputs` columns. ValueError naming `who` for an empty vocabulary or output, or an
  // unknown cell.
  TokenNet(const TokenNetShape& shape, int64_t outputs, Generator& gen, const std::string& who);

  // tokens [B, T] -> [B, T, E]; ShapeError naming `who_` unless tokens is [B, T] with `rows`
  // == B (the count of lengths or of state rows the caller pairs with it).
  Tensor embed(const IndexTensor& tokens, size_t rows) const;

  std::string who_;
};

}  // namespace recur::apps
