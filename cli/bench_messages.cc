// `zari bench` helpers: benchmark messages from a pack's examples, latency
// statistics, memory and CPU clocks. No timing decisions here.
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <numeric>
#include <utility>

#include "bench.h"
#include "text/chars.h"
#include "util/utf8.h"

namespace zari::cli::bench {
namespace {

using text::Lang;

// Word detection: the text layer's letters (any script).
bool IsLetter(char32_t c) { return text::ClassOf(c) == text::CharClass::kLetter; }

// Azerbaijani letters beyond ASCII, (lower, upper).
constexpr std::pair<char32_t, char32_t> kAzCase[] = {
    {U'ə', U'Ə'}, {U'ı', U'I'}, {U'ş', U'Ş'}, {U'ç', U'Ç'}, {U'ğ', U'Ğ'}, {U'ö', U'Ö'}, {U'ü', U'Ü'}, {U'i', U'İ'},
};

// Case changes as people's keyboards make them: Turkic i/İ and ı/I for az,
// Georgian Mkhedruli ↔ Mtavruli.
char32_t Upper(char32_t c, Lang lang) {
  if (c >= 'a' && c <= 'z' && !(lang == Lang::kAz && c == 'i')) return c - 32;
  if (c >= 0x10D0 && c <= 0x10FA) return c + 0xBC0;  // Mkhedruli → Mtavruli
  for (const auto& [lower, upper] : kAzCase) {
    if (c == lower) return upper;
  }
  return c;
}

char32_t Lower(char32_t c, Lang lang) {
  if (c >= 'A' && c <= 'Z' && !(lang == Lang::kAz && c == 'I')) return c + 32;
  if (c >= 0x1C90 && c <= 0x1CBA) return c - 0xBC0;
  for (const auto& [lower, upper] : kAzCase) {
    if (c == upper) return lower;
  }
  return c;
}

std::u32string Decode(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) out.push_back(zari::DecodeUtf8(s, &i));
  return out;
}

std::string Encode(const std::u32string& s) {
  std::string out;
  out.reserve(s.size() * 2);
  for (char32_t c : s) zari::AppendUtf8(&out, c);
  return out;
}

// [begin, end) of the words (letter runs) with at least `min_len` letters.
std::vector<std::pair<size_t, size_t>> Words(const std::u32string& s, size_t min_len) {
  std::vector<std::pair<size_t, size_t>> words;
  for (size_t i = 0; i < s.size();) {
    if (!IsLetter(s[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < s.size() && IsLetter(s[j])) ++j;
    if (j - i >= min_len) words.emplace_back(i, j);
    i = j;
  }
  return words;
}

// QWERTY neighbours of each lowercase letter.
constexpr const char* kNeighbours[26] = {
    "qwsz", "vghn", "xdfv", "serfcx", "wsdr", "drtgvc", "ftyhbv", "gyujnb", "ujko", "huikmn", "jiolm", "kop",
    "njk", "bhjm", "iklp", "ol", "wa", "edft", "awedxz", "rfgy", "yhji", "cfgb", "qase", "zsdc", "tghu", "asx"};

// Chat Latin for Georgian (one common spelling of each letter; the variants
// are bench/eval/rewrite.py's business).
const char* GeorgianLatin(char32_t c) {
  static constexpr const char* kMap[] = {
      "a", "b", "g", "d", "e", "v", "z", "t", "i", "k", "l", "m", "n", "o", "p", "zh", "r",
      "s", "t", "u", "p", "k", "gh", "y", "sh", "ch", "ts", "dz", "w", "ch", "kh", "j", "h"};
  if (c >= 0x10D0 && c <= 0x10F0) return kMap[c - 0x10D0];
  return nullptr;
}

std::string Keyboardless(std::string_view in, Lang lang, Rng* rng) {
  std::u32string s = Decode(in);
  std::string out;
  out.reserve(in.size());
  // Azerbaijani digraphs are a per-message habit, like in bench/eval/rewrite.py.
  const bool digraphs = rng->Unit() < 0.35;
  for (char32_t c : s) {
    if (c >= 0x1C90 && c <= 0x1CBA) c -= 0xBC0;
    if (const char* latin = GeorgianLatin(c)) {
      out += latin;
      continue;
    }
    if (lang == Lang::kEn) {
      if (c == '\'' || c == U'’') continue;
      if (c == '?' || c == '!' || c == '.' || c == ',') continue;
      zari::AppendUtf8(&out, Lower(c, lang));
      continue;
    }
    switch (c) {
      case U'ə': case U'Ə': out += c == U'ə' ? "e" : "E"; break;
      case U'ı': out += "i"; break;
      case U'İ': out += "I"; break;
      case U'ö': out += "o"; break;
      case U'Ö': out += "O"; break;
      case U'ü': out += "u"; break;
      case U'Ü': out += "U"; break;
      case U'ş': out += digraphs ? "sh" : "s"; break;
      case U'Ş': out += digraphs ? "Sh" : "S"; break;
      case U'ç': out += digraphs ? "ch" : "c"; break;
      case U'Ç': out += digraphs ? "Ch" : "C"; break;
      case U'ğ': out += "g"; break;
      case U'Ğ': out += "G"; break;
      default: zari::AppendUtf8(&out, c);
    }
  }
  return out;
}

}  // namespace

uint64_t Rng::Next() {
  uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

std::string_view PerturbName(Perturb p) {
  switch (p) {
    case Perturb::kAsWritten: return "as_written";
    case Perturb::kCase: return "case";
    case Perturb::kDropLetter: return "dropped_letter";
    case Perturb::kTypo: return "typo";
    case Perturb::kKeyboardless: return "keyboardless";
    default: return "?";
  }
}

std::string PerturbText(std::string_view in, Lang lang, Perturb kind, Rng* rng) {
  switch (kind) {
    case Perturb::kAsWritten:
    case Perturb::kCount:
      return std::string(in);
    case Perturb::kKeyboardless:
      return Keyboardless(in, lang, rng);
    case Perturb::kCase: {
      std::u32string s = Decode(in);
      const uint32_t how = rng->Below(3);  // 0 UPPER, 1 lower, 2 Capitalized
      bool first = true;
      for (char32_t& c : s) {
        if (how == 0) c = Upper(c, lang);
        else if (how == 1) c = Lower(c, lang);
        else if (IsLetter(c)) {
          c = first ? Upper(c, lang) : Lower(c, lang);
          first = false;
        }
      }
      return Encode(s);
    }
    case Perturb::kDropLetter: {
      std::u32string s = Decode(in);
      auto words = Words(s, 4);
      if (words.empty()) return std::string(in);
      auto [b, e] = words[rng->Below(static_cast<uint32_t>(words.size()))];
      s.erase(b + 1 + rng->Below(static_cast<uint32_t>(e - b - 1)), 1);  // keep the first letter
      return Encode(s);
    }
    case Perturb::kTypo: {
      std::u32string s = Decode(in);
      auto words = Words(s, 3);
      if (words.empty()) return std::string(in);
      auto [b, e] = words[rng->Below(static_cast<uint32_t>(words.size()))];
      const size_t i = b + 1 + rng->Below(static_cast<uint32_t>(e - b - 1));
      if (rng->Below(2) == 0 && i + 1 < e) {
        std::swap(s[i], s[i + 1]);
      } else if (s[i] >= 0x10D0 && s[i] <= 0x10FF) {  // Mkhedruli: another letter
        s[i] = static_cast<char32_t>(0x10D0 + rng->Below(33));
      } else if (s[i] >= 'a' && s[i] <= 'z') {
        const char* n = kNeighbours[s[i] - 'a'];
        s[i] = static_cast<char32_t>(n[rng->Below(static_cast<uint32_t>(std::strlen(n)))]);
      } else if (i + 1 < e) {
        std::swap(s[i], s[i + 1]);
      }
      return Encode(s);
    }
  }
  return std::string(in);
}

std::vector<Message> MessagesFromPack(const pack::Pack& pack, size_t max, uint64_t seed) {
  struct Source {
    const std::string* text;
    int32_t intent;
    Lang lang;
  };
  std::vector<Source> sources;
  for (size_t i = 0; i < pack.intents.size(); ++i) {
    for (Lang lang : pack.languages) {
      for (const pack::Text& t : pack.intents[i].examples[static_cast<size_t>(lang)]) {
        sources.push_back({&t.text, static_cast<int32_t>(i), lang});
      }
    }
  }
  Rng rng(seed);
  // A deterministic sample when the pack has more examples than wanted.
  if (max && sources.size() > max) {
    for (size_t i = 0; i < max; ++i) {
      std::swap(sources[i], sources[i + rng.Below(static_cast<uint32_t>(sources.size() - i))]);
    }
    sources.resize(max);
  }
  std::vector<Message> out;
  out.reserve(sources.size());
  const auto kinds = static_cast<uint32_t>(Perturb::kCount);
  for (size_t i = 0; i < sources.size(); ++i) {
    const auto kind = static_cast<Perturb>(i % kinds);
    Message m;
    m.text = PerturbText(*sources[i].text, sources[i].lang, kind, &rng);
    m.intent = sources[i].intent;
    m.kind = kind;
    out.push_back(std::move(m));
  }
  for (size_t i = out.size(); i > 1; --i) std::swap(out[i - 1], out[rng.Below(static_cast<uint32_t>(i))]);
  return out;
}

Percentiles ComputePercentiles(std::vector<uint32_t>* ns) {
  Percentiles p;
  p.n = ns->size();
  if (ns->empty()) return p;
  std::sort(ns->begin(), ns->end());
  auto at = [&](double q) {
    size_t k = static_cast<size_t>(q * static_cast<double>(ns->size() - 1) + 0.5);
    return static_cast<double>((*ns)[std::min(k, ns->size() - 1)]);
  };
  p.p50 = at(0.50);
  p.p90 = at(0.90);
  p.p99 = at(0.99);
  p.p999 = at(0.999);
  p.max = static_cast<double>(ns->back());
  p.mean = std::accumulate(ns->begin(), ns->end(), 0.0) / static_cast<double>(ns->size());
  return p;
}

Memory ReadMemory() {
  Memory m;
  FILE* f = std::fopen("/proc/self/status", "r");
  if (f) {
    char line[256];
    while (std::fgets(line, sizeof line, f)) {
      unsigned long long kb = 0;
      if (std::sscanf(line, "VmRSS: %llu kB", &kb) == 1) m.rss = kb * 1024;
      if (std::sscanf(line, "VmHWM: %llu kB", &kb) == 1) m.peak = kb * 1024;
    }
    std::fclose(f);
  }
  if (m.peak == 0) {
    rusage ru{};
    if (getrusage(RUSAGE_SELF, &ru) == 0) m.peak = static_cast<uint64_t>(ru.ru_maxrss) * 1024;
  }
  return m;
}

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double ProcessCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

}  // namespace zari::cli::bench
