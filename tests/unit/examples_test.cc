// The example matcher (match/examples.h): its two layouts (every intent
// scored, or candidates completed with the common features) and its
// per-token caches must give the answers the plain feature-by-feature sums
// give.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "match/examples.h"
#include "text/normalize.h"

using zari::match::Candidate;
using zari::match::ExampleMatcher;
using zari::match::ExampleMatcherOptions;
using zari::text::Lang;

namespace {

zari::text::Normalized En(const std::string& s) {
  zari::text::NormalizeOptions o;
  o.forced = Lang::kEn;
  zari::text::Normalized n;
  zari::text::Normalize(s, o, &n);
  return n;
}

// A support FAQ that grows by products: intent = (question q, product p), so
// the intents of one question share every word but the product's, and the
// question words and products are features many intents share.
const char* const kProducts[] = {"kavolu", "zemira", "tobaki", "lunesa", "ravito", "sedumo", "pirela", "gonaru"};
const char* const kQuestions[][3] = {
    {"how do i check the balance of my", "what is left on my", "show me the balance on"},
    {"how can i top up", "i want to add money to my", "recharge my"},
    {"my internet does not work on", "no connection with my", "the data is down on my"},
    {"how do i cancel", "i want to stop my subscription to", "please terminate my"},
    {"what does roaming cost with", "prices abroad for my", "can i use my phone abroad with"},
    {"i lost my", "my card was stolen together with my", "block my"},
};
constexpr int kQ = 6, kP = 8;

struct Example {
  std::string text;
  int32_t intent;
};

std::vector<Example> Examples() {
  std::vector<Example> out;
  for (int p = 0; p < kP; ++p) {
    for (int q = 0; q < kQ; ++q) {
      for (int v = 0; v < 3; ++v) {
        out.push_back({std::string(kQuestions[q][v]) + " " + kProducts[p], static_cast<int32_t>(p * kQ + q)});
      }
    }
  }
  return out;
}

ExampleMatcher Train(const ExampleMatcherOptions& o, zari::BatchPool* pool = nullptr) {
  ExampleMatcher m(o);
  for (const Example& e : Examples()) m.Add(En(e.text), e.intent);
  m.Finish(kP * kQ, pool);
  return m;
}

// Messages near the examples: other word orders, typos, missing words.
std::vector<Example> Messages() {
  std::vector<Example> out;
  for (int p = 0; p < kP; ++p) {
    for (int q = 0; q < kQ; ++q) {
      const int32_t intent = p * kQ + q;
      out.push_back({std::string(kProducts[p]) + " " + kQuestions[q][0], intent});
      out.push_back({std::string(kQuestions[q][1]) + " " + kProducts[p] + " please", intent});
      std::string typo = std::string(kQuestions[q][2]) + " " + kProducts[p];
      std::swap(typo[1], typo[2]);
      out.push_back({typo, intent});
    }
  }
  return out;
}

std::vector<Candidate> Score(const ExampleMatcher& m, const std::string& text) {
  std::vector<Candidate> out;
  m.Score(En(text), 5, &out);
  return out;
}

ExampleMatcherOptions Candidates() {
  ExampleMatcherOptions o;
  o.dense_max_intents = 8;  // 48 intents: the large-pack layout
  o.candidates = 12;
  return o;
}

ExampleMatcherOptions NoTokenCache(ExampleMatcherOptions o) {
  o.token_cache_bytes = 0;
  o.candidate_token_cache_bytes = 0;
  return o;
}

double Top1(const ExampleMatcher& m, const std::vector<Example>& set) {
  int right = 0;
  for (const Example& e : set) {
    auto c = Score(m, e.text);
    right += !c.empty() && c[0].intent == e.intent;
  }
  return static_cast<double>(right) / static_cast<double>(set.size());
}

// The cached run must agree with the feature-by-feature one: the same best
// intent (unless the plain run itself nearly ties) with about the same score.
void Agree(const ExampleMatcher& cached, const ExampleMatcher& plain, float tolerance) {
  for (const Example& e : Messages()) {
    CAPTURE(e.text);
    auto a = Score(cached, e.text), b = Score(plain, e.text);
    REQUIRE(!a.empty());
    REQUIRE(!b.empty());
    const bool near_tie = b.size() > 1 && b[1].score > b[0].score - 2 * tolerance;
    if (!near_tie) CHECK(a[0].intent == b[0].intent);
    CHECK(std::fabs(a[0].score - b[0].score) <= tolerance);
  }
}

}  // namespace

TEST_CASE("examples: every intent scored finds the examples' intents") {
  ExampleMatcher m = Train({});
  CHECK(m.dense_rows() > 0);
  CHECK(m.cached_tokens() > 0);
  CHECK(Top1(m, Examples()) >= 0.95);
  CHECK(Top1(m, Messages()) >= 0.85);
}

TEST_CASE("examples: the large-pack layout (candidates) finds the examples' intents") {
  ExampleMatcher m = Train(Candidates());
  CHECK(m.dense_rows() > 0);      // the question words are common features
  CHECK(m.cached_tokens() > 0);
  CHECK(Top1(m, Examples()) >= 0.95);
  CHECK(Top1(m, Messages()) >= 0.85);
}

TEST_CASE("examples: the per-token cache gives the feature-by-feature scores (every intent)") {
  ExampleMatcher cached = Train({});
  ExampleMatcher plain = Train(NoTokenCache({}));
  REQUIRE(plain.cached_tokens() == 0);
  Agree(cached, plain, 1e-4f);
}

TEST_CASE("examples: the per-token cache gives the feature-by-feature scores (candidates)") {
  ExampleMatcher cached = Train(Candidates());
  ExampleMatcher plain = Train(NoTokenCache(Candidates()));
  REQUIRE(plain.cached_tokens() == 0);
  REQUIRE(cached.cached_tokens() > 0);
  // Cached common rows are 8-bit: scores agree to a few hundredths.
  Agree(cached, plain, 0.03f);
}

TEST_CASE("examples: a message scores the same whatever was scored before") {
  for (const ExampleMatcherOptions& o : {ExampleMatcherOptions{}, Candidates()}) {
    ExampleMatcher m = Train(o);
    const std::string text = "how can i top up zemira";
    auto first = Score(m, text);
    for (const Example& e : Messages()) Score(m, e.text);
    Score(m, "");
    Score(m, "qqqq wwww");  // nothing known
    auto again = Score(m, text);
    REQUIRE(first.size() == again.size());
    for (size_t i = 0; i < first.size(); ++i) {
      CHECK(first[i].intent == again[i].intent);
      CHECK(first[i].score == again[i].score);
    }
  }
}

TEST_CASE("examples: unknown words give no candidates") {
  for (const ExampleMatcherOptions& o : {ExampleMatcherOptions{}, Candidates()}) {
    ExampleMatcher m = Train(o);
    CHECK(Score(m, "qqqq wwww").empty());
    CHECK(Score(m, "").empty());
  }
}

TEST_CASE("examples: training gives the same model on one thread or several") {
  for (ExampleMatcherOptions o : {ExampleMatcherOptions{}, Candidates()}) {
    o.refine_batch = 8;  // several batches on this small set
    ExampleMatcher one = Train(o);
    zari::BatchPool pool(3);
    ExampleMatcher three = Train(o, &pool);
    for (const Example& e : Messages()) {
      CAPTURE(e.text);
      auto a = Score(one, e.text), b = Score(three, e.text);
      REQUIRE(a.size() == b.size());
      for (size_t i = 0; i < a.size(); ++i) {
        CHECK(a[i].intent == b[i].intent);
        CHECK(a[i].score == b[i].score);
      }
    }
  }
}

TEST_CASE("examples: a batch of one trains example after example") {
  // Batches only delay updates: with refine_batch 1 each example is scored
  // with every earlier update applied, and the model still learns the set.
  ExampleMatcherOptions o;
  o.refine_batch = 1;
  ExampleMatcher m = Train(o);
  CHECK(Top1(m, Examples()) >= 0.95);
}
