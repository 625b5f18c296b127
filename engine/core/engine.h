// The compiled engine: an immutable snapshot of one loaded pack with its
// matchers (docs/ARCHITECTURE.md). Shared by all threads; reload builds a new snapshot.
#ifndef ZARI_ENGINE_CORE_ENGINE_H_
#define ZARI_ENGINE_CORE_ENGINE_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/hours.h"
#include "core/messages.h"
#include "match/examples.h"
#include "match/rules.h"
#include "pack/pack.h"
#include "core/reply.h"
#include "text/normalize.h"
#include "util/status.h"

namespace zari {

// Defaults for packs without `thresholds:`, chosen on the dev splits
// (docs/EVALUATION.md).
inline constexpr double kDefaultAnswerThreshold = 0.6;
inline constexpr double kDefaultSuggestThreshold = 0.3;

struct EngineOptions {
  pack::Limits limits;
  match::RuleMatcher::Options rules;
  match::ExampleMatcherOptions examples;
  size_t max_message_code_points = 2048;  // longer messages are matched on their start
  // Threads that build the engine (normalizing examples, training the
  // example matcher); 0: one per CPU, at most 4. The engine built is the
  // same for any number.
  unsigned build_threads = 0;
};

// An example of the pack, for exact matches and explanations.
struct ExampleRef {
  int32_t intent;
  text::Lang lang;
  const pack::Text* text;  // points into the engine's pack
};

class Engine : public std::enable_shared_from_this<Engine> {
 public:
  static Result<std::shared_ptr<const Engine>> Load(const std::string& path,
                                                    const EngineOptions& options = {});
  static Result<std::shared_ptr<const Engine>> Compile(pack::Pack pack, const EngineOptions& options = {});

  // Normalizes text with the pack's languages (forced > detected > hint > default).
  void Normalize(std::string_view text, text::Lang forced, text::Lang hint, text::Normalized* out) const;

  // Matches a normalized message and decides answer / clarify / fallback by
  // the thresholds. `raw` is the user's text (DTMF, explanations).
  // `exact_examples` = false ignores exact matches of examples (`zari check`
  // uses it to see where an example would go if typed slightly differently).
  void Decide(const text::Normalized& n, std::string_view raw, Reply* out, bool exact_examples = true) const;

  // Normalize + Decide, for stateless classification.
  void Classify(std::string_view text, text::Lang forced, Reply* out) const;

  // The one place a decided intent becomes an action and a text (Decide, and
  // a session's clarify choice): its answer with its suggested follow-ups,
  // or a handoff when it asks for a person (an escalation intent: reason
  // requested) or always goes to one (`handoff: true`: reason intent).
  // REQUIRES: out->lang set; 0 <= intent < intent_count().
  void ResolveIntent(int32_t intent, Reply* out) const;
  // Makes the reply a handoff for `reason` inside business hours: an intent
  // that hands off keeps its own answer when the reply carries it ("a
  // specialist will call you"); every other handoff says the pack's handoff
  // message.
  void ResolveHandoff(HandoffReason reason, Reply* out) const;
  // Makes a handoff reply an after-hours one: the pack's after_hours message
  // with the time operators are back (`next_open`, unix seconds).
  void ResolveAfterHours(int64_t now, int64_t next_open, Reply* out) const;
  // Makes the reply a relayed one: an operator holds the conversation, so
  // the bot says nothing and decides nothing; the candidates stay, as the
  // operator's suggestions (see AnswerFor).
  void ResolveRelayed(Reply* out) const;
  // What the bot would say if it decided `intent` in `lang`: the answer of
  // ResolveIntent, or nullptr when that hands off instead (an escalation
  // or `handoff: true` intent). Borrowed from the pack.
  const std::string* AnswerFor(int32_t intent, text::Lang lang) const;

  // Texts in a language, with fallbacks: the pack's message or Zari's default;
  // an intent's title, else its first example in that language, else its id.
  std::string_view Message(MessageKind kind, text::Lang lang) const;
  std::string_view Title(int32_t intent, text::Lang lang) const;
  const std::string* AnswerText(int32_t intent, text::Lang lang) const;  // nullptr if none

  // Ok for kUnknown (detect) and the pack's languages; kInvalid naming the
  // pack's languages for any other: the pack has no answers in it.
  Status CheckLanguage(text::Lang lang) const;

  const pack::Pack& pack() const { return pack_; }
  size_t intent_count() const { return pack_.intents.size(); }
  const pack::Intent& intent(int32_t i) const { return pack_.intents[static_cast<size_t>(i)]; }
  int32_t FindIntent(std::string_view id) const;
  bool IsEscalation(int32_t intent) const;
  double answer_threshold() const { return answer_threshold_; }
  double suggest_threshold() const { return suggest_threshold_; }
  const Schedule& schedule() const { return schedule_; }
  const match::RuleMatcher& rules() const { return rules_; }
  const match::ExampleMatcher& examples() const { return examples_; }
  const std::vector<ExampleRef>& example_refs() const { return example_refs_; }
  // An intent's id and route as JSON values (quoted and escaped once at
  // load; null for no intent or route), and the longest of them.
  std::string_view IntentJson(int32_t intent) const;
  std::string_view RouteJson(int32_t intent) const;
  size_t max_json_value() const { return max_json_value_; }

 private:
  Engine() = default;
  Status Build(const EngineOptions& options);
  void BuildIntentTables();
  void BuildExamples(const EngineOptions& options);
  // `exact_hash`: PrefetchExactExample's hash, or null to skip exact examples.
  void RuleCandidates(const text::Normalized& n, std::string_view raw, const std::vector<match::RuleHit>& hits,
                      const uint64_t* exact_hash, std::vector<match::Candidate>* cands) const;
  void ResolveCandidates(const text::Normalized& n, Reply* out) const;
  void ComposeClarify(Reply* out) const;

  pack::Pack pack_;
  match::RuleMatcher rules_;
  match::ExampleMatcher examples_;
  std::vector<ExampleRef> example_refs_;
  std::vector<uint8_t> escalation_;  // per intent
  std::vector<std::vector<int32_t>> suggest_;  // per intent: its `suggest:` intents
  Schedule schedule_;
  double answer_threshold_ = kDefaultAnswerThreshold;
  double suggest_threshold_ = kDefaultSuggestThreshold;
  size_t max_message_code_points_ = 2048;
  // Word keys of the pack's examples by language: when a message carries no
  // language cue ("voicemail", "APN settings"), the language whose examples
  // know its words wins over the pack's default.
  match::StringMap vocab_;  // key → LangSet bits
  // Per intent, its id and route as JSON values (quoted and escaped; a route
  // may be null), written once here rather than escaped in every reply.
  std::vector<std::string> id_json_, route_json_;
  size_t max_json_value_ = 0;  // the longest of them
};

}  // namespace zari

#endif  // ZARI_ENGINE_CORE_ENGINE_H_
