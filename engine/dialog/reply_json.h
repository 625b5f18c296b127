// Every JSON a host sees of a reply or a handoff, in one place: the reply
// object of zari_reply_to_json, `zari ask --json` and the HTTP API; the
// `zari classify` line; the explanation; the handoff of the webhook and of
// zari_handoff_to_json. docs/HTTP.md and docs/C_API.md describe the fields.
//
// The writers append to a caller-owned string (or json::Writer) and do not
// allocate once it has grown; ids and routes come pre-escaped from the
// engine (Engine::IntentJson).
#ifndef ZARI_ENGINE_DIALOG_REPLY_JSON_H_
#define ZARI_ENGINE_DIALOG_REPLY_JSON_H_

#include <string>
#include <string_view>

#include "core/reply.h"
#include "dialog/handoff.h"
#include "util/json_writer.h"

namespace zari::dialog {

// {"reply", "action", "intent", "confidence", "language", "route", "slots",
//  "options", "suggestions", "candidates" (each with an "answer" in a relayed
//  reply), "handoff_reason"?, "explanation"}
void AppendReplyJson(const Reply& r, std::string* out);
// The same members, written into an object the caller has begun (the HTTP
// server adds its own members before and after them).
void AppendReplyMembers(const Reply& r, json::Writer& w);
// One `zari classify` line: text, language, intent, confidence, action,
// route, candidates; with `options`, also the clarify options' ids
// ("options": [...], empty unless the reply clarifies).
void AppendClassifyJson(const Reply& r, std::string_view text, std::string* out, bool options = false);
// The explanation object alone: what matched, with the span.
void AppendExplanationJson(const Reply& r, std::string* out);
// {"session", "channel", "language", "reason", "intent", "within_hours", "ts",
//  "next_open"?, "transcript"}
std::string HandoffJson(const Handoff& h);

}  // namespace zari::dialog

#endif  // ZARI_ENGINE_DIALOG_REPLY_JSON_H_
