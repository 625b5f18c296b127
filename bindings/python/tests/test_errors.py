"""Every failing C call becomes a ZariError subclass carrying zari_last_error()."""

import pickle
import unittest

import support
import zari


class ErrorMappingTest(support.TempDirTest):
    def test_missing_pack_is_not_found(self):
        with self.assertRaises(zari.NotFoundError) as cm:
            zari.Engine("/nonexistent/zari-pack")
        e = cm.exception
        self.assertIsInstance(e, zari.ZariError)
        self.assertEqual(e.status, zari.Status.ENOTFOUND)
        self.assertEqual(e.status, -3)
        self.assertIn("/nonexistent/zari-pack", e.message)
        self.assertEqual(str(e), e.message)

    def test_limits(self):
        with self.assertRaises(zari.LimitError) as cm:
            zari.Engine(support.PACK, limits={"pack_file_bytes": 100})
        self.assertIn("the limit is 100", cm.exception.message)
        with self.assertRaises(zari.InvalidArgumentError):
            zari.Engine(support.PACK, limits={"no_such_limit": 1})
        with self.assertRaises(zari.InvalidArgumentError):
            zari.Engine(support.PACK, limits={"intents": 0})
        with zari.Engine(support.PACK, limits={"message_code_points": 5}) as e:
            # Only "balan" of "balance please" is read: no longer the balance intent's words.
            self.assertNotEqual(e.classify("balance please", "en").intent, "balance")

    def test_broken_yaml_is_pack_error_with_location(self):
        path = self.write("broken.yaml", "zari: 1\nname: x\nlanguages: [en\nintents: []\n")
        with self.assertRaises(zari.PackError) as cm:
            zari.Engine(path)
        self.assertEqual(cm.exception.status, zari.Status.EPACK)
        self.assertRegex(cm.exception.message, r"broken\.yaml:\d+:\d+")

    def test_unknown_key_names_file_line_col(self):
        path = self.write("typo.yaml",
                          "zari: 1\nname: x\nlanguages: [en]\nintents:\n  - id: hi\n    anwser: {en: Hello}\n")
        with self.assertRaises(zari.PackError) as cm:
            zari.Engine(path)
        self.assertIn("typo.yaml:6:5: unknown key 'anwser'", cm.exception.message)

    def test_pack_error_in_a_pack_directory_names_the_file(self):
        pack = self.copy_pack()
        with open(pack + "/intents/billing.yaml", "a", encoding="utf-8") as f:
            f.write("  - id: extra\n    answr: {ka: x, az: x, en: x}\n")
        with self.assertRaises(zari.PackError) as cm:
            zari.Engine(pack)
        self.assertRegex(cm.exception.message, r"billing\.yaml:\d+:5: unknown key 'answr'")

    def test_bad_session_states(self):
        with zari.Engine(support.PACK) as engine:
            for state in ["{not json", '{"v":99}', "", "null"]:
                with self.subTest(state=state), self.assertRaises(zari.StateError) as cm:
                    engine.restore(state)
                self.assertEqual(cm.exception.status, zari.Status.ESTATE)
                self.assertTrue(cm.exception.message)
            with self.assertRaises(zari.StateError) as cm:
                engine.restore("{not json")
            self.assertIn("session state", cm.exception.message)
            # A NUL would silently truncate the C string: refused up front.
            good = engine.session("s").export()
            with self.assertRaises(zari.StateError):
                engine.restore(good + "\0garbage")
            with self.assertRaises(TypeError):
                engine.restore(42)

    def test_state_from_another_pack_version(self):
        pack = self.copy_pack()
        with zari.Engine(support.PACK) as a:
            state = a.session("s").export()
        with open(pack + "/pack.yaml", encoding="utf-8") as f:
            text = f.read().replace('version: "2026.11"', 'version: "2099.1"')
        with open(pack + "/pack.yaml", "w", encoding="utf-8") as f:
            f.write(text)
        with zari.Engine(pack) as b, self.assertRaises(zari.StateError) as cm:
            b.restore(state)
        self.assertIn("2099.1", cm.exception.message)

    def test_bad_language_is_invalid_argument_and_value_error(self):
        with zari.Engine(support.PACK) as engine:
            with self.assertRaises(zari.InvalidArgumentError) as cm:
                engine.classify("hi", language="xx")
            self.assertIsInstance(cm.exception, ValueError)
            self.assertEqual(cm.exception.status, zari.Status.EINVAL)
            self.assertIn("xx", cm.exception.message)
            with engine.session() as s, self.assertRaises(zari.InvalidArgumentError):
                s.set_language("fr")
        # A language the pack has no answers in is refused too, not answered empty.
        with zari.Engine(support.CLARIFY_PACK) as english_only:
            with self.assertRaises(zari.InvalidArgumentError) as cm:
                english_only.classify("plan", language="ka")
            self.assertIn("the pack has no language 'ka'", cm.exception.message)
            self.assertEqual(english_only.classify("plan", language="en-GB").language, "en")

    def test_reload_errors_keep_the_old_pack(self):
        pack = self.copy_pack()
        with zari.Engine(pack) as engine:
            with self.assertRaises(zari.NotFoundError):
                engine.reload("/nonexistent")
            with open(pack + "/pack.yaml", "a", encoding="utf-8") as f:
                f.write("bogus_setting: 1\n")
            with self.assertRaises(zari.PackError) as cm:
                engine.reload()
            self.assertIn("pack.yaml:", cm.exception.message)
            self.assertEqual(engine.classify("balance", "en").intent, "balance")

    def test_log_db_that_cannot_be_opened_is_io_error(self):
        with self.assertRaises(zari.InputOutputError) as cm:
            zari.Engine(support.PACK, log_db=self.tmp + "/no/such/dir/log.db")
        self.assertEqual(cm.exception.status, zari.Status.EIO)

    def test_argument_types(self):
        with self.assertRaises(TypeError):
            zari.Engine(None)
        with self.assertRaises(TypeError):
            zari.Engine(support.PACK, clock="noon")
        with self.assertRaises(TypeError):
            zari.Engine(support.PACK, on_handoff=42)
        with self.assertRaises(zari.InvalidArgumentError):
            zari.Engine(support.PACK + "\0x")
        with zari.Engine(support.PACK) as engine:
            with self.assertRaises(TypeError):
                engine.classify(42)
            with self.assertRaises(zari.InvalidArgumentError):
                engine.session("a\0b")
        with self.assertRaises(TypeError):
            zari.Session()

    def test_closed_objects_raise_closed_error(self):
        engine = zari.Engine(support.PACK)
        s = engine.session("s")
        engine.close()
        engine.close()  # idempotent
        self.assertTrue(engine.closed)
        for call in (lambda: engine.classify("hi"), lambda: engine.session(), engine.stats,
                     lambda: engine.restore("{}"), engine.reload, lambda: engine.pack_name):
            with self.assertRaises(zari.ClosedError) as cm:
                call()
            self.assertIsInstance(cm.exception, zari.InvalidArgumentError)
            self.assertEqual(cm.exception.status, zari.Status.EINVAL)
        s.close()
        s.close()
        with self.assertRaises(zari.ClosedError):
            s.respond("hi")
        with self.assertRaises(zari.ClosedError):
            s.export()
        self.assertIn("closed", repr(engine))
        self.assertIn("closed", repr(s))


class StatusTest(unittest.TestCase):
    def test_status_words_match_the_library(self):
        for status in zari.Status:
            self.assertTrue(zari.status_str(status))
        self.assertEqual(zari.status_str(zari.Status.EPACK), "pack invalid")
        self.assertEqual(zari.status_str(0), "ok")
        self.assertEqual(zari.status_str(12345), "unknown status")

    def test_every_status_has_its_class(self):
        classes = {zari.Status.EINVAL: zari.InvalidArgumentError, zari.Status.ENOMEM: zari.OutOfMemoryError,
                   zari.Status.ENOTFOUND: zari.NotFoundError, zari.Status.EPACK: zari.PackError,
                   zari.Status.ESTATE: zari.StateError, zari.Status.EIO: zari.InputOutputError,
                   zari.Status.ELIMIT: zari.LimitError, zari.Status.EINTERNAL: zari.InternalError,
                   zari.Status.EBUSY: zari.BusyError}
        from zari._errors import error_for
        for status, cls in classes.items():
            e = error_for(status, "m")
            self.assertIs(type(e), cls)
            self.assertEqual((e.status, e.message), (int(status), "m"))
        # A status newer than the binding still raises a ZariError.
        e = error_for(-99, "future")
        self.assertIs(type(e), zari.ZariError)
        self.assertEqual(str(error_for(-4, "")), "pack invalid")

    def test_errors_pickle(self):
        e = zari.PackError(-4, "a.yaml:1:1: bad")
        e2 = pickle.loads(pickle.dumps(e))
        self.assertIs(type(e2), zari.PackError)
        self.assertEqual((e2.status, e2.message), (-4, "a.yaml:1:1: bad"))

    def test_versions(self):
        self.assertRegex(zari.library_version(), r"^\d+\.\d+\.\d+$")
        major, minor, patch = map(int, zari.library_version().split("."))
        self.assertEqual(zari.library_version_number(), major * 10000 + minor * 100 + patch)
        self.assertTrue(zari.library_path())


if __name__ == "__main__":
    unittest.main()
