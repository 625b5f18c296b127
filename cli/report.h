// zari report (docs/OPERATIONS.md): unresolved-question clusters and rates from one or
// more log databases. The logic is engine/log/report.h; this is the command.
#ifndef ZARI_CLI_REPORT_H_
#define ZARI_CLI_REPORT_H_

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace zari::cli {

struct ReportCommandOptions {
  std::vector<std::string> db;
  std::string since, until, lang, pack, now;
  std::string format = "table";
  std::string csv_table = "clusters";  // --format csv: clusters or kpis
  std::string html;                    // --html FILE
  std::string suggest;                 // --suggest FILE (needs --pack)
  int64_t min_count = 1;
  int top = -1;          // -1: 30 for table and yaml, all for csv and json
  int samples = -1;      // -1: 3 for table, 5 otherwise
  double similarity = 0.4;
  bool progress = false, quiet = false;
};

// Registers the subcommand and its options on `app`.
CLI::App* AddReportCommand(CLI::App& app, ReportCommandOptions* o);
int RunReport(const ReportCommandOptions& o);

}  // namespace zari::cli

#endif  // ZARI_CLI_REPORT_H_
