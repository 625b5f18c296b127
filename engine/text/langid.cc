#include "text/langid.h"

#include <algorithm>
#include <cstddef>
#include <iterator>

#include "text/azerbaijani.h"
#include "text/latin.h"

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

inline void Add(uint32_t hash, int32_t scores[3]) {
  const signed char* w = &kLangIdWeights[(hash & kMask) * 3];
  scores[0] += w[0];
  scores[1] += w[1];
  scores[2] += w[2];
}

}  // namespace

int ScoreLatinToken(std::u32string_view tok, float out[3]) {
  constexpr size_t kMaxTok = ZARI_LANGID_MAX_TOKEN;
  int32_t scores[3] = {0, 0, 0};
  uint8_t p[kMaxTok + 2];  // boundary + symbols + boundary
  size_t len = 0, total = 0;
  uint32_t word = Fnv(kFnvOffset, kSaltWord);
  for (size_t k = 0; k < tok.size(); ++k) {
    const char32_t c = tok[k];
    if (k > 0 && IsKaShiftLetter(c) && IsAsciiLower(tok[k - 1])) Add(Fnv(kFnvOffset, kSaltShift), scores);
    int s = LatinSymbol(c);
    if (s == 0) continue;
    ++total;
    word = Fnv(word, static_cast<uint32_t>(s));
    if (len < kMaxTok) p[1 + len++] = static_cast<uint8_t>(s);
  }
  if (total == 0) return 0;
  int known = 0;
  if (total <= ZARI_LANGID_MAX_WORD) {
    Add(word, scores);
    const unsigned* end = kLangIdWordHash + std::size(kLangIdWordHash);
    const unsigned* it = std::lower_bound(kLangIdWordHash, end, word);
    if (it != end && *it == word) known = kLangIdWordLangs[it - kLangIdWordHash];
  }
  p[0] = 0;
  p[len + 1] = 0;
  const size_t plen = len + 2;
  // The n-grams starting at i share their prefix hash: one FNV step per
  // symbol, one more to mix in n.
  for (size_t i = 0; i < plen; ++i) {
    uint32_t h = kFnvOffset;
    for (size_t n = 1; n <= ZARI_LANGID_MAX_N && i + n <= plen; ++n) {
      h = Fnv(h, p[i + n - 1]);
      if (n == 1 && (i == 0 || i == plen - 1)) continue;  // a lone boundary
      Add(Fnv(h, kSaltNgram + static_cast<uint32_t>(n)), scores);
    }
  }
  // A word's evidence, centred and clipped (a long name must not outvote the
  // rest), plus a bonus for each language it is a known word of.
  constexpr float kScale = 1.0f / ZARI_LANGID_QUANT;
  const float mean = static_cast<float>(scores[0] + scores[1] + scores[2]) * kScale / 3.0f;
  for (int k = 0; k < 3; ++k) {
    float v = static_cast<float>(scores[k]) * kScale - mean;
    v = std::clamp(v, -ZARI_LANGID_CLIP, ZARI_LANGID_CLIP);
    if ((known >> k) & 1) v += ZARI_LANGID_KNOWN_BONUS;
    out[k] += v;
  }
  return known;
}

LangGuess DetectLanguage(const LangIdToken* tokens, size_t count, LangSet allowed) {
  LangGuess guess;
  int georgian = 0, latin = 0, cyrillic = 0;
  bool az_cyrillic = false;
  for (size_t i = 0; i < count; ++i) {
    for (char32_t c : tokens[i].text) {
      switch (ScriptOf(c)) {
        case ScriptClass::kGeorgian: ++georgian; break;
        case ScriptClass::kLatin: ++latin; break;
        case ScriptClass::kCyrillic:
          ++cyrillic;
          az_cyrillic |= azerbaijani::IsAzCyrillicLetter(c);
          break;
        default: break;
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
