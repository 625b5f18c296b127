#include "operators.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <ctime>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>

#include "text/lang.h"

namespace zari::server {

namespace {

void InitSodium() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialized");
  });
}

std::string Hex(const unsigned char* bytes, size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes, n);
  out.pop_back();
  return out;
}

std::string RandomHex(size_t bytes) {
  std::vector<unsigned char> b(bytes);
  randombytes_buf(b.data(), b.size());
  return Hex(b.data(), b.size());
}

// Tokens are kept hashed: the store never holds one that works.
std::string TokenKey(std::string_view token) {
  unsigned char h[crypto_generichash_BYTES];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(token.data()), token.size(), nullptr, 0);
  return Hex(h, sizeof h);
}

// "line L, column C" of a byte offset, for JSON errors.
std::string LineCol(const std::string& text, size_t offset) {
  size_t line = 1, col = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return std::to_string(line) + ":" + std::to_string(col);
}

Status Bad(const std::string& path, const std::string& what) { return Status(Code::kInvalid, path + ": " + what); }

Result<Operator> ReadOperator(const nlohmann::json& j, const std::string& path) {
  if (!j.is_object()) return Bad(path, "each operator must be an object");
  Operator op;
  auto str = [&](const char* key, std::string* out) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_string()) return false;
    *out = it->get<std::string>();
    return true;
  };
  if (!str("id", &op.id) || !IsValidOperatorId(op.id)) {
    return Bad(path, "an operator without a valid id (1-64 of a-z 0-9 _ . -)");
  }
  const std::string who = "operator '" + op.id + "': ";
  if (!str("name", &op.name) || op.name.empty() || op.name.size() > 128) return Bad(path, who + "needs a name");
  if (!str("password", &op.password_hash) || op.password_hash.rfind("$argon2id$", 0) != 0) {
    return Bad(path, who + "'password' must be an argon2id hash (write it with `zari operators add`)");
  }
  if (auto langs = j.find("languages"); langs != j.end()) {
    if (!langs->is_array()) return Bad(path, who + "'languages' must be a list");
    for (const auto& l : *langs) {
      if (!l.is_string() || text::ParseLang(l.get<std::string>()) == text::Lang::kUnknown) {
        return Bad(path, who + "unknown language in 'languages' (expected ka, az, en)");
      }
      op.languages.emplace_back(text::LangCode(text::ParseLang(l.get<std::string>())));
    }
  }
  return op;
}

}  // namespace

bool IsValidOperatorId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-')) return false;
  }
  return true;
}

Result<std::string> HashPassword(std::string_view password) {
  InitSodium();
  if (password.empty() || password.size() > 1024) return Status(Code::kInvalid, "a password of 1 to 1024 bytes");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return Status(Code::kNoMemory, "out of memory while hashing the password");
  }
  return std::string(out);
}

bool VerifyPassword(const std::string& hash, std::string_view password) {
  InitSodium();
  if (hash.size() >= crypto_pwhash_STRBYTES || hash.rfind("$argon2", 0) != 0) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

Result<std::vector<Operator>> LoadOperators(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(Code::kNotFound, path + ": cannot open the operators file");
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string text = buf.str();
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    return Bad(path + ":" + LineCol(text, e.byte > 0 ? e.byte - 1 : 0), "not valid JSON");
  }
  auto list = j.is_object() ? j.find("operators") : j.end();
  if (list == j.end() || !list->is_array()) return Bad(path, "expected {\"operators\": [...]}");
  std::vector<Operator> out;
  std::set<std::string> seen;
  for (const auto& item : *list) {
    auto op = ReadOperator(item, path);
    if (!op.ok()) return op.status();
    if (!seen.insert(op.value().id).second) return Bad(path, "operator '" + op.value().id + "' is listed twice");
    out.push_back(std::move(op.value()));
  }
  return out;
}

Status SaveOperators(const std::string& path, const std::vector<Operator>& operators) {
  nlohmann::json list = nlohmann::json::array();
  for (const Operator& op : operators) {
    list.push_back({{"id", op.id}, {"name", op.name}, {"languages", op.languages}, {"password", op.password_hash}});
  }
  const std::string text = nlohmann::json{{"operators", list}}.dump(2) + "\n";
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status(Code::kIo, tmp + ": cannot write");
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!written || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return Status(Code::kIo, path + ": cannot write");
  }
  return Status::Ok();
}

// ---- OperatorAuth -----------------------------------------------------------

OperatorAuth::OperatorAuth(std::vector<Operator> operators, Store* store, Options options)
    : operators_(std::move(operators)), store_(store), options_(std::move(options)) {
  InitSodium();
}

int64_t OperatorAuth::Now() const {
  return options_.clock ? options_.clock() : static_cast<int64_t>(std::time(nullptr));
}

const Operator* OperatorAuth::Find(std::string_view id) const {
  for (const Operator& op : operators_) {
    if (op.id == id) return &op;
  }
  return nullptr;
}

bool OperatorAuth::Limited(const std::string& key, int64_t now) {
  auto it = failures_.find(key);
  if (it == failures_.end()) return false;
  auto& times = it->second;
  while (!times.empty() && now - times.front() >= options_.failure_window_s) times.pop_front();
  if (times.empty()) {
    failures_.erase(it);
    return false;
  }
  return static_cast<int>(times.size()) >= options_.max_failures;
}

void OperatorAuth::Failed(const std::string& key, int64_t now) { failures_[key].push_back(now); }

Result<OperatorAuth::Login> OperatorAuth::LogIn(std::string_view id, std::string_view password,
                                                std::string_view peer) {
  const int64_t now = Now();
  const std::string id_key = "id:" + std::string(id), ip_key = "ip:" + std::string(peer);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (Limited(id_key, now) || Limited(ip_key, now)) {
      return Status(Code::kLimit, "too many failed logins: try again in a minute");
    }
  }
  const Operator* op = Find(id);
  // An unknown id costs the same as a wrong password (no telling ids apart by time).
  static const std::string kDummy = HashPassword("zari: no such operator").value();
  const bool ok = VerifyPassword(op ? op->password_hash : kDummy, password) && op;
  if (!ok) {
    std::lock_guard<std::mutex> lock(mu_);
    Failed(id_key, now);
    Failed(ip_key, now);
    return Status(Code::kInvalid, "wrong operator id or password");
  }
  Login login{RandomHex(32), RandomHex(16), op};
  nlohmann::json record = {{"operator", op->id}, {"csrf", login.csrf}, {"last_used", now}, {"created", now}};
  if (Status s = store_->PutRecord("token", TokenKey(login.token), record.dump()); !s.ok()) return s;
  return login;
}

std::string OperatorAuth::TokenOf(const http::Request& req, bool* from_cookie) {
  *from_cookie = false;
  const std::string_view auth = req.Header("authorization");
  if (auth.rfind("Bearer ", 0) == 0) return std::string(auth.substr(7));
  std::string_view cookies = req.Header("cookie");
  while (!cookies.empty()) {
    const size_t semi = cookies.find(';');
    std::string_view c = cookies.substr(0, semi);
    cookies = semi == std::string_view::npos ? std::string_view() : cookies.substr(semi + 1);
    while (!c.empty() && c.front() == ' ') c.remove_prefix(1);
    if (c.rfind("zari_operator=", 0) == 0) {
      *from_cookie = true;
      return std::string(c.substr(14));
    }
  }
  return {};
}

Result<const Operator*> OperatorAuth::Authenticate(const http::Request& req) {
  bool cookie = false;
  const std::string token = TokenOf(req, &cookie);
  const Status denied(Code::kInvalid, "log in first (an operator token is missing, expired or wrong)");
  if (token.size() != 64) return denied;
  const std::string key = TokenKey(token);
  auto rec = store_->GetRecord("token", key);
  if (!rec.ok()) return rec.status();
  if (!rec.value()) return denied;
  nlohmann::json j = nlohmann::json::parse(*rec.value(), nullptr, false);
  if (!j.is_object() || !j.contains("operator") || !j.contains("last_used") || !j.contains("csrf")) return denied;
  const int64_t now = Now();
  if (now - j["last_used"].get<int64_t>() > options_.token_ttl_s) {
    (void)store_->DeleteRecord("token", key);
    return denied;
  }
  // A cookie travels with every request the browser makes: a request that
  // changes something counts only with the CSRF token a page of ours read at
  // login. (Reading the events feed with the cookie alone is safe: another
  // site's page cannot read the answer, and EventSource sends no headers.)
  if (cookie && req.method != "GET") {
    const std::string csrf = j["csrf"].get<std::string>();
    const std::string_view sent = req.Header("x-zari-csrf");
    if (sent.size() != csrf.size() || sodium_memcmp(sent.data(), csrf.data(), csrf.size()) != 0) return denied;
  }
  const Operator* op = Find(j["operator"].get<std::string>());
  if (!op) return denied;  // removed from the operators file since
  if (now - j["last_used"].get<int64_t>() >= 60) {  // touched at most once a minute
    j["last_used"] = now;
    (void)store_->PutRecord("token", key, j.dump());
  }
  return op;
}

void OperatorAuth::LogOut(const http::Request& req) {
  bool cookie = false;
  const std::string token = TokenOf(req, &cookie);
  if (!token.empty()) (void)store_->DeleteRecord("token", TokenKey(token));
}

}  // namespace zari::server
