// Packs are untrusted input: any YAML loads or fails with a message, and a
// pack that loads compiles (templates, regexes, matcher) or fails cleanly.
#include <string>

#include "core/engine.h"
#include "dialog/reply_json.h"
#include "fuzz_common.h"
#include "pack/loader.h"

namespace {

// What a load read, to compare two loads.
std::string Dump(const zari::pack::Pack& p) {
  std::string out;
  for (const auto& in : p.intents) {
    out += in.id + "@" + in.pos.ToString() + "\n";
    for (const auto& list : in.examples) {
      for (const auto& ex : list) out += ex.text + "@" + ex.pos.ToString() + "\n";
    }
    for (const auto& a : in.answer) out += a + "\n";
  }
  return out;
}

// An intents file cut into parts (SplitIntentsList) must read as the whole
// does: when the whole and every part load, the parts' intents, in order,
// are the whole's, at the same positions.
void CheckParts(const std::string& text, const zari::pack::Limits& limits) {
  const std::string settings = "zari: 1\nlanguages: [en]\n";
  auto parts = zari::pack::SplitIntentsList(text, 3, /*min_bytes=*/0);
  if (parts.empty()) return;
  auto whole = zari::pack::LoadPackText(settings + text, "f.yaml", limits);
  if (!whole.ok()) return;
  std::string joined;
  for (const std::string& part : parts) {
    auto p = zari::pack::LoadPackText(settings + part, "f.yaml", limits);
    if (!p.ok()) return;  // the loader then parses the file whole
    joined += Dump(*p);
  }
  ZARI_FUZZ_CHECK(joined == Dump(*whole), "an intents file read in parts reads as the whole");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  zari::pack::Limits limits;
  limits.max_file_bytes = 1 << 16;
  limits.max_yaml_nodes = 1 << 16;
  std::string text(reinterpret_cast<const char*>(data), size);
  CheckParts(text, limits);
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
    zari::dialog::AppendReplyJson(r, &json);
    ZARI_FUZZ_CHECK(!json.empty(), "reply JSON");
  } else {
    ZARI_FUZZ_CHECK(!engine.status().message().empty(), "a failed compile says why");
  }
  return 0;
}
