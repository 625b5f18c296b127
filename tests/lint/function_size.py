#!/usr/bin/env python3
"""Fails when a C++ function is longer than a limit (default 120 lines).

    function_size.py [--max-lines N] [--allow FILE] [--list] ROOT DIR...

Reads every .cc, .h and .inc file below ROOT/DIR and prints
"path:line: Name is N lines (limit L)" for each function, member function
or function-like macro body (TEST_CASE(...) { … }) longer than the limit.
A function's length runs from the first line of its signature to the line
of its closing brace. Lambdas count toward the function that holds them.

The allow-list holds "path Name  # why" lines, e.g.
"engine/match/examples.cc ExampleMatcher::Refine  # the hot loop of ...";
it may hold at most three entries, and an entry that no longer matches a
long function fails too (so the list cannot outlive its reason).

Python standard library only, and no compiler: a tokenizer that knows C++
comments, string and character literals (raw strings, digit separators)
and preprocessor lines, and a brace stack that tells namespaces, classes
and initializers from function bodies. --list prints every function with
its length instead of checking.
"""

import argparse
import os
import re
import sys

EXTENSIONS = (".cc", ".h", ".inc")
MAX_ALLOWED = 3

# Words that may follow a function's parameter list before its body.
QUALIFIERS = re.compile(
    r"^(?:const\b|volatile\b|noexcept\b|override\b|final\b|mutable\b|constexpr\b|try\b|&&|&|->|requires\b|:|$)")
NAME_BEFORE_PARAMS = re.compile(
    r"((?:[A-Za-z_]\w*(?:<[^<>]*>)?::)*~?(?:operator\s*(?:\(\)|\[\]|\"\"\s*\w+|[^\s\w()]+|\s+[\w:<>*& ]+?)"
    r"|[A-Za-z_]\w*))\s*$")
CLASS_HEAD = re.compile(r"^(?:template\s*<.*>\s*)?(?:class|struct|union|enum)\b", re.S)
NAMESPACE_HEAD = re.compile(r"^(?:inline\s+)?namespace\b")
ACCESS_LABEL = re.compile(r"(?:(?:public|private|protected)\s*:(?!:)\s*)+")


def strip_code(text):
    """The text with comments, literals and preprocessor lines blanked to
    spaces (newlines and offsets kept), so braces in them do not count."""
    out = []
    i, n = 0, len(text)
    at_line_start = True
    while i < n:
        c = text[i]
        if c == "\n":
            out.append(c)
            at_line_start = True
            i += 1
            continue
        if at_line_start and c in " \t":
            out.append(c)
            i += 1
            continue
        if at_line_start and c == "#":
            # A preprocessor line, with its backslash continuations.
            while i < n and text[i] != "\n":
                if text[i] == "\\" and i + 1 < n and text[i + 1] == "\n":
                    out.append(" \n")
                    i += 2
                    continue
                out.append(" ")
                i += 1
            continue
        at_line_start = False
        if text.startswith("//", i):
            while i < n and text[i] != "\n":
                out.append(" ")
                i += 1
            continue
        if text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append(re.sub(r"[^\n]", " ", text[i:end]))
            i = end
            continue
        raw = re.match(r'(?:u8|u|U|L)?R"([^()\\\s]{0,16})\(', text[i:i + 24])
        if raw and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            end = text.find(")" + raw.group(1) + '"', i + raw.end())
            end = n if end < 0 else end + len(raw.group(1)) + 2
            out.append('""' + re.sub(r"[^\n]", " ", text[i + 2:end]))
            i = end
            continue
        if c == "'" and i > 0 and _in_number(text, i):
            out.append(" ")  # digit separator: 1'000'000
            i += 1
            continue
        if c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            end = min(j + 1, n)
            out.append(c + c + " " * (end - i - 2))
            i = end
            continue
        out.append(c)
        i += 1
    return "".join(out)


def _in_number(text, i):
    j = i - 1
    while j >= 0 and (text[j].isalnum() or text[j] in "_.'"):
        j -= 1
    token = text[j + 1:i]
    return bool(token) and token[0].isdigit()


def find_params(head):
    """The parameter list of a function head: (start, end) of the first
    top-level (...) group that follows a name and precedes only qualifiers,
    or None."""
    depth = 0
    start = None
    for k, ch in enumerate(head):
        if ch == "(":
            if depth == 0:
                start = k
            depth += 1
        elif ch == ")" and depth > 0:
            depth -= 1
            if depth == 0 and start is not None:
                tail = head[k + 1:].lstrip()
                if QUALIFIERS.match(tail) and NAME_BEFORE_PARAMS.search(head[:start]):
                    return start, k + 1
    return None


def top_level_assignment(head):
    if "operator" in head:
        return False
    depth = 0
    for k, ch in enumerate(head):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == "=" and depth == 0:
            prev = head[k - 1] if k else ""
            nxt = head[k + 1] if k + 1 < len(head) else ""
            if prev not in "=!<>" and nxt != "=":
                return True
    return False


def classify(head):
    """'namespace', 'class', 'extern', 'function', 'init' (a brace
    initializer inside a constructor's initializer list) or 'other'."""
    h = " ".join(head.split())
    label = ACCESS_LABEL.match(h)
    if label:
        h = h[label.end():]
    if NAMESPACE_HEAD.match(h):
        return "namespace", ""
    if h == 'extern ""':
        return "extern", ""
    if CLASS_HEAD.match(h):
        m = re.match(r"^(?:template\s*<.*?>\s*)?(?:class|struct|union|enum)(?:\s+(?:class|struct))?"
                     r"(?:\s+(?:alignas\s*\([^)]*\)|\[\[[^\]]*\]\]))*\s*([A-Za-z_]\w*)?", h, re.S)
        return "class", (m.group(1) or "") if m else ""
    if not h or top_level_assignment(h):
        return "other", ""
    params = find_params(h)
    if not params:
        return "other", ""
    tail = h[params[1]:].strip()
    if tail.startswith(":") and not tail.endswith((")", "}")):
        return "init", ""
    name = NAME_BEFORE_PARAMS.search(h[:params[0]]).group(1)
    return "function", re.sub(r"\s+", " ", name)


def functions(text):
    """Yields (name, first_line, last_line) of every function body."""
    code = strip_code(text)
    line_starts = [0]
    for k, ch in enumerate(code):
        if ch == "\n":
            line_starts.append(k + 1)

    def line_of(pos):
        lo, hi = 0, len(line_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if line_starts[mid] <= pos:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1

    # Each scope: (kind, name, first line of its head, head saved for 'init').
    stack = []
    head_start = 0
    for k, ch in enumerate(code):
        if ch not in "{};":
            continue
        inside_body = any(s[0] in ("function", "other") for s in stack)
        if ch == ";":
            if not inside_body:
                head_start = k + 1
            continue
        if ch == "{":
            if inside_body:
                stack.append(("nested", "", 0, None))
                continue
            head = code[head_start:k]
            kind, name = classify(head)
            if kind == "init":
                stack.append(("init", "", 0, head_start))
                continue
            # The signature's first line, past blank lines and access labels.
            start = head_start + len(head) - len(head.lstrip())
            label = ACCESS_LABEL.match(code, start)
            first = line_of(label.end() if label else start)
            if kind == "function":
                outer = [s[1] for s in stack if s[0] == "class" and s[1]]
                if outer and "::" not in name:
                    name = "::".join(outer + [name])
            stack.append((kind, name, first, None))
            head_start = k + 1
            continue
        # '}'
        if not stack:
            head_start = k + 1
            continue
        kind, name, first, saved = stack.pop()
        if kind == "init":
            head_start = saved  # the initializer list goes on
            continue
        if kind == "function":
            yield name, first, line_of(k)
        if not any(s[0] in ("function", "other") for s in stack):
            head_start = k + 1


def source_files(root, dirs):
    for d in dirs:
        base = os.path.join(root, d)
        if os.path.isfile(base):
            yield d
            continue
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = sorted(x for x in dirnames if x not in ("node_modules", "build"))
            for f in sorted(filenames):
                if f.endswith(EXTENSIONS):
                    yield os.path.relpath(os.path.join(dirpath, f), root)


def read_allow_list(path):
    entries = {}
    if not path:
        return entries
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            text = line.split("#", 1)[0].strip()
            if not text:
                continue
            parts = text.split()
            if len(parts) != 2 or "#" not in line:
                raise SystemExit("%s:%d: expected 'path Name  # why', got %r" % (path, number, line.rstrip()))
            entries[(parts[0], parts[1])] = number
    if len(entries) > MAX_ALLOWED:
        raise SystemExit("%s: %d entries; at most %d (split the function instead)" % (path, len(entries), MAX_ALLOWED))
    return entries


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--max-lines", type=int, default=120)
    p.add_argument("--allow", help="allow-list file")
    p.add_argument("--list", action="store_true", help="print every function and its length")
    p.add_argument("root")
    p.add_argument("dirs", nargs="+")
    a = p.parse_args(argv)
    allowed = read_allow_list(a.allow)
    used = set()
    problems = []
    count = 0
    for rel in source_files(a.root, a.dirs):
        with open(os.path.join(a.root, rel), encoding="utf-8", errors="replace") as f:
            text = f.read()
        for name, first, last in functions(text):
            count += 1
            length = last - first + 1
            if a.list:
                print("%5d %s:%d %s" % (length, rel, first, name))
                continue
            if length <= a.max_lines:
                continue
            if (rel, name) in allowed:
                used.add((rel, name))
                continue
            problems.append("%s:%d: %s is %d lines (limit %d): split it by what it does"
                            % (rel, first, name, length, a.max_lines))
    if a.list:
        return 0
    over = len(problems)
    for key, number in sorted(allowed.items(), key=lambda kv: kv[1]):
        if key not in used:
            problems.append("%s:%d: %s %s is not a function over %d lines any more: remove the entry"
                            % (a.allow, number, key[0], key[1], a.max_lines))
    for line in problems:
        print(line)
    print("function_size: %d functions read, %d over %d lines, %d allowed, %d stale allow-list entries" % (
        count, over, a.max_lines, len(used), len(problems) - over))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
