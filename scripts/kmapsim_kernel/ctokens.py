"""A C tokenizer and top-level splitter for kernel source, written for kmapsim.

It understands what kernel .c and .h files need at the top level: comments,
string and character literals, preprocessor lines (with continuations), brace
and parenthesis nesting, and the split into top-level items (function
definitions, declarations, type definitions, macros). Conditionals (#if,
#ifdef, ...) are evaluated against the profile's kernel config and the macros
seen so far, the way cpp would, so only the active branch is kept.
"""

import collections
import functools
import gc
import hashlib
import marshal
import os
import re

from kmapsim_cli.common import keep_newest

_TOKEN = re.compile(r"""
    (?P<ws>[ \t\r\f\v]+|\\\n)
  | (?P<nl>\n)
  | (?P<comment>/\*.*?\*/|//[^\n]*)
  | (?P<str>"(?:\\.|[^"\\\n])*")
  | (?P<chr>'(?:\\.|[^'\\\n])*')
  | (?P<num>\.?[0-9](?:[eEpP][+-]|[0-9A-Za-z_.])*)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<punct>\.\.\.|<<=|>>=|->|\+\+|--|<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%&|^!=<>]=|\#\#|[{}()\[\];,.?:~!%^&*+\-/<>=\#|])
  | (?P<other>.)
""", re.S | re.X)


class Tok:
    __slots__ = ("kind", "text", "start", "end", "line")

    def __init__(self, kind, text, start, end, line):
        self.kind, self.text, self.start, self.end, self.line = kind, text, start, end, line

    def __repr__(self):
        return "Tok(%s,%r)" % (self.kind, self.text)


def tokenize(text):
    """Tokens of text; a preprocessor directive is one 'pp' token (its text
    without comments, continuations joined). The list and its tokens are
    shared, never changed: a check imports twice (a generated harness, both
    sides of --patch) and reads the same headers each time."""
    return _tokenize(text)


# A file's tokens are kept on disk between processes: every check of a tree
# reads the same few hundred headers, and tokenizing them was about half of
# an import (0.5 s of a kernel check, each of the kernel tests' several
# hundred). Loading them back costs about a third of that. The key is the
# text and this file's own source, so an edit of the tokenizer is a new
# cache; short texts (#if expressions, macro bodies) are cheaper to
# tokenize than to look up.
_DISK_MIN_CHARS = 2048


@functools.lru_cache(maxsize=None)
def _self_digest():
    with open(__file__, "rb") as f:
        return hashlib.sha1(f.read()).digest()


def _disk_path(text):
    from .kernel_src import cache_dir
    key = hashlib.sha1(_self_digest() + text.encode("utf-8", "surrogatepass")).hexdigest()
    return os.path.join(cache_dir(), "tokens", key[:2], key[2:])


def _load(path):
    """The tokens kept at PATH, or None when there are none (or the file is
    unreadable: a disk that filled up mid-write, another version's file)."""
    # The cyclic collector would walk every object the import holds each
    # time these allocations pass its threshold (none of them is a cycle):
    # that doubled the cost of a load.
    enabled = gc.isenabled()
    gc.disable()
    try:
        with open(path, "rb") as f:
            kinds, texts, starts, ends, lines = marshal.loads(f.read())
        toks = list(map(Tok, kinds, texts, starts, ends, lines))
    except (OSError, EOFError, ValueError, TypeError):
        return None
    finally:
        if enabled:
            gc.enable()
    try:
        os.utime(path)  # used: _trim() keeps the most recently used
    except OSError:
        pass
    return toks


def _keep(path, toks):
    cols = ([t.kind for t in toks], [t.text for t in toks], [t.start for t in toks], [t.end for t in toks],
            [t.line for t in toks])
    tmp = "%s.%d.tmp" % (path, os.getpid())
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(tmp, "wb") as f:
            marshal.dump(cols, f)
        os.replace(tmp, path)   # a reader sees the whole file or none
        _trim(os.path.dirname(path))
    except OSError:
        try:
            os.remove(tmp)
        except OSError:
            pass


# Each of the 256 directories keeps at most this many files, the most
# recently used (about 6,000 files, 200 MB: the headers two trees' checks
# read, several times over), so edits of a tree over months do not fill a
# disk.
_DISK_PER_DIR = 24


def _trim(d):
    keep_newest(d, _DISK_PER_DIR)


@functools.lru_cache(maxsize=None)
def _tokenize(text):
    if len(text) < _DISK_MIN_CHARS:
        return _tokenize_text(text)
    path = _disk_path(text)
    toks = _load(path)
    if toks is None:
        toks = _tokenize_text(text)
        _keep(path, toks)
    return toks


def _tokenize_text(text):
    toks = []
    line = 1
    pos = 0
    n = len(text)
    at_line_start = True
    while pos < n:
        m = _TOKEN.match(text, pos)
        kind = m.lastgroup
        s = m.group()
        if kind == "punct" and s == "#" and at_line_start:
            # a directive: up to the end of the line, continuations joined,
            # comments dropped
            start = pos
            parts = []
            p = pos
            while p < n:
                m2 = _TOKEN.match(text, p)
                k2 = m2.lastgroup
                s2 = m2.group()
                if k2 == "nl":
                    break
                if k2 == "comment":
                    parts.append(" ")
                    line += s2.count("\n")
                elif k2 == "ws":
                    parts.append(" ")
                    line += s2.count("\n")
                else:
                    parts.append(s2)
                p = m2.end()
            toks.append(Tok("pp", "".join(parts).strip(), start, p, line))
            pos = p
            continue
        if kind == "nl":
            line += 1
            at_line_start = True
        elif kind in ("ws", "comment"):
            line += s.count("\n")
        else:
            toks.append(Tok(kind, s, pos, m.end(), line))
            at_line_start = False
        pos = m.end()
    return toks


def tokenize_expr(text):
    return [t for t in tokenize(text) if t.kind != "pp"]


from .cpp_if import Macro, eval_if, parse_define, taken_lines  # noqa: E402,F401  (#if evaluation)


class Item:
    """One top-level item of a file: a function definition ('func'), a
    declaration ('decl': prototype, extern, variable, type), a macro
    ('macro') or an #include ('include')."""
    __slots__ = ("kind", "names", "toks", "text", "origin", "index", "uses", "tags_used",
                 "is_static", "is_proto", "body_start", "line", "macro", "held")

    def __init__(self, kind, toks, text, origin, index, line):
        self.kind, self.toks, self.text, self.origin, self.index, self.line = kind, toks, text, origin, index, line
        self.names = []
        self.uses = set()
        self.tags_used = set()
        self.is_static = False
        self.is_proto = False
        self.body_start = None
        self.macro = None
        self.held = set()   # tags held by value through a macro's body (see _drop_macro_names)

    def __repr__(self):
        return "Item(%s %s %s:%d)" % (self.kind, self.names, self.origin, self.line)


def split_items(text, origin, macros, on_include=None):
    """Splits text into top-level items, keeping only the branches of
    #if/#ifdef that are active under macros (which #define/#undef update as
    the file is read, like cpp)."""
    toks = tokenize(text)
    items = []
    stack = []  # (this branch active, some branch taken, parent active)
    active = True
    cur = []
    depth = 0
    pending = None   # tokens of a definition-generating macro's invocation
    pprefix = ""     # and the storage class written before it
    pdepth = 0
    expanded = False  # the last tokens were such an invocation
    inner = {}   # macros defined inside the item being read (an X-macro's x())
    for t in toks:
        if t.kind == "pp":
            m = re.match(r"#\s*(\w+)\s*(.*)$", t.text, re.S)
            d, rest = (m.group(1), m.group(2)) if m else ("", "")
            if d in ("if", "ifdef", "ifndef"):
                if not active:
                    stack.append((False, True, False))
                else:
                    if d == "if":
                        c = eval_if(rest, macros)
                    elif d == "ifdef":
                        c = rest.split()[0] in macros if rest.split() else False
                    else:
                        c = rest.split()[0] not in macros if rest.split() else True
                    stack.append((c, c, True))
                    active = c
                continue
            if d in ("elif", "elifdef", "elifndef"):
                if not stack:
                    continue
                _, taken, parent = stack[-1]
                if parent and not taken:
                    if d == "elif":
                        c = eval_if(rest, macros)
                    elif d == "elifdef":
                        c = rest.split()[0] in macros
                    else:
                        c = rest.split()[0] not in macros
                else:
                    c = False
                stack[-1] = (c, taken or c, parent)
                active = c
                continue
            if d == "else":
                if not stack:
                    continue
                _, taken, parent = stack[-1]
                c = parent and not taken
                stack[-1] = (c, True, parent)
                active = c
                continue
            if d == "endif":
                if stack:
                    stack.pop()
                active = all(s[0] for s in stack)
                continue
            if not active:
                continue
            if d == "define":
                mac = parse_define(t.text)
                if mac:
                    mac.origin = origin
                    macros[mac.name] = mac
                    if cur:
                        inner[mac.name] = mac
                    it = Item("macro", [t], t.text, origin, len(items), t.line)
                    it.names = [mac.name]
                    it.macro = mac
                    body = tokenize_expr(mac.body)
                    it.uses = {b.text for b in body if b.kind == "ident"} - set(mac.params or [])
                    # and what a pasting macro it calls makes from its
                    # arguments: drbd's drbd_printk(level, obj, ...) calls
                    # __drbd_printk_if_same_type(obj, drbd_device, ...),
                    # which pastes __drbd_printk_ ## struct_name ## _prep
                    it.uses |= _pasted_names(body, macros)
                    items.append(it)
            elif d == "undef":
                name = rest.split()[0] if rest.split() else ""
                macros.pop(name, None)
            elif d == "include":
                it = Item("include", [t], t.text, origin, len(items), t.line)
                items.append(it)
                if on_include:
                    on_include(rest.strip())
            continue
        if not active:
            continue
        if pending is not None:
            # the arguments of a definition-generating macro's invocation
            pending.append(t)
            if t.text == "(":
                pdepth += 1
            elif t.text == ")":
                pdepth -= 1
                if pdepth == 0:
                    items.extend(_expand_definitions(pending, macros, origin, len(items), pprefix))
                    pending = None
                    expanded = True
            continue
        if expanded and t.text == ";":
            expanded = False
            continue   # BITMASK(...); the semicolon after an expansion
        expanded = False
        # (after the storage class it is written with: megaraid.c's
        # `static DEF_SCSI_QCMD(megaraid_queue)` defines a static function)
        if depth == 0 and t.kind == "ident" and all(x.text in _STORAGE for x in cur) and \
                (_defines_things(macros.get(t.text), macros) or _expands_to_nothing(macros.get(t.text))):
            pending, pdepth = [t], 0
            pprefix = " ".join(x.text for x in cur)
            cur = []
            continue
        cur.append(t)
        if t.text in ("{", "(", "["):
            depth += 1
        elif t.text in ("}", ")", "]"):
            depth -= 1
            if depth == 0 and t.text == "}" and _is_function(cur):
                items.append(_pasted_uses(_renamed(_make_item(cur, text, origin, len(items), "func"), macros),
                                          macros))
                cur = []
                inner = {}
        elif t.text == ";" and depth == 0:
            items.append(_macro_enumerators(_pasted_uses(
                _drop_macro_names(_make_item(cur, text, origin, len(items), "decl"), macros), macros),
                collections.ChainMap(inner, macros)))
            cur = []
            inner = {}
    return items


def _macro_enumerators(it, macros):
    """Enumerators macros write in an enum's body. A call in the body:
    btrfs's `enum { ENUM_BIT(EXTENT_LOCKED), ... }` (fs/btrfs/misc.h's
    ENUM_BIT() pastes __EXTENT_LOCKED_BIT, EXTENT_LOCKED and
    __EXTENT_LOCKED_SEQ), or an X-macro list, expanded through every level:
    bcachefs's `BCH_CSUM_TYPES()` calls x(none, 0), x(crc32c_nonzero, 1),
    ... with the x() defined inside the enum's braces (macros holds the
    ones defined inside the item), each pasting BCH_CSUM_##t. The item
    defines them, and uses the macro. A body that is an object-like macro:
    isci's `enum sci_base_request_states REQUEST_STATES;`, whose
    C(REQ_INIT), ... entries paste SCI_##a under the C() defined just
    around the enum, and other names elsewhere (request.c makes the states'
    names from the same list): the item is the enum as expanded where it
    stands, so its text no longer depends on C()."""
    toks = it.toks
    for j, t in enumerate(toks):
        if t.text != "enum":
            continue
        brace = _tag_with_body(toks, j)[1]
        if brace is None:
            if _enum_body_macro(it, j, macros):
                break
            continue
        close = _matching(toks, brace)
        if close == brace + 2 and toks[brace + 1].kind == "ident":
            _enum_list_macro(it, brace, macros)
            break
        k = brace + 1
        while k < close:
            a = toks[k]
            mac = macros.get(a.text) if a.kind == "ident" else None
            if toks[k - 1].text in ("{", ",") and mac is not None and mac.params is not None and \
                    k + 1 < close and toks[k + 1].text == "(":
                end = _matching(toks, k + 1)
                made = _expand_all(toks[k:end + 1], macros)
                for n in _enumerator_heads(made):
                    if n not in it.names:
                        it.names.append(n)
                if a.text in it.names:
                    it.names.remove(a.text)
                it.uses.add(a.text)
                if made and made[-1].text == "," and end + 1 < close and toks[end + 1].kind == "ident":
                    # the comma before it came from the expansion:
                    # bcachefs's BTREE_WRITE_TYPE_NR after the list
                    it.names.append(toks[end + 1].text)
                    it.uses.discard(toks[end + 1].text)
                k = end
            elif a.text in ("(", "[", "{"):
                k = _matching(toks, k)
            k += 1
        break
    return it


def _enum_body_macro(it, j, macros):
    """`enum tag MACRO;` where MACRO's expansion is the braced list
    (see _macro_enumerators): whether it is one."""
    toks = it.toks
    t = [x.text for x in toks]
    if len(t) != j + 4 or toks[j + 1].kind != "ident" or toks[j + 2].kind != "ident" or t[j + 3] != ";":
        return False
    mac = macros.get(t[j + 2])
    if mac is None or mac.params is not None or not mac.body.strip().startswith("{"):
        return False
    body = _expand_all(toks[j + 2:j + 3], macros)
    if not body or body[0].text != "{" or _matching(body, 0) != len(body) - 1:
        return False
    heads = _enumerator_heads(body[1:-1])
    if not heads:
        return False
    it.names = ["enum " + t[j + 1]] + [n for n in heads if n not in it.names] + it.names
    it.names = list(dict.fromkeys(it.names))
    it.uses.add(t[j + 2])
    prefix = it.text[:toks[j + 2].start - toks[0].start]
    it.text = prefix + " ".join(x.text for x in body) + ";"
    return True


def _enum_list_macro(it, brace, macros):
    """`enum tag { LIST } attrs;` where LIST is an object-like macro of
    entries whose EM()/E_() make the enumerators: afs's `enum
    afs_cell_trace { afs_cell_traces } __mode(byte);` in
    trace/events/afs.h, where the same list is expanded again under other
    EM()/E_() for the tracepoints' tables. The item is the enum as expanded
    where it stands."""
    toks = it.toks
    name = toks[brace + 1].text
    mac = macros.get(name)
    if mac is None or mac.params is not None:
        return
    body = _expand_all(toks[brace + 1:brace + 2], macros)
    heads = _enumerator_heads(body)
    if not heads or heads == [name]:
        return
    it.names = list(dict.fromkeys(it.names + heads))
    if name in it.names:
        it.names.remove(name)
    it.uses.discard(name)
    for t in body:
        if t.kind == "ident":
            it.uses.add(t.text)
    it.uses -= set(heads)
    start = toks[0].start
    it.text = it.text[:toks[brace + 1].start - start] + " ".join(t.text for t in body) + \
        it.text[toks[brace + 1].end - start:]


def _expand_all(toks, macros, depth=0, seen=frozenset()):
    """toks with every macro in them expanded, as far as 16 levels deep, a
    macro never inside its own expansion (cpp's rule). Arguments are
    substituted before they are expanded, which is what an X-macro list
    needs; the tokens made carry no positions into a file."""
    out = []
    i = 0
    while i < len(toks):
        t = toks[i]
        mac = macros.get(t.text) if t.kind == "ident" and t.text not in seen and depth < 16 else None
        if mac is not None and mac.params is not None and i + 1 < len(toks) and toks[i + 1].text == "(":
            end = _matching(toks, i + 1)
            if end >= len(toks):
                out.extend(toks[i:])
                break
            expanded, _ = _substitute(toks[i:end + 1], mac)
            out.extend(_expand_all(tokenize_expr(expanded), macros, depth + 1, seen | {t.text}))
            i = end + 1
        elif mac is not None and mac.params is None:
            out.extend(_expand_all(tokenize_expr(mac.body), macros, depth + 1, seen | {t.text}))
            i += 1
        else:
            out.append(t)
            i += 1
    return out


def _enumerator_heads(toks):
    """The enumerators of a list of them (`A = 1, B, C = A | B,`): the
    first word of each part at depth 0."""
    return [part[0].text for part in _split_args(toks) if part and part[0].kind == "ident"]


def _renamed(it, macros):
    """A function whose name is an object-like macro for another word is
    that word's definition (fs/hfsplus/bnode.c defines hfs_bnode_find(),
    which hfsplus_fs.h makes hfsplus_bnode_find()); it keeps the name it
    is written with, by which it is asked for."""
    for n in list(it.names):
        mac = macros.get(n)
        if mac is not None and mac.params is None and re.match(r"^[A-Za-z_]\w*$", mac.body.strip()):
            it.names.append(mac.body.strip())
            it.uses.add(n)
    return it


def _pasted_uses(it, macros):
    """Names an item uses only through a macro that pastes them together
    from its arguments: hfs's `hfs_dbg(BNODE_MOD, ...)` tests
    `DBG_##flg`, so the item uses DBG_BNODE_MOD (fs/hfs/hfs_fs.h)."""
    toks = it.toks
    for j, t in enumerate(toks):
        mac = macros.get(t.text) if t.kind == "ident" else None
        if mac is not None and mac.params is None and j > 0 and toks[j - 1].text in (".", "->"):
            # a member name that is a macro for a path into the struct:
            # dcache.h's "#define d_lock d_lockref.lock" (dentry->d_lock)
            it.uses.add(t.text)
            continue
    it.uses |= _pasted_names(toks, macros)
    return it


def _pasted_names(toks, macros):
    """The words the calls among toks of macros that paste (##) make from
    their arguments."""
    out = set()
    for j, t in enumerate(toks):
        mac = macros.get(t.text) if t.kind == "ident" else None
        if mac is None or mac.params is None or "##" not in mac.body or \
                j + 1 >= len(toks) or toks[j + 1].text != "(":
            continue
        end = _matching(toks, j + 1)
        if end >= len(toks):
            continue
        _, pasted = _substitute(toks[j:end + 1], mac)
        out |= {n for n in pasted if re.match(r"^[A-Za-z_]\w*$", n)}
    return out


def _drop_macro_names(it, macros):
    """A word that is an object-like macro at this point is expanded by
    cpp, never a declarator: "struct crypto_alg { ... }
    CRYPTO_MINALIGN_ATTR;" (linux/crypto.h, dm-crypt.c) defines the type
    and no variable of that name; the macro is a use. A macro whose body
    is a brace-enclosed member list is a type's body: crypto/hash.h's
    "struct hash_alg_common HASH_ALG_COMMON;" defines struct
    hash_alg_common, and "struct HASH_ALG_COMMON;" inside struct shash_alg
    is an anonymous struct member, not a tag. What such a body holds by
    value is held by the item (it.held), for the order of definitions."""
    def body_of(name):
        mac = macros.get(name)
        return mac.body.strip() if mac is not None and mac.params is None else None

    for tag in list(it.tags_used):
        kw, name = tag.split(" ", 1)
        body = body_of(name)
        if body is not None and kw != "enum":
            it.tags_used.discard(tag)
            it.uses.add(name)
            if body.startswith("{"):
                _hold_body(it, body)
    for n in list(it.names):
        body = body_of(n)
        if body is None or " " in n or body == n:
            # `#define IPPROTO_TCP IPPROTO_TCP` after each enumerator of
            # uapi/linux/in.h (so #ifdef finds it): cpp leaves the word as
            # it is, and the enum defines it
            continue
        it.names.remove(n)
        it.uses.add(n)
        if it.is_proto and re.match(r"^[A-Za-z_]\w*$", body):
            # hfsplus_fs.h's "#define hfs_bnode_find hfsplus_bnode_find"
            # before its prototype: cpp declares hfsplus_bnode_find()
            it.names.append(body)
            continue
        t = [x.text for x in it.toks]
        if body.startswith("{") and len(t) == 4 and t[0] in ("struct", "union") and t[2] == n and t[3] == ";":
            it.names.append(t[0] + " " + t[1])
            _hold_body(it, body)
    return it


def _hold_body(it, body):
    """The tags a member list (a macro's body) names: used by the item,
    and held by value unless only pointed to."""
    toks = tokenize_expr(body)
    for j in range(len(toks) - 2):
        if toks[j].text in ("struct", "union", "enum") and toks[j + 1].kind == "ident":
            tag = toks[j].text + " " + toks[j + 1].text
            it.tags_used.add(tag)
            if toks[j + 2].text != "*":
                it.held.add(tag)


def _split_args(toks):
    """The tokens between a macro call's parentheses, split at its own
    commas (not those inside nested brackets): one list per argument."""
    args, arg, depth = [], [], 0
    for t in toks:
        if t.text in ("(", "[", "{"):
            depth += 1
        elif t.text in (")", "]", "}"):
            depth -= 1
        if t.text == "," and depth == 0:
            args.append(arg)
            arg = []
        else:
            arg.append(t)
    args.append(arg)
    return args


def _defines_things(mac, macros, seen=None):
    """A function-like macro whose body defines functions or types, used at
    file scope: fs/buffer_head.h's BUFFER_FNS(Dirty, dirty), nilfs2's
    NILFS_CHECKPOINT_FNS(), bcachefs's BITMASK() (a body with braces).
    `seen`: the macros this question has looked into already, so each is
    looked into once however many bodies call it."""
    if mac is None or mac.params is None:
        return False
    seen = set() if seen is None else seen
    if mac.name in seen:
        return False
    seen.add(mac.name)
    body = mac.body.rstrip()
    # a body with braces, or prototypes (btrfs's DECLARE_BTRFS_SETGET_BITS(8)
    # declares btrfs_get_8() and friends, invoked with no ';' after it), or
    # types (xen's DEFINE_RING_TYPES(blkif, ...) defines union
    # blkif_sring_entry, struct blkif_sring and struct blkif_front_ring)
    if ("{" in body and body.endswith(("}", ";"))) or ("(" in body and body.endswith(";")):
        return True
    # or one that invokes such a macro outside any braces (libceph.h's
    # DEFINE_RB_FUNCS(), whose body is DEFINE_RB_INSDEL_FUNCS(...)
    # DEFINE_RB_LOOKUP_FUNC(...), and that one's `extern ...;
    # DEFINE_RB_LOOKUP_FUNC2(...)`): the expansion is split again
    if "{" in body:
        return False
    return any(_defines_things(macros.get(n), macros, seen) for n in re.findall(r"\b([A-Za-z_]\w*)\s*\(", body))


def _expands_to_nothing(mac):
    """A function-like macro with an empty body: invoked at file scope with
    no ';' after it (ceph_features.h's DEFINE_CEPH_FEATURE_RETIRED(...)
    between the DEFINE_CEPH_FEATURE(...) lines), it is read like a
    definition-generating one that defines nothing, so the items after it
    are not taken for part of one declaration."""
    return mac is not None and mac.params is not None and not mac.body.strip()


def _substitute(call, mac):
    """The text of a macro call (the name, '(', the arguments, ')') with
    the arguments substituted into the body, # and ## applied as cpp does;
    and the words ## made."""
    args = _split_args(call[2:-1])
    params = list(mac.params)
    variadic = bool(params) and params[-1] == "..."
    text_of = {p: " ".join(t.text for t in (args[i] if i < len(args) else [])) for i, p in enumerate(params)}
    if variadic:   # the rest of the arguments, commas and all
        text_of.pop("...", None)
        text_of["__VA_ARGS__"] = " , ".join(" ".join(t.text for t in a) for a in args[len(params) - 1:])
    body = tokenize_expr(mac.body)
    out = []
    i = 0
    while i < len(body):
        t = body[i]
        if t.text == "#" and i + 1 < len(body) and body[i + 1].text in text_of:
            out.append('"%s"' % text_of[body[i + 1].text].replace('"', '\\"'))
            i += 2
            continue
        out.append(text_of.get(t.text, t.text) if t.kind == "ident" else t.text)
        i += 1
    pasted = set(m.group(0) for m in re.finditer(r"[\w]*(?:\s*##\s*[\w]*)+", " ".join(out)) if "##" in m.group(0))
    expanded = re.sub(r"\s*##\s*", "", " ".join(out))
    return expanded, {re.sub(r"\s*##\s*", "", p) for p in pasted}


def _expand_definitions(call, macros, origin, index, prefix=""):
    """The items a file-scope invocation of such a macro defines: its body
    with the arguments substituted (# and ## applied, as cpp does), after
    the storage class written before the call (prefix), split into items
    again, so set_buffer_dirty() is found by its name. Each item carries
    the invocation's line."""
    expanded, _ = _substitute(call, macros[call[0].text])
    if prefix:
        expanded = prefix + " " + expanded
    got = split_items(expanded, origin, macros)
    end = got[-1].toks[-1].end if got and got[-1].toks else 0
    if expanded[end:].strip():
        # a type's body with the ';' after the call (erofs's
        # "__Z_EROFS_BVSET(z_erofs_bvset,);" defines struct z_erofs_bvset)
        got = split_items(expanded + " ;", origin, macros)
    items = []
    for it in got:
        if it.kind in ("func", "decl"):
            it.line = call[0].line
            it.index = index + len(items)
            items.append(it)
    return items


_ATTRS = {"__attribute__", "__printf", "__scanf", "__aligned", "__section", "__acquires",
          "__releases", "__must_hold", "__cond_acquires", "__alloc_size", "__malloc",
          "__diag_ignore", "__nocfi", "__no_sanitize_address", "__designated_init",
          "__counted_by", "__packed", "__cacheline_aligned", "__randomize_layout",
          "__no_randomize_layout", "__aligned_largest", "asm", "__asm__", "__free",
          "__cleanup", "__attribute", "__must_check", "__nonstring", "EXPORT_SYMBOL", "__mode",
          "__deprecated", "__used", "__unused", "__maybe_unused", "__weak",
          # sections and annotations without arguments (linux/compiler_types.h)
          "__read_mostly", "__ro_after_init", "__initdata", "__initconst", "__exitdata", "__meminitdata",
          "__refdata", "__init", "__exit", "__meminit", "__ref", "__cold", "__hot", "__pure", "__noreturn",
          "__always_unused", "__always_inline", "noinline", "noinline_for_stack", "notrace", "noinstr",
          "__sched", "__cpuidle", "__kprobes", "__flatten", "__visible", "__latent_entropy", "__data_racy",
          "__attribute_const__", "__compiletime_error", "__compiletime_warning"}
# What may stand before a definition-generating macro's call.
_STORAGE = {"static", "inline", "__always_inline", "__maybe_unused", "noinline"}
_KEYWORDS = {"if", "while", "for", "switch", "return", "sizeof", "typeof", "__typeof__",
             "_Static_assert", "static_assert", "__builtin_offsetof", "offsetof",
             "struct", "union", "enum", "_Alignof", "__alignof__", "do", "else", "case", "goto"}


def _is_function(cur):
    if not cur or cur[0].text in ("typedef", "struct", "union", "enum") and not _has_params(cur):
        return False
    d = 0
    prev = None
    skip_to = -1
    for j, t in enumerate(cur):
        if j <= skip_to:
            continue
        if t.text == "=" and d == 0:
            return False
        if t.text == "{" and d == 0:
            # "struct __aligned(8) s {" has a parenthesis and an identifier
            # before its brace, "static struct {" an identifier: bodies of
            # a type, not of a function; a function may follow one ("static
            # enum ret { A, B } f(void) { ... }")
            if _opens_tag_body(cur, j):
                skip_to = _matching(cur, j)
                prev = cur[skip_to] if skip_to < len(cur) else None
                continue
            return prev is not None and (prev.text == ")" or prev.kind == "ident")
        if t.text in ("(", "["):
            d += 1
        elif t.text in (")", "]"):
            d -= 1
        prev = t
    return False


_CLOSING = {"{": "}", "(": ")", "[": "]"}


def _matching(cur, j):
    """The index of the token closing the '{', '(' or '[' at cur[j]
    (len(cur) if none)."""
    opening, closing = cur[j].text, _CLOSING[cur[j].text]
    d = 0
    for k in range(j, len(cur)):
        if cur[k].text == opening:
            d += 1
        elif cur[k].text == closing:
            d -= 1
            if d == 0:
                return k
    return len(cur)


def _opens_tag_body(cur, j, keywords=("struct", "union", "enum")):
    """Whether the '{' at cur[j] opens the body of one of KEYWORDS: the
    keyword, at most one tag, and attributes around the tag ("struct
    __aligned(8) s {", "union __packed {"). A parenthesised group counts as
    an attribute's only after a known attribute name: in "struct page
    __alloc(gfp_t gfp) {" it is a function's parameter list."""
    k = j - 1
    seen_tag = False
    while k >= 0:
        t = cur[k]
        if t.text in keywords:
            return True
        if t.text == ")":
            d = 0
            while k >= 0:
                if cur[k].text == ")":
                    d += 1
                elif cur[k].text == "(":
                    d -= 1
                    if d == 0:
                        break
                k -= 1
            k -= 1
            if k < 0 or cur[k].text not in _ATTRS:
                return False
        elif t.kind == "ident" and (t.text in _ATTRS or t.text.startswith("__")):
            pass
        elif t.kind == "ident" and not seen_tag:
            seen_tag = True
        else:
            return False
        k -= 1
    return False


def _has_params(cur):
    # "struct foo *f(void) {" is a function, "struct foo {" is not
    d = 0
    for t in cur:
        if t.text == "{" and d == 0:
            return False
        if t.text == "(" and d == 0:
            return True
        if t.text in ("(", "["):
            d += 1
        elif t.text in (")", "]"):
            d -= 1
    return False


def _make_item(cur, text, origin, index, kind):
    it = Item(kind, cur, text[cur[0].start:cur[-1].end], origin, index, cur[0].line)
    it.is_static = any(t.text == "static" for t in cur[:6])
    names = []
    uses = set()
    tags = set()
    prev = None
    for j, t in enumerate(cur):
        if t.kind == "ident":
            if prev is not None and prev.text in ("struct", "union", "enum") and \
                    t.text in ("__percpu", "__rcu", "__user", "__iomem", "__randomize_layout", "__packed"):
                continue  # "struct __percpu kioctx_cpu *": the tag is the next word
            if prev is not None and prev.text in ("struct", "union", "enum"):
                tags.add(prev.text + " " + t.text)
            elif prev is not None and prev.text in (".", "->"):
                pass  # a member name
            else:
                uses.add(t.text)
        prev = t
    if kind == "decl":
        uses -= _member_names(cur)
    if kind == "func":
        # the function's name: the identifier before the parameter list
        # (the first '(' at depth 0 not opened by an attribute)
        d = 0
        skip_to = -1
        for j, t in enumerate(cur):
            if j <= skip_to:
                continue
            if t.text == "{" and d == 0:
                if _opens_tag_body(cur, j):  # the return type's own body
                    skip_to = _matching(cur, j)
                    continue
                it.body_start = j
                break
            if t.text == "(" and d == 0 and j > 0 and cur[j - 1].kind == "ident" and \
                    cur[j - 1].text not in _ATTRS and cur[j - 1].text not in _KEYWORDS and not names:
                names.append(cur[j - 1].text)
            if t.text in ("(", "["):
                d += 1
            elif t.text in (")", "]"):
                d -= 1
    else:
        names, is_proto = _decl_names(cur)
        it.is_proto = is_proto
        defined = _macro_defined_names(cur, names) if origin.endswith(".c") else None
        if defined:
            uses.add(names[0])
            names, it.is_proto = defined, False
    # A conditional inside the item is emitted as written (reiserfs's
    # struct tree_balance holds `key` under `#ifdef
    # DISPLACE_NEW_PACKING_LOCALITIES`): the macros it tests are uses, or
    # the unit's cpp would leave out what the import read as there.
    for m in _INNER_CONDITIONAL.finditer(it.text):
        uses |= set(re.findall(r"[A-Za-z_]\w*", m.group(1))) - {"defined"}
    it.names = names
    it.uses = uses - set(names)
    it.tags_used = tags
    return it


_INNER_CONDITIONAL = re.compile(r"^[ \t]*#[ \t]*(?:if|ifdef|ifndef|elif)\b(.*)$", re.M)


# A .c file's variables defined with one macro call: "static
# DEFINE_SPINLOCK(lock);", "DEFINE_PER_CPU(int, count);", "LIST_HEAD(list);".
# Not cleanup.h's classes and guards, trace events or static calls: their
# first argument names a type or a family of helpers, not a variable.
_DEFINING_MACRO = re.compile(r"^(DEFINE|DECLARE)_(?!(CLASS|GUARD|LOCK_GUARD|FREE|EVENT|TRACE|STATIC_CALL))[A-Z0-9_]+$"
                             r"|^(H|LL)?LIST_HEAD$")


def _macro_defined_names(cur, names):
    """The variable a defining macro's call declares, when the declaration
    is one (else None; _decl_names() takes the macro for a prototype's
    name): its first argument that is one lower-case identifier
    (DECLARE_WORK(name, fn), DECLARE_BITMAP(name, BITS)), the last for the
    per-CPU ones, whose type comes first (DEFINE_PER_CPU(u64, name))."""
    if len(names) != 1 or not _DEFINING_MACRO.match(names[0]):
        return None
    j = next((k for k, t in enumerate(cur) if t.text == names[0]), None)
    if j is None or j + 1 >= len(cur) or cur[j + 1].text != "(":
        return None
    end = _matching(cur, j + 1)
    args = _split_args(cur[j + 2:end])
    idents = [a[0].text for a in args if len(a) == 1 and a[0].kind == "ident" and
              re.match(r"^[a-z_][a-z0-9_]*$", a[0].text) and a[0].text not in _KEYWORDS]
    if not idents:
        return None
    return [idents[-1] if "PER_CPU" in names[0] else idents[0]]


def _decl_names(cur):
    """Names a declaration defines: the struct/union/enum tag with a body,
    enumerators, typedef names, variables, function prototypes."""
    names = []
    first = cur[0].text if cur else ""
    d = 0
    is_proto = False
    # tag definitions: struct X { ... }
    for j, t in enumerate(cur):
        tag, brace = _tag_with_body(cur, j) if t.text in ("struct", "union", "enum") else (None, None)
        if tag:
            names.append(t.text + " " + tag)
        if brace is not None and (tag or t.text == "enum"):
            if t.text == "enum":  # "enum { A, B };", "enum __packed { ... }" too
                names.extend(_enumerators(cur, brace))
            break
        # an anonymous struct's body may define an enum or a tagged type:
        # "typedef struct { enum { A, B } kind; } msg;"
    if first == "typedef":
        # the name is the last identifier at depth 0, or the one inside (*name)
        d = 0
        cand = None
        fptr = False
        for j, t in enumerate(cur):
            # "(name)" followed by a parameter list or an array size (not
            # a macro's argument: bcachefs's `typedef DARRAY(u64) darray_u64;`)
            if t.text == "(" and d == 0 and not fptr and j + 3 < len(cur) and cur[j + 1].kind == "ident" \
                    and cur[j + 2].text == ")" and cur[j + 3].text in ("(", "[", ";"):
                cand = cur[j + 1].text
                fptr = True
                d += 1
            elif t.text in ("{", "[") or (t.text == "(" and not (j + 1 < len(cur) and cur[j + 1].text == "*")):
                d += 1
            elif t.text == "(":
                d += 1
                if d == 1 and j + 2 < len(cur) and cur[j + 2].kind == "ident" and not fptr:
                    cand = cur[j + 2].text
                    fptr = True
            elif t.text in ("}", ")", "]"):
                d -= 1
            elif d == 0 and t.kind == "ident" and not fptr and t.text not in _ATTRS:
                # (not an attribute after the name: efi.h's "typedef guid_t
                # efi_guid_t __aligned(__alignof__(u32));")
                cand = t.text
        if cand:
            names.append(cand)
        return names, False
    # a declaration: the declarator name is the identifier before '(' (a
    # prototype), '=', '[', ';' or ':' at depth 0, outside braces
    d = 0
    last_ident = None
    before_attr = None  # the identifier before an attribute: "int x __aligned(8) = 1;"
    skip_to = -1
    for j, t in enumerate(cur):
        if j <= skip_to:
            continue
        if t.text == "{":
            d += 1
            last_ident = None
            continue
        if t.text == "}":
            d -= 1
            last_ident = None
            continue
        if d:
            continue
        if t.text == "(":
            if last_ident and last_ident not in _ATTRS and last_ident not in _KEYWORDS \
                    and last_ident not in ("struct", "union", "enum"):
                if not (j + 1 < len(cur) and cur[j + 1].text == "*"):
                    names.append(last_ident)
                    is_proto = True
                    break
            # skip the group: an attribute's or typeof's argument, or a
            # declarator in parentheses ("(*handler)", "(*table[4])"),
            # whose name is the declaration's (a pointer variable, not a
            # prototype)
            k = min(_matching(cur, j), len(cur) - 1)
            skip_to = k
            if j + 2 < len(cur) and cur[j + 1].text == "*" and last_ident not in _ATTRS:
                inner = [i for i in range(j + 2, k) if cur[i].kind == "ident" and cur[i].text not in _ATTRS
                         and cur[i].text not in ("const", "volatile", "restrict", "__rcu", "__percpu", "__iomem", "__user")]
                if inner:
                    names.append(cur[inner[0]].text)
                    # "void (*signal(int, void (*)(int)))(int);" declares a function
                    is_proto = cur[inner[0] + 1].text == "("
                    break
            last_ident = before_attr if last_ident in _ATTRS else None
            continue
        if last_ident in _ATTRS and t.text in ("=", "[", ";", ",", ":"):
            # "static int seen __read_mostly;" names seen ("struct s { ... }
            # __packed;" has nothing before its attribute: no variable)
            last_ident = before_attr
        if t.text in ("=", "[", ";", ",", ":") and last_ident:
            if last_ident not in ("struct", "union", "enum") and last_ident not in _ATTRS and \
                    not (j >= 2 and cur[j - 2].text in ("struct", "union", "enum")):
                names.append(last_ident)
            break
        if t.kind == "ident":
            if t.text in _ATTRS and last_ident not in _ATTRS:
                before_attr = last_ident
            last_ident = t.text
    return names, is_proto


def _tag_with_body(cur, j):
    """(tag, index of its '{') for "struct tag {" at cur[j], attributes
    allowed between the keyword, the tag and the brace ("struct __aligned(8)
    tag {", "struct __packed tag {"); (None, index) for a body without a
    tag; (None, None) where no body follows. Of several words the last is
    the tag: the others are attribute macros ("union __ec_align4 ec_params
    {"), and a tag may itself start with "__"."""
    words = []
    k = j + 1
    while k < len(cur):
        t = cur[k]
        if t.text == "{":
            return (words[-1] if words else None), k
        if t.kind != "ident":
            return None, None
        if t.text in _ATTRS:
            if k + 1 < len(cur) and cur[k + 1].text == "(":
                k = _matching(cur, k + 1)
        elif k + 1 < len(cur) and cur[k + 1].text == "(":
            return None, None  # "struct page *f(" or "struct s f(": a function's parameters
        else:
            words.append(t.text)
        k += 1
    return None, None


def _enumerators(cur, brace):
    out = []
    d = 0
    for k in range(brace, len(cur)):
        t = cur[k]
        if t.text in ("{", "("):
            d += 1
        elif t.text in ("}", ")"):
            d -= 1
            if d == 0:
                break
        elif d == 1 and t.kind == "ident" and cur[k - 1].text in ("{", ","):
            out.append(t.text)
    return out


def _member_names(cur):
    """Member names declared inside the braces of a struct/union body: the
    identifier before ';', ',', '[' or ':' (or inside '(*name)') at
    parenthesis depth 0 in a brace that opens a struct or union body
    ("struct tag {", "union {"). The braces of an initializer ("= { .release
    = fn, }") and of an enum body ("X = RWH_X,") hold values, not members:
    the names there are uses.

    A declarator names one member: a word after it ("void *ctx[]
    CRYPTO_MINALIGN_ATTR;") is an attribute macro, a use. So is a word
    standing alone as a whole member declaration (dcache.h's
    "HASH_LEN_DECLARE;"), a macro that expands to members: a member
    needs a type in front of its name."""
    out = set()
    kinds = []  # per open brace: True if it opens a struct/union body
    pd = 0
    width = False  # after a bit-field's ':'
    named = False  # this declarator's name is already taken
    for j, t in enumerate(cur):
        if t.text == "{":
            kinds.append(_opens_tag_body(cur, j, ("struct", "union")))
            named = False
        elif t.text == "}":
            if kinds:
                kinds.pop()
            named = False
        elif t.text == "(":
            pd += 1
            if kinds and kinds[-1] and pd == 1 and j + 2 < len(cur) and cur[j + 1].text == "*" \
                    and cur[j + 2].kind == "ident":
                out.add(cur[j + 2].text)
                named = True
        elif t.text == ")":
            pd -= 1
        elif kinds and kinds[-1] and pd == 0 and t.text in (";", ",", "[", ":"):
            # "unsigned int x : WIDTH;": the name before ':' is the member,
            # the width after it a value
            alone = j > 1 and cur[j - 2].text in ("{", ";")
            if j > 0 and cur[j - 1].kind == "ident" and not width and not named and \
                    not (t.text == ";" and alone):
                out.add(cur[j - 1].text)
                named = True
            width = t.text == ":"
            if t.text in (";", ","):
                named = False
    return out
