#include "http/host_port.h"

namespace zari::server {

std::string FormatHostPort(std::string_view host, int port) {
  std::string out;
  if (host.find(':') != std::string_view::npos) {
    out.append("[").append(host).append("]");
  } else {
    out.append(host);
  }
  return out + ":" + std::to_string(port);
}

Status SplitHostPort(std::string_view s, std::string* host, std::string* port) {
  port->clear();
  if (!s.empty() && s[0] == '[') {
    const size_t close = s.find(']');
    if (close == std::string_view::npos) return Status(Code::kInvalid, "unclosed [ in the host");
    *host = std::string(s.substr(1, close - 1));
    const std::string_view after = s.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return Status(Code::kInvalid, "unexpected text after ]");
      *port = std::string(after.substr(1));
    }
    return Status::Ok();
  }
  const size_t colon = s.rfind(':');
  *host = std::string(s.substr(0, colon));
  if (colon != std::string_view::npos) *port = std::string(s.substr(colon + 1));
  return Status::Ok();
}

}  // namespace zari::server
