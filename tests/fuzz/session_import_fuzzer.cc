// Any string as a session state: imported (and usable, also by an operator)
// or rejected with ZARI_ESTATE and a message; never a crash.
#include <string>

#include "fuzz_common.h"
#include "zari/zari.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static zari_engine* engine = [] {
    zari_engine* e = nullptr;
    const char* src = std::getenv("ZARI_SOURCE_DIR");
    std::string pack = std::string(src ? src : ZARI_SOURCE_DIR) + "/intents/telecom";
    if (zari_engine_load(&e, pack.c_str(), nullptr) != ZARI_OK) std::abort();
    return e;
  }();
  std::string state(reinterpret_cast<const char*>(data), size);  // NUL-terminated copy
  zari_session* s = nullptr;
  int rc = zari_session_import(&s, engine, state.c_str());
  if (rc != ZARI_OK) {
    ZARI_FUZZ_CHECK(rc == ZARI_ESTATE && s == nullptr && zari_last_error()[0], "rejected with a reason");
    return 0;
  }
  zari_reply* r = nullptr;
  ZARI_FUZZ_CHECK(zari_session_respond(&r, s, "2", 1) == ZARI_OK, "restored session responds");
  zari_reply_destroy(r);
  // Whoever holds the restored conversation, an operator then holds it:
  // writing and leaving work, and the bot has it back.
  const int join = zari_session_operator_join(s, "fuzz-op", "Fuzz");
  ZARI_FUZZ_CHECK(join == ZARI_OK || join == ZARI_EBUSY, "an operator joins, or another holds it");
  ZARI_FUZZ_CHECK(zari_session_operator_message(s, "hi", 2) == ZARI_OK, "the operator writes");
  ZARI_FUZZ_CHECK(zari_session_operator_leave(s, 1) == ZARI_OK, "the operator leaves");
  ZARI_FUZZ_CHECK(zari_session_handoff_state(s) == ZARI_HANDOFF_NONE, "back with the bot");
  zari_session_destroy(s);
  return 0;
}
