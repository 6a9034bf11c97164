"""`kmapsim overnight`: long coverage-guided campaigns over the fuzz targets.

The targets take turns in slices (a rotation, so every target is visited
several times and the plot has points all along); each slice is one libFuzzer
run in fork mode (-fork=J -ignore_crashes=1 -ignore_timeouts=1
-ignore_ooms=1), so a crash ends a job, never the campaign. After a target's
first report of a site, later slices pass that report line to the driver
(--known) so the target goes on looking for other bugs instead of finding the
same one again in every job. When the time is spent every corpus is merged
into a fresh directory (-merge=1), which then replaces it.

Everything lives in OUT and a rerun with the same OUT continues:

  OUT/state.json        the campaign: budget, time spent, per-target totals,
                        findings by class and site (rewritten atomically)
  OUT/progress.log      one line per sample: time, execs, coverage, findings
  OUT/corpus/<target>/  working corpora (libFuzzer writes new inputs here)
  OUT/crashes/          kmapsim crash files written by the targets
  OUT/artifacts/<target>/  libFuzzer's crash-/timeout-/oom- inputs
  OUT/logs/<target>.log libFuzzer's output, appended slice after slice
  OUT/tmp/<target>/     TMPDIR of the fork jobs: inputs of jobs cut short by
                        an interrupt are taken into the corpus on the next run
  OUT/report.md, OUT/overnight.png   the report and its plot

Exit: 0 nothing found, 1 findings (see the report), 2 bad input, 3 kmapsim
could not run the targets, 130 interrupted (rerun to continue).
"""
import fcntl
import glob
import hashlib
import json
import os
import re
import shutil
import signal
import sys
import time

from kmapsim_cli import builds
from kmapsim_cli import findings as fnd
from kmapsim_cli.common import STATE, KmapsimExit, Unusable, whole_number
from kmapsim_cli import overnight_report
from kmapsim_cli.overnight_slices import TORTURE, Slices
from kmapsim_cli.overnight_report import count, hms, human, plural

HELP = """\
A long campaign. Builds the fuzz preset, then fuzzes the targets (all of them
by default; `scripts/kmapsim fuzz --list` names them) in turns, each turn a
libFuzzer run in fork mode (-fork=J -ignore_crashes=1 -ignore_timeouts=1
-ignore_ooms=1): crashes, timeouts and out-of-memory inputs are collected
and the campaign goes on. Findings are deduplicated by class and site (the
subject and the report's first line with numbers normalised); once a target
has reported a site, its later turns treat that report as known and look for
other bugs. When the time is spent, every corpus is merged (-merge=1) into a
fresh, smaller one with the same coverage.

  --hours H     fuzzing time in all (default 8; decimals allowed)
  --seconds S   the same in seconds (short runs)
  --jobs J      parallel fuzzing processes per turn (default: the cores)
  --out DIR     the campaign's directory (default .kmapsim/overnight)
  --no-torture  leave out the torture job (it joins the turns when no TARGET
                is named and `scripts/kmapsim torture` is available)

Stop it at any time (Ctrl-C, kill): nothing is lost, and the same command
with the same --out continues where it stopped (time already spent counts;
a finished campaign gets H more hours on top of its corpora and findings).
On a terminal a progress line shows time, target, execs, coverage, findings.

Writes DIR/report.md (findings by class; each finding with its first line and
replay command; targets with execs and coverage) and DIR/overnight.png
(coverage and findings over time, drawn with matplotlib). Also in DIR:
corpus/<target>/, crashes/, artifacts/<target>/, logs/, state.json,
progress.log.
Exit: 0 nothing found, 1 findings, 2 bad input, 130 interrupted (resumable)."""
USAGE = "scripts/kmapsim overnight [--hours H] [--jobs J] [--out DIR] [--no-torture] [TARGET...]"
STATE_VERSION = 1
KEEP_FILES = 20  # inputs remembered per finding (all stay on disk)


class Campaign(Slices):
    def __init__(self, args):
        self.args = args
        self.out = os.path.abspath(args.out)
        self.targets = fnd.load_targets(args.build)
        self.tty = sys.stderr.isatty()
        self.stop = False
        self.proc = None
        self.last_sample = 0.0
        self.status_text = ""

    # ------------------------------------------------------------ state
    def path(self, *parts):
        return os.path.join(self.out, *parts)

    def load_state(self):
        p = self.path("state.json")
        if os.path.exists(p):
            try:
                st = json.load(open(p))
            except ValueError:
                fail("%s is corrupt (not JSON); move it away to start a new campaign in %s" % (fnd.rel(p), fnd.rel(self.out)), 2)
            if st.get("version") != STATE_VERSION:
                fail("%s was written by another version of kmapsim overnight" % fnd.rel(p), 2)
            return st
        return {"version": STATE_VERSION, "budget": 0, "elapsed": 0.0, "phase": "new", "sessions": [], "targets": {},
                "findings": {}, "seen": {}, "next": 0, "pgid": None, "torture": None, "merged": [], "merge_results": {}}

    def save(self):
        p = self.path("state.json")
        with open(p + ".tmp", "w") as f:
            json.dump(self.st, f, indent=1, sort_keys=True)
        os.replace(p + ".tmp", p)

    def tstate(self, name):
        return self.st["targets"].setdefault(name, {"execs": 0, "cov": 0, "ft": 0, "corpus": 0, "seconds": 0.0, "slices": 0,
                                                    "crashes": 0, "timeouts": 0, "ooms": 0, "error": None})

    # ------------------------------------------------------------ setup
    def lock(self):
        os.makedirs(self.out, exist_ok=True)
        self.lock_fd = open(self.path(".lock"), "a+")
        try:
            fcntl.flock(self.lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fail("%s is in use by another `kmapsim overnight` (one campaign per directory)" % fnd.rel(self.out), 2)

    def recover(self):
        """Leftovers of a run that was killed: its processes, a half-done
        corpus swap, the inputs of fork jobs it did not merge."""
        pgid = self.st.get("pgid")
        if pgid:
            for pid in self.group_members(pgid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            self.st["pgid"] = None
        for old in glob.glob(self.path("corpus.old", "*")):
            name = os.path.basename(old)
            cur = self.path("corpus", name)
            if not os.path.isdir(cur):
                os.rename(old, cur)
            else:
                shutil.rmtree(old, ignore_errors=True)
        shutil.rmtree(self.path("corpus.merge"), ignore_errors=True)
        for name in os.listdir(self.path("tmp")) if os.path.isdir(self.path("tmp")) else []:
            n = self.harvest(name)
            if n:
                self.tstate(name)["recovered"] = self.tstate(name).get("recovered", 0) + n
                self.say("%s: %d input%s of interrupted fork jobs taken into the corpus" % (name, n, "" if n == 1 else "s"))

    def group_members(self, pgid):
        """Processes of process group PGID that belong to this campaign."""
        pids = []
        for d in glob.glob("/proc/[0-9]*"):
            try:
                stat = open(d + "/stat").read()
                pgrp = int(stat[stat.rindex(")") + 2:].split()[2])
                cmd = open(d + "/cmdline", "rb").read().decode(errors="replace")
            except (OSError, ValueError, IndexError):
                continue
            if pgrp == pgid and self.out in cmd:
                pids.append(int(os.path.basename(d)))
        return pids

    def harvest(self, name):
        """Inputs left in fork-job directories (TMPDIR=OUT/tmp/<target>) go
        into the target's corpus, named by content like libFuzzer's."""
        tmp = self.path("tmp", name)
        corpus = self.path("corpus", name)
        taken = 0
        for d in glob.glob(os.path.join(tmp, "libFuzzerTemp.*", "C[0-9]*")):
            for f in glob.glob(os.path.join(d, "*")):
                try:
                    data = open(f, "rb").read()
                except OSError:
                    continue
                dst = os.path.join(corpus, hashlib.sha1(data).hexdigest())
                if name in self.targets and not os.path.exists(dst):
                    os.makedirs(corpus, exist_ok=True)
                    with open(dst + ".tmp", "wb") as o:
                        o.write(data)
                    os.replace(dst + ".tmp", dst)
                    taken += 1
        shutil.rmtree(tmp, ignore_errors=True)
        return taken

    # ------------------------------------------------------------ signals
    def on_signal(self, signum, frame):
        # libFuzzer's fork parent ignores SIGINT while its jobs run (it starts
        # them with system()) and deletes its job directory on SIGTERM: stop
        # the whole group with SIGKILL; every input found so far is on disk
        # (the corpus, the jobs' directories under OUT/tmp, crash files,
        # artifacts) and harvest() takes the jobs' inputs.
        self.stop = True
        if self.proc:
            self.kill_group(signal.SIGKILL)

    def kill_group(self, sig):
        try:
            os.killpg(self.proc.pid, sig)
        except OSError:
            pass

    # ------------------------------------------------------------ output
    def say(self, msg):
        if self.tty and self.status_text:
            sys.stderr.write("\r\033[K")
        print("kmapsim: overnight: " + msg, file=sys.stderr, flush=True)
        if self.tty and self.status_text:
            sys.stderr.write(self.status_text)
            sys.stderr.flush()

    def status(self, text):
        if not self.tty:
            return
        width = shutil.get_terminal_size((100, 20)).columns - 1
        self.status_text = "\r\033[K" + text[:width]
        sys.stderr.write(self.status_text)
        sys.stderr.flush()

    def clear_status(self):
        if self.tty and self.status_text:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
        self.status_text = ""

    # ------------------------------------------------------------ findings
    def known_lines(self, name):
        return sorted({f["first_line"] for f in self.st["findings"].values()
                       if f["target"] == name and fnd.REPORT_RE.match(f["first_line"])})

    def add(self, f, age=0.0):
        fs = self.st["findings"]
        kind = "crash_files" if f["kind"] == "crash-file" else "raw"
        p = fnd.rel(f["path"])
        if f["key"] not in fs:
            fs[f["key"]] = {"class": f["class"], "site": f["site"], "target": f["target"], "subject": f["subject"],
                            "first_line": f["first_line"], "first_seen": round(max(0.0, self.st["elapsed"] - age), 1),
                            "crash_files": [], "raw": [], "n_crash_files": 0, "n_raw": 0, "replay": f["replay"],
                            "n": len(fs) + 1}
            e = fs[f["key"]]
            expect = self.targets.get(f["target"], {}).get("expect")
            tag = " (expected: zoo bug)" if expect == f["class"] else ""
            self.say("new finding #%d: %s in %s%s\n  %s\n  replay: %s" % (e["n"], f["class"], f["target"], tag,
                                                                          f["first_line"], f["replay"]))
        e = fs[f["key"]]
        e["n_" + kind] += 1
        if len(e[kind]) < KEEP_FILES:
            e[kind].append(p)
        if kind == "crash_files" and not e["crash_files"][1:]:
            e["replay"] = f["replay"]  # a crash file replays with the report and events: prefer it

    def scan(self, final=False):
        """Classifies crash files and artifacts not seen before."""
        seen = self.st["seen"]
        now = time.time()
        for p in sorted(glob.glob(self.path("crashes", "*.crash"))):
            r = fnd.rel(p)
            if r in seen or (not final and now - os.path.getmtime(p) < 1):
                continue
            try:
                f = fnd.from_crash_file(p)
            except (OSError, ValueError) as e:
                seen[r] = "unreadable: %s" % e
                continue
            seen[r] = f["key"]
            self.add(f, now - os.path.getmtime(p))
        scratch = self.path("tmp", "replay")
        for p in sorted(glob.glob(self.path("artifacts", "*", "*"))):
            r = fnd.rel(p)
            name = os.path.basename(os.path.dirname(p))
            if r in seen or not fnd.is_artifact_name(p) or name not in self.targets:
                continue
            if not final and now - os.path.getmtime(p) < 2:
                continue
            os.makedirs(scratch, exist_ok=True)
            f = fnd.replay_artifact(self.targets[name], p, scratch)
            shutil.rmtree(scratch, ignore_errors=True)
            if f is None:
                seen[r] = "clean on replay"
                continue
            seen[r] = f["key"]
            self.add(f, now - os.path.getmtime(p))

    # ------------------------------------------------------------ progress
    def totals(self):
        # Coverage is libFuzzer's features (edges and their hit-count
        # buckets): its fork mode's "cov" is not reliable once the corpus is
        # not empty (it starts from the seeds' feature count). Edges are
        # counted exactly by the merge at the end.
        ft = sum(t["ft"] for t in self.st["targets"].values())
        execs = sum(t["execs"] for t in self.st["targets"].values())
        return ft, execs

    def sample(self, name):
        cov, execs = self.totals()
        t = self.st["targets"].get(name, {})
        line = "%.1f\t%d\t%s\t%d\t%d\t%d\t%d\n" % (self.st["elapsed"], len(self.st["sessions"]), name, execs, cov,
                                                  len(self.st["findings"]), t.get("corpus", 0))
        p = self.path("progress.log")
        head = "" if os.path.exists(p) else "# seconds\trun\ttarget\texecs\tfeatures\tfindings\tcorpus\n"
        with open(p, "a") as f:
            f.write(head + line)

    def progress_line(self, name, idx, n):
        cov, execs = self.totals()
        nf = len(self.st["findings"])
        self.status("[%s / %s] %s (%d/%d)  %s execs  %d features  %d findings" % (
            hms(self.st["elapsed"]), hms(self.st["budget"]), name, idx + 1, n, count(execs), cov, nf))

    # ------------------------------------------------------------ slices
    # ------------------------------------------------------------ main
    def run(self):
        a = self.args
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, self.on_signal)
        self.lock()
        self.st = self.load_state()
        self.recover()
        names = a.targets or sorted(self.targets)
        want_torture = (not a.targets and not a.no_torture) or TORTURE in names
        names = [n for n in names if n != TORTURE]
        unknown = [n for n in names if n not in self.targets]
        if unknown:
            fail("unknown target%s %s (see scripts/kmapsim fuzz --list)" % ("s" if len(unknown) > 1 else "", ", ".join(unknown)), 2)
        if self.st["phase"] in ("new", "done"):
            resumed = self.st["phase"] == "done"
            self.st["budget"] = self.st["elapsed"] + a.seconds
            self.st["phase"] = "fuzzing"
            self.st["merged"] = []
            self.st["torture"] = None  # ask again: it may have become available
            if resumed:
                self.say("%s holds a finished campaign (%s, %s): adding %s on top of its corpora" % (
                    fnd.rel(self.out), human(self.st["elapsed"]), plural(len(self.st["findings"]), "finding"),
                    human(a.seconds)))
        else:
            self.st["budget"] = max(a.seconds, self.st["elapsed"]) if a.explicit_budget else self.st["budget"]
            self.say("resuming the campaign in %s: %s of %s done, %s so far" % (
                fnd.rel(self.out), human(self.st["elapsed"]), human(self.st["budget"]),
                plural(len(self.st["findings"]), "finding")))
        self.st["targets_wanted"] = names
        self.st["jobs"] = a.jobs
        self.st["sessions"].append({"start": time.strftime("%Y-%m-%d %H:%M:%S"), "at": round(self.st["elapsed"], 1)})
        self.save()
        rotation = list(names)
        if want_torture and not (self.st.get("torture") or "").startswith(("not available", "failed")):
            rotation.append(TORTURE)
        self.st["torture_wanted"] = TORTURE in rotation
        budget = self.st["budget"]
        left = budget - self.st["elapsed"]
        self.slice = min(900.0, max(5.0, budget / (len(rotation) * 4.0)))
        self.sample_every = min(30.0, max(1.0, budget / 300.0))
        if left > 0.5 and self.st["phase"] == "fuzzing":
            self.say("%d target%s%s, %s in turns of %s, -fork=%d; output in %s (Ctrl-C stops, the same command resumes)" % (
                len(names), "" if len(names) == 1 else "s", " + torture" if TORTURE in rotation else "", human(left),
                human(self.slice), a.jobs, fnd.rel(self.out)))
        while self.st["phase"] == "fuzzing" and not self.stop and rotation:
            left = budget - self.st["elapsed"]
            if left < 1:
                break
            idx = self.st["next"] % len(rotation)
            name = rotation[idx]
            self.st["next"] += 1
            secs = min(self.slice, left)
            if name == TORTURE:
                self.torture_slice(secs, idx, len(rotation))
                if (self.st.get("torture") or "").startswith(("not available", "failed")):
                    rotation.remove(TORTURE)
                continue
            self.fuzz_slice(name, secs, idx, len(rotation))
            if self.tstate(name).get("error"):
                rotation.remove(name)
        self.clear_status()
        if not self.stop and self.st["phase"] == "fuzzing" and not rotation:
            self.write_report("failed")
            fail("no target could be fuzzed (see %s)" % fnd.rel(self.path("logs")), 3)
        if not self.stop:
            self.merge(names)
        self.clear_status()
        if self.stop:
            self.save()
            self.write_report("interrupted")
            self.say("interrupted after %s of %s; nothing is lost: rerun the same command (--out %s) to continue" % (
                human(self.st["elapsed"]), human(budget), fnd.rel(self.out)))
            return 130
        self.st["phase"] = "done"
        self.save()
        self.write_report("finished")
        nf = len(self.st["findings"])
        self.say("done: %s, %d finding%s; report: %s" % (human(self.st["elapsed"]), nf, "" if nf == 1 else "s",
                                                         fnd.rel(self.path("report.md"))))
        return 1 if nf else 0

    def write_report(self, status):
        overnight_report.write_report(self, status)


def fail(msg, code):
    raise KmapsimExit("overnight: " + msg, code)


def add_parser(sub):
    p = sub.add_parser("overnight", usage=USAGE, description=HELP,
                       help="fuzz for hours (resumable); report.md with a plot")
    p.add_argument("targets", nargs="*")
    p.add_argument("--hours")
    p.add_argument("--seconds")
    p.add_argument("--jobs")
    p.add_argument("--out", default=os.path.join(STATE, "overnight"))
    p.add_argument("--no-torture", action="store_true")
    p.set_defaults(run=run, setup_first=True)


def run(args):
    args.explicit_budget = args.hours is not None or args.seconds is not None
    if args.hours is not None:
        v = args.hours
        if not re.fullmatch(r"[0-9]*\.?[0-9]+", v) or float(v) <= 0:
            raise Unusable("--hours takes a number of hours > 0, got '%s'" % v)
        args.seconds = max(1.0, round(float(v) * 3600))
    elif args.seconds is not None:
        args.seconds = float(whole_number("--seconds", args.seconds))
    else:
        args.seconds = 8 * 3600.0
    if args.jobs is None:
        args.jobs = os.cpu_count() or 1
    elif not re.fullmatch(r"[0-9]+", args.jobs) or int(args.jobs) <= 0:
        raise Unusable("--jobs takes a whole number > 0, got '%s'" % args.jobs)
    args.jobs = int(args.jobs)
    if not args.out:
        raise Unusable("--out needs a directory")
    if os.path.exists(args.out) and not os.path.isdir(args.out):
        raise Unusable("--out %s: not a directory" % args.out)
    args.build = builds.build_preset("fuzz")
    return Campaign(args).run()
