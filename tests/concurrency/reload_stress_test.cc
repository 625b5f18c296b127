// One engine under load from many threads while the pack is reloaded, broken
// reloads are rejected, and the log writes: no torn state, no crash, sessions
// continue (docs/RELIABILITY.md, Concurrency and hot reload). Run again under
// TSan by scripts/test.sh.
#include <doctest/doctest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "dialog/session.h"
#include "dialog/runtime.h"

namespace fs = std::filesystem;
using namespace zari;
using namespace zari::dialog;

namespace {

const std::string kPack = std::string(ZARI_SOURCE_DIR) + "/intents/telecom";

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("zari-stress-" + std::to_string(::getpid()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
};

const char* kQuestions[] = {
    "როგორ შევამოწმო ბალანსი?", "balansimi nece yoxlaya bilerem", "How do I top up my balance?",
    "baraTis daBlokva minda",  "What's the weather in Paris?",   "ოპერატორთან დამაკავშირეთ",
    "data",                    "2",                              "rouminq necə qoşulur",
};

}  // namespace

TEST_CASE("classify, converse, reload and log at the same time") {
  TempDir tmp;
  // A second, broken copy of the pack: reloading it must fail and change nothing.
  fs::path broken = tmp.path / "broken.yaml";
  std::ofstream(broken) << "zari: 1\nname: Broken\nlanguages: [en\n";

  RuntimeOptions o;
  o.log_db = (tmp.path / "log.sqlite").string();
  std::atomic<int> handoffs{0};
  o.on_handoff = [&](const dialog::Handoff&) { handoffs.fetch_add(1, std::memory_order_relaxed); };
  o.clock = [] { return int64_t{1795590000}; };  // Wednesday 11:00 in Tbilisi
  auto rt = Runtime::Create(kPack, o);
  REQUIRE_MESSAGE(rt.ok(), rt.status().message());
  std::shared_ptr<Runtime> runtime = rt.value();

  std::atomic<bool> stop{false};
  std::atomic<int> replies{0}, wrong{0}, reloads{0}, rejected{0};
  std::vector<std::thread> threads;
  // Stateless classification.
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&] {
      Reply r;
      for (int i = 0; !stop.load() && i < 4000; ++i) {
        runtime->engine()->Classify(kQuestions[0], text::Lang::kUnknown, &r);
        if (r.intent < 0 || r.engine->intent(r.intent).id != "balance") wrong.fetch_add(1);
        replies.fetch_add(1);
      }
    });
  }
  // Conversations, exported and imported every few turns.
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      auto session = std::make_unique<dialog::Session>(runtime, "s" + std::to_string(t), "web");
      Reply r;
      for (int i = 0; !stop.load() && i < 600; ++i) {
        session->Respond(kQuestions[i % std::size(kQuestions)], &r);
        if (r.Text().empty()) wrong.fetch_add(1);
        if (i % 7 == 6) {
          auto restored = dialog::Session::Import(runtime, session->Export());
          if (!restored.ok()) {
            wrong.fetch_add(1);
          } else {
            session = std::move(restored.value());
          }
        }
        replies.fetch_add(1);
      }
    });
  }
  // Reloads: the good pack and the broken one, alternately.
  threads.emplace_back([&] {
    for (int i = 0; i < 6; ++i) {
      if (runtime->Reload(kPack).ok()) reloads.fetch_add(1);
      if (!runtime->Reload(broken.string()).ok()) rejected.fetch_add(1);
    }
  });
  threads.back().join();
  threads.pop_back();
  stop.store(true);
  for (auto& th : threads) th.join();

  CHECK(reloads.load() == 6);
  CHECK(rejected.load() == 6);
  CHECK(wrong.load() == 0);
  CHECK(replies.load() > 0);
  CHECK(handoffs.load() > 0);
  CHECK(runtime->engine()->pack().name == "Zari Mobile");
  runtime->FlushLog();
  log::LogStats stats = runtime->log_stats();
  CHECK(stats.dropped == 0);
  CHECK(stats.written == stats.enqueued);
  CHECK(stats.written > 0);
}
