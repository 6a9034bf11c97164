"""#if evaluation as cpp does it, for kmapsim's kernel-source reader.

Macros seen so far (the profile's CONFIG_ symbols first, then every #define
read in include order) decide defined(X), IS_ENABLED(X) and the value of the
expression: object-like and function-like macros are expanded (arguments
substituted, ## pasted, the result rescanned; a macro is not expanded inside
its own expansion), and the expression is evaluated with C's operators,
?: included, in 64-bit arithmetic as cpp's intmax_t. An identifier left after
expansion is 0, as in cpp; __has_*() and a stringizing macro count as 0.
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


class _Undecidable(Exception):
    """The expression has no value here (a syntax cpp would reject, a
    division by zero): the condition counts as 0."""


_MAX_DEPTH = 32


def _call_args(toks, i):
    """The arguments of a macro call whose '(' is toks[i]: ([[tokens] per
    argument], index after the ')'); None when the parentheses do not close."""
    args, cur, depth = [], [], 0
    while i < len(toks):
        t = toks[i]
        if t.text == "(":
            depth += 1
            if depth == 1:
                i += 1
                continue
        elif t.text == ")":
            depth -= 1
            if depth == 0:
                args.append(cur)
                return args, i + 1
        elif t.text == "," and depth == 1:
            args.append(cur)
            cur = []
            i += 1
            continue
        cur.append(t)
        i += 1
    return None


class _CommaTok:
    kind, text = "punct", ","


_Comma = _CommaTok()  # between the arguments a variadic parameter stands for


def _substitute(mac, args):
    """MAC's body with ARGS for its parameters and ## pasted, as text; None
    when the body stringizes (#param), which has no value in #if."""
    params = list(mac.params)
    named = {}
    if params and params[-1].endswith("..."):
        va = params.pop()
        va = va[:-3].strip() or "__VA_ARGS__"
        rest = args[len(params):]
        named[va] = [t for k, a in enumerate(rest) for t in ([_Comma] if k else []) + a]
    if len(args) < len(params):   # F() is one empty argument
        raise _Undecidable()
    for p, a in zip(params, args):
        named[p] = a
    if "#" in mac.body.replace("##", ""):
        return None
    out = []
    for t in tokenize_expr(mac.body):
        if t.kind == "ident" and t.text in named:
            out.extend(x.text for x in named[t.text])
        else:
            out.append(t.text)
    text = " ".join(out)
    return re.sub(r"\s*##\s*", "", text)


def _expand(toks, macros, hide, depth):
    """Tokens (texts and kinds) of TOKS with defined() resolved and macros
    expanded; identifiers that are not macros stay (they are 0)."""
    out = []
    i = 0
    n = len(toks)
    while i < n:
        t = toks[i]
        if t.kind != "ident":
            out.append((t.kind, t.text))
            i += 1
            continue
        name = t.text
        if name == "defined":
            j = i + 1
            paren = j < n and toks[j].text == "("
            if paren:
                j += 1
            if j >= n or toks[j].kind != "ident":
                raise _Undecidable()
            out.append(("num", "1" if toks[j].text in macros else "0"))
            i = j + (2 if paren else 1)
            continue
        if name in ("IS_ENABLED", "IS_BUILTIN", "IS_REACHABLE", "IS_MODULE") and i + 3 < n and toks[i + 1].text == "(":
            opt = macros.get(toks[i + 2].text)
            on = name != "IS_MODULE" and opt is not None and opt.body.strip() == "1"
            out.append(("num", "1" if on else "0"))
            i += 4
            continue
        called = i + 1 < n and toks[i + 1].text == "("
        if name.startswith("__has_") and called:
            r = _call_args(toks, i + 1)
            if r is None:
                raise _Undecidable()
            out.append(("num", "0"))
            i = r[1]
            continue
        mac = macros.get(name)
        if mac is None or name in hide or depth >= _MAX_DEPTH:
            out.append(("ident", name))
            i += 1
            continue
        if mac.params is None:
            out.extend(_expand(tokenize_expr(mac.body), macros, hide | {name}, depth + 1))
            i += 1
            continue
        if not called:  # a function-like macro's name alone is not a call
            out.append(("ident", name))
            i += 1
            continue
        r = _call_args(toks, i + 1)
        if r is None:
            raise _Undecidable()
        args, i = r
        text = _substitute(mac, args)
        if text is None:
            out.append(("num", "0"))
            continue
        out.extend(_expand(tokenize_expr(text), macros, hide | {name}, depth + 1))
    return out


_BINARY = {
    "*": 10, "/": 10, "%": 10, "+": 9, "-": 9, "<<": 8, ">>": 8,
    "<": 7, "<=": 7, ">": 7, ">=": 7, "==": 6, "!=": 6,
    "&": 5, "^": 4, "|": 3, "&&": 2, "||": 1,
}


def _wrap(v):
    """v as cpp's intmax_t (two's complement, 64 bits)."""
    v &= (1 << 64) - 1
    return v - (1 << 64) if v >> 63 else v


def _number(text):
    s = text.rstrip("uUlL")
    try:
        if s[:2] in ("0x", "0X"):
            return int(s, 16)
        if s[:2] in ("0b", "0B"):
            return int(s, 2)
        if len(s) > 1 and s[0] == "0":
            return int(s, 8)
        return int(s, 10)
    except ValueError:
        raise _Undecidable()


def _char(text):
    body = text[1:-1]
    simple = {"n": 10, "t": 9, "r": 13, "0": 0, "\\": 92, "'": 39, '"': 34, "a": 7, "b": 8, "f": 12, "v": 11}
    if len(body) == 1:
        return ord(body)
    if body.startswith("\\") and len(body) == 2 and body[1] in simple:
        return simple[body[1]]
    raise _Undecidable()


class _Parser:
    """Precedence climbing over the expanded tokens."""

    def __init__(self, toks):
        self.toks, self.i = toks, 0

    def peek(self):
        return self.toks[self.i][1] if self.i < len(self.toks) else None

    def take(self):
        if self.i >= len(self.toks):
            raise _Undecidable()
        t = self.toks[self.i]
        self.i += 1
        return t

    def primary(self):
        kind, text = self.take()
        if text == "(":
            v = self.expr()
            while self.peek() == ",":  # the comma operator, inside parentheses
                self.i += 1
                v = self.expr()
            if self.take()[1] != ")":
                raise _Undecidable()
            return v
        if text in ("+", "-", "~", "!"):
            v = self.primary()
            return {"+": v, "-": _wrap(-v), "~": _wrap(~v), "!": int(not v)}[text]
        if kind == "num":
            return _wrap(_number(text))
        if kind == "chr":
            return _char(text)
        if kind == "ident":
            return 0
        raise _Undecidable()

    def binary(self, min_prec):
        left = self.primary()
        while True:
            op = self.peek()
            prec = _BINARY.get(op)
            if prec is None or prec < min_prec:
                return left
            self.i += 1
            if op == "&&":
                right = self.binary(prec + 1)
                left = int(bool(left) and bool(right))
                continue
            if op == "||":
                right = self.binary(prec + 1)
                left = int(bool(left) or bool(right))
                continue
            right = self.binary(prec + 1)
            left = _apply(op, left, right)

    def expr(self):
        cond = self.binary(1)
        if self.peek() != "?":
            return cond
        self.i += 1
        yes = self.expr()
        if self.take()[1] != ":":
            raise _Undecidable()
        no = self.expr()
        return yes if cond else no


def _apply(op, a, b):
    if op in ("/", "%"):
        if b == 0:
            raise _Undecidable()
        q = abs(a) // abs(b) * (1 if (a < 0) == (b < 0) else -1)  # C truncates toward zero
        return _wrap(q if op == "/" else a - q * b)
    if op in ("<<", ">>"):
        if b < 0 or b > 63:
            raise _Undecidable()
        return _wrap(a << b if op == "<<" else a >> b)
    return _wrap({
        "*": lambda: a * b, "+": lambda: a + b, "-": lambda: a - b,
        "<": lambda: int(a < b), "<=": lambda: int(a <= b), ">": lambda: int(a > b), ">=": lambda: int(a >= b),
        "==": lambda: int(a == b), "!=": lambda: int(a != b),
        "&": lambda: a & b, "^": lambda: a ^ b, "|": lambda: a | b,
    }[op]())


def if_value(expr, macros):
    """The value of #if EXPR under MACROS, or None when it has none."""
    try:
        toks = _expand(tokenize_expr(expr), macros, frozenset(), 0)
        p = _Parser(toks)
        v = p.expr()
        if p.i != len(toks):
            return None
        return v
    except (_Undecidable, RecursionError):
        return None


def eval_if(expr, macros):
    """Whether #if EXPR's branch is taken (an expression without a value
    counts as 0)."""
    return bool(if_value(expr, macros))


_DIRECTIVE = re.compile(r"^[ \t]*#[ \t]*(if|ifdef|ifndef|elif|else|endif)\b(.*)$", re.S)


def taken_lines(text, macros, decides):
    """TEXT with the lines of the #if branches cpp will not take blanked
    (line numbers kept), where every name a condition tests satisfies
    DECIDES(name) and MACROS says what it is; a group with a condition on
    anything else keeps all of its branches."""
    lines = text.split("\n")
    out = []
    stack = []  # per group: None (undecided), or [this branch taken, some branch taken]
    i = 0
    while i < len(lines):
        start = i
        line = lines[i]
        while line.endswith("\\") and i + 1 < len(lines):
            i += 1
            line = line[:-1] + " " + lines[i]
        i += 1
        m = _DIRECTIVE.match(line)
        if m:
            d, rest = m.group(1), re.sub(r"/\*.*?\*/|//.*$", " ", m.group(2)).strip()
            if d in ("if", "ifdef", "ifndef"):
                stack.append(_branch(d, rest, macros, decides))
            elif d in ("elif", "else") and stack and stack[-1] is not None:
                taken = stack[-1][1]
                if d == "else":
                    stack[-1] = [not taken, True]
                elif taken:
                    stack[-1] = [False, True]
                else:
                    stack[-1] = _branch("if", rest, macros, decides)
            elif d == "endif" and stack:
                stack.pop()
        live = all(g is None or g[0] for g in stack)
        out.extend(lines[start:i] if live or m else [""] * (i - start))
    return "\n".join(out)


def _branch(d, rest, macros, decides):
    """[taken, taken] for a branch's condition, or None when it tests a
    name DECIDES does not accept."""
    names = [t.text for t in tokenize_expr(rest) if t.kind == "ident" and
             t.text not in ("defined", "IS_ENABLED", "IS_BUILTIN", "IS_REACHABLE", "IS_MODULE")]
    if not all(decides(n) for n in names) or (d != "if" and not names):
        return None
    if d == "if":
        c = eval_if(rest, macros)
    else:
        c = (names[0] in macros) == (d == "ifdef")
    return [c, c]
