#include "fastagi.h"

#include <cstdio>

namespace zari::server::agi {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Length of the UTF-8 sequence starting with lead byte c (1 for stray bytes).
size_t SequenceLength(unsigned char c) {
  if (c >= 0xF0 && c <= 0xF4) return 4;
  if (c >= 0xE0) return c <= 0xEF ? 3 : 1;
  if (c >= 0xC2) return 2;
  return 1;
}

}  // namespace

bool ParseResponse(std::string_view line, Response* out) {
  *out = Response();
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line == "HANGUP") {
    out->hangup = true;
    return true;
  }
  if (line.size() < 3 || !IsDigit(line[0]) || !IsDigit(line[1]) || !IsDigit(line[2])) return false;
  if (line.size() > 3 && line[3] != ' ' && line[3] != '-') return false;
  out->code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
  if (out->code < 100) return false;
  out->continuation = line.size() > 3 && line[3] == '-';
  std::string_view rest = line.size() > 4 ? line.substr(4) : std::string_view();
  if (out->continuation) {
    out->rest = std::string(rest);
    return true;
  }
  rest = Trim(rest);
  if (rest.substr(0, 7) == "result=") {
    rest.remove_prefix(7);
    size_t i = 0;
    bool negative = false;
    if (i < rest.size() && (rest[i] == '-' || rest[i] == '+')) negative = rest[i++] == '-';
    size_t digits = 0;
    int64_t v = 0;
    while (i < rest.size() && IsDigit(rest[i])) {
      if (digits < 18) v = v * 10 + (rest[i] - '0');
      ++digits;
      ++i;
    }
    if (digits == 0) return false;
    out->has_result = true;
    out->result = negative ? -v : v;
    rest = Trim(rest.substr(i));
    if (!rest.empty() && rest[0] == '(') {
      // The value runs to the last ')' of the line: variables may hold parentheses.
      size_t close = rest.rfind(')');
      out->has_data = true;
      if (close == std::string_view::npos || close == 0) {
        out->data = std::string(rest.substr(1));
        rest = {};
      } else {
        out->data = std::string(rest.substr(1, close - 1));
        rest = Trim(rest.substr(close + 1));
      }
    }
  }
  out->rest = std::string(rest);
  return true;
}

bool ParseEnvironmentLine(std::string_view line, std::string* key, std::string* value) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.substr(0, 4) != "agi_") return false;
  size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 4) return false;
  for (size_t i = 0; i < colon; ++i) {
    char c = line[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || IsDigit(c) || c == '_')) return false;
  }
  std::string_view v = line.substr(colon + 1);
  if (!v.empty() && v[0] == ' ') v.remove_prefix(1);
  *key = std::string(line.substr(0, colon));
  *value = std::string(v);
  return true;
}

std::string QuoteArgument(std::string_view value, size_t max_bytes) {
  std::string out = "\"";
  size_t used = 0;
  for (size_t i = 0; i < value.size();) {
    const unsigned char c = static_cast<unsigned char>(value[i]);
    size_t n = SequenceLength(c);
    std::string piece;
    if (i + n > value.size()) {
      piece = "?";  // a sequence cut off by the end of the value
      n = 1;
    } else if (n == 1) {
      if (c < 0x20 || c == 0x7f) {
        piece = " ";
      } else if (c >= 0x80) {
        piece = "?";  // a stray byte of broken UTF-8
      } else if (c == '"' || c == '\\') {
        piece = std::string("\\") + static_cast<char>(c);
      } else {
        piece = std::string(1, static_cast<char>(c));
      }
    } else {
      bool valid = true;
      for (size_t k = 1; k < n; ++k) {
        if ((static_cast<unsigned char>(value[i + k]) & 0xC0) != 0x80) valid = false;
      }
      if (valid) {
        piece = std::string(value.substr(i, n));
      } else {
        piece = "?";
        n = 1;
      }
    }
    if (used + piece.size() > max_bytes) break;
    out += piece;
    used += piece.size();
    i += n;
  }
  out += '"';
  return out;
}

std::string_view EndName(Call::End end) {
  switch (end) {
    case Call::End::kNone: return "running";
    case Call::End::kRouted: return "routed";
    case Call::End::kHangup: return "hangup";
    case Call::End::kEof: return "closed";
    case Call::End::kError: return "error";
  }
  return "error";
}

Call::Call(Router router) : Call(std::move(router), Options()) {}
Call::Call(Router router, Options options) : router_(std::move(router)), options_(options) {}

void Call::Finish(End end, std::string error) {
  if (end_ != End::kNone) return;
  end_ = end;
  error_ = std::move(error);
  pending_ = Pending::kNone;
}

std::string Call::TakeOutput() {
  std::string out;
  out.swap(output_);
  return out;
}

void Call::OnEof() { Finish(End::kEof); }

void Call::OnLine(std::string_view line) {
  if (done()) return;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (in_environment_) {
    if (line.empty()) {
      FinishEnvironment();
      return;
    }
    if (line == "HANGUP") {
      Finish(End::kHangup);
      return;
    }
    if (++environment_lines_ > options_.max_environment_lines) {
      Finish(End::kError, "the environment has more than " + std::to_string(options_.max_environment_lines) +
                              " lines");
      return;
    }
    std::string key, value;
    if (ParseEnvironmentLine(line, &key, &value)) {
      input_.env[key] = std::move(value);
    } else if (++garbage_ > options_.max_garbage_lines) {
      Finish(End::kError, "not an AGI environment (too many malformed lines)");
    }
    return;
  }
  if (line.empty()) return;
  if (in_usage_) {
    // "520-…" is followed by usage text and ends with "520 End of proper usage."
    Response r;
    if (line.substr(0, 4) == "520 " && ParseResponse(line, &r)) {
      in_usage_ = false;
      OnResponse(r);
    }
    return;
  }
  Response r;
  if (!ParseResponse(line, &r)) {
    if (++garbage_ > options_.max_garbage_lines) Finish(End::kError, "too many malformed responses");
    return;
  }
  if (r.hangup) {
    Finish(End::kHangup);
    return;
  }
  if (r.continuation) {
    in_usage_ = true;
    return;
  }
  OnResponse(r);
}

void Call::FinishEnvironment() {
  in_environment_ = false;
  auto get = [&](const char* key) -> std::string {
    auto it = input_.env.find(key);
    return it == input_.env.end() ? std::string() : it->second;
  };
  input_.script = get("agi_network_script");
  input_.language = std::string(Trim(get("agi_arg_2")));
  input_.channel_language = std::string(Trim(get("agi_language")));
  input_.call_id = get("agi_uniqueid");
  if (input_.call_id.empty()) input_.call_id = get("agi_channel");
  for (int i = 1; input_.env.count("agi_arg_" + std::to_string(i)); ++i) {
    input_.args.push_back(std::string(Trim(get(("agi_arg_" + std::to_string(i)).c_str()))));
  }
  if (input_.script == "survey") {
    // The answer was keyed before the call reached Zari: it is in the
    // arguments, and there is no speech to read.
    Route();
    return;
  }
  const std::string said(Trim(get("agi_arg_1")));
  if (!said.empty()) {
    input_.alternatives.push_back(said);
    Route();
    return;
  }
  input_.from_speech = true;
  speech_index_ = 0;
  Get("SPEECH_TEXT(0)", Pending::kSpeechText);
}

void Call::Get(const std::string& variable, Pending pending) {
  output_ += "GET VARIABLE " + variable + "\n";
  pending_ = pending;
}

void Call::OnResponse(const Response& r) {
  if (pending_ == Pending::kNone) return;  // unsolicited
  if (r.code == 511 || (r.has_result && r.result == -1)) {
    Finish(End::kHangup);  // the channel is gone
    return;
  }
  const bool set = r.code == 200 && r.has_result && r.result == 1 && r.has_data;
  const std::string value = set ? std::string(Trim(r.data)) : std::string();
  switch (pending_) {
    case Pending::kSpeechText:
      if (value.empty()) {
        Route();
        return;
      }
      input_.alternatives.push_back(value);
      if (speech_index_ == 0) {
        Get("SPEECH_SCORE(0)", Pending::kSpeechScore);
      } else if (++speech_index_ < options_.max_alternatives) {
        Get("SPEECH_TEXT(" + std::to_string(speech_index_) + ")", Pending::kSpeechText);
      } else {
        Route();
      }
      return;
    case Pending::kSpeechScore:
      // A score means the recognizer ran: ask for its n-best alternatives.
      if (!value.empty() && options_.max_alternatives > 1) {
        speech_index_ = 1;
        Get("SPEECH_TEXT(1)", Pending::kSpeechText);
      } else {
        Route();
      }
      return;
    case Pending::kSetVariable:
      ++next_variable_;
      SendNextVariable();
      return;
    case Pending::kNone:
      return;
  }
}

void Call::Route() {
  pending_ = Pending::kNone;
  decision_ = router_(input_);
  routed_ = true;
  char confidence[16];
  std::snprintf(confidence, sizeof confidence, "%.2f", decision_.confidence);
  if (decision_.survey) {
    // A survey does not route: the variables of the call's routing stay.
    variables_ = {{"ZARI_ACTION", decision_.action},
                  {"ZARI_LANGUAGE", decision_.language},
                  {"ZARI_ANSWER", decision_.answer}};
  } else {
    variables_ = {
        {"ZARI_ROUTE", decision_.route},       {"ZARI_INTENT", decision_.intent},
        {"ZARI_CONFIDENCE", confidence},       {"ZARI_LANGUAGE", decision_.language},
        {"ZARI_ACTION", decision_.action},     {"ZARI_ANSWER", decision_.answer},
    };
  }
  next_variable_ = 0;
  SendNextVariable();
}

void Call::SendNextVariable() {
  if (next_variable_ >= variables_.size()) {
    Finish(End::kRouted);
    return;
  }
  const auto& [name, value] = variables_[next_variable_];
  const size_t limit = name == "ZARI_ANSWER" ? options_.max_answer_bytes : 256;
  output_ += "SET VARIABLE " + name + " " + QuoteArgument(value, limit) + "\n";
  pending_ = Pending::kSetVariable;
}

}  // namespace zari::server::agi
