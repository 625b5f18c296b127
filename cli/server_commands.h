// zari serve and zari fastagi: their options, registration with CLI11 and
// entry points (cli/serve.cc, cli/fastagi.cc).
#ifndef ZARI_CLI_SERVER_COMMANDS_H_
#define ZARI_CLI_SERVER_COMMANDS_H_

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace zari::cli {

struct ServeOptions {
  std::string pack;
  std::string listen = "127.0.0.1:8080";
  std::string db;
  std::string now;
  std::string webhook;
  double webhook_timeout = 5;
  int webhook_retries = 3;
  int webhook_queue = 1000;
  std::vector<std::string> cors;
  int threads = 0;          // engine threads; 0 = one per CPU, at least 2
  int io_threads = 1;       // socket threads
  std::string store = "memory";
  double session_ttl = 1800;
  int max_sessions = 10000;
  int max_body = 16384;
  int max_connections = 20000;
  double keep_alive = 30;
  double request_timeout = 10;
  std::string operators;    // --operators FILE
  bool quiet = false;
};
CLI::App* AddServeCommand(CLI::App& app, ServeOptions& o);
int RunServe(const ServeOptions& o);

struct FastAgiOptions {
  std::string pack;
  std::string listen = "127.0.0.1:4573";
  std::string db;
  std::string now;
  std::string default_route = "operator";
  int max_calls = 64;
  double timeout = 10;
  int alternatives = 4;
  bool verbose = false;
};
CLI::App* AddFastAgiCommand(CLI::App& app, FastAgiOptions& o);

struct OperatorsOptions {
  std::string file, id, name, languages;
};
CLI::App* AddOperatorsCommand(CLI::App& app, OperatorsOptions& o);
int RunOperators(const OperatorsOptions& o);
int RunFastAgi(const FastAgiOptions& o);

}  // namespace zari::cli

#endif  // ZARI_CLI_SERVER_COMMANDS_H_
