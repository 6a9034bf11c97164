"""`check --kernel --convert`: the mechanical conversion of a function to
kmap_local_page(), as a patch the check then runs as --patch's version
after.

Within the function's body, in each of its definitions under any #if
branch (tokens: comments and strings are left alone):

  kmap_atomic(p)          -> kmap_local_page(p)
  kunmap_atomic(addr)     -> kunmap_local(addr)
  V = kmap(p) ... kunmap(p)
                          -> V = kmap_local_page(p) ... kunmap_local(V)

A function of the same file that the function calls and that maps with
kmap_atomic() for its caller, or unmaps with kunmap_atomic() what its
caller mapped (a kmap_atomic() not assigned to a variable it unmaps
itself, or a kunmap_atomic() of no such variable: 6.1's tbnet_kmap_frag()
returns `kmap_atomic(page) + off`, which tbnet_start_xmit() unmaps), is
converted with it, and so is every other function of the file that calls
such a helper: a conversion of one side only would be a mismatch the
check reports, not the conversion a developer makes. The check prints
what it added.

A kunmap(p) is paired with the latest kmap(p) of the same page expression
before it whose result was assigned; a kmap() whose mapping the function
does not keep in a variable (returned, passed on) or whose kunmap() is
elsewhere, and a kunmap() with no such kmap(), cannot be converted by
rewriting: the conversion is refused with the line, and the user writes it
and checks it with --patch. What the conversion changes is what the check
judges: code that relied on kmap_atomic()'s disabled preemption or page
faults, or unmaps kmap() mappings in another order than LIFO, or moves the
address it unmaps off its page, is reported on the version after.
"""

import difflib
import os
import re

from . import ctokens, errors

_ATOMIC = {"kmap_atomic": "kmap_local_page", "kunmap_atomic": "kunmap_local"}


def _matching(toks, j):
    """The index of the token closing the '(' or '{' at toks[j]
    (ctokens'), or BadInput when the file never closes it."""
    k = ctokens._matching(toks, j)
    if k == len(toks):
        raise errors.BadInput("--convert: an unbalanced '%s' at line %d" % (toks[j].text, toks[j].line))
    return k


def _text(src, toks, a, b):
    """The source of toks[a..b], with its spacing made single."""
    return " ".join(src[toks[a].start:toks[b].end].split())


def _lvalue(src, toks, k):
    """What `LVALUE = [(cast)] kmap(` at toks[k] (the kmap token) assigns
    to: a name, or a member chain (`p->addr`, `s.buf`), or None."""
    j = k - 1
    if toks[j].text == ")":   # a cast: (void *)kmap(page)
        d = 0
        while j >= 0:
            d += toks[j].text == ")"
            d -= toks[j].text == "("
            if d == 0:
                break
            j -= 1
        j -= 1
    if j < 1 or toks[j].text != "=":
        return None
    end = j - 1
    i = end
    while i >= 0 and toks[i].kind == "ident":
        if i >= 1 and toks[i - 1].text in ("->", "."):
            i -= 2
        else:
            break
    if i < 0 or toks[i].kind != "ident":
        return None
    return _text(src, toks, i, end)


def _bodies(src, func):
    """The token lists of each body of a definition of func in src, under
    every #if branch (a function defined once per configuration is
    converted in each): `func (...) {` at the file's top level."""
    return _definitions(src).get(func, [])


def _definitions(src):
    """{name: the token lists of each of its bodies} of every function src
    defines at its top level."""
    toks = [t for t in ctokens.tokenize(src) if t.kind != "pp"]
    out = {}
    depth = 0
    k = 0
    while k < len(toks):
        t = toks[k]
        if t.text == "{":
            depth += 1
        elif t.text == "}":
            depth = max(depth - 1, 0)
        elif depth == 0 and t.kind == "ident" and k + 1 < len(toks) and toks[k + 1].text == "(":
            close = _matching(toks, k + 1)
            # annotations between the parameters and the body:
            # `__releases(lock)`, `__must_hold(&x->lock)`
            while close + 2 < len(toks) and toks[close + 1].kind == "ident" and toks[close + 2].text == "(":
                close = _matching(toks, close + 2)
            if close + 1 < len(toks) and toks[close + 1].text == "{":
                end = _matching(toks, close + 1)
                out.setdefault(t.text, []).append(toks[close + 1:end + 1])
                k = end + 1
                continue
            k = close
        k += 1
    return out


def _calls(bodies):
    """The names a function's bodies call (`name (`, not a member)."""
    return {toks[k].text for toks in bodies for k in range(1, len(toks) - 1)
            if toks[k].kind == "ident" and toks[k + 1].text == "(" and toks[k - 1].text not in (".", "->")}


def _unpaired(src, bodies):
    """Why a function (any one of its bodies) leaves a kmap_atomic()
    mapping to its caller or unmaps one its caller made: a kmap_atomic()
    whose address it does not assign to a variable it then unmaps (returned,
    `return kmap_atomic(p) + off`, or kept where only a caller unmaps it),
    or a kunmap_atomic() of no variable a kmap_atomic() of its own assigned.
    Several unmaps of one mapping (error paths) pair up. None when it does
    neither."""
    for toks in bodies:
        mapped, unmapped = [], []
        for k in range(len(toks) - 1):
            if toks[k + 1].text != "(" or toks[k].text not in _ATOMIC or (k and toks[k - 1].text in (".", "->")):
                continue
            if toks[k].text == "kmap_atomic":
                mapped.append(_lvalue(src, toks, k))
            else:
                close = _matching(toks, k + 1)
                unmapped.append(_text(src, toks, k + 2, close - 1) if close > k + 2 else "")

        def names(arg, v):   # kunmap_atomic((void *)pginfo.contents) names pginfo.contents
            return re.search(r"(?<![\w.>])%s(?!\w)" % re.escape(v), arg) is not None

        if any(v is None or not any(names(arg, v) for arg in unmapped) for v in mapped):
            return "it maps with kmap_atomic() for its caller"
        if any(not any(names(arg, v) for v in mapped) for arg in unmapped):
            return "it unmaps with kunmap_atomic() what its caller mapped"
    return None


def with_helpers(src, funcs):
    """funcs and the functions of src that must be converted with them (the
    module's docstring), in the order found: [(name, why or None)]. Each
    function is looked at once: its helpers, and when it is a helper
    itself, its callers."""
    defs = _definitions(src)
    calls, why = {}, {}

    def calls_of(n):
        if n not in calls:
            calls[n] = _calls(defs.get(n, []))
        return calls[n]

    def why_of(n):
        if n not in why:
            why[n] = _unpaired(src, defs.get(n, []))
        return why[n]

    out = [(f, None) for f in funcs]
    names = set(funcs)
    k = 0
    while k < len(out):
        f = out[k][0]
        k += 1
        for g in sorted(calls_of(f) & defs.keys() - names):
            if why_of(g):
                out.append((g, "which %s() calls: %s" % (f, why_of(g))))
                names.add(g)
        if why_of(f):
            for h in sorted(defs.keys() - names):
                if f in calls_of(h):
                    out.append((h, "which calls %s(), converted with it" % f))
                    names.add(h)
    return out


def convert(src, func, relfile):
    """(the text of src (a file's) with func's body converted, how many
    calls it changed); BadInput when a kmap() cannot be converted by
    rewriting."""
    bodies = _bodies(src, func)
    if not bodies:
        raise errors.BadInput("--convert: no function %s() in %s" % (func, relfile))
    edits = []          # (start, end, new text)
    for toks in bodies:
        edits += _edits(src, toks, func, relfile)
    out = src
    for start, end, new in sorted(edits, reverse=True):
        out = out[:start] + new + out[end:]
    return out, len(edits)


def _edits(src, toks, func, relfile):
    """The edits converting one body (its tokens)."""
    edits = []          # (start, end, new text)
    maps = []           # [page expression, the address it is in, line, paired]
    for k, t in enumerate(toks[:-1]):
        if toks[k + 1].text != "(" or (k > 0 and toks[k - 1].text in (".", "->")):
            continue
        if t.text in _ATOMIC:
            edits.append((t.start, t.end, _ATOMIC[t.text]))
        elif t.text == "kmap":
            close = _matching(toks, k + 1)
            var = _lvalue(src, toks, k)
            if var is None:
                raise errors.BadInput("--convert: %s:%d: the kmap() in %s() is not assigned to a variable (returned or "
                                      "passed on): its kunmap() cannot be rewritten to take the address; convert it "
                                      "by hand and check that with --patch" % (relfile, t.line, func))
            maps.append([_text(src, toks, k + 2, close - 1), var, t.line, False])
            edits.append((t.start, t.end, "kmap_local_page"))
        elif t.text == "kunmap":
            close = _matching(toks, k + 1)
            page = _text(src, toks, k + 2, close - 1)
            m = next((m for m in reversed(maps) if m[0] == page), None)
            if m is None:
                raise errors.BadInput("--convert: %s:%d: kunmap(%s) in %s() follows no kmap(%s) of it: convert it by "
                                      "hand and check that with --patch" % (relfile, t.line, page, func, page))
            m[3] = True
            edits.append((t.start, toks[close].end, "kunmap_local(%s)" % m[1]))
    for page, _, line, paired in maps:
        if not paired:
            raise errors.BadInput("--convert: %s:%d: the kmap(%s) in %s() is unmapped elsewhere: its kunmap() cannot "
                                  "be rewritten; convert it by hand and check that with --patch"
                                  % (relfile, line, page, func))
    return edits


def write_patch(tree, targets, out_dir):
    """The conversion of every (FILE, FUNCTION) of targets, as one patch
    (-p1, against tree) written to out_dir; returns its path and text.
    BadInput when none of them maps a page with kmap() or kmap_atomic()."""
    texts = {}
    changed = 0
    by_file = {}
    for f, fn in targets:
        by_file.setdefault(f, []).append(fn)
    for f, fns in by_file.items():
        path = os.path.join(tree, f)
        if not os.path.isfile(path):
            raise errors.BadInput("--convert: %s: no such file in %s" % (f, tree))
        src = open(path, errors="replace").read()
        for fn, why in with_helpers(src, fns):
            if why:
                print("kmapsim: --convert: also converting %s() in %s, %s" % (fn, f, why))
            texts[f], n = convert(texts.get(f) or src, fn, f)
            changed += n
    if not changed:
        raise errors.BadInput("--convert: %s: no kmap() or kmap_atomic() to convert"
                              % ", ".join("%s() in %s" % (fn, f) for f, fn in targets))
    diff = []
    for f in sorted(texts):
        old = open(os.path.join(tree, f), errors="replace").read().splitlines(True)
        diff += difflib.unified_diff(old, texts[f].splitlines(True), "a/" + f, "b/" + f)
    os.makedirs(out_dir, exist_ok=True)
    name = "-".join(fn for _, fn in targets)[:100] + ".patch"
    out = os.path.join(out_dir, name)
    # written whole and renamed into place: two checks of one function (one
    # per profile) may write it at once while the other reads it
    tmp = "%s.%d" % (out, os.getpid())
    with open(tmp, "w") as fh:
        fh.writelines(diff)
    os.replace(tmp, out)
    return out, "".join(diff)
