#include "report/display.h"

#include <unicode/uchar.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <limits>
#include <utility>
#include <vector>

#include "util/utf8.h"

namespace zari::report {
namespace {

// ts as UTC in a strftime format, or the number when it is out of range.
std::string FormatUtc(int64_t ts, const char* format) {
  const time_t t = static_cast<time_t>(ts);
  struct tm tm;
  if (!gmtime_r(&t, &tm)) return std::to_string(ts);
  char buf[32];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

// Columns a terminal gives a code point: 0 for combining marks and format
// characters, 2 for East Asian wide and full-width ones, else 1.
int CodePointWidth(char32_t c) {
  const auto cp = static_cast<UChar32>(c);
  const int8_t type = u_charType(cp);
  if (type == U_NON_SPACING_MARK || type == U_ENCLOSING_MARK || type == U_FORMAT_CHAR) return 0;
  if (c < 0x20) return 0;
  const int ea = u_getIntPropertyValue(cp, UCHAR_EAST_ASIAN_WIDTH);
  if (ea == U_EA_WIDE || ea == U_EA_FULLWIDTH) return 2;
  return 1;
}

}  // namespace

std::string Percent(double share) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", share * 100);
  return buf;
}

std::string Fixed(double v, int decimals) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string SummaryLine(const std::string& label, const std::string& value, const std::string& extra) {
  return "  " + PadRight(label, 24) + PadLeft(value, 10) + (extra.empty() ? "" : "  " + extra) + "\n";
}

std::string CsvField(std::string_view s) {
  std::string v = zari::SanitizeUtf8(s);
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string q = "\"";
  for (char c : v) {
    if (c == '"') q += "\"\"";
    else q += c;
  }
  return q + "\"";
}

std::string FormatTime(int64_t ts) { return FormatUtc(ts, "%Y-%m-%d %H:%M"); }

std::string IsoTime(int64_t ts) { return FormatUtc(ts, "%Y-%m-%dT%H:%M:%SZ"); }

size_t DisplayWidth(std::string_view s) {
  size_t w = 0, i = 0;
  while (i < s.size()) w += static_cast<size_t>(CodePointWidth(zari::DecodeUtf8(s, &i)));
  return w;
}

// One line: newlines and tabs become spaces, invalid UTF-8 is repaired.
std::string OneLine(std::string_view s) {
  std::string out = zari::SanitizeUtf8(s);
  for (char& c : out) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return out;
}

// At most `width` columns, "…" marking a cut.
std::string Truncate(std::string_view s, size_t width) {
  if (DisplayWidth(s) <= width) return std::string(s);
  std::string out;
  size_t w = 0, i = 0;
  while (i < s.size()) {
    size_t j = i;
    const int cw = CodePointWidth(zari::DecodeUtf8(s, &j));
    if (w + static_cast<size_t>(cw) + 1 > width) break;
    out.append(s.substr(i, j - i));
    w += static_cast<size_t>(cw);
    i = j;
  }
  return out + "…";
}

std::string PadRight(std::string_view s, size_t width) {
  std::string out(s);
  const size_t w = DisplayWidth(s);
  if (w < width) out.append(width - w, ' ');
  return out;
}

std::string PadLeft(std::string_view s, size_t width) {
  const size_t w = DisplayWidth(s);
  return (w < width ? std::string(width - w, ' ') : std::string()) + std::string(s);
}

// "ka 30, en 7", largest first.
std::string Breakdown(const std::map<std::string, int64_t>& m, const char* sep, const char* kv) {
  std::vector<std::pair<std::string, int64_t>> v(m.begin(), m.end());
  std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string out;
  for (const auto& [k, n] : v) {
    if (!out.empty()) out += sep;
    out += (k.empty() ? "?" : k) + kv + std::to_string(n);
  }
  return out;
}

std::string PeriodText(const Report& r) {
  const auto& o = r.options;
  const bool open_start = o.since == std::numeric_limits<int64_t>::min();
  const bool open_end = o.until == std::numeric_limits<int64_t>::max();
  std::string s;
  if (open_start && open_end) {
    s = "all time";
  } else {
    s = (open_start ? std::string("…") : FormatTime(o.since)) + " → " + (open_end ? std::string("now") : FormatTime(o.until)) +
        " UTC";
  }
  if (r.unresolved > 0) s += " (questions from " + FormatTime(r.first_ts) + " to " + FormatTime(r.last_ts) + ")";
  return s;
}

std::string LanguagesOf(const Cluster& c) { return Breakdown(c.languages); }

}  // namespace zari::report
