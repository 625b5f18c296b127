#!/usr/bin/env python3
"""zari.h, libzari.so and docs/C_API.md agree, function by function.

For every function declared with ZARI_EXTERN in zari.h:
  - libzari.so exports it (nm -D --defined-only), and exports no zari_*
    function the header does not declare;
  - it has a doc comment in zari.h: the /** ... */ block right above it, or
    a /**< ... */ after it on its line;
  - if it is fallible (returns int, unless its comment says "Cannot fail"),
    that comment has an "Errors:" and a "Thread-safety:" line;
  - a function with a `T **out` parameter documents it with @param[out];
  - docs/C_API.md describes it in its "Function reference" section.
And every zari_* name docs/C_API.md mentions is declared in zari.h.

Fails naming everything that is missing. Python 3 standard library only.

  check_docs.py --header zari.h --doc docs/C_API.md --library libzari.so [--nm nm]
"""
import argparse
import re
import subprocess
import sys

DECL = re.compile(r"ZARI_EXTERN\(([^)]*)\)\s*(zari_\w+)\s*\(([^)]*)\)\s*;", re.S)
TYPE = re.compile(r"typedef\s+(?:struct|enum)\s+(zari_\w+)|\(\s*\*\s*(zari_\w+)\s*\)")
# A zari_ name not followed by '_' (so `zari_reply_*` and `zari_options_set_*`
# are prefixes, not names).
NAME = re.compile(r"\bzari_[a-z0-9_]*[a-z0-9](?![a-z0-9_])")
REFERENCE = "## Function reference"


def parse_header(text):
    """[(name, return type, params, doc comment or None)] in header order."""
    functions = []
    for m in DECL.finditer(text):
        ret, name, params = " ".join(m.group(1).split()), m.group(2), m.group(3)
        doc = None
        before = text[: m.start()].rstrip()
        if before.endswith("*/"):
            start = before.rfind("/*")
            if start >= 0 and before.startswith("/**", start):
                doc = before[start:]
        line_end = text.find("\n", m.end())
        rest = text[m.end() : line_end if line_end >= 0 else len(text)]
        trailing = re.search(r"/\*\*<.*?\*/", rest)
        if trailing:
            doc = (doc + "\n" if doc else "") + trailing.group(0)
        functions.append((name, ret, params, doc))
    types = {a or b for a, b in TYPE.findall(text)}
    enums = set(re.findall(r"\b(ZARI_[A-Z0-9_]+)\b", text))
    return functions, types, enums


def exported(library, nm):
    out = subprocess.run([nm, "-D", "--defined-only", library], check=True, capture_output=True, text=True).stdout
    symbols = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "TtWi":
            symbols.add(parts[2].split("@")[0])
    return symbols


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--header", required=True)
    ap.add_argument("--doc", required=True)
    ap.add_argument("--library", required=True)
    ap.add_argument("--nm", default="nm")
    args = ap.parse_args()

    header = open(args.header, encoding="utf-8").read()
    doc = open(args.doc, encoding="utf-8").read()
    functions, types, _ = parse_header(header)
    problems = []
    if len(functions) < 30:
        problems.append(f"{args.header}: found only {len(functions)} ZARI_EXTERN functions; is the parser broken?")
    names = [f[0] for f in functions]

    # Exported, both ways.
    try:
        symbols = exported(args.library, args.nm or "nm")
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"check_docs: cannot list the symbols of {args.library}: {e}", file=sys.stderr)
        return 1
    for name in names:
        if name not in symbols:
            problems.append(f"{name}: declared in zari.h but not exported by {args.library}")
    for sym in sorted(s for s in symbols if s.startswith("zari_") and s not in names):
        problems.append(f"{sym}: exported by {args.library} but not declared in zari.h")

    # Documented in the header.
    for name, ret, params, comment in functions:
        if not comment:
            problems.append(f"{name}: no doc comment in zari.h (/** ... */ above it, or /**< ... */ after it)")
            continue
        fallible = ret == "int" and "Cannot fail" not in comment
        if fallible:
            for label in ("Errors:", "Thread-safety:"):
                if label not in comment:
                    problems.append(f"{name}: returns int (fallible) but its comment in zari.h has no '{label}'")
        if re.search(r"\*\s*\*\s*out\b", params) and "@param[out]" not in comment:
            problems.append(f"{name}: has an out parameter but its comment in zari.h has no '@param[out]'")

    # Described in C_API.md.
    at = doc.find(REFERENCE)
    if at < 0:
        problems.append(f"{args.doc}: no '{REFERENCE}' section")
        reference = ""
    else:
        nxt = re.search(r"^## ", doc[at + len(REFERENCE) :], re.M)
        reference = doc[at : at + len(REFERENCE) + nxt.start()] if nxt else doc[at:]
    described = set(NAME.findall(reference))
    for name in names:
        if name not in described:
            problems.append(f"{name}: not described in the '{REFERENCE}' section of {args.doc}")
    known = set(names) | types
    for name in sorted(set(NAME.findall(doc)) - known):
        problems.append(f"{name}: mentioned in {args.doc} but not declared in zari.h")

    if problems:
        print(f"check_docs: {len(problems)} problem(s):", file=sys.stderr)
        for p in problems:
            print("  " + p, file=sys.stderr)
        return 1
    print(f"check_docs: {len(names)} functions: exported, documented in zari.h and in {args.doc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
