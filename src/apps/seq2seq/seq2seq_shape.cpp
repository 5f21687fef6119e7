#include "recur/apps/seq2seq/seq2seq_shape.h"

#include "recur/tensor/error.h"

namespace recur::seq2seq {

AttentionKind attention_kind_from_name(const std::string& name) {
  if (name == "none") return AttentionKind::None;
  if (name == "bahdanau") return AttentionKind::Bahdanau;
  if (name == "luong-dot") return AttentionKind::LuongDot;
  if (name == "luong-general") return AttentionKind::LuongGeneral;
  if (name == "luong-concat") return AttentionKind::LuongConcat;
  throw ValueError(
      "seq2seq: attention must be none, bahdanau, luong-dot, luong-general or "
      "luong-concat, got '" +
      name + "'");
}

std::string attention_kind_name(AttentionKind kind) {
  switch (kind) {
    case AttentionKind::None:
      return "none";
    case AttentionKind::Bahdanau:
      return "bahdanau";
    case AttentionKind::LuongDot:
      return "luong-dot";
    case AttentionKind::LuongGeneral:
      return "luong-general";
    case AttentionKind::LuongConcat:
      return "luong-concat";
  }
  return "none";
}

BridgeKind bridge_kind_from_name(const std::string& name) {
  if (name == "linear") return BridgeKind::Linear;
  if (name == "concat") return BridgeKind::Concat;
  throw ValueError("seq2seq: bridge must be linear or concat, got '" + name + "'");
}

nn::CellType seq2seq_cell(const std::string& name) {
  if (name == "lstm") return nn::CellType::Lstm;
  if (name == "gru") return nn::CellType::Gru;
  throw ValueError("seq2seq: cell must be lstm or gru, got '" + name + "'");
}

void validate(const Seq2SeqShape& shape) {
  const auto positive = [](int64_t value, const char* field) {
    if (value < 1) {
      throw ValueError(std::string("seq2seq: ") + field + " must be >= 1, got " +
                       std::to_string(value));
    }
  };
  positive(shape.src_vocab_size, "src_vocab_size");
  positive(shape.tgt_vocab_size, "tgt_vocab_size");
  positive(shape.embedding_dim, "embedding_dim");
  positive(shape.hidden_size, "hidden_size");
  positive(shape.num_layers, "num_layers");
  if (!(shape.dropout >= 0.0f && shape.dropout < 1.0f)) {
    throw ValueError("seq2seq: dropout must be in [0, 1), got " + std::to_string(shape.dropout));
  }
  seq2seq_cell(shape.cell);
  attention_kind_from_name(shape.attention);
  bridge_kind_from_name(shape.bridge);
}

}  // namespace recur::seq2seq
