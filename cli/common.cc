#include "common.h"

#include <iostream>

#include "core/hours.h"
#include "lifecycle.h"
#include "util/civil_time.h"

namespace zari::cli {

int Error(const std::string& message, int code) {
  std::cerr << "zari: " << message << "\n";
  return code;
}

std::optional<text::Lang> ParseLangOption(const std::string& lang) {
  if (lang.empty()) return text::Lang::kUnknown;
  text::Lang l = text::ParseLang(lang);
  if (l == text::Lang::kUnknown) {
    Error("unknown language '" + lang + "' (expected ka, az or en, or a tag such as ka-GE)", 2);
    return std::nullopt;
  }
  return l;
}

void LogStoreMessage(log::LogLevel level, const std::string& message) {
  if (level != log::LogLevel::kInfo) std::cerr << "zari: log: " << message << "\n";
}

void LogToStderr(const std::string& line) { std::cerr << "zari: " << line << std::endl; }

bool ParseListenOption(const std::string& listen, const std::string& example, std::string* host, int* port) {
  if (server::ParseListenAddress(listen, host, port)) return true;
  Error("--listen: expected HOST:PORT, e.g. " + example + ", got '" + listen + "'", 2);
  return false;
}

std::shared_ptr<dialog::Runtime> LoadRuntime(const std::string& pack, const std::string& db, const std::string& now,
                                     std::function<void(const dialog::Handoff&)> on_handoff) {
  dialog::RuntimeOptions o;
  o.log_db = db;
  o.on_handoff = std::move(on_handoff);
  o.on_log = LogStoreMessage;
  if (!now.empty()) {
    // The pack's time zone is needed to read a local time: load it once to
    // parse, then fix the clock.
    auto probe = Engine::Load(pack);
    if (!probe.ok()) {
      Error(probe.status().message());
      return nullptr;
    }
    const std::optional<IsoTime> t = ParseIsoTime(now, /*date_only_ok=*/false);
    if (!t) {
      Error("--now: expected YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM], got '" + now + "'", 2);
      return nullptr;
    }
    const int64_t fixed = probe.value()->schedule().ToUnix(*t);
    o.clock = [fixed] { return fixed; };
  }
  auto rt = dialog::Runtime::Create(pack, std::move(o));
  if (!rt.ok()) {
    Error(rt.status().message());
    return nullptr;
  }
  return rt.value();
}

}  // namespace zari::cli
