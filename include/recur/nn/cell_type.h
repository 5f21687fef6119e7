// The recurrent cell types and their names: the CellType every recurrent module takes, PyTorch's
// class name of each ("LSTM"), the name a command line or a config spells ("lstm"), its gate
// count, and the one parser from such a name to the type, which rejects any name it does not
// know (no silent default).
//
//   nn::CellType type = nn::parse_cell_type("gru", "--cell");   // CellType::Gru
//   nn::gate_count(type);                                       // 3
//
// What a cell computes (gate order, kernels, what BPTT keeps) is described once per cell in
// src/nn/cells/ (docs/RECURRENT.md, "Cells").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace recur::nn {

// LayerNormLstm and LayerNormGru are the layer-normalised cells of Ba et al. 2016 (each
// product and LSTM's cell state normalised over the units; docs/RECURRENT.md, "Cells").
enum class CellType { RnnTanh, RnnRelu, Lstm, Gru, LayerNormLstm, LayerNormGru };

// "LSTM", "GRU", "RNN" (as PyTorch's class names; both RNN nonlinearities give "RNN"),
// "LayerNormLSTM", "LayerNormGRU".
std::string cell_type_name(CellType type);
// "lstm", "gru", "rnn_tanh", "rnn_relu", "ln_lstm", "ln_gru": the name parse_cell_type reads.
std::string cell_flag_name(CellType type);
// Gates per cell: 4 (LSTM, LayerNormLSTM), 3 (GRU, LayerNormGRU), 1 (RNN).
int64_t gate_count(CellType type);
// True for cells that carry a cell state c besides h (the LSTMs): they take c0 and return c_n.
bool has_cell_state(CellType type);
// The parameters a cell type has besides PyTorch's weight_ih, weight_hh, bias_ih, bias_hh,
// weight_hr, as named before the layer suffix ("ln_weight_ih", ...); empty for PyTorch's cells.
std::vector<std::string> cell_parameter_names(CellType type);
// Every cell type, in a stable order (LSTM, GRU, RNN tanh, RNN relu, LN-LSTM, LN-GRU).
std::vector<CellType> cell_types();
// Every name parse_cell_type accepts, in a stable order ("lstm", "gru", "rnn", "rnn_tanh", ...).
std::vector<std::string> cell_names();
// "lstm", "gru", "rnn" or "rnn_tanh", "rnn_relu", "ln_lstm", "ln_gru" -> the type; ValueError
// naming `who` (a flag, a config field) and listing the accepted names otherwise.
CellType parse_cell_type(const std::string& name, const std::string& who = "cell");
// `type` if it is an RNN nonlinearity (RnnTanh, RnnRelu); ValueError naming `who` otherwise.
CellType checked_rnn_nonlinearity(CellType type, const std::string& who);

}  // namespace recur::nn
