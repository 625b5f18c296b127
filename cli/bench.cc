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

ModeRun Measure(const Setup& s, const std::string& mode, int max_threads) {
  ModeRun m;
  m.mode = mode;
  const auto& msgs = *s.messages;
  Reply r;
  {
    // Warm-up (scratch buffers, caches) and a sanity check of the answers:
    // one pass over the messages, at most --seconds long.
    auto rep = MakeReplier(s, mode, 0);
    const auto t0 = Clock::now();
    for (size_t i = 0; i < msgs.size(); ++i) {
      rep->Reply1(msgs[i].text, &r);
      ++m.actions[std::min<size_t>(static_cast<size_t>(r.action), 5)];
      if (msgs[i].intent >= 0) {
        ++m.checked;
        m.recovered += r.Best() && r.Best()->intent == msgs[i].intent;
      }
      if ((i & 63) == 63 && Since(t0) > s.seconds) break;
    }
  }
  {
    // Latency: every message timed on its own.
    auto rep = MakeReplier(s, mode, 0);
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
    m.latency_wall_s = Since(t0);
    m.latency_cpu_s = bench::ThreadCpuSeconds() - c0;
    m.latency = bench::ComputePercentiles(&ns);
  }
  // Throughput: 1..N threads, one shared engine / runtime.
  for (int t = 1; t <= max_threads; ++t) {
    std::atomic<bool> go{false}, stop{false};
    std::atomic<int> ready{0};
    std::vector<size_t> count(static_cast<size_t>(t));
    std::vector<double> cpu(static_cast<size_t>(t));
    std::vector<std::thread> pool;
    for (int k = 0; k < t; ++k) {
      pool.emplace_back([&, k] {
        auto rep = MakeReplier(s, mode, k + 1);
        Reply rr;
        size_t i = msgs.size() * static_cast<size_t>(k) / static_cast<size_t>(t), n = 0;
        ready.fetch_add(1);
        while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
        const double c0 = bench::ThreadCpuSeconds();
        while (!stop.load(std::memory_order_relaxed)) {
          rep->Reply1(msgs[i].text, &rr);
          ++n;
          if (++i == msgs.size()) i = 0;
        }
        cpu[static_cast<size_t>(k)] = bench::ThreadCpuSeconds() - c0;
        count[static_cast<size_t>(k)] = n;
      });
    }
    while (ready.load() < t) std::this_thread::yield();
    const auto t0 = Clock::now();
    go.store(true, std::memory_order_release);
    std::this_thread::sleep_for(std::chrono::duration<double>(s.seconds));
    stop.store(true);
    const double wall = Since(t0);
    for (auto& th : pool) th.join();
    ThreadRun run;
    run.threads = t;
    run.wall_s = wall;
    for (int k = 0; k < t; ++k) {
      run.messages += count[static_cast<size_t>(k)];
      run.cpu_s += cpu[static_cast<size_t>(k)];
    }
    m.runs.push_back(run);
  }
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

}  // namespace

int RunBench(const BenchOptions& o) {
  auto lang = ParseLangOption(o.lang);
  if (!lang) return 2;
  if (o.mode != "classify" && o.mode != "respond" && o.mode != "both") {
    return Error("--mode: expected classify, respond or both, got '" + o.mode + "'", 2);
  }
  if (!(o.seconds > 0)) return Error("--seconds must be positive", 2);
  if (o.clock != "wall" && o.clock != "cpu") return Error("--clock: expected wall or cpu, got '" + o.clock + "'", 2);
  const int max_threads = o.threads > 0 ? o.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const double load_avg = LoadAverage();

  // Load. dialog::Runtime::Create reads, validates and compiles the pack (and opens
  // the log when --db is given): what a host pays at start and on reload.
  const bench::Memory before = bench::ReadMemory();
  const double cpu0 = bench::ProcessCpuSeconds();
  const auto t0 = Clock::now();
  dialog::RuntimeOptions ro;
  ro.log_db = o.db;
  ro.on_log = [](log::LogLevel level, const std::string& msg) {
    if (level != log::LogLevel::kInfo) std::cerr << "zari: log: " << msg << "\n";
  };
  auto created = dialog::Runtime::Create(o.pack, std::move(ro));
  const double load_wall = Since(t0);
  const double load_cpu = bench::ProcessCpuSeconds() - cpu0;
  if (!created.ok()) return Error(created.status().message());
  const bench::Memory after = bench::ReadMemory();
  // What stays when the allocator gives back the heap that loading freed
  // (YAML nodes, build-time tables): the snapshot's own footprint.
  malloc_trim(0);
  const bench::Memory trimmed = bench::ReadMemory();

  Setup s;
  s.runtime = created.value();
  s.engine = s.runtime->engine();
  s.forced = *lang;
  s.seconds = o.seconds;
  s.cpu_clock = o.clock == "cpu";
  s.clock_overhead = ClockOverhead(s.cpu_clock);
  if (*lang != text::Lang::kUnknown && !(s.engine->pack().LanguageSet() & text::LangBit(*lang))) {
    return Error("the pack has no language '" + o.lang + "'", 2);
  }
  const pack::Pack& pack = s.engine->pack();
  size_t examples = 0;
  for (const auto& it : pack.intents)
    for (const auto& l : it.examples) examples += l.size();

  std::vector<Message> msgs;
  std::string source;
  if (!o.messages.empty()) {
    std::ifstream in(o.messages);
    if (!in) return Error("cannot read " + o.messages);
    std::string line;
    while (std::getline(in, line) && (o.max_messages == 0 || msgs.size() < o.max_messages)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty()) continue;
      msgs.push_back({line, -1, bench::Perturb::kAsWritten});
    }
    source = o.messages;
  } else {
    msgs = bench::MessagesFromPack(pack, o.max_messages);
    source = "pack examples, perturbed";
  }
  if (msgs.empty()) return Error("no messages to measure (the pack has no examples; use --messages FILE)");
  if (!o.dump_messages.empty()) {
    std::ofstream dump(o.dump_messages);
    for (const Message& m : msgs) {
      dump << bench::PerturbName(m.kind) << '\t' << (m.intent >= 0 ? pack.intents[static_cast<size_t>(m.intent)].id : "")
           << '\t' << m.text << '\n';
    }
    if (!dump) return Error("cannot write " + o.dump_messages);
  }
  s.messages = &msgs;

  std::vector<ModeRun> modes;
  if (o.mode != "respond") modes.push_back(Measure(s, "classify", max_threads));
  if (o.mode != "classify") modes.push_back(Measure(s, "respond", max_threads));
  const auto flush0 = Clock::now();
  if (s.runtime->log()) s.runtime->FlushLog();
  const double flush_s = Since(flush0);
  const log::LogStats log_stats = s.runtime->log_stats();
  const bench::Memory end = bench::ReadMemory();
  const double mb = 1.0 / (1 << 20);

  std::string out;
  json::Writer w(&out);
  if (o.json) {
    w.BeginObject();
    w.Key("pack").String(o.pack).Key("name").String(pack.name);
    w.Key("intents").Int(static_cast<long long>(pack.intents.size()));
    w.Key("examples").Int(static_cast<long long>(examples));
    w.Key("languages").BeginArray();
    for (text::Lang l : pack.languages) w.String(text::LangCode(l));
    w.EndArray();
    w.Key("machine").BeginObject().Key("cpus").Int(std::thread::hardware_concurrency());
    w.Key("loadavg_1min").Number(load_avg).EndObject();
    w.Key("messages").BeginObject().Key("count").Int(static_cast<long long>(msgs.size()));
    w.Key("source").String(source).EndObject();
    w.Key("load").BeginObject();
    w.Key("wall_ms").Number(load_wall * 1e3).Key("cpu_ms").Number(load_cpu * 1e3);
    w.Key("rss_before_mb").Number(static_cast<double>(before.rss) * mb);
    w.Key("rss_after_mb").Number(static_cast<double>(after.rss) * mb);
    w.Key("rss_added_mb").Number((static_cast<double>(after.rss) - static_cast<double>(before.rss)) * mb);
    w.Key("peak_rss_mb").Number(static_cast<double>(after.peak) * mb);
    w.Key("rss_after_trim_mb").Number(static_cast<double>(trimmed.rss) * mb);
    w.EndObject();
    w.Key("peak_rss_mb").Number(static_cast<double>(end.peak) * mb);
    w.Key("seconds").Number(o.seconds);
    w.Key("log").Bool(!o.db.empty());
    if (!o.db.empty()) {
      w.Key("log_stats").BeginObject().Key("enqueued").Int(static_cast<long long>(log_stats.enqueued));
      w.Key("written").Int(static_cast<long long>(log_stats.written));
      w.Key("dropped").Int(static_cast<long long>(log_stats.dropped));
      w.Key("failed_writes").Int(static_cast<long long>(log_stats.failed_writes));
      w.Key("final_flush_s").Number(flush_s).EndObject();
    }
    w.Key("modes").BeginArray();
    for (const ModeRun& m : modes) {
      w.BeginObject().Key("mode").String(m.mode);
      w.Key("latency_us").BeginObject();
      w.Key("p50").Number(m.latency.p50 / 1e3).Key("p90").Number(m.latency.p90 / 1e3);
      w.Key("p99").Number(m.latency.p99 / 1e3).Key("p999").Number(m.latency.p999 / 1e3);
      w.Key("max").Number(m.latency.max / 1e3).Key("mean").Number(m.latency.mean / 1e3);
      w.Key("samples").Int(static_cast<long long>(m.latency.n));
      w.Key("clock").String(o.clock).Key("clock_overhead_ns").Int(s.clock_overhead);
      w.Key("cpu_s").Number(m.latency_cpu_s).Key("wall_s").Number(m.latency_wall_s);
      w.EndObject();
      w.Key("actions").BeginObject();
      for (int a = 1; a <= 5; ++a) w.Key(ActionName(static_cast<Action>(a))).Int(static_cast<long long>(m.actions[a]));
      w.EndObject();
      w.Key("top1_recovered");
      if (m.checked) w.Number(static_cast<double>(m.recovered) / static_cast<double>(m.checked));
      else w.Null();
      w.Key("throughput").BeginArray();
      for (const ThreadRun& r : m.runs) {
        w.BeginObject().Key("threads").Int(r.threads).Key("messages").Int(static_cast<long long>(r.messages));
        w.Key("wall_s").Number(r.wall_s).Key("cpu_s").Number(r.cpu_s);
        w.Key("msgs_per_s").Number(r.per_s()).Key("msgs_per_cpu_s").Number(r.per_cpu_s()).EndObject();
      }
      w.EndArray().EndObject();
    }
    w.EndArray().EndObject();
    std::cout << out << "\n";
    return std::cout ? 0 : 1;
  }

  std::printf("pack      %s (%s): %zu intents, %zu examples, languages", o.pack.c_str(), pack.name.c_str(),
              pack.intents.size(), examples);
  for (text::Lang l : pack.languages) std::printf(" %s", std::string(text::LangCode(l)).c_str());
  std::printf("\nmachine   %u CPUs, load average %.2f when started\n", std::thread::hardware_concurrency(), load_avg);
  std::printf("messages  %s (%s)\n", Group(static_cast<double>(msgs.size())).c_str(), source.c_str());
  std::printf("load      %.0f ms wall, %.0f ms CPU; RSS %.1f MB → %.1f MB (+%.1f MB; %.1f MB once freed heap is returned), peak %.1f MB\n",
              load_wall * 1e3, load_cpu * 1e3, static_cast<double>(before.rss) * mb, static_cast<double>(after.rss) * mb,
              (static_cast<double>(after.rss) - static_cast<double>(before.rss)) * mb,
              static_cast<double>(trimmed.rss) * mb, static_cast<double>(after.peak) * mb);
  std::printf("\nlatency, one thread (%.1f s each, %s clock%s)\n", o.seconds,
              s.cpu_clock ? "thread CPU" : "wall", o.db.empty() ? "" : ", respond logs to --db");
  std::printf("  %-9s %10s %10s %10s %10s %10s %12s\n", "mode", "p50", "p90", "p99", "p99.9", "max", "samples");
  for (const ModeRun& m : modes) {
    std::printf("  %-9s %11s %11s %11s %11s %11s %12s\n", m.mode.c_str(), Micros(m.latency.p50).c_str(),
                Micros(m.latency.p90).c_str(), Micros(m.latency.p99).c_str(), Micros(m.latency.p999).c_str(),
                Micros(m.latency.max).c_str(), Group(static_cast<double>(m.latency.n)).c_str());
  }
  std::printf("\nthroughput (messages/s; one shared engine; per CPU-second in brackets)\n");
  for (const ModeRun& m : modes) {
    std::printf("  %-9s", m.mode.c_str());
    for (const ThreadRun& r : m.runs) {
      std::printf("  %d thread%s %s (%s)", r.threads, r.threads == 1 ? ":" : "s:", Group(r.per_s()).c_str(),
                  Group(r.per_cpu_s()).c_str());
      if (r.threads > 1 && m.runs[0].per_s() > 0) std::printf(" ×%.2f", r.per_s() / m.runs[0].per_s());
    }
    std::printf("\n");
  }
  std::printf("\nanswers (first pass over the messages)\n");
  for (const ModeRun& m : modes) {
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
  if (!o.db.empty()) {
    std::printf("log       %s rows queued, %s written, %s dropped (queue full), %llu failed writes; final flush %.2f s\n",
                Group(static_cast<double>(log_stats.enqueued)).c_str(), Group(static_cast<double>(log_stats.written)).c_str(),
                Group(static_cast<double>(log_stats.dropped)).c_str(),
                static_cast<unsigned long long>(log_stats.failed_writes), flush_s);
  }
  std::printf("memory    peak RSS %.1f MB at the end\n", static_cast<double>(end.peak) * mb);
  if (load_avg > static_cast<double>(std::thread::hardware_concurrency()) * 0.5) {
    std::printf("note      the machine was busy (load %.2f): wall-clock figures are pessimistic; the per-CPU-second\n"
                "          figures are not affected by waiting for a core\n", load_avg);
  }
  return std::fflush(stdout) == 0 ? 0 : 1;
}

}  // namespace zari::cli
