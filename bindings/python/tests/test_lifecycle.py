"""Destroy order under the garbage collector, idempotent close, callbacks
kept alive as long as C can call them, and interpreter exit."""

import gc
import os
import sqlite3
import subprocess
import sys
import textwrap
import unittest
import weakref

import support
import zari


class LifecycleTest(support.TempDirTest):
    def test_session_outlives_engine_object(self):
        handoffs = []
        engine = zari.Engine(support.PACK, clock=support.OPEN, on_handoff=handoffs.append)
        s = engine.session("late")
        ref = weakref.ref(engine)
        del engine
        gc.collect()
        self.assertIsNone(ref())  # the Python engine is gone (and its C handle destroyed)
        # The session keeps the C runtime and the ctypes callbacks alive.
        self.assertEqual(s.respond("How do I check my balance?").intent, "balance")
        self.assertEqual(s.respond("I want to talk to an operator").action, zari.Action.HANDOFF)
        self.assertEqual([h.reason for h in handoffs], ["requested"])
        s.close()

    def test_engine_closed_first_then_session(self):
        engine = zari.Engine(support.PACK, clock=support.CLOSED)
        s = engine.session("x")
        engine.close()
        self.assertEqual(s.respond("operator").action, zari.Action.AFTER_HOURS)
        self.assertTrue(s.export().startswith("{"))
        s.close()

    def test_objects_dropped_in_any_order(self):
        for order in ("engine-first", "session-first", "cycle"):
            with self.subTest(order=order):
                engine = zari.Engine(support.PACK, on_handoff=lambda h: None, clock=support.OPEN)
                sessions = [engine.session(str(i)) for i in range(3)]
                if order == "cycle":
                    engine.cycle = sessions  # engine -> sessions -> callbacks; gc must cope
                    sessions[0].cycle = engine
                    del engine, sessions
                elif order == "engine-first":
                    del engine
                    gc.collect()
                    for s in sessions:
                        s.respond("balance")
                    del sessions
                else:
                    del sessions
                    gc.collect()
                    engine.classify("balance")
                    del engine
                gc.collect()

    def test_close_is_idempotent_and_del_after_close_is_harmless(self):
        engine = zari.Engine(support.PACK)
        s = engine.session()
        for _ in range(3):
            s.close()
            engine.close()
        s.__del__()
        engine.__del__()
        del s, engine
        gc.collect()

    def test_context_managers(self):
        with zari.Engine(support.PACK) as engine:
            with engine.session("cm") as s:
                s.respond("hi")
            self.assertTrue(s.closed)
            self.assertFalse(engine.closed)
        self.assertTrue(engine.closed)

    def test_closing_from_inside_the_handoff_callback_is_deferred(self):
        holder = {}

        def on_handoff(h):
            holder["engine"].close()   # zari.h forbids destroying these inside
            holder["session"].close()  # the callback: the binding defers it

        engine = zari.Engine(support.PACK, clock=support.OPEN, on_handoff=on_handoff)
        s = engine.session("cb")
        holder.update(engine=engine, session=s)
        r = s.respond("I want to talk to an operator")
        self.assertEqual(r.action, zari.Action.HANDOFF)
        self.assertTrue(engine.closed and s.closed)
        with self.assertRaises(zari.ClosedError):
            s.respond("again")

    def test_many_engines_and_sessions(self):
        for _ in range(20):
            e = zari.Engine(support.PACK, on_handoff=lambda h: None, clock=lambda: support.OPEN)
            for i in range(10):
                e.session(str(i)).respond("balance")
        gc.collect()


class InterpreterExitTest(support.TempDirTest):
    def run_child(self, code):
        proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=support.subprocess_env(),
                              capture_output=True, text=True, timeout=120)
        return proc

    def test_exit_with_open_engine_and_session_flushes_the_log(self):
        db = os.path.join(self.tmp, "exit.db")
        proc = self.run_child("""
            import threading, zari
            engine = zari.Engine(%r, log_db=%r, clock=%d, on_handoff=lambda h: None,
                                 on_log=lambda level, msg: None)
            session = engine.session("at-exit")
            for i in range(3000):  # enough that exiting without a flush would lose some
                session.respond("unknown question number %%d about zzz" %% i)
            # Referenced from a daemon thread that never ends, so no __del__ runs
            # at shutdown: only the binding's atexit hook can destroy and flush.
            held = threading.Event()
            threading.Thread(target=lambda objs: held.set() or threading.Event().wait(),
                             args=((engine, session),), daemon=True).start()
            held.wait()
            del engine, session
        """ % (support.PACK, db, support.OPEN))
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertNotIn("Exception ignored", proc.stderr)
        con = sqlite3.connect(db)
        try:
            n = con.execute("SELECT COUNT(*) FROM unresolved WHERE session = 'at-exit'").fetchone()[0]
        finally:
            con.close()
        self.assertEqual(n, 3000)

    def test_exit_with_objects_in_cycles_and_closed_ones(self):
        proc = self.run_child("""
            import zari
            e = zari.Engine(%r, on_handoff=lambda h: e)   # callback -> engine cycle
            s = e.session("x"); s.respond("hi")
            e2 = zari.Engine(%r); e2.close()
            s2 = e.session("y"); s2.close()
            dangling = e.session("z")
            del e
        """ % (support.PACK, support.PACK))
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stderr, "")

    def test_missing_library_is_a_clear_import_error(self):
        env = support.subprocess_env()
        env["ZARI_LIBRARY"] = os.path.join(self.tmp, "nope", "libzari.so")
        proc = subprocess.run([sys.executable, "-c", "import zari; zari.Engine('x')"], env=env,
                              capture_output=True, text=True, timeout=60)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("LibraryError", proc.stderr)
        self.assertIn("ZARI_LIBRARY", proc.stderr)


if __name__ == "__main__":
    unittest.main()
