"""The crash-file format, the Python side (the C++ side, fuzz/crash_file.cc,
is the only other reader and writer; both must agree byte for byte).

A crash file is text:

    kmapsim-crash 1
    target: <subject source file, or a binary name>
    subject: <name>
    profile: <name>
    build: <how the target was built>   (only when not the default build)
    report: <the first report line>
    replay: <the command that replays it>
    decisions: <number of decisions>
    trace: <hex of the encoded decision trace>
    trace-hash: <FNV-1a of the encoded trace, 16 hex digits>

`build:` is "plain-accesses" for a subject `check --plain-accesses` built
with its loads and stores as scheduling points: `repro` rebuilds it that
way. A file without the line (every file written before it existed) means
the default build.

The trace encodes each decision as its site (one byte) and its value
(LEB128: 7 bits per byte, low first, the high bit says more follow).
"""
import os
import re

MAGIC = "kmapsim-crash"
VERSION = 1
FIELDS = ("target", "subject", "profile", "build", "report", "replay", "decisions", "trace", "trace-hash")
# Site::kCount in model/src/decision.h: a site byte at or above it is
# corruption. tests/cli/test_crash_file.py fails when the two differ (they
# did once: traces with a failed call or a stall were refused here).
SITES = 11
FNV_BASIS = 0xCBF29CE484222325
FNV_PRIME = 0x100000001B3
REPORT_RE = re.compile(r"^BUG: kmapsim: ([a-z0-9-]+): ?(.*)$")


class CrashFileError(ValueError):
    """A file that is not a readable crash file of this version (one line)."""


def is_crash_file(path):
    try:
        with open(path, "rb") as f:
            head = f.read(64).replace(b"\0", b"").split(b"\n")[0]
    except OSError:
        return False
    return re.fullmatch(rb"kmapsim-crash [0-9]+", head) is not None


def decode_trace(hexstr):
    """[(site, value)] of a trace's hex, or CrashFileError."""
    try:
        b = bytes.fromhex(hexstr)
    except ValueError:
        raise CrashFileError("corrupt crash file: the trace does not decode") from None
    out, i = [], 0
    while i < len(b):
        site, v, shift = b[i], 0, 0
        i += 1
        if site >= SITES:
            raise CrashFileError("corrupt crash file: the trace does not decode")
        while True:
            if i >= len(b) or shift > 63:
                raise CrashFileError("corrupt crash file: the trace does not decode")
            c = b[i]
            i += 1
            v |= (c & 0x7F) << shift
            shift += 7
            if not c & 0x80:
                break
        out.append((site, v))
    return out


def encode_trace(decisions):
    b = bytearray()
    for site, v in decisions:
        b.append(site)
        while True:
            c = v & 0x7F
            v >>= 7
            b.append(c | (0x80 if v else 0))
            if not v:
                break
    return b.hex()


def trace_hash(hexstr):
    h = FNV_BASIS
    for byte in bytes.fromhex(hexstr):
        h = ((h ^ byte) * FNV_PRIME) & 0xFFFFFFFFFFFFFFFF
    return "%016x" % h


class CrashFile:
    """One crash file's fields; trace is the list of (site, value)."""

    def __init__(self, target="", subject="", profile="", report="", replay="", trace=(), build=""):
        self.target, self.subject, self.profile = target, subject, profile
        self.report, self.replay = report, replay
        self.trace = list(trace)
        self.build = build

    @property
    def bug_class(self):
        m = REPORT_RE.match(self.report)
        return m.group(1) if m else None

    def encode(self):
        hexstr = encode_trace(self.trace)
        build = "build: %s\n" % self.build if self.build else ""
        return ("%s %d\ntarget: %s\nsubject: %s\nprofile: %s\n%sreport: %s\nreplay: %s\ndecisions: %d\ntrace: %s\n"
                "trace-hash: %s\n" % (MAGIC, VERSION, self.target, self.subject, self.profile, build, self.report,
                                      self.replay, len(self.trace), hexstr, trace_hash(hexstr)))


def decode(text):
    """A CrashFile from TEXT, or CrashFileError with the C++ reader's message."""
    lines = text.split("\n")
    if not lines[0].startswith(MAGIC):
        raise CrashFileError("not a kmapsim crash file (no 'kmapsim-crash' header)")
    m = re.match(r"\s*([0-9]+)", lines[0][len(MAGIC):])
    version = int(m.group(1)) if m else 0
    if version != VERSION:
        raise CrashFileError("crash file format version %d, this kmapsim reads version %d" % (version, VERSION))
    fields = {}
    for line in lines[1:]:
        k, sep, v = line.partition(": ")
        if not sep:
            if not line:
                continue
            raise CrashFileError("malformed crash file line: " + line[:60])
        fields[k] = v
    trace = decode_trace(fields.get("trace", ""))
    if "decisions" in fields and fields["decisions"] != str(len(trace)):
        raise CrashFileError("corrupt crash file: decision count does not match the trace")
    if fields.get("trace-hash") and fields["trace-hash"] != trace_hash(fields.get("trace", "")):
        raise CrashFileError("corrupt crash file: trace-hash does not match the trace")
    if not fields.get("subject") or not fields.get("profile"):
        raise CrashFileError("corrupt crash file: no subject or profile")
    return CrashFile(fields.get("target", ""), fields["subject"], fields["profile"], fields.get("report", ""),
                     fields.get("replay", ""), trace, fields.get("build", ""))


def read(path):
    """The CrashFile at PATH; OSError or CrashFileError."""
    with open(path, errors="replace") as f:
        return decode(f.read())


def write(path, crash):
    with open(path + ".tmp", "w") as f:
        f.write(crash.encode())
    os.replace(path + ".tmp", path)
