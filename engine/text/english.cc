#include "text/english.h"

#include <libstemmer.h>

#include <bit>
#include <cstdint>
#include <iterator>
#include <cstring>
#include <memory>

#include "util/two_way.h"

namespace zari::text::english {
namespace {

struct Rule {
  std::u32string_view from;
  std::u32string_view to[3];
};

// Whole-token chat spellings and contractions typed without an apostrophe.
constexpr Rule kChat[] = {
    {U"dont", {U"do", U"not"}},       {U"doesnt", {U"does", U"not"}},
    {U"didnt", {U"did", U"not"}},     {U"cant", {U"can", U"not"}},
    {U"cannot", {U"can", U"not"}},    {U"wont", {U"will", U"not"}},
    {U"isnt", {U"is", U"not"}},       {U"arent", {U"are", U"not"}},
    {U"wasnt", {U"was", U"not"}},     {U"werent", {U"were", U"not"}},
    {U"havent", {U"have", U"not"}},   {U"hasnt", {U"has", U"not"}},
    {U"couldnt", {U"could", U"not"}}, {U"shouldnt", {U"should", U"not"}},
    {U"wouldnt", {U"would", U"not"}}, {U"aint", {U"is", U"not"}},
    {U"im", {U"i", U"am"}},           {U"ive", {U"i", U"have"}},
    {U"youre", {U"you", U"are"}},     {U"thats", {U"that"}},
    {U"whats", {U"what"}},            {U"wheres", {U"where"}},
    {U"hows", {U"how"}},              {U"u", {U"you"}},
    {U"ur", {U"your"}},               {U"r", {U"are"}},
    {U"pls", {U"please"}},            {U"plz", {U"please"}},
    {U"thx", {U"thanks"}},            {U"thnx", {U"thanks"}},
    {U"thanx", {U"thanks"}},          {U"ty", {U"thank", U"you"}},
    {U"wanna", {U"want", U"to"}},     {U"gonna", {U"going", U"to"}},
    {U"gotta", {U"got", U"to"}},      {U"msg", {U"message"}},
    {U"acct", {U"account"}},          {U"abt", {U"about"}},
    {U"cuz", {U"because"}},           {U"coz", {U"because"}},
    {U"bc", {U"because"}},            {U"asap", {U"as", U"soon", U"as"}},
};

constexpr Rule kWholeContractions[] = {
    {U"won't", {U"will", U"not"}},  {U"can't", {U"can", U"not"}},
    {U"shan't", {U"shall", U"not"}}, {U"ain't", {U"is", U"not"}},
    {U"let's", {U"let", U"us"}},
};

constexpr Rule kSuffixes[] = {
    {U"n't", {U"not"}}, {U"'re", {U"are"}},  {U"'m", {U"am"}}, {U"'ll", {U"will"}},
    {U"'ve", {U"have"}}, {U"'d", {U"would"}}, {U"'s", {}},
};

Expansion FromRule(const Rule& r) {
  Expansion e;
  for (const auto& w : r.to) {
    if (w.empty()) break;
    e.words[e.count++] = w;
  }
  return e;
}

bool EndsWith(std::u32string_view s, std::u32string_view suf) {
  return s.size() >= suf.size() && s.substr(s.size() - suf.size()) == suf;
}

}  // namespace

// For each first letter a–z, the chat forms that start with it (a bit per
// rule) and their lengths (a bit per length 1–8): most words are rejected
// without looking at the table, the others are compared with a few rules.
struct ChatIndex {
  uint64_t rules[26] = {};
  uint16_t lengths[26] = {};
  constexpr ChatIndex() {
    for (size_t i = 0; i < std::size(kChat); ++i) {
      const auto& r = kChat[i];
      rules[r.from[0] - U'a'] |= uint64_t{1} << i;
      lengths[r.from[0] - U'a'] |= static_cast<uint16_t>(1u << r.from.size());
    }
  }
};
constexpr ChatIndex kChatIndex;
static_assert(std::size(kChat) <= 64, "ChatIndex holds a bit per chat rule");
static_assert([] {
  for (const auto& r : kChat) {
    if (r.from.empty() || r.from.size() > 8 || r.from[0] < U'a' || r.from[0] > U'z') return false;
  }
  return true;
}(), "chat forms are 1-8 letters starting with a-z");

Expansion Expand(std::u32string_view t) {
  if (t.find(U'\'') == std::u32string_view::npos) {
    // The longest chat form is 8 letters.
    if (t.size() <= 8 && !t.empty() && t[0] >= U'a' && t[0] <= U'z' &&
        (kChatIndex.lengths[t[0] - U'a'] >> t.size()) & 1) {
      for (uint64_t m = kChatIndex.rules[t[0] - U'a']; m; m &= m - 1) {
        const Rule& r = kChat[std::countr_zero(m)];
        if (t == r.from) return FromRule(r);
      }
    }
    Expansion e;
    e.words[e.count++] = t;
    return e;
  }
  for (const auto& r : kWholeContractions) {
    if (t == r.from) return FromRule(r);
  }
  for (const auto& r : kSuffixes) {
    if (EndsWith(t, r.from) && t.size() > r.from.size()) {
      Expansion e;
      e.words[e.count++] = t.substr(0, t.size() - r.from.size());
      for (const auto& w : r.to) {
        if (w.empty()) break;
        e.words[e.count++] = w;
      }
      return e;
    }
  }
  // o'clock, y'all: the apostrophe is dropped by the caller.
  Expansion e;
  e.words[e.count++] = t;
  return e;
}

namespace {

// Snowball costs about 1,500 instructions a word, and a support chat repeats
// its words, so each thread keeps the stems of the words it saw last: a
// two-way set-associative table (util/two_way.h) of kStemSlots words of up
// to kStemMaxWord bytes (192 KB, allocated on first use and never after;
// direct-mapped, two in five of the 2,100 words of the MASSIVE English dev
// split shared a slot with another). Longer words are stemmed every time.
constexpr size_t kStemSlots = 4096;
constexpr size_t kStemMaxWord = 23;

struct StemSlot {
  uint8_t word_len = 0;  // 0: empty
  uint8_t stem_len = 0;
  char word[kStemMaxWord];
  char stem[kStemMaxWord];
};

struct Stemmer {
  struct Deleter {
    void operator()(sb_stemmer* s) const { sb_stemmer_delete(s); }
  };
  std::unique_ptr<sb_stemmer, Deleter> snowball{sb_stemmer_new("english", "UTF_8")};
  std::unique_ptr<StemSlot[]> slots{new StemSlot[kStemSlots]};
};

// The first of the two slots of a word's set.
inline size_t SetOf(std::string_view word) {
  uint32_t h = 2166136261u;
  for (char c : word) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  return ((h ^ (h >> 15)) & (kStemSlots / 2 - 1)) * 2;
}

}  // namespace

void AppendStem(std::string_view word, std::string* out) {
  thread_local Stemmer stemmer;
  if (!stemmer.snowball || word.empty()) {
    out->append(word);
    return;
  }
  StemSlot* set = nullptr;
  if (word.size() <= kStemMaxWord) {
    set = &stemmer.slots[SetOf(word)];
    const StemSlot* hit = two_way::Find(set, [&](const StemSlot& slot) {
      return slot.word_len == word.size() && std::memcmp(slot.word, word.data(), word.size()) == 0;
    });
    if (hit) {
      out->append(hit->stem, hit->stem_len);
      return;
    }
  }
  const sb_symbol* s = sb_stemmer_stem(stemmer.snowball.get(), reinterpret_cast<const sb_symbol*>(word.data()),
                                       static_cast<int>(word.size()));
  if (!s) {
    out->append(word);
    return;
  }
  const size_t len = static_cast<size_t>(sb_stemmer_length(stemmer.snowball.get()));
  out->append(reinterpret_cast<const char*>(s), len);
  if (set && len <= kStemMaxWord) {
    StemSlot& slot = *two_way::Insert(set);
    slot.word_len = static_cast<uint8_t>(word.size());
    slot.stem_len = static_cast<uint8_t>(len);
    std::memcpy(slot.word, word.data(), word.size());
    std::memcpy(slot.stem, s, len);
  }
}

}  // namespace zari::text::english
