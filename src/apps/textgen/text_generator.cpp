#include "recur/apps/textgen/text_generator.h"

#include <algorithm>
#include <limits>
#include <string>

#include "recur/data/vocabulary.h"
#include "recur/kernels/gemm.h"

namespace recur::textgen {

TextGenerator::TextGenerator(const LanguageModelNet& net, int threads)
    : stream_(*net.rnn, /*batch_size=*/1, threads),
      embedding_(net.embedding->weight.clone()),
      fc_weight_(net.fc->weight.clone()),
      fc_bias_(net.fc->bias.clone()),
      logits_(static_cast<size_t>(fc_weight_.size(0))) {}

void TextGenerator::feed(int64_t id) {
  const int64_t V = fc_weight_.size(0), H = fc_weight_.size(1);
  const float* h = stream_.step(embedding_.data() + id * embedding_.size(1));  // [H]
  std::copy(fc_bias_.data(), fc_bias_.data() + V, logits_.begin());
  // logits[1, V] = h[1, H] * fc_weight^T + bias
  kernels::gemm(kernels::Trans::No, kernels::Trans::Yes, 1, V, H, 1.0f, h, H, fc_weight_.data(), H,
                1.0f, logits_.data(), V);
}

std::vector<int64_t> TextGenerator::generate(const std::vector<int64_t>& prompt, int64_t length,
                                             const SamplingOptions& options, Generator& gen,
                                             const std::function<void(int64_t)>& on_token) {
  validate(options);
  const int64_t V = fc_weight_.size(0);
  if (prompt.empty()) throw ValueError("generate: the prompt needs at least one token");
  if (length < 0) throw ValueError("generate: length must be >= 0");
  for (size_t i = 0; i < prompt.size(); ++i) {
    if (prompt[i] < data::Vocabulary::kSpecials || prompt[i] >= V) {
      throw ValueError("generate: prompt token " + std::to_string(i + 1) + " has id " +
                       std::to_string(prompt[i]) + ", outside the text ids [" +
                       std::to_string(data::Vocabulary::kSpecials) + ", " + std::to_string(V) +
                       ")");
    }
  }
  stream_.reset();
  for (int64_t id : prompt) feed(id);
  std::vector<int64_t> out;
  out.reserve(static_cast<size_t>(length));
  Tensor logits = Tensor::empty({V});
  for (int64_t i = 0; i < length; ++i) {
    std::copy(logits_.begin(), logits_.end(), logits.data());
    std::fill(logits.data(), logits.data() + data::Vocabulary::kSpecials,
              -std::numeric_limits<float>::infinity());
    const int64_t id = sample(logits, options, gen).item();
    out.push_back(id);
    if (on_token) on_token(id);
    if (i + 1 < length) feed(id);
  }
  return out;
}

}  // namespace recur::textgen
