"""What every subcommand shares: paths, messages, exit codes, locks.

Exit codes (shared/BUG-CLASSES.md): 0 nothing found, 1 a violation was
reported, 2 the input was unusable (one line, starting "kmapsim: "),
3 kmapsim itself could not do its job. Errors are raised as Unusable or
Failure and turned into the line and the code by main.py, so no module
calls sys.exit() in the middle of its work.
"""
import contextlib
import fcntl
import os
import re
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STATE = os.path.join(ROOT, ".kmapsim")  # caches and crash files (git-ignored)
JOBS = 2  # these machines have 2 cores: never build wider
SOURCE_SUFFIXES = (".c", ".cc", ".cpp", ".cxx", ".C")
REPRO = "scripts/kmapsim repro"  # the replay prefix every crash file carries


class KmapsimExit(Exception):
    """Ends the command with CODE after printing "kmapsim: MESSAGE" (if any)."""

    code = 3

    def __init__(self, message="", code=None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class Unusable(KmapsimExit):
    """The input was unusable: exit 2."""

    code = 2


class Failure(KmapsimExit):
    """kmapsim itself could not do its job: exit 3."""

    code = 3


class Exit(KmapsimExit):
    """A plain exit code whose message (if any) was already printed."""

    def __init__(self, code):
        super().__init__("", code)


def say(msg):
    print("kmapsim: " + msg, file=sys.stderr, flush=True)


def is_tty():
    return sys.stderr.isatty()


def rel(path):
    """PATH relative to the repository root when the command runs from the
    root (printed commands stay short), else absolute."""
    path = os.path.abspath(path)
    if os.getcwd() == ROOT and path.startswith(ROOT + os.sep):
        return os.path.relpath(path, ROOT)
    return path


def root_rel(path):
    """PATH as typed from the repository root (for reports and tables)."""
    path = os.path.abspath(path)
    return os.path.relpath(path, ROOT) if path.startswith(ROOT + os.sep) else path


def whole_number(flag, value):
    """A whole number > 0, or Unusable naming the flag."""
    if not re.fullmatch(r"[0-9]+", str(value)) or int(value) <= 0:
        raise Unusable("%s takes a whole number of seconds > 0, got '%s'" % (flag, value))
    return int(value)


def readable_file(path):
    if not os.path.exists(path):
        raise Unusable("%s: no such file" % path)
    if not os.path.isfile(path):
        raise Unusable("%s: not a file" % path)
    if not os.access(path, os.R_OK):
        raise Unusable("%s: cannot read it" % path)


def is_source(path):
    return path.endswith(SOURCE_SUFFIXES)


@contextlib.contextmanager
def locked(path):
    """Holds an exclusive lock on PATH (created), so two kmapsim commands
    never build one directory at once."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


@contextlib.contextmanager
def scratch_dir():
    """A temporary directory under .kmapsim, removed however the block ends."""
    os.makedirs(STATE, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tmp.", dir=STATE) as d:
        yield d


def write_whole(path, text):
    """Writes TEXT to PATH whole: a reader (another check, a compiler) sees
    the old file or the new one, never a half-written one; two writers of
    one path each write their own scratch file first."""
    tmp = "%s.%d.tmp" % (path, os.getpid())
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def plural(n, word):
    return "%d %s%s" % (n, word, "" if n == 1 else "s")


def keep_newest(directory, keep):
    """Removes the files of DIRECTORY beyond the KEEP most recently
    modified (a cache's users touch a file when they use it); scratch
    files being written (*.tmp) are left alone."""
    entries = []
    for name in os.listdir(directory):
        if name.endswith(".tmp"):
            continue
        try:
            entries.append((os.stat(os.path.join(directory, name)).st_mtime_ns, name))
        except OSError:
            continue
    entries.sort(reverse=True)
    for _, name in entries[keep:]:
        try:
            os.remove(os.path.join(directory, name))
        except OSError:
            pass
