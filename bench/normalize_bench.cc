// How long Normalize() takes per message, on real utterances: the MASSIVE 1.1
// dev partition in Georgian, Azerbaijani and English (read at run time from
// ../shared/data/massive, or $ZARI_MASSIVE_DIR), plus the same Georgian and
// Azerbaijani utterances typed without their keyboards ($ZARI_BENCH_REWRITTEN_DIR,
// files written by bench/eval/rewrite.py; optional).
//
//   cmake -S . -B build-bench -DZARI_BUILD_BENCH=ON && cmake --build build-bench --target zari_bench_normalize
//   taskset -c 0 build-bench/bin/zari_bench_normalize
//
// Each benchmark normalizes every utterance of a set once per iteration and
// reports ns per message ("ns/msg") and messages per second.
//
// Instruction counts (repeatable on a busy machine, unlike time): --once=SET
// normalizes the set once to warm up, then once more inside NormalizeSet(),
// and prints the number of messages; count only that function with callgrind:
//
//   valgrind --tool=callgrind --toggle-collect='*NormalizeSet*' --callgrind-out-file=/dev/null
//       build-bench/bin/zari_bench_normalize --once=ka
//
// and divide the "Collected" instructions by the messages. SET is a set's name
// below (ka, az, en, ka-latn-digraph, ka-latn-keyboard, az-ascii, all) or
// forced_en (English, language forced). With --cold the warm-up is three
// short messages instead of the set, so the per-thread caches of English
// stems and Latin token scores (engine/text) start empty: the cost of text
// never seen before. Without it they hold what the set's first pass left.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "text/normalize.h"

namespace {

// Extracts the string value of "key" from one JSON line (the MASSIVE files
// are flat objects; \" \\ \/ \n \t \uXXXX escapes are decoded).
bool JsonString(const std::string& line, const std::string& key, std::string* out) {
  const std::string pat = "\"" + key + "\": \"";
  size_t p = line.find(pat);
  if (p == std::string::npos) return false;
  out->clear();
  for (size_t i = p + pat.size(); i < line.size(); ++i) {
    char c = line[i];
    if (c == '"') return true;
    if (c != '\\' || i + 1 >= line.size()) {
      out->push_back(c);
      continue;
    }
    char e = line[++i];
    switch (e) {
      case 'n': out->push_back('\n'); break;
      case 't': out->push_back('\t'); break;
      case 'u': {
        if (i + 4 >= line.size()) return false;
        unsigned cp = static_cast<unsigned>(std::stoul(line.substr(i + 1, 4), nullptr, 16));
        i += 4;
        if (cp < 0x80) {
          out->push_back(static_cast<char>(cp));
        } else if (cp < 0x800) {
          out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
          out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        } else {
          out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
          out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
          out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        }
        break;
      }
      default: out->push_back(e);
    }
  }
  return false;
}

std::string DataDir() {
  if (const char* d = std::getenv("ZARI_MASSIVE_DIR")) return d;
  return std::string(ZARI_SOURCE_DIR) + "/../shared/data/massive";
}

// The dev utterances of a MASSIVE locale ("utt"), or of a rewritten dev file
// ("text").
std::vector<std::string> Load(const std::string& path, bool massive) {
  std::vector<std::string> out;
  std::ifstream in(path);
  std::string line, text, part;
  while (std::getline(in, line)) {
    if (massive && (!JsonString(line, "partition", &part) || part != "dev")) continue;
    if (JsonString(line, massive ? "utt" : "text", &text)) out.push_back(text);
  }
  return out;
}

void Run(benchmark::State& state, const std::vector<std::string>& texts, zari::text::Lang forced) {
  if (texts.empty()) {
    state.SkipWithError("no utterances (set ZARI_MASSIVE_DIR / ZARI_BENCH_REWRITTEN_DIR)");
    return;
  }
  zari::text::NormalizeOptions o;
  o.forced = forced;
  zari::text::Normalized n;
  size_t bytes = 0;
  for (const auto& t : texts) bytes += t.size();
  for (auto _ : state) {
    for (const auto& t : texts) {
      zari::text::Normalize(t, o, &n);
      benchmark::DoNotOptimize(n.key.data());
    }
  }
  const double msgs = static_cast<double>(state.iterations()) * static_cast<double>(texts.size());
  state.SetItemsProcessed(static_cast<int64_t>(msgs));
  state.SetBytesProcessed(static_cast<int64_t>(static_cast<double>(bytes) * static_cast<double>(state.iterations())));
  state.counters["ns/msg"] = benchmark::Counter(msgs * 1e-9, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["msgs"] = static_cast<double>(texts.size());
}

// The function --once runs under callgrind's --toggle-collect.
__attribute__((noinline)) void NormalizeSet(const std::vector<std::string>& texts, zari::text::Lang forced,
                                            zari::text::Normalized* n) {
  zari::text::NormalizeOptions o;
  o.forced = forced;
  for (const auto& t : texts) {
    zari::text::Normalize(t, o, n);
    benchmark::DoNotOptimize(n->key.data());
  }
}

struct Set {
  const char* name;
  std::string path;
  bool massive;
};

std::vector<Set> Sets() {
  const std::string dir = DataDir();
  std::vector<Set> sets = {
      {"ka", dir + "/ka-GE.train-dev.jsonl", true},
      {"az", dir + "/az-AZ.train-dev.jsonl", true},
      {"en", dir + "/en-US.train-dev.jsonl", true},
  };
  if (const char* rw = std::getenv("ZARI_BENCH_REWRITTEN_DIR")) {
    sets.push_back({"ka-latn-digraph", std::string(rw) + "/massive-ka.ka-latn-digraph.jsonl", false});
    sets.push_back({"ka-latn-keyboard", std::string(rw) + "/massive-ka.ka-latn-keyboard.jsonl", false});
    sets.push_back({"az-ascii", std::string(rw) + "/massive-az.az-ascii.jsonl", false});
  }
  return sets;
}

// --once=SET: see the top of the file.
int Once(const std::string& name, bool cold) {
  using zari::text::Lang;
  std::vector<std::string> texts;
  Lang forced = Lang::kUnknown;
  for (const Set& s : Sets()) {
    if (name == "all" || name == s.name || (name == "forced_en" && std::string(s.name) == "en")) {
      std::vector<std::string> t = Load(s.path, s.massive);
      texts.insert(texts.end(), t.begin(), t.end());
    }
  }
  if (name == "forced_en") forced = Lang::kEn;
  if (texts.empty()) {
    std::fprintf(stderr, "no utterances for set %s\n", name.c_str());
    return 1;
  }
  zari::text::Normalized n;
  zari::text::NormalizeOptions o;  // warm-up (not counted): thread buffers, tables, stemmer
  o.forced = forced;
  if (cold) {
    for (const char* t : {"warming up", "გამარჯობა", "Salam, necəsən?"}) zari::text::Normalize(t, o, &n);
  } else {
    for (const auto& t : texts) zari::text::Normalize(t, o, &n);
  }
  NormalizeSet(texts, forced, &n);
  std::printf("%s: %zu messages\n", name.c_str(), texts.size());
  return 0;
}

void Register() {
  using zari::text::Lang;
  const std::string dir = DataDir();
  const std::vector<Set> sets = Sets();
  auto* all = new std::vector<std::string>();
  for (const Set& s : sets) {
    auto* texts = new std::vector<std::string>(Load(s.path, s.massive));
    all->insert(all->end(), texts->begin(), texts->end());
    // Detected: what a message costs when the language is not known.
    benchmark::RegisterBenchmark((std::string("Normalize/detect/") + s.name).c_str(),
                                 [texts](benchmark::State& st) { Run(st, *texts, Lang::kUnknown); });
  }
  benchmark::RegisterBenchmark("Normalize/detect/all", [all](benchmark::State& st) { Run(st, *all, Lang::kUnknown); });
  // Forced: the cost of the pipeline without language identification.
  benchmark::RegisterBenchmark("Normalize/forced_en/en", [dir](benchmark::State& st) {
    static const std::vector<std::string> texts = Load(dir + "/en-US.train-dev.jsonl", true);
    Run(st, texts, Lang::kEn);
  });
}

}  // namespace

int main(int argc, char** argv) {
  bool cold = false;
  for (int i = 1; i < argc; ++i) cold |= std::string(argv[i]) == "--cold";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.rfind("--once=", 0) == 0) return Once(a.substr(7), cold);
  }
  Register();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
