"""Host callbacks: clock, on_handoff, on_log. Exceptions raised inside them
never unwind through C: Zari carries on, the binding warns and stores them."""

import os
import threading
import time
import unittest
import warnings

import support
import zari


class BoomError(Exception):
    pass


class CallbackTest(support.TempDirTest):
    def test_handoff_callback_that_raises(self):
        def on_handoff(h):
            raise BoomError("operator queue unavailable")

        with zari.Engine(support.PACK, clock=support.OPEN, on_handoff=on_handoff) as engine:
            with engine.session("r") as s, warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                r = s.respond("I want to talk to an operator")
                self.assertEqual(r.action, zari.Action.HANDOFF)  # the reply is unaffected
                self.assertEqual(s.respond("balance").intent, "balance")  # and the session goes on
            self.assertEqual(len(caught), 1)
            self.assertIs(caught[0].category, zari.CallbackWarning)
            self.assertIn("on_handoff raised BoomError: operator queue unavailable", str(caught[0].message))
            errors = engine.callback_errors
            self.assertEqual(len(errors), 1)
            self.assertIsInstance(errors[0], BoomError)

    def test_callback_raising_while_warnings_are_errors(self):
        def on_handoff(h):
            raise BoomError("x")

        with zari.Engine(support.PACK, clock=support.OPEN, on_handoff=on_handoff) as engine, \
                engine.session() as s, warnings.catch_warnings():
            warnings.simplefilter("error")
            self.assertEqual(s.respond("operator please").action, zari.Action.HANDOFF)
            self.assertIsInstance(engine.callback_errors[0], BoomError)

    def test_clock_that_raises_falls_back_to_the_system_clock(self):
        def clock():
            raise BoomError("no time")

        handoffs = []
        with zari.Engine(support.PACK, clock=clock, on_handoff=handoffs.append) as engine, \
                warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            before = int(time.time())
            with engine.session() as s:
                r = s.respond("operator")
            self.assertIn(r.action, (zari.Action.HANDOFF, zari.Action.AFTER_HOURS))
            self.assertTrue(any(issubclass(w.category, zari.CallbackWarning) for w in caught))
            self.assertIsInstance(engine.callback_errors[0], BoomError)
            if handoffs:
                self.assertGreaterEqual(handoffs[0].ts, before)

    def test_clock_returning_garbage(self):
        with zari.Engine(support.PACK, clock=lambda: "noon") as engine, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with engine.session() as s:
                s.respond("balance")
            self.assertIsInstance(engine.callback_errors[0], TypeError)

    def test_clock_values(self):
        # A callable, an int or a float: all mean unix seconds.
        for clock in (lambda: support.CLOSED, support.CLOSED, float(support.CLOSED) + 0.5):
            with zari.Engine(support.PACK, clock=clock) as engine, engine.session() as s:
                self.assertEqual(s.respond("operator").action, zari.Action.AFTER_HOURS)

    def test_clock_is_asked_per_turn(self):
        now = [support.CLOSED]
        with zari.Engine(support.PACK, clock=lambda: now[0], on_handoff=lambda h: None) as engine, \
                engine.session() as s:
            self.assertEqual(s.respond("operator").action, zari.Action.AFTER_HOURS)
            now[0] = support.OPEN
            self.assertEqual(s.respond("operator").action, zari.Action.HANDOFF)

    def test_handoff_object_can_be_kept_after_the_callback(self):
        kept = []
        with zari.Engine(support.PACK, clock=support.OPEN, on_handoff=kept.append) as engine:
            with engine.session("keep") as s:
                s.respond("operator")
        # C's zari_handoff is gone; the Python copy is complete.
        self.assertEqual((kept[0].session, kept[0].reason), ("keep", "requested"))
        self.assertTrue(kept[0].transcript)

    def test_callback_may_call_zari(self):
        results = []

        def on_handoff(h):
            # zari.h: a callback may call other zari functions (not destroy).
            results.append(engine.classify("balance", "en").intent)
            results.append(session.export()[:1])

        engine = zari.Engine(support.PACK, clock=support.OPEN, on_handoff=on_handoff)
        session = engine.session("re")
        self.assertEqual(session.respond("operator").action, zari.Action.HANDOFF)
        self.assertEqual(results, ["balance", "{"])
        session.close()
        engine.close()

    def test_on_log_from_the_writer_thread_and_raising(self):
        db = os.path.join(self.tmp, "log.db")
        messages = []
        got = threading.Event()

        def on_log(level, message):
            messages.append((level, message, threading.current_thread() is threading.main_thread()))
            got.set()
            raise BoomError("log handler broke")

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with zari.Engine(support.PACK, log_db=db, on_log=on_log) as engine, engine.session() as s:
                s.respond("zzz unknown one")
                engine_stats = engine.stats()
                # Delete the database under the writer: it reports and recreates it.
                deadline = time.time() + 20
                while engine.stats()["log"]["written"] < 1 and time.time() < deadline:
                    time.sleep(0.01)
                for suffix in ("", "-wal", "-shm"):
                    if os.path.exists(db + suffix):
                        os.remove(db + suffix)
                s.respond("zzz unknown two")
                got.wait(20)
                errors = engine.callback_errors
        self.assertTrue(engine_stats["log"]["enabled"])
        self.assertTrue(messages, "on_log was not called")
        level, message, on_main = messages[0]
        self.assertIsInstance(level, zari.LogLevel)
        self.assertTrue(message)  # e.g. "…/log.db was moved or deleted; …"
        self.assertFalse(on_main)  # it came from Zari's background writer
        self.assertTrue(any(isinstance(e, BoomError) for e in errors))


if __name__ == "__main__":
    unittest.main()
