#include "report/report.h"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <map>
#include <optional>
#include <utility>

#include "core/engine.h"
#include "report/cluster.h"
#include "report/display.h"
#include "report/kpi.h"
#include "report/read.h"
#include "text/lang.h"
#include "util/civil_time.h"
#include "util/numbers.h"

namespace zari::report {

double Rates::Containment() const {
  if (conversations <= 0) return -1;
  const int64_t with = std::min(handoff_conversations, conversations);
  return static_cast<double>(conversations - with) / static_cast<double>(conversations);
}

namespace {

using RatesByKey = std::map<std::pair<std::string, std::string>, Rates>;  // (language, channel)

Status CheckOptions(const ReportOptions& options) {
  if (options.databases.empty()) return Status(Code::kInvalid, "no log database given");
  if (!options.language.empty() && text::ParseLang(options.language) == text::Lang::kUnknown) {
    return Status(Code::kInvalid, "unknown language '" + options.language + "' (expected ka, az or en)");
  }
  if (options.since >= options.until) return Status(Code::kInvalid, "the period is empty (--since is not before --until)");
  return Status::Ok();
}

// The turn counters, without the conversations with a handoff (counted
// from the handoffs table, not the counters).
void AddTurnCounts(const Rates& from, Rates* to) {
  to->turns += from.turns;
  to->conversations += from.conversations;
  to->answer += from.answer;
  to->clarify += from.clarify;
  to->fallback += from.fallback;
  to->handoff += from.handoff;
  to->after_hours += from.after_hours;
}

Rates& RatesOf(const std::string& language, const std::string& channel, RatesByKey* rates) {
  Rates& r = (*rates)[{language, channel}];
  r.language = language;
  r.channel = channel;
  return r;
}

void AddHandoffs(const std::vector<HandoffGroup>& handoffs, Report* report) {
  for (const auto& h : handoffs) {
    report->handoffs += h.count;
    report->handoffs_by_reason[h.reason] += h.count;
    if (h.within_hours) {
      report->handoffs_within_hours += h.count;
    } else {
      report->handoffs_after_hours += h.count;
      report->after_hours_by_language[h.language] += h.count;
    }
  }
}

// One database's handoffs, turn counts and caveats; its rows stay in `d`.
void AddDatabase(const std::string& path, const ReportOptions& options, DbData* d, Report* report,
                 RatesByKey* rates) {
  AddHandoffs(d->handoffs, report);
  if (d->info.has_counts) {
    report->has_rates = true;
    for (const Rates& c : d->counts) AddTurnCounts(c, &RatesOf(c.language, c.channel, rates));
    for (const auto& [key, n] : d->handoff_sessions) RatesOf(key.first, key.second, rates).handoff_conversations += n;
    if (d->info.counts_since > 0 && options.since != std::numeric_limits<int64_t>::min() &&
        d->info.counts_since > options.since) {
      report->notes.push_back(path + ": turn counts start " + FormatTime(d->info.counts_since) +
                              " UTC, after the start of the period");
    }
  } else {
    report->notes.push_back(path + ": schema " + std::to_string(d->info.schema) +
                            " has no turn counts (they start with schema 3): no rates from this file");
  }
  if (d->info.dropped_rows > 0) {
    report->notes.push_back(path + ": " + GroupThousands(d->info.dropped_rows) +
                            " log rows were dropped while the database could not keep up or was unwritable");
  }
  report->databases.push_back(std::move(d->info));
}

// The summary of the unresolved rows.
void AddRows(const std::vector<Row>& rows, Report* report) {
  for (const Row& r : rows) {
    if (report->unresolved == 0 || r.first_ts < report->first_ts) report->first_ts = r.first_ts;
    report->unresolved += r.count;
    report->unresolved_by_language[r.language] += r.count;
    report->unresolved_by_action[r.action] += r.count;
    report->unresolved_by_channel[r.channel] += r.count;
    report->last_ts = std::max(report->last_ts, r.last_ts);
  }
}

// The total and the rows by language and channel, most messages first.
void AddRates(const RatesByKey& rates, Report* report) {
  for (const auto& [key, r] : rates) {
    AddTurnCounts(r, &report->total);
    report->total.handoff_conversations += r.handoff_conversations;
    if (r.turns > 0 || r.handoff_conversations > 0) report->rates.push_back(r);
  }
  std::stable_sort(report->rates.begin(), report->rates.end(),
                   [](const Rates& a, const Rates& b) { return a.turns > b.turns; });
}

// Largest first; then min_count and top; then, with a pack, the nearest intents.
void RankClusters(const ReportOptions& options, std::vector<Cluster>* clusters) {
  std::stable_sort(clusters->begin(), clusters->end(), [](const Cluster& a, const Cluster& b) {
    if (a.count != b.count) return a.count > b.count;
    if (a.last_ts != b.last_ts) return a.last_ts > b.last_ts;
    return a.label < b.label;
  });
  clusters->erase(std::remove_if(clusters->begin(), clusters->end(),
                                 [&](const Cluster& c) { return c.count < options.min_count; }),
                  clusters->end());
  if (options.top > 0 && clusters->size() > options.top) clusters->resize(options.top);
  if (options.engine) {
    if (options.progress) options.progress("classifying " + std::to_string(clusters->size()) + " clusters");
    for (Cluster& c : *clusters) Classify(*options.engine, &c);
  }
}

}  // namespace

Result<Report> BuildReport(const ReportOptions& options) {
  if (Status s = CheckOptions(options); !s.ok()) return s;
  Report report;
  report.options = options;
  std::vector<Row> rows;
  RatesByKey rates;
  for (const std::string& path : options.databases) {
    DbData d;
    Status s = ReadDatabase(path, options, &d);
    if (!s.ok()) return s;
    for (auto& r : d.rows) rows.push_back(std::move(r));
    AddKpiInputs(&d, &report);
    AddDatabase(path, options, &d, &report, &rates);
  }
  AddRows(rows, &report);
  AddRates(rates, &report);
  FinishKpis(options.engine.get(), &report);

  if (options.progress) options.progress("normalizing " + GroupThousands(static_cast<int64_t>(rows.size())) +
                                         " distinct texts");
  const std::vector<Group> groups = GroupRows(rows, options);
  if (options.progress) options.progress("clustering " + GroupThousands(static_cast<int64_t>(groups.size())) +
                                         " distinct questions");
  const auto clustered = ClusterGroups(groups, options.similarity, options.progress);
  report.cluster_count = clustered.size();
  for (const auto& members : clustered) report.clusters.push_back(MakeCluster(members, groups, rows, options.samples));
  RankClusters(options, &report.clusters);
  return report;
}

Result<int64_t> ParseReportTime(const std::string& value, int64_t now) {
  auto bad = [&] {
    return Status(Code::kInvalid, "'" + value +
                                      "': expected a duration (7d, 24h, 90m, 2w) or a date (2026-11-01,"
                                      " 2026-11-01T10:00, 2026-11-01T10:00+04:00)");
  };
  if (value.empty()) return bad();
  // Durations.
  {
    char unit = 0;
    long long n = 0;
    int consumed = 0;
    if (std::sscanf(value.c_str(), "%lld%c%n", &n, &unit, &consumed) == 2 &&
        static_cast<size_t>(consumed) == value.size() && n >= 0 && n < 100000) {
      int64_t seconds;
      switch (unit) {
        case 'm': seconds = 60; break;
        case 'h': seconds = 3600; break;
        case 'd': seconds = 86400; break;
        case 'w': seconds = 7 * 86400; break;
        default: return bad();
      }
      return now - n * seconds;
    }
  }
  // A date or a time without a zone is UTC.
  const std::optional<zari::IsoTime> t = ParseIsoTime(value, /*date_only_ok=*/true);
  if (t) return t->UnixSeconds();
  return bad();
}

}  // namespace zari::report
