// Any template text compiles to a valid RE2 pattern or is rejected with a
// message; its token program gives what that regex gives (match, span,
// slots) on the message's key; and a template never matches a message that
// lacks one of its needs (the rule matcher's word prefilter relies on it).
// Input: the template, then optionally '\n' and a message.
#include <re2/re2.h>

#include <algorithm>
#include <string>

#include "../template_oracle.h"
#include "fuzz_common.h"
#include "pack/template.h"
#include "text/normalize.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  const std::string input(reinterpret_cast<const char*>(data), size);
  const size_t nl = input.find('\n');
  const std::string src = input.substr(0, nl);
  const std::string message = nl == std::string::npos ? src : input.substr(nl + 1);
  for (auto lang : {zari::text::Lang::kKa, zari::text::Lang::kAz, zari::text::Lang::kEn}) {
    auto t = zari::pack::CompileTemplate(src, lang);
    if (!t.ok()) {
      ZARI_FUZZ_CHECK(!t.status().message().empty(), "a rejected template says why");
      continue;
    }
    RE2::Options o;
    o.set_log_errors(false);
    RE2 re(t->regex, o);
    ZARI_FUZZ_CHECK(re.ok() || re.error_code() == RE2::ErrorPatternTooLarge, "compiled template is valid RE2");
    if (!re.ok()) continue;
    zari::text::NormalizeOptions no;
    no.forced = lang;
    zari::text::Normalized n;
    zari::text::Normalize(message, no, &n);
    bool matched = false;
    const std::string diff = zari::testing::CompareWithRegex(*t, re, n.key, &matched);
    if (!diff.empty()) std::fprintf(stderr, "template '%s' on key '%s': %s\n", src.c_str(), n.key.c_str(), diff.c_str());
    ZARI_FUZZ_CHECK(diff.empty(), "the token program matches like the template's regex");
    if (!matched) continue;
    for (const auto& group : t->needs) {
      const bool held = std::any_of(group.begin(), group.end(), [&](const zari::pack::TokenNeed& need) {
        return std::any_of(n.tokens.begin(), n.tokens.end(), [&](const zari::text::Token& tok) {
          const std::string_view key = n.KeyOf(tok);
          return need.prefix ? key.starts_with(need.token) : key == need.token;
        });
      });
      ZARI_FUZZ_CHECK(held, "a template that matches has a token for each of its needs");
    }
  }
  return 0;
}
