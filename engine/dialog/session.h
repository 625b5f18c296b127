// One conversation (docs/PACKS.md): sticky language, consecutive misses, the
// clarify options last offered, the recent transcript. Applies the policy on
// top of the engine's decision: clarify choices, escalation to an operator
// (asked for, by intent, or after misses), business hours, logging, and the
// handoff's lifecycle (waiting for an operator, an operator holding the
// conversation, the operator gone and the bot answering again).
#ifndef ZARI_ENGINE_DIALOG_SESSION_H_
#define ZARI_ENGINE_DIALOG_SESSION_H_

#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "log/transcript.h"
#include "core/reply.h"
#include "dialog/handoff.h"
#include "dialog/runtime.h"
#include "text/normalize.h"
#include "util/status.h"

namespace zari::dialog {

class Session {
 public:
  Session(std::shared_ptr<Runtime> runtime, std::string id, std::string channel);

  // Forces the language (kUnknown returns to detection).
  Status SetLanguage(text::Lang lang);
  // The language to assume while a message has no cue of its own (an IVR
  // channel's language); the conversation's own language replaces it.
  void SetLanguageHint(text::Lang lang) { if (sticky_ == text::Lang::kUnknown) sticky_ = lang; }

  // Answers one message. May call the runtime's handoff callback.
  void Respond(std::string_view text, Reply* out);
  // Answers the likeliest of several transcriptions of one utterance (a
  // speech recognizer's n-best): each is understood, and the one the engine
  // is surest of (an answer before a clarify or fallback, then the higher
  // confidence, then the earlier) is answered as Respond would.
  // REQUIRES: !alternatives.empty().
  void RespondBest(const std::vector<std::string>& alternatives, Reply* out);

  // An operator takes the conversation over (waiting or not): from now on
  // Respond relays the customer's messages (Action::kRelayed, no text, the
  // candidates as suggestions) until OperatorLeave. The same operator may
  // join again (their name is updated). kInvalid: an empty id, an id or
  // name over 256 bytes or not UTF-8; kBusy: another operator holds it.
  Status OperatorJoin(std::string_view operator_id, std::string_view operator_name);
  // What the operator wrote to the customer, into the transcript. kBusy
  // when no operator holds the conversation.
  Status OperatorMessage(std::string_view text);
  // The operator hands the conversation back to the bot; the log gets the
  // takeover (resolved or not). kBusy when no operator holds it.
  Status OperatorLeave(bool resolved);

  // Versioned JSON with everything above; Import rejects other formats,
  // other packs or pack versions, and corrupt strings.
  std::string Export() const;
  static Result<std::unique_ptr<Session>> Import(std::shared_ptr<Runtime> runtime, std::string_view state);

  const std::string& id() const { return id_; }
  const std::string& channel() const { return channel_; }
  text::Lang language() const { return sticky_; }
  int misses() const { return misses_; }
  // The recent turns (session.transcript_turns of each side), oldest first.
  const std::deque<log::Turn>& transcript() const { return transcript_; }
  const HandoffStatus& handoff() const { return handoff_; }

 private:
  // What the message asks, without changing the conversation: a clarify
  // option or suggestion chosen, else the engine's decision.
  void Understand(const Engine& e, std::string_view text, text::Normalized* n, Reply* out) const;
  // The conversation's policy on top of it (a handoff waiting for operators,
  // misses, business hours), then the transcript, the log and the counters.
  void Conclude(const Engine& e, std::string_view text, const text::Normalized& n, Reply* out);
  int32_t ResolveChoice(const Engine& e, const text::Normalized& n, std::string_view raw) const;
  void Escalate(const Engine& e, int64_t now, Reply* out);
  void LogHandoff(const Engine& e, const Handoff& h, std::vector<log::Turn> turns) const;
  void LogUnresolved(const Engine& e, int64_t now, const text::Normalized& n, const Reply& r) const;
  void AddTurn(log::Role role, std::string_view text, int64_t ts);

  std::shared_ptr<Runtime> runtime_;
  std::string id_;
  std::string channel_;
  text::Lang forced_ = text::Lang::kUnknown;
  text::Lang sticky_ = text::Lang::kUnknown;
  int misses_ = 0;
  // Outside hours a handoff is remembered; the first message once operators
  // are back hands the conversation over (nothing asked for is lost).
  HandoffReason pending_reason_ = HandoffReason::kNone;
  std::string pending_intent_;
  int64_t turns_ = 0;                   // replies so far (0: the next one opens the conversation)
  std::vector<std::string> options_;    // clarify choices offered last (intent ids: they survive a reload)
  std::vector<std::string> suggested_;  // follow-ups offered with the last answer (chosen by title)
  std::deque<log::Turn> transcript_;
  // The handoff's lifecycle: waiting for an operator, or held by one; and
  // the turns since the operator joined (the takeover's transcript for the
  // log: its latest kMaxTakeoverTurns).
  HandoffStatus handoff_;
  std::deque<log::Turn> takeover_;
  text::Normalized norm_;               // reused between turns
};

}  // namespace zari::dialog

#endif  // ZARI_ENGINE_DIALOG_SESSION_H_
