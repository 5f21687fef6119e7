// seq2seq::Seq2SeqConfig, the config.json of a `recur seq2seq` run: every field survives the
// round trip, and a bad field is refused naming it.
#include "recur/apps/seq2seq/seq2seq_config.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "expect_error.h"
#include "recur/tensor/error.h"

namespace recur::seq2seq {
namespace {

using json = nlohmann::json;
using recur::testing::Contains;
using recur::testing::error_message;

TEST(Seq2SeqConfig, EveryFieldSurvivesTheRoundTrip) {
  Seq2SeqConfig c;
  c.tokens = {
      .level = data::TokenLevel::kWord, .min_frequency = 2, .max_size = 500, .lowercase = true};
  c.model.cell = "gru";
  c.model.embedding_dim = 16;
  c.model.hidden_size = 48;
  c.model.num_layers = 2;
  c.model.dropout = 0.25f;
  c.model.bidirectional = false;
  c.model.attention = "bahdanau";
  c.model.bridge = "concat";
  c.model.input_feeding = false;
  c.training.epochs = 3;
  c.training.seed = 9;
  c.teacher_forcing = TeacherForcingSchedule::exponential(0.9f, 0.5f, 0.2f);
  c.decoding = {.beam_width = 7, .max_length = 30, .length_penalty = 1.0f};
  const Seq2SeqConfig back = seq2seq_config_from_json(to_json(c));
  EXPECT_EQ(to_json(back), to_json(c));
  EXPECT_EQ(back.tokens.level, data::TokenLevel::kWord);
  EXPECT_EQ(back.model.attention, "bahdanau");
  EXPECT_FALSE(back.model.input_feeding);
  EXPECT_EQ(back.teacher_forcing.kind, DecayKind::Exponential);
  EXPECT_FLOAT_EQ(back.teacher_forcing.rate, 0.5f);
  EXPECT_EQ(back.decoding.beam_width, 7);
  // Epochs count from 1, the schedule from 0.
  EXPECT_FLOAT_EQ(back.teacher_forcing_ratio(1), 0.9f);
  EXPECT_FLOAT_EQ(back.teacher_forcing_ratio(2), 0.45f);
  EXPECT_FLOAT_EQ(back.teacher_forcing_ratio(4), 0.2f);  // 0.1125 floored
}

TEST(Seq2SeqConfig, ABadFieldIsRefusedNamingIt) {
  const json good = to_json(Seq2SeqConfig{});
  const auto refused = [&](const std::string& pointer, const json& value) {
    json j = good;
    j[json::json_pointer(pointer)] = value;
    return error_message<ValueError>([&] { seq2seq_config_from_json(j); });
  };
  EXPECT_TRUE(Contains(refused("/format", "recur.tag.v1"), "recur.seq2seq.v1"));
  EXPECT_TRUE(Contains(refused("/model/cell", "rnn"), "cell must be lstm or gru"));
  EXPECT_TRUE(Contains(refused("/model/attention", "luong"), "luong-general"));
  EXPECT_TRUE(Contains(refused("/model/bridge", "mean"), "bridge"));
  EXPECT_TRUE(Contains(refused("/tokens/level", "byte"), "byte"));
  EXPECT_TRUE(Contains(refused("/training/teacher_forcing/kind", "cubic"), "inverse-sigmoid"));
  EXPECT_TRUE(Contains(refused("/training/teacher_forcing/start", 1.5), "start"));
  EXPECT_TRUE(Contains(refused("/training/teacher_forcing/k", 0.5), "k"));
  EXPECT_TRUE(Contains(refused("/decoding/beam_width", 0), "beam_width"));
  EXPECT_TRUE(Contains(refused("/decoding/max_length", 0), "max_length"));
  EXPECT_TRUE(Contains(refused("/decoding/length_penalty", -1), "length_penalty"));
}

}  // namespace
}  // namespace recur::seq2seq
