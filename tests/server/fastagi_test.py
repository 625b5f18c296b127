#!/usr/bin/env python3
"""zari fastagi against a client that speaks AGI exactly as Asterisk does.

    fastagi_test.py ZARI_BINARY SOURCE_DIR

Each call: connect, send the agi_* environment and a blank line, then read
commands one line at a time and answer them as Asterisk's res_agi would
("200 result=1", "200 result=1 (value)", "200 result=0", "510 Invalid or
unknown command", a 520 usage block, "HANGUP", "511 result=-1 …"), and
check the ZARI_* variables. Concurrent calls in ka/az/en and DTMF, speech
n-best via SPEECH_TEXT(n), the default route, hang-ups, garbage, huge lines
and a silent client. No timing assertions.
"""
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
import unittest
from concurrent.futures import ThreadPoolExecutor

ZARI, SRC = sys.argv[1], sys.argv[2]
PACK = os.path.join(SRC, "intents", "telecom")


def environment(args=(), language="en", uniqueid="1732541234.7"):
    env = [
        ("agi_network", "yes"), ("agi_network_script", "route"),
        ("agi_request", "agi://127.0.0.1:4573/route"), ("agi_channel", "PJSIP/trunk-00000007"),
        ("agi_language", language), ("agi_type", "PJSIP"), ("agi_uniqueid", uniqueid),
        ("agi_version", "20.5.0"), ("agi_callerid", "995555123456"), ("agi_calleridname", "unknown"),
        ("agi_callingpres", "0"), ("agi_callingani2", "0"), ("agi_callington", "0"), ("agi_callingtns", "0"),
        ("agi_dnid", "111"), ("agi_rdnis", "unknown"), ("agi_context", "ivr"), ("agi_extension", "s"),
        ("agi_priority", "3"), ("agi_enhanced", "0.0"), ("agi_accountcode", ""), ("agi_threadid", "140213012178688"),
    ]
    env += [("agi_arg_%d" % (i + 1), a) for i, a in enumerate(args)]
    return "".join("%s: %s\n" % kv for kv in env) + "\n"


def unquote(arg):
    """Reads one argument as Asterisk's parse_args does (quotes, backslash escapes)."""
    out, quoted, escaped = [], False, False
    for ch in arg:
        if escaped:
            out.append(ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == '"':
            quoted = not quoted
        else:
            out.append(ch)
    assert not quoted, "unbalanced quotes in %r" % arg
    return "".join(out)


class Asterisk:
    """One call. `channel_vars` answers GET VARIABLE; `script` may override answers."""

    def __init__(self, port, args=(), language="en", channel_vars=None, answer=None):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=60)
        self.file = self.sock.makefile("rwb", buffering=0)
        self.commands, self.vars = [], {}
        self.channel_vars = channel_vars or {}
        self.answer = answer  # callable(command_line, index) -> reply line or None for the default
        self.env = environment(args, language)

    def run(self):
        self.sock.sendall(self.env.encode())
        buf = b""
        while True:
            try:
                chunk = self.sock.recv(4096)
            except ConnectionResetError:
                break
            if not chunk:
                break
            buf += chunk
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                cmd = line.decode()
                self.commands.append(cmd)
                reply = self.answer(cmd, len(self.commands) - 1) if self.answer else None
                if reply is None:
                    reply = self.default_reply(cmd)
                try:
                    self.sock.sendall(reply.encode())
                except OSError:
                    return self
        self.sock.close()
        return self

    def default_reply(self, cmd):
        m = re.match(r"^SET VARIABLE (\S+) (.*)$", cmd)
        if m:
            self.vars[m.group(1)] = unquote(m.group(2))
            return "200 result=1\n"
        m = re.match(r"^GET VARIABLE (\S+)$", cmd)
        if m:
            value = self.channel_vars.get(m.group(1))
            return "200 result=0\n" if value is None else "200 result=1 (%s)\n" % value
        return "510 Invalid or unknown command\n"


class FastAgiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.proc = subprocess.Popen([ZARI, "fastagi", "--pack", PACK, "--listen", "127.0.0.1:0",
                                     "--now", "2026-11-25T11:00", "--timeout", "2", "--default-route", "operator"],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        first = cls.proc.stdout.readline().decode()
        m = re.search(r"on agi://127\.0\.0\.1:(\d+)/", first)
        if not m:
            cls.proc.kill()
            raise RuntimeError("zari fastagi did not start: %r %s" % (first, cls.proc.stderr.read()))
        cls.port = int(m.group(1))

    @classmethod
    def tearDownClass(cls):
        cls.proc.send_signal(signal.SIGTERM)
        out, err = cls.proc.communicate(timeout=120)
        cls.proc.stdout.close()
        assert cls.proc.returncode == 0, (cls.proc.returncode, err)
        assert b"stopped after" in err, err

    def call(self, *args, **kw):
        return Asterisk(self.port, args, **kw).run()

    def assert_routed(self, call, route, intent, language):
        self.assertEqual([c.split(" ")[2] for c in call.commands],
                         ["ZARI_ROUTE", "ZARI_INTENT", "ZARI_CONFIDENCE", "ZARI_LANGUAGE", "ZARI_ACTION", "ZARI_ANSWER"])
        self.assertEqual((call.vars["ZARI_ROUTE"], call.vars["ZARI_INTENT"], call.vars["ZARI_LANGUAGE"]),
                         (route, intent, language))

    def test_transcripts_in_three_languages(self):
        for said, lang_arg, route, intent, lang in [
                ("როგორ შევამოწმო ბალანსი", "", "billing", "balance", "ka"),
                ("balansi rogor shevamowmo", "ka", "billing", "balance", "ka"),
                ("balansımı necə yoxlayım", "", "billing", "balance", "az"),
                ("balansimi nece yoxlayim", "az", "billing", "balance", "az"),
                ("I want to top up my account", "", "billing", "top_up", "en"),
                ("my internet is not working", "en", "tech", "internet_not_working", "en")]:
            with self.subTest(said=said):
                c = self.call(said, lang_arg) if lang_arg else self.call(said)
                self.assert_routed(c, route, intent, lang)
                self.assertEqual(c.vars["ZARI_ACTION"], "answer")
                self.assertRegex(c.vars["ZARI_CONFIDENCE"], r"^[01]\.\d\d$")
                self.assertTrue(c.vars["ZARI_ANSWER"])

    def test_dtmf(self):
        c = self.call("1", language="ka")
        self.assert_routed(c, "billing", "balance", "ka")
        c = self.call("5", language="en")  # agi_language is the hint for digits
        self.assert_routed(c, "roaming", "roaming", "en")
        c = self.call("0")
        self.assertEqual((c.vars["ZARI_ROUTE"], c.vars["ZARI_INTENT"], c.vars["ZARI_ACTION"]),
                         ("general", "operator", "handoff"))

    def test_default_route(self):
        c = self.call("blorp flux quantum")
        self.assertEqual((c.vars["ZARI_ROUTE"], c.vars["ZARI_INTENT"]), ("operator", ""))
        self.assertEqual(c.vars["ZARI_ACTION"], "fallback")
        c = self.call("hello")  # an intent without a route
        self.assertEqual(c.vars["ZARI_ROUTE"], "operator")
        c = self.call("99")  # an unknown key
        self.assertEqual(c.vars["ZARI_ROUTE"], "operator")

    def test_speech_variables_and_n_best(self):
        # No agi_arg_1: Zari asks for SPEECH_TEXT(0), the score, and the alternatives.
        c = self.call(channel_vars={"SPEECH_TEXT(0)": "blorp flux", "SPEECH_SCORE(0)": "612",
                                    "SPEECH_TEXT(1)": "roaming abroad", "SPEECH_SCORE(1)": "588"})
        self.assertEqual(c.commands[:4], ["GET VARIABLE SPEECH_TEXT(0)", "GET VARIABLE SPEECH_SCORE(0)",
                                          "GET VARIABLE SPEECH_TEXT(1)", "GET VARIABLE SPEECH_TEXT(2)"])
        self.assertEqual((c.vars["ZARI_ROUTE"], c.vars["ZARI_INTENT"]), ("roaming", "roaming"))
        # Nothing recognized: the default route, with the fallback text.
        c = self.call("")
        self.assertEqual(c.commands[0], "GET VARIABLE SPEECH_TEXT(0)")
        self.assertEqual((c.vars["ZARI_ROUTE"], c.vars["ZARI_ACTION"]), ("operator", "fallback"))
        # Parentheses inside the value.
        c = self.call(channel_vars={"SPEECH_TEXT(0)": "roaming (abroad)"})
        self.assertEqual(c.vars["ZARI_INTENT"], "roaming")

    def test_quoting_of_the_answer(self):
        c = self.call("how do I set up the APN")
        answer = c.vars["ZARI_ANSWER"]
        self.assertIn("internet.zari", answer)
        self.assertNotIn("\n", answer)
        raw = [x for x in c.commands if x.startswith("SET VARIABLE ZARI_ANSWER ")][0]
        self.assertTrue(raw.endswith('"'))
        self.assertLessEqual(len(raw.encode()), 2048)  # Asterisk's AGI command buffer

    def test_asterisk_errors_do_not_stop_the_call(self):
        def answer(cmd, i):
            if i == 0:
                return "510 Invalid or unknown command\n"
            if i == 1:
                return ("520-Invalid command syntax.  Proper usage follows:\n"
                        " Usage: SET VARIABLE <variablename> <value>\n"
                        "520 End of proper usage.\n")
            return None
        c = self.call("balance", answer=answer)
        self.assertEqual(len(c.commands), 6)
        self.assertEqual(c.vars["ZARI_LANGUAGE"], "en")

    def test_hangups(self):
        c = self.call("balance", answer=lambda cmd, i: "HANGUP\n" if i == 1 else None)
        self.assertEqual(len(c.commands), 2)
        c = self.call(answer=lambda cmd, i: "511 result=-1 Command Not Permitted on a dead channel or "
                                            "intercept routine\n")
        self.assertEqual(c.commands, ["GET VARIABLE SPEECH_TEXT(0)"])
        # The caller hangs up (Asterisk closes) before the environment ends.
        with socket.create_connection(("127.0.0.1", self.port), timeout=60) as s:
            s.sendall(b"agi_network: yes\nagi_arg_1: bal")
        # … and mid-call, after the first command.
        with socket.create_connection(("127.0.0.1", self.port), timeout=60) as s:
            s.sendall(environment(["balance"]).encode())
            s.recv(100)
        self.assertEqual(self.call("balance").vars["ZARI_ROUTE"], "billing")

    def test_garbage_huge_lines_and_silence(self):
        for junk in [b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", bytes(range(256)) * 10, b"agi_arg_1: " + b"x" * 100000 + b"\n",
                     b"\n" * 10 + b"y" * 20000]:
            with socket.create_connection(("127.0.0.1", self.port), timeout=60) as s:
                try:
                    s.sendall(junk)
                    s.shutdown(socket.SHUT_WR)
                    while s.recv(4096):  # the server closes the connection
                        pass
                except OSError:  # closed (or reset) by the server while we were still sending
                    pass
        # A client that never speaks is dropped after --timeout.
        with socket.create_connection(("127.0.0.1", self.port), timeout=60) as s:
            self.assertEqual(s.recv(100), b"")
        with socket.create_connection(("127.0.0.1", self.port), timeout=60) as s:
            s.sendall(environment([]).encode())
            self.assertEqual(s.recv(100), b"GET VARIABLE SPEECH_TEXT(0)\n")
            self.assertEqual(s.recv(100), b"")  # no answer from "Asterisk": timed out
        self.assertEqual(self.call("balance").vars["ZARI_ROUTE"], "billing")

    def test_concurrent_calls(self):
        cases = [("როუმინგი", "ka", "roaming", "ka"), ("balansimi nece yoxlayim", "", "billing", "az"),
                 ("how can I see my balance", "en", "billing", "en"), ("2", "", "billing", "ka"),
                 ("blorp flux", "", "operator", None), ("SIM kartımı itirdim", "", "sim", "az")]

        def one(i):
            said, lang, route, language = cases[i % len(cases)]
            c = Asterisk(self.port, [said, lang] if lang else [said], language="xx").run()
            got = c.vars.get("ZARI_LANGUAGE")
            # Gibberish has no language: any of the pack's will do.
            return c.vars.get("ZARI_ROUTE") == route and (got == language or (language is None and got in
                                                                               ("ka", "az", "en")))

        with ThreadPoolExecutor(max_workers=24) as pool:
            results = list(pool.map(one, range(120)))
        self.assertEqual(results.count(True), 120)


class SurveyTest(unittest.TestCase):
    """agi://HOST/survey: a post-call survey keyed on the phone, stored in the log."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="zari-survey-")
        self.db = os.path.join(self.tmp, "log.db")
        self.proc = subprocess.Popen([ZARI, "fastagi", "--pack", PACK, "--listen", "127.0.0.1:0", "--db", self.db,
                                      "--now", "2026-11-25T11:00", "--timeout", "2"],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        m = re.search(r"on agi://127\.0\.0\.1:(\d+)/", self.proc.stdout.readline().decode())
        if not m:
            self.proc.kill()
            raise RuntimeError("zari fastagi did not start: %s" % self.proc.stderr.read())
        self.port = int(m.group(1))

    def tearDown(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()
        shutil.rmtree(self.tmp, True)

    def call(self, script, args, uniqueid, language="ka"):
        c = Asterisk(self.port, args, language=language)
        c.env = c.env.replace("agi_network_script: route", "agi_network_script: " + script)
        c.env = c.env.replace("agi_uniqueid: 1732541234.7", "agi_uniqueid: " + uniqueid)
        return c.run()

    def test_a_routed_call_then_its_survey(self):
        routed = self.call("route", ["როგორ შევამოწმო ბალანსი"], "1732600000.1")
        self.assertEqual(routed.vars["ZARI_INTENT"], "balance")
        asked = self.call("survey", ["csat"], "1732600000.1")
        self.assertEqual([c.split(" ")[2] for c in asked.commands], ["ZARI_ACTION", "ZARI_LANGUAGE", "ZARI_ANSWER"])
        self.assertEqual(asked.vars["ZARI_ACTION"], "survey")
        self.assertIn("1-დან 5-მდე", asked.vars["ZARI_ANSWER"])
        done = self.call("survey", ["csat", "4"], "1732600000.1")
        self.assertEqual((done.vars["ZARI_ACTION"], done.vars["ZARI_LANGUAGE"]), ("feedback", "ka"))
        self.assertIn("მადლობა", done.vars["ZARI_ANSWER"])
        self.assertNotIn("ZARI_ROUTE", done.vars)  # the call's routing is left as it was
        self.assertEqual(self.call("survey", ["nps", "10", "en"], "1732600000.2", language="xx").vars["ZARI_LANGUAGE"],
                         "en")
        self.assertEqual(self.call("survey", ["helpful", "1"], "1732600000.3", language="az").vars["ZARI_ACTION"],
                         "feedback")
        for args in (["csat", "9"], ["csat", "#"], ["stars", "5"], []):
            self.assertEqual(self.call("survey", args, "1732600000.9").vars["ZARI_ACTION"], "invalid", args)
        self.proc.send_signal(signal.SIGTERM)  # flushes the log
        _, err = self.proc.communicate(timeout=120)
        self.assertEqual(self.proc.returncode, 0, err)
        con = sqlite3.connect(self.db)
        try:
            rows = con.execute("SELECT session, channel, language, kind, value FROM feedback ORDER BY id").fetchall()
            turns = con.execute("SELECT sum(turns) FROM turn_counts").fetchone()[0]
        finally:
            con.close()
        self.assertEqual(rows, [("1732600000.1", "ivr", "ka", "csat", 4), ("1732600000.2", "ivr", "en", "nps", 10),
                                ("1732600000.3", "ivr", "az", "helpful", 1)])
        self.assertEqual(turns, 1)  # a survey is not a turn of the conversation


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
