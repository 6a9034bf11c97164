"""Import functions verbatim from a kernel tree into one translation unit.

Given a tree, a .c file in it and function names, the importer takes the
named functions' text unchanged, and with them, transitively, what they use:

1. from the same file: static and non-static functions, macros, file-local
   types, enumerators and file-scope variables (the kernel code under test);
2. else, if kmapsim's own headers (model/include) define the name, kmapsim's
   version: everything about memory, mappings, contexts, scheduling, user
   access, locking and atomics is the model's, because that is what it checks;
3. else from the tree's own headers (include/linux, include/uapi/linux, and
   a subsystem's own "quoted" headers next to the file, such as
   fs/ext2/ext2.h, found by following the file's #includes): data
   structures and the pure inline
   logic over them (struct iov_iter and its iterate helpers, bio_vec, ...),
   because their layout and behaviour differ between kernel versions and
   the tree is the authority on its own version;
4. else, for a function the tree only declares (implemented in another .c
   file) that kmapsim implements in C over the tree's own types
   (model/tree_c/*.c: the page cache of mm/filemap.c, whose struct
   address_space is the tree's), kmapsim's definition, compiled into the
   unit after the tree's types and checked against the tree's prototype;
5. else, for a function the tree only declares that one of its library
   files defines (LIBRARY: lib/xxhash.c, lib/rbtree.c, ...), that file's
   definition, as if the file were imported too;
5b. else, for a function the tree only declares that another .c file of
   the subsystem defines (fs/nilfs2/alloc.c for fs/nilfs2/dat.c), that
   file's definition, if nothing it reaches stops the run
   (subsystem_functions(), _complete_only());
6. else, for a function the tree only declares whose prototype says it
   is a message (a variadic `void` function with a printf format
   attribute: a filesystem's ext2_error(), __nilfs_error()), the message:
   a call checks and reads its arguments as printk() does and returns, as
   the kernel does under errors=continue, so an error path runs on (one
   marked __noreturn, a filesystem's panic, stops the run as panic() does);
7. a function the tree only declares and kmapsim does not model becomes
   a weak stub that stops the run with
   "kmapsim: unmodelled kernel function NAME" when it is reached: it
   compiles, it never silently succeeds.
A function the tree only declares and the harness defines (`own`) is
declared and no more, before 4 to 7: the harness's body is the one called.

Conditionals are evaluated with the profile's CONFIG_ symbols
(model/include/kmapsim/config/<profile>.h), so the result is per profile.
Nothing is copied into kmapsim's repository: the unit is generated into the
cache when a check runs.
"""

import hashlib
import json
import os
import re

from kmapsim_cli.common import write_whole

from . import ctokens
from . import errors
from . import kconfig
from . import kernel_src

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODEL_INCLUDE = os.path.join(REPO, "model", "include")
MODEL_TREE_C = os.path.join(REPO, "model", "tree_c")

# Names that are the language's or the C library's, never looked up.
_C_NAMES = set("""
auto break case char const continue default do double else enum extern float for goto if
inline int long register restrict return short signed sizeof static struct switch typedef
union unsigned void volatile while _Bool bool true false NULL typeof __typeof__ __typeof
_Static_assert __func__ __FUNCTION__ __LINE__ __FILE__ __extension__ asm __asm__ __volatile__
__inline__ __inline __restrict __signed__ __const __label__ __alignof__ _Alignof __auto_type
offsetof size_t ssize_t uintptr_t intptr_t ptrdiff_t
memcpy memmove memset memcmp strlen strcmp strncmp strcpy strncpy strscpy strchr abs
""".split())


# Tree headers read as if every file included them: the kernel's mm.h and
# fs.h include them, kmapsim's versions of those do not (zsmalloc's SZ_16M,
# is_power_of_2()).
PRELUDE = ("linux/log2.h", "linux/sizes.h")

# The tree's headers whose subject kmapsim models itself: pages, folios and
# the allocator, mappings, contexts, scheduling, locks, atomics, per-CPU data,
# user access, RCU and the compiler's helpers. A name from one of these that
# kmapsim does not define is a compile error naming it (never the tree's
# version, which would bypass the model).
MODEL_OWNED = set("""
linux/mm_types.h linux/mm.h linux/mm_types_task.h linux/mmzone.h linux/page-flags.h
linux/highmem.h linux/highmem-internal.h linux/gfp.h linux/gfp_types.h linux/slab.h
linux/sched.h linux/preempt.h linux/spinlock.h linux/spinlock_types.h linux/mutex.h
linux/rwsem.h linux/rcupdate.h linux/atomic.h linux/percpu.h linux/percpu-defs.h
linux/uaccess.h linux/compiler.h linux/compiler_types.h linux/compiler_attributes.h
linux/kernel.h linux/minmax.h linux/bug.h linux/types.h linux/stddef.h linux/kconfig.h
linux/printk.h linux/export.h linux/err.h linux/cacheflush.h linux/bits.h linux/limits.h
linux/interrupt.h linux/irqflags.h linux/smp.h linux/workqueue.h linux/completion.h
linux/kthread.h linux/wait.h linux/list.h linux/refcount.h linux/cpumask.h
linux/lockdep.h linux/instruction_pointer.h linux/build_bug.h linux/math.h
linux/overflow.h linux/cache.h linux/atomic.h linux/refcount_types.h linux/mm_types_task.h
linux/percpu-refcount.h linux/xarray.h linux/ratelimit.h linux/ratelimit_types.h linux/math64.h
linux/unaligned.h linux/seqlock.h linux/seqlock_types.h
linux/rwlock.h linux/rwlock_types.h linux/spinlock_types_raw.h
linux/timer.h linux/timer_types.h linux/jiffies.h linux/wait_bit.h linux/semaphore.h
linux/srcu.h linux/srcutree.h linux/srcutiny.h
""".split())


def tree_header(tree, inc):
    """Whether the tree has a header for `#include <...>` line text inc
    (include/ or include/uapi/), read by the importer or one whose names
    kmapsim's headers give (MODEL_OWNED, such as linux/cpumask.h)."""
    m = re.match(r"<([^>]+)>", inc)
    return bool(m) and any(os.path.isfile(os.path.join(tree, d, m.group(1))) for d in ("include", "include/uapi"))


# What the tree's version of a header kmapsim owns includes that kmapsim's
# does not replace, and that code including it relies on, as in the kernel:
# the tree's linux/timer.h brings linux/ktime.h and with it
# ktime_get_real_seconds(), which fs/jffs2 calls; linux/jiffies.h brings
# linux/time.h and linux/timex.h; linux/srcu.h brings linux/rculist.h;
# linux/mm.h brings linux/pfn.h (PFN_UP(), which drbd uses). Not
# every include of a header kmapsim owns: linux/atomic.h's bring the tree's
# atomic_*() again, which clash with kmapsim's.
OWNED_BRINGS = {
    "linux/timer.h": ("linux/ktime.h",),
    "linux/jiffies.h": ("linux/time.h", "linux/timex.h"),
    "linux/srcu.h": ("linux/rculist.h",),
    "linux/mm.h": ("linux/pfn.h",),
}


def _include_path(inc):
    m = re.match(r'[<"]([^>"]+)[>"]', inc)
    return m.group(1) if m else None


def _header_candidates(tree, inc, including=None, inc_dirs=()):
    path = _include_path(inc)
    if not path:
        return []
    # A quoted include is the subsystem's own header first, next to the file
    # that includes it (fs/ext2/ext2.h, mm/internal.h), as cpp searches: its
    # types, macros and inline helpers are the code under test's own, and
    # what it only declares becomes a trap like any declared-only function.
    if inc.startswith('"') and including and path.endswith(".h"):
        local = os.path.normpath(os.path.join(tree, os.path.dirname(including), path))
        if local.startswith(os.path.join(os.path.normpath(tree), "")) and os.path.isfile(local):
            return [local]
    # then a directory kbuild adds with -I (kbuild_inc_dirs(): ocfs2's
    # <cluster/masklog.h> is fs/ocfs2/cluster/masklog.h, i915's gem/ files'
    # "i915_drv.h" is drivers/gpu/drm/i915/i915_drv.h), searched before the
    # tree's include/, as cpp searches -I directories first
    for d in inc_dirs:
        cand = os.path.normpath(os.path.join(tree, d, path))
        if cand.startswith(os.path.join(os.path.normpath(tree), "")) and os.path.isfile(cand) \
                and path.endswith(".h"):
            return [cand]
    # The tree's include/ and include/uapi/ for every subsystem's headers
    # (linux/, net/, scsi/, target/, media/, ...) but the architecture's
    # (asm/ and asm-generic/ are kmapsim's), tracing's machinery (only
    # trace/events/ is followed; its calls are off) and what kmapsim's own
    # headers give.
    top = path.split("/", 1)[0]
    if top in ("asm", "asm-generic") or (top == "trace" and not path.startswith("trace/events/")) \
            or path in MODEL_OWNED \
            or path.startswith("linux/sched/"):
        return []
    out = [os.path.join(tree, "include", path)]
    if top != "uapi":
        out.append(os.path.join(tree, "include", "uapi", path))
    return out


# Options the user's kernel has on besides the profile's (check --config
# CONFIG_NAME[=VALUE]): the import's #ifs see them and the unit defines them
# after the profile's header. Set once per check, before anything is
# imported; the caches below key on it.
USER_CONFIG = {}


_config_names = {}


def model_config_names():
    """The CONFIG_ symbols some profile header (or common.h) defines: the
    machine kmapsim models (HIGHMEM, SMP, PREEMPT, the arch, the debug
    options), which a profile chooses and --config may not change. Read
    once per header directory: kbuild_gates() asks for every file a check
    looks at."""
    d = os.path.join(MODEL_INCLUDE, "kmapsim", "config")
    if d not in _config_names:
        names = set()
        for f in sorted(os.listdir(d)):
            if f.endswith(".h"):
                names.update(re.findall(r"^\s*#\s*define\s+(CONFIG_\w+)", open(os.path.join(d, f)).read(), re.M))
        _config_names[d] = frozenset(names)
    return _config_names[d]


def set_user_config(items):
    """items: ["CONFIG_NAME", "CONFIG_NAME=VALUE", ...] (check --config)."""
    USER_CONFIG.clear()
    GUARD_CONFIG.clear()
    KCONFIG_VALUES.clear()
    model = model_config_names()
    for item in items:
        name, _, value = item.partition("=")
        name, value = name.strip(), value.strip() or "1"
        if not re.match(r"^CONFIG_\w+$", name):
            raise errors.BadInput("--config %s: not CONFIG_NAME or CONFIG_NAME=VALUE" % item)
        if name in model:
            profiles = sorted(f[:-2] for f in os.listdir(os.path.join(MODEL_INCLUDE, "kmapsim", "config"))
                              if f.endswith(".h") and f != "common.h")
            raise errors.BadInput("--config %s: %s is part of the machine a profile models; choose a profile that "
                                  "has it with --profile (%s)" % (item, name, ", ".join(profiles)))
        if value in ("n", "0"):
            raise errors.BadInput("--config %s: an option is off by not naming it" % item)
        USER_CONFIG[name] = "1" if value in ("y", "m") else value


def config_key():
    return tuple(sorted(USER_CONFIG.items()))


def config_macros(profile):
    """The CONFIG_ macros (and the few arch macros) of a profile's header,
    and the user's --config options."""
    path = os.path.join(MODEL_INCLUDE, "kmapsim", "config", "%s.h" % profile)
    if not os.path.exists(path):
        raise errors.BadInput("unknown profile '%s' (no %s)" % (profile, os.path.relpath(path, REPO)))
    macros = {}
    # common.h first, as the profile header's #include reads it
    ctokens.split_items(open(os.path.join(MODEL_INCLUDE, "kmapsim", "config", "common.h")).read(), "common.h", macros)
    ctokens.split_items(open(path).read(), path, macros)
    # (common.h defines __KERNEL__, as kbuild's -D__KERNEL__ does: headers
    # shared with user space keep their kernel-only part under it, and
    # linux/rculist.h is all of it)
    # the word size the unit is compiled with (kmapsim's linux/bits.h:
    # BITS_PER_LONG is 64 on every profile, see docs/kernel-import.md), for
    # `#if BITS_PER_LONG == 64` (linux/fs.h's MAX_LFS_FILESIZE)
    ctokens.split_items(open(os.path.join(MODEL_INCLUDE, "linux", "bits.h")).read(), "linux/bits.h", macros)
    # the arch's asm/cacheflush.h says whether flush_dcache_page() does
    # anything, for `#if ARCH_IMPLEMENTS_FLUSH_DCACHE_PAGE` (net/sunrpc's
    # svc_flush_bvec()); kmapsim's linux/cacheflush.h derives it the same way
    for name, value in USER_CONFIG.items():
        macros[name] = ctokens.Macro(name, None, value, "", "")
    if "ARCH_IMPLEMENTS_FLUSH_DCACHE_PAGE" not in macros:
        v = "1" if "CONFIG_ARCH_HAS_CPU_CACHE_ALIASING" in macros else "0"
        macros["ARCH_IMPLEMENTS_FLUSH_DCACHE_PAGE"] = ctokens.Macro("ARCH_IMPLEMENTS_FLUSH_DCACHE_PAGE", None, v, "", "")
    return macros


_KBUILD_LINE = re.compile(r"^\s*([A-Za-z0-9_-]+)-(?:\$\((CONFIG_\w+)\)|y|objs)\s*[:+]?=\s*(.*)$")


def kbuild_gates(tree, relfile):
    """The CONFIG_ symbols kbuild builds relfile under, from the Makefiles
    of its directory and of each directory above it (the tree's top
    Makefile aside): fs/erofs/zdata.c is in `erofs-$(CONFIG_EROFS_FS_ZIP)`,
    erofs.o in `obj-$(CONFIG_EROFS_FS)`. A kernel that compiles the file
    has each of them on, so the import does too: its #ifs, and those of
    the subsystem's headers, take the branch that kernel takes (erofs's
    internal.h declares the decompressor's helpers under
    CONFIG_EROFS_FS_ZIP). What those options need in Kconfig is on with
    them (kconfig.implied()), except the machine's options, which the
    profile decides."""
    gates = []
    d, base = os.path.split(relfile)
    if not base.endswith(".c"):
        return gates
    target = base[:-2] + ".o"
    dirs = []
    while d:
        dirs.append(d)
        lines = []
        for name in ("Makefile", "Kbuild"):
            path = os.path.join(tree, d, name)
            if os.path.isfile(path):
                lines = open(path, errors="replace").read().replace("\\\n", " ").splitlines()
                break
        seen = set()
        while target not in seen:   # a composite object (zram-y := zram_drv.o) is built as zram.o
            seen.add(target)
            composite = None
            for line in lines:
                m = _KBUILD_LINE.match(line.split("#", 1)[0])
                if not m or target not in m.group(3).split():
                    continue
                if m.group(2) and m.group(2) not in gates:
                    gates.append(m.group(2))
                if m.group(1) not in ("obj", "lib", "core", "subdir", "always", "targets", "extra"):
                    composite = m.group(1) + ".o"
            if composite is None:
                break
            target = composite
        d, target = os.path.dirname(d), os.path.basename(d) + "/"
    if gates:
        machine = model_config_names()
        implied = ["CONFIG_" + n for n in kconfig.implied(tree, [g[len("CONFIG_"):] for g in gates], dirs)]
        gates += [g for g in implied if g not in gates and g not in machine]
    return gates


def kbuild_inc_dirs(tree, relfile):
    """The directories kbuild adds to relfile's include path with -I
    (`ccflags-y := -I$(src)`, `-I $(srctree)/fs/xfs/libxfs`), relative to
    the tree: from the Makefile of its directory, from each Makefile above
    it that lists its object (drivers/gpu/drm/i915/Makefile builds
    gem/i915_gem_object.o with its own flags), and the subdir-ccflags of
    every Makefile above it, which kbuild applies to all subdirectories
    (i915's `subdir-ccflags-y += -I$(src)`). $(src) is the directory of the
    Makefile that says it; the nearest Makefile's directories come first."""
    d = os.path.dirname(relfile)
    out = []
    mk = d
    while mk:
        path = os.path.join(tree, mk, "Makefile")
        if os.path.isfile(path):
            text = open(path, errors="replace").read().replace("\\\n", " ")
            obj = re.escape(os.path.relpath(relfile, mk)[:-2] + ".o")
            own = mk == d or re.search(r"(^|[\s=])%s(\s|$)" % obj, text, re.M)
            for line in text.splitlines():
                line = line.split("#", 1)[0]
                m = re.match(r"^\s*(subdir-)?ccflags(-y)?\s*[:+]?=", line)
                if not m or not (m.group(1) or own):
                    continue
                for i in re.finditer(r"-I\s*(\S+)", line):
                    inc = i.group(1).replace("$(srctree)/", "").replace("$(srctree)", "")
                    inc = os.path.normpath(inc.replace("$(src)", mk))
                    if "$" not in inc and os.path.isdir(os.path.join(tree, inc)) and inc not in out:
                        out.append(inc)
        mk = os.path.dirname(mk)
    return out


_known_cache = {}


def _kmapsim_headers():
    """kmapsim's headers imported code sees, in the order they are read."""
    out = []
    for d in ("linux", "asm", "kmapsim"):
        top = os.path.join(MODEL_INCLUDE, d)
        if os.path.isdir(top):
            out += [os.path.join(top, f) for f in sorted(os.listdir(top)) if f.endswith(".h")]
    return out


def kmapsim_names():
    """Everything kmapsim's headers define for imported code (kernel mode).
    Reading them is a third of an import's time (0.36 s), the same for
    every check of one checkout: the answer is kept on disk under the
    headers' names, sizes and times (kmapsim_names_memo())."""
    if "k" in _known_cache:
        return _known_cache["k"]
    headers = _kmapsim_headers()
    memo = kmapsim_names_memo(headers)
    try:
        with open(memo) as f:
            kept = json.load(f)
        _known_cache["k"] = (set(kept["names"]), set(kept["tags"]))
        _known_cache["via"] = {n: tuple(v) for n, v in kept["via"].items()}
        return _known_cache["k"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    names = set()
    tags = set()
    via = {}
    macros = {"KMAPSIM_KERNEL_IMPORT": ctokens.Macro("KMAPSIM_KERNEL_IMPORT", None, "1", "", "")}
    for path in headers:
        for it in ctokens.split_items(open(path).read(), os.path.basename(path), dict(macros)):
            for n in it.names:
                (tags if " " in n else names).add(n)
                # an inline that calls a LIBRARY function (asm/checksum.h's
                # csum_tcpudp_magic() calls csum_tcpudp_nofold())
                if it.uses & LIBRARY_DECLARED and n not in LIBRARY_DECLARED:
                    via[n] = tuple(sorted(it.uses & LIBRARY_DECLARED))
            # tags defined by kmapsim (struct page { ... })
            for n in it.names:
                if n.startswith(("struct ", "union ", "enum ")):
                    tags.add(n)
    _known_cache["k"] = (names, tags)
    _known_cache["via"] = via
    _prune_names_memos(os.path.dirname(memo))
    os.makedirs(os.path.dirname(memo), exist_ok=True)
    write_whole(memo, json.dumps({"names": sorted(names), "tags": sorted(tags), "via": via}))
    return names, tags


def kmapsim_library_calls():
    """{a name kmapsim's headers define: the LIBRARY_DECLARED functions its
    body calls}: code that calls such an inline needs those functions'
    bodies in its unit too (read with kmapsim_names())."""
    kmapsim_names()
    return _known_cache["via"]


def kmapsim_names_memo(headers):
    """Where kmapsim_names() keeps its answer for these headers as they are
    now, and for this package (the sizes and times of its .py files)."""
    h = hashlib.sha256()
    pkg = os.path.dirname(os.path.abspath(__file__))
    for path in headers + sorted(os.path.join(pkg, f) for f in os.listdir(pkg) if f.endswith(".py")):
        st = os.stat(path)
        h.update(("%s %d %d\n" % (path, st.st_size, st.st_mtime_ns)).encode())
    return os.path.join(kernel_src.cache_dir(), "kernel-check", "kmapsim-names", "%s.json" % h.hexdigest()[:24])


def _prune_names_memos(d):
    """Before a new answer is written to D: only the newest few are kept
    (each edit of a header makes one)."""
    kept = []
    for f in os.listdir(d) if os.path.isdir(d) else ():
        try:
            kept.append((os.stat(os.path.join(d, f)).st_mtime, f))
        except FileNotFoundError:
            pass  # another check removed it first
    for _, f in sorted(kept)[:-KEEP_NAMES_MEMOS]:
        try:
            os.remove(os.path.join(d, f))
        except FileNotFoundError:
            pass


KEEP_NAMES_MEMOS = 4


class Index:
    """Top-level items of the tree's headers reachable from a file."""

    def __init__(self, tree, macros, inc_dirs=()):
        self.tree = tree
        self.macros = macros
        self.inc_dirs = list(inc_dirs)
        self.by_name = {}
        self.seen = set()
        self.order = 0

    def resolve(self, inc, including):
        """The tree's header files an #include line (its text after
        `#include`) reads: the header, or for one kmapsim owns, which the
        importer does not read, the headers the tree's version brings that
        code relies on (OWNED_BRINGS)."""
        for cand in _header_candidates(self.tree, inc.strip(), including, self.inc_dirs):
            if os.path.exists(cand):
                return [cand]
        out = []
        for brought in OWNED_BRINGS.get(_include_path(inc.strip()), ()):
            out += [c for c in _header_candidates(self.tree, "<%s>" % brought, including, self.inc_dirs)
                    if os.path.exists(c)][:1]
        return out

    def add_file(self, path, rel):
        for it in self._read(path, rel):
            self.order += 1
            it.index = self.order
            for n in it.names:
                self.by_name.setdefault(n, []).append(it)

    def _read(self, path, rel):
        """The items of a header and of what it includes, in the order cpp
        reads them. An #include is followed where it appears, while the
        file is being read, as cpp does: the macros it defines are known to
        the #ifs after it (uapi/linux/in.h's `#if __UAPI_DEF_IN_ADDR`, which
        linux/libc-compat.h, included above it, defines)."""
        if path in self.seen or not os.path.exists(path):
            return []
        self.seen.add(path)
        text = open(path, errors="replace").read()
        included = []   # per #include line read, the items it brought

        def follow(inc):
            got = []
            for cand in self.resolve(inc, rel):
                got = got + self._read(cand, os.path.relpath(cand, self.tree))
            included.append(got)

        items = ctokens.split_items(text, rel, self.macros, on_include=follow)
        # a tracepoint header's TRACE_EVENT()s are not read (its calls are
        # off, see import_files), but what it includes is the kernel's
        # (trace/events/block.h brings linux/blktrace_api.h, whose
        # blk_add_trace_msg() drivers/md calls), and so are the enums it
        # defines for code to pass to its tracepoints (afs's `enum
        # afs_cell_trace { afs_cell_traces }`, expanded where it stands)
        own = not rel.startswith("include/trace/")
        out = []
        nth = 0
        for it in items:
            if it.kind == "include":
                out.extend(included[nth])
                nth += 1
            elif own or _trace_enum(it):
                out.append(it)
        return out


def _trace_enum(it):
    """Whether a tracepoint header's item is an enum's definition whose
    text stands on its own (its list already expanded, no macro left in
    it that the header redefines further down)."""
    return it.kind == "decl" and it.toks and it.toks[0].text == "enum" and \
        any(n.startswith("enum ") for n in it.names) and "{" in it.text and \
        not any(re.match(r"^[A-Z_]+$", u) for u in it.uses)


def tree_version(tree):
    """(VERSION, PATCHLEVEL, SUBLEVEL) from the tree's top Makefile."""
    v = {"VERSION": 0, "PATCHLEVEL": 0, "SUBLEVEL": 0}
    try:
        for line in open(os.path.join(tree, "Makefile")).readlines()[:10]:
            m = re.match(r"^(VERSION|PATCHLEVEL|SUBLEVEL)\s*=\s*(\d+)", line)
            if m:
                v[m.group(1)] = int(m.group(2))
    except OSError:
        pass
    return v["VERSION"], v["PATCHLEVEL"], v["SUBLEVEL"]


def _first_tokens_text(it, n=3):
    return [t.text for t in it.toks[:n]]


def _skip_item(it):
    first = it.toks[0].text if it.toks else ""
    return first.startswith("EXPORT_SYMBOL") or first.startswith("MODULE_") or \
        first in ("module_init", "module_exit", "late_initcall", "core_initcall",
                  "subsys_initcall", "fs_initcall", "device_initcall", "early_param", "__setup",
                  "fs_initcall_sync")


class Unit:
    """The result of an import: the text of the translation unit and what it holds."""

    def __init__(self):
        self.text = ""
        self.functions = []       # imported from the file
        self.from_headers = []    # names taken from the tree's headers
        self.traps = []           # declared-only functions turned into traps
        self.modelled = []        # declared-only functions kmapsim implements (model/tree_c)
        self.messages = []        # declared-only printf-like functions taken as printk() (see 6. above)
        self.signatures = {}      # requested function -> its Item
        self.file_names = {}      # imported file -> (names it defines, names only it sees)
        self.file_counts = []     # [(imported file, functions taken from it)], in file order
        self.calls = {}           # imported function -> the names its body uses
        self.own = []             # functions the unit calls that the harness defines
        self.library = []         # functions kmapsim's headers declare for a LIBRARY file to define


def import_functions(tree, relfile, funcs, profile, extra=()):
    return import_files(tree, [(relfile, list(funcs))], profile, extra)


# Variables defined in a .c file the unit does not import, which kmapsim
# defines itself with the kernel's semantics instead of a zeroed weak one.
# The pipe buffer ops lib/iov_iter.c's ITER_PIPE path pushes (6.1): their
# release drops the buffer's page reference, as fs/splice.c's
# page_cache_pipe_buf_release() and fs/pipe.c's generic_pipe_buf_release()
# do; confirm/try_steal/get (splice and tee, never the iov_iter path) stop
# the run as unmodelled.
_PIPE_OPS = """static void kmapsim_pipe_buf_release(struct pipe_inode_info *pipe, struct pipe_buffer *buf)
{
	(void)pipe;
	put_page(buf->page);
}
static bool kmapsim_pipe_buf_get(struct pipe_inode_info *pipe, struct pipe_buffer *buf)
{
	kmapsim_unmodelled("pipe_buf_operations.get");
}
static bool kmapsim_pipe_buf_try_steal(struct pipe_inode_info *pipe, struct pipe_buffer *buf)
{
	kmapsim_unmodelled("pipe_buf_operations.try_steal");
}
static int kmapsim_pipe_buf_confirm(struct pipe_inode_info *pipe, struct pipe_buffer *buf)
{
	kmapsim_unmodelled("pipe_buf_operations.confirm");
}"""
MODEL_VARS = {
    "default_pipe_buf_ops": "const struct pipe_buf_operations default_pipe_buf_ops = {\n"
                            "\t.release = kmapsim_pipe_buf_release,\n"
                            "\t.try_steal = kmapsim_pipe_buf_try_steal,\n"
                            "\t.get = kmapsim_pipe_buf_get,\n};",
    "page_cache_pipe_buf_ops": "const struct pipe_buf_operations page_cache_pipe_buf_ops = {\n"
                               "\t.confirm = kmapsim_pipe_buf_confirm,\n"
                               "\t.release = kmapsim_pipe_buf_release,\n"
                               "\t.try_steal = kmapsim_pipe_buf_try_steal,\n"
                               "\t.get = kmapsim_pipe_buf_get,\n};",
}


# The tree's own library files a unit takes a function from when the files
# it imports only declare it (instead of a trap): plain C over plain data
# (lists of pages, red-black trees, error sequences, hashes), which
# kmapsim's headers compile on both trees; tests/kernel/tree_lib.c runs
# each (lib/xxhash.c through mm/ksm.c in ksm_checksum.c). Not every lib/
# file qualifies: lib/sort.c calls a member named swap, which kmapsim's
# headers define as a macro, and lib/crc16.c's header inline reads a table
# only the .c file defines. A library file whose file-local names (static
# functions and variables, macros) clash with a name the unit's other files
# define is not taken: its functions stay traps.
LIBRARY = ("lib/scatterlist.c", "lib/rbtree.c", "lib/errseq.c", "lib/crypto/utils.c",
           "lib/memweight.c", "lib/xxhash.c", "lib/checksum.c")
# Functions kmapsim's own headers declare, because the tree declares them
# only in a header kmapsim owns (asm/), and a LIBRARY file defines: the
# portable Internet checksum, which every architecture replaces with
# assembly computing the same sum (model/include/asm/checksum.h).
LIBRARY_DECLARED = {"csum_partial", "ip_fast_csum", "ip_compute_csum", "csum_tcpudp_nofold"}
_library_cache = {}


def library_functions(tree, profile):
    """{function name: LIBRARY file} for the functions the tree's library
    files define (not static) under the profile's config."""
    key = (os.path.realpath(tree), profile, config_key())
    if key not in _library_cache:
        names = {}
        macros = config_macros(profile)
        for f in LIBRARY:
            path = os.path.join(tree, f)
            if not os.path.isfile(path):
                continue
            for it in ctokens.split_items(open(path, errors="replace").read(), f, dict(macros)):
                if it.kind == "func" and not it.is_static:
                    for n in it.names:
                        names.setdefault(n, f)
        _library_cache[key] = names
    return _library_cache[key]


def _kbuild_listed(tree, relfile):
    """Whether the Makefile of relfile's directory names its object (a file
    it does not name is not built on its own: an #included .c, a leftover)."""
    d, base = os.path.split(relfile)
    obj = base[:-2] + ".o"
    for name in ("Makefile", "Kbuild"):
        path = os.path.join(tree, d, name)
        if os.path.isfile(path):
            for line in open(path, errors="replace").read().replace("\\\n", " ").splitlines():
                m = _KBUILD_LINE.match(line.split("#", 1)[0])
                if m and obj in m.group(3).split():
                    return True
            return False
    return False


_defines_cache = {}


def _file_defines(tree, relfile, macros):
    """The functions relfile defines (not static) under the given config."""
    key = (os.path.realpath(tree), relfile, tuple(sorted(macros)), config_key())
    if key not in _defines_cache:
        names = set()
        for it in ctokens.split_items(open(os.path.join(tree, relfile), errors="replace").read(), relfile, dict(macros)):
            if it.kind == "func" and not it.is_static and it.body_start:
                names.update(it.names)
        _defines_cache[key] = names
    return _defines_cache[key]


def subsystem_functions(tree, files, names, profile):
    """{name: file} for those of `names` that another .c file of a
    subsystem directory of `files` defines: fs/nilfs2/mdt.c's
    nilfs_mdt_get_block() for a check of fs/nilfs2/sufile.c. A subsystem
    directory is one below the top level (fs/nilfs2, drivers/md, lib/crypto,
    not fs or mm, whose files are the rest of the kernel). Only a file
    kbuild builds with the config the files under test already have (the
    profile's and their own Makefile gates) qualifies: taking one built
    only under another option would turn that option on for the whole unit
    and change the code under test."""
    macros = config_macros(profile)
    on = set(macros)
    dirs = []
    for f in files:
        on.update(kbuild_gates(tree, f))
        d = os.path.dirname(f)
        if "/" in d and not d.startswith(("include/", "arch/", "tools/", "scripts/")) and d not in dirs:
            dirs.append(d)
    out = {}
    for d in dirs:
        full = os.path.join(tree, d)
        if not os.path.isdir(full):
            continue
        for base in sorted(os.listdir(full)):
            rel = d + "/" + base
            if not base.endswith(".c") or rel in files:
                continue
            left = [n for n in names if n not in out]
            if not left:
                return out
            text = open(os.path.join(full, base), errors="replace").read()
            # a cheap look first: the name at a line's start or after a
            # type, followed by "(" (most files define none of them)
            if not any(re.search(r"\b%s\s*\(" % re.escape(n), text) for n in left):
                continue
            gates = kbuild_gates(tree, rel)
            if not _kbuild_listed(tree, rel) or any(g not in on for g in gates):
                continue
            # user-space code built beside the kernel's (UML's hostfs_user.c
            # calls the C library on host files): an <unistd.h>-like include
            if re.search(r"^\s*#\s*include\s*<[^/>]+>", text, re.M):
                continue
            m = dict(macros)
            for g in gates:
                m.setdefault(g, ctokens.Macro(g, None, "1", "", ""))
            defined = _file_defines(tree, rel, m)
            for n in left:
                if n in defined:
                    out[n] = rel
    return out


# How many times a unit looks again in its subsystem for what the functions
# it took from there call (each look re-imports the unit). Unbounded, a
# check of fs/nilfs2/sufile.c took ten of the filesystem's files through
# its metadata-file code, most of them only to stop in the VFS.
SUBSYSTEM_ROUNDS = 3


def _complete_only(tree, wanted, profile, extra, extra_tags, unit, from_subsystem, own, headers):
    """The unit with only those functions of the subsystem's other files
    whose code reaches no trap: one that stops the run somewhere below
    stays a trap itself, where the files under test call it, so the unit
    holds no more of the subsystem than what runs and the report names the
    function the code under test called."""
    def stops(name, seen):
        if name in unit.traps:
            return True
        if name in seen or name not in unit.calls:
            return False
        seen.add(name)
        return any(stops(u, seen) for u in unit.calls[name])
    taken = {n: f for n, f in from_subsystem.items() if n in unit.calls}
    hide = frozenset(n for n in taken if stops(n, set()))
    if not hide:
        return unit, wanted, hide
    keep = {f for n, f in taken.items() if n not in hide}
    wanted = [(f, fs) for f, fs in wanted if fs or f not in set(taken.values()) or f in keep]
    return _import_files(tree, wanted, profile, extra, extra_tags, hide, own, headers), wanted, hide


def import_files(tree, wanted, profile, extra=(), extra_tags=(), subsystem=True, own=(), refuse=(), headers=()):
    """wanted: [(file, [function...])], the first file first. A name several
    files define is taken from the first that does. A function the files
    only declare and a LIBRARY file defines comes from that file; with
    `subsystem`, one another file of their subsystem defines
    (subsystem_functions()) comes from that file. `own`: functions the
    harness defines, which the unit only declares. `refuse`: library and
    subsystem files not to take (check's: they did not compile).
    `headers`: #include lines of the harness, whose items the harness's
    own names are looked up in too (<linux/local_lock.h>)."""
    own = frozenset(own)
    # Which files a unit takes and which of their functions it leaves as
    # stubs depends on the functions it follows, not on the types: check's
    # rounds that add struct definitions (build_checked) reuse it.
    refuse = frozenset(refuse)
    headers = tuple(headers)
    key = (os.path.realpath(tree), tuple((f, tuple(fs)) for f, fs in wanted), profile, config_key(), tuple(extra), own,
           subsystem, refuse, headers)
    if key in _plan_cache:
        files, hide = _plan_cache[key]
        return _import_files(tree, files, profile, extra, extra_tags, hide, own, headers)
    unit, files, hide = _plan(tree, wanted, profile, extra, extra_tags, subsystem, own, refuse, headers)
    _plan_cache[key] = (files, hide)
    return unit


_plan_cache = {}


def _plan(tree, wanted, profile, extra, extra_tags, subsystem, own, refuse, headers):
    lib = library_functions(tree, profile)
    unit = _import_files(tree, wanted, profile, extra, extra_tags, own=own, headers=headers)
    taken = {f for f, _ in wanted}
    targets = [f for f, fs in wanted if fs]
    refused = set(refuse)
    from_subsystem = {}   # function -> the subsystem file it comes from
    rounds = 0
    while True:
        add = {lib[n] for n in unit.traps + unit.library if n in lib}
        if subsystem and rounds < SUBSYSTEM_ROUNDS:
            found = subsystem_functions(tree, targets, [n for n in unit.traps if n not in lib], profile)
            from_subsystem.update(found)
            add |= set(found.values())
        rounds += 1
        add = sorted(add - taken - refused)
        if not add:
            return _complete_only(tree, wanted, profile, extra, extra_tags, unit, from_subsystem, own, headers)
        more = _import_files(tree, list(wanted) + [(f, []) for f in add], profile, extra, extra_tags, own=own, headers=headers)
        # a file-local name (static, macro) of one file that another file
        # defines too would resolve to the wrong one of the two
        names = more.file_names
        clash = []
        for f in add:
            others = [g for g, _ in wanted] + [g for g in add if g != f]
            if names[f][1] & set().union(*(names[g][0] for g in others)) or \
                    names[f][0] & set().union(*(names[g][1] for g in others)):
                clash.append(f)
        if clash:
            refused.update(clash)
            continue
        wanted = list(wanted) + [(f, []) for f in add]
        taken.update(add)
        unit = more


_COND = re.compile(r"^\s*#\s*(if|ifdef|ifndef|elif|else|endif)\b(.*)$")


def gating_conditions(text, func):
    """The preprocessor conditions around func's definition in text, as
    [(line number, directive text, earlier branches)], outermost first; None
    when the text has no definition of it at all. An #elif's or #else's text
    names the #if it belongs to; its earlier branches are the directives of
    the #if and #elifs before it, as written ("#if X", "#elif Y")."""
    stack = []
    head = re.compile(r"(^|[\s*])%s\s*\(" % re.escape(func))
    lines = text.splitlines()
    for n, line in enumerate(lines, 1):
        m = _COND.match(line)
        if m:
            kind, rest = m.group(1), m.group(2).strip()
            if kind in ("if", "ifdef", "ifndef"):
                stack.append((n, "#%s %s" % (kind, rest), [], "#%s %s" % (kind, rest)))
            elif kind in ("elif", "else") and stack:
                _, shown, earlier, raw = stack[-1]
                first = earlier[0] if earlier else raw
                shown = "#%s %s (of %s)" % (kind, rest, first) if rest else "#else (of %s)" % first
                stack[-1] = (n, shown, earlier + [raw], "#%s %s" % (kind, rest))
            elif kind == "endif" and stack:
                stack.pop()
            continue
        if line[:1] in ("", " ", "\t", "#", "/", "*", "}") or line.rstrip().endswith(";"):
            continue
        if head.search(line):
            # a definition's head: its body's "{" follows before any ";"
            rest = "\n".join(lines[n - 1:n + 8])
            brace, semi = rest.find("{"), rest.find(";")
            if brace >= 0 and (semi < 0 or brace < semi):
                return [(n, shown, earlier) for n, shown, earlier, _ in stack]
    return None


class NotDefined(errors.BadInput):
    """The function under test is not defined under the config. options:
    the CONFIG_ symbols its #ifs test that would define it (guard_options()),
    empty when none would; where: those #ifs, as the message names them."""

    def __init__(self, msg, func, where, options):
        super().__init__(msg)
        self.func, self.where, self.options = func, where, options


# A plain test of options: defined(), IS_ENABLED(), IS_BUILTIN(), joined
# with || and && (no !, no comparison, no other macro).
_PLAIN_TEST = re.compile(r"^(?:\s|\|\||&&|[()]|defined|IS_ENABLED|IS_BUILTIN|CONFIG_\w+)*$")


def _plain_test(directive):
    """The CONFIG_ symbols of an #ifdef or #if that is a plain test of
    options ([] when it names none: #ifdef copy_mc_to_kernel), or None when
    it is not one (#ifndef, #else, #elif, !, a comparison, another macro
    beside the options)."""
    m = re.match(r"^#(ifdef|if) (.*)$", directive)
    if not m:
        return None
    expr = re.sub(r"/\*.*?\*/|//.*$", "", m.group(2)).strip()
    names = re.findall(r"\bCONFIG_\w+", expr)
    if names and (not _PLAIN_TEST.match(expr) or (m.group(1) == "ifdef" and not re.match(r"^CONFIG_\w+$", expr))):
        return None
    return names


def _false_test(directive, on):
    """Whether an earlier branch of an #if chain is false under the options
    `on`: a plain test that is a disjunction (||, no &&) of options none of
    which is on. Anything else (an #ifndef, an &&, a macro beside the
    options) may be true: False."""
    names = _plain_test(re.sub(r"^#elif ", "#if ", directive))
    if not names or "&&" in directive:
        return False
    return not any(n in on for n in names)


def guard_options(conds, on):
    """The options to turn on so that the #ifs conds (gating_conditions())
    hold, in any kernel that defines what they guard: every CONFIG_ symbol of
    each plain test of options (#ifdef CONFIG_X, #if defined(CONFIG_A) ||
    IS_ENABLED(CONFIG_B)) that is not on already (`on`). Of a disjunction all
    are turned on: the kernel has one at least, and the body's own #ifs then
    take the code of each. An #elif's are turned on when every branch before
    it is a disjunction of options that stay off, then as now (the #if
    CONFIG_MODULE_COMPRESS_GZIP ... #elif CONFIG_MODULE_COMPRESS_XZ chain of
    kernel/module/decompress.c): the kernel that defines the function has
    the #elif's options on and those before it off. An #if naming no option
    (#ifdef copy_mc_to_kernel) is left to the import. None when an #if is no
    such test (#ifndef, #else, !), when an #elif's earlier branches could
    hold, or when it needs a machine option the profile leaves off
    (CONFIG_HIGHMEM on x86-64): turning options on cannot define it then."""
    out = []
    model = model_config_names()
    for cond in conds:
        d, earlier = cond[1], cond[2] if len(cond) > 2 else None
        if d.startswith("#elif ") and earlier:
            d = "#if " + re.sub(r" \(of #.*\)$", "", d[len("#elif "):])
        names = _plain_test(d)
        if names is None:
            return None
        for n in names:
            if n in on or n in out:
                continue
            if n in model:
                return None
            out.append(n)
    # the branches before an #elif stay false with those on
    now_on = set(on) | set(out)
    for cond in conds:
        if cond[1].startswith("#elif ") and not all(_false_test(e, now_on) for e in cond[2]):
            return None
    return out


# Options turned on because the function under test is defined only under
# them (check's guard retry): a part of USER_CONFIG, named apart in the unit.
GUARD_CONFIG = set()


# Options the imported code uses as values (`1UL << CONFIG_ZSMALLOC_CHAIN_SIZE`)
# that neither the profile nor --config sets, with the value the tree's
# Kconfig gives them (check's Kconfig retry, kconfig.default()): a part of
# USER_CONFIG, named apart in the unit.
KCONFIG_VALUES = set()


def take_kconfig_values(tree, names, profile):
    """Sets each CONFIG_ name of names (a compile log's unknown names; a
    name pasted with UL or ULL, `_AC(CONFIG_X, UL)`, is CONFIG_X's) that
    the profile and --config leave unset to its Kconfig default, with the
    profile's options and the user's on for the defaults' conditions.
    Returns [(name, value)] of those set."""
    on = {n[len("CONFIG_"):] for n, m in config_macros(profile).items()
          if n.startswith("CONFIG_") and (m.body or "1").strip() not in ("0", "")}
    fixed = model_config_names()
    new = []
    for n in names:
        if not n.startswith("CONFIG_"):
            continue
        for name in (n, re.sub(r"(ULL|UL)$", "", n)):
            if name in USER_CONFIG or name in fixed or name in [k for k, _ in new]:
                break
            value = kconfig.default(tree, name[len("CONFIG_"):], on)
            if value is not None:
                new.append((name, value))
                break
    for name, value in new:
        USER_CONFIG[name] = value
        KCONFIG_VALUES.add(name)
    return new


def turn_on_guards(options):
    """Turns the options a NotDefined named on, as --config would. Returns
    those that were off."""
    new = [o for o in options if o not in USER_CONFIG]
    for o in new:
        USER_CONFIG[o] = "1"
        GUARD_CONFIG.add(o)
    return new


def _not_defined(fname, func, profile, text, on=frozenset()):
    conds = gating_conditions(text, func)
    if not conds:
        return NotDefined("%s: no function %s() in %s (under profile %s's config)" % (fname, func, fname, profile),
                          func, "", [])
    where = "; ".join("%s (line %d)" % (c, n) for n, c, _ in conds)
    # the options a plain test names (an #ifndef's or an #else's would
    # leave it out once on)
    names = sorted({c for cond in conds for c in _plain_test(cond[1]) or []} - model_config_names() - set(USER_CONFIG))
    hint = (": with those of your kernel's options, e.g. %s" % " ".join("--config " + c for c in names)) if names else ""
    return NotDefined("%s: %s() is defined only under %s, which profile %s's config%s leaves out%s"
                      % (fname, func, where, profile, " and --config" if USER_CONFIG else "", hint),
                      func, where, guard_options(conds, on) or [])


def _import_files(tree, wanted, profile, extra=(), extra_tags=(), hide=frozenset(), own=frozenset(), headers=()):
    macros = config_macros(profile)
    gates = []
    for relfile, _ in wanted:
        gates += [g for g in kbuild_gates(tree, relfile) if g not in macros and g not in gates]
    for g in gates:
        macros[g] = ctokens.Macro(g, None, "1", "", "")
    inc_dirs = []
    for relfile, _ in wanted:
        inc_dirs += [d for d in kbuild_inc_dirs(tree, relfile) if d not in inc_dirs]
    idx = Index(tree, macros, inc_dirs)
    texts = []
    for relfile, _ in wanted:
        path = os.path.join(tree, relfile)
        if not os.path.isfile(path):
            raise errors.BadInput("%s: no such file in the kernel tree %s" % (relfile, tree))
        text = open(path, errors="replace").read()
        texts.append(text)
        # the file's own includes first (they define macros its #ifs test)
        for it in ctokens.split_items(text, relfile, dict(macros)):
            if it.kind == "include":
                inc = re.sub(r"^#\s*include\s*", "", it.text).strip()
                for cand in idx.resolve(inc, relfile):
                    idx.add_file(cand, os.path.relpath(cand, tree))
    # the harness's own includes after them (the names it uses itself), and
    # the small utility headers the kernel's mm.h, fs.h, ... bring to every
    # file, which kmapsim's own versions of those headers do not
    for inc in list(headers) + ["<%s>" % h for h in PRELUDE]:
        for cand in idx.resolve(inc, None):
            idx.add_file(cand, os.path.relpath(cand, tree))
    # re-split each file with the headers' macros known (cpp order)
    files = []
    by_name = {}
    file_names = {}
    for (relfile, fs), text in zip(wanted, texts):
        items = ctokens.split_items(text, relfile, dict(idx.macros))
        files.append((relfile, items))
        mine = {}
        local = set()   # names only this file sees: static ones and macros
        for it in items:
            if it.kind == "include" or _skip_item(it):
                continue
            if not fs and it.kind == "func" and (hide | own) & set(it.names):
                continue   # a companion's function left a trap (import_files)
            for n in it.names:
                mine.setdefault(n, []).append(it)
                if it.is_static or it.kind == "macro":
                    local.add(n)
        file_names[relfile] = (set(mine), local)
        for n, its in mine.items():
            by_name.setdefault(n, its)
    funcs = [f for _, fs in wanted for f in fs]
    relfile = wanted[0][0]
    model_items, model_by_name = _tree_c_items(tree, idx.macros)

    known, known_tags = kmapsim_names()
    library_via = kmapsim_library_calls()
    unit = Unit()
    unit.file_names = file_names
    for (fname, fs), (_, items) in zip(wanted, files):
        for f in fs:
            defs = [it for it in items if it.kind == "func" and f in it.names]
            if not defs:
                raise _not_defined(fname, f, profile, texts[[w for w, _ in wanted].index(fname)], set(macros))
            unit.signatures[f] = defs[0]

    need_file = set()
    need_model = set()
    need_hdr = set()
    tracepoints = set()   # trace_NAME() of a TRACE_EVENT the unit does not see
    traps = {}
    weak_vars = []
    weak_decls = {}
    hdr_order = []
    fwd_tags = set()
    visited = set()
    work = list(funcs) + list(extra)
    tag_work = list(extra_tags)

    def take_prototype(proto):
        # the tree's declaration of a function whose body is elsewhere (the
        # harness's, kmapsim's, a stub): with the headers, after what it uses
        if proto not in need_hdr:
            need_hdr.add(proto)
            hdr_order.append(proto)
        _deps(proto, work, tag_work, fwd_tags)

    def want_tag(tag, it):
        fwd_tags.add(tag)
        tag_work.append(tag)

    while work or tag_work:
        if tag_work:
            tag = tag_work.pop()
            if tag in visited:
                continue
            visited.add(tag)
            if tag in known_tags:
                continue
            if tag in by_name:
                for it in by_name[tag]:
                    _need(it, need_file, work, tag_work, fwd_tags)
                continue
            # the definition, not a forward declaration some header made first
            # (fs.h's `struct quota_info;` before linux/quota.h defines it)
            hits = [h for h in idx.by_name.get(tag, []) if not _forward_decl(h)][:1] or idx.by_name.get(tag, [])[:1]
            if not hits:
                # "struct rcu_head" where rcu_head is a macro for another tag
                kw, tname = tag.split(" ", 1)
                for mac in idx.by_name.get(tname, []):
                    if mac.kind == "macro" and re.match(r"^[A-Za-z_]\w*$", mac.macro.body.strip()):
                        work.append(tname)
                        tag_work.append(kw + " " + mac.macro.body.strip())
                        break
            for it in hits:
                if it not in need_hdr:
                    need_hdr.add(it)
                    hdr_order.append(it)
                    _deps(it, work, tag_work, fwd_tags)
            continue
        name = work.pop()
        if name in visited:
            continue
        visited.add(name)
        if name in _C_NAMES or name.startswith("__builtin") or \
                (name.startswith("kmapsim_") and name not in model_by_name):
            continue
        if name in by_name:
            for it in by_name[name]:
                _need(it, need_file, work, tag_work, fwd_tags)
            # A variable a file of the unit defines that a header's inline
            # reads (fs/ceph/metric.h's disable_send_metrics, defined in
            # metric.c): the header's extern declaration goes with the
            # headers, so the inline, before the file's items, sees it.
            if all(it.kind == "decl" for it in by_name[name]):
                for c in idx.by_name.get(name, []):
                    if _extern_variable(c):
                        take_prototype(c)
                        break
            continue
        cands = idx.by_name.get(name)
        if name in known and name not in model_by_name:
            # kmapsim's headers define it, or declare it for the model library
            # or for one of the tree's LIBRARY files (asm/checksum.h's sums)
            if name in LIBRARY_DECLARED:
                unit.library.append(name)
            work.extend(library_via.get(name, ()))
            continue
        declared_only = not any(c.kind in ("func", "macro") or not c.is_proto for c in cands or [])
        if name in own and cands and declared_only:
            # the harness defines it (after the unit): the tree's prototype
            # only, neither a stub nor another body
            unit.own.append(name)
            take_prototype(cands[0])
            continue
        if name in model_by_name and declared_only:
            # (kmapsim's headers may declare it too, where the tree's
            # declaration is in a header kmapsim owns: mm.h's truncate_*)
            # kmapsim's own body; the tree's prototype, if any, goes with the
            # headers (before the inline helpers that call it), so a body
            # whose signature differs from this tree's does not compile
            for it in model_by_name[name]:
                if it.kind == "decl" and not it.is_proto and not cands:
                    # a variable the tree declares only where the importer
                    # does not see it (DECLARE_PER_CPU): its definition goes
                    # with the headers, before the tree's inlines that use it
                    # (radix-tree.h's radix_tree_preload_end())
                    take_prototype(it)
                else:
                    _need(it, need_model, work, tag_work, fwd_tags)
            if cands:
                take_prototype(cands[0])
            unit.modelled.append(name)
            continue
        if not cands:
            if re.match(r"^trace_\w+$", name):
                tracepoints.add(name)
            continue
        defs = [c for c in cands if c.kind in ("func", "macro") or not c.is_proto]
        # `#define IPPROTO_TCP IPPROTO_TCP` beside the enumerator (uapi's
        # marks for #ifdef) is no definition: the enum is
        defs = [c for c in defs if not _self_alias(c, name)] or defs
        if defs:
            it = defs[-1] if defs[-1].kind == "macro" else defs[0]
            if it not in need_hdr:
                need_hdr.add(it)
                hdr_order.append(it)
                _deps(it, work, tag_work, fwd_tags)
            unit.from_headers.append(name)
            if _extern_variable(it):
                # a variable the tree defines in another .c file: a weak,
                # zeroed definition so the unit links
                weak_vars.append(name)
                weak_decls[name] = it
            continue
        traps[name] = cands[0]
        take_prototype(cands[0])

    # header items: each after what it uses (depth-first post-order over the
    # dependency graph restricted to the chosen items)
    name_to_hdr = {}
    for it in sorted(hdr_order, key=_forward_decl):   # a tag's definition before its forward declaration
        for n in it.names:
            name_to_hdr.setdefault(n, it)
    # A header's inline function may call a function this unit takes from
    # a file (crypto/scatterwalk.h's helpers call lib/scatterlist.c's
    # sg_next(), which the tree declares in a header kmapsim owns): the
    # file function's prototype goes before that header item, after what
    # the prototype itself uses.
    # (Not one whose head uses a name the file defines, a file-local type:
    # that stays in the prototypes after the headers.)
    file_protos = {}
    file_names = {n for _, items in files for it in items if it.kind != "func" for n in it.names}
    for _, items in files:
        for it in items:
            if it in need_file and it.kind == "func" and it.body_start:
                proto = _prototype(it)
                if proto is None or (proto.uses | proto.tags_used) & file_names:
                    continue
                for n in it.names:
                    file_protos.setdefault(n, proto)
    emitted = []
    done = set()

    def emit(it, stack):
        if id(it) in done or id(it) in stack:
            return
        stack.add(id(it))
        # a type needs first only the types it holds by value: the ones it
        # points to are declared at the top, and following those would make
        # cycles (struct super_block -> quota_info -> ... -> super_block)
        # that could put it before one it holds
        tags = sorted(it.tags_used) if it.kind in ("func", "macro") else \
            [t for t in sorted(it.tags_used) if _by_value(it, t) or t in it.held]
        for u in sorted(it.uses) + tags:
            dep = name_to_hdr.get(u) or file_protos.get(u)
            if dep is not None and dep is not it:
                if dep.kind == "macro":
                    # expanded where it is used: what its body names must
                    # come first (fs.h's SB_FREEZE_LEVELS in a struct's array
                    # size is an enumerator of an enum after the macro)
                    macro_uses(dep, stack, set())
                else:
                    emit(dep, stack)
        stack.discard(id(it))
        done.add(id(it))
        emitted.append(it)

    def macro_uses(mac, stack, seen):
        if id(mac) in seen:
            return
        seen.add(id(mac))
        for u in sorted(mac.uses) + sorted(mac.tags_used):
            dep = name_to_hdr.get(u)
            if dep is None or dep is mac:
                continue
            if dep.kind == "macro":
                macro_uses(dep, stack, seen)
            else:
                emit(dep, stack)

    # macros first: they need nothing before them, and everything may use them
    for it in sorted(hdr_order, key=lambda x: x.index):
        if it.kind == "macro":
            done.add(id(it))
            emitted.append(it)
    for it in sorted(hdr_order, key=lambda x: x.index):
        emit(it, set())

    out = []
    out.append("/* Generated by kmapsim from %s of the kernel tree %s for profile %s.\n"
               " * Kernel text is read from the tree at check time and never stored in kmapsim. */"
               % (", ".join(f for f, _ in wanted), tree, profile))
    out.append("#include <kmapsim/config/%s.h>" % profile)
    if set(USER_CONFIG) - GUARD_CONFIG - KCONFIG_VALUES:
        out.append("/* check --config */")
        out.extend("#define %s %s" % kv for kv in USER_CONFIG.items()
                   if kv[0] not in GUARD_CONFIG and kv[0] not in KCONFIG_VALUES)
    if KCONFIG_VALUES & set(USER_CONFIG):
        # check's Kconfig retry (take_kconfig_values()): what the code
        # uses as a value, at the tree's default
        out.append("/* the tree's Kconfig defaults of options the code uses as values */")
        out.extend("#define %s %s" % kv for kv in USER_CONFIG.items() if kv[0] in KCONFIG_VALUES)
    if GUARD_CONFIG & set(USER_CONFIG):
        # check's guard retry (guard_options()): on in any kernel that has
        # the function under test
        out.append("/* the function under test is defined only with these on */")
        out.extend("#define %s %s" % kv for kv in USER_CONFIG.items() if kv[0] in GUARD_CONFIG)
    if gates:
        # the kbuild gates of the imported files (kbuild_gates()): on in
        # any kernel that builds them, for the #ifs inside the bodies too
        out.append("/* kbuild builds %s only with these on */" % ", ".join(f for f, _ in wanted))
        out.extend("#define %s 1" % g for g in gates)
    out.append("#define KERNEL_VERSION(a, b, c) (((a) << 16) + ((b) << 8) + ((c) > 255 ? 255 : (c)))")
    out.append("#define LINUX_VERSION_CODE KERNEL_VERSION(%d, %d, %d)" % tree_version(tree))
    out.append("#include <kmapsim/kernel.h>")
    # Tracepoints (trace/events/*.h, generated by TRACE_EVENT) are off, as
    # in a kernel nobody traces: a call does nothing, _enabled() is false.
    for name in sorted(tracepoints):
        out.append("#define %s(...) %s" % (name, "0" if name.endswith("_enabled") else "do { } while (0)"))
    out.append("")
    for tag in sorted(fwd_tags):
        if tag.startswith(("struct ", "union ")):
            out.append("%s;" % tag)
    out.append("")
    # Every #line names the item's path relative to the tree (lib/iov_iter.c,
    # include/linux/bvec.h), as kbuild's __FILE__ does: the debug info and
    # __FILE__ then carry the same path wherever the tree or this unit lives
    # (subject_cache compiles with -fdebug-compilation-dir=., so nothing
    # joins a directory to it), and reports print it as it is.
    messages = {}
    for name, proto in traps.items():
        fmt = _message_format(proto, name) if proto.is_proto else None
        if fmt:
            messages[name] = fmt
    for it in emitted:
        out.append('#line %d "%s"' % (it.line, it.origin))
        out.append(it.text if it.kind != "decl" or it.text.rstrip().endswith(";") else it.text + ";")
        unit.from_headers.extend(n for n in it.names if n not in unit.from_headers)
        for n in it.names:
            if n in messages:
                # a call, from here on: the arguments before the format
                # evaluated, the format and its arguments to printk(); the
                # name alone (an address taken) still means the trap below
                fmt, dies = messages[n]
                before = ["kmapsim_a%d" % i for i in range(1, fmt)]
                # one that does not return (reiserfs's __reiserfs_panic())
                # stops the run as panic() does
                end = ', kmapsim_subject_bug(__FILE__, __LINE__, "panic:%s()")' % n if dies else ""
                out.append("#define %s(%s) ((void)0%s, (void)printk(__VA_ARGS__)%s)"
                           % (n, ", ".join(before + ["..."]), "".join(", (void)(%s)" % a for a in before), end))
    out.append("")
    if any(n in MODEL_VARS for n in weak_vars):
        out.append(_PIPE_OPS)
    defined_tags = set(known_tags) | {n for it in emitted for n in it.names if n.startswith(("struct ", "union "))}
    for name in sorted(weak_vars):  # the work list follows set order, which varies by process
        if name in MODEL_VARS:
            out.append(MODEL_VARS[name])
            continue
        decl = weak_decls[name]
        if any(t.startswith(("struct ", "union ")) and t not in defined_tags and _by_value(decl, t)
               for t in decl.tags_used):
            # a variable of a type the tree keeps opaque (fs code passes
            # &nop_mnt_idmap, whose struct mnt_idmap only fs/mnt_idmapping.c
            # defines): no definition of an incomplete type can be written,
            # so the name is a weak alias of zeroed storage of its own, a
            # distinct non-NULL address as the kernel's object has
            out.append("static char kmapsim_var_%s[256] __attribute__((aligned(64)));" % name)
            out.append('extern __typeof__(%s) %s __attribute__((weak, alias("kmapsim_var_%s")));'
                       % (name, name, name))
            continue
        out.append("__typeof__(%s) %s __attribute__((weak));" % (name, name))
    for name in sorted(traps):
        proto = traps[name]
        if proto.is_proto:
            out.append('static void kmapsim_trap_%s(void) { kmapsim_unmodelled("%s"); }' % (name, name))
            out.append('extern __typeof__(%s) %s __attribute__((weak, alias("kmapsim_trap_%s")));'
                       % (name, name, name))
        else:
            out.append("__typeof__(%s) %s __attribute__((weak));" % (name, name))
        (unit.messages if name in messages else unit.traps).append(name)
    out.append("")
    # kmapsim's bodies over the tree's types, in their files' order
    for it in model_items:
        if it in need_model:
            out.append('#line %d "%s"' % (it.line, it.origin))
            out.append(it.text)
    out.append("")
    # prototypes: a function may call one defined later in its file (the
    # tree declares those in a header) or in a later file. Not of static
    # ones: only their own file calls them, in its own order (with its own
    # forward declarations), and their heads may use the file's typedefs
    # (ext2's ext2_dirent), which come later.
    for _, items in files:
        for it in items:
            if it in need_file and it.kind == "func" and it.body_start and not it.is_static:
                    head = it.text[:it.toks[it.body_start].start - it.toks[0].start].rstrip()
                    out.append('#line %d "%s"' % (it.line, it.origin))
                    out.append(head + ";")
    counts = {}
    for fname, items in files:
        for it in items:
            if it in need_file:
                out.append('#line %d "%s"' % (it.line, fname))
                out.append(it.text)
                if it.kind == "func":
                    unit.functions.extend(it.names)
                    counts[fname] = counts.get(fname, 0) + 1
                    for n in it.names:
                        unit.calls[n] = it.uses
    unit.text = "\n".join(out) + "\n"
    unit.file_counts = [(f, counts[f]) for f, _ in files if f in counts]
    return unit


def _tree_c_items(tree, macros):
    """The items of model/tree_c/*.c, read with the tree's macros and its
    version (LINUX_VERSION_CODE as a number, for their #if lines): [items
    in file order], {name: [items]}."""
    macros = dict(macros)
    v = tree_version(tree)
    code = str((v[0] << 16) + (v[1] << 8) + min(v[2], 255))
    macros["LINUX_VERSION_CODE"] = ctokens.Macro("LINUX_VERSION_CODE", None, code, "", "")
    items, by_name = [], {}
    if not os.path.isdir(MODEL_TREE_C):
        return items, by_name
    for f in sorted(os.listdir(MODEL_TREE_C)):
        if not f.endswith(".c"):
            continue
        origin = os.path.relpath(os.path.join(MODEL_TREE_C, f), REPO)
        for it in ctokens.split_items(open(os.path.join(MODEL_TREE_C, f)).read(), origin, macros):
            if it.kind == "include" or _skip_item(it):
                continue
            items.append(it)
            for n in it.names:
                by_name.setdefault(n, []).append(it)
    return items, by_name


def _prototype(it):
    """Function definition IT's head as a declaration item of its own (what
    it uses are its parameter and return types), at IT's line; None if the
    head does not read as one declaration."""
    head = it.text[:it.toks[it.body_start].start - it.toks[0].start].rstrip() + ";"
    decls = [p for p in ctokens.split_items(head, it.origin, {}) if p.kind == "decl"]
    if len(decls) != 1:
        return None
    decls[0].line = it.line
    return decls[0]


def _message_format(it, name):
    """(the 1-based position of the format parameter, whether it never
    returns) when prototype IT declares NAME as a message function: `void`,
    variadic, and __printf(fmt, fmt + 1) or format(printf, fmt, fmt + 1)
    with the variadic part right after the format. None otherwise (a
    va_list variant, __printf(n, 0), or one that returns a value: those
    stay traps)."""
    texts = [t.text for t in it.toks]
    at = next((i for i in range(len(texts) - 1) if texts[i] == name and texts[i + 1] == "("), None)
    if at is None:
        return None
    head = texts[:at]
    if "void" not in head or "*" in head:
        return None
    dies = any(t in ("__noreturn", "noreturn", "__no_return") for t in texts)
    fmt = first = None
    for i, t in enumerate(texts):
        if t == "__printf" and texts[i + 1:i + 2] == ["("]:
            nums = texts[i + 2:i + 5]
        elif t in ("format", "__format__") and texts[i + 1:i + 4] in (["(", "printf", ","], ["(", "__printf__", ","]):
            nums = texts[i + 4:i + 7]
        else:
            continue
        if len(nums) == 3 and nums[1] == "," and nums[0].isdigit() and nums[2].isdigit():
            fmt, first = int(nums[0]), int(nums[2])
    if not fmt or first != fmt + 1:
        return None
    # the parameters: the format's position, then "..." right after it
    depth, params, cur = 0, [], []
    for t in texts[at + 1:]:
        if t == "(":
            depth += 1
            if depth == 1:
                continue
        elif t == ")":
            depth -= 1
            if depth == 0:
                params.append(cur)
                break
        if depth == 1 and t == ",":
            params.append(cur)
            cur = []
        else:
            cur.append(t)
    if len(params) != first or params[-1] != ["..."]:
        return None
    return fmt, dies


def _extern_variable(it):
    """`extern T name;`: a variable declared here and defined elsewhere."""
    return it.kind == "decl" and any(t.text == "extern" for t in it.toks[:4]) and \
        not any(t.text == "=" for t in it.toks)


def _self_alias(it, name):
    """Whether it is an object-like macro whose body is its own name."""
    return it.kind == "macro" and it.macro is not None and it.macro.params is None and it.macro.body.strip() == name


def _forward_decl(it):
    """`struct name;`: names a tag without defining it."""
    texts = [t.text for t in it.toks]
    return len(texts) == 3 and texts[0] in ("struct", "union", "enum") and texts[2] == ";"


def _need(it, need_file, work, tag_work, fwd_tags):
    if it in need_file:
        return
    need_file.add(it)
    _deps(it, work, tag_work, fwd_tags)


def _deps(it, work, tag_work, fwd_tags):
    work.extend(it.uses)
    for tag in it.tags_used:
        fwd_tags.add(tag)
        if it.kind in ("func", "macro"):
            tag_work.append(tag)
        else:
            # a member of a type: its definition is needed unless only
            # pointers to it are used
            if _by_value(it, tag) or tag in it.held:
                tag_work.append(tag)
    if it.kind == "macro":
        # struct tags named in a macro body
        toks = ctokens.tokenize_expr(it.macro.body)
        for a, b in zip(toks, toks[1:]):
            if a.text in ("struct", "union", "enum") and b.kind == "ident":
                fwd_tags.add(a.text + " " + b.text)
                tag_work.append(a.text + " " + b.text)


def _by_value(it, tag):
    kw, name = tag.split(" ", 1)
    toks = it.toks
    texts = [t.text for t in toks]
    if texts and texts[0] == "typedef" and "{" not in texts and "[" not in texts and kw != "enum":
        # "typedef struct transaction_s transaction_t;" names a type that
        # may stay incomplete: the typedef needs no definition before it
        # (linux/journal-head.h's, which struct journal_s then uses)
        return False
    for j in range(len(toks) - 2):
        if toks[j].text == kw and toks[j + 1].text == name:
            # qualifiers and sparse's annotations before a pointer's star
            # (`struct se_device __rcu *lun_se_dev;`) do not make it a value
            k = j + 2
            while k < len(toks) - 1 and (toks[k].text in ("const", "volatile") or
                                         (toks[k].text.startswith("__") and toks[k].kind == "ident")):
                k += 1
            nxt = toks[k].text
            if nxt not in ("*", "{"):
                return True
            if nxt == "{" and j > 0:
                continue
    return kw == "enum"
