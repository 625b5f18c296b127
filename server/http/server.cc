// The transport of http.h over Boost.Beast: one Connection per socket, each
// on its own strand; a deadline timer per connection instead of
// beast::tcp_stream's expiry, so that idle, reading, writing and streaming
// connections each get the timeout they need. Only this file includes Beast.
#include "http/http.h"

#include "http/host_port.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_set>

namespace zari::server::http {

namespace net = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using boost::system::error_code;

namespace {

// An error the transport answers itself (before any handler sees the
// request), as the API's JSON errors look.
std::string ErrorBody(std::string_view message) { return "{\"error\":\"" + std::string(message) + "\"}"; }

// What a closed connection was doing when its timer fired.
enum class Phase { kIdle, kReading, kHandling, kWriting, kStreaming, kClosed };

std::string StatusLine(int status) {
  const auto reason = bhttp::obsolete_reason(static_cast<bhttp::status>(status));
  return "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason.data(), reason.size()) + "\r\n";
}

}  // namespace

class Connection;

struct Server::Impl : std::enable_shared_from_this<Server::Impl> {
  ServerOptions options;
  Handler handler;
  net::io_context ioc;
  tcp::acceptor acceptor{ioc};
  int port = 0;
  std::atomic<bool> stopping{false};
  std::atomic<bool> running{false};  // Run() is on some thread
  std::atomic<uint64_t> accepted{0}, refused{0}, requests{0}, timeouts{0}, too_large{0}, malformed{0};
  std::atomic<size_t> open{0}, streaming{0};
  std::mutex mu;  // guards live
  std::unordered_set<Connection*> live;
  std::optional<net::steady_timer> grace;  // Stop(): the longest an in-flight request may still take

  void Accept();
  void OnAccept(error_code ec, tcp::socket socket);
  void Refuse(tcp::socket& socket);
  void Log(const std::string& line) const {
    if (options.log) options.log(line);
  }
  void Forget(Connection* c);
  void CloseAll();
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(std::shared_ptr<Server::Impl> server, tcp::socket socket)
      : server_(std::move(server)), socket_(std::move(socket)), timer_(socket_.get_executor()) {}
  ~Connection() { server_->Forget(this); }

  void Start();
  void Shutdown();  // on the strand: Stop() closes idle connections, ends streams

  // Called by ExchangeImpl (any thread): hop onto the strand.
  template <typename F>
  void Post(F&& f) {
    net::post(socket_.get_executor(), std::forward<F>(f));
  }
  void DoRespond(uint64_t id, Response r);
  void DoStartStream(uint64_t id, Response head);
  void DoSend(uint64_t id, std::string chunk);
  void DoFinish(uint64_t id);
  void DoWatch(uint64_t id);
  bool closed() const { return closed_.load(); }

 private:
  void ReadRequest();
  void OnFirstBytes(error_code ec, size_t n);
  void Parse();
  void OnRead(error_code ec);
  void Dispatch();
  void AnswerError(int status, std::string_view message);
  void Write(std::shared_ptr<std::string> bytes, bool then_close);
  void OnWritten(error_code ec, bool then_close);
  void WriteNextChunk();
  void Arm(int ms, Phase phase);
  void OnTimeout(Phase phase);
  void Close();
  std::string Head(const Response& r, bool keep_alive, bool chunked) const;

  std::shared_ptr<Server::Impl> server_;
  tcp::socket socket_;
  net::steady_timer timer_;
  boost::beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  Phase phase_ = Phase::kIdle;
  bool first_request_ = true;
  bool keep_alive_ = false;
  bool read_pending_ = false;   // a read is outstanding (request bytes, or watching for close)
  bool stream_ending_ = false;  // Finish() queued the last chunk
  bool writing_ = false;
  bool resume_ = false;         // the watcher was cancelled to parse buffered bytes
  std::deque<std::shared_ptr<std::string>> chunks_;  // stream chunks waiting to be written
  uint64_t exchange_id_ = 0;    // the exchange now answered; older ids are ignored
  std::function<void()> on_close_;
  std::atomic<bool> closed_{false};
  std::string peer_;

  friend class ExchangeImpl;
};

class ExchangeImpl : public Exchange {
 public:
  ExchangeImpl(std::shared_ptr<Connection> c, uint64_t id, Request r)
      : conn_(std::move(c)), id_(id), request_(std::move(r)) {}
  const Request& request() const override { return request_; }
  void Respond(Response r) override {
    if (answered_.exchange(true)) return;
    conn_->Post([c = conn_, id = id_, r = std::move(r)]() mutable { c->DoRespond(id, std::move(r)); });
  }
  void StartStream(Response head) override {
    if (answered_.exchange(true)) return;
    conn_->Post([c = conn_, id = id_, h = std::move(head)]() mutable { c->DoStartStream(id, std::move(h)); });
  }
  void Send(std::string chunk) override {
    conn_->Post([c = conn_, id = id_, s = std::move(chunk)]() mutable { c->DoSend(id, std::move(s)); });
  }
  void Finish() override {
    conn_->Post([c = conn_, id = id_] { c->DoFinish(id); });
  }
  bool closed() const override { return conn_->closed(); }
  void OnClose(std::function<void()> callback) override {
    conn_->Post([c = conn_, id = id_, cb = std::move(callback)]() mutable {
      if (id != c->exchange_id_) return;
      c->on_close_ = std::move(cb);
      c->DoWatch(id);
    });
  }

 private:
  std::shared_ptr<Connection> conn_;
  uint64_t id_;
  Request request_;
  std::atomic<bool> answered_{false};
};

// ---- Connection: reading --------------------------------------------------

void Connection::Start() {
  error_code ec;
  socket_.set_option(tcp::no_delay(true), ec);
  auto ep = socket_.remote_endpoint(ec);
  if (!ec) peer_ = ep.address().to_string();
  ReadRequest();
}

void Connection::ReadRequest() {
  phase_ = Phase::kIdle;
  if (server_->stopping && buffer_.size() == 0) return Close();
  if (read_pending_) {
    // The close watcher of the last exchange is still reading. With bytes
    // already here (a pipelined request) stop it and parse them; else it
    // reads on as the wait for the next request.
    if (buffer_.size() == 0) return Arm(server_->options.keep_alive_ms, Phase::kIdle);
    resume_ = true;
    error_code ignored;
    socket_.cancel(ignored);
    return;
  }
  if (buffer_.size() > 0) return Parse();
  // Waiting for the first byte: the keep-alive timeout (the first request of
  // a connection gets the request timeout).
  Arm(first_request_ ? server_->options.io_timeout_ms : server_->options.keep_alive_ms, Phase::kIdle);
  read_pending_ = true;
  socket_.async_read_some(buffer_.prepare(4096),
                          [self = shared_from_this()](error_code ec, size_t n) { self->OnFirstBytes(ec, n); });
}

void Connection::OnFirstBytes(error_code ec, size_t n) {
  read_pending_ = false;
  if (phase_ == Phase::kClosed) return;
  if (ec == net::error::operation_aborted && resume_) {
    resume_ = false;
    return Parse();
  }
  if (ec) return Close();
  buffer_.commit(n);
  switch (phase_) {
    case Phase::kHandling:
    case Phase::kStreaming:
      return DoWatch(exchange_id_);  // pipelined bytes: keep them, keep watching
    case Phase::kWriting:
      return;  // parsed once the response is out (ReadRequest)
    default:
      return Parse();
  }
}

void Connection::Parse() {
  phase_ = Phase::kReading;
  first_request_ = false;
  parser_.emplace();
  parser_->body_limit(server_->options.max_body_bytes);
  parser_->header_limit(static_cast<uint32_t>(server_->options.max_header_bytes));
  Arm(server_->options.io_timeout_ms, Phase::kReading);
  read_pending_ = true;
  bhttp::async_read(socket_, buffer_, *parser_, [self = shared_from_this()](error_code ec, size_t) {
    self->read_pending_ = false;
    self->OnRead(ec);
  });
}

void Connection::OnRead(error_code ec) {
  if (phase_ == Phase::kClosed) return;
  if (ec == bhttp::error::body_limit) {
    ++server_->too_large;
    return AnswerError(413, "request body too large (the limit is " +
                                std::to_string(server_->options.max_body_bytes) + " bytes)");
  }
  if (ec == bhttp::error::header_limit) {
    ++server_->too_large;
    return AnswerError(431, "request header fields too large");
  }
  if (ec == bhttp::error::end_of_stream || ec == net::error::eof || ec == net::error::operation_aborted ||
      ec == net::error::connection_reset || ec == net::error::bad_descriptor) {
    return Close();
  }
  if (ec) {
    ++server_->malformed;
    return AnswerError(400, "bad request");
  }
  Dispatch();
}

void Connection::Dispatch() {
  auto& msg = parser_->get();
  Request req;
  req.method = std::string(msg.method_string());
  req.target = std::string(msg.target());
  const size_t q = req.target.find('?');
  req.path = req.target.substr(0, q);
  if (q != std::string::npos) req.query = req.target.substr(q + 1);
  req.version = static_cast<int>(msg.version());
  for (const auto& f : msg) {
    std::string name(f.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    req.headers.emplace_back(std::move(name), std::string(f.value()));
  }
  req.body = std::move(msg.body());
  req.peer = peer_;
  keep_alive_ = msg.keep_alive();
  parser_.reset();
  ++server_->requests;
  phase_ = Phase::kHandling;
  timer_.cancel();  // the handler takes as long as it takes (long polls)
  on_close_ = nullptr;
  auto ex = std::make_shared<ExchangeImpl>(shared_from_this(), ++exchange_id_, std::move(req));
  server_->handler(std::move(ex));
}

// A request the transport refuses itself: answered, then the connection
// closes (what follows in the stream cannot be trusted).
void Connection::AnswerError(int status, std::string_view message) {
  Response r;
  r.status = status;
  r.body = ErrorBody(message);
  r.Set("X-Content-Type-Options", "nosniff");
  keep_alive_ = false;
  phase_ = Phase::kWriting;
  auto bytes = std::make_shared<std::string>(Head(r, false, false) + r.body);
  Write(std::move(bytes), /*then_close=*/true);
}

// ---- Connection: answering ------------------------------------------------

std::string Connection::Head(const Response& r, bool keep_alive, bool chunked) const {
  std::string h = StatusLine(r.status);
  if (!r.content_type.empty()) h += "Content-Type: " + r.content_type + "\r\n";
  for (const auto& [name, value] : r.headers) h += name + ": " + value + "\r\n";
  if (chunked) {
    h += "Transfer-Encoding: chunked\r\n";
  } else {
    h += "Content-Length: " + std::to_string(r.body.size()) + "\r\n";
  }
  h += keep_alive ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
  h += "\r\n";
  return h;
}

void Connection::DoRespond(uint64_t id, Response r) {
  if (id != exchange_id_ || phase_ != Phase::kHandling) return;
  const bool keep = keep_alive_ && !server_->stopping;
  on_close_ = nullptr;
  phase_ = Phase::kWriting;
  auto bytes = std::make_shared<std::string>(Head(r, keep, false));
  bytes->append(r.body);
  Write(std::move(bytes), /*then_close=*/!keep);
}

void Connection::Write(std::shared_ptr<std::string> bytes, bool then_close) {
  Arm(server_->options.io_timeout_ms, phase_);  // a client that does not read is cut
  writing_ = true;
  net::async_write(socket_, net::buffer(*bytes),
                   [self = shared_from_this(), bytes, then_close](error_code ec, size_t) {
                     self->writing_ = false;
                     self->OnWritten(ec, then_close);
                   });
}

void Connection::OnWritten(error_code ec, bool then_close) {
  if (phase_ == Phase::kClosed) return;
  if (ec) return Close();
  if (phase_ == Phase::kStreaming) {
    timer_.cancel();  // between chunks a stream waits as long as it likes
    return WriteNextChunk();
  }
  if (then_close) {
    error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    return Close();
  }
  ReadRequest();
}

void Connection::DoStartStream(uint64_t id, Response head) {
  if (id != exchange_id_ || phase_ != Phase::kHandling) return;
  phase_ = Phase::kStreaming;
  ++server_->streaming;
  timer_.cancel();  // a stream lives as long as the client listens
  auto bytes = std::make_shared<std::string>(Head(head, keep_alive_, true));
  chunks_.push_front(std::move(bytes));
  if (!head.body.empty()) DoSend(id, std::move(head.body));
  if (!on_close_) DoWatch(id);  // notice a client that goes away
  WriteNextChunk();
}

void Connection::DoSend(uint64_t id, std::string chunk) {
  if (id != exchange_id_ || phase_ != Phase::kStreaming || stream_ending_ || chunk.empty()) return;
  char size[20];
  const int len = std::snprintf(size, sizeof size, "%zx\r\n", chunk.size());
  auto bytes = std::make_shared<std::string>(size, static_cast<size_t>(len));
  bytes->append(chunk).append("\r\n");
  chunks_.push_back(std::move(bytes));
  WriteNextChunk();
}

void Connection::DoFinish(uint64_t id) {
  if (id != exchange_id_ || phase_ != Phase::kStreaming || stream_ending_) return;
  stream_ending_ = true;
  chunks_.push_back(std::make_shared<std::string>("0\r\n\r\n"));
  WriteNextChunk();
}

void Connection::WriteNextChunk() {
  if (writing_ || phase_ != Phase::kStreaming) return;
  if (chunks_.empty()) {
    if (!stream_ending_) return;
    // The stream is over: back to serving requests, as after a response.
    stream_ending_ = false;
    --server_->streaming;
    on_close_ = nullptr;
    phase_ = Phase::kWriting;
    if (!keep_alive_ || server_->stopping) return Close();
    return ReadRequest();
  }
  auto bytes = std::move(chunks_.front());
  chunks_.pop_front();
  Write(std::move(bytes), /*then_close=*/false);
}

// Reads while a handler holds the request, only to notice the client going
// away (a long poll, a stream). Bytes a client sends meanwhile (a pipelined
// request) are kept for the next parse.
void Connection::DoWatch(uint64_t id) {
  if (id != exchange_id_ || read_pending_ || (phase_ != Phase::kHandling && phase_ != Phase::kStreaming)) return;
  if (buffer_.size() > server_->options.max_header_bytes + server_->options.max_body_bytes) return;
  read_pending_ = true;
  socket_.async_read_some(buffer_.prepare(512),
                          [self = shared_from_this()](error_code ec, size_t n) { self->OnFirstBytes(ec, n); });
}

// ---- Connection: timeouts and closing -------------------------------------

void Connection::Arm(int ms, Phase phase) {
  timer_.expires_after(std::chrono::milliseconds(ms));
  timer_.async_wait([self = shared_from_this(), phase](error_code ec) {
    if (!ec) self->OnTimeout(phase);
  });
}

void Connection::OnTimeout(Phase phase) {
  if (phase != phase_ || phase_ == Phase::kClosed) return;
  if (phase == Phase::kReading) {
    // A request that did not arrive whole in time (slowloris): say so, as
    // far as the socket takes it at once, and close without waiting.
    ++server_->timeouts;
    Response r;
    r.status = 408;
    r.body = ErrorBody("request timeout");
    const std::string bytes = Head(r, false, false) + r.body;
    error_code ignored;
    socket_.non_blocking(true, ignored);
    socket_.write_some(net::buffer(bytes), ignored);
  }
  Close();
}

void Connection::Shutdown() {
  if (phase_ == Phase::kIdle && !writing_) return Close();
  if (phase_ == Phase::kStreaming) return DoFinish(exchange_id_);
  // Reading or handling: the response closes the connection (stopping).
}

void Connection::Close() {
  if (phase_ == Phase::kClosed) return;
  if (phase_ == Phase::kStreaming) --server_->streaming;
  phase_ = Phase::kClosed;
  closed_ = true;
  error_code ignored;
  timer_.cancel();
  socket_.close(ignored);
  if (on_close_) {
    auto cb = std::move(on_close_);
    on_close_ = nullptr;
    cb();
  }
  chunks_.clear();
  server_->Forget(this);
}

// ---- Server ---------------------------------------------------------------

void Server::Impl::Accept() {
  acceptor.async_accept(net::make_strand(ioc), [self = shared_from_this()](error_code ec, tcp::socket socket) {
    self->OnAccept(ec, std::move(socket));
  });
}

void Server::Impl::OnAccept(error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || stopping) return;
  if (!ec) {
    if (open.load() >= options.max_connections) {
      Refuse(socket);
    } else {
      ++accepted;
      ++open;
      auto c = std::make_shared<Connection>(shared_from_this(), std::move(socket));
      {
        std::lock_guard<std::mutex> lock(mu);
        live.insert(c.get());
      }
      c->Post([c] { c->Start(); });
    }
  } else if (ec != net::error::connection_aborted) {
    Log("accept: " + ec.message());  // e.g. out of file descriptors: keep serving the open ones
  }
  Accept();
}

// Over max_connections: a short 503, written without waiting, and closed.
void Server::Impl::Refuse(tcp::socket& socket) {
  ++refused;
  static const std::string kBusy =
      "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json; charset=utf-8\r\n"
      "Content-Length: 32\r\nRetry-After: 1\r\nConnection: close\r\n\r\n{\"error\":\"too many connections\"}";
  error_code ignored;
  socket.non_blocking(true, ignored);
  socket.write_some(net::buffer(kBusy), ignored);
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
}

void Server::Impl::Forget(Connection* c) {
  std::lock_guard<std::mutex> lock(mu);
  if (live.erase(c)) --open;
  if (stopping && live.empty() && grace) grace->cancel();
}

void Server::Impl::CloseAll() {
  std::vector<std::shared_ptr<Connection>> all;
  {
    std::lock_guard<std::mutex> lock(mu);
    for (Connection* c : live) {
      if (auto sp = c->weak_from_this().lock()) all.push_back(std::move(sp));
    }
  }
  for (auto& c : all) c->Post([c] { c->Shutdown(); });
}

Server::Server(ServerOptions options, Handler handler) : impl_(std::make_shared<Impl>()) {
  impl_->options = std::move(options);
  impl_->handler = std::move(handler);
}

Server::~Server() {
  Stop();
  // Handlers still queued hold the Impl (and through it the io_context that
  // queues them): run what is ready so the cycle ends. When Run() was never
  // called, that is Stop()'s own handler.
  if (!impl_->running) {
    impl_->ioc.restart();
    impl_->ioc.poll();
  }
}

Status Server::Bind() {
  Impl& s = *impl_;
  error_code ec;
  tcp::resolver resolver(s.ioc);
  auto results = resolver.resolve(s.options.host, std::to_string(s.options.port), tcp::resolver::passive, ec);
  if (ec || results.empty()) return Status(Code::kIo, "cannot resolve " + s.options.host + ": " + ec.message());
  const tcp::endpoint ep = results.begin()->endpoint();
  s.acceptor.open(ep.protocol(), ec);
  if (!ec) s.acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor.bind(ep, ec);
  if (!ec) s.acceptor.listen(4096, ec);
  if (ec) {
    return Status(Code::kIo, "cannot listen on " + FormatHostPort(s.options.host, s.options.port) + ": " +
                                 ec.message() + " (in use, or not an address of this machine?)");
  }
  s.port = s.acceptor.local_endpoint().port();
  return Status::Ok();
}

int Server::port() const { return impl_->port; }

void Server::Run() {
  Impl& s = *impl_;
  if (s.stopping) return;
  s.running = true;
  s.Accept();
  std::vector<std::thread> threads;
  for (int i = 1; i < s.options.io_threads; ++i) threads.emplace_back([&s] { s.ioc.run(); });
  s.ioc.run();
  for (auto& t : threads) t.join();
  s.running = false;
}

void Server::Stop() {
  auto s = impl_;
  if (s->stopping.exchange(true)) return;
  net::post(s->ioc, [s] {
    error_code ignored;
    s->acceptor.close(ignored);
    s->CloseAll();
    // Requests in flight may still answer; after that, everything ends.
    s->grace.emplace(s->ioc);
    s->grace->expires_after(std::chrono::seconds(3));
    s->grace->async_wait([s](error_code ec) {
      if (!ec) s->ioc.stop();
    });
    std::lock_guard<std::mutex> lock(s->mu);
    if (s->live.empty()) s->grace->cancel();
  });
}

ServerStats Server::stats() const {
  const Impl& s = *impl_;
  ServerStats st;
  st.accepted = s.accepted;
  st.refused = s.refused;
  st.requests = s.requests;
  st.timeouts = s.timeouts;
  st.too_large = s.too_large;
  st.malformed = s.malformed;
  st.open = s.open;
  st.streaming = s.streaming;
  return st;
}

// ---- Requests and responses ----------------------------------------------

std::string_view Request::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k == name) return v;
  }
  return {};
}

std::string Request::Param(std::string_view name, bool* found) const {
  std::string_view q = query;
  while (!q.empty()) {
    const size_t amp = q.find('&');
    std::string_view pair = q.substr(0, amp);
    q = amp == std::string_view::npos ? std::string_view() : q.substr(amp + 1);
    const size_t eq = pair.find('=');
    if (PercentDecode(pair.substr(0, eq)) != name) continue;
    if (found) *found = true;
    return eq == std::string_view::npos ? std::string() : PercentDecode(pair.substr(eq + 1));
  }
  if (found) *found = false;
  return {};
}

bool Response::Has(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k.size() == name.size() &&
        std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
      return true;
    }
  }
  return false;
}

std::string PercentDecode(std::string_view s) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

}  // namespace zari::server::http
