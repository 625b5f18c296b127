// `zari report --suggest`: clusters under their nearest intent, as a pack
// file that loads, without what `zari check` would refuse.
#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include "pack/loader.h"
#include "report/report.h"
#include "report_kpi_test_data.h"

using namespace zari_test;
using namespace zari_test::kpi;

TEST_CASE("report --suggest: clusters under their nearest intent, a pack file that loads, minus what check refuses") {
  LogTempDir dir("kpi");
  const std::string db = SeedKpis(dir);
  const Report r = Build(db, Pack(dir));
  const std::string suggest = zari::report::FormatSuggest(r);
  CAPTURE(suggest);
  CHECK(suggest.find("add_examples:\n  esim_info:\n    # cluster 1: 9 questions (en 9), 2026-11-02 08:00 – ") !=
        std::string::npos);
  CHECK(suggest.find("      - \"activate esim\"\n") != std::string::npos);
  // Caught by roaming's template: `zari check` would fail it, so it is left out.
  CHECK(suggest.find("\"activate esim roaming\"") == std::string::npos);
  CHECK(suggest.find("# Left out: 1 examples") != std::string::npos);
  // The pack file: the settings and intents, then the suggestions beside them.
  LogTempDir pack_dir("kpi-pack");
  std::ofstream(pack_dir.File("pack.yaml")) << kPackYaml;
  std::ofstream(pack_dir.File("suggested.yaml")) << suggest;
  auto loaded = zari::pack::LoadPack(pack_dir.path.string());
  REQUIRE_MESSAGE(loaded.ok(), loaded.status().message());
  const auto& esim = loaded.value().intents[1].examples[static_cast<size_t>(zari::text::Lang::kEn)];
  REQUIRE(esim.size() > 3);
  CHECK(esim[3].text == "activate esim");
  CHECK(esim[3].pos.file == pack_dir.File("suggested.yaml"));
}
