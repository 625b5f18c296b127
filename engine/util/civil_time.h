// Civil (proleptic Gregorian) dates and the ISO 8601 times people type, in
// one place: business hours count days with them, and `zari chat --now`,
// `zari report --since` and the golden tests read times with ParseIsoTime.
#ifndef ZARI_ENGINE_UTIL_CIVIL_TIME_H_
#define ZARI_ENGINE_UTIL_CIVIL_TIME_H_

#include <cstdint>
#include <optional>
#include <string_view>

namespace zari {

// Days since 1970-01-01 for a civil date, and back (Howard Hinnant's
// algorithms: exact for every date, no time zone library).
int64_t DaysFromCivil(int64_t y, int m, int d);
void CivilFromDays(int64_t days, int* y, int* m, int* d);

// A date and time as written, before any time zone is applied.
struct IsoTime {
  int year = 1970, month = 1, day = 1;
  int hour = 0, minute = 0, second = 0;
  bool has_time = false;   // a time of day was written (else midnight)
  bool has_zone = false;   // "Z" or an offset was written: an instant
  int offset_seconds = 0;  // east of UTC: "+04:00" is 14400

  int64_t days() const { return DaysFromCivil(year, month, day); }
  int minute_of_day() const { return hour * 60 + minute; }
  // The written wall time read as UTC, less the written offset (if any).
  int64_t UnixSeconds() const;
};

// Reads "YYYY-MM-DD", "YYYY-MM-DDTHH:MM", "YYYY-MM-DD HH:MM", each time with
// optional ":SS", and then "Z"/"z" or "±HH:MM". A date alone is accepted
// only when `date_only_ok`. Nothing is read after the zone. Returns nullopt
// for anything else or a field out of range (month 1-12, day 1-31, hour
// 0-23, minute 0-59, second 0-60).
std::optional<IsoTime> ParseIsoTime(std::string_view text, bool date_only_ok);

}  // namespace zari

#endif  // ZARI_ENGINE_UTIL_CIVIL_TIME_H_
