// zari check: which intents a pack's own examples confuse, and where an
// intent has too few examples in a language to be told apart.
#ifndef ZARI_CLI_CHECK_CONFUSIONS_H_
#define ZARI_CLI_CHECK_CONFUSIONS_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/engine.h"
#include "util/json_writer.h"
#include "util/status.h"

namespace zari::cli {

struct Confusions {
  // Two intents whose held-out examples went to each other.
  struct Pair {
    int32_t a = -1, b = -1;                       // a < b
    size_t count = 0;                              // examples of either that went to the other
    std::array<size_t, text::kLangCount> by_lang{};
    std::vector<size_t> examples;                  // into Engine::example_refs, in pack order
  };
  // An intent in a language where fewer than half of its held-out examples
  // come back to it: too few (or too alike another's) to be told apart.
  struct TooFew {
    int32_t intent = -1;
    text::Lang lang = text::Lang::kUnknown;
    size_t examples = 0, right = 0;
    int32_t most_to = -1;  // where most of the others went (-1: nowhere)
  };
  static constexpr size_t kMaxPairs = 10;
  size_t folds = 0;
  std::vector<Pair> pairs;  // most confused first, at most kMaxPairs, each at least 2 examples
  std::vector<TooFew> too_few;
};

// Scores every example of `e`'s pack with an engine built without it: the
// examples are split into `folds` parts (every folds-th example of each
// intent and language), and each part is scored by the pack without it.
Result<Confusions> FindConfusions(const Engine& e, size_t folds = 5);

// The report after the findings: plain text, or members of the check's JSON.
void PrintConfusions(const Engine& e, const Confusions& c);
void AppendConfusionsJson(const Engine& e, const Confusions& c, json::Writer& w);

}  // namespace zari::cli

#endif  // ZARI_CLI_CHECK_CONFUSIONS_H_
