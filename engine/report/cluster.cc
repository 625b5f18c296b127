#include "report/cluster.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>
#include <utility>

#include "core/engine.h"
#include "report/display.h"
#include "text/normalize.h"
#include "util/numbers.h"

namespace zari::report {
namespace {

// A stored text normalized again in its logged language (with the pack's
// normalizer when there is one).
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

// The example matcher's features of a text, merged and of unit length.
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

}  // namespace

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

std::vector<Group> GroupRows(const std::vector<Row>& rows, const ReportOptions& options) {
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
  return groups;
}

Cluster MakeCluster(const std::vector<size_t>& members, const std::vector<Group>& groups,
                    const std::vector<Row>& rows, size_t samples) {
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
  std::stable_sort(c.texts.begin(), c.texts.end(), [](const Sample& a, const Sample& b) { return a.count > b.count; });
  c.label = c.texts.empty() ? "" : c.texts[0].text;
  for (size_t i = 0; i < c.texts.size() && c.samples.size() < samples; ++i) c.samples.push_back(c.texts[i]);
  int64_t best_n = 0;
  for (const auto& [intent, count] : best) {
    if (count > best_n) {
      best_n = count;
      c.logged_best = intent;
    }
  }
  return c;
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

}  // namespace zari::report
