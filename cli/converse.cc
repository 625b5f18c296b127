// zari ask, zari classify, zari chat: talking to a pack.
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "commands.h"
#include "common.h"
#include "dialog/reply_json.h"
#include "dialog/session.h"

namespace zari::cli {
namespace {

std::string Join(const std::vector<std::string>& words) {
  std::string s;
  for (const auto& w : words) {
    if (!s.empty()) s += ' ';
    s += w;
  }
  return s;
}

// A handoff as a terminal line.
void PrintHandoff(const dialog::Handoff& h) {
  std::cout << "  [handoff to an operator: reason=" << HandoffReasonName(h.reason);
  if (h.has_intent) std::cout << ", intent=" << h.intent;
  std::cout << ", session=" << h.session << "]\n";
}

void PrintReply(const Reply& r, bool color) {
  const char* bold = color ? "\033[1m" : "";
  const char* dim = color ? "\033[2m" : "";
  const char* reset = color ? "\033[0m" : "";
  std::cout << bold << "bot> " << reset << r.Text() << "\n";
  for (size_t i = 0; i < r.option_count; ++i) {
    std::cout << "     " << (i + 1) << ") " << r.engine->Title(r.options[i], r.lang) << "\n";
  }
  // Follow-ups of an answer: typing one asks it.
  for (size_t i = 0; i < r.suggestion_count; ++i) {
    std::cout << "     - " << r.engine->Title(r.suggestions[i], r.lang) << "\n";
  }
  std::cout << dim << "     [" << ActionName(r.action);
  if (r.intent >= 0) std::cout << " " << r.engine->intent(r.intent).id;
  if (r.candidate_count) {
    char conf[16];
    std::snprintf(conf, sizeof conf, "%.2f", r.confidence);
    std::cout << ", confidence " << conf;
  }
  std::cout << ", " << text::LangTag(r.lang, r.script);
  if (r.handoff_reason != HandoffReason::kNone) std::cout << ", reason " << HandoffReasonName(r.handoff_reason);
  std::cout << "]" << reset << "\n";
}

// "/feedback KIND VALUE [comment]": a customer's rating, as a widget or an
// IVR survey would send it; answered with the pack's thanks.
void Feedback(dialog::Session& session, const Engine& e, std::string_view args) {
  std::istringstream in{std::string(args)};
  std::string kind_name, value_text, comment;
  in >> kind_name >> value_text;
  std::getline(in >> std::ws, comment);
  log::FeedbackKind kind;
  int value = 0;
  const auto [end, ec] = std::from_chars(value_text.data(), value_text.data() + value_text.size(), value);
  if (!log::ParseFeedbackKind(kind_name, &kind) || ec != std::errc() || end != value_text.data() + value_text.size()) {
    Error("/feedback KIND VALUE [comment]: KIND is helpful, csat, ces or nps; VALUE a whole number");
    return;
  }
  const Status s = session.Feedback(kind, value, comment);
  if (!s.ok()) {
    Error(s.message());
    return;
  }
  const text::Lang lang = session.language() != text::Lang::kUnknown ? session.language() : e.pack().DefaultLanguage();
  std::cout << "bot> " << e.Message(MessageKind::kThanksFeedback, lang) << "\n";
}

}  // namespace

int RunAsk(const ConverseOptions& o) {
  auto lang = ParseLangOption(o.lang);
  if (!lang) return 2;
  std::string text = Join(o.text);
  auto rt = LoadRuntime(o.pack, o.db, o.now, o.json ? nullptr : PrintHandoff);
  if (!rt) return 1;
  dialog::Session session(rt, "cli", o.channel);
  if (*lang != text::Lang::kUnknown) {
    Status s = session.SetLanguage(*lang);
    if (!s.ok()) return Error(s.message(), 2);
  }
  Reply r;
  session.Respond(text, &r);
  if (o.json) {
    std::string out;
    dialog::AppendReplyJson(r, &out);
    std::cout << out << "\n";
  } else {
    std::cout << r.Text() << "\n";
  }
  return 0;
}

int RunClassify(const ConverseOptions& o) {
  auto lang = ParseLangOption(o.lang);
  if (!lang) return 2;
  auto loaded = Engine::Load(o.pack);
  if (!loaded.ok()) return Error(loaded.status().message());
  const Engine& engine = *loaded.value();
  if (Status s = engine.CheckLanguage(*lang); !s.ok()) return Error(s.message(), 2);
  const int threads = std::max(1, o.threads);
  std::ios::sync_with_stdio(false);
  // Input is read in large blocks and split into lines in place (no string
  // per line); the lines of a block are classified in parallel slices and
  // written in input order. A line cut by the block's end waits for the next.
  constexpr size_t kBlock = size_t{1} << 20;
  std::string input;
  std::vector<std::string_view> lines;
  std::vector<std::string> outputs(static_cast<size_t>(threads));
  bool eof = false;
  while (!eof) {
    const size_t kept = input.size();
    input.resize(kept + kBlock);
    const size_t got = std::fread(input.data() + kept, 1, kBlock, stdin);
    input.resize(kept + got);
    eof = got < kBlock;  // end of input, or an error (reported below)
    lines.clear();
    size_t next = 0;  // the first byte of the next line
    while (next < input.size()) {
      const void* nl = std::memchr(input.data() + next, '\n', input.size() - next);
      if (!nl && !eof) break;
      const size_t end = nl ? static_cast<size_t>(static_cast<const char*>(nl) - input.data()) : input.size();
      std::string_view line(input.data() + next, end - next);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      lines.push_back(line);
      next = end + 1;
    }
    auto work = [&](size_t t) {
      const size_t per = (lines.size() + static_cast<size_t>(threads) - 1) / static_cast<size_t>(threads);
      const size_t begin = std::min(lines.size(), t * per), end = std::min(lines.size(), begin + per);
      std::string& out = outputs[t];
      out.clear();
      text::Normalized n;
      Reply r;
      r.engine = loaded.value();
      for (size_t i = begin; i < end; ++i) {
        engine.Normalize(lines[i], *lang, text::Lang::kUnknown, &n);
        engine.Decide(n, lines[i], &r);
        dialog::AppendClassifyJson(r, lines[i], &out, o.options);
        out.push_back('\n');
      }
    };
    if (threads == 1) {
      work(0);
    } else {
      std::vector<std::thread> pool;
      for (int t = 0; t < threads; ++t) pool.emplace_back(work, static_cast<size_t>(t));
      for (auto& th : pool) th.join();
    }
    for (const auto& out : outputs) std::cout << out;
    input.erase(0, std::min(next, input.size()));
  }
  if (std::ferror(stdin)) return Error("cannot read the input");
  std::cout.flush();
  return std::cout ? 0 : Error("cannot write the output");
}

int RunChat(const ConverseOptions& o) {
  auto lang = ParseLangOption(o.lang);
  if (!lang) return 2;
  const bool tty = isatty(0) && isatty(1);
  auto rt = LoadRuntime(o.pack, o.db, o.now, o.json ? nullptr : PrintHandoff);
  if (!rt) return 1;
  dialog::Session session(rt, o.session, o.channel);
  if (*lang != text::Lang::kUnknown) {
    Status s = session.SetLanguage(*lang);
    if (!s.ok()) return Error(s.message(), 2);
  }
  auto engine = rt->engine();
  text::Lang start = *lang != text::Lang::kUnknown ? *lang : engine->pack().DefaultLanguage();
  if (!o.json) {
    std::cout << "bot> " << engine->Message(MessageKind::kWelcome, start) << "\n";
    if (tty) std::cout << "     (type /quit to leave, /lang ka|az|en|auto, /export, /explain, /survey, /feedback)\n";
  }
  Reply last;
  std::string line;
  while (true) {
    if (tty) std::cout << "you> " << std::flush;
    if (!std::getline(std::cin, line)) break;
    if (line == "/quit" || line == "/exit") break;
    if (line.rfind("/lang", 0) == 0) {
      std::string code = line.size() > 6 ? line.substr(6) : "";
      auto l = code == "auto" ? std::optional<text::Lang>(text::Lang::kUnknown) : ParseLangOption(code);
      if (l) {
        Status s = session.SetLanguage(*l);
        if (!s.ok()) Error(s.message());
      }
      continue;
    }
    if (line == "/export") {
      std::cout << session.Export() << "\n";
      continue;
    }
    if (line.rfind("/feedback", 0) == 0) {
      Feedback(session, *rt->engine(), std::string_view(line).substr(9));
      continue;
    }
    if (line == "/survey") {
      const text::Lang l = session.language() != text::Lang::kUnknown ? session.language() : start;
      std::cout << "bot> " << rt->engine()->Message(MessageKind::kSurvey, l) << "\n";
      continue;
    }
    if (line == "/explain") {
      if (last.engine) {
        std::string out;
        dialog::AppendExplanationJson(last, &out);
        std::cout << out << "\n";
      }
      continue;
    }
    session.Respond(line, &last);
    if (o.json) {
      std::string out;
      dialog::AppendReplyJson(last, &out);
      std::cout << out << "\n";
    } else {
      PrintReply(last, tty);
    }
    std::cout.flush();
  }
  rt->FlushLog();
  return 0;
}

}  // namespace zari::cli
