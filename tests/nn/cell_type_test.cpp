// The one cell-name parser (recur/nn/cell_type.h): every name it lists reads back to its type,
// the flag names round-trip, and an unknown name is an error naming who asked and what is
// accepted, never a silent default.
#include "recur/nn/cell_type.h"

#include <gtest/gtest.h>

#include <string>

#include "recur/nn/recurrent_layer.h"
#include "recur/tensor/error.h"

namespace recur::testing {
namespace {

using nn::CellType;

TEST(CellType, ParsesEveryNameAndAlias) {
  EXPECT_EQ(nn::parse_cell_type("lstm"), CellType::Lstm);
  EXPECT_EQ(nn::parse_cell_type("gru"), CellType::Gru);
  EXPECT_EQ(nn::parse_cell_type("rnn"), CellType::RnnTanh);
  EXPECT_EQ(nn::parse_cell_type("rnn_tanh"), CellType::RnnTanh);
  EXPECT_EQ(nn::parse_cell_type("rnn_relu"), CellType::RnnRelu);
  EXPECT_EQ(nn::parse_cell_type("ln_lstm"), CellType::LayerNormLstm);
  EXPECT_EQ(nn::parse_cell_type("ln_gru"), CellType::LayerNormGru);
  EXPECT_EQ(nn::cell_names(), (std::vector<std::string>{"lstm", "gru", "rnn", "rnn_tanh",
                                                        "rnn_relu", "ln_lstm", "ln_gru"}));
}

TEST(CellType, FlagNamesRoundTripAndDescribeTheCell) {
  const std::vector<CellType> all = nn::cell_types();
  ASSERT_EQ(all.size(), 6u);
  for (CellType type : all) {
    EXPECT_EQ(nn::parse_cell_type(nn::cell_flag_name(type)), type) << nn::cell_flag_name(type);
  }
  EXPECT_EQ(nn::gate_count(CellType::Lstm), 4);
  EXPECT_EQ(nn::gate_count(CellType::Gru), 3);
  EXPECT_EQ(nn::gate_count(CellType::RnnRelu), 1);
  EXPECT_EQ(nn::cell_type_name(CellType::RnnRelu), "RNN");
  EXPECT_TRUE(nn::has_cell_state(CellType::Lstm));
  EXPECT_FALSE(nn::has_cell_state(CellType::Gru));
  EXPECT_EQ(nn::cell_type_name(CellType::LayerNormLstm), "LayerNormLSTM");
  EXPECT_TRUE(nn::has_cell_state(CellType::LayerNormLstm));
  EXPECT_EQ(nn::gate_count(CellType::LayerNormGru), 3);
}

TEST(CellType, UnknownNameIsAnErrorListingTheAcceptedNames) {
  for (const std::string bad : {"LSTM", "lstm ", "", "transformer", "rnn_sigmoid"}) {
    try {
      nn::parse_cell_type(bad, "model.cell");
      ADD_FAILURE() << "'" << bad << "' was accepted";
    } catch (const ValueError& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find("model.cell"), std::string::npos) << message;
      EXPECT_NE(message.find("'" + bad + "'"), std::string::npos) << message;
      EXPECT_NE(message.find("lstm, gru, rnn, rnn_tanh, rnn_relu"), std::string::npos) << message;
    }
  }
}

TEST(CellType, ProjectionOnlyWhereTheCellHasOne) {
  EXPECT_THROW(
      nn::RecurrentLayer(CellType::Gru, {.input_size = 2, .hidden_size = 4, .proj_size = 2}),
      ValueError);
  EXPECT_NO_THROW(
      nn::RecurrentLayer(CellType::Lstm, {.input_size = 2, .hidden_size = 4, .proj_size = 2}));
}

}  // namespace
}  // namespace recur::testing
