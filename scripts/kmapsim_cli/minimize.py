"""`kmapsim minimize`: the smallest input that keeps the class of a finding.

A kmapsim crash file is shrunk on its decision trace: delta debugging
removes runs of decisions (halves, quarters, ... single ones), then lowers
values (to the lowest choice, then halved). Each candidate runs through the
driver's lenient replay (--replay CAND --lenient --expect CLASS), which follows
the edited trace as far as it fits, takes the lowest choice where it does not,
and records the run actually taken; a candidate counts when the run reports
the same class, and then that recorded trace is the new current one. Smaller
means fewer decisions, then lower values. The result is written next to the
original as NAME.min, a crash file that replays exactly.

A raw libFuzzer input goes through libFuzzer's -minimize_crash=1 (for a
kmapsim class with the driver's --expect CLASS, so only that class counts as
the crash), and the result NAME.min is replayed to check its class.

Exit: 0 NAME.min written with the same class, 2 the input is unusable (does
not reproduce, corrupt, unknown target), 3 kmapsim failed.
"""
import os
import re
import shutil
import subprocess
import tempfile
import time

from kmapsim_cli import builds, crash_file, driver
from kmapsim_cli import findings as fnd
from kmapsim_cli.common import KmapsimExit, Unusable, readable_file, whole_number
from kmapsim_cli.crash_file import CrashFile

HELP = """\
Shrinks CRASH to the smallest input that still reports the same class and
writes it beside it as CRASH.min:
  - a kmapsim crash file: delta debugging on its decision trace (drop runs
    of decisions, then lower the values), every candidate run by the target;
    CRASH.min is a crash file that replays exactly
    (scripts/kmapsim repro CRASH.min)
  - a raw libFuzzer input (crash-<sha1>): libFuzzer's -minimize_crash=1,
    where only a report of the same class counts as the crash, then CRASH.min
    is replayed to check its class. The target is the folder of that name on
    the input's path (as in overnight's artifacts/<target>/), or --target NAME.

  --seconds N   time budget (default 60)
  --target NAME the target of a raw input

Exit: 0 CRASH.min written (same class), 2 CRASH is unusable (missing,
corrupt, does not reproduce, no target), 3 kmapsim failed."""
USAGE = "scripts/kmapsim minimize CRASH [--seconds N] [--target NAME]"


def add_parser(sub):
    p = sub.add_parser("minimize", usage=USAGE, description=HELP, help="the smallest input that keeps the class")
    p.add_argument("input", nargs="*")
    p.add_argument("--seconds", default="60")
    p.add_argument("--target")
    p.set_defaults(run=run, setup_first=True)


def die(msg, code=2):
    raise KmapsimExit("minimize: " + msg, code)


def size_key(ds):
    return (len(ds), sum(v for _, v in ds), [v for _, v in ds])


class TraceShrinker:
    def __init__(self, binary, crash, fields, cls, work, deadline):
        self.bin, self.crash, self.f, self.cls = binary, crash, fields, cls
        self.work, self.deadline = work, deadline
        self.cache = {}
        self.runs = 0
        self.best_file = None

    def try_(self, ds):
        """The recorded trace of the run the candidate steers, if that run
        reports the class; else None."""
        h = crash_file.encode_trace(ds)
        if h in self.cache:
            return self.cache[h]
        self.runs += 1
        f = self.f
        cand = os.path.join(self.work, "candidate")
        crash_file.write(cand, CrashFile(f.target, f.subject, f.profile, f.report, "-", ds, f.build))
        out_dir = os.path.join(self.work, "out")
        shutil.rmtree(out_dir, ignore_errors=True)
        cmd = [self.bin, "--replay", cand, "--lenient", "--expect", self.cls, "--crash-dir", out_dir,
               "--replay-prefix", "scripts/kmapsim repro"]
        if f.target:
            cmd += ["--target", f.target]
        if f.build:
            cmd += ["--build", f.build]
        json_path = os.path.join(self.work, "result.json")
        try:
            p, result = driver.run(self.bin, cmd[1:], json_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, timeout=60, errors="replace")
        except subprocess.TimeoutExpired:
            self.cache[h] = None
            return None
        res = None
        if p.returncode == 0 and result is not None and result.reported and os.path.exists(result["crash_file"]):
            with open(result["crash_file"]) as cf:
                text = cf.read()
            res = (crash_file.decode(text).trace, text)
        elif p.returncode == 2:
            die("the driver refused a candidate: %s" % p.stdout.strip().splitlines()[-1], 3)
        self.cache[h] = res
        return res

    def accept(self, cur, cand):
        r = self.try_(cand)
        if r and size_key(r[0]) < size_key(cur):
            self.best_file = r[1]
            return r[0]
        return None

    def out_of_time(self):
        return time.monotonic() > self.deadline

    def shrink(self, ds):
        cur = ds
        changed = True
        while changed and not self.out_of_time():
            changed = False
            # remove runs of decisions, largest first
            chunk = max(1, len(cur) // 2)
            while chunk >= 1 and not self.out_of_time():
                i = 0
                while i < len(cur) and not self.out_of_time():
                    got = self.accept(cur, cur[:i] + cur[i + chunk:])
                    if got is not None:
                        cur, changed = got, True
                    else:
                        i += chunk
                chunk //= 2
            # lower values: the lowest choice, else half
            i = 0
            while i < len(cur) and not self.out_of_time():
                site, v = cur[i]
                for nv in (0, v // 2) if v > 1 else ((0,) if v else ()):
                    got = self.accept(cur, cur[:i] + [(site, nv)] + cur[i + 1:])
                    if got is not None:
                        cur, changed = got, True
                        break
                i += 1
        return cur


def minimize_crash_file(args):
    crash = args.input
    try:
        fields = crash_file.read(crash)
    except (OSError, ValueError) as e:
        die("%s: %s" % (crash, e))
    cls = fields.bug_class
    if not cls:
        die("%s: its report line names no kmapsim class" % crash)
    p = subprocess.run([args.bin, "--replay", crash, "--expect", cls], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       stdin=subprocess.DEVNULL, errors="replace")
    if p.returncode != 0:
        last = (p.stdout.strip().splitlines() or ["(no output)"])[-1]
        die("%s does not reproduce its class %s: %s" % (crash, cls, last))
    start = fields.trace
    work = tempfile.mkdtemp(prefix="kmapsim-minimize.")
    t0 = time.monotonic()
    try:
        s = TraceShrinker(args.bin, crash, fields, cls, work, t0 + args.seconds)
        best = s.shrink(start)
        result = crash_file.decode(s.best_file) if s.best_file else fields
    finally:
        shutil.rmtree(work, ignore_errors=True)
    dst = crash + ".min"
    result.replay = "scripts/kmapsim repro " + fnd.rel(dst)
    crash_file.write(dst, result)
    # The result must replay exactly (not leniently) to the same class.
    p = subprocess.run([args.bin, "--replay", dst, "--expect", cls], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       stdin=subprocess.DEVNULL, errors="replace")
    if p.returncode != 0:
        die("the minimised crash file %s does not replay to %s (a kmapsim bug): %s" % (
            dst, cls, (p.stdout.strip().splitlines() or ["?"])[-1]), 3)
    first = result.report
    if best == start:
        note = "already minimal: %d decisions" % len(start)
    elif len(best) == len(start):
        note = "%d decisions, values lowered (sum %d -> %d)" % (len(best), sum(v for _, v in start), sum(v for _, v in best))
    else:
        note = "%d -> %d decisions" % (len(start), len(best))
    print("kmapsim: minimize: %s: %s (%d candidate runs, %.1fs%s); class %s kept" % (
        crash, note, s.runs, time.monotonic() - t0, ", time budget spent" if s.out_of_time() else "", cls))
    print("  %s" % first)
    print("  wrote %s (replay: scripts/kmapsim repro %s)" % (dst, dst))
    return 0


def minimize_raw(args):
    path = args.input
    targets = fnd.load_targets(builds.build_preset("fuzz"))
    if args.target:
        if args.target not in targets:
            die("unknown target '%s' (see scripts/kmapsim fuzz --list)" % args.target)
        target = targets[args.target]
    else:
        target = fnd.target_of_path(path, targets)
        if not target:
            die("%s: which target is it an input of? (pass --target NAME; scripts/kmapsim fuzz --list)" % path)
    if os.path.basename(path).startswith(("timeout-", "oom-")):
        die("%s: timeouts and out-of-memory inputs are not minimised (no class to keep)" % path)
    work = tempfile.mkdtemp(prefix="kmapsim-minimize.")
    try:
        orig = fnd.replay_artifact(target, path, work)
        if orig is None:
            die("%s replays clean on %s: nothing to minimise" % (path, target["name"]))
        cls = orig["class"]
        dst = path + ".min"
        if os.path.exists(dst):
            os.remove(dst)
        flags = ["-minimize_crash=1", "-runs=10000", "-max_total_time=%d" % args.seconds, "-exact_artifact_path=%s" % dst,
                 "-timeout=20", "-rss_limit_mb=2048", "-artifact_prefix=%s/" % work]
        if target["kind"] == "subject":
            cmd = [target["bin"], "--crash-dir", work, "--target", target["name"]]
            if fnd.REPORT_RE.match(orig["first_line"]):
                cmd += ["--expect", cls]
            cmd += ["--fuzz"] + flags + [path]
        else:
            cmd = [target["bin"]] + flags + [path]
        t0 = time.monotonic()
        log = os.path.join(work, "log")
        with open(log, "w") as lf:
            try:
                rc = subprocess.call(cmd, stdout=lf, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     timeout=args.seconds + 60)
            except subprocess.TimeoutExpired:
                rc = -1
        if not os.path.exists(dst):
            text = open(log, errors="replace").read()
            die("libFuzzer's -minimize_crash wrote nothing (exit %d): %s" % (
                rc, (re.findall(r"^(?:ERROR|CRASH_MIN).*$", text, re.M) or ["?"])[-1]), 3)
        now = fnd.replay_artifact(target, dst, work)
        if now is None or now["class"] != cls:
            os.remove(dst)
            die("libFuzzer's minimised input no longer reports %s (%s); nothing written" % (
                cls, now["class"] if now else "clean"), 3)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    a, b = os.path.getsize(path), os.path.getsize(dst)
    print("kmapsim: minimize: %s: %d -> %d bytes (%.1fs); class %s kept" % (path, a, b, time.monotonic() - t0, cls))
    print("  %s" % now["first_line"])
    print("  wrote %s (replay: %s)" % (dst, fnd.raw_replay_command(target, dst)))
    return 0


def run(args):
    args.seconds = whole_number("--seconds", args.seconds)
    if len(args.input) > 1:
        raise Unusable("minimize: one input at a time")
    if not args.input:
        raise Unusable("minimize: which crash? (usage: %s)" % USAGE)
    args.input = args.input[0]
    readable_file(args.input)
    if crash_file.is_crash_file(args.input):
        from kmapsim_cli.repro import crash_file_binary
        args.bin = crash_file_binary(args.input)
        return minimize_crash_file(args)
    return minimize_raw(args)
