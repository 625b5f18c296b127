// The report as a table for people, CSV for spreadsheets and JSON for
// programs (the fields are described in docs/OPERATIONS.md).
#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "report/display.h"
#include "report/report.h"
#include "util/json_writer.h"
#include "util/numbers.h"
#include "util/utf8.h"

namespace zari::report {

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

}  // namespace zari::report
