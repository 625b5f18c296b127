// `zari bench`: measures a user's own pack on this machine — load time,
// memory, per-message latency percentiles and throughput on 1..N threads
// (docs/PERFORMANCE.md). The message generator and the statistics
// are separate functions so tests can reach them without timing anything.
#ifndef ZARI_CLI_BENCH_H_
#define ZARI_CLI_BENCH_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/engine.h"

namespace zari::cli {

struct BenchOptions {
  std::string pack;
  std::string messages;       // file with one message per line ("" = the pack's examples, perturbed)
  std::string lang;           // force a language ("" = detect)
  std::string db;             // log unresolved replies of `respond` to this SQLite file ("" = no log)
  std::string mode = "both";  // classify, respond or both
  std::string clock = "wall"; // latency clock: wall (steady) or cpu (the thread's CPU time)
  double seconds = 2.0;       // per measurement (latency pass, each thread count)
  int threads = 0;            // highest thread count (0 = the machine's cores)
  size_t max_messages = 50000;
  std::string dump_messages;  // also write the generated messages here (kind, intent, text)
  bool json = false;
};

int RunBench(const BenchOptions& o);

namespace bench {

// How a benchmark message was derived from a pack example.
enum class Perturb : uint8_t { kAsWritten = 0, kCase, kDropLetter, kTypo, kKeyboardless, kCount };
std::string_view PerturbName(Perturb p);

struct Message {
  std::string text;
  int32_t intent = -1;  // the example's intent (-1: from a messages file)
  Perturb kind = Perturb::kAsWritten;
};

// Small deterministic generator (splitmix64): the same pack gives the same
// messages on every machine.
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t Next();
  uint32_t Below(uint32_t n) { return n ? static_cast<uint32_t>(Next() % n) : 0; }
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

 private:
  uint64_t s_;
};

// One rewrite of `text` in language `lang`, as people type:
//   kCase          UPPER CASE, lower case or Capitalized (Georgian: Mtavruli)
//   kDropLetter    one letter of a word of 4+ letters left out
//   kTypo          two neighbouring letters swapped, or one replaced by a
//                  keyboard neighbour (Georgian: another Georgian letter)
//   kKeyboardless  Georgian in chat Latin ("balansi rogor shevamowmo"),
//                  Azerbaijani without ə ı ş ç ğ ö ü, English without
//                  punctuation and capitals
// Returns the text unchanged when the rewrite has nothing to work on.
std::string PerturbText(std::string_view text, text::Lang lang, Perturb kind, Rng* rng);

// Every example of the pack once, the kinds in turn (a fifth each), shuffled;
// at most `max` messages (a deterministic sample of the examples).
std::vector<Message> MessagesFromPack(const pack::Pack& pack, size_t max, uint64_t seed = 1);

// Latency percentiles of nanosecond samples (sorts *ns in place).
struct Percentiles {
  double p50 = 0, p90 = 0, p99 = 0, p999 = 0, max = 0, mean = 0;
  size_t n = 0;
};
Percentiles ComputePercentiles(std::vector<uint32_t>* ns);

// Resident set size now and at its peak, in bytes (Linux /proc; 0 elsewhere).
struct Memory {
  uint64_t rss = 0, peak = 0;
};
Memory ReadMemory();

// CPU time of the calling thread / the whole process, in seconds.
double ThreadCpuSeconds();
double ProcessCpuSeconds();

}  // namespace bench
}  // namespace zari::cli

#endif  // ZARI_CLI_BENCH_H_
