#include "match/examples.h"

#include "match/example_builder.h"
#include "match/example_dense_scorer.h"
#include "match/example_large_scorer.h"
#include "match/example_scoring.h"

namespace zari::match {

ExampleMatcher::ExampleMatcher(const ExampleMatcherOptions& options)
    : builder_(std::make_unique<ExampleBuilder>(options)) {
  model_.options = options;
}

ExampleMatcher::~ExampleMatcher() = default;
ExampleMatcher::ExampleMatcher(ExampleMatcher&&) noexcept = default;
ExampleMatcher& ExampleMatcher::operator=(ExampleMatcher&&) noexcept = default;

void ExampleMatcher::Reserve(size_t examples) { builder_->Reserve(examples); }

void ExampleMatcher::Add(const text::Normalized& n, int32_t intent) { builder_->Add(n, intent); }

void ExampleMatcher::Finish(size_t intents, BatchPool* threads) {
  BatchPool alone(1);
  model_ = builder_->Build(intents, threads ? *threads : alone);
  builder_.reset();
}

void ExampleMatcher::Score(const text::Normalized& n, size_t k, std::vector<Candidate>* out) const {
  if (model_.table.size == 0 || k == 0) return;
  if (model_.dense) {
    ScoreDense(model_, n, k, out);
  } else {
    ScoreLarge(model_, n, k, out);
  }
}

int32_t ExampleMatcher::Nearest(const text::Normalized& n, int32_t intent) const {
  return model_.examples.Nearest(n, intent, &ThreadScratch().words);
}

}  // namespace zari::match
