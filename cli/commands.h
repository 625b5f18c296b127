// The `zari` command's subcommands (docs/CLI.md). main.cc parses arguments with
// CLI11 and calls one of these; each returns the process exit status.
#ifndef ZARI_CLI_COMMANDS_H_
#define ZARI_CLI_COMMANDS_H_

#include <string>
#include <vector>

namespace zari::cli {

struct ConverseOptions {
  std::string pack;
  std::string lang;  // "" = detect
  std::string db;    // log database ("" = none)
  std::string now;   // fixed clock, ISO 8601 ("" = system clock)
  std::string channel = "cli";
  std::string session = "cli-chat";  // zari chat's session id (the log's `session`)
  bool json = false;
  bool options = false;  // classify: the clarify options too
  int threads = 1;
  std::vector<std::string> text;
};

int RunAsk(const ConverseOptions& o);
int RunClassify(const ConverseOptions& o);
int RunChat(const ConverseOptions& o);

struct CheckOptions {
  std::string pack;
  bool strict = false;  // warnings fail too
  bool json = false;
};
int RunCheck(const CheckOptions& o);

struct NormalizeOptions {
  std::string lang;
  bool json = false;
  std::vector<std::string> text;
};
int RunNormalize(const NormalizeOptions& o);

}  // namespace zari::cli

#endif  // ZARI_CLI_COMMANDS_H_
