// Hosts and ports as listen addresses (--listen), URLs (--webhook) and the
// servers' first line write them: an IPv6 host goes in brackets, since its
// own colons would read as the port's ("[::1]:8080").
#ifndef ZARI_SERVER_HOST_PORT_H_
#define ZARI_SERVER_HOST_PORT_H_

#include <string>
#include <string_view>

#include "util/status.h"

namespace zari::server {

// "127.0.0.1:8080", "[::1]:8080".
std::string FormatHostPort(std::string_view host, int port);

// Splits "host", "host:port", "[v6]" or "[v6]:port" (at the last colon
// outside brackets) into the host without brackets and the port's text, ""
// when absent. Errors: "unclosed [ in the host", "unexpected text after ]".
Status SplitHostPort(std::string_view s, std::string* host, std::string* port);

}  // namespace zari::server

#endif  // ZARI_SERVER_HOST_PORT_H_
