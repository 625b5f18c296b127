// A conversation handed to a human operator (docs/PACKS.md): what the host's
// callback receives and what the log stores.
#ifndef ZARI_ENGINE_DIALOG_HANDOFF_H_
#define ZARI_ENGINE_DIALOG_HANDOFF_H_

#include <cstdint>
#include <string>

#include "core/reply.h"

namespace zari::dialog {

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
