// Business hours (docs/PACKS.md: hours, closed): when operators are online in
// the pack's IANA time zone, and when they are back, in words of the user's
// language ("tomorrow at 09:00", "ხვალ 09:00 საათზე", "sabah saat 09:00").
#ifndef ZARI_ENGINE_CORE_HOURS_H_
#define ZARI_ENGINE_CORE_HOURS_H_

#include <cstdint>
#include <memory>
#include <string>

#include "pack/pack.h"
#include "text/lang.h"
#include "util/civil_time.h"
#include "util/status.h"

#include <unicode/utypes.h>

U_NAMESPACE_BEGIN
class TimeZone;
U_NAMESPACE_END

namespace zari {

// A local calendar day and time of day.
struct LocalTime {
  int year = 1970, month = 1, day = 1;  // civil date
  int weekday = 3;                      // 0 = Monday … 6 = Sunday
  int minute = 0;                       // since midnight
  int64_t days = 0;                     // days since 1970-01-01 (local)
};

class Schedule {
 public:
  Schedule();
  ~Schedule();
  Schedule(Schedule&&) noexcept;
  Schedule& operator=(Schedule&&) noexcept;

  // Validates the time zone with ICU and keeps the weekly ranges.
  Status Build(const pack::Hours& hours, const std::string& timezone, const pack::SourcePos& tz_pos);

  bool always_open() const { return hours_.always_open; }
  bool IsOpen(int64_t unix_seconds) const;
  // The next moment (unix seconds, >= now) operators are online; -1 if the
  // schedule has no open range at all in the next year.
  int64_t NextOpen(int64_t now) const;
  // When operators are back, for {next_open}: relative day and local time in
  // the language. `next` comes from NextOpen(now).
  std::string DescribeNextOpen(int64_t now, int64_t next, text::Lang lang) const;

  LocalTime ToLocal(int64_t unix_seconds) const;
  // Unix seconds of a local day (days since epoch) and minute.
  int64_t FromLocal(int64_t local_days, int minute) const;
  // Unix seconds of a written time: with a zone as written, without one as
  // a local time of this schedule's time zone.
  int64_t ToUnix(const IsoTime& t) const;

 private:
  bool Closed(int64_t local_days) const;
  int32_t OffsetSeconds(int64_t unix_seconds) const;

  pack::Hours hours_;
  std::unique_ptr<icu::TimeZone> tz_;
  std::string tz_id_;
};

}  // namespace zari

#endif  // ZARI_ENGINE_CORE_HOURS_H_
