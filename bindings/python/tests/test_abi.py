"""The binding covers the whole C API, declares every function's types and
keeps zari.h's numbers (statuses, log levels, limits, actions, feedback kinds)."""

import ctypes
import os
import re
import unittest

import support
import zari
from zari import _errors, _native

HEADER = os.path.join(support.SOURCE_DIR, "bindings", "c", "include", "zari", "zari.h")


def header_functions():
    with open(HEADER, encoding="utf-8") as f:
        return set(re.findall(r"ZARI_EXTERN\([^)]*\)\s*(zari_\w+)\s*\(", f.read()))


def header_enums():
    """{enum: {constant: value}} of zari.h's typedef enums, in the header's order."""
    with open(HEADER, encoding="utf-8") as f:
        text = re.sub(r"/\*.*?\*/", "", f.read(), flags=re.S)
    enums = {}
    for name, body in re.findall(r"typedef enum (\w+) \{(.*?)\}", text, flags=re.S):
        enums[name] = {k: int(v) for k, v in re.findall(r"\b(ZARI_\w+)\s*=\s*(-?\d+)", body)}
    return enums


class AbiTest(unittest.TestCase):
    def test_every_function_of_zari_h_is_declared(self):
        declared = set(_native._PROTOTYPES)
        missing = header_functions() - declared
        self.assertFalse(missing, "zari.h has functions the Python binding does not declare: %s; add "
                         "them to bindings/python/zari/_native.py (and bindings/node/index.js)" % sorted(missing))
        self.assertFalse(declared - header_functions(), "declared but not in zari.h")

    def test_every_declared_function_has_argtypes_and_restype(self):
        lib = zari.load_library()
        for name, (restype, argtypes) in _native._PROTOTYPES.items():
            fn = getattr(lib, name)
            self.assertEqual(fn.argtypes, argtypes, name)
            self.assertIs(fn.restype, restype, name)
            self.assertIsNotNone(fn.argtypes, name)

    def test_handles_are_distinct_types(self):
        lib = zari.load_library()
        session = _native.SessionP()
        with self.assertRaises(ctypes.ArgumentError):
            lib.zari_engine_destroy(session)  # a session is not an engine

    # The binding keeps its own copies of zari.h's tables: a renumbered or
    # added constant must show up here, not as a wrong error class at run time.
    def test_status_values_match_zari_h(self):
        self.assertEqual({"ZARI_" + s.name: int(s) for s in zari.Status}, header_enums()["zari_status"])

    def test_status_words_match_the_library(self):
        lib = zari.load_library()
        for s in zari.Status:
            self.assertEqual(_errors._status_word(s), lib.zari_status_str(int(s)).decode(), s.name)

    def test_log_levels_match_zari_h(self):
        self.assertEqual({"ZARI_LOG_" + l.name: int(l) for l in zari.LogLevel}, header_enums()["zari_log_level"])

    def test_limits_match_zari_h(self):
        self.assertEqual({"ZARI_LIMIT_" + name.upper(): v for name, v in zari.Engine.LIMITS.items()},
                         header_enums()["zari_limit"])

    def test_actions_match_zari_h(self):
        # Python has the words zari_reply_action_str returns, in zari_action's order.
        header = sorted(header_enums()["zari_action"].items(), key=lambda kv: kv[1])
        self.assertEqual([("ZARI_ACTION_" + a.name, a.value) for a in zari.Action],
                         [(k, k[len("ZARI_ACTION_"):].lower()) for k, _ in header])

    def test_feedback_kinds_match_zari_h(self):
        self.assertEqual({"ZARI_FEEDBACK_" + f.name: int(f) for f in zari.Feedback}, header_enums()["zari_feedback"])

    def test_library_matches_the_header_version(self):
        with open(os.path.join(support.SOURCE_DIR, "CMakeLists.txt"), encoding="utf-8") as f:
            version = re.search(r"project\(zari VERSION (\d+\.\d+\.\d+)", f.read()).group(1)
        self.assertEqual(zari.library_version(), version)


if __name__ == "__main__":
    unittest.main()
