// TextGenerator: sampling from a trained LanguageModelNet one token at a time, as the tutorials'
// generate() loop does (feed the prompt, then repeatedly: logits of the last step -> sample ->
// feed the sampled token back), without the per-token cost of a framework call: the recurrence
// runs on nn::RecurrentStream (weights packed once, no allocation per step), the embedding is a
// row copy and the output layer one matrix-vector product.
//
//   TextGenerator generator(net);                       // copies the weights it needs
//   Generator gen(seed);
//   generator.generate(prompt_ids, 500, {.temperature = 0.8f, .top_k = 40}, gen,
//                      [&](int64_t id) { std::cout << vocab.token(id) << std::flush; });
//
// The special ids (<pad>, <unk>, <bos>, <eos>: data::Vocabulary) are never drawn: they are not
// text. The same seed and options give the same tokens.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "recur/apps/textgen/language_model_net.h"
#include "recur/nn/recurrent_stream.h"
#include "recur/ops/sampling.h"

namespace recur::textgen {

class TextGenerator {
 public:
  // threads: cores for the recurrence (nn::RecurrentStream); the result does not depend on it.
  explicit TextGenerator(const LanguageModelNet& net, int threads = 1);

  // Feeds `prompt` (ids in [kSpecials, V), at least one), then draws `length` tokens, calling
  // on_token with each as soon as it is drawn; returns them. ValueError for an empty prompt or an
  // id out of range, naming its position.
  std::vector<int64_t> generate(const std::vector<int64_t>& prompt, int64_t length,
                                const SamplingOptions& options, Generator& gen,
                                const std::function<void(int64_t)>& on_token = {});

 private:
  // Runs one token through the model; the logits of the next token are left in logits_.
  void feed(int64_t id);

  nn::RecurrentStream stream_;
  Tensor embedding_;           // [V, E]
  Tensor fc_weight_;           // [V, H]
  Tensor fc_bias_;             // [V]
  std::vector<float> logits_;  // [V]
};

}  // namespace recur::textgen
