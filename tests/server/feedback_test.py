#!/usr/bin/env python3
"""Customer feedback over HTTP, into the log and the report's KPIs.

    feedback_test.py ZARI_BINARY SOURCE_DIR

POST /api/v1/feedback on a real `zari serve --log DB`: a 👎 on an answer
and a CSAT with a comment reach the SQLite feedback table (the comment
masked) and `zari report --format json`'s KPIs; bad kinds, values and JSON
are 400 with a JSON error, an unknown session is 404, GET is 405. After an
operator's takeover, the CSAT row names the operator and the report's
per-operator KPIs count the conversation and its CSAT. No timing assertions.
"""
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from http_api_test import WEDNESDAY, ZARI, Server  # noqa: E402
from operators_test import Operator, add_operator  # noqa: E402


def report_kpis(db):
    r = subprocess.run([ZARI, "report", "--db", db, "--since", "2026-11-01", "--format", "json"],
                       capture_output=True, timeout=120)
    assert r.returncode == 0, r.stderr.decode()
    return json.loads(r.stdout)["kpis"]


def rows(db, sql):
    with sqlite3.connect(db) as c:
        return c.execute(sql).fetchall()


class FeedbackTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.db = os.path.join(self.dir.name, "zari.db")

    def tearDown(self):
        self.dir.cleanup()

    def feedback(self, server, body, status=200):
        return server.json("POST", "/api/v1/feedback", body, status=status)

    def test_ratings_reach_the_log_and_the_kpis(self):
        s = Server("--db", self.db, now=WEDNESDAY)
        try:
            r = s.say("balance", language="en")
            sid = r["session"]
            self.assertEqual(r["intent"], "balance")
            ok = self.feedback(s, {"session": sid, "kind": "helpful", "value": 0})
            self.assertEqual((ok["session"], ok["kind"], ok["value"], ok["logged"]), (sid, "helpful", 0, True))
            self.assertTrue(ok["thanks"])
            self.feedback(s, {"session": sid, "kind": "csat", "value": 2, "comment": "call me on 599 12 34 56"})
            self.feedback(s, {"session": sid, "kind": "CES", "value": 7, "comment": None})
        finally:
            self.assertEqual(s.stop(), 0)
        self.assertEqual(rows(self.db, "SELECT kind, value, intent, language FROM feedback ORDER BY id"),
                         [("helpful", 0, "balance", "en"), ("csat", 2, None, "en"), ("ces", 7, None, "en")])
        comment = rows(self.db, "SELECT comment FROM feedback WHERE kind = 'csat'")[0][0]
        self.assertNotIn("599", comment)
        self.assertIn("[phone]", comment)
        k = report_kpis(self.db)
        self.assertEqual(k["csat"]["responses"], 1)
        self.assertEqual(k["csat"]["average"], 2)
        self.assertEqual(k["ces"]["responses"], 1)
        self.assertEqual(k["helpful"]["responses"], 1)
        self.assertEqual(k["helpful"]["yes"]["numerator"], 0)
        self.assertEqual([(h["intent"], h["responses"]) for h in k["helpful_by_intent"]], [("balance", 1)])

    def test_bad_requests_are_json_errors(self):
        s = Server("--db", self.db, now=WEDNESDAY)
        try:
            sid = s.say("balance", language="en")["session"]
            for body, words in [
                ({"session": sid, "kind": "stars", "value": 5}, "'kind'"),
                ({"session": sid, "kind": "csat", "value": 6}, "1 to 5"),
                ({"session": sid, "kind": "nps", "value": -1}, "0 to 10"),
                ({"session": sid, "kind": "helpful", "value": 0.5}, "whole number"),
                ({"session": sid, "kind": "helpful", "value": True}, "whole number"),
                ({"session": sid, "kind": "helpful", "value": "1"}, "whole number"),
                ({"session": sid, "kind": "csat", "value": 4, "comment": 7}, "'comment'"),
                ({"kind": "csat", "value": 4}, "'session'"),
                ([1, 2], "JSON object"),
            ]:
                err = self.feedback(s, body, status=400)
                self.assertIn(words, err["error"], body)
            code, _, data = s.request("POST", "/api/v1/feedback", "{not json")
            self.assertEqual(code, 400)
            self.assertIn("malformed JSON", json.loads(data)["error"])
            for unknown in ["0123456789abcdef0123456789abcdef", "no/such id"]:
                err = self.feedback(s, {"session": unknown, "kind": "csat", "value": 4}, status=404)
                self.assertEqual(err["error"], "unknown session")
            self.assertEqual(s.json("GET", "/api/v1/feedback", status=405)["error"], "method not allowed (use POST)")
        finally:
            self.assertEqual(s.stop(), 0)
        self.assertEqual(rows(self.db, "SELECT count(*) FROM feedback"), [(0,)])

    def test_csat_after_a_takeover_counts_for_the_operator(self):
        ops = os.path.join(self.dir.name, "operators.json")
        add_operator(ops, "nino", "ნინო", "correct horse battery")
        s = Server("--db", self.db, "--operators", ops, now=WEDNESDAY)
        try:
            sid = s.say("I want to talk to an operator", language="en")["session"]
            nino = Operator(s, "nino", "correct horse battery")
            nino.call("POST", "conversations/%s/join" % sid, {})
            nino.call("POST", "conversations/%s/messages" % sid, {"text": "Done, anything else?"})
            nino.call("POST", "conversations/%s/leave" % sid, {"resolved": True})
            self.feedback(s, {"session": sid, "kind": "csat", "value": 5, "comment": "Nino was quick"})
        finally:
            self.assertEqual(s.stop(), 0)
        self.assertEqual(rows(self.db, "SELECT kind, value, operator_id FROM feedback"), [("csat", 5, "nino")])
        self.assertEqual(rows(self.db, "SELECT operator_id, resolved FROM takeovers"), [("nino", 1)])
        k = report_kpis(self.db)
        self.assertTrue(k["takeovers"])
        ops_kpis = [(o["operator"], o["conversations"], o["csat"]["responses"], o["csat"]["average"])
                    for o in k["operators"]]
        self.assertEqual(ops_kpis, [("nino", 1, 1, 5)])


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
