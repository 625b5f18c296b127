#!/usr/bin/env python3
"""An operator teaches the bot from the console, and it answers at once.

    teach_test.py ZARI_BINARY SOURCE_DIR

On a copy of the telecom pack: a question the bot does not understand; an
operator posts it to /api/v1/operator/teach as an example of an intent;
the learned file (learned.yaml in the pack directory) holds it, the server
reloads, and the same question in a new conversation gets that intent's
answer, without a restart. Unknown intents and languages are 400, calls
without a token or cookie calls without the CSRF header 401 (as every
operator call), calls from another site 403, and a
--learn file outside the pack directory is refused at start. The pack
copy passes `zari check` afterwards. No timing assertions.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from http_api_test import PACK, WEDNESDAY, ZARI, Server  # noqa: E402
from operators_test import Operator, add_operator  # noqa: E402

QUESTION = "the little lamp on my box glows amber all day"


class TeachTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.pack = os.path.join(self.dir.name, "pack")
        shutil.copytree(PACK, self.pack)
        self.ops = os.path.join(self.dir.name, "operators.json")
        add_operator(self.ops, "nino", "ნინო", "correct horse battery")

    def tearDown(self):
        self.dir.cleanup()

    def test_a_taught_question_is_answered_without_a_restart(self):
        s = Server("--operators", self.ops, pack=self.pack, now=WEDNESDAY)
        try:
            before = s.say(QUESTION, language="en")
            self.assertEqual(before["action"], "fallback")
            nino = Operator(s, "nino", "correct horse battery")
            r = nino.call("POST", "teach", {"text": QUESTION, "intent": "internet_not_working", "language": "en"})
            self.assertEqual((r["intent"], r["language"], r["reloaded"]), ("internet_not_working", "en", True))
            self.assertTrue(r["learned"].startswith(os.path.join(os.path.realpath(self.pack), "learned.yaml:")),
                            r["learned"])
            after = s.say(QUESTION, language="en")  # a new conversation
            self.assertNotEqual(after["session"], before["session"])
            self.assertEqual((after["action"], after["intent"]), ("answer", "internet_not_working"))
            intents = nino.call("GET", "intents")["intents"]
            self.assertIn("internet_not_working", [i["id"] for i in intents])
        finally:
            self.assertEqual(s.stop(), 0)
        with open(os.path.join(self.pack, "learned.yaml"), encoding="utf-8") as f:
            learned = f.read()
        self.assertIn("internet_not_working", learned)
        self.assertIn(QUESTION, learned)
        check = subprocess.run([ZARI, "check", self.pack], capture_output=True, timeout=300)
        self.assertEqual(check.returncode, 0, check.stderr.decode() + check.stdout.decode())

    def test_bad_teach_calls_are_refused(self):
        s = Server("--operators", self.ops, pack=self.pack, now=WEDNESDAY)
        try:
            nino = Operator(s, "nino", "correct horse battery")
            for body, words in [
                ({"text": "x y z", "intent": "no_such_intent", "language": "en"}, "unknown intent"),
                ({"text": "x y z", "intent": "balance", "language": "fr"}, "unknown language"),
                ({"text": "x y z", "intent": "balance"}, "expected"),
                ({"text": 5, "intent": "balance", "language": "en"}, "expected"),
                ({"text": "   ", "intent": "balance", "language": "en"}, "empty"),
            ]:
                err = nino.call("POST", "teach", body, status=400)
                self.assertIn(words, err["error"], body)
            body = {"text": QUESTION, "intent": "balance", "language": "en"}
            s.json("POST", "/api/v1/operator/teach", body, status=401)
            cookie = {"Cookie": "zari_operator=" + nino.token}
            s.json("POST", "/api/v1/operator/teach", body, headers=cookie, status=401)
            evil = dict(nino.headers(), Origin="https://evil.example")
            s.json("POST", "/api/v1/operator/teach", body, headers=evil, status=403)
            self.assertEqual(s.say(QUESTION, language="en")["action"], "fallback")
        finally:
            self.assertEqual(s.stop(), 0)
        self.assertFalse(os.path.exists(os.path.join(self.pack, "learned.yaml")))

    def test_learn_file_must_be_in_the_pack(self):
        outside = os.path.join(self.dir.name, "learned.yaml")
        r = subprocess.run([ZARI, "serve", "--pack", self.pack, "--listen", "127.0.0.1:0", "--learn", outside],
                           capture_output=True, timeout=120)
        self.assertEqual(r.returncode, 2)
        self.assertIn("inside the pack directory", r.stderr.decode())


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
