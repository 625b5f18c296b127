// zari operators add: the operators file of `zari serve --operators`
// (docs/HTTP.md, Operators). The password is read from standard input
// (without echo on a terminal) and stored as an argon2id hash only.
#include <CLI/CLI.hpp>
#include <termios.h>
#include <unistd.h>

#include <iostream>
#include <sstream>

#include "common.h"
#include "operators.h"
#include "server_commands.h"
#include "text/lang.h"

namespace zari::cli {

namespace {

// One line of standard input; on a terminal the typing is not shown.
std::string ReadSecretLine(const std::string& prompt) {
  const bool tty = isatty(0);
  termios saved{};
  if (tty) {
    std::cerr << prompt << std::flush;
    tcgetattr(0, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(0, TCSANOW, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (tty) {
    tcsetattr(0, TCSANOW, &saved);
    std::cerr << "\n";
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

std::optional<std::vector<std::string>> ParseLanguages(const std::string& list) {
  std::vector<std::string> out;
  std::stringstream in(list);
  std::string code;
  while (std::getline(in, code, ',')) {
    if (code.empty()) continue;
    const text::Lang l = text::ParseLang(code);
    if (l == text::Lang::kUnknown) return std::nullopt;
    out.emplace_back(text::LangCode(l));
  }
  return out;
}

}  // namespace

CLI::App* AddOperatorsCommand(CLI::App& app, OperatorsOptions& o) {
  CLI::App* c = app.add_subcommand("operators", "manage the operators of zari serve --operators FILE");
  c->require_subcommand(1);
  CLI::App* add = c->add_subcommand("add", "add an operator (or set their name, languages and password)");
  add->add_option("file", o.file, "the operators file (created if missing)")->required();
  add->add_option("id", o.id, "the operator's id: a-z 0-9 _ . -")->required();
  add->add_option("--name", o.name, "the name customers see")->required();
  add->add_option("--languages", o.languages, "languages the operator answers in, e.g. ka,en");
  return c;
}

int RunOperators(const OperatorsOptions& o) {
  using namespace zari::server;
  if (!IsValidOperatorId(o.id)) return Error("operator id: 1-64 of a-z 0-9 _ . -, got '" + o.id + "'", 2);
  auto langs = ParseLanguages(o.languages);
  if (!langs) return Error("--languages: expected ka, az or en separated by commas, got '" + o.languages + "'", 2);
  std::vector<Operator> ops;
  if (access(o.file.c_str(), F_OK) == 0) {
    auto loaded = LoadOperators(o.file);
    if (!loaded.ok()) return Error(loaded.status().message());
    ops = std::move(loaded.value());
  }
  std::string password = ReadSecretLine("password for " + o.id + ": ");
  if (isatty(0) && ReadSecretLine("again: ") != password) return Error("the passwords differ", 2);
  auto hash = HashPassword(password);
  std::fill(password.begin(), password.end(), '\0');
  if (!hash.ok()) return Error("password: " + hash.status().message(), 2);
  Operator op{o.id, o.name, *langs, hash.value()};
  bool replaced = false;
  for (Operator& existing : ops) {
    if (existing.id == o.id) {
      existing = op;
      replaced = true;
    }
  }
  if (!replaced) ops.push_back(op);
  if (Status s = SaveOperators(o.file, ops); !s.ok()) return Error(s.message());
  std::cerr << "zari: " << (replaced ? "updated" : "added") << " operator '" << o.id << "' in " << o.file << "\n";
  return 0;
}

}  // namespace zari::cli
