#include "text/stem.h"

#include <vector>

#include "text/english.h"
#include "text/georgian.h"
#include "util/utf8.h"

namespace zari::text::stem {
namespace {

constexpr size_t kMinStem = 3;

// A suffix layer, indexed by the suffix's last character so that a word is
// compared only with the few suffixes that end like it (a plain scan of every
// suffix with memcmp was a sixth of the pipeline's time for Azerbaijani).
// Built once, during static initialization.
template <typename Char, size_t Buckets, size_t (*Bucket)(Char)>
class Layer {
 public:
  using View = std::basic_string_view<Char>;
  template <size_t N>
  explicit Layer(const View (&suffixes)[N]) {
    for (const View& s : suffixes) {
      const size_t b = Bucket(s.back());
      if (b >= Buckets) continue;
      auto& list = by_last_[b];
      // Longest first: the first match that leaves kMinStem letters is the
      // longest suffix of the layer that does.
      auto it = list.begin();
      while (it != list.end() && it->size() >= s.size()) ++it;
      list.insert(it, s);
    }
  }

  // Strips the longest suffix of the layer that leaves at least kMinStem
  // letters.
  bool Peel(View* w) const {
    if (w->size() <= kMinStem) return false;
    const size_t b = Bucket(w->back());
    if (b >= Buckets) return false;
    for (const View& suf : by_last_[b]) {
      if (suf.size() + kMinStem > w->size()) continue;
      if (w->compare(w->size() - suf.size(), suf.size(), suf) == 0) {
        w->remove_suffix(suf.size());
        return true;
      }
    }
    return false;
  }

 private:
  std::vector<View> by_last_[Buckets];
};

// a–z → 0..25, Mkhedruli → 0..47; anything else wraps to a large value.
inline size_t AsciiBucket(char c) { return static_cast<size_t>(static_cast<unsigned char>(c)) - size_t{'a'}; }
inline size_t GeorgianBucket(char32_t c) { return static_cast<size_t>(c) - size_t{0x10D0}; }
using AzLayer = Layer<char, 26, AsciiBucket>;
using KaLayer = Layer<char32_t, 48, GeorgianBucket>;

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

struct Layers {
  KaLayer ka_clitics{kKaClitics}, ka_case{kKaCase}, ka_plural{kKaPlural}, ka_final_vowel{kKaFinalVowel};
  AzLayer az_question{kAzQuestion}, az_predicative{kAzPredicative}, az_case{kAzCase},
      az_possessive{kAzPossessive}, az_plural{kAzPlural};
};

const Layers& GetLayers() {
  static const Layers* layers = new Layers();  // never freed (no exit-time order issues)
  return *layers;
}

}  // namespace

void Georgian(std::u32string_view w, std::string* buf, std::vector<Span>* spans) {
  const size_t first = spans->size();
  auto emit = [&](std::u32string_view c) {
    size_t begin = buf->size();
    georgian::AppendKey(c, buf);
    Push(buf, spans, first, begin);
  };
  const Layers& l = GetLayers();
  if (l.ka_clitics.Peel(&w)) emit(w);
  if (l.ka_case.Peel(&w)) emit(w);
  if (l.ka_plural.Peel(&w)) emit(w);
  if (l.ka_final_vowel.Peel(&w)) emit(w);
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
  const Layers& l = GetLayers();
  if (l.az_question.Peel(&w)) emit(w);
  if (l.az_predicative.Peel(&w)) emit(w);
  if (l.az_case.Peel(&w)) emit(w);
  if (l.az_possessive.Peel(&w)) emit(w);
  if (l.az_plural.Peel(&w)) emit(w);
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
