#include "core/hours.h"

#include <unicode/dtfmtsym.h>
#include <unicode/locid.h>
#include <unicode/reldatefmt.h>
#include <unicode/timezone.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cstdio>

namespace zari {

namespace {

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

std::string ToUtf8(const icu::UnicodeString& s) {
  std::string out;
  s.toUTF8String(out);
  return out;
}

const char* LocaleOf(text::Lang lang) {
  switch (lang) {
    case text::Lang::kKa: return "ka";
    case text::Lang::kAz: return "az";
    default: return "en";
  }
}

// Georgian nouns take the dative -ს for "on …": ორშაბათი → ორშაბათს.
std::string GeorgianDative(std::string s) {
  static const std::string kI = "ი";
  if (s.size() >= kI.size() && s.compare(s.size() - kI.size(), kI.size(), kI) == 0) {
    s.replace(s.size() - kI.size(), kI.size(), "ს");
  } else {
    s += "ს";
  }
  return s;
}

}  // namespace

Schedule::Schedule() = default;
Schedule::~Schedule() = default;
Schedule::Schedule(Schedule&&) noexcept = default;
Schedule& Schedule::operator=(Schedule&&) noexcept = default;

Status Schedule::Build(const pack::Hours& hours, const std::string& timezone, const pack::SourcePos& tz_pos) {
  hours_ = hours;
  tz_id_ = timezone;
  tz_.reset(icu::TimeZone::createTimeZone(icu::UnicodeString::fromUTF8(timezone)));
  icu::UnicodeString id;
  if (!tz_ || tz_->getID(id) == icu::UnicodeString::fromUTF8("Etc/Unknown")) {
    return Status(Code::kPack, (tz_pos.line ? tz_pos.ToString() : std::string("pack.yaml")) + ": unknown time zone '" +
                                   timezone + "' (expected an IANA name such as Asia/Tbilisi or Asia/Baku)");
  }
  return Status::Ok();
}

int32_t Schedule::OffsetSeconds(int64_t unix_seconds) const {
  if (!tz_) return 0;
  int32_t raw = 0, dst = 0;
  UErrorCode err = U_ZERO_ERROR;
  tz_->getOffset(static_cast<UDate>(unix_seconds) * 1000.0, false, raw, dst, err);
  return U_SUCCESS(err) ? (raw + dst) / 1000 : 0;
}

LocalTime Schedule::ToLocal(int64_t t) const {
  int64_t local = t + OffsetSeconds(t);
  LocalTime lt;
  lt.days = FloorDiv(local, 86400);
  lt.minute = static_cast<int>((local - lt.days * 86400) / 60);
  CivilFromDays(lt.days, &lt.year, &lt.month, &lt.day);
  lt.weekday = static_cast<int>(((lt.days % 7) + 7 + 3) % 7);  // 1970-01-01 was a Thursday
  return lt;
}

int64_t Schedule::FromLocal(int64_t local_days, int minute) const {
  int64_t local = local_days * 86400 + static_cast<int64_t>(minute) * 60;
  // Two rounds settle the offset except inside a DST gap, where the time
  // does not exist and the later offset is as good as any.
  int64_t guess = local - OffsetSeconds(local);
  return local - OffsetSeconds(guess);
}

int64_t Schedule::ToUnix(const IsoTime& t) const {
  if (t.has_zone) return t.UnixSeconds();
  return FromLocal(t.days(), t.minute_of_day()) + t.second;
}

bool Schedule::Closed(int64_t local_days) const {
  if (hours_.closed.empty()) return false;
  int y, m, d;
  CivilFromDays(local_days, &y, &m, &d);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return std::binary_search(hours_.closed.begin(), hours_.closed.end(), std::string(buf));
}

bool Schedule::IsOpen(int64_t now) const {
  if (hours_.always_open) return true;
  LocalTime lt = ToLocal(now);
  // Ranges that started today, and overnight ranges that started yesterday.
  if (!Closed(lt.days)) {
    for (const auto& r : hours_.week[static_cast<size_t>(lt.weekday)]) {
      if (lt.minute >= r.start && lt.minute < r.end) return true;
    }
  }
  if (!Closed(lt.days - 1)) {
    for (const auto& r : hours_.week[static_cast<size_t>((lt.weekday + 6) % 7)]) {
      if (r.end > 1440 && lt.minute + 1440 < r.end) return true;
    }
  }
  return false;
}

int64_t Schedule::NextOpen(int64_t now) const {
  if (hours_.always_open) return now;
  if (IsOpen(now)) return now;
  LocalTime lt = ToLocal(now);
  for (int64_t k = 0; k <= 366; ++k) {
    int64_t day = lt.days + k;
    if (Closed(day)) continue;
    int weekday = static_cast<int>((lt.weekday + k) % 7);
    for (const auto& r : hours_.week[static_cast<size_t>(weekday)]) {
      if (k == 0 && r.start <= lt.minute) continue;
      return FromLocal(day, r.start);
    }
  }
  return -1;
}

std::string Schedule::DescribeNextOpen(int64_t now, int64_t next, text::Lang lang) const {
  if (next < 0) return "";
  LocalTime a = ToLocal(now), b = ToLocal(next);
  char clock[32];
  std::snprintf(clock, sizeof clock, "%02d:%02d", b.minute / 60, b.minute % 60);
  const int64_t delta = b.days - a.days;
  icu::Locale locale(LocaleOf(lang));
  UErrorCode err = U_ZERO_ERROR;
  std::string day;
  if (delta == 0 || delta == 1) {
    icu::RelativeDateTimeFormatter fmt(locale, err);
    icu::UnicodeString s;
    if (U_SUCCESS(err)) {
      fmt.format(delta == 0 ? UDAT_DIRECTION_THIS : UDAT_DIRECTION_NEXT, UDAT_ABSOLUTE_DAY, s, err);
    }
    day = U_SUCCESS(err) ? ToUtf8(s) : (delta == 0 ? "today" : "tomorrow");
  } else {
    icu::DateFormatSymbols syms(locale, err);
    int32_t count = 0;
    if (delta < 7) {
      const icu::UnicodeString* names =
          U_SUCCESS(err) ? syms.getWeekdays(count, icu::DateFormatSymbols::FORMAT, icu::DateFormatSymbols::WIDE) : nullptr;
      // ICU numbers weekdays 1 = Sunday … 7 = Saturday.
      int icu_day = (b.weekday + 1) % 7 + 1;
      day = names && icu_day < count ? ToUtf8(names[icu_day]) : "";
      if (lang == text::Lang::kKa) day = GeorgianDative(day);
      else if (lang == text::Lang::kEn) day = "on " + day;
    } else {
      const icu::UnicodeString* months =
          U_SUCCESS(err) ? syms.getMonths(count, icu::DateFormatSymbols::FORMAT, icu::DateFormatSymbols::WIDE) : nullptr;
      std::string month = months && b.month - 1 < count ? ToUtf8(months[b.month - 1]) : "";
      day = std::to_string(b.day) + " " + month;
      if (lang == text::Lang::kKa) day = GeorgianDative(day);
      else if (lang == text::Lang::kEn) day = "on " + day;
    }
  }
  switch (lang) {
    case text::Lang::kKa: return day + " " + clock + " საათზე";
    case text::Lang::kAz: return day + " saat " + clock;
    default: return day + " at " + clock;
  }
}

}  // namespace zari
