"""What a finding is, shared by `kmapsim overnight`, `triage` and `minimize`.

A finding is one input that made a target report: a kmapsim crash file
(text: class, subject, first report line, decision trace) or a raw libFuzzer
artifact (crash-/timeout-/oom-/leak-<sha1>), which is classified by replaying
it. Findings are grouped by class and site:

  class  the kmapsim bug class (kmap-escape, ...), or for what is not a
         kmapsim report: asan:<kind>, ubsan, leak, timeout, oom,
         deadly-signal
  site   the subject, then the report's first line with every number
         normalised (0x<hex> -> 0x?, digits -> N): addresses and pfns change
         from run to run, the place and the kind of misuse do not. The
         driver's --known flag normalises the same way (normalise_line in
         fuzz/driver_fuzz.cc); the driver's --json result carries it as "site".
"""
import os
import re
import subprocess

from kmapsim_cli import crash_file, driver
from kmapsim_cli.builds import load_targets  # noqa: F401 (findings' users take it from here)
from kmapsim_cli.common import root_rel
from kmapsim_cli.crash_file import REPORT_RE, is_crash_file  # noqa: F401

ARTIFACT_PREFIXES = ("crash-", "timeout-", "oom-", "leak-")
REPLAY_TIMEOUT = 30  # seconds; an artifact that runs longer is a timeout


def normalise(line):
    return re.sub(r"0x[0-9a-fA-F]+|[0-9]+", lambda m: "0x?" if m.group(0).startswith("0x") else "N", line)


def finding(cls, subject, first_line, target, path, kind, replay):
    rest = first_line
    m = REPORT_RE.match(first_line)
    if m:
        rest = m.group(2)
    site = "%s: %s" % (subject, normalise(rest)) if subject else normalise(rest)
    return {"class": cls, "site": site, "key": cls + "\t" + site, "subject": subject, "first_line": first_line,
            "target": target, "path": path, "kind": kind, "replay": replay}


def rel(path):
    """A path as a person would type it from the repository root."""
    return root_rel(path)


def from_crash_file(path):
    """The finding a crash file records; OSError or ValueError (CrashFileError)."""
    c = crash_file.read(path)
    return finding(c.bug_class or "unknown", c.subject, c.report, c.target, path, "crash-file",
                   "scripts/kmapsim repro " + rel(path))


def classify_output(text):
    """(class, subject-or-None, first line) of a run's output that ended in
    what is not a kmapsim report of a subject target (those come from the
    driver's --json result): a sanitizer's or libFuzzer's report, or a
    report of an LLVMFuzzerTestOneInput target (no driver)."""
    for line in text.splitlines():
        m = REPORT_RE.match(line)
        if m:
            return m.group(1), None, line
    summary = re.search(r"^SUMMARY: (\w+): (.*)$", text, re.M)
    for pattern, cls in ((r"ERROR: AddressSanitizer: ([\w-]+)", "asan:%s"), (r"ERROR: LeakSanitizer", "leak"),
                         (r"runtime error: ", "ubsan"), (r"ERROR: libFuzzer: timeout", "timeout"),
                         (r"ERROR: libFuzzer: out-of-memory", "oom"), (r"ERROR: libFuzzer: deadly signal", "deadly-signal"),
                         (r"WARNING: ThreadSanitizer: ([\w -]+?)(?: \(|$)", "tsan:%s")):
        m = re.search(pattern, text, re.M)
        if m:
            name = cls % m.group(1).strip().replace(" ", "-") if "%s" in cls else cls
            line = summary.group(0) if summary else m.group(0)
            # the first frame of our own code says where
            frame = re.search(r"^\s+#\d+ 0x[0-9a-f]+ in (\S+) (/\S*/(?:model|fuzz|subjects|tests)/\S+)", text, re.M)
            if frame:
                line += " [%s %s]" % (frame.group(1), os.path.basename(frame.group(2)))
            return name, None, line
    m = re.search(r"^kmapsim: .*$", text, re.M)
    if m:
        return "kmapsim-error", None, m.group(0)
    return "unknown", None, (text.strip().splitlines() or ["(no output)"])[-1]


def replay_artifact(target, path, scratch):
    """Classifies a raw libFuzzer input of TARGET (a load_targets() entry) by
    replaying it once. Returns a finding, or None when it replays clean."""
    base = os.path.basename(path)
    name = target["name"]
    if base.startswith(("timeout-", "oom-")):
        # Replaying would take the whole limit again; the name says it.
        cls = base.split("-")[0]
        return finding(cls, name, "libFuzzer %s in %s" % (cls, name), name, path, "artifact", raw_replay_command(target, path))
    json_path = os.path.join(scratch, "replay.json")
    if target["kind"] == "subject":
        cmd = [target["bin"], "--crash-dir", scratch, "--target", name, "--replay-bytes", path, "--json", json_path]
    else:
        cmd = [target["bin"], "-timeout=%d" % REPLAY_TIMEOUT, "-rss_limit_mb=4096", path]
    if os.path.exists(json_path):
        os.remove(json_path)
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                           timeout=REPLAY_TIMEOUT + 10, errors="replace")
    except subprocess.TimeoutExpired:
        return finding("timeout", name, "replay of %s did not finish in %ds" % (base, REPLAY_TIMEOUT), name, path,
                       "artifact", raw_replay_command(target, path))
    if p.returncode == 0:
        return None
    result = driver.read_result(json_path) if target["kind"] == "subject" else None
    if result is not None and result.reported:
        return finding(result["class"], result["subject"], result["first_line"], name, path, "artifact",
                       raw_replay_command(target, path))
    cls, subject, first = classify_output(p.stdout)
    return finding(cls, subject or name, first, name, path, "artifact", raw_replay_command(target, path))


def raw_replay_command(target, path):
    if target["kind"] == "subject":
        return "%s --replay-bytes %s" % (rel(target["bin"]), rel(path))
    return "%s %s" % (rel(target["bin"]), rel(path))


def target_of_path(path, targets):
    """The target a raw input belongs to, from a folder on its path named like
    a target (overnight keeps artifacts in artifacts/<target>/)."""
    parts = os.path.abspath(path).split(os.sep)
    for part in reversed(parts[:-1]):
        if part in targets:
            return targets[part]
    return None


def is_artifact_name(path):
    return os.path.basename(path).startswith(ARTIFACT_PREFIXES)
