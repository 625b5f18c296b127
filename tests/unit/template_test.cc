// Token programs (pack/template.h) give what the templates' regexes give:
// match or not, the span and every slot, on the bundled packs' templates and
// on templates written to exercise every part of the syntax; and they stay
// fast on templates and messages built to make a backtracker explode.
#include <doctest/doctest.h>

#include <re2/re2.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "../template_oracle.h"
#include "pack/loader.h"
#include "pack/template.h"
#include "text/normalize.h"

using zari::pack::CompiledTemplate;
using zari::pack::CompileTemplate;
using zari::pack::KeyTokens;
using zari::text::Lang;

namespace {

struct Compiled {
  std::string source;
  Lang lang = Lang::kEn;
  CompiledTemplate t;
  std::unique_ptr<RE2> re;
};

Compiled Compile(const std::string& source, Lang lang) {
  auto t = CompileTemplate(source, lang);
  REQUIRE_MESSAGE(t.ok(), source);
  RE2::Options o;
  o.set_log_errors(false);
  auto re = std::make_unique<RE2>(t->regex, o);
  REQUIRE_MESSAGE(re->ok(), t->regex);
  return {source, lang, std::move(t.value()), std::move(re)};
}

// Compares program and regex on keys and messages, counting what it saw;
// reports the first disagreements.
struct Differential {
  size_t compared = 0, matched = 0, failed = 0;
  zari::text::Normalized n;

  void Key(const Compiled& c, std::string_view key) {
    bool m = false;
    const std::string diff = zari::testing::CompareWithRegex(c.t, *c.re, key, &m);
    ++compared;
    matched += m;
    if (!diff.empty() && ++failed <= 20) {
      FAIL_CHECK("template '" << c.source << "' on key '" << std::string(key) << "': " << diff);
    }
  }
  void Message(const Compiled& c, const std::string& text) {
    zari::text::NormalizeOptions o;
    o.forced = c.lang;
    zari::text::Normalize(text, o, &n);
    Key(c, n.key);
  }
};

std::vector<std::string> Words(const std::string& text) {
  std::vector<std::string> out;
  std::string w;
  for (char c : text + " ") {
    if (c == ' ') {
      if (!w.empty()) out.push_back(w);
      w.clear();
    } else {
      w.push_back(c);
    }
  }
  return out;
}

std::string Join(const std::vector<std::string>& words, const char* sep = " ") {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) out += (i ? sep : "") + words[i];
  return out;
}

// The words a template is written with (syntax dropped; a `pre*` also with an
// ending), and tokens that the slot types take or refuse.
std::vector<std::string> Vocabulary(const std::string& source) {
  std::vector<std::string> words;
  std::string w;
  for (size_t i = 0; i <= source.size(); ++i) {
    const char c = i < source.size() ? source[i] : ' ';
    if (c == '{') {
      i = std::min(source.find('}', i), source.size());
    } else if (c == '*' && !w.empty()) {
      words.push_back(w + "ab");
    } else if (!std::strchr("()[]|^$* {}\\", c)) {
      w.push_back(c);
      continue;
    }
    if (!w.empty()) words.push_back(w);
    w.clear();
  }
  for (const char* slot_token : {"7", "12.5", "1.2.3", "+995", "599", "x"}) words.push_back(slot_token);
  return words;
}

// A message of 0 to `max_words` words drawn from `words`.
std::string RandomMessage(const std::vector<std::string>& words, size_t max_words, std::mt19937* rng) {
  const size_t len = (*rng)() % (max_words + 1);
  std::vector<std::string> out;
  for (size_t i = 0; i < len; ++i) out.push_back(words[(*rng)() % words.size()]);
  return Join(out);
}

// Templates that use every part of the syntax, and the places where a
// backtracker could prefer another match than RE2: optional and lazy parts,
// alternatives that share a beginning, slots next to gaps, anchors.
const char* kSyntax[] = {
    "^(balance|my balance)$",
    "(check|show) [my] balance",
    "top up* *",
    "[my] {name}",
    "(how much money|balance) left",
    "call {who} at {number:phone}",
    "send {amount:number} (gel|lari) to {to:digits}",
    "[[a] b] c",
    "(a|!) {x}",
    "[{x}] [a]",
    "a * a * b",
    "^ * a $",
    "^a",
    "a$",
    "^{x}$",
    "{x} {y} {z}",
    "{p:phone} {d:digits}",
    "{p:phone} x",
    "(a b|a) b",
    "(a|a b) b c",
    "x [y|z w] * {t} end$",
    "[*] a",
    "a [*] [b]",
    "ab* (c|cd*) *",
    "don't* know",
    "can't {x}",
    "(a|[b]) c",
    "[a|] b",
    "((a|b) (c|d)|e) f",
    "a [b [c [d]]] e",
    "{n:number}",
    "{d:digits} {e:digits} *",
    "* {n:number} x",
    "[{a:phone}] {b:number} [c]",
    "\\*100\\# a",
};

}  // namespace

TEST_CASE("a message key splits into tokens at every space") {
  KeyTokens k;
  k.Split(" a  bc ");
  REQUIRE(k.size() == 3);
  CHECK(k[0] == "a");
  CHECK(k[1] == "");
  CHECK(k[2] == "bc");
  CHECK(k.Space(3) == 6);
  k.Split("x y");  // no token between two spaces
  CHECK(k.boundaries() == 1);
  CHECK(k.size() == 0);
  k.Split("");
  CHECK(k.boundaries() == 0);
}

TEST_CASE("a token program's match, span and slots") {
  zari::text::Normalized n;
  auto run = [&](const Compiled& c, const char* message, int ngroups, std::string_view* groups) {
    zari::text::NormalizeOptions o;
    o.forced = c.lang;
    zari::text::Normalize(message, o, &n);
    KeyTokens k;
    k.Split(n.key);
    return c.t.program.Match(k, groups, ngroups);
  };
  std::string_view g[3];
  const Compiled send = Compile("send {amount:number} (gel|lari) to {to:digits}", Lang::kEn);
  REQUIRE(run(send, "please send 12.5 gel to 555 now", 3, g));
  CHECK(g[0] == " send 12.5 gel to 555 ");
  CHECK(g[1] == "12.5 ");
  CHECK(g[2] == "555 ");
  CHECK_FALSE(run(send, "send 1.2.3 gel to 555", 3, g));
  // A gap is lazy: the first `b` after the `a` ends the match.
  const Compiled gap = Compile("a * b", Lang::kEn);
  REQUIRE(run(gap, "c a x b b", 1, g));
  CHECK(g[0] == " a x b ");
  // A phone takes up to six more groups of digits, and gives back what the
  // rest of the template needs.
  const Compiled phone = Compile("{p:phone} 56", Lang::kEn);
  REQUIRE(run(phone, "+995 599 12 34 56", 2, g));
  CHECK(g[1] == "+995 599 12 34 ");
  // Optional parts are tried first; a slot that took no part is null.
  const Compiled opt = Compile("[{a:digits}] x", Lang::kEn);
  REQUIRE(run(opt, "7 x", 2, g));
  CHECK(g[1] == "7 ");
  REQUIRE(run(opt, "y x", 2, g));
  CHECK(g[1].data() == nullptr);
  const Compiled anchored = Compile("^a$", Lang::kEn);
  CHECK(run(anchored, "a", 0, nullptr));
  CHECK_FALSE(run(anchored, "a b", 0, nullptr));
  CHECK_FALSE(run(anchored, "b a", 0, nullptr));
}

TEST_CASE("token programs match like the regexes: bundled packs' templates on their examples") {
  std::mt19937 rng(20240611);
  Differential d;
  size_t templates = 0;
  for (const char* dir : {"/intents/telecom", "/tests/data/packs/nightshift"}) {
    auto pack = zari::pack::LoadPack(std::string(ZARI_SOURCE_DIR) + dir);
    REQUIRE(pack.ok());
    for (int l = 1; l < zari::text::kLangCount; ++l) {
      const Lang lang = static_cast<Lang>(l);
      std::vector<std::string> examples;
      for (const auto& in : pack->intents) {
        for (const auto& e : in.examples[static_cast<size_t>(l)]) examples.push_back(e.text);
      }
      if (examples.empty()) continue;
      for (const auto& in : pack->intents) {
        for (const auto& pattern : in.patterns[static_cast<size_t>(l)]) {
          const Compiled c = Compile(pattern.text, lang);
          ++templates;
          // Its intent's examples as written and with their words shuffled,
          // others' examples, and random runs of the template's own words.
          for (const auto& e : in.examples[static_cast<size_t>(l)]) {
            d.Message(c, e.text);
            std::vector<std::string> words = Words(e.text);
            std::shuffle(words.begin(), words.end(), rng);
            d.Message(c, Join(words));
          }
          for (int i = 0; i < 20; ++i) d.Message(c, examples[rng() % examples.size()]);
          const std::vector<std::string> vocabulary = Vocabulary(pattern.text);
          for (int i = 0; i < 30; ++i) d.Message(c, RandomMessage(vocabulary, 10, &rng));
        }
      }
    }
  }
  MESSAGE(d.compared << " comparisons of " << templates << " templates, " << d.matched << " matches");
  CHECK(d.failed == 0);
  CHECK(templates > 300);
  // The comparison means something only if templates do match.
  CHECK(d.matched > templates * 2);
}

TEST_CASE("token programs match like the regexes: every part of the syntax, odd keys") {
  std::mt19937 rng(7);
  Differential d;
  for (const char* source : kSyntax) {
    const Compiled c = Compile(source, Lang::kEn);
    const std::vector<std::string> vocabulary = Vocabulary(source);
    for (int i = 0; i < 300; ++i) d.Message(c, RandomMessage(vocabulary, 8, &rng));
    // Keys the normalizer never makes (an empty token, text before the first
    // space, none after the last): the program follows the regex there too.
    std::vector<std::string> tokens;
    for (const std::string& w : vocabulary) {
      d.Message(c, w);
      for (const std::string& t : Words(std::string(d.n.BareKey()))) tokens.push_back(t);
    }
    REQUIRE_FALSE(tokens.empty());
    for (const char* key : {"", " ", "  ", "a", " a", "a "}) d.Key(c, key);
    for (int i = 0; i < 200; ++i) {
      std::string key = rng() % 4 == 0 ? "" : " ";
      const size_t len = rng() % 7;
      for (size_t j = 0; j < len; ++j) key += tokens[rng() % tokens.size()] + (rng() % 5 == 0 ? "  " : " ");
      if (rng() % 4 == 0 && !key.empty()) key.pop_back();
      d.Key(c, key);
    }
  }
  MESSAGE(d.compared << " comparisons, " << d.matched << " matches");
  CHECK(d.failed == 0);
  CHECK(d.matched > d.compared / 10);
}

TEST_CASE("token programs stay linear on templates and messages built to explode a backtracker") {
  // Without the visited table, `a * a * a * a * b` on n `a`s tries every way
  // to place four a's: n^4 / 24 paths for 2,000 tokens. No timing is asserted;
  // the test finishing is the point, and it must still agree with RE2.
  std::string as;
  for (int i = 0; i < 2000; ++i) as += " a";
  const std::string key = as + " ", ending = as + " b ";
  Differential d;
  for (const char* source : {"a * a * a * a * b", "{w} {x} {y} {z} b", "* * * * b", "[a] [a] [a] [a] [a] [a] [a] [a] b",
                             "(a|a a|a a a) * (a|a a) * b", "{p:phone} {q:phone} b"}) {
    const Compiled c = Compile(source, Lang::kEn);
    d.Key(c, key);
    d.Key(c, ending);
  }
  CHECK(d.failed == 0);
  CHECK(d.matched == 5);  // all but the phones find their `b`
}

TEST_CASE("a template's program has a bounded size") {
  // `*` is the densest syntax (three steps a byte): a template at the pack's
  // text limit stays far below the bound, a much longer one is rejected.
  auto within = CompileTemplate(std::string(4095, '*') + "a", Lang::kEn);
  REQUIRE(within.ok());
  CHECK(within->program.steps().size() < 12300);
  std::string stars;
  for (int i = 0; i < 22000; ++i) stars += "* ";
  auto over = CompileTemplate(stars + "a", Lang::kEn);
  REQUIRE_FALSE(over.ok());
  CHECK(over.status().message().find("too long") != std::string::npos);
}

TEST_CASE("brackets nest at most 32 deep") {
  // The compiler recurses per bracket: 2,000 nested '[' used to overflow the
  // stack of a fuzzing build (found by the template fuzzer).
  auto nested = [](int depth) {  // (((word) b) b) ...: every level required
    std::string t(static_cast<size_t>(depth), '(');
    t += "word";
    for (int i = 0; i < depth; ++i) t += ") b";
    return t;
  };
  auto ok = CompileTemplate(nested(32), Lang::kEn);
  CHECK(ok.ok());
  auto deep = CompileTemplate(nested(33), Lang::kEn);
  REQUIRE_FALSE(deep.ok());
  CHECK(deep.status().message().find("nested more than 32 deep") != std::string::npos);
  auto hostile = CompileTemplate(std::string(2150, '[') + "a" + std::string(2150, ']'), Lang::kEn);
  CHECK_FALSE(hostile.ok());
}
