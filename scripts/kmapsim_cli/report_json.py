"""`--json FILE` of check and repro: the report as data for CI systems.

    {"format": "kmapsim-report 1", "verdict": "report" | "clean" | "inconclusive",
     "class", "first_line", "crash_file", "replay",
     "discarded": <runs that broke the entry check of the function under
                  test: the caller's contract, not reported; 0 if none.
                  check counts every explore round's, the number its
                  "runs in all" line prints after the first round's verdict
                  (which counts that round's own); 0 from repro and
                  torture>,
     "whole_space": <true when check's enumeration covered every run each
                    subject can take, so its clean verdict is final
                    (fuzz/driver_explore.cc); false otherwise>,
     "report": <docs/report.schema.json's object, or null when clean>,
     "text": <the report's text, or null>}

check --kernel FILE:FUNCTION's "inconclusive" (exit 2) is a report of the
harness kmapsim wrote that says what the harness could not give (a NULL or
wild pointer, the 0x6b poison as an address); it keeps the report's fields
and adds "reason".

"report" is the driver's --json "details" (fuzz/driver_json.cc);
report_text.render() of it is the text the command printed. FILE "-" is
standard output.
"""
import json
import os
import sys

FORMAT = "kmapsim-report 1"


def document(result, discarded=0, whole_space=False):
    """The document for a driver Result (None or clean: a clean verdict);
    discarded: the runs the command discarded in all; whole_space: the
    clean verdict covers every run the subjects can take."""
    if result is None or not result.reported:
        return {"format": FORMAT, "verdict": "clean", "class": None, "first_line": None, "crash_file": None,
                "replay": None, "discarded": discarded, "whole_space": whole_space, "report": None, "text": None}
    details = result.get("details") or None
    return {"format": FORMAT, "verdict": "report", "class": result.get("class"),
            "first_line": result.get("first_line"), "crash_file": result.get("crash_file"),
            "replay": details.get("replay") if details else None, "discarded": discarded, "whole_space": False,
            "report": details, "text": result.get("report")}


def unwritable(path, flag="--json"):
    """Why PATH cannot take the document, checked before the command's work
    (a run of minutes must not end in an error over its output file); None
    when it can, as "-" (standard output) always can."""
    if not path or path == "-":
        return None
    if os.path.isdir(path):
        return "%s %s: a directory; name a file" % (flag, path)
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        return "%s %s: no directory %s to write it in" % (flag, path, parent)
    if not os.access(parent, os.W_OK | os.X_OK) or (os.path.exists(path) and not os.access(path, os.W_OK)):
        return "%s %s: cannot write it" % (flag, path)
    return None


def write(path, doc):
    text = json.dumps(doc, indent=1, sort_keys=False) + "\n"
    if path == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)
