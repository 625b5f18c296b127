// Pack loader: structure, types and every error naming file:line:col.
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "pack/loader.h"

namespace fs = std::filesystem;
using zari::Code;
using zari::pack::LoadPack;

namespace {

// A scratch directory removed at the end of each test.
struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("zari-loader-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  std::string Write(const std::string& name, const std::string& content) const {
    fs::path p = path / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
  }
  static inline int counter = 0;
};

const char* kSettings =
    "zari: 1\n"
    "name: Test\n"
    "version: \"3\"\n"
    "languages: [ka, az, en]\n"
    "timezone: Asia/Baku\n"
    "hours: {mon-fri: \"09:00-18:00\", sat: [\"10:00-12:00\", \"13:00-15:00\"], sun: \"22:00-02:00\"}\n"
    "closed: [\"2027-01-01\"]\n"
    "thresholds: {answer: 0.7, suggest: 0.4}\n"
    "escalation: {after_misses: 3, intents: [operator]}\n"
    "log: {redact: false}\n"
    "messages:\n"
    "  fallback: {en: Sorry, ka: ბოდიში, az: Bağışlayın}\n";

const char* kOperator =
    "intents:\n"
    "  - id: operator\n"
    "    patterns: {en: [operator]}\n";

std::string Error(const std::string& path) {
  auto r = LoadPack(path);
  REQUIRE_FALSE(r.ok());
  return r.status().message();
}

}  // namespace

TEST_CASE("a directory pack loads every key into structs") {
  TempDir d;
  d.Write("pack.yaml", kSettings);
  d.Write("more/operator.yaml", kOperator);
  d.Write("billing.yaml",
          "intents:\n"
          "  - id: balance\n"
          "    title: {en: Check balance, ka: ბალანსი, az: Balans}\n"
          "    route: billing\n"
          "    dtmf: \"1\"\n"
          "    patterns: {en: [\"[my] balance\"], ka: [\"ბალანს*\"]}\n"
          "    regex: {any: ['\\*100#']}\n"
          "    examples: {en: [how much money do I have]}\n"
          "    not: {en: [balance transfer]}\n"
          "    answer: {en: Dial *100#, ka: აკრიფეთ *100#, az: \"*100# yığın\"}\n"
          "    suggest: [operator]\n"
          "    priority: 2\n");
  auto r = LoadPack(d.path.string());
  REQUIRE_MESSAGE(r.ok(), r.status().message());
  const auto& p = r.value();
  CHECK(p.name == "Test");
  CHECK(p.version == "3");
  REQUIRE(p.languages.size() == 3);
  CHECK(p.DefaultLanguage() == zari::text::Lang::kKa);
  CHECK(p.timezone == "Asia/Baku");
  CHECK_FALSE(p.hours.always_open);
  CHECK(p.hours.week[0].size() == 1);
  CHECK(p.hours.week[0][0].start == 9 * 60);
  CHECK(p.hours.week[5].size() == 2);
  CHECK(p.hours.week[6][0].end == 26 * 60);  // overnight
  CHECK(p.hours.closed == std::vector<std::string>{"2027-01-01"});
  CHECK(p.answer_threshold == doctest::Approx(0.7));
  CHECK(p.after_misses == 3);
  CHECK_FALSE(p.redact);
  REQUIRE(p.intents.size() == 2);
  // pack.yaml first, then the other files sorted by path.
  CHECK(p.intents[0].id == "balance");
  const auto& b = p.intents[0];
  CHECK(b.route == "billing");
  CHECK(b.dtmf == "1");
  CHECK(b.priority == 2);
  CHECK(b.patterns[3].size() == 1);
  CHECK(b.regex[0].size() == 1);
  CHECK(b.nots[3][0].text == "balance transfer");
  CHECK(b.examples[3][0].pos.line == 8);
  CHECK(b.suggest[0].text == "operator");
}

TEST_CASE("a single file with settings and intents is a pack") {
  TempDir d;
  std::string f = d.Write("faq.yaml", std::string(kSettings) + kOperator);
  auto r = LoadPack(f);
  REQUIRE_MESSAGE(r.ok(), r.status().message());
  CHECK(r.value().intents.size() == 1);
}

TEST_CASE("errors name file, line, column and the problem") {
  TempDir d;
  SUBCASE("missing path") {
    auto r = LoadPack((d.path / "nope").string());
    CHECK(r.status().code() == Code::kNotFound);
    CHECK(r.status().message().find("nope: no such file or directory") != std::string::npos);
  }
  SUBCASE("directory without pack.yaml") {
    CHECK(Error(d.path.string()).find("pack.yaml is missing") != std::string::npos);
  }
  SUBCASE("broken YAML") {
    std::string f = d.Write("p.yaml", "zari: 1\nlanguages: [en\n");
    CHECK(Error(f).find("p.yaml:") != std::string::npos);
    CHECK(Error(f).find("invalid YAML") != std::string::npos);
  }
  SUBCASE("unknown key in an intent") {
    std::string f = d.Write("p.yaml", "zari: 1\nlanguages: [en]\nintents:\n  - id: a\n    anwser: {en: x}\n");
    CHECK(Error(f) == f + ":5:5: unknown key 'anwser' in intent 'a' (expected id, title, route, dtmf, patterns, "
                          "regex, examples, not, answer, suggest, handoff, priority)");
  }
  SUBCASE("unknown settings key") {
    std::string f = d.Write("p.yaml", "zari: 1\nlanguages: [en]\nthreshold: {answer: 1}\n");
    CHECK(Error(f).rfind(f + ":3:1: unknown key 'threshold' in pack settings", 0) == 0);
  }
  SUBCASE("wrong type") {
    std::string f = d.Write("p.yaml", "zari: 1\nlanguages: [en]\nintents:\n  - id: a\n    handoff: maybe\n    answer: {en: x}\n");
    CHECK(Error(f) == f + ":5:14: intent 'a' handoff must be true or false");
  }
  SUBCASE("duplicate id") {
    std::string f = d.Write("p.yaml",
                            "zari: 1\nlanguages: [en]\nintents:\n  - id: a\n    answer: {en: x}\n  - id: a\n    answer: {en: y}\n");
    CHECK(Error(f) == f + ":6:9: duplicate intent id 'a' (first defined at " + f + ":4:9)");
  }
  SUBCASE("duplicate key") {
    std::string f = d.Write("p.yaml", "zari: 1\nlanguages: [en]\nname: a\nname: b\n");
    CHECK(Error(f) == f + ":4:1: duplicate key 'name' in pack settings");
  }
  SUBCASE("missing answer in a declared language") {
    std::string f = d.Write("p.yaml", "zari: 1\nlanguages: [en, ka]\nintents:\n  - id: a\n    answer: {en: x}\n");
    CHECK(Error(f) == f + ":4:5: intent 'a' has no answer in ka (the pack's languages are en, ka)");
  }
  SUBCASE("a handoff intent needs no answer") {
    std::string f = d.Write("p.yaml", "zari: 1\nlanguages: [en, ka]\nintents:\n  - id: a\n    handoff: true\n");
    CHECK(LoadPack(f).ok());
  }
  SUBCASE("language outside the pack") {
    std::string f = d.Write("p.yaml", "zari: 1\nlanguages: [en]\nintents:\n  - id: a\n    answer: {en: x, ka: y}\n");
    CHECK(Error(f) == f + ":5:21: language 'ka' in intent 'a' answer is not in the pack's languages");
  }
  SUBCASE("unsupported schema") {
    std::string f = d.Write("p.yaml", "zari: 2\nlanguages: [en]\n");
    CHECK(Error(f).find("unsupported pack schema '2'") != std::string::npos);
  }
  SUBCASE("bad id, dtmf, hours, date, thresholds, references") {
    auto with = [&](const std::string& extra, const std::string& intent_extra = "") {
      return d.Write("p.yaml", "zari: 1\nlanguages: [en]\n" + extra + "intents:\n  - id: a\n    answer: {en: x}\n" + intent_extra);
    };
    CHECK(Error(with("", "    dtmf: \"12a\"\n")).find("must be keypad digits") != std::string::npos);
    CHECK(Error(with("hours: {mon: \"9-5\"}\n")).find("bad time range '9-5'") != std::string::npos);
    CHECK(Error(with("hours: {funday: \"09:00-10:00\"}\n")).find("unknown day 'funday'") != std::string::npos);
    CHECK(Error(with("closed: [\"2027-02-30\"]\n")).find("bad date '2027-02-30'") != std::string::npos);
    CHECK(Error(with("thresholds: {answer: 1.5}\n")).find("between 0 and 1") != std::string::npos);
    CHECK(Error(with("thresholds: {answer: 0.3, suggest: 0.6}\n")).find("suggest must not be above") != std::string::npos);
    CHECK(Error(with("escalation: {intents: [nobody]}\n")).find("names 'nobody', which no intent has") != std::string::npos);
    CHECK(Error(with("", "    suggest: [ghost]\n")).find("suggests 'ghost'") != std::string::npos);
    // Suggestions are shown as buttons: at most five, reported where the list is.
    CHECK(Error(with("", "    suggest: [a, a, a, a, a, a]\n")).find("p.yaml:6:14: suggest of intent 'a' lists 6 intents; at most 5") != std::string::npos);
    // Language tags: "en-US" is English, and a language may be given once per map.
    CHECK(Error(with("", "    title: {en: x, en-US: y}\n")).find("language 'en-US' appears twice") != std::string::npos);
    std::string bad_id = d.Write("p.yaml", "zari: 1\nlanguages: [en]\nintents:\n  - id: Bad Id\n    answer: {en: x}\n");
    CHECK(Error(bad_id).find("bad intent id 'Bad Id'") != std::string::npos);
  }
}

TEST_CASE("messages: the survey question and the thanks for an answer") {
  TempDir d;
  std::string f = d.Write("p.yaml",
                          "zari: 1\nlanguages: [en, ka]\nmessages:\n"
                          "  survey: {en: \"Rate us, 1 to 5\", ka: \"შეგვაფასეთ 1-დან 5-მდე\"}\n"
                          "  thanks_feedback: {en: Thanks!}\n");
  auto r = LoadPack(f);
  REQUIRE_MESSAGE(r.ok(), r.status().message());
  CHECK(r.value().messages.survey[static_cast<size_t>(zari::text::Lang::kEn)] == "Rate us, 1 to 5");
  CHECK(r.value().messages.survey[static_cast<size_t>(zari::text::Lang::kKa)] == "შეგვაფასეთ 1-დან 5-მდე");
  CHECK(r.value().messages.thanks_feedback[static_cast<size_t>(zari::text::Lang::kEn)] == "Thanks!");
  CHECK(r.value().messages.thanks_feedback[static_cast<size_t>(zari::text::Lang::kKa)].empty());  // Zari's default
  std::string bad = d.Write("q.yaml", "zari: 1\nlanguages: [en]\nmessages:\n  thanks: {en: x}\n");
  CHECK(Error(bad) == bad + ":4:3: unknown message 'thanks' (expected welcome, fallback, clarify, handoff, "
                            "after_hours, survey, thanks_feedback)");
}

TEST_CASE("add_examples: examples for intents defined elsewhere, at their own file:line:col") {
  TempDir d;
  d.Write("pack.yaml", "zari: 1\nlanguages: [ka, en]\nadd_examples:\n  balance: {en: [what do I owe]}\n");
  // "learned.yaml" sorts before "z_billing.yaml": the intent is defined after its additions.
  d.Write("learned.yaml",
          "# taught in the operator console\n"
          "add_examples:\n"
          "  balance:\n"
          "    ka:\n"
          "      - \"რამდენი თანხა მაქვს\"\n"
          "    en: [\"money left on my number\"]\n");
  d.Write("z_billing.yaml",
          "intents:\n  - id: balance\n    examples: {en: [check my balance]}\n    answer: {en: x, ka: y}\n");
  auto r = LoadPack(d.path.string());
  REQUIRE_MESSAGE(r.ok(), r.status().message());
  const auto& en = r.value().intents[0].examples[static_cast<size_t>(zari::text::Lang::kEn)];
  const auto& ka = r.value().intents[0].examples[static_cast<size_t>(zari::text::Lang::kKa)];
  REQUIRE(en.size() == 3);
  CHECK(en[0].text == "check my balance");  // the intent's own first, then in file order
  CHECK(en[1].text == "what do I owe");
  CHECK(en[1].pos.ToString() == (d.path / "pack.yaml").string() + ":4:18");
  CHECK(en[2].text == "money left on my number");
  CHECK(en[2].pos.ToString() == (d.path / "learned.yaml").string() + ":6:10");
  REQUIRE(ka.size() == 1);
  CHECK(ka[0].pos.ToString() == (d.path / "learned.yaml").string() + ":5:9");
  // An empty list is harmless.
  d.Write("learned.yaml", "add_examples:\n");
  CHECK(LoadPack(d.path.string()).ok());
}

TEST_CASE("add_examples: an unknown intent or language is an error where it is written") {
  TempDir d;
  d.Write("pack.yaml", "zari: 1\nlanguages: [ka, en]\nintents:\n  - id: balance\n    answer: {en: x, ka: y}\n");
  const std::string f = (d.path / "learned.yaml").string();
  d.Write("learned.yaml", "add_examples:\n  balanse: {en: [hi]}\n");
  CHECK(Error(d.path.string()) == f + ":2:3: add_examples names 'balanse', which no intent has as id");
  d.Write("learned.yaml", "add_examples:\n  balance: {fr: [salut]}\n");
  CHECK(Error(d.path.string()) == f + ":2:13: unknown language 'fr' in add_examples of 'balance' (expected ka, az, en)");
  d.Write("learned.yaml", "add_examples:\n  balance:\n    az: [salam]\n");
  CHECK(Error(d.path.string()) == f + ":3:5: language 'az' in add_examples of 'balance' is not in the pack's languages");
  d.Write("learned.yaml", "add_examples:\n  balance: [hi]\n");
  CHECK(Error(d.path.string()).find(f + ":2:12: add_examples of 'balance' must be a mapping") == 0);
  d.Write("learned.yaml", "add_examples:\n  balance: {en: [a]}\n  balance: {en: [b]}\n");
  CHECK(Error(d.path.string()) == f + ":3:3: duplicate key 'balance' in add_examples");
  d.Write("learned.yaml", "add_example:\n  balance: {en: [a]}\n");
  CHECK(Error(d.path.string()) ==
        f + ":1:1: unknown key 'add_example' (files other than pack.yaml hold only 'intents:' and 'add_examples:')");
  zari::pack::Limits limits;
  limits.max_texts_per_list = 2;
  d.Write("learned.yaml", "add_examples:\n  balance: {en: [a, b]}\n");
  d.Write("pack.yaml", "zari: 1\nlanguages: [en]\nintents:\n  - id: balance\n    examples: {en: [c]}\n    answer: {en: x}\n");
  auto r = LoadPack(d.path.string(), limits);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Code::kLimit);
  CHECK(r.status().message() == f + ":2:3: intent 'balance' would have more than 2 examples in en");
}

TEST_CASE("limits fail fast with one line") {
  TempDir d;
  zari::pack::Limits small;
  small.max_file_bytes = 64;
  std::string f = d.Write("p.yaml", std::string(kSettings));
  auto r = LoadPack(f, small);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Code::kLimit);
  CHECK(r.status().message().find("the limit is 64") != std::string::npos);

  // An alias that repeats a long list is counted each time it is visited.
  zari::pack::Limits few;
  few.max_yaml_nodes = 200;
  std::string list = "[";
  for (int i = 0; i < 50; ++i) list += std::string(i ? ", " : "") + "x" + std::to_string(i);
  list += "]";
  std::string aliased = d.Write("alias.yaml",
                                "zari: 1\nlanguages: [en]\nintents:\n  - id: a\n    examples: {en: &l " + list +
                                    "}\n    not: {en: *l}\n    answer: {en: y}\n  - id: b\n    examples: {en: *l}\n"
                                    "    not: {en: *l}\n    answer: {en: y}\n");
  auto ar = LoadPack(aliased, few);
  REQUIRE_FALSE(ar.ok());
  CHECK(ar.status().code() == Code::kLimit);
  CHECK(ar.status().message().find("YAML nodes") != std::string::npos);
}

TEST_CASE("deep nesting is an error, not a stack overflow") {
  std::string deep = "zari: 1\nlanguages: [en]\nname: " + std::string(100000, '[') + "\n";
  auto r = zari::pack::LoadPackText(deep, "deep.yaml");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().rfind("deep.yaml", 0) == 0);
}

namespace {

// A big intents file in the plain shape SplitIntentsList cuts: `intents:`
// then block items, with comments, block scalars and quoted strings inside.
std::string BigIntents(int intents, const std::string& extra_last = "") {
  std::string t = "# generated\nintents:\n";
  for (int i = 0; i < intents; ++i) {
    t += "  # intent " + std::to_string(i) + "\n";
    t += "  - id: i" + std::to_string(i) + "\n";
    t += "    examples:\n      en:\n";
    for (int e = 0; e < 6; ++e) t += "        - \"question " + std::to_string(i) + " number " + std::to_string(e) + "\"\n";
    t += "    answer:\n      en: |\n        The answer to " + std::to_string(i) + ".\n        - not an item\n";
    if (i + 1 == intents) t += extra_last;
  }
  return t;
}

// Every intent with its examples and positions, to compare two loads.
std::string Dump(const zari::pack::Pack& p) {
  std::string out;
  for (const auto& in : p.intents) {
    out += in.id + "@" + in.pos.ToString() + "=" + in.answer[static_cast<size_t>(zari::text::Lang::kEn)] + ";";
    for (const auto& ex : in.examples[static_cast<size_t>(zari::text::Lang::kEn)]) out += ex.text + "@" + ex.pos.ToString() + ",";
    out += "\n";
  }
  return out;
}

}  // namespace

TEST_CASE("a big intents file is cut at its items, each part keeping its line numbers") {
  const std::string text = BigIntents(2000);
  auto parts = zari::pack::SplitIntentsList(text, 4);
  REQUIRE(parts.size() == 4);
  size_t lines = 0;  // lines before the part: newlines in all the text before it
  for (size_t i = 0; i < parts.size(); ++i) {
    // A later part's first item stays on its line: the lines before it are
    // blank but for the last, which says `intents:`.
    if (i > 0) {
      CHECK(parts[i].find("\nintents:\n  - id: i") == lines - 2);
      CHECK(parts[i].find_first_not_of('\n') == lines - 1);
    }
    lines = static_cast<size_t>(std::count(parts[i].begin(), parts[i].end(), '\n'));
  }
  CHECK(lines == static_cast<size_t>(std::count(text.begin(), text.end(), '\n')));
  // Shapes it leaves whole.
  CHECK(zari::pack::SplitIntentsList(text, 1).empty());
  CHECK(zari::pack::SplitIntentsList(BigIntents(10), 4).empty());                 // small
  CHECK(zari::pack::SplitIntentsList(text + "other: 1\n", 4).empty());            // another key
  CHECK(zari::pack::SplitIntentsList("intents: [" + text.substr(20) + "]", 4).empty());  // flow style
  CHECK(zari::pack::SplitIntentsList(text + "\tx\n", 4).empty());                 // a tab
  CHECK(zari::pack::SplitIntentsList("zari: 1\n" + text, 4).empty());             // not an intents file
}

TEST_CASE("a pack loads the same on one thread or several") {
  TempDir d;
  d.Write("pack.yaml", "zari: 1\nlanguages: [en]\n");
  d.Write("a.yaml", BigIntents(2000));
  d.Write("b.yaml", "intents:\n  - id: small\n    examples: {en: [hello]}\n    answer: {en: hi}\n");
  auto one = LoadPack(d.path.string(), {}, 1);
  auto four = LoadPack(d.path.string(), {}, 4);
  REQUIRE(one.ok());
  REQUIRE(four.ok());
  CHECK(one->intents.size() == 2001);
  CHECK(Dump(*one) == Dump(*four));
}

TEST_CASE("a big intents file whose parts do not parse alone loads as a whole") {
  // An alias in the last intent to an anchor in the first: parts cannot
  // resolve it, the whole file can.
  TempDir d;
  d.Write("pack.yaml", "zari: 1\nlanguages: [en]\n");
  std::string text = BigIntents(2000, "    not: {en: *first}\n");
  text.replace(text.find("    examples:\n      en:\n"), 24, "    examples:\n      en: &first\n");
  d.Write("a.yaml", text);
  REQUIRE(zari::pack::SplitIntentsList(text, 4).size() == 4);
  auto one = LoadPack(d.path.string(), {}, 1);
  auto four = LoadPack(d.path.string(), {}, 4);
  REQUIRE(one.ok());
  REQUIRE(four.ok());
  CHECK(Dump(*one) == Dump(*four));
  CHECK(four->intents.back().nots[static_cast<size_t>(zari::text::Lang::kEn)].size() == 6);

  // A syntax error late in the file: the same message and position.
  d.Write("a.yaml", BigIntents(2000, "    answer: {en: [unclosed\n"));
  auto bad1 = LoadPack(d.path.string(), {}, 1);
  auto bad4 = LoadPack(d.path.string(), {}, 4);
  REQUIRE_FALSE(bad1.ok());
  REQUIRE_FALSE(bad4.ok());
  CHECK(bad1.status().message() == bad4.status().message());
  CHECK(bad4.status().message().find("a.yaml:") != std::string::npos);
}
