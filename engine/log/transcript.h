// The recent turns of a conversation, handed to operators with a handoff and
// stored in the log (redacted there).
#ifndef ZARI_ENGINE_LOG_TRANSCRIPT_H_
#define ZARI_ENGINE_LOG_TRANSCRIPT_H_

#include <cstdint>
#include <string>
#include <vector>

namespace zari::log {

struct Turn {
  bool user = true;  // false: the bot
  std::string text;
  int64_t ts = 0;    // unix seconds
};

// Appends [{"role":"user"|"bot","text":…,"ts":…}, …]; with `redact`, texts are
// masked by log::Redact first.
void AppendTranscriptJson(const std::vector<Turn>& turns, bool redact, std::string* out);

}  // namespace zari::log

#endif  // ZARI_ENGINE_LOG_TRANSCRIPT_H_
