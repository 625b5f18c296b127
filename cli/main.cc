// The `zari` command (docs/CLI.md).
#include <CLI/CLI.hpp>

#include "bench.h"
#include "commands.h"
#include "report.h"
#include "server_commands.h"
#include "zari/version.h"

int main(int argc, char** argv) {
  using namespace zari::cli;
  CLI::App app{"Zari: customer-support chatbot engine for Georgian, Azerbaijani and English"};
  app.set_version_flag("--version", ZARI_VERSION_STRING);
  app.require_subcommand(1);

  ConverseOptions ask_o, classify_o, chat_o;
  auto add_pack = [](CLI::App* c, ConverseOptions& o) {
    c->add_option("--pack", o.pack, "intent pack: a directory with pack.yaml, or one YAML file")->required();
    c->add_option("--lang", o.lang, "force the language: ka, az or en (default: detect)");
  };
  CLI::App* ask = app.add_subcommand("ask", "answer one message");
  add_pack(ask, ask_o);
  ask->add_flag("--json", ask_o.json, "print the whole reply as JSON");
  ask->add_option("--db", ask_o.db, "log unresolved questions to this SQLite file");
  ask->add_option("--now", ask_o.now, "fix the clock: YYYY-MM-DDTHH:MM (pack time zone) or with Z/+HH:MM");
  ask->add_option("--channel", ask_o.channel, "channel name for the log (default: cli)");
  ask->add_option("text", ask_o.text, "the message")->required();

  CLI::App* classify = app.add_subcommand("classify", "classify stdin lines, one JSON object per line");
  add_pack(classify, classify_o);
  classify->add_option("--threads", classify_o.threads, "worker threads (default 1)")->check(CLI::Range(1, 256));
  classify->add_flag("--options", classify_o.options, "also print the clarify options' intent ids");

  CLI::App* chat = app.add_subcommand("chat", "talk to a pack in the terminal");
  add_pack(chat, chat_o);
  chat->add_option("--db", chat_o.db, "log unresolved questions and handoffs to this SQLite file");
  chat->add_option("--now", chat_o.now, "fix the clock: YYYY-MM-DDTHH:MM (pack time zone) or with Z/+HH:MM");
  chat->add_option("--channel", chat_o.channel, "channel name (default: cli)");
  chat->add_option("--session", chat_o.session, "session id for the log (default: cli-chat)");
  chat->add_flag("--json", chat_o.json, "print each reply as JSON");

  CheckOptions check_o;
  CLI::App* check = app.add_subcommand("check", "validate a pack and test its examples");
  check->add_option("pack", check_o.pack, "intent pack directory or file")->required();
  check->add_flag("--strict", check_o.strict, "fail on warnings too");
  check->add_flag("--json", check_o.json, "print the findings as JSON");

  NormalizeOptions norm_o;
  CLI::App* norm = app.add_subcommand("normalize", "show how Zari reads text (stdin lines or arguments)");
  norm->add_option("--lang", norm_o.lang, "force the language: ka, az or en");
  norm->add_flag("--json", norm_o.json, "one JSON object per line");
  norm->add_option("text", norm_o.text, "text to normalize (default: read stdin lines)");

  ReportCommandOptions report_o;
  CLI::App* report = AddReportCommand(app, &report_o);
  ServeOptions serve_o;
  CLI::App* serve = AddServeCommand(app, serve_o);
  FastAgiOptions fastagi_o;
  CLI::App* fastagi = AddFastAgiCommand(app, fastagi_o);
  OperatorsOptions operators_o;
  CLI::App* operators = AddOperatorsCommand(app, operators_o);

  BenchOptions bench_o;
  CLI::App* bench = app.add_subcommand("bench", "measure a pack: load time, memory, latency, throughput");
  bench->add_option("--pack", bench_o.pack, "intent pack: a directory with pack.yaml, or one YAML file")->required();
  bench->add_option("--messages", bench_o.messages, "messages to send, one per line (default: the pack's examples, perturbed)");
  bench->add_option("--seconds", bench_o.seconds, "seconds per measurement (default 2)")->check(CLI::Range(0.01, 3600.0));
  bench->add_option("--threads", bench_o.threads, "measure throughput on 1..N threads (default: the CPUs)")->check(CLI::Range(1, 256));
  bench->add_option("--mode", bench_o.mode, "classify, respond or both (default both)");
  bench->add_option("--clock", bench_o.clock, "latency clock: wall, or cpu (the thread's CPU time; steadier on a busy machine)");
  bench->add_option("--lang", bench_o.lang, "force the language: ka, az or en (default: detect)");
  bench->add_option("--db", bench_o.db, "respond with the unresolved-query log on, written to this SQLite file");
  bench->add_option("--max-messages", bench_o.max_messages, "use at most this many messages (default 50000)");
  bench->add_option("--dump-messages", bench_o.dump_messages, "write the messages used (kind, intent, text) to this file");
  bench->add_flag("--json", bench_o.json, "print the figures as one JSON object");

  CLI11_PARSE(app, argc, argv);
  if (*ask) return RunAsk(ask_o);
  if (*classify) return RunClassify(classify_o);
  if (*chat) return RunChat(chat_o);
  if (*check) return RunCheck(check_o);
  if (*norm) return RunNormalize(norm_o);
  if (*report) return RunReport(report_o);
  if (*serve) return RunServe(serve_o);
  if (*operators) return RunOperators(operators_o);
  if (*fastagi) return RunFastAgi(fastagi_o);
  if (*bench) return RunBench(bench_o);
  return 2;
}
