// Any template text compiles to a valid RE2 pattern or is rejected with a message.
#include <re2/re2.h>

#include <string>

#include "fuzz_common.h"
#include "pack/template.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  std::string src(reinterpret_cast<const char*>(data), size);
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
  }
  return 0;
}
