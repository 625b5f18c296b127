// zari bench: how fast a pack answers on this machine (docs/PERFORMANCE.md).
//
//   load        wall and CPU time of loading + compiling the pack; RSS before
//               and after, and the peak
//   latency     one thread, one message at a time, each timed (steady clock):
//               p50/p90/p99/p99.9/max
//   throughput  1..N threads sharing one engine (classify) or one runtime with
//               a session per thread (respond), each looping over the messages
//               for --seconds: messages per wall second and per CPU second
//
// Modes: `classify` = Engine::Normalize + Engine::Decide (what `zari classify`
// does, minus the JSON); `respond` = dialog::Session::Respond (the full reply
// with the dialog policy, and the log when --db is given).
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "bench.h"
#include "common.h"
#include "dialog/session.h"
#include "util/json_writer.h"
#include "util/numbers.h"

namespace zari::cli {
namespace {

using Clock = std::chrono::steady_clock;
using bench::Message;

double Since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// One thread's way of answering a message.
class Replier {
 public:
  virtual ~Replier() = default;
  virtual void Reply1(const std::string& text, Reply* r) = 0;
};

class ClassifyReplier : public Replier {
 public:
  ClassifyReplier(const Engine& e, text::Lang forced) : e_(e), forced_(forced) {}
  void Reply1(const std::string& text, Reply* r) override {
    e_.Normalize(text, forced_, text::Lang::kUnknown, &n_);
    e_.Decide(n_, text, r);
  }

 private:
  const Engine& e_;
  text::Lang forced_;
  text::Normalized n_;
};

class RespondReplier : public Replier {
 public:
  RespondReplier(std::shared_ptr<dialog::Runtime> rt, text::Lang forced, int index)
      : session_(std::move(rt), "bench-" + std::to_string(index), "bench") {
    if (forced != text::Lang::kUnknown) (void)session_.SetLanguage(forced);
  }
  void Reply1(const std::string& text, Reply* r) override { session_.Respond(text, r); }

 private:
  dialog::Session session_;
};

struct ThreadRun {
  int threads = 0;
  size_t messages = 0;
  double wall_s = 0, cpu_s = 0;
  double per_s() const { return wall_s > 0 ? static_cast<double>(messages) / wall_s : 0; }
  double per_cpu_s() const { return cpu_s > 0 ? static_cast<double>(messages) / cpu_s : 0; }
};

struct ModeRun {
  std::string mode;
  bench::Percentiles latency;  // nanoseconds
  double latency_cpu_s = 0, latency_wall_s = 0;
  size_t checked = 0, recovered = 0;  // warm-up pass: top candidate = the example's intent
  size_t actions[6] = {};
  std::vector<ThreadRun> runs;
};

// Nanoseconds on the latency clock: the steady (wall) clock, or the thread's
// CPU clock, which a busy machine's other processes do not advance.
int64_t Now(bool cpu) {
  timespec ts{};
  clock_gettime(cpu ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

// The median cost of reading the clock twice, subtracted from every sample.
int64_t ClockOverhead(bool cpu) {
  std::vector<uint32_t> ns;
  for (int i = 0; i < 2001; ++i) {
    const int64_t a = Now(cpu);
    ns.push_back(static_cast<uint32_t>(Now(cpu) - a));
  }
  return static_cast<int64_t>(bench::ComputePercentiles(&ns).p50);
}

struct Setup {
  std::shared_ptr<dialog::Runtime> runtime;
  bool cpu_clock = false;
  int64_t clock_overhead = 0;
  std::shared_ptr<const Engine> engine;
  text::Lang forced = text::Lang::kUnknown;
  const std::vector<Message>* messages = nullptr;
  double seconds = 2;
};

std::unique_ptr<Replier> MakeReplier(const Setup& s, const std::string& mode, int index) {
  if (mode == "classify") return std::make_unique<ClassifyReplier>(*s.engine, s.forced);
  return std::make_unique<RespondReplier>(s.runtime, s.forced, index);
}

// Warm-up (scratch buffers, caches) and a sanity check of the answers: one
// pass over the messages, at most --seconds long.
void WarmUp(const Setup& s, ModeRun* m) {
  const auto& msgs = *s.messages;
  auto rep = MakeReplier(s, m->mode, 0);
  Reply r;
  const auto t0 = Clock::now();
  for (size_t i = 0; i < msgs.size(); ++i) {
    rep->Reply1(msgs[i].text, &r);
    ++m->actions[std::min<size_t>(static_cast<size_t>(r.action), 5)];
    if (msgs[i].intent >= 0) {
      ++m->checked;
      m->recovered += r.Best() && r.Best()->intent == msgs[i].intent;
    }
    if ((i & 63) == 63 && Since(t0) > s.seconds) break;
  }
}

// Latency: every message timed on its own.
void MeasureLatency(const Setup& s, ModeRun* m) {
  const auto& msgs = *s.messages;
  auto rep = MakeReplier(s, m->mode, 0);
  Reply r;
  std::vector<uint32_t> ns;
  ns.reserve(1 << 20);
  const double c0 = bench::ThreadCpuSeconds();
  const auto t0 = Clock::now();
  const int64_t budget = static_cast<int64_t>(s.seconds * 1e9), start = Now(s.cpu_clock);
  size_t i = 0;
  for (;;) {
    const int64_t a = Now(s.cpu_clock);
    if (a - start >= budget || ns.size() >= (50u << 20)) break;
    rep->Reply1(msgs[i].text, &r);
    const int64_t d = Now(s.cpu_clock) - a - s.clock_overhead;
    ns.push_back(static_cast<uint32_t>(std::clamp<int64_t>(d, 0, UINT32_MAX)));
    if (++i == msgs.size()) i = 0;
  }
  m->latency_wall_s = Since(t0);
  m->latency_cpu_s = bench::ThreadCpuSeconds() - c0;
  m->latency = bench::ComputePercentiles(&ns);
}

// Throughput of `threads` threads sharing one engine / runtime, each
// starting at its own place in the messages.
ThreadRun MeasureThroughput(const Setup& s, const std::string& mode, int threads) {
  const auto& msgs = *s.messages;
  const size_t t = static_cast<size_t>(threads);
  std::atomic<bool> go{false}, stop{false};
  std::atomic<int> ready{0};
  std::vector<size_t> count(t);
  std::vector<double> cpu(t);
  std::vector<std::thread> pool;
  for (size_t k = 0; k < t; ++k) {
    pool.emplace_back([&, k] {
      auto rep = MakeReplier(s, mode, static_cast<int>(k) + 1);
      Reply rr;
      size_t i = msgs.size() * k / t, n = 0;
      ready.fetch_add(1);
      while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
      const double c0 = bench::ThreadCpuSeconds();
      while (!stop.load(std::memory_order_relaxed)) {
        rep->Reply1(msgs[i].text, &rr);
        ++n;
        if (++i == msgs.size()) i = 0;
      }
      cpu[k] = bench::ThreadCpuSeconds() - c0;
      count[k] = n;
    });
  }
  while (ready.load() < threads) std::this_thread::yield();
  const auto t0 = Clock::now();
  go.store(true, std::memory_order_release);
  std::this_thread::sleep_for(std::chrono::duration<double>(s.seconds));
  stop.store(true);
  const double wall = Since(t0);
  for (auto& th : pool) th.join();
  ThreadRun run;
  run.threads = threads;
  run.wall_s = wall;
  for (size_t k = 0; k < t; ++k) {
    run.messages += count[k];
    run.cpu_s += cpu[k];
  }
  return run;
}

ModeRun Measure(const Setup& s, const std::string& mode, int max_threads) {
  ModeRun m;
  m.mode = mode;
  WarmUp(s, &m);
  MeasureLatency(s, &m);
  for (int t = 1; t <= max_threads; ++t) m.runs.push_back(MeasureThroughput(s, mode, t));
  return m;
}

// A count or a rate, rounded: 1234567.4 → "1,234,567".
std::string Group(double v) { return GroupThousands(static_cast<int64_t>(v + 0.5)); }

std::string Micros(double ns) {
  char buf[32];
  const double us = ns / 1000.0;
  std::snprintf(buf, sizeof buf, us < 10 ? "%.2f µs" : us < 100 ? "%.1f µs" : "%.0f µs", us);
  return buf;
}

double LoadAverage() {
  double l[3] = {0, 0, 0};
  return getloadavg(l, 3) > 0 ? l[0] : -1;
}

// What loading the pack cost: dialog::Runtime::Create reads, validates and
// compiles the pack (and opens the log when --db is given), which is what a
// host pays at start and on reload.
struct LoadCost {
  double wall_s = 0, cpu_s = 0;
  bench::Memory before, after;
  bench::Memory trimmed;  // after the allocator gave back the freed heap
};

// Everything measured, for the two outputs.
struct Results {
  double load_avg = 0;
  LoadCost load;
  size_t examples = 0;
  std::vector<Message> msgs;
  std::string source;  // where the messages came from
  std::vector<ModeRun> modes;
  double flush_s = 0;
  log::LogStats log_stats;
  bench::Memory end;
};

int CheckOptions(const BenchOptions& o) {
  if (o.mode != "classify" && o.mode != "respond" && o.mode != "both") {
    return Error("--mode: expected classify, respond or both, got '" + o.mode + "'", 2);
  }
  if (!(o.seconds > 0)) return Error("--seconds must be positive", 2);
  if (o.clock != "wall" && o.clock != "cpu") return Error("--clock: expected wall or cpu, got '" + o.clock + "'", 2);
  return 0;
}

std::shared_ptr<dialog::Runtime> LoadPack(const BenchOptions& o, LoadCost* cost) {
  cost->before = bench::ReadMemory();
  const double cpu0 = bench::ProcessCpuSeconds();
  const auto t0 = Clock::now();
  dialog::RuntimeOptions ro;
  ro.log_db = o.db;
  ro.on_log = LogStoreMessage;
  auto created = dialog::Runtime::Create(o.pack, std::move(ro));
  cost->wall_s = Since(t0);
  cost->cpu_s = bench::ProcessCpuSeconds() - cpu0;
  if (!created.ok()) {
    Error(created.status().message());
    return nullptr;
  }
  cost->after = bench::ReadMemory();
  // What stays when the allocator gives back the heap that loading freed
  // (YAML nodes, build-time tables): the snapshot's own footprint.
  malloc_trim(0);
  cost->trimmed = bench::ReadMemory();
  return created.value();
}

// The messages to measure: --messages (one a line) or the pack's examples,
// perturbed; written to --dump-messages when asked. Returns an exit code.
int GetMessages(const BenchOptions& o, const pack::Pack& pack, Results* res) {
  if (!o.messages.empty()) {
    std::ifstream in(o.messages);
    if (!in) return Error("cannot read " + o.messages);
    std::string line;
    while (std::getline(in, line) && (o.max_messages == 0 || res->msgs.size() < o.max_messages)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty()) continue;
      res->msgs.push_back({line, -1, bench::Perturb::kAsWritten});
    }
    res->source = o.messages;
  } else {
    res->msgs = bench::MessagesFromPack(pack, o.max_messages);
    res->source = "pack examples, perturbed";
  }
  if (res->msgs.empty()) return Error("no messages to measure (the pack has no examples; use --messages FILE)");
  if (!o.dump_messages.empty()) {
    std::ofstream dump(o.dump_messages);
    for (const Message& m : res->msgs) {
      dump << bench::PerturbName(m.kind) << '\t'
           << (m.intent >= 0 ? pack.intents[static_cast<size_t>(m.intent)].id : "") << '\t' << m.text << '\n';
    }
    if (!dump) return Error("cannot write " + o.dump_messages);
  }
  return 0;
}

constexpr double kMb = 1.0 / (1 << 20);

double Mb(uint64_t bytes) { return static_cast<double>(bytes) * kMb; }

void WriteModeJson(const BenchOptions& o, const Setup& s, const ModeRun& m, json::Writer* w) {
  w->BeginObject().Key("mode").String(m.mode);
  w->Key("latency_us").BeginObject();
  w->Key("p50").Number(m.latency.p50 / 1e3).Key("p90").Number(m.latency.p90 / 1e3);
  w->Key("p99").Number(m.latency.p99 / 1e3).Key("p999").Number(m.latency.p999 / 1e3);
  w->Key("max").Number(m.latency.max / 1e3).Key("mean").Number(m.latency.mean / 1e3);
  w->Key("samples").Int(static_cast<long long>(m.latency.n));
  w->Key("clock").String(o.clock).Key("clock_overhead_ns").Int(s.clock_overhead);
  w->Key("cpu_s").Number(m.latency_cpu_s).Key("wall_s").Number(m.latency_wall_s);
  w->EndObject();
  w->Key("actions").BeginObject();
  for (int a = 1; a <= 5; ++a) w->Key(ActionName(static_cast<Action>(a))).Int(static_cast<long long>(m.actions[a]));
  w->EndObject();
  w->Key("top1_recovered");
  if (m.checked) w->Number(static_cast<double>(m.recovered) / static_cast<double>(m.checked));
  else w->Null();
  w->Key("throughput").BeginArray();
  for (const ThreadRun& r : m.runs) {
    w->BeginObject().Key("threads").Int(r.threads).Key("messages").Int(static_cast<long long>(r.messages));
    w->Key("wall_s").Number(r.wall_s).Key("cpu_s").Number(r.cpu_s);
    w->Key("msgs_per_s").Number(r.per_s()).Key("msgs_per_cpu_s").Number(r.per_cpu_s()).EndObject();
  }
  w->EndArray().EndObject();
}

int PrintJson(const BenchOptions& o, const Setup& s, const Results& res) {
  const pack::Pack& pack = s.engine->pack();
  std::string out;
  json::Writer w(&out);
  w.BeginObject();
  w.Key("pack").String(o.pack).Key("name").String(pack.name);
  w.Key("intents").Int(static_cast<long long>(pack.intents.size()));
  w.Key("examples").Int(static_cast<long long>(res.examples));
  w.Key("languages").BeginArray();
  for (text::Lang l : pack.languages) w.String(text::LangCode(l));
  w.EndArray();
  w.Key("machine").BeginObject().Key("cpus").Int(std::thread::hardware_concurrency());
  w.Key("loadavg_1min").Number(res.load_avg).EndObject();
  w.Key("messages").BeginObject().Key("count").Int(static_cast<long long>(res.msgs.size()));
  w.Key("source").String(res.source).EndObject();
  const LoadCost& load = res.load;
  w.Key("load").BeginObject();
  w.Key("wall_ms").Number(load.wall_s * 1e3).Key("cpu_ms").Number(load.cpu_s * 1e3);
  w.Key("rss_before_mb").Number(Mb(load.before.rss));
  w.Key("rss_after_mb").Number(Mb(load.after.rss));
  w.Key("rss_added_mb").Number((static_cast<double>(load.after.rss) - static_cast<double>(load.before.rss)) * kMb);
  w.Key("peak_rss_mb").Number(Mb(load.after.peak));
  w.Key("rss_after_trim_mb").Number(Mb(load.trimmed.rss));
  w.EndObject();
  w.Key("peak_rss_mb").Number(Mb(res.end.peak));
  w.Key("seconds").Number(o.seconds);
  w.Key("log").Bool(!o.db.empty());
  if (!o.db.empty()) {
    w.Key("log_stats").BeginObject().Key("enqueued").Int(static_cast<long long>(res.log_stats.enqueued));
    w.Key("written").Int(static_cast<long long>(res.log_stats.written));
    w.Key("dropped").Int(static_cast<long long>(res.log_stats.dropped));
    w.Key("failed_writes").Int(static_cast<long long>(res.log_stats.failed_writes));
    w.Key("final_flush_s").Number(res.flush_s).EndObject();
  }
  w.Key("modes").BeginArray();
  for (const ModeRun& m : res.modes) WriteModeJson(o, s, m, &w);
  w.EndArray().EndObject();
  std::cout << out << "\n";
  return std::cout ? 0 : 1;
}

void PrintLatency(const BenchOptions& o, const Setup& s, const Results& res) {
  std::printf("\nlatency, one thread (%.1f s each, %s clock%s)\n", o.seconds,
              s.cpu_clock ? "thread CPU" : "wall", o.db.empty() ? "" : ", respond logs to --db");
  std::printf("  %-9s %10s %10s %10s %10s %10s %12s\n", "mode", "p50", "p90", "p99", "p99.9", "max", "samples");
  for (const ModeRun& m : res.modes) {
    std::printf("  %-9s %11s %11s %11s %11s %11s %12s\n", m.mode.c_str(), Micros(m.latency.p50).c_str(),
                Micros(m.latency.p90).c_str(), Micros(m.latency.p99).c_str(), Micros(m.latency.p999).c_str(),
                Micros(m.latency.max).c_str(), Group(static_cast<double>(m.latency.n)).c_str());
  }
}

void PrintThroughput(const Results& res) {
  std::printf("\nthroughput (messages/s; one shared engine; per CPU-second in brackets)\n");
  for (const ModeRun& m : res.modes) {
    std::printf("  %-9s", m.mode.c_str());
    for (const ThreadRun& r : m.runs) {
      std::printf("  %d thread%s %s (%s)", r.threads, r.threads == 1 ? ":" : "s:", Group(r.per_s()).c_str(),
                  Group(r.per_cpu_s()).c_str());
      if (r.threads > 1 && m.runs[0].per_s() > 0) std::printf(" ×%.2f", r.per_s() / m.runs[0].per_s());
    }
    std::printf("\n");
  }
}

void PrintAnswers(const Results& res) {
  std::printf("\nanswers (first pass over the messages)\n");
  for (const ModeRun& m : res.modes) {
    size_t total = 0;
    for (int a = 1; a <= 5; ++a) total += m.actions[a];
    std::printf("  %-9s", m.mode.c_str());
    for (int a = 1; a <= 5; ++a) {
      if (m.actions[a]) {
        std::printf(" %s %.1f%%", std::string(ActionName(static_cast<Action>(a))).c_str(),
                    100.0 * static_cast<double>(m.actions[a]) / static_cast<double>(total ? total : 1));
      }
    }
    if (m.checked) {
      std::printf("; top candidate is the example's intent: %.1f%%",
                  100.0 * static_cast<double>(m.recovered) / static_cast<double>(m.checked));
    }
    std::printf("\n");
  }
}

int PrintText(const BenchOptions& o, const Setup& s, const Results& res) {
  const pack::Pack& pack = s.engine->pack();
  const LoadCost& load = res.load;
  std::printf("pack      %s (%s): %zu intents, %zu examples, languages", o.pack.c_str(), pack.name.c_str(),
              pack.intents.size(), res.examples);
  for (text::Lang l : pack.languages) std::printf(" %s", std::string(text::LangCode(l)).c_str());
  std::printf("\nmachine   %u CPUs, load average %.2f when started\n", std::thread::hardware_concurrency(),
              res.load_avg);
  std::printf("messages  %s (%s)\n", Group(static_cast<double>(res.msgs.size())).c_str(), res.source.c_str());
  std::printf("load      %.0f ms wall, %.0f ms CPU; RSS %.1f MB → %.1f MB (+%.1f MB; %.1f MB once freed heap is returned), peak %.1f MB\n",
              load.wall_s * 1e3, load.cpu_s * 1e3, Mb(load.before.rss), Mb(load.after.rss),
              (static_cast<double>(load.after.rss) - static_cast<double>(load.before.rss)) * kMb,
              Mb(load.trimmed.rss), Mb(load.after.peak));
  PrintLatency(o, s, res);
  PrintThroughput(res);
  PrintAnswers(res);
  if (!o.db.empty()) {
    const log::LogStats& ls = res.log_stats;
    std::printf("log       %s rows queued, %s written, %s dropped (queue full), %llu failed writes; final flush %.2f s\n",
                Group(static_cast<double>(ls.enqueued)).c_str(), Group(static_cast<double>(ls.written)).c_str(),
                Group(static_cast<double>(ls.dropped)).c_str(), static_cast<unsigned long long>(ls.failed_writes),
                res.flush_s);
  }
  std::printf("memory    peak RSS %.1f MB at the end\n", Mb(res.end.peak));
  if (res.load_avg > static_cast<double>(std::thread::hardware_concurrency()) * 0.5) {
    std::printf("note      the machine was busy (load %.2f): wall-clock figures are pessimistic; the per-CPU-second\n"
                "          figures are not affected by waiting for a core\n", res.load_avg);
  }
  return std::fflush(stdout) == 0 ? 0 : 1;
}

}  // namespace

int RunBench(const BenchOptions& o) {
  auto lang = ParseLangOption(o.lang);
  if (!lang) return 2;
  if (int rc = CheckOptions(o); rc != 0) return rc;
  const int max_threads = o.threads > 0 ? o.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  Results res;
  res.load_avg = LoadAverage();
  Setup s;
  s.runtime = LoadPack(o, &res.load);
  if (!s.runtime) return 1;
  s.engine = s.runtime->engine();
  s.forced = *lang;
  s.seconds = o.seconds;
  s.cpu_clock = o.clock == "cpu";
  s.clock_overhead = ClockOverhead(s.cpu_clock);
  if (*lang != text::Lang::kUnknown && !(s.engine->pack().LanguageSet() & text::LangBit(*lang))) {
    return Error("the pack has no language '" + o.lang + "'", 2);
  }
  const pack::Pack& pack = s.engine->pack();
  for (const auto& it : pack.intents)
    for (const auto& l : it.examples) res.examples += l.size();
  if (int rc = GetMessages(o, pack, &res); rc != 0) return rc;
  s.messages = &res.msgs;

  if (o.mode != "respond") res.modes.push_back(Measure(s, "classify", max_threads));
  if (o.mode != "classify") res.modes.push_back(Measure(s, "respond", max_threads));
  const auto flush0 = Clock::now();
  if (s.runtime->log()) s.runtime->FlushLog();
  res.flush_s = Since(flush0);
  res.log_stats = s.runtime->log_stats();
  res.end = bench::ReadMemory();
  return o.json ? PrintJson(o, s, res) : PrintText(o, s, res);
}

}  // namespace zari::cli
