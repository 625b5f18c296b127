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
#include "report/read.h"
#include "report/report.h"

namespace zari::report {

struct Group {
  std::string key;                 // normalized key (exact grouping)
  std::vector<size_t> rows;        // indices into all rows
  int64_t count = 0;
  std::vector<match::Feature> features;  // unit length, sorted by hash
};

// Groups the rows by their normalized key (each stored text normalized again
// in its logged language, with the pack's normalizer when there is one).
std::vector<Group> GroupRows(const std::vector<Row>& rows, const ReportOptions& options);
// Leader clustering of the groups: each result lists group indices, the
// leader first.
std::vector<std::vector<size_t>> ClusterGroups(const std::vector<Group>& groups, double threshold,
                                               const std::function<void(const std::string&)>& progress);
// A cluster of the groups in `members` (the leader first): counts, texts
// (most frequent first, `samples` of them as samples), the intent logged most.
Cluster MakeCluster(const std::vector<size_t>& members, const std::vector<Group>& groups,
                    const std::vector<Row>& rows, size_t samples);
// The intent a cluster's questions are closest to, and whether the current
// pack already answers them.
void Classify(const Engine& e, Cluster* c);

}  // namespace zari::report

#endif  // ZARI_ENGINE_REPORT_CLUSTER_H_
