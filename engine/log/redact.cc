#include "log/redact.h"

#include <re2/re2.h>
#include <unicode/uchar.h>

#include "text/utf8.h"

namespace zari::log {
namespace {

const RE2& EmailRe() {
  static const RE2* re = new RE2(R"([A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,})");
  return *re;
}

// Azerbaijani ID cards: AZE12345678 (old), AA1234567 (new); FIN codes are 7
// letters/digits and only recognizable next to the word FIN.
const RE2& AzIdRe() {
  static const RE2* re = new RE2(R"((?i)\b(?:AZE|AA)[ \-]?[0-9]{7,8}\b)");
  return *re;
}
const RE2& FinRe() {
  static const RE2* re =
      new RE2(R"((?i)(\bFIN(?:[ \-]?(?:kodu?|code|კოდი))?[ :\-]*)[0-9A-Za-z]{7}\b)");
  return *re;
}

bool IsDigitCp(char32_t c, int* value) {
  if (c >= '0' && c <= '9') {
    *value = static_cast<int>(c - '0');
    return true;
  }
  if (c < 0x80) return false;
  if (u_charType(static_cast<UChar32>(c)) == U_DECIMAL_DIGIT_NUMBER) {
    *value = u_charDigitValue(static_cast<UChar32>(c));
    return true;
  }
  return false;
}

bool IsSeparator(char32_t c) {
  return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/' || c == 0x00A0;
}

// Replaces runs of digits (with the separators people put in phone and card
// numbers) that are long enough to identify a person.
std::string MaskDigitRuns(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    size_t start = i;
    size_t j = i;
    char32_t c = text::DecodeUtf8(s, &j);
    int v;
    bool plus = c == '+';
    bool open = c == '(';
    if (!(plus || open || IsDigitCp(c, &v))) {
      out.append(s.substr(start, j - start));
      i = j;
      continue;
    }
    // Scan the run: digits, and up to two separators between digits.
    std::string digits;
    size_t pos = plus || open ? j : start;
    size_t run_end = start;
    size_t k = pos;
    int seps = 0;
    while (k < s.size()) {
      size_t next = k;
      char32_t d = text::DecodeUtf8(s, &next);
      if (IsDigitCp(d, &v)) {
        digits.push_back(static_cast<char>('0' + v));
        run_end = next;
        seps = 0;
      } else if (IsSeparator(d) && !digits.empty() && seps < 2) {
        ++seps;
      } else {
        break;
      }
      k = next;
    }
    if (digits.empty()) {
      out.append(s.substr(start, j - start));
      i = j;
      continue;
    }
    const size_t n = digits.size();
    const char* mask = nullptr;
    if (n >= 13 && n <= 19 && LuhnValid(digits)) {
      mask = "[card]";
    } else if (n == 11 && !plus && digits.compare(0, 3, "995") != 0 && digits.compare(0, 3, "994") != 0 &&
               digits[0] != '0') {
      mask = "[id]";  // Georgian personal number
    } else if (n >= 7 && n <= 15) {
      mask = "[phone]";
    } else if (n > 15) {
      mask = "[number]";
    }
    if (mask) {
      out.append(mask);
    } else {
      out.append(s.substr(start, run_end - start));
    }
    i = run_end;
  }
  return out;
}

}  // namespace

bool LuhnValid(std::string_view digits) {
  int sum = 0, count = 0;
  bool dbl = false;
  for (size_t i = digits.size(); i-- > 0;) {
    char c = digits[i];
    if (c < '0' || c > '9') continue;
    int d = c - '0';
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
    ++count;
  }
  return count > 0 && sum % 10 == 0;
}

std::string Redact(std::string_view text) {
  std::string s(text);
  RE2::GlobalReplace(&s, EmailRe(), "[email]");
  RE2::GlobalReplace(&s, AzIdRe(), "[id]");
  RE2::GlobalReplace(&s, FinRe(), "\\1[id]");
  return MaskDigitRuns(s);
}

}  // namespace zari::log
