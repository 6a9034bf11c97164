#!/usr/bin/env python3
"""The per-profile kernel config headers (model/include/kmapsim/config/)
agree with the profiles of model/src/sim/profile.cc: HIGHMEM, DEBUG_KMAP_LOCAL,
DEBUG_KMAP_LOCAL_FORCE_MAP, cache aliasing and 64-bit, for every profile."""

import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CFG = os.path.join(ROOT, "model", "include", "kmapsim", "config")


def profiles():
    """name -> fields, read from profile.cc (defaults from profile.h)."""
    src = open(os.path.join(ROOT, "model", "src", "sim", "profile.cc")).read()
    hdr = open(os.path.join(ROOT, "model", "src", "sim", "profile.h")).read()
    defaults = {f: v == "true" for f, v in re.findall(r"bool (\w+) = (true|false);", hdr)}
    out = {}
    by_var = {}
    # `Profile b = a;` starts b from a's fields.
    copies = dict((b, a) for b, a in re.findall(r"Profile (\w+) = (\w+);", src))
    for var, name in re.findall(r"(\w+)\.name = \"([\w-]+)\";", src):
        fields = dict(by_var.get(copies.get(var), defaults))
        for f, v in re.findall(r"\b%s\.(\w+) = (true|false);" % var, src):
            fields[f] = v == "true"
        by_var[var] = fields
        out[name] = fields
    assert out, "no profiles found in profile.cc"
    return out


def config(name):
    defs = set()
    path = os.path.join(CFG, name + ".h")
    for line in open(path):
        m = re.match(r"#include <kmapsim/config/([\w-]+)\.h>", line)
        if m:
            defs |= config(m.group(1))
        m = re.match(r"#define (CONFIG_\w+) 1\b", line)
        if m:
            defs.add(m.group(1))
    return defs


def main():
    bad = []
    ps = profiles()
    names = list(ps) + [n + "-tiny" for n in ps]
    for name in names:
        f = ps[name.replace("-tiny", "")]
        c = config(name)
        want = {
            "CONFIG_HIGHMEM": f["highmem"],
            # FORCE_MAP selects DEBUG_KMAP_LOCAL (lib/Kconfig.debug); without
            # either, profile.cc's field only sizes the slot stack.
            "CONFIG_DEBUG_KMAP_LOCAL": f["debug_kmap_local"] and (f["highmem"] or f["force_map"]),
            "CONFIG_DEBUG_KMAP_LOCAL_FORCE_MAP": f["force_map"],
            "CONFIG_ARCH_HAS_CPU_CACHE_ALIASING": f["aliasing_dcache"],
            "CONFIG_64BIT": not f["highmem"],
        }
        for sym, on in want.items():
            if (sym in c) != on:
                bad.append("%s: %s is %s in the config header, profile.cc says %s" % (name, sym, sym in c, on))
    for b in bad:
        print("FAIL: " + b)
    print("%d profiles checked, %d disagreements" % (len(names), len(bad)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
