// The FastAGI call machine fed any lines, as a hostile or broken Asterisk (or
// anything else that connects to the port) could send: it ends the call or
// keeps asking, never crashes, and its output stays bounded.
#include <string>
#include <string_view>

#include "fastagi.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using zari::server::agi::Call;
  using zari::server::agi::Decision;
  Call call([](const zari::server::agi::CallInput& in) {
    Decision d;
    d.route = in.alternatives.empty() ? "operator" : "billing";
    d.intent = "balance";
    d.language = "en";
    d.action = "answer";
    // Echo what was heard: exercises quoting and cutting of any bytes.
    d.answer = in.alternatives.empty() ? std::string() : in.alternatives[0];
    return d;
  });
  std::string_view in(reinterpret_cast<const char*>(data), size);
  size_t output = 0;
  while (!in.empty() && !call.done()) {
    size_t nl = in.find('\n');
    call.OnLine(in.substr(0, nl));
    output += call.TakeOutput().size();
    in = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
  }
  if (!call.done()) call.OnEof();
  output += call.TakeOutput().size();
  ZARI_FUZZ_CHECK(call.done(), "EOF ends the call");
  ZARI_FUZZ_CHECK(output <= 64 * 1024 + size * 8, "output bounded by the input");
  return 0;
}
