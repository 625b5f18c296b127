"""A person takes a conversation over: waiting, joined (relayed replies with
the bot's answers as suggestions), left; BusyError; export/restore in the
middle of a takeover; the takeover in the SQLite log."""

import json
import os
import sqlite3
import subprocess
import sys
import unittest

import support
import zari


class TakeoverTest(unittest.TestCase):
    def setUp(self):
        self.now = support.OPEN
        self.handoffs = []
        self.engine = zari.Engine(support.PACK, clock=lambda: self.now, on_handoff=self.handoffs.append)
        self.addCleanup(self.engine.close)

    def test_waiting_joined_left(self):
        with self.engine.session("chat-1") as s:
            self.assertEqual(s.handoff_state, zari.HandoffState.NONE)
            self.assertEqual((s.handoff_reason, s.handoff_since, s.operator_id, s.operator_name),
                             (None, None, None, None))
            self.assertFalse(s.operator_active)
            self.assertEqual(s.respond("I want to talk to an operator").action, zari.Action.HANDOFF)
            self.assertEqual(len(self.handoffs), 1)  # the callback as before
            self.assertEqual(s.handoff_state, "waiting")
            self.assertEqual((s.handoff_reason, s.handoff_since), ("requested", support.OPEN))

            self.now += 60
            s.operator_join("op-7", "Nino")
            self.assertTrue(s.operator_active)
            self.assertEqual(s.handoff_state, zari.HandoffState.JOINED)
            self.assertEqual((s.operator_id, s.operator_name, s.handoff_since), ("op-7", "Nino", support.OPEN + 60))
            self.assertEqual(s.handoff_reason, "requested")

            r = s.respond("ბალანსი როგორ შევამოწმო?")
            self.assertEqual(r.action, zari.Action.RELAYED)
            self.assertEqual((r.reply, r.intent, r.language), ("", None, "ka"))
            best = r.candidates[0]
            self.assertEqual(best["intent"], "balance")
            self.assertTrue(best["answer"].startswith("აკრიფეთ *100#"))  # the bot's answer, in Georgian
            # Asking for a person while one is there is just relayed.
            r = s.respond("operator please")
            self.assertEqual(r.action, zari.Action.RELAYED)
            self.assertEqual(r.candidates[0]["intent"], "operator")
            self.assertIsNone(r.candidates[0]["answer"])
            self.assertEqual(len(self.handoffs), 1)

            s.operator_message("აკრიფეთ *100#, უფასოა.")
            s.operator_leave(resolved=True)
            self.assertEqual(s.handoff_state, zari.HandoffState.NONE)
            self.assertIsNone(s.operator_id)
            r = s.respond("How do I check my balance?")
            self.assertEqual((r.action, r.intent), (zari.Action.ANSWER, "balance"))
            self.assertNotIn("answer", r.candidates[0])  # only relayed replies carry answers

            # The operator's words are in the next handoff's transcript.
            s.respond("operator please")
            roles = [(t["role"], t["text"]) for t in self.handoffs[-1].transcript]
            self.assertIn(("operator", "აკრიფეთ *100#, უფასოა."), roles)

    def test_busy_and_invalid(self):
        with self.engine.session("c") as s:
            with self.assertRaises(zari.BusyError) as cm:
                s.operator_message("hello")
            self.assertEqual(cm.exception.status, zari.Status.EBUSY)
            self.assertIn("no operator", str(cm.exception))
            with self.assertRaises(zari.BusyError):
                s.operator_leave(False)
            with self.assertRaises(zari.InvalidArgumentError):
                s.operator_join("")
            with self.assertRaises(zari.InvalidArgumentError):
                s.operator_join("x" * 257)
            with self.assertRaises(zari.InvalidArgumentError):
                s.operator_join("op\0x")
            with self.assertRaises(TypeError):
                s.operator_join(None)
            s.operator_join("op-1")  # a conversation that was not waiting
            self.assertEqual((s.operator_name, s.handoff_reason), ("", None))
            s.operator_join("op-1", "Nino")  # the same operator again
            self.assertEqual(s.operator_name, "Nino")
            with self.assertRaises(zari.BusyError) as cm:
                s.operator_join("op-2", "Aysel")
            self.assertIn("op-1", cm.exception.message)
            self.assertIsInstance(cm.exception, zari.ZariError)
            self.assertEqual(zari.status_str(zari.Status.EBUSY), "conversation busy")
            s.close()
            with self.assertRaises(zari.ClosedError):
                s.operator_join("op-1")
            with self.assertRaises(zari.ClosedError):
                s.operator_active

    def test_restored_in_another_process_continues_the_takeover(self):
        with self.engine.session("exp") as s:
            s.respond("asdf qwerty zxcv")
            s.respond("qwerty asdf zxcv")  # two misses: waiting
            self.assertEqual((s.handoff_state, s.handoff_reason), ("waiting", "misses"))
            waiting = s.export()
        code = (
            "import sys, zari\n"
            "e = zari.Engine(sys.argv[1], clock=%d)\n"
            "s = e.restore(sys.stdin.read())\n"
            "assert s.handoff_state == zari.HandoffState.WAITING, s.handoff_state\n"
            "s.operator_join('op-9', 'Aysel')\n"
            "assert s.respond('salam, balansimi nece yoxlaya bilerem').action == zari.Action.RELAYED\n"
            "s.operator_message('Salam!')\n"
            "print(s.export())\n" % support.OPEN)
        out = subprocess.run([sys.executable, "-c", code, support.PACK], input=waiting, capture_output=True,
                             text=True, env=support.subprocess_env(), check=True).stdout
        state = json.loads(out)
        self.assertEqual((state["handoff"], state["operator_id"]), ("joined", "op-9"))
        with self.engine.restore(out) as joined:
            self.assertEqual((joined.operator_id, joined.operator_name), ("op-9", "Aysel"))
            self.assertEqual(joined.respond("təşəkkürlər").action, zari.Action.RELAYED)
            with self.assertRaises(zari.BusyError):
                joined.operator_join("op-1")
            joined.operator_leave(True)
            self.assertEqual(joined.respond("How do I check my balance?").action, zari.Action.ANSWER)


class TakeoverLogTest(support.TempDirTest):
    def test_takeover_row_masked(self):
        db = os.path.join(self.tmp, "zari.db")
        with zari.Engine(support.PACK, log_db=db, clock=support.OPEN) as engine, engine.session("t-1") as s:
            s.respond("I want to talk to an operator")
            s.operator_join("op-7", "Nino")
            s.respond("my number is 599 12 34 56")
            s.operator_message("card 4111 1111 1111 1111 is blocked")
            s.operator_leave(False)
        con = sqlite3.connect(db)
        self.addCleanup(con.close)
        self.assertEqual(con.execute("PRAGMA user_version").fetchone()[0], 4)
        row = con.execute("SELECT session, operator_id, joined_ts, left_ts, resolved, transcript, pack"
                          " FROM takeovers").fetchall()
        self.assertEqual(len(row), 1)
        session, op, joined, left, resolved, transcript, pack = row[0]
        self.assertEqual((session, op, joined, left, resolved, pack),
                         ("t-1", "op-7", support.OPEN, support.OPEN, 0, "Zari Mobile"))
        self.assertEqual([(t["role"], t["text"]) for t in json.loads(transcript)],
                         [("user", "my number is [phone]"), ("operator", "card [card] is blocked")])
        counts = dict(con.execute("SELECT action, sum(turns) FROM turn_counts GROUP BY 1").fetchall())
        self.assertEqual(counts, {"handoff": 1, "relayed": 1})
        self.assertEqual(con.execute("SELECT count(*) FROM unresolved").fetchone()[0], 0)


if __name__ == "__main__":
    unittest.main()
