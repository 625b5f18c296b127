// Tunes the example matcher's options on a dev split, in process:
//   tune_matcher PACK DEV.jsonl [key=value ...]
// Prints top-1 accuracy and, for data with out-of-scope lines (intent null),
// the best (answer, suggest) trade-off. Used to choose the defaults in
// engine/match/example_options.h; see docs/EVALUATION.md.
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <new>
#include <ctime>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "core/engine.h"
#include "pack/loader.h"

using namespace zari;

// Counts heap allocations, to check that the per-message path makes none.
static std::atomic<long> g_allocs{0};
void* operator new(size_t n) {
  g_allocs.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

// Thread CPU time: other processes on a busy machine do not count.
struct CpuClock {
  using duration = std::chrono::nanoseconds;
  using rep = duration::rep;
  using period = duration::period;
  using time_point = std::chrono::time_point<CpuClock>;
  static constexpr bool is_steady = true;
  static time_point now() {
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return time_point(duration(static_cast<rep>(ts.tv_sec) * 1000000000 + ts.tv_nsec));
  }
};

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: tune_matcher PACK DEV.jsonl [word=1 stem=0.6 bigram=0.5 chargram=0.15 n=4 alpha=0.05 prior=0 cov=1 temp=1]\n";
    return 2;
  }
  // Load: reading the pack (YAML) and compiling it, wall-clock (the build
  // runs on several threads) and CPU time of the whole process.
  auto process_cpu_ms = [] {
    timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
  };
  const auto read0 = std::chrono::steady_clock::now();
  const double read_cpu0 = process_cpu_ms();
  auto pack = pack::LoadPack(argv[1]);
  const double read_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - read0).count();
  const double read_cpu = process_cpu_ms() - read_cpu0;
  if (!pack.ok()) {
    std::cerr << pack.status().message() << "\n";
    return 1;
  }
  EngineOptions o;
  int repeat = 1;
  for (int i = 3; i < argc; ++i) {
    std::string a = argv[i];
    auto eq = a.find('=');
    std::string k = a.substr(0, eq);
    float v = std::stof(a.substr(eq + 1));
    auto& f = o.examples.features;
    if (k == "repeat") repeat = static_cast<int>(v);
    else if (k == "word") f.word = v;
    else if (k == "stem") f.stem = v;
    else if (k == "bigram") f.bigram = v;
    else if (k == "chargram") f.chargram = v;
    else if (k == "n") f.chargram_n = static_cast<int>(v);
    else if (k == "minn") f.chargram_min_n = static_cast<int>(v);
    else if (k == "alpha") o.examples.alpha = v;
    else if (k == "prior") o.examples.prior_weight = v;
    else if (k == "cov") o.examples.coverage_power = v;
    else if (k == "temp") o.examples.temperature = v;
    else if (k == "epochs") o.examples.refine_epochs = o.examples.refine_epochs_many = static_cast<int>(v);
    else if (k == "rate") o.examples.refine_rate = v;
    else if (k == "margin") o.examples.refine_margin = v;
    else if (k == "dense") o.examples.dense_max_intents = static_cast<uint32_t>(v);
    else if (k == "cache") o.examples.token_cache_bytes = static_cast<size_t>(v);
    else if (k == "cands") o.examples.candidates = static_cast<uint32_t>(v);
    else if (k == "tokcache") o.examples.candidate_token_cache_bytes = static_cast<size_t>(v);
    else if (k == "batch") o.examples.refine_batch = static_cast<uint32_t>(v);
    else if (k == "threads") o.build_threads = static_cast<unsigned>(v);
    else if (k == "rare") o.examples.refine_rare_in_large_packs = v > 0;
    else if (k == "rowdiv") o.examples.candidate_row_divisor = static_cast<uint32_t>(v);
    else {
      std::cerr << "unknown option " << k << "\n";
      return 2;
    }
  }
  std::vector<std::pair<std::string, std::string>> dev;
  std::ifstream in(argv[2]);
  std::string line;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line);
    dev.emplace_back(j["text"].get<std::string>(), j["intent"].is_null() ? "" : j["intent"].get<std::string>());
  }
  auto t0 = CpuClock::now();
  const auto compile0 = std::chrono::steady_clock::now();
  const double compile_cpu0 = process_cpu_ms();
  auto engine = Engine::Compile(std::move(pack.value()), o);
  const double compile_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - compile0).count();
  const double compile_cpu = process_cpu_ms() - compile_cpu0;
  if (!engine.ok()) {
    std::cerr << engine.status().message() << "\n";
    return 1;
  }
  auto t1 = CpuClock::now();
  const Engine& e = *engine.value();
  text::Normalized n;
  Reply r;
  size_t in_scope = 0, top1 = 0;
  std::vector<std::pair<float, int>> scored;  // (score, 1 correct / 0 wrong / -1 oos)
  for (const auto& [t, gold] : dev) {
    e.Normalize(t, text::Lang::kUnknown, text::Lang::kUnknown, &n);
    e.Decide(n, t, &r);
    const match::Candidate* best = r.Best();
    std::string got = best ? e.intent(best->intent).id : "";
    float score = best ? best->score : 0;
    if (gold.empty()) {
      scored.emplace_back(score, -1);
    } else {
      ++in_scope;
      top1 += got == gold;
      scored.emplace_back(score, got == gold ? 1 : 0);
    }
  }
  for (int rep = 1; rep < repeat; ++rep) {
    for (const auto& [t, gold] : dev) {
      e.Normalize(t, text::Lang::kUnknown, text::Lang::kUnknown, &n);
      e.Decide(n, t, &r);
    }
  }
  auto t2 = CpuClock::now();
  if (repeat > 1) {
    // Stage costs: normalization alone, features alone, matching alone.
    std::vector<text::Normalized> norms(dev.size());
    auto a = CpuClock::now();
    for (int rep = 0; rep < repeat; ++rep)
      for (size_t i = 0; i < dev.size(); ++i) e.Normalize(dev[i].first, text::Lang::kUnknown, text::Lang::kUnknown, &norms[i]);
    auto b = CpuClock::now();
    std::vector<match::Feature> feats;
    size_t nfeat = 0;
    for (int rep = 0; rep < repeat; ++rep)
      for (size_t i = 0; i < dev.size(); ++i) {
        feats.clear();
        match::ExtractFeatures(norms[i], o.examples.features, &feats);
        nfeat += feats.size();
      }
    auto c = CpuClock::now();
    std::vector<match::Candidate> cands;
    for (int rep = 0; rep < repeat; ++rep)
      for (size_t i = 0; i < dev.size(); ++i) {
        cands.clear();
        e.examples().Score(norms[i], 5, &cands);
      }
    auto d = CpuClock::now();
    std::vector<match::RuleHit> hits;
    for (int rep = 0; rep < repeat; ++rep)
      for (size_t i = 0; i < dev.size(); ++i) {
        hits.clear();
        e.rules().Match(norms[i], &hits);
      }
    auto d2 = CpuClock::now();
    for (int rep = 0; rep < repeat; ++rep)
      for (size_t i = 0; i < dev.size(); ++i) e.Decide(norms[i], dev[i].first, &r);
    auto f = CpuClock::now();
    // Allocations per message on the warm path: normalize + decide.
    const long before_allocs = g_allocs.load();
    text::Normalized warm;
    for (size_t i = 0; i < dev.size(); ++i) {
      e.Normalize(dev[i].first, text::Lang::kUnknown, text::Lang::kUnknown, &warm);
      e.Decide(warm, dev[i].first, &r);
    }
    const long after_all = g_allocs.load();
    for (size_t i = 0; i < dev.size(); ++i) e.Normalize(dev[i].first, text::Lang::kUnknown, text::Lang::kUnknown, &warm);
    const long after_norm = g_allocs.load();
    for (size_t i = 0; i < dev.size(); ++i) e.Decide(norms[i], dev[i].first, &r);
    const long after_decide = g_allocs.load();
    std::vector<match::Candidate> cands2;
    cands2.reserve(16);
    for (size_t i = 0; i < dev.size(); ++i) {
      cands2.clear();
      e.examples().Score(norms[i], 5, &cands2);
    }
    const long after_score = g_allocs.load();
    const double n_msgs = static_cast<double>(dev.size());
    std::fprintf(stderr, "allocations per message (warm): %.3f (normalize %.3f, decide %.3f, example score %.3f)\n",
                 static_cast<double>(after_all - before_allocs) / n_msgs, static_cast<double>(after_norm - after_all) / n_msgs,
                 static_cast<double>(after_decide - after_norm) / n_msgs, static_cast<double>(after_score - after_decide) / n_msgs);
    auto per = [&](auto x, auto y) {
      return std::chrono::duration<double, std::micro>(y - x).count() / static_cast<double>(dev.size()) / repeat;
    };
    std::fprintf(stderr, "normalize %.2f us, features %.2f us (%.0f per msg), example score %.2f us, rules %.2f us, decide %.2f us\n",
                 per(a, b), per(b, c), static_cast<double>(nfeat) / static_cast<double>(dev.size()) / repeat, per(c, d), per(d, d2), per(d2, f));
  }
  double load_ms = std::chrono::duration<double, std::milli>(t1 - t0).count();
  double us = std::chrono::duration<double, std::micro>(t2 - t1).count() / static_cast<double>(dev.size()) / repeat;
  std::fprintf(stderr, "read %.0f ms (%.0f ms CPU), compile %.0f ms (%.0f ms CPU, all threads)\n", read_ms, read_cpu,
               compile_ms, compile_cpu);
  std::fprintf(stderr, "features %zu, dense rows %zu, cached tokens %zu, sparse weights %zu, examples %zu\n", e.examples().feature_count(),
               e.examples().dense_rows(), e.examples().cached_tokens(), e.examples().sparse_weights(), e.examples().example_count());
  std::printf("top1 %.4f  (n=%zu)  load %.0f ms  %.2f us/msg\n", static_cast<double>(top1) / static_cast<double>(in_scope),
              in_scope, load_ms, us);
  // Decided accuracy and OOS recall at answer thresholds.
  size_t oos = 0;
  for (auto& s : scored) oos += s.second < 0;
  for (float th : {0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f}) {
    size_t right = 0, oos_rejected = 0;
    for (auto& s : scored) {
      if (s.second < 0) oos_rejected += s.first < th;
      else right += s.first >= th && s.second == 1;
    }
    std::printf("  answer>=%.2f: decided acc %.4f", static_cast<double>(th), static_cast<double>(right) / static_cast<double>(in_scope));
    if (oos) std::printf("  oos recall %.4f", static_cast<double>(oos_rejected) / static_cast<double>(oos));
    std::printf("\n");
  }
  return 0;
}
