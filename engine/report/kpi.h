// The report's KPIs (docs/OPERATIONS.md, KPIs): what one database adds to
// them, and the figures once every database is in. Internal to zari_report.
#ifndef ZARI_ENGINE_REPORT_KPI_H_
#define ZARI_ENGINE_REPORT_KPI_H_

#include <string>

#include "report/read.h"
#include "report/report.h"

namespace zari {
class Engine;
}

namespace zari::report {

// Moves one database's counts by time into report->activity and adds what
// is counted per database (distinct sessions are distinct within a file)
// to report->kpis.
void AddKpiInputs(DbData* d, Report* report);

// The KPIs from the totals (report->total, after AddRates) and the
// activity; `engine` (may be null) gives the opening hours.
void FinishKpis(const Engine* engine, Report* report);

// The KPIs in the report's formats (kpi_format.cc): a section of the table,
// the "kpis" object of the JSON (with every rate's numerator and
// denominator), and the same object as a YAML mapping.
void AppendKpiTable(const Report& report, std::string* out);
std::string KpisJson(const Report& report);
void AppendKpiYaml(const Report& report, std::string* out);

}  // namespace zari::report

#endif  // ZARI_ENGINE_REPORT_KPI_H_
