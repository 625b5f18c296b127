// Clustering the report's questions: exact groups by normalized key, then
// near-duplicate groups merged by the cosine of their example-matcher
// features; with a pack, the nearest intent of each cluster. Internal to
// zari_report.
#ifndef ZARI_ENGINE_REPORT_CLUSTER_H_
#define ZARI_ENGINE_REPORT_CLUSTER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "match/features.h"
#include "report/report.h"
#include "text/normalize.h"

namespace zari::report {

struct Group {
  std::string key;                 // normalized key (exact grouping)
  std::vector<size_t> rows;        // indices into all rows
  int64_t count = 0;
  std::vector<match::Feature> features;  // unit length, sorted by hash
};

// Normalizes a stored text in its logged language (with the pack's
// normalizer when there is one).
void Normalize(const ReportOptions& o, const std::string& s, const std::string& language, text::Normalized* n);
// The example matcher's features of a text, merged and of unit length.
void Features(const text::Normalized& n, std::vector<match::Feature>* out);
// Leader clustering of the groups: each result lists group indices, the
// leader first.
std::vector<std::vector<size_t>> ClusterGroups(const std::vector<Group>& groups, double threshold,
                                               const std::function<void(const std::string&)>& progress);
// The intent a cluster's questions are closest to, and whether the current
// pack already answers them.
void Classify(const Engine& e, Cluster* c);

}  // namespace zari::report

#endif  // ZARI_ENGINE_REPORT_CLUSTER_H_
