// The FastAGI protocol (server/fastagi.h) line by line, as Asterisk speaks it.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "fastagi.h"
#include "fastagi_server.h"
#include "log_test_util.h"

using namespace zari::server::agi;

namespace {

// Environment lines as Asterisk 18/20 sends them for AGI(agi://host/route,…).
std::vector<std::string> Environment(const std::vector<std::string>& args, const std::string& language = "en") {
  std::vector<std::string> env = {
      "agi_network: yes",
      "agi_network_script: route",
      "agi_request: agi://127.0.0.1:4573/route",
      "agi_channel: PJSIP/trunk-00000007",
      "agi_language: " + language,
      "agi_type: PJSIP",
      "agi_uniqueid: 1732541234.7",
      "agi_version: 20.5.0",
      "agi_callerid: 995555123456",
      "agi_calleridname: unknown",
      "agi_callingpres: 0",
      "agi_callingani2: 0",
      "agi_callington: 0",
      "agi_callingtns: 0",
      "agi_dnid: 111",
      "agi_rdnis: unknown",
      "agi_context: ivr",
      "agi_extension: s",
      "agi_priority: 3",
      "agi_enhanced: 0.0",
      "agi_accountcode: ",
      "agi_threadid: 140213012178688",
  };
  for (size_t i = 0; i < args.size(); ++i) env.push_back("agi_arg_" + std::to_string(i + 1) + ": " + args[i]);
  return env;
}

struct Recorder {
  std::vector<CallInput> inputs;
  Decision decision{"billing", "balance", 1.0, "ka", "answer", "Dial *100#."};
  Call::Router router() {
    return [this](const CallInput& in) {
      inputs.push_back(in);
      return decision;
    };
  }
};

// Feeds the environment and the blank line that ends it.
void FeedEnvironment(Call& call, const std::vector<std::string>& env) {
  for (const auto& line : env) call.OnLine(line);
  call.OnLine("");
}

// Answers every SET VARIABLE with 200 result=1 and returns the commands seen.
std::vector<std::string> AnswerSets(Call& call) {
  std::vector<std::string> commands;
  for (int guard = 0; guard < 20 && !call.done(); ++guard) {
    std::string out = call.TakeOutput();
    if (out.empty()) break;
    commands.push_back(out);
    call.OnLine("200 result=1");
  }
  return commands;
}

}  // namespace

TEST_CASE("ParseResponse reads Asterisk's replies") {
  Response r;
  REQUIRE(ParseResponse("200 result=1 (balansi rogor shevamowmo)", &r));
  CHECK(r.code == 200);
  CHECK(r.has_result);
  CHECK(r.result == 1);
  CHECK(r.has_data);
  CHECK(r.data == "balansi rogor shevamowmo");

  REQUIRE(ParseResponse("200 result=0", &r));
  CHECK(r.result == 0);
  CHECK_FALSE(r.has_data);

  REQUIRE(ParseResponse("200 result=1 (a (nested) value) endpos=1234\r", &r));
  CHECK(r.data == "a (nested) value");
  CHECK(r.rest == "endpos=1234");

  REQUIRE(ParseResponse("200 result=-1", &r));
  CHECK(r.result == -1);

  REQUIRE(ParseResponse("200 result=1 ()", &r));
  CHECK(r.has_data);
  CHECK(r.data.empty());

  REQUIRE(ParseResponse("510 Invalid or unknown command", &r));
  CHECK(r.code == 510);
  CHECK_FALSE(r.has_result);

  REQUIRE(ParseResponse("511 result=-1 Command Not Permitted on a dead channel or intercept routine", &r));
  CHECK(r.code == 511);
  CHECK(r.result == -1);

  REQUIRE(ParseResponse("520-Invalid command syntax.  Proper usage follows:", &r));
  CHECK(r.continuation);
  CHECK(r.code == 520);

  REQUIRE(ParseResponse("HANGUP", &r));
  CHECK(r.hangup);

  REQUIRE(ParseResponse("200 result=1 (ბალანსი)", &r));
  CHECK(r.data == "ბალანსი");

  CHECK_FALSE(ParseResponse("", &r));
  CHECK_FALSE(ParseResponse("hello", &r));
  CHECK_FALSE(ParseResponse("20 result=1", &r));
  CHECK_FALSE(ParseResponse("200x", &r));
  CHECK_FALSE(ParseResponse("200 result=", &r));
  CHECK_FALSE(ParseResponse("099 result=1", &r));
  REQUIRE(ParseResponse("200 result=99999999999999999999999999", &r));  // no overflow
}

TEST_CASE("ParseEnvironmentLine splits agi_ variables") {
  std::string k, v;
  REQUIRE(ParseEnvironmentLine("agi_arg_1: balansi rogor shevamowmo", &k, &v));
  CHECK(k == "agi_arg_1");
  CHECK(v == "balansi rogor shevamowmo");
  REQUIRE(ParseEnvironmentLine("agi_accountcode: ", &k, &v));
  CHECK(v.empty());
  REQUIRE(ParseEnvironmentLine("agi_request: agi://127.0.0.1:4573/route\r", &k, &v));
  CHECK(v == "agi://127.0.0.1:4573/route");
  REQUIRE(ParseEnvironmentLine("agi_arg_2: a: b", &k, &v));
  CHECK(v == "a: b");
  CHECK_FALSE(ParseEnvironmentLine("agi_: x", &k, &v));
  CHECK_FALSE(ParseEnvironmentLine("foo: bar", &k, &v));
  CHECK_FALSE(ParseEnvironmentLine("agi_network yes", &k, &v));
  CHECK_FALSE(ParseEnvironmentLine("agi_bad key: x", &k, &v));
}

TEST_CASE("QuoteArgument quotes and escapes as Asterisk's parse_args reads it") {
  CHECK(QuoteArgument("billing") == "\"billing\"");
  CHECK(QuoteArgument("") == "\"\"");
  CHECK(QuoteArgument("say \"hi\" \\ bye") == "\"say \\\"hi\\\" \\\\ bye\"");
  CHECK(QuoteArgument("two\nlines\r\tand tab") == "\"two lines  and tab\"");
  CHECK(QuoteArgument("ბალანსი") == "\"ბალანსი\"");
  // Cut on a UTF-8 boundary: ბ is 3 bytes, so 7 bytes hold two letters.
  CHECK(QuoteArgument("ბალანსი", 7) == "\"ბა\"");
  // Escapes count against the limit and are never split.
  CHECK(QuoteArgument("a\"b", 2) == "\"a\"");
  CHECK(QuoteArgument(std::string("x\xff" "y")) == "\"x?y\"");       // broken UTF-8
  CHECK(QuoteArgument(std::string("\xe1\x83")) == "\"??\"");         // truncated sequence
  CHECK(QuoteArgument(std::string(5000, 'a'), 1024).size() == 1026);
}

TEST_CASE("a call with agi_arg_1 is routed at once") {
  Recorder rec;
  Call call(rec.router());
  FeedEnvironment(call, Environment({"balansi rogor shevamowmo", "ka"}));
  REQUIRE(rec.inputs.size() == 1);
  const CallInput& in = rec.inputs[0];
  CHECK(in.alternatives == std::vector<std::string>{"balansi rogor shevamowmo"});
  CHECK_FALSE(in.from_speech);
  CHECK(in.language == "ka");
  CHECK(in.channel_language == "en");
  CHECK(in.call_id == "1732541234.7");
  CHECK(in.script == "route");
  CHECK(in.env.at("agi_dnid") == "111");
  auto commands = AnswerSets(call);
  CHECK(commands == std::vector<std::string>{
                        "SET VARIABLE ZARI_ROUTE \"billing\"\n",
                        "SET VARIABLE ZARI_INTENT \"balance\"\n",
                        "SET VARIABLE ZARI_CONFIDENCE \"1.00\"\n",
                        "SET VARIABLE ZARI_LANGUAGE \"ka\"\n",
                        "SET VARIABLE ZARI_ACTION \"answer\"\n",
                        "SET VARIABLE ZARI_ANSWER \"Dial *100#.\"\n",
                    });
  CHECK(call.done());
  CHECK(call.end() == Call::End::kRouted);
}

TEST_CASE("a survey reads its arguments, asks for no speech and sets three variables") {
  Recorder rec;
  rec.decision = Decision{"", "", 0, "ka", "feedback", "გმადლობთ!"};
  rec.decision.survey = true;
  Call call(rec.router());
  auto env = Environment({"csat", "5"});
  for (auto& line : env) {
    if (line.rfind("agi_network_script:", 0) == 0) line = "agi_network_script: survey";
  }
  FeedEnvironment(call, env);
  REQUIRE(rec.inputs.size() == 1);
  CHECK(rec.inputs[0].script == "survey");
  CHECK(rec.inputs[0].args == std::vector<std::string>{"csat", "5"});
  CHECK(rec.inputs[0].alternatives.empty());  // a survey has nothing to classify
  CHECK(AnswerSets(call) == std::vector<std::string>{
                                "SET VARIABLE ZARI_ACTION \"feedback\"\n",
                                "SET VARIABLE ZARI_LANGUAGE \"ka\"\n",
                                "SET VARIABLE ZARI_ANSWER \"გმადლობთ!\"\n",
                            });
  CHECK(call.end() == Call::End::kRouted);
  // No DIGITS (a timeout in Read()): still no GET VARIABLE.
  Call empty(rec.router());
  env.back() = "agi_arg_2: ";
  FeedEnvironment(empty, env);
  CHECK(rec.inputs.back().args == std::vector<std::string>{"csat", ""});
  CHECK(empty.TakeOutput().rfind("SET VARIABLE ZARI_ACTION ", 0) == 0);
}

TEST_CASE("without agi_arg_1 the call asks for SPEECH_TEXT and its n-best") {
  Recorder rec;
  Call call(rec.router());
  FeedEnvironment(call, Environment({}));
  CHECK(call.TakeOutput() == "GET VARIABLE SPEECH_TEXT(0)\n");
  call.OnLine("200 result=1 (balance please)");
  CHECK(call.TakeOutput() == "GET VARIABLE SPEECH_SCORE(0)\n");
  call.OnLine("200 result=1 (870)");
  CHECK(call.TakeOutput() == "GET VARIABLE SPEECH_TEXT(1)\n");
  call.OnLine("200 result=1 (balanced peas)");
  CHECK(call.TakeOutput() == "GET VARIABLE SPEECH_TEXT(2)\n");
  call.OnLine("200 result=0");  // no third alternative
  REQUIRE(rec.inputs.size() == 1);
  CHECK(rec.inputs[0].alternatives == std::vector<std::string>{"balance please", "balanced peas"});
  CHECK(rec.inputs[0].from_speech);
  CHECK(AnswerSets(call).size() == 6);
  CHECK(call.end() == Call::End::kRouted);
}

TEST_CASE("an empty agi_arg_1 and no speech result route with no input") {
  Recorder rec;
  Call call(rec.router());
  FeedEnvironment(call, Environment({""}));
  CHECK(call.TakeOutput() == "GET VARIABLE SPEECH_TEXT(0)\n");
  call.OnLine("200 result=0");
  REQUIRE(rec.inputs.size() == 1);
  CHECK(rec.inputs[0].alternatives.empty());
  CHECK(call.TakeOutput().rfind("SET VARIABLE ZARI_ROUTE ", 0) == 0);
}

TEST_CASE("SPEECH_SCORE unset: only the first transcript") {
  Recorder rec;
  Call call(rec.router());
  FeedEnvironment(call, Environment({}));
  call.TakeOutput();
  call.OnLine("200 result=1 (operator)");
  CHECK(call.TakeOutput() == "GET VARIABLE SPEECH_SCORE(0)\n");
  call.OnLine("200 result=0");
  REQUIRE(rec.inputs.size() == 1);
  CHECK(rec.inputs[0].alternatives == std::vector<std::string>{"operator"});
}

TEST_CASE("unknown commands and usage blocks do not stop the call") {
  Recorder rec;
  Call call(rec.router());
  FeedEnvironment(call, Environment({"1"}));
  CHECK(call.TakeOutput() == "SET VARIABLE ZARI_ROUTE \"billing\"\n");
  call.OnLine("510 Invalid or unknown command");
  CHECK(call.TakeOutput() == "SET VARIABLE ZARI_INTENT \"balance\"\n");
  call.OnLine("520-Invalid command syntax.  Proper usage follows:");
  call.OnLine(" Usage: SET VARIABLE <variablename> <value>");
  call.OnLine("     Sets a variable to the current channel.");
  CHECK(call.TakeOutput().empty());
  call.OnLine("520 End of proper usage.");
  CHECK(call.TakeOutput() == "SET VARIABLE ZARI_CONFIDENCE \"1.00\"\n");
  call.OnLine("200 result=1");
  CHECK(AnswerSets(call).size() == 3);
  CHECK(call.end() == Call::End::kRouted);
}

TEST_CASE("hang-ups end the call quietly") {
  SUBCASE("HANGUP while setting variables") {
    Recorder rec;
    Call call(rec.router());
    FeedEnvironment(call, Environment({"balance"}));
    call.TakeOutput();
    call.OnLine("HANGUP");
    CHECK(call.done());
    CHECK(call.end() == Call::End::kHangup);
    call.OnLine("200 result=1");  // ignored after the end
    CHECK(call.TakeOutput().empty());
  }
  SUBCASE("511 on a dead channel") {
    Recorder rec;
    Call call(rec.router());
    FeedEnvironment(call, Environment({}));
    call.TakeOutput();
    call.OnLine("511 result=-1 Command Not Permitted on a dead channel or intercept routine");
    CHECK(call.end() == Call::End::kHangup);
    CHECK(rec.inputs.empty());
  }
  SUBCASE("result=-1") {
    Recorder rec;
    Call call(rec.router());
    FeedEnvironment(call, Environment({}));
    call.TakeOutput();
    call.OnLine("200 result=-1");
    CHECK(call.end() == Call::End::kHangup);
  }
  SUBCASE("HANGUP during the environment") {
    Recorder rec;
    Call call(rec.router());
    call.OnLine("agi_network: yes");
    call.OnLine("HANGUP");
    CHECK(call.end() == Call::End::kHangup);
  }
  SUBCASE("EOF") {
    Recorder rec;
    Call call(rec.router());
    call.OnLine("agi_network: yes");
    call.OnEof();
    CHECK(call.end() == Call::End::kEof);
    CHECK(rec.inputs.empty());
  }
}

TEST_CASE("garbage is bounded") {
  Recorder rec;
  SUBCASE("in the environment") {
    Call call(rec.router());
    for (int i = 0; i < 100 && !call.done(); ++i) call.OnLine("GET / HTTP/1.1");
    CHECK(call.end() == Call::End::kError);
    CHECK(rec.inputs.empty());
  }
  SUBCASE("an endless environment") {
    Call call(rec.router());
    for (int i = 0; i < 1000 && !call.done(); ++i) call.OnLine("agi_x" + std::to_string(i) + ": y");
    CHECK(call.end() == Call::End::kError);
  }
  SUBCASE("in responses") {
    Call call(rec.router());
    FeedEnvironment(call, Environment({}));
    for (int i = 0; i < 100 && !call.done(); ++i) call.OnLine("\x01\x02 nonsense");
    CHECK(call.end() == Call::End::kError);
  }
  SUBCASE("a few stray lines are tolerated") {
    Call call(rec.router());
    call.OnLine("hello");
    FeedEnvironment(call, Environment({"balance"}));
    call.TakeOutput();
    call.OnLine("???");
    call.OnLine("200 result=1");
    CHECK(call.TakeOutput() == "SET VARIABLE ZARI_INTENT \"balance\"\n");
  }
}

TEST_CASE("the answer is quoted and cut for Asterisk's command buffer") {
  Recorder rec;
  rec.decision.answer = std::string(3000, 'x') + "\"\n";
  Call::Options o;
  o.max_answer_bytes = 100;
  Call call(rec.router(), o);
  FeedEnvironment(call, Environment({"balance"}));
  auto commands = AnswerSets(call);
  REQUIRE(commands.size() == 6);
  CHECK(commands[5] == "SET VARIABLE ZARI_ANSWER \"" + std::string(100, 'x') + "\"\n");
}

TEST_CASE("random input never crashes the call machine") {
  uint64_t seed = 0x9E3779B97F4A7C15ull;
  auto next = [&seed] {
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return seed;
  };
  const std::vector<std::string> pieces = {"200 result=1 (", "200 result=", ")", "(", "HANGUP", "510 ", "520-",
                                           "520 ", "511 result=-1", "agi_arg_1: ", "agi_arg_2: ka", "", "1",
                                           "ბალანსი", "\xff\xfe", "\r", " ", "result=-", "99999999999999999999"};
  for (int round = 0; round < 300; ++round) {
    Recorder rec;
    Call call(rec.router());
    for (int i = 0; i < 60 && !call.done(); ++i) {
      std::string line;
      const int parts = static_cast<int>(next() % 4);
      for (int p = 0; p < parts; ++p) line += pieces[next() % pieces.size()];
      if (next() % 5 == 0) line += static_cast<char>(next() % 256);
      call.OnLine(line);
      std::string out = call.TakeOutput();
      CHECK((out.empty() || out.back() == '\n'));
    }
    call.OnEof();
    CHECK(call.done());
  }
}

TEST_CASE("IvrRouter: a keypad survey is stored for the call's session, in the caller's language") {
  using zari::server::IvrRouter;
  zari_test::LogTempDir dir("survey");
  const std::string db = dir.File("zari.db");
  {
    zari::dialog::RuntimeOptions o;
    o.log_db = db;
    o.clock = [] { return int64_t{1795590000}; };
    auto rt = zari::dialog::Runtime::Create(zari_test::PackDir(), std::move(o));
    REQUIRE(rt.ok());
    IvrRouter router(rt.value(), "operator");
    auto survey = [&](std::vector<std::string> args, const std::string& channel_language = "ka") {
      CallInput in;
      in.script = "survey";
      in.call_id = "1732541234.7";
      in.channel_language = channel_language;
      in.args = std::move(args);
      return router.Route(in);
    };
    Decision d = survey({"csat", "5"});
    CHECK(d.survey);
    CHECK((d.action == "feedback" && d.language == "ka"));
    CHECK(d.answer.find("მადლობა") != std::string::npos);
    CHECK(survey({"NPS", "10", "az"}).language == "az");  // the third argument forces the language
    CHECK(survey({"helpful", "0"}, "en").answer.find("Thanks") != std::string::npos);
    // Asking: the pack's CSAT question; other kinds have the dialplan's own prompt.
    d = survey({"csat"});
    CHECK((d.action == "survey" && d.answer.find("1-დან 5-მდე") != std::string::npos));
    CHECK(survey({"nps", ""}).answer.empty());
    for (const auto& bad : std::vector<std::vector<std::string>>{
             {"csat", "6"}, {"csat", "0"}, {"ces", "8"}, {"nps", "11"}, {"helpful", "2"}, {"csat", "*"},
             {"csat", "5#"}, {"nps", "100"}, {"stars", "5"}, {}}) {
      CAPTURE(bad.size());
      d = survey(bad);
      CHECK(d.action == "invalid");
      CHECK(d.answer.empty());
    }
  }
  zari_test::Sql sql(db);
  CHECK(sql.Column("SELECT session || ' ' || channel || ' ' || language || ' ' || kind || ' ' || value FROM feedback"
                   " ORDER BY id") ==
        std::vector<std::string>{"1732541234.7 ivr ka csat 5", "1732541234.7 ivr az nps 10",
                                 "1732541234.7 ivr en helpful 0"});
}
