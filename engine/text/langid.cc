#include "text/langid.h"

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <cstring>
#include <memory>

#include "text/azerbaijani.h"
#include "text/latin.h"
#include "util/two_way.h"

namespace zari::text {
namespace {

#include "text/langid_model.inc"

constexpr uint32_t kBuckets = 1u << ZARI_LANGID_BUCKET_BITS;
constexpr uint32_t kMask = kBuckets - 1;
static_assert(sizeof(kLangIdWeights) == kBuckets * 3, "langid_model.inc does not match its bucket count");
static_assert(std::size(kLangIdWordHash) == std::size(kLangIdWordLangs), "langid_model.inc: word tables differ");

// Feature extraction; must stay identical to bench/eval/make_langid_model.py.
constexpr uint32_t kFnvOffset = 2166136261u;
constexpr uint32_t kFnvPrime = 16777619u;
constexpr uint8_t kSaltNgram = 0x80;  // + n, mixed in after the n-gram's symbols
constexpr uint8_t kSaltWord = 0x40;
constexpr uint8_t kSaltShift = 0x50;

inline uint32_t Fnv(uint32_t h, uint32_t byte) { return (h ^ byte) * kFnvPrime; }

// The model's alphabet: a–z 1–26, ə 27, ı 28, ş 29, ç 30, ğ 31, ö 32, ü 33,
// apostrophe 34; 0 for anything else (skipped). Case-insensitive, İ and I → i.
int LatinSymbol(char32_t c) {
  if (c < 0x80) {
    if (c >= 'A' && c <= 'Z') return static_cast<int>(c - 'A' + 1);
    if (c >= 'a' && c <= 'z') return static_cast<int>(c - 'a' + 1);
    return c == '\'' ? 34 : 0;
  }
  switch (c) {
    case U'ə': case U'Ə': case U'ä': case U'Ä': case 0x01DD: case 0x018E: return 27;
    case U'ı': return 28;
    case U'ş': case U'Ş': return 29;
    case U'ç': case U'Ç': return 30;
    case U'ğ': case U'Ğ': return 31;
    case U'ö': case U'Ö': return 32;
    case U'ü': case U'Ü': return 33;
    default: break;
  }
  char b = latin::AsciiBase(c);
  return b ? b - 'a' + 1 : 0;
}

inline bool IsKaShiftLetter(char32_t c) {
  return c == 'T' || c == 'W' || c == 'R' || c == 'S' || c == 'J' || c == 'Z' || c == 'C';
}

// The three weights of a bucket packed into one integer, w0 + w1·2^21 +
// w2·2^42: summing packed values sums each language's weights in its own
// 21-bit field (exactly: a token adds at most a few hundred weights of at most
// 128 in magnitude, far below 2^20), one load and one add per feature instead
// of three of each. Built at compile time from kLangIdWeights.
constexpr int kLaneBits = 21;
struct PackedWeights {
  uint64_t w[kBuckets] = {};
  constexpr PackedWeights() {
    for (uint32_t b = 0; b < kBuckets; ++b) {
      const int64_t v = static_cast<int64_t>(kLangIdWeights[b * 3]) +
                        static_cast<int64_t>(kLangIdWeights[b * 3 + 1]) * (int64_t{1} << kLaneBits) +
                        static_cast<int64_t>(kLangIdWeights[b * 3 + 2]) * (int64_t{1} << (2 * kLaneBits));
      w[b] = static_cast<uint64_t>(v);
    }
  }
};
constexpr PackedWeights kPacked;

inline void Add(uint32_t hash, uint64_t* acc) { *acc += kPacked.w[hash & kMask]; }

// The three sums back out of an accumulator.
inline void Unpack(uint64_t acc, int32_t scores[3]) {
  constexpr int64_t kLane = int64_t{1} << kLaneBits;
  auto low = [](int64_t a) {  // the signed value of the lowest lane
    int64_t v = a & (kLane - 1);
    return v >= kLane / 2 ? v - kLane : v;
  };
  int64_t a = static_cast<int64_t>(acc);
  const int64_t s0 = low(a);
  a = (a - s0) / kLane;
  const int64_t s1 = low(a);
  a = (a - s1) / kLane;
  scores[0] = static_cast<int32_t>(s0);
  scores[1] = static_cast<int32_t>(s1);
  scores[2] = static_cast<int32_t>(a);
}


// One token's contribution to each language's score, and the languages it is
// a known word of.
struct TokenScore {
  float v[3] = {0, 0, 0};
  int known = 0;
};

TokenScore ComputeTokenScore(std::u32string_view tok) {
  TokenScore r;
  constexpr size_t kMaxTok = ZARI_LANGID_MAX_TOKEN;
  uint64_t acc = 0;
  uint8_t p[kMaxTok + 2];  // boundary + symbols + boundary
  size_t len = 0, total = 0;
  uint32_t word = Fnv(kFnvOffset, kSaltWord);
  for (size_t k = 0; k < tok.size(); ++k) {
    const char32_t c = tok[k];
    if (k > 0 && IsKaShiftLetter(c) && IsAsciiLower(tok[k - 1])) Add(Fnv(kFnvOffset, kSaltShift), &acc);
    int s = LatinSymbol(c);
    if (s == 0) continue;
    ++total;
    word = Fnv(word, static_cast<uint32_t>(s));
    if (len < kMaxTok) p[1 + len++] = static_cast<uint8_t>(s);
  }
  if (total == 0) return r;
  int known = 0;
  if (total <= ZARI_LANGID_MAX_WORD) {
    Add(word, &acc);
    const unsigned* end = kLangIdWordHash + std::size(kLangIdWordHash);
    const unsigned* it = std::lower_bound(kLangIdWordHash, end, word);
    if (it != end && *it == word) known = kLangIdWordLangs[it - kLangIdWordHash];
  }
  p[0] = 0;
  p[len + 1] = 0;
  const size_t plen = len + 2;
  // The n-grams starting at i share their prefix hash: one FNV step per
  // symbol, one more to mix in n. Unrolled for n = 1..4; a lone boundary is
  // not a unigram.
  static_assert(ZARI_LANGID_MAX_N == 4, "the n-gram loop below is unrolled for n = 1..4");
  constexpr uint32_t kSalt1 = kSaltNgram + 1, kSalt2 = kSaltNgram + 2, kSalt3 = kSaltNgram + 3,
                     kSalt4 = kSaltNgram + 4;
  size_t i = 0;
  for (; i + 4 <= plen; ++i) {
    uint32_t h = Fnv(kFnvOffset, p[i]);
    if (i != 0) Add(Fnv(h, kSalt1), &acc);
    h = Fnv(h, p[i + 1]);
    Add(Fnv(h, kSalt2), &acc);
    h = Fnv(h, p[i + 2]);
    Add(Fnv(h, kSalt3), &acc);
    h = Fnv(h, p[i + 3]);
    Add(Fnv(h, kSalt4), &acc);
  }
  for (; i < plen; ++i) {  // the last three starts: shorter n-grams only
    uint32_t h = Fnv(kFnvOffset, p[i]);
    if (i != 0 && i != plen - 1) Add(Fnv(h, kSalt1), &acc);
    if (i + 2 > plen) continue;
    h = Fnv(h, p[i + 1]);
    Add(Fnv(h, kSalt2), &acc);
    if (i + 3 > plen) continue;
    h = Fnv(h, p[i + 2]);
    Add(Fnv(h, kSalt3), &acc);
  }
  int32_t scores[3];
  Unpack(acc, scores);
  // A word's evidence, centred and clipped (a long name must not outvote the
  // rest), plus a bonus for each language it is a known word of.
  constexpr float kScale = 1.0f / ZARI_LANGID_QUANT;
  const float mean = static_cast<float>(scores[0] + scores[1] + scores[2]) * kScale / 3.0f;
  for (int k = 0; k < 3; ++k) {
    float v = static_cast<float>(scores[k]) * kScale - mean;
    v = std::clamp(v, -ZARI_LANGID_CLIP, ZARI_LANGID_CLIP);
    if ((known >> k) & 1) v += ZARI_LANGID_KNOWN_BONUS;
    r.v[k] = v;
  }
  r.known = known;
  return r;
}


// The model's input, one byte per code point: the symbol (1–34, 0 for none),
// 0x40 for an ASCII capital, 0x80 for a non-ASCII letter. A token's score is
// a function of these bytes alone (symbols for the n-grams and the word,
// ASCII case for the keyboard's Shift cue), so they key the cache below.
inline uint8_t Encode(char32_t c) {
  if (c < 0x80) {
    if (c >= 'a' && c <= 'z') return static_cast<uint8_t>(c - 'a' + 1);
    if (c >= 'A' && c <= 'Z') return static_cast<uint8_t>((c - 'A' + 1) | 0x40);
    return c == '\'' ? 34 : 0;
  }
  const int s = LatinSymbol(c);
  return s ? static_cast<uint8_t>(s | 0x80) : 0;
}

// Chat repeats its words, so each thread keeps the scores of the tokens it
// saw last: a two-way set-associative table (util/two_way.h) of kScoreSlots
// tokens of up to kScoreMaxLen code points (176 KB, allocated on first use
// and never after). A hit costs a hash and a compare or two instead of ~4
// lookups per letter in a table too large for the L1 cache.
constexpr size_t kScoreSlots = 4096;
constexpr size_t kScoreMaxLen = 24;
struct ScoreSlot {
  uint8_t len = 0;  // 0: empty
  uint8_t key[kScoreMaxLen];
  TokenScore score;
};

ScoreSlot* ScoreCache() {
  thread_local std::unique_ptr<ScoreSlot[]> slots(new ScoreSlot[kScoreSlots]);
  return slots.get();
}

}  // namespace

int ScoreLatinToken(std::u32string_view tok, float out[3]) {
  TokenScore r;
  if (tok.empty()) return 0;
  if (tok.size() <= kScoreMaxLen) {
    uint8_t key[kScoreMaxLen];
    uint32_t h = kFnvOffset;
    for (size_t k = 0; k < tok.size(); ++k) {
      key[k] = Encode(tok[k]);
      h = Fnv(h, key[k]);
    }
    ScoreSlot* set = &ScoreCache()[((h ^ (h >> 15)) & (kScoreSlots / 2 - 1)) * 2];
    const ScoreSlot* hit = two_way::Find(set, [&](const ScoreSlot& slot) {
      return slot.len == tok.size() && std::memcmp(slot.key, key, tok.size()) == 0;
    });
    if (hit) {
      r = hit->score;
    } else {
      r = ComputeTokenScore(tok);
      ScoreSlot& slot = *two_way::Insert(set);
      slot.len = static_cast<uint8_t>(tok.size());
      std::memcpy(slot.key, key, tok.size());
      slot.score = r;
    }
  } else {
    r = ComputeTokenScore(tok);
  }
  out[0] += r.v[0];
  out[1] += r.v[1];
  out[2] += r.v[2];
  return r.known;
}

LangGuess DetectLanguage(const LangIdToken* tokens, size_t count, LangSet allowed) {
  LangGuess guess;
  // Letters by script: one table load, and a count per script class
  // without a branch per letter.
  const CharTable table;
  int by_script[4] = {0, 0, 0, 0};
  for (size_t i = 0; i < count; ++i) {
    for (char32_t c : tokens[i].text) ++by_script[static_cast<int>(table.ScriptOf(c))];
  }
  const int georgian = by_script[static_cast<int>(ScriptClass::kGeorgian)];
  const int latin = by_script[static_cast<int>(ScriptClass::kLatin)];
  const int cyrillic = by_script[static_cast<int>(ScriptClass::kCyrillic)];
  bool az_cyrillic = false;
  for (size_t i = 0; i < count && cyrillic > 0 && !az_cyrillic; ++i) {
    for (char32_t c : tokens[i].text) {
      if (table.ScriptOf(c) == ScriptClass::kCyrillic && azerbaijani::IsAzCyrillicLetter(c)) {
        az_cyrillic = true;
        break;
      }
    }
  }
  const int letters = georgian + latin + cyrillic;
  auto allowed_has = [&](Lang l) { return (allowed & LangBit(l)) != 0; };
  auto only = [&]() -> Lang {
    if (allowed == LangBit(Lang::kKa)) return Lang::kKa;
    if (allowed == LangBit(Lang::kAz)) return Lang::kAz;
    if (allowed == LangBit(Lang::kEn)) return Lang::kEn;
    return Lang::kUnknown;
  };
  if (letters == 0) {
    guess.lang = only();
    return guess;
  }
  guess.majority = georgian * 2 >= letters   ? ScriptClass::kGeorgian
                   : cyrillic * 2 >= letters ? ScriptClass::kCyrillic
                                             : ScriptClass::kLatin;
  if (guess.majority == ScriptClass::kGeorgian) {
    guess.lang = allowed_has(Lang::kKa) ? Lang::kKa : only();
    guess.margin = 100;
    guess.confident = guess.lang != Lang::kUnknown;
    return guess;
  }
  if (guess.majority == ScriptClass::kCyrillic) {
    guess.script = Script::kCyrillic;
    if (az_cyrillic && allowed_has(Lang::kAz)) {
      guess.lang = Lang::kAz;
    } else if (allowed_has(Lang::kKa)) {
      // Georgian typed in Cyrillic, or Russian (out of scope): decoding as
      // Georgian costs nothing when it is Russian, which falls back anyway.
      guess.lang = Lang::kKa;
    } else {
      guess.lang = only();
    }
    guess.margin = 100;
    guess.confident = guess.lang != Lang::kUnknown;
    return guess;
  }

  // Latin letters: the model.
  float s[3] = {0, 0, 0};
  int known = 0;  // languages with a known word in the message (bit k)
  for (size_t i = 0; i < count; ++i) {
    if (tokens[i].script == ScriptClass::kLatin) known |= ScoreLatinToken(tokens[i].text, s);
  }
  static constexpr Lang kOrder[3] = {Lang::kKa, Lang::kAz, Lang::kEn};
  int best = -1, second = -1;
  for (int k = 0; k < 3; ++k) {
    guess.latin_scores[k] = s[k];
    if (!allowed_has(kOrder[k])) continue;
    if (best < 0 || s[k] > s[best]) {
      second = best;
      best = k;
    } else if (second < 0 || s[k] > s[second]) {
      second = k;
    }
  }
  if (best < 0 || (second >= 0 && s[best] == s[second])) {
    guess.lang = only();  // nothing to go by (e.g. letters outside the model's alphabet)
    return guess;
  }
  guess.lang = kOrder[best];
  guess.script = guess.lang == Lang::kKa ? Script::kLatin : Script::kNative;
  if (second < 0) {
    guess.margin = 100;
    guess.confident = true;
    return guess;
  }
  guess.margin = s[best] - s[second];
  guess.known_word = (known >> best) & 1;
  // Letters only Azerbaijani uses among the three (ə ı ğ ş) decide without a
  // known word: `kartım` is Azerbaijani in any conversation.
  bool az_letters = false;
  if (guess.lang == Lang::kAz) {
    for (size_t i = 0; i < count && !az_letters; ++i) {
      for (char32_t c : tokens[i].text) {
        if (c == U'ə' || c == U'Ə' || c == U'ı' || c == U'ğ' || c == U'Ğ' || c == U'ş' || c == U'Ş' || c == U'İ') {
          az_letters = true;
          break;
        }
      }
    }
  }
  guess.confident = (guess.margin >= kConfidentMargin && guess.known_word) || (az_letters && guess.margin >= kConfidentMargin);
  return guess;
}

}  // namespace zari::text
