// The bot's own sentences (welcome, fallback, clarify, handoff, after hours,
// the satisfaction question and the thanks for an answer to it):
// Zari's defaults in ka, az and en, used where a pack has none, and the small
// grammar of filling them ("A, B or C").
#ifndef ZARI_ENGINE_CORE_MESSAGES_H_
#define ZARI_ENGINE_CORE_MESSAGES_H_

#include <string>
#include <string_view>
#include <vector>

#include "text/lang.h"

namespace zari {

enum class MessageKind { kWelcome, kFallback, kClarify, kHandoff, kAfterHours, kSurvey, kThanksFeedback };

std::string_view DefaultMessage(MessageKind kind, text::Lang lang);

// Appends "A, B or C" (ka: "A, B ან C"; az: "A, B və ya C").
void AppendAlternatives(const std::vector<std::string_view>& items, text::Lang lang, std::string* out);

// Replaces every "{name}" in tmpl with value.
std::string Fill(std::string_view tmpl, std::string_view name, std::string_view value);
// The same, written into *out (replacing its contents, reusing its capacity).
void FillInto(std::string_view tmpl, std::string_view name, std::string_view value, std::string* out);

}  // namespace zari

#endif  // ZARI_ENGINE_CORE_MESSAGES_H_
