// What a matcher proposes: an intent with a score in 0..1 and how it was found.
#ifndef ZARI_ENGINE_MATCH_CANDIDATE_H_
#define ZARI_ENGINE_MATCH_CANDIDATE_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace zari::match {

enum class Via : uint8_t { kRule = 0, kExample = 1, kDtmf = 2 };

inline std::string_view ViaName(Via v) {
  switch (v) {
    case Via::kRule: return "rule";
    case Via::kExample: return "example";
    case Via::kDtmf: return "dtmf";
  }
  return "rule";
}

// Evidence behind a candidate, for the reply's explanation.
enum class EvidenceKind : uint8_t { kNone = 0, kRule, kExactExample, kDtmf, kExamples };

struct Evidence {
  EvidenceKind kind = EvidenceKind::kNone;
  int32_t source = -1;        // rule index or example index
  uint16_t token_begin = 0;   // matched span of message tokens [begin, end)
  uint16_t token_end = 0;
};

struct Candidate {
  int32_t intent = -1;
  float score = 0;
  Via via = Via::kRule;
  Evidence evidence;
};

// A value captured by a template's {name} (the reply's `slots`).
struct Slot {
  std::string name;
  std::string value;
};

}  // namespace zari::match

#endif  // ZARI_ENGINE_MATCH_CANDIDATE_H_
