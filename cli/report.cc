// zari report: see report.h and docs/OPERATIONS.md.
#include "report.h"

#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iostream>

#include "common.h"
#include "core/engine.h"
#include "report/report.h"

namespace zari::cli {

namespace {

bool WriteFile(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << text;
  f.close();
  return static_cast<bool>(f);
}

// The files besides stdout: --html and --suggest.
int WriteFiles(const ReportCommandOptions& o, const report::Report& r, int64_t now) {
  if (!o.html.empty() && !WriteFile(o.html, report::FormatHtml(r, now))) {
    return Error("report: cannot write " + o.html);
  }
  if (!o.suggest.empty() && !WriteFile(o.suggest, report::FormatSuggest(r))) {
    return Error("report: cannot write " + o.suggest);
  }
  return 0;
}

}  // namespace

CLI::App* AddReportCommand(CLI::App& app, ReportCommandOptions* o) {
  CLI::App* c = app.add_subcommand("report", "unresolved-question clusters, KPIs, containment and handoff rates");
  c->add_option("--db", o->db, "log database (repeat for several servers' files)")->required();
  c->add_option("--since", o->since, "start: 7d, 24h, 90m, 2w ago, or a date 2026-11-01[T10:00][Z|+04:00] (UTC)");
  c->add_option("--until", o->until, "end (exclusive), same forms (default: now)");
  c->add_option("--lang", o->lang, "only this language: ka, az or en");
  c->add_option("--pack", o->pack, "intent pack: show each cluster's nearest intent and what it answers now");
  c->add_option("--format", o->format, "table (default), csv, json or yaml (snippets to paste into the pack)")
      ->check(CLI::IsMember({"table", "csv", "json", "yaml"}));
  c->add_option("--csv-table", o->csv_table, "with --format csv: clusters (default) or kpis")
      ->check(CLI::IsMember({"clusters", "kpis"}));
  c->add_option("--html", o->html, "also write a self-contained HTML report with charts to FILE");
  c->add_option("--suggest", o->suggest,
                "also write add_examples for the pack (needs --pack) to FILE, for review: the teaching loop");
  c->add_option("--min-count", o->min_count, "leave out clusters with fewer questions (default 1)")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 40));
  c->add_option("--top", o->top, "clusters shown (default 30 for table and yaml, all for csv, json and --suggest; 0 = all)")
      ->check(CLI::Range(0, 1 << 30));
  c->add_option("--samples", o->samples, "sample texts per cluster (default 3 in the table, 5 otherwise)")
      ->check(CLI::Range(1, 1000));
  c->add_option("--similarity", o->similarity, "near-duplicate threshold, 0..1 (default 0.4; higher = tighter clusters)")
      ->check(CLI::Range(0.0, 1.0));
  c->add_option("--now", o->now, "the time relative periods count back from (default: the clock)")
      ->group("");  // for reproducible runs and tests
  c->add_flag("--progress", o->progress, "print progress on stderr (default: only on a terminal)");
  c->add_flag("--quiet", o->quiet, "no progress on stderr");
  return c;
}

int RunReport(const ReportCommandOptions& o) {
  report::ReportOptions ro;
  ro.databases = o.db;
  ro.language = o.lang;
  if (!o.lang.empty()) {
    auto lang = ParseLangOption(o.lang);
    if (!lang) return 2;
  }
  int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  if (!o.now.empty()) {
    auto t = report::ParseReportTime(o.now, now);
    if (!t.ok()) return Error("report: --now " + t.status().message(), 2);
    now = t.value();
  }
  if (!o.since.empty()) {
    auto t = report::ParseReportTime(o.since, now);
    if (!t.ok()) return Error("report: --since " + t.status().message(), 2);
    ro.since = t.value();
  }
  if (!o.until.empty()) {
    auto t = report::ParseReportTime(o.until, now);
    if (!t.ok()) return Error("report: --until " + t.status().message(), 2);
    ro.until = t.value();
  }
  if (!o.suggest.empty() && o.pack.empty()) return Error("report: --suggest needs --pack (the intents to suggest for)", 2);
  const bool table = o.format == "table", yaml = o.format == "yaml";
  ro.min_count = o.min_count;
  // --suggest takes every cluster unless --top says otherwise.
  ro.top = o.top >= 0 ? static_cast<size_t>(o.top) : (table || yaml) && o.suggest.empty() ? 30 : 0;
  ro.samples = o.samples > 0 ? static_cast<size_t>(o.samples) : (table ? 3 : 5);
  ro.similarity = o.similarity;
  const bool progress = !o.quiet && (o.progress || ::isatty(STDERR_FILENO));
  if (progress) ro.progress = [](const std::string& m) { std::cerr << "zari report: " << m << "\n"; };
  if (!o.pack.empty()) {
    if (progress) ro.progress("loading pack " + o.pack);
    auto engine = Engine::Load(o.pack);
    if (!engine.ok()) return Error(engine.status().message());
    ro.engine = engine.value();
  }
  auto report = report::BuildReport(ro);
  if (!report.ok()) return Error("report: " + report.status().message());
  if (int rc = WriteFiles(o, report.value(), now); rc != 0) return rc;
  std::string out;
  if (table) out = report::FormatTable(report.value());
  else if (o.format == "csv" && o.csv_table == "kpis") out = report::FormatKpiCsv(report.value());
  else if (o.format == "csv") out = report::FormatCsv(report.value());
  else if (o.format == "json") out = report::FormatJson(report.value());
  else out = report::FormatYaml(report.value());
  std::cout << out;
  std::cout.flush();
  if (!std::cout) return Error("report: cannot write the output");
  return 0;
}

}  // namespace zari::cli
