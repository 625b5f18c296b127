#include "log/transcript.h"

#include "log/redact.h"
#include "util/json_writer.h"

namespace zari::log {

void AppendTranscriptJson(const std::vector<Turn>& turns, bool redact, std::string* out) {
  json::Writer w(out);
  w.BeginArray();
  for (const Turn& t : turns) {
    w.BeginObject();
    w.Key("role").String(RoleName(t.role));
    w.Key("text").String(redact ? log::Redact(t.text) : t.text);
    w.Key("ts").Int(t.ts);
    w.EndObject();
  }
  w.EndArray();
}

}  // namespace zari::log
