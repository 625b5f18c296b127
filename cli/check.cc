// zari check: validate a pack and run its examples and `not` phrases as tests.
#include <iostream>
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "check_confusions.h"
#include "commands.h"
#include "common.h"
#include "util/json_writer.h"

namespace zari::cli {
namespace {

struct Finding {
  bool failure;
  std::string where;
  std::string what;
};

std::string Quote(std::string_view s) {
  std::string out;  // not "'" + s + "'": GCC 12 at -O3 warns falsely (-Wrestrict) on that
  out.reserve(s.size() + 2);
  out.append(1, '\'').append(s).append(1, '\'');
  return out;
}

// How a reply came about, for messages: "template '…' (file:line:col)".
std::string Cause(const Engine& e, const Reply& r) {
  const match::Candidate* best = r.Best();
  if (!best) return "nothing";
  switch (best->evidence.kind) {
    case match::EvidenceKind::kRule: {
      const match::Rule& rule = e.rules().rule(best->evidence.source);
      return std::string(rule.is_regex ? "regex " : "template ") + Quote(rule.source) + " (" + rule.pos.ToString() + ")";
    }
    case match::EvidenceKind::kExactExample: {
      const ExampleRef& ex = e.example_refs()[static_cast<size_t>(best->evidence.source)];
      return "the same example " + Quote(ex.text->text) + " (" + ex.text->pos.ToString() + ")";
    }
    case match::EvidenceKind::kDtmf: return "its dtmf";
    default: {
      char score[16];
      std::snprintf(score, sizeof score, "%.2f", best->score);
      return std::string("the example matcher (score ") + score + ")";
    }
  }
}

// The plainest message a template matches: first alternatives, no optional
// parts, nothing for gaps, the prefix for `pre*`, a sample value per slot.
std::string SampleOf(const std::string& tmpl) {
  std::string out;
  int skip_depth = 0;                 // inside [..] or a later (..|..) branch
  std::vector<int> alt_state;         // per open '(': 0 first branch, 1 later branch
  std::vector<bool> bracket_kind;     // true for '[', false for '('
  for (size_t i = 0; i < tmpl.size(); ++i) {
    char c = tmpl[i];
    if (c == '\\' && i + 1 < tmpl.size()) {
      if (!skip_depth) out.push_back(tmpl[++i]);
      else ++i;
      continue;
    }
    switch (c) {
      case '[':
        bracket_kind.push_back(true);
        ++skip_depth;
        continue;
      case ']':
        if (!bracket_kind.empty()) bracket_kind.pop_back();
        if (skip_depth) --skip_depth;
        continue;
      case '(':
        bracket_kind.push_back(false);
        alt_state.push_back(0);
        continue;
      case '|':
        if (!alt_state.empty() && alt_state.back() == 0 && !bracket_kind.empty() && !bracket_kind.back()) {
          alt_state.back() = 1;
          ++skip_depth;
        }
        continue;
      case ')':
        if (!alt_state.empty()) {
          if (alt_state.back() == 1 && skip_depth) --skip_depth;
          alt_state.pop_back();
        }
        if (!bracket_kind.empty()) bracket_kind.pop_back();
        continue;
      case '{': {
        size_t close = tmpl.find('}', i);
        if (close == std::string::npos) return "";
        std::string spec = tmpl.substr(i + 1, close - i - 1);
        if (!skip_depth) {
          out += spec.find(":number") != std::string::npos ? " 5 "
                 : spec.find(":phone") != std::string::npos ? " 599123456 "
                 : spec.find(":digits") != std::string::npos ? " 12345 " : " abc ";
        }
        i = close;
        continue;
      }
      case '*':
      case '^':
      case '$':
        if (!skip_depth) out.push_back(' ');
        continue;
      default:
        if (!skip_depth) out.push_back(c);
    }
  }
  return out;
}

// Word keys of a text as a sorted set: "same words, other order".
std::string WordSet(const text::Normalized& n) {
  std::vector<std::string_view> words;
  for (const text::Token& t : n.tokens) words.push_back(n.KeyOf(t));
  std::sort(words.begin(), words.end());
  words.erase(std::unique(words.begin(), words.end()), words.end());
  std::string s;
  for (auto w : words) (s += w) += ' ';
  return s;
}

// Examples: where would each go if typed slightly differently (no exact
// match)? Also the same example, or the same words, in two intents.
void CheckExamples(const Engine& e, std::vector<Finding>* findings) {
  std::map<std::string, size_t> first_with_key;
  std::map<std::string, size_t> first_with_words;
  text::Normalized n;
  Reply r;
  for (size_t i = 0; i < e.example_refs().size(); ++i) {
    const ExampleRef& ex = e.example_refs()[i];
    const std::string& id = e.intent(ex.intent).id;
    e.Normalize(ex.text->text, ex.lang, text::Lang::kUnknown, &n);
    auto [it, fresh] = first_with_key.emplace(std::string(n.BareKey()), i);
    if (!fresh) {
      const ExampleRef& other = e.example_refs()[it->second];
      if (other.intent != ex.intent) {
        findings->push_back({true, ex.text->pos.ToString(),
                             "example " + Quote(ex.text->text) + " of intent " + Quote(id) + " is the same as example " +
                                 Quote(other.text->text) + " of intent " + Quote(e.intent(other.intent).id) + " (" +
                                 other.text->pos.ToString() + ")"});
      }
      continue;
    }
    auto [wit, wfresh] = first_with_words.emplace(WordSet(n), i);
    if (!wfresh && n.tokens.size() > 1) {
      const ExampleRef& other = e.example_refs()[wit->second];
      if (other.intent != ex.intent) {
        findings->push_back({false, ex.text->pos.ToString(),
                             "example " + Quote(ex.text->text) + " of intent " + Quote(id) +
                                 " has the same words as example " + Quote(other.text->text) + " of intent " +
                                 Quote(e.intent(other.intent).id) + " (" + other.text->pos.ToString() +
                                 "); the matcher cannot tell them apart"});
      }
    }
    e.Decide(n, ex.text->text, &r, /*exact_examples=*/false);
    const match::Candidate* best = r.Best();
    if (r.intent >= 0 && r.intent != ex.intent) {
      const bool by_rule = best && best->via != match::Via::kExample;
      findings->push_back({by_rule, ex.text->pos.ToString(),
                           "example " + Quote(ex.text->text) + " of intent " + Quote(id) + " resolves to " +
                               Quote(e.intent(r.intent).id) + " by " + Cause(e, r) +
                               (by_rule ? "" : "; add examples or a template to tell them apart")});
    }
  }
}

// Templates shadowed by another intent's rules: the plainest message a
// template matches must reach its own intent.
void CheckTemplates(const Engine& e, std::vector<Finding>* findings) {
  text::Normalized n;
  Reply r;
  for (size_t ri = 0; ri < e.rules().rule_count(); ++ri) {
    const match::Rule& rule = e.rules().rule(static_cast<int32_t>(ri));
    if (rule.is_regex) continue;
    std::string sample = SampleOf(rule.source);
    if (sample.empty()) continue;
    e.Normalize(sample, rule.lang, text::Lang::kUnknown, &n);
    e.Decide(n, sample, &r, /*exact_examples=*/false);
    const match::Candidate* best = r.Best();
    if (!best || best->evidence.kind != match::EvidenceKind::kRule) continue;
    const match::Rule& winner = e.rules().rule(best->evidence.source);
    if (winner.intent == rule.intent) continue;
    // Only when this template matches the sample too (otherwise the sample is not representative).
    bool own_hit = false;
    for (size_t k = 0; k < r.candidate_count; ++k) own_hit |= r.candidates[k].intent == rule.intent;
    if (!own_hit) continue;
    findings->push_back({false, rule.pos.ToString(),
                         "template " + Quote(rule.source) + " of intent " + Quote(e.intent(rule.intent).id) +
                             " is shadowed by template " + Quote(winner.source) + " of intent " +
                             Quote(e.intent(winner.intent).id) + " (" + winner.pos.ToString() + ") for " +
                             Quote(sample.substr(sample.find_first_not_of(' '))) +
                             "; raise its priority or make the other template narrower"});
  }
}

// `not` phrases must not resolve to their intent.
void CheckNots(const Engine& e, std::vector<Finding>* findings) {
  text::Normalized n;
  Reply r;
  for (const pack::Intent& in : e.pack().intents) {
    for (int l = 1; l < text::kLangCount; ++l) {
      for (const pack::Text& t : in.nots[static_cast<size_t>(l)]) {
        e.Normalize(t.text, static_cast<text::Lang>(l), text::Lang::kUnknown, &n);
        e.Decide(n, t.text, &r);
        if (r.intent >= 0 && e.intent(r.intent).id == in.id) {
          findings->push_back({true, t.pos.ToString(),
                               "'not' phrase " + Quote(t.text) + " resolves to intent " + Quote(in.id) + " by " +
                                   Cause(e, r)});
        }
      }
    }
  }
}

// Coverage of languages: titles, examples, answers.
void CheckCoverage(const pack::Pack& pack, std::vector<Finding>* findings) {
  for (const pack::Intent& in : pack.intents) {
    for (text::Lang l : pack.languages) {
      const size_t li = static_cast<size_t>(l);
      const std::string code(text::LangCode(l));
      if (in.title[li].empty()) {
        findings->push_back({false, in.pos.ToString(), "intent " + Quote(in.id) + " has no title in " + code +
                                                            " (clarify buttons show its first example instead)"});
      }
      const size_t examples = in.examples[li].size();
      if (examples < 3 && in.patterns[li].empty()) {
        findings->push_back({false, in.pos.ToString(),
                             "intent " + Quote(in.id) + " has " + std::to_string(examples) +
                                 " example(s) and no template in " + code + "; 5 or more phrasings make it robust"});
      }
    }
  }
}

size_t CountTemplates(const pack::Pack& pack) {
  size_t templates = 0;
  for (const pack::Intent& in : pack.intents) {
    templates += in.patterns[1].size() + in.patterns[2].size() + in.patterns[3].size();
  }
  return templates;
}

// The findings as JSON, or one line each, the confusions (information, not
// findings) and a summary line.
void PrintFindings(const CheckOptions& o, const Engine& e, const std::vector<Finding>& findings,
                   const Confusions& confusions, size_t failures, size_t warnings) {
  const pack::Pack& pack = e.pack();
  const size_t templates = CountTemplates(pack);
  if (!o.json) {
    for (const Finding& f : findings) {
      std::cout << f.where << ": " << (f.failure ? "error: " : "warning: ") << f.what << "\n";
    }
    PrintConfusions(e, confusions);
    std::cout << pack.name << ": " << pack.intents.size() << " intents, " << e.example_refs().size() << " examples, "
              << templates << " templates: " << failures << " error(s), " << warnings << " warning(s)\n";
    return;
  }
  std::string out;
  json::Writer w(&out);
  w.BeginObject();
  w.Key("pack").String(pack.name);
  w.Key("intents").Int(static_cast<long long>(pack.intents.size()));
  w.Key("examples").Int(static_cast<long long>(e.example_refs().size()));
  w.Key("templates").Int(static_cast<long long>(templates));
  w.Key("failures").Int(static_cast<long long>(failures));
  w.Key("warnings").Int(static_cast<long long>(warnings));
  w.Key("findings").BeginArray();
  for (const Finding& f : findings) {
    w.BeginObject();
    w.Key("level").String(f.failure ? "failure" : "warning");
    w.Key("where").String(f.where);
    w.Key("message").String(f.what);
    w.EndObject();
  }
  w.EndArray();
  AppendConfusionsJson(e, confusions, w);
  w.EndObject();
  std::cout << out << "\n";
}

}  // namespace

int RunCheck(const CheckOptions& o) {
  auto loaded = Engine::Load(o.pack);
  if (!loaded.ok()) return Error(loaded.status().message());
  const Engine& e = *loaded.value();
  std::vector<Finding> findings;
  CheckExamples(e, &findings);
  CheckTemplates(e, &findings);
  CheckNots(e, &findings);
  CheckCoverage(e.pack(), &findings);
  auto confusions = FindConfusions(e);
  if (!confusions.ok()) return Error(confusions.status().message());
  size_t failures = 0, warnings = 0;
  for (const Finding& f : findings) (f.failure ? failures : warnings)++;
  PrintFindings(o, e, findings, confusions.value(), failures, warnings);
  return failures > 0 || (o.strict && warnings > 0) ? 1 : 0;
}

}  // namespace zari::cli
