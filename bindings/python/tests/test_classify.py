"""Engine.classify in Georgian, Azerbaijani and English, native and typed
without the layout, and the Reply object built from the C reply."""

import json
import unittest

import support
import zari

REPLY_KEYS = {"reply", "action", "intent", "confidence", "language", "route", "slots", "options", "suggestions",
              "candidates", "explanation"}


class ClassifyTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.engine = zari.Engine(support.PACK)

    @classmethod
    def tearDownClass(cls):
        cls.engine.close()

    def check(self, text, intent, language, typed_as=None):
        r = self.engine.classify(text)
        self.assertEqual((r.intent, r.language, r.action), (intent, language, zari.Action.ANSWER), text)
        if typed_as:
            self.assertEqual(r.explanation["typed_as"], typed_as)
        return r

    def test_georgian_native_and_latin(self):
        r = self.check("როგორ შევამოწმო ბალანსი?", "balance", "ka", "ka")
        self.assertIn("*100#", r.reply)
        r2 = self.check("balansi rogor shevamowmo", "balance", "ka", "ka-Latn")
        self.assertEqual(r2.reply, r.reply)  # answered in Georgian script

    def test_azerbaijani_native_and_without_its_letters(self):
        r = self.check("Balansımı necə yoxlaya bilərəm?", "balance", "az", "az")
        r2 = self.check("balansimi nece yoxlaya bilerem", "balance", "az")
        self.assertEqual(r.reply, r2.reply)
        self.assertIn("yığın", r.reply)

    def test_english(self):
        r = self.check("How do I check my balance?", "balance", "en", "en")
        self.assertTrue(r.reply.startswith("Dial *100#"))
        self.check("roaming", "roaming", "en")

    def test_mtavruli_and_case_are_normalized(self):
        self.check("ᲑᲐᲚᲐᲜᲡᲘ", "balance", "ka")
        self.check("BALANS", "balance", "az")

    def test_forced_language(self):
        r = self.engine.classify("balance", language="en")
        self.assertEqual((r.intent, r.language), ("balance", "en"))
        r = self.engine.classify("*100#", language="az")
        self.assertEqual((r.intent, r.language), ("balance", "az"))

    def test_reply_fields(self):
        r = self.engine.classify("როგორ შევამოწმო ბალანსი?")
        self.assertIs(r.action, zari.Action.ANSWER)
        self.assertEqual(r.action, "answer")
        self.assertEqual(str(r.action), "answer")
        self.assertEqual(r.text, r.reply)
        self.assertEqual(r.route, "billing")
        self.assertEqual(r.confidence, 1.0)
        self.assertEqual(r.options, [])
        self.assertEqual(r.slots, {})
        self.assertEqual(r.candidates[0], {"intent": "balance", "score": 1, "via": "rule"})
        self.assertEqual(r.explanation["via"], "rule")
        self.assertTrue(r.explanation["span"])
        d = r.to_dict()
        self.assertEqual(set(d), REPLY_KEYS)
        self.assertEqual((d["reply"], d["intent"], d["language"], d["route"]),
                         (r.reply, r.intent, r.language, r.route))
        self.assertEqual(json.loads(r.to_json()), d)
        d["intent"] = "changed"  # to_dict returns a fresh copy
        self.assertEqual(r.to_dict()["intent"], "balance")
        self.assertIn("balance", repr(r))

    def test_slots(self):
        r = self.engine.classify("transfer 5 lari to my friend")
        self.assertEqual(r.intent, "balance_transfer")
        self.assertEqual(r.slots, {"amount": "5"})

    def test_clarify_options(self):
        with zari.Engine(support.CLARIFY_PACK) as engine:
            r = engine.classify("plan", language="en")
        self.assertEqual(r.action, zari.Action.CLARIFY)
        self.assertIsNone(r.intent)
        self.assertEqual(sorted(r.options), [("plan_change", "Change plan"), ("plan_prices", "Plans and prices")])
        for intent, label in r.options:
            self.assertIn(label, r.reply)
        self.assertEqual(r.options, [(o["intent"], o["label"]) for o in r.to_dict()["options"]])

    def test_suggestions(self):
        r = self.engine.classify("Balansımı necə yoxlaya bilərəm?")
        self.assertEqual(r.intent, "balance")
        self.assertEqual([i for i, _ in r.suggestions], ["top_up", "package_balance"])
        self.assertEqual(r.suggestions, [(o["intent"], o["title"]) for o in r.to_dict()["suggestions"]])
        self.assertEqual(r.suggestions[0][1], "Balansı artırmaq")  # titled in the reply's language
        self.assertEqual(self.engine.classify("what is the capital of peru", "en").suggestions, [])
        # Sending a title, as a quick-reply button does, asks that intent.
        with self.engine.session("s-suggest") as s:
            first = s.respond("How do I check my balance?")
            self.assertEqual(s.respond(first.suggestions[1][1]).intent, "package_balance")

    def test_fallback(self):
        r = self.engine.classify("what is the capital of peru", "en")
        self.assertEqual(r.action, zari.Action.FALLBACK)
        self.assertIsNone(r.intent)
        self.assertIsNone(r.route)
        self.assertTrue(r.reply)

    def test_any_input_gets_a_reply(self):
        for text in ["", "   ", "🙂🙂🙂", b"\xff\xfe\x00 invalid \xc3", "a\0b", "\udcff lone surrogate",
                     "ბ" * 100000, bytearray(b"balance")]:
            with self.subTest(text=repr(text)[:40]):
                r = self.engine.classify(text)
                self.assertIsInstance(r.reply, str)
                self.assertIn(r.language, ("ka", "az", "en"))

    def test_bytes_are_utf8(self):
        r = self.engine.classify("როგორ შევამოწმო ბალანსი?".encode())
        self.assertEqual((r.intent, r.language), ("balance", "ka"))

    def test_engine_properties_and_stats(self):
        self.assertEqual(self.engine.pack_name, "Zari Mobile")
        self.assertEqual(self.engine.pack_version, "2026.11")
        st = self.engine.stats()
        self.assertEqual(st["pack"], "Zari Mobile")
        self.assertEqual(st["languages"], ["ka", "az", "en"])
        self.assertGreater(st["intents"], 10)
        self.assertFalse(st["log"]["enabled"])
        self.assertIn("Zari Mobile", repr(self.engine))

    def test_reply_outlives_engine(self):
        with zari.Engine(support.PACK) as e:
            r = e.classify("balance", "en")
        self.assertEqual((r.intent, r.route), ("balance", "billing"))
        self.assertTrue(r.to_dict()["candidates"])


class ReloadTest(support.TempDirTest):
    def test_reload_swaps_the_pack(self):
        pack = self.copy_pack()
        with zari.Engine(pack) as engine:
            self.assertIsNone(engine.classify("zzzplorp", "en").intent)
            with open(pack + "/intents/extra.yaml", "w", encoding="utf-8") as f:
                f.write("intents:\n  - id: plorp\n    patterns: {en: [zzzplorp]}\n"
                        "    answer: {ka: p, az: p, en: plorp answer}\n")
            engine.reload()
            self.assertEqual(engine.classify("zzzplorp", "en").intent, "plorp")
            engine.reload(support.PACK)
            self.assertIsNone(engine.classify("zzzplorp", "en").intent)

    def test_pack_name_follows_reload(self):
        pack = self.copy_pack()
        with zari.Engine(support.PACK) as engine:
            with open(pack + "/pack.yaml", encoding="utf-8") as f:
                text = f.read().replace("name: Zari Mobile", "name: Other Mobile")
            with open(pack + "/pack.yaml", "w", encoding="utf-8") as f:
                f.write(text)
            engine.reload(pack)
            self.assertEqual(engine.stats()["pack"], "Other Mobile")
            self.assertEqual(engine.pack_name, "Other Mobile")


if __name__ == "__main__":
    unittest.main()
