// Load generators for `zari fastagi` and `zari serve` where a Python client
// would be the bottleneck (bench/load/README.md). One thread, one epoll
// loop, 127.0.0.1 only, standard library and POSIX only: run_load.py
// builds it with `c++ -O2` when CMake has not (tests build it as
// zari_load_client).
//
//   zari_load_client agi  --port P --messages FILE [--concurrency 64] [--seconds 10] [--warmup 1]
//       Plays Asterisk: FILE has "lang<TAB>text" lines; each of --concurrency
//       slots opens a FastAGI call, sends the agi_* environment (the text as
//       agi_arg_1, a DTMF digit every 8th call, or SPEECH_TEXT(0) asked for
//       every 4th), answers every command as res_agi does ("200 result=1"),
//       and starts the next call when the server closes the connection.
//       Calls that end after the warm-up are counted: calls/s, latency from
//       connect to close (p50, p90, p99, max), refused calls and errors.
//
//   zari_load_client poll --port P --messages FILE [--clients 10000] [--wait 30] [--seconds 40]
//                         [--open-rate N]
//       Visitors waiting for events: creates --clients conversations (POST
//       /api/v1/message over 32 kept-alive connections), then opens one
//       connection per conversation holding GET /api/v1/events?wait=W, and
//       polls again (after=next) whenever one is answered. Prints "ready N"
//       once all N are waiting, stops --seconds later. Reports how long
//       after its wait each poll was answered (lateness: from the moment
//       its request had left in full), and errors. --open-rate N opens N
//       polls a second (default: batches of 256 as fast as they go, a
//       burst that overflows the kernel's listen queue: those connections
//       wait for TCP's 1 s SYN retransmission).
//
// The result is one JSON object on stdout (after "ready N" for poll).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace {

// ---- common ----------------------------------------------------------------

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

[[noreturn]] void Die(const std::string& why) {
  std::fprintf(stderr, "zari_load_client: %s\n", why.c_str());
  std::exit(1);
}

struct Message {
  std::string lang;
  std::string text;
};

std::vector<Message> ReadMessages(const std::string& path) {
  std::ifstream in(path);
  if (!in) Die("cannot read " + path);
  std::vector<Message> out;
  std::string line;
  while (std::getline(in, line)) {
    const size_t tab = line.find('\t');
    if (tab == std::string::npos || tab + 1 >= line.size()) continue;
    out.push_back({line.substr(0, tab), line.substr(tab + 1)});
  }
  if (out.empty()) Die(path + " has no \"lang<TAB>text\" lines");
  return out;
}

// A non-blocking TCP connection to 127.0.0.1:port, connect in progress.
int Connect(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) Die(std::string("socket: ") + std::strerror(errno));
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 && errno != EINPROGRESS) {
    Die(std::string("connect: ") + std::strerror(errno));
  }
  return fd;
}

// Writes what it can of *out; false when the peer is gone.
bool Flush(int fd, std::string* out) {
  while (!out->empty()) {
    const ssize_t n = ::send(fd, out->data(), out->size(), MSG_NOSIGNAL);
    if (n > 0) {
      out->erase(0, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return true;
    return false;
  }
  return true;
}

// Reads what is there into *in: 1 = got bytes, 0 = nothing yet, -1 = closed/error.
int Drain(int fd, std::string* in) {
  char buf[16384];
  int got = 0;
  while (true) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n > 0) {
      in->append(buf, static_cast<size_t>(n));
      got = 1;
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return got;
    return got ? 1 : -1;  // bytes first; the close is seen on the next call
  }
}

class Poller {
 public:
  Poller() : ep_(::epoll_create1(EPOLL_CLOEXEC)) {
    if (ep_ < 0) Die("epoll_create1");
  }
  ~Poller() { ::close(ep_); }
  void Add(int fd, uint64_t tag, uint32_t events) { Ctl(EPOLL_CTL_ADD, fd, tag, events); }
  void Mod(int fd, uint64_t tag, uint32_t events) { Ctl(EPOLL_CTL_MOD, fd, tag, events); }
  // Waits up to ms; returns the ready events.
  const std::vector<epoll_event>& Wait(int ms) {
    events_.resize(1024);
    const int n = ::epoll_wait(ep_, events_.data(), static_cast<int>(events_.size()), ms);
    events_.resize(n > 0 ? static_cast<size_t>(n) : 0);
    return events_;
  }

 private:
  void Ctl(int op, int fd, uint64_t tag, uint32_t events) {
    epoll_event e{};
    e.events = events;
    e.data.u64 = tag;
    if (::epoll_ctl(ep_, op, fd, &e) != 0) Die(std::string("epoll_ctl: ") + std::strerror(errno));
  }
  int ep_;
  std::vector<epoll_event> events_;
};

// Percentiles of durations in ns, as milliseconds.
struct Summary {
  double p50 = 0, p90 = 0, p99 = 0, p999 = 0, max = 0, mean = 0;
};

Summary Summarize(std::vector<int64_t> ns) {
  Summary s;
  if (ns.empty()) return s;
  std::sort(ns.begin(), ns.end());
  auto at = [&](double q) {
    const size_t i = std::min(ns.size() - 1, static_cast<size_t>(q * static_cast<double>(ns.size())));
    return static_cast<double>(ns[i]) / 1e6;
  };
  s.p50 = at(0.50);
  s.p90 = at(0.90);
  s.p99 = at(0.99);
  s.p999 = at(0.999);
  s.max = static_cast<double>(ns.back()) / 1e6;
  double sum = 0;
  for (int64_t v : ns) sum += static_cast<double>(v);
  s.mean = sum / static_cast<double>(ns.size()) / 1e6;
  return s;
}

std::string SummaryJson(const Summary& s) {
  char buf[256];
  std::snprintf(buf, sizeof buf, "{\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,\"p999\":%.3f,\"max\":%.3f,\"mean\":%.3f}",
                s.p50, s.p90, s.p99, s.p999, s.max, s.mean);
  return buf;
}

std::string JsonString(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char b[8];
      std::snprintf(b, sizeof b, "\\u%04x", c);
      out += b;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

struct Args {
  std::map<std::string, std::string> kv;
  std::string Get(const std::string& k, const std::string& def) const {
    auto it = kv.find(k);
    return it == kv.end() ? def : it->second;
  }
  double Num(const std::string& k, double def) const {
    auto it = kv.find(k);
    return it == kv.end() ? def : std::atof(it->second.c_str());
  }
};

Args ParseArgs(int argc, char** argv) {
  Args a;
  for (int i = 2; i < argc; ++i) {
    std::string k = argv[i];
    if (k.rfind("--", 0) != 0 || i + 1 >= argc) Die("bad argument " + k);
    a.kv[k.substr(2)] = argv[++i];
  }
  return a;
}

// ---- agi: calls as Asterisk makes them -------------------------------------

struct Call {
  int fd = -1;
  int64_t start = 0;
  std::string in, out;
  int sets = 0;        // SET VARIABLE commands answered
  int commands = 0;
  const Message* msg = nullptr;
  bool speech = false;  // the text comes from SPEECH_TEXT(0), not agi_arg_1
  std::string route;
};

std::string Environment(const Message& m, uint64_t n, bool speech, bool dtmf) {
  static const char* kDigits = "1234560";
  std::string arg1 = speech ? "" : dtmf ? std::string(1, kDigits[n % 7]) : m.text;
  std::string env = "agi_network: yes\nagi_network_script: route\nagi_request: agi://127.0.0.1/route\n"
                    "agi_channel: PJSIP/trunk-" + std::to_string(n) + "\nagi_language: " + m.lang +
                    "\nagi_type: PJSIP\nagi_uniqueid: 1765000000." + std::to_string(n) +
                    "\nagi_version: 20.5.0\nagi_callerid: 995555123456\nagi_calleridname: unknown\n"
                    "agi_callingpres: 0\nagi_callingani2: 0\nagi_callington: 0\nagi_callingtns: 0\n"
                    "agi_dnid: 111\nagi_rdnis: unknown\nagi_context: ivr\nagi_extension: s\nagi_priority: 3\n"
                    "agi_enhanced: 0.0\nagi_accountcode: \nagi_threadid: 140213012178688\n";
  env += "agi_arg_1: " + arg1 + "\n";
  if (dtmf) env += "agi_arg_2: " + m.lang + "\n";
  return env + "\n";
}

// res_agi's answer to one command line.
std::string Answer(Call& c, std::string_view line) {
  ++c.commands;
  if (line.rfind("SET VARIABLE ", 0) == 0) {
    ++c.sets;
    if (line.rfind("SET VARIABLE ZARI_ROUTE ", 0) == 0) c.route = std::string(line.substr(24));
    return "200 result=1\n";
  }
  if (line == "GET VARIABLE SPEECH_TEXT(0)") return "200 result=1 (" + c.msg->text + ")\n";
  if (line == "GET VARIABLE SPEECH_SCORE(0)") return "200 result=1 (870)\n";
  if (line.rfind("GET VARIABLE ", 0) == 0) return "200 result=0\n";
  return "510 Invalid or unknown command\n";
}

struct AgiStats {
  std::vector<int64_t> latency;
  uint64_t ok = 0, refused = 0, errors = 0, started = 0, speech = 0, dtmf = 0;
  std::map<std::string, uint64_t> routes;
};

class AgiLoad {
 public:
  AgiLoad(int port, std::vector<Message> messages, int concurrency)
      : port_(port), messages_(std::move(messages)), calls_(static_cast<size_t>(concurrency)) {}

  void Run(double seconds, double warmup) {
    const int64_t t0 = NowNs();
    measure_from_ = t0 + static_cast<int64_t>(warmup * 1e9);
    end_ = measure_from_ + static_cast<int64_t>(seconds * 1e9);
    for (size_t i = 0; i < calls_.size(); ++i) Start(i);
    while (active_ > 0) {
      for (const epoll_event& e : poller_.Wait(100)) OnEvent(e.data.u64, e.events);
    }
    measured_s_ = static_cast<double>(end_ - measure_from_) / 1e9;  // calls that ended in it are counted
  }

  void Print() const {
    const Summary s = Summarize(stats_.latency);
    std::string routes;
    for (const auto& [r, n] : stats_.routes) routes += (routes.empty() ? "" : ",") + JsonString(r) + ":" + std::to_string(n);
    std::printf("{\"mode\":\"agi\",\"concurrency\":%zu,\"seconds\":%.3f,\"calls\":%llu,\"calls_per_s\":%.1f,"
                "\"refused\":%llu,\"errors\":%llu,\"speech\":%llu,\"dtmf\":%llu,\"latency_ms\":%s,\"routes\":{%s}}\n",
                calls_.size(), measured_s_, static_cast<unsigned long long>(stats_.ok),
                measured_s_ > 0 ? static_cast<double>(stats_.ok) / measured_s_ : 0.0,
                static_cast<unsigned long long>(stats_.refused), static_cast<unsigned long long>(stats_.errors),
                static_cast<unsigned long long>(stats_.speech), static_cast<unsigned long long>(stats_.dtmf),
                SummaryJson(s).c_str(), routes.c_str());
  }

 private:
  void Start(size_t slot) {
    if (NowNs() >= end_) return;
    Call& c = calls_[slot];
    c = Call();
    const uint64_t n = next_++;
    c.msg = &messages_[n % messages_.size()];
    c.speech = n % 4 == 1;
    const bool dtmf = n % 8 == 3;
    c.out = Environment(*c.msg, n, c.speech, dtmf);
    c.fd = Connect(port_);
    c.start = NowNs();
    ++active_;
    poller_.Add(c.fd, slot, EPOLLIN | EPOLLOUT | EPOLLRDHUP);
    if (NowNs() >= measure_from_) {
      stats_.speech += c.speech;
      stats_.dtmf += dtmf;
    }
  }

  void OnEvent(size_t slot, uint32_t events) {
    Call& c = calls_[slot];
    if (c.fd < 0) return;
    if (events & EPOLLOUT) {
      if (!Flush(c.fd, &c.out)) return End(slot, false);
      if (c.out.empty()) poller_.Mod(c.fd, slot, EPOLLIN | EPOLLRDHUP);
    }
    if (!(events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))) return;
    const int got = Drain(c.fd, &c.in);
    size_t start = 0;
    for (size_t nl; (nl = c.in.find('\n', start)) != std::string::npos; start = nl + 1) {
      c.out += Answer(c, std::string_view(c.in).substr(start, nl - start));
    }
    c.in.erase(0, start);
    if (!c.out.empty() && !Flush(c.fd, &c.out)) return End(slot, false);
    if (!c.out.empty()) poller_.Mod(c.fd, slot, EPOLLIN | EPOLLOUT | EPOLLRDHUP);
    if (got < 0 || (events & (EPOLLHUP | EPOLLERR))) End(slot, true);
  }

  void End(size_t slot, bool closed) {
    Call& c = calls_[slot];
    const int64_t now = NowNs();
    ::close(c.fd);
    c.fd = -1;
    --active_;
    if (now >= measure_from_ && now <= end_) {
      if (closed && c.sets == 6) {
        ++stats_.ok;
        stats_.latency.push_back(now - c.start);
        ++stats_.routes[c.route];
      } else if (c.commands == 0) {
        ++stats_.refused;  // closed before a command: over --max-calls
      } else {
        ++stats_.errors;
      }
    }
    Start(slot);
  }

  int port_;
  std::vector<Message> messages_;
  std::vector<Call> calls_;
  Poller poller_;
  AgiStats stats_;
  uint64_t next_ = 0;
  int active_ = 0;
  int64_t measure_from_ = 0, end_ = 0;
  double measured_s_ = 0;
};

// ---- poll: visitors waiting on /api/v1/events -------------------------------

// One HTTP/1.1 response read from `in`: false until it is whole.
struct HttpReply {
  int status = 0;
  std::string body;
};

bool TakeReply(std::string* in, HttpReply* r) {
  const size_t end = in->find("\r\n\r\n");
  if (end == std::string::npos) return false;
  size_t length = 0;
  std::string head = in->substr(0, end);
  for (char& ch : head) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  const size_t cl = head.find("\r\ncontent-length:");
  if (cl != std::string::npos) length = std::strtoul(head.c_str() + cl + 17, nullptr, 10);
  if (in->size() < end + 4 + length) return false;
  r->status = head.size() > 12 ? std::atoi(head.c_str() + 9) : 0;
  r->body = in->substr(end + 4, length);
  in->erase(0, end + 4 + length);
  return true;
}

// The value of a JSON member "name":"…" or "name":123 in a flat reply, as text.
std::string Member(const std::string& body, const std::string& name) {
  const std::string key = "\"" + name + "\":";
  const size_t at = body.find(key);
  if (at == std::string::npos) return {};
  size_t i = at + key.size();
  if (i < body.size() && body[i] == '"') {
    const size_t close = body.find('"', i + 1);
    return close == std::string::npos ? std::string() : body.substr(i + 1, close - i - 1);
  }
  size_t j = i;
  while (j < body.size() && body[j] >= '0' && body[j] <= '9') ++j;
  return body.substr(i, j - i);
}

struct Waiter {
  int fd = -1;
  std::string session;
  uint64_t after = 0;
  int64_t sent = 0;
  std::string in, out;
  bool waiting = false;
};

class PollLoad {
 public:
  PollLoad(int port, std::vector<Message> messages, size_t clients, int wait_s, double open_rate)
      : port_(port), messages_(std::move(messages)), waiters_(clients), wait_s_(wait_s), open_rate_(open_rate) {}

  void Create(size_t connections);
  void Run(double seconds);
  void Print() const;

 private:
  void Open(size_t i);
  void Send(size_t i);
  void OnEvent(size_t i, uint32_t events);
  void OnReply(size_t i, const HttpReply& r);

  int port_;
  std::vector<Message> messages_;
  std::vector<Waiter> waiters_;
  int wait_s_;
  Poller poller_;
  bool stopping_ = false;
  size_t ready_ = 0;
  double create_s_ = 0, open_s_ = 0, ran_s_ = 0;
  double open_rate_ = 0;  // polls opened a second (0: as fast as the batches go)
  std::vector<int64_t> lateness_;  // ns after the wait (negative: early)
  uint64_t early_ = 0, with_events_ = 0, errors_ = 0, reconnects_ = 0;
  std::map<int, uint64_t> statuses_;
};

// Creates one conversation per waiter: POSTs over a few kept-alive connections.
void PollLoad::Create(size_t connections) {
  const int64_t t0 = NowNs();
  struct Conn {
    int fd;
    std::string in, out;
    size_t target = 0;
  };
  std::vector<Conn> conns(std::min(connections, waiters_.size()));
  Poller p;
  size_t next = 0, done = 0;
  auto post = [&](Conn& c) {
    c.target = next++;
    const Message& m = messages_[c.target % messages_.size()];
    const std::string body = "{\"text\":" + JsonString(m.text) + "}";
    c.out = "POST /api/v1/message HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " +
            std::to_string(body.size()) + "\r\n\r\n" + body;
  };
  for (size_t i = 0; i < conns.size(); ++i) {
    conns[i].fd = Connect(port_);
    post(conns[i]);
    p.Add(conns[i].fd, i, EPOLLIN | EPOLLOUT);
  }
  while (done < waiters_.size()) {
    for (const epoll_event& e : p.Wait(1000)) {
      Conn& c = conns[e.data.u64];
      if ((e.events & EPOLLOUT) && !Flush(c.fd, &c.out)) Die("creating conversations: the server closed a connection");
      if (Drain(c.fd, &c.in) < 0) Die("creating conversations: the server closed a connection");
      HttpReply r;
      if (!TakeReply(&c.in, &r)) continue;
      if (r.status != 200) Die("creating conversations: HTTP " + std::to_string(r.status) + " " + r.body);
      waiters_[c.target].session = Member(r.body, "session");
      ++done;
      if (next < waiters_.size()) post(c);
      p.Mod(c.fd, e.data.u64, c.out.empty() ? EPOLLIN : EPOLLIN | EPOLLOUT);
    }
  }
  for (Conn& c : conns) ::close(c.fd);
  create_s_ = static_cast<double>(NowNs() - t0) / 1e9;
}

void PollLoad::Open(size_t i) {
  Waiter& w = waiters_[i];
  w.fd = Connect(port_);
  w.in.clear();
  poller_.Add(w.fd, i, EPOLLIN | EPOLLOUT | EPOLLRDHUP);
  Send(i);
}

void PollLoad::Send(size_t i) {
  Waiter& w = waiters_[i];
  w.out = "GET /api/v1/events?session=" + w.session + "&after=" + std::to_string(w.after) +
          "&wait=" + std::to_string(wait_s_) + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n\r\n";
  w.sent = NowNs();
  w.waiting = true;
}

void PollLoad::OnEvent(size_t i, uint32_t events) {
  Waiter& w = waiters_[i];
  if (w.fd < 0) return;
  bool gone = false;
  if (events & EPOLLOUT) {
    const bool had_request = !w.out.empty();
    gone = !Flush(w.fd, &w.out);
    if (!gone && w.out.empty()) poller_.Mod(w.fd, i, EPOLLIN | EPOLLRDHUP);
    if (!gone && had_request && w.out.empty()) w.sent = NowNs();  // the request has left in full
  }
  if (!gone && (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))) {
    const int got = Drain(w.fd, &w.in);
    HttpReply r;
    while (TakeReply(&w.in, &r)) OnReply(i, r);
    gone = got < 0 || (events & (EPOLLHUP | EPOLLERR));
  }
  if (!gone || stopping_) return;
  // The server closed the connection: an error, and the visitor reconnects.
  ::close(w.fd);
  w.fd = -1;
  ++errors_;
  ++reconnects_;
  Open(i);
}

void PollLoad::OnReply(size_t i, const HttpReply& r) {
  Waiter& w = waiters_[i];
  const int64_t now = NowNs();
  ++statuses_[r.status];
  if (!w.waiting) return;
  w.waiting = false;
  if (r.status != 200) {
    ++errors_;
  } else {
    const std::string next = Member(r.body, "next");
    const bool empty = r.body.find("\"events\":[]") != std::string::npos;
    if (!empty) ++with_events_;
    if (!next.empty()) w.after = std::strtoull(next.c_str(), nullptr, 10);
    const int64_t late = now - w.sent - static_cast<int64_t>(wait_s_) * 1000000000LL;
    if (empty) {
      if (late < 0) ++early_;
      lateness_.push_back(std::max<int64_t>(late, 0));
    }
  }
  if (stopping_) return;
  Send(i);
  if (!Flush(w.fd, &w.out)) return;
  poller_.Mod(w.fd, i, w.out.empty() ? EPOLLIN | EPOLLRDHUP : EPOLLIN | EPOLLOUT | EPOLLRDHUP);
}

void PollLoad::Run(double seconds) {
  const int64_t t0 = NowNs();
  // Connect in batches: the listen backlog holds only so many at once.
  size_t opened = 0;
  while (opened < waiters_.size()) {
    size_t batch = std::min<size_t>(256, waiters_.size() - opened);
    if (open_rate_ > 0) {  // paced: only those due by now
      const auto due = static_cast<size_t>(static_cast<double>(NowNs() - t0) / 1e9 * open_rate_) + 1;
      batch = std::min(batch, due > opened ? due - opened : 0);
    }
    for (size_t k = 0; k < batch; ++k) Open(opened++);
    for (int spins = 0; spins < 4; ++spins) {
      for (const epoll_event& e : poller_.Wait(spins ? 1 : 0)) OnEvent(e.data.u64, e.events);
    }
  }
  // Every request written: then they all wait.
  while (true) {
    bool pending = false;
    for (const Waiter& w : waiters_) pending = pending || !w.out.empty();
    if (!pending) break;
    for (const epoll_event& e : poller_.Wait(10)) OnEvent(e.data.u64, e.events);
  }
  open_s_ = static_cast<double>(NowNs() - t0) / 1e9;
  std::printf("ready %zu\n", waiters_.size());
  std::fflush(stdout);
  const int64_t start = NowNs(), end = start + static_cast<int64_t>(seconds * 1e9);
  while (NowNs() < end) {
    for (const epoll_event& e : poller_.Wait(50)) OnEvent(e.data.u64, e.events);
  }
  stopping_ = true;
  ran_s_ = static_cast<double>(NowNs() - start) / 1e9;
  for (Waiter& w : waiters_) {
    if (w.fd >= 0) ::close(w.fd);
  }
}

void PollLoad::Print() const {
  uint64_t over_1s = 0;
  for (int64_t l : lateness_) over_1s += l > 1000000000LL;
  std::string statuses;
  for (const auto& [code, n] : statuses_) {
    statuses += (statuses.empty() ? "\"" : ",\"") + std::to_string(code) + "\":" + std::to_string(n);
  }
  std::printf("{\"mode\":\"poll\",\"clients\":%zu,\"wait_s\":%d,\"create_s\":%.3f,\"open_s\":%.3f,\"ran_s\":%.3f,"
              "\"answered\":%zu,\"late_over_1s\":%llu,\"early\":%llu,\"with_events\":%llu,\"errors\":%llu,"
              "\"reconnects\":%llu,\"statuses\":{%s},\"lateness_ms\":%s}\n",
              waiters_.size(), wait_s_, create_s_, open_s_, ran_s_, lateness_.size(),
              static_cast<unsigned long long>(over_1s), static_cast<unsigned long long>(early_),
              static_cast<unsigned long long>(with_events_), static_cast<unsigned long long>(errors_),
              static_cast<unsigned long long>(reconnects_), statuses.c_str(), SummaryJson(Summarize(lateness_)).c_str());
}

int Usage() {
  std::fprintf(stderr,
               "usage: zari_load_client agi  --port P --messages FILE [--concurrency 64] [--seconds 10] [--warmup 1]\n"
               "       zari_load_client poll --port P --messages FILE [--clients 10000] [--wait 30] [--seconds 40]\n"
               "                             [--open-rate N]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return Usage();
  const std::string mode = argv[1];
  const Args a = ParseArgs(argc, argv);
  const int port = static_cast<int>(a.Num("port", 0));
  if (port <= 0 || a.Get("messages", "").empty()) return Usage();
  std::vector<Message> messages = ReadMessages(a.Get("messages", ""));
  if (mode == "agi") {
    AgiLoad load(port, std::move(messages), static_cast<int>(a.Num("concurrency", 64)));
    load.Run(a.Num("seconds", 10), a.Num("warmup", 1));
    load.Print();
    return 0;
  }
  if (mode == "poll") {
    PollLoad load(port, std::move(messages), static_cast<size_t>(a.Num("clients", 10000)),
                  static_cast<int>(a.Num("wait", 30)), a.Num("open-rate", 0));
    load.Create(32);
    load.Run(a.Num("seconds", 40));
    load.Print();
    return 0;
  }
  return Usage();
}
