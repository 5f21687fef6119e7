// What the token jobs' configs (classify, tag, textgen) share: the "model" block each writes to
// config.json. Their shapes all derive from apps::TokenNetShape, whose defaults are the
// classifier's, so the tagger's and the language model's own defaults live in their configs: the
// default blocks below are the bytes that existing run folders hold and must stay as they are.
// Both dropout fields take the range of their command-line flags, [0, 1).
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "expect_error.h"
#include "recur/apps/classify/classify_config.h"
#include "recur/apps/seq2seq/seq2seq_shape.h"
#include "recur/apps/tag/tag_config.h"
#include "recur/apps/textgen/textgen_config.h"
#include "recur/tensor/error.h"

namespace recur {
namespace {

using nlohmann::json;

constexpr const char* kClassifyModel =
    R"({"bidirectional":false,"cell":"lstm","dropout":0.0,"embedding_dim":32,"hidden_size":64,)"
    R"("num_layers":1,"recurrent_dropout":0.0})";
constexpr const char* kTagModel =
    R"({"bidirectional":true,"cell":"lstm","dropout":0.0,"embedding_dim":64,"hidden_size":64,)"
    R"("num_layers":1,"recurrent_dropout":0.0})";
constexpr const char* kTextgenModel =
    R"({"cell":"lstm","dropout":0.0,"embedding_dim":64,"hidden_size":256,"num_layers":2,)"
    R"("recurrent_dropout":0.0})";

// The shared "model" block and flags offer recurrent_dropout to the token jobs only: seq2seq's
// config.json has no such field and its layers would ignore it.
static_assert(apps::HasRecurrentDropout<classify::ClassifierShape>);
static_assert(apps::HasRecurrentDropout<tag::TaggerShape>);
static_assert(apps::HasRecurrentDropout<textgen::LanguageModelShape>);
static_assert(!apps::HasRecurrentDropout<seq2seq::Seq2SeqShape>);

TEST(TokenConfigs, TheDefaultModelBlocksAreThoseOfEarlierRuns) {
  EXPECT_EQ(classify::to_json(classify::ClassifyConfig{})["model"].dump(), kClassifyModel);
  EXPECT_EQ(tag::to_json(tag::TagConfig{})["model"].dump(), kTagModel);
  EXPECT_EQ(textgen::to_json(textgen::TextgenConfig{})["model"].dump(), kTextgenModel);
}

// A config.json without a "model" block gets each job's own defaults, not TokenNetShape's.
TEST(TokenConfigs, AnAbsentModelBlockReadsAsTheJobsDefaults) {
  const json classify = {{"format", "recur.classify.v1"}, {"classes", {"a", "b"}}};
  EXPECT_EQ(classify::to_json(classify::classify_config_from_json(classify))["model"].dump(),
            kClassifyModel);
  const json tag = {{"format", "recur.tag.v1"}, {"data", {{"tag_column", 2}}}};
  EXPECT_EQ(tag::to_json(tag::tag_config_from_json(tag))["model"].dump(), kTagModel);
  const json textgen = {{"format", "recur.textgen.v1"}};
  EXPECT_EQ(textgen::to_json(textgen::textgen_config_from_json(textgen))["model"].dump(),
            kTextgenModel);
}

// Each job's config.json reader, on a document whose "model" block is `model`.
struct Reader {
  const char* job;
  std::function<void(const json& model)> read;
};

std::vector<Reader> readers() {
  return {{"classify",
           [](const json& m) {
             classify::classify_config_from_json(
                 {{"format", "recur.classify.v1"}, {"classes", {"a", "b"}}, {"model", m}});
           }},
          {"tag",
           [](const json& m) {
             tag::tag_config_from_json(
                 {{"format", "recur.tag.v1"}, {"data", {{"tag_column", 2}}}, {"model", m}});
           }},
          {"textgen", [](const json& m) {
             textgen::textgen_config_from_json({{"format", "recur.textgen.v1"}, {"model", m}});
           }}};
}

// Both dropout fields take [0, 1), the range of their command-line flags (ClassifyLimits): 0.995
// is a probability PyTorch takes, 1 and NaN are not.
TEST(TokenConfigs, DropoutFieldsAreInZeroToOne) {
  for (const Reader& r : readers()) {
    for (const char* field : {"dropout", "recurrent_dropout"}) {
      SCOPED_TRACE(std::string(r.job) + " model." + field);
      EXPECT_NO_THROW(r.read({{field, 0.995}}));
      EXPECT_NO_THROW(r.read({{field, 0.0}}));
      for (const double p : {-0.1, 1.0, 1.5, std::nan("")}) {
        EXPECT_TRUE(testing::Contains(testing::error_message<ValueError>([&] {
                                        r.read({{field, p}});
                                      }),
                                      field))
            << p;
      }
    }
  }
}

// A config built in code is held to the same range when validated, as training does.
TEST(TokenConfigs, ValidateChecksRecurrentDropout) {
  classify::ClassifyConfig classify;
  tag::TagConfig tag;
  textgen::TextgenConfig textgen;
  classify.model.recurrent_dropout = tag.model.recurrent_dropout = 1.0f;
  textgen.model.recurrent_dropout = -0.5f;
  const std::string message = "model.recurrent_dropout must be in [0, 1)";
  EXPECT_TRUE(
      testing::Contains(testing::error_message<ValueError>([&] { classify.validate(); }), message));
  EXPECT_TRUE(
      testing::Contains(testing::error_message<ValueError>([&] { tag.validate(); }), message));
  EXPECT_TRUE(
      testing::Contains(testing::error_message<ValueError>([&] { textgen.validate(); }), message));
  classify.model.recurrent_dropout = std::nanf("");
  EXPECT_TRUE(
      testing::Contains(testing::error_message<ValueError>([&] { classify.validate(); }), message));
}

}  // namespace
}  // namespace recur
