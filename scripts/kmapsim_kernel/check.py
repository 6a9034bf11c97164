"""check --kernel DIR FILE:FUNCTION...: import, write the harness, run kmapsim.

The generated translation unit (the imported functions and what they need,
plus the harness) is written into the cache (.kmapsim/kernel-check/), built
and explored by `scripts/kmapsim check`, one profile per unit because the
kernel config is the profile's. With --before/--patch both versions run with
the same harness and the same seeds, and one verdict per side is printed.
"""

import argparse
import atexit
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

from kmapsim_cli import report_json, subject_cache
from kmapsim_cli.common import write_whole

from . import conversion, ctokens, diagnose, errors, harness, harness_text, importer, kernel_src, unit_memo

REPO = importer.REPO
# Imported code must not be compiled on guesses: an undeclared function or a
# pointer/integer mix-up is an error, not a warning.
PRAGMAS = ["#pragma clang diagnostic error \"-Wimplicit-function-declaration\"",
           "#pragma clang diagnostic error \"-Wint-conversion\"",
           "#pragma clang diagnostic error \"-Wincompatible-pointer-types\""]


def cache_root():
    return os.path.join(kernel_src.cache_dir(), "kernel-check")


def resolve_tree(arg):
    if arg in kernel_src.VERSIONS:
        return kernel_src.ensure_tree(arg)
    if not os.path.isdir(arg):
        raise errors.BadInput("--kernel %s: not a directory (or one of: %s)" % (arg, ", ".join(kernel_src.VERSIONS)))
    return os.path.abspath(arg)


# Files a unit takes besides its targets' own (build_unit): a scatterlist
# harness walks the list with lib/scatterlist.c's sg_next() and friends,
# and an iterator harness builds its iterator with lib/iov_iter.c's
# constructors (iov_iter_kvec(), ...), wherever the function under test
# lives (net/core/skbuff.c's csum_and_copy_from_iter_full()).
SCATTERLIST = "lib/scatterlist.c"
IOV_ITER = "lib/iov_iter.c"
# the files a unit may take besides its targets': the two above and the
# tree's library files (importer.LIBRARY, which holds the first)
COMPANIONS = importer.LIBRARY + (IOV_ITER,)


def build_unit(tree, targets, profile, iter_types=None, tags=(), refuse=()):
    """Writes the unit for targets [(file, func)] and returns its path; tags
    are struct/union types whose definitions the code needs in full."""
    funcs = [fn for _, fn in targets]
    unit = import_unit(tree, targets, profile, tags, refuse)
    text = PRAGMAS + [unit.text]
    for f, fn in targets:
        callers = _caller_kinds(tree, f, unit.signatures[fn], fn)
        h, kinds = harness.generate(fn, unit.signatures[fn], unit.text, f, iter_types, _reach(unit, fn),
                                    ALSO_CHECKED.get(fn, ()), callers)
        if "struct iov_iter " in h:
            print("kmapsim: harness for %s: struct iov_iter of type %s%s" % (
                fn, ", ".join(kinds), " (all its callers pass)" if callers is not None else ""), file=sys.stderr)
        text.append('#line 1 "<kmapsim harness for %s>"' % fn)
        text.append(h)
    body = "\n".join(text)
    key = hashlib.sha256(("%s\0%s\0%s" % (tree, profile, body)).encode()).hexdigest()[:16]
    d = os.path.join(cache_root(), key)
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, "%s.c" % "_".join(funcs))
    _write_unit(path, body)
    _write_summary(path, unit)
    return path


def import_unit(tree, targets, profile, tags=(), refuse=()):
    """The imported unit for targets [(file, func)], with what the harness
    of each needs besides (the tree's iov_iter and scatterlist
    constructors)."""
    by_file = {}
    for f, fn in targets:
        by_file.setdefault(f, []).append(fn)
    wanted = list(by_file.items())
    funcs = [fn for _, fn in targets]
    unit = importer.import_files(tree, wanted, profile, extra_tags=tags, refuse=refuse)
    extra = []
    for fn in funcs:
        extra += harness.constructors_needed(unit.signatures[fn])
    if extra:
        # the scatterlist a harness builds is walked with lib/scatterlist.c's
        # sg_next() and friends, wherever the function under test lives
        if any(harness.LISTS.get(harness._norm(t)) == "sg" for fn in funcs for t, _ in harness.params(unit.signatures[fn])) \
                and SCATTERLIST not in by_file and os.path.isfile(os.path.join(tree, SCATTERLIST)):
            wanted.append((SCATTERLIST, []))
        if any(harness._norm(t) == "struct iov_iter *" for fn in funcs for t, _ in harness.params(unit.signatures[fn])) \
                and IOV_ITER not in by_file and os.path.isfile(os.path.join(tree, IOV_ITER)):
            wanted.append((IOV_ITER, []))
        unit = importer.import_files(tree, wanted, profile, extra=extra, extra_tags=tags, refuse=refuse)
    return unit


# function -> the names either side of a --patch/--before comparison checks
# against its page (harness.generate()'s also_checked)
ALSO_CHECKED = {}


def _checked_in_tree(tree, targets):
    """For each FILE:FUNCTION, the names its definition in tree checks
    against its page (empty where the file or the function is not found)."""
    for f, fn in targets:
        path = os.path.join(tree, f)
        if not os.path.isfile(path):
            continue
        items = ctokens.split_items(open(path, errors="replace").read(), f, {})
        for it in items:
            if it.kind == "func" and fn in it.names and it.body_start is not None:
                ALSO_CHECKED.setdefault(fn, set()).update(harness._page_checked(it))


def write_harness(tree, target, profile, out, kernel_arg):
    """--write-harness: the generated harness as a subject file of the
    user's, for the parameters a signature does not give meaning to. Never
    overwrites a file. kernel_arg: --kernel's value and the --config options,
    for the command that checks the file."""
    f, fn = target
    if os.path.exists(out):
        raise errors.BadInput("--write-harness %s: the file exists (kmapsim never overwrites one); remove it or "
                              "name another" % out)
    why = report_json.unwritable(out, "--write-harness")   # before the import's work
    if why:
        raise errors.BadInput(why)
    unit = with_guards(import_unit, tree, [target], profile)
    kernel_arg += "".join(" --config %s" % o for o in sorted(importer.GUARD_CONFIG))
    item = unit.signatures[fn]
    body, _ = harness.generate(fn, item, unit.text, f, None, _reach(unit, fn), (), _caller_kinds(tree, f, item, fn),
                               fill_in=True)
    todo = body.count("\n#error ")
    head = ("/*\n * The harness `check --kernel --write-harness` wrote from the signature of\n"
            " * %s() (%s).\n"
            " * Each value is picked per run with kmapsim_pick(): narrow or widen it to\n"
            " * what the callers pass. Check it with\n"
            " *   scripts/kmapsim check --kernel %s --profile %s %s\n */\n"
            "#include <kmapsim/subject.h>\n\nKMAPSIM_IMPORT(\"%s\", %s);\n"
            % (fn, f, kernel_arg, profile, out, f, fn))
    with open(out, "x") as fh:
        fh.write(head + body.replace("\n/* The harness kmapsim wrote from %s()'s signature. */\n" % fn, "\n"))
    print("kmapsim: wrote %s: the harness for %s()%s; then: scripts/kmapsim check --kernel %s --profile %s %s"
          % (out, fn, ", with %d parameter(s) to fill in where the #error lines say" % todo if todo else "",
             kernel_arg, profile, out))
    return 0


def _caller_kinds(tree, f, item, fn):
    """The iterator types a static function's callers, all in its file,
    pass it (harness.caller_kinds()); None for a function other files may
    call, or one taking no iterator."""
    path = os.path.join(tree, f)
    if not item.is_static or not os.path.isfile(path) or \
            not any("iov_iter" in t for t, _ in harness.params(item)):
        return None
    with open(path, errors="replace") as fh:
        return harness.caller_kinds(fh.read(), fn)


def _reach(unit, fn):
    """The names fn's body and the bodies of the imported functions it
    reaches use."""
    seen, todo, names = set(), [fn], set()
    while todo:
        n = todo.pop()
        if n in seen:
            continue
        seen.add(n)
        uses = unit.calls.get(n, unit.signatures[fn].uses if n == fn else set())
        names |= uses
        todo.extend(u for u in uses if u in unit.calls)
    return names


def _write_unit(path, body):
    """Writes the unit whole under its name: two checks of one harness
    (another --subject) run at once share the path, and rewriting it in
    place under the other's compiler crashed that compiler (SIGBUS)."""
    write_whole(path, body)


def _write_summary(path, unit):
    """What the unit holds besides the code under test, one line for the
    user (build_checked prints it once the unit compiles): the files it
    took functions from, kmapsim's bodies, messages, and the functions
    that stop the run when reached."""
    files = ["%s (%d function%s)" % (f, n, "" if n == 1 else "s") for f, n in unit.file_counts]
    parts = ["from the tree: " + ", ".join(files)] if files else []
    if unit.modelled:
        parts.append("kmapsim's C over the tree's types: " + ", ".join(sorted({n for n in unit.modelled if not n.startswith("kmapsim_")})))
    if unit.messages:
        parts.append("messages (printk): " + ", ".join(sorted(unit.messages)))
    if unit.own:
        parts.append("the harness's own: " + ", ".join(sorted(unit.own)))
    if unit.traps:
        parts.append("not modelled, a call stops the run: " + ", ".join(sorted(unit.traps)))
    with open(path[:-2] + ".summary", "w") as f:
        f.write("; ".join(parts) + "\n")


_IMPORT = re.compile(r'KMAPSIM_IMPORT\s*\(\s*"([^"]+)"\s*((?:,\s*\w+\s*)+)\)\s*;', re.S)
_INCLUDE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*(<([^>]+)>)', re.M)


def _taken_for_unit(tree, profile, text, wanted):
    """TEXT with the #if branches the unit's compiler will not take blanked,
    where the condition tests only what the unit fixes before the harness:
    the tree's version (LINUX_VERSION_CODE, KERNEL_VERSION()), the profile's
    machine and the user's --config options. A condition on anything else
    (a macro of a tree header, an option a file's Makefile turns on) keeps
    every branch, as before."""
    macros = importer.config_macros(profile)
    for m in ("#define KERNEL_VERSION(a, b, c) (((a) << 16) + ((b) << 8) + ((c) > 255 ? 255 : (c)))",
              "#define LINUX_VERSION_CODE KERNEL_VERSION(%d, %d, %d)" % importer.tree_version(tree)):
        mac = ctokens.parse_define(m)
        macros[mac.name] = mac
    gates = {g for f in wanted for g in importer.kbuild_gates(tree, f)}
    fixed = (importer.model_config_names() | set(importer.USER_CONFIG) | {"LINUX_VERSION_CODE", "KERNEL_VERSION"}) - gates
    return ctokens.taken_lines(text, macros, lambda n: n in fixed)


def build_harness_file(tree, harness_path, profile, more_tags=(), refuse=()):
    """A subject file with KMAPSIM_IMPORT lines: the imported unit, then the
    file itself with those lines blanked (line numbers kept)."""
    text = harness_text.read(harness_path)
    imports = _IMPORT.findall(text)
    if not imports:
        raise errors.BadInput("%s: no KMAPSIM_IMPORT(\"file.c\", function...) line; with --kernel give "
                              "FILE:FUNCTION or a subject that imports" % harness_path)
    wanted = {}
    for f, names in imports:
        wanted.setdefault(f, []).extend(n.strip() for n in names.split(",") if n.strip())
    # what the harness itself calls or names from the tree (sg_set_page,
    # SG_MITER_ATOMIC, struct scatterlist, ...), in the branches the
    # compiler will take
    scan = _taken_for_unit(tree, profile, _IMPORT.sub("", text), wanted)
    htoks = ctokens.tokenize_expr(scan)
    # calls, macro-case names, and typedef names of the mixed-case kind the
    # uapi headers give (Elf64_Nhdr, Elf32_Word), which nothing else marks
    # as the tree's
    extra = {t.text for i, t in enumerate(htoks) if t.kind == "ident" and
             ((i + 1 < len(htoks) and htoks[i + 1].text == "(") or re.match(r"^[A-Z][A-Z0-9_]+$", t.text)
              or re.match(r"^[A-Z][A-Za-z0-9]*_[A-Za-z0-9_]*[a-z][A-Za-z0-9_]*$", t.text))}
    tags = {a.text + " " + b.text for a, b in zip(htoks, htoks[1:])
            if a.text in ("struct", "union", "enum") and b.kind == "ident"}
    # what the harness defines itself (a function the unit would stop at,
    # given a body: romfs_dev_read() for fs/romfs/super.c): the unit
    # declares it and calls the harness's
    own = {n for it in ctokens.split_items(scan, harness_path, {})
           if it.kind == "func" and it.body_start for n in it.names}
    # a tree header the harness includes that kmapsim has no file for
    # (<linux/local_lock.h>): the importer looks the harness's names up in
    # it, and the line is blanked, as the unit holds what it needs (one
    # the tree has not, a C library header, is left to the compiler)
    headers = [m.group(1) for m in _INCLUDE.finditer(text)
               if not os.path.isfile(os.path.join(importer.MODEL_INCLUDE, m.group(2)))
               and importer.tree_header(tree, m.group(1))]
    unit = importer.import_files(tree, list(wanted.items()), profile, extra=sorted(extra),
                                extra_tags=sorted(tags) + list(more_tags), own=own, refuse=refuse, headers=headers)
    blanked = _IMPORT.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    blanked = _INCLUDE.sub(lambda m: "" if m.group(1) in headers else m.group(0), blanked)
    body = "\n".join(PRAGMAS + [unit.text, '#line 1 "%s"' % os.path.abspath(harness_path), blanked])
    key = hashlib.sha256(("%s\0%s\0%s" % (tree, profile, body)).encode()).hexdigest()[:16]
    d = os.path.join(cache_root(), key)
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, os.path.basename(harness_path))
    _write_unit(path, body)
    _write_summary(path, unit)
    return path


def precompile(path, diagnose_errors=True):
    """Compiles the unit once on its own to show every error (scripts/kmapsim
    check shows only the first). Returns the log when it does not compile
    and diagnose_errors is false."""
    log = path[:-2] + ".compile.log"
    # The check build's own compile (its object is the one the check then
    # runs: subject_cache.precompile())
    ok, text = subject_cache.precompile(os.path.abspath(path))
    with open(log, "w") as f:
        f.write(text)
    if ok:
        return None
    if not diagnose_errors:
        return log
    errs = diagnose.errors(open(log, errors="replace").read())
    if errs and all('error: "kmapsim: ' in e for e in errs):   # --write-harness's lines, not yet replaced
        diagnose.report(log, "the harness has parameters left to fill in")
    else:
        diagnose.report(log, "the imported code does not compile against kmapsim's headers")
    raise errors.BadInput("%s does not compile" % path)


# the type as written, or a typedef's: "variable has incomplete type
# 'reiserfs_blocknr_hint_t' (aka 'struct __reiserfs_blocknr_hint')"
_INCOMPLETE = re.compile(r"error: .*incomplete (?:definition of )?type '(?:((?:struct|union) \w+)'|[^']*' \(aka "
                         r"'((?:struct|union) \w+)'\))")


def incomplete_tags(log_text):
    """The struct and union types a compile log says the code uses in full
    (a member access, sizeof, a variable or field of the type) where the
    unit has only their name."""
    return sorted(set(a or b for a, b in _INCOMPLETE.findall(log_text)))


def with_guards(build, *args):
    """build(*args), turning on the options a function under test is defined
    only under when the profile's config leaves it out (importer.
    guard_options(): #ifdef CONFIG_X, #if defined(CONFIG_A) || ...), as in
    any kernel that has it, and saying so. The error stands when no option
    would define it (an #ifndef, a machine option) or it still is not."""
    while True:
        try:
            return build(*args)
        except importer.NotDefined as e:
            new = importer.turn_on_guards(e.options)
            if not new:
                raise
            print("kmapsim: config: %s() is defined only under %s: %s on, as in any kernel that has it "
                  "(--config turns on more of your kernel's options)"
                  % (e.func, e.where, " and ".join(filter(None, [", ".join(new[:-1]), new[-1]]))), file=sys.stderr)


def build_checked(tree, targets, profile, iter_types=None):
    """The unit's path, imported and compiled, or as a check of the same
    inputs on the same unchanging tree left it (unit_memo)."""
    memo = unit_memo.key(tree, targets, profile, iter_types, cache_root())
    if memo is None:
        return with_guards(_build_checked, tree, targets, profile, iter_types)
    return unit_memo.load(memo) or unit_memo.build(memo, with_guards, _build_checked, tree, targets, profile,
                                                   iter_types)


def _build_checked(tree, targets, profile, iter_types=None):
    """Builds the unit, or the harness file's unit, and compiles it. The
    importer follows names, not types: `dir->i_sb->s_blocksize` names no
    struct super_block, and fs/ext2's EXT2_SB(sb)->s_es->... no struct
    ext2_super_block, so such a definition is missing until clang says
    which; each round adds the types it names, until none is new. Then a
    library or subsystem file with errors of its own is left out
    (importer.import_files()'s `refuse`), until the unit compiles or the
    errors are in the files under test."""
    tags = []
    refuse = []
    mine = ({f for f, _ in _IMPORT.findall(harness_text.read(targets))} if isinstance(targets, str)
            else {f for f, _ in targets})
    for _ in range(12):
        if isinstance(targets, str):
            path = build_harness_file(tree, targets, profile, tags, refuse)
        else:
            path = build_unit(tree, targets, profile, iter_types, tags, refuse)
        log = precompile(path, diagnose_errors=False)
        if log is None:
            summary = path[:-2] + ".summary"
            if os.path.isfile(summary):
                print("kmapsim: unit: " + open(summary).read().strip(), file=sys.stderr)
            return path
        log_text = open(log, errors="replace").read()
        new = [t for t in incomplete_tags(log_text) if t not in tags]
        values = importer.take_kconfig_values(tree, diagnose.unknown_names(log_text), profile)
        for name, value in values:
            print("kmapsim: config: %s=%s, the tree's Kconfig default (the code uses it as a value; --config "
                  "%s=VALUE gives your kernel's)" % (name, value, name), file=sys.stderr)
        if new or values:
            tags += new
            continue
        # A library or subsystem file the unit took for functions the code
        # under test only declares, whose own code does not compile against
        # kmapsim's headers (fs/btrfs/ctree.c's kmem_cache_zalloc()): not
        # taken, its functions stop the run instead.
        bad = sorted(f for f in companion_errors(log_text) if f not in mine and f not in refuse)
        if not bad:
            break
        refuse += bad
    precompile(path)
    return path


_ERROR_FILE = re.compile(r"^([\w./+-]+\.c):\d+:\d+: error: ", re.M)


def companion_errors(log_text):
    """The tree's .c files (paths relative to the tree, as the unit's #line
    directives name them) a compile log has errors in."""
    return set(f for f in _ERROR_FILE.findall(log_text) if not os.path.isabs(f))


def run_check(path, profile, seconds, subject=None, check_args=(), json_path=None):
    """scripts/kmapsim check on the unit; check_args are check's own flags
    passed through (--plain-accesses / --no-plain-accesses)."""
    cmd = [os.path.join(REPO, "scripts", "kmapsim"), "check", path, "--profile", profile, "--seconds", str(seconds)]
    cmd += list(check_args)
    if subject:
        cmd += ["--subject", subject]
    if json_path:
        cmd += ["--json", json_path]  # plain check's document (docs/report.schema.json)
    return _in_process(cmd[1:])


def _in_process(argv):
    """(exit code, stdout, stderr) of `scripts/kmapsim ARGV`, run in this
    process: starting another Python, importing kmapsim again and asking
    dpkg again cost about 0.3 s of every check (of each side of a verdict).
    Its output, and that of the processes it starts (the subject binary),
    goes through this process's descriptors 1 and 2, so those are pointed
    at scratch files for the call; what it printed is returned, not shown."""
    from kmapsim_cli import main as cli
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    saved_streams = sys.stdout, sys.stderr
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        os.dup2(out.fileno(), 1)
        os.dup2(err.fileno(), 2)
        # Python's own streams too, in case they are not descriptors 1 and 2
        # (a test's capture); line-buffered, so each line lands in order
        # with the subject binary's
        sys.stdout = open(1, "w", closefd=False, buffering=1, errors="replace")
        sys.stderr = open(2, "w", closefd=False, buffering=1, errors="replace")
        try:
            rc = cli.main(argv)
        except SystemExit as e:
            rc = e.code if isinstance(e.code, int) else 2
        finally:
            sys.stdout.close()   # flushes; descriptors 1 and 2 stay open
            sys.stderr.close()
            sys.stdout, sys.stderr = saved_streams
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])
        text = []
        for f in (out, err):
            f.seek(0)
            text.append(f.read().decode("utf-8", "replace"))
    return rc, text[0], text[1]


def parse_targets(items):
    out = []
    for t in items:
        if ":" not in t:
            raise errors.BadInput("check --kernel: '%s' is not FILE:FUNCTION (e.g. lib/iov_iter.c:copy_page_to_iter)" % t)
        f, fn = t.rsplit(":", 1)
        out.append((f, fn))
    return out


def side(tree, targets, profile, seconds, subject=None, iter_types=None, check_args=(), json_path=None):
    path = build_checked(tree, targets, profile, iter_types)
    if isinstance(targets, str):
        return run_check(path, profile, seconds, subject, check_args, json_path)
    # The harness kmapsim wrote: its run's report is read back as data
    doc_path = json_path if json_path and json_path != "-" else os.path.join(os.path.dirname(path), "last.%d.json" % os.getpid())
    rc, out, err = run_check(path, profile, seconds, subject, check_args, doc_path)
    try:
        doc = json.load(open(doc_path)) if rc == 1 else None
    except (OSError, ValueError):
        doc = None
    why = harness_short(doc) if doc else None
    if why:
        # Not a finding: what the function needs that the harness lacks
        fn = targets[0][1]
        site = next((l.split(": ", 1)[1] for l in err.splitlines() if re.match(r"^  (access|call|check): ", l)), "")
        replay = doc.get("replay") or ""
        err = "".join(l + "\n" for l in err.splitlines() if l.startswith("kmapsim: unit:"))
        err += ("kmapsim: inconclusive: %s() %s%s. The harness kmapsim wrote gives its pages no mapping or private "
                "data and fills pages and buffers with 0x6b poison, so this is no finding: to check %s(), write a "
                "harness that gives it what its callers do, with KMAPSIM_IMPORT(\"%s\", %s) (see "
                "docs/kernel-import.md)\n" % (fn, why, " (%s)" % site if site else "", fn, targets[0][0], fn))
        if replay:
            err += "kmapsim: the run: %s\n" % replay
        doc.update({"verdict": "inconclusive", "reason": "%s() %s" % (fn, why)})
        if json_path:
            report_json.write(json_path, doc)
        rc = 2
    elif json_path == "-" and os.path.exists(doc_path):
        out += open(doc_path).read()
    if doc_path != json_path and os.path.exists(doc_path):
        os.remove(doc_path)
    return rc, out, err


def harness_short(doc):
    """What a report of the generated harness's run says the harness failed
    to give, or None when the report stands: a memory-error through a NULL
    or wild pointer (a page's mapping, a private pointer, a pointer read
    from a fresh page: the harness leaves them NULL or poisoned), or any
    report naming the 0x6b poison as an address."""
    first = doc.get("first_line") or ""
    if doc.get("class") == "memory-error":
        m = re.search(r"(read|write|access)?( of size \d+)? ?through a (NULL|wild) pointer|NULL pointer dereference", first)
        if m:
            return {"read": "read", "write": "wrote"}.get(m.group(1), "went") + m.group(0)[len(m.group(1) or ""):] \
                if m.group(3) else "dereferenced a NULL pointer"
    if "0x6b poison" in first:
        return "used a pointer made of the 0x6b poison of fresh memory"
    return None




def _patch_files(patch):
    """The paths (after -p1) a patch writes."""
    out = []
    for line in open(patch, errors="replace"):
        m = re.match(r"^\+\+\+ (\S+)", line)
        if m and m.group(1) != "/dev/null":
            out.append(m.group(1).split("/", 1)[1] if "/" in m.group(1) else m.group(1))
    return out


def _overlay(d, tree, rel):
    """Makes d/rel a real file copied from the tree, with every directory on
    its way a real directory whose other entries link into the tree, so
    writing it (the patch) can never reach the tree through a link."""
    parts = rel.split("/")
    cur, src = d, tree
    for part in parts[:-1]:
        cur, src = os.path.join(cur, part), os.path.join(src, part)
        if os.path.islink(cur):
            os.unlink(cur)
        if not os.path.isdir(cur):
            os.makedirs(cur)
            for e in os.listdir(src) if os.path.isdir(src) else ():
                os.symlink(os.path.join(src, e), os.path.join(cur, e))
    dst = os.path.join(cur, parts[-1])
    if os.path.lexists(dst):
        os.unlink(dst)
    if os.path.exists(os.path.join(tree, rel)):
        shutil.copy(os.path.join(tree, rel), dst)


def patched_tree(tree, patch, targets):
    """A scratch copy of the files the check reads and the patch writes, with
    the patch applied; the user's tree is never modified (what is only read
    is linked, one entry at a time)."""
    # one scratch tree per check (two checks of one patch may run at once);
    # removed when the check ends
    d = os.path.join(cache_root(), "patched-%s-%d" % (hashlib.sha256(open(patch, "rb").read()).hexdigest()[:12], os.getpid()))
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    atexit.register(shutil.rmtree, d, True)
    # Everything else of the tree is read where it is: the headers, the
    # version, and the files a unit takes besides the target's (a
    # scatterlist harness walks the list with lib/scatterlist.c).
    for sub in sorted(os.listdir(tree)):
        os.symlink(os.path.join(tree, sub), os.path.join(d, sub))
    for f in sorted({f for f, _ in targets} | set(_patch_files(patch))):
        if os.path.isabs(f) or ".." in f.split("/"):
            raise errors.BadInput("--patch %s writes %s, outside the tree" % (patch, f))
        _overlay(d, tree, f)
    r = subprocess.run(["patch", "-p1", "-d", d, "-i", os.path.abspath(patch)], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        raise errors.BadInput("--patch %s does not apply: %s" % (patch, r.stdout.strip().splitlines()[-1:]))
    return d


def git_rev_tree(tree, rev, targets):
    d = os.path.join(cache_root(), "rev-" + rev.replace("/", "_"))
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    # the headers, the version, the targets, and the files a unit may take
    # besides theirs (COMPANIONS) where that revision has them
    files = ["include", "Makefile"] + [f for f, _ in targets]
    for f in COMPANIONS:
        if f not in files and subprocess.run(["git", "-C", tree, "cat-file", "-e", "%s:%s" % (rev, f)],
                                             stderr=subprocess.DEVNULL).returncode == 0:
            files.append(f)
    r = subprocess.run(["git", "-C", tree, "archive", rev] + files, stdout=subprocess.PIPE)
    if r.returncode != 0:
        raise errors.BadInput("--before %s: neither a directory nor a git revision of %s" % (rev, tree))
    subprocess.run(["tar", "-x", "-C", d], input=r.stdout, check=True)
    return d


def main(argv):
    ap = argparse.ArgumentParser(prog="scripts/kmapsim check --kernel")
    ap.add_argument("--kernel", required=True, help="kernel tree (or 6.1 / 6.12: Debian's, see kernel-src)")
    ap.add_argument("--profile", default="strict")
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--before", help="the version before: another tree, or a git revision of --kernel")
    ap.add_argument("--patch", help="a patch to apply to a scratch copy of --kernel: the version after")
    ap.add_argument("--convert", action="store_true",
                    help="the version after is the mechanical conversion of each FILE:FUNCTION (of a harness "
                         "file: each function its KMAPSIM_IMPORT lines name) to kmap_local_page() (kmap_atomic/"
                         "kunmap_atomic renamed, kmap(p)...kunmap(p) to kmap_local_page(p)...kunmap_local(address)), "
                         "written as a patch and checked as --patch checks one")
    ap.add_argument("--subject", help="with a subject file: only this KMAPSIM_SUBJECT")
    ap.add_argument("--json", metavar="FILE", help="the verdict and the report as data, as plain check writes it "
                    "(\"-\": standard output); with --before/--patch/--convert, of the version after")
    # None: check decides (on for a unit that starts another context)
    ap.add_argument("--plain-accesses", dest="plain_accesses", action="store_true", default=None,
                    help="every plain load and store of shared memory is a scheduling point (see check)")
    ap.add_argument("--no-plain-accesses", dest="plain_accesses", action="store_false")
    ap.add_argument("--iter-types", metavar="T,T...",
                    help="the generated harness builds only these iov_iter types (%s)" % ",".join(harness.ITER_KINDS))
    ap.add_argument("--config", action="append", default=[], metavar="CONFIG_NAME[=VALUE]",
                    help="an option your kernel has on besides the profile's (repeatable): the imported code's "
                         "#ifs see it (not the machine's: HIGHMEM, SMP, PREEMPT and the like are the profile's)")
    ap.add_argument("--write-harness", metavar="FILE.c",
                    help="write the harness kmapsim would write for FILE:FUNCTION to a subject file of yours "
                         "(KMAPSIM_IMPORT), each parameter it cannot give a value marked to fill in, and stop")
    ap.add_argument("targets", nargs="+", metavar="FILE:FUNCTION|SUBJECT.c")
    try:
        a = ap.parse_args(argv)
    except SystemExit as e:
        return 0 if e.code == 0 else 2
    if a.write_harness:
        if a.before or a.patch or a.convert or len(a.targets) != 1 or ":" not in a.targets[0]:
            raise errors.BadInput("--write-harness takes one FILE:FUNCTION and no --before/--patch/--convert")
        importer.set_user_config(a.config)
        return write_harness(resolve_tree(a.kernel), parse_targets(a.targets)[0], a.profile, a.write_harness,
                             " ".join([a.kernel] + ["--config %s" % c for c in a.config]))
    if a.seconds <= 0:
        raise errors.BadInput("--seconds takes a whole number > 0")
    why = report_json.unwritable(a.json)
    if why:
        raise errors.BadInput(why)
    if a.patch and not os.path.isfile(a.patch):
        raise errors.BadInput("--patch %s: no such file" % a.patch)
    if sum(map(bool, (a.patch, a.before, a.convert))) > 1:
        raise errors.BadInput("--patch, --before and --convert each give the version after: use one of them")
    iter_types = None
    if a.iter_types:
        iter_types = [t.strip() for t in a.iter_types.split(",") if t.strip()]
        bad = [t for t in iter_types if t not in harness.ITER_KINDS]
        if bad or not iter_types:
            raise errors.BadInput("--iter-types %s: not an iov_iter type kmapsim builds (%s)"
                                  % (a.iter_types, ",".join(harness.ITER_KINDS)))
    check_args = {True: ["--plain-accesses"], False: ["--no-plain-accesses"], None: []}[a.plain_accesses]
    importer.set_user_config(a.config)
    tree = resolve_tree(a.kernel)
    if len(a.targets) == 1 and a.targets[0].endswith(".c") and os.path.isfile(a.targets[0]) \
            and ":" not in a.targets[0]:
        targets = os.path.abspath(a.targets[0])
        imports = _IMPORT.findall(harness_text.read(targets))
        patch_files = [(f, None) for f in {f for f, _ in imports}]
        # what --convert converts: the functions its KMAPSIM_IMPORT lines name
        named = [(f, fn) for f, names in imports for fn in re.findall(r"\w+", names)]
    else:
        targets = parse_targets(a.targets)
        patch_files = named = targets
    if a.convert:
        # the conversion is the patch: written where the user can read and
        # apply it, and shown
        a.patch, diff = conversion.write_patch(tree, named, os.path.join(kernel_src.cache_dir(), "convert"))
        print("kmapsim: the conversion to kmap_local_page(), checked as the version after: %s" % a.patch)
        changed = [line for line in diff.splitlines(True) if line[:1] in "-+" and line[:3] not in ("---", "+++")]
        sys.stdout.write("".join("  " + line for line in changed))
    if not a.before and not a.patch:
        rc, out, err = side(tree, targets, a.profile, a.seconds, a.subject, iter_types, check_args, a.json)
        sys.stdout.write(out)
        sys.stderr.write(err)
        return rc
    if a.patch:
        before_tree, after_tree = tree, patched_tree(tree, a.patch, patch_files)
    elif os.path.isdir(a.before) or a.before in kernel_src.VERSIONS:
        before_tree, after_tree = resolve_tree(a.before), tree
    else:
        before_tree, after_tree = git_rev_tree(tree, a.before, patch_files), tree
    results = []
    # --json "-" would land in the captured output: the after side's document
    # goes to a scratch file and is printed after the verdict
    json_after = a.json
    if a.json == "-":
        json_after = os.path.join(cache_root(), "after-%d.json" % os.getpid())
        atexit.register(lambda: os.path.exists(json_after) and os.remove(json_after))
    if not isinstance(targets, str):
        for t in (before_tree, after_tree):
            _checked_in_tree(t, targets)
    for label, t in (("before", before_tree), ("after", after_tree)):
        rc, out, err = side(t, targets, a.profile, a.seconds, a.subject, iter_types, check_args,
                            json_after if label == "after" else None)
        if rc not in (0, 1):
            sys.stderr.write(err)
            return rc
        results.append(rc)
        first = next((l for l in err.splitlines() if l.startswith("BUG: kmapsim:")), None)
        print("kmapsim: %s (%s): %s" % (label, t, first or "clean"))
        if first:
            sys.stderr.write(err)
    b, af = results
    verdict = "introduced" if (b, af) == (0, 1) else "fixed" if (b, af) == (1, 0) else "unchanged"
    print("kmapsim: verdict on %s: %s (before: %s, after: %s)" % (
        a.profile, verdict, "report" if b else "clean", "report" if af else "clean"))
    if a.json == "-":
        sys.stdout.write(open(json_after).read())
    return 1 if af else 0
