"""The tree's Kconfig, for an option imported code uses as a value
(mm/zsmalloc.c's `1UL << CONFIG_ZSMALLOC_CHAIN_SIZE`, a number every kernel
that builds the file has) when neither the profile nor --config sets it:
the value `make olddefconfig` would give, the first of its defaults whose
condition holds on the profile's machine. Only int, hex and string
options: a bool or tristate that is off is undefined in every kernel, and
the import already reads it so.

And for the options a file's kbuild gates need (implied()): what their
`depends on` and `select` lines say is on with them."""

import os
import re

# The lines that end a config entry's attributes.
_ENTRY_END = re.compile(r"^\s*(config|menuconfig|choice|endchoice|menu|endmenu|if|endif|source|rsource|osource|"
                        r"comment|mainmenu|help|---help---)\b")
_TYPE = re.compile(r"^\s*(int|hex|string|bool|tristate|def_bool|def_tristate)\b")
_DEFAULT = re.compile(r"^\s*default\s+(\"(?:[^\"\\]|\\.)*\"|\S+)\s*(?:if\s+(.*?))?\s*(?:#.*)?$")

_CONFIG = re.compile(r"^\s*(?:menu)?config\s+(\w+)\s*$")
_DEPENDS = re.compile(r"^\s*depends\s+on\s+(.*?)\s*(?:#.*)?$")
_SELECT = re.compile(r"^\s*select\s+(\w+)\s*(?:if\s+(.*?))?\s*(?:#.*)?$")

# tree -> {option name: (type, [(value text, condition text or None)], file,
#          [depends on text], [(selected option, condition text or None)])}
_index = {}
# (tree, Kconfig paths) -> the same, for those files only (implied())
_near = {}


def _kconfig_files(tree):
    """Every Kconfig file of the tree, arch/ last (an architecture's own
    options are the machine's, which a profile sets)."""
    out, arch = [], []
    for root, dirs, files in os.walk(tree):
        dirs.sort()
        rel = os.path.relpath(root, tree)
        if rel.split(os.sep)[0] in (".git", "Documentation", "tools", "scripts", "samples"):
            dirs[:] = []
            continue
        for f in sorted(files):
            if f.startswith("Kconfig"):
                (arch if rel.split(os.sep)[0] == "arch" else out).append(os.path.join(root, f))
    return out + arch


def _read_index(tree, paths=None):
    """Every option's first definition in the tree: one pass over its
    Kconfig files (or over paths only), the first time a check asks."""
    index = {}
    for path in _kconfig_files(tree) if paths is None else paths:
        cur = None
        for line in open(path, errors="replace").read().split("\n"):
            m = _CONFIG.match(line)
            if m:
                cur = None
                if m.group(1) not in index:
                    cur = index[m.group(1)] = [None, [], os.path.relpath(path, tree), [], []]
                continue
            if cur is None:
                continue
            if _ENTRY_END.match(line):
                cur = None
                continue
            t = _TYPE.match(line)
            if t:
                cur[0] = {"def_bool": "bool", "def_tristate": "tristate"}.get(t.group(1), t.group(1))
                continue
            d = _DEFAULT.match(line)
            if d:
                cur[1].append((d.group(1), d.group(2)))
                continue
            d = _DEPENDS.match(line)
            if d:
                cur[3].append(d.group(1))
                continue
            d = _SELECT.match(line)
            if d:
                cur[4].append((d.group(1), d.group(2)))
    return {name: tuple(e) for name, e in index.items()}


def entry(tree, name):
    """(type, [(value text, condition text or None)], where) of option
    name (without CONFIG_) as the tree's first definition of it declares
    it, or None."""
    key = os.path.realpath(tree)
    if key not in _index:
        _index[key] = _read_index(tree)
    return _index[key].get(name)


def _tokens(cond):
    return re.findall(r"\"[^\"]*\"|&&|\|\||!=|[!()=<>]|\w+", cond)


def _truth(tokens, on):
    """Whether a Kconfig condition holds with the options in on (names
    without CONFIG_) set to y and every other off; None when it compares
    anything but y, n and m (then no default is taken on a guess)."""
    pos = [0]

    def peek():
        return tokens[pos[0]] if pos[0] < len(tokens) else None

    def take():
        pos[0] += 1
        return tokens[pos[0] - 1]

    def value(tok):
        return "y" if tok == "y" or tok in on else "n" if tok in ("n", "m") or re.match(r"^[A-Za-z_]\w*$", tok) else None

    def atom():
        tok = take() if peek() is not None else None
        if tok == "!":
            v = atom()
            return None if v is None else not v
        if tok == "(":
            v = alt()
            if take() != ")":
                raise ValueError(tok)
            return v
        if tok is None or not re.match(r"^\w+$", tok):
            raise ValueError(tok)
        if peek() in ("=", "!="):
            op, other = take(), take()
            a, b = value(tok), value(other)
            if a is None or b is None or other not in ("y", "n", "m"):
                return None
            return (a == b) == (op == "=")
        if peek() in ("<", ">"):   # a comparison of values: unknown here
            take()
            if peek() == "=":
                take()
            take()
            return None
        v = value(tok)
        return None if v is None else v == "y"

    def chain(op, operand):
        """operand (op operand)*, in three values (None: unknown): False
        decides an &&, True an ||"""
        decides = op == "||"
        v = operand()
        while peek() == op:
            take()
            w = operand()
            v = decides if decides in (v, w) else None if None in (v, w) else not decides
        return v

    def alt():
        return chain("||", lambda: chain("&&", atom))
    try:
        v = alt()
        return v if pos[0] == len(tokens) else None
    except (ValueError, IndexError):
        return None


def default(tree, name, on, depth=0):
    """The value (C text) option CONFIG_name takes with the options in on
    set and no other choice made, when it is an int, hex or string option
    whose defaults decide it; else None. A default naming another option
    takes that one's."""
    e = entry(tree, name)
    if not e or e[0] not in ("int", "hex", "string") or depth > 4:
        return None
    typ, defaults = e[0], e[1]
    for value, cond in defaults:
        holds = True if cond is None else _truth(_tokens(cond), on)
        if holds is None:
            return None   # undecided here: no later default may be taken either
        if not holds:
            continue
        if typ == "string":
            return value if value.startswith('"') else None
        if re.match(r"^-?(0x[0-9a-fA-F]+|\d+)$", value):
            return value if typ == "int" or value.startswith("0x") else "0x" + value
        if re.match(r"^[A-Za-z_]\w*$", value):
            return default(tree, value, on, depth + 1)
        return None
    return None


def implied(tree, names, dirs):
    """The options every kernel with all of names (without CONFIG_) on has
    on too, names included: what each one's `depends on` requires (the
    options of a plain `A && B` chain; an `||`, a `!` or a comparison
    leaves that line out) and what it selects unconditionally, and theirs
    in turn. block/Makefile of 6.1 builds t10-pi.c under
    BLK_DEV_INTEGRITY_T10, which depends on BLK_DEV_INTEGRITY, the option
    the block headers declare the integrity payload under.

    Only the Kconfig files of dirs (the file's directory and those above
    it, relative to the tree) are read: every check imports through here,
    and reading all of the tree's Kconfig files takes most of a second. An
    option defined elsewhere is on, but what it needs in turn is not
    followed."""
    paths = []
    for d in dirs:
        full = os.path.join(tree, d)
        if os.path.isdir(full):
            paths += [os.path.join(full, f) for f in sorted(os.listdir(full)) if f.startswith("Kconfig")]
    key = (os.path.realpath(tree), tuple(paths))
    if key not in _near:
        _near[key] = _read_index(tree, paths)
    near = _near[key]
    out = list(names)
    i = 0
    while i < len(out):
        e = near.get(out[i])
        i += 1
        if not e or e[0] not in ("bool", "tristate"):
            continue
        more = []
        for cond in e[3]:
            toks = _tokens(cond)
            if toks and all(t == "&&" or re.match(r"^[A-Z0-9_]+$", t) for t in toks):
                more += [t for t in toks if t != "&&"]
        more += [sel for sel, cond in e[4] if cond is None]
        # ARCH_*: the machine's (a driver's `depends on ARCH_OMAP2PLUS`),
        # which the profile decides
        out += [n for n in more if n not in out and n not in ("y", "m") and not n.startswith("ARCH_")]
    return out
