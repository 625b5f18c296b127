// Any bytes normalize without crashing, into valid UTF-8, and normalizing is
// idempotent: the surface read again in its language gives the same surface
// and key (docs/RELIABILITY.md, Fuzzing).
#include <string>

#include "fuzz_common.h"
#include "text/normalize.h"
#include "util/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  zari::text::Normalized n, again;
  for (auto forced : {zari::text::Lang::kUnknown, zari::text::Lang::kKa, zari::text::Lang::kAz, zari::text::Lang::kEn}) {
    zari::text::NormalizeOptions o;
    o.forced = forced;
    zari::text::Normalize(text, o, &n);
    ZARI_FUZZ_CHECK(zari::IsValidUtf8(n.surface), "surface is UTF-8");
    ZARI_FUZZ_CHECK(zari::IsValidUtf8(n.key), "key is UTF-8");
    ZARI_FUZZ_CHECK(n.key.empty() || (n.key.front() == ' ' && n.key.back() == ' '), "key is padded");
    if (n.lang == zari::text::Lang::kUnknown) continue;
    zari::text::NormalizeOptions o2;
    o2.forced = n.lang;
    // The surface of chat Georgian is native script: read it as such.
    o2.latin_as_georgian = 0;
    zari::text::Normalize(n.surface, o2, &again);
    ZARI_FUZZ_CHECK(again.surface == n.surface, "surface is a fixed point");
    ZARI_FUZZ_CHECK(again.key == n.key, "key is a fixed point");
  }
  return 0;
}
