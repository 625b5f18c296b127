// zari fastagi: Asterisk FastAGI server for IVR pre-routing (docs/IVR.md).
#include <CLI/CLI.hpp>

#include <iostream>

#include "common.h"
#include "fastagi_server.h"
#include "lifecycle.h"
#include "server_commands.h"

namespace zari::cli {

CLI::App* AddFastAgiCommand(CLI::App& app, FastAgiOptions& o) {
  CLI::App* c = app.add_subcommand("fastagi", "Asterisk FastAGI server for IVR pre-routing");
  c->add_option("--pack", o.pack, "intent pack: a directory with pack.yaml, or one YAML file")->required();
  c->add_option("--listen", o.listen, "address to listen on, HOST:PORT (port 0 = any free port)")
      ->capture_default_str();
  c->add_option("--db", o.db, "log unresolved questions and handoffs to this SQLite file");
  c->add_option("--now", o.now, "fix the clock: YYYY-MM-DDTHH:MM (pack time zone) or with Z/+HH:MM");
  c->add_option("--default-route", o.default_route, "route (queue) for input no intent with a route matches")
      ->capture_default_str();
  c->add_option("--max-calls", o.max_calls, "calls served at the same time (more are refused)")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  c->add_option("--timeout", o.timeout, "seconds to wait for Asterisk before ending a call")
      ->check(CLI::Range(0.1, 3600.0))
      ->capture_default_str();
  c->add_option("--alternatives", o.alternatives, "speech n-best alternatives to read, SPEECH_TEXT(0..N-1)")
      ->check(CLI::Range(1, 16))
      ->capture_default_str();
  c->add_flag("--verbose", o.verbose, "print one line per call");
  return c;
}

int RunFastAgi(const FastAgiOptions& o) {
  using namespace zari::server;
  std::string host;
  int port = 0;
  if (!ParseListenOption(o.listen, "127.0.0.1:4573", &host, &port)) return 2;
  if (o.default_route.empty()) return Error("--default-route must not be empty", 2);
  SignalWatcher::BlockSignals();
  LogFn log = LogToStderr;
  auto runtime = LoadRuntime(o.pack, o.db, o.now, nullptr);
  if (!runtime) return 1;

  IvrRouter router(runtime, o.default_route);
  FastAgiServer::Options fo;
  fo.host = host;
  fo.port = port;
  fo.max_calls = o.max_calls;
  fo.io_timeout_ms = static_cast<int>(o.timeout * 1000);
  fo.call.max_alternatives = o.alternatives;
  fo.log = log;
  fo.verbose = o.verbose;
  FastAgiServer server([&router](const agi::CallInput& in) { return router.Route(in); }, fo);
  if (Status s = server.Bind(); !s.ok()) return Error(s.message());

  ReloadStats reloads;
  SignalWatcher signals([&] { ReloadPack(*runtime, &reloads, log); },
                        [&] {
                          log("shutting down");
                          server.Stop();
                        });
  // The first line of stdout names the address (scripts and tests read it).
  std::cout << ListenBanner("FastAGI for", runtime->engine()->pack(), "agi", host, server.port()) << std::endl;
  server.Run();
  runtime->FlushLog();
  FastAgiStats st = server.stats();
  log("stopped after " + std::to_string(st.calls) + " calls (" + std::to_string(st.routed) + " routed, " +
      std::to_string(st.hangups) + " hung up, " + std::to_string(st.errors) + " errors, " +
      std::to_string(st.rejected) + " refused)");
  return 0;
}

}  // namespace zari::cli
