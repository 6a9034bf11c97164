#!/usr/bin/env python3
"""Records zoo crash files as corpus regressions.

Usage: tests/record_zoo_regressions.py BUILD_DIR [ENTRY_SUBSTRING]

Takes the crash files the zoo tests wrote (BUILD_DIR/zoo-crashes), one per
buggy target and profile, and stores each as
corpus/<target>/regressions/<profile>-<class> with the report's first line
beside it as <name>.verdict. Run the zoo tests first (ctest -L zoo). Use it
when a deliberate change of the model or of a report's wording changes the
recorded lines; review the diff before committing.
"""
import glob
import os
import re
import sys

build, pattern = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else "")
seen = set()
for f in sorted(glob.glob(os.path.join(build, "zoo-crashes", "*.crash")), key=os.path.getmtime, reverse=True):
    text = open(f).read()
    field = lambda k: re.search(r"^%s: (.*)$" % k, text, re.M).group(1)
    target, profile, line = field("target"), field("profile"), field("report")
    if pattern not in target or (target, profile) in seen:
        continue
    seen.add((target, profile))
    cls = line.split(":")[2].strip()
    out_dir = os.path.join("corpus", target, "regressions")
    os.makedirs(out_dir, exist_ok=True)
    name = os.path.join(out_dir, "%s-%s" % (profile, cls))
    text = re.sub(r"^replay: .*$", "replay: scripts/kmapsim repro " + name, text, flags=re.M)
    open(name, "w").write(text)
    open(name + ".verdict", "w").write(line + "\n")
print("%d regressions recorded" % len(seen))
