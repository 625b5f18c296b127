// The operator side of `zari serve --operators FILE` (docs/HTTP.md,
// Operators): the queue of conversations handed to a person, operators
// joining, writing and leaving, and the events both sides see.
//
//   POST /api/v1/operator/login {"id", "password"}   → token, CSRF token, cookie
//   POST /api/v1/operator/logout
//   GET  /api/v1/operator/queue                      → waiting and joined conversations
//   POST /api/v1/operator/conversations/{id}/join    → 409 when another operator holds it
//   POST /api/v1/operator/conversations/{id}/messages {"text"}  → 403 unless joined by you
//   POST /api/v1/operator/conversations/{id}/leave   {"resolved"}
//   GET  /api/v1/operator/events?after=&wait=        (the "@operators" feed; HttpServer)
//
// The queue is a record per conversation in the store ("queue"), so it is
// shared and kept like conversations are. Events: the visitor's
// conversation gets operator_joined, message (role operator) and
// operator_left; the operators' feed "@operators" gets waiting, joined,
// message (a customer's words, with Zari's suggestions), operator_message
// and left.
//
// Thread-safety: every method, from the engine threads.
#ifndef ZARI_SERVER_OPERATOR_DESK_H_
#define ZARI_SERVER_OPERATOR_DESK_H_

#include <memory>
#include <string>
#include <string_view>

#include "core/reply.h"
#include "dialog/runtime.h"
#include "dialog/session.h"
#include "http/http.h"
#include "operators.h"
#include "store.h"

namespace zari::server {

inline constexpr std::string_view kOperatorFeed = "@operators";

class OperatorDesk {
 public:
  OperatorDesk(std::shared_ptr<dialog::Runtime> runtime, Store* store, std::vector<Operator> operators,
               OperatorAuth::Options auth = {});

  // Requests under /api/v1/operator/ but the events feed; the caller has
  // refused cross-origin ones. Runs the slow parts (password checks) on
  // the calling thread: call it from an engine thread.
  http::Response Handle(const http::Request& req);
  // The operator a request proves to be (the events feed asks too).
  Result<const Operator*> Authenticate(const http::Request& req) { return auth_.Authenticate(req); }

  // After a visitor's message was answered (the lease still held): puts a
  // new handoff in the queue and tells the operators; passes a customer's
  // words in a conversation that waits or is held on to them.
  void AfterReply(const std::string& id, dialog::Session& session, const Reply& r);

 private:
  http::Response LogIn(const http::Request& req);
  http::Response LogOut(const http::Request& req);
  http::Response Queue();
  http::Response Conversation(const Operator& op, std::string_view id, std::string_view verb,
                              const std::string& body);
  http::Response Join(const Operator& op, const std::string& id);
  http::Response Write(const Operator& op, const std::string& id, const std::string& body);
  http::Response Leave(const Operator& op, const std::string& id, const std::string& body);
  void PutQueue(const std::string& id, const dialog::Session& session, bool after_hours);
  void Tell(std::string_view id, std::string type, std::string fields);
  int64_t Now() const { return runtime_->Now(); }

  std::shared_ptr<dialog::Runtime> runtime_;
  Store* store_;
  OperatorAuth auth_;
};

}  // namespace zari::server

#endif  // ZARI_SERVER_OPERATOR_DESK_H_
