// zari check: validate a pack and run its examples and `not` phrases as tests.
#include <iostream>
#include <map>
#include <string>
#include <vector>

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

std::string Quote(std::string_view s) { return "'" + std::string(s) + "'"; }

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

}  // namespace

int RunCheck(const CheckOptions& o) {
  auto loaded = Engine::Load(o.pack);
  if (!loaded.ok()) return Error(loaded.status().message());
  const Engine& e = *loaded.value();
  const pack::Pack& pack = e.pack();
  std::vector<Finding> findings;
  text::Normalized n;
  Reply r;

  // Examples: where would each go if typed slightly differently (no exact match)?
  std::map<std::string, size_t> first_with_key;
  size_t templates = 0;
  for (size_t i = 0; i < e.example_refs().size(); ++i) {
    const ExampleRef& ex = e.example_refs()[i];
    const std::string& id = e.intent(ex.intent).id;
    e.Normalize(ex.text->text, ex.lang, text::Lang::kUnknown, &n);
    auto [it, fresh] = first_with_key.emplace(std::string(n.BareKey()), i);
    if (!fresh) {
      const ExampleRef& other = e.example_refs()[it->second];
      if (other.intent != ex.intent) {
        findings.push_back({true, ex.text->pos.ToString(),
                            "example " + Quote(ex.text->text) + " of intent " + Quote(id) + " is the same as example " +
                                Quote(other.text->text) + " of intent " + Quote(e.intent(other.intent).id) + " (" +
                                other.text->pos.ToString() + ")"});
      }
      continue;
    }
    e.Decide(n, ex.text->text, &r, /*exact_examples=*/false);
    const match::Candidate* best = r.Best();
    if (r.intent >= 0 && r.intent != ex.intent) {
      const bool by_rule = best && best->via != match::Via::kExample;
      findings.push_back({by_rule, ex.text->pos.ToString(),
                          "example " + Quote(ex.text->text) + " of intent " + Quote(id) + " resolves to " +
                              Quote(e.intent(r.intent).id) + " by " + Cause(e, r) +
                              (by_rule ? "" : "; add examples or a template to tell them apart")});
    }
  }
  // `not` phrases must not resolve to their intent.
  for (const pack::Intent& in : pack.intents) {
    templates += in.patterns[1].size() + in.patterns[2].size() + in.patterns[3].size();
    for (int l = 1; l < text::kLangCount; ++l) {
      for (const pack::Text& t : in.nots[static_cast<size_t>(l)]) {
        e.Normalize(t.text, static_cast<text::Lang>(l), text::Lang::kUnknown, &n);
        e.Decide(n, t.text, &r);
        if (r.intent >= 0 && e.intent(r.intent).id == in.id) {
          findings.push_back({true, t.pos.ToString(),
                              "'not' phrase " + Quote(t.text) + " resolves to intent " + Quote(in.id) + " by " + Cause(e, r)});
        }
      }
    }
  }
  // Coverage of languages: titles, examples, answers.
  for (const pack::Intent& in : pack.intents) {
    for (text::Lang l : pack.languages) {
      const size_t li = static_cast<size_t>(l);
      const std::string code(text::LangCode(l));
      if (in.title[li].empty()) {
        findings.push_back({false, in.pos.ToString(), "intent " + Quote(in.id) + " has no title in " + code +
                                                           " (clarify buttons show its first example instead)"});
      }
      const size_t examples = in.examples[li].size();
      if (examples < 3 && in.patterns[li].empty()) {
        findings.push_back({false, in.pos.ToString(),
                            "intent " + Quote(in.id) + " has " + std::to_string(examples) + " example(s) and no template in " +
                                code + "; 5 or more phrasings make it robust"});
      }
    }
  }

  size_t failures = 0, warnings = 0;
  for (const Finding& f : findings) (f.failure ? failures : warnings)++;
  if (o.json) {
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
    w.EndObject();
    std::cout << out << "\n";
  } else {
    for (const Finding& f : findings) {
      std::cout << f.where << ": " << (f.failure ? "error: " : "warning: ") << f.what << "\n";
    }
    std::cout << pack.name << ": " << pack.intents.size() << " intents, " << e.example_refs().size() << " examples, "
              << templates << " templates: " << failures << " error(s), " << warnings << " warning(s)\n";
  }
  return failures > 0 || (o.strict && warnings > 0) ? 1 : 0;
}

}  // namespace zari::cli
