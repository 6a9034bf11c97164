"""`kmapsim torture --json`: runs a torture binary the way the CLI does
(kmapsim_cli.torture.run_binary with --json) and checks the document the CLI
writes (kmapsim_cli.torture.json_document): the verdict and class expected,
and for a report the "report" object valid against docs/report.schema.json,
its text rendered from it (report_text.render) equal to the text printed.

usage: json_result.py clean|CLASS BINARY [--profile P] [--seconds N] [--threads T]
Exit 0 when the document is as expected, 1 (with the reason) otherwise.
"""
import argparse
import json
import os
import sys
import tempfile
import types

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))

import jsonschema  # noqa: E402

from kmapsim_cli import report_text, torture  # noqa: E402


def fail(why):
    print("json_result: " + why)
    sys.exit(1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("expect")
    ap.add_argument("binary")
    ap.add_argument("--profile", default="")
    ap.add_argument("--seconds", type=int, default=4)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    args = types.SimpleNamespace(seed="1", profile=a.profile)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "torture.json")
        rc, _ = torture.run_binary(a.binary, 1, a.seconds, a.threads, args, "json_result.py", os.path.basename(a.binary), path)
        doc = torture.json_document(rc, path)
    if doc is None:
        fail("no document (exit %d)" % rc)
    if a.expect == "clean":
        if rc != 0 or doc["verdict"] != "clean" or doc["report"] is not None or doc["class"] is not None:
            fail("expected a clean document, got exit %d: %r" % (rc, doc))
        print("json_result: clean document")
        return
    if rc != 1 or doc["verdict"] != "report" or doc["class"] != a.expect:
        fail("expected a %s report, got exit %d: verdict %r class %r" % (a.expect, rc, doc["verdict"], doc["class"]))
    with open(os.path.join(ROOT, "docs", "report.schema.json")) as f:
        schema = json.load(f)
    jsonschema.validate(doc["report"], schema)
    if not doc["first_line"].startswith("BUG: kmapsim: %s: " % a.expect):
        fail("first line: %r" % doc["first_line"])
    if report_text.render(doc["report"]) != doc["text"]:
        fail("the text rendered from the report differs from the text printed")
    if "best effort" not in (doc["replay"] or ""):
        fail("replay: %r" % doc["replay"])
    print("json_result: %s report, valid against docs/report.schema.json" % a.expect)


if __name__ == "__main__":
    main()
