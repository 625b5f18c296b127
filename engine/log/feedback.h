// The feedback questions a host may ask a customer (docs/C_API.md, Feedback)
// and their scales, in one place: the session checks answers against them,
// the log stores the kind's name, and the report reads the same names and
// bands (docs/OPERATIONS.md, KPIs).
#ifndef ZARI_ENGINE_LOG_FEEDBACK_H_
#define ZARI_ENGINE_LOG_FEEDBACK_H_

#include <cstdint>
#include <string_view>

namespace zari::log {

// The numbers are zari_feedback's (zari.h).
enum class FeedbackKind : uint8_t {
  kHelpful = 1,  // was the last answer helpful: 0 no, 1 yes
  kCsat = 2,     // customer satisfaction: 1 very dissatisfied … 5 very satisfied
  kCes = 3,      // customer effort ("it was easy to get my issue handled"): 1 strongly disagree … 7 strongly agree
  kNps = 4,      // how likely to recommend us: 0 not at all … 10 extremely
};

inline constexpr FeedbackKind kFeedbackKinds[] = {FeedbackKind::kHelpful, FeedbackKind::kCsat, FeedbackKind::kCes,
                                                  FeedbackKind::kNps};

// "helpful", "csat", "ces", "nps": the log's `feedback.kind`.
inline std::string_view FeedbackKindName(FeedbackKind kind) {
  switch (kind) {
    case FeedbackKind::kHelpful: return "helpful";
    case FeedbackKind::kCsat: return "csat";
    case FeedbackKind::kCes: return "ces";
    case FeedbackKind::kNps: return "nps";
  }
  return "";
}

// A kind by its name, in any case ("CSAT", "csat"); false for anything else.
inline bool ParseFeedbackKind(std::string_view name, FeedbackKind* out) {
  for (FeedbackKind k : kFeedbackKinds) {
    const std::string_view n = FeedbackKindName(k);
    bool same = n.size() == name.size();
    for (size_t i = 0; same && i < n.size(); ++i) {
      const char c = name[i] >= 'A' && name[i] <= 'Z' ? static_cast<char>(name[i] - 'A' + 'a') : name[i];
      same = c == n[i];
    }
    if (same) {
      *out = k;
      return true;
    }
  }
  return false;
}

// The values an answer may take, inclusive.
struct FeedbackScale {
  int min, max;
};

inline FeedbackScale ScaleOf(FeedbackKind kind) {
  switch (kind) {
    case FeedbackKind::kHelpful: return {0, 1};
    case FeedbackKind::kCsat: return {1, 5};
    case FeedbackKind::kCes: return {1, 7};
    case FeedbackKind::kNps: return {0, 10};
  }
  return {0, -1};
}

// The bands the KPIs count (docs/OPERATIONS.md): satisfied CSAT answers
// (4-5), "easy" CES answers (5-7), NPS promoters (9-10) and detractors (0-6).
inline constexpr int kCsatSatisfiedFrom = 4;
inline constexpr int kCsatDissatisfiedTo = 2;
inline constexpr int kCesEasyFrom = 5;
inline constexpr int kNpsPromoterFrom = 9;
inline constexpr int kNpsDetractorTo = 6;

}  // namespace zari::log

#endif  // ZARI_ENGINE_LOG_FEEDBACK_H_
