// Pack YAML from the report's clusters, shared by `--format yaml` and
// `--suggest` (docs/OPERATIONS.md): which clusters go under an existing
// intent, and those examples as an `add_examples:` mapping the pack loader
// reads (docs/PACKS.md). Internal to zari_report.
#ifndef ZARI_ENGINE_REPORT_YAML_H_
#define ZARI_ENGINE_REPORT_YAML_H_

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "report/report.h"

namespace zari::report {

// Examples for one intent, from one or more clusters.
struct IntentAdditions {
  std::string intent;
  std::vector<std::string> notes;  // a comment per cluster: rank, count, languages, dates, score
  std::map<std::string, std::vector<std::string>> examples;  // language → texts, most frequent first
};

// The clusters of a report by what a pack author does with them (indices
// into report.clusters, in rank order).
struct Placement {
  std::vector<IntentAdditions> additions;  // nearest intent scores at least `threshold`
  std::vector<size_t> fresh;               // candidates for new intents
  std::vector<size_t> answered;            // the current pack answers them already
};

// Clusters whose nearest intent reaches `threshold` go under it, with at
// most `per_language` texts per cluster and language (texts with masked
// data only when a cluster has nothing else). With a pack, only its
// languages are kept (a text logged as undecided counts as its default).
Placement PlaceClusters(const Report& report, double threshold, size_t per_language);

// "add_examples:\n  intent:\n    # note\n    en:\n      - \"…\"\n" (or
// "add_examples: {}\n" when there is nothing); languages in the pack's order.
void AppendAddExamples(const Report& report, const std::vector<IntentAdditions>& additions, std::string* out);

// "cluster 3: 17 questions (en 11, az 6), 2026-11-02 08:01 – 2026-11-02 10:57 UTC"
std::string ClusterNote(const Cluster& c, size_t rank);

}  // namespace zari::report

#endif  // ZARI_ENGINE_REPORT_YAML_H_
