// Asterisk FastAGI for IVR pre-routing (docs/IVR.md): the protocol as a pure
// state machine, with no sockets, so it is unit-tested line by line and can
// be fuzzed. fastagi_server.h runs it over TCP.
//
// A call, as Asterisk speaks it:
//   Asterisk → "agi_network: yes", "agi_network_script: route",
//              "agi_language: en", "agi_uniqueid: …", "agi_arg_1: …", …, ""
//   Zari     → (only when agi_arg_1 is absent or empty)
//              GET VARIABLE SPEECH_TEXT(0)   ← 200 result=1 (text) | 200 result=0
//              GET VARIABLE SPEECH_SCORE(0)  ← set when a recognition happened:
//              GET VARIABLE SPEECH_TEXT(1) … the n-best alternatives
//   Zari     → SET VARIABLE ZARI_ROUTE "billing"   ← 200 result=1
//              … ZARI_INTENT, ZARI_CONFIDENCE, ZARI_LANGUAGE, ZARI_ACTION,
//              ZARI_ANSWER, then closes the connection.
// A post-call survey (script "survey", agi_arg_1 KIND, agi_arg_2 DIGITS) reads
// no speech variables: Zari stores the answer and sets ZARI_ACTION,
// ZARI_LANGUAGE and ZARI_ANSWER only.
// At any point Asterisk may send "HANGUP", answer "511 result=-1" (dead
// channel) or close the connection: the call ends quietly.
#ifndef ZARI_SERVER_FASTAGI_H_
#define ZARI_SERVER_FASTAGI_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace zari::server::agi {

// One line Asterisk sends in answer to a command:
//   "200 result=1 (some text) endpos=42", "200 result=0", "510 Invalid or
//   unknown command", "511 Command Not Permitted on a dead channel or
//   intercept routine", "520-Invalid command syntax.  Proper usage follows:"
//   … "520 End of proper usage.", or the notification "HANGUP".
struct Response {
  int code = 0;               // 200, 510, 511, 520…
  bool hangup = false;        // "HANGUP"
  bool continuation = false;  // "NNN-…": more lines follow until "NNN …"
  bool has_result = false;
  int64_t result = 0;         // result=N
  bool has_data = false;
  std::string data;           // the text in parentheses (may itself hold parentheses)
  std::string rest;           // what follows, e.g. "endpos=42"
};

// False when the line is not a response line (garbage).
bool ParseResponse(std::string_view line, Response* out);

// "agi_name: value" → ("agi_name", "value"). False for anything else.
bool ParseEnvironmentLine(std::string_view line, std::string* key, std::string* value);

// One command argument as Asterisk's AGI parser reads it: in double quotes,
// with \ before " and \, line breaks and other control characters turned to
// spaces, cut to at most max_bytes of the value on a UTF-8 boundary (Asterisk
// reads commands into a 2 KB buffer).
std::string QuoteArgument(std::string_view value, size_t max_bytes = 1024);

// What the caller said or keyed, and what Asterisk told about the call.
struct CallInput {
  std::vector<std::string> alternatives;  // agi_arg_1, or SPEECH_TEXT(0), (1)…; empty = nothing
  bool from_speech = false;               // read from SPEECH_TEXT() rather than agi_arg_1
  std::string language;                   // agi_arg_2 ("" when absent)
  std::string channel_language;           // agi_language ("" when absent)
  std::string call_id;                    // agi_uniqueid, else agi_channel
  std::string script;                     // agi_network_script
  std::vector<std::string> args;          // agi_arg_1, agi_arg_2, … up to the first missing one
  std::map<std::string, std::string> env; // every agi_* variable
};

// Where the call goes and what to say; becomes the ZARI_* variables.
struct Decision {
  std::string route;
  std::string intent;    // "" = none
  double confidence = 0;
  std::string language;  // ka, az, en
  std::string action;    // answer, clarify, fallback, handoff, after_hours
  std::string answer;    // text for TTS
  bool survey = false;   // a survey's answer: only ZARI_ACTION, ZARI_LANGUAGE and ZARI_ANSWER are set
};

class Call {
 public:
  using Router = std::function<Decision(const CallInput&)>;
  struct Options {
    size_t max_environment_lines = 256;
    int max_alternatives = 4;        // SPEECH_TEXT(0) … (3)
    size_t max_answer_bytes = 1024;  // ZARI_ANSWER, cut on a UTF-8 boundary
    int max_garbage_lines = 16;      // unparseable responses before giving up
  };
  enum class End { kNone, kRouted, kHangup, kEof, kError };

  explicit Call(Router router);
  Call(Router router, Options options);

  // Feeds one line from Asterisk, without its "\n" (a trailing "\r" is ignored).
  void OnLine(std::string_view line);
  // The connection closed (or timed out).
  void OnEof();
  // The commands to send now, each ending in "\n"; clears them.
  std::string TakeOutput();

  bool done() const { return end_ != End::kNone; }
  End end() const { return end_; }
  const std::string& error() const { return error_; }  // why, for kError
  const CallInput& input() const { return input_; }
  const Decision& decision() const { return decision_; }
  bool routed() const { return routed_; }  // the router ran

 private:
  enum class Pending { kNone, kSpeechText, kSpeechScore, kSetVariable };
  void FinishEnvironment();
  void OnResponse(const Response& r);
  void Route();
  void SendNextVariable();
  void Finish(End end, std::string error = {});
  void Get(const std::string& variable, Pending pending);

  Router router_;
  Options options_;
  bool in_environment_ = true;
  size_t environment_lines_ = 0;
  int garbage_ = 0;
  bool in_usage_ = false;  // inside a "520-" block
  Pending pending_ = Pending::kNone;
  int speech_index_ = 0;
  std::vector<std::pair<std::string, std::string>> variables_;  // to set, in order
  size_t next_variable_ = 0;
  CallInput input_;
  Decision decision_;
  bool routed_ = false;
  std::string output_;
  End end_ = End::kNone;
  std::string error_;
};

std::string_view EndName(Call::End end);

}  // namespace zari::server::agi

#endif  // ZARI_SERVER_FASTAGI_H_
