"""Engine, Session, Reply and Handoff over the C API (see zari.h).

Lifetime rules this module keeps:

* Every C handle lives in a ``_Handle`` that destroys it exactly once.
  ``close()`` is idempotent and may race with calls on other threads: a
  handle closed while calls are in flight is destroyed by the last of them
  (so closing an engine from inside its own handoff callback is safe too).
* Replies and handoffs are copied into plain Python objects at once; nothing
  borrowed from C outlives the call that produced it.
* The ctypes callback objects (CFUNCTYPE) of an engine live in a
  ``_Callbacks`` holder referenced by the engine *and* by each of its
  sessions: in C a session keeps the engine's runtime (and with it the
  callbacks) alive after ``zari_engine_destroy``, so the Python side must too.
* An exception raised by a host callback never unwinds into C: it is caught,
  reported with ``warnings.warn(CallbackWarning)`` and kept in
  ``Engine.callback_errors``.
* At interpreter exit every engine and session still open is closed
  (sessions first), so the unresolved-query log is flushed while Python can
  still run the log callback.
"""

import atexit
import collections
import ctypes
import enum
import json
import os
import threading
import time
import warnings
import weakref

from . import _native
from ._errors import ClosedError, InvalidArgumentError, OutOfMemoryError, StateError, Status, error_for


class Action(str, enum.Enum):
    """What the bot decided (zari_action). Compares equal to its word."""

    ANSWER = "answer"
    CLARIFY = "clarify"
    FALLBACK = "fallback"
    HANDOFF = "handoff"
    AFTER_HOURS = "after_hours"
    RELAYED = "relayed"  # an operator holds the conversation: no text, candidates as suggestions

    def __str__(self):
        return self.value


class HandoffState(str, enum.Enum):
    """Where a conversation stands with operators (zari_handoff_state).
    Compares equal to its word."""

    NONE = "none"        # the bot answers
    WAITING = "waiting"  # handed off inside hours, no operator yet; the bot still answers
    JOINED = "joined"    # an operator holds it; the bot is silent

    def __str__(self):
        return self.value


# zari_handoff_state values, in order.
_HANDOFF_STATES = (HandoffState.NONE, HandoffState.WAITING, HandoffState.JOINED)


class LogLevel(enum.IntEnum):
    """Severity passed to ``on_log`` (zari_log_level)."""

    INFO = 0
    WARNING = 1
    ERROR = 2


class CallbackWarning(RuntimeWarning):
    """A host callback (on_handoff, clock, on_log) raised; Zari carried on."""


def _raise(L, rc):
    raise error_for(rc, _native.text(L.zari_last_error()))


def _encode_text(text):
    if isinstance(text, str):
        # Lone surrogates become bytes Zari treats as invalid UTF-8 (replaced).
        return text.encode("utf-8", "surrogatepass")
    if isinstance(text, (bytes, bytearray, memoryview)):
        return bytes(text)
    raise TypeError("text must be str or bytes, not %s" % type(text).__name__)


def _encode_name(value, what, error=InvalidArgumentError, status=Status.EINVAL):
    """NUL-terminated argument (path, id, language, state): str, bytes or PathLike."""
    if value is None:
        return None
    if isinstance(value, str):
        data = value.encode("utf-8")
    elif isinstance(value, (bytes, bytearray)):
        data = bytes(value)
    else:
        data = os.fsencode(os.fspath(value))
    if b"\0" in data:
        raise error(status, "%s contains a NUL byte" % what)
    return data


def _encode_path(value, what):
    if value is None:
        return None
    if isinstance(value, (str, bytes, os.PathLike)):
        return _encode_name(os.fsencode(os.fspath(value)), what)
    raise TypeError("%s must be a path (str, bytes or os.PathLike), not %s" % (what, type(value).__name__))


class _Handle:
    """One C handle, destroyed exactly once, never while a call is using it."""

    __slots__ = ("_ptr", "_destroy", "_lock", "_active", "_closing", "_what")

    def __init__(self, ptr, destroy, what):
        self._ptr = ptr
        self._destroy = destroy
        self._lock = threading.Lock()
        self._active = 0
        self._closing = False
        self._what = what

    def acquire(self):
        with self._lock:
            if self._closing:
                raise ClosedError(Status.EINVAL, "%s is closed" % self._what)
            self._active += 1
            return self._ptr

    def try_acquire(self):
        with self._lock:
            if self._closing:
                return None
            self._active += 1
            return self._ptr

    def release(self):
        with self._lock:
            self._active -= 1
            if not (self._closing and self._active == 0 and self._ptr is not None):
                return
            ptr, self._ptr = self._ptr, None
        self._destroy(ptr)

    def close(self):
        with self._lock:
            if self._closing:
                return
            self._closing = True
            if self._active:
                return  # the last call in flight destroys it
            ptr, self._ptr = self._ptr, None
        if ptr is not None:
            self._destroy(ptr)

    @property
    def closed(self):
        return self._closing


class _Callbacks:
    """The host's callables and their ctypes trampolines (kept alive here)."""

    def __init__(self, on_handoff, clock, on_log):
        if clock is not None and not callable(clock):
            if isinstance(clock, bool) or not isinstance(clock, (int, float)):
                raise TypeError("clock must be a callable returning unix seconds, or a number")
            fixed = int(clock)
            clock = lambda: fixed  # noqa: E731 - a fixed instant, for tests and replays
        for name, fn in (("on_handoff", on_handoff), ("on_log", on_log)):
            if fn is not None and not callable(fn):
                raise TypeError("%s must be callable" % name)
        self.on_handoff = on_handoff
        self.clock = clock
        self.on_log = on_log
        self.errors = collections.deque(maxlen=100)
        self._lib = _native.lib()
        # The trampolines (CFUNCTYPE objects); C holds their addresses.
        self.handoff_fn = _native.HANDOFF_FN(self._handoff) if on_handoff else None
        self.clock_fn = _native.CLOCK_FN(self._clock) if clock else None
        self.log_fn = _native.LOG_FN(self._log) if on_log else None

    def _failed(self, where, exc):
        self.errors.append(exc)
        try:
            warnings.warn(CallbackWarning("zari: %s raised %s: %s" % (where, type(exc).__name__, exc)),
                          stacklevel=2)
        except BaseException:  # e.g. warnings turned into errors: never unwind into C
            pass

    def _handoff(self, h, _user_data):
        try:
            self.on_handoff(Handoff._from_c(self._lib, h))
        except BaseException as e:
            self._failed("on_handoff", e)

    def _clock(self, _user_data):
        try:
            value = self.clock()
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise TypeError("clock returned %r, not unix seconds" % (value,))
            return int(value)
        except BaseException as e:
            self._failed("clock", e)
            return int(time.time())  # the system clock, as if none were set

    def _log(self, level, message, _user_data):
        try:
            try:
                level = LogLevel(level)
            except ValueError:
                pass
            self.on_log(level, _native.text(message) or "")
        except BaseException as e:
            self._failed("on_log", e)


# Engines and sessions still open, closed at interpreter exit.
_live = weakref.WeakSet()


@atexit.register
def _close_all():
    objs = list(_live)
    for o in objs:
        if isinstance(o, Session):
            o.close()
    for o in objs:
        o.close()


class Reply:
    """One reply of the bot, copied out of the C reply (nothing dangles).

    ``reply``/``text`` the bot's text · ``action`` an :class:`Action` ·
    ``intent`` id or None · ``language`` "ka"/"az"/"en" · ``route`` or None ·
    ``confidence`` 0..1 · ``options`` [(intent, label)] for clarify ·
    ``suggestions`` [(intent, title)]: follow-ups offered with an answer ·
    ``candidates``, ``explanation``, ``slots`` and ``to_dict()`` from the
    reply JSON (docs/C_API.md, The reply JSON). In a relayed reply (an
    operator holds the conversation) ``reply`` is "" and each candidate has
    an ``answer``: what the bot would say, in the customer's language, or
    None for an intent that hands off (agent assist).
    """

    __slots__ = ("reply", "action", "intent", "language", "route", "confidence", "options", "suggestions",
                 "_json")

    def __init__(self, reply, action, intent, language, route, confidence, options, json_text,
                 suggestions=()):
        self.reply = reply
        self.action = action
        self.intent = intent
        self.language = language
        self.route = route
        self.confidence = confidence
        self.options = options
        self.suggestions = list(suggestions)
        self._json = json_text

    @classmethod
    def _from_c(cls, L, rp):
        """Copies and destroys a zari_reply."""
        try:
            out = ctypes.c_void_p()
            rc = L.zari_reply_to_json(ctypes.byref(out), rp)
            if rc != 0:
                _raise(L, rc)
            json_text = _native.take_string(out.value)
            action = _native.text(L.zari_reply_action_str(rp))
            try:
                action = Action(action)
            except ValueError:  # an action newer than this binding
                pass
            options = [(_native.text(L.zari_reply_option_intent(rp, i)),
                        _native.text(L.zari_reply_option_label(rp, i)))
                       for i in range(L.zari_reply_option_count(rp))]
            suggestions = [(_native.text(L.zari_reply_suggestion_intent(rp, i)),
                            _native.text(L.zari_reply_suggestion_title(rp, i)))
                           for i in range(L.zari_reply_suggestion_count(rp))]
            return cls(_native.text(L.zari_reply_text(rp)), action,
                       _native.text(L.zari_reply_intent(rp)), _native.text(L.zari_reply_language(rp)),
                       _native.text(L.zari_reply_route(rp)), L.zari_reply_confidence(rp), options,
                       json_text, suggestions)
        finally:
            L.zari_reply_destroy(rp)

    @property
    def text(self):
        """The bot's text (same as ``reply``)."""
        return self.reply

    @property
    def candidates(self):
        """[{intent, score, via: rule|example|dtmf}], best first; in a
        relayed reply each also has ``answer`` (str, or None)."""
        return self.to_dict().get("candidates", [])

    @property
    def explanation(self):
        """What matched (rule or example, with the matched span), or None."""
        return self.to_dict().get("explanation")

    @property
    def slots(self):
        """Captured slots {name: value}."""
        return self.to_dict().get("slots") or {}

    def to_dict(self):
        """The reply JSON of zari_reply_to_json as a new dict."""
        return json.loads(self._json)

    def to_json(self):
        """The reply JSON exactly as Zari wrote it."""
        return self._json

    def __repr__(self):
        return "Reply(action=%r, intent=%r, language=%r, confidence=%.3f, reply=%r)" % (
            str(self.action), self.intent, self.language, self.confidence, self.reply)


class Handoff:
    """A conversation handed to an operator, as passed to ``on_handoff``.

    ``session``, ``channel``, ``language``, ``reason`` ("requested",
    "intent" or "misses"), ``intent`` (or None), ``transcript``
    ([{role: "user"|"bot", text, ts}]), ``ts``; ``to_dict()``.
    Copied out of C, so it may be kept and queued after the callback returns.
    """

    __slots__ = ("session", "channel", "language", "reason", "intent", "transcript", "ts", "_json")

    @classmethod
    def _from_c(cls, L, h):
        self = cls.__new__(cls)
        t = _native.text
        self.session = t(L.zari_handoff_session(h))
        self.channel = t(L.zari_handoff_channel(h))
        self.language = t(L.zari_handoff_language(h))
        self.reason = t(L.zari_handoff_reason(h))
        self.intent = t(L.zari_handoff_intent(h))
        self.transcript = json.loads(t(L.zari_handoff_transcript_json(h)) or "[]")
        out = ctypes.c_void_p()
        if L.zari_handoff_to_json(ctypes.byref(out), h) == 0:
            self._json = _native.take_string(out.value)
        else:
            self._json = json.dumps({"session": self.session, "channel": self.channel,
                                     "language": self.language, "reason": self.reason,
                                     "intent": self.intent, "transcript": self.transcript})
        self.ts = json.loads(self._json).get("ts")
        return self

    def to_dict(self):
        """The handoff JSON of zari_handoff_to_json as a new dict."""
        return json.loads(self._json)

    def __repr__(self):
        return "Handoff(session=%r, channel=%r, language=%r, reason=%r, intent=%r, turns=%d)" % (
            self.session, self.channel, self.language, self.reason, self.intent, len(self.transcript))


class Engine:
    """A loaded intent pack (zari_engine). Safe to share between threads.

    ``Engine(pack_path, log_db=None, on_handoff=None, clock=None, on_log=None)``

    * ``pack_path`` a pack directory (with pack.yaml) or one YAML file.
    * ``log_db`` SQLite file for unresolved questions and handoffs.
    * ``on_handoff(handoff)`` called inside business hours when a
      conversation goes to an operator, on the thread of ``respond``.
    * ``clock()`` returns unix seconds (tests fix it); a number means a fixed
      instant. Must be thread-safe.
    * ``on_log(level, message)`` operational messages (log retries, drops);
      may be called from Zari's background writer thread.

    Errors raise :class:`ZariError` subclasses (PackError names
    file:line:col). Use as a context manager or call :meth:`close`.
    """

    _handle = None  # so __del__ is safe when __init__ failed

    #: Names accepted in ``limits=`` (zari.h ``zari_limit``).
    LIMITS = {"pack_file_bytes": 1, "pack_bytes": 2, "pack_files": 3, "yaml_nodes": 4, "intents": 5,
              "text_bytes": 6, "re2_memory": 7, "message_code_points": 8}

    def __init__(self, pack_path, log_db=None, on_handoff=None, clock=None, on_log=None, limits=None):
        L = _native.lib()
        for name in (limits or {}):
            if name not in self.LIMITS:
                raise InvalidArgumentError(Status.EINVAL, "unknown limit %r (expected one of %s)"
                                           % (name, ", ".join(sorted(self.LIMITS))))
        path = _encode_path(pack_path, "pack_path")
        if path is None:
            raise TypeError("pack_path is required")
        db = _encode_path(log_db, "log_db")
        callbacks = _Callbacks(on_handoff, clock, on_log)
        opts = L.zari_options_create()
        if not opts:
            raise OutOfMemoryError(Status.ENOMEM, "zari_options_create: out of memory")
        ptr = _native.EngineP()
        try:
            if db is not None:
                rc = L.zari_options_set_log_db(opts, db)
                if rc != 0:
                    _raise(L, rc)
            if callbacks.clock_fn:
                L.zari_options_set_clock(opts, callbacks.clock_fn, None)
            if callbacks.handoff_fn:
                L.zari_options_set_handoff(opts, callbacks.handoff_fn, None)
            if callbacks.log_fn:
                L.zari_options_set_log_callback(opts, callbacks.log_fn, None)
            for name, value in (limits or {}).items():
                rc = L.zari_options_set_limit(opts, self.LIMITS[name], int(value))
                if rc != 0:
                    _raise(L, rc)
            rc = L.zari_engine_load(ctypes.byref(ptr), path, opts)
            if rc != 0:
                _raise(L, rc)
        finally:
            L.zari_options_destroy(opts)
        self._lib = L
        self._callbacks = callbacks
        self._meta_lock = threading.Lock()  # pack_name/version vs reload
        self._handle = _Handle(ptr, L.zari_engine_destroy, "engine")
        _live.add(self)

    # -- lifecycle --------------------------------------------------------

    def close(self):
        """Releases the engine and flushes the log. Idempotent. Sessions
        already created keep working until they are closed."""
        if self._handle is not None:
            self._handle.close()

    @property
    def closed(self):
        return self._handle is None or self._handle.closed

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        h = self._handle
        if h is not None:
            h.close()

    def __repr__(self):
        if self.closed:
            return "<zari.Engine (closed)>"
        return "<zari.Engine %r version %r>" % (self.pack_name, self.pack_version)

    # -- calls ------------------------------------------------------------

    def classify(self, text, language=None):
        """Classifies one message without conversation state (no handoff,
        nothing logged). ``language``: "ka", "az", "en" or None to detect."""
        L = self._lib
        data = _encode_text(text)
        lang = _encode_name(language, "language")
        out = _native.ReplyP()
        h = self._handle
        ptr = h.acquire()
        try:
            rc = L.zari_engine_classify(ctypes.byref(out), ptr, data, len(data), lang)
            if rc != 0:
                _raise(L, rc)
        finally:
            h.release()
        return Reply._from_c(L, out)

    def session(self, session_id="", channel="web"):
        """Starts a conversation (:class:`Session`)."""
        L = self._lib
        sid = _encode_name(session_id, "session_id")
        ch = _encode_name(channel, "channel")
        out = _native.SessionP()
        h = self._handle
        ptr = h.acquire()
        try:
            rc = L.zari_session_create(ctypes.byref(out), ptr, sid, ch)
            if rc != 0:
                _raise(L, rc)
        finally:
            h.release()
        return Session._wrap(self, out, session_id or "", channel or "web")

    def restore(self, state):
        """Continues a conversation from :meth:`Session.export`'s string.
        Raises StateError when it is corrupt or from another pack/version."""
        L = self._lib
        if not isinstance(state, (str, bytes, bytearray)):
            raise TypeError("state must be str or bytes, not %s" % type(state).__name__)
        data = _encode_name(state, "session state", StateError, Status.ESTATE)
        out = _native.SessionP()
        h = self._handle
        ptr = h.acquire()
        try:
            rc = L.zari_session_import(ctypes.byref(out), ptr, data)
            if rc != 0:
                _raise(L, rc)
        finally:
            h.release()
        session_id = L.zari_session_id(out).decode("utf-8", "replace")
        channel = L.zari_session_channel(out).decode("utf-8", "replace")
        return Session._wrap(self, out, session_id, channel)

    def reload(self, path=None):
        """Loads the pack again (from ``path``, or where it was loaded from)
        and swaps it in atomically; on error the old pack keeps serving."""
        L = self._lib
        p = _encode_path(path, "path")
        h = self._handle
        ptr = h.acquire()
        try:
            with self._meta_lock:
                rc = L.zari_engine_reload(ptr, p)
                if rc != 0:
                    _raise(L, rc)
        finally:
            h.release()

    def stats(self):
        """Engine statistics as a dict: pack, intents, languages, log counters."""
        L = self._lib
        out = ctypes.c_void_p()
        h = self._handle
        ptr = h.acquire()
        try:
            rc = L.zari_engine_stats_json(ctypes.byref(out), ptr)
            if rc != 0:
                _raise(L, rc)
        finally:
            h.release()
        return json.loads(_native.take_string(out.value))

    def _meta(self, fn):
        h = self._handle
        ptr = h.acquire()
        try:
            with self._meta_lock:
                return _native.text(fn(ptr)) or ""
        finally:
            h.release()

    @property
    def pack_name(self):
        """``name:`` of the loaded pack."""
        return self._meta(self._lib.zari_engine_pack_name)

    @property
    def pack_version(self):
        """``version:`` of the loaded pack ("" when absent)."""
        return self._meta(self._lib.zari_engine_pack_version)

    @property
    def callback_errors(self):
        """The last (up to 100) exceptions raised by this engine's callbacks."""
        return list(self._callbacks.errors)


class Session:
    """One conversation (zari_session): sticky language, misses, clarify
    options, transcript. Create with :meth:`Engine.session` or
    :meth:`Engine.restore`. Calls on one session are serialized; different
    sessions run in parallel. Keeps working after its engine is closed."""

    _handle = None

    def __init__(self, *args, **kwargs):
        raise TypeError("sessions are created by Engine.session() or Engine.restore()")

    @classmethod
    def _wrap(cls, engine, ptr, session_id, channel):
        self = cls.__new__(cls)
        self._lib = engine._lib
        self._callbacks = engine._callbacks   # C keeps the runtime (and callbacks) alive
        self._engine_handle = engine._handle  # pinned while responding (see respond)
        self._lock = threading.RLock()        # one call at a time; re-entrant for callbacks
        self.session_id = session_id
        self.channel = channel
        self._handle = _Handle(ptr, self._lib.zari_session_destroy, "session")
        _live.add(self)
        return self

    def close(self):
        """Ends the conversation. Idempotent."""
        if self._handle is not None:
            self._handle.close()

    @property
    def closed(self):
        return self._handle is None or self._handle.closed

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        h = self._handle
        if h is not None:
            h.close()

    def __repr__(self):
        return "<zari.Session %r channel %r%s>" % (self.session_id, self.channel,
                                                   " (closed)" if self.closed else "")

    def respond(self, text):
        """Answers one user message (may call ``on_handoff`` first)."""
        L = self._lib
        data = _encode_text(text)
        out = _native.ReplyP()
        with self._lock:
            h = self._handle
            ptr = h.acquire()
            # zari.h forbids destroying the engine from inside the handoff
            # callback of its session: holding the engine handle defers an
            # Engine.close() made there until this call returns.
            pinned = self._engine_handle.try_acquire() is not None
            try:
                rc = L.zari_session_respond(ctypes.byref(out), ptr, data, len(data))
                if rc != 0:
                    _raise(L, rc)
            finally:
                if pinned:
                    self._engine_handle.release()
                h.release()
        return Reply._from_c(L, out)

    def export(self):
        """The session's state as a string for :meth:`Engine.restore`."""
        L = self._lib
        out = ctypes.c_void_p()
        with self._lock:
            h = self._handle
            ptr = h.acquire()
            try:
                rc = L.zari_session_export(ctypes.byref(out), ptr)
                if rc != 0:
                    _raise(L, rc)
            finally:
                h.release()
        return _native.take_string(out.value)

    def _read(self, fn, *args):
        """fn(session, *args) on the C session, one call at a time."""
        with self._lock:
            h = self._handle
            ptr = h.acquire()
            try:
                return fn(ptr, *args)
            finally:
                h.release()

    def _call(self, fn, *args):
        """Like _read for a function returning a zari_status: raises on failure."""
        rc = self._read(fn, *args)
        if rc < 0:
            _raise(self._lib, rc)
        return rc

    # -- a person takes the conversation over (docs/C_API.md, A person takes over)

    def operator_join(self, operator_id, operator_name=None):
        """An operator takes the conversation over (waiting or not): from now
        on ``respond`` relays the customer's messages (Action.RELAYED, no
        text, candidates with the bot's answers). Joining again with the
        same id only updates the name. Raises BusyError when another
        operator holds it, InvalidArgumentError for an empty id or an id or
        name over 256 bytes."""
        op = _encode_name(operator_id, "operator_id")
        if op is None:
            raise TypeError("operator_id is required")
        self._call(self._lib.zari_session_operator_join, op, _encode_name(operator_name, "operator_name"))

    def operator_message(self, text):
        """Records what the operator wrote to the customer (the host delivers
        it). Raises BusyError when no operator holds the conversation."""
        data = _encode_text(text)
        self._call(self._lib.zari_session_operator_message, data, len(data))

    def operator_leave(self, resolved):
        """The operator hands the conversation back to the bot; the log gets
        the takeover (``resolved``: the customer's problem was solved).
        Raises BusyError when no operator holds the conversation."""
        self._call(self._lib.zari_session_operator_leave, 1 if resolved else 0)

    @property
    def operator_active(self):
        """True while an operator holds the conversation."""
        return self._read(self._lib.zari_session_operator_active) == 1

    @property
    def handoff_state(self):
        """A :class:`HandoffState`: NONE, WAITING (for an operator) or JOINED."""
        state = self._call(self._lib.zari_session_handoff_state)
        return _HANDOFF_STATES[state] if state < len(_HANDOFF_STATES) else state

    @property
    def handoff_reason(self):
        """Why it waits ("requested", "intent", "misses"; kept while joined),
        or None."""
        return _native.text(self._read(self._lib.zari_session_handoff_reason)) or None

    @property
    def handoff_since(self):
        """Unix seconds the state began (the handoff while waiting, the
        joining while joined), or None with the bot."""
        return self._read(self._lib.zari_session_handoff_since) or None

    @property
    def operator_id(self):
        """Id of the operator holding the conversation, or None."""
        return _native.text(self._read(self._lib.zari_session_operator_id))

    @property
    def operator_name(self):
        """Name of the operator holding the conversation ("" when none was
        given), or None when no operator holds it."""
        return _native.text(self._read(self._lib.zari_session_operator_name))

    def set_language(self, language):
        """Forces "ka", "az" or "en"; None returns to detection."""
        L = self._lib
        lang = _encode_name(language, "language")
        with self._lock:
            h = self._handle
            ptr = h.acquire()
            try:
                rc = L.zari_session_set_language(ptr, lang)
                if rc != 0:
                    _raise(L, rc)
            finally:
                h.release()
