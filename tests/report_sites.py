#!/usr/bin/python3
"""A zoo buggy variant's report points at the line: the offending access or
call is the line marked `/* kmapsim: here */` in buggy.c, the mapping's call
the line marked `/* kmapsim: map */` (when the file has one), and a
kmap-escape's hand-over (a call the model saw carry the address to the other
context) the line marked `/* kmapsim: handover */`; with no such marker the
report names no hand-over. Events: a line marked `/* kmapsim: event KIND */`
says where events of that kind happen; the report must list one such event,
and every event of a marked kind must sit on a line marked with its kind.
Also: the
--json report validates against docs/report.schema.json and renders
(report_text.py) to the text the driver printed, and replaying the crash
file in two processes prints the same bytes. With SUBJECT, only that
subject of the binary is explored, and FIXED (its fixed twin) must stay
clean in as many runs.

usage: report_sites.py BINARY SOURCE PROFILE CLASS RUNS [SUBJECT FIXED]
"""
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from kmapsim_cli import report_text  # noqa: E402


def marked(source, tag):
    with open(source) as f:
        return [i + 1 for i, line in enumerate(f) if "/* kmapsim: %s */" % tag in line]


def event_markers(source):
    """{kind: [lines]} of the `/* kmapsim: event KIND */` markers."""
    out = {}
    with open(source) as f:
        for i, line in enumerate(f):
            for kind in re.findall(r"/\* kmapsim: event ([a-z-]+) \*/", line):
                out.setdefault(kind, []).append(i + 1)
    return out


def main():
    binary, source, profile, cls, runs = sys.argv[1:6]
    subject, fixed = (sys.argv[6:8] + ["", ""])[:2]
    only = ["--subject", subject] if subject else []
    base = os.path.basename(source)
    fails = []
    here, maps = marked(source, "here"), marked(source, "map")
    if not here:
        print("FAIL: %s has no /* kmapsim: here */ marker" % source)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        res = os.path.join(tmp, "r.json")
        p = subprocess.run([binary, "--explore", "--profile", profile, "--runs", runs, "--crash-dir", tmp, "--json", res] + only,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if p.returncode != 1:
            print("FAIL: expected a report (exit 1), got exit %d\n%s" % (p.returncode, p.stderr))
            return 1
        doc = json.load(open(res))
        d = doc["details"]
        if d["class"] != cls:
            fails.append("class %s, expected %s" % (d["class"], cls))
        # The schema and the round trip.
        try:
            import jsonschema
            jsonschema.validate(d, json.load(open(os.path.join(ROOT, "docs", "report.schema.json"))))
        except ImportError:
            fails.append("python3-jsonschema is missing (scripts/kmapsim setup installs it)")
        except jsonschema.ValidationError as e:
            fails.append("schema: %s" % e.message)
        if report_text.render(d) != doc["report"]:
            fails.append("report_text.render(details) differs from the printed report")
        if doc["report"] not in p.stderr:
            fails.append("the --json report is not the text printed")
        # The sites.
        sites = d["sites"]
        first = sites[0] if sites else None
        if not first or not first["trace"]:
            fails.append("no site for the offending access or call")
        else:
            f = first["trace"][0]
            if f["file"] != base or f["line"] not in here:
                fails.append("%s site is %s:%d, marked line(s) %s:%s" % (first["role"], f["file"], f["line"], base, here))
        if maps:
            m = [s for s in sites if s["role"] in ("mapped", "kernel-side mapping") and s["trace"]]
            if not m:
                fails.append("no site for the mapping's call (marked %s:%s)" % (base, maps))
            elif m[0]["trace"][0]["file"] != base or m[0]["trace"][0]["line"] not in maps:
                fails.append("mapping site is %s:%d, marked %s:%s" % (m[0]["trace"][0]["file"], m[0]["trace"][0]["line"], base, maps))
        handovers = marked(source, "handover")
        ho = [s for s in sites if s["role"] == "handed over"]
        if handovers:
            if not ho or not ho[0]["trace"]:
                fails.append("no hand-over site (marked %s:%s)" % (base, handovers))
            elif ho[0]["trace"][0]["file"] != base or ho[0]["trace"][0]["line"] not in handovers:
                fails.append("hand-over site is %s:%d, marked %s:%s" % (ho[0]["trace"][0]["file"], ho[0]["trace"][0]["line"], base,
                                                                        handovers))
            elif not any("handed over by %s at %s:%d" % (ho[0]["what"], base, ho[0]["trace"][0]["line"]) in line
                         for line in d["details"]):
                fails.append("the contexts line does not say where the address was handed over")
        elif ho or any("handed over" in line for line in d["details"]):
            fails.append("a hand-over named, but no /* kmapsim: handover */ marker in %s" % base)
        events = event_markers(source)
        if events:
            seen = [e for e in d["events"] if e["kind"] in events]
            if not seen:
                fails.append("no event of a marked kind (%s) in the report" % ", ".join(sorted(events)))
            for e in seen:
                if e["site"] not in ["%s:%d" % (base, n) for n in events[e["kind"]]]:
                    fails.append("%s event #%d is at %s, marked %s:%s" % (e["kind"], e["seq"], e["site"], base, events[e["kind"]]))
        if re.search(r"(^|[\s(])/(work|home|tmp|usr)/", doc["report"].split("  replay: ")[0]):
            fails.append("an absolute path in the report")
        # Replay: two processes, the same bytes.
        outs = []
        for _ in range(2):
            r = subprocess.run([binary, "--replay", doc["crash_file"]], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            outs.append((r.returncode, r.stdout, r.stderr))
        if outs[0] != outs[1] or outs[0][0] != 1:
            fails.append("two replays differ (exit %d and %d)" % (outs[0][0], outs[1][0]))
        elif d["first_line"].encode() not in outs[0][2]:
            fails.append("the replay does not print the same report")
        if fixed:
            q = subprocess.run([binary, "--explore", "--profile", profile, "--runs", runs, "--crash-dir", tmp,
                                "--subject", fixed, "--expect", "clean"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
            if q.returncode != 0:
                fails.append("the fixed twin %s is not clean (exit %d): %s" % (fixed, q.returncode, q.stderr[:2000]))
    for f in fails:
        print("FAIL: " + f)
    if not fails:
        print("ok: %s %s: %s line %s, map line %s%s%s" % (base, cls, first["role"], here, maps or "-",
                                                           ", handover line %s" % handovers if handovers else "",
                                                           ", %s clean" % fixed if fixed else ""))
    print(doc["report"])
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
