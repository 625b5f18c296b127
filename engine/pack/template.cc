#include "pack/template.h"

#include <re2/re2.h>

#include <algorithm>
#include <cstdint>

#include "text/normalize.h"

namespace zari::pack {
namespace {

using text::Lang;

bool IsSyntax(char c) {
  switch (c) {
    case '(': case ')': case '[': case ']': case '{': case '}': case '|': case '*':
    case '^': case '$':
      return true;
    default:
      return false;
  }
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

struct Fragment {
  std::string regex;
  int specificity = 0;
  std::vector<std::vector<TokenNeed>> needs;  // all groups must hold
};

// The most selective single group of a branch: fewest alternatives, then
// the longest shortest token (longer words are rarer).
const std::vector<TokenNeed>* Narrowest(const Fragment& f) {
  const std::vector<TokenNeed>* best = nullptr;
  size_t best_len = 0;
  for (const auto& g : f.needs) {
    size_t len = SIZE_MAX;
    for (const TokenNeed& t : g) len = std::min(len, t.token.size());
    if (!best || g.size() < best->size() || (g.size() == best->size() && len > best_len)) {
      best = &g;
      best_len = len;
    }
  }
  return best;
}

class Compiler {
 public:
  Compiler(std::string_view src, Lang lang, int latin_as_georgian)
      : src_(src), lang_(lang), latin_as_georgian_(latin_as_georgian) {}

  Result<CompiledTemplate> Run() {
    CompiledTemplate out;
    SkipSpace();
    if (Peek() == '^') {
      out.anchored_start = true;
      ++pos_;
    }
    Fragment body = Alternatives(/*closer=*/0);
    if (!error_.empty()) return Status(Code::kPack, error_);
    if (pos_ < src_.size() && src_[pos_] == '$') {
      out.anchored_end = true;
      ++pos_;
      SkipSpace();
    }
    if (pos_ < src_.size()) {
      if (src_[pos_] == '$' || src_[pos_] == '^') {
        return Status(Code::kPack, std::string("'") + src_[pos_] + "' may only stand at the " +
                                       (src_[pos_] == '^' ? "start" : "end") + " of a template");
      }
      return Status(Code::kPack, std::string("unexpected '") + src_[pos_] + "' at column " + std::to_string(pos_ + 1));
    }
    if (body.specificity == 0 && slots_.empty()) {
      return Status(Code::kPack, "template has no words, so it would match every message");
    }
    out.regex = (out.anchored_start ? "^ " : " ") + body.regex + (out.anchored_end ? "$" : "");
    out.slots = std::move(slots_);
    out.specificity = body.specificity;
    out.needs = std::move(body.needs);
    RE2::Options o;
    o.set_log_errors(false);
    RE2 check(out.regex, o);
    if (!check.ok()) return Status(Code::kPack, "template does not compile: " + check.error());
    return out;
  }

 private:
  char Peek() const { return pos_ < src_.size() ? src_[pos_] : '\0'; }
  void SkipSpace() {
    while (pos_ < src_.size() && IsSpace(src_[pos_])) ++pos_;
  }
  void Error(const std::string& e) {
    if (error_.empty()) error_ = e;
  }

  // alt := seq ('|' seq)* ; stops at `closer` (')' or ']') or the end.
  Fragment Alternatives(char closer) {
    std::vector<Fragment> branches;
    branches.push_back(Sequence(closer));
    while (error_.empty() && Peek() == '|') {
      ++pos_;
      branches.push_back(Sequence(closer));
    }
    if (branches.size() == 1) return branches[0];
    Fragment f;
    f.regex = "(?:";
    f.specificity = 1 << 20;
    // A match takes one branch, so it needs one of the branches' needs: the
    // union of one group from each; nothing if some branch needs nothing.
    std::vector<TokenNeed> any;
    bool every_branch_needs = true;
    for (size_t i = 0; i < branches.size(); ++i) {
      if (i) f.regex += "|";
      f.regex += branches[i].regex;
      f.specificity = std::min(f.specificity, branches[i].specificity);
      const std::vector<TokenNeed>* g = Narrowest(branches[i]);
      if (!g) every_branch_needs = false;
      else if (every_branch_needs) any.insert(any.end(), g->begin(), g->end());
    }
    f.regex += ")";
    if (every_branch_needs) f.needs.push_back(std::move(any));
    return f;
  }

  Fragment Sequence(char closer) {
    Fragment f;
    while (error_.empty()) {
      SkipSpace();
      char c = Peek();
      if (c == '\0' || c == '|' || c == ')' || c == ']' || (c == '$' && closer == 0)) break;
      if (c == closer) break;
      if (c == '(' || c == '[') {
        ++pos_;
        char close = c == '(' ? ')' : ']';
        Fragment inner = Alternatives(close);
        if (Peek() != close) {
          Error(std::string("missing '") + close + "' for the '" + c + "'");
          break;
        }
        ++pos_;
        if (c == '(') {
          f.regex += inner.regex;  // Alternatives() already grouped a '|'
          f.specificity += inner.specificity;
          for (auto& g : inner.needs) f.needs.push_back(std::move(g));
        } else {
          f.regex += "(?:" + inner.regex + ")?";
        }
        continue;
      }
      if (c == '*') {
        ++pos_;
        f.regex += "(?:[^ ]+ )*?";
        continue;
      }
      if (c == '{') {
        Slot(&f);
        continue;
      }
      if (c == '}') {
        Error("'}' without '{'");
        break;
      }
      if (c == '^') {
        Error("'^' may only stand at the start of a template");
        break;
      }
      if (c == '$') {
        Error("'$' may only stand at the end of a template");
        break;
      }
      Word(&f);
    }
    if (error_.empty() && closer == 0 && (Peek() == ')' || Peek() == ']')) {
      Error(std::string("'") + Peek() + "' without its opening bracket");
    }
    return f;
  }

  void Slot(Fragment* f) {
    size_t close = src_.find('}', pos_);
    if (close == std::string_view::npos) {
      Error("missing '}' for the slot");
      return;
    }
    std::string spec(src_.substr(pos_ + 1, close - pos_ - 1));
    pos_ = close + 1;
    SlotSpec s;
    size_t colon = spec.find(':');
    s.name = spec.substr(0, colon);
    std::string type = colon == std::string::npos ? "" : spec.substr(colon + 1);
    if (s.name.empty() || !std::all_of(s.name.begin(), s.name.end(), [](char ch) {
          return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_';
        })) {
      Error("bad slot name '" + s.name + "' (use lowercase letters, digits and '_')");
      return;
    }
    for (const auto& other : slots_) {
      if (other.name == s.name) {
        Error("slot '" + s.name + "' appears twice");
        return;
      }
    }
    if (type.empty() || type == "text") {
      s.type = SlotType::kText;
      f->regex += "((?:[^ ]+ )+?)";
    } else if (type == "number") {
      s.type = SlotType::kNumber;
      f->regex += "([0-9]+(?:\\.[0-9]+)? )";
    } else if (type == "digits") {
      s.type = SlotType::kDigits;
      f->regex += "([0-9]+ )";
    } else if (type == "phone") {
      s.type = SlotType::kPhone;
      f->regex += "(\\+?[0-9]+ (?:[0-9]+ ){0,6})";
    } else {
      Error("unknown slot type '" + type + "' (expected number, phone or digits)");
      return;
    }
    slots_.push_back(std::move(s));
  }

  // A word, possibly `pre*`, possibly with backslash escapes.
  void Word(Fragment* f) {
    std::string word;
    while (pos_ < src_.size()) {
      char c = src_[pos_];
      if (c == '\\' && pos_ + 1 < src_.size()) {
        word.push_back(src_[pos_ + 1]);
        pos_ += 2;
        continue;
      }
      if (IsSpace(c) || IsSyntax(c)) break;
      word.push_back(c);
      ++pos_;
    }
    bool prefix = Peek() == '*';
    if (prefix) ++pos_;
    text::NormalizeOptions o;
    o.forced = lang_;
    o.stems = false;
    o.latin_as_georgian = latin_as_georgian_;
    text::Normalized n;
    text::Normalize(word, o, &n);
    if (n.tokens.empty()) {
      if (prefix) Error("'" + word + "*' has no letters or digits before the '*'");
      return;  // punctuation only
    }
    for (size_t i = 0; i < n.tokens.size(); ++i) {
      const bool is_prefix = prefix && i + 1 == n.tokens.size();
      const std::string_view key = n.KeyOf(n.tokens[i]);
      f->regex += RE2::QuoteMeta(key);
      f->regex += is_prefix ? "[^ ]* " : " ";
      f->specificity += 1;
      if (!key.empty()) f->needs.push_back({TokenNeed{std::string(key), is_prefix, TokenHash(key)}});
    }
  }

  std::string_view src_;
  Lang lang_;
  int latin_as_georgian_;
  size_t pos_ = 0;
  std::string error_;
  std::vector<SlotSpec> slots_;
};

}  // namespace

Result<CompiledTemplate> CompileTemplate(std::string_view source, Lang lang) {
  // Georgian templates decide once, for the whole template, whether Latin
  // words are chat Georgian (an all-Latin template) or brand names.
  int latin_as_georgian = -1;
  if (lang == Lang::kKa) {
    std::string words;
    for (char c : source) words.push_back(IsSyntax(c) ? ' ' : c);
    text::NormalizeOptions o;
    o.forced = lang;
    o.stems = false;
    text::Normalized n;
    text::Normalize(words, o, &n);
    latin_as_georgian = n.script == text::Script::kLatin ? 1 : 0;
  }
  return Compiler(source, lang, latin_as_georgian).Run();
}

}  // namespace zari::pack
