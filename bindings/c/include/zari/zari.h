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
 *    action is ZARI_ACTION_FALLBACK.
 *  - Outputs come first, as `T **out`, and are owned by the caller, who
 *    releases them with the matching destroy/free function. On failure
 *    `*out` is set to NULL (when `out` itself is not NULL).
 *  - A returned `const char *` is borrowed from its handle and stays valid
 *    until that handle is destroyed.
 *  - Strings are UTF-8. User text is passed as (pointer, length), may hold
 *    any bytes (invalid UTF-8 is replaced, NULs are treated as spaces) and
 *    is never required to be NUL-terminated. Paths and names are
 *    NUL-terminated.
 *  - Strings returned through `char **out` are freed with zari_string_free(),
 *    never with free().
 *  - No C++ exception ever crosses this API; out-of-memory is ZARI_ENOMEM.
 *  - Callbacks take `void *user_data` last and run on the thread that made
 *    the call that triggered them.
 *
 * Thread safety:
 *   A zari_engine may be used by any number of threads at once (classify,
 *   session_create, reload). A zari_session must be used by one thread at
 *   a time; different sessions may be used concurrently. zari_options and
 *   zari_reply belong to their creator. zari_last_error() is per thread.
 *   The unresolved-query log is written by one background thread owned by
 *   the engine; callers need no locking.
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
  ZARI_EINTERNAL = -8    /**< a bug in Zari; the message says where */
} zari_status;

/** Runtime version as ZARI_VERSION_MAJOR*10000 + MINOR*100 + PATCH, so a
 *  program can check `zari_version_number() == ZARI_VERSION_NUMBER`. */
ZARI_EXTERN(int) zari_version_number(void);

/** Runtime version as "MAJOR.MINOR.PATCH". Static storage, never NULL. */
ZARI_EXTERN(const char *) zari_version_string(void);

/** A short English description of a status code ("pack invalid", …).
 *  Static storage, never NULL, also for unknown codes. */
ZARI_EXTERN(const char *) zari_status_str(int status);

/** Details of the last failed call on this thread, e.g.
 *  "intents/telecom/billing.yaml:12:5: unknown key 'anwser' in intent 'balance'".
 *  Never NULL (empty when no call has failed). Valid until the next failing
 *  call on the same thread. */
ZARI_EXTERN(const char *) zari_last_error(void);

/* ------------------------------------------------------------------------ */
/* Options                                                                  */
/* ------------------------------------------------------------------------ */

/** Options for zari_engine_load. */
typedef struct zari_options zari_options;

/** Clock returning the current time as unix seconds (UTC). Used for business
 *  hours and log timestamps; tests fix it. Must be thread-safe. */
typedef int64_t (*zari_clock_fn)(void *user_data);

/** A conversation handed to a human operator; see the zari_handoff_*
 *  accessors below. */
typedef struct zari_handoff zari_handoff;

/** Called once per handoff, inside business hours, on the thread that called
 *  zari_session_respond. `h` is borrowed and valid only during the call. The
 *  callback should return quickly (queue the work); it may call other zari_*
 *  functions except destroying the engine or the session that triggered it. */
typedef void (*zari_handoff_fn)(const zari_handoff *h, void *user_data);

/** Severity of a message passed to a zari_log_fn. */
typedef enum zari_log_level {
  ZARI_LOG_INFO = 0,
  ZARI_LOG_WARNING = 1,
  ZARI_LOG_ERROR = 2
} zari_log_level;

/** Receives operational messages (log database retries, dropped rows, …).
 *  May be called from Zari's background thread; must be thread-safe. */
typedef void (*zari_log_fn)(int level, const char *message, void *user_data);

/** Creates default options (no log database, system clock, no callbacks).
 *  Returns NULL only when out of memory. Free with zari_options_destroy. */
ZARI_EXTERN(zari_options *) zari_options_create(void);

/** Frees options. NULL is a no-op. An engine keeps its own copy, so options
 *  may be destroyed right after zari_engine_load. */
ZARI_EXTERN(void) zari_options_destroy(zari_options *opts);

/** Log unresolved questions and handoffs to the SQLite database at
 *  `sqlite_path` (created if missing). NULL or "" disables the log.
 *  Errors: ZARI_EINVAL if opts is NULL. The file is opened by zari_engine_load. */
ZARI_EXTERN(int) zari_options_set_log_db(zari_options *opts, const char *sqlite_path);

/** Use `fn` instead of the system clock (NULL restores the system clock). */
ZARI_EXTERN(int) zari_options_set_clock(zari_options *opts, zari_clock_fn fn, void *user_data);

/** Call `fn` when a conversation is handed to an operator (NULL: no callback). */
ZARI_EXTERN(int) zari_options_set_handoff(zari_options *opts, zari_handoff_fn fn,
                                          void *user_data);

/** Receive operational messages (NULL: they go nowhere, counters still count). */
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

/** Sets one limit (value > 0). Errors: ZARI_EINVAL for NULL opts, an unknown
 *  limit or a value out of range. */
ZARI_EXTERN(int) zari_options_set_limit(zari_options *opts, int limit, int64_t value);

/* ------------------------------------------------------------------------ */
/* Engine                                                                   */
/* ------------------------------------------------------------------------ */

/** A loaded, compiled intent pack. Immutable and shareable across threads. */
typedef struct zari_engine zari_engine;

/** Loads the pack at `pack_path` (a directory with pack.yaml, or one YAML
 *  file) and compiles it.
 *  @param[out] out  the engine; free with zari_engine_destroy.
 *  @param opts      options, or NULL for defaults; copied.
 *  Errors: ZARI_EINVAL (NULL out or path), ZARI_ENOTFOUND (no such path),
 *  ZARI_EPACK (invalid pack: zari_last_error() names file:line:col and the
 *  problem), ZARI_ELIMIT, ZARI_EIO (log database cannot be opened).
 *  Thread-safety: any thread. */
ZARI_EXTERN(int) zari_engine_load(zari_engine **out, const char *pack_path,
                                  const zari_options *opts);

/** Loads and compiles the pack at `pack_path` (NULL: the path it was loaded
 *  from) and swaps it in atomically. Calls already running finish on the old
 *  pack; sessions continue on the new one. On any error the old pack keeps
 *  serving and the error is returned as for zari_engine_load.
 *  Thread-safety: may run while other threads use the engine. */
ZARI_EXTERN(int) zari_engine_reload(zari_engine *engine, const char *pack_path);

/** Releases the engine handle and flushes the unresolved-query log to disk
 *  (waits for the background writer). From the start of this call the log
 *  callback is no longer called (so a callback that needs the calling thread
 *  cannot deadlock it). Sessions still alive keep the compiled pack alive and
 *  keep working; their log rows are written when the last of them is
 *  destroyed. NULL is a no-op. Must not be called twice. */
ZARI_EXTERN(void) zari_engine_destroy(zari_engine *engine);

/** Name of the pack currently loaded (`name:` in pack.yaml; after a reload,
 *  the new pack's). Borrowed, valid until the engine is destroyed, also
 *  across reloads on other threads. */
ZARI_EXTERN(const char *) zari_engine_pack_name(const zari_engine *engine);

/** Version of the pack currently loaded (`version:` in pack.yaml, "" when
 *  absent). Borrowed, valid until the engine is destroyed. */
ZARI_EXTERN(const char *) zari_engine_pack_version(const zari_engine *engine);

/** Statistics of the engine as a JSON object: intents, languages, log
 *  counters (queued, written, dropped, failed writes, last log error).
 *  @param[out] out free with zari_string_free. */
ZARI_EXTERN(int) zari_engine_stats_json(char **out, const zari_engine *engine);

/* ------------------------------------------------------------------------ */
/* Replies                                                                  */
/* ------------------------------------------------------------------------ */

/** One reply of the bot. Owned by the caller; free with zari_reply_destroy. */
typedef struct zari_reply zari_reply;

/** What the bot decided to do. */
typedef enum zari_action {
  ZARI_ACTION_ANSWER = 1,      /**< an intent matched; the reply is its answer */
  ZARI_ACTION_CLARIFY = 2,     /**< unsure: the reply asks "did you mean …" with options */
  ZARI_ACTION_FALLBACK = 3,    /**< not understood; the question is logged */
  ZARI_ACTION_HANDOFF = 4,     /**< handed to an operator (callback called) */
  ZARI_ACTION_AFTER_HOURS = 5  /**< handoff wanted but operators are offline */
} zari_action;

/** Classifies one message without conversation state (no handoff, no
 *  stickiness, nothing logged). `language` is "ka", "az", "en" or NULL to
 *  detect it.
 *  @param[out] out the reply; free with zari_reply_destroy.
 *  Errors: ZARI_EINVAL (NULL engine/out, or text NULL with len > 0, or an
 *  unknown language code). Thread-safety: any thread. */
ZARI_EXTERN(int) zari_engine_classify(zari_reply **out, zari_engine *engine, const char *text,
                                      size_t len, const char *language);

/** The action (a zari_action value), or ZARI_EINVAL for NULL. */
ZARI_EXTERN(int) zari_reply_action(const zari_reply *reply);

/** The action as a word: "answer", "clarify", "fallback", "handoff",
 *  "after_hours". Never NULL ("" for NULL reply). */
ZARI_EXTERN(const char *) zari_reply_action_str(const zari_reply *reply);

/** The bot's text in the reply's language. Never NULL. */
ZARI_EXTERN(const char *) zari_reply_text(const zari_reply *reply);

/** Id of the decided intent, or NULL when none (clarify, fallback). */
ZARI_EXTERN(const char *) zari_reply_intent(const zari_reply *reply);

/** Language of the reply: "ka", "az" or "en". Never NULL. */
ZARI_EXTERN(const char *) zari_reply_language(const zari_reply *reply);

/** Routing key (IVR queue) of the decided intent, or NULL when none. */
ZARI_EXTERN(const char *) zari_reply_route(const zari_reply *reply);

/** Confidence of the best candidate, 0..1 (1 for rule and DTMF matches). */
ZARI_EXTERN(double) zari_reply_confidence(const zari_reply *reply);

/** Number of clarify options (0 unless the action is ZARI_ACTION_CLARIFY). */
ZARI_EXTERN(size_t) zari_reply_option_count(const zari_reply *reply);

/** Intent id of option `i`, or NULL when out of range. */
ZARI_EXTERN(const char *) zari_reply_option_intent(const zari_reply *reply, size_t i);

/** Quick-reply label of option `i` in the reply's language, or NULL. */
ZARI_EXTERN(const char *) zari_reply_option_label(const zari_reply *reply, size_t i);

/** Number of follow-up questions suggested with an answer: the answered
 *  intent's `suggest:` list in the pack (at most 5). 0 unless the action is
 *  ZARI_ACTION_ANSWER, and 0 for NULL. Thread-safety: like every reply
 *  accessor, any thread, as long as the reply is not destroyed meanwhile. */
ZARI_EXTERN(size_t) zari_reply_suggestion_count(const zari_reply *reply);

/** Intent id of suggestion `i`, or NULL when out of range or `reply` is NULL.
 *  Borrowed: valid until the reply is destroyed. */
ZARI_EXTERN(const char *) zari_reply_suggestion_intent(const zari_reply *reply, size_t i);

/** Title of suggestion `i` in the reply's language (the intent's `title:`,
 *  else its first example in that language, else its id), to show as a
 *  button. Sending that title as the next message of the same session asks
 *  that intent. NULL when out of range or `reply` is NULL. Borrowed: valid
 *  until the reply is destroyed. */
ZARI_EXTERN(const char *) zari_reply_suggestion_title(const zari_reply *reply, size_t i);

/** The whole reply as one JSON object: reply, action, intent, confidence,
 *  language, route, slots, options, suggestions [{intent, title}],
 *  candidates [{intent, score, via}], explanation.
 *  @param[out] out free with zari_string_free. */
ZARI_EXTERN(int) zari_reply_to_json(char **out, const zari_reply *reply);

/** Frees a reply. NULL is a no-op. */
ZARI_EXTERN(void) zari_reply_destroy(zari_reply *reply);

/* ------------------------------------------------------------------------ */
/* Sessions                                                                 */
/* ------------------------------------------------------------------------ */

/** One conversation: sticky language, consecutive misses, pending clarify
 *  options, recent transcript. Keeps its engine alive. */
typedef struct zari_session zari_session;

/** Starts a conversation.
 *  @param[out] out     the session; free with zari_session_destroy.
 *  @param session_id   the host's id for the conversation (copied; NULL → "").
 *  @param channel      "web", "ivr", "api", … (copied; NULL → "web").
 *  Errors: ZARI_EINVAL. Thread-safety: any thread. */
ZARI_EXTERN(int) zari_session_create(zari_session **out, zari_engine *engine,
                                     const char *session_id, const char *channel);

/** Ends a conversation. NULL is a no-op. */
ZARI_EXTERN(void) zari_session_destroy(zari_session *session);

/** The session id given at creation (or restored by zari_session_import).
 *  Borrowed, valid until the session is destroyed; "" for NULL. */
ZARI_EXTERN(const char *) zari_session_id(const zari_session *session);

/** The session's channel ("web", "ivr", …). Borrowed, valid until the
 *  session is destroyed; "" for NULL. */
ZARI_EXTERN(const char *) zari_session_channel(const zari_session *session);

/** Forces the session's language ("ka", "az", "en"); NULL returns to
 *  detection. Errors: ZARI_EINVAL for an unknown code or one the pack lacks. */
ZARI_EXTERN(int) zari_session_set_language(zari_session *session, const char *language);

/** Answers one user message: matching, clarify choices, escalation, business
 *  hours, logging. May call the handoff callback before returning.
 *  @param[out] out the reply; free with zari_reply_destroy.
 *  Errors: ZARI_EINVAL. Thread-safety: one thread per session at a time. */
ZARI_EXTERN(int) zari_session_respond(zari_reply **out, zari_session *session, const char *text,
                                      size_t len);

/** Serializes the session's state into a compact, versioned string so a
 *  stateless back end can continue the conversation later.
 *  @param[out] out free with zari_string_free. */
ZARI_EXTERN(int) zari_session_export(char **out, const zari_session *session);

/** Restores a session exported with zari_session_export.
 *  @param[out] out the session; free with zari_session_destroy.
 *  Errors: ZARI_EINVAL (NULL arguments), ZARI_ESTATE (corrupt string, another
 *  format version, or another pack name/version). */
ZARI_EXTERN(int) zari_session_import(zari_session **out, zari_engine *engine, const char *state);

/* ------------------------------------------------------------------------ */
/* Handoffs                                                                 */
/* ------------------------------------------------------------------------ */
/* All strings are borrowed from the handoff and valid during the callback. */

ZARI_EXTERN(const char *) zari_handoff_session(const zari_handoff *h);  /**< session id */
ZARI_EXTERN(const char *) zari_handoff_channel(const zari_handoff *h);  /**< "web", "ivr", … */
ZARI_EXTERN(const char *) zari_handoff_language(const zari_handoff *h); /**< "ka", "az", "en" */
/** Why: "requested" (the user asked for a person), "intent" (a matched intent
 *  has handoff: true) or "misses" (too many consecutive fallbacks). */
ZARI_EXTERN(const char *) zari_handoff_reason(const zari_handoff *h);
/** The intent that triggered the handoff, or NULL (reason "misses"). */
ZARI_EXTERN(const char *) zari_handoff_intent(const zari_handoff *h);
/** The recent transcript as a JSON array of {role: "user"|"bot", text, ts}. */
ZARI_EXTERN(const char *) zari_handoff_transcript_json(const zari_handoff *h);
/** The whole handoff as one JSON object (session, channel, language, reason,
 *  intent, ts, transcript). @param[out] out free with zari_string_free. */
ZARI_EXTERN(int) zari_handoff_to_json(char **out, const zari_handoff *h);

/* ------------------------------------------------------------------------ */
/* Memory                                                                   */
/* ------------------------------------------------------------------------ */

/** Frees a string returned through `char **out`. NULL is a no-op. */
ZARI_EXTERN(void) zari_string_free(char *s);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* ZARI_ZARI_H_ */
