// The unresolved-query report (docs/OPERATIONS.md; `zari report`): reads one or
// more log databases (one per server) read-only, groups the questions the
// bot could not answer into clusters, and computes containment, fallback
// and handoff rates from the turn counters.
//
// Clusters. Every stored question is normalized again (its language
// forced) and grouped by its normalized key; groups whose example-matcher
// features (match/features.h: words, stems, bigrams, character n-grams) have
// a cosine similarity of at least `similarity` with a larger group's are
// merged into it (leader clustering, largest first). With an engine, each
// cluster's texts are classified again to name the nearest intent (mean
// score over its texts, weighted by count) and to notice questions the
// current pack already answers.
//
// Rates (docs/OPERATIONS.md defines them): messages and conversations come
// from turn_counts (schema 3; hourly buckets whose start lies in the
// period); a conversation "had a handoff" when its session id appears in
// `handoffs` in the period; containment = conversations without a handoff
// / conversations. Databases older than schema 3 give clusters and handoff
// figures but no rates.
//
// The reader never writes: older schemas are read as they are (no
// migration), a newer schema is refused with a clear error.
#ifndef ZARI_ENGINE_REPORT_REPORT_H_
#define ZARI_ENGINE_REPORT_REPORT_H_

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "util/status.h"

namespace zari {
class Engine;
}

namespace zari::report {

struct ReportOptions {
  std::vector<std::string> databases;
  int64_t since = std::numeric_limits<int64_t>::min();  // unix seconds, inclusive
  int64_t until = std::numeric_limits<int64_t>::max();  // exclusive
  std::string language;                // "" = all, else "ka", "az", "en"
  std::shared_ptr<const Engine> engine;  // the pack (--pack): nearest intents
  int64_t min_count = 1;               // clusters with fewer questions are left out
  size_t top = 0;                      // clusters kept (0 = all)
  double similarity = 0.4;             // near-duplicate threshold (cosine, 0..1)
  size_t samples = 5;                  // sample texts kept per cluster
  std::function<void(const std::string&)> progress;  // long runs: one line per step
};

struct DatabaseInfo {
  std::string path;
  int schema = 0;
  int64_t unresolved = 0, handoffs = 0;  // rows in the period
  int64_t dropped_rows = 0;              // log_meta.dropped_rows (whole file)
  bool has_counts = false;               // schema ≥ 3
  bool has_feedback = false;             // schema ≥ 4
  bool has_takeovers = false;            // the operator takeover's table
  int64_t feedback = 0;                  // feedback rows in the period
  int64_t counts_since = 0;              // when counting began (0: unknown)
  std::vector<std::string> packs;        // pack names seen in the period
};

struct Sample {
  std::string text;      // as stored (redacted)
  std::string language;
  int64_t count = 0;
};

struct Cluster {
  std::string label;     // the most frequent text
  std::string key;       // the normalized key of the cluster's largest group
  int64_t count = 0;
  int64_t first_ts = 0, last_ts = 0;
  std::map<std::string, int64_t> languages, channels, actions;
  std::vector<Sample> samples;   // distinct texts, most frequent first (up to ReportOptions::samples)
  std::vector<Sample> texts;     // every distinct text, most frequent first (for YAML)
  // With an engine:
  std::string nearest_intent;    // "" = none
  double nearest_score = 0;
  std::string nearest_where;     // file:line:col of the intent
  std::string answered_by;       // the intent that now answers most of these, if any
  double answered_share = 0;     // share of the cluster's questions answered now
  std::string logged_best;       // the most common best intent when it was logged
};

struct Rates {
  std::string language, channel;  // "" in the total row
  int64_t turns = 0, conversations = 0;
  int64_t answer = 0, clarify = 0, fallback = 0, handoff = 0, after_hours = 0;
  int64_t handoff_conversations = 0;  // distinct sessions with a handoff
  double Share(int64_t n) const { return turns ? static_cast<double>(n) / static_cast<double>(turns) : 0; }
  // Conversations without a handoff / conversations (0..1); -1 when unknown.
  double Containment() const;
};

// A share with what it is made of: numerator / denominator. Unknown (value
// -1, JSON null) when the denominator is 0 or cannot be counted (no turn
// counts; no pack for opening hours).
struct Ratio {
  int64_t numerator = 0, denominator = 0;
  bool known = true;
  double value() const {
    return known && denominator > 0 ? static_cast<double>(numerator) / static_cast<double>(denominator) : -1;
  }
};

// The answers to one feedback question: how many gave each value.
struct Answers {
  std::map<int, int64_t> by_value;
  int64_t responses() const;
  double Average() const;                         // -1 without answers
  Ratio Between(int lowest, int highest) const;   // answers in [lowest, highest] / responses
};

struct IntentHelpful {
  std::string intent;   // "" = answers before any answer of the bot
  Answers answers;      // 0 no, 1 yes
};

struct OperatorKpis {
  std::string operator_id;
  int64_t conversations = 0;  // distinct sessions the operator took over in the period
  Answers csat;               // CSAT answers given after the operator joined (the latest operator of the session)
};

// What support teams judge a bot by (docs/OPERATIONS.md, KPIs, defines each).
struct Kpis {
  bool has_conversations = false;  // some database had turn counts
  int64_t conversations = 0;
  Ratio containment;               // conversations without a handoff / conversations
  Ratio escalation;                // conversations with a handoff / conversations
  std::map<std::string, Ratio> escalation_by_reason;  // requested, intent, misses
  Ratio confirmed_resolution;      // conversations with positive feedback and no handoff / conversations
  Ratio outside_hours;             // conversations begun while operators were offline / conversations
  bool has_feedback = false;       // some database had the feedback table (schema 4)
  Answers helpful, csat, ces, nps;
  std::vector<IntentHelpful> helpful_by_intent;  // the least helpful first
  bool has_takeovers = false;      // some database had the takeovers table
  std::vector<OperatorKpis> operators;           // most conversations first
  double Nps() const;              // 100 × (promoters − detractors) / answers; NaN-free: 0 without answers
};

// Counts by time for the HTML report's charts (and the KPIs above).
struct HandoffEvent {
  std::string session;  // "" = no id (each such row is a conversation of its own)
  int64_t ts = 0;
  std::string reason;
  bool within_hours = true;
};
struct FeedbackCount {
  std::string kind;   // helpful, csat, ces, nps
  int value = 0;
  int64_t hour = 0;   // unix hours
  int64_t count = 0;
};
struct Activity {
  std::map<int64_t, int64_t> conversations_by_hour;  // unix hour → conversations begun
  std::vector<HandoffEvent> handoffs;
  std::vector<FeedbackCount> feedback;
};

struct Report {
  ReportOptions options;
  std::vector<DatabaseInfo> databases;
  int64_t first_ts = 0, last_ts = 0;   // of the unresolved rows read
  int64_t unresolved = 0;
  std::map<std::string, int64_t> unresolved_by_language, unresolved_by_action, unresolved_by_channel;
  int64_t handoffs = 0, handoffs_within_hours = 0, handoffs_after_hours = 0;
  std::map<std::string, int64_t> handoffs_by_reason, after_hours_by_language;
  bool has_rates = false;              // some database had turn counts
  Rates total;
  std::vector<Rates> rates;            // per language and channel, most turns first
  size_t cluster_count = 0;            // before min_count/top
  std::vector<Cluster> clusters;       // ranked, after min_count/top
  std::vector<std::string> notes;      // caveats worth printing
  Kpis kpis;
  Activity activity;
};

// Reads the databases and builds the report. Errors: a missing file, a file
// that is not a Zari log, a newer schema, an unreadable database.
Result<Report> BuildReport(const ReportOptions& options);

// Output formats (docs/OPERATIONS.md). All UTF-8; the table aligns by display width.
std::string FormatTable(const Report& report);
std::string FormatCsv(const Report& report);
std::string FormatJson(const Report& report);
// The KPIs as CSV, one row per figure: kpi, group, value, numerator,
// denominator, responses, average (`zari report --format csv --csv-table kpis`).
std::string FormatKpiCsv(const Report& report);
// Paste-ready YAML: `kpis` (as in the JSON), `add_examples` (cluster texts
// for the nearest existing intent, when its score reaches the pack's suggest
// threshold, as the pack loader reads it) and `intents` (skeletons for the
// other clusters: id, title, examples per language, answer placeholders),
// in the pack format of docs/PACKS.md. Clusters the current pack already
// answers are listed in a comment only.
std::string FormatYaml(const Report& report);

// `--suggest`: a pack file of `add_examples:` (docs/PACKS.md) for a person to
// review — each cluster under its nearest intent when the score reaches
// the pack's suggest threshold, the other clusters in comments as
// candidates for new intents, with counts and dates — that passes `zari
// check` when placed in the pack (examples check would refuse are left
// out). REQUIRES: report.options.engine.
std::string FormatSuggest(const Report& report);
// `--html`: one self-contained HTML page with the KPIs and SVG charts
// (docs/OPERATIONS.md, The HTML report). `generated` is the time it says it
// was made (unix seconds).
std::string FormatHtml(const Report& report, int64_t generated);

// "7d", "24h", "90m", "2w" (relative to `now`), "2026-11-01" (UTC midnight),
// "2026-11-01T10:00[:SS][Z|±HH:MM]" (UTC unless an offset is given).
Result<int64_t> ParseReportTime(const std::string& value, int64_t now);

}  // namespace zari::report

#endif  // ZARI_ENGINE_REPORT_REPORT_H_
