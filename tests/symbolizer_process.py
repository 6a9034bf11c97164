#!/usr/bin/python3
"""One llvm-symbolizer per process: a report's call sites are all asked of
the one tool kmapsim starts (model/src/sim/llvm_symbolizer.cc), and a tool
that is missing or breaks costs the call sites, never the report.

  symbolizer_process.py BINARY SUBJECT

runs `BINARY --explore --subject SUBJECT` (a subject whose report names
call sites at several addresses) with $KMAPSIM_SYMBOLIZER naming:
- llvm-symbolizer itself: the reference report;
- a wrapper that counts its starts, then runs llvm-symbolizer: the same
  bytes, and one start for the whole report;
- nothing: the same bytes (in a sanitizer build the runtime's symbolizer
  answers; elsewhere the same one process);
- a missing program, one that exits without answering, one that closes its
  streams and lingers (kmapsim's write finds no reader: EPIPE, which must
  not be a SIGPIPE that kills kmapsim): the report, exit 1, without call
  sites, the tool started at most once, no hang.
In a sanitizer build $KMAPSIM_SYMBOLIZER is what selects kmapsim's own
symbolizer process, so the dev preset checks the path release builds use."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

SITE = r"\b[\w.-]+\.c:[0-9]+\b"


def main():
    binary, subject = sys.argv[1], sys.argv[2]
    tool = shutil.which("llvm-symbolizer")
    if not tool:
        print("SKIP: no llvm-symbolizer on PATH")
        return 77
    work = tempfile.mkdtemp(prefix="kmapsim-symbolizer-")
    crashes = os.path.join(work, "crashes")
    failures = []

    def run(symbolizer):
        shutil.rmtree(crashes, ignore_errors=True)
        env = dict(os.environ)
        env.pop("KMAPSIM_SYMBOLIZER", None)
        if symbolizer is not None:
            env["KMAPSIM_SYMBOLIZER"] = symbolizer
        try:
            p = subprocess.run([binary, "--explore", "--subject", subject, "--runs", "100", "--crash-dir", crashes],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, timeout=90,
                               stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            return None, "(no answer within 90 s: kmapsim hung on the symbolizer)"
        return p.returncode, p.stdout

    def wrapper(name, body):
        path = os.path.join(work, name)
        count = path + ".starts"
        with open(path, "w") as f:
            f.write("#!/bin/sh\necho start >> '%s'\n%s\n" % (count, body))
        os.chmod(path, 0o755)
        return path, lambda: open(count).read().count("start") if os.path.exists(count) else 0

    def expect(cond, what):
        if not cond:
            failures.append(what)

    rc, ref = run("llvm-symbolizer")
    expect(rc == 1 and ref.startswith("BUG: kmapsim: "), "the reference run did not report (exit %d):\n%s" % (rc, ref))
    # (line 0 in a build without debug information: the release preset)
    sites = set(re.findall(SITE, ref))
    expect(sites, "the reference report names no call site: starts would prove nothing\n" + ref)

    counted, starts = wrapper("counting", 'exec "%s" "$@"' % tool)
    rc, out = run(counted)
    expect(rc == 1 and out == ref, "the counting wrapper's report differs from llvm-symbolizer's:\n%s\n---\n%s" % (out, ref))
    expect(starts() == 1, "llvm-symbolizer started %d times for one report (want 1)" % starts())

    rc, out = run(None)
    expect(rc == 1 and out == ref, "the report without $KMAPSIM_SYMBOLIZER differs:\n%s\n---\n%s" % (out, ref))

    first = ref.split("\n", 1)[0]
    broken = [("missing", None), ("silent", "exit 0"), ("closed", "exec 0<&- 1>&-\nexec sleep 30")]
    for name, body in broken:
        if body is None:
            path, starts = os.path.join(work, "no-such-symbolizer"), lambda: 0
        else:
            path, starts = wrapper(name, body)
        rc, out = run(path)
        expect(rc == 1 and out.split("\n", 1)[0] == first,
               "%s symbolizer: exit %s, want 1 and the same first line:\n%s" % (name, rc, out))
        expect(not (sites & set(re.findall(SITE, out))),
               "%s symbolizer: the report still names call sites:\n%s" % (name, out))
        expect(starts() <= 1, "%s symbolizer: started %d times (want at most 1)" % (name, starts()))

    shutil.rmtree(work, ignore_errors=True)
    for f in failures:
        print("FAIL: " + f)
    if not failures:
        print("ok: one llvm-symbolizer for the report (%d call sites), the same bytes; broken tools cost only the sites"
              % len(sites))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
