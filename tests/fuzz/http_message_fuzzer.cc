// Any request body to POST /api/v1/message: a JSON reply with a 2xx or 4xx
// status, never a crash; the body always parses as JSON.
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <string>

#include "fuzz_common.h"
#include "http_server.h"
#include "dialog/runtime.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static zari::server::HttpServer* server = [] {
    const char* src = std::getenv("ZARI_SOURCE_DIR");
    std::string pack = std::string(src ? src : ZARI_SOURCE_DIR) + "/intents/telecom";
    zari::dialog::RuntimeOptions o;
    o.clock = [] { return int64_t{1795590000}; };
    auto rt = zari::dialog::Runtime::Create(pack, o);
    if (!rt.ok()) std::abort();
    zari::server::HttpServerOptions so;
    so.max_sessions = 64;
    return new zari::server::HttpServer(rt.value(), so, nullptr, nullptr);
  }();
  std::string_view body(reinterpret_cast<const char*>(data), size);
  zari::server::HttpResponse r = server->HandleMessage(body);
  ZARI_FUZZ_CHECK(r.status >= 200 && r.status < 500, "2xx or 4xx");
  auto parsed = nlohmann::json::parse(r.body, nullptr, false);
  ZARI_FUZZ_CHECK(!parsed.is_discarded() && parsed.is_object(), "the reply is a JSON object");
  return 0;
}
