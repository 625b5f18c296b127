#!/usr/bin/env python3
"""Unit tests for bench/eval/rewrite.py:  python3 bench/eval/test_rewrite.py -v"""

import io
import json
import os
import subprocess
import sys
import unittest

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import rewrite  # noqa: E402
from rewrite import rewrite as rw  # noqa: E402

MODERN = [chr(c) for c in range(0x10D0, 0x10F1)]       # ა .. ჰ, 33 letters
EXTENDED = [chr(c) for c in range(0x10F1, 0x1100) if c != 0x10FB]   # ჱ .. ჿ, not ჻ (punct.)
KA_MODES = ("ka-latn-digraph", "ka-latn-keyboard", "ka-latn-keyboard-lower")


class GeorgianDigraph(unittest.TestCase):
    def test_example(self):
        self.assertEqual(rw("ჩემი შეკვეთა", "ka-latn-digraph"), "chemi shekveta")

    def test_fixed_letters(self):
        self.assertEqual(rw("გამარჯობა", "ka-latn-digraph"), "gamarjoba")
        self.assertEqual(rw("თბილისი", "ka-latn-digraph"), "tbilisi")
        self.assertEqual(rw("ჟურნალი ღვინო ძაღლი", "ka-latn-digraph"), "zhurnali ghvino dzaghli")
        self.assertEqual(rw("ჭიქა", "ka-latn-digraph", key="x")[:2], "ch")

    def test_variants_are_the_documented_ones(self):
        seen = {ch: set() for ch in "ფქყცწხ"}
        for i in range(400):
            out = rw("ფ ქ ყ ც წ ხ", "ka-latn-digraph", key=str(i)).split(" ")
            for ch, o in zip("ფქყცწხ", out):
                seen[ch].add(o)
        self.assertEqual(seen, {"ფ": {"p", "f"}, "ქ": {"k", "q"}, "ყ": {"y", "q"},
                                "ც": {"ts", "c"}, "წ": {"w", "ts"}, "ხ": {"kh", "x"}})

    def test_variant_chosen_per_message(self):
        for i in range(50):
            out = rw("ხ ხ ხ ხ ხ ხ", "ka-latn-digraph", key=str(i)).split()
            self.assertEqual(len(set(out)), 1, out)

    def test_mtavruli_is_folded(self):
        self.assertEqual(rw("ᲒᲐᲛᲐᲠᲯᲝᲑᲐ", "ka-latn-digraph"), "gamarjoba")

    def test_non_georgian_unchanged(self):
        self.assertEqual(rw("*100# iPhone 15, ok?", "ka-latn-digraph"), "*100# iPhone 15, ok?")


class GeorgianKeyboard(unittest.TestCase):
    def test_example(self):
        self.assertEqual(rw("ჩემი შეკვეთა", "ka-latn-keyboard"), "Cemi SekveTa")

    def test_shift_letters(self):
        self.assertEqual(rw("თ ჭ ღ შ ჟ ძ ჩ", "ka-latn-keyboard"), "T W R S J Z C")
        self.assertEqual(rw("ტ წ რ ს ჯ ზ ც", "ka-latn-keyboard"), "t w r s j z c")
        self.assertEqual(rw("წყალი", "ka-latn-keyboard"), "wyali")
        self.assertEqual(rw("ქართული", "ka-latn-keyboard"), "qarTuli")
        self.assertEqual(rw("ბარათის დაბლოკვა მინდა", "ka-latn-keyboard"),
                         "baraTis dablokva minda")

    def test_lower(self):
        self.assertEqual(rw("ჩემი შეკვეთა", "ka-latn-keyboard-lower"), "cemi sekveta")
        self.assertEqual(rw("ქართული ღვინო", "ka-latn-keyboard-lower"), "qartuli rvino")


class EveryLetterMapped(unittest.TestCase):
    def test_modern_letters_in_tables(self):
        self.assertEqual(len(MODERN), 33)
        self.assertEqual(rewrite.KA_LETTERS, "".join(MODERN))
        for ch in MODERN:
            self.assertIn(ch, rewrite.KA_DIGRAPH, ch)
            self.assertIn(ch, rewrite.KA_KEYBOARD, ch)

    def test_no_georgian_left(self):
        text = "".join(MODERN + EXTENDED)
        mtavruli = "".join(chr(ord(c) + 0xBC0) for c in MODERN)
        for mode in KA_MODES:
            for key in map(str, range(20)):
                out = rw(text + " " + mtavruli, mode, key=key)
                self.assertTrue(all(ord(c) < 128 for c in out), (mode, out))

    def test_modern_letters_never_vanish(self):
        for mode in KA_MODES:
            for ch in MODERN:
                out = rw(ch, mode, key="k")
                self.assertTrue(out and out.isascii() and out.isalpha(), (mode, ch, out))

    def test_keyboard_is_one_key_per_letter_and_injective(self):
        outs = [rewrite.KA_KEYBOARD[ch] for ch in MODERN]
        self.assertTrue(all(len(o) == 1 for o in outs))
        self.assertEqual(len(set(outs)), 33)


class Azerbaijani(unittest.TestCase):
    def test_example(self):
        self.assertEqual(rw("balansımı necə yoxlaya bilərəm", "az-ascii"),
                         "balansimi nece yoxlaya bilerem")

    def test_fixed_letters_and_uppercase(self):
        self.assertEqual(rw("Əli İlqar üzük Ölkə ıxtı", "az-ascii"), "Eli Ilqar uzuk Olke ixti")
        self.assertEqual(rw("KARTIMI İTİRDİM", "az-ascii"), "KARTIMI ITIRDIM")
        self.assertEqual(rw("I\u0307stanbul", "az-ascii"), "Istanbul")    # decomposed İ

    def test_variants(self):
        seen = set()
        for i in range(300):
            seen.add(rw("ş ç ğ", "az-ascii", key=str(i)))
        words = [set(s.split()[j] for s in seen) for j in range(3)]
        self.assertEqual(words, [{"s", "sh"}, {"c", "ch"}, {"g", "gh"}])

    def test_variant_per_message_and_case(self):
        for i in range(50):
            out = rw("şəkil Şəki ŞƏKİ", "az-ascii", key=str(i))
            self.assertIn(out, ("sekil Seki SEKI", "shekil Sheki SHEKI"))

    def test_output_is_ascii(self):
        out = rw("Sifarişlərim üçün təşəkkürlər, çox sağ olun! Ğ Ç Ş Ö Ü Ə İ Ä", "az-ascii")
        self.assertTrue(out.isascii(), out)


class Determinism(unittest.TestCase):
    def test_same_input_same_output(self):
        text = "ფული ქალაქში ყველა ცოტა წყალი ხვალ"
        for mode in rewrite.MODES:
            a = [rw(text, mode, key=str(i)) for i in range(30)]
            b = [rw(text, mode, key=str(i)) for i in range(30)]
            self.assertEqual(a, b)

    def test_fixed_outputs(self):
        # Pinned values: a change here changes every published robustness figure.
        text = "ფული ქალაქში ყველა ცოტა წყალი ხვალ"
        self.assertEqual(rw(text, "ka-latn-digraph", key="1"),
                         "puli kalakshi yvela tsota tsyali khval")
        self.assertEqual(rw(text, "ka-latn-digraph", key="2"),
                         "fuli kalakshi yvela tsota wyali khval")
        self.assertEqual(rw(text, "ka-latn-digraph", key="3"),
                         "fuli kalakshi yvela tsota wyali xval")
        self.assertEqual(rw("Sifarişim çox gecikir, ağır", "az-ascii", key="2"),
                         "Sifarisim chox gecikir, agir")

    def test_variants_mix_across_messages(self):
        outs = {rw("ხვალ", "ka-latn-digraph", key=str(i)) for i in range(100)}
        self.assertEqual(outs, {"khval", "xval"})

    def test_record_uses_id(self):
        rec = {"id": "7", "text": "ხვალ", "intent": "x"}
        out = rewrite.rewrite_record(rec, "ka-latn-digraph")
        self.assertEqual(out["text"], rw("ხვალ", "ka-latn-digraph", key="7"))
        self.assertEqual(out["intent"], "x")
        self.assertEqual(out["id"], "7")
        self.assertEqual(rec["text"], "ხვალ")          # input not modified

    def test_unknown_mode(self):
        with self.assertRaises(ValueError):
            rw("x", "ka-cyrillic")


class CommandLine(unittest.TestCase):
    def run_cli(self, args, stdin):
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", PYTHONIOENCODING="ascii")
        return subprocess.run([sys.executable, os.path.join(HERE, "rewrite.py")] + args,
                              input=stdin.encode("utf-8"), capture_output=True, env=env)

    def test_jsonl_roundtrip(self):
        lines = [{"id": "1", "text": "ჩემი შეკვეთა", "intent": "order"},
                 {"id": "2", "text": "ბალანსი", "intent": None}]
        src = "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines)
        r = self.run_cli(["--mode", "ka-latn-keyboard"], src)
        self.assertEqual(r.returncode, 0, r.stderr)
        out = [json.loads(l) for l in r.stdout.decode("utf-8").splitlines()]
        self.assertEqual(out, [{"id": "1", "text": "Cemi SekveTa", "intent": "order"},
                               {"id": "2", "text": "balansi", "intent": None}])

    def test_bad_input_fails(self):
        r = self.run_cli(["--mode", "az-ascii"], "not json\n")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(b"line 1", r.stderr)

    def test_text_option(self):
        r = self.run_cli(["--mode", "az-ascii", "--text", "necə"], "")
        self.assertEqual(r.stdout, b"nece\n")


if __name__ == "__main__":
    unittest.main()
