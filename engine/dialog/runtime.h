// What an embedding host holds (zari_engine in the C API): the current
// engine snapshot, swapped atomically on reload, plus the host's clock,
// callbacks and the unresolved-query log. Sessions keep it alive.
#ifndef ZARI_ENGINE_DIALOG_RUNTIME_H_
#define ZARI_ENGINE_DIALOG_RUNTIME_H_

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "dialog/handoff.h"
#include "core/engine.h"
#include "log/log_store.h"
#include "util/status.h"

namespace zari::dialog {

struct RuntimeOptions {
  EngineOptions engine;
  std::string log_db;                                      // "" = no log
  std::function<int64_t()> clock;                          // unix seconds; empty = system clock
  std::function<void(const dialog::Handoff&)> on_handoff;  // inside hours only
  log::LogCallback on_log;
  size_t log_queue_capacity = 100000;
  std::function<void(sqlite3*)> log_on_open;  // test hook: log::LogStore::Options::on_open
};

class Runtime {
 public:
  static Result<std::shared_ptr<Runtime>> Create(const std::string& pack_path, RuntimeOptions options);
  ~Runtime();

  // Loads and compiles a pack (path "" = the current one) and swaps it in;
  // on error the current snapshot keeps serving.
  Status Reload(const std::string& pack_path);

  // The current snapshot; callers keep the shared_ptr for one request.
  std::shared_ptr<const Engine> engine() const;
  int64_t Now() const;
  const RuntimeOptions& options() const { return options_; }
  log::LogStore* log() const { return log_.get(); }
  void FlushLog() const;
  log::LogStats log_stats() const;

 private:
  explicit Runtime(RuntimeOptions options) : options_(std::move(options)) {}

  RuntimeOptions options_;
  std::string path_;
  mutable std::mutex mu_;  // guards engine_ and path_
  std::shared_ptr<const Engine> engine_;
  std::unique_ptr<log::LogStore> log_;
};

}  // namespace zari::dialog

#endif  // ZARI_ENGINE_DIALOG_RUNTIME_H_
