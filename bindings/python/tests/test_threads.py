"""One engine shared by many threads (ctypes releases the GIL in calls)."""

import threading
import unittest

import support
import zari

TEXTS = [("როგორ შევამოწმო ბალანსი?", "balance", "ka"), ("balansi rogor shevamowmo", "balance", "ka"),
         ("balansimi nece yoxlaya bilerem", "balance", "az"), ("How do I check my balance?", "balance", "en"),
         ("roaming", "roaming", "en"), ("what is the capital of peru", None, "en")]


def run_threads(n, target):
    errors = []

    def wrap(i):
        try:
            target(i)
        except BaseException as e:  # reported by the test thread
            errors.append(e)

    threads = [threading.Thread(target=wrap, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return errors


class ThreadsTest(unittest.TestCase):
    def test_8_threads_x_200_classify_on_one_engine(self):
        with zari.Engine(support.PACK) as engine:
            counts = [0] * 8

            def work(i):
                for k in range(200):
                    text, intent, lang = TEXTS[(i + k) % len(TEXTS)]
                    r = engine.classify(text)
                    assert (r.intent, r.language) == (intent, lang), (text, r)
                    counts[i] += 1

            self.assertEqual(run_threads(8, work), [])
            self.assertEqual(counts, [200] * 8)

    def test_sessions_in_parallel_with_a_shared_callback(self):
        lock = threading.Lock()
        seen = []

        def on_handoff(h):
            with lock:
                seen.append((h.session, h.reason))

        with zari.Engine(support.PACK, clock=support.OPEN, on_handoff=on_handoff) as engine:
            def work(i):
                for k in range(25):
                    with engine.session("t%d-%d" % (i, k)) as s:
                        assert s.respond("balansimi nece yoxlaya bilerem").intent == "balance"
                        s.respond("asdf qwerty zxcv")
                        assert s.respond("qwerty asdf zxcv").action == "handoff"
                        engine.restore(s.export()).close()

            self.assertEqual(run_threads(8, work), [])
        self.assertEqual(len(seen), 8 * 25)
        self.assertEqual({r for _, r in seen}, {"misses"})
        self.assertEqual(len({s for s, _ in seen}), 8 * 25)

    def test_one_session_from_many_threads_is_serialized(self):
        with zari.Engine(support.PACK) as engine, engine.session("shared") as s:
            def work(i):
                for _ in range(50):
                    assert s.respond("How do I check my balance?").intent == "balance"
                    s.export()

            self.assertEqual(run_threads(4, work), [])

    def test_reload_while_classifying(self):
        with zari.Engine(support.PACK) as engine:
            stop = threading.Event()

            def classify(i):
                while not stop.is_set():
                    assert engine.classify("How do I check my balance?").intent == "balance"

            workers = [threading.Thread(target=classify, args=(i,)) for i in range(3)]
            errors = []
            for t in workers:
                t.start()
            try:
                for _ in range(3):
                    engine.reload()
            except Exception as e:
                errors.append(e)
            finally:
                stop.set()
                for t in workers:
                    t.join(60)
            self.assertEqual(errors, [])

    def test_close_while_other_threads_call(self):
        # Closing races with calls: each call either completes or raises
        # ClosedError; the handle is destroyed once, after the last call.
        for _ in range(5):
            engine = zari.Engine(support.PACK)
            started = threading.Barrier(5)
            outcomes = []

            def work(i):
                started.wait()
                for _ in range(200):
                    try:
                        engine.classify("balance", "en")
                        outcomes.append("ok")
                    except zari.ClosedError:
                        outcomes.append("closed")
                        return

            threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
            for t in threads:
                t.start()
            started.wait()
            engine.close()
            for t in threads:
                t.join(60)
            self.assertTrue(engine.closed)
            self.assertIn("closed", outcomes)


if __name__ == "__main__":
    unittest.main()
