#include "util/civil_time.h"

#include <cstdio>
#include <string>

namespace zari {

int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = static_cast<unsigned>((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1);
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t days, int* y, int* m, int* d) {
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t yy = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = static_cast<int>(yy + (*m <= 2));
}

int64_t IsoTime::UnixSeconds() const {
  return days() * 86400 + static_cast<int64_t>(minute_of_day()) * 60 + second - offset_seconds;
}

namespace {

// The time of day after the date: "THH:MM" or " HH:MM", then ":SS".
// Returns the rest of the text, or nullopt when it is malformed.
std::optional<std::string> ReadTimeOfDay(const std::string& rest, IsoTime* t) {
  int n = 0;
  if (std::sscanf(rest.c_str(), "T%2d:%2d%n", &t->hour, &t->minute, &n) != 2 &&
      std::sscanf(rest.c_str(), " %2d:%2d%n", &t->hour, &t->minute, &n) != 2) {
    return std::nullopt;
  }
  t->has_time = true;
  std::string after = rest.substr(static_cast<size_t>(n));
  if (!after.empty() && after[0] == ':') {
    if (std::sscanf(after.c_str(), ":%2d%n", &t->second, &n) != 1) return std::nullopt;
    after = after.substr(static_cast<size_t>(n));
  }
  return after;
}

// "", "Z", "z" or "±HH:MM" after the time.
bool ReadZone(const std::string& rest, IsoTime* t) {
  if (rest.empty()) return true;
  t->has_zone = true;
  if (rest == "Z" || rest == "z") return true;
  int oh = 0, om = 0;
  char sign = 0;
  if (rest.size() != 6 || std::sscanf(rest.c_str(), "%c%2d:%2d", &sign, &oh, &om) != 3 ||
      (sign != '+' && sign != '-')) {
    return false;
  }
  t->offset_seconds = (sign == '+' ? 1 : -1) * (oh * 60 + om) * 60;
  return true;
}

}  // namespace

std::optional<IsoTime> ParseIsoTime(std::string_view text, bool date_only_ok) {
  const std::string s(text);  // sscanf needs the terminating NUL
  IsoTime t;
  int consumed = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2d%n", &t.year, &t.month, &t.day, &consumed) != 3) return std::nullopt;
  std::string rest = s.substr(static_cast<size_t>(consumed));
  if (!rest.empty()) {
    auto after = ReadTimeOfDay(rest, &t);
    if (!after) return std::nullopt;
    rest = std::move(*after);
  }
  if (!t.has_time && !date_only_ok) return std::nullopt;
  if (t.month < 1 || t.month > 12 || t.day < 1 || t.day > 31 || t.hour < 0 || t.hour > 23 || t.minute < 0 ||
      t.minute > 59 || t.second < 0 || t.second > 60) {
    return std::nullopt;
  }
  if (!ReadZone(rest, &t)) return std::nullopt;
  return t;
}

}  // namespace zari
