// The report's KPIs (docs/OPERATIONS.md, KPIs) from turn counts, handoffs,
// feedback and a takeovers table with known answers, in every format.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <string>

#include "report/report.h"
#include "report_kpi_test_data.h"

using namespace zari_test;
using namespace zari_test::kpi;

namespace {

// {value, numerator, denominator} of a JSON rate.
void CheckRate(const nlohmann::json& j, int64_t numerator, int64_t denominator) {
  CAPTURE(j.dump());
  CHECK(j["numerator"] == numerator);
  CHECK(j["denominator"] == denominator);
  CHECK(j["value"].get<double>() == doctest::Approx(static_cast<double>(numerator) / static_cast<double>(denominator)));
}

}  // namespace

TEST_CASE("report KPIs: every figure from its tables, with numerator and denominator") {
  LogTempDir dir("kpi");
  const std::string db = SeedKpis(dir);
  AddTakeovers(db);
  const Report r = Build(db, Pack(dir));
  const auto k = nlohmann::json::parse(zari::report::FormatJson(r))["kpis"];
  CHECK(k["conversations"] == 60);
  CheckRate(k["containment"], 49, 60);
  CheckRate(k["escalation"], 11, 60);
  CheckRate(k["escalation_by_reason"]["requested"], 8, 60);  // w0-w3, i0 i2 i4, and the row without an id
  CheckRate(k["escalation_by_reason"]["intent"], 3, 60);
  CheckRate(k["escalation_by_reason"]["misses"], 1, 60);
  CheckRate(k["confirmed_resolution"], 2, 60);  // s-a and s-c; not s-b (a "no"), w0 (handed off), s-d (neutral)
  CheckRate(k["outside_hours"], 20, 60);        // the ka conversations began at 22:00 in Tbilisi
  CHECK(k["csat"]["responses"] == 5);
  CHECK(k["csat"]["average"].get<double>() == doctest::Approx(3.6));
  CheckRate(k["csat"]["satisfied"], 3, 5);
  CHECK(k["csat"]["distribution"]["5"] == 2);
  CHECK(k["ces"]["average"].get<double>() == doctest::Approx(14.0 / 3));
  CheckRate(k["ces"]["easy"], 2, 3);
  CHECK(k["nps"]["score"].get<double>() == doctest::Approx(40));
  CheckRate(k["nps"]["promoters"], 3, 5);
  CheckRate(k["nps"]["passives"], 1, 5);
  CheckRate(k["nps"]["detractors"], 1, 5);
  CheckRate(k["helpful"]["yes"], 2, 5);
  // The least helpful first: esim_info 0 of 2, roaming 1 of 2, balance 1 of 1.
  REQUIRE(k["helpful_by_intent"].size() == 3);
  CHECK(k["helpful_by_intent"][0]["intent"] == "esim_info");
  CheckRate(k["helpful_by_intent"][1]["yes"], 1, 2);
  CHECK(k["helpful_by_intent"][2]["intent"] == "balance");
  // Operators: s-d's CSAT goes to its latest operator; s-e's came before giorgi joined.
  CHECK(k["takeovers"] == true);
  REQUIRE(k["operators"].size() == 2);
  CHECK(k["operators"][0]["operator"] == "op-nino");
  CHECK(k["operators"][0]["conversations"] == 3);
  CHECK(k["operators"][0]["csat"]["responses"] == 2);
  CHECK(k["operators"][0]["csat"]["average"].get<double>() == doctest::Approx(4.5));
  CHECK(k["operators"][1]["operator"] == "op-giorgi");
  CHECK(k["operators"][1]["conversations"] == 2);
  CHECK(k["operators"][1]["csat"]["responses"] == 1);
}

TEST_CASE("report KPIs: a feedback row's operator is who the CSAT counts for") {
  LogTempDir dir("kpi");
  const std::string db = SeedKpis(dir);
  AddTakeovers(db);
  {
    // s-d's latest operator was giorgi; the row itself says nino had it
    // (as a session writes it), and ana, who has no takeover row here,
    // got a CSAT of her own.
    Sql sql(db);
    REQUIRE(sql.Exec("UPDATE feedback SET operator_id = 'op-nino' WHERE session = 's-d' AND kind = 'csat'") == "");
    REQUIRE(sql.Exec("UPDATE feedback SET operator_id = 'op-ana' WHERE session = 's-e' AND kind = 'csat'") == "");
  }
  const auto k = nlohmann::json::parse(zari::report::FormatJson(Build(db, Pack(dir))))["kpis"];
  REQUIRE(k["operators"].size() == 3);
  CHECK(k["operators"][0]["operator"] == "op-nino");
  CHECK(k["operators"][0]["csat"]["responses"] == 3);  // s-a 5, s-c 4, s-d 3
  CHECK(k["operators"][0]["csat"]["average"].get<double>() == doctest::Approx(4));
  CHECK(k["operators"][1]["operator"] == "op-giorgi");
  CHECK(k["operators"][1]["conversations"] == 2);
  CHECK(k["operators"][1]["csat"]["responses"] == 0);
  CHECK(k["operators"][2]["operator"] == "op-ana");
  CHECK(k["operators"][2]["conversations"] == 0);
  CHECK(k["operators"][2]["csat"]["average"].get<double>() == doctest::Approx(1));
}

TEST_CASE("report KPIs: without a pack, takeovers or feedback, the figures that cannot be counted are null") {
  LogTempDir dir("kpi");
  const std::string db = SeedKpis(dir);
  Report r = Build(db);
  auto k = nlohmann::json::parse(zari::report::FormatJson(r))["kpis"];
  CHECK(k["outside_hours"]["value"].is_null());
  CHECK(k["outside_hours"]["numerator"].is_null());
  CHECK(k["takeovers"] == true);  // schema 4 has the table; nobody took a conversation over
  CHECK(k["operators"].empty());
  bool note = false;
  for (const auto& n : r.notes) note |= n.find("without --pack") != std::string::npos;
  CHECK(note);
  // A schema 2 file: no counts, no feedback.
  const std::string v2 = dir.File("v2.db");
  {
    Sql sql(v2);
    REQUIRE(sql.Exec(kSchemaV1) == "");
    REQUIRE(sql.Exec(kSchemaV2Additions) == "");
    REQUIRE(sql.Exec("PRAGMA user_version = 2") == "");
  }
  r = Build(v2);
  k = nlohmann::json::parse(zari::report::FormatJson(r))["kpis"];
  CHECK(k["conversations"].is_null());
  CHECK(k["containment"]["value"].is_null());
  CHECK(k["feedback"] == false);
  CHECK(k["takeovers"] == false);
  CHECK(k["csat"]["responses"] == 0);
  CHECK(k["csat"]["average"].is_null());
  CHECK(zari::report::FormatTable(r).find("no feedback table (schema < 4)") != std::string::npos);
}

TEST_CASE("report KPIs: in the table, the KPI CSV and the YAML") {
  LogTempDir dir("kpi");
  const std::string db = SeedKpis(dir);
  AddTakeovers(db);
  const Report r = Build(db, Pack(dir));
  const std::string table = zari::report::FormatTable(r);
  for (const char* line : {"  containment                  81.7%  49 of 60 without a handoff",
                           "  confirmed resolution          3.3%  2 of 60: positive feedback, no handoff",
                           "    asked for a person         13.3%  8 of 60",
                           "  outside operator hours       33.3%  20 of 60 began while operators were offline",
                           "  CSAT (1-5)                    3.60  60.0% satisfied (4-5), 5 answers",
                           "  NPS                             40  60.0% promoters, 20.0% detractors, 5 answers"}) {
    CAPTURE(line);
    CHECK(table.find(line) != std::string::npos);
  }
  CHECK(table.find("Least helpful answers") < table.find("esim_info"));
  CHECK(table.find("op-nino") != std::string::npos);

  const std::string csv = zari::report::FormatKpiCsv(r);
  CHECK(csv.rfind("kpi,group,value,numerator,denominator,responses,average\r\n", 0) == 0);
  CHECK(csv.find("containment,,0.8167,49,60,,\r\n") != std::string::npos);
  CHECK(csv.find("escalation,misses,0.0167,1,60,,\r\n") != std::string::npos);
  CHECK(csv.find("csat,satisfied,0.6000,3,5,5,3.6000\r\n") != std::string::npos);
  CHECK(csv.find("helpful_by_intent,esim_info,0.0000,0,2,2,0.0000\r\n") != std::string::npos);
  CHECK(csv.find("operator_conversations,op-nino,3,,,,\r\n") != std::string::npos);

  const std::string yaml = zari::report::FormatYaml(r);
  CHECK(yaml.find("kpis:\n  conversations: 60\n  containment:\n    value: 0.8166") != std::string::npos);
  CHECK(yaml.find("  helpful_by_intent:\n    - intent: \"esim_info\"\n      responses: 2\n") != std::string::npos);
  CHECK(yaml.find("  operators:\n    - operator: \"op-nino\"\n") != std::string::npos);
  CHECK(yaml.find("\nadd_examples:") != std::string::npos);
}

