"""The binding covers the whole C API and declares every function's types."""

import ctypes
import os
import re
import unittest

import support
import zari
from zari import _native

HEADER = os.path.join(support.SOURCE_DIR, "bindings", "c", "include", "zari", "zari.h")


def header_functions():
    with open(HEADER, encoding="utf-8") as f:
        return set(re.findall(r"ZARI_EXTERN\([^)]*\)\s*(zari_\w+)\s*\(", f.read()))


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

    def test_library_matches_the_header_version(self):
        with open(os.path.join(support.SOURCE_DIR, "CMakeLists.txt"), encoding="utf-8") as f:
            version = re.search(r"project\(zari VERSION (\d+\.\d+\.\d+)", f.read()).group(1)
        self.assertEqual(zari.library_version(), version)


if __name__ == "__main__":
    unittest.main()
