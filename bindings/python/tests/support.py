"""Shared fixtures of the binding tests: paths, fixed clocks, packs."""

import os
import shutil
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get("ZARI_SOURCE_DIR") or os.path.normpath(os.path.join(HERE, "..", "..", ".."))
PACK = os.path.join(SOURCE_DIR, "intents", "telecom")
PYTHON_DIR = os.path.normpath(os.path.join(HERE, ".."))
# Two intents and thresholds that make "plan" a clarify with both as options.
CLARIFY_PACK = os.path.join(HERE, "data", "clarify.yaml")

# Wed 2026-11-25 11:00 in Tbilisi (UTC+4): operators online.
OPEN = 1795590000
# Sat 2026-11-28 23:30 in Tbilisi: operators offline, back Monday 09:00.
CLOSED = 1795894200


class TempDirTest(unittest.TestCase):
    """A test case with a fresh temporary directory in self.tmp."""

    def setUp(self):
        super().setUp()
        self.tmp = tempfile.mkdtemp(prefix="zari-py-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def write(self, name, content):
        path = os.path.join(self.tmp, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(content)
        return path

    def copy_pack(self, name="pack"):
        dst = os.path.join(self.tmp, name)
        shutil.copytree(PACK, dst)
        return dst


def subprocess_env():
    """Environment for a child python that imports the same zari."""
    env = dict(os.environ)
    env["PYTHONPATH"] = PYTHON_DIR + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env
