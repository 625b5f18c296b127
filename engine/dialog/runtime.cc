#include "dialog/runtime.h"

#include <chrono>

namespace zari::dialog {

Result<std::shared_ptr<Runtime>> Runtime::Create(const std::string& pack_path, RuntimeOptions options) {
  std::shared_ptr<Runtime> rt(new Runtime(std::move(options)));
  auto engine = Engine::Load(pack_path, rt->options_.engine);
  if (!engine.ok()) return engine.status();
  rt->engine_ = std::move(engine.value());
  rt->path_ = pack_path;
  if (!rt->options_.log_db.empty()) {
    log::LogStore::Options lo;
    lo.path = rt->options_.log_db;
    lo.redact = rt->engine_->pack().redact;
    lo.queue_capacity = rt->options_.log_queue_capacity;
    lo.on_log = rt->options_.on_log;
    lo.on_open = rt->options_.log_on_open;
    auto store = log::LogStore::Open(lo);
    if (!store.ok()) return store.status();
    rt->log_ = std::move(store.value());
  }
  return rt;
}

Runtime::~Runtime() = default;  // the log store flushes in its destructor

Status Runtime::Reload(const std::string& pack_path) {
  std::string path;
  {
    std::lock_guard<std::mutex> lock(mu_);
    path = pack_path.empty() ? path_ : pack_path;
  }
  // Compile outside the lock: requests keep flowing on the old snapshot.
  auto engine = Engine::Load(path, options_.engine);
  if (!engine.ok()) return engine.status();
  if (log_) log_->set_redact(engine.value()->pack().redact);
  std::lock_guard<std::mutex> lock(mu_);
  engine_ = std::move(engine.value());
  path_ = path;
  return Status::Ok();
}

std::shared_ptr<const Engine> Runtime::engine() const {
  std::lock_guard<std::mutex> lock(mu_);
  return engine_;
}

int64_t Runtime::Now() const {
  if (options_.clock) return options_.clock();
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void Runtime::FlushLog() const {
  if (log_) log_->Flush();
}

log::LogStats Runtime::log_stats() const { return log_ ? log_->stats() : log::LogStats{}; }

}  // namespace zari::dialog
