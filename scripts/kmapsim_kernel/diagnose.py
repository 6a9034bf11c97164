"""What a subject or an imported unit that does not compile or link shows:
every compiler error (the first 20), the log kept and its path, the real
linker message, and one line naming the kernel names kmapsim does not know."""

import os
import re
import shutil
import sys

_UNKNOWN = [
    r"use of undeclared identifier '(\w+)'",
    r"implicit declaration of function '(\w+)'",
    r"unknown type name '(\w+)'",
    r"incomplete definition of type '(?:struct|union) (\w+)'",
    r"variable has incomplete type '(?:struct|union) (\w+)'",
    r"field has incomplete type '(?:struct|union) (\w+)'",
    r"undefined reference to `(\w+)'",  # GNU ld
    r"undefined symbol: (\w+)",  # lld
    r"no member named '(\w+)' in",
]


# "int __weak f(void)" where __weak is not defined: clang reads a variable
# named __weak and stops at f. It shows the line and a caret after the
# unknown word.
_DECLARATOR = re.compile(r":\d+:(\d+): error: expected ';' after top level declarator")


def _declarator_errors(lines):
    """(unknown word, the function it hid) for each top-level declarator
    error: the identifier before the caret, and the name after it when a
    parameter list follows (a definition the rest of the unit then misses)."""
    found = []
    for i, line in enumerate(lines):
        m = _DECLARATOR.search(line)
        if not m or i + 1 >= len(lines):
            continue
        src, col = lines[i + 1], int(m.group(1)) - 1
        before = re.search(r"([A-Za-z_]\w*)\s*$", src[:col])
        after = re.match(r"[\s*]*([A-Za-z_]\w*)\s*\(", src[col:])
        if before:
            found.append((before.group(1), after.group(1) if after else None))
    return found


def unknown_names(log_text):
    """The names the log says are not declared, first those a top-level
    declarator error points at. Left out: kmapsim's own names and functions
    the unit defines but the compiler lost to such an error (their
    'undeclared' errors follow from the first one)."""
    lines = log_text.splitlines()
    names, lost = [], set()
    for word, hidden in _declarator_errors(lines):
        if word not in names:
            names.append(word)
        if hidden:
            lost.add(hidden)
    for line in lines:
        for pat in _UNKNOWN:
            for m in re.finditer(pat, line):
                n = m.group(1)
                if n in lost or n.startswith("kmapsim_"):
                    continue
                if "no member named" in pat:
                    tm = re.search(r"in '(struct \w+)'", line)
                    n = "%s.%s" % (tm.group(1), n) if tm else n
                if n not in names:
                    names.append(n)
    return names


# A line the linker itself printed: GNU ld's and gold's have no "error:"
# ("/usr/bin/ld: final link failed: No space left on device"), lld's do.
_LINKER = re.compile(r"^(\S*/)?(ld(\.\w+)?|lld|collect2): ")
# The compiler driver's summary of a failed link: the linker's own lines say why.
_DRIVER_LINK = "linker command failed"


def is_error(line):
    """Whether LINE of compiler or linker output says what went wrong (ld's
    "in function `f':" only says where the next line's error is)."""
    if re.search(r"in function `[^']*':$", line):
        return False
    return bool(re.search(r"error:|undefined reference|multiple definition|No space left on device", line)
                or _LINKER.match(line))


def errors(text):
    """The lines of TEXT that say what went wrong, the linker's own before
    the driver's "linker command failed" summary of them."""
    errs = [l for l in text.splitlines() if is_error(l)]
    return [l for l in errs if _DRIVER_LINK not in l] + [l for l in errs if _DRIVER_LINK in l]


def disk_full(text, path):
    """A line saying the disk is full and how much is free there, when TEXT
    says a write failed for want of space (else None)."""
    if "No space left on device" not in text:
        return None
    free = shutil.disk_usage(os.path.dirname(os.path.abspath(path))).free
    return ("the disk is full (%d MiB free now where kmapsim builds): free some space and run again"
            % (free >> 20))


def report(log_path, what, out=sys.stderr, limit=20):
    text = open(log_path, errors="replace").read()
    errs = errors(text)
    print("kmapsim: %s; the errors (%d, first %d shown):" % (what, len(errs), min(limit, len(errs))), file=out)
    for l in errs[:limit]:
        print("  " + l, file=out)
    if not errs:
        for l in text.strip().splitlines()[-10:]:
            print("  " + l, file=out)
    full = disk_full(text, log_path)
    if full:
        print("kmapsim: " + full, file=out)
    names = unknown_names(text)
    if names:
        print("kmapsim: kernel names kmapsim does not know: %s" % ", ".join(names), file=out)
    options = config_values(names)
    if options:
        for o in options:
            m = re.match(r"^(CONFIG_\w*[A-Z0-9])(ULL|UL)$", o)
            name = m.group(1) if m else o
            what = ("%s is most likely %s(%s) with %s undefined (the macro pastes its suffix)"
                    % (o, m.group(2), name, name)) if m else o
            print("kmapsim: %s: an option of your kernel's configuration that the profile does not set; "
                  "give its value with --config %s=VALUE" % (what, name), file=out)
    print("kmapsim: full log: %s" % log_path, file=out)


def config_values(names):
    """The configuration options among unknown names: a CONFIG_ symbol used
    as a value (`1UL << CONFIG_ZSMALLOC_CHAIN_SIZE`), which a profile leaves
    undefined when it is not about the machine."""
    return [n for n in names if n.startswith("CONFIG_")]


def main(argv):
    if len(argv) != 2:
        print("usage: python3 -m kmapsim_kernel diagnose LOG WHAT", file=sys.stderr)
        return 2
    report(argv[0], argv[1])
    return 0
