// Business hours: open/closed, the next opening, and how it is said in each language.
#include <doctest/doctest.h>

#include "core/hours.h"

using zari::DaysFromCivil;
using zari::Schedule;
using zari::pack::Hours;
using zari::pack::TimeRange;
using zari::text::Lang;

namespace {

// Unix seconds of a UTC wall time.
int64_t Utc(int y, int mo, int d, int h, int mi) { return DaysFromCivil(y, mo, d) * 86400 + (h * 60 + mi) * 60; }

// Mon–Fri 09:00–20:00, Sat 10:00–14:00 and 15:00–18:00, Fri overnight 22:00–02:00.
Schedule Tbilisi(std::vector<std::string> closed = {}) {
  Hours h;
  h.always_open = false;
  for (int d = 0; d < 5; ++d) h.week[d] = {{9 * 60, 20 * 60}};
  h.week[4].push_back({22 * 60, 26 * 60});
  h.week[5] = {{10 * 60, 14 * 60}, {15 * 60, 18 * 60}};
  h.closed = std::move(closed);
  Schedule s;
  REQUIRE(s.Build(h, "Asia/Tbilisi", {}).ok());
  return s;
}

// Tbilisi is UTC+4 all year.
int64_t Local(int y, int mo, int d, int h, int mi) { return Utc(y, mo, d, h, mi) - 4 * 3600; }

}  // namespace

TEST_CASE("civil dates round-trip") {
  for (int64_t day : {-1000LL, 0LL, 365LL, 20000LL, 20782LL}) {
    int y, m, d;
    zari::CivilFromDays(day, &y, &m, &d);
    CHECK(DaysFromCivil(y, m, d) == day);
  }
  CHECK(DaysFromCivil(2026, 11, 25) == 20782);
}

TEST_CASE("an unknown time zone is a pack error naming it") {
  Schedule s;
  zari::pack::SourcePos pos{"pack.yaml", 5, 11};
  auto st = s.Build(Hours(), "Asia/Atlantis", pos);
  REQUIRE_FALSE(st.ok());
  CHECK(st.message() == "pack.yaml:5:11: unknown time zone 'Asia/Atlantis' (expected an IANA name such as Asia/Tbilisi or Asia/Baku)");
}

TEST_CASE("no hours means always open") {
  Schedule s;
  REQUIRE(s.Build(Hours(), "UTC", {}).ok());
  CHECK(s.IsOpen(Utc(2026, 11, 29, 3, 0)));
  CHECK(s.NextOpen(123) == 123);
}

TEST_CASE("weekday, weekend, several ranges a day") {
  Schedule s = Tbilisi();
  CHECK(s.ToLocal(Local(2026, 11, 25, 11, 0)).weekday == 2);  // a Wednesday
  CHECK(s.IsOpen(Local(2026, 11, 25, 9, 0)));
  CHECK(s.IsOpen(Local(2026, 11, 25, 19, 59)));
  CHECK_FALSE(s.IsOpen(Local(2026, 11, 25, 20, 0)));
  CHECK_FALSE(s.IsOpen(Local(2026, 11, 25, 8, 59)));
  // Saturday has a lunch break.
  CHECK(s.IsOpen(Local(2026, 11, 28, 13, 30)));
  CHECK_FALSE(s.IsOpen(Local(2026, 11, 28, 14, 30)));
  CHECK(s.NextOpen(Local(2026, 11, 28, 14, 30)) == Local(2026, 11, 28, 15, 0));
  // Sunday closed: Saturday evening → Monday morning.
  CHECK_FALSE(s.IsOpen(Local(2026, 11, 29, 12, 0)));
  CHECK(s.NextOpen(Local(2026, 11, 28, 23, 30)) == Local(2026, 11, 30, 9, 0));
  // Weekday evening → next morning.
  CHECK(s.NextOpen(Local(2026, 11, 25, 21, 0)) == Local(2026, 11, 26, 9, 0));
  // Early morning → today.
  CHECK(s.NextOpen(Local(2026, 11, 25, 7, 0)) == Local(2026, 11, 25, 9, 0));
}

TEST_CASE("an overnight range belongs to the day it starts") {
  Schedule s = Tbilisi();
  CHECK(s.IsOpen(Local(2026, 11, 27, 23, 0)));   // Friday 23:00
  CHECK(s.IsOpen(Local(2026, 11, 28, 1, 30)));   // Saturday 01:30, still Friday's range
  CHECK_FALSE(s.IsOpen(Local(2026, 11, 28, 2, 0)));
  CHECK(s.NextOpen(Local(2026, 11, 27, 21, 0)) == Local(2026, 11, 27, 22, 0));
  CHECK(s.NextOpen(Local(2026, 11, 28, 3, 0)) == Local(2026, 11, 28, 10, 0));
}

TEST_CASE("closed dates are skipped") {
  Schedule s = Tbilisi({"2026-12-31", "2027-01-01"});
  CHECK_FALSE(s.IsOpen(Local(2026, 12, 31, 12, 0)));
  // Wednesday evening before two closed days (Thu, Fri) and a Saturday.
  CHECK(s.NextOpen(Local(2026, 12, 30, 20, 30)) == Local(2027, 1, 2, 10, 0));
}

TEST_CASE("daylight saving time is the zone's business, not ours") {
  Hours h;
  h.always_open = false;
  for (int d = 0; d < 7; ++d) h.week[d] = {{9 * 60, 17 * 60}};
  Schedule berlin;
  REQUIRE(berlin.Build(h, "Europe/Berlin", {}).ok());
  // 09:00 in Berlin is 07:00 UTC in summer, 08:00 UTC in winter.
  CHECK(berlin.IsOpen(Utc(2026, 7, 1, 7, 0)));
  CHECK_FALSE(berlin.IsOpen(Utc(2026, 12, 1, 7, 0)));
  CHECK(berlin.NextOpen(Utc(2026, 12, 1, 6, 0)) == Utc(2026, 12, 1, 8, 0));
  CHECK(berlin.NextOpen(Utc(2026, 7, 1, 6, 0)) == Utc(2026, 7, 1, 7, 0));
}

TEST_CASE("when operators are back, in Georgian, Azerbaijani and English") {
  Schedule s = Tbilisi({"2026-12-31", "2027-01-01"});
  const int64_t wed_night = Local(2026, 11, 25, 21, 0);
  const int64_t sat_night = Local(2026, 11, 28, 23, 30);
  const int64_t early = Local(2026, 11, 25, 7, 0);
  auto say = [&](int64_t now, Lang l) { return s.DescribeNextOpen(now, s.NextOpen(now), l); };
  CHECK(say(early, Lang::kEn) == "today at 09:00");
  CHECK(say(wed_night, Lang::kEn) == "tomorrow at 09:00");
  CHECK(say(sat_night, Lang::kEn) == "on Monday at 09:00");
  CHECK(say(early, Lang::kKa) == "დღეს 09:00 საათზე");
  CHECK(say(wed_night, Lang::kKa) == "ხვალ 09:00 საათზე");
  CHECK(say(sat_night, Lang::kKa) == "ორშაბათს 09:00 საათზე");
  CHECK(say(early, Lang::kAz) == "bu gün saat 09:00");
  CHECK(say(wed_night, Lang::kAz) == "sabah saat 09:00");
  CHECK(say(sat_night, Lang::kAz) == "bazar ertəsi saat 09:00");
  // More than a week away: the date.
  Hours h;
  h.always_open = false;
  h.week[0] = {{9 * 60, 10 * 60}};
  h.closed = {"2026-11-30", "2026-12-07"};
  Schedule rare;
  REQUIRE(rare.Build(h, "Asia/Tbilisi", {}).ok());
  const int64_t now = Local(2026, 11, 25, 12, 0);
  CHECK(rare.DescribeNextOpen(now, rare.NextOpen(now), Lang::kEn) == "on 14 December at 09:00");
  CHECK(rare.DescribeNextOpen(now, rare.NextOpen(now), Lang::kKa) == "14 დეკემბერს 09:00 საათზე");
  CHECK(rare.DescribeNextOpen(now, rare.NextOpen(now), Lang::kAz) == "14 dekabr saat 09:00");
}
