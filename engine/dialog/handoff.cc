#include "dialog/handoff.h"

#include "util/json_writer.h"

namespace zari::dialog {

std::string Handoff::ToJson() const {
  std::string out;
  json::Writer w(&out);
  w.BeginObject();
  w.Key("session").String(session);
  w.Key("channel").String(channel);
  w.Key("language").String(language);
  w.Key("reason").String(HandoffReasonName(reason));
  if (has_intent) w.Key("intent").String(intent);
  else w.Key("intent").Null();
  w.Key("within_hours").Bool(within_hours);
  w.Key("ts").Int(ts);
  if (next_open >= 0) w.Key("next_open").Int(next_open);
  w.Key("transcript").Raw(transcript_json.empty() ? std::string_view("[]") : std::string_view(transcript_json));
  w.EndObject();
  return out;
}

}  // namespace zari::dialog
