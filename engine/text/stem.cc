#include "text/stem.h"

#include "text/english.h"
#include "text/georgian.h"
#include "text/utf8.h"

namespace zari::text::stem {
namespace {

constexpr size_t kMinStem = 3;

bool EndsWith(std::u32string_view s, std::u32string_view suf) {
  return s.size() > suf.size() && s.substr(s.size() - suf.size()) == suf;
}
bool EndsWith(std::string_view s, std::string_view suf) {
  return s.size() > suf.size() && s.substr(s.size() - suf.size()) == suf;
}

// Strips the longest suffix of `layer` that leaves at least kMinStem letters.
template <typename View, size_t N>
bool Peel(View* w, const View (&layer)[N]) {
  size_t best = 0;
  for (const View& suf : layer) {
    if (suf.size() > best && EndsWith(*w, suf) && w->size() - suf.size() >= kMinStem) {
      best = suf.size();
    }
  }
  if (best == 0) return false;
  *w = w->substr(0, w->size() - best);
  return true;
}

// Records buf[begin..] as a candidate of the word whose candidates start at
// spans[first]; drops empty candidates and repeats of the previous one.
void Push(std::string* buf, std::vector<Span>* spans, size_t first, size_t begin) {
  size_t len = buf->size() - begin;
  if (len == 0) return;
  if (spans->size() > first) {
    const Span& prev = spans->back();
    if (prev.len == len && buf->compare(prev.begin, prev.len, *buf, begin, len) == 0) {
      buf->resize(begin);
      return;
    }
  }
  spans->push_back({static_cast<uint32_t>(begin), static_cast<uint32_t>(len)});
}

// Georgian suffix layers (Wiktionary declension tables; kartuliena.eu).
constexpr std::u32string_view kKaClitics[] = {U"ც", U"ვე"};
constexpr std::u32string_view kKaCase[] = {
    U"ისათვის", U"ისთვის", U"იდან", U"ისგან", U"ისკენ", U"ივით", U"ამდე", U"მდე", U"თან",
    U"ში", U"ზე", U"ით", U"ად", U"ის", U"მა", U"ს", U"ი", U"ო", U"მ",
};
constexpr std::u32string_view kKaPlural[] = {U"ებ"};
constexpr std::u32string_view kKaFinalVowel[] = {U"ა", U"ე", U"ო"};

// Azerbaijani layers on the key (harmony variants ı/i, ü/u, ə/e already merged).
constexpr std::string_view kAzQuestion[] = {"mi", "mu"};
constexpr std::string_view kAzPredicative[] = {"dir", "dur", "tir", "tur", "yam", "yem", "am",
                                               "em", "san", "sen", "yik", "yiq", "iq", "ik",
                                               "siniz", "sunuz"};
constexpr std::string_view kAzCase[] = {
    "ndan", "nden", "dan", "den", "tan", "ten",   // ablative
    "nda", "nde", "da", "de", "ta", "te",         // locative
    "nin", "nun", "in", "un",                     // genitive
    "yla", "yle", "la", "le",                     // instrumental
    "ya", "ye", "na", "ne", "a", "e",             // dative
    "ni", "nu", "i", "u",                         // accusative
};
constexpr std::string_view kAzPossessive[] = {"imiz", "umuz", "miz", "muz", "iniz", "unuz", "niz",
                                              "nuz", "si", "su", "im", "um", "m", "in", "un",
                                              "n", "i", "u"};
constexpr std::string_view kAzPlural[] = {"lari", "leri", "lar", "ler"};

// Words never stemmed: short function words and names whose endings look
// like suffixes (bakı → bak, salam → sal).
constexpr std::string_view kAzNoStem[] = {"salam", "baki", "gence", "sumqayit", "tbilisi",
                                          "men", "sen", "biz", "siz", "onlar", "bunlar",
                                          "amma", "ancaq", "zari"};

}  // namespace

void Georgian(std::u32string_view w, std::string* buf, std::vector<Span>* spans) {
  const size_t first = spans->size();
  auto emit = [&](std::u32string_view c) {
    size_t begin = buf->size();
    georgian::AppendKey(c, buf);
    Push(buf, spans, first, begin);
  };
  if (Peel(&w, kKaClitics)) emit(w);
  if (Peel(&w, kKaCase)) emit(w);
  if (Peel(&w, kKaPlural)) emit(w);
  if (Peel(&w, kKaFinalVowel)) emit(w);
}

void Azerbaijani(std::string_view w, std::string* buf, std::vector<Span>* spans) {
  for (auto n : kAzNoStem) {
    if (w == n) return;
  }
  const size_t first = spans->size();
  auto emit = [&](std::string_view c) {
    size_t begin = buf->size();
    buf->append(c);
    Push(buf, spans, first, begin);
  };
  if (Peel(&w, kAzQuestion)) emit(w);
  if (Peel(&w, kAzPredicative)) emit(w);
  if (Peel(&w, kAzCase)) emit(w);
  if (Peel(&w, kAzPossessive)) emit(w);
  if (Peel(&w, kAzPlural)) emit(w);
}

void English(std::string_view w, std::string* buf, std::vector<Span>* spans) {
  size_t begin = buf->size();
  english::AppendStem(w, buf);
  if (std::string_view(*buf).substr(begin) == w) {
    buf->resize(begin);
    return;
  }
  Push(buf, spans, spans->size(), begin);
}

}  // namespace zari::text::stem
