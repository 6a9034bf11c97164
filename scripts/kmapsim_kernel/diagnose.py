"""What a subject or an imported unit that does not compile or link shows:
every compiler error (the first 20), the log kept and its path, the real
linker message, and one line naming the kernel names kmapsim does not know."""

import re
import sys

_UNKNOWN = [
    r"use of undeclared identifier '(\w+)'",
    r"implicit declaration of function '(\w+)'",
    r"unknown type name '(\w+)'",
    r"incomplete definition of type '(?:struct|union) (\w+)'",
    r"variable has incomplete type '(?:struct|union) (\w+)'",
    r"field has incomplete type '(?:struct|union) (\w+)'",
    r"undefined reference to `(\w+)'",
    r"no member named '(\w+)' in",
]


def unknown_names(log_text):
    names = []
    for line in log_text.splitlines():
        for pat in _UNKNOWN:
            for m in re.finditer(pat, line):
                n = m.group(1)
                if "no member named" in pat:
                    tm = re.search(r"in '(struct \w+)'", line)
                    n = "%s.%s" % (tm.group(1), n) if tm else n
                if n not in names:
                    names.append(n)
    return names


def report(log_path, what, out=sys.stderr, limit=20):
    text = open(log_path, errors="replace").read()
    errs = [l for l in text.splitlines() if re.search(r"error:|undefined reference|multiple definition", l)]
    print("kmapsim: %s; the errors (%d, first %d shown):" % (what, len(errs), min(limit, len(errs))), file=out)
    for l in errs[:limit]:
        print("  " + l, file=out)
    if not errs:
        for l in text.strip().splitlines()[-10:]:
            print("  " + l, file=out)
    names = unknown_names(text)
    if names:
        print("kmapsim: kernel names kmapsim does not know: %s" % ", ".join(names), file=out)
    print("kmapsim: full log: %s" % log_path, file=out)


def main(argv):
    if len(argv) != 2:
        print("usage: python3 -m kmapsim_kernel diagnose LOG WHAT", file=sys.stderr)
        return 2
    report(argv[0], argv[1])
    return 0
