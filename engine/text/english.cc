#include "text/english.h"

#include <libstemmer.h>

#include <memory>

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

Expansion Expand(std::u32string_view t) {
  if (t.find(U'\'') == std::u32string_view::npos) {
    if (t.size() <= 8) {  // the longest chat form is 8 letters
      for (const auto& r : kChat) {
        if (r.from.size() == t.size() && r.from[0] == t[0] && t == r.from) return FromRule(r);
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

void AppendStem(std::string_view word, std::string* out) {
  struct Deleter {
    void operator()(sb_stemmer* s) const { sb_stemmer_delete(s); }
  };
  thread_local std::unique_ptr<sb_stemmer, Deleter> stemmer(sb_stemmer_new("english", "UTF_8"));
  if (!stemmer) {
    out->append(word);
    return;
  }
  const sb_symbol* s = sb_stemmer_stem(stemmer.get(), reinterpret_cast<const sb_symbol*>(word.data()),
                                       static_cast<int>(word.size()));
  if (!s) {
    out->append(word);
    return;
  }
  out->append(reinterpret_cast<const char*>(s), static_cast<size_t>(sb_stemmer_length(stemmer.get())));
}

}  // namespace zari::text::english
