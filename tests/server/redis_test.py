#!/usr/bin/env python3
"""Several servers, one support desk: zari serve --store redis://.

    redis_test.py ZARI_BINARY SOURCE_DIR

Two servers on one real redis-server (started here on a free port):
a conversation started on one continues on the other (same language, the
clarify choice by number); an operator logged in on one joins on the other
and the visitor waiting on the first receives the message; kill -9 of one
server in the middle of a takeover and the other carries on with nothing
lost; the same conversation's messages sent to both at once end up in one
consistent order; Redis unreachable gives 503 within a second and health
says so, and the servers recover by themselves with nothing lost; key
prefixes keep tenants apart; keys expire with the session TTL.
"""
import concurrent.futures
import json
import os
import signal
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from http_api_test import AMBIGUOUS, Server  # noqa: E402
from operators_test import Operator, add_operator, visitor_events  # noqa: E402
import redis_support  # noqa: E402

SKIP = redis_support.missing()


@unittest.skipIf(SKIP, SKIP)
class TwoServersTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.redis = redis_support.Redis()
        cls.dir = tempfile.TemporaryDirectory()
        cls.ops = os.path.join(cls.dir.name, "operators.json")
        add_operator(cls.ops, "nino", "ნინო", "correct horse battery")

    @classmethod
    def tearDownClass(cls):
        cls.redis.close()
        cls.dir.cleanup()

    def pair(self, *extra):
        args = ["--store", self.redis.url(), "--operators", self.ops] + list(extra)
        return Server(*args), Server(*args)

    def test_a_conversation_continues_on_the_other_server(self):
        a, b = self.pair()
        try:
            for word in AMBIGUOUS:
                r = a.say(word, language="en")
                if r["action"] == "clarify":
                    break
            self.assertEqual(r["action"], "clarify")
            r2 = b.say("2", session=r["session"])
            self.assertEqual((r2["new_session"], r2["action"], r2["intent"], r2["language"]),
                             (False, "answer", r["options"][1]["intent"], "en"))
            ka = a.say("როგორ შევამოწმო ბალანსი?")
            r3 = b.say("zzz xxx yyy", session=ka["session"])
            self.assertEqual((r3["new_session"], r3["language"]), (False, "ka"))
            self.assertEqual(b.json("GET", "/api/v1/health")["store"]["backend"], "redis")
        finally:
            a.stop()
            b.stop()

    def test_operator_on_one_visitor_waiting_on_the_other(self):
        a, b = self.pair()
        try:
            sid = a.say("ოპერატორთან დამაკავშირეთ")["session"]
            nino = Operator(b, "nino", "correct horse battery")  # logged in on b
            self.assertIn(sid, [c["session"] for c in nino.call("GET", "queue")["conversations"]])
            nino.call("POST", "conversations/%s/join" % sid, {})
            first = visitor_events(a, sid, wait=0)["events"]
            self.assertEqual(first[-1]["type"], "operator_joined")
            with concurrent.futures.ThreadPoolExecutor(1) as pool:
                # The visitor waits on a; the operator writes on b.
                waiting = pool.submit(visitor_events, a, sid, first[-1]["seq"], 25)
                time.sleep(0.3)
                nino.call("POST", "conversations/%s/messages" % sid, {"text": "გამარჯობა, ნინო ვარ"})
                got = waiting.result(timeout=60)["events"]
            self.assertEqual([(e["type"], e["text"]) for e in got], [("message", "გამარჯობა, ნინო ვარ")])
            # The operator's token works on a too (tokens live in Redis).
            nino.s = a
            self.assertEqual(nino.call("GET", "queue")["conversations"][0]["status"], "joined")
        finally:
            a.stop()
            b.stop()

    def test_kill_9_in_the_middle_of_a_takeover(self):
        a, b = self.pair()
        try:
            sid = a.say("I want to talk to a human")["session"]
            nino = Operator(a, "nino", "correct horse battery")
            nino.call("POST", "conversations/%s/join" % sid, {})
            nino.call("POST", "conversations/%s/messages" % sid, {"text": "Hello, Nino here."})
            a.stop(signal.SIGKILL)
            # Everything carries on through b: the takeover, the messages, the events.
            nino.s = b
            r = b.say("My internet does not work", session=sid)
            self.assertEqual((r["new_session"], r["action"]), (False, "relayed"))
            nino.call("POST", "conversations/%s/messages" % sid, {"text": "Let me check."})
            texts = [e.get("text") for e in visitor_events(b, sid, wait=0)["events"] if e["type"] == "message"]
            self.assertEqual(texts, ["Hello, Nino here.", "Let me check."])
            nino.call("POST", "conversations/%s/leave" % sid, {"resolved": True})
            self.assertEqual(b.say("How do I check my balance?", session=sid)["action"], "answer")
        finally:
            b.stop()

    def test_simultaneous_messages_of_one_conversation(self):
        a, b = self.pair()
        try:
            sid = a.say("hello")["session"]
            texts = ["message number %d" % i for i in range(16)]  # the transcript keeps the last 20 of each side
            with concurrent.futures.ThreadPoolExecutor(8) as pool:
                list(pool.map(lambda i: (a if i % 2 else b).say(texts[i], session=sid), range(len(texts))))
            state = json.loads(self.redis.cli("GET", "zari:s:" + sid))
            turns = state["transcript"]
            users = [t["t"] for t in turns if t["u"] == 1]
            # Every message once, each followed by its own reply: never interleaved.
            self.assertEqual(sorted(users), sorted(texts + ["hello"]))
            self.assertEqual(state["turns"], len(texts) + 1)
            for i in range(0, len(turns) - 1, 2):
                self.assertEqual((turns[i]["u"], turns[i + 1]["u"]), (1, 0))
        finally:
            a.stop()
            b.stop()

    def test_redis_unreachable_is_503_then_recovers(self):
        a, b = self.pair()
        try:
            sid = a.say("How do I check my balance?")["session"]
            self.redis.pause()
            try:
                t0 = time.monotonic()
                code, _, body = a.request("POST", "/api/v1/message", {"text": "balance", "session": sid})
                self.assertEqual(code, 503)
                self.assertLess(time.monotonic() - t0, 5)  # not a hang (the budget is a second)
                self.assertIn("unavailable", json.loads(body)["error"])
                code, _, body = b.request("GET", "/api/v1/health")
                self.assertEqual((code, json.loads(body)["status"]), (503, "degraded"))
            finally:
                self.redis.resume()
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                code, _, _ = b.request("GET", "/api/v1/health")
                if code == 200:
                    break
                b.request("POST", "/api/v1/message", {"text": "hi"})
                time.sleep(0.1)
            r = b.say("*100#", session=sid)
            self.assertFalse(r["new_session"])  # nothing stored was lost
        finally:
            a.stop()
            b.stop()

    def test_prefixes_keep_tenants_apart_and_keys_expire(self):
        one = Server("--store", self.redis.url("tenant1"), "--session-ttl", "60")
        two = Server("--store", self.redis.url("tenant2"))
        try:
            sid = one.say("hello")["session"]
            self.assertTrue(two.say("hello", session=sid)["new_session"])
            self.assertFalse(one.say("hello", session=sid)["new_session"])
            ttl = int(self.redis.cli("PTTL", "tenant1:s:" + sid))
            self.assertTrue(0 < ttl <= 60000, ttl)
        finally:
            one.stop()
            two.stop()


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
