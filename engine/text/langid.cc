#include "text/langid.h"

#include <algorithm>
#include <array>
#include <string>
#include <unordered_set>

#include "text/azerbaijani.h"
#include "text/latin.h"

namespace zari::text {
namespace {

// Frequent words of each language as typed in Latin letters without
// diacritics (Azerbaijani words also appear with them; both are folded to
// ASCII before the lookup). Function words and the words of support chats.
constexpr std::string_view kKaWords[] = {
    "gamarjoba", "gamarjobat", "madloba", "gmadlobt", "rogor", "xar", "khar", "xart", "ra", "sad",
    "ar", "ara", "diax", "ki", "minda", "gvinda", "aris", "tu", "chemi", "cemi", "chems", "cems",
    "sheidzleba", "sheidzleba", "shemidzlia", "semidzlia", "gtxovt", "gtkhovt", "rato", "ratom",
    "rodis", "ramdeni", "romeli", "ak", "aq", "iq", "ik", "es", "is", "da", "an", "mec", "isic",
    "kargad", "kargi", "saidan", "vis", "ras", "unda", "maqvs", "makvs", "mak", "gaqvt", "gakvt",
    "mimaq", "var", "xom", "kho", "ukve", "ertad", "chemtvis", "chven", "tkven", "tqven", "sheni",
    "gaumarjos", "nakhvamdis", "naxvamdis", "kvela", "yvela", "ginda", "vici", "ar", "mushaobs",
    "mushaobs", "musaobs", "ver", "vera", "aghar", "agar", "ertxel", "ramdenia", "rogoraa",
    "sadaa", "gaqvs", "moxda", "ravi", "ese", "ise", "magram", "isev", "kidev", "unda", "shemidzlia",
    "sheidzlebat", "nomeri", "nomris", "balansi", "baratis", "barati", "gadaxda", "gadakhda",
    "operatori", "operators", "operatortan", "zari", "dzalian", "tavidan", "axla", "akhla", "dges",
    "khval", "xval", "gushin", "sakhli", "saxli", "internet", "interneti", "tarifi", "paketi",
    "momsaxureba", "momsakhureba", "gamoitsere", "gamowera", "gaaqtiureba", "gavaaktiuro",
};

constexpr std::string_view kAzWords[] = {
    "salam", "nece", "necedir", "ve", "var", "yox", "yoxdur", "men", "siz", "sen", "ucun",
    "harada", "hara", "zehmet", "zehmetolmasa", "tesekkur", "tesekkurler", "tesekkurlar", "sag",
    "xahis", "xahiş", "isteyirem", "istiyirem", "isteyirəm", "bu", "ne", "niye", "bir", "ile",
    "olar", "olmaz", "edim", "etmek", "etmeliyem", "bilerem", "bilmirem", "mene", "menim", "sizin",
    "deyil", "he", "beli", "xeyr", "gun", "gunde", "pul", "nomre", "nomremi", "nomrem", "balans",
    "balansimi", "balansim", "kartimi", "kart", "kartim", "hec", "heç", "amma", "ancaq", "cox",
    "daha", "indi", "sonra", "bugun", "sabah", "dunen", "ne", "vaxt", "neçə", "nece", "qeder",
    "necə", "mənə", "mən", "yaxsi", "yaxşı", "olsun", "edin", "edim", "edə", "ede", "bilərəm",
    "istəyirəm", "lazimdir", "lazım", "lazim", "hansi", "hansı", "niyə", "qosulmaq", "qoşulmaq",
    "internet", "paket", "paketi", "tarif", "tarifi", "operatorla", "danismaq", "danışmaq",
    "insanla", "canli", "canlı", "isleyir", "işləyir", "islemir", "işləmir", "sagol", "sağol",
    "olmur", "olur", "getmir", "gelmir", "mumkun", "mümkün", "hesab", "hesabimi", "artirmaq",
    "doldurmaq", "yoxlamaq", "yoxlaya", "yoxlayim", "etmək", "etmek", "birde", "yene", "yenə",
};

constexpr std::string_view kEnWords[] = {
    "the", "is", "my", "how", "what", "where", "can", "please", "i", "you", "to", "a", "of", "and",
    "do", "does", "me", "it", "for", "in", "on", "are", "with", "this", "that", "want", "need",
    "have", "not", "why", "when", "hi", "hello", "thanks", "thank", "check", "balance", "phone",
    "number", "help", "would", "like", "could", "should", "will", "your", "there", "from", "about",
    "get", "just", "know", "tell", "much", "many", "money", "card", "account", "again", "still",
    "working", "work", "doesn", "don", "cant", "dont", "im", "am", "an", "be", "was", "were", "has",
    "had", "did", "which", "who", "any", "some", "all", "no", "yes", "ok", "okay", "good", "bad",
    "time", "today", "tomorrow", "now", "after", "before", "set", "make", "call", "talk", "speak",
    "agent", "human", "person", "someone", "somebody", "pay", "bill", "plan", "data", "buy",
    "cancel", "change", "up", "top", "off", "out", "turn", "lost", "new", "send", "if", "or", "but",
    "so", "than", "then", "they", "them", "we", "us", "our", "he", "she", "his", "her", "its",
    "there", "here", "by", "at", "as", "internet", "roaming", "operator",
};

struct WordSets {
  std::unordered_set<std::string_view> ka, az, en;
  WordSets() {
    for (auto w : kKaWords) ka.insert(w);
    for (auto w : kAzWords) az.insert(w);
    for (auto w : kEnWords) en.insert(w);
  }
};

const WordSets& Words() {
  static const WordSets* w = new WordSets();
  return *w;
}

bool EndsWith(const std::string& s, std::string_view suf) {
  return s.size() > suf.size() + 1 && s.compare(s.size() - suf.size(), suf.size(), suf) == 0;
}

bool IsVowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }

bool IsKaShiftLetter(char32_t c) {
  return c == 'T' || c == 'W' || c == 'R' || c == 'S' || c == 'J' || c == 'Z' || c == 'C';
}

}  // namespace

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
  if (georgian * 2 >= letters) {
    guess.lang = allowed_has(Lang::kKa) ? Lang::kKa : only();
    guess.margin = 1;
    return guess;
  }
  if (cyrillic * 2 >= letters) {
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
    return guess;
  }

  // Latin letters: score the three languages.
  const WordSets& words = Words();
  float ka = 0, az = 0, en = 0;
  std::string ascii;
  for (size_t i = 0; i < count; ++i) {
    const LangIdToken& t = tokens[i];
    if (t.script != ScriptClass::kLatin) continue;
    ascii.clear();
    int upper_inside = 0, lowers = 0;
    for (size_t k = 0; k < t.text.size(); ++k) {
      char32_t c = t.text[k];
      if (c == U'ə' || c == U'Ə' || c == U'ǝ') az += 3;
      else if (IsAzLetter(c) || c == U'ä') az += 1;
      if (IsAsciiLower(c)) ++lowers;
      if (k > 0 && IsKaShiftLetter(c)) ++upper_inside;
      if (char b = latin::AsciiBase(c)) ascii.push_back(b);
      else if (c == '\'') ascii.push_back('\'');
    }
    if (ascii.empty()) continue;
    if (upper_inside > 0 && lowers > 0) ka += 1.0f * static_cast<float>(upper_inside);
    if (words.ka.count(ascii)) ka += 1.5f;
    if (words.az.count(ascii)) az += 1.5f;
    if (words.en.count(ascii)) en += 1.5f;
    for (size_t k = 0; k + 1 < ascii.size(); ++k) {
      if (ascii[k] == 'w' && !IsVowel(ascii[k + 1]) && ascii[k + 1] != 'h') ka += 0.5f;
    }
    for (std::string_view suf : {"ebi", "ebs", "shi", "tan", "dan", "istvis", "ebis", "eba", "oba"}) {
      if (EndsWith(ascii, suf)) { ka += 0.5f; break; }
    }
    for (std::string_view suf : {"lar", "ler", "dir", "dur", "miz", "niz", "maq", "mek", "yir", "yirem", "ram", "rem"}) {
      if (EndsWith(ascii, suf)) { az += 0.5f; break; }
    }
    if (ascii.rfind("th", 0) == 0 || ascii.rfind("wh", 0) == 0) en += 0.5f;
    for (std::string_view suf : {"ing", "tion", "ly", "'s", "n't", "ed"}) {
      if (EndsWith(ascii, suf)) { en += 0.5f; break; }
    }
    if (ascii.find("ck") != std::string::npos || ascii.find("ee") != std::string::npos ||
        ascii.find("oo") != std::string::npos || ascii.find("'") != std::string::npos) {
      en += 0.3f;
    }
  }
  struct Cand { Lang lang; float score; };
  std::array<Cand, 3> c = {{{Lang::kKa, ka}, {Lang::kAz, az}, {Lang::kEn, en}}};
  std::stable_sort(c.begin(), c.end(), [](const Cand& a, const Cand& b) { return a.score > b.score; });
  Cand best{Lang::kUnknown, 0}, second{Lang::kUnknown, 0};
  for (const Cand& x : c) {
    if (!allowed_has(x.lang)) continue;
    if (best.lang == Lang::kUnknown) best = x;
    else if (second.lang == Lang::kUnknown) second = x;
  }
  if (best.lang == Lang::kUnknown || best.score <= 0 || best.score == second.score) {
    guess.lang = only();
    guess.script = guess.lang == Lang::kKa ? Script::kLatin : Script::kNative;
    return guess;
  }
  guess.lang = best.lang;
  guess.margin = best.score - second.score;
  guess.script = best.lang == Lang::kKa ? Script::kLatin : Script::kNative;
  return guess;
}

}  // namespace zari::text
