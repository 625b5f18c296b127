#include "common.h"

#include <cstdio>
#include <iostream>

#include "core/hours.h"

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

std::optional<int64_t> ParseIsoTime(const std::string& iso, const Engine& engine) {
  int y, mo, d, h, mi, s = 0, consumed = 0;
  if (std::sscanf(iso.c_str(), "%4d-%2d-%2dT%2d:%2d%n", &y, &mo, &d, &h, &mi, &consumed) != 5 &&
      std::sscanf(iso.c_str(), "%4d-%2d-%2d %2d:%2d%n", &y, &mo, &d, &h, &mi, &consumed) != 5) {
    return std::nullopt;
  }
  std::string rest = iso.substr(static_cast<size_t>(consumed));
  if (!rest.empty() && rest[0] == ':') {
    int n = 0;
    if (std::sscanf(rest.c_str(), ":%2d%n", &s, &n) != 1) return std::nullopt;
    rest = rest.substr(static_cast<size_t>(n));
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60) {
    return std::nullopt;
  }
  const int64_t days = DaysFromCivil(y, mo, d);
  const int minute = h * 60 + mi;
  if (rest.empty()) return engine.schedule().FromLocal(days, minute) + s;
  int64_t utc = days * 86400 + static_cast<int64_t>(minute) * 60 + s;
  if (rest == "Z" || rest == "z") return utc;
  int oh, om;
  char sign;
  if (std::sscanf(rest.c_str(), "%c%2d:%2d", &sign, &oh, &om) == 3 && (sign == '+' || sign == '-')) {
    int64_t off = (oh * 60 + om) * 60;
    return sign == '+' ? utc - off : utc + off;
  }
  return std::nullopt;
}

std::shared_ptr<dialog::Runtime> LoadRuntime(const std::string& pack, const std::string& db, const std::string& now,
                                     std::function<void(const dialog::Handoff&)> on_handoff) {
  dialog::RuntimeOptions o;
  o.log_db = db;
  o.on_handoff = std::move(on_handoff);
  o.on_log = [](log::LogLevel level, const std::string& msg) {
    if (level != log::LogLevel::kInfo) std::cerr << "zari: log: " << msg << "\n";
  };
  if (!now.empty()) {
    // The pack's time zone is needed to read a local time: load it once to
    // parse, then fix the clock.
    auto probe = Engine::Load(pack);
    if (!probe.ok()) {
      Error(probe.status().message());
      return nullptr;
    }
    auto t = ParseIsoTime(now, *probe.value());
    if (!t) {
      Error("--now: expected YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM], got '" + now + "'", 2);
      return nullptr;
    }
    int64_t fixed = *t;
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
