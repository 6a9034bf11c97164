"""The text of a harness file (a subject file with KMAPSIM_IMPORT lines), with
each `#include "name"` of a file beside it read in place.

A harness is not compiled where it lies: its unit is built in kmapsim's cache
with the imported code ahead of it, so a quoted include would not be found
there, and the import must see the tree's names that shared helpers use
(node set-up code common to several harnesses of one subsystem). So such a
file's text goes in where its #include line was, between #line markers that
keep every report's file:line that of the file the code is in, and the
unit's cache key, taken over this text, changes when the helper does. A
quoted include with no file beside the includer (a tree header the imported
code's directory has) is left as it is."""

import os
import re

from . import errors

_QUOTED = re.compile(r'^[ \t]*#[ \t]*include[ \t]*"([^"]+)"')
_ONCE = re.compile(r'^[ \t]*#[ \t]*pragma[ \t]+once[ \t]*$')
MAX_DEPTH = 16


def read(path):
    """The harness's text, its own quoted includes spliced in."""
    return _expand(os.path.abspath(path), (), set())


def _expand(path, chain, once):
    """ONCE: the files with `#pragma once` spliced so far (the pragma itself
    is dropped: in the one file the compiler sees, it would be out of place)."""
    try:
        with open(path) as f:
            lines = f.read().split("\n")
    except OSError as e:
        raise errors.BadInput("%s: cannot read it (%s)" % (path, e.strerror))
    if chain and any(_ONCE.match(line) for line in lines):
        once.add(path)
    out = []
    for n, line in enumerate(lines, 1):
        m = _QUOTED.match(line)
        inc = os.path.normpath(os.path.join(os.path.dirname(path), m.group(1))) if m else None
        if inc is None or not os.path.isfile(inc):
            out.append("" if chain and _ONCE.match(line) else line)
            continue
        if inc in once:
            out.append("")
            continue
        if inc in chain or inc == path:
            # a file that includes one of its includers: its guard (#ifndef)
            # makes that empty, as the compiler will see reading it there
            out.append('#include "%s"' % inc)
            continue
        if len(chain) >= MAX_DEPTH:
            raise errors.BadInput("%s:%d: #include \"%s\" nests more than %d files deep"
                                  % (path, n, m.group(1), MAX_DEPTH))
        out.append('#line 1 "%s"' % inc)
        out.append(_expand(inc, chain + (path,), once))
        out.append('#line %d "%s"' % (n + 1, path))
    return "\n".join(out)
