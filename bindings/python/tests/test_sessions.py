"""Sessions with a fixed clock: handoffs inside hours (callback with reason
and transcript), after-hours replies, export/restore, the SQLite log."""

import os
import sqlite3
import unittest

import support
import zari


class InsideHoursTest(unittest.TestCase):
    def setUp(self):
        self.handoffs = []
        self.engine = zari.Engine(support.PACK, clock=lambda: support.OPEN, on_handoff=self.handoffs.append)
        self.addCleanup(self.engine.close)

    def test_requested_handoff_in_georgian(self):
        with self.engine.session("visitor-1", channel="web") as s:
            r = s.respond("გამარჯობა")
            self.assertEqual(r.language, "ka")
            r = s.respond("ოპერატორთან დამაკავშირეთ")
            self.assertEqual(r.action, zari.Action.HANDOFF)
            self.assertEqual(r.language, "ka")
        self.assertEqual(len(self.handoffs), 1)
        h = self.handoffs[0]
        self.assertIsInstance(h, zari.Handoff)
        self.assertEqual((h.session, h.channel, h.language, h.reason, h.intent),
                         ("visitor-1", "web", "ka", "requested", "operator"))
        self.assertEqual(h.ts, support.OPEN)
        self.assertEqual(h.transcript[0], {"role": "user", "text": "გამარჯობა", "ts": support.OPEN})
        self.assertIn({"role": "user", "text": "ოპერატორთან დამაკავშირეთ", "ts": support.OPEN}, h.transcript)
        self.assertEqual({t["role"] for t in h.transcript}, {"user", "bot"})
        d = h.to_dict()
        self.assertEqual((d["reason"], d["session"], d["transcript"]), ("requested", "visitor-1", h.transcript))
        self.assertIn("requested", repr(h))

    def test_misses_handoff_in_azerbaijani(self):
        with self.engine.session("az-1", channel="api") as s:
            self.assertEqual(s.respond("balansimi nece yoxlaya bilerem").language, "az")
            self.assertEqual(s.respond("*100#").language, "az")  # no cue in the text: sticky
            self.assertEqual(s.respond("asdf qwerty zxcv").action, zari.Action.FALLBACK)
            self.assertEqual(self.handoffs, [])
            r = s.respond("qwerty asdf zxcv")
            self.assertEqual(r.action, zari.Action.HANDOFF)
        h, = self.handoffs
        self.assertEqual((h.reason, h.intent, h.channel, h.language), ("misses", None, "api", r.language))
        self.assertEqual([t["text"] for t in h.transcript if t["role"] == "user"],
                         ["balansimi nece yoxlaya bilerem", "*100#", "asdf qwerty zxcv", "qwerty asdf zxcv"])

    def test_english_answer_and_session_defaults(self):
        with self.engine.session() as s:
            self.assertEqual((s.session_id, s.channel), ("", "web"))
            r = s.respond("How do I check my balance?")
            self.assertEqual((r.action, r.intent, r.language), ("answer", "balance", "en"))
            self.assertIn("channel 'web'", repr(s))

    def test_clarify_then_pick_an_option(self):
        with zari.Engine(support.CLARIFY_PACK) as engine, engine.session("c") as s:
            r = s.respond("plan")
            self.assertEqual(r.action, zari.Action.CLARIFY)
            first_intent, first_label = r.options[0]
            r2 = s.respond(first_label)
            self.assertEqual((r2.action, r2.intent), (zari.Action.ANSWER, first_intent))

    def test_set_language(self):
        with self.engine.session("l") as s:
            s.set_language("en")
            self.assertEqual(s.respond("ბალანსი").language, "en")
            s.set_language(None)
            self.assertEqual(s.respond("ბალანსი").language, "ka")


class AfterHoursTest(unittest.TestCase):
    def setUp(self):
        self.handoffs = []
        self.engine = zari.Engine(support.PACK, clock=support.CLOSED, on_handoff=self.handoffs.append)
        self.addCleanup(self.engine.close)

    def test_after_hours_reply_says_when_operators_are_back(self):
        cases = [("I want to talk to an operator", "en", "Monday at 09:00"),
                 ("ოპერატორი", "ka", "ორშაბათს 09:00"),
                 ("operatorla danışmaq istəyirəm", "az", "bazar ertəsi saat 09:00")]
        for text, lang, when in cases:
            with self.subTest(lang=lang), self.engine.session("night-" + lang) as s:
                r = s.respond(text)
                self.assertEqual(r.action, zari.Action.AFTER_HOURS)
                self.assertEqual(r.language, lang)
                self.assertIn(when, r.reply)
        self.assertEqual(self.handoffs, [])  # no callback outside hours

    def test_faq_answers_keep_working(self):
        with self.engine.session("night") as s:
            self.assertEqual(s.respond("How do I check my balance?").action, zari.Action.ANSWER)


class ExportRestoreTest(unittest.TestCase):
    def setUp(self):
        self.handoffs = []
        self.engine = zari.Engine(support.PACK, clock=support.OPEN, on_handoff=self.handoffs.append)
        self.addCleanup(self.engine.close)

    def test_round_trip_keeps_language_misses_and_transcript(self):
        s = self.engine.session("visitor-42", "web")
        s.set_language("az")  # forced: carried by the state whatever the detector makes of the misses
        s.respond("balansimi nece yoxlaya bilerem")
        self.assertEqual(s.respond("asdf qwerty zxcv").action, zari.Action.FALLBACK)
        state = s.export()
        self.assertIsInstance(state, str)
        s.close()

        # One process per request: the next turn runs on a restored session.
        s2 = self.engine.restore(state)
        self.assertEqual((s2.session_id, s2.channel), ("visitor-42", "web"))
        r = s2.respond("qwerty asdf zxcv")  # second miss in a row → handoff
        self.assertEqual((r.action, r.language), (zari.Action.HANDOFF, "az"))
        h, = self.handoffs
        self.assertEqual((h.session, h.reason), ("visitor-42", "misses"))
        self.assertEqual(len([t for t in h.transcript if t["role"] == "user"]), 3)
        # Exporting again is stable and restorable; bytes work too.
        state2 = s2.export()
        self.assertEqual(self.engine.restore(state2.encode()).export(), state2)
        s2.close()

    def test_restore_into_another_engine_of_the_same_pack(self):
        with zari.Engine(support.CLARIFY_PACK) as one, one.session("x") as s:
            options = s.respond("plan").options
            state = s.export()
        with zari.Engine(support.CLARIFY_PACK) as other, other.restore(state) as s2:
            r = s2.respond("2")  # the pending clarify options survived the trip
            self.assertEqual((r.action, r.intent), (zari.Action.ANSWER, options[1][0]))


class LogDbTest(support.TempDirTest):
    def test_unresolved_and_handoffs_are_logged(self):
        db = os.path.join(self.tmp, "log.db")
        with zari.Engine(support.PACK, log_db=db, clock=support.OPEN, on_handoff=lambda h: None) as engine:
            with engine.session("v", "web") as s:
                s.respond("asdf qwerty zxcv")
                s.respond("qwerty asdf zxcv")
            self.assertTrue(engine.stats()["log"]["enabled"])
        con = sqlite3.connect(db)
        try:
            unresolved = con.execute("SELECT session, channel, text FROM unresolved ORDER BY id").fetchall()
            handoffs = con.execute("SELECT session, reason, within_hours FROM handoffs").fetchall()
        finally:
            con.close()
        self.assertIn(("v", "web", "asdf qwerty zxcv"), unresolved)
        self.assertEqual(handoffs, [("v", "misses", 1)])

    def test_feedback_is_logged_with_the_answer_it_rates(self):
        db = os.path.join(self.tmp, "log.db")
        with zari.Engine(support.PACK, log_db=db, clock=support.OPEN) as engine:
            with engine.session("fb", "web") as s:
                s.respond("როგორ შევამოწმო ბალანსი?")
                s.feedback(zari.Feedback.HELPFUL, 0, "ჩემი ნომერია 599 12 34 56")
                s.feedback("csat", 4)
                s.feedback("NPS", 10, comment=b"great")
                s.feedback(zari.Feedback.CES, 7)
                for kind, value in [("helpful", 2), ("csat", 0), ("ces", 8), ("nps", 11), ("nps", -1)]:
                    with self.assertRaises(zari.InvalidArgumentError):
                        s.feedback(kind, value)
                with self.assertRaises(zari.InvalidArgumentError):
                    s.feedback("stars", 5)
                with self.assertRaises(zari.InvalidArgumentError):
                    s.feedback(99, 1)
                with self.assertRaises(TypeError):
                    s.feedback(zari.Feedback.CSAT, 4.5)
            self.assertEqual(list(zari.Feedback.NPS.scale), list(range(11)))
        con = sqlite3.connect(db)
        try:
            rows = con.execute("SELECT session, channel, language, kind, value, intent, comment, ts"
                               " FROM feedback ORDER BY id").fetchall()
        finally:
            con.close()
        self.assertEqual([r[:6] for r in rows], [
            ("fb", "web", "ka", "helpful", 0, "balance"), ("fb", "web", "ka", "csat", 4, None),
            ("fb", "web", "ka", "nps", 10, None), ("fb", "web", "ka", "ces", 7, None)])
        self.assertEqual(rows[0][6], "ჩემი ნომერია [phone]")  # masked like every logged text
        self.assertEqual(rows[2][6], "great")
        self.assertEqual({r[7] for r in rows}, {support.OPEN})


if __name__ == "__main__":
    unittest.main()
