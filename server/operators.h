// Who may answer customers in `zari serve` (--operators FILE), and how they
// prove it: the operators file, password hashes (libsodium's argon2id,
// never a plain password), login tokens and the limits on guessing.
//
// The file is JSON, written by `zari operators add` (docs/HTTP.md):
//   {"operators": [{"id": "nino", "name": "Nino Beridze", "languages": ["ka", "en"],
//                   "password": "$argon2id$v=19$m=65536,t=2,p=1$…"}]}
//
// Tokens. A login gets a random 256-bit token (and a CSRF token for the
// cookie's use); the store keeps only a hash of it (a copied store file
// gives no working token), the operator, and when it was last used. A
// token unused for `token_ttl_s` expires. Tokens live in the conversation
// store, so with --store sqlite:PATH they survive a restart.
//
// Guessing. After 5 failed logins for one operator id, or from one address,
// within a minute, logins for it are refused (429) for a minute — before
// any password is checked, so guessing costs no CPU either.
//
// Thread-safety: OperatorAuth may be used by any number of threads.
#ifndef ZARI_SERVER_OPERATORS_H_
#define ZARI_SERVER_OPERATORS_H_

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/http.h"
#include "store.h"
#include "util/status.h"

namespace zari::server {

struct Operator {
  std::string id;    // [a-z0-9_.-], 1..64
  std::string name;  // shown to customers ("Nino")
  std::vector<std::string> languages;  // "ka", "az", "en"
  std::string password_hash;           // crypto_pwhash_str (argon2id)
};

// Valid operator ids: 1..64 of [a-z0-9_.-].
bool IsValidOperatorId(std::string_view id);

// An argon2id hash of the password (libsodium crypto_pwhash_str, its
// interactive limits: ~64 MiB and ~0.1 s). Errors: kInvalid (empty or over
// 1024 bytes), kNoMemory.
Result<std::string> HashPassword(std::string_view password);
// Whether `password` matches `hash`; false for anything that is not an
// argon2 hash.
bool VerifyPassword(const std::string& hash, std::string_view password);

// Reads the operators file. Errors: kNotFound, kIo, kInvalid (malformed
// JSON with line:col, a bad id, a duplicate id, a missing name, a password
// that is not an argon2id hash: "FILE: operator 'x': …").
Result<std::vector<Operator>> LoadOperators(const std::string& path);
// Writes it (mode 0600, atomically: a temporary file renamed over it).
Status SaveOperators(const std::string& path, const std::vector<Operator>& operators);

// A logged-in operator, as a request proves it.
struct OperatorSession {
  std::string operator_id;
  std::string csrf;    // what the cookie's requests must send as X-Zari-CSRF
  int64_t last_used = 0;
};

class OperatorAuth {
 public:
  struct Options {
    int64_t token_ttl_s = 12 * 3600;
    int max_failures = 5;              // per id or address within failure_window_s
    int64_t failure_window_s = 60;     // and the refusal lasts as long
    std::function<int64_t()> clock;    // unix seconds; empty = system clock
  };
  struct Login {
    std::string token, csrf;
    const Operator* op = nullptr;
  };

  OperatorAuth(std::vector<Operator> operators, Store* store, Options options);

  // kInvalid (401: wrong id or password), kLimit (429: too many failures),
  // kIo (503: the store). Checks the password (slow by design): call it
  // off the I/O threads.
  Result<Login> LogIn(std::string_view id, std::string_view password, std::string_view peer);
  // The operator a request proves to be: `Authorization: Bearer TOKEN`, or
  // the `zari_operator` cookie (with `X-Zari-CSRF` unless the method is
  // GET). kInvalid (401) without a valid, unexpired token.
  Result<const Operator*> Authenticate(const http::Request& req);
  void LogOut(const http::Request& req);

  const Operator* Find(std::string_view id) const;
  const std::vector<Operator>& operators() const { return operators_; }

  // The token a request carries (bearer or cookie), "" when none.
  static std::string TokenOf(const http::Request& req, bool* from_cookie);

 private:
  int64_t Now() const;
  bool Limited(const std::string& key, int64_t now);  // REQUIRES: mu_
  void Failed(const std::string& key, int64_t now);   // REQUIRES: mu_

  std::vector<Operator> operators_;
  Store* store_;
  Options options_;
  std::mutex mu_;  // guards failures_
  std::map<std::string, std::deque<int64_t>> failures_;  // "id:…" / "ip:…" → times
};

}  // namespace zari::server

#endif  // ZARI_SERVER_OPERATORS_H_
