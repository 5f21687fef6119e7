// TeacherForcingSchedule: the teacher-forcing ratio over training (scheduled sampling, Bengio et
// al. 2015, "Scheduled Sampling for Sequence Prediction with Recurrent Neural Networks", sec. 2.4).
// Training starts with the gold tokens and moves towards the model's own predictions, which it
// must read at inference (the exposure bias the seeds warn of). ratio(i) for i = 0, 1, ... —
// epochs or steps, whichever the caller counts — is, before clamping to [floor, 1]:
//
//   constant         start
//   linear           start - slope * i                 (the paper's eps_i = max(eps, k - c i))
//   exponential      start * rate^i, 0 < rate <= 1     (the paper's eps_i = k^i, k < 1)
//   inverse-sigmoid  k / (k + exp(i / k)), k >= 1      (the paper's own; slow, then fast, then
//                                                     slow; note ratio(0) = k/(k+1) < 1)
//
// floor (default 0) is the paper's eps: the least ratio the schedule falls to.
//
//   auto schedule = TeacherForcingSchedule::inverse_sigmoid(5.0f);
//   float ratio = schedule.ratio(epoch);   // pass to Seq2SeqNet::forward
#pragma once

#include <cstdint>
#include <string>

namespace recur::seq2seq {

enum class DecayKind { Constant, Linear, Exponential, InverseSigmoid };
// "constant", "linear", "exponential", "inverse-sigmoid"; ValueError listing them.
DecayKind decay_kind_from_name(const std::string& name);
std::string decay_kind_name(DecayKind kind);

struct TeacherForcingSchedule {
  DecayKind kind = DecayKind::Constant;
  float start = 1.0f;  // ratio at i = 0 (constant, linear, exponential)
  float floor = 0.0f;  // the least ratio
  float slope = 0.0f;  // linear: decrease per unit of i
  float rate = 1.0f;   // exponential: factor per unit of i
  float k = 1.0f;      // inverse sigmoid

  static TeacherForcingSchedule constant(float ratio);
  static TeacherForcingSchedule linear(float start, float slope, float floor = 0.0f);
  static TeacherForcingSchedule exponential(float start, float rate, float floor = 0.0f);
  static TeacherForcingSchedule inverse_sigmoid(float k, float floor = 0.0f);

  // ValueError naming the field unless start and floor are in [0, 1], slope >= 0, rate in
  // (0, 1] and k >= 1 (all finite).
  void validate() const;
  // The ratio at epoch or step i >= 0 (ValueError for a negative i), in [floor, 1].
  float ratio(int64_t i) const;
  // "inverse-sigmoid(k=5, floor=0)": for logs and run folders.
  std::string describe() const;
};

}  // namespace recur::seq2seq
