"""Tests of function_size.py: what it counts as a function and its length."""

import os
import sys
import tempfile
import textwrap
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import function_size  # noqa: E402


def lengths(code):
    return {name: last - first + 1 for name, first, last in function_size.functions(textwrap.dedent(code))}


class FunctionsTest(unittest.TestCase):
    def test_length_runs_from_signature_to_closing_brace(self):
        self.assertEqual(lengths("""
            int Add(int a,
                    int b) {
              return a + b;
            }
            void Empty() {}
            """), {"Add": 4, "Empty": 1})

    def test_braces_in_literals_comments_and_macros_do_not_count(self):
        self.assertEqual(lengths("""
            #define BLOCK(x) { \\
              x; }
            const char* Text() {
              // }
              /* } { */
              const char* a = "}{\\"}";
              char b = '}', c = '\\'', d = '{';
              const char* r = R"re(}}"{)re";
              int n = 1'000'000;
              return a;
            }
            int After() { return 0; }
            """), {"Text": 9, "After": 1})

    def test_members_namespaces_and_extern_c(self):
        self.assertEqual(lengths("""
            namespace a::b {
            namespace {
            struct S : Base {
              S() : x_{1}, y_(2) {
                Init();
              }
             public:
              int Get() const noexcept { return x_; }
              bool operator==(const S& o) const { return x_ == o.x_; }
              int x_{0};
              struct Inner { void F() {} };
            };
            }  // namespace
            int S::Other(int v) const {
              return v;
            }
            }  // namespace a::b
            extern "C" {
            ZARI_EXTERN(int) zari_x(void) { return 0; }
            }
            """), {"S::S": 3, "S::Get": 1, "S::operator==": 1, "S::Inner::F": 1, "S::Other": 3, "zari_x": 1})

    def test_initializers_are_not_functions_and_lambdas_belong_to_theirs(self):
        self.assertEqual(lengths("""
            const std::vector<int> kTable = {
              1, 2, 3,
            };
            static const auto kInit = [] { return 1; }();
            enum class E { kA, kB };
            int Run() {
              auto f = [&](int x) {
                return x;
              };
              return f(1);
            }
            TEST_CASE("a test") {
              CHECK(Run() == 1);
            }
            """), {"Run": 6, "TEST_CASE": 3})


class CheckTest(unittest.TestCase):
    def run_check(self, source, allow=None, limit=3):
        with tempfile.TemporaryDirectory() as root:
            os.mkdir(os.path.join(root, "src"))
            with open(os.path.join(root, "src", "a.cc"), "w", encoding="utf-8") as f:
                f.write(source)
            args = ["--max-lines", str(limit), root, "src"]
            if allow is not None:
                path = os.path.join(root, "allow.txt")
                with open(path, "w", encoding="utf-8") as f:
                    f.write(allow)
                args = ["--allow", path] + args
            return function_size.main(args)

    LONG = "void Long() {\n  A();\n  B();\n  C();\n}\nvoid Short() {}\n"

    def test_fails_on_a_long_function_unless_allowed(self):
        self.assertEqual(self.run_check(self.LONG), 1)
        self.assertEqual(self.run_check(self.LONG, allow="src/a.cc Long  # a hot loop\n"), 0)

    def test_a_stale_entry_fails(self):
        self.assertEqual(self.run_check(self.LONG, allow="src/a.cc Long  # hot\nsrc/a.cc Short  # hot\n"), 1)

    def test_at_most_three_entries_and_each_says_why(self):
        four = "".join("src/a.cc F%d  # why\n" % i for i in range(4))
        with self.assertRaises(SystemExit):
            self.run_check(self.LONG, allow=four)
        with self.assertRaises(SystemExit):
            self.run_check(self.LONG, allow="src/a.cc Long\n")


if __name__ == "__main__":
    unittest.main()
