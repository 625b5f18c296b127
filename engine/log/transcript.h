// The recent turns of a conversation, handed to operators with a handoff and
// stored in the log (redacted there).
#ifndef ZARI_ENGINE_LOG_TRANSCRIPT_H_
#define ZARI_ENGINE_LOG_TRANSCRIPT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace zari::log {

// Who said it: the customer, the bot, or a person who took the conversation
// over (docs/PACKS.md, In a conversation).
enum class Role : uint8_t { kUser = 0, kBot = 1, kOperator = 2 };

inline std::string_view RoleName(Role r) {
  switch (r) {
    case Role::kUser: return "user";
    case Role::kBot: return "bot";
    case Role::kOperator: return "operator";
  }
  return "user";
}

struct Turn {
  Role role = Role::kUser;
  std::string text;
  int64_t ts = 0;    // unix seconds
};

// Appends [{"role":"user"|"bot"|"operator","text":…,"ts":…}, …]; with
// `redact`, texts are masked by log::Redact first.
void AppendTranscriptJson(const std::vector<Turn>& turns, bool redact, std::string* out);

}  // namespace zari::log

#endif  // ZARI_ENGINE_LOG_TRANSCRIPT_H_
