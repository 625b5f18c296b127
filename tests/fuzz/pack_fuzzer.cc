// Packs are untrusted input: any YAML loads or fails with a message, and a
// pack that loads compiles (templates, regexes, matcher) or fails cleanly.
#include <string>

#include "engine.h"
#include "fuzz_common.h"
#include "pack/loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  zari::pack::Limits limits;
  limits.max_file_bytes = 1 << 16;
  limits.max_yaml_nodes = 1 << 16;
  std::string text(reinterpret_cast<const char*>(data), size);
  auto pack = zari::pack::LoadPackText(text, "fuzz.yaml", limits);
  if (!pack.ok()) {
    ZARI_FUZZ_CHECK(!pack.status().message().empty(), "a failed load says why");
    return 0;
  }
  auto engine = zari::Engine::Compile(std::move(pack.value()));
  if (engine.ok()) {
    zari::Reply r;
    engine.value()->Classify("balance", zari::text::Lang::kUnknown, &r);
    std::string json;
    engine.value()->AppendReplyJson(r, &json);
    ZARI_FUZZ_CHECK(!json.empty(), "reply JSON");
  } else {
    ZARI_FUZZ_CHECK(!engine.status().message().empty(), "a failed compile says why");
  }
  return 0;
}
