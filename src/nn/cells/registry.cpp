// The list of cells, and the public names of recur/nn/cell_type.h read from it.
#include <array>

#include "cell.h"
#include "recur/tensor/error.h"

namespace recur::nn {

namespace detail {

namespace {

// Every cell, in the order cell_names() lists them. A new cell adds its line here.
constexpr std::array<const CellKind*, 6> kCells{
    &kLstmCell, &kGruCell, &kRnnTanhCell, &kRnnReluCell, &kLayerNormLstmCell, &kLayerNormGruCell};

}  // namespace

const CellKind& cell_kind(CellType type) {
  for (const CellKind* kind : kCells) {
    if (kind->type == type) return *kind;
  }
  throw ValueError("unknown CellType " + std::to_string(static_cast<int>(type)));
}

}  // namespace detail

std::string cell_type_name(CellType type) { return detail::cell_kind(type).name; }

std::string cell_flag_name(CellType type) { return detail::cell_kind(type).flag; }

int64_t gate_count(CellType type) { return detail::cell_kind(type).gates; }

bool has_cell_state(CellType type) { return detail::cell_kind(type).cell_state; }

std::vector<std::string> cell_parameter_names(CellType type) {
  std::vector<std::string> names;
  for (const detail::CellParam& p : detail::cell_kind(type).params) names.emplace_back(p.name);
  return names;
}

std::vector<CellType> cell_types() {
  std::vector<CellType> types;
  for (const detail::CellKind* kind : detail::kCells) types.push_back(kind->type);
  return types;
}

std::vector<std::string> cell_names() {
  std::vector<std::string> names;
  for (const detail::CellKind* kind : detail::kCells) {
    if (kind->alias != nullptr) names.emplace_back(kind->alias);
    names.emplace_back(kind->flag);
  }
  return names;
}

CellType parse_cell_type(const std::string& name, const std::string& who) {
  for (const detail::CellKind* kind : detail::kCells) {
    if (name == kind->flag || (kind->alias != nullptr && name == kind->alias)) return kind->type;
  }
  std::string accepted;
  for (const std::string& n : cell_names()) accepted += (accepted.empty() ? "" : ", ") + n;
  throw ValueError(who + ": unknown cell '" + name + "' (expected one of " + accepted + ")");
}

CellType checked_rnn_nonlinearity(CellType type, const std::string& who) {
  if (type != CellType::RnnTanh && type != CellType::RnnRelu) {
    throw ValueError(who + ": nonlinearity must be CellType::RnnTanh or CellType::RnnRelu");
  }
  return type;
}

}  // namespace recur::nn
