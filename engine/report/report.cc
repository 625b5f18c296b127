#include "report/report.h"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <map>
#include <optional>
#include <unordered_map>
#include <utility>

#include "core/engine.h"
#include "report/cluster.h"
#include "report/display.h"
#include "report/read.h"
#include "text/normalize.h"
#include "util/civil_time.h"
#include "util/numbers.h"

namespace zari::report {

double Rates::Containment() const {
  if (conversations <= 0) return -1;
  const int64_t with = std::min(handoff_conversations, conversations);
  return static_cast<double>(conversations - with) / static_cast<double>(conversations);
}

Result<Report> BuildReport(const ReportOptions& options) {
  if (options.databases.empty()) return Status(Code::kInvalid, "no log database given");
  if (!options.language.empty() && text::ParseLang(options.language) == text::Lang::kUnknown) {
    return Status(Code::kInvalid, "unknown language '" + options.language + "' (expected ka, az or en)");
  }
  if (options.since >= options.until) return Status(Code::kInvalid, "the period is empty (--since is not before --until)");
  Report report;
  report.options = options;
  std::vector<Row> rows;
  std::map<std::pair<std::string, std::string>, Rates> rates;
  for (const std::string& path : options.databases) {
    DbData d;
    Status s = ReadDatabase(path, options, &d);
    if (!s.ok()) return s;
    for (auto& r : d.rows) rows.push_back(std::move(r));
    for (const auto& h : d.handoffs) {
      report.handoffs += h.count;
      report.handoffs_by_reason[h.reason] += h.count;
      if (h.within_hours) {
        report.handoffs_within_hours += h.count;
      } else {
        report.handoffs_after_hours += h.count;
        report.after_hours_by_language[h.language] += h.count;
      }
    }
    if (d.info.has_counts) {
      report.has_rates = true;
      for (const Rates& c : d.counts) {
        Rates& r = rates[{c.language, c.channel}];
        r.language = c.language;
        r.channel = c.channel;
        r.turns += c.turns;
        r.conversations += c.conversations;
        r.answer += c.answer;
        r.clarify += c.clarify;
        r.fallback += c.fallback;
        r.handoff += c.handoff;
        r.after_hours += c.after_hours;
      }
      for (const auto& [key, n] : d.handoff_sessions) {
        Rates& r = rates[key];
        r.language = key.first;
        r.channel = key.second;
        r.handoff_conversations += n;
      }
      if (d.info.counts_since > 0 && options.since != std::numeric_limits<int64_t>::min() &&
          d.info.counts_since > options.since) {
        report.notes.push_back(path + ": turn counts start " + FormatTime(d.info.counts_since) +
                               " UTC, after the start of the period");
      }
    } else {
      report.notes.push_back(path + ": schema " + std::to_string(d.info.schema) +
                             " has no turn counts (they start with schema 3): no rates from this file");
    }
    if (d.info.dropped_rows > 0) {
      report.notes.push_back(path + ": " + GroupThousands(d.info.dropped_rows) +
                             " log rows were dropped while the database could not keep up or was unwritable");
    }
    report.databases.push_back(std::move(d.info));
  }

  // Summary of the unresolved rows.
  for (const Row& r : rows) {
    if (report.unresolved == 0 || r.first_ts < report.first_ts) report.first_ts = r.first_ts;
    report.unresolved += r.count;
    report.unresolved_by_language[r.language] += r.count;
    report.unresolved_by_action[r.action] += r.count;
    report.unresolved_by_channel[r.channel] += r.count;
    report.last_ts = std::max(report.last_ts, r.last_ts);
  }
  for (auto& [key, r] : rates) {
    report.total.turns += r.turns;
    report.total.conversations += r.conversations;
    report.total.answer += r.answer;
    report.total.clarify += r.clarify;
    report.total.fallback += r.fallback;
    report.total.handoff += r.handoff;
    report.total.after_hours += r.after_hours;
    report.total.handoff_conversations += r.handoff_conversations;
    if (r.turns > 0 || r.handoff_conversations > 0) report.rates.push_back(r);
  }
  std::stable_sort(report.rates.begin(), report.rates.end(),
                   [](const Rates& a, const Rates& b) { return a.turns > b.turns; });

  // Exact groups by normalized key.
  if (options.progress) options.progress("normalizing " + GroupThousands(static_cast<int64_t>(rows.size())) +
                                         " distinct texts");
  std::vector<Group> groups;
  std::unordered_map<std::string, size_t> by_key;
  text::Normalized n;
  for (size_t i = 0; i < rows.size(); ++i) {
    const std::string& source = rows[i].normalized.empty() ? rows[i].text : rows[i].normalized;
    Normalize(options, source, rows[i].language, &n);
    std::string key(n.BareKey());
    if (key.empty()) key = "\x01" + rows[i].text;  // nothing left to compare: keep the text apart
    auto [it, fresh] = by_key.emplace(key, groups.size());
    if (fresh) {
      Group g;
      g.key = key;
      Features(n, &g.features);
      groups.push_back(std::move(g));
    }
    Group& g = groups[it->second];
    g.rows.push_back(i);
    g.count += rows[i].count;
  }
  if (options.progress) options.progress("clustering " + GroupThousands(static_cast<int64_t>(groups.size())) +
                                         " distinct questions");
  const auto clustered = ClusterGroups(groups, options.similarity, options.progress);
  report.cluster_count = clustered.size();

  for (const auto& members : clustered) {
    Cluster c;
    c.key = groups[members[0]].key;
    if (!c.key.empty() && c.key[0] == '\x01') c.key.clear();
    std::map<std::pair<std::string, std::string>, int64_t> texts;  // (text, language) → count
    std::map<std::string, int64_t> best;
    for (size_t gi : members) {
      for (size_t ri : groups[gi].rows) {
        const Row& r = rows[ri];
        c.count += r.count;
        c.languages[r.language] += r.count;
        c.channels[r.channel] += r.count;
        c.actions[r.action] += r.count;
        if (!r.best_intent.empty()) best[r.best_intent] += r.count;
        if (c.count == r.count || r.first_ts < c.first_ts) c.first_ts = r.first_ts;
        c.last_ts = std::max(c.last_ts, r.last_ts);
        texts[{OneLine(r.text), r.language}] += r.count;
      }
    }
    for (const auto& [tl, count] : texts) c.texts.push_back({tl.first, tl.second, count});
    std::stable_sort(c.texts.begin(), c.texts.end(),
                     [](const Sample& a, const Sample& b) { return a.count > b.count; });
    c.label = c.texts.empty() ? "" : c.texts[0].text;
    for (size_t i = 0; i < c.texts.size() && c.samples.size() < options.samples; ++i) c.samples.push_back(c.texts[i]);
    int64_t best_n = 0;
    for (const auto& [intent, count] : best) {
      if (count > best_n) {
        best_n = count;
        c.logged_best = intent;
      }
    }
    report.clusters.push_back(std::move(c));
  }
  std::stable_sort(report.clusters.begin(), report.clusters.end(), [](const Cluster& a, const Cluster& b) {
    if (a.count != b.count) return a.count > b.count;
    if (a.last_ts != b.last_ts) return a.last_ts > b.last_ts;
    return a.label < b.label;
  });
  report.clusters.erase(std::remove_if(report.clusters.begin(), report.clusters.end(),
                                       [&](const Cluster& c) { return c.count < options.min_count; }),
                        report.clusters.end());
  if (options.top > 0 && report.clusters.size() > options.top) report.clusters.resize(options.top);
  if (options.engine) {
    if (options.progress) options.progress("classifying " + std::to_string(report.clusters.size()) + " clusters");
    for (Cluster& c : report.clusters) Classify(*options.engine, &c);
  }
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
