// How `zari report` shows values: numbers, UTC times, columns aligned by
// display width, one-line texts. Internal to zari_report (its formats and
// its notes).
#ifndef ZARI_ENGINE_REPORT_DISPLAY_H_
#define ZARI_ENGINE_REPORT_DISPLAY_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "report/report.h"

namespace zari::report {

std::string Percent(double share);           // 0.123 → "12.3%"
std::string Fixed(double v, int decimals);   // Fixed(0.5, 2) → "0.50"
std::string FormatTime(int64_t ts);          // "2026-11-02 08:00" (UTC)
std::string IsoTime(int64_t ts);             // "2026-11-02T08:00:00Z"

// Columns a terminal gives the text (wide characters 2, combining marks 0).
size_t DisplayWidth(std::string_view s);
// One line: newlines and tabs become spaces, invalid UTF-8 is repaired.
std::string OneLine(std::string_view s);
// At most `width` columns, "…" marking a cut.
std::string Truncate(std::string_view s, size_t width);
std::string PadRight(std::string_view s, size_t width);
std::string PadLeft(std::string_view s, size_t width);

// "  label                        value  extra\n": a line of the table's
// summary and KPI sections.
std::string SummaryLine(const std::string& label, const std::string& value, const std::string& extra);
// A CSV field: quoted (quotes doubled) when it holds a comma, a quote or a
// line break; invalid UTF-8 repaired.
std::string CsvField(std::string_view s);

// "ka 30, en 7", largest first.
std::string Breakdown(const std::map<std::string, int64_t>& m, const char* sep = ", ", const char* kv = " ");
// The report's period and, when there are questions, when they were asked.
std::string PeriodText(const Report& r);
// A cluster's languages, "ka 30, en 7".
std::string LanguagesOf(const Cluster& c);

}  // namespace zari::report

#endif  // ZARI_ENGINE_REPORT_DISPLAY_H_
