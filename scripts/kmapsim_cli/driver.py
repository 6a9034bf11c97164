"""Running a subject binary (fuzz/subject_driver.cc) and reading its result.

The driver writes its result machine-readable with --json FILE
(fuzz/driver_json.cc): verdict, class, first line, site, crash file, the
report text, runs, schedules and the guarantees per subject. Nothing here
reads the driver's prose.
"""
import json
import os
import subprocess

RESULT_FORMAT = "kmapsim-result 1"


class Result(dict):
    """The --json document, with defaults when the driver wrote none (it
    stopped before writing: a bad flag, or a crash)."""

    @property
    def reported(self):
        return self.get("verdict") == "report"


def read_result(path):
    """The Result in PATH, or None when there is none (or it is unreadable)."""
    try:
        with open(path) as f:
            doc = json.load(f)
    except (OSError, ValueError):
        return None
    if not isinstance(doc, dict) or doc.get("format") != RESULT_FORMAT:
        return None
    return Result(doc)


def parse_result(text):
    """A Result from the JSON text (--json -), or None."""
    try:
        doc = json.loads(text)
    except ValueError:
        return None
    return Result(doc) if isinstance(doc, dict) and doc.get("format") == RESULT_FORMAT else None


def run(binary, args, json_path, **kw):
    """Runs BINARY ARGS --json JSON_PATH (subprocess.run keywords in KW).
    Returns (the CompletedProcess, the Result or None)."""
    if os.path.exists(json_path):
        os.remove(json_path)
    p = subprocess.run([binary] + list(args) + ["--json", json_path], **kw)
    return p, read_result(json_path)


def json_args(json_path):
    """The flags that make a driver run write its result to JSON_PATH (for
    commands that add flags after it, e.g. --fuzz and libFuzzer's)."""
    return ["--json", json_path]
