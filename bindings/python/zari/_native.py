"""Loading libzari and declaring the C API (zari.h) for ctypes.

Every function used by the binding is declared here with its argtypes and
restype, so ctypes never guesses (a guessed ``int`` return truncates
pointers on 64-bit). Handles are pointers to distinct opaque structures, so
passing a session where an engine is expected is a ``ctypes.ArgumentError``
instead of a crash.

Library lookup, first match wins:

1. ``load_library(path)`` called explicitly by the host,
2. the ``ZARI_LIBRARY`` environment variable (a file, or a directory that
   holds ``libzari.so``),
3. a build tree of the source checkout this package lives in
   (``<root>/build*/lib/libzari.so``; sanitizer builds are skipped, since
   an ASan/TSan library cannot be loaded into an uninstrumented python),
4. the system (``ctypes.util.find_library("zari")``, ``libzari.so.0``).
"""

import ctypes
import ctypes.util
import glob
import os
import threading

# The ABI major this binding was written for (zari.h: SOVERSION = major).
ABI_MAJOR = 0


class LibraryError(ImportError):
    """libzari could not be found or is not a compatible version."""


class _Engine(ctypes.Structure):
    pass


class _Session(ctypes.Structure):
    pass


class _Reply(ctypes.Structure):
    pass


class _Options(ctypes.Structure):
    pass


class _Handoff(ctypes.Structure):
    pass


EngineP = ctypes.POINTER(_Engine)
SessionP = ctypes.POINTER(_Session)
ReplyP = ctypes.POINTER(_Reply)
OptionsP = ctypes.POINTER(_Options)
HandoffP = ctypes.POINTER(_Handoff)

c_char_p = ctypes.c_char_p
c_int = ctypes.c_int
c_size_t = ctypes.c_size_t
c_void_p = ctypes.c_void_p

# typedef int64_t (*zari_clock_fn)(void *user_data);
CLOCK_FN = ctypes.CFUNCTYPE(ctypes.c_int64, c_void_p)
# typedef void (*zari_handoff_fn)(const zari_handoff *h, void *user_data);
HANDOFF_FN = ctypes.CFUNCTYPE(None, HandoffP, c_void_p)
# typedef void (*zari_log_fn)(int level, const char *message, void *user_data);
LOG_FN = ctypes.CFUNCTYPE(None, c_int, c_char_p, c_void_p)

# name: (restype, argtypes). Strings returned through `char **out` are read as
# c_void_p so that the binding can both copy them and zari_string_free them.
_PROTOTYPES = {
    "zari_version_number": (c_int, []),
    "zari_version_string": (c_char_p, []),
    "zari_status_str": (c_char_p, [c_int]),
    "zari_last_error": (c_char_p, []),
    # options
    "zari_options_create": (OptionsP, []),
    "zari_options_destroy": (None, [OptionsP]),
    "zari_options_set_log_db": (c_int, [OptionsP, c_char_p]),
    "zari_options_set_clock": (c_int, [OptionsP, CLOCK_FN, c_void_p]),
    "zari_options_set_handoff": (c_int, [OptionsP, HANDOFF_FN, c_void_p]),
    "zari_options_set_log_callback": (c_int, [OptionsP, LOG_FN, c_void_p]),
    "zari_options_set_limit": (c_int, [OptionsP, c_int, ctypes.c_int64]),
    # engine
    "zari_engine_load": (c_int, [ctypes.POINTER(EngineP), c_char_p, OptionsP]),
    "zari_engine_reload": (c_int, [EngineP, c_char_p]),
    "zari_engine_destroy": (None, [EngineP]),
    "zari_engine_pack_name": (c_char_p, [EngineP]),
    "zari_engine_pack_version": (c_char_p, [EngineP]),
    "zari_engine_stats_json": (c_int, [ctypes.POINTER(c_void_p), EngineP]),
    "zari_engine_classify": (c_int, [ctypes.POINTER(ReplyP), EngineP, c_char_p, c_size_t, c_char_p]),
    # replies
    "zari_reply_action": (c_int, [ReplyP]),
    "zari_reply_action_str": (c_char_p, [ReplyP]),
    "zari_reply_text": (c_char_p, [ReplyP]),
    "zari_reply_intent": (c_char_p, [ReplyP]),
    "zari_reply_language": (c_char_p, [ReplyP]),
    "zari_reply_route": (c_char_p, [ReplyP]),
    "zari_reply_confidence": (ctypes.c_double, [ReplyP]),
    "zari_reply_option_count": (c_size_t, [ReplyP]),
    "zari_reply_option_intent": (c_char_p, [ReplyP, c_size_t]),
    "zari_reply_option_label": (c_char_p, [ReplyP, c_size_t]),
    "zari_reply_suggestion_count": (c_size_t, [ReplyP]),
    "zari_reply_suggestion_intent": (c_char_p, [ReplyP, c_size_t]),
    "zari_reply_suggestion_title": (c_char_p, [ReplyP, c_size_t]),
    "zari_reply_candidate_count": (c_size_t, [ReplyP]),
    "zari_reply_candidate_intent": (c_char_p, [ReplyP, c_size_t]),
    "zari_reply_candidate_score": (ctypes.c_double, [ReplyP, c_size_t]),
    "zari_reply_candidate_answer": (c_char_p, [ReplyP, c_size_t]),
    "zari_reply_to_json": (c_int, [ctypes.POINTER(c_void_p), ReplyP]),
    "zari_reply_destroy": (None, [ReplyP]),
    # sessions
    "zari_session_create": (c_int, [ctypes.POINTER(SessionP), EngineP, c_char_p, c_char_p]),
    "zari_session_destroy": (None, [SessionP]),
    "zari_session_id": (c_char_p, [SessionP]),
    "zari_session_channel": (c_char_p, [SessionP]),
    "zari_session_set_language": (c_int, [SessionP, c_char_p]),
    "zari_session_respond": (c_int, [ctypes.POINTER(ReplyP), SessionP, c_char_p, c_size_t]),
    "zari_session_export": (c_int, [ctypes.POINTER(c_void_p), SessionP]),
    "zari_session_import": (c_int, [ctypes.POINTER(SessionP), EngineP, c_char_p]),
    # operators
    "zari_session_operator_join": (c_int, [SessionP, c_char_p, c_char_p]),
    "zari_session_operator_message": (c_int, [SessionP, c_char_p, c_size_t]),
    "zari_session_operator_leave": (c_int, [SessionP, c_int]),
    "zari_session_operator_active": (c_int, [SessionP]),
    "zari_session_handoff_state": (c_int, [SessionP]),
    "zari_session_handoff_reason": (c_char_p, [SessionP]),
    "zari_session_handoff_since": (ctypes.c_int64, [SessionP]),
    "zari_session_operator_id": (c_char_p, [SessionP]),
    "zari_session_operator_name": (c_char_p, [SessionP]),
    # handoffs
    "zari_handoff_session": (c_char_p, [HandoffP]),
    "zari_handoff_channel": (c_char_p, [HandoffP]),
    "zari_handoff_language": (c_char_p, [HandoffP]),
    "zari_handoff_reason": (c_char_p, [HandoffP]),
    "zari_handoff_intent": (c_char_p, [HandoffP]),
    "zari_handoff_transcript_json": (c_char_p, [HandoffP]),
    "zari_handoff_to_json": (c_int, [ctypes.POINTER(c_void_p), HandoffP]),
    # memory
    "zari_string_free": (None, [c_void_p]),
}

_lock = threading.Lock()
_lib = None
_lib_path = None


def _is_sanitizer_build(build_dir):
    """True when the CMake build in build_dir has ZARI_SANITIZE set."""
    try:
        with open(os.path.join(build_dir, "CMakeCache.txt"), encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith("ZARI_SANITIZE:"):
                    return line.split("=", 1)[1].strip() != ""
    except OSError:
        pass
    return False


def _build_tree_candidates():
    # bindings/python/zari/_native.py -> the source root is three levels up.
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    found = []
    for lib in glob.glob(os.path.join(root, "build*", "lib", "libzari.so")):
        build_dir = os.path.dirname(os.path.dirname(lib))
        if not _is_sanitizer_build(build_dir):
            found.append(lib)
    # `build/` (scripts/build.sh) first, then the most recently built.
    found.sort(key=lambda p: (os.path.basename(os.path.dirname(os.path.dirname(p))) != "build",
                              -os.path.getmtime(p)))
    return found


def _candidates(path):
    if path is not None:
        return [os.fspath(path)], True
    env = os.environ.get("ZARI_LIBRARY")
    if env:
        if os.path.isdir(env):
            env = os.path.join(env, "libzari.so")
        return [env], True
    cands = _build_tree_candidates()
    system = ctypes.util.find_library("zari")
    if system:
        cands.append(system)
    cands.append("libzari.so.%d" % ABI_MAJOR)
    return cands, False


def _declare(lib):
    for name, (restype, argtypes) in _PROTOTYPES.items():
        try:
            fn = getattr(lib, name)
        except AttributeError:
            raise LibraryError("%s lacks %s: it is older than this binding" % (lib._name, name)) from None
        fn.restype = restype
        fn.argtypes = argtypes
    number = lib.zari_version_number()
    if number // 10000 != ABI_MAJOR:
        raise LibraryError("%s is Zari %s; this binding needs major version %d"
                           % (lib._name, lib.zari_version_string().decode(), ABI_MAJOR))


def load_library(path=None):
    """Loads libzari (once per process) and returns the ctypes.CDLL.

    ``path`` overrides the lookup; it must be given before the first engine
    is created, and a second call with another path raises LibraryError.
    """
    global _lib, _lib_path
    with _lock:
        if _lib is not None:
            if path is not None and os.path.realpath(os.fspath(path)) != os.path.realpath(_lib_path):
                raise LibraryError("libzari is already loaded from %s" % _lib_path)
            return _lib
        cands, explicit = _candidates(path)
        errors = []
        for cand in cands:
            try:
                lib = ctypes.CDLL(cand)
            except OSError as e:
                errors.append("%s: %s" % (cand, e))
                if explicit:
                    break
                continue
            _declare(lib)
            _lib, _lib_path = lib, cand
            return lib
        raise LibraryError("cannot load libzari (set ZARI_LIBRARY to the path of libzari.so, "
                           "or build Zari into build/); tried:\n  " + "\n  ".join(errors or cands))


def lib():
    """The loaded library (loading it on first use)."""
    return _lib if _lib is not None else load_library()


def library_path():
    """Where libzari was loaded from, or None before it is loaded."""
    return _lib_path


def take_string(ptr):
    """Copies and frees a `char **out` string (c_void_p) from libzari."""
    if not ptr:
        return ""
    try:
        return ctypes.string_at(ptr).decode("utf-8", "replace")
    finally:
        _lib.zari_string_free(ptr)


def text(b):
    """Decodes a borrowed `const char *` (bytes or None)."""
    return None if b is None else b.decode("utf-8", "replace")


__all__ = ["load_library", "lib", "library_path", "LibraryError", "ABI_MAJOR"]
