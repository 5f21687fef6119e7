#include "recur/apps/seq2seq/teacher_forcing.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "recur/tensor/error.h"

namespace recur::seq2seq {

DecayKind decay_kind_from_name(const std::string& name) {
  if (name == "constant") return DecayKind::Constant;
  if (name == "linear") return DecayKind::Linear;
  if (name == "exponential") return DecayKind::Exponential;
  if (name == "inverse-sigmoid") return DecayKind::InverseSigmoid;
  throw ValueError(
      "teacher forcing: schedule must be constant, linear, exponential or "
      "inverse-sigmoid, got '" +
      name + "'");
}

std::string decay_kind_name(DecayKind kind) {
  switch (kind) {
    case DecayKind::Constant:
      return "constant";
    case DecayKind::Linear:
      return "linear";
    case DecayKind::Exponential:
      return "exponential";
    case DecayKind::InverseSigmoid:
      return "inverse-sigmoid";
  }
  return "constant";
}

TeacherForcingSchedule TeacherForcingSchedule::constant(float ratio) {
  TeacherForcingSchedule s{.kind = DecayKind::Constant, .start = ratio};
  s.validate();
  return s;
}

TeacherForcingSchedule TeacherForcingSchedule::linear(float start, float slope, float floor) {
  TeacherForcingSchedule s{
      .kind = DecayKind::Linear, .start = start, .floor = floor, .slope = slope};
  s.validate();
  return s;
}

TeacherForcingSchedule TeacherForcingSchedule::exponential(float start, float rate, float floor) {
  TeacherForcingSchedule s{
      .kind = DecayKind::Exponential, .start = start, .floor = floor, .rate = rate};
  s.validate();
  return s;
}

TeacherForcingSchedule TeacherForcingSchedule::inverse_sigmoid(float k, float floor) {
  TeacherForcingSchedule s{.kind = DecayKind::InverseSigmoid, .floor = floor, .k = k};
  s.validate();
  return s;
}

void TeacherForcingSchedule::validate() const {
  const auto check = [](bool ok, const char* field, float value, const char* range) {
    if (!ok || !std::isfinite(value)) {
      throw ValueError(std::string("teacher forcing: ") + field + " must be " + range + ", got " +
                       std::to_string(value));
    }
  };
  check(start >= 0.0f && start <= 1.0f, "start", start, "in [0, 1]");
  check(floor >= 0.0f && floor <= 1.0f, "floor", floor, "in [0, 1]");
  check(slope >= 0.0f, "slope", slope, ">= 0");
  check(rate > 0.0f && rate <= 1.0f, "rate", rate, "in (0, 1]");
  check(k >= 1.0f, "k", k, ">= 1");
}

float TeacherForcingSchedule::ratio(int64_t i) const {
  if (i < 0)
    throw ValueError("teacher forcing: the epoch or step must be >= 0, got " + std::to_string(i));
  const double x = static_cast<double>(i);
  double r = start;
  switch (kind) {
    case DecayKind::Constant:
      break;
    case DecayKind::Linear:
      r = start - slope * x;
      break;
    case DecayKind::Exponential:
      r = start * std::pow(static_cast<double>(rate), x);
      break;
    case DecayKind::InverseSigmoid:
      r = k / (k + std::exp(x / k));
      break;
  }
  return static_cast<float>(std::clamp(r, static_cast<double>(floor), 1.0));
}

std::string TeacherForcingSchedule::describe() const {
  std::ostringstream os;
  os << decay_kind_name(kind) << "(";
  switch (kind) {
    case DecayKind::Constant:
      os << "ratio=" << start;
      break;
    case DecayKind::Linear:
      os << "start=" << start << ", slope=" << slope;
      break;
    case DecayKind::Exponential:
      os << "start=" << start << ", rate=" << rate;
      break;
    case DecayKind::InverseSigmoid:
      os << "k=" << k;
      break;
  }
  if (kind != DecayKind::Constant) os << ", floor=" << floor;
  os << ")";
  return os.str();
}

}  // namespace recur::seq2seq
