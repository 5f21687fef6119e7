#include "recur/apps/seq2seq/decoding.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include "recur/autograd/grad_mode.h"
#include "recur/data/vocabulary.h"
#include "recur/ops/indexing.h"
#include "recur/ops/softmax.h"

namespace recur::seq2seq {

namespace {

using data::Vocabulary;
constexpr float kNoScore = -std::numeric_limits<float>::infinity();

void check_max_length(int64_t max_length, const char* who) {
  if (max_length < 1) {
    throw ValueError(std::string(who) + ": max_length must be >= 1, got " +
                     std::to_string(max_length));
  }
}

// The ids a hypothesis emitted and the attention rows (source length wide) it emitted them with.
struct PartialHypothesis {
  std::vector<int64_t> ids;
  std::vector<float> attention;
  float log_prob = 0.0f;
};

// Appends the first `length` weights of row `row` (the real source positions).
void append_weights(std::vector<float>& to, const Tensor& weights, int64_t row, int64_t length) {
  if (!weights.defined()) return;
  const float* w = weights.data() + row * weights.size(1);
  to.insert(to.end(), w, w + length);
}

Translation to_translation(PartialHypothesis h, bool has_attention, int64_t source_length,
                           bool finished, float score) {
  Translation t;
  const auto n = static_cast<int64_t>(h.ids.size());
  if (has_attention) t.attention = Tensor::from_vector({n, source_length}, std::move(h.attention));
  t.ids = std::move(h.ids);
  t.log_prob = h.log_prob;
  t.score = score;
  t.finished = finished;
  return t;
}

Tensor take_rows(const Tensor& t, const IndexTensor& rows) {
  return t.defined() ? index_select(t, 0, rows) : t;
}

void reorder_rows(DecoderState& state, const IndexTensor& rows) {
  state.h = take_rows(state.h, rows);
  state.c = take_rows(state.c, rows);
  state.feed = take_rows(state.feed, rows);
}

// Every sentence's row repeated `times` times, consecutively: row b*times + k is sentence b.
Encoded repeat_rows(const Encoded& enc, int64_t times) {
  const auto B = static_cast<int64_t>(enc.memory.lengths.size());
  std::vector<int64_t> rows, lengths;
  for (int64_t b = 0; b < B; ++b) {
    for (int64_t k = 0; k < times; ++k) {
      rows.push_back(b);
      lengths.push_back(enc.memory.lengths[static_cast<size_t>(b)]);
    }
  }
  const IndexTensor index = IndexTensor::from_vector({B * times}, std::move(rows));
  Encoded out = enc;
  out.memory.outputs = index_select(enc.memory.outputs, 0, index);
  if (enc.memory.keys.defined()) out.memory.keys = index_select(enc.memory.keys, 0, index);
  out.memory.mask = nn::AttentionMask::lengths(lengths, enc.memory.outputs.size(1));
  out.memory.lengths = std::move(lengths);
  reorder_rows(out.state, index);
  return out;
}

struct BeamCandidate {
  float score;
  int64_t flat;  // beam * V + token
};

// The `count` best expansions of sentence b's K beams: summed log probability, then lower beam,
// then lower token id.
std::vector<BeamCandidate> best_candidates(const Tensor& logp,
                                           const std::vector<float>& beam_scores, int64_t b,
                                           int64_t K, int64_t count) {
  const int64_t V = logp.size(1);
  std::vector<BeamCandidate> all(static_cast<size_t>(K * V));
  for (int64_t k = 0; k < K; ++k) {
    const int64_t row = b * K + k;
    const float base = beam_scores[static_cast<size_t>(row)];
    const float* lp = logp.data() + row * V;
    for (int64_t v = 0; v < V; ++v) all[static_cast<size_t>(k * V + v)] = {base + lp[v], k * V + v};
  }
  const auto better = [](const BeamCandidate& x, const BeamCandidate& y) {
    return x.score > y.score || (x.score == y.score && x.flat < y.flat);
  };
  count = std::min<int64_t>(count, K * V);
  std::partial_sort(all.begin(), all.begin() + count, all.end(), better);
  all.resize(static_cast<size_t>(count));
  return all;
}

struct EndedHypothesis {
  PartialHypothesis hypothesis;
  int64_t steps;
  bool finished;
};

}  // namespace

float gnmt_length_penalty(int64_t length, float alpha) {
  return static_cast<float>(std::pow((5.0 + static_cast<double>(length)) / 6.0, alpha));
}

std::vector<Translation> greedy_decode(Seq2SeqNet& net, const IndexTensor& src,
                                       const std::vector<int64_t>& lengths, int64_t max_length) {
  check_max_length(max_length, "greedy decoding");
  NoGradGuard no_grad;
  Encoded enc = net.encode(src, lengths);
  const int64_t B = src.size(0);
  std::vector<PartialHypothesis> hyps(static_cast<size_t>(B));
  std::vector<char> finished(static_cast<size_t>(B), 0);
  bool has_attention = false;
  IndexTensor tokens = IndexTensor::full({B}, Vocabulary::kBos);
  int64_t live = B;
  for (int64_t step = 1; step <= max_length && live > 0; ++step) {
    const DecoderStepOutput out = net.decoder->step(tokens, enc.state, enc.memory);
    has_attention = out.weights.defined();
    const Tensor logp = log_softmax(out.logits, -1);
    tokens = argmax(logp, -1);
    for (int64_t b = 0; b < B; ++b) {
      if (finished[static_cast<size_t>(b)]) continue;
      PartialHypothesis& h = hyps[static_cast<size_t>(b)];
      const int64_t token = tokens.data()[b];
      h.log_prob += logp.data()[b * logp.size(1) + token];
      if (token == Vocabulary::kEos) {
        finished[static_cast<size_t>(b)] = 1;
        --live;
        continue;
      }
      h.ids.push_back(token);
      append_weights(h.attention, out.weights, b, lengths[static_cast<size_t>(b)]);
    }
  }
  std::vector<Translation> result;
  for (int64_t b = 0; b < B; ++b) {
    const float log_prob = hyps[static_cast<size_t>(b)].log_prob;
    result.push_back(to_translation(std::move(hyps[static_cast<size_t>(b)]), has_attention,
                                    lengths[static_cast<size_t>(b)],
                                    finished[static_cast<size_t>(b)] != 0, log_prob));
  }
  return result;
}

std::vector<Translation> beam_search(Seq2SeqNet& net, const IndexTensor& src,
                                     const std::vector<int64_t>& lengths,
                                     const BeamOptions& options) {
  const int64_t K = options.beam_width;
  if (K < 1) throw ValueError("beam search: beam_width must be >= 1, got " + std::to_string(K));
  check_max_length(options.max_length, "beam search");
  if (!(options.length_penalty >= 0.0f) || !std::isfinite(options.length_penalty)) {
    throw ValueError("beam search: length_penalty (alpha) must be finite and >= 0, got " +
                     std::to_string(options.length_penalty));
  }
  NoGradGuard no_grad;
  Encoded enc = repeat_rows(net.encode(src, lengths), K);
  const int64_t B = src.size(0), R = B * K;

  std::vector<PartialHypothesis> beams(static_cast<size_t>(R));
  std::vector<float> scores(static_cast<size_t>(R), kNoScore);
  for (int64_t b = 0; b < B; ++b) scores[static_cast<size_t>(b * K)] = 0.0f;  // one live beam
  std::vector<std::vector<EndedHypothesis>> ended(static_cast<size_t>(B));
  std::vector<char> done(static_cast<size_t>(B), 0);
  bool has_attention = false;
  IndexTensor tokens = IndexTensor::full({R}, Vocabulary::kBos);

  for (int64_t step = 1; step <= options.max_length; ++step) {
    const DecoderStepOutput out = net.decoder->step(tokens, enc.state, enc.memory);
    has_attention = out.weights.defined();
    const Tensor logp = log_softmax(out.logits, -1);
    const int64_t V = logp.size(1);

    std::vector<int64_t> next_rows(static_cast<size_t>(R)),
        next_tokens(static_cast<size_t>(R), Vocabulary::kPad);
    std::iota(next_rows.begin(), next_rows.end(), 0);
    std::vector<float> next_scores(static_cast<size_t>(R), kNoScore);
    std::vector<PartialHypothesis> next_beams(static_cast<size_t>(R));
    for (int64_t b = 0; b < B; ++b) {
      if (done[static_cast<size_t>(b)]) continue;
      const int64_t length = enc.memory.lengths[static_cast<size_t>(b * K)];
      int64_t live = 0, rank = 0;
      for (const BeamCandidate& cand : best_candidates(logp, scores, b, K, 2 * K)) {
        if (cand.score == kNoScore || live == K) break;
        const int64_t row = b * K + cand.flat / V, token = cand.flat % V;
        PartialHypothesis extended = beams[static_cast<size_t>(row)];
        extended.log_prob = cand.score;
        if (token == Vocabulary::kEos) {
          if (rank < K) ended[static_cast<size_t>(b)].push_back({std::move(extended), step, true});
        } else {
          extended.ids.push_back(token);
          append_weights(extended.attention, out.weights, row, length);
          const auto slot = static_cast<size_t>(b * K + live++);
          next_rows[slot] = row;
          next_tokens[slot] = token;
          next_scores[slot] = cand.score;
          next_beams[slot] = std::move(extended);
        }
        ++rank;
      }
      const bool last = step == options.max_length;
      if (static_cast<int64_t>(ended[static_cast<size_t>(b)].size()) >= K || last) {
        done[static_cast<size_t>(b)] = 1;
        for (int64_t k = 0; last && k < live; ++k) {
          ended[static_cast<size_t>(b)].push_back(
              {std::move(next_beams[static_cast<size_t>(b * K + k)]), step, false});
        }
      }
    }
    if (std::all_of(done.begin(), done.end(), [](char d) { return d != 0; })) break;
    reorder_rows(enc.state, IndexTensor::from_vector({R}, std::move(next_rows)));
    beams = std::move(next_beams);
    scores = std::move(next_scores);
    tokens = IndexTensor::from_vector({R}, std::move(next_tokens));
  }

  std::vector<Translation> result;
  for (int64_t b = 0; b < B; ++b) {
    std::vector<EndedHypothesis>& candidates = ended[static_cast<size_t>(b)];
    if (candidates.empty()) {  // only if every logit was -inf: nothing could be emitted
      result.emplace_back();
      continue;
    }
    size_t best = 0;
    float best_score = kNoScore;
    for (size_t i = 0; i < candidates.size(); ++i) {
      const float s = candidates[i].hypothesis.log_prob /
                      gnmt_length_penalty(candidates[i].steps, options.length_penalty);
      if (i == 0 || s > best_score) best = i, best_score = s;
    }
    EndedHypothesis& chosen = candidates[best];
    result.push_back(to_translation(std::move(chosen.hypothesis), has_attention,
                                    lengths[static_cast<size_t>(b)], chosen.finished, best_score));
  }
  return result;
}

}  // namespace recur::seq2seq
