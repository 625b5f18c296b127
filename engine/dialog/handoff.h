// A conversation handed to a human operator (docs/PACKS.md): what the host's
// callback receives and what the log stores, and where the conversation
// stands with operators.
#ifndef ZARI_ENGINE_DIALOG_HANDOFF_H_
#define ZARI_ENGINE_DIALOG_HANDOFF_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "core/reply.h"

namespace zari::dialog {

// Where a conversation stands with operators: the bot answers (none); it was
// handed off inside hours and waits for an operator, the bot still answering
// (waiting); an operator holds it and the bot is silent (joined).
enum class HandoffState : uint8_t { kNone = 0, kWaiting = 1, kJoined = 2 };

inline std::string_view HandoffStateName(HandoffState s) {
  switch (s) {
    case HandoffState::kWaiting: return "waiting";
    case HandoffState::kJoined: return "joined";
    default: return "none";
  }
}

// Where one conversation stands with operators (Session::handoff()).
struct HandoffStatus {
  HandoffState state = HandoffState::kNone;
  // Why it waits; kept while an operator holds it (kNone when the operator
  // took a conversation that was not waiting).
  HandoffReason reason = HandoffReason::kNone;
  // When the state began (unix seconds): the handoff while waiting, the
  // operator's joining while joined; 0 with none.
  int64_t since = 0;
  std::string operator_id, operator_name;  // while joined
};

struct Handoff {
  std::string session;
  std::string channel;
  std::string language;       // "ka", "az", "en"
  HandoffReason reason = HandoffReason::kNone;
  std::string intent;         // "" when the reason is misses
  bool has_intent = false;
  bool within_hours = true;
  int64_t ts = 0;             // unix seconds
  int64_t next_open = -1;     // outside hours: when operators are back
  std::string transcript_json;  // [{"role":"user","text":…,"ts":…}, …]
};

}  // namespace zari::dialog

#endif  // ZARI_ENGINE_DIALOG_HANDOFF_H_
