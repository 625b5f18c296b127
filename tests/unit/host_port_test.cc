// server/http/host_port and the servers' first line: IPv6 hosts in brackets, in
// listen addresses, webhook URLs and the banner that scripts read.
#include <doctest/doctest.h>

#include <string>

#include "http/host_port.h"
#include "lifecycle.h"
#include "pack/pack.h"

using zari::server::FormatHostPort;
using zari::server::ListenBanner;
using zari::server::SplitHostPort;

TEST_CASE("FormatHostPort brackets IPv6 hosts only") {
  CHECK(FormatHostPort("127.0.0.1", 8080) == "127.0.0.1:8080");
  CHECK(FormatHostPort("localhost", 0) == "localhost:0");
  CHECK(FormatHostPort("::1", 4573) == "[::1]:4573");
  CHECK(FormatHostPort("fe80::1%eth0", 80) == "[fe80::1%eth0]:80");
}

TEST_CASE("SplitHostPort") {
  std::string host, port;
  REQUIRE(SplitHostPort("example.com:8080", &host, &port).ok());
  CHECK(host == "example.com");
  CHECK(port == "8080");
  REQUIRE(SplitHostPort("example.com", &host, &port).ok());
  CHECK(host == "example.com");
  CHECK(port.empty());
  REQUIRE(SplitHostPort("[::1]:80", &host, &port).ok());
  CHECK(host == "::1");
  CHECK(port == "80");
  REQUIRE(SplitHostPort("[::1]", &host, &port).ok());
  CHECK(host == "::1");
  CHECK(port.empty());
  REQUIRE(SplitHostPort(":4573", &host, &port).ok());
  CHECK(host.empty());
  CHECK(port == "4573");
  CHECK(SplitHostPort("[::1", &host, &port).message() == "unclosed [ in the host");
  CHECK(SplitHostPort("[::1]80", &host, &port).message() == "unexpected text after ]");
}

TEST_CASE("ListenBanner: the first line of zari serve and zari fastagi") {
  zari::pack::Pack pack;
  pack.name = "Zari Mobile";
  pack.version = "2026.11";
  CHECK(ListenBanner("serving", pack, "http", "127.0.0.1", 8080) ==
        "zari: serving 'Zari Mobile' version '2026.11' on http://127.0.0.1:8080/");
  CHECK(ListenBanner("FastAGI for", pack, "agi", "::1", 4573) ==
        "zari: FastAGI for 'Zari Mobile' version '2026.11' on agi://[::1]:4573/");
}
