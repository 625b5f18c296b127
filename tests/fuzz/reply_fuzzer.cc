// Any bytes as a message, through the C API: a reply or a clear error, never a
// crash; the reply JSON parses.
#include <nlohmann/json.hpp>

#include <cstring>
#include <string>

#include "fuzz_common.h"
#include "zari/zari.h"

namespace {

zari_engine* Engine() {
  static zari_engine* engine = [] {
    zari_engine* e = nullptr;
    const char* src = std::getenv("ZARI_SOURCE_DIR");
    std::string pack = std::string(src ? src : ZARI_SOURCE_DIR) + "/intents/telecom";
    if (zari_engine_load(&e, pack.c_str(), nullptr) != ZARI_OK) {
      std::fprintf(stderr, "cannot load %s: %s\n", pack.c_str(), zari_last_error());
      std::abort();
    }
    return e;
  }();
  return engine;
}

void CheckReply(zari_reply* r) {
  ZARI_FUZZ_CHECK(zari_reply_text(r) != nullptr, "reply text");
  char* json = nullptr;
  ZARI_FUZZ_CHECK(zari_reply_to_json(&json, r) == ZARI_OK, "reply JSON");
  auto parsed = nlohmann::json::parse(json, nullptr, false);
  ZARI_FUZZ_CHECK(!parsed.is_discarded() && parsed.is_object(), "reply JSON parses");
  zari_string_free(json);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const char* text = reinterpret_cast<const char*>(data);
  zari_reply* r = nullptr;
  ZARI_FUZZ_CHECK(zari_engine_classify(&r, Engine(), text, size, nullptr) == ZARI_OK, "classify");
  CheckReply(r);
  zari_reply_destroy(r);
  zari_session* s = nullptr;
  ZARI_FUZZ_CHECK(zari_session_create(&s, Engine(), "fuzz", "web") == ZARI_OK, "session");
  // Split the input into turns at newlines.
  size_t start = 0;
  for (size_t i = 0; i <= size; ++i) {
    if (i == size || data[i] == '\n') {
      ZARI_FUZZ_CHECK(zari_session_respond(&r, s, text + start, i - start) == ZARI_OK, "respond");
      CheckReply(r);
      zari_reply_destroy(r);
      start = i + 1;
    }
  }
  char* state = nullptr;
  ZARI_FUZZ_CHECK(zari_session_export(&state, s) == ZARI_OK, "export");
  zari_session* back = nullptr;
  ZARI_FUZZ_CHECK(zari_session_import(&back, Engine(), state) == ZARI_OK, "an exported state imports");
  zari_string_free(state);
  zari_session_destroy(back);
  zari_session_destroy(s);
  return 0;
}
