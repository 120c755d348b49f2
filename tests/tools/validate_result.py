#!/usr/bin/python3
"""validate_result.py: checks analysis results against proto/result.schema.json.

Usage: validate_result.py SCHEMA [FILE...]   (no FILE: one JSON document on stdin)
Besides the schema, checks what JSON Schema cannot say: every offset and span lies
inside the analysed text (`text` when present, else the file named by --text) and
on a UTF-8 boundary.  Exits 0 when every result is valid, 1 otherwise, printing one
line per problem.  Needs Debian's python3-jsonschema (run with /usr/bin/python3).
"""
import json
import sys

import jsonschema


def spans(result):
    for e in result.get("entities", []):
        for s in e.get("mentions", []):
            yield "entities", s
    for t in result.get("themes", []):
        for s in t.get("mentions", []):
            yield "themes", s
    for key in ("dates", "amounts", "quotes"):
        for item in result.get(key, []):
            yield key, [item["offset"], item["offset"]]


def check_offsets(result, text):
    problems = []
    for where, (start, end) in spans(result):
        if not (0 <= start <= end <= len(text)):
            problems.append(f"{where}: span [{start},{end}) outside text of {len(text)} bytes")
            continue
        for off in (start, end):
            if off < len(text) and (text[off] & 0xC0) == 0x80:
                problems.append(f"{where}: offset {off} is inside a UTF-8 sequence")
    return problems


def main(argv):
    args = argv[1:]
    text_file = None
    if len(args) >= 2 and args[0] == "--text":
        text_file, args = args[1], args[2:]
    if not args:
        print("usage: validate_result.py [--text FILE] SCHEMA [RESULT...]", file=sys.stderr)
        return 2
    with open(args[0], encoding="utf-8") as f:
        schema = json.load(f)
    validator = jsonschema.Draft202012Validator(schema)
    inputs = args[1:] or ["-"]
    bad = 0
    for name in inputs:
        raw = sys.stdin.read() if name == "-" else open(name, encoding="utf-8").read()
        result = json.loads(raw)
        errors = sorted(validator.iter_errors(result), key=lambda e: list(e.path))
        for e in errors:
            print(f"{name}: {'/'.join(map(str, e.path)) or '(root)'}: {e.message}")
        text = None
        if "text" in result:
            text = result["text"].encode("utf-8")
        elif text_file:
            text = open(text_file, "rb").read()
        problems = check_offsets(result, text) if text is not None else []
        for p in problems:
            print(f"{name}: {p}")
        bad += bool(errors or problems)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
