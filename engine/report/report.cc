#include "report/report.h"

#include <sqlite3.h>
#include <sys/stat.h>
#include <unicode/uchar.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <set>
#include <unordered_map>

#include "core/engine.h"
#include "log/log_store.h"
#include "match/features.h"
#include "text/normalize.h"
#include "util/civil_time.h"
#include "util/numbers.h"
#include "util/utf8.h"
#include "util/json_writer.h"

namespace zari::report {
namespace {

// ---- small helpers ------------------------------------------------------------

std::string Percent(double share) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", share * 100);
  return buf;
}

std::string Fixed(double v, int decimals) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// "2026-11-02 08:00" (UTC).
std::string FormatTime(int64_t ts) {
  const time_t t = static_cast<time_t>(ts);
  struct tm tm;
  if (!gmtime_r(&t, &tm)) return std::to_string(ts);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
  return buf;
}

// "2026-11-02T08:00:00Z".
std::string IsoTime(int64_t ts) {
  const time_t t = static_cast<time_t>(ts);
  struct tm tm;
  if (!gmtime_r(&t, &tm)) return std::to_string(ts);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Columns a terminal gives a code point: 0 for combining marks and format
// characters, 2 for East Asian wide and full-width ones, else 1.
int CodePointWidth(char32_t c) {
  const auto cp = static_cast<UChar32>(c);
  const int8_t type = u_charType(cp);
  if (type == U_NON_SPACING_MARK || type == U_ENCLOSING_MARK || type == U_FORMAT_CHAR) return 0;
  if (c < 0x20) return 0;
  const int ea = u_getIntPropertyValue(cp, UCHAR_EAST_ASIAN_WIDTH);
  if (ea == U_EA_WIDE || ea == U_EA_FULLWIDTH) return 2;
  return 1;
}

size_t DisplayWidth(std::string_view s) {
  size_t w = 0, i = 0;
  while (i < s.size()) w += static_cast<size_t>(CodePointWidth(zari::DecodeUtf8(s, &i)));
  return w;
}

// One line: newlines and tabs become spaces, invalid UTF-8 is repaired.
std::string OneLine(std::string_view s) {
  std::string out = zari::SanitizeUtf8(s);
  for (char& c : out) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return out;
}

// At most `width` columns, "…" marking a cut.
std::string Truncate(std::string_view s, size_t width) {
  if (DisplayWidth(s) <= width) return std::string(s);
  std::string out;
  size_t w = 0, i = 0;
  while (i < s.size()) {
    size_t j = i;
    const int cw = CodePointWidth(zari::DecodeUtf8(s, &j));
    if (w + static_cast<size_t>(cw) + 1 > width) break;
    out.append(s.substr(i, j - i));
    w += static_cast<size_t>(cw);
    i = j;
  }
  return out + "…";
}

std::string PadRight(std::string_view s, size_t width) {
  std::string out(s);
  const size_t w = DisplayWidth(s);
  if (w < width) out.append(width - w, ' ');
  return out;
}

std::string PadLeft(std::string_view s, size_t width) {
  const size_t w = DisplayWidth(s);
  return (w < width ? std::string(width - w, ' ') : std::string()) + std::string(s);
}

// "ka 30, en 7", largest first.
std::string Breakdown(const std::map<std::string, int64_t>& m, const char* sep = ", ", const char* kv = " ") {
  std::vector<std::pair<std::string, int64_t>> v(m.begin(), m.end());
  std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string out;
  for (const auto& [k, n] : v) {
    if (!out.empty()) out += sep;
    out += (k.empty() ? "?" : k) + kv + std::to_string(n);
  }
  return out;
}

// ---- reading ------------------------------------------------------------------

struct Db {
  sqlite3* db = nullptr;
  ~Db() { sqlite3_close_v2(db); }
};

class Query {
 public:
  Query(sqlite3* db, const std::string& sql) : db_(db) {
    prepared_ = sqlite3_prepare_v2(db, sql.c_str(), -1, &st_, nullptr) == SQLITE_OK;
  }
  ~Query() { sqlite3_finalize(st_); }
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;
  bool ok() const { return prepared_; }
  std::string error() const { return sqlite3_errmsg(db_); }
  void Bind(int i, int64_t v) { sqlite3_bind_int64(st_, i, v); }
  void Bind(int i, const std::string& v) {
    sqlite3_bind_text(st_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  // Returns true for a row; false at the end or on error (see done()).
  bool Step() {
    rc_ = sqlite3_step(st_);
    return rc_ == SQLITE_ROW;
  }
  bool done() const { return rc_ == SQLITE_DONE; }
  std::string Text(int i) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st_, i));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(st_, i))) : std::string();
  }
  int64_t Int(int i) const { return sqlite3_column_int64(st_, i); }
  double Real(int i) const { return sqlite3_column_double(st_, i); }

 private:
  sqlite3* db_;
  sqlite3_stmt* st_ = nullptr;
  bool prepared_ = false;
  int rc_ = SQLITE_OK;
};

bool HasTable(sqlite3* db, const char* name) {
  Query q(db, std::string("SELECT 1 FROM sqlite_master WHERE type='table' AND name='") + name + "'");
  return q.ok() && q.Step();
}

bool HasColumn(sqlite3* db, const char* table, const char* column) {
  Query q(db, std::string("PRAGMA table_info(") + table + ")");
  while (q.ok() && q.Step()) {
    if (q.Text(1) == column) return true;
  }
  return false;
}

// One stored question with how often it occurs (rows grouped in SQL).
struct Row {
  std::string language, channel, action, text, normalized, best_intent;
  int64_t count = 0, first_ts = 0, last_ts = 0;
};

struct HandoffGroup {
  std::string language, channel, reason;
  bool within_hours = true;
  int64_t count = 0;
};

struct DbData {
  DatabaseInfo info;
  std::vector<Row> rows;
  std::vector<HandoffGroup> handoffs;
  // (language, channel) → distinct sessions with a handoff
  std::map<std::pair<std::string, std::string>, int64_t> handoff_sessions;
  std::vector<Rates> counts;  // one per (language, channel, action) row, folded below
};

Status ReadDatabase(const std::string& path, const ReportOptions& o, DbData* out) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return Status(Code::kNotFound, path + ": no such file");
  if (S_ISDIR(st.st_mode)) return Status(Code::kInvalid, path + ": is a directory, not a log database");
  Db db;
  if (sqlite3_open_v2(path.c_str(), &db.db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    return Status(Code::kIo, path + ": cannot open: " + (db.db ? sqlite3_errmsg(db.db) : "out of memory"));
  }
  sqlite3_busy_timeout(db.db, 5000);
  auto not_zari = [&](const std::string& why) {
    return Status(Code::kInvalid, path + ": not a Zari log database (" + why + ")");
  };
  int64_t version = 0, app = 0;
  {
    Query q(db.db, "PRAGMA user_version");
    if (!q.ok() || !q.Step()) return not_zari(q.error());
    version = q.Int(0);
  }
  {
    Query q(db.db, "PRAGMA application_id");
    if (q.ok() && q.Step()) app = q.Int(0);
  }
  if (app != 0 && app != log::kApplicationId) return not_zari("another application's file");
  if (version > log::kSchemaVersion) {
    return Status(Code::kInvalid, path + ": log schema version " + std::to_string(version) +
                                      " is newer than this zari reads (" + std::to_string(log::kSchemaVersion) +
                                      "); use a newer zari");
  }
  if (!HasTable(db.db, "unresolved") || !HasColumn(db.db, "unresolved", "normalized")) {
    return not_zari("no unresolved table");
  }
  DatabaseInfo& info = out->info;
  info.path = path;
  info.schema = static_cast<int>(std::max<int64_t>(version, 1));
  const bool has_action = HasColumn(db.db, "unresolved", "action");
  const bool has_handoffs = HasTable(db.db, "handoffs");
  info.has_counts = HasTable(db.db, "turn_counts");
  if (HasTable(db.db, "log_meta")) {
    Query q(db.db, "SELECT key, value FROM log_meta WHERE key IN ('dropped_rows', 'counts_since')");
    while (q.ok() && q.Step()) {
      if (q.Text(0) == "dropped_rows") info.dropped_rows = q.Int(1);
      else info.counts_since = q.Int(1);
    }
  }
  const std::string lang_filter = o.language.empty() ? "" : " AND language = ?3";
  auto bind = [&](Query& q) {
    q.Bind(1, o.since);
    q.Bind(2, o.until);
    if (!o.language.empty()) q.Bind(3, o.language);
  };
  if (o.progress) {
    Query q(db.db, "SELECT count(*) FROM unresolved WHERE ts >= ?1 AND ts < ?2" + lang_filter);
    if (q.ok()) {
      bind(q);
      if (q.Step()) o.progress("reading " + path + ": " + GroupThousands(q.Int(0)) + " unresolved questions");
    }
  }
  {
    Query q(db.db, std::string("SELECT coalesce(language, ''), coalesce(channel, ''), ") +
                       (has_action ? "coalesce(action, 'fallback')" : "'fallback'") +
                       ", text, normalized, count(*), min(ts), max(ts), max(coalesce(best_intent, ''))"
                       " FROM unresolved WHERE ts >= ?1 AND ts < ?2" + lang_filter +
                       " GROUP BY 1, 2, 3, 4, 5");
    if (!q.ok()) return Status(Code::kIo, path + ": " + q.error());
    bind(q);
    while (q.Step()) {
      Row r;
      r.language = q.Text(0);
      r.channel = q.Text(1);
      r.action = q.Text(2);
      r.text = q.Text(3);
      r.normalized = q.Text(4);
      r.count = q.Int(5);
      r.first_ts = q.Int(6);
      r.last_ts = q.Int(7);
      r.best_intent = q.Text(8);
      info.unresolved += r.count;
      out->rows.push_back(std::move(r));
    }
    if (!q.done()) return Status(Code::kIo, path + ": " + q.error());
  }
  {
    Query q(db.db, "SELECT DISTINCT coalesce(pack, '') FROM unresolved WHERE ts >= ?1 AND ts < ?2" + lang_filter +
                       " LIMIT 20");
    if (q.ok()) {
      bind(q);
      while (q.Step()) {
        if (!q.Text(0).empty()) info.packs.push_back(q.Text(0));
      }
    }
  }
  if (has_handoffs) {
    Query q(db.db, "SELECT coalesce(language, ''), coalesce(channel, ''), reason, within_hours, count(*)"
                   " FROM handoffs WHERE ts >= ?1 AND ts < ?2" + lang_filter + " GROUP BY 1, 2, 3, 4");
    if (!q.ok()) return Status(Code::kIo, path + ": " + q.error());
    bind(q);
    while (q.Step()) {
      out->handoffs.push_back({q.Text(0), q.Text(1), q.Text(2), q.Int(3) != 0, q.Int(4)});
      info.handoffs += q.Int(4);
    }
    // Conversations with a handoff: distinct session ids; rows without an id
    // count one conversation each.
    Query s(db.db, "SELECT coalesce(language, ''), coalesce(channel, ''),"
                   " count(DISTINCT CASE WHEN coalesce(session, '') <> '' THEN session END)"
                   " + sum(CASE WHEN coalesce(session, '') = '' THEN 1 ELSE 0 END)"
                   " FROM handoffs WHERE ts >= ?1 AND ts < ?2" + lang_filter + " GROUP BY 1, 2");
    if (!s.ok()) return Status(Code::kIo, path + ": " + s.error());
    bind(s);
    while (s.Step()) out->handoff_sessions[{s.Text(0), s.Text(1)}] += s.Int(2);
  }
  if (info.has_counts) {
    // Hourly buckets whose start lies in [since, until).
    const int64_t first_hour = o.since == std::numeric_limits<int64_t>::min()
                                   ? std::numeric_limits<int64_t>::min()
                                   : (o.since >= 0 ? (o.since + 3599) / 3600 : o.since / 3600);
    const int64_t end_hour = o.until == std::numeric_limits<int64_t>::max()
                                 ? std::numeric_limits<int64_t>::max()
                                 : (o.until >= 0 ? (o.until + 3599) / 3600 : o.until / 3600);
    Query q(db.db, "SELECT language, channel, action, sum(turns), sum(conversations) FROM turn_counts"
                   " WHERE hour >= ?1 AND hour < ?2" + lang_filter + " GROUP BY 1, 2, 3");
    if (!q.ok()) return Status(Code::kIo, path + ": " + q.error());
    q.Bind(1, first_hour);
    q.Bind(2, end_hour);
    if (!o.language.empty()) q.Bind(3, o.language);
    while (q.Step()) {
      Rates r;
      r.language = q.Text(0);
      r.channel = q.Text(1);
      const std::string action = q.Text(2);
      const int64_t n = q.Int(3);
      r.turns = n;
      r.conversations = q.Int(4);
      if (action == "answer") r.answer = n;
      else if (action == "clarify") r.clarify = n;
      else if (action == "fallback") r.fallback = n;
      else if (action == "handoff") r.handoff = n;
      else if (action == "after_hours") r.after_hours = n;
      out->counts.push_back(r);
    }
  }
  return Status::Ok();
}

// ---- clustering ---------------------------------------------------------------

struct Group {
  std::string key;                 // normalized key (exact grouping)
  std::vector<size_t> rows;        // indices into all rows
  int64_t count = 0;
  std::vector<match::Feature> features;  // unit length, sorted by hash
};

void Normalize(const ReportOptions& o, const std::string& s, const std::string& language, text::Normalized* n) {
  const text::Lang lang = text::ParseLang(language);
  if (o.engine) {
    o.engine->Normalize(s, lang, text::Lang::kUnknown, n);
  } else {
    text::NormalizeOptions no;
    no.forced = lang;
    text::Normalize(s, no, n);
  }
}

void Features(const text::Normalized& n, std::vector<match::Feature>* out) {
  out->clear();
  match::ExtractFeatures(n, match::FeatureOptions{}, out);
  std::sort(out->begin(), out->end(), [](const auto& a, const auto& b) { return a.hash < b.hash; });
  // Merge repeats; then unit length.
  size_t w = 0;
  for (size_t r = 0; r < out->size(); ++r) {
    if (w > 0 && (*out)[w - 1].hash == (*out)[r].hash) {
      (*out)[w - 1].weight += (*out)[r].weight;
    } else {
      (*out)[w++] = (*out)[r];
    }
  }
  out->resize(w);
  double norm = 0;
  for (const auto& f : *out) norm += static_cast<double>(f.weight) * f.weight;
  norm = std::sqrt(norm);
  if (norm > 0) {
    for (auto& f : *out) f.weight = static_cast<float>(f.weight / norm);
  }
}

double Cosine(const std::vector<match::Feature>& a, const std::vector<match::Feature>& b) {
  double dot = 0;
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i].hash < b[j].hash) ++i;
    else if (a[i].hash > b[j].hash) ++j;
    else dot += static_cast<double>(a[i++].weight) * b[j++].weight;
  }
  return dot;
}

// Leader clustering over the groups, largest first: each group joins the
// most similar leader at or above the threshold, or leads a new cluster.
// Candidates come from an inverted index of the leaders' features; very
// common features (in more than kMaxPosting leaders) only count in the
// exact cosine of the best candidates.
std::vector<std::vector<size_t>> ClusterGroups(const std::vector<Group>& groups, double threshold,
                                               const std::function<void(const std::string&)>& progress) {
  constexpr size_t kMaxPosting = 2000;
  constexpr size_t kCandidates = 8;
  std::vector<size_t> order(groups.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (groups[a].count != groups[b].count) return groups[a].count > groups[b].count;
    return groups[a].key < groups[b].key;
  });
  std::vector<std::vector<size_t>> clusters;   // group indices; [0] is the leader
  std::unordered_map<uint64_t, std::vector<std::pair<uint32_t, float>>> index;
  std::vector<float> partial;
  std::vector<uint32_t> touched;
  size_t done = 0;
  for (size_t gi : order) {
    const Group& g = groups[gi];
    if (progress && ++done % 20000 == 0) {
      progress("clustering: " + GroupThousands(static_cast<int64_t>(done)) + " of " +
               GroupThousands(static_cast<int64_t>(groups.size())) + " distinct questions");
    }
    partial.resize(clusters.size(), 0.0f);
    touched.clear();
    for (const auto& f : g.features) {
      auto it = index.find(f.hash);
      if (it == index.end() || it->second.size() > kMaxPosting) continue;
      for (const auto& [leader, w] : it->second) {
        if (partial[leader] == 0.0f) touched.push_back(leader);
        partial[leader] += f.weight * w;
      }
    }
    std::sort(touched.begin(), touched.end(), [&](uint32_t a, uint32_t b) {
      return partial[a] != partial[b] ? partial[a] > partial[b] : a < b;
    });
    int64_t best = -1;
    double best_score = threshold;
    for (size_t k = 0; k < touched.size() && k < kCandidates; ++k) {
      const uint32_t leader = touched[k];
      const double s = Cosine(g.features, groups[clusters[leader][0]].features);
      if (s >= best_score) {
        best_score = s;
        best = leader;
      }
    }
    for (uint32_t t : touched) partial[t] = 0.0f;
    if (best >= 0) {
      clusters[static_cast<size_t>(best)].push_back(gi);
    } else {
      const auto id = static_cast<uint32_t>(clusters.size());
      clusters.push_back({gi});
      for (const auto& f : g.features) index[f.hash].push_back({id, f.weight});
    }
  }
  return clusters;
}

// The intent a cluster's questions are closest to, and whether the current
// pack already answers them.
void Classify(const Engine& e, Cluster* c) {
  constexpr size_t kMaxTexts = 30;
  std::map<int32_t, double> score;
  std::map<int32_t, int64_t> answered;
  int64_t weight = 0;
  Reply r;
  for (size_t i = 0; i < c->texts.size() && i < kMaxTexts; ++i) {
    const Sample& s = c->texts[i];
    e.Classify(s.text, text::ParseLang(s.language), &r);
    weight += s.count;
    for (size_t k = 0; k < r.candidate_count; ++k) {
      score[r.candidates[k].intent] += static_cast<double>(r.candidates[k].score) * static_cast<double>(s.count);
    }
    if (r.action == Action::kAnswer && r.intent >= 0) answered[r.intent] += s.count;
  }
  if (weight == 0) return;
  int32_t best = -1;
  double best_score = 0;
  for (const auto& [intent, sum] : score) {
    if (intent >= 0 && sum > best_score) {
      best = intent;
      best_score = sum;
    }
  }
  if (best >= 0) {
    c->nearest_intent = e.intent(best).id;
    c->nearest_score = best_score / static_cast<double>(weight);
    c->nearest_where = e.intent(best).pos.ToString();
  }
  int32_t top = -1;
  int64_t top_n = 0, all = 0;
  for (const auto& [intent, n] : answered) {
    all += n;
    if (n > top_n) {
      top = intent;
      top_n = n;
    }
  }
  c->answered_share = static_cast<double>(all) / static_cast<double>(weight);
  if (top >= 0 && c->answered_share >= 0.5) c->answered_by = e.intent(top).id;
}

}  // namespace

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

// ---- formats --------------------------------------------------------------------

namespace {

std::string PeriodText(const Report& r) {
  const auto& o = r.options;
  const bool open_start = o.since == std::numeric_limits<int64_t>::min();
  const bool open_end = o.until == std::numeric_limits<int64_t>::max();
  std::string s;
  if (open_start && open_end) {
    s = "all time";
  } else {
    s = (open_start ? std::string("…") : FormatTime(o.since)) + " → " + (open_end ? std::string("now") : FormatTime(o.until)) +
        " UTC";
  }
  if (r.unresolved > 0) s += " (questions from " + FormatTime(r.first_ts) + " to " + FormatTime(r.last_ts) + ")";
  return s;
}

std::string LanguagesOf(const Cluster& c) { return Breakdown(c.languages); }

}  // namespace

std::string FormatTable(const Report& r) {
  std::string out;
  auto line = [&](const std::string& s) { out += s + "\n"; };
  line("Zari unresolved-query report");
  line("  period:     " + PeriodText(r));
  line("  languages:  " + (r.options.language.empty() ? std::string("all") : r.options.language));
  for (const auto& d : r.databases) {
    std::string s = "  database:   " + d.path + "  (schema " + std::to_string(d.schema) + ", " +
                    GroupThousands(d.unresolved) + " unresolved, " + GroupThousands(d.handoffs) + " handoffs";
    if (!d.packs.empty()) {
      s += ", pack ";
      for (size_t i = 0; i < d.packs.size(); ++i) s += (i ? ", " : "") + d.packs[i];
    }
    line(s + ")");
  }
  line("");
  line("Summary");
  const Rates& t = r.total;
  auto row = [&](const std::string& label, const std::string& value, const std::string& extra = "") {
    line("  " + PadRight(label, 24) + PadLeft(value, 10) + (extra.empty() ? "" : "  " + extra));
  };
  if (r.has_rates) {
    row("messages", GroupThousands(t.turns), "in " + GroupThousands(t.conversations) + " conversations");
    row("answered", GroupThousands(t.answer), Percent(t.Share(t.answer)));
    row("clarify", GroupThousands(t.clarify), Percent(t.Share(t.clarify)));
    row("fallback", GroupThousands(t.fallback), Percent(t.Share(t.fallback)));
    row("handoff (in hours)", GroupThousands(t.handoff), Percent(t.Share(t.handoff)));
    row("after hours", GroupThousands(t.after_hours), Percent(t.Share(t.after_hours)));
    const double c = t.Containment();
    row("containment", c < 0 ? "n/a" : Percent(c),
        c < 0 ? "" : "of conversations without a handoff (" + GroupThousands(t.conversations - std::min(t.handoff_conversations, t.conversations)) + " of " +
                         GroupThousands(t.conversations) + ")");
  } else {
    row("messages", "n/a", "no turn counts (schema < 3)");
  }
  row("unresolved questions", GroupThousands(r.unresolved), Breakdown(r.unresolved_by_action));
  row("handoffs", GroupThousands(r.handoffs),
      "in hours " + GroupThousands(r.handoffs_within_hours) + ", after hours " + GroupThousands(r.handoffs_after_hours) +
          (r.handoffs_by_reason.empty() ? "" : "; " + Breakdown(r.handoffs_by_reason)));
  if (r.handoffs_after_hours > 0) row("after-hours requests", GroupThousands(r.handoffs_after_hours), Breakdown(r.after_hours_by_language));
  for (const auto& n : r.notes) line("  note: " + n);

  if (r.has_rates && !r.rates.empty()) {
    line("");
    line("By language and channel");
    const std::vector<std::string> head = {"language", "channel", "messages", "convs", "answered", "clarify",
                                           "fallback", "handoff", "after hours", "containment"};
    std::vector<std::vector<std::string>> cells;
    for (const Rates& x : r.rates) {
      const double c = x.Containment();
      cells.push_back({x.language.empty() ? "?" : x.language, x.channel.empty() ? "?" : OneLine(x.channel),
                       GroupThousands(x.turns), GroupThousands(x.conversations), Percent(x.Share(x.answer)),
                       Percent(x.Share(x.clarify)), Percent(x.Share(x.fallback)), Percent(x.Share(x.handoff)),
                       Percent(x.Share(x.after_hours)), c < 0 ? "n/a" : Percent(c)});
    }
    std::vector<size_t> width(head.size());
    for (size_t i = 0; i < head.size(); ++i) width[i] = DisplayWidth(head[i]);
    for (const auto& rowc : cells) {
      for (size_t i = 0; i < rowc.size(); ++i) width[i] = std::max(width[i], DisplayWidth(rowc[i]));
    }
    auto print = [&](const std::vector<std::string>& v) {
      std::string s = " ";
      for (size_t i = 0; i < v.size(); ++i) {
        s.push_back(' ');
        s.append(i < 2 ? PadRight(v[i], width[i]) : PadLeft(v[i], width[i]));
      }
      while (!s.empty() && s.back() == ' ') s.pop_back();
      line(s);
    };
    print(head);
    for (const auto& rowc : cells) print(rowc);
  }

  line("");
  std::string title = "Unresolved questions: " + GroupThousands(static_cast<int64_t>(r.cluster_count)) + " clusters";
  if (r.clusters.size() < r.cluster_count) {
    title += " (showing " + std::to_string(r.clusters.size());
    if (r.options.min_count > 1) title += " with at least " + std::to_string(r.options.min_count) + " questions";
    title += ")";
  }
  line(title);
  if (r.clusters.empty()) {
    line("  (none)");
    return out;
  }
  const bool pack = r.options.engine != nullptr;
  size_t wn = 1, wc = 5, wl = 9, wi = 14;
  for (size_t i = 0; i < r.clusters.size(); ++i) {
    const Cluster& c = r.clusters[i];
    wn = std::max(wn, std::to_string(i + 1).size());
    wc = std::max(wc, GroupThousands(c.count).size());
    wl = std::max(wl, DisplayWidth(LanguagesOf(c)));
    if (pack) wi = std::max(wi, DisplayWidth(c.nearest_intent.empty() ? "-" : c.nearest_intent + " 0.00"));
  }
  std::string head = "  " + PadLeft("#", wn) + "  " + PadLeft("count", wc) + "  " + PadRight("languages", wl) + "  ";
  if (pack) head += PadRight("nearest intent", wi) + "  ";
  line(head + "question");
  const size_t text_width = 72;
  for (size_t i = 0; i < r.clusters.size(); ++i) {
    const Cluster& c = r.clusters[i];
    std::string s = "  " + PadLeft(std::to_string(i + 1), wn) + "  " + PadLeft(GroupThousands(c.count), wc) + "  " +
                    PadRight(LanguagesOf(c), wl) + "  ";
    if (pack) {
      s += PadRight(c.nearest_intent.empty() ? "-" : c.nearest_intent + " " + Fixed(c.nearest_score, 2), wi) + "  ";
    }
    line(s + Truncate(c.label, text_width));
    const size_t indent = 2 + wn + 2 + wc + 2;
    if (!c.answered_by.empty()) {
      line(std::string(indent, ' ') + "now answered by '" + c.answered_by + "' (" + Percent(c.answered_share) + ")");
    }
    for (size_t k = 1; k < c.samples.size(); ++k) {
      line(std::string(indent, ' ') + "· " + Truncate(c.samples[k].text, text_width) +
           (c.samples[k].count > 1 ? "  ×" + GroupThousands(c.samples[k].count) : ""));
    }
    if (c.texts.size() > c.samples.size()) {
      const size_t more = c.texts.size() - c.samples.size();
      line(std::string(indent, ' ') + "  … " + GroupThousands(static_cast<int64_t>(more)) +
           (more == 1 ? " more variant" : " more variants"));
    }
  }
  return out;
}

std::string FormatCsv(const Report& r) {
  auto field = [](const std::string& s) {
    std::string v = zari::SanitizeUtf8(s);
    if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
    std::string q = "\"";
    for (char c : v) {
      if (c == '"') q += "\"\"";
      else q += c;
    }
    return q + "\"";
  };
  std::string out =
      "rank,count,languages,channels,actions,first_seen,last_seen,question,samples,variants,"
      "nearest_intent,nearest_score,answered_now_by,logged_best_intent\r\n";
  for (size_t i = 0; i < r.clusters.size(); ++i) {
    const Cluster& c = r.clusters[i];
    std::string samples;
    for (const Sample& s : c.samples) {
      if (!samples.empty()) samples += " | ";
      samples += s.text;
    }
    std::vector<std::string> v = {std::to_string(i + 1),
                                  std::to_string(c.count),
                                  Breakdown(c.languages, " ", ":"),
                                  Breakdown(c.channels, " ", ":"),
                                  Breakdown(c.actions, " ", ":"),
                                  IsoTime(c.first_ts),
                                  IsoTime(c.last_ts),
                                  c.label,
                                  samples,
                                  std::to_string(c.texts.size()),
                                  c.nearest_intent,
                                  c.nearest_intent.empty() ? "" : Fixed(c.nearest_score, 4),
                                  c.answered_by,
                                  c.logged_best};
    for (size_t k = 0; k < v.size(); ++k) {
      if (k) out.push_back(',');
      out.append(field(v[k]));
    }
    out += "\r\n";
  }
  return out;
}

std::string FormatJson(const Report& r) {
  std::string out;
  json::Writer w(&out);
  auto counts = [&](const std::map<std::string, int64_t>& m) {
    w.BeginObject();
    for (const auto& [k, v] : m) w.Key(zari::SanitizeUtf8(k)).Int(v);
    w.EndObject();
  };
  auto rates = [&](const Rates& x) {
    w.Key("messages").Int(x.turns);
    w.Key("conversations").Int(x.conversations);
    w.Key("answer").Int(x.answer);
    w.Key("clarify").Int(x.clarify);
    w.Key("fallback").Int(x.fallback);
    w.Key("handoff").Int(x.handoff);
    w.Key("after_hours").Int(x.after_hours);
    w.Key("conversations_with_handoff").Int(x.handoff_conversations);
    w.Key("answer_rate").Number(x.Share(x.answer));
    w.Key("fallback_rate").Number(x.Share(x.fallback));
    w.Key("clarify_rate").Number(x.Share(x.clarify));
    w.Key("handoff_rate").Number(x.Share(x.handoff));
    w.Key("after_hours_rate").Number(x.Share(x.after_hours));
    const double c = x.Containment();
    w.Key("containment");
    if (c < 0) w.Null();
    else w.Number(c);
  };
  const auto& o = r.options;
  w.BeginObject();
  w.Key("period").BeginObject();
  w.Key("since");
  if (o.since == std::numeric_limits<int64_t>::min()) w.Null();
  else w.String(IsoTime(o.since));
  w.Key("until");
  if (o.until == std::numeric_limits<int64_t>::max()) w.Null();
  else w.String(IsoTime(o.until));
  w.Key("first_question");
  if (r.unresolved) w.String(IsoTime(r.first_ts));
  else w.Null();
  w.Key("last_question");
  if (r.unresolved) w.String(IsoTime(r.last_ts));
  else w.Null();
  w.EndObject();
  w.Key("language");
  if (o.language.empty()) w.Null();
  else w.String(o.language);
  w.Key("databases").BeginArray();
  for (const auto& d : r.databases) {
    w.BeginObject();
    w.Key("path").String(zari::SanitizeUtf8(d.path));
    w.Key("schema").Int(d.schema);
    w.Key("unresolved").Int(d.unresolved);
    w.Key("handoffs").Int(d.handoffs);
    w.Key("dropped_rows").Int(d.dropped_rows);
    w.Key("turn_counts").Bool(d.has_counts);
    w.Key("packs").BeginArray();
    for (const auto& p : d.packs) w.String(zari::SanitizeUtf8(p));
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.Key("summary").BeginObject();
  w.Key("unresolved").Int(r.unresolved);
  w.Key("unresolved_by_language");
  counts(r.unresolved_by_language);
  w.Key("unresolved_by_action");
  counts(r.unresolved_by_action);
  w.Key("unresolved_by_channel");
  counts(r.unresolved_by_channel);
  w.Key("handoffs").Int(r.handoffs);
  w.Key("handoffs_within_hours").Int(r.handoffs_within_hours);
  w.Key("handoffs_after_hours").Int(r.handoffs_after_hours);
  w.Key("handoffs_by_reason");
  counts(r.handoffs_by_reason);
  w.Key("after_hours_by_language");
  counts(r.after_hours_by_language);
  w.Key("rates");
  if (r.has_rates) {
    w.BeginObject();
    rates(r.total);
    w.EndObject();
  } else {
    w.Null();
  }
  w.EndObject();
  w.Key("rates").BeginArray();
  for (const Rates& x : r.rates) {
    w.BeginObject();
    w.Key("language").String(x.language);
    w.Key("channel").String(zari::SanitizeUtf8(x.channel));
    rates(x);
    w.EndObject();
  }
  w.EndArray();
  w.Key("cluster_count").Int(static_cast<long long>(r.cluster_count));
  w.Key("clusters").BeginArray();
  for (size_t i = 0; i < r.clusters.size(); ++i) {
    const Cluster& c = r.clusters[i];
    w.BeginObject();
    w.Key("rank").Int(static_cast<long long>(i + 1));
    w.Key("count").Int(c.count);
    w.Key("question").String(c.label);
    w.Key("key").String(zari::SanitizeUtf8(c.key));
    w.Key("languages");
    counts(c.languages);
    w.Key("channels");
    counts(c.channels);
    w.Key("actions");
    counts(c.actions);
    w.Key("first_seen").String(IsoTime(c.first_ts));
    w.Key("last_seen").String(IsoTime(c.last_ts));
    w.Key("variants").Int(static_cast<long long>(c.texts.size()));
    w.Key("samples").BeginArray();
    for (const Sample& s : c.samples) {
      w.BeginObject();
      w.Key("text").String(s.text);
      w.Key("language").String(s.language);
      w.Key("count").Int(s.count);
      w.EndObject();
    }
    w.EndArray();
    w.Key("nearest_intent");
    if (c.nearest_intent.empty()) {
      w.Null();
    } else {
      w.BeginObject();
      w.Key("id").String(c.nearest_intent);
      w.Key("score").Number(c.nearest_score);
      w.Key("where").String(zari::SanitizeUtf8(c.nearest_where));
      w.EndObject();
    }
    w.Key("answered_now_by");
    if (c.answered_by.empty()) w.Null();
    else w.String(c.answered_by);
    w.Key("answered_now_share").Number(c.answered_share);
    w.Key("logged_best_intent");
    if (c.logged_best.empty()) w.Null();
    else w.String(c.logged_best);
    w.EndObject();
  }
  w.EndArray();
  w.Key("notes").BeginArray();
  for (const auto& n : r.notes) w.String(zari::SanitizeUtf8(n));
  w.EndArray();
  w.EndObject();
  out += "\n";
  return out;
}

namespace {

// A YAML double-quoted scalar.
std::string YamlString(std::string_view s) {
  std::string v = zari::SanitizeUtf8(s);
  std::string out = "\"";
  for (unsigned char c : v) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  return out + "\"";
}

std::string YamlComment(std::string_view s) { return OneLine(s); }

bool HasPlaceholder(std::string_view s) {
  for (std::string_view p : {"[card]", "[phone]", "[email]", "[id]", "[account]", "[number]"}) {
    if (s.find(p) != std::string_view::npos) return true;
  }
  return false;
}

// The cluster's texts per language, as pack examples: distinct, most
// frequent first, texts with masked personal data only when nothing else.
std::map<std::string, std::vector<std::string>> ExamplesByLanguage(const Cluster& c, const std::string& fallback_lang,
                                                                   size_t per_language) {
  std::map<std::string, std::vector<std::string>> out;
  for (int pass = 0; pass < 2; ++pass) {
    for (const Sample& s : c.texts) {
      if ((pass == 0) == HasPlaceholder(s.text)) continue;
      std::string lang = text::ParseLang(s.language) == text::Lang::kUnknown ? fallback_lang : s.language;
      auto& list = out[lang];
      if (list.size() >= per_language) continue;
      if (pass == 1 && !list.empty()) continue;
      if (std::find(list.begin(), list.end(), s.text) == list.end()) list.push_back(s.text);
    }
  }
  return out;
}

// "todo_3_balance_check": an id from the cluster's lossy ASCII key.
std::string SuggestId(const Cluster& c, size_t rank) {
  std::string id = "todo_" + std::to_string(rank);
  size_t words = 0;
  std::string word;
  auto flush = [&] {
    if (!word.empty() && words < 4) {
      id += "_" + word;
      ++words;
    }
    word.clear();
  };
  for (char ch : c.key) {
    if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) {
      if (word.size() < 16) word.push_back(ch);
    } else {
      flush();
    }
  }
  flush();
  return id;
}

}  // namespace

std::string FormatYaml(const Report& r) {
  const auto& o = r.options;
  std::vector<std::string> pack_langs;
  std::string default_lang = "en";
  double assign_threshold = 0.2;
  if (o.engine) {
    for (text::Lang l : o.engine->pack().languages) pack_langs.emplace_back(text::LangCode(l));
    default_lang = std::string(text::LangCode(o.engine->pack().DefaultLanguage()));
    // Close enough that the bot would already offer the intent as a choice.
    assign_threshold = o.engine->suggest_threshold();
  }
  std::string out;
  out += "# zari report: " + GroupThousands(static_cast<int64_t>(r.cluster_count)) + " clusters of unresolved questions, " +
         YamlComment(PeriodText(r)) + "\n";
  out += "# Review every line: these are customers' messages (personal data masked).\n";
  out += "# add_examples: paste each list under `examples:` of the named intent.\n";
  out += "# intents: name each new intent, write its answers, move it into a pack file.\n";
  std::string add, skeletons, skipped;
  size_t add_n = 0, new_n = 0;
  for (size_t i = 0; i < r.clusters.size(); ++i) {
    const Cluster& c = r.clusters[i];
    const size_t rank = i + 1;
    const std::string about = "cluster " + std::to_string(rank) + ": " + GroupThousands(c.count) + " questions (" +
                              LanguagesOf(c) + ")";
    if (!c.answered_by.empty()) {
      skipped += "#   " + about + " — now answered by " + c.answered_by + ": " + YamlComment(Truncate(c.label, 60)) + "\n";
      continue;
    }
    const auto examples = ExamplesByLanguage(c, default_lang, 8);
    auto examples_yaml = [&](const std::string& indent) {
      std::string s;
      for (const auto& [lang, list] : examples) {
        s += indent + lang + ":\n";
        for (const auto& e : list) s += indent + "  - " + YamlString(e) + "\n";
      }
      return s;
    };
    if (!c.nearest_intent.empty() && c.nearest_score >= assign_threshold) {
      ++add_n;
      add += "  - intent: " + c.nearest_intent + "    # " + YamlComment(c.nearest_where) + "\n";
      add += "    # " + about + ", score " + Fixed(c.nearest_score, 2) + "\n";
      add += "    examples:\n" + examples_yaml("      ");
      continue;
    }
    ++new_n;
    std::vector<std::string> langs = pack_langs;
    if (langs.empty()) {
      for (const auto& [lang, list] : examples) langs.push_back(lang);
    }
    skeletons += "  - id: " + SuggestId(c, rank) + "    # TODO: a real name; " + about + "\n";
    if (!c.nearest_intent.empty()) {
      skeletons += "    # nearest existing intent: " + c.nearest_intent + " (" + Fixed(c.nearest_score, 2) + ")\n";
    }
    skeletons += "    title:\n";
    for (const auto& l : langs) skeletons += "      " + l + ": \"TODO\"\n";
    skeletons += "    examples:\n" + examples_yaml("      ");
    skeletons += "    answer:\n";
    for (const auto& l : langs) skeletons += "      " + l + ": \"TODO: the answer in " + l + "\"\n";
  }
  out += "add_examples:" + std::string(add_n ? "\n" + add : " []\n");
  out += "intents:" + std::string(new_n ? "\n" + skeletons : " []\n");
  if (!skipped.empty()) out += "# Already answered by the current pack (nothing to add):\n" + skipped;
  return out;
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
