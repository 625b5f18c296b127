#include "pack/template.h"

#include <re2/re2.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

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

constexpr int32_t kPhoneGroups = 6;  // the {0,6} of a phone slot's regex

using Op = TokenInst::Op;

TokenInst Step(Op op, int32_t arg0 = 0, int32_t arg1 = 0) {
  TokenInst s;
  s.op = op;
  s.arg0 = arg0;
  s.arg1 = arg1;
  return s;
}

// Fragments' programs jump by offsets relative to the jumping step, so they
// can be concatenated as they are; Run() makes the offsets absolute.
void Append(std::vector<TokenInst>* to, const std::vector<TokenInst>& from) {
  to->insert(to->end(), from.begin(), from.end());
}

int32_t Size(const std::vector<TokenInst>& prog) { return static_cast<int32_t>(prog.size()); }

struct Fragment {
  std::string regex;
  std::vector<TokenInst> prog;
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
    std::vector<TokenInst> steps = std::move(body.prog);
    if (out.anchored_end) steps.push_back(Step(Op::kEnd));
    steps.push_back(Step(Op::kMatch));
    if (steps.size() > TokenProgram::kMaxSteps) {
      return Status(Code::kPack, "template is too long (over " + std::to_string(TokenProgram::kMaxSteps) +
                                     " steps of matching)");
    }
    for (size_t i = 0; i < steps.size(); ++i) {
      if (steps[i].op == Op::kSplit) steps[i].arg1 += static_cast<int32_t>(i);
      if (steps[i].op == Op::kSplit || steps[i].op == Op::kJump) steps[i].arg0 += static_cast<int32_t>(i);
    }
    out.program = TokenProgram(std::move(steps), std::move(literals_), out.anchored_start);
    out.slots = std::move(slots_);
    out.specificity = body.specificity;
    out.needs = std::move(body.needs);
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
    // Program: each branch but the last behind a split that prefers it, and
    // followed by a jump past the others.
    std::vector<size_t> jumps;
    for (size_t i = 0; i < branches.size(); ++i) {
      if (i) f.regex += "|";
      f.regex += branches[i].regex;
      const bool last = i + 1 == branches.size();
      if (!last) f.prog.push_back(Step(Op::kSplit, 1, Size(branches[i].prog) + 2));
      Append(&f.prog, branches[i].prog);
      if (!last) {
        jumps.push_back(f.prog.size());
        f.prog.push_back(Step(Op::kJump));
      }
      f.specificity = std::min(f.specificity, branches[i].specificity);
      const std::vector<TokenNeed>* g = Narrowest(branches[i]);
      if (!g) every_branch_needs = false;
      else if (every_branch_needs) any.insert(any.end(), g->begin(), g->end());
    }
    f.regex += ")";
    for (size_t j : jumps) f.prog[j].arg0 = static_cast<int32_t>(f.prog.size() - j);
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
        // The compiler recurses per bracket: a bound keeps a hostile
        // template from exhausting the stack.
        if (depth_ >= kMaxNesting) {
          Error("brackets nested more than " + std::to_string(kMaxNesting) + " deep");
          break;
        }
        ++pos_;
        char close = c == '(' ? ')' : ']';
        ++depth_;
        Fragment inner = Alternatives(close);
        --depth_;
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
          f.prog.push_back(Step(Op::kSplit, 1, Size(inner.prog) + 1));  // greedy: try it first
        }
        Append(&f.prog, inner.prog);
        continue;
      }
      if (c == '*') {
        ++pos_;
        f.regex += "(?:[^ ]+ )*?";
        // Lazy: leave the gap first, take one more token when that fails.
        f.prog.push_back(Step(Op::kSplit, 3, 1));
        f.prog.push_back(Step(Op::kAny));
        f.prog.push_back(Step(Op::kJump, -2));
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
    // Slot i is capture group i + 1: registers 2i + 2 and 2i + 3.
    const int32_t reg = 2 * static_cast<int32_t>(slots_.size()) + 2;
    std::vector<TokenInst> prog{Step(Op::kSave, reg)};
    if (type.empty() || type == "text") {
      s.type = SlotType::kText;
      f->regex += "((?:[^ ]+ )+?)";
      // Lazy: one token, then leave when the rest can match.
      prog.push_back(Step(Op::kAny));
      prog.push_back(Step(Op::kSplit, 1, -1));
    } else if (type == "number") {
      s.type = SlotType::kNumber;
      f->regex += "([0-9]+(?:\\.[0-9]+)? )";
      prog.push_back(Step(Op::kNumber));
    } else if (type == "digits") {
      s.type = SlotType::kDigits;
      f->regex += "([0-9]+ )";
      prog.push_back(Step(Op::kDigits));
    } else if (type == "phone") {
      s.type = SlotType::kPhone;
      f->regex += "(\\+?[0-9]+ (?:[0-9]+ ){0,6})";
      // Greedy {0,6}: each further group of digits is tried before stopping.
      prog.push_back(Step(Op::kPhone));
      for (int32_t i = 0; i < kPhoneGroups; ++i) {
        prog.push_back(Step(Op::kSplit, 1, 2 * (kPhoneGroups - i)));
        prog.push_back(Step(Op::kDigits));
      }
    } else {
      Error("unknown slot type '" + type + "' (expected number, phone or digits)");
      return;
    }
    prog.push_back(Step(Op::kSave, reg + 1));
    Append(&f->prog, prog);
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
      // The regex's literal is key + ' ': one token per space in it (the
      // key of a word has none, but the program follows the regex).
      for (size_t from = 0;;) {
        const size_t space = key.find(' ', from);
        const std::string_view piece = key.substr(from, space == std::string_view::npos ? space : space - from);
        const bool last = space == std::string_view::npos;
        f->prog.push_back(Step(last && is_prefix ? Op::kPrefix : Op::kEqual, static_cast<int32_t>(literals_.size()),
                               static_cast<int32_t>(piece.size())));
        literals_.append(piece);
        if (last) break;
        from = space + 1;
      }
      f->specificity += 1;
      if (!key.empty()) f->needs.push_back({TokenNeed{std::string(key), is_prefix, TokenHash(key)}});
    }
  }

  static constexpr int kMaxNesting = 32;
  int depth_ = 0;
  std::string_view src_;
  Lang lang_;
  int latin_as_georgian_;
  size_t pos_ = 0;
  std::string error_;
  std::vector<SlotSpec> slots_;
  std::string literals_;  // of the token program
};

}  // namespace

void KeyTokens::Split(std::string_view key) {
  key_ = key;
  spaces_.clear();
  for (size_t i = key.find(' '); i != std::string_view::npos; i = key.find(' ', i + 1)) {
    spaces_.push_back(static_cast<uint32_t>(i));
  }
}

TokenProgram::TokenProgram(std::vector<TokenInst> steps, std::string literals, bool anchored_start)
    : steps_(std::move(steps)), literals_(std::move(literals)), anchored_start_(anchored_start) {
  // Only a step with two ways in (counting the start) can be reached twice
  // at one boundary; every other step is reached at most as often as the one
  // before it, and every loop has such a step. Recording those is enough.
  std::vector<int> ways_in(steps_.size(), 0);
  ways_in[0] = 1;
  for (size_t i = 0; i < steps_.size(); ++i) {
    const TokenInst& s = steps_[i];
    switch (s.op) {
      case Op::kSplit:
        ++ways_in[static_cast<size_t>(s.arg0)];
        ++ways_in[static_cast<size_t>(s.arg1)];
        break;
      case Op::kJump: ++ways_in[static_cast<size_t>(s.arg0)]; break;
      case Op::kMatch: break;
      default: ++ways_in[i + 1]; break;
    }
  }
  for (size_t i = 0; i < steps_.size(); ++i) {
    if (ways_in[i] > 1) steps_[i].memo = memo_rows_++;
  }
}

namespace {

bool AllDigits(std::string_view t) {
  return !t.empty() && std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool Passes(const TokenInst& s, std::string_view token, const char* literals) {
  switch (s.op) {
    case Op::kEqual:
      return token.size() == static_cast<size_t>(s.arg1) &&
             std::memcmp(token.data(), literals + s.arg0, token.size()) == 0;
    case Op::kPrefix:
      return token.size() >= static_cast<size_t>(s.arg1) &&
             std::memcmp(token.data(), literals + s.arg0, static_cast<size_t>(s.arg1)) == 0;
    case Op::kAny: return !token.empty();
    case Op::kNumber: {
      const size_t dot = token.find('.');
      return dot == std::string_view::npos ? AllDigits(token)
                                           : AllDigits(token.substr(0, dot)) && AllDigits(token.substr(dot + 1));
    }
    case Op::kDigits: return AllDigits(token);
    case Op::kPhone: return AllDigits(token.starts_with('+') ? token.substr(1) : token);
    default: return false;
  }
}

constexpr uint32_t kUnset = UINT32_MAX;

}  // namespace

bool TokenProgram::Match(const KeyTokens& key, std::string_view* groups, int ngroups) const {
  // A backtrack point: resume at `step` and boundary `at`; or, for step < 0,
  // put back register ~step's value `at` (undoing a capture on the way back).
  struct Job {
    int32_t step;
    uint32_t at;
  };
  struct Scratch {
    std::vector<uint64_t> visited;  // memo row × boundary
    std::vector<Job> jobs;
    std::vector<uint32_t> regs;     // capture registers: boundaries
  };
  thread_local Scratch s;
  const size_t width = key.boundaries();
  if (steps_.empty() || width == 0) return false;
  const size_t tokens = width - 1;
  s.visited.assign((static_cast<size_t>(memo_rows_) * width + 63) / 64, 0);
  const size_t nregs = 2 * static_cast<size_t>(std::max(ngroups, 1));
  s.regs.assign(nregs, kUnset);
  // `^ `: the match starts at the key's first byte, which must be a space.
  if (anchored_start_ && key.Space(0) != 0) return false;
  const size_t last_start = anchored_start_ ? 0 : tokens;
  // A step failed at a boundary fails whatever the start was: the visited
  // table carries over from one start to the next.
  for (size_t start = 0; start <= last_start; ++start) {
    s.jobs.clear();
    s.jobs.push_back({0, static_cast<uint32_t>(start)});
    while (!s.jobs.empty()) {
      const Job job = s.jobs.back();
      s.jobs.pop_back();
      if (job.step < 0) {
        s.regs[static_cast<size_t>(~job.step)] = job.at;
        continue;
      }
      size_t pc = static_cast<size_t>(job.step), at = job.at;
      for (;;) {
        const TokenInst& st = steps_[pc];
        if (st.memo >= 0) {
          const size_t bit = static_cast<size_t>(st.memo) * width + at;
          uint64_t& word = s.visited[bit >> 6];
          const uint64_t m = uint64_t{1} << (bit & 63);
          if (word & m) break;
          word |= m;
        }
        switch (st.op) {
          case Op::kSplit:
            s.jobs.push_back({st.arg1, static_cast<uint32_t>(at)});
            pc = static_cast<size_t>(st.arg0);
            continue;
          case Op::kJump:
            pc = static_cast<size_t>(st.arg0);
            continue;
          case Op::kSave: {
            const size_t r = static_cast<size_t>(st.arg0);
            if (r < nregs) {
              s.jobs.push_back({~st.arg0, s.regs[r]});
              s.regs[r] = static_cast<uint32_t>(at);
            }
            ++pc;
            continue;
          }
          case Op::kEnd:
            if (key.Space(at) + 1 != key.key().size()) break;
            ++pc;
            continue;
          case Op::kMatch: {
            if (ngroups <= 0) return true;
            const std::string_view k = key.key();
            groups[0] = k.substr(key.Space(start), key.Space(at) + 1 - key.Space(start));
            for (size_t g = 1; g < static_cast<size_t>(ngroups); ++g) {
              const uint32_t b = s.regs[2 * g], e = s.regs[2 * g + 1];
              groups[g] = b == kUnset || e == kUnset ? std::string_view()
                                                     : k.substr(key.Space(b) + 1, key.Space(e) - key.Space(b));
            }
            return true;
          }
          default:
            if (at < tokens && Passes(st, key[at], literals_.data())) {
              ++pc;
              ++at;
              continue;
            }
            break;
        }
        break;  // this path failed: back to the latest job
      }
    }
  }
  return false;
}

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
