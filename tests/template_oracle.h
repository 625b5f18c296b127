// A template's token program against the regex it stands for (shared by
// tests/unit/template_test.cc and tests/fuzz/template_fuzzer.cc): the rule
// matcher runs the program, the regex is the definition, so both must give
// the same match, span and slots on every key.
#ifndef ZARI_TESTS_TEMPLATE_ORACLE_H_
#define ZARI_TESTS_TEMPLATE_ORACLE_H_

#include <re2/re2.h>

#include <string>
#include <string_view>
#include <vector>

#include "pack/template.h"

namespace zari::testing {

// "[begin,end)" of a group in the key, "-" when it took no part.
inline std::string GroupRange(std::string_view key, std::string_view g) {
  if (g.data() == nullptr) return "-";
  const size_t b = static_cast<size_t>(g.data() - key.data());
  return "[" + std::to_string(b) + "," + std::to_string(b + g.size()) + ")";
}

// Runs `t` over `key` with RE2 (`re` is t.regex compiled) and with its token
// program, asking for no group, for the match only and for every slot, as
// the rule matcher does. Returns "" when they agree, else what each gave.
// *matched tells whether the regex matched.
inline std::string CompareWithRegex(const pack::CompiledTemplate& t, const RE2& re, std::string_view key,
                                    bool* matched) {
  pack::KeyTokens tokens;
  tokens.Split(key);
  const int all = 1 + static_cast<int>(t.slots.size());
  std::string diff;
  for (int ngroups : {0, 1, all}) {
    std::vector<re2::StringPiece> want(static_cast<size_t>(all));
    std::vector<std::string_view> got(static_cast<size_t>(all));
    const bool w = re.Match(key, 0, key.size(), RE2::UNANCHORED, want.data(), ngroups);
    const bool g = t.program.Match(tokens, got.data(), ngroups);
    *matched = w;
    std::string re2_says = w ? "match" : "no match", program_says = g ? "match" : "no match";
    for (int i = 0; w && i < ngroups; ++i) re2_says += " " + GroupRange(key, want[static_cast<size_t>(i)]);
    for (int i = 0; g && i < ngroups; ++i) program_says += " " + GroupRange(key, got[static_cast<size_t>(i)]);
    if (re2_says != program_says) {
      diff += "groups " + std::to_string(ngroups) + ": RE2 " + re2_says + ", program " + program_says + "; ";
    }
  }
  return diff;
}

}  // namespace zari::testing

#endif  // ZARI_TESTS_TEMPLATE_ORACLE_H_
