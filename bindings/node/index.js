'use strict';
// Zari for Node.js: Engine, Session, Reply and ZariError over the C API
// (bindings/c/include/zari/zari.h) with koffi. See docs/NODE.md.
//
// Lifetime rules kept here (the same as the Python binding):
//  - every C handle is destroyed exactly once; close() is idempotent, and a
//    close() made while a call is using the handle (from inside a handoff
//    callback) is carried out when that call returns;
//  - replies and handoffs are copied into plain JS objects at once;
//  - the koffi callbacks of an engine stay registered while C can call them:
//    a session keeps the engine's runtime alive in C after engine.close(),
//    so they are unregistered when the engine *and* all its sessions are
//    closed (or garbage-collected);
//  - an exception thrown by a host callback never reaches C: it is caught,
//    reported with process.emitWarning and kept in engine.callbackErrors.

const fs = require('fs');
const path = require('path');
let koffi;
try {
  koffi = require('koffi');
} catch (e) {
  e.message = `${e.message}
zari needs the npm package koffi: run scripts/setup-deps.sh ` +
              '(or npm install in bindings/node)';
  throw e;
}

const ABI_MAJOR = 0; // the libzari major this binding was written for

const Status = Object.freeze({
  OK: 0,
  EINVAL: -1,
  ENOMEM: -2,
  ENOTFOUND: -3,
  EPACK: -4,
  ESTATE: -5,
  EIO: -6,
  ELIMIT: -7,
  EINTERNAL: -8,
  EBUSY: -9,
});
const STATUS_NAMES = Object.fromEntries(Object.entries(Status).map(([k, v]) => [v, 'ZARI_' + k]));

const Action = Object.freeze({
  ANSWER: 'answer',
  CLARIFY: 'clarify',
  FALLBACK: 'fallback',
  HANDOFF: 'handoff',
  AFTER_HOURS: 'after_hours',
  RELAYED: 'relayed', // an operator holds the conversation: no text, candidates as suggestions
});

// zari_handoff_state, by value: where a conversation stands with operators.
const HandoffState = Object.freeze({
  NONE: 'none', // the bot answers
  WAITING: 'waiting', // handed off inside hours, no operator yet; the bot still answers
  JOINED: 'joined', // an operator holds it; the bot is silent
});
const HANDOFF_STATES = [HandoffState.NONE, HandoffState.WAITING, HandoffState.JOINED];

/** A failed Zari call: `status` (negative zari_status), `code` ("ZARI_EPACK"),
 *  `message` (zari_last_error(), e.g. "…/billing.yaml:12:5: unknown key …"). */
class ZariError extends Error {
  constructor(status, message) {
    super(message || STATUS_NAMES[status] || `zari status ${status}`);
    this.name = 'ZariError';
    this.status = status;
    this.code = STATUS_NAMES[status] || 'ZARI_UNKNOWN';
  }
}

/** ZARI_EBUSY: another operator holds the conversation (operatorJoin), or
 *  none does (operatorMessage, operatorLeave). */
class BusyError extends ZariError {
  constructor(message) {
    super(Status.EBUSY, message);
    this.name = 'BusyError';
  }
}

// ---------------------------------------------------------------------------
// Library lookup and declarations

function isSanitizerBuild(buildDir) {
  try {
    const cache = fs.readFileSync(path.join(buildDir, 'CMakeCache.txt'), 'utf8');
    const m = /^ZARI_SANITIZE:[A-Z]*=(.*)$/m.exec(cache);
    return Boolean(m && m[1].trim());
  } catch {
    return false;
  }
}

function libraryCandidates() {
  const env = process.env.ZARI_LIBRARY;
  if (env) {
    let p = env;
    try {
      if (fs.statSync(p).isDirectory()) p = path.join(p, 'libzari.so');
    } catch { /* reported by koffi.load */ }
    return { list: [p], explicit: true };
  }
  const root = path.resolve(__dirname, '..', '..');
  const found = [];
  let entries = [];
  try {
    entries = fs.readdirSync(root);
  } catch { /* not a source checkout */ }
  for (const name of entries) {
    if (!name.startsWith('build')) continue;
    const lib = path.join(root, name, 'lib', 'libzari.so');
    if (fs.existsSync(lib) && !isSanitizerBuild(path.join(root, name))) {
      found.push({ lib, first: name === 'build', mtime: fs.statSync(lib).mtimeMs });
    }
  }
  found.sort((a, b) => (b.first - a.first) || (b.mtime - a.mtime));
  return { list: [...found.map((f) => f.lib), `libzari.so.${ABI_MAJOR}`], explicit: false };
}

let native = null;

function declare(lib, libPath) {
  const T = {};
  T.engine = koffi.opaque('zari_engine');
  T.session = koffi.opaque('zari_session');
  T.reply = koffi.opaque('zari_reply');
  T.options = koffi.opaque('zari_options');
  T.handoff = koffi.opaque('zari_handoff');
  T.clockFn = koffi.proto('int64_t zari_clock_fn(void *user_data)');
  T.handoffFn = koffi.proto('void zari_handoff_fn(const zari_handoff *h, void *user_data)');

  const f = (proto) => lib.func(proto);
  const n = {
    path: libPath,
    T,
    version_number: f('int zari_version_number(void)'),
    version_string: f('const char *zari_version_string(void)'),
    status_str: f('const char *zari_status_str(int status)'),
    last_error: f('const char *zari_last_error(void)'),
    string_free: f('void zari_string_free(void *s)'),

    options_create: f('zari_options *zari_options_create(void)'),
    options_destroy: f('void zari_options_destroy(zari_options *opts)'),
    options_set_log_db: f('int zari_options_set_log_db(zari_options *opts, const char *sqlite_path)'),
    options_set_clock: f('int zari_options_set_clock(zari_options *opts, zari_clock_fn *fn, void *user_data)'),
    options_set_handoff: f('int zari_options_set_handoff(zari_options *opts, zari_handoff_fn *fn, void *user_data)'),
    options_set_limit: f('int zari_options_set_limit(zari_options *opts, int limit, int64_t value)'),

    engine_load: f('int zari_engine_load(_Out_ zari_engine **out, const char *pack_path, const zari_options *opts)'),
    engine_reload: f('int zari_engine_reload(zari_engine *engine, const char *pack_path)'),
    engine_destroy: f('void zari_engine_destroy(zari_engine *engine)'),
    engine_pack_name: f('const char *zari_engine_pack_name(const zari_engine *engine)'),
    engine_pack_version: f('const char *zari_engine_pack_version(const zari_engine *engine)'),
    engine_classify: f('int zari_engine_classify(_Out_ zari_reply **out, zari_engine *engine, ' +
                       'const uint8_t *text, size_t len, const char *language)'),

    reply_action_str: f('const char *zari_reply_action_str(const zari_reply *reply)'),
    reply_text: f('const char *zari_reply_text(const zari_reply *reply)'),
    reply_intent: f('const char *zari_reply_intent(const zari_reply *reply)'),
    reply_language: f('const char *zari_reply_language(const zari_reply *reply)'),
    reply_route: f('const char *zari_reply_route(const zari_reply *reply)'),
    reply_confidence: f('double zari_reply_confidence(const zari_reply *reply)'),
    reply_option_count: f('size_t zari_reply_option_count(const zari_reply *reply)'),
    reply_option_intent: f('const char *zari_reply_option_intent(const zari_reply *reply, size_t i)'),
    reply_option_label: f('const char *zari_reply_option_label(const zari_reply *reply, size_t i)'),
    reply_suggestion_count: f('size_t zari_reply_suggestion_count(const zari_reply *reply)'),
    reply_suggestion_intent: f('const char *zari_reply_suggestion_intent(const zari_reply *reply, size_t i)'),
    reply_suggestion_title: f('const char *zari_reply_suggestion_title(const zari_reply *reply, size_t i)'),
    reply_candidate_count: f('size_t zari_reply_candidate_count(const zari_reply *reply)'),
    reply_candidate_intent: f('const char *zari_reply_candidate_intent(const zari_reply *reply, size_t i)'),
    reply_candidate_score: f('double zari_reply_candidate_score(const zari_reply *reply, size_t i)'),
    reply_candidate_answer: f('const char *zari_reply_candidate_answer(const zari_reply *reply, size_t i)'),
    reply_destroy: f('void zari_reply_destroy(zari_reply *reply)'),

    session_create: f('int zari_session_create(_Out_ zari_session **out, zari_engine *engine, ' +
                      'const char *session_id, const char *channel)'),
    session_destroy: f('void zari_session_destroy(zari_session *session)'),
    session_id: f('const char *zari_session_id(const zari_session *session)'),
    session_channel: f('const char *zari_session_channel(const zari_session *session)'),
    session_set_language: f('int zari_session_set_language(zari_session *session, const char *language)'),
    session_respond: f('int zari_session_respond(_Out_ zari_reply **out, zari_session *session, ' +
                       'const uint8_t *text, size_t len)'),
    session_import: f('int zari_session_import(_Out_ zari_session **out, zari_engine *engine, const char *state)'),

    session_operator_join: f('int zari_session_operator_join(zari_session *session, const char *operator_id, ' +
                             'const char *operator_name)'),
    session_operator_message: f('int zari_session_operator_message(zari_session *session, const uint8_t *text, ' +
                                'size_t len)'),
    session_operator_leave: f('int zari_session_operator_leave(zari_session *session, int resolved)'),
    session_operator_active: f('int zari_session_operator_active(const zari_session *session)'),
    session_handoff_state: f('int zari_session_handoff_state(const zari_session *session)'),
    session_handoff_reason: f('const char *zari_session_handoff_reason(const zari_session *session)'),
    session_handoff_since: f('int64_t zari_session_handoff_since(const zari_session *session)'),
    session_operator_id: f('const char *zari_session_operator_id(const zari_session *session)'),
    session_operator_name: f('const char *zari_session_operator_name(const zari_session *session)'),

    handoff_session: f('const char *zari_handoff_session(const zari_handoff *h)'),
    handoff_channel: f('const char *zari_handoff_channel(const zari_handoff *h)'),
    handoff_language: f('const char *zari_handoff_language(const zari_handoff *h)'),
    handoff_reason: f('const char *zari_handoff_reason(const zari_handoff *h)'),
    handoff_intent: f('const char *zari_handoff_intent(const zari_handoff *h)'),
    handoff_transcript_json: f('const char *zari_handoff_transcript_json(const zari_handoff *h)'),
  };
  // Strings handed out through `char **out` are copied to JS and released
  // with zari_string_free (never free()) by a disposable type.
  T.ownedString = koffi.disposable('zari_owned_string', 'const char *', n.string_free);
  n.engine_stats_json = f('int zari_engine_stats_json(_Out_ zari_owned_string *out, const zari_engine *engine)');
  n.reply_to_json = f('int zari_reply_to_json(_Out_ zari_owned_string *out, const zari_reply *reply)');
  n.session_export = f('int zari_session_export(_Out_ zari_owned_string *out, const zari_session *session)');
  n.handoff_to_json = f('int zari_handoff_to_json(_Out_ zari_owned_string *out, const zari_handoff *h)');

  const number = n.version_number();
  if (Math.floor(number / 10000) !== ABI_MAJOR) {
    throw new Error(`${libPath} is Zari ${n.version_string()}; this binding needs major version ${ABI_MAJOR}`);
  }
  return n;
}

/** Loads libzari once: `libraryPath`, else $ZARI_LIBRARY, else the source
 *  tree's build directory, else the system's libzari.so.0. */
function loadLibrary(libraryPath) {
  if (native) {
    if (libraryPath && path.resolve(libraryPath) !== path.resolve(native.path)) {
      throw new Error(`libzari is already loaded from ${native.path}`);
    }
    return native;
  }
  const { list, explicit } = libraryPath ? { list: [libraryPath], explicit: true } : libraryCandidates();
  const errors = [];
  for (const candidate of list) {
    let lib;
    try {
      lib = koffi.load(candidate);
    } catch (e) {
      errors.push(`${candidate}: ${e.message}`);
      if (explicit) break;
      continue;
    }
    native = declare(lib, candidate);
    return native;
  }
  throw new Error('cannot load libzari (set ZARI_LIBRARY to the path of libzari.so, or build Zari ' +
                  'into build/); tried:\n  ' + errors.join('\n  '));
}

function lib() {
  return native || loadLibrary();
}

function fail(n, status) {
  return status === Status.EBUSY ? new BusyError(n.last_error()) : new ZariError(status, n.last_error());
}

// ---------------------------------------------------------------------------
// Arguments

function encodeText(text) {
  if (typeof text === 'string') return Buffer.from(text, 'utf8');
  if (Buffer.isBuffer(text)) return text;
  if (text instanceof Uint8Array) return Buffer.from(text.buffer, text.byteOffset, text.byteLength);
  throw new TypeError(`text must be a string or a Buffer, not ${text === null ? 'null' : typeof text}`);
}

function cString(value, what, status = Status.EINVAL) {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') throw new TypeError(`${what} must be a string`);
  if (value.includes('\0')) throw new ZariError(status, `${what} contains a NUL character`);
  return value;
}

// ---------------------------------------------------------------------------
// Handles

class Handle {
  constructor(ptr, destroy, what, onDestroyed) {
    this.ptr = ptr;
    this.destroy = destroy;
    this.what = what;
    this.active = 0;
    this.closing = false;
    this.onDestroyed = onDestroyed;
  }

  acquire() {
    if (this.closing) throw new ZariError(Status.EINVAL, `${this.what} is closed`);
    this.active++;
    return this.ptr;
  }

  tryAcquire() {
    if (this.closing) return false;
    this.active++;
    return true;
  }

  release() {
    this.active--;
    if (this.closing && this.active === 0 && this.ptr !== null) this.finish();
  }

  close() {
    if (this.closing) return;
    this.closing = true;
    if (this.active === 0) this.finish();
  }

  finish() {
    const ptr = this.ptr;
    this.ptr = null;
    live.delete(this);
    this.destroy(ptr);
    if (this.onDestroyed) this.onDestroyed();
  }
}

// Handles not yet destroyed. Node runs no finalizers at exit, so the 'exit'
// hook destroys what is left (sessions first), which also flushes the
// unresolved-query log of engines that were never closed.
const live = new Set();
let exitHook = false;

function track(handle) {
  live.add(handle);
  if (!exitHook) {
    exitHook = true;
    process.once('exit', () => {
      const all = [...live];
      for (const h of all) if (h.what === 'session') h.close();
      for (const h of all) h.close();
    });
  }
}

// Unreferenced engines and sessions are destroyed by the garbage collector
// (close() is still the way to release them promptly).
const finalizer = new FinalizationRegistry((handle) => handle.close());

// The host's callbacks for one engine, registered with koffi while the C
// runtime (the engine or any of its sessions) can call them.
class Callbacks {
  constructor(n, { onHandoff, clock }) {
    if (onHandoff !== undefined && onHandoff !== null && typeof onHandoff !== 'function') {
      throw new TypeError('onHandoff must be a function');
    }
    if (clock !== undefined && clock !== null && typeof clock !== 'function') {
      if (typeof clock !== 'number' || !Number.isFinite(clock)) {
        throw new TypeError('clock must be a function returning unix seconds, or a number');
      }
      const fixed = Math.trunc(clock);
      clock = () => fixed;
    }
    this.n = n;
    this.errors = [];
    this.users = 1; // the engine; each open session adds one
    this.registered = [];
    this.clockPtr = null;
    this.handoffPtr = null;
    if (clock) {
      this.clockPtr = koffi.register((_ud) => this.callClock(clock), koffi.pointer(n.T.clockFn));
      this.registered.push(this.clockPtr);
    }
    if (onHandoff) {
      this.handoffPtr = koffi.register((h, _ud) => this.callHandoff(onHandoff, h), koffi.pointer(n.T.handoffFn));
      this.registered.push(this.handoffPtr);
    }
  }

  failed(where, err) {
    this.errors.push(err);
    if (this.errors.length > 100) this.errors.shift();
    try {
      const msg = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      process.emitWarning(`zari: ${where} threw ${msg}`, { type: 'ZariCallbackWarning' });
    } catch { /* never unwind into C */ }
  }

  callClock(clock) {
    try {
      const v = clock();
      if (typeof v === 'bigint') return v;
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`clock returned ${v}, not unix seconds`);
      return BigInt(Math.trunc(v));
    } catch (e) {
      this.failed('clock', e);
      return BigInt(Math.floor(Date.now() / 1000)); // the system clock, as if none were set
    }
  }

  callHandoff(onHandoff, h) {
    try {
      onHandoff(Handoff.fromNative(this.n, h));
    } catch (e) {
      this.failed('onHandoff', e);
    }
  }

  retain() {
    this.users++;
  }

  release() {
    if (--this.users > 0) return;
    for (const p of this.registered) koffi.unregister(p);
    this.registered = [];
  }
}

// ---------------------------------------------------------------------------
// Values

/** One reply of the bot, copied out of the C reply. */
class Reply {
  constructor(fields, json) {
    Object.assign(this, fields);
    Object.defineProperty(this, '_json', { value: json });
    Object.defineProperty(this, '_parsed', { value: null, writable: true });
  }

  static fromNative(n, rp) {
    try {
      const out = [null];
      const rc = n.reply_to_json(out, rp);
      if (rc !== 0) throw fail(n, rc);
      const count = Number(n.reply_option_count(rp));
      const options = [];
      for (let i = 0; i < count; i++) {
        options.push({ intent: n.reply_option_intent(rp, i), label: n.reply_option_label(rp, i) });
      }
      const suggestions = [];
      const offered = Number(n.reply_suggestion_count(rp));
      for (let i = 0; i < offered; i++) {
        suggestions.push({ intent: n.reply_suggestion_intent(rp, i), title: n.reply_suggestion_title(rp, i) });
      }
      return new Reply({
        reply: n.reply_text(rp),
        action: n.reply_action_str(rp),
        intent: n.reply_intent(rp),
        language: n.reply_language(rp),
        route: n.reply_route(rp),
        confidence: n.reply_confidence(rp),
        options,
        suggestions,
      }, out[0]);
    } finally {
      n.reply_destroy(rp);
    }
  }

  get data() {
    if (!this._parsed) this._parsed = JSON.parse(this._json);
    return this._parsed;
  }

  /** The bot's text (same as `reply`). */
  get text() { return this.reply; }
  /** [{intent, score, via: 'rule'|'example'|'dtmf'}], best first; in a relayed reply each also has
   *  `answer`: what the bot would say, in the customer's language (null for an intent that hands off). */
  get candidates() { return structuredClone(this.data.candidates || []); }
  /** What matched (rule or example, with the span), or null. */
  get explanation() { return structuredClone(this.data.explanation ?? null); }
  /** Captured slots {name: value}. */
  get slots() { return structuredClone(this.data.slots || {}); }
  /** The reply JSON of zari_reply_to_json as a new object (JSON.stringify uses it). */
  toJSON() { return JSON.parse(this._json); }
}

/** A conversation handed to an operator, passed to onHandoff; copied out of C. */
class Handoff {
  static fromNative(n, h) {
    const out = [null];
    const rc = n.handoff_to_json(out, h);
    const json = rc === 0 ? out[0] : null;
    const self = new Handoff();
    self.session = n.handoff_session(h);
    self.channel = n.handoff_channel(h);
    self.language = n.handoff_language(h);
    self.reason = n.handoff_reason(h);
    self.intent = n.handoff_intent(h);
    self.transcript = JSON.parse(n.handoff_transcript_json(h) || '[]');
    const data = json ? JSON.parse(json) : {};
    self.ts = data.ts ?? null;
    Object.defineProperty(self, '_json', { value: json || JSON.stringify({ ...self }) });
    return self;
  }

  toJSON() { return JSON.parse(this._json); }
}

// ---------------------------------------------------------------------------
// Engine and Session

/** A loaded intent pack (zari_engine). */
class Engine {
  /**
   * @param {string} packPath a pack directory (with pack.yaml) or one YAML file
   * @param {{logDb?: string, onHandoff?: Function, clock?: Function|number}} [options]
   */
  constructor(packPath, options = {}) {
    const n = lib();
    cString(packPath, 'packPath');
    if (typeof packPath !== 'string') throw new TypeError('packPath must be a string');
    const { logDb, onHandoff, clock, onLog } = options || {};
    if (onLog !== undefined) {
      throw new TypeError('onLog is not available in Node (see docs/NODE.md); read engine.stats().log');
    }
    cString(logDb, 'logDb');
    const callbacks = new Callbacks(n, { onHandoff, clock });
    const opts = n.options_create();
    let ok = false;
    try {
      if (!opts) throw new ZariError(Status.ENOMEM, 'zari_options_create: out of memory');
      if (logDb !== undefined && logDb !== null) {
        const rc = n.options_set_log_db(opts, logDb);
        if (rc !== 0) throw fail(n, rc);
      }
      if (callbacks.clockPtr) n.options_set_clock(opts, callbacks.clockPtr, null);
      for (const [name, value] of Object.entries((options && options.limits) || {})) {
        const which = LIMITS[name];
        if (which === undefined) {
          throw new ZariError(Status.EINVAL, `unknown limit '${name}' (expected one of ${Object.keys(LIMITS).join(', ')})`);
        }
        const rc = n.options_set_limit(opts, which, value);
        if (rc !== 0) throw fail(n, rc);
      }
      if (callbacks.handoffPtr) n.options_set_handoff(opts, callbacks.handoffPtr, null);
      const out = [null];
      const rc = n.engine_load(out, packPath, opts);
      if (rc !== 0) throw fail(n, rc);
      this._n = n;
      this._callbacks = callbacks;
      this._handle = new Handle(out[0], n.engine_destroy, 'engine', () => callbacks.release());
      track(this._handle);
      finalizer.register(this, this._handle, this._handle);
      ok = true;
    } finally {
      if (opts) n.options_destroy(opts);
      if (!ok) callbacks.release();
    }
  }

  /** Releases the engine and flushes the log; idempotent. Open sessions keep working. */
  close() {
    finalizer.unregister(this._handle);
    this._handle.close();
  }

  get closed() { return this._handle.closing; }

  /** Classifies one message without conversation state. language: 'ka'|'az'|'en'|null. */
  classify(text, language = null) {
    const n = this._n;
    const buf = encodeText(text);
    const lang = cString(language, 'language');
    const out = [null];
    const h = this._handle;
    const ptr = h.acquire();
    try {
      const rc = n.engine_classify(out, ptr, buf, buf.length, lang);
      if (rc !== 0) throw fail(n, rc);
    } finally {
      h.release();
    }
    return Reply.fromNative(n, out[0]);
  }

  /** Starts a conversation. */
  session(sessionId = '', channel = 'web') {
    const n = this._n;
    cString(sessionId, 'sessionId');
    cString(channel, 'channel');
    const out = [null];
    const h = this._handle;
    const ptr = h.acquire();
    try {
      const rc = n.session_create(out, ptr, sessionId, channel);
      if (rc !== 0) throw fail(n, rc);
    } finally {
      h.release();
    }
    return new Session(this, out[0], sessionId || '', channel || 'web');
  }

  /** Continues a conversation from session.export(); throws ZariError ZARI_ESTATE when invalid. */
  restore(state) {
    const n = this._n;
    if (typeof state !== 'string') throw new TypeError('state must be a string');
    cString(state, 'session state', Status.ESTATE);
    const out = [null];
    const h = this._handle;
    const ptr = h.acquire();
    try {
      const rc = n.session_import(out, ptr, state);
      if (rc !== 0) throw fail(n, rc);
    } finally {
      h.release();
    }
    return new Session(this, out[0], n.session_id(out[0]), n.session_channel(out[0]));
  }

  /** Loads the pack again (from packPath, or where it came from) and swaps it in. */
  reload(packPath = null) {
    const n = this._n;
    cString(packPath, 'packPath');
    const h = this._handle;
    const ptr = h.acquire();
    try {
      const rc = n.engine_reload(ptr, packPath);
      if (rc !== 0) throw fail(n, rc);
    } finally {
      h.release();
    }
  }

  /** Engine statistics: pack, intents, languages, log counters. */
  stats() {
    const n = this._n;
    const out = [null];
    const h = this._handle;
    const ptr = h.acquire();
    try {
      const rc = n.engine_stats_json(out, ptr);
      if (rc !== 0) throw fail(n, rc);
    } finally {
      h.release();
    }
    return JSON.parse(out[0]);
  }

  _meta(fn) {
    const h = this._handle;
    const ptr = h.acquire();
    try {
      return fn(ptr) || '';
    } finally {
      h.release();
    }
  }

  /** `name:` of the loaded pack. */
  get packName() { return this._meta(this._n.engine_pack_name); }
  /** `version:` of the loaded pack ('' when absent). */
  get packVersion() { return this._meta(this._n.engine_pack_version); }
  /** The last (up to 100) errors thrown by this engine's callbacks. */
  get callbackErrors() { return this._callbacks.errors.slice(); }
}

/** Names accepted in `options.limits` (zari.h zari_limit). */
const LIMITS = Object.freeze({
  packFileBytes: 1, packBytes: 2, packFiles: 3, yamlNodes: 4, intents: 5,
  textBytes: 6, re2Memory: 7, messageCodePoints: 8,
});

/** One conversation (zari_session). Create with engine.session() or engine.restore(). */
class Session {
  constructor(engine, ptr, sessionId, channel) {
    if (!(engine instanceof Engine)) throw new TypeError('sessions are created by engine.session() or engine.restore()');
    const n = engine._n;
    const callbacks = engine._callbacks;
    callbacks.retain();
    this._n = n;
    this._engineHandle = engine._handle;
    this._handle = new Handle(ptr, n.session_destroy, 'session', () => callbacks.release());
    track(this._handle);
    this.sessionId = sessionId;
    this.channel = channel;
    finalizer.register(this, this._handle, this._handle);
  }

  /** Ends the conversation; idempotent. */
  close() {
    finalizer.unregister(this._handle);
    this._handle.close();
  }

  get closed() { return this._handle.closing; }

  /** Answers one user message (may call onHandoff first). */
  respond(text) {
    const n = this._n;
    const buf = encodeText(text);
    const out = [null];
    const h = this._handle;
    const ptr = h.acquire();
    // zari.h forbids destroying the engine from inside its handoff callback:
    // holding the engine handle defers an engine.close() made there.
    const pinned = this._engineHandle.tryAcquire();
    try {
      const rc = n.session_respond(out, ptr, buf, buf.length);
      if (rc !== 0) throw fail(n, rc);
    } finally {
      if (pinned) this._engineHandle.release();
      h.release();
    }
    return Reply.fromNative(n, out[0]);
  }

  /** The session's state as a string for engine.restore(). */
  export() {
    const n = this._n;
    const out = [null];
    const h = this._handle;
    const ptr = h.acquire();
    try {
      const rc = n.session_export(out, ptr);
      if (rc !== 0) throw fail(n, rc);
    } finally {
      h.release();
    }
    return out[0];
  }

  /** Forces 'ka', 'az' or 'en'; null returns to detection. */
  setLanguage(language) {
    const n = this._n;
    const lang = cString(language, 'language');
    const h = this._handle;
    const ptr = h.acquire();
    try {
      const rc = n.session_set_language(ptr, lang);
      if (rc !== 0) throw fail(n, rc);
    } finally {
      h.release();
    }
  }

  // fn(session, ...args) on the C session handle.
  _read(fn, ...args) {
    const h = this._handle;
    const ptr = h.acquire();
    try {
      return fn(ptr, ...args);
    } finally {
      h.release();
    }
  }

  // _read for a function returning a zari_status: throws on failure.
  _call(fn, ...args) {
    const rc = this._read(fn, ...args);
    if (rc < 0) throw fail(this._n, rc);
  }

  // A person takes the conversation over (docs/C_API.md, A person takes over).

  /** An operator takes the conversation over (waiting or not): from now on respond() relays the
   *  customer's messages (Action.RELAYED, no text, candidates with the bot's answers). The same id
   *  again only updates the name; another operator's gets a BusyError. */
  operatorJoin(operatorId, operatorName = null) {
    if (typeof operatorId !== 'string') throw new TypeError('operatorId must be a string');
    cString(operatorId, 'operatorId');
    cString(operatorName, 'operatorName');
    this._call(this._n.session_operator_join, operatorId, operatorName);
  }

  /** Records what the operator wrote to the customer (the host delivers it). BusyError without an operator. */
  operatorMessage(text) {
    const buf = encodeText(text);
    this._call(this._n.session_operator_message, buf, buf.length);
  }

  /** The operator hands the conversation back to the bot; the takeover is logged. BusyError without an operator. */
  operatorLeave(resolved) {
    this._call(this._n.session_operator_leave, resolved ? 1 : 0);
  }

  /** True while an operator holds the conversation. */
  get operatorActive() { return this._read(this._n.session_operator_active) === 1; }
  /** HandoffState.NONE, WAITING or JOINED. */
  get handoffState() { return HANDOFF_STATES[this._read(this._n.session_handoff_state)]; }
  /** Why it waits ('requested', 'intent', 'misses'; kept while joined), or null. */
  get handoffReason() { return this._read(this._n.session_handoff_reason) || null; }
  /** Unix seconds the state began (the handoff while waiting, the joining while joined), or null. */
  get handoffSince() { return Number(this._read(this._n.session_handoff_since)) || null; }
  /** Id of the operator holding the conversation, or null. */
  get operatorId() { return this._read(this._n.session_operator_id); }
  /** Name of the operator holding the conversation ('' when none was given), or null. */
  get operatorName() { return this._read(this._n.session_operator_name); }
}

if (typeof Symbol.dispose === 'symbol') {
  Engine.prototype[Symbol.dispose] = Engine.prototype.close;
  Session.prototype[Symbol.dispose] = Session.prototype.close;
}

module.exports = {
  Engine,
  Session,
  Reply,
  Handoff,
  ZariError,
  BusyError,
  Status,
  Action,
  HandoffState,
  loadLibrary: (p) => loadLibrary(p).path,
  libraryPath: () => (native ? native.path : null),
  libraryVersion: () => lib().version_string(),
  libraryVersionNumber: () => lib().version_number(),
  statusString: (status) => lib().status_str(status),
};
