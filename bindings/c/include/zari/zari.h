/*
 * zari.h — the C API of Zari, an embeddable customer-support chatbot engine
 * for Georgian (ka), Azerbaijani (az) and English (en).
 *
 * This header is the manual and the stable ABI. Everything else in the
 * project (the C++ engine under engine/) may change between releases; the
 * functions below change only by adding new ones (a changed signature gets
 * a `_v2` name).
 *
 * A short tour:
 *
 *     zari_engine *engine = NULL;
 *     if (zari_engine_load(&engine, "intents/telecom", NULL) != ZARI_OK) {
 *       fprintf(stderr, "%s\n", zari_last_error());
 *       return 1;
 *     }
 *     zari_session *s = NULL;
 *     zari_session_create(&s, engine, "visitor-42", "web");
 *     zari_reply *r = NULL;
 *     const char *text = "როგორ შევამოწმო ბალანსი?";
 *     if (zari_session_respond(&r, s, text, strlen(text)) == ZARI_OK) {
 *       printf("%s\n", zari_reply_text(r));     // answer in Georgian
 *       zari_reply_destroy(r);
 *     }
 *     zari_session_destroy(s);
 *     zari_engine_destroy(engine);
 *
 * Conventions (as in libgit2, SQLite and LevelDB):
 *  - Every symbol starts with `zari_`, every macro with `ZARI_`.
 *  - Handles are opaque. `zari_X_destroy(NULL)` is a harmless no-op.
 *  - A fallible function returns `int`: ZARI_OK (0) or a negative
 *    `zari_status`; `zari_last_error()` then describes what went wrong.
 *    "The bot did not understand" is not an error: it is a reply whose
 *    action is ZARI_ACTION_FALLBACK. The Errors: line of each function
 *    names the codes it returns, except ZARI_EINTERNAL: that is a bug in
 *    Zari, which any function that can fail may report.
 *  - Outputs come first, as `T **out`, and are owned by the caller, who
 *    releases them with the matching destroy/free function. On failure
 *    `*out` is set to NULL (when `out` itself is not NULL).
 *  - A returned `const char *` is borrowed from its handle and stays valid
 *    until that handle is destroyed (exceptions: zari_last_error(), the
 *    zari_handoff_* strings, valid only during the handoff callback, and
 *    the operator's id and name, valid until the operator joins or leaves).
 *  - Strings are UTF-8. User text is passed as (pointer, length), may hold
 *    any bytes (invalid UTF-8 is replaced, NULs are treated as spaces) and
 *    is never required to be NUL-terminated. Paths and names are
 *    NUL-terminated.
 *  - Strings returned through `char **out` are freed with zari_string_free(),
 *    never with free().
 *  - No C++ exception ever crosses this API; out-of-memory is ZARI_ENOMEM.
 *  - Callbacks take `void *user_data` last. Zari passes it through and never
 *    frees it; it must stay valid until the engine and every session created
 *    from it are destroyed (sessions keep working, and keep calling the
 *    clock and the handoff callback, after zari_engine_destroy). Callbacks
 *    must not unwind (C++ exception, longjmp) through Zari. They do not all
 *    run on the caller's thread: the clock and the handoff callback run
 *    inside zari_session_respond, on its thread; the log callback runs on
 *    the log's writer thread, and on other threads in the cases that
 *    zari_log_fn lists.
 *  - Each function says under "Errors:" what it returns on failure, under
 *    "Thread-safety:" what may run at the same time, and under "Ownership:"
 *    who frees what it returns, and when borrowed pointers stop being valid.
 *
 * Thread safety:
 *   A zari_engine may be used by any number of threads at once (classify,
 *   session_create, session_import, reload, stats, pack name and version);
 *   only zari_engine_destroy must not overlap another call on the same
 *   engine handle. A zari_session must be used by one thread at a time;
 *   different sessions (of one engine or of several) may be used
 *   concurrently. zari_options are not synchronized: set them on one thread,
 *   then share them read-only (several zari_engine_load calls may read the
 *   same options at once). A zari_reply is never changed after it is
 *   returned: several threads may read it at once, but none while it is
 *   destroyed. zari_last_error() is per thread. The unresolved-query log is
 *   written by one background thread owned by the engine; callers need no
 *   locking.
 */
#ifndef ZARI_ZARI_H_
#define ZARI_ZARI_H_

#include <stddef.h>
#include <stdint.h>

#include "zari/version.h"

#if defined(_WIN32)
#define ZARI_EXTERN(type) __declspec(dllexport) type
#elif defined(__GNUC__)
#define ZARI_EXTERN(type) __attribute__((visibility("default"))) type
#else
#define ZARI_EXTERN(type) type
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Status codes, versions, errors                                           */
/* ------------------------------------------------------------------------ */

/** Result of a fallible call. Values are append-only. */
typedef enum zari_status {
  ZARI_OK = 0,           /**< success */
  ZARI_EINVAL = -1,      /**< an argument is invalid (e.g. NULL where a handle is required) */
  ZARI_ENOMEM = -2,      /**< out of memory */
  ZARI_ENOTFOUND = -3,   /**< a file or directory does not exist */
  ZARI_EPACK = -4,       /**< the intent pack is invalid (file:line:col in the message) */
  ZARI_ESTATE = -5,      /**< a session state string is corrupt or from another pack */
  ZARI_EIO = -6,         /**< reading or writing a file or the log database failed */
  ZARI_ELIMIT = -7,      /**< a size or complexity limit was exceeded */
  ZARI_EINTERNAL = -8,   /**< a bug in Zari; the message says where */
  ZARI_EBUSY = -9        /**< the conversation is held by another operator, or by none */
} zari_status;

/** Runtime version as ZARI_VERSION_MAJOR*10000 + MINOR*100 + PATCH, so a
 *  program can check `zari_version_number() == ZARI_VERSION_NUMBER`.
 *  Cannot fail. Thread-safety: any thread. */
ZARI_EXTERN(int) zari_version_number(void);

/** Runtime version as "MAJOR.MINOR.PATCH". Static storage, never NULL.
 *  Thread-safety: any thread. */
ZARI_EXTERN(const char *) zari_version_string(void);

/** A short English description of a status code ("pack invalid", …).
 *  Static storage, never NULL, also for unknown codes ("unknown status").
 *  Thread-safety: any thread. */
ZARI_EXTERN(const char *) zari_status_str(int status);

/** Details of the last failed call on this thread, e.g.
 *  "intents/telecom/billing.yaml:12:5: unknown key 'anwser' in intent 'balance'".
 *  Never NULL (empty when no call has failed). A successful call does not
 *  clear it: read it right after the failing call.
 *  Ownership: borrowed, valid until the next failing call on the same
 *  thread (or the thread's exit).
 *  Thread-safety: any thread; each thread has its own. */
ZARI_EXTERN(const char *) zari_last_error(void);

/* ------------------------------------------------------------------------ */
/* Options                                                                  */
/* ------------------------------------------------------------------------ */

/** Options for zari_engine_load. */
typedef struct zari_options zari_options;

/** Clock returning the current time as unix seconds (UTC). Used for business
 *  hours and log timestamps; tests fix it. Called once per
 *  zari_session_respond, on the thread that called it (so from several
 *  threads at once when sessions are used concurrently); never by
 *  zari_engine_classify. Must be thread-safe. `user_data` must stay valid
 *  until the engine and every session created from it are destroyed. */
typedef int64_t (*zari_clock_fn)(void *user_data);

/** A conversation handed to a human operator; see the zari_handoff_*
 *  accessors below. */
typedef struct zari_handoff zari_handoff;

/** Called once per handoff, inside business hours, on the thread that called
 *  zari_session_respond, before that call returns (also for sessions that
 *  outlive zari_engine_destroy). `h` and every string read from it are
 *  borrowed and valid only during the call: copy what you keep. The
 *  callback should return quickly (queue the work); it may call other zari_*
 *  functions except destroying the engine, and except any call on the
 *  session that triggered it (it is in the middle of zari_session_respond). `user_data` must stay valid
 *  until the engine and every session created from it are destroyed. */
typedef void (*zari_handoff_fn)(const zari_handoff *h, void *user_data);

/** Severity of a message passed to a zari_log_fn. */
typedef enum zari_log_level {
  ZARI_LOG_INFO = 0,
  ZARI_LOG_WARNING = 1,
  ZARI_LOG_ERROR = 2
} zari_log_level;

/** Receives operational messages of the unresolved-query log; `level` is a
 *  zari_log_level, `message` is borrowed and valid during the call.
 *  Where it runs:
 *   - on the log's writer thread: failed writes and their retries, "log
 *     database writable again", a database file moved, replaced or deleted;
 *   - on the thread in zari_session_respond (or zari_session_operator_leave)
 *     when the log queue is full and a row is dropped;
 *   - on the thread in zari_engine_load when the database cannot be opened
 *     yet (it is then retried).
 *  So it may run on several threads at once: it must be thread-safe, return
 *  quickly and not wait for a thread that is calling Zari. It is not called
 *  once zari_engine_destroy has begun (a call already under way on another
 *  thread may still be running); messages from then on (such as rows lost
 *  while closing on a failing disk) are not delivered.
 *  `user_data` must stay valid until the engine and every session created
 *  from it are destroyed. */
typedef void (*zari_log_fn)(int level, const char *message, void *user_data);

/** Creates default options (no log database, system clock, no callbacks,
 *  default limits). Returns NULL only when out of memory.
 *  Ownership: the caller's; free with zari_options_destroy.
 *  Thread-safety: any thread. */
ZARI_EXTERN(zari_options *) zari_options_create(void);

/** Frees options. NULL is a no-op. An engine keeps its own copy, so options
 *  may be destroyed right after zari_engine_load.
 *  Thread-safety: not while another thread uses the same options. */
ZARI_EXTERN(void) zari_options_destroy(zari_options *opts);

/** Log unresolved questions and handoffs to the SQLite database at
 *  `sqlite_path` (created if missing). NULL or "" disables the log.
 *  The path is copied; the file is opened by zari_engine_load.
 *  Errors: ZARI_EINVAL if opts is NULL, ZARI_ENOMEM.
 *  Thread-safety: not while another thread uses the same options. */
ZARI_EXTERN(int) zari_options_set_log_db(zari_options *opts, const char *sqlite_path);

/** Use `fn` instead of the system clock (NULL restores the system clock).
 *  See zari_clock_fn for when and where it runs and how long `user_data`
 *  must live.
 *  Errors: ZARI_EINVAL if opts is NULL.
 *  Thread-safety: not while another thread uses the same options. */
ZARI_EXTERN(int) zari_options_set_clock(zari_options *opts, zari_clock_fn fn, void *user_data);

/** Call `fn` when a conversation is handed to an operator (NULL: no callback).
 *  See zari_handoff_fn for when and where it runs and how long `user_data`
 *  must live.
 *  Errors: ZARI_EINVAL if opts is NULL.
 *  Thread-safety: not while another thread uses the same options. */
ZARI_EXTERN(int) zari_options_set_handoff(zari_options *opts, zari_handoff_fn fn,
                                          void *user_data);

/** Receive operational messages (NULL: they go nowhere, counters still count).
 *  See zari_log_fn for the threads it runs on and how long `user_data`
 *  must live.
 *  Errors: ZARI_EINVAL if opts is NULL.
 *  Thread-safety: not while another thread uses the same options. */
ZARI_EXTERN(int) zari_options_set_log_callback(zari_options *opts, zari_log_fn fn,
                                               void *user_data);

/** Bounds that keep hostile or mistaken input from exhausting the machine
 *  (docs/RELIABILITY.md). A pack over a limit fails to load with ZARI_ELIMIT
 *  and a one-line message. Values are append-only. */
typedef enum zari_limit {
  ZARI_LIMIT_PACK_FILE_BYTES = 1,      /**< one YAML file (default 32 MiB) */
  ZARI_LIMIT_PACK_BYTES = 2,           /**< all files of a pack (default 256 MiB) */
  ZARI_LIMIT_PACK_FILES = 3,           /**< YAML files in a pack directory (default 10000) */
  ZARI_LIMIT_YAML_NODES = 4,           /**< YAML nodes visited, aliases counted each time (default 8 Mi) */
  ZARI_LIMIT_INTENTS = 5,              /**< intents in a pack (default 100000) */
  ZARI_LIMIT_TEXT_BYTES = 6,           /**< one template, regex, example or answer (default 4096) */
  ZARI_LIMIT_RE2_MEMORY = 7,           /**< RE2 memory for the raw regexes of a language (default 256 MiB) */
  ZARI_LIMIT_MESSAGE_CODE_POINTS = 8   /**< a message is matched on its first N code points (default 2048) */
} zari_limit;

/** Sets one limit (value > 0). Applies to zari_engine_load and to every
 *  zari_engine_reload of the engine loaded with these options.
 *  Errors: ZARI_EINVAL for NULL opts, an unknown limit or a value out of
 *  range (1 … 2^40).
 *  Thread-safety: not while another thread uses the same options. */
ZARI_EXTERN(int) zari_options_set_limit(zari_options *opts, int limit, int64_t value);

/* ------------------------------------------------------------------------ */
/* Engine                                                                   */
/* ------------------------------------------------------------------------ */

/** A loaded intent pack. What it serves is a compiled, immutable snapshot of
 *  the pack, shared by all threads; zari_engine_reload swaps in a new
 *  snapshot atomically, so the pack behind one handle can change while
 *  threads use it. */
typedef struct zari_engine zari_engine;

/** Loads the pack at `pack_path` (a directory with pack.yaml, or one YAML
 *  file) and compiles it.
 *  @param[out] out  the engine; NULL on failure.
 *  @param opts      options, or NULL for defaults; copied.
 *  Errors: ZARI_EINVAL (NULL out or path), ZARI_ENOTFOUND (no such path),
 *  ZARI_EPACK (invalid pack: zari_last_error() names file:line:col and the
 *  problem), ZARI_ELIMIT (a limit of zari_options_set_limit exceeded),
 *  ZARI_EIO (a pack file cannot be read, or the log database can never
 *  work: its directory is missing, it is not an SQLite database or is
 *  another application's, or its schema is newer; a database that is only
 *  busy, full or read-only loads and is retried), ZARI_ENOMEM.
 *  Ownership: the caller owns *out; free it with zari_engine_destroy.
 *  Thread-safety: any thread; loads on several threads are independent.
 *  The log callback may run on this thread before the call returns. */
ZARI_EXTERN(int) zari_engine_load(zari_engine **out, const char *pack_path,
                                  const zari_options *opts);

/** Loads and compiles the pack at `pack_path` (NULL: the path of the pack
 *  now loaded) and swaps it in atomically, with the limits given at
 *  zari_engine_load. Calls already running finish on the old pack; sessions
 *  continue on the new one. The log keeps its database; the new pack's
 *  `log.redact` applies to rows added from then on. On any error the old
 *  pack keeps serving.
 *  Errors: ZARI_EINVAL (NULL engine), and for the new pack ZARI_ENOTFOUND,
 *  ZARI_EPACK, ZARI_ELIMIT or ZARI_EIO as for zari_engine_load, ZARI_ENOMEM.
 *  Ownership: pointers from zari_engine_pack_name/_version stay valid.
 *  Thread-safety: any thread, while other threads use the engine; of two
 *  reloads at once, the one that finishes last wins. Not while the engine
 *  is being destroyed. */
ZARI_EXTERN(int) zari_engine_reload(zari_engine *engine, const char *pack_path);

/** Releases the engine handle and flushes the unresolved-query log to disk
 *  (waits for the background writer; on a disk whose writes keep failing,
 *  for up to about 10 s, then counts the rows left as dropped). From the
 *  start of this call the log callback is no longer called (so a callback
 *  that needs the calling thread cannot deadlock it). Sessions still alive
 *  keep the compiled pack alive and keep working; their log rows are written
 *  when the last of them is destroyed. Replies stay valid. NULL is a no-op.
 *  Must not be called twice.
 *  Ownership: pack name and version pointers of this engine become invalid.
 *  Thread-safety: must not overlap any other call on this engine handle,
 *  nor be called from one of its callbacks; sessions and replies may be in
 *  use on other threads. */
ZARI_EXTERN(void) zari_engine_destroy(zari_engine *engine);

/** Name of the pack currently loaded (`name:` in pack.yaml; after a reload,
 *  the new pack's). "" for a NULL engine.
 *  Ownership: borrowed, valid until the engine is destroyed, also across
 *  reloads on other threads.
 *  Thread-safety: any thread, also during a reload. */
ZARI_EXTERN(const char *) zari_engine_pack_name(const zari_engine *engine);

/** Version of the pack currently loaded (`version:` in pack.yaml, "" when
 *  absent). "" for a NULL engine.
 *  Ownership: borrowed, valid until the engine is destroyed, also across
 *  reloads on other threads.
 *  Thread-safety: any thread, also during a reload. */
ZARI_EXTERN(const char *) zari_engine_pack_version(const zari_engine *engine);

/** Statistics of the engine as a JSON object: pack, pack_version, intents,
 *  examples, rules, rule_dfa_fallbacks, languages, and log {enabled,
 *  enqueued, written, dropped, pending, failed_writes, last_error}.
 *  @param[out] out the JSON text; NULL on failure.
 *  Errors: ZARI_EINVAL (NULL out or engine), ZARI_ENOMEM.
 *  Ownership: the caller owns *out; free it with zari_string_free.
 *  Thread-safety: any thread, also during a reload. */
ZARI_EXTERN(int) zari_engine_stats_json(char **out, const zari_engine *engine);

/* ------------------------------------------------------------------------ */
/* Replies                                                                  */
/* ------------------------------------------------------------------------ */

/** One reply of the bot. Owned by the caller; free with zari_reply_destroy.
 *  A reply keeps the compiled pack it was decided on alive: it stays valid
 *  after a reload and after its session and engine are destroyed. */
typedef struct zari_reply zari_reply;

/** What the bot decided to do. */
typedef enum zari_action {
  ZARI_ACTION_ANSWER = 1,      /**< an intent matched; the reply is its answer */
  ZARI_ACTION_CLARIFY = 2,     /**< unsure: the reply asks "did you mean …" with options */
  ZARI_ACTION_FALLBACK = 3,    /**< not understood; in a session, the question is logged */
  ZARI_ACTION_HANDOFF = 4,     /**< handed to an operator (in a session, the callback was called) */
  ZARI_ACTION_AFTER_HOURS = 5, /**< handoff wanted but operators are offline (sessions only) */
  ZARI_ACTION_RELAYED = 6      /**< an operator holds the conversation: no text, the candidates are
                                    suggestions for the operator (sessions only; see Operators) */
} zari_action;

/** Classifies one message without conversation state: no stickiness, no
 *  clarify memory, nothing logged, no callback called, business hours not
 *  consulted (a request for a person is ZARI_ACTION_HANDOFF, never
 *  AFTER_HOURS). `language` is a language tag ("ka", "az", "en", any case,
 *  or a BCP 47 tag such as "ka-GE" or "en-US") or NULL to detect it.
 *  @param[out] out the reply; NULL on failure.
 *  Errors: ZARI_EINVAL (NULL engine/out, or text NULL with len > 0, or an
 *  unknown language, or a language the pack has no answers in),
 *  ZARI_ENOMEM.
 *  Ownership: the caller owns *out; free it with zari_reply_destroy.
 *  Thread-safety: any thread, any number at once, also during a reload. */
ZARI_EXTERN(int) zari_engine_classify(zari_reply **out, zari_engine *engine, const char *text,
                                      size_t len, const char *language);

/** The action (a zari_action value), or ZARI_EINVAL for NULL.
 *  Errors: ZARI_EINVAL (NULL reply; zari_last_error() says so).
 *  Thread-safety: any thread (see zari_reply). */
ZARI_EXTERN(int) zari_reply_action(const zari_reply *reply);

/** The action as a word: "answer", "clarify", "fallback", "handoff",
 *  "after_hours", "relayed". Never NULL ("" for NULL reply). Static storage.
 *  Thread-safety: any thread (see zari_reply). */
ZARI_EXTERN(const char *) zari_reply_action_str(const zari_reply *reply);

/** The bot's text in the reply's language. Never NULL ("" for NULL reply;
 *  "" for a relayed reply: the operator answers).
 *  Ownership: borrowed, valid until the reply is destroyed.
 *  Thread-safety: any thread (see zari_reply). */
ZARI_EXTERN(const char *) zari_reply_text(const zari_reply *reply);

/** Id of the decided intent, or NULL when none (clarify, fallback, a handoff
 *  after misses, NULL reply).
 *  Ownership: borrowed, valid until the reply is destroyed.
 *  Thread-safety: any thread (see zari_reply). */
ZARI_EXTERN(const char *) zari_reply_intent(const zari_reply *reply);

/** Language of the reply: "ka", "az" or "en". Never NULL ("" for NULL
 *  reply). Static storage.
 *  Thread-safety: any thread (see zari_reply). */
ZARI_EXTERN(const char *) zari_reply_language(const zari_reply *reply);

/** Routing key (IVR queue) of the decided intent, or NULL when none (no
 *  intent, an intent without `route:`, NULL reply).
 *  Ownership: borrowed, valid until the reply is destroyed.
 *  Thread-safety: any thread (see zari_reply). */
ZARI_EXTERN(const char *) zari_reply_route(const zari_reply *reply);

/** Confidence of the best candidate, 0..1 (1 for rule and DTMF matches and
 *  a chosen clarify option; 0 for NULL reply).
 *  Thread-safety: any thread (see zari_reply). */
ZARI_EXTERN(double) zari_reply_confidence(const zari_reply *reply);

/** Number of clarify options (0 unless the action is ZARI_ACTION_CLARIFY;
 *  0 for NULL reply).
 *  Thread-safety: any thread (see zari_reply). */
ZARI_EXTERN(size_t) zari_reply_option_count(const zari_reply *reply);

/** Intent id of option `i`, or NULL when out of range (or NULL reply).
 *  Ownership: borrowed, valid until the reply is destroyed.
 *  Thread-safety: any thread (see zari_reply). */
ZARI_EXTERN(const char *) zari_reply_option_intent(const zari_reply *reply, size_t i);

/** Quick-reply label of option `i` in the reply's language (the intent's
 *  title, else its first example, else its id), or NULL when out of range
 *  (or NULL reply).
 *  Ownership: borrowed, valid until the reply is destroyed.
 *  Thread-safety: any thread (see zari_reply). */
ZARI_EXTERN(const char *) zari_reply_option_label(const zari_reply *reply, size_t i);

/** Number of follow-up questions suggested with an answer: the answered
 *  intent's `suggest:` list in the pack (at most 5). 0 unless the action is
 *  ZARI_ACTION_ANSWER (0 for NULL reply).
 *  Thread-safety: any thread (see zari_reply). */
ZARI_EXTERN(size_t) zari_reply_suggestion_count(const zari_reply *reply);

/** Intent id of suggestion `i`, or NULL when out of range (or NULL reply).
 *  Ownership: borrowed, valid until the reply is destroyed.
 *  Thread-safety: any thread (see zari_reply). */
ZARI_EXTERN(const char *) zari_reply_suggestion_intent(const zari_reply *reply, size_t i);

/** Title of suggestion `i` in the reply's language (the intent's title,
 *  else its first example, else its id), to show as a button; sending that
 *  title as the next message of the same session asks that intent. NULL
 *  when out of range (or NULL reply).
 *  Ownership: borrowed, valid until the reply is destroyed.
 *  Thread-safety: any thread (see zari_reply). */
ZARI_EXTERN(const char *) zari_reply_suggestion_title(const zari_reply *reply, size_t i);

/** Number of candidates: the intents the engine weighed for the message,
 *  best first (at most 5; 0 for NULL reply). In a ZARI_ACTION_RELAYED reply
 *  they are the operator's suggestions (see zari_reply_candidate_answer).
 *  Thread-safety: any thread (see zari_reply). */
ZARI_EXTERN(size_t) zari_reply_candidate_count(const zari_reply *reply);

/** Intent id of candidate `i`, or NULL when out of range (or NULL reply).
 *  Ownership: borrowed, valid until the reply is destroyed.
 *  Thread-safety: any thread (see zari_reply). */
ZARI_EXTERN(const char *) zari_reply_candidate_intent(const zari_reply *reply, size_t i);

/** Score of candidate `i`, 0..1 (1 for rule and DTMF matches); 0 when out
 *  of range (or NULL reply).
 *  Thread-safety: any thread (see zari_reply). */
ZARI_EXTERN(double) zari_reply_candidate_score(const zari_reply *reply, size_t i);

/** What the bot would say if it decided candidate `i`: the intent's answer
 *  in the reply's language (the customer's). NULL when deciding it would
 *  hand off instead (an escalation intent or one with `handoff: true`),
 *  when out of range, or for a NULL reply. In a relayed reply this is
 *  agent assist: the operator may send it as it is.
 *  Ownership: borrowed, valid until the reply is destroyed.
 *  Thread-safety: any thread (see zari_reply). */
ZARI_EXTERN(const char *) zari_reply_candidate_answer(const zari_reply *reply, size_t i);

/** The whole reply as one JSON object: reply, action, intent, confidence,
 *  language, route, slots, options [{intent, label}], suggestions
 *  [{intent, title}], candidates [{intent, score, via}] (in a relayed reply
 *  also "answer": as zari_reply_candidate_answer, or null), handoff_reason
 *  (on handoff and after hours only), explanation.
 *  @param[out] out the JSON text; NULL on failure.
 *  Errors: ZARI_EINVAL (NULL out or reply), ZARI_ENOMEM.
 *  Ownership: the caller owns *out; free it with zari_string_free.
 *  Thread-safety: any thread (see zari_reply). */
ZARI_EXTERN(int) zari_reply_to_json(char **out, const zari_reply *reply);

/** Frees a reply. NULL is a no-op. Strings borrowed from it become invalid.
 *  Thread-safety: not while another thread reads the reply. */
ZARI_EXTERN(void) zari_reply_destroy(zari_reply *reply);

/* ------------------------------------------------------------------------ */
/* Sessions                                                                 */
/* ------------------------------------------------------------------------ */

/** One conversation: sticky language, consecutive misses, pending clarify
 *  options, recent transcript. Keeps its engine alive. */
typedef struct zari_session zari_session;

/** Starts a conversation.
 *  @param[out] out     the session; NULL on failure.
 *  @param session_id   the host's id for the conversation (copied; NULL → "").
 *  @param channel      "web", "ivr", "api", … (copied; NULL or "" → "web").
 *  Errors: ZARI_EINVAL (NULL out or engine), ZARI_ENOMEM.
 *  Ownership: the caller owns *out; free it with zari_session_destroy. The
 *  session keeps the engine's compiled pack, log and callbacks alive.
 *  Thread-safety: any thread, concurrently with other calls on the engine. */
ZARI_EXTERN(int) zari_session_create(zari_session **out, zari_engine *engine,
                                     const char *session_id, const char *channel);

/** Ends a conversation. NULL is a no-op. When the engine was destroyed
 *  before and this is its last session, this call flushes the log and
 *  frees the compiled pack (it may wait for the log writer, like
 *  zari_engine_destroy).
 *  Thread-safety: not while another call uses the same session, nor from
 *  the handoff callback it triggered. */
ZARI_EXTERN(void) zari_session_destroy(zari_session *session);

/** The session id given at creation (or restored by zari_session_import).
 *  "" for NULL.
 *  Ownership: borrowed, valid until the session is destroyed.
 *  Thread-safety: any thread; the id never changes. */
ZARI_EXTERN(const char *) zari_session_id(const zari_session *session);

/** The session's channel ("web", "ivr", …). "" for NULL.
 *  Ownership: borrowed, valid until the session is destroyed.
 *  Thread-safety: any thread; the channel never changes. */
ZARI_EXTERN(const char *) zari_session_channel(const zari_session *session);

/** Forces the session's language ("ka", "az", "en", case-insensitive); NULL
 *  returns to detection.
 *  Errors: ZARI_EINVAL (NULL session, an unknown code, or a language the
 *  pack lacks; the session is then unchanged), ZARI_ENOMEM.
 *  Thread-safety: one thread per session at a time. */
ZARI_EXTERN(int) zari_session_set_language(zari_session *session, const char *language);

/** Answers one user message: matching, clarify choices, escalation, business
 *  hours, logging. Calls the clock once, and the handoff callback (inside
 *  business hours) before returning, on this thread; the log callback may
 *  run on this thread when the log queue is full. While an operator holds
 *  the conversation (zari_session_operator_join) the reply is
 *  ZARI_ACTION_RELAYED: no text, the message goes into the transcript and
 *  the turn counts, and the candidates carry what the bot would answer.
 *  @param[out] out the reply; NULL on failure.
 *  Errors: ZARI_EINVAL (NULL out or session, or text NULL with len > 0),
 *  ZARI_ENOMEM.
 *  Ownership: the caller owns *out; free it with zari_reply_destroy.
 *  Thread-safety: one thread per session at a time; different sessions in
 *  parallel, also during a reload or after zari_engine_destroy. */
ZARI_EXTERN(int) zari_session_respond(zari_reply **out, zari_session *session, const char *text,
                                      size_t len);

/** Serializes the session's state into a compact, versioned string (JSON)
 *  so a stateless back end can continue the conversation later, also in
 *  another process: waiting or held by an operator, as it was. The state
 *  names the pack and version now loaded.
 *  @param[out] out the state; NULL on failure.
 *  Errors: ZARI_EINVAL (NULL out or session), ZARI_ENOMEM.
 *  Ownership: the caller owns *out; free it with zari_string_free.
 *  Thread-safety: one thread per session at a time. */
ZARI_EXTERN(int) zari_session_export(char **out, const zari_session *session);

/** Restores a session exported with zari_session_export.
 *  @param[out] out the session; NULL on failure.
 *  Errors: ZARI_EINVAL (NULL arguments), ZARI_ESTATE (corrupt string, another
 *  format version, or another pack name/version than the engine's now),
 *  ZARI_ENOMEM.
 *  Ownership: the caller owns *out; free it with zari_session_destroy.
 *  `state` is only read during the call.
 *  Thread-safety: any thread, concurrently with other calls on the engine. */
ZARI_EXTERN(int) zari_session_import(zari_session **out, zari_engine *engine, const char *state);

/* ------------------------------------------------------------------------ */
/* Operators: a person takes the conversation over                          */
/* ------------------------------------------------------------------------ */
/* A handoff inside business hours puts the conversation in the operators'
 * queue (ZARI_HANDOFF_WAITING; the handoff callback is called as before) and
 * the bot keeps answering. An operator joins (ZARI_HANDOFF_JOINED): the bot
 * falls silent, zari_session_respond relays the customer's messages
 * (ZARI_ACTION_RELAYED) with what the bot would answer, and the host records
 * what the operator writes with zari_session_operator_message. The operator
 * leaves: the bot answers again (ZARI_HANDOFF_NONE) and the log gets the
 * takeover. After hours a request for a person waits in the session and
 * enters the queue at the first message once operators are back. Export and
 * import carry all of it. The host delivers the operator's messages itself:
 * Zari only keeps them. */

/** Where a conversation stands with operators. Values are append-only. */
typedef enum zari_handoff_state {
  ZARI_HANDOFF_NONE = 0,     /**< the bot answers */
  ZARI_HANDOFF_WAITING = 1,  /**< handed off inside hours, no operator yet; the bot still answers */
  ZARI_HANDOFF_JOINED = 2    /**< an operator holds the conversation; the bot is silent */
} zari_handoff_state;

/** An operator takes the conversation over, waiting or not (an operator
 *  may take any conversation). Joining again with the same id is allowed
 *  and only updates the name. Clarify options, the miss count and a
 *  request made after hours are dropped: the operator answers now. Calls
 *  the clock once (the time joined).
 *  @param operator_id    the host's id of the operator: 1 to 256 bytes of
 *                        UTF-8, NUL-terminated, copied.
 *  @param operator_name  the name to show, at most 256 bytes of UTF-8,
 *                        copied; NULL is "".
 *  Errors: ZARI_EINVAL (NULL session or id, an empty id, an id or name over
 *  256 bytes or not UTF-8), ZARI_EBUSY (another operator holds the
 *  conversation: zari_session_operator_id names them), ZARI_ENOMEM.
 *  Thread-safety: one thread per session at a time. */
ZARI_EXTERN(int) zari_session_operator_join(zari_session *session, const char *operator_id,
                                            const char *operator_name);

/** Records what the operator wrote to the customer: a transcript turn with
 *  role "operator" (cut at 4,096 bytes; invalid UTF-8 replaced), stored
 *  masked in the log with the takeover. Zari does not deliver it; the host
 *  does. Calls the clock once.
 *  Errors: ZARI_EINVAL (NULL session, text NULL with len > 0), ZARI_EBUSY
 *  (no operator holds the conversation), ZARI_ENOMEM.
 *  Thread-safety: one thread per session at a time. */
ZARI_EXTERN(int) zari_session_operator_message(zari_session *session, const char *text, size_t len);

/** The operator hands the conversation back to the bot, which answers the
 *  next message again (ZARI_HANDOFF_NONE). With a log database the takeover
 *  becomes a row of `takeovers` (docs/OPERATIONS.md): the operator, when
 *  they joined and left, `resolved` (non-zero: the customer's problem was
 *  solved), the takeover's transcript, masked. Calls the clock once; the
 *  log callback may run on this thread when the log queue is full.
 *  Errors: ZARI_EINVAL (NULL session), ZARI_EBUSY (no operator holds the
 *  conversation), ZARI_ENOMEM.
 *  Thread-safety: one thread per session at a time. */
ZARI_EXTERN(int) zari_session_operator_leave(zari_session *session, int resolved);

/** 1 while an operator holds the conversation (ZARI_HANDOFF_JOINED), else 0
 *  (also for NULL). Cannot fail.
 *  Thread-safety: one thread per session at a time. */
ZARI_EXTERN(int) zari_session_operator_active(const zari_session *session);

/** Where the conversation stands: a zari_handoff_state, or ZARI_EINVAL for
 *  NULL.
 *  Errors: ZARI_EINVAL (NULL session; zari_last_error() says so).
 *  Thread-safety: one thread per session at a time. */
ZARI_EXTERN(int) zari_session_handoff_state(const zari_session *session);

/** Why the conversation waits, as zari_handoff_reason words: "requested",
 *  "intent" or "misses"; kept while an operator holds it. "" when it is with
 *  the bot, when the operator took it unasked, and for NULL. Static storage.
 *  Thread-safety: one thread per session at a time. */
ZARI_EXTERN(const char *) zari_session_handoff_reason(const zari_session *session);

/** Since when the conversation is in its state (unix seconds): the handoff
 *  while ZARI_HANDOFF_WAITING (the first, when the customer asks again),
 *  the operator's joining while ZARI_HANDOFF_JOINED; 0 with
 *  ZARI_HANDOFF_NONE and for NULL.
 *  Thread-safety: one thread per session at a time. */
ZARI_EXTERN(int64_t) zari_session_handoff_since(const zari_session *session);

/** Id of the operator holding the conversation, or NULL when none does
 *  (or NULL session).
 *  Ownership: borrowed, valid until the next zari_session_operator_join or
 *  zari_session_operator_leave on the session, or its destruction.
 *  Thread-safety: one thread per session at a time. */
ZARI_EXTERN(const char *) zari_session_operator_id(const zari_session *session);

/** Name of the operator holding the conversation ("" when joined without
 *  one), or NULL when none does (or NULL session).
 *  Ownership: borrowed, valid until the next zari_session_operator_join or
 *  zari_session_operator_leave on the session, or its destruction.
 *  Thread-safety: one thread per session at a time. */
ZARI_EXTERN(const char *) zari_session_operator_name(const zari_session *session);

/* ------------------------------------------------------------------------ */
/* Handoffs                                                                 */
/* ------------------------------------------------------------------------ */
/* Only inside a zari_handoff_fn, on its thread. All strings are borrowed
 * from the handoff and valid during the callback; copy what you keep. A
 * NULL handoff gives "" (NULL from zari_handoff_intent, "[]" from
 * zari_handoff_transcript_json). */

ZARI_EXTERN(const char *) zari_handoff_session(const zari_handoff *h);  /**< session id */
ZARI_EXTERN(const char *) zari_handoff_channel(const zari_handoff *h);  /**< "web", "ivr", … */
ZARI_EXTERN(const char *) zari_handoff_language(const zari_handoff *h); /**< "ka", "az", "en" */
/** Why: "requested" (the user asked for a person), "intent" (a matched intent
 *  has handoff: true) or "misses" (too many consecutive fallbacks). */
ZARI_EXTERN(const char *) zari_handoff_reason(const zari_handoff *h);
/** The intent that triggered the handoff, or NULL (reason "misses"). */
ZARI_EXTERN(const char *) zari_handoff_intent(const zari_handoff *h);
/** The recent transcript as a JSON array of {role: "user"|"bot"|"operator",
 *  text, ts}. */
ZARI_EXTERN(const char *) zari_handoff_transcript_json(const zari_handoff *h);
/** The whole handoff as one JSON object (session, channel, language, reason,
 *  intent, within_hours, ts, transcript). @param[out] out the JSON text;
 *  NULL on failure.
 *  Errors: ZARI_EINVAL (NULL out or h), ZARI_ENOMEM.
 *  Ownership: the caller owns *out (it outlives the callback); free it with
 *  zari_string_free.
 *  Thread-safety: during the callback, like the accessors above. */
ZARI_EXTERN(int) zari_handoff_to_json(char **out, const zari_handoff *h);

/* ------------------------------------------------------------------------ */
/* Memory                                                                   */
/* ------------------------------------------------------------------------ */

/** Frees a string returned through `char **out`. NULL is a no-op.
 *  Thread-safety: any thread (the string belongs to the caller). */
ZARI_EXTERN(void) zari_string_free(char *s);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* ZARI_ZARI_H_ */
