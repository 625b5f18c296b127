// Helpers shared by the subcommands: errors, languages, the fixed clock.
#ifndef ZARI_CLI_COMMON_H_
#define ZARI_CLI_COMMON_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "dialog/runtime.h"
#include "text/lang.h"
#include "util/status.h"

namespace zari::cli {

// Prints "zari: <message>" to stderr and returns 1 (or 2 for usage errors).
int Error(const std::string& message, int code = 1);

// "ka"/"az"/"en" or "" → Lang; nullopt (after printing an error) otherwise.
std::optional<text::Lang> ParseLangOption(const std::string& lang);

// The log store's warnings and errors on stderr ("zari: log: …"); its
// info lines are dropped.
void LogStoreMessage(log::LogLevel level, const std::string& message);

// A server's log line: "zari: <line>" on stderr.
void LogToStderr(const std::string& line);

// --listen of zari serve and zari fastagi (server::ParseListenAddress). On a
// malformed address prints what is expected, with `example`, and returns false.
bool ParseListenOption(const std::string& listen, const std::string& example, std::string* host, int* port);

// Loads the pack into a runtime with the options of a conversation command.
// Prints the error and returns null on failure.
std::shared_ptr<dialog::Runtime> LoadRuntime(const std::string& pack, const std::string& db, const std::string& now,
                                     std::function<void(const dialog::Handoff&)> on_handoff);

}  // namespace zari::cli

#endif  // ZARI_CLI_COMMON_H_
