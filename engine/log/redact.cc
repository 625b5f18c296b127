#include "log/redact.h"

#include <re2/re2.h>
#include <unicode/uchar.h>

#include <array>
#include <functional>
#include <optional>

#include "util/utf8.h"

namespace zari::log {
namespace {


// ---- patterns with letters (run before the digit scan) ----------------------

const RE2& EmailRe() {
  static const RE2* re = new RE2(R"([A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,})");
  return *re;
}

// IBANs: Georgian (GE + 2 check digits + 2-letter bank code + 16 digits),
// Azerbaijani (AZ + 2 + 4-letter bank code + 20 digits), each with or
// without spaces, and any other country's written without spaces.
const RE2& IbanRe() {
  static const RE2* re = new RE2(
      R"((?i)\b(?:ge[0-9]{2} ?[a-z]{2}(?: ?[0-9]){16}|az[0-9]{2} ?[a-z]{4}(?: ?[0-9]){20}|[a-z]{2}[0-9]{2}[a-z0-9]{11,30})\b)");
  return *re;
}

// Azerbaijani ID cards: AZE12345678 (old series), AA1234567 (new).
const RE2& AzIdRe() {
  static const RE2* re = new RE2(R"((?i)\b(?:aze|aa)[ \-]?[0-9]{7,8}\b)");
  return *re;
}

// FIN (personal identification number on Azerbaijani ID cards): 7 letters
// and digits, recognizable only next to the word FIN (FİN, fın once
// normalized as Azerbaijani), optionally "kod/kodu/code/კოდი".
const RE2& FinRe() {
  static const RE2* re = new RE2(
      R"((?i)(\bf[iıİ]n(?:[ \-]?(?:kodum|kodu|kod|code|კოდი))?[ \t:#№\-]*)([0-9a-z]{7})\b)");
  return *re;
}

// Replaces every match of `re` for which `replace` returns a value; group 0
// is the whole match, then the pattern's groups.
std::string ReplaceAll(std::string_view s, const RE2& re,
                       const std::function<std::optional<std::string>(const re2::StringPiece*)>& replace) {
  constexpr int kMaxGroups = 4;
  const int groups = std::min(kMaxGroups, re.NumberOfCapturingGroups() + 1);
  std::array<re2::StringPiece, kMaxGroups> m;
  std::string out;
  size_t pos = 0, copied = 0;
  const re2::StringPiece text(s.data(), s.size());
  while (pos <= s.size() && re.Match(text, pos, s.size(), RE2::UNANCHORED, m.data(), groups)) {
    const size_t begin = static_cast<size_t>(m[0].data() - s.data());
    const size_t end = begin + m[0].size();
    if (auto r = replace(m.data())) {
      out.append(s.substr(copied, begin - copied));
      out.append(*r);
      copied = end;
    }
    pos = end > begin ? end : begin + 1;
  }
  if (copied == 0) return std::string(s);
  out.append(s.substr(copied));
  return out;
}

size_t CountDigits(re2::StringPiece s) {
  size_t n = 0;
  for (char c : s) n += c >= '0' && c <= '9';
  return n;
}

// ---- digit runs ------------------------------------------------------------

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

// What people put between the digit groups of phone and card numbers.
bool IsSeparator(char32_t c) {
  return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/' || c == 0x00A0 || c == 0x2009 ||
         c == 0x2010 || c == 0x2011 || c == 0x2013;
}

// A date at the start of s (d.m.yyyy, d/m/yyyy, d-m-yyyy, yyyy-m-d, yyyy.m.d),
// with plausible day and month; returns its length in bytes or 0.
size_t DateLength(std::string_view s) {
  static const RE2* dmy = new RE2(R"(([0-9]{1,2})([./\-])([0-9]{1,2})([./\-])([0-9]{4}))");
  static const RE2* ymd = new RE2(R"(([0-9]{4})([./\-])([0-9]{1,2})([./\-])([0-9]{1,2}))");
  re2::StringPiece in(s.data(), s.size());
  int a = 0, c = 0, e = 0;
  auto ok = [](int day, int month, int year) {
    return day >= 1 && day <= 31 && month >= 1 && month <= 12 && year >= 1900 && year <= 2199;
  };
  size_t len = 0;
  re2::StringPiece g[6];
  if (dmy->Match(in, 0, in.size(), RE2::ANCHOR_START, g, 6)) {
    a = std::atoi(std::string(g[1]).c_str());
    c = std::atoi(std::string(g[3]).c_str());
    e = std::atoi(std::string(g[5]).c_str());
    if (g[2] == g[4] && ok(a, c, e)) len = g[0].size();
  }
  if (!len && ymd->Match(in, 0, in.size(), RE2::ANCHOR_START, g, 6)) {
    a = std::atoi(std::string(g[1]).c_str());
    c = std::atoi(std::string(g[3]).c_str());
    e = std::atoi(std::string(g[5]).c_str());
    if (g[2] == g[4] && ok(e, c, a)) len = g[0].size();
  }
  // "05.11.2026123" is not a date followed by text but one long number.
  if (len && len < s.size()) {
    size_t j = len;
    int v;
    if (IsDigitCp(DecodeUtf8(s, &j), &v)) return 0;
  }
  return len;
}

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char a = s[i], b = prefix[i];
    if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
    if (a != b) return false;
  }
  return true;
}

bool IsAsciiAlnum(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// A currency right after a number ("1 500 000 ₾", "2500000,50 manat"):
// the number is an amount, not somebody's phone.
bool CurrencyFollows(std::string_view s, size_t pos) {
  // Decimals the digit scan stopped at: ",50".
  if (pos + 1 < s.size() && (s[pos] == ',' || s[pos] == '.') && s[pos + 1] >= '0' && s[pos + 1] <= '9') {
    pos += 2;
    if (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
  }
  while (pos < s.size() && (s[pos] == ' ' || s[pos] == '\t')) ++pos;
  std::string_view rest = s.substr(pos);
  // Symbols and words that may be followed by inflection (lari-s, manatla, ლარის).
  static constexpr std::string_view kPrefixes[] = {"₾", "₼", "$", "€", "£", "lari", "manat", "dollar", "euro",
                                                   "tetri", "qəpik", "qepik", "ლარ", "თეთრ", "დოლარ", "ევრო",
                                                   "манат", "лари", "доллар", "евро", "руб"};
  for (std::string_view p : kPrefixes) {
    if (StartsWithNoCase(rest, p)) return true;
  }
  // Codes that must be whole words ("man" but not "many").
  static constexpr std::string_view kWords[] = {"gel", "azn", "usd", "eur", "rub", "man", "ლ"};
  for (std::string_view w : kWords) {
    if (StartsWithNoCase(rest, w)) {
      const std::string_view after = rest.substr(w.size());
      if (after.empty() || !IsAsciiAlnum(after[0])) {
        if (w != "ლ") return true;
        // "ლ" alone or "ლ." — not the first letter of a Georgian word.
        size_t j = 0;
        if (after.empty()) return true;
        char32_t next = DecodeUtf8(after, &j);
        if (!(next >= 0x10D0 && next <= 0x10FF)) return true;
      }
    }
  }
  return false;
}

// A currency symbol right before a number ("$2500000", "₼ 1500000").
bool CurrencyPrecedes(std::string_view s, size_t start) {
  std::string_view before = s.substr(0, start);
  while (!before.empty() && before.back() == ' ') before.remove_suffix(1);
  for (std::string_view sym : {"$", "€", "£", "₾", "₼"}) {
    if (before.size() >= sym.size() && before.substr(before.size() - sym.size()) == sym) return true;
  }
  return false;
}

// Classifies a run of digits (ASCII, after decoding) as personal data.
const char* ClassifyDigits(const std::string& d, bool plus, int separators) {
  const size_t n = d.size();
  auto starts = [&](std::string_view p) { return d.compare(0, p.size(), p) == 0; };
  if (n >= 13 && n <= 19 && LuhnValid(d)) return "[card]";
  if (n < 7) return nullptr;
  const bool international = plus || starts("00");
  if (international && n >= 8 && n <= 16) return "[phone]";
  if (n == 12 && (starts("995") || starts("994"))) return "[phone]";  // 995 5XX XX XX XX, 994 50 XXX XX XX
  if (n == 10 && d[0] == '0') return "[phone]";                       // 0XX XXX XX XX, 032 2XX XX XX
  if (n == 9) {
    // Georgian mobiles 5XX XX XX XX; Azerbaijani numbers without the 0.
    for (std::string_view p : {"5", "70", "77", "99", "10", "60", "12"}) {
      if (starts(p)) return "[phone]";
    }
  }
  if (n == 7 && separators >= 2) return "[phone]";  // local: 2XX XX XX, 4XX-XX-XX
  if (n == 11) return "[id]";                       // Georgian personal number
  return "[number]";
}

// The runs of digits in s (with the separators people put in phone and card
// numbers) that are long enough to identify a person: on_run(begin, end,
// mask) for each, in order.
template <typename OnRun>
void ScanDigitRuns(std::string_view s, OnRun&& on_run) {
  size_t i = 0;
  std::string digits;
  while (i < s.size()) {
    const size_t start = i;
    size_t j = i;
    const char32_t c = DecodeUtf8(s, &j);
    int v;
    const bool plus = c == '+';
    const bool open = c == '(';
    if (!(plus || open || IsDigitCp(c, &v))) {
      i = j;
      continue;
    }
    if (!plus && !open) {
      if (size_t len = DateLength(s.substr(start))) {
        i = start + len;
        continue;
      }
    }
    // Scan the run: digits, and up to two separators between digit groups.
    digits.clear();
    size_t k = plus || open ? j : start;
    size_t run_end = start;
    int pending_seps = 0, separators = 0;
    while (k < s.size()) {
      size_t next = k;
      const char32_t d = DecodeUtf8(s, &next);
      if (IsDigitCp(d, &v)) {
        digits.push_back(static_cast<char>('0' + v));
        run_end = next;
        if (pending_seps) ++separators;
        pending_seps = 0;
      } else if (IsSeparator(d) && (!digits.empty() || (open && d == ')')) && pending_seps < 2) {
        ++pending_seps;
      } else {
        break;
      }
      k = next;
    }
    if (digits.empty()) {
      i = j;
      continue;
    }
    const char* mask = ClassifyDigits(digits, plus, separators);
    const bool international = plus || digits.compare(0, 2, "00") == 0;
    if (mask && std::string_view(mask) != "[card]" && !international &&
        (CurrencyFollows(s, run_end) || CurrencyPrecedes(s, start))) {
      mask = nullptr;  // an amount
    }
    if (mask) on_run(start, run_end, mask);
    i = run_end;
  }
}

std::string MaskDigitRuns(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t copied = 0;
  ScanDigitRuns(s, [&](size_t begin, size_t end, const char* mask) {
    out.append(s.substr(copied, begin - copied)).append(mask);
    copied = end;
  });
  out.append(s.substr(copied));
  return out;
}

// Everything masked has a digit or an '@': most messages have neither.
bool MayHoldPersonalData(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if ((c >= '0' && c <= '9') || c == '@') return true;
      ++i;
      continue;
    }
    int v;
    if (IsDigitCp(DecodeUtf8(s, &i), &v)) return true;  // ٣, ３ …
  }
  return false;
}

}  // namespace

std::vector<std::string> FindPhones(std::string_view text) {
  std::vector<std::string> phones;
  if (!MayHoldPersonalData(text)) return phones;
  ScanDigitRuns(text, [&](size_t begin, size_t end, const char* mask) {
    if (std::string_view(mask) == "[phone]") phones.emplace_back(text.substr(begin, end - begin));
  });
  return phones;
}

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
  if (!MayHoldPersonalData(text)) return std::string(text);
  // Each pattern needs something cheap to look for first: most messages
  // skip most of the regular expressions.
  const size_t digits = CountDigits(re2::StringPiece(text.data(), text.size()));
  bool f = false;
  for (char c : text) f |= (c == 'f' || c == 'F');
  std::string s(text);
  if (text.find('@') != std::string_view::npos) {
    s = ReplaceAll(s, EmailRe(), [](const re2::StringPiece*) { return std::string("[email]"); });
  }
  if (digits >= 10) {
    s = ReplaceAll(s, IbanRe(), [](const re2::StringPiece* m) -> std::optional<std::string> {
      if (CountDigits(m[0]) < 10) return std::nullopt;
      return std::string("[account]");
    });
  }
  if (digits >= 7) s = ReplaceAll(s, AzIdRe(), [](const re2::StringPiece*) { return std::string("[id]"); });
  if (digits >= 1 && f) {
    s = ReplaceAll(s, FinRe(), [](const re2::StringPiece* m) -> std::optional<std::string> {
      if (CountDigits(m[2]) == 0) return std::nullopt;  // "FIN kodunu" is a word, not a code
      return std::string(m[1]) + "[id]";
    });
  }
  return MaskDigitRuns(s);
}

}  // namespace zari::log
