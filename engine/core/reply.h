// One reply of the bot (docs/C_API.md, The reply JSON): the decision, its candidates and
// what explains it. Strings of the pack are borrowed from the engine snapshot
// the reply keeps alive, so a reply costs no string copies for answers.
#ifndef ZARI_ENGINE_CORE_REPLY_H_
#define ZARI_ENGINE_CORE_REPLY_H_

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "match/candidate.h"
#include "pack/pack.h"
#include "text/lang.h"

namespace zari {

class Engine;

// kRelayed: an operator holds the conversation, the bot says nothing.
enum class Action : uint8_t { kAnswer = 1, kClarify = 2, kFallback = 3, kHandoff = 4, kAfterHours = 5, kRelayed = 6 };

inline std::string_view ActionName(Action a) {
  switch (a) {
    case Action::kAnswer: return "answer";
    case Action::kClarify: return "clarify";
    case Action::kFallback: return "fallback";
    case Action::kHandoff: return "handoff";
    case Action::kAfterHours: return "after_hours";
    case Action::kRelayed: return "relayed";
  }
  return "fallback";
}

// Why a conversation went to an operator.
enum class HandoffReason : uint8_t { kNone = 0, kRequested, kIntent, kMisses };

inline std::string_view HandoffReasonName(HandoffReason r) {
  switch (r) {
    case HandoffReason::kRequested: return "requested";
    case HandoffReason::kIntent: return "intent";
    case HandoffReason::kMisses: return "misses";
    default: return "";
  }
}

inline constexpr size_t kMaxCandidates = 5;
inline constexpr size_t kMaxOptions = 3;
inline constexpr size_t kMaxSuggestions = pack::kMaxSuggestions;

struct Reply {
  std::shared_ptr<const Engine> engine;  // owner of every borrowed string
  Action action = Action::kFallback;
  int32_t intent = -1;                  // decided intent (-1: none)
  text::Lang lang = text::Lang::kUnknown;
  text::Script script = text::Script::kNative;
  float confidence = 0;
  std::array<match::Candidate, kMaxCandidates> candidates{};
  uint8_t candidate_count = 0;
  std::array<int32_t, kMaxOptions> options{};  // clarify choices (intents)
  uint8_t option_count = 0;
  std::array<int32_t, kMaxSuggestions> suggestions{};  // follow-ups of an answer (intents)
  uint8_t suggestion_count = 0;
  HandoffReason handoff_reason = HandoffReason::kNone;
  bool chose_option = false;            // the user picked a clarify option
  std::vector<match::Slot> slots;
  const std::string* text_ref = nullptr;  // borrowed from the engine's pack
  std::string text_owned;                 // composed text (clarify, after hours)
  std::string input;                      // the user's text, for explanations

  std::string_view Text() const { return text_ref ? std::string_view(*text_ref) : std::string_view(text_owned); }
  const match::Candidate* Best() const { return candidate_count ? &candidates[0] : nullptr; }
  void Clear();
};

}  // namespace zari

#endif  // ZARI_ENGINE_CORE_REPLY_H_
