#!/usr/bin/env python3
"""zari serve over real HTTP, as a web back end or a browser calls it.

    http_api_test.py ZARI_BINARY SOURCE_DIR

Starts servers on free loopback ports (--listen 127.0.0.1:0, the port read
from the first line of stdout) and checks: replies in ka/az/en, 4xx JSON
errors (malformed JSON 400, oversized 413, unknown path 404, wrong method
405), session continuity and expiry, CORS, the webhook with a retry, the
widget and demo page, after hours, SIGHUP reload (a broken pack keeps the
old one serving), the log flushed on SIGTERM. No timing assertions: waits
are for events, with generous limits.
"""
import http.client
import http.server
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import unittest

ZARI, SRC = sys.argv[1], sys.argv[2]
PACK = os.path.join(SRC, "intents", "telecom")
WEDNESDAY = "2026-11-25T11:00"  # operators online (Asia/Tbilisi)
SUNDAY = "2026-11-29T12:00"     # closed
AMBIGUOUS = ["internet", "data", "package", "calls", "plan"]  # one of them clarifies


class Server:
    """A running `zari serve`; stderr is collected for assertions."""

    def __init__(self, *args, pack=PACK, now=WEDNESDAY):
        cmd = [ZARI, "serve", "--pack", pack, "--listen", "127.0.0.1:0"]
        if now:
            cmd += ["--now", now]
        self.proc = subprocess.Popen(cmd + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.stderr_lines = []
        self._stderr_cv = threading.Condition()
        self._reader = threading.Thread(target=self._read_stderr, daemon=True)
        self._reader.start()
        first = self.proc.stdout.readline().decode()
        m = re.search(r"on http://127\.0\.0\.1:(\d+)/", first)
        if not m:
            self.proc.kill()
            self.proc.wait()
            self._reader.join(timeout=30)  # all of stderr, for the message
            raise RuntimeError("zari serve did not start: %r %s" % (first, self.stderr()))
        self.port = int(m.group(1))

    def _read_stderr(self):
        for line in self.proc.stderr:
            with self._stderr_cv:
                self.stderr_lines.append(line.decode(errors="replace"))
                self._stderr_cv.notify_all()

    def stderr(self):
        with self._stderr_cv:
            return "".join(self.stderr_lines)

    def wait_stderr(self, pattern, timeout=60):
        deadline = time.monotonic() + timeout
        with self._stderr_cv:
            while not re.search(pattern, "".join(self.stderr_lines)):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError("no %r in stderr: %s" % (pattern, "".join(self.stderr_lines)))
                self._stderr_cv.wait(left)

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            if isinstance(body, (dict, list)):
                body = json.dumps(body, ensure_ascii=False).encode()
            elif isinstance(body, str):
                body = body.encode()
            conn.request(method, path, body=body, headers=headers or {})
            r = conn.getresponse()
            data = r.read()
            return r.status, dict((k.lower(), v) for k, v in r.getheaders()), data
        finally:
            conn.close()

    def json(self, method, path, body=None, headers=None, status=200):
        code, hdrs, data = self.request(method, path, body, headers)
        assert code == status, (code, data)
        assert hdrs.get("content-type", "").startswith("application/json"), hdrs
        return json.loads(data)

    def say(self, text, session=None, **extra):
        body = {"text": text}
        if session:
            body["session"] = session
        body.update(extra)
        return self.json("POST", "/api/v1/message", body)

    def stop(self, sig=signal.SIGTERM):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        code = self.proc.wait(timeout=120)
        self._reader.join(timeout=30)
        self.proc.stdout.close()
        self.proc.stderr.close()
        return code


class Receiver:
    """A webhook receiver: answers 500 to the first `failures` POSTs."""

    def __init__(self, failures=0):
        self.bodies, self.headers, self.failures = [], [], failures
        self.cv = threading.Condition()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with outer.cv:
                    outer.bodies.append(body)
                    outer.headers.append(dict(self.headers))
                    fail = outer.failures > 0
                    outer.failures -= 1
                    outer.cv.notify_all()
                self.send_response(500 if fail else 204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def wait(self, count, timeout=60):
        deadline = time.monotonic() + timeout
        with self.cv:
            while len(self.bodies) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError("webhook got %d of %d POSTs" % (len(self.bodies), count))
                self.cv.wait(left)

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class HttpApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s = Server("--cors", "https://shop.example.ge/", "--cors", "http://localhost:3000", "--max-body", "4096")

    @classmethod
    def tearDownClass(cls):
        code = cls.s.stop()
        assert code == 0, (code, cls.s.stderr())

    def test_replies_in_three_languages(self):
        for text, lang in [("როგორ შევამოწმო ბალანსი?", "ka"), ("balansi rogor shevamowmo", "ka"),
                           ("balansımı necə yoxlayım", "az"), ("balansimi nece yoxlayim", "az"),
                           ("How do I check my balance?", "en")]:
            with self.subTest(text=text):
                r = self.s.say(text)
                self.assertEqual((r["action"], r["intent"], r["language"], r["route"]),
                                 ("answer", "balance", lang, "billing"))
                self.assertRegex(r["session"], r"^[0-9a-f]{32}$")
                self.assertTrue(r["new_session"])
                for key in ["reply", "confidence", "slots", "options", "candidates", "explanation"]:
                    self.assertIn(key, r)

    def test_language_field(self):
        r = self.s.say("balance", language="en")
        self.assertEqual(r["language"], "en")
        r = self.s.json("POST", "/api/v1/message", {"text": "x", "language": "fr"}, status=400)
        self.assertIn("unknown language", r["error"])
        # A BCP 47 tag, as a browser's navigator.language gives it.
        r = self.s.say("balance", language="ka-GE")
        self.assertEqual(r["language"], "ka")

    def test_malformed_requests(self):
        for body in [b"{", b"not json", b"[]", b"{}", b'{"text": 1}', b'{"text": "a", "session": "../x"}',
                     b'{"text": "\xff"}']:
            with self.subTest(body=body):
                r = self.s.json("POST", "/api/v1/message", body, status=400)
                self.assertIsInstance(r["error"], str)

    def test_oversized_body(self):
        r = self.s.json("POST", "/api/v1/message", {"text": "a" * 5000}, status=413)
        self.assertIn("4096", r["error"])
        # The server is fine afterwards.
        self.assertEqual(self.s.say("balance")["intent"], "balance")

    def test_not_found_and_method(self):
        r = self.s.json("GET", "/api/v1/nope", status=404)
        self.assertEqual(r["error"], "not found")
        code, hdrs, _ = self.s.request("GET", "/api/v1/message")
        self.assertEqual(code, 405)
        self.assertEqual(hdrs.get("allow"), "POST")

    def test_garbage_on_the_socket(self):
        for junk in [b"\x00\x01\x02garbage\r\n\r\n", b"GET / HTTP/9.9\r\n" + b"X: " + b"y" * 100000 + b"\r\n\r\n",
                     b"POST /api/v1/message HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n"]:
            with socket.create_connection(("127.0.0.1", self.s.port), timeout=30) as c:
                c.sendall(junk)
                try:
                    c.shutdown(socket.SHUT_WR)
                    c.recv(65536)
                except OSError:
                    pass
        self.assertEqual(self.s.say("balance")["intent"], "balance")

    def test_session_continuity(self):
        # A word the sample pack finds ambiguous (the matcher keeps being tuned).
        for word in AMBIGUOUS:
            r = self.s.say(word)
            if r["action"] == "clarify" and len(r["options"]) >= 2:
                break
        self.assertEqual(r["action"], "clarify")
        sid = r["session"]
        self.assertGreaterEqual(len(r["options"]), 2)
        option = r["options"][-1]
        r = self.s.say(option["label"], sid)  # what a quick-reply button sends
        self.assertEqual((r["session"], r["new_session"], r["action"], r["intent"]),
                         (sid, False, "answer", option["intent"]))
        # Two misses in a row hand off (escalation.after_misses: 2).
        self.assertEqual(self.s.say("qwerty zxcvb", sid)["action"], "fallback")
        r = self.s.say("asdfgh lkjhg", sid)
        self.assertEqual((r["action"], r["handoff_reason"]), ("handoff", "misses"))
        self.assertEqual(r["handoff"]["status"], "not_configured")

    def test_cors(self):
        code, hdrs, _ = self.s.request("OPTIONS", "/api/v1/message",
                                       headers={"Origin": "https://shop.example.ge",
                                                "Access-Control-Request-Method": "POST"})
        self.assertEqual(code, 204)
        self.assertEqual(hdrs.get("access-control-allow-origin"), "https://shop.example.ge")
        self.assertIn("POST", hdrs.get("access-control-allow-methods", ""))
        self.assertIn("Content-Type", hdrs.get("access-control-allow-headers", ""))
        code, hdrs, _ = self.s.request("POST", "/api/v1/message", {"text": "hi"},
                                       headers={"Origin": "https://shop.example.ge"})
        self.assertEqual(hdrs.get("access-control-allow-origin"), "https://shop.example.ge")
        self.assertEqual(hdrs.get("vary"), "Origin")
        code, hdrs, _ = self.s.request("POST", "/api/v1/message", {"text": "hi"},
                                       headers={"Origin": "https://evil.example"})
        self.assertNotIn("access-control-allow-origin", hdrs)

    def test_widget_and_demo_page(self):
        code, hdrs, body = self.s.request("GET", "/widget.js")
        self.assertEqual(code, 200)
        self.assertTrue(hdrs["content-type"].startswith("application/javascript"))
        self.assertIn(b"attachShadow", body)
        code, hdrs, body = self.s.request("GET", "/")
        self.assertEqual(code, 200)
        self.assertTrue(hdrs["content-type"].startswith("text/html"))
        self.assertIn(b'src="widget.js"', body)

    def test_welcome_and_health(self):
        w = self.s.json("GET", "/api/v1/welcome")
        self.assertEqual(w["languages"], ["ka", "az", "en"])
        self.assertTrue(w["operators_online"])
        self.assertIn("Zari Mobile", w["welcome"]["en"])
        h = self.s.json("GET", "/api/v1/health")
        self.assertEqual(h["status"], "ok")
        self.assertEqual((h["pack"]["name"], h["pack"]["version"]), ("Zari Mobile", "2026.11"))
        for key in ["uptime_s", "sessions", "log", "webhook", "reloads", "requests"]:
            self.assertIn(key, h)


class SessionExpiryTest(unittest.TestCase):
    def test_idle_session_expires(self):
        s = Server("--session-ttl", "1")
        try:
            r = s.say("qwerty zxcvb")
            sid = r["session"]
            self.assertEqual(r["action"], "fallback")
            time.sleep(2.5)  # past the idle timeout (not a timing assertion: any longer wait is fine)
            r = s.say("asdfgh lkjhg", sid)
            # A new conversation: the earlier miss is forgotten, so no handoff.
            self.assertTrue(r["new_session"])
            self.assertNotEqual(r["session"], sid)
            self.assertEqual(r["action"], "fallback")
            h = s.json("GET", "/api/v1/health")
            self.assertGreaterEqual(h["sessions"]["expired"], 1)
        finally:
            self.assertEqual(s.stop(), 0)

    def test_bounded_session_count(self):
        s = Server("--max-sessions", "3")
        try:
            ids = [s.say("hello")["session"] for _ in range(5)]
            h = s.json("GET", "/api/v1/health")
            self.assertEqual(h["sessions"]["active"], 3)
            self.assertEqual(h["sessions"]["evicted"], 2)
            self.assertTrue(s.say("hello", ids[0])["new_session"])      # the oldest went first
            self.assertFalse(s.say("hello", ids[4])["new_session"])
        finally:
            self.assertEqual(s.stop(), 0)


class WebhookTest(unittest.TestCase):
    def test_handoff_delivered_with_a_retry(self):
        rx = Receiver(failures=1)
        s = Server("--webhook", "http://127.0.0.1:%d/zari/handoff" % rx.port, "--webhook-retries", "3")
        try:
            r = s.say("ოპერატორთან დამაკავშირეთ")
            self.assertEqual((r["action"], r["intent"], r["language"]), ("handoff", "operator", "ka"))
            self.assertEqual(r["handoff"]["status"], "queued")
            rx.wait(2)  # the first attempt got a 500, the second a 204
            first, second = (json.loads(b) for b in rx.bodies[:2])
            self.assertEqual(first, second)
            self.assertEqual(first["session"], r["session"])
            self.assertEqual((first["channel"], first["reason"], first["intent"], first["language"]),
                             ("web", "requested", "operator", "ka"))
            self.assertTrue(first["within_hours"])
            self.assertEqual(first["transcript"][0]["text"], "ოპერატორთან დამაკავშირეთ")
            self.assertEqual(rx.headers[0]["X-Zari-Delivery"], rx.headers[1]["X-Zari-Delivery"])
            self.assertEqual((rx.headers[0]["X-Zari-Attempt"], rx.headers[1]["X-Zari-Attempt"]), ("1", "2"))
            deadline = time.monotonic() + 60
            while True:
                h = s.json("GET", "/api/v1/health")["webhook"]
                if h["delivered"] == 1 or time.monotonic() > deadline:
                    break
                time.sleep(0.05)
            self.assertEqual((h["delivered"], h["retries"], h["failed"]), (1, 1, 0))
        finally:
            self.assertEqual(s.stop(), 0)
            rx.close()

    def test_after_hours_no_webhook(self):
        rx = Receiver()
        s = Server("--webhook", "http://127.0.0.1:%d/h" % rx.port, now=SUNDAY)
        try:
            r = s.say("operator")
            self.assertEqual(r["action"], "after_hours")
            self.assertEqual(r["handoff"]["status"], "after_hours")
            self.assertIn("09:00", r["reply"])  # "back tomorrow at 09:00"
        finally:
            self.assertEqual(s.stop(), 0)
            rx.close()
        self.assertEqual(rx.bodies, [])

    def test_bad_webhook_url_is_refused(self):
        p = subprocess.run([ZARI, "serve", "--pack", PACK, "--listen", "127.0.0.1:0", "--webhook", "ftp://x/"],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 2)
        self.assertIn("--webhook", p.stderr)


class ReloadAndLogTest(unittest.TestCase):
    def test_sighup_reload_keeps_serving_on_a_broken_pack(self):
        tmp = tempfile.mkdtemp(prefix="zari-reload-")
        try:
            pack = os.path.join(tmp, "telecom")
            shutil.copytree(PACK, pack)
            db = os.path.join(tmp, "log.db")
            s = Server("--db", db, pack=pack)
            try:
                before = s.say("balance")["reply"]
                meta = os.path.join(pack, "pack.yaml")
                good = open(meta, encoding="utf-8").read()
                with open(meta, "w", encoding="utf-8") as f:
                    f.write(good + "\nthis is: [not valid yaml\n")
                s.proc.send_signal(signal.SIGHUP)
                s.wait_stderr(r"reload failed, still serving")
                self.assertEqual(s.say("balance")["reply"], before)
                h = s.json("GET", "/api/v1/health")["reloads"]
                self.assertEqual((h["ok"], h["failed"]), (0, 1))
                self.assertIn("pack.yaml", h["last_error"])
                # A fixed pack with a changed answer is picked up.
                billing = os.path.join(pack, "intents", "billing.yaml")
                text = open(billing, encoding="utf-8").read()
                self.assertIn(before, text)
                with open(billing, "w", encoding="utf-8") as f:
                    f.write(text.replace(before, "RELOADED " + before))
                with open(meta, "w", encoding="utf-8") as f:
                    f.write(good)
                s.proc.send_signal(signal.SIGHUP)
                s.wait_stderr(r"reloaded pack 'Zari Mobile'")
                self.assertEqual(s.say("balance")["reply"], "RELOADED " + before)
                # Sessions survive a reload.
                sid = s.say("qwerty zxcvb")["session"]
                s.proc.send_signal(signal.SIGHUP)
                s.wait_stderr(r"(?s)reloaded pack.*reloaded pack")
                self.assertEqual(s.say("asdfgh lkjhg", sid)["action"], "handoff")
            finally:
                self.assertEqual(s.stop(signal.SIGINT), 0)
            # SIGINT flushed the log: the misses and the handoff are in it.
            with sqlite3.connect(db) as c:
                unresolved = [r[0] for r in c.execute("SELECT text FROM unresolved ORDER BY id")]
                handoffs = [r[0] for r in c.execute("SELECT reason FROM handoffs")]
            self.assertEqual(unresolved, ["qwerty zxcvb", "asdfgh lkjhg"])
            self.assertEqual(handoffs, ["misses"])
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def test_bad_options(self):
        for args in [["--pack", PACK, "--listen", "nowhere"], ["--pack", "/nonexistent", "--listen", "127.0.0.1:0"],
                     ["--pack", PACK, "--listen", "127.0.0.1:0", "--now", "yesterday"]]:
            cmd = [ZARI, "serve"] + args
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
            self.assertNotEqual(p.returncode, 0, args)
            self.assertTrue(p.stderr.startswith("zari: "), p.stderr)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
