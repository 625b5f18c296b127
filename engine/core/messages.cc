#include "core/messages.h"

namespace zari {

using text::Lang;

std::string_view DefaultMessage(MessageKind kind, Lang lang) {
  switch (kind) {
    case MessageKind::kWelcome:
      switch (lang) {
        case Lang::kKa: return "გამარჯობა! რით შემიძლია დაგეხმაროთ?";
        case Lang::kAz: return "Salam! Sizə necə kömək edə bilərəm?";
        default: return "Hello! How can I help you?";
      }
    case MessageKind::kFallback:
      switch (lang) {
        case Lang::kKa: return "ბოდიში, ვერ გავიგე. გთხოვთ, სხვა სიტყვებით მომწეროთ, ან დაწეროთ „ოპერატორი“.";
        case Lang::kAz: return "Bağışlayın, başa düşmədim. Zəhmət olmasa, başqa sözlərlə yazın və ya \"operator\" yazın.";
        default: return "Sorry, I did not understand. Could you rephrase, or type \"operator\"?";
      }
    case MessageKind::kClarify:
      switch (lang) {
        case Lang::kKa: return "ხომ არ გულისხმობთ: {options}?";
        case Lang::kAz: return "Bunu nəzərdə tutursunuz: {options}?";
        default: return "Did you mean: {options}?";
      }
    case MessageKind::kHandoff:
      switch (lang) {
        case Lang::kKa: return "გიკავშირებთ ოპერატორს, გთხოვთ, დაელოდოთ.";
        case Lang::kAz: return "Sizi operatorla əlaqələndirirəm, zəhmət olmasa, gözləyin.";
        default: return "Connecting you to an operator, please wait.";
      }
    case MessageKind::kAfterHours:
      switch (lang) {
        case Lang::kKa: return "ოპერატორები ახლა არ არიან ხაზზე; ისინი დაბრუნდებიან {next_open}. თქვენი შეკითხვა ჩავიწერეთ.";
        case Lang::kAz: return "Operatorlarımız hazırda xətdə deyil; {next_open} yenidən xidmətinizdə olacaqlar. Sualınızı qeyd etdik.";
        default: return "Our operators are offline right now; they are back {next_open}. We have recorded your question.";
      }
    // A CSAT question (1-5) that reads the same in a chat and read aloud on
    // the phone, where the caller answers on the keypad.
    case MessageKind::kSurvey:
      switch (lang) {
        case Lang::kKa: return "რამდენად კმაყოფილი ხართ მიღებული დახმარებით? გთხოვთ, შეაფასოთ 1-დან 5-მდე: 1 — სრულიად უკმაყოფილო ვარ, 5 — ძალიან კმაყოფილი ვარ.";
        case Lang::kAz: return "Aldığınız köməkdən nə dərəcədə razı qaldınız? Zəhmət olmasa, 1-dən 5-ə qədər qiymətləndirin: 1 — heç razı deyiləm, 5 — çox razıyam.";
        default: return "How satisfied are you with the help you received? Please rate it from 1 to 5: 1 — very dissatisfied, 5 — very satisfied.";
      }
    case MessageKind::kThanksFeedback:
      switch (lang) {
        case Lang::kKa: return "გმადლობთ შეფასებისთვის! თქვენი აზრი გვეხმარება, უკეთ მოგემსახუროთ.";
        case Lang::kAz: return "Rəyiniz üçün təşəkkür edirik! Fikriniz xidmətimizi daha da yaxşılaşdırmağa kömək edir.";
        default: return "Thank you for your feedback! It helps us serve you better.";
      }
  }
  return "";
}

void AppendAlternatives(const std::vector<std::string_view>& items, Lang lang, std::string* out) {
  std::string_view last_sep = lang == Lang::kKa ? " ან " : lang == Lang::kAz ? " və ya " : " or ";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out->append(i + 1 == items.size() ? last_sep : std::string_view(", "));
    out->append(items[i]);
  }
}

std::string Fill(std::string_view tmpl, std::string_view name, std::string_view value) {
  std::string out;
  FillInto(tmpl, name, value, &out);
  return out;
}

void FillInto(std::string_view tmpl, std::string_view name, std::string_view value, std::string* out) {
  out->clear();
  size_t pos = 0;
  while (true) {
    // "{name}" without building the key: '{', the name, '}'.
    size_t at = tmpl.find('{', pos);
    while (at != std::string_view::npos &&
           !(tmpl.substr(at + 1, name.size()) == name && at + 1 + name.size() < tmpl.size() &&
             tmpl[at + 1 + name.size()] == '}')) {
      at = tmpl.find('{', at + 1);
    }
    if (at == std::string_view::npos) break;
    out->append(tmpl.substr(pos, at - pos));
    out->append(value);
    pos = at + name.size() + 2;
  }
  out->append(tmpl.substr(pos));
}

}  // namespace zari
