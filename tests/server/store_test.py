#!/usr/bin/env python3
"""zari serve --store sqlite:PATH: conversations survive a restart and kill -9.

    store_test.py ZARI_BINARY SOURCE_DIR

A visitor talks to the server (English with a pending "did you mean"
choice, Georgian with its sticky language); the server is killed with
SIGKILL once the store says nothing is pending; a new server on the same
file continues both conversations: new_session false, the same language,
the clarify option still choosable by number. Expired conversations leave
the file. A memory store (the default) starts over after a restart.
"""
import os
import signal
import sqlite3
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from http_api_test import AMBIGUOUS, Server  # noqa: E402


def wait_durable(server, timeout=60):
    """Until the store has written everything it accepted."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        store = server.json("GET", "/api/v1/health")["store"]
        if store["pending"] == 0:
            return store
        time.sleep(0.05)
    raise AssertionError("the store still has writes pending: %r" % store)


def clarify(server):
    """A message of AMBIGUOUS that clarifies, with its session and options."""
    for word in AMBIGUOUS:
        r = server.say(word, language="en")
        if r["action"] == "clarify" and len(r["options"]) >= 2:
            return r
    raise AssertionError("none of %r clarifies" % AMBIGUOUS)


class SqliteStoreTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.db = os.path.join(self.dir.name, "conversations.sqlite")

    def tearDown(self):
        self.dir.cleanup()

    def test_conversations_continue_after_kill_9(self):
        s = Server("--store", "sqlite:" + self.db)
        try:
            c = clarify(s)
            en, option2 = c["session"], c["options"][1]["intent"]
            ka = s.say("როგორ შევამოწმო ბალანსი?")
            self.assertEqual(ka["language"], "ka")
            self.assertEqual(wait_durable(s)["backend"], "sqlite")
        finally:
            s.stop(signal.SIGKILL)
        s = Server("--store", "sqlite:" + self.db)
        try:
            r = s.say("2", session=en)
            self.assertFalse(r["new_session"])
            self.assertEqual(r["session"], en)
            self.assertEqual((r["action"], r["intent"], r["language"]), ("answer", option2, "en"))
            # A message without a language cue stays in the conversation's language.
            r = s.say("zzz xxx yyy", session=ka["session"])
            self.assertFalse(r["new_session"])
            self.assertEqual(r["language"], "ka")
            self.assertGreaterEqual(s.json("GET", "/api/v1/health")["store"]["restored"], 2)
        finally:
            s.stop()

    def test_events_survive_too_and_unknown_ids_start_over(self):
        s = Server("--store", "sqlite:" + self.db)
        try:
            sid = s.say("hello")["session"]
            wait_durable(s)
        finally:
            s.stop(signal.SIGKILL)
        s = Server("--store", "sqlite:" + self.db)
        try:
            r = s.json("GET", "/api/v1/events?session=%s&wait=0" % sid)
            self.assertEqual(r, {"events": [], "next": 0})
            r = s.say("hello", session="never-seen-before")
            self.assertTrue(r["new_session"])
            self.assertNotEqual(r["session"], "never-seen-before")
        finally:
            s.stop()

    def test_expired_conversations_leave_the_file(self):
        s = Server("--store", "sqlite:" + self.db, "--session-ttl", "1")
        try:
            old = s.say("hello")["session"]
            wait_durable(s)
            time.sleep(1.5)  # past the TTL: the next request sweeps it
            s.say("hello again")
            wait_durable(s)
            with sqlite3.connect("file:%s?mode=ro" % self.db, uri=True) as db:
                ids = [row[0] for row in db.execute("SELECT id FROM conversations")]
            self.assertNotIn(old, ids)
            self.assertEqual(len(ids), 1)
        finally:
            s.stop()
        s = Server("--store", "sqlite:" + self.db, "--session-ttl", "1")
        try:
            self.assertTrue(s.say("hi", session=old)["new_session"])
        finally:
            s.stop()

    def test_a_file_that_is_not_a_store_is_refused(self):
        with sqlite3.connect(self.db) as db:
            db.execute("CREATE TABLE t(x)")
        with self.assertRaises(RuntimeError) as cm:
            Server("--store", "sqlite:" + self.db)
        self.assertIn("not a Zari conversation store", str(cm.exception))
        with self.assertRaises(RuntimeError) as cm:
            Server("--store", "postgres://x")
        self.assertIn("expected memory, sqlite:PATH or redis://", str(cm.exception))

    def test_memory_store_starts_over_after_a_restart(self):
        s = Server()
        try:
            sid = s.say("hello")["session"]
            self.assertEqual(s.json("GET", "/api/v1/health")["store"]["backend"], "memory")
        finally:
            s.stop()
        s = Server()
        try:
            self.assertTrue(s.say("hello", session=sid)["new_session"])
        finally:
            s.stop()


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
