#include "check_confusions.h"

#include <algorithm>
#include <iostream>
#include <map>
#include <utility>

namespace zari::cli {
namespace {

using text::Lang;

// Where example i sits in its intent's list for its language: its fold is
// that position modulo the number of folds.
size_t PositionInList(const Engine& e, const ExampleRef& ref) {
  const auto& list = e.intent(ref.intent).examples[static_cast<size_t>(ref.lang)];
  return static_cast<size_t>(ref.text - list.data());
}

// The pack without fold f's examples.
pack::Pack WithoutFold(const Engine& e, size_t fold, size_t folds) {
  pack::Pack p = e.pack();
  for (pack::Intent& in : p.intents) {
    for (auto& list : in.examples) {
      std::vector<pack::Text> kept;
      for (size_t j = 0; j < list.size(); ++j) {
        if (j % folds != fold) kept.push_back(std::move(list[j]));
      }
      list = std::move(kept);
    }
  }
  return p;
}

// got[i]: the best candidate's intent for example i, scored by the engine
// built without i's fold (-1 when nothing matched).
Status ScoreHeldOut(const Engine& e, size_t folds, std::vector<int32_t>* got) {
  const auto& refs = e.example_refs();
  got->assign(refs.size(), -1);
  text::Normalized n;
  Reply r;
  for (size_t f = 0; f < folds; ++f) {
    auto built = Engine::Compile(WithoutFold(e, f, folds));
    if (!built.ok()) return built.status();
    const Engine& fe = *built.value();
    for (size_t i = 0; i < refs.size(); ++i) {
      if (PositionInList(e, refs[i]) % folds != f) continue;
      fe.Normalize(refs[i].text->text, refs[i].lang, Lang::kUnknown, &n);
      fe.Decide(n, refs[i].text->text, &r, /*exact_examples=*/false);
      const match::Candidate* best = r.Best();
      (*got)[i] = best ? best->intent : -1;
    }
  }
  return Status::Ok();
}

std::vector<Confusions::Pair> Pairs(const Engine& e, const std::vector<int32_t>& got) {
  std::map<std::pair<int32_t, int32_t>, Confusions::Pair> by_pair;
  const auto& refs = e.example_refs();
  for (size_t i = 0; i < refs.size(); ++i) {
    if (got[i] < 0 || got[i] == refs[i].intent) continue;
    const auto key = std::minmax(refs[i].intent, got[i]);
    Confusions::Pair& p = by_pair[key];
    p.a = key.first;
    p.b = key.second;
    ++p.count;
    ++p.by_lang[static_cast<size_t>(refs[i].lang)];
    p.examples.push_back(i);
  }
  std::vector<Confusions::Pair> pairs;
  for (auto& [key, p] : by_pair) {
    if (p.count >= 2) pairs.push_back(std::move(p));
  }
  std::stable_sort(pairs.begin(), pairs.end(), [](const auto& x, const auto& y) { return x.count > y.count; });
  if (pairs.size() > Confusions::kMaxPairs) pairs.resize(Confusions::kMaxPairs);
  return pairs;
}

std::vector<Confusions::TooFew> TooFew(const Engine& e, const std::vector<int32_t>& got) {
  std::vector<Confusions::TooFew> out;
  const auto& refs = e.example_refs();
  for (size_t ii = 0; ii < e.intent_count(); ++ii) {
    for (Lang l : e.pack().languages) {
      Confusions::TooFew t{static_cast<int32_t>(ii), l, 0, 0, -1};
      std::map<int32_t, size_t> elsewhere;
      for (size_t i = 0; i < refs.size(); ++i) {
        if (refs[i].intent != t.intent || refs[i].lang != l) continue;
        ++t.examples;
        if (got[i] == t.intent) ++t.right;
        else if (got[i] >= 0) ++elsewhere[got[i]];
      }
      // An intent without examples in a language (templates only, or the
      // language left to the others) is not reported here; one with fewer
      // than five is, by CheckCoverage, whether or not they come back.
      if (t.examples == 0 || 2 * t.right >= t.examples) continue;
      size_t most = 0;
      for (const auto& [to, count] : elsewhere) {
        if (count > most) most = count, t.most_to = to;
      }
      out.push_back(t);
    }
  }
  return out;
}

std::string Quoted(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out.append(1, '\'').append(s).append(1, '\'');
  return out;
}

std::string ByLanguage(const Engine& e, const Confusions::Pair& p) {
  std::string out;
  for (Lang l : e.pack().languages) {
    const size_t count = p.by_lang[static_cast<size_t>(l)];
    if (!count) continue;
    out += (out.empty() ? "" : ", ") + std::string(text::LangCode(l)) + " " + std::to_string(count);
  }
  return out;
}

}  // namespace

Result<Confusions> FindConfusions(const Engine& e, size_t folds) {
  Confusions c;
  c.folds = folds;
  std::vector<int32_t> got;
  if (Status s = ScoreHeldOut(e, folds, &got); !s.ok()) return s;
  c.pairs = Pairs(e, got);
  c.too_few = TooFew(e, got);
  return c;
}

void PrintConfusions(const Engine& e, const Confusions& c) {
  const auto& refs = e.example_refs();
  if (!c.pairs.empty()) {
    std::cout << "intents confused with each other (each example scored by the pack without it):\n";
  }
  for (const Confusions::Pair& p : c.pairs) {
    const ExampleRef& ex = refs[p.examples.front()];
    const int32_t other = ex.intent == p.a ? p.b : p.a;
    std::cout << "  " << e.intent(p.a).id << " <-> " << e.intent(p.b).id << ": " << p.count << " examples ("
              << ByLanguage(e, p) << "), e.g. " << Quoted(ex.text->text) << " (" << ex.text->pos.ToString()
              << ") of " << Quoted(e.intent(ex.intent).id) << " goes to " << Quoted(e.intent(other).id) << "\n";
  }
  if (!c.too_few.empty()) std::cout << "too few examples to be told apart (add phrasings in that language):\n";
  for (const Confusions::TooFew& t : c.too_few) {
    std::cout << "  " << e.intent(t.intent).id << " in " << text::LangCode(t.lang) << ": " << t.examples
              << " example(s), " << t.right << " come back to it without themselves";
    if (t.most_to >= 0) std::cout << " (most others go to " << Quoted(e.intent(t.most_to).id) << ")";
    std::cout << "\n";
  }
}

void AppendConfusionsJson(const Engine& e, const Confusions& c, json::Writer& w) {
  const auto& refs = e.example_refs();
  w.Key("confusions").BeginArray();
  for (const Confusions::Pair& p : c.pairs) {
    w.BeginObject();
    w.Key("intents").BeginArray().String(e.intent(p.a).id).String(e.intent(p.b).id).EndArray();
    w.Key("count").Int(static_cast<long long>(p.count));
    w.Key("by_language").BeginObject();
    for (Lang l : e.pack().languages) {
      const size_t count = p.by_lang[static_cast<size_t>(l)];
      if (count) w.Key(text::LangCode(l)).Int(static_cast<long long>(count));
    }
    w.EndObject();
    w.Key("examples").BeginArray();
    for (size_t i : p.examples) {
      w.BeginObject();
      w.Key("text").String(refs[i].text->text);
      w.Key("where").String(refs[i].text->pos.ToString());
      w.Key("intent").String(e.intent(refs[i].intent).id);
      w.Key("language").String(text::LangCode(refs[i].lang));
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.Key("too_few_examples").BeginArray();
  for (const Confusions::TooFew& t : c.too_few) {
    w.BeginObject();
    w.Key("intent").String(e.intent(t.intent).id);
    w.Key("language").String(text::LangCode(t.lang));
    w.Key("examples").Int(static_cast<long long>(t.examples));
    w.Key("come_back").Int(static_cast<long long>(t.right));
    w.Key("most_go_to").Raw(t.most_to >= 0 ? e.IntentJson(t.most_to) : "null");
    w.EndObject();
  }
  w.EndArray();
}

}  // namespace zari::cli
