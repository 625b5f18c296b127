#!/usr/bin/env python3
"""A person actually answers: a whole operator takeover over real sockets.

    operators_test.py ZARI_BINARY SOURCE_DIR

`zari operators add` writes an argon2id hash (never the password); a
visitor asks for a person; the conversation waits in the queue; one
operator logs in (a wrong password is 401, guessing is 429) and joins (a
second operator's join is 409); messages go both ways through the event
endpoints (the visitor's long poll gets the operator's words, the
operators' feed gets the customer's with Zari's suggestions); the server is
killed and restarted on its --store sqlite file in the middle; the
operator leaves and the bot answers again; logout. Security: missing,
forged and expired tokens are 401, cookie calls need the CSRF header,
cross-site calls are 403, hostile texts come back as JSON text, a
visitor cannot read another conversation's events. No timing assertions.
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from http_api_test import WEDNESDAY, ZARI, Server  # noqa: E402

SUNDAY_NIGHT = "2026-11-29T23:30"  # operators offline (Asia/Tbilisi)


def add_operator(path, op_id, name, password, languages="ka,en"):
    r = subprocess.run([ZARI, "operators", "add", path, op_id, "--name", name, "--languages", languages],
                       input=(password + "\n").encode(), capture_output=True, timeout=120)
    assert r.returncode == 0, r.stderr.decode()
    return r


class Operator:
    """An operator's client: bearer token after login."""

    def __init__(self, server, op_id, password):
        self.s = server
        r = server.json("POST", "/api/v1/operator/login", {"id": op_id, "password": password})
        self.token, self.csrf, self.me = r["token"], r["csrf"], r["operator"]
        self.after = 0

    def headers(self):
        return {"Authorization": "Bearer " + self.token}

    def call(self, method, path, body=None, status=200):
        return self.s.json(method, "/api/v1/operator/" + path, body, headers=self.headers(), status=status)

    def events(self, wait=25):
        r = self.call("GET", "events?after=%d&wait=%d" % (self.after, wait))
        self.after = r["next"]
        return r["events"]

    def wait_for(self, predicate, what):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            for e in self.events(wait=5):
                if predicate(e):
                    return e
        raise AssertionError("the operators' feed never had " + what)


def visitor_events(server, session, after=0, wait=25):
    return server.json("GET", "/api/v1/events?session=%s&after=%d&wait=%d" % (session, after, wait))


class TakeoverTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        cls.ops = os.path.join(cls.dir.name, "operators.json")
        cls.db = os.path.join(cls.dir.name, "store.sqlite")
        add_operator(cls.ops, "nino", "ნინო", "correct horse battery")
        add_operator(cls.ops, "aysel", "Aysel", "another secret", languages="az,en")

    @classmethod
    def tearDownClass(cls):
        cls.dir.cleanup()

    def start(self, now=WEDNESDAY):
        return Server("--operators", self.ops, "--store", "sqlite:" + self.db, now=now)

    def test_operators_file_holds_hashes_only(self):
        with open(self.ops, encoding="utf-8") as f:
            text = f.read()
        self.assertNotIn("correct horse battery", text)
        ops = json.loads(text)["operators"]
        self.assertEqual([o["id"] for o in ops], ["nino", "aysel"])
        self.assertTrue(all(o["password"].startswith("$argon2id$") for o in ops))
        self.assertEqual(oct(os.stat(self.ops).st_mode & 0o777), "0o600")
        r = subprocess.run([ZARI, "operators", "add", self.ops, "Bad Id", "--name", "x"], input=b"pw\n",
                           capture_output=True)
        self.assertEqual(r.returncode, 2)

    def test_a_whole_takeover(self):
        s = self.start()
        try:
            # The visitor asks for a person: the conversation waits for an operator.
            r = s.say("ოპერატორთან დამაკავშირეთ")
            sid = r["session"]
            self.assertEqual((r["action"], r["handoff"]["status"]), ("handoff", "waiting"))
            # Logging in: a wrong password is 401.
            bad = s.json("POST", "/api/v1/operator/login", {"id": "nino", "password": "wrong"}, status=401)
            self.assertIn("wrong operator id or password", bad["error"])
            nino = Operator(s, "nino", "correct horse battery")
            self.assertEqual(nino.me["name"], "ნინო")
            q = nino.call("GET", "queue")["conversations"]
            mine = [c for c in q if c["session"] == sid]
            self.assertEqual(len(mine), 1)
            self.assertEqual((mine[0]["status"], mine[0]["reason"], mine[0]["language"]), ("waiting", "requested", "ka"))
            self.assertEqual(mine[0]["transcript"][0]["text"], "ოპერატორთან დამაკავშირეთ")
            # Join; a second operator cannot.
            self.assertEqual(nino.call("POST", "conversations/%s/join" % sid, {})["status"], "joined")
            aysel = Operator(s, "aysel", "another secret")
            r = aysel.call("POST", "conversations/%s/join" % sid, {}, status=409)
            self.assertIn("ნინო", r["error"])
            aysel.call("POST", "conversations/%s/messages" % sid, {"text": "hi"}, status=403)
            # The visitor hears of it and reads the operator's message.
            ev = visitor_events(s, sid)["events"]
            self.assertEqual(ev[0]["type"], "operator_joined")
            self.assertEqual(ev[0]["operator"], "ნინო")
            nino.call("POST", "conversations/%s/messages" % sid, {"text": "გამარჯობა! რით დაგეხმაროთ?"})
            ev = visitor_events(s, sid, after=ev[-1]["seq"])["events"]
            self.assertEqual([(e["type"], e["role"], e["text"]) for e in ev],
                             [("message", "operator", "გამარჯობა! რით დაგეხმაროთ?")])
            last_seq = ev[-1]["seq"]
            # The customer's next words are relayed, with Zari's suggestions for the operator.
            r = s.say("ბალანსი როგორ შევამოწმო?", session=sid)
            self.assertEqual((r["action"], r["reply"]), ("relayed", ""))
            e = nino.wait_for(lambda e: e["type"] == "message" and e.get("session") == sid and "suggestions" in e,
                              "the customer's message")
            self.assertEqual(e["text"], "ბალანსი როგორ შევამოწმო?")
            self.assertEqual(e["suggestions"][0]["intent"], "balance")
            self.assertIn("*100#", e["suggestions"][0]["answer"])  # the answer in Georgian, one click away
            wait_durable(s)
        finally:
            s.stop(signal.SIGKILL)
        # Restarted on the same file: the queue, the takeover and the token are still there.
        s = self.start()
        try:
            nino.s = s
            queue = nino.call("GET", "queue")["conversations"]
            held = [c for c in queue if c["session"] == sid]
            self.assertEqual((held[0]["status"], held[0]["operator"]), ("joined", "nino"))
            nino.call("POST", "conversations/%s/messages" % sid, {"text": "აკრიფეთ *100#"})
            ev = visitor_events(s, sid, after=last_seq)["events"]
            self.assertEqual(ev[-1]["text"], "აკრიფეთ *100#")
            # Leave as resolved: the visitor hears it and the bot answers again.
            nino.call("POST", "conversations/%s/leave" % sid, {"resolved": True})
            ev = visitor_events(s, sid, after=ev[-1]["seq"])["events"]
            self.assertEqual((ev[-1]["type"], ev[-1]["resolved"]), ("operator_left", True))
            self.assertEqual(s.say("How do I check my balance?", session=sid)["action"], "answer")
            self.assertNotIn(sid, [c["session"] for c in nino.call("GET", "queue")["conversations"]])
            nino.call("POST", "logout", {})
            nino.call("GET", "queue", status=401)
        finally:
            s.stop()

    def test_brute_force_is_429(self):
        s = self.start()
        try:
            for _ in range(5):
                s.json("POST", "/api/v1/operator/login", {"id": "aysel", "password": "guess"}, status=401)
            r = s.json("POST", "/api/v1/operator/login", {"id": "aysel", "password": "another secret"}, status=429)
            self.assertIn("too many", r["error"])
            # Another operator from the same address is refused too (5 failures from it).
            s.json("POST", "/api/v1/operator/login", {"id": "nino", "password": "correct horse battery"}, status=429)
        finally:
            s.stop()

    def test_tokens_cookies_and_origins(self):
        s = self.start()
        try:
            for headers in [{}, {"Authorization": "Bearer " + "0" * 64}, {"Authorization": "Bearer short"},
                            {"Cookie": "zari_operator=" + "f" * 64}]:
                with self.subTest(headers=headers):
                    s.json("GET", "/api/v1/operator/queue", headers=headers, status=401)
            code, hdrs, body = s.request("POST", "/api/v1/operator/login",
                                         {"id": "nino", "password": "correct horse battery"})
            self.assertEqual(code, 200)
            cookie = hdrs["set-cookie"]
            self.assertIn("HttpOnly", cookie)
            self.assertIn("SameSite=Strict", cookie)
            token, csrf = json.loads(body)["token"], json.loads(body)["csrf"]
            jar = {"Cookie": "zari_operator=" + token}
            # The cookie alone reads; changing something needs the CSRF token too.
            s.json("GET", "/api/v1/operator/queue", headers=jar)
            sid = s.say("I want to talk to a human")["session"]
            s.json("POST", "/api/v1/operator/conversations/%s/join" % sid, {}, headers=jar, status=401)
            s.json("POST", "/api/v1/operator/conversations/%s/join" % sid, {},
                   headers=dict(jar, **{"X-Zari-CSRF": csrf}))
            # Never from another site, whatever --cors says; no CORS headers either.
            code, hdrs, _ = s.request("GET", "/api/v1/operator/queue",
                                      headers={"Authorization": "Bearer " + token, "Origin": "https://evil.example"})
            self.assertEqual(code, 403)
            self.assertNotIn("access-control-allow-origin", hdrs)
            code, _, _ = s.request("OPTIONS", "/api/v1/operator/queue", headers={"Origin": "https://evil.example"})
            self.assertEqual(code, 403)
            ok = s.json("GET", "/api/v1/operator/queue",
                        headers={"Authorization": "Bearer " + token, "Origin": "http://127.0.0.1:%d" % s.port,
                                 "Host": "127.0.0.1:%d" % s.port})
            self.assertIn("conversations", ok)
        finally:
            s.stop()

    def test_hostile_texts_stay_text(self):
        s = self.start()
        try:
            hostile = "<img src=x onerror=alert(1)> \u202e\"'</script>"
            sid = s.say(hostile + " operator please")["session"]
            op = Operator(s, "nino", "correct horse battery")
            op.call("POST", "conversations/%s/join" % sid, {})
            op.call("POST", "conversations/%s/messages" % sid, {"text": hostile})
            ev = visitor_events(s, sid)["events"]
            self.assertEqual(ev[-1]["text"], hostile)  # exactly as written, as JSON text
            q = op.call("GET", "queue")["conversations"]
            self.assertTrue(any(t["text"].startswith(hostile) for c in q for t in c["transcript"]))
            op.call("POST", "conversations/%s/messages" % sid, {"text": "x" * 5000}, status=400)
            code, _, _ = s.request("POST", "/api/v1/operator/conversations/%s/messages" % sid,
                                   b'{"text": "\xff\xfe"}', headers=op.headers())
            self.assertEqual(code, 400)
            # Another conversation's events cannot be read without its id.
            s.json("GET", "/api/v1/events?session=%s&wait=0" % ("0" * 32), status=404)
        finally:
            s.stop()

    def test_after_hours_requests_wait_marked_with_callbacks(self):
        s = self.start(now=SUNDAY_NIGHT)
        try:
            r = s.say("დამირეკეთ 599 12 34 56-ზე, ოპერატორი მინდა")
            self.assertEqual(r["action"], "after_hours")
            op = Operator(s, "nino", "correct horse battery")
            q = [c for c in op.call("GET", "queue")["conversations"] if c["session"] == r["session"]]
            self.assertEqual((q[0]["status"], q[0]["after_hours"], q[0]["callback"]), ("waiting", True, "599 12 34 56"))
        finally:
            s.stop()


def wait_durable(server, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.json("GET", "/api/v1/health")["store"]["pending"] == 0:
            return
        time.sleep(0.05)
    raise AssertionError("the store still has writes pending")


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
