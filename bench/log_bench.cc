// The unresolved-query log against its targets (docs/PERFORMANCE.md):
//   ≥ 100,000 unresolved rows per second sustained, and
//   the log changes reply p99 by less than 10%.
//
//   cmake -S . -B build-bench -DZARI_BUILD_BENCH=ON && cmake --build build-bench --target zari_bench_log
//   build-bench/bin/zari_bench_log
//
// BM_LogRows: a producer adds realistic unresolved rows (a third with a
// phone, card or e-mail to mask) as fast as it can and waits for them to be
// committed; rows/s is what the writer sustains through redaction, batched
// transactions and WAL (the figure is end to end: Add + Flush, real time).
// BM_LogTurnCounts: the per-reply counter alone.
// BM_Reply/log:0|1: one session reply of the sample pack (telecom), mixed
// answered and unresolved messages, timed one by one; p50/p99 in µs are
// reported as counters, without and with the log (the log's writer runs on
// another thread meanwhile, as in production). A closed loop: the replying
// thread never rests, so the writer competes with it for the CPU.
// BM_ReplyPaced/log:0|1: the same with a 100 µs pause between replies (about
// 8,000 replies/s on one thread), the shape of real traffic.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "dialog/session.h"
#include "log/log_store.h"
#include "dialog/runtime.h"

namespace {

namespace fs = std::filesystem;

std::string TempDb(const char* tag) {
  const fs::path dir = fs::temp_directory_path() / ("zari-bench-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path p = dir / (std::string(tag) + ".db");
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(p.string() + suffix);
  return p.string();
}

void RemoveTempDir() {
  std::error_code ec;
  fs::remove_all(fs::temp_directory_path() / ("zari-bench-" + std::to_string(::getpid())), ec);
}

const char* const kUnresolved[] = {
    "do you sell refrigerators in batumi",
    "ჩემი ნომერია 599 12 34 56, ბარათი 4111 1111 1111 1111",
    "როგორ გავააქტიურო eSIM ახალ ტელეფონზე",
    "nömrəm +994 50 123 45 67, FIN 5ZJ8KQ2",
    "iphone 15 neçəyədir",
    "email me at nino.beridze@gmail.com about the invoice",
    "where is your office in kutaisi",
    "batumshi ofisi sad aris",
    "can i keep my number if i switch from another operator",
};

zari::log::UnresolvedRow Row(size_t i) {
  zari::log::UnresolvedRow r;
  r.ts = 1793606400 + static_cast<int64_t>(i / 100);
  r.session = "visitor-" + std::to_string(i % 5000);
  r.channel = i % 3 ? "web" : "ivr";
  r.language = i % 3 == 0 ? "ka" : (i % 3 == 1 ? "az" : "en");
  r.action = i % 4 ? "fallback" : "clarify";
  r.text = kUnresolved[i % std::size(kUnresolved)];
  r.normalized = r.text;
  r.best_intent = "roaming_internet";
  r.best_score = 0.21;
  r.pack = "Zari Mobile";
  r.pack_version = "2026.11";
  return r;
}

void BM_LogRows(benchmark::State& state) {
  const size_t rows = static_cast<size_t>(state.range(0));
  const bool redact = state.range(1) != 0;
  const std::string db = TempDb("rows");
  auto store = zari::log::LogStore::Open({.path = db, .redact = redact, .queue_capacity = rows * 2});
  if (!store.ok()) {
    state.SkipWithError(store.status().message().c_str());
    return;
  }
  // Rows are built outside the timed region: the reply path builds its own.
  std::vector<zari::log::UnresolvedRow> prepared;
  prepared.reserve(rows);
  for (auto _ : state) {
    state.PauseTiming();
    prepared.clear();
    for (size_t i = 0; i < rows; ++i) prepared.push_back(Row(i));
    state.ResumeTiming();
    for (auto& r : prepared) store.value()->Add(std::move(r));
    if (!store.value()->Flush()) state.SkipWithError("flush timed out");
  }
  const auto stats = store.value()->stats();
  state.counters["dropped"] = static_cast<double>(stats.dropped);
  state.counters["failed_writes"] = static_cast<double>(stats.failed_writes);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(rows));
  store.value().reset();
  RemoveTempDir();
}
BENCHMARK(BM_LogRows)->ArgsProduct({{50000}, {0, 1}})->ArgNames({"rows", "redact"})->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void BM_LogTurnCounts(benchmark::State& state) {
  const std::string db = TempDb("counts");
  auto store = zari::log::LogStore::Open({.path = db});
  if (!store.ok()) {
    state.SkipWithError(store.status().message().c_str());
    return;
  }
  int64_t i = 0;
  for (auto _ : state) {
    store.value()->CountTurn(1793606400 + i / 1000, i % 2 ? "ka" : "en", "web", "answer", i % 10 == 0);
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
  store.value().reset();
  RemoveTempDir();
}
BENCHMARK(BM_LogTurnCounts);

// Mixed traffic: answered questions and the unresolved ones above.
const char* const kTraffic[] = {
    "how do I check my balance",
    "როგორ შევამოწმო ბალანსი?",
    "balansımı necə yoxlayım",
    "do you sell refrigerators in batumi",
    "how to turn on roaming",
    "ჩემი ნომერია 599 12 34 56, ბარათი 4111 1111 1111 1111",
    "internet paketləri",
    "nömrəm +994 50 123 45 67, FIN 5ZJ8KQ2",
    "my internet is not working",
    "email me at nino.beridze@gmail.com about the invoice",
};

// pause_us > 0: sleep that long between replies (paced traffic, as a busy
// but not saturated server sees it); 0: a closed loop (the CPU saturated).
void Replies(benchmark::State& state, int pause_us) {
  const bool with_log = state.range(0) != 0;
  zari::dialog::RuntimeOptions o;
  if (with_log) o.log_db = TempDb("reply");
  o.clock = [] { return int64_t{1793606400}; };  // Monday noon in Tbilisi
  auto rt = zari::dialog::Runtime::Create(std::string(ZARI_SOURCE_DIR) + "/intents/telecom", o);
  if (!rt.ok()) {
    state.SkipWithError(rt.status().message().c_str());
    return;
  }
  std::vector<std::unique_ptr<zari::dialog::Session>> sessions;
  for (int i = 0; i < 64; ++i) {
    std::string id = "v";
    id += std::to_string(i);
    sessions.push_back(std::make_unique<zari::dialog::Session>(rt.value(), id, "web"));
  }
  std::vector<double> us;
  us.reserve(1 << 20);
  zari::Reply reply;
  size_t i = 0;
  for (auto _ : state) {
    zari::dialog::Session& s = *sessions[i % sessions.size()];
    const char* text = kTraffic[(i + i / sessions.size()) % std::size(kTraffic)];
    const auto t0 = std::chrono::steady_clock::now();
    s.Respond(text, &reply);
    const auto t1 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(reply.action);
    if (us.size() < us.capacity()) us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
    ++i;
    if (pause_us > 0) {
      state.PauseTiming();
      std::this_thread::sleep_for(std::chrono::microseconds(pause_us));
      state.ResumeTiming();
    }
  }
  std::sort(us.begin(), us.end());
  auto pct = [&](double p) { return us.empty() ? 0.0 : us[static_cast<size_t>(p * static_cast<double>(us.size() - 1))]; };
  state.counters["p50_us"] = pct(0.50);
  state.counters["p99_us"] = pct(0.99);
  state.counters["p999_us"] = pct(0.999);
  state.SetItemsProcessed(state.iterations());
  if (with_log) {
    const auto stats = rt.value()->log_stats();
    state.counters["logged"] = static_cast<double>(stats.enqueued);
    state.counters["dropped"] = static_cast<double>(stats.dropped);
  }
  sessions.clear();
  rt.value().reset();
  RemoveTempDir();
}
void BM_Reply(benchmark::State& state) { Replies(state, 0); }
void BM_ReplyPaced(benchmark::State& state) { Replies(state, 100); }
BENCHMARK(BM_Reply)->Arg(0)->Arg(1)->ArgName("log")->MinTime(3.0);
BENCHMARK(BM_ReplyPaced)->Arg(0)->Arg(1)->ArgName("log")->Iterations(30000);

}  // namespace

BENCHMARK_MAIN();
