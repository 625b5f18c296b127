// zari serve: the HTTP JSON API and the embeddable chat widget (docs/HTTP.md).
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include "common.h"
#include "http_server.h"
#include "lifecycle.h"
#include "server_commands.h"
#include "operators.h"
#include "sqlite_persistence.h"
#include "webhook.h"

namespace zari::cli {

CLI::App* AddServeCommand(CLI::App& app, ServeOptions& o) {
  CLI::App* c = app.add_subcommand("serve", "HTTP JSON API and embeddable web chat widget");
  c->add_option("--pack", o.pack, "intent pack: a directory with pack.yaml, or one YAML file")->required();
  c->add_option("--listen", o.listen, "address to listen on, HOST:PORT (port 0 = any free port)")
      ->capture_default_str();
  c->add_option("--db", o.db, "log unresolved questions and handoffs to this SQLite file");
  c->add_option("--now", o.now, "fix the clock: YYYY-MM-DDTHH:MM (pack time zone) or with Z/+HH:MM");
  c->add_option("--webhook", o.webhook, "POST each handoff's JSON to this http(s) URL");
  c->add_option("--webhook-timeout", o.webhook_timeout, "seconds per webhook attempt")
      ->check(CLI::Range(0.1, 300.0))
      ->capture_default_str();
  c->add_option("--webhook-retries", o.webhook_retries, "retries after a failed webhook attempt")
      ->check(CLI::Range(0, 20))
      ->capture_default_str();
  c->add_option("--webhook-queue", o.webhook_queue, "handoffs waiting for the webhook, at most")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  c->add_option("--cors", o.cors, "allow browser requests from this origin (repeatable; * = any)");
  c->add_option("--operators", o.operators, "operators file (zari operators add): enables /operator and its API");
  c->add_option("--store", o.store, "where conversations live: memory, sqlite:PATH (survives a restart), or redis://HOST:PORT[/DB][?prefix=NAME] (shared by several servers)")
      ->capture_default_str();
  c->add_option("--threads", o.threads, "engine threads (0: one per CPU, at least 2)")
      ->check(CLI::Range(0, 1024))
      ->capture_default_str();
  c->add_option("--io-threads", o.io_threads, "socket threads")->check(CLI::Range(1, 64))->capture_default_str();
  c->add_option("--max-connections", o.max_connections, "open connections at most (more: 503 at accept)")
      ->check(CLI::Range(16, 1000000))
      ->capture_default_str();
  c->add_option("--keep-alive", o.keep_alive, "seconds an idle kept-alive connection stays open")
      ->check(CLI::Range(1.0, 3600.0))
      ->capture_default_str();
  c->add_option("--request-timeout", o.request_timeout, "seconds a request may take to arrive whole (slower: 408)")
      ->check(CLI::Range(0.1, 600.0))
      ->capture_default_str();
  c->add_option("--session-ttl", o.session_ttl, "seconds a conversation is kept after its last message")
      ->check(CLI::Range(0.001, 30.0 * 86400))
      ->capture_default_str();
  c->add_option("--max-sessions", o.max_sessions, "conversations kept at most (the oldest go first)")
      ->check(CLI::Range(1, 10000000))
      ->capture_default_str();
  c->add_option("--max-body", o.max_body, "largest request body in bytes (larger: 413)")
      ->check(CLI::Range(64, 16 * 1024 * 1024))
      ->capture_default_str();
  c->add_flag("--quiet", o.quiet, "print only errors");
  return c;
}

int RunServe(const ServeOptions& o) {
  using namespace zari::server;
  std::string host;
  int port = 0;
  if (!ParseListenOption(o.listen, "127.0.0.1:8080", &host, &port)) return 2;
  // Signals go to the watcher thread only: block them before any thread starts.
  SignalWatcher::BlockSignals();
  LogFn log = LogToStderr;

  std::unique_ptr<WebhookSender> webhook;
  if (!o.webhook.empty()) {
    WebhookSender::Options wo;
    wo.url = o.webhook;
    wo.timeout_ms = static_cast<int>(o.webhook_timeout * 1000);
    wo.max_attempts = o.webhook_retries + 1;
    wo.queue_capacity = static_cast<size_t>(o.webhook_queue);
    wo.on_log = log;
    auto w = WebhookSender::Create(std::move(wo));
    if (!w.ok()) return Error("--webhook: " + w.status().message(), 2);
    webhook = std::move(w.value());
  }
  HandoffRelay relay(webhook.get());
  auto runtime = LoadRuntime(o.pack, o.db, o.now, [&relay](const dialog::Handoff& h) { relay(h); });
  if (!runtime) return 1;

  HttpServerOptions so;
  so.host = host;
  so.port = port;
  so.workers = o.threads;
  so.io_threads = o.io_threads;
  so.max_connections = static_cast<size_t>(o.max_connections);
  so.keep_alive_ms = static_cast<int>(o.keep_alive * 1000);
  so.io_timeout_ms = static_cast<int>(o.request_timeout * 1000);
  so.max_body_bytes = static_cast<size_t>(o.max_body);
  so.cors_origins = o.cors;
  so.max_sessions = static_cast<size_t>(o.max_sessions);
  so.session_idle_ms = static_cast<int64_t>(o.session_ttl * 1000);
  so.log = log;
  if (o.store.rfind("sqlite:", 0) == 0 && o.store.size() > 7) {
    SqlitePersistence::Options po;
    po.path = o.store.substr(7);
    auto p = SqlitePersistence::Open(po);
    if (!p.ok()) return Error("--store: " + p.status().message(), 2);
    so.persist = std::move(p.value());
  } else if (o.store.rfind("redis://", 0) == 0) {
    auto address = ParseRedisUrl(o.store);
    if (!address.ok()) return Error("--store: " + address.status().message(), 2);
    so.redis = address.value();
  } else if (o.store != "memory") {
    return Error("--store: expected memory, sqlite:PATH or redis://HOST:PORT[/DB][?prefix=NAME], got '" + o.store +
                     "'", 2);
  }
  if (!o.operators.empty()) {
    auto ops = LoadOperators(o.operators);
    if (!ops.ok()) return Error("--operators: " + ops.status().message(), 2);
    so.operators = std::move(ops.value());
  }
  ReloadStats reloads;
  HttpServer server(runtime, so, webhook.get(), &reloads);
  if (Status s = server.Bind(); !s.ok()) return Error(s.message());

  SignalWatcher signals([&] { ReloadPack(*runtime, &reloads, log); },
                        [&] {
                          if (!o.quiet) log("shutting down");
                          server.Stop();
                        });
  // The first line of stdout names the address (scripts and tests read it).
  std::cout << ListenBanner("serving", runtime->engine()->pack(), "http", host, server.port()) << std::endl;
  server.Run();
  if (webhook) webhook->Shutdown();  // delivers what is queued, within its drain time
  runtime->FlushLog();
  if (!o.quiet) log("stopped");
  return 0;
}

}  // namespace zari::cli
