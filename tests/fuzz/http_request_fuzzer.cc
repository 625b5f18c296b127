// Any request to the operator API, and the request parsing the server does
// itself (query parameters, percent-decoding, tokens in headers and cookies):
// a JSON answer with a 2xx or 4xx status, never a crash. The input is
// "METHOD TARGET\nHEADER: VALUE\n…\n\nBODY". (Beast parses the HTTP
// framing; this covers what Zari reads out of it.)
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <string>

#include "dialog/runtime.h"
#include "fuzz_common.h"
#include "operator_desk.h"
#include "session_store.h"

namespace {

zari::server::http::Request ParseInput(std::string_view in) {
  zari::server::http::Request req;
  const size_t blank = in.find("\n\n");
  req.body = std::string(blank == std::string_view::npos ? std::string_view() : in.substr(blank + 2));
  std::string_view head = in.substr(0, blank);
  const size_t eol = head.find('\n');
  std::string_view line = head.substr(0, eol);
  const size_t sp = line.find(' ');
  req.method = std::string(line.substr(0, sp));
  req.target = sp == std::string_view::npos ? "/" : std::string(line.substr(sp + 1));
  const size_t q = req.target.find('?');
  req.path = req.target.substr(0, q);
  if (q != std::string::npos) req.query = req.target.substr(q + 1);
  head = eol == std::string_view::npos ? std::string_view() : head.substr(eol + 1);
  while (!head.empty()) {
    const size_t e = head.find('\n');
    std::string_view h = head.substr(0, e);
    head = e == std::string_view::npos ? std::string_view() : head.substr(e + 1);
    const size_t colon = h.find(':');
    if (colon == std::string_view::npos) continue;
    std::string name(h.substr(0, colon));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string_view value = h.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    req.headers.emplace_back(std::move(name), std::string(value));
  }
  req.peer = "127.0.0.1";
  return req;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace zari::server;
  static auto* runtime = [] {
    const char* src = std::getenv("ZARI_SOURCE_DIR");
    zari::dialog::RuntimeOptions o;
    o.clock = [] { return int64_t{1795590000}; };
    auto rt = zari::dialog::Runtime::Create(std::string(src ? src : ZARI_SOURCE_DIR) + "/intents/telecom", o);
    if (!rt.ok()) std::abort();
    return new std::shared_ptr<zari::dialog::Runtime>(rt.value());
  }();
  static auto* store = new SessionStore(
      [](const std::string& id) { return std::make_unique<zari::dialog::Session>(*runtime, id, "web"); }, {});
  // An operator whose password hash is not argon2's: logins fail fast.
  static auto* desk = new OperatorDesk(*runtime, store, {{"nino", "Nino", {"ka"}, "$argon2id$v=19$m=8,t=1,p=1$x$y"}});
  http::Request req = ParseInput(std::string_view(reinterpret_cast<const char*>(data), size));
  bool found = false;
  (void)req.Param("session", &found);
  (void)req.Param("after");
  (void)http::PercentDecode(req.query);
  bool cookie = false;
  (void)OperatorAuth::TokenOf(req, &cookie);
  if (req.path.rfind("/api/v1/operator/", 0) != 0) req.path = "/api/v1/operator/" + req.path;
  http::Response r = desk->Handle(req);
  ZARI_FUZZ_CHECK(r.status >= 200 && r.status < 500, "2xx or 4xx");
  auto parsed = nlohmann::json::parse(r.body, nullptr, false);
  ZARI_FUZZ_CHECK(!parsed.is_discarded() && parsed.is_object(), "the answer is a JSON object");
  return 0;
}
