// Micro-benchmarks of the reply path (Google Benchmark):
//
//   BM_RuleMatch         RuleMatcher::Match on a normalized message
//   BM_ExampleScore      ExampleMatcher::Score (top 5) on a normalized message
//   BM_Classify          Engine::Classify: normalize + rules + examples + decision
//   BM_Respond           dialog::Session::Respond (the full reply, dialog policy)
//   BM_RespondLogged     the same with the unresolved-query log on (temp SQLite)
//   BM_PackLoad*         reading the YAML / compiling / both
//
// Messages are the pack's own examples, perturbed the way `zari bench` does
// (cli/bench.h: as written, case, dropped letter, typo, keyboard-less), or
// for /unresolved runs made-up words that every pack falls back on, so each
// reply writes a log row. Arguments: language 0 = all, 1 = ka, 2 = az, 3 = en.
//
//   build-release/bin/zari_bench_micro                          # intents/telecom
//   ZARI_BENCH_PACK=build/scale/scale-1000 build-release/bin/zari_bench_micro
//   ... --benchmark_filter=Classify --benchmark_repetitions=5 --benchmark_report_aggregates_only
//
// Normalization alone and the log writer alone have their own benchmarks.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "bench.h"  // cli/bench.h: the message generator of `zari bench`
#include "dialog/session.h"
#include "core/engine.h"
#include "pack/loader.h"
#include "dialog/runtime.h"

namespace {

using namespace zari;
using cli::bench::Message;

std::string PackPath() {
  const char* p = std::getenv("ZARI_BENCH_PACK");
  return p && *p ? p : std::string(ZARI_SOURCE_DIR) + "/intents/telecom";
}

// The pack, loaded once for the whole process.
struct Fixture {
  std::shared_ptr<const Engine> engine;
  std::vector<Message> messages[4];  // by Lang (0 = all)
  std::vector<Message> unresolved;   // made-up words: fallback replies
};

const Fixture& F() {
  static Fixture* f = [] {
    auto* fx = new Fixture;
    auto e = Engine::Load(PackPath());
    if (!e.ok()) {
      std::fprintf(stderr, "zari_micro_bench: %s\n", e.status().message().c_str());
      std::exit(1);
    }
    fx->engine = e.value();
    const pack::Pack& pack = fx->engine->pack();
    fx->messages[0] = cli::bench::MessagesFromPack(pack, 20000);
    for (int l = 1; l <= 3; ++l) {
      pack::Pack one = pack;  // examples of one language only
      for (auto& it : one.intents)
        for (int k = 0; k < text::kLangCount; ++k)
          if (k != l) it.examples[static_cast<size_t>(k)].clear();
      fx->messages[l] = cli::bench::MessagesFromPack(one, 20000);
    }
    // Gibberish in the pack's scripts: no rule, no example close enough.
    cli::bench::Rng rng(7);
    static const char* kSyll[] = {"zu", "qo", "vex", "ypt", "kra", "mub", "თხ", "ჟღო", "ყწი", "əşq", "ğüx", "çöv"};
    for (int i = 0; i < 2000; ++i) {
      std::string s;
      const uint32_t words = 2 + rng.Below(5);
      for (uint32_t w = 0; w < words; ++w) {
        if (w) s += ' ';
        const uint32_t syl = 2 + rng.Below(3);
        const uint32_t base = rng.Below(4) * 3;  // one script per word
        for (uint32_t k = 0; k < syl; ++k) s += kSyll[base + rng.Below(3)];
      }
      fx->unresolved.push_back({s, -1, cli::bench::Perturb::kAsWritten});
    }
    return fx;
  }();
  return *f;
}

const std::vector<Message>& Messages(const benchmark::State& state) {
  const auto& m = F().messages[static_cast<size_t>(state.range(0))];
  return m.empty() ? F().messages[0] : m;
}

std::vector<text::Normalized> NormalizeAll(const std::vector<Message>& msgs) {
  std::vector<text::Normalized> out(msgs.size());
  for (size_t i = 0; i < msgs.size(); ++i)
    F().engine->Normalize(msgs[i].text, text::Lang::kUnknown, text::Lang::kUnknown, &out[i]);
  return out;
}

void BM_RuleMatch(benchmark::State& state) {
  const auto norms = NormalizeAll(Messages(state));
  const match::RuleMatcher& rules = F().engine->rules();
  std::vector<match::RuleHit> hits;
  size_t i = 0, hit = 0;
  for (auto _ : state) {
    hits.clear();
    rules.Match(norms[i], &hits);
    hit += !hits.empty();
    benchmark::DoNotOptimize(hits.data());
    if (++i == norms.size()) i = 0;
  }
  state.counters["hit_rate"] = static_cast<double>(hit) / static_cast<double>(state.iterations());
  state.SetItemsProcessed(state.iterations());
}

void BM_ExampleScore(benchmark::State& state) {
  const auto norms = NormalizeAll(Messages(state));
  const match::ExampleMatcher& ex = F().engine->examples();
  std::vector<match::Candidate> cands;
  size_t i = 0;
  for (auto _ : state) {
    cands.clear();
    ex.Score(norms[i], 5, &cands);
    benchmark::DoNotOptimize(cands.data());
    if (++i == norms.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Classify(benchmark::State& state) {
  const auto& msgs = Messages(state);
  const Engine& e = *F().engine;
  Reply r;
  size_t i = 0;
  for (auto _ : state) {
    e.Classify(msgs[i].text, text::Lang::kUnknown, &r);
    benchmark::DoNotOptimize(r.intent);
    if (++i == msgs.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}

// One runtime per benchmark run (range(1): 0 = pack messages, 1 = unresolved).
void Respond(benchmark::State& state, bool logged) {
  const auto& msgs = state.range(1) ? F().unresolved : Messages(state);
  dialog::RuntimeOptions o;
  std::string db;
  if (logged) {
    char tmpl[] = "/tmp/zari-bench-XXXXXX";
    const int fd = mkstemp(tmpl);
    if (fd >= 0) close(fd);
    db = tmpl;
    o.log_db = db;
  }
  auto rt = dialog::Runtime::Create(PackPath(), o);
  if (!rt.ok()) {
    state.SkipWithError(rt.status().message().c_str());
    return;
  }
  {
    Reply r;
    {
      // Warm-up outside the timing: RE2 builds its DFA states lazily, so the
      // first messages after a load cost several times the steady state.
      dialog::Session warm(rt.value(), "warm-up", "bench");
      for (size_t k = 0; k < std::min<size_t>(msgs.size(), 5000); ++k) warm.Respond(msgs[k].text, &r);
    }
    dialog::Session session(rt.value(), "bench", "bench");
    size_t i = 0;
    for (auto _ : state) {
      session.Respond(msgs[i].text, &r);
      benchmark::DoNotOptimize(r.intent);
      if (++i == msgs.size()) i = 0;
    }
  }
  state.SetItemsProcessed(state.iterations());
  if (logged) {
    rt.value()->FlushLog();
    const log::LogStats st = rt.value()->log_stats();
    state.counters["rows_written"] = static_cast<double>(st.written);
    state.counters["rows_dropped"] = static_cast<double>(st.dropped);
    rt.value().reset();
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db + suffix);
  }
}
void BM_Respond(benchmark::State& state) { Respond(state, false); }
void BM_RespondLogged(benchmark::State& state) { Respond(state, true); }

void BM_PackLoadYaml(benchmark::State& state) {
  for (auto _ : state) {
    auto p = pack::LoadPack(PackPath());
    benchmark::DoNotOptimize(p.ok());
  }
}

void BM_PackCompile(benchmark::State& state) {
  auto p = pack::LoadPack(PackPath());
  for (auto _ : state) {
    state.PauseTiming();
    pack::Pack copy = p.value();
    state.ResumeTiming();
    auto e = Engine::Compile(std::move(copy));
    benchmark::DoNotOptimize(e.ok());
  }
}

void BM_PackLoad(benchmark::State& state) {
  for (auto _ : state) {
    auto e = Engine::Load(PackPath());
    benchmark::DoNotOptimize(e.ok());
  }
}

void Langs(benchmark::internal::Benchmark* b) {
  b->ArgName("lang");
  for (int l = 0; l <= 3; ++l) b->Arg(l);
}

BENCHMARK(BM_RuleMatch)->Apply(Langs);
BENCHMARK(BM_ExampleScore)->Apply(Langs);
BENCHMARK(BM_Classify)->Apply(Langs);
BENCHMARK(BM_Respond)->ArgNames({"lang", "unresolved"})->Args({0, 0})->Args({0, 1});
BENCHMARK(BM_RespondLogged)->ArgNames({"lang", "unresolved"})->Args({0, 0})->Args({0, 1});
BENCHMARK(BM_PackLoadYaml)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PackCompile)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PackLoad)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
