#include "fastagi_server.h"

#include "http/host_port.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <thread>

#include "core/messages.h"
#include "dialog/session.h"

namespace zari::server {

namespace {

// A language of the pack, else kUnknown ("en_GB", "EN" are read as en).
text::Lang PackLanguage(const Engine& e, std::string_view code) {
  text::Lang l = text::ParseLang(code);
  if (l == text::Lang::kUnknown || !(e.pack().LanguageSet() & text::LangBit(l))) return text::Lang::kUnknown;
  return l;
}

}  // namespace

namespace {

// Keypad digits as a number: one or two of 0-9 (NPS 10 is two keys); -1
// for anything else (nothing pressed, '*', '#', a timeout's empty value).
int KeypadNumber(std::string_view digits) {
  if (digits.empty() || digits.size() > 2) return -1;
  int v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

}  // namespace

agi::Decision IvrRouter::Survey(const agi::CallInput& in) const {
  std::shared_ptr<const Engine> engine = runtime_->engine();
  const Engine& e = *engine;
  const text::Lang forced = PackLanguage(e, in.args.size() > 2 ? in.args[2] : "");
  const text::Lang hint = PackLanguage(e, in.channel_language);
  const text::Lang lang = forced != text::Lang::kUnknown ? forced
                          : hint != text::Lang::kUnknown ? hint
                                                         : e.pack().DefaultLanguage();
  agi::Decision d;
  d.survey = true;
  d.language = std::string(text::LangCode(lang));
  d.action = "invalid";
  log::FeedbackKind kind;
  if (in.args.empty() || !log::ParseFeedbackKind(in.args[0], &kind)) return d;
  if (in.args.size() < 2 || in.args[1].empty()) {
    // Nothing keyed yet: the question to play (the pack's survey message is
    // a CSAT question; other kinds have the dialplan's own prompt).
    d.action = "survey";
    if (kind == log::FeedbackKind::kCsat) d.answer = std::string(e.Message(MessageKind::kSurvey, lang));
    return d;
  }
  const int value = KeypadNumber(in.args[1]);
  dialog::Session session(runtime_, in.call_id.empty() ? "ivr" : in.call_id, "ivr");
  session.SetLanguageHint(lang);
  if (value < 0 || !session.Feedback(kind, value).ok()) return d;
  d.action = "feedback";
  d.answer = std::string(e.Message(MessageKind::kThanksFeedback, lang));
  return d;
}

agi::Decision IvrRouter::Route(const agi::CallInput& in) const {
  if (in.script == "survey") return Survey(in);
  std::shared_ptr<const Engine> engine = runtime_->engine();
  const Engine& e = *engine;
  const text::Lang forced = PackLanguage(e, in.language);
  const text::Lang hint = PackLanguage(e, in.channel_language);
  agi::Decision d;
  d.route = default_route_;
  if (in.alternatives.empty()) {
    // Nothing said or keyed: straight to the default route.
    text::Lang l = forced != text::Lang::kUnknown ? forced : hint != text::Lang::kUnknown ? hint
                                                                                           : e.pack().DefaultLanguage();
    d.language = std::string(text::LangCode(l));
    d.action = "fallback";
    d.answer = std::string(e.Message(MessageKind::kFallback, l));
    return d;
  }
  dialog::Session session(runtime_, in.call_id.empty() ? "ivr" : in.call_id, "ivr");
  if (forced != text::Lang::kUnknown) (void)session.SetLanguage(forced);  // a language of the pack
  session.SetLanguageHint(hint);
  Reply r;
  session.RespondBest(in.alternatives, &r);
  d.language = std::string(text::LangCode(r.lang));
  d.action = std::string(ActionName(r.action));
  d.answer = std::string(r.Text());
  d.confidence = r.confidence;
  if (r.intent >= 0) {
    const pack::Intent& intent = r.engine->intent(r.intent);
    d.intent = intent.id;
    const bool decided = r.action == Action::kAnswer || r.action == Action::kHandoff ||
                         r.action == Action::kAfterHours;
    if (decided && !intent.route.empty()) d.route = intent.route;
  }
  return d;
}

FastAgiServer::FastAgiServer(agi::Call::Router router, Options options)
    : router_(std::move(router)), options_(std::move(options)) {}

FastAgiServer::~FastAgiServer() {
  if (listen_fd_ >= 0) ::close(listen_fd_);
  for (int fd : wake_) {
    if (fd >= 0) ::close(fd);
  }
}

void FastAgiServer::Log(const std::string& line) const {
  if (options_.log) options_.log(line);
}

Status FastAgiServer::Bind() {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* res = nullptr;
  const std::string port = std::to_string(options_.port);
  int rc = ::getaddrinfo(options_.host.c_str(), port.c_str(), &hints, &res);
  if (rc != 0) return Status(Code::kIo, "cannot resolve " + options_.host + ": " + ::gai_strerror(rc));
  std::string error = "no usable address";
  for (addrinfo* a = res; a; a = a->ai_next) {
    int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) {
      error = std::strerror(errno);
      continue;
    }
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, a->ai_addr, a->ai_addrlen) == 0 && ::listen(fd, 128) == 0) {
      listen_fd_ = fd;
      break;
    }
    error = std::strerror(errno);
    ::close(fd);
  }
  ::freeaddrinfo(res);
  if (listen_fd_ < 0) {
    return Status(Code::kIo, "cannot listen on " + FormatHostPort(options_.host, options_.port) + ": " + error);
  }
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = addr.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port)
                                     : ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
  if (::pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0) return Status(Code::kIo, "pipe: " + std::string(std::strerror(errno)));
  return Status::Ok();
}

void FastAgiServer::Stop() {
  stopping_ = true;
  if (wake_[1] >= 0) {
    const char b = 1;
    (void)!::write(wake_[1], &b, 1);
  }
}

FastAgiStats FastAgiServer::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

void FastAgiServer::Run() {
  while (!stopping_) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
    int n = ::poll(fds, 2, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      Log("fastagi: poll: " + std::string(std::strerror(errno)));
      break;
    }
    if (fds[1].revents) break;
    if (!(fds[0].revents & POLLIN)) continue;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;  // the peer went away, or out of descriptors for a moment
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stats_.active >= static_cast<size_t>(std::max(1, options_.max_calls))) {
        ++stats_.rejected;
        ::close(fd);
        continue;
      }
      ++stats_.active;
      ++stats_.calls;
    }
    std::thread([this, fd] {
      Serve(fd);
      {
        std::lock_guard<std::mutex> lock(mu_);
        --stats_.active;
        idle_.notify_all();  // under the lock: Run may return (and *this go) right after
      }
      // Hang up only once the call no longer counts: Asterisk may place the
      // next call the moment it sees the hang-up, and must find its place free.
      ::close(fd);
    }).detach();
  }
  ::close(listen_fd_);
  listen_fd_ = -1;
  std::unique_lock<std::mutex> lock(mu_);
  idle_.wait(lock, [&] { return stats_.active == 0; });
}

void FastAgiServer::Serve(int fd) {
  timeval tv{};
  tv.tv_sec = options_.io_timeout_ms / 1000;
  tv.tv_usec = (options_.io_timeout_ms % 1000) * 1000;
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  agi::Call call(router_, options_.call);
  std::string error;
  auto flush = [&]() {
    std::string out = call.TakeOutput();
    size_t sent = 0;
    while (sent < out.size()) {
      ssize_t n = ::send(fd, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      sent += static_cast<size_t>(n);
    }
    return true;
  };
  std::string buffer;
  char chunk[4096];
  try {
    while (!call.done()) {
      if (!flush()) {
        call.OnEof();
        break;
      }
      pollfd p{fd, POLLIN, 0};
      int n = ::poll(&p, 1, options_.io_timeout_ms);
      if (n < 0 && errno == EINTR) continue;
      if (n == 0) {
        error = "timed out waiting for Asterisk";
        break;
      }
      ssize_t got = n < 0 ? -1 : ::recv(fd, chunk, sizeof chunk, 0);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {
        call.OnEof();
        break;
      }
      buffer.append(chunk, static_cast<size_t>(got));
      size_t start = 0;
      for (size_t nl; !call.done() && (nl = buffer.find('\n', start)) != std::string::npos; start = nl + 1) {
        if (nl - start > options_.max_line_bytes) {
          error = "a line longer than " + std::to_string(options_.max_line_bytes) + " bytes";
          break;
        }
        call.OnLine(std::string_view(buffer).substr(start, nl - start));
      }
      if (!error.empty()) break;
      buffer.erase(0, start);
      if (buffer.size() > options_.max_line_bytes) {
        error = "a line longer than " + std::to_string(options_.max_line_bytes) + " bytes";
        break;
      }
    }
    if (call.done()) flush();
  } catch (const std::exception& e) {
    error = std::string("internal error: ") + e.what();
  }
  // The caller (Run's thread) hangs up: closes fd once the call has stopped counting.
  if (error.empty() && call.end() == agi::Call::End::kError) error = call.error();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!error.empty()) ++stats_.errors;
    else if (call.end() == agi::Call::End::kRouted) ++stats_.routed;
    else ++stats_.hangups;
  }
  const std::string who = call.input().call_id.empty() ? std::string("(no id)") : call.input().call_id;
  if (!error.empty()) {
    Log("fastagi: call " + who + ": " + error);
  } else if (options_.verbose) {
    const agi::Decision& d = call.decision();
    std::string line = "fastagi: call " + who + " " + std::string(agi::EndName(call.end()));
    if (call.routed() && d.survey) {
      line += " survey " + (call.input().args.empty() ? std::string() : call.input().args[0]) + " (" + d.action +
              ", " + d.language + ")";
    } else if (call.routed()) {
      line += " → " + d.route + " (" + d.action + (d.intent.empty() ? "" : " " + d.intent) + ", " + d.language + ")";
    }
    Log(line);
  }
}

}  // namespace zari::server
