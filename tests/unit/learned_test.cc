// pack::AppendLearnedExample: the learned-examples file grows one example at
// a time, stays valid YAML whatever the text, loads with the positions the
// function returned, and is replaced atomically.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "pack/learned.h"
#include "pack/loader.h"
#include "log_test_util.h"
#include "util/utf8.h"
#include "util/yaml_text.h"

using zari::Code;
using zari::pack::AppendLearnedExample;
using zari::text::Lang;
using namespace zari_test;

namespace {

const char* kPack =
    "zari: 1\nname: Learned\nlanguages: [ka, az, en]\nintents:\n"
    "  - id: balance\n    examples: {en: [check my balance]}\n    answer: {ka: a, az: b, en: c}\n"
    "  - id: roaming\n    answer: {ka: a, az: b, en: c}\n";

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Line(const std::string& path, int n) {
  std::istringstream in(Slurp(path));
  std::string line;
  for (int i = 0; i < n && std::getline(in, line); ++i) {
  }
  return line;
}

// The examples of `intent` in `lang` as the pack at `dir` loads them.
std::vector<zari::pack::Text> Loaded(const LogTempDir& dir, const std::string& intent, Lang lang) {
  auto pack = zari::pack::LoadPack(dir.path.string());
  REQUIRE_MESSAGE(pack.ok(), pack.status().message());
  for (const auto& in : pack.value().intents) {
    if (in.id == intent) return in.examples[static_cast<size_t>(lang)];
  }
  FAIL("no intent " << intent);
  return {};
}

}  // namespace

TEST_CASE("learned examples: appended, loaded by the pack at the position returned") {
  LogTempDir dir("learned");
  std::ofstream(dir.File("pack.yaml")) << kPack;
  const std::string file = dir.File("learned.yaml");
  auto first = AppendLearnedExample(file, "balance", Lang::kKa, "რამდენი თანხა დამრჩა");
  REQUIRE_MESSAGE(first.ok(), first.status().message());
  auto second = AppendLearnedExample(file, "roaming", Lang::kAz, "xaricdə internet işləyəcək?");
  REQUIRE(second.ok());
  CHECK(Loaded(dir, "roaming", Lang::kAz)[0].pos.ToString() == second.value().ToString());
  auto third = AppendLearnedExample(file, "balance", Lang::kEn, "money left on my number");
  REQUIRE(third.ok());
  const auto en = Loaded(dir, "balance", Lang::kEn);
  REQUIRE(en.size() == 2);
  CHECK(en[1].text == "money left on my number");
  CHECK(en[1].pos.ToString() == third.value().ToString());
  CHECK(Line(file, third.value().line).substr(static_cast<size_t>(third.value().col) - 1) ==
        "\"money left on my number\"");
  // The earlier ones moved down as the file grew: their positions are read again.
  const auto ka = Loaded(dir, "balance", Lang::kKa);
  REQUIRE(ka.size() == 1);
  CHECK(Line(file, ka[0].pos.line).find("\"რამდენი თანხა დამრჩა\"") == static_cast<size_t>(ka[0].pos.col) - 1);
  CHECK(Loaded(dir, "roaming", Lang::kAz)[0].pos.line == second.value().line + 2);  // below balance's new "en:"
  // The same example again: nothing changes, its position comes back.
  const std::string before = Slurp(file);
  auto again = AppendLearnedExample(file, "balance", Lang::kEn, "money left on my number");
  REQUIRE(again.ok());
  CHECK(again.value().ToString() == third.value().ToString());
  CHECK(Slurp(file) == before);
  // Nothing else is left in the directory (the temporary file was renamed).
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path)) files += e.is_regular_file();
  CHECK(files == 2);
}

TEST_CASE("learned examples: any text stays one valid YAML scalar and reads back exactly") {
  LogTempDir dir("learned");
  std::ofstream(dir.File("pack.yaml")) << kPack;
  const std::string file = dir.File("learned.yaml");
  const std::vector<std::string> hostile = {
      "say \"hi\" \\ bye",     "two\nlines\tand a tab\r", "# not a comment",  "- not a list item",
      "key: value",            "null",                    "~",                "&anchor *alias",
      "{flow: [x]}",           "'single quotes'",         "a\xe2\x80\xa8line separator",
      "bom \xef\xbb\xbf inside", "bell \x07 and del \x7f", "c1 \xc2\x85 nel",  "ბალანსი 💳 balansımı",
      "   spaces around   ",   "%YAML 1.2",              "--- document",      "... end"};
  for (const auto& t : hostile) REQUIRE_MESSAGE(AppendLearnedExample(file, "balance", Lang::kEn, t).ok(), t);
  const auto en = Loaded(dir, "balance", Lang::kEn);
  REQUIRE(en.size() == hostile.size() + 1);
  for (size_t i = 0; i < hostile.size(); ++i) CHECK(en[i + 1].text == hostile[i]);
  // One example per line: the file has a line per example plus 3 of header, 1 intent, 1 language.
  const std::string text = Slurp(file);
  CHECK(std::count(text.begin(), text.end(), '\n') == static_cast<long>(hostile.size()) + 5);
  CHECK(zari::YamlKey("balance") == "balance");
  CHECK(zari::YamlKey("yes") == "\"yes\"");
  CHECK(zari::YamlKey("1.5") == "\"1.5\"");
}

TEST_CASE("learned examples: what is refused, and files it does not own") {
  LogTempDir dir("learned");
  const std::string file = dir.File("learned.yaml");
  CHECK(AppendLearnedExample(file, "Balance", Lang::kEn, "x").status().code() == Code::kInvalid);
  CHECK(AppendLearnedExample(file, "", Lang::kEn, "x").status().code() == Code::kInvalid);
  CHECK(AppendLearnedExample(file, "balance", Lang::kUnknown, "x").status().code() == Code::kInvalid);
  CHECK(AppendLearnedExample(file, "balance", Lang::kEn, " \t\n").status().code() == Code::kInvalid);
  CHECK(AppendLearnedExample(file, "balance", Lang::kEn, std::string(4097, 'a')).status().code() == Code::kInvalid);
  CHECK(AppendLearnedExample(file, "balance", Lang::kEn, "bad \xff utf-8").status().code() == Code::kInvalid);
  CHECK_FALSE(std::filesystem::exists(file));  // nothing written for a refusal
  CHECK(AppendLearnedExample(dir.File("no/such/dir/learned.yaml"), "balance", Lang::kEn, "x").status().code() ==
        Code::kIo);

  // A file with intents is a pack file of its own: not rewritten.
  std::ofstream(file) << "intents:\n  - id: x\n    answer: {en: y}\n";
  auto r = AppendLearnedExample(file, "balance", Lang::kEn, "x");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Code::kPack);
  CHECK(r.status().message().find(file + ":2:5: this file holds intents") == 0);
  std::ofstream(file) << "add_examples:\n  balance: {en: [unclosed\n";
  r = AppendLearnedExample(file, "balance", Lang::kEn, "x");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find(file + ":") == 0);
  CHECK(r.status().message().find("invalid YAML") != std::string::npos);
  // A hand-written file in another layout is read, then written in the canonical one.
  std::ofstream(file) << "add_examples: {roaming: {en: [\"abroad\"]}, balance: {ka: [ბალანსი]}}\n";
  REQUIRE(AppendLearnedExample(file, "balance", Lang::kEn, "my balance").ok());
  CHECK(Slurp(file).find("  roaming:\n    en:\n      - \"abroad\"\n  balance:\n    ka:\n      - \"ბალანსი\"\n"
                         "    en:\n      - \"my balance\"\n") != std::string::npos);
}

TEST_CASE("learned examples: appends from several threads are all kept") {
  LogTempDir dir("learned");
  std::ofstream(dir.File("pack.yaml")) << kPack;
  const std::string file = dir.File("learned.yaml");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        const auto r = AppendLearnedExample(file, t % 2 ? "roaming" : "balance", Lang::kEn,
                                            "question " + std::to_string(t) + "." + std::to_string(i));
        CHECK(r.ok());
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(Loaded(dir, "balance", Lang::kEn).size() == 51);
  CHECK(Loaded(dir, "roaming", Lang::kEn).size() == 50);
}
