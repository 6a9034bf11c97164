"""The subject build cache, shared by check, repro, minimize, bench (the fuzz
flavour: libFuzzer + ASan + UBSan, .kmapsim/check/<key>/) and torture (the
tsan flavour, .kmapsim/torture/<key>/).

A subject file is compiled as written (-O0 -fno-builtin: every access in the
source happens) and linked against the model and driver libraries of the
flavour's preset. The key hashes the source and every header it includes,
the flags, the compiler and the two libraries, so an unchanged file is never
compiled twice and any change that matters is. A file that does not compile
or link is the user's input: one line, exit 2.

`plain_accesses` adds clang's trace-loads/trace-stores hooks (the subject's
plain loads and stores become scheduling points, model/src/sim/plain_access.cc):
a different binary, so a different key.
"""
import atexit
import contextlib
import fcntl
import functools
import hashlib
import os
import shutil
import struct
import subprocess
import tempfile
import time

from kmapsim_cli import builds
from kmapsim_cli.common import ROOT, STATE, Failure, Unusable, keep_newest, locked, rel, say, write_whole


# The presets whose model and driver this process has brought up to date.
_LIBS_READY = set()


class Flavour:
    def __init__(self, name, preset, cflags, ldflags, cache, version):
        self.name, self.preset, self.cflags, self.ldflags = name, preset, cflags, ldflags
        self.cache, self.version = cache, version

    def libs(self):
        d = builds.build_dir(self.preset)
        return [os.path.join(d, "fuzz", "libkmapsim_driver.a"), os.path.join(d, "model", "libkmapsim_model.a")]

    def ensure_libs(self):
        # once per process: `check` asks for its binary twice when it turns
        # the plain-access hooks on, and ninja's no-op costs a tenth of a second
        if self.preset in _LIBS_READY:
            return
        _LIBS_READY.add(self.preset)
        if self.preset == "fuzz":
            builds.ensure_fuzz_libs()
        else:
            builds.build_preset(self.preset, "kmapsim_model", "kmapsim_driver")


# LLVM's linker (Debian's lld, which setup installs): a subject binary
# links the model, libFuzzer and the sanitizer runtimes, and BFD ld took
# most of a kernel check's build.
LLD = "-fuse-ld=lld"

# Flags a subject is compiled with: every access written in the source must
# happen (-O0, no builtin memcpy folding), and the UBSan checks that would
# fire before kmapsim sees the access are off (a NULL from page_address()).
CHECK = Flavour("check", "fuzz",
                ["-g", "-O0", "-fno-builtin", "-fsanitize=address,undefined,fuzzer-no-link",
                 "-fno-sanitize=null,nonnull-attribute,pointer-overflow,alignment", "-fno-sanitize-recover=all",
                 # Every access calls kmapsim's callbacks, so windows open and
                 # close through ASan's shadow, not mprotect() (fuzz/CMakeLists.txt,
                 # model/src/sim/asan_window_callbacks.cc).
                 "-mllvm", "-asan-instrumentation-with-call-threshold=0",
                 "-mllvm", "-asan-memory-access-callback-prefix=__kmapsim_asan_"],
                ["-fsanitize=address,undefined", "-Wl,-u,LLVMFuzzerRunDriver", LLD] +
                # kmapsim's access callbacks and its memcpy()/memmove()/memset()
                # (model/src/sim/asan_window_callbacks.cc) for every subject,
                # not only one that makes an instrumented access of its own:
                # a kernel function that only copies then gets the same
                # windows (ASan's shadow, not mprotect()) and the same window
                # check before the copy as any other
                ["-Wl,-u,kmapsim_asan_window_callbacks"] +
                # libFuzzer's comparison callbacks do work only while its loop
                # runs (fuzz/trace_cmp_gate.cc; the list is fuzz/CMakeLists.txt's).
                ["-Wl,--wrap=__sanitizer_cov_trace_" + cb for cb in
                 ("cmp1", "cmp2", "cmp4", "cmp8", "const_cmp1", "const_cmp2", "const_cmp4", "const_cmp8", "switch")],
                os.path.join(STATE, "check"), "kmapsim-check-cache 1")
# `check --plain-accesses`: every load and store of the subject calls the
# model first (only the check flavour: torture mode ignores the hooks).
PLAIN_ACCESS_CFLAGS = ["-fsanitize-coverage=trace-loads,trace-stores"]
BUILD_PLAIN_ACCESSES = "plain-accesses"  # the crash file's `build:` for such a binary

# The kernel API entries that start another context of the simulated
# machine (a kthread, a work item on the worker, an interrupt handler):
# only then can anyone observe the state between two plain accesses.
CONTEXT_STARTERS = ("kthread_run_named", "schedule_work", "request_irq")


def starts_other_contexts(cache):
    """Whether the subject object in CACHE (a build_subject() directory)
    calls an API that starts another context (CONTEXT_STARTERS), from the
    object's undefined symbols."""
    def ask():
        obj = os.path.join(cache, "subject.o")
        names = undefined_symbols(obj)
        if names is None:
            p = subprocess.run(["nm", "-u", obj], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            if p.returncode != 0:
                raise Failure("nm could not read %s" % obj)
            names = {line.split()[-1] for line in p.stdout.splitlines() if line.split()}
        return "yes" if any(n in names for n in CONTEXT_STARTERS) else "no"
    return remembered(cache, "starts-contexts", ask) == "yes"


def undefined_symbols(obj):
    """The names an ELF64 little-endian object file uses without defining
    them (what `nm -u` lists), read from its symbol table: starting nm cost
    a tenth of a second of every first check of a file. None for any other
    kind of file (nm is asked then)."""
    try:
        with open(obj, "rb") as f:
            data = f.read()
        if data[:6] != b"\x7fELF\x02\x01":
            return None
        shoff, = struct.unpack_from("<Q", data, 0x28)
        shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
        names = set()
        for i in range(shnum):
            _, sh_type, _, _, off, size, link, _, _, entsize = struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)
            if sh_type != 2 or not entsize:  # SHT_SYMTAB
                continue
            stroff = struct.unpack_from("<Q", data, shoff + link * shentsize + 0x18)[0]
            for j in range(size // entsize):
                st_name, _, _, st_shndx = struct.unpack_from("<IBBH", data, off + j * entsize)
                if st_shndx == 0 and st_name:  # SHN_UNDEF
                    end = data.index(b"\0", stroff + st_name)
                    names.add(data[stroff + st_name:end].decode("utf-8", "replace"))
        return names
    except (OSError, struct.error, ValueError):
        return None


def remembered(cache, name, ask):
    """ask()'s answer (a string) about the entry CACHE, kept in the entry as
    NAME: an entry's key covers everything its object and binary are made
    of, and a rebuilt one is the same, so the answer holds for the entry's
    life. Saves a process a check (nm, or the binary asked for its list)."""
    path = os.path.join(cache, name)
    try:
        with open(path) as f:
            return f.read()
    except FileNotFoundError:
        pass
    answer = ask()
    write_whole(path, answer)
    return answer


TORTURE = Flavour("torture", "tsan", ["-g", "-O0", "-fno-builtin", "-fsanitize=thread"], ["-fsanitize=thread", LLD],
                  os.path.join(STATE, "torture"), "kmapsim-torture-cache 1")


def compilers(src):
    """(compiler, -std) for SRC: C++ for .cc/.cpp/.cxx/.C, else gnu11 C."""
    if src.endswith((".cc", ".cpp", ".cxx", ".C")):
        return "clang++", "-std=gnu++20"
    return "clang", "-std=gnu11"


def toolchain(cc, *args):
    """What `CC ARGS...` prints, remembered under .kmapsim/toolchain/ for
    this compiler binary (its resolved path, size and mtime: an upgraded
    clang is another binary), so a check does not start the compiler to ask
    again."""
    path = os.path.realpath(shutil.which(cc) or cc)
    st = os.stat(path)
    ident = "%s\0%d\0%d\0%s" % (path, st.st_size, st.st_mtime_ns, "\0".join(args))
    memo = os.path.join(STATE, "toolchain", hashlib.sha256(ident.encode()).hexdigest()[:16])
    try:
        with open(memo) as f:
            return f.read()
    except FileNotFoundError:
        pass
    out = subprocess.run([cc] + list(args), stdout=subprocess.PIPE, text=True).stdout
    os.makedirs(os.path.dirname(memo), exist_ok=True)
    write_whole(memo, out)
    return out


@functools.lru_cache(maxsize=None)
def fuzzer_lib():
    d = toolchain("clang++", "-print-runtime-dir").strip()
    lib = os.path.join(d, "libclang_rt.fuzzer_no_main-x86_64.a")
    if not os.path.isfile(lib):
        from kmapsim_cli.packages import clang_rt_package
        raise Failure("libFuzzer not found at %s (Debian: %s)" % (lib, clang_rt_package()))
    return lib


def first_error(text):
    """The first line of compiler or linker output that says what is wrong
    (the linker's own words before the driver's "linker command failed")."""
    from kmapsim_cli import kernel
    kernel.kernel_module()  # puts kmapsim_kernel on the path
    from kmapsim_kernel import diagnose
    errs = diagnose.errors(text)
    if errs:
        return errs[0]
    lines = text.splitlines()
    return lines[0] if lines else "(no output)"


def dependencies(cc, cflags, src):
    """Every file SRC includes (and SRC), from the compiler's -M output."""
    return list(_dependencies(cc, tuple(cflags), src, _stamp(src)))


def _stamp(path):
    st = os.stat(path)
    return st.st_mtime_ns, st.st_size


@functools.lru_cache(maxsize=None)
def _dependencies(cc, cflags, src, stamp):
    """dependencies() once per process for one version of SRC (its stamp):
    a check asks again when it turns the plain-access hooks on."""
    known = known_dependencies(cc, list(cflags), src)
    if known is not None:
        return tuple(known)
    cflags = list(cflags)
    p = subprocess.run([cc] + cflags + ["-M", "-MT", "x", src], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, errors="replace")
    if p.returncode != 0:
        # An #include that is missing stops here, before the cache entry exists.
        failed(os.path.join(STATE, "check"), "preprocess", p.stderr, "%s does not compile" % rel(src))
        raise Unusable("%s does not compile: %s" % (rel(src), first_error(p.stderr)))
    deps = make_rule_files(p.stdout)
    remember_dependencies(cc, cflags, src, deps)
    return tuple(deps)


def make_rule_files(text):
    """The files of a make rule `x: a b \\ c` (clang's -M/-MD output), sorted."""
    words = text.replace("\\\n", " ").split()
    return sorted({w for w in words if w not in ("x:", "\\")})


# What a file includes, kept between processes (.kmapsim/deps/): asking the
# compiler (-M) cost a quarter of a second of every check. An entry is keyed
# by the file's contents, its path (its quoted #includes are looked up
# beside it), the flags and the compiler, and holds every header with its
# modification time and size, and those of the directories they are in: an
# edited header, or a header added beside one (a new file that may now be
# found first), makes it stale, and the compiler is asked again, as make's
# and ninja's dependency files are trusted. The file's own directory is
# left out of that (a kernel check writes its logs beside its unit).
DEPS = os.path.join(STATE, "deps")


def _deps_memo(cc, cflags, src):
    h = hashlib.sha256()
    h.update(("%s\0%s\0%s\0" % (compiler_version(cc), " ".join(cflags), src)).encode())
    with open(src, "rb") as f:
        h.update(f.read())
    return os.path.join(DEPS, h.hexdigest()[:24])


def _watched(src, deps):
    """The files and directories whose stamps keep a dependency list valid."""
    own = os.path.dirname(src)
    files = [d for d in deps if d != src]
    dirs = sorted({os.path.dirname(d) for d in files} - {own})
    return files + dirs


def remember_dependencies(cc, cflags, src, deps):
    lines = []
    for path in _watched(src, deps):
        try:
            lines.append("%d %d %s" % (*_stamp(path), path))
        except OSError:
            return  # a header gone already: nothing worth keeping
    os.makedirs(DEPS, exist_ok=True)
    write_whole(_deps_memo(cc, cflags, src), "\n".join(["\t".join(deps)] + lines) + "\n")
    if len(os.listdir(DEPS)) > DEPS_KEEP:
        keep_newest(DEPS, DEPS_KEEP * 3 // 4)


# The lists kept: at most DEPS_KEEP (a few KiB each); beyond that the least
# recently used quarter goes.
DEPS_KEEP = 2000


def known_dependencies(cc, cflags, src):
    """The files SRC includes as remember_dependencies() kept them, or None
    when nothing is kept or any of them (or their directories) changed."""
    memo = _deps_memo(cc, cflags, src)
    try:
        with open(memo) as f:
            head, *lines = f.read().splitlines()
        for line in lines:
            mtime, size, path = line.split(" ", 2)
            if _stamp(path) != (int(mtime), int(size)):
                return None
        os.utime(memo)  # used: keep_newest() keeps the most recently used
    except (OSError, ValueError):
        return None
    return head.split("\t")


def sha256_file(path, h):
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)


@functools.lru_cache(maxsize=None)
def compiler_version(cc):
    """The compiler's first --version line (part of every cache key: a new
    clang is a new binary); asked once per process."""
    return toolchain(cc, "--version").splitlines()[:1]


def cache_key(flavour, cc, cflags, ldflags, deps, extra):
    h = hashlib.sha256()
    version = compiler_version(cc)
    h.update(("%s\n%s\n%s\n" % (flavour.version, version, " ".join(cflags + ldflags + extra))).encode())
    files = tuple(deps + flavour.libs())
    h.update(_files_digest(files, tuple(_stamp(p) for p in files)))
    return h.hexdigest()[:16]


@functools.lru_cache(maxsize=None)
def _files_digest(files, stamps):
    """The digest of FILES' names and contents, once per process for one
    version of them (their stamps): check asks for the object's key and
    then the binary's, over the same files."""
    h = hashlib.sha256()
    for path in files:
        h.update(path.encode() + b"\0")
        sha256_file(path, h)
    return h.digest()


def failed(cache, step, log, what):
    """Keeps the log of a failed STEP (compile, link) beside the cache entry
    and shows every error, the log's path and the kernel names kmapsim does
    not know (the one-line error and exit 2 follow)."""
    os.makedirs(cache, exist_ok=True)
    path = os.path.join(cache, step + "-failed.log")
    with open(path, "w") as f:
        f.write(log)
    from kmapsim_cli import kernel
    kernel.kernel_module()
    kernel.diagnose(path, what)


def subject_cflags(src, flavour=CHECK, plain_accesses=False):
    """(compiler, flags) SRC is compiled with in FLAVOUR."""
    cc, std = compilers(src)
    # A relative #line path (imported kernel code names lib/iov_iter.c) stays
    # relative in the debug info, so a report names it the same from any
    # directory; absolute paths (the subject file, the headers) are unchanged.
    cflags = [std] + flavour.cflags + ["-fdebug-compilation-dir=.", "-I" + os.path.join(ROOT, "model", "include")]
    if plain_accesses and flavour is CHECK:
        cflags += PLAIN_ACCESS_CFLAGS
    return cc, cflags


def _compile_scratch(cc, cflags, src, more=(), output=None):
    """(scratch directory, the files SRC includes, the compiler's output)
    after compiling SRC to subject.o in a scratch directory of its own, or
    None when it does not compile. MORE: flags that change no object
    (-ferror-limit=0); OUTPUT, a list: the compiler's output is appended."""
    scratch_root = os.path.join(STATE, "scratch")
    os.makedirs(scratch_root, exist_ok=True)
    d = tempfile.mkdtemp(prefix="compile.", dir=scratch_root)
    dfile = os.path.join(d, "subject.d")
    p = subprocess.run([cc] + cflags + list(more) + ["-MD", "-MT", "x", "-MF", dfile, "-c", src, "-o",
                                                     os.path.join(d, "subject.o")],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
    if output is not None:
        output.append(p.stdout)
    if p.returncode != 0 or not os.path.isfile(dfile):
        shutil.rmtree(d, ignore_errors=True)
        return None
    with open(dfile) as f:
        deps = make_rule_files(f.read())
    return d, deps, p.stdout


# kmapsim_kernel's check compiles each unit it imports once on its own, to
# see every error the compiler has (precompile()). That compile is the
# check build's own, so when it succeeds its object is the one
# build_subject() takes for that file, as long as the file is unchanged:
# an imported unit is compiled once, not twice.
_PRECOMPILED = {}


def precompile(src):
    """Compiles SRC (absolute) as build_subject() would in the check flavour,
    with every error shown (-ferror-limit=0). Returns the compiler's output
    and whether it compiled; the object is kept for build_subject()."""
    cc, cflags = subject_cflags(src)
    out = []
    compiled = _compile_scratch(cc, cflags, src, more=["-ferror-limit=0"], output=out)
    _drop_precompiled(src)
    if compiled:
        with open(src, "rb") as f:
            digest = hashlib.sha256(f.read()).digest()
        if not _PRECOMPILED:
            atexit.register(lambda: [_drop_precompiled(p) for p in list(_PRECOMPILED)])
        _PRECOMPILED[src] = (digest, cflags, compiled)
    return compiled is not None, out[0]


def _drop_precompiled(src):
    kept = _PRECOMPILED.pop(src, None)
    if kept:
        shutil.rmtree(kept[2][0], ignore_errors=True)


def _take_precompiled(src, cflags):
    """precompile()'s result for SRC when it was made with CFLAGS and SRC is
    unchanged since; it is the caller's from then on."""
    kept = _PRECOMPILED.get(src)
    if not kept or kept[1] != cflags:
        return None
    with open(src, "rb") as f:
        if hashlib.sha256(f.read()).digest() != kept[0]:
            return None
    del _PRECOMPILED[src]
    return kept[2]


def build_subject(src, flavour=CHECK, plain_accesses=False, link=True):
    """The binary of subject file SRC (absolute) in FLAVOUR, built if needed,
    with the plain-access hooks when PLAIN_ACCESSES (check flavour only).
    Returns (binary, cache directory); with LINK false, only the entry's
    object is made (starts_other_contexts() reads it) and the binary is None.

    Each entry has a lock of its own, so two checks build two subjects at
    once (the kernel tests run two at a time); the flavour's lock is held
    only while prune() runs."""
    flavour.ensure_libs()
    cc, cflags = subject_cflags(src, flavour, plain_accesses)
    extra = [fuzzer_lib()] if flavour is CHECK else []
    # the files the source includes do not depend on the hooks' flags
    dep_flags = [c for c in cflags if c not in PLAIN_ACCESS_CFLAGS]
    compiled = _take_precompiled(src, cflags)
    deps = compiled[1] if compiled else known_dependencies(cc, dep_flags, src)
    if deps is None:
        # Not known yet: compile first, and the compile says what the file
        # includes (-MD), instead of asking the compiler once more (-M) for
        # the key. A file that does not compile takes the usual way below,
        # which keeps its log in its entry.
        compiled = _compile_scratch(cc, cflags, src)
        deps = compiled[1] if compiled else dependencies(cc, dep_flags, src)
    if compiled:
        remember_dependencies(cc, dep_flags, src, deps)
    key = cache_key(flavour, cc, cflags, flavour.ldflags, deps, extra)
    cache = os.path.join(flavour.cache, key)
    binary = os.path.join(cache, "subject")
    obj = os.path.join(cache, "subject.o")
    os.makedirs(cache, exist_ok=True)
    built = False
    with locked(os.path.join(cache, BUILD_LOCK)):
        if os.access(binary, os.X_OK):
            os.utime(binary)  # used: pruning keeps the most recently used
            if compiled:
                shutil.rmtree(compiled[0], ignore_errors=True)
            return binary, cache
        tmp = tempfile.mkdtemp(prefix="build.", dir=cache)
        try:
            if not os.path.isfile(obj):
                with open(os.path.join(cache, "source"), "w") as f:
                    f.write(src + "\n")
                if compiled:
                    log = compiled[2]
                    os.replace(os.path.join(compiled[0], "subject.o"), os.path.join(tmp, "subject.o"))
                else:
                    p = subprocess.run([cc] + cflags + ["-c", src, "-o", os.path.join(tmp, "subject.o")],
                                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
                    if p.returncode != 0:
                        failed(cache, "compile", p.stdout, "%s does not compile" % rel(src))
                        raise Unusable("%s does not compile: %s" % (rel(src), first_error(p.stdout)))
                    log = p.stdout
                with open(os.path.join(cache, "compile.log"), "w") as f:
                    f.write(log)
                os.replace(os.path.join(tmp, "subject.o"), obj)
            if link:
                p = subprocess.run(["clang++"] + flavour.ldflags + [obj] + flavour.libs() + extra +
                                   ["-o", os.path.join(tmp, "subject")], stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True, errors="replace")
                if p.returncode != 0:
                    failed(cache, "link", p.stdout, "%s does not link" % rel(src))
                    raise Unusable("%s does not link: %s" % (rel(src), first_error(p.stdout)))
                os.replace(os.path.join(tmp, "subject"), binary)
                built = True
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
            if compiled:
                shutil.rmtree(compiled[0], ignore_errors=True)
    if not link:
        return None, cache
    if built:
        with locked(os.path.join(STATE, flavour.name + ".lock")):
            prune(flavour.cache)
    return binary, cache


# Every edit of a checked file is a new cache entry, and its binary (the
# model, libFuzzer and the sanitizer runtimes linked in) is about 10 MiB: a
# few weeks of edit-and-check would fill a disk. After each build, the
# binaries of entries that are neither among the KEEP_BINARIES most recently
# used nor used in the last KEEP_SECONDS are removed; the entry keeps its
# corpora, logs and crash artifacts, and its binary is rebuilt if it is
# needed again. The day spares an entry a `check` has just been given; a
# `check` that runs holds its entry in use (using()), however long it runs.
KEEP_BINARIES = 32
KEEP_SECONDS = 24 * 3600
BUILT_FILES = ("subject", "subject.o")
IN_USE = "in-use"
BUILD_LOCK = "build.lock"  # held while the entry's object or binary is made


def prune(cache_root, keep=KEEP_BINARIES, keep_seconds=KEEP_SECONDS):
    """Removes the built files of CACHE_ROOT's entries beyond the KEEP most
    recently used (the mtime of the binary, or of the object of an entry
    never linked: built or used) and unused for KEEP_SECONDS. Called with
    the flavour's lock held; an entry being built (its build lock held) is
    left alone, and a process running a removed binary keeps running it."""
    old = time.time() - keep_seconds
    entries = []
    for name in os.listdir(cache_root):
        for f in BUILT_FILES:
            try:
                entries.append((os.stat(os.path.join(cache_root, name, f)).st_mtime, name))
                break
            except (FileNotFoundError, NotADirectoryError):  # nothing built, or a failed step's log (failed())
                continue
    entries.sort(reverse=True)
    for mtime, name in entries[keep:]:
        entry = os.path.join(cache_root, name)
        if mtime > old or in_use(entry) or _held(os.path.join(entry, BUILD_LOCK)):
            continue
        for f in BUILT_FILES:
            try:
                os.unlink(os.path.join(cache_root, name, f))
            except FileNotFoundError:
                pass


@contextlib.contextmanager
def using(cache):
    """Marks cache entry CACHE in use for the block: a `check` starts its
    binary afresh every round, however long it runs, and prune() leaves the
    binary of an entry in use alone (a shared lock on its in-use file, which
    the holder's exit releases, however it ends)."""
    with open(os.path.join(cache, IN_USE), "a") as f:
        fcntl.flock(f, fcntl.LOCK_SH)
        yield


def _held(path):
    """Whether some process holds a lock on the file PATH (using(), locked())."""
    try:
        f = open(path)
    except FileNotFoundError:
        return False
    with f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(f, fcntl.LOCK_UN)
        return False


def in_use(cache):
    """Whether a process holds cache entry CACHE through using()."""
    return _held(os.path.join(cache, IN_USE))


def source_path(path, base=None):
    """The absolute path of a subject file named relative to the current
    directory, else to BASE (the repository root by default)."""
    if os.path.isabs(path):
        return path
    if os.path.isfile(path):
        return os.path.abspath(path)
    return os.path.join(base or ROOT, path)


def find_target_binary(target):
    """A target recorded as a binary: the path itself, or a binary of that
    name under build/fuzz or build/dev; builds the fuzz preset when none
    exists. None if there is none."""
    if "/" in target:
        for p in (target, os.path.join(ROOT, target)):
            if os.path.isfile(p) and os.access(p, os.X_OK):
                return p
    name = os.path.basename(target)

    def search(dirs):
        for d in dirs:
            for dirpath, _, files in os.walk(d):
                if name in files:
                    p = os.path.join(dirpath, name)
                    if os.access(p, os.X_OK) and os.path.isfile(p):
                        return p
        return None

    found = search([builds.FUZZ_DIR, builds.build_dir("dev")])
    if not found:
        say("building the fuzz preset to find " + name)
        builds.build_preset("fuzz")
        found = search([builds.FUZZ_DIR])
    return found
