// engine/util/civil_time: civil-date arithmetic and the ISO times that
// `--now`, `zari report --since/--until` and the golden tests read.
#include <doctest/doctest.h>

#include <optional>
#include <string>

#include "util/civil_time.h"

using zari::CivilFromDays;
using zari::DaysFromCivil;
using zari::IsoTime;
using zari::ParseIsoTime;

namespace {

// Unix seconds of a string read as UTC (dates allowed), or -1 when refused.
int64_t Utc(const std::string& s) {
  const std::optional<IsoTime> t = ParseIsoTime(s, /*date_only_ok=*/true);
  return t ? t->UnixSeconds() : -1;
}

}  // namespace

TEST_CASE("civil days: epoch, leap days, centuries and dates before 1970") {
  CHECK(DaysFromCivil(1970, 1, 1) == 0);
  CHECK(DaysFromCivil(1969, 12, 31) == -1);
  CHECK(DaysFromCivil(2000, 3, 1) - DaysFromCivil(2000, 2, 28) == 2);  // 2000 is a leap year
  CHECK(DaysFromCivil(2100, 3, 1) - DaysFromCivil(2100, 2, 28) == 1);  // 2100 is not
  CHECK(DaysFromCivil(2026, 11, 25) == 20782);
  CHECK(DaysFromCivil(1, 1, 1) == -719162);
  for (int64_t day = -800000; day <= 800000; day += 997) {
    int y, m, d;
    CivilFromDays(day, &y, &m, &d);
    REQUIRE(DaysFromCivil(y, m, d) == day);
    REQUIRE(m >= 1);
    REQUIRE(m <= 12);
    REQUIRE(d >= 1);
    REQUIRE(d <= 31);
  }
  int y, m, d;
  CivilFromDays(DaysFromCivil(2024, 2, 29), &y, &m, &d);
  CHECK(y == 2024);
  CHECK(m == 2);
  CHECK(d == 29);
}

TEST_CASE("ISO times: the written forms") {
  CHECK(Utc("2026-11-01") == 1793491200);
  CHECK(Utc("2026-11-01T10:00") == 1793491200 + 10 * 3600);
  CHECK(Utc("2026-11-01 10:00") == 1793491200 + 10 * 3600);
  CHECK(Utc("2026-11-01T10:00:30") == 1793491200 + 10 * 3600 + 30);
  CHECK(Utc("2026-11-01T10:00Z") == 1793491200 + 10 * 3600);
  CHECK(Utc("2026-11-01T10:00z") == 1793491200 + 10 * 3600);
  CHECK(Utc("2026-11-01T10:00+04:00") == 1793491200 + 6 * 3600);
  CHECK(Utc("2026-11-01T10:00-03:30") == 1793491200 + 13 * 3600 + 30 * 60);
  CHECK(Utc("2026-11-01T10:00:30+04:00") == 1793491200 + 6 * 3600 + 30);
  CHECK(Utc("2026-12-31T23:59:60Z") == DaysFromCivil(2027, 1, 1) * 86400);  // a leap second

  const std::optional<IsoTime> t = ParseIsoTime("2026-11-25T11:05:07", /*date_only_ok=*/false);
  REQUIRE(t);
  CHECK(t->has_time);
  CHECK_FALSE(t->has_zone);
  CHECK(t->days() == 20782);
  CHECK(t->minute_of_day() == 11 * 60 + 5);
  CHECK(t->second == 7);

  const std::optional<IsoTime> z = ParseIsoTime("2026-11-25T11:00+04:00", /*date_only_ok=*/false);
  REQUIRE(z);
  CHECK(z->has_zone);
  CHECK(z->offset_seconds == 4 * 3600);
  const std::optional<IsoTime> date = ParseIsoTime("2026-11-25", /*date_only_ok=*/true);
  REQUIRE(date);
  CHECK_FALSE(date->has_time);
  CHECK_FALSE(date->has_zone);
}

TEST_CASE("ISO times: what is refused") {
  CHECK_FALSE(ParseIsoTime("2026-11-25", /*date_only_ok=*/false));
  for (const char* bad : {"", "x", "2026", "2026-11", "2026-13-01", "2026-00-01", "2026-11-32", "2026-11-00",
                          "2026-11-01T24:00", "2026-11-01T10:60", "2026-11-01T10:00:61", "2026-11-01T10",
                          "2026-11-01Z", "2026-11-01T10:00+4:00", "2026-11-01T10:00+04", "2026-11-01T10:00*04:00",
                          "2026-11-01T10:00+04:00 ", "2026-11-01T10:00 Z", "2026-11-01T10:00:", "2026-11-01X10:00"}) {
    CAPTURE(bad);
    CHECK(Utc(bad) == -1);
  }
}
