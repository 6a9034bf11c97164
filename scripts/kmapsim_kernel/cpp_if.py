"""#if evaluation as cpp does it, for kmapsim's kernel-source reader.

Macros seen so far (the profile's CONFIG_ symbols first, then every #define
read in include order) decide defined(X), IS_ENABLED(X) and the value of an
object-like macro; an unknown identifier is 0. Function-like macros and
__has_*() in a condition count as 0.
"""

import re

from .ctokens import tokenize_expr

class Macro:
    __slots__ = ("name", "params", "body", "text", "origin")

    def __init__(self, name, params, body, text, origin):
        self.name, self.params, self.body, self.text, self.origin = name, params, body, text, origin


def parse_define(pp):
    """'#define NAME(a,b) body' -> Macro (origin filled by the caller)."""
    m = re.match(r"#\s*define\s+([A-Za-z_][A-Za-z0-9_]*)(\([^)]*\))?\s*(.*)$", pp, re.S)
    if not m:
        return None
    params = None
    if m.group(2) is not None:
        params = [p.strip() for p in m.group(2)[1:-1].split(",") if p.strip()]
    return Macro(m.group(1), params, m.group(3), pp, None)


def _eval_if(expr, macros, depth=0):
    """Evaluates a #if expression as cpp does: defined(X), macros expanded,
    unknown identifiers are 0."""
    toks = tokenize_expr(expr)
    out = []
    i = 0
    while i < len(toks):
        t = toks[i]
        if t.kind == "ident" and t.text == "defined":
            j = i + 1
            if j < len(toks) and toks[j].text == "(":
                name = toks[j + 1].text
                i = j + 3
            else:
                name = toks[j].text
                i = j + 1
            out.append("1" if name in macros else "0")
            continue
        if t.kind == "ident" and t.text in ("IS_ENABLED", "IS_BUILTIN", "IS_REACHABLE") and \
                i + 3 < len(toks) and toks[i + 1].text == "(":
            name = toks[i + 2].text
            mac = macros.get(name)
            out.append("1" if mac is not None and mac.body.strip() == "1" else "0")
            i += 4
            continue
        if t.kind == "ident" and t.text == "IS_MODULE":
            out.append("0")
            i += 4
            continue
        if t.kind == "ident":
            mac = macros.get(t.text)
            if mac is not None and mac.params is None and depth < 8:
                out.append("(%s)" % (_eval_if(mac.body, macros, depth + 1) if mac.body.strip() else "0"))
            elif ((mac is not None and mac.params is not None) or t.text.startswith("__has_")) \
                    and i + 1 < len(toks) and toks[i + 1].text == "(":
                # a function-like macro or __has_*() in #if: the call is 0
                d = 0
                while i < len(toks):
                    if toks[i].text == "(":
                        d += 1
                    elif toks[i].text == ")":
                        d -= 1
                        if d == 0:
                            break
                    i += 1
                out.append("0")
            else:
                out.append("0")
            i += 1
            continue
        if t.kind == "num":
            out.append(re.sub(r"[uUlL]+$", "", t.text))
        elif t.text == "&&":
            out.append(" and ")
        elif t.text == "||":
            out.append(" or ")
        elif t.text == "!":
            out.append(" not ")
        elif t.text == "/":
            out.append("//")
        elif t.kind == "chr":
            out.append(str(ord(t.text[1:-1][0])) if len(t.text) == 3 else "0")
        else:
            out.append(t.text)
        i += 1
    s = "".join(out)
    # C's ?: -> Python's conditional is rare in #if; give up to 0 on any error
    try:
        v = eval(s, {"__builtins__": {}}, {})  # noqa: S307 - arithmetic only
    except Exception:
        return "0"
    return str(int(bool(v)) if isinstance(v, bool) else int(v))


def eval_if(expr, macros):
    return _eval_if(expr, macros) not in ("0", "")


